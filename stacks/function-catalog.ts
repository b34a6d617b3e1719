/**
 * The six functions, by the folder name under functions/ that holds each handler. The name is
 * also the last part of the deployed function's name (`<stackName>-<region>-<name>`).
 */
export const FUNCTION_NAMES = [
  "url-check",
  "route53-check",
  "ssh-check",
  "restart-instance",
  "notify-slack",
  "alert-opsgenie",
] as const;

export type FunctionName = (typeof FUNCTION_NAMES)[number];
