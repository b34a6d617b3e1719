import { StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import { CHECKS } from "../../contract/checks";
import { ERROR_NAMES } from "../../contract/errors";
import { FUNCTION_NAMES, type FunctionName } from "../../stacks/function-catalog";
import type { AslDefinition, AslState } from "../../stacks/workflow";
import {
  buildDefinition,
  chatStates,
  checkStates,
  escalationState,
  INVALID_INPUT_ERROR,
  METRICS,
  NOTIFICATION_FAILED_ERROR,
  RECORD_STATES,
  runStates,
  STATE,
  taskTimeoutSeconds,
} from "../../stacks/workflow";
import type { TaskState, WaitState } from "../../stacks/workflow/asl";
import { TRANSIENT_LAMBDA_ERRORS } from "../../stacks/workflow/timeouts";

// asl-validator ships no type declarations; this is the part of its API the tests use.
type AslValidator = (
  definition: unknown,
  options?: { checkPaths: boolean; checkArn: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string };
const aslValidator = require("asl-validator") as AslValidator;

const NAMES = Object.fromEntries(FUNCTION_NAMES.map((n) => [n, `first-line-eu-west-1-${n}`])) as Record<
  FunctionName,
  string
>;
const PROPS = { functionNames: NAMES, lockTableName: "first-line-eu-west-1-locks", timeoutSeconds: 2504 };
const definition = buildDefinition(PROPS);

const entries = Object.entries(definition.States);
const tasks = entries.filter((e): e is [string, TaskState] => e[1].Type === "Task");
const lambdaTasks = tasks.filter(([, s]) => s.Resource === "arn:aws:states:::lambda:invoke");
const functionOf = (s: TaskState) => FUNCTION_NAMES.find((n) => NAMES[n] === s.Parameters.FunctionName);
const RESTART_CALLS = [STATE.reboot, STATE.stop, STATE.start];

function successors(state: AslState): string[] {
  const next: string[] = [];
  if ("Next" in state && state.Next) next.push(state.Next);
  if (state.Type === "Choice") next.push(...state.Choices.map((c) => c.Next), state.Default);
  if (state.Type === "Task") next.push(...(state.Catch ?? []).map((c) => c.Next));
  return next;
}

/** States reachable from `from` without entering any state in `avoid`. */
function reachable(def: AslDefinition, from: string, avoid: readonly string[] = []): Set<string> {
  const seen = new Set<string>();
  const queue = [from];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (seen.has(name) || avoid.includes(name)) continue;
    seen.add(name);
    queue.push(...successors(def.States[name] as AslState));
  }
  return seen;
}

function isTerminal(state: AslState): boolean {
  return state.Type === "Succeed" || state.Type === "Fail" || ("End" in state && state.End === true);
}

describe("workflow definition: validity", () => {
  it("passes asl-validator with path and ARN checks on", () => {
    // The validator writes QueryLanguage into the object it checks, so it gets a copy.
    const result = aslValidator(JSON.parse(JSON.stringify(definition)), { checkPaths: true, checkArn: true });

    expect(result.errorsText("\n")).toBe("");
    expect(result.isValid).toBe(true);
  });

  it("passes the local interpreter's own validation", () => {
    const copy = JSON.parse(JSON.stringify(definition)) as StateMachineDefinition;

    expect(() => new StateMachine(copy)).not.toThrow();
  });

  it("declares the JSONPath query language and the machine timeout it was given", () => {
    expect(definition.QueryLanguage).toBe("JSONPath");
    expect(definition.TimeoutSeconds).toBe(2504);
    expect(definition.StartAt).toBe(STATE.validate);
  });

  it("reaches every state it defines from StartAt", () => {
    const seen = reachable(definition, definition.StartAt);

    expect(Object.keys(definition.States).filter((n) => !seen.has(n))).toEqual([]);
  });

  it("is deterministic: building twice gives byte-identical JSON", () => {
    expect(JSON.stringify(buildDefinition(PROPS))).toBe(JSON.stringify(buildDefinition(PROPS)));
  });

  it("embeds function names and the table name verbatim, so anything the stack passes is used as given", () => {
    const tokens = Object.fromEntries(FUNCTION_NAMES.map((n, i) => [n, `$\{TfToken[TOKEN.${i}]}`])) as Record<
      FunctionName,
      string
    >;
    const tableToken = ["$", "{TfToken[TOKEN.9]}"].join("");
    const built = buildDefinition({ ...PROPS, functionNames: tokens, lockTableName: tableToken });
    const json = JSON.stringify(built);

    for (const token of Object.values(tokens)) expect(json).toContain(JSON.stringify(token));
    expect(json).toContain(`"TableName":"${tableToken}"`);
  });

  it("rejects props it cannot build a valid machine from, naming each problem", () => {
    const { "ssh-check": _, ...missingSsh } = NAMES;

    expect(() =>
      buildDefinition({
        functionNames: missingSsh as Record<FunctionName, string>,
        lockTableName: "t",
        timeoutSeconds: 0,
      }),
    ).toThrow(/timeoutSeconds must be a whole number >= 1, got 0.*functionNames\["ssh-check"\] is missing/);
    expect(() =>
      buildDefinition({ ...PROPS, taskTimeoutSeconds: { ...taskTimeoutSeconds([]), "notify-chat": 2.5 } }),
    ).toThrow('taskTimeoutSeconds["notify-chat"] must be a whole number >= 1, got 2.5');
  });
});

describe("workflow definition: tasks", () => {
  it("gives every Task state a whole TimeoutSeconds >= 1", () => {
    for (const [name, state] of tasks) {
      expect({ name, ok: Number.isInteger(state.TimeoutSeconds) && state.TimeoutSeconds >= 1 }).toEqual({
        name,
        ok: true,
      });
    }
  });

  it("times each Lambda task out after its function's task timeout", () => {
    const timeouts = { ...taskTimeoutSeconds([]), "url-check": 41, escalate: 7 };
    const built = buildDefinition({ ...PROPS, taskTimeoutSeconds: timeouts });

    for (const [name, state] of Object.entries(built.States)) {
      if (state.Type !== "Task" || state.Resource !== "arn:aws:states:::lambda:invoke") continue;
      const fn = FUNCTION_NAMES.find((n) => NAMES[n] === state.Parameters.FunctionName) as FunctionName;
      expect({ name, timeout: state.TimeoutSeconds }).toEqual({ name, timeout: timeouts[fn] });
    }
  });

  it("invokes each function through lambda:invoke with its name and a Payload", () => {
    expect(lambdaTasks.length).toBeGreaterThan(0);
    for (const [name, state] of lambdaTasks) {
      expect({ name, fn: functionOf(state) !== undefined }).toEqual({ name, fn: true });
      const hasPayload = "Payload" in state.Parameters || "Payload.$" in state.Parameters;
      expect({ name, hasPayload }).toEqual({ name, hasPayload: true });
    }
  });

  it("retries every transient Lambda error (including a VPC function not ready) with backoff on every Lambda task but the restart calls", () => {
    for (const [name, state] of lambdaTasks.filter(([n]) => !RESTART_CALLS.includes(n as never))) {
      const retriers = state.Retry ?? [];
      for (const error of TRANSIENT_LAMBDA_ERRORS) {
        // The first retrier matching the error decides, as in Step Functions.
        const retrier = retriers.find(
          (r) => r.ErrorEquals.includes(error) || r.ErrorEquals.includes("States.ALL"),
        );
        expect({ name, error, retried: (retrier?.MaxAttempts ?? 0) >= 2 }).toEqual({
          name,
          error,
          retried: true,
        });
        expect({ name, backoff: (retrier?.BackoffRate ?? 0) > 1 }).toEqual({ name, backoff: true });
      }
    }
  });

  it("retries the restart calls only on throttling, and escalates restart-failed on anything else", () => {
    for (const name of RESTART_CALLS) {
      const state = definition.States[name] as TaskState;

      expect(functionOf(state)).toBe("restart-instance");
      expect(state.Retry?.map((r) => [...r.ErrorEquals].sort())).toEqual([
        ["Lambda.TooManyRequestsException", "RestartThrottled"],
      ]);
      expect(state.Catch).toEqual([
        {
          ErrorEquals: ["States.ALL"],
          ResultPath: "$.restartError",
          Next: escalationState("restart-failed"),
        },
      ]);
    }
  });

  it("never retries a required notice on InvalidInput or a refusal, but retries everything else", () => {
    for (const name of [STATE.page, chatStates("recovered").task, chatStates("escalated").task]) {
      const retry = (definition.States[name] as TaskState).Retry ?? [];

      expect(retry[0]).toEqual({
        ErrorEquals: [ERROR_NAMES.invalidInput, ERROR_NAMES.deliveryRejected],
        MaxAttempts: 0,
      });
      expect(retry[1]?.ErrorEquals).toEqual(["States.ALL"]);
      expect(retry[1]?.MaxAttempts).toBe(3);
    }
  });

  it("keeps a failed page and a failed chat message for the end, and tries chat after the pager whatever it did", () => {
    const page = definition.States[STATE.page] as TaskState;
    const chat = chatStates("escalated");

    expect(page.Catch).toEqual([
      { ErrorEquals: ["States.ALL"], ResultPath: "$.delivery.pager", Next: chat.ask },
    ]);
    expect(page.Next).toBe(chat.ask);
    expect((definition.States[chat.task] as TaskState).Catch).toEqual([
      { ErrorEquals: ["States.ALL"], ResultPath: "$.delivery.chat", Next: STATE.release },
    ]);
  });

  it("sends the restarting and paused notices best effort: retried only on Lambda's own errors, never failing the run", () => {
    for (const event of ["restarting", "paused"] as const) {
      const task = definition.States[chatStates(event).task] as TaskState;

      expect(task.Retry?.map((r) => r.ErrorEquals)).toEqual([TRANSIENT_LAMBDA_ERRORS]);
      expect(task.Catch?.[0]?.ResultPath).toBe("$.notice");
    }
    expect((definition.States[chatStates("restarting").task] as TaskState).Next).toBe(STATE.method);
  });

  it("counts a check that throws or times out as failed, and one Lambda could not run as unavailable, by registry", () => {
    for (const check of CHECKS) {
      const s = checkStates(check);
      const task = definition.States[s.task] as TaskState;

      expect(task.Catch).toEqual([
        { ErrorEquals: [...TRANSIENT_LAMBDA_ERRORS], ResultPath: "$.check", Next: s.couldNotRun },
        { ErrorEquals: ["States.ALL"], ResultPath: "$.check", Next: s.errored },
      ]);
      expect(definition.States[s.couldNotRun]).toMatchObject({
        Parameters: { status: "unavailable", "reason.$": "States.Format('Lambda: {}', $.check.Error)" },
      });
      expect(task.Parameters.FunctionName).toBe(NAMES[check.functionName]);
      expect(task.Parameters.Payload).toEqual({
        "instanceId.$": "$.instance.instanceId",
        "region.$": "$.instance.region",
        "settings.$": `$.instance.${check.name}`,
      });
      expect(task.ResultSelector).toEqual({ "output.$": "$.Payload" });
    }
  });

  it("reads the pause consistently before taking any lock, and writes outcome metrics in the FirstLine namespace", () => {
    const pause = definition.States[STATE.readPause] as TaskState;

    expect(pause.Resource).toBe("arn:aws:states:::dynamodb:getItem");
    expect(pause.Parameters).toMatchObject({
      Key: { instanceId: { "S.$": "States.Format('pause#{}', $.instance.instanceId)" } },
      ConsistentRead: true,
    });
    expect(reachable(definition, STATE.validate, [STATE.readPause]).has(STATE.acquire)).toBe(false);
    for (const name of Object.values(RECORD_STATES)) {
      const put = definition.States[name] as TaskState;
      expect(put.Resource).toBe("arn:aws:states:::aws-sdk:cloudwatch:putMetricData");
      expect(put.Parameters.Namespace).toBe(METRICS.namespace);
      expect(put.Catch?.[0]).toMatchObject({ ErrorEquals: ["States.ALL"], Next: STATE.delivered });
    }
  });

  it("passes the machine's own TimeoutSeconds as the lock lifetime and EnteredTime as now", () => {
    const plan = definition.States[STATE.plan] as TaskState;

    expect(plan.Parameters.Payload).toEqual({
      action: "plan",
      "now.$": "$$.State.EnteredTime",
      lockSeconds: 2504,
      "cooldownMinutes.$": "$.instance.restart.cooldownMinutes",
    });
  });

  it("polls DescribeInstanceStatus through the AWS SDK integration, including stopped instances", () => {
    const polls = tasks.filter(
      ([, s]) => s.Resource === "arn:aws:states:::aws-sdk:ec2:describeInstanceStatus",
    );

    expect(polls.map(([n]) => n).sort()).toEqual(["Poll instance status", "Poll until stopped"]);
    for (const [, state] of polls) {
      expect(state.Parameters).toEqual({
        "InstanceIds.$": "States.Array($.instance.instanceId)",
        IncludeAllInstances: true,
      });
    }
  });
});

describe("workflow definition: waits and lock", () => {
  it("takes every Wait duration from the instance's settings via SecondsPath", () => {
    const waits = entries.filter((e): e is [string, WaitState] => e[1].Type === "Wait");

    expect(Object.fromEntries(waits.map(([n, s]) => [n, s]))).toEqual({
      "Wait for settle": expect.objectContaining({ SecondsPath: "$.instance.restart.settleSeconds" }),
      "Wait before stop poll": expect.objectContaining({ SecondsPath: "$.instance.restart.pollSeconds" }),
      "Wait before status poll": expect.objectContaining({ SecondsPath: "$.instance.restart.pollSeconds" }),
    });
    for (const [, state] of waits) expect(Object.keys(state)).not.toContain("Seconds");
  });

  it("waits the settle time after a restart before the first status poll", () => {
    expect((definition.States[STATE.reboot] as TaskState).Next).toBe(STATE.settle);
    expect((definition.States[STATE.start] as TaskState).Next).toBe(STATE.settle);
    expect(reachable(definition, STATE.reboot, [STATE.settle]).has("Poll instance status")).toBe(false);
  });

  it("takes the lock only when it is free, expired, or already ours", () => {
    const acquire = definition.States[STATE.acquire] as TaskState;

    expect(acquire.Resource).toBe("arn:aws:states:::dynamodb:updateItem");
    expect(acquire.Parameters.ConditionExpression).toBe(
      "attribute_not_exists(lockExpiresAt) OR lockExpiresAt < :now OR lockedBy = :me",
    );
    expect(acquire.Parameters.ReturnValues).toBe("ALL_NEW");
    expect(acquire.Catch).toEqual([
      {
        ErrorEquals: ["DynamoDB.ConditionalCheckFailedException"],
        ResultPath: null,
        Next: STATE.alreadyRunning,
      },
    ]);
  });

  it("releases only its own lock", () => {
    const release = definition.States[STATE.release] as TaskState;

    expect(release.Parameters.UpdateExpression).toBe("REMOVE lockedBy, lockExpiresAt, lockedAt");
    expect(release.Parameters.ConditionExpression).toBe("lockedBy = :me");
    expect(release.Parameters.ExpressionAttributeValues).toEqual({ ":me": { "S.$": "$$.Execution.Id" } });
  });

  it("passes the release on every path from the first check to an end", () => {
    const endsWithoutRelease = [...reachable(definition, runStates(1).start, [STATE.release])].filter((n) =>
      isTerminal(definition.States[n] as AslState),
    );

    expect(endsWithoutRelease).toEqual([]);
  });

  it("records metrics on every path to an end that has an outcome", () => {
    const avoid = Object.values(RECORD_STATES);
    const endsWithoutMetrics = [...reachable(definition, STATE.readPause, avoid)].filter(
      (n) => isTerminal(definition.States[n] as AslState) && n !== STATE.invalidInput,
    );

    expect(endsWithoutMetrics).toEqual([]);
  });

  it("ends a lost lock race and a pause without releasing, and bad input before any Task", () => {
    for (const from of [STATE.alreadyRunning, STATE.pausedOutcome]) {
      expect(reachable(definition, from).has(STATE.release)).toBe(false);
      expect(reachable(definition, from).has(STATE.plan)).toBe(false);
    }
    const beforeCheckingInput = [...reachable(definition, STATE.validate, [STATE.readPause])];

    expect(beforeCheckingInput.sort()).toEqual(
      [STATE.invalidInput, STATE.prepare, STATE.validate, STATE.wholeNumbers].sort(),
    );
    expect(definition.States[STATE.invalidInput]).toMatchObject({ Type: "Fail", Error: INVALID_INPUT_ERROR });
    expect(definition.States[STATE.notificationFailed]).toMatchObject({
      Type: "Fail",
      Error: NOTIFICATION_FAILED_ERROR,
    });
  });

  it("generates the same states for every check of the registry, shared by both runs", () => {
    for (const check of CHECKS) {
      for (const name of Object.values(checkStates(check))) {
        expect({ name, defined: name in definition.States }).toEqual({ name, defined: true });
      }
    }
    for (const run of [1, 2] as const) {
      for (const name of Object.values(runStates(run))) {
        expect({ name, defined: name in definition.States }).toEqual({ name, defined: true });
      }
    }
  });
});
