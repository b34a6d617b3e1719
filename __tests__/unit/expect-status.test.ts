import fc from "fast-check";
import { parseExpectStatus, type StatusSpec, statusMatches } from "../../contract/expect-status";

function spec(text: string): StatusSpec {
  const parsed = parseExpectStatus(text);
  if (!parsed.ok) throw new Error(`test setup: ${text} should parse: ${parsed.error}`);
  return parsed.spec;
}

describe("parseExpectStatus", () => {
  it.each([
    ["200-399", [{ from: 200, to: 399 }], "200-399"],
    [
      "200,204",
      [
        { from: 200, to: 200 },
        { from: 204, to: 204 },
      ],
      "200,204",
    ],
    [
      "200-299,301",
      [
        { from: 200, to: 299 },
        { from: 301, to: 301 },
      ],
      "200-299,301",
    ],
    [
      " 200 - 299 , 301 ",
      [
        { from: 200, to: 299 },
        { from: 301, to: 301 },
      ],
      "200-299,301",
    ],
    ["418-418", [{ from: 418, to: 418 }], "418"],
  ])("parses %j into ranges and a canonical text", (input, ranges, text) => {
    expect(parseExpectStatus(input)).toEqual({ ok: true, spec: { ranges, text } });
  });

  it.each([
    ["", '"" is not a status code (100-599) or range like "200-399"; use e.g. "200-399" or "200,204"'],
    [
      "200-",
      '"200-" is not a status code (100-599) or range like "200-399"; use e.g. "200-399" or "200,204"',
    ],
    [
      "200,,204",
      '"" is not a status code (100-599) or range like "200-399"; use e.g. "200-399" or "200,204"',
    ],
    ["2xx", '"2xx" is not a status code (100-599) or range like "200-399"; use e.g. "200-399" or "200,204"'],
    ["600", '"600" is not a status code (100-599) or range like "200-399"; use e.g. "200-399" or "200,204"'],
    ["099", '"099" is not a status code (100-599) or range like "200-399"; use e.g. "200-399" or "200,204"'],
    [
      "200-300-400",
      '"200-300-400" is not a status code (100-599) or range like "200-399"; use e.g. "200-399" or "200,204"',
    ],
    ["399-200", 'range "399-200" ends before it starts'],
  ])("rejects %j with a message naming the bad part", (input, error) => {
    expect(parseExpectStatus(input)).toEqual({ ok: false, error });
  });
});

describe("statusMatches", () => {
  it("includes both ends of a range and nothing outside it", () => {
    const range = spec("200-399");

    expect([199, 200, 399, 400].map((status) => statusMatches(range, status))).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });

  it("matches a list only on its members", () => {
    const list = spec("200-299,301");

    expect([200, 299, 300, 301, 302].map((status) => statusMatches(list, status))).toEqual([
      true,
      true,
      false,
      true,
      false,
    ]);
  });

  it("agrees with from <= status <= to for any valid range and status", () => {
    const code = fc.integer({ min: 100, max: 599 });
    fc.assert(
      fc.property(code, code, fc.integer({ min: 0, max: 999 }), (a, b, status) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        expect(statusMatches(spec(`${from}-${to}`), status)).toBe(status >= from && status <= to);
      }),
    );
  });

  it("re-parses its own canonical text to the same ranges", () => {
    const part = fc
      .tuple(fc.integer({ min: 100, max: 599 }), fc.integer({ min: 100, max: 599 }))
      .map(([a, b]) => (a === b ? `${a}` : `${Math.min(a, b)}-${Math.max(a, b)}`));
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 5 }), (parts) => {
        const first = spec(parts.join(","));
        expect(spec(first.text)).toEqual(first);
      }),
    );
  });
});
