import { aslGraph, describeCondition } from "../../scripts/lib/asl-graph";
import { toDot } from "../../scripts/lib/dot";
import { toMermaid } from "../../scripts/lib/mermaid";
import { regionWorkflow } from "../../scripts/lib/region-workflow";
import { parseConfig } from "../../stacks/config";
import type { AslDefinition, AslState } from "../../stacks/workflow";
import { committedExample } from "../../testkit/synth";

const config = parseConfig(committedExample());
const definitions = config.regions.map((r) => regionWorkflow(config, r.name).definition);
const definition = definitions[0] as AslDefinition;

/** Every transition of the ASL as "from -> to", computed straight from the definition. */
function expectedTransitions(def: AslDefinition): string[] {
  const out: string[] = [];
  for (const [name, raw] of Object.entries(def.States)) {
    const state = raw as AslState & {
      Next?: string;
      Default?: string;
      Choices?: { Next: string }[];
      Catch?: { Next: string }[];
    };
    for (const c of state.Choices ?? []) out.push(`${name} -> ${c.Next}`);
    if (state.Default) out.push(`${name} -> ${state.Default}`);
    if (state.Next) out.push(`${name} -> ${state.Next}`);
    for (const c of state.Catch ?? []) out.push(`${name} -> ${c.Next}`);
  }
  return out.sort();
}

function unescapeMermaid(text: string): string {
  return text
    .replace(/#quot;/g, '"')
    .replace(/#lt;/g, "<")
    .replace(/#gt;/g, ">");
}

/** Nodes (id -> name, shape opener) and edges (name -> name, label) read back from Mermaid text. */
function parseMermaid(text: string) {
  const nodes = new Map<string, { name: string; open: string }>();
  const edges: { from: string; to: string; label: string }[] = [];
  for (const line of text.split("\n")) {
    const node = /^ {2}(s\d+)(\[\/|\(\[|\{\{|\[|\(|\{)"(.*)"(\/\]|\]\)|\}\}|\]|\)|\})$/.exec(line);
    if (node)
      nodes.set(node[1] as string, { name: unescapeMermaid(node[3] as string), open: node[2] as string });
    const edge = /^ {2}(s\d+) (-->|-\.->)\|"(.*)"\| (s\d+)$/.exec(line);
    if (edge) edges.push({ from: edge[1] as string, to: edge[4] as string, label: edge[3] as string });
  }
  const name = (id: string) => nodes.get(id)?.name ?? `?${id}`;
  return { nodes, edges: edges.map((e) => ({ from: name(e.from), to: name(e.to), label: e.label })) };
}

function unescapeDot(text: string): string {
  return text.replace(/\\"/g, '"').replace(/\\\\/g, "\\");
}

function parseDot(text: string) {
  const nodes = new Map<string, { name: string; shape: string }>();
  const edges: { from: string; to: string; label: string }[] = [];
  for (const line of text.split("\n")) {
    const node = /^ {2}(s\d+) \[label="((?:[^"\\]|\\.)*)", shape=([a-z]+)/.exec(line);
    if (node)
      nodes.set(node[1] as string, { name: unescapeDot(node[2] as string), shape: node[3] as string });
    const edge = /^ {2}(s\d+) -> (s\d+) \[label="((?:[^"\\]|\\.)*)"/.exec(line);
    if (edge)
      edges.push({ from: edge[1] as string, to: edge[2] as string, label: unescapeDot(edge[3] as string) });
  }
  const name = (id: string) => nodes.get(id)?.name ?? `?${id}`;
  return { nodes, edges: edges.map((e) => ({ from: name(e.from), to: name(e.to), label: e.label })) };
}

