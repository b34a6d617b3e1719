/**
 * Errors as Node raises them when no answer came (a refused or timed-out connection, a failed
 * DNS lookup, a TLS handshake that failed) and the AWS SDK passes them on: a system error `code`
 * and, once the SDK's retry layer gave up, `$metadata.attempts`. Handlers word their "could not
 * ask" reasons from these fields, so a test error must carry them as the real one does.
 */

/** A Node system error with `code` (ECONNREFUSED, ETIMEDOUT, EAI_AGAIN, ...). */
export interface NetworkError extends Error {
  readonly code: string;
  readonly $metadata?: { readonly attempts: number };
}

/**
 * A network error, e.g. `networkError("connect ECONNREFUSED 10.0.0.9:443", "ECONNREFUSED", 3)`.
 * @param attempts how many attempts the SDK made; @default none recorded (the error came from
 * below the SDK's retry layer)
 */
export function networkError(message: string, code: string, attempts?: number): NetworkError {
  return Object.assign(new Error(message), {
    code,
    ...(attempts === undefined ? {} : { $metadata: { attempts } }),
  });
}
