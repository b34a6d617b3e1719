/**
 * A server on 127.0.0.1 that records every request and answers the way a chat or pager service
 * does (Slack, Teams, OpsGenie, Jira Service Management, PagerDuty), or with a forced status, or
 * not at all (to force a client timeout). With a certificate it speaks TLS: the config requires
 * https for every real endpoint, so the notify functions are tested over TLS with the real `fetch`;
 * without one it is plain HTTP (what a test of other HTTP receivers needs).
 *
 * Trust: `NODE_EXTRA_CA_CERTS` is read once when Node starts, so it cannot reach a jest worker
 * that is already running. The server's {@link CaptureServer.fetch} is the global `fetch` with an
 * undici Agent that trusts this server's certificate (`connect.ca`) as its dispatcher: the same
 * fetch, TLS stack and certificate checks the functions use in Lambda, only the trust store
 * differs. The plain global `fetch` still refuses the server, which tests can show.
 */
import { randomUUID } from "node:crypto";
import { createServer as createHttpServer, type IncomingHttpHeaders, type RequestListener } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { Agent } from "undici";
import type { ChatType, PagerType } from "../contract/senders";
import { listenOnLoopback } from "./loopback";

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
  /** @default "" */
  readonly body?: string;
  /** @default text/plain, or application/json when the body is JSON */
  readonly contentType?: string;
  /** Hold the answer this long (ms); the request is recorded at once. @default 0 */
  readonly delayMs?: number;
}

/** How a service answers a request (pure: the request in, the answer out). */
export type Responder = (request: CapturedRequest) => CaptureReply;

/** A PEM key and certificate for 127.0.0.1 (testkit/tls.ts makes one at test time). */
export interface ServerCertificate {
  readonly key: string;
  readonly cert: string;
}

export interface CaptureServerOptions extends CaptureReply {
  /** Serve https with this key and certificate. @default plain http */
  readonly certificate?: ServerCertificate;
  /**
   * How requests are answered unless a reply is forced. @default the reply given by this
   * object's own status/body/delayMs, which is 200 with an empty body
   */
  readonly respond?: Responder;
}

export interface CaptureServer {
  /** Base URL without a trailing slash, e.g. https://127.0.0.1:41234. */
  readonly url: string;
  /** Requests received since the last {@link reset}, in arrival order. */
  readonly requests: readonly CapturedRequest[];
  /** The global fetch, trusting this server's certificate (the plain global fetch for http). */
  readonly fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** Answer the next requests with this instead of the service's own answer. */
  reply(reply: CaptureReply): void;
  /** Forget recorded requests and forced replies. */
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

/** Starts a capture server on an ephemeral port of 127.0.0.1, with TLS when given a certificate. */
export async function startCaptureServer(options: CaptureServerOptions = {}): Promise<CaptureServer> {
  const { certificate: _c, respond: given, ...initial } = options;
  const respond: Responder = given ?? (() => initial);
  const requests: CapturedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let forced: CaptureReply | undefined;

  const listener: RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      const request = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        rawBody,
        body: parseJson(rawBody),
      };
      requests.push(request);
      const reply = forced ?? respond(request);
      const answer = () => {
        if (res.destroyed) return;
        const body = reply.body ?? "";
        const contentType =
          reply.contentType ?? (parseJson(body) === undefined ? "text/plain" : "application/json");
        res.writeHead(reply.status ?? 200, { "content-type": contentType });
        res.end(body);
      };
      if (!reply.delayMs) return answer();
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer();
      }, reply.delayMs);
      timers.add(timer);
    });
  };
  const { certificate } = options;
  const server = certificate ? createHttpsServer(certificate, listener) : createHttpServer(listener);

  const port = await listenOnLoopback(server);
  const agent = certificate ? new Agent({ connect: { ca: certificate.cert } }) : undefined;
  // undici's Dispatcher and the one @types/node's RequestInit names are one interface declared by
  // two packages (undici, undici-types); the runtime takes the Agent on Node 20 and 24 alike.
  const dispatcher = agent as unknown as RequestInit["dispatcher"];

  return {
    url: `${certificate ? "https" : "http"}://127.0.0.1:${port}`,
    requests,
    fetch: (url, init) => fetch(url, agent ? { ...init, dispatcher } : init),
    reply(reply) {
      forced = reply;
    },
    reset() {
      requests.length = 0;
      forced = undefined;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      // Held-back answers and keep-alive sockets would otherwise keep close() waiting.
      server.closeAllConnections();
      await Promise.all([
        agent?.close(),
        new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
      ]);
    },
  };
}

/*
 * How each service answers, from its documentation (the sender modules in contract/senders/ cite
 * the pages). Stricter than the service where it would silently cut a field: a field over its
 * documented limit is refused in the service's error shape, so a sender that forgets a limit
 * fails its test instead of being cut in production.
 */

const json = (status: number, body: unknown): CaptureReply => ({ status, body: JSON.stringify(body) });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Length of a string field, or undefined when it is absent or not a string. */
function lengthOf(value: unknown): number | undefined {
  return typeof value === "string" ? value.length : undefined;
}

