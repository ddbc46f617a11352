/**
 * Friends (Tencent's relationship chain) against a real natter server: addFriend to a user who
 * lets anyone add them (data.code 0) and to one who asks for consent (30539, a request), the
 * requests both ways, read, accepted one way or both, refused and deleted; deleteFriend and
 * checkFriend both ways and one way; updateFriend, getFriendProfile; the refusals (the user
 * themself, a block, DenyAny, a friend already, an unknown user, a user the app forbids to ask);
 * `allowType` and `adminForbidType` in profiles; friend
 * groups (addFriend's `groupName`, at once and through a request, the six group calls, their
 * answers and refusals, a friend deleted leaving them); and FRIEND_LIST_UPDATED,
 * FRIEND_APPLICATION_LIST_UPDATED and FRIEND_GROUP_LIST_UPDATED on the users' devices, after
 * SDK_READY, on the server's hints (a burst of them fetched once), after a reconnect, and never
 * after a logout.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import TencentCloudChat from '@tencentcloud/chat';
import {
  EVENT,
  ErrorCode,
  MAX_USERS_PER_FRIEND_CALL,
  TYPES,
  type Conversation,
  type Friend,
  type FriendApplicationListResult,
  type FriendGroup,
  type TypesValue,
} from '@natter/sdk';
import {
  closeAll,
  delayingSocket,
  destroyAllChats,
  gatedSocket,
  liveDevice,
  liveUsers,
  loginReady,
  newChat,
  refusedWith,
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

type Device = Awaited<ReturnType<typeof liveDevice>>;

const WEB = 'AddSource_Type_Web';

/** Lets anyone add each device's user as a friend at once. */
async function allowAnyone(...devices: Device[]): Promise<void> {
  for (const d of devices) await d.chat.updateMyProfile({ allowType: TYPES.ALLOW_TYPE_ALLOW_ANY });
}

/** The userIDs in the device's friend list, as getFriendList gives it. */
async function friendIDs(device: Device): Promise<string[]> {
  return (await device.chat.getFriendList()).data.map((f) => f.userID);
}

/** How each of `others` stands towards the device's user (checkFriend), by userID. */
async function relations(device: Device, others: string[], type?: TypesValue): Promise<Record<string, string>> {
  const { data } = await device.chat.checkFriend({ userIDList: others, ...(type ? { type } : {}) });
  assert.deepEqual(data.failureUserIDList, []);
  return Object.fromEntries(data.successUserIDList.map((r) => [r.userID, r.relation]));
}

/** The device's friend requests, as `[userID, type]` pairs, and the unread count. */
async function requests(device: Device): Promise<{ list: [string, string][]; unreadCount: number }> {
  const { friendApplicationList, unreadCount } = (await device.chat.getFriendApplicationList()).data;
  return { list: friendApplicationList.map((a) => [a.userID, a.type]), unreadCount };
}

/** The FRIEND_LIST_UPDATED lists the device heard, as userIDs, oldest first. */
function heardLists(device: Device): string[][] {
  return device.rec.of(EVENT.FRIEND_LIST_UPDATED).map((e) => (e.data as Friend[]).map((f) => f.userID));
}

/** The FRIEND_APPLICATION_LIST_UPDATED data the device heard, oldest first. */
function heardRequests(device: Device): FriendApplicationListResult[] {
  return device.rec.of(EVENT.FRIEND_APPLICATION_LIST_UPDATED).map((e) => e.data as FriendApplicationListResult);
}

/** The FRIEND_GROUP_LIST_UPDATED data the device heard, oldest first. */
function heardGroups(device: Device): FriendGroup[][] {
  return device.rec.of(EVENT.FRIEND_GROUP_LIST_UPDATED).map((e) => e.data as FriendGroup[]);
}

/** The device's friend groups, as getFriendGroupList gives them. */
async function groups(device: Device): Promise<FriendGroup[]> {
  return (await device.chat.getFriendGroupList()).data;
}

/** Each friend's `groupList` in the device's friend list, by userID. */
async function groupListsOf(device: Device): Promise<Record<string, string[]>> {
  return Object.fromEntries((await device.chat.getFriendList()).data.map((f) => [f.userID, f.groupList]));
}

/** A FriendGroup as the SDK gives it: its friends in userID order. */
function group(name: string, ...userIDs: string[]): FriendGroup {
  return { name, userIDList: [...userIDs].sort(), count: userIDs.length };
}

/** Unix seconds now, for the times the SDK gives in seconds. */
function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

describe("Tencent's addFriend sample", () => {
  test('branches on data.code: 0 when added, 30539 when a request waits; its groupName puts each in the group once added', async () => {
    const { bob, carol, uid, done } = await liveUsers(server, 'bob', 'carol');
    const me = uniqueUid('alice');
    const chat = TencentCloudChat.create({ SDKAppID: 1_700_000_301, serverUrl: server.baseUrl, WebSocket });
    const outcomes: string[] = [];
    const console = { log: (line: string) => outcomes.push(line), warn: (...args: unknown[]) => outcomes.push(`warn ${args.join(' ')}`) };
    try {
      await carol.chat.updateMyProfile({ allowType: TYPES.ALLOW_TYPE_ALLOW_ANY });
      await loginReady(chat, me, await server.createUser(me));
      for (const to of [uid.bob, uid.carol]) {
        // ---- the sample of Tencent's documentation ("Friends"), with other values but its `groupName`
        let promise = chat.addFriend({
          to,
          source: 'AddSource_Type_Web',
          remark: 'Jr',
          groupName: '好友',
          wording: 'Hello',
          type: TencentCloudChat.TYPES.SNS_ADD_TYPE_BOTH,
        });
        await promise
          .then(function (imResponse) {
            const { code } = imResponse.data;
            if (code === 30539) {
              console.log(`${to}: asked`); // they accept requests themselves: FRIEND_APPLICATION_LIST_UPDATED follows
            } else if (code === 0) {
              console.log(`${to}: added`); // they let anyone add them: FRIEND_LIST_UPDATED follows
            }
          })
          .catch(function (imError) {
            console.warn('addFriend error:', imError);
          });
        // ----
      }
      assert.deepEqual(outcomes, [`${uid.bob}: asked`, `${uid.carol}: added`]);
      assert.deepEqual((await chat.getFriendList()).data.map((f) => [f.userID, f.remark, f.groupList]), [[uid.carol, 'Jr', ['好友']]]);
      assert.deepEqual(await requests(bob), { list: [[me, TYPES.SNS_APPLICATION_SENT_TO_ME]], unreadCount: 1 });
      assert.deepEqual((await chat.getFriendGroupList()).data, [group('好友', uid.carol)], 'bob waits outside it');

      await bob.chat.acceptFriendApplication({ userID: me });
      assert.deepEqual((await chat.getFriendGroupList()).data, [group('好友', uid.bob, uid.carol)], 'bob in it once he accepted');
      assert.deepEqual(
        (await chat.getFriendList()).data.map((f) => [f.userID, f.groupList]),
        [[uid.carol, ['好友']], [uid.bob, ['好友']]],
      );
      assert.deepEqual(await groups(bob), [], "the adder's group, not bob's");
      assert.deepEqual(await groupListsOf(bob), { [me]: [] });
    } finally {
      await chat.destroy();
      await done();
    }
  });
});

