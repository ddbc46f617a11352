/**
 * Group @-mentions against a real natter server, as Tencent's SDK has them: createTextAtMessage,
 * the `atUserList` of the messages received, a group conversation's `groupAtInfoList` (live from
 * the pushes, and from the server after a new login), setMessageRead clearing it, and
 * getConversationList's `hasGroupAtInfo` filter.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import TencentCloudChat from '@tencentcloud/chat';
import { EVENT, ErrorCode, TYPES, type Conversation, type Message } from '@natter/sdk';
import {
  closeAll,
  delayingSocket,
  destroyAllChats,
  ids,
  liveDevice,
  loginReady,
  newChat,
  record,
  recordingSocket,
} from '../testing/chat.js';
import { spyFetch, startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';
import { toConversation, toLastMessage, toMessage } from '../src/convert.js';
import { MentionTracker } from '../src/mentions.js';
import type { WireConversation, WireMessage } from '../src/wire.js';

let server: TestServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

/**
 * A group of live users made by the app backend: alice writes, denny and lucy are named, dave
 * only hears "@all". bob's socket records its frames.
 */
async function groupOf() {
  const socket = recordingSocket();
  const uid = {
    alice: uniqueUid('alice'),
    denny: uniqueUid('denny'),
    lucy: uniqueUid('lucy'),
    dave: uniqueUid('dave'),
  };
  const [alice, denny, lucy, dave] = await Promise.all([
    liveDevice(server, uid.alice, 1),
    liveDevice(server, uid.denny, 1, socket.WebSocket),
    liveDevice(server, uid.lucy, 1),
    liveDevice(server, uid.dave, 1),
  ]);
  const groupID = uniqueUid('group');
  await server.createGroup(groupID, Object.values(uid));
  return {
    uid,
    alice: alice!,
    denny: denny!,
    lucy: lucy!,
    dave: dave!,
    groupID,
    conversationID: `GROUP${groupID}`,
    dennyFrames: socket.frames,
    done: () => closeAll(alice!.chat, denny!.chat, lucy!.chat, dave!.chat),
  };
}

/** The `groupAtInfoList` of a conversation as plain data. */
function atInfo(conversation: Conversation | undefined) {
  return conversation?.groupAtInfoList.map((a) => ({ ...a }));
}

