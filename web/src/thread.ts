/**
 * The open conversation: opening it (at its newest messages, or at a message a search found) and
 * closing it, its history page by page (older ones, and newer ones after such a jump), sending,
 * and marking it read. Everything here writes `state.activeID` and `state.thread`; the views
 * render them.
 */
import { batch, computed, effect } from '@preact/signals';
import TencentCloudChat, { ErrorCode, type ConversationID, type GetMessageListHoppingResult, type Message } from '@natter/sdk';
import { chat, currentChat } from './client.ts';
import { announce, toast } from './feedback.ts';
import {
  communityOf,
  describeError,
  displayName,
  endTime,
  errorCode,
  groupReadOnlyReason,
  isGroup,
  isGroupTip,
  SYSTEM_ID,
  targetOf,
} from './format.ts';
import { attachmentKind, fileRefusal } from './media.ts';
import { loadReactions } from './reactions.ts';
import { loadReceipts, receiptOption } from './receipts.ts';
import { activeConversation, findConversation, findTopic, setReadOnly, state, type GroupSelf, type Thread } from './state.ts';

const { TYPES } = TencentCloudChat;

let openings = 0;

/** Applies a change to the open thread, if it is still the opening the change was meant for. */
function update(token: number, change: (t: Thread) => Thread): void {
  const t = state.thread.value;
  if (t && t.token === token) state.thread.value = change(t);
}

/** Merges messages in by ID and keeps them in sequence order. */
function merge(into: Message[], add: Message[]): Message[] {
  const byID = new Map(into.map((m) => [m.ID, m]));
  for (const m of add) byID.set(m.ID, m);
  return [...byID.values()].sort((a, b) => a.sequence - b.sequence);
}

/**
 * The open conversation is kept in the page's address (`#C2Cbob`), so that a reload opens it again
 * (`addressedConversation`). It replaces the entry: no history entry per conversation.
 */
export function rememberOpen(id: ConversationID | null): void {
  if (typeof history === 'undefined') return;
  const hash = id ? `#${encodeURIComponent(id)}` : '';
  if (location.hash !== hash) history.replaceState(null, '', hash || location.pathname + location.search);
}

/** The conversation the address names, if any (after a reload). */
export function addressedConversation(): ConversationID | null {
  if (typeof location === 'undefined' || location.hash.length < 2) return null;
  try {
    const id = decodeURIComponent(location.hash.slice(1));
    return id.startsWith(TYPES.CONV_C2C) || id.startsWith(TYPES.CONV_GROUP) || id === SYSTEM_ID ? id : null;
  } catch {
    return null;
  }
}

/** A thread that has loaded nothing yet: at the newest messages, or (`latest` false) around one. */
function emptyThread(id: ConversationID, token: number, latest: boolean): Thread {
  return {
    id,
    token,
    messages: [],
    outgoing: [],
    loaded: false,
    loadingOlder: false,
    complete: false,
    next: '',
    latest,
    newerFrom: 0,
    loadingNewer: false,
    arrived: [],
    found: null,
    error: null,
    reactions: new Map(),
    receipts: new Map(),
  };
}

/**
 * Opens a conversation at its newest messages, or at `at`, one of its messages (a search result):
 * the page around it, scrolled to it and marked for a moment. A message the open history shows
 * already is only scrolled to.
 */
export function openConversation(id: ConversationID, at?: Message): void {
  const open = state.thread.value;
  if (at && open?.id === id && open.messages.some((m) => m.ID === at.ID)) {
    showFound(open.token, at.ID);
    return;
  }
  const token = ++openings;
  draftDiscarded = null;
  rememberOpen(id);
  batch(() => {
    state.menu.value = null;
    state.editing.value = null;
    state.activeID.value = id;
    if (findConversation(id)) state.focusID.value = id;
    state.thread.value = emptyThread(id, token, !at);
  });
  void (at ? loadAround(token, id, at) : loadPage(token, id, true));
  // A topic's members and rules are its community's: its own group calls say nothing of them.
  if (isGroup(id) && communityOf(id) === null) void checkGroupAccess(id);
}

/**
 * Back to the newest messages after a jump (the view's *Jump to the latest*, and sending, whose
 * message shows at the end): the history loads again from its end.
 */
