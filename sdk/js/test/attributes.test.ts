/**
 * Group attributes against a real natter server, as Tencent's SDK has them: initGroupAttributes
 * and setGroupAttributes resolving `{ groupAttributes }` (those given), deleteGroupAttributes
 * `{ keyList }` (the keys deleted), getGroupAttributes (all with `[]`, or the keys asked that the
 * group has), GROUP_ATTRIBUTES_UPDATED on every device of every member, the changing instance's
 * own included, with every attribute and what changed (none when nothing did); any type of group;
 * the later of two changes staying; the server's refusals (never a member, left, dismissed, no
 * group, the limits) and the checks made before any request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import TencentCloudChat from '@tencentcloud/chat';
import { EVENT, ErrorCode, TYPES, type GroupAttributesUpdatedData } from '@natter/sdk';
import { aliceTwiceBobCarol, closeAll, destroyAllChats, liveDevice, newChat, refusedWith } from '../testing/chat.js';
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

/**
 * A group alice created with bob (a work group unless `type` says another; its ID is Tencent's
 * `@TGS#…`, percent-encoded in paths); alice has a second device (`alice2`), carol is no member,
 * and alice's first instance spies on its requests (`calls`).
 */
async function team(type: string = TYPES.GRP_WORK) {
  const uid = { alice: uniqueUid('alice'), bob: uniqueUid('bob'), carol: uniqueUid('carol') };
  const spy = spyFetch();
  const { alice, alice2, bob, carol } = await aliceTwiceBobCarol(server, uid, spy.fetch);
  const joinOption = type === TYPES.GRP_PUBLIC ? TYPES.JOIN_OPTIONS_FREE_ACCESS : undefined;
  const { group } = (await alice!.chat.createGroup({ name: 'Team', type: type as never, joinOption })).data;
  if (type === TYPES.GRP_WORK) await alice!.chat.addGroupMember({ groupID: group.groupID, userIDList: [uid.bob] });
  else await bob!.chat.joinGroup({ groupID: group.groupID });
  const members = { alice: alice!, alice2: alice2!, bob: bob! };
  return {
    ...members,
    carol: carol!,
    members: Object.values(members),
    uid,
    groupID: group.groupID,
    calls: spy.calls,
    /** The attribute requests alice's first instance made: method, path after the group, body. */
    requests: () =>
      spy.calls
        .filter((c) => c.url.includes('/attributes'))
        .map((c) => [c.method, new URL(c.url).pathname.replace(`/v1/groups/${encodeURIComponent(group.groupID)}`, ''), JSON.parse(c.body!)]),
    done: () => closeAll(alice!.chat, alice2!.chat, bob!.chat, carol!.chat),
  };
}

/** Every GROUP_ATTRIBUTES_UPDATED a device heard, its data. */
function attributeEvents(d: Device): GroupAttributesUpdatedData[] {
  return d.rec.of(EVENT.GROUP_ATTRIBUTES_UPDATED).map((e) => e.data);
}

/** Waits until each device heard `count` GROUP_ATTRIBUTES_UPDATED in all, and returns the last each heard. */
async function heardBy(devices: Device[], count: number): Promise<GroupAttributesUpdatedData[]> {
  await waitFor(() => devices.every((d) => attributeEvents(d).length === count), 5_000, `attribute event #${count} everywhere`);
  return devices.map((d) => attributeEvents(d).at(-1)!);
}

const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

/** The event's data with its key lists sorted, to compare. */
function sorted(data: GroupAttributesUpdatedData): GroupAttributesUpdatedData {
  return { ...data, updatedKeyList: [...data.updatedKeyList].sort(), deletedKeyList: [...data.deletedKeyList].sort() };
}

