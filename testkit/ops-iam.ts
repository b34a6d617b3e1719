/**
 * Whether the operator policy (scripts/lib/ops/iam.ts, printed in the README) allows every AWS
 * call the on-call commands made against a stand-in: each recorded call turned into its IAM
 * action and resource ARN and evaluated by the offline IAM simulator (@cloud-copilot/iam-simulate,
 * test-only). `sts:GetCallerIdentity` needs no permission; `sts:AssumeRole` is judged against
 * the accounts statement.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { assumeRoleStatement, operatorPolicy } from "../scripts/lib/ops/iam";
import { alarmArn } from "../stacks/naming";
import type { AwsCall, AwsStandIn } from "./aws-stand-in";

/** IAM service prefixes of the SigV4 signing names the commands use. */
const PREFIX: Readonly<Record<string, string>> = {
  dynamodb: "dynamodb",
  states: "states",
  monitoring: "cloudwatch",
  sts: "sts",
};

/** One call as IAM sees it. */
export interface IamRequest {
  readonly action: string;
  readonly resources: readonly string[];
  readonly accountId: string;
}

/** The IAM action and resource ARNs of a recorded call (undefined for GetCallerIdentity). */
function iamRequest(call: AwsCall, standIn: AwsStandIn): IamRequest | undefined {
  const prefix = PREFIX[call.service];
  if (prefix === undefined) throw new Error(`no IAM prefix for ${call.service}`);
  if (call.operation === "GetCallerIdentity") return undefined;
  const body = (call.body ?? {}) as Record<string, unknown>;
  const accountId = standIn.accountOf(call.accessKeyId);
  const action = `${prefix}:${call.operation}`;
  const region = call.region ?? "";
  const alarm = (name: unknown) => alarmArn(region, accountId, String(name));
  const resources = (() => {
    switch (action) {
      case "sts:AssumeRole":
        return [String(body.RoleArn)];
      case "states:ListExecutions":
        return [String(body.stateMachineArn)];
      case "states:DescribeExecution":
      case "states:GetExecutionHistory":
        return [String(body.executionArn)];
      case "cloudwatch:DescribeAlarms":
        return ((body.AlarmNames as unknown[] | undefined) ?? []).map(alarm);
      case "cloudwatch:SetAlarmState":
        return [alarm(body.AlarmName)];
      default:
        if (prefix === "dynamodb")
          return [`arn:aws:dynamodb:${region}:${accountId}:table/${String(body.TableName)}`];
        throw new Error(`no resource rule for ${action}`);
    }
  })();
  return { action, resources, accountId };
}

/** The simulator's verdict for each call's action on each resource: `<action> <arn>: <verdict>`. */
export async function operatorVerdicts(
  calls: readonly AwsCall[],
  standIn: AwsStandIn,
  stackName: string,
  roleArns: readonly string[] = [],
): Promise<string[]> {
  const policy = operatorPolicy(stackName);
  const withAccounts = { ...policy, Statement: [...policy.Statement, assumeRoleStatement(roleArns)] };
  const out = new Set<string>();
  for (const call of calls) {
    const request = iamRequest(call, standIn);
    if (request === undefined) continue;
    for (const resource of request.resources) {
      const result = await runSimulation(
        {
          request: {
            principal: `arn:aws:iam::${request.accountId}:user/operator`,
            action: request.action,
            resource: { resource, accountId: request.accountId },
            contextVariables: {},
          },
          identityPolicies: [{ name: "operator", policy: roleArns.length > 0 ? withAccounts : policy }],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
        },
        {},
      );
      if (result.resultType === "error") {
        throw new Error(
          `simulation of ${request.action} on ${resource} failed: ${JSON.stringify(result.errors)}`,
        );
      }
      out.add(`${request.action} ${resource}: ${result.overallResult}`);
    }
  }
  return [...out].sort();
}
