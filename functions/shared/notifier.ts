/**
 * What notify-chat and escalate share: the handler shape of a function that tells someone what
 * happened (parse the NotificationEvent, build the service's request, POST it once, report it),
 * so each of them is only the part that differs: which secret it reads and which sender renders.
 */
import type { SenderRequest } from "../../contract/senders/sender";
import type { NotificationEvent, NotificationResult } from "../../contract/workflow";
import { defineHandler } from "./handler";
import { type Fetch, postJson } from "./http";
import type { LogSink } from "./log";
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

/**
 * A notifier's Lambda handler. Nothing is read or sent for a malformed event; a delivery
 * failure is thrown (named, for the workflow's retry and catch), never swallowed.
 */
export function defineNotifier(
  name: string,
  deps: NotifierDeps,
  prepare: (input: NotificationEvent, readSecret: SecretReader) => Promise<Delivery>,
): (event: unknown) => Promise<NotificationResult> {
  return defineHandler<NotificationEvent, NotificationResult>({
    name,
    parse: parseNotificationEvent,
    key: ({ report }) => ({ region: report.region, instanceId: report.instanceId }),
    async run(input) {
      const { target, request } = await prepare(input, deps.readSecret);
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
