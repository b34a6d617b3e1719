/**
 * Named errors. Lambda reports `error.name` as the error type, which is what the state machine's
 * Retry/Catch rules match: the names are the contract's (contract/errors.ts).
 */
import { ERROR_NAMES } from "../../contract/errors";

/** The event does not have the shape the handler needs; nothing was called. */
export class InvalidInputError extends Error {
  override readonly name = ERROR_NAMES.invalidInput;
  constructor(readonly problems: readonly string[]) {
    super(`invalid input: ${problems.join("; ")}`);
  }
}

/** Chat or the pager could not be reached or failed; thrown so the workflow retries and then fails loudly. */
export class DeliveryFailedError extends Error {
  override readonly name = ERROR_NAMES.deliveryFailed;
}

/** Chat or the pager refused the message (4xx other than 429): retrying would be refused again. */
export class DeliveryRejectedError extends Error {
  override readonly name = ERROR_NAMES.deliveryRejected;
}

/** A Secrets Manager secret could not be read (missing, denied, empty). */
export class SecretUnavailableError extends Error {
  override readonly name = ERROR_NAMES.secretUnavailable;
}

/** EC2 throttled the restart call: the only restart error worth retrying. */
export class RestartThrottledError extends Error {
  override readonly name = ERROR_NAMES.restartThrottled;
}

/** EC2 refused the restart call (wrong state, unknown instance, denied); never retried. */
export class RestartRejectedError extends Error {
  override readonly name = ERROR_NAMES.restartRejected;
}

/** The message of anything thrown, without assuming it is an Error. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
