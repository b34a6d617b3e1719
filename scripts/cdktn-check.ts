/**
 * `npm run cdktn-check [-- --work <dir>] [--keep]`
 *
 * Proves first-line runs on CDK Terrain (cdktn, the community fork of the archived cdktf):
 * copies the repository to a temporary folder, renames the packages (cdktf -> cdktn 0.24.0,
 * cdktf-cli -> cdktn-cli, @cdktf/provider-aws -> @cdktn/provider-aws 25.7.0), rewrites imports
 * and the CLI name in scripts and tests (scripts/lib/cdktn.ts lists every rewrite), installs
 * from the npm registry, typechecks, runs the unit test project, synthesizes the example with
 * `cdktn synth`, and compares each stack's cdk.tf.json with this checkout's cdktf synth:
 * only the metadata version and the AWS provider constraint may differ. Needs Node >= 22.19
 * (cdktn's engines); CI runs it on its Node 24.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { copyRepository } from "../testkit/repo-copy";
import {
  ALLOWED_SYNTH_DIFFERENCES,
  compareSynths,
  leftoverImports,
  NOT_REWRITTEN,
  REWRITTEN_FILES,
  rewritePackageJson,
  rewriteSource,
  SOURCE_REWRITES,
} from "./lib/cdktn";
import { runCommand } from "./lib/command";
import { manifestStacks } from "./lib/synth-output";
import { describeDifference } from "./lib/value-diff";

const PROJECT = resolve(__dirname, "..");
const MIN_NODE = [22, 19];

const log = (line: string) => process.stderr.write(`cdktn-check: ${line}\n`);

/** Runs a command in `cwd`, its output passed through; rejects naming it when it fails. */
function step(
  what: string,
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<void> {
  const started = Date.now();
  log(`${what}: ${command} ${args.join(" ")}`);
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      cwd,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, CHECKPOINT_DISABLE: "1", CI: "true", ...env },
    });
    child.on("error", fail);
    child.on("close", (code) => {
      if (code === 0) {
        log(`${what}: ok (${((Date.now() - started) / 1000).toFixed(0)} s)`);
        done();
      } else fail(new Error(`${what} failed (exit ${code}): ${command} ${args.join(" ")} in ${cwd}`));
    });
  });
}

/** Rewrites the copy in place; returns the files changed. Throws on a stale rule or a leftover import. */
function rewriteCopy(copy: string, files: readonly string[]): string[] {
  writeFileSync(
    join(copy, "package.json"),
    rewritePackageJson(readFileSync(join(copy, "package.json"), "utf8")),
  );
  rmSync(join(copy, "package-lock.json"), { force: true });
  const changed = ["package.json", "package-lock.json (removed: npm resolves cdktn's tree)"];
  const totals: Record<string, number> = {};
  const leftovers: string[] = [];
  for (const file of files.filter((f) => REWRITTEN_FILES.test(f) && !NOT_REWRITTEN.includes(f))) {
    const path = join(copy, file);
    const before = readFileSync(path, "utf8");
    const { text, counts } = rewriteSource(before);
    for (const [rule, n] of Object.entries(counts)) totals[rule] = (totals[rule] ?? 0) + n;
    if (text !== before) {
      writeFileSync(path, text);
      changed.push(file);
    }
    for (const left of leftoverImports(text)) leftovers.push(`${file}: "${left}"`);
  }
  for (const r of SOURCE_REWRITES) {
    log(`rewrite "${r.name}" (${r.why}): ${totals[r.name] ?? 0} place(s)`);
    if (r.required && !totals[r.name])
      throw new Error(`rewrite "${r.name}" matched nothing: the rule is stale`);
  }
  if (leftovers.length) throw new Error(`cdktf imports left after the rewrite:\n  ${leftovers.join("\n  ")}`);
  return changed;
}

/** cdk.tf.json of every stack in an output folder, by stack name. */
function stacksOf(outdir: string): Map<string, Record<string, unknown>> {
  return new Map(
    manifestStacks(outdir).map((s) => [
      s.name,
      JSON.parse(readFileSync(s.file, "utf8")) as Record<string, unknown>,
    ]),
  );
}

