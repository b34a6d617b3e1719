import { pagerSender } from "../../contract/senders";
import type { NotificationResult } from "../../contract/workflow";
import { buildNotice } from "../shared/message";
import { defineNotifier, type NotifierDeps } from "../shared/notifier";

export type EscalateDeps = NotifierDeps;

/**
 * escalate (DESIGN §3 Messages): pages the on-call through the configured service (OpsGenie,
 * Jira Service Management, PagerDuty, ...) with the API key its secret holds.
 */
export function createEscalate(deps: EscalateDeps): (event: unknown) => Promise<NotificationResult> {
  return defineNotifier("escalate", deps, {
    secret: (input) => input.context.notifications.escalation.secret,
    deliver(input, key) {
      const { escalation } = input.context.notifications;
      const sender = pagerSender(escalation.type);
      return {
        target: sender.type,
        request: sender.request(buildNotice(input), {
          key,
          apiUrl: escalation.apiUrl,
          priority: escalation.priority,
        }),
      };
    },
  });
}
