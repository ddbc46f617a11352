/**
 * The client's whole state, in one place: signals that the views read and that SDK events and user
 * actions write. Nothing else holds state that the screen shows, and nothing renders by hand: a view
 * that reads a signal re-renders when it changes.
 *
 * Values are replaced, never mutated (a new array or Set each time), so a signal always notices.
 */
import { batch, computed, signal } from '@preact/signals';
import type {
  Conversation,
  ConversationID,
  Friend,
  FriendApplication,
  Message,
  MessageReaction,
  NetState,
  ReadReceiptInfo,
  SearchCloudMessagesResultItem,
  Topic,
  UserStatus,
} from '@natter/sdk';

export interface Session {
  uid: string;
  token: string;
}

/** `starting` until we know whether a saved session works; `main` from the moment login resolved. */
export type Phase = 'starting' | 'signin' | 'main';
export type Tab = 'chats' | 'archived' | 'contacts';

/** The open conversation's history: what is loaded, and what is being sent from this tab. */
export interface Thread {
  id: ConversationID;
  /** A new number per opening, so answers meant for an earlier opening are dropped. */
  token: number;
  /** Stored messages, oldest first, one per sequence. */
  messages: Message[];
  /** Sent from this tab and not stored yet (`unSend`) or refused (`fail`), in the order written. */
  outgoing: Message[];
  /** The first page has arrived (or failed). */
  loaded: boolean;
  loadingOlder: boolean;
  /** No older page is left. */
  complete: boolean;
  /** What to pass to getMessageList for the page before the oldest loaded one. */
  next: string;
  /**
   * The newest messages are loaded, so messages arriving join the history. False after a jump to
   * an older message (a search result) until the pages after it, loaded as the reader scrolls
   * down, reach the end.
   */
  latest: boolean;
  /** While not `latest`: the sequence the next newer page starts at (getMessageListHopping). */
  newerFrom: number;
  loadingNewer: boolean;
  /**
   * Messages received while not `latest`: shown once the newer pages reach the end (joining them
   * earlier would leave a gap in the history).
   */
  arrived: Message[];
  /**
   * The message a search result opened: scrolled to, focused and marked for a moment. `jump` tells
   * one jump from the next, to the same message too.
   */
  found: { key: string; jump: number } | null;
  error: string | null;
  /**
   * The reactions to the stored messages, by message ID, each list in the order the reactions were
   * first made, none with nobody left: asked of the server for each page (they are not in sync),
   * then kept by MESSAGE_REACTIONS_UPDATED (reactions.ts). A message without any has no entry.
   */
  reactions: ReadonlyMap<string, MessageReaction[]>;
  /**
   * The read receipts of the user's own messages that ask for them (`needReadReceipt`), by message
   * ID, as getMessageReadReceiptList (for each page, and after a reconnect) and
   * MESSAGE_READ_RECEIPT_RECEIVED last told them (receipts.ts): one-to-one whether the peer gave
   * theirs, in a group how many members did and did not. A message without an entry shows what its
   * own `readReceiptInfo` says (a page of history tells a one-to-one receipt).
   */
  receipts: ReadonlyMap<string, ReadReceiptInfo>;
}

/**
 * A search of the user's messages (search.ts), open while the field at the top of the list has
 * text: the conversations with matches, or the matches of one of them.
 */
export interface Search {
  /** What the field holds. */
  text: string;
  /** The words `results` are for (what was typed may have changed since). */
  words: string[];
  /** The conversations with matches, the newest match first; `null` until the first answer. */
  results: SearchCloudMessagesResultItem[] | null;
  /** Every match (the server's `totalCount`). */
  total: number;
  /** What to pass for the next page of results; `''` when there is none. */
  cursor: string;
  /** A search, or a page of one, is on its way. */
  loading: boolean;
  /** The last search failed (a toast said why); Enter tries again. */
  failed: boolean;
  /** The matches of one conversation, when one with several was chosen. */
  matches: SearchMatches | null;
}

/** One conversation's matches, newest first, a page at a time. */
export interface SearchMatches {
  id: ConversationID;
  /** How many there are, as the results counted them. */
  count: number;
  /** `null` until the first page came. */
  messages: Message[] | null;
  cursor: string;
  loading: boolean;
}

export type MenuAnchor = { x: number; y: number } | { element: HTMLElement };

