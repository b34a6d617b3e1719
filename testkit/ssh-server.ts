import { createPrivateKey, generateKeyPairSync, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type Socket } from "node:net";
import { type Connection, type ParsedKey, Server, utils } from "ssh2";
import { fingerprintOf } from "../functions/ssh-check/fingerprint";
import { listenOnLoopback } from "./loopback";

/** The fingerprint a pin of this public key (an OpenSSH `.pub` line) holds: the product's own helper. */
export function publicKeyFingerprint(publicKey: string): string {
  const parsed = utils.parseKey(publicKey);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) throw new Error("cannot parse the public key");
  return fingerprintOf(key.getPublicSSH() as Buffer);
}

/** An SSH key pair as OpenSSH writes it: `private` is the key file, `public` the `.pub` line. */
export interface SshKeyPair {
  readonly private: string;
  readonly public: string;
}

/** DER of a PKCS#8 Ed25519 private key up to its 32-byte seed (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const ED25519 = Buffer.from("ssh-ed25519");

/** An SSH `string`: uint32 length, then the bytes. */
function sshString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/**
 * A fresh Ed25519 key pair for tests, made with node:crypto and written in OpenSSH's formats
 * (PROTOCOL.key). Every test key comes from here: ssh2's `utils.generateKeyPairSync("ed25519")`
 * strips leading zero bytes from the public key, so about one key in 256 is malformed and a test
 * fails at random. The key bytes here are always exactly 32. `seed` pins the key (tests of this
 * helper); by default it is random.
 */
export function generateEd25519KeyPair(seed?: Buffer): SshKeyPair {
  if (seed !== undefined && seed.length !== 32) {
    throw new Error(`an Ed25519 seed is 32 bytes, got ${seed.length}`);
  }
  // Importing a seed is ~10x slower than generating, so random keys are generated.
  const privateKey =
    seed === undefined
      ? generateKeyPairSync("ed25519").privateKey
      : createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" });
  const jwk = privateKey.export({ format: "jwk" });
  const secretSeed = Buffer.from(jwk.d ?? "", "base64url");
  const publicKey = Buffer.from(jwk.x ?? "", "base64url");
  const comment = Buffer.from("first-line-test");
  const publicBlob = Buffer.concat([sshString(ED25519), sshString(publicKey)]);

  // Two equal random check words, the key, its comment, then padding 1, 2, 3... to a multiple
  // of the cipher block size ("none": 8).
  const check = randomBytes(4);
  const secret = Buffer.concat([
    check,
    check,
    sshString(ED25519),
    sshString(publicKey),
    sshString(Buffer.concat([secretSeed, publicKey])),
    sshString(comment),
  ]);
  const padding = Buffer.from(Array.from({ length: (8 - (secret.length % 8)) % 8 }, (_, i) => i + 1));
  const keyCount = Buffer.alloc(4);
  keyCount.writeUInt32BE(1);
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0", "binary"),
    sshString(Buffer.from("none")),
    sshString(Buffer.from("none")),
    sshString(Buffer.alloc(0)),
    keyCount,
    sshString(publicBlob),
    sshString(Buffer.concat([secret, padding])),
  ]);
  const lines = body.toString("base64").match(/.{1,70}/g) ?? [];
  return {
    private: ["-----BEGIN OPENSSH PRIVATE KEY-----", ...lines, "-----END OPENSSH PRIVATE KEY-----", ""].join(
      "\n",
    ),
    public: `ssh-ed25519 ${publicBlob.toString("base64")} ${comment.toString()}`,
  };
}

/** What the fake sshd does for one `exec` request. */
export interface CommandBehaviour {
  readonly exitCode: number;
  readonly stdout?: string;
  readonly stderr?: string;
}

export interface SshServerOptions {
  /** Host private key (OpenSSH or PEM), e.g. `generateEd25519KeyPair().private`. */
  readonly hostKey: string;
  /** The one user public key (OpenSSH `ssh-ed25519 AAAA...` line) accepted; none: every login is refused. */
  readonly userPublicKey?: string;
  /** The one login name accepted. @default any */
  readonly user?: string;
  /** @default "true" exits 0, "false" exits 1, anything else exits 127 */
  readonly exec?: (command: string) => CommandBehaviour;
}

