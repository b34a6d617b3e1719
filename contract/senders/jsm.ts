/**
 * Jira Service Management Operations, OpsGenie's successor (OpsGenie's REST API ends on
 * 2027-04-05), through its OpsGenie-compatible integration endpoint:
 * `POST {apiUrl}/jsm/ops/integration/v2/alerts` with `Authorization: GenieKey <key>`, where the key
 * is that of an API integration created in JSM Operations (not an Atlassian API token). The body
 * is OpsGenie's Alert API v2 body, held to the same limits; JSM answers 202 (queued) and the
 * alias de-duplicates as in OpsGenie.
 *
 * Documented at https://developer.atlassian.com/cloud/jira/service-desk-ops/rest/v1/api-group-integration-events/
 * ("Create alert": message, alias, description, tags, details, source, priority; GenieKey auth).
 */
import { genieKeyAlertRequest } from "./opsgenie";
import type { PagerSender } from "./sender";

export const jsmSender: PagerSender<"jsm"> = {
  type: "jsm",
  label: "Jira Service Management",
  secretHolds: "the API key of an API integration in Jira Service Management Operations",
  defaultApiUrl: "https://api.atlassian.com",
  request: genieKeyAlertRequest("/jsm/ops/integration/v2/alerts"),
};
