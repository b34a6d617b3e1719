/**
 * `expectStatus` is a comma-separated list of status codes and inclusive ranges, e.g. "200-399",
 * "200,204" or "200-299,301". Parsing is strict so a typo in configuration is an input error,
 * never a check that silently accepts (or rejects) every status.
 */

/** One inclusive range of HTTP status codes. */
export interface StatusRange {
  readonly from: number;
  readonly to: number;
}

/** A parsed `expectStatus`: the ranges plus the canonical text used in reasons. */
export interface StatusSpec {
  readonly ranges: readonly StatusRange[];
  readonly text: string;
}

export type StatusParse =
  | { readonly ok: true; readonly spec: StatusSpec }
  | { readonly ok: false; readonly error: string };

const CODE = /^[1-5]\d\d$/;

/** Parses `expectStatus`; on failure the error says which part is wrong and shows the form. */
export function parseExpectStatus(input: string): StatusParse {
  const parts = input.split(",").map((part) => part.trim());
  const ranges: StatusRange[] = [];
  for (const part of parts) {
    const bounds = part.split("-").map((bound) => bound.trim());
    const [first, second] = bounds;
    if (bounds.length > 2 || first === undefined || !bounds.every((bound) => CODE.test(bound))) {
      return {
        ok: false,
        error: `"${part}" is not a status code (100-599) or range like "200-399"; use e.g. "200-399" or "200,204"`,
      };
    }
    const from = Number(first);
    const to = Number(second ?? first);
    if (from > to) return { ok: false, error: `range "${part}" ends before it starts` };
    ranges.push({ from, to });
  }
  const text = ranges.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`)).join(",");
  return { ok: true, spec: { ranges, text } };
}

/** True when `status` falls in any of the spec's ranges. */
export function statusMatches(spec: StatusSpec, status: number): boolean {
  return spec.ranges.some((r) => status >= r.from && status <= r.to);
}

/** True when `value` is a valid `expectStatus`. */
export function isStatusList(value: string): boolean {
  return parseExpectStatus(value).ok;
}
