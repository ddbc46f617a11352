/**
 * The SDK instance of the signed-in session. `TencentCloudChat.create()` hands out one instance per
 * SDKAppID, so a session ends with `destroy()`: that drops its handlers and lets the next sign-in
 * create a fresh instance instead of stacking handlers on the old one.
 */
import type TencentCloudChat from '@natter/sdk';

let current: TencentCloudChat | null = null;

/** The session's SDK instance; only called where a session exists (the main page and its actions). */
export function chat(): TencentCloudChat {
  if (!current) throw new Error('not signed in');
  return current;
}

export function currentChat(): TencentCloudChat | null {
  return current;
}

export function setChat(instance: TencentCloudChat | null): void {
  current = instance;
}

let leaving = false;

/**
 * The SDK's `fetch`: while the page is being left (`pagehide`, e.g. a reload), requests are made
 * with `keepalive`, so that the last draft saved on the way out reaches the server instead of being
 * cancelled with the page.
 */
export function pageFetch(input: string, init?: RequestInit): Promise<Response> {
  return fetch(input, leaving ? { ...init, keepalive: true } : init);
}

if (typeof window !== 'undefined') {
  // Registered before any view's pagehide handler, so it is set when they run.
  window.addEventListener('pagehide', () => (leaving = true));
  window.addEventListener('pageshow', () => (leaving = false));
}
