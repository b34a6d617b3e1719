/**
 * Names of the errors functions throw. Lambda reports `error.name` as the error type, which is
 * what the state machine's Retry/Catch rules match, so these names are part of the workflow
 * contract (the classes are in functions/shared/errors.ts).
 */
export const ERROR_NAMES = {
  /** The event does not have the shape the function needs; nothing was called. */
  invalidInput: "InvalidInput",
  /** Chat or the pager could not be reached or failed (5xx, 429, timeout): worth retrying. */
  deliveryFailed: "DeliveryFailed",
  /** Chat or the pager refused the message (a 4xx other than 429): retrying would be refused again. */
  deliveryRejected: "DeliveryRejected",
  /** A secret could not be read (missing, denied, empty, not what it should hold). */
  secretUnavailable: "SecretUnavailable",
  /** EC2 throttled the restart call: the only restart error worth retrying. */
  restartThrottled: "RestartThrottled",
  /** EC2 refused the restart call; never retried. */
  restartRejected: "RestartRejected",
} as const;
