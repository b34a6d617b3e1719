import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { InstanceSettings } from "../../contract/workflow";
import {
  BUILTIN_DEFAULTS,
  parseConfig,
  type ResolvedConfig,
  type ResolvedInstance,
} from "../../stacks/config";
import {
  commandModeSsh,
  designExampleSettings,
  FIXTURE_FINGERPRINT,
  RESOLVED_NOTIFICATIONS,
  RESOLVED_RESTART,
  resolvedUrl,
} from "../../testkit/fixtures";
import { configWith, exampleConfig, minimalConfig, problemsOf } from "../fixtures/config/helpers";

const FINGERPRINT_A = FIXTURE_FINGERPRINT;
const FINGERPRINT_B = "SHA256:ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs";
const FINGERPRINT_C = "SHA256:PiPoFgA5WUoziU9lZOGxNIu9egCI1CxKy3PurtWcAJ0";

function instanceOf(config: ResolvedConfig, region: string, index = 0): ResolvedInstance {
  const found = config.regions.find((r) => r.name === region)?.instances[index];
  if (found === undefined) throw new Error(`no instance ${index} in ${region}`);
  return found;
}

/** The only instance of a minimal config after applying `changes`. */
function resolveMinimal(changes: Readonly<Record<string, unknown>>): ResolvedInstance {
  return instanceOf(parseConfig(configWith(changes, minimalConfig())), "eu-west-1");
}

/**
 * An instance of an enabled region with no alarm override: the built-in alarm (the merge cases
 * below pin its DESIGN values) and the region's log retention.
 */
function withBuiltinAlarm(settings: InstanceSettings, retentionDays: number): ResolvedInstance {
  return { settings, alarm: BUILTIN_DEFAULTS.alarm, logs: { retentionDays }, enabled: true };
}

describe("the example configuration", () => {
  const config = parseConfig(exampleConfig());

  it("keeps the stack name, backend and operator subscriptions as written", () => {
    expect(config.stackName).toBe("first-line");
    expect(config.backend).toEqual({
      type: "s3",
      bucket: "acme-tfstate",
      key: "first-line/terraform.tfstate",
      region: "eu-central-1",
    });
    expect(config.operatorSubscriptions).toEqual([
      { protocol: "email", endpoint: "platform-oncall@example.com" },
    ]);
    expect(config.regions.filter((r) => r.operatorTopicArn !== undefined)).toEqual([]);
  });

  it("lists regions sorted by name and instances in configuration order", () => {
    expect(config.regions.map((r) => r.name)).toEqual(["ap-southeast-2", "eu-west-1", "us-east-1"]);
    expect(config.regions.map((r) => r.instances.map((i) => i.settings.instanceId))).toEqual([
      ["i-0bbbbbbbbbbbbbbb2"],
      ["i-0123456789abcdef0", "i-0123456789abcdef1"],
      ["i-0aaaaaaaaaaaaaaa1", "i-1234abcd"],
    ]);
  });

  it("resolves the VPC instance with URL, Route 53 and command-mode SSH checks to exact settings", () => {
    const settings = designExampleSettings({
      ssh: commandModeSsh({ command: "systemctl is-active nginx" }),
      // The first release's keys and no chatOn: chat hears recoveries only, as it did.
      notifications: { ...RESOLVED_NOTIFICATIONS, chatOn: ["recovered"] },
    });
    expect(instanceOf(config, "eu-west-1", 0)).toEqual(withBuiltinAlarm(settings, 90));
  });

  it("gives the URL-object instance its own URL and alarm overrides and no other check", () => {
    const instance = instanceOf(config, "eu-west-1", 1);
    expect(instance.settings.url).toEqual({
      address: "https://eu-api.example.com/ready",
      timeoutSeconds: 5,
      expectStatus: "200,204",
      expectBody: "ok",
    });
    expect(instance.alarm).toEqual({ ...BUILTIN_DEFAULTS.alarm, threshold: 95, periodSeconds: 60 });
    expect(Object.keys(instance.settings)).toEqual([
      "instanceId",
      "region",
      "url",
      "restart",
      "notifications",
    ]);
  });

  it("applies us-east-1's restart and priority overrides to both of its instances", () => {
    for (const index of [0, 1]) {
      const { settings } = instanceOf(config, "us-east-1", index);
      expect(settings.restart).toEqual({
        ...RESOLVED_RESTART,
        method: "stop-start",
        maxWaitSeconds: 900,
        maxPolls: 60,
      });
      expect(settings.notifications.escalation.priority).toBe("P1");
    }
  });

  it("runs the SSH check without a key in handshake mode outside a VPC", () => {
    expect(instanceOf(config, "us-east-1", 1).settings.ssh).toEqual({
      port: 2222,
      user: "ec2-user",
      hostKeySha256: [FINGERPRINT_B, FINGERPRINT_C],
      mode: "handshake",
      command: "true",
      timeoutSeconds: 15,
      inVpc: false,
    });
  });

  it("resolves the Route 53-only instance with its own share, poll budget and Slack secret ARN", () => {
    const { settings } = instanceOf(config, "ap-southeast-2");
    expect(settings.url).toBeUndefined();
    expect(settings.ssh).toBeUndefined();
    expect(settings.route53).toEqual({
      healthCheckId: "01234567-89ab-cdef-0123-456789abcdef",
      minHealthyShare: 0.75,
    });
    expect(settings.restart.maxPolls).toBe(31);
    expect(settings.notifications.chat.webhookSecret).toBe(
      "arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:apac/slack-AbCdEf",
    );
    expect(settings.notifications.escalation.secret).toBe("first-line/opsgenie-api-key");
  });

  it("carries the region's VPC and log retention", () => {
    const [apac, eu, us] = config.regions;
    expect(eu?.vpc).toEqual({
      subnetIds: ["subnet-0123456789abcdef0"],
      securityGroupIds: ["sg-0123456789abcdef0"],
    });
    expect(eu?.logs).toEqual({ retentionDays: 90 });
    expect(apac?.vpc).toBeUndefined();
    expect(us?.logs).toEqual({ retentionDays: 30 });
  });
});

