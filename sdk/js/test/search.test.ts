/**
 * searchCloudMessages against a real natter server, as Tencent's SDK has it: its documented sample
 * unchanged, all conversations (each conversation's count, its single match given, the newest
 * match first, pages of conversations), one conversation (a page of its matches, newest first, in
 * groups too, paged by cursor), 'or' and 'and', senders and types, timePosition and timePeriod
 * (seconds) as the server's times, the messages as Tencent's Message objects (the very objects
 * the app holds, found by findMessage), messages recalled or deleted never found, Tencent's 60020
 * for a server without search, and the checks made before any request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import TencentCloudChat from '@tencentcloud/chat';
import { ErrorCode, NatterError, TYPES, type Message, type SearchCloudMessagesResult } from '@natter/sdk';
import { closeAll, destroyAllChats, liveDevice, newChat, refusedWith, sendText } from '../testing/chat.js';
import { spyFetch, startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';
import { searchRequest } from '../src/search.js';

let server: TestServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Calls = ReturnType<typeof spyFetch>['calls'];

/** The bodies of the searches the spy saw. */
function searches(calls: Calls): Record<string, unknown>[] {
  return calls
    .filter((c) => c.method === 'POST' && c.url.endsWith('/v1/messages/search'))
    .map((c) => JSON.parse(c.body!) as Record<string, unknown>);
}

/** What a result list says, for comparing: each conversation, its count and its messages' texts. */
function summary(data: SearchCloudMessagesResult) {
  return data.searchResultList.map((r) => ({
    conversationID: r.conversationID,
    messageCount: r.messageCount,
    texts: r.messageList.map((m) => (m.payload as { text?: string; data?: string }).text ?? (m.payload as { data?: string }).data),
  }));
}

/**
 * alice, bob and carol, live, alice's instance spying on its requests, a group of the three, and
 * messages in order (oldest first):
 *
 *   C2C alice–bob:   alice "hello world", bob "Hello there", bob "bye world"
 *   GROUP:           carol "HELLO group, hello world", carol "nothing to see", bob custom { data: "world data" }
 *   C2C alice–carol: carol "world peace"
 */
async function world() {
  const uid = { alice: uniqueUid('alice'), bob: uniqueUid('bob'), carol: uniqueUid('carol') };
  const spy = spyFetch();
  const alice = await liveDevice(server, uid.alice, 1, undefined, { fetch: spy.fetch });
  const bob = await liveDevice(server, uid.bob, 1);
  const carol = await liveDevice(server, uid.carol, 1);
  const groupID = uniqueUid('team');
  await server.createGroup(groupID, Object.values(uid));
  const c2cBob = `C2C${uid.bob}`;
  const c2cCarol = `C2C${uid.carol}`;
  const group = `GROUP${groupID}`;

  const helloWorld = await sendText(alice.chat, uid.bob, 'hello world');
  const helloThere = await sendText(bob.chat, uid.alice, 'Hello there');
  const byeWorld = await sendText(bob.chat, uid.alice, 'bye world');
  const groupHello = await sendText(carol.chat, groupID, 'HELLO group, hello world', 'GROUP');
  const nothing = await sendText(carol.chat, groupID, 'nothing to see', 'GROUP');
  const custom = bob.chat.createCustomMessage({
    to: groupID,
    conversationType: TYPES.CONV_GROUP,
    payload: { data: 'world data', description: 'a card', extension: '' },
  });
  await bob.chat.sendMessage(custom);
  const peace = await sendText(carol.chat, uid.alice, 'world peace');
  // alice's instance has received them all (they are the objects it hands out).
  await waitFor(() => alice.rec.received().length === 6, 5_000, 'alice received the others');
  return {
    uid,
    alice,
    bob,
    carol,
    calls: spy.calls,
    groupID,
    c2cBob,
    c2cCarol,
    group,
    sent: { helloWorld, helloThere, byeWorld, groupHello, nothing, custom, peace },
    /** alice's copy of a message someone else sent, as MESSAGE_RECEIVED gave it. */
    received: (m: Message) =>
      alice.rec.received().find((r) => r.from === m.from && JSON.stringify(r.payload) === JSON.stringify(m.payload))!,
    done: () => closeAll(alice.chat, bob.chat, carol.chat),
  };
}

let w: Awaited<ReturnType<typeof world>>;

