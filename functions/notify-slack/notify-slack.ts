import { DEPENDENCIES, type NotificationResult } from "../shared/contracts";
import { messageOf, SecretUnavailableError } from "../shared/errors";
import { type Fetch, isAllowedEndpoint, postJson } from "../shared/http";
import { createLogger, type LogSink, redact } from "../shared/log";
import { parseNotificationEvent } from "../shared/message";
import type { SecretReader } from "../shared/secrets";
import { buildSlackMessage } from "./slack-message";

export interface NotifySlackDeps {
  readonly readSecret: SecretReader;
  readonly fetch: Fetch;
  /** @default DEFAULT_TIMEOUT_MS of shared/http */
  readonly timeoutMs?: number;
  /** @default stdout */
  readonly log?: LogSink;
}

/**
 * The notify-slack function: validate the event (nothing is read or sent when it is wrong), read
 * the webhook URL, post the message, log one line. Delivery failures are thrown, never swallowed.
 */
export function createNotifySlack(deps: NotifySlackDeps): (event: unknown) => Promise<NotificationResult> {
  return async (event) => {
    const input = parseNotificationEvent(event);
    const log = createLogger(
      { function: "notify-slack", region: input.region, instanceId: input.instanceId },
      deps.log,
    );
    const context = { executionArn: input.executionArn, outcome: input.outcome };
    try {
      const secretName = input.notifications.slackWebhookSecret;
      // The reader registers the stored value for redaction; a value stored with a trailing
      // newline differs from the trimmed URL, so that one is registered too.
      const webhookUrl = (await deps.readSecret(secretName)).trim();
      redact(webhookUrl);
      if (!isAllowedEndpoint(webhookUrl)) {
        throw new SecretUnavailableError(
          `${DEPENDENCIES.secretsManager}: secret ${secretName} does not hold an https webhook URL`,
        );
      }
      const { statusCode } = await postJson({
        target: "slack",
        url: webhookUrl,
        body: buildSlackMessage(input),
        fetch: deps.fetch,
        ...(deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {}),
      });
      log.info("slack message delivered", { ...context, target: "slack", statusCode });
      return { delivered: true, target: "slack", statusCode };
    } catch (err) {
      log.error("slack message not delivered", {
        ...context,
        errorName: err instanceof Error ? err.name : "Error",
        error: messageOf(err),
      });
      throw err;
    }
  };
}
