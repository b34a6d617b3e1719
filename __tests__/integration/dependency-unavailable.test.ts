import { Route53Client } from "@aws-sdk/client-route-53";
import type { CheckResult, NotificationResult } from "../../contract/workflow";
import { runRoute53Check } from "../../functions/route53-check/check";
import { type AwsAnswer, type AwsCall, AwsStandIn, awsError, ok } from "../../testkit/aws-stand-in";
import { type CaptureServer, startCaptureServer } from "../../testkit/capture-server";
import {
  generateEd25519KeyPair,
  publicKeyFingerprint,
  type RunningSshServer,
  startSshServer,
} from "../../testkit/ssh-server";
import recovered from "../fixtures/events/notification-recovered.json";

// DESIGN §3.6 against the real AWS SDK: the deployed handlers (their module-scope clients, the
// SDK's own retries, its protocol parsers) talk to the loopback AWS stand-in reached through
// AWS_ENDPOINT_URL_<SERVICE>, which answers as Route 53 (REST-XML), Secrets Manager (JSON) and
// EC2 (query/XML) do when they fail. A dependency that fails must make the check `unavailable`
// with a reason naming it, never `failed`; nothing here mocks the SDK.

const INSTANCE_ID = "i-0123456789abcdef0";
const HEALTH_CHECK_ID = "abcdef01-2345-6789-abcd-ef0123456789";
const OWN_REGION = "eu-west-1";
const NODE24_HINT = "--use-system-ca";

let standIn: AwsStandIn;

/** Every call the handlers make goes to `script` (Route 53, Secrets Manager and EC2 alike). */
function answerWith(script: (call: AwsCall) => AwsAnswer): void {
  standIn
    .on("route53", "GetHealthCheckStatus", script, {
      method: "GET",
      path: "/2013-04-01/healthcheck/{HealthCheckId}/status",
    })
    .on("secretsmanager", "GetSecretValue", script)
    .on("ec2", "DescribeInstances", script);
}

/** Route 53's observations (its named list items need the XML spelled out). */
const route53Status = (...statuses: string[]): AwsAnswer =>
  ok(
    `<HealthCheckObservations>${statuses
      .map(
        (status, i) =>
          `<HealthCheckObservation><Region>eu-west-1</Region><IPAddress>15.177.0.${i + 1}</IPAddress><StatusReport><Status>${status}</Status><CheckedTime>2026-11-24T03:00:00Z</CheckedTime></StatusReport></HealthCheckObservation>`,
      )
      .join("")}</HealthCheckObservations>`,
  );

const secretValue = (name: string, value: string): AwsAnswer =>
  ok({ ARN: name, Name: name, SecretString: value, VersionId: "v1" });

const ec2Instance = (publicIp: string): AwsAnswer =>
  ok({
    reservationSet: [
      {
        reservationId: "r-0123",
        instancesSet: [{ instanceId: INSTANCE_ID, privateIpAddress: "10.0.0.5", ipAddress: publicIp }],
      },
    ],
  });

/** The secret a GetSecretValue call asked for. */
const secretIdOf = (call: AwsCall): string => String((call.body as { SecretId?: unknown }).SecretId);

const requestsTo = (service: string) => standIn.calls.filter((c) => c.service === service);

type Handler<T> = (event: unknown) => Promise<T>;
let route53Handler: Handler<CheckResult>;
let sshHandler: Handler<CheckResult>;
let slackHandler: Handler<NotificationResult>;

const hostKey = generateEd25519KeyPair();
const userKey = generateEd25519KeyPair();
const HOST_FP = publicKeyFingerprint(hostKey.public);
let sshServer: RunningSshServer;
let slack: CaptureServer;
const savedEnv = { ...process.env };

beforeAll(async () => {
  standIn = await AwsStandIn.start();
  sshServer = await startSshServer({
    hostKey: hostKey.private,
    userPublicKey: userKey.public,
    user: "ec2-user",
  });
  slack = await startCaptureServer();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_ROUTE_53: standIn.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: standIn.url,
    AWS_ENDPOINT_URL_EC2: standIn.url,
    // The SDK's own retries run for real; two attempts keep the backoff short.
    AWS_MAX_ATTEMPTS: "2",
  });
  // Imported only now: the handlers build their clients at module scope, reading the settings above.
  route53Handler = (await import("../../functions/route53-check/index")).handler;
  sshHandler = (await import("../../functions/ssh-check/index")).handler;
  slackHandler = (await import("../../functions/notify-chat/index")).handler;
});

afterAll(async () => {
  process.env = savedEnv;
  await Promise.all([standIn.close(), sshServer.close(), slack.close()]);
});

beforeEach(() => {
  standIn.clearCalls();
  slack.reset();
  // The handlers log one JSON line each; keep the test output readable.
  jest.spyOn(process.stdout, "write").mockImplementation(() => true);
});

afterEach(() => {
  jest.restoreAllMocks();
});

function expectNoRuntimeWording(result: CheckResult): void {
  expect(result.reason).not.toContain(NODE24_HINT);
  expect(result.reason).not.toMatch(/Deserialization error|\$response|UnknownError/);
}

