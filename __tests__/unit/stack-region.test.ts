import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FUNCTION_NAMES } from "../../stacks/function-catalog";
import {
  allBlocks,
  blockAt,
  committedExample,
  jsonAttr,
  ref,
  resourcesOf,
  type Synthesized,
  settingsOf,
  str,
} from "../../testkit/synth";
import { synthesizedOnce } from "../../testkit/synth-suite";

// Synthesis bundles the functions first; a cold bundle cache on a busy machine takes seconds.
jest.setTimeout(60_000);

const REGIONS = ["ap-southeast-2", "eu-west-1", "us-east-1"];
const RETENTION: Record<string, number> = { "ap-southeast-2": 14, "eu-west-1": 30, "us-east-1": 30 };

/** 20 characters, the longest stackName the configuration accepts. */
const LONG_STACK = "first-line-prod-0042";
const LONG_REGION = "ap-southeast-7";

const example = synthesizedOnce(committedExample);
const longNames = synthesizedOnce(() => ({
  stackName: LONG_STACK,
  backend: { type: "s3", bucket: "acme-tfstate", key: "long.tfstate", region: "eu-central-1" },
  operator: {
    subscriptions: [{ protocol: "https", endpoint: "https://events.pagerduty.com/integration/0123/enqueue" }],
  },
  defaults: {
    notifications: {
      chat: { type: "slack", webhookSecret: "fl/slack" },
      escalation: { type: "opsgenie", secret: "fl/opsgenie" },
    },
    ssh: { privateKeySecret: "fl/ssh-key", mode: "command" },
  },
  regions: {
    [LONG_REGION]: {
      vpc: { subnetIds: ["subnet-0123456789abcdef0"], securityGroupIds: ["sg-0123456789abcdef0"] },
      instances: [
        {
          instanceId: "i-0123456789abcdef0",
          url: { address: "https://a.example.com/", timeoutSeconds: 30 },
          route53HealthCheckId: "abcdef01-2345-6789-abcd-ef0123456789",
          ssh: { hostKeySha256: "SHA256:UNhY4JhezH9gQYqvDMWrWH9CwlcKiECVqejMrND2VFw", timeoutSeconds: 40 },
        },
        { instanceId: "i-fedcba9876543210f", url: "https://b.example.com/" },
      ],
    },
  },
}));

interface AslStates {
  readonly [name: string]: {
    readonly Type: string;
    readonly Resource?: string;
    readonly TimeoutSeconds?: number;
    readonly Parameters?: { readonly FunctionName?: string };
    readonly Branches?: readonly { readonly States: AslStates }[];
    readonly ItemProcessor?: { readonly States: AslStates };
  };
}

/** Every Task state that invokes a function, however deeply nested. */
function lambdaTasks(states: AslStates): { state: string; fn: string; timeout: number }[] {
  return Object.entries(states).flatMap(([name, state]) => [
    ...(state.Type === "Task" && state.Resource === "arn:aws:states:::lambda:invoke"
      ? [{ state: name, fn: state.Parameters?.FunctionName ?? "", timeout: state.TimeoutSeconds ?? 0 }]
      : []),
    ...(state.Branches ?? []).flatMap((b) => lambdaTasks(b.States)),
    ...(state.ItemProcessor ? lambdaTasks(state.ItemProcessor.States) : []),
  ]);
}

