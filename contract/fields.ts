/**
 * One definition of each field's rules. The config schema (stacks/config builds zod from these),
 * every handler's input parser (functions/shared/input reads events with these) and the
 * workflow's own input check (stacks/workflow) all use the same {@link Field}, so a value the
 * config accepts is a value the function that receives it accepts (DESIGN §4 "Whatever
 * validates runs"). Plain data and small functions only: handlers bundle this file.
 */
import { describeValue, didYouMean } from "./text";

/** Where inside the checked value a problem is (empty: the value itself). */
export type SubPath = readonly (string | number)[];

/** One thing wrong with a value. */
export interface Problem {
  readonly path: SubPath;
  readonly message: string;
  /** The field whose value made this a problem (a rule across fields), so the config can say where it was set. */
  readonly because?: string;
}

/** What the rule is, as data, for code that must render it elsewhere (the workflow's Choice rules). */
export type FieldShape =
  | { readonly kind: "text" }
  | { readonly kind: "whole"; readonly min: number; readonly max: number }
  | { readonly kind: "number"; readonly min: number; readonly minExclusive: boolean; readonly max: number }
  | { readonly kind: "oneOf"; readonly values: readonly string[] }
  | { readonly kind: "flag" }
  | { readonly kind: "list" }
  | { readonly kind: "object" };

/** A field's rules. `T` is the type of an accepted value. */
export interface Field<T> {
  /** What an accepted value looks like, e.g. "a whole number from 1 to 60". */
  readonly what: string;
  readonly shape: FieldShape;
  /** Every problem with a present value; empty when it is accepted. */
  problems(value: unknown): readonly Problem[];
  /** Type carrier only (never set). */
  readonly _type?: T;
}

/** The accepted type of a field. */
export type ValueOf<F> = F extends Field<infer T> ? T : never;

/** Longest string any field accepts: anything longer is hostile or garbage. */
export const MAX_TEXT_LENGTH = 4096;

const ok: readonly Problem[] = [];
const at = (message: string, path: SubPath = []): readonly Problem[] => [{ path, message }];

/** Options of {@link text}. */
export interface TextOptions {
  /** What an accepted value looks like; shown as `"<value>" is not <what>`. */
  readonly what: string;
  /** The whole value must match. @default any non-empty string */
  readonly pattern?: RegExp;
  /** A further test the pattern cannot express. @default none */
  readonly test?: (value: string) => boolean;
  /** @default MAX_TEXT_LENGTH */
  readonly maxLength?: number;
  /**
   * A problem worded without the value, tested before the others: for values that may hold a
   * secret (a URL with a password), which the usual message would echo. @default none
   */
  readonly refuse?: (value: string) => string | undefined;
}

/** A non-empty string, optionally matching a pattern and a test. */
export function text<T extends string = string>(options: TextOptions): Field<T> {
  const maxLength = options.maxLength ?? MAX_TEXT_LENGTH;
  return {
    what: options.what,
    shape: { kind: "text" },
    problems(value) {
      if (typeof value !== "string") return at(`expected ${options.what}, got ${describeValue(value)}`);
      if (value.length === 0) return at("must not be empty");
      if (value.length > maxLength) return at(`must be at most ${maxLength} characters`);
      const refusal = options.refuse?.(value);
      if (refusal !== undefined) return at(refusal);
      if ((options.pattern && !options.pattern.test(value)) || (options.test && !options.test(value))) {
        return at(`${describeValue(value)} is not ${options.what}`);
      }
      return ok;
    },
  };
}

/** Options of {@link whole}. */
export interface WholeOptions {
  /** A further test, e.g. CloudWatch's allowed periods. @default none */
  readonly test?: (value: number) => boolean;
  /** What an accepted value looks like. @default "a whole number from <min> to <max>" */
  readonly what?: string;
}

/** A whole number from `min` to `max` (both included). */
export function whole(min: number, max: number, options: WholeOptions = {}): Field<number> {
  const what = options.what ?? `a whole number from ${min} to ${max}`;
  return {
    what,
    shape: { kind: "whole", min, max },
    problems(value) {
      if (typeof value !== "number" || !Number.isInteger(value)) {
        return at(`expected a whole number, got ${describeValue(value)}`);
      }
      if (value < min) return at(`must be at least ${min}, got ${value}`);
      if (value > max) return at(`must be at most ${max}, got ${value}`);
      if (options.test && !options.test(value)) return at(`${value} is not ${what}`);
      return ok;
    },
  };
}

/** A number above `min` (or at it, unless `minExclusive`) and at most `max`. */
export function decimal(
  min: number,
  max: number,
  options: { minExclusive?: boolean; what: string },
): Field<number> {
  const minExclusive = options.minExclusive ?? false;
  return {
    what: options.what,
    shape: { kind: "number", min, minExclusive, max },
    problems(value) {
      if (typeof value !== "number" || !Number.isFinite(value)) {
        return at(`expected a number, got ${describeValue(value)}`);
      }
      if ((minExclusive ? value <= min : value < min) || value > max)
        return at(`${value} is not ${options.what}`);
      return ok;
    },
  };
}

