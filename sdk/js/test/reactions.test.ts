/**
 * Message reactions against a real natter server, as Tencent's SDK has them: addMessageReaction
 * and removeMessageReaction (resolving `{}`), MESSAGE_REACTIONS_UPDATED on every device of every
 * member (the reacting user's own included, `reactedByMyself` for each, the message named by the
 * ID each app holds it by), getMessageReactions over several messages (more than one request's
 * worth, several conversations, messages not sent), getAllUserListOfMessageReaction's pages,
 * Tencent's codes 23005, 23007 and 23009, and the checks made before any request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import TencentCloudChat from '@tencentcloud/chat';
import { EVENT, ErrorCode, NatterError, TYPES, type Message, type MessageReactionsUpdatedData } from '@natter/sdk';
import { aliceTwiceBobCarol, closeAll, destroyAllChats, liveDevice, newChat, refusedWith, sendText } from '../testing/chat.js';
import { spyFetch, startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';
import { NatterError as SourceNatterError } from '../src/errors.js';
import { ReactionVersions, tencentReactionError } from '../src/reactions.js';

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

/**
 * A group of three live users the app backend made, each with a nick and an avatar; alice's
 * instance spies on its requests (`calls`), and she has a second device (`alice2`).
 */
async function groupOfThree() {
  const uid = { alice: uniqueUid('alice'), bob: uniqueUid('bob'), carol: uniqueUid('carol') };
  for (const [name, id] of Object.entries(uid)) {
    await server.createUser(id);
    await server.setProfile(id, { nick: name.toUpperCase(), avatar: `https://example.com/${name}.png` });
  }
  const spy = spyFetch();
  const { alice, alice2, bob, carol } = await aliceTwiceBobCarol(server, uid, spy.fetch);
  const groupID = uniqueUid('group');
  await server.createGroup(groupID, Object.values(uid));
  return {
    uid,
    alice: alice!,
    alice2: alice2!,
    bob: bob!,
    carol: carol!,
    groupID,
    conversationID: `GROUP${groupID}`,
    calls: spy.calls,
    /** Who each user is in a reaction's user lists. */
    user: (name: 'alice' | 'bob' | 'carol') => ({
      userID: uid[name],
      nick: name.toUpperCase(),
      avatar: `https://example.com/${name}.png`,
    }),
    done: () => closeAll(alice!.chat, alice2!.chat, bob!.chat, carol!.chat),
  };
}

/** alice's group message `text`, and each other instance's copy of it. */
async function groupMessage(g: Awaited<ReturnType<typeof groupOfThree>>, text: string) {
  const sent = await sendText(g.alice.chat, g.groupID, text, 'GROUP');
  const copy = async (d: Device) => {
    await waitFor(() => d.rec.received().some((m) => m.sequence === sent.sequence), 5_000, `${text} delivered`);
    return d.rec.received().find((m) => m.sequence === sent.sequence)!;
  };
  return { sent, bob: await copy(g.bob), carol: await copy(g.carol), alice2: await copy(g.alice2) };
}

/** Every MESSAGE_REACTIONS_UPDATED a device heard, its data. */
function reactionEvents(d: Device): MessageReactionsUpdatedData[] {
  return d.rec.of(EVENT.MESSAGE_REACTIONS_UPDATED).map((e) => e.data);
}

/** The requests the spy saw posted to a reactions path (`''`, `/remove`, `/list`, `/users`). */
function reactionCalls(calls: { method: string; url: string; body?: string }[], suffix = '') {
  return calls
    .filter((c) => c.method === 'POST' && c.url.endsWith(`/v1/messages/reactions${suffix}`))
    .map((c) => JSON.parse(c.body!) as Record<string, unknown>);
}

