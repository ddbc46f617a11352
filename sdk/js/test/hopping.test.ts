/**
 * getMessageListHopping against a real natter server, as Tencent's SDK has it: a page from a
 * message's sequence (groups) or from a time in seconds (one-to-one), the message at that point
 * included, older (direction 0) or newer (1); count default 15, more taken as 15; `nextMessageSeq` /
 * `nextMessageTime` for the next page and `isCompleted` at either end of the history; messages
 * deleted for the user left out; bad options refused before any request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import TencentCloudChat from '@tencentcloud/chat';
import { ErrorCode, type Message } from '@natter/sdk';
import { closeAll, destroyAllChats, loginReady, newChat, refusedWith, sendText } from '../testing/chat.js';
import { spyFetch, startServer, uniqueUid, type TestServer } from '../testing/server.js';

let server: TestServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

/** alice (logged in, HTTP only, her requests spied on) and bob; a group with both. */
async function setup() {
  const alice = uniqueUid('alice');
  const bob = uniqueUid('bob');
  const group = uniqueUid('team');
  const aliceToken = await server.createUser(alice);
  const bobToken = await server.createUser(bob);
  await server.createGroup(group, [alice, bob]);
  const spy = spyFetch();
  const chat = newChat(server, { fetch: spy.fetch });
  await loginReady(chat, alice, aliceToken);
  const bobChat = newChat(server);
  await loginReady(bobChat, bob, bobToken);
  return {
    chat,
    bobChat,
    spy,
    alice,
    bob,
    group,
    aliceToken,
    bobToken,
    c2c: `C2C${bob}`,
    groupID: `GROUP${group}`,
    /** The history requests alice's instance made so far. */
    historyRequests: () => spy.calls.filter((c) => c.url.includes('/messages?')).map((c) => new URL(c.url).searchParams),
    done: () => closeAll(chat, bobChat),
  };
}

/** `n` texts `m1`…`mn` from bob into a conversation (seqs 1…n in a new one). */
async function fill(bobToken: string, conversationID: string, n: number): Promise<void> {
  for (let i = 1; i <= n; i += 1) {
    await server.sendAs(bobToken, conversationID, { type: 'TIMTextElem', payload: { text: `m${i}` } });
  }
}

const seqs = (list: Message[]) => list.map((m) => m.sequence);
const texts = (list: Message[]) => list.map((m) => m.payload.text as string);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Waits until the clock is just past the start of a new second (the server's clock is this one). */
async function nextSecond(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1_000 - (Date.now() % 1_000) + 50));
}

/**
 * Texts from alice to bob in batches, each batch sent early in a second of its own; returns the
 * batches as sent (each message's `time`, in seconds, checked equal within a batch and rising).
 */
async function batchesInSeconds(chat: TencentCloudChat, bob: string, sizes: number[]): Promise<Message[][]> {
  const batches: Message[][] = [];
  let n = 0;
  for (const size of sizes) {
    await nextSecond();
    const batch: Message[] = [];
    for (let i = 0; i < size; i += 1) batch.push(await sendText(chat, bob, `t${(n += 1)}`));
    batches.push(batch);
  }
  for (const [i, batch] of batches.entries()) {
    assert.equal(new Set(batch.map((m) => m.time)).size, 1, `batch ${i} was sent within one second`);
    if (i > 0) assert.ok(batch[0]!.time > batches[i - 1]![0]!.time, 'each batch in a later second');
  }
  return batches;
}

