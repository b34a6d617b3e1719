/**
 * The state machine as a graph, read from the ASL itself (never from the builder's inputs), so
 * a diagram can only show what the definition really does: one node per state, one edge per
 * transition (`Next`, `Default`, each `Choices[].Next`, each `Catch[].Next`).
 */
import type { AslDefinition, AslState, ChoiceCondition, ChoiceRule } from "../../stacks/workflow/asl";

/** The kinds of transition an ASL state can make. */
export type EdgeKind = "next" | "choice" | "default" | "catch";

/** One state. */
export interface GraphNode {
  /** A diagram-safe id (`s0`, `s1`, ... in definition order). */
  readonly id: string;
  /** The state's name. */
  readonly name: string;
  readonly type: AslState["Type"];
  /** True for the StartAt state. */
  readonly start: boolean;
  /** True for a state with `End: true` (Succeed and Fail states end by their type). */
  readonly end: boolean;
}

/** One transition. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  /** Human label: the choice rule, the caught errors, the wait, or what a plain Next means. */
  readonly label: string;
}

export interface AslGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** State name -> node. */
  readonly byName: ReadonlyMap<string, GraphNode>;
}

const MAX_LABEL = 48;

function clip(text: string): string {
  return text.length <= MAX_LABEL ? text : `${text.slice(0, MAX_LABEL - 1)}…`;
}

/** `$.instance.restart.method` -> `instance.restart.method`; the `$.` adds nothing to a reader. */
function path(variable: string): string {
  return variable.replace(/^\$\$?\./, "");
}

const OPERATORS: Readonly<Record<string, string>> = {
  StringEquals: "==",
  StringMatches: "matches",
  BooleanEquals: "==",
  NumericLessThan: "<",
  NumericGreaterThan: ">",
  TimestampGreaterThanPath: ">",
};

/** Two conditions spelled out; more summarised by what they test ("any of 9 absent"). */
function describeGroup(items: readonly ChoiceCondition[], joiner: string, quantifier: string): string {
  const parts = items.map(describeCondition);
  if (parts.length <= 2) return parts.join(` ${joiner} `);
  const tails = new Set(parts.map((p) => p.split(" ").slice(1).join(" ")));
  const tail = tails.size === 1 ? [...tails][0] : "conditions";
  return `${quantifier} of ${parts.length} ${tail}`;
}

/** A short, readable rendering of a Choice condition. */
export function describeCondition(condition: ChoiceCondition): string {
  if ("And" in condition) return describeGroup(condition.And, "and", "all");
  if ("Or" in condition) return describeGroup(condition.Or, "or", "any");
  if ("Not" in condition) {
    const inner = condition.Not;
    if ("Variable" in inner && "IsPresent" in inner) {
      return `${path(inner.Variable)} ${inner.IsPresent ? "absent" : "present"}`;
    }
    return `not (${describeCondition(inner)})`;
  }
  const { Variable, ...operator } = condition;
  const [name, value] = Object.entries(operator)[0] ?? ["?", "?"];
  if (name.startsWith("Is")) {
    const what = name.slice(2).toLowerCase();
    const verb = what === "present" ? "present" : `is ${what}`;
    return value === true ? `${path(Variable)} ${verb}` : `${path(Variable)} not ${verb.replace(/^is /, "")}`;
  }
  const shown = name.endsWith("Path") ? path(String(value)) : JSON.stringify(value);
  return `${path(Variable)} ${OPERATORS[name] ?? name} ${shown}`;
}

/** `DynamoDB.ConditionalCheckFailedException` -> `ConditionalCheckFailed`, `States.ALL` -> `any error`. */
function describeErrors(errors: readonly string[]): string {
  const names = errors.map((e) =>
    e === "States.ALL" ? "any error" : (e.split(".").pop() ?? e).replace(/Exception$/, ""),
  );
  if (names.length <= 2) return names.join(", ");
  const prefixes = new Set(errors.map((e) => e.split(".")[0]));
  return prefixes.size === 1
    ? `${errors.length} ${[...prefixes][0]} errors`
    : `${names[0]} +${names.length - 1}`;
}

function nextLabel(state: AslState): string {
  switch (state.Type) {
    case "Task":
      return "ok";
    case "Wait":
      return `after ${path(state.SecondsPath)} s`;
    default:
      return "then";
  }
}

/** Every node and every transition of the definition. Throws on a transition to a missing state. */
export function aslGraph(definition: AslDefinition): AslGraph {
  const names = Object.keys(definition.States);
  const byName = new Map<string, GraphNode>();
  const nodes: GraphNode[] = names.map((name, index) => {
    const state = definition.States[name] as AslState;
    const node: GraphNode = {
      id: `s${index}`,
      name,
      type: state.Type,
      start: name === definition.StartAt,
      end: "End" in state && state.End === true,
    };
    byName.set(name, node);
    return node;
  });
  if (!byName.has(definition.StartAt)) throw new Error(`StartAt "${definition.StartAt}" is not a state`);

  const edges: GraphEdge[] = [];
  const add = (from: string, to: string, kind: EdgeKind, label: string) => {
    if (!byName.has(to)) throw new Error(`state "${from}" goes to "${to}", which is not a state`);
    edges.push({ from, to, kind, label: clip(label) });
  };
  for (const name of names) {
    const state = definition.States[name] as AslState;
    if (state.Type === "Choice") {
      state.Choices.forEach((rule: ChoiceRule) => {
        const { Next, ...condition } = rule;
        add(name, Next, "choice", describeCondition(condition as ChoiceCondition));
      });
      add(name, state.Default, "default", "otherwise");
      continue;
    }
    if ("Next" in state && state.Next !== undefined) add(name, state.Next, "next", nextLabel(state));
    if (state.Type === "Task") {
      for (const catcher of state.Catch ?? []) {
        add(name, catcher.Next, "catch", `catch ${describeErrors(catcher.ErrorEquals)}`);
      }
    }
  }
  return { nodes, edges, byName };
}