export interface MenuState {
  id: ConversationID;
  anchor: MenuAnchor;
  /** Gets the focus back when the menu closes (unless an action moves it elsewhere). */
  returnFocus: HTMLElement;
}

/** The user's own menu (their name in the sidebar): setting their status, signing out. */
export interface SelfMenuState {
  anchor: MenuAnchor;
  returnFocus: HTMLElement;
}

/**
 * A message of the user's being edited in the composer (Edit in the message menu): its ID, in the
 * open conversation. Enter saves it (`modifyMessage`), Escape gives the composer its draft back.
 */
export interface Editing {
  id: ConversationID;
  key: string;
}

/** The menu of a friend in Contacts (friends.ts): by their userID. */
export interface FriendMenuState {
  userID: string;
  anchor: MenuAnchor;
  returnFocus: HTMLElement;
}

/**
 * The message menu: a stored message (by ID) or one of this tab's unsent ones (by its key). It
 * shows the message's actions, or the emoji to react with (its smiley button, or *Add reaction…*
 * among the actions).
 */
export interface MessageMenuState {
  key: string;
  kind: 'actions' | 'reactions';
  anchor: MenuAnchor;
  returnFocus: HTMLElement;
}

export type DialogState =
  | { kind: 'delete'; ids: ConversationID[]; returnFocus: HTMLElement | null }
  | { kind: 'folder'; id: ConversationID; returnFocus: HTMLElement | null }
  | { kind: 'new' }
  | { kind: 'group' }
  | { kind: 'join' }
  | { kind: 'groupInfo'; id: ConversationID; returnFocus: HTMLElement | null }
  | { kind: 'block'; id: ConversationID; returnFocus: HTMLElement | null }
  | { kind: 'addFriend' }
  | { kind: 'renameFriend'; userID: string; returnFocus: HTMLElement | null }
  | { kind: 'removeFriend'; userID: string; returnFocus: HTMLElement | null }
  | { kind: 'status'; returnFocus: HTMLElement | null }
  /** Who read a group message of the user's that asked for read receipts, and who has not (by its key). */
  | { kind: 'readReceipts'; key: string; returnFocus: HTMLElement | null }
  /** The open group's pinned messages, with who pinned each. */
  | { kind: 'pinned'; id: ConversationID; returnFocus: HTMLElement | null };

/**
 * Requests to join the groups the user owns, for the Approve / Decline buttons on their notices in
 * System notices (joinRequests.ts).
 */
export interface JoinRequests {
  /**
   * `groupID applicant` of each request waiting for an answer, as getGroupApplicationList last
   * said; `null` until it answered (the buttons show meanwhile: the server has the last word).
   */
  waiting: ReadonlySet<string> | null;
  /** How this tab answered, by the notice's message ID. */
  answered: ReadonlyMap<string, 'approved' | 'declined'>;
}

/**
 * What the client last learnt of a group's size (groupOnline.ts): its members (`getGroupProfile`'s
 * `memberCount`, or a tip's) and how many of them are online (`getGroupOnlineMemberCount`); `null`
 * when not known (not asked yet, the answer failed, or 0 online: the user is not a member).
 */
export interface GroupCounts {
  members: number | null;
  online: number | null;
}

/**
 * A group's pinned messages (pins.ts): as getPinnedGroupMessageList last gave them and
 * PINNED_GROUP_MESSAGE_UPDATED changed them since, in the order of the history, each with its
 * `pinnerInfo`; and which of them the bar under the header shows (`null`: the newest).
 */
export interface Pins {
  messages: Message[];
  shown: string | null;
}

/**
 * A group's type (`TYPES.GRP_*`), its name, and the user's role in it (`TYPES.GRP_MBR_ROLE_*`,
 * `''`: none), as its profile said.
 */
export interface GroupSelf {
  type: string;
  /** The pane's title while the group's conversation is in no list yet (a new community). */
  name: string;
  role: string;
}

export interface Toast {
  id: number;
  text: string;
  kind: 'info' | 'error';
}

/** Which part of a list row should get the focus at the next render of the list. */
export interface FocusRequest {
  id: ConversationID;
  part: 'main' | 'more';
}

/** The key of the composer's *Ask for read receipts* in localStorage: `'1'` while on. */
export const ASK_RECEIPTS_KEY = 'natter.askReadReceipts';

