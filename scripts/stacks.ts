/**
 * `npm run --silent stacks -- [--out <synth dir>] [--json]`
 *
 * The stacks of a synthesized output, read from its manifest.json (as cdktf lists them): the
 * pipelines loop over these instead of assuming a stack name.
 */
import { runCommand } from "./lib/command";
import { manifestStacks } from "./lib/synth-output";

runCommand(
  {
    invocation: "npm run --silent stacks --",
    name: "stacks",
    description:
      "Lists the stacks of a synthesized output from its manifest.json: one name a line, or with --json\n" +
      'an array of {"stack", "dir"} (dir: the folder terraform runs in) for a CI matrix.',
    options: {
      out: {
        type: "string",
        placeholder: "synth dir",
        description: "the synthesized output (default: cdktf.out)",
      },
      json: { type: "boolean", description: "print JSON (one line) instead of names" },
    },
    notes: ["Exit 1 when the folder has no manifest.json or the manifest lists no stack."],
  },
  (args) => {
    const out = args.out ?? "cdktf.out";
    const stacks = manifestStacks(out);
    if (stacks.length === 0) throw new Error(`${out}/manifest.json lists no stack`);
    process.stdout.write(
      args.json
        ? `${JSON.stringify(stacks.map((s) => ({ stack: s.name, dir: s.dir })))}\n`
        : stacks.map((s) => `${s.name}\n`).join(""),
    );
    return 0;
  },
);