/** One field of a settings block: a distinct valid value at defaults, region and instance, and its built-in value. */
interface MergeCase {
  readonly block: string;
  readonly field: string;
  readonly values: Triple;
  readonly builtin: unknown;
  readonly read: (instance: ResolvedInstance) => unknown;
}

type Triple = readonly [unknown, unknown, unknown];

/** A case of a block only the stack reads, `alarm` or `logs`: read from the resolved instance itself. */
function stackCase<B extends "alarm" | "logs">(
  block: B,
  field: keyof ResolvedInstance[B] & string,
  values: Triple,
  builtin: unknown,
): MergeCase {
  return { block, field, values, builtin, read: (i) => (i[block] as Record<string, unknown>)[field] };
}

type InputBlock = "restart" | "url" | "route53" | "ssh";

/** A case of a block the workflow input carries: read from the instance's settings. */
function inputCase<B extends InputBlock>(
  block: B,
  field: keyof NonNullable<InstanceSettings[B]> & string,
  values: Triple,
  builtin: unknown,
): MergeCase {
  return {
    block,
    field,
    values,
    builtin,
    read: (i) => (i.settings[block] as Record<string, unknown> | undefined)?.[field],
  };
}

describe("merging instance > region > defaults > built-in", () => {
  // A field of every settings block (and the alarm's fields but datapointsToAlarm, which
  // evaluationPeriods bounds), with a distinct valid value at each level.
  const cases: readonly MergeCase[] = [
    stackCase("alarm", "threshold", [90, 80, 70], 99),
    stackCase("alarm", "statistic", ["Maximum", "Minimum", "Sum"], "Average"),
    stackCase("alarm", "periodSeconds", [60, 120, 600], 300),
    stackCase("alarm", "evaluationPeriods", [3, 4, 5], 2),
    stackCase("alarm", "treatMissingData", ["ignore", "breaching", "notBreaching"], "missing"),
    inputCase("restart", "settleSeconds", [60, 45, 30], 90),
    inputCase("url", "timeoutSeconds", [20, 15, 5], 10),
    inputCase("route53", "minHealthyShare", [0.6, 0.7, 1], 0.5),
    inputCase("ssh", "port", [2200, 2201, 2202], 22),
    stackCase("logs", "retentionDays", [7, 14, 60], 30),
    {
      block: "notifications",
      field: "opsgeniePriority",
      values: ["P3", "P4", "P5"],
      builtin: "P2",
      read: (i: ResolvedInstance) => i.settings.notifications.escalation.priority,
    },
  ];

  const instancePath = "regions.eu-west-1.instances.0";
  const withAllChecks = () => ({
    [`${instancePath}.url`]: { address: "https://eu.example.com/health" },
    [`${instancePath}.route53HealthCheckId`]: "abcdef01-2345-6789-abcd-ef0123456789",
    [`${instancePath}.ssh`]: { hostKeySha256: FINGERPRINT_A },
  });

  it.each(cases)(
    "takes $field in $block from the instance over region and defaults",
    ({ block, field, values, read }) => {
      const instance = resolveMinimal({
        ...withAllChecks(),
        [`defaults.${block}.${field}`]: values[0],
        [`regions.eu-west-1.${block}.${field}`]: values[1],
        [`${instancePath}.${block}.${field}`]: values[2],
      });
      expect(read(instance)).toBe(values[2]);
    },
  );

  it.each(cases)("takes $field in $block from the region over defaults", ({ block, field, values, read }) => {
    const instance = resolveMinimal({
      ...withAllChecks(),
      [`defaults.${block}.${field}`]: values[0],
      [`regions.eu-west-1.${block}.${field}`]: values[1],
    });
    expect(read(instance)).toBe(values[1]);
  });

  it.each(cases)(
    "takes $field in $block from defaults over the built-in value",
    ({ block, field, values, read }) => {
      const instance = resolveMinimal({ ...withAllChecks(), [`defaults.${block}.${field}`]: values[0] });
      expect(read(instance)).toBe(values[0]);
    },
  );

  it.each(cases)("falls back to the built-in $field in $block", ({ read, builtin }) => {
    expect(read(resolveMinimal(withAllChecks()))).toBe(builtin);
  });

  it("merges field by field, so a level overriding one field keeps the others from below", () => {
    const instance = resolveMinimal({
      "defaults.alarm": { statistic: "Maximum", evaluationPeriods: 5 },
      "regions.eu-west-1.alarm": { periodSeconds: 60, datapointsToAlarm: 3 },
      [`${instancePath}.alarm`]: { threshold: 90 },
    });
    expect(instance.alarm).toEqual({
      statistic: "Maximum",
      threshold: 90,
      periodSeconds: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: "missing",
    });
  });

  it("sizes the region's log groups from defaults and region only, never from one instance", () => {
    const config = parseConfig(
      configWith(
        { "regions.eu-west-1.logs.retentionDays": 14, [`${instancePath}.logs.retentionDays`]: 365 },
        minimalConfig(),
      ),
    );
    expect(config.regions[0]?.logs).toEqual({ retentionDays: 14 });
    expect(config.regions[0]?.instances[0]?.logs).toEqual({ retentionDays: 365 });
  });
});

