/**
 * Conversation preferences (marks, draft, custom data, remind type), history clearing, read-all,
 * folders, leaving a group and system notices, against a real natter server. HTTP-only (no
 * WebSocket passed) except the last suite, which checks the server's pushes with `ws`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type Natter from '@natter/sdk';
import { EVENT, ErrorCode, NatterError, TYPES, type Conversation } from '@natter/sdk';
import { closeAll, ids, loginReady, newChat, sendText, destroyAllChats } from '../testing/chat.js';
import { spyFetch, startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';

let server: TestServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

/** alice (logged in, HTTP only, local list loaded) and bob; a group with both; one message each way in. */
async function setup(options: { fetch?: typeof fetch; messages?: boolean } = {}) {
  const alice = uniqueUid('alice');
  const bob = uniqueUid('bob');
  const group = uniqueUid('team');
  const aliceToken = await server.createUser(alice);
  const bobToken = await server.createUser(bob);
  await server.createGroup(group, [alice, bob]);
  const chat = newChat(server, { fetch: options.fetch });
  await loginReady(chat, alice, aliceToken);
  const bobChat = newChat(server);
  await loginReady(bobChat, bob, bobToken);
  const c2c = `C2C${bob}`;
  const groupID = `GROUP${group}`;
  if (options.messages !== false) {
    await sendText(bobChat, alice, 'to alice');
    await sendText(bobChat, group, 'to the team', 'GROUP');
  }
  // The local list as the app sees it: the last CONVERSATION_LIST_UPDATED.
  let local: Conversation[] = [];
  chat.on(EVENT.CONVERSATION_LIST_UPDATED, (e) => (local = e.data));
  local = (await chat.getConversationList()).data.conversationList;
  const done = () => closeAll(chat, bobChat);
  return { chat, bobChat, alice, bob, group, aliceToken, c2c, groupID, local: () => local, done };
}

async function profile(chat: Natter, id: string): Promise<Conversation> {
  return (await chat.getConversationProfile(id)).data.conversation;
}

const many = Array.from({ length: 101 }, (_, i) => `C2Cuser${i}`);

/** The call is refused locally with `code`, and no request left the SDK. */
async function refusedLocally(spy: ReturnType<typeof spyFetch>, call: () => Promise<unknown>, code: number) {
  const before = spy.calls.length;
  await assert.rejects(call(), (err: unknown) => {
    assert.ok(err instanceof NatterError);
    assert.equal(err.code, code);
    return true;
  });
  assert.equal(spy.calls.length, before, 'no request was made');
}

