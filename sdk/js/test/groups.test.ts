/**
 * Groups as their members run them, Tencent's calls against a real natter server: createGroup,
 * addGroupMember, deleteGroupMember, updateGroupProfile, dismissGroup, joinGroup, and the
 * owner's role in getGroupMemberList, by the rules of Tencent's group types (a work group is run
 * by its members, a public or meeting group by its owner); and GROUP_LIST_UPDATED, the user's
 * group list as it changes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EVENT, ErrorCode, TYPES, type Conversation, type Group, type Message } from '@natter/sdk';
import {
  FAST_RECONNECT,
  closeAll,
  delayingSocket,
  destroyAllChats,
  liveDevice,
  liveUsers,
  loginReady,
  newChat,
  record,
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

/** The group system notices (MSG_GRP_SYS_NOTICE) a device received about `groupID`. */
function notices(received: Message[], groupID: string) {
  return received.filter((m) => m.type === TYPES.MSG_GRP_SYS_NOTICE && m.payload.groupProfile.groupID === groupID);
}

describe('selfInfo', () => {
  test("a Group's and a group conversation's selfInfo: the user, their role, the conversation's remind type", async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      const { group } = (await alice.chat.createGroup({ name: 'Team', memberList: [{ userID: uid.bob }] })).data;
      const groupID = group.groupID;
      // Tencent's selfInfo fields, those Natter does not know empty as Tencent's defaults.
      assert.deepEqual(Object.keys(group.selfInfo).sort(), [
        'joinTime',
        'messageRemindType',
        'nameCard',
        'readedSequence',
        'role',
        'userID',
      ]);
      assert.deepEqual([group.selfInfo.userID, group.selfInfo.role, group.selfInfo.nameCard], [uid.alice, TYPES.GRP_MBR_ROLE_OWNER, '']);
      const joined = group.selfInfo.joinTime;
      assert.ok(typeof joined === 'number' && Math.abs(joined - Date.now() / 1000) < 60, `joinTime ${joined}: when she made it`);
      await sendText(alice.chat, groupID, 'hi', 'GROUP');
      const conversationID = `GROUP${groupID}`;
      await waitFor(() => bob.entry(conversationID)?.lastMessage.payload?.text === 'hi', 5_000, 'bob has it');

      // bob's conversation names him whether or not his SDK holds the group yet (its role is ''
      // until a group call told it, as Tencent's before it knows: when that happens depends on
      // what the SDK fetched on its own), then his role once getGroupList told it.
      const conversationOf = async () =>
        (await bob.chat.getConversationList()).data.conversationList.find((c) => c.conversationID === conversationID)!;
      let selfInfo = (await conversationOf()).groupProfile.selfInfo;
      assert.equal(selfInfo.userID, uid.bob);
      assert.ok(['', TYPES.GRP_MBR_ROLE_MEMBER].includes(selfInfo.role), selfInfo.role);
      assert.equal(selfInfo.messageRemindType, TYPES.MSG_REMIND_ACPT_AND_NOTE);
      const listed = (await bob.chat.getGroupList()).data.groupList.find((g) => g.groupID === groupID)!;
      assert.deepEqual(
        [listed.selfInfo.userID, listed.selfInfo.role, listed.selfInfo.messageRemindType],
        [uid.bob, TYPES.GRP_MBR_ROLE_MEMBER, TYPES.MSG_REMIND_ACPT_AND_NOTE],
      );
      selfInfo = (await conversationOf()).groupProfile.selfInfo;
      assert.deepEqual([selfInfo.userID, selfInfo.role], [uid.bob, TYPES.GRP_MBR_ROLE_MEMBER]);
      // TUIKit's lookup of the user's own member entry
      const me = await bob.chat.getGroupMemberProfile({ groupID, userIDList: [selfInfo.userID] });
      assert.equal(me.data.memberList[0]?.userID, uid.bob);

      // The conversation's remind type follows; leaving forgets the role.
      await bob.chat.setMessageRemindType({ groupID, messageRemindType: TYPES.MSG_REMIND_ACPT_NOT_NOTE });
      const profile = (await bob.chat.getGroupProfile({ groupID })).data.group;
      assert.equal(profile.selfInfo.messageRemindType, TYPES.MSG_REMIND_ACPT_NOT_NOTE);
      // Muted but for mentions: a group's only; Tencent's topics' remind type is refused
      await bob.chat.setMessageRemindType({ groupID, messageRemindType: TYPES.NOT_RECEIVE_OFFLINE_PUSH_EXCEPT_AT });
      assert.equal(
        (await bob.chat.getGroupProfile({ groupID })).data.group.selfInfo.messageRemindType,
        TYPES.NOT_RECEIVE_OFFLINE_PUSH_EXCEPT_AT,
      );
      await assert.rejects(
        bob.chat.setMessageRemindType({ userIDList: [uid.alice], messageRemindType: TYPES.NOT_RECEIVE_OFFLINE_PUSH_EXCEPT_AT }),
        refusedWith(ErrorCode.INVALID_ARGUMENT),
      );
      await assert.rejects(
        bob.chat.setMessageRemindType({ groupID, messageRemindType: TYPES.NOT_RECEIVE_MSG_EXCEPT_AT }),
        refusedWith(ErrorCode.INVALID_ARGUMENT),
        "a topic's remind type (see topics.test.ts)",
      );
      const ownersView = (await alice.chat.getConversationList()).data.conversationList.find(
        (c) => c.conversationID === conversationID,
      )!;
      assert.deepEqual([ownersView.groupProfile.selfInfo.userID, ownersView.groupProfile.selfInfo.role], [uid.alice, TYPES.GRP_MBR_ROLE_OWNER]);
      await bob.chat.quitGroup(groupID);
      selfInfo = (await conversationOf()).groupProfile.selfInfo;
      assert.deepEqual([selfInfo.userID, selfInfo.role], [uid.bob, '']);
    } finally {
      await done();
    }
  });
});

describe('createGroup', () => {
  test('as Tencent\'s SDK, it sends the group its "group_create" message: members receive it, it is the last message', async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      await alice.chat.updateMyProfile({ nick: 'Alice A.' });
      const { group } = (await alice.chat.createGroup({ name: 'Launch', memberList: [{ userID: uid.bob }] })).data;
      const conversationID = `GROUP${group.groupID}`;
      await waitFor(() => bob.rec.received().some((m) => m.conversationID === conversationID), 5_000, 'bob received it');
      const received = bob.rec.received().filter((m) => m.conversationID === conversationID);
      assert.equal(received.length, 1);
      const [created] = received;
      assert.deepEqual([created!.type, created!.from, created!.conversationType], [TYPES.MSG_CUSTOM, uid.alice, TYPES.CONV_GROUP]);
      assert.deepEqual(JSON.parse(created!.payload.data), {
        businessID: 'group_create',
        content: 'Create Group',
        cmd: 0,
        opUser: 'Alice A.',
        version: 4,
      });
      // the last message of both members' conversations, and stored in the history
      for (const member of [alice, bob]) {
        await waitFor(() => member.entry(conversationID)?.lastMessage.type === TYPES.MSG_CUSTOM, 5_000, 'lastMessage');
        const listed = (await member.chat.getConversationList()).data.conversationList.find((c) => c.conversationID === conversationID)!;
        assert.equal(JSON.parse(listed.lastMessage.payload.data).businessID, 'group_create');
      }
      const history = (await bob.chat.getMessageList({ conversationID })).data.messageList;
      assert.deepEqual(history.map((m) => m.ID), [created!.ID]);
      // alice's own instance is not told of her own send (as any sendMessage)
      assert.equal(alice.rec.received().filter((m) => m.conversationID === conversationID).length, 0);
      // opUser falls back to the userID without a nick; every type Natter creates gets one
      const { group: meeting } = (await bob.chat.createGroup({ name: 'Stand-up', type: TYPES.GRP_MEETING })).data;
      const last = (await bob.chat.getMessageList({ conversationID: `GROUP${meeting.groupID}` })).data.messageList;
      assert.deepEqual(JSON.parse(last[0]!.payload.data).opUser, uid.bob);
      // a community's is Tencent's "Create Community", cmd 1
      const { group: town } = (await bob.chat.createGroup({ name: 'Town', type: TYPES.GRP_COMMUNITY })).data;
      const first = (await bob.chat.getMessageList({ conversationID: `GROUP${town.groupID}` })).data.messageList;
      const { content, cmd } = JSON.parse(first[0]!.payload.data);
      assert.deepEqual([content, cmd], ['Create Community', 1]);
    } finally {
      await done();
    }
  });

  test("a work group by default: Tencent's answer, the creator owns it, the server makes the ID", async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      const res = await alice.chat.createGroup({ name: 'Weekend hike', memberList: [{ userID: uid.bob }] });
      assert.equal(res.code, 0);
      assert.deepEqual(Object.keys(res.data).sort(), ['group', 'overLimitUserIDList']);
      assert.deepEqual(res.data.overLimitUserIDList, []);
      const { group } = res.data;
      assert.match(group.groupID, /^@TGS#[A-Z0-9]{10}$/, "the server's ID, in Tencent's shape");
      assert.deepEqual(
        [group.name, group.type, group.ownerID, group.memberCount, group.joinOption, group.isDismissed],
        ['Weekend hike', TYPES.GRP_WORK, uid.alice, 2, TYPES.JOIN_OPTIONS_DISABLE_APPLY, false],
      );
      assert.equal(group.selfInfo.role, TYPES.GRP_MBR_ROLE_OWNER);
      assert.equal(group.selfInfo.userID, uid.alice, "selfInfo names the user, as Tencent's");

      // bob is a member at once: he sees the group, and alice gets what he sends to it.
      const bobsGroups = (await bob.chat.getGroupList()).data.groupList;
      const seen = bobsGroups.find((g) => g.groupID === group.groupID);
      assert.ok(seen, 'in bob’s getGroupList');
      assert.deepEqual([seen.ownerID, seen.selfInfo.role], [uid.alice, TYPES.GRP_MBR_ROLE_MEMBER]);
      await sendText(bob.chat, group.groupID, 'hello', 'GROUP');
      await waitFor(() => alice.entry(`GROUP${group.groupID}`)?.lastMessage.payload?.text === 'hello', 5_000, 'in alice’s list');
    } finally {
      await done();
    }
  });

  test('a given ID and profile; each member sent with its role and custom fields; a taken ID is 40901', async () => {
    const { alice, uid, done } = await liveUsers(server, 'alice', 'bob');
    const spy = spyFetch();
    const chat = newChat(server, { fetch: spy.fetch });
    try {
      await chat.login({ userID: uid.alice, userSig: await server.createUser(uid.alice, 2) });
      const groupID = uniqueUid('club');
      const { data } = await chat.createGroup({
        groupID,
        name: 'Book club',
        type: TYPES.GRP_PUBLIC,
        introduction: 'We read',
        notification: 'Next: Dune',
        avatar: 'https://example.com/club.png',
        memberList: [{ userID: uid.bob, role: TYPES.GRP_MBR_ROLE_MEMBER, memberCustomField: [] }],
      });
      assert.deepEqual(
        [data.group.groupID, data.group.type, data.group.introduction, data.group.notification, data.group.avatar],
        [groupID, TYPES.GRP_PUBLIC, 'We read', 'Next: Dune', 'https://example.com/club.png'],
      );
      assert.equal(data.group.joinOption, TYPES.JOIN_OPTIONS_NEED_PERMISSION, "a public group's default");
      const sent = spy.calls.find((c) => c.method === 'POST' && c.url.endsWith('/v1/groups'));
      assert.deepEqual(JSON.parse(sent!.body!).memberList, [{ userID: uid.bob, role: TYPES.GRP_MBR_ROLE_MEMBER, memberCustomField: [] }]);

      await assert.rejects(alice.chat.createGroup({ groupID, name: 'Again' }), refusedWith(ErrorCode.CONFLICT));
      await assert.rejects(
        alice.chat.createGroup({ name: 'Ghosts', memberList: [{ userID: uniqueUid('nobody') }] }),
        refusedWith(ErrorCode.NOT_FOUND),
      );
    } finally {
      await closeAll(chat);
      await done();
    }
  });
});

