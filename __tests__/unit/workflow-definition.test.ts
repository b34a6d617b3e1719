import { StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import { CHECK_ORDER } from "../../functions/shared/contracts";
import { FUNCTION_NAMES, type FunctionName } from "../../stacks/function-catalog";
import type { AslDefinition, AslState } from "../../stacks/workflow";
import {
  buildDefinition,
  checkStates,
  escalationState,
  INVALID_INPUT_ERROR,
  NOTIFICATION_FAILED_ERROR,
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

const ARNS = Object.fromEntries(
  FUNCTION_NAMES.map((n) => [n, `arn:aws:lambda:eu-west-1:123456789012:function:first-line-eu-west-1-${n}`]),
) as Record<FunctionName, string>;
const PROPS = { functionArns: ARNS, lockTableName: "first-line-eu-west-1-locks", timeoutSeconds: 2504 };
const definition = buildDefinition(PROPS);

const entries = Object.entries(definition.States);
const tasks = entries.filter((e): e is [string, TaskState] => e[1].Type === "Task");
const lambdaTasks = tasks.filter(([, s]) => s.Resource === "arn:aws:states:::lambda:invoke");
const functionOf = (s: TaskState) => FUNCTION_NAMES.find((n) => ARNS[n] === s.Parameters.FunctionName);
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

  it("embeds function ARNs and the table name verbatim, so cdktf tokens resolve at synth", () => {
    const tokens = Object.fromEntries(FUNCTION_NAMES.map((n, i) => [n, `$\{TfToken[TOKEN.${i}]}`])) as Record<
      FunctionName,
      string
    >;
    const tableToken = ["$", "{TfToken[TOKEN.9]}"].join("");
    const built = buildDefinition({ ...PROPS, functionArns: tokens, lockTableName: tableToken });
    const json = JSON.stringify(built);

    for (const token of Object.values(tokens)) expect(json).toContain(JSON.stringify(token));
    expect(json).toContain(`"TableName":"${tableToken}"`);
  });

  it("rejects props it cannot build a valid machine from, naming each problem", () => {
    const { "ssh-check": _, ...missingSsh } = ARNS;

    expect(() =>
      buildDefinition({
        functionArns: missingSsh as Record<FunctionName, string>,
        lockTableName: "t",
        timeoutSeconds: 0,
      }),
    ).toThrow(/timeoutSeconds must be a whole number >= 1, got 0.*functionArns\["ssh-check"\] is missing/);
    expect(() =>
      buildDefinition({ ...PROPS, taskTimeoutSeconds: { ...taskTimeoutSeconds([]), "notify-slack": 2.5 } }),
    ).toThrow('taskTimeoutSeconds["notify-slack"] must be a whole number >= 1, got 2.5');
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
    const timeouts = { ...taskTimeoutSeconds([]), "url-check": 41, "alert-opsgenie": 7 };
    const built = buildDefinition({ ...PROPS, taskTimeoutSeconds: timeouts });

    for (const [name, state] of Object.entries(built.States)) {
      if (state.Type !== "Task" || state.Resource !== "arn:aws:states:::lambda:invoke") continue;
      const fn = FUNCTION_NAMES.find((n) => ARNS[n] === state.Parameters.FunctionName) as FunctionName;
      expect({ name, timeout: state.TimeoutSeconds }).toEqual({ name, timeout: timeouts[fn] });
    }
  });

  it("invokes each function through lambda:invoke with its ARN and a Payload", () => {
    expect(lambdaTasks.length).toBeGreaterThan(0);
    for (const [name, state] of lambdaTasks) {
      expect({ name, fn: functionOf(state) !== undefined }).toEqual({ name, fn: true });
      const hasPayload = "Payload" in state.Parameters || "Payload.$" in state.Parameters;
      expect({ name, hasPayload }).toEqual({ name, hasPayload: true });
    }
  });

  it("retries all four transient Lambda errors with backoff on every Lambda task but the restart calls", () => {
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

  it("never retries a notifier on InvalidInput but retries everything else", () => {
    for (const name of [STATE.slack, STATE.opsgenie]) {
      const retry = (definition.States[name] as TaskState).Retry ?? [];

      expect(retry[0]).toEqual({ ErrorEquals: ["InvalidInput"], MaxAttempts: 0 });
      expect(retry[1]?.ErrorEquals).toEqual(["States.ALL"]);
      expect(retry[1]?.MaxAttempts).toBe(3);
    }
  });

  it("counts a check that throws or times out as errored and one Lambda could not run as unavailable", () => {
    for (const run of [1, 2] as const) {
      for (const check of CHECK_ORDER) {
        const s = checkStates(run, check);
        const task = definition.States[s.task] as TaskState;

        expect(task.Catch).toEqual([
          { ErrorEquals: [...TRANSIENT_LAMBDA_ERRORS], ResultPath: "$.check", Next: s.unavailable },
          { ErrorEquals: ["States.ALL"], ResultPath: "$.check", Next: s.errored },
        ]);
        expect(task.Parameters.Payload).toEqual({
          "instanceId.$": "$.instance.instanceId",
          "region.$": "$.instance.region",
          "settings.$": `$.instance.${check}`,
        });
        expect(task.ResultSelector).toEqual({ "output.$": "$.Payload" });
      }
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
    const endsWithoutRelease = [...reachable(definition, "Run 1: start", [STATE.release])].filter((n) =>
      isTerminal(definition.States[n] as AslState),
    );

    expect(endsWithoutRelease).toEqual([]);
  });

  it("ends a lost lock race without releasing, and bad input before any Task", () => {
    expect(definition.States[STATE.alreadyRunning]).toMatchObject({ Type: "Pass", End: true });
    const beforeCheckingInput = [...reachable(definition, STATE.validate, [STATE.prepare])];

    expect(beforeCheckingInput.sort()).toEqual([STATE.invalidInput, STATE.validate]);
    expect(definition.States[STATE.invalidInput]).toMatchObject({ Type: "Fail", Error: INVALID_INPUT_ERROR });
    expect(definition.States[STATE.notificationFailed]).toMatchObject({
      Type: "Fail",
      Error: NOTIFICATION_FAILED_ERROR,
    });
  });

  it("generates the same states for every check in both runs", () => {
    for (const run of [1, 2] as const) {
      for (const check of CHECK_ORDER) {
        for (const name of Object.values(checkStates(run, check))) {
          expect({ name, defined: name in definition.States }).toEqual({ name, defined: true });
        }
      }
    }
  });
});
