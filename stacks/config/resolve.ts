import { ALL_CHECKS } from "../../contract/checks";
import type { Shape } from "../../contract/fields";
import { maxPolls, type RESTART_SETTINGS, type RestartSettings } from "../../contract/restart";
import type { InstanceSettings } from "../../contract/workflow";
import { regionKey } from "../naming";
import { KMS_DEFAULTS, type KmsSettings } from "./blocks";
import { resolveCheck } from "./checks";
import { BUILTIN_DEFAULTS } from "./defaults";
import { overlay } from "./merge";
import { resolveNotifications } from "./notifications";
import { type AwsRegion, isAwsRegion } from "./regions";
import type { RawAccount, RawConfig, RawInstance, RawRegion } from "./schema";
import type {
  AlarmSettings,
  BackendConfig,
  LogSettings,
  ResolvedAccount,
  ResolvedConfig,
  ResolvedInstance,
  ResolvedRegion,
} from "./types";
import { configWarnings } from "./warnings";

/** The stack name when the configuration does not set one (DESIGN §1). */
export const DEFAULT_STACK_NAME = "first-line";

type Defaults = NonNullable<RawConfig["defaults"]>;

/** The settings blocks that merge as they are, each as it resolves. */
interface MergedBlocks {
  readonly alarm: AlarmSettings;
  readonly restart: Shape<typeof RESTART_SETTINGS>;
  readonly logs: LogSettings;
}

/**
 * Block `name` merged built-in < defaults < region < instance (as many `levels` as given), field
 * by field: exactly the built-in block's fields, in its order (the order deployed inputs carry).
 */
function mergedBlock<K extends keyof MergedBlocks>(
  name: K,
  levels: readonly { readonly [B in K]?: unknown }[],
): MergedBlocks[K] {
  const builtin: MergedBlocks[K] = BUILTIN_DEFAULTS[name];
  const merged = overlay<Record<string, unknown>>({ ...builtin }, ...levels.map((level) => level[name]));
  return Object.fromEntries(Object.keys(builtin).map((key) => [key, merged[key]])) as MergedBlocks[K];
}

function resolveRestart(levels: readonly [Defaults, RawRegion, RawInstance]): RestartSettings {
  const { cooldownMinutes, ...wait } = mergedBlock("restart", levels);
  // maxPolls sits before cooldownMinutes, where every deployed input template has it.
  return { ...wait, maxPolls: maxPolls(wait), cooldownMinutes };
}

function resolveInstance(
  defaults: Defaults,
  regionName: AwsRegion,
  region: RawRegion,
  instance: RawInstance,
): ResolvedInstance {
  const levels = [defaults, region, instance] as const;
  const checks = Object.fromEntries(
    ALL_CHECKS.flatMap((check) => {
      const resolved = resolveCheck(check, levels, check.vpc && region.vpc !== undefined);
      return resolved === undefined ? [] : [[check.name, resolved]];
    }),
  );
  const settings = {
    instanceId: instance.instanceId,
    region: regionName,
    ...checks,
    restart: resolveRestart(levels),
    notifications: resolveNotifications(levels.map((level) => level.notifications)),
  } as InstanceSettings;
  // Nearer level wins, as for every setting: an instance may stay on in a disabled region.
  const enabled =
    [instance.enabled, region.enabled].find((v): v is boolean => typeof v === "boolean") ?? true;
  return { settings, alarm: mergedBlock("alarm", levels), logs: mergedBlock("logs", levels), enabled };
}

function resolveRegion(
  defaults: Defaults,
  name: string,
  region: RawRegion,
  account: ResolvedAccount | undefined,
): ResolvedRegion {
  // validateConfig rejects unknown region keys; reaching here is a bug.
  if (!isAwsRegion(name)) throw new Error(`region ${name} was not validated`);
  return {
    name,
    ...(account === undefined ? {} : { account }),
    key: regionKey(name, account?.name),
    ...(region.operatorTopicArn === undefined ? {} : { operatorTopicArn: region.operatorTopicArn }),
    ...(region.vpc === undefined
      ? {}
      : {
          vpc: {
            subnetIds: [...region.vpc.subnetIds],
            securityGroupIds: [...region.vpc.securityGroupIds],
          },
        }),
    logs: mergedBlock("logs", [defaults, region]),
    kms: overlay<KmsSettings>(KMS_DEFAULTS, defaults.kms, region.kms),
    instances: region.instances.map((instance) => resolveInstance(defaults, name, region, instance)),
  };
}

function resolveAccount(name: string, account: RawAccount): ResolvedAccount {
  return {
    name,
    accountId: account.accountId,
    roleArn: account.roleArn,
    ...(account.externalId === undefined ? {} : { externalId: account.externalId }),
  };
}

/**
 * Merges a validated document into the model the stack is built from: every settings block
 * field-wise instance > region > defaults > built-in, regions (of every account) in one list
 * sorted by key, instances in configuration order. Pure: the same document always gives the
 * same model.
 */
export function resolveConfig(raw: RawConfig): ResolvedConfig {
  const defaults: Defaults = raw.defaults ?? {};
  const regions: ResolvedRegion[] = Object.entries(raw.regions ?? {}).map(([name, region]) =>
    resolveRegion(defaults, name, region, undefined),
  );
  const accounts = Object.keys(raw.accounts ?? {})
    .sort()
    .flatMap((name) => {
      const account = raw.accounts?.[name];
      return account === undefined
        ? []
        : [{ resolved: resolveAccount(name, account), regions: account.regions }];
    });
  for (const account of accounts) {
    for (const [name, region] of Object.entries(account.regions)) {
      regions.push(resolveRegion(defaults, name, region, account.resolved));
    }
  }
  regions.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const backend: BackendConfig = { ...raw.backend };
  const model: Omit<ResolvedConfig, "warnings"> = {
    stackName: raw.stackName ?? DEFAULT_STACK_NAME,
    backend,
    layout: raw.layout ?? "single",
    accounts: accounts.map((account) => account.resolved),
    operatorSubscriptions: (raw.operator?.subscriptions ?? []).map(({ protocol, endpoint }) => ({
      protocol,
      endpoint,
    })),
    regions,
  };
  return { ...model, warnings: configWarnings(raw, model) };
}
