/**
 * `npm run summary`: what a reviewer must judge in a pull request, for every stack of a
 * synthesized output: flags first (stack renames, removed stacks, replacements, destroys),
 * then the changes against a base synth or a real plan, grouped across regions, then the
 * regions, instances and their checks, resources per region, IAM wildcards with their reasons
 * and the workflow at a glance. Two renderings: the comment, kept under GitHub's comment limit
 * by shortening the least important sections first, and the detail file, with everything.
 */
import { ALL_CHECKS } from "../../contract/checks";
import type { InstanceSettings } from "../../contract/workflow";
import { WILDCARD_ALLOW_LIST } from "../../stacks/iam";
import type { AslDefinition } from "../../stacks/workflow";
import { aslGraph } from "./asl-graph";
import {
  type ChangeGroup,
  diffStacks,
  groupChanges,
  pairStacks,
  type ResourceChange,
  type StackPairing,
  sortChanges,
} from "./changes";
import { toMermaid } from "./mermaid";
import type { Plan } from "./plan-json";
import { type Json, STACK_WIDE, type SynthStack } from "./synth-output";
import { parseInputTemplate } from "./value-diff";
import { overviewMermaid } from "./workflow-overview";

/** GitHub rejects issue and pull-request comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** What the comment may use: room is left for the pipeline's sticky-comment marker. */
export const DEFAULT_COMMENT_BUDGET = 60_000;

// ---------------------------------------------------------------------------------------------
// What the synthesized stacks hold

/** One instance as its rule target and CPU alarm configure it. */
export interface InstanceSummary {
  readonly stack: string;
  readonly region: string;
  readonly settings: InstanceSettings;
  readonly alarm?: Json;
  /** False when its rule is synthesized `state = "DISABLED"` (DESIGN §4 `enabled: false`). */
  readonly enabled: boolean;
}

export function instancesOf(stack: SynthStack): InstanceSummary[] {
  return stack.blocks
    .filter((b) => b.type === "aws_cloudwatch_event_target")
    .flatMap((b) => {
      const transformer = b.body.input_transformer as { input_template?: string } | undefined;
      const input = parseInputTemplate(String(transformer?.input_template ?? "{}")) as {
        instance?: InstanceSettings;
      };
      if (!input.instance) return [];
      const instance = input.instance;
      const alarm = stack.blocks.find(
        (a) =>
          a.type === "aws_cloudwatch_metric_alarm" &&
          a.region === b.region &&
          a.path === `${instance.instanceId}/cpu-alarm`,
      );
      const rule = stack.blocks.find(
        (r) =>
          r.type === "aws_cloudwatch_event_rule" &&
          r.region === b.region &&
          r.path === `${instance.instanceId}/rule`,
      );
      return [
        {
          stack: stack.name,
          region: b.region,
          settings: instance,
          ...(alarm ? { alarm: alarm.body } : {}),
          enabled: rule?.body.state !== "DISABLED",
        },
      ];
    })
    .sort((x, y) =>
      `${x.region} ${x.settings.instanceId}`.localeCompare(`${y.region} ${y.settings.instanceId}`),
    );
}

/** One IAM grant on `Resource: "*"`. */
export interface WildcardGrant {
  readonly stack: string;
  readonly region: string;
  readonly policy: string;
  /** The policy's part after `<stackName>-<region>-`, e.g. `workflow`. */
  readonly role: string;
  readonly action: string;
  readonly reason: string;
}

