/**
 * `npm run diff`: one synth, then `cdktf diff` per selected stack, a few at a time. A stand-in
 * for cdktf records each call and how many ran at once (the real plans need terraform, the
 * backend and AWS credentials; the stand-in checks what the script asks of cdktf).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_DIR } from "../../testkit/synth";
import { synthesizedOnce } from "../../testkit/synth-suite";
import { FLEET_2X2_PATH, fleetConfig } from "../fixtures/config/helpers";

jest.setTimeout(120_000);

let work: string;
let fakeCdktf: string;
let log: string;

const fleet = synthesizedOnce(fleetConfig);

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "first-line-diff-"));
  log = join(work, "calls.log");
  fakeCdktf = join(work, "cdktf");
  // Logs start and end of each call with the time; a stack named *staging-us-east-1 fails its plan.
  writeFileSync(
    fakeCdktf,
    `#!${process.execPath}
const { appendFileSync } = require("node:fs");
const args = process.argv.slice(2);
const stack = args[args.length - 1];
appendFileSync(${JSON.stringify(log)}, JSON.stringify({ at: Date.now(), event: "start", args }) + "\\n");
console.log("Plan for " + stack + ": 0 to add, 0 to change, 0 to destroy.");
setTimeout(() => {
  appendFileSync(${JSON.stringify(log)}, JSON.stringify({ at: Date.now(), event: "end", args }) + "\\n");
  process.exit(stack.endsWith("staging-us-east-1") ? 3 : 0);
}, 400);
`,
  );
  chmodSync(fakeCdktf, 0o755);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function runDiff(...args: string[]) {
  rmSync(log, { force: true });
  const tsx = join(PROJECT_DIR, "node_modules", ".bin", "tsx");
  return spawnSync(tsx, [join(PROJECT_DIR, "scripts", "diff.ts"), ...args], {
    cwd: PROJECT_DIR,
    encoding: "utf8",
    env: { ...process.env, FIRST_LINE_CONFIG: FLEET_2X2_PATH, FIRST_LINE_CDKTF: fakeCdktf },
  });
}

interface Call {
  readonly at: number;
  readonly event: "start" | "end";
  readonly args: string[];
}

function calls(): Call[] {
  return readFileSync(log, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Call);
}

/** The most plans that were running at the same moment. */
function peakConcurrency(events: readonly Call[]): number {
  let running = 0;
  let peak = 0;
  for (const e of [...events].sort((a, b) => a.at - b.at || (a.event === "end" ? -1 : 1))) {
    running += e.event === "start" ? 1 : -1;
    peak = Math.max(peak, running);
  }
  return peak;
}

describe("npm run diff", () => {
  it("synthesizes once, then plans each selected stack from that output, two at a time, and fails naming the stack whose plan failed", () => {
    const out = join(work, "out");
    const run = runDiff(
      "--out",
      out,
      "--stacks",
      "first-line-*-eu-west-1,first-line-staging-*",
      "--parallelism",
      "2",
    );

    expect(run.stderr).toContain("in 4 stack(s)");
    const starts = calls().filter((c) => c.event === "start");
    expect(starts.map((c) => c.args).sort()).toEqual(
      ["first-line-prod-eu-west-1", "first-line-staging-eu-west-1", "first-line-staging-us-east-1"].map(
        (stack) => ["diff", "--skip-synth", "--output", out, stack],
      ),
    );
    expect(peakConcurrency(calls())).toBe(2);
    expect(run.stdout).toContain(
      "=== first-line-prod-eu-west-1 (exit 0) ===\nPlan for first-line-prod-eu-west-1",
    );
    expect(run.stdout).toContain("2 of 3 stack(s) planned\n  FAILED first-line-staging-us-east-1 (exit 3)");
    expect(run.status).toBe(1);
  });

  it("plans every stack of an existing output one at a time, exiting 0 when every plan succeeds", () => {
    const run = runDiff(
      "--out",
      fleet.outdir,
      "--skip-synth",
      "--stacks",
      "first-line-prod-*",
      "--parallelism",
      "1",
    );

    expect(run.stderr).not.toContain("stack(s) into");
    expect(
      calls()
        .filter((c) => c.event === "start")
        .map((c) => c.args[4]),
    ).toEqual(["first-line-prod-eu-west-1", "first-line-prod-us-east-1"]);
    expect(peakConcurrency(calls())).toBe(1);
    expect(run.stdout).toContain("2 of 2 stack(s) planned");
    expect(run.status).toBe(0);
  });

  it("refuses a pattern that matches no stack, listing the stacks, before planning anything", () => {
    const run = runDiff("--out", fleet.outdir, "--skip-synth", "--stacks", "first-line-dev-*");

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('diff: no stack matches "first-line-dev-*"');
    expect(run.stderr).toContain("stacks:\n  first-line-prod-eu-west-1\n  first-line-prod-us-east-1\n");
    expect(() => readFileSync(log)).toThrow();
  });

  it("answers --help with its usage and exits 0", () => {
    const run = runDiff("--help");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("usage: npm run diff --");
  });
});
