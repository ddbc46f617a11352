/**
 * Message search (search.ts): the field at the top of the sidebar (Ctrl+K or ⌘K from anywhere),
 * and, while it has text, the results in place of the tabs and the list. A conversation with one
 * match shows it (sender, the words marked, time) and opens at it; one with several says how many
 * and lists them, a page at a time, each opening its conversation at it. ↓ from the field reaches
 * the results, ↑ ↓ Home End move among them; Escape goes back from a conversation's matches to all
 * the results, and from those (as the ✕ button does) closes the search.
 */
import type { ConversationID, Message, SearchCloudMessagesResultItem } from '@natter/sdk';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { dateOf, displayName, isGroup, listTime } from '../format.ts';
import {
  closeSearch,
  countWords,
  hideMatches,
  markWords,
  matchSender,
  matchText,
  moreMatches,
  moreResults,
  showMatches,
  snippet,
  submitSearch,
  typeSearch,
} from '../search.ts';
import { findConversation, state, type Search, type SearchMatches } from '../state.ts';
import { openConversation } from '../thread.ts';
import { Avatar, Icon } from './common.tsx';

const FIELD = 'search-input';

/** The focus on the field, its text selected (to type a new search over it). */
function focusField(): void {
  const field = document.getElementById(FIELD) as HTMLInputElement | null;
  field?.focus();
  field?.select();
}

/**
 * The focus back on the search result of a conversation, else on the field: leaving a conversation
 * opened from the results. After the next render, which shows the sidebar again at phone width.
 */
export function focusSearchResult(id: ConversationID | null): void {
  requestAnimationFrame(() => {
    const row = id && document.querySelector<HTMLElement>(`#search-results .search-hit[data-id="${CSS.escape(id)}"]`);
    if (row) row.focus();
    else document.getElementById(FIELD)?.focus();
  });
}

/** Escape: out of a conversation's matches, else out of the search; the focus to what shows then. */
function escape(): void {
  const matches = state.search.peek()?.matches;
  if (matches) {
    hideMatches();
    focusSearchResult(matches.id);
  } else {
    closeSearch();
    focusField();
  }
}

export function SearchField() {
  const s = state.search.value;

  // Ctrl+K (⌘K) searches from anywhere, as in other chat apps.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key.toLowerCase() !== 'k' || !(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      if (state.dialog.peek()) return;
      event.preventDefault();
      focusField();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  return (
    <form
      class="search"
      id="search"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        submitSearch();
      }}
    >
      <Icon name="search" class="search-icon" />
      <input
        type="search"
        id={FIELD}
        class="search-input"
        placeholder="Search messages"
        aria-label="Search messages"
        title="Search messages (Ctrl+K)"
        aria-keyshortcuts="Control+K Meta+K"
        aria-controls={s ? 'search-results' : undefined}
        autocomplete="off"
        spellcheck={false}
        maxLength={500}
        value={s?.text ?? ''}
        onInput={(event) => typeSearch(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && state.search.peek()) {
            event.preventDefault();
            escape();
          } else if (event.key === 'ArrowDown') {
            const first = document.querySelector<HTMLElement>('#search-results button');
            if (first) {
              event.preventDefault();
              first.focus();
            }
          }
        }}
      />
      {s && (
        <button
          type="button"
          class="icon-btn search-clear"
          id="search-clear"
          aria-label="Clear search"
          title="Clear search (Escape)"
          onClick={() => {
            closeSearch();
            focusField();
          }}
        >
          ✕
        </button>
      )}
    </form>
  );
}

/** ↑ ↓ Home End among the results' buttons (↑ from the first goes back to the field); Escape. */
function onResultsKey(event: KeyboardEvent): void {
  if (event.key === 'Escape') {
    event.preventDefault();
    escape();
    return;
  }
  const buttons = [...(event.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('button')];
  const at = buttons.indexOf(event.target as HTMLElement);
  const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1 }[event.key];
  if (at === -1 || to === undefined) return;
  event.preventDefault();
  if (to < 0) focusField();
  else buttons[Math.min(to, buttons.length - 1)].focus();
}

export function SearchResults({ s }: { s: Search }) {
  return (
    <section
      class="search-results"
      id="search-results"
      aria-label="Search results"
      aria-busy={s.loading || s.matches?.loading ? 'true' : undefined}
      onKeyDown={onResultsKey}
    >
      {s.matches ? <Matches s={s} m={s.matches} /> : <Conversations s={s} />}
    </section>
  );
}

/** What the results say above them (a live region: screen readers hear each new answer). */
function statusText(s: Search): string {
  if (s.results === null) return s.failed ? 'The search failed. Press Enter to try again.' : 'Searching…';
  if (s.results.length === 0) return `No messages found for “${s.words.join(' ')}”.`;
  return `${countWords(s.total)} found`;
}

