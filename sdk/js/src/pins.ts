/**
 * Pinned group messages, as Tencent's (`pinGroupMessage`, `getPinnedGroupMessageList`,
 * `PINNED_GROUP_MESSAGE_UPDATED`): the checks the SDK makes before any request, who pinned a
 * message as Tencent's objects carry it (`pinnerInfo`), and Tencent's number for the group's limit.
 *
 * The server keeps each group's pins (`POST` and `GET /v1/groups/{groupID}/pinned-messages`), at
 * most 10 a group, and pushes each change to every device of every current member, the pinning
 * user's own included (`groupPinnedMessageUpdated`). Pinning a pinned message, or unpinning one
 * that is not, changes nothing and tells no one. Pins are not part of the sync: after a reconnect
 * an app asks getPinnedGroupMessageList again for the group it shows.
 */
import { TYPES } from './constants.js';
import { ErrorCode, invalidArgument, withTencentCode } from './errors.js';
import type { Message, PinGroupMessageOptions, UserInfo } from './types.js';
import type { WireUserProfile } from './wire.js';

/**
 * pinGroupMessage's options, checked as Tencent's checks them (a `groupID`, a Message, a boolean
 * `isPinned`), and the message a sent one of that group, which is all the server pins. Refused
 * with 40001 before any request.
 */
export function checkPinOptions(options: unknown): PinGroupMessageOptions {
  const { groupID, message, isPinned } = (options ?? {}) as Partial<PinGroupMessageOptions>;
  if (typeof groupID !== 'string' || groupID === '') throw invalidArgument('pinGroupMessage: groupID: a group ID');
  const m = message as Partial<Message> | null | undefined;
  if (typeof m !== 'object' || m === null || typeof m.ID !== 'string' || typeof m.conversationID !== 'string') {
    throw invalidArgument('pinGroupMessage: message: a Message this SDK returned (sendMessage, getMessageList, MESSAGE_RECEIVED)');
  }
  if (typeof isPinned !== 'boolean') throw invalidArgument('pinGroupMessage: isPinned: true to pin, false to unpin');
  if (m.conversationID !== `${TYPES.CONV_GROUP}${groupID}`) {
    throw invalidArgument(`pinGroupMessage: message: a message of the group ${groupID}, not of ${m.conversationID}`);
  }
  if (m.status !== 'success') throw invalidArgument('pinGroupMessage: message: only a sent message (status "success")');
  return { groupID, message: message!, isPinned };
}

/** Who pinned or unpinned a message, as Tencent's `pinnerInfo` and `operatorInfo`: `{ userID, nick, avatar }`. */
export function toPinner(user: WireUserProfile): UserInfo {
  return { userID: user.userID, nick: user.nick, avatar: user.avatar };
}

/** The server's `too_many_pinned_messages` (40906, HTTP 409) → Tencent's number. */
const TENCENT_PIN_LIMIT: Readonly<Record<number, number>> = { 40906: ErrorCode.GROUP_PINNED_MESSAGE_COUNT_LIMIT };

/**
 * A refusal of pinGroupMessage as the app gets it: Tencent's server number
 * (`ERR_SVR_GROUP_PINNED_MESSAGE_COUNT_LIMIT`, which its SDK hands on and apps compare with) for
 * the group's limit, the server's `too_many_pinned_messages` (40906), its `error`, `message` and
 * `status` kept; anything else as it is.
 */
export function tencentPinError(err: unknown): unknown {
  return withTencentCode(err, TENCENT_PIN_LIMIT);
}
