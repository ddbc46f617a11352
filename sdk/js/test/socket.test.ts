/**
 * The socket logic — ping/pong handshake, backoff, keep-alive, catch-up sync, local list updates —
 * with a scripted in-memory WebSocket, so it is tested whatever the server's gateway does. HTTP
 * still goes to a real natter server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Natter, { EVENT, type Conversation, type NatterEvent, type WebSocketLike } from '@natter/sdk';
import { spyFetch, startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

interface FakeControl {
  /** Every socket the SDK created, in order. */
  sockets: FakeSocket[];
  /** 'accept': opens and answers pings; 'refuse': fails to connect; 'silent': opens, never answers. */
  mode: 'accept' | 'refuse' | 'silent';
}

interface FakeSocket extends WebSocketLike {
  url: string;
  sent: string[];
  closed: boolean;
  /** Server → client frame. */
  push(event: string, data: unknown): void;
  /** The server drops the connection. */
  drop(): void;
}

/** A WebSocket constructor whose instances follow `control.mode`. */
function fakeWebSocket(control: FakeControl) {
  return class Fake implements FakeSocket {
    onopen: ((e: unknown) => void) | null = null;
    onmessage: ((e: { data: unknown }) => void) | null = null;
    onclose: ((e: unknown) => void) | null = null;
    onerror: ((e: unknown) => void) | null = null;
    sent: string[] = [];
    closed = false;
    private readonly mode = control.mode;
    constructor(readonly url: string) {
      control.sockets.push(this);
      setTimeout(() => {
        if (this.mode === 'refuse') {
          this.closed = true;
          this.onerror?.({});
          this.onclose?.({});
        } else if (!this.closed) {
          this.onopen?.({});
        }
      }, 1);
    }
    send(data: string): void {
      if (this.closed) throw new Error('send on a closed socket');
      this.sent.push(data);
      if (this.mode === 'accept' && JSON.parse(data).event === 'ping') {
        setTimeout(() => this.push('pong', {}), 1);
      }
    }
    close(): void {
      if (this.closed) return;
      this.closed = true;
      setTimeout(() => this.onclose?.({}), 1);
    }
    push(event: string, data: unknown): void {
      if (!this.closed) this.onmessage?.({ data: JSON.stringify({ event, data }) });
    }
    drop(): void {
      this.close();
    }
  };
}

const fast = { pingIntervalMs: 60_000, initialBackoffMs: 20, maxBackoffMs: 80 };

async function setup(mode: FakeControl['mode'], socket = fast) {
  const control: FakeControl = { sockets: [], mode };
  const alice = uniqueUid('alice');
  const bob = uniqueUid('bob');
  const token = await server.createUser(alice);
  const bobToken = await server.createUser(bob);
  const spy = spyFetch();
  const chat = Natter.create({ serverUrl: server.baseUrl, WebSocket: fakeWebSocket(control), fetch: spy.fetch, socket });
  const events: NatterEvent[] = [];
  for (const name of Object.values(EVENT)) chat.on(name, (e) => events.push(e as NatterEvent));
  const bobChat = Natter.create({ serverUrl: server.baseUrl });
  await bobChat.login({ userID: bob, token: bobToken });
  const lists = () =>
    events.filter((e) => e.name === EVENT.CONVERSATION_LIST_UPDATED).map((e) => ids((e.data as { conversationList: Conversation[] }).conversationList));
  return { control, chat, alice, bob, token, spy, events, bobChat, lists };
}

function ids(list: Conversation[]): string[] {
  return list.map((c) => c.conversationID);
}

describe('socket lifecycle (scripted WebSocket)', () => {
  test('login pings, resolves on the first pong, and opens /v1/ws?token=', async () => {
    const { control, chat, alice, token, bobChat } = await setup('accept');
    const res = await chat.login({ userID: alice, token });
    assert.deepEqual(res, { code: 0, data: { userID: alice, socketReady: true } });
    const ws = control.sockets[0]!;
    assert.equal(ws.url, `${server.baseUrl.replace('http://', 'ws://')}/v1/ws?token=${encodeURIComponent(token)}`);
    assert.deepEqual(ws.sent, ['{"event":"ping"}']);
    await chat.logout();
    assert.equal(ws.closed, true);
    await bobChat.logout();
  });

  test('a socket that cannot open: login still resolves, reconnects back off, logout stops them', async () => {
    const { control, chat, alice, token, bobChat } = await setup('refuse');
    const started = Date.now();
    const res = await chat.login({ userID: alice, token });
    assert.equal(res.data.socketReady, false);
    assert.ok(Date.now() - started < 2_000);
    await waitFor(() => control.sockets.length >= 4, 3_000, 'reconnect attempts');
    control.mode = 'accept';
    await waitFor(() => control.sockets.at(-1)!.sent.length > 0, 3_000, 'a later attempt succeeding');
    await chat.logout();
    const count = control.sockets.length;
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(control.sockets.length, count, 'no reconnect after logout');
    await bobChat.logout();
  });

  test('keep-alive: pings repeat, and a connection that stops answering is replaced', async () => {
    const { control, chat, alice, token, bobChat } = await setup('accept', { ...fast, pingIntervalMs: 40 });
    await chat.login({ userID: alice, token });
    await waitFor(() => control.sockets[0]!.sent.length >= 3, 2_000, 'repeated pings');
    control.mode = 'silent';
    control.sockets[0]!.drop();
    // The next socket opens but never answers: after one interval it is dropped and retried.
    await waitFor(() => control.sockets.length >= 3, 3_000, 'silent socket replaced');
    assert.equal(control.sockets[1]!.closed, true);
    await chat.logout();
    await bobChat.logout();
  });
});

