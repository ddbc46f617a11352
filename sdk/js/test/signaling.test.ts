/**
 * Signalling against a real natter server, as Tencent's SDK has it (TUICallKit rings its calls
 * so): invite, inviteInGroup, cancel, accept, reject and modifyInvitation between instances, each
 * step a custom message in Tencent's format, and the events each side hears with Tencent's data
 * (NEW_INVITATION_RECEIVED before the message's MESSAGE_RECEIVED, INVITEE_ACCEPTED,
 * INVITEE_REJECTED, INVITATION_CANCELLED, INVITATION_TIMEOUT on both sides, INVITATION_MODIFIED);
 * the invitee's other device; a group invitation of several invitees; invitations missed while
 * offline (after a reconnect, and at login) and those over before the invitee came back;
 * `onlineUserOnly`; a message in Tencent's format made by hand; getSignalingInfo; Tencent's codes
 * (8010, 8011, 8020); and the checks made before any request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import TencentCloudChat from '@tencentcloud/chat';
import {
  EVENT,
  ErrorCode,
  TSignaling,
  TYPES,
  type InvitationTimeoutData,
  type Message,
  type Natter,
} from '@natter/sdk';
import {
  closeAll,
  destroyAllChats,
  gatedSocket,
  liveDevice,
  loginReady,
  newChat,
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

const SIGNALING_EVENTS = [
  TSignaling.NEW_INVITATION_RECEIVED,
  TSignaling.INVITEE_ACCEPTED,
  TSignaling.INVITEE_REJECTED,
  TSignaling.INVITATION_CANCELLED,
  TSignaling.INVITATION_TIMEOUT,
  TSignaling.INVITATION_MODIFIED,
] as const;

const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

/**
 * What an instance hears: every signalling event (listened for with addSignalingListener, as
 * Tencent's guide does) and MESSAGE_RECEIVED, in one log, in order.
 */
function listen(chat: Natter) {
  const log: { name: string; data: any }[] = [];
  for (const name of SIGNALING_EVENTS) chat.addSignalingListener(name, (event: { name: string; data: unknown }) => log.push(event));
  chat.on(EVENT.MESSAGE_RECEIVED, (event) => log.push(event));
  return {
    log,
    /** The data of each event of that name, in order. */
    of: (name: string) => log.filter((e) => e.name === name).map((e) => e.data),
    /** The names of the signalling events heard, in order. */
    names: () => log.filter((e) => e.name !== EVENT.MESSAGE_RECEIVED).map((e) => e.name),
  };
}

type Listener = ReturnType<typeof listen>;

/** A live, logged-in user listening for signalling, with its own instance. */
async function user(name: string, deviceFlag: 0 | 1 | 2 = 1, uid = uniqueUid(name)) {
  const device = await liveDevice(server, uid, deviceFlag);
  return { uid, chat: device.chat, rec: device.rec, heard: listen(device.chat) };
}

type User = Awaited<ReturnType<typeof user>>;

async function heard(who: { heard: Listener }, name: string, count = 1, ms = 5_000): Promise<any[]> {
  await waitFor(() => who.heard.of(name).length >= count, ms, `${name} #${count}`);
  return who.heard.of(name);
}

/** The JSON Tencent's SDK writes into a signalling message's `payload.data`, key for key. */
function tencentJSON(fields: {
  timeout?: number;
  data?: string;
  inviteID: string;
  groupID?: string;
  actionType: number;
  inviter: string;
  inviteeList: string[];
}): string {
  const { timeout = 0, data = '', inviteID, groupID = '', actionType, inviter, inviteeList } = fields;
  return JSON.stringify({ businessID: 1, timeout, data, inviteID, groupID, actionType, inviter, inviteeList });
}