describe('searchCloudMessages', () => {
  before(async () => {
    w = await world();
  });
  after(async () => {
    await w?.done();
  });

  test("Tencent's documented sample, unchanged but for the conversation", async () => {
    let seen: { totalCount: number; cursor: string; results: unknown[] } | undefined;
    let promise: Promise<{ code: number; data: SearchCloudMessagesResult }>;
    {
      // ---- from Tencent's documentation ("Search cloud messages"), unchanged but for the ID
      const chat = w.alice.chat;
      promise = chat.searchCloudMessages({
        keywordList: ['hello', 'world'],
        keywordListMatchType: 'and',
        conversationID: w.group,
        timePosition: Number((new Date().getTime() / 1000).toFixed(0)),
        timePeriod: 24 * 60 * 60,
        senderUserIDList: [],
        messageTypeList: [TencentCloudChat.TYPES.MSG_TEXT],
        cursor: '',
      });
      promise.then(function (imResponse) {
        const { totalCount, cursor, searchResultList } = imResponse.data;
        const results: unknown[] = []; // (the test's own line)
        for (let i = 0; i < searchResultList.length; i++) {
          const { conversationID, messageCount, messageList } = searchResultList[i]!;
          results.push({ conversationID, messageCount, messageList }); // (the test's own line)
        }
        seen = { totalCount, cursor, results }; // (the test's own line)
      });
      // ----
    }
    const { code, data } = await promise;
    assert.equal(code, 0);
    assert.equal(data.totalCount, 1);
    assert.equal(data.cursor, '', 'the last page');
    assert.deepEqual(summary(data), [{ conversationID: w.group, messageCount: 1, texts: ['HELLO group, hello world'] }]);
    const found = data.searchResultList[0]!.messageList[0]!;
    assert.equal(found.ID, w.received(w.sent.groupHello).ID, 'the ID alice holds it by');
    assert.equal(w.alice.chat.findMessage(found.ID), found);
    await waitFor(() => seen !== undefined, 1_000, 'the then');
    assert.equal(seen!.totalCount, 1);
    assert.deepEqual(Object.keys(data), ['searchResultList', 'cursor', 'totalCount'], "Tencent's fields");
    assert.deepEqual(Object.keys(data.searchResultList[0]!), ['conversationID', 'messageCount', 'messageList']);

    const body = searches(w.calls).at(-1)!;
    assert.deepEqual(Object.keys(body).sort(), ['conversationID', 'fromTime', 'keywordList', 'keywordListMatchType', 'messageTypeList', 'toTime']);
    assert.equal((body.toTime as number) % 1000, 999, 'the end of the second, inclusive');
    assert.equal((body.toTime as number) - 999 - (body.fromTime as number), 24 * 60 * 60 * 1000);
  });

  test('all conversations: each with its count, its single match given, the newest match first', async () => {
    const { data } = await w.alice.chat.searchCloudMessages({ keywordList: ['world'] });
    assert.deepEqual(summary(data), [
      { conversationID: w.c2cCarol, messageCount: 1, texts: ['world peace'] },
      { conversationID: w.group, messageCount: 2, texts: [] },
      { conversationID: w.c2cBob, messageCount: 2, texts: [] },
    ]);
    assert.equal(data.totalCount, 5);
    assert.equal(data.cursor, '');

    // The single match is a Message as Tencent's, as getMessageList hands them out.
    const m = data.searchResultList[0]!.messageList[0]!;
    assert.deepEqual(m, w.received(w.sent.peace));
    assert.notEqual(m.ID, w.sent.peace.ID, "the server's ID: carol's instance knows it by the one it made");
    assert.equal(w.alice.chat.findMessage(w.sent.peace.ID), m, 'found by that one too');
    assert.equal(m.type, TYPES.MSG_TEXT);
    assert.deepEqual(m.payload, { text: 'world peace' });
    assert.equal(m.conversationID, w.c2cCarol);
    assert.equal(m.conversationType, TYPES.CONV_C2C);
    assert.equal(m.from, w.uid.carol);
    assert.equal(m.to, w.uid.alice);
    assert.equal(m.flow, 'in');
    assert.equal(m.status, 'success');
    assert.equal(m.sequence, w.sent.peace.sequence);
    assert.equal(m.time, w.sent.peace.time, 'seconds');
    assert.equal(w.alice.chat.findMessage(m.ID), m);

    // 'hello' matches A–Z in either case.
    const hello = await w.alice.chat.searchCloudMessages({ keywordList: ['HeLLo'] });
    assert.deepEqual(summary(hello.data), [
      { conversationID: w.group, messageCount: 1, texts: ['HELLO group, hello world'] },
      { conversationID: w.c2cBob, messageCount: 2, texts: [] },
    ]);
    assert.equal(hello.data.totalCount, 3);
    // conversationID '' is all of them, as Tencent's.
    const again = await w.alice.chat.searchCloudMessages({ keywordList: ['hello'], conversationID: '' });
    assert.deepEqual(summary(again.data), summary(hello.data));
  });

  test('all conversations, a page of conversations at a time', async () => {
    const pages: ReturnType<typeof summary>[] = [];
    let cursor = '';
    do {
      const { data } = await w.alice.chat.searchCloudMessages({ keywordList: ['world'], count: 1, cursor });
      assert.equal(data.totalCount, 5, 'every match, on every page');
      pages.push(summary(data));
      cursor = data.cursor;
    } while (cursor !== '' && pages.length < 10);
    assert.deepEqual(pages, [
      [{ conversationID: w.c2cCarol, messageCount: 1, texts: ['world peace'] }],
      [{ conversationID: w.group, messageCount: 2, texts: [] }],
      [{ conversationID: w.c2cBob, messageCount: 2, texts: [] }],
    ]);
  });

  test('one conversation: its matches, newest first, paged by cursor; her sends the objects she sent', async () => {
    const { data } = await w.alice.chat.searchCloudMessages({ keywordList: ['world', 'hello'], conversationID: w.c2cBob });
    assert.deepEqual(summary(data), [
      { conversationID: w.c2cBob, messageCount: 3, texts: ['bye world', 'Hello there', 'hello world'] },
    ]);
    assert.equal(data.totalCount, 3);
    assert.equal(data.cursor, '');
    const [bye, there, mine] = data.searchResultList[0]!.messageList;
    // alice's own message is the object she sent, under the ID her instance made; bob's, hers.
    assert.equal(mine, w.sent.helloWorld);
    assert.equal(mine!.flow, 'out');
    assert.deepEqual(there, w.received(w.sent.helloThere));
    assert.equal(bye!.flow, 'in');
    assert.equal(w.alice.chat.findMessage(bye!.ID), bye);

    // Paged: count 2, then the rest; messageCount is the page's.
    const first = await w.alice.chat.searchCloudMessages({ keywordList: ['world', 'hello'], conversationID: w.c2cBob, count: 2 });
    assert.deepEqual(summary(first.data), [{ conversationID: w.c2cBob, messageCount: 2, texts: ['bye world', 'Hello there'] }]);
    assert.equal(first.data.totalCount, 3);
    assert.notEqual(first.data.cursor, '');
    const second = await w.alice.chat.searchCloudMessages({
      keywordList: ['world', 'hello'],
      conversationID: w.c2cBob,
      count: 2,
      cursor: first.data.cursor,
    });
    assert.deepEqual(summary(second.data), [{ conversationID: w.c2cBob, messageCount: 1, texts: ['hello world'] }]);
    assert.equal(second.data.cursor, '');

    // Nothing matching: no result, as the server answers.
    const none = await w.alice.chat.searchCloudMessages({ keywordList: ['zebra'], conversationID: w.c2cBob });
    assert.deepEqual(none.data, { searchResultList: [], cursor: '', totalCount: 0 });
  });

  test("a group's matches come newest first too, the history's objects in reverse", async () => {
    const { data } = await w.alice.chat.searchCloudMessages({ keywordList: ['world', 'nothing'], conversationID: w.group });
    assert.deepEqual(summary(data), [
      { conversationID: w.group, messageCount: 3, texts: ['world data', 'nothing to see', 'HELLO group, hello world'] },
    ]);
    // The messages getMessageList hands out (oldest first there), the newest first here.
    const found = data.searchResultList[0]!.messageList;
    const history = await w.alice.chat.getMessageList({ conversationID: w.group });
    const listed = history.data.messageList.filter((m) => found.some((f) => f.ID === m.ID));
    assert.equal(listed.length, 3);
    assert.deepEqual(listed.reverse(), found);
    assert.deepEqual(found.map((m) => m.sequence), [...found.map((m) => m.sequence)].sort((x, y) => y - x));
    const card = data.searchResultList[0]!.messageList[0]!;
    assert.equal(card.type, TYPES.MSG_CUSTOM);
    assert.deepEqual(card.payload, { data: 'world data', description: 'a card', extension: '' });
    assert.equal(card.conversationType, TYPES.CONV_GROUP);
    assert.equal(card.to, w.groupID);
    assert.equal(card.from, w.uid.bob);
  });

  test("'or' (the default) and 'and'", async () => {
    const or = await w.alice.chat.searchCloudMessages({ keywordList: ['hello', 'world'] });
    const orExplicit = await w.alice.chat.searchCloudMessages({ keywordList: ['hello', 'world'], keywordListMatchType: 'or' });
    assert.deepEqual(summary(or.data), [
      { conversationID: w.c2cCarol, messageCount: 1, texts: ['world peace'] },
      { conversationID: w.group, messageCount: 2, texts: [] },
      { conversationID: w.c2cBob, messageCount: 3, texts: [] },
    ]);
    assert.equal(or.data.totalCount, 6);
    assert.deepEqual(summary(orExplicit.data), summary(or.data));
    const and = await w.alice.chat.searchCloudMessages({ keywordList: ['hello', 'world'], keywordListMatchType: 'and' });
    assert.deepEqual(summary(and.data), [
      { conversationID: w.group, messageCount: 1, texts: ['HELLO group, hello world'] },
      { conversationID: w.c2cBob, messageCount: 1, texts: ['hello world'] },
    ]);
    assert.equal(and.data.totalCount, 2);
    assert.deepEqual(
      searches(w.calls).slice(-3).map((b) => b.keywordListMatchType),
      [undefined, 'or', 'and'],
    );
  });

  test('senders and types, with or without words', async () => {
    const byBob = await w.alice.chat.searchCloudMessages({ senderUserIDList: [w.uid.bob] });
    assert.deepEqual(summary(byBob.data), [
      { conversationID: w.group, messageCount: 1, texts: ['world data'] },
      { conversationID: w.c2cBob, messageCount: 2, texts: [] },
    ]);
    const carolsWorld = await w.alice.chat.searchCloudMessages({ keywordList: ['world'], senderUserIDList: [w.uid.carol] });
    assert.deepEqual(summary(carolsWorld.data), [
      { conversationID: w.c2cCarol, messageCount: 1, texts: ['world peace'] },
      { conversationID: w.group, messageCount: 1, texts: ['HELLO group, hello world'] },
    ]);
    const custom = await w.alice.chat.searchCloudMessages({ messageTypeList: [TYPES.MSG_CUSTOM] });
    assert.deepEqual(summary(custom.data), [{ conversationID: w.group, messageCount: 1, texts: ['world data'] }]);
    const texts = await w.alice.chat.searchCloudMessages({ keywordList: ['world'], messageTypeList: [TYPES.MSG_TEXT], conversationID: w.group });
    assert.deepEqual(summary(texts.data), [{ conversationID: w.group, messageCount: 1, texts: ['HELLO group, hello world'] }]);
    const mine = await w.alice.chat.searchCloudMessages({ senderUserIDList: [w.uid.alice], conversationID: w.c2cBob });
    assert.deepEqual(summary(mine.data), [{ conversationID: w.c2cBob, messageCount: 1, texts: ['hello world'] }]);
    assert.equal(mine.data.searchResultList[0]!.messageList[0], w.sent.helloWorld);

    // TUIKit's searches: every type and no words in a conversation; 'and', and zero times.
    const tuikitTypes = [
      TYPES.MSG_TEXT, TYPES.MSG_FILE, TYPES.MSG_IMAGE, TYPES.MSG_VIDEO,
      TYPES.MSG_AUDIO, TYPES.MSG_LOCATION, TYPES.MSG_CUSTOM, TYPES.MSG_MERGER,
    ];
    const tuikit = await w.alice.chat.searchCloudMessages({
      keywordList: undefined,
      messageTypeList: tuikitTypes,
      timePosition: 0,
      timePeriod: 0,
      conversationID: w.group,
      cursor: undefined,
      keywordListMatchType: 'and',
    });
    assert.equal(tuikit.data.searchResultList[0]!.messageCount, 3);
    const media = await w.alice.chat.searchCloudMessages({ messageTypeList: [TYPES.MSG_IMAGE, TYPES.MSG_VIDEO], conversationID: w.group });
    assert.deepEqual(media.data, { searchResultList: [], cursor: '', totalCount: 0 });
    const global = await w.alice.chat.searchCloudMessages({ keywordList: ['peace'], messageTypeList: tuikitTypes, keywordListMatchType: 'and' });
    assert.deepEqual(summary(global.data), [{ conversationID: w.c2cCarol, messageCount: 1, texts: ['world peace'] }]);
  });

  test('timePosition and timePeriod, in seconds, become the server\'s inclusive times in ms', async () => {
    // The conversion, exactly: the end is the last ms of timePosition's second.
    const at = 1_700_000_000;
    assert.deepEqual(searchRequest({ keywordList: ['a'], timePosition: at, timePeriod: 3600 }, 0), {
      keywordList: ['a'],
      fromTime: (at - 3600) * 1000,
      toTime: at * 1000 + 999,
    });
    assert.deepEqual(searchRequest({ keywordList: ['a'], timePosition: at }, 0), { keywordList: ['a'], toTime: at * 1000 + 999 });
    assert.deepEqual(searchRequest({ keywordList: ['a'], timePeriod: 60 }, at), { keywordList: ['a'], fromTime: (at - 60) * 1000 }, 'before now');
    assert.deepEqual(searchRequest({ keywordList: ['a'], timePosition: 10, timePeriod: 60 }, at), { keywordList: ['a'], toTime: 10_999 }, 'never before the epoch');
    assert.deepEqual(searchRequest({ keywordList: ['a'], timePosition: 0, timePeriod: 0 }, at), { keywordList: ['a'] }, 'no limit');

    // Against the server: two messages at least three seconds apart.
    const dave = uniqueUid('dave');
    await server.createUser(dave);
    const early = await sendText(w.alice.chat, dave, 'timed early');
    await sleep(3_100);
    const late = await sendText(w.alice.chat, dave, 'timed late');
    assert.ok(late.time - early.time >= 3, `${early.time} ${late.time}`);
    const conversationID = `C2C${dave}`;
    const texts = async (o: { timePosition?: number; timePeriod?: number }) => {
      const { data } = await w.alice.chat.searchCloudMessages({ keywordList: ['timed'], conversationID, ...o });
      return data.searchResultList.flatMap((r) => r.messageList.map((m) => (m.payload as { text: string }).text));
    };
    assert.deepEqual(await texts({}), ['timed late', 'timed early']);
    assert.deepEqual(await texts({ timePosition: early.time }), ['timed early'], 'up to that second, included');
    assert.deepEqual(await texts({ timePosition: late.time - 1 }), ['timed early']);
    assert.deepEqual(await texts({ timePosition: late.time }), ['timed late', 'timed early']);
    assert.deepEqual(await texts({ timePosition: late.time, timePeriod: late.time - early.time - 1 }), ['timed late']);
    assert.deepEqual(await texts({ timePosition: late.time, timePeriod: late.time - early.time }), ['timed late', 'timed early'], 'from that second, included');
    assert.deepEqual(await texts({ timePeriod: 1 }), ['timed late'], 'the last second or so, before now');
    assert.deepEqual(await texts({ timePeriod: 24 * 60 * 60 }), ['timed late', 'timed early']);
    assert.deepEqual(await texts({ timePosition: early.time - 1 }), []);
  });

  test('the checks before any request: 40001, as Tencent\'s "Params validate failed"', async () => {
    const chat = w.alice.chat;
    const before = searches(w.calls).length;
    const bad: [unknown, RegExp][] = [
      [undefined, /options/],
      [null, /options/],
      [{}, /keywordList: 1 to 5 words, unless senderUserIDList or messageTypeList/],
      [{ keywordList: [] }, /keywordList: 1 to 5 words/],
      [{ keywordList: [], senderUserIDList: [], messageTypeList: [] }, /keywordList/],
      [{ keywordList: 'hello' }, /keywordList: an array/],
      [{ keywordList: ['a', 'b', 'c', 'd', 'e', 'f'] }, /keywordList: 6 given; at most 5/],
      [{ keywordList: [''] }, /keywordList: an array of non-empty strings/],
      [{ keywordList: [7] }, /keywordList/],
      [{ keywordList: ['x'.repeat(101)] }, /keywordList\[0\]: 1 to 100 bytes/],
      [{ keywordList: ['é'.repeat(51)] }, /keywordList\[0\]: 1 to 100 bytes/],
      [{ keywordList: ['a'], keywordListMatchType: 'AND' }, /keywordListMatchType/],
      [{ senderUserIDList: ['a', 'b', 'c', 'd', 'e', 'f'] }, /senderUserIDList: 6 given; at most 5/],
      [{ senderUserIDList: 'bob' }, /senderUserIDList/],
      [{ messageTypeList: [TYPES.MSG_FACE] }, /messageTypeList: "TIMFaceElem" cannot be searched/],
      [{ messageTypeList: [TYPES.MSG_GRP_TIP] }, /cannot be searched/],
      [{ messageTypeList: [TYPES.MSG_GRP_SYS_NOTICE] }, /cannot be searched/],
      [{ keywordList: ['a'], conversationID: 5 }, /conversationID/],
      [{ keywordList: ['a'], timePosition: -1 }, /timePosition: seconds/],
      [{ keywordList: ['a'], timePosition: '1700000000' }, /timePosition/],
      [{ keywordList: ['a'], timePeriod: Number.NaN }, /timePeriod/],
      [{ keywordList: ['a'], count: 101 }, /count: 1 to 100/],
      [{ keywordList: ['a'], count: -1 }, /count/],
      [{ keywordList: ['a'], count: 'many' }, /count/],
      [{ keywordList: ['a'], cursor: 3 }, /cursor/],
    ];
    for (const [options, message] of bad) {
      await assert.rejects(
        chat.searchCloudMessages(options as never),
        refusedWith(ErrorCode.INVALID_ARGUMENT, { error: 'invalid_argument', message }),
        JSON.stringify(options),
      );
    }
    assert.equal(searches(w.calls).length, before, 'no request was made');

    // As Tencent's reads count: parseInt, 0 the default.
    assert.equal(searchRequest({ keywordList: ['a'], count: '20' as never }, 0).count, 20);
    assert.equal(searchRequest({ keywordList: ['a'], count: 12.7 }, 0).count, 12);
    assert.equal(searchRequest({ keywordList: ['a'], count: 0 }, 0).count, undefined);

    // Not logged in: 40101 without a request.
    const spy = spyFetch();
    const fresh = newChat(server, { fetch: spy.fetch });
    await assert.rejects(fresh.searchCloudMessages({ keywordList: ['a'] }), refusedWith(ErrorCode.UNAUTHENTICATED));
    assert.deepEqual(spy.calls, []);
    await closeAll(fresh);

    // What the server refuses: a malformed conversation ID (40002), a cursor it never gave.
    await assert.rejects(
      chat.searchCloudMessages({ keywordList: ['a'], conversationID: 'bob' }),
      refusedWith(ErrorCode.INVALID_CONVERSATION_ID, { error: 'invalid_conversation_id' }),
    );
    await assert.rejects(
      chat.searchCloudMessages({ keywordList: ['a'], cursor: 'not-a-cursor' }),
      refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /cursor/ }),
    );
  });
});