describe("Tencent's documented samples", () => {
  test('a group by sequence: older with direction 0, then newer with 1 (the IDs changed)', async () => {
    const { chat, bobToken, group, done } = await setup();
    await fill(bobToken, `GROUP${group}`, 30);
    const conversationID = `GROUP${group}`;
    let older: any;
    let newer: any;
    // ---- from Tencent's documentation, with the group's ID
    // Pull roaming group messages by sequence. direction: 0 older messages, 1 newer ones
    let promise = chat.getMessageListHopping({ conversationID: conversationID, sequence: 20, direction: 0 });
    await promise.then(function (imResponse) {
      const messageList = imResponse.data.messageList; // Message list
      older = imResponse.data;
      assert.ok(Array.isArray(messageList));
    });
    promise = chat.getMessageListHopping({ conversationID: conversationID, sequence: 20, direction: 1 });
    await promise.then(function (imResponse) {
      const messageList = imResponse.data.messageList; // Message list
      newer = imResponse.data;
      assert.ok(Array.isArray(messageList));
    });
    // ----
    assert.deepEqual(seqs(older.messageList), range(6, 20), 'the 15 up to 20, it included, oldest first');
    assert.deepEqual(texts(older.messageList), range(6, 20).map((i) => `m${i}`));
    assert.equal(older.isCompleted, false);
    assert.equal(older.nextMessageSeq, 5);
    assert.ok(!('nextMessageTime' in older), 'a page by sequence answers as Tencent’s group pages');
    assert.deepEqual(seqs(newer.messageList), range(20, 30), 'from 20, it included, to the newest');
    assert.equal(newer.isCompleted, true);
    assert.equal(newer.nextMessageSeq, '');
    for (const m of [...older.messageList, ...newer.messageList] as Message[]) {
      assert.equal(m.conversationID, conversationID);
      assert.equal(m.conversationType, 'GROUP');
      assert.equal(m.to, group);
      assert.equal(m.flow, 'in');
      assert.equal(m.status, 'success');
    }
    await done();
  });

  test("the other documented sample: sequence 100, count 15, past the newest message", async () => {
    const { chat, bobToken, groupID, done } = await setup();
    await fill(bobToken, groupID, 20);
    // ---- from Tencent's documentation, with the group's ID
    let promise = chat.getMessageListHopping({ conversationID: groupID, sequence: 100, count: 15, direction: 0 });
    const { data } = await promise.then(function (imResponse) {
      const messageList = imResponse.data.messageList; // Message list
      assert.equal(messageList.length, 15);
      return imResponse;
    });
    // ----
    assert.deepEqual(seqs(data.messageList), range(6, 20));
    assert.equal(data.nextMessageSeq, 5);
    await done();
  });

  test('one-to-one by time, newer (direction 1) and older (0) than 1654567890 (the IDs changed)', async () => {
    const { chat, bobToken, alice, bob, done } = await setup();
    await fill(bobToken, `C2C${alice}`, 20);
    let newer: any;
    // ---- from Tencent's documentation, with the peer's ID
    let promise2 = chat.getMessageListHopping({ conversationID: `C2C${bob}`, time: 1654567890, direction: 1 });
    await promise2.then(function (imResponse) {
      const messageList = imResponse.data.messageList; // Message list
      newer = imResponse.data;
      assert.ok(Array.isArray(messageList));
    });
    // ----
    assert.deepEqual(texts(newer.messageList), range(1, 15).map((i) => `m${i}`), 'every message is newer: the oldest 15');
    assert.equal(newer.isCompleted, false);
    assert.equal(newer.nextMessageTime, newer.messageList[14].time, 'seconds, the last message’s');
    assert.ok(!('nextMessageSeq' in newer), 'a page by time answers as Tencent’s one-to-one pages');
    for (const m of newer.messageList as Message[]) {
      assert.equal(m.conversationType, 'C2C');
      assert.equal(m.from, bob);
      assert.equal(m.to, alice);
      assert.equal(m.flow, 'in');
    }
    const older = (await chat.getMessageListHopping({ conversationID: `C2C${bob}`, time: 1654567890, direction: 0 })).data;
    assert.deepEqual(older, { messageList: [], isCompleted: true, nextMessageTime: '' }, 'nothing is older than 2022');
    await done();
  });
});

