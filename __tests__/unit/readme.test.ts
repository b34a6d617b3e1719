import { readFileSync } from "node:fs";
import { join } from "node:path";
import { regionWorkflow } from "../../scripts/lib/region-workflow";
import { overviewMermaid } from "../../scripts/lib/workflow-overview";
import { loadConfig } from "../../stacks/config";
import { WILDCARD_ALLOW_LIST } from "../../stacks/iam";

const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");

describe("README", () => {
  it("starts with the install+synth and install+test commands a newcomer runs", () => {
    const firstBlock = readme.split("```")[1] ?? "";
    expect(firstBlock).toMatch(/npm ci && .*cdktf synth/);
    expect(firstBlock).toMatch(/npm ci && npm test/);
  });

  // The wildcard table's rows, whatever padding the formatter gives them.
  const wildcardRows = Object.fromEntries(
    [...readme.matchAll(/^\|\s*`([a-z0-9]+:[A-Za-z]+)`\s*\|\s*(.*?)\s*\|\s*$/gm)].map((m) => [m[1], m[2]]),
  );

  it("lists every IAM wildcard action with the reason the code gives, and no other", () => {
    expect(wildcardRows).toEqual(WILDCARD_ALLOW_LIST);
  });

  it("shows the workflow overview generated from the committed example's ASL", () => {
    const config = loadConfig({ cwd: join(__dirname, "..", ".."), env: {} });
    const first = config.regions[0];
    if (!first) throw new Error("the example has no region");
    const generated = overviewMermaid(regionWorkflow(config, first.name).definition).trim();
    const embedded = /```mermaid\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(embedded).toBe(generated);
  });
});
