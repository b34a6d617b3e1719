import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_TEXT_LENGTH } from "../../contract/fields";
import type { InstanceSettings } from "../../contract/workflow";
import { synthesize } from "../../main";
import { ConfigError } from "../../stacks/config";
import { INPUT_TEMPLATE_MAX_LENGTH } from "../../stacks/regional-first-line";
import { terraformLiteralValue } from "../../stacks/terraform-literal";
import { designExampleSettings, resolvedUrl } from "../../testkit/fixtures";
import {
  placeholdersOf,
  renderInputTemplate,
  SAMPLE_ALARM_EVENT,
  templateSequences,
} from "../../testkit/input-template";
import {
  blockAt,
  committedExample,
  jsonAttr,
  ref,
  resourcesOf,
  settingsOf,
  str,
  synthConfig,
  type TfBlock,
  type TfJson,
} from "../../testkit/synth";
import { synthesizedOnce } from "../../testkit/synth-suite";

// Synthesis bundles the functions first; a cold bundle cache on a busy machine takes seconds.
jest.setTimeout(60_000);

function layeredConfig(): Record<string, unknown> {
  const raw = committedExample() as {
    defaults: { alarm: Record<string, unknown> };
    regions: Record<string, { alarm?: Record<string, unknown>; instances: Record<string, unknown>[] }>;
  };
  raw.defaults.alarm = { ...raw.defaults.alarm, statistic: "Maximum" };
  const us = raw.regions["us-east-1"];
  if (!us) throw new Error("example lost us-east-1");
  us.alarm = { evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: "ignore" };
  us.instances[0] = {
    instanceId: "i-0a1b2c3d4e5f60718",
    url: { address: "https://us.example.com/status", expectBody: "<title>OK</title>" },
  };
  return raw;
}

const example = synthesizedOnce(committedExample);
/** The example with alarm settings at all three levels and a body text that looks like a placeholder. */
const layered = synthesizedOnce(layeredConfig);

/** What EventBridge hands the workflow for a synthesized template, once Terraform evaluated it. */
function renderTemplate(template: string, values: Record<string, string>): unknown {
  return renderInputTemplate(terraformLiteralValue(template), values);
}

const ALARM_VALUES = SAMPLE_ALARM_EVENT;

/** An EventBridge target's input template, as synthesized. */
function templateOf(target: TfBlock): string {
  return (target.body.input_transformer as { input_template: string }).input_template;
}

/** The input template of the target of the instance at construct path `<region>/<instanceId>`. */
function templateAt(json: TfJson, instancePath: string): string {
  return templateOf(blockAt(json, "aws_cloudwatch_event_target", `${instancePath}/target`));
}

/** What the workflow receives from that instance's target for {@link ALARM_VALUES}. */
function renderedAt(json: TfJson, instancePath: string): { instance: InstanceSettings } {
  return renderTemplate(templateAt(json, instancePath), ALARM_VALUES) as { instance: InstanceSettings };
}

function cpuAlarm(json: TfJson, region: string, instanceId: string) {
  return blockAt(json, "aws_cloudwatch_metric_alarm", `${region}/${instanceId}/cpu-alarm`);
}

