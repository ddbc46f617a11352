/**
 * The socket logic — ping/pong handshake, backoff, keep-alive, close codes, catch-up, exactly-once
 * delivery — with a scripted in-memory WebSocket, so every server behaviour (kicks, drops, pushes at
 * awkward moments) can be played on demand. HTTP still goes to a real natter server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EVENT, TYPES, type WebSocketLike } from '@natter/sdk';
import { closeAll, ids, newChat, record, sendText, destroyAllChats } from '../testing/chat.js';
import { spyFetch, startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

interface FakeControl {
  /** Every socket the SDK created, in order. */
  sockets: FakeSocket[];
  /** 'accept': opens and answers pings; 'refuse': fails to connect; 'silent': opens, never answers. */
  mode: 'accept' | 'refuse' | 'silent';
  /** Frames the next accepted socket pushes right after its first pong (during the catch-up). */
  afterPong: { event: string; data: unknown }[];
  connectionIDs: number;
}

interface FakeSocket extends WebSocketLike {
  url: string;
  sent: string[];
  closed: boolean;
  /** Server → client frame. */
  push(event: string, data: unknown): void;
  /** The server closes the connection, with a close code. */
  drop(code?: number): void;
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
    private pongs = 0;
    constructor(readonly url: string) {
      control.sockets.push(this);
      setTimeout(() => {
        if (this.mode === 'refuse') {
          this.closed = true;
          this.onerror?.({});
          this.onclose?.({ code: 1006, reason: '' });
        } else if (!this.closed) {
          this.onopen?.({});
        }
      }, 1);
    }
    send(data: string): void {
      if (this.closed) throw new Error('send on a closed socket');
      this.sent.push(data);
      if (this.mode === 'accept' && JSON.parse(data).event === 'ping') {
        setTimeout(() => {
          this.pongs += 1;
          control.connectionIDs += 1;
          this.push('pong', { connectionID: String(control.connectionIDs) });
          if (this.pongs === 1) for (const f of control.afterPong.splice(0)) this.push(f.event, f.data);
        }, 1);
      }
    }
    close(code = 1000): void {
      if (this.closed) return;
      this.closed = true;
      setTimeout(() => this.onclose?.({ code, reason: '' }), 1);
    }
    push(event: string, data: unknown): void {
      if (!this.closed) this.onmessage?.({ data: JSON.stringify({ event, data }) });
    }
    drop(code = 1006): void {
      this.close(code);
    }
  };
}

const fast = { pingIntervalMs: 60_000, initialBackoffMs: 20, maxBackoffMs: 80 };

async function setup(mode: FakeControl['mode'], socket = fast) {
  const control: FakeControl = { sockets: [], mode, afterPong: [], connectionIDs: 16 };
  const alice = uniqueUid('alice');
  const bob = uniqueUid('bob');
  const token = await server.createUser(alice);
  const bobToken = await server.createUser(bob);
  const spy = spyFetch();
  const chat = newChat(server, { WebSocket: fakeWebSocket(control), fetch: spy.fetch, socket });
  const rec = record(chat);
  const bobChat = newChat(server);
  await bobChat.login({ userID: bob, userSig: bobToken });
  const lists = () => rec.of(EVENT.CONVERSATION_LIST_UPDATED).map((e) => ids(e.data));
  const done = () => closeAll(chat, bobChat);
  return { control, chat, alice, bob, token, bobToken, spy, rec, bobChat, lists, done };
}

