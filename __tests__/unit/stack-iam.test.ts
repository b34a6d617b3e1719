import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthesize } from "../../main";
import { parseConfig } from "../../stacks/config";
import { FUNCTION_NAMES, type FunctionName } from "../../stacks/function-catalog";
import { policyDocument, WILDCARD_ALLOW_LIST } from "../../stacks/iam";
import {
  accountRef,
  allBlocks,
  blockAt,
  committedExample,
  jsonAttr,
  ref,
  resourcesOf,
  type Statement,
  type Synthesized,
  settingsOf,
  statementsAt,
  str,
  synthConfig,
  type TfJson,
} from "../../testkit/synth";
import { synthesizedOnce } from "../../testkit/synth-suite";

// Synthesis bundles the functions first; a cold bundle cache on a busy machine takes seconds.
jest.setTimeout(60_000);

const REGIONS = ["ap-southeast-2", "eu-west-1", "us-east-1"];
const SLACK_ARN = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:shared/slack-AbCdEf";
const OPSGENIE_ARN = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:shared/opsgenie-GhIjKl";
const SSH_KEY_ARN = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:shared/ssh-key-MnOpQr";
const US_OPERATOR_TOPIC = "arn:aws:sns:us-east-1:123456789012:us-oncall";

const example = synthesizedOnce(committedExample);
/** Secrets as ARNs and per-instance names; us-east-1 names its own operator topic, nobody subscribes elsewhere. */
const variant = synthesizedOnce(variantConfig);

function variantConfig(): Record<string, unknown> {
  const raw = committedExample() as {
    operator?: unknown;
    regions: Record<
      string,
      {
        notifications?: Record<string, unknown>;
        operatorTopicArn?: string;
        instances: Record<string, unknown>[];
      }
    >;
  };
  delete raw.operator;
  const us = raw.regions["us-east-1"];
  const ap = raw.regions["ap-southeast-2"];
  if (!us || !ap) throw new Error("example lost a region");
  us.operatorTopicArn = US_OPERATOR_TOPIC;
  us.notifications = { slackWebhookSecret: SLACK_ARN, opsgenieApiKeySecret: OPSGENIE_ARN };
  ap.instances.push({
    instanceId: "i-0abcdef0123456789",
    ssh: {
      host: "198.51.100.7",
      privateKeySecret: SSH_KEY_ARN,
      hostKeySha256: "SHA256:UNhY4JhezH9gQYqvDMWrWH9CwlcKiECVqejMrND2VFw",
    },
    notifications: { slackWebhookSecret: "team-b/slack" },
  });
  return raw;
}

/** The statements every function gets: its own log group's streams and X-Ray. */
function baseStatements(json: TfJson, region: string, fn: FunctionName): Statement[] {
  return [
    {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [`${ref(blockAt(json, "aws_cloudwatch_log_group", `${region}/${fn}/logs`), "arn")}:*`],
    },
    {
      Sid: "WriteTraces",
      Effect: "Allow",
      Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
      Resource: ["*"],
    },
  ];
}

/** The statements of a function's policy beyond the base ones. */
function extraStatements(json: TfJson, region: string, fn: FunctionName): Statement[] {
  const all = statementsAt(json, `${region}/${fn}/policy`);
  expect(all.slice(0, 2)).toEqual(baseStatements(json, region, fn));
  return all.slice(2);
}

describe("events role", () => {
  it.each(REGIONS)(
    "in %s may only start its own region's state machine, and only EventBridge of this account may assume it",
    (region) => {
      const role = blockAt(example.json, "aws_iam_role", `${region}/events-role`);
      expect(role.body.name).toBe(`first-line-${region}-events`);
      expect(jsonAttr(role, "assume_role_policy")).toEqual({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": accountRef(example.json, region) } },
          },
        ],
      });
      const policy = blockAt(example.json, "aws_iam_role_policy", `${region}/events-policy`);
      expect(policy.body.role).toBe(ref(role, "id"));
      expect(statementsAt(example.json, `${region}/events-policy`)).toEqual([
        {
          Sid: "StartRegionWorkflow",
          Effect: "Allow",
          Action: ["states:StartExecution"],
          Resource: [ref(blockAt(example.json, "aws_sfn_state_machine", `${region}/workflow`), "arn")],
        },
      ]);
    },
  );
});

