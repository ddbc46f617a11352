/**
 * Community topics against a real natter server, as Tencent's SDK has them: a community created
 * with `isSupportTopic`, getJoinedCommunityList, createTopicInCommunity (the server's topic ID or
 * one given), getTopicList (every topic, or those named, an unknown one a failure),
 * updateTopicProfile, deleteTopicFromCommunity, and TOPIC_CREATED, TOPIC_DELETED and
 * TOPIC_UPDATED on the members' instances; messages in a topic, delivered as group messages,
 * whose unread count and last message come as the topic's TOPIC_UPDATED and never as a listed
 * conversation or in the unread total; reading a topic (its selfInfo.readedSequence); a member
 * muted in one topic (setGroupMemberMuteTime with a topicID, its selfInfo.muteTime); a member who
 * joins later; and the checks made before any request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EVENT, ErrorCode, NatterError, TYPES, type Topic, type TopicUpdatedData } from '@natter/sdk';
import { closeAll, destroyAllChats, gatedSocket, ids, liveDevice, liveUsers, newChat, refusedWith, sendText } from '../testing/chat.js';
import { spyFetch, startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';

let server: TestServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

type Device = Awaited<ReturnType<typeof liveDevice>>;

const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

/** A community with topics `owner` makes, with `members` in it from the start. */
async function community(owner: Device, members: string[], joinOption?: string): Promise<string> {
  const { group } = (
    await owner.chat.createGroup({
      name: 'Town',
      type: TYPES.GRP_COMMUNITY,
      isSupportTopic: true,
      memberList: members.map((userID) => ({ userID })),
      joinOption: joinOption as never,
    })
  ).data;
  return group.groupID;
}

/** Every TOPIC_UPDATED a device heard about `topicID`, its data. */
function topicUpdates(d: Device, topicID: string): TopicUpdatedData[] {
  return d.rec.of(EVENT.TOPIC_UPDATED).map((e) => e.data).filter((data) => data.topic.topicID === topicID);
}

/** Waits until a device heard a TOPIC_UPDATED about `topicID` that `holds`, and returns its topic. */
async function topicUpdated(d: Device, topicID: string, holds: (topic: Topic) => boolean, what: string): Promise<Topic> {
  await waitFor(() => topicUpdates(d, topicID).some((data) => holds(data.topic)), 5_000, what);
  return topicUpdates(d, topicID).filter((data) => holds(data.topic)).at(-1)!.topic;
}

/** The topic's entry in the user's getTopicList. */
async function listed(d: Device, groupID: string, topicID: string): Promise<Topic | undefined> {
  const { successTopicList } = (await d.chat.getTopicList({ groupID, topicIDList: [topicID] })).data;
  return successTopicList[0];
}

