/**
 * Restart and wait (DESIGN §3 steps 2 and 5): not within the cooldown of the previous restart;
 * `reboot`, or `stop-start` (poll until stopped, then start); wait the settle time, then poll
 * `DescribeInstanceStatus` until running with both status checks ok, at most `maxPolls` times.
 * The restart call is retried only on throttling: a call EC2 accepted is never repeated.
 */
import type { ChoiceCondition, TaskState } from "../asl";
import { chain, type Fragment, fragment, isPresent, NEXT, not } from "../fragment";
import { pollStates, STATE } from "../states";
import type { Tasks } from "../tasks";
import { LAMBDA_TRANSIENT_RETRY, RESTART_RETRY } from "../timeouts";

const LAST_RESTART = "$.lock.item.lastRestartAt.S";

/** Goes on (NEXT) unless the previous restart is within the cooldown. */
export function cooldownGate(withinCooldown: string): Fragment {
  return fragment({
    [STATE.cooldown]: {
      Type: "Choice",
      Choices: [
        { Not: { Variable: LAST_RESTART, IsPresent: true }, Next: NEXT },
        { Not: { Variable: LAST_RESTART, IsTimestamp: true }, Next: NEXT },
        { Variable: LAST_RESTART, TimestampGreaterThanPath: "$.plan.cooldownSince", Next: withinCooldown },
      ],
      Default: NEXT,
    },
  });
}

function restartCall(t: Tasks, action: "reboot" | "stop" | "start", failed: string): TaskState {
  return t.lambda(
    "restart-instance",
    { "instanceId.$": "$.instance.instanceId", "region.$": "$.instance.region", action },
    {
      ...(action === "start"
        ? { ResultPath: null }
        : {
            ResultSelector: {
              method: action === "reboot" ? "reboot" : "stop-start",
              "requestedAt.$": "$$.State.EnteredTime",
            },
            ResultPath: "$.report.restart",
          }),
      Retry: [RESTART_RETRY],
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.restartError", Next: failed }],
      Next: NEXT,
    },
  );
}

const polled = "$.poll.result.statuses[0]";

/** Polls until `reached`, at most maxPolls times, then goes on (NEXT); `exhausted` after the last. */
function pollUntil(
  t: Tasks,
  loop: "stop" | "status",
  reached: ChoiceCondition,
  needed: readonly string[],
  exhausted: string,
): Fragment {
  const s = pollStates(loop);
  return fragment({
    [s.count]: {
      Type: "Pass",
      Parameters: { "remaining.$": "$.instance.restart.maxPolls" },
      ResultPath: "$.poll",
      Next: s.poll,
    },
    [s.poll]: t.sdk(
      "ec2",
      "describeInstanceStatus",
      { "InstanceIds.$": "States.Array($.instance.instanceId)", IncludeAllInstances: true },
      {
        ResultSelector: { "statuses.$": "$.InstanceStatuses", "polledAt.$": "$$.State.EnteredTime" },
        ResultPath: "$.poll.result",
        // A failed poll is one more poll that did not see the state; the next poll is the retry.
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.poll.result", Next: s.spend }],
        Next: s.test,
      },
    ),
    [s.test]: {
      Type: "Choice",
      Choices: [
        { Or: needed.map((p) => not(isPresent(`${polled}.${p}`))), Next: s.spend },
        { ...reached, Next: NEXT },
      ],
      Default: s.spend,
    },
    [s.spend]: {
      Type: "Pass",
      Parameters: { "remaining.$": "States.MathAdd($.poll.remaining, -1)" },
      ResultPath: "$.poll",
      Next: s.left,
    },
    [s.left]: {
      Type: "Choice",
      Choices: [{ Variable: "$.poll.remaining", NumericGreaterThan: 0, Next: s.wait }],
      Default: exhausted,
    },
    [s.wait]: { Type: "Wait", SecondsPath: "$.instance.restart.pollSeconds", Next: s.poll },
  });
}

/** The restart by the configured method, then the wait until the instance is back (NEXT). */
export function restartAndWait(t: Tasks, failed: string, notBackInTime: string): Fragment {
  const stopStart = chain(
    fragment({ [STATE.stop]: restartCall(t, "stop", failed) }),
    pollUntil(
      t,
      "stop",
      { Variable: `${polled}.InstanceState.Name`, StringEquals: "stopped" },
      ["InstanceState.Name"],
      notBackInTime,
    ),
    fragment({ [STATE.start]: { ...restartCall(t, "start", failed), Next: STATE.settle } }),
  );
  const wait = chain(
    fragment({
      [STATE.settle]: {
        Type: "Wait",
        Comment:
          "A reboot never leaves running and status checks can stay ok: polling at once would see a stale ok.",
        SecondsPath: "$.instance.restart.settleSeconds",
        Next: NEXT,
      },
    }),
    pollUntil(
      t,
      "status",
      {
        And: [
          { Variable: `${polled}.InstanceState.Name`, StringEquals: "running" },
          { Variable: `${polled}.InstanceStatus.Status`, StringEquals: "ok" },
          { Variable: `${polled}.SystemStatus.Status`, StringEquals: "ok" },
        ],
      },
      ["InstanceState.Name", "InstanceStatus.Status", "SystemStatus.Status"],
      notBackInTime,
    ),
    fragment({
      [STATE.backOnline]: {
        Type: "Pass",
        Comment: "The restart took from the restart request to this poll.",
        InputPath: "$.poll.result.polledAt",
        ResultPath: "$.report.restart.backOnlineAt",
        Next: STATE.measure,
      },
      [STATE.measure]: t.lambda(
        "restart-instance",
        {
          action: "elapsed",
          "from.$": "$.report.restart.requestedAt",
          "to.$": "$.report.restart.backOnlineAt",
        },
        {
          Comment:
            "Seconds for the RestartSeconds metric (JSONPath has no time arithmetic); never blocks run 2.",
          // The whole payload: a missing field must not fail the execution (a path error in a
          // ResultSelector cannot be caught); the metric reads it only when it is a number.
          ResultSelector: { "result.$": "$.Payload" },
          ResultPath: "$.measured",
          Retry: [LAMBDA_TRANSIENT_RETRY],
          Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: null, Next: NEXT }],
          Next: NEXT,
        },
      ),
    }),
  );
  return chain(
    fragment({
      [STATE.method]: {
        Type: "Choice",
        Choices: [{ Variable: "$.instance.restart.method", StringEquals: "stop-start", Next: STATE.stop }],
        Default: STATE.reboot,
      },
      [STATE.reboot]: { ...restartCall(t, "reboot", failed), Next: STATE.settle },
      ...stopStart.states,
    }),
    wait,
  );
}