describe("state machine role", () => {
  it.each(REGIONS)(
    "in %s invokes exactly its region's functions and reads and updates only its lock table",
    (region) => {
      const statements = statementsAt(example.json, `${region}/workflow-policy`);
      const scoped = statements.filter((s) => !s.Resource.includes("*"));
      expect(scoped).toEqual([
        {
          Sid: "InvokeRegionFunctions",
          Effect: "Allow",
          Action: ["lambda:InvokeFunction"],
          Resource: FUNCTION_NAMES.map((fn) =>
            ref(blockAt(example.json, "aws_lambda_function", `${region}/${fn}/function`), "arn"),
          ),
        },
        {
          Sid: "RemediationLockAndPause",
          Effect: "Allow",
          Action: ["dynamodb:UpdateItem", "dynamodb:GetItem"],
          Resource: [ref(blockAt(example.json, "aws_dynamodb_table", `${region}/lock-table`), "arn")],
        },
      ]);
    },
  );

  it("allows every service integration the definition calls", () => {
    const machine = blockAt(example.json, "aws_sfn_state_machine", "eu-west-1/workflow");
    const integrations = new Set(str(machine, "definition").match(/arn:aws:states:::[A-Za-z0-9:.-]+/g));
    const needed: Record<string, string> = {
      "arn:aws:states:::lambda:invoke": "lambda:InvokeFunction",
      "arn:aws:states:::dynamodb:updateItem": "dynamodb:UpdateItem",
      "arn:aws:states:::dynamodb:getItem": "dynamodb:GetItem",
      "arn:aws:states:::aws-sdk:ec2:describeInstanceStatus": "ec2:DescribeInstanceStatus",
      "arn:aws:states:::aws-sdk:cloudwatch:putMetricData": "cloudwatch:PutMetricData",
    };
    expect([...integrations].filter((i) => !(i in needed))).toEqual([]);
    const granted = statementsAt(example.json, "eu-west-1/workflow-policy").flatMap((s) => s.Action);
    expect(granted).toEqual(expect.arrayContaining([...integrations].map((i) => needed[i])));
  });
});

describe("function roles", () => {
  it("let restart-instance only reboot, stop and start the configured instances of its region", () => {
    for (const region of example.config.regions) {
      const account = accountRef(example.json, region.name);
      expect(extraStatements(example.json, region.name, "restart-instance")).toEqual([
        {
          Sid: "RestartConfiguredInstances",
          Effect: "Allow",
          Action: ["ec2:RebootInstances", "ec2:StopInstances", "ec2:StartInstances"],
          Resource: region.instances
            .map((i) => `arn:aws:ec2:${region.name}:${account}:instance/${i.settings.instanceId}`)
            .sort(),
        },
      ]);
    }
  });

  it("let url-check do nothing beyond logs and traces", () => {
    for (const region of REGIONS) expect(extraStatements(example.json, region, "url-check")).toEqual([]);
  });

  it("let route53-check read only the configured health checks, and nothing where none is configured", () => {
    expect(extraStatements(example.json, "eu-west-1", "route53-check")).toEqual([
      {
        Sid: "ReadConfiguredHealthChecks",
        Effect: "Allow",
        Action: ["route53:GetHealthCheckStatus"],
        Resource: ["arn:aws:route53:::healthcheck/abcdef01-2345-6789-abcd-ef0123456789"],
      },
    ]);
    expect(extraStatements(example.json, "us-east-1", "route53-check")).toEqual([]);
  });

  it("let ssh-check read the key of command-mode instances, look up IPs only when a host is missing, and use VPC networking only in a VPC", () => {
    const eu = extraStatements(example.json, "eu-west-1", "ssh-check");
    expect(eu.map((s) => s.Sid)).toEqual(["VpcNetworking", "ReadSshPrivateKeys"]);
    expect(eu[1]?.Resource).toEqual([
      `arn:aws:secretsmanager:eu-west-1:${accountRef(example.json, "eu-west-1")}:secret:first-line/ssh-key-??????`,
    ]);
    // us-east-1's only SSH instance is in handshake mode without a host: no key, but an IP lookup.
    expect(extraStatements(example.json, "us-east-1", "ssh-check")).toEqual([
      { Sid: "LookUpInstanceIp", Effect: "Allow", Action: ["ec2:DescribeInstances"], Resource: ["*"] },
    ]);
    expect(extraStatements(example.json, "ap-southeast-2", "ssh-check")).toEqual([]);
  });

  it("give a VPC-attached function the EC2 statement of AWS's managed policy for it, DescribeSubnets included", () => {
    // The EC2 actions of arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole,
    // version v3 (January 2024), in its own order; Resource "*" as AWS grants them.
    const managedPolicyEc2Actions = [
      "ec2:CreateNetworkInterface",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeSubnets",
      "ec2:DeleteNetworkInterface",
      "ec2:AssignPrivateIpAddresses",
      "ec2:UnassignPrivateIpAddresses",
    ];

    const [vpc] = extraStatements(example.json, "eu-west-1", "ssh-check");

    expect(vpc).toEqual({
      Sid: "VpcNetworking",
      Effect: "Allow",
      Action: managedPolicyEc2Actions,
      Resource: ["*"],
    });
  });

  it("grant GetSecretValue on a secret name as <name>-?????? in the function's region and on an ARN as it is", () => {
    const secrets = (json: TfJson, region: string, fn: FunctionName) =>
      extraStatements(json, region, fn)
        .filter((s) => s.Action.includes("secretsmanager:GetSecretValue"))
        .map((s) => [s.Action, s.Resource]);
    const named = (region: string, name: string) =>
      `arn:aws:secretsmanager:${region}:${accountRef(variant.json, region)}:secret:${name}-??????`;
    const only = (resources: string[]) => [[["secretsmanager:GetSecretValue"], resources]];

    expect(secrets(variant.json, "eu-west-1", "notify-chat")).toEqual(
      only([named("eu-west-1", "first-line/slack-webhook")]),
    );
    expect(secrets(variant.json, "eu-west-1", "escalate")).toEqual(
      only([named("eu-west-1", "first-line/opsgenie-api-key")]),
    );
    expect(secrets(variant.json, "us-east-1", "notify-chat")).toEqual(only([SLACK_ARN]));
    expect(secrets(variant.json, "us-east-1", "escalate")).toEqual(only([OPSGENIE_ARN]));
    expect(secrets(variant.json, "ap-southeast-2", "notify-chat")).toEqual(
      only([named("ap-southeast-2", "first-line/slack-webhook"), named("ap-southeast-2", "team-b/slack")]),
    );
    expect(secrets(variant.json, "ap-southeast-2", "ssh-check")).toEqual(only([SSH_KEY_ARN]));
    for (const region of REGIONS) {
      for (const fn of ["url-check", "route53-check", "restart-instance"] as const) {
        expect(secrets(variant.json, region, fn)).toEqual([]);
      }
    }
  });
});

