import { isAllowedEndpoint } from "../../contract/notifications";
import { DeliveryFailedError, DeliveryRejectedError } from "../../functions/shared/errors";
import { type Fetch, type FetchInit, postJson } from "../../functions/shared/http";
import { redact } from "../../functions/shared/log";

function answering(status: number, body = ""): { fetch: Fetch; calls: [string, FetchInit][] } {
  const calls: [string, FetchInit][] = [];
  const fetch: Fetch = async (url, init) => {
    calls.push([url, init]);
    return { status, text: async () => body };
  };
  return { fetch, calls };
}

/** Like a real fetch against a server that never answers: settles only when aborted. */
const hanging: Fetch = (_url, init) =>
  new Promise((_resolve, reject) => {
    init.signal.addEventListener("abort", () =>
      reject(Object.assign(new Error("This operation was aborted"), { name: "AbortError" })),
    );
  });

async function failureOf(
  promise: Promise<unknown>,
  kind: new (message: string) => Error = DeliveryFailedError,
): Promise<Error> {
  const error = await promise.catch((err: unknown) => err);
  expect(error).toBeInstanceOf(kind);
  return error as Error;
}

describe("postJson", () => {
  it("POSTs the body as JSON once, with the caller's headers, and returns the 2xx status", async () => {
    const { fetch, calls } = answering(202);

    const result = await postJson({
      target: "opsgenie",
      url: "https://api.example.com/v2/alerts",
      body: { message: "hi", tags: ["a"] },
      headers: { Authorization: "GenieKey k" },
      fetch,
    });

    expect(result).toEqual({ statusCode: 202 });
    expect(calls).toHaveLength(1);
    const [url, init] = calls[0] ?? [];
    expect(url).toBe("https://api.example.com/v2/alerts");
    expect(init?.method).toBe("POST");
    expect(init?.headers).toEqual({ "Content-Type": "application/json", Authorization: "GenieKey k" });
    expect(JSON.parse(init?.body ?? "")).toEqual({ message: "hi", tags: ["a"] });
  });

  it.each([400, 401, 403, 404, 413])(
    "throws DeliveryRejected on HTTP %i: the service refused this message, retrying would not help",
    async (status) => {
      const { fetch } = answering(status, "invalid_payload");

      const error = await failureOf(
        postJson({ target: "slack", url: "https://hooks.example.com/x", body: {}, fetch }),
        DeliveryRejectedError,
      );

      expect(error.name).toBe("DeliveryRejected");
      expect(error.message).toBe(`slack answered HTTP ${status}: invalid_payload`);
    },
  );

  it.each([199, 301, 429, 500, 503])("throws DeliveryFailed (retried) on HTTP %i", async (status) => {
    const { fetch } = answering(status, "invalid_payload");

    const error = await failureOf(
      postJson({ target: "slack", url: "https://hooks.example.com/x", body: {}, fetch }),
    );

    expect(error.name).toBe("DeliveryFailed");
    expect(error.message).toBe(`slack answered HTTP ${status}: invalid_payload`);
  });

  it("cuts a long error body to 200 characters in the message", async () => {
    const { fetch } = answering(500, "e".repeat(5000));

    const error = await failureOf(
      postJson({ target: "slack", url: "https://hooks.example.com/x", body: {}, fetch }),
    );

    expect(error.message).toBe(`slack answered HTTP 500: ${"e".repeat(200)}…`);
  });

  it("throws DeliveryFailed naming the cause's code and the host when the network fails", async () => {
    const fetch: Fetch = async () => {
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }),
      });
    };

    const error = await failureOf(
      postJson({ target: "opsgenie", url: "https://api.example.com/v2/alerts", body: {}, fetch }),
    );

    expect(error.message).toBe("opsgenie could not be reached: connection refused by api.example.com");
  });

  it("words a certificate failure itself: Node 24's --use-system-ca advice never reaches a message", async () => {
    const fetch: Fetch = async () => {
      throw new TypeError("fetch failed", {
        cause: Object.assign(
          new Error(
            "unable to get local issuer certificate; if the root CA is installed locally, try running Node.js with --use-system-ca",
          ),
          { code: "UNABLE_TO_GET_ISSUER_CERT_LOCALLY" },
        ),
      });
    };

    const error = await failureOf(
      postJson({ target: "slack", url: "https://hooks.example.com/services/T/B/x", body: {}, fetch }),
    );

    expect(error.message).toBe(
      "slack could not be reached: TLS error: unable to get local issuer certificate",
    );
  });

  it("aborts the request and throws DeliveryFailed when the answer takes longer than the timeout", async () => {
    const error = await failureOf(
      postJson({
        target: "slack",
        url: "https://hooks.example.com/x",
        body: {},
        fetch: hanging,
        timeoutMs: 20,
      }),
    );

    expect(error.message).toBe("slack did not answer within 20 ms");
  });

  it("never quotes a runtime error, which may carry the URL and its secret path", async () => {
    const webhook = "https://hooks.example.com/services/T1/B2/tok3n-for-http-test";
    const fetch: Fetch = async (url) => {
      throw new TypeError(`Failed to parse URL from ${url}`);
    };

    const error = await failureOf(postJson({ target: "slack", url: webhook, body: {}, fetch }));

    expect(error.message).toBe("slack could not be reached: request failed (TypeError)");
  });

  it("scrubs registered secrets from a receiver's error body", async () => {
    redact("tok3n-echoed-by-server");
    const { fetch } = answering(500, "invalid token tok3n-echoed-by-server");

    const error = await failureOf(
      postJson({ target: "slack", url: "https://hooks.example.com/x", body: {}, fetch }),
    );

    expect(error.message).toBe("slack answered HTTP 500: invalid token [redacted]");
  });
});

describe("isAllowedEndpoint", () => {
  it.each([
    "https://api.opsgenie.com",
    "https://hooks.slack.com/services/T/B/x",
    "http://127.0.0.1:8080/v2",
    "http://localhost:3000",
  ])("allows %s", (url) => {
    expect(isAllowedEndpoint(url)).toBe(true);
  });

  it.each(["http://api.opsgenie.com", "ftp://127.0.0.1/", "not a url", "", "http://127.0.0.1.evil.example/"])(
    "refuses %j (secrets must not travel in clear text)",
    (url) => {
      expect(isAllowedEndpoint(url)).toBe(false);
    },
  );
});
