/**
 * The static rule suite (checkov/trivy-style, __tests__/security/rules.ts): each rule reports a
 * deliberately bad fragment, stays quiet on the same fragment done right, and finds nothing in
 * the real synthesized output of several configurations.
 */

import { stressConfigs } from "../../testkit/stress-configs";
import type { TfJson } from "../../testkit/tf-json";
import { smallestConfig, variantConfig } from "../security/configs";
import { checkAll, isDeprecatedRuntime, RULES, type Rule } from "../security/rules";
import { synthConfig, synthExample } from "../security/synth";

// biome-ignore lint/suspicious/noExplicitAny: bad fragments are edited freely, one property each
type Mutable = Record<string, any>;

const LAMBDA = "aws_lambda_function";
const FN = "eu-west-1_url-check_function_1";

/** A small fragment that satisfies every rule: the base every bad case breaks in one place. */
function goodFragment(): Mutable {
  return {
    terraform: {
      backend: { s3: { bucket: "b", key: "k", region: "eu-central-1", encrypt: true, use_lockfile: true } },
    },
    provider: {
      aws: [
        { alias: "eu-west-1", region: "eu-west-1" },
        { alias: "ap-south-1", region: "ap-south-1" },
      ],
    },
    data: { aws_caller_identity: { acct: { provider: "aws.eu-west-1" } } },
    resource: {
      aws_lambda_function: {
        [FN]: {
          provider: "aws.eu-west-1",
          function_name: "fl-eu-west-1-url-check",
          runtime: "nodejs24.x",
          tracing_config: { mode: "Active" },
          environment: { variables: { LOG_LEVEL: "info", SLACK_SECRET: "first-line/slack-webhook" } },
        },
      },
      aws_cloudwatch_log_group: {
        fnlogs: {
          provider: "aws.eu-west-1",
          name: "/aws/lambda/fl-eu-west-1-url-check",
          retention_in_days: 30,
        },
        sfnlogs: { provider: "aws.eu-west-1", name: "/aws/vendedlogs/states/x", retention_in_days: 30 },
      },
      aws_sfn_state_machine: {
        sm: {
          provider: "aws.eu-west-1",
          logging_configuration: {
            level: "ALL",
            include_execution_data: true,
            log_destination: `${ref("aws_cloudwatch_log_group.sfnlogs.arn")}:*`,
          },
          tracing_configuration: { enabled: true },
        },
      },
      aws_sqs_queue: {
        dlq: { provider: "aws.eu-west-1", sqs_managed_sse_enabled: true },
        far: { provider: "aws.ap-south-1", sqs_managed_sse_enabled: true },
      },
      aws_sqs_queue_policy: {
        dlq: {
          provider: "aws.eu-west-1",
          queue_url: ref("aws_sqs_queue.dlq.url"),
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: ref("aws_sqs_queue.dlq.arn"),
              },
            ],
          }),
        },
      },
      aws_sns_topic: {
        ops: { provider: "aws.eu-west-1", name: "ops" },
        far: { provider: "aws.ap-south-1", name: "far" },
      },
      aws_sns_topic_policy: {
        ops: {
          provider: "aws.eu-west-1",
          arn: ref("aws_sns_topic.ops.arn"),
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: "sns:Publish",
                Resource: ref("aws_sns_topic.ops.arn"),
              },
            ],
          }),
        },
      },
      aws_sns_topic_subscription: {
        oncall: {
          provider: "aws.eu-west-1",
          topic_arn: ref("aws_sns_topic.ops.arn"),
          protocol: "email",
          endpoint: "oncall@example.com",
        },
      },
      aws_cloudwatch_metric_alarm: {
        failing: {
          provider: "aws.eu-west-1",
          alarm_actions: [ref("aws_sns_topic.ops.arn")],
          ok_actions: ["arn:aws:sns:eu-west-1:123456789012:ops"],
        },
      },
      aws_cloudwatch_event_target: {
        target: {
          provider: "aws.eu-west-1",
          arn: ref("aws_sfn_state_machine.sm.arn"),
          dead_letter_config: { arn: ref("aws_sqs_queue.dlq.arn") },
        },
      },
      aws_dynamodb_table: { locks: { provider: "aws.eu-west-1", server_side_encryption: { enabled: true } } },
      aws_iam_role: {
        events: {
          provider: "aws.eu-west-1",
          name: "events",
          assume_role_policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: {
                  StringEquals: { "aws:SourceAccount": ref("data.aws_caller_identity.acct.account_id") },
                },
              },
            ],
          }),
        },
      },
      aws_iam_role_policy: {
        events: {
          provider: "aws.eu-west-1",
          role: ref("aws_iam_role.events.id"),
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Action: ["states:StartExecution"], Resource: ["arn:aws:states:x"] },
            ],
          }),
        },
      },
    },
  };
}