export function wildcardGrants(stack: SynthStack): WildcardGrant[] {
  const out: WildcardGrant[] = [];
  for (const b of stack.blocks.filter((x) => x.type === "aws_iam_role_policy")) {
    const doc = JSON.parse(String(b.body.policy)) as { Statement: { Action: unknown; Resource: unknown }[] };
    const policy = String(b.body.name ?? b.address);
    const marker = `-${stack.awsRegionOf.get(b.region) ?? b.region}-`;
    const role = policy.includes(marker) ? policy.slice(policy.indexOf(marker) + marker.length) : policy;
    for (const s of doc.Statement) {
      if (!([] as unknown[]).concat(s.Resource).includes("*")) continue;
      for (const action of ([] as unknown[]).concat(s.Action).map(String)) {
        out.push({
          stack: stack.name,
          region: b.region,
          policy,
          role,
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

// ---------------------------------------------------------------------------------------------
// Markdown pieces

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

/** `a, b, c` or `a, b, c and 22 more`. */
function list(items: readonly string[], max = 8): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Each check's summary text (the registry's own wording), "—" where the instance lacks it. */
function checksText(s: InstanceSettings): string[] {
  return ALL_CHECKS.map((check) => {
    const own = (s as Readonly<Record<string, unknown>>)[check.name];
    return own === undefined ? "—" : check.describe(own as Parameters<typeof check.describe>[0]);
  });
}

function restartText(s: InstanceSettings): string {
  const r = s.restart;
  return `${r.method}, settle ${r.settleSeconds} s, poll ${r.pollSeconds} s × ${r.maxPolls}, cooldown ${r.cooldownMinutes} min`;
}

function alarmText(alarm: Json | undefined): string {
  if (!alarm) return "—";
  return `${alarm.statistic} ≥ ${alarm.threshold}% over ${alarm.evaluation_periods}×${alarm.period} s`;
}

// ---------------------------------------------------------------------------------------------
// The summary's model

/** What `renderSummary` reads. */
export interface SummaryInput {
  /** The stacks of the synthesized output under review. */
  readonly head: readonly SynthStack[];
  /** The base's stacks (`--base`): changes by comparison, and stack renames and removals. */
  readonly base?: readonly SynthStack[];
  /** Real plans (`--plan`), each matched to a head stack: when given, the changes come from them. */
  readonly plans?: readonly { readonly stack: string; readonly plan: Plan }[];
  /** The detail file's name, for the comment's pointer to it. Default: none (no pointer). */
  readonly detailsName?: string;
  /** Characters the comment may use. Default: DEFAULT_COMMENT_BUDGET. */
  readonly budget?: number;
}

/** The two renderings. */
export interface Summary {
  /** For the PR comment: at most `budget` characters. */
  readonly comment: string;
  /** Everything, for the detail file. */
  readonly details: string;
  /** Whether the comment had to leave detail out. */
  readonly shortened: boolean;
}

/** A stack-level finding shown before anything else. */
interface Flag {
  readonly text: string;
}

/** Changes, where they come from, and the stack findings. */
interface Review {
  readonly changes: readonly ResourceChange[];
  readonly source: "plan" | "base" | "none";
  readonly flags: readonly Flag[];
  readonly pairing?: StackPairing;
}

const resourceCount = (s: SynthStack) => s.blocks.filter((b) => !b.type.startsWith("data.")).length;

function stableJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

function review(input: SummaryInput): Review {
  const flags: Flag[] = [];
  const pairing = input.base ? pairStacks(input.base, input.head) : undefined;
  if (pairing) {
    for (const { base, head } of pairing.renamed) {
      const moved = stableJson(base.backend) !== stableJson(head.backend);
      flags.push({
        text:
          `**Stack renamed: \`${base.name}\` → \`${head.name}\`** (same regions). Every name starts with the stack name, ` +
          `so Terraform replaces the resources that carry one.` +
          (moved
            ? ` Its state location changes too (\`${stableJson(base.backend)}\` → \`${stableJson(head.backend)}\`): ` +
              `the new stack starts from an empty state, creates everything again and leaves all ${resourceCount(base)} ` +
              `old resources deployed. Move the state first, or keep the name.`
            : ""),
      });
    }
    for (const stack of pairing.removed) {
      flags.push({
        text:
          `**Stack no longer synthesized: \`${stack.name}\`** (${plural(stack.regions.length, "region")}, ` +
          `${plural(resourceCount(stack), "resource")}). cdktf no longer plans or destroys it: its resources stay ` +
          `deployed. Run \`cdktf destroy ${stack.name}\` from the base first if they should go.`,
      });
    }
  }
  let changes: ResourceChange[] = [];
  let source: Review["source"] = "none";
  if (input.plans && input.plans.length > 0) {
    source = "plan";
    changes = input.plans.flatMap(({ stack, plan }) => plan.changes.map((c) => ({ ...c, stack })));
  } else if (pairing) {
    source = "base";
    for (const { base, head } of [...pairing.same, ...pairing.renamed])
      changes.push(...diffStacks(base, head));
    for (const head of pairing.added) {
      changes.push(...diffStacks({ ...head, name: head.name, blocks: [], regions: [] }, head));
    }
  }
  changes = sortChanges(changes);
  const replaced = changes.filter((c) => c.action === "replace");
  if (replaced.length > 0) {
    const why = [...new Set(replaced.flatMap((c) => c.replaceBecause))].sort();
    flags.push({
      text:
        `**${plural(replaced.length, "resource")} would be replaced** (destroyed, then created: ` +
        `names and ARNs change, executions in flight are lost)` +
        (why.length ? `, forced by: ${why.map((w) => `\`${w}\``).join(", ")}` : "") +
        (source === "base" ? ". Predicted from the synth; the plan decides." : "."),
    });
  }
  const destroyed = changes.filter((c) => c.action === "delete");
  if (destroyed.length > 0) {
    flags.push({ text: `**${plural(destroyed.length, "resource")} would be destroyed.**` });
  }
  return { changes, source, flags, ...(pairing ? { pairing } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Sections

/** One section, in a full and an optional shorter form. */
interface Section {
  readonly full: string;
  /** Shorter forms, each shorter than the one before; the comment takes the first that fits. */
  readonly shorter: readonly string[];
}

const section = (full: string[], ...shorter: string[][]): Section => ({
  full: full.join("\n"),
  shorter: shorter.map((s) => s.join("\n")),
});

function headline(input: SummaryInput, r: Review): string[] {
  const regions = new Set(input.head.flatMap((s) => s.regions.map((x) => `${s.name}/${x}`)));
  const instances = input.head.reduce((n, s) => n + instancesOf(s).length, 0);
  const resources = input.head.reduce((n, s) => n + resourceCount(s), 0);
  const out = [
    "## first-line review summary",
    "",
    `${plural(input.head.length, "stack")} (${list(
      input.head.map((s) => `\`${s.name}\``),
      6,
    )}), ${plural(regions.size, "region")}, ${plural(instances, "instance")}, ${plural(resources, "resource")}.`,
  ];
  if (r.flags.length > 0) out.push("", ...r.flags.map((f) => `> [!WARNING]\n> ${f.text}\n`));
  return out;
}

/** `~ update`, with a mark a reviewer finds in a long list. */
const ACTION_LABEL: Readonly<Record<ResourceChange["action"], string>> = {
  replace: "± replace",
  delete: "- destroy",
  move: "→ move",
  forget: "forget",
  update: "~ update",
  create: "+ add",
};

function countsLine(changes: readonly ResourceChange[]): string {
  const n = (a: ResourceChange["action"]) => changes.filter((c) => c.action === a).length;
  const parts = [
    `${n("create")} to add`,
    `${n("update")} to change`,
    `${n("replace")} to replace`,
    `${n("delete")} to destroy`,
  ];
  if (n("move")) parts.push(`${n("move")} to move`);
  if (n("forget")) parts.push(`${n("forget")} to forget`);
  return parts.join(", ");
}

function where(group: ChangeGroup, allRegions: number): string {
  const regions = group.regions;
  const members = group.members.length;
  if (members === 1) return `in ${regions[0]}: \`${group.members[0]?.address}\``;
  const scope =
    regions.length === allRegions && allRegions > 1
      ? allRegions === 2
        ? `both regions (${list(regions)})`
        : `all ${regions.length} regions`
      : `${plural(regions.length, "region")} (${list(regions)})`;
  return members === regions.length
    ? `same change in ${scope}`
    : `same change to ${members} resources in ${scope}`;
}

interface ChangeRenderOptions {
  /** Attribute lines per group (default: all). */
  readonly maxLines?: number;
  /** Groups (default: all). */
  readonly maxGroups?: number;
  /** Whether attributes only apply knows are listed. */
  readonly computed: boolean;
}

function renderGroups(groups: readonly ChangeGroup[], allRegions: number, o: ChangeRenderOptions): string[] {
  const out: string[] = [];
  const shown = groups.slice(0, o.maxGroups ?? groups.length);
  for (const g of shown) {
    const forced = g.replaceBecause.length
      ? `; forced by ${g.replaceBecause.map((a) => `\`${a}\``).join(", ")}`
      : "";
    out.push(
      `- **${ACTION_LABEL[g.action]}** \`${g.type}\` \`${g.path || "(root)"}\` — ${where(g, allRegions)}${forced}`,
    );
    const lines = g.attributes.filter((a) => o.computed || !a.computed).flatMap((a) => a.lines);
    const computed = g.attributes.filter((a) => a.computed).map((a) => a.attribute);
    if (lines.length === 0 && computed.length > 0 && !o.computed) {
      out.push(`  - only values known after apply change: ${computed.join(", ")}`);
    }
    const limit = o.maxLines ?? lines.length;
    for (const line of lines.slice(0, limit)) out.push(`  - \`${line.replace(/`/g, "'")}\``);
    if (lines.length > limit) out.push(`  - … ${lines.length - limit} more (detail file)`);
  }
  if (groups.length > shown.length)
    out.push(`- … ${groups.length - shown.length} more groups of changes (detail file)`);
  return out;
}

function changesSection(input: SummaryInput, r: Review): Section {
  if (r.source === "none") {
    return section([
      "### Changes",
      "",
      "No `--base` synth or `--plan` given: nothing to compare against. The pipeline passes both.",
    ]);
  }
  const intro = [
    "### Changes",
    "",
    r.source === "plan"
      ? `From the Terraform plan: ${countsLine(r.changes)}.`
      : `Against the base synth (a plan decides; replacements are predicted from the AWS provider's ForceNew attributes): ${countsLine(r.changes)}.`,
  ];
  if (r.changes.length === 0)
    return section([...intro, "", "No resource is added, changed, replaced or destroyed."]);
  const awsRegion = (stack: string, region: string) =>
    input.head.find((s) => s.name === stack)?.awsRegionOf.get(region) ??
    input.base?.find((s) => s.name === stack)?.awsRegionOf.get(region) ??
    region;
  const groups = groupChanges(r.changes, awsRegion);
  const allRegions = new Set([
    ...input.head.flatMap((s) => s.regions.map((r) => `${s.name}/${r}`)),
    ...(input.plans ?? []).flatMap((p) => p.plan.regions.map((r) => `${p.stack}/${r}`)),
  ]).size;
  const perStack =
    input.head.length > 1
      ? [
          "",
          ...table(
            ["Stack", "Changes"],
            [...new Set(r.changes.map((c) => c.stack))].map((s) => [
              `\`${s}\``,
              countsLine(r.changes.filter((c) => c.stack === s)),
            ]),
          ),
        ]
      : [];
  const head = [...intro, ...perStack, ""];
  return section(
    [...head, ...renderGroups(groups, allRegions, { computed: false, maxLines: 40 })],
    [...head, ...renderGroups(groups, allRegions, { computed: false, maxLines: 8, maxGroups: 80 })],
    [...head, ...renderGroups(groups, allRegions, { computed: false, maxLines: 3, maxGroups: 30 })],
    [...head, ...renderGroups(groups, allRegions, { computed: false, maxLines: 0, maxGroups: 15 })],
  );
}

function changesDetail(r: Review): string[] {
  if (r.changes.length === 0) return [];
  const out = ["### Every change, by stack and region", ""];
  for (const stack of [...new Set(r.changes.map((c) => c.stack))]) {
    const ofStack = r.changes.filter((c) => c.stack === stack);
    out.push(`#### Stack \`${stack}\`: ${countsLine(ofStack)}`, "");
    for (const region of [...new Set(ofStack.map((c) => c.region))].sort()) {
      out.push(`##### ${region}`, "");
      for (const c of ofStack.filter((x) => x.region === region)) {
        const forced = c.replaceBecause.length ? ` (forced by ${c.replaceBecause.join(", ")})` : "";
        const from = c.previousAddress ? ` (from \`${c.previousAddress}\`)` : "";
        out.push(`- **${ACTION_LABEL[c.action]}** \`${c.address}\`${from}${forced}`);
        for (const a of c.attributes)
          for (const line of a.lines) out.push(`  - \`${line.replace(/`/g, "'")}\``);
      }
      out.push("");
    }
  }
  return out;
}

