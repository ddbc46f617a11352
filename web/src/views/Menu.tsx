/**
 * The conversation's context menu (right-click, the ⋯ button, Shift+F10 or the context-menu key):
 * arrow keys, Home/End, type-ahead, Escape and Tab close it. Its panel also serves the message menu
 * and the row of emoji to react with (MessageMenu.tsx).
 */
import type { Conversation } from '@natter/sdk';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import {
  archive,
  askDelete,
  askFolder,
  askGroupInfo,
  closeMenu,
  markRead,
  removeFromFolder,
  restore,
  setSelecting,
  toggleMute,
  togglePin,
  toggleStar,
} from '../actions.ts';
import { askBlock, isBlocked, unblock } from '../blocklist.ts';
import { displayName, isGroup, isMuted, isStarred, SYSTEM_ID } from '../format.ts';
import { findConversation, state, type MenuAnchor, type MenuState } from '../state.ts';
import { openConversation } from '../thread.ts';

export interface Item {
  id: string;
  label: string;
  danger?: boolean;
  /** Where the focus goes afterwards: back to where the menu was opened (default), or elsewhere. */
  movesFocus?: boolean;
  /** An item that is on or off (`menuitemcheckbox`): an emoji the user reacted with already. */
  checked?: boolean;
  /** Its name, when the label is a symbol (an emoji): the tooltip and what screen readers say. */
  title?: string;
  run: () => unknown;
}

function itemsFor(c: Conversation, menu: MenuState): Item[] {
  const id = c.conversationID;
  const returnFocus = menu.returnFocus;
  if (c.isArchived || state.tab.value === 'archived') {
    return [
      { id: 'restore', label: 'Restore to chats', run: () => restore([id]) },
      { id: 'delete', label: 'Delete…', danger: true, movesFocus: true, run: () => askDelete([id], returnFocus) },
    ];
  }
  const items: Item[] = [{ id: 'open', label: 'Open', movesFocus: true, run: () => openConversation(id) }];
  if (isGroup(id)) {
    items.push({ id: 'group-info', label: 'Group info…', movesFocus: true, run: () => askGroupInfo(id, returnFocus) });
  }
  if (c.unreadCount > 0) items.push({ id: 'read', label: 'Mark as read', run: () => markRead(id) });
  items.push(
    { id: 'pin', label: c.isPinned ? 'Unpin' : 'Pin to top', run: () => togglePin(c) },
    { id: 'mute', label: isMuted(c) ? 'Unmute notifications' : 'Mute notifications', run: () => toggleMute(c) },
    { id: 'star', label: isStarred(c) ? 'Remove star' : 'Star', run: () => toggleStar(c) },
    { id: 'folder-add', label: 'Add to folder…', movesFocus: true, run: () => askFolder(id, returnFocus) },
  );
  for (const folder of c.conversationGroupList) {
    items.push({ id: `folder-remove-${folder}`, label: `Remove from “${folder}”`, run: () => removeFromFolder(id, folder) });
  }
  if (!isGroup(id) && id !== SYSTEM_ID) {
    const name = displayName(id, c);
    items.push(
      isBlocked(id)
        ? { id: 'unblock', label: `Unblock ${name}`, run: () => unblock(id) }
        : { id: 'block', label: `Block ${name}…`, danger: true, movesFocus: true, run: () => askBlock(id, returnFocus) },
    );
  }
  items.push(
    { id: 'archive', label: 'Archive', movesFocus: true, run: () => archive([id]) },
    { id: 'select', label: 'Select…', run: () => setSelecting(true, id) },
    { id: 'delete', label: 'Delete…', danger: true, movesFocus: true, run: () => askDelete([id], returnFocus) },
  );
  return items;
}

export function Menu() {
  const menu = state.menu.value;
  const c = findConversation(menu?.id ?? null);
  if (!menu || !c) return null;
  return (
    <MenuPanel
      key={menu.id}
      domID="conv-menu"
      anchor={menu.anchor}
      items={itemsFor(c, menu)}
      label={`Actions for ${displayName(c.conversationID, c)}`}
      close={closeMenu}
    />
  );
}

interface PanelProps {
  domID: string;
  anchor: MenuAnchor;
  items: Item[];
  label: string;
  /** Items in a row (the emoji to react with), moved between with ← →; else in a column, with ↑ ↓. */
  horizontal?: boolean;
  /** Closes the menu; `false` leaves the focus where the action or the press put it. */
  close: (restoreFocus?: boolean) => void;
}

const ITEMS = '[role=menuitem], [role=menuitemcheckbox]';

export function MenuPanel({ domID, anchor, items, label, horizontal = false, close }: PanelProps) {
  const el = useRef<HTMLDivElement>(null);

  // Placed under the anchor element (or at the pointer), inside the viewport; the first item focused.
  useLayoutEffect(() => {
    const box = el.current!;
    const rect = box.getBoundingClientRect();
    let x: number;
    let y: number;
    if ('element' in anchor) {
      const a = anchor.element.getBoundingClientRect();
      x = a.right - rect.width;
      y = a.bottom + 4;
    } else {
      ({ x, y } = anchor);
    }
    x = Math.max(8, Math.min(x, window.innerWidth - rect.width - 8));
    if (y + rect.height > window.innerHeight - 8) {
      y = Math.max(8, y - rect.height - ('element' in anchor ? 40 : 0));
    }
    box.style.left = `${x}px`;
    box.style.top = `${y}px`;
    box.querySelector<HTMLElement>(ITEMS)?.focus();
  }, [anchor]);

  // A press anywhere else closes it, leaving the focus where that press puts it.
  useEffect(() => {
    const outside = (event: PointerEvent) => {
      if (!el.current?.contains(event.target as Node)) close(false);
    };
    document.addEventListener('pointerdown', outside, true);
    return () => document.removeEventListener('pointerdown', outside, true);
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    const buttons = [...el.current!.querySelectorAll<HTMLElement>(ITEMS)];
    const at = buttons.indexOf(document.activeElement as HTMLElement);
    const go = (i: number) => {
      event.preventDefault();
      buttons[(i + buttons.length) % buttons.length].focus();
    };
    if (event.key === (horizontal ? 'ArrowRight' : 'ArrowDown')) go(at + 1);
    else if (event.key === (horizontal ? 'ArrowLeft' : 'ArrowUp')) go(at - 1);
    else if (event.key === 'Home') go(0);
    else if (event.key === 'End') go(buttons.length - 1);
    else if (event.key === 'Escape' || event.key === 'Tab') {
      event.preventDefault();
      close();
    } else if (event.key.length === 1 && /\S/.test(event.key)) {
      const from = buttons.slice(at + 1).concat(buttons.slice(0, at + 1));
      const hit = from.find((b) => b.textContent?.toLowerCase().startsWith(event.key.toLowerCase()));
      if (hit) {
        event.preventDefault();
        hit.focus();
      }
    }
  };

  return (
    <div
      class={`menu${horizontal ? ' menu-row' : ''}`}
      role="menu"
      id={domID}
      aria-label={label}
      aria-orientation={horizontal ? 'horizontal' : undefined}
      ref={el}
      onKeyDown={onKeyDown}
    >
      {items.map((item) => (
        <button
          key={item.id}
          type="button"
          role={item.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
          aria-checked={item.checked}
          aria-label={item.title}
          title={item.title}
          tabIndex={-1}
          class={`menu-item${item.danger ? ' menu-danger' : ''}`}
          data-action={item.id}
          onClick={() => {
            close(!item.movesFocus);
            void item.run();
          }}
        >
          {item.label}
        </button>
      ))}
    </div>
  );
}
