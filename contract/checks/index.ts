/**
 * The checks, in the order the workflow runs them (DESIGN §3: URL, Route 53, SSH, TCP). Adding a
 * check is its module beside this file, its function folder, and one line here.
 */
import type { Shape } from "../fields";
import type { AnyCheck } from "./check";
import { route53Check } from "./route53";
import { sshCheck } from "./ssh";
import { tcpCheck } from "./tcp";
import { urlCheck } from "./url";

export const CHECKS = [urlCheck, route53Check, sshCheck, tcpCheck] as const;

export type Check = (typeof CHECKS)[number];
export type CheckName = Check["name"];

/** The resolved settings of the check named `N`: what its function receives. */
export type CheckSettings<N extends CheckName> = Shape<Extract<Check, { name: N }>["input"]>;

/** Every check's resolved settings by name; an instance carries those it has. */
export type CheckSettingsMap = { readonly [C in Check as C["name"]]?: Shape<C["input"]> };

export const CHECK_NAMES: readonly CheckName[] = CHECKS.map((c) => c.name);

/** The registry as the loops see it (each module keeps its exact types above). */
export const ALL_CHECKS: readonly AnyCheck[] = CHECKS;

/** The check of that name. */
export function checkNamed(name: CheckName): AnyCheck {
  const check = ALL_CHECKS.find((c) => c.name === name);
  if (check === undefined) throw new Error(`no check named ${name}`);
  return check;
}