describe('markConversation', () => {
  test('standard and custom marks, exact above 2^53, limits', async () => {
    const spy = spyFetch();
    const { chat, c2c, groupID, done } = await setup({ fetch: spy.fetch });

    const star = await chat.markConversation({
      conversationIDList: [c2c, groupID],
      markType: TYPES.CONV_MARK_TYPE_STAR,
      enableMark: true,
    });
    assert.deepEqual(star, {
      code: 0,
      data: { successConversationIDList: [c2c, groupID], failureConversationIDList: [] },
    });

    // 2^63 as a bigint and 2^40 as a number: both written digit for digit.
    spy.calls.length = 0;
    await chat.markConversation({ conversationIDList: [c2c], markType: 1n << 63n, enableMark: true });
    assert.match(spy.calls[0]!.body!, /"markType":9223372036854775808[,}]/);
    await chat.markConversation({ conversationIDList: [c2c], markType: 2 ** 40, enableMark: true });
    await chat.markConversation({ conversationIDList: [c2c], markType: 2 ** 32, enableMark: true });
    const marks = (await profile(chat, c2c)).markList.map((m) => BigInt(m));
    assert.deepEqual(
      [...marks].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
      [1n, 1n << 32n, 1n << 40n, 1n << 63n],
    );
    const local = (await chat.getConversationList()).data.conversationList.find((c) => c.conversationID === c2c)!;
    assert.ok(local.markList.includes(2 ** 63), 'markList numbers compare exactly to powers of two');

    const starred = await chat.getConversationList({ markType: 1n << 63n });
    assert.deepEqual(ids(starred.data.conversationList), [c2c]);

    await chat.markConversation({ conversationIDList: [c2c], markType: 1n << 63n, enableMark: false });
    assert.ok(!(await profile(chat, c2c)).markList.includes(2 ** 63), 'unmarked');

    // Not a mark: the server says 40001 (3, 16, 2^31, 2^64 − 1).
    for (const markType of [3, 16, 2 ** 31, (1n << 64n) - 1n]) {
      await assert.rejects(chat.markConversation({ conversationIDList: [c2c], markType, enableMark: true }), {
        code: 40001,
        error: 'invalid_argument',
        status: 400,
      });
    }
    // Not even an integer: refused locally.
    await refusedLocally(spy, () => chat.markConversation({ conversationIDList: [c2c], markType: 1.5, enableMark: true }), 40001);
    await refusedLocally(spy, () => chat.markConversation({ conversationIDList: many, markType: 1, enableMark: true }), 40003);
    await refusedLocally(spy, () => chat.markConversation({ conversationIDList: [], markType: 1, enableMark: true }), 40001);
    await done();
  });

  test('filters: FOLD stays in the default list, HIDE leaves it (local list too) and comes back', async () => {
    const { chat, c2c, groupID, local, done } = await setup();
    assert.deepEqual(ids(local()), [groupID, c2c]);

    await chat.markConversation({ conversationIDList: [groupID], markType: TYPES.CONV_MARK_TYPE_FOLD, enableMark: true });
    assert.deepEqual(ids((await chat.getConversationList()).data.conversationList), [groupID, c2c], 'FOLD stays');
    assert.deepEqual(ids((await chat.getConversationList({ markType: 4 })).data.conversationList), [groupID]);
    assert.deepEqual((await profile(chat, groupID)).markList, [4]);
    // markType 0, as Tencent's filter reads it: the conversations with no mark.
    assert.deepEqual(ids((await chat.getConversationList({ markType: 0 })).data.conversationList), [c2c]);

    await chat.markConversation({ conversationIDList: [c2c], markType: TYPES.CONV_MARK_TYPE_HIDE, enableMark: true });
    assert.deepEqual(ids(local()), [groupID], 'the SDK dropped the hidden entry from its local list');
    assert.deepEqual(ids((await chat.getConversationList()).data.conversationList), [groupID], 'server default list');
    assert.deepEqual(ids((await chat.getConversationList({ markType: 8 })).data.conversationList), [c2c]);
        assert.deepEqual(ids((await chat.getConversationList({ type: TYPES.CONV_C2C })).data.conversationList), [], 'hidden from type filter');

    await chat.markConversation({ conversationIDList: [c2c], markType: 8, enableMark: false });
    assert.deepEqual(ids(local()), [groupID, c2c], 'back in the local list when unmarked');
    assert.deepEqual(ids((await chat.getConversationList()).data.conversationList), [groupID, c2c]);
    assert.deepEqual(ids((await chat.getConversationList({ markType: 8 })).data.conversationList), []);
    await done();
  });
});

