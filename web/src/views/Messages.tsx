/**
 * The open conversation's history, newest at the bottom. Scrolling near the top loads the page
 * before; the view keeps its place when older messages arrive above, and follows new ones when it
 * was at the bottom (or when they are the user's own). Opened at a search result, it shows that
 * message in the middle, focused and marked for a moment; scrolling near the bottom then loads the
 * pages after it, until the newest, and *Jump to the latest* goes there at once.
 *
 * Each message has a menu (Add reaction…, Edit, Recall, Delete for me): right-click, its ⋯ button,
 * or from the keyboard ↑ ↓ Home End between messages (one roving tab stop) and Shift+F10 / the
 * context-menu key. Its smiley button, by the ⋯, opens the emoji to react with; the reactions
 * given show as chips under the message's content (views/Reactions.tsx). The user's messages that
 * asked for read receipts show them under their time: *Read*, *Unread*, *2 read* (views/Receipts.tsx).
 * A message pinned in its group has a pin by its time (views/Pins.tsx has the bar and the list).
 * Recalled messages show as a line saying who recalled them; changed ones (modifyMessage) say
 * "edited" by their time, and the one being edited in the composer is marked. Images, files and
 * videos show as themselves (views/Media.tsx), and as they upload. Group tips (a member joined,
 * left, renamed the group, …) are a muted line across the history, with no sender and no menu: the
 * server wrote them, nobody said them. A request to join a group the user owns, in System notices,
 * offers Approve and Decline while it waits.
 */
import type { Message } from '@natter/sdk';
import { useSignal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { clockTime, dateOf, isGroupTip, isJoinRequest, longDate, messageText, recalledLine, senderName } from '../format.ts';
import { answerJoinRequest, joinRequestStatus, type JoinRequestStatus } from '../joinRequests.ts';
import { serviceFor } from '../language.ts';
import { isMedia } from '../media.ts';
import { MENTION_WORDS, messageMention } from '../mentions.ts';
import { canDelete, canEdit, canRecall, openMessageMenu } from '../messages.ts';
import { canPin, canUnpin, pinnedEntry, pinnerName } from '../pins.ts';
import { canReact } from '../reactions.ts';
import { receiptInfo, receiptStatus } from '../receipts.ts';
import { groupNameOf, state, type Rendering, type Thread } from '../state.ts';
import { loadNewer, loadOlder, retry, showLatest } from '../thread.ts';
import { Avatar, Icon } from './common.tsx';
import { MediaContent } from './Media.tsx';
import { ReactionChips } from './Reactions.tsx';
import { ReceiptLabel } from './Receipts.tsx';

/**
 * How close to the top (px) loads the page before (and, after a jump, to the bottom the page
 * after), and to the bottom counts as "at the bottom".
 */
const NEAR_TOP = 150;
const NEAR_BOTTOM = 80;

interface Seen {
  token: number;
  loaded: boolean;
  first: string;
  last: string;
  height: number;
  top: number;
  atBottom: boolean;
  /** The history reached the newest messages: new ones at the end are news, not a page. */
  latest: boolean;
  /** The last jump to a found message that was scrolled to. */
  jump: number;
}

/** How far (px) the box is scrolled from its end. */
function fromBottom(el: HTMLElement): number {
  return el.scrollHeight - el.scrollTop - el.clientHeight;
}

export function Messages({ name, group }: { name: string; group: boolean }) {
  const t = state.thread.value;
  const box = useRef<HTMLDivElement>(null);
  const seen = useRef<Seen>({
    token: -1,
    loaded: false,
    first: '',
    last: '',
    height: 0,
    top: 0,
    atBottom: true,
    latest: true,
    jump: 0,
  });
  const me = state.session.value?.uid ?? '';

  const firstKey = t?.messages[0]?.ID ?? '';
  const lastItem = t?.outgoing.at(-1) ?? t?.messages.at(-1);
  const lastKey = t ? `${t.messages.at(-1)?.ID ?? ''}|${t.outgoing.length}` : '';

  // After each render, place the scroll: on a message a search result opened, in the middle of the
  // view and focused; at the bottom when the history first shows; where the reader was when older
  // messages came in above; at the bottom for new ones if the reader was there (not for a page of
  // newer ones after a jump). Then, if the history does not fill the view yet, ask for more.
  useLayoutEffect(() => {
    const el = box.current;
    if (!el || !t) return;
    const s = seen.current;
    const found =
      t.found && t.found.jump !== s.jump
        ? el.querySelector<HTMLElement>(`li[data-key="${CSS.escape(t.found.key)}"]`)
        : null;
    if (found) {
      const offset = found.getBoundingClientRect().top - el.getBoundingClientRect().top;
      el.scrollTop += offset - (el.clientHeight - found.offsetHeight) / 2;
      found.focus({ preventScroll: true });
    } else if (s.token !== t.token || (!s.loaded && t.loaded)) {
      el.scrollTop = el.scrollHeight;
    } else if (firstKey !== s.first && s.first !== '') {
      el.scrollTop = s.top + (el.scrollHeight - s.height);
    } else if (lastKey !== s.last && s.latest && t.latest && (s.atBottom || lastItem?.flow === 'out')) {
      el.scrollTop = el.scrollHeight;
    }
    seen.current = {
      token: t.token,
      loaded: t.loaded,
      first: firstKey,
      last: lastKey,
      height: el.scrollHeight,
      top: el.scrollTop,
      atBottom: fromBottom(el) < NEAR_BOTTOM,
      latest: t.latest,
      jump: found ? t.found!.jump : s.jump,
    };
    if (t.loaded && el.scrollHeight <= el.clientHeight + NEAR_TOP) {
      if (!t.complete) loadOlder();
      if (!t.latest) loadNewer();
    }
  });

  // An image or video whose size was not known (one being sent; a format the server does not
  // measure) grows the history as it loads: a reader at the bottom stays there.
  const onMediaLoad = () => {
    const el = box.current;
    if (el && seen.current.atBottom) el.scrollTop = el.scrollHeight;
  };

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    const s = seen.current;
    s.top = el.scrollTop;
    s.atBottom = fromBottom(el) < NEAR_BOTTOM;
    if (el.scrollTop < NEAR_TOP) loadOlder();
    if (fromBottom(el) < NEAR_TOP) loadNewer();
  };

  return (
    <div
      class="messages"
      id="messages"
      role="log"
      aria-label={`Messages with ${name}`}
      tabIndex={0}
      ref={box}
      onScroll={onScroll}
      onLoadCapture={onMediaLoad}
      onLoadedMetadataCapture={onMediaLoad}
    >
      <HistoryStatus t={t} />
      <ol class="msg-list" id="msg-list" onKeyDown={onListKey}>
        {t && bubbles(t, me, group, name)}
      </ol>
      {t?.loaded && !t.latest && !t.error && <NewerStatus loading={t.loadingNewer} />}
    </div>
  );
}

