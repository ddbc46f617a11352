/**
 * Conversations as Tencent's (lastMessage, userProfile / groupProfile, list options) and the
 * conversation calls, against a real natter server, HTTP only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EVENT, ErrorCode, NatterError, TYPES, type Conversation } from '@natter/sdk';
import { closeAll, ids, loginReady, newChat, record, sendText, destroyAllChats } from '../testing/chat.js';
import { spyFetch, startServer, uniqueUid, type TestServer } from '../testing/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

/** alice (logged in, local list loaded) and bob; a group with both. */
async function setup(fetchImpl?: typeof fetch) {
  const alice = uniqueUid('alice');
  const bob = uniqueUid('bob');
  const group = uniqueUid('team');
  const aliceToken = await server.createUser(alice);
  const bobToken = await server.createUser(bob);
  await server.createGroup(group, [alice, bob]);
  const chat = newChat(server, { fetch: fetchImpl });
  await loginReady(chat, alice, aliceToken);
  const bobChat = newChat(server);
  await loginReady(bobChat, bob, bobToken);
  return {
    chat,
    bobChat,
    alice,
    bob,
    group,
    bobToken,
    c2c: `C2C${bob}`,
    groupID: `GROUP${group}`,
    done: () => closeAll(chat, bobChat),
  };
}

describe('the Conversation object', () => {
  test('lastMessage as Tencent: messageForShow, fromAccount, lastTime in seconds, lastSequence, type, payload', async () => {
    const { chat, bobChat, alice, bob, c2c, groupID, group, done } = await setup();
    await sendText(bobChat, alice, 'hi alice');
    await bobChat.sendMessage(
      bobChat.createCustomMessage({ to: group, conversationType: 'GROUP', payload: { data: 'poll', description: '', extension: '' } }),
    );
    const { data } = await chat.getConversationList();
    assert.equal(data.isSyncCompleted, true);
    const list = data.conversationList;
    assert.deepEqual(ids(list), [groupID, c2c], 'newest first');
    const [g, c] = list as [Conversation, Conversation];

    assert.equal(c.type, TYPES.CONV_C2C);
    assert.equal(c.unreadCount, 1);
    assert.equal(c.lastMessage.messageForShow, 'hi alice');
    assert.equal(c.lastMessage.fromAccount, bob);
    assert.equal(c.lastMessage.lastSequence, 1);
    assert.ok(Math.abs(c.lastMessage.lastTime - Date.now() / 1000) < 60, 'seconds');
    assert.equal(c.lastMessage.type, TYPES.MSG_TEXT);
    assert.deepEqual(c.lastMessage.payload, { text: 'hi alice' });
    assert.equal(c.lastMessage.isRevoked, false);
    assert.equal(c.lastMessage.cloudCustomData, '');

    assert.equal(g.type, TYPES.CONV_GROUP);
    assert.equal(g.lastMessage.type, TYPES.MSG_CUSTOM);
    assert.equal(g.lastMessage.messageForShow, '[Custom Messages]');
    assert.equal(g.lastMessage.payload.data, 'poll');

    // An app of a SDKAppID made in China sees Tencent's Chinese placeholders, as with Tencent's SDK.
    const chinese = newChat(server, { SDKAppID: 1_400_187_352 + Math.floor(Math.random() * 1_000_000) });
    await loginReady(chinese, alice, await server.createUser(alice, 2));
    const own = (await chinese.getConversationProfile(groupID)).data.conversation;
    assert.equal(own.lastMessage.messageForShow, '[自定义消息]');
    await closeAll(chinese);
    await done();
  });

  test('userProfile on C2C, groupProfile on GROUP, and the other Tencent fields, in every conversation', async () => {
    const { chat, bobChat, alice, bob, group, c2c, groupID, done } = await setup();
    await sendText(bobChat, alice, 'one');
    await sendText(bobChat, group, 'two', 'GROUP');
    const list = (await chat.getConversationList()).data.conversationList;
    assert.equal(list.length, 2);
    for (const conv of list) {
      for (const key of ['conversationID', 'type', 'subType', 'unreadCount', 'lastMessage', 'groupAtInfoList', 'remark', 'isPinned', 'messageRemindType', 'markList', 'customData', 'conversationGroupList', 'draftText', 'peerReadTime']) {
        assert.ok(key in conv, `${conv.conversationID} has ${key}`);
      }
      assert.deepEqual(conv.groupAtInfoList, []);
      assert.equal(conv.remark, '');
      assert.equal(conv.messageRemindType, TYPES.MSG_REMIND_ACPT_AND_NOTE);
    }
    const c = list.find((x) => x.conversationID === c2c)!;
    assert.equal(c.userProfile.userID, bob);
    assert.equal(typeof c.userProfile.nick, 'string');
    assert.equal(typeof c.userProfile.avatar, 'string');
    assert.equal(c.groupProfile, undefined);
    assert.equal(c.subType, '');
    const g = list.find((x) => x.conversationID === groupID)!;
    assert.equal(g.groupProfile.groupID, group);
    assert.equal(typeof g.groupProfile.name, 'string');
    assert.equal(typeof g.groupProfile.avatar, 'string');
    assert.equal(g.groupProfile.type, TYPES.GRP_WORK, "the server's group type: a work group");
    assert.equal(g.subType, TYPES.GRP_WORK);
    assert.equal(g.userProfile, undefined);
    // getConversationProfile carries them too.
    assert.equal((await chat.getConversationProfile(c2c)).data.conversation.userProfile.userID, bob);
    assert.equal((await chat.getConversationProfile(groupID)).data.conversation.groupProfile.groupID, group);
    await done();
  });

  test('a conversation without a visible message has an empty lastMessage, never null', async () => {
    const { chat, bobChat, alice, c2c, done } = await setup();
    await sendText(bobChat, alice, 'soon gone');
    await chat.clearHistoryMessage(c2c);
    const conv = (await chat.getConversationProfile(c2c)).data.conversation;
    assert.notEqual(conv.lastMessage, null);
    assert.equal(conv.lastMessage.messageForShow, '');
    assert.equal(conv.lastMessage.lastTime, 0);
    assert.equal(conv.lastMessage.lastSequence, 0);
    assert.equal(conv.lastMessage.payload, null);
    await done();
  });
});

