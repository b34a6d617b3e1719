/**
 * Mermaid flowchart of a state machine, generated from its ASL: every state a node (shape by
 * type), every transition a labelled edge. GitHub renders it in PR comments and READMEs.
 */
import type { AslDefinition } from "../../stacks/workflow";
import { type AslGraph, aslGraph, type GraphNode } from "./asl-graph";

/** Mermaid's entity codes keep quotes and angle brackets from ending or opening markup. */
export function mermaidText(value: string): string {
  return value.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}

/** The styles of the start, succeed and fail classes, the same in every diagram of the workflow. */
export const CLASS_DEFS = [
  "  classDef start stroke-width:3px",
  "  classDef succeed fill:#d4f7d4,stroke:#2e7d32",
  "  classDef fail fill:#fbd5d5,stroke:#c62828",
] as const;

/** Opening and closing delimiters of each state type's shape. */
const SHAPES: Readonly<Record<GraphNode["type"], readonly [string, string]>> = {
  Task: ["[", "]"],
  Pass: ["(", ")"],
  Wait: ["[/", "/]"],
  Choice: ["{", "}"],
  Succeed: ["([", "])"],
  Fail: ["{{", "}}"],
};

/** The Mermaid node declaration of one state, e.g. `s3{"Within cooldown?"}`. */
export function mermaidNode(node: GraphNode): string {
  const [open, close] = SHAPES[node.type];
  return `${node.id}${open}"${mermaidText(node.name)}"${close}`;
}

/** The flowchart text (without a ```mermaid fence). */
export function toMermaid(definition: AslDefinition, graph: AslGraph = aslGraph(definition)): string {
  const lines = ["flowchart TD"];
  for (const node of graph.nodes) lines.push(`  ${mermaidNode(node)}`);
  for (const edge of graph.edges) {
    const from = graph.byName.get(edge.from)?.id;
    const to = graph.byName.get(edge.to)?.id;
    const arrow = edge.kind === "catch" ? "-.->" : "-->";
    lines.push(`  ${from} ${arrow}|"${mermaidText(edge.label)}"| ${to}`);
  }
  const ids = (pick: (n: GraphNode) => boolean) =>
    graph.nodes
      .filter(pick)
      .map((n) => n.id)
      .join(",");
  lines.push(...CLASS_DEFS);
  const classes: [string, (n: GraphNode) => boolean][] = [
    ["start", (n) => n.start],
    ["succeed", (n) => n.type === "Succeed"],
    ["fail", (n) => n.type === "Fail"],
  ];
  for (const [name, pick] of classes) {
    const list = ids(pick);
    if (list) lines.push(`  class ${list} ${name}`);
  }
  return `${lines.join("\n")}\n`;
}
