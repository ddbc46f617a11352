/** The right column: the open conversation (header, history, composer), or a hint when none is. */
import type { ConversationID } from '@natter/sdk';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { askGroupInfo, openMenu } from '../actions.ts';
import { isBlocked, unblock } from '../blocklist.ts';
import { displayName, flagWords, isGroup, kindLabel, targetOf } from '../format.ts';
import { activeConversation, focusRow, state } from '../state.ts';
import { canSend, closeConversation, readOnlyNote, saveDraft, send } from '../thread.ts';
import { Avatar, Icon } from './common.tsx';
import { MentionButton, MentionList, useMentions } from './MentionPicker.tsx';
import { Messages } from './Messages.tsx';

const PHONE = '(max-width: 640px)';
/** How long typing pauses before the composer's text is saved as the draft. */
const DRAFT_DELAY_MS = 800;

/** Back to the list, with the focus on the conversation's row. */
function back(): void {
  const was = state.activeID.value;
  closeConversation();
  focusRow(was);
}

export function Pane() {
  const id = state.activeID.value;

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
    <main class="pane" id="pane" aria-label="Conversation">
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
  const name = displayName(id, c);
  const blocked = isBlocked(id);
  const sub = [kindLabel(id), ...(c ? flagWords(c) : []), ...(blocked ? ['blocked'] : [])].join(' · ');
  const group = isGroup(id);
  const writable = canSend(id);
  const backButton = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);

  const draftTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const scheduleDraft = (text: string) => {
    clearTimeout(draftTimer.current);
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
      saveDraft(id, field.value);
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

  const submit = (event: Event) => {
    event.preventDefault();
    const field = input.current;
    const text = field?.value.trim();
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
        <Avatar name={name} group={group} />
        <div class="pane-title">
          <h2 id="pane-title">{name}</h2>
          <p class="pane-sub">{sub}</p>
        </div>
        {group && (
          <button
            type="button"
            class="conv-more pane-info"
            id="group-info-open"
            aria-label={`Group info for ${name}`}
            title="Group info"
            aria-haspopup="dialog"
            onClick={(event) => askGroupInfo(id, event.currentTarget)}
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
      {writable ? (
        <form class="composer" id="composer" onSubmit={submit}>
          {group && <MentionButton mentions={mentions} />}
          <textarea
            ref={input}
            id="composer-input"
            rows={1}
            placeholder={`Message ${name}`}
            aria-label={`Message ${name}`}
            maxLength={8000}
            {...(group ? mentions.fieldProps : {})}
            onInput={(event) => {
              mentions.onInput();
              scheduleDraft(event.currentTarget.value);
            }}
            onKeyDown={(event) => {
              if (mentions.onKeyDown(event)) return;
              if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
                event.preventDefault();
                event.currentTarget.form?.requestSubmit();
              }
            }}
          />
          {group && <MentionList mentions={mentions} />}
          <button type="submit" class="btn btn-primary" id="send">
            Send
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
