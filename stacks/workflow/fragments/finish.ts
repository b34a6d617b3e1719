/**
 * The end of every execution that has an outcome (DESIGN §7): one PutMetricData with the
 * outcome, whether it restarted and how long the restart took (its errors never change the
 * outcome), then success, or failure when chat or the pager stayed unreachable.
 */
import { type Fragment, fragment, isPresent } from "../fragment";
import { RECORD_STATES, STATE } from "../states";
import type { Tasks } from "../tasks";

/** The CloudWatch namespace and metric names the workflow writes and the dashboard reads. */
export const METRICS = {
  namespace: "FirstLine",
  executions: "Executions",
  restarts: "Restarts",
  restartSeconds: "RestartSeconds",
  dimensions: ["region", "instance", "outcome"],
} as const;

/** The Error of the Fail state reached when chat or the pager stayed unreachable. */
export const NOTIFICATION_FAILED_ERROR = "FirstLine.NotificationFailed";

const DIMENSIONS = [
  { Name: "region", "Value.$": "$.report.region" },
  { Name: "instance", "Value.$": "$.report.instanceId" },
  { Name: "outcome", "Value.$": "$.report.outcome" },
];

/** How long the restart took, as the elapsed task measured it (absent without a restart). */
const SECONDS = "$.measured.result.seconds";

function datum(name: string, value: number | string, unit: "Count" | "Seconds") {
  return {
    MetricName: name,
    Dimensions: DIMENSIONS,
    ...(typeof value === "number" ? { Value: value } : { "Value.$": value }),
    Unit: unit,
  };
}

export function finish(t: Tasks): Fragment {
  const put = (data: readonly ReturnType<typeof datum>[]) =>
    t.sdk(
      "cloudwatch",
      "putMetricData",
      { Namespace: METRICS.namespace, MetricData: data },
      {
        ResultPath: null,
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.metricsError", Next: STATE.delivered }],
        Next: STATE.delivered,
      },
    );
  const executions = datum(METRICS.executions, 1, "Count");
  return fragment({
    [STATE.record]: {
      Type: "Choice",
      Choices: [
        {
          And: [isPresent(SECONDS), { Variable: SECONDS, IsNumeric: true }],
          Next: RECORD_STATES.back,
        },
        { ...isPresent("$.report.restart"), Next: RECORD_STATES.restarted },
      ],
      Default: RECORD_STATES.plain,
    },
    [RECORD_STATES.back]: put([
      executions,
      datum(METRICS.restarts, 1, "Count"),
      datum(METRICS.restartSeconds, SECONDS, "Seconds"),
    ]),
    [RECORD_STATES.restarted]: put([executions, datum(METRICS.restarts, 1, "Count")]),
    [RECORD_STATES.plain]: put([executions, datum(METRICS.restarts, 0, "Count")]),
    [STATE.delivered]: {
      Type: "Choice",
      // Chat or the pager, unreachable through its retries, left its error under $.delivery.
      Choices: [
        { Or: ["$.delivery.pager", "$.delivery.chat"].map(isPresent), Next: STATE.notificationFailed },
      ],
      Default: STATE.done,
    },
    [STATE.notificationFailed]: {
      Type: "Fail",
      Comment: "Fail loudly so it shows in ExecutionsFailed: the people who needed to know were not told.",
      Error: NOTIFICATION_FAILED_ERROR,
      Cause: "Chat or the pager did not accept the message after retries; the lock was released.",
    },
    [STATE.done]: { Type: "Succeed", OutputPath: "$.report" },
  });
}