describe("per-instance CPU alarm", () => {
  it("watches AWS/EC2 CPUUtilization of the instance with the default settings and no alarm actions", () => {
    const alarm = cpuAlarm(example.json, "eu-west-1", "i-0123456789abcdef0");
    expect(settingsOf(alarm)).toEqual({
      provider: "aws.eu-west-1",
      alarm_name: "first-line-eu-west-1-i-0123456789abcdef0-cpu",
      alarm_description: expect.stringContaining("i-0123456789abcdef0"),
      namespace: "AWS/EC2",
      metric_name: "CPUUtilization",
      dimensions: { InstanceId: "i-0123456789abcdef0" },
      statistic: "Average",
      threshold: 99,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      period: 300,
      evaluation_periods: 2,
      datapoints_to_alarm: 2,
      treat_missing_data: "missing",
    });
  });

  it("applies an instance's own alarm override over the defaults", () => {
    const alarm = settingsOf(cpuAlarm(example.json, "us-east-1", "i-0fedcba9876543210"));
    expect(alarm).toMatchObject({ threshold: 95, period: 60, statistic: "Average", evaluation_periods: 2 });
  });

  it("merges alarm settings instance > region > defaults", () => {
    const overridden = settingsOf(cpuAlarm(layered.json, "us-east-1", "i-0fedcba9876543210"));
    const regionOnly = settingsOf(cpuAlarm(layered.json, "us-east-1", "i-0a1b2c3d4e5f60718"));
    const otherRegion = settingsOf(cpuAlarm(layered.json, "eu-west-1", "i-0123456789abcdef0"));
    const fields = (a: Record<string, unknown>) => [
      a.statistic,
      a.threshold,
      a.period,
      a.evaluation_periods,
      a.datapoints_to_alarm,
      a.treat_missing_data,
    ];
    expect(fields(overridden)).toEqual(["Maximum", 95, 60, 3, 3, "ignore"]);
    expect(fields(regionOnly)).toEqual(["Maximum", 99, 300, 3, 3, "ignore"]);
    expect(fields(otherRegion)).toEqual(["Maximum", 99, 300, 2, 2, "missing"]);
  });

  it("never has alarm, OK or insufficient-data actions: EventBridge is the only consumer", () => {
    const alarms = resourcesOf(example.json, "aws_cloudwatch_metric_alarm").filter((a) =>
      a.path.endsWith("/cpu-alarm"),
    );
    expect(alarms).toHaveLength(4);
    for (const alarm of alarms) {
      expect([alarm.body.alarm_actions, alarm.body.ok_actions, alarm.body.insufficient_data_actions]).toEqual(
        [undefined, undefined, undefined],
      );
    }
  });
});

describe("per-instance EventBridge rule", () => {
  it("matches exactly that instance's alarm going to ALARM", () => {
    for (const [region, id] of [
      ["eu-west-1", "i-0123456789abcdef0"],
      ["us-east-1", "i-0fedcba9876543210"],
    ] as const) {
      const rule = blockAt(example.json, "aws_cloudwatch_event_rule", `${region}/${id}/rule`);
      expect(jsonAttr(rule, "event_pattern")).toEqual({
        source: ["aws.cloudwatch"],
        "detail-type": ["CloudWatch Alarm State Change"],
        resources: [ref(cpuAlarm(example.json, region, id), "arn")],
        detail: { state: { value: ["ALARM"] } },
      });
      expect(rule.body.name).toBe(`first-line-${region}-${id}-alarm`);
      expect(rule.body.provider).toBe(`aws.${region}`);
    }
  });
});

