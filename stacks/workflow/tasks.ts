/**
 * How the workflow's Task states call things: a function of the region (optimized Lambda
 * integration), the lock table (optimized DynamoDB integration), and AWS SDK integrations. Every
 * Task gets its TimeoutSeconds here, so none is ever without one.
 */
import { FUNCTION_NAMES, type FunctionName } from "../function-catalog";
import type { PayloadTemplate, TaskState } from "./asl";
import { DYNAMODB_RETRY, SDK_TASK_TIMEOUT_SECONDS, taskTimeoutSeconds } from "./timeouts";

/** Props of {@link buildDefinition}. */
export interface WorkflowProps {
  /** Deployed name of each function (Lambda's Invoke takes a name), embedded as `FunctionName`. */
  readonly functionNames: Readonly<Record<FunctionName, string>>;
  /** The region's lock table (hash key `instanceId`, string); pauses live in it too. */
  readonly lockTableName: string;
  /** The machine's TimeoutSeconds, also the lifetime of a lock it takes (see machineTimeoutSeconds). */
  readonly timeoutSeconds: number;
  /**
   * TimeoutSeconds of each function's Task states.
   * @default taskTimeoutSeconds([]) (every check at its default timeout)
   */
  readonly taskTimeoutSeconds?: Readonly<Record<FunctionName, number>>;
}

/** The parts of a Task its caller decides. */
export type TaskRest = Omit<TaskState, "Type" | "Resource" | "Parameters" | "TimeoutSeconds">;

const LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
const DYNAMODB = "arn:aws:states:::dynamodb";

/** The instance's lock item key (the pause item's key is `pause#<instance id>`). */
export const LOCK_KEY = { instanceId: { "S.$": "$.instance.instanceId" } };

/** Task builders bound to one region's functions, table and timeouts. */
export interface Tasks {
  readonly props: WorkflowProps;
  /** Invokes one of the region's functions with a payload template (or one path/intrinsic). */
  lambda(fn: FunctionName, payload: PayloadTemplate | string, rest: TaskRest): TaskState;
  /** A DynamoDB call on the lock table (`updateItem`, `getItem`), retried on throttling. */
  table(action: "updateItem" | "getItem", parameters: PayloadTemplate, rest: TaskRest): TaskState;
  /** An AWS SDK integration call (`aws-sdk:<service>:<action>`). */
  sdk(service: string, action: string, parameters: PayloadTemplate, rest: TaskRest): TaskState;
}

function checkProps(props: WorkflowProps): Readonly<Record<FunctionName, number>> {
  const problems: string[] = [];
  const wholePositive = (n: number) => Number.isInteger(n) && n >= 1;
  if (!wholePositive(props.timeoutSeconds)) {
    problems.push(`timeoutSeconds must be a whole number >= 1, got ${props.timeoutSeconds}`);
  }
  const timeouts = props.taskTimeoutSeconds ?? taskTimeoutSeconds([]);
  for (const name of FUNCTION_NAMES) {
    if (typeof props.functionNames[name] !== "string" || props.functionNames[name] === "") {
      problems.push(`functionNames["${name}"] is missing`);
    }
    if (!wholePositive(timeouts[name])) {
      problems.push(`taskTimeoutSeconds["${name}"] must be a whole number >= 1, got ${timeouts[name]}`);
    }
  }
  if (props.lockTableName === "") problems.push("lockTableName is empty");
  if (problems.length > 0) throw new Error(`invalid workflow props: ${problems.join("; ")}`);
  return timeouts;
}

export function tasks(props: WorkflowProps): Tasks {
  const timeouts = checkProps(props);
  return {
    props,
    lambda: (fn, payload, rest) => ({
      Type: "Task",
      Resource: LAMBDA_INVOKE,
      Parameters: {
        FunctionName: props.functionNames[fn],
        ...(typeof payload === "string" ? { "Payload.$": payload } : { Payload: payload }),
      },
      TimeoutSeconds: timeouts[fn],
      ...rest,
    }),
    table: (action, parameters, rest) => ({
      Type: "Task",
      Resource: `${DYNAMODB}:${action}`,
      Parameters: { TableName: props.lockTableName, ...parameters },
      TimeoutSeconds: SDK_TASK_TIMEOUT_SECONDS,
      Retry: [DYNAMODB_RETRY],
      ...rest,
    }),
    sdk: (service, action, parameters, rest) => ({
      Type: "Task",
      Resource: `arn:aws:states:::aws-sdk:${service}:${action}`,
      Parameters: parameters,
      TimeoutSeconds: SDK_TASK_TIMEOUT_SECONDS,
      ...rest,
    }),
  };
}
