/**
 * Live events over the real WebSocket gateway (`ws` package as the constructor: Node 20 has none):
 * Tencent's event payloads, several devices and tabs, kicks, pushes arriving out of order, and a
 * server restart.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { EVENT, TYPES, type WebSocketConstructor } from '@natter/sdk';
import {
  closeAll,
  delayingSocket,
  FAST_RECONNECT,
  gatedSocket,
  destroyAllChats,
  ids,
  loginReady,
  newChat,
  record,
  sendText,
  type ServerFrame,
} from '../testing/chat.js';
import { startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

/** A live (WebSocket) instance of `uid`, logged in and ready, with its events recorded. */
async function live(uid: string, token: string, WebSocketImpl?: WebSocketConstructor) {
  const chat = WebSocketImpl ? newChat(server, { WebSocket: WebSocketImpl }) : newChat(server, { ws: true });
  const rec = record(chat);
  await loginReady(chat, uid, token);
  return { chat, rec };
}

/** Resolves once `ms` passed; to let events that should not come have their chance. */
const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

describe('event payloads as Tencent', () => {
  test('a message from bob: MESSAGE_RECEIVED [Message], CONVERSATION_LIST_UPDATED [Conversation], TOTAL_UNREAD n', async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const { chat, rec } = await live(alice, await server.createUser(alice));
    const bobChat = newChat(server);
    await loginReady(bobChat, bob, await server.createUser(bob));

    const sent = await sendText(bobChat, alice, 'hi alice');
    await waitFor(() => rec.received().length === 1, 5_000, 'MESSAGE_RECEIVED');
    const event = rec.of(EVENT.MESSAGE_RECEIVED)[0]!;
    assert.equal(event.name, 'onMessageReceived');
    assert.ok(Array.isArray(event.data));
    const m = event.data[0]!;
    assert.match(m.ID, /^[0-9]+$/, "the server's ID: the one bob's instance made stays there");
    assert.equal(m.conversationID, `C2C${bob}`, "alice's name for the conversation");
    assert.equal(m.conversationType, TYPES.CONV_C2C);
    assert.equal(m.flow, 'in');
    assert.equal(m.from, bob);
    assert.equal(m.to, alice);
    assert.equal(m.time, sent.time, 'seconds, as the sender saw it');
    assert.equal(m.sequence, 1);
    assert.equal(m.type, TYPES.MSG_TEXT);
    assert.deepEqual(m.payload, { text: 'hi alice' });
    assert.equal(m.status, 'success');

    await waitFor(
      () => rec.of(EVENT.CONVERSATION_LIST_UPDATED).some((e) => ids(e.data).includes(`C2C${bob}`)),
      5_000,
      'CONVERSATION_LIST_UPDATED',
    );
    const list = rec.of(EVENT.CONVERSATION_LIST_UPDATED).at(-1)!.data;
    assert.ok(Array.isArray(list));
    assert.equal(list[0]!.unreadCount, 1);
    assert.equal(list[0]!.lastMessage.messageForShow, 'hi alice');
    assert.equal(list[0]!.userProfile.userID, bob);

    await waitFor(() => rec.of(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED).some((e) => e.data === 1), 5_000, 'total 1');
    assert.equal(chat.getTotalUnreadMessageCount(), 1);
    await closeAll(chat, bobChat);
  });

  test("an instance's own send is not delivered back to it; the user's other devices and tabs get it (flow out)", async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    // Two browser tabs sharing one (slave) web token, and a phone.
    const webToken = await server.createUser(alice, { deviceFlag: 1, deviceLevel: 0 });
    const tabA = await live(alice, webToken);
    const tabB = await live(alice, webToken);
    const phone = await live(alice, await server.createUser(alice, { deviceFlag: 0 }));
    const bobSide = await live(bob, await server.createUser(bob));

    const sent = await sendText(tabA.chat, bob, 'from tab A');
    await waitFor(() => tabB.rec.received().length === 1, 5_000, 'tab B');
    await waitFor(() => phone.rec.received().length === 1, 5_000, 'phone');
    await waitFor(() => bobSide.rec.received().length === 1, 5_000, 'bob');
    for (const other of [tabB, phone]) {
      const m = other.rec.received()[0]!;
      // The server's ID, the same on every other device; tab A keeps the one it made.
      assert.equal(m.ID, bobSide.rec.received()[0]!.ID);
      assert.notEqual(m.ID, sent.ID);
      assert.equal(m.sequence, sent.sequence);
      assert.equal(m.flow, 'out');
      assert.equal(m.to, bob);
    }
    assert.equal(bobSide.rec.received()[0]!.flow, 'in');
    await settle();
    assert.deepEqual(tabA.rec.received(), [], 'not delivered back to the sending instance');
    await closeAll(tabA.chat, tabB.chat, phone.chat, bobSide.chat);
  });
});

