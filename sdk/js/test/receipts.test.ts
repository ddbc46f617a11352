/**
 * Read receipts as Tencent's SDK gives them, against a real natter server. By conversation: when
 * the peer reads (setMessageRead, setAllMessageRead), the sender's held messages become
 * `isPeerRead` and MESSAGE_READ_BY_PEER hands them over; lists, pages and a reconnect's catch-up
 * carry the same. By message: a message sent with `needReadReceipt` gets receipts from its readers
 * (sendMessageReadReceipt, Tencent's 2114 when nothing asks for one), the sender hears them as
 * MESSAGE_READ_RECEIPT_RECEIVED and reads them back (`readReceiptInfo`, getMessageReadReceiptList,
 * getGroupMessageReadMemberList's pages), one-to-one and in groups; never in an AVChatRoom.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ErrorCode,
  EVENT,
  type C2CMessageReadReceipt,
  type GroupMessageReadReceipt,
  type Message,
  type WebSocketConstructor,
} from '@natter/sdk';
import {
  closeAll,
  delayingSocket,
  destroyAllChats,
  gatedSocket,
  liveDevice,
  refusedWith,
  sendText,
} from '../testing/chat.js';
import { spyFetch, startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';

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

type Device = Awaited<ReturnType<typeof liveDevice>>;

/** A text message asking for read receipts, sent by `from` to a user or a group. */
async function sendAsking(from: Device, to: string, text: string, conversationType: 'C2C' | 'GROUP' = 'C2C') {
  const message = from.chat.createTextMessage({ to, conversationType, payload: { text }, needReadReceipt: true });
  return (await from.chat.sendMessage(message)).data.message;
}

/** `d`'s copy of a message it received (MESSAGE_RECEIVED), once there. */
async function copyOf(d: Device, sent: Message): Promise<Message> {
  const find = () => d.rec.received().find((m) => isCopy(m, sent));
  await waitFor(() => find() !== undefined, 5_000, `${sent.payload.text} delivered`);
  return find()!;
}

/** Another instance's copy of `sent`: one sender, one kind of conversation (each user has one with the sender), one sequence. */
function isCopy(m: Message, sent: Message): boolean {
  return m.from === sent.from && m.conversationType === sent.conversationType && m.sequence === sent.sequence;
}

/** Every MESSAGE_READ_RECEIPT_RECEIVED a device heard, its entries. */
function receiptEvents(d: Device): (C2CMessageReadReceipt | GroupMessageReadReceipt)[][] {
  return d.rec.of(EVENT.MESSAGE_READ_RECEIPT_RECEIVED).map((e) => e.data);
}

/** The bodies of the requests a spy saw posted to `/v1/messages<suffix>`. */
function posted(calls: { method: string; url: string; body?: string }[], suffix: string): Record<string, unknown>[] {
  return calls
    .filter((c) => c.method === 'POST' && new URL(c.url).pathname === `/v1/messages${suffix}`)
    .map((c) => JSON.parse(c.body!) as Record<string, unknown>);
}

const NOTHING_KNOWN = { readCount: undefined, unreadCount: undefined, isPeerRead: undefined, timestamp: 0 };

