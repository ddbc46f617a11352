/**
 * Read receipts of single messages, as Tencent's (`needReadReceipt`, `sendMessageReadReceipt`,
 * `getMessageReadReceiptList`, `getGroupMessageReadMemberList`, MESSAGE_READ_RECEIPT_RECEIVED):
 * the composer's choice to ask for them, the receipts the user gives, those the user's own
 * messages got, in words, and who read a group message.
 *
 * - Asking: *Ask for read receipts* in the composer, on or off for every conversation, kept in this
 *   browser (`state.askReceipts`). The messages sent while it is on (text, files) ask.
 * - Giving: a message someone else sent that asks, in the open history while the page is visible,
 *   gets the user's receipt, once: those waiting are sent together, a moment after they show. A
 *   refusal is logged, not shown (a receipt is a courtesy, not something the user asked for), and
 *   tried again after a reconnect. It reads nothing: the badge is `setMessageRead`'s (thread.ts).
 * - Getting: the user's own messages that asked show *Read* / *Unread* one-to-one, and in a group
 *   *Unread*, *2 read*, *All read*, from the receipts asked for each page of history (and the whole
 *   history after a reconnect, when pushes were missed), kept live by MESSAGE_READ_RECEIPT_RECEIVED.
 *   They live in the open thread (`Thread.receipts`), by message ID.
 */
import { effect, signal } from '@preact/signals';
import TencentCloudChat, {
  type C2CMessageReadReceipt,
  type ConversationID,
  type GroupMessageReadReceipt,
  type Message,
  type ReadReceiptInfo,
} from '@natter/sdk';
import { chat, currentChat } from './client.ts';
import { announce } from './feedback.ts';
import { clockTime, isGroup, SYSTEM_ID } from './format.ts';
import { ASK_RECEIPTS_KEY, state, type Thread } from './state.ts';

const { TYPES } = TencentCloudChat;

// ------------------------------------------------------------------ asking

/** Turns the composer's *Ask for read receipts* on or off, and remembers it in this browser. */
export function setAskReceipts(on: boolean): void {
  state.askReceipts.value = on;
  try {
    if (on) localStorage.setItem(ASK_RECEIPTS_KEY, '1');
    else localStorage.removeItem(ASK_RECEIPTS_KEY);
  } catch {
    // storage refused: the choice holds for this page
  }
  announce(on ? 'Your messages will ask for read receipts.' : 'Your messages will not ask for read receipts.');
}

/** The option of the create*Message calls while the user asks for receipts. */
export function receiptOption(): { needReadReceipt?: true } {
  return state.askReceipts.peek() ? { needReadReceipt: true } : {};
}

// ------------------------------------------------------------------ giving

/** How long after a message shows its receipt goes, so that those showing together go in one call. */
const GIVE_DELAY_MS = 300;

/** `uid messageID` of each receipt given (or on its way) in this page: never sent twice. */
const given = new Set<string>();
/** Those refused: given again after a reconnect. */
const refused = new Set<string>();
let giveTimer: ReturnType<typeof setTimeout> | undefined;
/** Counts the reconnects that made refused receipts wait again: the rule below runs anew. */
const retries = signal(0);

/**
 * Messages of the open history that wait for the user's receipt: stored, sent by someone else, and
 * asking for one, not recalled, not given yet (a one-to-one message's history says when the user
 * gave theirs before, `readReceiptInfo.isPeerRead`).
 */
function waiting(t: Thread, me: string): Message[] {
  // Not in a group the user left, was removed from, or that was dismissed: they take no part in it.
  if (t.id === SYSTEM_ID || state.readOnly.value.has(t.id)) return [];
  return t.messages.filter(
    (m) =>
      m.needReadReceipt &&
      m.from !== me &&
      m.status === 'success' &&
      !m.isRevoked &&
      !(m.conversationType === TYPES.CONV_C2C && m.readReceiptInfo.isPeerRead === true) &&
      !given.has(`${me} ${m.ID}`),
  );
}

/**
 * One rule, as reading is one (thread.ts): whenever the open history, shown in a visible page, has
 * messages waiting for the user's receipt, they get it shortly after.
 */
effect(() => {
  const t = state.thread.value;
  const me = state.session.value?.uid;
  const visible = state.visible.value;
  void retries.value;
  clearTimeout(giveTimer);
  if (t && me && visible && t.loaded && waiting(t, me).length > 0) giveTimer = setTimeout(giveReceipts, GIVE_DELAY_MS);
});

