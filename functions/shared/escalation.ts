/**
 * The escalation target behind one small interface. OpsGenie's REST API is being retired by its
 * vendor (2027): a successor service is either API-compatible (then only `opsgenieApiUrl`
 * changes) or gets its own `create...Sender` beside {@link createOpsgenieSender}, while the
 * alert content ({@link EscalationAlert}) stays the same.
 */
import type { NotificationResult, OpsgeniePriority } from "./contracts";
import { type Fetch, postJson } from "./http";
import { truncate } from "./message";

/** Urgency, P1 (critical) to P5 (informational); most incident tools use this scale. */
export type EscalationPriority = OpsgeniePriority;

/** What people must know, independent of the service that pages them. */
export interface EscalationAlert {
  /** One line that fits a phone notification. */
  readonly title: string;
  /** De-duplication key: the same alias updates the open alert instead of paging again. */
  readonly alias: string;
  /** The full story, plain text. */
  readonly description: string;
  readonly priority: EscalationPriority;
  readonly tags: readonly string[];
  /** Structured facts; string values only, which is what alert APIs accept. */
  readonly details: Readonly<Record<string, string>>;
}

/** Sends an alert to one escalation target; throws DeliveryFailedError when it is not accepted. */
export interface EscalationSender {
  /** Names the target in results and logs, e.g. "opsgenie". */
  readonly target: string;
  send(alert: EscalationAlert): Promise<NotificationResult>;
}

/** OpsGenie Alert API v2 field limits (longer values are cut by OpsGenie or rejected). */
export const OPSGENIE_LIMITS = {
  message: 130,
  alias: 512,
  description: 15_000,
  tags: 20,
  tagChars: 50,
  source: 100,
} as const;

/** The JSON body of `POST /v2/alerts`. */
export interface OpsgenieAlertBody {
  readonly message: string;
  readonly alias: string;
  readonly description: string;
  readonly priority: EscalationPriority;
  readonly tags: string[];
  readonly details: Record<string, string>;
  readonly source: string;
}

/** Maps an alert onto OpsGenie's body, holding every field to OpsGenie's limits. */
export function opsgenieAlertBody(alert: EscalationAlert): OpsgenieAlertBody {
  return {
    message: truncate(alert.title, OPSGENIE_LIMITS.message),
    alias: truncate(alert.alias, OPSGENIE_LIMITS.alias),
    description: truncate(alert.description, OPSGENIE_LIMITS.description),
    priority: alert.priority,
    tags: [...new Set(alert.tags.map((tag) => truncate(tag, OPSGENIE_LIMITS.tagChars)))].slice(
      0,
      OPSGENIE_LIMITS.tags,
    ),
    details: { ...alert.details },
    source: "first-line",
  };
}

export interface OpsgenieSenderOptions {
  /** API base, e.g. https://api.opsgenie.com or https://api.eu.opsgenie.com; a trailing slash is fine. */
  readonly apiUrl: string;
  /** The integration's API key; sent only in the Authorization header. */
  readonly apiKey: string;
  readonly fetch: Fetch;
  /** @default DEFAULT_TIMEOUT_MS of shared/http */
  readonly timeoutMs?: number;
}

/**
 * OpsGenie Alert API v2 (`POST {apiUrl}/v2/alerts`, `Authorization: GenieKey <key>`). OpsGenie
 * answers 202: the alert is queued, and the alias makes a repeat update the open alert.
 */
export function createOpsgenieSender(options: OpsgenieSenderOptions): EscalationSender {
  const endpoint = `${options.apiUrl.replace(/\/+$/, "")}/v2/alerts`;
  return {
    target: "opsgenie",
    async send(alert) {
      const { statusCode } = await postJson({
        target: "opsgenie",
        url: endpoint,
        body: opsgenieAlertBody(alert),
        headers: { Authorization: `GenieKey ${options.apiKey}` },
        fetch: options.fetch,
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      });
      return { delivered: true, target: "opsgenie", statusCode };
    },
  };
}
