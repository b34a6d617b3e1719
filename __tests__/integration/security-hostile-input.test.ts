/**
 * Hostile runtime input: each handler, fed malformed events, rejects with
 * InvalidInput before any AWS call (mocked EC2, Route 53, Secrets Manager see nothing), any HTTP
 * request (a capture server sees nothing) or any SSH connection (a real sshd counts none).
 * The same observers DO see calls for a well-formed event, so "nothing seen" is meaningful.
 */

import { type AddressInfo, createServer, type Server } from "node:net";
import {
  DescribeInstancesCommand,
  EC2Client,
  RebootInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import { GetHealthCheckStatusCommand, Route53Client } from "@aws-sdk/client-route-53";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import fc from "fast-check";
import { INSTANCE_ID, REGION } from "../../contract/identifiers";
import { handler as escalate } from "../../functions/escalate";
import { handler as notifyChat } from "../../functions/notify-chat";
import { handler as restartInstance } from "../../functions/restart-instance";
import { handler as route53Check } from "../../functions/route53-check";
import { handler as sshCheck } from "../../functions/ssh-check";
import { handler as tcpCheck } from "../../functions/tcp-check";
import { handler as urlCheck } from "../../functions/url-check";
import { buildDefinition, INVALID_INPUT_ERROR, machineTimeoutSeconds } from "../../stacks/workflow";
import { type CaptureServer, startCaptureServer } from "../../testkit/capture-server";
import {
  generateEd25519KeyPair,
  publicKeyFingerprint,
  type RunningSshServer,
  startSshServer,
} from "../../testkit/ssh-server";
import {
  checkResult,
  FakeLockTable,
  FUNCTION_NAMES_AS_DEPLOYED,
  instanceSettings,
  runWorkflow,
  workflowInput,
} from "../../testkit/workflow-harness";
import escalated from "../fixtures/events/notification-escalated.json";
import recovered from "../fixtures/events/notification-recovered.json";

const ec2 = mockClient(EC2Client);
const route53 = mockClient(Route53Client);
const secrets = mockClient(SecretsManagerClient);

const INSTANCE = "i-0123456789abcdef0";
const REGION_NAME = "eu-west-1";
const hostKey = generateEd25519KeyPair();

let http: CaptureServer;
let sshd: RunningSshServer;
/** A plain TCP listener for the TCP check, counting the connections it accepts. */
let tcp: { server: Server; port: number; connections: number };
let stdout: jest.SpyInstance;

beforeAll(async () => {
  http = await startCaptureServer({ status: 202, body: "{}" });
  sshd = await startSshServer({ hostKey: hostKey.private });
  const server = createServer((socket) => {
    tcp.connections += 1;
    socket.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  tcp = { server, port: (server.address() as AddressInfo).port, connections: 0 };
});

afterAll(async () => {
  await http.close();
  await sshd.close();
  await new Promise((resolve) => tcp.server.close(resolve));
});

beforeEach(() => {
  http.reset();
  tcp.connections = 0;
  ec2.reset();
  route53.reset();
  secrets.reset();
  ec2.on(RebootInstancesCommand).resolves({});
  ec2.on(StopInstancesCommand).resolves({});
  ec2.on(StartInstancesCommand).resolves({});
  ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
  route53.on(GetHealthCheckStatusCommand).resolves({
    HealthCheckObservations: [
      { Region: "eu-west-1", StatusReport: { Status: "Success: HTTP Status Code 200" } },
    ],
  });
  secrets.on(GetSecretValueCommand).resolves({ SecretString: `${http.url}/services/T0/B0/token` });
  // Handlers log to stdout; keep the test output readable.
  stdout = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
});

afterEach(() => stdout.mockRestore());

type Handler = (event: unknown) => Promise<unknown>;

interface Subject {
  readonly name: string;
  readonly handler: Handler;
  readonly valid: () => Record<string, unknown>;
  /** Handler-specific malformed events: [label, event]. */
  readonly specific: () => [string, unknown][];
  /** The event with another instance id or region where this handler reads them. @default at the top */
  readonly set?: (event: Record<string, unknown>, key: "instanceId" | "region", value: unknown) => unknown;
}

/** The notify functions read instance and region from the report. */
const inReport = (event: Record<string, unknown>, key: string, value: unknown) => ({
  ...event,
  report: { ...(event.report as object), [key]: value },
});
type Notification = typeof recovered | typeof escalated;
const withContext = (event: Notification, context: Record<string, unknown>) => ({
  ...event,
  context: { ...event.context, ...context },
});
const withNotifications = (event: Notification, notifications: Record<string, unknown>) =>
  withContext(event, { notifications: { ...event.context.notifications, ...notifications } });

/** A well-formed ssh-check event against the suite's sshd, with `settings` over its settings. */
const sshEvent = (settings: Record<string, unknown> = {}) => ({
  instanceId: INSTANCE,
  region: REGION_NAME,
  settings: {
    host: "127.0.0.1",
    port: sshd.port,
    user: "ec2-user",
    hostKeySha256: [publicKeyFingerprint(hostKey.public)],
    mode: "handshake",
    command: "true",
    timeoutSeconds: 2,
    inVpc: false,
    ...settings,
  },
});

const SUBJECTS: readonly Subject[] = [
  {
    name: "url-check",
    handler: urlCheck,
    valid: () => ({
      instanceId: INSTANCE,
      region: REGION_NAME,
      settings: { address: `${http.url}/health`, timeoutSeconds: 2, expectStatus: "200-399" },
    }),
    specific: () => [
      ["no settings", { instanceId: INSTANCE, region: REGION_NAME }],
      [
        "a file: URL",
        { instanceId: INSTANCE, region: REGION_NAME, settings: { address: "file:///etc/passwd" } },
      ],
      [
        "a javascript: URL",
        { instanceId: INSTANCE, region: REGION_NAME, settings: { address: "javascript:alert(1)" } },
      ],
      [
        "a huge URL",
        {
          instanceId: INSTANCE,
          region: REGION_NAME,
          settings: { address: `${http.url}/${"a".repeat(5000)}` },
        },
      ],
      [
        "a timeout of a day",
        {
          instanceId: INSTANCE,
          region: REGION_NAME,
          settings: { address: `${http.url}/`, timeoutSeconds: 86400 },
        },
      ],
      [
        "a status range of garbage",
        {
          instanceId: INSTANCE,
          region: REGION_NAME,
          settings: { address: `${http.url}/`, expectStatus: "2xx-ish" },
        },
      ],
    ],
  },
  {
    name: "route53-check",
    handler: route53Check,
    valid: () => ({
      instanceId: INSTANCE,
      region: REGION_NAME,
      settings: { healthCheckId: "abcdef01-2345-6789-abcd-ef0123456789", minHealthyShare: 0.5 },
    }),
    specific: () => [
      [
        "a path in the health check id",
        {
          instanceId: INSTANCE,
          region: REGION_NAME,
          settings: { healthCheckId: "../../x", minHealthyShare: 0.5 },
        },
      ],
      [
        "a share as a string",
        {
          instanceId: INSTANCE,
          region: REGION_NAME,
          settings: { healthCheckId: "abcdef01-2345-6789-abcd-ef0123456789", minHealthyShare: "0.5" },
        },
      ],
      [
        "a share above 1",
        {
          instanceId: INSTANCE,
          region: REGION_NAME,
          settings: { healthCheckId: "abcdef01-2345-6789-abcd-ef0123456789", minHealthyShare: 2 },
        },
      ],
    ],
  },
  {
    name: "ssh-check",
    handler: sshCheck,
    valid: () => sshEvent(),
    specific: () => [
      ["no pinned host key (trust on first use)", sshEvent({ hostKeySha256: [] })],
      ["a port out of range", sshEvent({ port: 70000 })],
      ["an unknown mode", sshEvent({ mode: "shell" })],
      ["command mode without a key secret", sshEvent({ mode: "command" })],
      ["a huge command", sshEvent({ mode: "command", privateKeySecret: "k", command: "x".repeat(5000) })],
      ["a host that reads as an ssh option", sshEvent({ host: "-oProxyCommand=sh" })],
      [
        "a partial secret ARN",
        sshEvent({
          mode: "command",
          privateKeySecret: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:k",
        }),
      ],
    ],
  },
  {
    name: "tcp-check",
    handler: tcpCheck,
    valid: () => ({
      instanceId: INSTANCE,
      region: REGION_NAME,
      settings: { host: "127.0.0.1", port: tcp.port, timeoutSeconds: 2, inVpc: false },
    }),
    specific: () => {
      const base = (settings: Record<string, unknown>) => ({
        instanceId: INSTANCE,
        region: REGION_NAME,
        settings: { host: "127.0.0.1", port: tcp.port, timeoutSeconds: 2, inVpc: false, ...settings },
      });
      return [
        ["port 0", base({ port: 0 })],
        ["a port as a string", base({ port: "22" })],
        ["a host that reads as an option", base({ host: "-oProxyCommand=sh" })],
        ["a timeout of a day", base({ timeoutSeconds: 86400 })],
        ["no port", base({ port: undefined })],
      ];
    },
  },
  {
    name: "restart-instance",
    handler: restartInstance,
    valid: () => ({ instanceId: INSTANCE, region: REGION_NAME, action: "reboot" }),
    specific: () => [
      ["action terminate", { instanceId: INSTANCE, region: REGION_NAME, action: "terminate" }],
      ["action Reboot (case)", { instanceId: INSTANCE, region: REGION_NAME, action: "Reboot" }],
      ["action as a list", { instanceId: INSTANCE, region: REGION_NAME, action: ["reboot"] }],
      ["no action", { instanceId: INSTANCE, region: REGION_NAME }],
      ["a plan without a clock", { action: "plan", lockSeconds: 60, cooldownMinutes: 30 }],
      [
        "a plan with a negative lock",
        { action: "plan", now: "2030-01-01T00:00:00.000Z", lockSeconds: -1, cooldownMinutes: 30 },
      ],
      ["an elapsed time from nowhere", { action: "elapsed", from: "yesterday", to: "2030-01-01T00:00:00Z" }],
    ],
  },
  {
    name: "notify-chat",
    handler: notifyChat,
    valid: () => JSON.parse(JSON.stringify(recovered)),
    set: inReport,
    specific: () => [
      ["an event of healthy", { ...recovered, event: "healthy" }],
      ["an execution ARN of garbage", withContext(recovered, { executionArn: "arn:aws:states:::x" })],
      ["no notifications", withContext(recovered, { notifications: undefined })],
      [
        "a secret name of 5000 characters",
        withNotifications(recovered, { chat: { type: "slack", webhookSecret: "s".repeat(5000) } }),
      ],
      [
        "an unknown chat service",
        withNotifications(recovered, { chat: { type: "irc", webhookSecret: "k" } }),
      ],
      ["runs as a string", inReport(recovered, "runs", "all good")],
    ],
  },
  {
    name: "escalate",
    handler: escalate,
    valid: () =>
      JSON.parse(
        JSON.stringify(
          withNotifications(escalated, {
            escalation: { ...escalated.context.notifications.escalation, apiUrl: http.url },
          }),
        ),
      ),
    set: inReport,
    specific: () => {
      const pager = (escalation: Record<string, unknown>) =>
        withNotifications(escalated, {
          escalation: { ...escalated.context.notifications.escalation, ...escalation },
        });
      return [
        ["an API URL over plain http to another host", pager({ apiUrl: "http://evil.example.com" })],
        ["an API URL that is not a URL", pager({ apiUrl: "api.opsgenie.com" })],
        ["an API URL with credentials", pager({ apiUrl: "https://user:pass@api.opsgenie.com" })],
        ["a priority of P9", pager({ priority: "P9" })],
        ["an unknown reason", inReport(escalated, "reason", "because")],
      ];
    },
  },
];

/** Everything the observers saw. */
function observed() {
  return {
    aws: ec2.calls().length + route53.calls().length + secrets.calls().length,
    // HTTP requests and TCP connections: what the URL and TCP checks would open.
    http: http.requests.length + tcp.connections,
    ssh: sshd.connections(),
  };
}

async function expectRejectedUntouched(handler: Handler, event: unknown): Promise<void> {
  const before = observed();
  let error: unknown;
  try {
    await handler(event);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).name).toBe("InvalidInput");
  expect(observed()).toEqual({ ...before, aws: 0, http: 0 });
  expect(sshd.connections()).toBe(before.ssh);
}

type Setter = NonNullable<Subject["set"]>;
const GENERIC: [string, (valid: Record<string, unknown>, set: Setter) => unknown][] = [
  ["undefined", () => undefined],
  ["null", () => null],
  ["a number", () => 42],
  ["a string", () => INSTANCE],
  ["a huge string", () => "x".repeat(5000)],
  ["an empty list", () => []],
  ["a list holding the valid event", (v) => [v]],
  ["an empty object", () => ({})],
  ["no instanceId", (v, set) => set(v, "instanceId", undefined)],
  ["a numeric instanceId", (v, set) => set(v, "instanceId", 1234567890)],
  ["a null instanceId", (v, set) => set(v, "instanceId", null)],
  ["an instanceId list", (v, set) => set(v, "instanceId", [INSTANCE])],
  ["an instanceId object", (v, set) => set(v, "instanceId", { id: INSTANCE })],
  ["an instanceId over 4096 characters", (v, set) => set(v, "instanceId", `i-${"0".repeat(5000)}`)],
  ["an instanceId with a shell suffix", (v, set) => set(v, "instanceId", `${INSTANCE}; reboot`)],
  ["an instanceId wildcard", (v, set) => set(v, "instanceId", "*")],
  ["no region", (v, set) => set(v, "region", undefined)],
  ["a region in capitals", (v, set) => set(v, "region", "EU-WEST-1")],
  ["a region over 4096 characters", (v, set) => set(v, "region", `eu-${"west".repeat(1100)}-1`)],
  ["a region path", (v, set) => set(v, "region", "eu-west-1/../us-east-1")],
];

const atTop = (event: Record<string, unknown>, key: string, value: unknown) => ({ ...event, [key]: value });

describe.each(SUBJECTS)("$name with hostile input", (subject) => {
  it("calls the outside world for a well-formed event (so the zero counts below mean something)", async () => {
    const before = observed();

    try {
      await subject.handler(subject.valid());
    } catch (err) {
      expect((err as Error).name).not.toBe("InvalidInput");
    }

    const after = observed();
    expect(after.aws + after.http + after.ssh - before.ssh).toBeGreaterThan(0);
  });

  it.each(GENERIC)("rejects %s with InvalidInput and no call", async (_label, make) => {
    await expectRejectedUntouched(subject.handler, make(subject.valid(), subject.set ?? atTop));
  });

  it("rejects its own malformed payloads with InvalidInput and no call", async () => {
    for (const [label, event] of subject.specific()) {
      try {
        await expectRejectedUntouched(subject.handler, event);
      } catch (err) {
        throw new Error(`${subject.name}, ${label}: ${(err as Error).message}`);
      }
    }
  });

  it("rejects any malformed instanceId or region, or any non-object event, with no call (property)", async () => {
    const notInstanceId = fc
      .jsonValue({ maxDepth: 2 })
      .filter((v) => !(typeof v === "string" && INSTANCE_ID.test(v)));
    const notRegion = fc.jsonValue({ maxDepth: 2 }).filter((v) => !(typeof v === "string" && REGION.test(v)));
    const nonObject = fc.oneof(
      fc.string(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.jsonValue({ maxDepth: 1 })),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          notInstanceId.map((instanceId) =>
            (subject.set ?? atTop)(subject.valid(), "instanceId", instanceId),
          ),
          notRegion.map((region) => (subject.set ?? atTop)(subject.valid(), "region", region)),
          nonObject,
        ),
        async (event) => {
          http.reset();
          tcp.connections = 0;
          ec2.resetHistory();
          route53.resetHistory();
          secrets.resetHistory();
          await expectRejectedUntouched(subject.handler, event);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("the workflow with hostile input", () => {
  const definition = buildDefinition({
    functionNames: FUNCTION_NAMES_AS_DEPLOYED,
    lockTableName: new FakeLockTable().tableName,
    timeoutSeconds: machineTimeoutSeconds([]),
  });

  it("fails a malformed input (no instance id) with the named error before any lock, restart or message", async () => {
    const input = workflowInput();
    const { instanceId: _dropped, ...instance } = input.instance;

    const run = await runWorkflow({ definition, input: { ...input, instance } });

    expect(run.status).toBe("FAILED");
    expect(run.error).toBe(INVALID_INPUT_ERROR);
    expect(run.calls).toEqual([]);
    expect(run.lockTable.writes).toEqual([]);
  });

  it("runs a well-formed alarm for an instance the config does not know, and the real restart handler's EC2 denial escalates as restart-failed", async () => {
    // The definition has no instance list; IAM is the guard (security-iam: the restart role may
    // act only on configured instances). EC2 answers an unlisted instance the way IAM would.
    const stranger = "i-0badbadbadbadbad0";
    ec2.on(RebootInstancesCommand).rejects(
      Object.assign(new Error("You are not authorized to perform this operation."), {
        name: "UnauthorizedOperation",
      }),
    );
    const failing = () => checkResult("url", "failed", "HTTP 503");

    const run = await runWorkflow({
      definition,
      input: workflowInput(instanceSettings({ instanceId: stranger })),
      lambdas: {
        "url-check": failing,
        "restart-instance": (event) => restartInstance(event),
        escalate: () => ({ delivered: true, target: "opsgenie", statusCode: 202 }),
      },
    });

    expect(run.status).toBe("SUCCEEDED");
    expect(run.output).toMatchObject({ outcome: "escalated", reason: "restart-failed" });
    expect(ec2.commandCalls(RebootInstancesCommand).map((c) => c.args[0].input)).toEqual([
      { InstanceIds: [stranger] },
    ]);
    expect(run.callsTo("escalate")).toHaveLength(1);
    // Chat hears the restart being attempted and the escalation (the default chatOn).
    expect(run.callsTo("notify-chat").map((c) => (c.payload as { event: string }).event)).toEqual([
      "restarting",
      "escalated",
    ]);
  });
});