function stacksSection(input: SummaryInput): Section {
  const rows = input.head.map((s) => [
    `\`${s.name}\``,
    list(s.regions, 6),
    instancesOf(s).length,
    resourceCount(s),
  ]);
  const header = ["Stack", "Regions", "Instances", "Resources"];
  return section(
    ["### Stacks", "", ...table(header, rows)],
    [
      "### Stacks",
      "",
      ...table(header, rows.slice(0, 20)),
      ...(rows.length > 20 ? ["", `… and ${rows.length - 20} more stacks (detail file)`] : []),
    ],
  );
}

function instancesSection(input: SummaryInput): Section {
  const all = input.head.flatMap(instancesOf);
  const many = input.head.length > 1;
  const header = [
    ...(many ? ["Stack"] : []),
    "Region",
    "Instance",
    ...ALL_CHECKS.map((check) => check.label),
    "Restart",
    "CPU alarm",
  ];
  const rows = all.map((i) => [
    ...(many ? [`\`${i.stack}\``] : []),
    i.region,
    `\`${i.settings.instanceId}\`${i.enabled ? "" : " (disabled: rule off)"}`,
    ...checksText(i.settings),
    restartText(i.settings),
    alarmText(i.alarm),
  ]);
  const title = ["### Instances and checks", ""];
  const capped = (n: number) => [
    ...title,
    ...table(header, rows.slice(0, n)),
    ...(rows.length > n ? ["", `… and ${rows.length - n} more instances (detail file)`] : []),
  ];
  return section([...title, ...table(header, rows)], capped(40), capped(10));
}

