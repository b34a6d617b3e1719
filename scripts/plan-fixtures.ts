/**
 * `npm run plan-fixtures -- [--out <dir>] [--keep]`
 *
 * Regenerates the real-plan fixtures of the review summary's tests (`__tests__/fixtures/plans`,
 * see its README) with the real Terraform and AWS provider from the offline mirror, against the
 * loopback AWS stand-in (testkit/terraform-check.ts; no network, no credentials):
 *
 *   base = the committed example, only eu-west-1 and us-east-1
 *   create.json    the base, empty state
 *   (the state the base leaves once applied: stateFromCreatePlan, settled by planning the base
 *    against it until the plan is empty; testkit/terraform-state.ts)
 *   update.json    settings changed        replace.json   the DLQ names edited in the synth
 *   destroy.json   an instance removed     rename.json    stackName first-line -> edge
 *
 * each trimmed to what the summary reads (testkit/terraform-plan.ts trimPlanForFixture). Rerun
 * it whenever the synth's shape changes (a resource, a function, a name).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { deadLetterQueueName, regionalName } from "../stacks/naming";
import { AwsStandIn } from "../testkit/aws-stand-in";
import { runInOwnGroup } from "../testkit/process-group";
import { committedExample, PROJECT_DIR, type Synthesized, synthConfig } from "../testkit/synth";
import { type ManifestStack, manifestStacks } from "../testkit/synth-manifest";
import { checkStack } from "../testkit/terraform-check";
import { STACK_FILE } from "../testkit/terraform-copy";
import { trimPlanForFixture } from "../testkit/terraform-plan";
import {
  type FullPlanJson,
  type ProviderSchemas,
  pendingChanges,
  rederive,
  settleState,
  stateFromCreatePlan,
  type TerraformState,
} from "../testkit/terraform-state";
import { findToolchain, type TerraformToolchain } from "../testkit/terraform-toolchain";
import { runCommand } from "./lib/command";

const FIXTURES = join(PROJECT_DIR, "__tests__", "fixtures", "plans");
/** The base configuration's regions. */
const REGIONS = ["eu-west-1", "us-east-1"] as const;
/** Plans of the base against the built state before giving up on it settling. */
const MAX_SETTLE_PLANS = 6;

type Raw = Record<string, unknown> & {
  stackName?: string;
  defaults: Record<string, Record<string, unknown>>;
  regions: Record<string, { instances: Record<string, unknown>[] } & Record<string, unknown>>;
};

const log = (line: string) => process.stderr.write(`plan-fixtures: ${line}\n`);

/** The committed example restricted to {@link REGIONS}: every fixture's base. */
function baseConfig(): Raw {
  const raw = committedExample() as Raw;
  raw.regions = Object.fromEntries(
    REGIONS.map((region) => {
      const config = raw.regions[region];
      if (!config) throw new Error(`the committed example has no region ${region}`);
      return [region, config];
    }),
  );
  return raw;
}

/** One instance of the base by region and position; throws naming it when the example changed. */
function instanceOf(raw: Raw, region: string, index: number): Record<string, unknown> {
  const instance = raw.regions[region]?.instances[index];
  if (!instance) throw new Error(`the committed example's ${region} has no instance #${index + 1}`);
  return instance;
}

/** What each variant changes in the base, described for the README and the log. */
const VARIANTS = {
  update:
    "defaults.alarm.threshold 99 -> 95, defaults.restart.settleSeconds 90 -> 120, eu-west-1's instance restart.method -> stop-start",
  destroy: "us-east-1's second instance removed",
  rename: "stackName first-line -> edge",
  replace: "the synthesized DLQ names edited -dlq -> -dead-letters (queue names are ForceNew)",
} as const;

function updated(): Raw {
  const raw = baseConfig();
  raw.defaults.alarm = { ...raw.defaults.alarm, threshold: 95 };
  raw.defaults.restart = { ...raw.defaults.restart, settleSeconds: 120 };
  const instance = instanceOf(raw, "eu-west-1", 0);
  instance.restart = { ...(instance.restart as object | undefined), method: "stop-start" };
  return raw;
}

