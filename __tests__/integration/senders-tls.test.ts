/**
 * Every chat and pager service through its real notify function (notify-chat, escalate), the real
 * Secrets Manager reader (its client mocked) and the real `fetch`, against a stand-in on
 * 127.0.0.1 that speaks the service's documented shape over TLS (testkit/capture-server).
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import type { ChatType, PagerType } from "../../contract/senders";
import type { NotificationEvent } from "../../contract/workflow";
import { createEscalate } from "../../functions/escalate/escalate";
import { createNotifyChat } from "../../functions/notify-chat/notify-chat";
import { DeliveryFailedError, DeliveryRejectedError } from "../../functions/shared/errors";
import { type CapturedRequest, type CaptureReply, SERVICE_STAND_INS } from "../../testkit/capture-server";
import { type NotifyDepsOptions, useNotifierHarness } from "../../testkit/notifier-harness";
import { selfSignedCertificate, type TestCertificate } from "../../testkit/tls";

const secretsManager = mockClient(SecretsManagerClient);
const EXECUTION_ARN = "arn:aws:states:eu-west-1:123456789012:execution:first-line-eu-west-1:run-1";
const CHAT_SECRET = "first-line/chat-webhook";
const PAGER_SECRET = "first-line/pager-key";

/** What each service is, what its secret holds and how it answers, from its documentation. */
interface Service {
  readonly type: ChatType | PagerType;
  readonly kind: "chat" | "pager";
  /** The distinctive part of the secret: it must never show in a log line or an error. */
  readonly token: string;
  /** The secret's value for a server at `base`. */
  secret(base: string): string;
  /** The status the service answers a delivered message with. */
  readonly accepted: number;
  /** How the service refuses a message it will never take (a 4xx other than 429). */
  readonly refusal: CaptureReply;
  /** What must hold of the one request the service received. */
  expectRequest(request: CapturedRequest, token: string): void;
}

/** The request body as an object, for assertions. */
const bodyOf = (request: CapturedRequest) => request.body as Record<string, unknown>;

/** OpsGenie and JSM: the Alert API v2 body at `path`, the key in a GenieKey header and nowhere else. */
function genieKeyService(
  type: "opsgenie" | "jsm",
  path: string,
  key: string,
  refusal: CaptureReply,
): Service {
  return {
    type,
    kind: "pager",
    token: key,
    secret: () => key,
    accepted: 202,
    refusal,
    expectRequest(request, token) {
      expect(request.path).toBe(path);
      expect(request.headers.authorization).toBe(`GenieKey ${token}`);
      expect(bodyOf(request)).toMatchObject({
        alias: "first-line:eu-west-1:i-0123456789abcdef0",
        priority: "P1",
      });
      expect(request.rawBody).not.toContain(token);
    },
  };
}

const SERVICES: readonly Service[] = [
  {
    type: "slack",
    kind: "chat",
    token: "XyZslackWebhookToken0123456789",
    secret: (base) => `${base}/services/T0000/B0000/XyZslackWebhookToken0123456789`,
    accepted: 200,
    refusal: { status: 403, body: "invalid_token" },
    expectRequest(request, token) {
      expect(request.path).toBe(`/services/T0000/B0000/${token}`);
      expect(request.headers.authorization).toBeUndefined();
      expect(bodyOf(request)).toMatchObject({ text: expect.any(String), blocks: expect.any(Array) });
    },
  },
  {
    type: "teams",
    kind: "chat",
    token: "S1gnatureOfTheWorkflowTrigger0123456789abc",
    secret: (base) =>
      `${base}/workflows/0123abcd/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=S1gnatureOfTheWorkflowTrigger0123456789abc`,
    accepted: 202,
    refusal: {
      status: 400,
      body: JSON.stringify({
        error: { code: "InvalidRequestContent", message: "The request is not valid." },
      }),
    },
    expectRequest(request, token) {
      expect(request.path).toContain(`sig=${token}`);
      expect(request.headers.authorization).toBeUndefined();
      expect(bodyOf(request)).toMatchObject({
        type: "message",
        attachments: [
          {
            contentType: "application/vnd.microsoft.card.adaptive",
            content: { type: "AdaptiveCard", version: "1.4" },
          },
        ],
      });
    },
  },
  genieKeyService("opsgenie", "/v2/alerts", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", {
    status: 422,
    body: JSON.stringify({ message: "Request body is not processable.", took: 0 }),
  }),
  genieKeyService("jsm", "/jsm/ops/integration/v2/alerts", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", {
    status: 401,
    body: JSON.stringify({ message: "Could not authenticate", took: 0 }),
  }),
  {
    type: "pagerduty",
    kind: "pager",
    token: "R0UT1NGKEY0123456789abcdef012345",
    secret: () => "R0UT1NGKEY0123456789abcdef012345",
    accepted: 202,
    refusal: {
      status: 400,
      body: JSON.stringify({ status: "invalid event", message: "Event object is invalid", errors: ["x"] }),
    },
    expectRequest(request, token) {
      expect(request.path).toBe("/v2/enqueue");
      expect(request.headers.authorization).toBeUndefined();
      expect(bodyOf(request)).toMatchObject({
        routing_key: token,
        event_action: "trigger",
        dedup_key: "first-line:eu-west-1:i-0123456789abcdef0",
        payload: { source: "i-0123456789abcdef0", severity: "critical" },
      });
    },
  },
];

