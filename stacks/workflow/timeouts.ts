import { ALL_CHECKS, CHECKS } from "../../contract/checks";
import type { AnyCheck } from "../../contract/checks/check";
import { ERROR_NAMES } from "../../contract/errors";
import { maxPolls, RESTART_DEFAULTS, type RestartSettings } from "../../contract/restart";
import type { InstanceSettings } from "../../contract/workflow";
import { FUNCTION_NAMES, type FunctionName } from "../function-catalog";
import type { Retrier } from "./asl";

/**
 * Lambda service errors that say "the function did not get to run (properly)", as Step Functions
 * names them for the optimized Lambda integration (the Lambda API's exception names with a
 * `Lambda.` prefix; https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
 * and the Invoke API's error list). Retried with backoff; a check that still gets one could not
 * ask and escalates as `check-unavailable` (DESIGN §3.6). The second group is a VPC function that
 * is inactive after weeks idle (not ready) or cannot get its network.
 */
export const TRANSIENT_LAMBDA_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
  "Lambda.ResourceNotReadyException",
  "Lambda.EC2ThrottledException",
  "Lambda.EC2UnexpectedException",
  "Lambda.EC2AccessDeniedException",
  "Lambda.ENILimitReachedException",
  "Lambda.SubnetIPAddressLimitReachedException",
  "Lambda.InvalidSubnetIDException",
  "Lambda.InvalidSecurityGroupIDException",
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
 * Retry of the notifiers: everything but what will be refused again — InvalidInput, and a
 * service that rejected the message (DeliveryRejected: a 4xx other than 429) — so a chat or
 * pager hiccup does not fail the execution.
 */
export const NOTIFY_RETRY: readonly Retrier[] = [
  { ErrorEquals: [ERROR_NAMES.invalidInput, ERROR_NAMES.deliveryRejected], MaxAttempts: 0 },
  { ErrorEquals: ["States.ALL"], IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2 },
];

/**
 * DynamoDB errors that mean "try again later". The optimized DynamoDB integration names errors
 * `DynamoDB.` + the API's exception name (https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html,
 * "Errors"; the API's names in the DynamoDB API reference "Common Errors" and UpdateItem/GetItem
 * "Errors"): throttling is `ProvisionedThroughputExceededException` or `RequestLimitExceeded`
 * (account limits) or `ThrottlingException` (control-plane style name DynamoDB also returns),
 * a server fault `InternalServerError` (no "Exception" suffix).
 */
