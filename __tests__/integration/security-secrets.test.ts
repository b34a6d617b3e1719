/**
 * Secret values (served only by the tests' fake Secrets Manager) never leave the functions: not
 * in the synthesized output, not in any log line, not in a function's result (which lands in
 * the execution history), not in Slack or OpsGenie payloads, not even when a receiver echoes
 * them back in an error. The OpsGenie Authorization header and the webhook URL itself are the
 * only places they may go.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { readZip } from "../../stacks/zip";
import { type CaptureServer, startCaptureServer } from "../../testkit/capture-server";
import {
  generateEd25519KeyPair,
  publicKeyFingerprint,
  type RunningSshServer,
  startSshServer,
} from "../../testkit/ssh-server";
import escalated from "../fixtures/events/notification-escalated.json";
import recovered from "../fixtures/events/notification-recovered.json";
import { synthExample } from "../security/synth";

type Handler = (event: unknown) => Promise<unknown>;

const SLACK_WEBHOOK = "https://hooks.slack.com/services/T000/B000/SECRETTOKEN123";
const OPSGENIE_KEY = "opsgenie-key-SECRET-456";
const userKey = generateEd25519KeyPair();
const hostKey = generateEd25519KeyPair();
/** The key's base64 body lines: any one of them in a log is a leak. */
const KEY_LINES = userKey.private.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"));
const SECRET_NAMES = {
  slack: "first-line/slack-webhook",
  opsgenie: "first-line/opsgenie-api-key",
  ssh: "first-line/ssh-key",
};

/** Every form of every secret value that must not appear. */
const FORBIDDEN = [SLACK_WEBHOOK, OPSGENIE_KEY, userKey.private, ...KEY_LINES];

function leaks(text: string): string[] {
  return FORBIDDEN.filter(
    (secret) => text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1)),
  );
}

const secretsManager = mockClient(SecretsManagerClient);
let receiver: CaptureServer;
let sshd: RunningSshServer;
let logged: string[];
let notifySlack: Handler;
let alertOpsgenie: Handler;
let sshCheck: Handler;
const realFetch = globalThis.fetch;
/** URLs the functions asked fetch for, before the test re-routes them to the capture server. */
const fetched: string[] = [];

beforeAll(async () => {
  receiver = await startCaptureServer();
  sshd = await startSshServer({ hostKey: hostKey.private, userPublicKey: userKey.public, user: "ec2-user" });
  // The handlers capture `fetch` when their module loads: re-route it first, so the real
  // hooks.slack.com webhook URL can be the secret while every request lands on 127.0.0.1.
  jest.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    const url = new URL(String(input));
    fetched.push(url.href);
    return realFetch(`${receiver.url}${url.pathname}${url.search}`, init);
  });
  notifySlack = (await import("../../functions/notify-chat")).handler;
  alertOpsgenie = (await import("../../functions/escalate")).handler;
  sshCheck = (await import("../../functions/ssh-check")).handler;
});

afterAll(async () => {
  jest.restoreAllMocks();
  await receiver.close();
  await sshd.close();
});

let stdout: jest.SpyInstance;
beforeEach(() => {
  receiver.reset();
  fetched.length = 0;
  secretsManager.reset();
  secretsManager
    .on(GetSecretValueCommand, { SecretId: SECRET_NAMES.slack })
    .resolves({ SecretString: `${SLACK_WEBHOOK}\n` });
  secretsManager
    .on(GetSecretValueCommand, { SecretId: SECRET_NAMES.opsgenie })
    .resolves({ SecretString: OPSGENIE_KEY });
  secretsManager
    .on(GetSecretValueCommand, { SecretId: SECRET_NAMES.ssh })
    .resolves({ SecretString: userKey.private });
  logged = [];
  stdout = jest.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    logged.push(String(chunk));
    return true;
  });
});

afterEach(() => stdout.mockRestore());

/** Runs a handler; returns its result or error, both serialized as Lambda would report them. */
async function run(handler: Handler, event: unknown): Promise<{ ok: boolean; reported: string }> {
  try {
    return { ok: true, reported: JSON.stringify(await handler(event)) };
  } catch (err) {
    const e = err as Error;
    return {
      ok: false,
      reported: JSON.stringify({ errorType: e.name, errorMessage: e.message, stack: e.stack }),
    };
  }
}

const slackEvent = () => JSON.parse(JSON.stringify(recovered));
const opsgenieEvent = () => ({
  ...escalated,
  context: {
    ...escalated.context,
    notifications: {
      ...escalated.context.notifications,
      escalation: { ...escalated.context.notifications.escalation, apiUrl: "https://api.opsgenie.com" },
    },
  },
});
const sshEvent = () => ({
  instanceId: "i-0123456789abcdef0",
  region: "eu-west-1",
  settings: {
    host: "127.0.0.1",
    port: sshd.port,
    user: "ec2-user",
    hostKeySha256: [publicKeyFingerprint(hostKey.public)],
    mode: "command",
    privateKeySecret: SECRET_NAMES.ssh,
    command: "true",
    timeoutSeconds: 3,
    inVpc: false,
  },
});