/** Slack incoming webhook: 200 "ok"; a malformed message 400 "invalid_payload" or "invalid_blocks". */
function slack(request: CapturedRequest): CaptureReply {
  const body = request.body;
  if (!request.path.startsWith("/services/")) return { status: 404, body: "no_service" };
  if (!isRecord(body) || (typeof body.text !== "string" && !Array.isArray(body.blocks))) {
    return { status: 400, body: "invalid_payload" };
  }
  for (const block of Array.isArray(body.blocks) ? body.blocks : []) {
    if (!isRecord(block)) return { status: 400, body: "invalid_blocks" };
    const header = isRecord(block.text) ? lengthOf(block.text.text) : undefined;
    if (block.type === "header" && (header === undefined || header > 150)) {
      return { status: 400, body: "invalid_blocks" };
    }
    const fields = Array.isArray(block.fields) ? block.fields : [];
    if (fields.length > 10 || fields.some((f) => !isRecord(f) || (lengthOf(f.text) ?? 0) > 2000)) {
      return { status: 400, body: "invalid_blocks" };
    }
  }
  return { status: 200, body: "ok" };
}

/** Teams Workflows webhook: 202 with no body; over 28 KB 413; not an Adaptive Card message 400. */
function teams(request: CapturedRequest): CaptureReply {
  if (Buffer.byteLength(request.rawBody, "utf8") > 28_000) {
    return json(413, { error: { code: "MessageSizeTooBig", message: "Request Entity too large" } });
  }
  const body = request.body;
  const attachment = isRecord(body) && Array.isArray(body.attachments) ? body.attachments[0] : undefined;
  const card = isRecord(attachment) ? attachment.content : undefined;
  if (
    !isRecord(body) ||
    body.type !== "message" ||
    !isRecord(attachment) ||
    attachment.contentType !== "application/vnd.microsoft.card.adaptive" ||
    !isRecord(card) ||
    card.type !== "AdaptiveCard" ||
    !Array.isArray(card.body)
  ) {
    return json(400, {
      error: { code: "InvalidRequestContent", message: "The request must be an Adaptive Card message." },
    });
  }
  return { status: 202, body: "" };
}

/** OpsGenie Alert API v2, also spoken by JSM's integration endpoint: 202 queued, 401, 422. */
function genieKeyAlerts(path: string): Responder {
  return (request) => {
    const requestId = randomUUID();
    if (request.path !== path) return json(404, { message: "Not found", took: 0, requestId });
    const auth = request.headers.authorization;
    if (typeof auth !== "string" || !/^GenieKey \S+$/.test(auth)) {
      return json(401, { message: "Could not authenticate", took: 0, requestId });
    }
    const body = request.body;
    const errors: Record<string, string> = {};
    if (!isRecord(body)) errors.body = "Request body is not valid JSON";
    else {
      const limits = { message: 130, alias: 512, description: 15_000, source: 100 } as const;
      for (const [field, max] of Object.entries(limits)) {
        const length = lengthOf(body[field]);
        if (field === "message" && !length) errors.message = "Message can not be empty.";
        else if (length !== undefined && length > max)
          errors[field] = `${field} can not be longer than ${max}`;
      }
      const tags = Array.isArray(body.tags) ? body.tags : [];
      if (tags.length > 20 || tags.some((t) => (lengthOf(t) ?? 51) > 50))
        errors.tags = "at most 20 tags of 50 characters";
      if (isRecord(body.details) && JSON.stringify(body.details).length > 8000)
        errors.details = "details can not be longer than 8000 characters";
      if (!["P1", "P2", "P3", "P4", "P5"].includes(String(body.priority ?? "P3")))
        errors.priority = "Priority should be one of P1, P2, P3, P4, P5";
    }
    if (Object.keys(errors).length > 0) {
      return json(422, {
        message: "Request body is not processable. Please check the errors.",
        errors,
        took: 0,
        requestId,
      });
    }
    return json(202, { result: "Request will be processed", took: 0.107, requestId });
  };
}

/** PagerDuty Events API v2: 202 success; an invalid event 400 with its errors. */
function pagerduty(request: CapturedRequest): CaptureReply {
  if (request.path !== "/v2/enqueue") return json(404, { status: "Not found" });
  const body = request.body;
  const errors: string[] = [];
  if (!isRecord(body)) errors.push("Event object is not valid JSON");
  else {
    if (lengthOf(body.routing_key) !== 32)
      errors.push("Length of 'routing_key' is incorrect (should be 32 characters)");
    if (!["trigger", "acknowledge", "resolve"].includes(String(body.event_action)))
      errors.push("'event_action' is invalid");
    if ((lengthOf(body.dedup_key) ?? 0) > 255) errors.push("'dedup_key' is too long (maximum 255)");
    const payload = isRecord(body.payload) ? body.payload : {};
    const summary = lengthOf(payload.summary);
    if (!summary || summary > 1024) errors.push("'payload.summary' is missing or longer than 1024");
    if (!lengthOf(payload.source)) errors.push("'payload.source' is missing");
    if (!["critical", "error", "warning", "info"].includes(String(payload.severity)))
      errors.push("'payload.severity' is invalid");
    if (Buffer.byteLength(request.rawBody, "utf8") > 512 * 1024) errors.push("Event is larger than 512 KB");
  }
  if (errors.length > 0)
    return json(400, { status: "invalid event", message: "Event object is invalid", errors });
  return json(202, {
    status: "success",
    message: "Event processed",
    dedup_key: isRecord(body) ? body.dedup_key : undefined,
  });
}

/** Each service's documented answers, by its sender's type. */
export const SERVICE_STAND_INS: Readonly<Record<ChatType | PagerType, Responder>> = {
  slack,
  teams,
  opsgenie: genieKeyAlerts("/v2/alerts"),
  jsm: genieKeyAlerts("/jsm/ops/integration/v2/alerts"),
  pagerduty,
};
