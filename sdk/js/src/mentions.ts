/**
 * Group @-mentions, as Tencent's SDK hands them out: a message's `atUserList` (the userIDs it names,
 * and `TYPES.MSG_AT_ALL` for everyone) and a group conversation's `groupAtInfoList` (its unread
 * messages that mention the user).
 *
 * The server keeps a message's mentions in its payload as the sending client wrote them: Tencent's
 * `{ text, atUserList }`, or WuKongIM's `{ type: 1, content, mention: { all, uids } }`. It lists a
 * conversation's unread mentions (`groupAtInfoList`) on every conversation object but one: the
 * conversations pushed with a new message (`conversationListUpdated` right after
 * `messageReceived`), which all members share. For those the SDK keeps the list it holds and adds
 * the mentions of the messages just received ({@link MentionTracker}).
 */
import { TYPES } from './constants.js';
import { invalidArgument } from './errors.js';
import { communityOf, isTopicID } from './topics.js';
import type { GroupAtInfo } from './types.js';
import type { WireConversation, WireGroupAtInfo, WireMessage } from './wire.js';

/** Tencent's `TYPES.MSG_AT_ALL`: in `atUserList`, a mention of every member. */
export const AT_ALL: string = TYPES.MSG_AT_ALL;

/** The most entries one message's `atUserList` may have (the server's limit). */
export const MAX_AT_USERS = 1_000;

/** Pending mentions kept per conversation until its pushed object arrives. */
const PENDING_KEPT = 100;

function isGroup(conversationID: string): boolean {
  return conversationID.startsWith(TYPES.CONV_GROUP);
}

/**
 * Whom a stored message mentions, as Tencent's `message.atUserList`, read as the server reads it: a
 * text's `atUserList` (its strings, as sent), else the `mention` of WuKongIM content (a payload with
 * a numeric `type`): its `uids`, then `MSG_AT_ALL` when `all` is 1 or true; `[]` for anything else.
 */
export function atUserListOf(type: string | undefined, payload: unknown): string[] {
  if (typeof payload !== 'object' || payload === null) return [];
  const p = payload as Record<string, unknown>;
  const strings = (list: unknown): string[] =>
    Array.isArray(list) ? list.filter((u): u is string => typeof u === 'string' && u !== '') : [];
  if (p.atUserList !== undefined && type === TYPES.MSG_TEXT) return strings(p.atUserList);
  if (typeof p.type !== 'number' || typeof p.mention !== 'object' || p.mention === null) return [];
  const mention = p.mention as Record<string, unknown>;
  const uids = strings(mention.uids);
  return mention.all === 1 || mention.all === true ? [...uids, AT_ALL] : uids;
}

/**
 * Checks an `atUserList` an app gives (createTextAtMessage): an array of userIDs and
 * `TYPES.MSG_AT_ALL`, at most {@link MAX_AT_USERS}; `undefined` or `null` is none, as Tencent's.
 * Returns a copy; throws 40001 (`invalid_argument`) naming `call` and the entry otherwise, before
 * any request.
 */
export function checkAtUserList(list: unknown, call: string): string[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    throw invalidArgument(`${call}: payload.atUserList must be an array of userIDs (and TYPES.MSG_AT_ALL for everyone)`);
  }
  if (list.length > MAX_AT_USERS) {
    throw invalidArgument(`${call}: payload.atUserList has ${list.length} entries; a message mentions at most ${MAX_AT_USERS}`);
  }
  for (const [i, item] of list.entries()) {
    if (typeof item !== 'string' || item === '') {
      throw invalidArgument(`${call}: payload.atUserList[${i}] must be a userID or TYPES.MSG_AT_ALL`);
    }
  }
  return [...(list as string[])];
}

/**
 * What a message mentioning `atUserList` is to `me`, as Tencent's `CONV_AT_*`: CONV_AT_ME (1) when it
 * names them, CONV_AT_ALL (2) when it mentions everyone, CONV_AT_ALL_AT_ME (3) both; null when neither.
 */
export function atTypeFor(atUserList: readonly string[], me: string): number | null {
  const named = atUserList.includes(me);
  const everyone = atUserList.includes(AT_ALL);
  if (named && everyone) return TYPES.CONV_AT_ALL_AT_ME;
  if (named) return TYPES.CONV_AT_ME;
  if (everyone) return TYPES.CONV_AT_ALL;
  return null;
}

