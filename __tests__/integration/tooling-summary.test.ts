import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { diffStacks, type ResourceChange } from "../../scripts/lib/changes";
import { readPlan } from "../../scripts/lib/plan-json";
import { GITHUB_COMMENT_LIMIT, instancesOf, renderSummary, wildcardGrants } from "../../scripts/lib/summary";
import { readSynth, type SynthStack } from "../../scripts/lib/synth-output";
import { AWS_REGIONS } from "../../stacks/config/regions";
import { WILDCARD_ALLOW_LIST } from "../../stacks/iam";
import { committedExample, PROJECT_DIR, type Synthesized, synthConfig } from "../../testkit/synth";

type Raw = {
  stackName?: string;
  defaults: Record<string, Record<string, unknown>>;
  regions: Record<string, { instances: Record<string, unknown>[] } & Record<string, unknown>>;
};

const PLANS = join(__dirname, "..", "fixtures", "plans");
const tsx = join(PROJECT_DIR, "node_modules", ".bin", "tsx");
const summaryCli = (...args: string[]) =>
  spawnSync(tsx, [join(PROJECT_DIR, "scripts", "summary.ts"), ...args], {
    cwd: PROJECT_DIR,
    encoding: "utf8",
  });

/** The example with only the given regions (the plan fixtures' base: eu-west-1 and us-east-1). */
function exampleWith(regions: readonly string[]): Raw {
  const raw = committedExample() as Raw;
  raw.regions = Object.fromEntries(regions.map((r) => [r, raw.regions[r] as Raw["regions"][string]]));
  return raw;
}

/** `count` regions, one instance each (the example's eu-west-1 instance, a unique id per region). */
function fleet(count: number): Raw {
  const raw = committedExample() as Raw;
  const template = raw.regions["eu-west-1"]?.instances[0] as Record<string, unknown>;
  raw.regions = Object.fromEntries(
    AWS_REGIONS.slice(0, count).map((region, i) => [
      region,
      { instances: [{ ...template, instanceId: `i-0${i.toString(16).padStart(16, "0")}` }] },
    ]),
  );
  return raw;
}

const only = (stacks: SynthStack[]) => {
  expect(stacks).toHaveLength(1);
  return stacks[0] as SynthStack;
};

const synths: Synthesized[] = [];
async function synth(raw: unknown): Promise<Synthesized> {
  const s = await synthConfig(raw);
  synths.push(s);
  return s;
}
afterAll(() => {
  for (const s of synths) s.cleanup();
});

describe("what a synth holds", () => {
  let example: Synthesized;
  beforeAll(async () => {
    example = await synth(committedExample());
  }, 120_000);

  it("lists every instance with the checks its rule target carries", () => {
    const instances = instancesOf(only(readSynth(example.outdir)));

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
    const grants = wildcardGrants(only(readSynth(example.outdir)));

    expect(grants.length).toBeGreaterThan(0);
    expect(grants.every((g) => g.reason === WILDCARD_ALLOW_LIST[g.action])).toBe(true);
    expect(grants).toContainEqual(
      expect.objectContaining({
        region: "eu-west-1",
        role: "workflow",
        action: "ec2:DescribeInstanceStatus",
      }),
    );
  });

  it("puts the workflow overview in the comment and every state in the detail file", () => {
    const { comment, details } = renderSummary({ head: readSynth(example.outdir), detailsName: "d.md" });
    const machine = JSON.parse(
      String(Object.values(example.json.resource.aws_sfn_state_machine ?? {})[0]?.definition),
    ) as { States: Record<string, unknown> };

    expect(comment).toContain("1 stack (`first-line`), 3 regions, 4 instances");
    expect(comment).toContain('p0["Validate input"]');
    expect(comment).not.toContain('"Run 1: URL check configured?"');
    expect(comment).toContain("`d.md`");
    for (const state of Object.keys(machine.States))
      expect(details).toContain(`"${state.replace(/"/g, "#quot;")}"`);
  });
});