describe("workflow graph from the ASL", () => {
  it("has one node per state and one edge per Next, Default, Choices[].Next and Catch[].Next", () => {
    const graph = aslGraph(definition);

    expect(graph.nodes.map((n) => n.name).sort()).toEqual(Object.keys(definition.States).sort());
    expect(graph.edges.map((e) => `${e.from} -> ${e.to}`).sort()).toEqual(expectedTransitions(definition));
  });

  it("labels every edge", () => {
    const graph = aslGraph(definition);

    expect(graph.edges.filter((e) => e.label.trim() === "")).toEqual([]);
  });

  it("has the same shape in every region of the committed example", () => {
    const shape = (d: AslDefinition) => {
      const g = aslGraph(d);
      return JSON.stringify([g.nodes.map((n) => n.name), g.edges]);
    };

    expect(new Set(definitions.map(shape)).size).toBe(1);
  });

  it("rejects a transition to a state that does not exist", () => {
    const broken = {
      ...definition,
      States: { ...definition.States, Done: { Type: "Pass", Next: "Nowhere" } },
    } as unknown as AslDefinition;

    expect(() => aslGraph(broken)).toThrow('state "Done" goes to "Nowhere", which is not a state');
  });

  it("spells out short conditions and summarises long groups", () => {
    expect(describeCondition({ Variable: "$.instance.restart.method", StringEquals: "stop-start" })).toBe(
      'instance.restart.method == "stop-start"',
    );
    expect(describeCondition({ Not: { Variable: "$.a", IsPresent: true } })).toBe("a absent");
    expect(
      describeCondition({
        Or: ["$.a", "$.b", "$.c"].map((v) => ({ Not: { Variable: v, IsPresent: true } })),
      }),
    ).toBe("any of 3 absent");
  });
});

describe("Mermaid diagram", () => {
  const text = toMermaid(definition);
  const parsed = parseMermaid(text);

  it("declares every state of the ASL exactly once", () => {
    const names = [...parsed.nodes.values()].map((n) => n.name);

    expect(names.sort()).toEqual(Object.keys(definition.States).sort());
  });

  it("draws every transition of the ASL, labelled, and no other", () => {
    expect(parsed.edges.map((e) => `${e.from} -> ${e.to}`).sort()).toEqual(expectedTransitions(definition));
    expect(parsed.edges.every((e) => e.label.length > 0)).toBe(true);
  });

  it("gives Succeed, Fail and Choice states their own shapes", () => {
    const openerOf = (type: string) =>
      new Set(
        Object.entries(definition.States)
          .filter(([, s]) => s.Type === type)
          .map(([name]) => [...parsed.nodes.values()].find((n) => n.name === name)?.open),
      );

    expect(openerOf("Succeed")).toEqual(new Set(["(["]));
    expect(openerOf("Fail")).toEqual(new Set(["{{"]));
    expect(openerOf("Choice")).toEqual(new Set(["{"]));
    expect(text).toMatch(/^ {2}class s\d+(,s\d+)* fail$/m);
  });

  it("keeps quotes and angle brackets out of the markup", () => {
    const tricky = {
      ...definition,
      States: { ...definition.States, Done: { Type: "Succeed", Comment: 'say "<hi>"' } },
    } as unknown as AslDefinition;
    const renamed = JSON.parse(
      JSON.stringify(tricky).replace(/"Done"/g, '"Done \\"<ok>\\""'),
    ) as AslDefinition;

    const names = [...parseMermaid(toMermaid(renamed)).nodes.values()].map((n) => n.name);

    expect(names).toContain('Done "<ok>"');
    expect(toMermaid(renamed)).not.toContain('Done "<ok>"');
  });
});

describe("DOT diagram", () => {
  const parsed = parseDot(toDot(definition));

  it("declares every state and draws every transition of the ASL", () => {
    expect([...parsed.nodes.values()].map((n) => n.name).sort()).toEqual(
      Object.keys(definition.States).sort(),
    );
    expect(parsed.edges.map((e) => `${e.from} -> ${e.to}`).sort()).toEqual(expectedTransitions(definition));
  });

  it("draws Choice states as diamonds and Fail states as octagons", () => {
    const shapeOf = (name: string) => [...parsed.nodes.values()].find((n) => n.name === name)?.shape;

    expect(shapeOf("Validate input")).toBe("diamond");
    expect(shapeOf("Notification failed")).toBe("octagon");
  });
});
