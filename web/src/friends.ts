/**
 * Contacts: the user's friend list and the friend requests to and from them (Tencent's relationship
 * chain: `getFriendList`, `addFriend`, `acceptFriendApplication`, …), and who may add the user.
 *
 * Both lists come from the SDK's events (session.ts): FRIEND_LIST_UPDATED and
 * FRIEND_APPLICATION_LIST_UPDATED, which the SDK sends after sign-in because the client listens for
 * them, and again whenever a list changes, here, on another device, or by the other user (a request
 * arriving, accepted, refused, withdrawn; a friend removing the user). So the calls here only ask;
 * the events bring what the server made of it, to every tab. Opening Contacts asks for a list that
 * has not come (the SDK drops a failed fetch silently), and says why when that fails.
 *
 * Friends are a list, not a permission: anyone may still message anyone, friend or not.
 */
import { batch, effect } from '@preact/signals';
import TencentCloudChat, {
  type Friend,
  type FriendApplication,
  type FriendApplicationListResult,
  type Profile,
} from '@natter/sdk';
import { switchTab } from './actions.ts';
import { chat, currentChat } from './client.ts';
import { announce, toast } from './feedback.ts';
import { describeError, errorCode, friendName } from './format.ts';
import { findConversation, state, type MenuAnchor } from './state.ts';
import { openConversation } from './thread.ts';

const { TYPES } = TencentCloudChat;

/** Where an add from this client says the user found the friend (Tencent's `AddSource_Type_` and a keyword). */
const ADD_SOURCE = 'AddSource_Type_Web';

/** addFriend's `data.code` when a request now waits for the other user (Tencent's number). */
const REQUEST_SENT = 30539;

/** The choices of who may add the user, in the order the setting lists them, with what changing to each says. */
export const ALLOW_CHOICES = [
  { value: TYPES.ALLOW_TYPE_ALLOW_ANY, label: 'Anyone', done: 'Anyone can now add you as a friend, without asking.' },
  { value: TYPES.ALLOW_TYPE_NEED_CONFIRM, label: 'Ask me first', done: 'People now ask you before they add you as a friend.' },
  { value: TYPES.ALLOW_TYPE_DENY_ANY, label: 'No one', done: 'No one can add you as a friend now.' },
] as const;

// ------------------------------------------------------------------ the lists

/** FRIEND_LIST_UPDATED (or a call's answer): the whole list. */
export function setFriends(list: Friend[]): void {
  state.friends.value = list;
}

/**
 * FRIEND_APPLICATION_LIST_UPDATED (or a call's answer): the requests and the unread count. A new
 * request to the user shows as the Contacts tab's count; screen readers hear it too.
 */
export function setFriendRequests(data: FriendApplicationListResult): void {
  const before = state.friendRequests.value;
  if (before !== null) {
    const incoming = (a: FriendApplication) => a.type === TYPES.SNS_APPLICATION_SENT_TO_ME;
    const known = new Set(before.filter(incoming).map((a) => a.userID));
    const fresh = data.friendApplicationList.filter((a) => incoming(a) && !known.has(a.userID));
    if (fresh.length === 1) announce(`${fresh[0].nick || fresh[0].userID} asks to be your friend.`);
    else if (fresh.length > 1) announce(`${fresh.length} new friend requests.`);
  }
  batch(() => {
    state.friendRequests.value = data.friendApplicationList;
    state.unreadFriendRequests.value = data.unreadCount;
  });
}

/** PROFILE_UPDATED: the user's own profile, changed on another device, says who may add them now. */
export function noteMyProfile(profiles: Profile[]): void {
  const me = state.session.value?.uid;
  const mine = profiles.find((p) => p.userID === me);
  if (mine?.allowType && changingAllowType === 0) state.allowType.value = mine.allowType;
}

/** How many changes of who may add the user are on their way: the answer of a load meanwhile may predate them. */
let changingAllowType = 0;

/**
 * Contacts opened: asks for a list whose event has not come (the SDK drops a fetch that failed),
 * and for who may add the user (the profile is not pushed to the user's own tabs in every case).
 * An event that arrives meanwhile wins over the answer, which may be older.
 */
