import { describeNetworkError, errorCode, errorName } from "./error-text";
import { DeliveryFailedError, DeliveryRejectedError } from "./errors";
import { scrub } from "./log";

/** The slice of a fetch response the notifiers read. */
export interface FetchResponse {
  readonly status: number;
  text(): Promise<string>;
}

/** The slice of a fetch request the notifiers send. */
export interface FetchInit {
  readonly method: "POST";
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly signal: AbortSignal;
}

/**
 * The fetch the notifiers call. The global `fetch` fits; tests pass it too (against a capture
 * server on 127.0.0.1) or a stub, so no handler reaches out to a real service in tests.
 */
export type Fetch = (url: string, init: FetchInit) => Promise<FetchResponse>;

/** Default time a notifier waits for the chat or pager service, well inside the function's own timeout. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** How much of an error response body goes into the error message (enough for "invalid_token"). */
const BODY_EXCERPT_CHARS = 200;

export interface PostJsonOptions {
  /** Names the receiver in errors, e.g. "slack". Never the URL: a webhook URL is a secret. */
  readonly target: string;
  readonly url: string;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly fetch: Fetch;
  /** @default DEFAULT_TIMEOUT_MS */
  readonly timeoutMs?: number;
}

/**
 * POSTs JSON once and resolves with the status code of a 2xx answer. Anything else (non-2xx,
 * network error, timeout) throws {@link DeliveryFailedError}: the workflow retries that error and
 * then fails the execution, so a message is never lost silently. The error message names the
 * target and at most the URL's host, never its path, query or the headers, in fixed wording
 * built from error codes; it is scrubbed of every registered secret too, because a receiver's
 * error body is quoted and may echo what it was sent.
 */
export async function postJson(options: PostJsonOptions): Promise<{ statusCode: number }> {
  const { target, url, body, headers = {}, fetch, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    // The body is read inside the timeout too: a server that sends headers and then stalls
    // must not hold the function until Lambda kills it.
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    const text = await response.text();
    if (response.status < 200 || response.status > 299) {
      // Scrubbed before it is cut: a cut through an echoed secret would leave a part no longer
      // equal to the secret, which redaction cannot recognise.
      const said = `${target} answered HTTP ${response.status}: ${excerpt(scrub(text)) || "(empty body)"}`;
      // A 4xx other than 429 is the service refusing this message: sending it again would be
      // refused again. 429 and 5xx are worth the workflow's retries.
      const refused = response.status >= 400 && response.status < 500 && response.status !== 429;
      throw refused ? new DeliveryRejectedError(said) : new DeliveryFailedError(said);
    }
    return { statusCode: response.status };
  } catch (err) {
    if (err instanceof DeliveryFailedError || err instanceof DeliveryRejectedError) throw err;
    if (controller.signal.aborted) {
      throw new DeliveryFailedError(`${target} did not answer within ${timeoutMs} ms`);
    }
    throw new DeliveryFailedError(scrub(`${target} could not be reached: ${describeFetchError(err, url)}`));
  } finally {
    clearTimeout(timer);
  }
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > BODY_EXCERPT_CHARS ? `${flat.slice(0, BODY_EXCERPT_CHARS)}…` : flat;
}

/**
 * Node's fetch says only "fetch failed"; what happened is the code of its `cause` (ECONNREFUSED,
 * a certificate code, ...), turned into fixed wording. Only the URL's host is named: a webhook
 * URL carries its secret in the path, and the runtime's messages (which may quote the URL, or
 * add advice such as Node 24's "--use-system-ca" hint) are never used.
 */
function describeFetchError(err: unknown, url: string): string {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  const peer = { address: parsed?.host || "the endpoint", hostname: parsed?.hostname || "the endpoint" };
  return describeNetworkError(err, peer) ?? `request failed (${errorCode(err) ?? errorName(err)})`;
}
