/**
 * `npm run test:terraform`: the committed example, the stress configurations
 * (testkit/stress-configs.ts) and the 2-account x 2-region per-region fleet, synthesized as
 * `cdktf synth` does, then every stack of the synth's manifest through the real Terraform and
 * hashicorp/aws provider from the offline mirror (testkit/terraform-check.ts): init, validate,
 * plan -refresh=false against the loopback AWS stand-in (which also serves the s3 backends'
 * buckets, testkit/terraform-backend.ts), show -json. The plan is read back and compared with
 * what the configuration says, per region key (`<region>`, or `<account>-<region>`: the provider
 * alias and construct id; one region name may be in several accounts). A missing terraform,
 * mirror or provider fails every test, naming the missing piece.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InstanceSettings } from "../../contract/workflow";
import { type ResolvedRegion, stacksOf } from "../../stacks/config";
import { assumeRoleSessionName, regionKey } from "../../stacks/naming";
import { regionalWorkflow } from "../../stacks/regional-workflow";
import { validateStateMachineDefinition } from "../../testkit/asl-diagnostics";
import { type AwsCall, AwsStandIn, ok } from "../../testkit/aws-stand-in";
import { placeholdersOf, renderInputTemplate, SAMPLE_ALARM_EVENT } from "../../testkit/input-template";
import { stressConfigs } from "../../testkit/stress-configs";
import { allBlocks, committedExample, type Synthesized, synthConfig, type TfJson } from "../../testkit/synth";
import { manifestStacks, synthesizedResources } from "../../testkit/synth-manifest";
import { type StateBuckets, serveStateBuckets, stateObjectCalls } from "../../testkit/terraform-backend";
import { checkStack, type StackCheck, stepRun } from "../../testkit/terraform-check";
import { FAKE_ACCESS_KEY_ID, PROVIDER_REWRITES } from "../../testkit/terraform-copy";
import { countBy, nestedBlock, type PlannedResource, plannedResources } from "../../testkit/terraform-plan";
import { findToolchain, type TerraformToolchain } from "../../testkit/terraform-toolchain";
import { fleetConfig } from "../fixtures/config/helpers";

/**
 * CI plans stacks of at most this many providers: one provider process (~0.6 GB) each, one
 * terraform at a time. A per-region stack has one, whatever the fleet's size.
 */
const MAX_PROVIDERS = 5;

const CONFIGURATIONS = [
  { name: "committed example (cdktf.json)", raw: committedExample() },
  ...stressConfigs().map(({ name, raw }) => ({ name: `stress: ${name}`, raw })),
  { name: "fleet: 2 accounts x 2 regions, per-region (fleet-2x2.json)", raw: fleetConfig() },
];

let toolchain: TerraformToolchain | undefined;
let standIn: AwsStandIn;
let buckets: StateBuckets;

beforeAll(async () => {
  standIn = await AwsStandIn.start();
  buckets = serveStateBuckets(standIn);
});
afterAll(async () => {
  await standIn?.close();
});

function print(line: string): void {
  process.stdout.write(`terraform: ${line}\n`);
}

/** The stack's synthesized JSON (each stack of a manifest has its own). */
function stackJson(check: StackCheck): TfJson {
  return JSON.parse(readFileSync(check.stack.file, "utf8")) as TfJson;
}

/** The instance a synthesized resource belongs to, from its construct path `<stack>/<region key>/<instance>/...`. */
function instanceOf(json: TfJson, address: string): { key: string; instanceId: string } {
  const block = allBlocks(json).find((b) => b.address === address);
  const [key = "", instanceId = ""] = (block?.path ?? "").split("/");
  return { key, instanceId };
}

/** The configured region with region key `key`. */
function regionOf(synth: Synthesized, key: string): ResolvedRegion {
  const region = synth.config.regions.find((r) => r.key === key);
  if (!region) throw new Error(`no region with key ${key}`);
  return region;
}

/** Every region key of the configuration, sorted. */
const keysOf = (synth: Synthesized) => synth.config.regions.map((r) => r.key).sort();

function settingsOf(synth: Synthesized, key: string, instanceId: string): InstanceSettings {
  const settings = regionOf(synth, key).instances.find((i) => i.settings.instanceId === instanceId)?.settings;
  if (!settings) throw new Error(`no instance ${instanceId} in ${key}`);
  return settings;
}

type RawRegions = Record<string, { instances: { instanceId: string }[] }>;