describe("per-instance rule target", () => {
  it("starts the region's state machine through the region's events role, with retries and the region's DLQ", () => {
    const region = "us-east-1";
    const id = "i-0a1b2c3d4e5f60718";
    const target = blockAt(example.json, "aws_cloudwatch_event_target", `${region}/${id}/target`);
    const { input_transformer: _template, ...rest } = settingsOf(target);
    expect(rest).toEqual({
      provider: "aws.us-east-1",
      rule: ref(blockAt(example.json, "aws_cloudwatch_event_rule", `${region}/${id}/rule`), "name"),
      target_id: "first-line",
      arn: ref(blockAt(example.json, "aws_sfn_state_machine", `${region}/workflow`), "arn"),
      role_arn: ref(blockAt(example.json, "aws_iam_role", `${region}/events-role`), "arn"),
      retry_policy: { maximum_event_age_in_seconds: 3600, maximum_retry_attempts: 20 },
      dead_letter_config: { arn: ref(blockAt(example.json, "aws_sqs_queue", `${region}/dlq`), "arn") },
    });
  });

  it("takes the alarm name, alarm ARN and event time from the event and nothing else", () => {
    for (const target of resourcesOf(example.json, "aws_cloudwatch_event_target")) {
      const transformer = target.body.input_transformer as { input_paths: unknown; input_template: string };
      expect(transformer.input_paths).toEqual({
        alarmName: "$.detail.alarmName",
        alarmArn: "$.resources[0]",
        time: "$.time",
      });
      expect(placeholdersOf(transformer.input_template)).toEqual(["alarmName", "alarmArn", "time"]);
    }
  });

  it("renders, once EventBridge fills the placeholders, to the workflow input with the instance's resolved settings", () => {
    const template = templateAt(example.json, "eu-west-1/i-0123456789abcdef0");
    expect(renderTemplate(template, ALARM_VALUES)).toEqual({
      instance: designExampleSettings(),
      alarm: { name: ALARM_VALUES.alarmName, arn: ALARM_VALUES.alarmArn, time: ALARM_VALUES.time },
    });
  });

  it("carries region-level restart and notification overrides of every instance in that region", () => {
    const rendered = renderedAt(example.json, "us-east-1/i-0fedcba9876543210");
    expect(rendered.instance.restart).toEqual({
      method: "stop-start",
      settleSeconds: 90,
      pollSeconds: 15,
      maxWaitSeconds: 900,
      maxPolls: 60,
      cooldownMinutes: 30,
    });
    expect(rendered.instance.notifications.escalation.priority).toBe("P1");
    expect(rendered.instance.ssh).toMatchObject({
      mode: "handshake",
      hostKeySha256: [
        "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
        "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8",
      ],
    });
    expect(rendered.instance.ssh?.host).toBeUndefined();
    expect(rendered.instance.url).toBeUndefined();
  });

  it("carries for every instance exactly the settings the configuration resolves to", () => {
    for (const region of example.config.regions) {
      for (const instance of region.instances) {
        const rendered = renderedAt(example.json, `${region.name}/${instance.settings.instanceId}`);
        expect(rendered.instance).toEqual(JSON.parse(JSON.stringify(instance.settings)));
      }
    }
  });

  it("keeps text that looks like a placeholder literal, so EventBridge cannot substitute it", () => {
    const template = templateAt(layered.json, "us-east-1/i-0a1b2c3d4e5f60718");
    expect(template).not.toContain("<title>");
    const rendered = renderTemplate(template, ALARM_VALUES) as { instance: InstanceSettings };
    expect(rendered.instance.url).toEqual(
      resolvedUrl({ address: "https://us.example.com/status", expectBody: "<title>OK</title>" }),
    );
  });

  it("has one target per rule, each on its own instance's rule", () => {
    const targets = resourcesOf(example.json, "aws_cloudwatch_event_target");
    expect(targets.map((t) => str(t, "rule")).sort()).toEqual(
      resourcesOf(example.json, "aws_cloudwatch_event_rule")
        .map((r) => ref(r, "name"))
        .sort(),
    );
  });
});