export function showLatest(): Thread | null {
  const t = state.thread.value;
  if (!t || t.latest) return t;
  const fresh = emptyThread(t.id, ++openings, true);
  state.thread.value = fresh;
  void loadPage(fresh.token, t.id, true);
  return fresh;
}

/**
 * Closes the open conversation. `discardDraft` when it is leaving the list (deleted, archived, here
 * or elsewhere): saving what was typed would bring a deleted conversation back.
 */
export function closeConversation(discardDraft = false): void {
  openings++;
  if (discardDraft) draftDiscarded = state.activeID.value;
  rememberOpen(null);
  batch(() => {
    state.activeID.value = null;
    state.thread.value = null;
    state.editing.value = null;
  });
}

/** The page before the oldest loaded message; the views call it when the top comes into view. */
export function loadOlder(): void {
  const t = state.thread.value;
  if (!t || !t.loaded || t.complete || t.loadingOlder || t.error) return;
  void loadPage(t.token, t.id, false);
}

async function loadPage(token: number, id: ConversationID, first: boolean): Promise<void> {
  const next = first ? undefined : state.thread.value?.next;
  if (!first) update(token, (t) => ({ ...t, loadingOlder: true }));
  try {
    const { data } = await chat().getMessageList({ conversationID: id, nextReqMessageID: next || undefined });
    update(token, (t) => ({
      ...t,
      messages: merge(t.messages, data.messageList),
      loaded: true,
      loadingOlder: false,
      complete: data.isCompleted,
      next: data.nextReqMessageID,
    }));
    void loadReactions(token, id, data.messageList);
    void loadReceipts(token, id, data.messageList);
  } catch (err) {
    if (first) firstPageFailed(token, id, err);
    else {
      update(token, (t) => ({ ...t, loadingOlder: false }));
      if (state.thread.value?.token === token) toast(`Could not load earlier messages: ${describeError(err)}`, 'error');
    }
  }
}

function firstPageFailed(token: number, id: ConversationID, err: unknown): void {
  const error =
    errorCode(err) === 40401
      ? `${displayName(id, findConversation(id))} does not exist on this server.`
      : `Could not load the history: ${describeError(err)}`;
  update(token, (t) => ({ ...t, loaded: true, error }));
}

/** How long a message a search result opened stays marked. */
const FOUND_MS = 3000;
let jumps = 0;

/** Scrolls the history to a message and marks it for a moment (views/Messages.tsx). */
function showFound(token: number, key: string): void {
  const jump = ++jumps;
  update(token, (t) => ({ ...t, found: { key, jump } }));
  setTimeout(() => update(token, (t) => (t.found?.jump === jump ? { ...t, found: null } : t)), FOUND_MS);
}

/**
 * The history around a message (a search result), as Tencent's apps jump to one: a page of it and
 * the messages before it, and a page of those after it (getMessageListHopping from its sequence,
 * each way). Older pages then load as usual; newer ones as the reader scrolls down (`loadNewer`).
 */
async function loadAround(token: number, id: ConversationID, at: Message): Promise<void> {
  try {
    const sdk = chat();
    const [before, after] = await Promise.all([
      sdk.getMessageListHopping({ conversationID: id, sequence: at.sequence, direction: 0 }),
      sdk.getMessageListHopping({ conversationID: id, sequence: at.sequence + 1, direction: 1 }),
    ]);
    const older = before.data.messageList;
    const around = (t: Thread): Thread => ({
      ...t,
      messages: merge(t.messages, older),
      loaded: true,
      complete: before.data.isCompleted,
      next: older[0]?.ID ?? '',
    });
    update(token, (t) => withNewer(around(t), after.data));
    void loadReactions(token, id, [...older, ...after.data.messageList]);
    void loadReceipts(token, id, [...older, ...after.data.messageList]);
    const t = state.thread.value;
    if (t?.token !== token) return;
    // Recalled or deleted since the search: the history shows where it was.
    if (t.messages.some((m) => m.ID === at.ID)) showFound(token, at.ID);
    else toast('That message is no longer in the conversation.', 'error');
  } catch (err) {
    firstPageFailed(token, id, err);
  }
}

