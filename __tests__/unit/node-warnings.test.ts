import { withoutKnownDeprecations } from "../../testkit/node-warnings";

describe("known dependency deprecations", () => {
  const dep0044 =
    "(node:28859) [DEP0044] DeprecationWarning: The `util.isArray` API is deprecated. Please use `Array.isArray()` instead.\n" +
    "(Use `node --trace-deprecation ...` to show where the warning was created)\n";

  it("removes cdktf's util.isArray deprecation (Node 22+) and nothing else", () => {
    expect(withoutKnownDeprecations(dep0044)).toBe("");
    expect(withoutKnownDeprecations(`${dep0044}Error: something real\n`)).toBe("Error: something real\n");
    const other = "(node:1) [DEP0005] DeprecationWarning: Buffer() is deprecated.\n";
    expect(withoutKnownDeprecations(other)).toBe(other);
  });
});
