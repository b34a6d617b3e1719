import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { InvalidInputError } from "../../functions/shared/errors";
import { runUrlCheck } from "../../functions/url-check/check";
import { handler } from "../../functions/url-check/index";
import { createNodeHttpGet } from "../../functions/url-check/transport";
import { useStdoutCapture } from "../../testkit/log-lines";
import { selfSignedCertificate, type TestCertificate } from "../../testkit/tls";

// Every test runs the real handler (real Node transport) against real servers on 127.0.0.1.

const INSTANCE_ID = "i-0123456789abcdef0";
const REGION = "eu-west-1";
// For input cases: well-formed, and never contacted because validation fails first.
const VALID_ADDRESS = "http://127.0.0.1:1/ok";

function route(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? "/";
  const status = /^\/status\/(\d{3})$/.exec(path);
  const hops = /^\/hops\/(\d+)$/.exec(path);
  if (path === "/ok") {
    res.writeHead(200, { "content-type": "text/plain" }).end("service ok");
  } else if (status?.[1]) {
    res.writeHead(Number(status[1])).end(`status ${status[1]}`);
  } else if (hops?.[1]) {
    const left = Number(hops[1]);
    // Relative Location on purpose: browsers and servers send them, the check must resolve them.
    if (left > 0) res.writeHead(302, { location: `/hops/${left - 1}` }).end();
    else res.writeHead(200).end("arrived");
  } else if (path === "/loop-a") {
    res.writeHead(301, { location: "/loop-b" }).end();
  } else if (path === "/loop-b") {
    res.writeHead(301, { location: "/loop-a" }).end();
  } else if (path === "/big") {
    // The marker sits past the 1 MiB read cap, so a capped reader cannot see it.
    res.writeHead(200).end(`${"a".repeat(2 * 1024 * 1024)}marker`);
  } else if (path === "/no-response") {
    // Hold the request open without answering.
  } else if (path === "/stalled-body") {
    res.writeHead(200);
    res.write("first bytes");
  } else if (path === "/reset") {
    req.socket.destroy();
  } else {
    res.writeHead(404).end("not found");
  }
}

let server: http.Server;
let tlsServer: https.Server;
let certificate: TestCertificate;
let base: string;
let tlsBase: string;
let closedPort: number;
let requests: string[];
const stdout = useStdoutCapture();

function listen(s: http.Server | https.Server): Promise<number> {
  return new Promise((resolve) => s.listen(0, "127.0.0.1", () => resolve((s.address() as AddressInfo).port)));
}

function close(s: http.Server | https.Server): Promise<void> {
  s.closeAllConnections();
  return new Promise((resolve) => s.close(() => resolve()));
}

function event(settings: Record<string, unknown>): Record<string, unknown> {
  return {
    instanceId: INSTANCE_ID,
    region: REGION,
    settings: { timeoutSeconds: 5, expectStatus: "200-399", ...settings },
  };
}

beforeAll(async () => {
  certificate = selfSignedCertificate();
  server = http.createServer((req, res) => {
    requests.push(req.url ?? "");
    route(req, res);
  });
  tlsServer = https.createServer({ key: certificate.key, cert: certificate.cert }, (_req, res) =>
    res.writeHead(200).end("secure ok"),
  );
  base = `http://127.0.0.1:${await listen(server)}`;
  tlsBase = `https://127.0.0.1:${await listen(tlsServer)}`;
  const closed = http.createServer();
  closedPort = await listen(closed);
  await close(closed);
});

afterAll(async () => {
  await Promise.all([close(server), close(tlsServer)]);
});

beforeEach(() => {
  requests = [];
});

