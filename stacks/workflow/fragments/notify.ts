/**
 * Telling people (DESIGN §3 steps 3-5, 7, Messages): chat hears the events `chatOn` names, the
 * pager hears escalations. When both are due the pager goes first and chat second, each tried
 * whatever the other did; a failure after retries is kept and fails the execution at the end.
 * The "restarting now" and "paused" notices are best effort: a failure never blocks anything.
 */
import type { ChatEvent } from "../../../contract/notifications";
import { ESCALATION_REASONS, type EscalationReason, type Outcome } from "../../../contract/workflow";
import { type Fragment, fragment, NEXT } from "../fragment";
import { chatStates, escalationState, STATE } from "../states";
import type { Tasks } from "../tasks";
import { LAMBDA_TRANSIENT_RETRY, NOTIFY_RETRY } from "../timeouts";

/** What a notify function receives: the event, the report so far, the context (alarm, execution, settings). */
function notice(event: ChatEvent) {
  return { event, "report.$": "$.report", "context.$": "$.context" };
}

/**
 * Tells chat about `event` when `chatOn` includes it, then goes on (NEXT). `required`: retried
 * and, if it still fails, kept so the execution fails at the end; otherwise best effort.
 */
export function tellChat(t: Tasks, event: ChatEvent, how: "required" | "best effort"): Fragment {
  const s = chatStates(event);
  const required = how === "required";
  return fragment({
    [s.ask]: {
      Type: "Choice",
      Choices: [{ Variable: `$.tell.${event}`, BooleanEquals: true, Next: s.task }],
      Default: NEXT,
    },
    [s.task]: t.lambda("notify-chat", notice(event), {
      ...(required
        ? {}
        : { Comment: "Best effort: a failure is logged and never blocks or fails the remediation." }),
      ResultPath: null,
      Retry: required ? NOTIFY_RETRY : [LAMBDA_TRANSIENT_RETRY],
      Catch: [
        { ErrorEquals: ["States.ALL"], ResultPath: required ? "$.delivery.chat" : "$.notice", Next: NEXT },
      ],
      Next: NEXT,
    }),
  });
}

/** Records the outcome in the report and goes on (NEXT). */
export function outcome(name: string, value: Outcome, comment?: string): Fragment {
  return fragment({
    [name]: {
      Type: "Pass",
      ...(comment ? { Comment: comment } : {}),
      Result: value,
      ResultPath: "$.report.outcome",
      Next: NEXT,
    },
  });
}

/** One state per escalation reason, recording it and going to `escalated`. */
export function escalationReasons(escalated: string): Fragment {
  return fragment(
    Object.fromEntries(
      ESCALATION_REASONS.map((reason: EscalationReason) => [
        escalationState(reason),
        { Type: "Pass", Result: reason, ResultPath: "$.report.reason", Next: escalated },
      ]),
    ),
  );
}

/** Pages the on-call; a failure after retries is kept for the end, and chat is tried anyway. */
export function page(t: Tasks): Fragment {
  return fragment({
    [STATE.page]: t.lambda("escalate", notice("escalated"), {
      ResultPath: null,
      Retry: NOTIFY_RETRY,
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.delivery.pager", Next: NEXT }],
      Next: NEXT,
    }),
  });
}
