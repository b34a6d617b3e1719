import { InvalidInputError } from "../../functions/shared/errors";
import { URL_CREDENTIALS_PROBLEM } from "../../functions/shared/url";
import { parseUrlCheckEvent } from "../../functions/url-check/input";
import { parseConfig } from "../../stacks/config";
import { configWith } from "../fixtures/config/helpers";

const valid = {
  instanceId: "i-0123456789abcdef0",
  region: "eu-west-1",
  settings: {
    address: "https://eu.example.com/health",
    timeoutSeconds: 10,
    expectStatus: "200-399",
    expectBody: "ok",
  },
};

function problemsOf(event: unknown): readonly string[] {
  try {
    parseUrlCheckEvent(event);
  } catch (err) {
    if (err instanceof InvalidInputError) return err.problems;
    throw err;
  }
  throw new Error("expected InvalidInputError");
}

describe("parseUrlCheckEvent", () => {
  it("returns a valid event unchanged", () => {
    expect(parseUrlCheckEvent(valid)).toEqual(valid);
  });

  it("fills timeoutSeconds and expectStatus with the DESIGN defaults when absent", () => {
    const event = { ...valid, settings: { address: "http://10.0.0.5:8080/" } };

    expect(parseUrlCheckEvent(event).settings).toEqual({
      address: "http://10.0.0.5:8080/",
      timeoutSeconds: 10,
      expectStatus: "200-399",
    });
  });

  it("lists every problem with its path in one error", () => {
    const event = {
      instanceId: "web-1",
      region: "Europe",
      settings: { address: "eu.example.com", timeoutSeconds: 0.5, expectStatus: "2xx", expectBody: "" },
    };

    expect(problemsOf(event)).toEqual([
      'instanceId: "web-1" is not an EC2 instance id (i-...)',
      'region: "Europe" is not an AWS region name (e.g. eu-west-1)',
      'settings.address: "eu.example.com" is not an http(s) URL (e.g. https://example.com/health)',
      "settings.timeoutSeconds: must be >= 1, got 0.5",
      'settings.expectStatus: "2xx" is not a status code (100-599) or range like "200-399"; use e.g. "200-399" or "200,204"',
      'settings.expectBody: expected a non-empty string, got ""',
    ]);
  });

  it("rejects a timeout longer than a Lambda can run", () => {
    expect(problemsOf({ ...valid, settings: { ...valid.settings, timeoutSeconds: 901 } })).toEqual([
      "settings.timeoutSeconds: must be <= 900, got 901",
    ]);
  });

  it.each([["file:///etc/passwd"], ["javascript:alert(1)"], ["ftp://example.com/"]])(
    "rejects the non-http scheme of %s",
    (address) => {
      expect(problemsOf({ ...valid, settings: { ...valid.settings, address } })).toEqual([
        `settings.address: "${address}" is not an http(s) URL (e.g. https://example.com/health)`,
      ]);
    },
  );

  it("reports a missing settings object once, not once per field", () => {
    expect(problemsOf({ instanceId: valid.instanceId, region: valid.region })).toEqual([
      "settings: expected an object, got nothing",
    ]);
  });

  it("rejects an event that is not an object", () => {
    expect(problemsOf("https://example.com")).toEqual([
      'event: expected an object, got "https://example.com"',
    ]);
  });
});

describe("addresses with credentials (config and handler share the rule)", () => {
  it.each([
    ["https://user:hunter2@eu.example.com/health"],
    ["https://user@eu.example.com/health"],
    ["http://:hunter2@10.0.0.5:8080/"],
  ])("rejects %s without echoing it", (address) => {
    const problems = problemsOf({ ...valid, settings: { ...valid.settings, address } });

    expect(problems).toEqual([`settings.address: ${URL_CREDENTIALS_PROBLEM}`]);
    expect(problems.join("\n")).not.toContain("hunter2");
  });

  it.each([
    ["https://user:hunter2@eu.example.com/health", false],
    ["https://eu.example.com/health?user=a&password=b", true],
    ["http://10.0.0.5:8080/", true],
    ["https://eu.example.com/@me", true],
  ])("agrees with the configuration on %s (accepted: %s)", (address, accepted) => {
    const raw = configWith({ "regions.eu-west-1.instances.0.url": address });
    const configAccepts = (() => {
      try {
        parseConfig(raw);
        return true;
      } catch {
        return false;
      }
    })();
    const handlerAccepts = (() => {
      try {
        parseUrlCheckEvent({ ...valid, settings: { ...valid.settings, address } });
        return true;
      } catch {
        return false;
      }
    })();

    expect([configAccepts, handlerAccepts]).toEqual([accepted, accepted]);
  });
});
