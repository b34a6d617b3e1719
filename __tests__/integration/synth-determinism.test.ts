/**
 * DESIGN §5: two synths of the same commit give byte-identical cdktf.out, also from fresh
 * copies in different folders with cold bundle caches.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { FUNCTION_NAMES } from "../../stacks/function-catalog";
import { readZip } from "../../stacks/zip";
import { PROJECT_DIR, readTree, runProcess } from "../../testkit/synth";

jest.setTimeout(120_000);

/** What a fresh clone plus the working tree's new files hold: tracked and untracked, not ignored. */
function sourceFiles(): string[] {
  return execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
    cwd: PROJECT_DIR,
    encoding: "utf8",
  })
    .split("\0")
    .filter((f) => f !== "" && !f.startsWith("node_modules/"));
}

/** Copies the sources into `dir` and links the installed node_modules (as `npm ci` would provide). */
function copyProject(files: readonly string[], dir: string): void {
  for (const file of files) {
    mkdirSync(join(dir, dirname(file)), { recursive: true });
    try {
      copyFileSync(join(PROJECT_DIR, file), join(dir, file));
    } catch (error) {
      // A file deleted from the working tree but still in the index is not part of the tree.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  symlinkSync(join(PROJECT_DIR, "node_modules"), join(dir, "node_modules"));
}

function bareApp(cwd: string, outdir: string): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
  for (const key of ["FIRST_LINE_CONFIG", "CDKTF_CONTEXT_JSON"]) delete env[key];
  return runProcess(process.execPath, ["--import", "tsx", "main.ts"], { cwd, env });
}

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "first-line-determinism-"));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe("synthesis", () => {
  it("gives byte-identical output from two copies in different folders, cold and warm bundle caches alike", async () => {
    const files = sourceFiles();
    expect(files).toContain("main.ts");
    expect(files).toContain("cdktf.json");
    const first = join(work, "clone-one");
    const second = join(work, "elsewhere", "clone-two");
    copyProject(files, first);
    copyProject(files, second);

    const runs = await Promise.all([bareApp(first, "cdktf.out"), bareApp(second, "cdktf.out")]);
    for (const run of runs)
      expect(run).toMatchObject({ code: 0, output: expect.stringContaining("bundled") });
    // The second synth in the first copy reads the bundles the first one cached.
    const warm = await bareApp(first, "warm.out");
    expect(warm).toMatchObject({ code: 0, output: expect.stringContaining("bundle cached") });

    const a = readTree(join(first, "cdktf.out"));
    const b = readTree(join(second, "cdktf.out"));
    const c = readTree(join(first, "warm.out"));
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    expect([...a.keys()].filter((f) => f.endsWith(".zip"))).toHaveLength(FUNCTION_NAMES.length);
    const differing = [...a.keys()].filter((f) => !a.get(f)?.equals(b.get(f) ?? Buffer.alloc(0)));
    expect(differing).toEqual([]);
    expect([...c.keys()].sort()).toEqual([...a.keys()].sort());
    expect([...a.keys()].filter((f) => !a.get(f)?.equals(c.get(f) ?? Buffer.alloc(0)))).toEqual([]);

    // No absolute path in any file, including the bundled code inside the zips.
    const texts = [...a.entries()].flatMap(([file, bytes]) =>
      file.endsWith(".zip") ? readZip(bytes).map((e) => e.data.toString("utf8")) : [bytes.toString("utf8")],
    );
    expect(texts.filter((t) => t.includes(work) || t.includes(PROJECT_DIR))).toEqual([]);
  });
});