describe('draft, custom data, remind type', () => {
  test('setConversationDraft: saved, limit, brings a deleted conversation back', async () => {
    const { chat, c2c, local, done } = await setup();
    const res = await chat.setConversationDraft({ conversationID: c2c, draftText: 'half a thought' });
    assert.equal(res.code, 0);
    assert.equal(res.data.conversation.conversationID, c2c);
    assert.equal(res.data.conversation.draftText, 'half a thought');
    assert.equal(local().find((c) => c.conversationID === c2c)?.draftText, 'half a thought', 'local list updated');
    assert.equal((await profile(chat, c2c)).draftText, 'half a thought');

    await chat.setConversationDraft({ conversationID: c2c, draftText: 'é'.repeat(8192) }); // 16384 bytes
    await assert.rejects(chat.setConversationDraft({ conversationID: c2c, draftText: 'x'.repeat(16385) }), {
      code: 40001,
      status: 400,
    });
    await chat.setConversationDraft({ conversationID: c2c, draftText: '' });
    assert.equal((await profile(chat, c2c)).draftText, '');

    await chat.deleteConversation({ conversationIDList: [c2c], clearHistoryMessage: false });
    assert.ok(!ids(local()).includes(c2c));
    await chat.setConversationDraft({ conversationID: c2c, draftText: 'come back' });
    assert.ok(ids(local()).includes(c2c), 'the draft brought it back into the local list');
    const list = (await chat.getConversationList()).data.conversationList;
    assert.equal(list.find((c) => c.conversationID === c2c)?.draftText, 'come back');
    await done();
  });

  test('setConversationCustomData: 256 bytes fine, 257 rejected, list limits', async () => {
    const spy = spyFetch();
    const { chat, c2c, groupID, local, done } = await setup({ fetch: spy.fetch });
    const res = await chat.setConversationCustomData({ conversationIDList: [c2c, groupID], customData: 'app-state' });
    assert.deepEqual(res, {
      code: 0,
      data: { successConversationIDList: [c2c, groupID], failureConversationIDList: [] },
    });
    assert.equal((await profile(chat, groupID)).customData, 'app-state');
    assert.equal(local().find((c) => c.conversationID === c2c)?.customData, 'app-state', 'local list synced');

    await chat.setConversationCustomData({ conversationIDList: [c2c], customData: 'x'.repeat(256) });
    assert.equal((await profile(chat, c2c)).customData.length, 256);
    await assert.rejects(chat.setConversationCustomData({ conversationIDList: [c2c], customData: 'x'.repeat(257) }), {
      code: 40001,
      status: 400,
    });
    // Bytes, not characters: 129 × 'é' is 258 bytes.
    await assert.rejects(chat.setConversationCustomData({ conversationIDList: [c2c], customData: 'é'.repeat(129) }), {
      code: 40001,
    });
    assert.equal((await profile(chat, c2c)).customData.length, 256, 'unchanged after the rejections');
    await refusedLocally(spy, () => chat.setConversationCustomData({ conversationIDList: many, customData: 'x' }), 40003);
    await refusedLocally(spy, () => chat.setConversationCustomData({ conversationIDList: [], customData: 'x' }), 40001);
    await done();
  });

  test('setMessageRemindType: a muted conversation leaves the unread total; Tencent forms', async () => {
    const spy = spyFetch();
    const { chat, bob, group, c2c, groupID, local, done } = await setup({ fetch: spy.fetch });
    assert.equal(await chat.fetchTotalUnreadMessageCount(), 2);

    const res = await chat.setMessageRemindType({
      conversationIDList: [c2c],
      messageRemindType: TYPES.MSG_REMIND_ACPT_NOT_NOTE,
    });
    assert.deepEqual(res, { code: 0, data: { successConversationIDList: [c2c], failureConversationIDList: [] } });
    assert.equal(chat.getTotalUnreadMessageCount(), 1, 'the SDK refreshed the total');
    await chat.getConversationList();
    assert.equal(await chat.fetchTotalUnreadMessageCount(), 1);
    assert.equal(chat.getTotalUnreadMessageCount(), 1);
    assert.equal(local().find((c) => c.conversationID === c2c)?.messageRemindType, 'AcceptNotNotify');
    assert.equal((await profile(chat, c2c)).unreadCount, 1, 'its own unread count stays');

    spy.calls.length = 0;
    await chat.setMessageRemindType({ groupID: group, messageRemindType: TYPES.MSG_REMIND_DISCARD });
    assert.deepEqual(JSON.parse(spy.calls[0]!.body!).conversationIDList, [groupID]);
    assert.equal(chat.getTotalUnreadMessageCount(), 0);
    assert.equal((await profile(chat, groupID)).messageRemindType, 'Discard');

    spy.calls.length = 0;
    await chat.setMessageRemindType({ userIDList: [bob], messageRemindType: TYPES.MSG_REMIND_ACPT_AND_NOTE });
    assert.deepEqual(JSON.parse(spy.calls[0]!.body!).conversationIDList, [c2c]);
    assert.equal(chat.getTotalUnreadMessageCount(), 1);

    await assert.rejects(
      chat.setMessageRemindType({ conversationIDList: [c2c], messageRemindType: 'Loud' as never }),
      { code: 40001 },
    );
    await refusedLocally(
      spy,
      () => chat.setMessageRemindType({ conversationIDList: many, messageRemindType: 'Discard' }),
      40003,
    );
    await refusedLocally(spy, () => chat.setMessageRemindType({ conversationIDList: [], messageRemindType: 'Discard' }), 40001);
    await refusedLocally(spy, () => chat.setMessageRemindType({ messageRemindType: 'Discard' } as never), 40001);
    await done();
  });
});

