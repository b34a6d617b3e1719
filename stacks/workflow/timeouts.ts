import type { CheckName, InstanceSettings, RestartSettings } from "../../functions/shared/contracts";
import { ERROR_NAMES } from "../../functions/shared/errors";
import { BUILTIN_DEFAULTS } from "../config/defaults";
import { FUNCTION_NAMES, type FunctionName } from "../function-catalog";
import type { Retrier } from "./asl";

/**
 * Lambda service errors that say "the function did not get to run (properly)": retried with
 * backoff; a check that still gets one escalates as `check-unavailable` (DESIGN §3.6).
 */
export const TRANSIENT_LAMBDA_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
] as const;

/** Retry of every Lambda task except the restart calls: transient service errors only. */
export const LAMBDA_TRANSIENT_RETRY: Retrier = {
  ErrorEquals: TRANSIENT_LAMBDA_ERRORS,
  IntervalSeconds: 2,
  MaxAttempts: 3,
  BackoffRate: 2,
};

/**
 * Retry of Reboot/Stop/StartInstances: only when EC2 throttled the call (the function reports
 * RestartThrottled) or Lambda throttled the invocation (the function never ran). Anything
 * else may mean EC2 accepted the call, and an accepted restart is never sent twice.
 */
export const RESTART_RETRY: Retrier = {
  ErrorEquals: [ERROR_NAMES.restartThrottled, "Lambda.TooManyRequestsException"],
  IntervalSeconds: 5,
  MaxAttempts: 3,
  BackoffRate: 2,
};

/**
 * Retry of the notifiers: everything but InvalidInput (a message the function refuses will be
 * refused again), so a Slack or OpsGenie hiccup does not fail the execution.
 */
export const NOTIFY_RETRY: readonly Retrier[] = [
  { ErrorEquals: [ERROR_NAMES.invalidInput], MaxAttempts: 0 },
  { ErrorEquals: ["States.ALL"], IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2 },
];

/** DynamoDB errors that mean "try again later" (Step Functions prefixes them with `DynamoDB.`). */
export const DYNAMODB_TRANSIENT_ERRORS = [
  "DynamoDB.ProvisionedThroughputExceededException",
  "DynamoDB.RequestLimitExceeded",
  "DynamoDB.ThrottlingException",
  "DynamoDB.InternalServerErrorException",
] as const;

/** Retry of the lock writes (safe: every write is conditional and idempotent for its owner). */
export const DYNAMODB_RETRY: Retrier = {
  ErrorEquals: DYNAMODB_TRANSIENT_ERRORS,
  IntervalSeconds: 1,
  MaxAttempts: 3,
  BackoffRate: 2,
};

/** TimeoutSeconds of the native DynamoDB and EC2 tasks (single API calls). */
export const SDK_TASK_TIMEOUT_SECONDS = 10;

/**
 * A Lambda task outlives its function by this much, so a function that runs out of time
 * reports its own timeout error instead of the task cutting it off.
 */
export const TASK_TIMEOUT_MARGIN_SECONDS = 5;

/** Slack on top of the computed worst case (state transitions, clock skew). */
export const MACHINE_MARGIN_SECONDS = 60;

/** Seconds a Lambda gets beyond its check's own timeout, for start-up, lookups and reporting. */
export const FUNCTION_MARGIN_SECONDS = 10;

/** Defaults the budgets assume when no instance says otherwise (DESIGN §4 defaults). */
export const BUDGET_DEFAULTS = {
  urlTimeoutSeconds: BUILTIN_DEFAULTS.url.timeoutSeconds,
  sshTimeoutSeconds: BUILTIN_DEFAULTS.ssh.timeoutSeconds,
  route53FunctionSeconds: 20,
  restartFunctionSeconds: 30,
  notifierFunctionSeconds: 30,
  restart: {
    ...BUILTIN_DEFAULTS.restart,
    maxPolls: Math.ceil(BUILTIN_DEFAULTS.restart.maxWaitSeconds / BUILTIN_DEFAULTS.restart.pollSeconds),
  } satisfies RestartSettings,
} as const;