describe('where a page starts', () => {
  test('the message at the sequence is included either way (count 1 finds it, as apps look up a quoted message)', async () => {
    const { chat, bobToken, groupID, historyRequests, done } = await setup();
    await fill(bobToken, groupID, 10);
    for (const direction of [0, 1]) {
      const { data } = await chat.getMessageListHopping({ conversationID: groupID, sequence: 7, count: 1, direction });
      assert.deepEqual(texts(data.messageList), ['m7'], `direction ${direction}`);
      assert.equal(data.nextMessageSeq, direction === 0 ? 6 : 8);
      assert.equal(data.isCompleted, false);
    }
    const three = await chat.getMessageListHopping({ conversationID: groupID, sequence: 7, count: 3 });
    assert.deepEqual(seqs(three.data.messageList), [5, 6, 7], 'direction 0 by default');
    const requests = historyRequests();
    assert.deepEqual(
      requests.map((q) => Object.fromEntries(q)),
      [
        { limit: '1', before: '8' },
        { limit: '1', after: '6' },
        { limit: '3', before: '8' },
      ],
      'the server pages before / after a seq, both exclusive',
    );
    await done();
  });

  test('by time: every message of that second is included either way; time is in seconds', async () => {
    const { chat, bob, c2c, historyRequests, done } = await setup();
    const [first, middle, last] = await batchesInSeconds(chat, bob, [2, 2, 2]);
    const T = middle![0]!.time;
    const olderPage = (await chat.getMessageListHopping({ conversationID: c2c, time: T, direction: 0 })).data;
    assert.deepEqual(texts(olderPage.messageList), ['t1', 't2', 't3', 't4'], 'up to the end of that second');
    assert.equal(olderPage.isCompleted, true);
    assert.equal(olderPage.nextMessageTime, '');
    const newerPage = (await chat.getMessageListHopping({ conversationID: c2c, time: T, direction: 1 })).data;
    assert.deepEqual(texts(newerPage.messageList), ['t3', 't4', 't5', 't6'], 'from the start of that second');
    assert.equal(newerPage.isCompleted, true);
    const one = (await chat.getMessageListHopping({ conversationID: c2c, time: T, count: 1, direction: 1 })).data;
    assert.deepEqual(texts(one.messageList), ['t3'], 'a message’s own time finds it first (its second’s first)');
    assert.equal(one.nextMessageTime, T);
    const [q0, q1] = historyRequests();
    assert.equal(q0!.get('beforeTime'), String(T * 1000 + 999), 'ms, to the last of that second');
    assert.equal(q1!.get('afterTime'), String(T * 1000), 'ms, from the start of that second');
    // Times between the seconds of messages: nothing of the second itself, the nearest on that side.
    const gapOlder = (await chat.getMessageListHopping({ conversationID: c2c, time: first![0]!.time - 1 })).data;
    assert.deepEqual(gapOlder, { messageList: [], isCompleted: true, nextMessageTime: '' });
    const gapNewer = (await chat.getMessageListHopping({ conversationID: c2c, time: last![0]!.time + 1, direction: 1 })).data;
    assert.deepEqual(gapNewer, { messageList: [], isCompleted: true, nextMessageTime: '' });
    // A fractional time is its second's.
    const fractional = (await chat.getMessageListHopping({ conversationID: c2c, time: T + 0.7, count: 1, direction: 1 })).data;
    assert.deepEqual(texts(fractional.messageList), ['t3']);
    await done();
  });

  test('Tencent’s choice per conversation type: one-to-one by time, a group by sequence, when both are given', async () => {
    const { chat, bob, group, c2c, groupID, bobChat, done } = await setup();
    const [, middle] = await batchesInSeconds(chat, bob, [3, 3]);
    for (let i = 1; i <= 6; i += 1) await sendText(bobChat, group, `g${i}`, 'GROUP');
    // One-to-one: the time wins (Tencent's SDK sends only the time there).
    const c2cPage = (await chat.getMessageListHopping({ conversationID: c2c, sequence: 2, time: middle![0]!.time, direction: 1 })).data;
    assert.deepEqual(texts(c2cPage.messageList), ['t4', 't5', 't6']);
    assert.ok('nextMessageTime' in c2cPage && !('nextMessageSeq' in c2cPage));
    // A group: the sequence wins (Tencent's SDK sends only the sequence there).
    const groupPage = (await chat.getMessageListHopping({ conversationID: groupID, sequence: 5, time: 1654567890, direction: 1 })).data;
    assert.deepEqual(texts(groupPage.messageList), ['g5', 'g6']);
    assert.ok('nextMessageSeq' in groupPage && !('nextMessageTime' in groupPage));
    await done();
  });

  test('Natter keeps sequences one-to-one too: a one-to-one conversation by sequence, a group by time', async () => {
    const { chat, bobChat, bobToken, alice, c2c, groupID, group, done } = await setup();
    await fill(bobToken, `C2C${alice}`, 10);
    const bySeq = (await chat.getMessageListHopping({ conversationID: c2c, sequence: 4, count: 2 })).data;
    assert.deepEqual(texts(bySeq.messageList), ['m3', 'm4']);
    assert.deepEqual(bySeq, { messageList: bySeq.messageList, isCompleted: false, nextMessageSeq: 2 });
    const g = await sendText(bobChat, group, 'g1', 'GROUP');
    const byTime = (await chat.getMessageListHopping({ conversationID: groupID, time: g.time, direction: 1 })).data;
    assert.deepEqual(texts(byTime.messageList), ['g1']);
    assert.deepEqual(byTime, { messageList: byTime.messageList, isCompleted: true, nextMessageTime: '' });
    await done();
  });

  test('no point: the newest page going older, nothing going newer (no request); 0 is no point going older', async () => {
    const { chat, bobToken, alice, c2c, groupID, historyRequests, done } = await setup();
    await fill(bobToken, groupID, 20);
    await fill(bobToken, `C2C${alice}`, 20);
    const newestGroup = (await chat.getMessageListHopping({ conversationID: groupID })).data;
    assert.deepEqual(seqs(newestGroup.messageList), range(6, 20));
    assert.equal(newestGroup.nextMessageSeq, 5);
    const newestC2C = (await chat.getMessageListHopping({ conversationID: c2c, direction: 0, count: 15 })).data;
    assert.deepEqual(texts(newestC2C.messageList), range(6, 20).map((i) => `m${i}`));
    assert.equal(newestC2C.nextMessageTime, newestC2C.messageList[0]!.time);
    assert.deepEqual(seqs((await chat.getMessageListHopping({ conversationID: groupID, sequence: 0 })).data.messageList), range(6, 20));
    assert.deepEqual(texts((await chat.getMessageListHopping({ conversationID: c2c, time: 0, count: 2 })).data.messageList), ['m19', 'm20']);
    const before = historyRequests().length;
    assert.deepEqual((await chat.getMessageListHopping({ conversationID: groupID, direction: 1 })).data, {
      messageList: [],
      isCompleted: true,
      nextMessageSeq: '',
    });
    assert.deepEqual((await chat.getMessageListHopping({ conversationID: c2c, direction: 1 })).data, {
      messageList: [],
      isCompleted: true,
      nextMessageTime: '',
    });
    assert.equal(historyRequests().length, before, 'nothing is newer than now: no request');
    // Going newer from 0: from the first message.
    assert.deepEqual(seqs((await chat.getMessageListHopping({ conversationID: groupID, sequence: 0, count: 3, direction: 1 })).data.messageList), [1, 2, 3]);
    assert.deepEqual(texts((await chat.getMessageListHopping({ conversationID: c2c, time: 0, count: 2, direction: 1 })).data.messageList), ['m1', 'm2']);
    await done();
  });
});

