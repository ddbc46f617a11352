/**
 * One-to-one read receipts as Tencent's SDK gives them: when the peer reads (setMessageRead,
 * setAllMessageRead), the sender's held messages become `isPeerRead` and MESSAGE_READ_BY_PEER hands
 * them over; lists, pages and a reconnect's catch-up carry the same, against a real natter server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EVENT, type Message, type WebSocketConstructor } from '@natter/sdk';
import { destroyAllChats, gatedSocket, liveDevice, sendText } from '../testing/chat.js';
import { startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';

let server: TestServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

/** A live instance of `uid`'s device; see liveDevice. */
function device(uid: string, deviceFlag: 0 | 1 | 2, WebSocketImpl?: WebSocketConstructor) {
  return liveDevice(server, uid, deviceFlag, WebSocketImpl);
}

describe('MESSAGE_READ_BY_PEER and isPeerRead', () => {
  test("the peer's read marks the sender's held messages and tells the app once; the reader's are isRead", async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const a = await device(alice, 0);
    const b = await device(bob, 0);
    const first = await sendText(a.chat, bob, 'one');
    const second = await sendText(a.chat, bob, 'two');
    assert.deepEqual([first.isPeerRead, second.isPeerRead], [false, false]);
    await waitFor(() => b.chat.getTotalUnreadMessageCount() === 2, 5_000, 'bob has both');
    const held = b.rec.received();
    assert.ok(held.every((m) => !m.isPeerRead), 'received messages are never peer-read');

    assert.ok(held.every((m) => !m.isRead), 'unread until read');
    await b.chat.setMessageRead({ conversationID: `C2C${alice}` });
    assert.ok(held.every((m) => m.isRead), "the reader's held messages are isRead once the call resolves");
    const bobsPage = (await b.chat.getMessageList({ conversationID: `C2C${alice}` })).data.messageList;
    assert.deepEqual(bobsPage.map((m) => m.isRead), [true, true]);
    await waitFor(() => a.rec.of(EVENT.MESSAGE_READ_BY_PEER).length === 1, 5_000, 'MESSAGE_READ_BY_PEER');
    const told = a.rec.of(EVENT.MESSAGE_READ_BY_PEER)[0].data;
    assert.deepEqual(told.map((m: Message) => m.ID), [first.ID, second.ID], 'the very objects the app holds');
    assert.equal(told[0], first);
    assert.deepEqual([first.isPeerRead, second.isPeerRead], [true, true]);
    await waitFor(() => a.entry(`C2C${bob}`)?.lastMessage.isPeerRead === true, 5_000, 'the list shows it read');

    // A page from the server says the same; a read that moves nothing says nothing again.
    const page = (await a.chat.getMessageList({ conversationID: `C2C${bob}` })).data.messageList;
    assert.deepEqual(page.map((m) => m.isPeerRead), [true, true]);
    await b.chat.setMessageRead({ conversationID: `C2C${alice}` });
    await settle();
    assert.equal(a.rec.of(EVENT.MESSAGE_READ_BY_PEER).length, 1);

    // Bob's side: nothing of his was read, and group messages have no receipts.
    assert.equal(b.rec.of(EVENT.MESSAGE_READ_BY_PEER).length, 0);
    const third = await sendText(a.chat, bob, 'three');
    assert.equal(third.isPeerRead, false, 'sent after the read');
    await waitFor(() => b.rec.received().length === 3, 5_000, 'bob got the third');
    assert.equal(b.rec.received()[2].isRead, false, 'a message after the read is unread');
    assert.equal(a.entry(`C2C${bob}`)?.lastMessage.isPeerRead ?? false, false);
  });

  test('a receipt given while the sender was offline arrives with the catch-up', async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const gate = gatedSocket();
    const a = await device(alice, 0, gate.WebSocket);
    const b = await device(bob, 0);
    const sent = await sendText(a.chat, bob, 'while you were out');
    gate.cut();
    await waitFor(
      () => a.rec.of(EVENT.NET_STATE_CHANGE).some((e) => e.data.state === 'disconnected'),
      5_000,
      'alice offline',
    );

    await b.chat.setAllMessageRead();
    await settle();
    assert.equal(sent.isPeerRead, false, 'not yet: alice is offline');
    gate.open();
    await waitFor(() => sent.isPeerRead, 10_000, 'the catch-up brings the receipt');
    assert.deepEqual(
      a.rec.of(EVENT.MESSAGE_READ_BY_PEER).flatMap((e) => e.data.map((m: Message) => m.ID)),
      [sent.ID],
    );
  });
});
