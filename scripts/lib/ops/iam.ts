/**
 * What an operator may need for the on-call commands, as one IAM policy (README "On call"
 * prints it for the committed example): each statement names the commands that use it, and
 * the commands name the statement when AWS refuses one of its actions.
 *
 * Resources use the stack's names with a wildcard for the region (`<stackName>-*-locks`);
 * `sts:GetCallerIdentity` needs no permission, so it is not listed.
 */
import { PARTITION } from "../../../stacks/naming";

/** One statement of the operator policy. */
export interface OperatorStatement {
  readonly Sid: string;
  /** The commands that call these actions (for the README and the messages). */
  readonly commands: readonly string[];
  readonly actions: readonly string[];
  /** The resource ARN patterns for a stack name. */
  readonly resources: (stackName: string) => readonly string[];
}

export const OPERATOR_STATEMENTS: readonly OperatorStatement[] = [
  {
    Sid: "FirstLinePauses",
    commands: ["pause", "resume", "status", "drill"],
    actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Scan"],
    resources: (stack) => [`arn:${PARTITION}:dynamodb:*:*:table/${stack}-*-locks`],
  },
  {
    Sid: "FirstLineExecutions",
    commands: ["status", "history", "drill"],
    actions: ["states:ListExecutions"],
    resources: (stack) => [`arn:${PARTITION}:states:*:*:stateMachine:${stack}-*-remediation`],
  },
  {
    Sid: "FirstLineExecutionDetails",
    commands: ["status", "history", "drill"],
    actions: ["states:DescribeExecution", "states:GetExecutionHistory"],
    resources: (stack) => [`arn:${PARTITION}:states:*:*:execution:${stack}-*-remediation:*`],
  },
  {
    Sid: "FirstLineDrill",
    commands: ["drill"],
    actions: ["cloudwatch:DescribeAlarms", "cloudwatch:SetAlarmState"],
    resources: (stack) => [`arn:${PARTITION}:cloudwatch:*:*:alarm:${stack}-*-cpu`],
  },
];

/** Sid of the statement that lets the operator assume the accounts' roles (with `accounts`). */
export const ACCOUNTS_SID = "FirstLineAccounts";

/** The statement with `sts:AssumeRole` on the accounts' roles, for configurations with `accounts`. */
export function assumeRoleStatement(roleArns: readonly string[]) {
  return { Sid: ACCOUNTS_SID, Effect: "Allow", Action: ["sts:AssumeRole"], Resource: [...roleArns] };
}

/** The operator policy document for a stack name. */
export function operatorPolicy(stackName: string) {
  return {
    Version: "2012-10-17",
    Statement: OPERATOR_STATEMENTS.map((s) => ({
      Sid: s.Sid,
      Effect: "Allow",
      Action: [...s.actions],
      Resource: [...s.resources(stackName)],
    })),
  };
}

/** The Sid of the statement granting an IAM action (`dynamodb:PutItem`), if the policy has one. */
export function statementFor(action: string): string | undefined {
  if (action === "sts:AssumeRole") return ACCOUNTS_SID;
  return OPERATOR_STATEMENTS.find((s) => s.actions.includes(action))?.Sid;
}