describe('history and read state', () => {
  test('clearHistoryMessage keeps the entry, unread 0, lastMessage null', async () => {
    const { chat, bobChat, alice, c2c, groupID, local, done } = await setup();
    assert.equal(await chat.fetchTotalUnreadMessageCount(), 2);
    assert.deepEqual(await chat.clearHistoryMessage(c2c), { code: 0, data: {} });
    const cleared = await profile(chat, c2c);
    assert.equal(cleared.unreadCount, 0);
    assert.equal(cleared.lastMessage.lastSequence, 0, 'no last message (an empty one, as Tencent)');
    assert.deepEqual((await chat.getMessageList({ conversationID: c2c })).data.messageList, []);
    assert.ok(ids((await chat.getConversationList()).data.conversationList).includes(c2c), 'entry kept');
    const held = local().find((c) => c.conversationID === c2c);
    assert.equal(held?.lastMessage.messageForShow, '');
    assert.equal(held?.unreadCount, 0);
    assert.equal(chat.getTotalUnreadMessageCount(), 1);

    // New messages after the clear are visible again, the old ones are not.
    await sendText(bobChat, alice, 'after');
    const history = (await chat.getMessageList({ conversationID: c2c })).data.messageList;
    assert.deepEqual(history.map((m) => m.payload.text), ['after']);
    void groupID;
    await done();
  });

  test('setAllMessageRead by scope; an invalid scope is 40001', async () => {
    const { chat, c2c, groupID, local, done } = await setup();
    assert.equal(await chat.fetchTotalUnreadMessageCount(), 2);
    assert.deepEqual(await chat.setAllMessageRead({ scope: TYPES.READ_ALL_C2C_MSG }), { code: 0, data: {} });
    assert.equal((await profile(chat, c2c)).unreadCount, 0);
    assert.equal((await profile(chat, groupID)).unreadCount, 1);
    assert.equal(chat.getTotalUnreadMessageCount(), 1);
    assert.deepEqual(ids((await chat.getConversationList({ hasUnreadCount: true })).data.conversationList), [groupID]);

    await assert.rejects(chat.setAllMessageRead({ scope: 'EVERYTHING' as never }), { code: 40001 });
    await assert.rejects(chat.setAllMessageRead({ scope: 'C2C' as never }), { code: 40001 }, "Tencent's scopes only");
    assert.equal((await profile(chat, groupID)).unreadCount, 1, 'unchanged');

    await chat.setAllMessageRead(); // ALL by default
    assert.equal((await profile(chat, groupID)).unreadCount, 0);
    assert.equal(chat.getTotalUnreadMessageCount(), 0);
    assert.deepEqual(local().map((c) => c.unreadCount), [0, 0]);
    assert.deepEqual((await chat.getConversationList({ hasUnreadCount: true })).data.conversationList, []);
    await done();
  });
});