/**
 * Lambda timeout of each function for the region's instances: the longest configured check
 * timeout plus {@link FUNCTION_MARGIN_SECONDS}; fixed values for the others.
 */
export function functionTimeoutSeconds(instances: readonly InstanceSettings[]): Record<FunctionName, number> {
  const longest = (pick: (i: InstanceSettings) => number | undefined, fallback: number) =>
    Math.max(fallback, ...instances.map((i) => pick(i) ?? 0));
  return {
    "url-check":
      longest((i) => i.url?.timeoutSeconds, BUDGET_DEFAULTS.urlTimeoutSeconds) + FUNCTION_MARGIN_SECONDS,
    "route53-check": BUDGET_DEFAULTS.route53FunctionSeconds,
    "ssh-check":
      longest((i) => i.ssh?.timeoutSeconds, BUDGET_DEFAULTS.sshTimeoutSeconds) + FUNCTION_MARGIN_SECONDS,
    "restart-instance": BUDGET_DEFAULTS.restartFunctionSeconds,
    "notify-slack": BUDGET_DEFAULTS.notifierFunctionSeconds,
    "alert-opsgenie": BUDGET_DEFAULTS.notifierFunctionSeconds,
  };
}

/** TimeoutSeconds of each function's Task states: the function's timeout plus a margin. */
export function taskTimeoutSeconds(instances: readonly InstanceSettings[]): Record<FunctionName, number> {
  const fn = functionTimeoutSeconds(instances);
  return Object.fromEntries(FUNCTION_NAMES.map((n) => [n, fn[n] + TASK_TIMEOUT_MARGIN_SECONDS])) as Record<
    FunctionName,
    number
  >;
}

/**
 * Longest a task with this retrier can take: every attempt running to its timeout, plus every
 * backoff pause.
 */
export function retryBudgetSeconds(attemptSeconds: number, retrier: Retrier): number {
  const retries = retrier.MaxAttempts ?? 3;
  const interval = retrier.IntervalSeconds ?? 1;
  const rate = retrier.BackoffRate ?? 2;
  let pauses = 0;
  for (let k = 0; k < retries; k++) pauses += interval * rate ** k;
  return (retries + 1) * attemptSeconds + pauses;
}

const CHECK_FUNCTIONS: Readonly<Record<CheckName, FunctionName>> = {
  url: "url-check",
  route53: "route53-check",
  ssh: "ssh-check",
};

/** The worst case of one instance's execution, part by part (seconds). */
export interface TimeBudget {
  /** Plan (time arithmetic) + acquire, record-restart and release lock writes. */
  readonly bookkeeping: number;
  /** One run of the configured checks, each with its retries. */
  readonly checkRun: number;
  /** Both runs. */
  readonly checks: number;
  /** The restart call(s) with throttling retries (two for stop-start). */
  readonly restartCalls: number;
  /** Settle wait plus the poll loop(s): maxPolls polls with pollSeconds between them (two loops for stop-start). */
  readonly waiting: number;
  /** The slower notifier with its retries. */
  readonly notification: number;
  readonly margin: number;
  readonly total: number;
}

