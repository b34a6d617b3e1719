import { isAllowedEndpoint } from "../../contract/notifications";
import { chatSender } from "../../contract/senders";
import { DEPENDENCIES, type NotificationResult } from "../../contract/workflow";
import { SecretUnavailableError } from "../shared/errors";
import { redact } from "../shared/log";
import { buildNotice } from "../shared/message";
import { defineNotifier, type NotifierDeps } from "../shared/notifier";

export type NotifyChatDeps = NotifierDeps;

/** notify-chat (DESIGN §3 Messages): tells the configured chat (Slack, Teams, ...) what happened. */
export function createNotifyChat(deps: NotifyChatDeps): (event: unknown) => Promise<NotificationResult> {
  return defineNotifier("notify-chat", deps, async (input, readSecret) => {
    const { chat } = input.context.notifications;
    const sender = chatSender(chat.type);
    // The reader registers the stored value for redaction; a value stored with a trailing
    // newline differs from the trimmed URL, so that one is registered too.
    const webhookUrl = (await readSecret(chat.webhookSecret)).trim();
    redact(webhookUrl);
    if (!isAllowedEndpoint(webhookUrl)) {
      throw new SecretUnavailableError(
        `${DEPENDENCIES.secretsManager}: secret ${chat.webhookSecret} does not hold an https webhook URL (it should hold ${sender.secretHolds})`,
      );
    }
    return { target: sender.type, request: sender.request(buildNotice(input), webhookUrl) };
  });
}
