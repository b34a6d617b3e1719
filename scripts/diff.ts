/**
 * `npm run diff -- [--stacks <pattern>[,<pattern>...]] [--parallelism <n>] [--skip-synth] [--out <dir>]`
 *
 * Synthesizes once (unless --skip-synth), then runs `cdktf diff` (terraform plan) for every stack
 * the patterns select (default `*`: all of them), a few at a time, printing each stack's plan as a
 * block when it ends and a summary at the end. Exit codes: 0 every plan succeeded, 1 a plan failed,
 * the request was wrong (a pattern matching no stack: the stacks are listed) or the synth failed.
 */
import { join, resolve } from "node:path";
import { synthesize } from "../main";
import { ConfigError } from "../stacks/config";
import { parseArgs } from "./lib/args";
import { diffStacks, manifestStacks, selectStacks } from "./lib/stack-diff";
import { UsageError } from "./lib/usage";

const USAGE =
  "usage: npm run diff -- [--stacks <pattern>[,<pattern>...]] [--parallelism <n>] [--skip-synth] [--out <dir>]";

const HELP = `${USAGE}

Plans every stack the patterns select (cdktf diff on each; default: all stacks). Patterns match
stack names with * and ?, e.g. 'first-line-prod-*' or 'first-line-*-eu-west-1'.
  --parallelism <n>  plans at a time (default 2; each starts one AWS provider process, ~0.6 GB)
  --skip-synth       plan the existing output instead of synthesizing first
  --out <dir>        the synthesized output (default cdktf.out, or CDKTF_OUTDIR)
Needs terraform, the backend's credentials and credentials that may assume each account's role.
`;

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(HELP);
    return 0;
  }
  const args = parseArgs(argv, ["stacks", "parallelism", "skip-synth", "out"]);
  const parallelism = Number(args.parallelism ?? 2);
  if (!Number.isInteger(parallelism) || parallelism < 1) {
    throw new UsageError(`--parallelism must be a whole number of at least 1, got "${args.parallelism}"`, []);
  }
  const cwd = process.cwd();
  const outdir = resolve(cwd, args.out ?? process.env.CDKTF_OUTDIR ?? "cdktf.out");
  if (args["skip-synth"] !== "true") {
    await synthesize({
      cwd,
      env: { ...process.env, CDKTF_OUTDIR: outdir },
      log: (line) => process.stderr.write(`${line}\n`),
    });
  }
  const stacks = selectStacks(manifestStacks(outdir), (args.stacks ?? "*").split(","));
  process.stderr.write(`diff: planning ${stacks.length} stack(s), ${parallelism} at a time\n`);
  const results = await diffStacks(stacks, {
    cdktf: process.env.FIRST_LINE_CDKTF ?? join(__dirname, "..", "node_modules", ".bin", "cdktf"),
    cwd,
    env: process.env,
    outdir,
    parallelism,
    onDone: (diff) => {
      process.stdout.write(`\n=== ${diff.stack} (exit ${diff.code}) ===\n${diff.output.trimEnd()}\n`);
    },
  });
  const failed = results.filter((r) => r.code !== 0);
  process.stdout.write(`\n${results.length - failed.length} of ${results.length} stack(s) planned\n`);
  for (const r of failed) process.stdout.write(`  FAILED ${r.stack} (exit ${r.code})\n`);
  return failed.length === 0 ? 0 : 1;
}

main()
  .catch((err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`diff: ${err.message}\n${USAGE}\n`);
      if (err.choices.length > 0)
        process.stderr.write(`stacks:\n${err.choices.map((c) => `  ${c}\n`).join("")}`);
    } else if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
    } else {
      process.stderr.write(`diff: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    }
    return 1;
  })
  .then((code) => {
    process.exitCode = code;
  });
