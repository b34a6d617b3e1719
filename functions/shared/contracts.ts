/**
 * The payloads that cross the boundary between the state machine and the six functions.
 * The ASL builder (stacks/workflow) and the handlers both import these types, so a change of
 * shape is a compile error on both sides.
 */

/** The checks, in the order the workflow runs them. */
export const CHECK_ORDER = ["url", "route53", "ssh"] as const;
export type CheckName = (typeof CHECK_ORDER)[number];

/** DESIGN §3 pinned status names. */
export type CheckStatus = "passed" | "failed" | "unavailable" | "skipped" | "not-run";

/** DESIGN §3 pinned outcome names. */
export type Outcome = "healthy" | "recovered" | "escalated" | "already-running";

/** DESIGN §3 pinned escalation reasons. */
export type EscalationReason =
  | "checks-failed-after-restart"
  | "restart-failed"
  | "not-back-in-time"
  | "cooldown"
  | "check-unavailable";

export type RestartMethod = "reboot" | "stop-start";
export type SshMode = "handshake" | "command";
export type OpsgeniePriority = "P1" | "P2" | "P3" | "P4" | "P5";

/** URL check settings, resolved (instance > region > defaults). */
export interface UrlSettings {
  /** http(s) address to GET. */
  readonly address: string;
  /** @default 10 */
  readonly timeoutSeconds: number;
  /** Comma-separated codes and ranges, e.g. "200-399" or "200,204". @default "200-399" */
  readonly expectStatus: string;
  /** Substring the body must contain. @default none */
  readonly expectBody?: string;
}

/** Route 53 check settings, resolved. */
export interface Route53Settings {
  readonly healthCheckId: string;
  /** Share (0..1] of checkers that must report Success. @default 0.5 */
  readonly minHealthyShare: number;
}

/** SSH check settings, resolved. */
export interface SshSettings {
  /** Host to connect to. @default the instance's public IP (private IP when in a VPC) */
  readonly host?: string;
  /** @default 22 */
  readonly port: number;
  /** @default "ec2-user" */
  readonly user: string;
  /** Pinned host-key fingerprints, OpenSSH form `SHA256:<43 base64 chars>`. */
  readonly hostKeySha256: readonly string[];
  /** @default "handshake" when no privateKeySecret, else "command" */
  readonly mode: SshMode;
  /** Secrets Manager name or ARN of the private key (command mode only). */
  readonly privateKeySecret?: string;
  /** @default "true" */
  readonly command: string;
  /** @default 15 */
  readonly timeoutSeconds: number;
  /** True when the function runs in a VPC: the default host is then the private IP. @default false */
  readonly inVpc?: boolean;
}

/** Restart settings, resolved. */
export interface RestartSettings {
  /** @default "reboot" */
  readonly method: RestartMethod;
  /** @default 90 */
  readonly settleSeconds: number;
  /** @default 15 */
  readonly pollSeconds: number;
  /** @default 600 */
  readonly maxWaitSeconds: number;
  /** ceil(maxWaitSeconds / pollSeconds): the poll budget the workflow counts down. */
  readonly maxPolls: number;
  /** @default 30 */
  readonly cooldownMinutes: number;
}

/** Notification settings, resolved. Secrets are names or ARNs, never values. */
export interface NotificationSettings {
  readonly slackWebhookSecret: string;
  readonly opsgenieApiKeySecret: string;
  /** @default "https://api.opsgenie.com" */
  readonly opsgenieApiUrl: string;
  /** @default "P2" */
  readonly opsgeniePriority: OpsgeniePriority;
}

/** Everything the workflow needs about one instance; carried by the rule's input transformer. */
export interface InstanceSettings {
  readonly instanceId: string;
  readonly region: string;
  readonly url?: UrlSettings;
  readonly route53?: Route53Settings;
  readonly ssh?: SshSettings;
  readonly restart: RestartSettings;
  readonly notifications: NotificationSettings;
}

/** The state machine's input, as the EventBridge target's input transformer writes it. */
export interface WorkflowInput {
  readonly instance: InstanceSettings;
  readonly alarm: { readonly name: string; readonly arn: string; readonly time: string };
}

/** Input of url-check / route53-check / ssh-check. */
export interface CheckEvent<S> {
  readonly instanceId: string;
  readonly region: string;
  readonly settings: S;
}

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

/**
 * What a check returns for every expected outcome; it throws only for bugs and invalid input.
 * `passed` is kept (true exactly when `status` is "passed") until the workflow reads `status`.
 */
export interface CheckResult {
  readonly check: CheckName;
  readonly passed: boolean;
  /**
   * `failed`: the instance itself did not answer as it should (restart it); `unavailable`: a
   * dependency of the check failed, so nothing is known about the instance (never restart it),
   * and `reason` starts with that dependency (see {@link DEPENDENCIES}).
   */
  readonly status: "passed" | "failed" | "unavailable";
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

export interface PlanResult {
  /** now + lockSeconds: a lock written now stops counting after this instant. */
  readonly lockExpiresAt: string;
  /** now - cooldownMinutes: a previous restart after this instant is inside the cooldown. */
  readonly cooldownSince: string;
}

/** Input of notify-slack and alert-opsgenie. */
export interface NotificationEvent {
  readonly instanceId: string;
  readonly region: string;
  readonly alarmName: string;
  readonly executionArn: string;
  readonly outcome: "recovered" | "escalated";
  readonly reason?: EscalationReason;
  readonly runs: { readonly first: CheckRun; readonly second?: CheckRun };
  readonly restart?: {
    readonly method: RestartMethod;
    /** `$$.State.EnteredTime` of the restart request. */
    readonly requestedAt?: string;
    /** `$$.State.EnteredTime` of the first poll that saw the instance running with status ok. */
    readonly backOnlineAt?: string;
  };
  readonly notifications: NotificationSettings;
}

export interface NotificationResult {
  readonly delivered: true;
  readonly target: string;
  readonly statusCode: number;
}
