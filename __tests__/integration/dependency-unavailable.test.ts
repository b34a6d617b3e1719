import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Route53Client } from "@aws-sdk/client-route-53";
import type { CheckResult, NotificationResult } from "../../contract/workflow";
import { runRoute53Check } from "../../functions/route53-check/check";
import { fingerprintOf } from "../../functions/ssh-check/fingerprint";
import { type CaptureServer, startCaptureServer } from "../../testkit/capture-server";
import { generateEd25519KeyPair, type RunningSshServer, startSshServer } from "../../testkit/ssh-server";
import recovered from "../fixtures/events/notification-recovered.json";

// DESIGN §3.6 against the real AWS SDK: the deployed handlers (their module-scope clients, the
// SDK's own retries, its protocol parsers) talk to one loopback endpoint reached through
// AWS_ENDPOINT_URL_<SERVICE>, which answers as Route 53 (REST-XML), Secrets Manager (JSON) and
// EC2 (query/XML) do when they fail. A dependency that fails must make the check `unavailable`
// with a reason naming it, never `failed`; nothing here mocks the SDK.

const INSTANCE_ID = "i-0123456789abcdef0";
const HEALTH_CHECK_ID = "abcdef01-2345-6789-abcd-ef0123456789";
const OWN_REGION = "eu-west-1";
const NODE24_HINT = "--use-system-ca";

/** One request the endpoint received, with what its SigV4 signature says it was meant for. */
interface AwsRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The region and service of the Authorization header's credential scope. */
  readonly region: string | undefined;
  readonly service: string | undefined;
}

interface AwsAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: string;
}

type Script = (request: AwsRequest) => AwsAnswer;

/** `Credential=<key id>/<date>/<region>/<service>/aws4_request` of a SigV4 Authorization header. */
const CREDENTIAL_SCOPE = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/;

let endpoint: { url: string; requests: AwsRequest[]; script: Script; close(): Promise<void> };

