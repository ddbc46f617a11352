/**
 * The conversation list: one row per conversation, a roving tab stop (↑ ↓ Home End, → to the ⋯
 * button), Delete to delete, Shift+F10 or the context-menu key for the menu, Space to select.
 */
import type { Conversation } from '@natter/sdk';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { askDelete, openMenu, setSelecting, toggleSelected } from '../actions.ts';
import {
  displayName,
  draftPreview,
  flagWords,
  hasLastMessage,
  isGroup,
  isMuted,
  isStarred,
  listTime,
  preview,
  dateOf,
  SYSTEM_ID,
  targetOf,
} from '../format.ts';
import { conversationMention, MENTION_MARKER, MENTION_WORDS, type MentionKind } from '../mentions.ts';
import { isOnline, statusOf } from '../presence.ts';
import { focusRow, groupNameOf, rovingID, selectedIDs, state, visibleList } from '../state.ts';
import { openConversation } from '../thread.ts';
import { Avatar, Icon, PersonAvatar } from './common.tsx';

export function ConversationList() {
  const ul = useRef<HTMLUListElement>(null);
  const items = visibleList.value;
  const request = state.focusRequest.value;

  // A focus request (after a keyboard move, a delete, closing a menu) is met once the row exists.
  useLayoutEffect(() => {
    if (!request || !ul.current) return;
    const li = ul.current.querySelector<HTMLElement>(`li[data-id="${CSS.escape(request.id)}"]`);
    li?.querySelector<HTMLElement>(request.part === 'more' ? '.conv-more' : '.conv-main')?.focus();
    state.focusRequest.value = null;
  }, [request]);

  if (items.length === 0) {
    const folder = state.folder.value;
    const text =
      state.tab.value === 'archived'
        ? 'Nothing archived.'
        : folder
          ? `No conversations in “${folder}”.`
          : 'No conversations yet. Start one with ✎.';
    return (
      <>
        <ul class="conv-list" id="conv-list" aria-label="Conversation list" ref={ul} />
        <p class="list-empty" id="list-empty">
          {text}
        </p>
      </>
    );
  }

  const onKeyDown = (event: KeyboardEvent) => keyDown(event, items);
  return (
    <ul class="conv-list" id="conv-list" aria-label="Conversation list" ref={ul} onKeyDown={onKeyDown}>
      {items.map((c) => (
        <Row key={c.conversationID} c={c} />
      ))}
    </ul>
  );
}