/** The regions of a raw document by region key: top-level `regions`, or every account's. */
function rawRegionsOf(raw: unknown): Map<string, RawRegions[string]> {
  const doc = raw as { regions?: RawRegions; accounts?: Record<string, { regions: RawRegions }> };
  return new Map([
    ...Object.entries(doc.regions ?? {}),
    ...Object.entries(doc.accounts ?? {}).flatMap(([account, { regions }]) =>
      Object.entries(regions).map(([name, region]) => [regionKey(name, account), region] as const),
    ),
  ]);
}

/** Every string inside a value (object values and list items, recursively). */
function stringLeaves(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringLeaves);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(stringLeaves);
  return [];
}

function report(name: string, checks: readonly StackCheck[]): void {
  for (const check of checks) {
    const where = `${name}, stack ${check.stack.name}`;
    const validate = check.validate
      ? `validate ${check.validate.valid ? "ok" : "FAILED"} (${check.validate.diagnostics.length} diagnostics)`
      : "validate did not run";
    const planned = check.plan ? plannedResources(check.plan) : [];
    const byRegion = Object.entries(countBy(planned, "alias"))
      .map(([key, count]) => `${key} ${count}`)
      .join(", ");
    const plan = check.plan
      ? `plan ${planned.length} to add (${byRegion}) in ${((stepRun(check, "plan")?.durationMs ?? 0) / 1000).toFixed(1)} s`
      : `plan ${check.failure ? "not reached or FAILED" : "missing"}`;
    print(`${where}: ${validate}; ${plan}`);
    for (const rewrite of check.copy.rewrites)
      print(`  rewrite: ${rewrite.name} (${rewrite.changes} ${rewrite.changes === 1 ? "value" : "values"})`);
  }
}

