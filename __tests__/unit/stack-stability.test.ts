import { allBlocks, committedExample, type Synthesized, synthConfig, type TfJson } from "../../testkit/synth";

// Synthesis bundles the functions first; a cold bundle cache on a busy machine takes seconds.
jest.setTimeout(60_000);

type RawRegion = { instances: Record<string, unknown>[] } & Record<string, unknown>;
type Raw = { regions: Record<string, RawRegion> } & Record<string, unknown>;

const example = () => committedExample() as Raw;

let base: Synthesized;
let plusRegion: Synthesized;
let plusInstance: Synthesized;
let minusInstance: Synthesized;

beforeAll(async () => {
  base = await synthConfig(example());

  const withRegion = example();
  withRegion.regions["ca-west-1"] = {
    instances: [{ instanceId: "i-0cafe0123456789ab", url: "https://ca.example.com/health" }],
  };
  plusRegion = await synthConfig(withRegion);

  const withInstance = example();
  withInstance.regions["eu-west-1"]?.instances.push({
    instanceId: "i-0123456789abcdef9",
    url: "https://eu2.example.com/health",
  });
  plusInstance = await synthConfig(withInstance);

  const withoutInstance = example();
  const us = withoutInstance.regions["us-east-1"];
  if (!us) throw new Error("example lost us-east-1");
  us.instances = us.instances.filter((i) => i.instanceId !== "i-0a1b2c3d4e5f60718");
  minusInstance = await synthConfig(withoutInstance);
});

afterAll(() => {
  for (const s of [base, plusRegion, plusInstance, minusInstance]) s?.cleanup();
});

/**
 * Every addressable thing Terraform plans: resources and data sources by address, outputs and
 * providers by name, each with its exact content.
 */
function addressable(json: TfJson): Map<string, string> {
  const out = new Map<string, string>();
  for (const block of allBlocks(json)) out.set(block.address, JSON.stringify(block.body));
  for (const [name, output] of Object.entries(json.output ?? {}))
    out.set(`output.${name}`, JSON.stringify(output));
  for (const provider of json.provider.aws)
    out.set(`provider.aws.${provider.alias}`, JSON.stringify(provider));
  return out;
}

/** What a plan from `before` to `after` touches. */
function diff(before: TfJson, after: TfJson) {
  const a = addressable(before);
  const b = addressable(after);
  return {
    added: [...b.keys()].filter((k) => !a.has(k)).sort(),
    removed: [...a.keys()].filter((k) => !b.has(k)).sort(),
    changed: [...a.keys()].filter((k) => b.has(k) && a.get(k) !== b.get(k)).sort(),
  };
}

/** Strips cdktf's hash suffix: `eu-west-1_dlq-policy_55BC8A51` -> `eu-west-1_dlq-policy`. */
function readable(addresses: string[]): string[] {
  return addresses.map((a) => a.replace(/_[0-9A-F]{8}$/, ""));
}

describe("adding a region", () => {
  it("adds only that region's provider, resources and outputs and changes nothing that exists", () => {
    const { added, removed, changed } = diff(base.json, plusRegion.json);
    expect(removed).toEqual([]);
    expect(changed).toEqual([]);
    expect(added).toContain("provider.aws.ca-west-1");
    expect(added.filter((a) => !a.includes("ca-west-1"))).toEqual([]);
    const newBlocks = allBlocks(plusRegion.json).filter((b) => b.region === "ca-west-1");
    expect(newBlocks.length).toBe(allBlocks(base.json).filter((b) => b.region === "ap-southeast-2").length);
  });
});

describe("adding an instance", () => {
  it("adds its alarm, rule and target and changes only the region's restart policy, DLQ policy, dashboard and alarm-name output", () => {
    const { added, removed, changed } = diff(base.json, plusInstance.json);
    expect(removed).toEqual([]);
    expect(readable(added)).toEqual([
      "aws_cloudwatch_event_rule.eu-west-1_i-0123456789abcdef9_rule",
      "aws_cloudwatch_event_target.eu-west-1_i-0123456789abcdef9_target",
      "aws_cloudwatch_metric_alarm.eu-west-1_i-0123456789abcdef9_cpu-alarm",
    ]);
    expect(readable(changed)).toEqual([
      "aws_cloudwatch_dashboard.eu-west-1_dashboard",
      "aws_iam_role_policy.eu-west-1_restart-instance_policy",
      "aws_sqs_queue_policy.eu-west-1_dlq-policy",
      "output.eu-west-1_cpu-alarm-names",
    ]);
  });

  it("changes the restart policy only by the new instance's ARN", () => {
    const policy = (json: TfJson) =>
      allBlocks(json).find((b) => b.path === "eu-west-1/restart-instance/policy")?.body.policy as string;
    const before = policy(base.json);
    const after = policy(plusInstance.json);
    expect(after.replace(/,"arn:aws:ec2:eu-west-1:[^"]+:instance\/i-0123456789abcdef9"/, "")).toBe(before);
  });
});

describe("removing an instance", () => {
  it("removes only its alarm, rule and target and changes only the region's restart policy, DLQ policy, dashboard and alarm-name output", () => {
    const { added, removed, changed } = diff(base.json, minusInstance.json);
    expect(added).toEqual([]);
    expect(readable(removed)).toEqual([
      "aws_cloudwatch_event_rule.us-east-1_i-0a1b2c3d4e5f60718_rule",
      "aws_cloudwatch_event_target.us-east-1_i-0a1b2c3d4e5f60718_target",
      "aws_cloudwatch_metric_alarm.us-east-1_i-0a1b2c3d4e5f60718_cpu-alarm",
    ]);
    expect(readable(changed)).toEqual([
      "aws_cloudwatch_dashboard.us-east-1_dashboard",
      "aws_iam_role_policy.us-east-1_restart-instance_policy",
      "aws_sqs_queue_policy.us-east-1_dlq-policy",
      "output.us-east-1_cpu-alarm-names",
    ]);
  });
});
