import {
  compareSynths,
  leftoverImports,
  PACKAGE_RENAMES,
  rewritePackageJson,
  rewriteSource,
} from "../../scripts/lib/cdktn";

describe("moving a copy onto CDK Terrain", () => {
  it("renames and pins the three packages and the CLI in the npm scripts, nothing else", () => {
    // A package.json shaped like this project's (which the check's own copy has already moved).
    const before = {
      name: "first-line",
      dependencies: { "@cdktf/provider-aws": "21.22.1", cdktf: "0.21.0", constructs: "10.7.2", zod: "4.6.7" },
      devDependencies: { "cdktf-cli": "0.21.0", jest: "29.6.3", tsx: "4.23.15" },
      scripts: { synth: "cdktf synth", test: "jest --ci", get: 'echo "no provider generation needed"' },
    };
    const after = JSON.parse(rewritePackageJson(JSON.stringify(before)));

    expect(after.dependencies.cdktn).toBe("0.24.0");
    expect(after.dependencies["@cdktn/provider-aws"]).toBe("25.7.0");
    expect(after.devDependencies["cdktn-cli"]).toBe("0.24.0");
    for (const old of Object.keys(PACKAGE_RENAMES)) {
      expect(after.dependencies[old]).toBeUndefined();
      expect(after.devDependencies[old]).toBeUndefined();
    }
    expect(after.scripts).toEqual({ ...before.scripts, synth: "cdktn synth" });
    const untouched = (pkg: { dependencies: object; devDependencies: object }) =>
      Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }).filter(
        ([name]) => !(name in PACKAGE_RENAMES) && !/^(cdktn|cdktn-cli|@cdktn\/provider-aws)$/.test(name),
      );
    expect(untouched(after)).toEqual(untouched(before));
  });

  it("refuses a package.json without the packages it renames", () => {
    expect(() => rewritePackageJson(JSON.stringify({ dependencies: { cdktf: "0.21.0" } }))).toThrow(
      "package.json has 1 of the 3 packages to rename",
    );
  });

  it("rewrites imports and CLI invocations, and leaves names that only look alike", () => {
    const source = [
      'import { App } from "cdktf";',
      'import type { TerraformAsset } from "cdktf/lib/terraform-asset";',
      'import { AwsProvider } from "@cdktf/provider-aws/lib/provider";',
      'const cli = join(projectDir, "node_modules", ".bin", "cdktf");',
      'await run(npx, ["cdktf", "synth", "--output", dir]);',
      'const hint = "run npx cdktf synth first";',
      'const tags = { "managed-by": "cdktf" }; // the tag stays',
      'const out = "cdktf.out"; const env = "CDKTF_OUTDIR"; const conf = "cdktf.json";',
    ].join("\n");
    const { text, counts } = rewriteSource(source);

    expect(text.split("\n")).toEqual([
      'import { App } from "cdktn";',
      'import type { TerraformAsset } from "cdktn/lib/terraform-asset";',
      'import { AwsProvider } from "@cdktn/provider-aws/lib/provider";',
      'const cli = join(projectDir, "node_modules", ".bin", "cdktn");',
      'await run(npx, ["cdktn", "synth", "--output", dir]);',
      'const hint = "run npx cdktn synth first";',
      'const tags = { "managed-by": "cdktf" }; // the tag stays',
      'const out = "cdktf.out"; const env = "CDKTF_OUTDIR"; const conf = "cdktf.json";',
    ]);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(6);
    expect(leftoverImports(text)).toEqual([]);
    expect(leftoverImports(source)).toEqual([
      "cdktf",
      "cdktf/lib/terraform-asset",
      "@cdktf/provider-aws/lib/provider",
    ]);
  });
});

describe("comparing the two synths", () => {
  const synth = (version: string, aws: string, extra: Record<string, unknown> = {}) => ({
    "//": { metadata: { version, stackName: "first-line", backend: "s3" } },
    terraform: { required_providers: { aws: { source: "aws", version: aws } } },
    resource: { aws_sqs_queue: { q: { name: "first-line-eu-west-1-dlq", ...extra } } },
  });

  it("accepts the metadata version and the AWS provider constraint, naming them", () => {
    const result = compareSynths(synth("0.21.0", "6.25.0"), synth("0.24.0", "6.66.0"));

    expect(result.allowed.map((d) => d.path)).toEqual([
      "//.metadata.version",
      "terraform.required_providers.aws.version",
    ]);
    expect(result.unexpected).toEqual([]);
    expect(result.equalOtherwise).toBe(true);
  });

  it("accepts the provider source spelled out to the same address, and no other address", () => {
    const spelled = synth("0.24.0", "6.66.0");
    spelled.terraform.required_providers.aws.source = "hashicorp/aws";
    const other = synth("0.24.0", "6.66.0");
    other.terraform.required_providers.aws.source = "acme/aws";

    expect(compareSynths(synth("0.21.0", "6.25.0"), spelled).unexpected).toEqual([]);
    expect(compareSynths(synth("0.21.0", "6.25.0"), other).unexpected).toEqual([
      { path: "terraform.required_providers.aws.source", before: "aws", after: "acme/aws" },
    ]);
  });

  it("reports anything else, empty values included", () => {
    const changed = compareSynths(synth("0.21.0", "6.25.0"), synth("0.24.0", "6.66.0", { fifo_queue: true }));
    const emptied = compareSynths(synth("0.21.0", "6.25.0"), synth("0.24.0", "6.66.0", { tags: {} }));

    expect(changed.unexpected).toEqual([
      { path: "resource.aws_sqs_queue.q.fifo_queue", before: undefined, after: true },
    ]);
    expect([emptied.unexpected, emptied.equalOtherwise]).toEqual([[], false]);
  });
});