export async function loadContacts(): Promise<void> {
  const sdk = currentChat();
  if (!sdk) return;
  const current = () => currentChat() === sdk;
  const calls: Promise<unknown>[] = [
    sdk.getMyProfile().then(({ data }) => {
      if (current() && changingAllowType === 0 && data.allowType) state.allowType.value = data.allowType;
    }),
  ];
  if (state.friends.peek() === null) {
    calls.push(
      sdk.getFriendList().then(({ data }) => {
        if (current() && state.friends.peek() === null) setFriends(data);
      }),
    );
  }
  if (state.friendRequests.peek() === null) {
    calls.push(
      sdk.getFriendApplicationList().then(({ data }) => {
        if (current() && state.friendRequests.peek() === null) setFriendRequests(data);
      }),
    );
  }
  try {
    await Promise.all(calls);
    if (current()) state.contactsError.value = '';
  } catch (err) {
    if (current()) state.contactsError.value = `Could not load your contacts: ${describeError(err)}`;
  }
}

/** Contacts opened (again): load what it shows. */
effect(() => {
  if (state.phase.value === 'main' && state.tab.value === 'contacts') void loadContacts();
});

let marking = false;

/**
 * Requests to the user are read once they are shown: Contacts open in a visible page. Marking them
 * (`setFriendApplicationRead`) clears the badge on every tab, through the event that follows. A
 * list that changed while the call ran may hold a newer request: that one is marked too.
 */
function markRequestsRead(): void {
  const looking = state.phase.peek() === 'main' && state.tab.peek() === 'contacts' && state.visible.peek();
  const sdk = currentChat();
  if (!looking || !sdk || marking || state.unreadFriendRequests.peek() === 0) return;
  const seen = state.friendRequests.peek();
  marking = true;
  sdk.setFriendApplicationRead().then(
    () => {
      marking = false;
      if (currentChat() === sdk && state.friendRequests.peek() !== seen) markRequestsRead();
    },
    () => {
      // the badge stays; the next list, or opening Contacts again, tries again
      marking = false;
    },
  );
}

effect(() => {
  // Read to be run again when any of these changes.
  void [state.phase.value, state.tab.value, state.visible.value, state.unreadFriendRequests.value, state.friendRequests.value];
  markRequestsRead();
});

// ------------------------------------------------------------------ names

/** A friend's entry in the list, if the user has them there. */
export function friendOf(userID: string): Friend | undefined {
  return state.friends.value?.find((f) => f.userID === userID);
}

/** Nicks as PROFILE_UPDATED last told them: a friend's name follows a change of nick live. */
export function latestNick(userID: string): string | undefined {
  return state.nicks.value.get(userID) || undefined;
}

/**
 * A user as the client best knows them: as the friend list names them, else by the nick a request
 * or a one-to-one conversation carries, else by their user ID.
 */
export function userName(userID: string): string {
  const friend = friendOf(userID);
  if (friend) return friendName(friend, latestNick);
  const request = state.friendRequests.value?.find((a) => a.userID === userID);
  return latestNick(userID) || request?.nick || findConversation(`C2C${userID}`)?.userProfile?.nick || userID;
}

// ------------------------------------------------------------------ menu and dialogs

export function openFriendMenu(userID: string, anchor: MenuAnchor, returnFocus: HTMLElement): void {
  batch(() => {
    state.menu.value = null;
    state.messageMenu.value = null;
    state.friendMenu.value = { userID, anchor, returnFocus };
  });
}

/** Closes the menu; the focus goes back where it came from unless an action takes it elsewhere. */
export function closeFriendMenu(restoreFocus = true): void {
  const menu = state.friendMenu.value;
  if (!menu) return;
  state.friendMenu.value = null;
  if (restoreFocus) focusContacts(menu.returnFocus);
}

/** The focus back on `to`, or, when it is gone (its friend was removed), on the list's tab stop. */
export function focusContacts(to: HTMLElement | null): void {
  if (to?.isConnected) {
    to.focus();
    return;
  }
  const stop = document.querySelector<HTMLElement>('#friend-list .friend-main[tabindex="0"]');
  (stop ?? document.getElementById('add-friend'))?.focus();
}

