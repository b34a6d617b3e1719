/**
 * Reads a synthesized output folder (`cdktf.out`) the way cdktf itself lists it: the stacks
 * come from `manifest.json` (never from a guessed folder or stack name), each stack's
 * resources and data sources from its `cdk.tf.json`, and each block's region from the aliased
 * provider it names (`provider = "aws.<alias>"`).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export type Json = Record<string, unknown>;

/** Label of blocks that belong to no aliased provider (stack-wide). */
export const STACK_WIDE = "(stack)";

/** One resource or data source of a synthesized stack. */
export interface Block {
  /** `aws_x.name` or `data.aws_x.name`: the Terraform address. */
  readonly address: string;
  /** `aws_x`, or `data.aws_x` for a data source. */
  readonly type: string;
  /** The provider alias the block uses (the region, or `<account>-<region>`), or STACK_WIDE. */
  readonly region: string;
  /** Construct path below the region, e.g. `i-0123/cpu-alarm` (below the stack for stack-wide blocks). */
  readonly path: string;
  readonly body: Json;
}

/** One synthesized stack. */
export interface SynthStack {
  readonly name: string;
  /** Its cdk.tf.json. */
  readonly file: string;
  /** Provider aliases, sorted. */
  readonly regions: readonly string[];
  /** Provider alias -> the AWS region it is configured for. */
  readonly awsRegionOf: ReadonlyMap<string, string>;
  /** `terraform.backend`: where the stack's state lives (a change moves the state). */
  readonly backend: Json | undefined;
  readonly blocks: readonly Block[];
}

interface Manifest {
  readonly stacks: Readonly<
    Record<
      string,
      { readonly name?: string; readonly synthesizedStackPath: string; readonly workingDirectory?: string }
    >
  >;
}

/** The stacks `manifest.json` lists: name, cdk.tf.json path, and the folder Terraform runs in. */
export function manifestStacks(outdir: string): { name: string; file: string; dir: string }[] {
  const manifestFile = join(outdir, "manifest.json");
  if (!existsSync(manifestFile)) {
    throw new Error(
      `${manifestFile} does not exist: ${outdir} is not a synthesized output (run the synth first: npx cdktf synth)`,
    );
  }
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Manifest;
  return Object.entries(manifest.stacks ?? {})
    .map(([key, s]) => ({
      name: s.name ?? key,
      file: join(outdir, s.synthesizedStackPath),
      dir: join(outdir, s.workingDirectory ?? dirname(s.synthesizedStackPath)),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** cdktf's unique ids end in an 8-hex-digit hash of the construct path. */
const ID_HASH = /_[0-9A-F]{8}$/;

/** A block's path below its region, from its cdktf metadata or, lacking that, its name. */
function pathBelow(body: Json, name: string, region: string): string {
  const metadata = (body["//"] as Json | undefined)?.metadata as Json | undefined;
  const segments = String(metadata?.path ?? "")
    .split("/")
    .slice(1);
  if (segments.length > 0 && segments[0] !== "") {
    return (segments[0] === region ? segments.slice(1) : segments).join("/");
  }
  return pathFromName(name, region);
}

/**
 * The construct path below the region recovered from a cdktf resource name
 * (`eu-west-1_i-0123_cpu-alarm_3BFFA64B` -> `i-0123/cpu-alarm`): plan JSON has no metadata.
 */
export function pathFromName(name: string, region: string): string {
  const withoutHash = name.replace(ID_HASH, "");
  const below = withoutHash.startsWith(`${region}_`) ? withoutHash.slice(region.length + 1) : withoutHash;
  return below.split("_").join("/");
}

/** Parses one stack's cdk.tf.json. */
export function readStack(name: string, file: string): SynthStack {
  const doc = JSON.parse(readFileSync(file, "utf8")) as Json;
  const providers = ((doc.provider as Json | undefined)?.aws ?? []) as { alias?: string; region?: string }[];
  const awsRegionOf = new Map<string, string>();
  for (const p of providers) if (p.alias) awsRegionOf.set(p.alias, p.region ?? p.alias);
  const blocks: Block[] = [];
  for (const kind of ["resource", "data"] as const) {
    const byType = (doc[kind] ?? {}) as Record<string, Record<string, Json>>;
    for (const [type, byName] of Object.entries(byType)) {
      for (const [blockName, body] of Object.entries(byName)) {
        const alias = /^aws\.(.+)$/.exec(String(body.provider ?? ""))?.[1];
        const region = alias && awsRegionOf.has(alias) ? alias : STACK_WIDE;
        blocks.push({
          address: kind === "data" ? `data.${type}.${blockName}` : `${type}.${blockName}`,
          type: kind === "data" ? `data.${type}` : type,
          region,
          path: pathBelow(body, blockName, region),
          body,
        });
      }
    }
  }
  const backend = (doc.terraform as Json | undefined)?.backend as Json | undefined;
  return { name, file, regions: [...awsRegionOf.keys()].sort(), awsRegionOf, backend, blocks };
}

/** Reads every stack of a cdktf output folder, in manifest order (sorted by name). */
export function readSynth(outdir: string, onProgress: (line: string) => void = () => {}): SynthStack[] {
  return manifestStacks(outdir).map(({ name, file }) => {
    if (!existsSync(file)) throw new Error(`${file} (stack "${name}" in manifest.json) does not exist`);
    onProgress(`reading ${file}`);
    const stack = readStack(name, file);
    onProgress(`${name}: ${stack.blocks.length} blocks in ${stack.regions.length} region(s)`);
    return stack;
  });
}

/** A block's settings without cdktf's `//` metadata: what Terraform receives. */
export function settingsOf(body: Json): Json {
  const { "//": _metadata, ...rest } = body;
  return rest;
}
