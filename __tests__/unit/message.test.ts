import { URL_CREDENTIALS_PROBLEM } from "../../contract/identifiers";
import { truncate } from "../../contract/text";
import type { CheckRun, NotificationEvent } from "../../contract/workflow";
import { InvalidInputError } from "../../functions/shared/errors";
import {
  buildNotice,
  describeRun,
  executionConsoleUrl,
  firstFailure,
  formatDuration,
  isIsoInstant,
  MAX_REASON_CHARS,
  parseNotificationEvent,
  restartDuration,
} from "../../functions/shared/message";
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

const run = (
  url: string,
  route53: string,
  ssh: string,
  reasons: Partial<Record<string, string>> = {},
  tcp = "skipped",
) =>
  ({
    url: { status: url, reason: reasons.url },
    route53: { status: route53, reason: reasons.route53 },
    ssh: { status: ssh, reason: reasons.ssh },
    tcp: { status: tcp, reason: reasons.tcp },
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
  it("picks the first check that did not pass, in the order of the checks", () => {
    const result = firstFailure(
      run("passed", "failed", "failed", { route53: "0 of 8 checkers healthy", ssh: "refused" }),
    );

    expect(result).toEqual({
      check: "route53",
      label: "Route 53",
      reason: "0 of 8 checkers healthy",
      couldNotAsk: false,
    });
  });

  it("ignores skipped and not-run checks", () => {
    expect(firstFailure(run("skipped", "not-run", "failed", { ssh: "host key mismatch" }))).toEqual({
      check: "ssh",
      label: "SSH",
      reason: "host key mismatch",
      couldNotAsk: false,
    });
  });

  it("is undefined when nothing failed, or there was no run", () => {
    expect(firstFailure(run("passed", "skipped", "passed"))).toBeUndefined();
    expect(firstFailure(undefined)).toBeUndefined();
  });

  it("picks an unavailable check too, saying it could not run: it is why check-unavailable escalated", () => {
    const reason =
      "Route 53 API: GetHealthCheckStatus of abc failed: throttled (Throttling) after 3 attempts";

    expect(firstFailure(run("passed", "unavailable", "not-run", { route53: reason }))).toEqual({
      check: "route53",
      label: "Route 53",
      reason: `could not run: ${reason}`,
      couldNotAsk: true,
    });
  });

  it('labels the fact "Could not check" when first-line could not ask, never "Failed first"', () => {
    const report = {
      ...escalated.report,
      reason: "check-unavailable",
      runs: { first: run("passed", "unavailable", "not-run", { route53: "Route 53 API: throttled" }) },
    };
    const notice = buildNotice({ ...escalated, report } as NotificationEvent);

    expect(notice.facts).toContainEqual({
      label: "Could not check",
      value: "Route 53: could not run: Route 53 API: throttled",
    });
    expect(notice.facts.map((f) => f.label)).not.toContain("Failed first");
  });

  it("says so when a failed check carries no reason, and cuts a very long one", () => {
    expect(firstFailure(run("failed", "not-run", "not-run"))?.reason).toBe("no reason given");
    expect(
      firstFailure(run("failed", "not-run", "not-run", { url: "x".repeat(30_000) }))?.reason,
    ).toHaveLength(MAX_REASON_CHARS);
  });
});

