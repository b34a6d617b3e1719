/**
 * Structured JSON logs, one object per line, always with region and instance id. Secret
 * values registered through {@link redact} are replaced before a line is written, so a
 * secret that ends up in an error message still never reaches CloudWatch Logs.
 */
const secrets = new Set<string>();

export function redact(value: string): void {
  if (value.length >= 4) secrets.add(value);
}

export function scrub(text: string): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join("[redacted]");
  return out;
}

export type LogFields = Record<string, unknown>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Where log lines go; tests pass an array sink to read them back. */
export type LogSink = (line: string) => void;

const stdoutSink: LogSink = (line) => process.stdout.write(`${line}\n`);

export function createLogger(base: LogFields, sink: LogSink = stdoutSink): Logger {
  const write = (level: string, message: string, fields: LogFields = {}) =>
    sink(scrub(JSON.stringify({ level, message, ...base, ...fields })));
  return {
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
  };
}
