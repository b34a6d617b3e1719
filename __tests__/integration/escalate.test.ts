import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { handler } from "../../functions/escalate";
import { createEscalate } from "../../functions/escalate/escalate";
import { DeliveryFailedError, DeliveryRejectedError } from "../../functions/shared/errors";
import { invalidInputProblems } from "../../testkit/invalid-input";
import { useNotifierHarness } from "../../testkit/notifier-harness";
import escalated from "../fixtures/events/notification-escalated.json";

const secretsManager = mockClient(SecretsManagerClient);
const API_KEY = "5b0e5f4c-9d1a-4c1e-b7a1-opsgenie-test-key";

const opsgenie = useNotifierHarness({
  secretsManager,
  secretId: "first-line/opsgenie-api-key",
  secretValue: () => API_KEY,
  server: () => ({ status: 202, body: '{"result":"Request will be processed"}' }),
});
const { lines } = opsgenie;

function alert(timeoutMs = 2000) {
  return createEscalate(opsgenie.deps({ timeoutMs }));
}

interface Overrides {
  readonly report?: Record<string, unknown>;
  readonly context?: Record<string, unknown>;
  readonly escalation?: Record<string, unknown>;
}

/** The escalated fixture, pointed at the capture server, with overrides of its report, context and pager. */
function event(overrides: Overrides = {}, apiUrl = opsgenie.server.url) {
  const { notifications } = escalated.context;
  return {
    ...escalated,
    report: { ...escalated.report, ...overrides.report },
    context: {
      ...escalated.context,
      notifications: {
        ...notifications,
        escalation: { ...notifications.escalation, apiUrl, ...overrides.escalation },
      },
      ...overrides.context,
    },
  };
}

interface AlertBody {
  message: string;
  alias: string;
  description: string;
  priority: string;
  tags: string[];
  details: Record<string, unknown>;
}

function sentBodies(): AlertBody[] {
  return opsgenie.server.requests.map((r) => r.body as AlertBody);
}

