/**
 * A copy of the repository's working tree (what git tracks plus new files it does not ignore:
 * never node_modules, cdktf.out or caches) in another folder, for steps that must run on a
 * tree of their own: the pipeline test and the CDK Terrain check.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, lstatSync, mkdirSync, readlinkSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";

/** The files `git ls-files` lists (tracked and untracked-but-not-ignored), relative paths. */
export function repositoryFiles(projectDir: string): string[] {
  const listed = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: projectDir,
    encoding: "utf8",
  });
  // Files deleted in the working tree are still in the index: copy what exists.
  return [...new Set(listed.split("\0").filter((f) => f && existsSync(join(projectDir, f))))].sort();
}

/** Copies those files (modes kept, symlinks as symlinks) from `projectDir` into `target`. */
export function copyRepository(projectDir: string, target: string): string[] {
  const files = repositoryFiles(projectDir);
  for (const file of files) {
    const from = join(projectDir, file);
    const to = join(target, file);
    mkdirSync(dirname(to), { recursive: true });
    if (lstatSync(from).isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else copyFileSync(from, to);
  }
  return files;
}
