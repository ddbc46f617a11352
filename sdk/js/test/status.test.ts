/**
 * User status against a real natter server, as Tencent's SDK has it: setSelfStatus (remembered
 * by the SDK, which answers getUserStatus about the user without a request), getUserStatus (in the
 * order asked, 70107 for unknown users), subscribeUserStatus and unsubscribeUserStatus, and
 * USER_STATUS_UPDATED on the subscribers' devices and the user's own: a custom status changed,
 * the user going offline (logged out, the token kept), online again, and signed out by the app
 * backend (unlogined). Pushes held back to arrive after newer ones are dropped, and so is a push
 * that shows nothing new; lists past Tencent's limits are cut with a warning; the checks made
 * before any request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, mock, test } from 'node:test';
import TencentCloudChat from '@tencentcloud/chat';
import { EVENT, ErrorCode, TYPES, type UserStatus, type WebSocketConstructor } from '@natter/sdk';
import {
  closeAll,
  delayingSocket,
  destroyAllChats,
  FAST_RECONNECT,
  loginReady,
  newChat,
  record,
  refusedWith,
} from '../testing/chat.js';
import { spyFetch, startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';
import { UserStatusVersions } from '../src/status.js';

let server: TestServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

const ONLINE = TYPES.USER_STATUS_ONLINE;
const OFFLINE = TYPES.USER_STATUS_OFFLINE;
const UNLOGINED = TYPES.USER_STATUS_UNLOGINED;

/**
 * A live, logged-in instance of `uid` on the device `deviceFlag` (its own token), recording its
 * events; `spy` records its requests, `socket` replaces its WebSocket.
 */
async function device(uid: string, deviceFlag: 0 | 1 | 2 = 1, options: { spy?: boolean; socket?: WebSocketConstructor } = {}) {
  const token = await server.createUser(uid, deviceFlag);
  const spy = spyFetch();
  const chat = options.socket
    ? newChat(server, { WebSocket: options.socket, socket: FAST_RECONNECT, fetch: spy.fetch })
    : newChat(server, { ws: true, fetch: spy.fetch });
  const rec = record(chat);
  await loginReady(chat, uid, token);
  return {
    chat,
    rec,
    token,
    uid,
    calls: spy.calls,
    /** Every status USER_STATUS_UPDATED told this instance, in order, flattened. */
    heard: (): UserStatus[] => rec.of(EVENT.USER_STATUS_UPDATED).flatMap((e) => e.data),
    /** The statuses heard of `userID`. */
    heardOf: (userID: string): UserStatus[] =>
      rec.of(EVENT.USER_STATUS_UPDATED).flatMap((e) => e.data).filter((s) => s.userID === userID),
  };
}

type Device = Awaited<ReturnType<typeof device>>;

/** Waits until `d` has heard `status` of its user (the whole status). */
async function hears(d: Device, status: UserStatus, what = `${status.userID} ${status.statusType} "${status.customStatus}"`) {
  await waitFor(
    () => d.heardOf(status.userID).some((s) => s.statusType === status.statusType && s.customStatus === status.customStatus),
    5_000,
    `${d.uid} hearing ${what}`,
  );
}

/** The requests a device posted to a user status path (`''`, `/self`, `/subscribe`, `/unsubscribe`). */
function statusCalls(d: Device, suffix = '') {
  return d.calls
    .filter((c) => c.method === 'POST' && new URL(c.url).pathname === `/v1/user-status${suffix}`)
    .map((c) => JSON.parse(c.body!) as { userIDList?: string[]; customStatus?: string });
}

/** Resolves when `check()` resolves, trying again every 20 ms for 5 s. */
async function eventually<T>(check: () => Promise<T>, what: string): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