async function giveReceipts(): Promise<void> {
  const sdk = currentChat();
  const t = state.thread.peek();
  const me = state.session.peek()?.uid;
  if (!sdk || !t || !me || !state.visible.peek()) return;
  const messages = waiting(t, me);
  if (messages.length === 0) return;
  const keys = messages.map((m) => `${me} ${m.ID}`);
  for (const key of keys) given.add(key);
  try {
    await sdk.sendMessageReadReceipt(messages);
  } catch (err) {
    // Not worth a toast: the user asked for nothing. A reconnect tries again.
    for (const key of keys) refused.add(key);
    console.warn('Natter: could not give read receipts', err);
  }
}

/** After a reconnect: the receipts refused meanwhile are given again, if their messages still show. */
function giveRefusedAgain(): void {
  for (const key of refused) given.delete(key);
  refused.clear();
  retries.value++;
}

// ------------------------------------------------------------------ getting

/** The user's own stored messages that asked for receipts: those whose receipts are worth asking. */
function asking(messages: Message[], me: string): Message[] {
  return messages.filter((m) => m.from === me && m.needReadReceipt && m.status === 'success' && !m.isRevoked);
}

/**
 * Asks the server for the receipts of the user's messages among `messages` (a page just loaded, or
 * the whole history after a reconnect). A failure leaves them as they were: the next opening or
 * reconnect asks again.
 */
export async function loadReceipts(token: number, conversationID: ConversationID, messages: Message[]): Promise<void> {
  const sdk = currentChat();
  const me = state.session.peek()?.uid;
  if (!sdk || !me) return;
  const own = asking(messages, me);
  if (own.length === 0) return;
  const answer = await sdk.getMessageReadReceiptList(own).then(({ data }) => data.messageList, () => null);
  const t = state.thread.value;
  if (!answer || !t || t.token !== token || t.id !== conversationID) return;
  const next = new Map(t.receipts);
  for (const m of answer) next.set(m.ID, newer(next.get(m.ID), { ...m.readReceiptInfo }));
  state.thread.value = { ...t, receipts: next };
}

/** After a reconnect: the receipts of the history shown, which may have come meanwhile; ours refused are given again. */
export function reloadReceipts(): void {
  const t = state.thread.value;
  if (t?.loaded) void loadReceipts(t.token, t.id, t.messages);
  giveRefusedAgain();
}

/**
 * MESSAGE_READ_RECEIPT_RECEIVED: readers gave receipts for messages of the user's. One-to-one,
 * the peer read them; in a group, the counts as they now are. Only the open history's are kept:
 * another conversation's are asked for when it opens.
 */
export function receiptsReceived(list: (C2CMessageReadReceipt | GroupMessageReadReceipt)[]): void {
  const t = state.thread.value;
  if (!t) return;
  let next: Map<string, ReadReceiptInfo> | null = null;
  for (const entry of list) {
    const known = (next ?? t.receipts).get(entry.messageID) ?? t.messages.find((m) => m.ID === entry.messageID)?.readReceiptInfo;
    let fresh: ReadReceiptInfo;
    if ('groupID' in entry) {
      if (t.id !== `${TYPES.CONV_GROUP}${entry.groupID}`) continue;
      fresh = { readCount: entry.readCount, unreadCount: entry.unreadCount, isPeerRead: undefined, timestamp: 0 };
    } else {
      if (t.id !== `${TYPES.CONV_C2C}${entry.userID}`) continue;
      fresh = { readCount: undefined, unreadCount: undefined, isPeerRead: true, timestamp: entry.timestamp };
    }
    next ??= new Map(t.receipts);
    next.set(entry.messageID, newer(known, fresh));
  }
  if (next) state.thread.value = { ...t, receipts: next };
}

/**
 * What is known of a message's receipts, from two tellings that may cross (an answer asked before
 * a push and received after it): a receipt given stays given, and a group's counts only grow.
 */
function newer(known: ReadReceiptInfo | undefined, fresh: ReadReceiptInfo): ReadReceiptInfo {
  if (!known) return fresh;
  const groupCounts =
    fresh.readCount === undefined || (known.readCount !== undefined && known.readCount > fresh.readCount)
      ? { readCount: known.readCount, unreadCount: known.unreadCount }
      : { readCount: fresh.readCount, unreadCount: fresh.unreadCount };
  const peerRead = known.isPeerRead === true || fresh.isPeerRead === true ? true : (fresh.isPeerRead ?? known.isPeerRead);
  return {
    ...groupCounts,
    isPeerRead: peerRead,
    timestamp: fresh.isPeerRead === true && fresh.timestamp ? fresh.timestamp : known.timestamp || fresh.timestamp,
  };
}

