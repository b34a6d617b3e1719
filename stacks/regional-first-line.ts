import { createHash } from "node:crypto";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { ALL_CHECKS } from "../contract/checks";
import type { InstanceSettings, WorkflowInput } from "../contract/workflow";
import {
  ConfigError,
  type OperatorSubscription,
  type ResolvedInstance,
  type ResolvedRegion,
  regionConfigPath,
} from "./config";
import { dashboardBody, HEALTH_PERIOD_SECONDS } from "./dashboard";
import { FirstLineFunction, type FunctionCode } from "./first-line-function";
import type { FunctionName } from "./function-catalog";
import { iamContext, type PolicyStatement, policyDocument, trustPolicy, unique } from "./iam";
import {
  alarmArn,
  alarmRuleName,
  cpuAlarmName,
  dashboardName,
  deadLetterQueueName,
  instanceArn,
  operatorTopicName,
  regionalName,
  stateMachineArn,
} from "./naming";
import { regionalWorkflow } from "./regional-workflow";
import { terraformLiteral } from "./terraform-literal";
import { METRICS } from "./workflow";

/** Props of {@link RegionalFirstLine}. */
export interface RegionalFirstLineProps {
  /** `<stackName>` part of every name. */
  readonly stackName: string;
  /** The region's resolved configuration (instances with merged settings). */
  readonly region: ResolvedRegion;
  /** The region's aliased provider; every resource and data source here carries it. */
  readonly provider: AwsProvider;
  /** The bundled functions of the catalog, shared by all regions. */
  readonly code: Readonly<Record<FunctionName, FunctionCode>>;
  /**
   * Subscribed to the operator topic first-line creates in the region when the region names
   * no `operatorTopicArn` of its own. @default none (the topic is still created)
   */
  readonly operatorSubscriptions?: readonly OperatorSubscription[];
}

/** EventBridge's limit on an input transformer's template (PutTargets rejects longer ones). */
export const INPUT_TEMPLATE_MAX_LENGTH = 8192;

/** The workflow input's alarm fields, each filled by EventBridge from the variable of that name. */
const ALARM_PLACEHOLDERS: Readonly<Record<keyof WorkflowInput["alarm"], string>> = {
  name: "alarmName",
  arn: "alarmArn",
  time: "time",
};

/**
 * The target's input template as EventBridge receives it: the workflow input with the
 * instance's settings as JSON, `<` and `>` escaped inside them (so no configured text can read
 * as a placeholder, `<time>` included), and the alarm fields as unquoted placeholders, which
 * EventBridge fills with JSON strings. A placeholder's spot is marked with a string the
 * settings' JSON does not contain, so only those three spots become placeholders. Indented,
 * so a plan shows one setting per line; compact when only that fits EventBridge's limit.
 * The caller escapes the result for Terraform ({@link terraformLiteral}).
 */
export function inputTemplate(settings: InstanceSettings): string {
  const settingsJson = JSON.stringify(settings);
  const markers = Object.entries(ALARM_PLACEHOLDERS).map(([field, variable]) => {
    let marker = `first-line-placeholder:${variable}`;
    while (settingsJson.includes(marker)) marker += "!";
    return { field, variable, marker };
  });
  const template: Record<keyof WorkflowInput, unknown> = {
    instance: settings,
    alarm: Object.fromEntries(markers.map(({ field, marker }) => [field, marker])),
  };
  const render = (indent?: number) =>
    markers.reduce(
      (text, { marker, variable }) => text.replace(JSON.stringify(marker), () => `<${variable}>`),
      JSON.stringify(template, null, indent).replace(/</g, "\\u003c").replace(/>/g, "\\u003e"),
    );
  const pretty = render(2);
  return templateLength(pretty) <= INPUT_TEMPLATE_MAX_LENGTH ? pretty : render();
}

/** Length as EventBridge could count it at most: UTF-8 bytes. */
function templateLength(template: string): number {
  return Buffer.byteLength(template, "utf8");
}

