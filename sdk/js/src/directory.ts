/**
 * Searching users, groups and group members, as Tencent's `searchCloudUsers`,
 * `searchCloudGroups` and `searchCloudGroupMembers` (its cloud search plugin): the checks its SDK
 * makes before any request, and the server's answers as Tencent's objects.
 *
 * The server searches (`POST /v1/search/users`, `/groups`, `/group-members`): names that hold a
 * word (a user's nick, a group's name, a member's nick or name card in the group; letters match
 * in either case) or IDs equal to one. Any user finds any user, and any Public, ChatRoom
 * (meeting) or Community group; a Private (work) group only its members find; members only in the
 * user's own groups. AVChatRoom and dismissed groups are never found. A page at a time: the
 * `cursor` of a page is where the next starts.
 */
import { TYPES } from './constants.js';
import { invalidArgument } from './errors.js';
import { checkKeywordList, checkMatchType, stringList, unavailableSearch } from './search.js';
import type {
  SearchCloudGroupMembersOptions,
  SearchCloudGroupMembersResultItem,
  SearchCloudUsersOptions,
} from './types.js';
import type { WireDirectorySearch, WireGroupMembersFound } from './wire.js';

/** The three searches, each with what it searches and where the server has it. */
export const DIRECTORY_SEARCHES = {
  searchCloudUsers: { what: 'user search', path: '/v1/search/users' },
  searchCloudGroups: { what: 'group search', path: '/v1/search/groups' },
  searchCloudGroupMembers: { what: 'group member search', path: '/v1/search/group-members' },
} as const;

export type DirectorySearchCall = keyof typeof DIRECTORY_SEARCHES;

/** The most a page holds (`count`; the server's default is 20), as Tencent's. */
export const MAX_DIRECTORY_PAGE = 100;

/** The most groups one member search is narrowed to (`groupIDList`; the server's limit). */
export const MAX_SEARCH_GROUP_IDS = 100;

/**
 * The group types a search narrows to (`groupTypeList`), as Tencent's SDK checks them: work,
 * public, meeting and community groups. AVChatRoom groups are never searched, and naming them
 * is refused.
 */
const SEARCHABLE_GROUP_TYPES: ReadonlySet<unknown> = new Set([
  TYPES.GRP_WORK,
  TYPES.GRP_PUBLIC,
  TYPES.GRP_MEETING,
  TYPES.GRP_COMMUNITY,
]);

/** The genders a user search narrows to (`userGenderType`), as Tencent's typings name them. */
const SEARCHABLE_GENDERS: ReadonlySet<unknown> = new Set([TYPES.GENDER_FEMALE, TYPES.GENDER_MALE]);

/** A birthday bound of a user search: a whole number within uint32, as profiles keep them. */
function birthdayBound(value: unknown, field: string, call: string): number | undefined {
  if (value === undefined) return undefined;
  const bound = typeof value === 'number' ? Math.trunc(value) : NaN;
  if (!(bound >= 0 && bound <= 0xffff_ffff)) {
    throw invalidArgument(`${call}: ${field}: a birthday as users write it, 0 to 4294967295`);
  }
  return bound;
}

type AnySearchOptions = Partial<SearchCloudUsersOptions & SearchCloudGroupMembersOptions>;

/**
 * The request for a search's options, refused with 40001 where Tencent's SDK refuses them before
 * asking (its "Params validate failed"): options that are no object; no `keywordList`, or one
 * that is no array, holds more than 5 words or anything but non-empty strings (a word over 100
 * bytes too, the server's limit); a `keywordListMatchType` other than `'or'` and `'and'`; a
 * `count` that is no number from 1 to 100 (a fraction taken whole, as Tencent's `parseInt`); a
 * `cursor` that is no string; a `groupTypeList` naming another type than Tencent's four
 * (`GRP_WORK`, `GRP_PUBLIC`, `GRP_MEETING`, `GRP_COMMUNITY`); a `groupIDList` of anything but
 * group IDs, or of more than 100; a user search's `userGenderType` other than
 * `TYPES.GENDER_FEMALE` and `GENDER_MALE`, or a `miniBirthday` or `maxBirthday` that is no whole
 * number within uint32 (a fraction taken whole, as Tencent's `parseInt`). Options another
 * search takes (a user search's `groupTypeList`, a group search's `groupIDList`) are not sent, as
 * Tencent's server does not read them; `[]` lists are left out (no narrowing), as Tencent's.
 */
