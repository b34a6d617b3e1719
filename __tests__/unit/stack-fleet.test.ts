/**
 * DESIGN §6 on the synthesized JSON: accounts (assume_role, allowed_account_ids, aliases
 * `<account>-<region>`), the per-region layout (one self-contained stack per account x region
 * with its own backend), and resource addresses that do not depend on the layout.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { bundleFunctions } from "../../stacks/bundling";
import { FUNCTION_NAMES } from "../../stacks/function-catalog";
import {
  allBlocks,
  committedExample,
  PROJECT_DIR,
  readTree,
  type SynthesizedStack,
  type TfJson,
} from "../../testkit/synth";
import { synthesizedOnce } from "../../testkit/synth-suite";
import { configWith, fleetConfig } from "../fixtures/config/helpers";

// Several synths, each bundling (cached after the first) and writing many stacks.
jest.setTimeout(120_000);

const KEYS_2X2 = ["prod-eu-west-1", "prod-us-east-1", "staging-eu-west-1", "staging-us-east-1"];
const PROD = {
  role_arn: "arn:aws:iam::111111111111:role/first-line-deploy",
  allowed: ["111111111111"],
};
const STAGING = {
  role_arn: "arn:aws:iam::222222222222:role/ci/first-line-deploy",
  external_id: "first-line-staging",
  allowed: ["222222222222"],
};

/** The 2 x 2 fleet in the single layout (one stack, a fixed key). */
function singleFleet(): Record<string, unknown> {
  return configWith({ layout: "single", "backend.key": "first-line/terraform.tfstate" }, fleetConfig());
}

/** The 2 x 2 fleet without its staging account. */
function prodOnly(): Record<string, unknown> {
  const raw = fleetConfig() as { accounts: Record<string, unknown> };
  delete raw.accounts.staging;
  return raw;
}

// One at a time (synthesizedOnce's order): each synth is CPU-bound and the machine is shared.
const perRegion = synthesizedOnce(fleetConfig);
const perRegionAgain = synthesizedOnce(fleetConfig);
const single = synthesizedOnce(singleFleet);
const oneAccountCloud = synthesizedOnce(() => ({
  ...prodOnly(),
  backend: { type: "cloud", organization: "acme", workspace: "{stack}", project: "platform" },
}));
const oneAccountSingle = synthesizedOnce(() => ({
  ...prodOnly(),
  layout: "single",
  backend: single.config.backend,
}));
const exampleSingle = synthesizedOnce(committedExample);
const examplePerRegion = synthesizedOnce(() => ({
  ...committedExample(),
  layout: "per-region",
  backend: {
    type: "s3",
    bucket: "acme-tfstate",
    key: "first-line/{region}.tfstate",
    region: "eu-central-1",
  },
}));

/** A provider as the tests compare it: alias, region and the account guard. */
function providerSummary(json: TfJson) {
  return json.provider.aws.map((p) => ({
    alias: p.alias,
    region: p.region,
    assume_role: p.assume_role,
    allowed_account_ids: p.allowed_account_ids,
  }));
}

function guarded(key: string, region: string, account: typeof PROD | typeof STAGING) {
  return {
    alias: key,
    region,
    assume_role: [
      {
        role_arn: account.role_arn,
        session_name: `first-line-first-line-${region}`,
        ...("external_id" in account ? { external_id: account.external_id } : {}),
      },
    ],
    allowed_account_ids: account.allowed,
  };
}

const EXPECTED_2X2 = [
  guarded("prod-eu-west-1", "eu-west-1", PROD),
  guarded("prod-us-east-1", "us-east-1", PROD),
  guarded("staging-eu-west-1", "eu-west-1", STAGING),
  guarded("staging-us-east-1", "us-east-1", STAGING),
];

