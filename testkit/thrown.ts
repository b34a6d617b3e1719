/**
 * The error a test expects an action to throw, typed as its class, so the test can read the
 * error's own fields (a ConfigError's problems, a UsageError's choices) rather than its message.
 */

/** The `type` error `action` throws; fails the test when it returns or throws anything else. */
export function thrownBy<E extends Error>(
  type: abstract new (...args: never[]) => E,
  action: () => unknown,
): E {
  try {
    action();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}`);
}
