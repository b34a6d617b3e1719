/**
 * How an instance is restarted and waited for (DESIGN §3 step 2): the settings block's fields,
 * their built-in values and the resolved shape the workflow reads.
 */
import { oneOf, type Shape, whole } from "./fields";

/** DESIGN §3 step 2: `reboot` by default, or `stop-start`. */
export const RESTART_METHODS = ["reboot", "stop-start"] as const;
export type RestartMethod = (typeof RESTART_METHODS)[number];

/** The `restart` settings block (merges defaults > region > instance). */
export const RESTART_SETTINGS = {
  method: oneOf(RESTART_METHODS),
  settleSeconds: whole(0, 3600),
  pollSeconds: whole(5, 300),
  maxWaitSeconds: whole(30, 3600),
  cooldownMinutes: whole(0, 1440),
} as const;

/** Built-in values (DESIGN §4). */
export const RESTART_DEFAULTS = {
  method: "reboot",
  // A reboot never leaves `running` and status checks can stay ok, so polling at once would
  // see the instance "back" before it went down.
  settleSeconds: 90,
  pollSeconds: 15,
  maxWaitSeconds: 600,
  cooldownMinutes: 30,
} as const satisfies Shape<typeof RESTART_SETTINGS>;

/**
 * The resolved block as the workflow input carries it: the settings plus `maxPolls`, the poll
 * budget the workflow counts down (JSONPath cannot divide).
 */
export const RESTART_INPUT = {
  ...RESTART_SETTINGS,
  maxPolls: whole(1, 720),
} as const;
export type RestartSettings = Shape<typeof RESTART_INPUT>;

/** ceil(maxWaitSeconds / pollSeconds): a poll budget that never waits less than asked. */
export function maxPolls(settings: {
  readonly maxWaitSeconds: number;
  readonly pollSeconds: number;
}): number {
  return Math.ceil(settings.maxWaitSeconds / settings.pollSeconds);
}

/** The cross-field rule of the block: at least one poll must fit the wait. */
export function restartProblem(settings: {
  readonly maxWaitSeconds: number;
  readonly pollSeconds: number;
}): string | undefined {
  if (settings.maxWaitSeconds >= settings.pollSeconds) return undefined;
  return `maxWaitSeconds ${settings.maxWaitSeconds} is less than pollSeconds ${settings.pollSeconds} (after merging instance > region > defaults), so not even one status poll fits; raise maxWaitSeconds or lower pollSeconds`;
}