function storedAskReceipts(): boolean {
  try {
    return typeof localStorage !== 'undefined' && localStorage.getItem(ASK_RECEIPTS_KEY) === '1';
  } catch {
    return false; // storage refused (a privacy setting): off, as by default
  }
}

/** What the server's language services make of a message: `translate` (text) or `transcribe` (sound). */
export type LanguageService = 'translate' | 'transcribe';

/** A message's translation or transcript, as language.ts shows it under the message. */
export interface Rendering {
  service: LanguageService;
  text: string;
}

export const state = {
  phase: signal<Phase>('starting'),
  /** The server runs with `--dev`: the sign-in page offers the demo users. */
  dev: signal(false),
  /** Shown on the sign-in page: why the last attempt failed, or why the session ended. */
  signInNotice: signal(''),
  session: signal<Session | null>(null),
  /** SDK_READY has fired: the list is synced and can be shown. */
  ready: signal(false),
  netState: signal<NetState | null>(null),
  /** The unread total (muted and archived conversations left out), from the SDK. */
  total: signal(0),
  /** The SDK's default list: pinned first, then newest first. */
  list: signal<Conversation[]>([]),
  archived: signal<Conversation[]>([]),
  /** The folder (conversation group) names the server has. */
  folderNames: signal<string[]>([]),
  tab: signal<Tab>('chats'),
  /** The folder filter on the Chats tab; null shows all. */
  folder: signal<string | null>(null),
  /** Deleted, archived or restored here and waiting for the server: hidden at once. */
  hidden: signal<ReadonlySet<ConversationID>>(new Set()),
  activeID: signal<ConversationID | null>(null),
  thread: signal<Thread | null>(null),
  /** The message search, shown in place of the tabs and the list; `null` when closed. */
  search: signal<Search | null>(null),
  selecting: signal(false),
  selected: signal<ReadonlySet<ConversationID>>(new Set()),
  /** The list row that holds the roving tab stop. */
  focusID: signal<ConversationID | null>(null),
  focusRequest: signal<FocusRequest | null>(null),
  menu: signal<MenuState | null>(null),
  messageMenu: signal<MessageMenuState | null>(null),
  /** The history row holding the roving tab stop (a message ID, or an unsent message's key). */
  messageFocus: signal<string | null>(null),
  /** The message being edited in the composer, if any. */
  editing: signal<Editing | null>(null),
  /**
   * How much of each file being sent from this tab is uploaded, 0 to 1, by message ID (the SDK's
   * `onProgress`), while the upload runs: the pending message shows it.
   */
  uploads: signal<ReadonlyMap<string, number>>(new Map()),
  /** Nicks as PROFILE_UPDATED last told them, by userID: names in the open history follow them. */
  nicks: signal<ReadonlyMap<string, string>>(new Map()),
  /**
   * The sequence of the latest group tip received, by group conversation: a member changed the
   * group (here or elsewhere), so its open Group info loads it again.
   */
  groupTips: signal<ReadonlyMap<ConversationID, number>>(new Map()),
  /**
   * The topics of the communities whose Group info the user opened, by community ID, oldest
   * first, as the topic calls answered and the SDK's TOPIC_* events told since (topics.ts).
   */
  topics: signal<ReadonlyMap<string, readonly Topic[]>>(new Map()),
  /**
   * The age (seconds) of the youngest message of this user that the server refused to recall
   * (40303): messages that old or older no longer offer Recall. The server does not publish its
   * recall window, so the client learns it from the refusal.
   */
  recallRefusedAge: signal<number | null>(null),
  /**
   * Translations and transcripts the user asked for in this tab, by message ID, shown under the
   * message (language.ts); `null` while one is on its way.
   */
  renderings: signal<ReadonlyMap<string, Rendering | null>>(new Map()),
  /**
   * The language services this server answered it has none of (501 `not_configured`): their
   * menu items are offered no more this session.
   */
  servicesOff: signal<ReadonlySet<LanguageService>>(new Set()),
  /**
   * Group conversations the user can no longer write to, with why (left, removed, dismissed). The
   * server keeps such a conversation, read-only, and its object does not say so: the group calls
   * do (`checkGroupAccess` in thread.ts, the Group info dialog, leaving or dismissing here).
   */
  readOnly: signal<ReadonlyMap<ConversationID, string>>(new Map()),
  /**
   * Group conversations where the user is muted, with when the mute ends (the server's Unix
   * seconds): their composer is disabled until then. Learnt from the user's member entry (on
   * opening a group, and after a send refused as muted) and from the tips of mutes (thread.ts).
   */
  mutedUntil: signal<ReadonlyMap<ConversationID, number>>(new Map()),
  /**
   * The users this user blocks (their one-to-one messages are refused): BLACKLIST_UPDATED after
   * sign-in and on changes made elsewhere, and the answers of blocking and unblocking here.
   */
  blocked: signal<ReadonlySet<string>>(new Set()),
  joinRequests: signal<JoinRequests>({ waiting: null, answered: new Map() }),
  /**
   * The user's friend list (Contacts, friends.ts), as FRIEND_LIST_UPDATED last gave it (the SDK
   * sends it after sign-in because the client listens for it); `null` until it came.
   */
  friends: signal<Friend[] | null>(null),
  /**
   * The friend requests that wait, to the user and from them, newest first, as
   * FRIEND_APPLICATION_LIST_UPDATED last gave them; `null` until they came.
   */
  friendRequests: signal<FriendApplication[] | null>(null),
  /** Requests to the user made since they last looked at them: the Contacts tab's badge. */
  unreadFriendRequests: signal(0),
  /** Why Contacts could not load its lists; `''` when nothing went wrong. */
  contactsError: signal(''),
  /** Who may add the user as a friend (`TYPES.ALLOW_TYPE_*`, getMyProfile); `null` until known. */
  allowType: signal<string | null>(null),
  friendMenu: signal<FriendMenuState | null>(null),
  /**
   * Whether the people of the user's one-to-one conversations (and friends, while Contacts shows)
   * are online, and the custom status they chose, by userID (presence.ts): getUserStatus for each
   * one as they come into the list, then USER_STATUS_UPDATED. A user not in it is not known.
   */
  presence: signal<ReadonlyMap<string, UserStatus>>(new Map()),
  /**
   * The size of the groups opened, by group conversation (groupOnline.ts): asked while a group is
   * open, for its header's *5 members · 2 online*.
   */
  groupCounts: signal<ReadonlyMap<ConversationID, GroupCounts>>(new Map()),
  /**
   * The pinned messages of the groups opened, by group conversation (pins.ts): asked when one
   * opens and after a reconnect, then kept by PINNED_GROUP_MESSAGE_UPDATED.
   */
  pins: signal<ReadonlyMap<ConversationID, Pins>>(new Map()),
  /**
   * The type of each group opened and the user's role in it, from its profile (`checkGroupAccess`
   * in thread.ts, on opening): who may pin messages there, while the SDK's conversation does not
   * say it yet.
   */
  groupSelf: signal<ReadonlyMap<ConversationID, GroupSelf>>(new Map()),
  /** The custom status the user shows (`''`: none), as set here or on another device or tab. */
  selfStatus: signal(''),
  selfMenu: signal<SelfMenuState | null>(null),
  /**
   * The composer's *Ask for read receipts*: the messages the user sends ask their readers for a
   * receipt (`needReadReceipt`). A choice of this browser, kept in localStorage (receipts.ts), so it
   * outlives the session and applies to every conversation.
   */
  askReceipts: signal(storedAskReceipts()),
  dialog: signal<DialogState | null>(null),
  toasts: signal<Toast[]>([]),
  /** Read out by screen readers (an assertive live region). */
  announcement: signal(''),
  /** The page is visible: reading happens only then. */
  visible: signal(typeof document === 'undefined' || document.visibilityState === 'visible'),
};

