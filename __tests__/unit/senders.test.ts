import fc from "fast-check";
import { PRIORITIES, type Priority } from "../../contract/notifications";
import { CHAT_TYPES, chatSender, PAGER_SENDERS, PAGER_TYPES, pagerSender } from "../../contract/senders";
import { jsmSender } from "../../contract/senders/jsm";
import { OPSGENIE_LIMITS, opsgenieAlertBody, opsgenieSender } from "../../contract/senders/opsgenie";
import { PAGERDUTY_LIMITS, PAGERDUTY_SEVERITY, pagerdutySender } from "../../contract/senders/pagerduty";
import type { Notice, PagerTarget } from "../../contract/senders/sender";
import { messageBytes, TEAMS_LIMITS, teamsMessage, teamsSender } from "../../contract/senders/teams";

const CONSOLE_URL =
  "https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/" +
  "arn:aws:states:eu-west-1:123456789012:execution:first-line-eu-west-1:run-1";

/** What buildNotice makes of an escalation; the senders only render it. */
const NOTICE: Notice = {
  event: "escalated",
  title: "i-0123456789abcdef0 in eu-west-1 escalated: checks still fail after the restart",
  summary: "i-0123456789abcdef0 in eu-west-1 escalated. Failed first: URL: HTTP 503.",
  description: "i-0123456789abcdef0 in eu-west-1 escalated.\n\nAlarm: cpu\nFailed first: URL: HTTP 503",
  facts: [
    { label: "Region", value: "eu-west-1" },
    { label: "Instance", value: "i-0123456789abcdef0" },
    { label: "Failed first", value: "URL: HTTP 503" },
    { label: "Restart took", value: "2 min 35 s (reboot)" },
  ],
  alarmName: "first-line-eu-west-1-i-0123456789abcdef0-cpu",
  link: { label: "Open the Step Functions execution", url: CONSOLE_URL },
  alias: "first-line:eu-west-1:i-0123456789abcdef0",
  source: "i-0123456789abcdef0",
  tags: ["first-line", "eu-west-1", "escalated", "checks-failed-after-restart"],
  details: { region: "eu-west-1", instanceId: "i-0123456789abcdef0", "run1.url.reason": "HTTP 503" },
};

const KEY = "0123456789abcdef0123456789abcdef";
const target = (overrides: Partial<PagerTarget> = {}): PagerTarget => ({
  key: KEY,
  apiUrl: "https://pager.example.com",
  priority: "P2",
  ...overrides,
});

/** Every string of a JSON value, joined: where a secret might hide in a body. */
const text = (value: unknown) => JSON.stringify(value);

describe("the sender registry", () => {
  it("lists Slack and Teams for chat, OpsGenie, JSM and PagerDuty for the pager", () => {
    expect(CHAT_TYPES).toEqual(["slack", "teams"]);
    expect(PAGER_TYPES).toEqual(["opsgenie", "jsm", "pagerduty"]);
    expect(chatSender("teams")).toBe(teamsSender);
    expect(pagerSender("jsm")).toBe(jsmSender);
    expect(pagerSender("pagerduty")).toBe(pagerdutySender);
  });

  it.each(PAGER_SENDERS.map((s) => [s.type, s] as const))(
    "%s posts under its documented https base URL by default",
    (_, sender) => {
      expect(sender.defaultApiUrl).toMatch(/^https:\/\/[a-z.]+$/);
      const request = sender.request(NOTICE, target({ apiUrl: sender.defaultApiUrl }));
      expect(request.url.startsWith(`${sender.defaultApiUrl}/`)).toBe(true);
    },
  );
});

/** The values of a Teams card's FactSet. */
function factValues(message: ReturnType<typeof teamsMessage>): string[] {
  const factSet = message.attachments[0]?.content.body.find((element) => element.type === "FactSet");
  return factSet?.facts?.map((fact) => fact.value) ?? [];
}

