/**
 * Modal dialogs, as native `<dialog>`s opened with showModal() (Modal.tsx): the browser keeps the
 * focus inside and Escape cancels. Each answers through its form's `method="dialog"` button values.
 */
import type { ConversationID } from '@natter/sdk';
import { useSignal } from '@preact/signals';
import { useRef } from 'preact/hooks';
import { addToFolder, createGroup, deleteConversations, switchTab } from '../actions.ts';
import { block } from '../blocklist.ts';
import { toast } from '../feedback.ts';
import { displayName } from '../format.ts';
import { joinGroupByID } from '../joinRequests.ts';
import { allFolders, findConversation, state } from '../state.ts';
import { openConversation } from '../thread.ts';
import { AddFriendDialog, RemoveFriendDialog, RenameFriendDialog } from './Contacts.tsx';
import { GroupInfoDialog } from './GroupInfo.tsx';
import { PinnedDialog } from './Pins.tsx';
import { ReadReceiptsDialog } from './Receipts.tsx';
import { Actions, ConfirmDialog, MEMBERS_PATTERN, Modal, restoreFocus, userIDsOf } from './Modal.tsx';
import { StatusDialog } from './Status.tsx';

export function Dialogs() {
  const d = state.dialog.value;
  if (!d) return null;
  if (d.kind === 'delete') return <DeleteDialog ids={d.ids} returnFocus={d.returnFocus} />;
  if (d.kind === 'folder') return <FolderDialog id={d.id} returnFocus={d.returnFocus} />;
  if (d.kind === 'group') return <NewGroupDialog />;
  if (d.kind === 'join') return <JoinGroupDialog />;
  if (d.kind === 'groupInfo') return <GroupInfoDialog key={d.id} id={d.id} returnFocus={d.returnFocus} />;
  if (d.kind === 'block') return <BlockDialog id={d.id} returnFocus={d.returnFocus} />;
  if (d.kind === 'addFriend') return <AddFriendDialog />;
  if (d.kind === 'renameFriend') return <RenameFriendDialog key={d.userID} userID={d.userID} returnFocus={d.returnFocus} />;
  if (d.kind === 'status') return <StatusDialog returnFocus={d.returnFocus} />;
  if (d.kind === 'pinned') return <PinnedDialog key={d.id} id={d.id} returnFocus={d.returnFocus} />;
  if (d.kind === 'readReceipts') return <ReadReceiptsDialog key={d.key} messageKey={d.key} returnFocus={d.returnFocus} />;
  if (d.kind === 'removeFriend') return <RemoveFriendDialog key={d.userID} userID={d.userID} returnFocus={d.returnFocus} />;
  return <NewConversationDialog />;
}

/** Asks before deleting; the user chooses whether to clear the history (checked, as in the SDK). */
function DeleteDialog({ ids, returnFocus }: { ids: ConversationID[]; returnFocus: HTMLElement | null }) {
  const clear = useSignal(true);
  const one = ids.length === 1;
  const names = ids.map((id) => displayName(id, findConversation(id)));
  const title = one ? `Delete the conversation with ${names[0]}?` : `Delete ${ids.length} conversations?`;
  const onAnswer = (value: string) => {
    if (value === 'delete') void deleteConversations(ids, clear.value);
    else restoreFocus(returnFocus);
  };
  return (
    <Modal id="delete-dialog" labelledBy="delete-title" describedBy="delete-desc" onAnswer={onAnswer}>
      <form method="dialog">
        <h2 id="delete-title">{title}</h2>
        <p id="delete-desc">
          {one ? 'It leaves' : 'They leave'} your conversation list. A new message brings {one ? 'it' : 'a conversation'}{' '}
          back.
        </p>
        {!one && (
          <ul class="delete-names">
            {names.map((n, i) => (
              <li key={ids[i]}>{n}</li>
            ))}
          </ul>
        )}
        <label class="check" for="delete-clear">
          <input
            type="checkbox"
            id="delete-clear"
            name="clear"
            checked={clear.value}
            onChange={(event) => (clear.value = event.currentTarget.checked)}
          />{' '}
          Also clear the chat history
        </label>
        <p class="warning" id="delete-warning" hidden={!clear.value}>
          <strong>This cannot be undone. </strong>
          The history of {one ? 'this conversation' : 'these conversations'} is cleared for you on all your devices and
          cannot be recovered. The other members keep their copy.
        </p>
        <p class="note" id="delete-keep-note" hidden={clear.value}>
          The messages are kept: a new message brings the conversation back with its history.
        </p>
        <Actions
          cancelID="delete-cancel"
          confirm={
            <button type="submit" value="delete" class="btn btn-danger" id="delete-confirm">
              {one ? 'Delete' : `Delete ${ids.length}`}
            </button>
          }
        />
      </form>
    </Modal>
  );
}