/** A page of newer messages joined to the thread; at the end, those that arrived meanwhile too. */
function withNewer(t: Thread, page: GetMessageListHoppingResult): Thread {
  const latest = page.isCompleted;
  return {
    ...t,
    messages: merge(t.messages, latest ? [...page.messageList, ...t.arrived] : page.messageList),
    arrived: latest ? [] : t.arrived,
    latest,
    newerFrom: typeof page.nextMessageSeq === 'number' ? page.nextMessageSeq : 0,
    loadingNewer: false,
  };
}

/** The page after the newest loaded message, after a jump; the views call it when the bottom comes into view. */
export function loadNewer(): void {
  const t = state.thread.value;
  if (!t || !t.loaded || t.latest || t.loadingNewer || t.error) return;
  void loadNewerPage(t.token, t.id, t.newerFrom);
}

async function loadNewerPage(token: number, id: ConversationID, from: number): Promise<void> {
  update(token, (t) => ({ ...t, loadingNewer: true }));
  try {
    const { data } = await chat().getMessageListHopping({ conversationID: id, sequence: from, direction: 1 });
    update(token, (t) => withNewer(t, data));
    void loadReactions(token, id, data.messageList);
    void loadReceipts(token, id, data.messageList);
  } catch (err) {
    update(token, (t) => ({ ...t, loadingNewer: false }));
    if (state.thread.value?.token === token) toast(`Could not load newer messages: ${describeError(err)}`, 'error');
  }
}

/**
 * New messages from the SDK (other people, and this user's other devices and tabs). After a jump
 * to an older message they wait until the newer pages reach the end.
 */
export function receive(messages: Message[]): void {
  const t = state.thread.value;
  if (!t) return;
  const mine = messages.filter((m) => m.conversationID === t.id);
  if (mine.length === 0) return;
  state.thread.value = t.latest ? { ...t, messages: merge(t.messages, mine) } : { ...t, arrived: merge(t.arrived, mine) };
}

/** System notices, and groups the user left, was removed from or that were dismissed, take no messages. */
export function canSend(id: ConversationID): boolean {
  return id !== SYSTEM_ID && !state.readOnly.value.has(id);
}

/** What the composer's place says when `canSend` is false. */
export function readOnlyNote(id: ConversationID): string {
  const reason = state.readOnly.value.get(id);
  return reason ? `${reason}: the conversation is read-only.` : 'System notices are read-only.';
}

/**
 * Finds out whether the user can still write to a group. The server keeps the conversation of a
 * group the user left, was removed from, or that was dismissed, and refuses messages to it, but the
 * conversation object does not say so; the group's profile does (`selfInfo.role`, `isDismissed`).
 * For a member, whether they are muted there is in their member entry (`muteUntil`). Asked on
 * opening a group and when a message to one is refused; its type and the user's role are noted too
 * (who may pin messages there, pins.ts). A work group the user never belonged to is
 * refused with 40301; an answer that says nothing about membership (no connection) leaves things as
 * they were.
 */
export async function checkGroupAccess(id: ConversationID): Promise<void> {
  const sdk = currentChat();
  if (!sdk) return;
  try {
    const { data } = await sdk.getGroupProfile({ groupID: targetOf(id) });
    if (currentChat() !== sdk) return;
    const readOnly = groupReadOnlyReason(data.group);
    setReadOnly(id, readOnly);
    noteGroupSelf(id, {
      type: data.group.type,
      name: data.group.name,
      role: readOnly ? '' : (data.group.selfInfo?.role ?? ''),
    });
    if (readOnly) setMutedUntil(id, 0);
    else await checkMute(id);
  } catch (err) {
    if (errorCode(err) === ErrorCode.PERMISSION_DENIED && currentChat() === sdk) {
      setReadOnly(id, 'You are not a member of this group');
    }
  }
}

/**
 * The group's type, name and the user's role in it, as its profile said (who may pin messages,
 * pins.ts; the pane's title while the group is in no list).
 */
function noteGroupSelf(id: ConversationID, self: GroupSelf): void {
  const known = state.groupSelf.value.get(id);
  if (known?.type === self.type && known?.name === self.name && known?.role === self.role) return;
  state.groupSelf.value = new Map(state.groupSelf.value).set(id, self);
}

