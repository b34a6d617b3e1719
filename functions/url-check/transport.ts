import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { rootCertificates } from "node:tls";

/** One HTTP response as the check sees it: status, redirect target and a size-capped body. */
export interface HttpResponse {
  readonly status: number;
  /** The raw `Location` header, when the server sent one. */
  readonly location?: string;
  /** Reads at most `maxBytes` of the body; `truncated` says the cap was reached before the end. */
  readBody(maxBytes: number): Promise<{ readonly body: Buffer; readonly truncated: boolean }>;
  /** Drops the response without reading it (redirects, unexpected statuses). */
  discard(): void;
}

/**
 * One GET without following redirects. Rejects with Node's network errors (they carry a `code`
 * such as ECONNREFUSED, ECONNRESET, ENOTFOUND or an OpenSSL verify code), which
 * {@link describeRequestError} turns into reasons. Aborting `signal` must end the request and
 * any body read in progress.
 */
export type HttpGet = (url: URL, signal: AbortSignal) => Promise<HttpResponse>;

/** Options for {@link createNodeHttpGet}. */
export interface NodeHttpGetOptions {
  /**
   * Extra trusted CA certificates (PEM) added to Node's bundle, for endpoints behind a private CA.
   * Verification itself is never turned off: a certificate nothing vouches for fails the check.
   * @default Node's bundled CAs only
   */
  readonly ca?: string | readonly string[];
}

const USER_AGENT = "first-line-url-check/1";

/** The real transport on Node's http/https modules. */
export function createNodeHttpGet(options: NodeHttpGetOptions = {}): HttpGet {
  return (url, signal) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const request = (url.protocol === "https:" ? https : http).request(url, {
        method: "GET",
        signal,
        // A fresh connection per check: a kept-alive socket from an earlier (frozen) Lambda
        // invocation may have been closed by the server meanwhile, and reusing it would report a
        // reset that says nothing about the instance.
        agent: false,
        headers: { "user-agent": USER_AGENT, accept: "*/*", connection: "close" },
        ...(options.ca !== undefined && url.protocol === "https:"
          ? { ca: [...rootCertificates, ...[options.ca].flat()] }
          : {}),
      });
      request.once("error", reject);
      request.once("response", (response) => resolve(wrap(response)));
      request.end();
    });
}

function wrap(response: IncomingMessage): HttpResponse {
  const location = response.headers.location;
  return {
    status: response.statusCode ?? 0,
    ...(location !== undefined ? { location } : {}),
    readBody: (maxBytes) => readCapped(response, maxBytes),
    discard: () => response.destroy(),
  };
}

function readCapped(
  response: IncomingMessage,
  maxBytes: number,
): Promise<{ body: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (truncated: boolean) => {
      settled = true;
      resolve({ body: Buffer.concat(chunks).subarray(0, maxBytes), truncated });
    };
    response.on("data", (chunk: Buffer) => {
      if (settled) return;
      chunks.push(chunk);
      size += chunk.length;
      if (size >= maxBytes) {
        finish(true);
        response.destroy();
      }
    });
    response.once("end", () => {
      if (!settled) finish(false);
    });
    response.once("error", (err) => {
      if (!settled) {
        settled = true;
        reject(err);
      }
    });
    response.once("close", () => {
      if (settled) return;
      settled = true;
      // The connection closed before the body was complete: the server went away mid-response.
      reject(
        Object.assign(new Error("connection closed before the response body was complete"), {
          code: "ECONNRESET",
        }),
      );
    });
  });
}
