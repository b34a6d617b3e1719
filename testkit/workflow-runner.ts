/**
 * Runs the `run:` steps of a GitHub Actions workflow job locally, as the runner would: each
 * script in its own file under the shell the workflow names (`shell: bash` is
 * `bash --noprofile --norc -eo pipefail {0}`; no shell at all is `bash -e {0}`), with the
 * workflow's, the job's and the step's `env`, `${{ }}` expressions replaced by values the test
 * gives, and GITHUB_OUTPUT / GITHUB_ENV files. `uses:` steps are reported, not run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { runProcess } from "../scripts/lib/run-process";

export interface WorkflowStep {
  readonly name?: string;
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly shell?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly with?: Readonly<Record<string, unknown>>;
  readonly "working-directory"?: string;
  readonly if?: string;
}

export interface WorkflowJob {
  readonly steps: readonly WorkflowStep[];
  readonly env?: Readonly<Record<string, string>>;
  readonly defaults?: { readonly run?: { readonly shell?: string } };
  readonly needs?: string | readonly string[];
}

export interface Workflow {
  readonly name: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly defaults?: { readonly run?: { readonly shell?: string } };
  readonly jobs: Readonly<Record<string, WorkflowJob>>;
}

export function readWorkflow(file: string): Workflow {
  return parse(readFileSync(file, "utf8")) as Workflow;
}

/** A step's label in messages: its name, else its first line. */
export function stepLabel(step: WorkflowStep): string {
  return step.name ?? step.uses ?? step.run?.split("\n")[0] ?? "(step)";
}

/** The command line GitHub uses for a shell keyword. */
function shellCommand(shell: string | undefined): string[] {
  if (shell === undefined) return ["bash", "-e"]; // the runner's default on Linux: no pipefail
  if (shell === "bash") return ["bash", "--noprofile", "--norc", "-eo", "pipefail"];
  if (shell === "sh") return ["sh", "-e"];
  throw new Error(`shell "${shell}" is not supported by the local runner`);
}

/** `${{ <expr> }}` -> the value `expressions[<expr>]`; an expression not given is an error. */
export function substitute(text: string, expressions: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_m, expr: string) => {
    const value = expressions[expr];
    if (value === undefined) throw new Error(`no value for the expression \${{ ${expr} }}`);
    return value;
  });
}

export interface StepResult {
  readonly label: string;
  readonly code: number | null;
  readonly output: string;
  /** `name=value` lines the step wrote to GITHUB_OUTPUT. */
  readonly outputs: Readonly<Record<string, string>>;
}

export interface RunStepOptions {
  readonly workflow: Workflow;
  readonly job: WorkflowJob;
  readonly step: WorkflowStep;
  /** The workspace (the checkout). */
  readonly cwd: string;
  /** Values for the `${{ }}` expressions the step's script and env use. */
  readonly expressions?: Readonly<Record<string, string>>;
  /** Extra environment (e.g. PATH with stand-ins). */
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs one `run:` step to completion. */
export function runStep(o: RunStepOptions): Promise<StepResult> {
  const { step } = o;
  if (!step.run) throw new Error(`step "${stepLabel(step)}" has no run script`);
  const expressions = o.expressions ?? {};
  const dir = mkdtempSync(join(tmpdir(), "first-line-step-"));
  const script = join(dir, "step.sh");
  const outputFile = join(dir, "output");
  writeFileSync(script, substitute(step.run, expressions));
  writeFileSync(outputFile, "");
  writeFileSync(join(dir, "env"), "");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...o.env,
    GITHUB_ACTIONS: "true",
    GITHUB_OUTPUT: outputFile,
    GITHUB_ENV: join(dir, "env"),
    GITHUB_WORKSPACE: o.cwd,
  };
  for (const scope of [o.workflow.env, o.job.env, step.env]) {
    for (const [k, v] of Object.entries(scope ?? {})) env[k] = substitute(String(v), expressions);
  }
  const shell = step.shell ?? o.job.defaults?.run?.shell ?? o.workflow.defaults?.run?.shell;
  const [command, ...args] = shellCommand(shell);
  const cwd = step["working-directory"] ? join(o.cwd, step["working-directory"]) : o.cwd;
  return runProcess(command as string, [...args, script], { cwd, env })
    .then(({ code, output }) => {
      const outputs: Record<string, string> = {};
      for (const line of readFileSync(outputFile, "utf8").split("\n")) {
        const m = /^([^=]+)=(.*)$/.exec(line);
        if (m) outputs[m[1] as string] = m[2] as string;
      }
      return { label: stepLabel(step), code, output, outputs };
    })
    .finally(() => rmSync(dir, { recursive: true, force: true }));
}
