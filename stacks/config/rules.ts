import { ALL_CHECKS } from "../../contract/checks";
import { type Problem, specProblems } from "../../contract/fields";
import { restartProblem } from "../../contract/restart";
import { CHAT_TYPES, PAGER_TYPES } from "../../contract/senders";
import { alternatives, didYouMean, formatPath } from "../../contract/text";
import { mergedSettings, targetOf } from "./checks";
import { BUILTIN_DEFAULTS } from "./defaults";
import { type ConfigPath, problemAt } from "./errors";
import { rawRegionEntries } from "./fleet-rules";
import { isRecord, overlay } from "./merge";
import { LEGACY_KEYS, mergedNotifications } from "./notifications";
import { AWS_REGIONS, isAwsRegion } from "./regions";
import { SNS_TOPIC_ARN } from "./schema";

/*
 * Rules that span fields or levels, which a per-field schema cannot express. They read the raw
 * document defensively (a value of the wrong type is skipped here; the schema reports it), so
 * they run even when the schema found problems elsewhere and one error lists everything.
 */

type Fields = Record<string, unknown>;

/** One level that may carry settings blocks: defaults, a region, or an instance. */
interface Level {
  readonly path: ConfigPath;
  readonly node: Fields;
}

function block(level: Level | undefined, name: string): Fields | undefined {
  const value = level?.node[name];
  return isRecord(value) ? value : undefined;
}

function sets(block: Fields | undefined, ...fields: string[]): boolean {
  return block !== undefined && fields.some((field) => block[field] !== undefined);
}

/**
 * Narrows to a value the schema accepts; a value it rejects is already reported there, and
 * comparing it again would only add a second, confusing line.
 */
