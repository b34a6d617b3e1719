import { createHash } from "node:crypto";

/**
 * The OpenSSH SHA-256 fingerprint of a raw host key blob (the SSH wire encoding that
 * `ssh-keygen -lf` hashes), so pins copied from `ssh-keygen` output compare as plain strings.
 */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}
