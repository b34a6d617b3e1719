/**
 * A region's state machine definition built exactly as the stack builds it (same props from the
 * same resolved configuration), with the deployed function and table names in place of the
 * Terraform references.
 */
import type { ResolvedConfig, ResolvedRegion } from "../../stacks/config";
import { FUNCTION_NAMES, type FunctionName } from "../../stacks/function-catalog";
import { regionalName } from "../../stacks/naming";
import { type AslDefinition, buildDefinition, workflowTimeouts } from "../../stacks/workflow";
import { UsageError } from "./usage";

export interface RegionWorkflow {
  readonly region: ResolvedRegion;
  readonly definition: AslDefinition;
  readonly lockTableName: string;
  /** `<stackName>-<region>-<fn>`: what `FunctionName` holds once Terraform resolves the ARN. */
  readonly functionNames: Readonly<Record<FunctionName, string>>;
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
