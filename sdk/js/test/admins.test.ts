/**
 * Admins, mutes, name cards and member custom fields, Tencent's calls against a real natter server:
 * setGroupMemberRole, setGroupMemberMuteTime, updateGroupProfile's muteAllMembers,
 * setGroupMemberNameCard and setGroupMemberCustomField, what they show in the member lists (and
 * getGroupMemberProfile's memberCustomFieldFilter), the group and `selfInfo`, the group tips they leave
 * (GRP_TIP_MBR_SET_ADMIN, _CANCELED_ADMIN, _PROFILE_UPDATED, GRP_TIP_GRP_PROFILE_UPDATED) and the
 * notices the member gets (operationType 9 and 10); what an admin may do; a muted member's send,
 * or a plain member's in a group muted for all, refused (40307); and the notice of leaving a group
 * on the user's other devices (operationType 8).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EVENT, ErrorCode, NatterError, TYPES, type Group, type Message } from '@natter/sdk';
import { closeAll, destroyAllChats, liveDevice, liveUsers, refusedWith, sendText } from '../testing/chat.js';
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

/** A public group alice owns, with the others as plain members from the start. */
async function publicGroup<const N extends string>(...names: N[]) {
  const people = await liveUsers<'alice' | N>(server, 'alice', ...names);
  const memberList = names.map((name) => ({ userID: people.uid[name] }));
  const { group } = (await people.alice.chat.createGroup({ name: 'Club', type: TYPES.GRP_PUBLIC, memberList })).data;
  return { ...people, groupID: group.groupID, conversationID: `GROUP${group.groupID}` };
}

/** The group system notices (MSG_GRP_SYS_NOTICE) a device received about `groupID`. */
function notices(device: Device, groupID: string): Message[] {
  return device.rec
    .received()
    .filter((m) => m.type === TYPES.MSG_GRP_SYS_NOTICE && m.payload.groupProfile.groupID === groupID);
}

/** The group tips of one operationType a device received in `conversationID`, oldest first. */
function tips(device: Device, conversationID: string, operationType: number): Message[] {
  return device.rec
    .received()
    .filter((m) => m.type === TYPES.MSG_GRP_TIP && m.conversationID === conversationID && m.payload.operationType === operationType);
}

/** Each member's role, as `viewer` lists the group. */
async function roles(viewer: Device, groupID: string): Promise<Record<string, string>> {
  const { memberList } = (await viewer.chat.getGroupMemberList({ groupID, count: 100 })).data;
  return Object.fromEntries(memberList.map((m) => [m.userID, m.role]));
}

/** The user's role in the group, as the last GROUP_LIST_UPDATED a device heard says. */
function listedRole(device: Device, groupID: string): string | undefined {
  const latest = device.rec.of(EVENT.GROUP_LIST_UPDATED).at(-1)?.data as Group[] | undefined;
  return latest?.find((g) => g.groupID === groupID)?.selfInfo.role;
}

