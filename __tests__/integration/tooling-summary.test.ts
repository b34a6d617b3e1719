import { spawnSync } from "node:child_process";
import { join } from "node:path";
import {
  type Change,
  diffStacks,
  instancesOf,
  readSynth,
  summaryMarkdown,
  wildcardGrants,
} from "../../scripts/lib/summary";
import { WILDCARD_ALLOW_LIST } from "../../stacks/iam";
import { committedExample, PROJECT_DIR, type Synthesized, synthConfig } from "../../testkit/synth";

type Raw = {
  regions: Record<string, { instances: Record<string, unknown>[] } & Record<string, unknown>>;
};

let base: Synthesized;
let head: Synthesized;

beforeAll(async () => {
  base = await synthConfig(committedExample());
  // The PR under review: a new region, a changed threshold, one instance removed.
  const raw = committedExample() as Raw;
  raw.regions["eu-central-1"] = {
    instances: [{ instanceId: "i-0aaaaaaaaaaaaaaa1", url: "https://de.example.com/health" }],
  };
  (raw.regions["eu-west-1"] as Record<string, unknown>).alarm = { threshold: 95 };
  const us = raw.regions["us-east-1"] as Raw["regions"][string];
  us.instances = us.instances.filter((i) => i.instanceId !== "i-0fedcba9876543210");
  head = await synthConfig(raw);
}, 60_000);
afterAll(() => {
  base?.cleanup();
  head?.cleanup();
});

const byKind = (changes: readonly Change[], kind: Change["kind"], region: string) =>
  changes.filter((c) => c.kind === kind && c.region === region).map((c) => c.address);

describe("summary of a synthesized output", () => {
  it("lists every instance with the checks its rule target carries", () => {
    const [stack] = readSynth(base.outdir);
    const instances = instancesOf(stack as NonNullable<typeof stack>);

    expect(
      instances.map((i) => [
        i.region,
        i.settings.instanceId,
        !!i.settings.url,
        !!i.settings.route53,
        !!i.settings.ssh,
      ]),
    ).toEqual([
      ["ap-southeast-2", "i-0123456789abcdef1", true, true, false],
      ["eu-west-1", "i-0123456789abcdef0", true, true, true],
      ["us-east-1", "i-0a1b2c3d4e5f60718", true, false, false],
      ["us-east-1", "i-0fedcba9876543210", false, false, true],
    ]);
    expect(instances[2]?.settings.url).toEqual({
      address: "https://us.example.com/status",
      expectStatus: "200",
      expectBody: "ok",
      timeoutSeconds: 10,
    });
    expect(instances[3]?.alarm?.threshold).toBe(95);
  });

  it("lists every wildcard grant with its allow-list reason", () => {
    const [stack] = readSynth(base.outdir);
    const grants = wildcardGrants(stack as NonNullable<typeof stack>);

    expect(grants.length).toBeGreaterThan(0);
    expect(grants.every((g) => g.reason === WILDCARD_ALLOW_LIST[g.action])).toBe(true);
    expect(grants).toContainEqual({
      region: "eu-west-1",
      policy: "first-line-eu-west-1-workflow",
      action: "ec2:DescribeInstanceStatus",
      reason: WILDCARD_ALLOW_LIST["ec2:DescribeInstanceStatus"],
    });
  });

  it("writes Markdown with the regions, resource counts and a Mermaid diagram of every state", () => {
    const [stack] = readSynth(base.outdir);
    const md = summaryMarkdown(stack as NonNullable<typeof stack>);
    const machine = JSON.parse(
      String(Object.values(base.json.resource.aws_sfn_state_machine ?? {})[0]?.definition),
    ) as { States: Record<string, unknown> };

    expect(md).toContain("3 region(s), 4 instance(s)");
    expect(md).toContain("| aws_lambda_function | 7 | 7 | 7 |");
    expect(md).toContain("| us-east-1 | i-0a1b2c3d4e5f60718, i-0fedcba9876543210 |");
    expect(md).toContain("```mermaid\nflowchart TD\n");
    for (const state of Object.keys(machine.States))
      expect(md).toContain(`"${state.replace(/"/g, "#quot;")}"`);
  });
});

describe("summary diff against a base output", () => {
  it("adds only the new region's resources", () => {
    const changes = diffStacks(readSynth(base.outdir)[0] as never, readSynth(head.outdir)[0] as never);
    const added = byKind(changes, "added", "eu-central-1");

    expect(added.filter((a) => a.startsWith("aws_sfn_state_machine.eu-central-1_workflow_"))).toHaveLength(1);
    expect(added.filter((a) => a.startsWith("aws_cloudwatch_metric_alarm."))).toHaveLength(2);
    expect(changes.filter((c) => c.region === "eu-central-1" && c.kind !== "added")).toEqual([]);
    expect(changes.filter((c) => c.kind === "added" && c.region !== "eu-central-1")).toEqual([]);
  });

  it("shows the changed threshold as old and new value on the eu-west-1 alarm", () => {
    const changes = diffStacks(readSynth(base.outdir)[0] as never, readSynth(head.outdir)[0] as never);
    const eu = changes.filter((c) => c.region === "eu-west-1");

    expect(eu).toEqual([expect.objectContaining({ kind: "changed", attributes: ["threshold: 99 → 95"] })]);
    expect(eu[0]?.address).toMatch(/^aws_cloudwatch_metric_alarm\.eu-west-1_i-0123456789abcdef0_cpu-alarm_/);
  });

  it("removes the removed instance's alarm, rule and target, and changes only what referred to it", () => {
    const changes = diffStacks(readSynth(base.outdir)[0] as never, readSynth(head.outdir)[0] as never);
    const removed = byKind(changes, "removed", "us-east-1");
    const changed = byKind(changes, "changed", "us-east-1");

    expect(removed.map((a) => a.split(".")[0]).sort()).toEqual([
      "aws_cloudwatch_event_rule",
      "aws_cloudwatch_event_target",
      "aws_cloudwatch_metric_alarm",
    ]);
    expect(removed.every((a) => a.includes("i-0fedcba9876543210"))).toBe(true);
    expect(changed.every((a) => !a.includes("i-0a1b2c3d4e5f60718"))).toBe(true);
    expect(byKind(changes, "removed", "ap-southeast-2")).toEqual([]);
    expect(byKind(changes, "changed", "ap-southeast-2")).toEqual([]);
  });

  it("npm run summary -- --out --base prints the summary and the diff grouped by region", () => {
    const out = spawnSync(
      join(PROJECT_DIR, "node_modules", ".bin", "tsx"),
      [join(PROJECT_DIR, "scripts", "summary.ts"), "--out", head.outdir, "--base", base.outdir],
      { cwd: PROJECT_DIR, encoding: "utf8" },
    );

    expect(out.status).toBe(0);
    expect(out.stdout).toContain("4 region(s), 4 instance(s)");
    expect(out.stdout).toContain("### Changes against the base");
    expect(out.stdout).toMatch(
      /#### eu-west-1\n\n- \*\*changed\*\* `aws_cloudwatch_metric_alarm\.[^`]+` \(threshold: 99 → 95\)/,
    );
    expect(out.stdout).toContain("#### eu-central-1");
    expect(out.stderr).toContain(
      `summary: reading ${join(head.outdir, "stacks", "first-line", "cdk.tf.json")}`,
    );
  });
});
