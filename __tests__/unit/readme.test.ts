import { readFileSync } from "node:fs";
import { join } from "node:path";
import { toMermaid } from "../../scripts/lib/mermaid";
import { regionWorkflow } from "../../scripts/lib/region-workflow";
import { loadConfig } from "../../stacks/config";
import { WILDCARD_ALLOW_LIST } from "../../stacks/iam";

const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");

describe("README", () => {
  it("starts with the install+synth and install+test commands a newcomer runs", () => {
    const firstBlock = readme.split("```")[1] ?? "";
    expect(firstBlock).toMatch(/npm ci && .*cdktf synth/);
    expect(firstBlock).toMatch(/npm ci && npm test/);
  });

  it("lists every IAM wildcard action with the reason the code gives", () => {
    for (const [action, reason] of Object.entries(WILDCARD_ALLOW_LIST)) {
      expect(readme).toContain(`| \`${action}\` | ${reason} |`);
    }
  });

  it("lists no wildcard action the code does not allow", () => {
    const listed = [...readme.matchAll(/^\| `([a-z0-9]+:[A-Za-z]+)` \|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(Object.keys(WILDCARD_ALLOW_LIST).sort());
  });

  it("shows the Mermaid diagram generated from the committed example's ASL", () => {
    const config = loadConfig({ cwd: join(__dirname, "..", ".."), env: {} });
    const first = config.regions[0];
    if (!first) throw new Error("the example has no region");
    const generated = toMermaid(regionWorkflow(config, first.name).definition).trim();
    const embedded = /```mermaid\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(embedded).toBe(generated);
  });
});