/** Every folder name: the server's, and any a conversation says it is in. */
export const allFolders = computed(() => {
  const names = new Set(state.folderNames.value);
  for (const c of state.list.value) for (const g of c.conversationGroupList) names.add(g);
  return [...names];
});

/** The rows of the list as shown: the tab's list, less what is hidden, filtered by folder. */
export const visibleList = computed(() => {
  const tab = state.tab.value;
  const folder = tab === 'chats' ? state.folder.value : null;
  const hidden = state.hidden.value;
  const source = tab === 'archived' ? state.archived.value : state.list.value;
  return source.filter(
    (c) => !hidden.has(c.conversationID) && (!folder || c.conversationGroupList.includes(folder)),
  );
});

/** The row with the tab stop: the one asked for if shown, else the open one, else the first. */
export const rovingID = computed(() => {
  const items = visibleList.value;
  const wanted = state.focusID.value;
  if (wanted && items.some((c) => c.conversationID === wanted)) return wanted;
  const active = state.activeID.value;
  return items.find((c) => c.conversationID === active)?.conversationID ?? items[0]?.conversationID ?? null;
});

/** The selection, limited to the rows shown. */
export const selectedIDs = computed(() => {
  const selected = state.selected.value;
  return visibleList.value.filter((c) => selected.has(c.conversationID)).map((c) => c.conversationID);
});