/** One of a fixed list of strings (an `as const` array of the contract). */
export function oneOf<const V extends string>(values: readonly V[]): Field<V> {
  const allowed = values.map((v) => JSON.stringify(v)).join(", ");
  return {
    what: `one of ${allowed}`,
    shape: { kind: "oneOf", values },
    problems(value) {
      if (typeof value === "string" && (values as readonly string[]).includes(value)) return ok;
      const hint = typeof value === "string" ? didYouMean(value, values) : "";
      return at(`expected one of ${allowed}, got ${describeValue(value)}${hint}`);
    },
  };
}

/** true or false. */
export function flag(): Field<boolean> {
  return {
    what: "true or false",
    shape: { kind: "flag" },
    problems: (value) =>
      typeof value === "boolean" ? ok : at(`expected true or false, got ${describeValue(value)}`),
  };
}

/** Every problem of a list's entries, each under its index. */
function entryProblems(item: Field<unknown>, entries: readonly unknown[]): Problem[] {
  return entries.flatMap((entry, i) => item.problems(entry).map((p) => ({ ...p, path: [i, ...p.path] })));
}

/** One value of `item`, or a non-empty list of them (a host may present several host keys). */
export function oneOrMore<T>(item: Field<T>, options: { what: string }): Field<T | readonly T[]> {
  return {
    what: options.what,
    shape: { kind: "list" },
    problems(value) {
      if (!Array.isArray(value)) return item.problems(value);
      if (value.length === 0) return at(`expected ${options.what}, got an empty list`);
      return entryProblems(item, value);
    },
  };
}

/** A list of `item` values, non-empty unless `allowEmpty`. */
export function list<T>(
  item: Field<T>,
  options: {
    what: string;
    /** An empty list is a choice (e.g. "tell chat nothing"), not a mistake. @default false */
    allowEmpty?: boolean;
  },
): Field<readonly T[]> {
  return {
    what: options.what,
    shape: { kind: "list" },
    problems(value) {
      if (!Array.isArray(value)) return at(`expected ${options.what}, got ${describeValue(value)}`);
      if (value.length === 0 && !options.allowEmpty) return at(`expected ${options.what}, got an empty list`);
      return entryProblems(item, value);
    },
  };
}

/** A field that may be left out. */
export interface Optional<F> {
  readonly optional: F;
}

/** Marks a field of a {@link Spec} as one that may be left out. */
export function optional<F extends Field<unknown>>(field: F): Optional<F> {
  return { optional: field };
}

/** The fields of an object, each required or {@link optional}. */
export type Spec = Readonly<Record<string, Field<unknown> | Optional<Field<unknown>>>>;

type RequiredKeys<S extends Spec> = { [K in keyof S]: S[K] extends Optional<unknown> ? never : K }[keyof S];
type OptionalKeys<S extends Spec> = Exclude<keyof S, RequiredKeys<S>>;

/** The object a {@link Spec} accepts. */
export type Shape<S extends Spec> = { readonly [K in RequiredKeys<S>]: ValueOf<S[K]> } & {
  readonly [K in OptionalKeys<S>]?: S[K] extends Optional<infer F> ? ValueOf<F> : never;
};

/** The field behind a spec entry, and whether it may be left out. */
export function entry(value: Field<unknown> | Optional<Field<unknown>>): {
  field: Field<unknown>;
  optional: boolean;
} {
  return "optional" in value ? { field: value.optional, optional: true } : { field: value, optional: false };
}

/** An object whose fields follow `spec` (other keys are ignored). */
export function object<S extends Spec>(spec: S, options: { what: string }): Field<Shape<S>> {
  return {
    what: options.what,
    shape: { kind: "object" },
    problems(value) {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return at(`expected ${options.what}, got ${describeValue(value)}`);
      }
      return specProblems(spec, value as Record<string, unknown>);
    },
  };
}

/**
 * Every problem of an object against a spec (unknown keys are the caller's to judge). With
 * `allOptional`, missing fields are fine (a settings block at one level).
 */
export function specProblems(
  spec: Spec,
  value: Readonly<Record<string, unknown>>,
  options: { readonly allOptional?: boolean } = {},
): Problem[] {
  return Object.entries(spec).flatMap(([key, rule]) => {
    const { field, optional } = entry(rule);
    const mayOmit = optional || options.allOptional === true;
    const own = value[key];
    if (own === undefined || own === null) {
      return mayOmit ? [] : [{ path: [key], message: `required (${field.what})` }];
    }
    return field.problems(own).map((p) => ({ ...p, path: [key, ...p.path] }));
  });
}