describe.each(CONFIGURATIONS)("$name", ({ name, raw }) => {
  let synth: Synthesized;
  let work: string;
  let checks: StackCheck[] = [];
  let calls: AwsCall[] = [];
  /** The calls made while each stack was checked, by stack name. */
  const callsOf = new Map<string, AwsCall[]>();
  let unanswered: AwsCall[] = [];
  let failures: AwsStandIn["failures"] = [];

  beforeAll(async () => {
    // Every configuration fails on its own when a piece is missing, saying which.
    toolchain ??= findToolchain();
    synth = await synthConfig(raw);
    work = mkdtempSync(join(tmpdir(), "first-line-terraform-"));
    standIn.clearCalls();
    for (const stack of manifestStacks(synth.outdir)) {
      const providers = (JSON.parse(readFileSync(stack.file, "utf8")) as TfJson).provider.aws;
      if (providers.length > MAX_PROVIDERS) {
        throw new Error(
          `${name}: stack ${stack.name} has ${providers.length} providers, more than CI plans in one stack (${MAX_PROVIDERS}); plan it with npm run bench`,
        );
      }
      const before = standIn.calls.length;
      checks.push(
        await checkStack({
          toolchain,
          stack,
          workDir: work,
          standInUrl: standIn.url,
          s3StateOnStandIn: true,
        }),
      );
      callsOf.set(stack.name, standIn.calls.slice(before));
    }
    calls = [...standIn.calls];
    unanswered = [...standIn.unanswered];
    failures = [...standIn.failures];
    report(name, checks);
  });

  afterAll(() => {
    synth?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
    checks = [];
    callsOf.clear();
  });

  /**
   * The region key a provider's call was made for: its region, and the account its credentials
   * identify as (an assumed role's; without accounts the stand-in's own, which names none).
   */
  const keyOfCall = (call: AwsCall): string => {
    const account = synth.config.accounts.find((a) => a.accountId === standIn.callerOf(call).account);
    return regionKey(call.region ?? "", account?.name);
  };
  /** Calls of the providers: everything but the s3 backend's and the role assumption itself. */
  const providerCalls = () =>
    calls.filter((c) => c.service !== "s3" && !(c.service === "sts" && c.operation === "AssumeRole"));

  /** Planned resources of every stack, with the stack's synthesized JSON. */
  const plannedOf = (type?: string): (PlannedResource & { json: TfJson })[] =>
    checks.flatMap((c) => {
      const json = stackJson(c);
      return (c.plan ? plannedResources(c.plan) : [])
        .filter((r) => !type || r.type === type)
        .map((r) => ({ ...r, json }));
    });

  it("passes terraform validate and plan in every stack of the manifest", () => {
    expect(checks.map((c) => c.stack.name).sort()).toEqual(
      stacksOf(synth.config)
        .map((s) => s.name)
        .sort(),
    );
    for (const check of checks) {
      expect({ stack: check.stack.name, failure: check.failure }).toEqual({
        stack: check.stack.name,
        failure: undefined,
      });
      expect(check.validate?.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    }
  });

  it("rewrites only what the older provider needs, each rewrite one of the named ones", () => {
    const names = PROVIDER_REWRITES.map((r) => r.name);
    for (const check of checks) {
      for (const rewrite of check.copy.rewrites) expect(names).toContain(rewrite.name);
    }
  });

  it("plans every synthesized resource, in the region of its provider, and only creates", () => {
    for (const check of checks) {
      const synthesized = synthesizedResources(stackJson(check))
        .map((r) => `${r.region} ${r.address}`)
        .sort();
      const planned = (check.plan ? plannedResources(check.plan) : [])
        .map((r) => `${r.region} ${r.address}`)
        .sort();
      expect(planned).toEqual(synthesized);
    }
    expect(new Set(plannedOf().flatMap((r) => r.actions))).toEqual(new Set(["create"]));
    expect([...new Set(plannedOf().map((r) => `${r.alias} ${r.region}`))].sort()).toEqual(
      synth.config.regions.map((r) => `${r.key} ${r.name}`).sort(),
    );
  });

  it("gives each stack exactly the providers of its regions, planned under their keys", () => {
    for (const stack of stacksOf(synth.config)) {
      const check = checks.find((c) => c.stack.name === stack.name);
      const keys = stack.regions.map((r) => r.key);
      const planned = check?.plan ? plannedResources(check.plan) : [];

      expect([stack.name, check?.copy.providerAliases]).toEqual([stack.name, keys]);
      expect([stack.name, [...new Set(planned.map((r) => r.alias))].sort()]).toEqual([stack.name, keys]);
      if (synth.config.layout === "per-region") expect([stack.name, keys.length]).toEqual([stack.name, 1]);
    }
  });

  it("plans each stack on its own state: the s3 backend reads and locks only that stack's state object", () => {
    const stacks = stacksOf(synth.config);
    const states = new Set<string>();
    for (const stack of stacks) {
      const backendCalls = stateObjectCalls(callsOf.get(stack.name) ?? []);
      if (stack.backend.type !== "s3") {
        // Terraform Cloud cannot be stood in for: its stacks plan on a local state file.
        expect([stack.name, backendCalls]).toEqual([stack.name, []]);
        continue;
      }
      const { bucket, key, region } = stack.backend;
      states.add(`${bucket}/${key}`);
      const objects = new Set(
        backendCalls.flatMap((c) => (c.key === undefined ? [] : [`${c.bucket}/${c.key}`])),
      );
      expect([stack.name, [...objects].sort()]).toEqual([
        stack.name,
        [`${bucket}/${key}`, `${bucket}/${key}.tflock`],
      ]);
      expect(backendCalls.filter((c) => c.region !== region || c.accessKeyId !== FAKE_ACCESS_KEY_ID)).toEqual(
        [],
      );
      expect(backendCalls.filter((c) => c.key === `${key}.tflock`).map((c) => c.operation)).toEqual(
        expect.arrayContaining(["PutObject", "DeleteObject"]),
      );
    }
    expect(states.size).toBe(stacks.filter((s) => s.backend.type === "s3").length);
    // Every lock released, no state written: a plan only reads.
    expect([...buckets.objects.keys()]).toEqual([]);
  });

  it("assumes each account's role with its external id and a first-line session, in every provider", () => {
    const assumed = calls.filter((c) => c.service === "sts" && c.operation === "AssumeRole");
    const asked = assumed.map((c) => {
      const form = c.body as Record<string, string | undefined>;
      return [c.region, form.RoleArn, form.ExternalId ?? null, form.RoleSessionName, c.accessKeyId].join(" ");
    });
    const expected = synth.config.regions.flatMap((r) =>
      r.account === undefined
        ? []
        : [
            [
              r.name,
              r.account.roleArn,
              r.account.externalId ?? null,
              assumeRoleSessionName(synth.config.stackName, r.name),
              FAKE_ACCESS_KEY_ID,
            ].join(" "),
          ],
    );

    expect([...new Set(asked)].sort()).toEqual([...new Set(expected)].sort());
    for (const call of assumed)
      expect(String((call.body as { RoleSessionName?: string }).RoleSessionName)).toMatch(/^first-line/);
    // Every other call of a provider is made as its account's role (or, without accounts, with
    // the long-term keys), in its region: allowed_account_ids saw the role's account.
    expect([...new Set(providerCalls().map(keyOfCall))].sort()).toEqual(keysOf(synth));
  });

  it("plans every rule target's input template as exactly the instance's resolved settings", () => {
    const targets = plannedOf("aws_cloudwatch_event_target");
    expect(targets).toHaveLength(synth.config.regions.reduce((n, r) => n + r.instances.length, 0));
    for (const target of targets) {
      const template = String(nestedBlock(target.after.input_transformer)?.input_template);
      const { key, instanceId } = instanceOf(target.json, target.address);

      expect([key, target.alias]).toEqual([target.alias, key]);
      expect(placeholdersOf(template)).toEqual(["alarmName", "alarmArn", "time"]);
      expect(renderInputTemplate(template, SAMPLE_ALARM_EVENT)).toEqual({
        instance: JSON.parse(JSON.stringify(settingsOf(synth, key, instanceId))),
        alarm: {
          name: SAMPLE_ALARM_EVENT.alarmName,
          arn: SAMPLE_ALARM_EVENT.alarmArn,
          time: SAMPLE_ALARM_EVENT.time,
        },
      });
    }
  });

  it("plans every instance's rule ENABLED or DISABLED as its enabled setting says, keeping its other resources", () => {
    const rules = plannedOf("aws_cloudwatch_event_rule");
    expect(rules).toHaveLength(synth.config.regions.reduce((n, r) => n + r.instances.length, 0));
    for (const rule of rules) {
      const { key, instanceId } = instanceOf(rule.json, rule.address);
      const instance = regionOf(synth, key).instances.find((i) => i.settings.instanceId === instanceId);
      expect([key, instanceId, rule.after.state]).toEqual([
        key,
        instanceId,
        instance?.enabled ? "ENABLED" : "DISABLED",
      ]);
    }
    // A disabled instance keeps its alarm and target: only the rule stops sending.
    const planned = (type: string) => plannedOf(type).map((r) => instanceOf(r.json, r.address).instanceId);
    for (const region of synth.config.regions) {
      for (const { settings } of region.instances) {
        expect(planned("aws_cloudwatch_metric_alarm")).toContain(settings.instanceId);
        expect(planned("aws_cloudwatch_event_target")).toContain(settings.instanceId);
      }
    }
  });

  it("sends every text an instance configures verbatim (${, %{, quotes, unicode, <time> included)", () => {
    const rawRegions = rawRegionsOf(raw);
    const targets = plannedOf("aws_cloudwatch_event_target");
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) {
      const template = String(nestedBlock(target.after.input_transformer)?.input_template);
      const rendered = renderInputTemplate(template, SAMPLE_ALARM_EVENT) as { instance: InstanceSettings };
      const { key, instanceId } = instanceOf(target.json, target.address);
      const configured = rawRegions.get(key)?.instances.find((i) => i.instanceId === instanceId);
      expect([key, instanceId, configured === undefined]).toEqual([key, instanceId, false]);
      const sent = new Set(stringLeaves(rendered.instance));
      for (const text of stringLeaves(configured))
        expect([instanceId, text, sent.has(text)]).toEqual([instanceId, text, true]);
    }
  });

  /** The workflow the region with key `key` deploys, as stacks/regional-workflow gives it. */
  const workflowOf = (key: string) => regionalWorkflow(synth.config.stackName, regionOf(synth, key));

  it("plans each region's state machine with exactly the definition its configuration gives", () => {
    const machines = plannedOf("aws_sfn_state_machine");
    expect(machines.map((m) => m.alias).sort()).toEqual(keysOf(synth));
    for (const machine of machines) {
      const workflow = workflowOf(machine.alias);
      expect([machine.alias, machine.region, machine.after.name]).toEqual([
        machine.alias,
        regionOf(synth, machine.alias).name,
        workflow.stateMachineName,
      ]);
      expect(JSON.parse(String(machine.after.definition))).toEqual(
        JSON.parse(JSON.stringify(workflow.definition)),
      );
    }
  });

  it("had the provider validate those definitions with Step Functions, and asl-validator passes them", () => {
    const validations = calls.filter(
      (c) => c.service === "states" && c.operation === "ValidateStateMachineDefinition",
    );
    expect(validations.map(keyOfCall).sort()).toEqual(keysOf(synth));
    for (const call of validations) {
      const definition = String((call.body as { definition: string }).definition);
      expect(JSON.parse(definition)).toEqual(
        JSON.parse(JSON.stringify(workflowOf(keyOfCall(call)).definition)),
      );
      expect(validateStateMachineDefinition({ definition })).toEqual({
        result: "OK",
        diagnostics: [],
        truncated: false,
      });
    }
  });

  it("plans the operator topic and subscriptions where a region names no topic of its own, per account", () => {
    const created = synth.config.regions.filter((r) => r.operatorTopicArn === undefined);
    const topics = plannedOf("aws_sns_topic");
    expect(topics.map((t) => [t.alias, t.region, t.after.name]).sort()).toEqual(
      created.map((r) => [r.key, r.name, `${synth.config.stackName}-${r.name}-operator`]).sort(),
    );
    const expected = created.flatMap((r) =>
      synth.config.operatorSubscriptions.map((s) => [r.key, r.name, s.protocol, s.endpoint]),
    );
    const planned = plannedOf("aws_sns_topic_subscription").map((s) => [
      s.alias,
      s.region,
      s.after.protocol,
      s.after.endpoint,
    ]);
    expect(planned.sort()).toEqual(expected.sort());
  });

  it("plans each region's self-alarm to notify the configured topic, or the created one once it exists", () => {
    for (const region of synth.config.regions) {
      const alarms = plannedOf("aws_cloudwatch_metric_alarm").filter(
        (a) => a.alias === region.key && String(a.after.alarm_name).endsWith("-first-line-failing"),
      );
      expect([region.key, alarms.length]).toEqual([region.key, 1]);
      const [alarm] = alarms;
      if (region.operatorTopicArn !== undefined) {
        expect([region.key, alarm?.after.alarm_actions]).toEqual([region.key, [region.operatorTopicArn]]);
      } else {
        // The created topic's ARN is known after apply (the whole set is unknown until then); the
        // static rule FL_SAME_REGION checks the topic's region on the synth.
        expect([region.key, alarm?.afterUnknown.alarm_actions]).toEqual([region.key, true]);
      }
    }
  });

  it("asked AWS only what the stand-in answers, each provider in its own region and account", () => {
    expect(calls.length).toBeGreaterThan(0);
    expect(unanswered.map((c) => `${c.service} ${c.operation}`)).toEqual([]);
    expect(failures).toEqual([]);
    const keys = new Set(keysOf(synth));
    expect(providerCalls().filter((c) => !keys.has(keyOfCall(c)))).toEqual([]);
  });
});

