/**
 * Message reactions, as Tencent's (`addMessageReaction`, `removeMessageReaction`,
 * `getMessageReactions`, `getAllUserListOfMessageReaction`, `MESSAGE_REACTIONS_UPDATED`): the
 * checks the SDK makes before any request, the server's answers as Tencent's objects, and
 * Tencent's numbers for the refusals apps compare with.
 *
 * The server keeps the reactions (`POST /v1/messages/reactions`, `/remove`, `/list`, `/users`) and
 * pushes each change, as it now is, to every device of every member who can see the message,
 * the reacting user's own included (`messageReactionsUpdated`, `reactedByMyself` for each
 * recipient). Reactions are not part of the sync: after a reconnect an app asks again for the
 * messages it shows, as TUIKit does whenever it shows messages.
 */
import { TYPES } from './constants.js';
import { conversationTypeOf } from './convert.js';
import { ErrorCode, invalidArgument, withTencentCode } from './errors.js';
import type {
  GetAllUserListOfMessageReactionOptions,
  GetMessageReactionsOptions,
  Message,
  MessageReaction,
  UserInfo,
} from './types.js';
import type { WireReaction, WireUserProfile } from './wire.js';

/** The messages one `POST /v1/messages/reactions/list` asks about (Tencent's native SDKs take 20 a call too). */
export const MAX_MESSAGES_PER_REACTION_REQUEST = 20;

/** getMessageReactions' `maxUserCountPerReaction`: 0–10, default 10, as Tencent's. */
export const MAX_USERS_PER_REACTION_SUMMARY = 10;

/** getAllUserListOfMessageReaction's `count`: default and most 100, as Tencent's. */
export const MAX_REACTION_USERS_PER_PAGE = 100;

/**
 * The server's reaction refusals (HTTP 409) → Tencent's numbers, which its SDKs hand on from its
 * server and apps compare with.
 */
const TENCENT_REACTION_CODES: Readonly<Record<number, number>> = {
  /** `already_reacted` */
  40902: ErrorCode.MSG_REACTION_ALREADY_CONTAIN_USER,
  /** `not_reacted` */
  40903: ErrorCode.MSG_REACTION_NOT_CONTAIN_USER,
  /** `too_many_reactions` */
  40904: ErrorCode.MSG_REACTION_COUNT_LIMIT,
  /** `too_many_reaction_users` */
  40905: ErrorCode.MSG_REACTION_USER_COUNT_LIMIT,
};

/**
 * A refusal of addMessageReaction or removeMessageReaction as the app gets it: Tencent's number for
 * the four reaction refusals (the server's `error`, `message` and `status` kept), anything else as
 * it is.
 */
export function tencentReactionError(err: unknown): unknown {
  return withTencentCode(err, TENCENT_REACTION_CODES);
}

/**
 * A message the server can take a reaction call about, as Tencent's checks it (a Message, sent:
 * `status` `'success'`); system notices, which no one reacts to, neither. Refused with 40001
 * before any request.
 */
export function checkReactable(message: unknown, call: string): asserts message is Message {
  const m = message as Partial<Message> | null | undefined;
  if (typeof m !== 'object' || m === null || typeof m.ID !== 'string' || typeof m.conversationID !== 'string') {
    throw invalidArgument(`${call}: message: a Message this SDK returned (sendMessage, getMessageList, MESSAGE_RECEIVED)`);
  }
  if (m.status !== 'success') throw invalidArgument(`${call}: only a sent message (status "success")`);
  if (conversationTypeOf(m.conversationID) === TYPES.CONV_SYSTEM) {
    throw invalidArgument(`${call}: system notices take no reactions`);
  }
}

/** Whether getMessageReactions asks the server about the message: a sent one, not a system notice. */
export function isReactable(message: Message): boolean {
  return message.status === 'success' && conversationTypeOf(message.conversationID) !== TYPES.CONV_SYSTEM;
}

/** A reaction ID as Tencent's takes it, a non-empty string (the server takes 1–128 bytes). */
export function checkReactionID(reactionID: unknown, call: string): asserts reactionID is string {
  if (typeof reactionID !== 'string' || reactionID === '') {
    throw invalidArgument(`${call}: reactionID: a non-empty string (an emoji's ID)`);
  }
}

