import {
  CHECK_ORDER,
  type CheckName,
  type CheckRun,
  type EscalationReason,
  type NotificationEvent,
  type Outcome,
} from "../../functions/shared/contracts";
import { FUNCTION_NAMES, type FunctionName } from "../function-catalog";
import type { AslDefinition, AslState, ChoiceCondition, PayloadTemplate, TaskState } from "./asl";
import {
  DYNAMODB_RETRY,
  LAMBDA_TRANSIENT_RETRY,
  NOTIFY_RETRY,
  RESTART_RETRY,
  SDK_TASK_TIMEOUT_SECONDS,
  TRANSIENT_LAMBDA_ERRORS,
  taskTimeoutSeconds,
} from "./timeouts";

/** Props of {@link buildDefinition}. */
export interface WorkflowProps {
  /** Name or ARN of each function (Lambda's Invoke takes either), embedded as `FunctionName`. */
  readonly functionArns: Readonly<Record<FunctionName, string>>;
  /** The region's lock table (hash key `instanceId`, string). */
  readonly lockTableName: string;
  /**
   * The machine's TimeoutSeconds, also the lifetime of a lock it takes (see machineTimeoutSeconds).
   */
  readonly timeoutSeconds: number;
  /**
   * TimeoutSeconds of each function's Task states.
   * @default taskTimeoutSeconds([]) (the DESIGN default check timeouts)
   */
  readonly taskTimeoutSeconds?: Readonly<Record<FunctionName, number>>;
}

/** What a finished execution returns (DESIGN §3 pinned names). */
export interface WorkflowOutput {
  readonly outcome: Outcome;
  readonly reason?: EscalationReason;
  readonly instanceId: string;
  readonly region: string;
  readonly runs?: { readonly first: CheckRun; readonly second?: CheckRun };
  readonly restart?: NotificationEvent["restart"];
}

/** The Error of the Fail state a malformed input ends in. */
export const INVALID_INPUT_ERROR = "FirstLine.InvalidInput";
/** The Error of the Fail state reached when Slack or OpsGenie stayed unreachable. */
export const NOTIFICATION_FAILED_ERROR = "FirstLine.NotificationFailed";

const LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
const DYNAMODB_UPDATE = "arn:aws:states:::dynamodb:updateItem";
const DESCRIBE_INSTANCE_STATUS = "arn:aws:states:::aws-sdk:ec2:describeInstanceStatus";
const CONDITIONAL_CHECK_FAILED = "DynamoDB.ConditionalCheckFailedException";

const CHECK_LABELS: Readonly<Record<CheckName, string>> = { url: "URL", route53: "Route 53", ssh: "SSH" };
const CHECK_FUNCTIONS: Readonly<Record<CheckName, FunctionName>> = {
  url: "url-check",
  route53: "route53-check",
  ssh: "ssh-check",
};

/** Names of the states other code (tests, runbooks) refers to. */
export const STATE = {
  validate: "Validate input",
  invalidInput: "Reject invalid input",
  prepare: "Prepare",
  plan: "Plan lock and cooldown",
  acquire: "Acquire lock",
  alreadyRunning: "Already running",
  healthy: "Healthy",
  cooldown: "Within cooldown?",
  recordRestart: "Record restart time",
  method: "Restart method?",
  reboot: "Reboot instance",
  stop: "Stop instance",
  start: "Start instance",
  settle: "Wait for settle",
  backOnline: "Back online",
  recovered: "Recovered",
  slack: "Notify Slack",
  escalated: "Escalated",
  opsgenie: "Alert OpsGenie",
  release: "Release lock",
  delivered: "Notification delivered?",
  notificationFailed: "Notification failed",
  done: "Done",
} as const;

/** The state a given escalation reason is recorded in. */
export function escalationState(reason: EscalationReason): string {
  return `Escalate: ${reason}`;
}

/** State names of one check in one run. */
export function checkStates(run: 1 | 2, check: CheckName) {
  const base = `Run ${run}: ${CHECK_LABELS[check]} check`;
  return {
    configured: `${base} configured?`,
    skipped: `${base} skipped`,
    task: base,
    result: `${base} result?`,
    passed: `${base} passed`,
    failed: `${base} failed`,
    unusable: `${base} unusable output`,
    errored: `${base} errored`,
    unavailable: `${base} unavailable`,
  };
}

