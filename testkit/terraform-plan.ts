/**
 * Reading `terraform show -json <plan>`: the planned resources with the region each is planned
 * in (through its provider configuration), and the values Terraform will send.
 */

/** The parts of Terraform's JSON plan format (1.x) read here. */
export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version: string;
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly mode: "managed" | "data";
    readonly type: string;
    readonly change: {
      readonly actions: readonly string[];
      readonly after?: Record<string, unknown> | null;
      readonly after_unknown?: Record<string, unknown>;
    };
  }[];
  readonly configuration: {
    readonly provider_config?: Readonly<
      Record<string, { readonly alias?: string; readonly expressions?: Record<string, unknown> }>
    >;
    readonly root_module: {
      readonly resources?: readonly { readonly address: string; readonly provider_config_key?: string }[];
    };
  };
}

/** One managed resource in the plan. */
export interface PlannedResource {
  readonly address: string;
  readonly type: string;
  readonly actions: readonly string[];
  /** The region of the provider configuration it is planned with. */
  readonly region: string;
  /**
   * The alias of that provider configuration: the region's key (`eu-west-1`, or
   * `prod-eu-west-1` with accounts), which tells apart one region name in several accounts.
   */
  readonly alias: string;
  /** The values Terraform will send (unknown values absent). */
  readonly after: Record<string, unknown>;
  /** What is known only after apply (`true` per attribute, nested like `after`). */
  readonly afterUnknown: Record<string, unknown>;
}

function providerOfResource(plan: PlanJson, key: string | undefined): { region: string; alias: string } {
  const config = plan.configuration.provider_config?.[key ?? ""];
  const region = (config?.expressions?.region as { constant_value?: unknown } | undefined)?.constant_value;
  if (typeof region !== "string")
    throw new Error(`plan: provider configuration ${key} has no constant region`);
  if (config?.alias === undefined) throw new Error(`plan: provider configuration ${key} has no alias`);
  return { region, alias: config.alias };
}

/** Every managed resource of the plan with its region. */
export function plannedResources(plan: PlanJson): PlannedResource[] {
  const providerOf = new Map(
    (plan.configuration.root_module.resources ?? []).map((r) => [r.address, r.provider_config_key]),
  );
  return (plan.resource_changes ?? [])
    .filter((change) => change.mode === "managed")
    .map((change) => ({
      address: change.address,
      type: change.type,
      actions: change.change.actions,
      ...providerOfResource(plan, providerOf.get(change.address)),
      after: change.change.after ?? {},
      afterUnknown: change.change.after_unknown ?? {},
    }));
}

/** How many resources per value of `field` (`region`, or `alias`: per region key), values sorted. */
export function countBy<F extends "region" | "alias">(
  resources: readonly Readonly<Record<F, string>>[],
  field: F,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of resources.map((r) => r[field]).sort((a, b) => a.localeCompare(b))) {
    counts[value] = (counts[value] ?? 0) + 1;
  }
  return counts;
}

/** The first element of a nested block as the plan shows it (a list of one). */
export function nestedBlock(value: unknown): Record<string, unknown> | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "object" && first !== null ? (first as Record<string, unknown>) : undefined;
}

/** Actions that change nothing deployed (a plan entry that is no change). */
export function changesNothing(actions: readonly string[]): boolean {
  return actions.every((a) => a === "no-op" || a === "read");
}

type JsonObject = Record<string, unknown>;

/** Only `keys` of `value`, in that order, those it has. */
function pick(value: unknown, keys: readonly string[]): JsonObject {
  const from = (value ?? {}) as JsonObject;
  return Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]]));
}

/**
 * `terraform show -json <plan>` cut to what the review summary reads (scripts/lib/plan-json.ts),
 * for the committed plan fixtures: the resource and output changes that change something (no-op
 * and read entries dropped), each provider configuration's identity and region (not the test
 * environment's fake keys), and the configuration's resource addresses with their providers.
 */
export function trimPlanForFixture(plan: JsonObject): JsonObject {
  const configuration = (plan.configuration ?? {}) as JsonObject;
  const providers = (configuration.provider_config ?? {}) as Record<string, JsonObject>;
  const rootModule = (configuration.root_module ?? {}) as { resources?: unknown[] };
  const changes = (plan.resource_changes ?? []) as { mode: string; change: { actions: string[] } }[];
  const outputs = (plan.output_changes ?? {}) as Record<string, { actions: string[] }>;
  return {
    ...pick(plan, ["format_version", "terraform_version"]),
    resource_changes: changes
      .filter((rc) => rc.mode === "managed" && !changesNothing(rc.change.actions))
      .map((rc) => ({
        ...pick(rc, [
          "address",
          "previous_address",
          "mode",
          "type",
          "name",
          "provider_name",
          "action_reason",
        ]),
        change: pick(rc.change, [
          "actions",
          "before",
          "after",
          "after_unknown",
          "before_sensitive",
          "after_sensitive",
          "replace_paths",
        ]),
      })),
    output_changes: Object.fromEntries(
      Object.entries(outputs).filter(([, change]) => !changesNothing(change.actions)),
    ),
    configuration: {
      provider_config: Object.fromEntries(
        Object.entries(providers).map(([key, provider]) => {
          const region = (provider.expressions as JsonObject | undefined)?.region;
          return [
            key,
            {
              ...pick(provider, ["name", "full_name", "alias", "version_constraint"]),
              ...(region === undefined ? {} : { expressions: { region } }),
            },
          ];
        }),
      ),
      root_module: {
        resources: (rootModule.resources ?? []).map((r) =>
          pick(r, ["address", "mode", "type", "name", "provider_config_key"]),
        ),
      },
    },
  };
}
