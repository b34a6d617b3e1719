/**
 * A region's workflow as the stack deploys it (stacks/regional-workflow: the same names,
 * timeouts and definition), found by region name in a resolved configuration.
 */
import type { ResolvedConfig, ResolvedRegion } from "../../stacks/config";
import { type RegionalWorkflow, regionalWorkflow } from "../../stacks/regional-workflow";

export interface RegionWorkflow extends RegionalWorkflow {
  readonly region: ResolvedRegion;
}

/** The region's workflow; throws when the configuration has no such region. */
export function regionWorkflow(config: ResolvedConfig, regionName: string): RegionWorkflow {
  const region = config.regions.find((r) => r.name === regionName);
  if (!region) throw new Error(`no region ${regionName} in the configuration`);
  return { region, ...regionalWorkflow(config.stackName, region) };
}