/** Every resource and data source address a stack's JSON refers to (in `${...}` and depends_on). */
function referencedAddresses(json: TfJson): string[] {
  const text = JSON.stringify(json);
  const expressions = [...text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1] ?? "");
  const dependsOn = allBlocks(json).flatMap((b) => (b.body.depends_on as string[] | undefined) ?? []);
  const addresses = [...expressions, ...dependsOn].flatMap((e) =>
    [...e.matchAll(/\b(data\.)?(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/g)].map(
      (m) => `${m[1] ?? ""}${m[2]}.${m[3]}`,
    ),
  );
  return [...new Set(addresses)];
}

/** Blocks and outputs by address, without cdktf's metadata (whose path names the stack). */
function addressed(stacks: readonly SynthesizedStack[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const stack of stacks) {
    const entries = [
      ...allBlocks(stack.json).map((b) => {
        const { "//": _metadata, ...body } = b.body;
        return [b.address, body] as const;
      }),
      ...Object.entries(stack.json.output ?? {}).map(([name, body]) => [`output.${name}`, body] as const),
    ];
    for (const [address, body] of entries) {
      if (out.has(address)) throw new Error(`${address} is in two stacks`);
      out.set(address, JSON.stringify(body));
    }
  }
  return out;
}

describe("providers with accounts", () => {
  it("assume the account's role (with its external id when set) and accept only that account, aliased <account>-<region>", () => {
    expect(providerSummary(single.json)).toEqual(EXPECTED_2X2);
    expect(providerSummary(oneAccountSingle.json)).toEqual(EXPECTED_2X2.slice(0, 2));
  });

  it("keep the app's default tags", () => {
    for (const provider of single.json.provider.aws) {
      expect(provider.default_tags?.[0]?.tags).toMatchObject({ app: "first-line", "managed-by": "cdktf" });
    }
  });

  it("carry the guard in every per-region stack, one provider each", () => {
    expect(perRegion.stacks.map((s) => providerSummary(s.json))).toEqual(EXPECTED_2X2.map((p) => [p]));
  });

  it("are not guarded without accounts (there is no account to assume)", () => {
    for (const provider of exampleSingle.json.provider.aws) {
      expect(provider.assume_role).toBeUndefined();
      expect(provider.allowed_account_ids).toBeUndefined();
    }
  });

  it("give every block of a region its <account>-<region> provider, and the same region in two accounts two regional constructs", () => {
    const blocks = allBlocks(single.json);
    expect([...new Set(blocks.map((b) => b.region))].sort()).toEqual(KEYS_2X2);
    expect(blocks.filter((b) => b.body.provider !== `aws.${b.region}`).map((b) => b.address)).toEqual([]);
  });
});

