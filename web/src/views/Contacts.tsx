/**
 * The Contacts tab of the sidebar (friends.ts): the friend requests that wait (Accept and Decline on
 * those to the user, Withdraw on the user's own), the friend list, and who may add the user as a
 * friend. A friend opens the one-to-one conversation; their ⋯ button (right-click, Shift+F10 or the
 * context-menu key) renames them or removes them, after asking. *Add friend* asks for a user ID and
 * an optional note. The list has the conversation list's keys: ↑ ↓ Home End, → to the ⋯ button,
 * Delete to remove. Everything shown follows the SDK's events, live.
 */
import TencentCloudChat, { type Friend, type FriendApplication } from '@natter/sdk';
import { useSignal } from '@preact/signals';
import { useRef } from 'preact/hooks';
import {
  acceptRequest,
  addFriend,
  ALLOW_CHOICES,
  askAddFriend,
  askRemoveFriend,
  askRenameFriend,
  chatWith,
  closeFriendMenu,
  declineRequest,
  focusContacts,
  friendOf,
  latestNick,
  openFriendMenu,
  removeFriend,
  renameFriend,
  setAllowType,
  userName,
  withdrawRequest,
} from '../friends.ts';
import { dateOf, friendName, listTime } from '../format.ts';
import { state } from '../state.ts';
import { isOnline, statusOf } from '../presence.ts';
import { Avatar, PersonAvatar } from './common.tsx';
import { MenuPanel, type Item } from './Menu.tsx';
import { ConfirmDialog, Modal } from './Modal.tsx';

const { TYPES } = TencentCloudChat;

/** Names sorted as people read them: case and accents aside, numbers by value. */
const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

export function Contacts() {
  const friends = state.friends.value;
  const requests = state.friendRequests.value ?? [];
  const error = state.contactsError.value;
  return (
    <div class="contacts" id="contacts" role="tabpanel" aria-labelledby="tab-contacts">
      <div class="toolbar">
        <span class="toolbar-count" id="friend-count">
          {friends ? `${friends.length} friend${friends.length === 1 ? '' : 's'}` : ''}
        </span>
        <button
          type="button"
          class="btn btn-small btn-primary"
          id="add-friend"
          aria-haspopup="dialog"
          onClick={askAddFriend}
        >
          Add friend
        </button>
      </div>
      <div class="contacts-body">
        {error && (
          <p class="form-error contacts-error" id="contacts-error" role="alert">
            {error}
          </p>
        )}
        {requests.length > 0 && <Requests requests={requests} />}
        <section class="contacts-section" aria-labelledby="friends-title">
          <h2 class="contacts-title" id="friends-title">
            Friends
          </h2>
          {friends === null ? (
            !error && (
              <p class="list-empty" id="friends-loading" role="status">
                Loading contacts…
              </p>
            )
          ) : friends.length === 0 ? (
            <p class="list-empty" id="friends-empty">
              No friends yet. Add someone with Add friend: once they accept, you see each other here.
            </p>
          ) : (
            <FriendList friends={friends} />
          )}
        </section>
        <AllowSetting />
      </div>
    </div>
  );
}

// ------------------------------------------------------------------ requests

/** Those to the user first (they wait for an answer), then the user's own; each newest first. */
function Requests({ requests }: { requests: FriendApplication[] }) {
  const incoming = requests.filter((a) => a.type === TYPES.SNS_APPLICATION_SENT_TO_ME);
  const outgoing = requests.filter((a) => a.type === TYPES.SNS_APPLICATION_SENT_BY_ME);
  return (
    <section class="contacts-section" aria-labelledby="requests-title">
      <h2 class="contacts-title" id="requests-title">
        Friend requests
      </h2>
      <ul class="request-list" id="friend-requests" aria-labelledby="requests-title">
        {[...incoming, ...outgoing].map((a) => (
          <RequestRow key={`${a.type} ${a.userID}`} request={a} />
        ))}
      </ul>
    </section>
  );
}

