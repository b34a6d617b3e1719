/**
 * `npm run summary [-- --out <cdktf.out dir>] [--base <cdktf.out dir>]`
 *
 * Prints Markdown for a pull-request comment about the synthesized output (default
 * `cdktf.out`), and with `--base` the resources added, removed and changed against another
 * synthesized output (e.g. the base branch's). Progress goes to stderr, the Markdown to stdout.
 */
import { parseArgs } from "./lib/args";
import { diffMarkdown, diffStacks, readSynth, summaryMarkdown } from "./lib/summary";

function main(): number {
  const args = parseArgs(process.argv.slice(2), ["out", "base"]);
  const progress = (line: string) => process.stderr.write(`summary: ${line}\n`);
  const head = readSynth(args.out ?? "cdktf.out", progress);
  if (head.length === 0) throw new Error(`no stack in ${args.out ?? "cdktf.out"}/stacks`);
  const base = args.base ? readSynth(args.base, progress) : undefined;
  const parts: string[] = [];
  for (const stack of head) {
    parts.push(summaryMarkdown(stack));
    if (base) {
      const old = base.find((s) => s.name === stack.name) ?? {
        name: stack.name,
        file: "",
        regions: [],
        blocks: [],
      };
      parts.push(diffMarkdown(diffStacks(old, stack)));
    }
  }
  process.stdout.write(parts.join("\n"));
  return 0;
}

try {
  process.exitCode = main();
} catch (err) {
  process.stderr.write(`summary: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