function resourcesSection(input: SummaryInput): Section {
  // Regions with the same resources (by type and count) share a row: 25 equal regions are one.
  const profiles = new Map<string, { regions: string[]; counts: Map<string, number> }>();
  for (const stack of input.head) {
    for (const region of [...stack.regions, STACK_WIDE]) {
      const counts = new Map<string, number>();
      for (const b of stack.blocks) {
        if (b.region !== region || b.type.startsWith("data.")) continue;
        counts.set(b.type, (counts.get(b.type) ?? 0) + 1);
      }
      if (counts.size === 0) continue;
      const key = JSON.stringify([...counts].sort());
      const entry = profiles.get(key) ?? { regions: [], counts };
      entry.regions.push(input.head.length > 1 ? `${stack.name}/${region}` : region);
      profiles.set(key, entry);
    }
  }
  const rows = [...profiles.values()].map((p) => [
    list(p.regions, 6),
    [...p.counts.values()].reduce((a, b) => a + b, 0),
    [...p.counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([t, n]) => `${n} ${t.replace(/^aws_/, "")}`)
      .join(", "),
  ]);
  return section([
    "### Resources per region",
    "",
    ...table(["Regions", "Resources (each)", "By type"], rows),
  ]);
}

function wildcardSection(input: SummaryInput): Section {
  const grants = input.head.flatMap(wildcardGrants);
  const title = ['### IAM `Resource: "*"`', ""];
  if (grants.length === 0) return section([...title, 'No statement grants anything on `"*"`.']);
  const regionCount = new Set(input.head.flatMap((s) => s.regions.map((r) => `${s.name}/${r}`))).size;
  const actions = [...new Set(grants.map((g) => g.action))].sort();
  const rows = actions.map((action) => {
    const of = grants.filter((g) => g.action === action);
    const roles = [...new Set(of.map((g) => g.role))].sort();
    const regions = [...new Set(of.map((g) => `${g.stack}/${g.region}`))];
    return [
      `\`${action}\``,
      roles.join(", "),
      regions.length === regionCount ? "all" : list(regions.map((r) => r.split("/")[1] ?? r)),
      (of[0] as WildcardGrant).reason,
    ];
  });
  return section([
    ...title,
    ...table(["Action", "Roles (policy name after `<stack>-<region>-`)", "Regions", "Why"], rows),
  ]);
}

