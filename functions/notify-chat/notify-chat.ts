import { isAllowedEndpoint } from "../../contract/notifications";
import { chatSender } from "../../contract/senders";
import { DEPENDENCIES } from "../../contract/workflow";
import { SecretUnavailableError } from "../shared/errors";
import { buildNotice } from "../shared/message";
import { defineNotifier } from "../shared/notifier";

/** notify-chat (DESIGN §3 Messages): tells the configured chat (Slack, Teams, ...) what happened. */
export const createNotifyChat = defineNotifier("notify-chat", {
  secret: ({ context }) => context.notifications.chat.webhookSecret,
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
