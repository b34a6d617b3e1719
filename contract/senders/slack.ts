/** Slack incoming webhook: `text` (the notification and fallback) plus Block Kit `blocks`. */
import { truncate } from "../text";
import type { ChatSender, Notice } from "./sender";

/** Slack block limits: header text 150 characters, a section field or context element 2000. */
export const SLACK_LIMITS = { header: 150, field: 2000, text: 3000 } as const;

/** Slack mrkdwn treats &, < and > as control characters; text from checks must not. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function slackMessage(notice: Notice) {
  const field = (label: string, value: string) => ({
    type: "mrkdwn" as const,
    text: truncate(`*${escapeMrkdwn(label)}*\n${escapeMrkdwn(value)}`, SLACK_LIMITS.field),
  });
  return {
    // The top-level text is mrkdwn too: a check reason must not @-mention a channel from it.
    text: escapeMrkdwn(truncate(notice.summary, SLACK_LIMITS.text)),
    blocks: [
      { type: "header", text: { type: "plain_text", text: truncate(notice.title, SLACK_LIMITS.header) } },
      { type: "section", fields: notice.facts.map((f) => field(f.label, f.value)) },
      {
        type: "context",
        elements: [
          { type: "mrkdwn", text: truncate(`Alarm ${escapeMrkdwn(notice.alarmName)}`, SLACK_LIMITS.field) },
          { type: "mrkdwn", text: `<${notice.link.url}|${escapeMrkdwn(notice.link.label)}>` },
        ],
      },
    ],
  };
}

export const slackSender: ChatSender<"slack"> = {
  type: "slack",
  label: "Slack",
  secretHolds: "the Slack incoming-webhook URL",
  request: (notice, webhookUrl) => ({ url: webhookUrl, headers: {}, body: slackMessage(notice) }),
};
