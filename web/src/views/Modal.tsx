/**
 * What every dialog shares: native `<dialog>`s opened with showModal(), so the browser keeps the
 * focus inside and Escape cancels; each answers through its `method="dialog"` form's button values.
 * Used by the dialogs of Dialogs.tsx and by the Group info dialog (GroupInfo.tsx).
 */
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { focusRow, state } from '../state.ts';

/** Opens modally on mount; on close, hands the button's value to `onAnswer` and leaves the state. */
export function Modal(props: {
  id: string;
  labelledBy: string;
  describedBy?: string;
  onAnswer: (value: string) => void;
  /** Escape pressed: a dialog with a step to go back to cancels the event and goes back instead. */
  onCancel?: (event: Event) => void;
  children: ComponentChildren;
}) {
  const el = useRef<HTMLDialogElement>(null);
  useLayoutEffect(() => {
    el.current?.showModal();
  }, []);
  return (
    <dialog
      ref={el}
      id={props.id}
      class="dialog"
      aria-labelledby={props.labelledBy}
      aria-describedby={props.describedBy}
      onCancel={props.onCancel}
      onClose={() => {
        const value = el.current?.returnValue ?? '';
        state.dialog.value = null;
        props.onAnswer(value);
      }}
    >
      {props.children}
    </dialog>
  );
}

export function restoreFocus(to: HTMLElement | null): void {
  if (to?.isConnected) to.focus();
  else focusRow(state.focusID.value);
}

export function Actions({ cancelID, confirm }: { cancelID?: string; confirm: ComponentChildren }) {
  return (
    <div class="dialog-actions">
      <button type="submit" value="cancel" class="btn" id={cancelID} formNoValidate autofocus={cancelID !== undefined}>
        Cancel
      </button>
      {confirm}
    </div>
  );
}

/** User IDs as typed: separated by commas or spaces. */
export const MEMBERS_PATTERN = '[A-Za-z0-9_.@\-]{1,64}([ ,]+[A-Za-z0-9_.@\-]{1,64})*[ ,]*';

/** The user IDs of a field matching MEMBERS_PATTERN, each once. */
export function userIDsOf(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}
