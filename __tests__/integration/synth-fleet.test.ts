/**
 * Fleets through the real entry point (`node --import tsx main.ts`): a 4-account x 25-region
 * per-region synth, and the staging-then-swap with many stacks (a layout change replaces every
 * stack folder; a failure in a late stack leaves the existing output as it was).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OPT_IN_REGIONS } from "../../stacks/config";
import { AWS_REGIONS } from "../../stacks/config/regions";
import { FUNCTION_NAMES } from "../../stacks/function-catalog";
import { fleetAccountId, fleetConfigOf } from "../../testkit/fleet-config";
import { PROJECT_DIR, readStacks, readTree, runProcess } from "../../testkit/synth";
import { configWith, fleetConfig } from "../fixtures/config/helpers";

jest.setTimeout(180_000);

let work: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "first-line-fleet-"));
});

afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Runs the bare app on `config` into `outdir`. */
function synth(config: unknown, outdir: string) {
  const file = join(work, `config-${readdirSync(work).length}.json`);
  writeFileSync(file, JSON.stringify(config));
  const env: NodeJS.ProcessEnv = { ...process.env, FIRST_LINE_CONFIG: file, CDKTF_OUTDIR: outdir };
  delete env.CDKTF_CONTEXT_JSON;
  return runProcess(process.execPath, ["--import", "tsx", "main.ts"], { cwd: PROJECT_DIR, env });
}

describe("a 4-account x 25-region fleet in the per-region layout", () => {
  it("synthesizes 100 stacks, each with one guarded provider, its own state and its region's resources", async () => {
    const outdir = join(work, "out");
    const run = await synth(fleetConfigOf({ accounts: 4, regions: 25, layout: "per-region" }), outdir);
    expect(run.output).toContain("in 100 stack(s)");
    expect(run.code).toBe(0);

    const stacks = readStacks(outdir);
    const regions = AWS_REGIONS.slice(0, 25);
    const expected = [1, 2, 3, 4].flatMap((a) => regions.map((region) => ({ account: a, region })));
    expect(stacks.map((s) => s.name)).toEqual(
      expected.map(({ account, region }) => `first-line-acct-${account}-${region}`),
    );
    const keys = new Set<string>();
    for (const [index, stack] of stacks.entries()) {
      const { account, region } = expected[index] ?? { account: 0, region: "" };
      const alias = `acct-${account}-${region}`;
      expect(stack.json.provider.aws).toEqual([
        expect.objectContaining({
          alias,
          region,
          allowed_account_ids: [fleetAccountId(account)],
          assume_role: [
            expect.objectContaining({
              role_arn: `arn:aws:iam::${fleetAccountId(account)}:role/first-line-deploy`,
            }),
          ],
        }),
      ]);
      const resources = Object.values(stack.json.resource).flatMap((byName) => Object.values(byName));
      expect(resources.filter((r) => r.provider !== `aws.${alias}`)).toEqual([]);
      keys.add((stack.json.terraform.backend as { s3: { key: string } }).s3.key);
      expect(readdirSync(join(stack.stackDir, "assets"))).toHaveLength(FUNCTION_NAMES.length);
    }
    expect(keys.size).toBe(100);

    // One note per opt-in region among the 25, naming all four accounts.
    const notes = run.output.split("\n").filter((line) => line.startsWith("first-line: note: "));
    expect(notes).toHaveLength(regions.filter((r) => OPT_IN_REGIONS.has(r)).length);
    for (const note of notes) expect(note).toMatch(/account acct-1 .*account acct-4 \(100000000004\)/);
  });
});

describe("the staging-then-swap with many stacks", () => {
  it("replaces a per-region output with a single-layout one completely: no stack folder of the old layout remains", async () => {
    const outdir = join(work, "out");
    expect((await synth(fleetConfig(), outdir)).code).toBe(0);
    expect(readdirSync(join(outdir, "stacks"))).toHaveLength(4);

    const single = configWith(
      { layout: "single", "backend.key": "first-line/terraform.tfstate" },
      fleetConfig(),
    );
    const run = await synth(single, outdir);

    expect(run.code).toBe(0);
    expect(readdirSync(join(outdir, "stacks"))).toEqual(["first-line"]);
    expect(Object.keys(JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")).stacks)).toEqual([
      "first-line",
    ]);
    expect(readdirSync(work).filter((f) => f.includes("staging"))).toEqual([]);
  });

  it("leaves the existing output untouched when a late stack fails, and no staging folder", async () => {
    const outdir = join(work, "out");
    expect((await synth(fleetConfig(), outdir)).code).toBe(0);
    const before = readTree(outdir);

    // Passes validation (each text within its own limit), then fails while the last stack is
    // built: together they are over EventBridge's input template limit.
    const tooLong = configWith(
      {
        "accounts.staging.regions.us-east-1.instances.0.url": {
          address: `https://us.example.com/${"a".repeat(3900)}`,
          expectBody: "x".repeat(4000),
        },
      },
      fleetConfig(),
    );
    const run = await synth(tooLong, outdir);

    expect(run.code).toBe(1);
    expect(run.output).toContain(
      "accounts.staging.regions.us-east-1.instances[0]: the workflow input of i-0dddddddddddddddd is",
    );
    const after = readTree(outdir);
    expect([...after.keys()]).toEqual([...before.keys()]);
    expect([...after.keys()].filter((f) => !after.get(f)?.equals(before.get(f) ?? Buffer.alloc(0)))).toEqual(
      [],
    );
    expect(readdirSync(work).filter((f) => f.includes("staging"))).toEqual([]);
  });
});
