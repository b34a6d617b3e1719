/**
 * Who is told what (DESIGN §3 Messages, §4 notifications): the chat and pager blocks' fields, the
 * events chat may hear, and the resolved settings the notify functions receive. The services
 * themselves are the senders beside this file (contract/senders/).
 */
import { list, object, oneOf, type Shape, text } from "./fields";
import { isPlainHttpUrl, secretField, urlCredentialsProblem } from "./identifiers";
import { CHAT_TYPES, PAGER_TYPES } from "./senders";

/** What chat can be told about (`notifications.chatOn`). */
export const CHAT_EVENTS = ["restarting", "recovered", "escalated", "paused"] as const;
export type ChatEvent = (typeof CHAT_EVENTS)[number];

/** DESIGN §4: chat hears the whole history by default, except a pause. */
export const DEFAULT_CHAT_ON: readonly ChatEvent[] = ["restarting", "recovered", "escalated"];
/** What the first release told chat: a config still on its keys keeps it (an upgrade never changes who is told). */
export const LEGACY_CHAT_ON: readonly ChatEvent[] = ["recovered"];

/** Alert urgency, P1 (critical) to P5 (informational); each pager maps it onto its own scale. */
export const PRIORITIES = ["P1", "P2", "P3", "P4", "P5"] as const;
export type Priority = (typeof PRIORITIES)[number];

/** True for an https URL, or plain http only to loopback (tests and local simulators). */
export function isAllowedEndpoint(value: string): boolean {
  if (isPlainHttpUrl(value, ["https:"])) return true;
  if (!isPlainHttpUrl(value, ["http:"])) return false;
  return ["127.0.0.1", "localhost", "[::1]"].includes(new URL(value).hostname);
}

/** A pager's base URL: `scheme://host[:port][/prefix]`; the sender appends its documented path. */
export const apiUrlField = text({
  refuse: urlCredentialsProblem,
  test: (value) => isAllowedEndpoint(value) && !/[?#]/.test(value),
  what: "an https:// base URL without query or credentials (http:// only to 127.0.0.1, for tests)",
});

/** `notifications.chat`. */
export const CHAT_FIELDS = {
  type: oneOf(CHAT_TYPES),
  webhookSecret: secretField,
} as const;

/** `notifications.escalation`. */
export const ESCALATION_FIELDS = {
  type: oneOf(PAGER_TYPES),
  secret: secretField,
  apiUrl: apiUrlField,
  priority: oneOf(PRIORITIES),
} as const;

/** `[]` is allowed: chat hears nothing, the pager still hears escalations. */
export const CHAT_ON_FIELD = list(oneOf(CHAT_EVENTS), {
  what: `a list of ${CHAT_EVENTS.join(", ")}`,
  allowEmpty: true,
});

/** Resolved, as the workflow input carries it and the notify functions parse it. */
export const NOTIFICATION_INPUT = {
  chat: object(CHAT_FIELDS, { what: "the chat block (type, webhookSecret)" }),
  escalation: object(ESCALATION_FIELDS, { what: "the escalation block (type, secret, apiUrl, priority)" }),
  chatOn: CHAT_ON_FIELD,
} as const;

export type ChatSettings = Shape<typeof CHAT_FIELDS>;
export type EscalationSettings = Shape<typeof ESCALATION_FIELDS>;
/** The resolved block: chat, the pager and the events chat is told about. */
export type NotificationSettings = Shape<typeof NOTIFICATION_INPUT>;
