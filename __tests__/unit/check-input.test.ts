import { CHECKS } from "../../contract/checks";
import { sshCheck } from "../../contract/checks/ssh";
import { tcpCheck } from "../../contract/checks/tcp";
import { urlCheck } from "../../contract/checks/url";
import { MAX_TEXT_LENGTH } from "../../contract/fields";
import { InvalidInputError } from "../../functions/shared/errors";
import { parseCheckEvent, parseEvent } from "../../functions/shared/input";
import { instanceSettings } from "../../testkit/fixtures";

const FP = "SHA256:20Wqur0Lw+Q9AsKZbpU9PSsqKJ2fy5TW0PCwKQsB3Xo";

function event(_check: string, settings: unknown): Record<string, unknown> {
  return { instanceId: "i-0123456789abcdef0", region: "eu-west-1", settings };
}

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    return (err as InvalidInputError).problems;
  }
  throw new Error("expected InvalidInputError");
}

const fixture = instanceSettings() as unknown as Record<string, Record<string, unknown>>;

describe("parseCheckEvent (every check's input parsed with the contract's fields)", () => {
  it.each(CHECKS.map((check) => [check.name, check] as const))(
    "accepts the %s check's resolved settings unchanged",
    (name, check) => {
      const input = event(name, fixture[name]);

      expect(parseCheckEvent(input, check)).toEqual(input);
    },
  );

  it("lists every problem with its path in one error, before anything runs", () => {
    const problems = problemsOf(() =>
      parseCheckEvent(
        {
          instanceId: "web-1",
          region: "Europe",
          settings: { address: "eu.example.com", timeoutSeconds: 0.5, expectStatus: "2xx", expectBody: "" },
        },
        urlCheck,
      ),
    );

    expect(problems).toEqual([
      'instanceId: "web-1" is not an EC2 instance id (i- followed by 8 or 17 hex digits)',
      'region: "Europe" is not an AWS region name (e.g. eu-west-1)',
      expect.stringMatching(/^settings\.address: "eu\.example\.com" is not an absolute http/),
      "settings.timeoutSeconds: expected a whole number, got 0.5",
      expect.stringMatching(/^settings\.expectStatus: "2xx" is not a status list/),
      "settings.expectBody: must not be empty",
    ]);
  });

  it.each([
    [
      "a malformed fingerprint",
      { hostKeySha256: ["SHA256:abc"] },
      'settings.hostKeySha256[0]: "SHA256:abc" is not',
    ],
    ["a bad second fingerprint", { hostKeySha256: [FP, "nope"] }, "settings.hostKeySha256[1]"],
    ["an empty fingerprint list", { hostKeySha256: [] }, "settings.hostKeySha256: expected"],
    ["a user with a space", { user: "ec2 user" }, "settings.user"],
    ["an unknown mode", { mode: "password" }, 'settings.mode: expected one of "handshake", "command"'],
    ["a port given as a string", { port: "22" }, 'settings.port: expected a whole number, got "22"'],
    ["a port out of range", { port: 70000 }, "settings.port: must be at most 65535"],
    ["a zero timeout", { timeoutSeconds: 0 }, "settings.timeoutSeconds: must be at least 1"],
    ["inVpc given as a string", { inVpc: "yes" }, "settings.inVpc: expected true or false"],
    ["a host that is a URL", { host: "ssh://example.com" }, "settings.host"],
    ["a host that reads as an option", { host: "-oProxyCommand=x" }, "settings.host"],
    [
      "a partial secret ARN",
      { mode: "command", privateKeySecret: "arn:aws:secretsmanager:us-east-1:123456789012:secret:k" },
      "settings.privateKeySecret",
    ],
  ])("the SSH check rejects %s", (_label, patch, problem) => {
    const settings = { ...fixture.ssh, ...patch };

    expect(problemsOf(() => parseCheckEvent(event("ssh", settings), sshCheck))).toEqual([
      expect.stringContaining(problem),
    ]);
  });

  it("applies the check's own cross-field rule: command mode needs the key secret", () => {
    const settings = { ...fixture.ssh, mode: "command" };

    expect(problemsOf(() => parseCheckEvent(event("ssh", settings), sshCheck))).toEqual([
      expect.stringMatching(/^settings\.privateKeySecret: required because ssh mode is "command"/),
    ]);
  });

  it("accepts a complete secret ARN in another region", () => {
    const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:first-line/ssh-key-AbCdEf";
    const settings = { ...fixture.ssh, mode: "command", privateKeySecret: arn };

    expect(parseCheckEvent(event("ssh", settings), sshCheck).settings.privateKeySecret).toBe(arn);
  });

  it("the TCP check accepts a configured host or none, and rejects port 0", () => {
    const { host: _host, ...withoutHost } = fixture.tcp as Record<string, unknown>;

    expect(parseCheckEvent(event("tcp", withoutHost), tcpCheck).settings).toEqual(withoutHost);
    expect(problemsOf(() => parseCheckEvent(event("tcp", { ...withoutHost, port: 0 }), tcpCheck))).toEqual([
      "settings.port: must be at least 1, got 0",
    ]);
  });

  it("reports missing settings once, not once per field", () => {
    expect(
      problemsOf(() => parseCheckEvent({ instanceId: "i-0123456789abcdef0", region: "eu-west-1" }, urlCheck)),
    ).toEqual(["settings: required (the URL check's settings)"]);
  });

  it("rejects an event that is not an object, without echoing more than a short excerpt", () => {
    expect(problemsOf(() => parseEvent("https://example.com", {}))).toEqual([
      'event: expected an object, got "https://example.com"',
    ]);
    const long = "x".repeat(MAX_TEXT_LENGTH + 1);
    const problems = problemsOf(() =>
      parseCheckEvent(event("url", { ...fixture.url, expectBody: long }), urlCheck),
    );
    expect(problems).toEqual([`settings.expectBody: must be at most ${MAX_TEXT_LENGTH} characters`]);
  });
});
