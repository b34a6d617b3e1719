/**
 * Runs the remediation workflow in aws-local-stepfunctions with every Task state replaced by a
 * local handler: Lambda tasks by the handler of the function named in `FunctionName` (stubs,
 * or real handlers such as the bundled zips), the lock and pause items by an in-memory table with
 * DynamoDB's conditional-update semantics, the instance-status poll by a scripted sequence, the
 * outcome metrics by a recorder. Wait states and retry pauses are shortened; Task timeouts stay
 * real. Tests and `npm run simulate` run the same executions through it.
 */
import { ExecutionError, StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import { CHECKS, type CheckName } from "../contract/checks";
import type {
  ElapsedEvent,
  InstanceSettings,
  PlanEvent,
  RestartEvent,
  WorkflowInput,
} from "../contract/workflow";
import { elapsedSeconds, planWindows } from "../functions/restart-instance/restart";
import { FUNCTION_NAMES, type FunctionName } from "../stacks/function-catalog";
import {
  type AslDefinition,
  buildDefinition,
  machineTimeoutSeconds,
  type WorkflowOutput,
} from "../stacks/workflow";
import { instanceSettings } from "./fixtures";
import "./promise-with-resolvers";

/** One entry of an execution's event log (the package does not export the type itself). */
export type EventLog =
  ReturnType<StateMachine["run"]>["eventLogs"] extends AsyncGenerator<infer E> ? E : never;

/** What a Lambda handler is to the harness: the event in, the function's result out. */
export type LambdaHandler = (event: unknown) => Promise<unknown> | unknown;

/** The function names themselves as deployed names, so a Task's FunctionName says which handler runs. */
export const FUNCTION_NAMES_AS_DEPLOYED = Object.fromEntries(FUNCTION_NAMES.map((n) => [n, n])) as Record<
  FunctionName,
  string
>;

/**
 * The function a Task's FunctionName invokes: the bare name or a deployed name or
 * ARN ending in `-<name>` (`first-line-eu-west-1-url-check`); no function name ends another.
 */
function functionNamed(functionName: string): FunctionName | undefined {
  return FUNCTION_NAMES.find(
    (n) => functionName === n || functionName.endsWith(`-${n}`) || functionName.endsWith(`:${n}`),
  );
}

/** An Error with the name Lambda would report as the error type. */
export function namedError(name: string, message = name): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

/**
 * A deep copy through JSON. Not structuredClone: under jest that builds objects of another
 * realm, and the interpreter only expands payload templates whose prototype is its own
 * Object.prototype.
 */
function jsonCopy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

// --- fake DynamoDB lock table ------------------------------------------------------------------

type AttributeValue = { S: string };
type Item = Record<string, AttributeValue>;

interface UpdateItemParams {
  TableName: string;
  Key: Record<string, AttributeValue>;
  UpdateExpression: string;
  ConditionExpression?: string;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
  ReturnValues?: string;
}

/** One updateItem the workflow sent, and whether its condition held. */
export interface LockWrite {
  readonly table: string;
  readonly key: string;
  readonly update: string;
  readonly condition?: string;
  readonly applied: boolean;
}

const NAME = "[A-Za-z_][A-Za-z0-9_]*";
const COMPARISON = new RegExp(`^(${NAME})\\s*(=|<>|<=|>=|<|>)\\s*(:${NAME})$`);
const EXISTS = new RegExp(`^(attribute_exists|attribute_not_exists)\\((${NAME})\\)$`);

/**
 * The lock table in memory. It evaluates the subset of DynamoDB expressions a lock needs —
 * `SET a = :v, ...`, `REMOVE a, ...`; conditions of `attribute_(not_)exists(a)` and `a <op> :v`
 * joined by AND/OR (AND binds tighter) — with DynamoDB's rules: string attributes compare
 * by code point, a comparison with a missing attribute is false, a failed condition changes
 * nothing and throws `DynamoDB.ConditionalCheckFailedException`. Anything else throws, so a
 * definition using an expression the fake does not understand fails its tests loudly.
 */
export class FakeLockTable {
  private readonly items = new Map<string, Item>();
  readonly writes: LockWrite[] = [];

  constructor(readonly tableName = "first-line-eu-west-1-locks") {}

  /** Puts an item as a previous execution would have left it (string attributes). */
  seed(instanceId: string, attributes: Readonly<Record<string, string>>): void {
    const item: Item = { instanceId: { S: instanceId } };
    for (const [k, v] of Object.entries(attributes)) item[k] = { S: v };
    this.items.set(instanceId, item);
  }

  /** The item as plain strings, or undefined when there is none. */
  get(instanceId: string): Record<string, string> | undefined {
    const item = this.items.get(instanceId);
    if (!item) return undefined;
    return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v.S]));
  }

  /** GetItem: the item as DynamoDB returns it (no Item when absent). */
  getItem(params: { TableName: string; Key: Record<string, AttributeValue> }): { Item?: Item } {
    if (params.TableName !== this.tableName) {
      throw namedError("DynamoDB.ResourceNotFoundException", `no table ${params.TableName}`);
    }
    const key = params.Key.instanceId?.S;
    if (key === undefined) throw namedError("DynamoDB.ValidationException", "the key is instanceId (S)");
    const item = this.items.get(key);
    return item ? { Item: jsonCopy(item) } : {};
  }

  /** PutItem (string attributes only, as first-line writes): replaces the item; ALL_OLD returns the one replaced. */
  putItem(params: { TableName: string; Item: Record<string, AttributeValue>; ReturnValues?: string }): {
    Attributes?: Item;
  } {
    const key = this.keyOf(params.TableName, params.Item);
    for (const [name, value] of Object.entries(params.Item)) {
      if (typeof value?.S !== "string")
        throw namedError("DynamoDB.ValidationException", `${name}: only S values`);
    }
    const old = this.items.get(key);
    this.items.set(key, jsonCopy(params.Item) as Item);
    return params.ReturnValues === "ALL_OLD" && old ? { Attributes: jsonCopy(old) } : {};
  }

  /** DeleteItem: removes the item if present; ALL_OLD returns it. */
  deleteItem(params: { TableName: string; Key: Record<string, AttributeValue>; ReturnValues?: string }): {
    Attributes?: Item;
  } {
    const key = this.keyOf(params.TableName, params.Key);
    const old = this.items.get(key);
    this.items.delete(key);
    return params.ReturnValues === "ALL_OLD" && old ? { Attributes: jsonCopy(old) } : {};
  }

  /**
   * Scan in key order, `Limit` items a page (default all), continuing after `ExclusiveStartKey`;
   * `LastEvaluatedKey` is set while items remain, as DynamoDB pages.
   */
  scan(params: { TableName: string; Limit?: number; ExclusiveStartKey?: Record<string, AttributeValue> }): {
    Items: Item[];
    Count: number;
    ScannedCount: number;
    LastEvaluatedKey?: Record<string, AttributeValue>;
  } {
    if (params.TableName !== this.tableName) {
      throw namedError("DynamoDB.ResourceNotFoundException", `no table ${params.TableName}`);
    }
    const keys = [...this.items.keys()].sort();
    const after = params.ExclusiveStartKey?.instanceId?.S;
    const rest = after === undefined ? keys : keys.filter((k) => k > after);
    const page = rest.slice(0, params.Limit ?? rest.length);
    const items = page.map((k) => jsonCopy(this.items.get(k)) as Item);
    const last = page[page.length - 1];
    return {
      Items: items,
      Count: items.length,
      ScannedCount: items.length,
      ...(page.length < rest.length && last !== undefined
        ? { LastEvaluatedKey: { instanceId: { S: last } } }
        : {}),
    };
  }

  private keyOf(tableName: string, item: Record<string, AttributeValue>): string {
    if (tableName !== this.tableName) {
      throw namedError("DynamoDB.ResourceNotFoundException", `no table ${tableName}`);
    }
    const key = item.instanceId?.S;
    if (key === undefined) throw namedError("DynamoDB.ValidationException", "the key is instanceId (S)");
    return key;
  }

  updateItem(params: UpdateItemParams): { Attributes?: Item } {
    if (params.TableName !== this.tableName) {
      throw namedError("DynamoDB.ResourceNotFoundException", `no table ${params.TableName}`);
    }
    const key = params.Key.instanceId?.S;
    if (key === undefined || Object.keys(params.Key).length !== 1) {
      throw namedError("DynamoDB.ValidationException", "the key is instanceId (S)");
    }
    const values = params.ExpressionAttributeValues ?? {};
    const current = this.items.get(key);
    const applied =
      params.ConditionExpression === undefined ||
      evaluateCondition(params.ConditionExpression, current, values);
    this.writes.push({
      table: params.TableName,
      key,
      update: params.UpdateExpression,
      ...(params.ConditionExpression !== undefined ? { condition: params.ConditionExpression } : {}),
      applied,
    });
    if (!applied) {
      throw namedError("DynamoDB.ConditionalCheckFailedException", "The conditional request failed");
    }
    const next = applyUpdate(params.UpdateExpression, { ...(current ?? { instanceId: { S: key } }) }, values);
    this.items.set(key, next);
    return params.ReturnValues === "ALL_NEW" ? { Attributes: jsonCopy(next) } : {};
  }
}

