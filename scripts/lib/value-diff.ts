/**
 * What changed in a resource's attributes, said the way a reviewer reads it: scalars as
 * `old → new`; JSON documents (policies, event patterns) by the leaves that differ; a state
 * machine definition as states added, removed and changed (timeouts, waits, retries); an
 * EventBridge input template as the instance settings that differ.
 */
import { terraformLiteralValue } from "../../stacks/terraform-literal";

/** A value Terraform learns only when applying (a string no attribute holds, so it compares). */
export const UNKNOWN = "\u0000(known after apply)";

/** One leaf that differs. `undefined` means absent. */
export interface Difference {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** The readable change of one top-level attribute. */
export interface AttributeChange {
  readonly attribute: string;
  /** Readable lines, each prefixed with the attribute name. */
  readonly lines: readonly string[];
  /** True when the new value is known only after apply (ids, ARNs, versions): noise in a review. */
  readonly computed: boolean;
}

const MAX_VALUE = 80;

/** A value for a line of Markdown or text: JSON, clipped. */
export function showValue(value: unknown): string {
  if (value === UNKNOWN) return "(known after apply)";
  if (value === undefined) return "(unset)";
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= MAX_VALUE ? text : `${text.slice(0, MAX_VALUE - 1)}…`;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Arrays of objects that name themselves (IAM `Sid`, a metric query's `id`) compare by name,
 * not position: Terraform lists set elements in hash order, which moves when one changes.
 */
function keyedBy(before: readonly unknown[], after: readonly unknown[]): string | undefined {
  const names = (items: readonly unknown[], key: string) =>
    items.map((i) => (isObject(i) && typeof i[key] === "string" ? (i[key] as string) : undefined));
  for (const key of ["Sid", "Name", "id", "name"]) {
    const ok = [before, after].every((items) => {
      const n = names(items, key);
      return n.every((x) => x !== undefined && x !== "") && new Set(n).size === n.length;
    });
    if (ok && before.length + after.length > 0) return key;
  }
  return undefined;
}

const join = (path: string, key: string) =>
  path === "" ? key : /^[A-Za-z_][\w-]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;

/**
 * The leaves that differ between two JSON values. Strings holding a JSON object or array are
 * compared as documents. Scalar arrays differ as a whole; object arrays by name or position.
 */
/** Absent, null and zero values: the AWS provider stores one where config had another. */
const isEmpty = (v: unknown) =>
  v === undefined ||
  v === null ||
  v === "" ||
  (Array.isArray(v) && v.length === 0) ||
  (isObject(v) && Object.keys(v).length === 0);

export function leafDiff(before: unknown, after: unknown, path = ""): Difference[] {
  if (JSON.stringify(before) === JSON.stringify(after) || (isEmpty(before) && isEmpty(after))) return [];
  const b = parseDocument(before);
  const a = parseDocument(after);
  if (isObject(b) && isObject(a)) {
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    return keys.flatMap((k) => leafDiff(b[k], a[k], join(path, k)));
  }
  if (Array.isArray(b) && Array.isArray(a) && [...b, ...a].some((x) => isObject(x) || Array.isArray(x))) {
    const key = keyedBy(b, a);
    if (key) {
      const byKey = (items: unknown[]) =>
        new Map(items.map((i) => [String((i as Record<string, unknown>)[key]), i]));
      const mb = byKey(b);
      const ma = byKey(a);
      const names = [...new Set([...mb.keys(), ...ma.keys()])];
      return names.flatMap((n) => leafDiff(mb.get(n), ma.get(n), `${path}[${JSON.stringify(n)}]`));
    }
    const length = Math.max(b.length, a.length);
    return Array.from({ length }, (_, i) => leafDiff(b[i], a[i], `${path}[${i}]`)).flat();
  }
  return [{ path, before, after }];
}

/** A string holding a JSON object or array, parsed; anything else as it is. */
function parseDocument(value: unknown): unknown {
  if (typeof value !== "string" || !/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** `path: old → new`, or `path: added new` / `path: removed (was old)`. */
export function describeDifference(d: Difference): string {
  if (d.before === undefined || d.before === null) return `${d.path}: added ${showValue(d.after)}`;
  if (d.after === undefined || d.after === null) return `${d.path}: removed (was ${showValue(d.before)})`;
  if (Array.isArray(d.before) && Array.isArray(d.after)) {
    const removed = d.before.filter((x) => !d.after || !(d.after as unknown[]).includes(x));
    const added = d.after.filter((x) => !(d.before as unknown[]).includes(x));
    if (
      removed.length + added.length > 0 &&
      removed.length + added.length < d.before.length + d.after.length
    ) {
      return [
        `${d.path}:`,
        ...(added.length ? [`+ ${added.map(showValue).join(", ")}`] : []),
        ...(removed.length ? [`- ${removed.map(showValue).join(", ")}`] : []),
      ].join(" ");
    }
  }
  return `${d.path}: ${showValue(d.before)} → ${showValue(d.after)}`;
}

/** The ASL parts the diff reads. */
interface Asl {
  readonly States?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

function parseJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/**
 * A state machine definition's change, state by state: top-level fields (`TimeoutSeconds`),
 * states added and removed, and each changed state's fields (`Seconds`, `TimeoutSeconds`,
 * `Retry`, `Parameters`, transitions).
 */
export function aslDiff(before: unknown, after: unknown): string[] {
  const b = parseJson(before) as Asl | undefined;
  const a = parseJson(after) as Asl | undefined;
  if (!isObject(b) || !isObject(a) || !isObject(b.States) || !isObject(a.States)) {
    return leafDiff(before, after).map(describeDifference);
  }
  const lines: string[] = [];
  const { States: bs, ...bTop } = b as Asl & { States: Record<string, unknown> };
  const { States: as, ...aTop } = a as Asl & { States: Record<string, unknown> };
  lines.push(...leafDiff(bTop, aTop).map(describeDifference));
  const removed = Object.keys(bs).filter((s) => !(s in as));
  const added = Object.keys(as).filter((s) => !(s in bs));
  if (added.length) lines.push(`states added: ${added.map((s) => JSON.stringify(s)).join(", ")}`);
  if (removed.length) lines.push(`states removed: ${removed.map((s) => JSON.stringify(s)).join(", ")}`);
  for (const name of Object.keys(as)) {
    if (!(name in bs)) continue;
    for (const d of leafDiff(bs[name], as[name]))
      lines.push(`state ${JSON.stringify(name)}: ${describeDifference(d)}`);
  }
  return lines;
}

/**
 * An EventBridge input template as JSON: EventBridge fills the unquoted `<placeholders>` with
 * JSON values; here they become strings of their own names so the template parses.
 */
export function parseInputTemplate(template: string): unknown {
  // As Terraform evaluates it first: configured text arrives escaped ($${, %%{). Placeholders
  // only in value position: a literal "<time>" inside a configured string stays as it is.
  return JSON.parse(
    terraformLiteralValue(template).replace(/([:[,]\s*)<([A-Za-z][\w.-]*)>(?=\s*[,}\]])/g, '$1"<$2>"'),
  );
}

function templateDiff(before: unknown, after: unknown, path: string): string[] {
  try {
    const b = typeof before === "string" ? parseInputTemplate(before) : before;
    const a = typeof after === "string" ? parseInputTemplate(after) : after;
    return leafDiff(b, a, path).map(describeDifference);
  } catch {
    return [`${path}: ${showValue(before)} → ${showValue(after)}`];
  }
}

/** Leaves that differ, with input templates read as the settings they carry. */
function describeNested(before: unknown, after: unknown, path: string): string[] {
  const lines: string[] = [];
  for (const d of leafDiff(before, after, path)) {
    if (/(^|\.)input_template$/.test(d.path.replace(/\[\d+\]/g, ""))) {
      lines.push(...templateDiff(d.before, d.after, d.path));
    } else {
      lines.push(describeDifference(d));
    }
  }
  return lines;
}

/** `after` with UNKNOWN wherever the plan's `after_unknown` marks a value (nested too). */
export function withUnknown(after: unknown, unknown: unknown): unknown {
  if (unknown === true) return UNKNOWN;
  if (Array.isArray(unknown)) {
    const items = Array.isArray(after) ? [...after] : [];
    unknown.forEach((u, i) => {
      items[i] = withUnknown(items[i], u);
    });
    return items;
  }
  if (isObject(unknown)) {
    const out: Record<string, unknown> = isObject(after) ? { ...after } : {};
    for (const [k, u] of Object.entries(unknown)) out[k] = withUnknown(out[k], u);
    return out;
  }
  return after;
}

/**
 * The changed top-level attributes of one resource. `unknown` is the plan's `after_unknown`
 * (attributes only apply will know); `sensitive` the plan's `before_sensitive`/`after_sensitive`
 * merged: their values are never shown.
 */
export function attributeChanges(
  type: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  unknown: Record<string, unknown> = {},
  sensitive: Record<string, unknown> = {},
): AttributeChange[] {
  const known = withUnknown(after, unknown) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(known)])].sort();
  const out: AttributeChange[] = [];
  for (const k of keys) {
    if (k === "//") continue;
    const differences = leafDiff(before[k], known[k]);
    if (differences.length === 0) continue;
    const computed = differences.every((d) => d.after === UNKNOWN);
    if (sensitive[k] === true || (isObject(sensitive[k]) && Object.keys(sensitive[k] as object).length > 0)) {
      out.push({ attribute: k, lines: [`${k}: (sensitive value changed)`], computed });
      continue;
    }
    const lines =
      type === "aws_sfn_state_machine" && k === "definition" && known[k] !== UNKNOWN
        ? aslDiff(before[k], known[k]).map((l) => `${k}: ${l}`)
        : describeNested(before[k], known[k], k);
    out.push({ attribute: k, lines: lines.length ? lines : [`${k}: changed`], computed });
  }
  return out;
}