describe("Teams (Workflows webhook, Adaptive Card)", () => {
  const webhook =
    "https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=S1GNATURE";

  it("posts the documented message envelope to the webhook URL, with no other credential", () => {
    const request = teamsSender.request(NOTICE, webhook);

    expect(request.url).toBe(webhook);
    expect(request.headers).toEqual({});
    expect(request.body).toEqual({
      type: "message",
      attachments: [
        {
          contentType: "application/vnd.microsoft.card.adaptive",
          contentUrl: null,
          content: expect.objectContaining({
            $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
            type: "AdaptiveCard",
            version: "1.4",
          }),
        },
      ],
    });
    expect(text(request.body)).not.toContain("S1GNATURE");
  });

  it("shows the title, every fact and a button to the execution", () => {
    const card = teamsMessage(NOTICE).attachments[0]?.content;

    expect(card?.body).toEqual([
      { type: "TextBlock", text: NOTICE.title, size: "Medium", weight: "Bolder", wrap: true },
      { type: "FactSet", facts: NOTICE.facts.map((f) => ({ title: f.label, value: f.value })) },
    ]);
    expect(card?.actions).toEqual([
      { type: "Action.OpenUrl", title: "Open the Step Functions execution", url: CONSOLE_URL },
    ]);
    expect(card?.fallbackText).toBe(NOTICE.summary);
  });

  it("cuts a long fact at 1000 characters when the message fits that way", () => {
    const long = {
      ...NOTICE,
      facts: [...NOTICE.facts.slice(0, 2), { label: "Failed first", value: "x".repeat(5000) }],
    };

    const [region, instance, cut = ""] = factValues(teamsMessage(long));

    expect([region, instance]).toEqual(["eu-west-1", "i-0123456789abcdef0"]);
    expect(cut).toHaveLength(1000);
    expect(cut.endsWith("…")).toBe(true);
  });

  it("cuts facts further, keeping region and instance whole, when the message would pass Teams' 28 KB", () => {
    // Control characters become six-byte JSON escapes: ten facts of them are ~60 KB at 1000 each.
    const heavy = {
      ...NOTICE,
      facts: [
        ...NOTICE.facts.slice(0, 2),
        ...Array.from({ length: 8 }, (_, i) => ({ label: `Fact ${i}`, value: "\u0001".repeat(3000) })),
      ],
    };

    const message = teamsMessage(heavy);

    expect(messageBytes(message)).toBeLessThanOrEqual(TEAMS_LIMITS.messageBytes);
    const values = factValues(message);
    expect(values.slice(0, 2)).toEqual(["eu-west-1", "i-0123456789abcdef0"]);
    expect(values[2]?.length).toBeLessThan(1000);
  });

  it("stays within Teams' message limit whatever the texts", () => {
    // The characters that cost the most bytes: multi-byte, surrogate pairs, JSON escapes.
    const unit = fc.constantFrom("a", " ", "é", "€", "🔥", "\u0001", '"', "\\", "\n");
    const anyText = fc.string({ unit, maxLength: 3000 });
    fc.assert(
      fc.property(
        anyText,
        anyText,
        fc.array(fc.record({ label: anyText, value: anyText }), { maxLength: 12 }),
        (title, summary, facts) => {
          const message = teamsMessage({ ...NOTICE, title, summary, facts });
          expect(messageBytes(message)).toBeLessThanOrEqual(TEAMS_LIMITS.messageBytes);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe("Jira Service Management (OpsGenie-compatible integration endpoint)", () => {
  it("posts OpsGenie's alert body to /jsm/ops/integration/v2/alerts with the key as GenieKey", () => {
    const request = jsmSender.request(NOTICE, target({ apiUrl: jsmSender.defaultApiUrl, priority: "P1" }));

    expect(jsmSender.defaultApiUrl).toBe("https://api.atlassian.com");
    expect(request.url).toBe("https://api.atlassian.com/jsm/ops/integration/v2/alerts");
    expect(request.headers).toEqual({ Authorization: `GenieKey ${KEY}` });
    expect(request.body).toEqual(opsgenieAlertBody(NOTICE, "P1"));
  });

  it("sends exactly what OpsGenie is sent, so moving between them changes only type, key and URL", () => {
    const jsm = jsmSender.request(NOTICE, target());
    const opsgenie = opsgenieSender.request(NOTICE, target());

    expect(jsm.body).toEqual(opsgenie.body);
    expect(jsm.headers).toEqual(opsgenie.headers);
    expect(opsgenie.url).toBe("https://pager.example.com/v2/alerts");
  });

  it("appends its path to a base URL with a prefix or a trailing slash", () => {
    expect(jsmSender.request(NOTICE, target({ apiUrl: "http://127.0.0.1:8080/jsm-proxy/" })).url).toBe(
      "http://127.0.0.1:8080/jsm-proxy/jsm/ops/integration/v2/alerts",
    );
  });

  it("holds every field to the Alert API's limits", () => {
    const long = {
      ...NOTICE,
      title: "t".repeat(500),
      description: "d".repeat(20_000),
      tags: Array.from({ length: 30 }, (_, i) => `${i}`.padEnd(80, "g")),
      details: { reason: "r".repeat(1000) },
    };

    const body = jsmSender.request(long, target()).body as ReturnType<typeof opsgenieAlertBody>;

    expect(body.message).toHaveLength(OPSGENIE_LIMITS.message);
    expect(body.description).toHaveLength(OPSGENIE_LIMITS.description);
    expect(body.tags).toHaveLength(OPSGENIE_LIMITS.tags);
    expect(body.tags.every((tag) => tag.length <= OPSGENIE_LIMITS.tagChars)).toBe(true);
    expect(body.details.reason).toHaveLength(OPSGENIE_LIMITS.detailChars);
  });

  it("keeps the key in the Authorization header only", () => {
    const request = jsmSender.request(NOTICE, target());

    expect(request.url).not.toContain(KEY);
    expect(text(request.body)).not.toContain(KEY);
  });
});

describe("PagerDuty (Events API v2)", () => {
  it("triggers an event at /v2/enqueue with the routing key in the body and no auth header", () => {
    const request = pagerdutySender.request(NOTICE, target({ apiUrl: pagerdutySender.defaultApiUrl }));

    expect(request.url).toBe("https://events.pagerduty.com/v2/enqueue");
    expect(request.headers).toEqual({});
    expect(request.body).toEqual({
      routing_key: KEY,
      event_action: "trigger",
      dedup_key: "first-line:eu-west-1:i-0123456789abcdef0",
      client: "first-line",
      payload: {
        summary: NOTICE.title,
        source: "i-0123456789abcdef0",
        severity: "error",
        custom_details: { description: NOTICE.description, ...NOTICE.details },
      },
      links: [{ href: CONSOLE_URL, text: "Open the Step Functions execution" }],
    });
  });

  it.each([
    ["P1", "critical"],
    ["P2", "error"],
    ["P3", "warning"],
    ["P4", "info"],
    ["P5", "info"],
  ] as const)("pages %s as %s", (priority: Priority, severity) => {
    const body = pagerdutySender.request(NOTICE, target({ priority })).body as {
      payload: { severity: string };
    };

    expect(body.payload.severity).toBe(severity);
    expect(PAGERDUTY_SEVERITY[priority]).toBe(severity);
  });

  it("maps every priority the config accepts", () => {
    expect(Object.keys(PAGERDUTY_SEVERITY).sort()).toEqual([...PRIORITIES]);
  });

  it("holds summary, dedup key, details and link text to PagerDuty's limits", () => {
    const long = {
      ...NOTICE,
      title: "s".repeat(3000),
      alias: "a".repeat(600),
      details: { reason: "r".repeat(5000) },
      link: { label: "l".repeat(300), url: CONSOLE_URL },
    };

    const body = pagerdutySender.request(long, target()).body as {
      dedup_key: string;
      payload: { summary: string; custom_details: Record<string, string> };
      links: { href: string; text: string }[];
    };

    expect(body.payload.summary).toHaveLength(PAGERDUTY_LIMITS.summary);
    expect(body.payload.summary.endsWith("…")).toBe(true);
    expect(body.dedup_key).toHaveLength(PAGERDUTY_LIMITS.dedupKey);
    expect(body.payload.custom_details.reason).toHaveLength(PAGERDUTY_LIMITS.detailChars);
    expect(body.links[0]).toEqual({ href: CONSOLE_URL, text: expect.stringMatching(/^l{99}…$/) });
  });

  it("keeps the routing key in routing_key only", () => {
    const request = pagerdutySender.request(NOTICE, target());
    const { routing_key, ...rest } = request.body as { routing_key: string };

    expect(routing_key).toBe(KEY);
    expect(request.url).not.toContain(KEY);
    expect(text(request.headers)).not.toContain(KEY);
    expect(text(rest)).not.toContain(KEY);
  });
});