describe("escalate (OpsGenie) against a capture server", () => {
  it("POSTs one alert to /v2/alerts with the GenieKey header and the configured priority", async () => {
    const result = await alert()(event());

    expect(result).toEqual({ delivered: true, target: "opsgenie", statusCode: 202 });
    expect(opsgenie.server.requests).toHaveLength(1);
    const request = opsgenie.server.requests[0];
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/v2/alerts");
    expect(request?.headers.authorization).toBe(`GenieKey ${API_KEY}`);
    expect(request?.headers["content-type"]).toBe("application/json");
    const body = request?.body as AlertBody;
    expect(body.priority).toBe("P1");
    expect(body.alias).toBe("first-line:us-east-2:i-0fedcba9876543210");
    expect(body.tags).toEqual(["first-line", "us-east-2", "escalated", "checks-failed-after-restart"]);
    expect(body.details).toMatchObject({
      "run1.url.status": "failed",
      "run1.url.reason": "HTTP 503 from https://us.example.com/health",
      "run2.url.reason": "timed out after 10 s",
      reason: "checks-failed-after-restart",
      executionArn: escalated.context.executionArn,
      alarmName: escalated.context.alarmName,
    });
    expect(body.description).toContain(
      `https://us-east-2.console.aws.amazon.com/states/home?region=us-east-2#/v2/executions/details/${escalated.context.executionArn}`,
    );
  });

  it("sends only string details values", async () => {
    await alert()(event());

    const values = Object.values(sentBodies()[0]?.details ?? {});
    expect(values.length).toBeGreaterThan(10);
    expect(values.filter((v) => typeof v !== "string")).toEqual([]);
  });

  it("keeps the message within 130 characters and says what happened in words", async () => {
    await alert()(
      event({ context: { alarmName: `first-line-us-east-2-${"very-long-alarm-name-".repeat(12)}cpu` } }),
    );

    const message = sentBodies()[0]?.message ?? "";
    expect(message.length).toBeLessThanOrEqual(130);
    expect(message).toBe("i-0fedcba9876543210 in us-east-2 escalated: checks still fail after the restart");
  });

  it("uses the same alias for two alerts of one instance and a different alias for another instance", async () => {
    const send = alert();

    await send(event());
    await send(event({ report: { reason: "cooldown" }, context: { alarmName: "another-alarm" } }));
    await send(event({ report: { instanceId: "i-0aaaaaaaaaaaaaaaa" } }));

    const [first, repeat, other] = sentBodies().map((b) => b.alias);
    expect(repeat).toBe(first);
    expect(other).toBe("first-line:us-east-2:i-0aaaaaaaaaaaaaaaa");
    expect(other).not.toBe(first);
  });

  it("gives the same instance id in another region its own alias", async () => {
    const send = alert();

    await send(event());
    await send(event({ report: { region: "eu-west-1" } }));

    expect(sentBodies().map((b) => b.alias)).toEqual([
      "first-line:us-east-2:i-0fedcba9876543210",
      "first-line:eu-west-1:i-0fedcba9876543210",
    ]);
  });

  it.each(["P3", "P5"])("passes priority %s through", async (priority) => {
    await alert()(event({ escalation: { priority } }));

    expect(sentBodies()[0]?.priority).toBe(priority);
  });

  it("appends the documented path to the API base URL, keeping a path prefix", async () => {
    await alert()(event({}, `${opsgenie.server.url}/`));
    await alert()(event({}, `${opsgenie.server.url}/compat/`));

    expect(opsgenie.server.requests.map((r) => r.path)).toEqual(["/v2/alerts", "/compat/v2/alerts"]);
  });

  it("throws DeliveryFailed when OpsGenie answers 500", async () => {
    opsgenie.server.reply({ status: 500, body: '{"message":"Internal error"}' });

    const error = await alert()(event()).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect((error as Error).name).toBe("DeliveryFailed");
    expect((error as Error).message).toBe('opsgenie answered HTTP 500: {"message":"Internal error"}');
  });

  it("throws DeliveryFailed when OpsGenie does not answer within the timeout", async () => {
    opsgenie.server.reply({ status: 202, delayMs: 5000 });

    const error = await alert(150)(event()).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect((error as Error).message).toBe("opsgenie did not answer within 150 ms");
  });

  it("keeps the API key out of the log, the result and the error", async () => {
    const result = await alert()(event());
    opsgenie.server.reply({ status: 401, body: `{"message":"Key ${API_KEY} is invalid"}` });
    const error = await alert()(event()).catch((err: unknown) => err);

    expect(opsgenie.logged()).toEqual([
      {
        level: "info",
        message: "escalate finished",
        fn: "escalate",
        region: "us-east-2",
        instanceId: "i-0fedcba9876543210",
        delivered: true,
        event: "escalated",
        executionArn: escalated.context.executionArn,
        target: "opsgenie",
        statusCode: 202,
      },
      expect.objectContaining({ level: "error", errorName: "DeliveryRejected" }),
    ]);
    // A refused key is not retried: it would be refused again.
    expect(error).toBeInstanceOf(DeliveryRejectedError);
    for (const text of [...lines, JSON.stringify(result), (error as Error).message]) {
      expect(text).not.toContain(API_KEY);
    }
    expect((error as Error).message).toBe(
      'opsgenie answered HTTP 401: {"message":"Key [redacted] is invalid"}',
    );
  });

  it("sends a key stored with a trailing newline without the newline", async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: `${API_KEY}\n` });

    await alert()(event());

    expect(opsgenie.server.requests[0]?.headers.authorization).toBe(`GenieKey ${API_KEY}`);
  });

  it("rejects an invalid event with InvalidInput before reading the key or posting", async () => {
    const problems = await invalidInputProblems(
      alert()(
        event({
          report: { runs: { first: { url: { status: "broken" } } } },
          context: { executionArn: "not-an-arn" },
        }),
      ),
    );

    expect(problems).toEqual([
      'report.runs.first.url.status: expected one of "passed", "failed", "unavailable", "skipped", "not-run", got "broken"',
      "report.runs.first.route53: required (a check's outcome)",
      "report.runs.first.ssh: required (a check's outcome)",
      "report.runs.first.tcp: required (a check's outcome)",
      'context.executionArn: "not-an-arn" is not a Step Functions execution ARN',
    ]);
    opsgenie.expectUntouched();
  });

  it("the deployed handler rejects an event without an instance id before reading the key", async () => {
    const { instanceId: _instanceId, ...report } = escalated.report;

    const problems = await invalidInputProblems(handler({ ...escalated, report }));

    expect(problems).toEqual([
      "report.instanceId: required (an EC2 instance id (i- followed by 8 or 17 hex digits))",
    ]);
    expect(secretsManager.calls()).toHaveLength(0);
  });
});