describe('addMessageReaction and MESSAGE_REACTIONS_UPDATED', () => {
  test("Tencent's documented samples, unchanged but for the IDs: every member's devices hear of it, each by its own ID", async () => {
    const g = await groupOfThree();
    try {
      const m = await groupMessage(g, 'react to me');
      // alice's instance knows her message by the ID it made; everyone else by the server's.
      assert.notEqual(m.sent.ID, m.bob.ID);
      assert.equal(m.carol.ID, m.bob.ID);
      assert.equal(m.alice2.ID, m.bob.ID);

      const heard: { messageID: string; reactionID: string; totalUserCount: number; reactedByMyself: boolean }[] = [];
      {
        // ---- from Tencent's documentation ("Reactions"), unchanged (alice's instance listens)
        const chat = g.alice.chat;
        let onMessageReactionsUpdated = function (event: any) {
          const { messageID, reactionList } = event.data;
          // messageID - Message ID
          // reactionList - Message Response Update List
          reactionList.forEach((item: any) => {
            const { reactionID, totalUserCount, partialUserList, reactedByMyself } = item;
            // reactionID - Message Response ID
            // totalUserCount - Total number of users who responded to the same reactionID message
            // partialUserList - A partial list of users with the same reactionID
            heard.push({ messageID, reactionID, totalUserCount, reactedByMyself }); // (the test's own line)
          });
        };
        chat.on(TencentCloudChat.EVENT.MESSAGE_REACTIONS_UPDATED, onMessageReactionsUpdated);
        // ----
      }

      let added: unknown;
      {
        // ---- from Tencent's documentation, unchanged (bob reacts to the message he received)
        const chat = g.bob.chat;
        const message = m.bob;
        let promise = chat.addMessageReaction(message, 'smile');
        promise
          .then(function (imResponse) {
            // Message reaction was added successfully.
            added = imResponse; // (the test's own line)
          })
          .catch(function (imError) {
            // Failed to add message reaction.
            console.warn('addMessageReaction error:', imError);
          });
        // ----
        assert.deepEqual(await promise, { code: 0, data: {} }, "Tencent's empty answer");
      }
      assert.deepEqual(added, { code: 0, data: {} });
      assert.deepEqual(reactionCalls(g.calls), [], 'alice asked nothing');

      const reaction = (reactedByMyself: boolean) => ({
        reactionID: 'smile',
        totalUserCount: 1,
        partialUserList: [g.user('bob')],
        reactedByMyself,
      });
      for (const [d, messageID, mine] of [
        [g.alice, m.sent.ID, false],
        [g.alice2, m.bob.ID, false],
        [g.bob, m.bob.ID, true],
        [g.carol, m.bob.ID, false],
      ] as const) {
        await waitFor(() => reactionEvents(d).length === 1, 5_000, 'MESSAGE_REACTIONS_UPDATED');
        assert.deepEqual(reactionEvents(d), [{ messageID, reactionList: [reaction(mine)], conversationID: g.conversationID }]);
        // The app finds its message by the event's ID, as with Tencent's.
        assert.equal(d.chat.findMessage(messageID)?.sequence, m.sent.sequence);
      }
      // alice's app holds her message by the ID her instance made, and the event names it so.
      assert.equal(g.alice.chat.findMessage(reactionEvents(g.alice)[0]!.messageID), m.sent);
      assert.deepEqual(heard, [{ messageID: m.sent.ID, reactionID: 'smile', totalUserCount: 1, reactedByMyself: false }]);

      // alice reacts the same way to her own message, by the object she sent.
      assert.deepEqual(await g.alice.chat.addMessageReaction(m.sent, 'smile'), { code: 0, data: {} });
      assert.deepEqual(reactionCalls(g.calls), [
        { conversationID: g.conversationID, messageID: m.bob.ID, reactionID: 'smile' },
      ], "the server's ID goes to the server");
      await waitFor(() => reactionEvents(g.carol).length === 2 && reactionEvents(g.alice).length === 2, 5_000, 'the second');
      const both = (mine: boolean) => [
        { reactionID: 'smile', totalUserCount: 2, partialUserList: [g.user('bob'), g.user('alice')], reactedByMyself: mine },
      ];
      assert.deepEqual(reactionEvents(g.alice)[1]!.reactionList, both(true));
      assert.deepEqual(reactionEvents(g.carol)[1]!.reactionList, both(false));
      await waitFor(() => reactionEvents(g.alice2).length === 2 && reactionEvents(g.bob).length === 2, 5_000, 'the others');
      assert.deepEqual(reactionEvents(g.alice2)[1]!.reactionList, both(true), "alice's other device: she reacted");
      assert.deepEqual(reactionEvents(g.bob)[1]!.reactionList, both(true), 'bob still has his');
      await settle();
      assert.equal(reactionEvents(g.bob).length, 2, 'each change once');
    } finally {
      await g.done();
    }
  });

  test('one-to-one: each side hears of it in its own conversation', async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const a = await liveDevice(server, alice, 1);
    const b = await liveDevice(server, bob, 1);
    try {
      const sent = await sendText(a.chat, bob, 'hello');
      await waitFor(() => b.rec.received().length === 1, 5_000, 'delivered');
      const copy = b.rec.received()[0]!;
      await b.chat.addMessageReaction(copy, '[TUIEmoji_Smile]');
      const reactionList = (mine: boolean) => [
        { reactionID: '[TUIEmoji_Smile]', totalUserCount: 1, partialUserList: [{ userID: bob, nick: '', avatar: '' }], reactedByMyself: mine },
      ];
      await waitFor(() => reactionEvents(a).length === 1 && reactionEvents(b).length === 1, 5_000, 'both');
      assert.deepEqual(reactionEvents(a), [{ messageID: sent.ID, reactionList: reactionList(false), conversationID: `C2C${bob}` }]);
      assert.deepEqual(reactionEvents(b), [{ messageID: copy.ID, reactionList: reactionList(true), conversationID: `C2C${alice}` }]);
    } finally {
      await closeAll(a.chat, b.chat);
    }
  });
});

