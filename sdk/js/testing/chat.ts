/**
 * Helpers shared by the SDK tests: SDK instances with their own SDKAppID (create() returns one
 * instance per SDKAppID, as Tencent's does, so every simulated device needs its own), event
 * recording, a few sends, and WebSockets a test can cut off or delay.
 */
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import Natter, {
  EVENT,
  NatterError,
  type ChatEvent,
  type Conversation,
  type CreateOptions,
  type EventName,
  type FetchLike,
  type Message,
  type WebSocketConstructor,
  type WebSocketLike,
} from '@natter/sdk';
import { uniqueUid, waitFor, type TestServer } from './server.js';

/** SDKAppIDs in the range Tencent's SDK takes for international apps: English placeholders. */
let nextAppID = 20_000_000;

/**
 * For `assert.rejects`: the call failed with a NatterError of `code`, and, when given, of the
 * `error` name or with a message matching `message`.
 */
export function refusedWith(code: number, expect: { error?: string; message?: RegExp } = {}) {
  return (err: unknown) => {
    assert.ok(err instanceof NatterError, String(err));
    assert.equal(err.code, code, err.message);
    if (expect.error) assert.equal(err.error, expect.error);
    if (expect.message) assert.match(err.message, expect.message);
    return true;
  };
}
const created = new Set<Natter>();

/** A fresh SDK instance (its own SDKAppID). `ws: true` gives it the `ws` package as WebSocket. */
export function newChat(server: TestServer, options: Partial<CreateOptions> & { ws?: boolean } = {}): Natter {
  const { ws, ...rest } = options;
  nextAppID += 1;
  const chat = Natter.create({
    SDKAppID: nextAppID,
    serverUrl: server.baseUrl,
    ...(ws ? { WebSocket } : {}),
    ...rest,
  });
  created.add(chat);
  return chat;
}

/**
 * Destroys every instance newChat made that is still alive, so a failed test leaves no socket or
 * timer keeping the test process running. Call it from each file's `after`.
 */
export async function destroyAllChats(): Promise<void> {
  for (const chat of created) await chat.destroy();
  created.clear();
}

/** Every event one instance emits, in order. */
export function record(chat: Natter) {
  const events: ChatEvent<EventName>[] = [];
  for (const name of Object.values(EVENT)) chat.on(name, (e: ChatEvent<EventName>) => events.push(e));
  return {
    events,
    of<N extends EventName>(name: N): ChatEvent<N>[] {
      return events.filter((e) => e.name === name) as unknown as ChatEvent<N>[];
    },
    /** Every message delivered as MESSAGE_RECEIVED, flattened. */
    received(): Message[] {
      return (events.filter((e) => e.name === EVENT.MESSAGE_RECEIVED) as ChatEvent<typeof EVENT.MESSAGE_RECEIVED>[])
        .flatMap((e) => e.data);
    },
    names(): string[] {
      return events.map((e) => e.name);
    },
  };
}

/**
 * A live, logged-in instance of `uid` with a token of its own for `deviceFlag`, recording its events
 * and keeping the list its CONVERSATION_LIST_UPDATED last handed over (`entry(id)` finds one). With
 * `WebSocketImpl` (a gated or delaying socket) it reconnects fast; `options` adds create() options
 * (a spying `fetch`).
 */
export async function liveDevice(
  server: TestServer,
  uid: string,
  deviceFlag: 0 | 1 | 2,
  WebSocketImpl?: WebSocketConstructor,
  options: Partial<CreateOptions> = {},
) {
  const token = await server.createUser(uid, deviceFlag);
  const chat = WebSocketImpl
    ? newChat(server, { WebSocket: WebSocketImpl, socket: FAST_RECONNECT, ...options })
    : newChat(server, { ws: true, ...options });
  const rec = record(chat);
  const state = { list: [] as Conversation[] };
  chat.on(EVENT.CONVERSATION_LIST_UPDATED, (e) => (state.list = e.data));
  await loginReady(chat, uid, token);
  return { chat, rec, state, entry: (id: string) => state.list.find((c) => c.conversationID === id) };
}

/**
 * alice on two devices, web and phone (the first fetching through `fetch`, a spy), and bob and
 * carol on one each: live and logged in, for the tests of a group of three in which a member's
 * other device hears what the member did.
 */
export async function aliceTwiceBobCarol(
  server: TestServer,
  uid: { alice: string; bob: string; carol: string },
  fetch: FetchLike,
) {
  const [alice, alice2, bob, carol] = await Promise.all([
    liveDevice(server, uid.alice, 1, undefined, { fetch }),
    liveDevice(server, uid.alice, 2),
    liveDevice(server, uid.bob, 1),
    liveDevice(server, uid.carol, 1),
  ]);
  return { alice, alice2, bob, carol };
}

/**
 * Live, logged-in users, each with their own instance ([`liveDevice`]) and a unique user ID made
 * from their name: each by name, `uid` by name, and `done()` to close them all.
 */