describe('setSelfStatus and getUserStatus', () => {
  test("the user's own status: set, answered from what the SDK remembers, known again at the next login", async () => {
    const alice = await device(uniqueUid('alice'));
    let alice2: Device | undefined;
    try {
      // As Tencent's documentation calls them.
      const chat = alice.chat;
      const set = await chat.setSelfStatus({ customStatus: 'in a meeting' });
      assert.deepEqual(set, { code: 0, data: { userID: alice.uid, statusType: TencentCloudChat.TYPES.USER_STATUS_ONLINE, customStatus: 'in a meeting' } });
      assert.deepEqual(statusCalls(alice, '/self'), [{ customStatus: 'in a meeting' }]);

      const asked = statusCalls(alice).length;
      const own = await chat.getUserStatus({ userIDList: [alice.uid] });
      assert.deepEqual(own, {
        code: 0,
        data: { successUserList: [{ userID: alice.uid, statusType: ONLINE, customStatus: 'in a meeting' }], failureUserList: [] },
      });
      assert.equal(statusCalls(alice).length, asked, 'the user is answered without a request');

      // Another device of hers learns it at login (asked beside the socket, not waited for).
      alice2 = await device(alice.uid, 2);
      assert.deepEqual(statusCalls(alice2), [{ userIDList: [alice.uid] }], 'asked once at login');
      await eventually(async () => {
        const { data } = await alice2!.chat.getUserStatus({ userIDList: [alice.uid] });
        assert.equal(data.successUserList[0]!.customStatus, 'in a meeting');
      }, 'the second device knowing her status');

      // '' clears it.
      assert.deepEqual((await chat.setSelfStatus({ customStatus: '' })).data, { userID: alice.uid, statusType: ONLINE, customStatus: '' });
      assert.equal((await chat.getUserStatus({ userIDList: [alice.uid] })).data.successUserList[0]!.customStatus, '');
    } finally {
      await closeAll(alice.chat, ...(alice2 ? [alice2.chat] : []));
    }
  });

  test('others from the server, in the order asked after the user; unknown users fail with 70107', async () => {
    const [alice, bob] = [await device(uniqueUid('alice')), await device(uniqueUid('bob'))];
    const carol = uniqueUid('carol'); // signed in (a token), never connected
    const dave = uniqueUid('dave'); // a group member who never had a device
    const nobody = uniqueUid('nobody');
    try {
      await server.createUser(carol);
      await server.createGroup(uniqueUid('group'), [bob.uid, dave]);
      await alice.chat.setSelfStatus({ customStatus: 'busy' });
      await bob.chat.setSelfStatus({ customStatus: 'here' });
      const answer = await bob.chat.getUserStatus({ userIDList: [alice.uid, carol, bob.uid, nobody, dave] });
      assert.deepEqual(answer.data.successUserList, [
        { userID: bob.uid, statusType: ONLINE, customStatus: 'here' },
        { userID: alice.uid, statusType: ONLINE, customStatus: 'busy' },
        { userID: carol, statusType: OFFLINE, customStatus: '' },
        { userID: dave, statusType: UNLOGINED, customStatus: '' },
      ]);
      assert.equal(answer.data.failureUserList.length, 1);
      const [failure] = answer.data.failureUserList;
      assert.equal(failure!.userID, nobody);
      assert.equal(failure!.code, 70107);
      assert.equal(failure!.code, ErrorCode.USER_NOT_FOUND);
      assert.match(failure!.message, new RegExp(nobody));
      assert.deepEqual(statusCalls(bob).at(-1), { userIDList: [alice.uid, carol, nobody, dave] }, 'the user is not asked about');
      assert.ok(!('version' in answer.data.successUserList[1]!), 'no version in what the app sees');
    } finally {
      await closeAll(alice.chat, bob.chat);
    }
  });
});

