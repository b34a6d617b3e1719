/**
 * The workflow at a glance: about a dozen boxes (validate, pause, lock, run 1, restart, wait,
 * run 2, notify, escalate, release) instead of a hundred states. Generated from the ASL like
 * the full diagram: each state belongs to the first phase whose pattern its name matches, and
 * an arrow joins two phases when a transition joins two of their states. A state no phase
 * claims gets a box of its own, so nothing the definition does is hidden.
 */
import type { AslDefinition } from "../../stacks/workflow";
import { type AslGraph, aslGraph } from "./asl-graph";

/** One box of the overview. */
export interface Phase {
  readonly id: string;
  /** The box's text, or how to make it from the names of the states it stands for. */
  readonly label: string | ((states: readonly string[]) => string);
  /** Matches the names of the states it stands for. */
  readonly match: RegExp;
  /** Mermaid shape delimiters. */
  readonly shape: readonly [string, string];
  readonly kind?: "start" | "succeed" | "fail";
}

const BOX: readonly [string, string] = ["[", "]"];
const ROUND: readonly [string, string] = ["(", ")"];
const STOP: readonly [string, string] = ["([", "])"];
const FAIL: readonly [string, string] = ["{{", "}}"];

/** The phases; first match wins, boxes are drawn in this order. */
export const PHASES: readonly Phase[] = [
  { id: "validate", label: "Validate input", match: /^Validate input$/, shape: BOX, kind: "start" },
  {
    id: "invalid",
    label: "Invalid input: FAILED",
    match: /^Reject invalid input$/,
    shape: FAIL,
    kind: "fail",
  },
  { id: "pause", label: "Paused? (skip)", match: /pause/i, shape: ROUND },
  {
    id: "lock",
    label: "Lock the instance, plan the cooldown",
    match: /^(Prepare|Plan lock|Acquire lock)/,
    shape: BOX,
  },
  { id: "busy", label: "Already running", match: /^Already running$/, shape: ROUND },
  {
    id: "run1",
    // The checks the definition really has, in its order: "Run 1: URL, Route 53, SSH checks".
    label: (states) =>
      `Run 1: ${[...new Set(states.flatMap((s) => /^Run 1: (.+?) check$/.exec(s)?.[1] ?? []))].join(", ")} checks`,
    match: /^Run 1: /,
    shape: BOX,
  },
  { id: "healthy", label: "Healthy", match: /^Healthy$/, shape: ROUND },
  // Before restart: "Escalate: restart-failed" is an escalation, not a restart step.
  { id: "escalate", label: "Escalate: page on-call", match: /^(Escalat|Alert\b|Page\b)/, shape: BOX },
  {
    id: "restart",
    label: "Restart (reboot or stop-start), unless in cooldown",
    match: /cooldown\?|restart|Reboot|Stop instance|Start instance|stop poll|until stopped|^Stopped\?/i,
    shape: BOX,
  },
  {
    id: "wait",
    label: "Wait: settle, then poll until back online",
    match: /settle|status poll|Poll instance status|Back online/i,
    shape: BOX,
  },
  { id: "run2", label: "Run 2: the same checks again", match: /^Run 2: /, shape: BOX },
  { id: "notify", label: "Recovered: notify chat", match: /^(Recovered$|Notify\b)/, shape: BOX },
  { id: "metrics", label: "Record outcome metrics", match: /metric/i, shape: BOX },
  { id: "release", label: "Release the lock", match: /^Release lock$/, shape: BOX },
  { id: "delivered", label: "Notification delivered?", match: /^Notification delivered\?$/, shape: ROUND },
  {
    id: "undelivered",
    label: "Notification failed: FAILED",
    match: /^Notification failed$/,
    shape: FAIL,
    kind: "fail",
  },
  { id: "done", label: "Done", match: /^Done$/, shape: STOP, kind: "succeed" },
];

/** Which box each state is in; states no phase claims get their own (`state:<name>`). */
export function phaseOf(stateName: string): Phase {
  return (
    PHASES.find((p) => p.match.test(stateName)) ?? {
      id: `state:${stateName}`,
      label: stateName,
      match: new RegExp(`^${stateName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`),
      shape: BOX,
    }
  );
}

/** The states no phase claims (a test keeps this empty for the real definition). */
export function unclaimedStates(definition: AslDefinition): string[] {
  return Object.keys(definition.States).filter((name) => !PHASES.some((p) => p.match.test(name)));
}

function text(value: string): string {
  return value.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}

/** The overview flowchart (without a ```mermaid fence). */
export function overviewMermaid(definition: AslDefinition, graph: AslGraph = aslGraph(definition)): string {
  const used: Phase[] = [];
  const idOf = new Map<string, string>();
  const boxOf = (stateName: string) => {
    const phase = phaseOf(stateName);
    if (!idOf.has(phase.id)) {
      idOf.set(phase.id, `p${idOf.size}`);
      used.push(phase);
    }
    return idOf.get(phase.id) as string;
  };
  // Boxes appear in the order of the phases list, not of the states.
  const ordered = [...Object.keys(definition.States)].sort(
    (a, b) => PHASES.indexOf(phaseOf(a)) - PHASES.indexOf(phaseOf(b)),
  );
  for (const name of ordered) boxOf(name);
  const edges = new Map<string, boolean>();
  for (const e of graph.edges) {
    const from = boxOf(e.from);
    const to = boxOf(e.to);
    if (from === to) continue;
    const key = `${from} ${to}`;
    // An arrow is dashed only when every transition it stands for is a Catch.
    edges.set(key, (edges.get(key) ?? true) && e.kind === "catch");
  }
  const lines = ["flowchart TD"];
  for (const p of used) {
    const states = ordered.filter((name) => phaseOf(name).id === p.id);
    const label = typeof p.label === "function" ? p.label(states) : p.label;
    lines.push(`  ${idOf.get(p.id)}${p.shape[0]}"${text(label)}"${p.shape[1]}`);
  }
  for (const [key, catchOnly] of edges) {
    const [from, to] = key.split(" ");
    lines.push(`  ${from} ${catchOnly ? "-. on error .->" : "-->"} ${to}`);
  }
  lines.push("  classDef start stroke-width:3px");
  lines.push("  classDef succeed fill:#d4f7d4,stroke:#2e7d32");
  lines.push("  classDef fail fill:#fbd5d5,stroke:#c62828");
  for (const kind of ["start", "succeed", "fail"] as const) {
    const ids = used.filter((p) => p.kind === kind).map((p) => idOf.get(p.id));
    if (ids.length) lines.push(`  class ${ids.join(",")} ${kind}`);
  }
  return `${lines.join("\n")}\n`;
}
