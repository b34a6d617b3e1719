/**
 * The one small interface every chat and pager service sits behind (DESIGN §3 Messages). A
 * sender is pure: it turns a {@link Notice} and the service's settings into the HTTP request its
 * documented API expects, holding every field to the service's limits. Posting, timeouts and
 * retries are the notify functions' (functions/shared/http.ts), the same for every service.
 */
import type { ChatEvent, Priority } from "../notifications";

/** What people must know, independent of the service that carries it (built by functions/shared/message.ts). */
export interface Notice {
  readonly event: ChatEvent;
  /** One line that fits a phone notification. */
  readonly title: string;
  /** The story in one paragraph, plain text (chat fallback text). */
  readonly summary: string;
  /** The full story, plain text, one fact per line (pager description). */
  readonly description: string;
  /** Short labelled facts for a chat card (Region, Instance, Failed first or Could not check, Restart took). */
  readonly facts: readonly { readonly label: string; readonly value: string }[];
  /** The alarm that started it all. */
  readonly alarmName: string;
  /** The execution in the Step Functions console. */
  readonly link: { readonly label: string; readonly url: string };
  /** De-duplication key, stable per region and instance: a repeat updates the open alert. */
  readonly alias: string;
  /** The instance, as pagers name the alert's source. */
  readonly source: string;
  readonly tags: readonly string[];
  /** Structured facts, string values only (what alert APIs accept). */
  readonly details: Readonly<Record<string, string>>;
}

/** The request a service's API expects. `url` is a secret when it is a webhook. */
export interface SenderRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** A chat service reached through a webhook URL stored as a secret. */
export interface ChatSender<T extends string = string> {
  readonly type: T;
  readonly label: string;
  /** What its secret holds, for config errors and the README. */
  readonly secretHolds: string;
  request(notice: Notice, webhookUrl: string): SenderRequest;
}

/** What a pager needs besides the notice. */
export interface PagerTarget {
  /** The secret's value: an API key or routing key. */
  readonly key: string;
  /** Base URL: scheme://host[:port][/prefix] (no trailing slash). */
  readonly apiUrl: string;
  readonly priority: Priority;
}

/** A pager service reached through its documented API with a key stored as a secret. */
export interface PagerSender<T extends string = string> {
  readonly type: T;
  readonly label: string;
  readonly secretHolds: string;
  /** Used when `escalation.apiUrl` is not set. */
  readonly defaultApiUrl: string;
  request(notice: Notice, target: PagerTarget): SenderRequest;
}

/** `apiUrl` plus the service's documented path, with one slash between them. */
export function endpoint(apiUrl: string, path: string): string {
  return `${apiUrl.replace(/\/+$/, "")}${path}`;
}
