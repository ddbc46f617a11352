/** Short-lived messages: toasts for everyone, announcements for screen readers. */
import { state } from './state.ts';

let nextToast = 1;
const MAX_TOASTS = 3;

export function toast(text: string, kind: 'info' | 'error' = 'info'): void {
  const id = nextToast++;
  state.toasts.value = [...state.toasts.value, { id, text, kind }].slice(-MAX_TOASTS);
  setTimeout(() => {
    state.toasts.value = state.toasts.value.filter((t) => t.id !== id);
  }, kind === 'error' ? 6000 : 3000);
}

/** Says something through the assertive live region (cleared first, so a repeat is read again). */
export function announce(text: string): void {
  state.announcement.value = '';
  setTimeout(() => (state.announcement.value = text), 50);
}
