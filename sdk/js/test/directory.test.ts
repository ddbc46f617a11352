/**
 * searchCloudUsers, searchCloudGroups and searchCloudGroupMembers against a real natter server, as
 * Tencent's SDK has them: users by nick or userID as the Profiles getUserProfile gives; groups by
 * name or groupID as Groups (work groups for their members only, dismissed ones for no one,
 * narrowed by type), the role the SDK holds for a group left alone; members of the user's own
 * groups by nick, name card or userID, by group; 'or' and 'and'; pages by cursor; Tencent's gender
 * and birthday filters unsupported (-2); Tencent's 60020 for a server without these searches; and
 * the checks made before any request.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import TencentCloudChat from '@tencentcloud/chat';
import { ErrorCode, NatterError, TYPES, type SearchCloudUsersOptions, type TypesValue } from '@natter/sdk';
import { closeAll, destroyAllChats, liveDevice, newChat, refusedWith } from '../testing/chat.js';
import { spyFetch, startServer, uniqueUid, type TestServer } from '../testing/server.js';

let server: TestServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

type Calls = ReturnType<typeof spyFetch>['calls'];

/** The bodies of the searches the spy saw to `path`. */
function searches(calls: Calls, path: string): Record<string, unknown>[] {
  return calls
    .filter((c) => c.method === 'POST' && new URL(c.url).pathname === path)
    .map((c) => JSON.parse(c.body!) as Record<string, unknown>);
}

/** A word no other test's names hold, so that each test finds only its own users and groups. */
function word(): string {
  return `w${randomBytes(4).toString('hex')}`;
}

/** Users made with these nicks (`''`: none), each with an avatar; their unique userIDs by name. */
async function users<const N extends string>(nicks: Record<N, string>): Promise<Record<N, string>> {
  const uid = {} as Record<N, string>;
  for (const [name, nick] of Object.entries(nicks) as [N, string][]) {
    uid[name] = uniqueUid(name);
    await server.createUser(uid[name]);
    if (nick !== '') await server.setProfile(uid[name], { nick, avatar: `https://example.com/${name}.png` });
  }
  return uid;
}

/** A live instance of `uid` that spies on its requests (`calls`). */
async function spied(uid: string) {
  const spy = spyFetch();
  const device = await liveDevice(server, uid, 1, undefined, { fetch: spy.fetch });
  return { ...device, calls: spy.calls };
}