describe('getMessageReactions', () => {
  test("Tencent's documented sample: the reactions of several messages, each named by the ID given", async () => {
    const g = await groupOfThree();
    try {
      const m1 = await groupMessage(g, 'one');
      const m2 = await groupMessage(g, 'two');
      const m3 = await groupMessage(g, 'three');
      await g.bob.chat.addMessageReaction(m1.bob, 'smile');
      await g.carol.chat.addMessageReaction(m1.carol, 'smile');
      await g.bob.chat.addMessageReaction(m1.bob, 'heart');
      await g.alice.chat.addMessageReaction(m2.sent, 'like');

      let answer: any;
      {
        // ---- from Tencent's documentation, unchanged but for the messages
        const chat = g.alice.chat;
        const [message1, message2] = [m1.sent, m2.sent];
        let promise = chat.getMessageReactions({
          messageList: [message1, message2],
          maxUserCountPerReaction: 10,
        });
        promise
          .then(function (imResponse) {
            // Batch retrieval successful
            answer = imResponse.data; // (the test's own line)
          })
          .catch(function (imError) {
            // Batch retrieval failed
            console.warn('getMessageReactions error:', imError);
          });
        await promise; // (the test's own line)
      }
      const smile = (users: ('alice' | 'bob' | 'carol')[]) => ({
        reactionID: 'smile',
        totalUserCount: 2,
        partialUserList: users.map(g.user),
        reactedByMyself: false,
      });
      const heart = { reactionID: 'heart', totalUserCount: 1, partialUserList: [g.user('bob')], reactedByMyself: false };
      const like = (mine: boolean, users = ['alice' as const]) => ({
        reactionID: 'like',
        totalUserCount: 1,
        partialUserList: users.map(g.user),
        reactedByMyself: mine,
      });
      assert.deepEqual(answer, {
        resultList: [
          { messageID: m1.sent.ID, reactionList: [smile(['bob', 'carol']), heart] },
          { messageID: m2.sent.ID, reactionList: [like(true)] },
        ],
      });
      assert.deepEqual(reactionCalls(g.calls, '/list'), [
        { conversationID: g.conversationID, messageIDList: [m1.bob.ID, m2.bob.ID], maxUserCountPerReaction: 10 },
      ]);

      // bob asks by his copies, with fewer users a reaction; a message without any answers [].
      const bobs = await g.bob.chat.getMessageReactions({ messageList: [m3.bob, m2.bob, m1.bob], maxUserCountPerReaction: 1 });
      assert.deepEqual(bobs.data.resultList, [
        { messageID: m3.bob.ID, reactionList: [] },
        { messageID: m2.bob.ID, reactionList: [like(false)] },
        { messageID: m1.bob.ID, reactionList: [{ ...smile(['bob']), reactedByMyself: true }, { ...heart, reactedByMyself: true }] },
      ]);
      const none = await g.carol.chat.getMessageReactions({ messageList: [m1.carol], maxUserCountPerReaction: 0 });
      assert.deepEqual(none.data.resultList[0]!.reactionList.map((r) => [r.reactionID, r.totalUserCount, r.partialUserList, r.reactedByMyself]), [
        ['smile', 2, [], true],
        ['heart', 1, [], false],
      ]);
    } finally {
      await g.done();
    }
  });

  test('more than 20 messages, messages of two conversations and messages not sent: asked as the server takes them', async () => {
    const g = await groupOfThree();
    try {
      const sent: Message[] = [];
      for (let i = 0; i < 23; i++) sent.push(await sendText(g.alice.chat, g.groupID, `m${i}`, 'GROUP'));
      const oneToOne = await sendText(g.alice.chat, g.uid.bob, 'c2c');
      await g.alice.chat.addMessageReaction(sent[21]!, 'late');
      await g.alice.chat.addMessageReaction(oneToOne, 'private');
      const unsent = g.alice.chat.createTextMessage({ to: g.groupID, conversationType: TYPES.CONV_GROUP, payload: { text: 'not yet' } });
      const messageList = [...sent.slice(0, 10), oneToOne, unsent, ...sent.slice(10)];
      g.calls.length = 0;

      const { data } = await g.alice.chat.getMessageReactions({ messageList });
      assert.deepEqual(data.resultList.map((r) => r.messageID), messageList.map((m) => m.ID), 'one per message, in order');
      const reacted = data.resultList.filter((r) => r.reactionList.length > 0);
      assert.deepEqual(
        reacted.map((r) => [r.messageID, r.reactionList.map((x) => [x.reactionID, x.totalUserCount, x.reactedByMyself])]),
        [
          [oneToOne.ID, [['private', 1, true]]],
          [sent[21]!.ID, [['late', 1, true]]],
        ],
      );
      // 20 of the group, then 3, and the one-to-one message on its own; the unsent one not asked.
      const asked = reactionCalls(g.calls, '/list');
      assert.deepEqual(
        asked.map((b) => [b.conversationID, (b.messageIDList as string[]).length]).sort(),
        [[g.conversationID, 20], [g.conversationID, 3], [`C2C${g.uid.bob}`, 1]].sort(),
      );
      assert.ok(!('maxUserCountPerReaction' in asked[0]!), "left to the server's default (10), as Tencent's");

      // Only messages not sent: no request at all.
      g.calls.length = 0;
      const failed = g.alice.chat.createTextMessage({ to: g.groupID, conversationType: TYPES.CONV_GROUP, payload: { text: 'x' } });
      failed.status = 'fail';
      assert.deepEqual((await g.alice.chat.getMessageReactions({ messageList: [unsent, failed] })).data, {
        resultList: [
          { messageID: unsent.ID, reactionList: [] },
          { messageID: failed.ID, reactionList: [] },
        ],
      });
      // Refused before any request.
      for (const options of [
        { messageList: [] },
        { messageList: [sent[0]!], maxUserCountPerReaction: 11 },
        { messageList: [sent[0]!], maxUserCountPerReaction: -1 },
        { messageList: [sent[0]!], maxUserCountPerReaction: 1.5 },
        { messageList: [{}] },
        {},
      ]) {
        await assert.rejects(g.alice.chat.getMessageReactions(options as never), refusedWith(ErrorCode.INVALID_ARGUMENT), JSON.stringify(options));
      }
      await assert.rejects(g.alice.chat.getMessageReactions(undefined as never), refusedWith(ErrorCode.INVALID_ARGUMENT));
      assert.deepEqual(g.calls, [], 'nothing asked');
    } finally {
      await g.done();
    }
  });
});

