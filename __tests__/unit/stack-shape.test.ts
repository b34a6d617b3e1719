import { readFileSync } from "node:fs";
import { join } from "node:path";
import { allBlocks, blockAt, committedExample, PROJECT_DIR, ref, resourcesOf } from "../../testkit/synth";
import { synthesizedOnce } from "../../testkit/synth-suite";

// Synthesis bundles the functions first; a cold bundle cache on a busy machine takes seconds.
jest.setTimeout(60_000);

const pkg = JSON.parse(readFileSync(join(PROJECT_DIR, "package.json"), "utf8")) as {
  name: string;
  version: string;
  repository: { url: string };
};
const REGIONS = ["ap-southeast-2", "eu-west-1", "us-east-1"];

const example = synthesizedOnce(committedExample);
const cloud = synthesizedOnce(() => ({
  ...committedExample(),
  stackName: "fl-cloud",
  backend: { type: "cloud", organization: "acme", workspace: "first-line-prod", project: "platform" },
}));

describe("providers", () => {
  it("declares exactly one aws provider per configured region, aliased and set to that region, with the app's default tags", () => {
    expect(example.json.provider.aws).toEqual(
      REGIONS.map((region) => ({
        alias: region,
        region,
        default_tags: [
          {
            tags: {
              app: pkg.name,
              "app-version": pkg.version,
              repository: pkg.repository.url,
              "managed-by": "cdktf",
            },
          },
        ],
      })),
    );
  });

  it("declares no provider other than the aliased aws ones (no default provider)", () => {
    expect(Object.keys(example.json.provider)).toEqual(["aws"]);
    expect(example.json.provider.aws.filter((p) => p.alias === undefined)).toEqual([]);
  });
});

describe("every resource and data source belongs to its region", () => {
  it("sits under a regional construct of a configured region and names that region's provider", () => {
    const blocks = allBlocks(example.json);
    expect(blocks.length).toBeGreaterThan(100);
    const misplaced = blocks
      .filter((b) => !REGIONS.includes(b.region) || b.body.provider !== `aws.${b.region}`)
      .map((b) => `${b.address} (${b.path}) provider=${String(b.body.provider)}`);
    expect(misplaced).toEqual([]);
  });

  it("gives data sources the region's provider too", () => {
    const data = allBlocks(example.json).filter((b) => b.kind === "data");
    expect(data.map((d) => [d.type, d.path, d.body.provider])).toEqual(
      REGIONS.map((r) => ["aws_caller_identity", `${r}/account`, `aws.${r}`]),
    );
  });

  it("names every construct path after the stack, never an array index", () => {
    const paths = allBlocks(example.json).map((b) => b.body["//"]?.metadata?.path ?? "");
    expect(paths.filter((p) => !p.startsWith("first-line/"))).toEqual([]);
    expect(paths.filter((p) => p.split("/").some((segment) => /^\d+$/.test(segment)))).toEqual([]);
  });

  it("puts each instance's alarm, rule and target under a construct named after the instance id", () => {
    const perInstance = ["aws_cloudwatch_event_rule", "aws_cloudwatch_event_target"].flatMap((type) =>
      resourcesOf(example.json, type).map((b) => b.path),
    );
    expect(perInstance.sort()).toEqual(
      [
        "ap-southeast-2/i-0123456789abcdef1",
        "eu-west-1/i-0123456789abcdef0",
        "us-east-1/i-0a1b2c3d4e5f60718",
        "us-east-1/i-0fedcba9876543210",
      ]
        .flatMap((p) => [`${p}/rule`, `${p}/target`])
        .sort(),
    );
  });
});

describe("backend", () => {
  it("stores state in S3 with encryption and S3's native lock file", () => {
    expect(example.json.terraform.backend).toEqual({
      s3: {
        bucket: "acme-tfstate",
        key: "first-line/terraform.tfstate",
        region: "eu-central-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
    expect(example.json.terraform.cloud).toBeUndefined();
  });

  it("uses Terraform Cloud with the organization, workspace name and project when the backend is cloud", () => {
    expect(cloud.json.terraform.cloud).toEqual({
      organization: "acme",
      workspaces: { name: "first-line-prod", project: "platform" },
    });
    expect(cloud.json.terraform.backend).toBeUndefined();
  });

  it("says which Terraform it needs: >= 1.11, for the S3 backend's use_lockfile, with either backend", () => {
    expect(example.json.terraform.required_version).toBe(">= 1.11");
    expect(cloud.json.terraform.required_version).toBe(">= 1.11");
  });

  it("names the stack folder after stackName", () => {
    expect(cloud.stackDir.endsWith(join("stacks", "fl-cloud"))).toBe(true);
    expect(allBlocks(cloud.json).every((b) => b.body["//"]?.metadata?.path?.startsWith("fl-cloud/"))).toBe(
      true,
    );
  });
});

describe("outputs", () => {
  it("exports per region the state machine ARN, the CPU alarm names in config order and the DLQ URL, and nothing else", () => {
    const outputs = Object.values(example.json.output ?? {});
    const expected = REGIONS.flatMap((region) => {
      const alarms = resourcesOf(example.json, "aws_cloudwatch_metric_alarm", region).filter((a) =>
        a.path.endsWith("/cpu-alarm"),
      );
      const order = example.config.regions.find((r) => r.name === region)?.instances ?? [];
      const alarmNames = order.map((i) => {
        const alarm = alarms.find((a) => a.path === `${region}/${i.settings.instanceId}/cpu-alarm`);
        if (!alarm) throw new Error(`no alarm for ${i.settings.instanceId}`);
        return ref(alarm, "alarm_name");
      });
      return [
        ref(blockAt(example.json, "aws_sfn_state_machine", `${region}/workflow`), "arn"),
        alarmNames,
        ref(blockAt(example.json, "aws_sqs_queue", `${region}/dlq`), "url"),
      ];
    });
    expect(outputs.map((o) => o.value)).toEqual(expect.arrayContaining(expected));
    expect(outputs).toHaveLength(expected.length);
    expect(outputs.find((o) => Array.isArray(o.value) && o.value.length === 2)?.value as string[]).toEqual([
      expect.stringContaining("us-east-1_i-0a1b2c3d4e5f60718_cpu-alarm"),
      expect.stringContaining("us-east-1_i-0fedcba9876543210_cpu-alarm"),
    ]);
  });
});
