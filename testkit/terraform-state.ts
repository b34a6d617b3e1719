/**
 * A Terraform state (format 4) for a stack as if its `create` plan had been applied, built
 * without AWS: the plan's planned values, with every value only apply knows (ids, ARNs, URLs,
 * dates) filled in plausibly from the resource's own names, region and account, typed by the
 * provider's schema (`terraform providers schema -json`). Values that refer to another resource
 * (a role's ARN in a function) are settled by planning against the state and taking what the
 * plan says ({@link settleState}), until the plan is empty. For plans whose prior state must be
 * "deployed" (scripts/plan-fixtures.ts). Pure: no terraform here, no clock, no randomness (ids
 * derive from addresses), so the same plan always gives the same state.
 */
import { createHash } from "node:crypto";
import { changesNothing } from "./terraform-plan";

type Json = Record<string, unknown>;

/** A cty type as `terraform providers schema -json` writes it. */
export type CtyType =
  | "string"
  | "number"
  | "bool"
  | "dynamic"
  | readonly ["list" | "set" | "map", CtyType]
  | readonly ["object", Readonly<Record<string, CtyType>>]
  | readonly ["tuple", readonly CtyType[]];

/** A schema block: attributes and nested blocks. */
export interface SchemaBlock {
  readonly attributes?: Readonly<Record<string, { readonly type?: CtyType }>>;
  readonly block_types?: Readonly<
    Record<
      string,
      { readonly nesting_mode: string; readonly block: SchemaBlock; readonly max_items?: number }
    >
  >;
}

/** The parts of `terraform providers schema -json` read here. */
export interface ProviderSchemas {
  readonly provider_schemas: Readonly<
    Record<string, { readonly resource_schemas?: Readonly<Record<string, { readonly block: SchemaBlock }>> }>
  >;
}

/** The parts of `terraform show -json <planfile>` read here. */
export interface FullPlanJson {
  readonly terraform_version: string;
  readonly planned_values?: {
    readonly root_module?: {
      readonly resources?: readonly {
        readonly address: string;
        readonly mode: string;
        readonly type: string;
        readonly name: string;
        readonly provider_name: string;
        readonly schema_version: number;
        readonly values?: Json;
      }[];
    };
  };
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly mode: string;
    readonly type: string;
    readonly name: string;
    readonly change: {
      readonly actions: readonly string[];
      readonly after?: Json | null;
      readonly after_unknown?: Json;
    };
  }[];
  readonly output_changes?: Readonly<
    Record<
      string,
      { readonly actions: readonly string[]; readonly after?: unknown; readonly after_unknown?: unknown }
    >
  >;
  readonly configuration: {
    readonly provider_config?: Readonly<
      Record<
        string,
        {
          readonly alias?: string;
          readonly expressions?: { readonly region?: { readonly constant_value?: unknown } };
        }
      >
    >;
    readonly root_module: {
      readonly resources?: readonly { readonly address: string; readonly provider_config_key?: string }[];
    };
  };
}

/** One managed resource in a state file. */
export interface StateResource {
  readonly mode: "managed";
  readonly type: string;
  readonly name: string;
  /** `provider["registry.terraform.io/hashicorp/aws"].<alias>` */
  readonly provider: string;
  readonly instances: {
    readonly schema_version: number;
    attributes: Json;
    readonly sensitive_attributes: readonly unknown[];
  }[];
}

/** A state file, format 4. */
export interface TerraformState {
  readonly version: 4;
  readonly terraform_version: string;
  serial: number;
  readonly lineage: string;
  readonly outputs: Record<string, { value: unknown; type: unknown }>;
  readonly resources: StateResource[];
}

/** Where a resource lives, for the values only AWS would assign. */
interface Context {
  readonly type: string;
  readonly address: string;
  readonly region: string;
  readonly accountId: string;
  /** The resource's values so far (names, and what earlier fills gave). */
  readonly values: Json;
}

const str = (value: unknown): string => (typeof value === "string" ? value : "");

