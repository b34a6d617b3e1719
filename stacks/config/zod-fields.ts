import { z } from "zod";
import { entry, type Field, type Spec } from "../../contract/fields";

/**
 * The zod schema of a contract field: the config accepts exactly what the field accepts, with the
 * field's own messages (one per problem, at the problem's path), so the config and the function
 * that later receives the value can never disagree.
 */
export function zodField<T>(field: Field<T>): z.ZodType<T> {
  return z.custom<T>().superRefine((value, ctx) => {
    if (value === undefined) {
      ctx.addIssue({ code: "custom", message: `required (${field.what})` });
      return;
    }
    for (const problem of field.problems(value)) {
      ctx.addIssue({ code: "custom", message: problem.message, path: [...problem.path] });
    }
  });
}

/** A zod object shape of `spec` with every field optional (a settings block at any level). */
export function optionalFields<S extends Spec>(spec: S): { [K in keyof S]: z.ZodOptional<z.ZodType> } {
  return Object.fromEntries(
    Object.entries(spec).map(([key, rule]) => [key, zodField(entry(rule).field).optional()]),
  ) as { [K in keyof S]: z.ZodOptional<z.ZodType> };
}

/** A zod object shape of `spec`, required fields required and optional ones optional. */
export function specFields<S extends Spec>(spec: S): { [K in keyof S]: z.ZodType } {
  return Object.fromEntries(
    Object.entries(spec).map(([key, rule]) => {
      const { field, optional } = entry(rule);
      return [key, optional ? zodField(field).optional() : zodField(field)];
    }),
  ) as { [K in keyof S]: z.ZodType };
}