runCommand(
  {
    invocation: "npm run cdktn-check --",
    name: "cdktn-check",
    description:
      "Proves first-line runs on CDK Terrain: a rewritten copy (cdktn 0.24.0, cdktn-cli, @cdktn/provider-aws\n" +
      "25.7.0) is installed, typechecked, unit-tested and synthesized, and its cdk.tf.json compared with\n" +
      "this checkout's cdktf synth: only the metadata version and the AWS provider constraint may differ.",
    options: {
      work: {
        type: "string",
        placeholder: "dir",
        description: "where to build the copy (default: a new temporary folder)",
      },
      keep: { type: "boolean", description: "keep the copy afterwards (default: removed)" },
    },
    notes: [
      `Needs Node >= ${MIN_NODE.join(".")} (cdktn's engines) and the npm registry. Exit 1 on any failing`,
      "step or unexpected difference, printing it.",
    ],
  },
  async (args) => {
    const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
    if (major < (MIN_NODE[0] as number) || (major === MIN_NODE[0] && minor < (MIN_NODE[1] as number))) {
      throw new Error(
        `Node ${process.versions.node}: cdktn 0.24 needs Node >= ${MIN_NODE.join(".")}; run with Node 22.19+ or 24 first on PATH`,
      );
    }
    const work = args.work ? resolve(args.work) : mkdtempSync(join(tmpdir(), "first-line-cdktn-"));
    const copy = join(work, "repo");
    if (existsSync(copy)) rmSync(copy, { recursive: true, force: true });
    try {
      const files = copyRepository(PROJECT, copy);
      log(`copied ${files.length} files to ${copy}`);
      const changed = rewriteCopy(copy, files);
      log(`rewrote ${changed.length} files: ${changed.join(", ")}`);
      await step("install", "npm", ["install", "--no-audit", "--no-fund"], copy);
      await step("typecheck", "npm", ["run", "typecheck"], copy);
      await step("unit tests", "npx", ["jest", "--ci", "--selectProjects", "unit"], copy);
      await step("cdktn synth", "npx", ["cdktn", "synth", "--output", join(work, "cdktn.out")], copy);
      // The app itself, as `cdktf synth` runs it (cdktf.json "app"): the CLI adds nothing to
      // cdk.tf.json, and its node-pty need not be built for the Node running this check.
      await step("cdktf synth (this checkout)", process.execPath, ["--import", "tsx", "main.ts"], PROJECT, {
        CDKTF_OUTDIR: join(work, "cdktf.out"),
      });

      const before = stacksOf(join(work, "cdktf.out"));
      const after = stacksOf(join(work, "cdktn.out"));
      if ([...before.keys()].join() !== [...after.keys()].join()) {
        throw new Error(
          `the stacks differ: cdktf ${[...before.keys()].join(", ")}; cdktn ${[...after.keys()].join(", ")}`,
        );
      }
      let failed = false;
      for (const [name, cdktf] of before) {
        const result = compareSynths(cdktf, after.get(name) as Record<string, unknown>);
        for (const d of result.allowed) {
          log(`${name}: allowed: ${describeDifference(d)} (${ALLOWED_SYNTH_DIFFERENCES[d.path]})`);
        }
        if (result.unexpected.length > 0 || !result.equalOtherwise) {
          failed = true;
          process.stdout.write(`cdktn-check: ${name}: cdk.tf.json differs beyond the allowed places:\n`);
          for (const d of result.unexpected) process.stdout.write(`  ${describeDifference(d)}\n`);
          if (result.unexpected.length === 0)
            process.stdout.write('  (empty values differ: null, "", [] or {})\n');
        }
      }
      if (failed) return 1;
      log(
        `every stack's cdk.tf.json equals the cdktf synth but for: ${Object.keys(ALLOWED_SYNTH_DIFFERENCES).join(", ")}`,
      );
      return 0;
    } finally {
      if (!args.keep && !args.work) rmSync(work, { recursive: true, force: true });
      else log(`kept ${work}`);
    }
  },
);
