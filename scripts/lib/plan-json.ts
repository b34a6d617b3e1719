/**
 * Reads a real plan: the output of `terraform show -json <planfile>` (format 1.x). Each
 * resource change becomes a ResourceChange with its region (the aliased provider its
 * configuration uses; for resources only the state knows, the region its cdktf name starts
 * with) and the attributes that change, read through value-diff.
 */
import { readFileSync } from "node:fs";
import type { ResourceChange } from "./changes";
import { pathFromName, STACK_WIDE } from "./synth-output";
import { attributeChanges } from "./value-diff";

type Json = Record<string, unknown>;

interface PlanResourceChange {
  readonly address: string;
  readonly previous_address?: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before: Json | null;
    readonly after: Json | null;
    readonly after_unknown?: Json;
    readonly before_sensitive?: Json | boolean;
    readonly after_sensitive?: Json | boolean;
    readonly replace_paths?: readonly (readonly (string | number)[])[];
  };
  readonly action_reason?: string;
}

/** The parts of `terraform show -json` the summary reads. */
export interface PlanDocument {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly PlanResourceChange[];
  readonly configuration?: {
    readonly provider_config?: Readonly<Record<string, { readonly alias?: string; readonly name?: string }>>;
    readonly root_module?: {
      readonly resources?: readonly { address: string; provider_config_key?: string }[];
    };
  };
  readonly errored?: boolean;
}

/** A parsed plan. */
export interface Plan {
  readonly file: string;
  /** Provider aliases the configuration declares. */
  readonly regions: readonly string[];
  /** Addresses of the resources the configuration declares (to match the plan to a stack). */
  readonly addresses: ReadonlySet<string>;
  readonly changes: readonly ResourceChange[];
}

/** Terraform's actions -> one word. */
export function actionOf(actions: readonly string[]): ResourceChange["action"] | undefined {
  const key = actions.join(",");
  if (key === "create") return "create";
  if (key === "update") return "update";
  if (key === "delete") return "delete";
  if (key === "delete,create" || key === "create,delete") return "replace";
  if (key === "forget") return "forget";
  return undefined; // no-op, read
}

/** Reads and checks a `terraform show -json` file; the error names the file and what is wrong. */
export function parsePlan(file: string, text: string, stack: string): Plan {
  let doc: PlanDocument;
  try {
    doc = JSON.parse(text) as PlanDocument;
  } catch (err) {
    throw new Error(
      `${file}: not JSON (${(err as Error).message}); pass the output of terraform show -json <planfile>`,
    );
  }
  if (typeof doc.format_version !== "string" || !Array.isArray(doc.resource_changes ?? [])) {
    throw new Error(
      `${file}: not a plan (no format_version); pass the output of terraform show -json <planfile>`,
    );
  }
  if (!doc.format_version.startsWith("1.")) {
    throw new Error(`${file}: plan format ${doc.format_version} is not supported (1.x is)`);
  }
  if (doc.errored) throw new Error(`${file}: the plan errored; a failed plan has no changes to summarize`);
  const keyOf = new Map<string, string>();
  for (const r of doc.configuration?.root_module?.resources ?? []) {
    if (r.provider_config_key) keyOf.set(r.address, r.provider_config_key);
  }
  const aliasOf = (key: string | undefined) => {
    const provider = key ? doc.configuration?.provider_config?.[key] : undefined;
    return provider?.alias ?? (key?.startsWith("aws.") ? key.slice(4) : undefined);
  };
  const regions = [
    ...new Set(
      Object.values(doc.configuration?.provider_config ?? {}).flatMap((p) => (p.alias ? [p.alias] : [])),
    ),
  ].sort();
  // Longest first, so `eu-west-1` never claims a name of `eu-west-10` (or an account prefix).
  const byLength = [...regions].sort((a, b) => b.length - a.length);
  const regionOf = (rc: PlanResourceChange) =>
    aliasOf(keyOf.get(rc.address)) ?? byLength.find((r) => rc.name.startsWith(`${r}_`)) ?? STACK_WIDE;

  const changes: ResourceChange[] = [];
  for (const rc of doc.resource_changes ?? []) {
    if (rc.mode !== "managed") continue;
    const moved = rc.previous_address !== undefined && rc.previous_address !== rc.address;
    const action = actionOf(rc.change.actions) ?? (moved ? "move" : undefined);
    if (!action) continue;
    const region = regionOf(rc);
    const before = rc.change.before ?? {};
    const after = rc.change.after ?? {};
    const sensitive = {
      ...(typeof rc.change.before_sensitive === "object" ? rc.change.before_sensitive : {}),
      ...(typeof rc.change.after_sensitive === "object" ? rc.change.after_sensitive : {}),
    };
    changes.push({
      stack,
      address: rc.address,
      type: rc.type,
      region,
      path: pathFromName(rc.name, region),
      action,
      attributes:
        action === "update" || action === "replace" || action === "move"
          ? attributeChanges(rc.type, before, after, rc.change.after_unknown ?? {}, sensitive)
          : [],
      replaceBecause: [...new Set((rc.change.replace_paths ?? []).map((p) => String(p[0])))].sort(),
      ...(moved ? { previousAddress: rc.previous_address } : {}),
      source: "plan",
    });
  }
  return {
    file,
    regions,
    addresses: new Set([...keyOf.keys()]),
    changes,
  };
}

/** Reads a plan file. */
export function readPlan(file: string, stack: string): Plan {
  return parsePlan(file, readFileSync(file, "utf8"), stack);
}
