/**
 * A sent message keeps the ID it was created with, as Tencent's (whose IDs are made at creation):
 * TUIKit files a message under its ID before sending it and finds it by that ID in the send's
 * answer and in every later event. The instance that sent it uses that ID for everything; the
 * server's ID, which the user's other devices and the other members know it by, is its alias there.
 * Against a real natter server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EVENT, TYPES, type Message } from '@natter/sdk';
import { closeAll, destroyAllChats, gatedSocket, liveDevice } from '../testing/chat.js';
import { startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

type Device = Awaited<ReturnType<typeof liveDevice>>;

/** The messages of `event` a device was told of, flattened. */
function told(d: Device, event: typeof EVENT.MESSAGE_MODIFIED | typeof EVENT.MESSAGE_REVOKED | typeof EVENT.MESSAGE_READ_BY_PEER) {
  return d.rec.of(event).flatMap((e) => e.data as Message[]);
}

/** alice's two devices and bob's, and their group. */
async function people() {
  const alice = uniqueUid('alice');
  const bob = uniqueUid('bob');
  const groupID = uniqueUid('team');
  const gate = gatedSocket();
  const a = await liveDevice(server, alice, 0, gate.WebSocket);
  const a2 = await liveDevice(server, alice, 1);
  const b = await liveDevice(server, bob, 0);
  await server.createGroup(groupID, [alice, bob]);
  /** A text made and sent by alice's first device; `createdID` is the ID it was made with. */
  const send = async (to: string, text: string, conversationType: 'C2C' | 'GROUP' = TYPES.CONV_GROUP) => {
    const message = a.chat.createTextMessage({ to, conversationType, payload: { text } });
    const createdID = message.ID;
    const { data } = await a.chat.sendMessage(message);
    return { message, createdID, answered: data.message };
  };
  /** The server's ID of a message, as bob's device received it (found by its sequence). */
  const serverIDOf = async (m: Message) => {
    await waitFor(() => b.rec.received().some((r) => r.sequence === m.sequence), 5_000, 'bob received it');
    return b.rec.received().find((r) => r.sequence === m.sequence)!.ID;
  };
  return { alice, bob, groupID, gate, a, a2, b, send, serverIDOf, done: () => closeAll(a.chat, a2.chat, b.chat) };
}