function placeholderValue(values: Record<string, AttributeValue>, placeholder: string): string {
  const v = values[placeholder];
  if (!v || typeof v.S !== "string") throw new Error(`fake table: ${placeholder} is not a string value`);
  return v.S;
}

function evaluateAtom(atom: string, item: Item | undefined, values: Record<string, AttributeValue>): boolean {
  const exists = EXISTS.exec(atom);
  if (exists) {
    const present = item?.[exists[2] as string] !== undefined;
    return exists[1] === "attribute_exists" ? present : !present;
  }
  const cmp = COMPARISON.exec(atom);
  if (!cmp) throw new Error(`fake table: unsupported condition "${atom}"`);
  const [, attr, op, placeholder] = cmp as unknown as [string, string, string, string];
  const left = item?.[attr]?.S;
  const right = placeholderValue(values, placeholder);
  if (left === undefined) return false;
  switch (op) {
    case "=":
      return left === right;
    case "<>":
      return left !== right;
    case "<":
      return left < right;
    case ">":
      return left > right;
    case "<=":
      return left <= right;
    default:
      return left >= right;
  }
}

function evaluateCondition(
  expression: string,
  item: Item | undefined,
  values: Record<string, AttributeValue>,
): boolean {
  return expression
    .split(/\s+OR\s+/)
    .some((conjunction) =>
      conjunction.split(/\s+AND\s+/).every((atom) => evaluateAtom(atom.trim(), item, values)),
    );
}