describe("url-check handler: status", () => {
  it("passes on 200 and reports the final URL, status and redirect count", async () => {
    const result = await handler(event({ address: `${base}/ok` }));

    expect(result).toMatchObject({
      check: "url",
      status: "passed",
      reason: "status 200 in 200-399",
      details: { finalUrl: `${base}/ok`, statusCode: 200, redirects: 0 },
    });
    expect(Number.isInteger(result.durationMs)).toBe(true);
  });

  it("fails on 503 with the status and the expected range in the reason", async () => {
    const result = await handler(event({ address: `${base}/status/503` }));

    expect(result).toMatchObject({
      status: "failed",
      reason: "status 503 not in 200-399",
      details: { statusCode: 503, redirects: 0 },
    });
  });

  it("passes on 399, the top of the default range", async () => {
    const result = await handler(event({ address: `${base}/status/399` }));

    expect(result).toMatchObject({ status: "passed", reason: "status 399 in 200-399" });
  });

  it("fails on 400, just past the default range", async () => {
    const result = await handler(event({ address: `${base}/status/400` }));

    expect(result).toMatchObject({ status: "failed", reason: "status 400 not in 200-399" });
  });

  it("applies a custom list: 204 passes and 200 fails for expectStatus 204,299", async () => {
    const on204 = await handler(event({ address: `${base}/status/204`, expectStatus: "204, 299" }));
    const on200 = await handler(event({ address: `${base}/status/200`, expectStatus: "204, 299" }));

    expect(on204).toMatchObject({ status: "passed", reason: "status 204 in 204,299" });
    expect(on200).toMatchObject({ status: "failed", reason: "status 200 not in 204,299" });
  });
});

describe("url-check handler: body", () => {
  it("passes when the body contains expectBody", async () => {
    const result = await handler(event({ address: `${base}/ok`, expectBody: "ok" }));

    expect(result).toMatchObject({ status: "passed", reason: 'status 200 in 200-399, body contains "ok"' });
  });

  it("fails when the body lacks expectBody", async () => {
    const result = await handler(event({ address: `${base}/ok`, expectBody: "healthy" }));

    expect(result).toMatchObject({
      status: "failed",
      reason: 'body does not contain "healthy"',
      details: { statusCode: 200 },
    });
  });

  it("reads at most 1 MiB of the body, so text beyond it does not count", async () => {
    const result = await handler(event({ address: `${base}/big`, expectBody: "marker" }));

    expect(result).toMatchObject({
      status: "failed",
      reason: 'body (first 1 MiB) does not contain "marker"',
    });
  });
});

describe("url-check handler: redirects", () => {
  it("follows a chain of 3 redirects and judges the final response", async () => {
    const result = await handler(event({ address: `${base}/hops/3`, expectBody: "arrived" }));

    expect(result).toMatchObject({
      status: "passed",
      reason: `status 200 in 200-399, body contains "arrived" at ${base}/hops/0`,
      details: { finalUrl: `${base}/hops/0`, statusCode: 200, redirects: 3 },
    });
    expect(requests).toEqual(["/hops/3", "/hops/2", "/hops/1", "/hops/0"]);
  });

  it("follows exactly 5 redirects", async () => {
    const result = await handler(event({ address: `${base}/hops/5` }));

    expect(result).toMatchObject({ status: "passed", details: { redirects: 5 } });
  });

  it("fails on the 6th redirect without requesting its target", async () => {
    const result = await handler(event({ address: `${base}/hops/6` }));

    expect(result).toMatchObject({
      status: "failed",
      reason: `more than 5 redirects (the next one points to ${base}/hops/0)`,
      details: { finalUrl: `${base}/hops/1`, redirects: 5 },
    });
    expect(requests).not.toContain("/hops/0");
  });

  it("fails on a redirect loop and names the loop", async () => {
    const result = await handler(event({ address: `${base}/loop-a` }));

    expect(result).toMatchObject({
      status: "failed",
      reason: `redirect loop: ${base}/loop-a -> ${base}/loop-b -> ${base}/loop-a`,
    });
    expect(requests).toEqual(["/loop-a", "/loop-b"]);
  });
});

