/**
 * Who is online, and the user's own status (Tencent's `getUserStatus`, `subscribeUserStatus`,
 * `unsubscribeUserStatus`, `setSelfStatus` and USER_STATUS_UPDATED).
 *
 * The people shown are watched: the peer of the open one-to-one conversation, the peers of the
 * list's one-to-one conversations, the most recent first, and the friends while Contacts shows,
 * at most 100 (Tencent's most per subscribeUserStatus call). Each one that comes into that set is
 * subscribed to and asked about once; from then on USER_STATUS_UPDATED keeps them current, here as
 * on every device of the user. The server keeps at most 200 subscriptions a user and drops the
 * oldest past that: before it would, the oldest of those no longer shown are ended here, and
 * their status forgotten (nobody would tell it any more). After a reconnect the statuses are asked
 * again, since the changes made meanwhile were not pushed.
 *
 * The user's own custom status is the SDK's (asked at sign-in); USER_STATUS_UPDATED about the user
 * tells a change made here or on another device or tab.
 */
import { batch, effect } from '@preact/signals';
import TencentCloudChat, { type Conversation, type UserStatus } from '@natter/sdk';
import { chat, currentChat } from './client.ts';
import { announce, toast } from './feedback.ts';
import { describeError, targetOf } from './format.ts';
import { state, type MenuAnchor } from './state.ts';

const { TYPES } = TencentCloudChat;

/** The most users one subscribeUserStatus names (Tencent's limit): the most watched at once. */
const WATCHED = 100;
/** The most subscriptions the server keeps for a user; past that it drops the oldest. */
const SERVER_SUBSCRIPTIONS = 200;
/** The longest custom status the server takes, in bytes of UTF-8. */
export const MAX_STATUS_BYTES = 100;

// ------------------------------------------------------------------ in words

export function isOnline(s: UserStatus | undefined): boolean {
  return s?.statusType === TYPES.USER_STATUS_ONLINE;
}

/**
 * A user's status as the conversation header says it: *Online*, *Online · in a meeting*,
 * *Offline*, *Offline · on holiday*; a user signed out of every device (unlogined) shows only
 * their custom status, if any. `''` when nothing is known or there is nothing to say.
 */
export function presenceWords(s: UserStatus | undefined): string {
  if (!s) return '';
  const state =
    s.statusType === TYPES.USER_STATUS_ONLINE ? 'Online' : s.statusType === TYPES.USER_STATUS_OFFLINE ? 'Offline' : '';
  return [state, s.customStatus].filter(Boolean).join(' · ');
}

/** The status the client holds of a user, if any. */
export function statusOf(userID: string): UserStatus | undefined {
  return state.presence.value.get(userID);
}

/** A custom status' size as the server counts it. */
export function statusBytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

// ------------------------------------------------------------------ the people watched

/** When a conversation's last message was (seconds; 0 without one), for the most recent first. */
function lastTime(c: Conversation): number {
  return c.lastMessage?.lastTime ?? 0;
}

/** The users whose status is shown, the most relevant first, at most {@link WATCHED}. */
function watchedUsers(): string[] {
  const me = state.session.value?.uid;
  const users = new Set<string>();
  const add = (userID: string) => {
    if (userID && userID !== me && users.size < WATCHED) users.add(userID);
  };
  const oneToOne = (id: string | null) => id?.startsWith(TYPES.CONV_C2C) ?? false;
  const open = state.activeID.value;
  if (oneToOne(open)) add(targetOf(open!));
  const tab = state.tab.value;
  const list = tab === 'archived' ? state.archived.value : state.list.value;
  const peers = list.filter((c) => oneToOne(c.conversationID)).sort((a, b) => lastTime(b) - lastTime(a));
  for (const c of peers) add(targetOf(c.conversationID));
  if (tab === 'contacts') for (const f of state.friends.value ?? []) add(f.userID);
  return [...users];
}

/** The instance the subscriptions below belong to: a new sign-in starts afresh. */
let owner: TencentCloudChat | null = null;
/** The users this session subscribed to, the oldest first, as the server drops them. */
let subscribed = new Set<string>();
let syncing = false;
let syncAgain = false;

/** The people shown changed: those not watched yet are subscribed to and asked about. */
effect(() => {
  const users = watchedUsers();
  // After the change that caused it: several changes at once make one round.
  if (state.phase.value === 'main' && state.ready.value && users.length > 0) queueMicrotask(() => void sync());
});

async function sync(): Promise<void> {
  const sdk = currentChat();
  if (!sdk) return;
  if (owner !== sdk) {
    owner = sdk;
    subscribed = new Set();
  }
  if (syncing) {
    syncAgain = true;
    return;
  }
  syncing = true;
  try {
    do {
      syncAgain = false;
      if (currentChat() !== sdk) return;
      const wanted = watchedUsers();
      const missing = wanted.filter((u) => !subscribed.has(u));
      if (missing.length === 0) continue;
      await makeRoom(sdk, new Set(wanted), missing.length);
      if (currentChat() !== sdk) return;
      // Noted first, so that a change of the list meanwhile does not ask for them again.
      for (const u of missing) subscribed.add(u);
      try {
        // Subscribed before asking, so that no change falls between the answer and the pushes.
        await sdk.subscribeUserStatus({ userIDList: missing });
        const { data } = await sdk.getUserStatus({ userIDList: missing });
        if (currentChat() === sdk) setStatuses(data.successUserList);
      } catch {
        // Not worth a toast: the next change of the list, or a reconnect, tries again.
        if (owner === sdk) for (const u of missing) subscribed.delete(u);
        return;
      }
    } while (syncAgain);
  } finally {
    syncing = false;
    // A change that came meanwhile, or a new sign-in while this one was asking: another round.
    if (syncAgain) {
      syncAgain = false;
      queueMicrotask(() => void sync());
    }
  }
}

