import { CHECK_ORDER, type CheckRun, type NotificationEvent } from "../shared/contracts";
import type { EscalationAlert } from "../shared/escalation";
import {
  describeRun,
  executionConsoleUrl,
  firstFailure,
  REASON_TEXT,
  restartDuration,
  truncate,
} from "../shared/message";

/**
 * Longest single `details` value. OpsGenie caps the whole details map (8000 characters), and
 * the map has at most ~30 entries, so every value fits with room for the keys.
 */
export const DETAIL_VALUE_CHARS = 256;

/** The de-duplication key: one open alert per instance, however often its alarm fires. */
export function alertAlias(region: string, instanceId: string): string {
  return `first-line:${region}:${instanceId}`;
}

function runDetails(prefix: string, run: CheckRun): Record<string, string> {
  const out: Record<string, string> = {};
  for (const check of CHECK_ORDER) {
    const { status, reason, durationMs } = run[check];
    out[`${prefix}.${check}.status`] = status;
    if (reason) out[`${prefix}.${check}.reason`] = reason;
    if (durationMs !== undefined) out[`${prefix}.${check}.durationMs`] = String(durationMs);
  }
  return out;
}

/** Everything a responder needs about an escalation, as a target-neutral alert (pure). */
export function buildEscalationAlert(event: NotificationEvent): EscalationAlert {
  const { instanceId, region, alarmName, executionArn, outcome, reason, runs, restart } = event;
  const failure = firstFailure(runs.first);
  const duration = restartDuration(restart);
  const consoleUrl = executionConsoleUrl(region, executionArn);
  const why = reason ? REASON_TEXT[reason] : outcome;

  const details: Record<string, string> = {
    region,
    instanceId,
    alarmName,
    executionArn,
    outcome,
    ...(reason ? { reason } : {}),
    firstFailedCheck: failure ? failure.check : "none",
    ...(restart ? { restartMethod: restart.method } : {}),
    restartDuration: duration,
    ...runDetails("run1", runs.first),
    ...(runs.second ? runDetails("run2", runs.second) : {}),
  };

  const description = [
    `first-line could not fix ${instanceId} in ${region} on its own: ${why}.`,
    "",
    `Alarm: ${alarmName}`,
    `First failed check: ${failure ? `${failure.label}: ${failure.reason}` : "none"}`,
    `Checks before the restart: ${describeRun(runs.first)}`,
    ...(runs.second ? [`Checks after the restart: ${describeRun(runs.second)}`] : []),
    `Restart: ${restart ? `${restart.method}, took ${duration}` : "not attempted"}`,
    `Execution: ${consoleUrl}`,
  ].join("\n");

  return {
    title: `[first-line] ${instanceId} in ${region} ${outcome}${reason ? `: ${reason}` : ""} (alarm ${alarmName})`,
    alias: alertAlias(region, instanceId),
    description,
    priority: event.notifications.opsgeniePriority,
    tags: ["first-line", region, outcome, ...(reason ? [reason] : [])],
    details: Object.fromEntries(
      Object.entries(details).map(([key, value]) => [key, truncate(value, DETAIL_VALUE_CHARS)]),
    ),
  };
}
