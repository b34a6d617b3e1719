// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform template text, written literally, is what these tests are about
/**
 * The pieces of `npm run test:terraform` that need no terraform: finding the toolchain (with a
 * fake binary and mirror), the test copy's rewrites and environment, reading plans and
 * manifests, and spotting template sequences. The real runs are in __tests__/terraform.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { templateSequences } from "../../testkit/input-template";
import { manifestStacks, synthesizedResources } from "../../testkit/synth-manifest";
import {
  copyStackForTest,
  PROVIDER_REWRITES,
  STACK_FILE,
  TEST_OVERRIDE_FILE,
  terraformEnv,
} from "../../testkit/terraform-copy";
import { countBy, type PlanJson, plannedResources } from "../../testkit/terraform-plan";
import {
  awsProviderVersions,
  compareVersions,
  findToolchain,
  MissingToolchainError,
  PLUGIN_DIR_ENV,
  terraformPlatform,
} from "../../testkit/terraform-toolchain";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "first-line-testkit-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A mirror holding hashicorp/aws `versions` for this platform (and one for another platform). */
function fakeMirror(versions: readonly string[]): string {
  const mirror = join(dir, "mirror");
  for (const version of versions) {
    const build = join(mirror, "registry.terraform.io", "hashicorp", "aws", version, terraformPlatform());
    mkdirSync(build, { recursive: true });
    writeFileSync(join(build, `terraform-provider-aws_v${version}_x5`), "");
  }
  mkdirSync(join(mirror, "registry.terraform.io", "hashicorp", "aws", "9.0.0", "plan9_mips"), {
    recursive: true,
  });
  return mirror;
}

/** A `terraform` on a PATH of its own that reports `version`. */
function fakeTerraform(version: string): string {
  const bin = join(dir, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "terraform"), `#!/bin/sh\necho '{"terraform_version":"${version}"}'\n`);
  chmodSync(join(bin, "terraform"), 0o755);
  return bin;
}

describe("findToolchain", () => {
  it("finds terraform on PATH, the mirror named by the environment and its newest aws provider", () => {
    const bin = fakeTerraform("1.11.4");
    const mirror = fakeMirror(["5.99.1", "5.100.0", "5.9.0"]);

    expect(findToolchain({ PATH: bin, [PLUGIN_DIR_ENV]: mirror })).toEqual({
      terraform: join(bin, "terraform"),
      terraformVersion: "1.11.4",
      pluginDir: mirror,
      awsProviderVersion: "5.100.0",
    });
  });

  it("names the missing terraform binary and where it looked", () => {
    expect(() => findToolchain({ PATH: join(dir, "nowhere") })).toThrow(
      new MissingToolchainError(
        `terraform binary: not found on PATH (${join(dir, "nowhere")}); install Terraform >= 1.11 and put it on PATH`,
      ),
    );
  });

  it("names a mirror setting that holds no aws provider", () => {
    const bin = fakeTerraform("1.11.4");

    expect(() => findToolchain({ PATH: bin, [PLUGIN_DIR_ENV]: dir })).toThrow(
      `provider mirror: ${PLUGIN_DIR_ENV}=${dir} holds no registry.terraform.io/hashicorp/aws`,
    );
  });

  it("names the missing provider version for this platform", () => {
    const bin = fakeTerraform("1.11.4");
    const mirror = fakeMirror([]);

    expect(() => findToolchain({ PATH: bin, [PLUGIN_DIR_ENV]: mirror })).toThrow(
      `provider version: ${join(mirror, "registry.terraform.io/hashicorp/aws")} has no version built for ${terraformPlatform()}`,
    );
  });

  it("orders versions numerically", () => {
    expect(awsProviderVersions(fakeMirror(["5.9.0", "5.100.0", "6.0.0"]))).toEqual([
      "6.0.0",
      "5.100.0",
      "5.9.0",
    ]);
    expect(compareVersions("5.100.0", "5.99.9")).toBeGreaterThan(0);
    expect(compareVersions("6.25.0", "6.25.0")).toBe(0);
  });
});