describe('addFriend', () => {
  test('to a user who lets anyone add them: code 0, each in the other’s list, FRIEND_LIST_UPDATED for both', async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      await waitFor(() => heardLists(alice).length === 1 && heardLists(bob).length === 1, 5_000, 'the lists after SDK_READY');
      assert.deepEqual(heardLists(bob), [[]], 'once after SDK_READY, an empty list too, as Tencent’s login fetch');
      const profile = await bob.chat.updateMyProfile({ nick: 'Bob B.', allowType: TYPES.ALLOW_TYPE_ALLOW_ANY });
      assert.equal(profile.data.allowType, TYPES.ALLOW_TYPE_ALLOW_ANY);

      const added = await alice.chat.addFriend({ to: uid.bob, source: WEB, wording: 'Hi, it’s Alice', remark: 'Bobby' });
      assert.deepEqual(added, { code: 0, data: { userID: uid.bob, code: 0, message: '' } });

      const [entry, ...rest] = (await alice.chat.getFriendList()).data;
      assert.deepEqual(rest, []);
      assert.deepEqual(
        [entry!.userID, entry!.remark, entry!.source, entry!.wording, entry!.groupList, entry!.friendCustomField],
        [uid.bob, 'Bobby', WEB, 'Hi, it’s Alice', [], []],
      );
      assert.deepEqual(
        [entry!.profile.userID, entry!.profile.nick, entry!.profile.allowType],
        [uid.bob, 'Bob B.', TYPES.ALLOW_TYPE_ALLOW_ANY],
      );
      assert.ok(Math.abs(entry!.addTime - nowSeconds()) <= 5, `addTime in seconds: ${entry!.addTime}`);
      const [back] = (await bob.chat.getFriendList()).data;
      assert.deepEqual([back?.userID, back?.remark, back?.profile.allowType], [uid.alice, '', TYPES.ALLOW_TYPE_NEED_CONFIRM]);

      await waitFor(() => heardLists(bob).length === 2, 5_000, "FRIEND_LIST_UPDATED on bob's SDK");
      assert.deepEqual(heardLists(bob)[1], [uid.alice]);
      await waitFor(() => heardLists(alice).length === 2, 5_000, "FRIEND_LIST_UPDATED on alice's SDK");
      const heard = alice.rec.of(EVENT.FRIEND_LIST_UPDATED).at(-1)!.data as Friend[];
      assert.deepEqual(heard, (await alice.chat.getFriendList()).data, 'the whole list, as getFriendList gives it');
      assert.deepEqual(await relations(alice, [uid.bob]), { [uid.bob]: TYPES.SNS_TYPE_BOTH_WAY });
      assert.deepEqual(await requests(bob), { list: [], unreadCount: 0 }, 'no request was made');

      // the remark is the one-to-one conversation's, as Tencent's
      await alice.chat.sendMessage(alice.chat.createTextMessage({ to: uid.bob, conversationType: TYPES.CONV_C2C, payload: { text: 'hi' } }));
      await waitFor(
        () => alice.rec.of(EVENT.CONVERSATION_LIST_UPDATED).some((e) => (e.data as Conversation[]).some((c) => c.remark === 'Bobby')),
        5_000,
        "alice's conversation with bob named Bobby",
      );
      await alice.chat.updateFriend({ userID: uid.bob, remark: 'Rob' });
      await waitFor(
        () => (alice.rec.of(EVENT.CONVERSATION_LIST_UPDATED).at(-1)?.data as Conversation[])?.[0]?.remark === 'Rob',
        5_000,
        'the new remark in the conversation list',
      );
      assert.equal((await alice.chat.getConversationProfile(`C2C${uid.bob}`)).data.conversation.remark, 'Rob');
      assert.equal((await bob.chat.getConversationProfile(`C2C${uid.alice}`)).data.conversation.remark, '', 'bob gave alice none');

      // a friend's new profile is a change of the list, as Tencent's
      const before = heardLists(alice).length;
      await bob.chat.updateMyProfile({ nick: 'Robert' });
      await waitFor(() => heardLists(alice).length === before + 1, 5_000, "FRIEND_LIST_UPDATED for bob's profile");
      const renamed = alice.rec.of(EVENT.FRIEND_LIST_UPDATED).at(-1)!.data as Friend[];
      assert.equal(renamed[0]?.profile.nick, 'Robert');
    } finally {
      await done();
    }
  });

  test('to a user who asks for consent (the default): 30539, the request listed both ways, unread until read', async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      await alice.chat.updateMyProfile({ nick: 'Alice A.', avatar: 'https://example.com/a.png' });
      assert.equal((await bob.chat.getMyProfile()).data.allowType, TYPES.ALLOW_TYPE_NEED_CONFIRM, 'every user’s default');

      const asked = await alice.chat.addFriend({ to: uid.bob, source: 'AddSource_Type_Android', wording: 'I am Alice' });
      assert.equal(asked.code, 0);
      assert.deepEqual([asked.data.userID, asked.data.code], [uid.bob, 30539]);
      assert.ok(asked.data.message.length > 0);
      assert.deepEqual(await friendIDs(alice), [], 'nobody’s list changed');
      assert.deepEqual(await friendIDs(bob), []);
      assert.deepEqual(await relations(alice, [uid.bob]), { [uid.bob]: TYPES.SNS_TYPE_NO_RELATION });

      const incoming = (await bob.chat.getFriendApplicationList()).data;
      assert.equal(incoming.unreadCount, 1);
      assert.equal(incoming.friendApplicationList.length, 1);
      const request = incoming.friendApplicationList[0]!;
      assert.deepEqual(
        [request.userID, request.type, request.nick, request.avatar, request.source, request.wording],
        [uid.alice, TYPES.SNS_APPLICATION_SENT_TO_ME, 'Alice A.', 'https://example.com/a.png', 'AddSource_Type_Android', 'I am Alice'],
      );
      assert.ok(Math.abs(request.time - nowSeconds()) <= 5, `time in seconds: ${request.time}`);
      assert.deepEqual(await requests(alice), { list: [[uid.bob, TYPES.SNS_APPLICATION_SENT_BY_ME]], unreadCount: 0 });

      await waitFor(() => heardRequests(bob).some((r) => r.unreadCount === 1), 5_000, "bob's FRIEND_APPLICATION_LIST_UPDATED");
      assert.deepEqual(heardRequests(bob).at(-1), incoming);
      await waitFor(() => heardRequests(alice).some((r) => r.friendApplicationList.length === 1), 5_000, "alice's");

      assert.deepEqual(await bob.chat.setFriendApplicationRead(), { code: 0, data: {} });
      assert.deepEqual(await requests(bob), { list: [[uid.alice, TYPES.SNS_APPLICATION_SENT_TO_ME]], unreadCount: 0 });
      await waitFor(() => heardRequests(bob).at(-1)?.unreadCount === 0, 5_000, 'the read list heard');
      assert.equal(heardRequests(bob).at(-1)!.friendApplicationList.length, 1, 'read, still waiting');
    } finally {
      await done();
    }
  });

  test('refused: a user who blocks or is blocked (40305), DenyAny (40301), a friend already (40901), unknown (40401), the user themself (40001)', async () => {
    const { alice, bob, carol, dave, uid, done } = await liveUsers(server, 'alice', 'bob', 'carol', 'dave');
    try {
      await assert.rejects(alice.chat.addFriend({ to: uid.alice, source: WEB }), refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /themself/ }));

      await alice.chat.addToBlacklist({ userIDList: [uid.bob] });
      await assert.rejects(bob.chat.addFriend({ to: uid.alice, source: WEB }), refusedWith(ErrorCode.IN_BLACKLIST, { error: 'in_blacklist' }));
      await assert.rejects(alice.chat.addFriend({ to: uid.bob, source: WEB }), refusedWith(ErrorCode.IN_BLACKLIST), 'either way');

      await carol.chat.updateMyProfile({ allowType: TYPES.ALLOW_TYPE_DENY_ANY });
      assert.equal((await alice.chat.getUserProfile({ userIDList: [uid.carol] })).data[0]?.allowType, TYPES.ALLOW_TYPE_DENY_ANY);
      await assert.rejects(alice.chat.addFriend({ to: uid.carol, source: WEB }), refusedWith(ErrorCode.PERMISSION_DENIED));

      await allowAnyone(dave);
      assert.equal((await alice.chat.addFriend({ to: uid.dave, source: WEB })).data.code, 0);
      await assert.rejects(alice.chat.addFriend({ to: uid.dave, source: WEB }), refusedWith(ErrorCode.CONFLICT, { error: 'conflict' }));

      await assert.rejects(alice.chat.addFriend({ to: uniqueUid('nobody'), source: WEB }), refusedWith(ErrorCode.NOT_FOUND));
      await assert.rejects(alice.chat.addFriend({ to: uid.dave, source: 'Web' }), refusedWith(ErrorCode.INVALID_ARGUMENT), 'the server checks the source');
      assert.deepEqual(await friendIDs(alice), [uid.dave], 'nothing else changed');
      assert.deepEqual(await requests(carol), { list: [], unreadCount: 0 });
    } finally {
      await done();
    }
  });

  test("a user the app backend forbids to ask (adminForbidType SEND_OUT): addFriend rejects 40301, a request to them they accept", async () => {
    const { alice, bob, carol, uid, done } = await liveUsers(server, 'alice', 'bob', 'carol');
    try {
      await allowAnyone(bob);
      await server.setProfile(uid.alice, { admin_forbid_type: TYPES.FORBID_TYPE_SEND_OUT });
      assert.equal((await bob.chat.getUserProfile({ userIDList: [uid.alice] })).data[0]?.adminForbidType, TYPES.FORBID_TYPE_SEND_OUT);
      assert.equal((await alice.chat.getMyProfile()).data.adminForbidType, TYPES.FORBID_TYPE_SEND_OUT);
      await assert.rejects(
        alice.chat.addFriend({ to: uid.bob, source: WEB }),
        refusedWith(ErrorCode.PERMISSION_DENIED, { message: /adminForbidType/ }),
      );
      assert.equal((await carol.chat.addFriend({ to: uid.alice, source: WEB })).data.code, 30539, 'a request waits for alice');
      await alice.chat.acceptFriendApplication({ userID: uid.carol, type: TYPES.SNS_APPLICATION_AGREE_AND_ADD });
      assert.deepEqual(await friendIDs(alice), [uid.carol]);
      await assert.rejects(
        alice.chat.updateMyProfile({ adminForbidType: TYPES.FORBID_TYPE_NONE }),
        refusedWith(ErrorCode.PERMISSION_DENIED),
        'not lifted by the user',
      );

      await server.setProfile(uid.alice, { admin_forbid_type: TYPES.FORBID_TYPE_NONE });
      assert.equal((await alice.chat.addFriend({ to: uid.bob, source: WEB })).data.code, 0);
    } finally {
      await done();
    }
  });

  test('checked before sending: a bad type, source or groupName (40001); an empty groupName is none', async () => {
    const spy = spyFetch();
    const alice = await liveDevice(server, uniqueUid('alice'), 1, undefined, { fetch: spy.fetch });
    const { bob, uid, done } = await liveUsers(server, 'bob');
    try {
      const posts = () => spy.calls.filter((c) => c.method === 'POST').length;
      const before = posts();
      await assert.rejects(alice.chat.addFriend({ to: uid.bob, source: WEB, groupName: 7 as never }), refusedWith(40001, { message: /^groupName:/ }));
      await assert.rejects(alice.chat.addFriend({ to: uid.bob, source: WEB, type: TYPES.SNS_DELETE_TYPE_BOTH }), refusedWith(40001, { message: /^type:/ }));
      await assert.rejects(alice.chat.addFriend({ to: uid.bob } as never), refusedWith(40001, { message: /^source:/ }));
      await assert.rejects(alice.chat.addFriend({ to: '', source: WEB }), refusedWith(40001, { message: /^to:/ }));
      assert.equal(posts(), before, 'no request');
      assert.equal((await alice.chat.addFriend({ to: uid.bob, source: WEB, groupName: '' })).data.code, 30539, 'an empty groupName is none');
      assert.deepEqual(await requests(bob), { list: [[alice.chat.getLoginUser(), TYPES.SNS_APPLICATION_SENT_TO_ME]], unreadCount: 1 });
      await bob.chat.acceptFriendApplication({ userID: alice.chat.getLoginUser() });
      assert.deepEqual(await groups(alice), []);
      assert.deepEqual(await groupListsOf(alice), { [uid.bob]: [] });
    } finally {
      await closeAll(alice.chat);
      await done();
    }
  });

  test('one way (SNS_ADD_TYPE_SINGLE): only the user’s list; checkFriend both ways and one way', async () => {
    const { alice, bob, carol, uid, done } = await liveUsers(server, 'alice', 'bob', 'carol');
    try {
      await allowAnyone(bob);
      const added = await alice.chat.addFriend({ to: uid.bob, source: WEB, type: TYPES.SNS_ADD_TYPE_SINGLE });
      assert.equal(added.data.code, 0);
      assert.deepEqual(await friendIDs(alice), [uid.bob]);
      assert.deepEqual(await friendIDs(bob), []);

      const checked = await alice.chat.checkFriend({ userIDList: [uid.bob, uid.carol], type: TYPES.SNS_CHECK_TYPE_BOTH });
      assert.deepEqual(checked, {
        code: 0,
        data: {
          successUserIDList: [
            { userID: uid.bob, code: 0, relation: TYPES.SNS_TYPE_A_WITH_B },
            { userID: uid.carol, code: 0, relation: TYPES.SNS_TYPE_NO_RELATION },
          ],
          failureUserIDList: [],
        },
      });
      assert.deepEqual(await relations(bob, [uid.alice]), { [uid.alice]: TYPES.SNS_TYPE_B_WITH_A }, 'both ways by default');
      assert.deepEqual(await relations(bob, [uid.alice], TYPES.SNS_CHECK_TYPE_SINGLE), { [uid.alice]: TYPES.SNS_TYPE_NO_RELATION });
      assert.deepEqual(await relations(alice, [uid.bob], TYPES.SNS_CHECK_TYPE_SINGLE), { [uid.bob]: TYPES.SNS_TYPE_A_WITH_B });
      await assert.rejects(carol.chat.checkFriend({ userIDList: [] }), refusedWith(40001));
      await assert.rejects(
        carol.chat.checkFriend({ userIDList: Array.from({ length: MAX_USERS_PER_FRIEND_CALL + 1 }, (_, i) => `u${i}`) }),
        refusedWith(40001, { message: /1001 given/ }),
      );
      await assert.rejects(carol.chat.checkFriend({ userIDList: [uid.alice], type: 'Both' as never }), refusedWith(40001, { message: /^type:/ }));
    } finally {
      await done();
    }
  });
});

