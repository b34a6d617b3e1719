import { readFileSync } from "node:fs";
import { join } from "node:path";
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
});
