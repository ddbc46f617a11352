/**
 * Pinned group messages, as Tencent's (`pinGroupMessage`, `getPinnedGroupMessageList`,
 * PINNED_GROUP_MESSAGE_UPDATED): who may pin, the open group's pinned messages, pinning and
 * unpinning from the message menu, and the refusals in words.
 *
 * - Who may pin: in a work group every member; in public and meeting groups the owner and the
 *   admins; in the other kinds nobody (the server's rule). The group's type and the user's role are
 *   the conversation's `groupProfile` as the SDK keeps it (by the group's tips and notices), else
 *   what the group's profile said on opening (`state.groupSelf`, thread.ts). The server has the last
 *   word: a refusal says why.
 * - The list: asked when a group conversation opens and after a reconnect (pins are not in the
 *   SDK's catch-up), then kept by PINNED_GROUP_MESSAGE_UPDATED, which every member's devices get,
 *   the pinning one's included. A push arriving while the list is being asked is applied again on
 *   top of the answer, so neither hides the other. At most 10 a group, in the order of the history.
 * - The bar (views/Pins.tsx) shows one of them, the one pinned last by default; choosing it shows
 *   that message in the history and the bar moves on to the one before, round to the newest.
 */
import { computed, effect } from '@preact/signals';
import TencentCloudChat, { ErrorCode, type ConversationID, type Message, type PinnedGroupMessageUpdatedData, type UserInfo } from '@natter/sdk';
import { chat, currentChat } from './client.ts';
import { announce, toast } from './feedback.ts';
import { describeError, errorCode, isGroup, isGroupTip, messageText, recalledLine, senderName, targetOf } from './format.ts';
import { findConversation, groupNameOf, state, type Pins } from './state.ts';
import { checkGroupAccess, openConversation } from './thread.ts';

const { TYPES } = TencentCloudChat;

/** The most messages a group pins (the server's limit). */
export const MAX_PINNED = 10;

// ------------------------------------------------------------------ who may pin

/** The group's type and the user's role in it, as best known: the SDK's conversation, else the profile read on opening. */
function groupStanding(id: ConversationID): { type: string; role: string } {
  const profile = findConversation(id)?.groupProfile;
  const noted = state.groupSelf.value.get(id);
  return {
    type: profile?.type || noted?.type || '',
    role: (profile?.selfInfo?.role as string | undefined) || noted?.role || '',
  };
}

/** Whether the user may pin and unpin messages in a group (false while its type is not known yet). */
export function mayPin(id: ConversationID): boolean {
  if (!isGroup(id) || state.readOnly.value.has(id)) return false;
  const { type, role } = groupStanding(id);
  if (type === TYPES.GRP_WORK) return true;
  if (type === TYPES.GRP_PUBLIC || type === TYPES.GRP_MEETING) {
    return role === TYPES.GRP_MBR_ROLE_OWNER || role === TYPES.GRP_MBR_ROLE_ADMIN;
  }
  return false;
}

/** The open group's pinned messages, in the order of the history; `[]` when none or not known. */
export function pinnedOf(id: ConversationID): Message[] {
  return state.pins.value.get(id)?.messages ?? [];
}

/** The pinned copy of a message of a group, when it is pinned (its `pinnerInfo` says who pinned it). */
export function pinnedEntry(id: ConversationID, messageID: string): Message | undefined {
  return pinnedOf(id).find((m) => m.ID === messageID);
}

/** A message of the history that Pin or Unpin applies to: stored in a group, not a tip. */
function pinnable(m: Message): boolean {
  return isGroup(m.conversationID) && m.status === 'success' && !isGroupTip(m) && mayPin(m.conversationID);
}

/** *Pin* in a message's menu: a stored group message, not recalled, not pinned, where the user may pin. */
export function canPin(m: Message): boolean {
  return pinnable(m) && !m.isRevoked && !pinnedEntry(m.conversationID, m.ID);
}

/** *Unpin* in a message's menu: a pinned message (a recalled one stays pinned), where the user may pin. */
export function canUnpin(m: Message): boolean {
  return pinnable(m) && !!pinnedEntry(m.conversationID, m.ID);
}

// ------------------------------------------------------------------ the list

/** Sorted by sequence, one per ID. */
function ordered(messages: Message[]): Message[] {
  const byID = new Map(messages.map((m) => [m.ID, m]));
  return [...byID.values()].sort((a, b) => a.sequence - b.sequence);
}

