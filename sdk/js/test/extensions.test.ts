/**
 * Message extensions against a real natter server, as Tencent's SDK has them:
 * setMessageExtensions, getMessageExtensions and deleteMessageExtensions (resolving `{ extensions
 * }`), MESSAGE_EXTENSIONS_UPDATED and MESSAGE_EXTENSIONS_DELETED on every device of every member
 * (the changing user's own included, the message named by the ID each app holds it by), any
 * message taking them (`isSupportExtension` carried but not needed), the later write of a key
 * winning, the first 20 of more set with a warning, the server's refusals, and the checks made
 * before any request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, mock, test } from 'node:test';
import TencentCloudChat from '@tencentcloud/chat';
import {
  EVENT,
  ErrorCode,
  TYPES,
  type Message,
  type MessageExtensionsDeletedData,
  type MessageExtensionsUpdatedData,
} from '@natter/sdk';
import { aliceTwiceBobCarol, closeAll, destroyAllChats, liveDevice, newChat, refusedWith, sendText } from '../testing/chat.js';
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

/** A group of three live users the app backend made; alice spies on her requests (`calls`) and has a second device. */
async function groupOfThree() {
  const uid = { alice: uniqueUid('alice'), bob: uniqueUid('bob'), carol: uniqueUid('carol') };
  for (const id of Object.values(uid)) await server.createUser(id);
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
    done: () => closeAll(alice!.chat, alice2!.chat, bob!.chat, carol!.chat),
  };
}

type Group = Awaited<ReturnType<typeof groupOfThree>>;

/** alice's group message `text` (created with `options`), and each other instance's copy of it. */
async function groupMessage(g: Group, text: string, options: { isSupportExtension?: boolean } = {}) {
  const message = g.alice.chat.createTextMessage({ to: g.groupID, conversationType: TYPES.CONV_GROUP, payload: { text }, ...options });
  const sent = (await g.alice.chat.sendMessage(message)).data.message;
  const copy = async (d: Device) => {
    await waitFor(() => d.rec.received().some((m) => m.sequence === sent.sequence), 5_000, `${text} delivered`);
    return d.rec.received().find((m) => m.sequence === sent.sequence)!;
  };
  return { sent, bob: await copy(g.bob), carol: await copy(g.carol), alice2: await copy(g.alice2) };
}

function updated(d: Device): MessageExtensionsUpdatedData[] {
  return d.rec.of(EVENT.MESSAGE_EXTENSIONS_UPDATED).map((e) => e.data);
}

function deleted(d: Device): MessageExtensionsDeletedData[] {
  return d.rec.of(EVENT.MESSAGE_EXTENSIONS_DELETED).map((e) => e.data);
}

/** The bodies the spy saw posted to an extensions path (`''`, `/delete`, `/list`). */
function extensionCalls(calls: { method: string; url: string; body?: string }[], suffix = '') {
  return calls
    .filter((c) => c.method === 'POST' && c.url.endsWith(`/v1/messages/extensions${suffix}`))
    .map((c) => JSON.parse(c.body!) as Record<string, unknown>);
}