describe('count, pages and the ends of history', () => {
  test('count: 15 by default and at most (more is taken as 15, as Tencent does); fewer when asked', async () => {
    const { chat, bobToken, groupID, historyRequests, done } = await setup();
    await fill(bobToken, groupID, 40);
    assert.equal((await chat.getMessageListHopping({ conversationID: groupID, sequence: 30 })).data.messageList.length, 15);
    assert.equal((await chat.getMessageListHopping({ conversationID: groupID, sequence: 10, direction: 1 })).data.messageList.length, 15);
    const five = (await chat.getMessageListHopping({ conversationID: groupID, sequence: 30, count: 5 })).data;
    assert.deepEqual(seqs(five.messageList), range(26, 30));
    assert.equal(five.nextMessageSeq, 25);
    const many = (await chat.getMessageListHopping({ conversationID: groupID, sequence: 30, count: 16 })).data;
    assert.deepEqual(seqs(many.messageList), range(16, 30));
    assert.deepEqual(historyRequests().map((q) => q.get('limit')), ['15', '15', '5', '15']);
    await done();
  });

  test('paging with nextMessageSeq both ways walks the whole history once, isCompleted at each end', async () => {
    const { chat, bobToken, groupID, done } = await setup();
    await fill(bobToken, groupID, 40);
    for (const direction of [0, 1] as const) {
      const pages: number[][] = [];
      let sequence: number = 17;
      for (;;) {
        const { data } = await chat.getMessageListHopping({ conversationID: groupID, sequence, count: 10, direction });
        pages.push(seqs(data.messageList));
        if (data.isCompleted) {
          assert.equal(data.nextMessageSeq, '');
          break;
        }
        assert.equal(typeof data.nextMessageSeq, 'number');
        sequence = data.nextMessageSeq as number;
        assert.ok(pages.length < 10, 'paging ends');
      }
      if (direction === 0) assert.deepEqual(pages, [range(8, 17), range(1, 7)], 'older: to the first message');
      else assert.deepEqual(pages, [range(17, 26), range(27, 36), range(37, 40)], 'newer: to the last message');
    }
    // At an end exactly: the page holding the last (first) message is completed.
    const last = (await chat.getMessageListHopping({ conversationID: groupID, sequence: 31, count: 10, direction: 1 })).data;
    assert.deepEqual([seqs(last.messageList), last.isCompleted], [range(31, 40), true]);
    const first = (await chat.getMessageListHopping({ conversationID: groupID, sequence: 10, count: 10 })).data;
    assert.deepEqual([seqs(first.messageList), first.isCompleted], [range(1, 10), true]);
    const beyond = (await chat.getMessageListHopping({ conversationID: groupID, sequence: 41, direction: 1 })).data;
    assert.deepEqual(beyond, { messageList: [], isCompleted: true, nextMessageSeq: '' });
    await done();
  });

  test('paging with nextMessageTime goes on right after the page, even within one second', async () => {
    const { chat, bob, alice, aliceToken, c2c, done } = await setup();
    const [first, second] = await batchesInSeconds(chat, bob, [7, 7]);
    const all = [...first!, ...second!].map((m) => m.payload.text as string);
    for (const direction of [1, 0] as const) {
      const seen: string[] = [];
      let time = direction === 1 ? first![0]!.time : second![0]!.time;
      for (let pages = 0; ; pages += 1) {
        assert.ok(pages < 10, 'paging ends');
        const { data } = await chat.getMessageListHopping({ conversationID: c2c, time, count: 3, direction });
        if (direction === 1) seen.push(...texts(data.messageList));
        else seen.unshift(...texts(data.messageList));
        if (data.isCompleted) break;
        time = data.nextMessageTime as number;
      }
      assert.deepEqual(seen, all, `direction ${direction}: every message once, in order`);
    }
    // Another instance knows no page: that time is the start of its second again.
    const other = newChat(server);
    await loginReady(other, alice, aliceToken);
    const page = (await chat.getMessageListHopping({ conversationID: c2c, time: first![0]!.time, count: 3, direction: 1 })).data;
    assert.deepEqual(texts(page.messageList), ['t1', 't2', 't3']);
    const elsewhere = (await other.getMessageListHopping({ conversationID: c2c, time: page.nextMessageTime as number, count: 3, direction: 1 })).data;
    assert.deepEqual(texts(elsewhere.messageList), ['t1', 't2', 't3']);
    await closeAll(other);
    await done();
  });

  test('an empty conversation, and a peer the server never saw, are completed at once', async () => {
    const { chat, c2c, done } = await setup();
    assert.deepEqual((await chat.getMessageListHopping({ conversationID: c2c, time: 1654567890, direction: 1 })).data, {
      messageList: [],
      isCompleted: true,
      nextMessageTime: '',
    });
    const nobody = `C2C${uniqueUid('nobody')}`;
    assert.deepEqual((await chat.getMessageListHopping({ conversationID: nobody, sequence: 3 })).data, {
      messageList: [],
      isCompleted: true,
      nextMessageSeq: '',
    });
    await assert.rejects(chat.getMessageListHopping({ conversationID: 'GROUPno-such-group', sequence: 1 }), { code: 40401 });
    await done();
  });
});

