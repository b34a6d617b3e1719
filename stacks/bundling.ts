import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { type BuildOptions, build, version as esbuildVersion } from "esbuild";
import { FUNCTION_NAMES, type FunctionName } from "./function-catalog";
import { deterministicZip } from "./zip";

/** A function bundled and zipped, ready to be a FILE asset. */
export interface FunctionBundle {
  readonly name: FunctionName;
  /** Absolute path of the zip (inside the cache folder). */
  readonly zipPath: string;
  /** base64 SHA-256 of the zip bytes: what Lambda's `source_code_hash` compares. */
  readonly sha256Base64: string;
  /** hex SHA-256 of the zip bytes, used as the asset hash (the folder name in cdktf.out). */
  readonly sha256Hex: string;
  /** Size of the bundled index.js. */
  readonly rawBytes: number;
  readonly zipBytes: number;
}

/** Options of {@link bundleFunctions}. */
export interface BundleOptions {
  /** Project root holding functions/ and package-lock.json. @default the folder above stacks/ */
  readonly projectDir?: string;
  /** Where zips are cached, keyed by the hash of their inputs. @default `<projectDir>/.cache/bundles` */
  readonly cacheDir?: string;
  /** Which functions. @default every function of the catalog */
  readonly names?: readonly FunctionName[];
  /** Called once per function with "cached" or "built", for progress output. */
  readonly onProgress?: (name: FunctionName, how: "cached" | "built") => void;
}

/**
 * esbuild settings, each for a reason:
 * - `@aws-sdk/*` external: the nodejs24.x runtime ships SDK v3 (the AWS CDK's default too), which
 *   keeps bundles small and load times low;
 * - `cpu-features` and `*.node` external: ssh2's optional native speed-ups; without them it falls
 *   back to pure JS, which is what Lambda on arm64 gets anyway;
 * - minified, no source maps, no legal comments: small zips and no absolute paths in the bytes.
 */
const ESBUILD_OPTIONS: BuildOptions = {
  bundle: true,
  platform: "node",
  target: "node24",
  format: "cjs",
  minify: true,
  sourcemap: false,
  legalComments: "none",
  charset: "utf8",
  external: ["@aws-sdk/*", "cpu-features", "*.node"],
  logLevel: "silent",
};

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? listFiles(join(dir, d.name)) : [join(dir, d.name)]))
    .sort();
}

/**
 * Hash of everything a bundle can depend on: all sources under functions/ and contract/ (they
 * share helpers and field rules), the lock file (dependency versions), esbuild's version and
 * options. Paths are relative, so two clones in different folders share a key.
 */
export function sourcesKey(projectDir: string): string {
  const hash = createHash("sha256");
  hash.update(`esbuild ${esbuildVersion}\n${JSON.stringify(ESBUILD_OPTIONS)}\n`);
  const sources = [...listFiles(join(projectDir, "functions")), ...listFiles(join(projectDir, "contract"))];
  for (const file of [...sources, join(projectDir, "package-lock.json")]) {
    hash.update(`${relative(projectDir, file)}\n`);
    hash.update(readFileSync(file));
  }
  return hash.digest("hex").slice(0, 16);
}

function describeZip(name: FunctionName, zipPath: string, rawBytes: number): FunctionBundle {
  const bytes = readFileSync(zipPath);
  const sha256 = createHash("sha256").update(bytes).digest();
  return {
    name,
    zipPath,
    sha256Base64: sha256.toString("base64"),
    sha256Hex: sha256.toString("hex"),
    rawBytes,
    zipBytes: bytes.length,
  };
}

async function bundleOne(projectDir: string, dir: string, name: FunctionName): Promise<number> {
  const out = await build({
    ...ESBUILD_OPTIONS,
    absWorkingDir: projectDir,
    entryPoints: [`functions/${name}/index.ts`],
    write: false,
    outfile: "index.js",
  });
  const js = out.outputFiles?.[0];
  if (!js) throw new Error(`esbuild produced no output for ${name}`);
  const zip = deterministicZip([{ name: "index.js", data: Buffer.from(js.contents) }]);
  // Write then rename so a concurrent or interrupted synth never sees half a zip.
  writeFileSync(join(dir, `${name}.size`), String(js.contents.length));
  const tmp = join(dir, `${name}.zip.${process.pid}.tmp`);
  writeFileSync(tmp, zip);
  renameSync(tmp, join(dir, `${name}.zip`));
  return js.contents.length;
}

/**
 * Bundles each function once (in parallel), zips it deterministically and caches the zips by
 * the sources' hash, so a synth after no source change costs a hash and a read per function.
 */
export async function bundleFunctions(
  options: BundleOptions = {},
): Promise<Record<FunctionName, FunctionBundle>> {
  const projectDir = options.projectDir ?? join(__dirname, "..");
  const cacheRoot = options.cacheDir ?? join(projectDir, ".cache", "bundles");
  const dir = join(cacheRoot, sourcesKey(projectDir));
  mkdirSync(dir, { recursive: true });
  const names = options.names ?? FUNCTION_NAMES;
  const bundles = await Promise.all(
    names.map(async (name) => {
      const zipPath = join(dir, `${name}.zip`);
      const sizePath = join(dir, `${name}.size`);
      if (existsSync(zipPath) && existsSync(sizePath) && statSync(zipPath).size > 0) {
        options.onProgress?.(name, "cached");
        return describeZip(name, zipPath, Number(readFileSync(sizePath, "utf8")));
      }
      const raw = await bundleOne(projectDir, dir, name);
      options.onProgress?.(name, "built");
      return describeZip(name, zipPath, raw);
    }),
  );
  return Object.fromEntries(bundles.map((b) => [b.name, b])) as Record<FunctionName, FunctionBundle>;
}