describe('getConversationList options', () => {
  test("Tencent's filters: type, markType, groupName, hasUnreadCount, hasGroupAtInfo; the array form", async () => {
    const { chat, bobChat, alice, group, c2c, groupID, done } = await setup();
    await sendText(bobChat, alice, 'one');
    await sendText(bobChat, group, 'two', 'GROUP');
    const list = async (o?: Parameters<typeof chat.getConversationList>[0]) => ids((await chat.getConversationList(o)).data.conversationList);

    assert.deepEqual(await list({ type: TYPES.CONV_GROUP }), [groupID]);
    assert.deepEqual(await list({ type: TYPES.CONV_C2C }), [c2c]);
    assert.deepEqual(await list({ type: TYPES.CONV_SYSTEM }), []);
    assert.deepEqual(await list({ type: TYPES.CONV_TOPIC }), [], "a topic's conversation is never listed");
    await assert.rejects(chat.getConversationList({ type: TYPES.MSG_TEXT }), { code: 40001 });

    await chat.setMessageRead({ conversationID: c2c });
    assert.deepEqual(await list({ hasUnreadCount: true }), [groupID]);
    assert.deepEqual(await list({ hasUnreadCount: false }), [c2c]);
    assert.deepEqual(await list({ hasGroupAtInfo: true }), [], 'no @-mentions of alice');
    assert.deepEqual(await list({ hasGroupAtInfo: false }), [groupID, c2c]);

    await chat.markConversation({ conversationIDList: [c2c], markType: TYPES.CONV_MARK_TYPE_STAR, enableMark: true });
    assert.deepEqual(await list({ markType: TYPES.CONV_MARK_TYPE_STAR }), [c2c]);
    await chat.createConversationGroup({ groupName: 'Work', conversationIDList: [groupID] });
    assert.deepEqual(await list({ groupName: 'Work' }), [groupID]);
    assert.deepEqual(await list({ groupName: 'Work', type: TYPES.CONV_C2C }), []);

    const arr = await chat.getConversationList([groupID, `C2C${uniqueUid('ghost')}`, c2c, groupID]);
    assert.deepEqual(ids(arr.data.conversationList), [groupID, c2c]);
    assert.equal(arr.data.isSyncCompleted, true);
    assert.equal(arr.data.conversationList[1]!.lastMessage.messageForShow, 'one');
    assert.deepEqual((await chat.getConversationList([])).data, { conversationList: [], isSyncCompleted: true });
    await done();
  });

  test('the unfiltered list follows every server page (more than 100 conversations)', async () => {
    const alice = uniqueUid('popular');
    const token = await server.createUser(alice);
    const senders = 105;
    for (let i = 0; i < senders; i += 1) {
      const uid = uniqueUid('fan');
      await server.sendAs(await server.createUser(uid), `C2C${alice}`, { type: 'TIMTextElem', payload: { text: String(i) } });
    }
    const spy = spyFetch();
    const chat = newChat(server, { fetch: spy.fetch });
    await loginReady(chat, alice, token);
    spy.calls.length = 0;
    const list = await chat.getConversationList();
    assert.equal(list.data.conversationList.length, senders);
    assert.equal(new Set(ids(list.data.conversationList)).size, senders);
    const pages = spy.calls.filter((c) => c.url.includes('/v1/conversations?'));
    assert.equal(pages.length, 2);
    assert.match(pages[1]!.url, /cursor=/);
    await closeAll(chat);
  });
});