describe('searchCloudUsers', () => {
  test("Tencent's sample: users whose nick holds a word or whose userID is one, each the Profile getUserProfile gives", async () => {
    const w = word();
    const uid = await users({ alice: '', bob: `Bob ${w.toUpperCase()}`, carol: `${w}-carol`, dave: 'Dave' });
    const alice = await spied(uid.alice);
    try {
      const answer = await alice.chat.searchCloudUsers({ keywordList: [w], keywordListMatchType: 'or', count: 20, cursor: '' });
      assert.equal(answer.code, 0);
      const { searchResultList, cursor, totalCount } = answer.data;
      assert.deepEqual(searchResultList.map((p) => p.userID), [uid.bob, uid.carol], 'by userID, A–Z in either case');
      assert.equal(totalCount, 2);
      assert.equal(cursor, '', 'the last page');
      assert.deepEqual(searchResultList, (await alice.chat.getUserProfile({ userIDList: [uid.bob, uid.carol] })).data);
      assert.equal(searchResultList[0]!.nick, `Bob ${w.toUpperCase()}`);
      assert.equal(searchResultList[0]!.avatar, 'https://example.com/bob.png');
      assert.deepEqual(searches(alice.calls, '/v1/search/users'), [
        { keywordList: [w], keywordListMatchType: 'or', count: 20 },
      ]);

      // A userID is found whole, whatever the nick; a part of one is only looked for in nicks.
      const byID = await alice.chat.searchCloudUsers({ keywordList: [uid.dave] });
      assert.deepEqual(byID.data.searchResultList.map((p) => p.userID), [uid.dave]);
      assert.deepEqual((await alice.chat.searchCloudUsers({ keywordList: [uid.dave.slice(0, -1)] })).data.totalCount, 0);
    } finally {
      await closeAll(alice.chat);
    }
  });

  test("'or' (the default) and 'and'; pages by cursor, `count` read as Tencent's parseInt", async () => {
    const [w1, w2] = [word(), word()];
    const uid = await users({ alice: '', bob: `${w1} ${w2}`, carol: w1, dave: `${w2}!` });
    const alice = await spied(uid.alice);
    try {
      const found = async (options: Parameters<typeof alice.chat.searchCloudUsers>[0]) =>
        (await alice.chat.searchCloudUsers(options)).data.searchResultList.map((p) => p.userID);
      assert.deepEqual(await found({ keywordList: [w1, w2] }), [uid.bob, uid.carol, uid.dave]);
      assert.deepEqual(await found({ keywordList: [w1, w2], keywordListMatchType: 'and' }), [uid.bob]);

      const first = (await alice.chat.searchCloudUsers({ keywordList: [w1, w2], count: 2.9 })).data;
      assert.equal(searches(alice.calls, '/v1/search/users').at(-1)!.count, 2, 'a fraction taken whole');
      assert.deepEqual(first.searchResultList.map((p) => p.userID), [uid.bob, uid.carol]);
      assert.equal(first.totalCount, 3);
      assert.notEqual(first.cursor, '');
      const second = (await alice.chat.searchCloudUsers({ keywordList: [w1, w2], count: 2, cursor: first.cursor })).data;
      assert.deepEqual(second.searchResultList.map((p) => p.userID), [uid.dave]);
      assert.equal(second.totalCount, 3);
      assert.equal(second.cursor, '', 'the last page');
    } finally {
      await closeAll(alice.chat);
    }
  });

  test("Tencent's gender and birthday filters narrow the users found, by what they set in their profiles", async () => {
    const w = word();
    const uid = await users({ ann: `Ann ${w}`, cat: `Cat ${w}`, dan: `Dan ${w}` });
    const ann = await spied(uid.ann);
    const cat = await spied(uid.cat);
    try {
      await ann.chat.updateMyProfile({ gender: TencentCloudChat.TYPES.GENDER_FEMALE, birthday: 19900512 });
      await cat.chat.updateMyProfile({ gender: TencentCloudChat.TYPES.GENDER_MALE, birthday: 20010101 });
      const found = async (options: Omit<SearchCloudUsersOptions, 'keywordList'>) =>
        (await ann.chat.searchCloudUsers({ keywordList: [w], ...options })).data.searchResultList.map((p) => p.userID);
      // Tencent's documented sample: a gender and a birthday range
      assert.deepEqual(await found({ userGenderType: TencentCloudChat.TYPES.GENDER_MALE, miniBirthday: 0, maxBirthday: 20020101 }), [uid.cat]);
      assert.deepEqual(await found({ userGenderType: TencentCloudChat.TYPES.GENDER_FEMALE }), [uid.ann]);
      assert.deepEqual(await found({ maxBirthday: 20000101 }), [uid.ann, uid.dan], 'dan set no birthday: 0, within a range from 0');
      assert.deepEqual(await found({ miniBirthday: 20000101 }), [uid.cat], 'only miniBirthday given: to 4294967295');
      const sent = searches(ann.calls, '/v1/search/users').at(-1);
      assert.deepEqual([sent?.miniBirthday, sent?.maxBirthday], [20000101, undefined], 'sent as given');

      const refused: [SearchCloudUsersOptions, RegExp][] = [
        [{ keywordList: [w], userGenderType: TencentCloudChat.TYPES.GENDER_UNKNOWN as never }, /userGenderType/],
        [{ keywordList: [w], miniBirthday: -1 }, /miniBirthday/],
        [{ keywordList: [w], maxBirthday: '20000101' as never }, /maxBirthday/],
      ];
      for (const [options, named] of refused) {
        await assert.rejects(ann.chat.searchCloudUsers(options), (err: unknown) => {
          assert.ok(err instanceof NatterError);
          assert.equal(err.code, ErrorCode.INVALID_ARGUMENT);
          assert.match(err.message, named);
          return true;
        });
      }
    } finally {
      await closeAll(ann.chat, cat.chat);
    }
  });
});

