/**
 * The settings blocks that merge instance > region > defaults (DESIGN §4), each from its one
 * definition: the checks' blocks from the check registry, `restart` and `notifications` from
 * the contract (the workflow and the functions read them too), `alarm` and `logs` here (only
 * the stack reads them).
 */
import { decimal, type Field, flag, oneOf, type Shape, text, whole } from "../../contract/fields";
import { isPlainHttpUrl, urlCredentialsProblem } from "../../contract/identifiers";

/** CloudWatch statistics the CPU alarm may use. */
export const STATISTICS = ["Average", "Maximum", "Minimum", "Sum", "SampleCount"] as const;
/** CloudWatch's `treat_missing_data` values. */
export const TREAT_MISSING_DATA = ["missing", "ignore", "breaching", "notBreaching"] as const;
/** The only values CloudWatch Logs accepts for `retention_in_days`. */
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The per-instance CPU alarm. */
export const ALARM_FIELDS = {
  statistic: oneOf(STATISTICS),
  threshold: decimal(0, 100, { what: "a CPU percentage from 0 to 100" }),
  periodSeconds: whole(10, 86_400, {
    test: (p) => p === 10 || p === 30 || p % 60 === 0,
    what: "a CloudWatch alarm period (10, 30 or a multiple of 60 up to 86400)",
  }),
  evaluationPeriods: whole(1, 100),
  datapointsToAlarm: whole(1, 100),
  treatMissingData: oneOf(TREAT_MISSING_DATA),
} as const;

export const ALARM_DEFAULTS = {
  statistic: "Average",
  // CPU pinned at the ceiling, not merely busy.
  threshold: 99,
  // Works with basic monitoring (5-minute datapoints); use 60 for detailed monitoring.
  periodSeconds: 300,
  evaluationPeriods: 2,
  datapointsToAlarm: 2,
  // A reboot leaves a gap in the metric; treating it as breaching would re-trigger the alarm.
  treatMissingData: "missing",
} as const satisfies Shape<typeof ALARM_FIELDS>;

/** Log groups of the region's functions and state machine. */
export const LOG_FIELDS = {
  retentionDays: whole(1, 3653, {
    test: (days) => (RETENTION_DAYS as readonly number[]).includes(days),
    what: `a CloudWatch Logs retention (one of ${RETENTION_DAYS.join(", ")})`,
  }),
} as const;

export const LOG_DEFAULTS = { retentionDays: 30 } as const satisfies Shape<typeof LOG_FIELDS>;

export type AlarmSettings = Shape<typeof ALARM_FIELDS>;
export type LogSettings = Shape<typeof LOG_FIELDS>;
export type Statistic = AlarmSettings["statistic"];
export type TreatMissingData = AlarmSettings["treatMissingData"];

/** A KMS key ARN (a key, not an alias: IAM grants on aliases do not cover the key's use). */
export const KMS_KEY_ARN = /^arn:aws:kms:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:key\/[A-Za-z0-9-]{1,128}$/;

/** A list of KMS key ARNs (may be empty: no customer-managed key). */
function keyList(what: string): Field<readonly string[]> {
  const key = text({
    pattern: KMS_KEY_ARN,
    what: "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>; not an alias)",
  });
  return {
    what,
    shape: { kind: "list" },
    problems: (value) =>
      Array.isArray(value)
        ? value.flatMap((entry, i) => key.problems(entry).map((p) => ({ ...p, path: [i, ...p.path] })))
        : [{ path: [], message: `expected ${what}, got ${typeof value}` }],
  };
}

/**
 * Customer-managed keys (DESIGN §4 `kms`): the keys encrypting the secrets the functions read,
 * and the keys encrypting the instances' EBS volumes (stop-start needs a grant on them).
 */
export const KMS_FIELDS = {
  secretsKeyArns: keyList("a list of KMS key ARNs encrypting the secrets first-line reads"),
  ebsKeyArns: keyList("a list of KMS key ARNs encrypting the instances' EBS volumes"),
} as const;

export const KMS_DEFAULTS = { secretsKeyArns: [], ebsKeyArns: [] } as const satisfies Shape<
  typeof KMS_FIELDS
>;
export type KmsSettings = Shape<typeof KMS_FIELDS>;

/**
 * An `operator.subscriptions` https endpoint (e.g. a pager's SNS integration URL). SNS posts the
 * alarm to it as given, so credentials in it would sit in Terraform state: refused, unechoed.
 */
export const HTTPS_ENDPOINT_FIELD = text({
  refuse: urlCredentialsProblem,
  test: (value) => isPlainHttpUrl(value, ["https:"]),
  what: "an https:// URL (e.g. a pager's SNS integration URL)",
});

/**
 * `enabled` of a region or an instance (DESIGN §4): `false` keeps every resource but disables
 * the instance's EventBridge rule, so an alarm starts nothing until it is `true` (or left out)
 * again. The instance's own value wins over its region's, like every other setting.
 */
export const ENABLED_FIELD = flag();