describe('setMessageExtensions and MESSAGE_EXTENSIONS_UPDATED', () => {
  test("every member's devices hear the pairs set, each by its own ID; the later write wins", async () => {
    const g = await groupOfThree();
    try {
      const m = await groupMessage(g, 'a poll', { isSupportExtension: true });
      assert.equal(m.sent.isSupportExtension, true, 'the message keeps what it was created with');
      assert.notEqual(m.sent.ID, m.bob.ID, "alice's instance knows her message by the ID it made");

      // An app written to Tencent's SDK: bob's listens, alice's sets pairs on the message she sent.
      const heard: { messageID: string; key: string; value: string }[] = [];
      g.bob.chat.on(TencentCloudChat.EVENT.MESSAGE_EXTENSIONS_UPDATED, (event: any) => {
        const { messageID, extensions } = event.data;
        extensions.forEach(({ key, value }: any) => heard.push({ messageID, key, value }));
      });
      const results: { code: number; key: string; value: string }[] = [];
      await g.alice.chat
        .setMessageExtensions(m.sent, [{ key: 'a', value: '1' }, { key: 'b', value: '2' }])
        .then((imResponse) => imResponse.data.extensions.forEach(({ code, key, value }) => results.push({ code, key, value })));
      assert.deepEqual(results, [
        { code: 0, key: 'a', value: '1' },
        { code: 0, key: 'b', value: '2' },
      ]);
      assert.deepEqual(extensionCalls(g.calls), [
        { conversationID: g.conversationID, messageID: m.bob.ID, extensionList: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] },
      ], "the server's ID goes to the server");

      const pairs = [{ key: 'a', value: '1' }, { key: 'b', value: '2' }];
      for (const [d, messageID] of [
        [g.alice, m.sent.ID],
        [g.alice2, m.bob.ID],
        [g.bob, m.bob.ID],
        [g.carol, m.bob.ID],
      ] as const) {
        await waitFor(() => updated(d).length === 1, 5_000, 'MESSAGE_EXTENSIONS_UPDATED');
        assert.deepEqual(updated(d), [{ messageID, extensions: pairs, conversationID: g.conversationID }]);
        assert.equal(d.chat.findMessage(messageID)?.sequence, m.sent.sequence, 'the app finds its message by the ID');
      }
      assert.deepEqual(heard, [
        { messageID: m.bob.ID, key: 'a', value: '1' },
        { messageID: m.bob.ID, key: 'b', value: '2' },
      ]);

      // bob sets 'a' again: the later write wins, and only what he set is told.
      assert.deepEqual(await g.bob.chat.setMessageExtensions(m.bob, [{ key: 'a', value: '3' }]), {
        code: 0,
        data: { extensions: [{ code: 0, key: 'a', value: '3' }] },
      });
      await waitFor(() => updated(g.alice).length === 2, 5_000, 'the second');
      assert.deepEqual(updated(g.alice)[1], { messageID: m.sent.ID, extensions: [{ key: 'a', value: '3' }], conversationID: g.conversationID });

      // Every pair, by key, asked of the server by any member who sees the message.
      const expected = { code: 0, data: { extensions: [{ key: 'a', value: '3' }, { key: 'b', value: '2' }] } };
      assert.deepEqual(await g.carol.chat.getMessageExtensions(m.carol), expected);
      assert.deepEqual(await g.alice.chat.getMessageExtensions(m.sent), expected);
      assert.deepEqual(extensionCalls(g.calls, '/list'), [{ conversationID: g.conversationID, messageID: m.bob.ID }]);
      await settle();
      assert.equal(updated(g.carol).length, 2, 'each change once');
    } finally {
      await g.done();
    }
  });

  test('any message takes them, asked for at send or not; one-to-one, each side hears of it in its own conversation', async () => {
    const alice = await liveDevice(server, uniqueUid('alice'), 1);
    const bob = await liveDevice(server, uniqueUid('bob'), 1);
    const [a, b] = [alice.chat.getLoginUser(), bob.chat.getLoginUser()];
    try {
      const sent = await sendText(alice.chat, b, 'no isSupportExtension');
      assert.equal(sent.isSupportExtension, false);
      await waitFor(() => bob.rec.received().length === 1, 5_000, 'delivered');
      const copy = bob.rec.received()[0]!;
      await bob.chat.setMessageExtensions(copy, [{ key: 'seen', value: 'yes' }]);
      await waitFor(() => updated(alice).length === 1 && updated(bob).length === 1, 5_000, 'both told');
      assert.deepEqual(updated(alice), [{ messageID: sent.ID, extensions: [{ key: 'seen', value: 'yes' }], conversationID: `C2C${b}` }]);
      assert.deepEqual(updated(bob), [{ messageID: copy.ID, extensions: [{ key: 'seen', value: 'yes' }], conversationID: `C2C${a}` }]);
      assert.deepEqual((await alice.chat.getMessageExtensions(sent)).data.extensions, [{ key: 'seen', value: 'yes' }]);
    } finally {
      await closeAll(alice.chat, bob.chat);
    }
  });

  test('past 20 pairs, the first 20 are set, with a warning, as Tencent\'s', async (t) => {
    const g = await groupOfThree();
    const warn = mock.method(console, 'warn', () => {});
    t.after(() => warn.mock.restore());
    try {
      const m = await groupMessage(g, 'many');
      const pairs = Array.from({ length: 21 }, (_, i) => ({ key: `k${String(i).padStart(2, '0')}`, value: String(i) }));
      const answer = await g.alice.chat.setMessageExtensions(m.sent, pairs);
      assert.deepEqual(answer.data.extensions, pairs.slice(0, 20).map((p) => ({ code: 0, ...p })));
      assert.equal(warn.mock.callCount(), 1);
      assert.match(String(warn.mock.calls[0]!.arguments[0]), /setMessageExtensions: the length of extensions cannot exceed 20/);
      assert.deepEqual((await g.bob.chat.getMessageExtensions(m.bob)).data.extensions, pairs.slice(0, 20));
    } finally {
      await g.done();
    }
  });
});