describe('getAllUserListOfMessageReaction', () => {
  test("Tencent's documented sample, then page by page", async () => {
    const g = await groupOfThree();
    try {
      const m = await groupMessage(g, 'popular');
      await g.carol.chat.addMessageReaction(m.carol, 'smile');
      await g.alice.chat.addMessageReaction(m.sent, 'smile');
      await g.bob.chat.addMessageReaction(m.bob, 'smile');

      let page: any;
      {
        // ---- from Tencent's documentation, unchanged
        const chat = g.alice.chat;
        const message = m.sent;
        let promise = chat.getAllUserListOfMessageReaction({
          message: message,
          reactionID: 'smile',
          nextSeq: 0,
          count: 100,
        });
        promise
          .then(function (imResponse) {
            // Obtained successfully
            const { userList, nextSeq, isCompleted } = imResponse.data;
            // userList - User Information List, including user's userID, nick, avatar information
            // nextSeq - This parameter must be passed in for the next pull by page
            // isCompleted - Indicates whether all user information has been pulled. When isCompleted is true, nextSeq is 0
            page = { userList, nextSeq, isCompleted }; // (the test's own line)
          })
          .catch(function (imError) {
            // Failed to obtain
            console.warn('getAllUserListOfMessageReaction error:', imError);
          });
        await promise; // (the test's own line)
      }
      const everyone = [g.user('carol'), g.user('alice'), g.user('bob')];
      assert.deepEqual(page, { userList: everyone, nextSeq: 0, isCompleted: true });

      // Two a page: first to react first.
      const first = await g.bob.chat.getAllUserListOfMessageReaction({ message: m.bob, reactionID: 'smile', nextSeq: 0, count: 2 });
      assert.deepEqual(first.data.userList, everyone.slice(0, 2));
      assert.equal(first.data.isCompleted, false);
      assert.notEqual(first.data.nextSeq, 0);
      const second = await g.bob.chat.getAllUserListOfMessageReaction({
        message: m.bob,
        reactionID: 'smile',
        nextSeq: first.data.nextSeq,
        count: 2,
      });
      assert.deepEqual(second.data, { userList: everyone.slice(2), nextSeq: 0, isCompleted: true });

      // A reaction nobody has: an empty page. nextSeq and count left out: 0 and 100; more than
      // 100 asks for 100, as Tencent's.
      g.calls.length = 0;
      assert.deepEqual((await g.alice.chat.getAllUserListOfMessageReaction({ message: m.sent, reactionID: 'nobody' })).data, {
        userList: [],
        nextSeq: 0,
        isCompleted: true,
      });
      await g.alice.chat.getAllUserListOfMessageReaction({ message: m.sent, reactionID: 'smile', nextSeq: 0, count: 500 });
      assert.deepEqual(
        reactionCalls(g.calls, '/users').map((b) => [b.messageID, b.nextSeq, b.count]),
        [
          [m.bob.ID, 0, 100],
          [m.bob.ID, 0, 100],
        ],
      );
      g.calls.length = 0;
      for (const options of [
        { message: m.sent, reactionID: 'smile', count: 0 },
        { message: m.sent, reactionID: 'smile', nextSeq: -1 },
        { message: m.sent, reactionID: 'smile', nextSeq: 1.5 },
        { message: m.sent, reactionID: '' },
        { message: m.sent },
        { reactionID: 'smile' },
      ]) {
        await assert.rejects(
          g.alice.chat.getAllUserListOfMessageReaction(options as never),
          refusedWith(ErrorCode.INVALID_ARGUMENT),
          JSON.stringify(Object.keys(options)),
        );
      }
      assert.deepEqual(g.calls, [], 'nothing asked');
    } finally {
      await g.done();
    }
  });
});

