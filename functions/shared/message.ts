/**
 * What notify-chat and escalate share: reading the {@link NotificationEvent} at the edge, and the
 * pure wording of what happened (first failed check, restart duration, console link) as one
 * service-neutral {@link Notice} that every sender renders in its own shape.
 */
import { CHECK_NAMES, type CheckName, checkNamed } from "../../contract/checks";
import { decimal, object, oneOf, optional, type Problem, type Spec, text } from "../../contract/fields";
import { instanceIdField, regionField } from "../../contract/identifiers";
import { CHAT_EVENTS, NOTIFICATION_INPUT } from "../../contract/notifications";
import { RESTART_METHODS } from "../../contract/restart";
import type { Notice } from "../../contract/senders/sender";
import { truncate } from "../../contract/text";
import {
  CHECK_STATUSES,
  type CheckRun,
  ESCALATION_REASONS,
  type EscalationReason,
  instantField,
  type NotificationEvent,
  OUTCOMES,
  type RestartRecord,
} from "../../contract/workflow";
import { parseEvent } from "./input";

// The instant rule is the workflow contract's; its tests (message.test) still read it from here.
export { isIsoInstant } from "../../contract/workflow";

/** A Step Functions STANDARD execution ARN (names: 1-80 characters, no whitespace or colon). */
export const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^\s:]{1,80}:[^\s:]{1,80}$/;

/** Longest check reason shown. Longer ones (a Lambda error's Cause) are cut, not rejected. */
export const MAX_REASON_CHARS = 1000;

const reasonText = text({ what: "a reason", maxLength: 65_536 });
const checkOutcome = object(
  {
    status: oneOf(CHECK_STATUSES),
    reason: optional(reasonText),
    durationMs: optional(decimal(0, 86_400_000, { what: "milliseconds" })),
  },
  { what: "a check's outcome" },
);
const checkRun = object(Object.fromEntries(CHECK_NAMES.map((name) => [name, checkOutcome])) as Spec, {
  what: `every check's outcome (${CHECK_NAMES.join(", ")})`,
});

/** The report part of a notification: the execution's output so far. */
const REPORT = {
  instanceId: instanceIdField,
  region: regionField,
  runs: object({ first: optional(checkRun), second: optional(checkRun) }, { what: "the runs" }),
  outcome: optional(oneOf(OUTCOMES)),
  reason: optional(oneOf(ESCALATION_REASONS)),
  restart: optional(
    object(
      {
        method: oneOf(RESTART_METHODS),
        requestedAt: optional(instantField),
        backOnlineAt: optional(instantField),
      },
      { what: "the restart record" },
    ),
  ),
  pause: optional(
    object(
      { pausedUntil: instantField, reason: optional(reasonText), pausedBy: optional(reasonText) },
      { what: "the pause record" },
    ),
  ),
} as const;

const NOTIFICATION_EVENT = {
  event: oneOf(CHAT_EVENTS),
  report: object(REPORT, { what: "the execution's report" }),
  context: object(
    {
      alarmName: text({ what: "the alarm's name" }),
      executionArn: text({ pattern: EXECUTION_ARN, what: "a Step Functions execution ARN" }),
      notifications: object(NOTIFICATION_INPUT, { what: "the notification settings" }),
    },
    { what: "the notification context" },
  ),
} as const;

/**
 * Validates the event both notifiers receive; throws InvalidInputError listing every problem
 * before any secret is read or anything is sent.
 */
export function parseNotificationEvent(event: unknown): NotificationEvent {
  return parseEvent(event, NOTIFICATION_EVENT, (value): Problem[] =>
    value.event === "escalated" && value.report.reason === undefined
      ? [{ path: ["report", "reason"], message: "required when the event is escalated" }]
      : [],
  ) as NotificationEvent;
}

/** What each escalation reason means, in words. */
export const REASON_TEXT: Readonly<Record<EscalationReason, string>> = {
  "checks-failed-after-restart": "checks still fail after the restart",
  "restart-failed": "the restart request failed",
  "not-back-in-time": "the instance was not back online in time",
  cooldown: "the alarm fired again within the cooldown after a restart",
  "check-unavailable": "a check could not run (not the instance's fault, so no restart)",
};

/** The first check, in workflow order, that did not pass (failed or could not run), with its reason. */
export function firstFailure(run: CheckRun | undefined):
  | {
      readonly check: CheckName;
      readonly label: string;
      readonly reason: string;
      /** True when first-line could not ask (the check was unavailable), not when the instance failed. */
      readonly couldNotAsk: boolean;
    }
  | undefined {
  if (run === undefined) return undefined;
  const check = CHECK_NAMES.find(
    (name) => run[name].status === "failed" || run[name].status === "unavailable",
  );
  if (check === undefined) return undefined;
  const { status, reason } = run[check];
  return {
    check,
    label: checkNamed(check).label,
    couldNotAsk: status === "unavailable",
    reason: `${status === "unavailable" ? "could not run: " : ""}${reason ? truncate(reason, MAX_REASON_CHARS) : "no reason given"}`,
  };
}