describe('folders (conversation groups)', () => {
  test('create, list, add, remove, rename, delete, filter by folder', async () => {
    const { chat, c2c, groupID, local, done } = await setup();
    assert.deepEqual(await chat.getConversationGroupList(), { code: 0, data: [] });
    const names: string[][] = [];
    chat.on(EVENT.CONVERSATION_GROUP_LIST_UPDATED, (e) => names.push(e.data));
    const inGroup: { groupName: string; conversationList: Conversation[] }[] = [];
    chat.on(EVENT.CONVERSATION_IN_GROUP_UPDATED, (e) => inGroup.push(e.data));

    const created = await chat.createConversationGroup({ groupName: 'Work', conversationIDList: [c2c] });
    assert.deepEqual(created, {
      code: 0,
      data: { successConversationIDList: [c2c], failureConversationIDList: [] },
    });
    await chat.createConversationGroup({ groupName: 'Empty' });
    const listed = await chat.getConversationGroupList();
    assert.deepEqual(listed.data, ['Work', 'Empty'], 'names, oldest first');
    assert.deepEqual(names, [['Work'], ['Work', 'Empty']], 'CONVERSATION_GROUP_LIST_UPDATED carries the names');
    assert.deepEqual((await profile(chat, c2c)).conversationGroupList, ['Work']);
    assert.deepEqual(local().find((c) => c.conversationID === c2c)?.conversationGroupList, ['Work'], 'local list synced');

    const added = await chat.addConversationsToGroup({ groupName: 'Work', conversationIDList: [groupID] });
    assert.deepEqual(added.data, { successConversationIDList: [groupID], failureConversationIDList: [] });
    assert.deepEqual(inGroup.at(-1)?.groupName, 'Work');
    assert.deepEqual(ids(inGroup.at(-1)!.conversationList), [groupID, c2c]);
    assert.deepEqual(ids((await chat.getConversationList({ groupName: 'Work' })).data.conversationList), [groupID, c2c]);

    const removed = await chat.deleteConversationsFromGroup({ groupName: 'Work', conversationIDList: [c2c] });
    assert.deepEqual(removed.data.successConversationIDList, [c2c]);
    assert.deepEqual(ids((await chat.getConversationList({ groupName: 'Work' })).data.conversationList), [groupID]);
    assert.deepEqual((await profile(chat, c2c)).conversationGroupList, []);
    // An empty groupName, as Tencent's filter reads it: the conversations in no group.
    assert.deepEqual(ids((await chat.getConversationList({ groupName: '' })).data.conversationList), [c2c]);

    assert.deepEqual(await chat.renameConversationGroup({ oldName: 'Work', newName: 'Job' }), {
      code: 0,
      data: { oldName: 'Work', newName: 'Job' },
    });
    assert.deepEqual((await profile(chat, groupID)).conversationGroupList, ['Job']);
    assert.deepEqual(local().find((c) => c.conversationID === groupID)?.conversationGroupList, ['Job']);
    assert.deepEqual(ids((await chat.getConversationList({ groupName: 'Job' })).data.conversationList), [groupID]);
    // The old name is no folder any more: nothing listed under it (or 40401, if the server says so).
    const old = await chat.getConversationList({ groupName: 'Work' }).catch((err: NatterError) => {
      assert.equal(err.code, 40401);
      return null;
    });
    if (old) assert.deepEqual(old.data.conversationList, []);

    assert.deepEqual(await chat.deleteConversationGroup('Job'), { code: 0, data: { groupName: 'Job' } });
    assert.deepEqual((await chat.getConversationGroupList()).data, ['Empty']);
    assert.deepEqual((await profile(chat, groupID)).conversationGroupList, []);
    assert.ok(ids((await chat.getConversationList()).data.conversationList).includes(groupID), 'conversation stays');
    await done();
  });

  test('limits: name 1–32 bytes, 20 folders, duplicates, unknown folder, unknown conversation, 101 IDs', async () => {
    const spy = spyFetch();
    const { chat, c2c, done } = await setup({ fetch: spy.fetch });
    await chat.createConversationGroup({ groupName: 'x'.repeat(32) });
    for (const groupName of ['x'.repeat(33), 'é'.repeat(17), '']) {
      await assert.rejects(chat.createConversationGroup({ groupName }), { code: 40001, status: 400 });
    }
    await assert.rejects(chat.createConversationGroup({ groupName: 'x'.repeat(32) }), { code: 40901, status: 409 });
    await chat.createConversationGroup({ groupName: 'a' });
    await assert.rejects(chat.renameConversationGroup({ oldName: 'a', newName: 'x'.repeat(32) }), { code: 40901 });
    await assert.rejects(chat.renameConversationGroup({ oldName: 'a', newName: 'x'.repeat(33) }), { code: 40001 });

    await assert.rejects(
      chat.createConversationGroup({ groupName: 'b', conversationIDList: [`C2C${uniqueUid('stranger')}`] }),
      { code: 40401, status: 404 },
    );
    for (let i = 3; i <= 20; i += 1) await chat.createConversationGroup({ groupName: `f${i}` });
    assert.equal((await chat.getConversationGroupList()).data.length, 20);
    await assert.rejects(chat.createConversationGroup({ groupName: 'f21' }), (err: NatterError) => {
      assert.equal(err.code, 40901);
      assert.equal(err.status, 409);
      return true;
    });
    assert.equal((await chat.getConversationGroupList()).data.length, 20);

    for (const call of [
      () => chat.addConversationsToGroup({ groupName: 'nope', conversationIDList: [c2c] }),
      () => chat.deleteConversationsFromGroup({ groupName: 'nope', conversationIDList: [c2c] }),
      () => chat.renameConversationGroup({ oldName: 'nope', newName: 'yes' }),
      () => chat.deleteConversationGroup('nope'),
      () => chat.addConversationsToGroup({ groupName: 'a', conversationIDList: [`C2C${uniqueUid('stranger')}`] }),
    ]) {
      await assert.rejects(call(), { code: 40401, status: 404 });
    }

    await refusedLocally(spy, () => chat.addConversationsToGroup({ groupName: 'a', conversationIDList: many }), 40003);
    await refusedLocally(spy, () => chat.deleteConversationsFromGroup({ groupName: 'a', conversationIDList: [] }), 40001);
    await refusedLocally(spy, () => chat.createConversationGroup({ groupName: 'c', conversationIDList: many }), 40003);
    await done();
  });
});

