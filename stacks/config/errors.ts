import { formatPath } from "../../contract/text";

/** A location inside the configuration document, as zod reports it. */
export type ConfigPath = readonly PropertyKey[];

/**
 * The configuration is unusable. Thrown before the cdktf App exists, so nothing is synthesized.
 * `problems` lists every problem found, each as `<json path>: <what is wrong and how to fix it>`;
 * the message repeats them one per line under a header, ready to print as it is.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly problems: readonly string[];

  constructor(header: string, problems: readonly string[]) {
    super([header, ...problems.map((problem) => `  - ${problem}`)].join("\n"));
    this.problems = problems;
  }
}

/** One problem line: path, colon, message. */
export function problemAt(path: ConfigPath, message: string): string {
  return `${formatPath(path)}: ${message}`;
}
