/**
 * Synthesis for the security tests, on top of the shared in-process synth helper
 * (`testkit/synth.ts`), returning the JSON in the security tests' own types.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { committedExample, synthConfig as synthShared } from "../../testkit/synth";
import type { TfJson } from "../../testkit/tf-json";

export { PROJECT_DIR } from "../../testkit/synth";

/** A fresh temporary folder; the caller removes it (see {@link removeDir}). */
export function tempDir(prefix = "first-line-security-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Reads the stack's cdk.tf.json out of a synthesized output folder. */
export function readStack(outdir: string, stackName = "first-line"): TfJson {
  return JSON.parse(readFileSync(join(outdir, "stacks", stackName, "cdk.tf.json"), "utf8")) as TfJson;
}

/** Synthesizes the committed example and returns the stack JSON; the caller cleans up. */
export async function synthExample(): Promise<{ tf: TfJson; outdir: string; cleanup: () => void }> {
  const synthesized = await synthShared(committedExample());
  return {
    tf: synthesized.json as unknown as TfJson,
    outdir: synthesized.outdir,
    cleanup: synthesized.cleanup,
  };
}

/** Synthesizes `config` (as `FIRST_LINE_CONFIG`) and returns the stack JSON. */
export async function synthConfig(config: unknown): Promise<TfJson> {
  const synthesized = await synthShared(config);
  try {
    return synthesized.json as unknown as TfJson;
  } finally {
    synthesized.cleanup();
  }
}