/** State names of a poll loop ("stop": until stopped; "status": until running with status ok). */
export function pollStates(loop: "stop" | "status") {
  return loop === "stop"
    ? {
        count: "Count stop polls",
        poll: "Poll until stopped",
        test: "Stopped?",
        spend: "Spend stop poll",
        left: "Stop polls left?",
        wait: "Wait before stop poll",
      }
    : {
        count: "Count status polls",
        poll: "Poll instance status",
        test: "Back online?",
        spend: "Spend status poll",
        left: "Status polls left?",
        wait: "Wait before status poll",
      };
}

function runStart(run: 1 | 2): string {
  return `Run ${run}: start`;
}

function runKey(run: 1 | 2): "first" | "second" {
  return run === 1 ? "first" : "second";
}

const isPresent = (Variable: string): ChoiceCondition => ({ Variable, IsPresent: true });
const absent = (Variable: string): ChoiceCondition => ({ Not: isPresent(Variable) });
const not = (c: ChoiceCondition): ChoiceCondition => ({ Not: c });

/** The instance's key attribute, as DynamoDB integrations want it. */
const LOCK_KEY = { instanceId: { "S.$": "$.instance.instanceId" } };
const ME = { ":me": { "S.$": "$$.Execution.Id" } };

function checkProps(props: WorkflowProps): Readonly<Record<FunctionName, number>> {
  const problems: string[] = [];
  const wholePositive = (n: number) => Number.isInteger(n) && n >= 1;
  if (!wholePositive(props.timeoutSeconds)) {
    problems.push(`timeoutSeconds must be a whole number >= 1, got ${props.timeoutSeconds}`);
  }
  const timeouts = props.taskTimeoutSeconds ?? taskTimeoutSeconds([]);
  for (const name of FUNCTION_NAMES) {
    if (typeof props.functionArns[name] !== "string" || props.functionArns[name] === "") {
      problems.push(`functionArns["${name}"] is missing`);
    }
    if (!wholePositive(timeouts[name])) {
      problems.push(`taskTimeoutSeconds["${name}"] must be a whole number >= 1, got ${timeouts[name]}`);
    }
  }
  if (props.lockTableName === "") problems.push("lockTableName is empty");
  if (problems.length > 0) throw new Error(`invalid workflow props: ${problems.join("; ")}`);
  return timeouts;
}

/**
 * Builds the remediation workflow (DESIGN §3) as an ASL definition. Pure and deterministic:
 * the same props give the same JSON. Checks, runs and poll loops are generated, so both runs
 * and all three checks share one set of rules.
 */
