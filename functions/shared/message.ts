/**
 * What both notifiers share: reading the {@link NotificationEvent} at the edge, and the pure
 * formatting of its facts (first failed check, restart duration, console link) that the Slack
 * message and the escalation alert are both built from.
 */
import {
  CHECK_ORDER,
  type CheckName,
  type CheckOutcome,
  type CheckRun,
  type CheckStatus,
  type EscalationReason,
  type NotificationEvent,
  type OpsgeniePriority,
  type RestartMethod,
} from "./contracts";
import { isAllowedEndpoint } from "./http";
import { INSTANCE_ID, type InputReader, parseInput, REGION } from "./input";
import { hasUrlCredentials, URL_CREDENTIALS_PROBLEM } from "./url";

/** A Step Functions STANDARD execution ARN (names: 1-80 characters, no whitespace or colon). */
export const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^\s:]{1,80}:[^\s:]{1,80}$/;

/** An ISO-8601 instant with an explicit zone, as `$$.State.EnteredTime` writes it. */
export const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** Longest check reason kept. Longer ones (a Lambda error's Cause) are cut, not rejected. */
export const MAX_REASON_CHARS = 1000;

const STATUSES: readonly CheckStatus[] = ["passed", "failed", "skipped", "not-run"];
const REASONS: readonly EscalationReason[] = [
  "checks-failed-after-restart",
  "restart-failed",
  "not-back-in-time",
  "cooldown",
  "check-unavailable",
];
const PRIORITIES: readonly OpsgeniePriority[] = ["P1", "P2", "P3", "P4", "P5"];
const METHODS: readonly RestartMethod[] = ["reboot", "stop-start"];

/** How people call each check in messages. */
export const CHECK_LABEL: Readonly<Record<CheckName, string>> = {
  url: "URL",
  route53: "Route 53 health check",
  ssh: "SSH",
};

/** What each escalation reason means, in words. */
export const REASON_TEXT: Readonly<Record<EscalationReason, string>> = {
  "checks-failed-after-restart": "checks still fail after the restart",
  "restart-failed": "the restart request failed",
  "not-back-in-time": "the instance was not back online in time",
  cooldown: "the alarm fired again within the cooldown after a restart",
  "check-unavailable": "a check could not run (not the instance's fault, so no restart)",
};

/** True for an ISO-8601 instant that names a real calendar date and time. */
export function isIsoInstant(value: string): boolean {
  const m = ISO_INSTANT.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // Date.parse rolls 2026-02-30 over to March 2 instead of refusing it.
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60
  );
}

const NOT_RUN: CheckRun = {
  url: { status: "not-run" },
  route53: { status: "not-run" },
  ssh: { status: "not-run" },
};

function readRun(read: InputReader, path: readonly string[]): CheckRun {
  if (!read.object(path)) return NOT_RUN;
  const entries = CHECK_ORDER.map((check): [CheckName, CheckOutcome] => {
    const at = [...path, check];
    if (!read.object(at)) return [check, { status: "not-run" }];
    const status = read.oneOf([...at, "status"], STATUSES);
    const rawReason = read.raw([...at, "reason"]);
    read.check(
      rawReason === undefined || rawReason === null || typeof rawReason === "string",
      [...at, "reason"],
      "expected a string",
    );
    const reason = typeof rawReason === "string" ? truncate(rawReason, MAX_REASON_CHARS) : undefined;
    const durationMs = read.has([...at, "durationMs"])
      ? read.number([...at, "durationMs"], { min: 0 })
      : undefined;
    return [
      check,
      {
        status,
        ...(reason !== undefined ? { reason } : {}),
        ...(durationMs !== undefined ? { durationMs } : {}),
      },
    ];
  });
  return Object.fromEntries(entries) as Record<CheckName, CheckOutcome>;
}

/**
 * Validates the event both notifiers receive; throws InvalidInputError listing every problem
 * before any secret is read or anything is sent.
 */