/**
 * The server's `groupAtInfoList` → Tencent's (`messageSequence`, `atTypeArray`, the groupID). A
 * topic's conversation (`groupID` a topic ID) names the community as `groupID` and the topic as
 * `topicID`, as Tencent's.
 */
export function toGroupAtInfoList(list: readonly WireGroupAtInfo[] | null | undefined, groupID: string): GroupAtInfo[] {
  const where = isTopicID(groupID) ? { groupID: communityOf(groupID), topicID: groupID } : { groupID };
  return (list ?? []).map((a) => ({
    from: a.from,
    ...where,
    messageSequence: a.seq,
    atTypeArray: [a.atType],
  }));
}

/** Two mentions of one message: named and everyone together are CONV_AT_ALL_AT_ME. */
function mergeAtTypes(a: number, b: number): number {
  return a === b ? a : TYPES.CONV_AT_ALL_AT_ME;
}

/**
 * The mentions of messages pushed to the user (`messageReceived`) until the conversation object
 * pushed with them arrives without a `groupAtInfoList`: then that conversation's list is the one
 * held plus these.
 */
export class MentionTracker {
  /** By conversation, by seq: the unread mentions of the user heard of from messages. */
  private readonly pending = new Map<string, Map<number, WireGroupAtInfo>>();

  /** Messages pushed live: those mentioning `me` (or everyone), from someone else, are kept. */
  noteMessages(messages: readonly WireMessage[], me: string): void {
    for (const m of messages) {
      if (!isGroup(m.conversationID) || m.from === me || m.isRevoked === true) continue;
      const atType = atTypeFor(atUserListOf(m.type, m.payload), me);
      if (atType === null) continue;
      let byConversation = this.pending.get(m.conversationID);
      if (!byConversation) {
        byConversation = new Map();
        this.pending.set(m.conversationID, byConversation);
      }
      const known = byConversation.get(m.seq);
      byConversation.set(m.seq, { seq: m.seq, from: m.from, atType: known ? mergeAtTypes(known.atType, atType) : atType });
      if (byConversation.size > PENDING_KEPT) byConversation.delete(byConversation.keys().next().value as number);
    }
  }

  /**
   * Conversation objects with their `groupAtInfoList` complete. One that carries it (the server's
   * word) is taken as it is and settles the pending mentions it covers. One without it (pushed with
   * a new message) gets the list `held` has for it plus the pending mentions up to its last
   * message; none while nothing is unread, and never outside groups.
   */
  complete(list: readonly WireConversation[], held: (id: string) => WireConversation | undefined): WireConversation[] {
    return list.map((c) => {
      const id = c.conversationID;
      const lastSeq = c.lastMessage?.seq ?? 0;
      const pending = this.pending.get(id);
      const covered = pending ? [...pending.values()].filter((a) => a.seq <= lastSeq) : [];
      if (pending) {
        for (const a of covered) pending.delete(a.seq);
        if (pending.size === 0) this.pending.delete(id);
      }
      if (Array.isArray(c.groupAtInfoList)) return c;
      if (!isGroup(id) || c.unreadCount === 0) return { ...c, groupAtInfoList: [] };
      const bySeq = new Map<number, WireGroupAtInfo>();
      for (const a of [...(held(id)?.groupAtInfoList ?? []), ...covered]) {
        if (a.seq <= (c.clearedToSeq ?? 0) || a.seq > lastSeq) continue;
        const known = bySeq.get(a.seq);
        bySeq.set(a.seq, known ? { ...known, atType: mergeAtTypes(known.atType, a.atType) } : a);
      }
      return { ...c, groupAtInfoList: [...bySeq.values()].sort((a, b) => a.seq - b.seq) };
    });
  }

  /** The seqs pending for a conversation now (a read made now covers them). */
  pendingSeqs(conversationID: string): number[] {
    return [...(this.pending.get(conversationID)?.keys() ?? [])];
  }

  /** Forgets pending mentions a read covered. */
  forget(conversationID: string, seqs: readonly number[]): void {
    const pending = this.pending.get(conversationID);
    if (!pending) return;
    for (const seq of seqs) pending.delete(seq);
    if (pending.size === 0) this.pending.delete(conversationID);
  }

  clear(): void {
    this.pending.clear();
  }
}