describe("describeRun", () => {
  it("lists every check in order with its status and the reason of checks that ran", () => {
    expect(
      describeRun(run("passed", "failed", "not-run", { url: "HTTP 200", route53: "1 of 8 healthy" })),
    ).toBe("URL passed (HTTP 200); Route 53 failed (1 of 8 healthy); SSH not-run; TCP skipped");
  });

  it("shows an unavailable check's reason, which names the dependency", () => {
    expect(
      describeRun(
        run("passed", "skipped", "unavailable", {
          ssh: "Secrets Manager: secret k could not be read: access denied",
        }),
      ),
    ).toBe(
      "URL passed; Route 53 skipped; SSH unavailable (Secrets Manager: secret k could not be read: access denied); TCP skipped",
    );
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

describe("truncate (contract/text)", () => {
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
  it("accepts the recovered and escalated fixtures and keeps their facts", () => {
    expect(parseNotificationEvent(recovered)).toEqual(recovered);
    expect(parseNotificationEvent(escalated)).toEqual(escalated);
  });

  it("lists every problem with its path", () => {
    const problems = problemsOf({
      ...recovered,
      event: "healthy",
      report: {
        ...recovered.report,
        instanceId: "web-1",
        runs: { first: { ...recovered.report.runs.first, ssh: { status: "unknown" } } },
      },
      context: {
        ...recovered.context,
        executionArn: "arn:aws:lambda:eu-west-1:123456789012:function:x",
        notifications: {
          ...recovered.context.notifications,
          escalation: { ...recovered.context.notifications.escalation, priority: "P9" },
        },
      },
    });

    expect(problems).toEqual([
      'event: expected one of "restarting", "recovered", "escalated", "paused", got "healthy"',
      'report.instanceId: "web-1" is not an EC2 instance id (i- followed by 8 or 17 hex digits)',
      'report.runs.first.ssh.status: expected one of "passed", "failed", "unavailable", "skipped", "not-run", got "unknown"',
      'context.executionArn: "arn:aws:lambda:eu-west-1:123456789012:function:x" is not a Step Functions execution ARN',
      'context.notifications.escalation.priority: expected one of "P1", "P2", "P3", "P4", "P5", got "P9"',
    ]);
  });

  it("requires a reason when the event is an escalation", () => {
    const { reason: _reason, ...report } = escalated.report;

    expect(problemsOf({ ...escalated, report })).toEqual([
      "report.reason: required when the event is escalated",
    ]);
  });

  it("requires every check of a run", () => {
    expect(
      problemsOf({
        ...recovered,
        report: { ...recovered.report, runs: { first: { url: { status: "passed" } } } },
      }),
    ).toEqual([
      "report.runs.first.route53: required (a check's outcome)",
      "report.runs.first.ssh: required (a check's outcome)",
      "report.runs.first.tcp: required (a check's outcome)",
    ]);
  });

  it("refuses a pager API URL that would send the key in clear text", () => {
    const notifications = {
      ...escalated.context.notifications,
      escalation: { ...escalated.context.notifications.escalation, apiUrl: "http://api.opsgenie.com" },
    };

    expect(problemsOf({ ...escalated, context: { ...escalated.context, notifications } })).toEqual([
      expect.stringMatching(
        /^context\.notifications\.escalation\.apiUrl: "http:\/\/api\.opsgenie\.com" is not an https/,
      ),
    ]);
  });

  it("refuses a pager API URL with credentials in it, as the configuration does, without echoing them", () => {
    const notifications = {
      ...escalated.context.notifications,
      escalation: {
        ...escalated.context.notifications.escalation,
        apiUrl: "https://key:hunter2@api.opsgenie.com",
      },
    };

    const problems = problemsOf({ ...escalated, context: { ...escalated.context, notifications } });
    expect(problems).toEqual([`context.notifications.escalation.apiUrl: ${URL_CREDENTIALS_PROBLEM}`]);
    expect(problems.join("\n")).not.toContain("hunter2");
  });

  it("accepts a very long check reason (a Lambda error's Cause): messages cut it, delivery goes on", () => {
    const cause = "x".repeat(30_000);
    const report = {
      ...escalated.report,
      runs: { first: { ...escalated.report.runs.first, url: { status: "failed", reason: cause } } },
    };

    expect(parseNotificationEvent({ ...escalated, report }).report.runs.first?.url.reason).toBe(cause);
  });

  it("rejects a restart time that is not an ISO-8601 instant", () => {
    const report = { ...recovered.report, restart: { ...recovered.report.restart, backOnlineAt: "soon" } };

    expect(problemsOf({ ...recovered, report })).toEqual([
      'report.restart.backOnlineAt: "soon" is not an ISO-8601 instant (2026-11-24T03:10:00Z)',
    ]);
  });

  it("rejects a non-object event", () => {
    expect(problemsOf([recovered])).toEqual(["event: expected an object, got a list"]);
  });
});

describe("buildNotice", () => {
  const notice = (event: unknown) => buildNotice(parseNotificationEvent(event));

  it("names region, instance, first failed check with its reason, restart duration and the execution link", () => {
    const n = notice(recovered);

    expect(n.title).toBe("i-0123456789abcdef0 in eu-west-1 recovered after a restart");
    expect(n.facts).toEqual([
      { label: "Region", value: "eu-west-1" },
      { label: "Instance", value: "i-0123456789abcdef0" },
      { label: "Failed first", value: "Route 53: 1 of 8 checkers report Success (need 50%)" },
      { label: "Restart took", value: "2 min 35 s (reboot)" },
    ]);
    expect(n.link.url).toBe(executionConsoleUrl("eu-west-1", recovered.context.executionArn));
    expect(n.summary).toContain(n.link.url);
  });

  it("states the escalation reason in words and tells the whole story in the description", () => {
    const n = notice(escalated);

    expect(n.title).toBe("i-0fedcba9876543210 in us-east-2 escalated: checks still fail after the restart");
    expect(n.description.split("\n")).toEqual([
      "i-0fedcba9876543210 in us-east-2 escalated: checks still fail after the restart.",
      "",
      `Alarm: ${escalated.context.alarmName}`,
      "Failed first: URL: HTTP 503 from https://us.example.com/health",
      "Restart took: 4 min 12 s (stop-start)",
      "Checks before the restart: URL failed (HTTP 503 from https://us.example.com/health); Route 53 not-run; SSH not-run; TCP skipped",
      "Checks after the restart: URL failed (timed out after 10 s); Route 53 not-run; SSH skipped; TCP skipped",
      `Execution: ${executionConsoleUrl("us-east-2", escalated.context.executionArn)}`,
    ]);
    expect(n.alias).toBe("first-line:us-east-2:i-0fedcba9876543210");
    expect(n.tags).toEqual(["first-line", "us-east-2", "escalated", "checks-failed-after-restart"]);
    expect(n.details).toMatchObject({
      reason: "checks-failed-after-restart",
      firstFailedCheck: "url",
      "run1.url.status": "failed",
      "run2.url.reason": "timed out after 10 s",
      restartMethod: "stop-start",
    });
    for (const value of Object.values(n.details)) expect(typeof value).toBe("string");
  });

  it("announces a restart before it happens, with the check that did not pass", () => {
    const { outcome: _o, restart: _r, runs, ...report } = recovered.report;
    const n = notice({
      ...recovered,
      event: "restarting",
      report: { ...report, runs: { first: runs.first }, restart: { method: "reboot" } },
    });

    expect(n.title).toBe("Restarting i-0123456789abcdef0 in eu-west-1: Route 53 check did not pass");
    expect(n.facts).toContainEqual({ label: "Restart", value: "reboot" });
  });

  it("says an alarm met a pause: until when, why and by whom", () => {
    const report = {
      instanceId: "i-0123456789abcdef0",
      region: "eu-west-1",
      runs: {},
      outcome: "paused",
      pause: { pausedUntil: "2026-11-24T05:00:00Z", reason: "kernel upgrade", pausedBy: "alice" },
    };
    const n = notice({ ...recovered, event: "paused", report });

    expect(n.title).toBe(
      "i-0123456789abcdef0 in eu-west-1 alarmed while paused until 2026-11-24T05:00:00Z: nothing done",
    );
    expect(n.facts).toContainEqual({ label: "Reason", value: "kernel upgrade (by alice)" });
  });

  it("says the restart duration is unknown when the workflow did not record it", () => {
    const { restart: _r, ...report } = recovered.report;
    const n = notice({
      ...recovered,
      report: { ...report, restart: { method: "reboot", requestedAt: "2026-11-24T03:10:05Z" } },
    });

    expect(n.facts).toContainEqual({ label: "Restart took", value: "unknown (reboot)" });
  });
});
