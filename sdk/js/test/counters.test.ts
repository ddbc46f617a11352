/**
 * Group counters against a real natter server, as Tencent's SDK has them: setGroupCounters,
 * increaseGroupCounter and decreaseGroupCounter resolving `{ counters }` (those set, the counter
 * moved), getGroupCounters (all, or the keys asked that the group has), GROUP_COUNTER_UPDATED
 * once per counter changed on every device of every member, the changing instance's own
 * included; raises made at once both counting; the server's refusals (never a member, left, no
 * group, a 21st counter); and the checks made before any request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import TencentCloudChat from '@tencentcloud/chat';
import { EVENT, ErrorCode, NatterError, type GroupCounterUpdatedData } from '@natter/sdk';
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
 * A work group alice created with bob (its ID is Tencent's `@TGS#…`, which goes into paths
 * percent-encoded); alice has a second device (`alice2`), carol is no member, and alice's first
 * instance spies on its requests (`calls`).
 */
async function team() {
  const uid = { alice: uniqueUid('alice'), bob: uniqueUid('bob'), carol: uniqueUid('carol') };
  const spy = spyFetch();
  const { alice, alice2, bob, carol } = await aliceTwiceBobCarol(server, uid, spy.fetch);
  const { group } = (await alice!.chat.createGroup({ name: 'Team', memberList: [{ userID: uid.bob }] })).data;
  assert.match(group.groupID, /^@TGS#/);
  const members = { alice: alice!, alice2: alice2!, bob: bob! };
  return {
    ...members,
    carol: carol!,
    members: Object.values(members),
    uid,
    groupID: group.groupID,
    calls: spy.calls,
    done: () => closeAll(alice!.chat, alice2!.chat, bob!.chat, carol!.chat),
  };
}

/** Every GROUP_COUNTER_UPDATED a device heard, its data. */
function counterEvents(d: Device): GroupCounterUpdatedData[] {
  return d.rec.of(EVENT.GROUP_COUNTER_UPDATED).map((e) => e.data);
}

/** Waits until each device heard `count` GROUP_COUNTER_UPDATED in all, and returns what each heard. */
async function heardBy(devices: Device[], count: number): Promise<GroupCounterUpdatedData[][]> {
  await waitFor(() => devices.every((d) => counterEvents(d).length === count), 5_000, `counter event #${count} everywhere`);
  return devices.map(counterEvents);
}

const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

describe('group counters and GROUP_COUNTER_UPDATED', () => {
  test("members set, raise and lower counters; every member's devices hear each change, the changing one's too", async () => {
    const g = await team();
    try {
      const heard: string[] = [];
      // An app written to Tencent's SDK listens under Tencent's names.
      g.bob.chat.on(TencentCloudChat.EVENT.GROUP_COUNTER_UPDATED, (event: any) => {
        const { groupID, key, value } = event.data;
        heard.push(`${groupID} ${key}=${value}`);
      });

      const set = await g.alice.chat.setGroupCounters({ groupID: g.groupID, counters: { likes: 5, views: -2 } });
      assert.deepEqual(set, { code: 0, data: { counters: { likes: 5, views: -2 } } }, "Tencent's answer: the counters set");
      for (const events of await heardBy(g.members, 2)) {
        assert.deepEqual(
          [...events].sort((a, b) => a.key.localeCompare(b.key)),
          [
            { groupID: g.groupID, key: 'likes', value: 5 },
            { groupID: g.groupID, key: 'views', value: -2 },
          ],
          'one event per counter set',
        );
      }
      assert.deepEqual(counterEvents(g.carol), [], 'not to someone outside the group');

      const raised = await g.bob.chat.increaseGroupCounter({ groupID: g.groupID, key: 'likes', value: 3 });
      assert.deepEqual(raised, { code: 0, data: { counters: { likes: 8 } } }, "Tencent's answer: the counter as it now is");
      assert.deepEqual((await heardBy(g.members, 3)).map((events) => events.at(-1)), [
        { groupID: g.groupID, key: 'likes', value: 8 },
        { groupID: g.groupID, key: 'likes', value: 8 },
        { groupID: g.groupID, key: 'likes', value: 8 },
      ]);
      // A counter the group lacks starts at 0, and may go below it.
      const lowered = await g.alice2.chat.decreaseGroupCounter({ groupID: g.groupID, key: 'stock', value: 4 });
      assert.deepEqual(lowered.data, { counters: { stock: -4 } });
      await heardBy(g.members, 4);
      assert.deepEqual(heard.slice(0, 2).sort(), [`${g.groupID} likes=5`, `${g.groupID} views=-2`]);
      assert.deepEqual(heard.slice(2), [`${g.groupID} likes=8`, `${g.groupID} stock=-4`], 'bob heard each change');

      // Every counter; those asked for that the group has; [] is every one, as Tencent's reads it.
      assert.deepEqual(await g.bob.chat.getGroupCounters({ groupID: g.groupID }), {
        code: 0,
        data: { counters: { likes: 8, stock: -4, views: -2 } },
      });
      assert.deepEqual((await g.bob.chat.getGroupCounters({ groupID: g.groupID, keyList: ['likes', 'nope'] })).data, {
        counters: { likes: 8 },
      });
      assert.deepEqual((await g.alice.chat.getGroupCounters({ groupID: g.groupID, keyList: [] })).data.counters, {
        likes: 8,
        stock: -4,
        views: -2,
      });
      const gets = g.calls.filter((c) => c.url.endsWith('/counters/get'));
      assert.equal(new URL(gets.at(-1)!.url).pathname, `/v1/groups/${encodeURIComponent(g.groupID)}/counters/get`);
      assert.deepEqual(JSON.parse(gets.at(-1)!.body!), {}, '[] asks for every counter');

      // Setting one the group has replaces it, and keeps the others.
      await g.bob.chat.setGroupCounters({ groupID: g.groupID, counters: { views: 100 } });
      await heardBy(g.members, 5);
      assert.deepEqual((await g.alice.chat.getGroupCounters({ groupID: g.groupID })).data.counters, {
        likes: 8,
        stock: -4,
        views: 100,
      });
    } finally {
      await g.done();
    }
  });

  test('raises made at once all count', async () => {
    const g = await team();
    try {
      const raise = (d: Device) => d.chat.increaseGroupCounter({ groupID: g.groupID, key: 'votes', value: 1 });
      const answers = await Promise.all([raise(g.alice), raise(g.alice2), raise(g.bob), raise(g.alice), raise(g.bob)]);
      assert.deepEqual(answers.map((a) => a.data.counters.votes).sort(), [1, 2, 3, 4, 5]);
      assert.deepEqual((await g.bob.chat.getGroupCounters({ groupID: g.groupID, keyList: ['votes'] })).data, {
        counters: { votes: 5 },
      });
      // Pushes of raises made at once may arrive in either order: a device tells only those
      // newer than what it told already, so its app never sees the counter go back.
      await waitFor(() => g.members.every((d) => counterEvents(d).at(-1)?.value === 5), 5_000, 'the last raise everywhere');
      for (const device of g.members) {
        const values = counterEvents(device).map((e) => e.value);
        assert.deepEqual(values, [...values].sort(), `${values} only ever rise`);
      }
    } finally {
      await g.done();
    }
  });

  test("the server's refusals: never a member, left, no group, a 21st counter", async () => {
    const g = await team();
    try {
      const step = { groupID: g.groupID, key: 'k', value: 1 };
      await assert.rejects(g.carol.chat.getGroupCounters({ groupID: g.groupID }), refusedWith(ErrorCode.PERMISSION_DENIED));
      await assert.rejects(g.carol.chat.setGroupCounters({ groupID: g.groupID, counters: { k: 1 } }), refusedWith(ErrorCode.PERMISSION_DENIED));
      await assert.rejects(g.carol.chat.increaseGroupCounter(step), refusedWith(ErrorCode.PERMISSION_DENIED));
      await assert.rejects(g.bob.chat.getGroupCounters({ groupID: 'no-such-group' }), refusedWith(ErrorCode.NOT_FOUND));

      const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`c${i}`, i]));
      assert.equal(Object.keys((await g.alice.chat.setGroupCounters({ groupID: g.groupID, counters: twenty })).data.counters).length, 20);
      await assert.rejects(
        g.bob.chat.increaseGroupCounter({ groupID: g.groupID, key: 'c20', value: 1 }),
        refusedWith(ErrorCode.CONFLICT, { error: 'conflict' }),
      );
      await assert.rejects(
        g.bob.chat.setGroupCounters({ groupID: g.groupID, counters: { c0: 1, c20: 1 } }),
        refusedWith(ErrorCode.CONFLICT),
        'all or nothing',
      );
      assert.equal((await g.bob.chat.getGroupCounters({ groupID: g.groupID, keyList: ['c0'] })).data.counters.c0, 0);
      await assert.rejects(
        g.alice.chat.setGroupCounters({ groupID: g.groupID, counters: { ['k'.repeat(129)]: 1 } }),
        refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /128 bytes/ }),
      );

      await g.bob.chat.quitGroup(g.groupID);
      await assert.rejects(g.bob.chat.getGroupCounters({ groupID: g.groupID }), refusedWith(ErrorCode.NOT_A_MEMBER));
      // The server's API reference says 40302 here too; the server answers a former member's
      // change with 40301 (reported to the server's side). Either way the SDK hands it on as is.
      await assert.rejects(
        g.bob.chat.decreaseGroupCounter(step),
        (err: unknown) => err instanceof NatterError && [ErrorCode.PERMISSION_DENIED, ErrorCode.NOT_A_MEMBER].includes(err.code as never),
      );
      // He hears no more of them.
      const [bobHeard, alice2Heard] = [counterEvents(g.bob).length, counterEvents(g.alice2).length];
      await g.alice.chat.increaseGroupCounter({ groupID: g.groupID, key: 'c1', value: 1 });
      await waitFor(() => counterEvents(g.alice2).length === alice2Heard + 1, 5_000, 'alice2 hears it');
      await settle();
      assert.equal(counterEvents(g.bob).length, bobHeard);
    } finally {
      await g.done();
    }
  });

  test("the checks before any request: 40001, as Tencent's \"Params validate failed\"", async () => {
    const g = await team();
    try {
      const loose = g.alice.chat as unknown as Record<string, (options: unknown) => Promise<unknown>>;
      const groupID = g.groupID;
      const bad: [string, unknown, RegExp][] = [
        ['setGroupCounters', undefined, /groupID/],
        ['setGroupCounters', { counters: { a: 1 } }, /groupID/],
        ['setGroupCounters', { groupID: '', counters: { a: 1 } }, /groupID/],
        ['setGroupCounters', { groupID }, /counters: an object of at least one counter/],
        ['setGroupCounters', { groupID, counters: {} }, /counters: an object of at least one counter/],
        ['setGroupCounters', { groupID, counters: [1] }, /counters/],
        ['setGroupCounters', { groupID, counters: { a: '1' } }, /counters\.a: a whole number, not 1/],
        ['setGroupCounters', { groupID, counters: { a: 1.5 } }, /counters\.a: a whole number/],
        ['setGroupCounters', { groupID, counters: { a: 2 ** 53 } }, /counters\.a/],
        ['increaseGroupCounter', { groupID, value: 1 }, /key/],
        ['increaseGroupCounter', { groupID, key: '', value: 1 }, /key/],
        ['increaseGroupCounter', { groupID, key: 'a' }, /value: a whole number above 0/],
        ['increaseGroupCounter', { groupID, key: 'a', value: 0 }, /value: a whole number above 0/],
        ['increaseGroupCounter', { groupID, key: 'a', value: -1 }, /value/],
        ['decreaseGroupCounter', { groupID, key: 'a', value: 0.5 }, /value/],
        ['decreaseGroupCounter', { groupID, key: 'a', value: '1' }, /value/],
        ['decreaseGroupCounter', { key: 'a', value: 1 }, /groupID/],
        ['getGroupCounters', undefined, /groupID/],
        ['getGroupCounters', { groupID, keyList: 'all' }, /keyList: an array of counter keys/],
        ['getGroupCounters', { groupID, keyList: [7] }, /keyList/],
      ];
      for (const [call, options, message] of bad) {
        await assert.rejects(
          loose[call]!.call(g.alice.chat, options),
          refusedWith(ErrorCode.INVALID_ARGUMENT, { error: 'invalid_argument', message: new RegExp(`^${call}: ${message.source}`) }),
          `${call} ${JSON.stringify(options)}`,
        );
      }
      assert.deepEqual(g.calls.filter((c) => c.url.includes('/counters')), [], 'no request was made');

      // Not logged in: 40101 without a request.
      const spy = spyFetch();
      const fresh = newChat(server, { fetch: spy.fetch });
      for (const [call, options] of [
        ['setGroupCounters', { groupID, counters: { a: 1 } }],
        ['increaseGroupCounter', { groupID, key: 'a', value: 1 }],
        ['decreaseGroupCounter', { groupID, key: 'a', value: 1 }],
        ['getGroupCounters', { groupID }],
      ] as const) {
        await assert.rejects(
          (fresh as unknown as Record<string, (o: unknown) => Promise<unknown>>)[call]!.call(fresh, options),
          refusedWith(ErrorCode.UNAUTHENTICATED),
          call,
        );
      }
      assert.deepEqual(spy.calls, []);
      await closeAll(fresh);

      // Tencent's counters are a paid feature its calls check first: Natter has them.
      assert.deepEqual(await g.alice.chat.callExperimentalAPI('isCommercialAbilityEnabled', 2 ** 15), {
        code: 0,
        data: { enabled: true },
      });
    } finally {
      await g.done();
    }
  });
});
