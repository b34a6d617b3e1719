/**
 * The copy of a synthesized stack that Terraform validates and plans in tests. Two things
 * differ from what a deploy gets, and both live here:
 *
 * 1. The provider rewrites in {@link PROVIDER_REWRITES}, each with its reason: the offline
 *    mirror's hashicorp/aws is older than the one @cdktf/provider-aws pins. Nothing else of the
 *    synthesized JSON is changed.
 * 2. The test environment, added beside the synthesized file as the override file
 *    {@link TEST_OVERRIDE_FILE} (Terraform merges `*_override.tf.json` over the configuration):
 *    fake credentials and `skip_*` flags per aliased provider, and a local state file in place
 *    of the s3/cloud backend, so the plan touches no remote state. The endpoints are pinned in
 *    the process environment ({@link terraformEnv}).
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compareVersions } from "./terraform-toolchain";

/** The synthesized file, as cdktf names it. */
export const STACK_FILE = "cdk.tf.json";
/** The test environment, merged over the stack by Terraform. */
export const TEST_OVERRIDE_FILE = "first_line_test_override.tf.json";
/** Credentials no AWS account has; only the stand-in ever sees them. */
export const FAKE_ACCESS_KEY_ID = "AKIAFIRSTLINETEST000";
export const FAKE_SECRET_ACCESS_KEY = "first-line-test-secret";

type Json = Record<string, unknown>;
interface TfDocument extends Json {
  terraform?: {
    required_providers?: { aws?: { version?: string } };
    backend?: { s3?: { bucket: string; key: string; region: string } } & Json;
  } & Json;
  provider?: { aws?: readonly ({ alias?: string } & Json)[] };
  resource?: Record<string, Record<string, Json>>;
}

/** What a rewrite knows about the mirror. */
export interface RewriteTarget {
  /** The mirror's hashicorp/aws version. */
  readonly providerVersion: string;
}

/** One change the older mirrored provider needs. */
export interface ProviderRewrite {
  readonly name: string;
  readonly why: string;
  /** Changes `doc` in place; returns how many values it changed. */
  apply(doc: TfDocument, target: RewriteTarget): number;
}

/** The pinned provider version the synthesized stack asks for, when it pins one. */
function pinnedVersion(doc: TfDocument): string | undefined {
  const version = doc.terraform?.required_providers?.aws?.version;
  return typeof version === "string" && /^\d+(\.\d+)*$/.test(version) ? version : undefined;
}

/**
 * Every rewrite of the synthesized JSON, in the order applied (the runtime rewrite reads the
 * synthesized version pin, so it runs before the pin is replaced). Nothing else is rewritten.
 */
export const PROVIDER_REWRITES: readonly ProviderRewrite[] = [
  {
    name: "Lambda runtime nodejs24.x -> nodejs22.x",
    why: "hashicorp/aws 5.x predates nodejs24.x and rejects it in validate; nodejs22.x is the newest runtime it knows. Applied only when the mirror's provider is older than the pinned one; a deploy keeps nodejs24.x (DESIGN §2).",
    apply: (doc, target) => {
      const pinned = pinnedVersion(doc);
      if (pinned === undefined || compareVersions(target.providerVersion, pinned) >= 0) return 0;
      let changed = 0;
      for (const fn of Object.values(doc.resource?.aws_lambda_function ?? {})) {
        if (fn.runtime === "nodejs24.x") {
          fn.runtime = "nodejs22.x";
          changed++;
        }
      }
      return changed;
    },
  },
  {
    name: "aws provider version constraint -> the mirror's version",
    why: "@cdktf/provider-aws pins the hashicorp/aws version it was generated from; init installs only from the offline mirror, which holds another version.",
    apply: (doc, target) => {
      const aws = doc.terraform?.required_providers?.aws;
      if (!aws || aws.version === target.providerVersion) return 0;
      aws.version = target.providerVersion;
      return 1;
    },
  },
];

/** A rewrite that changed something, with how many values. */
export interface AppliedRewrite {
  readonly name: string;
  readonly why: string;
  readonly changes: number;
}