function applyUpdate(expression: string, item: Item, values: Record<string, AttributeValue>): Item {
  const clauses = expression.split(/\b(?=SET\s|REMOVE\s)/).map((c) => c.trim());
  for (const clause of clauses) {
    if (clause.startsWith("SET ")) {
      for (const assignment of clause.slice(4).split(",")) {
        const m = new RegExp(`^\\s*(${NAME})\\s*=\\s*(:${NAME})\\s*$`).exec(assignment);
        if (!m) throw new Error(`fake table: unsupported SET "${assignment}"`);
        item[m[1] as string] = { S: placeholderValue(values, m[2] as string) };
      }
    } else if (clause.startsWith("REMOVE ")) {
      for (const attr of clause.slice(7).split(",")) delete item[attr.trim()];
    } else {
      throw new Error(`fake table: unsupported update "${clause}"`);
    }
  }
  return item;
}

// --- fake EC2 instance status ---------------------------------------------------------------------

/** One DescribeInstanceStatus answer for the instance (or an error the poll task gets). */
export type InstanceStatus =
  | { readonly state: string; readonly instanceStatus?: string; readonly systemStatus?: string }
  | { readonly error: string };

/** running + ok + ok: what the workflow waits for after a restart. */
export const BACK_ONLINE: InstanceStatus = { state: "running", instanceStatus: "ok", systemStatus: "ok" };
/** Running but its status checks not yet passed: on the way back, not back. */
export const INITIALIZING: InstanceStatus = {
  state: "running",
  instanceStatus: "initializing",
  systemStatus: "ok",
};
/** Running with a failing instance status check: never back while it lasts. */
export const IMPAIRED: InstanceStatus = { state: "running", instanceStatus: "impaired", systemStatus: "ok" };
/** The states a stop-start passes through before the instance runs again. */
export const STOPPING: InstanceStatus = { state: "stopping" };
export const STOPPED: InstanceStatus = { state: "stopped" };
export const PENDING: InstanceStatus = { state: "pending" };

