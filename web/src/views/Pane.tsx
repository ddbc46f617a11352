/**
 * The right column: the open conversation (header, history, composer), or a hint when none is. The
 * composer also edits the user's messages (Edit in a message's menu, or ↑ in an empty composer):
 * it holds the message's text instead of the draft until Enter saves it or Escape cancels. Files go
 * as images, videos or file messages (thread.ts `sendFiles`) from the composer's attach button, a
 * paste into it, or a drop anywhere on the conversation. Its *Ask for read receipts* button, by
 * *Send*, makes what the user sends ask for read receipts (views/Receipts.tsx). A group with pinned
 * messages has their bar under the header (views/Pins.tsx).
 */
import type { ConversationID } from '@natter/sdk';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { askGroupInfo, openMenu } from '../actions.ts';
import { isBlocked, unblock } from '../blocklist.ts';
import { announce, toast } from '../feedback.ts';
import { communityOf, displayName, flagWords, isGroup, kindLabel, messageText, SYSTEM_ID, targetOf } from '../format.ts';
import { groupCountWords } from '../groupOnline.ts';
import { canEdit, cancelEdit, messageByKey, saveEdit, startEdit } from '../messages.ts';
import { presenceWords, statusOf } from '../presence.ts';
import { activeConversation, focusRow, groupNameOf, state } from '../state.ts';
import { topicTitle } from '../topics.ts';
import { canAttach, canSend, closeConversation, muteNote, readOnlyNote, saveDraft, send, sendFiles } from '../thread.ts';
import { Avatar, Icon, PersonAvatar } from './common.tsx';
import { MentionButton, MentionList, useMentions } from './MentionPicker.tsx';
import { Messages } from './Messages.tsx';
import { PinnedBar } from './Pins.tsx';
import { AskReceiptsButton } from './Receipts.tsx';
import { focusSearchResult } from './Search.tsx';

const PHONE = '(max-width: 640px)';
/** How long typing pauses before the composer's text is saved as the draft. */
const DRAFT_DELAY_MS = 800;

/** Back to the list, with the focus on the conversation's row (its search result, while searching). */
function back(): void {
  const was = state.activeID.value;
  closeConversation();
  if (state.search.value) focusSearchResult(was);
  else focusRow(was);
}

/** A drag carries files (not text or a link dragged from the page). */
function hasFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

export function Pane() {
  const id = state.activeID.value;
  // Files dragged over the open conversation: a drop sends them. Enter and leave fire for every
  // element crossed, so the overlay stays until the drag has left them all.
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);
  const droppable = id !== null && canAttach(id);
  const endDrag = () => {
    depth.current = 0;
    setDragging(false);
  };

  // Escape in the conversation goes back to the list (as the phone layout's back button does),
  // unless a menu or dialog is open or there is text in the composer.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      if (!state.activeID.value || state.menu.value || state.messageMenu.value || state.dialog.value) return;
      const pane = document.getElementById('pane');
      const focused = document.activeElement;
      const typing = focused instanceof HTMLTextAreaElement && focused.value !== '';
      if (pane?.contains(focused) && !typing) back();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  return (
    <main
      class="pane"
      id="pane"
      aria-label="Conversation"
      onDragEnter={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        depth.current++;
        setDragging(true);
      }}
      onDragOver={(event) => {
        if (!hasFiles(event)) return;
        // Taken here either way: a file dropped where it cannot go must not open in place of the app.
        event.preventDefault();
        event.dataTransfer!.dropEffect = droppable ? 'copy' : 'none';
      }}
      onDragLeave={(event) => {
        if (hasFiles(event) && --depth.current <= 0) endDrag();
      }}
      onDrop={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        endDrag();
        if (droppable) sendFiles([...event.dataTransfer!.files]);
      }}
    >
      {dragging && droppable && (
        <div class="drop-zone" id="drop-zone" aria-hidden="true">
          <Icon name="clip" class="drop-zone-icon" />
          <p>Drop to send to {displayName(id, activeConversation.value)}</p>
        </div>
      )}
      {id ? (
        <Conversation key={id} id={id} />
      ) : (
        <div class="pane-empty">
          <Icon name="chat" class="pane-empty-icon" />
          <h2>Pick a conversation</h2>
          <p>Use ↑ ↓ and Enter in the list, Delete to delete, or the ⋯ button (Shift+F10) for more.</p>
        </div>
      )}
    </main>
  );
}

