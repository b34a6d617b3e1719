/**
 * Finding what `npm run test:terraform` and the bench need: the terraform binary and an offline
 * provider mirror holding hashicorp/aws (a folder with `registry.terraform.io/hashicorp/aws/
 * <version>/<os>_<arch>/`). Whatever is missing is named, with where it was looked for: the
 * tests fail on it, never skip.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { REQUIRED_TERRAFORM_VERSION } from "../stacks/first-line-stack";

/** Names the provider mirror, the folder holding `registry.terraform.io`. */
export const PLUGIN_DIR_ENV = "FIRST_LINE_TF_PLUGIN_DIR";

export interface TerraformToolchain {
  /** Absolute path of the terraform binary. */
  readonly terraform: string;
  /** e.g. "1.11.4". */
  readonly terraformVersion: string;
  /** The mirror: the folder holding `registry.terraform.io`. */
  readonly pluginDir: string;
  /** The newest hashicorp/aws version in the mirror for this platform, e.g. "5.100.0". */
  readonly awsProviderVersion: string;
}

/** A piece of the toolchain is missing; the message says which and how to provide it. */
export class MissingToolchainError extends Error {
  override readonly name = "MissingToolchainError";
}

const AWS_PROVIDER = join("registry.terraform.io", "hashicorp", "aws");
/** Where a machine keeps mirrors: the folders Terraform itself searches, and a shallow look at the rest. */
const SEARCH_ROOTS = [
  join(homedir(), ".terraform.d", "plugins"),
  join(homedir(), ".local", "share", "terraform", "plugins"),
  "/usr/local/share/terraform/plugins",
  "/usr/share/terraform/plugins",
  "/",
];
const SEARCH_DEPTH = 3;
const SKIPPED = new Set(["/proc", "/sys", "/dev", "/run"]);

/** Terraform's `<os>_<arch>` for this machine. */
export function terraformPlatform(): string {
  const arch =
    { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" }[process.arch as string] ?? process.arch;
  return `${process.platform}_${arch}`;
}

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Folders named `registry.terraform.io` under `root`, at most SEARCH_DEPTH levels down. */
function registryFoldersUnder(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = join(dir, entry);
      if (SKIPPED.has(full)) continue;
      try {
        if (!statSync(full).isDirectory()) continue;
      } catch {
        continue;
      }
      if (entry === "registry.terraform.io") found.push(dir);
      else if (depth < SEARCH_DEPTH) walk(full, depth + 1);
    }
  };
  walk(root, 1);
  return found;
}

/** hashicorp/aws versions in `pluginDir` that have a build for this platform, newest first. */
export function awsProviderVersions(pluginDir: string): string[] {
  const dir = join(pluginDir, AWS_PROVIDER);
  if (!existsSync(dir)) return [];
  const platform = terraformPlatform();
  return readdirSync(dir)
    .filter((version) => {
      const build = join(dir, version, platform);
      return existsSync(build) && readdirSync(build).some((f) => f.startsWith("terraform-provider-aws"));
    })
    .sort((a, b) => compareVersions(b, a));
}

/** Compares dotted numeric versions ("5.100.0" > "5.99.1"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map(Number);
  const pb = b.split(/[.-]/).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function findPluginDir(env: NodeJS.ProcessEnv): string {
  const named = env[PLUGIN_DIR_ENV];
  if (named) {
    if (!existsSync(join(named, AWS_PROVIDER))) {
      throw new MissingToolchainError(
        `provider mirror: ${PLUGIN_DIR_ENV}=${named} holds no ${AWS_PROVIDER}; point it at the folder that holds registry.terraform.io`,
      );
    }
    return named;
  }
  for (const root of SEARCH_ROOTS) {
    const withAws = registryFoldersUnder(root).find((dir) => existsSync(join(dir, AWS_PROVIDER)));
    if (withAws) return withAws;
  }
  throw new MissingToolchainError(
    `provider mirror: no folder holding ${AWS_PROVIDER} under ${SEARCH_ROOTS.join(", ")} (${SEARCH_DEPTH} levels deep); set ${PLUGIN_DIR_ENV} to the folder that holds registry.terraform.io`,
  );
}

/**
 * The terraform binary (on PATH), its version, the provider mirror ({@link PLUGIN_DIR_ENV}, else
 * searched) and the newest hashicorp/aws in it for this platform.
 * @throws MissingToolchainError naming the missing piece
 */
export function findToolchain(env: NodeJS.ProcessEnv = process.env): TerraformToolchain {
  const terraform = findOnPath("terraform", env);
  if (!terraform) {
    throw new MissingToolchainError(
      `terraform binary: not found on PATH (${env.PATH ?? ""}); install Terraform ${REQUIRED_TERRAFORM_VERSION} and put it on PATH`,
    );
  }
  const version = spawnSync(terraform, ["version", "-json"], {
    encoding: "utf8",
    env: { PATH: env.PATH, TF_CLI_CONFIG_FILE: "/dev/null", CHECKPOINT_DISABLE: "1" },
  });
  const terraformVersion = (() => {
    try {
      return String((JSON.parse(version.stdout) as { terraform_version: string }).terraform_version);
    } catch {
      throw new MissingToolchainError(
        `terraform binary: ${terraform} did not report a version (${version.stderr.trim() || `exit ${version.status}`})`,
      );
    }
  })();
  const pluginDir = findPluginDir(env);
  const [awsProviderVersion] = awsProviderVersions(pluginDir);
  if (!awsProviderVersion) {
    throw new MissingToolchainError(
      `provider version: ${join(pluginDir, AWS_PROVIDER)} has no version built for ${terraformPlatform()} (expected <version>/${terraformPlatform()}/terraform-provider-aws_*)`,
    );
  }
  return { terraform, terraformVersion, pluginDir, awsProviderVersion };
}