describe('friend requests', () => {
  test('accepted with SNS_APPLICATION_AGREE_AND_ADD: each in the other’s list, the request gone, both told', async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      await alice.chat.addFriend({ to: uid.bob, source: WEB, remark: 'Bobby' });
      const accepted = await bob.chat.acceptFriendApplication({
        userID: uid.alice,
        remark: 'Ally',
        type: TYPES.SNS_APPLICATION_AGREE_AND_ADD,
      });
      assert.deepEqual(accepted, { code: 0, data: {} });
      assert.deepEqual((await alice.chat.getFriendList()).data.map((f) => [f.userID, f.remark]), [[uid.bob, 'Bobby']]);
      assert.deepEqual((await bob.chat.getFriendList()).data.map((f) => [f.userID, f.remark]), [[uid.alice, 'Ally']]);
      assert.deepEqual(await relations(alice, [uid.bob]), { [uid.bob]: TYPES.SNS_TYPE_BOTH_WAY });
      assert.deepEqual(await requests(alice), { list: [], unreadCount: 0 });
      assert.deepEqual(await requests(bob), { list: [], unreadCount: 0 });

      await waitFor(() => heardLists(alice).at(-1)?.[0] === uid.bob, 5_000, "alice's FRIEND_LIST_UPDATED");
      await waitFor(() => heardLists(bob).at(-1)?.[0] === uid.alice, 5_000, "bob's FRIEND_LIST_UPDATED");
      await waitFor(() => heardRequests(alice).at(-1)?.friendApplicationList.length === 0, 5_000, "alice's requests emptied");
      await assert.rejects(bob.chat.acceptFriendApplication({ userID: uid.alice }), refusedWith(ErrorCode.NOT_FOUND), 'answered already');
    } finally {
      await done();
    }
  });

  test('accepted with SNS_APPLICATION_AGREE: only the asker’s list gets the acceptor', async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      await alice.chat.addFriend({ to: uid.bob, source: WEB });
      await bob.chat.acceptFriendApplication({ userID: uid.alice, type: TYPES.SNS_APPLICATION_AGREE });
      assert.deepEqual(await friendIDs(alice), [uid.bob]);
      assert.deepEqual(await friendIDs(bob), []);
      assert.deepEqual(await relations(alice, [uid.bob]), { [uid.bob]: TYPES.SNS_TYPE_A_WITH_B });
      assert.deepEqual(await relations(bob, [uid.alice]), { [uid.alice]: TYPES.SNS_TYPE_B_WITH_A });
      assert.deepEqual(await requests(bob), { list: [], unreadCount: 0 });
      await waitFor(() => heardLists(alice).at(-1)?.[0] === uid.bob, 5_000, "alice's FRIEND_LIST_UPDATED");
      await assert.rejects(
        bob.chat.acceptFriendApplication({ userID: uid.alice, type: TYPES.SNS_APPLICATION_SENT_TO_ME }),
        refusedWith(40001, { message: /^type:/ }),
      );
    } finally {
      await done();
    }
  });

  test('refused: gone for both, no list changed; refusing again is 40401', async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      await alice.chat.addFriend({ to: uid.bob, source: WEB });
      await waitFor(() => heardRequests(alice).at(-1)?.friendApplicationList.length === 1, 5_000, "alice's request heard");
      assert.deepEqual(await bob.chat.refuseFriendApplication({ userID: uid.alice }), { code: 0, data: {} });
      assert.deepEqual(await requests(bob), { list: [], unreadCount: 0 });
      assert.deepEqual(await requests(alice), { list: [], unreadCount: 0 });
      assert.deepEqual(await friendIDs(alice), []);
      assert.deepEqual(await friendIDs(bob), []);
      await waitFor(() => heardRequests(alice).at(-1)?.friendApplicationList.length === 0, 5_000, 'the asker hears it');
      await assert.rejects(bob.chat.refuseFriendApplication({ userID: uid.alice }), refusedWith(ErrorCode.NOT_FOUND));
    } finally {
      await done();
    }
  });

  test('deleted: the one made to the user (SENT_TO_ME) or the user’s own (SENT_BY_ME, withdrawn)', async () => {
    const { alice, bob, carol, uid, done } = await liveUsers(server, 'alice', 'bob', 'carol');
    try {
      await alice.chat.addFriend({ to: uid.bob, source: WEB });
      await carol.chat.addFriend({ to: uid.bob, source: WEB });
      assert.deepEqual(await requests(bob), {
        list: [
          [uid.carol, TYPES.SNS_APPLICATION_SENT_TO_ME],
          [uid.alice, TYPES.SNS_APPLICATION_SENT_TO_ME],
        ],
        unreadCount: 2,
      }, 'newest first');

      const deleted = await bob.chat.deleteFriendApplication({ userID: uid.alice, type: TYPES.SNS_APPLICATION_SENT_TO_ME });
      assert.deepEqual(deleted, { code: 0, data: {} });
      assert.deepEqual(await requests(alice), { list: [], unreadCount: 0 });
      await carol.chat.deleteFriendApplication({ userID: uid.bob, type: TYPES.SNS_APPLICATION_SENT_BY_ME });
      assert.deepEqual(await requests(bob), { list: [], unreadCount: 0 });
      assert.deepEqual(await requests(carol), { list: [], unreadCount: 0 });
      await assert.rejects(bob.chat.deleteFriendApplication({ userID: uid.carol }), refusedWith(ErrorCode.NOT_FOUND));
      await assert.rejects(bob.chat.acceptFriendApplication({ userID: uid.carol }), refusedWith(ErrorCode.NOT_FOUND), 'withdrawn');
      assert.deepEqual(await friendIDs(bob), []);
    } finally {
      await done();
    }
  });
});

