/**
 * Friends (Tencent's relationship chain): FRIEND_LIST_UPDATED, FRIEND_APPLICATION_LIST_UPDATED and
 * FRIEND_GROUP_LIST_UPDATED, and the checks and names the friend calls share.
 *
 * Tencent's SDK holds the three lists and sends each whole, after login and whenever it changed.
 * Natter's server sends only hints, `friendListUpdated`, `friendApplicationListUpdated` and
 * `friendGroupListUpdated` with no data, to every device of each user of a change (this instance's
 * own changes included, as Tencent's server tells its own SDK): each list is fetched on its hint
 * (`GET /v1/friends`, `GET /v1/friend-applications`, `GET /v1/friend-groups`) and handed on. A
 * {@link ListFeed} (list_feed.ts) does that for one list:
 * - Nothing is fetched for an instance without a handler: most apps never listen, and every fetch
 *   is a request.
 * - Once at SDK_READY (an empty friend list or request list too, as Tencent's login fetch sends
 *   them; not an empty friend group list, which Tencent's login fetch does not send), then on each
 *   hint, and after a reconnect (hints are not kept for a connection that is down).
 * - Hints close together make one fetch: an accepted request brings both hints to both users, a
 *   burst of changes many more. A hint while a fetch runs makes one more fetch after it, as the
 *   running one may have been answered before the change.
 * - A list equal to the one handed on last is not handed on again (a change undone meanwhile, or
 *   a hint for another list: the server hints the friend groups with every friend-list change, as
 *   a friend who leaves the list leaves its groups).
 * - Best effort: a failed fetch is dropped, never reaching a caller; the next hint or reconnect
 *   fetches again.
 * - Nothing is emitted before SDK_READY or once the session ended (logout, a kick, destroy).
 */
import { TYPES } from './constants.js';
import { invalidArgument } from './errors.js';
import type { WireFriendApplicationRef, WireFriendDirection } from './wire.js';

/**
 * The most users one deleteFriend, checkFriend, getFriendProfile, createFriendGroup,
 * addToFriendGroup or removeFromFriendGroup call may name: Tencent's limit for checking and
 * deleting, and the server's for each call that sends the list.
 */
export const MAX_USERS_PER_FRIEND_CALL = 1000;

/**
 * addFriend's `data.code` when a request now waits for the other user (they ask for consent):
 * Tencent's number, on which its documentation's sample, and so apps, branch (0: added).
 */
export const FRIEND_APPLICATION_PENDING = 30539;

/** Tencent's reason, which its addFriend answers with FRIEND_APPLICATION_PENDING. */
export const FRIEND_APPLICATION_PENDING_MESSAGE = 'the request waits for the user to accept it';

/** addFriend's `type` → the server's `type` (Tencent's default: both). */
const ADD_TYPES: ReadonlyMap<unknown, WireFriendDirection> = new Map([
  [TYPES.SNS_ADD_TYPE_BOTH, 'both'],
  [TYPES.SNS_ADD_TYPE_SINGLE, 'single'],
]);

/** deleteFriend's `type` → the server's (Tencent's default: both). */
const DELETE_TYPES: ReadonlyMap<unknown, WireFriendDirection> = new Map([
  [TYPES.SNS_DELETE_TYPE_BOTH, 'both'],
  [TYPES.SNS_DELETE_TYPE_SINGLE, 'single'],
]);

/** checkFriend's `type` → the server's (Tencent's default: both). */
const CHECK_TYPES: ReadonlyMap<unknown, WireFriendDirection> = new Map([
  [TYPES.SNS_CHECK_TYPE_BOTH, 'both'],
  [TYPES.SNS_CHECK_TYPE_SINGLE, 'single'],
]);

/**
 * acceptFriendApplication's `type` → the server's: agreeing puts the user in the asker's list
 * (`single`); agreeing and adding puts the asker in the user's list too (`both`, Tencent's default).
 */
