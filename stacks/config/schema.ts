import { z } from "zod";
import { ALL_CHECKS } from "../../contract/checks";
import type { AnyCheck } from "../../contract/checks/check";
import { entry } from "../../contract/fields";
import { instanceIdField } from "../../contract/identifiers";
import { CHAT_FIELDS, CHAT_ON_FIELD, ESCALATION_FIELDS } from "../../contract/notifications";
import { RESTART_SETTINGS } from "../../contract/restart";
import { describeValue, didYouMean } from "../../contract/text";
import { ALARM_FIELDS, ENABLED_FIELD, HTTPS_ENDPOINT_FIELD, KMS_FIELDS, LOG_FIELDS } from "./blocks";
import { LEGACY_NOTIFICATION_FIELDS } from "./notifications";
import { AWS_REGIONS, isAwsRegion } from "./regions";
import { optionalFields, specFields, zodField } from "./zod-fields";

/*
 * The raw configuration exactly as a user writes it (DESIGN §4). Every object is strict, so a
 * typo is an error rather than a silently ignored setting. Each field's rules come from its one
 * definition (the contract's fields, the check registry, ./blocks); generic messages (missing,
 * wrong type) come from `validate.ts`, which also turns unknown keys into did-you-mean
 * suggestions.
 */

const REGION_PART = "[a-z]{2}(?:-[a-z]+)+-\\d";
/** SNS topic ARN in the commercial partition; group 1 is its region. */
export const SNS_TOPIC_ARN = new RegExp(
  `^arn:aws:sns:(${REGION_PART}):\\d{12}:[A-Za-z0-9_-]{1,256}(?:\\.fifo)?$`,
);
/** An e-mail address SNS can deliver to (one @, a dotted domain, no spaces). */
export const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** VPC subnet id. */
export const SUBNET_ID = /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
/** VPC security group id. */
export const SECURITY_GROUP_ID = /^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
/** Lower-case, digits and dashes: every derived resource name stays valid and within 64 chars. */
export const STACK_NAME = /^[a-z0-9-]{1,20}$/;
/** S3 bucket naming rules (lower-case, digits, dots, dashes; 3-63 characters). */
export const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** An AWS account id: 12 digits (a string: a number would lose leading zeros). */
export const ACCOUNT_ID = /^\d{12}$/;
/** A name under `accounts`; it becomes part of provider aliases and stack names. */
export const ACCOUNT_NAME = /^[a-z][a-z0-9-]{0,15}$/;
/** An IAM role ARN in the commercial partition, with an optional path; group 1 is its account. */
export const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\x21-\x2e\x30-\x7e]+\/)*[\w+=,.@-]{1,64}$/;
/** What `sts:AssumeRole` accepts as an external id. */
export const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
/** How regions are split into stacks (DESIGN §6). */
export const LAYOUTS = ["single", "per-region"] as const;