/**
 * The restart function's statements: restart exactly the configured instances; with encrypted
 * volumes under customer-managed keys, StartInstances needs a grant for EC2 on those keys
 * (DESIGN §4 `kms.ebsKeyArns`), or the instance falls back to stopped.
 */
function restartStatements(region: ResolvedRegion, accountId: string): PolicyStatement[] {
  const instanceArns = unique(
    region.instances.map((i) => instanceArn(region.name, accountId, i.settings.instanceId)),
  );
  const ebsKeys = unique(region.kms.ebsKeyArns);
  return [
    {
      Sid: "RestartConfiguredInstances",
      Effect: "Allow",
      Action: ["ec2:RebootInstances", "ec2:StopInstances", "ec2:StartInstances"],
      Resource: instanceArns,
    },
    ...(ebsKeys.length === 0
      ? []
      : [
          {
            Sid: "StartWithEncryptedVolumes",
            Effect: "Allow" as const,
            Action: ["kms:CreateGrant"],
            Resource: ebsKeys,
            Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
          },
        ]),
  ];
}

/**
 * Everything first-line runs in one region: the functions, the lock table, the state
 * machine and its log group, per instance an alarm, a rule and a target, and a "first-line
 * itself is failing" alarm over the machine and the dead-letter queue.
 */