/** A run in which the URL check failed with `reason` and nothing after it ran. */
function failedRun(reason: string) {
  return {
    url: { status: "failed", reason, durationMs: 240 },
    route53: { status: "not-run" },
    ssh: { status: "not-run" },
    tcp: { status: "skipped" },
  } as const;
}

/** An escalation as the workflow hands it to both notify functions. */
function escalation(service: Service, base: string, texts: { reason?: string; alarmName?: string } = {}) {
  const reason = texts.reason ?? "HTTP 503 from https://eu.example.com/health";
  const event: NotificationEvent = {
    event: "escalated",
    report: {
      instanceId: "i-0123456789abcdef0",
      region: "eu-west-1",
      runs: { first: failedRun(reason), second: failedRun(reason) },
      outcome: "escalated",
      reason: "checks-failed-after-restart",
      restart: {
        method: "reboot",
        requestedAt: "2026-11-24T03:10:00Z",
        backOnlineAt: "2026-11-24T03:12:35Z",
      },
    },
    context: {
      alarmName: texts.alarmName ?? "first-line-eu-west-1-i-0123456789abcdef0-cpu",
      executionArn: EXECUTION_ARN,
      notifications: {
        chat: {
          type: service.kind === "chat" ? (service.type as ChatType) : "slack",
          webhookSecret: CHAT_SECRET,
        },
        escalation: {
          type: service.kind === "pager" ? (service.type as PagerType) : "opsgenie",
          secret: PAGER_SECRET,
          apiUrl: service.kind === "pager" ? base : "https://api.opsgenie.com",
          priority: "P1",
        },
        chatOn: ["restarting", "recovered", "escalated"],
      },
    },
  };
  return event;
}

let certificate: TestCertificate;

beforeAll(() => {
  certificate = selfSignedCertificate();
});

describe.each(SERVICES)("$type over TLS", (service) => {
  const harness = useNotifierHarness({
    secretsManager,
    secretId: service.kind === "chat" ? CHAT_SECRET : PAGER_SECRET,
    // A value stored with a trailing newline, as `echo ... | aws secretsmanager` leaves it.
    secretValue: (url) => `${service.secret(url)}\n`,
    server: () => ({ certificate, respond: SERVICE_STAND_INS[service.type] }),
  });
  const { lines } = harness;

  /** The service's notify function as Lambda builds it, with `fetch` trusting the test certificate. */
  function notify({ fetch = harness.server.fetch, timeoutMs = 2000 }: NotifyDepsOptions = {}) {
    const deps = harness.deps({ fetch, timeoutMs });
    return service.kind === "chat" ? createNotifyChat(deps) : createEscalate(deps);
  }

  /** What the function threw, with the secret checked absent from it and from every log line. */
  async function failure(options: NotifyDepsOptions = {}): Promise<Error> {
    const error = await notify(options)(escalation(service, harness.server.url)).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).not.toContain(service.token);
    expect(lines.join("\n")).not.toContain(service.token);
    return error as Error;
  }

  it(`delivers in the documented shape and reports the service's ${service.accepted}`, async () => {
    const result = await notify()(escalation(service, harness.server.url));

    expect(result).toEqual({ delivered: true, target: service.type, statusCode: service.accepted });
    expect(harness.server.requests).toHaveLength(1);
    const [request] = harness.server.requests;
    if (request === undefined) throw new Error("no request captured");
    expect(request.method).toBe("POST");
    expect(request.headers["content-type"]).toBe("application/json");
    service.expectRequest(request, service.token);
    expect(harness.logged()).toEqual([
      expect.objectContaining({ level: "info", statusCode: service.accepted }),
    ]);
    expect(lines.join("\n")).not.toContain(service.token);
  });

  it("throws DeliveryRejected for a 4xx refusal and sends it once: retrying would be refused again", async () => {
    harness.server.reply(service.refusal);

    const error = await failure();

    expect(error).toBeInstanceOf(DeliveryRejectedError);
    expect(error.name).toBe("DeliveryRejected");
    expect(error.message).toMatch(new RegExp(`^${service.type} answered HTTP ${service.refusal.status}: `));
    expect(harness.server.requests).toHaveLength(1);
  });

  it("never repeats the secret a refusal echoes back", async () => {
    harness.server.reply({ status: 400, body: `unknown key ${service.secret(harness.server.url)}` });

    const error = await failure();

    expect(error.message).toContain("[redacted]");
  });

  it("never repeats a part of the secret either, where the quoted answer is cut", async () => {
    // The error quotes 200 characters of the answer: the cut falls 4 characters before its end.
    const secret = service.secret(harness.server.url);
    harness.server.reply({ status: 400, body: `${"x".repeat(204 - secret.length)}${secret}` });

    const error = await failure();

    expect(error.message).not.toContain(service.token.slice(0, 8));
  });

  it.each([
    [429, "too many requests"],
    [500, "internal error"],
    [503, "service unavailable"],
  ])("throws DeliveryFailed for %i, which the workflow retries", async (status, body) => {
    harness.server.reply({ status, body });

    const error = await failure();

    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error.name).toBe("DeliveryFailed");
    expect(error.message).toBe(`${service.type} answered HTTP ${status}: ${body}`);
  });

  it("throws DeliveryFailed when the service does not answer in time", async () => {
    harness.server.reply({ status: service.accepted, delayMs: 5000 });

    const error = await failure({ timeoutMs: 200 });

    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error.message).toBe(`${service.type} did not answer within 200 ms`);
    expect(harness.server.requests).toHaveLength(1);
  });

  it("refuses a certificate the runtime does not trust, saying why and nothing of the secret", async () => {
    const error = await failure({ fetch: globalThis.fetch });

    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error.message).toBe(`${service.type} could not be reached: TLS error: self-signed certificate`);
    expect(harness.server.requests).toHaveLength(0);
  });

  it("holds texts far beyond the service's limits to them, so the service takes the message", async () => {
    const reason = `${"🔥 checker said no; ".repeat(200)}end`.slice(0, 4000);
    const event = escalation(service, harness.server.url, { reason, alarmName: "a".repeat(4000) });

    const result = await notify()(event);

    expect(result.statusCode).toBe(service.accepted);
    expect(harness.server.requests[0]?.rawBody).toContain("…");
  });
});