describe('delete and revive', () => {
  test('every preference is back to its default after delete and a new message', async () => {
    const { chat, bobChat, alice, c2c, local, done } = await setup();
    await chat.pinConversation({ conversationID: c2c, isPinned: true });
    await chat.markConversation({ conversationIDList: [c2c], markType: TYPES.CONV_MARK_TYPE_STAR, enableMark: true });
    await chat.markConversation({ conversationIDList: [c2c], markType: 1n << 40n, enableMark: true });
    await chat.createConversationGroup({ groupName: 'Friends', conversationIDList: [c2c] });
    await chat.setConversationDraft({ conversationID: c2c, draftText: 'draft' });
    await chat.setConversationCustomData({ conversationIDList: [c2c], customData: 'data' });
    await chat.setMessageRemindType({ conversationIDList: [c2c], messageRemindType: 'Discard' });
    const set = await profile(chat, c2c);
    assert.equal(set.isPinned, true);
    assert.equal(set.markList.length, 2);
    assert.deepEqual(set.conversationGroupList, ['Friends']);

    await chat.deleteConversation(c2c);
    assert.ok(!ids(local()).includes(c2c));
    await sendText(bobChat, alice, 'again');
    const revived = await profile(chat, c2c);
    assert.equal(revived.isPinned, false);
    assert.deepEqual(revived.markList, []);
    assert.deepEqual(revived.conversationGroupList, []);
    assert.equal(revived.draftText, '');
    assert.equal(revived.customData, '');
    assert.equal(revived.messageRemindType, 'AcceptAndNotify');
    assert.equal(revived.unreadCount, 1);
    assert.deepEqual(ids((await chat.getConversationList({ groupName: 'Friends' })).data.conversationList), []);
    assert.deepEqual(ids((await chat.getConversationList({ markType: 1 })).data.conversationList), []);
    await done();
  });
});

describe('getGroupList and getGroupMemberList', () => {
  test("as Tencent's documentation calls them: the user's groups, then members page by page", async () => {
    const before = Math.floor(Date.now() / 1000);
    const { chat, alice, bob, group, done } = await setup({ messages: false });
    const after = Math.ceil(Date.now() / 1000);
    await server.setProfile(bob, { nick: 'Bob B.' });
    // The samples, as printed: chat.getGroupList(), chat.getGroupMemberList({ groupID, count, offset }).
    const groups = (await chat.getGroupList()).data.groupList;
    assert.deepEqual(
      groups.map((g) => [g.groupID, g.memberCount]),
      [[group, 2]],
    );
    const first = await chat.getGroupMemberList({ groupID: group, count: 1, offset: 0 });
    assert.equal(first.code, 0);
    assert.deepEqual(first.data.memberList.map((m) => m.userID), [[alice, bob].sort()[0]]);
    assert.equal(first.data.offset, 1);
    const second = await chat.getGroupMemberList({ groupID: group, count: 1, offset: first.data.offset });
    const member = second.data.memberList[0]!;
    assert.equal(member.userID, [alice, bob].sort()[1]);
    assert.deepEqual(
      [member.role, member.nameCard, member.muteUntil, member.memberCustomField],
      [TYPES.GRP_MBR_ROLE_MEMBER, '', 0, []],
    );
    assert.ok(member.joinTime >= before && member.joinTime <= after, `joined at ${member.joinTime}, in ${before}..${after}`);
    const all = (await chat.getGroupMemberList({ groupID: group, count: 30, offset: 0 })).data;
    assert.deepEqual(all.memberList.find((m) => m.userID === bob)?.nick, 'Bob B.');
    assert.equal(all.offset, 0, 'the last page');
    // By role: a group the app backend made has no owner.
    const members = await chat.getGroupMemberList({ groupID: group, count: 30, offset: 0, role: TYPES.GRP_MBR_ROLE_MEMBER });
    assert.equal(members.data.memberList.length, 2);
    const owners = await chat.getGroupMemberList({ groupID: group, count: 30, offset: 0, role: TYPES.GRP_MBR_ROLE_OWNER });
    assert.deepEqual(owners.data, { memberList: [], offset: 0 });
    await assert.rejects(chat.getGroupMemberList({ groupID: group, role: 'Boss' }), { code: 40001 });

    await chat.quitGroup(group);
    assert.deepEqual((await chat.getGroupList()).data.groupList, []);
    // as Tencent's, a group the user left lists no one
    assert.deepEqual((await chat.getGroupMemberList({ groupID: group })).data, { memberList: [], offset: 0 });
    await done();
  });
});

