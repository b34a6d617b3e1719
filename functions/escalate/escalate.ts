import { pagerSender } from "../../contract/senders";
import type { NotificationEvent, NotificationResult } from "../../contract/workflow";
import { defineHandler } from "../shared/handler";
import { type Fetch, postJson } from "../shared/http";
import { type LogSink, redact } from "../shared/log";
import { buildNotice, parseNotificationEvent } from "../shared/message";
import type { SecretReader } from "../shared/secrets";

export interface EscalateDeps {
  readonly readSecret: SecretReader;
  readonly fetch: Fetch;
  /** @default DEFAULT_TIMEOUT_MS of shared/http */
  readonly timeoutMs?: number;
  /** @default stdout */
  readonly log?: LogSink;
}

/**
 * escalate (DESIGN §3 Messages): pages the on-call through the configured service (OpsGenie,
 * Jira Service Management, PagerDuty, ...). Nothing is read or sent for a malformed event; a
 * delivery failure is thrown, never swallowed.
 */
export function createEscalate(deps: EscalateDeps): (event: unknown) => Promise<NotificationResult> {
  return defineHandler<NotificationEvent, NotificationResult>({
    name: "escalate",
    parse: parseNotificationEvent,
    key: ({ report }) => ({ region: report.region, instanceId: report.instanceId }),
    async run(input) {
      const { escalation } = input.context.notifications;
      const sender = pagerSender(escalation.type);
      // A key stored with a trailing newline would be an invalid header value.
      const key = (await deps.readSecret(escalation.secret)).trim();
      redact(key);
      const request = sender.request(buildNotice(input), {
        key,
        apiUrl: escalation.apiUrl,
        priority: escalation.priority,
      });
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
