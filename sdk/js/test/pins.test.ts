/**
 * Pinned group messages against a real natter server, as Tencent's SDK has them: pinGroupMessage
 * (resolving `{}`), PINNED_GROUP_MESSAGE_UPDATED on every device of every member (the pinning
 * user's own included), with the whole message both ways and `pinnerInfo` while pinned;
 * getPinnedGroupMessageList in sequence order with who pinned each; pinning twice and unpinning
 * what is not pinned telling no one; who may pin in a public group; the tenth pin and Tencent's
 * 10070 for the eleventh; recalled and deleted messages in the list; and the checks made before
 * any request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import TencentCloudChat from '@tencentcloud/chat';
import { EVENT, ErrorCode, TYPES, type Message, type PinnedGroupMessageUpdatedData } from '@natter/sdk';
import { aliceTwiceBobCarol, closeAll, destroyAllChats, liveDevice, liveUsers, refusedWith, sendText } from '../testing/chat.js';
import { spyFetch, startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';

let server: TestServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

type Device = Awaited<ReturnType<typeof liveDevice>>;
type Name = 'alice' | 'bob' | 'carol';

/**
 * A work group alice created with bob and carol (Tencent's createGroup, the default type), each
 * with a nick and an avatar; alice has a second device (`alice2`), and her first instance spies on
 * its requests (`calls`).
 */
async function workGroup() {
  const uid = { alice: uniqueUid('alice'), bob: uniqueUid('bob'), carol: uniqueUid('carol') };
  for (const [name, id] of Object.entries(uid)) {
    await server.createUser(id);
    await server.setProfile(id, { nick: name.toUpperCase(), avatar: `https://example.com/${name}.png` });
  }
  const spy = spyFetch();
  const { alice, alice2, bob, carol } = await aliceTwiceBobCarol(server, uid, spy.fetch);
  const memberList = [{ userID: uid.bob }, { userID: uid.carol }];
  const { group } = (await alice!.chat.createGroup({ name: 'Team', memberList })).data;
  assert.equal(group.type, TYPES.GRP_WORK);
  const devices = { alice: alice!, alice2: alice2!, bob: bob!, carol: carol! };
  return {
    ...devices,
    all: Object.values(devices),
    groupID: group.groupID,
    calls: spy.calls,
    /** Who a user is in `pinnerInfo` and `operatorInfo`. */
    user: (name: Name) => ({ userID: uid[name], nick: name.toUpperCase(), avatar: `https://example.com/${name}.png` }),
    done: () => closeAll(...Object.values(devices).map((d) => d.chat)),
  };
}

/** `from` sends the group the text message `text`. */
function groupText(from: Device, groupID: string, text: string): Promise<Message> {
  return sendText(from.chat, groupID, text, 'GROUP');
}

/** `d`'s copy of a group message (by its sequence), once delivered. */
async function copyOf(d: Device, sent: Message): Promise<Message> {
  const find = () => d.rec.received().find((m) => m.conversationID === sent.conversationID && m.sequence === sent.sequence);
  await waitFor(() => find() !== undefined, 5_000, `${sent.payload.text} delivered`);
  return find()!;
}

/** Every PINNED_GROUP_MESSAGE_UPDATED a device heard, its data. */
function pinEvents(d: Device): PinnedGroupMessageUpdatedData[] {
  return d.rec.of(EVENT.PINNED_GROUP_MESSAGE_UPDATED).map((e) => e.data);
}

/** Waits until each device heard `count` PINNED_GROUP_MESSAGE_UPDATED, and returns the last of each. */
async function heardBy(devices: Device[], count: number): Promise<PinnedGroupMessageUpdatedData[]> {
  await waitFor(() => devices.every((d) => pinEvents(d).length === count), 5_000, `pin event #${count} everywhere`);
  return devices.map((d) => pinEvents(d).at(-1)!);
}

/** The requests the spy saw to a pinned-messages path. */
function pinCalls(calls: { url: string }[]) {
  return calls.filter((c) => new URL(c.url).pathname.endsWith('/pinned-messages'));
}