describe('searchCloudGroups', () => {
  test("groups by name or groupID, as Groups: public and meeting groups for anyone, work groups for members, dismissed ones for none", async () => {
    const w = word();
    const uid = await users({ alice: '', bob: '', carol: '' });
    const [alice, bob, carol] = await Promise.all([spied(uid.alice), spied(uid.bob), spied(uid.carol)]);
    try {
      const create = async (name: string, type: TypesValue, memberList: { userID: string }[] = []) =>
        (await alice.chat.createGroup({ name, type, memberList })).data.group.groupID;
      const work = await create(`${w} work`, TYPES.GRP_WORK, [{ userID: uid.bob }]);
      const open = await create(`Open ${w.toUpperCase()}`, TYPES.GRP_PUBLIC);
      const meeting = await create(`${w} meeting`, TYPES.GRP_MEETING);
      const gone = await create(`${w} gone`, TYPES.GRP_PUBLIC);
      await alice.chat.dismissGroup(gone);
      await create('Unrelated', TYPES.GRP_PUBLIC);
      const byID = (ids: string[]) => [...ids].sort();

      const forCarol = (await carol.chat.searchCloudGroups({ keywordList: [w] })).data;
      assert.deepEqual(forCarol.searchResultList.map((g) => g.groupID), byID([open, meeting]), 'a stranger: no work group');
      assert.equal(forCarol.totalCount, 2);
      assert.equal(forCarol.cursor, '');
      // Each a Group, as getGroupProfile gives it to the stranger.
      for (const group of forCarol.searchResultList) {
        assert.deepEqual(group, (await carol.chat.getGroupProfile({ groupID: group.groupID })).data.group);
      }
      const openFound = forCarol.searchResultList.find((g) => g.groupID === open)!;
      assert.equal(openFound.name, `Open ${w.toUpperCase()}`);
      assert.equal(openFound.type, TYPES.GRP_PUBLIC);
      assert.equal(openFound.ownerID, uid.alice);
      assert.equal(openFound.memberCount, 1);

      const forBob = (await bob.chat.searchCloudGroups({ keywordList: [w] })).data;
      assert.deepEqual(forBob.searchResultList.map((g) => g.groupID), byID([work, open, meeting]), 'a member finds their work group');
      assert.deepEqual(
        (await bob.chat.searchCloudGroups({ keywordList: [w], groupTypeList: [TYPES.GRP_WORK, TYPES.GRP_MEETING] })).data
          .searchResultList.map((g) => g.groupID),
        byID([work, meeting]),
      );
      assert.deepEqual(
        (await bob.chat.searchCloudGroups({ keywordList: [w], groupTypeList: [TYPES.GRP_PUBLIC] })).data.searchResultList.map((g) => g.groupID),
        [open],
      );
      assert.deepEqual(searches(bob.calls, '/v1/search/groups').at(-1), { keywordList: [w], groupTypeList: ['Public'] });
      // A groupID is found whole; a dismissed group by no one.
      assert.deepEqual((await carol.chat.searchCloudGroups({ keywordList: [meeting] })).data.searchResultList.map((g) => g.groupID), [meeting]);
      assert.equal((await alice.chat.searchCloudGroups({ keywordList: [gone] })).data.totalCount, 0);

      // A page at a time.
      const first = (await carol.chat.searchCloudGroups({ keywordList: [w], count: 1 })).data;
      const second = (await carol.chat.searchCloudGroups({ keywordList: [w], count: 1, cursor: first.cursor })).data;
      assert.deepEqual([...first.searchResultList, ...second.searchResultList].map((g) => g.groupID), byID([open, meeting]));
      assert.deepEqual([first.totalCount, second.totalCount, second.cursor], [2, 2, '']);
      assert.notEqual(first.cursor, '');
    } finally {
      await closeAll(alice.chat, bob.chat, carol.chat);
    }
  });

  test('a found group says nothing of the user’s place in it, and leaves the role the SDK holds alone', async () => {
    const w = word();
    const uid = await users({ alice: '' });
    const alice = await spied(uid.alice);
    try {
      const { group } = (await alice.chat.createGroup({ name: `${w} mine`, type: TYPES.GRP_PUBLIC })).data;
      assert.equal(group.selfInfo.role, TYPES.GRP_MBR_ROLE_OWNER);
      const [found] = (await alice.chat.searchCloudGroups({ keywordList: [w] })).data.searchResultList;
      assert.equal(found!.groupID, group.groupID);
      assert.equal(found!.selfInfo.role, '', "as Tencent's search: no selfInfo");
      assert.equal(found!.selfInfo.userID, uid.alice);
      const { conversation } = (await alice.chat.getConversationProfile(`GROUP${group.groupID}`)).data;
      assert.equal(conversation.groupProfile!.selfInfo.role, TYPES.GRP_MBR_ROLE_OWNER, 'still the owner');
    } finally {
      await closeAll(alice.chat);
    }
  });
});