/** A push applied to a group's list: a pin joins it (and shows in the bar), an unpin leaves it. */
function applied(pins: Pins, update: PinnedGroupMessageUpdatedData): Pins {
  const rest = pins.messages.filter((m) => m.ID !== update.message.ID);
  if (update.isPinned) {
    const message = { ...update.message, pinnerInfo: update.message.pinnerInfo ?? update.operatorInfo };
    return { messages: ordered([...rest, message]), shown: message.ID };
  }
  return { messages: rest, shown: pins.shown === update.message.ID ? null : pins.shown };
}

function setPins(id: ConversationID, pins: Pins | null): void {
  const next = new Map(state.pins.value);
  if (pins) next.set(id, pins);
  else next.delete(id);
  state.pins.value = next;
}

/** The lists being asked for, each with the pushes that came for its group meanwhile. */
const asking = new Map<ConversationID, { n: number; pushes: PinnedGroupMessageUpdatedData[] }>();
let asked = 0;

/**
 * Asks for a group's pinned messages. A failure keeps what was known, except that a group the user
 * is not in any more has none to show.
 */
export async function loadPins(id: ConversationID): Promise<void> {
  const sdk = currentChat();
  if (!sdk) return;
  const n = ++asked;
  asking.set(id, { n, pushes: [] });
  let list: Message[] | null = null;
  try {
    list = (await sdk.getPinnedGroupMessageList(targetOf(id))).data.messageList;
  } catch (err) {
    const code = errorCode(err);
    if (code === ErrorCode.NOT_A_MEMBER || code === ErrorCode.PERMISSION_DENIED || code === ErrorCode.NOT_FOUND) list = [];
    else console.warn('Natter: could not load the pinned messages', err);
  }
  const mine = asking.get(id);
  if (mine?.n !== n) return; // asked again meanwhile: that answer counts
  asking.delete(id);
  if (currentChat() !== sdk || list === null) return;
  const known = state.pins.value.get(id);
  let pins: Pins = { messages: ordered(list), shown: known?.shown ?? null };
  for (const push of mine.pushes) pins = applied(pins, push);
  setPins(id, pins);
}

/** The group whose pins are followed: the open one, while signed in and a member. */
const followed = computed(() => {
  const id = state.activeID.value;
  return state.phase.value === 'main' && id !== null && isGroup(id) && !state.readOnly.value.has(id) ? id : null;
});

/** A group conversation opening (or the user joining it again) asks for its pinned messages. */
effect(() => {
  const id = followed.value;
  if (id) void loadPins(id);
});

/** PINNED_GROUP_MESSAGE_UPDATED: a member (maybe the user, anywhere) pinned or unpinned a message. */
export function pinnedUpdated(update: PinnedGroupMessageUpdatedData): void {
  const id: ConversationID = `${TYPES.CONV_GROUP}${update.groupID}`;
  asking.get(id)?.pushes.push(update);
  const pins = state.pins.value.get(id);
  if (pins) setPins(id, applied(pins, update));
  else if (!asking.has(id) && id === state.activeID.peek()) void loadPins(id);
}

/** After a reconnect: changes made meanwhile were not told. The open group's list is asked again; the others' go. */
export function reloadPins(): void {
  const open = followed.peek();
  state.pins.value = new Map([...state.pins.value].filter(([id]) => id === open));
  if (open) void loadPins(open);
}

// ------------------------------------------------------------------ the bar

/** The message the bar shows: the one chosen (the one pinned last), else the newest. */
export function shownPin(id: ConversationID): { message: Message; index: number; count: number } | null {
  const pins = state.pins.value.get(id);
  if (!pins || pins.messages.length === 0) return null;
  const at = pins.messages.findIndex((m) => m.ID === pins.shown);
  const index = at >= 0 ? at : pins.messages.length - 1;
  return { message: pins.messages[index]!, index, count: pins.messages.length };
}

/**
 * The bar chosen: its message shows in the history (the page around it, when it is not loaded, as
 * a search result opens), and the bar moves on to the message pinned before it, round to the newest.
 */
export function showPinned(id: ConversationID, message: Message): void {
  const pins = state.pins.value.get(id);
  if (pins) {
    const at = pins.messages.findIndex((m) => m.ID === message.ID);
    const before = pins.messages[(at > 0 ? at : pins.messages.length) - 1];
    setPins(id, { ...pins, shown: before?.ID ?? null });
  }
  openConversation(id, message);
}