describe('createTextAtMessage', () => {
  test("Tencent's documented sample, unchanged but for the IDs: sent with its mentions", async () => {
    const g = await groupOf();
    const spy = spyFetch();
    const chat = TencentCloudChat.create({ SDKAppID: 1_700_000_001, serverUrl: server.baseUrl, WebSocket, fetch: spy.fetch });
    try {
      await loginReady(chat, g.uid.alice, await server.createUser(g.uid.alice, 2));
      const denny = g.uid.denny;
      const lucy = g.uid.lucy;
      const group1 = g.groupID;

      // ---- from Tencent's documentation ("Sending @ messages"), IDs aside
      let message = chat.createTextAtMessage({
        to: group1,
        conversationType: TencentCloudChat.TYPES.CONV_GROUP,
        payload: {
          text: '@denny @lucy Dinner tonight, reply 1 if you got it',
          atUserList: [denny, lucy, TencentCloudChat.TYPES.MSG_AT_ALL],
        },
      });
      let promise = chat.sendMessage(message);
      let sent: Message | undefined;
      await promise
        .then(function (imResponse) {
          sent = imResponse.data.message;
        })
        .catch(function (imError) {
          assert.fail(`sendMessage error: ${imError}`);
        });
      // ----

      assert.ok(sent);
      assert.equal(sent, message, 'the same object, as Tencent’s');
      assert.equal(sent.status, 'success');
      assert.equal(sent.type, TYPES.MSG_TEXT);
      assert.deepEqual(sent.payload, { text: '@denny @lucy Dinner tonight, reply 1 if you got it' });
      assert.deepEqual(sent.atUserList, [denny, lucy, TYPES.MSG_AT_ALL]);
      assert.equal(sent.conversationID, g.conversationID);
      const request = spy.calls.find((c) => c.method === 'POST' && c.url.endsWith('/v1/messages'));
      assert.deepEqual(JSON.parse(request!.body!).payload, {
        text: '@denny @lucy Dinner tonight, reply 1 if you got it',
        atUserList: [denny, lucy, TYPES.MSG_AT_ALL],
      });

      // The mentioned members receive it with its atUserList, the payload being Tencent's { text }.
      // denny's copy has the server's ID (alice's instance keeps the one it made): found by sequence.
      await waitFor(() => g.denny.rec.received().some((m) => m.sequence === sent!.sequence), 5_000, 'denny receives it');
      const received = g.denny.rec.received().find((m) => m.sequence === sent!.sequence)!;
      assert.deepEqual(received.atUserList, [denny, lucy, TYPES.MSG_AT_ALL]);
      assert.deepEqual(received.payload, { text: '@denny @lucy Dinner tonight, reply 1 if you got it' });
      assert.equal(received.from, g.uid.alice);

      // Live, from the push: named and everyone is CONV_AT_ALL_AT_ME; dave, only in "everyone",
      // CONV_AT_ALL; the sender none.
      const mention = (atType: number) => [
        { from: g.uid.alice, groupID: group1, messageSequence: sent!.sequence, atTypeArray: [atType] },
      ];
      await waitFor(() => g.denny.entry(g.conversationID)?.groupAtInfoList.length === 1, 5_000, 'denny’s @ info');
      assert.deepEqual(atInfo(g.denny.entry(g.conversationID)), mention(TYPES.CONV_AT_ALL_AT_ME));
      await waitFor(() => g.lucy.entry(g.conversationID)?.groupAtInfoList.length === 1, 5_000, 'lucy’s @ info');
      assert.deepEqual(atInfo(g.lucy.entry(g.conversationID)), mention(TYPES.CONV_AT_ALL_AT_ME));
      await waitFor(() => g.dave.entry(g.conversationID)?.groupAtInfoList.length === 1, 5_000, 'dave’s @ info');
      assert.deepEqual(atInfo(g.dave.entry(g.conversationID)), mention(TYPES.CONV_AT_ALL));
      await waitFor(() => g.alice.entry(g.conversationID)?.lastMessage.lastSequence === sent!.sequence, 5_000, 'alice’s list');
      assert.deepEqual(atInfo(g.alice.entry(g.conversationID)), [], 'the sender is not reminded of her own message');

      // That list came from the SDK: the conversation pushed with the message carries none.
      const pushed = g.dennyFrames
        .filter((f) => f.event === 'conversationListUpdated')
        .flatMap((f) => f.data.conversationList as { conversationID: string; lastMessage: { seq: number } | null; groupAtInfoList?: unknown }[])
        .filter((c) => c.conversationID === g.conversationID && c.lastMessage?.seq === sent!.sequence);
      assert.ok(pushed.length > 0, 'the conversation was pushed with the message');
      assert.ok(pushed.every((c) => c.groupAtInfoList === undefined), 'the push leaves the mentions to the SDK');

      // History and the conversation's last message: the text, without the list in the payload.
      const history = (await g.denny.chat.getMessageList({ conversationID: g.conversationID })).data.messageList;
      const listed = history.find((m) => m.ID === received.ID)!;
      assert.deepEqual(listed.atUserList, [denny, lucy, TYPES.MSG_AT_ALL]);
      assert.deepEqual(listed.payload, { text: '@denny @lucy Dinner tonight, reply 1 if you got it' });
      const last = g.denny.entry(g.conversationID)!.lastMessage;
      assert.deepEqual(last.payload, { text: '@denny @lucy Dinner tonight, reply 1 if you got it' });
      assert.equal(last.messageForShow, '@denny @lucy Dinner tonight, reply 1 if you got it');
    } finally {
      await closeAll(chat);
      await g.done();
    }
  });

  test('after a new login the @ info comes from the server; hasGroupAtInfo filters; setMessageRead clears it', async () => {
    const g = await groupOf();
    const other = uniqueUid('quiet-group');
    await server.createGroup(other, [g.uid.alice, g.uid.denny]);
    try {
      const mention = g.alice.chat.createTextAtMessage({
        to: g.groupID,
        conversationType: TYPES.CONV_GROUP,
        payload: { text: '@denny standup?', atUserList: [g.uid.denny] },
      });
      const { message } = (await g.alice.chat.sendMessage(mention)).data;
      await g.alice.chat.sendMessage(g.alice.chat.createTextMessage({ to: other, conversationType: 'GROUP', payload: { text: 'no one named' } }));
      await g.alice.chat.sendMessage(g.alice.chat.createTextMessage({ to: g.uid.denny, conversationType: 'C2C', payload: { text: 'hi' } }));

      // A new instance of denny's (another device): the list from the server has it.
      const chat = newChat(server, { ws: true });
      const rec = record(chat);
      let shown: Conversation[] = [];
      chat.on(EVENT.CONVERSATION_LIST_UPDATED, (e) => (shown = e.data));
      await loginReady(chat, g.uid.denny, await server.createUser(g.uid.denny, 2));
      const expected = [{ from: g.uid.alice, groupID: g.groupID, messageSequence: message.sequence, atTypeArray: [TYPES.CONV_AT_ME] }];
      const fromServer = (await chat.getConversationList()).data.conversationList;
      assert.deepEqual(atInfo(fromServer.find((c) => c.conversationID === g.conversationID)), expected);
      assert.deepEqual(atInfo(shown.find((c) => c.conversationID === g.conversationID)), expected, 'CONVERSATION_LIST_UPDATED');
      assert.deepEqual(atInfo(fromServer.find((c) => c.conversationID === `GROUP${other}`)), []);
      const profile = (await chat.getConversationProfile(g.conversationID)).data.conversation;
      assert.deepEqual(atInfo(profile), expected);

      // As Tencent's _filterGroupAtInfo: true, those with @ info; false, those without.
      const list = async (hasGroupAtInfo: boolean, type?: 'GROUP' | 'C2C') =>
        ids((await chat.getConversationList({ hasGroupAtInfo, ...(type ? { type } : {}) })).data.conversationList);
      assert.deepEqual(await list(true), [g.conversationID]);
      assert.deepEqual((await list(false)).sort(), [`C2C${g.uid.alice}`, `GROUP${other}`].sort());
      assert.deepEqual(await list(true, 'C2C'), []);
      assert.deepEqual(await list(true, 'GROUP'), [g.conversationID]);

      // Read: cleared at once locally, and on the server for every device.
      const updates = rec.of(EVENT.CONVERSATION_LIST_UPDATED).length;
      await chat.setMessageRead({ conversationID: g.conversationID });
      assert.deepEqual(atInfo(shown.find((c) => c.conversationID === g.conversationID)), []);
      assert.ok(rec.of(EVENT.CONVERSATION_LIST_UPDATED).length > updates, 'CONVERSATION_LIST_UPDATED');
      await waitFor(() => atInfo(g.denny.entry(g.conversationID))?.length === 0, 5_000, 'denny’s other device follows');
      assert.deepEqual(await list(true), []);
      assert.deepEqual(
        atInfo((await chat.getConversationList([g.conversationID])).data.conversationList[0]),
        [],
        'the server lists none after the read',
      );
      // lucy was not named: she never had any.
      assert.deepEqual(atInfo(g.lucy.entry(g.conversationID)), []);
      await closeAll(chat);
    } finally {
      await g.done();
    }
  });

  test('setMessageRead empties the list before the server’s push arrives', async () => {
    const uid = { alice: uniqueUid('alice'), bob: uniqueUid('bob') };
    const socket = delayingSocket();
    const alice = await liveDevice(server, uid.alice, 1);
    const bob = await liveDevice(server, uid.bob, 1, socket.WebSocket);
    const groupID = uniqueUid('group');
    const conversationID = `GROUP${groupID}`;
    await server.createGroup(groupID, [uid.alice, uid.bob]);
    try {
      const at = alice.chat.createTextAtMessage({
        to: groupID,
        conversationType: TYPES.CONV_GROUP,
        payload: { text: '@all fire drill', atUserList: [TYPES.MSG_AT_ALL] },
      });
      await alice.chat.sendMessage(at);
      await waitFor(() => bob.entry(conversationID)?.groupAtInfoList.length === 1, 5_000, 'bob’s @ info');
      assert.deepEqual(bob.entry(conversationID)!.groupAtInfoList[0]!.atTypeArray, [TYPES.CONV_AT_ALL]);

      socket.holdBack((f) => f.event === 'conversationListUpdated');
      await bob.chat.setMessageRead({ conversationID });
      assert.deepEqual(atInfo(bob.entry(conversationID)), []);
      assert.equal(bob.entry(conversationID)!.unreadCount, 0);
      await waitFor(() => socket.held().length > 0, 5_000, 'the server’s push of the read');
      const pushed = socket.held().flatMap((f) => f.data.conversationList as { conversationID: string; groupAtInfoList?: unknown }[]);
      assert.deepEqual(pushed.find((c) => c.conversationID === conversationID)?.groupAtInfoList, []);
      socket.release();
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(atInfo(bob.entry(conversationID)), []);
    } finally {
      await closeAll(alice.chat, bob.chat);
    }
  });

  test('mentions add up, oldest first; plain, own and recalled messages are not in the list', async () => {
    const g = await groupOf();
    const { denny, alice, conversationID } = g;
    const send = async (chat: typeof alice.chat, text: string, atUserList?: string[]) => {
      const m = atUserList
        ? chat.createTextAtMessage({ to: g.groupID, conversationType: TYPES.CONV_GROUP, payload: { text, atUserList } })
        : chat.createTextMessage({ to: g.groupID, conversationType: TYPES.CONV_GROUP, payload: { text } });
      return (await chat.sendMessage(m)).data.message;
    };
    try {
      // denny mentions himself: his own messages never remind him (sending also reads the
      // conversation up to his message, so it comes first here).
      await send(denny.chat, '@me', [g.uid.denny, TYPES.MSG_AT_ALL]);
      const first = await send(alice.chat, '@denny one', [g.uid.denny]);
      await send(alice.chat, 'nobody named');
      const second = await send(g.lucy.chat, '@all two', [TYPES.MSG_AT_ALL]);
      // As Tencent's, createTextMessage with payload.atUserList in a group mentions too.
      const withList = alice.chat.createTextMessage({
        to: g.groupID,
        conversationType: TYPES.CONV_GROUP,
        payload: { text: 'hey @denny', atUserList: [g.uid.denny, g.uid.denny] },
      });
      const third = (await alice.chat.sendMessage(withList)).data.message;
      assert.deepEqual(third.atUserList, [g.uid.denny, g.uid.denny]);
      const expected = [
        { from: g.uid.alice, groupID: g.groupID, messageSequence: first.sequence, atTypeArray: [TYPES.CONV_AT_ME] },
        { from: g.uid.lucy, groupID: g.groupID, messageSequence: second.sequence, atTypeArray: [TYPES.CONV_AT_ALL] },
        { from: g.uid.alice, groupID: g.groupID, messageSequence: third.sequence, atTypeArray: [TYPES.CONV_AT_ME] },
      ];
      await waitFor(
        () => denny.entry(conversationID)?.lastMessage.lastSequence === third.sequence,
        5_000,
        'denny’s list up to the last message',
      );
      assert.deepEqual(atInfo(denny.entry(conversationID)), expected, 'live');
      assert.deepEqual(
        atInfo((await denny.chat.getConversationList([conversationID])).data.conversationList[0]),
        expected,
        'the server agrees',
      );

      // lucy recalls hers: gone from denny's list, live.
      await g.lucy.chat.revokeMessage(second);
      await waitFor(() => atInfo(denny.entry(conversationID))?.length === 2, 5_000, 'the recall reaches denny’s list');
      assert.deepEqual(atInfo(denny.entry(conversationID)), [expected[0], expected[2]]);
      assert.deepEqual(
        denny.rec.received().find((m) => m.sequence === second.sequence)?.atUserList,
        [],
        'the recalled message lost its mentions with its content',
      );

      // Deleted for himself: gone too. Then reading everything empties the list.
      const own = (await denny.chat.getMessageList({ conversationID })).data.messageList.find((m) => m.sequence === first.sequence)!;
      await denny.chat.deleteMessage([own]);
      await waitFor(() => atInfo(denny.entry(conversationID))?.length === 1, 5_000, 'the deletion reaches denny’s list');
      assert.deepEqual(atInfo(denny.entry(conversationID)), [expected[2]]);
      await denny.chat.setAllMessageRead({ scope: TYPES.READ_ALL_GROUP_MSG });
      assert.deepEqual(atInfo(denny.entry(conversationID)), []);
      assert.deepEqual(ids((await denny.chat.getConversationList({ hasGroupAtInfo: true })).data.conversationList), []);
    } finally {
      await g.done();
    }
  });

  test("a WuKongIM client's mention reads as atUserList", async () => {
    const g = await groupOf();
    try {
      const token = await server.createUser(g.uid.alice, 0);
      const { seq, messageID } = await server.sendAs(token, g.conversationID, {
        type: TYPES.MSG_TEXT,
        payload: { type: 1, content: 'everyone, and @denny', mention: { all: 1, uids: [g.uid.denny] } },
      });
      await waitFor(() => g.denny.rec.received().some((m) => m.ID === messageID), 5_000, 'denny receives it');
      const received = g.denny.rec.received().find((m) => m.ID === messageID)!;
      assert.deepEqual(received.atUserList, [g.uid.denny, TYPES.MSG_AT_ALL]);
      assert.deepEqual(received.payload, { text: 'everyone, and @denny' }, "WuKongIM's text as Tencent's");
      await waitFor(() => g.denny.entry(g.conversationID)?.groupAtInfoList.length === 1, 5_000, 'denny’s @ info');
      assert.deepEqual(atInfo(g.denny.entry(g.conversationID)), [
        { from: g.uid.alice, groupID: g.groupID, messageSequence: seq, atTypeArray: [TYPES.CONV_AT_ALL_AT_ME] },
      ]);
      await waitFor(() => g.dave.entry(g.conversationID)?.groupAtInfoList.length === 1, 5_000, 'dave’s @ info');
      assert.deepEqual(g.dave.entry(g.conversationID)!.groupAtInfoList[0]!.atTypeArray, [TYPES.CONV_AT_ALL]);
      assert.equal(g.dave.entry(g.conversationID)!.lastMessage.messageForShow, 'everyone, and @denny');
    } finally {
      await g.done();
    }
  });

  test('refused before any request: one-to-one, a bad atUserList, an empty text', async () => {
    const uid = uniqueUid('alice');
    const bob = uniqueUid('bob');
    await server.createUser(bob);
    const spy = spyFetch();
    const chat = newChat(server, { fetch: spy.fetch });
    await loginReady(chat, uid, await server.createUser(uid));
    const before = spy.calls.length;
    const refused = (message: RegExp) => (err: unknown) => {
      assert.equal((err as { code: number }).code, ErrorCode.INVALID_ARGUMENT);
      assert.equal((err as { error: string }).error, 'invalid_argument');
      assert.match((err as Error).message, message);
      return true;
    };
    assert.throws(
      () => chat.createTextAtMessage({ to: bob, conversationType: TYPES.CONV_C2C, payload: { text: '@bob', atUserList: [bob] } }),
      refused(/createTextAtMessage: conversationType must be TYPES\.CONV_GROUP/),
    );
    assert.throws(
      () => chat.createTextAtMessage({ to: 'g', conversationType: TYPES.CONV_GROUP, payload: { text: 'x', atUserList: bob } }),
      refused(/payload\.atUserList must be an array/),
    );
    assert.throws(
      () => chat.createTextAtMessage({ to: 'g', conversationType: TYPES.CONV_GROUP, payload: { text: 'x', atUserList: [bob, 7] } }),
      refused(/payload\.atUserList\[1\]/),
    );
    assert.throws(
      () => chat.createTextAtMessage({ to: 'g', conversationType: TYPES.CONV_GROUP, payload: { text: '', atUserList: [bob] } }),
      refused(/payload\.text must be a non-empty string/),
    );
    assert.throws(
      () =>
        chat.createTextAtMessage({
          to: 'g',
          conversationType: TYPES.CONV_GROUP,
          payload: { text: 'x', atUserList: Array.from({ length: 1001 }, (_, i) => `u${i}`) },
        }),
      refused(/at most 1000/),
    );
    assert.equal(spy.calls.length, before, 'no request');

    // Without atUserList it is a plain group text, as Tencent's.
    const plain = chat.createTextAtMessage({ to: 'g', conversationType: TYPES.CONV_GROUP, payload: { text: 'x' } });
    assert.deepEqual([plain.type, plain.payload, plain.atUserList], [TYPES.MSG_TEXT, { text: 'x' }, []]);

    // One-to-one, createTextMessage sends no mentions (Tencent's sends none there either).
    const c2c = chat.createTextMessage({ to: bob, conversationType: TYPES.CONV_C2C, payload: { text: 'hi', atUserList: [bob] } });
    assert.deepEqual(c2c.atUserList, []);
    await chat.sendMessage(c2c);
    const sent = spy.calls.find((c) => c.method === 'POST' && c.url.endsWith('/v1/messages'));
    assert.deepEqual(JSON.parse(sent!.body!).payload, { text: 'hi' });
    await closeAll(chat);
  });
});

