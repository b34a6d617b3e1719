/**
 * `npm run bench`: prints one table of the numbers the issues set targets for, with the target
 * beside each and a mark where it is missed. Timings are medians of several runs (terraform runs
 * once per size: a 25-region plan takes minutes); they belong here, never in tests (the machines
 * are noisy). `BENCH_SKIP_TESTS=1` and `BENCH_SKIP_TERRAFORM=1` leave out the slowest rows.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleFunctions } from "../stacks/bundling";
import { FUNCTION_NAMES } from "../stacks/function-catalog";
import { readZip } from "../stacks/zip";
import { AwsStandIn } from "../testkit/aws-stand-in";
import { type FleetShape, fleetConfigOf } from "../testkit/fleet-config";
import { type ManifestStack, manifestStacks } from "../testkit/synth-manifest";
import { checkStack, stepRun } from "../testkit/terraform-check";
import { plannedResources } from "../testkit/terraform-plan";
import {
  findToolchain,
  MissingToolchainError,
  type TerraformToolchain,
} from "../testkit/terraform-toolchain";
import { runCommand } from "./lib/command";

const projectDir = join(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface Row {
  readonly what: string;
  readonly value: string;
  readonly target: string;
  readonly ok: boolean | undefined;
}
const rows: Row[] = [];
const add = (what: string, value: string, target = "", ok?: boolean) => {
  rows.push({ what, value, target, ok });
  process.stderr.write(`bench: ${what}: ${value}\n`);
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function timeCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd = projectDir): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const out = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: "utf8" });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (out.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed:\n${out.stderr}\n${out.stdout}`);
    samples.push(ms);
  }
  return median(samples);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

/** A config with `count` regions, one instance each, shaped like the committed example. */
function configWith(count: number): unknown {
  return fleetConfigOf({ accounts: 0, regions: count });
}

/** Total bytes of the files under `dir`. */
function treeBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((n, entry) => {
    const full = join(entry.parentPath, entry.name);
    return n + (entry.isDirectory() ? treeBytes(full) : statSync(full).size);
  }, 0);
}

interface FleetSynth {
  readonly bareMs: number;
  readonly cliMs: number;
  /** The bare app's peak resident set. */
  readonly peakBytes: number;
  readonly outputBytes: number;
  readonly stacks: number;
  /** Distinct function zips over every stack's assets (byte-identical copies count once). */
  readonly distinctZips: number;
}

/**
 * One synth of `shape` with the bare app (wall time, peak memory, output size) and one with
 * `cdktf synth` (wall time), as a user runs them.
 */
function fleetSynth(work: string, name: string, shape: FleetShape): FleetSynth {
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify(fleetConfigOf(shape)));
  const out = join(work, `${name}.out`);
  const rssFile = join(work, `${name}.rss`);
  const start = process.hrtime.bigint();
  const bare = spawnSync("node", ["--import", "tsx", "--import", "./scripts/bench/peak-rss.ts", "main.ts"], {
    cwd: projectDir,
    env: { ...process.env, FIRST_LINE_CONFIG: file, CDKTF_OUTDIR: out, BENCH_PEAK_RSS_FILE: rssFile },
    encoding: "utf8",
  });
  const bareMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (bare.status !== 0) throw new Error(`synth of ${name} failed:\n${bare.stderr}`);
  const startCli = process.hrtime.bigint();
  const cli = spawnSync(
    join(projectDir, "node_modules", ".bin", "cdktf"),
    ["synth", "--output", join(work, `${name}.cli`)],
    {
      cwd: projectDir,
      env: { ...process.env, FIRST_LINE_CONFIG: file },
      encoding: "utf8",
    },
  );
  const cliMs = Number(process.hrtime.bigint() - startCli) / 1e6;
  if (cli.status !== 0) throw new Error(`cdktf synth of ${name} failed:\n${cli.stderr}`);
  const stacksDir = join(out, "stacks");
  const stacks = readdirSync(stacksDir);
  const zips = new Set(
    stacks.flatMap((stack) =>
      readdirSync(join(stacksDir, stack, "assets"), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".zip"))
        .map((f) => readFileSync(join(stacksDir, stack, "assets", f)).toString("base64")),
    ),
  );
  return {
    bareMs,
    cliMs,
    peakBytes: Number(readFileSync(rssFile, "utf8")),
    outputBytes: treeBytes(out),
    stacks: stacks.length,
    distinctZips: zips.size,
  };
}

