/** One IAM policy statement, as the policy JSON spells it (the stack renders and checks them). */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** What a module that declares IAM statements knows about the region it is deployed in. */
export interface IamContext {
  readonly region: string;
  /** The account id (a Terraform reference in the synthesized JSON). */
  readonly accountId: string;
  /** `arn:<partition>` prefix part. */
  readonly partition: string;
  /** The ARN pattern a secret given by name or ARN is read through (names get AWS's suffix). */
  secretArn(nameOrArn: string): string;
  /**
   * Statements to read these secrets (GetSecretValue on them, and kms:Decrypt through Secrets
   * Manager on the configured keys), or none when the list is empty.
   */
  readSecrets(sid: string, secrets: readonly (string | undefined)[]): PolicyStatement[];
}

/**
 * DescribeInstances for a check that dials the instance's own IP, needed only when some instance
 * gives no host; the action has no resource-level permissions, hence `*`.
 */
export function instanceIpLookup(instances: readonly { readonly host?: string }[]): PolicyStatement[] {
  return instances.some((i) => i.host === undefined)
    ? [{ Sid: "LookUpInstanceIp", Effect: "Allow", Action: ["ec2:DescribeInstances"], Resource: ["*"] }]
    : [];
}
