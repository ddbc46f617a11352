/**
 * Pinned group messages in the open conversation (pins.ts): the bar under the header while the
 * group has any, and the list of them all with who pinned each.
 *
 * The bar shows one pinned message, the one pinned last: *Pinned message 2 of 3*, its sender and
 * its text on one line. Choosing it shows that message in the history (focused and marked, as a
 * search result is) and moves the bar on to the one before, round to the newest, so pressing it
 * again walks through them all. Its list button (*All pinned messages (3)*) opens the dialog:
 * each message with its sender, time and *Pinned by …*, *Show* (closes the dialog and shows it)
 * and, for those who may pin, *Unpin*.
 */
import type { ConversationID } from '@natter/sdk';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { listTime } from '../format.ts';
import {
  askPinnedList,
  MAX_PINNED,
  mayPin,
  pinnedOf,
  pinnedWords,
  pinnerName,
  setPinned,
  showPinned,
  shownPin,
} from '../pins.ts';
import { state } from '../state.ts';
import { openConversation } from '../thread.ts';
import { Avatar, Icon } from './common.tsx';
import { Modal, restoreFocus } from './Modal.tsx';

/** The bar under the header of a group with pinned messages; nothing for one without, or one the user left. */
export function PinnedBar({ id }: { id: ConversationID }) {
  if (state.readOnly.value.has(id)) return null;
  const shown = shownPin(id);
  if (!shown) return null;
  const me = state.session.value?.uid ?? '';
  const { from, text } = pinnedWords(shown.message, me);
  const by = pinnerName(shown.message.pinnerInfo, me);
  const position = shown.count > 1 ? `${shown.index + 1} of ${shown.count}` : '';
  return (
    <section class="pinned-bar" id="pinned-bar" aria-label="Pinned messages" data-key={shown.message.ID}>
      <button
        type="button"
        class="pinned-show"
        id="pinned-show"
        aria-label={`Pinned message${position && ` ${position}`}, ${from}: ${text}. Pinned by ${by}. Show it in the conversation`}
        title={`Pinned by ${by} · show it in the conversation`}
        onClick={() => showPinned(id, shown.message)}
      >
        <Icon name="pin" class="pinned-icon" />
        <span class="pinned-text">
          <span class="pinned-title">
            Pinned message
            {position && <span class="pinned-position" id="pinned-position"> · {position}</span>}
          </span>
          <span class="pinned-preview" id="pinned-preview">
            <span class="pinned-from">{from}:</span> {text}
          </span>
        </span>
      </button>
      <button
        type="button"
        class="icon-btn pinned-all"
        id="pinned-list-open"
        aria-haspopup="dialog"
        aria-label={`All pinned messages (${shown.count})`}
        title="All pinned messages"
        onClick={(event) => askPinnedList(id, event.currentTarget)}
      >
        <Icon name="list" />
        <span class="pinned-all-count" aria-hidden="true">
          {shown.count}
        </span>
      </button>
    </section>
  );
}

/**
 * Every pinned message of the group, in the order of the history, each with who pinned it; live
 * (a pin or an unpin elsewhere shows at once). *Show* closes it and shows the message in the
 * history; *Unpin*, for those who may, takes it off, the focus going on to the next one.
 */
export function PinnedDialog({ id, returnFocus }: { id: ConversationID; returnFocus: HTMLElement | null }) {
  const pins = pinnedOf(id);
  const me = state.session.value?.uid ?? '';
  const may = mayPin(id);
  /** An Unpin on its way: a second press waits for it. */
  const busy = useRef(false);
  const dialogBody = useRef<HTMLFormElement>(null);
  /** The row an Unpin was pressed on: once it has gone, the focus moves to the row now in its place. */
  const unpinnedAt = useRef(-1);

  useLayoutEffect(() => {
    const at = unpinnedAt.current;
    const body = dialogBody.current;
    if (at < 0 || !body || body.contains(document.activeElement)) return;
    unpinnedAt.current = -1;
    const rows = body.querySelectorAll<HTMLElement>('.pinned-item');
    const next = rows[Math.min(at, rows.length - 1)];
    (next?.querySelector<HTMLElement>('[data-unpin]') ?? body.querySelector<HTMLElement>('#pinned-close'))?.focus();
  }, [pins.length]);

  const onAnswer = (value: string) => {
    const message = value.startsWith('show:') ? pins.find((m) => m.ID === value.slice('show:'.length)) : undefined;
    if (message) openConversation(id, message);
    else restoreFocus(returnFocus);
  };

  const unpin = async (index: number, messageID: string) => {
    const message = pins.find((m) => m.ID === messageID);
    if (!message || busy.current) return;
    busy.current = true;
    unpinnedAt.current = index;
    try {
      if (!(await setPinned(message, false))) unpinnedAt.current = -1;
    } finally {
      busy.current = false;
    }
  };

  const count = pins.length;
  return (
    <Modal id="pinned-dialog" labelledBy="pinned-title" describedBy="pinned-summary" onAnswer={onAnswer}>
      <form method="dialog" class="pinned-dialog" ref={dialogBody}>
        <h2 id="pinned-title">Pinned messages</h2>
        <p class="hint" id="pinned-summary" role="status">
          {count === 0
            ? 'No pinned messages.'
            : `${count} pinned ${count === 1 ? 'message' : 'messages'} (a group pins up to ${MAX_PINNED}).`}
          {!may && count > 0 && ' Only the owner and the admins of this group can pin or unpin messages.'}
        </p>
        {count > 0 && (
          <ul class="member-list pinned-list" id="pinned-list" aria-labelledby="pinned-title">
            {pins.map((m, index) => {
              const { from, name, text } = pinnedWords(m, me);
              const by = pinnerName(m.pinnerInfo, me);
              return (
                <li key={m.ID} class="member pinned-item" data-key={m.ID}>
                  <Avatar name={name} size="sm" />
                  <span class="pinned-item-text">
                    <span class="pinned-item-head">
                      <span class="pinned-from">{from}</span>
                      <time class="pinned-time">{listTime(m.time)}</time>
                    </span>
                    <span class="pinned-item-preview">{text}</span>
                    <span class="pinned-by">Pinned by {by}</span>
                  </span>
                  <span class="member-actions">
                    <button
                      type="submit"
                      class="btn btn-small"
                      value={`show:${m.ID}`}
                      data-show={m.ID}
                      aria-label={`Show ${from === 'You' ? 'your' : `${from}’s`} message in the conversation`}
                    >
                      Show
                    </button>
                    {may && (
                      <button
                        type="button"
                        class="btn btn-small btn-danger-quiet"
                        data-unpin={m.ID}
                        aria-label={`Unpin ${from === 'You' ? 'your' : `${from}’s`} message`}
                        onClick={() => void unpin(index, m.ID)}
                      >
                        Unpin
                      </button>
                    )}
                  </span>
                </li>
              );
            })}
          </ul>
        )}
        <div class="dialog-actions">
          <button type="submit" value="close" class="btn" id="pinned-close" autofocus>
            Close
          </button>
        </div>
      </form>
    </Modal>
  );
}
