import { z } from "zod";
import { describeValue, didYouMean } from "../../contract/text";
import { ConfigError, problemAt } from "./errors";
import { fleetProblems } from "./fleet-rules";
import { isRecord } from "./merge";
import { crossFieldProblems } from "./rules";
import { type RawConfig, rawConfigSchema } from "./schema";

const EXPECTED: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "an object",
  record: "an object",
};

/** Keys that are valid somewhere else: say where, which helps more than "unknown". */
const PLACEMENT: Readonly<Record<string, string>> = {
  instanceId: "only allowed in an instance (regions.<region>.instances[])",
  route53HealthCheckId: "only allowed in an instance (regions.<region>.instances[])",
  host: "only allowed in an instance's ssh block (the host differs per instance)",
  hostKeySha256: "only allowed in an instance's ssh block (each host has its own keys)",
  address: 'only allowed in an instance\'s "url" (the address differs per instance)',
  vpc: "only allowed in a region (regions.<region>.vpc)",
  instances: "only allowed in a region (regions.<region>.instances)",
  accountId: "only allowed in an account (accounts.<name>.accountId)",
  roleArn: "only allowed in an account (accounts.<name>.roleArn)",
  externalId: "only allowed in an account (accounts.<name>.externalId)",
  layout: "only allowed at the top level (one layout for the whole configuration)",
  operatorTopicArn:
    "only allowed in a region: CloudWatch alarm actions accept only an SNS topic in the alarm's own region, so one topic cannot serve every region; set regions.<region>.operatorTopicArn to an existing topic in that region, or list e-mail/https endpoints in operator.subscriptions and first-line creates <stackName>-<region>-operator in each region (accounts.<name>.regions.<region>.operatorTopicArn in a fleet)",
};

function plural(count: number | bigint, word: string): string {
  return `${count} ${word}${count === 1 || count === 1n ? "" : "s"}`;
}

/**
 * Messages for issues the schema's fields leave generic (missing, wrong type, out of range,
 * not in a list). Field-specific messages set in schema.ts take precedence over these.
 */
function genericMessage(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case "invalid_type": {
      const expected = EXPECTED[iss.expected] ?? iss.expected;
      return iss.input === undefined
        ? `required (${expected})`
        : `expected ${expected}, got ${describeValue(iss.input)}`;
    }
    case "too_small":
      if (iss.origin === "string") return "must not be empty";
      if (iss.origin === "array") return `must list at least ${plural(iss.minimum, "item")}`;
      return `must be ${iss.inclusive ? "at least" : "more than"} ${iss.minimum}, got ${describeValue(iss.input)}`;
    case "too_big":
      if (iss.origin === "string") return `must be at most ${plural(iss.maximum, "character")}`;
      if (iss.origin === "array") return `must list at most ${plural(iss.maximum, "item")}`;
      return `must be ${iss.inclusive ? "at most" : "less than"} ${iss.maximum}, got ${describeValue(iss.input)}`;
    case "invalid_value": {
      const allowed = iss.values.map((value) => JSON.stringify(value)).join(", ");
      const hint =
        typeof iss.input === "string"
          ? didYouMean(
              iss.input,
              iss.values.filter((value): value is string => typeof value === "string"),
            )
          : "";
      return `expected one of ${allowed}, got ${describeValue(iss.input)}${hint}`;
    }
    default:
      return undefined;
  }
}

/** An invalid_union branch that failed only because the value has the other branch's type. */
function isTypeMismatch(branch: readonly z.core.$ZodIssue[]): boolean {
  return branch.length === 1 && branch[0]?.code === "invalid_type" && branch[0].path.length === 0;
}

/**
 * One problem line per zod issue. An unknown-keys issue becomes one line per key. A union whose
 * value has the type of exactly one branch (an object where "string or object" is allowed)
 * reports that branch's own problems, which say far more than "matches no branch".
 */
function issueProblems(issue: z.core.$ZodIssue, allowedKeys: WeakMap<object, readonly string[]>): string[] {
  if (issue.code === "invalid_union" && issue.discriminator === undefined) {
    const candidates = issue.errors.filter((branch) => !isTypeMismatch(branch));
    const [only] = candidates;
    if (candidates.length === 1 && only !== undefined) {
      return only.flatMap((nested) =>
        issueProblems({ ...nested, path: [...issue.path, ...nested.path] }, allowedKeys),
      );
    }
  }
  if (issue.code !== "unrecognized_keys") return [problemAt(issue.path, issue.message)];
  const allowed = (issue.input && allowedKeys.get(issue.input)) ?? [];
  return issue.keys.map((key) => {
    const placement = PLACEMENT[key];
    const suggestion = didYouMean(key, allowed);
    let message: string;
    if (placement) message = placement;
    else if (suggestion) message = `unknown key${suggestion}`;
    else message = `unknown key; allowed here: ${allowed.join(", ")}`;
    return problemAt([...issue.path, key], message);
  });
}

/**
 * Validates the raw document against the schema and the cross-field rules, and throws one
 * {@link ConfigError} listing every problem. `source` names where the document came from.
 * @returns the document, typed, ready for {@link resolveConfig}
 */
export function validateConfig(raw: unknown, source = "configuration"): RawConfig {
  // Unknown-key suggestions need the keys allowed at that place; zod hands the object schema
  // only to the error map, so remember them there, by the offending object itself (paths of
  // issues inside unions are relative when the map sees them).
  const allowedKeys = new WeakMap<object, readonly string[]>();
  const result = rawConfigSchema.safeParse(raw, {
    reportInput: true,
    error: (iss) => {
      if (iss.code === "unrecognized_keys") {
        if (iss.inst instanceof z.ZodObject && isRecord(iss.input)) {
          allowedKeys.set(iss.input, Object.keys(iss.inst.shape));
        }
        return "unknown key";
      }
      return genericMessage(iss);
    },
  });
  const schemaProblems = result.success
    ? []
    : result.error.issues.flatMap((issue) => issueProblems(issue, allowedKeys));
  const problems = [...new Set([...schemaProblems, ...crossFieldProblems(raw), ...fleetProblems(raw)])];
  if (!result.success || problems.length > 0) {
    throw new ConfigError(
      `Invalid first-line configuration (${source}): ${plural(problems.length, "problem")}; fix ${problems.length === 1 ? "it" : "them"} and run again:`,
      problems,
    );
  }
  return result.data;
}
