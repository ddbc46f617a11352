/**
 * Searching the user's messages (Tencent's `searchCloudMessages`, which the server answers): the
 * words typed at the top of the list, the conversations with matches, the matches of one of them,
 * and opening a match in its conversation. Everything here writes `state.search`; views/Search.tsx
 * renders it. Also the pure pieces the results are drawn with: a message's text as searched, the
 * part of it around the first match, the words marked in it.
 */
import TencentCloudChat, { ErrorCode, type Message, type SearchCloudMessagesResultItem } from '@natter/sdk';
import { currentChat } from './client.ts';
import { toast } from './feedback.ts';
import { describeError, errorCode, messageText, senderName } from './format.ts';
import { state, type Search } from './state.ts';

const { TYPES } = TencentCloudChat;

/** How long typing pauses before the words are searched for (Enter searches at once). */
const SEARCH_DELAY_MS = 300;

/** Conversations a page of results holds, and matches a page of one conversation's. */
const PAGE_SIZE = 20;

/** The words one search takes (Tencent's limit, and the server's). */
const MAX_WORDS = 5;

/**
 * The words of what was typed: split at spaces, the first five different ones. All of them must be
 * in a message (`'and'`), as people expect of "pizza friday"; Tencent's sample searches with any.
 */
export function searchWords(text: string): string[] {
  return [...new Set(text.split(/\s+/).filter(Boolean))].slice(0, MAX_WORDS);
}

/** Bumped by every new search and by closing: the answers of an earlier one are dropped. */
let generation = 0;
/** The words the current generation asked for (`words` of `state.search` once they are answered). */
let asked = '';
let timer: ReturnType<typeof setTimeout> | undefined;

/**
 * The field's text changed: the search follows once typing pauses. Emptied, the search closes and
 * the list is back.
 */
export function typeSearch(text: string): void {
  if (text.trim() === '') {
    closeSearch();
    return;
  }
  const s = state.search.value;
  if (!s) asked = ''; // a new search (after closing one, or signing out and in again)
  state.search.value = s
    ? { ...s, text }
    : { text, words: [], results: null, total: 0, cursor: '', loading: false, failed: false, matches: null };
  clearTimeout(timer);
  timer = setTimeout(() => void runSearch(false), SEARCH_DELAY_MS);
}

/** Enter in the field: searches now; the same words again look again (new messages may match). */
export function submitSearch(): void {
  clearTimeout(timer);
  void runSearch(true);
}

/** Escape or the clear button: no search, the tabs and the list are back. */
export function closeSearch(): void {
  generation++;
  asked = '';
  clearTimeout(timer);
  state.search.value = null;
}

/** The search an answer was meant for is still the one shown (not closed, replaced, signed out of). */
function live(gen: number): boolean {
  return gen === generation && state.search.value !== null;
}

/** Applies a change to the search, if it is still the one the change was meant for. */
function update(gen: number, change: (s: Search) => Search): void {
  if (live(gen)) state.search.value = change(state.search.value!);
}

/**
 * Searches every conversation for the words typed. The results shown stay until the new ones come,
 * so the list does not flash empty at every pause in typing. Typing that leaves the words as they
 * were (a space) asks nothing again, unless that search failed; Enter (`again`) does, unless it is
 * still on its way.
 */
async function runSearch(again: boolean): Promise<void> {
  const s = state.search.value;
  const sdk = currentChat();
  if (!s || !sdk) return;
  const words = searchWords(s.text);
  const same = words.join(' ') === asked;
  if (words.length === 0 || (same && (again ? s.loading : !s.failed))) return;
  asked = words.join(' ');
  const gen = ++generation;
  update(gen, (x) => ({ ...x, loading: true, failed: false }));
  try {
    const { data } = await sdk.searchCloudMessages({ keywordList: words, keywordListMatchType: 'and', count: PAGE_SIZE });
    update(gen, (x) => ({
      ...x,
      words,
      results: data.searchResultList,
      total: data.totalCount,
      cursor: data.cursor,
      loading: false,
      matches: null,
    }));
  } catch (err) {
    update(gen, (x) => ({ ...x, loading: false, failed: true }));
    if (live(gen)) toast(searchFailure(err), 'error');
  }
}

/** *More* under the results: the next page of conversations. */
export async function moreResults(): Promise<void> {
  const s = state.search.value;
  const sdk = currentChat();
  if (!s || !sdk || !s.cursor || s.loading) return;
  const gen = generation;
  update(gen, (x) => ({ ...x, loading: true }));
  try {
    const { data } = await sdk.searchCloudMessages({
      keywordList: s.words,
      keywordListMatchType: 'and',
      cursor: s.cursor,
      count: PAGE_SIZE,
    });
    // A match made between two pages can bring a conversation of the page before again: it moves.
    const repeated = new Set(data.searchResultList.map((r) => r.conversationID));
    update(gen, (x) => ({
      ...x,
      results: [...(x.results ?? []).filter((r) => !repeated.has(r.conversationID)), ...data.searchResultList],
      cursor: data.cursor,
      loading: false,
    }));
  } catch (err) {
    update(gen, (x) => ({ ...x, loading: false }));
    if (live(gen)) toast(searchFailure(err), 'error');
  }
}