function Conversation({ id }: { id: ConversationID }) {
  const c = activeConversation.value;
  // A topic's conversation is in no list: it is named by its topic, and its community's Group info
  // is its info. A group not listed yet (a new community) is named as its profile said.
  const community = communityOf(id);
  const name = topicTitle(id) ?? (c ? displayName(id, c) : state.groupSelf.value.get(id)?.name || displayName(id));
  const blocked = isBlocked(id);
  const group = isGroup(id);
  // A one-to-one peer's presence, in place of "Direct message" once known: *Online · in a meeting*.
  const peer = !group && id !== SYSTEM_ID ? targetOf(id) : null;
  const presence = peer ? presenceWords(statusOf(peer)) : '';
  // A group's size, in place of "Group" once known: *5 members · 2 online*.
  const counts = group ? groupCountWords(id) : null;
  const size = [counts?.members, counts?.online].filter(Boolean).join(' · ');
  const flags = [...(c ? flagWords(c) : []), ...(blocked ? ['blocked'] : [])];
  const kind = community === null ? kindLabel(id) : `Topic in ${groupNameOf(community) ?? community}`;
  const sub = [presence || size || kind, ...flags].join(' · ');
  const writable = canSend(id);
  // Muted in the group: the composer stays, disabled, its text kept, until the mute ends.
  const muted = group ? muteNote(id) : null;
  const backButton = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const attachable = canAttach(id);

  // The message being edited in the composer, and the draft it holds meanwhile (set aside).
  const editing = state.editing.value;
  const editKey = writable && editing?.id === id ? editing.key : null;
  const setAside = useRef<string | null>(null);
  const draftIn = (field: HTMLTextAreaElement) => setAside.current ?? field.value;
  const savingEdit = useRef(false);

  const draftTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const scheduleDraft = (text: string) => {
    clearTimeout(draftTimer.current);
    if (setAside.current !== null) return; // the composer holds an edit, not the draft
    draftTimer.current = setTimeout(() => saveDraft(id, text), DRAFT_DELAY_MS);
  };
  const mentions = useMentions(input, group ? targetOf(id) : null, scheduleDraft);

  // Opening a conversation puts the focus in the composer (on a phone, on the back button), with
  // the conversation's draft in it. What is typed is saved as the draft when typing pauses, when
  // the page is hidden or left, and when the conversation closes. A group turning read-only (left,
  // dismissed) or writable again runs this anew for the composer that went or came, without
  // taking the focus from wherever the user is.
  const opened = useRef(false);
  useLayoutEffect(() => {
    const field = input.current;
    if (field) field.value = activeConversation.peek()?.draftText ?? '';
    if (!opened.current) {
      opened.current = true;
      if (window.matchMedia(PHONE).matches) backButton.current?.focus();
      else (field ?? backButton.current)?.focus();
    }
    if (!field) return;
    const flush = () => {
      clearTimeout(draftTimer.current);
      saveDraft(id, draftIn(field));
    };
    const onVisibility = () => document.visibilityState === 'hidden' && flush();
    window.addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      window.removeEventListener('pagehide', flush);
      document.removeEventListener('visibilitychange', onVisibility);
      flush();
    };
  }, [writable]);

  // Editing starts: the draft is set aside and the message's text is in the composer, the caret at
  // its end. It ends (saved or cancelled): the draft is back.
  useLayoutEffect(() => {
    const field = input.current;
    if (!field) return;
    if (editKey) {
      if (setAside.current === null) {
        clearTimeout(draftTimer.current);
        setAside.current = field.value;
      }
      const message = messageByKey(editKey);
      field.value = message ? messageText(message) : '';
      field.focus();
      field.setSelectionRange(field.value.length, field.value.length);
    } else if (setAside.current !== null) {
      field.value = setAside.current;
      setAside.current = null;
    }
  }, [editKey]);

  // A conversation turning read-only takes the composer, and the edit, away.
  useEffect(() => {
    if (!writable && state.editing.peek()?.id === id) cancelEdit();
  }, [writable]);

  const finishEdit = async (key: string, text: string) => {
    if (savingEdit.current) return;
    savingEdit.current = true;
    try {
      if (await saveEdit(key, text, mentions.atUserListFor(text))) {
        mentions.forget();
        if (state.editing.peek()?.key === key) cancelEdit();
      }
    } finally {
      savingEdit.current = false;
    }
  };

  const submit = (event: Event) => {
    event.preventDefault();
    const field = input.current;
    const text = field?.value.trim();
    if (field && editKey) {
      if (text) void finishEdit(editKey, text);
      else toast('A message cannot be empty: to take it back, recall or delete it.', 'error');
      return;
    }
    if (!field || !text) return;
    clearTimeout(draftTimer.current);
    field.value = '';
    if (send(text, mentions.atUserListFor(text))) mentions.forget();
    else field.value = text; // the SDK refused to make the message: the text is the user's again
  };

  return (
    <>
      <header class="pane-head" id="pane-head">
        <button
          ref={backButton}
          type="button"
          class="icon-btn back"
          id="back"
          aria-label="Back to the conversation list"
          onClick={back}
        >
          ←
        </button>
        {peer ? <PersonAvatar name={name} userID={peer} /> : <Avatar name={name} group={group} />}
        <div class="pane-title">
          <h2 id="pane-title">{name}</h2>
          <p class="pane-sub" title={sub}>
            {presence ? (
              <>
                <span class="pane-presence" id="pane-presence">
                  {presence}
                </span>
                {flags.map((f) => ` · ${f}`).join('')}
              </>
            ) : size ? (
              <>
                {counts?.members && <span id="pane-members">{counts.members}</span>}
                {counts?.members && counts.online && ' · '}
                {counts?.online && <span id="pane-online">{counts.online}</span>}
                {flags.map((f) => ` · ${f}`).join('')}
              </>
            ) : (
              sub
            )}
          </p>
        </div>
        {group && (
          <button
            type="button"
            class="conv-more pane-info"
            id="group-info-open"
            aria-label={`Group info for ${name}`}
            title="Group info"
            aria-haspopup="dialog"
            onClick={(event) => askGroupInfo(community === null ? id : `GROUP${community}`, event.currentTarget)}
          >
            <Icon name="info" />
          </button>
        )}
        {c && (
          <button
            type="button"
            class="conv-more pane-more"
            aria-label={`More actions for ${name}`}
            aria-haspopup="menu"
            onClick={(event) => openMenu(id, { element: event.currentTarget }, event.currentTarget)}
          >
            ⋯
          </button>
        )}
      </header>
      {group && <PinnedBar id={id} />}
      <Messages name={name} group={group} />
      {blocked && (
        <p class="blocked-notice" id="blocked-notice" role="status">
          <span>
            You blocked {name}. They cannot message you.
          </span>
          <button type="button" class="btn btn-small" id="blocked-unblock" onClick={() => void unblock(id)}>
            Unblock
          </button>
        </p>
      )}
      {writable && editKey && (
        <p class="edit-banner" id="edit-banner">
          <span class="edit-banner-title">Editing your message</span>
          <span class="edit-banner-hint">Enter to save · Escape to cancel</span>
          <button
            type="button"
            class="btn btn-small"
            id="edit-cancel"
            onClick={() => {
              cancelEdit();
              input.current?.focus();
            }}
          >
            Cancel
          </button>
        </p>
      )}
      {writable && muted && (
        <p class="mute-notice" id="mute-notice" role="status">
          {muted}
        </p>
      )}
      {writable ? (
        <form class={`composer${editKey ? ' composer-editing' : ''}`} id="composer" onSubmit={submit}>
          <button
            type="button"
            class="icon-btn attach-btn"
            id="attach"
            aria-label="Attach files"
            title="Attach files (or paste or drop them here)"
            disabled={!attachable}
            onClick={() => fileInput.current?.click()}
          >
            <Icon name="clip" />
          </button>
          <input
            ref={fileInput}
            type="file"
            id="attach-input"
            multiple
            hidden
            onChange={(event) => {
              const files = [...(event.currentTarget.files ?? [])];
              event.currentTarget.value = ''; // the same file can be chosen again
              sendFiles(files);
              input.current?.focus();
            }}
          />
          {group && <MentionButton mentions={mentions} disabled={muted !== null} />}
          <textarea
            ref={input}
            id="composer-input"
            rows={1}
            placeholder={`Message ${name}`}
            aria-label={editKey ? 'Edit your message' : `Message ${name}`}
            aria-describedby={muted ? 'mute-notice' : undefined}
            disabled={muted !== null}
            maxLength={8000}
            {...(group ? mentions.fieldProps : {})}
            onInput={(event) => {
              mentions.onInput();
              scheduleDraft(event.currentTarget.value);
            }}
            onPaste={(event) => {
              // A picture or file pasted is sent; copied text pastes as text, even when the copy
              // also carries a picture of it (as from a word processor).
              const data = event.clipboardData;
              if (!data || data.files.length === 0 || data.types.includes('text/plain') || !attachable) return;
              event.preventDefault();
              sendFiles([...data.files]);
            }}
            onKeyDown={(event) => {
              if (mentions.onKeyDown(event)) return;
              if (event.key === 'Escape' && editKey) {
                // Not back to the list (Pane's Escape): only out of editing.
                event.preventDefault();
                cancelEdit();
                announce('Edit cancelled.');
                return;
              }
              // ↑ in an empty composer edits the user's last message, as chat apps do.
              if (event.key === 'ArrowUp' && !editKey && event.currentTarget.value === '') {
                const last = [...(state.thread.peek()?.messages ?? [])].reverse().find(canEdit);
                if (last) {
                  event.preventDefault();
                  startEdit(last.ID);
                }
                return;
              }
              if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
                event.preventDefault();
                event.currentTarget.form?.requestSubmit();
              }
            }}
          />
          {group && <MentionList mentions={mentions} />}
          <AskReceiptsButton disabled={muted !== null} />
          <button type="submit" class="btn btn-primary" id="send" disabled={muted !== null}>
            {editKey ? 'Save' : 'Send'}
          </button>
        </form>
      ) : (
        <p class="composer composer-readonly" id="composer-readonly">
          {readOnlyNote(id)}
        </p>
      )}
    </>
  );
}