describe('searchCloudGroupMembers', () => {
  test("members of the user's own groups by nick, name card or userID, by group, in Tencent's shape", async () => {
    const w = word();
    const uid = await users({ alice: 'Alice', bob: `Bob ${w}`, carol: 'Carol', dave: `${w} dave`, erin: 'Erin' });
    const [alice, bob, carol] = await Promise.all([spied(uid.alice), spied(uid.bob), spied(uid.carol)]);
    try {
      const team = (
        await alice.chat.createGroup({ name: 'Team', avatar: 'https://example.com/team.png', memberList: [{ userID: uid.bob }, { userID: uid.carol }, { userID: uid.erin }] })
      ).data.group.groupID;
      const club = (await alice.chat.createGroup({ name: 'Club', type: TYPES.GRP_PUBLIC, joinOption: TYPES.JOIN_OPTIONS_FREE_ACCESS })).data.group.groupID;
      await bob.chat.joinGroup({ groupID: club });
      await carol.chat.setGroupMemberNameCard({ groupID: team, nameCard: `${w.toUpperCase()} card` });
      // dave's nick holds the word, but he shares no group with alice.
      await server.createGroup(uniqueUid('elsewhere'), [uid.dave, uid.bob]);

      const groups = {
        [team]: { groupID: team, name: 'Team', type: TYPES.GRP_WORK, avatar: 'https://example.com/team.png' },
        [club]: { groupID: club, name: 'Club', type: TYPES.GRP_PUBLIC, avatar: '' },
      };
      const member = (name: 'bob' | 'carol', nameCard = '') => ({
        userID: uid[name],
        nick: name === 'bob' ? `Bob ${w}` : 'Carol',
        nameCard,
        avatar: `https://example.com/${name}.png`,
      });
      const expected = [
        { groupInfo: groups[team]!, memberList: [member('bob'), member('carol', `${w.toUpperCase()} card`)] },
        { groupInfo: groups[club]!, memberList: [member('bob')] },
      ].sort((a, b) => (a.groupInfo.groupID < b.groupInfo.groupID ? -1 : 1));

      const answer = await alice.chat.searchCloudGroupMembers({ keywordList: [w] });
      assert.equal(answer.code, 0);
      assert.deepEqual(answer.data, { searchResultList: expected, cursor: '', totalCount: 3 }, 'bob counts in both groups');

      // Narrowed to some groups, or to types; a userID found whole.
      const only = async (options: Parameters<typeof alice.chat.searchCloudGroupMembers>[0]) =>
        (await alice.chat.searchCloudGroupMembers(options)).data.searchResultList.map((r) => [
          r.groupInfo.groupID,
          r.memberList.map((m) => m.userID),
        ]);
      assert.deepEqual(await only({ keywordList: [w], groupIDList: [club] }), [[club, [uid.bob]]]);
      assert.deepEqual(await only({ keywordList: [w], groupTypeList: [TYPES.GRP_WORK] }), [[team, [uid.bob, uid.carol]]]);
      assert.deepEqual(await only({ keywordList: [uid.erin] }), [[team, [uid.erin]]]);
      assert.deepEqual(await only({ keywordList: [uid.dave] }), [], "not in the user's groups");
      assert.deepEqual(searches(alice.calls, '/v1/search/group-members').slice(1, 3), [
        { keywordList: [w], groupIDList: [club] },
        { keywordList: [w], groupTypeList: ['Private'] },
      ]);

      // `count` counts members: a group goes on on the next page.
      const seen: string[] = [];
      let cursor = '';
      do {
        const page = (await alice.chat.searchCloudGroupMembers({ keywordList: [w], count: 1, cursor })).data;
        assert.equal(page.totalCount, 3);
        assert.equal(page.searchResultList.length, 1);
        seen.push(...page.searchResultList.flatMap((r) => r.memberList.map((m) => `${r.groupInfo.groupID} ${m.userID}`)));
        cursor = page.cursor;
      } while (cursor !== '');
      assert.deepEqual(seen, expected.flatMap((r) => r.memberList.map((m) => `${r.groupInfo.groupID} ${m.userID}`)));
    } finally {
      await closeAll(alice.chat, bob.chat, carol.chat);
    }
  });
});

