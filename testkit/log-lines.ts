/**
 * The functions' log lines (one JSON object a line, functions/shared/log.ts) as tests read them:
 * parsed, and, for a handler that logs to stdout as in Lambda, captured from stdout instead of
 * printed.
 */

/** Each line parsed as JSON (a line that is not JSON fails the test that reads it). */
export function jsonLines(lines: readonly string[]): unknown[] {
  return lines.map((line) => JSON.parse(line) as unknown);
}

export interface StdoutCapture {
  /** What the test wrote to stdout, one entry a write, without the trailing newline. */
  readonly lines: string[];
  /** {@link lines}, each parsed as JSON. */
  logged(): unknown[];
}

/**
 * Captures stdout during each test of the suite (a fresh capture per test); after each test
 * every jest spy is restored. Call it at the top of a test file or describe.
 */
export function useStdoutCapture(): StdoutCapture {
  const lines: string[] = [];
  beforeEach(() => {
    lines.length = 0;
    jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk).trimEnd());
      return true;
    });
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });
  return { lines, logged: () => jsonLines(lines) };
}
