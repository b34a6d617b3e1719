/**
 * One shape for every function: parse the event at the edge (nothing is called when it is
 * wrong), run the pure core with the clients the container built once, and log exactly one line
 * for invalid input and one for the result or the error, keyed by function, region and instance.
 * Named errors are rethrown unchanged: their names are what the state machine matches.
 */
import { errorName } from "./error-text";
import { messageOf } from "./errors";
import { createLogger, type LogFields, type Logger, type LogSink } from "./log";

/** What a handler's log lines are keyed by. */
export interface LogKey {
  readonly region?: string;
  readonly instanceId?: string;
}

/** A function's definition: how to read its event and what to do with it. */
export interface HandlerDefinition<I, O> {
  /** The function's folder under functions/; in every log line. */
  readonly name: string;
  /** Reads the event; throws InvalidInputError (with every problem) before anything is called. */
  parse(event: unknown): I;
  /** Region and instance of the input, for the log lines. @default its `region` and `instanceId` */
  key?(input: I): LogKey;
  /** Does the work. */
  run(input: I, log: Logger): Promise<O>;
  /** The result line's fields. @default the result itself */
  summarize?(output: O, input: I): LogFields;
  /** Where log lines go. @default stdout */
  readonly log?: LogSink;
}

/** `region` and `instanceId` of an input that has them. */
function ownKey(input: unknown): LogKey {
  const { region, instanceId } = (input ?? {}) as Record<string, unknown>;
  return {
    ...(typeof region === "string" ? { region } : {}),
    ...(typeof instanceId === "string" ? { instanceId } : {}),
  };
}

/** The Lambda entry point of a definition. */
export function defineHandler<I, O>(def: HandlerDefinition<I, O>): (event: unknown) => Promise<O> {
  return async (event) => {
    let input: I;
    try {
      input = def.parse(event);
    } catch (err) {
      const problems = (err as { problems?: unknown }).problems;
      createLogger({ fn: def.name }, def.log).error("invalid input", {
        errorName: errorName(err),
        ...(Array.isArray(problems) ? { problems } : { error: messageOf(err) }),
      });
      throw err;
    }
    const key = def.key ? def.key(input) : ownKey(input);
    const log = createLogger({ fn: def.name, ...key }, def.log);
    try {
      const output = await def.run(input, log);
      log.info(
        `${def.name} finished`,
        def.summarize ? def.summarize(output, input) : { ...(output as object) },
      );
      return output;
    } catch (err) {
      log.error(`${def.name} failed`, { errorName: errorName(err), error: messageOf(err) });
      throw err;
    }
  };
}
