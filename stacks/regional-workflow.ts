/**
 * One region's workflow exactly as the regional construct deploys it: the names of its
 * functions, table and state machine, the timeouts, and the definition. Pure (no cdktf), so the
 * simulator, the operations commands and the tests use the code the stack uses, not a copy.
 */
import type { ResolvedRegion } from "./config";
import { FUNCTION_NAMES, type FunctionName } from "./function-catalog";
import { regionalName } from "./naming";
import { type AslDefinition, buildDefinition, type WorkflowTimeouts, workflowTimeouts } from "./workflow";

export interface RegionalWorkflow {
  /** `<stackName>-<region>-<fn>` of each function. */
  readonly functionNames: Readonly<Record<FunctionName, string>>;
  /** The lock table (locks and pauses). */
  readonly lockTableName: string;
  readonly stateMachineName: string;
  readonly timeouts: WorkflowTimeouts;
  readonly definition: AslDefinition;
}

export function regionalWorkflow(stackName: string, region: ResolvedRegion): RegionalWorkflow {
  const name = (part: string) => regionalName(stackName, region.name, part);
  const functionNames = Object.fromEntries(FUNCTION_NAMES.map((fn) => [fn, name(fn)])) as Record<
    FunctionName,
    string
  >;
  const lockTableName = name("locks");
  // Every timeout from the same instances: each function's, its Task's (a little longer) and the
  // machine's (which also bounds a lock's lifetime).
  const timeouts = workflowTimeouts(region.instances.map((i) => i.settings));
  return {
    functionNames,
    lockTableName,
    stateMachineName: name("remediation"),
    timeouts,
    definition: buildDefinition({
      functionNames,
      lockTableName,
      timeoutSeconds: timeouts.machineTimeoutSeconds,
      taskTimeoutSeconds: timeouts.taskTimeoutSeconds,
    }),
  };
}