describe('deleteFriend, updateFriend, getFriendProfile', () => {
  test('deleteFriend both ways (the default) and one way; a user not in the list is a failure', async () => {
    const { alice, bob, carol, uid, done } = await liveUsers(server, 'alice', 'bob', 'carol');
    try {
      await allowAnyone(bob, carol);
      await alice.chat.addFriend({ to: uid.bob, source: WEB });
      await alice.chat.addFriend({ to: uid.carol, source: WEB });
      await waitFor(() => heardLists(bob).at(-1)?.[0] === uid.alice, 5_000, "bob's list with alice");
      const stranger = uniqueUid('stranger');

      const both = await alice.chat.deleteFriend({ userIDList: [uid.bob, stranger] });
      assert.deepEqual(both.data.successUserIDList, [{ userID: uid.bob, code: 0 }]);
      assert.equal(both.data.failureUserIDList.length, 1);
      const failure = both.data.failureUserIDList[0]!;
      assert.deepEqual([failure.userID, failure.code], [stranger, ErrorCode.NOT_FOUND]);
      assert.match(failure.message, /not in the friend list/);
      assert.deepEqual(await friendIDs(alice), [uid.carol]);
      assert.deepEqual(await friendIDs(bob), [], 'both ways: alice left bob’s list too');
      await waitFor(() => heardLists(bob).at(-1)?.length === 0, 5_000, "bob's list emptied");

      const single = await alice.chat.deleteFriend({ userIDList: [uid.carol], type: TYPES.SNS_DELETE_TYPE_SINGLE });
      assert.deepEqual(single.data, { successUserIDList: [{ userID: uid.carol, code: 0 }], failureUserIDList: [] });
      assert.deepEqual(await friendIDs(alice), []);
      assert.deepEqual(await friendIDs(carol), [uid.alice], 'one way: carol keeps alice');
      assert.deepEqual(await relations(carol, [uid.alice]), { [uid.alice]: TYPES.SNS_TYPE_A_WITH_B });
      assert.deepEqual(await relations(alice, [uid.carol]), { [uid.carol]: TYPES.SNS_TYPE_B_WITH_A });
      await assert.rejects(alice.chat.deleteFriend({ userIDList: [uid.carol], type: TYPES.SNS_ADD_TYPE_BOTH }), refusedWith(40001));
    } finally {
      await done();
    }
  });

  test('updateFriend renames; getFriendProfile answers the friends asked and fails the others', async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob', 'carol');
    try {
      await allowAnyone(bob);
      await alice.chat.addFriend({ to: uid.bob, source: WEB, remark: 'Bobby' });
      await waitFor(() => heardLists(alice).at(-1)?.[0] === uid.bob, 5_000, 'the add heard');

      const renamed = await alice.chat.updateFriend({ userID: uid.bob, remark: 'Robert' });
      assert.equal(renamed.code, 0);
      assert.deepEqual([renamed.data.userID, renamed.data.remark, renamed.data.source], [uid.bob, 'Robert', WEB]);
      await waitFor(
        () => (alice.rec.of(EVENT.FRIEND_LIST_UPDATED).at(-1)?.data as Friend[] | undefined)?.[0]?.remark === 'Robert',
        5_000,
        'FRIEND_LIST_UPDATED with the new remark',
      );
      assert.deepEqual((await alice.chat.updateFriend({ userID: uid.bob })).data.remark, 'Robert', 'no remark: nothing changes');
      await assert.rejects(alice.chat.updateFriend({ userID: uid.carol, remark: 'x' }), refusedWith(ErrorCode.NOT_FOUND));
      await assert.rejects(alice.chat.updateFriend({ userID: uid.carol }), refusedWith(ErrorCode.NOT_FOUND));
      // friendCustomField: set by key, the others and the remark kept; '' removes one
      const noted = await alice.chat.updateFriend({
        userID: uid.bob,
        friendCustomField: [
          { key: 'Tag_SNS_Custom_Note', value: 'met at work' },
          { key: 'Tag_SNS_Custom_City', value: 'Oslo' },
        ],
      });
      assert.deepEqual(
        [noted.data.remark, noted.data.friendCustomField],
        [
          'Robert',
          [
            { key: 'Tag_SNS_Custom_City', value: 'Oslo' },
            { key: 'Tag_SNS_Custom_Note', value: 'met at work' },
          ],
        ],
      );
      await alice.chat.updateFriend({ userID: uid.bob, friendCustomField: [{ key: 'Tag_SNS_Custom_City', value: '' }] });
      const listed = (await alice.chat.getFriendList()).data.find((f) => f.userID === uid.bob);
      assert.deepEqual(listed?.friendCustomField, [{ key: 'Tag_SNS_Custom_Note', value: 'met at work' }]);
      await assert.rejects(
        alice.chat.updateFriend({ userID: uid.bob, friendCustomField: { Tag_SNS_Custom_Note: 'x' } as never }),
        refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /^friendCustomField/ }),
      );
      const many = Array.from({ length: 20 }, (_, i) => ({ key: `Tag_SNS_Custom_${i}`, value: 'v' }));
      await assert.rejects(alice.chat.updateFriend({ userID: uid.bob, friendCustomField: many }), refusedWith(ErrorCode.CONFLICT));
      await assert.rejects(alice.chat.updateFriend({ userID: uid.bob, remark: 'x'.repeat(97) }), refusedWith(40001));

      const profiles = await alice.chat.getFriendProfile({ userIDList: [uid.bob, uid.carol] });
      assert.deepEqual(profiles.data.friendList.map((f) => [f.userID, f.remark, f.profile.userID]), [[uid.bob, 'Robert', uid.bob]]);
      assert.equal(profiles.data.failureUserIDList.length, 1);
      const failure = profiles.data.failureUserIDList[0]!;
      assert.deepEqual([failure.userID, failure.code], [uid.carol, ErrorCode.NOT_FOUND]);
      assert.match(failure.message, new RegExp(`${uid.carol} is not in the friend list of ${uid.alice}`));
    } finally {
      await done();
    }
  });
});