describe("a test endpoint over plain http on 127.0.0.1", () => {
  const pagerduty = SERVICES.find((s) => s.type === "pagerduty");
  if (pagerduty === undefined) throw new Error("no pagerduty service");
  const harness = useNotifierHarness({
    secretsManager,
    secretId: PAGER_SECRET,
    secretValue: (url) => pagerduty.secret(url),
    server: () => ({ respond: SERVICE_STAND_INS.pagerduty }),
  });

  it("takes a pager's apiUrl on loopback, as the README says", async () => {
    const { server } = harness;
    const escalate = createEscalate(harness.deps({ fetch: server.fetch }));

    const result = await escalate(escalation(pagerduty, server.url));

    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(result).toEqual({ delivered: true, target: "pagerduty", statusCode: 202 });
    expect(server.requests.map((r) => r.path)).toEqual(["/v2/enqueue"]);
  });
});

describe("the stand-ins refuse what the services refuse (so the tests above can fail)", () => {
  const request = (path: string, body: unknown, headers: Record<string, string> = {}): CapturedRequest => ({
    method: "POST",
    path,
    headers,
    rawBody: JSON.stringify(body),
    body,
  });

  it("Slack refuses a header over 150 characters", () => {
    const body = {
      text: "x",
      blocks: [{ type: "header", text: { type: "plain_text", text: "h".repeat(151) } }],
    };
    expect(SERVICE_STAND_INS.slack(request("/services/T/B/x", body))).toEqual({
      status: 400,
      body: "invalid_blocks",
    });
  });

  it("Teams refuses a message over 28 KB", () => {
    expect(
      SERVICE_STAND_INS.teams(request("/workflows/x", { type: "message", pad: "p".repeat(28_001) })).status,
    ).toBe(413);
  });

  it.each([
    ["opsgenie", "/v2/alerts"],
    ["jsm", "/jsm/ops/integration/v2/alerts"],
  ] as const)("%s refuses a message over 130 characters and a missing key", (type, path) => {
    const auth = { authorization: "GenieKey k" };
    expect(SERVICE_STAND_INS[type](request(path, { message: "m".repeat(131) }, auth)).status).toBe(422);
    expect(SERVICE_STAND_INS[type](request(path, { message: "m" })).status).toBe(401);
    expect(SERVICE_STAND_INS[type](request(path, { message: "m" }, auth)).status).toBe(202);
  });

  it("PagerDuty refuses a summary over 1024 characters and a routing key that is not 32 characters", () => {
    const event = {
      routing_key: "k".repeat(32),
      event_action: "trigger",
      payload: { summary: "s", source: "i-1", severity: "error" },
    };
    expect(SERVICE_STAND_INS.pagerduty(request("/v2/enqueue", event)).status).toBe(202);
    const long = { ...event, payload: { ...event.payload, summary: "s".repeat(1025) } };
    expect(SERVICE_STAND_INS.pagerduty(request("/v2/enqueue", long)).status).toBe(400);
    expect(
      SERVICE_STAND_INS.pagerduty(request("/v2/enqueue", { ...event, routing_key: "short" })).status,
    ).toBe(400);
  });
});
