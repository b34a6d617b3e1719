import { readFileSync } from "node:fs";
import { join } from "node:path";
import { aslGraph } from "../../scripts/lib/asl-graph";
import { regionWorkflow } from "../../scripts/lib/region-workflow";
import { workflowDocument } from "../../scripts/lib/workflow-doc";
import {
  overviewGraph,
  overviewMermaid,
  phaseOf,
  unclaimedStates,
} from "../../scripts/lib/workflow-overview";
import { loadConfig } from "../../stacks/config";

const PROJECT = join(__dirname, "..", "..");
const config = loadConfig({ cwd: PROJECT, env: {} });
const region = config.regions[0];
if (!region) throw new Error("the example has no region");
const { definition } = regionWorkflow(config, region.name);

describe("the workflow at a glance", () => {
  it("puts every state of the real definition in a named phase", () => {
    expect(unclaimedStates(definition)).toEqual([]);
  });

  it("is under twenty boxes: validate, pause, lock, the checks, run 1, restart, wait, run 2, notify, escalate, release, metrics", () => {
    const boxes = overviewMermaid(definition)
      .split("\n")
      .filter((l) => /^ {2}p\d+[[({]/.test(l));

    expect(boxes.length).toBeGreaterThanOrEqual(10);
    expect(boxes.length).toBeLessThanOrEqual(18);
    for (const id of [
      "validate",
      "pause",
      "lock",
      "checks",
      "metrics",
      "run1",
      "restart",
      "wait",
      "run2",
      "notify",
      "escalate",
      "release",
    ]) {
      expect([id, Object.keys(definition.States).some((s) => phaseOf(s).id === id)]).toEqual([id, true]);
    }
    expect(overviewMermaid(definition)).toContain('"The checks, in order: URL, Route 53, SSH, TCP"');
  });

  it("joins two phases exactly when a transition joins two of their states", () => {
    const { boxes, edges } = overviewGraph(definition);
    const phaseOfBox = new Map(boxes.map((b) => [b.id, b.phase.id]));
    const expected = new Set(
      aslGraph(definition)
        .edges.map((e) => `${phaseOf(e.from).id}>${phaseOf(e.to).id}`)
        .filter((k) => k.split(">")[0] !== k.split(">")[1]),
    );

    expect(new Set(edges.map((e) => `${phaseOfBox.get(e.from)}>${phaseOfBox.get(e.to)}`))).toEqual(expected);
    expect(boxes.flatMap((b) => b.states).sort()).toEqual(Object.keys(definition.States).sort());
  });

  it("gives a state no phase claims a box of its own rather than hiding it", () => {
    const extra = structuredClone(definition) as typeof definition;
    (extra.States as Record<string, unknown>)["Brand new step"] = { Type: "Pass", End: true };

    expect(unclaimedStates(extra)).toEqual(["Brand new step"]);
    expect(overviewMermaid(extra)).toContain('["Brand new step"]');
  });
});

describe("docs/workflow.md", () => {
  it("is what npm run diagram generates from the example's ASL", () => {
    expect(readFileSync(join(PROJECT, "docs", "workflow.md"), "utf8")).toBe(workflowDocument(definition));
  });
});