describe('one-to-one invitations', () => {
  test('invite → accept: the invitee (both devices) hears the invitation, the inviter the acceptance; in Tencent\'s format', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    const bob2 = await user('bob', 2, bob.uid);
    try {
      const data = JSON.stringify({ version: 4, businessID: 'av_call', data: { cmd: 'videoCall' } });
      const invited = await alice.chat.invite({ userID: bob.uid, data, timeout: 30 });
      const { inviteID } = invited;
      assert.match(inviteID, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a UUID, as Tencent\'s');
      // Tencent's answer: sendMessage's, and the inviteID beside `data`.
      assert.deepEqual(Object.keys(invited).sort(), ['code', 'data', 'inviteID']);
      const sent: Message = invited.data.message;
      assert.equal(invited.code, 0);
      assert.deepEqual([sent.type, sent.status, sent.priority, sent.conversationID], [TYPES.MSG_CUSTOM, 'success', TYPES.MSG_PRIORITY_HIGH, `C2C${bob.uid}`]);
      assert.equal(
        sent.payload.data,
        tencentJSON({ timeout: 30, data, inviteID, actionType: 1, inviter: alice.uid, inviteeList: [bob.uid] }),
        "the payload is Tencent's JSON, key for key",
      );
      assert.deepEqual([sent.payload.description, sent.payload.extension], ['', '']);

      for (const device of [bob, bob2]) {
        const [invitation] = await heard(device, TSignaling.NEW_INVITATION_RECEIVED);
        assert.deepEqual(invitation, { inviteID, inviter: alice.uid, groupID: '', data, inviteeList: [bob.uid] });
        // Before the message itself, which the app gets as any message, and can read with getSignalingInfo.
        await waitFor(() => device.rec.received().length === 1, 5_000, 'the message');
        assert.deepEqual(device.heard.log.map((e) => e.name), [TSignaling.NEW_INVITATION_RECEIVED, EVENT.MESSAGE_RECEIVED]);
        const message = device.rec.received()[0]!;
        assert.deepEqual(device.chat.getSignalingInfo(message), {
          businessID: 1,
          inviteID,
          groupID: '',
          inviter: alice.uid,
          inviteeList: [bob.uid],
          data,
          actionType: TSignaling.ACTION_TYPE_INVITE,
          timeout: 30,
        });
      }
      assert.equal(alice.chat.getSignalingInfo(sent)?.inviteID, inviteID);

      const accepted = await bob.chat.accept({ inviteID, data: '{"accepted":true}' });
      assert.equal(accepted.inviteID, inviteID);
      assert.equal(
        accepted.data.message.payload.data,
        tencentJSON({ data: '{"accepted":true}', inviteID, actionType: 3, inviter: alice.uid, inviteeList: [bob.uid] }),
      );
      const told = { inviteID, inviter: alice.uid, groupID: '', data: '{"accepted":true}', invitee: bob.uid };
      assert.deepEqual(await heard(alice, TSignaling.INVITEE_ACCEPTED), [told]);
      // bob's other device hears that bob answered (there, TUICallKit stops ringing).
      assert.deepEqual(await heard(bob2, TSignaling.INVITEE_ACCEPTED), [told]);

      // Over: nothing more to answer or cancel, anywhere.
      await assert.rejects(bob.chat.accept({ inviteID }), refusedWith(ErrorCode.SIGNALING_INVALID_INVITE_ID));
      await assert.rejects(bob2.chat.reject({ inviteID }), refusedWith(8010));
      await assert.rejects(alice.chat.cancel({ inviteID }), refusedWith(ErrorCode.INVALID_CANCEL_MESSAGE));
      await settle();
      assert.deepEqual(alice.heard.names(), [TSignaling.INVITEE_ACCEPTED]);
      assert.deepEqual(bob.heard.names(), [TSignaling.NEW_INVITATION_RECEIVED], 'nothing of its own acceptance');
    } finally {
      await closeAll(alice.chat, bob.chat, bob2.chat);
    }
  });

  test('invite → reject, and invite → cancel: Tencent\'s codes for the calls that come too late or from the wrong side', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    try {
      const first = (await alice.chat.invite({ userID: bob.uid, data: 'one' })).inviteID;
      await heard(bob, TSignaling.NEW_INVITATION_RECEIVED);
      // Only the inviter cancels; only an invitee answers.
      await assert.rejects(bob.chat.cancel({ inviteID: first }), refusedWith(ErrorCode.SIGNALING_NO_PERMISSION));
      await assert.rejects(alice.chat.accept({ inviteID: first }), refusedWith(ErrorCode.SIGNALING_NO_PERMISSION));
      await bob.chat.reject({ inviteID: first, data: 'busy' });
      assert.deepEqual(await heard(alice, TSignaling.INVITEE_REJECTED), [
        { inviteID: first, inviter: alice.uid, groupID: '', data: 'busy', invitee: bob.uid },
      ]);
      await assert.rejects(bob.chat.accept({ inviteID: first }), refusedWith(ErrorCode.SIGNALING_INVALID_INVITE_ID));

      const second = (await alice.chat.invite({ userID: bob.uid, data: 'two', timeout: 30 })).inviteID;
      await heard(bob, TSignaling.NEW_INVITATION_RECEIVED, 2);
      const cancelled = await alice.chat.cancel({ inviteID: second, data: 'never mind' });
      assert.equal(cancelled.inviteID, second);
      assert.equal(
        cancelled.data.message.payload.data,
        tencentJSON({ data: 'never mind', inviteID: second, actionType: 2, inviter: alice.uid, inviteeList: [bob.uid] }),
      );
      assert.deepEqual(await heard(bob, TSignaling.INVITATION_CANCELLED), [
        { inviteID: second, inviter: alice.uid, groupID: '', data: 'never mind' },
      ]);
      await assert.rejects(bob.chat.accept({ inviteID: second }), refusedWith(ErrorCode.SIGNALING_INVALID_INVITE_ID));
      await assert.rejects(alice.chat.cancel({ inviteID: second }), refusedWith(ErrorCode.INVALID_CANCEL_MESSAGE));
      await assert.rejects(alice.chat.cancel({ inviteID: 'no-such-invitation' }), refusedWith(8020));
      // Each answer is a message of the conversation too, as Tencent's.
      await waitFor(() => bob.rec.received().length === 3, 5_000, 'three messages');
      assert.deepEqual(
        bob.rec.received().map((m) => bob.chat.getSignalingInfo(m)?.actionType),
        [TSignaling.ACTION_TYPE_INVITE, TSignaling.ACTION_TYPE_INVITE, TSignaling.ACTION_TYPE_CANCEL_INVITE],
      );
    } finally {
      await closeAll(alice.chat, bob.chat);
    }
  });

  test('invite → timeout: the invitee\'s time runs out first, and both sides hear it', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    try {
      const { inviteID } = await alice.chat.invite({ userID: bob.uid, data: 'ring', timeout: 1 });
      await heard(bob, TSignaling.NEW_INVITATION_RECEIVED);
      const [own] = (await heard(bob, TSignaling.INVITATION_TIMEOUT, 1, 4_000)) as InvitationTimeoutData[];
      const { message, ...rest } = own!;
      assert.deepEqual(rest, { data: 'ring', groupID: '', inviteID, inviteeList: [bob.uid], inviter: alice.uid, isSelfTimeout: true });
      assert.equal(message?.payload.data, tencentJSON({ data: 'ring', inviteID, actionType: 5, inviter: alice.uid, inviteeList: [bob.uid] }));
      assert.deepEqual(await heard(alice, TSignaling.INVITATION_TIMEOUT), [
        { inviteID, inviter: alice.uid, groupID: '', data: 'ring', inviteeList: [bob.uid], isSelfTimeout: false },
      ]);
      await assert.rejects(bob.chat.accept({ inviteID }), refusedWith(ErrorCode.SIGNALING_INVALID_INVITE_ID));
      await assert.rejects(alice.chat.cancel({ inviteID }), refusedWith(ErrorCode.INVALID_CANCEL_MESSAGE));
      // The inviter's own timer stopped: it tells nothing more (5 s past the timeout).
      await settle(5_500);
      assert.equal(alice.heard.of(TSignaling.INVITATION_TIMEOUT).length, 1);
      assert.equal(bob.heard.of(TSignaling.INVITATION_TIMEOUT).length, 1);
    } finally {
      await closeAll(alice.chat, bob.chat);
    }
  });

  test('invite → timeout with the invitee away: the inviter times it out 5 s after the timeout, and tells the invitee', async () => {
    const alice = await user('alice');
    const bob = uniqueUid('bob');
    await server.createUser(bob);
    try {
      const started = Date.now();
      const { inviteID } = await alice.chat.invite({ userID: bob, data: 'ring', timeout: 1 });
      const [own] = (await heard(alice, TSignaling.INVITATION_TIMEOUT, 1, 10_000)) as InvitationTimeoutData[];
      assert.ok(Date.now() - started >= 5_500, `after the timeout and 5 s: ${Date.now() - started} ms`);
      const { message, ...rest } = own!;
      assert.deepEqual(rest, { data: 'ring', groupID: '', inviteID, inviteeList: [bob], inviter: alice.uid, isSelfTimeout: true });
      assert.equal(message?.payload.data, tencentJSON({ data: 'ring', inviteID, actionType: 5, inviter: alice.uid, inviteeList: [bob] }));
      assert.equal(message?.conversationID, `C2C${bob}`);
      await assert.rejects(alice.chat.cancel({ inviteID }), refusedWith(ErrorCode.INVALID_CANCEL_MESSAGE));
    } finally {
      await closeAll(alice.chat);
    }
  });

  test('modifyInvitation: the invitation\'s message is changed, and everyone following it hears INVITATION_MODIFIED', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    try {
      const { inviteID, data } = await alice.chat.invite({ userID: bob.uid, data: 'audio' });
      await heard(bob, TSignaling.NEW_INVITATION_RECEIVED);
      const modified = await alice.chat.modifyInvitation({ inviteID, data: 'video' });
      assert.equal(modified.code, 0);
      assert.equal(modified.data.message, data.message, 'the invitation\'s message, changed (modifyMessage\'s answer)');
      assert.equal(
        data.message.payload.data,
        tencentJSON({ data: 'video', inviteID, actionType: 1, inviter: alice.uid, inviteeList: [bob.uid] }),
      );
      assert.deepEqual(await heard(bob, TSignaling.INVITATION_MODIFIED), [{ inviteID, data: 'video' }]);
      assert.deepEqual(await heard(alice, TSignaling.INVITATION_MODIFIED), [{ inviteID, data: 'video' }], "the inviter's own instance too");
      await waitFor(() => bob.rec.of(EVENT.MESSAGE_MODIFIED).length === 1, 5_000, 'MESSAGE_MODIFIED');
      assert.equal(bob.chat.getSignalingInfo(bob.rec.of(EVENT.MESSAGE_MODIFIED)[0]!.data[0]!)?.data, 'video');

      // What is known of it moved on: the answer carries on from there.
      await bob.chat.accept({ inviteID });
      await heard(alice, TSignaling.INVITEE_ACCEPTED);
      await assert.rejects(alice.chat.modifyInvitation({ inviteID, data: 'again' }), refusedWith(ErrorCode.SIGNALING_INVALID_INVITE_ID));
      await assert.rejects(alice.chat.modifyInvitation({ inviteID, data: '' }), refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /data/ }));
    } finally {
      await closeAll(alice.chat, bob.chat);
    }
  });
});