function RequestRow({ request }: { request: FriendApplication }) {
  const busy = useSignal(false);
  const uid = request.userID;
  const incoming = request.type === TYPES.SNS_APPLICATION_SENT_TO_ME;
  const name = latestNick(uid) || request.nick || uid;
  const detail = [
    name !== uid && uid,
    incoming ? 'asks to be your friend' : 'waiting for them to accept',
  ].filter(Boolean);

  /** One answer at a time; the row then goes (the focus to the list, if it was on the row). */
  const answer = (call: (userID: string) => Promise<void>) => async (event: Event) => {
    if (busy.value) return;
    const button = event.currentTarget as HTMLElement;
    busy.value = true;
    try {
      await call(uid);
    } finally {
      busy.value = false;
    }
    if (!button.isConnected && document.activeElement === document.body) focusContacts(null);
  };

  return (
    <li class="request" data-uid={uid} data-way={incoming ? 'incoming' : 'outgoing'}>
      <Avatar name={name} size="sm" />
      <span class="request-text">
        <span class="request-name">{name}</span>
        <span class="request-detail">
          {detail.join(' · ')}
          {' · '}
          <time dateTime={dateOf(request.time).toISOString()}>{listTime(request.time)}</time>
        </span>
        {request.wording && <span class="request-note">“{request.wording}”</span>}
      </span>
      <span class="request-actions">
        {incoming ? (
          <>
            <button
              type="button"
              class="btn btn-small btn-primary"
              data-accept={uid}
              aria-label={`Accept ${name}’s friend request`}
              disabled={busy.value}
              onClick={answer(acceptRequest)}
            >
              Accept
            </button>
            <button
              type="button"
              class="btn btn-small"
              data-decline={uid}
              aria-label={`Decline ${name}’s friend request`}
              disabled={busy.value}
              onClick={answer(declineRequest)}
            >
              Decline
            </button>
          </>
        ) : (
          <button
            type="button"
            class="btn btn-small"
            data-withdraw={uid}
            aria-label={`Withdraw your friend request to ${name}`}
            disabled={busy.value}
            onClick={answer(withdrawRequest)}
          >
            Withdraw
          </button>
        )}
      </span>
    </li>
  );
}

// ------------------------------------------------------------------ friends

