/**
 * Read receipts of single messages, as Tencent's SDK has them: a sender asks for them
 * (`needReadReceipt`), readers give theirs (sendMessageReadReceipt), and the sender follows each
 * message's `readReceiptInfo` (getMessageReadReceiptList, getGroupMessageReadMemberList,
 * MESSAGE_READ_RECEIPT_RECEIVED). The server counts the receipts; this module shapes what the
 * app sees of them. Unrelated to the one-to-one read position (setMessageRead, `isPeerRead`,
 * MESSAGE_READ_BY_PEER), which every one-to-one message has, asked or not.
 */
import { TYPES } from './constants.js';
import { invalidArgument } from './errors.js';
import type { ConversationType, GetGroupMessageReadMemberListOptions, Message, ReadReceiptInfo } from './types.js';
import type { WireMessage } from './wire.js';

/** The most messages one receipt request may name (the server's limit). */
export const MAX_MESSAGES_PER_RECEIPT_REQUEST = 100;

/** The most members a getGroupMessageReadMemberList page holds (Tencent's limit, and the server's). */
export const MAX_RECEIPT_MEMBERS_PER_PAGE = 100;

/** Tencent's `readReceiptInfo` of a message nothing is known of yet. */
export function emptyReadReceiptInfo(): ReadReceiptInfo {
  return { readCount: undefined, unreadCount: undefined, isPeerRead: undefined, timestamp: 0 };
}

/**
 * A message's `readReceiptInfo` as a page of history or a push gives it. Tencent's SDK reads a
 * one-to-one message's from its server's `IsPeerRead`; Natter's server says how many gave a
 * receipt (`readCount`, 0 or 1 one-to-one: on a message the user received, whether they gave
 * theirs). A group message's counts come only from getMessageReadReceiptList and
 * MESSAGE_READ_RECEIPT_RECEIVED, as with Tencent (the wire has no unread count to go with
 * `readCount`).
 */
export function readReceiptInfoOf(wire: WireMessage, conversationType: ConversationType): ReadReceiptInfo {
  const info = emptyReadReceiptInfo();
  if (conversationType === TYPES.CONV_C2C && wire.needReadReceipt === true) info.isPeerRead = (wire.readCount ?? 0) > 0;
  return info;
}

/**
 * The peer gave a receipt for a one-to-one message at `timestamp` (seconds): marks it, as
 * Tencent's SDK marks its objects. False when the message said so already (nothing is news).
 */
export function markPeerReceipt(message: Message, timestamp: number): boolean {
  if (message.readReceiptInfo.isPeerRead === true) return false;
  message.readReceiptInfo.isPeerRead = true;
  message.readReceiptInfo.timestamp = timestamp;
  return true;
}

/**
 * A newer copy of a held one-to-one message (a page of history) tells whether the peer gave a
 * receipt; once one was given, the held object says so whatever a copy read before it says.
 */
export function takePeerReceipt(held: Message, fresh: Message): void {
  const given = fresh.readReceiptInfo.isPeerRead;
  if (given !== undefined && held.readReceiptInfo.isPeerRead !== true) held.readReceiptInfo.isPeerRead = given;
}

/** A group message's counts as the server now has them. */
export function setGroupCounts(message: Message, readCount: number, unreadCount: number): void {
  message.readReceiptInfo.readCount = readCount;
  message.readReceiptInfo.unreadCount = unreadCount;
}

/** A list of messages for a receipt call: an array of at least one Message, else 40001 (thrown). */
export function checkReceiptMessages(messageList: unknown, call: string): asserts messageList is Message[] {
  const isMessage = (m: Partial<Message> | null) =>
    typeof m === 'object' && m !== null && typeof m.ID === 'string' && typeof m.conversationID === 'string';
  if (!Array.isArray(messageList) || !messageList.every(isMessage)) {
    throw invalidArgument(`${call}: messageList: an array of Messages this SDK returned`);
  }
  if (messageList.length === 0) throw invalidArgument(`${call}: messageList: is empty; give at least one message`);
}

/**
 * getGroupMessageReadMemberList's page, read as Tencent's SDK reads it (nothing refused): a
 * `filter` other than 0 (who read it) or 1 (who did not) is 0, a `cursor` that is no string is
 * the first page, and a `count` that is no number, not above 0, or 100 or more is 100 (a fraction
 * is rounded up: the server takes whole numbers).
 */
export function receiptMemberPage(options: Partial<GetGroupMessageReadMemberListOptions>): {
  filter: 0 | 1;
  cursor: string;
  count: number;
} {
  const { filter, cursor, count } = options;
  return {
    filter: filter === 1 ? 1 : 0,
    cursor: typeof cursor === 'string' ? cursor : '',
    count:
      typeof count !== 'number' || !(count > 0) || count >= MAX_RECEIPT_MEMBERS_PER_PAGE
        ? MAX_RECEIPT_MEMBERS_PER_PAGE
        : Math.ceil(count),
  };
}