describe("input template size", () => {
  /** The example with one instance whose expected body text is `length` characters long. */
  /** The example with `length` characters of settings text: the expected body, then the SSH command. */
  function withBody(length: number): Record<string, unknown> {
    const raw = committedExample() as { regions: Record<string, { instances: Record<string, unknown>[] }> };
    const eu = raw.regions["eu-west-1"];
    const first = eu?.instances[0];
    if (!eu || !first) throw new Error("example lost eu-west-1");
    // Each text field takes at most MAX_TEXT_LENGTH characters (what the functions accept).
    const body = Math.min(length, MAX_TEXT_LENGTH);
    eu.instances[0] = {
      ...first,
      url: { address: "https://eu.example.com/health", expectBody: "x".repeat(body) },
      ssh: { ...(first.ssh as object), command: `true ${"y".repeat(Math.max(0, length - body))}` },
    };
    return raw;
  }

  it("stays within EventBridge's limit for every instance of the example, indented one setting per line", () => {
    for (const target of resourcesOf(example.json, "aws_cloudwatch_event_target")) {
      const template = templateOf(target);
      expect(template.length).toBeLessThanOrEqual(INPUT_TEMPLATE_MAX_LENGTH);
      expect(template.split("\n").length).toBeGreaterThan(20);
    }
  });

  it("falls back to compact JSON when only that fits, still rendering to the same settings", async () => {
    const compact = await synthConfig(withBody(6900));
    try {
      const template = templateAt(compact.json, "eu-west-1/i-0123456789abcdef0");
      expect(template.length).toBeLessThanOrEqual(INPUT_TEMPLATE_MAX_LENGTH);
      expect(template).not.toContain("\n");
      const rendered = renderTemplate(template, ALARM_VALUES) as { instance: InstanceSettings };
      expect(rendered.instance.url?.expectBody).toBe("x".repeat(MAX_TEXT_LENGTH));
      expect(rendered.instance.ssh?.command).toBe(`true ${"y".repeat(6900 - MAX_TEXT_LENGTH)}`);
    } finally {
      compact.cleanup();
    }
  });

  it("rejects an instance whose workflow input cannot fit, naming it, and writes no output", async () => {
    const dir = mkdtempSync(join(tmpdir(), "first-line-oversize-"));
    try {
      writeFileSync(join(dir, "config.json"), JSON.stringify(withBody(2 * MAX_TEXT_LENGTH - 10)));
      const run = synthesize({
        cwd: dir,
        env: { FIRST_LINE_CONFIG: "config.json", CDKTF_OUTDIR: "cdktf.out" },
        log: () => {},
      });
      await expect(run).rejects.toThrow(ConfigError);
      await expect(run).rejects.toThrow(
        /regions\.eu-west-1\.instances\[0\]: the workflow input of i-0123456789abcdef0 is \d+ characters, over EventBridge's 8192-character/,
      );
      // The failure came after staging began: nothing of it may remain.
      expect(readdirSync(dir)).toEqual(["config.json"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("literal text (DESIGN §4: Terraform reads every JSON string as a template)", () => {
  const COMMAND = `test -n "\${HOME}" && printf '%{ok}' '$\${kept}' 'C:\\temp' "quoted" ✓`;
  const ADDRESS = `https://eu.example.com/health?next=\${x}&tag=%{y}`;
  // `${` and `%{` without a closing brace: a `{name}` pair would be a state-name placeholder.
  const KEY = "state/${/%{/first-line.tfstate";
  const PAGER = "https://pager.example.com/sns?route=%{team}";
  const literal = synthesizedOnce(() => {
    const raw = committedExample() as {
      backend: Record<string, unknown>;
      operator: { subscriptions: unknown[] };
      regions: Record<string, { instances: Record<string, unknown>[] }>;
    };
    raw.backend.key = KEY;
    raw.operator.subscriptions.push({ protocol: "https", endpoint: PAGER });
    const eu = raw.regions["eu-west-1"];
    if (!eu?.instances[0]) throw new Error("example lost eu-west-1");
    eu.instances[0] = {
      instanceId: "i-0123456789abcdef0",
      url: { address: ADDRESS, expectBody: "<time>" },
      ssh: { command: COMMAND, hostKeySha256: "SHA256:UNhY4JhezH9gQYqvDMWrWH9CwlcKiECVqejMrND2VFw" },
    };
    return raw;
  });

  const template = () => templateAt(literal.json, "eu-west-1/i-0123456789abcdef0");

  it("escapes ${ and %{ in the input template, so Terraform interpolates nothing", () => {
    expect(templateSequences(template())).toEqual([]);
  });

  it("evaluates to exactly the configured settings once Terraform and EventBridge have read it", () => {
    const rendered = renderTemplate(template(), ALARM_VALUES) as { instance: InstanceSettings };
    const settings = literal.config.regions.find((r) => r.name === "eu-west-1")?.instances[0]?.settings;

    expect(rendered.instance).toEqual(JSON.parse(JSON.stringify(settings)));
    expect(rendered.instance.ssh?.command).toBe(COMMAND);
    expect(rendered.instance.url?.address).toBe(ADDRESS);
  });

  it("keeps a configured value equal to an EventBridge placeholder (<time>) as text", () => {
    const rendered = renderTemplate(template(), ALARM_VALUES) as {
      instance: InstanceSettings;
      alarm: { time: string };
    };

    expect(placeholdersOf(template())).toEqual(["alarmName", "alarmArn", "time"]);
    expect(rendered.instance.url?.expectBody).toBe("<time>");
    expect(rendered.alarm.time).toBe(ALARM_VALUES.time);
  });

  it("escapes an operator subscription endpoint the same way, and leaves the backend key as written (Terraform reads backends literally)", () => {
    const backend = (literal.json.terraform.backend as { s3: { key: string } }).s3;
    const endpoints = resourcesOf(literal.json, "aws_sns_topic_subscription", "eu-west-1").map((s) =>
      str(s, "endpoint"),
    );

    expect(backend.key).toBe(KEY);
    expect(endpoints.map(templateSequences)).toEqual([[], []]);
    expect(endpoints.map(terraformLiteralValue).sort()).toEqual([PAGER, "platform-oncall@example.com"]);
  });
});
