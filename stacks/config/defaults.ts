import { CHECKS } from "../../contract/checks";
import { RESTART_DEFAULTS } from "../../contract/restart";
import { ALARM_DEFAULTS, LOG_DEFAULTS } from "./blocks";

/**
 * What applies when neither an instance, its region nor `defaults` sets a field: the values of
 * DESIGN §2-§4, each kept where its block is defined (checks in their registry modules, restart
 * in the contract, alarm and logs in ./blocks). Secret names have no built-in value on purpose:
 * they name secrets the operator creates, so guessing one would only move the failure to run time.
 */
export const BUILTIN_DEFAULTS = {
  alarm: ALARM_DEFAULTS,
  restart: RESTART_DEFAULTS,
  logs: LOG_DEFAULTS,
  ...(Object.fromEntries(CHECKS.map((check) => [check.name, check.defaults])) as {
    readonly [C in (typeof CHECKS)[number] as C["name"]]: C["defaults"];
  }),
} as const;
