/**
 * The message menu (right-click on a message, its ⋯ button, Shift+F10 or the context-menu key):
 * Edit for the user's own text messages, Recall for their own messages while the server allows
 * it, Delete for me for any stored or refused one. The same panel, keys and focus rules as the
 * conversation menu.
 */
import type { Message } from '@natter/sdk';
import {
  canDelete,
  canEdit,
  canRecall,
  closeMessageMenu,
  deleteForMe,
  messageByKey,
  recall,
  startEdit,
} from '../messages.ts';
import { state } from '../state.ts';
import { MenuPanel, type Item } from './Menu.tsx';

function itemsFor(key: string, m: Message): Item[] {
  const items: Item[] = [];
  // The composer takes the focus, with the text to edit.
  if (canEdit(m)) items.push({ id: 'edit', label: 'Edit', movesFocus: true, run: () => startEdit(key) });
  if (canRecall(m)) items.push({ id: 'recall', label: 'Recall', run: () => recall(key) });
  if (canDelete(m)) items.push({ id: 'delete-for-me', label: 'Delete for me', danger: true, movesFocus: true, run: () => deleteForMe(key) });
  return items;
}

export function MessageMenu() {
  const menu = state.messageMenu.value;
  const message = menu ? messageByKey(menu.key) : undefined;
  if (!menu || !message) return null;
  const items = itemsFor(menu.key, message);
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
