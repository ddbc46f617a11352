/**
 * The message menu (right-click on a message, its ⋯ button, Shift+F10 or the context-menu key):
 * Add reaction… on any message that takes reactions, Edit for the user's own text messages,
 * Translate on text messages and Transcribe on sound messages (language.ts), Who read it… on their
 * group messages that asked for read receipts, Recall for their own messages while the server
 * allows it, Pin or Unpin on group messages where the user may pin (pins.ts), Delete for me for
 * any stored or refused one.
 * The same panel, keys and focus rules as the conversation menu.
 *
 * In its place, the emoji to react with, in a row (the message's smiley button, or Add reaction…):
 * ← → between them, Enter to react, or to take back a reaction the user gave (those are checked).
 */
import type { Message } from '@natter/sdk';
import {
  canDelete,
  canEdit,
  canRecall,
  closeMessageMenu,
  deleteForMe,
  messageByKey,
  openMessageMenu,
  recall,
  startEdit,
} from '../messages.ts';
import { renderMessage, serviceFor } from '../language.ts';
import { canPin, canUnpin, setPinned } from '../pins.ts';
import { canReact, QUICK_REACTIONS, reactedWith, toggleReaction } from '../reactions.ts';
import { askReadMembers, canListReaders } from '../receipts.ts';
import { state, type MessageMenuState } from '../state.ts';
import { MenuPanel, type Item } from './Menu.tsx';

function itemsFor(menu: MessageMenuState, m: Message): Item[] {
  const { key, anchor, returnFocus } = menu;
  const items: Item[] = [];
  // The emoji take the menu's place, and the focus.
  if (canReact(m)) {
    items.push({
      id: 'react',
      label: 'Add reaction…',
      movesFocus: true,
      run: () => openMessageMenu(key, anchor, returnFocus, 'reactions'),
    });
  }
  // The composer takes the focus, with the text to edit.
  if (canEdit(m)) items.push({ id: 'edit', label: 'Edit', movesFocus: true, run: () => startEdit(key) });
  // Shown under the message, by the server's language services.
  const service = serviceFor(m);
  if (service) {
    const label = service === 'translate' ? 'Translate' : 'Transcribe';
    items.push({ id: service, label, run: () => void renderMessage(m) });
  }
  // Who read a group message of the user's that asked for receipts (as its *2 read* does).
  if (canListReaders(m)) {
    items.push({ id: 'read-receipts', label: 'Who read it…', movesFocus: true, run: () => askReadMembers(key, returnFocus) });
  }
  if (canRecall(m)) items.push({ id: 'recall', label: 'Recall', run: () => recall(key) });
  // Pinned at the top of the group, for every member (pins.ts).
  if (canPin(m)) items.push({ id: 'pin-message', label: 'Pin', run: () => setPinned(m, true) });
  if (canUnpin(m)) items.push({ id: 'unpin-message', label: 'Unpin', run: () => setPinned(m, false) });
  if (canDelete(m)) items.push({ id: 'delete-for-me', label: 'Delete for me', danger: true, movesFocus: true, run: () => deleteForMe(key) });
  return items;
}

function reactionItems(m: Message): Item[] {
  const t = state.thread.value;
  return QUICK_REACTIONS.map(({ id, name }) => ({
    id: `react-${id}`,
    label: id,
    title: name,
    checked: t ? reactedWith(t, m.ID, id) : false,
    run: () => toggleReaction(m, id),
  }));
}

export function MessageMenu() {
  const menu = state.messageMenu.value;
  const message = menu ? messageByKey(menu.key) : undefined;
  if (!menu || !message) return null;
  if (menu.kind === 'reactions') {
    if (!canReact(message)) return null;
    return (
      <MenuPanel
        key={`${menu.key} reactions`}
        domID="reaction-picker"
        anchor={menu.anchor}
        items={reactionItems(message)}
        label="React to this message"
        horizontal
        close={closeMessageMenu}
      />
    );
  }
  const items = itemsFor(menu, message);
  if (items.length === 0) return null;
  return (
    <MenuPanel
      key={menu.key}
      domID="msg-menu"
      anchor={menu.anchor}
      items={items}
      label="Actions for this message"
      close={closeMessageMenu}
    />
  );
}
