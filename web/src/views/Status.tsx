/**
 * The user's own status (presence.ts): their name at the top of the sidebar, with the custom status
 * they show under it, opens their menu (*Set status…*, *Clear status*, *Sign out*); *Set status…*
 * opens a small dialog to type one (at most 100 bytes, checked here), pick a common one, or clear
 * it.
 */
import { useSignal } from '@preact/signals';
import { useRef } from 'preact/hooks';
import { toast } from '../feedback.ts';
import {
  askSetStatus,
  closeSelfMenu,
  MAX_STATUS_BYTES,
  openSelfMenu,
  setSelfStatus,
  statusBytes,
  tooLong,
} from '../presence.ts';
import { signOut } from '../session.ts';
import { state } from '../state.ts';
import { Avatar } from './common.tsx';
import { MenuPanel, type Item } from './Menu.tsx';
import { Modal, restoreFocus } from './Modal.tsx';

/** The user's avatar, name and status: the button that opens their menu. */
export function SelfButton() {
  const me = state.session.value?.uid ?? '';
  const status = state.selfStatus.value;
  const open = state.selfMenu.value !== null;
  return (
    <button
      type="button"
      class="me"
      id="me-button"
      aria-haspopup="menu"
      aria-expanded={open ? true : undefined}
      aria-label={`${me}, ${status ? `status: ${status}` : 'no status set'}. Your menu`}
      title={status || 'Set a status'}
      onClick={(event) => openSelfMenu({ element: event.currentTarget }, event.currentTarget)}
    >
      <Avatar name={me} />
      <span class="me-text">
        <strong class="me-name">{me}</strong>
        <span class={`me-status${status ? '' : ' me-status-none'}`} id="me-status">
          {status || 'Set a status'}
        </span>
      </span>
    </button>
  );
}

/** The user's menu, under their name. */
export function SelfMenu() {
  const menu = state.selfMenu.value;
  if (!menu) return null;
  const { returnFocus } = menu;
  const items: Item[] = [
    { id: 'status', label: 'Set status…', movesFocus: true, run: () => askSetStatus(returnFocus) },
  ];
  if (state.selfStatus.value) {
    items.push({
      id: 'status-clear',
      label: 'Clear status',
      run: async () => {
        const refusal = await setSelfStatus('');
        if (refusal) toast(refusal, 'error');
      },
    });
  }
  items.push({ id: 'sign-out', label: 'Sign out', movesFocus: true, run: () => signOut() });
  return <MenuPanel domID="me-menu" anchor={menu.anchor} items={items} label="Your menu" close={closeSelfMenu} />;
}

/** Common statuses, one press away. */
const SUGGESTIONS = ['In a meeting', 'Commuting', 'Out sick', 'On holiday', 'Focusing'];

/**
 * Types the user's status, or clears it. It stays open while the server answers; a status that is
 * too long, or refused, is said under the field, and the dialog stays open to shorten it.
 */
export function StatusDialog({ returnFocus }: { returnFocus: HTMLElement | null }) {
  const input = useRef<HTMLInputElement>(null);
  const text = useSignal(state.selfStatus.peek());
  const error = useSignal('');
  const busy = useSignal(false);
  const bytes = statusBytes(text.value.trim());
  const over = bytes > MAX_STATUS_BYTES;

  const save = async (form: HTMLFormElement, value: string) => {
    if (busy.value) return;
    const bytes = statusBytes(value);
    if (bytes > MAX_STATUS_BYTES) {
      error.value = tooLong(bytes);
      input.current?.focus();
      return;
    }
    busy.value = true;
    error.value = '';
    const refusal = await setSelfStatus(value);
    busy.value = false;
    if (refusal === null) {
      form.closest('dialog')?.close('saved');
      return;
    }
    error.value = refusal;
    input.current?.focus();
  };

  return (
    <Modal
      id="status-dialog"
      labelledBy="status-title"
      describedBy="status-hint"
      onAnswer={() => restoreFocus(returnFocus)}
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save(event.currentTarget, text.value.trim());
        }}
      >
        <h2 id="status-title">Set your status</h2>
        <label for="status-input">Status</label>
        <input
          ref={input}
          id="status-input"
          name="status"
          value={text.value}
          placeholder="What are you up to?"
          aria-describedby="status-count status-error"
          aria-invalid={over || error.value ? true : undefined}
          autocomplete="off"
          autofocus
          onInput={(event) => {
            text.value = event.currentTarget.value;
            error.value = '';
          }}
        />
        <p class={`hint status-count${over ? ' status-count-over' : ''}`} id="status-count">
          {over ? `${bytes} of ${MAX_STATUS_BYTES} bytes: too long` : `${bytes} of ${MAX_STATUS_BYTES} bytes`}
        </p>
        <div class="folder-picks" role="group" aria-label="Suggestions">
          {SUGGESTIONS.map((s) => (
            <button
              key={s}
              type="button"
              class="chip"
              onClick={() => {
                text.value = s;
                error.value = '';
                input.current?.focus();
              }}
            >
              {s}
            </button>
          ))}
        </div>
        <p class="hint" id="status-hint">
          The people who have a conversation with you see it under your name, also while you are offline, until you
          change or clear it.
        </p>
        <p class="form-error" id="status-error" role="alert">
          {error.value}
        </p>
        <div class="dialog-actions">
          <button
            type="button"
            class="btn dialog-action-start"
            id="status-clear"
            disabled={busy.value || (!text.value && !state.selfStatus.value)}
            onClick={(event) => {
              text.value = '';
              void save(event.currentTarget.form!, '');
            }}
          >
            Clear
          </button>
          <button
            type="button"
            class="btn"
            id="status-cancel"
            onClick={(event) => event.currentTarget.closest('dialog')?.close('cancel')}
          >
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" id="status-save" disabled={busy.value}>
            {busy.value ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