describe('several devices and tabs', () => {
  test('deletion sync reaches a second tab sharing the token (X-Natter-Connection), not the deleting one', async () => {
    await server.setSyncConversationDeletion(true);
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const webToken = await server.createUser(alice, { deviceFlag: 1, deviceLevel: 0 });
    const bobChat = newChat(server);
    await loginReady(bobChat, bob, await server.createUser(bob));
    await sendText(bobChat, alice, 'hello');
    const tabA = await live(alice, webToken);
    const tabB = await live(alice, webToken);
    assert.deepEqual(ids(tabB.rec.of(EVENT.CONVERSATION_LIST_UPDATED).at(-1)!.data), [`C2C${bob}`]);

    await tabA.chat.deleteConversation(`C2C${bob}`);
    await waitFor(() => tabB.rec.of(EVENT.NATTER_CONVERSATION_DELETED).length === 1, 5_000, 'tab B told');
    const { version, ...deleted } = tabB.rec.of(EVENT.NATTER_CONVERSATION_DELETED)[0]!.data;
    assert.deepEqual(deleted, { conversationIDList: [`C2C${bob}`], clearHistoryMessage: true });
    assert.ok(version > 0, 'the deletion carries its version');
    assert.deepEqual(tabB.rec.of(EVENT.CONVERSATION_LIST_UPDATED).at(-1)!.data, []);
    await settle();
    assert.equal(tabA.rec.of(EVENT.NATTER_CONVERSATION_DELETED).length, 0, 'not echoed to the deleting tab');
    await closeAll(tabA.chat, tabB.chat, bobChat);
    await server.setSyncConversationDeletion(false);
  });

  test('sync setting off: another device gets no deletion event and keeps its entry', async () => {
    await server.setSyncConversationDeletion(false);
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    await server.createUser(alice);
    const bobChat = newChat(server);
    await loginReady(bobChat, bob, await server.createUser(bob));
    await sendText(bobChat, alice, 'hello');
    const a = await live(alice, await server.createUser(alice, { deviceFlag: 0 }));
    const b = await live(alice, await server.createUser(alice, { deviceFlag: 1 }));
    await a.chat.deleteConversation(`C2C${bob}`);
    // Events arrive in order: once a later message is seen on B, a deletion event would have come.
    await sendText(bobChat, alice, 'later');
    await waitFor(() => b.rec.received().some((m) => m.payload.text === 'later'), 5_000, 'later message on B');
    assert.equal(b.rec.of(EVENT.NATTER_CONVERSATION_DELETED).length, 0);
    await closeAll(a.chat, b.chat, bobChat);
  });

  test('two tabs sharing a master token: the newer one kicks the older once, which does not reconnect', async () => {
    const alice = uniqueUid('alice');
    const token = await server.createUser(alice, { deviceFlag: 1, deviceLevel: 1 });
    const first = await live(alice, token);
    const second = await live(alice, token);
    await waitFor(() => first.rec.of(EVENT.KICKED_OUT).length === 1, 5_000, 'KICKED_OUT on the first tab');
    assert.deepEqual(first.rec.of(EVENT.KICKED_OUT)[0]!.data, { type: TYPES.KICKED_OUT_MULT_ACCOUNT });
    assert.equal(first.rec.names().at(-1), EVENT.SDK_NOT_READY);
    assert.equal(first.chat.isReady(), false);
    await settle(1_500);
    assert.equal(first.rec.of(EVENT.KICKED_OUT).length, 1, 'kicked once');
    assert.equal(second.rec.of(EVENT.KICKED_OUT).length, 0, 'the newer tab is not evicted back');
    assert.equal(second.chat.isReady(), true);
    assert.deepEqual(
      second.rec.of(EVENT.NET_STATE_CHANGE).map((e) => e.data.state),
      ['connecting', 'connected'],
      'the newer tab kept its one connection',
    );
    await closeAll(first.chat, second.chat);
  });

  test('the app backend replacing the device token closes the socket (4003): KICKED_OUT userSigExpired', async () => {
    const alice = uniqueUid('alice');
    const token = await server.createUser(alice, { deviceFlag: 1, deviceLevel: 0 });
    const tab = await live(alice, token);
    await server.setToken(alice, `${alice}-new-token-0123`, { deviceFlag: 1, deviceLevel: 0 });
    await waitFor(() => tab.rec.of(EVENT.KICKED_OUT).length === 1, 5_000, 'KICKED_OUT after the token changed');
    assert.deepEqual(tab.rec.of(EVENT.KICKED_OUT)[0]!.data, { type: TYPES.KICKED_OUT_USERSIG_EXPIRED });
    // Closed by the server itself (4003), not found out later by a failing request.
    assert.ok(!tab.rec.of(EVENT.NET_STATE_CHANGE).some((e) => e.data.state === 'disconnected'));
    await closeAll(tab.chat);
  });

  test("a kick by the app backend is KICKED_OUT REST_API_Kick even when a request's 401 comes before the close", async () => {
    const alice = uniqueUid('alice');
    const token = await server.createUser(alice);
    const socket = delayingSocket();
    const tab = await live(alice, token, socket.WebSocket);
    socket.delayCloses(300); // the close code (4004) reaches the SDK after the request's 401
    await server.manager('POST', '/user/device_quit', { uid: alice, device_flag: -1 });
    await assert.rejects(tab.chat.fetchTotalUnreadMessageCount(), { code: 40101 });
    await waitFor(() => tab.rec.of(EVENT.KICKED_OUT).length === 1, 5_000, 'KICKED_OUT');
    assert.deepEqual(tab.rec.of(EVENT.KICKED_OUT)[0]!.data, { type: TYPES.KICKED_OUT_REST_API });
    await closeAll(tab.chat);
  });
});