describe('subscribeUserStatus and USER_STATUS_UPDATED', () => {
  test('a subscriber hears a custom status, going offline (logout keeps the token), online again, and unlogined (signed out by the app backend)', async () => {
    const alice = await device(uniqueUid('alice'));
    const bob = await device(uniqueUid('bob'));
    try {
      let events: UserStatus[][] = [];
      {
        // As Tencent's documentation has an app listen and subscribe.
        const chat = bob.chat;
        chat.on(TencentCloudChat.EVENT.USER_STATUS_UPDATED, function (event: any) {
          const userStatusList = event.data;
          userStatusList.forEach((item: any) => {
            const { userID, statusType, customStatus } = item;
            assert.equal(typeof userID, 'string');
            assert.equal(typeof statusType, 'number');
            assert.equal(typeof customStatus, 'string');
          });
          events.push(userStatusList);
        });
        const answer = await chat.subscribeUserStatus({ userIDList: [alice.uid] });
        assert.deepEqual(answer, { code: 0, data: { failureUserList: [] } });
      }
      // Nothing is told on subscribing: the app asks.
      assert.deepEqual((await bob.chat.getUserStatus({ userIDList: [alice.uid] })).data.successUserList, [
        { userID: alice.uid, statusType: ONLINE, customStatus: '' },
      ]);

      await alice.chat.setSelfStatus({ customStatus: 'busy' });
      await hears(bob, { userID: alice.uid, statusType: ONLINE, customStatus: 'busy' });
      assert.ok(events.some((list) => Array.isArray(list) && list.some((s) => s.customStatus === 'busy')), 'an array, as Tencent’s');

      // The SDK's logout closes the socket; the device's token stays good: offline, and the
      // custom status cleared, as Tencent's clears it once the user is offline.
      await alice.chat.logout();
      await hears(bob, { userID: alice.uid, statusType: OFFLINE, customStatus: '' });
      await loginReady(alice.chat, alice.uid, alice.token);
      await hears(bob, { userID: alice.uid, statusType: ONLINE, customStatus: '' }, 'online again');
      await alice.chat.setSelfStatus({ customStatus: 'busy' });
      // (hears() would find the first 'busy' at once: wait for the fourth status instead.)
      await waitFor(() => bob.heardOf(alice.uid).length === 4, 5_000, 'busy again');
      assert.deepEqual(bob.heardOf(alice.uid).at(-1), { userID: alice.uid, statusType: ONLINE, customStatus: 'busy' });

      // The app backend signs every device of hers out: no device holds a token.
      await server.manager('POST', '/user/device_quit', { uid: alice.uid, device_flag: -1 });
      await hears(bob, { userID: alice.uid, statusType: UNLOGINED, customStatus: '' });
      await waitFor(() => alice.rec.of(EVENT.KICKED_OUT).length === 1, 5_000, 'alice kicked out');
      assert.deepEqual(
        bob.heardOf(alice.uid).map((s) => s.statusType),
        [ONLINE, OFFLINE, ONLINE, ONLINE, UNLOGINED],
        'each change once',
      );
      assert.deepEqual(events.flat(), bob.heard());
    } finally {
      await closeAll(alice.chat, bob.chat);
    }
  });

  test("the user's own devices hear their custom status, the setting instance too, once; never their own going online", async () => {
    const uid = uniqueUid('alice');
    const alice = await device(uid, 1);
    const alice2 = await device(uid, 2);
    try {
      await alice.chat.setSelfStatus({ customStatus: 'x' });
      await hears(alice2, { userID: uid, statusType: ONLINE, customStatus: 'x' });
      // From the other device: its push reaches this one after the push of 'x' (one connection,
      // in order), so that one has arrived by then, whether before or after the answer.
      await alice2.chat.setSelfStatus({ customStatus: 'y' });
      await hears(alice, { userID: uid, statusType: ONLINE, customStatus: 'y' });
      await hears(alice2, { userID: uid, statusType: ONLINE, customStatus: 'y' });
      for (const d of [alice, alice2]) {
        assert.deepEqual(
          d.heard(),
          [
            { userID: uid, statusType: ONLINE, customStatus: 'x' },
            { userID: uid, statusType: ONLINE, customStatus: 'y' },
          ],
          `${d === alice ? 'the first' : 'the second'} device: each change once, and nothing of its own login`,
        );
      }
      // Each remembers what the other set.
      assert.equal((await alice.chat.getUserStatus({ userIDList: [uid] })).data.successUserList[0]!.customStatus, 'y');
    } finally {
      await closeAll(alice.chat, alice2.chat);
    }
  });

  test('subscribing to oneself fails with 40001, to an unknown user with 70107; the others are subscribed', async () => {
    const alice = await device(uniqueUid('alice'));
    const bob = await device(uniqueUid('bob'));
    const nobody = uniqueUid('nobody');
    try {
      const { data } = await bob.chat.subscribeUserStatus({ userIDList: [bob.uid, nobody, alice.uid] });
      assert.deepEqual(
        data.failureUserList.map(({ userID, code }) => ({ userID, code })),
        [
          { userID: bob.uid, code: ErrorCode.INVALID_ARGUMENT },
          { userID: nobody, code: ErrorCode.USER_NOT_FOUND },
        ],
      );
      for (const failure of data.failureUserList) assert.ok(failure.message.length > 0, 'the server says why');
      await alice.chat.setSelfStatus({ customStatus: 'subscribed' });
      await hears(bob, { userID: alice.uid, statusType: ONLINE, customStatus: 'subscribed' });
    } finally {
      await closeAll(alice.chat, bob.chat);
    }
  });

  test('unsubscribing stops the events; without a list, every subscription ends', async () => {
    const alice = await device(uniqueUid('alice'));
    const carol = await device(uniqueUid('carol'));
    const bob = await device(uniqueUid('bob'));
    const bob2 = await device(bob.uid, 2);
    try {
      assert.deepEqual((await bob.chat.subscribeUserStatus({ userIDList: [alice.uid, carol.uid] })).data.failureUserList, []);
      await alice.chat.setSelfStatus({ customStatus: 'one' });
      await hears(bob, { userID: alice.uid, statusType: ONLINE, customStatus: 'one' });

      assert.deepEqual(await bob.chat.unsubscribeUserStatus({ userIDList: [alice.uid] }), { code: 0, data: { failureUserList: [] } });
      await alice.chat.setSelfStatus({ customStatus: 'two' });
      // carol's push reaches bob after anything of alice's set before it.
      await carol.chat.setSelfStatus({ customStatus: 'three' });
      await hears(bob, { userID: carol.uid, statusType: ONLINE, customStatus: 'three' });
      assert.deepEqual(bob.heardOf(alice.uid).map((s) => s.customStatus), ['one'], "nothing of alice's since");

      // No list (no options at all, or `userIDList: undefined`, as Tencent's typings have it):
      // every subscription.
      assert.deepEqual(await bob.chat.unsubscribeUserStatus(), { code: 0, data: { failureUserList: [] } });
      assert.deepEqual(await bob.chat.unsubscribeUserStatus({ userIDList: undefined }), { code: 0, data: { failureUserList: [] } });
      assert.deepEqual(statusCalls(bob, '/unsubscribe'), [{ userIDList: [alice.uid] }, {}, {}]);
      await carol.chat.setSelfStatus({ customStatus: 'four' });
      // bob's own status from his other device: its push reaches this instance after carol's.
      await bob2.chat.setSelfStatus({ customStatus: 'mine' });
      await hears(bob, { userID: bob.uid, statusType: ONLINE, customStatus: 'mine' });
      assert.deepEqual(bob.heardOf(carol.uid).map((s) => s.customStatus), ['three'], "nothing of carol's since");
    } finally {
      await closeAll(alice.chat, carol.chat, bob.chat, bob2.chat);
    }
  });

  test('a push older than what the app holds is dropped, and so is one that shows nothing new', async () => {
    const alice = await device(uniqueUid('alice'));
    const socket = delayingSocket();
    const bob = await device(uniqueUid('bob'), 1, { socket: socket.WebSocket });
    try {
      await bob.chat.subscribeUserStatus({ userIDList: [alice.uid] });
      // The push of 'one' arrives late, after the push of 'two', as through another node.
      socket.holdBack(
        (frame) => frame.event === 'userStatusUpdated' && frame.data.userStatusList.some((s: { customStatus: string }) => s.customStatus === 'one'),
      );
      await alice.chat.setSelfStatus({ customStatus: 'one' });
      await waitFor(() => socket.held().length === 1, 5_000, "the push of 'one' held back");
      await alice.chat.setSelfStatus({ customStatus: 'two' });
      await hears(bob, { userID: alice.uid, statusType: ONLINE, customStatus: 'two' });
      socket.release();
      await alice.chat.setSelfStatus({ customStatus: 'three' });
      await hears(bob, { userID: alice.uid, statusType: ONLINE, customStatus: 'three' });
      assert.deepEqual(bob.heardOf(alice.uid).map((s) => s.customStatus), ['two', 'three'], "the late 'one' is older than 'two'");

      // A newer version showing the same: not told (its version still counts).
      await alice.chat.setSelfStatus({ customStatus: 'three' });
      await alice.chat.setSelfStatus({ customStatus: 'four' });
      await hears(bob, { userID: alice.uid, statusType: ONLINE, customStatus: 'four' });
      assert.deepEqual(bob.heardOf(alice.uid).map((s) => s.customStatus), ['two', 'three', 'four']);

      // An answer of getUserStatus counts too: a push at or below it is not news.
      const { data } = await bob.chat.getUserStatus({ userIDList: [alice.uid] });
      assert.equal(data.successUserList[0]!.customStatus, 'four');
    } finally {
      await closeAll(alice.chat, bob.chat);
    }
  });

  test('the versions held: a push at or below one held is stale; a newer one showing the same raises the version, untold', () => {
    const versions = new UserStatusVersions(2);
    const status = (userID: string, version: number, customStatus = '', statusType = 1) => ({ userID, statusType, customStatus, version });
    assert.equal(versions.take(status('bob', 3)), 'news', 'the first heard of bob');
    assert.equal(versions.take(status('bob', 2, 'older')), 'stale');
    assert.equal(versions.take(status('bob', 3, 'again')), 'stale', 'the same version');
    assert.equal(versions.take(status('bob', 5)), 'same', 'newer, nothing new');
    assert.equal(versions.take(status('bob', 4, 'between')), 'stale', 'the version rose to 5');
    assert.equal(versions.take(status('bob', 6, '', 2)), 'news', 'offline');
    assert.equal(versions.take(status('bob', 7, 'away', 2)), 'news', 'a custom status');

    // An answer: held when newer; the newer held status otherwise.
    assert.deepEqual(versions.note(status('bob', 6, '', 2)), status('bob', 7, 'away', 2), 'an answer crossing a newer push');
    assert.deepEqual(versions.note(status('bob', 9, 'back')), status('bob', 9, 'back'));
    assert.equal(versions.take(status('bob', 8, 'late')), 'stale');
    assert.equal(versions.take(status('bob', 10, 'back')), 'same');

    // Bounded: the user heard of longest ago is forgotten.
    versions.note(status('carol', 1));
    versions.note(status('dave', 1));
    assert.equal(versions.get('bob'), undefined);
    assert.equal(versions.take(status('bob', 1)), 'news');
    versions.clear();
    assert.equal(versions.get('dave'), undefined, 'cleared (logout)');
  });
});

