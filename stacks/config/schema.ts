import { z } from "zod";
import { HEALTH_CHECK_ID } from "../../functions/route53-check/input";
import { INSTANCE_ID } from "../../functions/shared/input";
import { hasUrlCredentials, URL_CREDENTIALS_PROBLEM } from "../../functions/shared/url";
import { FINGERPRINT as HOST_KEY_SHA256 } from "../../functions/ssh-check/fingerprint";
import { describeValue, didYouMean } from "./errors";
import { AWS_REGIONS, isAwsRegion } from "./regions";

/*
 * The raw configuration exactly as a user writes it (DESIGN §4). Every object is strict, so a
 * typo is an error rather than a silently ignored setting. Field messages say what the value
 * should look like; generic messages (missing, wrong type, out of range) come from
 * `validate.ts`, which also turns unknown keys into did-you-mean suggestions.
 */

export { HEALTH_CHECK_ID } from "../../functions/route53-check/input";
// The identifiers the functions validate at run time, from the same source, so config and
// handlers can never disagree on what an instance id, health check id or fingerprint is.
export { INSTANCE_ID } from "../../functions/shared/input";
export { FINGERPRINT as HOST_KEY_SHA256 } from "../../functions/ssh-check/fingerprint";

const REGION_PART = "[a-z]{2}(?:-[a-z]+)+-\\d";
/** SNS topic ARN in the commercial partition; group 1 is its region. */
export const SNS_TOPIC_ARN = new RegExp(
  `^arn:aws:sns:(${REGION_PART}):\\d{12}:[A-Za-z0-9_-]{1,256}(?:\\.fifo)?$`,
);
/** An e-mail address SNS can deliver to (one @, a dotted domain, no spaces). */
export const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** A Secrets Manager secret name (AWS's allowed characters and length). */
export const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
/** A Secrets Manager secret ARN in the commercial partition. */
export const SECRET_ARN = new RegExp(
  `^arn:aws:secretsmanager:${REGION_PART}:\\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$`,
);
/** VPC subnet id. */
export const SUBNET_ID = /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
/** VPC security group id. */
export const SECURITY_GROUP_ID = /^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
/** Lower-case, digits and dashes: every derived resource name stays valid and within 64 chars. */
export const STACK_NAME = /^[a-z0-9-]{1,20}$/;
/** S3 bucket naming rules (lower-case, digits, dots, dashes; 3-63 characters). */
export const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** A DNS name, IPv4 or IPv6 address: what ssh2 accepts as `host`. */
export const SSH_HOST = /^[A-Za-z0-9.:-]{1,253}$/;
const STATUS_LIST = /^\d{3}(?:-\d{3})?(?:,\d{3}(?:-\d{3})?)*$/;

/** CloudWatch statistics the CPU alarm may use. */
export const STATISTICS = ["Average", "Maximum", "Minimum", "Sum", "SampleCount"] as const;
/** CloudWatch's `treat_missing_data` values. */
export const TREAT_MISSING_DATA = ["missing", "ignore", "breaching", "notBreaching"] as const;
/** How an instance is restarted (DESIGN §3 step 2). */
export const RESTART_METHODS = ["reboot", "stop-start"] as const;
/** SSH check modes (DESIGN §3). */
export const SSH_MODES = ["handshake", "command"] as const;
/** OpsGenie alert priorities. */
export const OPSGENIE_PRIORITIES = ["P1", "P2", "P3", "P4", "P5"] as const;
/** The only values CloudWatch Logs accepts for `retention_in_days`. */
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** A string matching `pattern`, with a message naming what was expected. */
function matching(pattern: RegExp, what: string) {
  return z.string().regex(pattern, { error: (iss) => `${describeValue(iss.input)} is not ${what}` });
}

function int(min: number, max: number) {
  return z.number().int().min(min).max(max);
}

function httpUrl(protocols: readonly string[], what: string) {
  return z
    .string()
    .refine((value) => URL.canParse(value) && protocols.includes(new URL(value).protocol), {
      error: (iss) => `${describeValue(iss.input)} is not ${what}`,
      abort: true,
    })
    .refine((value) => !hasUrlCredentials(value), {
      // Never echo the value: the password is the very thing that must not be printed.
      error: URL_CREDENTIALS_PROBLEM,
    });
}

/** The message of a discriminated union whose discriminator `key` holds none of `allowed`. */
function discriminatorError(key: string, allowed: readonly string[]) {
  return (iss: z.core.$ZodRawIssue) =>
    iss.code === "invalid_union"
      ? `expected "${key}" to be ${allowed.map((v) => JSON.stringify(v)).join(" or ")}, got ${describeValue(
          typeof iss.input === "object" && iss.input !== null
            ? (iss.input as Record<string, unknown>)[key]
            : iss.input,
        )}`
      : undefined;
}

/** True when `value` is a comma-separated list of status codes (100-599) and ascending ranges. */
export function isStatusList(value: string): boolean {
  if (!STATUS_LIST.test(value)) return false;
  return value.split(",").every((part) => {
    const [low = 0, high = low] = part.split("-").map(Number);
    return low >= 100 && high <= 599 && low <= high;
  });
}

const secretRef = z
  .string()
  .refine((value) => (value.startsWith("arn:") ? SECRET_ARN.test(value) : SECRET_NAME.test(value)), {
    error: (iss) =>
      `${describeValue(iss.input)} is not a Secrets Manager secret name or ARN (a name of letters, digits and /_+=.@- or arn:aws:secretsmanager:<region>:<account>:secret:<name>)`,
  });

const alarmBlock = z.strictObject({
  statistic: z.enum(STATISTICS).optional(),
  threshold: z.number().min(0).max(100).optional(),
  periodSeconds: z
    .number()
    .int()
    .refine((p) => p === 10 || p === 30 || (p >= 60 && p <= 86_400 && p % 60 === 0), {
      error: (iss) =>
        `${describeValue(iss.input)} is not a CloudWatch alarm period (10, 30 or a multiple of 60 up to 86400)`,
    })
    .optional(),
  evaluationPeriods: int(1, 100).optional(),
  datapointsToAlarm: int(1, 100).optional(),
  treatMissingData: z.enum(TREAT_MISSING_DATA).optional(),
});

const restartBlock = z.strictObject({
  method: z.enum(RESTART_METHODS).optional(),
  settleSeconds: int(0, 3600).optional(),
  pollSeconds: int(5, 300).optional(),
  maxWaitSeconds: int(30, 3600).optional(),
  cooldownMinutes: int(0, 1440).optional(),
});

const urlSettingsShape = {
  timeoutSeconds: int(1, 60).optional(),
  expectStatus: z
    .string()
    .refine(isStatusList, {
      error: (iss) =>
        `${describeValue(iss.input)} is not a status list (codes 100-599 and ranges, e.g. "200-399" or "200,204,300-302")`,
    })
    .optional(),
  expectBody: z.string().min(1).optional(),
};
const urlBlock = z.strictObject(urlSettingsShape);
const urlAddress = httpUrl(["http:", "https:"], "an absolute http:// or https:// URL");
const instanceUrl = z.union([urlAddress, z.strictObject({ address: urlAddress, ...urlSettingsShape })], {
  error: (iss) => `expected the URL as a string or an object with "address", got ${describeValue(iss.input)}`,
});

const route53Block = z.strictObject({
  minHealthyShare: z
    .number()
    .refine((share) => share > 0 && share <= 1, {
      error: (iss) => `${describeValue(iss.input)} is not a share of checkers (more than 0, at most 1)`,
    })
    .optional(),
});

const sshSettingsShape = {
  user: z.string().min(1).optional(),
  port: int(1, 65_535).optional(),
  mode: z.enum(SSH_MODES).optional(),
  privateKeySecret: secretRef.optional(),
  command: z.string().min(1).optional(),
  timeoutSeconds: int(1, 60).optional(),
};
const sshBlock = z.strictObject(sshSettingsShape);
const fingerprint = matching(
  HOST_KEY_SHA256,
  'an OpenSSH SHA-256 host key fingerprint ("SHA256:" + 43 base64 characters, as `ssh-keygen -lf` prints it)',
);
const instanceSsh = z.strictObject({
  host: matching(SSH_HOST, "a host name or IP address").optional(),
  hostKeySha256: z.union([fingerprint, z.array(fingerprint).min(1)], {
    error: (iss) =>
      iss.input === undefined
        ? "required in an instance's ssh block: the host key fingerprint(s) the SSH check pins (ssh-keyscan <host> | ssh-keygen -lf -)"
        : `expected a fingerprint or a non-empty list of fingerprints, got ${describeValue(iss.input)}`,
  }),
  ...sshSettingsShape,
});

const logsBlock = z.strictObject({
  retentionDays: z
    .number()
    .refine((days) => (RETENTION_DAYS as readonly number[]).includes(days), {
      error: (iss) =>
        `${describeValue(iss.input)} is not a CloudWatch Logs retention (one of ${RETENTION_DAYS.join(", ")})`,
    })
    .optional(),
});

const notificationsBlock = z.strictObject({
  slackWebhookSecret: secretRef.optional(),
  opsgenieApiKeySecret: secretRef.optional(),
  opsgenieApiUrl: httpUrl(["https:"], "an https:// URL").optional(),
  opsgeniePriority: z.enum(OPSGENIE_PRIORITIES).optional(),
});

/** The settings blocks that merge field-wise instance > region > defaults. */
const settingsShape = {
  alarm: alarmBlock.optional(),
  restart: restartBlock.optional(),
  url: urlBlock.optional(),
  route53: route53Block.optional(),
  ssh: sshBlock.optional(),
  logs: logsBlock.optional(),
  notifications: notificationsBlock.optional(),
};

const instanceSchema = z.strictObject({
  instanceId: matching(INSTANCE_ID, "an EC2 instance id (expected i- followed by 8 or 17 hex digits)"),
  route53HealthCheckId: matching(
    HEALTH_CHECK_ID,
    "a Route 53 health check id (a lower-case UUID like abcdef01-2345-6789-abcd-ef0123456789)",
  ).optional(),
  ...settingsShape,
  // An instance's url and ssh blocks also name its own target (address, host, host keys).
  url: instanceUrl.optional(),
  ssh: instanceSsh.optional(),
});

/** Who hears that first-line itself is failing: subscribed to every region's operator topic. */
const operatorSubscription = z.discriminatedUnion(
  "protocol",
  [
    z.strictObject({
      protocol: z.literal("email"),
      endpoint: matching(EMAIL_ADDRESS, "an e-mail address"),
    }),
    z.strictObject({
      protocol: z.literal("https"),
      endpoint: httpUrl(["https:"], "an https:// URL (e.g. a pager's SNS integration URL)"),
    }),
  ],
  { error: discriminatorError("protocol", ["email", "https"]) },
);

const operatorSchema = z.strictObject({
  subscriptions: z.array(operatorSubscription).optional(),
});

const vpcSchema = z.strictObject({
  subnetIds: z.array(matching(SUBNET_ID, "a subnet id (subnet- followed by 8 or 17 hex digits)")).min(1),
  securityGroupIds: z
    .array(matching(SECURITY_GROUP_ID, "a security group id (sg- followed by 8 or 17 hex digits)"))
    .min(1),
});

const regionSchema = z.strictObject({
  vpc: vpcSchema.optional(),
  // An existing topic instead of the one first-line creates; rules.ts checks its region.
  operatorTopicArn: matching(
    SNS_TOPIC_ARN,
    "an SNS topic ARN (arn:aws:sns:<region>:<12-digit account>:<topic name>)",
  ).optional(),
  ...settingsShape,
  instances: z
    .array(instanceSchema)
    .min(1, { error: "a region needs at least one instance (remove the region or add an instance)" }),
});

const backendSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({
      type: z.literal("s3"),
      bucket: matching(BUCKET_NAME, "an S3 bucket name (3-63 lower-case letters, digits, dots and dashes)"),
      key: z.string().min(1),
      region: z.string().refine(isAwsRegion, {
        error: (iss) =>
          `${describeValue(iss.input)} is not an AWS commercial region${
            typeof iss.input === "string" ? didYouMean(iss.input, AWS_REGIONS) : ""
          }`,
      }),
    }),
    z.strictObject({
      type: z.literal("cloud"),
      organization: z.string().min(1),
      workspace: z.string().min(1),
      project: z.string().min(1).optional(),
    }),
  ],
  { error: discriminatorError("type", ["s3", "cloud"]) },
);

/** The whole raw document (cdktf.json `context.firstLine`, or the file `FIRST_LINE_CONFIG` names). */
export const rawConfigSchema = z.strictObject({
  stackName: matching(
    STACK_NAME,
    "a stack name (1-20 characters: lower-case letters, digits, dashes)",
  ).optional(),
  backend: backendSchema,
  operator: operatorSchema.optional(),
  defaults: z.strictObject(settingsShape).optional(),
  regions: z.record(z.string(), regionSchema).refine((regions) => Object.keys(regions).length > 0, {
    error: 'list at least one region, e.g. { "eu-west-1": { "instances": [...] } }',
  }),
});

/** The raw document after schema validation (before merging and cross-field rules). */
export type RawConfig = z.infer<typeof rawConfigSchema>;
/** One region as written. */
export type RawRegion = z.infer<typeof regionSchema>;
/** One operator subscription as written. */
export type RawOperatorSubscription = z.infer<typeof operatorSubscription>;
/** One instance as written. */
export type RawInstance = z.infer<typeof instanceSchema>;