/** The rows that take part in keyboard movement, in order. */
function rows(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>('#msg-list li[data-key]')];
}

function onListKey(event: KeyboardEvent): void {
  const target = event.target as HTMLElement;
  const row = target.closest<HTMLElement>('li[data-key]');
  if (!row) return;
  const all = rows();
  const at = all.indexOf(row);
  const move = (to: number) => {
    event.preventDefault();
    const next = all[Math.max(0, Math.min(all.length - 1, to))];
    if (next) {
      state.messageFocus.value = next.dataset.key!;
      next.focus();
    }
  };
  switch (event.key) {
    case 'ArrowUp':
      return move(at - 1);
    case 'ArrowDown':
      return move(at + 1);
    case 'Home':
      return move(0);
    case 'End':
      return move(all.length - 1);
    case 'ContextMenu':
    case 'F10': {
      if (event.key === 'F10' && !event.shiftKey) return;
      const more = row.querySelector<HTMLElement>('.msg-more');
      if (!more) return;
      event.preventDefault();
      openMessageMenu(row.dataset.key!, { element: more }, row);
      return;
    }
    default:
      return;
  }
}

function HistoryStatus({ t }: { t: Thread | null }) {
  let text = 'Loading…';
  if (t?.error) text = t.error;
  else if (t?.loaded && t.complete) {
    text = t.messages.length === 0 && t.outgoing.length === 0 ? 'No messages yet. Say hello!' : 'Beginning of the conversation';
  } else if (t?.loaded) text = t.loadingOlder ? 'Loading earlier messages…' : 'Scroll up for earlier messages';
  return (
    <p class={`history-status${t?.error ? ' history-error' : ''}`} id="history-status">
      {text}
    </p>
  );
}

/**
 * Under a history opened at an older message, in view while newer messages are not loaded: they
 * load as the reader scrolls down, or *Jump to the latest* loads the end at once (the button goes
 * with it: the focus goes to the history).
 */
