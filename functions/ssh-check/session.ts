import {
  type AuthHandlerMiddleware,
  type AuthMethod,
  Client,
  type ParsedKey,
  type PublicKeyAuthMethod,
} from "ssh2";
import { describeNetworkError, errorCode, errorName } from "../shared/error-text";
import { fingerprintOf } from "./fingerprint";

/** Most bytes of stdout and of stderr kept for the result: enough to explain a failure. */
export const MAX_OUTPUT_BYTES = 256;

/**
 * Most bytes read before scrubbing. Secrets are redacted by whole value, so output is cut to
 * {@link MAX_OUTPUT_BYTES} only after scrubbing: a key that starts in the kept window is
 * always whole in this much larger one (even a 4096-bit RSA key is under 4 KiB).
 */
export const COLLECTED_OUTPUT_BYTES = 64 * 1024;

/** Where to connect and which host keys to trust. */
export interface SessionTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** Pinned fingerprints (OpenSSH `SHA256:...`); any other host key ends the session. */
  readonly pinned: readonly string[];
  /** Budget for connect + key exchange + authentication + command. */
  readonly timeoutMs: number;
}

/** What to do once the server is verified. */
export type SessionPlan =
  | { readonly mode: "handshake" }
  | { readonly mode: "command"; readonly key: ParsedKey; readonly command: string };

/** How a session ended; every expected ending is a value, never an exception. */
export type SessionOutcome =
  | { readonly kind: "reached-auth"; readonly fingerprint: string }
  | {
      readonly kind: "exited";
      readonly fingerprint: string;
      /** null when the command was killed by a signal or the server sent no exit status. */
      readonly exitCode: number | null;
      readonly signal: string | null;
      readonly stdout: string;
      readonly stderr: string;
    }
  | { readonly kind: "host-key-mismatch"; readonly fingerprint: string }
  | { readonly kind: "auth-failed"; readonly fingerprint: string }
  | { readonly kind: "timeout" }
  /** `reason` is complete and fixed wording, naming the address (never a runtime message). */
  | { readonly kind: "error"; readonly reason: string };

type Ssh2Error = Error & { level?: string };

/** Collects the first {@link COLLECTED_OUTPUT_BYTES} bytes of a stream and drops the rest. */
class Capped {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  add(chunk: Buffer): void {
    if (this.size >= COLLECTED_OUTPUT_BYTES) return;
    const part = chunk.subarray(0, COLLECTED_OUTPUT_BYTES - this.size);
    this.chunks.push(part);
    this.size += part.length;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

/**
 * Opens one SSH session and reports how it ended. The host key is checked by our own
 * fingerprint comparison (ssh2's `hostHash` is left unset so the verifier gets the raw key blob),
 * and nothing is sent after key exchange unless that comparison succeeded.
 */
export function runSession(target: SessionTarget, plan: SessionPlan): Promise<SessionOutcome> {
  const address = `${target.host}:${target.port}`;
  const failed = (what: string): SessionOutcome => ({
    kind: "error",
    reason: `SSH to ${address} failed: ${what}`,
  });
  return new Promise((resolve) => {
    const client = new Client();
    let presented: string | undefined;
    let verified = false;
    let done = false;

    const finish = (outcome: SessionOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      // A silent peer never answers a polite close, so a timed-out socket is dropped outright.
      if (outcome.kind === "timeout") client.destroy();
      else client.end();
      resolve(outcome);
    };

    const timer = setTimeout(() => finish({ kind: "timeout" }), target.timeoutMs);

    // ssh2 only calls the auth handler after the key exchange, i.e. after hostVerifier accepted.
    const onAuthStage: AuthHandlerMiddleware = () => {
      if (presented === undefined || !verified) {
        finish(failed("server reached authentication without a verified host key"));
        return;
      }
      finish({ kind: "reached-auth", fingerprint: presented });
    };

    client.on("error", (err: Ssh2Error) => {
      if (presented !== undefined && !verified) finish({ kind: "host-key-mismatch", fingerprint: presented });
      else if (err.level === "client-timeout") finish({ kind: "timeout" });
      else if (err.level === "client-authentication" && presented !== undefined)
        finish({ kind: "auth-failed", fingerprint: presented });
      else finish({ kind: "error", reason: describeSessionError(err, target) });
    });
    // Deferred: ssh2 emits the client's close before it closes open channels, and a command's
    // exit status arriving just before a hang-up must still win.
    client.on("close", () => setImmediate(() => finish(failed("connection closed by the server"))));
    client.on("ready", () => {
      if (plan.mode !== "command") return;
      if (presented === undefined || !verified) {
        finish(failed("logged in without a verified host key"));
        return;
      }
      const fingerprint = presented;
      client.exec(plan.command, (err, stream) => {
        if (err) {
          finish(failed(`cannot start the command (${errorName(err)})`));
          return;
        }
        const stdout = new Capped();
        const stderr = new Capped();
        let exitCode: number | null = null;
        let signal: string | null = null;
        stream.on("data", (chunk: Buffer) => stdout.add(chunk));
        stream.stderr.on("data", (chunk: Buffer) => stderr.add(chunk));
        stream.on("exit", (code: number | null, sig?: string) => {
          exitCode = typeof code === "number" ? code : null;
          signal = sig ?? null;
        });
        stream.on("close", () =>
          finish({
            kind: "exited",
            fingerprint,
            exitCode,
            signal,
            stdout: stdout.text(),
            stderr: stderr.text(),
          }),
        );
      });
    });

    try {
      client.connect({
        host: target.host,
        port: target.port,
        username: target.user,
        readyTimeout: target.timeoutMs,
        tryKeyboard: false,
        hostVerifier: (key: Buffer): boolean => {
          presented = fingerprintOf(key);
          verified = target.pinned.includes(presented);
          return verified;
        },
        authHandler: plan.mode === "handshake" ? onAuthStage : publicKeyOnly(target.user, plan.key),
      });
    } catch (err) {
      finish({ kind: "error", reason: describeSessionError(err, target) });
    }
  });
}

/**
 * A fixed reason for an error ssh2 reported: socket errors by their code (their messages are
 * Node's wording); handshake and protocol errors in ssh2's own words, which name the mismatch
 * ("no matching key exchange algorithm") and come from the pinned library, not the runtime.
 */
function describeSessionError(err: unknown, target: SessionTarget): string {
  const address = `${target.host}:${target.port}`;
  const network = describeNetworkError(err, { address, hostname: target.host });
  if (network !== undefined) return network;
  const level = (err as Ssh2Error | undefined)?.level;
  const message = (err as Ssh2Error | undefined)?.message;
  if ((level === "handshake" || level === "protocol") && typeof message === "string") {
    return `SSH ${level} with ${address} failed: ${message}`;
  }
  return `SSH to ${address} failed (${errorCode(err) ?? level ?? errorName(err)})`;
}

/** Exactly one attempt with the stored key: no "none" probe, no password, no keyboard prompt. */
function publicKeyOnly(username: string, key: ParsedKey): AuthMethod[] {
  const method: PublicKeyAuthMethod = { type: "publickey", username, key };
  return [method];
}
