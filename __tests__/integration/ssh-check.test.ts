import { createHash, generateKeyPairSync } from "node:crypto";
import { DescribeInstancesCommand, EC2Client, EC2ServiceException } from "@aws-sdk/client-ec2";
import {
  DecryptionFailure,
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { utils } from "ssh2";
import type { CheckSettings } from "../../contract/checks";
import type { CheckEvent } from "../../contract/workflow";

type SshSettings = CheckSettings<"ssh">;

import { createSecretReader, secretsManagerClients } from "../../functions/shared/secrets";
import { runSshCheck, type SshCheckDeps } from "../../functions/ssh-check/check";
import { handler } from "../../functions/ssh-check/index";
import { awsError, modeledAwsError } from "../../testkit/aws-errors";
import { networkError } from "../../testkit/network-errors";
import {
  closedPort,
  generateEd25519KeyPair,
  type RunningSshServer,
  startSilentServer,
  startSshServer,
} from "../../testkit/ssh-server";

const INSTANCE_ID = "i-0123456789abcdef0";
const KEY_SECRET = "first-line/ssh-key";

const hostKey = generateEd25519KeyPair();
const impostorHostKey = generateEd25519KeyPair();
const userKey = generateEd25519KeyPair();
const strangerKey = generateEd25519KeyPair();

/** Computed here from the public key with node:crypto, independently of the function's code. */
function opensshFingerprint(publicKey: string): string {
  const parsed = utils.parseKey(publicKey);
  if (parsed instanceof Error) throw parsed;
  const digest = createHash("sha256").update(parsed.getPublicSSH()).digest("base64");
  return `SHA256:${digest.replace(/=+$/, "")}`;
}

const HOST_FP = opensshFingerprint(hostKey.public);
const IMPOSTOR_FP = opensshFingerprint(impostorHostKey.public);

const ec2Mock = mockClient(EC2Client);
const secretsMock = mockClient(SecretsManagerClient);

let server: RunningSshServer;

beforeAll(async () => {
  server = await startSshServer({
    hostKey: hostKey.private,
    userPublicKey: userKey.public,
    user: "ec2-user",
    exec: (command) => {
      if (command === "true") return { exitCode: 0, stdout: "ok\n" };
      if (command === "false") return { exitCode: 1, stderr: "nginx is not running\n" };
      if (command === "chatty") return { exitCode: 0, stdout: "x".repeat(5000) };
      return { exitCode: 127, stderr: `${command}: not found\n` };
    },
  });
});

afterAll(() => server.close());

beforeEach(() => {
  ec2Mock.reset();
  secretsMock.reset();
  server.authAttempts.length = 0;
  server.commands.length = 0;
});

function settings(overrides: Partial<SshSettings> = {}): SshSettings {
  return {
    host: "127.0.0.1",
    port: server.port,
    user: "ec2-user",
    hostKeySha256: [HOST_FP],
    mode: "handshake",
    command: "true",
    timeoutSeconds: 2,
    inVpc: false,
    ...overrides,
  };
}

function commandSettings(overrides: Partial<SshSettings> = {}): SshSettings {
  return settings({ mode: "command", privateKeySecret: KEY_SECRET, ...overrides });
}

function event(s: SshSettings): CheckEvent<SshSettings> {
  return { instanceId: INSTANCE_ID, region: "eu-west-1", settings: s };
}

/** Fresh clients per test: the secret reader caches per container, tests must not share it. */
function deps(): SshCheckDeps {
  return {
    ec2: new EC2Client({}),
    readSecret: createSecretReader(secretsManagerClients()),
  };
}

function storeUserKey(privateKey: string): void {
  secretsMock.on(GetSecretValueCommand, { SecretId: KEY_SECRET }).resolves({ SecretString: privateKey });
}

it("runs ssh2 on its JavaScript ciphers, as the deployed bundle does (it leaves *.node out)", () => {
  // The native binding is optional; a test that loaded it would exercise code Lambda never runs.
  const crypto = require("ssh2/lib/protocol/crypto.js") as { bindingAvailable: boolean };
  expect(crypto.bindingAvailable).toBe(false);
});

describe("ssh-check in handshake mode", () => {
  it("passes when the server presents the pinned host key, without sending any credentials", async () => {
    const result = await runSshCheck(event(settings()), deps());

    expect(result).toMatchObject({ check: "ssh", status: "passed" });
    expect(result.reason).toBe(
      `sshd at 127.0.0.1:${server.port} presented pinned host key ${HOST_FP} and reached authentication`,
    );
    expect(result.details).toMatchObject({ hostKey: HOST_FP, host: "127.0.0.1", hostSource: "settings" });
    expect(server.authAttempts).toEqual([]);
    expect(ec2Mock.calls()).toHaveLength(0);
    expect(secretsMock.calls()).toHaveLength(0);
  });

  it("passes when a later fingerprint in the pinned list matches", async () => {
    const result = await runSshCheck(event(settings({ hostKeySha256: [IMPOSTOR_FP, HOST_FP] })), deps());

    expect(result.status).toBe("passed");
    expect(result.details?.hostKey).toBe(HOST_FP);
  });

  it("fails on a host key that is not pinned, naming the presented fingerprint", async () => {
    const result = await runSshCheck(event(settings({ hostKeySha256: [IMPOSTOR_FP] })), deps());

    expect(result).toMatchObject({ status: "failed" });
    expect(result.reason).toBe(`host key ${HOST_FP} does not match the pinned fingerprint(s)`);
    expect(server.authAttempts).toEqual([]);
  });

  it("fails with connection refused when nothing listens on the port", async () => {
    const port = await closedPort();

    const result = await runSshCheck(event(settings({ port })), deps());

    expect(result).toMatchObject({
      status: "failed",
      reason: `connection refused by 127.0.0.1:${port}`,
    });
  });

  it("fails with a timeout when the server accepts but never sends its SSH banner", async () => {
    const silent = await startSilentServer();
    try {
      const result = await runSshCheck(event(settings({ port: silent.port, timeoutSeconds: 1 })), deps());

      expect(result).toMatchObject({ status: "failed", reason: "timed out after 1 s" });
      // The check hangs up itself rather than leaving a socket open for the Lambda to freeze.
      await silent.idle();
    } finally {
      await silent.close();
    }
  });
});

describe("ssh-check host lookup", () => {
  it("connects to the instance's public IP from DescribeInstances when no host is configured", async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            { InstanceId: INSTANCE_ID, PublicIpAddress: "127.0.0.1", PrivateIpAddress: "10.9.9.9" },
          ],
        },
      ],
    });

    const result = await runSshCheck(event(settings({ host: undefined })), deps());

    expect(result.status).toBe("passed");
    expect(result.details).toMatchObject({ host: "127.0.0.1", hostSource: "public-ip" });
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)[0]?.args[0].input).toEqual({
      InstanceIds: [INSTANCE_ID],
    });
  });

  it("uses the private IP when the function runs in a VPC", async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            { InstanceId: INSTANCE_ID, PublicIpAddress: "192.0.2.1", PrivateIpAddress: "127.0.0.1" },
          ],
        },
      ],
    });

    const result = await runSshCheck(event(settings({ host: undefined, inVpc: true })), deps());

    expect(result.status).toBe("passed");
    expect(result.details).toMatchObject({ host: "127.0.0.1", hostSource: "private-ip" });
  });

  it("fails without connecting when the instance has no public IP", async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [{ InstanceId: INSTANCE_ID, PrivateIpAddress: "10.0.0.5" }] }],
    });
    const before = server.connections();

    const result = await runSshCheck(event(settings({ host: undefined })), deps());

    expect(result).toMatchObject({
      status: "failed",
      reason: `instance ${INSTANCE_ID} has no public IP address`,
    });
    expect(server.connections()).toBe(before);
  });

  it("is unavailable, without connecting, when DescribeInstances does not know the instance", async () => {
    // Nothing to restart either: people must look, so the workflow escalates instead.
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    const before = server.connections();

    const result = await runSshCheck(event(settings({ host: undefined })), deps());

    expect(result).toMatchObject({
      status: "unavailable",
      reason: `EC2 DescribeInstances: instance ${INSTANCE_ID} not found`,
    });
    expect(server.connections()).toBe(before);
  });

  it.each([
    [
      "UnauthorizedOperation",
      403,
      1,
      "You are not authorized to perform this operation. User: arn:aws:sts::123456789012:assumed-role/x",
      "access denied (UnauthorizedOperation)",
    ],
    [
      "RequestLimitExceeded",
      503,
      3,
      "Request limit exceeded.",
      "throttled (RequestLimitExceeded) after 3 attempts",
    ],
    [
      "InvalidInstanceID.NotFound",
      400,
      1,
      `The instance ID '${INSTANCE_ID}' does not exist`,
      "not found (InvalidInstanceID.NotFound)",
    ],
    [
      "InternalError",
      500,
      3,
      "An internal error has occurred.",
      "service error (InternalError, HTTP 500) after 3 attempts",
    ],
  ])(
    "is unavailable, naming EC2 DescribeInstances, when it answers %s",
    async (name, httpStatusCode, attempts, message, text) => {
      ec2Mock
        .on(DescribeInstancesCommand)
        .rejects(awsError(EC2ServiceException, name, message, { httpStatusCode, attempts }));
      const before = server.connections();

      const result = await runSshCheck(event(settings({ host: undefined })), deps());

      expect(result).toMatchObject({
        status: "unavailable",
        reason: `EC2 DescribeInstances: lookup of ${INSTANCE_ID} failed: ${text}`,
      });
      expect(result.reason).not.toContain(message);
      expect(server.connections()).toBe(before);
    },
  );
});

