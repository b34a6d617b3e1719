import { pagerSender } from "../../contract/senders";
import { buildNotice } from "../shared/message";
import { defineNotifier } from "../shared/notifier";

/**
 * escalate (DESIGN §3 Messages): pages the on-call through the configured service (OpsGenie,
 * Jira Service Management, PagerDuty, ...) with the API key its secret holds.
 */
export const createEscalate = defineNotifier("escalate", {
  secret: ({ context }) => context.notifications.escalation.secret,
  deliver(input, key) {
    const { escalation } = input.context.notifications;
    const sender = pagerSender(escalation.type);
    const request = sender.request(buildNotice(input), {
      key,
      apiUrl: escalation.apiUrl,
      priority: escalation.priority,
    });
    return { target: sender.type, request };
  },
});