describe("the test copy of a stack", () => {
  const synthesized = {
    terraform: {
      backend: { s3: { bucket: "b", key: "k", region: "eu-central-1", encrypt: true, use_lockfile: true } },
      required_providers: { aws: { source: "aws", version: "6.25.0" } },
      required_version: ">= 1.11",
    },
    provider: {
      aws: [
        { alias: "eu-west-1", region: "eu-west-1", default_tags: [{ tags: { app: "first-line" } }] },
        { alias: "us-east-1", region: "us-east-1" },
      ],
    },
    resource: {
      aws_lambda_function: {
        a: { provider: "aws.eu-west-1", runtime: "nodejs24.x", handler: "index.handler" },
        b: { provider: "aws.us-east-1", runtime: "nodejs24.x", description: "nodejs24.x stays in text" },
      },
      aws_sqs_queue: { q: { provider: "aws.eu-west-1", name: "nodejs24.x" } },
    },
  };

  function stackDir(): string {
    const stack = join(dir, "stack");
    mkdirSync(join(stack, "assets", "code"), { recursive: true });
    writeFileSync(join(stack, STACK_FILE), JSON.stringify(synthesized));
    writeFileSync(join(stack, "assets", "code", "archive.zip"), "zip bytes");
    return stack;
  }

  it("changes exactly the version pin and the Lambda runtimes for an older mirror, naming each rewrite", () => {
    const copy = copyStackForTest(stackDir(), join(dir, "copy"), { providerVersion: "5.100.0" });
    const written = JSON.parse(readFileSync(join(dir, "copy", STACK_FILE), "utf8"));

    const expected = structuredClone(synthesized);
    expected.terraform.required_providers.aws.version = "5.100.0";
    expected.resource.aws_lambda_function.a.runtime = "nodejs22.x";
    expected.resource.aws_lambda_function.b.runtime = "nodejs22.x";
    expect(written).toEqual(expected);
    expect(copy.rewrites.map((r) => [r.name, r.changes])).toEqual([
      ["Lambda runtime nodejs24.x -> nodejs22.x", 2],
      ["aws provider version constraint -> the mirror's version", 1],
    ]);
    expect(copy.rewrites.every((r) => r.why.length > 40)).toBe(true);
    expect(readFileSync(join(dir, "copy", "assets", "code", "archive.zip"), "utf8")).toBe("zip bytes");
    expect(copy.providerAliases).toEqual(["eu-west-1", "us-east-1"]);
  });

  it("keeps the runtime when the mirror's provider is as new as the pinned one", () => {
    const copy = copyStackForTest(stackDir(), join(dir, "copy"), { providerVersion: "6.25.0" });

    expect(copy.rewrites).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, "copy", STACK_FILE), "utf8"))).toEqual(synthesized);
  });

  it("puts the test environment beside it: local state, fake credentials and skip flags per aliased provider", () => {
    copyStackForTest(stackDir(), join(dir, "copy"), { providerVersion: "5.100.0" });
    const override = JSON.parse(readFileSync(join(dir, "copy", TEST_OVERRIDE_FILE), "utf8"));

    expect(TEST_OVERRIDE_FILE).toMatch(/_override\.tf\.json$/);
    expect(override).toEqual({
      terraform: { backend: { local: { path: join(dir, "copy", "terraform.tfstate") } } },
      provider: {
        aws: ["eu-west-1", "us-east-1"].map((alias) => ({
          alias,
          access_key: "AKIAFIRSTLINETEST000",
          secret_key: "first-line-test-secret",
          skip_credentials_validation: true,
          skip_metadata_api_check: true,
          skip_region_validation: true,
        })),
      },
    });
  });

  it("keeps the synthesized s3 backend when asked (its bucket on the stand-in), never a cloud one", () => {
    const withBackend = (backend: Record<string, unknown>) => {
      const stack = stackDir();
      const doc = { ...synthesized, terraform: { ...synthesized.terraform, backend } };
      writeFileSync(join(stack, STACK_FILE), JSON.stringify(doc));
      return stack;
    };
    const s3 = { s3: { bucket: "b", key: "first-line/x/terraform.tfstate", region: "eu-central-1" } };
    const kept = copyStackForTest(
      withBackend(s3),
      join(dir, "s3"),
      { providerVersion: "5.100.0" },
      { keepS3Backend: true },
    );
    const cloud = copyStackForTest(
      withBackend({ cloud: { organization: "acme", workspaces: { name: "w" } } }),
      join(dir, "cloud"),
      { providerVersion: "5.100.0" },
      { keepS3Backend: true },
    );

    expect(kept.backend).toEqual({ type: "s3", ...s3.s3 });
    expect(JSON.parse(readFileSync(join(dir, "s3", TEST_OVERRIDE_FILE), "utf8")).terraform).toBeUndefined();
    expect(JSON.parse(readFileSync(join(dir, "s3", STACK_FILE), "utf8")).terraform.backend).toEqual(s3);
    expect(cloud.backend).toEqual({ type: "local", path: join(dir, "cloud", "terraform.tfstate") });
    expect(JSON.parse(readFileSync(join(dir, "cloud", TEST_OVERRIDE_FILE), "utf8")).terraform).toEqual({
      backend: { local: { path: join(dir, "cloud", "terraform.tfstate") } },
    });
  });

  it("has only the rewrites the README lists", () => {
    const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
    for (const rewrite of PROVIDER_REWRITES) expect(readme).toContain(rewrite.name);
  });
});

describe("terraformEnv", () => {
  it("pins every AWS endpoint to the stand-in and inherits no credentials, profile or CLI config", () => {
    const env = terraformEnv("http://127.0.0.1:4566", {
      PATH: "/usr/bin",
      HOME: "/root",
      AWS_ACCESS_KEY_ID: "AKIAREALKEY000000000",
      AWS_PROFILE: "prod",
      TF_LOG: "trace",
    });

    expect(env).toMatchObject({
      PATH: "/usr/bin",
      AWS_ENDPOINT_URL: "http://127.0.0.1:4566",
      TF_CLI_CONFIG_FILE: "/dev/null",
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      HTTPS_PROXY: "http://127.0.0.1:9",
    });
    expect(Object.keys(env)).not.toEqual(expect.arrayContaining(["AWS_ACCESS_KEY_ID"]));
    expect(env.AWS_PROFILE).toBeUndefined();
    expect(env.TF_LOG).toBeUndefined();
  });
});

