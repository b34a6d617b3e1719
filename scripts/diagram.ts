/**
 * `npm run diagram [-- --out docs/workflow.svg] [--dot <file.dot>]`
 *
 * Renders the remediation state machine to SVG with Graphviz (@viz-js/viz, WebAssembly: no
 * binary needed). The DOT is generated from the ASL of the first configured region, built
 * exactly as the stack builds it; every region has the same states and transitions.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { instance } from "@viz-js/viz";
import { loadConfig } from "../stacks/config";
import { runCommand } from "./lib/command";
import { toDot } from "./lib/dot";
import { regionWorkflow } from "./lib/region-workflow";

const command = {
  invocation: "npm run diagram --",
  name: "diagram",
  description:
    "Draws the remediation state machine as SVG (Graphviz, WebAssembly), generated from the ASL the\n" +
    "stack builds for the first configured region (every region has the same states).",
  options: {
    out: {
      type: "string",
      placeholder: "file.svg",
      description: "where to write the SVG (default: docs/workflow.svg)",
    },
    dot: { type: "string", placeholder: "file.dot", description: "also write the Graphviz source there" },
  },
} as const;

runCommand(command, async (args) => {
  const out = args.out ?? "docs/workflow.svg";
  const config = loadConfig({ cwd: process.cwd(), env: process.env });
  const first = config.regions[0];
  if (!first) throw new Error("the configuration has no region");
  process.stderr.write(`diagram: building the ${first.name} definition\n`);
  const dot = toDot(regionWorkflow(config, first.name).definition);
  if (args.dot) writeFileSync(args.dot, dot);
  process.stderr.write("diagram: rendering with Graphviz (WebAssembly)\n");
  const viz = await instance();
  const svg = viz.renderString(dot, { format: "svg", engine: "dot" });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, svg);
  process.stderr.write(`diagram: wrote ${out} (${svg.length} bytes)\n`);
  return 0;
});