describe('removeMessageReaction', () => {
  test("Tencent's documented sample: the reaction as it now is, down to nobody", async () => {
    const g = await groupOfThree();
    try {
      const m = await groupMessage(g, 'changing minds');
      await g.bob.chat.addMessageReaction(m.bob, 'smile');
      await g.carol.chat.addMessageReaction(m.carol, 'smile');
      await waitFor(() => reactionEvents(g.alice).length === 2, 5_000, 'two reactions');

      let removed: unknown;
      {
        // ---- from Tencent's documentation, unchanged
        const chat = g.bob.chat;
        const message = m.bob;
        let promise = chat.removeMessageReaction(message, 'smile');
        promise
          .then(function (imResponse) {
            // Message reaction was deleted successfully.
            removed = imResponse; // (the test's own line)
          })
          .catch(function (imError) {
            // Failed to delete message reaction.
            console.warn('removeMessageReaction error:', imError);
          });
        assert.deepEqual(await promise, { code: 0, data: {} });
      }
      assert.deepEqual(removed, { code: 0, data: {} });
      await waitFor(() => reactionEvents(g.alice).length === 3 && reactionEvents(g.bob).length === 3, 5_000, 'the removal');
      assert.deepEqual(reactionEvents(g.alice)[2], {
        messageID: m.sent.ID,
        reactionList: [{ reactionID: 'smile', totalUserCount: 1, partialUserList: [g.user('carol')], reactedByMyself: false }],
        conversationID: g.conversationID,
      });
      assert.equal(reactionEvents(g.bob)[2]!.reactionList[0]!.reactedByMyself, false, 'bob has it no more');

      // The last one goes: nobody has it, as Tencent's tells it (totalUserCount 0).
      await g.carol.chat.removeMessageReaction(m.carol, 'smile');
      await waitFor(() => reactionEvents(g.alice).length === 4, 5_000, 'the last removal');
      assert.deepEqual(reactionEvents(g.alice)[3]!.reactionList, [
        { reactionID: 'smile', totalUserCount: 0, partialUserList: [], reactedByMyself: false },
      ]);
      assert.deepEqual((await g.alice.chat.getMessageReactions({ messageList: [m.sent] })).data.resultList, [
        { messageID: m.sent.ID, reactionList: [] },
      ]);
    } finally {
      await g.done();
    }
  });

  test('a message this user deleted for themself: no event for it', async () => {
    const g = await groupOfThree();
    try {
      const m = await groupMessage(g, 'delete me');
      await g.carol.chat.deleteMessage([m.carol]);
      await g.bob.chat.addMessageReaction(m.bob, 'smile');
      await waitFor(() => reactionEvents(g.alice).length === 1, 5_000, "alice's event");
      await settle();
      assert.deepEqual(reactionEvents(g.carol), []);
    } finally {
      await g.done();
    }
  });
});