describe("the wrong-account guard (allowed_account_ids), on one stack of the fleet", () => {
  /** An account the fleet does not name. */
  const OTHER_ACCOUNT = "999999999999";
  const STACK = "first-line-staging-us-east-1";
  let synth: Synthesized | undefined;
  let work: string | undefined;
  let wrong: AwsStandIn | undefined;

  afterAll(async () => {
    synth?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
    await wrong?.close();
  });

  it("fails the plan when the assumed role's credentials belong to another account, before anything is read", async () => {
    toolchain ??= findToolchain();
    synth = await synthConfig(fleetConfig());
    work = mkdtempSync(join(tmpdir(), "first-line-terraform-"));
    // The role is assumed, but its credentials identify as another account: what happens when
    // a pipeline's credentials lead somewhere the configuration does not name.
    wrong = await AwsStandIn.start();
    wrong.on("sts", "GetCallerIdentity", () =>
      ok({
        UserId: "AROAFIRSTLINEOTHER000:first-line",
        Account: OTHER_ACCOUNT,
        Arn: `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/first-line-deploy/first-line`,
      }),
    );
    const stack = manifestStacks(synth.outdir).find((s) => s.name === STACK);
    if (!stack) throw new Error(`no stack ${STACK}`);
    const check = await checkStack({ toolchain, stack, workDir: work, standInUrl: wrong.url });
    print(
      `wrong-account guard, stack ${STACK}: plan ${check.failure?.includes("not allowed") ? "refused" : "NOT refused"} in ${((stepRun(check, "plan")?.durationMs ?? 0) / 1000).toFixed(1)} s`,
    );

    expect(check.steps.map((s) => [s.step, s.ok])).toEqual([
      ["init -backend=false", true],
      ["validate", true],
      ["init", true],
      ["plan", false],
    ]);
    expect(check.failure).toContain(`AWS account ID not allowed: ${OTHER_ACCOUNT}`);
    expect(wrong.callsTo("sts", "AssumeRole").map((c) => (c.body as { RoleArn: string }).RoleArn)).toContain(
      "arn:aws:iam::222222222222:role/ci/first-line-deploy",
    );
    // Refused at the identity check: no other API was asked anything.
    expect(wrong.calls.filter((c) => c.service !== "sts" && c.service !== "iam")).toEqual([]);
  });
});