export async function liveUsers<const N extends string>(server: TestServer, ...names: N[]) {
  const devices = await Promise.all(names.map((name) => liveDevice(server, uniqueUid(name), 1)));
  const byName = Object.fromEntries(names.map((name, i) => [name, devices[i]!])) as Record<N, (typeof devices)[number]>;
  const uid = Object.fromEntries(names.map((name, i) => [name, devices[i]!.chat.getLoginUser()])) as Record<N, string>;
  return { ...byName, uid, done: () => closeAll(...devices.map((d) => d.chat)) };
}

/** Logs in and waits for SDK_READY. */
export async function loginReady(chat: Natter, userID: string, userSig: string, ms = 10_000): Promise<void> {
  let ready = false;
  const onReady = () => (ready = true);
  chat.on(EVENT.SDK_READY, onReady);
  try {
    await chat.login({ userID, userSig });
    await waitFor(() => ready || chat.isReady(), ms, `SDK_READY for ${userID}`);
  } finally {
    chat.off(EVENT.SDK_READY, onReady);
  }
}

/** createTextMessage + sendMessage, C2C. */
export async function sendText(chat: Natter, to: string, text: string, conversationType: 'C2C' | 'GROUP' = 'C2C') {
  const message = chat.createTextMessage({ to, conversationType, payload: { text } });
  return (await chat.sendMessage(message)).data.message;
}

export function ids(list: { conversationID: string }[]): string[] {
  return list.map((c) => c.conversationID);
}

/** Logs out and destroys (frees the SDKAppID) every instance given. */
export async function closeAll(...chats: Natter[]): Promise<void> {
  for (const c of chats) {
    await c.destroy();
    created.delete(c);
  }
}

/**
 * A `ws` WebSocket whose connections a test can cut and keep from coming back (`open()` lets them
 * reconnect), to hold one instance offline while others act. Pair it with short reconnect
 * backoffs (`socket: FAST_RECONNECT`).
 */
export function gatedSocket() {
  const gate = { open: true };
  const sockets: WebSocket[] = [];
  class Gated extends WebSocket {
    constructor(url: string) {
      super(gate.open ? url : 'ws://127.0.0.1:1/closed');
      sockets.push(this);
    }
  }
  return {
    WebSocket: Gated,
    cut() {
      gate.open = false;
      for (const s of sockets) s.terminate();
    },
    open() {
      gate.open = true;
    },
  };
}

export const FAST_RECONNECT = { initialBackoffMs: 100, maxBackoffMs: 300 };


/** A server frame as the WebSocket carries it. */
export interface ServerFrame {
  event: string;
  data: any;
}

/** A `ws` WebSocket that keeps every server frame it carries, for the test to look at. */
export function recordingSocket(): { WebSocket: WebSocketConstructor; frames: ServerFrame[] } {
  const frames: ServerFrame[] = [];
  class Recording extends WebSocket {
    constructor(url: string) {
      super(url);
      this.addEventListener('message', (event) => frames.push(JSON.parse(String(event.data)) as ServerFrame));
    }
  }
  return { WebSocket: Recording as unknown as WebSocketConstructor, frames };
}

/**
 * A `ws` WebSocket that holds back the server frames a test picks and hands them to the SDK later,
 * on the same connection and through its real frame handling: how a push made through another
 * node of a cluster may arrive after newer ones.
 */
export function delayingSocket() {
  let pick: ((frame: ServerFrame) => boolean) | null = null;
  let closeDelayMs = 0;
  const held: { frame: ServerFrame; deliver: () => void }[] = [];
  class Delaying implements WebSocketLike {
    onopen: ((event: unknown) => void) | null = null;
    onmessage: ((event: { data: unknown }) => void) | null = null;
    onclose: ((event: unknown) => void) | null = null;
    onerror: ((event: unknown) => void) | null = null;
    private readonly inner: WebSocket;
    constructor(url: string) {
      this.inner = new WebSocket(url);
      this.inner.onopen = (event) => this.onopen?.(event);
      this.inner.onclose = (event) => {
        if (closeDelayMs === 0) this.onclose?.(event);
        else setTimeout(() => this.onclose?.(event), closeDelayMs);
      };
      this.inner.onerror = (event) => this.onerror?.(event);
      this.inner.onmessage = (event) => {
        const frame = JSON.parse(String(event.data)) as ServerFrame;
        if (pick?.(frame)) held.push({ frame, deliver: () => this.onmessage?.(event) });
        else this.onmessage?.(event);
      };
    }
    send(data: string): void {
      this.inner.send(data);
    }
    close(code?: number, reason?: string): void {
      this.inner.close(code, reason);
    }
  }
  return {
    WebSocket: Delaying,
    /** From now on, holds back the frames `which` picks. */
    holdBack(which: (frame: ServerFrame) => boolean): void {
      pick = which;
    },
    /** From now on, tells the SDK of a closed connection `ms` late (its close code then too). */
    delayCloses(ms: number): void {
      closeDelayMs = ms;
    },
    /** The frames held back so far, oldest first. */
    held(): ServerFrame[] {
      return held.map((h) => h.frame);
    },
    /** Stops holding back and hands the held frames to the SDK, in the order they came. */
    release(): void {
      pick = null;
      for (const h of held.splice(0)) h.deliver();
    },
  };
}
