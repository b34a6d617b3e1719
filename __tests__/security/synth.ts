/**
 * In-process synthesis through main.ts's own `synthesize`, into temporary folders, for the
 * security tests. Every call gets its own folder so tests never read each other's output.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { synthesize } from "../../main";
import type { TfJson } from "./tf-json";

/** The project root: where cdktf.json (the committed example) lives. */
export const PROJECT_DIR = resolve(__dirname, "..", "..");

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

/** Synthesizes the committed example (cdktf.json context.firstLine) and returns the stack JSON. */
export async function synthExample(): Promise<{ tf: TfJson; outdir: string; cleanup: () => void }> {
  const dir = tempDir();
  const outdir = join(dir, "cdktf.out");
  await synthesize({ cwd: PROJECT_DIR, env: { CDKTF_OUTDIR: outdir }, log: () => {} });
  return { tf: readStack(outdir), outdir, cleanup: () => removeDir(dir) };
}

/** Writes `config` to a file and synthesizes it as `FIRST_LINE_CONFIG`; returns the stack JSON. */
export async function synthConfig(config: unknown, stackName = "first-line"): Promise<TfJson> {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, "config.json"), JSON.stringify(config));
    await synthesize({
      cwd: dir,
      env: { FIRST_LINE_CONFIG: "config.json", CDKTF_OUTDIR: "out" },
      log: () => {},
    });
    return readStack(join(dir, "out"), stackName);
  } finally {
    removeDir(dir);
  }
}