describe("wildcard resources", () => {
  it("appear only with actions on the allow-list, in every policy of the stack", () => {
    const policies = resourcesOf(example.json, "aws_iam_role_policy");
    // Per region: one per function, the workflow's and the events role's.
    expect(policies).toHaveLength(REGIONS.length * (FUNCTION_NAMES.length + 2));
    const offending = policies.flatMap((p) =>
      jsonAttr<{ Statement: Statement[] }>(p, "policy")
        .Statement.filter((s) => s.Resource.includes("*"))
        .flatMap((s) => s.Action.filter((a) => !(a in WILDCARD_ALLOW_LIST)).map((a) => `${p.path}: ${a}`)),
    );
    expect(offending).toEqual([]);
  });

  it("are never mixed with other resources, and no action is itself a wildcard", () => {
    const statements = resourcesOf(example.json, "aws_iam_role_policy").flatMap(
      (p) => jsonAttr<{ Statement: Statement[] }>(p, "policy").Statement,
    );
    expect(statements.filter((s) => s.Resource.includes("*") && s.Resource.length > 1)).toEqual([]);
    expect(statements.flatMap((s) => s.Action).filter((a) => a.includes("*"))).toEqual([]);
    expect(new Set(statements.map((s) => s.Effect))).toEqual(new Set(["Allow"]));
  });

  it("cannot be built with an action missing from the allow-list", () => {
    expect(() =>
      policyDocument([
        {
          Sid: "Sneaky",
          Effect: "Allow",
          Action: ["ec2:DescribeInstances", "ec2:TerminateInstances"],
          Resource: ["*"],
        },
      ]),
    ).toThrow(/Sneaky grants ec2:TerminateInstances on "\*"/);
  });

  it("can be built with allow-listed actions, and scoped statements need no list", () => {
    const doc = policyDocument([
      { Sid: "Describe", Effect: "Allow", Action: ["ec2:DescribeInstanceStatus"], Resource: ["*"] },
      {
        Sid: "Scoped",
        Effect: "Allow",
        Action: ["ec2:TerminateInstances"],
        Resource: ["arn:aws:ec2:x:1:instance/i-1"],
      },
    ]);
    expect(JSON.parse(doc).Statement).toHaveLength(2);
  });

  it("rejects a statement without resources", () => {
    expect(() =>
      policyDocument([{ Sid: "Empty", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [] }]),
    ).toThrow(/Empty has no resources/);
  });
});