/** Bumped by showing a conversation's matches and by going back: the pages of an earlier showing are dropped. */
let showings = 0;

/** A conversation with several matches, chosen: its matches, newest first. */
export function showMatches(result: SearchCloudMessagesResultItem): void {
  const s = state.search.value;
  if (!s) return;
  showings++;
  state.search.value = {
    ...s,
    matches: { id: result.conversationID, count: result.messageCount, messages: null, cursor: '', loading: false },
  };
  void moreMatches();
}

/** The (next) page of the chosen conversation's matches. */
export async function moreMatches(): Promise<void> {
  const s = state.search.value;
  const sdk = currentChat();
  const m = s?.matches;
  if (!s || !sdk || !m || m.loading || (m.messages !== null && !m.cursor)) return;
  const gen = generation;
  const showing = showings;
  const same = (x: Search) => x.matches !== null && showing === showings;
  update(gen, (x) => (same(x) ? { ...x, matches: { ...x.matches!, loading: true } } : x));
  try {
    const { data } = await sdk.searchCloudMessages({
      keywordList: s.words,
      keywordListMatchType: 'and',
      conversationID: m.id,
      cursor: m.cursor,
      count: PAGE_SIZE,
    });
    const page = data.searchResultList[0]?.messageList ?? [];
    update(gen, (x) => {
      if (!same(x)) return x;
      const messages = [...(x.matches!.messages ?? []), ...page];
      return { ...x, matches: { ...x.matches!, messages, cursor: data.cursor, loading: false } };
    });
  } catch (err) {
    update(gen, (x) => (same(x) ? { ...x, matches: { ...x.matches!, loading: false } } : x));
    if (live(gen)) toast(searchFailure(err), 'error');
  }
}

/** Back from one conversation's matches to all the results. */
export function hideMatches(): void {
  const s = state.search.value;
  if (!s?.matches) return;
  showings++;
  state.search.value = { ...s, matches: null };
}

function searchFailure(err: unknown): string {
  if (errorCode(err) === ErrorCode.SEARCH_UNAVAILABLE) return 'This server cannot search messages.';
  return `Could not search: ${describeError(err)}`;
}

// ------------------------------------------------------------------ how results read

/**
 * A message's text as it was searched: as the history shows it, and a file by its name too (the
 * server searches file names).
 */
export function matchText(m: Message): string {
  const text = messageText(m);
  return m.type === TYPES.MSG_FILE && m.payload?.fileName ? `${text} ${m.payload.fileName}` : text;
}

/** Who wrote a match: *You*, or the sender by the nick PROFILE_UPDATED told, else the message's. */
export function matchSender(m: Message, me: string | undefined): string {
  if (m.from === me) return 'You';
  return senderName(m.from, state.nicks.value.get(m.from) ?? m.nick);
}

/**
 * "3 messages" (the server counts at most 1,000 a conversation, so 1,000 means at least that).
 */
export function countWords(n: number): string {
  if (n >= 1000) return '1,000+ messages';
  return `${n} message${n === 1 ? '' : 's'}`;
}

/**
 * Each letter in lower case, as the server folds case (in every script that has it), except the
 * few whose lower case is longer (`İ`): the marks are placed by position, so lengths stay the same.
 */
function fold(text: string): string {
  return Array.from(text, (c) => {
    const lower = c.toLowerCase();
    return lower.length === c.length ? lower : c;
  }).join('');
}

/** Where the words are in `text`: sorted, overlapping ones joined, as [start, end) pairs. */
function matchRanges(text: string, words: readonly string[]): [number, number][] {
  const folded = fold(text);
  const ranges: [number, number][] = [];
  for (const word of words.map(fold)) {
    for (let at = folded.indexOf(word); word && at !== -1; at = folded.indexOf(word, at + word.length)) {
      ranges.push([at, at + word.length]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const joined: [number, number][] = [];
  for (const r of ranges) {
    const last = joined.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else joined.push([...r]);
  }
  return joined;
}

/** How much of the text before the first match a result keeps (about). */
const LEAD = 24;

/**
 * The text on one line, from a little before the first match: a match deep in a long message
 * still shows in a result's line.
 */
export function snippet(text: string, words: readonly string[]): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const first = matchRanges(line, words)[0]?.[0] ?? 0;
  if (first <= LEAD + 8) return line;
  const space = line.indexOf(' ', first - LEAD);
  return `…${line.slice(space !== -1 && space < first ? space + 1 : first - LEAD)}`;
}

/** The text in parts, the words found in it marked (`match`), for `<mark>`. */
export function markWords(text: string, words: readonly string[]): { text: string; match: boolean }[] {
  const parts: { text: string; match: boolean }[] = [];
  let at = 0;
  for (const [start, end] of matchRanges(text, words)) {
    if (start > at) parts.push({ text: text.slice(at, start), match: false });
    parts.push({ text: text.slice(start, end), match: true });
    at = end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), match: false });
  return parts;
}