describe('work groups: members add and edit, the owner removes', () => {
  /** alice's work group with bob; carol is not in it yet. */
  async function workGroup() {
    const people = await liveUsers(server, 'alice', 'bob', 'carol');
    const { group } = (await people.alice.chat.createGroup({ name: 'Team', memberList: [{ userID: people.uid.bob }] })).data;
    return { ...people, groupID: group.groupID };
  }

  test('addGroupMember by a plain member: added, unknown and existing users apart', async () => {
    const { bob, carol, uid, groupID, done } = await workGroup();
    try {
      const nobody = uniqueUid('nobody');
      const res = await bob.chat.addGroupMember({ groupID, userIDList: [uid.carol, nobody, uid.alice] });
      assert.equal(res.code, 0);
      assert.deepEqual(res.data.successUserIDList, [uid.carol]);
      assert.deepEqual(res.data.failureUserIDList, [nobody]);
      assert.deepEqual(res.data.existedUserIDList, [uid.alice]);
      assert.deepEqual(res.data.overLimitUserIDList, []);
      assert.deepEqual([res.data.group.groupID, res.data.group.memberCount], [groupID, 3]);
      assert.ok((await carol.chat.getGroupList()).data.groupList.some((g) => g.groupID === groupID));
    } finally {
      await done();
    }
  });

  test('getGroupMemberList: the owner is Owner, the others Member; role filters', async () => {
    const { alice, bob, uid, groupID, done } = await workGroup();
    try {
      await bob.chat.addGroupMember({ groupID, userIDList: [uid.carol] });
      const { memberList } = (await bob.chat.getGroupMemberList({ groupID, count: 100 })).data;
      const roles = Object.fromEntries(memberList.map((m) => [m.userID, m.role]));
      assert.deepEqual(roles, {
        [uid.alice]: TYPES.GRP_MBR_ROLE_OWNER,
        [uid.bob]: TYPES.GRP_MBR_ROLE_MEMBER,
        [uid.carol]: TYPES.GRP_MBR_ROLE_MEMBER,
      });
      const owners = (await bob.chat.getGroupMemberList({ groupID, count: 100, role: TYPES.GRP_MBR_ROLE_OWNER })).data;
      assert.deepEqual(owners.memberList.map((m) => m.userID), [uid.alice]);
      const members = (await alice.chat.getGroupMemberList({ groupID, count: 100, role: TYPES.GRP_MBR_ROLE_MEMBER })).data;
      assert.deepEqual(members.memberList.map((m) => m.userID).sort(), [uid.bob, uid.carol].sort());
      const admins = (await alice.chat.getGroupMemberList({ groupID, count: 100, role: TYPES.GRP_MBR_ROLE_ADMIN })).data;
      assert.deepEqual(admins.memberList, [], 'no one was made an admin');
      const capped = (await alice.chat.getGroupMemberList({ groupID, count: 500 })).data;
      assert.equal(capped.memberList.length, 3, 'a count over 100 asks for 100, as Tencent’s');
    } finally {
      await done();
    }
  });

  test('deleteGroupMember: not by a plain member; the owner removes, and the removed member is told', async () => {
    const { alice, bob, carol, uid, groupID, done } = await workGroup();
    try {
      await bob.chat.addGroupMember({ groupID, userIDList: [uid.carol] });
      await sendText(bob.chat, groupID, 'welcome, carol', 'GROUP');
      const conversationID = `GROUP${groupID}`;
      await waitFor(() => carol.entry(conversationID) !== undefined, 5_000, 'the group in carol’s list');

      await assert.rejects(
        bob.chat.deleteGroupMember({ groupID, userIDList: [uid.carol] }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
      );
      await assert.rejects(
        alice.chat.deleteGroupMember({ groupID, userIDList: [uid.alice] }),
        refusedWith(ErrorCode.INVALID_ARGUMENT),
        'the owner leaves by quitting',
      );
      const res = await alice.chat.deleteGroupMember({ groupID, userIDList: [uid.carol], reason: 'tidying up' });
      assert.deepEqual(res.data.userIDList, [uid.carol]);
      assert.equal(res.data.group.memberCount, 2);

      // As when the app backend removes a member: a notice, and a read-only conversation.
      await waitFor(() => notices(carol.rec.received(), groupID).length === 1, 5_000, 'the removal notice');
      const [notice] = notices(carol.rec.received(), groupID);
      assert.deepEqual(
        [notice!.conversationID, notice!.payload.operationType, notice!.payload.operatorID],
        [TYPES.CONV_SYSTEM, 4, uid.alice],
      );
      // Addressed to the group, as Tencent's: TUIKit marks the conversation `GROUP${to}` "removed".
      assert.equal(notice!.to, groupID);
      assert.ok(carol.entry(conversationID), 'the conversation stays in carol’s list');
      // her history: bob's adding her (a tip) and his welcome; not the tip of her removal
      const history = (await carol.chat.getMessageList({ conversationID })).data.messageList;
      assert.deepEqual(
        history.map((m) => [m.type, m.payload.operationType ?? m.payload.text]),
        [
          [TYPES.MSG_GRP_TIP, TYPES.GRP_TIP_MBR_JOIN],
          [TYPES.MSG_TEXT, 'welcome, carol'],
        ],
      );
      await assert.rejects(sendText(carol.chat, groupID, 'still here?', 'GROUP'), refusedWith(ErrorCode.NOT_A_MEMBER));
      assert.ok(!(await carol.chat.getGroupList()).data.groupList.some((g) => g.groupID === groupID));
      // as Tencent's, a group the user is not in any more lists no one, and gives them no role
      assert.deepEqual((await carol.chat.getGroupMemberList({ groupID })).data, { memberList: [], offset: 0 });
      const { selfInfo } = (await carol.chat.getGroupProfile({ groupID })).data.group;
      assert.deepEqual([selfInfo.userID, selfInfo.role], [uid.carol, '']);
    } finally {
      await done();
    }
  });

  test('updateGroupProfile by a plain member reaches the others; a refused change changes nothing', async () => {
    const { alice, bob, groupID, done } = await workGroup();
    try {
      await sendText(alice.chat, groupID, 'hi', 'GROUP');
      const conversationID = `GROUP${groupID}`;
      await waitFor(() => alice.entry(conversationID) !== undefined, 5_000, 'the group in alice’s list');
      const res = await bob.chat.updateGroupProfile({
        groupID,
        name: 'Sunday hike',
        introduction: 'Hills',
        notification: 'Meet at 8',
      });
      assert.deepEqual(
        [res.data.group.name, res.data.group.introduction, res.data.group.notification, res.data.group.avatar],
        ['Sunday hike', 'Hills', 'Meet at 8', ''],
        'the fields left out keep their value',
      );
      await waitFor(() => alice.entry(conversationID)?.groupProfile.name === 'Sunday hike', 5_000, 'alice’s list shows it');
      const seen = (await alice.chat.getGroupProfile({ groupID })).data.group;
      assert.deepEqual([seen.name, seen.introduction, seen.notification], ['Sunday hike', 'Hills', 'Meet at 8']);

      // a work group takes no join option: one given is set aside, as Tencent's SDK sets it aside
      const kept = await bob.chat.updateGroupProfile({ groupID, notification: 'Meet at 9', joinOption: TYPES.JOIN_OPTIONS_FREE_ACCESS });
      assert.deepEqual(
        [kept.data.group.notification, kept.data.group.joinOption],
        ['Meet at 9', TYPES.JOIN_OPTIONS_DISABLE_APPLY],
      );
      // a work group is never muted for all: the whole change is refused
      await assert.rejects(
        bob.chat.updateGroupProfile({ groupID, name: 'Muted', muteAllMembers: true }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
      );
      assert.equal((await bob.chat.getGroupProfile({ groupID })).data.group.name, 'Sunday hike', 'nothing changed');
    } finally {
      await done();
    }
  });

  test('an audio-video room and a community from createGroup: the room is joined freely, without a group_create message', async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      const { group } = (await alice.chat.createGroup({ name: 'Live', type: TYPES.GRP_AVCHATROOM })).data;
      assert.deepEqual(
        [group.type, group.ownerID, group.memberCount, group.joinOption],
        [TYPES.GRP_AVCHATROOM, uid.alice, 1, TYPES.JOIN_OPTIONS_FREE_ACCESS],
      );
      const joined = await bob.chat.joinGroup({ groupID: group.groupID });
      assert.equal(joined.data.status, TYPES.JOIN_STATUS_SUCCESS);
      await sendText(bob.chat, group.groupID, 'hello room', 'GROUP');
      const conversationID = `GROUP${group.groupID}`;
      await waitFor(() => alice.entry(conversationID)?.lastMessage.payload?.text === 'hello room', 5_000, 'alice hears bob');
      const history = (await alice.chat.getMessageList({ conversationID })).data.messageList;
      assert.deepEqual(
        history.map((m) => m.type),
        [TYPES.MSG_GRP_TIP, TYPES.MSG_TEXT],
        "bob's join and his message: no group_create message in a room, as Tencent's SDK sends none",
      );
      await assert.rejects(
        alice.chat.createGroup({ name: 'Crowded', type: TYPES.GRP_AVCHATROOM, memberList: [{ userID: uid.bob }] }),
        refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /memberList/ }),
      );
      // Tencent's kick from a room: gone, and kept out for the duration
      const kicked = await alice.chat.deleteGroupMember({ groupID: group.groupID, userIDList: [uid.bob], reason: 'spam', duration: 60 });
      assert.deepEqual(kicked.data.userIDList, [uid.bob]);
      await assert.rejects(bob.chat.joinGroup({ groupID: group.groupID }), refusedWith(ErrorCode.PERMISSION_DENIED, { message: /again until/ }));

      const community = (
        await alice.chat.createGroup({
          name: 'Town',
          type: TYPES.GRP_COMMUNITY,
          memberList: [{ userID: uid.bob, role: TYPES.GRP_MBR_ROLE_ADMIN, memberCustomField: [{ key: 'team', value: 'blue' }] }],
        })
      ).data.group;
      const [bobInTown] = (await alice.chat.getGroupMemberProfile({ groupID: community.groupID, userIDList: [uid.bob] })).data.memberList;
      assert.deepEqual(
        [bobInTown?.role, bobInTown?.memberCustomField],
        [TYPES.GRP_MBR_ROLE_ADMIN, [{ key: 'team', value: 'blue' }]],
        'a member may start as an admin, with custom fields',
      );
      assert.deepEqual(
        [community.type, community.memberCount, community.joinOption, community.isSupportTopic],
        [TYPES.GRP_COMMUNITY, 2, TYPES.JOIN_OPTIONS_NEED_PERMISSION, false],
      );
      // A community with topics: see topics.test.ts.
    } finally {
      await done();
    }
  });

  test('maxMemberNum: a full group takes no one from a client, with Tencent\'s 10014', async () => {
    const { alice, carol, uid, done } = await liveUsers(server, 'alice', 'bob', 'carol');
    try {
      const { group } = (
        await alice.chat.createGroup({ name: 'Pair', type: TYPES.GRP_MEETING, maxMemberNum: 2, memberList: [{ userID: uid.bob }] })
      ).data;
      assert.deepEqual([group.maxMemberCount, group.memberCount], [2, 2]);
      await assert.rejects(
        carol.chat.joinGroup({ groupID: group.groupID }),
        refusedWith(ErrorCode.GROUP_FULL_MEMBER_COUNT, { message: /maxMemberNum/ }),
      );
      const err = await carol.chat.joinGroup({ groupID: group.groupID }).catch((e: unknown) => e);
      assert.deepEqual([(err as { error: string }).error, (err as { status: number }).status], ['group_full', 409]);
      await alice.chat.deleteGroupMember({ groupID: group.groupID, userIDList: [uid.bob] });
      const joined = await carol.chat.joinGroup({ groupID: group.groupID });
      assert.equal(joined.data.status, TYPES.JOIN_STATUS_SUCCESS);

      const work = (await alice.chat.createGroup({ name: 'Solo', maxMemberNum: 1 })).data.group;
      await assert.rejects(
        alice.chat.addGroupMember({ groupID: work.groupID, userIDList: [uid.bob] }),
        refusedWith(ErrorCode.GROUP_FULL_MEMBER_COUNT),
      );
      await assert.rejects(
        alice.chat.createGroup({ name: 'Crowd', maxMemberNum: 1, memberList: [{ userID: uid.bob }] }),
        refusedWith(ErrorCode.GROUP_FULL_MEMBER_COUNT),
      );
    } finally {
      await done();
    }
  });

  test('groupCustomField: set at createGroup and by updateGroupProfile, read back, named by the tip', async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      const { group } = (
        await alice.chat.createGroup({
          name: 'Club',
          type: TYPES.GRP_PUBLIC,
          memberList: [{ userID: uid.bob }],
          groupCustomField: [{ key: 'theme', value: 'dark' }],
        })
      ).data;
      const groupID = group.groupID;
      assert.deepEqual(group.groupCustomField, [{ key: 'theme', value: 'dark' }]);

      const updated = await alice.chat.updateGroupProfile({
        groupID,
        groupCustomField: [
          { key: 'level', value: '3' },
          { key: 'theme', value: 'light' },
        ],
      });
      assert.deepEqual(updated.data.group.groupCustomField, [
        { key: 'level', value: '3' },
        { key: 'theme', value: 'light' },
      ]);
      // bob's device gets the tip, whose newGroupProfile names the fields that changed
      await waitFor(
        () => bob.rec.received().some((m) => m.type === TYPES.MSG_GRP_TIP && m.payload.newGroupProfile?.groupCustomField !== undefined),
        5_000,
        'the profile tip on bob’s device',
      );
      const tip = bob.rec.received().find((m) => m.type === TYPES.MSG_GRP_TIP && m.payload.newGroupProfile?.groupCustomField !== undefined)!;
      assert.equal(tip.payload.operationType, TYPES.GRP_TIP_GRP_PROFILE_UPDATED);
      assert.deepEqual(tip.payload.newGroupProfile.groupCustomField, [
        { key: 'level', value: '3' },
        { key: 'theme', value: 'light' },
      ]);

      // '' removes a field; getGroupProfile's filter picks keys; the group list has them all
      await alice.chat.updateGroupProfile({ groupID, groupCustomField: [{ key: 'level', value: '' }] });
      const all = (await bob.chat.getGroupProfile({ groupID })).data.group.groupCustomField;
      assert.deepEqual(all, [{ key: 'theme', value: 'light' }]);
      const filtered = (await bob.chat.getGroupProfile({ groupID, groupCustomFieldFilter: ['other'] })).data.group;
      assert.deepEqual(filtered.groupCustomField, []);
      const listed = (await bob.chat.getGroupList()).data.groupList.find((g) => g.groupID === groupID);
      assert.deepEqual(listed?.groupCustomField, [{ key: 'theme', value: 'light' }]);

      // a plain member of a public group edits nothing; past 20 fields nothing changes
      await assert.rejects(
        bob.chat.updateGroupProfile({ groupID, groupCustomField: [{ key: 'theme', value: 'red' }] }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
      );
      const many = Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
      await assert.rejects(alice.chat.updateGroupProfile({ groupID, groupCustomField: many }), refusedWith(ErrorCode.CONFLICT));
      await assert.rejects(
        alice.chat.updateGroupProfile({ groupID, groupCustomField: [{ key: 'x'.repeat(33), value: 'v' }] }),
        refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /groupCustomField/ }),
      );
      assert.deepEqual((await alice.chat.getGroupProfile({ groupID })).data.group.groupCustomField, [{ key: 'theme', value: 'light' }]);
    } finally {
      await done();
    }
  });

  test('dismissGroup: a work group is not dismissed from a client, not even by its owner', async () => {
    const { alice, bob, groupID, done } = await workGroup();
    try {
      await assert.rejects(alice.chat.dismissGroup(groupID), refusedWith(ErrorCode.PERMISSION_DENIED));
      await assert.rejects(bob.chat.dismissGroup(groupID), refusedWith(ErrorCode.PERMISSION_DENIED));
      assert.equal((await bob.chat.getGroupProfile({ groupID })).data.group.isDismissed, false);
    } finally {
      await done();
    }
  });
});

