/**
 * The chat and pager services (DESIGN §3 Messages). Adding one is its module beside this file
 * and one line here; the config, the notify functions and IAM loop over these lists.
 */
import { jsmSender } from "./jsm";
import { opsgenieSender } from "./opsgenie";
import { pagerdutySender } from "./pagerduty";
import type { ChatSender, PagerSender } from "./sender";
import { slackSender } from "./slack";
import { teamsSender } from "./teams";

export const CHAT_SENDERS = [slackSender, teamsSender] as const;
export const PAGER_SENDERS = [opsgenieSender, jsmSender, pagerdutySender] as const;

export type ChatType = (typeof CHAT_SENDERS)[number]["type"];
export type PagerType = (typeof PAGER_SENDERS)[number]["type"];

export const CHAT_TYPES: readonly ChatType[] = CHAT_SENDERS.map((s) => s.type);
export const PAGER_TYPES: readonly PagerType[] = PAGER_SENDERS.map((s) => s.type);

export function chatSender(type: ChatType): ChatSender {
  const sender = CHAT_SENDERS.find((s) => s.type === type);
  if (sender === undefined) throw new Error(`no chat sender ${type}`);
  return sender;
}

export function pagerSender(type: PagerType): PagerSender {
  const sender = PAGER_SENDERS.find((s) => s.type === type);
  if (sender === undefined) throw new Error(`no pager sender ${type}`);
  return sender;
}