/** Asks before blocking someone, saying what it does (and does not); Cancel has the focus. */
function BlockDialog({ id, returnFocus }: { id: ConversationID; returnFocus: HTMLElement | null }) {
  const name = displayName(id, findConversation(id));
  const onAnswer = (value: string) => {
    restoreFocus(returnFocus);
    if (value === 'block') void block(id);
  };
  return (
    <ConfirmDialog id="block" title={`Block ${name}?`} confirmLabel="Block" onAnswer={onAnswer}>
      {name} will not be able to message you: their messages are refused, on all your devices. You can still write to
      them, and groups you share are not affected. If you are friends, you no longer are. You can unblock them at any
      time.
    </ConfirmDialog>
  );
}

function FolderDialog({ id, returnFocus }: { id: ConversationID; returnFocus: HTMLElement | null }) {
  const input = useRef<HTMLInputElement>(null);
  const folders = allFolders.value;
  const name = displayName(id, findConversation(id));
  const onAnswer = (value: string) => {
    restoreFocus(returnFocus);
    const folder = input.current?.value.trim() ?? '';
    if (value === 'add' && folder) void addToFolder(id, folder);
  };
  return (
    <Modal id="folder-dialog" labelledBy="folder-title" onAnswer={onAnswer}>
      <form method="dialog">
        <h2 id="folder-title">Add {name} to a folder</h2>
        <label for="folder-name">Folder name (new or existing)</label>
        <input
          ref={input}
          id="folder-name"
          name="folder"
          list="folder-names"
          required
          maxLength={32}
          autocomplete="off"
          autofocus
        />
        <datalist id="folder-names">
          {folders.map((f) => (
            <option key={f} value={f} />
          ))}
        </datalist>
        {folders.length > 0 && (
          <div class="folder-picks" role="group" aria-label="Existing folders">
            {folders.map((f) => (
              <button
                key={f}
                type="button"
                class="chip"
                onClick={() => {
                  input.current!.value = f;
                  input.current!.focus();
                }}
              >
                {f}
              </button>
            ))}
          </div>
        )}
        <Actions
          confirm={
            <button type="submit" value="add" class="btn btn-primary" id="folder-add">
              Add
            </button>
          }
        />
      </form>
    </Modal>
  );
}

/**
 * The IDs the server accepts (1–64 of letters, digits and `_ - . @`; a group ID may also hold `#`),
 * so that a typo is caught in the dialog instead of opening a conversation that cannot load or send.
 * An input's pattern is matched whole, with the `v` flag (hence `\-`).
 */
const PEER_PATTERN = '#[A-Za-z0-9_.@#\\-]{1,64}|[A-Za-z0-9_.@\\-]{1,64}';

function NewConversationDialog() {
  const input = useRef<HTMLInputElement>(null);
  const onAnswer = (value: string) => {
    if (value === 'group' || value === 'join') {
      state.dialog.value = { kind: value };
      return;
    }
    const peer = input.current?.value.trim() ?? '';
    if (value !== 'open' || !peer) return;
    if (peer === state.session.value?.uid) {
      toast('That is you: pick another user.', 'error');
      return;
    }
    switchTab('chats');
    openConversation(peer.startsWith('#') ? `GROUP${peer.slice(1)}` : `C2C${peer}`);
  };
  return (
    <Modal id="new-dialog" labelledBy="new-title" onAnswer={onAnswer}>
      <form method="dialog">
        <h2 id="new-title">New conversation</h2>
        <label for="new-peer">User ID, or # and a group ID</label>
        <input
          ref={input}
          id="new-peer"
          name="peer"
          required
          maxLength={65}
          pattern={PEER_PATTERN}
          title="Letters, digits and _ - . @ (a group ID may also hold #), at most 64 characters"
          aria-describedby="new-hint"
          autocomplete="off"
          spellcheck={false}
          autofocus
        />
        <p class="hint" id="new-hint">
          For example bob, or #demo: letters, digits and _ - . @, at most 64 characters.
        </p>
        <Actions
          confirm={
            <>
              <button type="submit" value="join" class="btn" id="new-join" formNoValidate>
                Join a group…
              </button>
              <button type="submit" value="group" class="btn" id="new-group" formNoValidate>
                New group…
              </button>
              <button type="submit" value="open" class="btn btn-primary" id="new-open">
                Open
              </button>
            </>
          }
        />
      </form>
    </Modal>
  );
}