describe('quitGroup', () => {
  test('the conversation stays readable, sending is 40302', async () => {
    const { chat, bobChat, group, groupID, local, done } = await setup();
    const res = await chat.quitGroup(group);
    assert.deepEqual(res, { code: 0, data: { groupID: group } });
    assert.ok(ids(local()).includes(groupID), 'still in the local list');
    assert.ok(ids((await chat.getConversationList()).data.conversationList).includes(groupID), 'still in the list');
    const history = (await chat.getMessageList({ conversationID: groupID })).data.messageList;
    assert.deepEqual(history.map((m) => m.payload.text), ['to the team']);

    await assert.rejects(sendText(chat, group, 'still here?', 'GROUP'), (err: NatterError) => {
      assert.ok(err instanceof NatterError);
      assert.equal(err.code, 40302);
      assert.equal(err.error, 'not_a_member');
      assert.equal(err.status, 403);
      return true;
    });
    // Messages sent after leaving do not reach alice.
    await sendText(bobChat, group, 'after you left', 'GROUP');
    const later = (await chat.getMessageList({ conversationID: groupID })).data.messageList;
    assert.deepEqual(later.map((m) => m.payload.text), ['to the team']);
    await assert.rejects(chat.quitGroup(uniqueUid('nogroup')), { code: 40401 });
    // Left already: Tencent's 2623, as its SDK answers for a group it does not hold.
    await assert.rejects(chat.quitGroup(group), { code: ErrorCode.MEMBER_NOT_IN_GRP, error: 'not_a_member' });
    await done();
  });
});

describe('getConversationList with an ID array', () => {
  test("returns those conversations' profiles, leaving out unknown ones", async () => {
    const spy = spyFetch();
    const { chat, c2c, groupID, done } = await setup({ fetch: spy.fetch });
    const res = await chat.getConversationList([groupID, `C2C${uniqueUid('ghost')}`, c2c, groupID]);
    assert.equal(res.code, 0);
    assert.deepEqual(ids(res.data.conversationList), [groupID, c2c]);
    assert.equal(res.data.conversationList[1]!.lastMessage.payload.text, 'to alice');
    await refusedLocally(spy, () => chat.getConversationList(many), 40003);
    await done();
  });
});

describe('system notices', () => {
  test('listed, read and deleted like any other; sending to it is 40301', async () => {
    const { chat, alice, local, done } = await setup({ messages: false });
    const notice = { kind: 'maintenance', at: '02:00' };
    await server.manager('POST', '/system/notices', {
      uids: [alice],
      payload: Buffer.from(JSON.stringify(notice)).toString('base64'),
    });
    const list = (await chat.getConversationList()).data.conversationList;
    assert.deepEqual(ids(list), ['@TIM#SYSTEM']);
    const sys = list[0]!;
    assert.equal(sys.type, TYPES.CONV_SYSTEM);
    assert.equal(sys.userProfile, undefined);
    assert.equal(sys.groupProfile, undefined);
    assert.equal(sys.lastMessage.fromAccount, '@TIM#SYSTEM');
    // Sent by the app backend without a type: a custom message, its object in payload.data.
    assert.equal(sys.lastMessage.type, TYPES.MSG_CUSTOM);
    assert.deepEqual(JSON.parse(sys.lastMessage.payload.data), notice);
    assert.equal(sys.lastMessage.messageForShow, '[Custom Messages]');
    assert.equal(sys.unreadCount, 1);
    assert.deepEqual(ids(local()), ['@TIM#SYSTEM']);
    assert.deepEqual(ids((await chat.getConversationList({ type: TYPES.CONV_SYSTEM })).data.conversationList), ['@TIM#SYSTEM']);
    assert.equal(await chat.fetchTotalUnreadMessageCount(), 1);

    const history = (await chat.getMessageList({ conversationID: '@TIM#SYSTEM' })).data.messageList;
    assert.deepEqual(history.map((m) => JSON.parse(m.payload.data)), [notice]);
    assert.equal(history[0]!.conversationType, TYPES.CONV_SYSTEM);
    assert.equal(history[0]!.isSystemMessage, true);
    await chat.setMessageRead({ conversationID: '@TIM#SYSTEM' });
    assert.equal((await profile(chat, '@TIM#SYSTEM')).unreadCount, 0);
    assert.equal(await chat.fetchTotalUnreadMessageCount(), 0);


    assert.deepEqual(await chat.deleteConversation('@TIM#SYSTEM'), { code: 0, data: { conversationID: '@TIM#SYSTEM' } });
    assert.deepEqual(ids(local()), []);
    assert.deepEqual((await chat.getConversationList()).data.conversationList, []);
    assert.equal((await profile(chat, '@TIM#SYSTEM')).lastMessage.messageForShow, '', 'new and empty');
    await done();
  });
});