/** Until when the user is muted in a group, from their own member entry; nothing changes on failure. */
async function checkMute(id: ConversationID): Promise<void> {
  const sdk = currentChat();
  const me = state.session.peek()?.uid;
  if (!sdk || !me) return;
  try {
    const { memberList } = (await sdk.getGroupMemberProfile({ groupID: targetOf(id), userIDList: [me] })).data;
    if (currentChat() === sdk) setMutedUntil(id, memberList[0]?.muteUntil ?? 0);
  } catch {
    // the next opening, or the next refused send, asks again
  }
}

/** The server's clock, in seconds: mutes end by it. */
export function serverNow(): number {
  return currentChat()?.getServerTime() ?? Math.floor(Date.now() / 1000);
}

const unmuteTimers = new Map<ConversationID, ReturnType<typeof setTimeout>>();

/** The longest a browser timer waits (about 24 days): a longer mute is looked at again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Notes that the user is muted in a group until `until` (server seconds), or not (0, or a time
 * passed); the composer follows, and comes back by itself when the mute ends (a second late
 * rather than early, the server's clock being known to the second).
 */
function setMutedUntil(id: ConversationID, until: number): void {
  const muted = until > serverNow() ? until : 0;
  clearTimeout(unmuteTimers.get(id));
  unmuteTimers.delete(id);
  if (muted) {
    const wait = Math.min((muted - serverNow() + 1) * 1000, MAX_TIMER_MS);
    // Only the mute it was set for: a newer one, or another session's, has its own timer.
    const recheck = () => state.mutedUntil.value.get(id) === muted && setMutedUntil(id, muted);
    unmuteTimers.set(id, setTimeout(recheck, wait));
  }
  const current = state.mutedUntil.value;
  if ((current.get(id) ?? 0) === muted) return;
  const next = new Map(current);
  if (muted) next.set(id, muted);
  else next.delete(id);
  state.mutedUntil.value = next;
}

/**
 * MESSAGE_RECEIVED: a tip of a mute (`GRP_TIP_MBR_PROFILE_UPDATED`) naming the user mutes or
 * unmutes their composer in that group: muted for `muteTime` seconds from the tip's time, 0
 * unmuted.
 */
export function noteMutes(messages: Message[]): void {
  const me = state.session.peek()?.uid;
  for (const m of messages) {
    if (!isGroupTip(m) || m.payload.operationType !== TYPES.GRP_TIP_MBR_PROFILE_UPDATED) continue;
    const mine = m.payload.memberList.find((member: { userID: string }) => member.userID === me);
    if (!mine) continue;
    const muteTime = mine.muteTime ?? 0;
    setMutedUntil(m.conversationID, muteTime > 0 ? m.time + muteTime : 0);
  }
}

/**
 * The one line that says the user is muted in a group, and until when, or that the group is muted
 * for all but its owner and admins (the conversation's `groupProfile`, which the SDK keeps by the
 * group's tips); `null` when they may send.
 */
export function muteNote(id: ConversationID): string | null {
  const until = state.mutedUntil.value.get(id);
  if (until) return `You are muted in this group until ${endTime(until)}.`;
  const group = findConversation(id)?.groupProfile;
  const role = group?.selfInfo?.role;
  const runsIt = role === TYPES.GRP_MBR_ROLE_OWNER || role === TYPES.GRP_MBR_ROLE_ADMIN;
  return group?.muteAllMembers && !runsIt ? 'Only the owner and admins can send: the group is muted for all.' : null;
}

/**
 * Sends text the Tencent way: `createTextMessage`, or `createTextAtMessage` when it mentions group
 * members (`atUserList`: user IDs, and `TYPES.MSG_AT_ALL` for everyone), then `sendMessage`. The
 * message keeps its client ID across retries, so a retry never stores it twice. While the composer
 * asks for read receipts, it asks its readers for one (`needReadReceipt`, receipts.ts).
 *
 * Returns false when nothing went out (the SDK refusing to make the message says why in a toast):
 * the caller still has the text, and gives it back to the user.
 */