/** One `authentication` request the server received. */
export interface AuthAttempt {
  readonly method: string;
  readonly username: string;
  /** True for a signed public-key request (a real login attempt, not a "would you accept" query). */
  readonly signed: boolean;
}

export interface RunningSshServer {
  readonly port: number;
  /** Every auth request, in order: a client that sent no credentials leaves this empty. */
  readonly authAttempts: AuthAttempt[];
  /** Every command run after a successful login. */
  readonly commands: string[];
  /** TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

const defaultExec = (command: string): CommandBehaviour => ({
  exitCode: command === "true" ? 0 : command === "false" ? 1 : 127,
});

function parse(key: string): ParsedKey {
  const parsed = utils.parseKey(key);
  if (parsed instanceof Error) throw parsed;
  return parsed;
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A real ssh2 server on 127.0.0.1 (ephemeral port) with a given host key, one accepted user key,
 * and scripted exit codes, recording what clients attempted. Shared by the ssh-check and
 * workflow tests.
 */
export async function startSshServer(options: SshServerOptions): Promise<RunningSshServer> {
  const allowed = options.userPublicKey === undefined ? undefined : parse(options.userPublicKey);
  const exec = options.exec ?? defaultExec;
  const authAttempts: AuthAttempt[] = [];
  const commands: string[] = [];
  const open = new Set<Connection>();
  let accepted = 0;

  const server = new Server({ hostKeys: [options.hostKey] }, (client) => {
    accepted += 1;
    open.add(client);
    client.on("close", () => open.delete(client));
    // Clients that hang up mid-handshake (a rejected host key) raise socket errors here.
    client.on("error", () => undefined);
    client.on("authentication", (ctx) => {
      authAttempts.push({
        method: ctx.method,
        username: ctx.username,
        signed: ctx.method === "publickey" && ctx.signature !== undefined,
      });
      const userOk = options.user === undefined || ctx.username === options.user;
      if (ctx.method !== "publickey" || !allowed || !userOk) return ctx.reject(["publickey"]);
      const keyOk =
        ctx.key.algo === allowed.type && sameBytes(ctx.key.data, allowed.getPublicSSH() as Buffer);
      if (!keyOk) return ctx.reject(["publickey"]);
      if (ctx.signature === undefined || ctx.blob === undefined) return ctx.accept();
      return allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true
        ? ctx.accept()
        : ctx.reject(["publickey"]);
    });
    client.on("ready", () => {
      client.on("session", (acceptSession) => {
        const session = acceptSession();
        session.on("exec", (acceptExec, _reject, info) => {
          commands.push(info.command);
          const behaviour = exec(info.command);
          const stream = acceptExec();
          if (behaviour.stdout) stream.write(behaviour.stdout);
          if (behaviour.stderr) stream.stderr.write(behaviour.stderr);
          stream.exit(behaviour.exitCode);
          stream.end();
        });
      });
    });
  });

  const port = await listenOnLoopback(server);
  return {
    port,
    authAttempts,
    commands,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of open) client.end();
        server.close(() => resolve());
      }),
  };
}

/** A TCP server that accepts and never says a word: an sshd stuck before its banner. */
export interface SilentServer {
  readonly port: number;
  /** Resolves once every accepted connection has been closed (by either side). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** A TCP server that accepts and never says a word: an sshd stuck before its banner. */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let waiters: (() => void)[] = [];
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      if (sockets.size > 0) return;
      for (const wake of waiters) wake();
      waiters = [];
    });
    socket.on("error", () => undefined);
    // Read and drop the client's banner: a paused socket never notices the client hanging up.
    socket.resume();
  });
  const port = await listenOnLoopback(server);
  return {
    port,
    idle: () =>
      sockets.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port that was free a moment ago and has nothing listening: connection refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listenOnLoopback(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
