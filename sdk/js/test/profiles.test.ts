/**
 * Profiles: getUserProfile, getMyProfile, getGroupProfile, PROFILE_UPDATED and the profiles the
 * conversation list shows, live and after a reconnect, against a real natter server. The app
 * backend sets them (POST /user/profile, POST /channel/info).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EVENT, ErrorCode, TYPES, type Conversation } from '@natter/sdk';
import { closeAll, destroyAllChats, FAST_RECONNECT, gatedSocket, loginReady, newChat, record, refusedWith, sendText } from '../testing/chat.js';
import { startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';

let server: TestServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

/** alice (live, recording) and bob in a C2C conversation and a group. */
async function setup() {
  const alice = uniqueUid('alice');
  const bob = uniqueUid('bob');
  const group = uniqueUid('team');
  const bobToken = await server.createUser(bob);
  const aliceToken = await server.createUser(alice);
  await server.createGroup(group, [alice, bob]);
  const chat = newChat(server, { ws: true });
  const rec = record(chat);
  const state = { list: [] as Conversation[] };
  chat.on(EVENT.CONVERSATION_LIST_UPDATED, (e) => (state.list = e.data));
  await loginReady(chat, alice, aliceToken);
  const bobChat = newChat(server);
  await loginReady(bobChat, bob, bobToken);
  await sendText(bobChat, alice, 'hi');
  await sendText(bobChat, group, 'hi team', 'GROUP');
  await waitFor(() => state.list.length === 2, 5_000, 'both conversations listed');
  const entry = (id: string) => state.list.find((c) => c.conversationID === id);
  return { chat, bobChat, rec, state, entry, alice, bob, group, done: () => closeAll(chat, bobChat) };
}