describe('group invitations', () => {
  test('inviteInGroup: the invitees hear it, other members only get the message; each answer reaches the inviter and the other invitees', async () => {
    const [alice, bob, carol, dave] = [await user('alice'), await user('bob'), await user('carol'), await user('dave')];
    try {
      const { group } = (
        await alice.chat.createGroup({ name: 'Call', memberList: [{ userID: bob.uid }, { userID: carol.uid }, { userID: dave.uid }] })
      ).data;
      const groupID = group.groupID;
      const invited = await alice.chat.inviteInGroup({ groupID, inviteeList: [bob.uid, carol.uid], data: 'standup', timeout: 30 });
      const { inviteID } = invited;
      assert.equal(invited.data.message.conversationID, `GROUP${groupID}`);
      assert.equal(
        invited.data.message.payload.data,
        tencentJSON({ timeout: 30, data: 'standup', inviteID, groupID, actionType: 1, inviter: alice.uid, inviteeList: [bob.uid, carol.uid] }),
      );
      for (const invitee of [bob, carol]) {
        assert.deepEqual(await heard(invitee, TSignaling.NEW_INVITATION_RECEIVED), [
          { inviteID, inviter: alice.uid, groupID, data: 'standup', inviteeList: [bob.uid, carol.uid] },
        ]);
      }
      await waitFor(() => dave.rec.received().some((m) => dave.chat.getSignalingInfo(m)?.inviteID === inviteID), 5_000, 'dave got the message');
      assert.deepEqual(dave.heard.names(), [], 'not an invitee: no invitation');

      await bob.chat.accept({ inviteID, data: 'joining' });
      const accepted = { inviteID, inviter: alice.uid, groupID, data: 'joining', invitee: bob.uid };
      assert.deepEqual(await heard(alice, TSignaling.INVITEE_ACCEPTED), [accepted]);
      assert.deepEqual(await heard(carol, TSignaling.INVITEE_ACCEPTED), [accepted], 'the other invitee hears it too');
      // bob answered already; the invitation still waits for carol.
      await assert.rejects(bob.chat.reject({ inviteID }), refusedWith(ErrorCode.SIGNALING_NO_PERMISSION));

      await carol.chat.reject({ inviteID, data: 'later' });
      const rejected = { inviteID, inviter: alice.uid, groupID, data: 'later', invitee: carol.uid };
      assert.deepEqual(await heard(alice, TSignaling.INVITEE_REJECTED), [rejected]);
      assert.deepEqual(await heard(bob, TSignaling.INVITEE_REJECTED), [rejected]);
      // Every invitee answered: over for the inviter.
      await assert.rejects(alice.chat.cancel({ inviteID }), refusedWith(ErrorCode.INVALID_CANCEL_MESSAGE));
      await settle();
      assert.deepEqual(dave.heard.names(), []);
    } finally {
      await closeAll(alice.chat, bob.chat, carol.chat, dave.chat);
    }
  });

  test('a group invitation cancelled, and one timed out by the invitee who did not answer', async () => {
    const [alice, bob, carol] = [await user('alice'), await user('bob'), await user('carol')];
    try {
      const groupID = (await alice.chat.createGroup({ name: 'Call', memberList: [{ userID: bob.uid }, { userID: carol.uid }] })).data.group.groupID;
      const first = (await alice.chat.inviteInGroup({ groupID, inviteeList: [bob.uid, carol.uid] })).inviteID;
      await heard(carol, TSignaling.NEW_INVITATION_RECEIVED);
      await heard(bob, TSignaling.NEW_INVITATION_RECEIVED);
      await alice.chat.cancel({ inviteID: first });
      for (const invitee of [bob, carol]) {
        assert.deepEqual(await heard(invitee, TSignaling.INVITATION_CANCELLED), [{ inviteID: first, inviter: alice.uid, groupID, data: '' }]);
      }

      const second = (await alice.chat.inviteInGroup({ groupID, inviteeList: [bob.uid, carol.uid], timeout: 1 })).inviteID;
      await heard(bob, TSignaling.NEW_INVITATION_RECEIVED, 2);
      await bob.chat.accept({ inviteID: second });
      // carol lets it ring: her time runs out, she tells the group.
      const [own] = (await heard(carol, TSignaling.INVITATION_TIMEOUT, 1, 4_000)) as InvitationTimeoutData[];
      assert.deepEqual([own!.isSelfTimeout, own!.inviteeList, own!.groupID], [true, [carol.uid], groupID]);
      const told = { inviteID: second, inviter: alice.uid, groupID, data: '', inviteeList: [carol.uid], isSelfTimeout: false };
      assert.deepEqual(await heard(alice, TSignaling.INVITATION_TIMEOUT), [told]);
      assert.deepEqual(await heard(bob, TSignaling.INVITATION_TIMEOUT), [told]);
      // Every invitee answered or timed out: the inviter's timer tells nothing more.
      await assert.rejects(alice.chat.cancel({ inviteID: second }), refusedWith(ErrorCode.INVALID_CANCEL_MESSAGE));
      await settle(5_500);
      assert.equal(alice.heard.of(TSignaling.INVITATION_TIMEOUT).length, 1);
    } finally {
      await closeAll(alice.chat, bob.chat, carol.chat);
    }
  });
});

