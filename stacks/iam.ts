import type { IamContext, PolicyStatement } from "../contract/iam";
import { secretRegion } from "../contract/identifiers";
import { PARTITION, secretArn } from "./naming";

export type { IamContext, PolicyStatement } from "../contract/iam";

/**
 * The only actions granted on `Resource: "*"`, each with the AWS reason. Policies are checked
 * against this list when they are built, the tests read it, and the README prints it.
 */
export const WILDCARD_ALLOW_LIST: Readonly<Record<string, string>> = {
  "ec2:DescribeInstanceStatus": "EC2 Describe* actions support no resource-level permissions.",
  "ec2:DescribeInstances": "EC2 Describe* actions support no resource-level permissions.",
  "ec2:CreateNetworkInterface":
    "Lambda in a VPC creates its ENIs before they exist; AWS documents Resource * for these (AWSLambdaVPCAccessExecutionRole).",
  "ec2:DescribeNetworkInterfaces": "EC2 Describe* actions support no resource-level permissions.",
  "ec2:DescribeSubnets": "EC2 Describe* actions support no resource-level permissions.",
  "ec2:DeleteNetworkInterface":
    "Lambda in a VPC deletes ENIs it created, whose ids are unknown in advance (AWSLambdaVPCAccessExecutionRole).",
  "ec2:AssignPrivateIpAddresses": "Lambda VPC networking; same reason as ec2:CreateNetworkInterface.",
  "ec2:UnassignPrivateIpAddresses": "Lambda VPC networking; same reason as ec2:CreateNetworkInterface.",
  "cloudwatch:PutMetricData":
    "CloudWatch metrics have no ARNs; the statement is limited to the FirstLine namespace by the cloudwatch:namespace condition.",
  "xray:PutTraceSegments": "X-Ray write actions support no resource-level permissions.",
  "xray:PutTelemetryRecords": "X-Ray write actions support no resource-level permissions.",
  "xray:GetSamplingRules": "X-Ray sampling actions support no resource-level permissions.",
  "xray:GetSamplingTargets": "X-Ray sampling actions support no resource-level permissions.",
  "logs:CreateLogDelivery":
    "Step Functions log delivery (vended logs) actions support no resource-level permissions.",
  "logs:GetLogDelivery": "Step Functions log delivery actions support no resource-level permissions.",
  "logs:UpdateLogDelivery": "Step Functions log delivery actions support no resource-level permissions.",
  "logs:DeleteLogDelivery": "Step Functions log delivery actions support no resource-level permissions.",
  "logs:ListLogDeliveries": "Step Functions log delivery actions support no resource-level permissions.",
  "logs:PutResourcePolicy": "Step Functions log delivery actions support no resource-level permissions.",
  "logs:DescribeResourcePolicies":
    "Step Functions log delivery actions support no resource-level permissions.",
  "logs:DescribeLogGroups": "Step Functions log delivery actions support no resource-level permissions.",
};

/**
 * The policy JSON for the statements. Throws when a statement grants a non-allow-listed action
 * on `*`, so a wildcard cannot slip in without a reason written down.
 */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  for (const s of statements) {
    if (s.Resource.length === 0) throw new Error(`IAM statement ${s.Sid} has no resources`);
    if (!s.Resource.includes("*")) continue;
    const unlisted = s.Action.filter((a) => !(a in WILDCARD_ALLOW_LIST));
    if (unlisted.length > 0) {
      throw new Error(
        `IAM statement ${s.Sid} grants ${unlisted.join(", ")} on "*" without an allow-list reason`,
      );
    }
  }
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/**
 * Trust policy letting one AWS service assume a role. With `sourceAccount`, only on behalf of
 * this account (the confused-deputy guard Step Functions and EventBridge document; Lambda
 * execution roles take no such condition).
 */
export function trustPolicy(service: string, sourceAccount?: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        ...(sourceAccount ? { Condition: { StringEquals: { "aws:SourceAccount": sourceAccount } } } : {}),
      },
    ],
  });
}

/** Options of {@link iamContext}. */
export interface IamContextOptions {
  readonly region: string;
  readonly accountId: string;
  /** Customer-managed keys encrypting the secrets (DESIGN §4 `kms.secretsKeyArns`). @default none */
  readonly secretsKeyArns?: readonly string[];
}

/** Each value once, sorted: a statement's list reads the same whatever the configuration's order. */
export function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

/**
 * What check and sender modules know when they declare their statements. Reading secrets is
 * GetSecretValue on exactly those secrets and, with customer-managed keys, kms:Decrypt on them
 * only through Secrets Manager in the secrets' own regions (a secret ARN may be in another region).
 */
export function iamContext(options: IamContextOptions): IamContext {
  const { region, accountId } = options;
  return {
    region,
    accountId,
    partition: PARTITION,
    secretArn: (nameOrArn) => secretArn(region, accountId, nameOrArn),
    readSecrets(sid, secrets) {
      const named = unique(secrets.filter((s): s is string => s !== undefined && s !== ""));
      if (named.length === 0) return [];
      const statements: PolicyStatement[] = [
        {
          Sid: sid,
          Effect: "Allow",
          Action: ["secretsmanager:GetSecretValue"],
          Resource: named.map((s) => secretArn(region, accountId, s)),
        },
      ];
      const keys = unique(options.secretsKeyArns ?? []);
      if (keys.length > 0) {
        const regions = unique(named.map((s) => secretRegion(s) ?? region));
        statements.push({
          Sid: `${sid}Decrypt`,
          Effect: "Allow",
          Action: ["kms:Decrypt"],
          Resource: keys,
          Condition: {
            StringEquals: { "kms:ViaService": regions.map((r) => `secretsmanager.${r}.amazonaws.com`) },
          },
        });
      }
      return statements;
    },
  };
}
