/**
 * The scripts' command line: options parsed by `node:util` `parseArgs` (strict: an unknown or
 * malformed option is an error naming it), `--help`/`-h` on every command (usage on stdout,
 * exit 0), and one way of reporting failures (a line on stderr, exit 1, or the code `main`
 * returns).
 */
import { parseArgs } from "node:util";

/** One `--name` option of a command. */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  /** Whether the option may be given more than once (values collected in order). Default: no. */
  readonly multiple?: boolean;
  /** The value's placeholder in the usage, e.g. `dir` for `--out <dir>`. Default: `value`. */
  readonly placeholder?: string;
  /** One line for the help; say the default here. */
  readonly description: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** The parsed values: absent options are `undefined`. */
export type OptionValues<O extends OptionSpecs> = {
  readonly [K in keyof O]?: O[K]["type"] extends "boolean"
    ? O[K]["multiple"] extends true
      ? boolean[]
      : boolean
    : O[K]["multiple"] extends true
      ? string[]
      : string;
};

/** What a command is, for parsing and for its `--help`. */
export interface CommandSpec<O extends OptionSpecs> {
  /** How it is run, e.g. `npm run summary --`. */
  readonly invocation: string;
  /** Prefix of its error lines, e.g. `summary`. */
  readonly name: string;
  /** What it does, in a sentence or two (help only). */
  readonly description: string;
  readonly options: O;
  /** Names of the options that must be given. Default: none. */
  readonly required?: readonly (keyof O & string)[];
  /** Lines after the options in the help (examples, exit codes, environment). Default: none. */
  readonly notes?: readonly string[];
}

/** Thrown for a wrong command line: reported with the usage line, exit 1. */
export class CommandLineError extends Error {}

function optionUsage(name: string, spec: OptionSpec): string {
  return spec.type === "boolean" ? `--${name}` : `--${name} <${spec.placeholder ?? "value"}>`;
}

/** `usage: npm run x -- --a <v> [--b <v>]...` */
export function usageLine<O extends OptionSpecs>(spec: CommandSpec<O>): string {
  const required = new Set<string>(spec.required ?? []);
  const parts = Object.entries(spec.options).map(([name, o]) => {
    const text = optionUsage(name, o);
    const repeat = o.multiple ? "..." : "";
    return required.has(name) ? `${text}${repeat}` : `[${text}]${repeat}`;
  });
  return `usage: ${[spec.invocation, ...parts].join(" ")}`;
}

/** The full `--help` text. */
export function helpText<O extends OptionSpecs>(spec: CommandSpec<O>): string {
  const rows = [
    ...Object.entries(spec.options).map(([name, o]) => [optionUsage(name, o), o.description] as const),
    ["-h, --help", "print this help and exit"] as const,
  ];
  const width = Math.max(...rows.map(([left]) => left.length));
  return [
    usageLine(spec),
    "",
    spec.description,
    "",
    "options:",
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
    ...(spec.notes?.length ? ["", ...spec.notes] : []),
    "",
  ].join("\n");
}

/**
 * Parses `argv` against the spec. Returns `"help"` when `--help` or `-h` is among the
 * arguments (whatever else is wrong with them); throws CommandLineError for an unknown option,
 * a missing value, a stray positional argument or a missing required option.
 */
export function parseCommandLine<O extends OptionSpecs>(
  spec: CommandSpec<O>,
  argv: readonly string[],
): OptionValues<O> | "help" {
  if (argv.includes("--help") || argv.includes("-h")) return "help";
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean }> = {};
  for (const [name, o] of Object.entries(spec.options)) {
    options[name] = { type: o.type, ...(o.multiple ? { multiple: true } : {}) };
  }
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    // parseArgs's messages name the option; the "To specify a positional argument" advice it
    // appends does not apply here.
    const message = (err as Error).message.replace(/\s*To specify a positional argument.*$/s, "");
    throw new CommandLineError(message);
  }
  const missing = (spec.required ?? []).filter((name) => values[name] === undefined);
  if (missing.length > 0) {
    throw new CommandLineError(`missing ${missing.map((m) => `--${m}`).join(", ")}`);
  }
  return values as OptionValues<O>;
}

/** How `runCommand` reports an error `main` threw; return undefined for the default. */
export type ErrorReporter = (err: unknown, write: (text: string) => void) => number | undefined;

/**
 * Runs a command: `--help` prints the help (exit 0); a wrong command line prints the problem
 * and the usage line (exit 1); otherwise `main` runs and its result is the exit code. An error
 * `main` throws is printed as `<name>: <message>` (exit 1) unless `onError` handles it.
 */
export function runCommand<O extends OptionSpecs>(
  spec: CommandSpec<O>,
  main: (values: OptionValues<O>) => number | Promise<number>,
  onError?: ErrorReporter,
): Promise<number> {
  const write = (text: string) => process.stderr.write(text);
  const done = (code: number) => {
    process.exitCode = code;
    return code;
  };
  let values: OptionValues<O> | "help";
  try {
    values = parseCommandLine(spec, process.argv.slice(2));
  } catch (err) {
    write(`${spec.name}: ${(err as Error).message}\n${usageLine(spec)}\n(--help lists the options)\n`);
    return Promise.resolve(done(1));
  }
  if (values === "help") {
    process.stdout.write(helpText(spec));
    return Promise.resolve(done(0));
  }
  const parsed = values;
  return Promise.resolve()
    .then(() => main(parsed))
    .catch((err: unknown) => {
      const handled = onError?.(err, write);
      if (handled !== undefined) return handled;
      if (err instanceof CommandLineError) {
        write(`${spec.name}: ${err.message}\n${usageLine(spec)}\n`);
      } else {
        write(`${spec.name}: ${err instanceof Error ? err.message : String(err)}\n`);
      }
      return 1;
    })
    .then(done);
}
