import { alertAlias, buildEscalationAlert, DETAIL_VALUE_CHARS } from "../../functions/alert-opsgenie/alert";
import { type EscalationAlert, OPSGENIE_LIMITS, opsgenieAlertBody } from "../../functions/shared/escalation";
import { parseNotificationEvent } from "../../functions/shared/message";
import escalated from "../fixtures/events/notification-escalated.json";

describe("buildEscalationAlert", () => {
  const alert = buildEscalationAlert(parseNotificationEvent(escalated));

  it("titles the alert with instance, region, outcome, reason and alarm", () => {
    expect(alert.title).toBe(
      "[first-line] i-0fedcba9876543210 in us-east-2 escalated: checks-failed-after-restart " +
        "(alarm first-line-us-east-2-i-0fedcba9876543210-cpu)",
    );
  });

  it("uses an alias built from region and instance only", () => {
    expect(alert.alias).toBe("first-line:us-east-2:i-0fedcba9876543210");
    expect(alertAlias("us-east-2", "i-0fedcba9876543210")).toBe(alert.alias);
  });

  it("passes the configured priority through and tags product, region, outcome and reason", () => {
    expect(alert.priority).toBe("P1");
    expect(alert.tags).toEqual(["first-line", "us-east-2", "escalated", "checks-failed-after-restart"]);
  });

  it("carries both runs' check results and the execution facts as string details", () => {
    expect(alert.details).toEqual({
      region: "us-east-2",
      instanceId: "i-0fedcba9876543210",
      alarmName: "first-line-us-east-2-i-0fedcba9876543210-cpu",
      executionArn: escalated.executionArn,
      outcome: "escalated",
      reason: "checks-failed-after-restart",
      firstFailedCheck: "url",
      restartMethod: "stop-start",
      restartDuration: "4 min 12 s",
      "run1.url.status": "failed",
      "run1.url.reason": "HTTP 503 from https://us.example.com/health",
      "run1.url.durationMs": "240",
      "run1.route53.status": "not-run",
      "run1.ssh.status": "not-run",
      "run2.url.status": "failed",
      "run2.url.reason": "timed out after 10 s",
      "run2.url.durationMs": "10003",
      "run2.route53.status": "not-run",
      "run2.ssh.status": "skipped",
    });
  });

  it("tells the story in the description, ending with the console link", () => {
    expect(alert.description.split("\n")).toEqual([
      "first-line could not fix i-0fedcba9876543210 in us-east-2 on its own: checks still fail after the restart.",
      "",
      "Alarm: first-line-us-east-2-i-0fedcba9876543210-cpu",
      "First failed check: URL: HTTP 503 from https://us.example.com/health",
      "Checks before the restart: URL failed (HTTP 503 from https://us.example.com/health); Route 53 health check not-run; SSH not-run",
      "Checks after the restart: URL failed (timed out after 10 s); Route 53 health check not-run; SSH skipped",
      "Restart: stop-start, took 4 min 12 s",
      `Execution: https://us-east-2.console.aws.amazon.com/states/home?region=us-east-2#/v2/executions/details/${escalated.executionArn}`,
    ]);
  });

  it("says no restart was attempted when the alarm came back within the cooldown", () => {
    const { restart: _restart, ...rest } = escalated;
    const cooldown = buildEscalationAlert(parseNotificationEvent({ ...rest, reason: "cooldown" }));

    expect(cooldown.description).toContain("Restart: not attempted");
    expect(cooldown.details.restartDuration).toBe("unknown");
    expect(cooldown.details.restartMethod).toBeUndefined();
  });

  it("names the check that could not run and its dependency when escalating check-unavailable", () => {
    const { restart: _restart, ...rest } = escalated;
    const reason =
      "Secrets Manager: secret first-line/ssh-key could not be read: access denied (AccessDeniedException)";
    const unavailable = buildEscalationAlert(
      parseNotificationEvent({
        ...rest,
        reason: "check-unavailable",
        runs: {
          first: {
            url: { status: "passed", reason: "status 200 in 200-399", durationMs: 80 },
            route53: { status: "skipped", reason: "not configured" },
            ssh: { status: "unavailable", reason, durationMs: 40 },
          },
        },
      }),
    );

    expect(unavailable.description).toContain(`First failed check: SSH: ${reason}`);
    expect(unavailable.description).toContain("Restart: not attempted");
    expect(unavailable.details).toMatchObject({
      reason: "check-unavailable",
      firstFailedCheck: "ssh",
      "run1.ssh.status": "unavailable",
      "run1.ssh.reason": reason,
    });
  });

  it("cuts every details value to the per-value limit", () => {
    const long = buildEscalationAlert(parseNotificationEvent({ ...escalated, alarmName: "a".repeat(1000) }));

    expect(long.details.alarmName).toHaveLength(DETAIL_VALUE_CHARS);
    expect(Object.values(long.details).every((v) => v.length <= DETAIL_VALUE_CHARS)).toBe(true);
  });
});

describe("opsgenieAlertBody", () => {
  const base: EscalationAlert = {
    title: "t",
    alias: "first-line:eu-west-1:i-0123456789abcdef0",
    description: "d",
    priority: "P3",
    tags: ["first-line"],
    details: { a: "1" },
  };

  it("maps title to message and keeps the other fields, marking the source", () => {
    expect(opsgenieAlertBody(base)).toEqual({
      message: "t",
      alias: "first-line:eu-west-1:i-0123456789abcdef0",
      description: "d",
      priority: "P3",
      tags: ["first-line"],
      details: { a: "1" },
      source: "first-line",
    });
  });

  it("holds message, description and tags to OpsGenie's limits", () => {
    const body = opsgenieAlertBody({
      ...base,
      title: "m".repeat(500),
      description: "d".repeat(20_000),
      tags: [...Array.from({ length: 30 }, (_, i) => `tag-${i}`), "t".repeat(80), "tag-0"],
    });

    expect(body.message).toHaveLength(OPSGENIE_LIMITS.message);
    expect(body.message.endsWith("…")).toBe(true);
    expect(body.description).toHaveLength(OPSGENIE_LIMITS.description);
    expect(body.tags).toHaveLength(OPSGENIE_LIMITS.tags);
    expect(body.tags.every((t) => t.length <= OPSGENIE_LIMITS.tagChars)).toBe(true);
  });
});
