import { pagerSender } from "../../contract/senders";
import type { NotificationResult } from "../../contract/workflow";
import { redact } from "../shared/log";
import { buildNotice } from "../shared/message";
import { defineNotifier, type NotifierDeps } from "../shared/notifier";

export type EscalateDeps = NotifierDeps;

/**
 * escalate (DESIGN §3 Messages): pages the on-call through the configured service (OpsGenie,
 * Jira Service Management, PagerDuty, ...).
 */
export function createEscalate(deps: EscalateDeps): (event: unknown) => Promise<NotificationResult> {
  return defineNotifier("escalate", deps, async (input, readSecret) => {
    const { escalation } = input.context.notifications;
    const sender = pagerSender(escalation.type);
    // A key stored with a trailing newline would be an invalid header value.
    const key = (await readSecret(escalation.secret)).trim();
    redact(key);
    return {
      target: sender.type,
      request: sender.request(buildNotice(input), {
        key,
        apiUrl: escalation.apiUrl,
        priority: escalation.priority,
      }),
    };
  });
}
