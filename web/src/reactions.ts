/**
 * Reactions to messages, as Tencent's (`addMessageReaction`, `removeMessageReaction`,
 * `getMessageReactions`, MESSAGE_REACTIONS_UPDATED): which messages take them, the reactions of the
 * messages shown, the user's own added and taken back, and who reacted, in words.
 *
 * A reaction's ID is the emoji itself (`👍`): the server takes any string of 1–128 bytes, and the
 * character is what any other client shows as it is, with no table of names to agree on.
 *
 * Reactions are not in sync: the client asks for those of each page of history it loads (and of
 * the whole history shown after a reconnect, when changes may have been missed), and the event
 * keeps them current. They live in the open thread (`Thread.reactions`), by message ID.
 */
import { ErrorCode, type ConversationID, type Message, type MessageReaction } from '@natter/sdk';
import { chat, currentChat } from './client.ts';
import { announce, toast } from './feedback.ts';
import { describeError, errorCode, isGroupTip, SYSTEM_ID } from './format.ts';
import { state, type Thread } from './state.ts';
import { canSend } from './thread.ts';

export interface QuickReaction {
  /** The reactionID: the emoji. */
  id: string;
  /** Its name, for tooltips and screen readers (emoji names are read unevenly). */
  name: string;
}

/** What the picker offers, the common few of the big apps. */
export const QUICK_REACTIONS: readonly QuickReaction[] = [
  { id: '👍', name: 'Thumbs up' },
  { id: '❤️', name: 'Red heart' },
  { id: '😂', name: 'Face with tears of joy' },
  { id: '😮', name: 'Surprised face' },
  { id: '😢', name: 'Crying face' },
  { id: '🙏', name: 'Folded hands' },
];

/** How many of those who reacted so the server names, for the chips' tooltips (its most). */
const USERS_PER_REACTION = 10;

/**
 * What takes reactions: a stored message, not recalled (the server keeps its reactions but takes no
 * more, and the stub shows none), not a group tip or a system notice (nobody said them), in a
 * conversation the user can still write to (reacting in a group one has left would still be taking
 * part in it).
 */
export function canReact(m: Message): boolean {
  return m.status === 'success' && !m.isRevoked && !isGroupTip(m) && canSend(m.conversationID);
}

/** Whose reactions are worth asking for: stored messages that show as themselves. */
function showsReactions(m: Message): boolean {
  return !m.isRevoked && !isGroupTip(m) && m.conversationID !== SYSTEM_ID;
}

// ------------------------------------------------------------------ the reactions shown

/**
 * Asks the server for the reactions of messages of the open thread (a page just loaded, or all of
 * them after a reconnect); the SDK asks 20 at a time. A failure leaves the messages without:
 * reactions are not worth a toast per page, and the next opening or reconnect asks again.
 */
export async function loadReactions(token: number, conversationID: ConversationID, messages: Message[]): Promise<void> {
  const sdk = currentChat();
  const messageList = messages.filter(showsReactions);
  if (!sdk || messageList.length === 0) return;
  const answer = await sdk
    .getMessageReactions({ messageList, maxUserCountPerReaction: USERS_PER_REACTION })
    .then(({ data }) => data, () => null);
  const t = state.thread.value;
  if (!answer || !t || t.token !== token || t.id !== conversationID) return;
  const next = new Map(t.reactions);
  for (const { messageID, reactionList } of answer.resultList) setList(next, messageID, reactionList);
  state.thread.value = { ...t, reactions: next };
}

/** After a reconnect: the reactions of the whole history shown, which may have changed meanwhile. */
export function reloadReactions(): void {
  const t = state.thread.value;
  if (t?.loaded) void loadReactions(t.token, t.id, t.messages);
}

/** MESSAGE_REACTIONS_UPDATED: each changed reaction of a message as it now is. */
export function reactionsUpdated(conversationID: ConversationID, messageID: string, changed: MessageReaction[]): void {
  const t = state.thread.value;
  if (!t || t.id !== conversationID) return;
  const list = [...(t.reactions.get(messageID) ?? [])];
  for (const reaction of changed) {
    const at = list.findIndex((r) => r.reactionID === reaction.reactionID);
    if (at >= 0) list[at] = reaction;
    else list.push(reaction);
  }
  const next = new Map(t.reactions);
  setList(next, messageID, list);
  state.thread.value = { ...t, reactions: next };
}

/** Sets a message's reactions, leaving out those nobody has any more (and the entry, when none is left). */
function setList(into: Map<string, MessageReaction[]>, messageID: string, list: MessageReaction[]): void {
  const left = list.filter((r) => r.totalUserCount > 0);
  if (left.length > 0) into.set(messageID, left);
  else into.delete(messageID);
}

