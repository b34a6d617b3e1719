/**
 * `npm run summary`: Markdown for a pull-request comment, read from the synthesized output
 * (cdktf.out) alone: regions, instances with their checks (from each rule target's input
 * template), resources per region and type, every IAM `Resource: "*"` grant with its reason,
 * the state machine as a Mermaid diagram generated from the ASL, and, against a base output,
 * the resources added, removed and changed per region.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { InstanceSettings } from "../../functions/shared/contracts";
import { WILDCARD_ALLOW_LIST } from "../../stacks/iam";
import { terraformLiteralValue } from "../../stacks/terraform-literal";
import type { AslDefinition } from "../../stacks/workflow";
import { aslGraph } from "./asl-graph";
import { toMermaid } from "./mermaid";

type Json = Record<string, unknown>;

/** One resource or data source of a synthesized stack. */
export interface Block {
  /** `aws_x.name` or `data.aws_x.name`. */
  readonly address: string;
  readonly type: string;
  /** The regional construct's id (the region), or `(stack)` for blocks outside every region. */
  readonly region: string;
  /** Construct path below the region, e.g. `i-0123/cpu-alarm`. */
  readonly path: string;
  readonly body: Json;
}

/** One synthesized stack (`cdktf.out/stacks/<name>/cdk.tf.json`). */
export interface SynthStack {
  readonly name: string;
  readonly file: string;
  readonly regions: readonly string[];
  readonly blocks: readonly Block[];
}

/** Reads every stack of a cdktf output folder. */
export function readSynth(outdir: string, onProgress: (line: string) => void = () => {}): SynthStack[] {
  const stacksDir = join(outdir, "stacks");
  if (!existsSync(stacksDir)) {
    throw new Error(`${stacksDir} does not exist: run the synth first (npx cdktf synth or npm run synth)`);
  }
  return readdirSync(stacksDir)
    .sort()
    .filter((name) => existsSync(join(stacksDir, name, "cdk.tf.json")))
    .map((name) => {
      const file = join(stacksDir, name, "cdk.tf.json");
      onProgress(`reading ${file}`);
      const doc = JSON.parse(readFileSync(file, "utf8")) as Json;
      const providers = ((doc.provider as Json | undefined)?.aws ?? []) as { alias?: string }[];
      const regions = providers.flatMap((p) => (p.alias ? [p.alias] : [])).sort();
      const blocks: Block[] = [];
      for (const kind of ["resource", "data"] as const) {
        for (const [type, byName] of Object.entries(
          (doc[kind] ?? {}) as Record<string, Record<string, Json>>,
        )) {
          for (const [blockName, body] of Object.entries(byName)) {
            const segments = String(
              ((body["//"] as Json | undefined)?.metadata as Json | undefined)?.path ?? "",
            ).split("/");
            const inRegion = regions.includes(segments[1] ?? "");
            blocks.push({
              address: kind === "data" ? `data.${type}.${blockName}` : `${type}.${blockName}`,
              type: kind === "data" ? `data.${type}` : type,
              region: inRegion ? (segments[1] as string) : "(stack)",
              path: segments.slice(inRegion ? 2 : 1).join("/"),
              body,
            });
          }
        }
      }
      onProgress(`${name}: ${blocks.length} blocks in ${regions.length} region(s)`);
      return { name, file, regions, blocks };
    });
}

/**
 * The workflow input a rule target's template describes. EventBridge fills the `<alarmName>`,
 * `<alarmArn>` and `<time>` placeholders (unquoted in the template) with JSON strings; here they
 * become strings of their own names so the template parses.
 */
export function parseInputTemplate(template: string): { instance: InstanceSettings } {
  // As Terraform evaluates it first: configured text arrives escaped ($${, %%{).
  const filled = terraformLiteralValue(template).replace(/<(alarmName|alarmArn|time)>/g, '"<$1>"');
  return JSON.parse(filled) as { instance: InstanceSettings };
}

/** One instance as its rule target and CPU alarm configure it. */
export interface InstanceSummary {
  readonly region: string;
  readonly settings: InstanceSettings;
  readonly alarm?: Json;
}

export function instancesOf(stack: SynthStack): InstanceSummary[] {
  return stack.blocks
    .filter((b) => b.type === "aws_cloudwatch_event_target")
    .map((b) => {
      const transformer = b.body.input_transformer as { input_template?: string } | undefined;
      const { instance } = parseInputTemplate(String(transformer?.input_template ?? "{}"));
      const alarm = stack.blocks.find(
        (a) =>
          a.type === "aws_cloudwatch_metric_alarm" &&
          a.region === b.region &&
          a.path === `${instance.instanceId}/cpu-alarm`,
      );
      return { region: b.region, settings: instance, ...(alarm ? { alarm: alarm.body } : {}) };
    })
    .sort((x, y) =>
      `${x.region} ${x.settings.instanceId}`.localeCompare(`${y.region} ${y.settings.instanceId}`),
    );
}

