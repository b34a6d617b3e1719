import type { NotificationResult } from "../shared/contracts";
import { messageOf } from "../shared/errors";
import { createOpsgenieSender, type EscalationSender } from "../shared/escalation";
import type { Fetch } from "../shared/http";
import { createLogger, type LogSink, redact } from "../shared/log";
import { parseNotificationEvent } from "../shared/message";
import type { SecretReader } from "../shared/secrets";
import { buildEscalationAlert } from "./alert";

export interface AlertOpsgenieDeps {
  readonly readSecret: SecretReader;
  readonly fetch: Fetch;
  /** @default DEFAULT_TIMEOUT_MS of shared/http */
  readonly timeoutMs?: number;
  /** @default stdout */
  readonly log?: LogSink;
}

/**
 * The alert-opsgenie function: validate the event (nothing is read or sent when it is wrong),
 * read the API key, send the alert, log one line. Delivery failures are thrown, never swallowed.
 */
export function createAlertOpsgenie(
  deps: AlertOpsgenieDeps,
): (event: unknown) => Promise<NotificationResult> {
  return async (event) => {
    const input = parseNotificationEvent(event);
    const log = createLogger(
      { function: "alert-opsgenie", region: input.region, instanceId: input.instanceId },
      deps.log,
    );
    const context = { executionArn: input.executionArn, outcome: input.outcome, reason: input.reason };
    try {
      // A key stored with a trailing newline would be an invalid header value.
      const apiKey = (await deps.readSecret(input.notifications.opsgenieApiKeySecret)).trim();
      redact(apiKey);
      const sender: EscalationSender = createOpsgenieSender({
        apiUrl: input.notifications.opsgenieApiUrl,
        apiKey,
        fetch: deps.fetch,
        ...(deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {}),
      });
      const result = await sender.send(buildEscalationAlert(input));
      log.info("escalation delivered", { ...context, target: result.target, statusCode: result.statusCode });
      return result;
    } catch (err) {
      log.error("escalation not delivered", {
        ...context,
        errorName: err instanceof Error ? err.name : "Error",
        error: messageOf(err),
      });
      throw err;
    }
  };
}
