/**
 * Changing a sent message against a real natter server, as Tencent's SDK has it: modifyMessage
 * (any member, text, custom, location and face payloads, every message's cloudCustomData, on the
 * version the message was read at), MESSAGE_MODIFIED on every device of every member (the
 * modifier's own instance included, once), a conflict after another member's change (Tencent's 2480,
 * with `data.message` the latest; a missing message Tencent's 20026), a recalled message refused, and the changes a device missed while
 * offline, learnt from the catch-up.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import TencentCloudChat from '@tencentcloud/chat';
import { EVENT, ErrorCode, NatterError, TYPES, type Message, type WebSocketConstructor } from '@natter/sdk';
import { closeAll, destroyAllChats, gatedSocket, liveDevice, loginReady, newChat, refusedWith, sendText } from '../testing/chat.js';
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

/** A live instance of `uid`'s device; see liveDevice. `fetch` spies on its requests. */
function device(uid: string, deviceFlag: 0 | 1 | 2, options: { WebSocket?: WebSocketConstructor; fetch?: typeof fetch } = {}) {
  return liveDevice(server, uid, deviceFlag, options.WebSocket, options.fetch ? { fetch: options.fetch } : {});
}

/** The bodies this spy saw posted to `POST /v1/messages/modify`. */
function modifyBodies(calls: { method: string; url: string; body?: string }[]): Record<string, unknown>[] {
  return calls.filter((c) => c.method === 'POST' && c.url.endsWith('/v1/messages/modify')).map((c) => JSON.parse(c.body!));
}

/** The messages an instance heard of as MESSAGE_MODIFIED, flattened. */
function modified(rec: { of: (name: typeof EVENT.MESSAGE_MODIFIED) => { data: Message[] }[] }): Message[] {
  return rec.of(EVENT.MESSAGE_MODIFIED).flatMap((e) => e.data);
}

/** Waits until `d` is offline (its gated socket was cut). */
async function offline(d: { rec: { of: (name: typeof EVENT.NET_STATE_CHANGE) => { data: { state: string } }[] } }) {
  await waitFor(
    () => d.rec.of(EVENT.NET_STATE_CHANGE).some((e) => e.data.state === 'disconnected'),
    5_000,
    'the device offline',
  );
}

/** The message `id` of a conversation's history, as getMessageList hands it out. */
async function listed(chat: TencentCloudChat, conversationID: string, id: string): Promise<Message | undefined> {
  return (await chat.getMessageList({ conversationID })).data.messageList.find((m) => m.ID === id);
}