function Conversations({ s }: { s: Search }) {
  return (
    <>
      <p class="search-status" id="search-status" role="status">
        {statusText(s)}
      </p>
      {s.results && s.results.length > 0 && (
        <ul class="search-list" id="search-list">
          {s.results.map((r) => (
            <ResultRow key={r.conversationID} r={r} words={s.words} />
          ))}
        </ul>
      )}
      {s.cursor && (
        <MoreButton loading={s.loading} label="More conversations" onClick={() => void moreResults()} />
      )}
    </>
  );
}

function MoreButton({ loading, label, onClick }: { loading: boolean; label: string; onClick: () => void }) {
  return (
    <button type="button" class="btn btn-small search-more" id="search-more" aria-label={label} disabled={loading} onClick={onClick}>
      {loading ? 'Loading…' : 'More'}
    </button>
  );
}

/** The words marked in a match's text (from a little before the first). */
function Marked({ text, words }: { text: string; words: readonly string[] }) {
  return (
    <>
      {markWords(snippet(text, words), words).map((part, i) => (part.match ? <mark key={i}>{part.text}</mark> : part.text))}
    </>
  );
}

/** A conversation of the results, as the list shows it: its one match, or how many it has. */
function ResultRow({ r, words }: { r: SearchCloudMessagesResultItem; words: string[] }) {
  const id = r.conversationID;
  const name = displayName(id, findConversation(id));
  const single: Message | undefined = r.messageCount === 1 ? r.messageList[0] : undefined;
  const me = state.session.value?.uid;
  const active = state.activeID.value === id;
  const sender = single ? matchSender(single, me) : '';
  const text = single ? snippet(matchText(single), words) : '';
  const label = single ? `${name}, ${sender}: ${text}, ${listTime(single.time)}` : `${name}, ${countWords(r.messageCount)}`;
  return (
    <li class={`conv search-item${active ? ' conv-active' : ''}`} data-id={id}>
      <button
        type="button"
        class="conv-main search-hit"
        data-id={id}
        aria-label={label}
        aria-current={active ? 'true' : undefined}
        onClick={() => (single ? openConversation(id, single) : showMatches(r))}
      >
        <Avatar name={name} group={isGroup(id)} />
        <span class="conv-text">
          <span class="conv-top">
            <span class="conv-name">{name}</span>
            {single && (
              <time class="conv-time" dateTime={dateOf(single.time).toISOString()}>
                {listTime(single.time)}
              </time>
            )}
          </span>
          <span class="conv-bottom">
            {single ? (
              <span class="conv-preview search-text">
                <span class="search-from">{sender}:</span> <Marked text={matchText(single)} words={words} />
              </span>
            ) : (
              <span class="conv-preview search-count">{countWords(r.messageCount)}</span>
            )}
          </span>
        </span>
      </button>
    </li>
  );
}

/** One conversation's matches, newest first, *More* for the next page; ← (or Escape) back. */
function Matches({ s, m }: { s: Search; m: SearchMatches }) {
  const back = useRef<HTMLButtonElement>(null);
  const name = displayName(m.id, findConversation(m.id));
  const me = state.session.value?.uid;

  // Chosen from the results, whose row is gone now: the focus goes to the way back.
  useLayoutEffect(() => {
    if (!document.activeElement || document.activeElement === document.body) back.current?.focus();
  }, []);

  return (
    <>
      <div class="search-head">
        <button
          ref={back}
          type="button"
          class="icon-btn"
          id="search-back"
          aria-label="Back to all results"
          title="Back to all results (Escape)"
          onClick={escape}
        >
          ←
        </button>
        <Avatar name={name} group={isGroup(m.id)} size="sm" />
        <h2 class="search-title" id="search-matches-title">
          {countWords(m.count)} in {name}
        </h2>
      </div>
      {m.messages === null ? (
        <p class="search-status" role="status">
          {m.loading ? 'Loading…' : 'Could not load them.'}
        </p>
      ) : (
        <ul class="search-list" id="search-matches" aria-labelledby="search-matches-title">
          {m.messages.map((message) => {
            const sender = matchSender(message, me);
            const time = listTime(message.time);
            return (
              <li key={message.ID} class="search-item" data-seq={message.sequence}>
                <button
                  type="button"
                  class="search-hit search-match"
                  data-id={m.id}
                  aria-label={`${sender}: ${snippet(matchText(message), s.words)}, ${time}`}
                  onClick={() => openConversation(m.id, message)}
                >
                  <span class="search-match-top">
                    <span class="search-from">{sender}</span>
                    <time class="conv-time" dateTime={dateOf(message.time).toISOString()}>
                      {time}
                    </time>
                  </span>
                  <span class="search-match-text">
                    <Marked text={matchText(message)} words={s.words} />
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {m.cursor && <MoreButton loading={m.loading} label="More messages" onClick={() => void moreMatches()} />}
    </>
  );
}
