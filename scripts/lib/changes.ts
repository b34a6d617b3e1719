/**
 * Resource changes, from a real plan (plan-json.ts) or from two synthesized outputs (here),
 * and how they group: the same change to the same part in many regions is one group ("same
 * change in 25 regions"), told once.
 */
import { type Block, STACK_WIDE, type SynthStack, settingsOf } from "./synth-output";
import { type AttributeChange, attributeChanges } from "./value-diff";

/** One resource that a plan (or the synth diff) would touch. */
export interface ResourceChange {
  readonly stack: string;
  readonly address: string;
  /** `aws_x` */
  readonly type: string;
  /** Provider alias (region, or `<account>-<region>`), or STACK_WIDE. */
  readonly region: string;
  /** Construct path below the region, e.g. `i-0123/cpu-alarm`. */
  readonly path: string;
  readonly action: "create" | "update" | "replace" | "delete" | "move" | "forget";
  /** For update, replace and move: the attributes that change. */
  readonly attributes: readonly AttributeChange[];
  /** For replace: the attributes that force it (a plan says; a synth diff predicts). */
  readonly replaceBecause: readonly string[];
  readonly previousAddress?: string;
  /** `plan`: Terraform said so; `synth`: read from two synthesized outputs. */
  readonly source: "plan" | "synth";
}

/**
 * Attributes the AWS provider cannot change in place (ForceNew) for the resource types
 * first-line synthesizes: a synth diff that changes one predicts a replacement. A real plan
 * (`--plan`) says for sure; the fixtures' tests check this table against real plans.
 */
export const FORCE_NEW: Readonly<Record<string, readonly string[]>> = {
  aws_cloudwatch_dashboard: ["dashboard_name"],
  aws_cloudwatch_event_rule: ["name", "name_prefix", "event_bus_name"],
  aws_cloudwatch_event_target: ["rule", "target_id", "event_bus_name"],
  aws_cloudwatch_log_group: ["name", "name_prefix"],
  aws_cloudwatch_metric_alarm: ["alarm_name"],
  aws_dynamodb_table: ["name", "hash_key", "range_key"],
  aws_iam_role: ["name", "name_prefix", "path"],
  aws_iam_role_policy: ["name", "name_prefix", "role"],
  aws_lambda_function: ["function_name"],
  aws_lambda_permission: ["function_name", "statement_id", "principal", "action", "source_arn"],
  aws_sfn_state_machine: ["name", "name_prefix", "type"],
  aws_sns_topic: ["name", "name_prefix", "fifo_topic"],
  aws_sns_topic_subscription: ["topic_arn", "protocol", "endpoint"],
  aws_sqs_queue: ["name", "name_prefix", "fifo_queue"],
  aws_sqs_queue_policy: ["queue_url"],
};

const resourcesOf = (stack: SynthStack) => stack.blocks.filter((b) => !b.type.startsWith("data."));

/**
 * Added, removed and changed resources between two synthesized stacks (compared by address,
 * cdktf's `//` metadata ignored). A change to a ForceNew attribute predicts a replacement, and
 * so does a ForceNew attribute referring to a resource that is replaced (its id changes).
 */
export function diffStacks(base: SynthStack, head: SynthStack): ResourceChange[] {
  const before = new Map(resourcesOf(base).map((b) => [b.address, b]));
  const after = new Map(resourcesOf(head).map((b) => [b.address, b]));
  const changes = new Map<string, ResourceChange>();
  const entry = (
    b: Block,
    action: ResourceChange["action"],
    attributes: AttributeChange[] = [],
    replaceBecause: string[] = [],
  ) => ({
    stack: head.name,
    address: b.address,
    type: b.type,
    region: b.region,
    path: b.path,
    action,
    attributes,
    replaceBecause,
    source: "synth" as const,
  });
  for (const [address, b] of after) {
    const old = before.get(address);
    if (!old) {
      changes.set(address, entry(b, "create"));
      continue;
    }
    const attributes = attributeChanges(b.type, settingsOf(old.body), settingsOf(b.body));
    if (attributes.length === 0) continue;
    const forcing = attributes.map((a) => a.attribute).filter((a) => FORCE_NEW[b.type]?.includes(a));
    changes.set(address, entry(b, forcing.length ? "replace" : "update", attributes, forcing));
  }
  for (const [address, b] of before)
    if (!after.has(address)) changes.set(address, { ...entry(b, "delete"), stack: base.name });
  // Replacements cascade through ForceNew references until nothing new is replaced.
  let grew = true;
  while (grew) {
    grew = false;
    const replaced = [...changes.values()].filter((c) => c.action === "replace").map((c) => c.address);
    for (const [address, b] of after) {
      const current = changes.get(address);
      if (current?.action === "replace" || current?.action === "create") continue;
      const body = settingsOf(b.body);
      const forcing = (FORCE_NEW[b.type] ?? []).filter((attr) =>
        replaced.some((r) => JSON.stringify(body[attr] ?? "").includes(`\${${r}.`)),
      );
      if (forcing.length === 0) continue;
      changes.set(address, entry(b, "replace", [...(current?.attributes ?? [])], forcing));
      grew = true;
    }
  }
  return sortChanges([...changes.values()]);
}

