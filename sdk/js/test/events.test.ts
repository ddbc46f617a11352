/**
 * Live events over the real WebSocket gateway (`ws` package as the constructor, Node 20 has none).
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import WebSocket from 'ws';
import Natter, { EVENT, type Conversation, type NatterEvent } from '@natter/sdk';
import { startServer, uniqueUid, waitFor } from '../testing/server.js';

const server = await startServer();
after(async () => {
  await server.stop();
});

const wsTest = test;

/** Records every event of one SDK instance. */
function record(chat: Natter) {
  const events: NatterEvent[] = [];
  for (const name of Object.values(EVENT)) chat.on(name, (e) => events.push(e as NatterEvent));
  return {
    events,
    of<N extends NatterEvent['name']>(name: N): NatterEvent<N>[] {
      return events.filter((e) => e.name === name) as unknown as NatterEvent<N>[];
    },
  };
}

function ids(list: Conversation[]): string[] {
  return list.map((c) => c.conversationID);
}

async function loggedIn(uid: string, token: string) {
  const chat = Natter.create({ serverUrl: server.baseUrl, WebSocket });
  const rec = record(chat);
  const res = await chat.login({ userID: uid, token });
  assert.equal(res.data.socketReady, true, 'the socket answered the first ping');
  return { chat, rec };
}

