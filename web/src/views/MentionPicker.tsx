/**
 * The @-mention picker of a group's composer. Typing `@` (at the start or after a space), or pressing
 * the @ button, opens a list of the group's members and Everyone above the text field; what follows
 * the `@` filters it. ↑ ↓ move, Enter or Tab inserts `@name `, Escape closes (the `@` stays, as
 * typed). The focus stays in the text field all along, with the active option as its
 * `aria-activedescendant`, so typing goes on filtering: ARIA's combobox pattern, as chat apps on
 * the web use it for mentions.
 *
 * The chosen mentions are remembered until the text is sent; then `atUserList` holds those whose
 * `@name` is still in the text. The members are asked each time the list opens (they change), and
 * shown as last known meanwhile.
 */
import type { GroupMember } from '@natter/sdk';
import { useSignal } from '@preact/signals';
import type { RefObject } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { allMembers } from '../actions.ts';
import { announce, toast } from '../feedback.ts';
import { describeError } from '../format.ts';
import {
  candidates,
  EVERYONE,
  findTrigger,
  insertMention,
  mentionedUserIDs,
  type MentionCandidate,
  type MentionTrigger,
  type PickedMention,
} from '../mentions.ts';
import { state } from '../state.ts';
import { Avatar } from './common.tsx';

const LIST_ID = 'mention-options';
const optionID = (index: number) => `mention-option-${index}`;

export interface Mentions {
  /** The picker is showing. */
  open: boolean;
  /** Its rows for what is typed after the `@`. */
  options: MentionCandidate[];
  /** The row Enter would choose. */
  active: number;
  /** No member list yet: it is being asked. */
  loading: boolean;
  /** For the text field: the ARIA that ties it to the list, and the events that move the caret. */
  fieldProps: {
    'aria-autocomplete': 'list';
    'aria-controls'?: string;
    'aria-activedescendant'?: string;
    onBlur: () => void;
    onClick: () => void;
    onKeyUp: (event: KeyboardEvent) => void;
  };
  /** Call from the field's input handler: opens, filters or closes the list. */
  onInput: () => void;
  /** Call first from the field's keydown handler: true when the picker took the key. */
  onKeyDown: (event: KeyboardEvent) => boolean;
  choose: (option: MentionCandidate) => void;
  /** The @ button: types an `@` at the caret (opening the list), or closes the list. */
  toggle: () => void;
  /** The `atUserList` for the text being sent: the chosen mentions still in it. */
  atUserListFor: (text: string) => string[];
  /** The text was sent: its mentions are done with. */
  forget: () => void;
}

/**
 * The picker's state and handlers for the composer's text field; inert without a group.
 * `onTextChange` hears the text the picker changed (the composer saves it as the draft).
 */
