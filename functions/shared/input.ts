/**
 * Parsing events at the edge of a function: the contract's fields (the same ones the config is
 * validated with), one InvalidInputError naming every problem with its path, before the handler
 * touches any client.
 */
import type { AnyCheck } from "../../contract/checks/check";
import { object, type Problem, type Shape, type Spec, specProblems } from "../../contract/fields";
import { instanceIdField, regionField } from "../../contract/identifiers";
import { describeValue, formatPath } from "../../contract/text";
import type { CheckEvent } from "../../contract/workflow";
import { InvalidInputError } from "./errors";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The event typed by `spec`, or one InvalidInputError listing every problem. `rules` judge fields
 * together once each field is fine on its own.
 */
export function parseEvent<S extends Spec>(
  event: unknown,
  spec: S,
  rules?: (value: Shape<S>) => readonly Problem[],
): Shape<S> {
  if (!isRecord(event))
    throw new InvalidInputError([`event: expected an object, got ${describeValue(event)}`]);
  const problems: Problem[] = specProblems(spec, event);
  if (problems.length === 0 && rules) problems.push(...rules(event as Shape<S>));
  if (problems.length > 0) {
    throw new InvalidInputError(problems.map((p) => `${formatPath(p.path, "event")}: ${p.message}`));
  }
  return event as Shape<S>;
}

/**
 * The parser of a check function's event: the instance, its region and the check's resolved
 * settings. Built once per container (the handler's module), so an invocation only checks.
 */
export function checkEventParser<C extends AnyCheck>(
  check: C,
): (event: unknown) => CheckEvent<Shape<C["input"]>> {
  const spec = {
    instanceId: instanceIdField,
    region: regionField,
    settings: object(check.input, { what: `the ${check.label} check's settings` }),
  };
  const rules = (value: Shape<typeof spec>): Problem[] =>
    (check.rules?.(value.settings) ?? []).map((p) => ({ ...p, path: ["settings", ...p.path] }));
  return (event) => parseEvent(event, spec, rules) as CheckEvent<Shape<C["input"]>>;
}

/** One event of a check's function, parsed as its handler parses it. */
export function parseCheckEvent<C extends AnyCheck>(event: unknown, check: C): CheckEvent<Shape<C["input"]>> {
  return checkEventParser(check)(event);
}
