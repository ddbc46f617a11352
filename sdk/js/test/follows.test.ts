/**
 * Following against a real natter server, as Tencent's SDK has it: followUser and unfollowUser
 * resolving each user's result (the array itself), the follower, following and mutual lists
 * newest first with nick and avatar, in pages of 500 by nextCursor; getUserFollowInfo (the user's
 * own without a list); checkFollowType (0–3), cut to 100 with a warning as Tencent's; the follow
 * list events (MY_FOLLOWERS_LIST_UPDATED, MY_FOLLOWING_LIST_UPDATED,
 * MUTUAL_FOLLOWERS_LIST_UPDATED) on every device of both users; and the checks made before any
 * request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, mock, test } from 'node:test';
import { EVENT, ErrorCode, type FollowListUpdatedData } from '@natter/sdk';
import { closeAll, destroyAllChats, liveDevice, newChat, refusedWith } from '../testing/chat.js';
import { spyFetch, startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';

let server: TestServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A live instance of a new user with this nick and an avatar, spying on its requests (`calls`);
 * `info` is how others' events show them.
 */
async function user(name: string) {
  const uid = uniqueUid(name);
  const info = { userID: uid, nick: name.toUpperCase(), avatar: `https://example.com/${name}.png` };
  await server.createUser(uid);
  await server.setProfile(uid, { nick: info.nick, avatar: info.avatar });
  const spy = spyFetch();
  const device = await liveDevice(server, uid, 1, undefined, { fetch: spy.fetch });
  return { ...device, uid, info, calls: spy.calls };
}

type User = Awaited<ReturnType<typeof user>>;

const FOLLOW_EVENTS = [
  EVENT.MY_FOLLOWERS_LIST_UPDATED,
  EVENT.MY_FOLLOWING_LIST_UPDATED,
  EVENT.MUTUAL_FOLLOWERS_LIST_UPDATED,
] as const;

/** The requests the spy saw to a follow path. */
function followCalls(u: User) {
  return u.calls.filter((c) => new URL(c.url).pathname.startsWith('/v1/follows'));
}

