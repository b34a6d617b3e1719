/**
 * How a value is shown in a message: short, quoted, never the whole document. One helper for
 * config errors, handler input errors and reasons, so they all read alike.
 */

/** Cuts `text` to at most `max` characters, the last one an ellipsis when anything was cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  // Never leave half of a surrogate pair (an emoji) before the ellipsis.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** Longest part of a bad value quoted in a message: a whole ARN or URL, never a whole document. */
const SHOWN_CHARS = 160;

/** A short, quoted rendering of a bad value for a message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return JSON.stringify(truncate(value, SHOWN_CHARS));
  if (typeof value === "object") return "an object";
  return String(value);
}

/** Classic edit distance; inputs are short words, so the O(n*m) table is fine. */
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

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/**
 * Renders a path the way a reader searches for it in JSON: `regions.eu-west-1.instances[0].instanceId`.
 * Keys that are not plain words are quoted (`regions["eu west 1"]`) so the path stays unambiguous.
 */
export function formatPath(path: readonly PropertyKey[], root = "(configuration root)"): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else {
      const key = String(part);
      if (PLAIN_KEY.test(key)) out += out ? `.${key}` : key;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out || root;
}

/** Choices in prose: "a", "a or b", "a, b or c". */
export function alternatives(choices: readonly string[]): string {
  if (choices.length <= 1) return choices.join("");
  return `${choices.slice(0, -1).join(", ")} or ${choices[choices.length - 1]}`;
}
