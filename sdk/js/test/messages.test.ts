/**
 * Messages as Tencent's: createTextMessage / createCustomMessage / sendMessage, the Message object,
 * and history pages walked with nextReqMessageID. Against a real natter server, HTTP only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ErrorCode, NatterError, TYPES, type Message } from '@natter/sdk';
import { closeAll, loginReady, newChat, sendText, destroyAllChats } from '../testing/chat.js';
import { startServer, uniqueUid, type TestServer } from '../testing/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

/** alice and bob logged in (HTTP only), and a group with both. */
async function setup() {
  const alice = uniqueUid('alice');
  const bob = uniqueUid('bob');
  const group = uniqueUid('team');
  const aliceToken = await server.createUser(alice);
  const bobToken = await server.createUser(bob);
  await server.createGroup(group, [alice, bob]);
  const chat = newChat(server);
  await loginReady(chat, alice, aliceToken);
  const bobChat = newChat(server);
  await loginReady(bobChat, bob, bobToken);
  return { chat, bobChat, alice, bob, group, aliceToken, bobToken, done: () => closeAll(chat, bobChat) };
}

describe('create and send', () => {
  test('createTextMessage: a Tencent Message, unsent; sendMessage resolves it stored', async () => {
    const { chat, alice, bob, done } = await setup();
    const message = chat.createTextMessage({
      to: bob,
      conversationType: TYPES.CONV_C2C,
      payload: { text: 'hello bob' },
    });
    assert.equal(message.type, 'TIMTextElem');
    assert.deepEqual(message.payload, { text: 'hello bob' });
    assert.equal(message.conversationID, `C2C${bob}`);
    assert.equal(message.conversationType, 'C2C');
    assert.equal(message.to, bob);
    assert.equal(message.from, alice);
    assert.equal(message.flow, 'out');
    assert.equal(message.status, 'unSend');
    assert.equal(message.cloudCustomData, '');
    const localID = message.ID;

    const before = Math.floor(Date.now() / 1000);
    const res = await chat.sendMessage(message);
    assert.equal(res.code, 0);
    const sent = res.data.message;
    assert.equal(sent, message, 'the same object, updated');
    assert.equal(sent.status, 'success');
    assert.equal(sent.ID, localID, "the ID it was created with, as Tencent's");
    assert.equal(sent.sequence, 1);
    assert.ok(Math.abs(sent.time - before) <= 2, `time ${sent.time} is in seconds`);
    assert.equal(chat.findMessage(sent.ID), sent);

    await assert.rejects(chat.sendMessage(sent), { code: 40001 }, 'a sent message is not sent twice');
    await done();
  });

  test('messageControlInfo.excludedFromUnreadCount: the message counts as unread for no one', async () => {
    const { chat, bobChat, alice, bob, done } = await setup();
    const text = (words: string) =>
      chat.createTextMessage({ to: bob, conversationType: TYPES.CONV_C2C, payload: { text: words } });
    await chat.sendMessage(text('counted'));
    await chat.sendMessage(text('not counted'), { messageControlInfo: { excludedFromUnreadCount: true } });
    const conversation = (await bobChat.getConversationProfile(`C2C${alice}`)).data.conversation;
    assert.equal(conversation.unreadCount, 1, 'only the first message counts');
    await done();
  });

  test('messageControlInfo.excludedFromLastMessage: the message is in history, never the last message', async () => {
    const { chat, bobChat, alice, bob, done } = await setup();
    const text = (words: string) =>
      chat.createTextMessage({ to: bob, conversationType: TYPES.CONV_C2C, payload: { text: words } });
    await chat.sendMessage(text('shown'));
    await chat.sendMessage(text('not shown'), { messageControlInfo: { excludedFromLastMessage: true } });
    for (const [user, peer] of [[bobChat, alice], [chat, bob]] as const) {
      const { conversation } = (await user.getConversationProfile(`C2C${peer}`)).data;
      assert.equal((conversation.lastMessage as { payload: { text: string } }).payload.text, 'shown');
    }
    const history = (await bobChat.getMessageList({ conversationID: `C2C${alice}` })).data.messageList;
    assert.deepEqual(history.map((m) => (m.payload as { text: string }).text), ['shown', 'not shown']);
    await done();
  });

  test("a peer the server never saw: an empty first page, as that conversation's profile is new and empty", async () => {
    const { chat, done } = await setup();
    const nobody = uniqueUid('nobody');
    const { data } = await chat.getMessageList({ conversationID: `C2C${nobody}` });
    assert.deepEqual(data, { messageList: [], nextReqMessageID: '', isCompleted: true });
    assert.equal((await chat.getConversationProfile(`C2C${nobody}`)).data.conversation.unreadCount, 0);
    await assert.rejects(chat.getMessageList({ conversationID: 'GROUPno-such-group' }), { code: 40401 });
    await done();
  });

  test('received and listed messages: flow, to, time in seconds, sequence, type, payload', async () => {
    const { chat, bobChat, alice, bob, done } = await setup();
    await sendText(bobChat, alice, 'from bob');
    await sendText(chat, bob, 'from alice');
    const { data } = await chat.getMessageList({ conversationID: `C2C${bob}` });
    assert.equal(data.messageList.length, 2);
    const [fromBob, fromAlice] = data.messageList as [Message, Message];
    assert.equal(fromBob.flow, 'in');
    assert.equal(fromBob.from, bob);
    assert.equal(fromBob.to, alice);
    assert.equal(fromAlice.flow, 'out');
    assert.equal(fromAlice.to, bob);
    assert.deepEqual(data.messageList.map((m) => m.sequence), [1, 2]);
    for (const m of data.messageList) {
      assert.equal(m.conversationID, `C2C${bob}`);
      assert.equal(m.conversationType, 'C2C');
      assert.equal(m.status, 'success');
      assert.equal(m.isRevoked, false);
      assert.ok(m.time > 1_600_000_000 && m.time < 4_000_000_000, 'seconds, not ms');
      assert.equal(typeof m.nick, 'string');
      assert.equal(typeof m.avatar, 'string');
    }
    assert.equal(fromBob.type, TYPES.MSG_TEXT, 'the server keeps the type');
    assert.deepEqual(fromBob.payload, { text: 'from bob' });
    // Bob's view of the same messages.
    const bobs = (await bobChat.getMessageList({ conversationID: `C2C${alice}` })).data.messageList;
    assert.deepEqual(bobs.map((m) => m.flow), ['out', 'in']);
    await done();
  });

  test('createCustomMessage: { data, description, extension } and cloudCustomData survive the round trip', async () => {
    const { chat, bobChat, alice, bob, done } = await setup();
    const message = chat.createCustomMessage({
      to: bob,
      conversationType: TYPES.CONV_C2C,
      payload: { data: 'dice', description: 'rolled a 6', extension: '6' },
      cloudCustomData: '{"v":1}',
    });
    assert.equal(message.type, TYPES.MSG_CUSTOM);
    await chat.sendMessage(message);
    const [got] = (await bobChat.getMessageList({ conversationID: `C2C${alice}` })).data.messageList;
    assert.equal(got!.type, 'TIMCustomElem');
    assert.deepEqual(got!.payload, { data: 'dice', description: 'rolled a 6', extension: '6' });
    assert.equal(got!.cloudCustomData, '{"v":1}');
    const minimal = chat.createCustomMessage({ to: bob, conversationType: 'C2C', payload: { data: 'x' } });
    assert.deepEqual(minimal.payload, { data: 'x', description: '', extension: '' });
    await done();
  });

  test('a custom message sent without Tencent fields still reads as { data, description, extension }', async () => {
    const { chat, alice, bob, bobToken, done } = await setup();
    await server.sendAs(bobToken, `C2C${alice}`, { payload: { kind: 'raw', n: 1 } });
    const [m] = (await chat.getMessageList({ conversationID: `C2C${bob}` })).data.messageList;
    assert.equal(m!.type, TYPES.MSG_CUSTOM);
    assert.deepEqual(JSON.parse(m!.payload.data), { kind: 'raw', n: 1 });
    assert.equal(m!.payload.description, '');
    await done();
  });

  test('group messages: to is the group ID', async () => {
    const { chat, bobChat, group, done } = await setup();
    await sendText(bobChat, group, 'hi team', 'GROUP');
    const [m] = (await chat.getMessageList({ conversationID: `GROUP${group}` })).data.messageList;
    assert.equal(m!.conversationType, 'GROUP');
    assert.equal(m!.to, group);
    assert.equal(m!.flow, 'in');
    await done();
  });

  test('a failed send marks the message fail; resendMessage uses the same client ID (one message)', async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const token = await server.createUser(alice);
    await server.createUser(bob);
    let failNext = false;
    const flaky = ((input: string | URL | Request, init?: RequestInit) => {
      if (failNext && String(input).endsWith('/v1/messages')) {
        failNext = false;
        // The request reaches the server, but the answer is lost.
        return fetch(input, init).then(() => Promise.reject(new TypeError('fetch failed')));
      }
      return fetch(input, init);
    }) as typeof fetch;
    const chat = newChat(server, { fetch: flaky });
    await loginReady(chat, alice, token);
    const message = chat.createTextMessage({ to: bob, conversationType: 'C2C', payload: { text: 'once' } });
    failNext = true;
    await assert.rejects(chat.sendMessage(message), (err: unknown) => {
      assert.equal((err as NatterError).code, ErrorCode.NETWORK_ERROR);
      // As Tencent's: the rejection carries the message, its status 'fail'.
      assert.equal(((err as NatterError).data as { message: Message }).message, message);
      return true;
    });
    assert.equal(message.status, 'fail');
    const res = await chat.resendMessage(message);
    assert.equal(res.data.message.status, 'success');
    assert.equal(res.data.message.isResend, true);
    const history = (await chat.getMessageList({ conversationID: `C2C${bob}` })).data.messageList;
    assert.deepEqual(history.map((m) => m.payload.text), ['once'], 'the retry did not make a second message');
    await closeAll(chat);
  });

  test('bad arguments throw at creation; unsupported message kinds and options fail loudly', async () => {
    const { chat, bob, done } = await setup();
    assert.throws(() => chat.createTextMessage({ to: bob, conversationType: 'C2C', payload: {} }), { code: 40001 });
    assert.throws(() => chat.createTextMessage({ to: bob, conversationType: 'C2C', payload: { text: '' } }), {
      code: 40001,
      message: /non-empty/,
    });
    assert.throws(() => chat.createTextMessage({ to: '', conversationType: 'C2C', payload: { text: 'x' } }), {
      code: 40001,
    });
    assert.throws(
      () => chat.createTextMessage({ to: bob, conversationType: TYPES.CONV_SYSTEM, payload: { text: 'x' } }),
      { code: 40001 },
    );
    // Forwarding checks its arguments as Tencent's (forward.test.ts has the rest).
    assert.throws(() => chat.createMergerMessage({ to: bob, conversationType: 'C2C', payload: {} }), {
      code: 40001,
      message: /messageList/,
    });
    assert.throws(() => chat.createForwardMessage({ to: bob, conversationType: 'C2C', payload: {} }), {
      code: ErrorCode.MSG_FORWARD_INVALID_ELEMENTS,
    });
    // isSupportExtension is carried, as Tencent's (extensions.test.ts: any message takes them).
    assert.equal(
      chat.createTextMessage({ to: bob, conversationType: 'C2C', payload: { text: 'x' }, isSupportExtension: true }).isSupportExtension,
      true,
    );
    assert.equal(
      chat.createTextMessage({ to: bob, conversationType: 'C2C', payload: { text: 'x' }, needReadReceipt: true }).needReadReceipt,
      true,
    );
    const m = chat.createTextMessage({ to: bob, conversationType: 'C2C', payload: { text: 'typing…' } });
    await assert.rejects(chat.sendMessage({ conversationID: `C2C${bob}`, payload: { text: 'raw' } } as never), {
      code: 40001,
    });
    await assert.rejects(chat.revokeMessage(m), { code: 40001 }, 'a message never sent cannot be recalled');
    await assert.rejects(chat.sendMessage(m, { onlineUserOnly: 'yes' as never }), (err: unknown) => {
      assert.equal((err as NatterError).code, 40001);
      assert.equal((err as NatterError).data, undefined, 'checks before any request carry no data');
      return true;
    });
    // Server refusals keep the server's code.
    const ghost = chat.createTextMessage({ to: uniqueUid('ghost'), conversationType: 'C2C', payload: { text: 'x' } });
    await assert.rejects(chat.sendMessage(ghost), (err: unknown) => {
      assert.deepEqual([(err as NatterError).code, (err as NatterError).error], [40401, 'not_found']);
      const data = (err as NatterError).data as { message: Message };
      assert.equal(data.message, ghost, "data.message, as Tencent's");
      assert.equal(data.message.status, 'fail');
      return true;
    });
    assert.equal(ghost.status, 'fail');
    await done();
  });
});

