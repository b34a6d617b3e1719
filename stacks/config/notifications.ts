/**
 * How the `notifications` blocks of defaults, a region and an instance become one instance's
 * {@link NotificationSettings} (DESIGN §4): `chat` and `escalation` merge as blocks (a level
 * that sets `type` replaces the inherited block; without `type` its fields merge into it), the
 * first release's keys convert at their own level, and `chatOn` comes from the nearest level.
 */

import { oneOf } from "../../contract/fields";
import { secretField } from "../../contract/identifiers";
import {
  apiUrlField,
  type ChatEvent,
  DEFAULT_CHAT_ON,
  LEGACY_CHAT_ON,
  type NotificationSettings,
  PRIORITIES,
} from "../../contract/notifications";
import { type ChatType, type PagerType, pagerSender } from "../../contract/senders";
import { isRecord } from "./merge";

/** The first release's keys: still accepted, converted to `chat` (slack) and `escalation` (opsgenie). */
export const LEGACY_NOTIFICATION_FIELDS = {
  slackWebhookSecret: secretField,
  opsgenieApiKeySecret: secretField,
  opsgenieApiUrl: apiUrlField,
  opsgeniePriority: oneOf(PRIORITIES),
} as const;

/** Which new key each first-release key belongs to, for the upgrade warning and the both-forms error. */
export type LegacyKey = keyof typeof LEGACY_NOTIFICATION_FIELDS;

export const LEGACY_KEYS = {
  slackWebhookSecret: "chat",
  opsgenieApiKeySecret: "escalation",
  opsgenieApiUrl: "escalation",
  opsgeniePriority: "escalation",
} as const satisfies Record<keyof typeof LEGACY_NOTIFICATION_FIELDS, "chat" | "escalation">;

type Block = Readonly<Record<string, unknown>>;

/** One level's notifications in the new form. */
export interface LevelNotifications {
  readonly chat?: Block;
  readonly escalation?: Block;
  readonly chatOn?: readonly ChatEvent[];
  /** The level used a first-release key. */
  readonly legacy: boolean;
}

function defined(entries: Record<string, unknown>): Block {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

/** A level's block with the first release's keys converted at that level (the raw block is read defensively). */
export function levelNotifications(raw: unknown): LevelNotifications {
  if (!isRecord(raw)) return { legacy: false };
  const legacy = Object.keys(LEGACY_KEYS).some((key) => raw[key] !== undefined);
  const chat = isRecord(raw.chat)
    ? raw.chat
    : raw.slackWebhookSecret !== undefined
      ? { type: "slack", webhookSecret: raw.slackWebhookSecret }
      : undefined;
  const legacyEscalation = defined({
    // The key decides the service; a priority or URL alone adjusts whatever is inherited.
    type: raw.opsgenieApiKeySecret === undefined ? undefined : "opsgenie",
    secret: raw.opsgenieApiKeySecret,
    apiUrl: raw.opsgenieApiUrl,
    priority: raw.opsgeniePriority,
  });
  const escalation = isRecord(raw.escalation)
    ? raw.escalation
    : Object.keys(legacyEscalation).length > 0
      ? legacyEscalation
      : undefined;
  return {
    ...(chat === undefined ? {} : { chat }),
    ...(escalation === undefined ? {} : { escalation }),
    ...(Array.isArray(raw.chatOn) ? { chatOn: raw.chatOn as ChatEvent[] } : {}),
    legacy,
  };
}

/** Blocks merged nearest-last: a block with `type` replaces what came before, one without merges into it. */
function mergeBlocks(blocks: readonly (Block | undefined)[]): Block {
  let merged: Block = {};
  for (const block of blocks) {
    if (block === undefined) continue;
    merged = block.type !== undefined ? { ...block } : { ...merged, ...defined({ ...block }) };
  }
  return merged;
}

/** The merged view of the levels (defaults, region, instance), before defaults of the services. */
export function mergedNotifications(levels: readonly unknown[]): {
  chat: Block;
  escalation: Block;
  chatOn?: readonly ChatEvent[];
  legacyOnly: boolean;
} {
  const converted = levels.map(levelNotifications);
  const chatOn = [...converted].reverse().find((level) => level.chatOn !== undefined)?.chatOn;
  const usesNewKeys = levels.some(
    (level) => isRecord(level) && (level.chat !== undefined || level.escalation !== undefined),
  );
  return {
    chat: mergeBlocks(converted.map((level) => level.chat)),
    escalation: mergeBlocks(converted.map((level) => level.escalation)),
    ...(chatOn === undefined ? {} : { chatOn }),
    legacyOnly: converted.some((level) => level.legacy) && !usesNewKeys,
  };
}

/**
 * One instance's notification settings from its levels (validated). `chatOn` defaults to the
 * whole history, except that a config still on the first release's keys keeps what that release
 * told chat (recoveries only): an upgrade never changes who is told.
 */
export function resolveNotifications(levels: readonly unknown[]): NotificationSettings {
  const merged = mergedNotifications(levels);
  const { chat, escalation } = merged;
  if (typeof chat.type !== "string" || typeof chat.webhookSecret !== "string") {
    throw new Error("chat notifications were not validated");
  }
  if (typeof escalation.type !== "string" || typeof escalation.secret !== "string") {
    throw new Error("escalation notifications were not validated");
  }
  const type = escalation.type as PagerType;
  const apiUrl = typeof escalation.apiUrl === "string" ? escalation.apiUrl : pagerSender(type).defaultApiUrl;
  return {
    chat: { type: chat.type as ChatType, webhookSecret: chat.webhookSecret },
    escalation: {
      type,
      secret: escalation.secret,
      // The sender appends its path; a trailing slash would double it.
      apiUrl: apiUrl.replace(/\/+$/, ""),
      priority: (escalation.priority as NotificationSettings["escalation"]["priority"] | undefined) ?? "P2",
    },
    chatOn: merged.chatOn ?? (merged.legacyOnly ? LEGACY_CHAT_ON : DEFAULT_CHAT_ON),
  };
}
