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

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/**
 * Renders a path the way a reader searches for it in the JSON file:
 * `regions.eu-west-1.instances[0].instanceId`. Keys that are not plain words are quoted
 * (`regions["eu west 1"]`) so the path stays unambiguous.
 */
export function formatPath(path: ConfigPath): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else {
      const key = String(part);
      if (PLAIN_KEY.test(key)) out += out ? `.${key}` : key;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out || "(configuration root)";
}

/** One problem line: path, colon, message. */
export function problemAt(path: ConfigPath, message: string): string {
  return `${formatPath(path)}: ${message}`;
}

function truncate(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}

/** A short, quoted rendering of a bad value for a message (never the whole document). */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return JSON.stringify(truncate(value));
  if (typeof value === "object") return "an object";
  return String(value);
}

/** Classic edit distance; inputs are short config keys, so the O(n*m) table is fine. */
export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The closest candidate to a mistyped word, or undefined when nothing is close enough to be a
 * plausible typo: case ignored, at most max(2, a third of the word) edits, and fewer edits than
 * half the word (so "P6" does not suggest "P1": a short word is a choice, not a typo).
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.min(Math.max(2, Math.floor(word.length / 3)), Math.ceil(word.length / 2) - 1);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = levenshtein(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** ` (did you mean "x"?)` or nothing. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const suggestion = closest(word, candidates);
  return suggestion === undefined ? "" : ` (did you mean ${JSON.stringify(suggestion)}?)`;
}
