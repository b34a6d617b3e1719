import { InvalidInputError } from "./errors";

type Path = readonly (string | number)[];

function show(path: Path): string {
  return path.reduce<string>(
    (acc, part) => (typeof part === "number" ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part),
    "",
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Longest string field a handler accepts; anything longer is hostile or garbage. */
export const MAX_STRING_LENGTH = 4096;

/**
 * Reads fields out of an untrusted event and collects every problem, so one error names all
 * of them. Handlers use it through {@link parseInput}; no dependency keeps bundles small.
 */
export class InputReader {
  readonly problems: string[] = [];

  constructor(private readonly root: unknown) {}

  private at(path: Path): unknown {
    let node: unknown = this.root;
    for (const part of path) {
      if (typeof part === "number") node = Array.isArray(node) ? node[part] : undefined;
      else node = isRecord(node) ? node[part] : undefined;
    }
    return node;
  }

  private fail(path: Path, message: string): void {
    this.problems.push(`${show(path) || "event"}: ${message}`);
  }

  has(path: Path): boolean {
    return this.at(path) !== undefined && this.at(path) !== null;
  }

  string(path: Path, opts: { pattern?: RegExp; hint?: string } = {}): string {
    const value = this.at(path);
    if (typeof value !== "string" || value.length === 0) {
      this.fail(path, `expected a non-empty string, got ${describe(value)}`);
      return "";
    }
    if (value.length > MAX_STRING_LENGTH) {
      this.fail(path, `longer than ${MAX_STRING_LENGTH} characters`);
      return "";
    }
    if (opts.pattern && !opts.pattern.test(value)) {
      this.fail(path, `"${truncate(value)}" is not ${opts.hint ?? `matching ${opts.pattern}`}`);
    }
    return value;
  }

  optionalString(path: Path, opts: { pattern?: RegExp; hint?: string } = {}): string | undefined {
    return this.has(path) ? this.string(path, opts) : undefined;
  }

  number(path: Path, opts: { min?: number; max?: number; integer?: boolean } = {}): number {
    const value = this.at(path);
    if (typeof value !== "number" || !Number.isFinite(value)) {
      this.fail(path, `expected a number, got ${describe(value)}`);
      return 0;
    }
    if (opts.integer && !Number.isInteger(value)) this.fail(path, `expected a whole number, got ${value}`);
    if (opts.min !== undefined && value < opts.min) this.fail(path, `must be >= ${opts.min}, got ${value}`);
    if (opts.max !== undefined && value > opts.max) this.fail(path, `must be <= ${opts.max}, got ${value}`);
    return value;
  }

  oneOf<T extends string>(path: Path, allowed: readonly T[]): T {
    const value = this.at(path);
    if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
      this.fail(path, `expected one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${describe(value)}`);
      return allowed[0] as T;
    }
    return value as T;
  }

  boolean(path: Path, fallback: boolean): boolean {
    const value = this.at(path);
    if (value === undefined) return fallback;
    if (typeof value !== "boolean") {
      this.fail(path, `expected true or false, got ${describe(value)}`);
      return fallback;
    }
    return value;
  }

  stringList(path: Path, opts: { pattern?: RegExp; hint?: string } = {}): string[] {
    const value = this.at(path);
    if (typeof value === "string") return [this.string(path, opts)];
    if (!Array.isArray(value) || value.length === 0) {
      this.fail(path, `expected a string or a non-empty list of strings, got ${describe(value)}`);
      return [];
    }
    return value.map((_, i) => this.string([...path, i], opts));
  }

  object(path: Path): boolean {
    const value = this.at(path);
    if (!isRecord(value)) {
      this.fail(path, `expected an object, got ${describe(value)}`);
      return false;
    }
    return true;
  }

  /** The raw value, for fields a handler passes through unchanged (validated by `check`). */
  raw(path: Path): unknown {
    return this.at(path);
  }

  check(ok: boolean, path: Path, message: string): void {
    if (!ok) this.fail(path, message);
  }
}

function truncate(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `"${truncate(value)}"`;
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

/**
 * Runs `build` over the event and throws one {@link InvalidInputError} listing every problem,
 * before the handler touches any client.
 */
export function parseInput<T>(event: unknown, build: (read: InputReader) => T): T {
  const reader = new InputReader(event);
  if (!isRecord(event)) throw new InvalidInputError([`event: expected an object, got ${describe(event)}`]);
  const value = build(reader);
  if (reader.problems.length > 0) throw new InvalidInputError(reader.problems);
  return value;
}

/** EC2 instance id, e.g. i-0123456789abcdef0. */
export const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
/** AWS commercial-style region name, e.g. eu-west-1. */
export const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d$/;