/** A Terraform reference `${expr}`, spelled so it is not read as a template placeholder. */
const ref = (expr: string) => `$\{${expr}}`;

const policyWith = (statement: Record<string, unknown>) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Resource: ["*"], ...statement }] });

/** Per rule: bad fragments, each the good fragment broken in one place, and the message expected. */
const BAD: Record<string, readonly [string, (f: Mutable) => void, RegExp][]> = {
  CKV_AWS_50: [
    [
      "tracing PassThrough",
      (f) => (f.resource[LAMBDA][FN].tracing_config = { mode: "PassThrough" }),
      /not Active/,
    ],
    ["no tracing_config", (f) => delete f.resource[LAMBDA][FN].tracing_config, /not Active/],
  ],
  CKV_AWS_66: [
    [
      "no log group for the function",
      (f) => delete f.resource.aws_cloudwatch_log_group.fnlogs,
      /no aws_cloudwatch_log_group named \/aws\/lambda\/fl-eu-west-1-url-check/,
    ],
    [
      "a log group without retention",
      (f) => delete f.resource.aws_cloudwatch_log_group.fnlogs.retention_in_days,
      /no retention_in_days/,
    ],
    [
      "a log group in another provider",
      (f) => (f.resource.aws_cloudwatch_log_group.fnlogs.provider = "aws.us-east-1"),
      /another provider/,
    ],
    [
      "an empty KMS key",
      (f) => (f.resource.aws_cloudwatch_log_group.fnlogs.kms_key_id = ""),
      /empty kms_key_id/,
    ],
    [
      "the state machine's log group without retention",
      (f) => (f.resource.aws_cloudwatch_log_group.sfnlogs.retention_in_days = 0),
      /without retention/,
    ],
  ],
  CKV_AWS_285: [
    [
      "logging level OFF",
      (f) => (f.resource.aws_sfn_state_machine.sm.logging_configuration.level = "OFF"),
      /logging level OFF/,
    ],
    [
      "logging level FATAL",
      (f) => (f.resource.aws_sfn_state_machine.sm.logging_configuration.level = "FATAL"),
      /logging level FATAL/,
    ],
    [
      "no execution data",
      (f) => (f.resource.aws_sfn_state_machine.sm.logging_configuration.include_execution_data = false),
      /include_execution_data/,
    ],
    [
      "no log destination",
      (f) => delete f.resource.aws_sfn_state_machine.sm.logging_configuration.log_destination,
      /log_destination undefined/,
    ],
    [
      "a destination outside the stack",
      (f) =>
        (f.resource.aws_sfn_state_machine.sm.logging_configuration.log_destination = `${ref("aws_cloudwatch_log_group.gone.arn")}:*`),
      /not a log group of this stack/,
    ],
    [
      "no logging at all",
      (f) => delete f.resource.aws_sfn_state_machine.sm.logging_configuration,
      /no logging_configuration/,
    ],
    [
      "no tracing",
      (f) => (f.resource.aws_sfn_state_machine.sm.tracing_configuration = { enabled: false }),
      /tracing_configuration/,
    ],
  ],
  CKV_AWS_27: [
    [
      "an unencrypted queue",
      (f) => (f.resource.aws_sqs_queue.dlq.sqs_managed_sse_enabled = false),
      /neither/,
    ],
  ],
  "AVD-AWS-0066-RUNTIME": [
    ["nodejs20.x", (f) => (f.resource[LAMBDA][FN].runtime = "nodejs20.x"), /runtime nodejs20.x/],
    ["python3.8", (f) => (f.resource[LAMBDA][FN].runtime = "python3.8"), /runtime python3.8/],
    ["no runtime", (f) => delete f.resource[LAMBDA][FN].runtime, /runtime undefined/],
  ],
  CKV_AWS_45: [
    [
      "a Slack webhook URL",
      (f) =>
        (f.resource[LAMBDA][FN].environment.variables.HOOK =
          "https://hooks.slack.com/services/T000/B000/XXXXXXXX"),
      /HOOK holds a Slack webhook URL/,
    ],
    [
      "a GenieKey header",
      (f) => (f.resource[LAMBDA][FN].environment.variables.AUTH = "GenieKey 5b0e5f4c-9d1a-4c1e"),
      /AUTH holds a OpsGenie GenieKey header/,
    ],
    [
      "a private key",
      (f) => (f.resource[LAMBDA][FN].environment.variables.KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl"),
      /KEY holds a private key/,
    ],
    [
      "an AWS access key",
      (f) => (f.resource[LAMBDA][FN].environment.variables.AK = "AKIAIOSFODNN7EXAMPLE"),
      /AK holds a AWS access key id/,
    ],
  ],
  FL_NO_SECRET_IN_CONFIG: [
    [
      "a webhook URL in an event target's input",
      (f) =>
        (f.resource.aws_cloudwatch_event_target = {
          t: { provider: "aws.eu-west-1", input: '{"hook":"https://hooks.slack.com/services/T0/B0/abc"}' },
        }),
      /Slack webhook URL/,
    ],
    [
      "a private key in a tag",
      (f) => (f.resource.aws_sqs_queue.dlq.tags = { k: "-----BEGIN RSA PRIVATE KEY-----" }),
      /private key/,
    ],
  ],
  FL_S3_BACKEND: [
    ["encrypt false", (f) => (f.terraform.backend.s3.encrypt = false), /encrypt is not true/],
    ["no lock file", (f) => delete f.terraform.backend.s3.use_lockfile, /use_lockfile is not true/],
  ],
  FL_RESERVED_CONCURRENCY: [
    ["reserved concurrency 0", (f) => (f.resource[LAMBDA][FN].reserved_concurrent_executions = 0), /= 0/],
    ["reserved concurrency -1", (f) => (f.resource[LAMBDA][FN].reserved_concurrent_executions = -1), /= -1/],
    [
      "reserved concurrency 1.5",
      (f) => (f.resource[LAMBDA][FN].reserved_concurrent_executions = 1.5),
      /= 1.5/,
    ],
  ],
  CKV_AWS_119: [
    [
      "SSE disabled",
      (f) => (f.resource.aws_dynamodb_table.locks.server_side_encryption = { enabled: false }),
      /not true/,
    ],
    ["no SSE block", (f) => delete f.resource.aws_dynamodb_table.locks.server_side_encryption, /not true/],
  ],
  CKV_AWS_289: [
    [
      "Action *",
      (f) => (f.resource.aws_iam_role_policy.events.policy = policyWith({ Action: "*" })),
      /grants \*/,
    ],
    [
      "Action ec2:*",
      (f) => (f.resource.aws_iam_role_policy.events.policy = policyWith({ Action: ["ec2:*"] })),
      /grants ec2:\*/,
    ],
    [
      "NotAction",
      (f) => (f.resource.aws_iam_role_policy.events.policy = policyWith({ NotAction: ["iam:*"] })),
      /NotAction/,
    ],
    [
      "a queue policy with sqs:*",
      (f) =>
        (f.resource.aws_sqs_queue_policy = {
          p: { provider: "aws.eu-west-1", policy: policyWith({ Action: "sqs:*" }) },
        }),
      /grants sqs:\*/,
    ],
  ],
  FL_CONFUSED_DEPUTY: [
    [
      "an events trust without SourceAccount",
      (f) =>
        (f.resource.aws_iam_role.events.assume_role_policy = JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        })),
      /events.amazonaws.com trust without aws:SourceAccount/,
    ],
  ],
  FL_SAME_REGION: [
    [
      "an alarm action on a topic ARN in another region",
      (f) =>
        (f.resource.aws_cloudwatch_metric_alarm.failing.alarm_actions = [
          "arn:aws:sns:eu-central-1:123456789012:platform-oncall",
        ]),
      /alarm_actions arn:aws:sns:eu-central-1:123456789012:platform-oncall is in eu-central-1, but this aws_cloudwatch_metric_alarm is in eu-west-1/,
    ],
    [
      "an OK action on another provider's topic",
      (f) => (f.resource.aws_cloudwatch_metric_alarm.failing.ok_actions = [ref("aws_sns_topic.far.arn")]),
      /ok_actions \$\{aws_sns_topic.far.arn\} is in ap-south-1/,
    ],
    [
      "an event target in another region",
      (f) =>
        (f.resource.aws_cloudwatch_event_target.target.arn =
          "arn:aws:states:us-east-2:123456789012:stateMachine:remediation"),
      /^arn .* is in us-east-2/,
    ],
    [
      "a dead-letter queue in another region",
      (f) =>
        (f.resource.aws_cloudwatch_event_target.target.dead_letter_config = {
          arn: ref("aws_sqs_queue.far.arn"),
        }),
      /dead_letter_config.arn .* is in ap-south-1/,
    ],
    [
      "a queue policy about another region's queue",
      (f) =>
        (f.resource.aws_sqs_queue_policy.dlq.policy = JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-2:123456789012:q" },
          ],
        })),
      /policy Resource arn:aws:sqs:us-east-2:123456789012:q is in us-east-2/,
    ],
    [
      "a topic policy about another provider's topic",
      (f) => (f.resource.aws_sns_topic_policy.ops.arn = ref("aws_sns_topic.far.arn")),
      /^arn .* is in ap-south-1, but this aws_sns_topic_policy is in eu-west-1/,
    ],
    [
      "a subscription to another region's topic",
      (f) =>
        (f.resource.aws_sns_topic_subscription.oncall.topic_arn = "arn:aws:sns:us-east-2:123456789012:ops"),
      /topic_arn .* is in us-east-2/,
    ],
  ],
  FL_ALIASED_PROVIDER: [
    [
      "a resource without provider",
      (f) => delete f.resource.aws_sqs_queue.dlq.provider,
      /provider undefined/,
    ],
    [
      "a data source on the default provider",
      (f) => (f.data.aws_caller_identity.acct.provider = "aws"),
      /provider aws$/,
    ],
    [
      "an undeclared alias",
      (f) => (f.resource.aws_sqs_queue.dlq.provider = "aws.us-east-1"),
      /provider aws.us-east-1/,
    ],
    [
      "a default (un-aliased) provider block",
      (f) => f.provider.aws.push({ region: "us-east-1" }),
      /without alias/,
    ],
  ],
};