describe('conversation calls', () => {
  test('getConversationProfile, pinConversation (list re-sorted, pushed as an array), setMessageRead', async () => {
    const { chat, bobChat, alice, group, c2c, groupID, done } = await setup();
    await sendText(bobChat, alice, 'a');
    await sendText(bobChat, alice, 'b');
    await sendText(bobChat, group, 'c', 'GROUP');
    await chat.getConversationList();
    assert.equal(await chat.fetchTotalUnreadMessageCount(), 3);

    const profile = await chat.getConversationProfile(c2c);
    assert.equal(profile.code, 0);
    assert.equal(profile.data.conversation.unreadCount, 2);

    const rec = record(chat);
    const pinned = await chat.pinConversation({ conversationID: c2c, isPinned: true });
    assert.deepEqual(pinned, { code: 0, data: { conversationID: c2c } });
    const pushed = rec.of(EVENT.CONVERSATION_LIST_UPDATED).at(-1)!;
    assert.ok(Array.isArray(pushed.data), 'event.data is the array of conversations');
    assert.deepEqual(ids(pushed.data), [c2c, groupID], 'pinned first');
    assert.equal(pushed.data[0]!.isPinned, true);

    assert.deepEqual(await chat.setMessageRead({ conversationID: c2c }), { code: 0, data: {} });
    assert.equal(rec.of(EVENT.CONVERSATION_LIST_UPDATED).at(-1)!.data[0]!.unreadCount, 0);
    assert.equal(await chat.fetchTotalUnreadMessageCount(), 1);
    assert.equal(chat.getTotalUnreadMessageCount(), 1);
    const totals = rec.of(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED).map((e) => e.data);
    assert.deepEqual(totals, [1], 'TOTAL_UNREAD_MESSAGE_COUNT_UPDATED carries a number');

    // Not in the list yet: a new, empty conversation, as Tencent's (a chat UI opening a chat).
    const fresh = (await chat.getConversationProfile('@TIM#SYSTEM')).data.conversation;
    assert.equal(fresh.type, TYPES.CONV_SYSTEM);
    assert.equal(fresh.unreadCount, 0);
    const stranger = uniqueUid('stranger');
    await server.createUser(stranger);
    await server.setProfile(stranger, { nick: 'Stranger' });
    const opened = (await chat.getConversationProfile(`C2C${stranger}`)).data.conversation;
    assert.equal(opened.userProfile.nick, 'Stranger');
    assert.equal(opened.unreadCount, 0);
    assert.deepEqual(await chat.setMessageRead({ conversationID: `C2C${stranger}` }), { code: 0, data: {} });
    assert.ok(!ids((await chat.getConversationList()).data.conversationList).includes(`C2C${stranger}`), 'not listed');
    await assert.rejects(chat.getConversationProfile('GROUPno_such_group'), { code: 40401 });
    await done();
  });

  test('archiveConversation and restoreConversation (Natter)', async () => {
    const { chat, bobChat, alice, group, c2c, groupID, done } = await setup();
    await sendText(bobChat, alice, 'a');
    await sendText(bobChat, group, 'b', 'GROUP');
    await chat.getConversationList();
    const rec = record(chat);
    assert.deepEqual(await chat.archiveConversation(groupID), { code: 0, data: { conversationIDList: [groupID] } });
    assert.deepEqual(ids(rec.of(EVENT.CONVERSATION_LIST_UPDATED).at(-1)!.data), [c2c]);
    assert.deepEqual(ids((await chat.getConversationList({ archived: true })).data.conversationList), [groupID]);
    assert.equal(chat.getTotalUnreadMessageCount(), 1, 'archived leaves the total');
    await chat.restoreConversation({ conversationIDList: [groupID] });
    assert.deepEqual(ids(rec.of(EVENT.CONVERSATION_LIST_UPDATED).at(-1)!.data), [groupID, c2c]);
    assert.equal((await chat.getConversationList({ archived: true })).data.conversationList.length, 0);
    await done();
  });

  test('getConversationSync (Natter) returns Tencent-shaped conversations', async () => {
    const { chat, bobChat, alice, c2c, done } = await setup();
    await sendText(bobChat, alice, 'a');
    const sync = await chat.getConversationSync(0);
    assert.deepEqual(ids(sync.data.conversationList), [c2c]);
    assert.equal(sync.data.conversationList[0]!.lastMessage.messageForShow, 'a');
    assert.deepEqual(sync.data.deletedConversationIDList, []);
    assert.equal((await chat.getConversationSync(sync.data.version)).data.conversationList.length, 0);
    await done();
  });
});

