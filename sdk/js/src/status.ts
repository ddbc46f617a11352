/**
 * User status, as Tencent's (`setSelfStatus`, `getUserStatus`, `subscribeUserStatus`,
 * `unsubscribeUserStatus`, `USER_STATUS_UPDATED`): the checks the SDK makes before any request,
 * the server's answers as Tencent's objects, Tencent's numbers for the users a call passed over,
 * and the statuses this instance holds, by version.
 *
 * The server keeps each user's status (`POST /v1/user-status/self`, `/v1/user-status`,
 * `/subscribe`, `/unsubscribe`): online while a connection of theirs is open anywhere in the
 * cluster, offline while signed in with none open, unlogined when no device is signed in, and
 * the custom status they chose. Every change gets a new version and reaches every device of each
 * user subscribed to them (`userStatusUpdated`), and the user's own devices when they set their
 * custom status; subscriptions are kept on the server until unsubscribed.
 */
import { TYPES } from './constants.js';
import { ErrorCode, invalidArgument } from './errors.js';
import type { UserStatus, UserStatusFailure, UserStatusType } from './types.js';
import type { WireUserStatus, WireUserStatusFailure } from './wire.js';

/** The most users one getUserStatus asks about (Tencent's limit, and the server's). */
export const MAX_USERS_PER_STATUS_QUERY = 500;

/** The most users one subscribeUserStatus or unsubscribeUserStatus names (Tencent's limit, and the server's). */
export const MAX_USERS_PER_STATUS_SUBSCRIPTION = 100;

/** setSelfStatus' `customStatus`: a string (`''` clears it), as Tencent's checks it. */
export function checkCustomStatus(options: unknown): string {
  const customStatus = (options as { customStatus?: unknown } | null | undefined)?.customStatus;
  if (typeof customStatus !== 'string') {
    throw invalidArgument('setSelfStatus: customStatus: a string (at most 100 bytes; "" clears it)');
  }
  return customStatus;
}

/**
 * getUserStatus' and subscribeUserStatus' `userIDList`: a non-empty array of userIDs, as Tencent's
 * checks it. Refused with 40001 before any request.
 */
export function checkStatusUserIDs(options: unknown, call: string): string[] {
  const list = (options as { userIDList?: unknown } | null | undefined)?.userIDList;
  if (!Array.isArray(list) || list.some((u) => typeof u !== 'string')) {
    throw invalidArgument(`${call}: userIDList: an array of userIDs`);
  }
  if (list.length === 0) throw invalidArgument(`${call}: userIDList: is empty; give at least one userID`);
  return [...(list as string[])];
}

/**
 * unsubscribeUserStatus' `userIDList`: left out (the options too), `null` or empty for every
 * subscription, as Tencent's; else an array of userIDs.
 */
export function checkUnsubscribeUserIDs(options: unknown): string[] | undefined {
  const list = (options as { userIDList?: unknown } | null | undefined)?.userIDList;
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list) || list.some((u) => typeof u !== 'string')) {
    throw invalidArgument('unsubscribeUserStatus: userIDList: an array of userIDs, or left out for every user');
  }
  return list.length === 0 ? undefined : [...(list as string[])];
}

/** A user's status as the app gets it, Tencent's `{ userID, statusType, customStatus }` (no version). */
export function toUserStatus(wire: Pick<WireUserStatus, 'userID' | 'statusType' | 'customStatus'>): UserStatus {
  return {
    userID: wire.userID,
    statusType: wire.statusType as UserStatusType,
    customStatus: typeof wire.customStatus === 'string' ? wire.customStatus : '',
  };
}

/**
 * A user a status call passed over, as Tencent's `{ userID, code, message }`: Tencent's 70107
 * (`ErrorCode.USER_NOT_FOUND`, "the user does not exist") for the users the server does not know,
 * with the server's words; subscribeUserStatus naming the user themself is 40001, as Tencent's
 * (their own status reaches their devices without subscribing).
 */
export function toStatusFailure(wire: WireUserStatusFailure, self: string | null): UserStatusFailure {
  const code = wire.userID === self ? ErrorCode.INVALID_ARGUMENT : ErrorCode.USER_NOT_FOUND;
  return { userID: wire.userID, code, message: wire.message };
}

/** The status held of a user: what the app was last told, and the highest version heard. */
interface Held {
  statusType: number;
  customStatus: string;
  version: number;
}

/**
 * The latest status of each user this instance has heard of, by version. The server numbers every
 * change of a user's status, and a push and an answer may cross (pushes through different nodes
 * of a cluster, too): a status at or below the version held is older than what the app has.
 * Bounded: the users heard of longest ago are forgotten first.
 */
export class UserStatusVersions {
  private readonly held = new Map<string, Held>();

  constructor(private readonly capacity = 5000) {}

  /**
   * A pushed status. `'stale'`: at or below the version held, dropped; `'same'`: newer, but the
   * app holds that status already (the held version rises); `'news'`: newer and different (or the
   * first heard of the user): held, and the app is told.
   */
  take(status: WireUserStatus): 'stale' | 'same' | 'news' {
    if (typeof status.version !== 'number') return 'news';
    const known = this.held.get(status.userID);
    if (known !== undefined && status.version <= known.version) return 'stale';
    this.keep(status);
    const same = known !== undefined && known.statusType === status.statusType && known.customStatus === status.customStatus;
    return same ? 'same' : 'news';
  }

  /**
   * A status an answer gave: held when newer than what is held. Returns the newest known, which
   * is what the app should show (the answer itself, unless a newer push came first).
   */
  note(status: WireUserStatus): WireUserStatus {
    const known = this.held.get(status.userID);
    if (typeof status.version !== 'number') return status;
    if (known !== undefined && status.version <= known.version) return { userID: status.userID, ...known };
    this.keep(status);
    return status;
  }

  /** The status held of a user, if any. */
  get(userID: string): WireUserStatus | undefined {
    const known = this.held.get(userID);
    return known === undefined ? undefined : { userID, ...known };
  }

  clear(): void {
    this.held.clear();
  }

  private keep(status: WireUserStatus): void {
    this.held.delete(status.userID);
    this.held.set(status.userID, {
      statusType: status.statusType,
      customStatus: typeof status.customStatus === 'string' ? status.customStatus : '',
      version: status.version,
    });
    if (this.held.size > this.capacity) this.held.delete(this.held.keys().next().value!);
  }
}

/** The user's own status as getUserStatus answers it without a request, as Tencent's: online. */
export function ownStatus(userID: string, customStatus: string): UserStatus {
  return { userID, statusType: TYPES.USER_STATUS_ONLINE, customStatus };
}