function wholeIn(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

function alarmConflict(alarm: Fields): string | undefined {
  const { datapointsToAlarm: datapoints, evaluationPeriods: periods } = alarm;
  if (!wholeIn(datapoints, 1, 100) || !wholeIn(periods, 1, 100) || datapoints <= periods) return undefined;
  return `datapointsToAlarm ${datapoints} is more than evaluationPeriods ${periods} (after merging instance > region > defaults); lower datapointsToAlarm or raise evaluationPeriods`;
}

function restartConflict(restart: Fields): string | undefined {
  const { maxWaitSeconds: maxWait, pollSeconds: poll } = restart;
  if (!wholeIn(maxWait, 30, 3600) || !wholeIn(poll, 5, 300)) return undefined;
  return restartProblem({ maxWaitSeconds: maxWait, pollSeconds: poll });
}

/**
 * The blocks with a rule between two of their fields; a conflict is reported at the first of
 * `fields` the level sets.
 */
const BLOCK_CONFLICTS = [
  { name: "alarm", fields: ["datapointsToAlarm", "evaluationPeriods"], test: alarmConflict },
  { name: "restart", fields: ["maxWaitSeconds", "pollSeconds"], test: restartConflict },
] as const;

/** Each of BLOCK_CONFLICTS' blocks as merged down to some level. */
type MergedConflictBlocks = readonly Fields[];

/**
 * Checks the merged view of each BLOCK_CONFLICTS block at a level that changes one of its
 * fields, so a conflict is reported once, where it is introduced, rather than once per instance
 * that inherits it. Returns the blocks merged down to `level`.
 */
function checkConflictsAt(
  merged: MergedConflictBlocks,
  level: Level,
  problems: string[],
): MergedConflictBlocks {
  return BLOCK_CONFLICTS.map(({ name, fields, test }, i) => {
    const own = block(level, name);
    const next = overlay(merged[i] ?? {}, own);
    if (sets(own, ...fields)) {
      const message = test(next);
      if (message !== undefined) {
        const field = own?.[fields[0]] !== undefined ? fields[0] : fields[1];
        problems.push(problemAt([...level.path, name, field], message));
      }
    }
    return next;
  });
}

/**
 * The instance's checks, by DESIGN §4 and the check registry. Presence is enough here: a
 * malformed block (e.g. without its address or host key) is the schema's to report.
 */
function hasAnyCheck(instance: Fields): boolean {
  return ALL_CHECKS.some((check) => targetOf(check, instance) !== undefined);
}

/** What an instance must end up with after merging: a chat and a pager, each with its secret. */
const NOTIFY_TARGETS = {
  chat: {
    fields: ["type", "webhookSecret"],
    what: `a chat block: "type" (${alternatives(CHAT_TYPES)}) and "webhookSecret" (the Secrets Manager secret holding the webhook URL)`,
  },
  escalation: {
    fields: ["type", "secret"],
    what: `an escalation block: "type" (${alternatives(PAGER_TYPES)}) and "secret" (the Secrets Manager secret holding the API or routing key)`,
  },
} as const;
type NotificationSecret = keyof typeof NOTIFY_TARGETS;

/** The nearest level whose own `target` block sets "type" (and so replaces the inherited block). */
function replacingLevel(levels: readonly Level[], target: NotificationSecret): Level | undefined {
  return [...levels].reverse().find((level) => {
    const own = block(level, "notifications")?.[target];
    return isRecord(own) && own.type !== undefined;
  });
}

/** Where a missing notification secret is reported: as high up as every affected instance shares. */
interface MissingSecret {
  readonly regionPath: ConfigPath;
  readonly instancePath: ConfigPath;
}

/**
 * A rule's message, saying where the field that made it a problem was set when that is not the
 * instance itself: "required because ssh mode is "command" (set at defaults.ssh.mode): ...".
 */
function withOrigin(problem: Problem, blockName: string, levels: readonly Level[]): string {
  if (problem.because === undefined) return problem.message;
  const setAt = [...levels]
    .reverse()
    .find((level) => block(level, blockName)?.[problem.because as string] !== undefined);
  if (setAt === undefined || setAt === levels[levels.length - 1]) return problem.message;
  const where = ` (set at ${formatPath([...setAt.path, blockName, problem.because])})`;
  const colon = problem.message.indexOf(":");
  return colon < 0
    ? `${problem.message}${where}`
    : `${problem.message.slice(0, colon)}${where}${problem.message.slice(colon)}`;
}

/** A notifications block that gives a target both in the new form and with the first release's keys. */
function mixedNotificationForms(level: Level, problems: string[]): void {
  const own = block(level, "notifications");
  if (own === undefined) return;
  for (const [legacyKey, newKey] of Object.entries(LEGACY_KEYS)) {
    if (own[legacyKey] !== undefined && own[newKey] !== undefined) {
      problems.push(
        problemAt(
          [...level.path, "notifications", legacyKey],
          `the first release's key beside "${newKey}" in the same block; move its value into "${newKey}" and remove it`,
        ),
      );
    }
  }
}

/**
 * A region's own operator topic must be in that region: CloudWatch alarm actions accept only an
 * SNS topic in the alarm's region, so any other topic could never be applied (DESIGN §2).
 */
function operatorTopicProblem(regionName: string, region: Level): string | undefined {
  const topic = region.node.operatorTopicArn;
  const topicRegion = typeof topic === "string" ? SNS_TOPIC_ARN.exec(topic)?.[1] : undefined;
  if (topicRegion === undefined || topicRegion === regionName) return undefined;
  return problemAt(
    [...region.path, "operatorTopicArn"],
    `the topic is in ${topicRegion}, but CloudWatch alarm actions accept only an SNS topic in the alarm's own region (${regionName}); name a topic in ${regionName}, or leave operatorTopicArn out and first-line creates one there for operator.subscriptions`,
  );
}

/** Two subscriptions of one endpoint would be one SNS subscription claimed by two resources. */
function duplicateSubscriptionProblems(raw: Fields): string[] {
  const operator = isRecord(raw.operator) ? raw.operator : {};
  const subscriptions = Array.isArray(operator.subscriptions) ? operator.subscriptions : [];
  const seen = new Map<string, number>();
  const problems: string[] = [];
  subscriptions.forEach((subscription: unknown, index) => {
    if (!isRecord(subscription)) return;
    const key = `${String(subscription.protocol)} ${String(subscription.endpoint)}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else {
      problems.push(
        problemAt(
          ["operator", "subscriptions", index],
          `duplicate of operator.subscriptions[${first}]; SNS keeps one subscription per endpoint (remove one)`,
        ),
      );
    }
  });
  return problems;
}

/** Every cross-field problem of the raw document, as problem lines. */
export function crossFieldProblems(raw: unknown): string[] {
  const problems: string[] = [];
  if (!isRecord(raw)) return problems;

  const defaults: Level = { path: ["defaults"], node: isRecord(raw.defaults) ? raw.defaults : {} };
  mixedNotificationForms(defaults, problems);
  const builtins = BLOCK_CONFLICTS.map(({ name }) => ({ ...BUILTIN_DEFAULTS[name] }));
  const atDefaults = checkConflictsAt(builtins, defaults, problems);

  problems.push(...duplicateSubscriptionProblems(raw));

  const seen = new Map<string, ConfigPath>();
  const missing: Record<NotificationSecret, MissingSecret[]> = { chat: [], escalation: [] };
  let instanceCount = 0;
  const instanceCountByRegion = new Map<string, number>();

  for (const { path: regionPath, name: regionName, account, node: regionNode } of rawRegionEntries(raw)) {
    if (!isAwsRegion(regionName)) {
      problems.push(
        problemAt(
          regionPath,
          `unknown AWS region ${JSON.stringify(regionName)}${didYouMean(regionName, AWS_REGIONS)}; region keys are AWS commercial region names such as "eu-west-1"`,
        ),
      );
    }
    if (!isRecord(regionNode)) continue;
    const region: Level = { path: regionPath, node: regionNode };
    mixedNotificationForms(region, problems);
    const topicProblem = operatorTopicProblem(regionName, region);
    if (topicProblem !== undefined) problems.push(topicProblem);
    const atRegion = checkConflictsAt(atDefaults, region, problems);

    const instances = Array.isArray(regionNode.instances) ? regionNode.instances : [];
    const regionKey = formatPath(regionPath);
    instances.forEach((instanceNode: unknown, index) => {
      if (!isRecord(instanceNode)) return;
      const instance: Level = { path: [...region.path, "instances", index], node: instanceNode };
      mixedNotificationForms(instance, problems);
      instanceCount++;
      instanceCountByRegion.set(regionKey, (instanceCountByRegion.get(regionKey) ?? 0) + 1);

      if (!hasAnyCheck(instanceNode)) {
        const ways = ALL_CHECKS.map((check) => check.configuredBy);
        problems.push(problemAt(instance.path, `has no check: give it ${alternatives(ways)}`));
      }

      const id = instanceNode.instanceId;
      if (typeof id === "string") {
        const idPath = [...instance.path, "instanceId"];
        // Instance ids are unique per AWS account: the same id in two accounts is two instances.
        const accountId = `${account ?? ""}/${id}`;
        const first = seen.get(accountId);
        if (first === undefined) seen.set(accountId, idPath);
        else {
          problems.push(
            problemAt(
              idPath,
              `duplicate instance ${JSON.stringify(id)}, already configured at ${formatPath(first)}; an instance may appear once (remove one of them)`,
            ),
          );
        }
      }

      checkConflictsAt(atRegion, instance, problems);

      const levels = [defaults, region, instance];
      for (const check of ALL_CHECKS) {
        const target = targetOf(check, instanceNode);
        if (target === undefined || check.rules === undefined) continue;
        const settings = mergedSettings(
          check,
          levels.map((level) => level.node),
        );
        // Malformed settings are the schema's to report; the rules judge well-formed ones (a
        // malformed target, e.g. a bad fingerprint, does not hide a rule about the settings).
        if (specProblems(check.settings, settings, { allOptional: true }).length > 0) continue;
        let resolved: ReturnType<typeof check.resolve>;
        try {
          resolved = check.resolve({ target, settings, inVpc: isRecord(regionNode.vpc) });
        } catch {
          continue;
        }
        for (const problem of check.rules(resolved)) {
          problems.push(
            problemAt(
              [...instance.path, check.name, ...problem.path],
              withOrigin(problem, check.name, levels),
            ),
          );
        }
      }

      const notifications = mergedNotifications(levels.map((level) => level.node.notifications));
      for (const target of Object.keys(NOTIFY_TARGETS) as NotificationSecret[]) {
        const absent = NOTIFY_TARGETS[target].fields.filter(
          (field) => notifications[target][field] === undefined,
        );
        if (absent.length === 0) continue;
        const replacing = replacingLevel(levels, target);
        if (replacing === undefined)
          missing[target].push({ regionPath: region.path, instancePath: instance.path });
        else {
          // The block that sets "type" replaced the inherited one: what it lacks is missing there.
          for (const field of absent) {
            problems.push(
              problemAt(
                [...replacing.path, "notifications", target, field],
                `required: this ${target} block sets "type", so it replaces the inherited block and needs its own "${field}"`,
              ),
            );
          }
        }
      }
    });
  }

  for (const secret of Object.keys(NOTIFY_TARGETS) as NotificationSecret[]) {
    const message = `required: ${NOTIFY_TARGETS[secret].what} (in defaults.notifications, a region's or an instance's notifications block)`;
    const gaps = missing[secret];
    if (gaps.length === 0) continue;
    if (gaps.length === instanceCount) {
      problems.push(problemAt(["defaults", "notifications", secret], message));
      continue;
    }
    const byRegion = new Map<string, MissingSecret[]>();
    for (const gap of gaps) {
      const key = formatPath(gap.regionPath);
      byRegion.set(key, [...(byRegion.get(key) ?? []), gap]);
    }
    for (const regionGaps of byRegion.values()) {
      const first = regionGaps[0];
      if (first === undefined) continue;
      if (regionGaps.length === instanceCountByRegion.get(formatPath(first.regionPath))) {
        problems.push(problemAt([...first.regionPath, "notifications", secret], message));
      } else {
        for (const gap of regionGaps)
          problems.push(problemAt([...gap.instancePath, "notifications", secret], message));
      }
    }
  }
  return problems;
}
