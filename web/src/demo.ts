/**
 * Dev mode (`natter serve --dev` without a manager token): the sign-in page creates demo users with
 * the server API, which then answers loopback calls without a token. Every step is idempotent: the
 * tokens are fixed and each seed message has its own `client_msg_no`, so clicking again (or from
 * another tab) changes nothing. These tokens are public: this is for local development only.
 */
import type { Session } from './state.ts';

export const DEMO_USERS = ['alice', 'bob', 'carol'] as const;
const DEMO_GROUP = 'demo';
/** The web device type (`device_flag` 1). */
const WEB = 1;

export async function detectDev(): Promise<boolean> {
  try {
    const response = await fetch('/v1/dev', { headers: { accept: 'application/json' } });
    if (!response.ok) return false;
    const body = (await response.json()) as { dev?: boolean };
    return body.dev === true;
  } catch {
    return false;
  }
}

/** A server-API call without a token. */
async function devPost(path: string, body: unknown): Promise<void> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.ok) return;
  let message = `${path}: HTTP ${response.status}`;
  try {
    const json = (await response.json()) as { message?: string };
    if (json.message) message = `${path}: ${json.message}`;
  } catch {
    /* not JSON */
  }
  throw new Error(message);
}

export function demoToken(uid: string): string {
  return `demo-${uid}-device-${WEB}`;
}

function base64Json(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * Creates alice, bob and carol (web device tokens at the default slave level, so several tabs of
 * one user stay signed in together), the `demo` group and a few messages; returns the session.
 */
export async function seedDemo(uid: string): Promise<Session> {
  for (const user of DEMO_USERS) {
    await devPost('/user/token', { uid: user, token: demoToken(user), device_flag: WEB });
  }
  await devPost('/channel', { channel_id: DEMO_GROUP, channel_type: 2, subscribers: [...DEMO_USERS] });
  const seeds: [string, string, number, string][] = [
    ['alice', DEMO_GROUP, 2, 'Welcome to the Natter demo group!'],
    ['bob', DEMO_GROUP, 2, 'Right-click a conversation (or press ⋯) to pin, mute, star or archive it.'],
    ['carol', DEMO_GROUP, 2, 'Press Select to pick several conversations and delete them at once.'],
    ['carol', 'alice', 1, 'Lunch tomorrow?'],
    ['carol', 'bob', 1, 'Did you see the release notes?'],
  ];
  for (const [index, [from, channel, type, text]] of seeds.entries()) {
    await devPost('/message/send', {
      from_uid: from,
      channel_id: channel,
      channel_type: type,
      client_msg_no: `demo-seed-${index + 1}`,
      payload: base64Json({ text }),
    });
  }
  return { uid, token: demoToken(uid) };
}