/**
 * getMessageReactions' options, checked: a list of Messages (at least one) and a
 * `maxUserCountPerReaction` of 0–10 when given.
 */
export function checkReactionsOptions(options: unknown): { messageList: Message[]; maxUserCountPerReaction?: number } {
  const { messageList, maxUserCountPerReaction } = (options ?? {}) as Partial<GetMessageReactionsOptions>;
  const isMessage = (m: Partial<Message> | null) =>
    typeof m === 'object' && m !== null && typeof m.ID === 'string' && typeof m.conversationID === 'string';
  if (!Array.isArray(messageList) || !messageList.every(isMessage)) {
    throw invalidArgument('getMessageReactions: messageList: an array of Messages this SDK returned');
  }
  if (messageList.length === 0) throw invalidArgument('getMessageReactions: messageList: is empty; give at least one message');
  if (
    maxUserCountPerReaction !== undefined &&
    (!Number.isInteger(maxUserCountPerReaction) ||
      maxUserCountPerReaction < 0 ||
      maxUserCountPerReaction > MAX_USERS_PER_REACTION_SUMMARY)
  ) {
    throw invalidArgument(
      `getMessageReactions: maxUserCountPerReaction: 0 to ${MAX_USERS_PER_REACTION_SUMMARY}, not ${String(maxUserCountPerReaction)}`,
    );
  }
  return { messageList, maxUserCountPerReaction };
}

/**
 * getAllUserListOfMessageReaction's page: `nextSeq` 0 when left out, `count` 100 when left out
 * and over 100 taken as 100, as Tencent's; anything but a whole number (`count` at least 1) is
 * refused with 40001.
 */
export function userPage(options: Partial<GetAllUserListOfMessageReactionOptions>): { nextSeq: number; count: number } {
  const { nextSeq = 0, count = MAX_REACTION_USERS_PER_PAGE } = options;
  if (!Number.isSafeInteger(nextSeq) || nextSeq < 0) {
    throw invalidArgument(`getAllUserListOfMessageReaction: nextSeq: 0, or the nextSeq of the page before, not ${String(nextSeq)}`);
  }
  if (!Number.isInteger(count) || count < 1) {
    throw invalidArgument(`getAllUserListOfMessageReaction: count: 1 to ${MAX_REACTION_USERS_PER_PAGE}, not ${String(count)}`);
  }
  return { nextSeq, count: Math.min(count, MAX_REACTION_USERS_PER_PAGE) };
}

/** A user of a reaction as Tencent's: `{ userID, nick, avatar }`. */
export function toReactionUser(user: WireUserProfile): UserInfo {
  return { userID: user.userID, nick: user.nick, avatar: user.avatar };
}

/** A reaction as Tencent's hands it out. */
export function toReaction(wire: WireReaction): MessageReaction {
  return {
    reactionID: wire.reactionID,
    totalUserCount: wire.totalUserCount,
    partialUserList: (wire.partialUserList ?? []).map(toReactionUser),
    reactedByMyself: wire.reactedByMyself === true,
  };
}

/** `items` cut into runs of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const runs: T[][] = [];
  for (let i = 0; i < items.length; i += size) runs.push(items.slice(i, i + size));
  return runs;
}

/**
 * The latest version of each message's reactions this instance has heard of: two members'
 * reactions made at once may be pushed in either order (the server numbers every change of a
 * message's reactions), and a push at or below what a list answer or a later push gave is
 * older than what the app holds. Bounded: the oldest messages are forgotten first.
 */
export class ReactionVersions {
  private readonly latest = new Map<string, number>();

  constructor(private readonly capacity = 5000) {}

  /** Whether a push at `version` is news for the message; if so it becomes the latest. */
  take(serverID: string, version: unknown): boolean {
    if (typeof version !== 'number') return true;
    const known = this.latest.get(serverID);
    if (known !== undefined && version <= known) return false;
    this.note(serverID, version);
    return true;
  }

  /** A list answer's version for the message, when it is newer than what is known. */
  note(serverID: string, version: unknown): void {
    if (typeof version !== 'number') return;
    const known = this.latest.get(serverID);
    if (known !== undefined && version <= known) return;
    this.latest.delete(serverID);
    this.latest.set(serverID, version);
    if (this.latest.size > this.capacity) this.latest.delete(this.latest.keys().next().value!);
  }

  clear(): void {
    this.latest.clear();
  }
}

