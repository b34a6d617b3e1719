import { OPSGENIE_LIMITS, opsgenieAlertBody, opsgenieSender } from "../../contract/senders/opsgenie";
import type { Notice } from "../../contract/senders/sender";
import { buildNotice, parseNotificationEvent } from "../../functions/shared/message";
import escalated from "../fixtures/events/notification-escalated.json";

const notice = buildNotice(parseNotificationEvent(escalated));

describe("opsgenieSender (Alert API v2)", () => {
  it("posts to {apiUrl}/v2/alerts with the key only in the GenieKey Authorization header", () => {
    const request = opsgenieSender.request(notice, {
      key: "k-123",
      apiUrl: "https://api.eu.opsgenie.com/",
      priority: "P1",
    });

    expect(request.url).toBe("https://api.eu.opsgenie.com/v2/alerts");
    expect(request.headers).toEqual({ Authorization: "GenieKey k-123" });
    expect(JSON.stringify(request.body)).not.toContain("k-123");
  });

  it("maps the notice: title as message, stable alias, description, priority, tags, string details, source", () => {
    const body = opsgenieAlertBody(notice, "P1");

    expect(body).toMatchObject({
      message: "i-0fedcba9876543210 in us-east-2 escalated: checks still fail after the restart",
      alias: "first-line:us-east-2:i-0fedcba9876543210",
      priority: "P1",
      tags: ["first-line", "us-east-2", "escalated", "checks-failed-after-restart"],
      source: "first-line i-0fedcba9876543210",
    });
    expect(body.description).toBe(notice.description);
    expect(body.details["run2.url.reason"]).toBe("timed out after 10 s");
  });

  it("holds message, description, tags and every details value to OpsGenie's limits", () => {
    const huge: Notice = {
      ...notice,
      title: "m".repeat(500),
      description: "d".repeat(20_000),
      tags: [...Array.from({ length: 30 }, (_, i) => `tag-${i}`), "t".repeat(80), "tag-0"],
      details: { alarmName: "a".repeat(1000) },
    };
    const body = opsgenieAlertBody(huge, "P3");

    expect(body.message).toHaveLength(OPSGENIE_LIMITS.message);
    expect(body.message.endsWith("…")).toBe(true);
    expect(body.description).toHaveLength(OPSGENIE_LIMITS.description);
    expect(body.tags).toHaveLength(OPSGENIE_LIMITS.tags);
    expect(body.tags.every((t) => t.length <= OPSGENIE_LIMITS.tagChars)).toBe(true);
    expect(body.details.alarmName).toHaveLength(OPSGENIE_LIMITS.detailChars);
  });
});
