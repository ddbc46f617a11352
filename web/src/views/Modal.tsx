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
      onKeyDown={submitWithConfirm}
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

/** The input types whose Enter submits their form (the browser's implicit submission). */
const SUBMITTING_INPUTS = new Set(['text', 'search', 'url', 'email', 'password', 'tel', 'number']);

/**
 * Enter in a dialog's text field answers with the dialog's main action, the last button of its
 * Actions. The browser's own implicit submission takes the form's first submit button, which is
 * Cancel (first, where it reads first): typing a user ID and pressing Enter would close the
 * dialog and do nothing. The form's validation still runs (requestSubmit).
 */
function submitWithConfirm(event: KeyboardEvent): void {
  if (event.key !== 'Enter' || event.isComposing) return;
  const field = event.target;
  if (!(field instanceof HTMLInputElement) || !SUBMITTING_INPUTS.has(field.type)) return;
  const buttons = field.form?.querySelectorAll<HTMLButtonElement>('.dialog-actions button[type="submit"]');
  const main = buttons?.[buttons.length - 1];
  if (!field.form || !main || main.value === 'cancel' || main.disabled) return;
  event.preventDefault();
  field.form.requestSubmit(main);
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

/**
 * A dialog that asks before a step that is hard to undo: its title, what the step does (and does
 * not), and Cancel, which has the focus, beside the step's danger button. `id` names the dialog
 * and its parts (`<id>-dialog`, `-title`, `-desc`, `-cancel`, `-confirm`); the button's value is
 * `id` too.
 */
export function ConfirmDialog(props: {
  id: string;
  title: ComponentChildren;
  confirmLabel: string;
  onAnswer: (value: string) => void;
  children: ComponentChildren;
}) {
  const { id } = props;
  return (
    <Modal id={`${id}-dialog`} labelledBy={`${id}-title`} describedBy={`${id}-desc`} onAnswer={props.onAnswer}>
      <form method="dialog">
        <h2 id={`${id}-title`}>{props.title}</h2>
        <p id={`${id}-desc`}>{props.children}</p>
        <Actions
          cancelID={`${id}-cancel`}
          confirm={
            <button type="submit" value={id} class="btn btn-danger" id={`${id}-confirm`}>
              {props.confirmLabel}
            </button>
          }
        />
      </form>
    </Modal>
  );
}

/** User IDs as typed: separated by commas or spaces. */
export const MEMBERS_PATTERN = '[A-Za-z0-9_.@\-]{1,64}([ ,]+[A-Za-z0-9_.@\-]{1,64})*[ ,]*';

/** The user IDs of a field matching MEMBERS_PATTERN, each once. */
export function userIDsOf(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}
