import { createLogger, redact, scrub } from "../../functions/shared/log";

describe("createLogger", () => {
  it("writes one JSON line per call with level, message, the base fields and the call's fields", () => {
    const lines: string[] = [];
    const log = createLogger({ region: "eu-west-1", instanceId: "i-0123456789abcdef0" }, (l) =>
      lines.push(l),
    );

    log.warn("check failed", { check: "url", statusCode: 503 });

    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? "")).toEqual({
      level: "warn",
      message: "check failed",
      region: "eu-west-1",
      instanceId: "i-0123456789abcdef0",
      check: "url",
      statusCode: 503,
    });
  });

  it("replaces a registered secret wherever it appears in a line", () => {
    const lines: string[] = [];
    const log = createLogger({ region: "eu-west-1" }, (l) => lines.push(l));
    redact("genie-key-5f0c0a77");

    log.error("request failed", { error: "header Authorization: GenieKey genie-key-5f0c0a77 rejected" });

    expect(lines[0]).not.toContain("genie-key-5f0c0a77");
    expect(JSON.parse(lines[0] ?? "").error).toBe("header Authorization: GenieKey [redacted] rejected");
  });
});

describe("scrub", () => {
  it("replaces every occurrence of every registered secret", () => {
    redact("https://hooks.slack.com/services/T000/B000/abcdefsecret");
    redact("second-secret-value");

    const out = scrub(
      "posting to https://hooks.slack.com/services/T000/B000/abcdefsecret failed; second-secret-value, second-secret-value",
    );

    expect(out).toBe("posting to [redacted] failed; [redacted], [redacted]");
  });

  it("leaves text without secrets unchanged", () => {
    redact("some-registered-secret");

    expect(scrub("nothing to hide here")).toBe("nothing to hide here");
  });

  it("ignores values shorter than 4 characters, which would shred ordinary text", () => {
    redact("ab");

    expect(scrub("about a tab")).toBe("about a tab");
  });
});
