/**
 * `npm run test:terraform`: the committed example and the stress configurations
 * (testkit/stress-configs.ts), synthesized as `cdktf synth` does, then every stack of the
 * synth's manifest through the real Terraform and hashicorp/aws provider from the offline
 * mirror (testkit/terraform-check.ts): init, validate, plan -refresh=false against the loopback
 * AWS stand-in, show -json. The plan is read back and compared with what the configuration
 * says. A missing terraform, mirror or provider fails every test, naming the missing piece.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InstanceSettings } from "../../contract/workflow";
import { regionWorkflow } from "../../scripts/lib/region-workflow";
import { validateStateMachineDefinition } from "../../testkit/asl-diagnostics";
import { type AwsCall, AwsStandIn } from "../../testkit/aws-stand-in";
import { placeholdersOf, renderInputTemplate, SAMPLE_ALARM_EVENT } from "../../testkit/input-template";
import { stressConfigs } from "../../testkit/stress-configs";
import { allBlocks, committedExample, type Synthesized, synthConfig, type TfJson } from "../../testkit/synth";
import { manifestStacks, synthesizedResources } from "../../testkit/synth-manifest";
import { checkStack, type StackCheck, stepRun } from "../../testkit/terraform-check";
import { PROVIDER_REWRITES } from "../../testkit/terraform-copy";
import {
  countByRegion,
  nestedBlock,
  type PlannedResource,
  plannedResources,
} from "../../testkit/terraform-plan";
import { findToolchain, type TerraformToolchain } from "../../testkit/terraform-toolchain";

/** CI plans single-layout configurations of at most this many regions: one provider (~0.6 GB) each. */
const MAX_REGIONS = 5;

const CONFIGURATIONS = [
  { name: "committed example (cdktf.json)", raw: committedExample() },
  ...stressConfigs().map(({ name, raw }) => ({ name: `stress: ${name}`, raw })),
];

let toolchain: TerraformToolchain | undefined;
let standIn: AwsStandIn;

