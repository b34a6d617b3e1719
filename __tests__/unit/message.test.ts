import type { CheckRun } from "../../functions/shared/contracts";
import { InvalidInputError } from "../../functions/shared/errors";
import {
  describeRun,
  executionConsoleUrl,
  firstFailure,
  formatDuration,
  isIsoInstant,
  MAX_REASON_CHARS,
  parseNotificationEvent,
  restartDuration,
  truncate,
} from "../../functions/shared/message";
import { URL_CREDENTIALS_PROBLEM } from "../../functions/shared/url";
import escalated from "../fixtures/events/notification-escalated.json";
import recovered from "../fixtures/events/notification-recovered.json";

function problemsOf(event: unknown): readonly string[] {
  try {
    parseNotificationEvent(event);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    return (err as InvalidInputError).problems;
  }
  throw new Error("expected parseNotificationEvent to throw");
}

const run = (url: string, route53: string, ssh: string, reasons: Partial<Record<string, string>> = {}) =>
  ({
    url: { status: url, reason: reasons.url },
    route53: { status: route53, reason: reasons.route53 },
    ssh: { status: ssh, reason: reasons.ssh },
  }) as CheckRun;

describe("formatDuration", () => {
  it.each([
    [0, "0 s"],
    [45_000, "45 s"],
    [59_499, "59 s"],
    [59_500, "1 min 0 s"],
    [155_000, "2 min 35 s"],
    [3_600_000, "1 h 0 min 0 s"],
    [3_725_000, "1 h 2 min 5 s"],
  ])("shows %i ms as %s", (ms, shown) => {
    expect(formatDuration(ms)).toBe(shown);
  });
});

describe("restartDuration", () => {
  it("is the time from the restart request to the instance being back", () => {
    expect(
      restartDuration({
        method: "reboot",
        requestedAt: "2026-11-24T03:10:05.250Z",
        backOnlineAt: "2026-11-24T03:12:40.250Z",
      }),
    ).toBe("2 min 35 s");
  });

  it("spans midnight", () => {
    expect(
      restartDuration({
        method: "stop-start",
        requestedAt: "2026-11-30T23:59:30Z",
        backOnlineAt: "2026-12-01T00:01:00Z",
      }),
    ).toBe("1 min 30 s");
  });

  it.each([
    ["no restart", undefined],
    [
      "no back-online time (not back in time)",
      { method: "reboot" as const, requestedAt: "2026-11-24T03:10:05Z" },
    ],
    ["no request time", { method: "reboot" as const, backOnlineAt: "2026-11-24T03:10:05Z" }],
    [
      "back online before it was requested",
      {
        method: "reboot" as const,
        requestedAt: "2026-11-24T03:10:05Z",
        backOnlineAt: "2026-11-24T03:00:00Z",
      },
    ],
  ])("is unknown with %s", (_label, restart) => {
    expect(restartDuration(restart)).toBe("unknown");
  });
});

describe("firstFailure", () => {
  it("picks the first failed check in the order url, route53, ssh", () => {
    const result = firstFailure(
      run("passed", "failed", "failed", { route53: "0 of 8 checkers healthy", ssh: "refused" }),
    );

    expect(result).toEqual({
      check: "route53",
      label: "Route 53 health check",
      reason: "0 of 8 checkers healthy",
    });
  });

  it("ignores skipped and not-run checks", () => {
    expect(firstFailure(run("skipped", "not-run", "failed", { ssh: "host key mismatch" }))).toEqual({
      check: "ssh",
      label: "SSH",
      reason: "host key mismatch",
    });
  });

  it("is undefined when nothing failed", () => {
    expect(firstFailure(run("passed", "skipped", "passed"))).toBeUndefined();
  });

  it("says so when a failed check carries no reason", () => {
    expect(firstFailure(run("failed", "not-run", "not-run"))?.reason).toBe("no reason given");
  });
});

describe("describeRun", () => {
  it("lists every check in order with its status and the reason of checks that ran", () => {
    expect(
      describeRun(run("passed", "failed", "not-run", { url: "HTTP 200", route53: "1 of 8 healthy" })),
    ).toBe("URL passed (HTTP 200); Route 53 health check failed (1 of 8 healthy); SSH not-run");
  });
});

describe("executionConsoleUrl", () => {
  it("links the execution's details page in its region's console", () => {
    expect(
      executionConsoleUrl(
        "eu-west-1",
        "arn:aws:states:eu-west-1:123456789012:execution:first-line-eu-west-1-workflow:abc",
      ),
    ).toBe(
      "https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:123456789012:execution:first-line-eu-west-1-workflow:abc",
    );
  });
});