function describeInstanceStatus(instanceId: string, status: InstanceStatus): unknown {
  if ("error" in status) throw namedError(status.error);
  return {
    InstanceStatuses: [
      {
        InstanceId: instanceId,
        AvailabilityZone: "eu-west-1a",
        InstanceState: { Code: status.state === "running" ? 16 : 80, Name: status.state },
        InstanceStatus: { Status: status.instanceStatus ?? "not-applicable", Details: [] },
        SystemStatus: { Status: status.systemStatus ?? "not-applicable", Details: [] },
      },
    ],
  };
}

// --- the definition and the helpers workflow tests share -------------------------------------------

/**
 * The workflow as the tests run it: the stack's own builder, the deployed function names as the
 * harness understands them, the fake lock table's name, and the machine timeout of the defaults.
 */
function harnessDefinition(): AslDefinition {
  return buildDefinition({
    functionNames: FUNCTION_NAMES_AS_DEPLOYED,
    lockTableName: new FakeLockTable().tableName,
    timeoutSeconds: machineTimeoutSeconds([]),
  });
}

/** A handler that answers with `first` on its first call and with `rest` on every later one. */
export function firstCallThen(first: LambdaHandler, rest: LambdaHandler): LambdaHandler {
  let calls = 0;
  return (event) => (calls++ === 0 ? first(event) : rest(event));
}

/** A handler that always fails with the Lambda error `name` (see `namedError`). */
export function throwing(name: string, message = name): LambdaHandler {
  return () => {
    throw namedError(name, message);
  };
}

/** A check that fails on its first call (run 1) and passes afterwards (run 2). */
export function failsOnce(check: CheckName, reason = `${check} down`): LambdaHandler {
  return firstCallThen(
    () => checkResult(check, "failed", reason, 40),
    () => checkResult(check, "passed", "ok", 8),
  );
}

/** The restart calls of a run (restart-instance also plans the lock and measures the restart). */
export function restartCalls(run: RunResult): LambdaCall[] {
  return run
    .callsTo("restart-instance")
    .filter((c) => !["plan", "elapsed"].includes((c.payload as { action: string }).action));
}

// --- default stubs --------------------------------------------------------------------------------

/** A check result of the shape the check functions return. */
export function checkResult(
  check: CheckName,
  status: "passed" | "failed" | "unavailable" = "passed",
  reason = status === "passed" ? "ok" : status,
  durationMs = 12,
) {
  return { check, status, reason, durationMs };
}

/**
 * Stubs for every function: checks pass, restart-instance does the real plan and elapsed
 * arithmetic and accepts every restart, the notifiers deliver.
 */
function defaultLambdas(): Record<FunctionName, LambdaHandler> {
  const checks: Record<string, LambdaHandler> = Object.fromEntries(
    CHECKS.map((check) => [check.functionName, () => checkResult(check.name)]),
  );
  return {
    ...(checks as Record<(typeof CHECKS)[number]["functionName"], LambdaHandler>),
    "restart-instance": (event) => {
      const e = event as PlanEvent | RestartEvent | ElapsedEvent;
      if (e.action === "plan") return planWindows(e);
      if (e.action === "elapsed") return elapsedSeconds(e);
      return { instanceId: e.instanceId, action: e.action, accepted: true };
    },
    "notify-chat": () => ({ delivered: true, target: "slack", statusCode: 200 }),
    escalate: () => ({ delivered: true, target: "opsgenie", statusCode: 202 }),
  };
}

/** One PutMetricData the workflow sent. */
export interface MetricWrite {
  readonly namespace: string;
  readonly data: readonly {
    readonly name: string;
    readonly value: number;
    readonly unit: string;
    readonly dimensions: Readonly<Record<string, string>>;
  }[];
}

// --- running ----------------------------------------------------------------------------------------

/** One Lambda invocation the workflow made (each retry attempt is its own call). */
export interface LambdaCall {
  readonly fn: FunctionName;
  readonly state: string;
  readonly payload: unknown;
}

