import type {
  InstanceSettings,
  NotificationSettings,
  RestartSettings,
  Route53Settings,
  SshSettings,
  UrlSettings,
} from "../../functions/shared/contracts";
import { BUILTIN_DEFAULTS } from "./defaults";
import { overlay } from "./merge";
import { type AwsRegion, isAwsRegion } from "./regions";
import type { RawConfig, RawInstance, RawRegion } from "./schema";
import type {
  AlarmSettings,
  BackendConfig,
  LogSettings,
  ResolvedConfig,
  ResolvedInstance,
  ResolvedRegion,
} from "./types";

/** The stack name when the configuration does not set one (DESIGN §1). */
export const DEFAULT_STACK_NAME = "first-line";

type Defaults = NonNullable<RawConfig["defaults"]>;

function resolveUrl(defaults: Defaults, region: RawRegion, instance: RawInstance): UrlSettings | undefined {
  if (instance.url === undefined) return undefined;
  const { address, ...own } = typeof instance.url === "string" ? { address: instance.url } : instance.url;
  const merged = overlay<Omit<UrlSettings, "address">>(BUILTIN_DEFAULTS.url, defaults.url, region.url, own);
  return {
    address,
    timeoutSeconds: merged.timeoutSeconds,
    expectStatus: merged.expectStatus,
    ...(merged.expectBody === undefined ? {} : { expectBody: merged.expectBody }),
  };
}

function resolveRoute53(
  defaults: Defaults,
  region: RawRegion,
  instance: RawInstance,
): Route53Settings | undefined {
  if (instance.route53HealthCheckId === undefined) return undefined;
  const merged = overlay(BUILTIN_DEFAULTS.route53, defaults.route53, region.route53, instance.route53);
  return { healthCheckId: instance.route53HealthCheckId, minHealthyShare: merged.minHealthyShare };
}

function resolveSsh(
  defaults: Defaults,
  region: RawRegion,
  instance: RawInstance,
  inVpc: boolean,
): SshSettings | undefined {
  const own = instance.ssh;
  if (own === undefined) return undefined;
  const { host, hostKeySha256, ...settings } = own;
  const merged = overlay<typeof BUILTIN_DEFAULTS.ssh & Omit<Partial<SshSettings>, "hostKeySha256">>(
    BUILTIN_DEFAULTS.ssh,
    defaults.ssh,
    region.ssh,
    settings,
  );
  // DESIGN §3: without a key there is nothing to log in with, so the check proves sshd answers.
  const mode = merged.mode ?? (merged.privateKeySecret === undefined ? "handshake" : "command");
  const fingerprints = typeof hostKeySha256 === "string" ? [hostKeySha256] : [...new Set(hostKeySha256)];
  return {
    ...(host === undefined ? {} : { host }),
    port: merged.port,
    user: merged.user,
    hostKeySha256: fingerprints,
    mode,
    // Handshake mode never reads the key: leaving it out keeps it out of the function's IAM policy.
    ...(mode === "command" && merged.privateKeySecret !== undefined
      ? { privateKeySecret: merged.privateKeySecret }
      : {}),
    command: merged.command,
    timeoutSeconds: merged.timeoutSeconds,
    inVpc,
  };
}

function resolveRestart(defaults: Defaults, region: RawRegion, instance: RawInstance): RestartSettings {
  const merged = overlay(BUILTIN_DEFAULTS.restart, defaults.restart, region.restart, instance.restart);
  return {
    method: merged.method,
    settleSeconds: merged.settleSeconds,
    pollSeconds: merged.pollSeconds,
    maxWaitSeconds: merged.maxWaitSeconds,
    maxPolls: Math.ceil(merged.maxWaitSeconds / merged.pollSeconds),
    cooldownMinutes: merged.cooldownMinutes,
  };
}

