/**
 * Durations as an on-call engineer types them (`30m`, `2h`, `1d`, `1h30m`) for `pause --for`
 * and `history --since`, and how long ago / until an instant, as the commands print it.
 */
import { formatDuration } from "../../../functions/shared/message";
import { CommandLineError } from "../command";

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(?:\d+[mhd])+$/;

/**
 * Milliseconds of a duration written as one or more `<whole number><unit>` (units `m`, `h`,
 * `d`), between `min` and `max` milliseconds.
 * @throws CommandLineError naming the option, the value and what is accepted
 */
export function parseDuration(option: string, value: string, limits: { min: number; max: number }): number {
  const accepted = `a duration such as 30m, 2h, 1d or 1h30m (m minutes, h hours, d days) from ${compactDuration(limits.min)} to ${compactDuration(limits.max)}`;
  if (!DURATION.test(value)) {
    throw new CommandLineError(`--${option} ${JSON.stringify(value)} is not ${accepted}`);
  }
  let ms = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)([mhd])/g)) {
    ms += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  if (ms < limits.min || ms > limits.max) {
    throw new CommandLineError(`--${option} ${value} is out of range: give ${accepted}`);
  }
  return ms;
}

/** A duration in the same units, largest first: `1d`, `2h30m`, `45m` (whole minutes; `0m` below one). */
export function compactDuration(ms: number): string {
  let rest = Math.floor(ms / UNIT_MS.m);
  const parts: string[] = [];
  for (const unit of ["d", "h", "m"] as const) {
    const size = UNIT_MS[unit] / UNIT_MS.m;
    const amount = Math.floor(rest / size);
    rest -= amount * size;
    if (amount > 0) parts.push(`${amount}${unit}`);
  }
  return parts.length === 0 ? "0m" : parts.join("");
}

/** `in 1 h 59 min 0 s` / `2 min 3 s ago`, at second precision. */
export function relativeTime(instant: string, now: Date): string {
  const ms = Date.parse(instant) - now.getTime();
  if (!Number.isFinite(ms)) return "unknown";
  const text = formatDuration(Math.round(Math.abs(ms) / 1000) * 1000);
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

/** An instant as the tables print it: UTC to the second, `2030-01-01 02:00:00Z`. */
export function shortInstant(instant: string | Date): string {
  const date = typeof instant === "string" ? new Date(instant) : instant;
  return Number.isNaN(date.getTime())
    ? String(instant)
    : `${date.toISOString().slice(0, 19).replace("T", " ")}Z`;
}
