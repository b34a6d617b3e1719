import { BUILTIN_DEFAULTS } from "./defaults";
import { type ConfigPath, didYouMean, formatPath, problemAt } from "./errors";
import { isRecord, overlay } from "./merge";
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
 * Checks the merged view of `name` at each level that changes one of `fields`, so a conflict is
 * reported once, where it is introduced, rather than once per instance that inherits it.
 */
function checkAtLevel(
  name: "alarm" | "restart",
  fields: readonly [string, string],
  merged: Fields,
  level: Level,
  test: (merged: Fields) => string | undefined,
  problems: string[],
): Fields {
  const own = block(level, name);
  const next = overlay(merged, own);
  if (sets(own, ...fields)) {
    const message = test(next);
    if (message !== undefined) {
      const field = own?.[fields[0]] !== undefined ? fields[0] : fields[1];
      problems.push(problemAt([...level.path, name, field], message));
    }
  }
  return next;
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
  if (!wholeIn(maxWait, 30, 3600) || !wholeIn(poll, 5, 300) || maxWait >= poll) return undefined;
  return `maxWaitSeconds ${maxWait} is less than pollSeconds ${poll} (after merging instance > region > defaults), so not even one status poll fits; raise maxWaitSeconds or lower pollSeconds`;
}

/**
 * The instance's checks, by DESIGN §4: a url address, a health check id, a pinned host key.
 * Presence is enough here: a malformed url or ssh block (e.g. without its address or host key)
 * is the schema's to report, with the exact field.
 */
function hasAnyCheck(instance: Fields): boolean {
  return (
    instance.url !== undefined || instance.route53HealthCheckId !== undefined || instance.ssh !== undefined
  );
}

const SECRET_PURPOSE = {
  slackWebhookSecret: "the Slack incoming-webhook URL",
  opsgenieApiKeySecret: "the OpsGenie API key",
} as const;
type NotificationSecret = keyof typeof SECRET_PURPOSE;

/** Where a missing notification secret is reported: as high up as every affected instance shares. */
interface MissingSecret {
  readonly regionPath: ConfigPath;
  readonly instancePath: ConfigPath;
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
  const alarmAtDefaults = checkAtLevel(
    "alarm",
    ["datapointsToAlarm", "evaluationPeriods"],
    { ...BUILTIN_DEFAULTS.alarm },
    defaults,
    alarmConflict,
    problems,
  );
  const restartAtDefaults = checkAtLevel(
    "restart",
    ["maxWaitSeconds", "pollSeconds"],
    { ...BUILTIN_DEFAULTS.restart },
    defaults,
    restartConflict,
    problems,
  );

  problems.push(...duplicateSubscriptionProblems(raw));

  const seen = new Map<string, ConfigPath>();
  const missing: Record<NotificationSecret, MissingSecret[]> = {
    slackWebhookSecret: [],
    opsgenieApiKeySecret: [],
  };
  let instanceCount = 0;
  const instanceCountByRegion = new Map<string, number>();

  const regions = isRecord(raw.regions) ? raw.regions : {};
  for (const [regionName, regionNode] of Object.entries(regions)) {
    if (!isAwsRegion(regionName)) {
      problems.push(
        problemAt(
          ["regions", regionName],
          `unknown AWS region ${JSON.stringify(regionName)}${didYouMean(regionName, AWS_REGIONS)}; region keys are AWS commercial region names such as "eu-west-1"`,
        ),
      );
    }
    if (!isRecord(regionNode)) continue;
    const region: Level = { path: ["regions", regionName], node: regionNode };
    const topicProblem = operatorTopicProblem(regionName, region);
    if (topicProblem !== undefined) problems.push(topicProblem);
    const alarmAtRegion = checkAtLevel(
      "alarm",
      ["datapointsToAlarm", "evaluationPeriods"],
      alarmAtDefaults,
      region,
      alarmConflict,
      problems,
    );
    const restartAtRegion = checkAtLevel(
      "restart",
      ["maxWaitSeconds", "pollSeconds"],
      restartAtDefaults,
      region,
      restartConflict,
      problems,
    );

    const instances = Array.isArray(regionNode.instances) ? regionNode.instances : [];
    instances.forEach((instanceNode: unknown, index) => {
      if (!isRecord(instanceNode)) return;
      const instance: Level = { path: [...region.path, "instances", index], node: instanceNode };
      instanceCount++;
      instanceCountByRegion.set(regionName, (instanceCountByRegion.get(regionName) ?? 0) + 1);

      if (!hasAnyCheck(instanceNode)) {
        problems.push(
          problemAt(
            instance.path,
            'has no check: give it a "url", a "route53HealthCheckId" or an "ssh" block with "hostKeySha256"',
          ),
        );
      }

      const id = instanceNode.instanceId;
      if (typeof id === "string") {
        const idPath = [...instance.path, "instanceId"];
        const first = seen.get(id);
        if (first === undefined) seen.set(id, idPath);
        else {
          problems.push(
            problemAt(
              idPath,
              `duplicate instance ${JSON.stringify(id)}, already configured at ${formatPath(first)}; an instance may appear once (remove one of them)`,
            ),
          );
        }
      }

      checkAtLevel(
        "alarm",
        ["datapointsToAlarm", "evaluationPeriods"],
        alarmAtRegion,
        instance,
        alarmConflict,
        problems,
      );
      checkAtLevel(
        "restart",
        ["maxWaitSeconds", "pollSeconds"],
        restartAtRegion,
        instance,
        restartConflict,
        problems,
      );

      const levels = [defaults, region, instance];
      const ownSsh = block(instance, "ssh");
      if (ownSsh?.hostKeySha256 !== undefined) {
        const ssh = overlay<Fields>({}, ...levels.map((level) => block(level, "ssh")));
        if (ssh.mode === "command" && ssh.privateKeySecret === undefined) {
          const modeLevel = [...levels].reverse().find((level) => block(level, "ssh")?.mode !== undefined);
          const setAt = modeLevel ? ` (set at ${formatPath([...modeLevel.path, "ssh", "mode"])})` : "";
          problems.push(
            problemAt(
              [...instance.path, "ssh", "privateKeySecret"],
              `required because ssh mode is "command"${setAt}: name the Secrets Manager secret holding the private key, or use mode "handshake"`,
            ),
          );
        }
      }

      const notifications = overlay<Fields>({}, ...levels.map((level) => block(level, "notifications")));
      for (const secret of Object.keys(SECRET_PURPOSE) as NotificationSecret[]) {
        if (notifications[secret] === undefined) {
          missing[secret].push({ regionPath: region.path, instancePath: instance.path });
        }
      }
    });
  }

  for (const secret of Object.keys(SECRET_PURPOSE) as NotificationSecret[]) {
    const message = `required: name the Secrets Manager secret holding ${SECRET_PURPOSE[secret]} (in defaults.notifications, a region's or an instance's notifications block)`;
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
      const regionName = String(first.regionPath[1]);
      if (regionGaps.length === instanceCountByRegion.get(regionName)) {
        problems.push(problemAt([...first.regionPath, "notifications", secret], message));
      } else {
        for (const gap of regionGaps)
          problems.push(problemAt([...gap.instancePath, "notifications", secret], message));
      }
    }
  }
  return problems;
}
