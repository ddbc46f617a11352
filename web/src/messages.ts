/**
 * What happens to single messages: the message menu, recalling (`revokeMessage`), deleting for
 * oneself (`deleteMessage`), and the same changes arriving from the SDK (MESSAGE_REVOKED,
 * MESSAGE_READ_BY_PEER, NATTER_MESSAGES_DELETED) and from profile updates (PROFILE_UPDATED). Each writes
 * `state.thread`, whose views render the stubs and drop the deleted.
 */
import { batch } from '@preact/signals';
import type { ConversationID, Message, Profile } from '@natter/sdk';
import { chat, currentChat } from './client.ts';
import { announce, toast } from './feedback.ts';
import { describeError, errorCode, SYSTEM_ID } from './format.ts';
import { state, type MenuAnchor, type Thread } from './state.ts';

// ------------------------------------------------------------------ the menu

export function openMessageMenu(key: string, anchor: MenuAnchor, returnFocus: HTMLElement): void {
  batch(() => {
    state.menu.value = null;
    state.messageFocus.value = key;
    state.messageMenu.value = { key, anchor, returnFocus };
  });
}

export function closeMessageMenu(restoreFocus = true): void {
  const menu = state.messageMenu.value;
  if (!menu) return;
  state.messageMenu.value = null;
  if (restoreFocus && menu.returnFocus.isConnected) menu.returnFocus.focus();
}

/** The message a menu key names: a stored one (by ID), or one of this tab's unsent ones. */
export function messageByKey(key: string): Message | undefined {
  const t = state.thread.value;
  return t?.messages.find((m) => m.ID === key) ?? t?.outgoing.find((o) => o.key === key)?.message;
}

/** Seconds since the message was sent, by the server's clock. */
function ageOf(m: Message): number {
  const sdk = currentChat();
  return (sdk ? sdk.getServerTime() : Math.floor(Date.now() / 1000)) - m.time;
}

/**
 * Recall is offered on this user's stored messages that are not recalled yet, until the server has
 * refused a message as old (its recall window is not published).
 */
export function canRecall(m: Message): boolean {
  const me = state.session.value?.uid;
  if (!me || m.from !== me || m.status !== 'success' || m.isRevoked || m.conversationID === SYSTEM_ID) return false;
  const refused = state.recallRefusedAge.value;
  return refused === null || ageOf(m) < refused;
}

/** Deleting is offered on stored messages and on this tab's refused ones, not on those in flight. */
export function canDelete(m: Message): boolean {
  return m.status !== 'unSend';
}

// ------------------------------------------------------------------ calls

/** Recalls one of the user's messages; the server's refusal is said plainly. */
export async function recall(key: string): Promise<void> {
  const message = messageByKey(key);
  if (!message) return;
  try {
    await chat().revokeMessage(message);
  } catch (err) {
    toast(refusal(err, message), 'error');
    return;
  }
  // The SDK marked the same object; a new one makes the view notice.
  replaceInThread(message.conversationID, [message]);
  announce('Message recalled.');
}

function refusal(err: unknown, message: Message): string {
  switch (errorCode(err)) {
    case 40303: {
      const age = ageOf(message);
      const known = state.recallRefusedAge.value;
      state.recallRefusedAge.value = known === null ? age : Math.min(known, age);
      const window = /within (\d+) s/.exec(err instanceof Error ? err.message : '')?.[1];
      return window
        ? `Too late to recall: the server allows recalling a message for ${window} s after sending it.`
        : `Too late to recall: ${describeError(err)}`;
    }
    case 40301:
      return 'Only the sender can recall a message.';
    default:
      return `Could not recall: ${describeError(err)}`;
  }
}

/** Deletes a message from this user's history, on every device; the other people keep theirs. */
export async function deleteForMe(key: string): Promise<void> {
  const message = messageByKey(key);
  const t = state.thread.value;
  if (!message || !t) return;
  try {
    await chat().deleteMessage([message]);
  } catch (err) {
    toast(`Could not delete the message: ${describeError(err)}`, 'error');
    return;
  }
  dropFromThread(t.id, [message.ID], [key]);
  announce('Message deleted for you.');
  document.getElementById('messages')?.focus();
}

// ------------------------------------------------------------------ what the SDK tells

/**
 * Messages the SDK changed in place, shown anew in the open thread: MESSAGE_REVOKED (recalled
 * messages become stubs) and MESSAGE_READ_BY_PEER (the peer read messages this user sent).
 */
export function changedInPlace(messages: Message[]): void {
  const t = state.thread.value;
  if (!t) return;
  replaceInThread(t.id, messages.filter((m) => m.conversationID === t.id));
}

/** NATTER_MESSAGES_DELETED: this user deleted messages on another device or tab. */
export function deletedElsewhere(conversationID: ConversationID, ids: string[]): void {
  dropFromThread(conversationID, ids, []);
}

/** PROFILE_UPDATED: the senders' names in the open history follow. */
export function profilesUpdated(profiles: Profile[]): void {
  const next = new Map(state.nicks.value);
  for (const p of profiles) next.set(p.userID, p.nick);
  state.nicks.value = next;
}

// ------------------------------------------------------------------ the thread

function replaceInThread(conversationID: ConversationID, changed: Message[]): void {
  const t = state.thread.value;
  if (!t || t.id !== conversationID || changed.length === 0) return;
  const byID = new Map(changed.map((m) => [m.ID, m]));
  const messages = t.messages.map((m) => {
    const next = byID.get(m.ID);
    return next ? { ...next } : m;
  });
  state.thread.value = { ...t, messages };
}

function dropFromThread(conversationID: ConversationID, ids: string[], keys: string[]): void {
  const t: Thread | null = state.thread.value;
  if (!t || t.id !== conversationID) return;
  const gone = new Set(ids);
  const goneKeys = new Set(keys);
  batch(() => {
    state.thread.value = {
      ...t,
      messages: t.messages.filter((m) => !gone.has(m.ID)),
      outgoing: t.outgoing.filter((o) => !goneKeys.has(o.key) && !gone.has(o.message.ID)),
    };
    const menu = state.messageMenu.value;
    if (menu && (gone.has(menu.key) || goneKeys.has(menu.key))) state.messageMenu.value = null;
  });
}