describe('the conversions and the pushed-mention tracker, without a server', () => {
  const AT_ALL = TYPES.MSG_AT_ALL;
  function wireMessage(seq: number, payload: Record<string, unknown>, extra: Partial<WireMessage> = {}): WireMessage {
    return {
      messageID: `m${seq}`,
      conversationID: 'GROUPteam',
      seq,
      from: 'alice',
      time: 1_763_700_000_000 + seq,
      type: TYPES.MSG_TEXT,
      payload,
      clientMsgID: null,
      cloudCustomData: '',
      isRevoked: false,
      revoker: null,
      nick: '',
      avatar: '',
      ...extra,
    };
  }
  function wireConversation(lastSeq: number, extra: Partial<WireConversation> = {}): WireConversation {
    const last = wireMessage(lastSeq, { text: 'x' });
    return {
      conversationID: 'GROUPteam',
      type: 'GROUP',
      unreadCount: 1,
      lastMessage: { ...last, seq: lastSeq },
      clearedToSeq: 0,
      peerReadSeq: 0,
      isPinned: false,
      isArchived: false,
      messageRemindType: 'AcceptAndNotify',
      markList: [],
      conversationGroupList: [],
      draftText: '',
      customData: '',
      version: lastSeq,
      userProfile: null,
      groupProfile: null,
      ...extra,
    };
  }

  test("atUserList from Tencent's payload or WuKongIM's mention; the payload is Tencent's { text }", () => {
    const tencent = toMessage(wireMessage(1, { text: '@bob', atUserList: ['bob', AT_ALL] }), 'bob');
    assert.deepEqual([tencent.atUserList, tencent.payload], [['bob', AT_ALL], { text: '@bob' }]);
    const wukong = toMessage(wireMessage(2, { type: 1, content: 'hi', mention: { all: true, uids: ['bob', 7] } }), 'bob');
    assert.deepEqual([wukong.atUserList, wukong.payload], [['bob', AT_ALL], { text: 'hi' }]);
    const none = toMessage(wireMessage(3, { type: 1, content: 'hi', mention: { all: 0, uids: [] } }), 'bob');
    assert.deepEqual(none.atUserList, []);
    const c2c = toMessage(wireMessage(4, { text: 'x', atUserList: ['bob'] }, { conversationID: 'C2Calice' }), 'bob');
    assert.deepEqual([c2c.atUserList, c2c.payload], [[], { text: 'x' }]);
    const custom = toMessage(wireMessage(5, { data: 'd', atUserList: ['bob'] }, { type: TYPES.MSG_CUSTOM }), 'bob');
    assert.deepEqual(custom.atUserList, [], 'only a text carries atUserList');
    const recalled = toMessage(wireMessage(6, {}, { isRevoked: true, revoker: 'alice' }), 'bob');
    assert.deepEqual([recalled.atUserList, recalled.payload], [[], {}]);
    const last = toLastMessage(wireMessage(7, { text: '@bob', atUserList: ['bob'] }), 'bob', { conversationID: 'GROUPteam', peerReadSeq: 0 });
    assert.deepEqual(last.payload, { text: '@bob' });
  });

  test('a pushed conversation without a list: the held one plus the pushed mentions', () => {
    const tracker = new MentionTracker();
    const held = wireConversation(3, { groupAtInfoList: [{ seq: 2, from: 'carol', atType: TYPES.CONV_AT_ALL }] });
    tracker.noteMessages(
      [
        wireMessage(4, { text: '@bob', atUserList: ['bob'] }),
        wireMessage(4, { text: '@all', atUserList: [AT_ALL] }), // the same message again, read otherwise
        wireMessage(5, { text: 'plain' }),
        wireMessage(6, { text: 'mine', atUserList: ['bob'] }, { from: 'bob' }),
        wireMessage(7, { text: 'later', atUserList: [AT_ALL] }),
      ],
      'bob',
    );
    const [pushed] = tracker.complete([wireConversation(6, { unreadCount: 3 })], () => held);
    assert.deepEqual(pushed!.groupAtInfoList, [
      { seq: 2, from: 'carol', atType: TYPES.CONV_AT_ALL },
      { seq: 4, from: 'alice', atType: TYPES.CONV_AT_ALL_AT_ME },
    ]);
    assert.deepEqual(tracker.pendingSeqs('GROUPteam'), [7], 'what the push did not reach waits');
    const [next] = tracker.complete([wireConversation(7, { unreadCount: 4 })], () => pushed);
    assert.deepEqual(next!.groupAtInfoList!.map((a) => a.seq), [2, 4, 7]);
    assert.deepEqual(
      toConversation(next!, 'bob').groupAtInfoList.map((a) => [a.groupID, a.messageSequence, a.atTypeArray]),
      [['team', 2, [2]], ['team', 4, [3]], ['team', 7, [2]]],
    );

    // Nothing unread (the user's own message read it), or cleared: no mention.
    assert.deepEqual(tracker.complete([wireConversation(8, { unreadCount: 0 })], () => next)[0]!.groupAtInfoList, []);
    assert.deepEqual(
      tracker.complete([wireConversation(8, { unreadCount: 1, clearedToSeq: 4 })], () => next)[0]!.groupAtInfoList!.map((a) => a.seq),
      [7],
    );
    // The server's own list is taken as it is, and settles the mentions it covers.
    tracker.noteMessages([wireMessage(9, { text: '@bob', atUserList: ['bob'] })], 'bob');
    const [fromServer] = tracker.complete([wireConversation(9, { groupAtInfoList: [] })], () => next);
    assert.deepEqual(fromServer!.groupAtInfoList, []);
    assert.deepEqual(tracker.pendingSeqs('GROUPteam'), []);
    // Outside groups, none.
    const c2c = { ...wireConversation(1), conversationID: 'C2Calice', type: 'C2C' };
    assert.deepEqual(tracker.complete([c2c], () => undefined)[0]!.groupAtInfoList, []);
  });
});