describe('allowType in profiles', () => {
  test('getMyProfile, getUserProfile, updateMyProfile and PROFILE_UPDATED carry it; other values are refused', async () => {
    const spy = spyFetch();
    const alice = await liveDevice(server, uniqueUid('alice'), 1, undefined, { fetch: spy.fetch });
    const { bob, done } = await liveUsers(server, 'bob');
    try {
      const me = alice.chat.getLoginUser();
      assert.equal((await alice.chat.getMyProfile()).data.allowType, TYPES.ALLOW_TYPE_NEED_CONFIRM);
      const denied = await alice.chat.updateMyProfile({ allowType: TYPES.ALLOW_TYPE_DENY_ANY });
      assert.equal(denied.data.allowType, TYPES.ALLOW_TYPE_DENY_ANY);
      assert.equal((await bob.chat.getUserProfile({ userIDList: [me] })).data[0]?.allowType, TYPES.ALLOW_TYPE_DENY_ANY);
      await waitFor(
        () => alice.rec.of(EVENT.PROFILE_UPDATED).some((e) => e.data.some((p) => p.allowType === TYPES.ALLOW_TYPE_DENY_ANY)),
        5_000,
        'PROFILE_UPDATED with allowType',
      );
      const posts = () => spy.calls.filter((c) => c.method === 'POST').length;
      const before = posts();
      await assert.rejects(alice.chat.updateMyProfile({ allowType: 'AllowType_Type_Sometimes' as never }), refusedWith(40001, { message: /^allowType:/ }));
      assert.equal(posts(), before, 'no request');
      const back = await alice.chat.updateMyProfile({ allowType: TYPES.ALLOW_TYPE_NEED_CONFIRM, nick: 'Al' });
      assert.deepEqual([back.data.allowType, back.data.nick], [TYPES.ALLOW_TYPE_NEED_CONFIRM, 'Al']);
    } finally {
      await closeAll(alice.chat);
      await done();
    }
  });
});