/** The user's reaction of this ID to a message of the open thread, if they gave it. */
export function reactedWith(t: Thread, messageID: string, reactionID: string): boolean {
  return t.reactions.get(messageID)?.some((r) => r.reactionID === reactionID && r.reactedByMyself) ?? false;
}

// ------------------------------------------------------------------ the user's own

/** A change on its way, `messageID reactionID`: a second click meanwhile would only be refused. */
const changing = new Set<string>();

/**
 * Adds the user's reaction to a message, or takes it back when they gave it (the chips and the
 * picker toggle). The SDK resolves with nothing, as Tencent's: the reaction as it now is comes with
 * MESSAGE_REACTIONS_UPDATED, here as on every other screen. The chip follows the press at once all
 * the same (`showOwn`), so that a slow connection does not leave it unanswered; the event, before
 * or after, has the last word.
 */
export async function toggleReaction(m: Message, reactionID: string): Promise<void> {
  const t = state.thread.value;
  const busy = `${m.ID} ${reactionID}`;
  if (!t || t.id !== m.conversationID || !canReact(m) || changing.has(busy)) return;
  const remove = reactedWith(t, m.ID, reactionID);
  changing.add(busy);
  try {
    if (remove) await chat().removeMessageReaction(m, reactionID);
    else await chat().addMessageReaction(m, reactionID);
    showOwn(m.conversationID, m.ID, reactionID, !remove);
    announce(remove ? `Removed your ${nameOf(reactionID)} reaction.` : `Reacted with ${nameOf(reactionID)}.`);
  } catch (err) {
    const code = errorCode(err);
    // What was shown was out of date (the user changed it on another device, and this one missed
    // the event): what they wanted holds already, so the message's reactions are asked again.
    if (code === ErrorCode.MSG_REACTION_ALREADY_CONTAIN_USER || code === ErrorCode.MSG_REACTION_NOT_CONTAIN_USER) {
      void loadReactions(t.token, t.id, [m]);
      return;
    }
    toast(refusal(err, reactionID, remove), 'error');
  } finally {
    changing.delete(busy);
  }
}

/**
 * The user's own change, as the server took it, until the event tells the reaction as it now is:
 * one more (or less) with the user among them. Nothing when the event came first.
 */
function showOwn(conversationID: ConversationID, messageID: string, reactionID: string, given: boolean): void {
  const t = state.thread.value;
  const me = state.session.value?.uid;
  if (!t || t.id !== conversationID || !me || reactedWith(t, messageID, reactionID) === given) return;
  const shown = t.reactions.get(messageID)?.find((r) => r.reactionID === reactionID);
  const others = shown?.partialUserList.filter((u) => u.userID !== me) ?? [];
  reactionsUpdated(conversationID, messageID, [
    {
      reactionID,
      totalUserCount: (shown?.totalUserCount ?? 0) + (given ? 1 : -1),
      partialUserList: given ? [...others, { userID: me, nick: '', avatar: '' }] : others,
      reactedByMyself: given,
    },
  ]);
}

/** Why a reaction was refused, in plain words. */
function refusal(err: unknown, reactionID: string, remove: boolean): string {
  switch (errorCode(err)) {
    case ErrorCode.MSG_REACTION_COUNT_LIMIT:
      return 'This message has the most reactions it can have (20 different ones): add yours to one of those.';
    case ErrorCode.MSG_REACTION_USER_COUNT_LIMIT:
      return `No more ${reactionID} reactions: 1,000 people reacted so to this message already.`;
    case ErrorCode.NOT_FOUND:
      return 'This message is no longer there to react to.';
    case ErrorCode.CONFLICT:
      return 'This message was recalled: it takes no more reactions.';
    default:
      return remove
        ? `Could not remove your reaction: ${describeError(err)}`
        : `Could not react: ${describeError(err)}`;
  }
}

// ------------------------------------------------------------------ in words

/** A reaction's name: the picker's, else the reaction ID itself (another app's reactions). */
export function nameOf(reactionID: string): string {
  return QUICK_REACTIONS.find((q) => q.id === reactionID)?.name.toLowerCase() ?? reactionID;
}

/**
 * Who reacted so, for a chip's tooltip: *You and bob*, *bob, carol and 3 others*. The server
 * names the first few (`partialUserList`); the rest are counted.
 */
export function reactedBy(reaction: MessageReaction, me: string, name: (userID: string, nick: string) => string): string {
  const names = reaction.partialUserList.filter((u) => u.userID !== me).map((u) => name(u.userID, u.nick));
  if (reaction.reactedByMyself) names.unshift('You');
  const others = reaction.totalUserCount - names.length;
  if (others > 0 && names.length === 0) return `${others} ${others === 1 ? 'person' : 'people'}`;
  if (others > 0) return `${names.join(', ')} and ${others} ${others === 1 ? 'other' : 'others'}`;
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? '');
}