describe('deleteMessageExtensions and MESSAGE_EXTENSIONS_DELETED', () => {
  test("keys named, then every key; every member's devices hear the keys deleted", async () => {
    const g = await groupOfThree();
    try {
      const m = await groupMessage(g, 'tidy up');
      await g.alice.chat.setMessageExtensions(m.sent, [{ key: 'a', value: '1' }, { key: 'b', value: '2' }, { key: 'c', value: '3' }]);

      // bob deletes keys of the message he received.
      assert.deepEqual(
        await g.bob.chat.deleteMessageExtensions(m.bob, ['a', 'nope']),
        { code: 0, data: { extensions: [{ code: 0, key: 'a', value: '' }] } },
        'a key the message lacks is passed over',
      );
      for (const [d, messageID] of [
        [g.alice, m.sent.ID],
        [g.alice2, m.bob.ID],
        [g.bob, m.bob.ID],
        [g.carol, m.bob.ID],
      ] as const) {
        await waitFor(() => deleted(d).length === 1, 5_000, 'MESSAGE_EXTENSIONS_DELETED');
        assert.deepEqual(deleted(d), [{ messageID, keyList: ['a'], conversationID: g.conversationID }]);
      }

      // Without keys (or with []), every key.
      const all = await g.carol.chat.deleteMessageExtensions(m.carol);
      assert.deepEqual(all.data.extensions, [
        { code: 0, key: 'b', value: '' },
        { code: 0, key: 'c', value: '' },
      ]);
      await waitFor(() => deleted(g.alice).length === 2, 5_000, 'the second');
      assert.deepEqual(deleted(g.alice)[1], { messageID: m.sent.ID, keyList: ['b', 'c'], conversationID: g.conversationID });
      assert.deepEqual((await g.alice.chat.getMessageExtensions(m.sent)).data, { extensions: [] });
      assert.deepEqual(extensionCalls(g.calls, '/delete'), [], 'alice deleted nothing');

      // Nothing left to delete: an empty answer, and no one is told.
      assert.deepEqual((await g.alice.chat.deleteMessageExtensions(m.sent, [])).data, { extensions: [] });
      assert.deepEqual(extensionCalls(g.calls, '/delete'), [{ conversationID: g.conversationID, messageID: m.bob.ID }], 'no keyList: every key');
      await settle();
      assert.equal(deleted(g.bob).length, 2);
    } finally {
      await g.done();
    }
  });

  test('a message this user deleted for themself: no event for it', async () => {
    const g = await groupOfThree();
    try {
      const m = await groupMessage(g, 'delete me');
      await g.carol.chat.deleteMessage([m.carol]);
      await g.bob.chat.setMessageExtensions(m.bob, [{ key: 'a', value: '1' }]);
      await g.bob.chat.deleteMessageExtensions(m.bob, ['a']);
      await waitFor(() => deleted(g.alice).length === 1, 5_000, "alice's event");
      await settle();
      assert.deepEqual([updated(g.carol), deleted(g.carol)], [[], []]);
    } finally {
      await g.done();
    }
  });
});