describe('FRIEND_LIST_UPDATED and FRIEND_APPLICATION_LIST_UPDATED', () => {
  test('a burst of hints makes one fetch and one event', async () => {
    const socket = delayingSocket();
    const spy = spyFetch();
    const alice = await liveDevice(server, uniqueUid('alice'), 1, socket.WebSocket, { fetch: spy.fetch });
    const { bob, uid, done } = await liveUsers(server, 'bob');
    try {
      await allowAnyone(bob);
      await waitFor(() => heardLists(alice).length === 1, 5_000, 'the list after SDK_READY');
      socket.holdBack((frame) => frame.event === 'friendListUpdated');
      await alice.chat.addFriend({ to: uid.bob, source: WEB });
      for (const remark of ['one', 'two', 'three']) await alice.chat.updateFriend({ userID: uid.bob, remark });
      await waitFor(() => socket.held().length === 4, 5_000, 'four hints held back');
      const listFetches = () => spy.calls.filter((c) => c.method === 'GET' && c.url.endsWith('/v1/friends')).length;
      const fetchesBefore = listFetches();
      socket.release();
      await waitFor(() => heardLists(alice).length === 2, 5_000, 'the list heard');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(heardLists(alice).length, 2, 'one event');
      assert.equal(listFetches() - fetchesBefore, 1, 'one fetch');
      const heard = alice.rec.of(EVENT.FRIEND_LIST_UPDATED).at(-1)!.data as Friend[];
      assert.deepEqual(heard.map((f) => [f.userID, f.remark]), [[uid.bob, 'three']]);
    } finally {
      await closeAll(alice.chat);
      await done();
    }
  });

  test('a change made while offline is heard after the reconnect', async () => {
    const gate = gatedSocket();
    const alice = await liveDevice(server, uniqueUid('alice'), 1, gate.WebSocket);
    const { bob, done } = await liveUsers(server, 'bob');
    try {
      await waitFor(() => heardLists(alice).length === 1 && heardRequests(alice).length === 1, 5_000, 'the lists after SDK_READY');
      assert.deepEqual(heardRequests(alice), [{ friendApplicationList: [], unreadCount: 0 }]);
      gate.cut();
      await waitFor(() => alice.rec.of(EVENT.NET_STATE_CHANGE).at(-1)?.data.state === TYPES.NET_STATE_DISCONNECTED, 5_000, 'offline');
      await bob.chat.addFriend({ to: alice.chat.getLoginUser(), source: WEB, wording: 'while you were away' });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(heardRequests(alice).length, 1, 'nothing heard offline');
      gate.open();
      await waitFor(() => heardRequests(alice).length === 2, 10_000, 'the requests after the reconnect');
      const [request] = heardRequests(alice)[1]!.friendApplicationList;
      assert.deepEqual([request?.userID, request?.wording, heardRequests(alice)[1]!.unreadCount], [bob.chat.getLoginUser(), 'while you were away', 1]);
      assert.equal(heardLists(alice).length, 1, 'the friend list did not change: not sent again');
    } finally {
      await closeAll(alice.chat);
      await done();
    }
  });

  test('a hint heard just before logout emits nothing; the next login hears the lists again', async () => {
    const socket = delayingSocket();
    const uidAlice = uniqueUid('alice');
    const alice = await liveDevice(server, uidAlice, 1, socket.WebSocket);
    const { bob, done } = await liveUsers(server, 'bob');
    try {
      await allowAnyone(alice);
      await waitFor(() => heardLists(alice).length === 1, 5_000, 'the list after SDK_READY');
      socket.holdBack((frame) => frame.event === 'friendListUpdated');
      await bob.chat.addFriend({ to: uidAlice, source: WEB });
      await waitFor(() => socket.held().length === 1, 5_000, 'the hint held back');
      socket.release(); // the fetch waits for more hints: the logout comes first
      await alice.chat.logout();
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(heardLists(alice).length, 1, 'nothing after the logout');

      await loginReady(alice.chat, uidAlice, await server.createUser(uidAlice, 1));
      await waitFor(() => heardLists(alice).length === 2, 5_000, 'the list after the new SDK_READY');
      assert.deepEqual(heardLists(alice)[1], [bob.chat.getLoginUser()]);
    } finally {
      await closeAll(alice.chat);
      await done();
    }
  });

  test('an instance without a handler fetches nothing', async () => {
    const spy = spyFetch();
    const { bob, uid, done } = await liveUsers(server, 'bob');
    const me = uniqueUid('alice');
    const chat = newChat(server, { ws: true, fetch: spy.fetch });
    try {
      await loginReady(chat, me, await server.createUser(me, 1));
      await allowAnyone(bob);
      await chat.addFriend({ to: uid.bob, source: WEB, groupName: 'Close' }); // the three hints come back to this instance
      await new Promise((r) => setTimeout(r, 400));
      assert.deepEqual((await chat.getFriendGroupList()).data, [group('Close', uid.bob)], 'the group changed');
      const reads = spy.calls.filter((c) => c.method === 'GET' && /\/v1\/friend(s|-applications|-groups)$/.test(c.url));
      assert.deepEqual(reads.map((c) => c.url.replace(server.baseUrl, '')), ['/v1/friend-groups'], 'only the call of the line above');
    } finally {
      await closeAll(chat);
      await done();
    }
  });
});