describe('server pushes for preference changes (WebSocket)', () => {
  /** alice on a live device (real `ws`) and on an HTTP-only second device; bob; a group. */
  async function twoDevices() {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const group = uniqueUid('team');
    const tokenA = await server.createUser(alice, 0);
    const tokenB = await server.createUser(alice, 1);
    const bobToken = await server.createUser(bob);
    await server.createGroup(group, [alice, bob]);
    const bobChat = newChat(server);
    await loginReady(bobChat, bob, bobToken);
    await sendText(bobChat, alice, 'hi');
    await sendText(bobChat, group, 'team', 'GROUP');
    const live = newChat(server, { ws: true });
    const state = { local: [] as Conversation[], updates: 0 };
    live.on(EVENT.CONVERSATION_LIST_UPDATED, (e) => {
      state.local = e.data;
      state.updates += 1;
    });
    const other = newChat(server); // HTTP only, its own list not loaded
    const close = () => closeAll(live, other, bobChat);
    try {
      await loginReady(live, alice, tokenA);
      await waitFor(() => state.local.length === 2, 5_000, 'initial list');
      await other.login({ userID: alice, userSig: tokenB });
    } catch (err) {
      await close();
      throw err;
    }
    return { live, other, state, c2c: `C2C${bob}`, group, groupID: `GROUP${group}`, close };
  }

  const entry = (list: Conversation[], id: string) => list.find((c) => c.conversationID === id);

  test("another device's HIDE mark, draft, customData and folder reach this device's local list", async () => {
    const { other, state, c2c, groupID, close } = await twoDevices();
    try {
      await other.markConversation({ conversationIDList: [c2c], markType: 8, enableMark: true });
      await waitFor(() => !ids(state.local).includes(c2c), 5_000, 'hidden entry leaving the live list');
      await other.markConversation({ conversationIDList: [c2c], markType: 8, enableMark: false });
      await waitFor(() => ids(state.local).includes(c2c), 5_000, 'unhidden entry coming back');
      await other.setConversationDraft({ conversationID: groupID, draftText: 'typed elsewhere' });
      await waitFor(() => entry(state.local, groupID)?.draftText === 'typed elsewhere', 5_000, 'draft pushed');
      await other.setConversationCustomData({ conversationIDList: [c2c], customData: 'cd' });
      await waitFor(() => entry(state.local, c2c)?.customData === 'cd', 5_000, 'customData pushed');
      await other.createConversationGroup({ groupName: 'F', conversationIDList: [c2c] });
      await waitFor(() => entry(state.local, c2c)?.conversationGroupList.includes('F') === true, 5_000, 'folder pushed');
      await other.setMessageRemindType({ conversationIDList: [groupID], messageRemindType: 'Discard' });
      await waitFor(() => entry(state.local, groupID)?.messageRemindType === 'Discard', 5_000, 'remind type pushed');
    } finally {
      await close();
    }
  });

  test(
    "another device's quitGroup reaches this device's local list",
    async () => {
      const { other, state, group, groupID, close } = await twoDevices();
      try {
        const updatesBefore = state.updates;
        await other.quitGroup(group);
        await waitFor(() => state.updates > updatesBefore, 3_000, 'CONVERSATION_LIST_UPDATED after quitGroup');
        assert.ok(ids(state.local).includes(groupID), 'the conversation stays after leaving');
      } finally {
        await close();
      }
    },
  );
});