describe('pinGroupMessage and PINNED_GROUP_MESSAGE_UPDATED', () => {
  test("a member pins: every member's devices hear it, the message whole with who pinned it; the list is in sequence order", async () => {
    const g = await workGroup();
    try {
      const first = await groupText(g.alice, g.groupID, 'first');
      const second = await groupText(g.bob, g.groupID, 'second');
      const bobsFirst = await copyOf(g.bob, first);
      const carolsSecond = await copyOf(g.carol, second);
      await copyOf(g.alice, second);

      // carol pins the later message, then bob the earlier one: the list goes by sequence.
      const answer = await g.carol.chat.pinGroupMessage({ groupID: g.groupID, message: carolsSecond, isPinned: true });
      assert.deepEqual(answer, { code: 0, data: {} }, "Tencent's empty answer");
      await heardBy(g.all, 1);

      const heard: { groupID: string; isPinned: boolean; operator: string; text: string }[] = [];
      // An app written to Tencent's SDK listens under Tencent's names.
      g.alice.chat.on(TencentCloudChat.EVENT.PINNED_GROUP_MESSAGE_UPDATED, (event: any) => {
        const { groupID, message, isPinned, operatorInfo } = event.data;
        heard.push({ groupID, isPinned, operator: operatorInfo.userID, text: message.payload.text });
      });
      await g.bob.chat.pinGroupMessage({ groupID: g.groupID, message: bobsFirst, isPinned: true });
      const events = await heardBy(g.all, 2);
      for (const [i, event] of events.entries()) {
        assert.equal(event.groupID, g.groupID, `device ${i}`);
        assert.equal(event.isPinned, true);
        assert.deepEqual(event.operatorInfo, g.user('bob'));
        assert.deepEqual(event.message.pinnerInfo, g.user('bob'), 'pinned: the operator');
        assert.equal(event.message.sequence, first.sequence);
        assert.equal(event.message.payload.text, 'first', 'the whole message');
        assert.equal(event.message.conversationID, `GROUP${g.groupID}`);
      }
      // alice's instance names her send by the ID it made, and hands over the very object it sent.
      assert.equal(events[0]!.message, first);
      assert.equal(first.pinnerInfo?.userID, g.user('bob').userID);
      // Everyone else knows it by the server's ID.
      assert.notEqual(first.ID, bobsFirst.ID);
      assert.deepEqual(events.slice(1).map((e) => e.message.ID), [bobsFirst.ID, bobsFirst.ID, bobsFirst.ID]);
      assert.deepEqual(heard, [{ groupID: g.groupID, isPinned: true, operator: g.user('bob').userID, text: 'first' }]);

      // The list: oldest message first whoever pinned it when, each with who pinned it.
      const listed = await g.alice.chat.getPinnedGroupMessageList(g.groupID);
      assert.equal(listed.code, 0);
      const list = listed.data.messageList;
      assert.deepEqual(list.map((m) => m.payload.text), ['first', 'second']);
      assert.equal(list[0], first, 'her own send is the object she sent');
      assert.deepEqual(list.map((m) => m.pinnerInfo), [g.user('bob'), g.user('carol')]);
      assert.deepEqual(list.map((m) => m.sequence), [first.sequence, second.sequence]);
      const carols = (await g.carol.chat.getPinnedGroupMessageList(g.groupID)).data.messageList;
      assert.deepEqual(carols.map((m) => m.ID), [bobsFirst.ID, carolsSecond.ID]);
      assert.equal(g.carol.chat.findMessage(carolsSecond.ID)?.pinnerInfo?.userID, g.user('carol').userID, 'kept as history keeps it');

      // Unpinned: the whole message again (Tencent's gives a stub), without pinnerInfo.
      assert.deepEqual(await g.bob.chat.pinGroupMessage({ groupID: g.groupID, message: bobsFirst, isPinned: false }), {
        code: 0,
        data: {},
      });
      for (const event of await heardBy(g.all, 3)) {
        assert.equal(event.isPinned, false);
        assert.deepEqual(event.operatorInfo, g.user('bob'));
        assert.equal(event.message.payload.text, 'first');
        assert.equal(event.message.sequence, first.sequence);
        assert.ok(!('pinnerInfo' in event.message), 'no pinner once unpinned');
      }
      assert.ok(!('pinnerInfo' in first), "alice's object is no longer pinned");
      assert.deepEqual(heard.map((h) => h.isPinned), [true, false]);
      const bobs = (await g.bob.chat.getPinnedGroupMessageList(g.groupID)).data.messageList;
      assert.equal(bobs.length, 1);
      assert.equal(bobs[0], second, "bob's own send, the object he sent");
      assert.deepEqual(second.pinnerInfo, g.user('carol'));

      // Pinning a pinned message, or unpinning one that is not: resolves, and tells no one.
      assert.deepEqual(await g.carol.chat.pinGroupMessage({ groupID: g.groupID, message: carolsSecond, isPinned: true }), {
        code: 0,
        data: {},
      });
      assert.deepEqual(await g.bob.chat.pinGroupMessage({ groupID: g.groupID, message: bobsFirst, isPinned: false }), {
        code: 0,
        data: {},
      });
      await settle();
      assert.deepEqual(g.all.map((d) => pinEvents(d).length), [3, 3, 3, 3]);
    } finally {
      await g.done();
    }
  });

  test('the list keeps a recalled message as its stub, and one the user deleted for themself marked isDeleted', async () => {
    const g = await workGroup();
    try {
      const kept = await groupText(g.alice, g.groupID, 'kept');
      const recalled = await groupText(g.alice, g.groupID, 'recalled');
      const bobsKept = await copyOf(g.bob, kept);
      await copyOf(g.bob, recalled);
      await g.alice.chat.pinGroupMessage({ groupID: g.groupID, message: kept, isPinned: true });
      await g.alice.chat.pinGroupMessage({ groupID: g.groupID, message: recalled, isPinned: true });
      await heardBy([g.bob], 2);

      await g.alice.chat.revokeMessage(recalled);
      const listed = (await g.carol.chat.getPinnedGroupMessageList(g.groupID)).data.messageList;
      assert.deepEqual(listed.map((m) => [m.sequence, m.isRevoked]), [
        [kept.sequence, false],
        [recalled.sequence, true],
      ]);
      assert.deepEqual(listed[1]!.pinnerInfo, g.user('alice'), 'still pinned, as its stub');
      // A recalled message cannot be pinned anew (the server's 40901).
      await g.alice.chat.pinGroupMessage({ groupID: g.groupID, message: recalled, isPinned: false });
      await assert.rejects(
        g.alice.chat.pinGroupMessage({ groupID: g.groupID, message: recalled, isPinned: true }),
        refusedWith(ErrorCode.CONFLICT, { error: 'conflict' }),
      );

      // bob deletes a pinned message for himself: the group still pins it; his list says so.
      await g.bob.chat.deleteMessage([bobsKept]);
      const bobs = (await g.bob.chat.getPinnedGroupMessageList(g.groupID)).data.messageList;
      assert.deepEqual(bobs.map((m) => [m.ID, m.isDeleted]), [[bobsKept.ID, true]]);
      assert.deepEqual(bobs[0]!.pinnerInfo, g.user('alice'));
      assert.equal(g.bob.chat.findMessage(bobsKept.ID), null, 'not brought back');
      assert.deepEqual(
        (await g.carol.chat.getPinnedGroupMessageList(g.groupID)).data.messageList.map((m) => m.isDeleted),
        [false],
        'for the others it is there',
      );
    } finally {
      await g.done();
    }
  });

  test('in a public group the owner and the admins pin; a plain member is refused 40301', async () => {
    const people = await liveUsers(server, 'alice', 'bob', 'carol');
    try {
      const memberList = [{ userID: people.uid.bob }, { userID: people.uid.carol }];
      const { groupID } = (
        await people.alice.chat.createGroup({ name: 'Club', type: TYPES.GRP_PUBLIC, memberList })
      ).data.group;
      const sent = await groupText(people.alice, groupID, 'house rules');
      const bobsCopy = await copyOf(people.bob, sent);

      await assert.rejects(
        people.bob.chat.pinGroupMessage({ groupID, message: bobsCopy, isPinned: true }),
        refusedWith(ErrorCode.PERMISSION_DENIED, { error: 'permission_denied' }),
      );
      assert.deepEqual((await people.bob.chat.getPinnedGroupMessageList(groupID)).data.messageList, []);

      assert.deepEqual(await people.alice.chat.pinGroupMessage({ groupID, message: sent, isPinned: true }), {
        code: 0,
        data: {},
      });
      const [told] = await heardBy([people.bob], 1);
      assert.equal(told!.operatorInfo.userID, people.uid.alice);

      // Made an admin, bob may.
      await people.alice.chat.setGroupMemberRole({ groupID, userID: people.uid.bob, role: TYPES.GRP_MBR_ROLE_ADMIN });
      await people.bob.chat.pinGroupMessage({ groupID, message: bobsCopy, isPinned: false });
      await heardBy([people.carol], 2);
      assert.deepEqual((await people.carol.chat.getPinnedGroupMessageList(groupID)).data.messageList, []);

      // Someone who never joined cannot read the list.
      const stranger = await liveDevice(server, uniqueUid('dave'), 1);
      await assert.rejects(
        stranger.chat.getPinnedGroupMessageList(groupID),
        refusedWith(ErrorCode.PERMISSION_DENIED),
      );
      await closeAll(stranger.chat);
    } finally {
      await people.done();
    }
  });

  test("a group holds 10 pinned messages: the 11th is refused with Tencent's 10070 until one is unpinned", async () => {
    const g = await workGroup();
    try {
      const sent: Message[] = [];
      for (let i = 1; i <= 11; i += 1) sent.push(await groupText(g.alice, g.groupID, `note ${i}`));
      for (const message of sent.slice(0, 10)) {
        await g.alice.chat.pinGroupMessage({ groupID: g.groupID, message, isPinned: true });
      }
      const eleventh = sent[10]!;
      await assert.rejects(
        g.alice.chat.pinGroupMessage({ groupID: g.groupID, message: eleventh, isPinned: true }),
        (err: any) => {
          assert.equal(err.code, ErrorCode.GROUP_PINNED_MESSAGE_COUNT_LIMIT);
          assert.equal(err.code, 10070, "Tencent's ERR_SVR_GROUP_PINNED_MESSAGE_COUNT_LIMIT");
          assert.equal(err.error, 'too_many_pinned_messages', "the server's name");
          assert.equal(err.status, 409);
          return true;
        },
      );
      const listed = (await g.bob.chat.getPinnedGroupMessageList(g.groupID)).data.messageList;
      assert.deepEqual(listed.map((m) => m.payload.text), sent.slice(0, 10).map((m) => m.payload.text));

      await g.alice.chat.pinGroupMessage({ groupID: g.groupID, message: sent[0]!, isPinned: false });
      await g.alice.chat.pinGroupMessage({ groupID: g.groupID, message: eleventh, isPinned: true });
      const after = (await g.alice.chat.getPinnedGroupMessageList(g.groupID)).data.messageList;
      assert.equal(after.length, 10);
      assert.equal(after.at(-1), eleventh);
    } finally {
      await g.done();
    }
  });

  test('bad options are refused with 40001 before any request', async () => {
    const g = await workGroup();
    try {
      const chat = g.alice.chat;
      const message = await groupText(g.alice, g.groupID, 'pin me');
      const unsent = chat.createTextMessage({ to: g.groupID, conversationType: 'GROUP', payload: { text: 'draft' } });
      const oneToOne = await sendText(chat, g.user('bob').userID, 'hi bob');
      const groupID = g.groupID;
      const before = pinCalls(g.calls).length;
      const refusals: [string, () => Promise<unknown>][] = [
        ['no options', () => chat.pinGroupMessage(undefined as never)],
        ['no groupID', () => chat.pinGroupMessage({ message, isPinned: true } as never)],
        ['an empty groupID', () => chat.pinGroupMessage({ groupID: '', message, isPinned: true })],
        ['no message', () => chat.pinGroupMessage({ groupID, isPinned: true } as never)],
        ['not a Message', () => chat.pinGroupMessage({ groupID, message: { ID: 'x' } as never, isPinned: true })],
        ['no isPinned', () => chat.pinGroupMessage({ groupID, message } as never)],
        ['isPinned not a boolean', () => chat.pinGroupMessage({ groupID, message, isPinned: 'true' as never })],
        ['a message of another group', () => chat.pinGroupMessage({ groupID: 'elsewhere', message, isPinned: true })],
        ['a one-to-one message', () => chat.pinGroupMessage({ groupID, message: oneToOne, isPinned: true })],
        ['a message not sent', () => chat.pinGroupMessage({ groupID, message: unsent, isPinned: true })],
        ['no groupID to list', () => chat.getPinnedGroupMessageList(undefined as never)],
        ['an empty groupID to list', () => chat.getPinnedGroupMessageList('')],
      ];
      for (const [what, call] of refusals) {
        await assert.rejects(call(), refusedWith(ErrorCode.INVALID_ARGUMENT, { error: 'invalid_argument' }), what);
      }
      assert.equal(pinCalls(g.calls).length, before, 'no request was made');
    } finally {
      await g.done();
    }
  });
});
