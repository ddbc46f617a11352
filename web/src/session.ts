/**
 * Signing in and out, and the SDK's events: the one place where what the SDK says becomes state.
 *
 * The page uses the API on its own origin (`location.origin`). A tab keeps its session in
 * sessionStorage until it signs out or is signed out (a kick).
 */
import { batch, effect } from '@preact/signals';
import TencentCloudChat, { type KickedOutType } from '@natter/sdk';
import { deletedElsewhere, noteGroupTips, refreshFolders, scheduleSideRefresh, setFolderNames } from './actions.ts';
import { setBlocked } from './blocklist.ts';
import { currentChat, pageFetch, setChat } from './client.ts';
import { detectDev } from './demo.ts';
import { noteMyProfile, setFriendRequests, setFriends } from './friends.ts';
import { noteJoinRequests } from './joinRequests.ts';
import {
  changedInPlace,
  deletedElsewhere as messagesDeletedElsewhere,
  modifiedElsewhere,
  profilesUpdated,
} from './messages.ts';
import { describeError, errorCode } from './format.ts';
import { noteMembershipTips, noteStatusChanges, refreshGroupCounts } from './groupOnline.ts';
import { pinnedUpdated, reloadPins } from './pins.ts';
import { loadSelfStatus, reloadPresence, statusesUpdated } from './presence.ts';
import { reactionsUpdated, reloadReactions } from './reactions.ts';
import { receiptsReceived, reloadReceipts } from './receipts.ts';
import { resetSession, state, type Session } from './state.ts';
import { topicCreated, topicsDeleted, topicUpdated } from './topics.ts';
import { addressedConversation, noteMutes, openConversation, receive, rememberOpen } from './thread.ts';

const { EVENT, TYPES } = TencentCloudChat;
const SESSION_KEY = 'natter.session';

/** Why the server ended a session, as the sign-in page says it. */
export function kickReason(type: KickedOutType): string {
  switch (type) {
    case TYPES.KICKED_OUT_MULT_ACCOUNT:
      return 'You were signed out: this device signed in again somewhere else (another tab or window with the same token).';
    case TYPES.KICKED_OUT_USERSIG_EXPIRED:
      return 'You were signed out: the app replaced or revoked the token of this device.';
    case TYPES.KICKED_OUT_REST_API:
      return 'You were signed out by the app.';
    default:
      return 'You were signed out: another device took over this session.';
  }
}

export async function start(): Promise<void> {
  state.dev.value = await detectDev();
  const saved = sessionStorage.getItem(SESSION_KEY);
  let session: Session | null = null;
  try {
    session = saved ? (JSON.parse(saved) as Session) : null;
  } catch {
    sessionStorage.removeItem(SESSION_KEY);
  }
  if (session) await signIn(session);
  else {
    rememberOpen(null);
    state.phase.value = 'signin';
  }
}

export async function signIn(session: Session): Promise<void> {
  if (!session.uid || !session.token) {
    showSignIn('Enter a user ID and a token.');
    return;
  }
  await endSession();
  resetSession();
  const sdk = TencentCloudChat.create({ serverUrl: location.origin, fetch: pageFetch });
  sdk.setLogLevel(1);
  setChat(sdk);
  listen(sdk);
  try {
    await sdk.login({ userID: session.uid, userSig: session.token });
  } catch (err) {
    // Only a refused token is forgotten: after a failure to reach the server, a reload tries it again.
    if (errorCode(err) === 40101) sessionStorage.removeItem(SESSION_KEY);
    await endSession();
    showSignIn(
      errorCode(err) === 40101 ? 'This token is not valid on this server.' : `Sign-in failed: ${describeError(err)}`,
    );
    return;
  }
  if (currentChat() !== sdk) return; // kicked or signed out meanwhile
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  batch(() => {
    state.session.value = session;
    state.total.value = sdk.getTotalUnreadMessageCount();
    state.ready.value = sdk.isReady();
    state.signInNotice.value = '';
    state.phase.value = 'main';
  });
  void refreshFolders();
  // After a reload, the conversation that was open opens again, once the list (and its draft) is in.
  const open = addressedConversation();
  if (open && sdk.isReady()) openConversation(open);
  else if (open) reopen = open;
}

export async function signOut(): Promise<void> {
  sessionStorage.removeItem(SESSION_KEY);
  await endSession();
  showSignIn('');
}

/** The conversation to open again once the SDK is ready (the address named it at sign-in). */
let reopen: string | null = null;

function showSignIn(notice: string): void {
  reopen = null;
  rememberOpen(null);
  batch(() => {
    resetSession();
    state.signInNotice.value = notice;
    state.phase.value = 'signin';
  });
}

/** Logs out and destroys the instance, so its handlers go with it. */
async function endSession(): Promise<void> {
  const sdk = currentChat();
  setChat(null);
  if (sdk) await sdk.destroy();
}

/** The server ended the session (the SDK does not reconnect): back to the sign-in page, saying why. */
function kicked(type: KickedOutType): void {
  sessionStorage.removeItem(SESSION_KEY);
  showSignIn(kickReason(type));
  void endSession();
}