describe('pushes out of order (as through different nodes of a cluster)', () => {
  /**
   * Alice's web device, its socket able to hold pushes back, with bob's conversation listed; bob
   * and alice's phone (HTTP only) to act.
   */
  async function setup() {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const phone = newChat(server);
    await loginReady(phone, alice, await server.createUser(alice, { deviceFlag: 0 }));
    const bobChat = newChat(server);
    await loginReady(bobChat, bob, await server.createUser(bob));
    await sendText(bobChat, alice, 'hello');
    const socket = delayingSocket();
    const web = newChat(server, { WebSocket: socket.WebSocket });
    const rec = record(web);
    await loginReady(web, alice, await server.createUser(alice, { deviceFlag: 1 }));
    const c2c = `C2C${bob}`;
    const lists = () => rec.of(EVENT.CONVERSATION_LIST_UPDATED).map((e) => ids(e.data));
    assert.deepEqual(lists().at(-1), [c2c]);
    /** Holds back bob's next conversation push, the one for `text`, until `release()`. */
    async function holdBackNextPush(text: string) {
      socket.holdBack((f) => f.event === 'conversationListUpdated' && mentions(f, c2c));
      await sendText(bobChat, alice, text);
      await waitFor(() => socket.held().length === 1, 5_000, 'the push held back');
      return socket.held()[0]!.data.conversationList[0].version as number;
    }
    const done = () => closeAll(web, phone, bobChat);
    return { alice, bobChat, phone, web, rec, socket, c2c, lists, holdBackNextPush, done };
  }

  const mentions = (frame: ServerFrame, id: string) => JSON.stringify(frame.data).includes(`"${id}"`);

  test("a push older than another device's deletion does not bring the conversation back; a new message does", async () => {
    await server.setSyncConversationDeletion(true);
    const { alice, bobChat, phone, rec, socket, c2c, lists, holdBackNextPush, done } = await setup();
    const pushed = await holdBackNextPush('overtaken');
    await phone.deleteConversation(c2c);
    await waitFor(() => rec.of(EVENT.NATTER_CONVERSATION_DELETED).length === 1, 5_000, 'the deletion');
    const deletion = rec.of(EVENT.NATTER_CONVERSATION_DELETED)[0]!.data.version;
    assert.ok(pushed < deletion, 'the push held back is older than the deletion');
    assert.deepEqual(lists().at(-1), []);

    const before = lists().length;
    socket.release();
    await settle();
    assert.ok(!lists().slice(before).some((list) => list.includes(c2c)), 'the late push brought nothing back');
    assert.deepEqual(lists().at(-1), []);

    await sendText(bobChat, alice, 'after the deletion');
    await waitFor(() => lists().at(-1)?.includes(c2c) === true, 5_000, 'back with a new message');
    const back = rec.of(EVENT.CONVERSATION_LIST_UPDATED).at(-1)!.data[0]!;
    assert.equal(back.lastMessage.messageForShow, 'after the deletion');
    await done();
    await server.setSyncConversationDeletion(false);
  });

  test("a push older than this device's own deletion (the delete call's answer) does not bring it back", async () => {
    const { alice, bobChat, web, socket, c2c, lists, holdBackNextPush, done } = await setup();
    await holdBackNextPush('overtaken');
    await web.deleteConversation(c2c);
    assert.deepEqual(lists().at(-1), []);

    const before = lists().length;
    socket.release();
    await settle();
    assert.ok(!lists().slice(before).some((list) => list.includes(c2c)), 'the late push brought nothing back');
    assert.deepEqual(lists().at(-1), []);

    await sendText(bobChat, alice, 'after the deletion');
    await waitFor(() => lists().at(-1)?.includes(c2c) === true, 5_000, 'back with a new message');
    await done();
  });

  test('a push older than a deletion a sync reported does not bring it back', async () => {
    await server.setSyncConversationDeletion(true);
    const { alice, bobChat, phone, web, rec, socket, c2c, lists, holdBackNextPush, done } = await setup();
    const carol = uniqueUid('carol');
    const carolChat = newChat(server);
    await loginReady(carolChat, carol, await server.createUser(carol));
    await sendText(carolChat, alice, 'hi');
    await waitFor(() => lists().at(-1)?.includes(`C2C${carol}`) === true, 5_000, "carol's conversation");
    await holdBackNextPush('overtaken');
    // The deletion event is held back too: this device learns of the deletion from a sync only.
    socket.holdBack((f) => (f.event === 'conversationListUpdated' && mentions(f, c2c)) || f.event === 'conversationDeleted');
    await phone.deleteConversation(c2c);
    await waitFor(() => socket.held().length === 2, 5_000, 'the deletion event held back');
    // A call whose answer holds no conversation objects syncs the local list.
    const star = { conversationIDList: [`C2C${carol}`], markType: TYPES.CONV_MARK_TYPE_STAR, enableMark: true };
    await web.markConversation(star);
    assert.deepEqual(lists().at(-1), [`C2C${carol}`], 'the sync reported the deletion');

    const before = lists().length;
    socket.release();
    await settle();
    assert.ok(!lists().slice(before).some((list) => list.includes(c2c)), 'the late pushes brought nothing back');
    assert.deepEqual(lists().at(-1), [`C2C${carol}`]);
    assert.equal(rec.of(EVENT.NATTER_CONVERSATION_DELETED).length, 1, 'the late deletion is still told');

    await sendText(bobChat, alice, 'after the deletion');
    await waitFor(() => lists().at(-1)?.includes(c2c) === true, 5_000, 'back with a new message');
    await closeAll(carolChat);
    await done();
    await server.setSyncConversationDeletion(false);
  });

  test("an answer of GET /v1/unread that crosses a newer total's push does not take the badge back", async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const bobChat = newChat(server);
    await loginReady(bobChat, bob, await server.createUser(bob));
    // Alice's fetch holds back the answers of GET /v1/unread while `holding` is set.
    let holding = false;
    const held: (() => void)[] = [];
    const holdingFetch = async (input: string, init?: RequestInit) => {
      const response = await fetch(input, init);
      if (holding && new URL(input).pathname === '/v1/unread') {
        await new Promise<void>((release) => held.push(release));
      }
      return response;
    };
    const web = newChat(server, { ws: true, fetch: holdingFetch });
    const rec = record(web);
    await loginReady(web, alice, await server.createUser(alice));
    await sendText(bobChat, alice, 'one');
    await waitFor(() => web.getTotalUnreadMessageCount() === 1, 5_000, 'total 1');

    holding = true;
    const answered = web.fetchTotalUnreadMessageCount(); // the server answers 1 …
    await waitFor(() => held.length === 1, 5_000, 'the answer held back');
    holding = false;
    await sendText(bobChat, alice, 'two'); // … and pushes 2 before that answer arrives
    await waitFor(() => web.getTotalUnreadMessageCount() === 2, 5_000, 'total 2');
    held.shift()!();
    assert.equal(await answered, 1, 'the answer itself is what the server said');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(web.getTotalUnreadMessageCount(), 2, 'the older answer is not kept');
    assert.deepEqual(
      rec.of(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED).map((e) => e.data),
      [1, 2],
      'the badge never went back',
    );
    await closeAll(web, bobChat);
  });
});