describe('setGroupMemberRole: the owner names admins', () => {
  test('bob made an admin: his role everywhere, the tip, his notice; then a plain member again', async () => {
    const { alice, bob, carol, uid, groupID, conversationID, done } = await publicGroup('bob', 'carol');
    try {
      await bob.chat.updateMyProfile({ nick: 'Bob B.' });
      const res = await alice.chat.setGroupMemberRole({ groupID, userID: uid.bob, role: TYPES.GRP_MBR_ROLE_ADMIN });
      assert.equal(res.code, 0);
      assert.deepEqual([res.data.group.groupID, res.data.group.selfInfo.role], [groupID, TYPES.GRP_MBR_ROLE_OWNER]);
      assert.deepEqual([res.data.member.userID, res.data.member.role], [uid.bob, TYPES.GRP_MBR_ROLE_ADMIN]);

      assert.deepEqual(await roles(carol, groupID), {
        [uid.alice]: TYPES.GRP_MBR_ROLE_OWNER,
        [uid.bob]: TYPES.GRP_MBR_ROLE_ADMIN,
        [uid.carol]: TYPES.GRP_MBR_ROLE_MEMBER,
      });
      const admins = (await carol.chat.getGroupMemberList({ groupID, count: 100, role: TYPES.GRP_MBR_ROLE_ADMIN })).data;
      assert.deepEqual(admins.memberList.map((m) => m.userID), [uid.bob]);
      const [profile] = (await alice.chat.getGroupMemberProfile({ groupID, userIDList: [uid.bob] })).data.memberList;
      assert.equal(profile?.role, TYPES.GRP_MBR_ROLE_ADMIN);

      // The members see a tip from the owner about bob, shown as bob (as Tencent's SDK shows it).
      await waitFor(() => tips(carol, conversationID, TYPES.GRP_TIP_MBR_SET_ADMIN).length === 1, 5_000, 'the tip at carol');
      const [tip] = tips(carol, conversationID, TYPES.GRP_TIP_MBR_SET_ADMIN);
      assert.deepEqual([tip!.from, tip!.to, tip!.nick], [uid.alice, groupID, 'Bob B.']);
      assert.deepEqual(
        [tip!.payload.operatorID, tip!.payload.userIDList, tip!.payload.memberList.map((m: { userID: string }) => m.userID)],
        [uid.alice, [uid.bob], [uid.bob]],
      );
      assert.deepEqual(tip!.payload.groupProfile, { groupID });

      // bob is told in @TIM#SYSTEM (Tencent's operationType 9), and his SDK knows his role.
      await waitFor(() => notices(bob, groupID).length === 1, 5_000, 'the notice at bob');
      const [notice] = notices(bob, groupID);
      assert.deepEqual(
        [notice!.conversationID, notice!.to, notice!.payload.operationType, notice!.payload.operatorID],
        [TYPES.CONV_SYSTEM, groupID, 9, uid.alice],
      );
      assert.deepEqual(notices(carol, groupID), [], 'only the member whose role changed');
      const bobsConversation = (await bob.chat.getConversationList()).data.conversationList.find(
        (c) => c.conversationID === conversationID,
      );
      assert.equal(bobsConversation?.groupProfile.selfInfo.role, TYPES.GRP_MBR_ROLE_ADMIN);
      await waitFor(() => listedRole(bob, groupID) === TYPES.GRP_MBR_ROLE_ADMIN, 5_000, 'GROUP_LIST_UPDATED: bob an admin');
      assert.equal((await bob.chat.getGroupProfile({ groupID })).data.group.selfInfo.role, TYPES.GRP_MBR_ROLE_ADMIN);

      // Back to a plain member: tip 5, notice 10.
      const back = await alice.chat.setGroupMemberRole({ groupID, userID: uid.bob, role: TYPES.GRP_MBR_ROLE_MEMBER });
      assert.equal(back.data.member.role, TYPES.GRP_MBR_ROLE_MEMBER);
      await waitFor(() => tips(carol, conversationID, TYPES.GRP_TIP_MBR_CANCELED_ADMIN).length === 1, 5_000, 'tip 5');
      const [canceled] = tips(carol, conversationID, TYPES.GRP_TIP_MBR_CANCELED_ADMIN);
      assert.deepEqual([canceled!.payload.operatorID, canceled!.payload.userIDList], [uid.alice, [uid.bob]]);
      await waitFor(() => notices(bob, groupID).length === 2, 5_000, 'the second notice at bob');
      assert.deepEqual(notices(bob, groupID).map((m) => m.payload.operationType), [9, 10]);
      await waitFor(() => listedRole(bob, groupID) === TYPES.GRP_MBR_ROLE_MEMBER, 5_000, 'GROUP_LIST_UPDATED: bob a member');
      assert.equal((await carol.chat.getGroupMemberList({ groupID, role: TYPES.GRP_MBR_ROLE_ADMIN })).data.memberList.length, 0);

      // Both stored in the group's history, as every tip.
      const history = (await carol.chat.getMessageList({ conversationID })).data.messageList;
      assert.deepEqual(
        history.filter((m) => m.type === TYPES.MSG_GRP_TIP).map((m) => m.payload.operationType),
        [TYPES.GRP_TIP_MBR_SET_ADMIN, TYPES.GRP_TIP_MBR_CANCELED_ADMIN],
      );
    } finally {
      await done();
    }
  });

  test('only the owner names admins, and a work group has none', async () => {
    const { alice, bob, carol, uid, groupID, done } = await publicGroup('bob', 'carol');
    try {
      await alice.chat.setGroupMemberRole({ groupID, userID: uid.bob, role: TYPES.GRP_MBR_ROLE_ADMIN });
      await assert.rejects(
        bob.chat.setGroupMemberRole({ groupID, userID: uid.carol, role: TYPES.GRP_MBR_ROLE_ADMIN }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
        'not an admin',
      );
      await assert.rejects(
        carol.chat.setGroupMemberRole({ groupID, userID: uid.carol, role: TYPES.GRP_MBR_ROLE_ADMIN }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
        'not a plain member',
      );
      await assert.rejects(
        alice.chat.setGroupMemberRole({ groupID, userID: uid.alice, role: TYPES.GRP_MBR_ROLE_MEMBER }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
        'nobody acts on the owner',
      );
      const stranger = uniqueUid('stranger');
      await server.createUser(stranger);
      await assert.rejects(
        alice.chat.setGroupMemberRole({ groupID, userID: stranger, role: TYPES.GRP_MBR_ROLE_ADMIN }),
        refusedWith(ErrorCode.INVALID_ARGUMENT),
        'not a member',
      );
      await assert.rejects(
        alice.chat.setGroupMemberRole({ groupID: 'no-such-group', userID: uid.bob, role: TYPES.GRP_MBR_ROLE_ADMIN }),
        refusedWith(ErrorCode.NOT_FOUND),
      );

      const work = (await alice.chat.createGroup({ name: 'Team', memberList: [{ userID: uid.bob }] })).data.group;
      await assert.rejects(
        alice.chat.setGroupMemberRole({ groupID: work.groupID, userID: uid.bob, role: TYPES.GRP_MBR_ROLE_ADMIN }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
      );
      await assert.rejects(
        alice.chat.setGroupMemberMuteTime({ groupID: work.groupID, userID: uid.bob, muteTime: 60 }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
        'a work group mutes no one',
      );
    } finally {
      await done();
    }
  });

  test('an admin removes plain members, edits the profile and answers requests to join; never the owner', async () => {
    const { alice, bob, carol, dave, erin, uid, groupID, done } = await publicGroup('bob', 'carol', 'dave', 'erin');
    try {
      await alice.chat.setGroupMemberRole({ groupID, userID: uid.bob, role: TYPES.GRP_MBR_ROLE_ADMIN });
      await alice.chat.setGroupMemberRole({ groupID, userID: uid.dave, role: TYPES.GRP_MBR_ROLE_ADMIN });

      const renamed = await bob.chat.updateGroupProfile({ groupID, notification: 'Be nice' });
      assert.equal(renamed.data.group.notification, 'Be nice');
      await assert.rejects(
        bob.chat.deleteGroupMember({ groupID, userIDList: [uid.alice] }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
      );
      await assert.rejects(
        bob.chat.deleteGroupMember({ groupID, userIDList: [uid.dave] }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
        'admins act on plain members only',
      );
      const removed = await bob.chat.deleteGroupMember({ groupID, userIDList: [uid.carol] });
      assert.deepEqual(removed.data.userIDList, [uid.carol]);
      await waitFor(() => notices(carol, groupID).some((m) => m.payload.operationType === 4), 5_000, 'carol’s removal notice');
      assert.equal(notices(carol, groupID).find((m) => m.payload.operationType === 4)!.payload.operatorID, uid.bob);

      // erin quits and asks back in: the admins are told, as the owner is, and one of them answers.
      await erin.chat.quitGroup(groupID);
      const asked = await erin.chat.joinGroup({ groupID, applyMessage: 'back again' });
      assert.equal(asked.data.status, TYPES.JOIN_STATUS_WAIT_APPROVAL);
      const isRequest = (m: Message) => m.payload.operationType === 1 && m.payload.operatorID === uid.erin;
      await waitFor(() => notices(bob, groupID).some(isRequest), 5_000, 'the request at bob');
      await waitFor(() => notices(alice, groupID).some(isRequest), 5_000, 'the request at alice');
      const listed = (await bob.chat.getGroupApplicationList()).data.applicationList;
      assert.deepEqual(listed.map((a) => [a.groupID, a.applicant, a.note]), [[groupID, uid.erin, 'back again']]);
      const request = notices(bob, groupID).find(isRequest)!;
      const agreed = await bob.chat.handleGroupApplication({ handleAction: 'Agree', message: request });
      assert.equal(agreed.data.group.groupID, groupID);
      assert.equal((await erin.chat.getGroupProfile({ groupID })).data.group.selfInfo.role, TYPES.GRP_MBR_ROLE_MEMBER);
    } finally {
      await done();
    }
  });
});

describe('setGroupMemberMuteTime: muted members cannot send', () => {
  test('bob muted for 10 minutes: his muteUntil, the tip, his send refused (40307); unmuted, he sends again', async () => {
    const { alice, bob, carol, uid, groupID, conversationID, done } = await publicGroup('bob', 'carol');
    try {
      await alice.chat.updateMyProfile({ nick: 'Alice A.' });
      const before = bob.chat.getServerTime();
      const res = await alice.chat.setGroupMemberMuteTime({ groupID, userID: uid.bob, muteTime: 600 });
      assert.equal(res.code, 0);
      assert.equal(res.data.group.groupID, groupID);
      const { member } = res.data;
      assert.equal(member.userID, uid.bob);
      assert.ok(
        member.muteUntil >= before + 600 - 2 && member.muteUntil <= before + 600 + 5,
        `muteUntil ${member.muteUntil}: about 600 s after ${before}`,
      );
      const listed = (await carol.chat.getGroupMemberList({ groupID, count: 100 })).data.memberList;
      assert.deepEqual(
        listed.map((m) => [m.userID, m.muteUntil]).sort(),
        [
          [uid.alice, 0],
          [uid.bob, member.muteUntil],
          [uid.carol, 0],
        ].sort(),
      );

      // The members see who muted whom, and for how long (Tencent's memberList[].muteTime).
      for (const device of [bob, carol]) {
        await waitFor(() => tips(device, conversationID, TYPES.GRP_TIP_MBR_PROFILE_UPDATED).length === 1, 5_000, 'the mute tip');
      }
      const [tip] = tips(carol, conversationID, TYPES.GRP_TIP_MBR_PROFILE_UPDATED);
      assert.deepEqual([tip!.from, tip!.nick], [uid.alice, 'Alice A.'], 'shown as its operator');
      assert.deepEqual([tip!.payload.operatorID, tip!.payload.userIDList], [uid.alice, [uid.bob]]);
      assert.deepEqual(
        tip!.payload.memberList.map((m: { userID: string; muteTime?: number }) => [m.userID, m.muteTime]),
        [[uid.bob, 600]],
      );

      // bob's message fails as any refused send: status 'fail', the message in the error's data.
      const message = bob.chat.createTextMessage({ to: groupID, conversationType: TYPES.CONV_GROUP, payload: { text: 'hey' } });
      await assert.rejects(bob.chat.sendMessage(message), (err: unknown) => {
        assert.ok(err instanceof NatterError);
        assert.deepEqual([err.code, err.error, err.status], [ErrorCode.MUTED, 'muted', 403]);
        assert.equal(err.data?.message, message);
        return true;
      });
      assert.equal(message.status, 'fail');
      // The others still send.
      await sendText(carol.chat, groupID, 'carol here', 'GROUP');

      // Unmuted: 0, a tip saying 0, and bob's message goes.
      const unmuted = await alice.chat.setGroupMemberMuteTime({ groupID, userID: uid.bob, muteTime: 0 });
      assert.equal(unmuted.data.member.muteUntil, 0);
      await waitFor(() => tips(carol, conversationID, TYPES.GRP_TIP_MBR_PROFILE_UPDATED).length === 2, 5_000, 'the unmute tip');
      const unmuteTip = tips(carol, conversationID, TYPES.GRP_TIP_MBR_PROFILE_UPDATED)[1]!;
      assert.deepEqual(
        unmuteTip.payload.memberList.map((m: { userID: string; muteTime?: number }) => [m.userID, m.muteTime]),
        [[uid.bob, 0]],
      );
      const resent = await bob.chat.resendMessage(message);
      assert.equal(resent.data.message.status, 'success');
      const [bobNow] = (await carol.chat.getGroupMemberProfile({ groupID, userIDList: [uid.bob] })).data.memberList;
      assert.equal(bobNow?.muteUntil, 0);
    } finally {
      await done();
    }
  });

  test('the owner and admins mute those below them; plain members mute no one', async () => {
    const { alice, bob, carol, dave, uid, groupID, done } = await publicGroup('bob', 'carol', 'dave');
    try {
      await alice.chat.setGroupMemberRole({ groupID, userID: uid.bob, role: TYPES.GRP_MBR_ROLE_ADMIN });
      await alice.chat.setGroupMemberRole({ groupID, userID: uid.dave, role: TYPES.GRP_MBR_ROLE_ADMIN });
      const muted = await bob.chat.setGroupMemberMuteTime({ groupID, userID: uid.carol, muteTime: 60 });
      assert.ok(muted.data.member.muteUntil > 0);
      await assert.rejects(
        bob.chat.setGroupMemberMuteTime({ groupID, userID: uid.alice, muteTime: 60 }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
        'nobody mutes the owner',
      );
      await assert.rejects(
        bob.chat.setGroupMemberMuteTime({ groupID, userID: uid.dave, muteTime: 60 }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
        'an admin mutes plain members only',
      );
      await assert.rejects(
        carol.chat.setGroupMemberMuteTime({ groupID, userID: uid.bob, muteTime: 0 }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
      );
      const byOwner = await alice.chat.setGroupMemberMuteTime({ groupID, userID: uid.dave, muteTime: 60 });
      assert.ok(byOwner.data.member.muteUntil > 0, 'the owner mutes an admin');
      await assert.rejects(sendText(dave.chat, groupID, 'hm', 'GROUP'), refusedWith(ErrorCode.MUTED, { error: 'muted' }));
    } finally {
      await done();
    }
  });
});

describe('updateGroupProfile({ muteAllMembers }): a group muted for all', () => {
  test('an admin mutes all: members cannot send, the owner and admins can; the tip, the group, the list; unmuted, members send', async () => {
    const { alice, bob, carol, uid, groupID, conversationID, done } = await publicGroup('bob', 'carol');
    try {
      await alice.chat.setGroupMemberRole({ groupID, userID: uid.bob, role: TYPES.GRP_MBR_ROLE_ADMIN });
      await sendText(alice.chat, groupID, 'welcome', 'GROUP');
      await waitFor(() => carol.entry(conversationID) !== undefined, 5_000, 'the group in carol’s list');
      assert.equal(carol.entry(conversationID)!.groupProfile.muteAllMembers, false);
      assert.equal((await carol.chat.getGroupProfile({ groupID })).data.group.muteAllMembers, false);

      const res = await bob.chat.updateGroupProfile({ groupID, muteAllMembers: true });
      assert.equal(res.code, 0);
      assert.deepEqual([res.data.group.groupID, res.data.group.muteAllMembers], [groupID, true]);
      await waitFor(() => bob.entry(conversationID)?.groupProfile.muteAllMembers === true, 5_000, 'bob’s list shows it');

      // The members see the tip, as Tencent's: newGroupProfile keyed by the field changed.
      const muteTips = (device: Device) =>
        tips(device, conversationID, TYPES.GRP_TIP_GRP_PROFILE_UPDATED).filter(
          (m) => typeof m.payload.newGroupProfile?.muteAllMembers === 'boolean',
        );
      await waitFor(() => muteTips(carol).length === 1, 5_000, 'the tip at carol');
      const [tip] = muteTips(carol);
      assert.deepEqual([tip!.from, tip!.to, tip!.flow], [uid.bob, groupID, 'in']);
      assert.deepEqual(tip!.payload.newGroupProfile, { muteAllMembers: true });
      assert.equal(tip!.payload.newGroupProfile.muteAllMembers, true);
      assert.deepEqual([tip!.payload.operatorID, tip!.payload.userIDList], [uid.bob, [uid.bob]]);
      assert.deepEqual(tip!.payload.groupProfile, { groupID });

      // What carol's SDK shows of the group: her conversation (by the tip), the server's group, her
      // group list.
      await waitFor(() => carol.entry(conversationID)?.groupProfile.muteAllMembers === true, 5_000, 'carol’s list shows it');
      assert.equal((await carol.chat.getGroupProfile({ groupID })).data.group.muteAllMembers, true);
      const profile = (await carol.chat.getConversationProfile(conversationID)).data.conversation;
      assert.equal(profile.groupProfile.muteAllMembers, true);
      const listed = () =>
        (carol.rec.of(EVENT.GROUP_LIST_UPDATED).at(-1)?.data as Group[] | undefined)?.find((g) => g.groupID === groupID);
      await waitFor(() => listed()?.muteAllMembers === true, 5_000, 'GROUP_LIST_UPDATED: muted for all');

      // carol's message fails as a muted member's: status 'fail', the message in the error's data.
      const message = carol.chat.createTextMessage({ to: groupID, conversationType: TYPES.CONV_GROUP, payload: { text: 'hello?' } });
      await assert.rejects(carol.chat.sendMessage(message), (err: unknown) => {
        assert.ok(err instanceof NatterError);
        assert.deepEqual([err.code, err.error, err.status], [ErrorCode.MUTED, 'muted', 403]);
        assert.match(err.message, /muted for all/);
        assert.equal(err.data?.message, message);
        return true;
      });
      assert.equal(message.status, 'fail');
      // The owner and the admins still send.
      assert.equal((await sendText(alice.chat, groupID, 'the owner speaks', 'GROUP')).status, 'success');
      assert.equal((await sendText(bob.chat, groupID, 'and the admin', 'GROUP')).status, 'success');

      // The owner ends it: the tip says false, and carol's message goes.
      const unmuted = await alice.chat.updateGroupProfile({ groupID, muteAllMembers: false });
      assert.equal(unmuted.data.group.muteAllMembers, false);
      await waitFor(() => muteTips(carol).length === 2, 5_000, 'the unmute tip at carol');
      const unmuteTip = muteTips(carol)[1]!;
      assert.deepEqual([unmuteTip.from, unmuteTip.payload.operatorID], [uid.alice, uid.alice]);
      assert.deepEqual(unmuteTip.payload.newGroupProfile, { muteAllMembers: false });
      await waitFor(() => carol.entry(conversationID)?.groupProfile.muteAllMembers === false, 5_000, 'carol’s list: unmuted');
      assert.equal((await carol.chat.getGroupProfile({ groupID })).data.group.muteAllMembers, false);
      const resent = await carol.chat.resendMessage(message);
      assert.equal(resent.data.message.status, 'success');

      // Both tips are in the group's history, as every tip.
      const history = (await carol.chat.getMessageList({ conversationID })).data.messageList;
      assert.deepEqual(
        history
          .filter((m) => m.type === TYPES.MSG_GRP_TIP && m.payload.operationType === TYPES.GRP_TIP_GRP_PROFILE_UPDATED)
          .map((m) => m.payload.newGroupProfile),
        [{ muteAllMembers: true }, { muteAllMembers: false }],
      );
    } finally {
      await done();
    }
  });

  test('only the owner and admins mute all, never in a work group; not a boolean rejects 40001 without a request', async () => {
    const { alice, bob, uid, groupID, done } = await publicGroup('bob');
    const spy = spyFetch();
    const carol = await liveDevice(server, uniqueUid('carol'), 1, undefined, { fetch: spy.fetch });
    try {
      await assert.rejects(
        bob.chat.updateGroupProfile({ groupID, muteAllMembers: true }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
        'a plain member',
      );
      assert.equal((await alice.chat.getGroupProfile({ groupID })).data.group.muteAllMembers, false, 'nothing changed');

      const work = (await alice.chat.createGroup({ name: 'Team', memberList: [{ userID: uid.bob }] })).data.group;
      assert.equal(work.muteAllMembers, false);
      await assert.rejects(
        alice.chat.updateGroupProfile({ groupID: work.groupID, muteAllMembers: true }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
        'a work group is never muted for all, even by its owner',
      );
      assert.equal((await bob.chat.getGroupProfile({ groupID: work.groupID })).data.group.muteAllMembers, false);

      spy.calls.length = 0;
      for (const muteAllMembers of ['true', 1, null, {}]) {
        await assert.rejects(
          carol.chat.updateGroupProfile({ groupID, muteAllMembers: muteAllMembers as unknown as boolean }),
          refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /muteAllMembers/ }),
          JSON.stringify(muteAllMembers),
        );
      }
      assert.deepEqual(spy.calls.filter((c) => c.url.includes('/v1/groups')), [], 'no request');
    } finally {
      await closeAll(carol.chat);
      await done();
    }
  });
});

describe('setGroupMemberNameCard: names in a group', () => {
  test('a member names themself; the owner and admins name those below them; a member names no admin', async () => {
    const { alice, bob, carol, uid, groupID, done } = await publicGroup('bob', 'carol');
    try {
      const own = await bob.chat.setGroupMemberNameCard({ groupID, nameCard: 'Bobby' });
      assert.equal(own.code, 0);
      assert.deepEqual([own.data.member.userID, own.data.member.nameCard], [uid.bob, 'Bobby']);
      assert.equal(own.data.group.groupID, groupID);
      assert.equal(own.data.group.selfInfo.nameCard, 'Bobby', "the group's selfInfo says the user's own");
      assert.equal((await bob.chat.getGroupProfile({ groupID })).data.group.selfInfo.nameCard, 'Bobby');
      const listed = (await bob.chat.getGroupList()).data.groupList.find((g) => g.groupID === groupID);
      assert.equal(listed?.selfInfo.nameCard, 'Bobby');
      assert.equal((await alice.chat.getGroupProfile({ groupID })).data.group.selfInfo.nameCard, '', 'alice has none');
      const [mine] = (await bob.chat.getGroupMemberProfile({ groupID, userIDList: [uid.bob] })).data.memberList;
      assert.equal(mine?.nameCard, 'Bobby');

      const byOwner = await alice.chat.setGroupMemberNameCard({ groupID, userID: uid.carol, nameCard: 'Caz' });
      assert.equal(byOwner.data.member.nameCard, 'Caz');
      const cards = (await carol.chat.getGroupMemberList({ groupID, count: 100 })).data.memberList;
      assert.deepEqual(
        Object.fromEntries(cards.map((m) => [m.userID, m.nameCard])),
        { [uid.alice]: '', [uid.bob]: 'Bobby', [uid.carol]: 'Caz' },
      );

      await assert.rejects(
        carol.chat.setGroupMemberNameCard({ groupID, userID: uid.bob, nameCard: 'B' }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
        'a plain member names only themself',
      );
      await alice.chat.setGroupMemberRole({ groupID, userID: uid.bob, role: TYPES.GRP_MBR_ROLE_ADMIN });
      await assert.rejects(
        carol.chat.setGroupMemberNameCard({ groupID, userID: uid.bob, nameCard: 'Boss' }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
        'a member trying to name an admin',
      );
      const byAdmin = await bob.chat.setGroupMemberNameCard({ groupID, userID: uid.carol, nameCard: 'Carol C.' });
      assert.equal(byAdmin.data.member.nameCard, 'Carol C.');
      await assert.rejects(
        bob.chat.setGroupMemberNameCard({ groupID, userID: uid.alice, nameCard: 'The boss' }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
        'nobody names the owner',
      );
      await assert.rejects(
        bob.chat.setGroupMemberNameCard({ groupID, nameCard: 'x'.repeat(51) }),
        refusedWith(ErrorCode.INVALID_ARGUMENT),
        'at most 50 bytes',
      );
      const cleared = await bob.chat.setGroupMemberNameCard({ groupID, nameCard: '' });
      assert.equal(cleared.data.member.nameCard, '');
      // A name card is not a role change: bob is still an admin.
      assert.equal(cleared.data.member.role, TYPES.GRP_MBR_ROLE_ADMIN);
      // Name cards write no tip: the group's history holds only bob's becoming an admin.
      const history = (await alice.chat.getMessageList({ conversationID: `GROUP${groupID}` })).data.messageList;
      assert.deepEqual(
        history.filter((m) => m.type === TYPES.MSG_GRP_TIP).map((m) => m.payload.operationType),
        [TYPES.GRP_TIP_MBR_SET_ADMIN],
      );
    } finally {
      await done();
    }
  });

  test('a work group: members name themselves, the owner names them', async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      const { groupID } = (await alice.chat.createGroup({ name: 'Team', memberList: [{ userID: uid.bob }] })).data.group;
      assert.equal((await bob.chat.setGroupMemberNameCard({ groupID, nameCard: 'B' })).data.member.nameCard, 'B');
      const named = await alice.chat.setGroupMemberNameCard({ groupID, userID: uid.bob, nameCard: 'Bob from sales' });
      assert.equal(named.data.member.nameCard, 'Bob from sales');
    } finally {
      await done();
    }
  });
});

describe('setGroupMemberCustomField: members\' custom fields', () => {
  test('a member sets their own; the owner and admins set those below them; the member lists show them, filtered on asking', async () => {
    const { alice, bob, carol, uid, groupID, done } = await publicGroup('bob', 'carol');
    try {
      const own = await bob.chat.setGroupMemberCustomField({
        groupID,
        memberCustomField: [{ key: 'title', value: 'dev' }, { key: 'team', value: 'web' }],
      });
      assert.equal(own.code, 0);
      assert.equal(own.data.group.groupID, groupID);
      assert.equal(own.data.member.userID, uid.bob);
      const bobs = [{ key: 'team', value: 'web' }, { key: 'title', value: 'dev' }];
      assert.deepEqual(own.data.member.memberCustomField, bobs, 'the member as they now are, fields by key');

      // Set again: the fields given change, the others stay; '' removes one.
      const changed = await bob.chat.setGroupMemberCustomField({
        groupID,
        memberCustomField: [{ key: 'title', value: '' }, { key: 'desk', value: '4F' }],
      });
      assert.deepEqual(changed.data.member.memberCustomField, [{ key: 'desk', value: '4F' }, { key: 'team', value: 'web' }]);

      await alice.chat.setGroupMemberCustomField({ groupID, userID: uid.carol, memberCustomField: [{ key: 'team', value: 'ops' }] });
      const listed = (await carol.chat.getGroupMemberList({ groupID, count: 100 })).data.memberList;
      assert.deepEqual(Object.fromEntries(listed.map((m) => [m.userID, m.memberCustomField])), {
        [uid.alice]: [],
        [uid.bob]: [{ key: 'desk', value: '4F' }, { key: 'team', value: 'web' }],
        [uid.carol]: [{ key: 'team', value: 'ops' }],
      });
      const profiles = async (memberCustomFieldFilter?: string[]) =>
        (await alice.chat.getGroupMemberProfile({ groupID, userIDList: [uid.bob, uid.carol], memberCustomFieldFilter })).data.memberList.map(
          (m) => m.memberCustomField,
        );
      assert.deepEqual(await profiles(), [[{ key: 'desk', value: '4F' }, { key: 'team', value: 'web' }], [{ key: 'team', value: 'ops' }]]);
      assert.deepEqual(await profiles(['team']), [[{ key: 'team', value: 'web' }], [{ key: 'team', value: 'ops' }]], 'only the keys named');
      assert.deepEqual(await profiles([]), [[], []]);

      await assert.rejects(
        carol.chat.setGroupMemberCustomField({ groupID, userID: uid.bob, memberCustomField: [{ key: 'team', value: 'x' }] }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
        "a plain member sets only their own",
      );
      await alice.chat.setGroupMemberRole({ groupID, userID: uid.bob, role: TYPES.GRP_MBR_ROLE_ADMIN });
      const byAdmin = await bob.chat.setGroupMemberCustomField({ groupID, userID: uid.carol, memberCustomField: [{ key: 'badge', value: '1' }] });
      assert.deepEqual(byAdmin.data.member.memberCustomField, [{ key: 'badge', value: '1' }, { key: 'team', value: 'ops' }]);
      await assert.rejects(
        bob.chat.setGroupMemberCustomField({ groupID, userID: uid.alice, memberCustomField: [{ key: 'team', value: 'x' }] }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
        "nobody sets the owner's",
      );

      // The server's limits: keys of 1–32 bytes, values of at most 512, each key once, 20 a member.
      for (const [memberCustomField, why] of [
        [[{ key: 'k'.repeat(33), value: 'x' }], 'a key over 32 bytes'],
        [[{ key: 'k', value: 'x'.repeat(513) }], 'a value over 512 bytes'],
        [[{ key: 'k', value: '1' }, { key: 'k', value: '2' }], 'a key given twice'],
      ] as const) {
        await assert.rejects(
          carol.chat.setGroupMemberCustomField({ groupID, memberCustomField: [...memberCustomField] }),
          refusedWith(ErrorCode.INVALID_ARGUMENT),
          why,
        );
      }
      const many = Array.from({ length: 18 }, (_, i) => ({ key: `f${i}`, value: 'x' }));
      await carol.chat.setGroupMemberCustomField({ groupID, memberCustomField: many });
      await assert.rejects(
        carol.chat.setGroupMemberCustomField({ groupID, memberCustomField: [{ key: 'one-too-many', value: 'x' }] }),
        refusedWith(ErrorCode.CONFLICT, { error: 'conflict' }),
        '20 fields a member',
      );
    } finally {
      await done();
    }
  });

  test("an AVChatRoom group's members have none: the server's 40301, then Tencent's 2687 before any request once the SDK knows the type", async () => {
    const alice = await liveDevice(server, uniqueUid('alice'), 1);
    const spy = spyFetch();
    const bob = await liveDevice(server, uniqueUid('bob'), 1, undefined, { fetch: spy.fetch });
    try {
      const groupID = uniqueUid('live');
      await server.createGroup(groupID, [alice.chat.getLoginUser(), bob.chat.getLoginUser()]);
      await server.setGroupInfo(groupID, { group_type: 'AVChatRoom' });
      const set = () => bob.chat.setGroupMemberCustomField({ groupID, memberCustomField: [{ key: 'k', value: 'v' }] });
      await assert.rejects(set(), refusedWith(ErrorCode.PERMISSION_DENIED), 'the server refuses it');
      assert.equal((await bob.chat.getGroupProfile({ groupID })).data.group.type, TYPES.GRP_AVCHATROOM);
      const asked = spy.calls.length;
      await assert.rejects(set(), refusedWith(ErrorCode.OPERATION_NOT_SUPPORTED_IN_AV, { message: /AVChatRoom/ }));
      assert.equal(ErrorCode.OPERATION_NOT_SUPPORTED_IN_AV, 2687);
      assert.equal(spy.calls.length, asked, 'no request');
    } finally {
      await closeAll(alice.chat, bob.chat);
    }
  });
});

describe('leaving: the notice on the user’s other devices', () => {
  test('bob quits on one device; his other device gets operationType 8 and drops the group from its list', async () => {
    const { alice, bob, uid, groupID, done } = await publicGroup('bob');
    const other = await liveDevice(server, uid.bob, 2);
    try {
      await waitFor(() => listedRole(other, groupID) === TYPES.GRP_MBR_ROLE_MEMBER, 5_000, 'the group in the other device’s list');
      await bob.chat.quitGroup(groupID);
      await waitFor(() => notices(other, groupID).length === 1, 5_000, 'the quit notice on the other device');
      const [notice] = notices(other, groupID);
      assert.deepEqual(
        [notice!.conversationID, notice!.to, notice!.payload.operationType],
        [TYPES.CONV_SYSTEM, groupID, 8],
      );
      await waitFor(() => listedRole(other, groupID) === undefined, 5_000, 'GROUP_LIST_UPDATED without the group');
      assert.deepEqual(notices(alice, groupID), [], 'only the one who quit');
    } finally {
      await closeAll(other.chat);
      await done();
    }
  });
});

describe('argument errors', () => {
  test('bad arguments reject 40001 before any request', async () => {
    const { alice, uid, done } = await liveUsers(server, 'alice');
    try {
      const groupID = 'g';
      const bad: [string, () => Promise<unknown>][] = [
        ['no groupID', () => alice.chat.setGroupMemberRole({ groupID: '', userID: uid.alice, role: TYPES.GRP_MBR_ROLE_ADMIN })],
        ['no userID', () => alice.chat.setGroupMemberRole({ groupID, userID: '', role: TYPES.GRP_MBR_ROLE_ADMIN })],
        ['the owner role', () => alice.chat.setGroupMemberRole({ groupID, userID: 'bob', role: TYPES.GRP_MBR_ROLE_OWNER })],
        ['a custom role', () => alice.chat.setGroupMemberRole({ groupID, userID: 'bob', role: TYPES.GRP_MBR_ROLE_CUSTOM })],
        ['no userID to mute', () => alice.chat.setGroupMemberMuteTime({ groupID, userID: '', muteTime: 1 })],
        ['a negative muteTime', () => alice.chat.setGroupMemberMuteTime({ groupID, userID: 'bob', muteTime: -1 })],
        ['a fractional muteTime', () => alice.chat.setGroupMemberMuteTime({ groupID, userID: 'bob', muteTime: 1.5 })],
        ['a muteTime in words', () => alice.chat.setGroupMemberMuteTime({ groupID, userID: 'bob', muteTime: '60' as unknown as number })],
        ['no nameCard', () => alice.chat.setGroupMemberNameCard({ groupID, nameCard: undefined as unknown as string })],
        ['no memberCustomField', () => alice.chat.setGroupMemberCustomField({ groupID, memberCustomField: undefined as never })],
        ['a field of no string', () => alice.chat.setGroupMemberCustomField({ groupID, memberCustomField: [{ key: 'k', value: 1 as never }] })],
        ['no userID for the fields', () => alice.chat.setGroupMemberCustomField({ groupID, userID: '', memberCustomField: [] })],
        ['a filter of no keys', () => alice.chat.getGroupMemberProfile({ groupID, userIDList: [uid.alice], memberCustomFieldFilter: 'k' as never })],
      ];
      for (const [what, call] of bad) await assert.rejects(call(), refusedWith(ErrorCode.INVALID_ARGUMENT), what);
    } finally {
      await done();
    }
  });
});

describe('markGroupMemberList', () => {
  test("Tencent's sample: an audio-video room's owner marks members, and the member list filters by the mark", async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      const { group } = (await alice.chat.createGroup({ type: TYPES.GRP_AVCHATROOM, name: 'Live' })).data;
      const groupID = group.groupID;
      await bob.chat.joinGroup({ groupID });
      // The sample, as printed (a user who is not a member comes back in failureUserIDList).
      const marked = await alice.chat.markGroupMemberList({
        groupID,
        userIDList: [uid.bob, 'nobody-here'],
        markType: 1000,
        enableMark: true,
      });
      assert.deepEqual(marked.data, { successUserIDList: [uid.bob], failureUserIDList: ['nobody-here'] });
      const withMark = async (filter: number) =>
        (await alice.chat.getGroupMemberList({ groupID, count: 100, offset: 0, filter })).data.memberList.map((m) => m.userID);
      assert.deepEqual(await withMark(1000), [uid.bob]);
      assert.deepEqual(await withMark(1001), []);

      await alice.chat.markGroupMemberList({ groupID, userIDList: [uid.bob], markType: 1000, enableMark: false });
      assert.deepEqual(await withMark(1000), []);
      await assert.rejects(
        bob.chat.markGroupMemberList({ groupID, userIDList: [uid.alice], markType: 1000, enableMark: true }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
      );
      await assert.rejects(
        alice.chat.markGroupMemberList({ groupID, userIDList: [uid.bob], markType: 999, enableMark: true }),
        refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /^markType/ }),
      );
    } finally {
      await done();
    }
  });
});
