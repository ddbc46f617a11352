/**
 * What happens to single messages: the message menu, editing (`modifyMessage`), recalling
 * (`revokeMessage`), deleting for oneself (`deleteMessage`), and the same changes arriving from the
 * SDK (MESSAGE_MODIFIED, MESSAGE_REVOKED, MESSAGE_READ_BY_PEER, NATTER_MESSAGES_DELETED) and from
 * profile updates (PROFILE_UPDATED). Each writes `state.thread`, whose views render the new text,
 * the stubs, and drop the deleted.
 */
import { batch } from '@preact/signals';
import TencentCloudChat, { ErrorCode, NatterError, type ConversationID, type Message, type Profile } from '@natter/sdk';
import { chat, currentChat } from './client.ts';
import { announce, toast } from './feedback.ts';
import { describeError, errorCode, messageText, SYSTEM_ID } from './format.ts';
import { forget } from './language.ts';
import { state, type MenuAnchor, type MessageMenuState, type Thread } from './state.ts';
import { canSend } from './thread.ts';

const { TYPES } = TencentCloudChat;

// ------------------------------------------------------------------ the menu

/** Opens a message's actions, or the emoji to react to it with (`reactions`). */
export function openMessageMenu(
  key: string,
  anchor: MenuAnchor,
  returnFocus: HTMLElement,
  kind: MessageMenuState['kind'] = 'actions',
): void {
  batch(() => {
    state.menu.value = null;
    state.messageFocus.value = key;
    state.messageMenu.value = { key, kind, anchor, returnFocus };
  });
}

export function closeMessageMenu(restoreFocus = true): void {
  const menu = state.messageMenu.value;
  if (!menu) return;
  state.messageMenu.value = null;
  if (restoreFocus && menu.returnFocus.isConnected) menu.returnFocus.focus();
}

/**
 * The message a menu key (its ID) names: a stored one, or one of this tab's unsent ones. The SDK
 * keeps a message's ID when it is sent, so a menu or an edit opened on it follows it.
 */
export function messageByKey(key: string): Message | undefined {
  const t = state.thread.value;
  return t?.messages.find((m) => m.ID === key) ?? t?.outgoing.find((o) => o.ID === key);
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

/**
 * Edit is offered on this user's own stored text messages, not recalled, in a conversation they can
 * still write to. (Tencent's modifyMessage lets any member change any message; a chat app lets
 * people edit what they wrote.)
 */
export function canEdit(m: Message): boolean {
  const me = state.session.value?.uid;
  return (
    !!me &&
    m.from === me &&
    m.status === 'success' &&
    !m.isRevoked &&
    m.type === TYPES.MSG_TEXT &&
    canSend(m.conversationID)
  );
}

/** Deleting is offered on stored messages and on this tab's refused ones, not on those in flight. */
export function canDelete(m: Message): boolean {
  return m.status !== 'unSend';
}

// ------------------------------------------------------------------ editing

/** Puts one of the user's messages in the composer (views/Pane.tsx swaps the text in). */
export function startEdit(key: string): void {
  const t = state.thread.value;
  const message = messageByKey(key);
  if (!t || !message || !canEdit(message)) return;
  state.editing.value = { id: t.id, key };
  announce('Editing your message. Enter saves it, Escape cancels.');
}

/** Leaves editing; the composer gets its draft back. */
export function cancelEdit(): void {
  state.editing.value = null;
}

/** The key of the message this tab is saving an edit of: its own change is not news to it. */
let saving: string | null = null;

/**
 * Saves the edited text (`modifyMessage`) on the version of the message shown, with its mentions
 * and those chosen while editing. Resolves true when editing is over (saved, unchanged, or the
 * message is gone); false to go on editing, after a refusal the toast explains. A conflict (someone
 * changed the message meanwhile) shows the message as it now is, and keeps the user's text in the
 * composer: Enter saves it over the other change, Escape keeps that one.
 */
export async function saveEdit(key: string, text: string, newMentions: string[] = []): Promise<boolean> {
  const message = messageByKey(key);
  if (!message || !canEdit(message)) {
    toast('This message cannot be edited any more.', 'error');
    return true;
  }
  if (text === messageText(message) && newMentions.every((u) => message.atUserList.includes(u))) return true;
  // A copy: the bubble keeps the stored text until the server has the new one.
  const edited: Message = {
    ...message,
    payload: { ...message.payload, text },
    atUserList: [...new Set([...message.atUserList, ...newMentions])],
  };
  saving = key;
  try {
    const { data } = await chat().modifyMessage(edited);
    replaceInThread(data.message.conversationID, [data.message]);
    forget([key]);
    announce('Message edited.');
    return true;
  } catch (err) {
    const latest = err instanceof NatterError ? (err.data?.message as Message | undefined) : undefined;
    if (errorCode(err) === ErrorCode.MSG_MODIFY_CONFLICT && latest) {
      replaceInThread(latest.conversationID, [latest]);
      if (latest.isRevoked) {
        toast('Not saved: the message was recalled.', 'error');
        return true;
      }
      toast(
        `Not saved: someone else changed this message meanwhile. It now reads “${messageText(latest)}”. ` +
          'Press Enter to save your text over it, or Escape to keep it.',
        'error',
      );
      return false;
    }
    toast(`Could not edit the message: ${describeError(err)}`, 'error');
    return false;
  } finally {
    if (saving === key) saving = null;
  }
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
  dropFromThread(t.id, [message.ID]);
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
  // A message being edited that was recalled meanwhile cannot be saved any more.
  const editing = state.editing.value;
  if (editing && editing.key !== saving && messages.some((m) => m.ID === editing.key && m.isRevoked)) {
    cancelEdit();
    toast('The message you were editing was recalled.', 'error');
  }
}

/**
 * MESSAGE_MODIFIED: messages changed by a member (this user elsewhere, or someone else), shown with
 * their new text. One being edited here: the user is told, and what they save goes over it.
 */
export function modifiedElsewhere(messages: Message[]): void {
  changedInPlace(messages);
  forget(messages.map((m) => m.ID));
  const editing = state.editing.value;
  const changed = editing && editing.key !== saving ? messages.find((m) => m.ID === editing.key) : undefined;
  if (!changed) return;
  toast(
    `The message you are editing was just changed elsewhere: it now reads “${messageText(changed)}”. ` +
      'Saving puts your text over it.',
  );
}

/** NATTER_MESSAGES_DELETED: this user deleted messages on another device or tab. */
export function deletedElsewhere(conversationID: ConversationID, ids: string[]): void {
  dropFromThread(conversationID, ids);
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

function dropFromThread(conversationID: ConversationID, ids: string[]): void {
  const t: Thread | null = state.thread.value;
  if (!t || t.id !== conversationID) return;
  const gone = new Set(ids);
  batch(() => {
    state.thread.value = {
      ...t,
      messages: t.messages.filter((m) => !gone.has(m.ID)),
      outgoing: t.outgoing.filter((o) => !gone.has(o.ID)),
    };
    const menu = state.messageMenu.value;
    if (menu && gone.has(menu.key)) state.messageMenu.value = null;
    if (state.editing.value && gone.has(state.editing.value.key)) state.editing.value = null;
  });
}