describe('profiles', () => {
  test("getUserProfile and getMyProfile: Tencent's Profile, custom fields as [{ key, value }]", async () => {
    const { chat, alice, bob, done } = await setup();
    try {
      await server.setProfile(bob, { nick: 'Bob', avatar: 'https://example.com/b.png', custom_fields: { team: 'blue' } });
      const { code, data } = await chat.getUserProfile({ userIDList: [bob, uniqueUid('nobody'), alice] });
      assert.equal(code, 0);
      assert.deepEqual(data.map((p) => p.userID), [bob, alice], 'in the order asked, unknown users left out');
      assert.deepEqual([data[0]!.nick, data[0]!.avatar], ['Bob', 'https://example.com/b.png']);
      assert.deepEqual(data[0]!.profileCustomField, [{ key: 'team', value: 'blue' }]);
      assert.deepEqual([data[1]!.nick, data[1]!.profileCustomField], ['', []]);
      assert.equal(data[0]!.gender, TYPES.GENDER_UNKNOWN, "Tencent's other fields keep their defaults");
      const mine = await chat.getMyProfile();
      assert.equal(mine.data.userID, alice);
      await assert.rejects(chat.getUserProfile({ userIDList: [] }), refusedWith(ErrorCode.INVALID_ARGUMENT));
    } finally {
      await done();
    }
  });

  test('a profile change: PROFILE_UPDATED [Profile], and the list shows the new nick (own changes too)', async () => {
    const { chat, rec, entry, alice, bob, done } = await setup();
    try {
      await server.setProfile(bob, { nick: 'Bobby', custom_fields: { mood: 'sunny' } });
      await waitFor(() => rec.of(EVENT.PROFILE_UPDATED).length >= 1, 5_000, 'PROFILE_UPDATED');
      const [profile] = rec.of(EVENT.PROFILE_UPDATED)[0]!.data;
      assert.deepEqual([profile!.userID, profile!.nick, profile!.profileCustomField], [bob, 'Bobby', [{ key: 'mood', value: 'sunny' }]]);
      await waitFor(() => entry(`C2C${bob}`)?.userProfile.nick === 'Bobby', 5_000, 'the C2C conversation shows it');
      assert.equal(entry(`C2C${bob}`)!.lastMessage.nick, 'Bobby', "the last message's sender too");

      await server.setProfile(alice, { nick: 'Alice' });
      await waitFor(
        () => rec.of(EVENT.PROFILE_UPDATED).some((e) => e.data.some((p) => p.userID === alice && p.nick === 'Alice')),
        5_000,
        'PROFILE_UPDATED for her own profile',
      );
    } finally {
      await done();
    }
  });

  test("updateMyProfile as Tencent's sample: the peer's list shows it; fields Natter does not keep reject", async () => {
    const { chat, bobChat, alice, done } = await setup();
    try {
      const res = await chat.updateMyProfile({
        nick: 'Alice A.',
        avatar: 'https://example.com/a.png',
        profileCustomField: [{ key: 'Tag_Profile_Custom_Hobby', value: 'chess' }],
      });
      assert.equal(res.code, 0);
      assert.deepEqual(
        [res.data.userID, res.data.nick, res.data.avatar, res.data.profileCustomField],
        [alice, 'Alice A.', 'https://example.com/a.png', [{ key: 'Tag_Profile_Custom_Hobby', value: 'chess' }]],
      );
      const peerSees = async () => (await bobChat.getConversationProfile(`C2C${alice}`)).data.conversation.userProfile.nick;
      assert.equal(await peerSees(), 'Alice A.');
      await chat.updateMyProfile({ profileCustomField: [{ key: 'Tag_Profile_Custom_Team', value: 'blue' }] });
      assert.deepEqual(
        (await chat.getMyProfile()).data.profileCustomField,
        [
          { key: 'Tag_Profile_Custom_Hobby', value: 'chess' },
          { key: 'Tag_Profile_Custom_Team', value: 'blue' },
        ],
        'the field not given is kept',
      );
      // Tencent's documented sample: gender and selfSignature beside the nick, as its own SDK takes them
      const sample = await chat.updateMyProfile({
        nick: 'Alice A.',
        avatar: 'https://example.com/a.png',
        gender: TYPES.GENDER_FEMALE,
        selfSignature: 'Chess on Sundays',
        allowType: TYPES.ALLOW_TYPE_ALLOW_ANY,
      });
      assert.deepEqual([sample.data.gender, sample.data.selfSignature], [TYPES.GENDER_FEMALE, 'Chess on Sundays']);
      await chat.updateMyProfile({ birthday: 19_990_101, location: '86,440,3,0', language: 1, level: 3, role: 2 });
      const [seen] = (await bobChat.getUserProfile({ userIDList: [alice] })).data;
      assert.deepEqual(
        [seen!.gender, seen!.selfSignature, seen!.birthday, seen!.location, seen!.language, seen!.level, seen!.role],
        [TYPES.GENDER_FEMALE, 'Chess on Sundays', 19_990_101, '86,440,3,0', 1, 3, 2],
        'every field kept, and shown to others',
      );
      await assert.rejects(chat.updateMyProfile({ gender: 'Gender_Type_Other' }), refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /^gender/ }));
      await assert.rejects(chat.updateMyProfile({ level: -1 }), refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /^level/ }));
      await assert.rejects(chat.updateMyProfile({ location: 'x'.repeat(17) }), refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /^location/ }));
      await assert.rejects(chat.updateMyProfile({ nick: 'Al', messageSettings: 1 }), refusedWith(ErrorCode.UNSUPPORTED, { message: /messageSettings/ }));
      await assert.rejects(
        chat.updateMyProfile({ adminForbidType: TYPES.FORBID_TYPE_NONE }),
        refusedWith(ErrorCode.PERMISSION_DENIED, { message: /adminForbidType/ }),
      );
      assert.equal((await chat.getMyProfile()).data.nick, 'Alice A.', 'nothing changed');
      await assert.rejects(chat.updateMyProfile({ messageSettings: 2 }), refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /^messageSettings/ }));
      // 0, receive messages, is what every Natter user does: taken, alone or with other fields.
      const receiving = await chat.updateMyProfile({ nick: 'Alice B.', messageSettings: 0 });
      assert.deepEqual([receiving.code, receiving.data.nick, receiving.data.messageSettings], [0, 'Alice B.', 0]);
      const alone = await chat.updateMyProfile({ messageSettings: 0 });
      assert.deepEqual([alone.data.nick, alone.data.messageSettings], ['Alice B.', 0], 'nothing else changed');
    } finally {
      await done();
    }
  });

  test('getGroupProfile, and a group renamed by the app backend reaching the list', async () => {
    const { chat, entry, group, done } = await setup();
    try {
      await server.setGroupInfo(group, { name: 'Team Blue', notice: 'Stand-up at 9', group_type: 'Public' });
      await waitFor(() => entry(`GROUP${group}`)?.groupProfile.name === 'Team Blue', 5_000, 'the group renamed in the list');
      assert.equal(entry(`GROUP${group}`)!.groupProfile.type, 'Public');
      const { code, data } = await chat.getGroupProfile({ groupID: group });
      assert.equal(code, 0);
      assert.deepEqual(
        [data.group.groupID, data.group.name, data.group.notification, data.group.memberCount, data.group.type],
        [group, 'Team Blue', 'Stand-up at 9', 2, 'Public'],
      );
      const someone = uniqueUid('someone');
      await server.createUser(someone);
      await server.createGroup(`${group}-other`, [someone]);
      await assert.rejects(chat.getGroupProfile({ groupID: `${group}-other` }), refusedWith(ErrorCode.PERMISSION_DENIED));
    } finally {
      await done();
    }
  });

  test('a profile changed while offline shows after the reconnect (profileSince)', async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    await server.createUser(bob);
    const gate = gatedSocket();
    const chat = newChat(server, { WebSocket: gate.WebSocket, socket: FAST_RECONNECT });
    const rec = record(chat);
    const state = { list: [] as Conversation[] };
    chat.on(EVENT.CONVERSATION_LIST_UPDATED, (e) => (state.list = e.data));
    const entry = () => state.list.find((c) => c.conversationID === `C2C${bob}`);
    try {
      await loginReady(chat, alice, await server.createUser(alice));
      await sendText(chat, bob, 'hi');
      await waitFor(() => entry() !== undefined, 5_000, 'the conversation listed');
      gate.cut();
      await waitFor(
        () => rec.of(EVENT.NET_STATE_CHANGE).some((e) => e.data.state === 'disconnected'),
        5_000,
        'offline',
      );
      await server.setProfile(bob, { nick: 'Offline Bob' });
      gate.open();
      await waitFor(() => entry()?.userProfile.nick === 'Offline Bob', 10_000, 'the new nick after the catch-up');
    } finally {
      await closeAll(chat);
    }
  });
});