describe('communities with topics', () => {
  test("createGroup's isSupportTopic: the server's @TGS#_ ID, no group_create message; getJoinedCommunityList", async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      const { group } = (
        await alice.chat.createGroup({ name: 'Town', type: TYPES.GRP_COMMUNITY, isSupportTopic: true, memberList: [{ userID: uid.bob }] })
      ).data;
      assert.match(group.groupID, /^@TGS#_.{10}$/, "the server's ID for a community with topics, as Tencent's");
      assert.deepEqual([group.type, group.isSupportTopic, group.ownerID], [TYPES.GRP_COMMUNITY, true, uid.alice]);
      const history = (await alice.chat.getMessageList({ conversationID: `GROUP${group.groupID}` })).data.messageList;
      assert.deepEqual(history, [], "no group_create message in a community with topics, as Tencent's SDK sends none");

      const plain = (await alice.chat.createGroup({ name: 'Village', type: TYPES.GRP_COMMUNITY, memberList: [{ userID: uid.bob }] })).data
        .group;
      assert.equal(plain.isSupportTopic, false);
      const work = (await alice.chat.createGroup({ name: 'Team', memberList: [{ userID: uid.bob }] })).data.group;
      assert.equal(work.isSupportTopic, false);

      const given = `@TGS#_${uniqueUid('town').replace(/-/g, '')}`.slice(0, 48);
      const named = (await alice.chat.createGroup({ name: 'Named', groupID: given, type: TYPES.GRP_COMMUNITY, isSupportTopic: true }))
        .data.group;
      assert.deepEqual([named.groupID, named.isSupportTopic], [given, true]);

      for (const member of [alice, bob]) {
        const res = await member.chat.getJoinedCommunityList();
        assert.equal(res.code, 0);
        assert.deepEqual(Object.keys(res.data), ['groupList']);
        const communities = res.data.groupList;
        assert.ok(communities.every((g) => g.isSupportTopic && g.type === TYPES.GRP_COMMUNITY), 'only communities with topics');
        assert.deepEqual(
          communities.map((g) => g.groupID).sort(),
          (member === alice ? [group.groupID, given] : [group.groupID]).sort(),
        );
      }
      const bobsGroups = (await bob.chat.getGroupList()).data.groupList;
      assert.equal(bobsGroups.find((g) => g.groupID === group.groupID)?.isSupportTopic, true, "every Group says it");

      await assert.rejects(
        alice.chat.createGroup({ name: 'Club', type: TYPES.GRP_PUBLIC, isSupportTopic: true }),
        refusedWith(ErrorCode.INVALID_ARGUMENT),
        "a group that is no community holds no topics: the server refuses it",
      );
    } finally {
      await done();
    }
  });
});

