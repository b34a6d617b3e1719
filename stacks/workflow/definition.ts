/**
 * The remediation workflow (DESIGN §3) as an ASL definition: a pure, deterministic builder. The
 * skeleton below reads top to bottom; each fragment lives in ./fragments and names its states in
 * ./states. Checks come from the check registry, so a new check needs nothing here.
 */
import type { Outcome, WorkflowReport } from "../../contract/workflow";
import type { AslDefinition } from "./asl";
import { allStates, chain, ending, NEXT } from "./fragment";
import { checks, run } from "./fragments/checks";
import { finish } from "./fragments/finish";
import { rejectInvalidInput, validateInput } from "./fragments/input";
import { recordRestartTime, releaseLock, takeLock } from "./fragments/lock";
import { escalationReasons, outcome, page, tellChat } from "./fragments/notify";
import { pauseGate } from "./fragments/pause";
import { cooldownGate, restartAndWait } from "./fragments/restart";
import { chatStates, escalationState as escalate, STATE } from "./states";
import { tasks, type WorkflowProps } from "./tasks";

/** What a finished execution returns (DESIGN §3 pinned names). */
export type WorkflowOutput = WorkflowReport & { readonly outcome: Outcome };

export function buildDefinition(props: WorkflowProps): AslDefinition {
  const t = tasks(props);

  const main = chain(
    validateInput(),
    pauseGate(t, chatStates("paused").ask),
    takeLock(t, STATE.record),
    run(1, { passed: STATE.healthy, failed: NEXT, unavailable: escalate("check-unavailable") }),
    cooldownGate(escalate("cooldown")),
    recordRestartTime(t, escalate("restart-failed")),
    tellChat(t, "restarting", "best effort"),
    restartAndWait(t, escalate("restart-failed"), escalate("not-back-in-time")),
    run(2, {
      passed: NEXT,
      failed: escalate("checks-failed-after-restart"),
      unavailable: escalate("check-unavailable"),
    }),
    outcome(STATE.recovered, "recovered"),
    tellChat(t, "recovered", "required"),
    releaseLock(t),
    finish(t),
  );

  const branches = [
    rejectInvalidInput(),
    checks(t),
    ending(
      outcome(STATE.healthy, "healthy", "Every configured check passed: nobody is told."),
      STATE.release,
    ),
    escalationReasons(STATE.escalated),
    ending(
      chain(outcome(STATE.escalated, "escalated"), page(t), tellChat(t, "escalated", "required")),
      STATE.release,
    ),
    ending(tellChat(t, "paused", "best effort"), STATE.record),
  ];

  return {
    Comment:
      "first-line remediation: unless paused, take the lock, run the checks, restart on failure, " +
      "check again, tell chat and the pager.",
    QueryLanguage: "JSONPath",
    StartAt: main.start,
    TimeoutSeconds: props.timeoutSeconds,
    States: allStates(main, ...branches),
  };
}