describe('public and meeting groups: the owner runs them, users join', () => {
  test('a meeting group: a stranger joins; only the owner edits; the owner cannot quit, and dismisses it', async () => {
    const { alice, dave, uid, done } = await liveUsers(server, 'alice', 'dave');
    try {
      const { group } = (await alice.chat.createGroup({ name: 'Town hall', type: TYPES.GRP_MEETING })).data;
      const groupID = group.groupID;
      assert.deepEqual([group.type, group.joinOption], [TYPES.GRP_MEETING, TYPES.JOIN_OPTIONS_FREE_ACCESS]);

      const joined = await dave.chat.joinGroup({ groupID, type: TYPES.GRP_MEETING });
      assert.deepEqual([joined.data.status, joined.data.group.memberCount], [TYPES.JOIN_STATUS_SUCCESS, 2]);
      assert.equal(joined.data.group.selfInfo.role, TYPES.GRP_MBR_ROLE_MEMBER);
      const again = await dave.chat.joinGroup({ groupID });
      assert.equal(again.data.status, TYPES.JOIN_STATUS_ALREADY_IN_GROUP);

      await assert.rejects(
        dave.chat.updateGroupProfile({ groupID, name: 'Dave’s hall' }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
      );
      await assert.rejects(
        dave.chat.addGroupMember({ groupID, userIDList: [uid.alice] }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
        'only work groups take members from their members',
      );
      await assert.rejects(alice.chat.quitGroup(groupID), refusedWith(ErrorCode.PERMISSION_DENIED));
      await assert.rejects(dave.chat.dismissGroup(groupID), refusedWith(ErrorCode.PERMISSION_DENIED));

      await sendText(alice.chat, groupID, 'welcome', 'GROUP');
      await waitFor(() => dave.entry(`GROUP${groupID}`) !== undefined, 5_000, 'the group in dave’s list');
      assert.deepEqual(await alice.chat.dismissGroup(groupID), { code: 0, data: { groupID } });
      await waitFor(() => notices(dave.rec.received(), groupID).length === 1, 5_000, 'the dismissal notice');
      const [dismissed] = notices(dave.rec.received(), groupID);
      assert.deepEqual([dismissed!.payload.operationType, dismissed!.payload.operatorID, dismissed!.to], [5, uid.alice, groupID]);
      assert.equal((await dave.chat.getGroupProfile({ groupID })).data.group.isDismissed, true);
      assert.ok(dave.entry(`GROUP${groupID}`), 'the conversation stays, read-only');
      await assert.rejects(sendText(dave.chat, groupID, 'anyone?', 'GROUP'), refusedWith(ErrorCode.NOT_A_MEMBER));
      await assert.rejects(dave.chat.joinGroup({ groupID }), refusedWith(ErrorCode.NOT_A_MEMBER));
    } finally {
      await done();
    }
  });

  test('a public group takes those who ask by request until its owner sets FreeAccess', async () => {
    const { alice, erin, done } = await liveUsers(server, 'alice', 'erin');
    try {
      const { group } = (await alice.chat.createGroup({ name: 'Open mic', type: TYPES.GRP_PUBLIC })).data;
      const groupID = group.groupID;
      const asked = await erin.chat.joinGroup({ groupID, applyMessage: 'let me in' });
      assert.equal(asked.data.status, TYPES.JOIN_STATUS_WAIT_APPROVAL, 'NeedPermission: the request waits');
      assert.ok(!(await erin.chat.getGroupList()).data.groupList.some((g) => g.groupID === groupID));
      const opened = await alice.chat.updateGroupProfile({ groupID, joinOption: TYPES.JOIN_OPTIONS_FREE_ACCESS });
      assert.equal(opened.data.group.joinOption, TYPES.JOIN_OPTIONS_FREE_ACCESS);
      const joined = await erin.chat.joinGroup({ groupID });
      assert.equal(joined.data.status, TYPES.JOIN_STATUS_SUCCESS);
      assert.ok((await erin.chat.getGroupList()).data.groupList.some((g) => g.groupID === groupID));
    } finally {
      await done();
    }
  });

  test('a stranger finds a public group by ID; the owner hands it on; members are looked up by ID', async () => {
    const { alice, bob, erin, uid, done } = await liveUsers(server, 'alice', 'bob', 'erin');
    try {
      const { group } = (
        await alice.chat.createGroup({
          name: 'Book club',
          type: TYPES.GRP_PUBLIC,
          joinOption: TYPES.JOIN_OPTIONS_FREE_ACCESS,
          memberList: [{ userID: uid.bob }],
        })
      ).data;
      const groupID = group.groupID;
      const found = (await erin.chat.searchGroupByID(groupID)).data.group;
      assert.deepEqual([found.name, found.ownerID, found.memberCount], ['Book club', uid.alice, 2]);
      assert.deepEqual([found.selfInfo.userID, found.selfInfo.role], [uid.erin, ''], 'erin is not a member');
      const work = (await alice.chat.createGroup({ name: 'Private', memberList: [{ userID: uid.bob }] })).data.group;
      await assert.rejects(erin.chat.searchGroupByID(work.groupID), refusedWith(ErrorCode.PERMISSION_DENIED));
      await assert.rejects(bob.chat.searchGroupByID(work.groupID), refusedWith(ErrorCode.PERMISSION_DENIED), 'not even for a member');
      await assert.rejects(erin.chat.searchGroupByID('no-such-group'), refusedWith(ErrorCode.NOT_FOUND));

      const named = await bob.chat.getGroupMemberProfile({ groupID, userIDList: [uid.alice, uid.erin, uid.bob] });
      assert.deepEqual(
        named.data.memberList.map((m) => [m.userID, m.role]),
        [
          [uid.alice, TYPES.GRP_MBR_ROLE_OWNER],
          [uid.bob, TYPES.GRP_MBR_ROLE_MEMBER],
        ],
      );
      await assert.rejects(
        erin.chat.getGroupMemberProfile({ groupID, userIDList: [uid.alice] }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
      );

      await assert.rejects(
        bob.chat.changeGroupOwner({ groupID, newOwnerID: uid.bob }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
      );
      await assert.rejects(
        alice.chat.changeGroupOwner({ groupID, newOwnerID: uid.erin }),
        refusedWith(ErrorCode.INVALID_ARGUMENT),
        'only a member can own it',
      );
      const handed = await alice.chat.changeGroupOwner({ groupID, newOwnerID: uid.bob });
      assert.equal(handed.data.group.ownerID, uid.bob);
      assert.equal(handed.data.group.selfInfo.role, TYPES.GRP_MBR_ROLE_MEMBER, 'alice is a plain member now');
      // bob's devices hear of it: the group list he is handed shows him as the owner
      await waitFor(
        () => {
          const latest = bob.rec.of(EVENT.GROUP_LIST_UPDATED).at(-1)?.data as Group[] | undefined;
          return latest?.find((g) => g.groupID === groupID)?.selfInfo.role === TYPES.GRP_MBR_ROLE_OWNER;
        },
        5_000,
        'GROUP_LIST_UPDATED with bob as the owner',
      );
      assert.deepEqual(await alice.chat.quitGroup(groupID), { code: 0, data: { groupID } });
      await assert.rejects(bob.chat.quitGroup(groupID), refusedWith(ErrorCode.PERMISSION_DENIED));
      await bob.chat.dismissGroup(groupID);
      await assert.rejects(erin.chat.searchGroupByID(groupID), refusedWith(ErrorCode.NOT_FOUND), 'dismissed: none found');
    } finally {
      await done();
    }
  });
});

describe("requests to join: the owner answers them (Tencent's getGroupApplicationList, handleGroupApplication)", () => {
  /** The join-request notices (operationType 1) a device received about `groupID`, oldest first. */
  function requests(received: Message[], groupID: string) {
    return notices(received, groupID).filter((m) => m.payload.operationType === 1);
  }

  test("Tencent's sample flow: ask, the owner is told, lists and agrees from the notice; another refused from the list", async () => {
    const { alice, bob, carol, dave, uid, done } = await liveUsers(server, 'alice', 'bob', 'carol', 'dave');
    try {
      // carol is a member already: she joined while the group was open.
      const { group } = (
        await alice.chat.createGroup({ name: 'Club', type: TYPES.GRP_PUBLIC, joinOption: TYPES.JOIN_OPTIONS_FREE_ACCESS })
      ).data;
      const { groupID } = group;
      await carol.chat.joinGroup({ groupID });
      await alice.chat.updateGroupProfile({ groupID, joinOption: TYPES.JOIN_OPTIONS_NEED_PERMISSION });

      const asked = await bob.chat.joinGroup({ groupID, applyMessage: 'let me in' });
      assert.equal(asked.data.status, TYPES.JOIN_STATUS_WAIT_APPROVAL);

      // The owner is told, as Tencent's: a group system notice naming the applicant and their words.
      await waitFor(() => requests(alice.rec.received(), groupID).length === 1, 5_000, 'the request reaching alice');
      const [request] = requests(alice.rec.received(), groupID);
      assert.deepEqual(
        [request!.conversationID, request!.to, request!.type],
        [TYPES.CONV_SYSTEM, groupID, TYPES.MSG_GRP_SYS_NOTICE],
      );
      assert.deepEqual(request!.payload, {
        groupProfile: { groupID, name: 'Club' },
        operationType: 1,
        operatorID: uid.bob,
        handleMessage: 'let me in',
        authentication: '',
        messageKey: request!.payload.messageKey,
        userDefinedField: '',
      });
      assert.equal(Math.floor(request!.payload.messageKey / 1000), request!.time, 'messageKey: its time in ms');

      const listed = (await alice.chat.getGroupApplicationList()).data.applicationList;
      assert.deepEqual(listed, [
        {
          applicant: uid.bob,
          applicantNick: '',
          groupID,
          groupName: 'Club',
          applicationType: 0,
          userID: '',
          note: 'let me in',
          authentication: '',
          messageKey: listed[0]!.messageKey,
        },
      ]);
      assert.deepEqual((await bob.chat.getGroupApplicationList()).data.applicationList, [], 'only the owner’s');

      const agreed = await alice.chat.handleGroupApplication({ handleAction: 'Agree', handleMessage: 'welcome', message: request });
      assert.deepEqual([agreed.data.group.groupID, agreed.data.group.memberCount], [groupID, 3]);

      // bob is told, and the group appears on his devices; the members see him join.
      await waitFor(() => notices(bob.rec.received(), groupID).length === 1, 5_000, 'the approval reaching bob');
      const [approved] = notices(bob.rec.received(), groupID);
      assert.deepEqual(
        [approved!.to, approved!.payload.operationType, approved!.payload.operatorID, approved!.payload.handleMessage],
        [groupID, 2, uid.alice, 'welcome'],
      );
      const bobsLists = () => bob.rec.of(EVENT.GROUP_LIST_UPDATED).map((e) => e.data.map((g) => g.groupID));
      await waitFor(() => bobsLists().at(-1)?.includes(groupID) === true, 5_000, 'the group in bob’s GROUP_LIST_UPDATED');
      const bobsGroup = (await bob.chat.getGroupList()).data.groupList.find((g) => g.groupID === groupID);
      assert.equal(bobsGroup?.selfInfo.role, TYPES.GRP_MBR_ROLE_MEMBER);
      await waitFor(() => bob.entry(`GROUP${groupID}`) !== undefined, 5_000, 'the group in bob’s conversation list');
      const bobJoined = (m: Message) =>
        m.type === TYPES.MSG_GRP_TIP && m.to === groupID && m.payload.userIDList.includes(uid.bob);
      await waitFor(() => carol.rec.received().some(bobJoined), 5_000, 'the join tip reaching carol');
      const tip = carol.rec.received().find(bobJoined)!;
      assert.deepEqual([tip.from, tip.payload.operationType, tip.payload.userIDList], [uid.alice, TYPES.GRP_TIP_MBR_JOIN, [uid.bob]]);

      // dave asks too; the owner refuses from the list.
      await dave.chat.joinGroup({ groupID, applyMessage: 'me too' });
      const [daves] = (await alice.chat.getGroupApplicationList()).data.applicationList;
      assert.deepEqual([daves?.applicant, daves?.note], [uid.dave, 'me too']);
      await alice.chat.handleGroupApplication({ handleAction: 'Reject', handleMessage: 'full', application: daves });
      await waitFor(() => notices(dave.rec.received(), groupID).length === 1, 5_000, 'the refusal reaching dave');
      const [refused] = notices(dave.rec.received(), groupID);
      assert.deepEqual(
        [refused!.payload.operationType, refused!.payload.operatorID, refused!.payload.handleMessage],
        [3, uid.alice, 'full'],
      );
      assert.ok(!(await dave.chat.getGroupList()).data.groupList.some((g) => g.groupID === groupID));
      assert.deepEqual((await alice.chat.getGroupApplicationList()).data.applicationList, []);

      // A request answered is gone; only the owner answers.
      await assert.rejects(
        alice.chat.handleGroupApplication({ handleAction: 'Agree', application: daves! }),
        refusedWith(ErrorCode.NOT_FOUND),
      );
      await assert.rejects(
        alice.chat.handleGroupApplication({ handleAction: 'Agree', message: request }),
        refusedWith(ErrorCode.NOT_FOUND),
      );
      await dave.chat.joinGroup({ groupID, applyMessage: 'please' });
      await assert.rejects(
        bob.chat.handleGroupApplication({ handleAction: 'Agree', application: { applicant: uid.dave, groupID } }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
      );
    } finally {
      await done();
    }
  });
});

describe("group tips (MSG_GRP_TIP): the server's note of a change a member made, as Tencent's", () => {
  /** The group tips a device received in `conversationID`, oldest first. */
  function tips(received: Message[], conversationID: string): Message[] {
    return received.filter((m) => m.type === TYPES.MSG_GRP_TIP && m.conversationID === conversationID);
  }

  test('adding, quitting, editing, removing and handing on each reach the other members as a tip', async () => {
    const { alice, bob, carol, dave, uid, done } = await liveUsers(server, 'alice', 'bob', 'carol', 'dave');
    try {
      await Promise.all([
        alice.chat.updateMyProfile({ nick: 'Alice A.' }),
        bob.chat.updateMyProfile({ nick: 'Bob B.' }),
        carol.chat.updateMyProfile({ nick: 'Carol C.', avatar: 'https://example.com/carol.png' }),
      ]);
      const { group } = (await alice.chat.createGroup({ name: 'Team', memberList: [{ userID: uid.bob }] })).data;
      const { groupID } = group;
      const conversationID = `GROUP${groupID}`;
      const tipsOf = (device: typeof alice) => tips(device.rec.received(), conversationID);
      const carolsMember = { userID: uid.carol, nick: 'Carol C.', avatar: 'https://example.com/carol.png' };

      // bob adds carol and dave: a join tip from him, named after the first of them (as Tencent's)
      await bob.chat.addGroupMember({ groupID, userIDList: [uid.carol, uid.dave] });
      await waitFor(() => tipsOf(alice).length === 1, 5_000, 'the join tip at alice');
      const joined = tipsOf(alice)[0]!;
      assert.deepEqual(
        [joined.from, joined.flow, joined.to, joined.conversationType, joined.nick, joined.avatar],
        [uid.bob, 'in', groupID, TYPES.CONV_GROUP, 'Carol C.', carolsMember.avatar],
      );
      assert.deepEqual(joined.payload, {
        operationType: TYPES.GRP_TIP_MBR_JOIN,
        operatorID: uid.bob,
        userIDList: [uid.carol, uid.dave],
        memberList: [carolsMember, { userID: uid.dave, nick: '', avatar: '' }],
        memberCount: 4,
        memberNum: 4,
        groupProfile: { groupID },
      });

      // the members added receive the tip of their joining too, live (it comes before the
      // conversation they first hear of with it as its last message)
      await waitFor(() => tipsOf(carol).length === 1, 5_000, 'carol’s own join tip');
      assert.equal(tipsOf(carol)[0]!.ID, joined.ID);

      // carol quits: from her, about her, named after her; she is not told of it
      await carol.chat.quitGroup(groupID);
      await waitFor(() => tipsOf(alice).length === 2, 5_000, 'the quit tip at alice');
      const quit = tipsOf(alice)[1]!;
      assert.deepEqual(
        [quit.from, quit.nick, quit.payload.operationType, quit.payload.userIDList, quit.payload.memberCount, quit.payload.memberNum],
        [uid.carol, 'Carol C.', TYPES.GRP_TIP_MBR_QUIT, [uid.carol], 3, 3],
      );

      // bob edits the profile: only what changed, by Tencent's names, and no one named
      await bob.chat.updateGroupProfile({ groupID, name: 'Crew', notification: 'Meet at 8', introduction: '' });
      await waitFor(() => tipsOf(alice).length === 3, 5_000, 'the profile tip at alice');
      const edited = tipsOf(alice)[2]!;
      assert.equal(edited.nick, 'Bob B.', 'the operator’s nick');
      assert.deepEqual(
        [edited.payload.operationType, edited.payload.operatorID, edited.payload.userIDList, edited.payload.memberList],
        [TYPES.GRP_TIP_GRP_PROFILE_UPDATED, uid.bob, [uid.bob], []],
      );
      assert.deepEqual(edited.payload.newGroupProfile, { groupName: 'Crew', notification: 'Meet at 8' });
      // unread for everyone but the operator: alice has not read bob's and carol's three
      await waitFor(() => alice.entry(conversationID)?.unreadCount === 3, 5_000, 'the three tips unread for alice');

      // alice removes dave: bob sees who was removed (named after dave, who has no nick)
      await alice.chat.deleteGroupMember({ groupID, userIDList: [uid.dave] });
      await waitFor(() => tipsOf(bob).length === 4, 5_000, 'the removal tip at bob (his own two too)');
      const removed = tipsOf(bob)[3]!;
      assert.deepEqual(
        [removed.from, removed.flow, removed.nick, removed.payload.operationType, removed.payload.userIDList, removed.payload.memberCount],
        [uid.alice, 'in', '', TYPES.GRP_TIP_MBR_KICKED_OUT, [uid.dave], 2],
      );

      // alice hands the group to bob: a profile tip with the new owner alone, which makes him the
      // owner in the conversation of an instance of his that made no group call (as Tencent's)
      const bobsOther = newChat(server, { ws: true });
      let bobsList: Conversation[] = [];
      bobsOther.on(EVENT.CONVERSATION_LIST_UPDATED, (e) => (bobsList = e.data));
      await loginReady(bobsOther, uid.bob, await server.createUser(uid.bob, 2));
      const roleThere = () => bobsList.find((c) => c.conversationID === conversationID)?.groupProfile.selfInfo.role;
      await alice.chat.changeGroupOwner({ groupID, newOwnerID: uid.bob });
      await waitFor(() => tipsOf(bob).length === 5, 5_000, 'the new owner’s tip at bob');
      const handed = tipsOf(bob)[4]!;
      assert.deepEqual(
        [handed.from, handed.nick, handed.payload.operationType, handed.payload.newGroupProfile],
        [uid.alice, 'Alice A.', TYPES.GRP_TIP_GRP_PROFILE_UPDATED, { ownerID: uid.bob }],
      );
      assert.deepEqual(handed.payload.memberList.map((m: { userID: string }) => m.userID), [uid.bob]);
      await waitFor(() => roleThere() === TYPES.GRP_MBR_ROLE_OWNER, 5_000, 'bob the owner on his other instance');
      await closeAll(bobsOther);

      // Stored messages of the group: in the history, and the last message.
      const history = (await bob.chat.getMessageList({ conversationID })).data.messageList;
      const storedTips = history.filter((m) => m.type === TYPES.MSG_GRP_TIP);
      assert.deepEqual(storedTips.map((m) => m.payload.operationType), [1, 2, 6, 3, 6]);
      // the operator's devices receive the tip too, as Tencent's: `flow` says whose it is
      assert.deepEqual(storedTips.map((m) => m.ID), tipsOf(bob).map((m) => m.ID), 'the ones received, bob’s own too');
      assert.deepEqual(tipsOf(bob).map((m) => m.flow), ['out', 'in', 'out', 'in', 'in']);
      assert.deepEqual(
        [storedTips[0]!.flow, storedTips[0]!.nick, storedTips[0]!.payload],
        ['out', 'Carol C.', joined.payload],
        'as received',
      );
      for (const device of [bob, alice]) {
        await waitFor(() => device.entry(conversationID)?.lastMessage.lastSequence === handed.sequence, 5_000, 'the last message');
        const listed = (await device.chat.getConversationList()).data.conversationList.find((c) => c.conversationID === conversationID)!;
        assert.deepEqual(
          [listed.lastMessage.type, listed.lastMessage.messageForShow, listed.lastMessage.fromAccount, listed.lastMessage.payload],
          [TYPES.MSG_GRP_TIP, '[Group Notification]', uid.alice, handed.payload],
        );
      }
      // those who left see the tips up to their leaving, not the one of it
      for (const [device, seen] of [
        [carol, [1]],
        [dave, [1, 2, 6]],
      ] as const) {
        const theirs = (await device.chat.getMessageList({ conversationID })).data.messageList;
        assert.deepEqual(theirs.filter((m) => m.type === TYPES.MSG_GRP_TIP).map((m) => m.payload.operationType), seen);
      }
    } finally {
      await done();
    }
  });

  test('joining makes a tip from the joiner; the app backend’s changes and a dismissal make none', async () => {
    const { alice, erin, uid, done } = await liveUsers(server, 'alice', 'erin');
    try {
      const { groupID } = (await alice.chat.createGroup({ name: 'Town hall', type: TYPES.GRP_MEETING })).data.group;
      const conversationID = `GROUP${groupID}`;
      await erin.chat.joinGroup({ groupID });
      await waitFor(() => tips(alice.rec.received(), conversationID).length === 1, 5_000, 'the join tip at alice');
      const [joined] = tips(alice.rec.received(), conversationID);
      assert.deepEqual(
        [joined!.from, joined!.payload.operationType, joined!.payload.operatorID, joined!.payload.userIDList, joined!.payload.memberNum],
        [uid.erin, TYPES.GRP_TIP_MBR_JOIN, uid.erin, [uid.erin], 2],
      );

      const frank = uniqueUid('frank');
      await server.createUser(frank);
      await server.createGroup(groupID, [frank]); // the app backend adds a member
      await sendText(erin.chat, groupID, 'after', 'GROUP');
      await waitFor(() => alice.entry(conversationID)?.lastMessage.payload?.text === 'after', 5_000, 'erin’s message at alice');
      await alice.chat.dismissGroup(groupID);
      await waitFor(() => notices(erin.rec.received(), groupID).length === 1, 5_000, 'the dismissal notice');
      const history = (await erin.chat.getMessageList({ conversationID })).data.messageList;
      assert.deepEqual(history.map((m) => m.type), [TYPES.MSG_CUSTOM, TYPES.MSG_GRP_TIP, TYPES.MSG_TEXT]);
    } finally {
      await done();
    }
  });

  test('no one sends a tip: the SDK refuses to, and the server refuses one sent past it', async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      const { groupID } = (await alice.chat.createGroup({ name: 'Team', memberList: [{ userID: uid.bob }] })).data.group;
      const forged = alice.chat.createTextMessage({ to: groupID, conversationType: TYPES.CONV_GROUP, payload: { text: 'x' } });
      forged.type = TYPES.MSG_GRP_TIP;
      await assert.rejects(alice.chat.sendMessage(forged), refusedWith(ErrorCode.UNSUPPORTED));
      const token = await server.createUser(uid.alice, 2);
      const payload = { operationType: 1, operatorID: uid.alice, userIDList: [uid.alice], memberList: [], memberCount: 2 };
      for (const type of [TYPES.MSG_GRP_TIP, TYPES.MSG_GRP_SYS_NOTICE]) {
        await assert.rejects(server.sendAs(token, `GROUP${groupID}`, { type, payload }), /400.*invalid_argument.*type/s);
      }
      assert.equal(tips(bob.rec.received(), `GROUP${groupID}`).length, 0);
    } finally {
      await done();
    }
  });
});

describe('GROUP_LIST_UPDATED: the whole group list, when it may have changed', () => {
  /** The group lists a device's GROUP_LIST_UPDATED handed over, oldest first. */
  function groupLists(device: { rec: ReturnType<typeof record> }): Group[][] {
    return device.rec.of(EVENT.GROUP_LIST_UPDATED).map((e) => e.data);
  }
  /** The last list handed over, as `groupID name` sorted (`undefined` before the first). */
  function lastList(device: { rec: ReturnType<typeof record> }): string[] | undefined {
    return groupLists(device).at(-1)?.map((g) => `${g.groupID} ${g.name}`).sort();
  }
  /** Whether a request fetches the group list (`GET /v1/groups`). */
  function fetchesGroupList(method: string | undefined, url: string): boolean {
    return (method ?? 'GET') === 'GET' && url.endsWith('/v1/groups');
  }
  /** How many of a spy's calls fetched the group list. */
  function groupListFetches(calls: { method: string; url: string }[]): number {
    return calls.filter((c) => fetchesGroupList(c.method, c.url)).length;
  }

  test('bob hears his list after login, when a group takes him in, when it is renamed, when he is removed', async () => {
    const alice = await liveDevice(server, uniqueUid('alice'), 1);
    const bobID = uniqueUid('bob');
    const clubID = uniqueUid('club');
    await server.createGroup(clubID, [bobID]); // the app backend's group, before bob logs in
    const bob = await liveDevice(server, bobID, 1);
    try {
      await waitFor(() => lastList(bob) !== undefined, 5_000, 'the list after SDK_READY');
      assert.deepEqual(lastList(bob), [`${clubID} `]);

      const { group } = (await alice.chat.createGroup({ name: 'Weekend hike', memberList: [{ userID: bobID }] })).data;
      const { groupID } = group;
      const withHike = [`${clubID} `, `${groupID} Weekend hike`].sort();
      await waitFor(() => String(lastList(bob)) === String(withHike), 5_000, 'the new group in bob’s list');
      const seen = groupLists(bob).at(-1)!.find((g) => g.groupID === groupID)!;
      assert.deepEqual(
        [seen.ownerID, seen.selfInfo.role, seen.memberCount],
        [alice.chat.getLoginUser(), TYPES.GRP_MBR_ROLE_MEMBER, 2],
        'each group as getGroupList gives it',
      );

      await alice.chat.updateGroupProfile({ groupID, name: 'Sunday hike' });
      const renamed = [`${clubID} `, `${groupID} Sunday hike`].sort();
      await waitFor(() => String(lastList(bob)) === String(renamed), 5_000, 'the new name in bob’s list');

      await alice.chat.deleteGroupMember({ groupID, userIDList: [bobID] });
      await waitFor(() => String(lastList(bob)) === String([`${clubID} `]), 5_000, 'the group gone from bob’s list');
      assert.deepEqual(
        groupLists(bob).map((list) => list.map((g) => `${g.groupID} ${g.name}`).sort()),
        [[`${clubID} `], withHike, renamed, [`${clubID} `]],
        'one event per change: the removal’s conversation push and notice brought no second one',
      );
    } finally {
      await closeAll(alice.chat, bob.chat);
    }
  });

  test('a member hears the member count change when others join and quit', async () => {
    const { alice, bob, carol, uid, done } = await liveUsers(server, 'alice', 'bob', 'carol');
    try {
      const { groupID } = (
        await alice.chat.createGroup({ name: 'Town hall', type: TYPES.GRP_MEETING, memberList: [{ userID: uid.bob }] })
      ).data.group;
      const countBobSees = () => groupLists(bob).at(-1)?.find((g) => g.groupID === groupID)?.memberCount;
      await waitFor(() => countBobSees() === 2, 5_000, 'the group in bob’s list');
      await carol.chat.joinGroup({ groupID });
      await waitFor(() => countBobSees() === 3, 5_000, 'carol joining, in bob’s list');
      await carol.chat.quitGroup(groupID);
      await waitFor(() => countBobSees() === 2, 5_000, 'carol quitting, in bob’s list');
    } finally {
      await done();
    }
  });

  test("the user's own createGroup, updateGroupProfile, joinGroup, quitGroup and dismissGroup", async () => {
    const { alice, dave, done } = await liveUsers(server, 'alice', 'dave');
    try {
      await waitFor(() => lastList(alice) !== undefined && lastList(dave) !== undefined, 5_000, 'the lists after SDK_READY');
      assert.deepEqual([lastList(alice), lastList(dave)], [[], []], 'an empty list is handed over too');

      const { group } = (await alice.chat.createGroup({ name: 'Town hall', type: TYPES.GRP_MEETING })).data;
      const { groupID } = group;
      await waitFor(() => String(lastList(alice)) === `${groupID} Town hall`, 5_000, 'her new group in her list');
      assert.equal(groupLists(alice).at(-1)![0]!.selfInfo.role, TYPES.GRP_MBR_ROLE_OWNER);
      await alice.chat.updateGroupProfile({ groupID, name: 'Town hall at 8' });
      await waitFor(() => String(lastList(alice)) === `${groupID} Town hall at 8`, 5_000, 'her rename in her list');

      await dave.chat.joinGroup({ groupID });
      await waitFor(() => String(lastList(dave)) === `${groupID} Town hall at 8`, 5_000, 'the group dave joined');
      await dave.chat.quitGroup(groupID);
      await waitFor(() => String(lastList(dave)) === '', 5_000, 'the group dave left');
      await dave.chat.joinGroup({ groupID });
      await waitFor(() => String(lastList(dave)) === `${groupID} Town hall at 8`, 5_000, 'the group dave joined again');

      // dave archived the group's conversation: the SDK cannot tell a change in it from a message
      // there, so the dismissal notice is what tells it.
      await dave.chat.archiveConversation(`GROUP${groupID}`);
      await alice.chat.dismissGroup(groupID);
      await waitFor(() => String(lastList(alice)) === '', 5_000, 'the dismissed group gone from alice’s list');
      await waitFor(() => String(lastList(dave)) === '', 5_000, 'and from dave’s, told by the notice');
    } finally {
      await done();
    }
  });

  test('an instance listening for neither the group list nor the conversations fetches no group list; a handler added later hears the next change', async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    const carolID = uniqueUid('carol');
    const spy = spyFetch();
    const carol = newChat(server, { ws: true, fetch: spy.fetch });
    const carolsMessages: Message[] = [];
    carol.on(EVENT.MESSAGE_RECEIVED, (e) => carolsMessages.push(...e.data));
    try {
      await loginReady(carol, carolID, await server.createUser(carolID, 1));
      await waitFor(() => String(lastList(bob)) === '', 5_000, 'bob’s list before the group');
      const members = [{ userID: uid.bob }, { userID: carolID }];
      const { groupID } = (await alice.chat.createGroup({ name: 'Quiet', memberList: members })).data.group;
      await alice.chat.updateGroupProfile({ groupID, name: 'Quieter' });
      // bob, who listens, fetched his list once the pushes carol got too had waited their turn.
      await waitFor(() => String(lastList(bob)) === `${groupID} Quieter`, 5_000, 'bob’s list');
      // The rename's tip comes after its profileUpdated; then longer than a fetch waits for more.
      const renamedTip = (m: Message) => m.type === TYPES.MSG_GRP_TIP && m.payload.newGroupProfile?.groupName === 'Quieter';
      await waitFor(() => carolsMessages.some(renamedTip), 5_000, 'carol got the pushes');
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(groupListFetches(spy.calls), 0, 'no GET /v1/groups without a GROUP_LIST_UPDATED or CONVERSATION_LIST_UPDATED handler');

      // Her conversation shows no more of the group than the server's conversation says, until a
      // group call's answer gives the SDK the group.
      const carolsGroup = async () =>
        (await carol.getConversationList()).data.conversationList.find((c) => c.conversationID === `GROUP${groupID}`)!
          .groupProfile;
      assert.deepEqual([(await carolsGroup()).memberCount, (await carolsGroup()).ownerID], [0, '']);
      await carol.getGroupProfile({ groupID });
      assert.deepEqual([(await carolsGroup()).memberCount, (await carolsGroup()).ownerID], [3, uid.alice]);

      const heard: Group[][] = [];
      carol.on(EVENT.GROUP_LIST_UPDATED, (e) => heard.push(e.data));
      await alice.chat.updateGroupProfile({ groupID, name: 'Loud' });
      await waitFor(() => heard.length === 1, 5_000, 'carol’s first GROUP_LIST_UPDATED');
      assert.deepEqual(heard[0]!.map((g) => [g.groupID, g.name]), [[groupID, 'Loud']]);
    } finally {
      await closeAll(carol);
      await done();
    }
  });

  test('nothing after logout, not even the answer of a fetch under way then', async () => {
    const bobID = uniqueUid('bob');
    const token = await server.createUser(bobID, 1);
    let holding = false;
    const heldBack: (() => void)[] = [];
    /** A fetch that, while `holding`, keeps the answers of GET /v1/groups until released. */
    const holdingFetch = (async (input: string, init?: RequestInit) => {
      const response = await fetch(input, init);
      if (holding && fetchesGroupList(init?.method, input)) {
        await new Promise<void>((release) => heldBack.push(release));
      }
      return response;
    }) as typeof fetch;
    const bob = newChat(server, { ws: true, fetch: holdingFetch });
    const rec = record(bob);
    try {
      await loginReady(bob, bobID, token);
      await waitFor(() => lastList({ rec }) !== undefined, 5_000, 'bob’s first list');
      holding = true;
      await bob.createGroup({ name: 'Left behind' });
      await waitFor(() => heldBack.length === 1, 5_000, 'the fetch after createGroup, its answer held back');
      await bob.logout();
      holding = false;
      for (const release of heldBack) release();

      await loginReady(bob, bobID, token);
      await waitFor(() => groupLists({ rec }).length === 2, 5_000, 'the list of the new session');
      const names = rec.names();
      const loggedOut = names.slice(names.indexOf(EVENT.SDK_NOT_READY), names.lastIndexOf(EVENT.SDK_READY));
      assert.ok(!loggedOut.includes(EVENT.GROUP_LIST_UPDATED), 'no GROUP_LIST_UPDATED while logged out');
      assert.deepEqual(groupLists({ rec }).map((list) => list.map((g) => g.name)), [[], ['Left behind']]);
    } finally {
      await closeAll(bob);
    }
  });

  test('a burst of changes makes one or two fetches, not one each; a fetch finding no change emits nothing', async () => {
    const alice = await liveDevice(server, uniqueUid('alice'), 1);
    const bobID = uniqueUid('bob');
    const socket = delayingSocket();
    const spy = spyFetch();
    let groupListAnswers = 0;
    const fetchCounted = (async (input: string, init?: RequestInit) => {
      const response = await spy.fetch(input, init);
      if (fetchesGroupList(init?.method, input)) groupListAnswers += 1;
      return response;
    }) as typeof fetch;
    const bob = newChat(server, { WebSocket: socket.WebSocket, fetch: fetchCounted, socket: FAST_RECONNECT });
    const rec = record(bob);
    try {
      await loginReady(bob, bobID, await server.createUser(bobID, 1));
      await waitFor(() => String(lastList({ rec })) === '', 5_000, 'bob’s list before the group');
      const { groupID } = (await alice.chat.createGroup({ name: 'Burst 0', memberList: [{ userID: bobID }] })).data.group;
      await waitFor(() => String(lastList({ rec })) === `${groupID} Burst 0`, 5_000, 'the group in bob’s list');

      // bob saves the name it has: his call makes a fetch, which finds the list as it was.
      const answered = groupListAnswers;
      await bob.updateGroupProfile({ groupID, name: 'Burst 0' });
      await waitFor(() => groupListAnswers > answered, 5_000, 'the fetch after bob’s own call');

      // Five renames, their pushes held back and then handed to the SDK together.
      socket.holdBack((f) => f.event === 'profileUpdated' || f.event === 'conversationListUpdated');
      for (let i = 1; i <= 5; i++) await alice.chat.updateGroupProfile({ groupID, name: `Burst ${i}` });
      const renames = () => socket.held().filter((f) => f.event === 'profileUpdated').length;
      await waitFor(() => renames() === 5, 5_000, 'the five renames’ pushes held back');
      const fetchesBefore = groupListFetches(spy.calls);
      socket.release();
      await waitFor(() => String(lastList({ rec })) === `${groupID} Burst 5`, 5_000, 'the last name in bob’s list');
      const fetches = groupListFetches(spy.calls) - fetchesBefore;
      assert.ok(fetches >= 1 && fetches <= 2, `${fetches} fetches for five renames`);
      assert.deepEqual(
        groupLists({ rec }).map((list) => list.map((g) => g.name)),
        [[], ['Burst 0'], ['Burst 5']],
        'an event only when the list changed',
      );
    } finally {
      await closeAll(alice.chat, bob);
    }
  });
});

describe("a group conversation's groupProfile: the group the SDK holds, as Tencent's", () => {
  test('an app listening for conversations alone sees the member count, owner, notice… of each group, kept as the group changes', async () => {
    const { alice, carol, uid, done } = await liveUsers(server, 'alice', 'carol');
    const bobID = uniqueUid('bob');
    const token = await server.createUser(bobID, 1);
    const spy = spyFetch();
    const bob = newChat(server, { ws: true, fetch: spy.fetch });
    const groupListFetches = () => spy.calls.filter((c) => c.method === 'GET' && c.url.endsWith('/v1/groups')).length;
    let conversations: Conversation[] = [];
    let listsHeard = 0;
    const onList = (e: { data: Conversation[] }) => {
      conversations = e.data;
      listsHeard += 1;
    };
    bob.on(EVENT.CONVERSATION_LIST_UPDATED, onList);
    try {
      await loginReady(bob, bobID, token);
      const { groupID } = (
        await alice.chat.createGroup({
          name: 'Hikers',
          introduction: 'Weekend walks',
          notification: 'Meet at 8',
          memberList: [{ userID: bobID }],
          groupCustomField: [{ key: 'theme', value: 'dark' }],
        })
      ).data.group;
      const conversationOf = () => conversations.find((c) => c.conversationID === `GROUP${groupID}`);
      const shown = () => conversationOf()?.groupProfile;
      await waitFor(() => shown()?.memberCount === 2, 5_000, "the member count in bob's conversation");
      assert.deepEqual(
        [shown()!.ownerID, shown()!.introduction, shown()!.notification, shown()!.groupCustomField, shown()!.selfInfo.role],
        [uid.alice, 'Weekend walks', 'Meet at 8', [{ key: 'theme', value: 'dark' }], TYPES.GRP_MBR_ROLE_MEMBER],
      );
      assert.deepEqual(shown(), (await bob.getGroupProfile({ groupID })).data.group, 'the group as getGroupProfile gives it');

      // Others' changes reach it through the tips delivered, as Tencent's: no fetch of the whole
      // group list by every member's device (an app following GROUP_LIST_UPDATED fetches it).
      await new Promise((r) => setTimeout(r, 300));
      const fetchesBefore = groupListFetches();
      await alice.chat.addGroupMember({ groupID, userIDList: [uid.carol] });
      await waitFor(() => shown()?.memberCount === 3, 5_000, "carol counted in bob's conversation");
      await alice.chat.updateGroupProfile({ groupID, notification: 'Meet at 9', groupCustomField: [{ key: 'theme', value: '' }] });
      const lastTip = () => conversationOf()?.lastMessage.payload?.newGroupProfile?.notification;
      await waitFor(() => shown()?.notification === 'Meet at 9' && lastTip() === 'Meet at 9', 5_000, 'the new notice and its tip');
      assert.deepEqual(shown()!.groupCustomField, [], 'the custom field the tip removed');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(groupListFetches(), fetchesBefore, 'no group list fetched for what the tips told');

      // A fetch that finds the groups as shown sends the conversation list no more.
      await new Promise((r) => setTimeout(r, 300));
      const heard = listsHeard;
      await bob.getGroupList();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(listsHeard, heard, 'no CONVERSATION_LIST_UPDATED for a list that changes nothing shown');

      // Logging out forgets the groups held: a session that fetched none shows none.
      bob.off(EVENT.CONVERSATION_LIST_UPDATED, onList);
      await bob.logout();
      await loginReady(bob, bobID, token);
      const after = (await bob.getConversationList()).data.conversationList.find((c) => c.conversationID === `GROUP${groupID}`)!;
      assert.deepEqual([after.groupProfile.name, after.groupProfile.memberCount, after.groupProfile.ownerID], ['Hikers', 0, '']);
    } finally {
      await closeAll(bob);
      await done();
    }
  });
});

describe('group attributes and counters: none until set, read as Tencent reads a group with none set', () => {
  test("TUIKit's reads on opening a group: empty for a member; refused as the group calls refuse", async () => {
    const { alice, bob, carol, uid, done } = await liveUsers(server, 'alice', 'bob', 'carol');
    try {
      const { group } = (await alice.chat.createGroup({ name: 'Team', memberList: [{ userID: uid.bob }] })).data;
      const groupID = group.groupID;
      // What TUIKit's switchGroup asks, each awaited without a catch.
      assert.deepEqual(await bob.chat.getGroupAttributes({ groupID, keyList: [] }), { code: 0, data: { groupAttributes: {} } });
      assert.deepEqual(await bob.chat.getGroupCounters({ groupID, keyList: [] }), { code: 0, data: { counters: {} } });
      assert.deepEqual((await alice.chat.getGroupAttributes({ groupID, keyList: ['topic'] })).data, { groupAttributes: {} });
      assert.deepEqual((await alice.chat.getGroupCounters({ groupID })).data, { counters: {} });

      // As Tencent's, keyList is required for attributes, and holds keys.
      await assert.rejects(bob.chat.getGroupAttributes({ groupID } as never), refusedWith(ErrorCode.INVALID_ARGUMENT));
      await assert.rejects(bob.chat.getGroupAttributes({ groupID, keyList: [7] } as never), refusedWith(ErrorCode.INVALID_ARGUMENT));
      await assert.rejects(bob.chat.getGroupCounters({ groupID, keyList: 'all' } as never), refusedWith(ErrorCode.INVALID_ARGUMENT));

      // Not a member: the group's refusals (a work group never joined, none at all, one left).
      await assert.rejects(carol.chat.getGroupAttributes({ groupID, keyList: [] }), refusedWith(ErrorCode.PERMISSION_DENIED));
      await assert.rejects(carol.chat.getGroupCounters({ groupID }), refusedWith(ErrorCode.PERMISSION_DENIED));
      await assert.rejects(bob.chat.getGroupAttributes({ groupID: 'no-such-group', keyList: [] }), refusedWith(ErrorCode.NOT_FOUND));
      await alice.chat.deleteGroupMember({ groupID, userIDList: [uid.bob] });
      await assert.rejects(bob.chat.getGroupAttributes({ groupID, keyList: [] }), refusedWith(ErrorCode.NOT_A_MEMBER));
      await assert.rejects(bob.chat.getGroupCounters({ groupID }), refusedWith(ErrorCode.NOT_A_MEMBER));

      // A dismissed group has none to read either.
      const meeting = (await alice.chat.createGroup({ name: 'Town hall', type: TYPES.GRP_MEETING })).data.group.groupID;
      await carol.chat.joinGroup({ groupID: meeting });
      await alice.chat.dismissGroup(meeting);
      await assert.rejects(carol.chat.getGroupAttributes({ groupID: meeting, keyList: [] }), refusedWith(ErrorCode.NOT_A_MEMBER));

      // Setting them: see attributes.test.ts and counters.test.ts.
    } finally {
      await done();
    }
  });
});

describe('argument errors', () => {
  test('bad arguments reject 40001, before any request', async () => {
    const spy = spyFetch();
    const chat = newChat(server, { fetch: spy.fetch });
    const uid = uniqueUid('alice');
    try {
      await chat.login({ userID: uid, userSig: await server.createUser(uid) });
      const before = spy.calls.length;
      const invalid = (message: RegExp) => refusedWith(ErrorCode.INVALID_ARGUMENT, { message });
      const loose = chat as unknown as Record<string, (options: unknown) => Promise<unknown>>;

      await assert.rejects(loose.createGroup!.call(chat, { type: TYPES.GRP_WORK }), invalid(/^name/));
      await assert.rejects(chat.createGroup({ name: 'x', type: 'Bogus' as never }), invalid(/^type/));
      await assert.rejects(chat.createGroup({ name: 'x', joinOption: 'Anyone' as never }), invalid(/^joinOption/));
      await assert.rejects(loose.createGroup!.call(chat, { name: 'x', memberList: ['bob'] }), invalid(/^memberList/));
      await assert.rejects(chat.createGroup({ name: 'x', type: 'LiveRoom' as never }), invalid(/^type/));
      await assert.rejects(chat.createGroup({ name: 'x', maxMemberNum: 2.5 }), invalid(/^maxMemberNum/));
      await assert.rejects(loose.createGroup!.call(chat, { name: 'x', isSupportTopic: 'yes' }), invalid(/^isSupportTopic/));
      await assert.rejects(loose.createGroup!.call(chat, { name: 'x', groupCustomField: { k: 'v' } }), invalid(/^groupCustomField/));
      await assert.rejects(loose.updateGroupProfile!.call(chat, { groupID: 'g', groupCustomField: [{ key: 'k', value: 1 }] }), invalid(/^groupCustomField/));
      await assert.rejects(loose.getGroupProfile!.call(chat, { groupID: 'g', groupCustomFieldFilter: 'k' }), invalid(/^groupCustomFieldFilter/));
      await assert.rejects(
        chat.createGroup({ name: 'x', memberList: [{ userID: 'bob', role: TYPES.GRP_MBR_ROLE_OWNER }] }),
        invalid(/^memberList: role/),
      );

      await assert.rejects(loose.addGroupMember!.call(chat, { groupID: 'g', userIDList: 'bob' }), invalid(/^userIDList/));
      await assert.rejects(chat.addGroupMember({ groupID: 'g', userIDList: [] }), invalid(/^userIDList/));
      const tooMany = Array.from({ length: 501 }, (_, i) => `user${i}`);
      await assert.rejects(chat.addGroupMember({ groupID: 'g', userIDList: tooMany }), invalid(/^userIDList: 501/));
      await assert.rejects(loose.addGroupMember!.call(chat, { userIDList: ['bob'] }), invalid(/^groupID/));
      await assert.rejects(loose.deleteGroupMember!.call(chat, { groupID: 'g', userIDList: null }), invalid(/^userIDList/));
      await assert.rejects(chat.deleteGroupMember({ groupID: 'g', userIDList: ['bob'], duration: -1 }), invalid(/^duration/));
      await assert.rejects(loose.updateGroupProfile!.call(chat, { groupID: 'g', name: 7 }), invalid(/^name/));
      await assert.rejects(loose.joinGroup!.call(chat, {}), invalid(/^groupID/));
      await assert.rejects(chat.dismissGroup(''), invalid(/^groupID/));
      const application = { applicant: 'bob', groupID: 'g' };
      await assert.rejects(loose.handleGroupApplication!.call(chat, { application }), invalid(/^handleAction/));
      await assert.rejects(loose.handleGroupApplication!.call(chat, { handleAction: 'Accept', application }), invalid(/^handleAction/));
      await assert.rejects(chat.handleGroupApplication({ handleAction: 'Agree' }), invalid(/message .* or application/));
      await assert.rejects(
        chat.handleGroupApplication({ handleAction: 'Agree', handleMessage: 7 as never, application }),
        invalid(/^handleMessage/),
      );
      await assert.rejects(
        chat.handleGroupApplication({ handleAction: 'Reject', application: { applicant: 'bob' } as never }),
        invalid(/^application/),
      );
      const text = chat.createTextMessage({ to: 'bob', conversationType: TYPES.CONV_C2C, payload: { text: 'hi' } });
      await assert.rejects(chat.handleGroupApplication({ handleAction: 'Agree', message: text }), invalid(/^message/));
      assert.equal(spy.calls.length, before, 'no request was made');
    } finally {
      await closeAll(chat);
    }
  });
});