describe("instance URL", () => {
  it("takes a bare address string with the merged URL settings", () => {
    const instance = resolveMinimal({ "defaults.url.expectStatus": "200" });
    expect(instance.settings.url).toEqual(resolvedUrl({ expectStatus: "200" }));
  });

  it("takes an object whose settings override the region's", () => {
    const instance = resolveMinimal({
      "regions.eu-west-1.url": { timeoutSeconds: 30, expectBody: "region" },
      "regions.eu-west-1.instances.0.url": { address: "http://10.0.0.5:8080/ping", expectBody: "pong" },
    });
    expect(instance.settings.url).toEqual(
      resolvedUrl({ address: "http://10.0.0.5:8080/ping", timeoutSeconds: 30, expectBody: "pong" }),
    );
  });
});

describe("instance SSH", () => {
  const ssh = "regions.eu-west-1.instances.0.ssh";

  it("turns a single fingerprint string into a one-element list", () => {
    expect(resolveMinimal({ [ssh]: { hostKeySha256: FINGERPRINT_A } }).settings.ssh?.hostKeySha256).toEqual([
      FINGERPRINT_A,
    ]);
  });

  it("keeps a list of fingerprints in order, without repeats", () => {
    const instance = resolveMinimal({
      [ssh]: { hostKeySha256: [FINGERPRINT_B, FINGERPRINT_A, FINGERPRINT_B] },
    });
    expect(instance.settings.ssh?.hostKeySha256).toEqual([FINGERPRINT_B, FINGERPRINT_A]);
  });

  it("defaults to handshake mode, with no secret, when no private key is configured", () => {
    const resolved = resolveMinimal({ [ssh]: { hostKeySha256: FINGERPRINT_A } }).settings.ssh;
    expect(resolved?.mode).toBe("handshake");
    expect(resolved).not.toHaveProperty("privateKeySecret");
    expect(resolved).not.toHaveProperty("host");
  });

  it("defaults to command mode when a private key is configured at any level", () => {
    const resolved = resolveMinimal({
      "defaults.ssh.privateKeySecret": "fl/ssh-key",
      [ssh]: { hostKeySha256: FINGERPRINT_A },
    }).settings.ssh;
    expect(resolved?.mode).toBe("command");
    expect(resolved?.privateKeySecret).toBe("fl/ssh-key");
  });

  it("honours an explicit handshake mode and leaves the unused key out of the settings", () => {
    const resolved = resolveMinimal({
      "defaults.ssh.privateKeySecret": "fl/ssh-key",
      [ssh]: { hostKeySha256: FINGERPRINT_A, mode: "handshake" },
    }).settings.ssh;
    expect(resolved?.mode).toBe("handshake");
    expect(resolved).not.toHaveProperty("privateKeySecret");
  });

  it("marks the check as in a VPC exactly when its region has a VPC", () => {
    const inVpc = resolveMinimal({
      [ssh]: { hostKeySha256: FINGERPRINT_A },
      "regions.eu-west-1.vpc": { subnetIds: ["subnet-0123abcd"], securityGroupIds: ["sg-0123abcd"] },
    });
    expect(inVpc.settings.ssh?.inVpc).toBe(true);
    expect(resolveMinimal({ [ssh]: { hostKeySha256: FINGERPRINT_A } }).settings.ssh?.inVpc).toBe(false);
  });
});