describe("dead-letter queue", () => {
  it.each(REGIONS)(
    "in %s is encrypted and accepts messages only from EventBridge on behalf of its region's rules",
    (region) => {
      const queue = blockAt(example.json, "aws_sqs_queue", `${region}/dlq`);
      expect(queue.body).toMatchObject({
        provider: `aws.${region}`,
        name: `first-line-${region}-dlq`,
        sqs_managed_sse_enabled: true,
      });
      const policy = blockAt(example.json, "aws_sqs_queue_policy", `${region}/dlq-policy`);
      expect(policy.body.queue_url).toBe(ref(queue, "url"));
      const rules = example.config.regions
        .find((r) => r.name === region)
        ?.instances.map((i) =>
          ref(
            blockAt(example.json, "aws_cloudwatch_event_rule", `${region}/${i.settings.instanceId}/rule`),
            "arn",
          ),
        );
      expect(jsonAttr(policy, "policy")).toEqual({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "RegionRulesDeadLetters",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: ref(queue, "arn"),
            Condition: { ArnEquals: { "aws:SourceArn": rules } },
          },
        ],
      });
    },
  );
});

describe("first-line-is-failing alarm", () => {
  const metric = (json: TfJson, region: string) => {
    const machine = ref(blockAt(json, "aws_sfn_state_machine", `${region}/workflow`), "arn");
    const queue = ref(blockAt(json, "aws_sqs_queue", `${region}/dlq`), "name");
    return [
      expect.objectContaining({
        id: "failures",
        return_data: true,
        expression: expect.stringMatching(/failed.*timedout.*deadletters/),
      }),
      {
        id: "failed",
        metric: {
          namespace: "AWS/States",
          metric_name: "ExecutionsFailed",
          dimensions: { StateMachineArn: machine },
          period: 300,
          stat: "Sum",
        },
      },
      {
        id: "timedout",
        metric: {
          namespace: "AWS/States",
          metric_name: "ExecutionsTimedOut",
          dimensions: { StateMachineArn: machine },
          period: 300,
          stat: "Sum",
        },
      },
      {
        id: "deadletters",
        metric: {
          namespace: "AWS/SQS",
          metric_name: "ApproximateNumberOfMessagesVisible",
          dimensions: { QueueName: queue },
          period: 300,
          stat: "Maximum",
        },
      },
    ];
  };

  it.each(REGIONS)(
    "in %s sums failed and timed-out executions and dead letters and notifies the region's own operator topic",
    (region) => {
      const alarm = blockAt(example.json, "aws_cloudwatch_metric_alarm", `${region}/self-alarm`);
      const topic = blockAt(example.json, "aws_sns_topic", `${region}/operator-topic`);
      expect(alarm.body).toMatchObject({
        provider: `aws.${region}`,
        alarm_name: `first-line-${region}-first-line-failing`,
        comparison_operator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        evaluation_periods: 1,
        treat_missing_data: "notBreaching",
        alarm_actions: [ref(topic, "arn")],
        ok_actions: [ref(topic, "arn")],
      });
      expect(alarm.body.metric_query).toEqual(metric(example.json, region));
    },
  );

  it.each(REGIONS)(
    "in %s creates <stackName>-<region>-operator with the operator subscriptions",
    (region) => {
      const topic = blockAt(example.json, "aws_sns_topic", `${region}/operator-topic`);
      const subscriptions = resourcesOf(example.json, "aws_sns_topic_subscription", region);

      expect(settingsOf(topic)).toEqual({ provider: `aws.${region}`, name: `first-line-${region}-operator` });
      expect(subscriptions.map(settingsOf)).toEqual([
        {
          provider: `aws.${region}`,
          topic_arn: ref(topic, "arn"),
          protocol: "email",
          endpoint: "platform-oncall@example.com",
        },
      ]);
    },
  );

  it("notifies a region's configured topic and creates none there; other regions get theirs, unsubscribed", () => {
    const us = blockAt(variant.json, "aws_cloudwatch_metric_alarm", "us-east-1/self-alarm");
    expect(us.body).toMatchObject({ alarm_actions: [US_OPERATOR_TOPIC], ok_actions: [US_OPERATOR_TOPIC] });
    expect(resourcesOf(variant.json, "aws_sns_topic", "us-east-1")).toEqual([]);

    for (const region of ["ap-southeast-2", "eu-west-1"]) {
      const alarm = blockAt(variant.json, "aws_cloudwatch_metric_alarm", `${region}/self-alarm`);
      const topic = blockAt(variant.json, "aws_sns_topic", `${region}/operator-topic`);
      expect(alarm.body.alarm_actions).toEqual([ref(topic, "arn")]);
      expect(alarm.body.metric_query).toEqual(metric(variant.json, region));
    }
    expect(resourcesOf(variant.json, "aws_sns_topic_subscription")).toEqual([]);
  });

  it("warns at synth, naming operator.subscriptions, when a topic it creates has no subscriber", async () => {
    const dir = mkdtempSync(join(tmpdir(), "first-line-warn-"));
    const lines: string[] = [];
    try {
      writeFileSync(join(dir, "config.json"), JSON.stringify(variantConfig()));
      await synthesize({
        cwd: dir,
        env: { FIRST_LINE_CONFIG: "config.json", CDKTF_OUTDIR: "cdktf.out" },
        log: () => {},
        warn: (line) => lines.push(line),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    expect(lines.filter((l) => l.includes("operator"))).toEqual([
      "first-line: warning: operator.subscriptions is empty: the operator topics first-line-ap-southeast-2-operator, first-line-eu-west-1-operator will have no subscriber, so nobody hears when first-line itself fails (failed executions, dead-lettered alarm events); add e-mail or https endpoints to operator.subscriptions, or name an existing topic per region in regions.<region>.operatorTopicArn",
    ]);
  });

  it("does not warn when every created topic has subscribers or every region names its own", () => {
    const allOwn = committedExample() as {
      operator?: unknown;
      regions: Record<string, Record<string, unknown>>;
    };
    delete allOwn.operator;
    for (const [name, region] of Object.entries(allOwn.regions)) {
      region.operatorTopicArn = `arn:aws:sns:${name}:123456789012:oncall`;
    }

    expect(example.config.warnings).toEqual([]);
    expect(parseConfig(allOwn).warnings).toEqual([]);
  });

  it("keeps subscription addresses when the list is reordered (ids come from the endpoint)", async () => {
    const raw = committedExample() as { operator: { subscriptions: unknown[] } };
    raw.operator.subscriptions = [
      { protocol: "https", endpoint: "https://events.pagerduty.com/integration/0123/enqueue" },
      ...raw.operator.subscriptions,
    ];
    const reordered = structuredClone(raw);
    reordered.operator.subscriptions.reverse();
    const [a, b] = [await synthConfig(raw), await synthConfig(reordered)];
    try {
      const addresses = (s: Synthesized) =>
        resourcesOf(s.json, "aws_sns_topic_subscription").map((x) => [x.address, x.body.endpoint]);
      expect(addresses(a)).toHaveLength(6);
      expect(addresses(b).sort()).toEqual(addresses(a).sort());
    } finally {
      a.cleanup();
      b.cleanup();
    }
  });
});

describe("secrets", () => {
  const SECRET_NAMES = [
    "first-line/slack-webhook",
    "first-line/opsgenie-api-key",
    "first-line/ssh-key",
    "team-b/slack",
  ];

  it("are named only inside IAM policy resources and the instances' workflow input, never elsewhere", () => {
    const strays: string[] = [];
    const visit = (value: unknown, where: string) => {
      if (typeof value === "string") {
        if (SECRET_NAMES.some((n) => value.includes(n))) strays.push(where);
      } else if (value && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) visit(v, `${where}.${k}`);
      }
    };
    for (const block of allBlocks(variant.json)) {
      const { "//": _meta, ...body } = block.body;
      if (block.type === "aws_iam_role_policy") {
        for (const s of jsonAttr<{ Statement: Statement[] }>(block, "policy").Statement) {
          const { Resource: _resources, ...rest } = s;
          visit(rest, `${block.path}.Statement`);
        }
        const { policy: _policy, ...others } = body;
        visit(others, block.path);
      } else if (block.type === "aws_cloudwatch_event_target") {
        const { input_transformer: _input, ...others } = body;
        visit(others, block.path);
      } else {
        visit(body, block.path);
      }
    }
    visit(variant.json.output, "output");
    expect(strays).toEqual([]);
    expect(variant.text).toContain("first-line/slack-webhook-??????");
  });

  it("never have their values or any environment in the functions", () => {
    const lambdas = resourcesOf(variant.json, "aws_lambda_function");
    expect(lambdas.map((l) => l.body.environment)).toEqual(lambdas.map(() => undefined));
    for (const text of [example.text, variant.text]) {
      expect(text).not.toMatch(/hooks\.slack\.com|GenieKey|PRIVATE KEY|xoxb-/);
    }
  });
});
