/**
 * Static checks over synthesized Terraform JSON, modelled on checkov / trivy rules (which cannot
 * be installed here). Each rule is a pure function of the JSON; `id` names the checkov or trivy
 * check it follows where one exists.
 */

import {
  blockByAddress,
  dataSources,
  providerRegions,
  referencedAddress,
  regionOf,
  resources,
  type TfBlock,
  type TfJson,
} from "../../testkit/tf-json";
import { allPolicyStatements, asList, type PolicyStatementJson } from "./iam-sim";

/** One finding: which block and what is wrong. */
export interface Violation {
  readonly rule: string;
  readonly address: string;
  readonly message: string;
}

export interface Rule {
  readonly id: string;
  readonly title: string;
  check(tf: TfJson): Violation[];
}

function record(value: unknown): Record<string, unknown> | undefined {
  if (Array.isArray(value)) return record(value[0]);
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
}

/** Patterns of secret values that must never appear in Terraform config (and so in state). */
const SECRET_PATTERNS: readonly { name: string; pattern: RegExp }[] = [
  {
    name: "Slack webhook URL",
    pattern: /https:\/\/hooks\.slack\.com\/(services|workflows|triggers)\/[A-Za-z0-9/_-]+/,
  },
  { name: "OpsGenie GenieKey header", pattern: /GenieKey\s+[A-Za-z0-9-]{8,}/i },
  { name: "private key", pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/ },
  { name: "AWS access key id", pattern: /\b(AKIA|ASIA)[A-Z0-9]{16}\b/ },
  { name: "AWS secret access key", pattern: /aws_?secret_?access_?key["'\s:=]+[A-Za-z0-9/+=]{40}/i },
  {
    name: "OpsGenie API key (UUID) beside a key name",
    pattern: /(api_?key|genie)["'\s:=]+[0-9a-f]{8}-[0-9a-f]{4}-/i,
  },
];

/** The region field of a literal ARN; undefined for a global ARN (IAM, Route 53) or no ARN. */
function arnRegion(arn: string): string | undefined {
  const parts = arn.split(":");
  return parts[0] === "arn" && parts.length >= 6 && parts[3] !== "" ? parts[3] : undefined;
}

/**
 * The regions a value points into: each `${type.name.attr}` reference counts as the region of
 * the referenced block's provider, and a literal ARN as its own region field.
 */
function regionsPointedTo(tf: TfJson, value: unknown): { what: string; region: string }[] {
  if (typeof value !== "string") return [];
  const out: { what: string; region: string }[] = [];
  const literal = value.replace(/\$\{([^{}]+)\}/g, (whole: string) => {
    const block = blockByAddress(tf, referencedAddress(whole));
    if (block?.provider !== undefined) out.push({ what: whole, region: regionOf(tf, block) });
    return "";
  });
  const region = arnRegion(literal);
  if (region !== undefined) out.push({ what: literal, region });
  return out;
}

/** The `Resource` values of a policy document held as JSON text. */
function policyResources(text: unknown): string[] {
  if (typeof text !== "string") return [];
  const doc = JSON.parse(text) as { Statement: PolicyStatementJson | PolicyStatementJson[] };
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return statements.flatMap((statement) => [...asList(statement.Resource)]);
}

/** Per resource type, the values AWS requires to be in the resource's own region. */
const SAME_REGION_FIELDS: Readonly<Record<string, (body: TfBlock) => { field: string; value: unknown }[]>> = {
  // CloudWatch accepts alarm actions (SNS topics, EC2/SSM actions) only in the alarm's region.
  aws_cloudwatch_metric_alarm: (body) =>
    ["alarm_actions", "ok_actions", "insufficient_data_actions"].flatMap((field) =>
      (Array.isArray(body[field]) ? (body[field] as unknown[]) : []).map((value) => ({ field, value })),
    ),
  // A rule's targets and dead-letter queue live in its region; only an event bus may be elsewhere.
  aws_cloudwatch_event_target: (body) => [
    ...(isEventBus(body.arn) ? [] : [{ field: "arn", value: body.arn }]),
    { field: "dead_letter_config.arn", value: record(body.dead_letter_config)?.arn },
  ],
  // A queue or topic policy is about its own queue or topic.
  aws_sqs_queue_policy: (body) => [
    { field: "queue_url", value: body.queue_url },
    ...policyResources(body.policy).map((value) => ({ field: "policy Resource", value })),
  ],
  aws_sns_topic_policy: (body) => [
    { field: "arn", value: body.arn },
    ...policyResources(body.policy).map((value) => ({ field: "policy Resource", value })),
  ],
  // SNS subscribes through the topic's regional endpoint.
  aws_sns_topic_subscription: (body) => [{ field: "topic_arn", value: body.topic_arn }],
};

function isEventBus(value: unknown): boolean {
  return (
    typeof value === "string" &&
    (/^arn:aws[a-z-]*:events:[^:]+:\d{12}:event-bus\//.test(value) ||
      /^\$\{aws_cloudwatch_event_bus\./.test(value))
  );
}

function secretFindings(text: string): string[] {
  return SECRET_PATTERNS.filter((p) => p.pattern.test(text)).map((p) => p.name);
}

/** Lambda runtimes AWS has deprecated or is deprecating (Lambda runtime deprecation table). */
export function isDeprecatedRuntime(runtime: string): boolean {
  const node = /^nodejs(\d+)?(\.\d+)?(\.x|-edge)?$/.exec(runtime);
  if (node) return node[1] === undefined || Number(node[1]) <= 20;
  const python = /^python(\d)\.(\d+)$/.exec(runtime);
  if (python) return Number(python[1]) < 3 || Number(python[2]) <= 9;
  return /^(python2\.7|ruby2\.\d|ruby3\.[0-2]|java8|go1\.x|provided|dotnetcore\d\.\d|dotnet[5-7]\.0|dotnet6)$/.test(
    runtime,
  );
}

/** Records one finding of the rule being checked: the block's address and what is wrong. */
type Report = (address: string, message: string) => void;

/** A rule whose `find` reports each finding; every finding carries the rule's own id. */
function rule(id: string, title: string, find: (tf: TfJson, report: Report) => void): Rule {
  return {
    id,
    title,
    check: (tf) => {
      const out: Violation[] = [];
      find(tf, (address, message) => out.push({ rule: id, address, message }));
      return out;
    },
  };
}

export const RULES: readonly Rule[] = [
  rule("CKV_AWS_50", "Lambda functions have active X-Ray tracing", (tf, report) => {
    for (const f of resources(tf, "aws_lambda_function")) {
      if (record(f.body.tracing_config)?.mode !== "Active")
        report(f.address, "tracing_config.mode is not Active");
    }
  }),
  rule(
    "CKV_AWS_66",
    "Every Lambda function has its own log group with retention (and a non-empty KMS key if one is set)",
    (tf, report) => {
      const groups = new Map(resources(tf, "aws_cloudwatch_log_group").map((g) => [g.body.name, g]));
      for (const f of resources(tf, "aws_lambda_function")) {
        const custom = record(f.body.logging_config)?.log_group;
        const name = custom ?? `/aws/lambda/${String(f.body.function_name)}`;
        const group = groups.get(name);
        const v = (message: string) => report(f.address, message);
        if (!group) {
          v(`no aws_cloudwatch_log_group named ${String(name)}: Lambda would create one that never expires`);
          continue;
        }
        const days = group.body.retention_in_days;
        if (typeof days !== "number" || days <= 0) v(`${group.address} has no retention_in_days`);
        if (group.body.provider !== f.body.provider)
          v(`${group.address} is in another provider than the function`);
        if (
          "kms_key_id" in group.body &&
          (typeof group.body.kms_key_id !== "string" || group.body.kms_key_id === "")
        ) {
          v(`${group.address} has an empty kms_key_id`);
        }
      }
      for (const g of resources(tf, "aws_cloudwatch_log_group")) {
        const days = g.body.retention_in_days;
        if (typeof days !== "number" || days <= 0) report(g.address, "log group without retention_in_days");
      }
    },
  ),
  rule(
    "CKV_AWS_285",
    "State machines log ALL or ERROR with execution data to a log group, and trace with X-Ray (CKV_AWS_284)",
    (tf, report) => {
      for (const m of resources(tf, "aws_sfn_state_machine")) {
        const v = (message: string) => report(m.address, message);
        const logging = record(m.body.logging_configuration);
        if (!logging) {
          v("no logging_configuration");
        } else {
          if (!["ALL", "ERROR"].includes(String(logging.level))) v(`logging level ${String(logging.level)}`);
          if (logging.include_execution_data !== true) v("include_execution_data is not true");
          const destination = logging.log_destination;
          const group = blockByAddress(tf, referencedAddress(destination));
          if (
            typeof destination !== "string" ||
            !/^\$\{aws_cloudwatch_log_group\./.test(destination) ||
            !group
          ) {
            v(`log_destination ${String(destination)} is not a log group of this stack`);
          }
        }
        if (record(m.body.tracing_configuration)?.enabled !== true)
          v("tracing_configuration.enabled is not true");
      }
    },
  ),
  rule("CKV_AWS_27", "SQS queues are encrypted (SQS-managed SSE or a KMS key)", (tf, report) => {
    for (const q of resources(tf, "aws_sqs_queue")) {
      if (q.body.sqs_managed_sse_enabled !== true && !q.body.kms_master_key_id) {
        report(q.address, "neither sqs_managed_sse_enabled nor kms_master_key_id");
      }
    }
  }),
  rule("AVD-AWS-0066-RUNTIME", "No Lambda function uses a deprecated runtime", (tf, report) => {
    for (const f of resources(tf, "aws_lambda_function")) {
      if (typeof f.body.runtime !== "string" || isDeprecatedRuntime(f.body.runtime)) {
        report(f.address, `runtime ${String(f.body.runtime)}`);
      }
    }
  }),
  rule("CKV_AWS_45", "No plaintext secret in Lambda environment variables", (tf, report) => {
    for (const f of resources(tf, "aws_lambda_function")) {
      const variables = record(record(f.body.environment)?.variables) ?? {};
      for (const [key, value] of Object.entries(variables)) {
        for (const found of secretFindings(`${key}=${String(value)}`)) {
          report(f.address, `environment ${key} holds a ${found}`);
        }
      }
    }
  }),
  rule(
    "FL_NO_SECRET_IN_CONFIG",
    "No secret value anywhere in the synthesized configuration (it would land in state and plans)",
    (tf, report) => {
      for (const found of secretFindings(JSON.stringify(tf))) report("cdk.tf.json", `contains a ${found}`);
    },
  ),
  rule("FL_S3_BACKEND", "An S3 backend encrypts state and uses S3's native lock file", (tf, report) => {
    const s3 = tf.terraform?.backend?.s3;
    if (!s3) return;
    if (s3.encrypt !== true) report("terraform.backend.s3", "encrypt is not true");
    if (s3.use_lockfile !== true) report("terraform.backend.s3", "use_lockfile is not true");
  }),
  rule(
    "FL_RESERVED_CONCURRENCY",
    "Reserved concurrency, when set, is at least 1 (0 would silently disable the function)",
    (tf, report) => {
      for (const f of resources(tf, "aws_lambda_function")) {
        const value = f.body.reserved_concurrent_executions;
        if (value !== undefined && !(typeof value === "number" && Number.isInteger(value) && value >= 1)) {
          report(f.address, `reserved_concurrent_executions = ${String(value)}`);
        }
      }
    },
  ),
  rule("CKV_AWS_119", "DynamoDB tables have server-side encryption enabled", (tf, report) => {
    for (const t of resources(tf, "aws_dynamodb_table")) {
      if (record(t.body.server_side_encryption)?.enabled !== true) {
        report(t.address, "server_side_encryption.enabled is not true");
      }
    }
  }),
  rule(
    "CKV_AWS_289",
    'No IAM policy grants Action "*" or "service:*", or uses NotAction/NotResource',
    (tf, report) => {
      for (const { address, statement } of allPolicyStatements(tf)) {
        for (const action of asList(statement.Action)) {
          if (action === "*" || /^[a-z0-9-]+:\*$/i.test(action)) report(address, `grants ${action}`);
        }
        if (statement.NotAction !== undefined || statement.NotResource !== undefined) {
          report(address, "uses NotAction/NotResource");
        }
      }
    },
  ),
  rule(
    "FL_CONFUSED_DEPUTY",
    "Roles assumed by Step Functions and EventBridge are restricted to this account (aws:SourceAccount)",
    (tf, report) => {
      for (const role of resources(tf, "aws_iam_role")) {
        for (const { address, statement } of allPolicyStatements({
          resource: { aws_iam_role: { [role.id]: role.body } },
        })) {
          const services = asList(record(statement.Principal)?.Service as string | string[] | undefined);
          if (!services.some((s) => s === "states.amazonaws.com" || s === "events.amazonaws.com")) continue;
          const account = record(record(statement.Condition)?.StringEquals)?.["aws:SourceAccount"];
          if (typeof account !== "string" || account === "") {
            report(address, `${services.join(",")} trust without aws:SourceAccount`);
          }
        }
      }
    },
  ),
  rule(
    "FL_ALIASED_PROVIDER",
    "Every resource and data source uses a declared, aliased aws provider; no default provider exists",
    (tf, report) => {
      const aliases = providerRegions(tf);
      for (const p of tf.provider?.aws ?? []) {
        if (typeof p.alias !== "string") report("provider.aws", "an aws provider without alias");
      }
      for (const entry of [...resources(tf), ...dataSources(tf)]) {
        const provider = entry.body.provider;
        const alias = typeof provider === "string" ? /^aws\.(.+)$/.exec(provider)?.[1] : undefined;
        if (alias === undefined || !aliases.has(alias)) report(entry.address, `provider ${String(provider)}`);
      }
    },
  ),
  rule(
    "FL_SAME_REGION",
    "No resource points at another region where AWS requires its own (alarm actions, event targets other than event buses and their dead-letter queues, queue and topic policies, topic subscriptions)",
    (tf, report) => {
      for (const [type, fieldsOf] of Object.entries(SAME_REGION_FIELDS)) {
        for (const entry of resources(tf, type)) {
          const own = regionOf(tf, entry.body);
          for (const { field, value } of fieldsOf(entry.body)) {
            for (const { what, region } of regionsPointedTo(tf, value)) {
              if (region === own) continue;
              report(
                entry.address,
                `${field} ${what} is in ${region}, but this ${type} is in ${own} and AWS requires the same region`,
              );
            }
          }
        }
      }
    },
  ),
];

/** Every violation of every rule. */
export function checkAll(tf: TfJson): Violation[] {
  return RULES.flatMap((rule) => rule.check(tf));
}