/** Distinct state-machine shapes (regions differ only in ARNs and numbers). */
function shapes(input: SummaryInput): { regions: string[]; definition: AslDefinition }[] {
  const found = new Map<string, { regions: string[]; definition: AslDefinition }>();
  for (const stack of input.head) {
    for (const [region, definition] of definitionsOf(stack)) {
      const g = aslGraph(definition);
      const key = JSON.stringify([g.nodes.map((n) => [n.name, n.type]), g.edges]);
      const entry = found.get(key) ?? { regions: [], definition };
      entry.regions.push(input.head.length > 1 ? `${stack.name}/${region}` : region);
      found.set(key, entry);
    }
  }
  return [...found.values()];
}

function workflowSection(input: SummaryInput, detailsName: string | undefined): Section {
  const all = shapes(input);
  const out = ["### Workflow at a glance", ""];
  if (all.length === 0) return section([...out, "No state machine in this synth."]);
  for (const { regions, definition } of all) {
    const g = aslGraph(definition);
    out.push(
      `${all.length === 1 ? "Every region" : list(regions)}: ${g.nodes.length} states, ${g.edges.length} transitions, ` +
        `grouped into phases (generated from the synthesized ASL; the full diagram is in ` +
        `${detailsName ? `\`${detailsName}\`` : "the detail file"} and \`docs/workflow.md\`).`,
      "",
      "```mermaid",
      overviewMermaid(definition, g).trimEnd(),
      "```",
      "",
    );
  }
  return section(out, ["### Workflow at a glance", "", "(left out for space: see the detail file)"]);
}

