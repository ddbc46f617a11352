/**
 * Read receipts in the open conversation (receipts.ts): the composer's *Ask for read receipts*
 * button; under each of the user's messages that asked, its receipts in words (*Read*, *Unread*,
 * *2 read*, *All read*), which in a group open the dialog of who read it and who has not.
 */
import type { GroupMember, Message } from '@natter/sdk';
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { allMembers } from '../actions.ts';
import { describeError, isGroup, memberName, messageText, targetOf } from '../format.ts';
import { messageByKey } from '../messages.ts';
import {
  askReadMembers,
  loadReadMembers,
  receiptInfo,
  receiptStatus,
  setAskReceipts,
  type ReadMembers,
  type ReceiptStatus,
} from '../receipts.ts';
import { state } from '../state.ts';
import { Avatar, Icon } from './common.tsx';
import { Modal, restoreFocus } from './Modal.tsx';

/**
 * The composer's toggle: pressed, the messages the user sends ask their readers for a receipt. The
 * choice holds for every conversation, and after a reload.
 */
export function AskReceiptsButton({ disabled }: { disabled: boolean }) {
  const on = state.askReceipts.value;
  return (
    <button
      type="button"
      class="icon-btn receipts-btn"
      id="receipts-toggle"
      disabled={disabled}
      aria-label="Ask for read receipts"
      aria-pressed={on}
      title={on ? 'Asking for read receipts: your messages ask readers to confirm they read them' : 'Ask for read receipts'}
      // Pressing it keeps the focus, and the caret, in the text field.
      onMouseDown={(event) => event.preventDefault()}
      onClick={() => setAskReceipts(!on)}
    >
      <Icon name="checks" />
    </button>
  );
}

/**
 * What a message of the user's that asked for receipts shows under its time: one-to-one a line,
 * *Read* or *Unread*; in a group a button, *2 read*, that opens who read it.
 */
export function ReceiptLabel({ m, status }: { m: Message; status: ReceiptStatus }) {
  const icon = <Icon name={status.kind === 'unread' ? 'check' : 'checks'} class="msg-receipt-icon" />;
  const classes = `msg-receipt msg-receipt-${status.kind}${status.kind === 'read' ? ' msg-read' : ''}`;
  if (!isGroup(m.conversationID)) {
    return (
      <span class={classes} data-receipt={status.kind} title={status.detail}>
        {icon}
        {status.text}
      </span>
    );
  }
  return (
    <button
      type="button"
      class={`${classes} msg-receipt-button`}
      data-receipt={status.kind}
      aria-haspopup="dialog"
      aria-label={`${status.text}: ${status.detail}. Show who read it`}
      title={`${status.detail} · show who`}
      onClick={(event) => askReadMembers(m.ID, event.currentTarget)}
    >
      {icon}
      {status.text}
    </button>
  );
}

/**
 * Who read a group message of the user's, and who has not (getGroupMessageReadMemberList, each
 * side page by page), by the names the group knows them by. Loaded on opening, and again when the
 * message's count changes while it is open (a receipt arriving).
 */
export function ReadReceiptsDialog({ messageKey, returnFocus }: { messageKey: string; returnFocus: HTMLElement | null }) {
  const t = state.thread.value;
  const message = messageByKey(messageKey);
  const me = state.session.value?.uid ?? '';
  const info = t && message ? receiptInfo(t, message) : null;
  const status = message && info ? receiptStatus(message, info, me, '') : null;
  const lists = useSignal<ReadMembers | null>(null);
  const members = useSignal<ReadonlyMap<string, GroupMember>>(new Map());
  const error = useSignal('');
  const readCount = info?.readCount;
  const unreadCount = info?.unreadCount;

  useEffect(() => {
    if (!message) return;
    let stale = false;
    loadReadMembers(message).then(
      (answer) => {
        if (stale) return;
        lists.value = answer;
        error.value = '';
      },
      (err) => {
        if (!stale) error.value = `Could not load who read it: ${describeError(err)}`;
      },
    );
    return () => {
      stale = true;
    };
  }, [messageKey, readCount, unreadCount]);

  // The names the group knows its members by (a name card, a nick); else the user ID.
  const groupID = message ? targetOf(message.conversationID) : '';
  useEffect(() => {
    if (!groupID) return;
    let stale = false;
    allMembers(groupID).then(
      (list) => {
        if (!stale) members.value = new Map(list.map((m) => [m.userID, m]));
      },
      () => {},
    );
    return () => {
      stale = true;
    };
  }, [groupID]);

  const nameOf = (userID: string) => {
    const member = members.value.get(userID);
    return member ? memberName(member) : state.nicks.value.get(userID) || userID;
  };
  const read = lists.value?.read ?? [];
  const unread = lists.value?.unread ?? [];
  const summary = !message
    ? 'This message is no longer in the conversation.'
    : lists.value
      ? `Read by ${read.length} of ${read.length + unread.length} ${read.length + unread.length === 1 ? 'member' : 'members'}`
      : error.value
        ? ''
        : (status?.detail ?? 'Loading…');

  return (
    <Modal
      id="receipts-dialog"
      labelledBy="receipts-title"
      describedBy="receipts-summary"
      onAnswer={() => restoreFocus(returnFocus)}
    >
      <form method="dialog" class="receipts">
        <h2 id="receipts-title">Read receipts</h2>
        {message && (
          <p class="receipts-quote" id="receipts-message">
            {messageText(message)}
          </p>
        )}
        <p class="hint" id="receipts-summary" role="status">
          {summary}
        </p>
        {error.value && (
          <p class="form-error" id="receipts-error" role="alert">
            {error.value}
          </p>
        )}
        {message && lists.value && (
          <>
            <PeopleList id="receipts-read" title={`Read · ${read.length}`} empty="Nobody yet." users={read} nameOf={nameOf} />
            <PeopleList
              id="receipts-unread"
              title={`Not read yet · ${unread.length}`}
              empty="Everyone has read it."
              users={unread}
              nameOf={nameOf}
            />
          </>
        )}
        <div class="dialog-actions">
          <button type="submit" value="close" class="btn" id="receipts-close" autofocus>
            Close
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** One side of the dialog: the people, by name (their user ID under a name that is not it), in name order. */
function PeopleList(props: {
  id: string;
  title: string;
  empty: string;
  users: string[];
  nameOf: (userID: string) => string;
}) {
  const { id, title, empty, users, nameOf } = props;
  const people = users.map((userID) => ({ userID, name: nameOf(userID) })).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <>
      <h3 class="group-section" id={`${id}-title`}>
        {title}
      </h3>
      {people.length === 0 ? (
        <p class="hint" id={id}>
          {empty}
        </p>
      ) : (
        <ul class="member-list receipts-list" id={id} aria-labelledby={`${id}-title`}>
          {people.map(({ userID, name }) => (
            <li key={userID} class="member" data-uid={userID}>
              <Avatar name={name} size="sm" />
              <span class="member-name">
                {name}
                {name !== userID && <span class="member-id">{userID}</span>}
              </span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
