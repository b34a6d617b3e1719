/**
 * The one place the on-call commands turn `--account/--region/--instance` into what they act
 * on: the region as synth resolves it, its names exactly as deployed (stacks/regional-workflow
 * and stacks/naming, never recomputed here) and SDK clients for it, with the region's account
 * role assumed when the configuration has `accounts`.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SFNClient } from "@aws-sdk/client-sfn";
import type { ResolvedConfig, ResolvedInstance, ResolvedRegion } from "../../../stacks/config";
import { cpuAlarmName, stateMachineArn } from "../../../stacks/naming";
import { regionalWorkflow } from "../../../stacks/regional-workflow";
import { findRegion, type RegionWorkflow } from "../region-workflow";
import { UsageError } from "../usage";
import type { AwsSession } from "./session";

/** `--account`, `--region`, `--instance` as given. */
export interface TargetOptions {
  readonly account?: string;
  readonly region?: string;
  readonly instance?: string;
}

/** One deployed region: its configuration and the names of what is deployed there. */
export interface RegionTarget extends RegionWorkflow {
  readonly stackName: string;
  /** How messages name it: `eu-west-1`, or `eu-west-1 (account prod)`. */
  readonly label: string;
}

/** One instance of a deployed region. */
export interface InstanceTarget extends RegionTarget {
  readonly instance: ResolvedInstance;
  /** Its CPU alarm's name (what the drill sets to ALARM). */
  readonly alarmName: string;
}

/** `eu-west-1`, or `eu-west-1 (account prod)`. */
export function regionLabel(region: ResolvedRegion): string {
  return region.account === undefined ? region.name : `${region.name} (account ${region.account.name})`;
}

function regionTarget(config: ResolvedConfig, region: ResolvedRegion): RegionTarget {
  return {
    region,
    ...regionalWorkflow(config.stackName, region),
    stackName: config.stackName,
    label: regionLabel(region),
  };
}

/**
 * The regions `--account` and `--region` select (all without them). A region in several
 * accounts is selected in each unless `--account` narrows it: reading needs no choice.
 * @throws UsageError for an unknown account or region, listing the known ones
 */
export function selectRegions(config: ResolvedConfig, options: TargetOptions): RegionTarget[] {
  const { account, region } = options;
  if (account !== undefined) {
    if (config.accounts.length === 0) {
      throw new UsageError(
        `the configuration has no accounts; leave out --account ${account}`,
        config.regions.map((r) => r.name),
      );
    }
    if (!config.accounts.some((a) => a.name === account)) {
      throw new UsageError(
        `unknown account "${account}"`,
        config.accounts.map((a) => a.name),
      );
    }
  }
  if (region !== undefined && account !== undefined) {
    return [regionTarget(config, findRegion(config, region, account))];
  }
  const selected = config.regions.filter(
    (r) =>
      (region === undefined || r.name === region) && (account === undefined || r.account?.name === account),
  );
  // No match: findRegion words the refusal and lists the choices.
  if (selected.length === 0 && region !== undefined) findRegion(config, region, account);
  return selected.map((r) => regionTarget(config, r));
}

/**
 * Checks an `--instance` filter of a reading command against the selected regions.
 * @throws UsageError listing their instances when none has it
 */
export function checkInstanceFilter(targets: readonly RegionTarget[], options: TargetOptions): void {
  const { instance, region } = options;
  if (instance === undefined) return;
  const known = targets.flatMap((t) => t.region.instances.map((i) => i.settings.instanceId));
  if (!known.includes(instance)) {
    throw new UsageError(`unknown instance "${instance}"${region ? ` in ${region}` : ""}`, known);
  }
}

/**
 * The one instance `--account/--region/--instance` name (the account only when the region is
 * in several accounts).
 * @throws UsageError for an unknown or ambiguous region, or an instance the region does not have
 */
export function findInstance(
  config: ResolvedConfig,
  options: TargetOptions & { readonly region: string; readonly instance: string },
): InstanceTarget {
  const region = findRegion(config, options.region, options.account);
  const instance = region.instances.find((i) => i.settings.instanceId === options.instance);
  if (instance === undefined) {
    const elsewhere = config.regions
      .filter((r) => r !== region && r.instances.some((i) => i.settings.instanceId === options.instance))
      .map(regionLabel);
    throw new UsageError(
      `unknown instance "${options.instance}" in ${regionLabel(region)}${
        elsewhere.length > 0 ? ` (it is configured in ${elsewhere.join(", ")})` : ""
      }`,
      region.instances.map((i) => i.settings.instanceId),
    );
  }
  return {
    ...regionTarget(config, region),
    instance,
    alarmName: cpuAlarmName(config.stackName, region.name, instance.settings.instanceId),
  };
}

/** `[--account a] --region r --instance i`: the flags that name this instance again, for hints. */
export function targetFlags(target: InstanceTarget): string {
  const account = target.region.account ? `--account ${target.region.account.name} ` : "";
  return `${account}--region ${target.region.name} --instance ${target.instance.settings.instanceId}`;
}

/** SDK clients for one region, with its account's credentials. */
export interface RegionClients {
  readonly dynamodb: DynamoDBClient;
  readonly sfn: SFNClient;
  readonly cloudwatch: CloudWatchClient;
  /** The account the region is deployed in: the configured one, else the caller's. */
  accountId(): Promise<string>;
  /** The region's state machine ARN (its name from regional-workflow, in that account). */
  stateMachineArn(): Promise<string>;
}

/** Clients for a region: default endpoint resolution (`AWS_ENDPOINT_URL_*` works), the session's credentials. */
export function regionClients(target: RegionTarget, session: AwsSession): RegionClients {
  const { region } = target;
  const credentials = session.credentials(region.account, region.name);
  const options = { region: region.name, ...(credentials ? { credentials } : {}) };
  const accountId = async () => region.account?.accountId ?? (await session.caller(region.name)).account;
  return {
    dynamodb: new DynamoDBClient(options),
    sfn: new SFNClient(options),
    cloudwatch: new CloudWatchClient(options),
    accountId,
    stateMachineArn: async () => stateMachineArn(region.name, await accountId(), target.stateMachineName),
  };
}
