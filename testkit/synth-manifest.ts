/**
 * Reading a cdktf output folder: the stacks its `manifest.json` lists (the reviewer tools'
 * reader, one for the repository), and which region each synthesized resource is created in,
 * through its aliased provider.
 */
import { manifestStacks } from "../scripts/lib/synth-output";

/** One stack of a synth: its name, cdk.tf.json (`file`) and the folder Terraform runs in (`dir`). */
export type ManifestStack = ReturnType<typeof manifestStacks>[number];
export { manifestStacks };

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
