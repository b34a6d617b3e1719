/**
 * A request a tool cannot carry out as asked (an unknown or ambiguous region, instance, scenario
 * or stack). `choices` lists what the user could ask for instead, one per line when printed.
 */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly choices: readonly string[],
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/** How a command prints a UsageError: `<name>: <message>; choose one of:` and the choices indented, one a line. */
export function usageErrorText(name: string, err: UsageError): string {
  return `${name}: ${err.message}; choose one of:\n${err.choices.map((c) => `  ${c}\n`).join("")}`;
}