export class RegionalFirstLine extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly deadLetterQueue: SqsQueue;
  readonly functions: Readonly<Record<FunctionName, FirstLineFunction>>;
  readonly cpuAlarms: readonly CloudwatchMetricAlarm[];
  /** The region's operator topic: the configured one, or `<stackName>-<region>-operator`. */
  readonly operatorTopicArn: string;

  constructor(scope: Construct, id: string, props: RegionalFirstLineProps) {
    super(scope, id);
    const { provider, region, stackName } = props;
    // The account id for instance and secret ARNs, read through this region's provider.
    const accountId = new DataAwsCallerIdentity(this, "account", { provider }).accountId;
    const regionName = region.name;
    const name = (part: string) => regionalName(stackName, regionName, part);
    const settings = region.instances.map((i) => i.settings);
    const logRetentionDays = region.logs.retentionDays;

    // --- functions -------------------------------------------------------------------------
    const workflow = regionalWorkflow(stackName, region);
    const { timeouts } = workflow;
    const iam = iamContext({ region: regionName, accountId, secretsKeyArns: region.kms.secretsKeyArns });
    const fn = (fnName: FunctionName, statements: readonly PolicyStatement[], inVpc = false) =>
      new FirstLineFunction(this, fnName, {
        provider,
        functionName: workflow.functionNames[fnName],
        code: props.code[fnName],
        timeoutSeconds: timeouts.functionTimeoutSeconds[fnName],
        logRetentionDays,
        statements,
        ...(inVpc && region.vpc ? { vpc: region.vpc } : {}),
      });

    const checkFunctions = ALL_CHECKS.map((check) => {
      const own = settings.flatMap((s) => {
        const mine = (s as Readonly<Record<string, unknown>>)[check.name];
        return mine === undefined ? [] : [mine as Parameters<typeof check.iam>[0][number]];
      });
      const fnName = check.functionName as FunctionName;
      return [fnName, fn(fnName, check.iam(own, iam), check.vpc)] as const;
    });
    const functions = {
      ...Object.fromEntries(checkFunctions),
      "restart-instance": fn("restart-instance", restartStatements(region, accountId)),
      "notify-chat": fn(
        "notify-chat",
        iam.readSecrets(
          "ReadChatWebhooks",
          settings.map((s) => s.notifications.chat.webhookSecret),
        ),
      ),
      escalate: fn(
        "escalate",
        iam.readSecrets(
          "ReadPagerKeys",
          settings.map((s) => s.notifications.escalation.secret),
        ),
      ),
    } as Record<FunctionName, FirstLineFunction>;
    this.functions = functions;

    // --- lock table ------------------------------------------------------------------------
    const lockTable = new DynamodbTable(this, "lock-table", {
      provider,
      name: workflow.lockTableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: "instanceId",
      attribute: [{ name: "instanceId", type: "S" }],
      serverSideEncryption: { enabled: true },
      pointInTimeRecovery: { enabled: false },
    });

    // --- state machine -----------------------------------------------------------------------
    const machineLogs = new CloudwatchLogGroup(this, "workflow-logs", {
      provider,
      name: `/aws/vendedlogs/states/${workflow.stateMachineName}`,
      retentionInDays: logRetentionDays,
    });
    const machineRole = new IamRole(this, "workflow-role", {
      provider,
      name: name("workflow"),
      assumeRolePolicy: trustPolicy("states.amazonaws.com", accountId),
    });
    const machinePolicy = new IamRolePolicy(this, "workflow-policy", {
      provider,
      name: name("workflow"),
      role: machineRole.id,
      policy: policyDocument([
        {
          Sid: "InvokeRegionFunctions",
          Effect: "Allow",
          Action: ["lambda:InvokeFunction"],
          Resource: Object.values(functions).map((f) => f.arn),
        },
        {
          Sid: "RemediationLockAndPause",
          Effect: "Allow",
          Action: ["dynamodb:UpdateItem", "dynamodb:GetItem"],
          Resource: [lockTable.arn],
        },
        {
          Sid: "OutcomeMetrics",
          Effect: "Allow",
          Action: ["cloudwatch:PutMetricData"],
          Resource: ["*"],
          Condition: { StringEquals: { "cloudwatch:namespace": METRICS.namespace } },
        },
        {
          Sid: "PollInstanceStatus",
          Effect: "Allow",
          Action: ["ec2:DescribeInstanceStatus"],
          Resource: ["*"],
        },
        {
          Sid: "DeliverExecutionLogs",
          Effect: "Allow",
          Action: [
            "logs:CreateLogDelivery",
            "logs:GetLogDelivery",
            "logs:UpdateLogDelivery",
            "logs:DeleteLogDelivery",
            "logs:ListLogDeliveries",
            "logs:PutResourcePolicy",
            "logs:DescribeResourcePolicies",
            "logs:DescribeLogGroups",
          ],
          Resource: ["*"],
        },
        {
          Sid: "WriteTraces",
          Effect: "Allow",
          Action: [
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords",
            "xray:GetSamplingRules",
            "xray:GetSamplingTargets",
          ],
          Resource: ["*"],
        },
      ]),
    });
    this.stateMachine = new SfnStateMachine(this, "workflow", {
      provider,
      name: workflow.stateMachineName,
      type: "STANDARD",
      roleArn: machineRole.arn,
      // The definition names functions and the table by their (known) names rather than by
      // Terraform references: Lambda's Invoke takes a name, the plan reads better, and a
      // definition without tokens skips cdktf's token scan, which grows with the square of the
      // definition's size and dominated synth time.
      definition: JSON.stringify(workflow.definition),
      loggingConfiguration: {
        logDestination: `${machineLogs.arn}:*`,
        includeExecutionData: true,
        level: "ALL",
      },
      tracingConfiguration: { enabled: true },
      // Created after what it calls, since the definition names them without references.
      dependsOn: [machinePolicy, lockTable, ...Object.values(functions).map((f) => f.function)],
    });

    // --- events: role, dead-letter queue, per-instance alarm + rule + target -------------------
    this.deadLetterQueue = new SqsQueue(this, "dlq", {
      provider,
      name: deadLetterQueueName(stackName, regionName),
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 14 * 24 * 3600,
    });
    const eventsRole = new IamRole(this, "events-role", {
      provider,
      name: name("events"),
      assumeRolePolicy: trustPolicy("events.amazonaws.com", accountId),
    });
    new IamRolePolicy(this, "events-policy", {
      provider,
      name: name("events"),
      role: eventsRole.id,
      policy: policyDocument([
        {
          Sid: "StartRegionWorkflow",
          Effect: "Allow",
          Action: ["states:StartExecution"],
          Resource: [this.stateMachine.arn],
        },
      ]),
    });

    const rules: CloudwatchEventRule[] = [];
    const alarms: CloudwatchMetricAlarm[] = [];
    for (const [index, instance] of region.instances.entries()) {
      const { alarm, rule } = this.instanceAlarm(instance, index, props, eventsRole);
      alarms.push(alarm);
      rules.push(rule);
    }
    this.cpuAlarms = alarms;

    new SqsQueuePolicy(this, "dlq-policy", {
      provider,
      queueUrl: this.deadLetterQueue.url,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "RegionRulesDeadLetters",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: this.deadLetterQueue.arn,
            Condition: { ArnEquals: { "aws:SourceArn": rules.map((r) => r.arn) } },
          },
        ],
      }),
    });

    // --- first-line itself is failing ---------------------------------------------------------
    // CloudWatch alarm actions accept only an SNS topic in the alarm's own region (DESIGN §2).
    this.operatorTopicArn =
      region.operatorTopicArn ?? this.operatorTopic(operatorTopicName(stackName, regionName), props).arn;
    const selfAlarmName = name("first-line-failing");
    new CloudwatchMetricAlarm(this, "self-alarm", {
      provider,
      alarmName: selfAlarmName,
      alarmDescription: `first-line in ${regionName} is failing: executions failed or timed out, or alarm events reached the dead-letter queue.`,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: "notBreaching",
      metricQuery: [
        {
          id: "failures",
          label: "failed + timed-out executions + dead letters",
          expression: "FILL(failed, 0) + FILL(timedout, 0) + FILL(deadletters, 0)",
          returnData: true,
        },
        {
          id: "failed",
          metric: {
            namespace: "AWS/States",
            metricName: "ExecutionsFailed",
            dimensions: { StateMachineArn: this.stateMachine.arn },
            period: HEALTH_PERIOD_SECONDS,
            stat: "Sum",
          },
        },
        {
          id: "timedout",
          metric: {
            namespace: "AWS/States",
            metricName: "ExecutionsTimedOut",
            dimensions: { StateMachineArn: this.stateMachine.arn },
            period: HEALTH_PERIOD_SECONDS,
            stat: "Sum",
          },
        },
        {
          id: "deadletters",
          metric: {
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: this.deadLetterQueue.name },
            period: HEALTH_PERIOD_SECONDS,
            stat: "Maximum",
          },
        },
      ],
      alarmActions: [this.operatorTopicArn],
      okActions: [this.operatorTopicArn],
    });

    // --- dashboard (DESIGN §2, §7) --------------------------------------------------------------
    // ARNs from the known names and the account (read at plan time), not from the resources, so
    // a plan shows the whole body even before the state machine and alarms exist.
    const arnOfAlarm = (alarmName: string) => alarmArn(regionName, accountId, alarmName);
    new CloudwatchDashboard(this, "dashboard", {
      provider,
      dashboardName: dashboardName(stackName, regionName),
      dashboardBody: JSON.stringify(
        dashboardBody({
          region: regionName,
          instanceIds: settings.map((s) => s.instanceId),
          stateMachineArn: stateMachineArn(regionName, accountId, workflow.stateMachineName),
          deadLetterQueueName: deadLetterQueueName(stackName, regionName),
          alarmArns: [
            arnOfAlarm(selfAlarmName),
            ...settings.map((s) => arnOfAlarm(cpuAlarmName(stackName, regionName, s.instanceId))),
          ],
        }),
      ),
    });

    // --- outputs -------------------------------------------------------------------------------
    new TerraformOutput(this, "state-machine-arn", {
      value: this.stateMachine.arn,
      description: `first-line state machine in ${regionName}`,
    });
    new TerraformOutput(this, "cpu-alarm-names", {
      value: alarms.map((a) => a.alarmName),
      description: `CPU alarms watched by first-line in ${regionName}`,
    });
    new TerraformOutput(this, "dead-letter-queue-url", {
      value: this.deadLetterQueue.url,
      description: `alarm events that could not start the workflow in ${regionName}`,
    });
  }

  /**
   * The region's operator topic with the operator subscriptions. Unencrypted on purpose: it
   * carries alarm states only, and CloudWatch cannot publish through the AWS-managed SNS key
   * (DESIGN §2). Subscription ids come from the endpoint, so reordering the list changes nothing.
   */
  private operatorTopic(topicName: string, props: RegionalFirstLineProps): SnsTopic {
    const { provider } = props;
    const topic = new SnsTopic(this, "operator-topic", { provider, name: topicName });
    for (const { protocol, endpoint } of props.operatorSubscriptions ?? []) {
      const id = createHash("sha256").update(`${protocol}:${endpoint}`).digest("hex").slice(0, 12);
      new SnsTopicSubscription(this, `operator-subscription-${id}`, {
        provider,
        topicArn: topic.arn,
        protocol,
        endpoint: terraformLiteral(endpoint),
      });
    }
    return topic;
  }

  /** Alarm, rule and target for one instance, under a scope named after the instance id. */
  private instanceAlarm(
    instance: ResolvedInstance,
    index: number,
    props: RegionalFirstLineProps,
    eventsRole: IamRole,
  ): { alarm: CloudwatchMetricAlarm; rule: CloudwatchEventRule } {
    const { provider, stackName, region } = props;
    const { settings, alarm: a } = instance;

    // The template carries the instance's resolved settings, so the plan shows them and the
    // workflow needs no lookup; only the alarm's own name, ARN and time come from the event.
    const input = inputTemplate(settings);
    const inputLength = templateLength(input);
    if (inputLength > INPUT_TEMPLATE_MAX_LENGTH) {
      // Synth would succeed and `terraform apply` fail; say which instance and what to shorten.
      throw new ConfigError("Invalid first-line configuration: 1 problem; fix it and run again:", [
        `${regionConfigPath(region)}.instances[${index}]: the workflow input of ${settings.instanceId} is ${inputLength} characters, over EventBridge's ${INPUT_TEMPLATE_MAX_LENGTH}-character input template limit; shorten its longest settings (url.expectBody, ssh.command, url address)`,
      ]);
    }

    const scope = new Construct(this, settings.instanceId);

    // No alarm actions: the EventBridge rule below is the only consumer of the state change.
    const alarm = new CloudwatchMetricAlarm(scope, "cpu-alarm", {
      provider,
      alarmName: cpuAlarmName(stackName, region.name, settings.instanceId),
      alarmDescription: `CPU of ${settings.instanceId} maxed out: first-line checks, restarts if needed, and reports.`,
      namespace: "AWS/EC2",
      metricName: "CPUUtilization",
      dimensions: { InstanceId: settings.instanceId },
      statistic: a.statistic,
      threshold: a.threshold,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      period: a.periodSeconds,
      evaluationPeriods: a.evaluationPeriods,
      datapointsToAlarm: a.datapointsToAlarm,
      treatMissingData: a.treatMissingData,
    });

    const rule = new CloudwatchEventRule(scope, "rule", {
      provider,
      name: alarmRuleName(stackName, region.name, settings.instanceId),
      description: `Start first-line for ${settings.instanceId} when its CPU alarm goes to ALARM.`,
      // Always spelled out: `enabled: false` (DESIGN §4) keeps every resource and only stops the
      // rule; writing ENABLED too means turning it back on is a visible change, not a removed key.
      state: instance.enabled ? "ENABLED" : "DISABLED",
      eventPattern: JSON.stringify({
        source: ["aws.cloudwatch"],
        "detail-type": ["CloudWatch Alarm State Change"],
        resources: [alarm.arn],
        detail: { state: { value: ["ALARM"] } },
      }),
    });

    new CloudwatchEventTarget(scope, "target", {
      provider,
      rule: rule.name,
      targetId: "first-line",
      arn: this.stateMachine.arn,
      roleArn: eventsRole.arn,
      inputTransformer: {
        inputPaths: { alarmName: "$.detail.alarmName", alarmArn: "$.resources[0]", time: "$.time" },
        inputTemplate: terraformLiteral(input),
      },
      retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 20 },
      deadLetterConfig: { arn: this.deadLetterQueue.arn },
    });
    return { alarm, rule };
  }
}
