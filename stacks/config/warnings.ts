import { LEGACY_CHAT_ON } from "../../contract/notifications";
import { formatPath } from "../../contract/text";
import { operatorTopicName } from "../naming";
import type { ConfigPath } from "./errors";
import { rawRegionEntries } from "./fleet-rules";
import { isRecord } from "./merge";
import { LEGACY_KEYS, type LegacyKey, levelNotifications, mergedNotifications } from "./notifications";
import type { RawConfig, RawRegion } from "./schema";
import type { ResolvedConfig } from "./types";

/**
 * What a valid configuration should change but need not (deprecated keys, risky choices): one
 * line each, printed at synth as `first-line: warning: <line>` (main.ts). Never an error: the
 * configuration synthesizes as it is. Each source of warnings adds its function here.
 */
export function configWarnings(raw: RawConfig, config: Omit<ResolvedConfig, "warnings">): string[] {
  return [...legacyNotificationWarnings(raw), ...operatorWarnings(config)];
}

/**
 * The synth warning for one level's notifications block that uses first-release keys, naming
 * them and the new block to write instead, or undefined when it uses none.
 */
function legacyKeyWarning(path: ConfigPath, block: unknown): string | undefined {
  if (!isRecord(block)) return undefined;
  const used = (Object.keys(LEGACY_KEYS) as LegacyKey[]).filter((key) => block[key] !== undefined);
  if (used.length === 0) return undefined;
  const converted = levelNotifications(block);
  const replacement = [...new Set(used.map((key) => LEGACY_KEYS[key]))]
    .map((target) => `"${target}": ${JSON.stringify(converted[target])}`)
    .join(", ");
  const keys = used.map((key) => `"${key}"`).join(", ");
  return `${formatPath([...path, "notifications"])}: ${keys} ${used.length === 1 ? "is a key" : "are keys"} of the first release, still accepted; write ${replacement} instead`;
}

/**
 * Every first-release key in a valid document, one warning per block that uses them, and one
 * more while chat keeps the first release's recoveries-only default (it changes when the keys
 * are replaced and no `chatOn` is set, so the operator decides it knowingly).
 */
function legacyNotificationWarnings(raw: RawConfig): string[] {
  const defaults = raw.defaults?.notifications;
  const warnings = [legacyKeyWarning(["defaults"], defaults)];
  let recoveriesOnly = 0;
  // Sorted like the resolved regions, so the warnings do not depend on the order of keys in the file.
  const entries = [...rawRegionEntries(raw)].sort((a, b) =>
    formatPath(a.path).localeCompare(formatPath(b.path)),
  );
  for (const { path, node } of entries) {
    const region = node as RawRegion;
    warnings.push(legacyKeyWarning(path, region.notifications));
    region.instances.forEach((instance, index) => {
      warnings.push(legacyKeyWarning([...path, "instances", index], instance.notifications));
      const merged = mergedNotifications([defaults, region.notifications, instance.notifications]);
      if (merged.legacyOnly && merged.chatOn === undefined) recoveriesOnly++;
    });
  }
  if (recoveriesOnly > 0) {
    warnings.push(
      `defaults.notifications.chatOn: not set, so chat is told only of recoveries, as in the first release (${recoveriesOnly} instance(s) use only its keys); with "chat" and "escalation" it is also told of restarts and escalations, unless you add "chatOn": ${JSON.stringify(LEGACY_CHAT_ON)}`,
    );
  }
  return warnings.filter((warning): warning is string => warning !== undefined);
}

/** Operator topics first-line creates with nobody subscribed: failures of first-line itself go unheard. */
function operatorWarnings(config: Omit<ResolvedConfig, "warnings">): string[] {
  const created = config.regions.filter((region) => region.operatorTopicArn === undefined);
  if (created.length === 0 || config.operatorSubscriptions.length > 0) return [];
  const topics = created.map(
    (region) =>
      operatorTopicName(config.stackName, region.name) +
      (region.account === undefined ? "" : ` (account ${region.account.name})`),
  );
  return [
    `operator.subscriptions is empty: the operator topic${topics.length === 1 ? "" : "s"} ${topics.join(", ")} will have no subscriber, so nobody hears when first-line itself fails (failed executions, dead-lettered alarm events); add e-mail or https endpoints to operator.subscriptions, or name an existing topic per region in regions.<region>.operatorTopicArn`,
  ];
}