describe('socket lifecycle (scripted WebSocket)', () => {
  test('login pings, resolves on the first pong; SDK_READY; NET_STATE_CHANGE; X-Natter-Connection', async () => {
    const { control, chat, alice, token, rec, spy, done } = await setup('accept');
    const res = await chat.login({ userID: alice, userSig: token });
    assert.deepEqual(res, { code: 0, data: { repeatLogin: false } });
    const ws = control.sockets[0]!;
    assert.equal(ws.url, `${server.baseUrl.replace('http://', 'ws://')}/v1/ws?token=${encodeURIComponent(token)}`);
    assert.deepEqual(ws.sent, ['{"event":"ping"}']);
    await waitFor(() => chat.isReady(), 3_000, 'SDK_READY');
    assert.deepEqual(
      rec.of(EVENT.NET_STATE_CHANGE).map((e) => e.data),
      [{ state: 'connecting' }, { state: 'connected' }],
    );
    spy.calls.length = 0;
    await chat.getConversationList();
    assert.equal(spy.calls[0]!.headers['x-natter-connection'], '17', 'the pong’s connectionID on HTTP calls');
    await chat.logout();
    assert.equal(ws.closed, true);
    await done();
  });

  test('a socket that cannot open: login still resolves, reconnects back off, logout stops them', async () => {
    const { control, chat, alice, token, done } = await setup('refuse');
    const started = Date.now();
    await chat.login({ userID: alice, userSig: token });
    assert.ok(Date.now() - started < 2_000);
    await waitFor(() => control.sockets.length >= 4, 3_000, 'reconnect attempts');
    control.mode = 'accept';
    await waitFor(() => chat.isReady(), 3_000, 'a later attempt succeeding, then SDK_READY');
    await chat.logout();
    const count = control.sockets.length;
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(control.sockets.length, count, 'no reconnect after logout');
    await done();
  });

  test('keep-alive: pings repeat, and a connection that stops answering is replaced', async () => {
    const { control, chat, alice, token, done } = await setup('accept', { ...fast, pingIntervalMs: 40 });
    await chat.login({ userID: alice, userSig: token });
    await waitFor(() => control.sockets[0]!.sent.length >= 3, 2_000, 'repeated pings');
    control.mode = 'silent';
    control.sockets[0]!.drop();
    await waitFor(() => control.sockets.length >= 3, 3_000, 'silent socket replaced');
    assert.equal(control.sockets[1]!.closed, true);
    await done();
  });
});

describe('close codes (scripted WebSocket)', () => {
  for (const [code, type] of [
    [4001, TYPES.KICKED_OUT_MULT_ACCOUNT],
    [4003, TYPES.KICKED_OUT_USERSIG_EXPIRED],
    [4004, TYPES.KICKED_OUT_REST_API],
  ] as const) {
    test(`${code}: KICKED_OUT { type: '${type}' }, SDK_NOT_READY, and no reconnect`, async () => {
      const { control, chat, alice, token, rec, done } = await setup('accept');
      await chat.login({ userID: alice, userSig: token });
      await waitFor(() => chat.isReady(), 3_000, 'ready');
      control.sockets[0]!.drop(code);
      await waitFor(() => rec.of(EVENT.KICKED_OUT).length === 1, 3_000, 'KICKED_OUT');
      assert.deepEqual(rec.of(EVENT.KICKED_OUT)[0], { name: 'kickedOut', data: { type } });
      const tail = rec.names().slice(-2);
      assert.deepEqual(tail, [EVENT.KICKED_OUT, EVENT.SDK_NOT_READY]);
      assert.equal(chat.isReady(), false);
      assert.equal(chat.getLoginUser(), '');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(control.sockets.length, 1, 'a kicked instance does not reconnect');
      await assert.rejects(chat.getConversationList(), { code: 40101 });
      await done();
    });
  }

  for (const code of [4002, 1001, 1006]) {
    test(`${code}: not a kick; the SDK reconnects and stays ready`, async () => {
      const { control, chat, alice, token, rec, done } = await setup('accept');
      await chat.login({ userID: alice, userSig: token });
      await waitFor(() => chat.isReady(), 3_000, 'ready');
      control.sockets[0]!.drop(code);
      await waitFor(() => control.sockets.length === 2 && control.sockets[1]!.sent.length > 0, 3_000, 'reconnect');
      await waitFor(() => rec.of(EVENT.NET_STATE_CHANGE).at(-1)?.data.state === 'connected', 3_000, 'connected again');
      assert.deepEqual(
        rec.of(EVENT.NET_STATE_CHANGE).map((e) => e.data.state),
        ['connecting', 'connected', 'disconnected', 'connecting', 'connected'],
      );
      assert.equal(rec.of(EVENT.KICKED_OUT).length, 0);
      assert.equal(rec.of(EVENT.SDK_READY).length, 1, 'SDK_READY once per login');
      assert.equal(chat.isReady(), true);
      await done();
    });
  }

  test('a token the server refuses while logged in (401) ends the session as userSigExpired', async () => {
    const { chat, alice, token, rec, done } = await setup('accept');
    await chat.login({ userID: alice, userSig: token });
    await waitFor(() => chat.isReady(), 3_000, 'ready');
    await server.setToken(alice, `${alice}-replaced-token`); // same device: the old token stops working
    await assert.rejects(chat.getConversationList(), { code: 40101 });
    // After a moment for a close code naming another reason (none comes on this scripted socket).
    await waitFor(() => rec.of(EVENT.KICKED_OUT).length > 0, 3_000, 'KICKED_OUT');
    assert.deepEqual(rec.of(EVENT.KICKED_OUT).map((e) => e.data), [{ type: 'userSigExpired' }]);
    assert.equal(rec.names().at(-1), EVENT.SDK_NOT_READY);
    await done();
  });

  test('a socket refused after its token was revoked: the HTTP probe ends the session', async () => {
    const { control, chat, alice, token, rec, done } = await setup('accept');
    await chat.login({ userID: alice, userSig: token });
    await waitFor(() => chat.isReady(), 3_000, 'ready');
    await server.setToken(alice, `${alice}-replaced-token`);
    control.mode = 'refuse'; // the upgrade's 401 looks like any failed connection to WebSocket code
    control.sockets[0]!.drop(1006);
    await waitFor(() => rec.of(EVENT.KICKED_OUT).length === 1, 3_000, 'KICKED_OUT after the probe');
    assert.deepEqual(rec.of(EVENT.KICKED_OUT)[0]!.data, { type: 'userSigExpired' });
    const count = control.sockets.length;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(control.sockets.length, count, 'no more reconnects');
    await done();
  });
});

