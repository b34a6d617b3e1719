import { InvalidInputError } from "../../functions/shared/errors";
import { describeRequestError, runUrlCheck } from "../../functions/url-check/check";
import type { HttpGet, HttpResponse } from "../../functions/url-check/transport";

// The pure core with a substituted transport: outcomes a loopback server cannot produce
// (DNS failures, odd Location headers, a transport deaf to its abort signal).

type Reply =
  | { status: number; location?: string; body?: string }
  | { error: { code: string; message: string } };

function fakeGet(replies: Record<string, Reply>): { get: HttpGet; requested: string[] } {
  const requested: string[] = [];
  const get: HttpGet = async (url) => {
    requested.push(url.href);
    const reply = replies[url.href];
    if (reply === undefined) throw new Error(`test setup: no reply for ${url.href}`);
    if ("error" in reply) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
    const response: HttpResponse = {
      status: reply.status,
      ...(reply.location !== undefined ? { location: reply.location } : {}),
      readBody: async () => ({ body: Buffer.from(reply.body ?? ""), truncated: false }),
      discard: () => undefined,
    };
    return response;
  };
  return { get, requested };
}

const settings = { address: "https://eu.example.com/health", timeoutSeconds: 5, expectStatus: "200-399" };

describe("runUrlCheck with a substituted transport", () => {
  it("fails with a DNS reason when the host does not resolve", async () => {
    const { get } = fakeGet({
      "https://eu.example.com/health": {
        error: { code: "ENOTFOUND", message: "getaddrinfo ENOTFOUND eu.example.com" },
      },
    });

    const result = await runUrlCheck(settings, { get });

    expect(result).toMatchObject({
      reason: "DNS lookup failed for eu.example.com",
      details: { finalUrl: "https://eu.example.com/health", redirects: 0 },
    });
  });

  it("follows an absolute redirect to another host and a relative one back", async () => {
    const { get, requested } = fakeGet({
      "https://eu.example.com/health": { status: 301, location: "https://www.example.com/a/b" },
      "https://www.example.com/a/b": { status: 303, location: "../c?x=1" },
      "https://www.example.com/c?x=1": { status: 200, body: "fine" },
    });

    const result = await runUrlCheck(settings, { get });

    expect(requested).toEqual([
      "https://eu.example.com/health",
      "https://www.example.com/a/b",
      "https://www.example.com/c?x=1",
    ]);
    expect(result).toMatchObject({
      details: { finalUrl: "https://www.example.com/c?x=1", statusCode: 200, redirects: 2 },
    });
  });

  it("treats a 3xx without Location as the final response", async () => {
    const { get } = fakeGet({ "https://eu.example.com/health": { status: 302 } });

    const result = await runUrlCheck({ ...settings, expectStatus: "200-299" }, { get });

    expect(result).toMatchObject({ status: "failed", reason: "status 302 not in 200-299" });
  });

  it("fails on a redirect to a scheme it must not follow, without requesting it", async () => {
    const { get, requested } = fakeGet({
      "https://eu.example.com/health": { status: 302, location: "file:///etc/passwd" },
    });

    const result = await runUrlCheck(settings, { get });

    expect(result).toMatchObject({
      reason: "redirect to unsupported scheme file: (file:///etc/passwd)",
    });
    expect(requested).toEqual(["https://eu.example.com/health"]);
  });

  it("fails on a Location header that is not a URL", async () => {
    const { get } = fakeGet({ "https://eu.example.com/health": { status: 307, location: "http://[::1" } });

    const result = await runUrlCheck(settings, { get });

    expect(result).toMatchObject({
      reason: 'redirect 307 has an invalid Location "http://[::1"',
    });
  });

  it("keeps its deadline even when the transport ignores the abort signal", async () => {
    const get: HttpGet = () => new Promise<HttpResponse>(() => undefined);

    const result = await runUrlCheck({ ...settings, timeoutSeconds: 0.05 }, { get });

    expect(result).toMatchObject({ status: "failed", reason: "timed out after 0.05 s" });
  });

  it("reports durationMs from the injected clock, rounded", async () => {
    const ticks = [1000, 1250.4];
    const { get } = fakeGet({ "https://eu.example.com/health": { status: 200 } });

    const result = await runUrlCheck(settings, { get, now: () => ticks.shift() ?? 9999 });

    expect(result.durationMs).toBe(250);
  });

  it("throws InvalidInput for a malformed expectStatus before any request", async () => {
    const { get, requested } = fakeGet({});

    await expect(runUrlCheck({ ...settings, expectStatus: "ok" }, { get })).rejects.toThrow(
      InvalidInputError,
    );
    expect(requested).toEqual([]);
  });
});

