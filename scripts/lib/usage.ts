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
