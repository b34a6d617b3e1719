/**
 * A region's state machine definition built exactly as the stack builds it (same props from the
 * same resolved configuration), with the deployed function and table names in place of the
 * Terraform references.
 */
import type { ResolvedConfig, ResolvedRegion } from "../../stacks/config";
import { FUNCTION_NAMES, type FunctionName } from "../../stacks/function-catalog";
import { regionalName } from "../../stacks/naming";
import { type AslDefinition, buildDefinition, workflowTimeouts } from "../../stacks/workflow";

export interface RegionWorkflow {
  readonly region: ResolvedRegion;
  readonly definition: AslDefinition;
  readonly lockTableName: string;
  /** `<stackName>-<region>-<fn>`: what `FunctionName` holds once Terraform resolves the ARN. */
  readonly functionNames: Readonly<Record<FunctionName, string>>;
}

/** The region's workflow; throws when the configuration has no such region. */
export function regionWorkflow(config: ResolvedConfig, regionName: string): RegionWorkflow {
  const region = config.regions.find((r) => r.name === regionName);
  if (!region) throw new Error(`no region ${regionName} in the configuration`);
  const name = (part: string) => regionalName(config.stackName, region.name, part);
  const functionNames = Object.fromEntries(FUNCTION_NAMES.map((fn) => [fn, name(fn)])) as Record<
    FunctionName,
    string
  >;
  const lockTableName = name("locks");
  // The same call as RegionalFirstLine: timeouts from all of the region's instances.
  const timeouts = workflowTimeouts(region.instances.map((i) => i.settings));
  const definition = buildDefinition({
    functionArns: functionNames,
    lockTableName,
    timeoutSeconds: timeouts.machineTimeoutSeconds,
    taskTimeoutSeconds: timeouts.taskTimeoutSeconds,
  });
  return { region, definition, lockTableName, functionNames };
}
