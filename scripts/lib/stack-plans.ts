/**
 * `npm run diff`: `cdktf diff` for every stack a pattern selects. cdktf 0.21's own `diff` takes
 * exactly one stack name (`cdktf diff '*'` answers "Could not find stack: *"), while a
 * per-region fleet has one stack per account x region.
 */
import { inBatches } from "./in-batches";
import { runProcess } from "./run-process";
import { UsageError } from "./usage";

/** A shell-style pattern (`*` any run of characters, `?` one) as an anchored regular expression. */
function patternRegExp(pattern: string): RegExp {
  const body = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[\\^$.|+()[\]{}]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`);
}

/**
 * The stacks matching any of `patterns`, in manifest order, each once (like `cdktf deploy`'s
 * stack patterns). A pattern matching nothing is an error rather than a silently skipped plan.
 */
export function selectStacks(stacks: readonly string[], patterns: readonly string[]): string[] {
  const selected = new Set<string>();
  for (const pattern of patterns) {
    const re = patternRegExp(pattern);
    const matching = stacks.filter((s) => re.test(s));
    if (matching.length === 0) throw new UsageError(`no stack matches "${pattern}"`, stacks);
    for (const s of matching) selected.add(s);
  }
  return stacks.filter((s) => selected.has(s));
}

/** One stack's plan: how `cdktf diff` ended and what it printed (stdout and stderr together). */
export interface StackDiff {
  readonly stack: string;
  readonly code: number | null;
  readonly output: string;
}

/** How to run the plans. */
export interface DiffOptions {
  /** The cdktf executable. */
  readonly cdktf: string;
  /** Where cdktf.json is: `cdktf diff` runs there. */
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** The synthesized output to plan (passed as `--output`; the plans use `--skip-synth`). */
  readonly outdir: string;
  /**
   * Plans at a time. Each runs its own terraform with one AWS provider process (about 0.6 GB).
   * @default 2
   */
  readonly parallelism?: number;
  /** Called once per stack as soon as its plan ends (in completion order). */
  readonly onDone?: (diff: StackDiff) => void;
}

async function planOne(stack: string, options: DiffOptions): Promise<StackDiff> {
  const args = ["diff", "--skip-synth", "--output", options.outdir, stack];
  const { code, output } = await runProcess(options.cdktf, args, options);
  return { stack, code, output };
}

/**
 * Plans every stack in `stacks` with at most `parallelism` at once; resolves with one result per
 * stack in the order given, whether each plan succeeded or not.
 */
export function planStacks(stacks: readonly string[], options: DiffOptions): Promise<StackDiff[]> {
  return inBatches(stacks, Math.max(1, options.parallelism ?? 2), async (stack) => {
    const diff = await planOne(stack, options);
    options.onDone?.(diff);
    return diff;
  });
}
