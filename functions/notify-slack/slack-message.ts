import type { NotificationEvent } from "../shared/contracts";
import { executionConsoleUrl, firstFailure, REASON_TEXT, restartDuration, truncate } from "../shared/message";

/** Slack incoming-webhook payload: `text` is the notification/fallback, `blocks` the rich body. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

export type SlackText = { readonly type: "plain_text" | "mrkdwn"; readonly text: string };
export type SlackBlock =
  | { readonly type: "header"; readonly text: SlackText }
  | { readonly type: "section"; readonly text?: SlackText; readonly fields?: readonly SlackText[] }
  | { readonly type: "context"; readonly elements: readonly SlackText[] };

/** Slack block limits: header text 150 characters, a section field 2000. */
const HEADER_CHARS = 150;
const FIELD_CHARS = 2000;

/** Slack mrkdwn treats &, < and > as control characters; text from checks must not. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function field(label: string, value: string): SlackText {
  return { type: "mrkdwn", text: truncate(`*${label}*\n${escapeMrkdwn(value)}`, FIELD_CHARS) };
}

/**
 * The message people read after first-line acted (pure): region, instance, which check failed
 * first and why, how long the restart took, and a link to the execution.
 */
export function buildSlackMessage(event: NotificationEvent): SlackMessage {
  const { instanceId, region, alarmName, outcome, reason, runs, restart } = event;
  const failure = firstFailure(runs.first);
  const failed = failure ? `${failure.label}: ${failure.reason}` : "none recorded";
  const duration = restartDuration(restart);
  const consoleUrl = executionConsoleUrl(region, event.executionArn);
  const headline =
    outcome === "recovered"
      ? `${instanceId} in ${region} recovered after a restart`
      : `${instanceId} in ${region} escalated: ${reason ? REASON_TEXT[reason] : "see the execution"}`;

  return {
    text: `${headline}. First failed check: ${failed}. Restart took ${duration}. Execution: ${consoleUrl}`,
    blocks: [
      { type: "header", text: { type: "plain_text", text: truncate(headline, HEADER_CHARS) } },
      {
        type: "section",
        fields: [
          field("Region", region),
          field("Instance", instanceId),
          field("Failed first", failed),
          field("Restart took", restart ? `${duration} (${restart.method})` : duration),
        ],
      },
      {
        type: "context",
        elements: [
          { type: "mrkdwn", text: truncate(`Alarm ${escapeMrkdwn(alarmName)}`, FIELD_CHARS) },
          { type: "mrkdwn", text: `<${consoleUrl}|Open the Step Functions execution>` },
        ],
      },
    ],
  };
}