/** A stable hex digest of `text` (ids and suffixes AWS would make up). */
function digest(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** A UUID-shaped id derived from `text`. */
function uuidOf(text: string): string {
  const h = digest(text, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A fixed moment for every date apply would record. */
const APPLIED_AT = "2026-01-01T00:00:00Z";

/** ARNs of the resource types first-line creates, as AWS forms them. */
const ARNS: Readonly<Record<string, (c: Context) => string>> = {
  aws_iam_role: (c) => `arn:aws:iam::${c.accountId}:role/${str(c.values.name)}`,
  aws_cloudwatch_log_group: (c) => `arn:aws:logs:${c.region}:${c.accountId}:log-group:${str(c.values.name)}`,
  aws_lambda_function: (c) =>
    `arn:aws:lambda:${c.region}:${c.accountId}:function:${str(c.values.function_name)}`,
  aws_sqs_queue: (c) => `arn:aws:sqs:${c.region}:${c.accountId}:${str(c.values.name)}`,
  aws_dynamodb_table: (c) => `arn:aws:dynamodb:${c.region}:${c.accountId}:table/${str(c.values.name)}`,
  aws_sfn_state_machine: (c) =>
    `arn:aws:states:${c.region}:${c.accountId}:stateMachine:${str(c.values.name)}`,
  aws_cloudwatch_event_rule: (c) => `arn:aws:events:${c.region}:${c.accountId}:rule/${str(c.values.name)}`,
  aws_cloudwatch_metric_alarm: (c) =>
    `arn:aws:cloudwatch:${c.region}:${c.accountId}:alarm:${str(c.values.alarm_name)}`,
  aws_cloudwatch_dashboard: (c) =>
    `arn:aws:cloudwatch::${c.accountId}:dashboard/${str(c.values.dashboard_name)}`,
  aws_sns_topic: (c) => `arn:aws:sns:${c.region}:${c.accountId}:${str(c.values.name)}`,
  aws_sns_topic_subscription: (c) =>
    `${str(c.values.topic_arn) || `arn:aws:sns:${c.region}:${c.accountId}:topic`}:${uuidOf(c.address)}`,
};

/** `id` of each type, as the provider records it. */
const IDS: Readonly<Record<string, (c: Context) => string>> = {
  aws_iam_role: (c) => str(c.values.name),
  aws_iam_role_policy: (c) => `${str(c.values.role)}:${str(c.values.name)}`,
  aws_cloudwatch_log_group: (c) => str(c.values.name),
  aws_lambda_function: (c) => str(c.values.function_name),
  aws_sqs_queue: (c) => str(c.values.url),
  aws_sqs_queue_policy: (c) => str(c.values.queue_url),
  aws_dynamodb_table: (c) => str(c.values.name),
  aws_sfn_state_machine: (c) => str(c.values.arn),
  aws_cloudwatch_event_rule: (c) => str(c.values.name),
  aws_cloudwatch_event_target: (c) => `${str(c.values.rule)}-${str(c.values.target_id)}`,
  aws_cloudwatch_metric_alarm: (c) => str(c.values.alarm_name),
  aws_cloudwatch_dashboard: (c) => str(c.values.dashboard_name),
  aws_sns_topic: (c) => str(c.values.arn),
  aws_sns_topic_subscription: (c) => str(c.values.arn),
};

/** Other values apply assigns, by type and attribute (the rest get their type's empty value). */
const ASSIGNED: Readonly<Record<string, Readonly<Record<string, (c: Context) => unknown>>>> = {
  aws_iam_role: {
    unique_id: (c) => `AROA${digest(c.address, 17).toUpperCase()}`,
    create_date: () => APPLIED_AT,
  },
  aws_lambda_function: {
    invoke_arn: (c) =>
      `arn:aws:apigateway:${c.region}:lambda:path/2015-03-31/functions/${str(c.values.arn)}/invocations`,
    qualified_arn: (c) => `${str(c.values.arn)}:$LATEST`,
    qualified_invoke_arn: (c) =>
      `arn:aws:apigateway:${c.region}:lambda:path/2015-03-31/functions/${str(c.values.arn)}:$LATEST/invocations`,
    version: () => "$LATEST",
    last_modified: () => "2026-01-01T00:00:00.000+0000",
    code_sha256: (c) => str(c.values.source_code_hash),
  },
  aws_sqs_queue: {
    url: (c) => `https://sqs.${c.region}.amazonaws.com/${c.accountId}/${str(c.values.name)}`,
  },
  aws_sfn_state_machine: {
    creation_date: () => APPLIED_AT,
    status: () => "ACTIVE",
  },
  aws_sns_topic: { owner: (c) => c.accountId },
  aws_sns_topic_subscription: { owner_id: (c) => c.accountId },
  aws_cloudwatch_event_target: { target_id: (c) => `first-line-${digest(c.address, 8)}` },
};

/** The AWS service of a resource type (`aws_sqs_queue` -> `sqs`), for an ARN no table names. */
function serviceOf(type: string): string {
  return type.replace(/^aws_/, "").split("_")[0] ?? "aws";
}

/** The value apply would give `attribute` of the resource in `c`, of type `type`. */
function assigned(attribute: string, type: CtyType | undefined, c: Context): unknown {
  if (attribute === "arn") {
    const arn = ARNS[c.type];
    return arn ? arn(c) : `arn:aws:${serviceOf(c.type)}:${c.region}:${c.accountId}:${c.address}`;
  }
  // Never empty: Terraform reads an empty id as "gone" and plans a replacement. What it is built
  // from may be settled only later (a policy's queue URL); rederive builds it again then.
  if (attribute === "id") return IDS[c.type]?.(c) || `${c.type}-${digest(c.address, 12)}`;
  const special = ASSIGNED[c.type]?.[attribute];
  return special ? special(c) : emptyOf(type);
}

/** The empty value of a type: "", 0, false, [], {}, or an object of empty attributes. */
function emptyOf(type: CtyType | undefined): unknown {
  if (type === undefined || type === "dynamic") return null;
  if (type === "string") return "";
  if (type === "number") return 0;
  if (type === "bool") return false;
  const [kind, inner] = type;
  if (kind === "list" || kind === "set" || kind === "tuple") return [];
  if (kind === "map") return {};
  return Object.fromEntries(
    Object.entries(inner as Record<string, CtyType>).map(([k, t]) => [k, emptyOf(t)]),
  );
}

/**
 * `value` with every place `unknown` marks `true` filled: top-level attributes by what apply
 * assigns; inside nested blocks and collections by their schema type's empty value.
 */
function fillUnknown(value: unknown, unknown: unknown, block: SchemaBlock | undefined, c: Context): unknown {
  if (typeof unknown !== "object" || unknown === null) return value;
  if (Array.isArray(unknown)) {
    const items = Array.isArray(value) ? [...value] : [];
    unknown.forEach((mark, i) => {
      items[i] = mark === true ? (items[i] ?? null) : fillUnknown(items[i], mark, block, c);
    });
    return items;
  }
  const out: Json = typeof value === "object" && value !== null ? { ...(value as Json) } : {};
  for (const [key, mark] of Object.entries(unknown as Json)) {
    const attribute = block?.attributes?.[key];
    const nested = block?.block_types?.[key];
    if (mark === true) {
      out[key] = nested ? (nested.nesting_mode === "single" ? null : []) : emptyOf(attribute?.type);
    } else {
      out[key] = fillUnknown(out[key], mark, nested?.block, c);
    }
  }
  return out;
}

/** The top-level attributes apply assigns, filled in dependency order (`arn` before `id`, `url` before `id`). */
function assignTopLevel(values: Json, unknown: Json, block: SchemaBlock, c: Omit<Context, "values">): Json {
  const out: Json = { ...values };
  const order = Object.keys(unknown).sort((a, b) => rank(a) - rank(b));
  for (const key of order) {
    if (unknown[key] !== true || block.block_types?.[key]) continue;
    out[key] = assigned(key, block.attributes?.[key]?.type, { ...c, values: out });
  }
  return out;
}

/** `id` and values built from `arn` come last. */
function rank(attribute: string): number {
  if (attribute === "id") return 3;
  if (attribute === "arn" || attribute === "url" || attribute === "target_id") return 1;
  return 2;
}

/** Every attribute of the schema present (null when absent), as a state records them. */
function complete(values: Json, block: SchemaBlock): Json {
  const out: Json = {};
  for (const key of Object.keys(block.attributes ?? {})) out[key] = values[key] ?? null;
  for (const [key, nested] of Object.entries(block.block_types ?? {})) {
    const value = values[key];
    const items = Array.isArray(value) ? value : [];
    out[key] =
      nested.nesting_mode === "single" || nested.nesting_mode === "group"
        ? value && typeof value === "object" && !Array.isArray(value)
          ? complete(value as Json, nested.block)
          : null
        : items.map((item) => complete(item as Json, nested.block));
  }
  return out;
}

const AWS_PROVIDER = "registry.terraform.io/hashicorp/aws";

function schemaOf(schemas: ProviderSchemas, type: string): SchemaBlock {
  const block = schemas.provider_schemas[AWS_PROVIDER]?.resource_schemas?.[type]?.block;
  if (!block) throw new Error(`the provider schema has no resource type ${type}`);
  return block;
}

/** The alias and region of the provider configuration each resource address uses. */
function providersOf(plan: FullPlanJson): Map<string, { alias: string; region: string }> {
  const out = new Map<string, { alias: string; region: string }>();
  for (const r of plan.configuration.root_module.resources ?? []) {
    const config = plan.configuration.provider_config?.[r.provider_config_key ?? ""];
    const region = config?.expressions?.region?.constant_value;
    if (config?.alias === undefined || typeof region !== "string") {
      throw new Error(`${r.address}: provider ${r.provider_config_key} has no alias or constant region`);
    }
    out.set(r.address, { alias: config.alias, region });
  }
  return out;
}

/** The cty type of an output's value as Terraform infers it from HCL JSON (arrays are tuples). */
function outputType(value: unknown): unknown {
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) return ["tuple", value.map(outputType)];
  if (value && typeof value === "object")
    return ["object", Object.fromEntries(Object.entries(value).map(([k, v]) => [k, outputType(v)]))];
  return "dynamic";
}

/**
 * The state a `create` plan leaves once applied: its planned values, every value only apply
 * knows filled in (see the module comment), in account `accountId`.
 */
export function stateFromCreatePlan(
  plan: FullPlanJson,
  schemas: ProviderSchemas,
  options: { readonly accountId: string; readonly lineageSeed: string },
): TerraformState {
  const providers = providersOf(plan);
  const unknownOf = new Map(
    (plan.resource_changes ?? []).map((rc) => [rc.address, rc.change.after_unknown ?? {}]),
  );
  const resources: StateResource[] = (plan.planned_values?.root_module?.resources ?? [])
    .filter((r) => r.mode === "managed")
    .map((r) => {
      const provider = providers.get(r.address);
      if (!provider) throw new Error(`${r.address}: not in the plan's configuration`);
      const block = schemaOf(schemas, r.type);
      const unknown = unknownOf.get(r.address) ?? {};
      const c = { type: r.type, address: r.address, region: provider.region, accountId: options.accountId };
      const top = assignTopLevel(r.values ?? {}, unknown, block, c);
      const filled = fillUnknown(top, nestedOnly(unknown, block), block, { ...c, values: top }) as Json;
      return {
        mode: "managed",
        type: r.type,
        name: r.name,
        provider: `provider["${AWS_PROVIDER}"].${provider.alias}`,
        instances: [
          { schema_version: r.schema_version, attributes: complete(filled, block), sensitive_attributes: [] },
        ],
      };
    });
  return {
    version: 4,
    terraform_version: plan.terraform_version,
    serial: 1,
    lineage: uuidOf(options.lineageSeed),
    outputs: {},
    resources,
  };
}

/** The marks of `unknown` left once top-level attributes are assigned: nested blocks and collections. */
function nestedOnly(unknown: Json, block: SchemaBlock): Json {
  return Object.fromEntries(
    Object.entries(unknown).filter(([key, mark]) => mark !== true || block.block_types?.[key] !== undefined),
  );
}

/** `after` where known, `before` where `unknown` marks the value as known only after apply. */
function knownOver(before: unknown, after: unknown, unknown: unknown): unknown {
  if (unknown === true) return before;
  if (typeof unknown !== "object" || unknown === null) return after;
  if (Array.isArray(after)) {
    const marks = Array.isArray(unknown) ? unknown : [];
    const prior = Array.isArray(before) ? before : [];
    return after.map((item, i) => knownOver(prior[i], item, marks[i]));
  }
  if (typeof after !== "object" || after === null) return after;
  const prior = typeof before === "object" && before !== null ? (before as Json) : {};
  const out: Json = { ...(after as Json) };
  for (const [key, mark] of Object.entries(unknown as Json)) out[key] = knownOver(prior[key], out[key], mark);
  return out;
}

/** What a plan against a state still changes, one line per resource or output. */
export function pendingChanges(plan: FullPlanJson): string[] {
  return [
    ...(plan.resource_changes ?? [])
      .filter((rc) => rc.mode === "managed" && !changesNothing(rc.change.actions))
      .map((rc) => `${rc.change.actions.join(",")} ${rc.address}`),
    ...Object.entries(plan.output_changes ?? {})
      .filter(([, oc]) => !changesNothing(oc.actions))
      .map(([name, oc]) => `${oc.actions.join(",")} output ${name}`),
  ];
}

/**
 * The state moved toward what `plan` (a plan of the same configuration against `state`) says:
 * each changed resource takes the plan's known values (values known only after apply keep the
 * state's), and each output its planned value. Returns a new state with the serial increased.
 */
export function settleState(state: TerraformState, plan: FullPlanJson): TerraformState {
  const next: TerraformState = structuredClone(state);
  next.serial = state.serial + 1;
  const byAddress = new Map(next.resources.map((r) => [`${r.type}.${r.name}`, r]));
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== "managed" || changesNothing(rc.change.actions)) continue;
    const resource = byAddress.get(rc.address);
    const instance = resource?.instances[0];
    if (!instance || !rc.change.after) {
      throw new Error(
        `${rc.address}: the plan ${rc.change.actions.join(",")}s it, but the state cannot settle that`,
      );
    }
    instance.attributes = knownOver(
      instance.attributes,
      rc.change.after,
      rc.change.after_unknown ?? {},
    ) as Json;
  }
  for (const [name, oc] of Object.entries(plan.output_changes ?? {})) {
    if (oc.after_unknown === true || oc.actions.includes("delete")) continue;
    next.outputs[name] = { value: oc.after, type: outputType(oc.after) };
  }
  return next;
}

/**
 * The values apply derives from other values (an `id` from an `arn`, a subscription's ARN from
 * its topic's), recomputed once the state has settled: the first fill made them from values a
 * reference later replaced.
 */
export function rederive(
  state: TerraformState,
  regionOf: (alias: string) => string,
  accountId: string,
): TerraformState {
  const next: TerraformState = structuredClone(state);
  for (const r of next.resources) {
    const alias = r.provider.slice(r.provider.lastIndexOf("].") + 2);
    const instance = r.instances[0];
    if (!instance) continue;
    const c = { type: r.type, address: `${r.type}.${r.name}`, region: regionOf(alias), accountId };
    const values = instance.attributes;
    if (r.type === "aws_sns_topic_subscription") values.arn = assigned("arn", "string", { ...c, values });
    if (IDS[r.type]) values.id = assigned("id", "string", { ...c, values });
  }
  return next;
}