export function findConversation(id: ConversationID | null): Conversation | undefined {
  if (!id) return undefined;
  return (
    state.list.value.find((c) => c.conversationID === id) ??
    state.archived.value.find((c) => c.conversationID === id)
  );
}

/**
 * The topic whose conversation `id` is, when the client holds its community's topics (topics.ts): a
 * topic's conversation is never in the list, so its unread count and name are the topic's.
 */
export function findTopic(id: ConversationID | null): Topic | undefined {
  if (!id) return undefined;
  for (const topics of state.topics.value.values()) {
    const topic = topics.find((t) => `GROUP${t.topicID}` === id);
    if (topic) return topic;
  }
  return undefined;
}

/** A group's name as the user's list shows it, when it holds the group's conversation and the group has one. */
export function groupNameOf(groupID: string): string | undefined {
  return findConversation(`GROUP${groupID}`)?.groupProfile?.name || undefined;
}

export const activeConversation = computed(() => findConversation(state.activeID.value));

export function setHidden(ids: ConversationID[], hide: boolean): void {
  const next = new Set(state.hidden.value);
  for (const id of ids) {
    if (hide) next.add(id);
    else next.delete(id);
  }
  state.hidden.value = next;
}

export function setSelected(id: ConversationID, on: boolean): void {
  const next = new Set(state.selected.value);
  if (on) next.add(id);
  else next.delete(id);
  state.selected.value = next;
}

/** Marks a group conversation read-only, saying why, or writable again (`null`). */
export function setReadOnly(id: ConversationID, reason: string | null): void {
  const current = state.readOnly.value;
  if ((current.get(id) ?? null) === reason) return;
  const next = new Map(current);
  if (reason === null) next.delete(id);
  else next.set(id, reason);
  state.readOnly.value = next;
}

/** Moves the roving tab stop to a row and focuses it once the list has rendered. */
export function focusRow(id: ConversationID | null, part: FocusRequest['part'] = 'main'): void {
  if (!id) return;
  batch(() => {
    state.focusID.value = id;
    state.focusRequest.value = { id, part };
  });
}

/** Everything that belongs to a signed-in user goes back to its empty value. */
export function resetSession(): void {
  batch(() => {
    state.session.value = null;
    state.ready.value = false;
    state.netState.value = null;
    state.total.value = 0;
    state.list.value = [];
    state.archived.value = [];
    state.folderNames.value = [];
    state.tab.value = 'chats';
    state.folder.value = null;
    state.hidden.value = new Set();
    state.activeID.value = null;
    state.thread.value = null;
    state.search.value = null;
    state.selecting.value = false;
    state.selected.value = new Set();
    state.focusID.value = null;
    state.focusRequest.value = null;
    state.menu.value = null;
    state.messageMenu.value = null;
    state.messageFocus.value = null;
    state.editing.value = null;
    state.uploads.value = new Map();
    state.nicks.value = new Map();
    state.groupTips.value = new Map();
    state.topics.value = new Map();
    state.recallRefusedAge.value = null;
    state.renderings.value = new Map();
    state.servicesOff.value = new Set();
    state.readOnly.value = new Map();
    state.mutedUntil.value = new Map();
    state.blocked.value = new Set();
    state.joinRequests.value = { waiting: null, answered: new Map() };
    state.friends.value = null;
    state.friendRequests.value = null;
    state.unreadFriendRequests.value = 0;
    state.contactsError.value = '';
    state.allowType.value = null;
    state.friendMenu.value = null;
    state.presence.value = new Map();
    state.groupCounts.value = new Map();
    state.pins.value = new Map();
    state.groupSelf.value = new Map();
    state.selfStatus.value = '';
    state.selfMenu.value = null;
    state.dialog.value = null;
  });
}