export function buildDefinition(props: WorkflowProps): AslDefinition {
  const timeouts = checkProps(props);
  const states: Record<string, AslState> = {};
  const add = (name: string, state: AslState) => {
    if (name in states) throw new Error(`duplicate state ${name}`);
    states[name] = state;
  };

  const lambdaTask = (
    fn: FunctionName,
    payload: PayloadTemplate | string,
    rest: Omit<TaskState, "Type" | "Resource" | "Parameters" | "TimeoutSeconds">,
  ): TaskState => ({
    Type: "Task",
    Resource: LAMBDA_INVOKE,
    Parameters:
      typeof payload === "string"
        ? { FunctionName: props.functionArns[fn], "Payload.$": payload }
        : { FunctionName: props.functionArns[fn], Payload: payload },
    TimeoutSeconds: timeouts[fn],
    ...rest,
  });

  const lockTask = (
    parameters: PayloadTemplate,
    rest: Omit<TaskState, "Type" | "Resource" | "Parameters" | "TimeoutSeconds">,
  ): TaskState => ({
    Type: "Task",
    Resource: DYNAMODB_UPDATE,
    Parameters: { TableName: props.lockTableName, Key: LOCK_KEY, ...parameters },
    TimeoutSeconds: SDK_TASK_TIMEOUT_SECONDS,
    Retry: [DYNAMODB_RETRY],
    ...rest,
  });

  // --- 0. input -------------------------------------------------------------------------------
  const required = [
    "$.instance.instanceId",
    "$.instance.region",
    "$.instance.restart.method",
    "$.instance.restart.settleSeconds",
    "$.instance.restart.pollSeconds",
    "$.instance.restart.maxPolls",
    "$.instance.restart.cooldownMinutes",
    "$.instance.notifications",
    "$.alarm.name",
  ];
  const strings = ["$.instance.instanceId", "$.instance.region", "$.instance.restart.method", "$.alarm.name"];
  const numbers = [
    "$.instance.restart.settleSeconds",
    "$.instance.restart.pollSeconds",
    "$.instance.restart.maxPolls",
    "$.instance.restart.cooldownMinutes",
  ];
  // Rules run in order and the first match wins, so every type test only sees present fields
  // and every comparison only sees values of the right type.
  add(STATE.validate, {
    Type: "Choice",
    Comment: "A malformed input ends here, before any lock, restart or message.",
    Choices: [
      { Or: required.map(absent), Next: STATE.invalidInput },
      {
        Or: [
          ...strings.map((v) => not({ Variable: v, IsString: true })),
          ...numbers.map((v) => not({ Variable: v, IsNumeric: true })),
        ],
        Next: STATE.invalidInput,
      },
      {
        Or: [
          not({ Variable: "$.instance.instanceId", StringMatches: "i-*" }),
          { Variable: "$.instance.restart.settleSeconds", NumericLessThan: 0 },
          { Variable: "$.instance.restart.pollSeconds", NumericLessThan: 0 },
          { Variable: "$.instance.restart.maxPolls", NumericLessThan: 1 },
          { Variable: "$.instance.restart.cooldownMinutes", NumericLessThan: 0 },
        ],
        Next: STATE.invalidInput,
      },
      { And: CHECK_ORDER.map((c) => absent(`$.instance.${c}`)), Next: STATE.invalidInput },
    ],
    Default: STATE.prepare,
  });
  add(STATE.invalidInput, {
    Type: "Fail",
    Error: INVALID_INPUT_ERROR,
    Cause:
      "The input needs instance.instanceId (i-...), instance.region, instance.restart " +
      "(method, settleSeconds >= 0, pollSeconds >= 0, maxPolls >= 1, cooldownMinutes >= 0), " +
      "instance.notifications, alarm.name, and at least one of instance.url, instance.route53, instance.ssh.",
  });

  // --- 1-2. plan, lock --------------------------------------------------------------------------
  // The execution document from here on: instance (settings), report (what the execution
  // returns and the notifiers receive), context (the rest of a NotificationEvent), and
  // scratch slots (plan, lock, check, poll) each state overwrites whole.
  add(STATE.prepare, {
    Type: "Pass",
    Parameters: {
      "instance.$": "$.instance",
      report: { "instanceId.$": "$.instance.instanceId", "region.$": "$.instance.region", runs: {} },
      context: {
        "alarmName.$": "$.alarm.name",
        "executionArn.$": "$$.Execution.Id",
        "notifications.$": "$.instance.notifications",
      },
    },
    Next: STATE.plan,
  });
  add(
    STATE.plan,
    lambdaTask(
      "restart-instance",
      {
        action: "plan",
        "now.$": "$$.State.EnteredTime",
        lockSeconds: props.timeoutSeconds,
        "cooldownMinutes.$": "$.instance.restart.cooldownMinutes",
      },
      {
        Comment:
          "JSONPath has no time arithmetic: lock expiry = now + machine timeout, cooldown start = now - cooldown.",
        ResultSelector: {
          "lockExpiresAt.$": "$.Payload.lockExpiresAt",
          "cooldownSince.$": "$.Payload.cooldownSince",
        },
        ResultPath: "$.plan",
        Retry: [LAMBDA_TRANSIENT_RETRY],
        Next: STATE.acquire,
      },
    ),
  );
  add(
    STATE.acquire,
    lockTask(
      {
        UpdateExpression: "SET lockedBy = :me, lockExpiresAt = :expiresAt, lockedAt = :now",
        // ISO-8601 UTC strings compare in time order, so an expired lock (left by an aborted or
        // timed-out execution) is free; `lockedBy = :me` makes a retried write idempotent.
        ConditionExpression: "attribute_not_exists(lockExpiresAt) OR lockExpiresAt < :now OR lockedBy = :me",
        ExpressionAttributeValues: {
          ...ME,
          ":expiresAt": { "S.$": "$.plan.lockExpiresAt" },
          ":now": { "S.$": "$$.State.EnteredTime" },
        },
        ReturnValues: "ALL_NEW",
      },
      {
        Comment: "Conditional write; the item keeps lastRestartAt across executions.",
        ResultSelector: { "item.$": "$.Attributes" },
        ResultPath: "$.lock",
        Catch: [{ ErrorEquals: [CONDITIONAL_CHECK_FAILED], ResultPath: null, Next: STATE.alreadyRunning }],
        Next: runStart(1),
      },
    ),
  );
  add(STATE.alreadyRunning, {
    Type: "Pass",
    Comment: "Another execution holds the lock: no restart, no message, and its lock is left alone.",
    Parameters: {
      outcome: "already-running",
      "instanceId.$": "$.instance.instanceId",
      "region.$": "$.instance.region",
    },
    End: true,
  });

  // --- 3, 6. check runs -------------------------------------------------------------------------
  const addRun = (run: 1 | 2, onPassed: string, onFailed: string) => {
    const key = runKey(run);
    add(runStart(run), {
      Type: "Pass",
      Comment: "Every check starts as not-run; each one reached overwrites its entry.",
      Result: Object.fromEntries(
        CHECK_ORDER.map((c) => [c, { status: "not-run", reason: "an earlier check failed" }]),
      ),
      ResultPath: `$.report.runs.${key}`,
      Next: checkStates(run, CHECK_ORDER[0]).configured,
    });
    CHECK_ORDER.forEach((check, index) => {
      const next = CHECK_ORDER[index + 1];
      addCheck(run, check, next ? checkStates(run, next).configured : onPassed, onFailed);
    });
  };

  const addCheck = (run: 1 | 2, check: CheckName, onPassed: string, onFailed: string) => {
    const s = checkStates(run, check);
    const slot = `$.report.runs.${runKey(run)}.${check}`;
    const out = "$.check.output";
    add(s.configured, {
      Type: "Choice",
      Choices: [{ ...isPresent(`$.instance.${check}`), Next: s.task }],
      Default: s.skipped,
    });
    add(s.skipped, {
      Type: "Pass",
      Result: { status: "skipped", reason: "not configured" },
      ResultPath: slot,
      Next: onPassed,
    });
    add(
      s.task,
      lambdaTask(
        CHECK_FUNCTIONS[check],
        {
          "instanceId.$": "$.instance.instanceId",
          "region.$": "$.instance.region",
          "settings.$": `$.instance.${check}`,
        },
        {
          ResultSelector: { "output.$": "$.Payload" },
          ResultPath: "$.check",
          Retry: [LAMBDA_TRANSIENT_RETRY],
          Catch: [
            { ErrorEquals: TRANSIENT_LAMBDA_ERRORS, ResultPath: "$.check", Next: s.unavailable },
            { ErrorEquals: ["States.ALL"], ResultPath: "$.check", Next: s.errored },
          ],
          Next: s.result,
        },
      ),
    );
    // Passed only on a well-formed result with passed === true; anything else is a failure.
    add(s.result, {
      Type: "Choice",
      Choices: [
        {
          Or: [absent(`${out}.passed`), absent(`${out}.reason`), absent(`${out}.durationMs`)],
          Next: s.unusable,
        },
        {
          Or: [
            not({ Variable: `${out}.passed`, IsBoolean: true }),
            not({ Variable: `${out}.reason`, IsString: true }),
            not({ Variable: `${out}.durationMs`, IsNumeric: true }),
          ],
          Next: s.unusable,
        },
        { Variable: `${out}.passed`, BooleanEquals: true, Next: s.passed },
      ],
      Default: s.failed,
    });
    const recorded = (status: "passed" | "failed") => ({
      status,
      "reason.$": `${out}.reason`,
      "durationMs.$": `${out}.durationMs`,
    });
    add(s.passed, { Type: "Pass", Parameters: recorded("passed"), ResultPath: slot, Next: onPassed });
    add(s.failed, { Type: "Pass", Parameters: recorded("failed"), ResultPath: slot, Next: onFailed });
    add(s.unusable, {
      Type: "Pass",
      Result: { status: "failed", reason: "check returned unusable output" },
      ResultPath: slot,
      Next: onFailed,
    });
    add(s.errored, {
      Type: "Pass",
      Comment: "The function threw or timed out: a failed check, never a passed one.",
      Parameters: {
        status: "failed",
        "reason.$": "States.Format('check did not complete: {}', $.check.Error)",
      },
      ResultPath: slot,
      Next: onFailed,
    });
    add(s.unavailable, {
      Type: "Pass",
      Comment: "Lambda itself kept failing: not the instance's fault, so no restart.",
      Parameters: { status: "failed", "reason.$": "States.Format('check could not run: {}', $.check.Error)" },
      ResultPath: slot,
      Next: escalationState("check-unavailable"),
    });
  };

  addRun(1, STATE.healthy, STATE.cooldown);
  add(STATE.healthy, {
    Type: "Pass",
    Comment: "Every configured check passed: nobody is told.",
    Result: "healthy",
    ResultPath: "$.report.outcome",
    Next: STATE.release,
  });

  // --- 5. cooldown, restart ---------------------------------------------------------------------
  const lastRestart = "$.lock.item.lastRestartAt.S";
  add(STATE.cooldown, {
    Type: "Choice",
    Choices: [
      { ...absent(lastRestart), Next: STATE.recordRestart },
      { ...not({ Variable: lastRestart, IsTimestamp: true }), Next: STATE.recordRestart },
      {
        Variable: lastRestart,
        TimestampGreaterThanPath: "$.plan.cooldownSince",
        Next: escalationState("cooldown"),
      },
    ],
    Default: STATE.recordRestart,
  });
  add(
    STATE.recordRestart,
    lockTask(
      {
        UpdateExpression: "SET lastRestartAt = :now",
        ConditionExpression: "lockedBy = :me",
        ExpressionAttributeValues: { ...ME, ":now": { "S.$": "$$.State.EnteredTime" } },
      },
      {
        Comment:
          "Written before the restart call, so even a restart whose answer got lost counts for the cooldown.",
        ResultPath: null,
        Catch: [
          {
            ErrorEquals: ["States.ALL"],
            ResultPath: "$.restartError",
            Next: escalationState("restart-failed"),
          },
        ],
        Next: STATE.method,
      },
    ),
  );
  add(STATE.method, {
    Type: "Choice",
    Choices: [{ Variable: "$.instance.restart.method", StringEquals: "stop-start", Next: STATE.stop }],
    Default: STATE.reboot,
  });
  const restartTask = (action: "reboot" | "stop" | "start", next: string): TaskState =>
    lambdaTask(
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
        Catch: [
          {
            ErrorEquals: ["States.ALL"],
            ResultPath: "$.restartError",
            Next: escalationState("restart-failed"),
          },
        ],
        Next: next,
      },
    );
  const stopLoop = pollStates("stop");
  const statusLoop = pollStates("status");
  add(STATE.reboot, restartTask("reboot", STATE.settle));
  add(STATE.stop, restartTask("stop", stopLoop.count));
  add(STATE.start, restartTask("start", STATE.settle));
  add(STATE.settle, {
    Type: "Wait",
    Comment:
      "A reboot never leaves running and status checks can stay ok: polling at once would see a stale ok.",
    SecondsPath: "$.instance.restart.settleSeconds",
    Next: statusLoop.count,
  });

  const instance = "$.poll.result.statuses[0]";
  const addPollLoop = (
    loop: "stop" | "status",
    reached: ChoiceCondition,
    needed: readonly string[],
    onReached: string,
  ) => {
    const s = pollStates(loop);
    add(s.count, {
      Type: "Pass",
      Parameters: { "remaining.$": "$.instance.restart.maxPolls" },
      ResultPath: "$.poll",
      Next: s.poll,
    });
    add(s.poll, {
      Type: "Task",
      Resource: DESCRIBE_INSTANCE_STATUS,
      Parameters: { "InstanceIds.$": "States.Array($.instance.instanceId)", IncludeAllInstances: true },
      ResultSelector: { "statuses.$": "$.InstanceStatuses", "polledAt.$": "$$.State.EnteredTime" },
      ResultPath: "$.poll.result",
      TimeoutSeconds: SDK_TASK_TIMEOUT_SECONDS,
      // A failed poll is one more poll that did not see the state; the next poll is the retry.
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.poll.result", Next: s.spend }],
      Next: s.test,
    });
    add(s.test, {
      Type: "Choice",
      Choices: [
        { Or: needed.map((p) => absent(`${instance}.${p}`)), Next: s.spend },
        { ...reached, Next: onReached },
      ],
      Default: s.spend,
    });
    add(s.spend, {
      Type: "Pass",
      Parameters: { "remaining.$": "States.MathAdd($.poll.remaining, -1)" },
      ResultPath: "$.poll",
      Next: s.left,
    });
    add(s.left, {
      Type: "Choice",
      Choices: [{ Variable: "$.poll.remaining", NumericGreaterThan: 0, Next: s.wait }],
      Default: escalationState("not-back-in-time"),
    });
    add(s.wait, { Type: "Wait", SecondsPath: "$.instance.restart.pollSeconds", Next: s.poll });
  };
  addPollLoop(
    "stop",
    { Variable: `${instance}.InstanceState.Name`, StringEquals: "stopped" },
    ["InstanceState.Name"],
    STATE.start,
  );
  addPollLoop(
    "status",
    {
      And: [
        { Variable: `${instance}.InstanceState.Name`, StringEquals: "running" },
        { Variable: `${instance}.InstanceStatus.Status`, StringEquals: "ok" },
        { Variable: `${instance}.SystemStatus.Status`, StringEquals: "ok" },
      ],
    },
    ["InstanceState.Name", "InstanceStatus.Status", "SystemStatus.Status"],
    STATE.backOnline,
  );
  add(STATE.backOnline, {
    Type: "Pass",
    Comment: "The restart took from the restart request to this poll.",
    InputPath: "$.poll.result.polledAt",
    ResultPath: "$.report.restart.backOnlineAt",
    Next: runStart(2),
  });

  // --- 6. run 2, verdicts, notifications ----------------------------------------------------------
  addRun(2, STATE.recovered, escalationState("checks-failed-after-restart"));
  add(STATE.recovered, {
    Type: "Pass",
    Result: "recovered",
    ResultPath: "$.report.outcome",
    Next: STATE.slack,
  });
  const reasons: readonly EscalationReason[] = [
    "check-unavailable",
    "cooldown",
    "restart-failed",
    "not-back-in-time",
    "checks-failed-after-restart",
  ];
  for (const reason of reasons) {
    add(escalationState(reason), {
      Type: "Pass",
      Result: reason,
      ResultPath: "$.report.reason",
      Next: STATE.escalated,
    });
  }
  add(STATE.escalated, {
    Type: "Pass",
    Result: "escalated",
    ResultPath: "$.report.outcome",
    Next: STATE.opsgenie,
  });
  const notifyTask = (fn: "notify-slack" | "alert-opsgenie"): TaskState =>
    lambdaTask(
      fn,
      // The NotificationEvent: the report (outcome, reason, runs, restart, instance) plus the
      // context (alarm, execution, notification settings).
      "States.JsonMerge($.context, $.report, false)",
      {
        ResultPath: null,
        Retry: NOTIFY_RETRY,
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.deliveryError", Next: STATE.release }],
        Next: STATE.release,
      },
    );
  add(STATE.slack, notifyTask("notify-slack"));
  add(STATE.opsgenie, notifyTask("alert-opsgenie"));

  // --- release on every path after acquisition ----------------------------------------------------
  add(
    STATE.release,
    lockTask(
      {
        UpdateExpression: "REMOVE lockedBy, lockExpiresAt, lockedAt",
        ConditionExpression: "lockedBy = :me",
        ExpressionAttributeValues: ME,
      },
      {
        Comment: "Only our own lock: if it expired and another execution took it, theirs stays.",
        ResultPath: null,
        Catch: [{ ErrorEquals: [CONDITIONAL_CHECK_FAILED], ResultPath: null, Next: STATE.delivered }],
        Next: STATE.delivered,
      },
    ),
  );
  add(STATE.delivered, {
    Type: "Choice",
    Choices: [{ ...isPresent("$.deliveryError"), Next: STATE.notificationFailed }],
    Default: STATE.done,
  });
  add(STATE.notificationFailed, {
    Type: "Fail",
    Comment: "Fail loudly so it shows in ExecutionsFailed: the people who needed to know were not told.",
    Error: NOTIFICATION_FAILED_ERROR,
    Cause: "Slack or OpsGenie did not accept the message after retries; the lock was released.",
  });
  add(STATE.done, { Type: "Succeed", OutputPath: "$.report" });

  return {
    Comment:
      "first-line remediation: check URL, Route 53, SSH; restart on failure; check again; " +
      "tell Slack (recovered) or OpsGenie (escalated).",
    QueryLanguage: "JSONPath",
    StartAt: STATE.validate,
    TimeoutSeconds: props.timeoutSeconds,
    States: states,
  };
}
