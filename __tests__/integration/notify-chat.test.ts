import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { handler } from "../../functions/notify-chat";
import { createNotifyChat } from "../../functions/notify-chat/notify-chat";
import {
  DeliveryFailedError,
  InvalidInputError,
  SecretUnavailableError,
} from "../../functions/shared/errors";
import { startCaptureServer } from "../../testkit/capture-server";
import { invalidInputProblems } from "../../testkit/invalid-input";
import { useNotifierHarness } from "../../testkit/notifier-harness";
import recovered from "../fixtures/events/notification-recovered.json";

const secretsManager = mockClient(SecretsManagerClient);
const TOKEN = "XyZslackWebhookToken0123456789";
const CONSOLE_URL =
  "https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/" +
  recovered.context.executionArn;

const slack = useNotifierHarness({
  secretsManager,
  secretId: "first-line/slack-webhook",
  secretValue: (url) => `${url}/services/T0000/B0000/${TOKEN}`,
});
const { lines } = slack;

function notify(timeoutMs = 2000) {
  return createNotifyChat(slack.deps({ timeoutMs }));
}

/** Every string anywhere in the Slack payload, so assertions do not depend on block layout. */
function allText(body: unknown): string {
  return JSON.stringify(body);
}

describe("notify-chat (Slack) against a capture server", () => {
  it("posts exactly one message naming region, instance, first failed check and reason, restart duration and console link", async () => {
    const result = await notify()(recovered);

    expect(result).toEqual({ delivered: true, target: "slack", statusCode: 200 });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(slack.server.requests).toHaveLength(1);
    const request = slack.server.requests[0];
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe(`/services/T0000/B0000/${TOKEN}`);
    expect(request?.headers["content-type"]).toBe("application/json");
    const body = request?.body as { text: string; blocks: unknown[] };
    expect(body.text).toBe(
      "i-0123456789abcdef0 in eu-west-1 recovered after a restart. " +
        "Failed first: Route 53: 1 of 8 checkers report Success (need 50%). " +
        `Restart took: 2 min 35 s (reboot). Execution: ${CONSOLE_URL}`,
    );
    expect(body.blocks.map((b) => (b as { type: string }).type)).toEqual(["header", "section", "context"]);
    const blocks = allText(body.blocks);
    for (const fact of [
      "eu-west-1",
      "i-0123456789abcdef0",
      "Route 53: 1 of 8 checkers report Success (need 50%)",
      "2 min 35 s",
      `<${CONSOLE_URL}|`,
    ]) {
      expect(blocks).toContain(JSON.stringify(fact).slice(1, -1));
    }
  });

  it("logs one structured line without the webhook URL or its token", async () => {
    await notify()(recovered);

    expect(slack.logged()).toEqual([
      {
        level: "info",
        message: "notify-chat finished",
        fn: "notify-chat",
        region: "eu-west-1",
        instanceId: "i-0123456789abcdef0",
        delivered: true,
        event: "recovered",
        executionArn: recovered.context.executionArn,
        target: "slack",
        statusCode: 200,
      },
    ]);
    expect(lines.join("\n")).not.toContain(TOKEN);
  });

  it("throws DeliveryFailed when Slack answers 500, without the token in the error or the log", async () => {
    slack.server.reply({ status: 500, body: "internal_error" });

    const error = await notify()(recovered).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect((error as Error).name).toBe("DeliveryFailed");
    expect((error as Error).message).toBe("slack answered HTTP 500: internal_error");
    expect(slack.server.requests).toHaveLength(1);
    expect(slack.logged()).toEqual([
      expect.objectContaining({ level: "error", errorName: "DeliveryFailed" }),
    ]);
    expect(lines.join("\n")).not.toContain(TOKEN);
  });

  it("throws DeliveryFailed when Slack does not answer within the timeout", async () => {
    slack.server.reply({ delayMs: 5000 });

    const error = await notify(150)(recovered).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect((error as Error).message).toBe("slack did not answer within 150 ms");
    expect(slack.server.requests).toHaveLength(1);
  });

  it("throws DeliveryFailed when nothing listens at the webhook address", async () => {
    const closed = await startCaptureServer();
    const deadUrl = `${closed.url}/services/T0000/B0000/${TOKEN}`;
    await closed.close();
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: deadUrl });

    const error = await notify()(recovered).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect((error as Error).message).toBe(
      `slack could not be reached: connection refused by ${new URL(deadUrl).host}`,
    );
    expect((error as Error).message).not.toContain(TOKEN);
  });

  it("refuses a webhook secret that is not an https URL, without echoing it", async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretString: `http://hooks.example.com/x/${TOKEN}` });

    const error = await notify()(recovered).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(SecretUnavailableError);
    expect((error as Error).message).toBe(
      "Secrets Manager: secret first-line/slack-webhook does not hold an https webhook URL (it should hold the Slack incoming-webhook URL)",
    );
    expect(slack.server.requests).toHaveLength(0);
  });

  it("reads the webhook secret once for two notifications of a warm container", async () => {
    const warm = notify();

    await warm(recovered);
    await warm(recovered);

    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(slack.server.requests).toHaveLength(2);
  });

  it("rejects an invalid event with InvalidInput before reading the secret or posting", async () => {
    const report = { ...recovered.report, region: "moon-base-1a", runs: { first: {} } };
    const problems = await invalidInputProblems(notify()({ ...recovered, report }));

    expect(problems).toEqual([
      'report.region: "moon-base-1a" is not an AWS region name (e.g. eu-west-1)',
      "report.runs.first.url: required (a check's outcome)",
      "report.runs.first.route53: required (a check's outcome)",
      "report.runs.first.ssh: required (a check's outcome)",
      "report.runs.first.tcp: required (a check's outcome)",
    ]);
    slack.expectUntouched();
  });

  it("the deployed handler rejects a non-object event before reading the secret", async () => {
    await expect(handler(null)).rejects.toBeInstanceOf(InvalidInputError);
    expect(secretsManager.calls()).toHaveLength(0);
  });
});
