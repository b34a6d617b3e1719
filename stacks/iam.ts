/** One IAM policy statement, as the policy JSON spells it. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

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