describe('getMessageList', () => {
  test('pages of 15, oldest first, back in time with nextReqMessageID: no gaps, no repeats', async () => {
    const { chat, bob, alice, bobToken, done } = await setup();
    const total = 40;
    for (let i = 1; i <= total; i += 1) await server.sendAs(bobToken, `C2C${alice}`, { type: 'TIMTextElem', payload: { text: `m${i}` } });

    const pages: Message[][] = [];
    let next: string | undefined;
    for (;;) {
      const { data } = await chat.getMessageList({ conversationID: `C2C${bob}`, nextReqMessageID: next });
      assert.ok(data.messageList.length <= 15);
      pages.push(data.messageList);
      for (let i = 1; i < data.messageList.length; i += 1) {
        assert.ok(data.messageList[i - 1]!.sequence < data.messageList[i]!.sequence, 'oldest first');
      }
      if (data.isCompleted) break;
      assert.equal(data.nextReqMessageID, data.messageList[0]!.ID);
      next = data.nextReqMessageID;
      assert.ok(pages.length < 10, 'paging ends');
    }
    assert.deepEqual(pages.map((p) => p.length), [15, 15, 10]);
    const texts = pages.reverse().flat().map((m) => m.payload.text);
    assert.deepEqual(texts, Array.from({ length: total }, (_, i) => `m${i + 1}`));
    await done();
  });

  test('a nextReqMessageID alone finds its page, on another instance too', async () => {
    const { chat, alice, bob, aliceToken, bobToken, done } = await setup();
    for (let i = 1; i <= 20; i += 1) await server.sendAs(bobToken, `C2C${alice}`, { type: 'TIMTextElem', payload: { text: `m${i}` } });
    const first = (await chat.getMessageList({ conversationID: `C2C${bob}` })).data;
    const second = (await chat.getMessageList({ conversationID: `C2C${bob}`, nextReqMessageID: first.nextReqMessageID })).data;
    const other = newChat(server);
    await loginReady(other, alice, aliceToken);
    const elsewhere = (await other.getMessageList({ conversationID: `C2C${bob}`, nextReqMessageID: first.nextReqMessageID })).data;
    assert.deepEqual(elsewhere.messageList.map((m) => m.ID), second.messageList.map((m) => m.ID));
    assert.deepEqual(second.messageList.map((m) => m.payload.text), ['m1', 'm2', 'm3', 'm4', 'm5']);
    assert.equal(second.isCompleted, true);
    await closeAll(other);
    await done();
  });

  test('a server older than nextReqMessageID: pages by sequence within the instance, refuses an ID it never saw', async () => {
    // What such a server does: it ignores the parameter and its answer has no nextReqMessageID.
    const older = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = String(input);
      if (!url.includes('/messages?')) return fetch(input, init);
      const res = await fetch(url.replace(/([?&])nextReqMessageID=[^&]*&?/, '$1').replace(/[?&]$/, ''), init);
      const body = (await res.json()) as Record<string, unknown>;
      delete body.nextReqMessageID;
      return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
    }) as typeof fetch;
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const aliceToken = await server.createUser(alice);
    const bobToken = await server.createUser(bob);
    for (let i = 1; i <= 20; i += 1) await server.sendAs(bobToken, `C2C${alice}`, { type: 'TIMTextElem', payload: { text: `m${i}` } });
    const chat = newChat(server, { fetch: older });
    await loginReady(chat, alice, aliceToken);
    const first = (await chat.getMessageList({ conversationID: `C2C${bob}` })).data;
    assert.equal(first.messageList.length, 15);
    const second = (await chat.getMessageList({ conversationID: `C2C${bob}`, nextReqMessageID: first.nextReqMessageID })).data;
    assert.deepEqual(second.messageList.map((m) => m.payload.text), ['m1', 'm2', 'm3', 'm4', 'm5']);
    assert.equal(second.isCompleted, true);
    const other = newChat(server, { fetch: older });
    await loginReady(other, alice, aliceToken);
    await assert.rejects(
      other.getMessageList({ conversationID: `C2C${bob}`, nextReqMessageID: first.nextReqMessageID }),
      { code: ErrorCode.UNSUPPORTED },
      'never the newest page again (an app paging until isCompleted would loop)',
    );
    await closeAll(chat, other);
  });

  test('an empty conversation is completed at once; count is 1–15', async () => {
    const { chat, bob, done } = await setup();
    const { data } = await chat.getMessageList({ conversationID: `C2C${bob}` });
    assert.deepEqual(data.messageList, []);
    assert.equal(data.isCompleted, true);
    assert.equal(data.nextReqMessageID, '');
    await assert.rejects(chat.getMessageList({ conversationID: `C2C${bob}`, count: 16 }), { code: 40001 });
    await done();
  });
});