describe('invitations missed while away', () => {
  test('after a reconnect: an invitation still waiting is heard (and answered); one cancelled, or over, meanwhile is not', async () => {
    const alice = await user('alice');
    const gate = gatedSocket();
    const bobID = uniqueUid('bob');
    const bobDevice = await liveDevice(server, bobID, 1, gate.WebSocket);
    const bob = { uid: bobID, chat: bobDevice.chat, rec: bobDevice.rec, heard: listen(bobDevice.chat) };
    try {
      const away = async () => {
        gate.cut();
        await waitFor(() => bob.rec.of(EVENT.NET_STATE_CHANGE).at(-1)?.data.state === 'disconnected', 5_000, 'bob offline');
      };
      const back = async () => {
        gate.open();
        await waitFor(() => bob.rec.of(EVENT.NET_STATE_CHANGE).at(-1)?.data.state === 'connected', 10_000, 'bob back');
      };

      await away();
      const waiting = (await alice.chat.invite({ userID: bob.uid, data: 'call', timeout: 30 })).inviteID;
      await back();
      assert.deepEqual(await heard(bob, TSignaling.NEW_INVITATION_RECEIVED, 1, 10_000), [
        { inviteID: waiting, inviter: alice.uid, groupID: '', data: 'call', inviteeList: [bob.uid] },
      ]);
      await bob.chat.accept({ inviteID: waiting });
      await heard(alice, TSignaling.INVITEE_ACCEPTED);

      // Invited and cancelled while away: over before bob hears of it. So is one whose time ran out.
      await away();
      const cancelled = (await alice.chat.invite({ userID: bob.uid, data: 'oops', timeout: 30 })).inviteID;
      await alice.chat.cancel({ inviteID: cancelled });
      await alice.chat.invite({ userID: bob.uid, data: 'quick', timeout: 1 });
      await settle(2_100); // more than a whole second past its timeout, by the seconds messages are timed in
      await sendText(alice.chat, bob.uid, 'call me back');
      await back();
      await waitFor(() => bob.rec.received().some((m) => m.payload.text === 'call me back'), 10_000, 'the messages missed');
      await settle();
      assert.equal(bob.heard.of(TSignaling.NEW_INVITATION_RECEIVED).length, 1, 'no other invitation told');
      assert.equal(bob.heard.of(TSignaling.INVITATION_CANCELLED).length, 0);
      // The messages are there all the same, as Tencent's.
      const infos = bob.rec.received().map((m) => bob.chat.getSignalingInfo(m)).filter((info) => info !== null);
      assert.deepEqual(
        infos.map((info) => [info!.data, info!.actionType]),
        [
          ['call', 1],
          ['oops', 1],
          ['', 2],
          ['quick', 1],
        ],
      );
    } finally {
      await closeAll(alice.chat, bob.chat);
    }
  });

  test('at login: an invitation sent while the user was logged out is heard, as Tencent\'s SDK reads them; a cancelled one is not', async () => {
    const alice = await user('alice');
    const bobID = uniqueUid('bob');
    const token = await server.createUser(bobID);
    try {
      const cancelled = (await alice.chat.invite({ userID: bobID, data: 'first', timeout: 60 })).inviteID;
      await alice.chat.cancel({ inviteID: cancelled });
      const waiting = (await alice.chat.invite({ userID: bobID, data: 'second', timeout: 60 })).inviteID;
      await settle(1_100);

      // As Tencent's guide: listen before logging in.
      const chat = newChat(server, { ws: true });
      const bob = { uid: bobID, chat, heard: listen(chat) };
      await loginReady(chat, bobID, token);
      const [invitation] = await heard(bob, TSignaling.NEW_INVITATION_RECEIVED);
      assert.deepEqual(invitation, { inviteID: waiting, inviter: alice.uid, groupID: '', data: 'second', inviteeList: [bobID] });
      await settle();
      assert.deepEqual(bob.heard.names(), [TSignaling.NEW_INVITATION_RECEIVED], 'only the one still waiting');
      await chat.accept({ inviteID: waiting });
      await heard(alice, TSignaling.INVITEE_ACCEPTED);
      await closeAll(chat);

      // An app that does not listen for invitations at login reads nothing back.
      const spy = spyFetch();
      const quiet = newChat(server, { ws: true, fetch: spy.fetch });
      await alice.chat.invite({ userID: bobID, data: 'third', timeout: 60 });
      await loginReady(quiet, bobID, token);
      await settle();
      assert.equal(spy.calls.filter((c) => c.url.includes('/messages?')).length, 0);
      await closeAll(quiet);
    } finally {
      await closeAll(alice.chat);
    }
  });

  test("Tencent's excludeFromHistoryMessage marker in the data: the invitation counts as unread for no one and is no last message", async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    try {
      await sendText(alice.chat, bob.uid, 'call me');
      const data = JSON.stringify({ businessID: 'av_call', excludeFromHistoryMessage: true });
      const { inviteID } = await alice.chat.invite({ userID: bob.uid, data, timeout: 30 });
      await heard(bob, TSignaling.NEW_INVITATION_RECEIVED);
      const conversation = (await bob.chat.getConversationProfile(`C2C${alice.uid}`)).data.conversation;
      assert.equal(conversation.unreadCount, 1, 'the marked invitation is not unread, the text is');
      const lastText = (c: { lastMessage: unknown }) => (c.lastMessage as { payload: { text?: string } }).payload.text;
      assert.equal(lastText(conversation), 'call me', 'nor the last message');
      const own = (await alice.chat.getConversationProfile(`C2C${bob.uid}`)).data.conversation;
      assert.equal(lastText(own), 'call me', "nor the inviter's");
      await alice.chat.cancel({ inviteID });
    } finally {
      await closeAll(alice.chat, bob.chat);
    }
  });

  test('onlineUserOnly: only the devices connected hear it, and its answers are online-only too', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    const carolID = uniqueUid('carol');
    await server.createUser(carolID);
    try {
      const invited = await alice.chat.invite({ userID: bob.uid, data: 'now or never', onlineUserOnly: true });
      assert.equal(invited.data.message.sequence, 0, 'not stored');
      await heard(bob, TSignaling.NEW_INVITATION_RECEIVED);
      const accepted = await bob.chat.accept({ inviteID: invited.inviteID });
      assert.equal(accepted.data.message.sequence, 0, 'the answer is online-only too');
      await heard(alice, TSignaling.INVITEE_ACCEPTED);

      // Someone not connected never hears of it, even logging in right after.
      await alice.chat.invite({ userID: carolID, onlineUserOnly: true, timeout: 60 });
      const chat = newChat(server, { ws: true });
      const carol = { chat, heard: listen(chat) };
      await loginReady(chat, carolID, await server.createUser(carolID, 2));
      await settle(500);
      assert.deepEqual(carol.heard.names(), []);
      await closeAll(chat);
    } finally {
      await closeAll(alice.chat, bob.chat);
    }
  });
});