describe('cloud searches: refusals', () => {
  test('the checks before any request: 40001, as Tencent\'s "Params validate failed"', async () => {
    const uid = await users({ alice: '' });
    const alice = await spied(uid.alice);
    try {
      const loose = alice.chat as unknown as Record<string, (options: unknown) => Promise<unknown>>;
      const calls = ['searchCloudUsers', 'searchCloudGroups', 'searchCloudGroupMembers'];
      const every: [unknown, RegExp][] = [
        [undefined, /options/],
        [null, /options/],
        ['w', /options/],
        [{}, /keywordList: 1 to 5 words/],
        [{ keywordList: [] }, /keywordList: 1 to 5 words/],
        [{ keywordList: 'w' }, /keywordList: an array/],
        [{ keywordList: ['a', 'b', 'c', 'd', 'e', 'f'] }, /keywordList: 6 given; at most 5/],
        [{ keywordList: [''] }, /keywordList: an array of non-empty strings/],
        [{ keywordList: [7] }, /keywordList/],
        [{ keywordList: ['é'.repeat(51)] }, /keywordList\[0\]: 1 to 100 bytes/],
        [{ keywordList: ['a'], keywordListMatchType: 'AND' }, /keywordListMatchType/],
        [{ keywordList: ['a'], count: 0 }, /count: a number from 1 to 100, not 0/],
        [{ keywordList: ['a'], count: 101 }, /count/],
        [{ keywordList: ['a'], count: 0.5 }, /count/],
        [{ keywordList: ['a'], count: '20' }, /count/],
        [{ keywordList: ['a'], count: Number.NaN }, /count/],
        [{ keywordList: ['a'], cursor: 3 }, /cursor/],
      ];
      const groupsToo: [unknown, RegExp][] = [
        [{ keywordList: ['a'], groupTypeList: [TYPES.GRP_AVCHATROOM] }, /groupTypeList: "AVChatRoom" is not searched/],
        [{ keywordList: ['a'], groupTypeList: ['Room'] }, /groupTypeList: "Room" is not searched/],
        [{ keywordList: ['a'], groupTypeList: 'Public' }, /groupTypeList: an array/],
      ];
      const membersToo: [unknown, RegExp][] = [
        [{ keywordList: ['a'], groupIDList: 'g' }, /groupIDList: an array/],
        [{ keywordList: ['a'], groupIDList: [''] }, /groupIDList: an array of non-empty strings/],
        [{ keywordList: ['a'], groupIDList: Array.from({ length: 101 }, (_, i) => `g${i}`) }, /groupIDList: 101 given; at most 100/],
      ];
      for (const call of calls) {
        const bad = [...every, ...(call === 'searchCloudUsers' ? [] : groupsToo), ...(call === 'searchCloudGroupMembers' ? membersToo : [])];
        for (const [options, message] of bad) {
          await assert.rejects(
            loose[call]!.call(alice.chat, options),
            refusedWith(ErrorCode.INVALID_ARGUMENT, { error: 'invalid_argument', message: new RegExp(`^${call}: ${message.source}`) }),
            `${call} ${JSON.stringify(options)}`,
          );
        }
      }
      assert.deepEqual(alice.calls.filter((c) => c.url.includes('/v1/search/')), [], 'no request was made');

      // What another search narrows by is not sent, as Tencent's server does not read it; `[]` is no narrowing.
      await alice.chat.searchCloudUsers({ keywordList: ['a'], groupTypeList: [TYPES.GRP_AVCHATROOM] } as never);
      await alice.chat.searchCloudGroups({ keywordList: ['a'], groupIDList: ['g'], groupTypeList: [] } as never);
      await alice.chat.searchCloudGroupMembers({ keywordList: ['a'], groupIDList: [], groupTypeList: [TYPES.GRP_COMMUNITY] });
      assert.deepEqual(
        alice.calls.filter((c) => c.url.includes('/v1/search/')).map((c) => JSON.parse(c.body!)),
        [{ keywordList: ['a'] }, { keywordList: ['a'] }, { keywordList: ['a'], groupTypeList: ['Community'] }],
      );

      // The server's: a cursor it never gave.
      await assert.rejects(
        alice.chat.searchCloudUsers({ keywordList: ['a'], cursor: 'not-a-cursor' }),
        refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /cursor/ }),
      );

      // Not logged in: 40101 without a request.
      const spy = spyFetch();
      const fresh = newChat(server, { fetch: spy.fetch });
      for (const call of calls) {
        await assert.rejects(loose[call]!.call(fresh, { keywordList: ['a'] }), refusedWith(ErrorCode.UNAUTHENTICATED), call);
      }
      assert.deepEqual(spy.calls, []);
      await closeAll(fresh);
    } finally {
      await closeAll(alice.chat);
    }
  });

  test("a server without these searches rejects with Tencent's 60020", async () => {
    const uid = uniqueUid('old');
    // A fetch that sends the searches where an older server has nothing: it answers 404.
    const gone: typeof fetch = ((input: string | URL | Request, init?: RequestInit) =>
      fetch(String(input).replace('/v1/search/', '/v1/search-gone/'), init)) as typeof fetch;
    const d = await liveDevice(server, uid, 1, undefined, { fetch: gone });
    try {
      for (const [call, search] of [
        ['searchCloudUsers', 'user search'],
        ['searchCloudGroups', 'group search'],
        ['searchCloudGroupMembers', 'group member search'],
      ] as const) {
        await assert.rejects(d.chat[call]({ keywordList: ['a'] }), (err: unknown) => {
          assert.ok(err instanceof NatterError);
          assert.equal(err.code, ErrorCode.SEARCH_UNAVAILABLE);
          assert.equal(err.error, 'not_found');
          assert.equal(err.status, 404);
          assert.match(err.message, new RegExp(`^${call}: this server has no ${search}`));
          return true;
        });
      }
    } finally {
      await closeAll(d.chat);
    }
  });
});