describe('checks and limits', () => {
  test('refused with 40001 before any request; 40101 when not logged in; the server refuses a status over 100 bytes', async () => {
    const alice = await device(uniqueUid('alice'));
    try {
      const loose = alice.chat as unknown as Record<string, (options?: unknown) => Promise<unknown>>;
      const before = alice.calls.length;
      const refusals: [string, unknown, RegExp][] = [
        ['setSelfStatus', undefined, /^setSelfStatus: customStatus/],
        ['setSelfStatus', {}, /^setSelfStatus: customStatus/],
        ['setSelfStatus', { customStatus: 5 }, /^setSelfStatus: customStatus/],
        ['getUserStatus', undefined, /^getUserStatus: userIDList: an array/],
        ['getUserStatus', { userIDList: 'bob' }, /^getUserStatus: userIDList: an array/],
        ['getUserStatus', { userIDList: [7] }, /^getUserStatus: userIDList: an array/],
        ['getUserStatus', { userIDList: [] }, /^getUserStatus: userIDList: is empty/],
        ['subscribeUserStatus', undefined, /^subscribeUserStatus: userIDList: an array/],
        ['subscribeUserStatus', { userIDList: [] }, /^subscribeUserStatus: userIDList: is empty/],
        ['unsubscribeUserStatus', { userIDList: 'bob' }, /^unsubscribeUserStatus: userIDList/],
      ];
      for (const [call, options, message] of refusals) {
        await assert.rejects(loose[call]!.call(alice.chat, options), refusedWith(ErrorCode.INVALID_ARGUMENT, { error: 'invalid_argument', message }), call);
      }
      assert.equal(alice.calls.length, before, 'no request');

      await assert.rejects(
        alice.chat.setSelfStatus({ customStatus: 'é'.repeat(51) }),
        refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /customStatus/ }),
        '102 bytes',
      );
      assert.equal((await alice.chat.setSelfStatus({ customStatus: 'é'.repeat(50) })).data.customStatus, 'é'.repeat(50), '100 bytes');

      await alice.chat.logout();
      for (const call of ['setSelfStatus', 'getUserStatus', 'subscribeUserStatus', 'unsubscribeUserStatus']) {
        const options = call === 'setSelfStatus' ? { customStatus: 'x' } : { userIDList: [alice.uid] };
        await assert.rejects(loose[call]!.call(alice.chat, options), refusedWith(ErrorCode.UNAUTHENTICATED), call);
      }
    } finally {
      await closeAll(alice.chat);
    }
  });

  test("past Tencent's limits (500 asked, 100 subscribed or unsubscribed) the first are taken, with a warning", async (t) => {
    const alice = await device(uniqueUid('alice'));
    const warn = mock.method(console, 'warn', () => {});
    t.after(() => warn.mock.restore());
    try {
      const many = (n: number) => Array.from({ length: n }, (_, i) => `${alice.uid}-nobody-${i}`);
      const answer = await alice.chat.getUserStatus({ userIDList: [alice.uid, ...many(501)] });
      assert.deepEqual(statusCalls(alice).at(-1)!.userIDList, many(500), 'the first 500 others');
      assert.deepEqual(answer.data.successUserList, [{ userID: alice.uid, statusType: ONLINE, customStatus: '' }]);
      assert.equal(answer.data.failureUserList.length, 500);
      assert.ok(answer.data.failureUserList.every((f) => f.code === 70107));
      assert.equal(warn.mock.callCount(), 1);
      assert.match(String(warn.mock.calls[0]!.arguments[0]), /getUserStatus: the length of userIDList cannot exceed 500/);

      const subscribed = await alice.chat.subscribeUserStatus({ userIDList: many(101) });
      assert.deepEqual(statusCalls(alice, '/subscribe').at(-1)!.userIDList, many(100));
      assert.equal(subscribed.data.failureUserList.length, 100);
      await alice.chat.unsubscribeUserStatus({ userIDList: many(101) });
      assert.deepEqual(statusCalls(alice, '/unsubscribe').at(-1)!.userIDList, many(100));
      assert.equal(warn.mock.callCount(), 3);
      assert.match(String(warn.mock.calls[1]!.arguments[0]), /subscribeUserStatus: the length of userIDList cannot exceed 100/);
      assert.match(String(warn.mock.calls[2]!.arguments[0]), /unsubscribeUserStatus: the length of userIDList cannot exceed 100/);

      // Tencent's level 3 ("errors only") silences warnings.
      alice.chat.setLogLevel(3);
      await alice.chat.subscribeUserStatus({ userIDList: many(101) });
      assert.equal(warn.mock.callCount(), 3);
    } finally {
      await closeAll(alice.chat);
    }
  });
});

describe('getGroupOnlineMemberCount', () => {
  test('counts the members connected anywhere, and 0 for a group the user is not in', async () => {
    const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map(uniqueUid);
    const group = uniqueUid('team');
    const a = await device(alice);
    const c = await device(carol);
    await server.createUser(bob, 1);
    await server.createGroup(group, [alice, bob, carol]);
    // Connections are recorded a few milliseconds after they open or close.
    const countBecomes = async (d: Device, expected: number) => {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const { memberCount } = (await d.chat.getGroupOnlineMemberCount(group)).data;
        if (memberCount === expected) return;
        assert.ok(Date.now() < deadline, `${memberCount} online, not ${expected}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await countBecomes(a, 2);
    await c.chat.logout();
    await countBecomes(a, 1);

    const d = await device(dave);
    assert.deepEqual((await d.chat.getGroupOnlineMemberCount(group)).data, { memberCount: 0 }, 'never a member');
    await assert.rejects(d.chat.getGroupOnlineMemberCount(''), refusedWith(ErrorCode.INVALID_ARGUMENT));
  });
});
