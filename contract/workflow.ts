/**
 * What crosses the boundary between the state machine and the functions (DESIGN §3): the pinned
 * outcome, status and reason names, the workflow input the EventBridge target writes, and each
 * function's event and result. The workflow builder (stacks/workflow) and the handlers both
 * import these, so a change of shape is a compile error on both sides.
 */
import type { CheckName, CheckSettingsMap } from "./checks";
import { text } from "./fields";
import type { ChatEvent, NotificationSettings } from "./notifications";
import type { RestartMethod, RestartSettings } from "./restart";

/** DESIGN §3 pinned outcome names. */
export const OUTCOMES = ["healthy", "recovered", "escalated", "already-running", "paused"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** DESIGN §3 pinned escalation reasons. */
export const ESCALATION_REASONS = [
  "checks-failed-after-restart",
  "restart-failed",
  "not-back-in-time",
  "cooldown",
  "check-unavailable",
] as const;
export type EscalationReason = (typeof ESCALATION_REASONS)[number];

/** DESIGN §3 pinned check statuses in the workflow output. */
export const CHECK_STATUSES = ["passed", "failed", "unavailable", "skipped", "not-run"] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/**
 * DESIGN §3.6: the dependencies whose failure makes a check `unavailable` ("could not ask"), as
 * the reason's first words spell them. A reason that starts with one of these says the instance
 * was not judged, so it is never restarted for it.
 */
export const DEPENDENCIES = {
  lambda: "Lambda",
  route53: "Route 53 API",
  secretsManager: "Secrets Manager",
  describeInstances: "EC2 DescribeInstances",
} as const;
export type Dependency = (typeof DEPENDENCIES)[keyof typeof DEPENDENCIES];

/** What a check function itself can report (the workflow adds skipped and not-run). */
export const CHECK_RESULT_STATUSES = ["passed", "failed", "unavailable"] as const;
export type CheckResultStatus = (typeof CHECK_RESULT_STATUSES)[number];

/** An ISO-8601 instant with an explicit zone, as `$$.State.EnteredTime` writes it. */
export const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

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

/** An instant the workflow wrote (`$$.State.EnteredTime`, a pause's expiry). */
export const instantField = text({ test: isIsoInstant, what: "an ISO-8601 instant (2026-11-24T03:10:00Z)" });

/** Everything the workflow needs about one instance; carried by the rule's input transformer. */
export type InstanceSettings = {
  readonly instanceId: string;
  readonly region: string;
  readonly restart: RestartSettings;
  readonly notifications: NotificationSettings;
} & CheckSettingsMap;

/** The state machine's input, as the EventBridge target's input transformer writes it. */
export interface WorkflowInput {
  readonly instance: InstanceSettings;
  readonly alarm: { readonly name: string; readonly arn: string; readonly time: string };
}

/** Input of every check function. */
export interface CheckEvent<S> {
  readonly instanceId: string;
  readonly region: string;
  readonly settings: S;
}

/**
 * What a check returns for every expected outcome; it throws only for bugs and bad input.
 * `unavailable`: the check's own dependency failed (DESIGN §3.6), so it says nothing about the
 * instance; `reason` then starts with the dependency's name.
 */
export interface CheckResult {
  readonly check: CheckName;
  readonly status: CheckResultStatus;
  readonly reason: string;
  readonly durationMs: number;
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

/** One check's entry in the workflow output. */
export interface CheckOutcome {
  readonly status: CheckStatus;
  readonly reason?: string;
  readonly durationMs?: number;
}

/** One run of the checks, keyed by check name. */
export type CheckRun = Readonly<Record<CheckName, CheckOutcome>>;

/** Input of restart-instance: one EC2 call (stop-start is two calls sequenced by the workflow). */
export interface RestartEvent {
  readonly instanceId: string;
  readonly region: string;
  readonly action: "reboot" | "stop" | "start";
}

export interface RestartResult {
  readonly instanceId: string;
  readonly action: RestartEvent["action"];
  readonly accepted: true;
}

/**
 * Input of restart-instance's `plan` action: JSONPath has no time arithmetic, so the workflow
 * passes `$$.State.EnteredTime` here and gets back the ISO-8601 instants it compares.
 */
export interface PlanEvent {
  readonly action: "plan";
  /** `$$.State.EnteredTime` of the calling state. */
  readonly now: string;
  /** The state machine's own TimeoutSeconds. */
  readonly lockSeconds: number;
  readonly cooldownMinutes: number;
}

/** Input of restart-instance's `elapsed` action: seconds between two of the workflow's instants. */
export interface ElapsedEvent {
  readonly action: "elapsed";
  readonly from: string;
  readonly to: string;
}

export interface ElapsedResult {
  readonly seconds: number;
}

export interface PlanResult {
  /** now + lockSeconds: a lock written now stops counting after this instant. */
  readonly lockExpiresAt: string;
  /** now - cooldownMinutes: a previous restart after this instant is inside the cooldown. */
  readonly cooldownSince: string;
}

/** The restart as far as it got: method, when it was requested, when the instance was back. */
export interface RestartRecord {
  readonly method: RestartMethod;
  /** `$$.State.EnteredTime` of the restart request. */
  readonly requestedAt?: string;
  /** `$$.State.EnteredTime` of the first poll that saw the instance running with status ok. */
  readonly backOnlineAt?: string;
}

/** The pause an alarm met (DESIGN §3.10). */
export interface PauseRecord {
  readonly pausedUntil: string;
  readonly reason?: string;
  readonly pausedBy?: string;
}

/** What an execution reports: its output once it has an outcome (DESIGN §3 pinned names). */
export interface WorkflowReport {
  readonly instanceId: string;
  readonly region: string;
  readonly runs: { readonly first?: CheckRun; readonly second?: CheckRun };
  readonly outcome?: Outcome;
  readonly reason?: EscalationReason;
  readonly restart?: RestartRecord;
  readonly pause?: PauseRecord;
}

/** What the workflow carries for messages besides the report. */
export interface NotificationContext {
  readonly alarmName: string;
  readonly executionArn: string;
  readonly notifications: NotificationSettings;
}

/** Input of notify-chat and escalate: what is being told, the report so far and its context. */
export interface NotificationEvent {
  /** A restart starting, or the execution's outcome. */
  readonly event: ChatEvent;
  readonly report: WorkflowReport;
  readonly context: NotificationContext;
}

export interface NotificationResult {
  readonly delivered: true;
  readonly target: string;
  readonly statusCode: number;
}
