/**
 * `npm run summary -- [--out <synth dir>] [--base <synth dir>] [--plan <file>]... [--details <file>]`
 *
 * Prints the pull-request comment (Markdown, under GitHub's 65,536-character limit) on stdout
 * and writes everything to `--details`. See scripts/lib/summary.ts for what it says.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { CommandLineError, runCommand } from "./lib/command";
import { type Plan, readPlan } from "./lib/plan-json";
import { renderSummary } from "./lib/summary";
import { readSynth, type SynthStack } from "./lib/synth-output";

const command = {
  invocation: "npm run --silent summary --",
  name: "summary",
  description:
    "Markdown for a pull-request comment about every stack of a synthesized output: flags first (stack\n" +
    "renames and removals, replacements, destroys), the changes against a base synth or real plans grouped\n" +
    "across regions, regions, instances and their checks, resources per region, IAM wildcards with their\n" +
    "reasons, and the workflow at a glance. The comment fits GitHub's 65,536-character limit; --details\n" +
    "gets everything (every change ungrouped, every instance, the full state diagram).",
  options: {
    out: {
      type: "string",
      placeholder: "synth dir",
      description: "the synthesized output under review (default: cdktf.out)",
    },
    base: {
      type: "string",
      placeholder: "synth dir",
      description: "the base branch's synthesized output: changes by comparison, stack renames and removals",
    },
    plan: {
      type: "string",
      multiple: true,
      placeholder: "file",
      description:
        "`terraform show -json` output of a stack's plan (repeat per stack; [<stack>=]<file>, or a folder of\n" +
        "                         them); matched to a stack by its resources. With --plan the changes come from the plans",
    },
    details: { type: "string", placeholder: "file", description: "write the full detail (Markdown) there" },
  },
  notes: [
    "examples:",
    "  npm run --silent summary -- --base ../base/cdktf.out --details summary-details.md > summary.md",
    "  npm run --silent summary -- --plan plans/ --details summary-details.md > summary.md",
    "Progress goes to stderr, the comment to stdout. Exit 1 with the reason when an input is missing or wrong.",
  ],
} as const;

/** `[<stack>=]<file>` or a folder of `*.json` plans, in name order. */
function planFiles(specs: readonly string[]): { stack?: string; file: string }[] {
  return specs.flatMap((spec) => {
    const m = /^([^=/]+)=(.+)$/.exec(spec);
    const [stack, path] = m && !existsSync(spec) ? [m[1], m[2] as string] : [undefined, spec];
    if (!existsSync(path)) throw new CommandLineError(`--plan ${spec}: ${path} does not exist`);
    if (statSync(path).isDirectory()) {
      const files = readdirSync(path)
        .filter((f) => f.endsWith(".json"))
        .sort()
        .map((f) => ({ file: join(path, f) }));
      if (files.length === 0) throw new CommandLineError(`--plan ${spec}: no .json plan in that folder`);
      return files;
    }
    return [{ ...(stack ? { stack } : {}), file: path }];
  });
}

/** The head stack a plan belongs to: named, the only one, or the one sharing most resources. */
function matchStack(plan: Plan, named: string | undefined, stacks: readonly SynthStack[]): string {
  if (named) {
    if (!stacks.some((s) => s.name === named)) {
      throw new Error(
        `--plan ${named}=${plan.file}: no stack "${named}" in the synth (${stacks.map((s) => s.name).join(", ")})`,
      );
    }
    return named;
  }
  if (stacks.length === 1) return (stacks[0] as SynthStack).name;
  const scored = stacks
    .map((s) => ({ name: s.name, shared: s.blocks.filter((b) => plan.addresses.has(b.address)).length }))
    .sort((a, b) => b.shared - a.shared);
  const [best, second] = scored;
  if (!best || best.shared === 0 || (second && second.shared === best.shared)) {
    throw new Error(
      `${plan.file}: cannot tell which stack this plan is for; name it: --plan <stack>=${plan.file} (stacks: ${stacks.map((s) => s.name).join(", ")})`,
    );
  }
  return best.name;
}

runCommand(command, (args) => {
  const progress = (line: string) => process.stderr.write(`summary: ${line}\n`);
  const out = args.out ?? "cdktf.out";
  const head = readSynth(out, progress);
  if (head.length === 0) throw new Error(`${out}/manifest.json lists no stack`);
  const base = args.base ? readSynth(args.base, progress) : undefined;
  const plans = planFiles(args.plan ?? []).map(({ stack, file }) => {
    progress(`reading plan ${file}`);
    const plan = readPlan(file, "");
    const name = matchStack(plan, stack, head);
    progress(`${file}: stack ${name}, ${plan.changes.length} resource change(s)`);
    return { stack: name, plan };
  });
  const twice = plans.find((p, i) => plans.findIndex((q) => q.stack === p.stack) !== i);
  if (twice)
    throw new Error(
      `two plans for stack "${twice.stack}" (${plans
        .filter((p) => p.stack === twice.stack)
        .map((p) => p.plan.file)
        .join(", ")})`,
    );
  const summary = renderSummary({
    head,
    ...(base ? { base } : {}),
    ...(plans.length ? { plans } : {}),
    ...(args.details ? { detailsName: basename(args.details) } : {}),
  });
  if (args.details) {
    writeFileSync(args.details, summary.details);
    progress(`wrote ${args.details} (${summary.details.length} characters)`);
  }
  progress(
    `comment: ${summary.comment.length} characters${summary.shortened ? " (shortened to fit; all of it is in the detail file)" : ""}`,
  );
  process.stdout.write(summary.comment);
  return 0;
});