describe('modifyMessage and MESSAGE_MODIFIED', () => {
  test("Tencent's documented sample, unchanged but for the IDs: every device of every member hears of it", async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const spy = spyFetch();
    const a = await device(alice, 0, { fetch: spy.fetch });
    const a2 = await device(alice, 1);
    const b = await device(bob, 0);
    try {
      const original = await sendText(a.chat, bob, 'Hello Tencnet');
      await waitFor(() => b.rec.received().length === 1 && a2.rec.received().length === 1, 5_000, 'delivered');
      const heldByBob = b.rec.received()[0]!;
      assert.deepEqual([heldByBob.isModified, heldByBob.version], [false, 0]);
      // The server's ID, which bob's devices and alice's other one know it by; alice's instance
      // keeps the one it made.
      const serverID = heldByBob.ID;
      await waitFor(() => b.entry(`C2C${alice}`)?.unreadCount === 1, 5_000, "bob's list");

      const chat = a.chat;
      let txtMessage = original;
      let latest: Message | undefined;
      // ---- from Tencent's documentation ("Modify a Message"), unchanged
      // Listen for the `MESSAGE_MODIFIED` event
      // which will be delivered by the SDK after a message is modified successfully
      let onMessageModified = function (event: any) {
        // event.data - An array that stores modified Message objects - [Message]
      };
      chat.on(TencentCloudChat.EVENT.MESSAGE_MODIFIED, onMessageModified);

      // Change the text content of `txtMessage` to "Hello Tencent"
      txtMessage.payload.text = 'Hello Tencent';

      let promise = chat.modifyMessage(txtMessage);
      promise
        .then(function (imResponse) {
          const { message } = imResponse.data;
          // The message was modified successfully, and `message` is the latest message
          latest = message; // (the test's own line)
        })
        .catch(function (imError) {
          // Failed to modify the message
          const { code, data } = imError;
          if (code === 2480) {
            // A conflict occurred while modifying the message. `data.message` is the latest message
          } else if (code === 2481) {
            // Modifying AVChatRoom messages is not supported
          } else if (code === 20026) {
            // The message does not exist
          }
        });
      // ----
      const result = await promise;
      assert.equal(result.code, 0);
      assert.equal(result.data.message, txtMessage, 'the same object, as Tencent’s');
      assert.equal(latest, txtMessage);
      assert.deepEqual([txtMessage.payload, txtMessage.isModified, txtMessage.version], [{ text: 'Hello Tencent' }, true, 1]);
      // As Tencent's, the payload whole and the custom data, on the version the message was read at.
      assert.deepEqual(modifyBodies(spy.calls), [
        {
          conversationID: `C2C${bob}`,
          messageID: serverID,
          version: 0,
          type: TYPES.MSG_TEXT,
          payload: { text: 'Hello Tencent' },
          cloudCustomData: '',
        },
      ]);

      // The other member and the modifier's other device: the message as it now is, the object
      // each app holds changed in place.
      for (const [other, conversationID] of [[b, `C2C${alice}`], [a2, `C2C${bob}`]] as const) {
        await waitFor(() => modified(other.rec).length === 1, 5_000, 'MESSAGE_MODIFIED');
        const [m] = modified(other.rec);
        assert.deepEqual(
          [m!.ID, m!.conversationID, m!.payload, m!.isModified, m!.version, m!.from],
          [serverID, conversationID, { text: 'Hello Tencent' }, true, 1, alice],
        );
        assert.equal(m, other.rec.received()[0], "the object the app holds, as Tencent's");
      }
      assert.deepEqual(heldByBob.payload, { text: 'Hello Tencent' });
      // The modifier's own instance hears of it too, once, as Tencent's tells its own instance.
      await settle();
      assert.deepEqual(modified(a.rec), [txtMessage]);
      assert.equal(modified(b.rec).length, 1, 'once');
      assert.equal(modified(a2.rec).length, 1, 'once');

      // The conversations' last message follows; nothing becomes unread.
      for (const [d, id] of [[a, `C2C${bob}`], [b, `C2C${alice}`], [a2, `C2C${bob}`]] as const) {
        await waitFor(() => d.entry(id)?.lastMessage.messageForShow === 'Hello Tencent', 5_000, 'lastMessage');
        assert.deepEqual(d.entry(id)!.lastMessage.payload, { text: 'Hello Tencent' });
      }
      assert.equal(b.entry(`C2C${alice}`)!.unreadCount, 1);
      assert.equal(b.chat.getTotalUnreadMessageCount(), 1);

      // getMessageList shows it as it now is.
      const page = await listed(b.chat, `C2C${alice}`, serverID);
      assert.deepEqual([page?.payload, page?.isModified, page?.version], [{ text: 'Hello Tencent' }, true, 1]);

      // Any member may change it, not only its sender: bob, on the version he now holds.
      heldByBob.payload.text = 'Hello Tencent!';
      heldByBob.cloudCustomData = '{"edited":"bob"}';
      await b.chat.modifyMessage(heldByBob);
      assert.deepEqual([heldByBob.version, heldByBob.payload.text], [2, 'Hello Tencent!']);
      await waitFor(() => modified(a.rec).length === 2, 5_000, 'alice hears of it');
      assert.equal(modified(a.rec)[1], txtMessage, "alice's object, changed in place");
      assert.deepEqual(
        [txtMessage.payload, txtMessage.cloudCustomData, txtMessage.version],
        [{ text: 'Hello Tencent!' }, '{"edited":"bob"}', 2],
      );
      await waitFor(() => modified(b.rec).length === 2, 5_000, "bob's own instance hears of it");
      await waitFor(() => modified(a2.rec).length === 2, 5_000, "alice's other device hears of it");
    } finally {
      await closeAll(a.chat, a2.chat, b.chat);
    }
  });

  test("cloudCustomData of any message changes; an image's payload does not", async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const spy = spyFetch();
    const aliceToken = await server.createUser(alice, 2);
    const a = await device(alice, 0);
    const b = await device(bob, 0, { fetch: spy.fetch });
    const image = {
      uuid: 'cat-1',
      imageFormat: 1,
      imageInfoArray: [{ url: 'https://example.com/cat.png', width: 640, height: 480, type: 0, size: 51_200 }],
    };
    try {
      const sent = await server.sendAs(aliceToken, `C2C${bob}`, { type: TYPES.MSG_IMAGE, payload: image });
      await waitFor(() => b.rec.received().length === 1, 5_000, 'bob got the image');
      const held = b.rec.received()[0]!;
      assert.deepEqual([held.ID, held.type, held.payload], [sent.messageID, TYPES.MSG_IMAGE, image]);

      // A reply's quote, say: only the custom data goes, as Tencent's sends no payload for an image.
      held.cloudCustomData = JSON.stringify({ messageReply: { messageAbstract: 'cute' } });
      const { data } = await b.chat.modifyMessage(held);
      assert.equal(data.message, held);
      assert.deepEqual(modifyBodies(spy.calls).at(-1), {
        conversationID: `C2C${alice}`,
        messageID: sent.messageID,
        version: 0,
        cloudCustomData: held.cloudCustomData,
      });
      assert.deepEqual([held.version, held.isModified, held.payload], [1, true, image]);
      await waitFor(() => modified(a.rec).length === 1, 5_000, "alice's MESSAGE_MODIFIED");
      const [m] = modified(a.rec);
      assert.deepEqual(
        [m!.type, m!.payload, m!.cloudCustomData, m!.isModified],
        [TYPES.MSG_IMAGE, image, held.cloudCustomData, true],
      );

      // A change to its payload does not go: the answer is the message as stored, which the object
      // takes back.
      held.payload.imageInfoArray[0].url = 'https://example.com/dog.png';
      held.cloudCustomData = '';
      await b.chat.modifyMessage(held);
      assert.equal(modifyBodies(spy.calls).at(-1)!.payload, undefined);
      assert.deepEqual([held.version, held.payload, held.cloudCustomData], [2, image, '']);
      // And the server refuses it from any client: an image points at a file.
      const refused = await fetch(`${server.baseUrl}/v1/messages/modify`, {
        method: 'POST',
        headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          conversationID: `C2C${bob}`,
          messageID: sent.messageID,
          version: 2,
          type: TYPES.MSG_IMAGE,
          payload: { ...image, uuid: 'dog-1' },
        }),
      });
      assert.equal(refused.status, 400);
      assert.equal(((await refused.json()) as { code: number }).code, ErrorCode.INVALID_ARGUMENT);
      assert.deepEqual((await listed(a.chat, `C2C${bob}`, sent.messageID))?.payload, image);
    } finally {
      await closeAll(a.chat, b.chat);
    }
  });

  test('a conflict: another member changed it meanwhile; 2480 as Tencent\'s, data.message the latest, told once', async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const gate = gatedSocket();
    const a = await device(alice, 0, { WebSocket: gate.WebSocket });
    const b = await device(bob, 0);
    try {
      const mine = await sendText(a.chat, bob, 'Dinner at 7');
      await waitFor(() => b.rec.received().length === 1, 5_000, 'bob got it');
      gate.cut();
      await offline(a);

      // bob changes it while alice's device hears nothing; alice then changes the version she read.
      const theirs = b.rec.received()[0]!;
      theirs.payload.text = 'Dinner at 8';
      await b.chat.modifyMessage(theirs);
      mine.payload.text = 'Dinner at 7:30';
      let failure: unknown;
      await a.chat.modifyMessage(mine).catch((err: unknown) => (failure = err));
      assert.ok(failure instanceof NatterError, String(failure));
      assert.deepEqual([failure.code, failure.error, failure.status], [ErrorCode.MSG_MODIFY_CONFLICT, 'conflict', 409]);
      assert.equal(failure.code, 2480, 'Tencent’s MSG_MODIFY_CONFLICT, which TUIKit retries on');
      assert.match(failure.message, /version 1/);
      // As Tencent's: data.message is the latest message, the object alice passed, brought to it.
      const data = failure.data as { message: Message };
      assert.equal(data.message, mine);
      assert.deepEqual([mine.payload, mine.version, mine.isModified], [{ text: 'Dinner at 8' }, 1, true]);
      assert.deepEqual(modified(a.rec), [mine], 'alice heard of the change (as Tencent’s conflict tells it)');

      // The change she missed is not news again when her device is back.
      gate.open();
      await waitFor(
        () => a.rec.of(EVENT.NET_STATE_CHANGE).at(-1)?.data.state === 'connected',
        10_000,
        'alice back',
      );
      await waitFor(() => a.entry(`C2C${bob}`)?.lastMessage.messageForShow === 'Dinner at 8', 5_000, "alice's list");
      await settle(500);
      assert.equal(modified(a.rec).length, 1, 'once');

      // Changed again on the latest version, it goes through.
      mine.payload.text = 'Dinner at 8:30';
      await a.chat.modifyMessage(mine);
      assert.equal(mine.version, 2);
      await waitFor(() => theirs.version === 2, 5_000, "bob's object follows");
      assert.deepEqual(theirs.payload, { text: 'Dinner at 8:30' });
    } finally {
      await closeAll(a.chat, b.chat);
    }
  });

  test('a recalled message is refused (2480): by the server, and before any request once known', async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const gate = gatedSocket();
    const spy = spyFetch();
    const a = await device(alice, 0);
    const b = await device(bob, 0, { WebSocket: gate.WebSocket, fetch: spy.fetch });
    try {
      const sent = await sendText(a.chat, bob, 'soon gone');
      await waitFor(() => b.rec.received().length === 1, 5_000, 'bob got it');
      const held = b.rec.received()[0]!;
      gate.cut();
      await offline(b);
      await a.chat.revokeMessage(sent);

      // bob's device has not heard of the recall: the server refuses, and he hears of it now.
      held.payload.text = 'changed';
      await assert.rejects(
        b.chat.modifyMessage(held),
        refusedWith(ErrorCode.MSG_MODIFY_CONFLICT, { error: 'conflict', message: /recalled/ }),
      );
      assert.deepEqual([held.isRevoked, held.revoker, held.payload], [true, alice, {}]);
      assert.equal(b.rec.of(EVENT.MESSAGE_REVOKED).length, 1);
      assert.equal(b.rec.of(EVENT.MESSAGE_REVOKED)[0]!.data[0], held);

      // Known recalled: refused the same way, without asking the server.
      const requests = spy.calls.length;
      let failure: unknown;
      await b.chat.modifyMessage(held).catch((err: unknown) => (failure = err));
      assert.ok(failure instanceof NatterError);
      assert.equal(failure.code, ErrorCode.MSG_MODIFY_CONFLICT);
      assert.equal((failure.data as { message: Message }).message, held);
      assert.equal(spy.calls.length, requests, 'no request');
      await assert.rejects(a.chat.modifyMessage(sent), refusedWith(ErrorCode.MSG_MODIFY_CONFLICT));

      gate.open();
      await waitFor(() => b.rec.of(EVENT.NET_STATE_CHANGE).at(-1)?.data.state === 'connected', 10_000, 'bob back');
      await settle(500);
      assert.equal(b.rec.of(EVENT.MESSAGE_REVOKED).length, 1, 'the recall told once');
      assert.equal(modified(b.rec).length, 0);
    } finally {
      await closeAll(a.chat, b.chat);
    }
  });

  test('changes missed while offline arrive after the reconnect: MESSAGE_MODIFIED once, messages as they now are', async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const gate = gatedSocket();
    const a = await device(alice, 0);
    const b = await device(bob, 0, { WebSocket: gate.WebSocket });
    const c2c = `C2C${alice}`;
    try {
      const m1 = await sendText(a.chat, bob, 'first');
      const m2 = await sendText(a.chat, bob, 'second');
      await waitFor(() => b.rec.received().length === 2, 5_000, 'bob got both');
      const [held1, held2] = b.rec.received();
      const since = (await b.chat.getConversationSync(0)).data.version;
      gate.cut();
      await offline(b);

      m1.payload.text = 'first, edited';
      await a.chat.modifyMessage(m1);
      m1.cloudCustomData = 'and again';
      await a.chat.modifyMessage(m1);
      // One that arrives and changes while bob is away comes as it now is, as a new message.
      const m3 = await sendText(a.chat, bob, 'third');
      m3.payload.text = 'third, edited';
      await a.chat.modifyMessage(m3);

      gate.open();
      await waitFor(() => modified(b.rec).length === 1, 10_000, 'MESSAGE_MODIFIED after the reconnect');
      assert.equal(modified(b.rec)[0], held1, 'the object bob holds');
      assert.deepEqual(
        [held1!.payload, held1!.cloudCustomData, held1!.version, held1!.isModified],
        [{ text: 'first, edited' }, 'and again', 2, true],
      );
      assert.deepEqual([held2!.version, held2!.payload], [0, { text: 'second' }], 'the others untouched');
      await waitFor(() => b.rec.received().length === 3, 5_000, 'the third message');
      const third = b.rec.received()[2]!;
      assert.deepEqual(
        [third.sequence, third.payload, third.isModified, third.version],
        [m3.sequence, { text: 'third, edited' }, true, 1],
      );
      await waitFor(() => b.entry(c2c)?.lastMessage.messageForShow === 'third, edited', 5_000, "bob's list");
      await settle(500);
      assert.equal(modified(b.rec).length, 1, 'each change told once; the new message is no change');

      // The sync reports them, each with the message as it now is (by the server's IDs, which
      // bob's instance knows them by).
      const changes = (await b.chat.getConversationSync(since)).data.messageChangeList;
      const byID = new Map(changes.filter((c) => c.change === 'modified').map((c) => [c.messageID, c]));
      assert.deepEqual(byID.get(held1!.ID)?.message?.payload, { text: 'first, edited' });
      assert.equal(byID.get(held1!.ID)?.message?.version, 2);
      assert.equal(byID.get(third.ID)?.message?.isModified, true);
      assert.equal(byID.get(held1!.ID)?.conversationID, c2c);

      // A new login reads them changed.
      const fresh = newChat(server, { ws: true });
      await loginReady(fresh, bob, await server.createUser(bob, 2));
      const page = (await fresh.getMessageList({ conversationID: c2c })).data.messageList;
      assert.deepEqual(
        page.map((m) => [m.payload.text, m.version, m.isModified]),
        [['first, edited', 2, true], ['second', 0, false], ['third, edited', 1, true]],
      );
      // And changes them on the version it read.
      const second = page[1]!;
      second.payload.text = 'second, edited';
      await fresh.modifyMessage(second);
      assert.equal(second.version, 1);
      await waitFor(() => held2!.version === 1, 5_000, "bob's other device follows");
      await closeAll(fresh);
    } finally {
      await closeAll(a.chat, b.chat);
    }
  });

  test("a group text's mentions are the changed message's: sent with it, every member's copy takes them", async () => {
    const uid = { alice: uniqueUid('alice'), bob: uniqueUid('bob'), carol: uniqueUid('carol') };
    const spy = spyFetch();
    const a = await device(uid.alice, 0, { fetch: spy.fetch });
    const b = await device(uid.bob, 0);
    const c = await device(uid.carol, 0);
    const groupID = uniqueUid('team');
    await server.createGroup(groupID, Object.values(uid));
    const id = `GROUP${groupID}`;
    try {
      const message = a.chat.createTextAtMessage({
        to: groupID,
        conversationType: TYPES.CONV_GROUP,
        payload: { text: '@bob lunch?', atUserList: [uid.bob] },
      });
      await a.chat.sendMessage(message);
      await waitFor(() => c.rec.received().length === 1 && b.rec.received().length === 1, 5_000, 'delivered');
      await waitFor(() => b.entry(id)?.groupAtInfoList.length === 1, 5_000, "bob's [@me]");

      message.payload.text = '@carol lunch?';
      message.atUserList = [uid.carol];
      await a.chat.modifyMessage(message);
      assert.deepEqual(modifyBodies(spy.calls).at(-1)!.payload, { text: '@carol lunch?', atUserList: [uid.carol] });
      for (const d of [b, c]) {
        await waitFor(() => modified(d.rec).length === 1, 5_000, 'MESSAGE_MODIFIED');
        const [m] = modified(d.rec);
        assert.deepEqual([m!.payload, m!.atUserList], [{ text: '@carol lunch?' }, [uid.carol]]);
      }
      // The server's mentions follow the new payload.
      await waitFor(() => c.entry(id)?.groupAtInfoList.length === 1, 5_000, "carol's [@me]");
      await waitFor(() => b.entry(id)?.groupAtInfoList.length === 0, 5_000, "bob's [@me] gone");
    } finally {
      await closeAll(a.chat, b.chat, c.chat);
    }
  });

  test('refused before any request: a message not sent, a system notice, no session; 20026 for none', async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const spy = spyFetch();
    const chat = newChat(server, { ws: true, fetch: spy.fetch });
    await server.createUser(bob);
    try {
      const unsent = chat.createTextMessage({ to: bob, conversationType: TYPES.CONV_C2C, payload: { text: 'draft' } });
      await assert.rejects(chat.modifyMessage(unsent), refusedWith(ErrorCode.INVALID_ARGUMENT));
      await assert.rejects(chat.modifyMessage(null as never), refusedWith(ErrorCode.INVALID_ARGUMENT));
      await loginReady(chat, alice, await server.createUser(alice));
      const sent = await sendText(chat, bob, 'hi');
      const notice: Message = { ...sent, conversationID: TYPES.CONV_SYSTEM, conversationType: TYPES.CONV_SYSTEM };
      const requests = spy.calls.length;
      await assert.rejects(chat.modifyMessage(unsent), (err) => {
        refusedWith(ErrorCode.INVALID_ARGUMENT)(err);
        assert.equal(((err as NatterError).data as { message: Message }).message, unsent, 'data.message, as Tencent’s');
        return true;
      });
      await assert.rejects(chat.modifyMessage(notice), refusedWith(ErrorCode.INVALID_ARGUMENT));
      await assert.rejects(
        chat.modifyMessage({ ...sent, cloudCustomData: 7 as never }),
        refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /cloudCustomData/ }),
      );
      assert.equal(spy.calls.length, requests, 'no request');
      const loggedOut = newChat(server, { ws: true, fetch: spy.fetch });
      await assert.rejects(loggedOut.modifyMessage(sent), refusedWith(ErrorCode.UNAUTHENTICATED));
      assert.equal(spy.calls.length, requests, 'no request');

      // A message that is not there: Tencent's 20026 (the server's 40401), with the message given.
      const ghost: Message = { ...sent, ID: '999999999999' };
      await assert.rejects(chat.modifyMessage(ghost), (err) => {
        refusedWith(ErrorCode.MSG_NOT_FOUND, { error: 'not_found' })(err);
        assert.equal((err as NatterError).code, 20026);
        assert.equal((err as NatterError).status, 404);
        assert.equal(((err as NatterError).data as { message: Message }).message, ghost);
        return true;
      });
      // A text the type cannot take: the server's 40001, nothing changed (as another login reads
      // it; this instance lists its own send as the object the app edited, as Tencent's).
      sent.payload = {};
      await assert.rejects(chat.modifyMessage(sent), refusedWith(ErrorCode.INVALID_ARGUMENT));
      const elsewhere = newChat(server);
      await loginReady(elsewhere, alice, await server.createUser(alice, 2));
      const [stored] = (await elsewhere.getMessageList({ conversationID: `C2C${bob}` })).data.messageList;
      assert.deepEqual(stored?.payload, { text: 'hi' });
      await closeAll(elsewhere);
    } finally {
      await closeAll(chat);
    }
  });

  test("TUIKit's reply bookkeeping: two members at once, retried on 2480 only, both recorded", async () => {
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const a = await device(alice, 0);
    const b = await device(bob, 0);
    try {
      const root = await sendText(a.chat, bob, 'root');
      await waitFor(() => b.rec.received().length === 1, 5_000, 'bob got it');
      const held = b.rec.received()[0]!;
      // As TUIKit's replyMessage: add to cloudCustomData.messageReplies, modifyMessage, and retry
      // after a pause only when the code is 2480 (data.message, the same object, is the latest).
      const addReply = async (chat: TencentCloudChat, message: Message, sender: string) => {
        for (let attempt = 0; ; attempt += 1) {
          const ccd = message.cloudCustomData ? JSON.parse(message.cloudCustomData) : {};
          const replies = [...(ccd.messageReplies?.replies ?? []), { messageSender: sender }];
          message.cloudCustomData = JSON.stringify({ messageReplies: { replies, version: 1 } });
          try {
            return await chat.modifyMessage(message);
          } catch (err) {
            if ((err as NatterError).code !== 2480 || attempt >= 3) throw err;
            assert.equal(((err as NatterError).data as { message: Message }).message, message);
            await settle(100);
          }
        }
      };
      await Promise.all([addReply(a.chat, root, alice), addReply(b.chat, held, bob)]);
      const stored = await listed(a.chat, `C2C${bob}`, root.ID);
      const senders = JSON.parse(stored!.cloudCustomData).messageReplies.replies.map((r: { messageSender: string }) => r.messageSender);
      assert.deepEqual([...senders].sort(), [alice, bob].sort());
      assert.equal(stored!.version, 2);
    } finally {
      await closeAll(a.chat, b.chat);
    }
  });
});