function fullDiagrams(input: SummaryInput): string[] {
  const out = ["### Workflow: every state", ""];
  for (const { regions, definition } of shapes(input)) {
    const g = aslGraph(definition);
    out.push(
      `State machine of ${list(regions, 30)}: ${g.nodes.length} states, ${g.edges.length} transitions (dashed: Catch).`,
      "",
      "```mermaid",
      toMermaid(definition, g).trimEnd(),
      "```",
      "",
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Fitting the comment

/**
 * Joins sections into at most `budget` characters: while too long, the least important
 * section that still has a shorter form takes it (sections are given most important first);
 * as a last resort the text is cut at a line and says so.
 */
export function fitSections(
  sections: readonly Section[],
  budget: number,
  footer: string,
): { text: string; shortened: boolean } {
  const chosen = sections.map(() => -1); // -1: full, i: shorter[i]
  const text = () =>
    `${sections
      .map((s, i) => {
        const c = chosen[i] as number;
        return c < 0 ? s.full : (s.shorter[c] as string);
      })
      .join("\n\n")}\n\n${footer}\n`;
  let shortened = false;
  while (text().length > budget) {
    let index = -1;
    for (let i = sections.length - 1; i >= 0; i--) {
      if ((chosen[i] as number) + 1 < (sections[i] as Section).shorter.length) {
        index = i;
        break;
      }
    }
    if (index < 0) break;
    chosen[index] = (chosen[index] as number) + 1;
    shortened = true;
  }
  const result = text();
  if (result.length <= budget) return { text: result, shortened };
  const marker = `\n\n… (cut to fit GitHub's comment limit: the rest is in the detail file)\n\n${footer}\n`;
  const room = budget - marker.length - "\n```".length;
  const cut = result.slice(0, Math.max(0, room));
  const atLine = cut.slice(0, Math.max(0, cut.lastIndexOf("\n")));
  // An open code fence would swallow the marker: close it.
  const fences = (atLine.match(/^```/gm) ?? []).length;
  return { text: `${atLine}${fences % 2 === 1 ? "\n```" : ""}${marker}`, shortened: true };
}

/** The comment and the detail file. */
export function renderSummary(input: SummaryInput): Summary {
  const budget = input.budget ?? DEFAULT_COMMENT_BUDGET;
  const r = review(input);
  const sections = [
    section(headline(input, r)),
    changesSection(input, r),
    workflowSection(input, input.detailsName),
    stacksSection(input),
    instancesSection(input),
    resourcesSection(input),
    wildcardSection(input),
  ];
  const footerParts = ["---"];
  footerParts.push(
    input.detailsName
      ? `Every change ungrouped, every instance and the full state diagram: \`${input.detailsName}\` (attached to the pipeline run).`
      : "Run with `--details <file>` for every change ungrouped and the full state diagram.",
  );
  const footer = footerParts.join("\n");
  const comment = fitSections(sections, budget, footer);
  const details = [
    ...sections.slice(0, 1).map((s) => s.full),
    changesSection(input, r).full,
    changesDetail(r).join("\n"),
    stacksSection(input).full,
    instancesSection(input).full,
    resourcesSection(input).full,
    wildcardSection(input).full,
    fullDiagrams(input).join("\n"),
  ].join("\n\n");
  return { comment: comment.text, details: `${details.trimEnd()}\n`, shortened: comment.shortened };
}