beforeAll(async () => {
  standIn = await AwsStandIn.start();
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

/** The instance a synthesized resource belongs to, from its construct path `<stack>/<region>/<instance>/...`. */
function instanceOf(json: TfJson, address: string): { region: string; instanceId: string } {
  const block = allBlocks(json).find((b) => b.address === address);
  const [region = "", instanceId = ""] = (block?.path ?? "").split("/");
  return { region, instanceId };
}

function settingsOf(synth: Synthesized, region: string, instanceId: string): InstanceSettings {
  const settings = synth.config.regions
    .find((r) => r.name === region)
    ?.instances.find((i) => i.settings.instanceId === instanceId)?.settings;
  if (!settings) throw new Error(`no instance ${instanceId} in ${region}`);
  return settings;
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
    const byRegion = Object.entries(countByRegion(planned))
      .map(([region, count]) => `${region} ${count}`)
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
      if (providers.length > MAX_REGIONS) {
        throw new Error(
          `${name}: stack ${stack.name} has ${providers.length} providers, more than CI plans (${MAX_REGIONS}); plan it with npm run bench`,
        );
      }
      checks.push(await checkStack({ toolchain, stack, workDir: work, standInUrl: standIn.url }));
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
  });

  /** Planned resources of every stack, with the stack's synthesized JSON. */
  const plannedOf = (type?: string): (PlannedResource & { json: TfJson })[] =>
    checks.flatMap((c) => {
      const json = stackJson(c);
      return (c.plan ? plannedResources(c.plan) : [])
        .filter((r) => !type || r.type === type)
        .map((r) => ({ ...r, json }));
    });

  it("passes terraform validate and plan in every stack of the manifest", () => {
    expect(checks.length).toBeGreaterThan(0);
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
    expect([...new Set(plannedOf().map((r) => r.region))].sort()).toEqual(
      synth.config.regions.map((r) => r.name),
    );
  });

  it("plans every rule target's input template as exactly the instance's resolved settings", () => {
    const targets = plannedOf("aws_cloudwatch_event_target");
    expect(targets).toHaveLength(synth.config.regions.reduce((n, r) => n + r.instances.length, 0));
    for (const target of targets) {
      const template = String(nestedBlock(target.after.input_transformer)?.input_template);
      const { region, instanceId } = instanceOf(target.json, target.address);

      expect(placeholdersOf(template)).toEqual(["alarmName", "alarmArn", "time"]);
      expect(renderInputTemplate(template, SAMPLE_ALARM_EVENT)).toEqual({
        instance: JSON.parse(JSON.stringify(settingsOf(synth, region, instanceId))),
        alarm: {
          name: SAMPLE_ALARM_EVENT.alarmName,
          arn: SAMPLE_ALARM_EVENT.alarmArn,
          time: SAMPLE_ALARM_EVENT.time,
        },
      });
    }
  });

  it("sends every text an instance configures verbatim (${, %{, quotes, unicode, <time> included)", () => {
    const rawRegions = (raw as { regions: Record<string, { instances: { instanceId: string }[] }> }).regions;
    const targets = plannedOf("aws_cloudwatch_event_target");
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) {
      const template = String(nestedBlock(target.after.input_transformer)?.input_template);
      const rendered = renderInputTemplate(template, SAMPLE_ALARM_EVENT) as { instance: InstanceSettings };
      const { region, instanceId } = instanceOf(target.json, target.address);
      const configured = rawRegions[region]?.instances.find((i) => i.instanceId === instanceId);
      const sent = new Set(stringLeaves(rendered.instance));
      for (const text of stringLeaves(configured))
        expect([instanceId, text, sent.has(text)]).toEqual([instanceId, text, true]);
    }
  });

  it("plans each region's state machine with exactly the definition its configuration gives", () => {
    const machines = plannedOf("aws_sfn_state_machine");
    expect(machines.map((m) => m.region).sort()).toEqual(synth.config.regions.map((r) => r.name));
    for (const machine of machines) {
      expect(JSON.parse(String(machine.after.definition))).toEqual(
        JSON.parse(JSON.stringify(regionWorkflow(synth.config, machine.region).definition)),
      );
    }
  });

  it("had the provider validate those definitions with Step Functions, and asl-validator passes them", () => {
    const validations = calls.filter(
      (c) => c.service === "states" && c.operation === "ValidateStateMachineDefinition",
    );
    expect(validations.map((c) => c.region).sort()).toEqual(synth.config.regions.map((r) => r.name));
    for (const call of validations) {
      const definition = String((call.body as { definition: string }).definition);
      expect(JSON.parse(definition)).toEqual(
        JSON.parse(JSON.stringify(regionWorkflow(synth.config, call.region ?? "").definition)),
      );
      expect(validateStateMachineDefinition({ definition })).toEqual({
        result: "OK",
        diagnostics: [],
        truncated: false,
      });
    }
  });

  it("plans the operator topic and subscriptions where a region names no topic of its own", () => {
    const created = synth.config.regions.filter((r) => r.operatorTopicArn === undefined).map((r) => r.name);
    const topics = plannedOf("aws_sns_topic");
    expect(topics.map((t) => [t.region, t.after.name]).sort()).toEqual(
      created.map((region) => [region, `${synth.config.stackName}-${region}-operator`]),
    );
    const expected = created.flatMap((region) =>
      synth.config.operatorSubscriptions.map((s) => [region, s.protocol, s.endpoint]),
    );
    const planned = plannedOf("aws_sns_topic_subscription").map((s) => [
      s.region,
      s.after.protocol,
      s.after.endpoint,
    ]);
    expect(planned.sort()).toEqual(expected.sort());
  });

  it("plans each region's self-alarm to notify the configured topic, or the created one once it exists", () => {
    for (const region of synth.config.regions) {
      const alarm = plannedOf("aws_cloudwatch_metric_alarm").find(
        (a) => a.region === region.name && String(a.after.alarm_name).endsWith("-first-line-failing"),
      );
      if (region.operatorTopicArn !== undefined) {
        expect([region.name, alarm?.after.alarm_actions]).toEqual([region.name, [region.operatorTopicArn]]);
      } else {
        // The created topic's ARN is known after apply (the whole set is unknown until then); the
        // static rule FL_SAME_REGION checks the topic's region on the synth.
        expect([region.name, alarm?.afterUnknown.alarm_actions]).toEqual([region.name, true]);
      }
    }
  });

  it("asked AWS only what the stand-in answers, in the configured regions", () => {
    expect(calls.length).toBeGreaterThan(0);
    expect(unanswered.map((c) => `${c.service} ${c.operation}`)).toEqual([]);
    expect(failures).toEqual([]);
    const regions = new Set<string>(synth.config.regions.map((r) => r.name));
    expect(calls.filter((c) => !regions.has(c.region ?? ""))).toEqual([]);
  });
});