function destroyed(): Raw {
  const raw = baseConfig();
  instanceOf(raw, "us-east-1", 1);
  const region = raw.regions["us-east-1"] as Raw["regions"][string];
  region.instances = region.instances.slice(0, 1);
  return raw;
}

function renamed(): Raw {
  return { ...baseConfig(), stackName: "edge" };
}

/**
 * The base stack with every DLQ name `<stack>-<region>-dlq` edited to `-dead-letters` in its
 * synthesized JSON (a code change, not a configuration one), copied to `dir`.
 */
function withRenamedQueues(base: ManifestStack, stackName: string, dir: string): ManifestStack {
  const copy = { name: base.name, dir, file: join(dir, STACK_FILE) };
  // The whole folder: the JSON's asset paths are relative to it.
  cpSync(base.dir, dir, { recursive: true });
  let text = readFileSync(copy.file, "utf8");
  let edits = 0;
  for (const region of REGIONS) {
    // The queue's name as the regional construct gives it, as a whole value (not a longer name).
    const name = new RegExp(`(?<![\\w-])${deadLetterQueueName(stackName, region)}(?![\\w-])`, "g");
    text = text.replace(name, () => {
      edits++;
      return regionalName(stackName, region, "dead-letters");
    });
  }
  if (edits === 0)
    throw new Error(`no DLQ name <stack>-<region>-dlq in ${base.file}: pick another ForceNew edit`);
  writeFileSync(copy.file, text);
  log(`replace: ${edits} DLQ name(s) edited in the synthesized JSON`);
  return copy;
}

/** Runs terraform on stacks one at a time against one stand-in, each in a folder of its own. */
class Planner {
  constructor(
    private readonly toolchain: TerraformToolchain,
    private readonly standIn: AwsStandIn,
    private readonly work: string,
  ) {}

  /** The plan of `stack` from `priorState` (none: empty), as `terraform show -json` gives it. */
  async plan(
    label: string,
    stack: ManifestStack,
    priorState?: TerraformState,
  ): Promise<FullPlanJson & Record<string, unknown>> {
    this.standIn.clearCalls();
    const check = await checkStack({
      toolchain: this.toolchain,
      stack,
      workDir: join(this.work, label),
      standInUrl: this.standIn.url,
      ...(priorState ? { priorState } : {}),
    });
    if (check.failure || !check.plan) throw new Error(`${label}: ${check.failure ?? "no plan"}`);
    if (this.standIn.unanswered.length > 0 || this.standIn.failures.length > 0) {
      const calls = [...this.standIn.unanswered, ...this.standIn.failures.map((f) => f.call)];
      throw new Error(
        `${label}: the stand-in could not answer ${calls.map((c) => `${c.service} ${c.operation}`).join(", ")}`,
      );
    }
    return check.plan as unknown as FullPlanJson & Record<string, unknown>;
  }

  /** `terraform providers schema -json` in the initialized copy of an earlier plan. */
  async schemas(label: string, stack: ManifestStack): Promise<ProviderSchemas> {
    const run = await runInOwnGroup(this.toolchain.terraform, ["providers", "schema", "-json"], {
      cwd: join(this.work, label, stack.name),
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TF_CLI_CONFIG_FILE: "/dev/null",
        CHECKPOINT_DISABLE: "1",
      },
      timeoutMs: 10 * 60_000,
    });
    if (run.code !== 0) throw new Error(`terraform providers schema exited ${run.code}: ${run.stderr}`);
    return JSON.parse(run.stdout) as ProviderSchemas;
  }
}