describe('friend groups', () => {
  test('addFriend with groupName: the friend in the group at once, or once the request is accepted; groupList oldest group first', async () => {
    const { alice, bob, carol, uid, done } = await liveUsers(server, 'alice', 'bob', 'carol');
    try {
      await allowAnyone(bob);
      const added = await alice.chat.addFriend({ to: uid.bob, source: WEB, groupName: 'Climbing' });
      assert.deepEqual(added.data, { userID: uid.bob, code: 0, message: '' });
      assert.deepEqual(await groups(alice), [group('Climbing', uid.bob)], 'made for the friend');
      assert.deepEqual(await groupListsOf(alice), { [uid.bob]: ['Climbing'] });
      assert.deepEqual(await groups(bob), [], "alice's group only");

      const asked = await alice.chat.addFriend({ to: uid.carol, source: WEB, groupName: 'Work' });
      assert.equal(asked.data.code, 30539);
      assert.deepEqual(await groups(alice), [group('Climbing', uid.bob)], 'nothing until carol accepts');
      await carol.chat.acceptFriendApplication({ userID: uid.alice, type: TYPES.SNS_APPLICATION_AGREE });
      assert.deepEqual(await groups(alice), [group('Climbing', uid.bob), group('Work', uid.carol)], 'oldest first');
      assert.deepEqual(await groupListsOf(alice), { [uid.bob]: ['Climbing'], [uid.carol]: ['Work'] });

      await alice.chat.addToFriendGroup({ name: 'Work', userIDList: [uid.bob] });
      assert.deepEqual((await alice.chat.getFriendProfile({ userIDList: [uid.bob] })).data.friendList[0]?.groupList, [
        'Climbing',
        'Work',
      ]);
      assert.deepEqual((await alice.chat.updateFriend({ userID: uid.bob, remark: 'B' })).data.groupList, ['Climbing', 'Work']);
    } finally {
      await done();
    }
  });

  test('createFriendGroup: friends in it, a non-friend a failure; a name taken, a 33rd group (40901), a bad name (40001)', async () => {
    const { alice, bob, carol, uid, done } = await liveUsers(server, 'alice', 'bob', 'carol', 'dave');
    try {
      await allowAnyone(bob, carol);
      await alice.chat.addFriend({ to: uid.bob, source: WEB });
      const stranger = uid.dave;

      const created = await alice.chat.createFriendGroup({ name: 'Work', userIDList: [uid.bob, stranger] });
      assert.equal(created.code, 0);
      assert.deepEqual(created.data.friendGroup, group('Work', uid.bob));
      assert.equal(created.data.failureUserIDList.length, 1);
      const failure = created.data.failureUserIDList[0]!;
      assert.deepEqual([failure.userID, failure.code], [stranger, ErrorCode.NOT_FOUND]);
      assert.match(failure.message, new RegExp(`${stranger} is not a friend of ${uid.alice}`));
      assert.deepEqual(await groups(alice), [group('Work', uid.bob)]);

      assert.deepEqual((await alice.chat.createFriendGroup({ name: 'Empty' })).data, { friendGroup: group('Empty'), failureUserIDList: [] });
      assert.deepEqual((await alice.chat.createFriendGroup({ name: 'Also empty', userIDList: [] })).data.friendGroup, group('Also empty'));
      await assert.rejects(alice.chat.createFriendGroup({ name: 'Work', userIDList: [] }), refusedWith(ErrorCode.CONFLICT, { error: 'conflict' }));
      await assert.rejects(alice.chat.createFriendGroup({ name: '' }), refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /needs a name/ }));
      await assert.rejects(alice.chat.createFriendGroup({ name: 'x'.repeat(31) }), refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /30 bytes/ }));
      assert.equal((await alice.chat.createFriendGroup({ name: '同事同事同事同事同事' })).data.friendGroup.name, '同事同事同事同事同事', '30 bytes');

      for (let i = 0; (await groups(alice)).length < 32; i++) await alice.chat.createFriendGroup({ name: `Group ${i}` });
      await assert.rejects(alice.chat.createFriendGroup({ name: 'One more' }), refusedWith(ErrorCode.CONFLICT));
      await assert.rejects(
        alice.chat.addFriend({ to: uid.carol, source: WEB, groupName: 'One more' }),
        refusedWith(ErrorCode.CONFLICT),
        'addFriend would make a 33rd group',
      );
      assert.deepEqual(await friendIDs(alice), [uid.bob], 'carol not added');
      assert.equal((await alice.chat.addFriend({ to: uid.carol, source: WEB, groupName: 'Work' })).data.code, 0, 'a group the user has');
      assert.deepEqual((await groups(alice)).find((g) => g.name === 'Work'), group('Work', uid.bob, uid.carol));
      assert.equal((await groups(alice)).length, 32);
    } finally {
      await done();
    }
  });

  test('addToFriendGroup and removeFromFriendGroup: the group as it now is and the failures; no such group (40401)', async () => {
    const { alice, bob, carol, uid, done } = await liveUsers(server, 'alice', 'bob', 'carol', 'dave');
    try {
      await allowAnyone(bob, carol);
      await alice.chat.addFriend({ to: uid.bob, source: WEB });
      await alice.chat.addFriend({ to: uid.carol, source: WEB });
      await alice.chat.createFriendGroup({ name: 'Work' });

      const added = await alice.chat.addToFriendGroup({ name: 'Work', userIDList: [uid.bob, uid.dave] });
      assert.equal(added.code, 0);
      assert.deepEqual(added.data.friendGroup, group('Work', uid.bob));
      assert.equal(added.data.failureUserIDList.length, 1);
      const notAFriend = added.data.failureUserIDList[0]!;
      assert.deepEqual([notAFriend.userID, notAFriend.to, notAFriend.code], [uid.dave, uid.dave, ErrorCode.NOT_FOUND]);
      assert.match(notAFriend.message, /is not a friend of/);
      const again = await alice.chat.addToFriendGroup({ name: 'Work', userIDList: [uid.bob, uid.carol] });
      assert.deepEqual(again.data, { friendGroup: group('Work', uid.bob, uid.carol), failureUserIDList: [] }, 'one in it already is no failure');

      const removed = await alice.chat.removeFromFriendGroup({ name: 'Work', userIDList: [uid.carol, uid.dave] });
      assert.deepEqual(removed.data.friendGroup, group('Work', uid.bob));
      assert.deepEqual(removed.data.failureUserIDList.map((f) => [f.userID, f.to, f.code]), [[uid.dave, uid.dave, ErrorCode.NOT_FOUND]]);
      assert.match(removed.data.failureUserIDList[0]!.message, /is not in that group of/);
      assert.deepEqual(await groupListsOf(alice), { [uid.bob]: ['Work'], [uid.carol]: [] });
      assert.deepEqual(await friendIDs(alice), [uid.bob, uid.carol], 'still friends');

      await assert.rejects(alice.chat.addToFriendGroup({ name: 'Nope', userIDList: [uid.bob] }), refusedWith(ErrorCode.NOT_FOUND, { message: /Nope/ }));
      await assert.rejects(alice.chat.removeFromFriendGroup({ name: 'Nope', userIDList: [uid.bob] }), refusedWith(ErrorCode.NOT_FOUND));
      await assert.rejects(alice.chat.addToFriendGroup({ name: 'x'.repeat(31), userIDList: [uid.bob] }), refusedWith(ErrorCode.INVALID_ARGUMENT));
    } finally {
      await done();
    }
  });

  test('renameFriendGroup and deleteFriendGroup: their answers; 40401, 40901, 40001', async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      await allowAnyone(bob);
      await alice.chat.addFriend({ to: uid.bob, source: WEB, groupName: 'Work' });
      await alice.chat.createFriendGroup({ name: 'Family', userIDList: [uid.bob] });

      const renamed = await alice.chat.renameFriendGroup({ oldName: 'Work', newName: 'Colleagues' });
      assert.deepEqual(renamed, { code: 0, data: group('Colleagues', uid.bob) }, 'the FriendGroup itself, as Tencent’s');
      assert.deepEqual(await groups(alice), [group('Colleagues', uid.bob), group('Family', uid.bob)], 'in its place');
      assert.deepEqual(await groupListsOf(alice), { [uid.bob]: ['Colleagues', 'Family'] });
      await assert.rejects(alice.chat.renameFriendGroup({ oldName: 'Work', newName: 'Other' }), refusedWith(ErrorCode.NOT_FOUND));
      await assert.rejects(alice.chat.renameFriendGroup({ oldName: 'Colleagues', newName: 'Family' }), refusedWith(ErrorCode.CONFLICT));
      await assert.rejects(
        alice.chat.renameFriendGroup({ oldName: 'Colleagues', newName: 'Colleagues' }),
        refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /^newName: the same/ }),
      );
      await assert.rejects(alice.chat.renameFriendGroup({ oldName: 'Colleagues', newName: '' }), refusedWith(ErrorCode.INVALID_ARGUMENT));

      const deleted = await alice.chat.deleteFriendGroup({ name: 'Colleagues' });
      assert.deepEqual(deleted, { code: 0, data: group('Colleagues', uid.bob) }, 'the group as it was');
      assert.deepEqual(await groups(alice), [group('Family', uid.bob)]);
      assert.deepEqual(await groupListsOf(alice), { [uid.bob]: ['Family'] }, 'bob stays a friend, in his other group');
      await assert.rejects(alice.chat.deleteFriendGroup({ name: 'Colleagues' }), refusedWith(ErrorCode.NOT_FOUND));
      await assert.rejects(alice.chat.deleteFriendGroup({ name: '' }), refusedWith(ErrorCode.INVALID_ARGUMENT));
    } finally {
      await done();
    }
  });

  test('a friend who leaves the list, either way, leaves every group; added again, in none', async () => {
    const { alice, bob, carol, uid, done } = await liveUsers(server, 'alice', 'bob', 'carol');
    try {
      await allowAnyone(bob, carol);
      await alice.chat.addFriend({ to: uid.bob, source: WEB, groupName: 'Close' });
      await alice.chat.addFriend({ to: uid.carol, source: WEB });
      await alice.chat.createFriendGroup({ name: 'Work', userIDList: [uid.bob, uid.carol] });
      await waitFor(
        () => JSON.stringify(heardGroups(alice).at(-1)) === JSON.stringify([group('Close', uid.bob), group('Work', uid.bob, uid.carol)]),
        5_000,
        'the groups heard',
      );

      await alice.chat.deleteFriend({ userIDList: [uid.bob], type: TYPES.SNS_DELETE_TYPE_SINGLE });
      assert.deepEqual(await groups(alice), [group('Close'), group('Work', uid.carol)], 'the groups stay, without bob');
      await carol.chat.deleteFriend({ userIDList: [uid.alice] }); // both ways: alice loses carol
      assert.deepEqual(await groups(alice), [group('Close'), group('Work')]);
      await waitFor(
        () => JSON.stringify(heardGroups(alice).at(-1)) === JSON.stringify([group('Close'), group('Work')]),
        5_000,
        "FRIEND_GROUP_LIST_UPDATED after carol's deletion",
      );

      await alice.chat.addFriend({ to: uid.bob, source: WEB });
      assert.deepEqual(await groupListsOf(alice), { [uid.bob]: [] });
      assert.deepEqual(await groups(alice), [group('Close'), group('Work')]);
    } finally {
      await done();
    }
  });

  test('checked before sending (40001, no request), and not logged in (40101)', async () => {
    const spy = spyFetch();
    const alice = await liveDevice(server, uniqueUid('alice'), 1, undefined, { fetch: spy.fetch });
    try {
      const posts = () => spy.calls.filter((c) => c.method === 'POST').length;
      const before = posts();
      const tooMany = Array.from({ length: MAX_USERS_PER_FRIEND_CALL + 1 }, (_, i) => `u${i}`);
      const refusals: [Promise<unknown>, RegExp][] = [
        [alice.chat.createFriendGroup(undefined as never), /^createFriendGroup: options required/],
        [alice.chat.createFriendGroup({ name: 5 } as never), /^name:/],
        [alice.chat.createFriendGroup({ name: 'Work', userIDList: 'bob' } as never), /^userIDList:/],
        [alice.chat.createFriendGroup({ name: 'Work', userIDList: tooMany }), /^userIDList: 1001 given; 0 to 1000/],
        [alice.chat.addToFriendGroup({ name: 'Work', userIDList: [] }), /^userIDList: 0 given; 1 to 1000/],
        [alice.chat.addToFriendGroup({ userIDList: ['bob'] } as never), /^name:/],
        [alice.chat.removeFromFriendGroup({ name: 'Work', userIDList: [''] }), /^userIDList: an array of userIDs/],
        [alice.chat.removeFromFriendGroup(null as never), /^removeFromFriendGroup: options required/],
        [alice.chat.deleteFriendGroup({} as never), /^name:/],
        [alice.chat.renameFriendGroup({ oldName: 'Work' } as never), /^newName:/],
        [alice.chat.renameFriendGroup({ newName: 'Work' } as never), /^oldName:/],
      ];
      for (const [call, message] of refusals) await assert.rejects(call, refusedWith(ErrorCode.INVALID_ARGUMENT, { message }));
      assert.equal(posts(), before, 'no request');

      const fresh = newChat(server);
      await assert.rejects(fresh.getFriendGroupList(), refusedWith(ErrorCode.UNAUTHENTICATED));
      await assert.rejects(fresh.createFriendGroup({ name: 'Work' }), refusedWith(ErrorCode.UNAUTHENTICATED));
      await assert.rejects(fresh.renameFriendGroup({ oldName: 'a', newName: 'b' }), refusedWith(ErrorCode.UNAUTHENTICATED));
    } finally {
      await closeAll(alice.chat);
    }
  });
});