/** A string matching `pattern`, with a message naming what was expected. */
function matching(pattern: RegExp, what: string) {
  return z.string().regex(pattern, { error: (iss) => `${describeValue(iss.input)} is not ${what}` });
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

const notificationsBlock = z.strictObject({
  chat: z.strictObject(optionalFields(CHAT_FIELDS)).optional(),
  escalation: z.strictObject(optionalFields(ESCALATION_FIELDS)).optional(),
  chatOn: zodField(CHAT_ON_FIELD).optional(),
  ...optionalFields(LEGACY_NOTIFICATION_FIELDS),
});

/** A check's settings block as defaults and regions write it (settings only). */
function levelBlock(check: AnyCheck) {
  return z.strictObject(optionalFields(check.settings));
}

/**
 * A check's entries in an instance: its block with the target fields (`ssh.hostKeySha256`), or
 * the block's shorthand string (`"url": "https://..."`), or a key of its own
 * (`route53HealthCheckId`) beside the settings-only block.
 */
function instanceEntries(check: AnyCheck): Record<string, z.ZodType> {
  const placement = check.placement;
  if (placement.in === "key") {
    const target = check.target[placement.field];
    if (target === undefined) throw new Error(`check ${check.name}: no target field ${placement.field}`);
    return {
      [placement.key]: specFields({ [placement.field]: target })[placement.field]?.optional() as z.ZodType,
      [check.name]: levelBlock(check).optional(),
    };
  }
  const block = z.strictObject({ ...specFields(check.target), ...optionalFields(check.settings) });
  const shorthandField = placement.shorthand ? check.target[placement.shorthand] : undefined;
  if (shorthandField === undefined || placement.shorthand === undefined)
    return { [check.name]: block.optional() };
  // A string branch that fails with invalid_type on an object, so a malformed object reports its
  // own fields (validate.ts picks the branch of the value's type) rather than "matches neither".
  const shorthand = z.string().pipe(zodField(entry(shorthandField).field) as z.ZodType<string, string>);
  return {
    [check.name]: z
      .union([shorthand, block], {
        error: (iss) =>
          `expected the ${check.label} as a string or an object with "${placement.shorthand}", got ${describeValue(iss.input)}`,
      })
      .optional(),
  };
}

/** The settings blocks that merge field-wise instance > region > defaults. */
const settingsShape = {
  alarm: z.strictObject(optionalFields(ALARM_FIELDS)).optional(),
  restart: z.strictObject(optionalFields(RESTART_SETTINGS)).optional(),
  ...Object.fromEntries(ALL_CHECKS.map((check) => [check.name, levelBlock(check).optional()])),
  logs: z.strictObject(optionalFields(LOG_FIELDS)).optional(),
  notifications: notificationsBlock.optional(),
};

const instanceSchema = z.strictObject({
  instanceId: zodField(instanceIdField),
  enabled: zodField(ENABLED_FIELD).optional(),
  ...settingsShape,
  // An instance's check blocks also name its own targets (address, host, host keys, port).
  ...Object.assign({}, ...ALL_CHECKS.map(instanceEntries)),
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
      endpoint: zodField(HTTPS_ENDPOINT_FIELD),
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

/** Customer-managed keys the region's functions need (DESIGN §4 `kms`). */
const kmsBlock = z.strictObject(optionalFields(KMS_FIELDS));

const regionSchema = z.strictObject({
  // The default of the region's instances; an instance's own `enabled` wins (resolve.ts).
  enabled: zodField(ENABLED_FIELD).optional(),
  vpc: vpcSchema.optional(),
  kms: kmsBlock.optional(),
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

const regionsSchema = z
  .record(z.string(), regionSchema)
  .refine((regions) => Object.keys(regions).length > 0, {
    error: 'list at least one region, e.g. { "eu-west-1": { "instances": [...] } }',
  });

const accountSchema = z.strictObject({
  accountId: z
    .string({
      error: (iss) =>
        typeof iss.input === "number"
          ? `expected the account id as a string of 12 digits (a number loses leading zeros), got ${iss.input}`
          : undefined,
    })
    .regex(ACCOUNT_ID, {
      error: (iss) => `${describeValue(iss.input)} is not an AWS account id (12 digits, e.g. "123456789012")`,
    }),
  roleArn: matching(ROLE_ARN, "an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)"),
  externalId: matching(
    EXTERNAL_ID,
    "an STS external id (2-1224 characters: letters, digits and _+=,.@:/-)",
  ).optional(),
  regions: regionsSchema,
});

/** The whole raw document (cdktf.json `context.firstLine`, or the file `FIRST_LINE_CONFIG` names). */
export const rawConfigSchema = z.strictObject({
  stackName: matching(
    STACK_NAME,
    "a stack name (1-20 characters: lower-case letters, digits, dashes)",
  ).optional(),
  backend: backendSchema,
  operator: operatorSchema.optional(),
  defaults: z.strictObject({ ...settingsShape, kms: kmsBlock.optional() }).optional(),
  // `regions` or `accounts`, never both (checked in fleet.ts, which says which to keep).
  regions: regionsSchema.optional(),
  accounts: z
    .record(z.string(), accountSchema)
    .refine((accounts) => Object.keys(accounts).length > 0, {
      error:
        'list at least one account, e.g. { "prod": { "accountId": "123456789012", "roleArn": "arn:aws:iam::123456789012:role/first-line-deploy", "regions": { ... } } }',
    })
    .optional(),
  layout: z.enum(LAYOUTS).optional(),
});

/** The raw document after schema validation (before merging and cross-field rules). */
export type RawConfig = z.infer<typeof rawConfigSchema>;
/** One account as written. */
export type RawAccount = z.infer<typeof accountSchema>;
/** One region as written. */
export type RawRegion = z.infer<typeof regionSchema>;
/** One instance as written. */
export type RawInstance = z.infer<typeof instanceSchema>;
