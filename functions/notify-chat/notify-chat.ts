import { isAllowedEndpoint } from "../../contract/notifications";
import { chatSender } from "../../contract/senders";
import { DEPENDENCIES, type NotificationEvent, type NotificationResult } from "../../contract/workflow";
import { SecretUnavailableError } from "../shared/errors";
import { defineHandler } from "../shared/handler";
import { type Fetch, postJson } from "../shared/http";
import { type LogSink, redact } from "../shared/log";
import { buildNotice, parseNotificationEvent } from "../shared/message";
import type { SecretReader } from "../shared/secrets";

export interface NotifyChatDeps {
  readonly readSecret: SecretReader;
  readonly fetch: Fetch;
  /** @default DEFAULT_TIMEOUT_MS of shared/http */
  readonly timeoutMs?: number;
  /** @default stdout */
  readonly log?: LogSink;
}

/**
 * notify-chat (DESIGN §3 Messages): tells the configured chat (Slack, Teams, ...) what happened.
 * Nothing is read or sent for a malformed event; a delivery failure is thrown, never swallowed.
 */
export function createNotifyChat(deps: NotifyChatDeps): (event: unknown) => Promise<NotificationResult> {
  return defineHandler<NotificationEvent, NotificationResult>({
    name: "notify-chat",
    parse: parseNotificationEvent,
    key: ({ report }) => ({ region: report.region, instanceId: report.instanceId }),
    async run(input) {
      const { chat } = input.context.notifications;
      const sender = chatSender(chat.type);
      // The reader registers the stored value for redaction; a value stored with a trailing
      // newline differs from the trimmed URL, so that one is registered too.
      const webhookUrl = (await deps.readSecret(chat.webhookSecret)).trim();
      redact(webhookUrl);
      if (!isAllowedEndpoint(webhookUrl)) {
        throw new SecretUnavailableError(
          `${DEPENDENCIES.secretsManager}: secret ${chat.webhookSecret} does not hold an https webhook URL (it should hold ${sender.secretHolds})`,
        );
      }
      const request = sender.request(buildNotice(input), webhookUrl);
      const { statusCode } = await postJson({
        target: sender.type,
        ...request,
        fetch: deps.fetch,
        ...(deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {}),
      });
      return { delivered: true, target: sender.type, statusCode };
    },
    summarize: (result, input) => ({
      ...result,
      event: input.event,
      executionArn: input.context.executionArn,
    }),
    ...(deps.log ? { log: deps.log } : {}),
  });
}
