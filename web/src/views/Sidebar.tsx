/**
 * The left column: who is signed in, with their status and their menu (Status.tsx), the message
 * search, the tabs, and what the tab shows: for Chats and Archived the folder filters, the
 * selection toolbar and the list; for Contacts the friends and friend requests (Contacts.tsx), its
 * tab carrying the count of new requests. While the search field has text, its results (Search.tsx)
 * take the place of the tabs and what they show.
 */
import TencentCloudChat from '@natter/sdk';
import { askDelete, archive, askNewConversation, setFolder, setSelecting, switchTab } from '../actions.ts';
import { signOut } from '../session.ts';
import { allFolders, selectedIDs, state, type Tab } from '../state.ts';
import { Icon } from './common.tsx';
import { Contacts } from './Contacts.tsx';
import { ConversationList } from './ConversationList.tsx';
import { SearchField, SearchResults } from './Search.tsx';
import { SelfButton } from './Status.tsx';

const { TYPES } = TencentCloudChat;

export function Sidebar() {
  const total = state.total.value;
  const net = state.netState.value;
  const offline = net === TYPES.NET_STATE_CONNECTING || net === TYPES.NET_STATE_DISCONNECTED;
  const contacts = state.tab.value === 'contacts';
  const search = state.search.value;
  return (
    <aside class="sidebar" aria-label="Conversations">
      <header class="side-head">
        <SelfButton />
        {total > 0 && (
          <span id="total-unread" class="badge badge-total" aria-label={`${total} unread`}>
            {total}
          </span>
        )}
        <button
          type="button"
          class="icon-btn"
          id="new-chat"
          aria-label="New conversation"
          title="New conversation"
          onClick={askNewConversation}
        >
          ✎
        </button>
        <button type="button" class="btn btn-small" id="sign-out" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      {offline && (
        <p class="net-status" id="net-status" role="status">
          Reconnecting…
        </p>
      )}
      <SearchField />
      {search ? <SearchResults s={search} /> : <Lists contacts={contacts} />}
    </aside>
  );
}

/** The tabs and what the chosen one shows. */
function Lists({ contacts }: { contacts: boolean }) {
  return (
    <>
      <div class="tabs" role="tablist" aria-label="Lists">
        {TABS.map((t) => (
          <TabButton key={t.tab} tab={t.tab} label={t.label} />
        ))}
      </div>
      {contacts ? (
        <Contacts />
      ) : (
        <>
          <Filters />
          <Toolbar />
          {state.ready.value ? (
            <ConversationList />
          ) : (
            <p class="list-empty" id="list-loading" role="status">
              Loading conversations…
            </p>
          )}
        </>
      )}
    </>
  );
}

const TABS: readonly { tab: Tab; label: string }[] = [
  { tab: 'chats', label: 'Chats' },
  { tab: 'archived', label: 'Archived' },
  { tab: 'contacts', label: 'Contacts' },
];

function TabButton({ tab, label }: { tab: Tab; label: string }) {
  const selected = state.tab.value === tab;
  // New friend requests show on the Contacts tab from every tab, until Contacts is opened.
  const unread = tab === 'contacts' ? state.unreadFriendRequests.value : 0;
  return (
    <button
      type="button"
      role="tab"
      class="tab"
      id={`tab-${tab}`}
      aria-selected={selected}
      aria-controls={tab === 'contacts' ? 'contacts' : 'conv-list'}
      tabIndex={selected ? 0 : -1}
      onClick={() => switchTab(tab)}
      onKeyDown={(event) => {
        if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
        const at = TABS.findIndex((t) => t.tab === tab);
        const next = TABS[(at + (event.key === 'ArrowRight' ? 1 : -1) + TABS.length) % TABS.length].tab;
        switchTab(next);
        document.getElementById(`tab-${next}`)?.focus();
      }}
    >
      {label}
      {unread > 0 && (
        <>
          <span class="badge tab-badge" id="contacts-badge" aria-hidden="true">
            {unread > 99 ? '99+' : String(unread)}
          </span>
          <span class="visually-hidden">
            , {unread} new friend request{unread === 1 ? '' : 's'}
          </span>
        </>
      )}
    </button>
  );
}

function Filters() {
  const folders = allFolders.value;
  if (state.tab.value !== 'chats' || folders.length === 0) return null;
  const current = state.folder.value;
  const chip = (name: string | null, label: string) => (
    <button
      key={name ?? ''}
      type="button"
      class="chip"
      aria-pressed={current === name}
      data-folder={name ?? ''}
      onClick={() => setFolder(name)}
    >
      {name && <Icon name="folder" />}
      {label}
    </button>
  );
  return (
    <div class="filters" id="filters" role="group" aria-label="Folders">
      {chip(null, 'All')}
      {folders.map((f) => chip(f, f))}
    </div>
  );
}

function Toolbar() {
  if (!state.selecting.value) {
    return (
      <div class="toolbar" id="toolbar">
        <span class="toolbar-count">{state.tab.value === 'archived' ? 'Archived conversations' : ''}</span>
        <button
          type="button"
          class="btn btn-small"
          id="select-mode"
          aria-label="Select conversations"
          onClick={() => setSelecting(true)}
        >
          Select
        </button>
      </div>
    );
  }
  const ids = selectedIDs.value;
  const n = ids.length;
  return (
    <div class="toolbar" id="toolbar">
      <span class="toolbar-count" aria-live="polite">
        {n} selected
      </span>
      <button
        type="button"
        class="btn btn-small btn-danger"
        id="delete-selected"
        disabled={n === 0}
        onClick={(event) => askDelete(ids, event.currentTarget)}
      >
        {n > 0 ? `Delete (${n})` : 'Delete'}
      </button>
      {state.tab.value === 'chats' && (
        <button
          type="button"
          class="btn btn-small"
          id="archive-selected"
          disabled={n === 0}
          onClick={() => void archive(ids)}
        >
          Archive
        </button>
      )}
      <button type="button" class="btn btn-small" id="cancel-select" onClick={() => setSelecting(false)}>
        Done
      </button>
    </div>
  );
}