/** A message's receipts as the open history knows them. */
export function receiptInfo(t: Thread, m: Message): ReadReceiptInfo {
  return t.receipts.get(m.ID) ?? m.readReceiptInfo;
}

// ------------------------------------------------------------------ in words

/** What a message of the user's that asked for receipts shows. */
export interface ReceiptStatus {
  /** `read`, `unread` (nobody yet), `some` (a group: some read it), `all` (a group: every member). */
  kind: 'read' | 'unread' | 'some' | 'all';
  /** The words by the message: *Read*, *Unread*, *2 read*, *All read*. */
  text: string;
  /** The same, longer, for its tooltip: *Read by 2 of 5 members*. */
  detail: string;
}

/**
 * The receipts of a message of the user's that asked for them, in words; `null` for any other
 * (not the user's, not asking, not stored yet). One-to-one, *Read* once the peer gave the receipt
 * (the tooltip says when, when the receipt came live),
 * or once the conversation's read position shows they read it (`isPeerRead`, the *Read* every
 * message has): both say they read it, and a message asking for a receipt must not read *Unread*
 * under a later one that reads *Read*.
 */
export function receiptStatus(m: Message, info: ReadReceiptInfo, me: string, peer: string): ReceiptStatus | null {
  if (m.from !== me || !m.needReadReceipt || m.status !== 'success' || m.isRevoked) return null;
  if (!isGroup(m.conversationID)) {
    // When, once the receipt came while the conversation was open.
    const at = info.isPeerRead === true && info.timestamp > 0 ? ` at ${clockTime(info.timestamp)}` : '';
    return info.isPeerRead === true || m.isPeerRead
      ? { kind: 'read', text: 'Read', detail: `${peer} read it${at}` }
      : { kind: 'unread', text: 'Unread', detail: `${peer} has not read it yet` };
  }
  const read = info.readCount ?? 0;
  const unread = info.unreadCount;
  if (read === 0) {
    return { kind: 'unread', text: 'Unread', detail: 'No member has read it yet' };
  }
  if (unread === 0) return { kind: 'all', text: 'All read', detail: `Read by every member (${read})` };
  return {
    kind: 'some',
    text: `${read} read`,
    detail: unread === undefined ? `Read by ${members(read)}` : `Read by ${read} of ${members(read + unread)}`,
  };
}

function members(n: number): string {
  return `${n} ${n === 1 ? 'member' : 'members'}`;
}

// ------------------------------------------------------------------ who read a group message

/** Who read a message can be listed: a group message of the user's, stored, that asked for receipts (only its sender may ask). */
export function canListReaders(m: Message): boolean {
  const me = state.session.value?.uid;
  return !!me && isGroup(m.conversationID) && asking([m], me).length === 1;
}

/** Opens the dialog of who read a message of the user's, and who has not. */
export function askReadMembers(key: string, returnFocus: HTMLElement | null): void {
  state.messageMenu.value = null;
  state.dialog.value = { kind: 'readReceipts', key, returnFocus };
}

/** Who read a group message, and who has not: user IDs, as the server lists them. */
export interface ReadMembers {
  read: string[];
  unread: string[];
}

/** The members' page size: the most the server gives at once. */
const MEMBERS_PAGE = 100;

/** Every page of one side (0: who read it, 1: who has not), following the cursor to the end. */
async function readMemberList(message: Message, filter: 0 | 1): Promise<string[]> {
  const users: string[] = [];
  let cursor = '';
  for (;;) {
    const { data } = await chat().getGroupMessageReadMemberList({ message, filter, cursor, count: MEMBERS_PAGE });
    users.push(...(filter === 0 ? data.readUserIDList : data.unreadUserIDList));
    if (data.isCompleted || !data.cursor || data.cursor === cursor) return users;
    cursor = data.cursor;
  }
}

/** Who read a group message of the user's, and who has not (only its sender may ask). */
export async function loadReadMembers(message: Message): Promise<ReadMembers> {
  const [read, unread] = await Promise.all([readMemberList(message, 0), readMemberList(message, 1)]);
  return { read, unread };
}