describe('createTopicInCommunity and getTopicList', () => {
  test("the server's topic ID or one given; TOPIC_CREATED on every member's instance; a plain member refused", async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      const groupID = await community(alice, [uid.bob]);
      const res = await alice.chat.createTopicInCommunity({ groupID, topicName: 'General' });
      assert.equal(res.code, 0);
      assert.deepEqual(Object.keys(res.data), ['topicID'], "Tencent's answer");
      const { topicID } = res.data;
      assert.ok(topicID.startsWith(`${groupID}@TOPIC#_`), topicID);
      assert.equal(topicID.length, `${groupID}@TOPIC#_`.length + 10, "the server's suffix: ten characters");
      for (const member of [alice, bob]) {
        await waitFor(() => member.rec.of(EVENT.TOPIC_CREATED).length === 1, 5_000, 'TOPIC_CREATED');
        assert.deepEqual(member.rec.of(EVENT.TOPIC_CREATED)[0]!.data, { groupID, topicID });
      }

      const custom = `${groupID}@TOPIC#_news`;
      const made = await alice.chat.createTopicInCommunity({ groupID, topicID: custom, topicName: 'News', introduction: 'What happened' });
      assert.deepEqual(made.data, { topicID: custom });
      await waitFor(() => bob.rec.of(EVENT.TOPIC_CREATED).length === 2, 5_000, 'the second TOPIC_CREATED');
      assert.deepEqual(bob.rec.of(EVENT.TOPIC_CREATED)[1]!.data, { groupID, topicID: custom });
      await assert.rejects(
        alice.chat.createTopicInCommunity({ groupID, topicID: custom, topicName: 'Again' }),
        refusedWith(ErrorCode.CONFLICT),
        'a topicID in use',
      );
      await assert.rejects(
        bob.chat.createTopicInCommunity({ groupID, topicName: 'Mine' }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
        'a plain member makes no topic',
      );
      // The owner makes an admin, who may.
      await alice.chat.setGroupMemberRole({ groupID, userID: uid.bob, role: TYPES.GRP_MBR_ROLE_ADMIN });
      const bobs = (await bob.chat.createTopicInCommunity({ groupID, topicName: 'Admins' })).data.topicID;
      await waitFor(() => alice.rec.of(EVENT.TOPIC_CREATED).some((e) => e.data.topicID === bobs), 5_000, "alice hears of bob's topic");
      assert.deepEqual(
        (await alice.chat.getTopicList({ groupID })).data.successTopicList.map((t) => t.topicID),
        [topicID, custom, bobs],
      );
    } finally {
      await done();
    }
  });

  test('getTopicList: every topic oldest first in Tencent\'s shape, or those named, an unknown one a failure', async () => {
    const { alice, bob, carol, uid, done } = await liveUsers(server, 'alice', 'bob', 'carol');
    try {
      const groupID = await community(alice, [uid.bob]);
      const first = (
        await alice.chat.createTopicInCommunity({
          groupID,
          topicName: 'General',
          avatar: 'https://example.com/general.png',
          notification: 'Be kind',
          introduction: 'Anything goes',
          customData: 'pinned',
        })
      ).data.topicID;
      const second = (await alice.chat.createTopicInCommunity({ groupID, topicName: 'Random' })).data.topicID;

      const all = await bob.chat.getTopicList({ groupID });
      assert.equal(all.code, 0);
      assert.deepEqual(Object.keys(all.data).sort(), ['failureTopicList', 'successTopicList']);
      assert.deepEqual(all.data.failureTopicList, []);
      assert.deepEqual(all.data.successTopicList.map((t) => t.topicID), [first, second], 'oldest first');
      const [general, random] = all.data.successTopicList;
      assert.deepEqual(Object.keys(general!).sort(), [
        'avatar',
        'customData',
        'groupAtInfoList',
        'introduction',
        'lastMessage',
        'muteAllMembers',
        'notification',
        'selfInfo',
        'topicID',
        'topicName',
        'unreadCount',
      ]);
      assert.deepEqual(
        [general!.topicName, general!.avatar, general!.notification, general!.introduction, general!.customData, general!.muteAllMembers],
        ['General', 'https://example.com/general.png', 'Be kind', 'Anything goes', 'pinned', false],
      );
      assert.deepEqual([random!.topicName, random!.avatar, random!.notification, random!.introduction, random!.customData], ['Random', '', '', '', '']);
      assert.deepEqual([general!.unreadCount, general!.lastMessage.lastTime, general!.lastMessage.messageForShow, general!.groupAtInfoList], [
        0,
        0,
        '',
        [],
      ]);
      assert.deepEqual(Object.keys(general!.selfInfo).sort(), ['messageRemindType', 'muteTime', 'readedSequence']);
      assert.deepEqual([general!.selfInfo.muteTime, general!.selfInfo.readedSequence], [0, 0]);

      const unknown = `${groupID}@TOPIC#_nope`;
      const named = (await bob.chat.getTopicList({ groupID, topicIDList: [second, unknown] })).data;
      assert.deepEqual(named.successTopicList.map((t) => t.topicID), [second]);
      assert.equal(named.failureTopicList.length, 1);
      const [failure] = named.failureTopicList;
      assert.deepEqual([failure!.topicID, failure!.code], [unknown, 10010], "Tencent's code for a topic that is not there");
      assert.match(failure!.message, /nope/);
      assert.deepEqual(
        (await bob.chat.getTopicList({ groupID, topicIDList: [] })).data.successTopicList.map((t) => t.topicID),
        [first, second],
        '[] asks for every topic, as Tencent\'s reads it',
      );

      await assert.rejects(carol.chat.getTopicList({ groupID }), (err) => {
        assert.ok(err instanceof NatterError);
        assert.ok([ErrorCode.PERMISSION_DENIED, ErrorCode.NOT_A_MEMBER].includes(err.code as never), err.message);
        return true;
      }, 'a member of the community only');
    } finally {
      await done();
    }
  });
});