describe('deleteConversation', () => {
  test("Tencent's sample: deleteConversation('C2C…') clears history by default", async () => {
    const { chat, bobChat, alice, bob, c2c, done } = await setup();
    await sendText(bobChat, alice, 'secret');
    await chat.getConversationList();
    let deletedID: string | undefined;

    let promise = chat.deleteConversation('C2C' + bob);
    await promise
      .then(function (imResponse) {
        const { conversationID } = imResponse.data;
        deletedID = conversationID;
      })
      .catch(function (imError) {
        console.warn('deleteConversation error:', imError);
      });

    assert.equal(deletedID, c2c);
    const history = await chat.getMessageList({ conversationID: c2c });
    assert.deepEqual(history.data.messageList, []);
    assert.equal(history.data.isCompleted, true);
    assert.deepEqual(ids((await chat.getConversationList()).data.conversationList), []);
    const emptied = (await chat.getConversationProfile(c2c)).data.conversation;
    assert.deepEqual([emptied.unreadCount, emptied.lastMessage.messageForShow], [0, ''], 'new and empty');
    assert.equal((await bobChat.getMessageList({ conversationID: `C2C${alice}` })).data.messageList.length, 1);
    await done();
  });

  test('{ conversationIDList, clearHistoryMessage: false } keeps history; a new message revives', async () => {
    const { chat, bobChat, alice, group, c2c, groupID, done } = await setup();
    await sendText(bobChat, alice, 'keep me');
    await sendText(bobChat, group, 'group', 'GROUP');
    const res = await chat.deleteConversation({ conversationIDList: [c2c, groupID], clearHistoryMessage: false });
    assert.deepEqual(res, { code: 0, data: { conversationIDList: [c2c, groupID] } });
    assert.deepEqual(ids((await chat.getConversationList()).data.conversationList), []);
    assert.equal((await chat.getMessageList({ conversationID: c2c })).data.messageList.length, 1);
    // Deleted already: deleting again, clearing history, rejects with 2500 and changes nothing,
    // the history kept, as Tencent's SDK touches only the conversations it holds.
    await assert.rejects(chat.deleteConversation(c2c), { code: ErrorCode.CONV_NOT_FOUND });
    assert.equal((await chat.getMessageList({ conversationID: c2c })).data.messageList.length, 1, 'the history is kept');
    await sendText(bobChat, alice, 'again');
    const revived = (await chat.getConversationProfile(c2c)).data.conversation;
    assert.equal(revived.unreadCount, 1);
    assert.equal(revived.lastMessage.messageForShow, 'again');
    await done();
  });

  test('clearHistoryMessage: true by default on the wire; 101 IDs or none refused without a request', async () => {
    const spy = spyFetch();
    const { chat, bobChat, alice, c2c, done } = await setup(spy.fetch);
    await sendText(bobChat, alice, 'hi');
    spy.calls.length = 0;
    const res = await chat.deleteConversation({ conversationIDList: [c2c, c2c, 'C2Cnobody-here'] });
    assert.deepEqual(res, { code: 0, data: { conversationIDList: [c2c] } }, 'the conversations that were in the list, as Tencent\'s');
    const call = spy.calls.find((c) => c.url.endsWith('/v1/conversations/delete'))!;
    assert.deepEqual(JSON.parse(call.body!), {
      conversationIDList: [c2c, c2c, 'C2Cnobody-here'],
      clearHistoryMessage: true,
      onlyListed: true,
    });
    // None of them in the list: Tencent's 2500.
    await assert.rejects(chat.deleteConversation(c2c), { code: ErrorCode.CONV_NOT_FOUND, error: 'not_found' });

    const many = Array.from({ length: 101 }, (_, i) => `C2Cuser${i}`);
    spy.calls.length = 0;
    await assert.rejects(chat.deleteConversation({ conversationIDList: many }), {
      code: 40003,
      error: 'too_many_conversations',
    });
    await assert.rejects(chat.deleteConversation({ conversationIDList: [] }), { code: 40001 });
    assert.equal(spy.calls.length, 0, 'no request was made');
    await done();
  });

  test("errors carry the server's code; the catch branch sees the same error", async () => {
    const { chat, done } = await setup();
    await assert.rejects(chat.deleteConversation('C2C'), (err: unknown) => {
      assert.ok(err instanceof NatterError);
      assert.ok(err instanceof Error);
      assert.equal(err.code, 40002);
      assert.equal(err.error, 'invalid_conversation_id');
      assert.equal(err.status, 400);
      return true;
    });
    let caught: NatterError | undefined;
    await chat
      .deleteConversation('C2C')
      .then(() => {})
      .catch(function (imError) {
        caught = imError;
      });
    assert.equal(caught?.code, 40002);
    await done();
  });

  test('network failure rejects with NETWORK_ERROR (-1)', async () => {
    const uid = uniqueUid('offline');
    const token = await server.createUser(uid);
    let up = true;
    const flaky = ((input: string | URL | Request, init?: RequestInit) =>
      up ? fetch(input, init) : Promise.reject(new TypeError('fetch failed'))) as typeof fetch;
    const chat = newChat(server, { fetch: flaky });
    await loginReady(chat, uid, token);
    up = false;
    await assert.rejects(chat.deleteConversation('C2Cbob'), { code: -1, error: 'network_error' });
    await closeAll(chat);
  });
});
