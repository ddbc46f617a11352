/**
 * Online-only messages, as Tencent's `sendMessage(message, { onlineUserOnly: true })`, which
 * TUIKit's typing indicator sends: pushed to the devices connected now, as MESSAGE_RECEIVED, and
 * nothing else: not stored, not unread, never a conversation's last message, not in history.
 * Against a real natter server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EVENT, TYPES, type Message } from '@natter/sdk';
import { closeAll, destroyAllChats, liveDevice, sendText } from '../testing/chat.js';
import { startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

/** TUIKit's typing status, as its typing indicator sends it. */
const TYPING = JSON.stringify({
  businessID: 'user_typing_status',
  typingStatus: 1,
  version: 1,
  userAction: 14,
  actionParam: 'EIMAMSG_InputStatus_Ing',
});

function isTyping(m: Message): boolean {
  return m.type === TYPES.MSG_CUSTOM && m.payload.data === TYPING;
}

describe('sendMessage with onlineUserOnly', () => {
  test('a typing status reaches the peer and the sender’s other devices live, and changes nothing else', async () => {
    const aliceID = uniqueUid('alice');
    const alice = await liveDevice(server, aliceID, 1);
    const alicesPhone = await liveDevice(server, aliceID, 0);
    const bob = await liveDevice(server, uniqueUid('bob'), 1);
    const bobID = bob.chat.getLoginUser();
    const conversationID = `C2C${aliceID}`;
    try {
      await sendText(alice.chat, bobID, 'hi');
      await waitFor(() => bob.entry(conversationID)?.unreadCount === 1, 5_000, 'the text in bob’s list');
      const listUpdates = bob.rec.of(EVENT.CONVERSATION_LIST_UPDATED).length;

      const typing = alice.chat.createCustomMessage({
        to: bobID,
        conversationType: TYPES.CONV_C2C,
        payload: { data: TYPING },
      });
      const sent = await alice.chat.sendMessage(typing, { onlineUserOnly: true });
      // As Tencent's: the same object, sent, with the server's time; never stored, so no sequence.
      assert.equal(sent.data.message, typing);
      assert.deepEqual([typing.status, typing.sequence, typing.from], ['success', 0, aliceID]);
      assert.ok(typing.time > 0);

      await waitFor(() => bob.rec.received().some(isTyping), 5_000, 'the typing status reaching bob');
      const [received] = bob.rec.received().filter(isTyping);
      assert.deepEqual(
        [received!.conversationID, received!.from, received!.flow, received!.sequence],
        [conversationID, aliceID, 'in', 0],
      );
      await waitFor(() => alicesPhone.rec.received().some(isTyping), 5_000, 'and alice’s phone');
      assert.equal(alicesPhone.rec.received().find(isTyping)!.flow, 'out');

      // A stored message sent after it arrives as ever: the online-only one moved no delivery mark.
      await sendText(alice.chat, bobID, 'still there?');
      await waitFor(() => bob.entry(conversationID)?.unreadCount === 2, 5_000, 'the next text in bob’s list');
      assert.deepEqual(
        bob.rec.received().map((m) => (isTyping(m) ? 'typing' : m.payload.text)),
        ['hi', 'typing', 'still there?'],
      );
      assert.equal(
        bob.rec.of(EVENT.CONVERSATION_LIST_UPDATED).length,
        listUpdates + 1,
        'the typing status changed no conversation: only the second text did',
      );
      assert.equal(alice.rec.received().filter(isTyping).length, 0, 'not handed back to the instance that sent it');

      // Not in history, not held, not unread, never the last message.
      const history = (await bob.chat.getMessageList({ conversationID })).data.messageList;
      assert.deepEqual(history.map((m) => m.payload.text), ['hi', 'still there?']);
      assert.equal(bob.chat.findMessage(received!.ID), null);
      const { conversation } = (await bob.chat.getConversationProfile(conversationID)).data;
      assert.deepEqual([conversation.unreadCount, conversation.lastMessage.payload.text], [2, 'still there?']);
      assert.equal((await bob.chat.getTotalUnreadMessageCount()), 2);
    } finally {
      await closeAll(alice.chat, alicesPhone.chat, bob.chat);
    }
  });

  test('in a group: the connected members get it, addressed to the group, which it does not change', async () => {
    const alice = await liveDevice(server, uniqueUid('alice'), 1);
    const bob = await liveDevice(server, uniqueUid('bob'), 1);
    const groupID = uniqueUid('team');
    await server.createGroup(groupID, [alice.chat.getLoginUser(), bob.chat.getLoginUser()]);
    try {
      await sendText(alice.chat, groupID, 'stand-up in 5', 'GROUP');
      await waitFor(() => bob.entry(`GROUP${groupID}`)?.unreadCount === 1, 5_000, 'the group in bob’s list');
      const typing = alice.chat.createCustomMessage({ to: groupID, conversationType: TYPES.CONV_GROUP, payload: { data: TYPING } });
      await alice.chat.sendMessage(typing, { onlineUserOnly: true });
      await waitFor(() => bob.rec.received().some(isTyping), 5_000, 'the typing status reaching bob');
      assert.equal(bob.rec.received().find(isTyping)!.to, groupID);
      const { conversation } = (await bob.chat.getConversationProfile(`GROUP${groupID}`)).data;
      assert.deepEqual([conversation.unreadCount, conversation.lastMessage.payload.text], [1, 'stand-up in 5']);
    } finally {
      await closeAll(alice.chat, bob.chat);
    }
  });
});