describe("reading plans and manifests", () => {
  const plan: PlanJson = {
    format_version: "1.2",
    terraform_version: "1.11.4",
    resource_changes: [
      {
        address: "aws_sqs_queue.a",
        mode: "managed",
        type: "aws_sqs_queue",
        change: { actions: ["create"], after: { name: "a" } },
      },
      {
        address: "aws_sqs_queue.b",
        mode: "managed",
        type: "aws_sqs_queue",
        change: { actions: ["create"], after: {} },
      },
      {
        address: "data.aws_caller_identity.x",
        mode: "data",
        type: "aws_caller_identity",
        change: { actions: ["read"] },
      },
    ],
    configuration: {
      provider_config: {
        "aws.eu-west-1": { alias: "eu-west-1", expressions: { region: { constant_value: "eu-west-1" } } },
        "aws.us-east-1": { alias: "us-east-1", expressions: { region: { constant_value: "us-east-1" } } },
      },
      root_module: {
        resources: [
          { address: "aws_sqs_queue.a", provider_config_key: "aws.us-east-1" },
          { address: "aws_sqs_queue.b", provider_config_key: "aws.eu-west-1" },
        ],
      },
    },
  };

  it("gives each managed resource the region and alias of its provider configuration", () => {
    const planned = plannedResources(plan);

    expect(planned.map((r) => [r.address, r.region, r.alias, r.after])).toEqual([
      ["aws_sqs_queue.a", "us-east-1", "us-east-1", { name: "a" }],
      ["aws_sqs_queue.b", "eu-west-1", "eu-west-1", {}],
    ]);
    expect(countBy(planned, "region")).toEqual({ "eu-west-1": 1, "us-east-1": 1 });
  });

  it("tells one region name in two accounts apart by the provider's alias (the region key)", () => {
    const fleet: PlanJson = {
      ...plan,
      configuration: {
        provider_config: {
          "aws.prod-eu-west-1": {
            alias: "prod-eu-west-1",
            expressions: { region: { constant_value: "eu-west-1" } },
          },
          "aws.staging-eu-west-1": {
            alias: "staging-eu-west-1",
            expressions: { region: { constant_value: "eu-west-1" } },
          },
        },
        root_module: {
          resources: [
            { address: "aws_sqs_queue.a", provider_config_key: "aws.staging-eu-west-1" },
            { address: "aws_sqs_queue.b", provider_config_key: "aws.prod-eu-west-1" },
          ],
        },
      },
    };
    const planned = plannedResources(fleet);

    expect(countBy(planned, "region")).toEqual({ "eu-west-1": 2 });
    expect(countBy(planned, "alias")).toEqual({ "prod-eu-west-1": 1, "staging-eu-west-1": 1 });
  });

  it("lists every stack of a manifest and the region of each synthesized resource", () => {
    writeFileSync(
      join(dir, "manifest.json"),
      JSON.stringify({
        stacks: {
          "fl-us-east-1": {
            name: "fl-us-east-1",
            workingDirectory: "stacks/fl-us-east-1",
            synthesizedStackPath: "stacks/fl-us-east-1/cdk.tf.json",
          },
          "fl-eu-west-1": {
            name: "fl-eu-west-1",
            workingDirectory: "stacks/fl-eu-west-1",
            synthesizedStackPath: "stacks/fl-eu-west-1/cdk.tf.json",
          },
        },
      }),
    );

    expect(manifestStacks(dir).map((s) => [s.name, s.dir, s.file])).toEqual([
      ["fl-eu-west-1", join(dir, "stacks/fl-eu-west-1"), join(dir, "stacks/fl-eu-west-1/cdk.tf.json")],
      ["fl-us-east-1", join(dir, "stacks/fl-us-east-1"), join(dir, "stacks/fl-us-east-1/cdk.tf.json")],
    ]);
    expect(
      synthesizedResources({
        provider: { aws: [{ alias: "eu-west-1", region: "eu-west-1" }] },
        resource: { aws_sqs_queue: { q: { provider: "aws.eu-west-1" } } },
      }),
    ).toEqual([{ address: "aws_sqs_queue.q", type: "aws_sqs_queue", region: "eu-west-1" }]);
  });
});

describe("templateSequences (Terraform's template lexer, in short)", () => {
  it.each([
    ["plain text", []],
    ["$${HOME} and %%{ok}", []],
    ["$$${kept}", []],
    ["a ${HOME} b", ["${HOME} b"]],
    ["%{ if x }", ["%{ if x }"]],
    ["$$$${x}", []],
    ["$ ${x}", ["${x}"]],
  ])("finds in %j: %j", (text, found) => {
    expect(templateSequences(text)).toEqual(found);
  });
});
