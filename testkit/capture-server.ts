/**
 * A real HTTP server on 127.0.0.1 that records every request and answers with a configurable
 * status, or holds the answer back to force a client timeout. Stands in for Slack, OpsGenie
 * and any other HTTP receiver in handler and workflow tests.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface CapturedRequest {
  readonly method: string;
  /** Path and query, e.g. "/v2/alerts". */
  readonly path: string;
  /** Lower-cased header names, as Node gives them. */
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly body: unknown;
}

export interface CaptureReply {
  /** @default 200 */
  readonly status?: number;
  /** @default "ok" */
  readonly body?: string;
  /** Hold the answer this long (ms); the request is recorded at once. @default 0 */
  readonly delayMs?: number;
}

export interface CaptureServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234. */
  readonly url: string;
  /** Requests received since the last {@link reset}, in arrival order. */
  readonly requests: readonly CapturedRequest[];
  /** How the next requests are answered. */
  reply(reply: CaptureReply): void;
  /** Forget recorded requests and go back to answering 200 "ok" at once. */
  reset(): void;
  close(): Promise<void>;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Starts a capture server on an ephemeral port of 127.0.0.1. */
export async function startCaptureServer(initial: CaptureReply = {}): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let current: CaptureReply = initial;

  const answer = (res: ServerResponse, reply: CaptureReply) => {
    if (res.destroyed) return;
    res.writeHead(reply.status ?? 200, { "content-type": "text/plain" });
    res.end(reply.body ?? "ok");
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      requests.push({
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        rawBody,
        body: parseJson(rawBody),
      });
      const reply = current;
      if (!reply.delayMs) return answer(res, reply);
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer(res, reply);
      }, reply.delayMs);
      timers.add(timer);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply(reply) {
      current = reply;
    },
    reset() {
      requests.length = 0;
      current = initial;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      // Held-back answers and keep-alive sockets would otherwise keep close() waiting.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