function rule(id: string): Rule {
  const found = RULES.find((r) => r.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
}

describe("each rule on fragments", () => {
  it("covers every rule with bad fragments", () => {
    expect(Object.keys(BAD).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  it("finds nothing in the good fragment", () => {
    expect(checkAll(goodFragment() as TfJson)).toEqual([]);
  });

  const cases = Object.entries(BAD).flatMap(([id, list]) =>
    list.map(([label, mutate, message]) => ({ id, label, mutate, message })),
  );
  it.each(cases)("$id reports $label", ({ id, mutate, message }) => {
    const fragment = goodFragment();
    mutate(fragment);

    const violations = rule(id).check(fragment as TfJson);

    expect(violations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: id, message: expect.stringMatching(message) }),
      ]),
    );
  });
});

describe("FL_SAME_REGION", () => {
  it("lets an event target be an event bus in another region (cross-region event routing)", () => {
    const fragment = goodFragment();
    fragment.resource.aws_cloudwatch_event_target.target.arn =
      "arn:aws:events:us-east-2:123456789012:event-bus/central";

    expect(rule("FL_SAME_REGION").check(fragment as TfJson)).toEqual([]);
  });
});

describe("the deprecated-runtime table", () => {
  it.each([
    "nodejs",
    "nodejs12.x",
    "nodejs18.x",
    "nodejs20.x",
    "python2.7",
    "python3.8",
    "python3.9",
    "go1.x",
    "java8",
    "dotnet6",
  ])("treats %s as deprecated", (runtime) => expect(isDeprecatedRuntime(runtime)).toBe(true));
  it.each(["nodejs22.x", "nodejs24.x", "python3.12", "python3.13", "java21", "provided.al2023"])(
    "treats %s as supported",
    (runtime) => expect(isDeprecatedRuntime(runtime)).toBe(false),
  );
});

