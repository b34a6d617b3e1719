import { formatPath } from "../../contract/text";
import { regionKey, regionStackName } from "../naming";
import { type PlaceholderValues, stackBackend } from "./backend";
import { OPT_IN_REGIONS } from "./regions";
import type { BackendConfig, Layout, ResolvedConfig, ResolvedRegion } from "./types";

/*
 * How a fleet's regions become stacks (DESIGN §6): one stack holding every region, or one per
 * account x region. The same function names the stacks and fills their backends for validation
 * (on the raw document) and for synth (on the resolved one), so what validation proves distinct
 * is exactly what the stacks get.
 */

/** A region as far as stacks are concerned: its name and, with accounts, its account's name. */
export interface RegionRef {
  readonly name: string;
  readonly account?: string;
}

/** One stack: its name, what its backend placeholders stand for, and the keys of its regions. */
export interface StackIdentity {
  readonly name: string;
  readonly values: PlaceholderValues;
  /** Sorted. */
  readonly regionKeys: readonly string[];
}

/** The stacks of a layout, sorted by name (which, per region, is sorted by region key). */
export function stackIdentities(
  stackName: string,
  layout: Layout,
  regions: readonly RegionRef[],
): StackIdentity[] {
  const keyed = regions
    .map((region) => ({ region, key: regionKey(region.name, region.account) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (layout === "single") {
    return [{ name: stackName, values: { stack: stackName }, regionKeys: keyed.map((k) => k.key) }];
  }
  return keyed.map(({ region, key }) => {
    const name = regionStackName(stackName, key);
    return {
      name,
      values: {
        stack: name,
        region: region.name,
        ...(region.account === undefined ? {} : { account: region.account }),
      },
      regionKeys: [key],
    };
  });
}

/** One stack to synthesize. */
export interface ResolvedStack {
  /** `<stackName>` (single layout), `<stackName>-<region>` or `<stackName>-<account>-<region>`. */
  readonly name: string;
  /** This stack's own backend: the configured one with `{stack}`/`{account}`/`{region}` filled in. */
  readonly backend: BackendConfig;
  /** The regions it deploys, sorted by key: all of them, or exactly one. */
  readonly regions: readonly ResolvedRegion[];
}

/** The stacks of a resolved configuration, in the order they are synthesized. */
export function stacksOf(config: ResolvedConfig): ResolvedStack[] {
  const byKey = new Map(config.regions.map((region) => [region.key, region]));
  const refs = config.regions.map((region) => ({
    name: region.name,
    ...(region.account === undefined ? {} : { account: region.account.name }),
  }));
  return stackIdentities(config.stackName, config.layout, refs).map((identity) => ({
    name: identity.name,
    backend: stackBackend(config.backend, identity.values),
    regions: identity.regionKeys.map((key) => {
      const region = byKey.get(key);
      if (region === undefined) throw new Error(`region key ${key} has no region`);
      return region;
    }),
  }));
}

/**
 * Notes synth prints without failing: a region that must be enabled in its account first
 * (an apply there fails until it is), named with the accounts that deploy it.
 */
export function fleetNotes(config: ResolvedConfig): string[] {
  const accountsByRegion = new Map<string, string[]>();
  for (const region of config.regions) {
    if (!OPT_IN_REGIONS.has(region.name)) continue;
    const accounts = accountsByRegion.get(region.name) ?? [];
    if (region.account) accounts.push(`${region.account.name} (${region.account.accountId})`);
    accountsByRegion.set(region.name, accounts);
  }
  return [...accountsByRegion.entries()].map(([region, accounts]) => {
    const where = accounts.length === 0 ? "the target account" : `account ${accounts.join(", account ")}`;
    return `${region} is an opt-in region: it must be enabled in ${where} before deploying (console: Account > AWS Regions; or aws account enable-region --region-name ${region})`;
  });
}

/** Where a region is written in the configuration: `regions.<r>` or `accounts.<a>.regions.<r>`. */
export function regionConfigPath(region: ResolvedRegion): string {
  return formatPath(
    region.account === undefined
      ? ["regions", region.name]
      : ["accounts", region.account.name, "regions", region.name],
  );
}
