/**
 * Message search, as Tencent's `searchCloudMessages` (its cloud search plugin): the checks its SDK
 * makes before any request, its `timePosition` and `timePeriod` (seconds) turned into the server's
 * times, and the server's answer shaped as Tencent's.
 *
 * The server searches (`POST /v1/messages/search`): the words in the text each message type keeps
 * (a text's text, a custom message's data, description and extension, a file's name, a location's
 * description, a chat record's title and abstracts), in either case, among the messages the
 * user can read (never recalled ones, ones deleted for the user, cleared history or messages from
 * before they joined a group). Without a conversation it answers the conversations with matches,
 * the newest match first, a page at a time; with one, that conversation's matches, newest first.
 */
import { TYPES } from './constants.js';
import { ErrorCode, NatterError, invalidArgument } from './errors.js';
import type { Message, SearchCloudMessagesOptions, SearchCloudMessagesResultItem } from './types.js';
import type { WireMessage, WireSearchMessagesRequest, WireSearchResult } from './wire.js';

const CALL = 'searchCloudMessages';

/** Words one search takes, as Tencent's. */
export const MAX_SEARCH_KEYWORDS = 5;

/** The bytes (UTF-8) of one word, as the server takes them. */
export const MAX_SEARCH_KEYWORD_BYTES = 100;

/** Senders one search takes, as Tencent's. */
export const MAX_SEARCH_SENDERS = 5;

/** The most a page holds (`count`): conversations searching all, messages searching one. */
export const MAX_SEARCH_PAGE = 100;

/**
 * The types Tencent's SDK lets a search name (`messageTypeList`); faces, group tips and group
 * system notices are not searched, and naming them is refused.
 */
export const SEARCHABLE_MESSAGE_TYPES: ReadonlySet<unknown> = new Set([
  TYPES.MSG_TEXT,
  TYPES.MSG_IMAGE,
  TYPES.MSG_AUDIO,
  TYPES.MSG_FILE,
  TYPES.MSG_VIDEO,
  TYPES.MSG_LOCATION,
  TYPES.MSG_CUSTOM,
  TYPES.MSG_MERGER,
]);

const encoder = new TextEncoder();

/**
 * The request for searchCloudMessages' options, refused with 40001 where Tencent's SDK refuses
 * them before asking (its "Params validate failed"): options that are no object; a `keywordList`,
 * `senderUserIDList` or `messageTypeList` that is no array, holds more than 5 (lists) or anything
 * but non-empty strings (a word over 100 bytes too, the server's limit), or names a type Tencent
 * does not search; no word when neither senders nor types are given; a `keywordListMatchType`
 * other than `'or'` and `'and'`; a `timePosition` or `timePeriod` that is no number of seconds
 * (0 or more); a `count` outside 1–100 (Tencent's SDK reads it as `parseInt` does; 0 is the
 * default, as there); a `cursor` or `conversationID` that is no string. A malformed conversation
 * ID is the server's to refuse (40002).
 *
 * The times, as Tencent's SDK turns them into its server's: the end is `timePosition` when it is
 * above 0; a `timePeriod` above 0 starts the search that long before it (before now, `nowSeconds`,
 * without one), never before the epoch. The server's bounds are inclusive and in milliseconds, so
 * the end is the last millisecond of that second (`timePosition * 1000 + 999`), the start the
 * first of its (`start * 1000`): whole seconds, as Tencent's server compares them.
 */
export function searchRequest(options: SearchCloudMessagesOptions, nowSeconds: number): WireSearchMessagesRequest {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidArgument(`${CALL}: options { keywordList, senderUserIDList?, messageTypeList?, conversationID?, … } required`);
  }
  const keywordList = checkKeywordList(options.keywordList, CALL);
  const senderUserIDList = stringList(options.senderUserIDList, 'senderUserIDList', MAX_SEARCH_SENDERS, CALL);
  const messageTypeList = stringList(options.messageTypeList, 'messageTypeList', Infinity, CALL);
  const unsearchable = messageTypeList.find((t) => !SEARCHABLE_MESSAGE_TYPES.has(t));
  if (unsearchable !== undefined) {
    throw invalidArgument(
      `${CALL}: messageTypeList: "${unsearchable}" cannot be searched; TYPES.MSG_TEXT, MSG_IMAGE, MSG_AUDIO, MSG_FILE, MSG_VIDEO, MSG_LOCATION, MSG_CUSTOM or MSG_MERGER`,
    );
  }
  if (keywordList.length === 0 && senderUserIDList.length === 0 && messageTypeList.length === 0) {
    throw invalidArgument(`${CALL}: keywordList: 1 to ${MAX_SEARCH_KEYWORDS} words, unless senderUserIDList or messageTypeList is given`);
  }

  const matchType = checkMatchType(options.keywordListMatchType, CALL);
  const conversationID: unknown = options.conversationID ?? '';
  if (typeof conversationID !== 'string') {
    throw invalidArgument(`${CALL}: conversationID: a conversation ID such as "C2Cbob" or "GROUPteam"; leave it out for all`);
  }
  const cursor: unknown = options.cursor ?? '';
  if (typeof cursor !== 'string') throw invalidArgument(`${CALL}: cursor: the cursor of the page before`);
  const position = seconds(options.timePosition, 'timePosition');
  const period = seconds(options.timePeriod, 'timePeriod');
  const count = pageSize(options.count);

  const body: WireSearchMessagesRequest = {};
  if (keywordList.length > 0) body.keywordList = keywordList;
  if (matchType !== '') body.keywordListMatchType = matchType;
  if (senderUserIDList.length > 0) body.senderUserIDList = senderUserIDList;
  if (messageTypeList.length > 0) body.messageTypeList = messageTypeList;
  if (conversationID !== '') body.conversationID = conversationID;
  if (period > 0) {
    const start = Math.floor((position > 0 ? position : nowSeconds) - period);
    if (start > 0) body.fromTime = start * 1000;
  }
  if (position > 0) body.toTime = Math.floor(position) * 1000 + 999;
  if (cursor !== '') body.cursor = cursor;
  if (count !== undefined) body.count = count;
  return body;
}