export function directoryRequest(call: DirectorySearchCall, options: unknown): WireDirectorySearch {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidArgument(`${call}: options { keywordList, keywordListMatchType?, count?, cursor?, … } required`);
  }
  const o = options as AnySearchOptions;
  const keywordList = checkKeywordList(o.keywordList, call);
  if (keywordList.length === 0) throw invalidArgument(`${call}: keywordList: 1 to 5 words to look for`);
  const body: WireDirectorySearch = { keywordList };
  const matchType = checkMatchType(o.keywordListMatchType, call);
  if (matchType !== '') body.keywordListMatchType = matchType;
  const count = pageSize(o.count, call);
  if (count !== undefined) body.count = count;
  const cursor: unknown = o.cursor ?? '';
  if (typeof cursor !== 'string') throw invalidArgument(`${call}: cursor: the cursor of the page before`);
  if (cursor !== '') body.cursor = cursor;

  if (call === 'searchCloudUsers') {
    if (o.userGenderType !== undefined) {
      if (!SEARCHABLE_GENDERS.has(o.userGenderType)) {
        throw invalidArgument(`${call}: userGenderType: TYPES.GENDER_FEMALE or TYPES.GENDER_MALE`);
      }
      body.userGenderType = o.userGenderType as NonNullable<WireDirectorySearch['userGenderType']>;
    }
    const miniBirthday = birthdayBound(o.miniBirthday, 'miniBirthday', call);
    const maxBirthday = birthdayBound(o.maxBirthday, 'maxBirthday', call);
    if (miniBirthday !== undefined) body.miniBirthday = miniBirthday;
    if (maxBirthday !== undefined) body.maxBirthday = maxBirthday;
  } else {
    const groupTypeList = stringList(o.groupTypeList, 'groupTypeList', Infinity, call);
    const unsearched = groupTypeList.find((type) => !SEARCHABLE_GROUP_TYPES.has(type));
    if (unsearched !== undefined) {
      throw invalidArgument(
        `${call}: groupTypeList: "${unsearched}" is not searched; TYPES.GRP_WORK, GRP_PUBLIC, GRP_MEETING or GRP_COMMUNITY`,
      );
    }
    // Tencent's type names are the server's.
    if (groupTypeList.length > 0) body.groupTypeList = groupTypeList;
  }
  if (call === 'searchCloudGroupMembers') {
    const groupIDList = stringList(o.groupIDList, 'groupIDList', MAX_SEARCH_GROUP_IDS, call);
    if (groupIDList.length > 0) body.groupIDList = groupIDList;
  }
  return body;
}

/**
 * `count` as Tencent's SDK checks it (a number from 1 to 100) and reads it (`parseInt`: a
 * fraction taken whole); left out, the server's 20.
 */
function pageSize(value: unknown, call: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !(value >= 1 && value <= MAX_DIRECTORY_PAGE)) {
    throw invalidArgument(`${call}: count: a number from 1 to ${MAX_DIRECTORY_PAGE}, not ${String(value)}`);
  }
  return Math.trunc(value);
}

/**
 * The server's groups of found members as Tencent's: `groupInfo` `{ groupID, name, type, avatar }`
 * and each member `{ userID, nick, nameCard, avatar }`, nothing else the server may add.
 */
export function toMembersFound(wire: WireGroupMembersFound): SearchCloudGroupMembersResultItem {
  const { groupID, name, type, avatar } = wire.groupInfo;
  return {
    groupInfo: { groupID, name, type, avatar },
    memberList: wire.memberList.map(({ userID, nick, nameCard, avatar }) => ({ userID, nick, nameCard, avatar })),
  };
}

/**
 * A failed search as the app gets it: a server without it (older than its path: 404) is
 * Tencent's 60020, its server's "search is not enabled"; anything else as it is.
 */
export function directorySearchError(call: DirectorySearchCall, err: unknown): unknown {
  const { what, path } = DIRECTORY_SEARCHES[call];
  return unavailableSearch(err, call, what, path);
}
