/**
 * The problems a handler refused its input with. Every function throws InvalidInputError (the
 * name the state machine matches) with one line per problem, so tests assert on the lines.
 */
import { InvalidInputError } from "../functions/shared/errors";

/** Awaits `call`, expects it to reject with InvalidInputError, and returns its problems. */
export async function invalidInputProblems(call: Promise<unknown>): Promise<readonly string[]> {
  const error = await call.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(InvalidInputError);
  return (error as InvalidInputError).problems;
}