describe("the per-region layout", () => {
  it("synthesizes one stack per account x region, named <stackName>-<account>-<region>, or <stackName>-<region> without accounts", () => {
    expect(perRegion.stacks.map((s) => s.name)).toEqual(KEYS_2X2.map((key) => `first-line-${key}`));
    expect(examplePerRegion.stacks.map((s) => s.name)).toEqual([
      "first-line-ap-southeast-2",
      "first-line-eu-west-1",
      "first-line-us-east-1",
    ]);
    expect(single.stacks.map((s) => s.name)).toEqual(["first-line"]);
  });

  it("gives every stack its own S3 state, placeholders filled in", () => {
    expect(perRegion.stacks.map((s) => s.json.terraform.backend)).toEqual(
      KEYS_2X2.map((key) => ({
        s3: {
          bucket: "acme-tfstate",
          key: `first-line/first-line-${key}/terraform.tfstate`,
          region: "eu-central-1",
          encrypt: true,
          use_lockfile: true,
        },
      })),
    );
    expect(
      examplePerRegion.stacks.map((s) => (s.json.terraform.backend as { s3: { key: string } }).s3.key),
    ).toEqual([
      "first-line/ap-southeast-2.tfstate",
      "first-line/eu-west-1.tfstate",
      "first-line/us-east-1.tfstate",
    ]);
  });

  it("gives every stack its own Terraform Cloud workspace in the configured project", () => {
    expect(oneAccountCloud.stacks.map((s) => s.json.terraform.cloud)).toEqual(
      ["prod-eu-west-1", "prod-us-east-1"].map((key) => ({
        organization: "acme",
        workspaces: { name: `first-line-${key}`, project: "platform" },
      })),
    );
  });

  it("keeps each stack self-contained: only its region's blocks, its one provider, references inside itself", () => {
    for (const [index, stack] of perRegion.stacks.entries()) {
      const key = KEYS_2X2[index];
      const blocks = allBlocks(stack.json);
      expect(blocks.length).toBeGreaterThan(30);
      expect(blocks.filter((b) => b.region !== key || b.body.provider !== `aws.${key}`)).toEqual([]);
      expect(Object.keys(stack.json.provider)).toEqual(["aws"]);
      const own = new Set(blocks.map((b) => b.address));
      const referenced = referencedAddresses(stack.json);
      expect(referenced.length).toBeGreaterThan(20);
      const foreign = referenced.filter((address) => !own.has(address));
      expect({ stack: stack.name, foreign }).toEqual({ stack: stack.name, foreign: [] });
      expect(blocks.filter((b) => b.type === "terraform_remote_state")).toEqual([]);
    }
    const manifest = JSON.parse(readFileSync(join(perRegion.outdir, "manifest.json"), "utf8")) as {
      stacks: Record<string, { dependencies: string[] }>;
    };
    expect(Object.values(manifest.stacks).map((s) => s.dependencies)).toEqual(KEYS_2X2.map(() => []));
  });

  it("gives every stack its own byte-identical copies of the function zips, the bundles of this synth", async () => {
    const bundles = await bundleFunctions({ projectDir: PROJECT_DIR });
    for (const stack of perRegion.stacks) {
      const functions = allBlocks(stack.json).filter((b) => b.type === "aws_lambda_function");
      expect(functions).toHaveLength(FUNCTION_NAMES.length);
      for (const fn of functions) {
        const file = resolve(stack.stackDir, String(fn.body.filename));
        expect(file.startsWith(`${stack.stackDir}/assets/`)).toBe(true);
        const name = FUNCTION_NAMES.find((n) => fn.path.endsWith(`/${n}/function`));
        expect(name).toBeDefined();
        if (name) expect(readFileSync(file).equals(readFileSync(bundles[name].zipPath))).toBe(true);
      }
    }
  });

  it("synthesizes byte-identical output twice", () => {
    const a = readTree(perRegion.outdir);
    const b = readTree(perRegionAgain.outdir);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    expect([...a.keys()].filter((f) => !a.get(f)?.equals(b.get(f) ?? Buffer.alloc(0)))).toEqual([]);
  });
});

describe("resource addresses inside a region", () => {
  it("are identical in both layouts, with identical bodies (with accounts)", () => {
    const perRegionBlocks = addressed(perRegion.stacks);
    const singleBlocks = addressed(single.stacks);
    expect(perRegionBlocks.size).toBeGreaterThan(100);
    expect([...perRegionBlocks.keys()].sort()).toEqual([...singleBlocks.keys()].sort());
    expect([...perRegionBlocks].filter(([address, body]) => singleBlocks.get(address) !== body)).toEqual([]);
  });

  it("are identical in both layouts, with identical bodies (without accounts)", () => {
    const perRegionBlocks = addressed(examplePerRegion.stacks);
    const singleBlocks = addressed(exampleSingle.stacks);
    expect([...perRegionBlocks.keys()].sort()).toEqual([...singleBlocks.keys()].sort());
    expect([...perRegionBlocks].filter(([address, body]) => singleBlocks.get(address) !== body)).toEqual([]);
  });

  it("and the provider of each region is the same block in both layouts", () => {
    const perRegionProviders = perRegion.stacks.flatMap((s) => s.json.provider.aws);
    expect(perRegionProviders).toEqual(single.json.provider.aws);
  });
});
