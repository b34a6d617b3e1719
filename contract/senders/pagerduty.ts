/**
 * PagerDuty Events API v2: `POST {apiUrl}/v2/enqueue` with no auth header; the routing key (an
 * Events API v2 integration key, the secret) travels in the body. A `trigger` with the stable
 * alias as `dedup_key` opens one alert per instance and adds to it while it is open. PagerDuty
 * answers 202 (accepted); 400 is a malformed event (not retried), 429 and 5xx are worth retrying.
 *
 * Documented at https://developer.pagerduty.com/docs/events-api-v2/trigger-events/ (fields,
 * `summary` <= 1024, `dedup_key` <= 255, `links`) and
 * https://developer.pagerduty.com/docs/events-api-v2/overview/ (response codes and retries, 512 KB
 * per event).
 */
import type { Priority } from "../notifications";
import { truncate } from "../text";
import { endpoint, type Notice, type PagerSender, type PagerTarget } from "./sender";

/** Events API v2 limits, plus caps that keep the event far below the 512 KB PagerDuty accepts. */
export const PAGERDUTY_LIMITS = {
  summary: 1024,
  dedupKey: 255,
  /** Not limited by PagerDuty; an instance id is short, the cap only guards the total. */
  source: 255,
  /** Each custom detail: ~30 details of 1024 characters stay far below 512 KB even as JSON escapes. */
  detailChars: 1024,
  /** The story, as the alert's details show it. */
  description: 15_000,
  linkText: 100,
} as const;

/** PagerDuty's severities, most urgent first. */
export type PagerDutySeverity = "critical" | "error" | "warning" | "info";

/** DESIGN §3: P1 pages as critical, P2 as error, P3 as warning, P4 and P5 as info. */
export const PAGERDUTY_SEVERITY: Readonly<Record<Priority, PagerDutySeverity>> = {
  P1: "critical",
  P2: "error",
  P3: "warning",
  P4: "info",
  P5: "info",
};

/** The body of `POST /v2/enqueue`: a trigger event, every field held to PagerDuty's limits. */
export function pagerdutyEvent(notice: Notice, target: PagerTarget) {
  return {
    routing_key: target.key,
    event_action: "trigger",
    dedup_key: truncate(notice.alias, PAGERDUTY_LIMITS.dedupKey),
    client: "first-line",
    payload: {
      summary: truncate(notice.title, PAGERDUTY_LIMITS.summary),
      source: truncate(notice.source, PAGERDUTY_LIMITS.source),
      severity: PAGERDUTY_SEVERITY[target.priority],
      custom_details: {
        description: truncate(notice.description, PAGERDUTY_LIMITS.description),
        ...Object.fromEntries(
          Object.entries(notice.details).map(([k, v]) => [k, truncate(v, PAGERDUTY_LIMITS.detailChars)]),
        ),
      },
    },
    links: [{ href: notice.link.url, text: truncate(notice.link.label, PAGERDUTY_LIMITS.linkText) }],
  };
}

export const pagerdutySender: PagerSender<"pagerduty"> = {
  type: "pagerduty",
  label: "PagerDuty",
  secretHolds: "the integration key (routing key) of an Events API v2 integration on a PagerDuty service",
  defaultApiUrl: "https://events.pagerduty.com",
  // No Authorization header: the Events API authenticates by the routing key in the body.
  request: (notice, target) => ({
    url: endpoint(target.apiUrl, "/v2/enqueue"),
    headers: {},
    body: pagerdutyEvent(notice, target),
  }),
};