export function send(text: string, atUserList: string[] = []): boolean {
  let t = state.thread.value;
  if (!t || !canSend(t.id)) return false;
  const options = {
    to: targetOf(t.id),
    conversationType: isGroup(t.id) ? TYPES.CONV_GROUP : TYPES.CONV_C2C,
    payload: { text },
    ...receiptOption(),
  };
  let message: Message;
  try {
    message =
      atUserList.length > 0 && isGroup(t.id)
        ? chat().createTextAtMessage({ ...options, payload: { text, atUserList } })
        : chat().createTextMessage(options);
  } catch (err) {
    toast(`Not sent: ${describeError(err)}`, 'error');
    return false;
  }
  // Written after a jump to an older message: the history goes back to its end, where it shows.
  t = showLatest()!;
  update(t.token, (th) => ({ ...th, outgoing: [...th.outgoing, message] }));
  saveDraft(t.id, ''); // sent: the draft is done with
  void deliver(t.token, t.id, message, () => chat().sendMessage(message));
  return true;
}

/** The file of each image, video or file message sent from this tab: what a refusal names. */
const attached = new WeakMap<Message, File>();

/** The file the user chose for a message sent from this tab, while the SDK holds it. */
export function attachedFile(m: Message): File | undefined {
  return attached.get(m);
}

/**
 * Files can be sent to the conversation now: it takes messages, the user is not muted there, and
 * the composer is not editing a message (the attach button is off then, and a paste or a drop
 * does nothing).
 */
export function canAttach(id: ConversationID): boolean {
  return canSend(id) && muteNote(id) === null && state.editing.value?.id !== id;
}

const CREATE = { image: 'createImageMessage', video: 'createVideoMessage', file: 'createFileMessage' } as const;

/**
 * Sends files (attached, pasted or dropped), one message each, the Tencent way: `create…Message`
 * with `payload.file` (media.ts decides image, video or file), then `sendMessage`, which uploads
 * the file and sends the message (asking for read receipts as text does). All show at once, pending, with their upload's progress
 * (`onProgress`, in `state.uploads`); they go one after the other, so they arrive in the order
 * chosen. As with text, a failure shows the message refused with Retry (the SDK uploads again only
 * what did not arrive), except a file that can never go (too large, empty), which leaves the list:
 * the toast says why.
 */
export function sendFiles(files: File[]): void {
  let t = state.thread.value;
  if (!t || !canAttach(t.id) || files.length === 0) return;
  const made: Message[] = [];
  for (const file of files) {
    let key = '';
    try {
      const message = chat()[CREATE[attachmentKind(file)]]({
        to: targetOf(t.id),
        conversationType: isGroup(t.id) ? TYPES.CONV_GROUP : TYPES.CONV_C2C,
        payload: { file },
        ...receiptOption(),
        onProgress: (fraction: number) => setUpload(key, fraction),
      });
      key = message.ID;
      attached.set(message, file);
      made.push(message);
    } catch (err) {
      toast(`Could not send ${file.name}: ${describeError(err)}`, 'error');
    }
  }
  if (made.length === 0) return;
  t = showLatest()!; // as for text
  update(t.token, (th) => ({ ...th, outgoing: [...th.outgoing, ...made] }));
  announce(made.length === 1 ? `Sending ${attached.get(made[0])!.name}.` : `Sending ${made.length} files.`);
  void (async () => {
    for (const message of made) await deliver(t.token, t.id, message, () => chat().sendMessage(message));
  })();
}

/** Notes how much of a message's file is uploaded (0 to 1), or that its upload is over (`null`). */
function setUpload(key: string, fraction: number | null): void {
  const current = state.uploads.value;
  if (!key || (fraction === null && !current.has(key))) return;
  const next = new Map(current);
  if (fraction === null) next.delete(key);
  else next.set(key, fraction);
  state.uploads.value = next;
}

/** Sends a refused message again, with the same client ID. */
export async function retry(message: Message): Promise<void> {
  const t = state.thread.value;
  if (!t || message.status !== 'fail') return;
  await deliver(t.token, t.id, message, () => chat().resendMessage(message));
}