describe("route53-check with Route 53 failing", () => {
  const event = {
    instanceId: INSTANCE_ID,
    region: OWN_REGION,
    settings: { healthCheckId: HEALTH_CHECK_ID, minHealthyShare: 0.5 },
  };

  it("is unavailable after the SDK's retries when Route 53 answers 500", async () => {
    answerWith(() => awsError(500, "InternalFailure", "We encountered an internal error."));

    const result = await route53Handler(event);

    expect(result).toMatchObject({
      check: "route53",
      status: "unavailable",
      reason: `Route 53 API: GetHealthCheckStatus of ${HEALTH_CHECK_ID} failed: service error (InternalFailure, HTTP 500) after 2 attempts`,
    });
    expect(requestsTo("route53").map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /2013-04-01/healthcheck/${HEALTH_CHECK_ID}/status`,
      `GET /2013-04-01/healthcheck/${HEALTH_CHECK_ID}/status`,
    ]);
    expectNoRuntimeWording(result);
  });

  it("is unavailable after the SDK's retries when Route 53 throttles", async () => {
    answerWith(() => awsError(400, "Throttling", "Rate exceeded"));

    const result = await route53Handler(event);

    expect(result).toMatchObject({
      status: "unavailable",
      reason: `Route 53 API: GetHealthCheckStatus of ${HEALTH_CHECK_ID} failed: throttled (Throttling) after 2 attempts`,
    });
    expect(requestsTo("route53")).toHaveLength(2);
  });

  it("passes when the SDK's retry gets an answer after a 503", async () => {
    let calls = 0;
    answerWith(() => {
      calls += 1;
      return calls === 1
        ? awsError(503, "ServiceUnavailable", "try again")
        : route53Status("Success: HTTP 200");
    });

    const result = await route53Handler(event);

    expect(result).toMatchObject({
      status: "passed",
      reason: "1 of 1 checkers report Success (100% >= 50%)",
    });
    expect(requestsTo("route53")).toHaveLength(2);
  });

  it("stays failed when Route 53 answers and its checkers see the endpoint down", async () => {
    answerWith(() => route53Status("Failure: Connection timed out.", "Failure: Connection timed out."));

    const result = await route53Handler(event);

    expect(result).toMatchObject({ status: "failed", reason: "0 of 2 checkers report Success (0% < 50%)" });
  });

  it("runs the same retries through a client given its endpoint and maxAttempts directly", async () => {
    answerWith(() => awsError(400, "PriorRequestNotComplete", "still processing"));
    const client = new Route53Client({ endpoint: standIn.url, maxAttempts: 2 });

    const result = await runRoute53Check(
      { healthCheckId: HEALTH_CHECK_ID, minHealthyShare: 0.5 },
      { client },
    );

    expect(result).toMatchObject({
      status: "unavailable",
      reason: `Route 53 API: GetHealthCheckStatus of ${HEALTH_CHECK_ID} failed: throttled (PriorRequestNotComplete) after 2 attempts`,
    });
    expect(requestsTo("route53")).toHaveLength(2);
  });
});

describe("ssh-check with Secrets Manager or EC2 failing", () => {
  /** An ssh-check event against the suite's sshd, with `settings` over its settings. */
  const sshEvent = (settings: Record<string, unknown>) => ({
    instanceId: INSTANCE_ID,
    region: OWN_REGION,
    settings: {
      port: sshServer.port,
      user: "ec2-user",
      hostKeySha256: [HOST_FP],
      command: "true",
      timeoutSeconds: 5,
      inVpc: false,
      ...settings,
    },
  });
  /** Handshake mode with no host: the address comes from DescribeInstances. */
  const handshakeEvent = () => sshEvent({ mode: "handshake" });
  const commandEvent = (privateKeySecret: string, host?: string) =>
    sshEvent({ ...(host === undefined ? {} : { host }), mode: "command", privateKeySecret });

  it.each([
    [
      "denies access",
      awsError(
        400,
        "AccessDeniedException",
        "User: arn:aws:sts::123456789012:assumed-role/fl/ssh-check is not authorized to perform: secretsmanager:GetSecretValue",
      ),
      "access denied (AccessDeniedException); the function's role needs secretsmanager:GetSecretValue on it (and the secret's resource policy must allow it)",
    ],
    [
      "cannot decrypt with a customer-managed KMS key",
      awsError(400, "DecryptionFailure", "Access to KMS is not allowed"),
      "KMS could not decrypt (DecryptionFailure); the function's role needs kms:Decrypt on the secret's KMS key (kms.secretsKeyArns)",
    ],
    [
      "keeps throttling",
      awsError(400, "ThrottlingException", "Rate exceeded"),
      "throttled (ThrottlingException) after 2 attempts",
    ],
    [
      "answers 500",
      awsError(500, "InternalServiceError", "internal"),
      "service error (InternalServiceError, HTTP 500) after 2 attempts",
    ],
  ])(
    "is unavailable, without asking EC2 or dialling, when Secrets Manager %s",
    async (label, answer, text) => {
      const secret = `first-line/ssh-key-${label.replace(/\W+/g, "-")}`;
      answerWith((request) => (request.service === "secretsmanager" ? answer : ec2Instance("127.0.0.1")));
      const before = sshServer.connections();

      const result = await sshHandler(commandEvent(secret));

      expect(result).toMatchObject({
        check: "ssh",
        status: "unavailable",
        reason: `Secrets Manager: secret ${secret} could not be read: ${text}`,
      });
      expect(requestsTo("ec2")).toEqual([]);
      expect(sshServer.connections()).toBe(before);
      expectNoRuntimeWording(result);
    },
  );

  it("reads a key secret ARN in another region through that region's client, and logs in with it", async () => {
    const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:first-line/ssh-key-AbCdEf";
    answerWith((request) =>
      request.service === "secretsmanager" && request.region === "us-east-1"
        ? secretValue(arn, userKey.private)
        : // The function's own region does not have it, as real Secrets Manager would answer.
          awsError(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret."),
    );

    const result = await sshHandler(commandEvent(arn, "127.0.0.1"));

    expect(result).toMatchObject({ status: "passed", reason: "command exited 0" });
    expect(requestsTo("secretsmanager").map((r) => [r.region, secretIdOf(r)])).toEqual([["us-east-1", arn]]);
  });

  it("reads a key secret given by name in the function's own region", async () => {
    answerWith((request) =>
      request.region === OWN_REGION
        ? secretValue("first-line/ssh-key-by-name", userKey.private)
        : awsError(400, "ResourceNotFoundException", "not here"),
    );

    const result = await sshHandler(commandEvent("first-line/ssh-key-by-name", "127.0.0.1"));

    expect(result.status).toBe("passed");
    expect(requestsTo("secretsmanager").map((r) => r.region)).toEqual([OWN_REGION]);
  });

  it.each([
    [
      "denies DescribeInstances",
      awsError(403, "UnauthorizedOperation", "You are not authorized to perform this operation."),
      "access denied (UnauthorizedOperation)",
    ],
    [
      "throttles DescribeInstances",
      awsError(503, "RequestLimitExceeded", "Request limit exceeded."),
      "throttled (RequestLimitExceeded) after 2 attempts",
    ],
    [
      "does not know the instance",
      awsError(400, "InvalidInstanceID.NotFound", `The instance ID '${INSTANCE_ID}' does not exist`),
      "not found (InvalidInstanceID.NotFound)",
    ],
  ])("is unavailable, without dialling, when EC2 %s", async (_label, answer, text) => {
    answerWith(() => answer);
    const before = sshServer.connections();

    const result = await sshHandler(handshakeEvent());

    expect(result).toMatchObject({
      status: "unavailable",
      reason: `EC2 DescribeInstances: lookup of ${INSTANCE_ID} failed: ${text}`,
    });
    expect(
      requestsTo("ec2").every((r) => r.region === OWN_REGION && r.operation === "DescribeInstances"),
    ).toBe(true);
    expect(sshServer.connections()).toBe(before);
  });

  it("dials the public IP DescribeInstances returns, and passes on the pinned host key", async () => {
    answerWith(() => ec2Instance("127.0.0.1"));

    const result = await sshHandler(handshakeEvent());

    expect(result).toMatchObject({
      status: "passed",
      details: { host: "127.0.0.1", hostSource: "public-ip" },
    });
  });
});

describe("notify-chat with its webhook secret in another region", () => {
  it("reads the ARN in its own region and delivers the message", async () => {
    const arn = "arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:first-line/slack-webhook-AbCdEf";
    const webhook = `${slack.url}/services/T0/B0/cross-region-token`;
    answerWith((request) =>
      request.region === "ap-southeast-2"
        ? secretValue(arn, webhook)
        : awsError(400, "ResourceNotFoundException", "no"),
    );

    const result = await slackHandler({
      ...recovered,
      context: {
        ...recovered.context,
        notifications: { ...recovered.context.notifications, chat: { type: "slack", webhookSecret: arn } },
      },
    });

    expect(result).toMatchObject({ delivered: true, target: "slack" });
    expect(slack.requests.map((r) => r.path)).toEqual(["/services/T0/B0/cross-region-token"]);
    expect(requestsTo("secretsmanager").map((r) => r.region)).toEqual(["ap-southeast-2"]);
  });

  it("fails naming Secrets Manager, the secret and its region, when that region denies it", async () => {
    const arn = "arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:first-line/slack-denied-AbCdEf";
    answerWith(() => awsError(400, "AccessDeniedException", "not authorized"));

    const error = await slackHandler({
      ...recovered,
      context: {
        ...recovered.context,
        notifications: { ...recovered.context.notifications, chat: { type: "slack", webhookSecret: arn } },
      },
    }).catch((err: unknown) => err);

    expect(error).toMatchObject({ name: "SecretUnavailable" });
    expect((error as Error).message).toMatch(
      new RegExp(`^Secrets Manager: secret ${arn} in ap-southeast-2 could not be read: access denied`),
    );
    expect(slack.requests).toHaveLength(0);
  });
});
