import { CHECKS } from "../contract/checks";

/**
 * The functions, by the folder name under functions/ that holds each handler: one per check
 * (from the check registry), the restart and the two notifiers. The name is also the last part
 * of the deployed function's name (`<stackName>-<region>-<name>`).
 */
export const FUNCTION_NAMES = [
  ...CHECKS.map((check) => check.functionName),
  "restart-instance",
  "notify-chat",
  "escalate",
] as const;

export type FunctionName = (typeof FUNCTION_NAMES)[number];
