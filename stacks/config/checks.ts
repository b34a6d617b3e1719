/**
 * The check registry as the configuration sees it: where an instance names a check's target,
 * which part of each level's block is the check's settings, and how they merge and resolve.
 * Both resolve (on the validated document) and the cross-field rules (on the raw one, read
 * defensively) use these, so "has this check" means one thing everywhere.
 */
import type { AnyCheck } from "../../contract/checks/check";
import { isRecord, overlay } from "./merge";

type Fields = Record<string, unknown>;

function pick(block: Fields, keys: readonly string[]): Fields {
  return Object.fromEntries(keys.filter((k) => block[k] !== undefined).map((k) => [k, block[k]]));
}

/** The check's settings in one level's block (an instance block may also hold target fields). */
function settingsAt(check: AnyCheck, level: unknown): Fields | undefined {
  const block = isRecord(level) ? level[check.name] : undefined;
  return isRecord(block) ? pick(block, Object.keys(check.settings)) : undefined;
}

/** The instance's target for the check (DESIGN §4), or undefined when the instance does not have the check. */
export function targetOf(check: AnyCheck, instance: unknown): Fields | undefined {
  if (!isRecord(instance)) return undefined;
  const placement = check.placement;
  if (placement.in === "key") {
    return instance[placement.key] === undefined ? undefined : { [placement.field]: instance[placement.key] };
  }
  const block = instance[check.name];
  if (typeof block === "string" && placement.shorthand !== undefined) return { [placement.shorthand]: block };
  return isRecord(block) ? pick(block, Object.keys(check.target)) : undefined;
}

/** Built-in values, then defaults > region > instance, field by field. */
export function mergedSettings(check: AnyCheck, levels: readonly unknown[]): Fields {
  return overlay<Fields>({ ...check.defaults }, ...levels.map((level) => settingsAt(check, level)));
}

/** The resolved settings the check's function receives; call on validated levels only. */
export function resolveCheck(
  check: AnyCheck,
  levels: readonly [defaults: unknown, region: unknown, instance: unknown],
  inVpc: boolean,
): Fields | undefined {
  const target = targetOf(check, levels[2]);
  if (target === undefined) return undefined;
  return check.resolve({ target, settings: mergedSettings(check, levels), inVpc });
}
