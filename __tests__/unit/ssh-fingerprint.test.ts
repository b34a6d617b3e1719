import { utils } from "ssh2";
import { FINGERPRINT } from "../../contract/identifiers";
import { fingerprintOf } from "../../functions/ssh-check/fingerprint";
import { generateEd25519KeyPair } from "../../testkit/ssh-server";

// Public keys and the fingerprints `ssh-keygen -lf` printed for them (OpenSSH 9), so the
// function is checked against OpenSSH itself rather than against a re-implementation.
const VECTORS = [
  {
    type: "ed25519",
    publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEmz1bn+R5/CbzkxYOjgYjY9K6pziSBxZZK+UF9++K+i fixture",
    fingerprint: "SHA256:20Wqur0Lw+Q9AsKZbpU9PSsqKJ2fy5TW0PCwKQsB3Xo",
  },
  {
    type: "rsa",
    publicKey:
      "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC17yTEQO3HjlXh9/xUOlFmU7y87mai3oxMhljDrZ+AGIBlhvLg7J+mzA2mjuQ7iHRSm2HQfhuakZgncF3Yf0u9G+dqRWPL5grP4kKVFGCth3GDx+VU6eyQMrZX8+MNl/YqNnZ5+u7+05O0WK8hq88i882g4WVduE9KCUlj/WfoJdvvYYsgliCrIJ950gVOnDtQD1uNZbE0vLUR7eFjUQ6oBXdtL2R3Y+Nwld1/ikPwVLJpxWIdw1aTHIB1subM7x9OhwWX9f3q3peIbObOZnWs4anqejUQKga2Lz2qmojdSYkX1H0/2v9i52nTajw6z8BK1HR3Ip1Q/GOTd4g8IZZX fixture",
    fingerprint: "SHA256:90KQ4EQDwlqHjVmivg3MJTPvXIdkHP3mmW9GXu9MDZE",
  },
] as const;

describe("fingerprintOf", () => {
  it.each(VECTORS)(
    "matches ssh-keygen's SHA-256 fingerprint of an $type host key",
    ({ publicKey, fingerprint }) => {
      const blob = Buffer.from(publicKey.split(" ")[1] ?? "", "base64");

      expect(fingerprintOf(blob)).toBe(fingerprint);
    },
  );

  it("hashes the same blob ssh2 parses out of the key", () => {
    const vector = VECTORS[0];
    const parsed = utils.parseKey(vector.publicKey);
    if (parsed instanceof Error) throw parsed;

    expect(fingerprintOf(parsed.getPublicSSH() as Buffer)).toBe(vector.fingerprint);
  });

  it("produces strings the pin pattern accepts", () => {
    const { public: publicKey } = generateEd25519KeyPair();
    const parsed = utils.parseKey(publicKey);
    if (parsed instanceof Error) throw parsed;

    expect(fingerprintOf(parsed.getPublicSSH() as Buffer)).toMatch(FINGERPRINT);
  });
});

describe("FINGERPRINT", () => {
  it.each([
    ["an MD5 fingerprint", "MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48"],
    ["a padded base64 digest", "SHA256:20Wqur0Lw+Q9AsKZbpU9PSsqKJ2fy5TW0PCwKQsB3Xo="],
    ["a digest one character short", "SHA256:20Wqur0Lw+Q9AsKZbpU9PSsqKJ2fy5TW0PCwKQsB3X"],
    ["a lower-case prefix", "sha256:20Wqur0Lw+Q9AsKZbpU9PSsqKJ2fy5TW0PCwKQsB3Xo"],
    ["a bare digest", "20Wqur0Lw+Q9AsKZbpU9PSsqKJ2fy5TW0PCwKQsB3Xo"],
    ["URL-safe base64", "SHA256:20Wqur0Lw-Q9AsKZbpU9PSsqKJ2fy5TW0PCwKQsB3Xo"],
  ])("rejects %s", (_label, value) => {
    expect(FINGERPRINT.test(value)).toBe(false);
  });
});