async function deliver(
  token: number,
  id: ConversationID,
  message: Message,
  call: () => Promise<unknown>,
): Promise<void> {
  const attempt = call();
  update(token, (th) => ({ ...th, outgoing: [...th.outgoing] })); // the SDK set `unSend`
  try {
    await attempt.finally(() => setUpload(message.ID, null));
    update(token, (th) => ({
      ...th,
      outgoing: th.outgoing.filter((o) => o !== message),
      messages: merge(th.messages, [message]),
    }));
  } catch (err) {
    const file = attached.get(message);
    const refusal = file ? fileRefusal(err, file.name, file.size) : null;
    // now `fail`; a file that can never go leaves the list (the toast says why)
    update(token, (th) => ({
      ...th,
      outgoing: refusal?.final ? th.outgoing.filter((o) => o !== message) : [...th.outgoing],
    }));
    let reason = refusal?.reason ?? describeError(err);
    if (errorCode(err) === 40401) reason = `${displayName(id, findConversation(id))} does not exist on this server.`;
    if (errorCode(err) === 40302) {
      reason = 'You are not a member of this group.';
      void checkGroupAccess(id);
    }
    // Muted meanwhile (on a tip not seen yet): the composer follows once the mute's end is known.
    if (errorCode(err) === ErrorCode.MUTED) {
      reason = 'you are muted in this group.';
      void checkMute(id);
    }
    // The server's words name user IDs ("alice blocks bob: …"): say it with the names shown.
    if (errorCode(err) === ErrorCode.IN_BLACKLIST) {
      reason = isGroup(id)
        ? 'you are blocked from sending to this group.'
        : `${displayName(id, findConversation(id))} has blocked you, so your messages cannot reach them.`;
    }
    toast(`Not sent: ${reason}`, 'error');
  }
}

// ------------------------------------------------------------------ drafts

/** The conversation whose composer text must not be saved as its draft (it left the list). */
let draftDiscarded: ConversationID | null = null;
/** The draft last sent to the server per conversation, until the list shows it. */
const draftsAsked = new Map<ConversationID, string>();

/**
 * Keeps what is typed and not sent as the conversation's draft, on the server
 * (`setConversationDraft`), so it is there after a reload and on the user's other devices; `''`
 * clears it. Nothing is called when the server already has this text, and a conversation that is
 * not in the list yet (a new chat, no message) has no draft to clear. A failure is not worth a
 * toast: the text is still in the composer.
 */
export function saveDraft(id: ConversationID, text: string): void {
  const sdk = currentChat();
  // A topic's conversation keeps no draft: it is in no list.
  if (!sdk || draftDiscarded === id || !canSend(id) || communityOf(id) !== null) return;
  const c = findConversation(id);
  const known = draftsAsked.get(id) ?? c?.draftText ?? '';
  if (text === known || (text === '' && !c && !draftsAsked.has(id))) return;
  draftsAsked.set(id, text);
  sdk
    .setConversationDraft({ conversationID: id, draftText: text })
    .catch(() => {})
    .finally(() => {
      if (draftsAsked.get(id) === text) draftsAsked.delete(id);
    });
}

// ------------------------------------------------------------------ read on open

const READ_DELAY_MS = 150;
let readTimer: ReturnType<typeof setTimeout> | undefined;
let reading: ConversationID | null = null;

/**
 * The open conversation, when it has unread messages, its history is shown and the page visible. A
 * topic's unread count is its topic's (its conversation is in no list).
 */
const toRead = computed(() => {
  const id = state.activeID.value;
  const unread = activeConversation.value?.unreadCount ?? findTopic(id)?.unreadCount ?? 0;
  const t = state.thread.value;
  const shown = t !== null && t.loaded && t.error === null;
  return id && unread > 0 && shown && state.visible.value ? id : null;
});

/**
 * Reading clears the badge: whenever there is something `toRead`, it is marked read. One rule, run
 * by a signal effect, instead of a call at every place that could make it true.
 */
effect(() => {
  const id = toRead.value;
  clearTimeout(readTimer);
  if (id) readTimer = setTimeout(() => void markRead(id), READ_DELAY_MS);
});

async function markRead(id: ConversationID): Promise<void> {
  const sdk = currentChat();
  if (!sdk || toRead.peek() !== id || reading === id) return;
  reading = id;
  let failed = false;
  try {
    await sdk.setMessageRead({ conversationID: id });
  } catch (err) {
    failed = true;
    if (errorCode(err) !== 40401) toast(`Could not mark as read: ${describeError(err)}`, 'error');
  } finally {
    reading = null;
  }
  // Messages that came in while the call ran are still unread: read them too (not after a failure,
  // which would only fail again).
  if (!failed && toRead.peek() === id) readTimer = setTimeout(() => void markRead(id), READ_DELAY_MS);
}

if (typeof document !== 'undefined') {
  document.addEventListener('visibilitychange', () => {
    state.visible.value = document.visibilityState === 'visible';
  });
}