describe('events and the local list (scripted WebSocket)', () => {
  test('pushed changes update the local list, handed out whole as an array', async () => {
    const { control, chat, alice, token, bob, bobChat, rec, lists, done } = await setup('accept');
    await sendText(bobChat, alice, 'hi');
    await chat.login({ userID: alice, userSig: token });
    await waitFor(() => chat.isReady(), 3_000, 'ready');
    assert.deepEqual(lists().at(-1), [`C2C${bob}`]);
    // The server's own object, to push modified copies of it.
    const raw = await (await fetch(`${server.baseUrl}/v1/conversations/C2C${bob}`, { headers: { authorization: `Bearer ${token}` } })).json();

    const ws = control.sockets[0]!;
    const other = { ...raw, conversationID: 'GROUPx', type: 'GROUP', isPinned: true, groupProfile: null, userProfile: null, version: raw.version + 1 };
    ws.push('conversationListUpdated', { conversationList: [other] });
    assert.deepEqual(lists().at(-1), ['GROUPx', `C2C${bob}`], 'pinned first');
    const groupEntry = rec.of(EVENT.CONVERSATION_LIST_UPDATED).at(-1)!.data[0]!;
    assert.equal(groupEntry.groupProfile.groupID, 'x', 'a profile even when the server sent none');

    ws.push('conversationListUpdated', { conversationList: [{ ...other, isPinned: false, version: raw.version }] });
    assert.deepEqual(lists().at(-1), ['GROUPx', `C2C${bob}`], 'an older version does not overwrite');

    ws.push('conversationListUpdated', { conversationList: [{ ...other, isArchived: true, version: raw.version + 2 }] });
    assert.deepEqual(lists().at(-1), [`C2C${bob}`], 'archived leaves the default list');

    const deletion = { conversationIDList: [`C2C${bob}`], clearHistoryMessage: false, version: raw.version + 3 };
    ws.push('conversationDeleted', deletion);
    assert.deepEqual(rec.of(EVENT.NATTER_CONVERSATION_DELETED).map((e) => e.data), [deletion]);
    assert.deepEqual(lists().at(-1), []);

    ws.push('totalUnreadMessageCountUpdated', { totalUnreadCount: 7 });
    assert.equal(chat.getTotalUnreadMessageCount(), 7);
    assert.equal(rec.of(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED).at(-1)!.data, 7);
    await done();
  });

  test('messageReceived: an array of Tencent Messages; this instance’s own sends are not delivered back', async () => {
    const { control, chat, alice, token, bob, rec, done } = await setup('accept');
    await chat.login({ userID: alice, userSig: token });
    await waitFor(() => chat.isReady(), 3_000, 'ready');
    const ws = control.sockets[0]!;
    const message = chat.createTextMessage({ to: bob, conversationType: TYPES.CONV_C2C, payload: { text: 'mine' } });
    const clientMsgID = message.ID; // the local ID is the client message ID the SDK sends
    const mine = (await chat.sendMessage(message)).data.message;
    // The server echoes every message to every connection of the user; this one is ours.
    ws.push('messageReceived', {
      messageList: [{ messageID: mine.ID, conversationID: `C2C${bob}`, seq: mine.sequence, from: alice, time: Date.now(), type: 'TIMTextElem', payload: { text: 'mine' }, clientMsgID }],
    });
    ws.push('messageReceived', {
      messageList: [{ messageID: '999999', conversationID: `C2C${bob}`, seq: mine.sequence + 1, from: bob, time: 1_763_700_000_123, type: 'TIMTextElem', payload: { text: 'yours' }, clientMsgID: null }],
    });
    const received = rec.received();
    assert.equal(received.length, 1);
    const m = received[0]!;
    assert.equal(m.ID, '999999');
    assert.equal(m.flow, 'in');
    assert.equal(m.time, 1_763_700_000);
    assert.equal(m.to, alice);
    assert.deepEqual(m.payload, { text: 'yours' });
    assert.ok(Array.isArray(rec.of(EVENT.MESSAGE_RECEIVED)[0]!.data));
    // The same message pushed again is not delivered twice.
    ws.push('messageReceived', { messageList: [{ messageID: '999999', conversationID: `C2C${bob}`, seq: mine.sequence + 1, from: bob, time: 1_763_700_000_123, type: 'TIMTextElem', payload: { text: 'yours' }, clientMsgID: null }] });
    assert.equal(rec.received().length, 1);
    await done();
  });

  test('after a reconnect the SDK syncs since the version of its last sync and applies deletions', async () => {
    await server.setSyncConversationDeletion(true);
    const { control, chat, alice, token, bob, bobChat, spy, lists, done } = await setup('accept');
    await sendText(bobChat, alice, 'hi');
    await chat.login({ userID: alice, userSig: token });
    await waitFor(() => chat.isReady(), 3_000, 'ready');
    const version = (await chat.getConversationSync(0)).data.version;

    control.mode = 'refuse';
    control.sockets[0]!.drop();
    const other = newChat(server);
    await other.login({ userID: alice, userSig: await server.createUser(alice, 1) });
    await other.deleteConversation({ conversationIDList: [`C2C${bob}`], clearHistoryMessage: false });
    await closeAll(other);

    spy.calls.length = 0;
    control.mode = 'accept';
    await waitFor(() => lists().at(-1)?.length === 0, 3_000, 'catch-up removing the entry');
    const sync = spy.calls.find((c) => c.url.includes('/v1/conversations/sync'));
    assert.ok(sync, 'a sync request was made');
    assert.match(sync.url, new RegExp(`since=${version}&profileSince=\\d+$`), 'profileSince from the first sync');
    await done();
    await server.setSyncConversationDeletion(false);
  });

  test('a push with a newer version does not move the version a reconnect syncs from', async () => {
    // In a cluster a push may overtake an older change still on its way from another node: a
    // catch-up from the push's version would skip that change for good.
    const { control, chat, alice, token, bob, bobChat, spy, lists, done } = await setup('accept');
    await sendText(bobChat, alice, 'hi');
    await chat.login({ userID: alice, userSig: token });
    await waitFor(() => chat.isReady(), 3_000, 'ready');
    const version = (await chat.getConversationSync(0)).data.version;
    const raw = await (await fetch(`${server.baseUrl}/v1/conversations/C2C${bob}`, { headers: { authorization: `Bearer ${token}` } })).json();
    control.sockets[0]!.push('conversationListUpdated', { conversationList: [{ ...raw, isPinned: true, version: version + 50 }] });
    assert.deepEqual(lists().at(-1), [`C2C${bob}`], 'the push is applied');

    spy.calls.length = 0;
    control.sockets[0]!.drop();
    await waitFor(() => spy.calls.some((c) => c.url.includes('/v1/conversations/sync')), 3_000, 'the catch-up');
    const sync = spy.calls.find((c) => c.url.includes('/v1/conversations/sync'))!;
    assert.match(sync.url, new RegExp(`since=${version}&`), 'since the last sync, not the push');
    await done();
  });

  test('resyncRequired: sync from the version named, then natter.resync', async () => {
    const { control, chat, alice, token, bob, bobChat, spy, rec, done } = await setup('accept');
    await sendText(bobChat, alice, 'hi');
    await chat.login({ userID: alice, userSig: token });
    await waitFor(() => chat.isReady(), 3_000, 'ready');
    await sendText(bobChat, alice, 'missed');
    spy.calls.length = 0;
    control.sockets[0]!.push('resyncRequired', { version: 1 });
    await waitFor(() => rec.of(EVENT.NATTER_RESYNC).length === 1, 3_000, 'natter.resync');
    assert.deepEqual(rec.of(EVENT.NATTER_RESYNC)[0]!.data, { reason: 'resyncRequired' });
    assert.ok(spy.calls.some((c) => /\/v1\/conversations\/sync\?since=1&profileSince=\d+$/.test(c.url)), 'synced since the lower version');
    const last = rec.of(EVENT.CONVERSATION_LIST_UPDATED).at(-1)!.data.find((c) => c.conversationID === `C2C${bob}`)!;
    assert.equal(last.lastMessage.messageForShow, 'missed');
    assert.deepEqual(rec.received().map((m) => m.payload.text), ['missed'], 'the missed message, delivered once');
    await done();
  });

  test('a message both fetched by the catch-up and pushed during it is delivered once, in order', async () => {
    const { control, chat, alice, token, bob, bobToken, rec, done } = await setup('accept');
    await chat.login({ userID: alice, userSig: token });
    await waitFor(() => chat.isReady(), 3_000, 'ready');
    control.mode = 'refuse';
    control.sockets[0]!.drop();
    await waitFor(() => rec.of(EVENT.NET_STATE_CHANGE).at(-1)?.data.state !== 'connected', 3_000, 'disconnected');
    const m1 = await server.sendAs(bobToken, `C2C${alice}`, { type: 'TIMTextElem', payload: { text: 'one' } });
    const m2 = await server.sendAs(bobToken, `C2C${alice}`, { type: 'TIMTextElem', payload: { text: 'two' } });
    // The reconnected socket pushes m2 (and a later m3) while the catch-up is fetching m1 and m2.
    const wire = (id: string, seq: number, text: string) => ({
      messageID: id, conversationID: `C2C${bob}`, seq, from: bob, time: Date.now(), type: 'TIMTextElem', payload: { text }, clientMsgID: null,
    });
    control.afterPong.push({ event: 'messageReceived', data: { messageList: [wire(m2.messageID, m2.seq, 'two')] } });
    control.afterPong.push({ event: 'messageReceived', data: { messageList: [wire('99999999', m2.seq + 1, 'three')] } });
    control.mode = 'accept';
    await waitFor(() => rec.received().length >= 3, 5_000, 'three messages');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(rec.received().map((m) => m.payload.text), ['one', 'two', 'three']);
    assert.deepEqual(rec.received().map((m) => m.ID), [m1.messageID, m2.messageID, '99999999']);
    await done();
  });

  test('a throwing handler does not stop the other handlers; context is the handler’s this', async () => {
    const { control, chat, alice, token, done } = await setup('accept');
    await chat.login({ userID: alice, userSig: token });
    await waitFor(() => chat.isReady(), 3_000, 'ready');
    const seen: number[] = [];
    const context = { name: 'ctx' };
    let thisSeen: unknown;
    const original = console.error;
    console.error = () => {};
    try {
      chat.on(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, () => {
        throw new Error('app bug');
      });
      const handler = function (this: unknown, e: { data: number }) {
        thisSeen = this;
        seen.push(e.data);
      };
      chat.on(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, handler, context);
      control.sockets[0]!.push('totalUnreadMessageCountUpdated', { totalUnreadCount: 3 });
      chat.off(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, handler, context);
      control.sockets[0]!.push('totalUnreadMessageCountUpdated', { totalUnreadCount: 4 });
    } finally {
      console.error = original;
    }
    assert.deepEqual(seen, [3]);
    assert.equal(thisSeen, context);
    await done();
  });
});
