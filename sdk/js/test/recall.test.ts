/**
 * Recall (revokeMessage, the app backend's POST /message/revoke, MESSAGE_REVOKED) and delete for
 * me (deleteMessage, NATTER_MESSAGES_DELETED), live and through a reconnect's catch-up, against a
 * real natter server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type Natter from '@natter/sdk';
import { EVENT, ErrorCode, NatterError, type Message, type WebSocketConstructor } from '@natter/sdk';
import { closeAll, destroyAllChats, gatedSocket, liveDevice, loginReady, newChat, refusedWith, sendText } from '../testing/chat.js';
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

async function history(chat: Natter, conversationID: string): Promise<Message[]> {
  return (await chat.getMessageList({ conversationID })).data.messageList;
}

describe('revokeMessage and MESSAGE_REVOKED', () => {
  test("a recall reaches the peer and the sender's other device as a stub; unread and lastMessage follow", async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const a = await device(alice, 0);
    const a2 = await device(alice, 1);
    const b = await device(bob, 0);
    await server.setProfile(alice, { nick: 'Alice A.' });
    try {
      const before = await sendText(a.chat, bob, 'before');
      const secret = await sendText(a.chat, bob, 'secret');
      await waitFor(() => b.chat.getTotalUnreadMessageCount() === 2, 5_000, 'bob has 2 unread');
      await waitFor(() => a2.rec.received().length === 2, 5_000, "alice's other device got both");
      // bob's devices and alice's other one know it by the server's ID; alice's instance by the one it made.
      const heldByBob = b.rec.received().find((m) => m.sequence === secret.sequence)!;

      const result = await a.chat.revokeMessage(secret);
      assert.equal(result.code, 0);
      assert.equal(result.data.message, secret, 'the same object, as Tencent');
      assert.deepEqual([secret.isRevoked, secret.revoker, secret.payload], [true, alice, {}]);

      for (const other of [b, a2]) {
        await waitFor(() => other.rec.of(EVENT.MESSAGE_REVOKED).length === 1, 5_000, 'MESSAGE_REVOKED');
        const [stub] = other.rec.of(EVENT.MESSAGE_REVOKED)[0]!.data;
        assert.deepEqual([stub!.ID, stub!.isRevoked, stub!.revoker, stub!.conversationID], [
          heldByBob.ID,
          true,
          alice,
          other === b ? `C2C${alice}` : `C2C${bob}`,
        ]);
        assert.deepEqual(stub!.revokerInfo, { userID: alice, nick: 'Alice A.', avatar: '' }, 'the revoker, as the sender');
      }
      assert.equal(heldByBob.isRevoked, true, "the object bob's app holds is marked, as Tencent's");
      assert.deepEqual(heldByBob.payload, {}, 'its content is gone');
      await waitFor(() => b.chat.getTotalUnreadMessageCount() === 1, 5_000, 'the recalled unread stops counting');
      await waitFor(() => b.entry(`C2C${alice}`)?.lastMessage.isRevoked === true, 5_000, "bob's lastMessage");
      const last = b.entry(`C2C${alice}`)!.lastMessage;
      assert.deepEqual([last.revoker, last.messageForShow], [alice, 'Alice A. recalled a message']);
      assert.equal(b.entry(`C2C${alice}`)!.unreadCount, 1);
      await waitFor(
        () => a.entry(`C2C${bob}`)?.lastMessage.messageForShow === 'You recalled a message',
        5_000,
        "the sender's lastMessage",
      );

      const page = await history(b.chat, `C2C${alice}`);
      assert.deepEqual(
        page.map((m) => [m.sequence, m.ID === heldByBob.ID, m.isRevoked]),
        [[before.sequence, false, false], [secret.sequence, true, true]],
        'the stub stays in place',
      );

      await settle();
      assert.equal(a.rec.of(EVENT.MESSAGE_REVOKED).length, 0, "the instance's own recall is not news to it");
      assert.equal(b.rec.of(EVENT.MESSAGE_REVOKED).length, 1, 'once');
      await assert.rejects(a.chat.revokeMessage(secret), refusedWith(ErrorCode.INVALID_ARGUMENT));
    } finally {
      await closeAll(a.chat, a2.chat, b.chat);
    }
  });

  test("someone else's message: 40301 from the server, the message untouched", async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const a = await device(alice, 0);
    const b = await device(bob, 0);
    try {
      await sendText(a.chat, bob, 'mine');
      await waitFor(() => b.rec.received().length === 1, 5_000, 'bob got it');
      const theirs = b.rec.received()[0]!;
      await assert.rejects(b.chat.revokeMessage(theirs), (err: unknown) => {
        refusedWith(ErrorCode.PERMISSION_DENIED, { error: 'permission_denied' })(err);
        assert.equal(((err as NatterError).data as { message: Message }).message, theirs, "data.message, as Tencent's");
        return true;
      });
      assert.equal(theirs.isRevoked, false);
    } finally {
      await closeAll(a.chat, b.chat);
    }
  });

  test("the app backend's recall (POST /message/revoke) reaches the sender too, naming its operator", async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const group = uniqueUid('team');
    const a = await device(alice, 0);
    const b = await device(bob, 0);
    await server.createGroup(group, [alice, bob]);
    try {
      const sent = await sendText(a.chat, group, 'against the rules', 'GROUP');
      await waitFor(() => b.rec.received().length === 1, 5_000, 'bob got it');
      // The backend names it by the server's ID (bob's copy's); the sending instance knows it by its own.
      const serverID = b.rec.received()[0]!.ID;
      await server.serverRevoke(serverID, 'moderator-1');
      for (const [d, id] of [[a, sent.ID], [b, serverID]] as const) {
        await waitFor(() => d.rec.of(EVENT.MESSAGE_REVOKED).length === 1, 5_000, 'MESSAGE_REVOKED');
        const [stub] = d.rec.of(EVENT.MESSAGE_REVOKED)[0]!.data;
        assert.deepEqual([stub!.ID, stub!.revoker, stub!.conversationID], [id, 'moderator-1', `GROUP${group}`]);
        await waitFor(() => d.entry(`GROUP${group}`)?.lastMessage.isRevoked === true, 5_000, 'lastMessage recalled');
        assert.equal(d.entry(`GROUP${group}`)!.lastMessage.messageForShow, 'moderator-1 recalled a message');
      }
      assert.equal(a.rec.of(EVENT.MESSAGE_REVOKED)[0]!.data[0], sent, "the sender's own object, marked too");
    } finally {
      await closeAll(a.chat, b.chat);
    }
  });

  test('a recall missed while offline: MESSAGE_REVOKED once after the reconnect', async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const gate = gatedSocket();
    const a = await device(alice, 0);
    const b = await device(bob, 0, gate.WebSocket);
    try {
      const sent = await sendText(a.chat, bob, 'soon gone');
      await waitFor(() => b.rec.received().length === 1, 5_000, 'bob got it');
      const held = b.rec.received()[0]!;
      gate.cut();
      await waitFor(
        () => b.rec.of(EVENT.NET_STATE_CHANGE).some((e) => e.data.state === 'disconnected'),
        5_000,
        'bob offline',
      );
      await a.chat.revokeMessage(sent);
      gate.open();
      await waitFor(() => b.rec.of(EVENT.MESSAGE_REVOKED).length === 1, 10_000, 'the missed recall');
      assert.equal(b.rec.of(EVENT.MESSAGE_REVOKED)[0]!.data[0], held, 'the object bob holds, marked');
      assert.deepEqual([held.isRevoked, held.revoker], [true, alice]);
      await waitFor(() => b.entry(`C2C${alice}`)?.lastMessage.isRevoked === true, 5_000, "bob's list caught up");
      await waitFor(() => b.chat.getTotalUnreadMessageCount() === 0, 5_000, 'the recalled unread stops counting');
      await settle();
      assert.equal(b.rec.of(EVENT.MESSAGE_REVOKED).length, 1, 'once');
    } finally {
      await closeAll(a.chat, b.chat);
    }
  });
});

describe('the recall window', () => {
  let short: TestServer;
  before(async () => {
    short = await startServer({ args: ['--recall-window-secs', '1'] });
  });
  after(async () => {
    await destroyAllChats();
    await short?.stop();
  });

  test('after the window: 40303 recall_window_passed, the message untouched', async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const chat = newChat(short, { ws: true });
    await loginReady(chat, alice, await short.createUser(alice));
    await short.createUser(bob);
    try {
      const sent = await sendText(chat, bob, 'too late to take back');
      await settle(1_500);
      await assert.rejects(chat.revokeMessage(sent), (err: unknown) => {
        refusedWith(ErrorCode.RECALL_WINDOW_PASSED, { error: 'recall_window_passed' })(err);
        assert.equal(((err as NatterError).data as { message: Message }).message, sent);
        return true;
      });
      assert.deepEqual([sent.isRevoked, sent.payload], [false, { text: 'too late to take back' }]);
      const quick = await sendText(chat, bob, 'taken back in time');
      assert.equal((await chat.revokeMessage(quick)).data.message.isRevoked, true);
    } finally {
      await closeAll(chat);
    }
  });
});

describe('deleteMessage and NATTER_MESSAGES_DELETED', () => {
  test("gone for this user on every device (live, and after a reconnect's catch-up); the peer's view untouched", async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const gate = gatedSocket();
    const a = await device(alice, 0);
    const a2 = await device(alice, 1, gate.WebSocket);
    const b = await device(bob, 0);
    const c2c = `C2C${bob}`;
    try {
      const m1 = await sendText(b.chat, alice, 'one');
      const m2 = await sendText(b.chat, alice, 'two');
      const m3 = await sendText(b.chat, alice, 'three');
      await waitFor(() => a.rec.received().length === 3 && a2.rec.received().length === 3, 5_000, 'both devices got 3');

      // Live: the other device hears of it; the calling one does not.
      const [own1] = a.rec.received();
      const result = await a.chat.deleteMessage([own1!]);
      assert.deepEqual(result.data.messageList, [own1]);
      assert.equal(own1!.isDeleted, true);
      // alice's devices know bob's messages by the server's IDs (bob's instance by the ones it made).
      const [id1, id2, id3] = a.rec.received().map((m) => m.ID);
      await waitFor(() => a2.rec.of(EVENT.NATTER_MESSAGES_DELETED).length === 1, 5_000, 'live deletion');
      assert.deepEqual(a2.rec.of(EVENT.NATTER_MESSAGES_DELETED)[0]!.data, { conversationID: c2c, messageIDList: [id1] });
      assert.equal(a2.chat.findMessage(id1!), null, 'forgotten by the other device');

      // Missed while offline: the catch-up brings it.
      gate.cut();
      await waitFor(
        () => a2.rec.of(EVENT.NET_STATE_CHANGE).some((e) => e.data.state === 'disconnected'),
        5_000,
        'the other device offline',
      );
      const own2 = a.rec.received().find((m) => m.ID === id2)!;
      await a.chat.deleteMessage([own2]);
      gate.open();
      await waitFor(() => a2.rec.of(EVENT.NATTER_MESSAGES_DELETED).length === 2, 10_000, 'deletion after the reconnect');
      assert.deepEqual(a2.rec.of(EVENT.NATTER_MESSAGES_DELETED)[1]!.data, { conversationID: c2c, messageIDList: [id2] });
      assert.equal(a2.chat.findMessage(id2!), null);
      assert.deepEqual((await history(a2.chat, c2c)).map((m) => m.ID), [id3]);
      assert.deepEqual((await history(a.chat, c2c)).map((m) => m.ID), [id3]);

      assert.deepEqual((await history(b.chat, `C2C${alice}`)).map((m) => m.ID), [m1.ID, m2.ID, m3.ID], "bob's view untouched");
      await settle();
      assert.equal(a.rec.of(EVENT.NATTER_MESSAGES_DELETED).length, 0, 'the calling instance is not told again');
      assert.equal(a2.rec.of(EVENT.NATTER_MESSAGES_DELETED).length, 2, 'each deletion told once');
    } finally {
      await closeAll(a.chat, a2.chat, b.chat);
    }
  });

  test('checked before sending: 1 to 30 messages of one conversation', async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const carol = uniqueUid('carol');
    const a = await device(alice, 0);
    await server.createUser(bob);
    await server.createUser(carol);
    try {
      const toBob = await sendText(a.chat, bob, 'b');
      const toCarol = await sendText(a.chat, carol, 'c');
      await assert.rejects(a.chat.deleteMessage([]), refusedWith(ErrorCode.INVALID_ARGUMENT));
      await assert.rejects(a.chat.deleteMessage([toBob, toCarol]), refusedWith(ErrorCode.INVALID_ARGUMENT));
      await assert.rejects(a.chat.deleteMessage(Array(31).fill(toBob)), refusedWith(ErrorCode.INVALID_ARGUMENT));
      assert.equal(toBob.isDeleted, false);
    } finally {
      await closeAll(a.chat);
    }
  });
});
