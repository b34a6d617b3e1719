/**
 * Reading synthesized Terraform JSON (the one reference resolver of the repository): typed access to resources and data sources, and a resolver
 * that turns `${type.id.attr}` references into the concrete values AWS would give them, so IAM
 * policies can be evaluated as they will be after apply.
 */

/** One resource or data source block as cdktf writes it. */
export type TfBlock = Record<string, unknown>;

/** The parts of cdk.tf.json the tests read. */
export interface TfJson {
  readonly terraform?: {
    readonly backend?: Record<string, Record<string, unknown>>;
    readonly cloud?: Record<string, unknown>;
  };
  readonly provider?: Record<string, readonly TfBlock[]>;
  readonly resource?: Record<string, Record<string, TfBlock>>;
  readonly data?: Record<string, Record<string, TfBlock>>;
}

/** One block with its address parts. */
export interface TfEntry {
  readonly kind: "resource" | "data";
  readonly type: string;
  readonly id: string;
  /** Terraform address, e.g. `aws_lambda_function.eu-west-1_url-check_function_9AF75D52`. */
  readonly address: string;
  readonly body: TfBlock;
}

/** The fake account every resolved ARN lives in. */
export const ACCOUNT_ID = "123456789012";

/** Every resource of `type` (all types when omitted). */
export function resources(tf: TfJson, type?: string): TfEntry[] {
  return entries(tf, "resource", type);
}

/** Every data source of `type` (all types when omitted). */
export function dataSources(tf: TfJson, type?: string): TfEntry[] {
  return entries(tf, "data", type);
}

function entries(tf: TfJson, kind: "resource" | "data", type?: string): TfEntry[] {
  const blocks = (kind === "resource" ? tf.resource : tf.data) ?? {};
  const out: TfEntry[] = [];
  for (const [t, byId] of Object.entries(blocks)) {
    if (type !== undefined && t !== type) continue;
    for (const [id, body] of Object.entries(byId)) {
      const address = kind === "resource" ? `${t}.${id}` : `data.${t}.${id}`;
      out.push({ kind, type: t, id, address, body });
    }
  }
  return out;
}

/** The alias -> region map of the declared aws providers. */
export function providerRegions(tf: TfJson): Map<string, string> {
  const map = new Map<string, string>();
  for (const p of tf.provider?.aws ?? []) {
    if (typeof p.alias === "string" && typeof p.region === "string") map.set(p.alias, p.region);
  }
  return map;
}

/** The region a block is created in, read from its `provider = "aws.<alias>"`. */
export function regionOf(tf: TfJson, body: TfBlock): string {
  const provider = body.provider;
  const alias = typeof provider === "string" ? provider.replace(/^aws\./, "") : undefined;
  const region = alias === undefined ? undefined : providerRegions(tf).get(alias);
  if (region === undefined) throw new Error(`block has no resolvable provider: ${String(provider)}`);
  return region;
}

/**
 * The block at a Terraform address (`aws_x.id` or `data.aws_x.id`, as {@link referencedAddress}
 * gives it), or undefined when there is no address or the stack has no such block.
 */
export function blockByAddress(tf: TfJson, address: string | undefined): TfBlock | undefined {
  if (address === undefined) return undefined;
  const isData = address.startsWith("data.");
  const [type = "", id = ""] = (isData ? address.slice("data.".length) : address).split(".");
  return (isData ? tf.data : tf.resource)?.[type]?.[id];
}

function stringAttr(body: TfBlock, attr: string, address: string): string {
  const value = body[attr];
  if (typeof value !== "string") throw new Error(`${address}.${attr} is not a string`);
  return value;
}

const REFERENCE = /\$\{([^{}]+)\}/g;

/**
 * The value a reference will have after apply, computed from the referenced block's own
 * attributes the way AWS builds the ARN. Unknown references throw: a test must never pass
 * because a reference silently stayed unresolved.
 */
function resolveReference(tf: TfJson, expression: string, depth = 0): string {
  if (depth > 5) throw new Error(`reference loop at ${expression}`);
  const parts = expression.split(".");
  const isData = parts[0] === "data";
  const [type, id, attr] = isData ? parts.slice(1) : parts;
  if (!type || !id || !attr) throw new Error(`cannot parse reference \${${expression}}`);
  const address = `${isData ? "data." : ""}${type}.${id}`;
  const body = blockByAddress(tf, address);
  if (!body) throw new Error(`reference to a missing block: \${${expression}}`);
  const attribute = (name: string) => resolveString(tf, stringAttr(body, name, address), depth + 1);
  const region = () => regionOf(tf, body);
  const key = `${type}.${attr}`;
  switch (key) {
    case "aws_caller_identity.account_id":
      return ACCOUNT_ID;
    case "aws_lambda_function.arn":
      return `arn:aws:lambda:${region()}:${ACCOUNT_ID}:function:${attribute("function_name")}`;
    case "aws_sfn_state_machine.arn":
      return `arn:aws:states:${region()}:${ACCOUNT_ID}:stateMachine:${attribute("name")}`;
    case "aws_dynamodb_table.arn":
      return `arn:aws:dynamodb:${region()}:${ACCOUNT_ID}:table/${attribute("name")}`;
    case "aws_cloudwatch_log_group.arn":
      // The provider's `arn` attribute has no trailing `:*` (provider >= 5).
      return `arn:aws:logs:${region()}:${ACCOUNT_ID}:log-group:${attribute("name")}`;
    case "aws_iam_role.arn":
      return `arn:aws:iam::${ACCOUNT_ID}:role/${attribute("name")}`;
    case "aws_sqs_queue.arn":
      return `arn:aws:sqs:${region()}:${ACCOUNT_ID}:${attribute("name")}`;
    case "aws_cloudwatch_event_rule.arn":
      return `arn:aws:events:${region()}:${ACCOUNT_ID}:rule/${attribute("name")}`;
    case "aws_iam_role.id":
    case "aws_iam_role.name":
      return attribute("name");
    case "aws_dynamodb_table.name":
    case "aws_sqs_queue.name":
      return attribute("name");
    default:
      throw new Error(`no resolver for \${${expression}}`);
  }
}

/** `text` with every `${...}` reference replaced by its resolved value. */
export function resolveString(tf: TfJson, text: string, depth = 0): string {
  return text.replace(REFERENCE, (_, expression: string) => resolveReference(tf, expression, depth));
}

/** The referenced block's address of a whole-string reference like `${aws_iam_role.x.id}`. */
export function referencedAddress(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^\$\{((?:data\.)?[a-z0-9_]+\.[^.}]+)\.[a-z_]+\}/.exec(value);
  return match?.[1];
}
