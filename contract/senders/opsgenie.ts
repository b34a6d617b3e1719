/**
 * OpsGenie Alert API v2: `POST {apiUrl}/v2/alerts`, `Authorization: GenieKey <key>`. OpsGenie
 * answers 202 (queued); the alias makes a repeat update the open alert. Its REST API ends on
 * 2027-04-05: Jira Service Management's integration endpoint speaks the same body (./jsm.ts).
 * Documented at https://docs.opsgenie.com/docs/alert-api#create-alert (fields and their limits).
 */
import { truncate } from "../text";
import { endpoint, type Notice, type PagerSender, type PagerTarget } from "./sender";

/** Alert API v2 field limits (longer values are cut by OpsGenie or rejected). */
export const OPSGENIE_LIMITS = {
  message: 130,
  alias: 512,
  description: 15_000,
  tags: 20,
  tagChars: 50,
  source: 100,
  /** OpsGenie caps the whole details map at 8000 characters; ~30 entries of this fit. */
  detailChars: 256,
} as const;

/** The body of `POST /v2/alerts`, every field held to OpsGenie's limits. */
export function opsgenieAlertBody(notice: Notice, priority: PagerTarget["priority"]) {
  return {
    message: truncate(notice.title, OPSGENIE_LIMITS.message),
    alias: truncate(notice.alias, OPSGENIE_LIMITS.alias),
    description: truncate(notice.description, OPSGENIE_LIMITS.description),
    priority,
    tags: [...new Set(notice.tags.map((tag) => truncate(tag, OPSGENIE_LIMITS.tagChars)))].slice(
      0,
      OPSGENIE_LIMITS.tags,
    ),
    details: Object.fromEntries(
      Object.entries(notice.details).map(([k, v]) => [k, truncate(v, OPSGENIE_LIMITS.detailChars)]),
    ),
    source: truncate(`first-line ${notice.source}`, OPSGENIE_LIMITS.source),
  };
}

/**
 * The request of a service that speaks OpsGenie's Alert API v2 at `path` under its base URL, the
 * key in a `GenieKey` Authorization header (OpsGenie itself, and Jira Service Management's
 * OpsGenie-compatible integration endpoint).
 */
export function genieKeyAlertRequest(path: string): PagerSender["request"] {
  return (notice, target) => ({
    url: endpoint(target.apiUrl, path),
    headers: { Authorization: `GenieKey ${target.key}` },
    body: opsgenieAlertBody(notice, target.priority),
  });
}

export const opsgenieSender: PagerSender<"opsgenie"> = {
  type: "opsgenie",
  label: "OpsGenie",
  secretHolds: "the OpsGenie API integration key",
  defaultApiUrl: "https://api.opsgenie.com",
  request: genieKeyAlertRequest("/v2/alerts"),
};