describe("Tencent's codes and the checks made before any request", () => {
  test('23007 reacted so already, 23009 no such reaction, 23005 a 21st reaction; a recalled message 40901', async () => {
    const g = await groupOfThree();
    try {
      const m = await groupMessage(g, 'limits');
      await g.bob.chat.addMessageReaction(m.bob, 'smile');
      await assert.rejects(
        g.bob.chat.addMessageReaction(m.bob, 'smile'),
        refusedWith(ErrorCode.MSG_REACTION_ALREADY_CONTAIN_USER, { error: 'already_reacted' }),
      );
      const again = await g.bob.chat.addMessageReaction(m.bob, 'smile').catch((err: unknown) => err);
      assert.ok(again instanceof NatterError);
      assert.deepEqual([again.code, again.status], [23007, 409], "Tencent's number, the server's status");
      await assert.rejects(
        g.carol.chat.removeMessageReaction(m.carol, 'smile'),
        refusedWith(ErrorCode.MSG_REACTION_NOT_CONTAIN_USER, { error: 'not_reacted' }),
        'carol has none of it',
      );
      await assert.rejects(
        g.carol.chat.removeMessageReaction(m.carol, 'nobody'),
        refusedWith(23009, { error: 'not_reacted' }),
        "a reaction nobody has: 23009 too (Tencent's 23008 is not told apart)",
      );
      // 20 different reactions at most (Natter's limit; Tencent's is 10).
      for (let i = 1; i < 20; i++) await g.carol.chat.addMessageReaction(m.carol, `r${i}`);
      await assert.rejects(
        g.alice.chat.addMessageReaction(m.sent, 'r20'),
        refusedWith(ErrorCode.MSG_REACTION_COUNT_LIMIT, { error: 'too_many_reactions' }),
      );
      await g.alice.chat.addMessageReaction(m.sent, 'r19');

      // A recalled message: the server's conflict.
      const gone = await groupMessage(g, 'gone');
      await g.alice.chat.revokeMessage(gone.sent);
      await assert.rejects(g.bob.chat.addMessageReaction(gone.bob, 'smile'), refusedWith(ErrorCode.CONFLICT, { error: 'conflict' }));
      await assert.rejects(
        g.bob.chat.addMessageReaction({ ...gone.bob, ID: `${gone.bob.ID}0` }, 'smile'),
        refusedWith(ErrorCode.NOT_FOUND),
        'no such message',
      );
    } finally {
      await g.done();
    }
  });

  test('the server\'s reaction refusals carry Tencent\'s numbers; the others keep the server\'s', () => {
    for (const [code, error, tencent] of [
      [40902, 'already_reacted', 23007],
      [40903, 'not_reacted', 23009],
      [40904, 'too_many_reactions', 23005],
      [40905, 'too_many_reaction_users', 23006],
      [40901, 'conflict', 40901],
      [40401, 'not_found', 40401],
    ] as const) {
      // (the module as the source builds it, with its own NatterError)
      const err = tencentReactionError(new SourceNatterError({ code, error, message: `${error}!`, status: 409 }));
      assert.ok(err instanceof SourceNatterError);
      assert.deepEqual([err.code, err.error, err.message, err.status], [tencent, error, `${error}!`, 409]);
    }
    assert.equal(ErrorCode.MSG_REACTION_USER_COUNT_LIMIT, 23006);
  });

  test('a message not sent, a system notice, no reactionID: refused with 40001 before any request', async () => {
    const g = await groupOfThree();
    try {
      const m = await groupMessage(g, 'sent');
      const unsent = g.alice.chat.createTextMessage({ to: g.groupID, conversationType: TYPES.CONV_GROUP, payload: { text: 'not yet' } });
      const failed = g.alice.chat.createTextMessage({ to: g.uid.bob, conversationType: TYPES.CONV_C2C, payload: { text: 'failed' } });
      failed.status = 'fail';
      const notice = { ...m.sent, conversationID: '@TIM#SYSTEM', conversationType: TYPES.CONV_SYSTEM } as Message;
      g.calls.length = 0;
      const chat = g.alice.chat;
      for (const message of [unsent, failed, notice, {} as Message, null as unknown as Message]) {
        await assert.rejects(chat.addMessageReaction(message, 'smile'), refusedWith(ErrorCode.INVALID_ARGUMENT));
        await assert.rejects(chat.removeMessageReaction(message, 'smile'), refusedWith(ErrorCode.INVALID_ARGUMENT));
        await assert.rejects(
          chat.getAllUserListOfMessageReaction({ message, reactionID: 'smile', nextSeq: 0 }),
          refusedWith(ErrorCode.INVALID_ARGUMENT),
        );
      }
      for (const reactionID of ['', undefined, 5]) {
        await assert.rejects(chat.addMessageReaction(m.sent, reactionID as never), refusedWith(ErrorCode.INVALID_ARGUMENT));
        await assert.rejects(chat.removeMessageReaction(m.sent, reactionID as never), refusedWith(ErrorCode.INVALID_ARGUMENT));
      }
      assert.deepEqual(g.calls, [], 'nothing asked');
      // Sent, the same object works.
      await chat.sendMessage(unsent);
      await chat.addMessageReaction(unsent, 'smile');
      assert.equal(reactionCalls(g.calls).length, 1);
    } finally {
      await g.done();
    }
  });

  test("isCommercialAbilityEnabled says yes to reactions (TUIKit's enabledEmojiPlugin, 2^48) and user status (2^7), and to nothing else", async () => {
    const chat = newChat(server);
    assert.deepEqual(await chat.callExperimentalAPI('isCommercialAbilityEnabled', 2 ** 48), { code: 0, data: { enabled: true } });
    assert.deepEqual(await chat.callExperimentalAPI('isCommercialAbilityEnabled', String(2 ** 48)), { code: 0, data: { enabled: true } });
    assert.deepEqual(await chat.callExperimentalAPI('isCommercialAbilityEnabled', 2 ** 48 + 2 ** 7), { code: 0, data: { enabled: true } }, 'both');
    for (const other of [2 ** 5, 2 ** 38, 2 ** 48 + 2 ** 5, 0, 'x', undefined]) {
      assert.deepEqual(await chat.callExperimentalAPI('isCommercialAbilityEnabled', other), { code: 0, data: { enabled: false } }, String(other));
    }
  });
});

describe('pushes out of order', () => {
  test("a push at or below the version the app was given is older than what it holds: dropped", () => {
    const versions = new ReactionVersions(2);
    assert.equal(versions.take('7', 2), true, 'news');
    assert.equal(versions.take('7', 1), false, 'the earlier change, arriving late');
    assert.equal(versions.take('7', 2), false, 'the same change again');
    versions.note('8', 5); // a list answer
    assert.equal(versions.take('8', 5), false, 'the push of what the list gave');
    assert.equal(versions.take('8', 6), true);
    assert.equal(versions.take('9', undefined), true, 'a push without a version is taken');
    // the oldest message is forgotten past the capacity
    versions.note('10', 1);
    assert.equal(versions.take('7', 1), true, 'message 7 forgotten');
  });
});