describe("changes against a base synth", () => {
  let base: Synthesized;
  let head: Synthesized;
  let changes: ResourceChange[];
  beforeAll(async () => {
    base = await synth(committedExample());
    // The PR under review: a new region, a changed threshold, one instance removed.
    const raw = committedExample() as Raw;
    raw.regions["eu-central-1"] = {
      instances: [{ instanceId: "i-0aaaaaaaaaaaaaaa1", url: "https://de.example.com/health" }],
    };
    (raw.regions["eu-west-1"] as Record<string, unknown>).alarm = { threshold: 95 };
    const us = raw.regions["us-east-1"] as Raw["regions"][string];
    us.instances = us.instances.filter((i) => i.instanceId !== "i-0fedcba9876543210");
    head = await synth(raw);
    changes = diffStacks(only(readSynth(base.outdir)), only(readSynth(head.outdir)));
  }, 120_000);

  const addresses = (action: ResourceChange["action"], region: string) =>
    changes.filter((c) => c.action === action && c.region === region).map((c) => c.address);

  it("adds only the new region's resources", () => {
    const added = addresses("create", "eu-central-1");

    expect(added.filter((a) => a.startsWith("aws_sfn_state_machine.eu-central-1_workflow_"))).toHaveLength(1);
    expect(added.filter((a) => a.startsWith("aws_cloudwatch_metric_alarm."))).toHaveLength(2);
    expect(changes.filter((c) => c.region === "eu-central-1" && c.action !== "create")).toEqual([]);
    expect(changes.filter((c) => c.action === "create" && c.region !== "eu-central-1")).toEqual([]);
  });

  it("shows the changed threshold as old and new value on the eu-west-1 alarm", () => {
    const eu = changes.filter((c) => c.region === "eu-west-1");

    expect(eu.map((c) => [c.action, c.path, c.attributes.flatMap((a) => a.lines)])).toEqual([
      ["update", "i-0123456789abcdef0/cpu-alarm", ["threshold: 99 → 95"]],
    ]);
  });

  it("destroys the removed instance's alarm, rule and target, and changes only what referred to it", () => {
    const removed = addresses("delete", "us-east-1");

    expect(removed.map((a) => a.split(".")[0]).sort()).toEqual([
      "aws_cloudwatch_event_rule",
      "aws_cloudwatch_event_target",
      "aws_cloudwatch_metric_alarm",
    ]);
    expect(removed.every((a) => a.includes("i-0fedcba9876543210"))).toBe(true);
    expect(addresses("update", "us-east-1").every((a) => !a.includes("i-0a1b2c3d4e5f60718"))).toBe(true);
    expect(changes.filter((c) => c.region === "ap-southeast-2")).toEqual([]);
  });

  it("npm run summary -- --out --base --details: the comment on stdout, everything in the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "first-line-summary-"));
    try {
      const details = join(dir, "summary-details.md");
      const out = summaryCli("--out", head.outdir, "--base", base.outdir, "--details", details);
      const full = readFileSync(details, "utf8");

      expect(out.status).toBe(0);
      expect(out.stdout).toContain("1 stack (`first-line`), 4 regions, 4 instances");
      expect(out.stdout).toContain("**3 resources would be destroyed.**");
      expect(out.stdout).toMatch(
        /\*\*~ update\*\* `aws_cloudwatch_metric_alarm` `i-0123456789abcdef0\/cpu-alarm` — in eu-west-1/,
      );
      expect(full).toContain("##### eu-central-1");
      expect(full).toMatch(
        /- \*\*~ update\*\* `aws_cloudwatch_metric_alarm\.eu-west-1_i-0123456789abcdef0_cpu-alarm_[0-9A-F]{8}`\n {2}- `threshold: 99 → 95`/,
      );
      expect(out.stderr).toContain(
        `summary: reading ${join(head.outdir, "stacks", "first-line", "cdk.tf.json")}`,
      );
      expect(out.stderr).toContain(`summary: wrote ${details}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("at fleet scale", () => {
  let three: Synthesized;
  let base25: Synthesized;
  let head25: Synthesized;
  beforeAll(async () => {
    three = await synth(fleet(3));
    base25 = await synth(fleet(25));
    const changed = fleet(25);
    Object.assign(changed.defaults.alarm as object, { threshold: 95 });
    Object.assign(changed.defaults.restart as object, { settleSeconds: 120 });
    Object.assign(changed.defaults.logs as object, { retentionDays: 90 });
    head25 = await synth(changed);
  }, 300_000);

  it("a defaults change over 25 regions fits one comment and names what changed", () => {
    const { comment, details } = renderSummary({
      head: readSynth(head25.outdir),
      base: readSynth(base25.outdir),
      detailsName: "summary-details.md",
    });

    expect(comment.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(comment).toMatch(/0 to add, \d{3} to change, 0 to replace, 0 to destroy/);
    expect(comment).toContain(
      "**~ update** `aws_cloudwatch_metric_alarm` `<instance>/cpu-alarm` — same change in all 25 regions\n  - `threshold: 99 → 95`",
    );
    expect(comment).toContain("`input_transformer.input_template.instance.restart.settleSeconds: 90 → 120`");
    expect(comment).toContain("`retention_in_days: 30 → 90`");
    expect(comment).toMatch(
      /`aws_sfn_state_machine` `workflow` — same change in all 25 regions\n {2}- `definition: TimeoutSeconds: \d+ → \d+`/,
    );
    for (const region of AWS_REGIONS.slice(0, 25)) expect(details).toContain(`##### ${region}\n`);
  });

  it("a 25-region synth against a 3-region base fits one comment, the new regions' additions grouped", () => {
    const { comment } = renderSummary({ head: readSynth(base25.outdir), base: readSynth(three.outdir) });

    expect(comment.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(comment).toMatch(/`aws_sfn_state_machine` `workflow` — same change in 22 regions \(/);
  });

  it("the comment stays under the limit when nothing groups: every region changed differently", () => {
    const head = readSynth(base25.outdir);
    const base = readSynth(three.outdir);
    const { comment, details, shortened } = renderSummary({ head, base, budget: 4000 });

    expect(comment.length).toBeLessThanOrEqual(4000);
    expect(shortened).toBe(true);
    expect(details.length).toBeGreaterThan(comment.length);
  });
});

describe("stacks: renamed, removed, several per synth", () => {
  let base: Synthesized;
  let renamed: Synthesized;
  let other: Synthesized;
  beforeAll(async () => {
    base = await synth(exampleWith(["eu-west-1", "us-east-1"]));
    renamed = await synth({ ...exampleWith(["eu-west-1", "us-east-1"]), stackName: "edge" });
    other = await synth({ ...exampleWith(["ap-southeast-2"]), stackName: "first-line-ap" });
  }, 180_000);

  /** One output folder holding the stacks of several synths, listed in one manifest. */
  function combined(...parts: Synthesized[]): string {
    const dir = mkdtempSync(join(tmpdir(), "first-line-stacks-"));
    const stacks: Record<string, unknown> = {};
    for (const p of parts) {
      const manifest = JSON.parse(readFileSync(join(p.outdir, "manifest.json"), "utf8"));
      Object.assign(stacks, manifest.stacks);
      cpSync(join(p.outdir, "stacks"), join(dir, "stacks"), { recursive: true });
    }
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ version: "0.21.0", stacks }));
    synths.push({ ...base, outdir: dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) });
    return dir;
  }

  it("a stack rename is flagged before anything else, with what Terraform will replace", () => {
    const { comment } = renderSummary({ head: readSynth(renamed.outdir), base: readSynth(base.outdir) });
    const flags = [...comment.matchAll(/^> \*\*(.*?)\*\*/gm)].map((m) => m[1]);

    expect(flags[0]).toBe("Stack renamed: `first-line` → `edge`");
    expect(flags[1]).toMatch(/^\d+ resources would be replaced$/);
    expect(comment.indexOf("Stack renamed")).toBeLessThan(comment.indexOf("### Changes"));
  });

  it("predicts from the synth exactly the replacements Terraform planned for that rename", () => {
    const predicted = diffStacks(only(readSynth(base.outdir)), only(readSynth(renamed.outdir)));
    const planned = readPlan(join(PLANS, "rename.json"), "edge").changes;
    const key = (c: ResourceChange) => `${c.region} ${c.type} ${c.path}`;
    const inPlan = new Set(planned.map(key));
    const actions = (changes: readonly ResourceChange[]) =>
      Object.fromEntries(changes.filter((c) => inPlan.has(key(c))).map((c) => [key(c), c.action]));

    expect(Object.keys(actions(planned))).toHaveLength(91);
    expect(actions(predicted)).toEqual(actions(planned));
  });

  it("a stack the synth no longer has is flagged: its resources stay deployed", () => {
    const { comment } = renderSummary({
      head: readSynth(base.outdir),
      base: readSynth(combined(base, other)),
    });

    expect(comment).toContain("**Stack no longer synthesized: `first-line-ap`**");
    expect(comment).toContain("cdktf destroy first-line-ap");
  });

  it("covers every stack of the manifest, with changes per stack", () => {
    const head = readSynth(combined(renamed, other));
    const { comment } = renderSummary({ head, base: readSynth(combined(base, other)) });

    expect(head.map((s) => s.name)).toEqual(["edge", "first-line-ap"]);
    expect(comment).toContain("2 stacks (`edge`, `first-line-ap`), 3 regions, 4 instances");
    expect(comment).toMatch(/\| `edge` \| 0 to add, 0 to change, \d+ to replace, 0 to destroy \|/);
    expect(comment).toContain("| `first-line-ap` | ap-southeast-2 | 1 |");
  });

  it("npm run summary -- --plan reads a real plan and matches it to its stack", () => {
    const out = summaryCli("--out", renamed.outdir, "--plan", join(PLANS, "rename.json"));

    expect(out.status).toBe(0);
    expect(out.stdout).toContain(
      "From the Terraform plan: 0 to add, 0 to change, 91 to replace, 0 to destroy.",
    );
    expect(out.stderr).toContain("rename.json: stack edge, 91 resource change(s)");
  });

  it("places a plan among several stacks by its resources, and asks for the name when two fit", () => {
    const placed = summaryCli("--out", combined(renamed, other), "--plan", join(PLANS, "create.json"));
    // Two stacks with the same resource addresses (a rename keeps them): the plan fits both.
    const twins = combined(base, renamed);
    const refused = summaryCli("--out", twins, "--plan", join(PLANS, "create.json"));
    const named = summaryCli("--out", twins, "--plan", `first-line=${join(PLANS, "create.json")}`);

    expect(placed.status).toBe(0);
    expect(placed.stderr).toContain("create.json: stack edge, 91 resource change(s)");

    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("cannot tell which stack this plan is for; name it: --plan <stack>=");
    expect(named.status).toBe(0);
  });

  it("names a missing synth or plan and exits 1", () => {
    const noSynth = summaryCli("--out", join(tmpdir(), "no-such-cdktf.out"));
    const noPlan = summaryCli("--out", base.outdir, "--plan", "no-such-plan.json");

    expect([noSynth.status, noSynth.stderr]).toEqual([
      1,
      expect.stringContaining("is not a synthesized output (run the synth first"),
    ]);
    expect([noPlan.status, noPlan.stderr]).toEqual([
      1,
      expect.stringContaining("--plan no-such-plan.json: no-such-plan.json does not exist"),
    ]);
  });
});