export function askAddFriend(): void {
  state.dialog.value = { kind: 'addFriend' };
}

export function askRenameFriend(userID: string, returnFocus: HTMLElement | null): void {
  batch(() => {
    state.friendMenu.value = null;
    state.dialog.value = { kind: 'renameFriend', userID, returnFocus };
  });
}

export function askRemoveFriend(userID: string, returnFocus: HTMLElement | null): void {
  batch(() => {
    state.friendMenu.value = null;
    state.dialog.value = { kind: 'removeFriend', userID, returnFocus };
  });
}

/** Opens the one-to-one conversation with a friend, in the Chats tab (as the ✎ dialog does). */
export function chatWith(userID: string): void {
  batch(() => {
    state.friendMenu.value = null;
    switchTab('chats');
    openConversation(`${TYPES.CONV_C2C}${userID}`);
  });
}

// ------------------------------------------------------------------ calls

/**
 * Adds a friend (`addFriend`, both ways, with the note as the request's `wording`). Resolves with
 * `null` once the server took it, after a toast saying what happened: they were added at once
 * (they let anyone add them, or had asked the user first), or a request now waits for them.
 * Resolves with why not, in words, when the server refused (the dialog shows it, so the user can
 * correct the ID).
 */
export async function addFriend(to: string, note: string): Promise<string | null> {
  if (to === state.session.value?.uid) return 'That is you: enter someone else’s user ID.';
  const name = userName(to);
  try {
    const { data } = await chat().addFriend({
      to,
      source: ADD_SOURCE,
      wording: note || undefined,
      type: TYPES.SNS_ADD_TYPE_BOTH,
    });
    const said =
      data.code === REQUEST_SENT
        ? `Request sent — waiting for ${name} to accept`
        : `Added ${name}: you are now friends`;
    toast(said);
    announce(said);
    return null;
  } catch (err) {
    return addRefusal(err, to, name);
  }
}

/** Why the server refused an add, in words. */
function addRefusal(err: unknown, to: string, name: string): string {
  switch (errorCode(err)) {
    case 40305:
      // Blocking either way refuses; the client knows only whom the user blocks.
      return state.blocked.value.has(to)
        ? `You blocked ${name}: unblock them first to add them as a friend.`
        : `${name} has blocked you, so you cannot add them as a friend.`;
    case 40301:
      return `${name} does not accept friend requests.`;
    case 40401:
      return `There is no user “${to}”.`;
    case 40901:
      if (friendOf(to)) return `${name} is in your contacts already.`;
      return `Could not add ${name}: ${describeError(err)}`;
    default:
      return `Could not add ${name}: ${describeError(err)}`;
  }
}

/**
 * An answered (or withdrawn) request leaves the list at once, so its row goes with the answer; the
 * event that follows says the same.
 */
function dropRequest(userID: string, type: FriendApplication['type']): void {
  const list = state.friendRequests.value;
  if (list) state.friendRequests.value = list.filter((a) => a.userID !== userID || a.type !== type);
}

/** What answering a request that is no longer there says (answered on another device, or withdrawn). */
function requestGone(err: unknown, otherwise: string): string {
  return errorCode(err) === 40401 ? 'That request was answered or withdrawn already.' : `${otherwise}: ${describeError(err)}`;
}

/**
 * Answers (or withdraws) the request between the user and `userID` that goes `type`'s way with
 * `call`; once done, its row goes and `done` is said (`alsoAnnounce`: to screen readers too, for
 * an answer that changes more than the list of requests); else why not.
 */
async function settleRequest(
  userID: string,
  type: FriendApplication['type'],
  call: () => Promise<unknown>,
  words: { done: string; failed: string; alsoAnnounce?: boolean },
): Promise<void> {
  const sdk = currentChat();
  try {
    await call();
    if (currentChat() !== sdk) return;
    dropRequest(userID, type);
    toast(words.done);
    if (words.alsoAnnounce) announce(words.done);
  } catch (err) {
    toast(requestGone(err, words.failed), 'error');
  }
}