function Row({ c }: { c: Conversation }) {
  const id = c.conversationID;
  const me = state.session.value?.uid;
  const name = displayName(id, c);
  const active = state.activeID.value === id;
  const selecting = state.selecting.value;
  const selected = selecting && state.selected.value.has(id);
  const tabIndex = rovingID.value === id ? 0 : -1;
  const menuOpen = state.menu.value?.id === id;
  const muted = isMuted(c);
  const last = hasLastMessage(c) ? c.lastMessage.lastTime : 0;
  const time = last ? listTime(last) : '';
  // The open conversation's draft is in its composer; the others show theirs instead of the preview.
  const draft = active ? '' : draftPreview(c);
  const text = preview(c, me, groupNameOf);
  const mention = conversationMention(c);
  // A one-to-one peer: the dot on the avatar while they are online, and the word in the label.
  const peer = !isGroup(id) && id !== SYSTEM_ID ? targetOf(id) : null;
  const label = [
    name,
    peer && isOnline(statusOf(peer)) ? 'online' : '',
    c.unreadCount > 0 ? `${c.unreadCount} unread` : '',
    mention ? MENTION_WORDS[mention] : '',
    ...flagWords(c),
    ...c.conversationGroupList.map((g) => `in folder ${g}`),
    draft ? `draft: ${draft}` : `last message: ${text}`,
    time,
  ]
    .filter(Boolean)
    .join(', ');
  const classes = ['conv', active && 'conv-active', c.isPinned && 'conv-pinned', selected && 'conv-selected'];

  return (
    <li
      class={classes.filter(Boolean).join(' ')}
      data-id={id}
      onContextMenu={(event) => {
        event.preventDefault();
        const main = (event.currentTarget as HTMLElement).querySelector<HTMLElement>('.conv-main')!;
        openMenu(id, { x: event.clientX, y: event.clientY }, main);
      }}
    >
      {selecting && (
        <input
          type="checkbox"
          class="conv-check"
          tabIndex={-1}
          checked={selected}
          aria-label={`Select ${name}`}
          onChange={(event) => {
            toggleSelected(id, event.currentTarget.checked);
            event.currentTarget.checked = state.selected.value.has(id); // a refused selection
          }}
        />
      )}
      <button
        type="button"
        class="conv-main"
        tabIndex={tabIndex}
        aria-label={label}
        aria-current={active ? 'true' : undefined}
        aria-pressed={selecting ? selected : undefined}
        onClick={() => {
          state.focusID.value = id;
          if (selecting) toggleSelected(id, !selected);
          else openConversation(id);
        }}
        onFocus={() => (state.focusID.value = id)}
      >
        {peer ? <PersonAvatar name={name} userID={peer} /> : <Avatar name={name} group={isGroup(id)} />}
        <span class="conv-text">
          <span class="conv-top">
            <span class="conv-name">{name}</span>
            <span class="conv-flags" aria-hidden="true">
              {c.isPinned && <Icon name="pin" class="flag flag-pin" />}
              {muted && <Icon name="muted" class="flag flag-muted" />}
              {isStarred(c) && (
                <span class="flag flag-star" title="Starred">
                  ★
                </span>
              )}
            </span>
            <time class="conv-time" dateTime={last ? dateOf(last).toISOString() : undefined}>
              {time}
            </time>
          </span>
          <span class="conv-bottom">
            {mention && <MentionMarker kind={mention} />}
            {draft ? (
              <span class="conv-preview conv-draft">
                <span class="conv-draft-label">Draft:</span> {draft}
              </span>
            ) : (
              <span class="conv-preview">{text}</span>
            )}
            {c.conversationGroupList.map((g) => (
              <span key={g} class="folder-tag">
                {g}
              </span>
            ))}
            {c.unreadCount > 0 && (
              <span class={`badge${muted ? ' badge-muted' : ''}`} data-unread={c.unreadCount}>
                {c.unreadCount > 99 ? '99+' : String(c.unreadCount)}
              </span>
            )}
          </span>
        </span>
      </button>
      <button
        type="button"
        class="conv-more"
        tabIndex={tabIndex}
        aria-label={`More actions for ${name}`}
        aria-haspopup="menu"
        aria-expanded={menuOpen ? true : undefined}
        onClick={(event) => openMenu(id, { element: event.currentTarget }, event.currentTarget)}
        onFocus={() => (state.focusID.value = id)}
      >
        ⋯
      </button>
    </li>
  );
}

/**
 * "[@me]" or "[@All]" before the preview while unread messages mention the user, as chat apps
 * mark them; the row's label says it in words.
 */
function MentionMarker({ kind }: { kind: MentionKind }) {
  return (
    <span class={`conv-at conv-at-${kind}`} aria-hidden="true">
      {MENTION_MARKER[kind]}
    </span>
  );
}

function keyDown(event: KeyboardEvent, items: Conversation[]): void {
  const target = event.target as HTMLElement;
  const index = Math.max(0, items.findIndex((c) => c.conversationID === rovingID.value));
  const current = items[index];
  const move = (to: number) => {
    event.preventDefault();
    focusRow(items[Math.max(0, Math.min(items.length - 1, to))].conversationID);
  };
  switch (event.key) {
    case 'ArrowDown':
      return move(index + 1);
    case 'ArrowUp':
      return move(index - 1);
    case 'Home':
      return move(0);
    case 'End':
      return move(items.length - 1);
    case 'ArrowRight':
      if (target.classList.contains('conv-main')) {
        event.preventDefault();
        focusRow(current.conversationID, 'more');
      }
      return;
    case 'ArrowLeft':
      if (target.classList.contains('conv-more')) {
        event.preventDefault();
        focusRow(current.conversationID);
      }
      return;
    case 'Delete':
    case 'Backspace': {
      event.preventDefault();
      const selected = selectedIDs.value;
      askDelete(state.selecting.value && selected.length > 0 ? selected : [current.conversationID], target);
      return;
    }
    case 'ContextMenu':
    case 'F10':
      if (event.key === 'F10' && !event.shiftKey) return;
      event.preventDefault();
      openMenu(current.conversationID, { element: target }, target);
      return;
    case ' ':
      if (state.selecting.value && target.classList.contains('conv-main')) {
        event.preventDefault();
        toggleSelected(current.conversationID, !state.selected.value.has(current.conversationID));
      }
      return;
    case 'Escape':
      if (state.selecting.value) {
        event.preventDefault();
        setSelecting(false);
      }
      return;
    default:
      return;
  }
}