export interface RunOptions {
  readonly definition: AslDefinition;
  readonly input: unknown;
  /** Handlers replacing the default stubs, by function name. */
  readonly lambdas?: Partial<Record<FunctionName, LambdaHandler>>;
  /** Successive DescribeInstanceStatus answers; the last one repeats. @default [BACK_ONLINE] */
  readonly ec2Statuses?: readonly InstanceStatus[];
  /** Shared between runs to test the lock. @default a new empty table */
  readonly lockTable?: FakeLockTable;
  /** An error name PutMetricData fails with (the workflow must carry on). @default none */
  readonly metricsError?: string;
  /** Milliseconds every Wait state and retry pause lasts. @default 0 */
  readonly waitMs?: number;
  /** Execution name; the execution ARN ends with it. @default "run-1" */
  readonly executionName?: string;
  /** The execution's ARN. @default an eu-west-1 ARN ending in `executionName` */
  readonly executionArn?: string;
  /** `$$.State.EnteredTime` starts here and moves one second forward on every read. */
  readonly clockStart?: string;
  /**
   * Replaces the ticking clock: every read of `$$.State.EnteredTime` returns its value (ISO-8601).
   * @default the clock that starts at `clockStart`
   */
  readonly now?: () => string;
  /** Told, synchronously, when a Wait state starts (before the next state reads the clock). */
  readonly onWait?: (state: string) => void;
  /** Every event of the execution's log, in order, as the run goes (for progress output). */
  readonly onEvent?: (event: EventLog) => void;
}

export interface RunResult {
  readonly status: "SUCCEEDED" | "FAILED";
  readonly output?: WorkflowOutput;
  /** Error and Cause of a failed execution. */
  readonly error?: string;
  readonly cause?: string;
  readonly executionArn: string;
  readonly calls: readonly LambdaCall[];
  readonly polls: number;
  /** Names of the states entered, in order. */
  readonly states: readonly string[];
  readonly lockTable: FakeLockTable;
  /** The outcome metrics the workflow wrote. */
  readonly metrics: readonly MetricWrite[];
  /** Calls to one function. */
  callsTo(fn: FunctionName): readonly LambdaCall[];
}

// Building a StateMachine validates the definition (about half a second); runs are independent,
// so one machine per definition serves every run.
const machines = new WeakMap<AslDefinition, StateMachine>();
function machineFor(definition: AslDefinition): StateMachine {
  let machine = machines.get(definition);
  if (!machine) {
    machine = new StateMachine(jsonCopy(definition) as unknown as StateMachineDefinition);
    machines.set(definition, machine);
  }
  return machine;
}

/** Default clock start: the instant tests compute lock and cooldown times from. */
export const CLOCK_START = "2030-01-01T00:00:00.000Z";