describe("secret values in the synthesized output", () => {
  it("appear in no file of cdktf.out, bundled code included; only the secret names do", async () => {
    const { outdir, cleanup } = await synthExample();
    try {
      const texts: [string, string][] = [];
      const walk = (dir: string) => {
        for (const name of readdirSync(dir)) {
          const file = join(dir, name);
          if (statSync(file).isDirectory()) walk(file);
          else if (name.endsWith(".zip")) {
            for (const entry of readZip(readFileSync(file)))
              texts.push([`${file}!${entry.name}`, entry.data.toString("utf8")]);
          } else texts.push([file, readFileSync(file, "utf8")]);
        }
      };
      walk(outdir);

      expect(texts.filter(([f]) => f.includes("!")).length).toBeGreaterThanOrEqual(6);
      for (const [file, text] of texts) expect([file, leaks(text)]).toEqual([file, []]);
      const tf = texts.find(([f]) => f.endsWith("cdk.tf.json"))?.[1] ?? "";
      for (const name of Object.values(SECRET_NAMES)) expect(tf).toContain(name);
    } finally {
      cleanup();
    }
  });
});

describe("secret values at run time", () => {
  it("notify-chat posts to the webhook but keeps it out of the body, the logs and its result", async () => {
    const { ok, reported } = await run(notifySlack, slackEvent());

    expect(ok).toBe(true);
    expect(fetched).toEqual([SLACK_WEBHOOK]);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]?.path).toBe("/services/T000/B000/SECRETTOKEN123");
    expect(leaks(receiver.requests[0]?.rawBody ?? "")).toEqual([]);
    expect(logged.length).toBeGreaterThan(0);
    expect(leaks(logged.join(""))).toEqual([]);
    expect(leaks(reported)).toEqual([]);
  });

  it.each([
    {
      name: "notify-chat keeps the token out of its error and logs when Slack echoes it back",
      handler: () => notifySlack,
      event: slackEvent,
      reply: { status: 403, body: `invalid_token: no hook at ${SLACK_WEBHOOK}` },
      named: ["DeliveryRejected", "403"],
    },
    {
      name: "escalate keeps the key out of its error and logs when OpsGenie echoes it back",
      handler: () => alertOpsgenie,
      event: opsgenieEvent,
      reply: { status: 401, body: `{"message":"Key ${OPSGENIE_KEY} is invalid"}` },
      named: ["401"],
    },
  ])("$name", async ({ handler, event, reply, named }) => {
    receiver.reply(reply);

    const { ok, reported } = await run(handler(), event());

    expect(ok).toBe(false);
    for (const text of named) expect(reported).toContain(text);
    expect(leaks(reported)).toEqual([]);
    expect(leaks(logged.join(""))).toEqual([]);
  });

  it("escalate sends the key only in the Authorization header, never in the body, logs or result", async () => {
    const { ok, reported } = await run(alertOpsgenie, opsgenieEvent());

    expect(ok).toBe(true);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]?.headers.authorization).toBe(`GenieKey ${OPSGENIE_KEY}`);
    expect(leaks(receiver.requests[0]?.rawBody ?? "")).toEqual([]);
    expect(leaks(logged.join(""))).toEqual([]);
    expect(leaks(reported)).toEqual([]);
  });

  it("ssh-check logs in with the stored private key and keeps it out of its result and logs", async () => {
    const { ok, reported } = await run(sshCheck, sshEvent());

    expect(ok).toBe(true);
    expect(JSON.parse(reported)).toMatchObject({ status: "passed" });
    expect(sshd.commands).toEqual(["true"]);
    expect(logged.length).toBeGreaterThan(0);
    expect(leaks(logged.join(""))).toEqual([]);
    expect(leaks(reported)).toEqual([]);
  });

  it("ssh-check keeps the key out of its result and logs when the command prints it", async () => {
    sshd.commands.length = 0;
    const echoing = await startSshServer({
      hostKey: hostKey.private,
      userPublicKey: userKey.public,
      user: "ec2-user",
      // e.g. a configured command of `cat` on the deployed key file: output is capped at 256
      // bytes, and the cap must not cut the key into a prefix that redaction no longer knows.
      exec: () => ({ exitCode: 1, stdout: userKey.private }),
    });
    try {
      const event = sshEvent();
      const { ok, reported } = await run(sshCheck, {
        ...event,
        settings: { ...event.settings, port: echoing.port },
      });

      expect(ok).toBe(true);
      expect(JSON.parse(reported)).toMatchObject({ status: "failed", reason: "command exited 1" });
      expect(leaks(reported)).toEqual([]);
      expect(leaks(logged.join(""))).toEqual([]);
    } finally {
      await echoing.close();
    }
  });
});
