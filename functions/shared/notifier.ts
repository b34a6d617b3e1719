/**
 * What notify-chat and escalate share: the handler shape of a function that tells someone what
 * happened (parse the NotificationEvent, build the service's request, POST it once, report it),
 * so each of them is only the part that differs: which secret it reads and which sender renders.
 */
import type { SenderRequest } from "../../contract/senders/sender";
import type { NotificationEvent, NotificationResult } from "../../contract/workflow";
import { defineHandler } from "./handler";
import { type Fetch, postJson } from "./http";
import { type LogSink, redact } from "./log";
import { parseNotificationEvent } from "./message";
import type { SecretReader } from "./secrets";

/** What a notifier needs from its container. */
export interface NotifierDeps {
  readonly readSecret: SecretReader;
  readonly fetch: Fetch;
  /** @default DEFAULT_TIMEOUT_MS of shared/http */
  readonly timeoutMs?: number;
  /** @default stdout */
  readonly log?: LogSink;
}

/** The request a notifier sends for one event, and the service it goes to. */
export interface Delivery {
  /** The service's type (`slack`, `opsgenie`, ...): the result's `target` and the errors' wording. */
  readonly target: string;
  readonly request: SenderRequest;
}

/** What one notifier does differently from the others. */
export interface NotifierParts {
  /** The secret that holds the service's credential (webhook URL, API key) for this event. */
  secret(input: NotificationEvent): string;
  /**
   * The request for this event, given the secret's value (trimmed, and redacted from every log
   * line and error). Throws a named error when the value cannot be what the service needs.
   */
  deliver(input: NotificationEvent, credential: string): Delivery;
}

/** A notifier's Lambda handler, given what its container built. */
export type NotifierFactory = (deps: NotifierDeps) => (event: unknown) => Promise<NotificationResult>;

/**
 * A notifier (its handler for the deps its container builds). Nothing is read or sent for a
 * malformed event; a delivery failure is thrown (named, for the workflow's retry and catch),
 * never swallowed.
 */
export function defineNotifier(name: string, parts: NotifierParts): NotifierFactory {
  return (deps) =>
    defineHandler<NotificationEvent, NotificationResult>({
      name,
      parse: parseNotificationEvent,
      key: ({ report }) => ({ region: report.region, instanceId: report.instanceId }),
      async run(input) {
        // A value stored with a trailing newline (as `echo ... | aws secretsmanager` leaves it)
        // would be an invalid header value or a different URL. The reader registered the stored
        // value for redaction; the trimmed one differs from it, so it is registered too.
        const credential = (await deps.readSecret(parts.secret(input))).trim();
        redact(credential);
        const { target, request } = parts.deliver(input, credential);
        const { statusCode } = await postJson({
          target,
          ...request,
          fetch: deps.fetch,
          ...(deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {}),
        });
        return { delivered: true, target, statusCode };
      },
      summarize: (result, input) => ({
        ...result,
        event: input.event,
        executionArn: input.context.executionArn,
      }),
      ...(deps.log ? { log: deps.log } : {}),
    });
}