/** The state the base leaves once applied: built from the create plan, settled until its plan is empty. */
async function deployedState(
  planner: Planner,
  base: ManifestStack,
  create: FullPlanJson,
  accountId: string,
): Promise<TerraformState> {
  const schemas = await planner.schemas("create", base);
  const regionOf = new Map(
    Object.values(create.configuration.provider_config ?? {}).flatMap((p) =>
      p.alias && typeof p.expressions?.region?.constant_value === "string"
        ? [[p.alias, p.expressions.region.constant_value] as const]
        : [],
    ),
  );
  let state = stateFromCreatePlan(create, schemas, { accountId, lineageSeed: "first-line plan fixtures" });
  for (let round = 1; ; round++) {
    const plan = await planner.plan(`settle-${round}`, base, state);
    const pending = pendingChanges(plan);
    log(`settling the state, plan ${round}: ${pending.length} change(s) left`);
    if (pending.length === 0) break;
    if (round === MAX_SETTLE_PLANS) {
      throw new Error(
        `the state did not settle in ${MAX_SETTLE_PLANS} plans; still:\n  ${pending.join("\n  ")}`,
      );
    }
    state = settleState(state, plan);
  }
  state = rederive(state, (alias) => regionOf.get(alias) ?? "", accountId);
  const verify = pendingChanges(await planner.plan("verify", base, state));
  if (verify.length > 0)
    throw new Error(`the settled state plans changes after all:\n  ${verify.join("\n  ")}`);
  log("the state plans no change: every difference in the fixtures comes from the change alone");
  return state;
}

async function main(out: string, keep: boolean): Promise<number> {
  const toolchain = findToolchain();
  const work = mkdtempSync(join(tmpdir(), "first-line-plan-fixtures-"));
  const standIn = await AwsStandIn.start();
  const synths: Synthesized[] = [];
  const synth = async (raw: Raw) => {
    const s = await synthConfig(raw);
    synths.push(s);
    const [stack, ...more] = manifestStacks(s.outdir);
    if (!stack || more.length > 0) throw new Error("the fixtures' base must synthesize one stack");
    return stack;
  };
  type Plan = Awaited<ReturnType<Planner["plan"]>>;
  const write = (name: string, plan: Plan) => {
    const file = join(out, `${name}.json`);
    const trimmed = trimPlanForFixture(plan);
    writeFileSync(file, `${JSON.stringify(trimmed, null, 1)}\n`);
    log(`wrote ${relative(process.cwd(), file)}: ${pendingChanges(plan).length} change(s)`);
  };
  try {
    log(
      `terraform ${toolchain.terraformVersion}, hashicorp/aws ${toolchain.awsProviderVersion} from ${toolchain.pluginDir}`,
    );
    mkdirSync(out, { recursive: true });
    const baseRaw = baseConfig();
    const base = await synth(baseRaw);
    const planner = new Planner(toolchain, standIn, work);

    const create = await planner.plan("create", base);
    write("create", create);
    const state = await deployedState(planner, base, create, standIn.accountId);

    for (const [name, raw] of [
      ["update", updated()],
      ["destroy", destroyed()],
      ["rename", renamed()],
    ] as const) {
      log(`${name}: ${VARIANTS[name]}`);
      write(name, await planner.plan(name, await synth(raw), state));
    }
    log(`replace: ${VARIANTS.replace}`);
    const queues = withRenamedQueues(base, baseRaw.stackName ?? "first-line", join(work, "replace-synth"));
    write("replace", await planner.plan("replace", queues, state));
    return 0;
  } finally {
    await standIn.close();
    for (const s of synths) s.cleanup();
    if (keep) log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

runCommand(
  {
    invocation: "npm run plan-fixtures --",
    name: "plan-fixtures",
    description:
      "Regenerates the real-plan fixtures of the summary's tests (__tests__/fixtures/plans: create, update,\n" +
      "replace, destroy, rename) with the real terraform and hashicorp/aws provider from the offline mirror,\n" +
      "against the loopback AWS stand-in (no network, no credentials). Rerun it whenever the synth's shape\n" +
      "changes. Takes a few minutes: about ten plans, one at a time.",
    options: {
      out: {
        type: "string",
        placeholder: "dir",
        description: "where to write them (default: __tests__/fixtures/plans)",
      },
      keep: {
        type: "boolean",
        description: "keep the work folder (stack copies, states, plans) and print its path",
      },
    },
    notes: [
      "Needs terraform on PATH and the provider mirror (FIRST_LINE_TF_PLUGIN_DIR, as npm run test:terraform).",
      "Exit 1 when a plan fails or the built state does not settle, saying which.",
    ],
  },
  (args) => main(args.out ?? FIXTURES, args.keep ?? false),
);