/** One IAM grant on `Resource: "*"`. */
export interface WildcardGrant {
  readonly region: string;
  readonly policy: string;
  readonly action: string;
  readonly reason: string;
}

export function wildcardGrants(stack: SynthStack): WildcardGrant[] {
  const out: WildcardGrant[] = [];
  for (const b of stack.blocks.filter((x) => x.type === "aws_iam_role_policy")) {
    const doc = JSON.parse(String(b.body.policy)) as { Statement: { Action: unknown; Resource: unknown }[] };
    for (const s of doc.Statement) {
      const resources = ([] as unknown[]).concat(s.Resource);
      if (!resources.includes("*")) continue;
      for (const action of ([] as unknown[]).concat(s.Action).map(String)) {
        out.push({
          region: b.region,
          policy: String(b.body.name ?? b.address),
          action,
          reason: WILDCARD_ALLOW_LIST[action] ?? "NOT IN THE ALLOW-LIST (stacks/iam.ts)",
        });
      }
    }
  }
  return out;
}

/** Each region's state machine definition, parsed (Terraform references stay inside strings). */
export function definitionsOf(stack: SynthStack): Map<string, AslDefinition> {
  const out = new Map<string, AslDefinition>();
  for (const b of stack.blocks.filter((x) => x.type === "aws_sfn_state_machine")) {
    out.set(b.region, JSON.parse(String(b.body.definition)) as AslDefinition);
  }
  return out;
}

/** Markdown table cell: pipes and newlines would break the row. */
function cell(value: unknown): string {
  return String(value).replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function table(header: readonly string[], rows: readonly (readonly unknown[])[]): string[] {
  return [
    `| ${header.map(cell).join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ];
}

function checksText(s: InstanceSettings) {
  const url = s.url
    ? `\`${s.url.address}\` expect ${s.url.expectStatus}${s.url.expectBody ? ` + body "${s.url.expectBody}"` : ""}, ${s.url.timeoutSeconds} s`
    : "—";
  const route53 = s.route53 ? `\`${s.route53.healthCheckId}\` ≥ ${s.route53.minHealthyShare}` : "—";
  const ssh = s.ssh
    ? `${s.ssh.mode} ${s.ssh.user}@${s.ssh.host ?? "(instance IP)"}:${s.ssh.port}, ${s.ssh.hostKeySha256.length} pinned key(s)`
    : "—";
  const r = s.restart;
  const restart = `${r.method}, settle ${r.settleSeconds} s, poll ${r.pollSeconds} s × ${r.maxPolls}, cooldown ${r.cooldownMinutes} min`;
  return { url, route53, ssh, restart };
}

function alarmText(alarm: Json | undefined): string {
  if (!alarm) return "—";
  return `${alarm.statistic} ≥ ${alarm.threshold}% over ${alarm.evaluation_periods}×${alarm.period} s`;
}

/** The summary of one synthesized stack. */
export function summaryMarkdown(stack: SynthStack): string {
  const out: string[] = [];
  const instances = instancesOf(stack);
  const resources = stack.blocks.filter((b) => !b.type.startsWith("data."));
  out.push(`## first-line: stack \`${stack.name}\``);
  out.push("");
  out.push(
    `${stack.regions.length} region(s), ${instances.length} instance(s), ${resources.length} resource(s).`,
  );
  out.push("", "### Regions", "");
  out.push(
    ...table(
      ["Region", "Instances", "Resources"],
      stack.regions.map((r) => [
        r,
        instances
          .filter((i) => i.region === r)
          .map((i) => i.settings.instanceId)
          .join(", "),
        resources.filter((b) => b.region === r).length,
      ]),
    ),
  );
  out.push("", "### Instances and checks", "");
  out.push(
    ...table(
      ["Region", "Instance", "URL", "Route 53", "SSH", "Restart", "CPU alarm"],
      instances.map((i) => {
        const c = checksText(i.settings);
        return [
          i.region,
          `\`${i.settings.instanceId}\``,
          c.url,
          c.route53,
          c.ssh,
          c.restart,
          alarmText(i.alarm),
        ];
      }),
    ),
  );
  const types = [...new Set(resources.map((b) => b.type))].sort();
  const columns = [...stack.regions, ...(resources.some((b) => b.region === "(stack)") ? ["(stack)"] : [])];
  out.push("", "### Resources per region and type", "");
  out.push(
    ...table(
      ["Type", ...columns],
      types.map((t) => [
        t,
        ...columns.map((r) => resources.filter((b) => b.type === t && b.region === r).length),
      ]),
    ),
  );
  const grants = wildcardGrants(stack);
  out.push("", '### IAM `Resource: "*"`', "");
  if (grants.length === 0) out.push('No statement grants anything on `"*"`.');
  else {
    // One row per action: the same grant recurs in every region and several roles.
    const actions = [...new Set(grants.map((g) => g.action))];
    const prefix = (g: WildcardGrant) => `${stack.name}-${g.region}-`;
    out.push(
      ...table(
        ["Action", "Roles (policy name after `<stack>-<region>-`)", "Regions", "Why"],
        actions.map((action) => {
          const of = grants.filter((g) => g.action === action);
          const roles = [...new Set(of.map((g) => g.policy.replace(prefix(g), "")))].sort();
          const regions = [...new Set(of.map((g) => g.region))].sort();
          return [
            `\`${action}\``,
            roles.join(", "),
            regions.length === stack.regions.length ? "all" : regions.join(", "),
            (of[0] as WildcardGrant).reason,
          ];
        }),
      ),
    );
  }
  out.push("", "### Workflow", "");
  const definitions = definitionsOf(stack);
  // Regions differ only in ARNs and timeouts: one diagram per distinct shape.
  const shapes = new Map<string, { regions: string[]; definition: AslDefinition }>();
  for (const [region, definition] of definitions) {
    const g = aslGraph(definition);
    const key = JSON.stringify([g.nodes.map((n) => [n.name, n.type]), g.edges]);
    const entry = shapes.get(key) ?? { regions: [], definition };
    entry.regions.push(region);
    shapes.set(key, entry);
  }
  for (const { regions, definition } of shapes.values()) {
    const g = aslGraph(definition);
    out.push(
      `State machine of ${regions.length === definitions.size ? "every region" : regions.join(", ")}: ` +
        `${g.nodes.length} states, ${g.edges.length} transitions (generated from the synthesized ASL).`,
    );
    out.push("", "```mermaid", toMermaid(definition, g).trimEnd(), "```", "");
  }
  return `${out.join("\n").trimEnd()}\n`;
}

/** A block's settings without cdktf's `//` metadata: what Terraform receives. */
function settingsOf(body: Json): Json {
  const { "//": _metadata, ...rest } = body;
  return rest;
}

/** Top-level attributes whose values differ, with `old → new` for scalars. */
function changedAttributes(before: Json, after: Json): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => k !== "//").sort();
  // Short scalars are shown; long strings (a definition, a policy) and objects only by name.
  const scalar = (v: unknown) =>
    v === undefined || v === null || (typeof v !== "object" && String(v).length <= 60);
  return keys
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) =>
      scalar(before[k]) && scalar(after[k])
        ? `${k}: ${JSON.stringify(before[k]) ?? "(unset)"} → ${JSON.stringify(after[k]) ?? "(unset)"}`
        : k,
    );
}

