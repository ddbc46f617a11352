/**
 * Following, as Tencent's (`followUser`, `unfollowUser`, `getMyFollowersList`,
 * `getMyFollowingList`, `getMutualFollowersList`, `getUserFollowInfo`, `checkFollowType`): the
 * checks its SDK makes before any request, and the server's answers as Tencent's.
 *
 * The server keeps who follows whom (`POST /v1/follows` and `/remove`, `GET /v1/follows`, `POST
 * /v1/follows/info` and `/check`): one way, without asking the user followed, at most 5,000 a
 * user. Each user named in a follow or unfollow has a result of their own; one refused does not
 * stop the others. Lists come newest follow first, 500 a page, as Tencent's asks for them. Both
 * users of each follow or unfollow that changed something hear which of their lists changed, on
 * every device (`followListsUpdated`), which the SDK tells as Tencent's MY_FOLLOWERS_LIST_UPDATED,
 * MY_FOLLOWING_LIST_UPDATED and MUTUAL_FOLLOWERS_LIST_UPDATED.
 */
import { EVENT } from './constants.js';
import { invalidArgument } from './errors.js';
import type { FollowedUser, FollowListUpdatedData, FollowType, UserFollowInfo, UserFollowType } from './types.js';
import type { WireEventData, WireFollowInfo, WireFollowListType, WireFollowType, WireFollowedUser } from './wire.js';

/** The most users one followUser or unfollowUser names (Tencent's server's limit, and Natter's). */
export const MAX_USERS_PER_FOLLOW_CALL = 20;

/** The most users one getUserFollowInfo or checkFollowType asks about (Tencent's limit, and the server's). */
export const MAX_USERS_PER_FOLLOW_QUESTION = 100;

/** The list each of Tencent's list calls reads, by the server's name for it. */
export const FOLLOW_LISTS = {
  getMyFollowersList: 'followers',
  getMyFollowingList: 'following',
  getMutualFollowersList: 'mutual',
} as const;

/**
 * followUser's and unfollowUser's `userIDList`: an array of 1–20 userIDs, as Tencent's requires
 * one (and its server takes 20). Refused with 40001 before any request; a userID the server does
 * not take is that user's result, not the call's refusal.
 */
export function checkFollowIDs(list: unknown, call: string): string[] {
  const ids = userIDs(list, call);
  if (ids.length === 0) throw invalidArgument(`${call}: userIDList: is empty; give at least one userID`);
  if (ids.length > MAX_USERS_PER_FOLLOW_CALL) {
    throw invalidArgument(`${call}: userIDList: ${ids.length} given; at most ${MAX_USERS_PER_FOLLOW_CALL} a call`);
  }
  return ids;
}

/**
 * getUserFollowInfo's `userIDList`: left out (or `null`, or `[]`) for the user themself, as
 * Tencent's; else at most 100 userIDs (the server's limit, Tencent's server's too).
 */
export function checkFollowInfoIDs(list: unknown): string[] {
  if (list === undefined || list === null) return [];
  const ids = userIDs(list, 'getUserFollowInfo');
  if (ids.length > MAX_USERS_PER_FOLLOW_QUESTION) {
    throw invalidArgument(
      `getUserFollowInfo: userIDList: ${ids.length} given; at most ${MAX_USERS_PER_FOLLOW_QUESTION} a call`,
    );
  }
  return ids;
}

/** checkFollowType's `userIDList`: an array of at least one userID, as Tencent's requires. */
export function checkFollowTypeIDs(list: unknown): string[] {
  const ids = userIDs(list, 'checkFollowType');
  if (ids.length === 0) throw invalidArgument('checkFollowType: userIDList: is empty; give at least one userID');
  return ids;
}

/** A list call's `nextCursor`: `''` (or left out) for the first page, else the one a page gave. */
export function checkFollowCursor(cursor: unknown, call: string): string {
  if (cursor === undefined || cursor === null) return '';
  if (typeof cursor !== 'string') throw invalidArgument(`${call}: nextCursor: the nextCursor of the page before, or ''`);
  return cursor;
}

/** A user of a follow list as Tencent's: `{ userID, followTime }` (seconds) and their profile's nick and avatar. */
export function toFollowedUser(wire: WireFollowedUser): FollowedUser {
  return { userID: wire.userID, followTime: wire.followTime, nick: wire.nick, avatar: wire.avatar };
}

/**
 * A user's counts as Tencent's `{ followersCount, followingCount, mutualFollowersCount }`, with
 * the userID they are of, which Tencent's leaves out (its answer is in the order asked, as this).
 */
export function toFollowInfo(wire: WireFollowInfo): UserFollowInfo {
  return {
    userID: wire.userID,
    followersCount: wire.followersCount,
    followingCount: wire.followingCount,
    mutualFollowersCount: wire.mutualFollowersCount,
  };
}

/** How a user stands to the user, as Tencent's `{ userID, followType }` (0–3). */
export function toFollowType(wire: WireFollowType): UserFollowType {
  return { userID: wire.userID, followType: wire.followType as FollowType };
}

/** The event Tencent's SDK tells a change of each of the user's lists by. */
const FOLLOW_LIST_EVENTS = {
  followers: EVENT.MY_FOLLOWERS_LIST_UPDATED,
  following: EVENT.MY_FOLLOWING_LIST_UPDATED,
  mutual: EVENT.MUTUAL_FOLLOWERS_LIST_UPDATED,
} as const satisfies Record<WireFollowListType, string>;

export type FollowListEvent = (typeof FOLLOW_LIST_EVENTS)[WireFollowListType];

/**
 * The events of one `followListsUpdated` push, as Tencent's SDK tells its server's follow notice:
 * one per list changed, in the server's order, each `{ userInfoList, isAdd }` with the one user
 * of the change: their `{ userID, nick, avatar }` when added to the list, their userID alone when
 * taken out of it. A list the SDK does not know, or a malformed push, tells nothing.
 */
export function followListUpdates(
  wire: Partial<WireEventData['followListsUpdated']>,
): { name: FollowListEvent; data: FollowListUpdatedData }[] {
  const user = wire.userInfo;
  if (typeof user?.userID !== 'string' || !Array.isArray(wire.changeList)) return [];
  return wire.changeList
    .filter(({ listType }) => Object.hasOwn(FOLLOW_LIST_EVENTS, listType))
    .map(({ listType, isAdd }) => ({
      name: FOLLOW_LIST_EVENTS[listType],
      data:
        isAdd === true
          ? { isAdd: true, userInfoList: [{ userID: user.userID, nick: user.nick ?? '', avatar: user.avatar ?? '' }] }
          : { isAdd: false, userInfoList: [user.userID] },
    }));
}

function userIDs(list: unknown, call: string): string[] {
  if (!Array.isArray(list) || list.some((u) => typeof u !== 'string')) {
    throw invalidArgument(`${call}: userIDList: an array of userIDs`);
  }
  return [...(list as string[])];
}