function NewerStatus({ loading }: { loading: boolean }) {
  return (
    <p class="history-status history-newer" id="history-newer">
      <span class="history-newer-pill">
        <span>{loading ? 'Loading newer messages…' : 'Scroll down for newer messages'}</span>
        <button
          type="button"
          class="btn btn-small"
          id="show-latest"
          onClick={() => {
            showLatest();
            document.getElementById('messages')?.focus();
          }}
        >
          Jump to the latest
        </button>
      </span>
    </p>
  );
}

/**
 * Day separators, then one bubble per message; group bubbles name the sender when it changes. The
 * user's messages that asked for read receipts say how far they were read (views/Receipts.tsx);
 * the others, one-to-one, *Read* once the peer read the conversation that far.
 */
function bubbles(t: Thread, me: string, group: boolean, name: string): ComponentChildren[] {
  const nodes: ComponentChildren[] = [];
  const nicks = state.nicks.value;
  const nameOf = (uid: string, nick = '') => senderName(uid, nicks.get(uid) ?? nick);
  // Whom a group tip names: by the nicks PROFILE_UPDATED told, else those their messages here carry.
  const senderNicks = new Map(t.messages.filter((m) => !isGroupTip(m)).map((m) => [m.from, m.nick]));
  const nickOf = (uid: string) => nicks.get(uid) ?? senderNicks.get(uid);
  // One roving tab stop among the messages: the one last focused, else the newest.
  const keys = [...t.messages, ...t.outgoing].map((m) => m.ID);
  const wanted = state.messageFocus.value;
  const stop = wanted && keys.includes(wanted) ? wanted : keys.at(-1);
  let lastDay = '';
  let lastFrom = '';
  const add = (m: Message, key: string, extra: Record<string, unknown>, status = '') => {
    const day = dateOf(m.time).toDateString();
    if (day !== lastDay) {
      nodes.push(
        <li key={`day-${day}`} class="day" role="separator">
          {longDate(m.time)}
        </li>,
      );
      lastDay = day;
      lastFrom = '';
    }
    const mine = m.from === me;
    const from = nameOf(m.from, m.nick);
    const tip = isGroupTip(m);
    const hasMenu =
      !tip && (canReact(m) || canEdit(m) || serviceFor(m) !== null || canRecall(m) || canDelete(m) || canPin(m) || canUnpin(m));
    const rowProps = {
      'data-key': m.ID,
      tabIndex: m.ID === stop ? 0 : -1,
      onFocus: (event: FocusEvent) => {
        if (event.target === event.currentTarget) state.messageFocus.value = m.ID;
      },
      onContextMenu: (event: MouseEvent) => {
        if (!hasMenu) return;
        event.preventDefault();
        openMessageMenu(m.ID, { x: event.clientX, y: event.clientY }, event.currentTarget as HTMLElement);
      },
    };
    const more = hasMenu && (
      <button
        type="button"
        class="msg-more"
        tabIndex={-1}
        aria-label="More actions for this message"
        aria-haspopup="menu"
        onClick={(event) => {
          const row = event.currentTarget.closest<HTMLElement>('li')!;
          openMessageMenu(m.ID, { element: event.currentTarget }, row);
        }}
      >
        ⋯
      </button>
    );
    const react = canReact(m) && (
      <button
        type="button"
        class="msg-react"
        tabIndex={-1}
        aria-label="Add reaction"
        title="Add reaction"
        aria-haspopup="menu"
        onClick={(event) => {
          const row = event.currentTarget.closest<HTMLElement>('li')!;
          openMessageMenu(m.ID, { element: event.currentTarget }, row, 'reactions');
        }}
      >
        <Icon name="smile" />
      </button>
    );
    if (m.isRevoked) {
      lastFrom = '';
      nodes.push(
        <li key={key} class="msg msg-recalled" {...extra} {...rowProps}>
          <span class="msg-recalled-text">{recalledLine(m, me, (uid) => nameOf(uid))}</span>
          {more}
        </li>,
      );
      return;
    }
    if (tip) {
      lastFrom = '';
      const text = messageText(m, nickOf);
      nodes.push(
        <li key={key} class="msg-tip" title={text} {...extra} {...rowProps}>
          {text}
        </li>,
      );
      return;
    }
    const showName = group && !mine && m.from !== lastFrom;
    lastFrom = m.from;
    // A message mentioning the user stands out (an accent edge), and its reading starts by saying so.
    const mention = messageMention(m, me);
    const editing = state.editing.value?.key === m.ID;
    const media = isMedia(m);
    const reactions = t.reactions.get(m.ID);
    const receipt = mine ? receiptStatus(m, receiptInfo(t, m), me, name) : null;
    const pinned = group ? pinnedEntry(t.id, m.ID) : undefined;
    const classes = [
      'msg',
      mine && 'msg-mine',
      media && 'msg-media',
      status && `msg-${status}`,
      mention && 'msg-mention',
      editing && 'msg-editing',
      t.found?.key === m.ID && 'msg-found',
    ];
    nodes.push(
      <li key={key} class={classes.filter(Boolean).join(' ')} data-mention={mention ?? undefined} {...extra} {...rowProps}>
        {!mine && group && (showName ? <Avatar name={from} size="sm" /> : <span class="avatar-spacer" />)}
        <div class="bubble">
          {showName && <span class="msg-from">{from}</span>}
          {mention && (
            <span class="msg-mention-label" aria-hidden="true">
              {mention === 'me' ? 'Mentions you' : 'Mentions everyone'}
            </span>
          )}
          <span class="visually-hidden">
            {mention && `${from} ${MENTION_WORDS[mention]}: `}
            {!mention && (mine ? 'You: ' : `${from}: `)}
          </span>
          {media ? (
            <MediaContent m={m} pending={status === 'pending'} />
          ) : (
            <span class="msg-text">{messageText(m, nickOf, groupNameOf)}</span>
          )}
          {state.renderings.value.has(m.ID) && <RenderingLine rendering={state.renderings.value.get(m.ID)!} />}
          {isJoinRequest(m) && <JoinRequestAnswer notice={m} history={t.messages} />}
          {reactions && <ReactionChips m={m} list={reactions} me={me} name={nameOf} />}
          <span class="msg-meta">
            {pinned && (
              <span class="msg-pinned" title={`Pinned by ${pinnerName(pinned.pinnerInfo, me)}`}>
                <Icon name="pin" />
                <span class="visually-hidden">pinned</span>
              </span>
            )}
            {editing && <span class="msg-editing-label">editing…</span>}
            {m.isModified && !editing && (
              <span class="msg-edited" title="This message was edited">
                edited
              </span>
            )}
            <time class="msg-time" dateTime={dateOf(m.time).toISOString()}>
              {clockTime(m.time)}
            </time>
          </span>
          {receipt ? <ReceiptLabel m={m} status={receipt} /> : mine && m.isPeerRead && <span class="msg-read">Read</span>}
        </div>
        {react}
        {more}
        {status === 'failed' && (
          <button type="button" class="btn btn-small msg-retry" onClick={() => void retry(m)}>
            Retry
          </button>
        )}
      </li>,
    );
  };
  for (const m of t.messages) add(m, `m-${m.ID}`, { 'data-seq': m.sequence });
  for (const o of t.outgoing) add(o, `o-${o.ID}`, {}, o.status === 'fail' ? 'failed' : 'pending');
  return nodes;
}

