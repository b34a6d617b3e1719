/**
 * CDK Terrain (the community fork of the archived cdktf): how a copy of this repository is
 * moved onto it, and which differences between the two synths are expected. Each rewrite is
 * named here with its reason; nothing else is changed.
 */
import { type Difference, leafDiff } from "./value-diff";

/** Package renames: cdktf name -> [CDK Terrain name, pinned version]. */
export const PACKAGE_RENAMES: Readonly<Record<string, readonly [string, string]>> = {
  cdktf: ["cdktn", "0.24.0"],
  "cdktf-cli": ["cdktn-cli", "0.24.0"],
  "@cdktf/provider-aws": ["@cdktn/provider-aws", "25.7.0"],
};

/** One text rewrite, applied to every source file of the copy. */
export interface Rewrite {
  readonly name: string;
  readonly why: string;
  readonly pattern: RegExp;
  readonly replacement: string;
  /** Whether at least one file must match (a rule that no longer applies is a stale rule). */
  readonly required: boolean;
}

export const SOURCE_REWRITES: readonly Rewrite[] = [
  {
    name: "cdktf module specifiers",
    why: "the core library is published as cdktn",
    pattern: /((?:from\s+|require\(|import\()["'])cdktf(\/[^"']*)?(["'])/g,
    replacement: "$1cdktn$2$3",
    required: true,
  },
  {
    name: "@cdktf/provider-aws module specifiers",
    why: "the prebuilt AWS provider is published as @cdktn/provider-aws",
    pattern: /(["'])@cdktf\/provider-aws(\/[^"']*)?(["'])/g,
    replacement: "$1@cdktn/provider-aws$2$3",
    required: true,
  },
  {
    name: "the CLI binary in node_modules/.bin",
    why: "cdktn-cli installs the command cdktn",
    pattern: /(["']\.bin["'],\s*["'])cdktf(["'])/g,
    replacement: "$1cdktn$2",
    required: false,
  },
  {
    name: "the CLI run through npx",
    why: "cdktn-cli installs the command cdktn",
    pattern: /(\[\s*["'])cdktf(["']\s*,\s*["'](?:synth|diff|deploy|destroy|list|get|output)["'])/g,
    replacement: "$1cdktn$2",
    required: false,
  },
  {
    name: "npx cdktf in command strings",
    why: "cdktn-cli installs the command cdktn",
    pattern: /\bnpx cdktf (?=[a-z])/g,
    replacement: "npx cdktn ",
    required: false,
  },
];

/** Files the source rewrites apply to. */
export const REWRITTEN_FILES = /\.(ts|js|cjs|mjs)$/;

/** Files left as they are: they describe the move itself (their cdktf names are data). */
export const NOT_REWRITTEN: readonly string[] = [
  "scripts/lib/cdktn.ts",
  "scripts/cdktn-check.ts",
  "__tests__/unit/tooling-cdktn.test.ts",
];

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
  [key: string]: unknown;
}

/** package.json on CDK Terrain: renamed, pinned packages and `cdktn` in the npm scripts. */
export function rewritePackageJson(text: string): string {
  const pkg = JSON.parse(text) as PackageJson;
  let renamed = 0;
  for (const field of ["dependencies", "devDependencies"] as const) {
    const deps = pkg[field];
    if (!deps) continue;
    const out: Record<string, string> = {};
    for (const [name, version] of Object.entries(deps)) {
      const to = PACKAGE_RENAMES[name];
      if (to) renamed += 1;
      out[to ? to[0] : name] = to ? to[1] : version;
    }
    pkg[field] = Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
  }
  if (renamed !== Object.keys(PACKAGE_RENAMES).length) {
    throw new Error(
      `package.json has ${renamed} of the ${Object.keys(PACKAGE_RENAMES).length} packages to rename (${Object.keys(PACKAGE_RENAMES).join(", ")})`,
    );
  }
  for (const [name, command] of Object.entries(pkg.scripts ?? {})) {
    (pkg.scripts as Record<string, string>)[name] = command.replace(/(^|&& |; )cdktf (?=[a-z])/g, "$1cdktn ");
  }
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** A source file with the rewrites applied, and how often each matched. */
export function rewriteSource(text: string): { text: string; counts: Record<string, number> } {
  const counts: Record<string, number> = {};
  let out = text;
  for (const r of SOURCE_REWRITES) {
    out = out.replace(r.pattern, (...args: string[]) => {
      counts[r.name] = (counts[r.name] ?? 0) + 1;
      return r.replacement.replace(/\$(\d)/g, (_m, i: string) => args[Number(i)] ?? "");
    });
  }
  return { text: out, counts };
}

/** Imports of cdktf packages still left in a rewritten file (each is an error). */
export function leftoverImports(text: string): string[] {
  return [...text.matchAll(/(?:from\s+|require\(|import\()["'](cdktf(?:\/[^"']*)?|@cdktf\/[^"']+)["']/g)].map(
    (m) => m[1] as string,
  );
}

/** The only places where a cdktn synth may differ from the cdktf synth, with the reason. */
export const ALLOWED_SYNTH_DIFFERENCES: Readonly<Record<string, string>> = {
  "//.metadata.version": "the library version cdktf/cdktn records in the stack metadata (0.21.0 -> 0.24.0)",
  "terraform.required_providers.aws.source":
    'the same provider address spelled out ("aws" is short for "hashicorp/aws"); any other address is not allowed',
  "terraform.required_providers.aws.version":
    "the AWS provider constraint each prebuilt provider package pins (@cdktf 21.22.1 -> 6.25.0, @cdktn 25.7.0 -> 6.x)",
};

/**
 * How a cdktn cdk.tf.json differs from the cdktf one: the allowed differences, and the others
 * (any, however small: after the allowed places are set back, the two must be equal text).
 */
export function compareSynths(
  cdktf: Record<string, unknown>,
  cdktn: Record<string, unknown>,
): { allowed: Difference[]; unexpected: Difference[]; equalOtherwise: boolean } {
  const differences = leafDiff(cdktf, cdktn);
  const isAllowed = (d: Difference) =>
    d.path in ALLOWED_SYNTH_DIFFERENCES &&
    (d.path !== "terraform.required_providers.aws.source" ||
      providerAddress(d.before) === providerAddress(d.after));
  const allowed = differences.filter(isAllowed);
  const restored = structuredClone(cdktn);
  for (const path of Object.keys(ALLOWED_SYNTH_DIFFERENCES)) setPath(restored, path, getPath(cdktf, path));
  return {
    allowed,
    unexpected: differences.filter((d) => !isAllowed(d)),
    equalOtherwise: JSON.stringify(restored) === JSON.stringify(cdktf),
  };
}

/** A provider source as Terraform resolves it: `aws` -> `registry.terraform.io/hashicorp/aws`. */
export function providerAddress(source: unknown): string {
  const parts = String(source).toLowerCase().split("/");
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `registry.terraform.io/${parts.join("/")}`;
  return parts.join("/");
}

/** `a.b.c` (the first segment may be `//`). */
const segments = (path: string) => path.split(".");

function getPath(doc: unknown, path: string): unknown {
  return segments(path).reduce<unknown>(
    (v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
    doc,
  );
}

function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  const keys = segments(path);
  let node: Record<string, unknown> | undefined = doc;
  for (const k of keys.slice(0, -1)) {
    const next: unknown = node?.[k];
    node = next && typeof next === "object" ? (next as Record<string, unknown>) : undefined;
  }
  if (!node) return;
  const last = keys[keys.length - 1] as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
}