describe("describeRequestError", () => {
  const url = new URL("https://eu.example.com:8443/health");
  /** Node 24 appends this to certificate errors; it must never reach a reason. */
  const NODE24_HINT = "; if the root CA is installed locally, try running Node.js with --use-system-ca";

  it.each([
    ["ECONNREFUSED", "connect ECONNREFUSED", "connection refused by eu.example.com:8443"],
    ["ECONNRESET", "socket hang up", "connection reset by eu.example.com:8443"],
    ["ETIMEDOUT", "connect ETIMEDOUT", "connection to eu.example.com:8443 timed out"],
    ["EAI_AGAIN", "getaddrinfo EAI_AGAIN", "DNS lookup failed for eu.example.com (temporary failure)"],
    ["EHOSTUNREACH", "connect EHOSTUNREACH", "eu.example.com is unreachable"],
    ["CERT_HAS_EXPIRED", `certificate has expired${NODE24_HINT}`, "TLS error: certificate has expired"],
    [
      "SELF_SIGNED_CERT_IN_CHAIN",
      `self-signed certificate in certificate chain${NODE24_HINT}`,
      "TLS error: self-signed certificate in certificate chain",
    ],
    [
      "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
      `unable to verify the first certificate${NODE24_HINT}`,
      "TLS error: unable to verify the first certificate",
    ],
    [
      "ERR_TLS_CERT_ALTNAME_INVALID",
      "Hostname/IP does not match certificate's altnames: Host: eu.example.com. is not in the cert's altnames",
      "TLS error: certificate is not valid for eu.example.com",
    ],
    [
      "ERR_SSL_WRONG_VERSION_NUMBER",
      "C0B7:error:0A00010B:SSL routines:ssl3_get_record:wrong version number",
      "TLS error: handshake with eu.example.com:8443 failed (ERR_SSL_WRONG_VERSION_NUMBER)",
    ],
    [
      "HPE_INVALID_CONSTANT",
      "Parse Error: Expected HTTP/",
      "invalid HTTP response from eu.example.com:8443 (HPE_INVALID_CONSTANT)",
    ],
    ["EWHATEVER", "something odd", "request to eu.example.com:8443 failed (EWHATEVER)"],
  ])("describes %s by its code, never by the runtime's message", (code, message, reason) => {
    const text = describeRequestError(Object.assign(new Error(message), { code }), url);

    expect(text).toBe(reason);
    expect(text).not.toContain("--use-system-ca");
  });

  it("describes an error without a code by its name", () => {
    expect(describeRequestError(new RangeError("bad"), url)).toBe(
      "request to eu.example.com:8443 failed (RangeError)",
    );
  });

  it("finds the code under a wrapper's cause, as fetch reports it", () => {
    const wrapped = new TypeError("fetch failed", {
      cause: Object.assign(new Error(`self-signed certificate${NODE24_HINT}`), {
        code: "DEPTH_ZERO_SELF_SIGNED_CERT",
      }),
    });

    expect(describeRequestError(wrapped, url)).toBe("TLS error: self-signed certificate");
  });

  it("finds the code in an AggregateError of several addresses (happy eyeballs)", () => {
    const aggregate = new AggregateError([
      Object.assign(new Error("connect ECONNREFUSED ::1:8443"), { code: "ECONNREFUSED" }),
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8443"), { code: "ECONNREFUSED" }),
    ]);

    expect(describeRequestError(aggregate, url)).toBe("connection refused by eu.example.com:8443");
  });
});
