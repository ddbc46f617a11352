/**
 * Targeted group messages (Tencent's `receiverList`): Tencent's documented sample runs
 * unchanged; only the receivers and the sender's devices get the message, the other members
 * neither get it nor see it in their history or list, it counts as unread for no one; a list of
 * more than 50 is cut as Tencent's SDK cuts it, a one-to-one message ignores it, and the
 * server's refusals reach the app as failed sends.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import TencentCloudChat from '@tencentcloud/chat';
import { ErrorCode, TYPES } from '@natter/sdk';
import { aliceTwiceBobCarol, closeAll, destroyAllChats } from '../testing/chat.js';
import { spyFetch, startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';

let server: TestServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

/** A work group of alice (two devices, the first spying on its requests), bob and carol. */
async function team() {
  const uid = { alice: uniqueUid('alice'), bob: uniqueUid('bob'), carol: uniqueUid('carol') };
  const spy = spyFetch();
  const { alice, alice2, bob, carol } = await aliceTwiceBobCarol(server, uid, spy.fetch);
  const { group } = (await alice!.chat.createGroup({ name: 'Team', type: TYPES.GRP_WORK })).data;
  await alice!.chat.addGroupMember({ groupID: group.groupID, userIDList: [uid.bob, uid.carol] });
  return {
    alice: alice!,
    alice2: alice2!,
    bob: bob!,
    carol: carol!,
    uid,
    groupID: group.groupID,
    /** The bodies of the messages alice's first instance sent. */
    sent: () => spy.calls.filter((c) => c.url.endsWith('/v1/messages')).map((c) => JSON.parse(c.body!)),
    done: () => closeAll(alice!.chat, alice2!.chat, bob!.chat, carol!.chat),
  };
}

/** The texts among messages (group tips left out). */
const texts = (messages: { type: string; payload: unknown }[]) =>
  messages.filter((m) => m.type === TYPES.MSG_TEXT).map((m) => (m.payload as { text: string }).text);

describe('targeted group messages (receiverList)', () => {
  test("Tencent's sample: only the receivers and the sender's devices get it; the others neither get nor see it", async () => {
    const g = await team();
    try {
      const chat = g.alice.chat;
      // Tencent's documented sample, the group and receiver changed.
      let message = chat.createTextMessage({
        to: g.groupID,
        conversationType: TencentCloudChat.TYPES.CONV_GROUP,
        payload: {
          text: 'Hello world!',
        },
        receiverList: [g.uid.bob],
      });
      let promise = chat.sendMessage(message);
      const { data } = await promise;
      assert.equal(data.message.status, 'success');
      assert.deepEqual(g.sent().at(-1).receiverList, [g.uid.bob]);

      await chat.sendMessage(chat.createTextMessage({ to: g.groupID, conversationType: 'GROUP', payload: { text: 'to all' } }));
      const conversationID = `GROUP${g.groupID}`;
      await waitFor(() => texts(g.carol.rec.received()).includes('to all'), 5_000, 'carol hears the message to all');
      await waitFor(() => texts(g.bob.rec.received()).includes('to all'), 5_000, 'bob hears the message to all');
      assert.deepEqual(texts(g.bob.rec.received()), ['Hello world!', 'to all']);
      assert.deepEqual(texts(g.carol.rec.received()), ['to all'], 'carol never gets it');
      await waitFor(() => texts(g.alice2.rec.received()).includes('to all'), 5_000, "alice's other device");
      assert.deepEqual(texts(g.alice2.rec.received()), ['Hello world!', 'to all']);

      const history = async (d: typeof g.bob) =>
        texts((await d.chat.getMessageList({ conversationID })).data.messageList);
      assert.deepEqual(await history(g.bob), ['Hello world!', 'to all']);
      assert.deepEqual(await history(g.carol), ['to all']);
      // It counts as unread for no one, as Tencent's by default.
      const unread = async (d: typeof g.bob) => (await d.chat.getConversationProfile(conversationID)).data.conversation.unreadCount;
      assert.equal(await unread(g.bob), await unread(g.carol));

      // Carol's last message stays the one she got.
      await chat.sendMessage(
        chat.createTextMessage({ to: g.groupID, conversationType: 'GROUP', payload: { text: 'psst' }, receiverList: [g.uid.bob] }),
      );
      await waitFor(() => texts(g.bob.rec.received()).includes('psst'), 5_000, 'bob hears psst');
      const last = async (d: typeof g.bob) =>
        ((await d.chat.getConversationProfile(conversationID)).data.conversation.lastMessage as { payload: { text: string } }).payload.text;
      assert.equal(await last(g.bob), 'psst');
      assert.equal(await last(g.carol), 'to all');
    } finally {
      await g.done();
    }
  });

  test('a list of more than 50 is cut to 50, a one-to-one message ignores it, and refusals fail the send', async () => {
    const g = await team();
    try {
      const chat = g.alice.chat;
      const fiftyOne = Array.from({ length: 51 }, (_, i) => (i === 0 ? g.uid.bob : `${g.uid.bob}-${i}`));
      chat.setLogLevel(3); // no warning on the console in tests
      const cut = chat.createTextMessage({ to: g.groupID, conversationType: 'GROUP', payload: { text: 'x' }, receiverList: fiftyOne });
      // The other 49 are no members: the server refuses, naming the first.
      await assert.rejects(chat.sendMessage(cut), (e: any) => e.code === ErrorCode.INVALID_ARGUMENT && /receiverList/.test(e.message));
      assert.equal(g.sent().at(-1).receiverList.length, 50);
      assert.equal(cut.status, 'fail');

      const direct = chat.createTextMessage({ to: g.uid.bob, conversationType: 'C2C', payload: { text: 'hi' }, receiverList: [g.uid.carol] });
      await chat.sendMessage(direct);
      assert.equal(g.sent().at(-1).receiverList, undefined, "a one-to-one message ignores it, as Tencent's SDK");

      const mention = chat.createTextAtMessage({
        to: g.groupID,
        conversationType: 'GROUP',
        payload: { text: '@bob', atUserList: [g.uid.bob] },
        receiverList: [g.uid.bob],
      });
      await assert.rejects(chat.sendMessage(mention), (e: any) => e.code === ErrorCode.INVALID_ARGUMENT && /atUserList/.test(e.message));
    } finally {
      await g.done();
    }
  });
});