describe('a sent message keeps the ID it was created with', () => {
  test('sendMessage answers the same object under that ID; the instance lists, finds and pages by it', async () => {
    const p = await people();
    try {
      const { message, createdID, answered } = await p.send(p.bob, 'hello', TYPES.CONV_C2C);
      assert.equal(answered, message);
      assert.deepEqual([answered.ID, message.ID, answered.status], [createdID, createdID, 'success']);

      const serverID = await p.serverIDOf(message);
      assert.notEqual(serverID, createdID, 'the others know it by the server’s ID');
      await waitFor(() => p.a2.rec.received().length === 1, 5_000, 'alice’s other device');
      assert.equal(p.a2.rec.received()[0]!.ID, serverID);

      assert.equal(p.a.chat.findMessage(createdID), message);
      assert.equal(p.a.chat.findMessage(serverID), message, 'by the server’s ID too');
      // Elsewhere too by the ID alice's instance made, which TUIKit writes into replies and quotes
      // (a reply to a reply finds the root by it).
      const bobsCopy = p.b.rec.received()[0]!;
      assert.equal(p.b.chat.findMessage(createdID), bobsCopy);
      assert.equal(p.b.chat.findMessage(serverID), bobsCopy);

      // Listed again: the object the app sent, not a second copy under the server's ID.
      const conversationID = `C2C${p.bob}`;
      const listed = (await p.a.chat.getMessageList({ conversationID })).data.messageList;
      assert.deepEqual(listed, [message]);
      assert.equal(listed[0], message);
      const hopped = (await p.a.chat.getMessageListHopping({ conversationID, sequence: message.sequence })).data.messageList;
      assert.equal(hopped[0], message);

      // The page before it, asked by the ID the app knows it by.
      const later = await p.send(p.bob, 'later', TYPES.CONV_C2C);
      const before = (await p.a.chat.getMessageList({ conversationID, nextReqMessageID: later.createdID })).data;
      assert.deepEqual(before.messageList, [message]);
      assert.equal(before.isCompleted, true);

      // The peer's read receipt reaches the very object.
      await p.b.chat.setMessageRead({ conversationID: `C2C${p.alice}` });
      await waitFor(() => told(p.a, EVENT.MESSAGE_READ_BY_PEER).length === 2, 5_000, 'MESSAGE_READ_BY_PEER');
      const read = told(p.a, EVENT.MESSAGE_READ_BY_PEER).sort((x, y) => x.sequence - y.sequence);
      assert.deepEqual(read, [message, later.message]);
      assert.equal(read[0], message);
      assert.equal(message.isPeerRead, true);
    } finally {
      await p.done();
    }
  });

  test('changes and recalls of it reach the sending instance under that ID, whoever makes them', async () => {
    const p = await people();
    try {
      const { message, createdID } = await p.send(p.groupID, 'plan: tuesday');
      const serverID = await p.serverIDOf(message);
      const bobsCopy = p.b.rec.received()[0]!;

      // Its sender changes it: the server is asked by the server's ID, and the instance hears of
      // it as Tencent's does, by the ID it made.
      message.payload.text = 'plan: wednesday';
      assert.equal((await p.a.chat.modifyMessage(message)).data.message, message);
      assert.deepEqual(told(p.a, EVENT.MESSAGE_MODIFIED), [message]);
      assert.equal(message.ID, createdID);
      await waitFor(() => told(p.b, EVENT.MESSAGE_MODIFIED).length === 1, 5_000, 'bob hears of it');
      assert.equal(told(p.b, EVENT.MESSAGE_MODIFIED)[0]!.ID, serverID);

      // Another member changes it: the sending instance's object, under its ID.
      bobsCopy.payload.text = 'plan: thursday';
      await p.b.chat.modifyMessage(bobsCopy);
      await waitFor(() => told(p.a, EVENT.MESSAGE_MODIFIED).length === 2, 5_000, 'alice hears of bob’s change');
      assert.equal(told(p.a, EVENT.MESSAGE_MODIFIED)[1], message);
      assert.deepEqual([message.ID, message.payload.text, message.version], [createdID, 'plan: thursday', 2]);

      // The user's other device recalls it (it knows the server's ID): the same, as MESSAGE_REVOKED.
      await waitFor(() => p.a2.rec.received().length === 1, 5_000, 'alice’s other device has it');
      const elsewhere = p.a2.rec.received()[0]!;
      await waitFor(() => elsewhere.version === 2, 5_000, 'alice’s other device is up to date');
      await p.a2.chat.revokeMessage(elsewhere);
      await waitFor(() => told(p.a, EVENT.MESSAGE_REVOKED).length === 1, 5_000, 'MESSAGE_REVOKED');
      assert.deepEqual(told(p.a, EVENT.MESSAGE_REVOKED), [message]);
      assert.deepEqual([message.ID, message.isRevoked, message.revoker], [createdID, true, p.alice]);

      // This instance recalls its own; the app backend recalls another: each by the server's ID.
      const second = await p.send(p.groupID, 'oops');
      const secondServerID = await p.serverIDOf(second.message);
      assert.equal((await p.a.chat.revokeMessage(second.message)).data.message, second.message);
      assert.deepEqual([second.message.ID, second.message.isRevoked], [second.createdID, true]);
      await waitFor(() => told(p.b, EVENT.MESSAGE_REVOKED).some((m) => m.ID === secondServerID), 5_000, 'bob hears of it');
      const third = await p.send(p.groupID, 'against the rules');
      await server.serverRevoke(await p.serverIDOf(third.message), 'moderator');
      await waitFor(() => told(p.a, EVENT.MESSAGE_REVOKED).length === 2, 5_000, 'the backend’s recall');
      assert.equal(told(p.a, EVENT.MESSAGE_REVOKED)[1], third.message);
      assert.deepEqual([third.message.ID, third.message.revoker], [third.createdID, 'moderator']);

      const page = (await p.a.chat.getMessageList({ conversationID: `GROUP${p.groupID}` })).data.messageList;
      assert.deepEqual(page.map((m) => m.ID), [createdID, second.createdID, third.createdID]);
      assert.equal(page[0], message);
    } finally {
      await p.done();
    }
  });

  test('after a reconnect, the changes, recalls and deletions it missed name it by that ID; deleteMessage works', async () => {
    const p = await people();
    try {
      const changed = await p.send(p.groupID, 'one');
      const recalled = await p.send(p.groupID, 'two');
      const deleted = await p.send(p.groupID, 'three');
      const kept = await p.send(p.groupID, 'four');
      await waitFor(() => p.a2.rec.received().length === 4, 5_000, 'alice’s other device has all four');
      const [changedThere, recalledThere, deletedThere] = p.a2.rec.received();

      p.gate.cut();
      await waitFor(
        () => p.a.rec.of(EVENT.NET_STATE_CHANGE).some((e) => e.data.state === 'disconnected'),
        5_000,
        'the sending device offline',
      );
      changedThere!.payload.text = 'one, edited';
      await p.a2.chat.modifyMessage(changedThere!);
      await p.a2.chat.revokeMessage(recalledThere!);
      await p.a2.chat.deleteMessage([deletedThere!]);
      p.gate.open();

      await waitFor(() => told(p.a, EVENT.MESSAGE_MODIFIED).length === 1, 10_000, 'MESSAGE_MODIFIED after the reconnect');
      assert.deepEqual(told(p.a, EVENT.MESSAGE_MODIFIED), [changed.message]);
      assert.deepEqual([changed.message.ID, changed.message.payload.text], [changed.createdID, 'one, edited']);
      await waitFor(() => told(p.a, EVENT.MESSAGE_REVOKED).length === 1, 5_000, 'MESSAGE_REVOKED after the reconnect');
      assert.deepEqual(told(p.a, EVENT.MESSAGE_REVOKED), [recalled.message]);
      await waitFor(() => p.a.rec.of(EVENT.NATTER_MESSAGES_DELETED).length === 1, 5_000, 'the deletion after the reconnect');
      assert.deepEqual(p.a.rec.of(EVENT.NATTER_MESSAGES_DELETED)[0]!.data, {
        conversationID: `GROUP${p.groupID}`,
        messageIDList: [deleted.createdID],
      });
      assert.equal(deleted.message.isDeleted, true);
      assert.equal(p.a.chat.findMessage(deleted.createdID), null);

      // The sync's change list names them so too.
      const changes = (await p.a.chat.getConversationSync(0)).data.messageChangeList;
      const mine = changes.filter((c) => c.conversationID === `GROUP${p.groupID}`);
      assert.deepEqual(
        mine.map((c) => [c.change, c.messageID]).sort(),
        [
          ['deleted', deleted.createdID],
          ['modified', changed.createdID],
          ['revoked', recalled.createdID],
        ],
      );
      assert.equal(mine.find((c) => c.change === 'modified')!.message!.ID, changed.createdID);

      // Deleting it here: the server is asked by its ID, the other device is told by that.
      const keptServerID = p.a2.rec.received()[3]!.ID;
      assert.deepEqual((await p.a.chat.deleteMessage([kept.message])).data.messageList, [kept.message]);
      await waitFor(() => p.a2.rec.of(EVENT.NATTER_MESSAGES_DELETED).length === 1, 5_000, 'the other device hears of it');
      assert.deepEqual(p.a2.rec.of(EVENT.NATTER_MESSAGES_DELETED)[0]!.data.messageIDList, [keptServerID]);
      const left = (await p.a.chat.getMessageList({ conversationID: `GROUP${p.groupID}` })).data.messageList;
      assert.deepEqual(left.map((m) => [m.ID, m.isRevoked]), [
        [changed.createdID, false],
        [recalled.createdID, true],
      ]);
    } finally {
      await p.done();
    }
  });
});