describe('events over the WebSocket', () => {
  wsTest('a message from bob reaches alice: MESSAGE_RECEIVED, CONVERSATION_LIST_UPDATED, TOTAL_UNREAD', async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const aliceToken = await server.createUser(alice);
    const bobToken = await server.createUser(bob);
    const { chat, rec } = await loggedIn(alice, aliceToken);
    await chat.getConversationList();
    const bobChat = Natter.create({ serverUrl: server.baseUrl });
    await bobChat.login({ userID: bob, token: bobToken });

    const sent = await bobChat.sendMessage({ conversationID: `C2C${alice}`, payload: { text: 'hi alice' } });
    await waitFor(() => rec.of(EVENT.MESSAGE_RECEIVED).length > 0, 5_000, 'messageReceived');
    const received = rec.of(EVENT.MESSAGE_RECEIVED)[0]!;
    assert.equal(received.name, 'messageReceived');
    assert.equal(received.data.messageList[0]!.messageID, sent.data.message.messageID);
    assert.equal(received.data.messageList[0]!.conversationID, `C2C${bob}`, "alice's view of the conversation");

    await waitFor(
      () => rec.of(EVENT.CONVERSATION_LIST_UPDATED).some((e) => ids(e.data.conversationList).includes(`C2C${bob}`)),
      5_000,
      'conversationListUpdated',
    );
    const listEvent = rec.of(EVENT.CONVERSATION_LIST_UPDATED).at(-1)!;
    assert.equal(listEvent.data.conversationList[0]!.unreadCount, 1);

    await waitFor(
      () => rec.of(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED).some((e) => e.data.totalUnreadCount === 1),
      5_000,
      'totalUnreadMessageCountUpdated',
    );
    assert.equal(chat.getTotalUnreadMessageCount(), 1);
    await chat.logout();
    await bobChat.logout();
  });

  /** alice on device_flag 0 (A) and 1 (B), both with loaded lists holding C2C<bob>. */
  async function twoDevices() {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const tokenA = await server.createUser(alice, 0);
    const tokenB = await server.createUser(alice, 1);
    const bobToken = await server.createUser(bob);
    const bobChat = Natter.create({ serverUrl: server.baseUrl });
    await bobChat.login({ userID: bob, token: bobToken });
    await bobChat.sendMessage({ conversationID: `C2C${alice}`, payload: { text: 'hello' } });
    const a = await loggedIn(alice, tokenA);
    const b = await loggedIn(alice, tokenB);
    await a.chat.getConversationList();
    const listB = await b.chat.getConversationList();
    assert.deepEqual(ids(listB.data.conversationList), [`C2C${bob}`]);
    return { alice, bob, a, b, bobChat, c2c: `C2C${bob}` };
  }

  wsTest('sync setting on: a deletion on device A reaches device B', async () => {
    await server.setSyncConversationDeletion(true);
    const { a, b, bobChat, c2c } = await twoDevices();
    await a.chat.deleteConversation(c2c);
    await waitFor(() => b.rec.of(EVENT.CONVERSATION_DELETED).length > 0, 5_000, 'conversationDeleted on B');
    const deleted = b.rec.of(EVENT.CONVERSATION_DELETED)[0]!;
    assert.deepEqual(deleted.data, { conversationIDList: [c2c], clearHistoryMessage: true });
    const lastList = b.rec.of(EVENT.CONVERSATION_LIST_UPDATED).at(-1)!;
    assert.deepEqual(ids(lastList.data.conversationList), [], "B's local list dropped the entry");
    assert.equal(a.rec.of(EVENT.CONVERSATION_DELETED).length, 0, 'not sent to the deleting device');
    for (const c of [a.chat, b.chat, bobChat]) await c.logout();
  });

  wsTest('sync setting off: device B gets no conversationDeleted', async () => {
    await server.setSyncConversationDeletion(false);
    const { alice, bob, a, b, bobChat, c2c } = await twoDevices();
    await a.chat.deleteConversation(c2c);
    // Events arrive in order: once a later message is seen on B, a deletion event would have come.
    const carol = uniqueUid('carol');
    const carolChat = Natter.create({ serverUrl: server.baseUrl });
    await carolChat.login({ userID: carol, token: await server.createUser(carol) });
    await carolChat.sendMessage({ conversationID: `C2C${alice}`, payload: { text: 'later' } });
    await waitFor(() => b.rec.of(EVENT.MESSAGE_RECEIVED).some((e) => e.data.messageList[0]!.from === carol), 5_000, 'later message on B');
    assert.equal(b.rec.of(EVENT.CONVERSATION_DELETED).length, 0);
    const lastList = b.rec.of(EVENT.CONVERSATION_LIST_UPDATED).at(-1)!;
    assert.ok(ids(lastList.data.conversationList).includes(c2c), 'B keeps its cached entry');
    void bob;
    for (const c of [a.chat, b.chat, bobChat, carolChat]) await c.logout();
  });

  wsTest('a device that was disconnected during a deletion catches up after reconnecting', async () => {
    await server.setSyncConversationDeletion(true);
    // A `ws` whose new connections can be made to fail, to keep device B offline for a while.
    const gate = { open: true, sockets: [] as WebSocket[] };
    class GatedWebSocket extends WebSocket {
      constructor(url: string) {
        super(gate.open ? url : 'ws://127.0.0.1:1/closed');
        gate.sockets.push(this);
      }
    }
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const tokenA = await server.createUser(alice, 0);
    const tokenB = await server.createUser(alice, 1);
    const bobChat = Natter.create({ serverUrl: server.baseUrl });
    await bobChat.login({ userID: bob, token: await server.createUser(bob) });
    await bobChat.sendMessage({ conversationID: `C2C${alice}`, payload: { text: 'hello' } });
    const a = await loggedIn(alice, tokenA);
    const chatB = Natter.create({ serverUrl: server.baseUrl, WebSocket: GatedWebSocket });
    const recB = record(chatB);
    await chatB.login({ userID: alice, token: tokenB });
    await chatB.getConversationList();

    gate.open = false;
    gate.sockets[0]!.terminate();
    await a.chat.deleteConversation({ conversationIDList: [`C2C${bob}`], clearHistoryMessage: false });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(recB.of(EVENT.CONVERSATION_DELETED).length, 0, 'B was offline');
    gate.open = true;
    await waitFor(
      () => recB.of(EVENT.CONVERSATION_LIST_UPDATED).at(-1)?.data.conversationList.length === 0,
      15_000,
      'B catching up after reconnecting',
    );
    await a.chat.logout();
    await chatB.logout();
    await bobChat.logout();
    await server.setSyncConversationDeletion(false);
  });
});