/** Runs one execution to its end and reports what it did. */
export async function runWorkflow(options: RunOptions): Promise<RunResult> {
  const lambdas = { ...defaultLambdas(), ...options.lambdas };
  const lockTable = options.lockTable ?? new FakeLockTable();
  const statuses = options.ec2Statuses ?? [BACK_ONLINE];
  const waitMs = options.waitMs ?? 0;
  const executionArn =
    options.executionArn ??
    `arn:aws:states:eu-west-1:123456789012:execution:first-line-eu-west-1-remediation:${
      options.executionName ?? "run-1"
    }`;
  const calls: LambdaCall[] = [];
  const metrics: MetricWrite[] = [];
  let polls = 0;

  const handlers: Record<string, (input: unknown) => Promise<never>> = {};
  const waits: Record<string, number> = {};
  const retryPauses: Record<string, number> = {};
  for (const [name, state] of Object.entries(options.definition.States)) {
    if (state.Type === "Wait") {
      // The interpreter reads a Wait's override exactly once, as the Wait starts.
      Object.defineProperty(waits, name, {
        enumerable: true,
        get: () => {
          options.onWait?.(name);
          return waitMs;
        },
      });
    }
    if (state.Type !== "Task") continue;
    if (state.Retry) retryPauses[name] = waitMs;
    if (state.Resource === "arn:aws:states:::lambda:invoke") {
      const fn = functionNamed(String(state.Parameters.FunctionName));
      if (!fn)
        throw new Error(
          `${name}: FunctionName ${String(state.Parameters.FunctionName)} is not a known function`,
        );
      handlers[name] = async (input) => {
        const payload = (input as { Payload: unknown }).Payload;
        calls.push({ fn, state: name, payload: jsonCopy(payload) });
        const result = await lambdas[fn](jsonCopy(payload));
        // What the lambda:invoke integration returns around the function's result.
        return { ExecutedVersion: "$LATEST", Payload: result ?? null, StatusCode: 200 } as never;
      };
    } else if (state.Resource === "arn:aws:states:::dynamodb:updateItem") {
      handlers[name] = async (input) => lockTable.updateItem(input as UpdateItemParams) as never;
    } else if (state.Resource === "arn:aws:states:::dynamodb:getItem") {
      handlers[name] = async (input) => lockTable.getItem(input as UpdateItemParams) as never;
    } else if (state.Resource === "arn:aws:states:::aws-sdk:cloudwatch:putMetricData") {
      handlers[name] = async (input) => {
        if (options.metricsError) throw namedError(options.metricsError);
        const params = input as {
          Namespace: string;
          MetricData: {
            MetricName: string;
            Value: number;
            Unit: string;
            Dimensions: { Name: string; Value: string }[];
          }[];
        };
        metrics.push({
          namespace: params.Namespace,
          data: params.MetricData.map((d) => ({
            name: d.MetricName,
            value: d.Value,
            unit: d.Unit,
            dimensions: Object.fromEntries(d.Dimensions.map((x) => [x.Name, x.Value])),
          })),
        });
        return {} as never;
      };
    } else if (state.Resource === "arn:aws:states:::aws-sdk:ec2:describeInstanceStatus") {
      handlers[name] = async (input) => {
        const params = input as { InstanceIds: string[]; IncludeAllInstances: boolean };
        if (!params.IncludeAllInstances) throw new Error("poll must include instances that are not running");
        const status = statuses[Math.min(polls, statuses.length - 1)] as InstanceStatus;
        polls += 1;
        return describeInstanceStatus(params.InstanceIds[0] as string, status) as never;
      };
    } else {
      throw new Error(`${name}: no local handler for ${state.Resource}`);
    }
  }

  let clock = Date.parse(options.clockStart ?? CLOCK_START);
  const context = {
    Execution: { Id: executionArn, Name: options.executionName ?? "run-1" },
    State: {
      get EnteredTime(): string {
        if (options.now) return options.now();
        const now = new Date(clock).toISOString();
        clock += 1000;
        return now;
      },
    },
  };

  const machine = machineFor(options.definition);
  const execution = machine.run(options.input as never, {
    overrides: {
      taskResourceLocalHandlers: handlers,
      waitTimeOverrides: waits,
      retryIntervalOverrides: retryPauses,
    },
    context,
  });
  const states: string[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === "StateEntered") states.push(event.state.name);
      options.onEvent?.(event);
    }
  })();

  const base = {
    executionArn,
    calls,
    lockTable,
    metrics,
    states,
    callsTo: (fn: FunctionName) => calls.filter((c) => c.fn === fn),
  };
  try {
    const output = (await execution.result) as unknown as WorkflowOutput;
    await collecting;
    return { ...base, polls, status: "SUCCEEDED", output };
  } catch (err) {
    await collecting;
    if (!(err instanceof ExecutionError)) throw err;
    const cause = err.cause as Error;
    return { ...base, polls, status: "FAILED", error: cause.name, cause: cause.message };
  }
}

// --- inputs ------------------------------------------------------------------------------------------

export { instanceSettings } from "./fixtures";

/** The fixture instance's id: the instance `workflowInput()` and `remediate()` run for. */
export const INSTANCE_ID = instanceSettings().instanceId;

/** The state machine input the rule's target would send for these settings. */
export function workflowInput(instance: InstanceSettings = instanceSettings()): WorkflowInput {
  return {
    // Through JSON, as EventBridge delivers it: a check set to undefined is simply absent.
    instance: JSON.parse(JSON.stringify(instance)) as InstanceSettings,
    alarm: {
      name: `first-line-eu-west-1-cpu-${instance.instanceId}`,
      arn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:first-line-eu-west-1-cpu-${instance.instanceId}`,
      time: "2030-01-01T00:00:00Z",
    },
  };
}

let fixtureDefinition: AslDefinition | undefined;

/**
 * One execution of `harnessDefinition()` (built once, so its validated machine is reused) for the
 * fixture instance's default input; `options` replace any of it (another input, stubs, a table).
 */
export function remediate(options: Partial<RunOptions> = {}): Promise<RunResult> {
  fixtureDefinition ??= harnessDefinition();
  return runWorkflow({ definition: fixtureDefinition, input: workflowInput(), ...options });
}