/** The friends by name, with one tab stop: the row last focused, else the first. */
function FriendList({ friends }: { friends: Friend[] }) {
  const current = useSignal<string | null>(null);
  const rows = friends
    .map((f) => ({ friend: f, name: friendName(f, latestNick) }))
    .sort((a, b) => collator.compare(a.name, b.name) || collator.compare(a.friend.userID, b.friend.userID));
  const stop = rows.some((r) => r.friend.userID === current.value) ? current.value : (rows[0]?.friend.userID ?? null);

  const onKeyDown = (event: KeyboardEvent) => {
    const target = event.target as HTMLElement;
    const items = [...(event.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('li')];
    const li = target.closest('li');
    const index = li ? items.indexOf(li) : -1;
    const uid = li?.dataset.uid;
    if (index < 0 || !uid) return;
    const go = (to: number, part: 'main' | 'more' = 'main') => {
      event.preventDefault();
      items[Math.max(0, Math.min(items.length - 1, to))].querySelector<HTMLElement>(`.friend-${part}`)?.focus();
    };
    switch (event.key) {
      case 'ArrowDown':
        return go(index + 1);
      case 'ArrowUp':
        return go(index - 1);
      case 'Home':
        return go(0);
      case 'End':
        return go(items.length - 1);
      case 'ArrowRight':
        if (target.classList.contains('friend-main')) go(index, 'more');
        return;
      case 'ArrowLeft':
        if (target.classList.contains('friend-more')) go(index);
        return;
      case 'Delete':
      case 'Backspace':
        event.preventDefault();
        askRemoveFriend(uid, target);
        return;
      case 'ContextMenu':
      case 'F10':
        if (event.key === 'F10' && !event.shiftKey) return;
        event.preventDefault();
        openFriendMenu(uid, { element: target }, target);
        return;
      default:
        return;
    }
  };

  return (
    <ul class="friend-list" id="friend-list" aria-labelledby="friends-title" onKeyDown={onKeyDown}>
      {rows.map(({ friend, name }) => (
        <FriendRow
          key={friend.userID}
          friend={friend}
          name={name}
          tabStop={friend.userID === stop}
          onFocus={() => (current.value = friend.userID)}
        />
      ))}
    </ul>
  );
}

function FriendRow({
  friend,
  name,
  tabStop,
  onFocus,
}: {
  friend: Friend;
  name: string;
  tabStop: boolean;
  onFocus: () => void;
}) {
  const uid = friend.userID;
  const nick = latestNick(uid) || friend.profile.nick;
  // Under the name: their own name when the user renamed them, and their user ID.
  const sub = [friend.remark && nick && nick !== friend.remark && nick, uid !== name && uid].filter(Boolean).join(' · ');
  const menuOpen = state.friendMenu.value?.userID === uid;
  return (
    <li
      class="friend"
      data-uid={uid}
      onContextMenu={(event) => {
        event.preventDefault();
        const main = (event.currentTarget as HTMLElement).querySelector<HTMLElement>('.friend-main')!;
        openFriendMenu(uid, { x: event.clientX, y: event.clientY }, main);
      }}
    >
      <button
        type="button"
        class="conv-main friend-main"
        tabIndex={tabStop ? 0 : -1}
        aria-label={`Chat with ${name}${sub ? ` (${sub})` : ''}${isOnline(statusOf(uid)) ? ', online' : ''}`}
        onClick={() => chatWith(uid)}
        onFocus={onFocus}
      >
        <PersonAvatar name={name} userID={uid} />
        <span class="friend-text">
          <span class="friend-name">{name}</span>
          {sub && <span class="friend-sub">{sub}</span>}
        </span>
      </button>
      <button
        type="button"
        class="conv-more friend-more"
        tabIndex={tabStop ? 0 : -1}
        aria-label={`More actions for ${name}`}
        aria-haspopup="menu"
        aria-expanded={menuOpen ? true : undefined}
        onClick={(event) => openFriendMenu(uid, { element: event.currentTarget }, event.currentTarget)}
        onFocus={onFocus}
      >
        ⋯
      </button>
    </li>
  );
}

/** A friend's menu: chat, rename, remove (which asks first). */
export function FriendMenu() {
  const menu = state.friendMenu.value;
  if (!menu || !friendOf(menu.userID)) return null;
  const { userID, returnFocus } = menu;
  const name = userName(userID);
  const items: Item[] = [
    { id: 'chat', label: 'Send message', movesFocus: true, run: () => chatWith(userID) },
    { id: 'rename', label: 'Rename…', movesFocus: true, run: () => askRenameFriend(userID, returnFocus) },
    {
      id: 'remove',
      label: 'Remove from contacts…',
      danger: true,
      movesFocus: true,
      run: () => askRemoveFriend(userID, returnFocus),
    },
  ];
  return (
    <MenuPanel
      key={userID}
      domID="friend-menu"
      anchor={menu.anchor}
      items={items}
      label={`Actions for ${name}`}
      close={closeFriendMenu}
    />
  );
}

// ------------------------------------------------------------------ who may add the user

/** What each choice means, under the setting. */
const ALLOW_HINTS: Readonly<Record<string, string>> = {
  [TYPES.ALLOW_TYPE_ALLOW_ANY]: 'Whoever adds you is your friend at once.',
  [TYPES.ALLOW_TYPE_NEED_CONFIRM]: 'People send you a request, and are your friends once you accept it.',
  [TYPES.ALLOW_TYPE_DENY_ANY]: 'Nobody can add you or send you a request.',
};

function AllowSetting() {
  const value = state.allowType.value;
  return (
    <section class="contacts-section contacts-setting">
      <label class="contacts-title" for="friend-allow">
        Who can add me as a friend
      </label>
      <select
        id="friend-allow"
        value={value ?? ''}
        disabled={value === null}
        aria-describedby="friend-allow-hint"
        onChange={(event) => void setAllowType(event.currentTarget.value)}
      >
        {value === null && <option value="">Loading…</option>}
        {ALLOW_CHOICES.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
      <p class="hint" id="friend-allow-hint">
        {value ? `${ALLOW_HINTS[value] ?? ''} ` : ''}Anyone can message you, friend or not.
      </p>
    </section>
  );
}

// ------------------------------------------------------------------ dialogs

/** A user ID as the server takes it (1–64 of letters, digits and `_ - . @`), with the `v` flag (hence `\-`). */
const USER_ID_PATTERN = '[A-Za-z0-9_.@\\-]{1,64}';

/** Closes the dialog a control is in, answering `value`. */
function closeDialogOf(element: HTMLElement, value: string): void {
  element.closest('dialog')?.close(value);
}

/**
 * Adds a friend by user ID, with an optional note that goes with the request. The dialog stays open
 * while the server answers: done, it closes and a toast says what happened (added, or a request
 * waits for them); refused, it says why under the fields, so that a mistyped ID can be corrected.
 */
export function AddFriendDialog() {
  const idInput = useRef<HTMLInputElement>(null);
  const noteInput = useRef<HTMLInputElement>(null);
  const error = useSignal('');
  const busy = useSignal(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const to = idInput.current?.value.trim() ?? '';
    if (busy.value || !to) return;
    busy.value = true;
    error.value = '';
    const refusal = await addFriend(to, noteInput.current?.value.trim() ?? '');
    busy.value = false;
    if (refusal === null) {
      closeDialogOf(form, 'added');
      return;
    }
    error.value = refusal;
    idInput.current?.focus();
    idInput.current?.select();
  };

  return (
    <Modal
      id="add-friend-dialog"
      labelledBy="add-friend-title"
      describedBy="add-friend-hint"
      onAnswer={() => focusContacts(document.getElementById('add-friend'))}
    >
      <form onSubmit={submit}>
        <h2 id="add-friend-title">Add a friend</h2>
        <label for="add-friend-id">User ID</label>
        <input
          ref={idInput}
          id="add-friend-id"
          name="userID"
          required
          maxLength={64}
          pattern={USER_ID_PATTERN}
          title="Letters, digits and _ - . @, at most 64 characters"
          aria-describedby="add-friend-error"
          aria-invalid={error.value ? true : undefined}
          autocomplete="off"
          spellcheck={false}
          autofocus
        />
        <label for="add-friend-note">Note (optional)</label>
        <input ref={noteInput} id="add-friend-note" name="note" maxLength={256} autocomplete="off" />
        <p class="hint" id="add-friend-hint">
          Most people are asked first: they get your request, with your note, and you are friends once they accept.
        </p>
        <p class="form-error" id="add-friend-error" role="alert">
          {error.value}
        </p>
        <div class="dialog-actions">
          <button
            type="button"
            class="btn"
            id="add-friend-cancel"
            onClick={(event) => closeDialogOf(event.currentTarget, 'cancel')}
          >
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" id="add-friend-submit" disabled={busy.value}>
            {busy.value ? 'Adding…' : 'Add'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Gives a friend a name of the user's own (their remark), or takes it away. */
export function RenameFriendDialog({ userID, returnFocus }: { userID: string; returnFocus: HTMLElement | null }) {
  const input = useRef<HTMLInputElement>(null);
  const friend = friendOf(userID);
  const name = userName(userID);
  const own = latestNick(userID) || friend?.profile.nick || userID;
  const onAnswer = (value: string) => {
    focusContacts(returnFocus);
    const remark = input.current?.value.trim() ?? '';
    if (value === 'save' && remark !== (friend?.remark ?? '')) void renameFriend(userID, remark);
  };
  return (
    <Modal id="rename-friend-dialog" labelledBy="rename-friend-title" describedBy="friend-remark-hint" onAnswer={onAnswer}>
      <form method="dialog">
        <h2 id="rename-friend-title">Rename {name}</h2>
        <label for="friend-remark">Name in your contacts</label>
        <input
          ref={input}
          id="friend-remark"
          name="remark"
          maxLength={96}
          defaultValue={friend?.remark ?? ''}
          aria-describedby="friend-remark-hint"
          autocomplete="off"
          autofocus
        />
        <p class="hint" id="friend-remark-hint">
          Only you see it. Leave it empty to show their own name, {own}.
        </p>
        <div class="dialog-actions">
          <button
            type="button"
            class="btn"
            id="friend-remark-cancel"
            onClick={(event) => closeDialogOf(event.currentTarget, 'cancel')}
          >
            Cancel
          </button>
          <button type="submit" value="save" class="btn btn-primary" id="friend-remark-save">
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Asks before removing a friend, saying what it does (and does not); Cancel has the focus. */
export function RemoveFriendDialog({ userID, returnFocus }: { userID: string; returnFocus: HTMLElement | null }) {
  const name = userName(userID);
  const onAnswer = (value: string) => {
    focusContacts(returnFocus);
    if (value !== 'remove-friend') return;
    // The row goes: the focus, if it was there, moves to the list.
    void removeFriend(userID).then(() => {
      if (document.activeElement === document.body) focusContacts(returnFocus);
    });
  };
  return (
    <ConfirmDialog id="remove-friend" title={`Remove ${name} from your contacts?`} confirmLabel="Remove" onAnswer={onAnswer}>
      You also leave {name}’s contacts. Your conversation and its history stay, and you can still message each other.
      To be friends again, one of you adds the other.
    </ConfirmDialog>
  );
}
