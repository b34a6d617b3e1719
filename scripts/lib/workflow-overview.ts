/**
 * The workflow at a glance: about a dozen boxes (validate, pause, lock, run 1, restart, wait,
 * run 2, notify, escalate, release) instead of a hundred states. Generated from the ASL like
 * the full diagram: each state belongs to the first phase whose pattern its name matches, and
 * an arrow joins two phases when a transition joins two of their states. A state no phase
 * claims gets a box of its own, so nothing the definition does is hidden.
 */
import type { AslDefinition } from "../../stacks/workflow";
import { type AslGraph, aslGraph } from "./asl-graph";
import { CLASS_DEFS, mermaidText } from "./mermaid";

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

/** The check names states carry ("URL check", "Run 1: SSH check" -> URL, SSH), in order. */
function checkNames(states: readonly string[], prefix = ""): string {
  const pattern = new RegExp(`^${prefix}([A-Z][\\w ]*?) check$`);
  return [...new Set(states.flatMap((s) => pattern.exec(s)?.[1] ?? []))].join(", ");
}

/** A run's box: its checks when the run has check states of its own, else the run alone. */
const runLabel = (run: number) => (states: readonly string[]) => {
  const checks = checkNames(states, `Run ${run}: `);
  return checks ? `Run ${run}: ${checks} checks` : `Run ${run} of the checks`;
};

/**
 * The phases; first match wins (so the specific patterns come first), boxes are drawn in this
 * order. Patterns match the state names of the definition (`stacks/workflow`); when a state is
 * renamed, `unclaimedStates` names it in the tests.
 */
export const PHASES: readonly Phase[] = [
  {
    id: "validate",
    label: "Validate input",
    match: /^(Validate input|Whole numbers\?|Prepare)$/,
    shape: BOX,
    kind: "start",
  },
  {
    id: "invalid",
    label: "Invalid input: FAILED",
    match: /^Reject invalid input$/,
    shape: FAIL,
    kind: "fail",
  },
  { id: "pause", label: "Paused? (then skip, tell chat)", match: /paus/i, shape: ROUND },
  {
    id: "lock",
    label: "Lock the instance, plan the cooldown",
    match: /^(Plan lock|Acquire lock)/,
    shape: BOX,
  },
  { id: "busy", label: "Already running", match: /^Already running$/, shape: ROUND },
  { id: "run1", label: runLabel(1), match: /^Run 1\b/, shape: BOX },
  { id: "run2", label: runLabel(2), match: /^Run 2\b/, shape: BOX },
  {
    id: "checks",
    label: (states) => `The checks, in order: ${checkNames(states)}`,
    match: /^[\w ]+? check( |$)|^Checks /,
    shape: BOX,
  },
  { id: "healthy", label: "Healthy", match: /^Healthy$/, shape: ROUND },
  // Before restart: "Escalate: restart-failed" is an escalation, not a restart step.
  {
    id: "escalate",
    label: "Escalate: page on-call, tell chat",
    match: /^(Escalat|Alert\b|Page\b)|escalated/i,
    shape: BOX,
  },
  {
    id: "metrics",
    label: "Record outcome metrics",
    match: /^(Record outcome|Restarted\?$)|metric/i,
    shape: BOX,
  },
  {
    id: "wait",
    label: "Wait: settle, then poll until back online",
    match: /settle|status poll|Poll instance status|Back online|Measure the restart/i,
    shape: BOX,
  },
  {
    id: "restart",
    label: "Restart (reboot or stop-start), unless in cooldown",
    match: /cooldown\?|restart|Reboot|Stop instance|Start instance|stop poll|until stopped|^Stopped\?/i,
    shape: BOX,
  },
  { id: "notify", label: "Recovered: notify chat", match: /^(Recovered$|Notify\b|Tell chat)/, shape: BOX },
  { id: "release", label: "Release the lock", match: /^Release lock$/, shape: BOX },
  {
    id: "delivered",
    label: "Notifications delivered?",
    match: /^Notifications? delivered\?$/,
    shape: ROUND,
  },
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

/** One box of the overview. */
export interface OverviewBox {
  /** Mermaid node id (`p0`, `p1`, ...). */
  readonly id: string;
  readonly phase: Phase;
  readonly label: string;
  /** The states it stands for. */
  readonly states: readonly string[];
}

/** The boxes and the arrows between them (`catchOnly`: every transition it stands for is a Catch). */
export function overviewGraph(
  definition: AslDefinition,
  graph: AslGraph = aslGraph(definition),
): { boxes: OverviewBox[]; edges: { from: string; to: string; catchOnly: boolean }[] } {
  // Boxes appear in the order of the phases list, not of the states.
  const names = Object.keys(definition.States);
  const rank = (p: Phase) => {
    const i = PHASES.findIndex((x) => x.id === p.id);
    return i < 0 ? PHASES.length : i;
  };
  const ordered = [...names].sort((a, b) => rank(phaseOf(a)) - rank(phaseOf(b)));
  const boxes: OverviewBox[] = [];
  const boxOf = new Map<string, OverviewBox>();
  for (const name of ordered) {
    const phase = phaseOf(name);
    if (boxOf.has(phase.id)) continue;
    const states = ordered.filter((n) => phaseOf(n).id === phase.id);
    const box = {
      id: `p${boxes.length}`,
      phase,
      label: typeof phase.label === "function" ? phase.label(states) : phase.label,
      states,
    };
    boxes.push(box);
    boxOf.set(phase.id, box);
  }
  const edges = new Map<string, boolean>();
  for (const e of graph.edges) {
    const from = boxOf.get(phaseOf(e.from).id)?.id as string;
    const to = boxOf.get(phaseOf(e.to).id)?.id as string;
    if (from === to) continue;
    const key = `${from} ${to}`;
    edges.set(key, (edges.get(key) ?? true) && e.kind === "catch");
  }
  return {
    boxes,
    edges: [...edges].map(([key, catchOnly]) => {
      const [from, to] = key.split(" ") as [string, string];
      return { from, to, catchOnly };
    }),
  };
}

/** The overview flowchart (without a ```mermaid fence). */
export function overviewMermaid(definition: AslDefinition, graph: AslGraph = aslGraph(definition)): string {
  const { boxes, edges } = overviewGraph(definition, graph);
  const lines = ["flowchart TD"];
  for (const b of boxes)
    lines.push(`  ${b.id}${b.phase.shape[0]}"${mermaidText(b.label)}"${b.phase.shape[1]}`);
  for (const e of edges) lines.push(`  ${e.from} ${e.catchOnly ? "-. on error .->" : "-->"} ${e.to}`);
  lines.push(...CLASS_DEFS);
  for (const kind of ["start", "succeed", "fail"] as const) {
    const ids = boxes.filter((b) => b.phase.kind === kind).map((b) => b.id);
    if (ids.length) lines.push(`  class ${ids.join(",")} ${kind}`);
  }
  return `${lines.join("\n")}\n`;
}