describe('needReadReceipt and sendMessageReadReceipt one-to-one', () => {
  test('the peer gives a receipt: the sender hears it, its message and its history say isPeerRead; nothing is read', async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const spy = spyFetch();
    const a = await liveDevice(server, alice, 1, undefined, { fetch: spy.fetch });
    const a2 = await device(alice, 2);
    const b = await device(bob, 1);

    const created = a.chat.createTextMessage({ to: bob, conversationType: 'C2C', payload: { text: 'read me' }, needReadReceipt: true });
    assert.equal(created.needReadReceipt, true);
    assert.deepEqual(created.readReceiptInfo, NOTHING_KNOWN, "Tencent's empty readReceiptInfo");
    const sent = (await a.chat.sendMessage(created)).data.message;
    assert.equal(sent, created);
    assert.equal(sent.needReadReceipt, true);
    assert.equal(posted(spy.calls, '')[0]!.needReadReceipt, true, 'asked of the server');
    const plain = await sendText(a.chat, bob, 'no receipt asked');
    assert.equal(plain.needReadReceipt, false);
    assert.deepEqual(plain.readReceiptInfo, NOTHING_KNOWN);
    assert.equal(posted(spy.calls, '')[1]!.needReadReceipt, undefined, 'nothing asked');

    // The reader's copies: the one that asks says so, and that no receipt was given yet.
    const copy = await copyOf(b, sent);
    const plainCopy = await copyOf(b, plain);
    assert.equal(copy.needReadReceipt, true);
    assert.deepEqual(copy.readReceiptInfo, { ...NOTHING_KNOWN, isPeerRead: false });
    assert.equal(plainCopy.needReadReceipt, false);
    assert.deepEqual(plainCopy.readReceiptInfo, NOTHING_KNOWN);
    const ownCopy = await copyOf(a2, sent);
    assert.equal(ownCopy.flow, 'out');
    assert.equal(ownCopy.readReceiptInfo.isPeerRead, false);
    await waitFor(() => b.chat.getTotalUnreadMessageCount() === 2, 5_000, 'both unread');

    // The list may hold any message, as Tencent's takes it: those that ask are acknowledged.
    const before = Date.now();
    assert.deepEqual(await b.chat.sendMessageReadReceipt([copy, plainCopy]), { code: 0, data: {} });
    await waitFor(() => receiptEvents(a).length === 1, 5_000, 'MESSAGE_READ_RECEIPT_RECEIVED');
    const [entry] = receiptEvents(a)[0]! as C2CMessageReadReceipt[];
    assert.deepEqual(entry, { userID: bob, messageID: sent.ID, isPeerRead: true, timestamp: entry!.timestamp });
    assert.ok(Math.abs(entry!.timestamp - Math.floor(before / 1000)) <= 5, `seconds: ${entry!.timestamp}`);
    assert.deepEqual(sent.readReceiptInfo, { ...NOTHING_KNOWN, isPeerRead: true, timestamp: entry!.timestamp });
    assert.deepEqual(plain.readReceiptInfo, NOTHING_KNOWN, 'the message that asked for none has none');
    // alice's other device hears it too, under the server's ID, and marks its copy.
    await waitFor(() => receiptEvents(a2).length === 1, 5_000, "alice's other device");
    assert.equal((receiptEvents(a2)[0]![0] as C2CMessageReadReceipt).messageID, ownCopy.ID);
    assert.equal(ownCopy.readReceiptInfo.isPeerRead, true);
    assert.equal(ownCopy.isPeerRead, false, 'a receipt is not reading the conversation (MESSAGE_READ_BY_PEER)');

    // A receipt is no read: bob's unread count stays, and alice hears no MESSAGE_READ_BY_PEER.
    await settle();
    assert.equal(b.chat.getTotalUnreadMessageCount(), 2);
    assert.equal((await b.chat.getConversationProfile(`C2C${alice}`)).data.conversation.unreadCount, 2);
    assert.equal(a.rec.of(EVENT.MESSAGE_READ_BY_PEER).length, 0);

    // Given again: no news.
    await b.chat.sendMessageReadReceipt([copy]);
    await settle();
    assert.equal(receiptEvents(a).length, 1);

    // The sender reads it back: the very objects given; nothing asked of the server for the rest.
    const listed = await a.chat.getMessageReadReceiptList([sent, plain]);
    assert.equal(listed.code, 0);
    assert.equal(listed.data.messageList[0], sent);
    assert.equal(listed.data.messageList[1], plain);
    assert.deepEqual(posted(spy.calls, '/read-receipts/list').map((body) => body.messageIDList), [
      [findServerID(b, sent)],
    ]);
    assert.equal(sent.readReceiptInfo.isPeerRead, true);

    // A page of history, on a new instance of alice's, says the same.
    const fresh = await device(alice, 0);
    const page = (await fresh.chat.getMessageList({ conversationID: `C2C${bob}` })).data.messageList;
    assert.deepEqual(
      page.map((m) => [m.needReadReceipt, m.readReceiptInfo.isPeerRead]),
      [
        [true, true],
        [false, undefined],
      ],
    );
    // Its getMessageReadReceiptList asks the server, which a held message's push never told.
    page[0]!.readReceiptInfo.isPeerRead = undefined;
    await fresh.chat.getMessageReadReceiptList(page);
    assert.equal(page[0]!.readReceiptInfo.isPeerRead, true);
    // And alice's sending instance keeps what it knew when it pages.
    const own = (await a.chat.getMessageList({ conversationID: `C2C${bob}` })).data.messageList;
    assert.equal(own[0], sent, 'the object sent');
    assert.equal(sent.readReceiptInfo.isPeerRead, true);
    await closeAll(a.chat, a2.chat, b.chat, fresh.chat);
  });

  test('told once per message: not again when the app knew already, and also for a message not held (unlike Tencent)', async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const delaying = delayingSocket();
    const a = await device(alice, 1, delaying.WebSocket);
    const b = await device(bob, 1);
    const sent = await sendAsking(a, bob, 'read me');
    const copy = await copyOf(b, sent);
    // alice's new device holds nothing of it.
    const later = await device(alice, 2);

    delaying.holdBack((frame) => frame.event === 'messageReadReceiptReceived');
    await b.chat.sendMessageReadReceipt([copy]);
    await waitFor(() => delaying.held().length === 1, 5_000, 'the push, held back');
    // The sender asks before the push arrives: the receipt is known, and the late push is no news.
    await a.chat.getMessageReadReceiptList([sent]);
    assert.equal(sent.readReceiptInfo.isPeerRead, true);
    delaying.release();
    await settle();
    assert.deepEqual(receiptEvents(a), []);

    // Tencent's SDK tells only of messages in its message list; this one tells of any.
    await waitFor(() => receiptEvents(later).length === 1, 5_000, 'the new device hears it');
    assert.equal(later.chat.findMessage(copy.ID), null, 'not held there');
    assert.deepEqual(receiptEvents(later)[0], [
      { userID: bob, messageID: copy.ID, isPeerRead: true, timestamp: (receiptEvents(later)[0]![0] as C2CMessageReadReceipt).timestamp },
    ]);
    await closeAll(a.chat, b.chat, later.chat);
  });

  test('only a message of the list that asks the reader counts: else Tencent\'s 2114, and no request', async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const spy = spyFetch();
    const a = await device(alice, 1);
    const b = await liveDevice(server, bob, 1, undefined, { fetch: spy.fetch });
    const asking = await sendAsking(a, bob, 'asks');
    const plain = await sendText(a.chat, bob, 'asks nothing');
    const plainCopy = await copyOf(b, plain);
    const own = await sendAsking(b, alice, "bob's own");

    for (const list of [[plainCopy], [own], [own, plainCopy]]) {
      await assert.rejects(b.chat.sendMessageReadReceipt(list), (err: unknown) => {
        refusedWith(ErrorCode.READ_RECEIPT_MSG_LIST_EMPTY)(err);
        assert.equal(ErrorCode.READ_RECEIPT_MSG_LIST_EMPTY, 2114);
        return true;
      });
    }
    // alice's own message is hers: nothing to acknowledge there either.
    await assert.rejects(a.chat.sendMessageReadReceipt([asking]), refusedWith(2114));
    for (const bad of [[], undefined, 'x', [{}]]) {
      await assert.rejects(b.chat.sendMessageReadReceipt(bad as never), refusedWith(40001));
      await assert.rejects(b.chat.getMessageReadReceiptList(bad as never), refusedWith(40001));
    }
    // The reader's getMessageReadReceiptList: none of these is bob's own and asking, so nothing is asked.
    const copies = [plainCopy, await copyOf(b, asking)];
    assert.deepEqual(await b.chat.getMessageReadReceiptList(copies), { code: 0, data: { messageList: copies } });
    assert.deepEqual(posted(spy.calls, '/read-receipts').length + posted(spy.calls, '/read-receipts/list').length, 0);
    await closeAll(a.chat, b.chat);
  });
});