function resolveNotifications(
  defaults: Defaults,
  region: RawRegion,
  instance: RawInstance,
): NotificationSettings {
  const merged = overlay<typeof BUILTIN_DEFAULTS.notifications & Partial<NotificationSettings>>(
    BUILTIN_DEFAULTS.notifications,
    defaults.notifications,
    region.notifications,
    instance.notifications,
  );
  const { slackWebhookSecret, opsgenieApiKeySecret } = merged;
  // validateConfig rejects a document where any instance lacks these; reaching here is a bug.
  if (slackWebhookSecret === undefined || opsgenieApiKeySecret === undefined) {
    throw new Error(`notification secrets of ${instance.instanceId} were not validated`);
  }
  return {
    slackWebhookSecret,
    opsgenieApiKeySecret,
    // The sender appends /v2/alerts; a trailing slash would double it.
    opsgenieApiUrl: merged.opsgenieApiUrl.replace(/\/+$/, ""),
    opsgeniePriority: merged.opsgeniePriority,
  };
}

function resolveAlarm(defaults: Defaults, region: RawRegion, instance: RawInstance): AlarmSettings {
  const merged = overlay(BUILTIN_DEFAULTS.alarm, defaults.alarm, region.alarm, instance.alarm);
  return {
    statistic: merged.statistic,
    threshold: merged.threshold,
    periodSeconds: merged.periodSeconds,
    evaluationPeriods: merged.evaluationPeriods,
    datapointsToAlarm: merged.datapointsToAlarm,
    treatMissingData: merged.treatMissingData,
  };
}

function resolveInstance(
  defaults: Defaults,
  regionName: AwsRegion,
  region: RawRegion,
  instance: RawInstance,
): ResolvedInstance {
  const url = resolveUrl(defaults, region, instance);
  const route53 = resolveRoute53(defaults, region, instance);
  const ssh = resolveSsh(defaults, region, instance, region.vpc !== undefined);
  const settings: InstanceSettings = {
    instanceId: instance.instanceId,
    region: regionName,
    ...(url === undefined ? {} : { url }),
    ...(route53 === undefined ? {} : { route53 }),
    ...(ssh === undefined ? {} : { ssh }),
    restart: resolveRestart(defaults, region, instance),
    notifications: resolveNotifications(defaults, region, instance),
  };
  const logs: LogSettings = {
    retentionDays: overlay(BUILTIN_DEFAULTS.logs, defaults.logs, region.logs, instance.logs).retentionDays,
  };
  return { settings, alarm: resolveAlarm(defaults, region, instance), logs };
}

/**
 * Merges a validated document into the model the stack is built from: every settings block
 * field-wise instance > region > defaults > built-in, regions sorted by name, instances in
 * configuration order. Pure: the same document always gives the same model.
 */
export function resolveConfig(raw: RawConfig): ResolvedConfig {
  const defaults: Defaults = raw.defaults ?? {};
  const regions: ResolvedRegion[] = Object.keys(raw.regions)
    .sort()
    .map((name) => {
      const region = raw.regions[name];
      // validateConfig rejects unknown region keys; reaching here is a bug.
      if (region === undefined || !isAwsRegion(name)) throw new Error(`region ${name} was not validated`);
      return {
        name,
        ...(region.operatorTopicArn === undefined ? {} : { operatorTopicArn: region.operatorTopicArn }),
        ...(region.vpc === undefined
          ? {}
          : {
              vpc: {
                subnetIds: [...region.vpc.subnetIds],
                securityGroupIds: [...region.vpc.securityGroupIds],
              },
            }),
        logs: { retentionDays: overlay(BUILTIN_DEFAULTS.logs, defaults.logs, region.logs).retentionDays },
        instances: region.instances.map((instance) => resolveInstance(defaults, name, region, instance)),
      };
    });
  const backend: BackendConfig = { ...raw.backend };
  return {
    stackName: raw.stackName ?? DEFAULT_STACK_NAME,
    backend,
    operatorSubscriptions: (raw.operator?.subscriptions ?? []).map(({ protocol, endpoint }) => ({
      protocol,
      endpoint,
    })),
    regions,
  };
}