describe('connection loss', () => {
  test('NET_STATE_CHANGE across a server restart; every missed message delivered once', async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const carol = uniqueUid('carol');
    const aliceToken = await server.createUser(alice);
    const bobToken = await server.createUser(bob);
    const carolToken = await server.createUser(carol);
    await server.sendAs(bobToken, `C2C${alice}`, { type: 'TIMTextElem', payload: { text: 'history' } });

    // A `ws` whose new connections can be held back, to keep alice offline after the restart
    // while others write to her.
    const gate = { open: true };
    class GatedWebSocket extends WebSocket {
      constructor(url: string) {
        super(gate.open ? url : 'ws://127.0.0.1:1/closed');
      }
    }
    const { chat, rec } = await live(alice, aliceToken, GatedWebSocket);
    await server.sendAs(bobToken, `C2C${alice}`, { type: 'TIMTextElem', payload: { text: 'live before' } });
    await waitFor(() => rec.received().length === 1, 5_000, 'live message');

    await server.restart({
      whileDown: async () => {
        await waitFor(
          () => rec.of(EVENT.NET_STATE_CHANGE).some((e) => e.data.state === 'disconnected'),
          5_000,
          'DISCONNECTED',
        );
        gate.open = false;
      },
    });
    // While alice is offline: two messages in a conversation she has, one in a new one.
    await server.sendAs(bobToken, `C2C${alice}`, { type: 'TIMTextElem', payload: { text: 'missed 1' } });
    await server.sendAs(bobToken, `C2C${alice}`, { type: 'TIMTextElem', payload: { text: 'missed 2' } });
    await server.sendAs(carolToken, `C2C${alice}`, { type: 'TIMTextElem', payload: { text: 'missed from carol' } });
    gate.open = true;
    await waitFor(() => rec.received().length >= 4, 15_000, 'missed messages after reconnecting');
    await server.sendAs(bobToken, `C2C${alice}`, { type: 'TIMTextElem', payload: { text: 'live after' } });
    await waitFor(() => rec.received().length >= 5, 5_000, 'live message after reconnecting');
    await settle(500);

    const texts = rec.received().map((m) => m.payload.text);
    assert.deepEqual([...texts].sort(), ['live after', 'live before', 'missed 1', 'missed 2', 'missed from carol'].sort());
    assert.equal(new Set(rec.received().map((m) => m.ID)).size, texts.length, 'each once');
    assert.ok(texts.indexOf('missed 1') < texts.indexOf('missed 2'), 'in order within a conversation');
    assert.ok(!texts.includes('history'), 'history from before login is not news');

    const states = rec.of(EVENT.NET_STATE_CHANGE).map((e) => e.data.state);
    assert.deepEqual(states.slice(0, 3), ['connecting', 'connected', 'disconnected']);
    assert.equal(states.at(-1), 'connected');
    assert.ok(states.slice(3).includes('connecting'));
    assert.equal(rec.of(EVENT.KICKED_OUT).length, 0);
    assert.equal(rec.of(EVENT.SDK_READY).length, 1);
    // The list caught up too.
    const list = rec.of(EVENT.CONVERSATION_LIST_UPDATED).at(-1)!.data;
    assert.deepEqual(ids(list).sort(), [`C2C${bob}`, `C2C${carol}`].sort());
    await closeAll(chat);
  });

  test('NET_STATE_CHANGE does not flicker while reconnection attempts keep failing', async () => {
    const alice = uniqueUid('alice');
    const socket = gatedSocket();
    const chat = newChat(server, { WebSocket: socket.WebSocket, socket: FAST_RECONNECT });
    const rec = record(chat);
    await loginReady(chat, alice, await server.createUser(alice));
    const states = () => rec.of(EVENT.NET_STATE_CHANGE).map((e) => e.data.state);
    assert.deepEqual(states(), ['connecting', 'connected']);
    socket.cut();
    await settle(1_500); // several attempts, 100–300 ms apart, all failing
    socket.open();
    await waitFor(() => states().at(-1) === 'connected', 5_000, 'connected again');
    assert.deepEqual(states().slice(2), ['disconnected', 'connecting', 'disconnected', 'connected']);
    await closeAll(chat);
  });
});