describe('updateTopicProfile and deleteTopicFromCommunity', () => {
  test('updateTopicProfile: the topic as it now is, TOPIC_UPDATED on another member\'s instance; a plain member refused', async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      const groupID = await community(alice, [uid.bob]);
      const topicID = (await alice.chat.createTopicInCommunity({ groupID, topicName: 'General', introduction: 'Anything goes' })).data
        .topicID;
      const res = await alice.chat.updateTopicProfile({
        groupID,
        topicID,
        topicName: 'Town square',
        notification: 'Be kind',
        customData: 'v2',
        muteAllMembers: true,
      });
      assert.deepEqual(Object.keys(res.data), ['topic']);
      const { topic } = res.data;
      assert.deepEqual(
        [topic.topicID, topic.topicName, topic.notification, topic.customData, topic.muteAllMembers, topic.introduction],
        [topicID, 'Town square', 'Be kind', 'v2', true, 'Anything goes'],
        'the fields given, the others kept',
      );
      const heard = await topicUpdated(bob, topicID, (t) => t.topicName === 'Town square', 'bob hears the change');
      assert.deepEqual(
        [heard.notification, heard.customData, heard.muteAllMembers, heard.introduction, heard.unreadCount],
        ['Be kind', 'v2', true, 'Anything goes', 0],
      );
      assert.equal(topicUpdates(bob, topicID)[0]!.groupID, groupID, "the community's ID");
      await topicUpdated(alice, topicID, (t) => t.topicName === 'Town square', "alice's own instance hears it too");
      assert.equal((await listed(bob, groupID, topicID))?.topicName, 'Town square');

      await assert.rejects(
        bob.chat.updateTopicProfile({ groupID, topicID, topicName: 'Mine' }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
        'a plain member changes no topic',
      );
      await alice.chat.updateTopicProfile({ groupID, topicID, muteAllMembers: false });
      await topicUpdated(bob, topicID, (t) => !t.muteAllMembers, 'unmuted');
    } finally {
      await done();
    }
  });

  test('deleteTopicFromCommunity: those named, an unknown one a failure, TOPIC_DELETED; no list deletes every one', async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      const groupID = await community(alice, [uid.bob]);
      const topics: string[] = [];
      for (const topicName of ['One', 'Two', 'Three']) {
        topics.push((await alice.chat.createTopicInCommunity({ groupID, topicName })).data.topicID);
      }
      const [one, two, three] = topics as [string, string, string];
      await assert.rejects(
        bob.chat.deleteTopicFromCommunity({ groupID, topicIDList: [one] }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
        'a plain member deletes no topic',
      );

      const unknown = `${groupID}@TOPIC#_nope`;
      const res = await alice.chat.deleteTopicFromCommunity({ groupID, topicIDList: [one, unknown] });
      assert.equal(res.code, 0);
      assert.deepEqual(res.data.successTopicList, [{ topicID: one }]);
      assert.equal(res.data.failureTopicList.length, 1);
      assert.equal(res.data.failureTopicList[0]!.topicID, unknown);
      assert.equal(typeof res.data.failureTopicList[0]!.code, 'number');
      for (const member of [alice, bob]) {
        await waitFor(() => member.rec.of(EVENT.TOPIC_DELETED).length === 1, 5_000, 'TOPIC_DELETED');
        assert.deepEqual(member.rec.of(EVENT.TOPIC_DELETED)[0]!.data, { groupID, topicIDList: [one] });
      }
      assert.deepEqual((await bob.chat.getTopicList({ groupID })).data.successTopicList.map((t) => t.topicID), [two, three]);

      const every = await alice.chat.deleteTopicFromCommunity({ groupID });
      assert.deepEqual(every.data.successTopicList.map((t) => t.topicID).sort(), [two, three].sort());
      assert.deepEqual(every.data.failureTopicList, []);
      await waitFor(() => bob.rec.of(EVENT.TOPIC_DELETED).length === 2, 5_000, 'the second TOPIC_DELETED');
      assert.deepEqual(bob.rec.of(EVENT.TOPIC_DELETED)[1]!.data.topicIDList.sort(), [two, three].sort());
      assert.deepEqual((await bob.chat.getTopicList({ groupID })).data.successTopicList, []);
    } finally {
      await done();
    }
  });
});