/** A message's translation or transcript (language.ts), or that one is on its way. */
function RenderingLine({ rendering }: { rendering: Rendering | null }) {
  if (rendering === null) return <span class="msg-rendering msg-rendering-pending">…</span>;
  return (
    <span class="msg-rendering" data-service={rendering.service}>
      <span class="msg-rendering-label">{rendering.service === 'translate' ? 'Translation' : 'Transcript'}</span>
      {rendering.text}
    </span>
  );
}

/** How a request to join reads once it no longer waits. */
const ANSWERED_WORDS: Record<Exclude<JoinRequestStatus, 'waiting'>, string> = {
  approved: 'Approved',
  declined: 'Declined',
  answered: 'Answered',
};

/** Approve and Decline on a request to join while it waits (once, without a second click); after, how it was answered. */
function JoinRequestAnswer({ notice, history }: { notice: Message; history: Message[] }) {
  const busy = useSignal(false);
  const status = joinRequestStatus(notice, history);
  if (status !== 'waiting') {
    return (
      <span class="join-request join-request-answered" data-join-status={status}>
        {ANSWERED_WORDS[status]}
      </span>
    );
  }
  const answer = (approve: boolean) => {
    busy.value = true;
    void answerJoinRequest(notice, approve).finally(() => (busy.value = false));
  };
  return (
    <span class="join-request" role="group" aria-label="Answer the request">
      <button type="button" class="btn btn-small btn-primary" data-join-answer="approve" disabled={busy.value} onClick={() => answer(true)}>
        Approve
      </button>
      <button type="button" class="btn btn-small" data-join-answer="decline" disabled={busy.value} onClick={() => answer(false)}>
        Decline
      </button>
    </span>
  );
}