describe("truncate", () => {
  it("keeps text that fits", () => {
    expect(truncate("abc", 3)).toBe("abc");
  });

  it("cuts to exactly the limit, ending in an ellipsis", () => {
    const out = truncate("a".repeat(200), 130);

    expect(out).toHaveLength(130);
    expect(out.endsWith("a…")).toBe(true);
  });

  it("never splits an emoji in half", () => {
    expect(truncate("ab😀cd", 4)).toBe("ab…");
  });
});

describe("isIsoInstant", () => {
  it.each(["2026-11-24T03:24:40.123Z", "2026-11-24T03:24:40Z", "2024-02-29T00:00:00+05:30"])(
    "accepts %s",
    (v) => {
      expect(isIsoInstant(v)).toBe(true);
    },
  );

  it.each(["2026-02-29T00:00:00Z", "2026-11-24 03:24:40Z", "2026-11-24T03:24:40", "2026-11-24T03:60:00Z"])(
    "rejects %s",
    (v) => {
      expect(isIsoInstant(v)).toBe(false);
    },
  );
});

describe("parseNotificationEvent", () => {
  it("accepts the recovered fixture and keeps its facts", () => {
    const event = parseNotificationEvent(recovered);

    expect(event).toEqual(recovered);
  });

  it("accepts the escalated fixture and keeps its facts", () => {
    expect(parseNotificationEvent(escalated)).toEqual(escalated);
  });

  it("lists every problem with its path", () => {
    const problems = problemsOf({
      ...recovered,
      instanceId: "web-1",
      executionArn: "arn:aws:lambda:eu-west-1:123456789012:function:x",
      outcome: "healthy",
      runs: { first: { ...recovered.runs.first, ssh: { status: "unknown" } } },
      notifications: { ...recovered.notifications, opsgeniePriority: "P9" },
    });

    expect(problems).toEqual([
      'instanceId: "web-1" is not an EC2 instance id',
      'executionArn: "arn:aws:lambda:eu-west-1:123456789012:function:x" is not a Step Functions execution ARN',
      'outcome: expected one of "recovered", "escalated", got "healthy"',
      'runs.first.ssh.status: expected one of "passed", "failed", "skipped", "not-run", got "unknown"',
      'notifications.opsgeniePriority: expected one of "P1", "P2", "P3", "P4", "P5", got "P9"',
    ]);
  });

  it("requires a reason when the outcome is escalated", () => {
    const { reason: _reason, ...withoutReason } = escalated;

    expect(problemsOf(withoutReason)).toEqual(["reason: required when outcome is escalated"]);
  });

  it("requires the first run and its three checks", () => {
    expect(problemsOf({ ...recovered, runs: { first: { url: { status: "passed" } } } })).toEqual([
      "runs.first.route53: expected an object, got nothing",
      "runs.first.ssh: expected an object, got nothing",
    ]);
  });

  it("refuses an OpsGenie API URL that would send the key in clear text", () => {
    expect(
      problemsOf({
        ...escalated,
        notifications: { ...escalated.notifications, opsgenieApiUrl: "http://api.opsgenie.com" },
      }),
    ).toEqual(["notifications.opsgenieApiUrl: must be an https URL (http only on 127.0.0.1/localhost)"]);
  });

  it("refuses an OpsGenie API URL with credentials in it, as the configuration does", () => {
    expect(
      problemsOf({
        ...escalated,
        notifications: { ...escalated.notifications, opsgenieApiUrl: "https://key:hunter2@api.opsgenie.com" },
      }),
    ).toEqual([`notifications.opsgenieApiUrl: ${URL_CREDENTIALS_PROBLEM}`]);
  });

  it("cuts a very long check reason (a Lambda error's Cause) instead of rejecting the event", () => {
    const cause = "x".repeat(30_000);
    const event = parseNotificationEvent({
      ...escalated,
      runs: { first: { ...escalated.runs.first, url: { status: "failed", reason: cause } } },
    });

    expect(event.runs.first.url.reason).toHaveLength(MAX_REASON_CHARS);
    expect(event.runs.second).toBeUndefined();
  });

  it("rejects a restart time that is not an ISO-8601 instant", () => {
    expect(problemsOf({ ...recovered, restart: { ...recovered.restart, backOnlineAt: "soon" } })).toEqual([
      'restart.backOnlineAt: "soon" is not an ISO-8601 instant',
    ]);
  });

  it("rejects a non-object event", () => {
    expect(problemsOf([recovered])).toEqual(["event: expected an object, got a list"]);
  });
});