describe("Tencent's format and the listeners", () => {
  test("an invitation in Tencent's format made by hand is heard, and answered in that format", async () => {
    const bob = await user('bob');
    const tencentApp = uniqueUid('tencent');
    const token = await server.createUser(tencentApp);
    try {
      const inviteID = 'a0b1c2d3-e4f5-4a6b-8c7d-8e9fa0b1c2d3';
      const payload = {
        data: tencentJSON({ timeout: 30, data: '{"call_type":1}', inviteID, actionType: 1, inviter: tencentApp, inviteeList: [bob.uid] }),
        description: '',
        extension: '',
      };
      await server.sendAs(token, `C2C${bob.uid}`, { type: 'TIMCustomElem', payload });
      assert.deepEqual(await heard(bob, TSignaling.NEW_INVITATION_RECEIVED), [
        { inviteID, inviter: tencentApp, groupID: '', data: '{"call_type":1}', inviteeList: [bob.uid] },
      ]);
      const rejected = await bob.chat.reject({ inviteID, data: 'busy' });
      assert.equal(rejected.data.message.payload.data, tencentJSON({ data: 'busy', inviteID, actionType: 4, inviter: tencentApp, inviteeList: [bob.uid] }));
      assert.equal(rejected.data.message.conversationID, `C2C${tencentApp}`, 'the answer goes to the inviter');

      // Tencent's other mark of a signalling message: cloudCustomData saying so.
      await server.sendAs(token, `C2C${bob.uid}`, {
        type: 'TIMCustomElem',
        payload: { data: JSON.stringify({ inviteID: 'x', data: 'y' }) },
        cloudCustomData: JSON.stringify({ type: 'tsignaling' }),
      });
      await waitFor(() => bob.rec.received().length === 2, 5_000, 'the marked message');
      const info = bob.chat.getSignalingInfo(bob.rec.received()[1]!);
      assert.deepEqual(info, { businessID: 1, inviteID: 'x', groupID: '', inviter: '', inviteeList: [], data: 'y', actionType: 1, timeout: 0 });
      await settle();
      assert.deepEqual(bob.heard.names(), [TSignaling.NEW_INVITATION_RECEIVED], 'no actionType: it moves nothing');
      // Anything else is no signalling message.
      const plain = await sendText(bob.chat, tencentApp, 'inviteID and actionType, in words');
      assert.equal(bob.chat.getSignalingInfo(plain), null, 'a text is not a custom message');
      const custom = bob.chat.createCustomMessage({ to: tencentApp, conversationType: TYPES.CONV_C2C, payload: { data: '{"inviteID":1}' } });
      assert.equal(bob.chat.getSignalingInfo(custom), null);
      const broken = bob.chat.createCustomMessage({ to: tencentApp, conversationType: TYPES.CONV_C2C, payload: { data: 'inviteID actionType' } });
      assert.equal(bob.chat.getSignalingInfo(broken), null, 'no JSON');
    } finally {
      await closeAll(bob.chat);
    }
  });

  test('only an instance listening for signalling follows invitations; on() works as addSignalingListener does', async () => {
    const alice = await user('alice');
    const bobID = uniqueUid('bob');
    const bobDevice = await liveDevice(server, bobID, 1);
    try {
      const first = (await alice.chat.invite({ userID: bobID })).inviteID;
      await waitFor(() => bobDevice.rec.received().length === 1, 5_000, 'the message');
      await assert.rejects(bobDevice.chat.accept({ inviteID: first }), refusedWith(ErrorCode.SIGNALING_INVALID_INVITE_ID), 'not followed');

      // Listening with on(), under Tencent's names.
      const heardHere: any[] = [];
      const handler = function (this: unknown, event: { name: string; data: unknown }) {
        heardHere.push([event.name, event.data, this]);
      };
      const context = { app: true };
      bobDevice.chat.on(TencentCloudChat.TSignaling.NEW_INVITATION_RECEIVED, handler, context);
      const second = (await alice.chat.invite({ userID: bobID, data: 'again' })).inviteID;
      await waitFor(() => heardHere.length === 1, 5_000, 'heard with on()');
      assert.deepEqual(heardHere[0], [
        TSignaling.NEW_INVITATION_RECEIVED,
        { inviteID: second, inviter: alice.uid, groupID: '', data: 'again', inviteeList: [bobID] },
        context,
      ]);
      await bobDevice.chat.accept({ inviteID: second });

      // removeSignalingListener takes the handler off; without any, nothing is followed again.
      bobDevice.chat.removeSignalingListener(TSignaling.NEW_INVITATION_RECEIVED, handler, context);
      await alice.chat.invite({ userID: bobID, data: 'third' });
      await waitFor(() => bobDevice.rec.received().length === 3, 5_000, 'the third message');
      await settle();
      assert.equal(heardHere.length, 1);
    } finally {
      await closeAll(alice.chat, bobDevice.chat);
    }
  });

  test('inviteSync and inviteInGroupSync: the inviteID at once, then successCb; errorCb(code, message)', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    try {
      let succeeded: unknown;
      const inviteID = alice.chat.inviteSync({ userID: bob.uid, data: 'sync' }, (result: unknown) => (succeeded = result), () => {});
      assert.match(inviteID, /^[0-9a-f-]{36}$/);
      await waitFor(() => succeeded !== undefined, 5_000, 'successCb');
      assert.deepEqual(succeeded, { inviteID });
      assert.equal((await heard(bob, TSignaling.NEW_INVITATION_RECEIVED))[0].inviteID, inviteID);

      const failures: unknown[][] = [];
      assert.equal(alice.chat.inviteInGroupSync({ groupID: '', inviteeList: [bob.uid] }, () => {}, (...args: unknown[]) => failures.push(args)), '');
      assert.deepEqual(failures.map(([code]) => code), [ErrorCode.INVALID_ARGUMENT]);
      assert.match(String(failures[0]![1]), /groupID/);
      // A send the server refuses: errorCb later, with its code.
      const groupID = uniqueUid('no-group');
      const id = alice.chat.inviteInGroupSync({ groupID, inviteeList: [bob.uid] }, () => failures.push(['succeeded']), (...args: unknown[]) => failures.push(args));
      assert.equal(typeof id, 'string');
      await waitFor(() => failures.length === 2, 5_000, 'errorCb');
      assert.ok(typeof failures[1]![0] === 'number' && failures[1]![0] !== 0, `a code: ${failures[1]![0]}`);
    } finally {
      await closeAll(alice.chat, bob.chat);
    }
  });

  test('the checks before any request: 40001 (and 40101 logged out)', async () => {
    const spy = spyFetch();
    const uid = uniqueUid('alice');
    const chat = newChat(server, { ws: true, fetch: spy.fetch });
    await loginReady(chat, uid, await server.createUser(uid));
    try {
      const before = spy.calls.length;
      const loose = chat as unknown as Record<string, (options: unknown) => Promise<unknown>>;
      for (const [call, options, message] of [
        ['invite', undefined, /options/],
        ['invite', {}, /userID/],
        ['invite', { userID: '' }, /userID/],
        ['invite', { userID: 'bob', data: 7 }, /data: a string/],
        ['invite', { userID: 'bob', timeout: -1 }, /timeout/],
        ['invite', { userID: 'bob', timeout: 1.5 }, /timeout/],
        ['invite', { userID: 'bob', timeout: '30' }, /timeout/],
        ['invite', { userID: 'bob', onlineUserOnly: 'yes' }, /onlineUserOnly/],
        ['invite', { userID: 'bob', groupID: 'g' }, /inviteeList/],
        ['inviteInGroup', { inviteeList: ['bob'] }, /groupID/],
        ['inviteInGroup', { groupID: 'g' }, /inviteeList/],
        ['inviteInGroup', { groupID: 'g', inviteeList: [] }, /inviteeList: is empty/],
        ['inviteInGroup', { groupID: 'g', inviteeList: ['bob', 7] }, /inviteeList/],
        ['accept', undefined, /options/],
        ['accept', {}, /inviteID/],
        ['reject', { inviteID: 7 }, /inviteID/],
        ['accept', { inviteID: 'x', data: 1 }, /data/],
        ['cancel', null, /options/],
        ['modifyInvitation', { data: 'x' }, /inviteID/],
        ['modifyInvitation', { inviteID: 'x' }, /data/],
      ] as const) {
        await assert.rejects(
          loose[call]!.call(chat, options),
          refusedWith(ErrorCode.INVALID_ARGUMENT, { message: new RegExp(`^${call}: ${message.source}`) }),
          `${call} ${JSON.stringify(options)}`,
        );
      }
      for (const bad of [() => chat.addSignalingListener('', () => {}), () => chat.addSignalingListener('x', 'handler' as never), () => chat.removeSignalingListener('x', undefined as never)]) {
        assert.throws(bad, refusedWith(ErrorCode.INVALID_ARGUMENT));
      }
      assert.equal(spy.calls.length, before, 'no request was made');
      await chat.logout();
      await assert.rejects(chat.invite({ userID: 'bob' }), refusedWith(ErrorCode.UNAUTHENTICATED));
      await assert.rejects(chat.inviteInGroup({ groupID: 'g', inviteeList: ['bob'] }), refusedWith(ErrorCode.UNAUTHENTICATED));
      assert.equal(spy.calls.length, before);
      // Tencent's module is there.
      assert.equal(chat.callExperimentalAPI('canIUseModule', 'signaling-module'), true);
    } finally {
      await closeAll(chat);
    }
  });
});

