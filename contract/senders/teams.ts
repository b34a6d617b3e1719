/**
 * Microsoft Teams through a Workflows webhook: the Teams template "Post to a channel when a
 * webhook request is received" gives a URL that carries its own signature (`sig=`), so the whole
 * URL is the secret. The flow takes a message whose attachment is an Adaptive Card and answers
 * 202 Accepted (a flow edited to answer 200 works too: any 2xx is delivered).
 *
 * Documented at:
 * - https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook
 *   (the `{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive",...}]}`
 *   envelope, the 28 KB message limit, 4 requests a second before 429)
 * - https://learn.microsoft.com/en-us/connectors/teams/ (Workflows' "Post card in a chat or channel":
 *   a message of about 28 KB at most, every element included, else "Request Entity too large")
 * - https://adaptivecards.io/explorer/ (TextBlock, FactSet, Action.OpenUrl, fallbackText; schema 1.4)
 * - https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/cards-format
 *   (`"msteams": {"width": "Full"}`)
 *
 * Old Office 365 connector URLs (`webhook.office.com`) are retired and not supported.
 */
import { truncate } from "../text";
import type { ChatSender, Notice } from "./sender";

/**
 * Teams' limits. Teams documents only the whole message (about 28 KB, every element counted);
 * the per-field caps keep one long reason from crowding out the rest, and the steps are how far
 * a fact may shrink when the whole still does not fit.
 */
export const TEAMS_LIMITS = {
  /** The serialized request body, in UTF-8 bytes: below "about 28 KB" with room for Teams' own envelope. */
  messageBytes: 27_000,
  title: 200,
  /** The plain-text story a client that cannot draw the card shows instead. */
  fallback: 1000,
  /** A card this long is no longer read; the link leads to the rest. */
  facts: 10,
  factLabel: 50,
  /** How long a fact's value may be, tried in order until the message fits. */
  factValueSteps: [1000, 400, 150],
  linkLabel: 100,
} as const;

/** Adaptive Card version: 1.4 is what Teams renders on every client (desktop, web, mobile). */
const CARD_VERSION = "1.4";

function card(notice: Notice, factValueChars: number) {
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: CARD_VERSION,
          fallbackText: truncate(notice.summary, TEAMS_LIMITS.fallback),
          // Teams draws cards narrow by default; the facts read better across the channel.
          msteams: { width: "Full" },
          body: [
            {
              type: "TextBlock",
              text: truncate(notice.title, TEAMS_LIMITS.title),
              size: "Medium",
              weight: "Bolder",
              wrap: true,
            },
            {
              type: "FactSet",
              facts: notice.facts.slice(0, TEAMS_LIMITS.facts).map((fact) => ({
                title: truncate(fact.label, TEAMS_LIMITS.factLabel),
                value: truncate(fact.value, factValueChars),
              })),
            },
          ],
          actions: [
            {
              type: "Action.OpenUrl",
              title: truncate(notice.link.label, TEAMS_LIMITS.linkLabel),
              url: notice.link.url,
            },
          ],
        },
      },
    ],
  };
}

/** Bytes of the body as it is sent (UTF-8 JSON). */
export function messageBytes(body: unknown): number {
  return Buffer.byteLength(JSON.stringify(body), "utf8");
}

/**
 * The Adaptive Card message for a notice, within Teams' message limit: the title, region and
 * instance always stay whole (they are short); a fact that is too long is cut, more each step,
 * until the whole fits, so a long check reason never costs the message itself.
 */
export function teamsMessage(notice: Notice) {
  const steps = TEAMS_LIMITS.factValueSteps;
  for (const chars of steps.slice(0, -1)) {
    const message = card(notice, chars);
    if (messageBytes(message) <= TEAMS_LIMITS.messageBytes) return message;
  }
  // The last step fits whatever the text: every capped field together, even as six-byte JSON
  // escapes, is under 21 KB, and the link is built from a validated region and execution ARN
  // (under 300 characters).
  return card(notice, steps[steps.length - 1] ?? 150);
}

export const teamsSender: ChatSender<"teams"> = {
  type: "teams",
  label: "Microsoft Teams",
  secretHolds:
    'the URL of a Teams Workflows webhook, from the template "Post to a channel when a webhook request is received"',
  request: (notice, webhookUrl) => ({ url: webhookUrl, headers: {}, body: teamsMessage(notice) }),
};
