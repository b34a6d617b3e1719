/**
 * One synthesized stack through the real Terraform, as a pipeline without state access would
 * run it, against the loopback AWS stand-in:
 *
 *   copy (terraform-copy.ts) -> init -backend=false -> validate
 *     -> init (the copy's backend) -> plan -refresh=false -out -> show -json
 *
 * `-backend=false` is all validate needs; plan needs an initialized backend: the local state file
 * the test override puts in place of s3/cloud (initializing it is offline), or on request the
 * stack's own s3 backend with its bucket on the stand-in (terraform-backend.ts). Each
 * terraform runs in its own process group, ended as a group afterwards; the steps run one after
 * another and stop at the first failure, which is reported with terraform's own output.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type GroupRun, runInOwnGroup } from "./process-group";
import type { ManifestStack } from "./synth-manifest";
import { s3BackendConfigArgs } from "./terraform-backend";
import { copyStackForTest, type StackCopy, terraformEnv } from "./terraform-copy";
import type { PlanJson } from "./terraform-plan";
import type { TerraformToolchain } from "./terraform-toolchain";

export type StepName = "init -backend=false" | "validate" | "init" | "plan" | "show";

export interface StepResult {
  readonly step: StepName;
  readonly ok: boolean;
  readonly run: GroupRun;
}

/** One diagnostic of `terraform validate -json`. */
export interface ValidateDiagnostic {
  readonly severity: "error" | "warning";
  readonly summary: string;
  readonly detail?: string;
}

export interface StackCheck {
  readonly stack: ManifestStack;
  readonly copy: StackCopy;
  readonly steps: readonly StepResult[];
  /** Present once validate ran. */
  readonly validate?: { readonly valid: boolean; readonly diagnostics: readonly ValidateDiagnostic[] };
  /** Present once show ran. */
  readonly plan?: PlanJson;
  /** The step that failed, with terraform's output; undefined when every step passed. */
  readonly failure?: string;
}

export interface CheckOptions {
  readonly toolchain: TerraformToolchain;
  readonly stack: ManifestStack;
  /** An empty folder for the copy. */
  readonly workDir: string;
  readonly standInUrl: string;
  /**
   * Plan with the stack's own s3 backend, its bucket served by the stand-in (terraform-backend.ts
   * `serveStateBuckets` must be installed on it); a cloud backend still becomes a local state.
   * @default false: a local state file
   */
  readonly s3StateOnStandIn?: boolean;
  /**
   * The state the plan starts from (a state file's JSON), written to the copy's local state file
   * before the plan; not with `s3StateOnStandIn`. @default none: an empty state
   */
  readonly priorState?: unknown;
  /** Sample the providers' memory during plan (see GroupRun.peakRssBytes). @default false */
  readonly sampleProviderRss?: boolean;
  /** @default 20 minutes per step */
  readonly stepTimeoutMs?: number;
}

const PROVIDER_EXECUTABLE = "terraform-provider-aws";

/** Runs the pipeline on one stack; never throws for a Terraform failure (see `failure`). */
export async function checkStack(options: CheckOptions): Promise<StackCheck> {
  const { toolchain, stack } = options;
  const dir = join(options.workDir, stack.name);
  const copy = copyStackForTest(
    stack.dir,
    dir,
    { providerVersion: toolchain.awsProviderVersion },
    { keepS3Backend: options.s3StateOnStandIn ?? false },
  );
  if (options.priorState !== undefined && copy.backend.type !== "local") {
    throw new Error(`${stack.name}: a prior state needs the local backend`);
  }
  const env = terraformEnv(options.standInUrl);
  const steps: StepResult[] = [];
  const plugins = `-plugin-dir=${toolchain.pluginDir}`;

  const run = async (step: StepName, args: string[], okCodes: readonly number[] = [0]) => {
    const result = await runInOwnGroup(toolchain.terraform, args, {
      cwd: dir,
      env,
      timeoutMs: options.stepTimeoutMs ?? 20 * 60_000,
      ...(step === "plan" && options.sampleProviderRss ? { sampleRssOf: PROVIDER_EXECUTABLE } : {}),
    });
    const ok = !result.timedOut && result.code !== null && okCodes.includes(result.code);
    steps.push({ step, ok, run: result });
    return result;
  };
  /** The failure of `step`: the summary when given, else terraform's own output. */
  const failed = (step: StepName, result: GroupRun, summary?: string) => {
    const how = result.timedOut ? "timed out" : `exited ${result.code}`;
    const detail = summary ?? `\n${result.stderr}${result.stdout}`.trimEnd();
    return { stack, copy, steps, failure: `terraform ${step} in ${dir} ${how}${detail}` };
  };

  const initNoBackend = await run("init -backend=false", [
    "init",
    "-backend=false",
    plugins,
    "-input=false",
    "-no-color",
  ]);
  if (!steps.at(-1)?.ok) return failed("init -backend=false", initNoBackend);

  // validate -json exits 1 for an invalid configuration and still prints its diagnostics.
  const validateRun = await run("validate", ["validate", "-json", "-no-color"], [0, 1]);
  let validate: StackCheck["validate"];
  try {
    const parsed = JSON.parse(validateRun.stdout) as { valid: boolean; diagnostics?: ValidateDiagnostic[] };
    validate = { valid: parsed.valid, diagnostics: parsed.diagnostics ?? [] };
  } catch {
    return failed("validate", validateRun);
  }
  if (!validate.valid) {
    const errors = validate.diagnostics
      .filter((d) => d.severity === "error")
      .map((d) => `  ${d.summary}${d.detail ? `: ${d.detail}` : ""}`)
      .join("\n");
    return { ...failed("validate", validateRun, `: the configuration is invalid:\n${errors}`), validate };
  }

  const backendConfig = copy.backend.type === "s3" ? s3BackendConfigArgs() : [];
  const init = await run("init", ["init", plugins, "-input=false", "-no-color", ...backendConfig]);
  if (!steps.at(-1)?.ok) return { ...failed("init", init), validate };

  // After init: init would take a state already at the default path for an earlier implicit
  // local backend and "migrate" it onto itself, leaving it empty.
  if (options.priorState !== undefined && copy.backend.type === "local") {
    writeFileSync(copy.backend.path, JSON.stringify(options.priorState));
  }
  const planFile = join(dir, "plan.tfplan");
  const plan = await run("plan", ["plan", "-refresh=false", "-input=false", "-no-color", `-out=${planFile}`]);
  if (!steps.at(-1)?.ok) return { ...failed("plan", plan), validate };

  const show = await run("show", ["show", "-json", "-no-color", planFile]);
  if (!steps.at(-1)?.ok) return { ...failed("show", show), validate };
  return { stack, copy, steps, validate, plan: JSON.parse(show.stdout) as PlanJson };
}

/** The run of `step`, if it ran. */
export function stepRun(check: StackCheck, step: StepName): GroupRun | undefined {
  return check.steps.find((s) => s.step === step)?.run;
}
