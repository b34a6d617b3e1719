/**
 * A region's workflow as the stack deploys it (stacks/regional-workflow: the same names,
 * timeouts and definition), found by region name in a resolved configuration.
 */
import type { ResolvedConfig, ResolvedRegion } from "../../stacks/config";
import { type RegionalWorkflow, regionalWorkflow } from "../../stacks/regional-workflow";
import { UsageError } from "./usage";

export interface RegionWorkflow extends RegionalWorkflow {
  readonly region: ResolvedRegion;
}

function choice(region: ResolvedRegion): string {
  return region.account === undefined
    ? region.name
    : `--account ${region.account.name} --region ${region.name}`;
}

/**
 * Finds a region by name, and by account when `accounts` deploy it to more than one (DESIGN §7:
 * the account is required only then).
 * @throws UsageError listing the choices (region names, or `--account <a> --region <r>`) when there is no such region or it is ambiguous
 */
export function findRegion(config: ResolvedConfig, regionName: string, account?: string): ResolvedRegion {
  const all = config.regions.map(choice);
  if (account !== undefined && config.accounts.length === 0) {
    throw new UsageError(`the configuration has no accounts; leave out the account ("${account}")`, all);
  }
  const matches = config.regions.filter(
    (r) => r.name === regionName && (account === undefined || r.account?.name === account),
  );
  const [only] = matches;
  if (only !== undefined && matches.length === 1) return only;
  if (matches.length > 1) {
    throw new UsageError(
      `region "${regionName}" is in ${matches.length} accounts; name the account`,
      matches.map(choice),
    );
  }
  throw new UsageError(
    account === undefined
      ? `unknown region "${regionName}"`
      : `no region "${regionName}" in account "${account}"`,
    all,
  );
}

/**
 * The region's workflow. `account` picks among accounts that deploy the same region.
 * @throws UsageError when the configuration has no such region or the name is ambiguous
 */
export function regionWorkflow(config: ResolvedConfig, regionName: string, account?: string): RegionWorkflow {
  const region = findRegion(config, regionName, account);
  return { region, ...regionalWorkflow(config.stackName, region) };
}