describe('the messages', () => {
  test('as getMessageList hands them out, and findMessage finds them', async () => {
    const { chat, alice, aliceToken, bobToken, groupID, done } = await setup();
    await fill(bobToken, groupID, 5);
    const hopped = (await chat.getMessageListHopping({ conversationID: groupID, sequence: 5 })).data.messageList;
    assert.equal(hopped.length, 5);
    for (const m of hopped) assert.equal(chat.findMessage(m.ID), m, 'remembered');
    const other = newChat(server);
    await loginReady(other, alice, aliceToken);
    const listed = (await other.getMessageList({ conversationID: groupID })).data.messageList;
    assert.deepEqual(
      JSON.parse(JSON.stringify(hopped)),
      JSON.parse(JSON.stringify(listed)),
      'the same Message objects, field for field',
    );
    await closeAll(other);
    await done();
  });

  test('a message deleted for the user is left out (the page still full); a recalled one is a stub', async () => {
    const { chat, bobChat, bob, bobToken, groupID, done } = await setup();
    await fill(bobToken, groupID, 10);
    const seventh = (await chat.getMessageListHopping({ conversationID: groupID, sequence: 7, count: 1 })).data.messageList[0]!;
    await chat.deleteMessage([seventh]);
    assert.equal(chat.findMessage(seventh.ID), null);
    const around = (await chat.getMessageListHopping({ conversationID: groupID, sequence: 8, count: 3 })).data;
    assert.deepEqual(seqs(around.messageList), [5, 6, 8], 'seven is gone for alice, and the page has three');
    assert.equal(around.nextMessageSeq, 4);
    const after = (await chat.getMessageListHopping({ conversationID: groupID, sequence: 6, count: 3, direction: 1 })).data;
    assert.deepEqual(seqs(after.messageList), [6, 8, 9]);
    assert.equal(after.nextMessageSeq, 10);
    const itself = (await chat.getMessageListHopping({ conversationID: groupID, sequence: 7, count: 1, direction: 1 })).data;
    assert.deepEqual(seqs(itself.messageList), [8], 'its own sequence starts at the next one');
    const bobs = (await bobChat.getMessageListHopping({ conversationID: groupID, sequence: 8, count: 3 })).data;
    assert.deepEqual(seqs(bobs.messageList), [6, 7, 8], 'bob keeps his');
    // bob recalls the ninth: a stub in its place.
    const bobsNinth = (await bobChat.getMessageListHopping({ conversationID: groupID, sequence: 9, count: 1 })).data.messageList[0]!;
    await bobChat.revokeMessage(bobsNinth);
    const recalled = (await chat.getMessageListHopping({ conversationID: groupID, sequence: 9, count: 2, direction: 1 })).data.messageList;
    assert.deepEqual(seqs(recalled), [9, 10]);
    assert.deepEqual([recalled[0]!.isRevoked, recalled[0]!.revoker], [true, bob]);
    assert.deepEqual([recalled[1]!.isRevoked, recalled[1]!.payload], [false, { text: 'm10' }]);
    await done();
  });
});