const ACTION_ORDER: Readonly<Record<ResourceChange["action"], number>> = {
  replace: 0,
  delete: 1,
  move: 2,
  forget: 3,
  update: 4,
  create: 5,
};

export function sortChanges(changes: readonly ResourceChange[]): ResourceChange[] {
  return [...changes].sort(
    (x, y) =>
      ACTION_ORDER[x.action] - ACTION_ORDER[y.action] ||
      x.stack.localeCompare(y.stack) ||
      x.region.localeCompare(y.region) ||
      x.address.localeCompare(y.address),
  );
}

// No \b: cdktf names join ids with "_", a word character.
const INSTANCE_ID = /(?<![0-9a-z])i-(?:[0-9a-f]{17}|[0-9a-f]{8})(?![0-9a-f])/g;
const ACCOUNT_ID = /(?<!\d)\d{12}(?!\d)/g;
const UNIQUE_ID_HASH = /_[0-9A-F]{8}\b/g;

/**
 * Text with what differs between regions taken out: the region (alias and AWS name), instance
 * ids, account ids and cdktf's per-path name hashes. Equal neutral text = the same change.
 */
export function neutral(text: string, region: string, awsRegion = region): string {
  let out = text;
  for (const r of [...new Set([region, awsRegion])].sort((a, b) => b.length - a.length)) {
    if (r && r !== STACK_WIDE) out = out.split(r).join("<region>");
  }
  return out.replace(INSTANCE_ID, "<instance>").replace(ACCOUNT_ID, "<account>").replace(UNIQUE_ID_HASH, "");
}

/** Changes that are the same apart from region, instance and stack. */
export interface ChangeGroup {
  readonly action: ResourceChange["action"];
  readonly type: string;
  /** The path with the instance taken out, e.g. `<instance>/cpu-alarm` (as it is for a group of one). */
  readonly path: string;
  /** The attribute lines, neutral (see `neutral`); for a group of one, as they are. */
  readonly attributes: readonly AttributeChange[];
  readonly replaceBecause: readonly string[];
  readonly members: readonly ResourceChange[];
  /** Distinct regions of the members, sorted. */
  readonly regions: readonly string[];
}

/** Groups changes whose neutral form is equal, in the order of their first member. */
export function groupChanges(
  changes: readonly ResourceChange[],
  awsRegionOf: (stack: string, region: string) => string = (_s, r) => r,
): ChangeGroup[] {
  const groups = new Map<
    string,
    { group: Omit<ChangeGroup, "members" | "regions">; members: ResourceChange[] }
  >();
  for (const c of changes) {
    const aws = awsRegionOf(c.stack, c.region);
    const attributes = c.attributes.map((a) => ({
      ...a,
      lines: a.lines.map((l) => neutral(l, c.region, aws)),
    }));
    const path = neutral(c.path, c.region, aws);
    // What only apply knows (ids, ARNs) differs everywhere and is not what a reviewer judges.
    const judged = attributes.filter((a) => !a.computed);
    const key = JSON.stringify([c.action, c.type, path, judged, c.replaceBecause]);
    const found = groups.get(key);
    if (found) found.members.push(c);
    else
      groups.set(key, {
        group: { action: c.action, type: c.type, path, attributes, replaceBecause: c.replaceBecause },
        members: [c],
      });
  }
  return [...groups.values()].map(({ group, members }) => ({
    ...group,
    ...(members.length === 1
      ? { attributes: (members[0] as ResourceChange).attributes, path: (members[0] as ResourceChange).path }
      : {}),
    members,
    regions: [...new Set(members.map((m) => m.region))].sort(),
  }));
}

/** How the stacks of two outputs correspond. */
export interface StackPairing {
  /** Same name in both. */
  readonly same: readonly { readonly base: SynthStack; readonly head: SynthStack }[];
  /** A base stack gone and a head stack new with the same regions: a rename. */
  readonly renamed: readonly { readonly base: SynthStack; readonly head: SynthStack }[];
  /** Only in the base: no longer synthesized (its resources stay deployed). */
  readonly removed: readonly SynthStack[];
  /** Only in the head. */
  readonly added: readonly SynthStack[];
}

/** Pairs base and head stacks by name, then the rest by their regions (a stack rename). */
export function pairStacks(base: readonly SynthStack[], head: readonly SynthStack[]): StackPairing {
  const same = head.flatMap((h) => {
    const b = base.find((x) => x.name === h.name);
    return b ? [{ base: b, head: h }] : [];
  });
  let removed = base.filter((b) => !head.some((h) => h.name === b.name));
  let added = head.filter((h) => !base.some((b) => b.name === h.name));
  const renamed: { base: SynthStack; head: SynthStack }[] = [];
  const regionsKey = (s: SynthStack) => s.regions.join(",");
  for (const h of [...added]) {
    const candidates = removed.filter((b) => regionsKey(b) === regionsKey(h));
    const others = added.filter((x) => x !== h && regionsKey(x) === regionsKey(h));
    // Only an unambiguous pair is a rename; anything else stays removed + added.
    if (candidates.length === 1 && others.length === 0) {
      const b = candidates[0] as SynthStack;
      renamed.push({ base: b, head: h });
      removed = removed.filter((x) => x !== b);
      added = added.filter((x) => x !== h);
    }
  }
  return { same, renamed, removed, added };
}