/**
 * Starts a work group (any member may add people later) with the user as its owner, or a community
 * with topics (channels inside it, listed in its Group info).
 */
function NewGroupDialog() {
  const name = useRef<HTMLInputElement>(null);
  const members = useRef<HTMLInputElement>(null);
  const topics = useRef<HTMLInputElement>(null);
  const onAnswer = (value: string) => {
    const groupName = name.current?.value.trim() ?? '';
    if (value !== 'create' || !groupName) return;
    const me = state.session.value?.uid;
    const memberIDs = userIDsOf(members.current?.value ?? '').filter((id) => id !== me);
    void createGroup(groupName, memberIDs, topics.current?.checked === true);
  };
  return (
    <Modal id="group-dialog" labelledBy="group-title" onAnswer={onAnswer}>
      <form method="dialog">
        <h2 id="group-title">New group</h2>
        <label for="group-name">Name</label>
        <input ref={name} id="group-name" name="name" required maxLength={64} autocomplete="off" autofocus />
        <label for="group-members">Members</label>
        <input
          ref={members}
          id="group-members"
          name="members"
          pattern={MEMBERS_PATTERN}
          title="User IDs, separated by commas or spaces"
          aria-describedby="group-hint"
          autocomplete="off"
          spellcheck={false}
        />
        <p class="hint" id="group-hint">
          User IDs, separated by commas: for example bob, carol. In a work group, members can add others later.
        </p>
        <label class="group-check" for="group-topics">
          <input ref={topics} type="checkbox" id="group-topics" name="topics" aria-describedby="group-topics-hint" /> A
          community with topics
        </label>
        <p class="hint" id="group-topics-hint">
          Topics are channels inside the community, open to all its members; you and the admins you name make them.
        </p>
        <Actions
          confirm={
            <button type="submit" value="create" class="btn btn-primary" id="group-create">
              Create
            </button>
          }
        />
      </form>
    </Modal>
  );
}

/** A group ID as the server takes it (1–64 of letters, digits and `_ - . @ #`), with or without a leading #. */
const GROUP_ID_PATTERN = '#?[A-Za-z0-9_.@#\\-]{1,64}';

/**
 * Joins a public or meeting group by its ID: at once when it is open to all, else by a request its
 * owner answers, which carries the optional message.
 */
function JoinGroupDialog() {
  const groupID = useRef<HTMLInputElement>(null);
  const message = useRef<HTMLInputElement>(null);
  const onAnswer = (value: string) => {
    const id = (groupID.current?.value.trim() ?? '').replace(/^#/, '');
    if (value === 'join' && id) void joinGroupByID(id, message.current?.value.trim() ?? '');
  };
  return (
    <Modal id="join-dialog" labelledBy="join-title" onAnswer={onAnswer}>
      <form method="dialog">
        <h2 id="join-title">Join a group</h2>
        <label for="join-group-id">Group ID</label>
        <input
          ref={groupID}
          id="join-group-id"
          name="groupID"
          required
          maxLength={65}
          pattern={GROUP_ID_PATTERN}
          title="The group's ID: letters, digits and _ - . @ #, at most 64 characters"
          aria-describedby="join-hint"
          autocomplete="off"
          spellcheck={false}
          autofocus
        />
        <label for="join-message">Message to the owner (optional)</label>
        <input ref={message} id="join-message" name="message" maxLength={200} autocomplete="off" />
        <p class="hint" id="join-hint">
          A public group that takes members with approval sends its owner your request, with your message. Work groups are
          joined only by being added.
        </p>
        <Actions
          confirm={
            <button type="submit" value="join" class="btn btn-primary" id="join-submit">
              Join
            </button>
          }
        />
      </form>
    </Modal>
  );
}