describe("url-check handler: network failures", () => {
  it("fails when no response arrives within timeoutSeconds", async () => {
    const result = await handler(event({ address: `${base}/no-response`, timeoutSeconds: 1 }));

    expect(result).toMatchObject({ status: "failed", reason: "timed out after 1 s" });
  });

  it("fails when the body does not finish within timeoutSeconds, even after a quick 200", async () => {
    const result = await handler(event({ address: `${base}/stalled-body`, timeoutSeconds: 1 }));

    expect(result).toMatchObject({
      status: "failed",
      reason: "timed out after 1 s while reading the body",
      details: { statusCode: 200 },
    });
  });

  it("fails when the server resets the connection", async () => {
    const result = await handler(event({ address: `${base}/reset` }));

    expect(result).toMatchObject({ status: "failed", reason: `connection reset by ${new URL(base).host}` });
  });

  it("fails when nothing listens on the port", async () => {
    const result = await handler(event({ address: `http://127.0.0.1:${closedPort}/` }));

    expect(result).toMatchObject({
      status: "failed",
      reason: `connection refused by 127.0.0.1:${closedPort}`,
    });
    expect(result.details).not.toHaveProperty("statusCode");
  });
});

describe("url-check handler: TLS", () => {
  it("fails on a self-signed certificate: verification is never skipped", async () => {
    const result = await handler(event({ address: `${tlsBase}/` }));

    expect(result).toMatchObject({ status: "failed", reason: "TLS error: self-signed certificate" });
  });

  it("passes over HTTPS once the certificate's issuer is trusted", async () => {
    const get = createNodeHttpGet({ ca: certificate.cert });

    const result = await runUrlCheck(
      { address: `${tlsBase}/`, timeoutSeconds: 5, expectStatus: "200", expectBody: "secure" },
      { get },
    );

    expect(result).toMatchObject({ status: "passed", reason: 'status 200 in 200, body contains "secure"' });
  });
});

describe("url-check handler: input and logging", () => {
  it.each([
    [
      "settings.address missing",
      event({ address: undefined }),
      [
        "settings.address: required (an absolute http:// or https:// URL without a user or password (credentials in a URL would land in Terraform state))",
      ],
    ],
    [
      "a non-http URL",
      event({ address: "ftp://127.0.0.1/file" }),
      [
        'settings.address: "ftp://127.0.0.1/file" is not an absolute http:// or https:// URL without a user or password (credentials in a URL would land in Terraform state)',
      ],
    ],
    [
      "wrong types",
      event({ address: VALID_ADDRESS, timeoutSeconds: "10", expectBody: 7 }),
      [
        'settings.timeoutSeconds: expected a whole number, got "10"',
        "settings.expectBody: expected a string the body must contain, got 7",
      ],
    ],
    [
      "a malformed expectStatus",
      event({ address: VALID_ADDRESS, expectStatus: "200-abc" }),
      [
        'settings.expectStatus: "200-abc" is not a status list (codes 100-599 and ranges, e.g. "200-399" or "200,204,300-302")',
      ],
    ],
  ])("rejects %s with InvalidInput naming the field, before any request", async (_case, bad, problems) => {
    const attempt = handler(bad);

    await expect(attempt).rejects.toThrow(InvalidInputError);
    await expect(attempt).rejects.toMatchObject({ name: "InvalidInput", problems });
    expect(requests).toEqual([]);
  });

  it("writes one JSON log line with region, instance id and the result", async () => {
    const result = await handler(event({ address: `${base}/status/503` }));

    expect(stdout.logged()).toEqual([
      {
        level: "info",
        message: "url-check finished",
        fn: "url-check",
        region: REGION,
        instanceId: INSTANCE_ID,
        ...result,
      },
    ]);
  });

  it("logs the problems of an invalid event as one error line", async () => {
    await expect(handler({ region: REGION })).rejects.toThrow(InvalidInputError);

    expect(stdout.logged()).toEqual([
      expect.objectContaining({
        level: "error",
        fn: "url-check",
        problems: [
          "instanceId: required (an EC2 instance id (i- followed by 8 or 17 hex digits))",
          "settings: required (the URL check's settings)",
        ],
      }),
    ]);
  });
});
