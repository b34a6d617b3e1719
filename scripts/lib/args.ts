/** A tiny `--name value` / `--flag` parser for the scripts (no dependency for three options). */
export function parseArgs(argv: readonly string[], known: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m || !known.includes(m[1] as string)) {
      throw new Error(`unknown argument "${arg}"; known: ${known.map((k) => `--${k}`).join(", ")}`);
    }
    if (m[2] !== undefined) {
      out[m[1] as string] = m[2];
    } else if (argv[i + 1] !== undefined && !(argv[i + 1] as string).startsWith("--")) {
      out[m[1] as string] = argv[i + 1] as string;
      i += 1;
    } else {
      out[m[1] as string] = "true";
    }
  }
  return out;
}
