import { allBlocks, committedExample, type TfJson } from "../../testkit/synth";
import { synthesizedOnce } from "../../testkit/synth-suite";

// Synthesis bundles the functions first; a cold bundle cache on a busy machine takes seconds.
jest.setTimeout(60_000);

type RawRegion = { instances: Record<string, unknown>[] } & Record<string, unknown>;
type Raw = { regions: Record<string, RawRegion> } & Record<string, unknown>;

const example = () => committedExample() as Raw;

const base = synthesizedOnce(example);
const plusRegion = synthesizedOnce(() => {
  const raw = example();
  raw.regions["ca-west-1"] = {
    instances: [{ instanceId: "i-0cafe0123456789ab", url: "https://ca.example.com/health" }],
  };
  return raw;
});
const plusInstance = synthesizedOnce(() => {
  const raw = example();
  raw.regions["eu-west-1"]?.instances.push({
    instanceId: "i-0123456789abcdef9",
    url: "https://eu2.example.com/health",
  });
  return raw;
});
const minusInstance = synthesizedOnce(() => {
  const raw = example();
  const us = raw.regions["us-east-1"];
  if (!us) throw new Error("example lost us-east-1");
  us.instances = us.instances.filter((i) => i.instanceId !== "i-0a1b2c3d4e5f60718");
  return raw;
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

/** What a plan adds or removes with one instance: its alarm, rule and target. */
function instanceResources(region: string, instanceId: string): string[] {
  return [
    `aws_cloudwatch_event_rule.${region}_${instanceId}_rule`,
    `aws_cloudwatch_event_target.${region}_${instanceId}_target`,
    `aws_cloudwatch_metric_alarm.${region}_${instanceId}_cpu-alarm`,
  ];
}

/** What an instance added or removed changes in its region: everything that lists the region's instances. */
function regionListings(region: string): string[] {
  return [
    `aws_cloudwatch_dashboard.${region}_dashboard`,
    `aws_iam_role_policy.${region}_restart-instance_policy`,
    `aws_sqs_queue_policy.${region}_dlq-policy`,
    `output.${region}_cpu-alarm-names`,
  ];
}

const LISTINGS = "changes only the region's restart policy, DLQ policy, dashboard and alarm-name output";

describe.each([
  {
    change: "adding",
    does: `adds its alarm, rule and target and ${LISTINGS}`,
    after: () => plusInstance,
    region: "eu-west-1",
    instance: "i-0123456789abcdef9",
  },
  {
    change: "removing",
    does: `removes only its alarm, rule and target and ${LISTINGS}`,
    after: () => minusInstance,
    region: "us-east-1",
    instance: "i-0a1b2c3d4e5f60718",
  },
])("$change an instance", ({ change, does, after, region, instance }) => {
  it(does, () => {
    const { added, removed, changed } = diff(base.json, after().json);
    // Adding touches nothing removed, removing nothing added; the instance's own three are the rest.
    const [untouched, own] = change === "adding" ? [removed, added] : [added, removed];
    expect(untouched).toEqual([]);
    expect(readable(own)).toEqual(instanceResources(region, instance));
    expect(readable(changed)).toEqual(regionListings(region));
  });
});

describe("adding an instance", () => {
  it("changes the restart policy only by the new instance's ARN", () => {
    const policy = (json: TfJson) =>
      allBlocks(json).find((b) => b.path === "eu-west-1/restart-instance/policy")?.body.policy as string;
    const before = policy(base.json);
    const after = policy(plusInstance.json);
    expect(after.replace(/,"arn:aws:ec2:eu-west-1:[^"]+:instance\/i-0123456789abcdef9"/, "")).toBe(before);
  });
});