describe('FRIEND_GROUP_LIST_UPDATED', () => {
  test("a change on another device of the user is heard with the groups, not by the friend; none empty at SDK_READY; a login with groups hears them", async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    const phone = await liveDevice(server, uid.alice, 2);
    try {
      await allowAnyone(bob);
      await alice.chat.addFriend({ to: uid.bob, source: WEB }); // a group hint too, the groups unchanged
      await waitFor(() => heardLists(phone).at(-1)?.[0] === uid.bob, 5_000, "the phone's FRIEND_LIST_UPDATED");
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(heardGroups(alice), [], 'no groups: nothing at SDK_READY, as Tencent’s login fetch');
      assert.deepEqual(heardGroups(phone), []);

      await phone.chat.createFriendGroup({ name: 'Close', userIDList: [uid.bob] });
      await waitFor(() => heardGroups(alice).length === 1, 5_000, "alice's FRIEND_GROUP_LIST_UPDATED");
      assert.deepEqual(heardGroups(alice), [[group('Close', uid.bob)]]);
      assert.deepEqual(heardGroups(alice)[0], await groups(alice), 'as getFriendGroupList gives them');
      await waitFor(() => heardGroups(phone).length === 1, 5_000, 'the changing instance hears it too, as Tencent’s');
      await waitFor(
        () => (alice.rec.of(EVENT.FRIEND_LIST_UPDATED).at(-1)?.data as Friend[])[0]?.groupList[0] === 'Close',
        5_000,
        "FRIEND_LIST_UPDATED with bob's groupList",
      );

      await phone.chat.renameFriendGroup({ oldName: 'Close', newName: 'Closest' });
      await waitFor(() => heardGroups(alice).length === 2, 5_000, 'the rename heard');
      assert.deepEqual(heardGroups(alice)[1], [group('Closest', uid.bob)]);
      assert.deepEqual(heardGroups(bob), [], "the groups are alice's own");

      await alice.chat.logout();
      await loginReady(alice.chat, uid.alice, await server.createUser(uid.alice, 1));
      await waitFor(() => heardGroups(alice).length === 3, 5_000, 'the groups after the new SDK_READY');
      assert.deepEqual(heardGroups(alice)[2], [group('Closest', uid.bob)]);
    } finally {
      await closeAll(phone.chat);
      await done();
    }
  });

  test('a burst of hints makes one fetch and one event; a change made while offline is heard after the reconnect', async () => {
    const socket = delayingSocket();
    const spy = spyFetch();
    const uidAlice = uniqueUid('alice');
    const alice = await liveDevice(server, uidAlice, 1, socket.WebSocket, { fetch: spy.fetch });
    const gate = gatedSocket();
    const tablet = await liveDevice(server, uidAlice, 2, gate.WebSocket);
    const { bob, uid, done } = await liveUsers(server, 'bob');
    try {
      const groupFetches = () => spy.calls.filter((c) => c.method === 'GET' && c.url.endsWith('/v1/friend-groups')).length;
      await waitFor(() => groupFetches() === 1, 5_000, 'the fetch after SDK_READY (no groups: not emitted)');
      await allowAnyone(bob);
      socket.holdBack((frame) => frame.event === 'friendGroupListUpdated');
      await alice.chat.addFriend({ to: uid.bob, source: WEB });
      await alice.chat.createFriendGroup({ name: 'A' });
      await alice.chat.addToFriendGroup({ name: 'A', userIDList: [uid.bob] });
      await alice.chat.createFriendGroup({ name: 'B', userIDList: [uid.bob] });
      await waitFor(() => socket.held().length === 4, 5_000, 'four hints held back');
      const fetchesBefore = groupFetches();
      socket.release();
      await waitFor(() => heardGroups(alice).length === 1, 5_000, 'the groups heard');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(heardGroups(alice).length, 1, 'one event');
      assert.equal(groupFetches() - fetchesBefore, 1, 'one fetch');
      assert.deepEqual(heardGroups(alice)[0], [group('A', uid.bob), group('B', uid.bob)]);

      const both = JSON.stringify([group('A', uid.bob), group('B', uid.bob)]);
      await waitFor(() => JSON.stringify(heardGroups(tablet).at(-1)) === both, 5_000, "the tablet's groups");
      const heardBefore = heardGroups(tablet).length;
      gate.cut();
      await waitFor(() => tablet.rec.of(EVENT.NET_STATE_CHANGE).at(-1)?.data.state === TYPES.NET_STATE_DISCONNECTED, 5_000, 'offline');
      await alice.chat.deleteFriendGroup({ name: 'A' });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(heardGroups(tablet).length, heardBefore, 'nothing heard offline');
      gate.open();
      await waitFor(() => heardGroups(tablet).length === heardBefore + 1, 10_000, 'the groups after the reconnect');
      assert.deepEqual(heardGroups(tablet).at(-1), [group('B', uid.bob)]);
    } finally {
      await closeAll(alice.chat, tablet.chat);
      await done();
    }
  });

  test('a hint heard just before logout emits nothing', async () => {
    const socket = delayingSocket();
    const uidAlice = uniqueUid('alice');
    const alice = await liveDevice(server, uidAlice, 1, socket.WebSocket);
    try {
      socket.holdBack((frame) => frame.event === 'friendGroupListUpdated');
      await alice.chat.createFriendGroup({ name: 'Later' });
      await waitFor(() => socket.held().length === 1, 5_000, 'the hint held back');
      socket.release(); // the fetch waits for more hints: the logout comes first
      await alice.chat.logout();
      await new Promise((r) => setTimeout(r, 400));
      assert.deepEqual(heardGroups(alice), [], 'nothing after the logout');
    } finally {
      await closeAll(alice.chat);
    }
  });
});