/**
 * A search's `keywordList`: none (`[]`), or at most 5 non-empty words of at most 100 bytes each
 * (the server's limit), as every cloud search takes them.
 */
export function checkKeywordList(value: unknown, call: string): string[] {
  const words = stringList(value, 'keywordList', MAX_SEARCH_KEYWORDS, call);
  for (const [i, word] of words.entries()) {
    if (encoder.encode(word).length > MAX_SEARCH_KEYWORD_BYTES) {
      throw invalidArgument(`${call}: keywordList[${i}]: 1 to ${MAX_SEARCH_KEYWORD_BYTES} bytes`);
    }
  }
  return words;
}

/** A search's `keywordListMatchType`: `'or'` or `'and'`, or `''` when left out (the server's `or`). */
export function checkMatchType(value: unknown, call: string): '' | 'or' | 'and' {
  const matchType: unknown = value ?? '';
  if (matchType !== '' && matchType !== 'or' && matchType !== 'and') {
    throw invalidArgument(`${call}: keywordListMatchType: 'or' or 'and'`);
  }
  return matchType;
}

/** A list option: none (`[]`), or an array of at most `max` non-empty strings. */
export function stringList(value: unknown, name: string, max: number, call: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
    throw invalidArgument(`${call}: ${name}: an array of non-empty strings`);
  }
  if (value.length > max) throw invalidArgument(`${call}: ${name}: ${value.length} given; at most ${max}`);
  return [...(value as string[])];
}

/** timePosition or timePeriod: seconds, 0 or more (0 when left out). */
function seconds(value: unknown, name: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalidArgument(`${CALL}: ${name}: seconds, 0 or more`);
  }
  return value;
}

/** `count` as Tencent's SDK reads it (`parseInt`, 0 the default), then 1–100. */
function pageSize(value: unknown): number | undefined {
  if (value === undefined || value === null || value === 0 || value === '') return undefined;
  const n = typeof value === 'number' ? Math.trunc(value) : typeof value === 'string' ? parseInt(value, 10) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_SEARCH_PAGE) {
    throw invalidArgument(`${CALL}: count: 1 to ${MAX_SEARCH_PAGE}`);
  }
  return n;
}

/**
 * The server's `searchResultList` as Tencent's SDK hands it out. Searching all conversations, a
 * conversation's messages are given only when it has a single match (`messageList` `[]` and the
 * number of matches otherwise, as Tencent's, should the server give more). Where messages are
 * given, `messageCount` is their number, as Tencent's sets it. The messages keep the server's
 * order, newest first, in groups too: Tencent's SDK turns a group's messages around once when it
 * converts them and once more after, handing out its server's order in every conversation.
 */
export function searchResultList(
  results: readonly WireSearchResult[],
  allConversations: boolean,
  toMessages: (wires: WireMessage[]) => Message[],
): SearchCloudMessagesResultItem[] {
  return results.map((r) => {
    const item: SearchCloudMessagesResultItem = {
      conversationID: r.conversationID,
      messageCount: r.messageCount,
      messageList: [],
    };
    if (allConversations && r.messageCount > 1) return item;
    const wires = (Array.isArray(r.messageList) ? r.messageList : []).filter((w) => typeof w === 'object' && w !== null);
    if (wires.length > 0) {
      item.messageList = toMessages(wires);
      item.messageCount = item.messageList.length;
    }
    return item;
  });
}

/**
 * A failed search as the app gets it: a server without message search (older than `POST
 * /v1/messages/search`: 404) is Tencent's 60020, its server's "search is not enabled"
 * (`ErrorCode.SEARCH_UNAVAILABLE`, the server's `error` and `status` kept); anything else as it is.
 */
export function searchError(err: unknown): unknown {
  return unavailableSearch(err, CALL, 'message search', '/v1/messages/search');
}

/**
 * A failed cloud search (`call`, `what` it searches, over `POST <path>`) as the app gets it: a 404,
 * which the search paths answer only on a server older than them, is Tencent's 60020; anything
 * else as it is.
 */
export function unavailableSearch(err: unknown, call: string, what: string, path: string): unknown {
  if (!(err instanceof NatterError) || err.status !== 404) return err;
  return new NatterError({
    code: ErrorCode.SEARCH_UNAVAILABLE,
    error: err.error,
    message: `${call}: this server has no ${what} (POST ${path}): ${err.message}`,
    status: err.status,
    cause: err,
  });
}