const gb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GB`;

/** Memory the kernel could hand out now without swapping (MemAvailable). */
function availableMemoryBytes(): number {
  const kb = /MemAvailable:\s+(\d+) kB/.exec(readFileSync("/proc/meminfo", "utf8"))?.[1];
  return Number(kb ?? 0) * 1024;
}

/** What one provider process holds during a plan (measured: ~0.6 GB), with a little margin. */
const PROVIDER_BYTES = 0.65 * 1024 ** 3;
/** Terraform starts a few provider processes beyond one per region (28 seen for 25 regions). */
const EXTRA_PROVIDERS = 3;
/** Terraform itself and the rest of the machine. */
const HEADROOM_BYTES = 1.5 * 1024 ** 3;

/** What one terraform check of a stack measured. */
interface PlanMeasure {
  readonly validateMs: number;
  readonly planMs: number;
  readonly planned: number;
  readonly peakRssBytes: number;
  readonly peakProcesses: number;
}

const seconds = (value: number) => `${(value / 1000).toFixed(1)} s`;
const providers = (m: PlanMeasure) =>
  `${gb(m.peakRssBytes)} (${m.peakProcesses} ${m.peakProcesses === 1 ? "process" : "processes"})`;

/**
 * `npm run bench`'s terraform rows, one plan at a time against one loopback stand-in: each
 * stack is checked (testkit/terraform-check.ts) only when the memory its providers need is
 * available, else the row says why it was skipped.
 */
class TerraformBench {
  private runs = 0;

  private constructor(
    private readonly toolchain: TerraformToolchain,
    private readonly standIn: AwsStandIn,
    private readonly work: string,
  ) {}

  /** Undefined (with a row saying why) when terraform or the mirror is missing. */
  static async start(work: string): Promise<TerraformBench | undefined> {
    let toolchain: TerraformToolchain;
    try {
      toolchain = findToolchain();
    } catch (error) {
      if (!(error instanceof MissingToolchainError)) throw error;
      add("terraform plan", `not measured: ${error.message}`);
      return undefined;
    }
    return new TerraformBench(toolchain, await AwsStandIn.start(), work);
  }

  /**
   * Validates and plans `stack` (with `providerCount` aliased providers), sampling the
   * providers' memory; undefined (with a row `label: skipped ...`) when memory is short.
   */
  async measure(
    label: string,
    stack: ManifestStack,
    providerCount: number,
  ): Promise<PlanMeasure | undefined> {
    const needed = (providerCount + EXTRA_PROVIDERS) * PROVIDER_BYTES + HEADROOM_BYTES;
    const available = availableMemoryBytes();
    if (available < needed) {
      add(
        `${label}: terraform plan`,
        `skipped: ${gb(available)} available, ${providerCount} provider processes need about ${gb(needed)}`,
      );
      return undefined;
    }
    // A folder per run (single stacks share a name); removed after, as each holds the provider.
    const workDir = join(this.work, `terraform-${++this.runs}`);
    const check = await checkStack({
      toolchain: this.toolchain,
      stack,
      workDir,
      standInUrl: this.standIn.url,
      sampleProviderRss: true,
    });
    rmSync(workDir, { recursive: true, force: true });
    if (check.failure || !check.plan) throw new Error(`terraform failed for ${label}:\n${check.failure}`);
    const plan = stepRun(check, "plan");
    return {
      validateMs: stepRun(check, "validate")?.durationMs ?? 0,
      planMs: plan?.durationMs ?? 0,
      planned: plannedResources(check.plan).length,
      peakRssBytes: plan?.peakRssBytes ?? 0,
      peakProcesses: plan?.peakProcesses ?? 0,
    };
  }

  async close(): Promise<void> {
    await this.standIn.close();
  }
}

/** How many of the fleet's per-region stacks the bench plans. */
const FLEET_SAMPLE = 5;

/**
 * `count` stacks spread evenly over `stacks` (sorted by name: account, then region), so the
 * sample crosses accounts and regions and is the same on every run.
 */
function evenSample<T>(stacks: readonly T[], count: number): T[] {
  const step = stacks.length / Math.min(count, stacks.length);
  return Array.from({ length: Math.min(count, stacks.length) }, (_, i) => stacks[Math.floor(i * step)] as T);
}

/**
 * `terraform validate` and `plan` of the 1-, 10- and 25-region single stacks the synth rows
 * wrote (plan wall time, peak summed RSS of the provider processes), then a sample of the
 * per-region stacks of the 4-account x 25-region fleet, one at a time, the first of them side by
 * side with the 25-region single stack (issue 14: one provider process at any fleet size).
 */
async function terraformRows(outdirOf: (regions: number) => string, fleetOutdir: string, work: string) {
  const bench = await TerraformBench.start(work);
  if (!bench) return;
  try {
    const single: Record<number, PlanMeasure | undefined> = {};
    for (const regions of [1, 10, 25]) {
      const [stack] = manifestStacks(outdirOf(regions));
      if (!stack) throw new Error(`no stack synthesized for ${regions} region(s)`);
      const m = await bench.measure(`${regions} region(s)`, stack, regions);
      single[regions] = m;
      if (!m) continue;
      add(
        `${regions} region(s): terraform validate / plan wall time`,
        `${seconds(m.validateMs)} / ${seconds(m.planMs)} (${m.planned} to add)`,
        "report",
      );
      add(`${regions} region(s): provider processes, peak summed RSS during plan`, providers(m), "report");
    }

    const fleet = manifestStacks(fleetOutdir);
    const sample = evenSample(fleet, FLEET_SAMPLE);
    const measured: { name: string; m: PlanMeasure }[] = [];
    for (const stack of sample) {
      const m = await bench.measure(`4x25 fleet, stack ${stack.name}`, stack, 1);
      if (m) measured.push({ name: stack.name, m });
    }
    const [first] = measured;
    const baseline = single[25];
    if (first) {
      add(
        "plan, one per-region stack of 4x25 vs the 25-region single stack: wall time",
        `${seconds(first.m.planMs)} vs ${baseline ? seconds(baseline.planMs) : "(25 regions not planned)"}`,
        "report",
      );
      add(
        "plan, one per-region stack of 4x25 vs the 25-region single stack: providers' peak RSS",
        `${providers(first.m)} vs ${baseline ? providers(baseline) : "(25 regions not planned)"}`,
        "1 process (~0.6 GB)",
        first.m.peakProcesses === 1,
      );
    }
    for (const [index, { name, m }] of measured.entries()) {
      add(
        `4x25 sample ${index + 1}/${sample.length} of ${fleet.length} stacks, ${name}: validate / plan, providers`,
        `${seconds(m.validateMs)} / ${seconds(m.planMs)} (${m.planned} to add), ${providers(m)}`,
        "1 process",
        m.peakProcesses === 1,
      );
    }
  } finally {
    await bench.close();
  }
}

async function main() {
  // --- bundles -------------------------------------------------------------------------------
  const cold = mkdtempSync(join(tmpdir(), "first-line-bench-cache-"));
  const startCold = process.hrtime.bigint();
  const bundles = await bundleFunctions({ projectDir, cacheDir: cold });
  add(
    `bundle all ${FUNCTION_NAMES.length}, cold cache (esbuild, parallel)`,
    ms(Number(process.hrtime.bigint() - startCold) / 1e6),
  );
  for (const name of FUNCTION_NAMES) {
    const b = bundles[name];
    const limit = name === "ssh-check" ? 400 * 1024 : 50 * 1024;
    add(
      `${name}: bundle raw / zipped`,
      `${kb(b.rawBytes)} / ${kb(b.zipBytes)}`,
      `raw <= ${kb(limit)}`,
      b.rawBytes <= limit,
    );
  }

  // --- module load time in a fresh process, excluding Node's own start-up --------------------
  const loadDir = mkdtempSync(join(projectDir, ".cache", "bench-load-"));
  for (const name of FUNCTION_NAMES) {
    const file = join(loadDir, `${name}.js`);
    const source = readZip(readFileSync(bundles[name].zipPath))[0]?.data ?? Buffer.alloc(0);
    writeFileSync(file, source);
    const samples: number[] = [];
    for (let i = 0; i < Math.max(5, RUNS); i++) {
      const out = spawnSync(
        process.execPath,
        [
          "-e",
          `const t=performance.now();require(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t))`,
        ],
        { encoding: "utf8" },
      );
      samples.push(Number(out.stdout));
    }
    const usesSdk = source.includes("@aws-sdk/");
    const value = median(samples);
    add(
      `${name}: module load${usesSdk ? " (loads AWS SDK)" : ""}`,
      ms(value),
      usesSdk ? "report" : "<= 100 ms",
      usesSdk ? undefined : value <= 100,
    );
  }
  rmSync(loadDir, { recursive: true, force: true });
  rmSync(cold, { recursive: true, force: true });

  // --- synth ---------------------------------------------------------------------------------
  const work = mkdtempSync(join(tmpdir(), "first-line-bench-"));
  const cdktf = join(projectDir, "node_modules", ".bin", "cdktf");
  const results: Record<string, number> = {};
  const emptyApp = "node --import tsx scripts/bench/empty-app.ts";
  results.emptyBare = timeCommand("node", ["--import", "tsx", "scripts/bench/empty-app.ts"], {
    CDKTF_OUTDIR: join(work, "empty-bare"),
  });
  results.emptyCli = timeCommand(
    cdktf,
    ["synth", "--app", emptyApp, "--output", join(work, "empty-cli")],
    {},
  );
  add(
    "empty app (1 stack, 1 provider): bare / cdktf synth",
    `${ms(results.emptyBare)} / ${ms(results.emptyCli)}`,
  );

  const perRegion: Record<number, number> = {};
  for (const count of [1, 10, 25]) {
    const file = join(work, `config-${count}.json`);
    writeFileSync(file, JSON.stringify(configWith(count)));
    const out = join(work, `out-${count}`);
    const bare = timeCommand("node", ["--import", "tsx", "main.ts"], {
      FIRST_LINE_CONFIG: file,
      CDKTF_OUTDIR: out,
    });
    const cli = timeCommand(cdktf, ["synth", "--output", join(work, `cli-${count}`)], {
      FIRST_LINE_CONFIG: file,
    });
    perRegion[count] = bare;
    const json = join(out, "stacks", "first-line", "cdk.tf.json");
    const tf = JSON.parse(readFileSync(json, "utf8")) as {
      resource: Record<string, Record<string, unknown>>;
    };
    const resources = Object.values(tf.resource).reduce((n, byName) => n + Object.keys(byName).length, 0);
    if (count === 25) {
      add(
        `${count} regions: bare app`,
        ms(bare),
        `<= 3x empty (${ms(3 * results.emptyBare)})`,
        bare <= 3 * results.emptyBare,
      );
      add(
        `${count} regions: cdktf synth`,
        ms(cli),
        `<= 1.3x empty (${ms(1.3 * results.emptyCli)})`,
        cli <= 1.3 * results.emptyCli,
      );
    } else {
      add(`${count} region(s): bare app / cdktf synth`, `${ms(bare)} / ${ms(cli)}`);
    }
    add(
      `${count} region(s): resources per region, cdk.tf.json size`,
      `${(resources / count).toFixed(1)}, ${kb(statSync(json).size)}`,
    );
    if (count === 1) {
      add("resources per region, one instance", String(resources), "<= 40", resources <= 40);
      const assets = readdirSync(join(out, "stacks", "first-line", "assets"));
      add(
        "function assets in cdktf.out (shared by all regions)",
        String(assets.length),
        String(FUNCTION_NAMES.length),
        assets.length === FUNCTION_NAMES.length,
      );
    }
  }
  const slope = ((perRegion[25] ?? 0) - (perRegion[1] ?? 0)) / 24;
  add("synth cost per added region (bare app, 1 -> 25)", `${slope.toFixed(1)} ms`, "<= 10 ms", slope <= 10);

  // two instances in one region: the cost of an extra instance
  const twoFile = join(work, "config-two.json");
  const two = configWith(1) as { regions: Record<string, { instances: { instanceId: string }[] }> };
  const first = Object.values(two.regions)[0];
  if (first?.instances[0]) first.instances.push({ ...first.instances[0], instanceId: "i-0ffffffffffffffff" });
  writeFileSync(twoFile, JSON.stringify(two));
  spawnSync("node", ["--import", "tsx", "main.ts"], {
    cwd: projectDir,
    env: { ...process.env, FIRST_LINE_CONFIG: twoFile, CDKTF_OUTDIR: join(work, "two") },
  });
  const count = (dir: string) => {
    const tf = JSON.parse(readFileSync(join(dir, "stacks", "first-line", "cdk.tf.json"), "utf8"));
    return Object.values(tf.resource as Record<string, object>).reduce(
      (n, r) => n + Object.keys(r).length,
      0,
    );
  };
  const extra = count(join(work, "two")) - count(join(work, "out-1"));
  add("resources added by a second instance", String(extra), "<= 5", extra <= 5);

  // --- fleets: accounts x regions, both layouts (one run each) --------------------------------
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const fleetRow = (label: string, f: FleetSynth, target = "report", ok?: boolean) =>
    add(
      `${label}: bare / cdktf synth, peak RSS, output`,
      `${ms(f.bareMs)} / ${ms(f.cliMs)}, ${mb(f.peakBytes)}, ${mb(f.outputBytes)}`,
      target,
      ok,
    );
  const baseline = fleetSynth(work, "fleet-1x25-single", { accounts: 1, regions: 25, layout: "single" });
  fleetRow("1 account x 25 regions, single layout (1 stack)", baseline);
  const split = fleetSynth(work, "fleet-1x25-per-region", { accounts: 1, regions: 25, layout: "per-region" });
  fleetRow(`1 account x 25 regions, per-region (${split.stacks} stacks)`, split);
  const hundred = fleetSynth(work, "fleet-4x25-per-region", {
    accounts: 4,
    regions: 25,
    layout: "per-region",
  });
  fleetRow(
    `4 accounts x 25 regions, per-region (${hundred.stacks} stacks)`,
    hundred,
    `bare <= 2x 1x25 single (${ms(2 * baseline.bareMs)})`,
    hundred.bareMs <= 2 * baseline.bareMs,
  );
  add(
    "100 stacks vs 1x25 single: bare / cdktf synth",
    `${(hundred.bareMs / baseline.bareMs).toFixed(2)}x / ${(hundred.cliMs / baseline.cliMs).toFixed(2)}x`,
    "<= 2x",
    hundred.bareMs <= 2 * baseline.bareMs,
  );
  add(
    "distinct function zips over all 100 stacks' assets (copies byte-identical)",
    String(hundred.distinctZips),
    String(FUNCTION_NAMES.length),
    hundred.distinctZips === FUNCTION_NAMES.length,
  );
  // --- terraform plan of the synthesized stacks (after every synth, one at a time) ------------
  if (process.env.BENCH_SKIP_TERRAFORM !== "1") {
    await terraformRows(
      (regions) => join(work, `out-${regions}`),
      join(work, "fleet-4x25-per-region.out"),
      work,
    );
  }
  rmSync(work, { recursive: true, force: true });

  // --- test suite ----------------------------------------------------------------------------
  if (process.env.BENCH_SKIP_TESTS !== "1") {
    const start = process.hrtime.bigint();
    const out = spawnSync(join(projectDir, "node_modules", ".bin", "jest"), ["--ci", "--silent"], {
      cwd: projectDir,
      encoding: "utf8",
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const summary = /Tests:\s+(.*)/.exec(out.stderr)?.[1] ?? "no summary";
    add(
      "test suite wall time (npm test, both projects)",
      `${seconds.toFixed(0)} s (${summary})`,
      "report",
      undefined,
    );
  }

  // --- table ---------------------------------------------------------------------------------
  const header = ["measure", "value", "target", ""];
  const lines = rows.map((r) => [
    r.what,
    r.value,
    r.target,
    r.ok === undefined ? "" : r.ok ? "ok" : "MISSED",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  console.log(fmt(header));
  console.log(fmt(widths.map((w) => "-".repeat(w))));
  for (const l of lines) console.log(fmt(l));
}

runCommand(
  {
    invocation: "npm run bench",
    name: "bench",
    description:
      "Measures bundle sizes, module load times, synth times against an empty app, resource counts,\n" +
      "terraform validate/plan of the 1/10/25-region single stack and of 5 per-region stacks of the\n" +
      "4-account x 25-region fleet, and the test suite's wall time, and prints one table with each\n" +
      "target and whether it is met.",
    options: {},
    notes: [
      "environment: BENCH_RUNS=<n> samples per timing (default 3; medians are reported),",
      "             BENCH_SKIP_TESTS=1 skips the test-suite timing,",
      "             BENCH_SKIP_TERRAFORM=1 skips terraform validate/plan (needs terraform and the provider mirror).",
    ],
  },
  async () => {
    await main();
    return 0;
  },
  (err, write) => {
    write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  },
);