/**
 * Ends the oldest subscriptions of users no longer shown, so that `adding` more fit in the
 * server's 200 without it dropping some of those shown; their statuses are forgotten.
 */
async function makeRoom(sdk: TencentCloudChat, wanted: ReadonlySet<string>, adding: number): Promise<void> {
  const excess = subscribed.size + adding - SERVER_SUBSCRIPTIONS;
  if (excess <= 0) return;
  const ending = [...subscribed].filter((u) => !wanted.has(u)).slice(0, excess);
  for (const u of ending) subscribed.delete(u);
  forget(ending);
  for (let i = 0; i < ending.length; i += WATCHED) {
    await sdk.unsubscribeUserStatus({ userIDList: ending.slice(i, i + WATCHED) }).catch(() => undefined);
  }
}

function forget(userIDs: string[]): void {
  const current = state.presence.value;
  if (!userIDs.some((u) => current.has(u))) return;
  const next = new Map(current);
  for (const u of userIDs) next.delete(u);
  state.presence.value = next;
}

/** Statuses as an answer or USER_STATUS_UPDATED gives them; the user's own is their custom status. */
function setStatuses(list: UserStatus[]): void {
  const me = state.session.value?.uid;
  let next: Map<string, UserStatus> | null = null;
  batch(() => {
    for (const s of list) {
      if (s.userID === me) {
        state.selfStatus.value = s.customStatus;
        continue;
      }
      const known = (next ?? state.presence.value).get(s.userID);
      if (known && known.statusType === s.statusType && known.customStatus === s.customStatus) continue;
      next ??= new Map(state.presence.value);
      next.set(s.userID, { userID: s.userID, statusType: s.statusType, customStatus: s.customStatus });
    }
    if (next) state.presence.value = next;
  });
}

/** USER_STATUS_UPDATED: people watched changed, or the user's own custom status did (elsewhere too). */
export function statusesUpdated(list: UserStatus[]): void {
  setStatuses(list);
}

/** SDK_READY: the user's own custom status, as the SDK learnt it at sign-in. */
export async function loadSelfStatus(): Promise<void> {
  const sdk = currentChat();
  const me = sdk?.getLoginUser();
  if (!sdk || !me) return;
  const answer = await sdk.getUserStatus({ userIDList: [me] }).then(({ data }) => data, () => null);
  if (answer && currentChat() === sdk) setStatuses(answer.successUserList);
}

/** After a reconnect: the statuses watched may have changed meanwhile, unpushed. */
export async function reloadPresence(): Promise<void> {
  const sdk = currentChat();
  if (!sdk || owner !== sdk) return;
  void sync(); // those a failure left out
  const watched = [...subscribed];
  if (watched.length > 0) {
    const answer = await sdk.getUserStatus({ userIDList: watched }).then(({ data }) => data, () => null);
    if (answer && currentChat() === sdk) setStatuses(answer.successUserList);
  }
  // The user's own: the SDK asks the server again once it caught up, without an event; what it
  // holds by now is read (a change made elsewhere meanwhile may show only with the next one).
  await loadSelfStatus();
}

// ------------------------------------------------------------------ the user's own

export function openSelfMenu(anchor: MenuAnchor, returnFocus: HTMLElement): void {
  batch(() => {
    state.menu.value = null;
    state.messageMenu.value = null;
    state.friendMenu.value = null;
    state.selfMenu.value = { anchor, returnFocus };
  });
}

export function closeSelfMenu(restoreFocus = true): void {
  const menu = state.selfMenu.value;
  if (!menu) return;
  state.selfMenu.value = null;
  if (restoreFocus && menu.returnFocus.isConnected) menu.returnFocus.focus();
}

export function askSetStatus(returnFocus: HTMLElement | null): void {
  batch(() => {
    state.selfMenu.value = null;
    state.dialog.value = { kind: 'status', returnFocus };
  });
}

/**
 * Sets the user's custom status (`''` clears it). Resolves with why it was refused, or `null` once
 * done: the user's other tabs and devices, and whoever watches them, hear it. A status over 100
 * bytes is refused here, without asking the server.
 */
export async function setSelfStatus(text: string): Promise<string | null> {
  const bytes = statusBytes(text);
  if (bytes > MAX_STATUS_BYTES) return tooLong(bytes);
  const sdk = currentChat();
  try {
    const { data } = await chat().setSelfStatus({ customStatus: text });
    if (currentChat() !== sdk) return null;
    state.selfStatus.value = data.customStatus;
    const said = text ? `Your status is now “${text}”.` : 'Your status is cleared.';
    toast(said);
    announce(said);
    return null;
  } catch (err) {
    return `Could not set your status: ${describeError(err)}`;
  }
}

/** Why a status is too long, in words a user can act on. */
export function tooLong(bytes: number): string {
  return `Too long: a status takes at most ${MAX_STATUS_BYTES} bytes, and this one has ${bytes} (accented letters and emoji take more than one). Shorten it.`;
}
