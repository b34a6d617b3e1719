/**
 * Every regional name is `<stackName>-<region>-<part>`. IAM names are account-global, so the
 * region in them is what lets two regions' roles coexist; `stackName` is at most 20 characters
 * (validated) so the longest name here stays within AWS's 64-character limits.
 */
export function regionalName(stackName: string, region: string, part: string): string {
  return `${stackName}-${region}-${part}`;
}

/** AWS's limit for IAM role, Lambda function, EventBridge rule and SQS queue names. */
export const MAX_NAME_LENGTH = 64;

/** Commercial partition: the config only accepts commercial region names. */
export const PARTITION = "aws";

export function instanceArn(region: string, accountId: string, instanceId: string): string {
  return `arn:${PARTITION}:ec2:${region}:${accountId}:instance/${instanceId}`;
}

/**
 * A secret given by name resolves in the function's own region, and Secrets Manager appends a
 * random six-character suffix to the ARN; a secret given as an ARN is used as it is.
 */
export function secretArn(region: string, accountId: string, nameOrArn: string): string {
  if (nameOrArn.startsWith("arn:")) return nameOrArn;
  return `arn:${PARTITION}:secretsmanager:${region}:${accountId}:secret:${nameOrArn}-??????`;
}