describe('bad options', () => {
  test('refused with 40001 before any request, as Tencent’s checks them', async () => {
    const { chat, groupID, spy, done } = await setup();
    const before = spy.calls.length;
    const bad: [unknown, RegExp][] = [
      [undefined, /conversationID/],
      [{}, /conversationID/],
      [{ conversationID: '' }, /conversationID/],
      [{ conversationID: 42, sequence: 1 }, /conversationID/],
      [{ conversationID: groupID, direction: 2 }, /direction/],
      [{ conversationID: groupID, direction: '1' }, /direction/],
      [{ conversationID: groupID, count: 0 }, /count/],
      [{ conversationID: groupID, count: -1 }, /count/],
      [{ conversationID: groupID, count: 1.5 }, /count/],
      [{ conversationID: groupID, count: '5' }, /count/],
      [{ conversationID: groupID, sequence: -1 }, /sequence/],
      [{ conversationID: groupID, sequence: 1.5 }, /sequence/],
      [{ conversationID: groupID, sequence: '20' }, /sequence/],
      [{ conversationID: groupID, sequence: '', direction: 1 }, /sequence/],
      [{ conversationID: groupID, time: '' }, /time/],
      [{ conversationID: groupID, time: -1 }, /time/],
      [{ conversationID: groupID, time: Number.NaN }, /time/],
      [{ conversationID: groupID, time: '1654567890' }, /time/],
    ];
    for (const [options, message] of bad) {
      await assert.rejects(
        chat.getMessageListHopping(options as never),
        refusedWith(ErrorCode.INVALID_ARGUMENT, { error: 'invalid_argument', message }),
        JSON.stringify(options) ?? 'undefined',
      );
    }
    assert.equal(spy.calls.length, before, 'no request');
    await done();
  });

  test('not logged in: 40101; a malformed conversation ID: the server’s 40002', async () => {
    const { chat, done } = await setup();
    const fresh = newChat(server);
    await assert.rejects(fresh.getMessageListHopping({ conversationID: 'GROUPx', sequence: 1 }), { code: 40101 });
    await assert.rejects(chat.getMessageListHopping({ conversationID: 'GROUP', sequence: 1 }), { code: 40002 });
    await closeAll(fresh);
    await done();
  });
});