describe("ssh-check in command mode", () => {
  it("passes when the stored key logs in and the command exits 0, keeping the key out of the result", async () => {
    storeUserKey(userKey.private);

    const result = await runSshCheck(event(commandSettings()), deps());

    expect(result).toMatchObject({ status: "passed", reason: "command exited 0" });
    expect(result.details).toMatchObject({ exitCode: 0, stdout: "ok\n", hostKey: HOST_FP });
    expect(server.commands).toEqual(["true"]);
    // ssh2 may ask "would you accept this key" first; only public-key requests, one of them signed.
    expect(new Set(server.authAttempts.map((a) => `${a.method}/${a.username}`))).toEqual(
      new Set(["publickey/ec2-user"]),
    );
    expect(server.authAttempts).toContainEqual({ method: "publickey", username: "ec2-user", signed: true });
    expect(JSON.stringify(result)).not.toContain("PRIVATE KEY");
    expect(secretsMock.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: KEY_SECRET,
    });
  });

  it("fails with the exit code and the command's stderr when the command exits 1", async () => {
    storeUserKey(userKey.private);

    const result = await runSshCheck(event(commandSettings({ command: "false" })), deps());

    expect(result).toMatchObject({ status: "failed", reason: "command exited 1" });
    expect(result.details).toMatchObject({ exitCode: 1, stderr: "nginx is not running\n" });
  });

  it("keeps only the first 256 bytes of a long output", async () => {
    storeUserKey(userKey.private);

    const result = await runSshCheck(event(commandSettings({ command: "chatty" })), deps());

    expect(result.status).toBe("passed");
    expect(result.details?.stdout).toBe("x".repeat(256));
  });

  it("fails with an authentication reason and runs nothing when the server rejects the key", async () => {
    storeUserKey(strangerKey.private);

    const result = await runSshCheck(event(commandSettings()), deps());

    expect(result).toMatchObject({ status: "failed", reason: "authentication failed for user ec2-user" });
    expect(server.commands).toEqual([]);
  });

  it("fails on an unpinned host key before offering the user key", async () => {
    storeUserKey(userKey.private);

    const result = await runSshCheck(event(commandSettings({ hostKeySha256: [IMPOSTOR_FP] })), deps());

    expect(result.reason).toBe(`host key ${HOST_FP} does not match the pinned fingerprint(s)`);
    expect(result.status).not.toBe("passed");
    expect(server.authAttempts).toEqual([]);
    expect(server.commands).toEqual([]);
  });

  // The reader's wording of each error is tested with it (shared-secrets); here: whatever
  // Secrets Manager answers, the check is unavailable, names the error, and touches nothing else.
  it.each([
    [
      "denies access",
      awsError(
        SecretsManagerServiceException,
        "AccessDeniedException",
        "User: arn:aws:sts::1:assumed-role/x",
      ),
      "AccessDeniedException",
    ],
    [
      "cannot decrypt it with its KMS key",
      modeledAwsError(DecryptionFailure, "Access to KMS is not allowed"),
      "DecryptionFailure",
    ],
    [
      "does not know it",
      modeledAwsError(ResourceNotFoundException, "Secrets Manager can't find the secret."),
      "ResourceNotFoundException",
    ],
    [
      "keeps throttling",
      awsError(SecretsManagerServiceException, "ThrottlingException", "Rate exceeded"),
      "ThrottlingException",
    ],
    [
      "cannot be reached",
      networkError("getaddrinfo EAI_AGAIN secretsmanager.eu-west-1.amazonaws.com", "EAI_AGAIN"),
      "DNS lookup failed",
    ],
  ])(
    "is unavailable, before looking up or dialling anything, when Secrets Manager %s",
    async (_case, rejection, named) => {
      secretsMock.on(GetSecretValueCommand).rejects(rejection);
      const before = server.connections();

      const result = await runSshCheck(event(commandSettings({ host: undefined })), deps());

      expect(result).toMatchObject({ check: "ssh", status: "unavailable" });
      expect(result.reason).toMatch(new RegExp(`^Secrets Manager: secret ${KEY_SECRET} could not be read: `));
      expect(result.reason).toContain(named);
      expect(result.reason).not.toContain(rejection.message);
      expect(ec2Mock.calls()).toHaveLength(0);
      expect(server.connections()).toBe(before);
    },
  );

  it("is unavailable without quoting the value when the secret is not a private key", async () => {
    storeUserKey("not-a-key-but-a-secret-value");
    const before = server.connections();

    const result = await runSshCheck(event(commandSettings()), deps());

    expect(result).toMatchObject({
      status: "unavailable",
      reason: `Secrets Manager: secret ${KEY_SECRET} does not hold an OpenSSH or PEM private key`,
    });
    expect(JSON.stringify(result)).not.toContain("not-a-key-but-a-secret-value");
    expect(server.connections()).toBe(before);
  });

  it("is unavailable when the secret holds a public key", async () => {
    storeUserKey(userKey.public);

    const result = await runSshCheck(event(commandSettings()), deps());

    expect(result).toMatchObject({
      status: "unavailable",
      reason: `Secrets Manager: secret ${KEY_SECRET} holds a public key, not a private key`,
    });
  });

  it("is unavailable when the secret holds an encrypted private key", async () => {
    const encrypted = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs1", format: "pem", cipher: "aes-256-cbc", passphrase: "pw" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    }).privateKey;
    storeUserKey(encrypted);

    const result = await runSshCheck(event(commandSettings()), deps());

    expect(result).toMatchObject({
      status: "unavailable",
      reason: `Secrets Manager: secret ${KEY_SECRET} holds an encrypted private key; store it without a passphrase`,
    });
  });

  it("counts anything a secret reader throws as Secrets Manager unavailable, never as the instance", async () => {
    const result = await runSshCheck(event(commandSettings()), {
      ...deps(),
      readSecret: async () => {
        throw new TypeError("boom");
      },
    });

    expect(result).toMatchObject({
      status: "unavailable",
      reason: `Secrets Manager: secret ${KEY_SECRET} could not be read: request failed (TypeError)`,
    });
  });
});