describe('local conversation list (scripted events)', () => {
  test('events update the local list: insert, archive drops, stale versions ignored, deletion removes', async () => {
    const { control, chat, alice, token, bob, bobChat, events, lists } = await setup('accept');
    await bobChat.sendMessage({ conversationID: `C2C${alice}`, payload: { text: 'hi' } });
    await chat.login({ userID: alice, token });
    // The first ready connection loads the list in the background and emits it.
    await waitFor(() => lists().length > 0, 3_000, 'initial list');
    assert.deepEqual(lists().at(-1), [`C2C${bob}`]);
    const current = (await chat.getConversationProfile(`C2C${bob}`)).data.conversation;

    const ws = control.sockets[0]!;
    const other: Conversation = { ...current, conversationID: 'GROUPx', type: 'GROUP', isPinned: true, version: current.version + 1 };
    ws.push('conversationListUpdated', { conversationList: [other] });
    assert.deepEqual(lists().at(-1), ['GROUPx', `C2C${bob}`], 'pinned first');

    ws.push('conversationListUpdated', { conversationList: [{ ...other, isPinned: false, version: current.version }] });
    assert.deepEqual(lists().at(-1), ['GROUPx', `C2C${bob}`], 'an older version does not overwrite');

    ws.push('conversationListUpdated', { conversationList: [{ ...other, isArchived: true, version: current.version + 2 }] });
    assert.deepEqual(lists().at(-1), [`C2C${bob}`], 'archived leaves the default list');

    const deletion = { conversationIDList: [`C2C${bob}`], clearHistoryMessage: false, version: current.version + 3 };
    ws.push('conversationDeleted', deletion);
    const deleted = events.filter((e) => e.name === EVENT.CONVERSATION_DELETED);
    assert.deepEqual(deleted, [{ name: 'conversationDeleted', data: deletion }]);
    assert.deepEqual(lists().at(-1), []);

    ws.push('totalUnreadMessageCountUpdated', { totalUnreadCount: 7 });
    assert.equal(chat.getTotalUnreadMessageCount(), 7);
    ws.push('messageReceived', { messageList: [{ messageID: '1' }] });
    assert.deepEqual(events.at(-1), { name: 'messageReceived', data: { messageList: [{ messageID: '1' }] } });
    await chat.logout();
    await bobChat.logout();
  });

  test('after a reconnect the SDK syncs since the highest version it saw and applies deletions', async () => {
    await server.setSyncConversationDeletion(true);
    const { control, chat, alice, token, bob, bobChat, spy, lists } = await setup('accept');
    await bobChat.sendMessage({ conversationID: `C2C${alice}`, payload: { text: 'hi' } });
    await chat.login({ userID: alice, token });
    await chat.getConversationList();
    const version = (await chat.getConversationProfile(`C2C${bob}`)).data.conversation.version;

    // Device B of alice deletes while this device is disconnected.
    control.mode = 'refuse';
    control.sockets[0]!.drop();
    const other = Natter.create({ serverUrl: server.baseUrl });
    await other.login({ userID: alice, token: await server.createUser(alice, 1) });
    await other.deleteConversation({ conversationIDList: [`C2C${bob}`], clearHistoryMessage: false });
    await other.logout();

    spy.calls.length = 0;
    control.mode = 'accept';
    await waitFor(() => lists().at(-1)?.length === 0, 3_000, 'catch-up removing the entry');
    const sync = spy.calls.find((c) => c.url.includes('/v1/conversations/sync'));
    assert.ok(sync, 'a sync request was made');
    assert.match(sync.url, new RegExp(`since=${version}$`));
    await chat.logout();
    await bobChat.logout();
    await server.setSyncConversationDeletion(false);
  });

  test('resyncRequired triggers a sync', async () => {
    const { control, chat, alice, token, bob, bobChat, spy, lists } = await setup('accept');
    await bobChat.sendMessage({ conversationID: `C2C${alice}`, payload: { text: 'hi' } });
    await chat.login({ userID: alice, token });
    await chat.getConversationList();
    // A change this connection "missed": bob's second message.
    await bobChat.sendMessage({ conversationID: `C2C${alice}`, payload: { text: 'missed' } });
    spy.calls.length = 0;
    const before = lists().length;
    control.sockets[0]!.push('resyncRequired', { version: 1 });
    await waitFor(() => lists().length > before, 3_000, 'list after resync');
    assert.ok(spy.calls.some((c) => /\/v1\/conversations\/sync\?since=1$/.test(c.url)), 'synced since the lower version');
    const profile = await chat.getConversationProfile(`C2C${bob}`);
    assert.equal(profile.data.conversation.lastMessage?.payload.text, 'missed');
    await chat.logout();
    await bobChat.logout();
  });

  test('a throwing handler does not stop the other handlers', async () => {
    const { control, chat, alice, token, bobChat } = await setup('accept');
    await chat.login({ userID: alice, token });
    const seen: number[] = [];
    const original = console.error;
    console.error = () => {};
    try {
      chat.on(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, () => {
        throw new Error('app bug');
      });
      const handler = (e: NatterEvent<'totalUnreadMessageCountUpdated'>) => seen.push(e.data.totalUnreadCount);
      chat.on(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, handler);
      control.sockets[0]!.push('totalUnreadMessageCountUpdated', { totalUnreadCount: 3 });
      chat.off(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, handler);
      control.sockets[0]!.push('totalUnreadMessageCountUpdated', { totalUnreadCount: 4 });
    } finally {
      console.error = original;
    }
    assert.deepEqual(seen, [3]);
    await chat.logout();
    await bobChat.logout();
  });
});
