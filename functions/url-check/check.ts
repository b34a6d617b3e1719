import { performance } from "node:perf_hooks";
import type { CheckSettings } from "../../contract/checks";
import { parseExpectStatus, statusMatches } from "../../contract/expect-status";
import type { CheckResult } from "../../contract/workflow";
import { checkResult } from "../shared/check-result";
import { describeNetworkError, errorCode, errorName } from "../shared/error-text";
import { InvalidInputError } from "../shared/errors";
import type { HttpGet } from "./transport";

/** DESIGN §3: at most this many redirects are followed; one more fails the check. */
export const MAX_REDIRECTS = 5;
/** Body bytes read for the `expectBody` match; a health page is small, a huge one is not read whole. */
export const MAX_BODY_BYTES = 1024 * 1024;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** What {@link runUrlCheck} needs from outside: the transport and, for tests, a clock. */
export interface UrlCheckDeps {
  readonly get: HttpGet;
  /** Milliseconds, monotonic. @default performance.now */
  readonly now?: () => number;
}

/**
 * GETs `settings.address`, following up to {@link MAX_REDIRECTS} redirects, and passes when the
 * final status is in `expectStatus` and the body contains `expectBody` (when set), all within
 * `timeoutSeconds`. Every network outcome is a result; it throws only for settings that
 * parsing the event (the url check's fields) would have rejected.
 */
export async function runUrlCheck(settings: CheckSettings<"url">, deps: UrlCheckDeps): Promise<CheckResult> {
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const parsed = parseExpectStatus(settings.expectStatus);
  if (!parsed.ok) throw new InvalidInputError([`settings.expectStatus: ${parsed.error}`]);
  const spec = parsed.spec;

  let url = parseAddress(settings.address);
  const chain: string[] = [url.href];
  let statusCode: number | undefined;
  let phase: "response" | "body" = "response";

  // Everything the URL check can report is the instance's own answer: passed or failed.
  const result = (passed: boolean, reason: string): CheckResult =>
    checkResult("url", passed ? "passed" : "failed", reason, Math.round(now() - started), {
      finalUrl: url.href,
      redirects: chain.length - 1,
      ...(statusCode !== undefined ? { statusCode } : {}),
    });

  // One deadline for the whole check, redirects and body included: a server that sends headers
  // quickly and then trickles the body is not serving.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), settings.timeoutSeconds * 1000);
  try {
    for (;;) {
      phase = "response";
      const response = await untilAborted(deps.get(url, controller.signal), controller.signal);
      statusCode = response.status;

      if (REDIRECT_STATUSES.has(response.status) && response.location !== undefined) {
        response.discard();
        let next: URL;
        try {
          next = new URL(response.location, url);
        } catch {
          return result(
            false,
            `redirect ${response.status} has an invalid Location "${clip(response.location)}"`,
          );
        }
        if (next.protocol !== "http:" && next.protocol !== "https:") {
          return result(false, `redirect to unsupported scheme ${next.protocol} (${clip(next.href)})`);
        }
        if (chain.includes(next.href)) {
          return result(false, `redirect loop: ${[...chain, next.href].join(" -> ")}`);
        }
        if (chain.length - 1 === MAX_REDIRECTS) {
          return result(false, `more than ${MAX_REDIRECTS} redirects (the next one points to ${next.href})`);
        }
        chain.push(next.href);
        url = next;
        continue;
      }

      const where = chain.length > 1 ? ` at ${url.href}` : "";
      if (!statusMatches(spec, response.status)) {
        response.discard();
        return result(false, `status ${response.status} not in ${spec.text}${where}`);
      }

      // The body is read even without expectBody: a complete response proves the server serves.
      phase = "body";
      const { body, truncated } = await untilAborted(response.readBody(MAX_BODY_BYTES), controller.signal);
      if (settings.expectBody !== undefined && !body.toString("utf8").includes(settings.expectBody)) {
        const scope = truncated ? "body (first 1 MiB)" : "body";
        return result(false, `${scope} does not contain "${clip(settings.expectBody)}"${where}`);
      }
      const bodyNote =
        settings.expectBody !== undefined ? `, body contains "${clip(settings.expectBody)}"` : "";
      return result(true, `status ${response.status} in ${spec.text}${bodyNote}${where}`);
    }
  } catch (err) {
    if (controller.signal.aborted) {
      const during = phase === "body" ? " while reading the body" : "";
      return result(false, `timed out after ${settings.timeoutSeconds} s${during}`);
    }
    return result(false, describeRequestError(err, url));
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Settles with `promise`, or rejects as soon as `signal` aborts: the deadline holds even for a
 * transport that ignores its signal.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error("aborted"));
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

/**
 * Turns a transport error into a reason an operator can act on at 3 a.m., from the error's code
 * (or name) only: the runtime's message wording never reaches a reason.
 */
export function describeRequestError(err: unknown, url: URL): string {
  return (
    describeNetworkError(err, { address: url.host, hostname: url.hostname }) ??
    `request to ${url.host} failed (${errorCode(err) ?? errorName(err)})`
  );
}

function parseAddress(address: string): URL {
  const url = URL.canParse(address) ? new URL(address) : undefined;
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new InvalidInputError([`settings.address: "${clip(address)}" is not an http(s) URL`]);
  }
  return url;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
