/**
 * Graphviz DOT of a state machine, generated from its ASL (same graph as the Mermaid one):
 * `npm run diagram` renders it to SVG with @viz-js/viz.
 */
import type { AslDefinition } from "../../stacks/workflow";
import { type AslGraph, aslGraph, type GraphNode } from "./asl-graph";

/** A DOT double-quoted string. */
export function dotString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

const NODE_STYLE: Readonly<Record<GraphNode["type"], string>> = {
  Task: 'shape=box, style="filled", fillcolor="#e3f2fd"',
  Pass: 'shape=box, style="rounded"',
  Wait: 'shape=parallelogram, style="filled", fillcolor="#fff8e1"',
  Choice: 'shape=diamond, style="filled", fillcolor="#f3e5f5"',
  Succeed: 'shape=box, style="rounded,filled,bold", fillcolor="#d4f7d4"',
  Fail: 'shape=octagon, style="filled,bold", fillcolor="#fbd5d5"',
};

/** The digraph text. */
export function toDot(definition: AslDefinition, graph: AslGraph = aslGraph(definition)): string {
  const lines = [
    "digraph workflow {",
    `  graph [rankdir=TB, fontname="Helvetica", labelloc=t, label=${dotString("first-line remediation workflow")}];`,
    '  node [fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  for (const node of graph.nodes) {
    const start = node.start ? ", penwidth=3" : "";
    lines.push(`  ${node.id} [label=${dotString(node.name)}, ${NODE_STYLE[node.type]}${start}];`);
  }
  for (const edge of graph.edges) {
    const from = graph.byName.get(edge.from)?.id;
    const to = graph.byName.get(edge.to)?.id;
    const style = edge.kind === "catch" ? ', style=dashed, color="#c62828", fontcolor="#c62828"' : "";
    lines.push(`  ${from} -> ${to} [label=${dotString(edge.label)}${style}];`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