export const DYNAMODB_TRANSIENT_ERRORS = [
  "DynamoDB.ProvisionedThroughputExceededException",
  "DynamoDB.RequestLimitExceeded",
  "DynamoDB.ThrottlingException",
  "DynamoDB.InternalServerError",
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

/** Lambda timeouts of the functions that are not checks (one EC2 call; one HTTP post with its secret). */
export const FIXED_FUNCTION_SECONDS = {
  "restart-instance": 30,
  "notify-chat": 30,
  escalate: 30,
} as const;

/** The restart settings the budgets assume when no instance says otherwise (DESIGN §4 defaults). */
export const DEFAULT_RESTART: RestartSettings = { ...RESTART_DEFAULTS, maxPolls: maxPolls(RESTART_DEFAULTS) };

/** The instance's settings of one check, when it has that check. */
function settingsOf(
  instance: InstanceSettings,
  check: AnyCheck,
): Parameters<AnyCheck["timeoutSeconds"]>[0] | undefined {
  return (instance as Readonly<Record<string, unknown>>)[check.name] as
    | Parameters<AnyCheck["timeoutSeconds"]>[0]
    | undefined;
}

/**
 * Lambda timeout of each function for the region's instances: for a check, its longest
 * configured timeout (or its default) plus {@link FUNCTION_MARGIN_SECONDS}; fixed values for the
 * others.
 */
export function functionTimeoutSeconds(instances: readonly InstanceSettings[]): Record<FunctionName, number> {
  const checks = ALL_CHECKS.map((check) => {
    const own = instances.flatMap((i) => {
      const settings = settingsOf(i, check);
      return settings === undefined ? [] : [check.timeoutSeconds(settings)];
    });
    return [check.functionName, Math.max(check.defaultTimeoutSeconds, ...own) + FUNCTION_MARGIN_SECONDS];
  });
  return { ...Object.fromEntries(checks), ...FIXED_FUNCTION_SECONDS } as Record<FunctionName, number>;
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

/** The worst case of one instance's execution, part by part (seconds). */
export interface TimeBudget {
  /** Pause lookup, plan, elapsed-time call, acquire, record-restart and release writes, outcome metrics. */
  readonly bookkeeping: number;
  /** One run of the configured checks, each with its retries. */
  readonly checkRun: number;
  /** Both runs. */
  readonly checks: number;
  /** The restart call(s) with throttling retries (two for stop-start), and the "restarting now" notice. */
  readonly restartCalls: number;
  /** Settle wait plus the poll loop(s): maxPolls polls with pollSeconds between them (two loops for stop-start). */
  readonly waiting: number;
  /** The pager and then chat, each with its retries. */
  readonly notification: number;
  readonly margin: number;
  readonly total: number;
}

function budget(
  checkFunctions: readonly FunctionName[],
  restart: RestartSettings,
  taskTimeouts: Readonly<Record<FunctionName, number>>,
): TimeBudget {
  const lambda = (fn: FunctionName) => retryBudgetSeconds(taskTimeouts[fn], LAMBDA_TRANSIENT_RETRY);
  const sdkCall = retryBudgetSeconds(SDK_TASK_TIMEOUT_SECONDS, DYNAMODB_RETRY);
  const checkRun = checkFunctions.reduce((sum, fn) => sum + lambda(fn), 0);
  const loops = restart.method === "stop-start" ? 2 : 1;
  const pollLoop = restart.maxPolls * SDK_TASK_TIMEOUT_SECONDS + (restart.maxPolls - 1) * restart.pollSeconds;
  const notifyRetry = NOTIFY_RETRY[NOTIFY_RETRY.length - 1] as Retrier;
  const parts = {
    // pause read + 3 lock writes (retried), plan + elapsed calls, one metrics call (not retried)
    bookkeeping: 4 * sdkCall + 2 * lambda("restart-instance") + SDK_TASK_TIMEOUT_SECONDS,
    checkRun,
    checks: 2 * checkRun,
    restartCalls:
      loops * retryBudgetSeconds(taskTimeouts["restart-instance"], RESTART_RETRY) + lambda("notify-chat"),
    waiting: restart.settleSeconds + loops * pollLoop,
    notification:
      retryBudgetSeconds(taskTimeouts.escalate, notifyRetry) +
      retryBudgetSeconds(taskTimeouts["notify-chat"], notifyRetry),
    margin: MACHINE_MARGIN_SECONDS,
  };
  const total =
    parts.bookkeeping + parts.checks + parts.restartCalls + parts.waiting + parts.notification + parts.margin;
  return { ...parts, total: Math.ceil(total) };
}

function configuredCheckFunctions(instance: InstanceSettings): FunctionName[] {
  return ALL_CHECKS.filter((check) => settingsOf(instance, check) !== undefined).map(
    (check) => check.functionName as FunctionName,
  );
}

/** The worst-case time budget of one instance's execution. */
export function timeBudget(
  instance: InstanceSettings,
  taskTimeouts: Readonly<Record<FunctionName, number>> = taskTimeoutSeconds([instance]),
): TimeBudget {
  return budget(configuredCheckFunctions(instance), instance.restart, taskTimeouts);
}

/**
 * The state machine's TimeoutSeconds (and the lock's lifetime): the largest worst case over
 * the region's instances, so no configured wait can outlast the machine. With no instances,
 * the budget of an instance with every check at its default timeout and the default restart.
 */
export function machineTimeoutSeconds(
  instances: readonly InstanceSettings[],
  taskTimeouts: Readonly<Record<FunctionName, number>> = taskTimeoutSeconds(instances),
): number {
  if (instances.length === 0) {
    return budget(
      CHECKS.map((check) => check.functionName),
      DEFAULT_RESTART,
      taskTimeouts,
    ).total;
  }
  return Math.max(...instances.map((i) => timeBudget(i, taskTimeouts).total));
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