/** One line per run, e.g. "URL failed (HTTP 503); Route 53 not-run; SSH skipped". */
export function describeRun(run: CheckRun): string {
  return CHECK_NAMES.map((name) => {
    const { status, reason } = run[name];
    const shown = status === "failed" || status === "passed" || status === "unavailable" ? reason : undefined;
    return `${checkNamed(name).label} ${status}${shown ? ` (${truncate(shown, MAX_REASON_CHARS)})` : ""}`;
  }).join("; ");
}

/** A duration for people: "2 min 35 s", "45 s", "1 h 3 min 0 s"; rounded to whole seconds. */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours} h ${minutes} min ${seconds} s`;
  if (minutes > 0) return `${minutes} min ${seconds} s`;
  return `${seconds} s`;
}

/**
 * From the restart request to the first poll that saw the instance back, or "unknown" when the
 * workflow did not record both instants (restart failed, not back in time) or they make no sense.
 */
export function restartDuration(restart: RestartRecord | undefined): string {
  const ms = restartMs(restart);
  return ms === undefined ? "unknown" : formatDuration(ms);
}

/** The same span in milliseconds; undefined when the workflow did not record both instants. */
export function restartMs(restart: RestartRecord | undefined): number | undefined {
  if (!restart?.requestedAt || !restart.backOnlineAt) return undefined;
  const ms = Date.parse(restart.backOnlineAt) - Date.parse(restart.requestedAt);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/** The Step Functions console page of one execution. */
export function executionConsoleUrl(region: string, executionArn: string): string {
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

/** The de-duplication key: one open alert per instance, however often its alarm fires. */
export function alertAlias(region: string, instanceId: string): string {
  return `first-line:${region}:${instanceId}`;
}

function runDetails(prefix: string, run: CheckRun | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (run === undefined) return out;
  for (const check of CHECK_NAMES) {
    const { status, reason, durationMs } = run[check];
    out[`${prefix}.${check}.status`] = status;
    if (reason) out[`${prefix}.${check}.reason`] = reason;
    if (durationMs !== undefined) out[`${prefix}.${check}.durationMs`] = String(durationMs);
  }
  return out;
}

function headline(input: NotificationEvent, failed: string): string {
  const { instanceId, region, reason, pause } = input.report;
  switch (input.event) {
    case "restarting":
      return `Restarting ${instanceId} in ${region}: ${failed}`;
    case "recovered":
      return `${instanceId} in ${region} recovered after a restart`;
    case "escalated":
      return `${instanceId} in ${region} escalated: ${reason ? REASON_TEXT[reason] : "see the execution"}`;
    case "paused":
      return `${instanceId} in ${region} alarmed while paused until ${pause?.pausedUntil ?? "unknown"}: nothing done`;
  }
}

/** Everything people need about what happened, independent of the service that carries it (pure). */
export function buildNotice(input: NotificationEvent): Notice {
  const { report, context } = input;
  const { instanceId, region, runs, restart, reason, pause } = report;
  const failure = firstFailure(runs.first);
  const failed = failure ? `${failure.label}: ${failure.reason}` : "none recorded";
  const duration = restartDuration(restart);
  const consoleUrl = executionConsoleUrl(region, context.executionArn);
  const title = headline(input, failure ? `${failure.label} check did not pass` : "a check did not pass");
  const restartFact =
    input.event === "restarting"
      ? (restart?.method ?? "requested")
      : restart
        ? `${duration} (${restart.method})`
        : "not attempted";
  const facts = [
    { label: "Region", value: region },
    { label: "Instance", value: instanceId },
    ...(input.event === "paused"
      ? [
          { label: "Paused until", value: pause?.pausedUntil ?? "unknown" },
          {
            label: "Reason",
            value: `${pause?.reason ?? "not given"}${pause?.pausedBy ? ` (by ${pause.pausedBy})` : ""}`,
          },
        ]
      : [
          // A check first-line could not ask is not the instance failing: say which it was.
          { label: failure?.couldNotAsk ? "Could not check" : "Failed first", value: failed },
          { label: input.event === "restarting" ? "Restart" : "Restart took", value: restartFact },
        ]),
  ];
  const description = [
    `${title}.`,
    "",
    `Alarm: ${context.alarmName}`,
    ...facts.slice(2).map((f) => `${f.label}: ${f.value}`),
    ...(runs.first ? [`Checks before the restart: ${describeRun(runs.first)}`] : []),
    ...(runs.second ? [`Checks after the restart: ${describeRun(runs.second)}`] : []),
    `Execution: ${consoleUrl}`,
  ].join("\n");
  return {
    event: input.event,
    title,
    summary: `${title}. ${facts
      .slice(2)
      .map((f) => `${f.label}: ${f.value}.`)
      .join(" ")} Execution: ${consoleUrl}`,
    description,
    facts,
    alarmName: context.alarmName,
    link: { label: "Open the Step Functions execution", url: consoleUrl },
    alias: alertAlias(region, instanceId),
    source: instanceId,
    tags: ["first-line", region, input.event, ...(reason ? [reason] : [])],
    details: {
      region,
      instanceId,
      alarmName: context.alarmName,
      executionArn: context.executionArn,
      event: input.event,
      ...(reason ? { reason } : {}),
      firstFailedCheck: failure ? failure.check : "none",
      ...(restart ? { restartMethod: restart.method } : {}),
      restartDuration: duration,
      ...runDetails("run1", runs.first),
      ...runDetails("run2", runs.second),
    },
  };
}
