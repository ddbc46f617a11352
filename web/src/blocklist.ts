/**
 * Blocking people: the user's blocklist (Tencent's `getBlacklist`, `addToBlacklist`,
 * `removeFromBlacklist`), from a one-to-one conversation's menu and its notice. A blocked user's
 * messages to the user are refused by the server (the sender's toast says so); the user may still
 * write to them, and groups are not affected.
 */
import { batch } from '@preact/signals';
import TencentCloudChat, { type ConversationID } from '@natter/sdk';
import { chat, currentChat } from './client.ts';
import { announce, toast } from './feedback.ts';
import { describeError, displayName, targetOf } from './format.ts';
import { findConversation, state } from './state.ts';

const { TYPES } = TencentCloudChat;

/** Whether the conversation is one-to-one with someone the user blocks. */
export function isBlocked(id: ConversationID): boolean {
  return id.startsWith(TYPES.CONV_C2C) && state.blocked.value.has(targetOf(id));
}

/** The list as the SDK last gave it (BLACKLIST_UPDATED, or a call's answer). */
export function setBlocked(userIDList: string[]): void {
  const next = new Set(userIDList);
  const current = state.blocked.value;
  if (next.size !== current.size || userIDList.some((u) => !current.has(u))) state.blocked.value = next;
}

/** Asks before blocking (Dialogs.tsx, BlockDialog). */
export function askBlock(id: ConversationID, returnFocus: HTMLElement | null): void {
  batch(() => {
    state.menu.value = null;
    state.dialog.value = { kind: 'block', id, returnFocus };
  });
}

export async function block(id: ConversationID): Promise<void> {
  const name = displayName(id, findConversation(id));
  const sdk = currentChat();
  try {
    const { data } = await chat().addToBlacklist({ userIDList: [targetOf(id)] });
    if (currentChat() !== sdk) return;
    setBlocked(data);
    toast(`You blocked ${name}. They cannot message you any more.`);
    announce(`You blocked ${name}.`);
  } catch (err) {
    toast(`Could not block ${name}: ${describeError(err)}`, 'error');
  }
}

export async function unblock(id: ConversationID): Promise<void> {
  const name = displayName(id, findConversation(id));
  const sdk = currentChat();
  try {
    const { data } = await chat().removeFromBlacklist({ userIDList: [targetOf(id)] });
    if (currentChat() !== sdk) return;
    setBlocked(data);
    toast(`You unblocked ${name}. They can message you again.`);
    announce(`You unblocked ${name}.`);
  } catch (err) {
    toast(`Could not unblock ${name}: ${describeError(err)}`, 'error');
  }
}