export function useMentions(
  field: RefObject<HTMLTextAreaElement | null>,
  groupID: string | null,
  onTextChange: (text: string) => void,
): Mentions {
  const me = state.session.value?.uid ?? '';
  const members = useSignal<GroupMember[] | null>(null);
  const trigger = useSignal<MentionTrigger | null>(null);
  const activeIndex = useSignal(0);
  const picked = useRef<PickedMention[]>([]);
  /** Where the `@` is that Escape closed the list for: it stays closed while that one is typed. */
  const dismissedAt = useRef<number | null>(null);

  const options = trigger.value ? candidates(members.value ?? [], me, trigger.value.query) : [];
  const loading = members.value === null;
  const open = groupID !== null && trigger.value !== null && (options.length > 0 || loading);
  const active = Math.max(0, Math.min(activeIndex.value, options.length - 1));

  const loadMembers = (id: string) => {
    allMembers(id).then(
      (list) => (members.value = list),
      (err) => {
        members.value ??= [];
        toast(`Could not list the members: ${describeError(err)}`, 'error');
      },
    );
  };

  const close = () => {
    trigger.value = null;
  };

  /** Reads the text before the caret: an `@` being typed opens the list, or filters it. */
  const follow = () => {
    const el = field.current;
    if (!el || groupID === null) return;
    const found = findTrigger(el.value, el.selectionStart);
    if (!found) dismissedAt.current = null;
    if (!found || found.start === dismissedAt.current) {
      close();
      return;
    }
    const was = trigger.peek();
    if (!was) {
      loadMembers(groupID);
      announce('Mention someone: Up and Down arrows to choose, Enter to insert, Escape to close.');
    }
    if (!was || was.query !== found.query) activeIndex.value = 0;
    trigger.value = found;
  };

  const choose = (option: MentionCandidate) => {
    const el = field.current;
    const at = trigger.peek();
    if (!el || !at) return;
    const next = insertMention(el.value, at, el.selectionStart, option.name);
    el.value = next.text;
    el.setSelectionRange(next.caret, next.caret);
    el.focus();
    picked.current = [...picked.current, { userID: option.userID, label: `@${option.name}` }];
    close();
    onTextChange(next.text);
  };

  const onKeyDown = (event: KeyboardEvent): boolean => {
    if (!open || event.isComposing) return false;
    const move = (to: number) => (activeIndex.value = (to + options.length) % Math.max(1, options.length));
    switch (event.key) {
      case 'ArrowDown':
        move(active + 1);
        break;
      case 'ArrowUp':
        move(active - 1);
        break;
      case 'Enter':
      case 'Tab':
        if (event.shiftKey || options.length === 0) return false;
        choose(options[active]);
        break;
      case 'Escape':
        dismissedAt.current = trigger.peek()?.start ?? null;
        close();
        break;
      default:
        return false;
    }
    event.preventDefault();
    return true;
  };

  const toggle = () => {
    const el = field.current;
    if (!el) return;
    el.focus();
    if (trigger.peek()) {
      close();
      return;
    }
    // A mention starts a word: after text, a space goes first.
    const before = el.value.slice(0, el.selectionStart);
    el.setRangeText(before === '' || /\s$/.test(before) ? '@' : ' @', el.selectionStart, el.selectionEnd, 'end');
    dismissedAt.current = null;
    follow();
    onTextChange(el.value);
  };

  const forget = () => {
    picked.current = [];
    close();
  };

  return {
    open,
    options,
    active,
    loading,
    fieldProps: {
      'aria-autocomplete': 'list',
      'aria-controls': open ? LIST_ID : undefined,
      'aria-activedescendant': open && options.length > 0 ? optionID(active) : undefined,
      onBlur: close,
      onClick: follow,
      onKeyUp: (event) => {
        if (['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) follow();
      },
    },
    onInput: follow,
    onKeyDown,
    choose,
    toggle,
    atUserListFor: (text) => mentionedUserIDs(text, picked.current),
    forget,
  };
}

/** The @ button before the text field: the way to mention someone without typing `@`. */
export function MentionButton({ mentions, disabled }: { mentions: Mentions; disabled: boolean }) {
  return (
    <button
      type="button"
      class="icon-btn mention-btn"
      id="mention-button"
      disabled={disabled}
      aria-label="Mention someone"
      title="Mention someone (@)"
      aria-haspopup="listbox"
      aria-expanded={mentions.open}
      aria-controls={mentions.open ? LIST_ID : undefined}
      // Pressing it keeps the focus, and the caret, in the text field.
      onMouseDown={(event) => event.preventDefault()}
      onClick={mentions.toggle}
    >
      @
    </button>
  );
}

/** The list of members to mention, above the composer. */
export function MentionList({ mentions }: { mentions: Mentions }) {
  const { open, options, active, loading, choose } = mentions;

  // The active row stays in view as ↑ ↓ move through a long list.
  useLayoutEffect(() => {
    if (open) document.getElementById(optionID(active))?.scrollIntoView({ block: 'nearest' });
  }, [open, active]);

  if (!open) return null;
  return (
    // Pressing in it (a row, the scroll bar) keeps the focus, and the list, in the text field.
    <div class="mention-picker" id="mention-picker" onMouseDown={(event) => event.preventDefault()}>
      <ul class="mention-options" id={LIST_ID} role="listbox" aria-label="Mention someone">
        {options.map((option, index) => (
          <li
            key={option.userID}
            id={optionID(index)}
            role="option"
            class="mention-option"
            aria-selected={index === active}
            data-uid={option.userID}
            onClick={() => choose(option)}
          >
            <Avatar name={option.name} size="sm" group={option === EVERYONE} />
            <span class="mention-name">
              {option.name}
              {option.detail && <span class="mention-detail">{option.detail}</span>}
            </span>
          </li>
        ))}
      </ul>
      {loading && (
        <p class="mention-loading" role="status">
          Loading members…
        </p>
      )}
    </div>
  );
}
