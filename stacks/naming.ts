/**
 * Every regional name is `<stackName>-<region>-<part>`. IAM names are account-global, so the
 * region in them is what lets two regions' roles coexist; `stackName` is at most 20 characters
 * (validated) so the longest name here stays within AWS's 64-character limits.
 */
export function regionalName(stackName: string, region: string, part: string): string {
  return `${stackName}-${region}-${part}`;
}

/** A per-instance name: `<stackName>-<region>-<instance id>-<part>`. */
function instanceResourceName(stackName: string, region: string, instanceId: string, part: string): string {
  return regionalName(stackName, region, `${instanceId}-${part}`);
}

/** The instance's CPU alarm, which the drill command sets to ALARM. */
export function cpuAlarmName(stackName: string, region: string, instanceId: string): string {
  return instanceResourceName(stackName, region, instanceId, "cpu");
}

/** The EventBridge rule that starts the workflow when the instance's CPU alarm goes to ALARM. */
export function alarmRuleName(stackName: string, region: string, instanceId: string): string {
  return instanceResourceName(stackName, region, instanceId, "alarm");
}

/** The region's dead-letter queue: alarm events that could not start the workflow. */
export function deadLetterQueueName(stackName: string, region: string): string {
  return regionalName(stackName, region, "dlq");
}

/**
 * The operator topic first-line creates in a region that names no `operatorTopicArn` of its own
 * (DESIGN §2); the "first-line is failing" alarm notifies it.
 */
export function operatorTopicName(stackName: string, region: string): string {
  return regionalName(stackName, region, "operator");
}

/** The region's CloudWatch dashboard (DESIGN §2): `<stackName>-<region>-first-line`. */
export function dashboardName(stackName: string, region: string): string {
  return regionalName(stackName, region, "first-line");
}

/** AWS's limit for IAM role, Lambda function, EventBridge rule and SQS queue names. */
export const MAX_NAME_LENGTH = 64;

/** Commercial partition: the config only accepts commercial region names. */
export const PARTITION = "aws";

export function instanceArn(region: string, accountId: string, instanceId: string): string {
  return `arn:${PARTITION}:ec2:${region}:${accountId}:instance/${instanceId}`;
}

/** A state machine's ARN from its name (what Terraform would output once it exists). */
export function stateMachineArn(region: string, accountId: string, name: string): string {
  return `arn:${PARTITION}:states:${region}:${accountId}:stateMachine:${name}`;
}

/** A CloudWatch alarm's ARN from its name. */
export function alarmArn(region: string, accountId: string, name: string): string {
  return `arn:${PARTITION}:cloudwatch:${region}:${accountId}:alarm:${name}`;
}

/**
 * A secret given by name resolves in the function's own region, and Secrets Manager appends a
 * random six-character suffix to the ARN; a secret given as an ARN is used as it is.
 */
export function secretArn(region: string, accountId: string, nameOrArn: string): string {
  if (nameOrArn.startsWith("arn:")) return nameOrArn;
  return `arn:${PARTITION}:secretsmanager:${region}:${accountId}:secret:${nameOrArn}-??????`;
}

/**
 * A region's key (DESIGN §6): its provider alias and its regional construct's id, `<region>` or
 * `<account>-<region>`. Keys never collide: account names are `[a-z][a-z0-9-]{0,15}` and no AWS
 * region name ends in `-<another region name>`. The same key in both layouts keeps resource
 * addresses inside a region unchanged when a fleet moves between them.
 */
export function regionKey(region: string, account?: string): string {
  return account === undefined ? region : `${account}-${region}`;
}

/** A per-region stack: `<stackName>-<region>` or `<stackName>-<account>-<region>` (DESIGN §6). */
export function regionStackName(stackName: string, key: string): string {
  return `${stackName}-${key}`;
}

/**
 * The `session_name` a provider assumes an account's role with: CloudTrail in that account shows
 * which deployment and region acted. At most 11 + 20 + 1 + 14 = 46 characters of `[a-z0-9-]`,
 * within STS's 64.
 */
export function assumeRoleSessionName(stackName: string, region: string): string {
  return `first-line-${stackName}-${region}`;
}
