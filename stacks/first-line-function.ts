import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import type { FunctionBundle } from "./bundling";
import { type PolicyStatement, policyDocument, trustPolicy } from "./iam";

/** A bundled function's zip as a stack-level asset, shared by every region. */
export interface FunctionCode {
  readonly bundle: FunctionBundle;
  readonly asset: TerraformAsset;
}

/** Network placement for a function that must reach private addresses. */
export interface FunctionVpc {
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

/** Props of {@link FirstLineFunction}. */
export interface FirstLineFunctionProps {
  /** The region's aliased provider; every resource here carries it. */
  readonly provider: AwsProvider;
  /** Deployed function name, `<stackName>-<region>-<name>`; also the role name. */
  readonly functionName: string;
  readonly code: FunctionCode;
  /** Lambda timeout. */
  readonly timeoutSeconds: number;
  /** Retention of the function's own log group. */
  readonly logRetentionDays: number;
  /** Statements beyond writing its own logs and X-Ray traces, each on the ARNs it touches. */
  readonly statements: readonly PolicyStatement[];
  /** Run inside a VPC. @default none */
  readonly vpc?: FunctionVpc;
}

/** Lambda runtime: nodejs20.x is deprecated on Lambda; 24 is the newest the pinned provider accepts. */
export const LAMBDA_RUNTIME = "nodejs24.x";
export const LAMBDA_ARCHITECTURE = "arm64";
const MEMORY_MB = 256;

/**
 * The EC2 part of AWS's managed policy AWSLambdaVPCAccessExecutionRole (v3, January 2024, which
 * added `ec2:DescribeSubnets`): what Lambda needs to place a function's network interfaces.
 */
export const VPC_ACTIONS = [
  "ec2:CreateNetworkInterface",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeSubnets",
  "ec2:DeleteNetworkInterface",
  "ec2:AssignPrivateIpAddresses",
  "ec2:UnassignPrivateIpAddresses",
];

/**
 * One of the functions in one region: its own role with only the statements it needs, its
 * own log group with retention (created before the function, so Lambda never creates one
 * without retention), and the function on the shared zip.
 */
export class FirstLineFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: FirstLineFunctionProps) {
    super(scope, id);
    const { provider } = props;

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      provider,
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
    });

    this.role = new IamRole(this, "role", {
      provider,
      name: props.functionName,
      assumeRolePolicy: trustPolicy("lambda.amazonaws.com"),
    });

    const statements: PolicyStatement[] = [
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [`${this.logGroup.arn}:*`],
      },
      {
        Sid: "WriteTraces",
        Effect: "Allow",
        Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
        Resource: ["*"],
      },
      ...(props.vpc
        ? [{ Sid: "VpcNetworking", Effect: "Allow" as const, Action: VPC_ACTIONS, Resource: ["*"] }]
        : []),
      ...props.statements,
    ];
    const policy = new IamRolePolicy(this, "policy", {
      provider,
      name: props.functionName,
      role: this.role.id,
      policy: policyDocument(statements),
    });

    this.function = new LambdaFunction(this, "function", {
      provider,
      functionName: props.functionName,
      role: this.role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: [LAMBDA_ARCHITECTURE],
      handler: "index.handler",
      filename: props.code.asset.path,
      sourceCodeHash: props.code.bundle.sha256Base64,
      // arm64 with 256 MB loads the SDK and ssh2 in well under a second. No reserved
      // concurrency: new accounts' low concurrency limits reject it.
      memorySize: MEMORY_MB,
      timeout: props.timeoutSeconds,
      tracingConfig: { mode: "Active" },
      vpcConfig: props.vpc
        ? { subnetIds: [...props.vpc.subnetIds], securityGroupIds: [...props.vpc.securityGroupIds] }
        : undefined,
      dependsOn: [this.logGroup, policy],
    });
  }

  get arn(): string {
    return this.function.arn;
  }
}