describe("the rules on real synthesized output", () => {
  const outputs: [string, () => Promise<TfJson>][] = [
    [
      "the committed example (cdktf.json)",
      async () => {
        const { tf, cleanup } = await synthExample();
        cleanup();
        return tf;
      },
    ],
    [
      "a cloud-backend config with a VPC region, stop-start and ARN secrets",
      () => synthConfig(variantConfig()),
    ],
    ["the smallest config", () => synthConfig(smallestConfig())],
    ...stressConfigs().map(({ name, raw }): [string, () => Promise<TfJson>] => [
      `the stress configuration "${name}"`,
      () => synthConfig(raw),
    ]),
  ];
  const synthesized = new Map<string, TfJson>();

  beforeAll(async () => {
    for (const [label, synth] of outputs) synthesized.set(label, await synth());
  });

  describe.each(outputs.map(([label]) => label))("%s", (label) => {
    it.each(RULES.map((r) => [r.id, r] as const))("passes %s", (_id, r) => {
      const tf = synthesized.get(label) as TfJson;

      expect(r.check(tf)).toEqual([]);
    });

    it("has the blocks the rules inspect, so a pass is not a vacuous one", () => {
      const tf = synthesized.get(label) as TfJson;

      for (const type of [
        "aws_lambda_function",
        "aws_cloudwatch_log_group",
        "aws_sfn_state_machine",
        "aws_sqs_queue",
        "aws_dynamodb_table",
        "aws_iam_role_policy",
        "aws_cloudwatch_metric_alarm",
        "aws_cloudwatch_event_target",
        "aws_sqs_queue_policy",
      ]) {
        expect([type, Object.keys(tf.resource?.[type] ?? {}).length > 0]).toEqual([type, true]);
      }
    });
  });
});
