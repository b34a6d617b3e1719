import { escapeMrkdwn, SLACK_LIMITS, slackSender } from "../../contract/senders/slack";
import { buildNotice, parseNotificationEvent } from "../../functions/shared/message";
import recovered from "../fixtures/events/notification-recovered.json";

const WEBHOOK = "https://hooks.slack.com/services/T0000/B0000/secret";
const CONSOLE_URL =
  "https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/" +
  recovered.context.executionArn;

const notice = (event: unknown = recovered) => buildNotice(parseNotificationEvent(event));

describe("slackSender (incoming webhook: text plus Block Kit blocks)", () => {
  it("posts to the webhook URL with no extra headers: the URL is the credential", () => {
    const request = slackSender.request(notice(), WEBHOOK);

    expect(request.url).toBe(WEBHOOK);
    expect(request.headers).toEqual({});
  });

  it("names region, instance, first failed check with its reason, restart duration, alarm and the execution link", () => {
    const { body } = slackSender.request(notice(), WEBHOOK);

    expect(body).toEqual({
      text:
        "i-0123456789abcdef0 in eu-west-1 recovered after a restart. " +
        "Failed first: Route 53: 1 of 8 checkers report Success (need 50%). Restart took: 2 min 35 s (reboot). " +
        `Execution: ${CONSOLE_URL}`,
      blocks: [
        {
          type: "header",
          text: { type: "plain_text", text: "i-0123456789abcdef0 in eu-west-1 recovered after a restart" },
        },
        {
          type: "section",
          fields: [
            { type: "mrkdwn", text: "*Region*\neu-west-1" },
            { type: "mrkdwn", text: "*Instance*\ni-0123456789abcdef0" },
            { type: "mrkdwn", text: "*Failed first*\nRoute 53: 1 of 8 checkers report Success (need 50%)" },
            { type: "mrkdwn", text: "*Restart took*\n2 min 35 s (reboot)" },
          ],
        },
        {
          type: "context",
          elements: [
            { type: "mrkdwn", text: "Alarm first-line-eu-west-1-i-0123456789abcdef0-cpu" },
            { type: "mrkdwn", text: `<${CONSOLE_URL}|Open the Step Functions execution>` },
          ],
        },
      ],
    });
  });

  it("escapes Slack control characters that come from check reasons", () => {
    const first = {
      ...recovered.report.runs.first,
      route53: { status: "failed", reason: "<script> & <!channel>" },
    };
    const { body } = slackSender.request(
      notice({ ...recovered, report: { ...recovered.report, runs: { ...recovered.report.runs, first } } }),
      WEBHOOK,
    );

    expect(JSON.stringify(body)).toContain("&lt;script&gt; &amp; &lt;!channel&gt;");
    expect(JSON.stringify(body)).not.toContain("<!channel>");
  });

  it("holds the header and every field to Slack's block limits", () => {
    const long = "r".repeat(5000);
    const first = { ...recovered.report.runs.first, route53: { status: "failed", reason: long } };
    const { body } = slackSender.request(
      notice({ ...recovered, report: { ...recovered.report, runs: { ...recovered.report.runs, first } } }),
      WEBHOOK,
    );
    const blocks = (
      body as { blocks: { type: string; text?: { text: string }; fields?: { text: string }[] }[] }
    ).blocks;

    expect(blocks[0]?.text?.text.length).toBeLessThanOrEqual(SLACK_LIMITS.header);
    for (const field of blocks[1]?.fields ?? [])
      expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.field);
  });
});

describe("escapeMrkdwn", () => {
  it("escapes &, < and > and nothing else", () => {
    expect(escapeMrkdwn("a & b < c > d *e* _f_")).toBe("a &amp; b &lt; c &gt; d *e* _f_");
  });
});