/** A loopback AWS endpoint: records every request and answers as the current script says. */
async function startAwsEndpoint(): Promise<typeof endpoint> {
  const requests: AwsRequest[] = [];
  const state = {
    script: ((request) => ({ status: 500, body: `unscripted ${request.service}` })) as Script,
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const scope = CREDENTIAL_SCOPE.exec(String(req.headers.authorization ?? ""));
      const request: AwsRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        region: scope?.[1],
        service: scope?.[2],
      };
      requests.push(request);
      const answer = state.script(request);
      res.writeHead(answer.status, answer.headers ?? {}).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    get script() {
      return state.script;
    },
    set script(script: Script) {
      state.script = script;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const xml = (status: number, body: string): AwsAnswer => ({
  status,
  headers: { "content-type": "text/xml" },
  body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
});

/** Route 53's REST-XML error document. */
const route53Error = (status: number, code: string, message: string): AwsAnswer =>
  xml(
    status,
    `<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>${status >= 500 ? "Receiver" : "Sender"}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
  );

const route53Status = (...statuses: string[]): AwsAnswer =>
  xml(
    200,
    `<GetHealthCheckStatusResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><HealthCheckObservations>${statuses
      .map(
        (status, i) =>
          `<HealthCheckObservation><Region>eu-west-1</Region><IPAddress>15.177.0.${i + 1}</IPAddress><StatusReport><Status>${status}</Status><CheckedTime>2026-11-24T03:00:00Z</CheckedTime></StatusReport></HealthCheckObservation>`,
      )
      .join("")}</HealthCheckObservations></GetHealthCheckStatusResponse>`,
  );

/** Secrets Manager's JSON (awsJson1_1) error. */
const secretsError = (code: string, message: string, status = 400): AwsAnswer => ({
  status,
  headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": code },
  body: JSON.stringify({ __type: code, Message: message }),
});

const secretValue = (name: string, value: string): AwsAnswer => ({
  status: 200,
  headers: { "content-type": "application/x-amz-json-1.1" },
  body: JSON.stringify({ ARN: name, Name: name, SecretString: value, VersionId: "v1" }),
});

/** EC2's query-protocol error document. */
const ec2Error = (status: number, code: string, message: string): AwsAnswer =>
  xml(
    status,
    `<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>r-1</RequestID></Response>`,
  );

const ec2Instance = (publicIp: string): AwsAnswer =>
  xml(
    200,
    `<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1</requestId><reservationSet><item><reservationId>r-0123</reservationId><instancesSet><item><instanceId>${INSTANCE_ID}</instanceId><privateIpAddress>10.0.0.5</privateIpAddress><ipAddress>${publicIp}</ipAddress></item></instancesSet></item></reservationSet></DescribeInstancesResponse>`,
  );

/** The secret a GetSecretValue request asked for. */
const secretIdOf = (request: AwsRequest): string =>
  (JSON.parse(request.body) as { SecretId: string }).SecretId;

const requestsTo = (service: string) => endpoint.requests.filter((r) => r.service === service);

type Handler<T> = (event: unknown) => Promise<T>;
let route53Handler: Handler<CheckResult>;
let sshHandler: Handler<CheckResult>;
let slackHandler: Handler<NotificationResult>;

const hostKey = generateEd25519KeyPair();
const userKey = generateEd25519KeyPair();
const HOST_FP = fingerprintOf(Buffer.from(hostKey.public.split(" ")[1] ?? "", "base64"));
let sshServer: RunningSshServer;
let slack: CaptureServer;
const savedEnv = { ...process.env };

beforeAll(async () => {
  endpoint = await startAwsEndpoint();
  sshServer = await startSshServer({
    hostKey: hostKey.private,
    userPublicKey: userKey.public,
    user: "ec2-user",
  });
  slack = await startCaptureServer();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_ROUTE_53: endpoint.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint.url,
    AWS_ENDPOINT_URL_EC2: endpoint.url,
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
  await Promise.all([endpoint.close(), sshServer.close(), slack.close()]);
});

beforeEach(() => {
  endpoint.requests.length = 0;
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
    endpoint.script = () => route53Error(500, "InternalFailure", "We encountered an internal error.");

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
    endpoint.script = () => route53Error(400, "Throttling", "Rate exceeded");

    const result = await route53Handler(event);

    expect(result).toMatchObject({
      status: "unavailable",
      reason: `Route 53 API: GetHealthCheckStatus of ${HEALTH_CHECK_ID} failed: throttled (Throttling) after 2 attempts`,
    });
    expect(requestsTo("route53")).toHaveLength(2);
  });

  it("passes when the SDK's retry gets an answer after a 503", async () => {
    let calls = 0;
    endpoint.script = () => {
      calls += 1;
      return calls === 1
        ? route53Error(503, "ServiceUnavailable", "try again")
        : route53Status("Success: HTTP 200");
    };

    const result = await route53Handler(event);

    expect(result).toMatchObject({
      status: "passed",
      reason: "1 of 1 checkers report Success (100% >= 50%)",
    });
    expect(requestsTo("route53")).toHaveLength(2);
  });

  it("stays failed when Route 53 answers and its checkers see the endpoint down", async () => {
    endpoint.script = () => route53Status("Failure: Connection timed out.", "Failure: Connection timed out.");

    const result = await route53Handler(event);

    expect(result).toMatchObject({ status: "failed", reason: "0 of 2 checkers report Success (0% < 50%)" });
  });

  it("runs the same retries through a client given its endpoint and maxAttempts directly", async () => {
    endpoint.script = () => route53Error(400, "PriorRequestNotComplete", "still processing");
    const client = new Route53Client({ endpoint: endpoint.url, maxAttempts: 2 });

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
  /** Handshake mode with no host: the address comes from DescribeInstances. */
  const handshakeEvent = () => ({
    instanceId: INSTANCE_ID,
    region: OWN_REGION,
    settings: {
      port: sshServer.port,
      user: "ec2-user",
      hostKeySha256: [HOST_FP],
      mode: "handshake",
      command: "true",
      timeoutSeconds: 5,
      inVpc: false,
    },
  });
  const commandEvent = (privateKeySecret: string, host?: string) => ({
    instanceId: INSTANCE_ID,
    region: OWN_REGION,
    settings: {
      ...(host === undefined ? {} : { host }),
      port: sshServer.port,
      user: "ec2-user",
      hostKeySha256: [HOST_FP],
      mode: "command",
      privateKeySecret,
      command: "true",
      timeoutSeconds: 5,
      inVpc: false,
    },
  });

  it.each([
    [
      "denies access",
      secretsError(
        "AccessDeniedException",
        "User: arn:aws:sts::123456789012:assumed-role/fl/ssh-check is not authorized to perform: secretsmanager:GetSecretValue",
      ),
      "access denied (AccessDeniedException); the function's role needs secretsmanager:GetSecretValue on it (and the secret's resource policy must allow it)",
    ],
    [
      "cannot decrypt with a customer-managed KMS key",
      secretsError("DecryptionFailure", "Access to KMS is not allowed"),
      "KMS could not decrypt (DecryptionFailure); the function's role needs kms:Decrypt on the secret's KMS key (kms.secretsKeyArns)",
    ],
    [
      "keeps throttling",
      secretsError("ThrottlingException", "Rate exceeded"),
      "throttled (ThrottlingException) after 2 attempts",
    ],
    [
      "answers 500",
      secretsError("InternalServiceError", "internal", 500),
      "service error (InternalServiceError, HTTP 500) after 2 attempts",
    ],
  ])(
    "is unavailable, without asking EC2 or dialling, when Secrets Manager %s",
    async (label, answer, text) => {
      const secret = `first-line/ssh-key-${label.replace(/\W+/g, "-")}`;
      endpoint.script = (request) =>
        request.service === "secretsmanager" ? answer : ec2Instance("127.0.0.1");
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
    endpoint.script = (request) =>
      request.service === "secretsmanager" && request.region === "us-east-1"
        ? secretValue(arn, userKey.private)
        : // The function's own region does not have it, as real Secrets Manager would answer.
          secretsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");

    const result = await sshHandler(commandEvent(arn, "127.0.0.1"));

    expect(result).toMatchObject({ status: "passed", reason: "command exited 0" });
    expect(requestsTo("secretsmanager").map((r) => [r.region, secretIdOf(r)])).toEqual([["us-east-1", arn]]);
  });

  it("reads a key secret given by name in the function's own region", async () => {
    endpoint.script = (request) =>
      request.region === OWN_REGION
        ? secretValue("first-line/ssh-key-by-name", userKey.private)
        : secretsError("ResourceNotFoundException", "not here");

    const result = await sshHandler(commandEvent("first-line/ssh-key-by-name", "127.0.0.1"));

    expect(result.status).toBe("passed");
    expect(requestsTo("secretsmanager").map((r) => r.region)).toEqual([OWN_REGION]);
  });

  it.each([
    [
      "denies DescribeInstances",
      ec2Error(403, "UnauthorizedOperation", "You are not authorized to perform this operation."),
      "access denied (UnauthorizedOperation)",
    ],
    [
      "throttles DescribeInstances",
      ec2Error(503, "RequestLimitExceeded", "Request limit exceeded."),
      "throttled (RequestLimitExceeded) after 2 attempts",
    ],
    [
      "does not know the instance",
      ec2Error(400, "InvalidInstanceID.NotFound", `The instance ID '${INSTANCE_ID}' does not exist`),
      "not found (InvalidInstanceID.NotFound)",
    ],
  ])("is unavailable, without dialling, when EC2 %s", async (_label, answer, text) => {
    endpoint.script = () => answer;
    const before = sshServer.connections();

    const result = await sshHandler(handshakeEvent());

    expect(result).toMatchObject({
      status: "unavailable",
      reason: `EC2 DescribeInstances: lookup of ${INSTANCE_ID} failed: ${text}`,
    });
    expect(
      requestsTo("ec2").every((r) => r.region === OWN_REGION && r.body.includes("Action=DescribeInstances")),
    ).toBe(true);
    expect(sshServer.connections()).toBe(before);
  });

  it("dials the public IP DescribeInstances returns, and passes on the pinned host key", async () => {
    endpoint.script = () => ec2Instance("127.0.0.1");

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
    endpoint.script = (request) =>
      request.region === "ap-southeast-2"
        ? secretValue(arn, webhook)
        : secretsError("ResourceNotFoundException", "no");

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
    endpoint.script = () => secretsError("AccessDeniedException", "not authorized");

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
