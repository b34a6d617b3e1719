import type { OpsgeniePriority, RestartMethod } from "../../functions/shared/contracts";
import type { Statistic, TreatMissingData } from "./types";

/**
 * What applies when neither an instance, its region nor `defaults` sets a field: the values of
 * DESIGN §2-§4. Secret names have no built-in value on purpose: they name secrets the operator
 * creates, so guessing one would only move the failure to run time.
 */
export const BUILTIN_DEFAULTS = {
  alarm: {
    statistic: "Average" as Statistic,
    // CPU pinned at the ceiling, not merely busy.
    threshold: 99,
    // Works with basic monitoring (5-minute datapoints); use 60 for detailed monitoring.
    periodSeconds: 300,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    // A reboot leaves a gap in the metric; treating it as breaching would re-trigger the alarm.
    treatMissingData: "missing" as TreatMissingData,
  },
  restart: {
    method: "reboot" as RestartMethod,
    // A reboot never leaves `running` and status checks can stay ok, so polling at once would
    // see the instance "back" before it went down.
    settleSeconds: 90,
    pollSeconds: 15,
    maxWaitSeconds: 600,
    cooldownMinutes: 30,
  },
  url: { timeoutSeconds: 10, expectStatus: "200-399" },
  route53: { minHealthyShare: 0.5 },
  ssh: { user: "ec2-user", port: 22, command: "true", timeoutSeconds: 15 },
  logs: { retentionDays: 30 },
  notifications: { opsgenieApiUrl: "https://api.opsgenie.com", opsgeniePriority: "P2" as OpsgeniePriority },
} as const;