const ACCEPT_TYPES: ReadonlyMap<unknown, WireFriendDirection> = new Map([
  [TYPES.SNS_APPLICATION_AGREE_AND_ADD, 'both'],
  [TYPES.SNS_APPLICATION_AGREE, 'single'],
]);

/** deleteFriendApplication's `type` → the server's, from the user's side (Tencent's default: to me). */
const APPLICATION_TYPES: ReadonlyMap<unknown, NonNullable<WireFriendApplicationRef['type']>> = new Map([
  [TYPES.SNS_APPLICATION_SENT_TO_ME, 'incoming'],
  [TYPES.SNS_APPLICATION_SENT_BY_ME, 'outgoing'],
]);

// ------------------------------------------------------------------ checks before sending

/** A userID the call names (`field`: its option's name). */
export function checkUserID(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string' || value === '') throw invalidArgument(`${field}: a userID`);
}

/** An optional string option; the server checks its length. */
export function checkOptionalString(value: unknown, field: string): asserts value is string | undefined {
  if (value !== undefined && typeof value !== 'string') throw invalidArgument(`${field}: must be a string`);
}

/**
 * The `userIDList` of deleteFriend, checkFriend, getFriendProfile, addToFriendGroup and
 * removeFromFriendGroup: 1–1000 userIDs; createFriendGroup's may be empty (`least` 0).
 */
export function checkFriendIDs(list: unknown, least: 0 | 1 = 1): string[] {
  if (!Array.isArray(list) || list.some((u) => typeof u !== 'string' || u === '')) {
    throw invalidArgument('userIDList: an array of userIDs');
  }
  if (list.length < least || list.length > MAX_USERS_PER_FRIEND_CALL) {
    throw invalidArgument(`userIDList: ${list.length} given; ${least} to ${MAX_USERS_PER_FRIEND_CALL}`);
  }
  return [...list];
}

/**
 * A friend group's name (`name`, `oldName`, `newName`): a string. The server checks the rest (1 to
 * 30 bytes: 40001), as it does for addFriend's `groupName`, so the limit lives in one place.
 */
export function checkFriendGroupName(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string') throw invalidArgument(`${field}: a friend group's name`);
}

/** The options object of a friend call: an object, as Tencent's reads its fields from it. */
export function checkOptions<T>(options: T | null | undefined, call: string): asserts options is T {
  if (typeof options !== 'object' || options === null) throw invalidArgument(`${call}: options required`);
}

/** addFriend's `type` as the server's direction; anything but Tencent's two values rejects 40001. */
export function addDirection(type: unknown): WireFriendDirection {
  return pick(ADD_TYPES, type, 'both', 'TYPES.SNS_ADD_TYPE_BOTH or SNS_ADD_TYPE_SINGLE');
}

export function deleteDirection(type: unknown): WireFriendDirection {
  return pick(DELETE_TYPES, type, 'both', 'TYPES.SNS_DELETE_TYPE_BOTH or SNS_DELETE_TYPE_SINGLE');
}

export function checkDirection(type: unknown): WireFriendDirection {
  return pick(CHECK_TYPES, type, 'both', 'TYPES.SNS_CHECK_TYPE_BOTH or SNS_CHECK_TYPE_SINGLE');
}

export function acceptDirection(type: unknown): WireFriendDirection {
  return pick(ACCEPT_TYPES, type, 'both', 'TYPES.SNS_APPLICATION_AGREE_AND_ADD or SNS_APPLICATION_AGREE');
}

export function applicationWay(type: unknown): NonNullable<WireFriendApplicationRef['type']> {
  return pick(APPLICATION_TYPES, type, 'incoming', 'TYPES.SNS_APPLICATION_SENT_TO_ME or SNS_APPLICATION_SENT_BY_ME');
}


/** A `type` option by its table: left out, the default; one of Tencent's values, its wire name. */
function pick<T>(table: ReadonlyMap<unknown, T>, given: unknown, fallback: T, expected: string): T {
  if (given === undefined) return fallback;
  const wire = table.get(given);
  if (wire === undefined) throw invalidArgument(`type: ${String(given)} is not ${expected}`);
  return wire;
}