describe('messages in topics', () => {
  test("a message is a group message; its topic's TOPIC_UPDATED tells the unread count and last message, never the conversation list or the total", async () => {
    const uid = { alice: uniqueUid('alice'), bob: uniqueUid('bob') };
    const spy = spyFetch();
    const alice = await liveDevice(server, uid.alice, 1);
    const bob = await liveDevice(server, uid.bob, 1, undefined, { fetch: spy.fetch });
    try {
      const groupID = await community(alice, [uid.bob]);
      const topicID = (await alice.chat.createTopicInCommunity({ groupID, topicName: 'General' })).data.topicID;
      const conversationID = `GROUP${topicID}`;
      await waitFor(() => bob.rec.of(EVENT.TOPIC_CREATED).length === 1, 5_000, 'bob hears of the topic');
      const totalBefore = await bob.chat.fetchTotalUnreadMessageCount();

      const sent = await sendText(alice.chat, topicID, 'hello topic', 'GROUP');
      assert.deepEqual([sent.conversationID, sent.to, sent.conversationType], [conversationID, topicID, TYPES.CONV_GROUP]);
      await waitFor(() => bob.rec.received().some((m) => m.conversationID === conversationID), 5_000, 'bob receives it');
      const [received] = bob.rec.received().filter((m) => m.conversationID === conversationID);
      assert.deepEqual(
        [received!.to, received!.from, received!.conversationType, received!.payload.text, received!.flow],
        [topicID, uid.alice, TYPES.CONV_GROUP, 'hello topic', 'in'],
        'MESSAGE_RECEIVED as any group message',
      );

      // bob never listed the topic: his SDK asks for it once, then tells it.
      const topic = await topicUpdated(bob, topicID, (t) => t.unreadCount === 1, 'TOPIC_UPDATED with one unread');
      assert.equal(topicUpdates(bob, topicID).at(-1)!.groupID, groupID);
      assert.deepEqual(
        [topic.topicName, topic.lastMessage.payload?.text, topic.lastMessage.fromAccount, topic.lastMessage.messageForShow],
        ['General', 'hello topic', uid.alice, 'hello topic'],
      );
      assert.equal(topic.lastMessage.lastSequence, received!.sequence);
      assert.equal(topic.selfInfo.messageRemindType, TYPES.MSG_REMIND_ACPT_AND_NOTE);
      const asked = () => spy.calls.filter((c) => new URL(c.url).pathname === `/v1/groups/${encodeURIComponent(groupID)}/topics`);
      assert.equal(asked().length, 1);
      assert.equal(new URL(asked()[0]!.url).searchParams.get('topicIDList'), topicID);

      // Never a listed conversation, nor in the unread total.
      const inList = (list: { conversationID: string }[]) => ids(list).includes(conversationID);
      assert.ok(!inList((await bob.chat.getConversationList()).data.conversationList), 'not in getConversationList');
      assert.ok(!inList(bob.state.list), 'not in the list CONVERSATION_LIST_UPDATED handed over');
      assert.ok(
        bob.rec.of(EVENT.CONVERSATION_LIST_UPDATED).every((e) => !inList(e.data)),
        'never in a CONVERSATION_LIST_UPDATED',
      );
      assert.deepEqual((await bob.chat.getConversationList({ type: TYPES.CONV_TOPIC })).data.conversationList, []);
      assert.equal(await bob.chat.fetchTotalUnreadMessageCount(), totalBefore, 'not counted in the total');
      assert.equal(bob.chat.getTotalUnreadMessageCount(), totalBefore);

      // A second message, one that mentions bob: the topic's count, last message and mentions.
      const at = alice.chat.createTextAtMessage({
        to: topicID,
        conversationType: TYPES.CONV_GROUP,
        payload: { text: `@${uid.bob} look`, atUserList: [uid.bob] },
      });
      await alice.chat.sendMessage(at);
      const twice = await topicUpdated(bob, topicID, (t) => t.unreadCount === 2, 'two unread');
      assert.equal(twice.lastMessage.payload?.text, `@${uid.bob} look`);
      assert.deepEqual(twice.groupAtInfoList, [
        { from: uid.alice, groupID, topicID, messageSequence: at.sequence, atTypeArray: [TYPES.CONV_AT_ME] },
      ]);
      assert.equal(asked().length, 1, 'the profile was asked for once');
      const fromList = await listed(bob, groupID, topicID);
      assert.deepEqual([fromList?.unreadCount, fromList?.lastMessage.payload?.text], [2, `@${uid.bob} look`]);
      assert.equal(fromList?.groupAtInfoList.length, 1, "getTopicList's topic has the mention too");

      // A new profile keeps the unread count and last message the SDK holds.
      await alice.chat.updateTopicProfile({ groupID, topicID, topicName: 'Square' });
      const renamed = await topicUpdated(bob, topicID, (t) => t.topicName === 'Square', 'the new name');
      assert.deepEqual([renamed.unreadCount, renamed.lastMessage.payload?.text], [2, `@${uid.bob} look`]);

      // Reading it: at once on this instance, then as the server says.
      const heardBefore = topicUpdates(bob, topicID).length;
      await bob.chat.setMessageRead({ conversationID });
      const read = topicUpdates(bob, topicID).slice(heardBefore);
      assert.ok(read.length >= 1, 'TOPIC_UPDATED at once');
      assert.deepEqual([read[0]!.topic.unreadCount, read[0]!.topic.groupAtInfoList], [0, []]);
      assert.equal(read[0]!.topic.selfInfo.readedSequence, at.sequence, 'read to the last message');
      await settle();
      assert.ok(topicUpdates(bob, topicID).slice(heardBefore).every((data) => data.topic.unreadCount === 0), 'and it stays read');
      const readListed = await listed(bob, groupID, topicID);
      assert.deepEqual([readListed?.unreadCount, readListed?.selfInfo.readedSequence], [0, at.sequence]);
      assert.equal(await bob.chat.fetchTotalUnreadMessageCount(), totalBefore);

      // The topic's history, as a group's.
      const history = (await bob.chat.getMessageList({ conversationID })).data.messageList;
      assert.deepEqual(history.map((m) => m.payload.text), ['hello topic', `@${uid.bob} look`]);
      assert.ok(!inList((await bob.chat.getConversationList()).data.conversationList), 'still not listed');
    } finally {
      await closeAll(alice.chat, bob.chat);
    }
  });

  test('setGroupMemberMuteTime with a topicID: muted in that topic alone, shown as its selfInfo.muteTime', async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      const groupID = await community(alice, [uid.bob]);
      const topicID = (await alice.chat.createTopicInCommunity({ groupID, topicName: 'General' })).data.topicID;
      const otherID = (await alice.chat.createTopicInCommunity({ groupID, topicName: 'Market' })).data.topicID;
      await waitFor(() => bob.rec.of(EVENT.TOPIC_CREATED).length === 2, 5_000, 'bob hears of both topics');
      assert.equal((await listed(bob, groupID, topicID))?.selfInfo.muteTime, 0);

      const before = Math.floor(Date.now() / 1000);
      const { group, member } = (await alice.chat.setGroupMemberMuteTime({ groupID: topicID, userID: uid.bob, muteTime: 600 })).data;
      assert.equal(group.groupID, groupID, 'the community');
      assert.equal(member.userID, uid.bob);
      assert.ok(member.muteUntil >= before + 600 && member.muteUntil <= before + 602, `muteUntil ${member.muteUntil}`);

      // bob's instance learns it from the topic's tip, at once.
      const muted = await topicUpdated(bob, topicID, (t) => t.selfInfo.muteTime > 0, "bob's topic shows his mute");
      assert.ok(Math.abs(muted.selfInfo.muteTime - member.muteUntil) <= 1, `${muted.selfInfo.muteTime} ~ ${member.muteUntil}`);
      assert.equal((await listed(bob, groupID, topicID))?.selfInfo.muteTime, member.muteUntil);
      assert.equal((await listed(bob, groupID, otherID))?.selfInfo.muteTime, 0);
      assert.equal((await listed(alice, groupID, topicID))?.selfInfo.muteTime, 0, "alice's own standing");
      await assert.rejects(sendText(bob.chat, topicID, 'let me speak', 'GROUP'), refusedWith(ErrorCode.MUTED));
      await sendText(bob.chat, otherID, 'still here', 'GROUP');
      await sendText(bob.chat, groupID, 'and here', 'GROUP');

      // A plain member mutes no one; unmuted, bob speaks again.
      await assert.rejects(
        bob.chat.setGroupMemberMuteTime({ groupID: otherID, userID: uid.alice, muteTime: 60 }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
      );
      await alice.chat.setGroupMemberMuteTime({ groupID: topicID, userID: uid.bob, muteTime: 0 });
      await topicUpdated(bob, topicID, (t) => t.selfInfo.muteTime === 0, 'unmuted');
      await sendText(bob.chat, topicID, 'thanks', 'GROUP');
    } finally {
      await done();
    }
  });

  test('NOT_RECEIVE_MSG_EXCEPT_AT: only what mentions the user arrives; the rest counts in the topic', async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      const groupID = await community(alice, [uid.bob]);
      const topicID = (await alice.chat.createTopicInCommunity({ groupID, topicName: 'General' })).data.topicID;
      const conversationID = `GROUP${topicID}`;
      await bob.chat.setMessageRemindType({ groupID: topicID, messageRemindType: TYPES.NOT_RECEIVE_MSG_EXCEPT_AT });
      await topicUpdated(bob, topicID, (t) => t.selfInfo.messageRemindType === TYPES.NOT_RECEIVE_MSG_EXCEPT_AT, 'the remind type');

      await sendText(alice.chat, topicID, 'for everyone', 'GROUP');
      const at = alice.chat.createTextAtMessage({
        to: topicID,
        conversationType: TYPES.CONV_GROUP,
        payload: { text: `@${uid.bob} for you`, atUserList: [uid.bob] },
      });
      await alice.chat.sendMessage(at);
      await waitFor(() => bob.rec.received().some((m) => m.conversationID === conversationID), 5_000, 'the mention arrives');
      await topicUpdated(bob, topicID, (t) => t.unreadCount === 2, 'both counted in the topic');
      assert.deepEqual(
        bob.rec.received().filter((m) => m.conversationID === conversationID).map((m) => m.payload.text),
        [`@${uid.bob} for you`],
        'the message that does not mention bob never arrived',
      );
    } finally {
      await done();
    }
  });

  test('after a reconnect, what changed meanwhile in the topics it holds is told', async () => {
    const uid = { alice: uniqueUid('alice'), bob: uniqueUid('bob') };
    const gate = gatedSocket();
    const alice = await liveDevice(server, uid.alice, 1);
    const bob = await liveDevice(server, uid.bob, 1, gate.WebSocket);
    try {
      const groupID = await community(alice, [uid.bob]);
      const kept = (await alice.chat.createTopicInCommunity({ groupID, topicName: 'Kept' })).data.topicID;
      const doomed = (await alice.chat.createTopicInCommunity({ groupID, topicName: 'Doomed' })).data.topicID;
      await bob.chat.getTopicList({ groupID });
      gate.cut();
      await waitFor(
        () => bob.rec.of(EVENT.NET_STATE_CHANGE).some((e) => e.data.state === TYPES.NET_STATE_DISCONNECTED),
        5_000,
        'bob offline',
      );
      await sendText(alice.chat, kept, 'while you were away', 'GROUP');
      await alice.chat.deleteTopicFromCommunity({ groupID, topicIDList: [doomed] });
      const added = (await alice.chat.createTopicInCommunity({ groupID, topicName: 'Added' })).data.topicID;
      const heardBefore = bob.rec.of(EVENT.TOPIC_UPDATED).length;
      gate.open();

      const topic = await topicUpdated(bob, kept, (t) => t.unreadCount === 1, "the kept topic's unread message");
      assert.equal(topic.lastMessage.payload?.text, 'while you were away');
      await waitFor(() => bob.rec.of(EVENT.TOPIC_DELETED).some((e) => e.data.topicIDList.includes(doomed)), 5_000, 'the deleted one');
      await waitFor(() => bob.rec.of(EVENT.TOPIC_CREATED).some((e) => e.data.topicID === added), 5_000, 'the new one');
      assert.equal(bob.rec.of(EVENT.TOPIC_UPDATED).length, heardBefore + 1, 'only the topic that changed');
    } finally {
      await closeAll(alice.chat, bob.chat);
    }
  });

  test('a user who joins the community later sees its topics and sends to them', async () => {
    const { alice, carol, uid, done } = await liveUsers(server, 'alice', 'carol');
    try {
      const groupID = await community(alice, [], TYPES.JOIN_OPTIONS_FREE_ACCESS);
      const topicID = (await alice.chat.createTopicInCommunity({ groupID, topicName: 'General' })).data.topicID;
      await sendText(alice.chat, topicID, 'before carol', 'GROUP');

      const joined = await carol.chat.joinGroup({ groupID });
      assert.equal(joined.data.status, TYPES.JOIN_STATUS_SUCCESS);
      assert.deepEqual((await carol.chat.getJoinedCommunityList()).data.groupList.map((g) => g.groupID), [groupID]);
      const topics = (await carol.chat.getTopicList({ groupID })).data.successTopicList;
      assert.deepEqual(topics.map((t) => t.topicID), [topicID], "the community's topics are hers now");

      await sendText(carol.chat, topicID, 'hi from carol', 'GROUP');
      await waitFor(
        () => alice.rec.received().some((m) => m.conversationID === `GROUP${topicID}` && m.from === uid.carol),
        5_000,
        "alice receives carol's message",
      );
      await topicUpdated(alice, topicID, (t) => t.lastMessage.payload?.text === 'hi from carol' && t.unreadCount === 1, "alice's topic");

      // A new topic reaches her too.
      const later = (await alice.chat.createTopicInCommunity({ groupID, topicName: 'Later' })).data.topicID;
      await waitFor(() => carol.rec.of(EVENT.TOPIC_CREATED).some((e) => e.data.topicID === later), 5_000, 'carol hears of it');
    } finally {
      await done();
    }
  });
});