/** Where the copy keeps its state. */
export type TestBackend =
  | { readonly type: "local"; readonly path: string }
  /** The synthesized s3 backend, unchanged (its bucket served by the stand-in: terraform-backend.ts). */
  | { readonly type: "s3"; readonly bucket: string; readonly key: string; readonly region: string };

export interface StackCopy {
  readonly dir: string;
  readonly rewrites: readonly AppliedRewrite[];
  readonly backend: TestBackend;
  /** Aliases of the aws providers, in the synthesized order. */
  readonly providerAliases: readonly string[];
}

/**
 * The test environment for `doc`: a local state file instead of the s3/cloud backend (unless
 * `stateFile` is undefined: the synthesized backend stays), and per aliased provider fake
 * credentials and the `skip_*` flags that keep the provider off the metadata service and from
 * validating the credentials. The account id is still looked up, from the stand-in, as a real
 * plan (and `allowed_account_ids`) does. Region names are not checked against the provider's
 * list: an older mirrored provider predates regions the pinned one knows (5.100 rejects
 * ap-southeast-6), and the configuration already accepts only AWS's region names.
 */
function testEnvironmentOverride(doc: TfDocument, stateFile: string | undefined): Json {
  return {
    ...(stateFile === undefined ? {} : { terraform: { backend: { local: { path: stateFile } } } }),
    provider: {
      aws: (doc.provider?.aws ?? []).map((provider) => ({
        alias: provider.alias,
        access_key: FAKE_ACCESS_KEY_ID,
        secret_key: FAKE_SECRET_ACCESS_KEY,
        skip_credentials_validation: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
      })),
    },
  };
}

export interface CopyOptions {
  /**
   * Keep a synthesized s3 backend as it is, for a stand-in that serves its bucket
   * (terraform-backend.ts); a cloud backend is always replaced. @default false: a local state file
   */
  readonly keepS3Backend?: boolean;
}

/**
 * Copies the stack folder (cdk.tf.json and its assets) to `dir`, applies the provider rewrites
 * and writes the test environment beside it.
 */
export function copyStackForTest(
  stackDir: string,
  dir: string,
  target: RewriteTarget,
  options: CopyOptions = {},
): StackCopy {
  cpSync(stackDir, dir, { recursive: true });
  const file = join(dir, STACK_FILE);
  const doc = JSON.parse(readFileSync(file, "utf8")) as TfDocument;
  const s3 = options.keepS3Backend ? doc.terraform?.backend?.s3 : undefined;
  const backend: TestBackend = s3
    ? { type: "s3", bucket: s3.bucket, key: s3.key, region: s3.region }
    : { type: "local", path: join(dir, "terraform.tfstate") };
  const rewrites = PROVIDER_REWRITES.map((rewrite) => ({
    name: rewrite.name,
    why: rewrite.why,
    changes: rewrite.apply(doc, target),
  })).filter((applied) => applied.changes > 0);
  writeFileSync(file, JSON.stringify(doc, null, 2));
  writeFileSync(
    join(dir, TEST_OVERRIDE_FILE),
    JSON.stringify(
      testEnvironmentOverride(doc, backend.type === "local" ? backend.path : undefined),
      null,
      2,
    ),
  );
  const providerAliases = (doc.provider?.aws ?? []).flatMap((p) => (p.alias ? [p.alias] : []));
  return { dir, rewrites, backend, providerAliases };
}

/**
 * The environment terraform runs in: nothing inherited but PATH and HOME, so no credentials,
 * profile or CLI configuration of the machine applies; every AWS endpoint on the stand-in
 * (`AWS_ENDPOINT_URL`, read by the provider's SDK for every service); a proxy that refuses
 * anything else, so a request that escaped the pinning fails instead of leaving the machine.
 */
export function terraformEnv(standInUrl: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    PATH: base.PATH,
    HOME: base.HOME,
    TF_CLI_CONFIG_FILE: "/dev/null",
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    AWS_ENDPOINT_URL: standInUrl,
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_EC2_METADATA_DISABLED: "true",
    // Go never proxies loopback, so the stand-in stays reachable; port 9 (discard) refuses the rest.
    HTTP_PROXY: "http://127.0.0.1:9",
    HTTPS_PROXY: "http://127.0.0.1:9",
    NO_PROXY: "127.0.0.1,localhost",
  };
}