describe("the server's refusals and the checks made before any request", () => {
  test('a recalled message and a 301st key 40901; a key too long or given twice 40001; no such message 40401', async () => {
    const g = await groupOfThree();
    try {
      const m = await groupMessage(g, 'limits');
      for (let i = 0; i < 300; i += 20) {
        const pairs = Array.from({ length: 20 }, (_, k) => ({ key: `key${i + k}`, value: 'x' }));
        await g.alice.chat.setMessageExtensions(m.sent, pairs);
      }
      await assert.rejects(
        g.bob.chat.setMessageExtensions(m.bob, [{ key: 'one-too-many', value: 'x' }]),
        refusedWith(ErrorCode.CONFLICT, { error: 'conflict' }),
        '300 keys a message',
      );
      await g.bob.chat.setMessageExtensions(m.bob, [{ key: 'key0', value: 'changed' }]); // a key it has
      assert.equal((await g.bob.chat.getMessageExtensions(m.bob)).data.extensions.length, 300);

      const other = await groupMessage(g, 'other');
      for (const [extensions, why] of [
        [[{ key: 'k'.repeat(101), value: '' }], 'a key over 100 bytes'],
        [[{ key: 'v', value: 'x'.repeat(1025) }], 'a value over 1,024 bytes'],
        [[{ key: 'twice', value: '1' }, { key: 'twice', value: '2' }], 'a key given twice'],
      ] as const) {
        await assert.rejects(g.bob.chat.setMessageExtensions(other.bob, [...extensions]), refusedWith(ErrorCode.INVALID_ARGUMENT), why);
      }

      await g.alice.chat.revokeMessage(other.sent);
      await assert.rejects(
        g.bob.chat.setMessageExtensions(other.bob, [{ key: 'a', value: '1' }]),
        refusedWith(ErrorCode.CONFLICT, { error: 'conflict' }),
        'recalled',
      );
      // No such message: 40401. A conversation the message is not in, such as the group's for a
      // user who was never in it: the server's 40001.
      const missing = { ...m.bob, ID: `${m.bob.ID}0` } as Message;
      for (const call of [
        () => g.bob.chat.getMessageExtensions(missing),
        () => g.bob.chat.setMessageExtensions(missing, [{ key: 'a', value: '1' }]),
        () => g.bob.chat.deleteMessageExtensions(missing),
      ]) {
        await assert.rejects(call(), refusedWith(ErrorCode.NOT_FOUND));
      }
      const stranger = await liveDevice(server, uniqueUid('dave'), 1);
      try {
        await assert.rejects(
          stranger.chat.setMessageExtensions(m.bob, [{ key: 'a', value: '1' }]),
          refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /is not in conversation/ }),
        );
      } finally {
        await closeAll(stranger.chat);
      }
    } finally {
      await g.done();
    }
  });

  test('a message not sent, a system notice, bad extensions or keys: refused with 40001 before any request; logged out 40101', async () => {
    const g = await groupOfThree();
    try {
      const m = await groupMessage(g, 'sent');
      const chat = g.alice.chat;
      const unsent = chat.createTextMessage({ to: g.groupID, conversationType: TYPES.CONV_GROUP, payload: { text: 'not yet' } });
      const notice = { ...m.sent, conversationID: '@TIM#SYSTEM', conversationType: TYPES.CONV_SYSTEM } as Message;
      g.calls.length = 0;
      for (const message of [unsent, notice, {} as Message, null as unknown as Message]) {
        await assert.rejects(chat.setMessageExtensions(message, [{ key: 'a', value: '1' }]), refusedWith(ErrorCode.INVALID_ARGUMENT));
        await assert.rejects(chat.getMessageExtensions(message), refusedWith(ErrorCode.INVALID_ARGUMENT));
        await assert.rejects(chat.deleteMessageExtensions(message), refusedWith(ErrorCode.INVALID_ARGUMENT));
      }
      for (const [extensions, message] of [
        [undefined, /extensions: an array of \{ key, value \}/],
        [{ key: 'a', value: '1' }, /extensions: an array of \{ key, value \}/],
        [[{ key: 'a', value: 1 }], /extensions: an array of \{ key, value \}/],
        [[{ key: 'a' }], /extensions: an array of \{ key, value \}/],
        [[], /extensions: is empty/],
      ] as const) {
        await assert.rejects(
          chat.setMessageExtensions(m.sent, extensions as never),
          refusedWith(ErrorCode.INVALID_ARGUMENT, { message: new RegExp(`^setMessageExtensions: ${message.source}`) }),
          JSON.stringify(extensions),
        );
      }
      for (const [keyList, message] of [
        ['a', /keyList: an array of keys/],
        [[1], /keyList: an array of keys/],
        [Array.from({ length: 21 }, (_, i) => `k${i}`), /keyList: 21 keys; at most 20/],
      ] as const) {
        await assert.rejects(
          chat.deleteMessageExtensions(m.sent, keyList as never),
          refusedWith(ErrorCode.INVALID_ARGUMENT, { message: new RegExp(`^deleteMessageExtensions: ${message.source}`) }),
        );
      }
      assert.deepEqual(g.calls, [], 'nothing asked');

      // A key named twice is asked once; sent, the same object works.
      await chat.deleteMessageExtensions(m.sent, ['a', 'a']);
      assert.deepEqual(extensionCalls(g.calls, '/delete'), [{ conversationID: g.conversationID, messageID: m.bob.ID, keyList: ['a'] }]);
      await chat.sendMessage(unsent);
      assert.deepEqual((await chat.setMessageExtensions(unsent, [{ key: 'a', value: '1' }])).data.extensions, [{ code: 0, key: 'a', value: '1' }]);

      const spy = spyFetch();
      const fresh = newChat(server, { fetch: spy.fetch });
      await assert.rejects(fresh.setMessageExtensions(m.sent, [{ key: 'a', value: '1' }]), refusedWith(ErrorCode.UNAUTHENTICATED));
      await assert.rejects(fresh.getMessageExtensions(m.sent), refusedWith(ErrorCode.UNAUTHENTICATED));
      await assert.rejects(fresh.deleteMessageExtensions(m.sent), refusedWith(ErrorCode.UNAUTHENTICATED));
      assert.deepEqual(spy.calls, []);
      await closeAll(fresh);
    } finally {
      await g.done();
    }
  });

  test("isCommercialAbilityEnabled says yes to Tencent's MSG_EXT bit (2^13), which its extension calls check first", async () => {
    const chat = newChat(server);
    assert.deepEqual(await chat.callExperimentalAPI('isCommercialAbilityEnabled', 2 ** 13), { code: 0, data: { enabled: true } });
  });
});