export function parseNotificationEvent(event: unknown): NotificationEvent {
  return parseInput(event, (read): NotificationEvent => {
    const instanceId = read.string(["instanceId"], { pattern: INSTANCE_ID, hint: "an EC2 instance id" });
    const region = read.string(["region"], { pattern: REGION, hint: "an AWS region name" });
    const alarmName = read.string(["alarmName"]);
    const executionArn = read.string(["executionArn"], {
      pattern: EXECUTION_ARN,
      hint: "a Step Functions execution ARN",
    });
    const outcome = read.oneOf(["outcome"], ["recovered", "escalated"] as const);
    const reason = read.has(["reason"]) ? read.oneOf(["reason"], REASONS) : undefined;
    read.check(
      outcome !== "escalated" || reason !== undefined,
      ["reason"],
      "required when outcome is escalated",
    );
    read.object(["runs"]);
    const first = readRun(read, ["runs", "first"]);
    const second = read.has(["runs", "second"]) ? readRun(read, ["runs", "second"]) : undefined;
    let restart: NotificationEvent["restart"];
    if (read.has(["restart"]) && read.object(["restart"])) {
      const instant = { pattern: ISO_INSTANT, hint: "an ISO-8601 instant" };
      const requestedAt = read.optionalString(["restart", "requestedAt"], instant);
      const backOnlineAt = read.optionalString(["restart", "backOnlineAt"], instant);
      restart = {
        method: read.oneOf(["restart", "method"], METHODS),
        ...(requestedAt !== undefined ? { requestedAt } : {}),
        ...(backOnlineAt !== undefined ? { backOnlineAt } : {}),
      };
    }
    read.object(["notifications"]);
    const opsgenieApiUrl = read.string(["notifications", "opsgenieApiUrl"]);
    read.check(
      opsgenieApiUrl === "" || isAllowedEndpoint(opsgenieApiUrl),
      ["notifications", "opsgenieApiUrl"],
      "must be an https URL (http only on 127.0.0.1/localhost)",
    );
    read.check(
      !hasUrlCredentials(opsgenieApiUrl),
      ["notifications", "opsgenieApiUrl"],
      URL_CREDENTIALS_PROBLEM,
    );
    return {
      instanceId,
      region,
      alarmName,
      executionArn,
      outcome,
      ...(reason !== undefined ? { reason } : {}),
      runs: second ? { first, second } : { first },
      ...(restart ? { restart } : {}),
      notifications: {
        slackWebhookSecret: read.string(["notifications", "slackWebhookSecret"]),
        opsgenieApiKeySecret: read.string(["notifications", "opsgenieApiKeySecret"]),
        opsgenieApiUrl,
        opsgeniePriority: read.oneOf(["notifications", "opsgeniePriority"], PRIORITIES),
      },
    };
  });
}

/** The first check, in workflow order, whose status is `failed`, with its reason. */
export function firstFailure(
  run: CheckRun,
): { readonly check: CheckName; readonly label: string; readonly reason: string } | undefined {
  const check = CHECK_ORDER.find((name) => run[name].status === "failed");
  if (check === undefined) return undefined;
  return { check, label: CHECK_LABEL[check], reason: run[check].reason || "no reason given" };
}

/** One line per run, e.g. "URL failed (HTTP 503); Route 53 health check not-run; SSH skipped". */
export function describeRun(run: CheckRun): string {
  return CHECK_ORDER.map((name) => {
    const { status, reason } = run[name];
    const shown = status === "failed" || status === "passed" ? reason : undefined;
    return `${CHECK_LABEL[name]} ${status}${shown ? ` (${shown})` : ""}`;
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
export function restartDuration(restart: NotificationEvent["restart"]): string {
  if (!restart?.requestedAt || !restart.backOnlineAt) return "unknown";
  const ms = Date.parse(restart.backOnlineAt) - Date.parse(restart.requestedAt);
  return Number.isFinite(ms) && ms >= 0 ? formatDuration(ms) : "unknown";
}

/** The Step Functions console page of one execution. */
export function executionConsoleUrl(region: string, executionArn: string): string {
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

/** Cuts `text` to at most `max` characters, the last one an ellipsis when anything was cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  // Never leave half of a surrogate pair (an emoji) before the ellipsis.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
