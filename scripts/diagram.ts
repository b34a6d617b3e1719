/**
 * `npm run diagram [-- --out docs/workflow.svg] [--markdown docs/workflow.md] [--dot <file.dot>]`
 *
 * Renders the remediation state machine to SVG with Graphviz (@viz-js/viz, WebAssembly: no
 * binary needed) and writes docs/workflow.md (the overview and every state, in Mermaid). Both
 * are generated from the ASL of the first configured region, built exactly as the stack builds
 * it; every region has the same states and transitions.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { instance } from "@viz-js/viz";
import { loadConfig } from "../stacks/config";
import { runCommand } from "./lib/command";
import { toDot } from "./lib/dot";
import { regionWorkflow } from "./lib/region-workflow";
import { workflowDocument } from "./lib/workflow-doc";

const command = {
  invocation: "npm run diagram --",
  name: "diagram",
  description:
    "Draws the remediation state machine as SVG (Graphviz, WebAssembly) and writes its Mermaid diagrams\n" +
    "(the overview and every state) as Markdown, generated from the ASL the stack builds for the first\n" +
    "configured region (every region has the same states).",
  options: {
    out: {
      type: "string",
      placeholder: "file.svg",
      description: "where to write the SVG (default: docs/workflow.svg)",
    },
    markdown: {
      type: "string",
      placeholder: "file.md",
      description: "where to write the Mermaid diagrams (default: docs/workflow.md)",
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
  const { definition } = regionWorkflow(config, first.name, first.account?.name);
  const markdown = args.markdown ?? "docs/workflow.md";
  mkdirSync(dirname(markdown), { recursive: true });
  writeFileSync(markdown, workflowDocument(definition));
  process.stderr.write(`diagram: wrote ${markdown}\n`);
  const dot = toDot(definition);
  if (args.dot) writeFileSync(args.dot, dot);
  process.stderr.write("diagram: rendering with Graphviz (WebAssembly)\n");
  const viz = await instance();
  const svg = viz.renderString(dot, { format: "svg", engine: "dot" });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, svg);
  process.stderr.write(`diagram: wrote ${out} (${svg.length} bytes)\n`);
  return 0;
});