describe('following', () => {
  test("follow, unfollow, the three lists, counts and how users stand, as Tencent's answers them", async () => {
    const [alice, bob, carol] = [await user('alice'), await user('bob'), await user('carol')];
    const ghost = uniqueUid('ghost');
    try {
      // followUser resolves the array of results itself, in the order named.
      const followed = await alice.chat.followUser([bob.uid]);
      assert.deepEqual(followed, { code: 0, data: [{ userID: bob.uid, resultCode: 0, resultInfo: '' }] });
      await sleep(5); // carol's follow is newer
      const mixed = (await alice.chat.followUser([carol.uid, alice.uid, ghost])).data;
      assert.deepEqual(mixed.map((r) => [r.userID, r.resultCode]), [
        [carol.uid, 0],
        [alice.uid, ErrorCode.INVALID_ARGUMENT],
        [ghost, ErrorCode.NOT_FOUND],
      ]);
      assert.match(mixed[1]!.resultInfo, /themself/);
      assert.deepEqual(Object.keys(mixed[0]!).sort(), ['resultCode', 'resultInfo', 'userID']);
      // Following someone followed already is done, the follow kept as it was.
      assert.equal((await alice.chat.followUser([bob.uid])).data[0]!.resultCode, 0);
      await bob.chat.followUser([alice.uid]);

      // The lists: newest follow first, each with the user's nick and avatar and when (seconds).
      const following = await alice.chat.getMyFollowingList();
      assert.equal(following.code, 0);
      assert.deepEqual(following.data.resultList.map((u) => u.userID), [carol.uid, bob.uid]);
      assert.equal(following.data.nextCursor, '');
      const bobEntry = following.data.resultList[1]!;
      assert.deepEqual(Object.keys(bobEntry).sort(), ['avatar', 'followTime', 'nick', 'userID']);
      assert.equal(bobEntry.nick, 'BOB');
      assert.equal(bobEntry.avatar, 'https://example.com/bob.png');
      assert.ok(Math.abs(bobEntry.followTime - alice.chat.getServerTime()) < 60, `${bobEntry.followTime}: seconds`);
      assert.deepEqual((await alice.chat.getMyFollowersList()).data.resultList.map((u) => u.userID), [bob.uid]);
      // A mutual follower's followTime is when the user followed them.
      assert.deepEqual((await alice.chat.getMutualFollowersList('')).data, { resultList: [bobEntry], nextCursor: '' });
      assert.deepEqual((await carol.chat.getMyFollowersList()).data.resultList.map((u) => u.userID), [alice.uid]);
      assert.deepEqual((await carol.chat.getMutualFollowersList()).data.resultList, []);
      assert.deepEqual(
        followCalls(alice).filter((c) => c.method === 'GET').map((c) => new URL(c.url).search),
        ['?type=following', '?type=followers', '?type=mutual'],
        "no count: the server's page is Tencent's 500",
      );

      // Counts: the user's own without a list (or with []), else in the order asked.
      const mine = { userID: alice.uid, followersCount: 1, followingCount: 2, mutualFollowersCount: 1 };
      assert.deepEqual(await alice.chat.getUserFollowInfo(), { code: 0, data: [mine] });
      assert.deepEqual((await alice.chat.getUserFollowInfo([])).data, [mine]);
      assert.deepEqual((await carol.chat.getUserFollowInfo([carol.uid, ghost, alice.uid])).data, [
        { userID: carol.uid, followersCount: 1, followingCount: 0, mutualFollowersCount: 0 },
        { userID: ghost, followersCount: 0, followingCount: 0, mutualFollowersCount: 0 },
        mine,
      ]);

      // How each stands to the user: 0 neither, 1 they follow the user, 2 the user follows them, 3 both.
      assert.deepEqual(await alice.chat.checkFollowType([bob.uid, carol.uid, ghost]), {
        code: 0,
        data: [
          { userID: bob.uid, followType: 3 },
          { userID: carol.uid, followType: 2 },
          { userID: ghost, followType: 0 },
        ],
      });
      assert.deepEqual((await carol.chat.checkFollowType([alice.uid])).data, [{ userID: alice.uid, followType: 1 }]);

      // Unfollowing: one not followed is that user's 40401.
      const unfollowed = (await alice.chat.unfollowUser([carol.uid, carol.uid])).data;
      assert.deepEqual(unfollowed.map((r) => r.resultCode), [0, ErrorCode.NOT_FOUND]);
      assert.deepEqual((await alice.chat.getMyFollowingList()).data.resultList.map((u) => u.userID), [bob.uid]);
      assert.deepEqual((await alice.chat.checkFollowType([carol.uid])).data, [{ userID: carol.uid, followType: 0 }]);

      // Tencent's follow module, a paid feature its calls check first: Natter has it.
      assert.equal(alice.chat.callExperimentalAPI('canIUseModule', 'follow-module'), true);
      assert.deepEqual(await alice.chat.callExperimentalAPI('isCommercialAbilityEnabled', 2 ** 52), {
        code: 0,
        data: { enabled: true },
      });
    } finally {
      await closeAll(alice.chat, bob.chat, carol.chat);
    }
  });

  test("the follow list events, as Tencent's: per list changed, on every device of both users; a repeated follow tells nothing", async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    const alice2 = await liveDevice(server, alice.uid, 2);
    /** Every follow list event a device heard, in order, as [which list, its data]. */
    const heard = (device: { rec: User['rec'] }) =>
      device.rec.events
        .filter((e) => FOLLOW_EVENTS.includes(e.name as (typeof FOLLOW_EVENTS)[number]))
        .map((e) => [e.name, e.data as FollowListUpdatedData] as const);
    try {
      // alice follows bob: her following list and his followers list, each with the other's profile.
      await alice.chat.followUser([bob.uid]);
      await waitFor(() => heard(alice).length === 1 && heard(alice2).length === 1 && heard(bob).length === 1, 5_000, 'the follow told');
      assert.deepEqual(heard(alice), [[EVENT.MY_FOLLOWING_LIST_UPDATED, { userInfoList: [bob.info], isAdd: true }]]);
      assert.deepEqual(heard(alice2), heard(alice), "alice's other device too");
      assert.deepEqual(heard(bob), [[EVENT.MY_FOLLOWERS_LIST_UPDATED, { userInfoList: [alice.info], isAdd: true }]]);

      // Following him again changes nothing, and tells nothing.
      await alice.chat.followUser([bob.uid]);
      // bob follows back: each gains a mutual follower too, one event per list, as Tencent's.
      await bob.chat.followUser([alice.uid]);
      await waitFor(() => heard(alice).length === 3 && heard(bob).length === 3, 5_000, 'the follow back told');
      assert.deepEqual(heard(bob).slice(1), [
        [EVENT.MY_FOLLOWING_LIST_UPDATED, { userInfoList: [alice.info], isAdd: true }],
        [EVENT.MUTUAL_FOLLOWERS_LIST_UPDATED, { userInfoList: [alice.info], isAdd: true }],
      ]);
      assert.deepEqual(heard(alice).slice(1), [
        [EVENT.MY_FOLLOWERS_LIST_UPDATED, { userInfoList: [bob.info], isAdd: true }],
        [EVENT.MUTUAL_FOLLOWERS_LIST_UPDATED, { userInfoList: [bob.info], isAdd: true }],
      ]);

      // alice unfollows bob: a removal names the user by userID alone, as Tencent's.
      await alice.chat.unfollowUser([bob.uid]);
      await waitFor(() => heard(alice).length === 5 && heard(bob).length === 5, 5_000, 'the unfollow told');
      assert.deepEqual(heard(alice).slice(3), [
        [EVENT.MY_FOLLOWING_LIST_UPDATED, { userInfoList: [bob.uid], isAdd: false }],
        [EVENT.MUTUAL_FOLLOWERS_LIST_UPDATED, { userInfoList: [bob.uid], isAdd: false }],
      ]);
      assert.deepEqual(heard(bob).slice(3), [
        [EVENT.MY_FOLLOWERS_LIST_UPDATED, { userInfoList: [alice.uid], isAdd: false }],
        [EVENT.MUTUAL_FOLLOWERS_LIST_UPDATED, { userInfoList: [alice.uid], isAdd: false }],
      ]);
      await waitFor(() => heard(alice2).length === 5, 5_000, "alice's other device hears it all");
      assert.deepEqual(heard(alice2), heard(alice));

      // Unfollowing someone not followed changes nothing, and tells nothing.
      await alice.chat.unfollowUser([bob.uid]);
      await alice.chat.getMyFollowingList(); // a round trip after it, for a push to have come
      await sleep(200);
      assert.equal(heard(alice).length, 5);
      assert.equal(heard(bob).length, 5);
    } finally {
      await closeAll(alice.chat, alice2.chat, bob.chat);
    }
  });

  test("pages of 500, as Tencent's asks for them, one after another by nextCursor", async () => {
    const alice = await user('alice');
    try {
      const stars = Array.from({ length: 501 }, (_, i) => uniqueUid(`star${i}`));
      for (let i = 0; i < stars.length; i += 50) await Promise.all(stars.slice(i, i + 50).map((u) => server.createUser(u)));
      for (let i = 0; i < stars.length; i += 20) {
        const results = (await alice.chat.followUser(stars.slice(i, i + 20))).data;
        assert.ok(results.every((r) => r.resultCode === 0));
      }
      const first = (await alice.chat.getMyFollowingList()).data;
      assert.equal(first.resultList.length, 500);
      assert.notEqual(first.nextCursor, '');
      const second = (await alice.chat.getMyFollowingList(first.nextCursor)).data;
      assert.equal(second.resultList.length, 1);
      assert.equal(second.nextCursor, '', 'the last page');
      const listed = [...first.resultList, ...second.resultList].map((u) => u.userID);
      assert.deepEqual([...listed].sort(), [...stars].sort(), 'each once');
      const lastGet = followCalls(alice).filter((c) => c.method === 'GET').at(-1)!;
      assert.equal(new URL(lastGet.url).searchParams.get('cursor'), first.nextCursor);
      assert.equal((await alice.chat.getUserFollowInfo()).data[0]!.followingCount, 501);

      // A cursor no page gave is the server's to refuse.
      await assert.rejects(alice.chat.getMyFollowingList('not-a-cursor'), refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /cursor/ }));
    } finally {
      await closeAll(alice.chat);
    }
  });

  test("checkFollowType past 100 asks about the first 100, with a warning, as Tencent's", async (t) => {
    const alice = await user('alice');
    const warn = mock.method(console, 'warn', () => {});
    t.after(() => warn.mock.restore());
    try {
      const many = Array.from({ length: 101 }, (_, i) => `${alice.uid}-nobody-${i}`);
      const answer = await alice.chat.checkFollowType(many);
      assert.deepEqual(answer.data, many.slice(0, 100).map((userID) => ({ userID, followType: 0 })));
      assert.deepEqual(JSON.parse(followCalls(alice).at(-1)!.body!), { userIDList: many.slice(0, 100) });
      assert.equal(warn.mock.callCount(), 1);
      assert.match(String(warn.mock.calls[0]!.arguments[0]), /checkFollowType: the length of userIDList cannot exceed 100/);
    } finally {
      await closeAll(alice.chat);
    }
  });

  test("the checks before any request: 40001, as Tencent's \"Params validate failed\"", async () => {
    const alice = await user('alice');
    try {
      const loose = alice.chat as unknown as Record<string, (arg?: unknown) => Promise<unknown>>;
      const ids = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);
      const bad: [string, unknown, RegExp][] = [
        ['followUser', undefined, /userIDList: an array of userIDs/],
        ['followUser', 'bob', /userIDList: an array of userIDs/],
        ['followUser', [7], /userIDList: an array of userIDs/],
        ['followUser', [], /userIDList: is empty/],
        ['followUser', ids(21), /userIDList: 21 given; at most 20/],
        ['unfollowUser', [], /userIDList: is empty/],
        ['unfollowUser', ids(21), /userIDList: 21 given; at most 20/],
        ['getMyFollowersList', 5, /nextCursor/],
        ['getMyFollowingList', {}, /nextCursor/],
        ['getMutualFollowersList', 0, /nextCursor/],
        ['getUserFollowInfo', 'bob', /userIDList: an array of userIDs/],
        ['getUserFollowInfo', ids(101), /userIDList: 101 given; at most 100/],
        ['checkFollowType', undefined, /userIDList: an array of userIDs/],
        ['checkFollowType', [], /userIDList: is empty/],
      ];
      for (const [call, arg, message] of bad) {
        await assert.rejects(
          loose[call]!.call(alice.chat, arg),
          refusedWith(ErrorCode.INVALID_ARGUMENT, { error: 'invalid_argument', message: new RegExp(`^${call}: ${message.source}`) }),
          `${call} ${JSON.stringify(arg)}`,
        );
      }
      assert.deepEqual(followCalls(alice), [], 'no request was made');

      // Not logged in: 40101 without a request.
      const spy = spyFetch();
      const fresh = newChat(server, { fetch: spy.fetch });
      const freshCalls = fresh as unknown as Record<string, (arg?: unknown) => Promise<unknown>>;
      for (const [call, arg] of [
        ['followUser', ['bob']],
        ['unfollowUser', ['bob']],
        ['getMyFollowersList', undefined],
        ['getMyFollowingList', undefined],
        ['getMutualFollowersList', undefined],
        ['getUserFollowInfo', undefined],
        ['checkFollowType', ['bob']],
      ] as const) {
        await assert.rejects(freshCalls[call]!.call(fresh, arg), refusedWith(ErrorCode.UNAUTHENTICATED), call);
      }
      assert.deepEqual(spy.calls, []);
      await closeAll(fresh);

      // Nobody follows her: an empty list, the last page.
      assert.deepEqual((await alice.chat.getMyFollowersList('')).data, { resultList: [], nextCursor: '' });
    } finally {
      await closeAll(alice.chat);
    }
  });
});
