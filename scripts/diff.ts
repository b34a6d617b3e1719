/**
 * `npm run diff -- [--stacks <pattern>[,<pattern>...]] [--parallelism <n>] [--skip-synth] [--out <dir>]`
 *
 * Synthesizes once (unless --skip-synth), then runs `cdktf diff` (terraform plan) for every stack
 * the patterns select (default `*`: all of them), a few at a time, printing each stack's plan as a
 * block when it ends and a summary at the end.
 */
import { join, resolve } from "node:path";
import { synthesize } from "../main";
import { ConfigError } from "../stacks/config";
import { CommandLineError, runCommand } from "./lib/command";
import { planStacks, selectStacks } from "./lib/stack-plans";
import { manifestStacks } from "./lib/synth-output";
import { UsageError } from "./lib/usage";

const command = {
  invocation: "npm run diff --",
  name: "diff",
  description:
    "Plans every stack the patterns select (cdktf diff on each; default: all stacks). Patterns match\n" +
    "stack names with * and ?, e.g. 'first-line-prod-*' or 'first-line-*-eu-west-1'.",
  options: {
    stacks: {
      type: "string",
      placeholder: "pattern[,pattern...]",
      description: "the stacks to plan (default *)",
    },
    parallelism: {
      type: "string",
      placeholder: "n",
      description: "plans at a time (default 2; each starts one AWS provider process, ~0.6 GB)",
    },
    "skip-synth": { type: "boolean", description: "plan the existing output instead of synthesizing first" },
    out: {
      type: "string",
      placeholder: "dir",
      description: "the synthesized output (default cdktf.out, or CDKTF_OUTDIR)",
    },
  },
  notes: [
    "Needs terraform, the backend's credentials and credentials that may assume each account's role.",
    "Exit codes: 0 every plan succeeded; 1 a plan failed, the request was wrong (a pattern matching no",
    "stack: the stacks are listed) or the synth failed.",
  ],
} as const;

runCommand(
  command,
  async (args) => {
    const parallelism = Number(args.parallelism ?? 2);
    if (!Number.isInteger(parallelism) || parallelism < 1) {
      throw new CommandLineError(
        `--parallelism must be a whole number of at least 1, got "${args.parallelism}"`,
      );
    }
    const cwd = process.cwd();
    const outdir = resolve(cwd, args.out ?? process.env.CDKTF_OUTDIR ?? "cdktf.out");
    if (!args["skip-synth"]) {
      await synthesize({
        cwd,
        env: { ...process.env, CDKTF_OUTDIR: outdir },
        log: (line) => process.stderr.write(`${line}\n`),
      });
    }
    const names = manifestStacks(outdir).map((stack) => stack.name);
    const stacks = selectStacks(names, (args.stacks ?? "*").split(","));
    process.stderr.write(`diff: planning ${stacks.length} stack(s), ${parallelism} at a time\n`);
    const results = await planStacks(stacks, {
      cdktf: process.env.FIRST_LINE_CDKTF ?? join(__dirname, "..", "node_modules", ".bin", "cdktf"),
      cwd,
      env: process.env,
      outdir,
      parallelism,
      onDone: (plan) => {
        process.stdout.write(`\n=== ${plan.stack} (exit ${plan.code}) ===\n${plan.output.trimEnd()}\n`);
      },
    });
    const failed = results.filter((r) => r.code !== 0);
    process.stdout.write(`\n${results.length - failed.length} of ${results.length} stack(s) planned\n`);
    for (const r of failed) process.stdout.write(`  FAILED ${r.stack} (exit ${r.code})\n`);
    return failed.length === 0 ? 0 : 1;
  },
  (err, write) => {
    if (err instanceof UsageError) {
      write(`diff: ${err.message}\n`);
      if (err.choices.length > 0) write(`stacks:\n${err.choices.map((c) => `  ${c}\n`).join("")}`);
      return 1;
    }
    if (err instanceof ConfigError) {
      write(`${err.message}\n`);
      return 1;
    }
    return undefined;
  },
);