describe('group attributes and GROUP_ATTRIBUTES_UPDATED', () => {
  test("members give, set, delete and read attributes; every member's devices hear each change, the changing one's too", async () => {
    const g = await team();
    try {
      const heard: string[] = [];
      // An app written to Tencent's SDK listens under Tencent's names.
      g.bob.chat.on(TencentCloudChat.EVENT.GROUP_ATTRIBUTES_UPDATED, (event: any) => {
        const { groupID, groupAttributes, updatedKeyList, deletedKeyList } = event.data;
        heard.push(`${groupID} ${JSON.stringify(groupAttributes)} +${updatedKeyList} -${deletedKeyList}`);
      });

      const init = await g.alice.chat.initGroupAttributes({ groupID: g.groupID, groupAttributes: { topic: 'Rust', seat1: 'alice' } });
      assert.deepEqual(init, { code: 0, data: { groupAttributes: { topic: 'Rust', seat1: 'alice' } } }, "Tencent's answer: those given");
      for (const data of await heardBy(g.members, 1)) {
        assert.deepEqual(sorted(data), {
          groupID: g.groupID,
          groupAttributes: { seat1: 'alice', topic: 'Rust' },
          updatedKeyList: ['seat1', 'topic'],
          deletedKeyList: [],
        });
      }
      assert.deepEqual(attributeEvents(g.carol), [], 'not to someone outside the group');

      const set = await g.bob.chat.setGroupAttributes({ groupID: g.groupID, groupAttributes: { seat2: 'bob', topic: 'Go' } });
      assert.deepEqual(set, { code: 0, data: { groupAttributes: { seat2: 'bob', topic: 'Go' } } });
      for (const data of await heardBy(g.members, 2)) {
        assert.deepEqual(sorted(data), {
          groupID: g.groupID,
          groupAttributes: { seat1: 'alice', seat2: 'bob', topic: 'Go' },
          updatedKeyList: ['seat2', 'topic'],
          deletedKeyList: [],
        });
      }

      // Every attribute; those asked for that the group has; [] is every one, as Tencent's reads it.
      assert.deepEqual(await g.bob.chat.getGroupAttributes({ groupID: g.groupID, keyList: [] }), {
        code: 0,
        data: { groupAttributes: { seat1: 'alice', seat2: 'bob', topic: 'Go' } },
      });
      assert.deepEqual((await g.alice.chat.getGroupAttributes({ groupID: g.groupID, keyList: ['topic', 'nope'] })).data, {
        groupAttributes: { topic: 'Go' },
      });

      // Setting what is there already changes nothing, and tells no one.
      await g.alice2.chat.setGroupAttributes({ groupID: g.groupID, groupAttributes: { topic: 'Go' } });
      await settle();
      assert.deepEqual(g.members.map((d) => attributeEvents(d).length), [2, 2, 2]);

      // Deleting: the keys deleted, of those named the ones the group had.
      const deleted = await g.alice.chat.deleteGroupAttributes({ groupID: g.groupID, keyList: ['seat1', 'nope'] });
      assert.deepEqual(deleted, { code: 0, data: { keyList: ['seat1'] } }, "Tencent's answer: the keys deleted");
      for (const data of await heardBy(g.members, 3)) {
        assert.deepEqual(data, {
          groupID: g.groupID,
          groupAttributes: { seat2: 'bob', topic: 'Go' },
          updatedKeyList: [],
          deletedKeyList: ['seat1'],
        });
      }

      // init replaces them all: those not given go.
      await g.bob.chat.initGroupAttributes({ groupID: g.groupID, groupAttributes: { topic: 'Go', mode: 'quiz' } });
      for (const data of await heardBy(g.members, 4)) {
        assert.deepEqual(sorted(data), {
          groupID: g.groupID,
          groupAttributes: { mode: 'quiz', topic: 'Go' },
          updatedKeyList: ['mode'],
          deletedKeyList: ['seat2'],
        });
      }

      // [] deletes every one, and answers every key it deleted.
      const all = await g.alice.chat.deleteGroupAttributes({ groupID: g.groupID, keyList: [] });
      assert.deepEqual([...all.data.keyList].sort(), ['mode', 'topic']);
      for (const data of await heardBy(g.members, 5)) {
        assert.deepEqual(sorted(data), { groupID: g.groupID, groupAttributes: {}, updatedKeyList: [], deletedKeyList: ['mode', 'topic'] });
      }
      assert.deepEqual((await g.bob.chat.getGroupAttributes({ groupID: g.groupID, keyList: [] })).data, { groupAttributes: {} });
      // Deleting what is not there deletes nothing, and tells no one.
      assert.deepEqual((await g.bob.chat.deleteGroupAttributes({ groupID: g.groupID, keyList: ['topic'] })).data, { keyList: [] });
      await settle();
      assert.equal(attributeEvents(g.alice2).length, 5);
      assert.equal(heard.length, 5, 'bob heard each change under Tencent\'s name');

      // What went to the server: PUT gives them all, POST sets some, [] asks for every one.
      assert.deepEqual(g.requests(), [
        ['PUT', '/attributes', { groupAttributes: { topic: 'Rust', seat1: 'alice' } }],
        ['POST', '/attributes/get', { keyList: ['topic', 'nope'] }],
        ['POST', '/attributes/delete', { keyList: ['seat1', 'nope'] }],
        ['POST', '/attributes/delete', {}],
      ]);
    } finally {
      await g.done();
    }
  });

  test('an instance that has heard nothing of the group reads its attributes before deleting, for the keys it deleted', async () => {
    const g = await team();
    try {
      await g.bob.chat.setGroupAttributes({ groupID: g.groupID, groupAttributes: { a: '1', b: '2', c: '3' } });
      await heardBy(g.members, 1);
      // A device of alice's that logs in now has heard of no change.
      const spy = spyFetch();
      const late = await liveDevice(server, g.uid.alice, 0, undefined, { fetch: spy.fetch });
      try {
        assert.deepEqual((await late.chat.deleteGroupAttributes({ groupID: g.groupID, keyList: [] })).data.keyList.sort(), ['a', 'b', 'c']);
        assert.deepEqual(
          spy.calls.filter((c) => c.url.includes('/attributes')).map((c) => [new URL(c.url).pathname.split('/').pop(), JSON.parse(c.body!)]),
          [
            ['get', {}],
            ['delete', {}],
          ],
        );
        await heardBy(g.members, 2);
        await heardBy([late], 1);
        // Now it follows the group: a change it hears is what it knows next.
        await g.bob.chat.setGroupAttributes({ groupID: g.groupID, groupAttributes: { d: '4' } });
        await heardBy([late], 2);
        assert.deepEqual((await late.chat.deleteGroupAttributes({ groupID: g.groupID, keyList: ['d', 'a'] })).data, { keyList: ['d'] });
        assert.equal(spy.calls.filter((c) => c.url.includes('/attributes')).length, 3, 'no read first this time');
      } finally {
        await closeAll(late.chat);
      }
    } finally {
      await g.done();
    }
  });

  test('any type of group takes them, from any member: public and meeting groups too', async () => {
    for (const type of [TYPES.GRP_PUBLIC, TYPES.GRP_MEETING]) {
      const g = await team(type);
      try {
        // bob joined by himself: a plain member.
        await g.bob.chat.setGroupAttributes({ groupID: g.groupID, groupAttributes: { seat: 'bob' } });
        const [data] = await heardBy([g.alice], 1);
        assert.deepEqual(data!.groupAttributes, { seat: 'bob' }, type);
        assert.deepEqual((await g.alice2.chat.getGroupAttributes({ groupID: g.groupID, keyList: ['seat'] })).data, {
          groupAttributes: { seat: 'bob' },
        });
      } finally {
        await g.done();
      }
    }
  });

  test('two changes at once: both apply, one after the other, the later value staying', async () => {
    const g = await team();
    try {
      const answers = await Promise.all([
        g.alice.chat.setGroupAttributes({ groupID: g.groupID, groupAttributes: { turn: 'alice', a: '1' } }),
        g.bob.chat.setGroupAttributes({ groupID: g.groupID, groupAttributes: { turn: 'bob', b: '1' } }),
      ]);
      assert.deepEqual(answers.map((a) => a.data.groupAttributes.turn), ['alice', 'bob'], 'each answered with what it gave');
      const now = (await g.bob.chat.getGroupAttributes({ groupID: g.groupID, keyList: [] })).data.groupAttributes;
      assert.ok(now.turn === 'alice' || now.turn === 'bob');
      assert.deepEqual({ a: now.a, b: now.b }, { a: '1', b: '1' }, 'neither change was refused');
      // The second change's push may arrive first: the first's is then dropped, never told after it.
      const stays = (data: GroupAttributesUpdatedData) => JSON.stringify(data.groupAttributes) === JSON.stringify(now);
      await waitFor(() => attributeEvents(g.alice2).some(stays), 5_000, 'the event of the attributes as they stay');
      await settle();
      const heard = attributeEvents(g.alice2);
      assert.ok(heard.length <= 2);
      assert.deepEqual(heard.at(-1)!.groupAttributes, now, 'the last event tells the attributes as they stay');
    } finally {
      await g.done();
    }
  });

  test("the server's refusals: never a member, left, dismissed, no group, the limits", async () => {
    const g = await team();
    try {
      const groupID = g.groupID;
      const one = { groupID, groupAttributes: { k: 'v' } };
      await assert.rejects(g.carol.chat.getGroupAttributes({ groupID, keyList: [] }), refusedWith(ErrorCode.PERMISSION_DENIED));
      await assert.rejects(g.carol.chat.setGroupAttributes(one), refusedWith(ErrorCode.PERMISSION_DENIED));
      await assert.rejects(g.carol.chat.initGroupAttributes(one), refusedWith(ErrorCode.PERMISSION_DENIED));
      await assert.rejects(g.carol.chat.deleteGroupAttributes({ groupID, keyList: ['k'] }), refusedWith(ErrorCode.PERMISSION_DENIED));
      await assert.rejects(g.bob.chat.getGroupAttributes({ groupID: 'no-such-group', keyList: [] }), refusedWith(ErrorCode.NOT_FOUND));
      await assert.rejects(g.bob.chat.setGroupAttributes({ ...one, groupID: 'no-such-group' }), refusedWith(ErrorCode.NOT_FOUND));

      // The limits: 16 attributes, 16 KiB of them, keys of 1–32 bytes, values up to 4,096.
      const sixteen = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'v']));
      assert.equal(Object.keys((await g.alice.chat.initGroupAttributes({ groupID, groupAttributes: sixteen })).data.groupAttributes).length, 16);
      await assert.rejects(
        g.bob.chat.setGroupAttributes({ groupID, groupAttributes: { k16: 'v' } }),
        refusedWith(ErrorCode.CONFLICT, { error: 'conflict', message: /16 attributes/ }),
      );
      await assert.rejects(
        g.bob.chat.setGroupAttributes({ groupID, groupAttributes: { k0: 'w', k16: 'v' } }),
        refusedWith(ErrorCode.CONFLICT),
        'all or nothing',
      );
      assert.equal((await g.bob.chat.getGroupAttributes({ groupID, keyList: ['k0'] })).data.groupAttributes.k0, 'v');
      const big = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`big${i}`, 'x'.repeat(4000)]));
      await assert.rejects(g.alice.chat.initGroupAttributes({ groupID, groupAttributes: big }), refusedWith(ErrorCode.CONFLICT));
      await assert.rejects(
        g.alice.chat.setGroupAttributes({ groupID, groupAttributes: { ['k'.repeat(33)]: 'v' } }),
        refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /32 bytes/ }),
      );
      await assert.rejects(
        g.alice.chat.setGroupAttributes({ groupID, groupAttributes: { k0: 'v'.repeat(4097) } }),
        refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /4096/ }),
      );
      await assert.rejects(g.alice.chat.setGroupAttributes({ groupID, groupAttributes: { '': 'v' } }), refusedWith(ErrorCode.INVALID_ARGUMENT));

      // A member who left reads no more, and hears no more.
      await g.bob.chat.quitGroup(groupID);
      await assert.rejects(g.bob.chat.getGroupAttributes({ groupID, keyList: [] }), refusedWith(ErrorCode.NOT_A_MEMBER));
      await assert.rejects(
        g.bob.chat.setGroupAttributes(one),
        refusedWith(ErrorCode.PERMISSION_DENIED),
        'a change by a user who left: permission_denied, as every group change',
      );
      await assert.rejects(g.bob.chat.deleteGroupAttributes({ groupID, keyList: ['k1'] }), refusedWith(ErrorCode.PERMISSION_DENIED));
      const [bobHeard, alice2Heard] = [attributeEvents(g.bob).length, attributeEvents(g.alice2).length];
      await g.alice.chat.setGroupAttributes({ groupID, groupAttributes: { k1: 'changed' } });
      await waitFor(() => attributeEvents(g.alice2).length === alice2Heard + 1, 5_000, 'alice2 hears it');
      await settle();
      assert.equal(attributeEvents(g.bob).length, bobHeard);

      // A dismissed group has none to read or change.
      const meeting = (await g.alice.chat.createGroup({ name: 'Town hall', type: TYPES.GRP_MEETING })).data.group.groupID;
      await g.carol.chat.joinGroup({ groupID: meeting });
      await g.carol.chat.setGroupAttributes({ groupID: meeting, groupAttributes: { k: 'v' } });
      await g.alice.chat.dismissGroup(meeting);
      await assert.rejects(g.carol.chat.getGroupAttributes({ groupID: meeting, keyList: [] }), refusedWith(ErrorCode.NOT_A_MEMBER));
      await assert.rejects(g.alice.chat.setGroupAttributes({ groupID: meeting, groupAttributes: { k: 'w' } }), refusedWith(ErrorCode.NOT_A_MEMBER));
    } finally {
      await g.done();
    }
  });

  test("the checks before any request: 40001, as Tencent's \"Params validate failed\"", async () => {
    const g = await team();
    try {
      const loose = g.alice.chat as unknown as Record<string, (options: unknown) => Promise<unknown>>;
      const groupID = g.groupID;
      const bad: [string, unknown, RegExp][] = [];
      for (const call of ['initGroupAttributes', 'setGroupAttributes']) {
        bad.push(
          [call, undefined, /groupID/],
          [call, { groupAttributes: { a: '1' } }, /groupID/],
          [call, { groupID: '', groupAttributes: { a: '1' } }, /groupID/],
          [call, { groupID }, /groupAttributes: an object of attributes/],
          [call, { groupID, groupAttributes: ['a'] }, /groupAttributes: an object/],
          [call, { groupID, groupAttributes: {} }, /groupAttributes: is empty/],
          [call, { groupID, groupAttributes: { a: 1 } }, /groupAttributes\.a: a string, not number/],
          [call, { groupID, groupAttributes: { a: '1', b: null } }, /groupAttributes\.b: a string/],
        );
      }
      for (const call of ['deleteGroupAttributes', 'getGroupAttributes']) {
        bad.push(
          [call, undefined, /groupID/],
          [call, { keyList: [] }, /groupID/],
          [call, { groupID }, /keyList: an array of attribute keys, \[\] for all/],
          [call, { groupID, keyList: 'all' }, /keyList/],
          [call, { groupID, keyList: ['a', 7] }, /keyList/],
        );
      }
      for (const [call, options, message] of bad) {
        await assert.rejects(
          loose[call]!.call(g.alice.chat, options),
          refusedWith(ErrorCode.INVALID_ARGUMENT, { error: 'invalid_argument', message: new RegExp(`^${call}: ${message.source}`) }),
          `${call} ${JSON.stringify(options)}`,
        );
      }
      assert.deepEqual(g.requests(), [], 'no request was made');

      // Not logged in: 40101 without a request.
      const spy = spyFetch();
      const fresh = newChat(server, { fetch: spy.fetch });
      for (const [call, options] of [
        ['initGroupAttributes', { groupID, groupAttributes: { a: '1' } }],
        ['setGroupAttributes', { groupID, groupAttributes: { a: '1' } }],
        ['deleteGroupAttributes', { groupID, keyList: [] }],
        ['getGroupAttributes', { groupID, keyList: [] }],
      ] as const) {
        await assert.rejects(
          (fresh as unknown as Record<string, (o: unknown) => Promise<unknown>>)[call]!.call(fresh, options),
          refusedWith(ErrorCode.UNAUTHENTICATED),
          call,
        );
      }
      assert.deepEqual(spy.calls, []);
      await closeAll(fresh);
    } finally {
      await g.done();
    }
  });
});