describe("restart poll budget", () => {
  it.each([
    [15, 600, 40],
    [20, 610, 31],
    [300, 300, 1],
    [20, 30, 2],
    [7, 3600, 515],
  ])("with pollSeconds %i and maxWaitSeconds %i is %i polls", (pollSeconds, maxWaitSeconds, maxPolls) => {
    const instance = resolveMinimal({ "defaults.restart": { pollSeconds, maxWaitSeconds } });
    expect(instance.settings.restart.maxPolls).toBe(maxPolls);
  });
});

describe("top-level settings", () => {
  it('names the stack "first-line" when stackName is omitted', () => {
    expect(parseConfig(minimalConfig()).stackName).toBe("first-line");
  });

  it("accepts a Terraform Cloud backend with and without a project", () => {
    const cloud = { type: "cloud", organization: "acme", workspace: "first-line-prod", project: "platform" };
    expect(parseConfig(configWith({ backend: cloud }, minimalConfig())).backend).toEqual(cloud);
    const { project: _project, ...noProject } = cloud;
    expect(parseConfig(configWith({ backend: noProject }, minimalConfig())).backend).toEqual(noProject);
  });

  it("has no operator subscriptions and no region topic when none is configured", () => {
    const config = parseConfig(minimalConfig());
    expect(config.operatorSubscriptions).toEqual([]);
    expect(config.regions[0]).not.toHaveProperty("operatorTopicArn");
  });

  it("drops a trailing slash from the alert API URL so /v2/alerts is appended cleanly", () => {
    const instance = resolveMinimal({
      "defaults.notifications.opsgenieApiUrl": "https://api.eu.opsgenie.com/",
    });
    expect(instance.settings.notifications.escalation.apiUrl).toBe("https://api.eu.opsgenie.com");
  });

  it("gives the same model whatever the order of region keys in the file", () => {
    const reordered = exampleConfig();
    const regions = reordered.regions as Record<string, unknown>;
    reordered.regions = Object.fromEntries(Object.entries(regions).reverse());
    expect(JSON.stringify(parseConfig(reordered))).toBe(JSON.stringify(parseConfig(exampleConfig())));
  });

  it("does not accept a minimal config once its only instance loses its check", () => {
    expect(
      problemsOf(configWith({ "regions.eu-west-1.instances.0.url": undefined }, minimalConfig())),
    ).toEqual([
      'regions.eu-west-1.instances[0]: has no check: give it a "url", a "route53HealthCheckId", an "ssh" block with "hostKeySha256" or a "tcp" block with "port"',
    ]);
  });
});

describe("the DESIGN §4 example, verbatim", () => {
  it("resolves its one instance with command-mode SSH from defaults and every other default as written", () => {
    const raw = JSON.parse(
      readFileSync(path.join(__dirname, "../fixtures/config/design-example.json"), "utf8"),
    );

    const config = parseConfig(raw);

    expect(config.regions.map((r) => r.name)).toEqual(["eu-west-1"]);
    expect(config.regions[0]?.logs).toEqual({ retentionDays: 30 });
    expect(instanceOf(config, "eu-west-1")).toEqual(withBuiltinAlarm(designExampleSettings(), 30));
  });
});