describe("state machine", () => {
  it.each(REGIONS)(
    "in %s is STANDARD, traced, and logs everything to its own log group with retention",
    (region) => {
      const machine = blockAt(example.json, "aws_sfn_state_machine", `${region}/workflow`);
      const logs = blockAt(example.json, "aws_cloudwatch_log_group", `${region}/workflow-logs`);
      const { definition: _definition, ...rest } = settingsOf(machine);
      expect(rest).toEqual({
        provider: `aws.${region}`,
        name: `first-line-${region}-remediation`,
        type: "STANDARD",
        role_arn: ref(blockAt(example.json, "aws_iam_role", `${region}/workflow-role`), "arn"),
        logging_configuration: {
          log_destination: `${ref(logs, "arn")}:*`,
          include_execution_data: true,
          level: "ALL",
        },
        tracing_configuration: { enabled: true },
        // Created after everything the definition names without a reference.
        depends_on: [
          blockAt(example.json, "aws_iam_role_policy", `${region}/workflow-policy`).address,
          blockAt(example.json, "aws_dynamodb_table", `${region}/lock-table`).address,
          ...FUNCTION_NAMES.map(
            (fn) => blockAt(example.json, "aws_lambda_function", `${region}/${fn}/function`).address,
          ),
        ],
      });
      expect(settingsOf(logs)).toEqual({
        provider: `aws.${region}`,
        name: `/aws/vendedlogs/states/first-line-${region}-remediation`,
        retention_in_days: RETENTION[region],
      });
    },
  );

  it.each(REGIONS)("in %s calls exactly its own region's functions and lock table, by name", (region) => {
    const machine = blockAt(example.json, "aws_sfn_state_machine", `${region}/workflow`);
    const definition = str(machine, "definition");
    // No Terraform references: names are known at synth time and Lambda's Invoke takes a name.
    expect(definition).not.toMatch(/\$\{/);
    const states = Object.values(JSON.parse(definition).States as Record<string, { Parameters?: object }>);
    const functionNames = new Set(
      states.flatMap((s) => {
        const fn = (s.Parameters as { FunctionName?: string } | undefined)?.FunctionName;
        return fn ? [fn] : [];
      }),
    );
    expect(functionNames).toEqual(
      new Set(
        FUNCTION_NAMES.map((fn) =>
          str(blockAt(example.json, "aws_lambda_function", `${region}/${fn}/function`), "function_name"),
        ),
      ),
    );
    const tables = new Set(
      states.flatMap((s) => {
        const table = (s.Parameters as { TableName?: string } | undefined)?.TableName;
        return table ? [table] : [];
      }),
    );
    expect(tables).toEqual(
      new Set([str(blockAt(example.json, "aws_dynamodb_table", `${region}/lock-table`), "name")]),
    );
  });

  it("has a definition that is JSON with a machine timeout covering every instance's settle and restart waits", () => {
    for (const region of example.config.regions) {
      const machine = blockAt(example.json, "aws_sfn_state_machine", `${region.name}/workflow`);
      const definition = jsonAttr<{ TimeoutSeconds: unknown; StartAt: unknown; States: object }>(
        machine,
        "definition",
      );
      expect(typeof definition.StartAt).toBe("string");
      expect(Object.keys(definition.States).length).toBeGreaterThan(5);
      const longestWait = Math.max(
        ...region.instances.map((i) => i.settings.restart.settleSeconds + i.settings.restart.maxWaitSeconds),
      );
      expect(definition.TimeoutSeconds).toEqual(expect.any(Number));
      expect(definition.TimeoutSeconds as number).toBeGreaterThan(longestWait);
    }
  });

  it.each([
    ["the example", () => example],
    ["longer check timeouts", () => longNames],
  ])("gives every function task more time than the function itself (%s)", (_case, synth) => {
    const { json, config } = synth();
    for (const region of config.regions) {
      const timeouts = new Map(
        resourcesOf(json, "aws_lambda_function", region.name).map((f) => [
          f.body.function_name,
          f.body.timeout,
        ]),
      );
      const machine = blockAt(json, "aws_sfn_state_machine", `${region.name}/workflow`);
      const tasks = lambdaTasks(jsonAttr<{ States: AslStates }>(machine, "definition").States);
      expect(tasks.length).toBeGreaterThanOrEqual(FUNCTION_NAMES.length);
      const cutOff = tasks
        .filter((t) => !(t.timeout > (timeouts.get(t.fn) as number)))
        .map((t) => `${t.state}: task ${t.timeout} s, function ${String(timeouts.get(t.fn))} s`);
      expect(cutOff).toEqual([]);
    }
  });

  it("gives the check functions more time than the longest check timeout configured in the region", () => {
    const timeout = (fn: string) =>
      blockAt(longNames.json, "aws_lambda_function", `${LONG_REGION}/${fn}/function`).body.timeout as number;
    expect(timeout("url-check")).toBeGreaterThan(30);
    expect(timeout("ssh-check")).toBeGreaterThan(40);
  });

  it("locks in a per-region DynamoDB table keyed by instance id", () => {
    for (const region of REGIONS) {
      expect(settingsOf(blockAt(example.json, "aws_dynamodb_table", `${region}/lock-table`))).toMatchObject({
        provider: `aws.${region}`,
        name: `first-line-${region}-locks`,
        hash_key: "instanceId",
        attribute: [{ name: "instanceId", type: "S" }],
        billing_mode: "PAY_PER_REQUEST",
      });
    }
  });
});

describe("functions", () => {
  const functionCases = REGIONS.flatMap((region) => FUNCTION_NAMES.map((fn) => [region, fn] as const));

  it.each(functionCases)(
    "%s %s runs nodejs24.x on arm64 from its bundled zip, with its own role",
    (region, fn) => {
      const lambda = blockAt(example.json, "aws_lambda_function", `${region}/${fn}/function`);
      const zipPath = join(example.stackDir, str(lambda, "filename"));
      const zipHash = createHash("sha256").update(readFileSync(zipPath)).digest("base64");
      expect(settingsOf(lambda)).toMatchObject({
        provider: `aws.${region}`,
        function_name: `first-line-${region}-${fn}`,
        runtime: "nodejs24.x",
        architectures: ["arm64"],
        handler: "index.handler",
        filename: expect.stringMatching(new RegExp(`^assets/code-${fn}/[0-9a-f]{32}/${fn}\\.zip$`)),
        source_code_hash: zipHash,
        role: ref(blockAt(example.json, "aws_iam_role", `${region}/${fn}/role`), "arn"),
      });
      expect(lambda.body.environment).toBeUndefined();
    },
  );

  it("uses one asset per function, shared by every region", () => {
    const assets = readdirSync(join(example.stackDir, "assets")).sort();
    expect(assets).toEqual(FUNCTION_NAMES.map((fn) => `code-${fn}`).sort());
    for (const fn of FUNCTION_NAMES) {
      const [version, ...more] = readdirSync(join(example.stackDir, "assets", `code-${fn}`));
      expect(more).toEqual([]);
      expect(readdirSync(join(example.stackDir, "assets", `code-${fn}`, version ?? ""))).toEqual([
        `${fn}.zip`,
      ]);
      const filenames = new Set(
        REGIONS.map((r) =>
          str(blockAt(example.json, "aws_lambda_function", `${r}/${fn}/function`), "filename"),
        ),
      );
      expect(filenames).toEqual(new Set([`assets/code-${fn}/${version}/${fn}.zip`]));
    }
  });

  it("gives every function its own role, trusted by Lambda only and named after the function", () => {
    const lambdas = resourcesOf(example.json, "aws_lambda_function");
    expect(lambdas).toHaveLength(REGIONS.length * FUNCTION_NAMES.length);
    expect(new Set(lambdas.map((l) => l.body.role)).size).toBe(lambdas.length);
    for (const lambda of lambdas) {
      const role = blockAt(example.json, "aws_iam_role", lambda.path.replace(/\/function$/, "/role"));
      expect(role.body.name).toBe(lambda.body.function_name);
      expect(jsonAttr(role, "assume_role_policy")).toEqual({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      });
    }
  });

  it.each(REGIONS)(
    "in %s each function has a log group /aws/lambda/<name> with the region's retention, created first",
    (region) => {
      for (const fn of FUNCTION_NAMES) {
        const lambda = blockAt(example.json, "aws_lambda_function", `${region}/${fn}/function`);
        const logs = blockAt(example.json, "aws_cloudwatch_log_group", `${region}/${fn}/logs`);
        expect(settingsOf(logs)).toEqual({
          provider: `aws.${region}`,
          name: `/aws/lambda/first-line-${region}-${fn}`,
          retention_in_days: RETENTION[region],
        });
        expect(lambda.body.depends_on).toContain(logs.address);
      }
    },
  );

  it("puts the checks that dial the instance (SSH, TCP) in the VPC of a region that configures one, and nothing else", () => {
    const inVpc = resourcesOf(example.json, "aws_lambda_function")
      .filter((l) => l.body.vpc_config !== undefined)
      .map((l) => [l.path, l.body.vpc_config]);
    const vpc = { subnet_ids: ["subnet-0123456789abcdef0"], security_group_ids: ["sg-0123456789abcdef0"] };
    expect(inVpc).toEqual([
      ["eu-west-1/ssh-check/function", vpc],
      ["eu-west-1/tcp-check/function", vpc],
    ]);
  });
});

describe("names", () => {
  const NAME_FIELDS: Record<string, string> = {
    aws_lambda_function: "function_name",
    aws_iam_role: "name",
    aws_iam_role_policy: "name",
    aws_cloudwatch_event_rule: "name",
    aws_cloudwatch_metric_alarm: "alarm_name",
    aws_dynamodb_table: "name",
    aws_sqs_queue: "name",
    aws_sfn_state_machine: "name",
    aws_sns_topic: "name",
  };

  function names(synth: Synthesized) {
    return allBlocks(synth.json)
      .filter((b) => b.type in NAME_FIELDS)
      .map((b) => ({ region: b.region, type: b.type, name: str(b, NAME_FIELDS[b.type] ?? "") }));
  }

  it("are <stackName>-<region>-<part> for functions, roles, rules, alarms, tables, queues, machines and topics", () => {
    const all = names(example);
    expect(all.length).toBeGreaterThan(80);
    expect(all.filter((n) => !n.name.startsWith(`first-line-${n.region}-`))).toEqual([]);
  });

  it("are unique per type across regions (IAM names are account-global)", () => {
    const roles = names(example)
      .filter((n) => n.type === "aws_iam_role")
      .map((n) => n.name);
    expect(new Set(roles).size).toBe(roles.length);
    expect(roles.filter((n) => !REGIONS.some((r) => n.includes(`-${r}-`)))).toEqual([]);
  });

  it("fit AWS's 64-character limit with a 20-character stackName, the longest region name and 17-digit instance ids", () => {
    const all = names(longNames);
    expect(all.length).toBeGreaterThan(20);
    expect(all.filter((n) => !n.name.startsWith(`${LONG_STACK}-${LONG_REGION}-`))).toEqual([]);
    expect(all.filter((n) => n.name.length > 64)).toEqual([]);
    const longest = Math.max(...all.map((n) => n.name.length));
    expect(longest).toBe(`${LONG_STACK}-${LONG_REGION}-i-0123456789abcdef0-alarm`.length);
  });

  it("keep log group names derived from the same names", () => {
    const groups = resourcesOf(longNames.json, "aws_cloudwatch_log_group").map((g) => str(g, "name"));
    expect(groups.sort()).toEqual(
      [
        ...FUNCTION_NAMES.map((fn) => `/aws/lambda/${LONG_STACK}-${LONG_REGION}-${fn}`),
        `/aws/vendedlogs/states/${LONG_STACK}-${LONG_REGION}-remediation`,
      ].sort(),
    );
  });
});