describe('read receipts in groups', () => {
  test('counts, MESSAGE_READ_RECEIPT_RECEIVED and the pages of who read it and who did not', async () => {
    const uid = { alice: uniqueUid('alice'), bob: uniqueUid('bob'), carol: uniqueUid('carol') };
    const spy = spyFetch();
    const alice = await liveDevice(server, uid.alice, 1, undefined, { fetch: spy.fetch });
    const bob = await device(uid.bob, 1);
    const carol = await device(uid.carol, 1);
    const groupID = uniqueUid('group');
    await server.createGroup(groupID, Object.values(uid));
    const sent = await sendAsking(alice, groupID, 'who read this?', 'GROUP');
    assert.equal(sent.needReadReceipt, true);
    const bobs = await copyOf(bob, sent);
    const carols = await copyOf(carol, sent);
    assert.equal(bobs.needReadReceipt, true);
    assert.deepEqual(bobs.readReceiptInfo, NOTHING_KNOWN, "a group message's counts are not in its copy");

    await alice.chat.getMessageReadReceiptList([sent]);
    assert.deepEqual(sent.readReceiptInfo, { ...NOTHING_KNOWN, readCount: 0, unreadCount: 2 });

    await bob.chat.sendMessageReadReceipt([bobs]);
    await waitFor(() => receiptEvents(alice).length === 1, 5_000, 'the first receipt');
    assert.deepEqual(receiptEvents(alice)[0], [{ groupID, messageID: sent.ID, readCount: 1, unreadCount: 1 }]);
    assert.deepEqual(sent.readReceiptInfo, { ...NOTHING_KNOWN, readCount: 1, unreadCount: 1 });
    assert.equal(receiptEvents(bob).length + receiptEvents(carol).length, 0, "only the sender's devices hear it");

    const read = await alice.chat.getGroupMessageReadMemberList({ message: sent, filter: 0, cursor: '', count: 100 });
    assert.deepEqual(read, {
      code: 0,
      data: { cursor: '', isCompleted: true, messageID: sent.ID, readUserIDList: [uid.bob], unreadUserIDList: [] },
    });
    const unread = await alice.chat.getGroupMessageReadMemberList({ message: sent, filter: 1, cursor: '', count: 100 });
    assert.deepEqual(unread.data, {
      cursor: '',
      isCompleted: true,
      messageID: sent.ID,
      readUserIDList: [],
      unreadUserIDList: [uid.carol],
    });

    await carol.chat.sendMessageReadReceipt([carols]);
    await waitFor(() => receiptEvents(alice).length === 2, 5_000, 'the second receipt');
    assert.deepEqual(receiptEvents(alice)[1], [{ groupID, messageID: sent.ID, readCount: 2, unreadCount: 0 }]);
    assert.deepEqual(sent.readReceiptInfo, { ...NOTHING_KNOWN, readCount: 2, unreadCount: 0 });
    // Read back from the server, not from what the push told.
    Object.assign(sent.readReceiptInfo, { readCount: undefined, unreadCount: undefined });
    await alice.chat.getMessageReadReceiptList([sent]);
    assert.deepEqual(sent.readReceiptInfo, { ...NOTHING_KNOWN, readCount: 2, unreadCount: 0 });

    // One member a page, in user ID order (bob's before carol's), by cursor.
    const first = (await alice.chat.getGroupMessageReadMemberList({ message: sent, filter: 0, cursor: '', count: 1 })).data;
    assert.deepEqual([first.readUserIDList, first.isCompleted], [[uid.bob], false]);
    assert.notEqual(first.cursor, '');
    const second = (await alice.chat.getGroupMessageReadMemberList({ message: sent, filter: 0, cursor: first.cursor, count: 1 }))
      .data;
    assert.deepEqual([second.readUserIDList, second.isCompleted, second.cursor], [[uid.carol], true, '']);
    const none = (await alice.chat.getGroupMessageReadMemberList({ message: sent, filter: 1, cursor: '', count: 1 })).data;
    assert.deepEqual([none.unreadUserIDList, none.readUserIDList, none.isCompleted, none.cursor], [[], [], true, '']);

    // Options read as Tencent's reads them: anything else is the first page of readers, 100 of them.
    spy.calls.length = 0;
    const loose = await alice.chat.getGroupMessageReadMemberList({ message: sent, filter: 7, cursor: 3 as never, count: 0 });
    assert.deepEqual(loose.data.readUserIDList, [uid.bob, uid.carol]);
    assert.deepEqual(posted(spy.calls, '/read-receipts/members'), [
      { conversationID: `GROUP${groupID}`, messageID: findServerID(bob, sent), filter: 'read', cursor: '', count: 100 },
    ]);
    assert.deepEqual((await alice.chat.getGroupMessageReadMemberList({ message: sent })).data.readUserIDList, [uid.bob, uid.carol]);

    // Only the sender may ask who read it; a message not sent is refused before any request.
    await assert.rejects(bob.chat.getGroupMessageReadMemberList({ message: bobs, filter: 0, cursor: '', count: 10 }), refusedWith(40301));
    const unsent = alice.chat.createTextMessage({ to: groupID, conversationType: 'GROUP', payload: { text: 'x' }, needReadReceipt: true });
    await assert.rejects(alice.chat.getGroupMessageReadMemberList({ message: unsent, filter: 0, cursor: '', count: 10 }), refusedWith(40001));
    await assert.rejects(alice.chat.getGroupMessageReadMemberList({} as never), refusedWith(40001));
    await closeAll(alice.chat, bob.chat, carol.chat);
  });

  test('an AVChatRoom asks for no receipts, as Tencent\'s SDK never asks there', async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const spy = spyFetch();
    const a = await liveDevice(server, alice, 1, undefined, { fetch: spy.fetch });
    const b = await device(bob, 1);
    const groupID = uniqueUid('live');
    await server.createGroup(groupID, [alice, bob]);
    await server.setGroupInfo(groupID, { group_type: 'AVChatRoom' });
    // The app opens the group first (a group without messages has no conversation to show its type).
    assert.equal((await a.chat.getGroupProfile({ groupID })).data.group.type, 'AVChatRoom');

    const created = a.chat.createTextMessage({ to: groupID, conversationType: 'GROUP', payload: { text: 'live' }, needReadReceipt: true });
    const sent = (await a.chat.sendMessage(created)).data.message;
    assert.equal(sent.needReadReceipt, false);
    assert.equal(posted(spy.calls, '')[0]!.needReadReceipt, undefined, 'not asked of the server');
    assert.equal((await copyOf(b, sent)).needReadReceipt, false);
    await closeAll(a.chat, b.chat);
  });
});

/** The server's ID of a message, as another instance (which holds it by that) knows it. */
function findServerID(other: Device, sent: Message): string {
  const copy = other.rec.received().find((m) => isCopy(m, sent));
  assert.ok(copy, 'the other instance received it');
  return copy.ID;
}
