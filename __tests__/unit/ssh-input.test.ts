import { InvalidInputError } from "../../functions/shared/errors";
import { parseSshCheckEvent } from "../../functions/ssh-check/input";

const FP = "SHA256:20Wqur0Lw+Q9AsKZbpU9PSsqKJ2fy5TW0PCwKQsB3Xo";
const FP2 = "SHA256:90KQ4EQDwlqHjVmivg3MJTPvXIdkHP3mmW9GXu9MDZE";

function validEvent(settings: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    instanceId: "i-0123456789abcdef0",
    region: "eu-west-1",
    settings: {
      port: 22,
      user: "ec2-user",
      hostKeySha256: [FP],
      mode: "command",
      privateKeySecret: "first-line/ssh-key",
      command: "systemctl is-active nginx",
      timeoutSeconds: 15,
      ...settings,
    },
  };
}

function problemsOf(event: unknown): readonly string[] {
  try {
    parseSshCheckEvent(event);
  } catch (err) {
    if (err instanceof InvalidInputError) return err.problems;
    throw err;
  }
  throw new Error("expected InvalidInputError");
}

describe("parseSshCheckEvent", () => {
  it("returns a resolved command-mode event unchanged, with inVpc defaulting to false", () => {
    const parsed = parseSshCheckEvent(validEvent());

    expect(parsed).toEqual({
      instanceId: "i-0123456789abcdef0",
      region: "eu-west-1",
      settings: {
        port: 22,
        user: "ec2-user",
        hostKeySha256: [FP],
        mode: "command",
        privateKeySecret: "first-line/ssh-key",
        command: "systemctl is-active nginx",
        timeoutSeconds: 15,
        inVpc: false,
      },
    });
  });

  it("accepts a single fingerprint string as a one-element list, and keeps host and inVpc", () => {
    const parsed = parseSshCheckEvent(validEvent({ hostKeySha256: FP, host: "203.0.113.10", inVpc: true }));

    expect(parsed.settings).toMatchObject({ hostKeySha256: [FP], host: "203.0.113.10", inVpc: true });
  });

  it("accepts a secret ARN from another region", () => {
    const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:first-line/ssh-key-AbCdEf";

    expect(parseSshCheckEvent(validEvent({ privateKeySecret: arn })).settings.privateKeySecret).toBe(arn);
  });

  it("lets handshake mode leave out the key secret and the command", () => {
    const parsed = parseSshCheckEvent(
      validEvent({
        mode: "handshake",
        privateKeySecret: undefined,
        command: undefined,
        hostKeySha256: [FP, FP2],
      }),
    );

    expect(parsed.settings).toEqual({
      port: 22,
      user: "ec2-user",
      hostKeySha256: [FP, FP2],
      mode: "handshake",
      command: "true",
      timeoutSeconds: 15,
      inVpc: false,
    });
  });

  it.each([
    [
      "a malformed fingerprint",
      { hostKeySha256: ["SHA256:abc"] },
      'settings.hostKeySha256[0]: "SHA256:abc" is not',
    ],
    ["a bad second fingerprint", { hostKeySha256: [FP, "nope"] }, "settings.hostKeySha256[1]"],
    [
      "an empty fingerprint list",
      { hostKeySha256: [] },
      "settings.hostKeySha256: expected a string or a non-empty list",
    ],
    ["a missing user", { user: undefined }, "settings.user: expected a non-empty string, got nothing"],
    ["a user with a space", { user: "ec2 user" }, "settings.user"],
    [
      "command mode without a key secret",
      { privateKeySecret: undefined },
      "settings.privateKeySecret: required",
    ],
    ["command mode without a command", { command: undefined }, "settings.command"],
    ["an unknown mode", { mode: "password" }, 'settings.mode: expected one of "handshake", "command"'],
    ["a port given as a string", { port: "22" }, 'settings.port: expected a number, got "22"'],
    ["a port out of range", { port: 70000 }, "settings.port: must be <= 65535"],
    ["a zero timeout", { timeoutSeconds: 0 }, "settings.timeoutSeconds: must be >= 1"],
    ["a timeout beyond Lambda's limit", { timeoutSeconds: 901 }, "settings.timeoutSeconds: must be <= 900"],
    ["inVpc given as a string", { inVpc: "yes" }, "settings.inVpc: expected true or false"],
    ["a host that is a URL", { host: "ssh://example.com" }, "settings.host"],
  ])("rejects %s", (_label, patch, problem) => {
    expect(problemsOf(validEvent(patch))).toEqual([expect.stringContaining(problem)]);
  });

  it("names every problem at once", () => {
    const problems = problemsOf({ instanceId: "web-1", region: "moon", settings: { mode: "handshake" } });

    expect(problems.map((p) => p.split(":")[0])).toEqual([
      "instanceId",
      "region",
      "settings.port",
      "settings.user",
      "settings.hostKeySha256",
      "settings.timeoutSeconds",
    ]);
  });

  it("rejects an event without settings", () => {
    expect(problemsOf({ instanceId: "i-0123456789abcdef0", region: "eu-west-1" })).toEqual([
      "settings: expected an object, got nothing",
    ]);
  });

  it("rejects a non-object event", () => {
    expect(problemsOf("ssh")).toEqual(['event: expected an object, got "ssh"']);
  });
});
