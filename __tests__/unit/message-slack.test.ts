import { buildSlackMessage, escapeMrkdwn, type SlackBlock } from "../../functions/notify-slack/slack-message";
import { parseNotificationEvent } from "../../functions/shared/message";
import escalated from "../fixtures/events/notification-escalated.json";
import recovered from "../fixtures/events/notification-recovered.json";

const CONSOLE_URL =
  "https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/" +
  recovered.executionArn;

function texts(blocks: readonly SlackBlock[]): string[] {
  return blocks.flatMap((block) => {
    if (block.type === "header") return [block.text.text];
    if (block.type === "context") return block.elements.map((e) => e.text);
    return [...(block.text ? [block.text.text] : []), ...(block.fields ?? []).map((f) => f.text)];
  });
}

describe("buildSlackMessage", () => {
  it("names region, instance, first failed check with its reason, restart duration and the execution link", () => {
    const message = buildSlackMessage(parseNotificationEvent(recovered));

    expect(message.text).toBe(
      "i-0123456789abcdef0 in eu-west-1 recovered after a restart. " +
        "First failed check: Route 53 health check: 1 of 8 checkers report Success (need 50%). " +
        `Restart took 2 min 35 s. Execution: ${CONSOLE_URL}`,
    );
    expect(message.blocks).toEqual([
      {
        type: "header",
        text: { type: "plain_text", text: "i-0123456789abcdef0 in eu-west-1 recovered after a restart" },
      },
      {
        type: "section",
        fields: [
          { type: "mrkdwn", text: "*Region*\neu-west-1" },
          { type: "mrkdwn", text: "*Instance*\ni-0123456789abcdef0" },
          {
            type: "mrkdwn",
            text: "*Failed first*\nRoute 53 health check: 1 of 8 checkers report Success (need 50%)",
          },
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
    ]);
  });

  it("says the restart duration is unknown when the workflow did not record it", () => {
    const { restart: _restart, ...withoutRestart } = recovered;

    const message = buildSlackMessage(parseNotificationEvent(withoutRestart));

    expect(message.text).toContain("Restart took unknown.");
    expect(texts(message.blocks)).toContain("*Restart took*\nunknown");
  });

  it("states the escalation reason in words for an escalated outcome", () => {
    const message = buildSlackMessage(parseNotificationEvent(escalated));

    expect(message.blocks[0]).toEqual({
      type: "header",
      text: {
        type: "plain_text",
        text: "i-0fedcba9876543210 in us-east-2 escalated: checks still fail after the restart",
      },
    });
    expect(texts(message.blocks)).toContain(
      "*Failed first*\nURL: HTTP 503 from https://us.example.com/health",
    );
  });

  it("escapes Slack control characters that come from check reasons", () => {
    const event = parseNotificationEvent({
      ...recovered,
      runs: {
        ...recovered.runs,
        first: {
          ...recovered.runs.first,
          route53: { status: "failed", reason: "<!channel> & <http://x|y>" },
        },
      },
    });

    const fields = texts(buildSlackMessage(event).blocks);

    expect(fields).toContain(
      "*Failed first*\nRoute 53 health check: &lt;!channel&gt; &amp; &lt;http://x|y&gt;",
    );
  });
});

describe("escapeMrkdwn", () => {
  it("escapes &, < and > and nothing else", () => {
    expect(escapeMrkdwn("a & b <c> *d* _e_")).toBe("a &amp; b &lt;c&gt; *d* _e_");
  });
});
