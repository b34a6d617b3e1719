import { didYouMean, formatPath } from "../../contract/text";
import {
  BACKEND_PLACEHOLDERS,
  fillPlaceholders,
  placeholdersIn,
  stateField,
  WORKSPACE_NAME,
} from "./backend";
import { type ConfigPath, problemAt } from "./errors";
import { type StackIdentity, stackIdentities } from "./fleet";
import { isRecord } from "./merge";
import { isAwsRegion } from "./regions";
import { DEFAULT_STACK_NAME } from "./resolve";
import { ACCOUNT_ID, ACCOUNT_NAME, LAYOUTS, ROLE_ARN, STACK_NAME } from "./schema";
import type { Layout } from "./types";

/*
 * Rules about accounts, layout and the backend's placeholders (DESIGN §6). Like rules.ts they
 * read the raw document defensively, so one error lists these problems with every other one.
 */

/** A region as written: under the top-level `regions`, or under an account's. */
export interface RawRegionEntry {
  /** `["regions", r]` or `["accounts", a, "regions", r]`. */
  readonly path: ConfigPath;
  /** The region key as written (not necessarily a valid region). */
  readonly name: string;
  /** The account's key, for regions under `accounts`. */
  readonly account?: string;
  readonly node: unknown;
}

/** Every region of the raw document, in file order; values of the wrong type are skipped. */
export function rawRegionEntries(raw: unknown): RawRegionEntry[] {
  if (!isRecord(raw)) return [];
  const entries: RawRegionEntry[] = [];
  if (isRecord(raw.regions)) {
    for (const [name, node] of Object.entries(raw.regions))
      entries.push({ path: ["regions", name], name, node });
  }
  if (isRecord(raw.accounts)) {
    for (const [account, accountNode] of Object.entries(raw.accounts)) {
      if (!isRecord(accountNode) || !isRecord(accountNode.regions)) continue;
      for (const [name, node] of Object.entries(accountNode.regions)) {
        entries.push({ path: ["accounts", account, "regions", name], name, account, node });
      }
    }
  }
  return entries;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function accountProblems(accounts: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const idOwners = new Map<string, string>();
  for (const [name, node] of Object.entries(accounts)) {
    const path = ["accounts", name];
    if (!ACCOUNT_NAME.test(name)) {
      const lower = name.toLowerCase();
      const hint = ACCOUNT_NAME.test(lower) ? ` (did you mean ${JSON.stringify(lower)}?)` : "";
      problems.push(
        problemAt(
          path,
          `account name ${JSON.stringify(name)} is not 1-16 characters of a lower-case letter followed by lower-case letters, digits or dashes${hint}; it becomes part of provider aliases and stack names`,
        ),
      );
    }
    if (!isRecord(node)) continue;
    const accountId = str(node.accountId);
    const roleArn = str(node.roleArn);
    if (accountId === undefined || !ACCOUNT_ID.test(accountId)) continue;
    const owner = idOwners.get(accountId);
    if (owner === undefined) idOwners.set(accountId, name);
    else {
      problems.push(
        problemAt(
          [...path, "accountId"],
          `${JSON.stringify(accountId)} is already ${formatPath(["accounts", owner, "accountId"])}; list each AWS account once (merge the two accounts' regions)`,
        ),
      );
    }
    const roleAccount = roleArn === undefined ? undefined : ROLE_ARN.exec(roleArn)?.[1];
    if (roleAccount !== undefined && roleAccount !== accountId) {
      problems.push(
        problemAt(
          [...path, "roleArn"],
          `the role is in account ${roleAccount}, but this account's accountId is ${accountId}; name a role in ${accountId} (its providers assume the role and accept only account ${accountId}), or correct accountId`,
        ),
      );
    }
  }
  return problems;
}

/** `template` with `{stack}` where it is most natural, for a fix to suggest. */
function withStack(template: string, field: "key" | "workspace"): string {
  if (template.includes("{region}")) return template.replace("{region}", "{stack}");
  if (field === "workspace") return "{stack}";
  const slash = template.lastIndexOf("/");
  return slash < 0 ? `{stack}/${template}` : `${template.slice(0, slash)}/{stack}${template.slice(slash)}`;
}

function placeholderProblems(
  template: string,
  field: "key" | "workspace",
  layout: Layout,
  hasAccounts: boolean,
  stacks: readonly StackIdentity[],
): string[] {
  const path = ["backend", field];
  const used = placeholdersIn(template);
  const problems: string[] = [];
  for (const name of used) {
    if (!(BACKEND_PLACEHOLDERS as readonly string[]).includes(name)) {
      problems.push(
        problemAt(
          path,
          `unknown placeholder {${name}}${didYouMean(name, BACKEND_PLACEHOLDERS)}; the state name may contain {stack}, {account} and {region}`,
        ),
      );
    } else if (name === "account" && !hasAccounts) {
      problems.push(problemAt(path, `{account} needs "accounts"; without accounts, remove it`));
    } else if (name !== "stack" && layout === "single") {
      problems.push(
        problemAt(
          path,
          `{${name}} has no one value in the single layout (its one stack holds every ${name}); use {stack} or a fixed ${field}, or set "layout": "per-region" to give each ${name === "region" ? "region" : "account x region"} its own state`,
        ),
      );
    }
  }
  if (problems.length > 0) return problems;
  if (layout === "per-region") {
    const shared = sharedStateProblem(template, field, hasAccounts, stacks);
    if (shared !== undefined) return [problemAt(path, shared)];
  }
  if (field === "workspace") {
    for (const stack of stacks) {
      const workspace = fillPlaceholders(template, stack.values);
      if (!WORKSPACE_NAME.test(workspace)) {
        return [
          problemAt(
            path,
            `gives ${JSON.stringify(workspace)} for stack ${stack.name}, which is not an HCP Terraform workspace name (1-90 letters, digits, - and _)`,
          ),
        ];
      }
    }
  }
  return [];
}

/**
 * Why per-region stacks would share a state, or undefined: stacks that already collide are
 * named; a state name that would collide once a region or account is added is rejected too.
 */
function sharedStateProblem(
  template: string,
  field: "key" | "workspace",
  hasAccounts: boolean,
  stacks: readonly StackIdentity[],
): string | undefined {
  const shown = JSON.stringify(template);
  const used = placeholdersIn(template);
  const byState = new Map<string, string[]>();
  for (const stack of stacks) {
    const state = fillPlaceholders(template, stack.values);
    byState.set(state, [...(byState.get(state) ?? []), stack.name]);
  }
  const fix = `put {stack} in it (e.g. ${JSON.stringify(withStack(template, field))})`;
  const shared = [...byState.entries()].filter(([, names]) => names.length > 1);
  const [first] = shared;
  if (first !== undefined) {
    const [state, names] = first;
    const sharing = shared.reduce((n, [, stackNames]) => n + stackNames.length, 0);
    const shownNames =
      names.length > 3 ? `${names.slice(0, 3).join(", ")} and ${names.length - 3} more` : names.join(" and ");
    return `${shown} puts ${sharing} per-region stacks on shared state (${shownNames} would all use ${JSON.stringify(state)}); each stack needs its own state: ${fix}`;
  }
  const hasStack = used.includes("stack");
  if (!hasStack && !used.includes("region")) {
    return `${shown} has no {stack} or {region}, so a second region would share this stack's state; in the per-region layout each stack needs its own state: ${fix}`;
  }
  if (!hasStack && hasAccounts && !used.includes("account")) {
    return `${shown} has {region} but no {account}, so the same region in a second account would share its state; add {account}, or ${fix}`;
  }
  return undefined;
}

/** Every problem with accounts, layout and the backend's placeholders, as problem lines. */
export function fleetProblems(raw: unknown): string[] {
  if (!isRecord(raw)) return [];
  const problems: string[] = [];
  const hasAccounts = raw.accounts !== undefined;
  if (hasAccounts && raw.regions !== undefined) {
    problems.push(
      problemAt(
        ["regions"],
        'cannot be combined with "accounts": move each region under the account it deploys to (accounts.<name>.regions), or remove "accounts"',
      ),
    );
  } else if (!hasAccounts && raw.regions === undefined) {
    problems.push(
      problemAt(
        ["regions"],
        'required: list the regions, e.g. { "eu-west-1": { "instances": [...] } }, or use "accounts" to deploy to several AWS accounts',
      ),
    );
  }
  if (isRecord(raw.accounts)) problems.push(...accountProblems(raw.accounts));

  const layout = raw.layout === undefined ? "single" : raw.layout;
  const backend = raw.backend;
  if (!(LAYOUTS as readonly unknown[]).includes(layout) || !isRecord(backend)) return problems;
  if (backend.type !== "s3" && backend.type !== "cloud") return problems;
  const field = stateField(backend.type);
  const template = str(backend[field]);
  if (template === undefined || template === "") return problems;

  const stackName =
    typeof raw.stackName === "string" && STACK_NAME.test(raw.stackName) ? raw.stackName : DEFAULT_STACK_NAME;
  const regions = rawRegionEntries(raw)
    .filter(
      (entry) => isAwsRegion(entry.name) && (entry.account === undefined || ACCOUNT_NAME.test(entry.account)),
    )
    .map((entry) => ({
      name: entry.name,
      ...(entry.account === undefined ? {} : { account: entry.account }),
    }));
  const stacks = stackIdentities(stackName, layout as Layout, regions);
  problems.push(...placeholderProblems(template, field, layout as Layout, hasAccounts, stacks));
  return problems;
}