describe('argument errors', () => {
  test('bad options reject 40001 before any request', async () => {
    const spy = spyFetch();
    const chat = newChat(server, { fetch: spy.fetch });
    const uid = uniqueUid('alice');
    try {
      await chat.login({ userID: uid, userSig: await server.createUser(uid) });
      const before = spy.calls.length;
      const invalid = (message: RegExp) => refusedWith(ErrorCode.INVALID_ARGUMENT, { message });
      const loose = chat as unknown as Record<string, (options?: unknown) => Promise<unknown>>;
      const call = (name: string, options?: unknown) => loose[name]!.call(chat, options);

      await assert.rejects(call('createTopicInCommunity', { topicName: 'x' }), invalid(/groupID/));
      await assert.rejects(call('createTopicInCommunity', { groupID: 'g' }), invalid(/topicName/));
      await assert.rejects(call('createTopicInCommunity', { groupID: 'g', topicName: 'x', topicID: 7 }), invalid(/topicID/));
      await assert.rejects(call('createTopicInCommunity', { groupID: 'g', topicName: 'x', customData: {} }), invalid(/customData/));
      await assert.rejects(call('updateTopicProfile', { groupID: 'g' }), invalid(/topicID/));
      await assert.rejects(call('updateTopicProfile', { groupID: 'g', topicID: 't', topicName: '' }), invalid(/topicName/));
      await assert.rejects(call('updateTopicProfile', { groupID: 'g', topicID: 't', muteAllMembers: 'yes' }), invalid(/muteAllMembers/));
      await assert.rejects(call('getTopicList'), invalid(/groupID/));
      await assert.rejects(call('getTopicList', { groupID: 'g', topicIDList: 't' }), invalid(/topicIDList/));
      await assert.rejects(call('deleteTopicFromCommunity', { groupID: 'g', topicIDList: [''] }), invalid(/topicIDList/));
      await assert.rejects(call('deleteTopicFromCommunity', {}), invalid(/groupID/));
      assert.equal(spy.calls.length, before, 'no request was made');
    } finally {
      await closeAll(chat);
    }
  });
});