/** One resource difference. */
export interface Change {
  readonly kind: "added" | "removed" | "changed";
  readonly address: string;
  readonly region: string;
  /** For changed resources: the attributes that differ. */
  readonly attributes: readonly string[];
}

/** Added, removed and changed blocks by address (changed = settings differ, `//` metadata ignored). */
export function diffStacks(base: SynthStack, head: SynthStack): Change[] {
  const before = new Map(base.blocks.map((b) => [b.address, b]));
  const after = new Map(head.blocks.map((b) => [b.address, b]));
  const changes: Change[] = [];
  for (const [address, b] of after) {
    const old = before.get(address);
    if (!old) changes.push({ kind: "added", address, region: b.region, attributes: [] });
    else if (JSON.stringify(settingsOf(old.body)) !== JSON.stringify(settingsOf(b.body))) {
      changes.push({
        kind: "changed",
        address,
        region: b.region,
        attributes: changedAttributes(settingsOf(old.body), settingsOf(b.body)),
      });
    }
  }
  for (const [address, b] of before) {
    if (!after.has(address)) changes.push({ kind: "removed", address, region: b.region, attributes: [] });
  }
  const order = { removed: 0, changed: 1, added: 2 };
  return changes.sort(
    (x, y) =>
      x.region.localeCompare(y.region) || order[x.kind] - order[y.kind] || x.address.localeCompare(y.address),
  );
}

/** The diff as Markdown, grouped by region. */
export function diffMarkdown(changes: readonly Change[]): string {
  const out = ["### Changes against the base", ""];
  if (changes.length === 0) return `${[...out, "No resource added, removed or changed."].join("\n")}\n`;
  const count = (k: Change["kind"]) => changes.filter((c) => c.kind === k).length;
  out.push(`${count("added")} to add, ${count("changed")} to change, ${count("removed")} to remove.`);
  for (const region of [...new Set(changes.map((c) => c.region))]) {
    out.push("", `#### ${region}`, "");
    for (const c of changes.filter((x) => x.region === region)) {
      const detail = c.attributes.length ? ` (${c.attributes.join("; ")})` : "";
      out.push(`- **${c.kind}** \`${c.address}\`${cell(detail)}`);
    }
  }
  return `${out.join("\n")}\n`;
}
