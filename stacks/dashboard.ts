/**
 * The region's CloudWatch dashboard (DESIGN §2, §7): what first-line did (executions by outcome,
 * restarts and how long they took, per instance) and whether first-line itself is failing
 * (failed and timed-out executions, dead letters, the alarms). A pure function of the metric
 * contract (METRICS, OUTCOMES), so a new outcome or metric dimension shows up by itself.
 *
 * The outcome metrics are read with SEARCH expressions over the exact dimension set the
 * workflow writes: one line per outcome summed over instances, and per instance for restarts,
 * whatever instances have reported (an instance added later appears without a new dashboard).
 */
import { OUTCOMES } from "../contract/workflow";
import { METRICS } from "./workflow";

/** Props of {@link dashboardBody}. */
export interface DashboardProps {
  /** The region's name: the `region` dimension the workflow writes. */
  readonly region: string;
  /** The region's instances, in configuration order (one restart line each). */
  readonly instanceIds: readonly string[];
  /** The state machine's ARN (a Terraform reference is fine: it stays a string). */
  readonly stateMachineArn: string;
  /** The dead-letter queue's name (the `QueueName` dimension of AWS/SQS). */
  readonly deadLetterQueueName: string;
  /** Alarms whose state the dashboard shows: first-line's own, then the CPU alarms. @default none */
  readonly alarmArns?: readonly string[];
}

/** Bucket of the outcome metrics: executions and restarts are rare, so counts per hour read best. */
export const COUNT_PERIOD_SECONDS = 3600;
/** Bucket of the AWS metrics, as the "first-line is failing" alarm reads them. */
export const HEALTH_PERIOD_SECONDS = 300;
/** CloudWatch shows at most 100 alarms in one alarm status widget. */
export const ALARMS_PER_WIDGET = 100;

const GRID_WIDTH = 24;
const HALF = GRID_WIDTH / 2;
const HEIGHT = 6;

/** A metric query of a widget: an expression, or `[namespace, metric, dimension, value, ..., options]`. */
export type DashboardMetric = readonly unknown[];

export interface DashboardWidget {
  readonly type: "metric" | "alarm" | "text";
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface Dashboard {
  readonly widgets: readonly DashboardWidget[];
}

/** `{FirstLine,region,instance,outcome}`: exactly the workflow's dimension set. */
const SCHEMA = `{${[METRICS.namespace, ...METRICS.dimensions].join(",")}}`;

/**
 * A SEARCH over the workflow's metric `metricName`, narrowed by dimension values. Values are
 * region names, instance ids and outcome names: none holds a quote.
 */
export function outcomeSearch(
  metricName: string,
  where: Readonly<Partial<Record<(typeof METRICS.dimensions)[number], string>>>,
  stat: "Sum" | "Maximum",
  periodSeconds = COUNT_PERIOD_SECONDS,
): string {
  const terms = [
    `MetricName="${metricName}"`,
    ...Object.entries(where).map(([dimension, value]) => `${dimension}="${value}"`),
  ];
  return `SEARCH('${SCHEMA} ${terms.join(" ")}', '${stat}', ${periodSeconds})`;
}

/** A metric expression line. Ids start with a lower-case letter and hold letters, digits and `_`. */
function expression(id: string, text: string, label: string): DashboardMetric {
  return [{ id, expression: text, label }];
}

function graph(
  title: string,
  metrics: readonly DashboardMetric[],
  options: { stat: string; periodSeconds: number; stacked?: boolean; yLabel: string },
  region: string,
) {
  return {
    type: "metric" as const,
    properties: {
      title,
      region,
      view: "timeSeries",
      stacked: options.stacked ?? false,
      stat: options.stat,
      period: options.periodSeconds,
      metrics,
      yAxis: { left: { min: 0, label: options.yLabel, showUnits: false } },
    },
  };
}

/** The dashboard as CloudWatch's `DashboardBody` object (serialize it with JSON.stringify). */
export function dashboardBody(props: DashboardProps): Dashboard {
  const { region, instanceIds } = props;
  const perInstance = (metricName: string, stat: "Sum" | "Maximum", idPrefix: string) =>
    instanceIds.map((instanceId, i) =>
      expression(
        `${idPrefix}${i}`,
        `${stat === "Sum" ? "SUM" : "MAX"}(${outcomeSearch(metricName, { region, instance: instanceId }, stat)})`,
        instanceId,
      ),
    );

  const halves = [
    graph(
      "Executions by outcome (per hour)",
      OUTCOMES.map((outcome, i) =>
        expression(
          `outcome${i}`,
          `SUM(${outcomeSearch(METRICS.executions, { region, outcome }, "Sum")})`,
          outcome,
        ),
      ),
      { stat: "Sum", periodSeconds: COUNT_PERIOD_SECONDS, stacked: true, yLabel: "executions" },
      region,
    ),
    graph(
      "Restarts per instance (per hour)",
      perInstance(METRICS.restarts, "Sum", "restarts"),
      { stat: "Sum", periodSeconds: COUNT_PERIOD_SECONDS, stacked: true, yLabel: "restarts" },
      region,
    ),
    graph(
      "Restart duration, request to back online (longest per hour)",
      perInstance(METRICS.restartSeconds, "Maximum", "seconds"),
      { stat: "Maximum", periodSeconds: COUNT_PERIOD_SECONDS, yLabel: "seconds" },
      region,
    ),
    graph(
      "first-line failing: executions failed or timed out",
      ["ExecutionsFailed", "ExecutionsTimedOut"].map((metric) => [
        "AWS/States",
        metric,
        "StateMachineArn",
        props.stateMachineArn,
        { label: metric },
      ]),
      { stat: "Sum", periodSeconds: HEALTH_PERIOD_SECONDS, yLabel: "executions" },
      region,
    ),
    graph(
      "Dead-letter queue depth (alarm events that could not start the workflow)",
      [
        [
          "AWS/SQS",
          "ApproximateNumberOfMessagesVisible",
          "QueueName",
          props.deadLetterQueueName,
          { label: "messages" },
        ],
      ],
      { stat: "Maximum", periodSeconds: HEALTH_PERIOD_SECONDS, yLabel: "messages" },
      region,
    ),
  ];

  const alarms = props.alarmArns ?? [];
  const alarmWidgets = Array.from({ length: Math.ceil(alarms.length / ALARMS_PER_WIDGET) }, (_, i) => ({
    type: "alarm" as const,
    properties: {
      title: i === 0 ? "Alarms" : `Alarms (${i + 1})`,
      alarms: alarms.slice(i * ALARMS_PER_WIDGET, (i + 1) * ALARMS_PER_WIDGET),
    },
  }));

  const widgets: DashboardWidget[] = [];
  let y = 0;
  for (const [i, widget] of halves.entries()) {
    widgets.push({ ...widget, x: (i % 2) * HALF, y, width: HALF, height: HEIGHT });
    if (i % 2 === 1 || i === halves.length - 1) y += HEIGHT;
  }
  for (const widget of alarmWidgets) {
    widgets.push({ ...widget, x: 0, y, width: GRID_WIDTH, height: HEIGHT });
    y += HEIGHT;
  }
  return { widgets };
}