describe('searchCloudMessages and changes', () => {
  test('a recalled message is found by no one, one deleted for the user not by them', async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const a = await liveDevice(server, alice, 1);
    const b = await liveDevice(server, bob, 1);
    try {
      const recalled = await sendText(a.chat, bob, 'secret plan');
      const deleted = await sendText(a.chat, bob, 'private plan');
      const find = async (chat: typeof a.chat) => {
        const { data } = await chat.searchCloudMessages({ keywordList: ['plan'], conversationID: `C2C${chat === a.chat ? bob : alice}` });
        return data.searchResultList.flatMap((r) => r.messageList.map((m) => (m.payload as { text: string }).text));
      };
      assert.deepEqual(await find(a.chat), ['private plan', 'secret plan']);
      await a.chat.revokeMessage(recalled);
      await a.chat.deleteMessage([deleted]);
      assert.deepEqual(await find(a.chat), []);
      await waitFor(() => b.rec.received().length === 2, 5_000, 'bob has both');
      assert.deepEqual(await find(b.chat), ['private plan'], 'bob keeps his copy');
    } finally {
      await closeAll(a.chat, b.chat);
    }
  });

  test("a server without search rejects with Tencent's 60020", async () => {
    const uid = uniqueUid('old');
    // A fetch that sends the search where an older server has nothing: it answers 404.
    const gone: typeof fetch = ((input: string | URL | Request, init?: RequestInit) =>
      fetch(String(input).replace('/v1/messages/search', '/v1/messages/search-gone'), init)) as typeof fetch;
    const d = await liveDevice(server, uid, 1, undefined, { fetch: gone });
    try {
      await assert.rejects(d.chat.searchCloudMessages({ keywordList: ['a'] }), (err: unknown) => {
        assert.ok(err instanceof NatterError);
        assert.equal(err.code, ErrorCode.SEARCH_UNAVAILABLE);
        assert.equal(err.code, 60020);
        assert.equal(err.error, 'not_found');
        assert.equal(err.status, 404);
        assert.match(err.message, /^searchCloudMessages: this server has no message search/);
        return true;
      });
    } finally {
      await closeAll(d.chat);
    }
  });
});
