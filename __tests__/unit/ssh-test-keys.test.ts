import { createHash, randomBytes } from "node:crypto";
import { type ParsedKey, utils } from "ssh2";
import { fingerprintOf } from "../../functions/ssh-check/fingerprint";
import { generateEd25519KeyPair, type SshKeyPair } from "../../testkit/ssh-server";

// The test key helper every SSH test uses. ssh2's own generator strips leading zero bytes from
// the public key, so about one key in 256 came out malformed and a test failed at random.

/** Every way a pair's encoding can be broken, as ssh2 (used by the check and the test server) reads it. */
function encodingProblemsOf(pair: SshKeyPair): string[] {
  const parsedPrivate = utils.parseKey(pair.private);
  const parsedPublic = utils.parseKey(pair.public);
  if (parsedPrivate instanceof Error) return [`private key: ${parsedPrivate.message}`];
  if (parsedPublic instanceof Error) return [`public key: ${parsedPublic.message}`];
  const privateKey = parsedPrivate as ParsedKey;
  const publicKey = parsedPublic as ParsedKey;
  const problems: string[] = [];
  const blob = publicKey.getPublicSSH() as Buffer;
  // string "ssh-ed25519" (4 + 11) + string key (4 + 32): a stripped zero byte makes it 50.
  if (blob.length !== 51) problems.push(`public blob is ${blob.length} bytes, not 51`);
  if (privateKey.type !== "ssh-ed25519" || publicKey.type !== "ssh-ed25519") problems.push("not ssh-ed25519");
  if (!privateKey.isPrivateKey()) problems.push("private key parses as public");
  if (!(privateKey.getPublicSSH() as Buffer).equals(blob)) problems.push("private and public key differ");
  return problems;
}

/** The encoding problems, plus whether a signature by the private key verifies with the public one. */
function problemsOf(pair: SshKeyPair): string[] {
  const problems = encodingProblemsOf(pair);
  if (problems.length > 0) return problems;
  const privateKey = utils.parseKey(pair.private) as ParsedKey;
  const publicKey = utils.parseKey(pair.public) as ParsedKey;
  const data = randomBytes(32);
  return publicKey.verify(data, privateKey.sign(data)) === true ? [] : ["signature does not verify"];
}

/** The raw 32-byte public key inside the `.pub` line. */
function rawPublicKey(pair: SshKeyPair): Buffer {
  return Buffer.from(pair.public.split(" ")[1] ?? "", "base64").subarray(19);
}

describe("generateEd25519KeyPair", () => {
  it("writes a key whose public half starts with a zero byte in full", () => {
    // A seed found by search whose public key starts with 0x00: the case ssh2's generator broke.
    const pair = generateEd25519KeyPair(createHash("sha256").update("seed-157").digest());

    expect(rawPublicKey(pair)[0]).toBe(0);
    expect(problemsOf(pair)).toEqual([]);
  });

  it("writes a key whose seed is all zero bytes in full", () => {
    expect(problemsOf(generateEd25519KeyPair(Buffer.alloc(32)))).toEqual([]);
  });

  it("is the same key for the same seed, and its fingerprint is what OpenSSH prints for it", () => {
    const seed = createHash("sha256").update("seed-157").digest();
    const pair = generateEd25519KeyPair(seed);
    const again = generateEd25519KeyPair(seed);
    const blob = Buffer.from(pair.public.split(" ")[1] ?? "", "base64");

    expect(again.public).toBe(pair.public);
    // `ssh-keygen -lf` of this public key printed this fingerprint (OpenSSH 9), and `ssh-keygen -y`
    // of the private key reproduced the public line.
    expect(fingerprintOf(blob)).toBe("SHA256:zKNMpDfZ7Gv8M1pk2W3LZgrdzeJNFjMRmPSoJBs4qgQ");
  });

  it("makes 2000 random key pairs that all parse and match, and signs with a sample", () => {
    // With one bad key in 256, 2000 good draws in a row would happen with probability 0.04%.
    const broken: string[] = [];
    for (let i = 0; i < 2000; i += 1) {
      const pair = generateEd25519KeyPair();
      const problems =
        i % 100 === 0 || rawPublicKey(pair)[0] === 0 ? problemsOf(pair) : encodingProblemsOf(pair);
      if (problems.length > 0) broken.push(`${pair.public}: ${problems.join(", ")}`);
    }

    expect(broken).toEqual([]);
  });

  it("refuses a seed that is not 32 bytes", () => {
    expect(() => generateEd25519KeyPair(Buffer.alloc(31))).toThrow("an Ed25519 seed is 32 bytes, got 31");
  });
});
