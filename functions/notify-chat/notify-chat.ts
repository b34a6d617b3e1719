import { isAllowedEndpoint } from "../../contract/notifications";
import { chatSender } from "../../contract/senders";
import { DEPENDENCIES, type NotificationResult } from "../../contract/workflow";
import { SecretUnavailableError } from "../shared/errors";
import { buildNotice } from "../shared/message";
import { defineNotifier, type NotifierDeps } from "../shared/notifier";

export type NotifyChatDeps = NotifierDeps;

/** notify-chat (DESIGN §3 Messages): tells the configured chat (Slack, Teams, ...) what happened. */
export function createNotifyChat(deps: NotifyChatDeps): (event: unknown) => Promise<NotificationResult> {
  return defineNotifier("notify-chat", deps, {
    secret: (input) => input.context.notifications.chat.webhookSecret,
    deliver(input, webhookUrl) {
      const { chat } = input.context.notifications;
      const sender = chatSender(chat.type);
      if (!isAllowedEndpoint(webhookUrl)) {
        throw new SecretUnavailableError(
          `${DEPENDENCIES.secretsManager}: secret ${chat.webhookSecret} does not hold an https webhook URL (it should hold ${sender.secretHolds})`,
        );
      }
      return { target: sender.type, request: sender.request(buildNotice(input), webhookUrl) };
    },
  });
}