describe("ssh-check handler", () => {
  it("returns the check result for a valid event", async () => {
    const result = await handler(event(settings()));

    expect(result).toMatchObject({ check: "ssh", status: "passed" });
    expect(typeof result.durationMs).toBe("number");
  });

  it("returns unavailable, not a throw, when the key secret cannot be read", async () => {
    secretsMock
      .on(GetSecretValueCommand)
      .rejects(awsError(SecretsManagerServiceException, "AccessDeniedException", "denied"));

    const result = await handler(event(commandSettings()));

    expect(result).toMatchObject({ check: "ssh", status: "unavailable" });
    expect(result.reason).toMatch(/^Secrets Manager: /);
  });

  it.each([
    ["a malformed fingerprint", { hostKeySha256: ["SHA256:tooShort"] }, "settings.hostKeySha256[0]"],
    ["a missing user", { user: undefined }, "settings.user"],
    [
      "command mode without a key secret",
      { mode: "command", privateKeySecret: undefined },
      "settings.privateKeySecret",
    ],
    ["a port given as a string", { port: "22" }, "settings.port"],
  ])("rejects %s with InvalidInput before any AWS call or connection", async (_label, patch, path) => {
    const before = server.connections();
    const bad = {
      ...event(settings({ host: undefined })),
      settings: { ...settings({ host: undefined }), ...patch },
    };

    const failure = handler(bad);

    await expect(failure).rejects.toMatchObject({ name: "InvalidInput" });
    await expect(failure).rejects.toThrow(path);
    expect(ec2Mock.calls()).toHaveLength(0);
    expect(secretsMock.calls()).toHaveLength(0);
    expect(server.connections()).toBe(before);
  });
});
