/**
 * Reading a cdktf output folder the way cdktf-cli does: the stacks its `manifest.json` lists
 * (one or many; a per-region layout writes one per region), and which region each synthesized
 * resource is created in, through its aliased provider.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** One stack of a synth. */
export interface ManifestStack {
  readonly name: string;
  /** Absolute: the folder holding cdk.tf.json and its assets. */
  readonly dir: string;
  /** Absolute path of cdk.tf.json. */
  readonly file: string;
}

interface Manifest {
  readonly stacks: Readonly<
    Record<
      string,
      { readonly name: string; readonly workingDirectory: string; readonly synthesizedStackPath: string }
    >
  >;
}

/** The stacks `outdir/manifest.json` lists, by name. */
export function manifestStacks(outdir: string): ManifestStack[] {
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as Manifest;
  return Object.values(manifest.stacks)
    .map((stack) => ({
      name: stack.name,
      dir: join(outdir, stack.workingDirectory),
      file: join(outdir, stack.synthesizedStackPath),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

interface StackDocument {
  readonly provider?: { readonly aws?: readonly { readonly alias?: string; readonly region?: string }[] };
  readonly resource?: Readonly<Record<string, Readonly<Record<string, { readonly provider?: string }>>>>;
}

/** Every resource of a synthesized stack with the region of its provider. */
export function synthesizedResources(
  doc: StackDocument,
): { address: string; type: string; region: string }[] {
  const regions = new Map((doc.provider?.aws ?? []).map((p) => [`aws.${p.alias}`, p.region]));
  return Object.entries(doc.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, body]) => {
      const region = regions.get(body.provider ?? "");
      if (region === undefined)
        throw new Error(`${type}.${name}: provider ${body.provider} declares no region`);
      return { address: `${type}.${name}`, type, region };
    }),
  );
}