/** Opens the list of the group's pinned messages. */
export function askPinnedList(id: ConversationID, returnFocus: HTMLElement | null): void {
  state.dialog.value = { kind: 'pinned', id, returnFocus };
}

// ------------------------------------------------------------------ pinning

/** How long after a pin resolves its push should have come; else the list is asked again. */
const PUSH_GRACE_MS = 1500;

/**
 * Pins a message of a group, or unpins it. The list follows from the server's push (to this tab
 * too); a pin that changed nothing (someone did the same meanwhile) has none, so the list is asked
 * again when it does not show the change soon after. A refusal is said plainly.
 */
export async function setPinned(m: Message, pin: boolean): Promise<boolean> {
  const id = m.conversationID;
  const groupID = targetOf(id);
  try {
    await chat().pinGroupMessage({ groupID, message: m, isPinned: pin });
  } catch (err) {
    toast(pinRefusal(err, id, pin), 'error');
    if (errorCode(err) === ErrorCode.NOT_A_MEMBER) void checkGroupAccess(id);
    // The list may be out of date (10 pinned by others, a message unpinned meanwhile): ask again.
    if (errorCode(err) === ErrorCode.GROUP_PINNED_MESSAGE_COUNT_LIMIT || errorCode(err) === ErrorCode.NOT_FOUND) void loadPins(id);
    return false;
  }
  announce(pin ? 'Message pinned.' : 'Message unpinned.');
  setTimeout(() => {
    if (state.activeID.peek() === id && !!pinnedEntry(id, m.ID) !== pin) void loadPins(id);
  }, PUSH_GRACE_MS);
  return true;
}

/** Why a pin or an unpin was refused, in words. */
export function pinRefusal(err: unknown, id: ConversationID, pin: boolean): string {
  const what = pin ? 'Not pinned' : 'Not unpinned';
  switch (errorCode(err)) {
    case ErrorCode.GROUP_PINNED_MESSAGE_COUNT_LIMIT:
      return `${what}: this group has ${MAX_PINNED} pinned messages, the most it can have. Unpin one first.`;
    case ErrorCode.PERMISSION_DENIED: {
      const { type } = groupStanding(id);
      return type === TYPES.GRP_AVCHATROOM || type === TYPES.GRP_COMMUNITY
        ? `${what}: this kind of group has no pinned messages.`
        : `${what}: only the owner and the admins of this group can pin or unpin messages.`;
    }
    case ErrorCode.NOT_A_MEMBER:
      return `${what}: you are not a member of this group.`;
    case ErrorCode.CONFLICT:
      return `${what}: the message was recalled.`;
    case ErrorCode.NOT_FOUND:
      return `${what}: the message is no longer in the conversation.`;
    default:
      return `Could not ${pin ? 'pin' : 'unpin'} the message: ${describeError(err)}`;
  }
}

// ------------------------------------------------------------------ in words

/** Who pinned a message, as the list says it: *you*, else their nick (as PROFILE_UPDATED last told it), else their user ID. */
export function pinnerName(info: UserInfo | undefined, me: string): string {
  if (!info) return 'someone';
  if (info.userID === me) return 'you';
  return state.nicks.value.get(info.userID) || info.nick || info.userID;
}

/**
 * A pinned message as the bar and the list show it: its sender (`from`: *You*, else by nick, else
 * user ID; `name`: by nick, else user ID, for its avatar) and its text on one line, as the history words it (a recalled one says so; an image is
 * *[Image]*). The open history's copy is the newest (an edit, a recall), so it is read first.
 */
export function pinnedWords(pinned: Message, me: string): { from: string; name: string; text: string } {
  const m = state.thread.value?.messages.find((x) => x.ID === pinned.ID) ?? pinned;
  const nicks = state.nicks.value;
  const nameOf = (uid: string) => senderName(uid, nicks.get(uid) ?? (uid === m.from ? m.nick : ''));
  const name = nameOf(m.from);
  const text = m.isRevoked ? recalledLine(m, me, nameOf) : messageText(m, (uid) => nicks.get(uid), groupNameOf);
  return { from: m.from === me ? 'You' : name, name, text: text.replace(/\s+/g, ' ').trim() };
}