/** Accepts a request to the user, adding the asker to the user's list too (both become friends). */
export async function acceptRequest(userID: string): Promise<void> {
  const name = userName(userID);
  await settleRequest(
    userID,
    TYPES.SNS_APPLICATION_SENT_TO_ME,
    () => chat().acceptFriendApplication({ userID, type: TYPES.SNS_APPLICATION_AGREE_AND_ADD }),
    { done: `You and ${name} are now friends`, failed: `Could not accept ${name}’s request`, alsoAnnounce: true },
  );
}

/** Declines a request to the user: no list changes, and the asker is told nothing but that it is gone. */
export async function declineRequest(userID: string): Promise<void> {
  const name = userName(userID);
  await settleRequest(userID, TYPES.SNS_APPLICATION_SENT_TO_ME, () => chat().refuseFriendApplication({ userID }), {
    done: `You declined ${name}’s friend request`,
    failed: `Could not decline ${name}’s request`,
  });
}

/** Withdraws the user's own request (`deleteFriendApplication` of one sent by them). */
export async function withdrawRequest(userID: string): Promise<void> {
  const name = userName(userID);
  await settleRequest(
    userID,
    TYPES.SNS_APPLICATION_SENT_BY_ME,
    () => chat().deleteFriendApplication({ userID, type: TYPES.SNS_APPLICATION_SENT_BY_ME }),
    { done: `You withdrew your friend request to ${name}`, failed: `Could not withdraw your request to ${name}` },
  );
}

/** Gives a friend a name of the user's own (`updateFriend`'s `remark`); `''` goes back to their own. */
export async function renameFriend(userID: string, remark: string): Promise<void> {
  const before = userName(userID);
  const sdk = currentChat();
  try {
    const { data } = await chat().updateFriend({ userID, remark });
    if (currentChat() !== sdk) return;
    // The event follows; the answer shows at once.
    const list = state.friends.value;
    if (list) setFriends(list.map((f) => (f.userID === userID ? data : f)));
    toast(remark ? `${before} is now “${remark}” in your contacts` : `${friendName(data, latestNick)} goes by their own name again`);
  } catch (err) {
    toast(`Could not rename ${before}: ${describeError(err)}`, 'error');
  }
}

/**
 * Removes a friend both ways (`deleteFriend`): each leaves the other's list. Their conversation and
 * its history stay, and they can still message each other. The row goes at once; the event follows.
 */
export async function removeFriend(userID: string): Promise<void> {
  const name = userName(userID);
  const sdk = currentChat();
  try {
    const { data } = await chat().deleteFriend({ userIDList: [userID], type: TYPES.SNS_DELETE_TYPE_BOTH });
    if (currentChat() !== sdk) return;
    const list = state.friends.value;
    if (list) setFriends(list.filter((f) => f.userID !== userID));
    const said =
      data.failureUserIDList.length > 0 ? `${name} was not in your contacts any more` : `Removed ${name} from your contacts`;
    toast(said);
    announce(said);
  } catch (err) {
    toast(`Could not remove ${name}: ${describeError(err)}`, 'error');
  }
}

/** Changes who may add the user (`updateMyProfile`'s `allowType`); shown at once, put back if refused. */
export async function setAllowType(allowType: string): Promise<void> {
  const before = state.allowType.value;
  const choice = ALLOW_CHOICES.find((c) => c.value === allowType);
  if (!choice || allowType === before) return;
  const sdk = currentChat();
  state.allowType.value = allowType;
  changingAllowType++;
  try {
    const { data } = await chat().updateMyProfile({ allowType: choice.value });
    if (currentChat() !== sdk) return;
    if (data.allowType) state.allowType.value = data.allowType;
    toast(choice.done);
  } catch (err) {
    if (currentChat() === sdk && state.allowType.value === allowType) state.allowType.value = before;
    toast(`Could not change who can add you: ${describeError(err)}`, 'error');
  } finally {
    changingAllowType--;
  }
}