/** The worst-case time budget of one instance's execution. */
export function timeBudget(
  instance: InstanceSettings,
  taskTimeouts: Readonly<Record<FunctionName, number>> = taskTimeoutSeconds([instance]),
): TimeBudget {
  const lambda = (fn: FunctionName) => retryBudgetSeconds(taskTimeouts[fn], LAMBDA_TRANSIENT_RETRY);
  const lockWrite = retryBudgetSeconds(SDK_TASK_TIMEOUT_SECONDS, DYNAMODB_RETRY);
  const configured = (Object.keys(CHECK_FUNCTIONS) as CheckName[]).filter((c) => instance[c] !== undefined);
  const checkRun = configured.reduce((sum, c) => sum + lambda(CHECK_FUNCTIONS[c]), 0);
  const { restart } = instance;
  const loops = restart.method === "stop-start" ? 2 : 1;
  const pollLoop = restart.maxPolls * SDK_TASK_TIMEOUT_SECONDS + (restart.maxPolls - 1) * restart.pollSeconds;
  const notifyRetry = NOTIFY_RETRY[NOTIFY_RETRY.length - 1] as Retrier;
  const parts = {
    bookkeeping: lambda("restart-instance") + 3 * lockWrite,
    checkRun,
    checks: 2 * checkRun,
    restartCalls: loops * retryBudgetSeconds(taskTimeouts["restart-instance"], RESTART_RETRY),
    waiting: restart.settleSeconds + loops * pollLoop,
    notification: Math.max(
      retryBudgetSeconds(taskTimeouts["notify-slack"], notifyRetry),
      retryBudgetSeconds(taskTimeouts["alert-opsgenie"], notifyRetry),
    ),
    margin: MACHINE_MARGIN_SECONDS,
  };
  const total =
    parts.bookkeeping + parts.checks + parts.restartCalls + parts.waiting + parts.notification + parts.margin;
  return { ...parts, total: Math.ceil(total) };
}

/** An instance with every check at its default timeout and the default restart settings. */
const DEFAULT_INSTANCE: InstanceSettings = {
  instanceId: "i-00000000",
  region: "us-east-1",
  url: {
    address: "https://example.invalid/",
    timeoutSeconds: BUDGET_DEFAULTS.urlTimeoutSeconds,
    expectStatus: BUILTIN_DEFAULTS.url.expectStatus,
  },
  route53: {
    healthCheckId: "00000000-0000-0000-0000-000000000000",
    minHealthyShare: BUILTIN_DEFAULTS.route53.minHealthyShare,
  },
  ssh: {
    port: 22,
    user: "ec2-user",
    hostKeySha256: [],
    mode: "handshake",
    command: "true",
    timeoutSeconds: BUDGET_DEFAULTS.sshTimeoutSeconds,
  },
  restart: BUDGET_DEFAULTS.restart,
  notifications: {
    slackWebhookSecret: "-",
    opsgenieApiKeySecret: "-",
    opsgenieApiUrl: "https://api.opsgenie.com",
    opsgeniePriority: "P2",
  },
};

/**
 * The state machine's TimeoutSeconds (and the lock's lifetime): the largest worst case over
 * the region's instances, so no configured wait can outlast the machine. With no instances,
 * the budget of an instance with all three checks and default settings.
 */
export function machineTimeoutSeconds(
  instances: readonly InstanceSettings[],
  taskTimeouts: Readonly<Record<FunctionName, number>> = taskTimeoutSeconds(instances),
): number {
  const list = instances.length > 0 ? instances : [DEFAULT_INSTANCE];
  return Math.max(...list.map((i) => timeBudget(i, taskTimeouts).total));
}

/** Every timeout the stack needs for one region, computed from the same instances. */
export interface WorkflowTimeouts {
  /** Lambda `timeout` of each function. */
  readonly functionTimeoutSeconds: Readonly<Record<FunctionName, number>>;
  /** `TimeoutSeconds` of each function's Task states (pass to buildDefinition). */
  readonly taskTimeoutSeconds: Readonly<Record<FunctionName, number>>;
  /** The machine's `TimeoutSeconds` (pass to buildDefinition as timeoutSeconds). */
  readonly machineTimeoutSeconds: number;
}

/** Function, task and machine timeouts for a region's instances, consistent with each other. */
export function workflowTimeouts(instances: readonly InstanceSettings[]): WorkflowTimeouts {
  const tasks = taskTimeoutSeconds(instances);
  return {
    functionTimeoutSeconds: functionTimeoutSeconds(instances),
    taskTimeoutSeconds: tasks,
    machineTimeoutSeconds: machineTimeoutSeconds(instances, tasks),
  };
}