/** SDK events → state. Handlers of an instance that is no longer current are ignored. */
function listen(sdk: TencentCloudChat): void {
  const live =
    <E>(handler: (event: E) => void) =>
    (event: E): void => {
      if (currentChat() === sdk) handler(event);
    };
  sdk.on(
    EVENT.SDK_READY,
    live(() => {
      state.ready.value = true;
      void loadSelfStatus();
      const open = reopen;
      reopen = null;
      if (open && !state.activeID.value) openConversation(open);
    }),
  );
  sdk.on(
    EVENT.CONVERSATION_LIST_UPDATED,
    live((event) => {
      state.list.value = event.data;
      scheduleSideRefresh();
    }),
  );
  sdk.on(
    EVENT.MESSAGE_RECEIVED,
    live((event) => {
      receive(event.data);
      noteGroupTips(event.data);
      noteMutes(event.data);
      noteJoinRequests(event.data);
      noteMembershipTips(event.data);
    }),
  );
  sdk.on(EVENT.MESSAGE_REVOKED, live((event) => changedInPlace(event.data)));
  sdk.on(EVENT.MESSAGE_MODIFIED, live((event) => modifiedElsewhere(event.data)));
  sdk.on(EVENT.MESSAGE_READ_BY_PEER, live((event) => changedInPlace(event.data)));
  sdk.on(
    EVENT.MESSAGE_REACTIONS_UPDATED,
    live((event) => reactionsUpdated(event.data.conversationID, event.data.messageID, event.data.reactionList)),
  );
  // Readers gave receipts for the user's messages that asked for them (receipts.ts).
  sdk.on(EVENT.MESSAGE_READ_RECEIPT_RECEIVED, live((event) => receiptsReceived(event.data)));
  // A member pinned or unpinned a message of a group (pins.ts): the bar and the list follow.
  sdk.on(EVENT.PINNED_GROUP_MESSAGE_UPDATED, live((event) => pinnedUpdated(event.data)));
  sdk.on(
    EVENT.NATTER_MESSAGES_DELETED,
    live((event) => messagesDeletedElsewhere(event.data.conversationID, event.data.messageIDList)),
  );
  sdk.on(
    EVENT.PROFILE_UPDATED,
    live((event) => {
      profilesUpdated(event.data);
      noteMyProfile(event.data);
    }),
  );
  // Who is online among the people watched (presence.ts), and the user's own status set elsewhere;
  // someone going on- or offline may change the open group's count (groupOnline.ts), so that first.
  sdk.on(
    EVENT.USER_STATUS_UPDATED,
    live((event) => {
      noteStatusChanges(event.data);
      statusesUpdated(event.data);
    }),
  );
  sdk.on(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, live((event) => (state.total.value = event.data)));
  sdk.on(EVENT.CONVERSATION_GROUP_LIST_UPDATED, live((event) => setFolderNames(event.data)));
  // Communities' topics, as Group info lists them (topics.ts).
  sdk.on(EVENT.TOPIC_CREATED, live((event) => topicCreated(event.data.groupID)));
  sdk.on(EVENT.TOPIC_UPDATED, live((event) => topicUpdated(event.data.groupID, event.data.topic)));
  sdk.on(EVENT.TOPIC_DELETED, live((event) => topicsDeleted(event.data.groupID, event.data.topicIDList)));
  // Listening makes the SDK fetch the list after SDK_READY; then it follows changes made elsewhere.
  sdk.on(EVENT.BLACKLIST_UPDATED, live((event) => setBlocked(event.data)));
  // The same for the friend list and the friend requests (Contacts, friends.ts).
  sdk.on(EVENT.FRIEND_LIST_UPDATED, live((event) => setFriends(event.data)));
  sdk.on(EVENT.FRIEND_APPLICATION_LIST_UPDATED, live((event) => setFriendRequests(event.data)));
  sdk.on(
    EVENT.NATTER_CONVERSATION_DELETED,
    live((event) => deletedElsewhere(event.data.conversationIDList, event.data.clearHistoryMessage)),
  );
  sdk.on(
    EVENT.NATTER_RESYNC,
    live((event) => {
      // After a data reset the open history may be gone: load it again.
      const open = state.activeID.value;
      if (event.data.reason === 'resetRequired' && open) openConversation(open);
    }),
  );
  sdk.on(
    EVENT.NET_STATE_CHANGE,
    live((event) => {
      const was = state.netState.value;
      state.netState.value = event.data.state;
      // Reactions, read receipts, statuses, the open group's count and its pinned messages are not in
      // sync: those changed while the connection was down are asked for again.
      if (event.data.state === TYPES.NET_STATE_CONNECTED && was !== null && was !== TYPES.NET_STATE_CONNECTED) {
        reloadReactions();
        reloadReceipts();
        reloadPins();
        void reloadPresence();
        refreshGroupCounts();
      }
    }),
  );
  sdk.on(EVENT.KICKED_OUT, live((event) => kicked(event.data.type)));
}

/** The tab's title: the unread total, the app, who is signed in. */
effect(() => {
  const phase = state.phase.value;
  if (phase !== 'main') {
    document.title = phase === 'signin' ? 'Sign in · Natter' : 'Natter';
    return;
  }
  const total = state.total.value;
  document.title = `${total > 0 ? `(${total}) ` : ''}Natter · ${state.session.value?.uid ?? ''}`;
});
