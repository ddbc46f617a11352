/**
 * Forwarding as Tencent's: createForwardMessage (one message to another conversation) and chat
 * records (createMergerMessage, downloadMergerMessage) with Tencent's documented sample code, the
 * payloads the receivers get, a large record stored on the server and fetched when opened,
 * nesting and Tencent's 100-layer limit, and Tencent's error codes for what it refuses. Against
 * a real natter server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import TencentCloudChat, { ErrorCode, NatterError, TYPES, type ChatSDK, type MergerPayload, type Message } from '@natter/sdk';
import { destroyAllChats, liveDevice, liveUsers, refusedWith, sendText } from '../testing/chat.js';
import { spyFetch, startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

/** A 1×1 PNG (any valid image does: the server reads its size). */
const PNG = Uint8Array.from(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  ),
);

/** The message `rec` received last whose type is `type`, once it came. */
async function receivedOf(rec: { received(): Message[] }, type: string, what: string): Promise<Message> {
  await waitFor(() => rec.received().some((m) => m.type === type), 5_000, what);
  return rec.received().filter((m) => m.type === type).at(-1)!;
}

/** Sends `message` and resolves it sent. */
async function send(chat: ChatSDK, message: Message): Promise<Message> {
  return (await chat.sendMessage(message)).data.message;
}

const uploads = (calls: { url: string }[]) => calls.filter((c) => new URL(c.url).pathname === '/v1/files');

describe('createForwardMessage', () => {
  test("Tencent's sample: a text and an image reach a third user with the same type and payload", async () => {
    const spy = spyFetch();
    const aliceID = uniqueUid('alice');
    const alice = await liveDevice(server, aliceID, 1, undefined, { fetch: spy.fetch });
    const { bob, carol, uid, done } = await liveUsers(server, 'bob', 'carol');
    try {
      await server.setProfile(uid.bob, { nick: 'Bob', avatar: 'https://example.com/bob.png' });
      const text = bob.chat.createTextMessage({
        to: aliceID,
        conversationType: TYPES.CONV_C2C,
        payload: { text: 'see you at 8' },
        cloudCustomData: '{"messageReply":{"messageID":"x"}}',
      });
      await send(bob.chat, text);
      const image = bob.chat.createImageMessage({
        to: aliceID,
        conversationType: TYPES.CONV_C2C,
        payload: { file: new File([PNG], 'dot.png', { type: 'image/png' }) },
      });
      await send(bob.chat, image);
      const gotText = await receivedOf(alice.rec, TYPES.MSG_TEXT, 'the text at alice');
      const gotImage = await receivedOf(alice.rec, TYPES.MSG_IMAGE, 'the image at alice');
      const before = uploads(spy.calls).length;

      // Tencent's documented sample, as is.
      const forwards: Message[] = [];
      for (const message of [gotText, gotImage]) {
        const forwardMessage = alice.chat.createForwardMessage({
          to: uid.carol,
          conversationType: TYPES.CONV_C2C,
          payload: message, // a message object the app got from the SDK
        });
        assert.equal(forwardMessage.type, message.type);
        assert.deepEqual(forwardMessage.payload, message.payload);
        assert.notEqual(forwardMessage.payload, message.payload, 'a copy: changing one leaves the other');
        assert.deepEqual(
          [forwardMessage.conversationID, forwardMessage.from, forwardMessage.flow, forwardMessage.status],
          [`C2C${uid.carol}`, aliceID, 'out', 'unSend'],
        );
        assert.notEqual(forwardMessage.ID, message.ID);
        const res = await alice.chat.sendMessage(forwardMessage);
        assert.equal(res.data.message, forwardMessage);
        assert.equal(forwardMessage.status, 'success');
        forwards.push(forwardMessage);
      }
      assert.equal(uploads(spy.calls).length, before, 'the image is not uploaded again: its URLs go along');
      assert.equal(forwards[0]!.cloudCustomData, text.cloudCustomData, "the message's cloudCustomData goes along, as Tencent's");

      await waitFor(() => carol.rec.received().length === 2, 5_000, 'both forwards at carol');
      const [t, i] = carol.rec.received();
      assert.deepEqual([t!.type, t!.payload, t!.from, t!.cloudCustomData], [TYPES.MSG_TEXT, gotText.payload, aliceID, text.cloudCustomData]);
      assert.deepEqual([i!.type, i!.payload, i!.from], [TYPES.MSG_IMAGE, gotImage.payload, aliceID]);
      const served = await fetch(i!.payload.imageInfoArray[0].imageUrl);
      assert.deepEqual(new Uint8Array(await served.arrayBuffer()), PNG, "the URL serves bob's file");

      // The options' cloudCustomData wins; a group is a destination like any other.
      const groupID = uniqueUid('g');
      await server.createGroup(groupID, [aliceID, uid.carol]);
      const toGroup = alice.chat.createForwardMessage({
        to: groupID,
        conversationType: TYPES.CONV_GROUP,
        payload: gotText,
        cloudCustomData: 'mine',
      });
      await send(alice.chat, toGroup);
      await waitFor(() => carol.rec.received().length === 3, 5_000, 'the forward in the group');
      const inGroup = carol.rec.received()[2]!;
      assert.deepEqual(
        [inGroup.conversationID, inGroup.type, inGroup.payload, inGroup.cloudCustomData, inGroup.atUserList],
        [`GROUP${groupID}`, TYPES.MSG_TEXT, { text: 'see you at 8' }, 'mine', []],
      );
    } finally {
      await done();
      await alice.chat.destroy();
    }
  });
});

describe('createMergerMessage', () => {
  test("Tencent's sample: a record of a text, a custom and an image message reaches bob, who reads them", async () => {
    const { alice, bob, carol, uid, done } = await liveUsers(server, 'alice', 'bob', 'carol');
    try {
      await server.setProfile(uid.alice, { nick: 'Annie', avatar: 'https://example.com/a.png' });
      await server.setProfile(uid.carol, { nick: 'Carol' });
      const message1 = await sendText(alice.chat, uid.carol, '666');
      const custom = carol.chat.createCustomMessage({
        to: uid.alice,
        conversationType: TYPES.CONV_C2C,
        payload: { data: 'dice', description: '6', extension: '' },
      });
      await send(carol.chat, custom);
      const message2 = await receivedOf(alice.rec, TYPES.MSG_CUSTOM, 'the custom message at alice');
      const message3 = await send(
        alice.chat,
        alice.chat.createImageMessage({
          to: uid.carol,
          conversationType: TYPES.CONV_C2C,
          payload: { file: new File([PNG], 'dot.png', { type: 'image/png' }) },
        }),
      );

      // Tencent's documented sample, as is.
      let mergerMessage = alice.chat.createMergerMessage({
        to: uid.bob,
        conversationType: TencentCloudChat.TYPES.CONV_C2C,
        payload: {
          messageList: [message1, message2, message3],
          title: 'Chat records of Annie and Carol',
          abstractList: ['allen: 666', 'iris: [Image]', 'linda: [File]'],
          compatibleText: 'Please upgrade your IMSDK to v5.2.0 or later to view the message',
        },
      });
      assert.equal(mergerMessage.type, TYPES.MSG_MERGER);
      const payload = mergerMessage.payload as MergerPayload;
      assert.deepEqual(
        { ...payload, messageList: payload.messageList.length },
        {
          downloadKey: '',
          pbDownloadKey: '',
          messageList: 3,
          title: 'Chat records of Annie and Carol',
          abstractList: ['allen: 666', 'iris: [Image]', 'linda: [File]'],
          compatibleText: 'Please upgrade your IMSDK to v5.2.0 or later to view the message',
          version: 0,
          layersOverLimit: false,
        },
      );
      // Each message as Tencent's SDK holds it in a record.
      const [e1, e2, e3] = payload.messageList;
      assert.deepEqual(e1, {
        from: uid.alice,
        messageSender: uid.alice,
        time: message1.time,
        messageSequence: message1.sequence,
        clientSequence: message1.clientSequence,
        messageRandom: message1.random,
        cloudCustomData: '',
        clientTime: message1.clientTime,
        ID: message1.ID,
        nick: 'Annie',
        avatar: 'https://example.com/a.png',
        messageBody: [{ type: TYPES.MSG_TEXT, payload: { text: '666' } }],
        receiverUserID: uid.carol,
        messageReceiver: uid.carol,
      });
      assert.deepEqual([e2!.from, e2!.nick, e2!.receiverUserID, e2!.messageBody], [
        uid.carol,
        'Carol',
        uid.alice,
        [{ type: TYPES.MSG_CUSTOM, payload: { data: 'dice', description: '6', extension: '' } }],
      ]);
      assert.deepEqual(e3!.messageBody, [{ type: TYPES.MSG_IMAGE, payload: message3.payload }]);

      const res = await alice.chat.sendMessage(mergerMessage);
      assert.equal(res.data.message, mergerMessage);
      assert.equal(mergerMessage.status, 'success');
      assert.equal(payload.messageList.length, 3, 'the sender keeps its messages');

      // bob receives it, opens it, and reads the messages as alice combined them.
      const got = await receivedOf(bob.rec, TYPES.MSG_MERGER, 'the record at bob');
      assert.deepEqual(got.payload, payload);
      const message = got;
      assert.ok(message.type === TencentCloudChat.TYPES.MSG_MERGER && message.payload.downloadKey === '', 'inline: nothing to download');
      const texts = (got.payload as MergerPayload).messageList.map((m) => [m.nick, m.messageBody[0]!.type]);
      assert.deepEqual(texts, [
        ['Annie', TYPES.MSG_TEXT],
        ['Carol', TYPES.MSG_CUSTOM],
        ['Annie', TYPES.MSG_IMAGE],
      ]);
      const image = (got.payload as MergerPayload).messageList[2]!.messageBody[0]!.payload;
      const served = await fetch(image.imageInfoArray[0].url);
      assert.deepEqual(new Uint8Array(await served.arrayBuffer()), PNG, "the image's URL serves it");
      await assert.rejects(
        bob.chat.downloadMergerMessage(got),
        refusedWith(ErrorCode.MSG_MERGER_KEY_INVALID),
        "Tencent's 2451: an inline record has nothing to download",
      );
      const history = (await bob.chat.getMessageList({ conversationID: `C2C${uid.alice}` })).data.messageList;
      assert.deepEqual(history.at(-1)!.payload, payload, 'history holds the same record');
      await waitFor(() => bob.entry(`C2C${uid.alice}`)?.lastMessage.messageForShow === '[Chat Record]', 5_000, 'lastMessage');

      // Forwarded as it is, and nested in a record of bob's: carol reads both.
      await send(bob.chat, bob.chat.createForwardMessage({ to: uid.carol, conversationType: TYPES.CONV_C2C, payload: got }));
      const nested = bob.chat.createMergerMessage({
        to: uid.carol,
        conversationType: TYPES.CONV_C2C,
        payload: { messageList: [got, await sendText(bob.chat, uid.carol, 'look')], compatibleText: 'upgrade' },
      });
      await send(bob.chat, nested);
      await waitFor(() => carol.rec.received().filter((m) => m.type === TYPES.MSG_MERGER).length === 2, 5_000, 'both at carol');
      const [forwarded, outer] = carol.rec.received().filter((m) => m.type === TYPES.MSG_MERGER);
      assert.deepEqual([forwarded!.from, forwarded!.payload], [uid.bob, payload]);
      const inner = (outer!.payload as MergerPayload).messageList[0]!;
      assert.deepEqual([inner.from, inner.messageBody[0]!.type], [uid.alice, TYPES.MSG_MERGER]);
      assert.deepEqual(inner.messageBody[0]!.payload, payload, 'the nested record, whole');
      assert.deepEqual((outer!.payload as MergerPayload).title, '', 'no title given: empty');

      // An entry of an opened record goes into a new record too, as Tencent's takes them.
      const again = carol.chat.createMergerMessage({
        to: uid.alice,
        conversationType: TYPES.CONV_C2C,
        payload: { messageList: [inner, (outer!.payload as MergerPayload).messageList[1]!], compatibleText: 'upgrade' },
      });
      assert.deepEqual((again.payload as MergerPayload).messageList, (outer!.payload as MergerPayload).messageList);
    } finally {
      await done();
    }
  });

  test('a large record is stored on the server: downloadKey, no messageList, and downloadMergerMessage fetches it', async () => {
    const aliceSpy = spyFetch();
    const bobSpy = spyFetch();
    const aliceID = uniqueUid('alice');
    const bobID = uniqueUid('bob');
    const alice = await liveDevice(server, aliceID, 1, undefined, { fetch: aliceSpy.fetch });
    const bob = await liveDevice(server, bobID, 1, undefined, { fetch: bobSpy.fetch });
    try {
      const sent: Message[] = [];
      for (let i = 0; i < 40; i++) sent.push(await sendText(alice.chat, bobID, `${i}:`.padEnd(2048, 'x')));
      const record = alice.chat.createMergerMessage({
        to: bobID,
        conversationType: TYPES.CONV_C2C,
        payload: { messageList: sent, title: 'forty', abstractList: ['a: 0'], compatibleText: 'upgrade' },
        cloudCustomData: 'cc',
      });
      const local = record.payload as MergerPayload;
      await send(alice.chat, record);
      assert.equal(uploads(aliceSpy.calls).length, 1, 'the messages were stored first');
      const stored = uploads(aliceSpy.calls)[0]!;
      assert.equal(new URL(stored.url).searchParams.get('name'), 'merger-1.json');
      assert.equal(local.messageList.length, 40, "the sender's object keeps its messages, as Tencent's");
      assert.equal(local.downloadKey, '');

      const got = await receivedOf(bob.rec, TYPES.MSG_MERGER, 'the record at bob');
      const payload = got.payload as MergerPayload;
      assert.match(payload.downloadKey, new RegExp(`^${server.baseUrl}/files/[^/]+/merger-1\\.json$`));
      assert.deepEqual(
        { ...payload, downloadKey: '' },
        { ...local, messageList: [] },
        'the same record, its messages behind the key',
      );
      assert.equal(got.cloudCustomData, 'cc');

      // Tencent's documented sample.
      const message = got;
      let opened: Message | undefined;
      if (message.type === TencentCloudChat.TYPES.MSG_MERGER && message.payload.downloadKey !== '') {
        await bob.chat.downloadMergerMessage(message).then((imResponse) => {
          opened = imResponse; // the message itself, as Tencent's SDK resolves
        });
      }
      assert.equal(opened, got);
      assert.equal(got.payload, payload, 'changed in place');
      assert.equal(payload.downloadKey, '');
      assert.deepEqual(payload.messageList, local.messageList, 'the messages alice combined');
      const fetched = bobSpy.calls.filter((c) => c.url.includes('/files/'));
      assert.equal(fetched.length, 1);
      assert.equal(fetched[0]!.headers.authorization, undefined, "the record is fetched without the user's token");
      await assert.rejects(bob.chat.downloadMergerMessage(got), refusedWith(ErrorCode.MSG_MERGER_KEY_INVALID), 'once opened');

      // TUIKit opens nested records by `{ payload, type }`; history hands out the key again.
      const history = (await bob.chat.getMessageList({ conversationID: `C2C${aliceID}` })).data.messageList;
      const again = history.at(-1)!;
      assert.notEqual(again.payload.downloadKey, '');
      const res = await bob.chat.downloadMergerMessage({ payload: again.payload, type: TYPES.MSG_MERGER });
      assert.equal(res.payload, again.payload);
      assert.equal(res.payload.messageList.length, 40);

      // Forwarding the unopened record sends the key; nothing is stored again.
      const carolID = uniqueUid('carol');
      await server.createUser(carolID);
      const unopened = (await bob.chat.getMessageList({ conversationID: `C2C${aliceID}` })).data.messageList.at(-1)!;
      const forward = bob.chat.createForwardMessage({ to: carolID, conversationType: TYPES.CONV_C2C, payload: unopened });
      assert.equal(forward.payload.downloadKey, unopened.payload.downloadKey);
      assert.deepEqual(forward.payload.messageList, []);
      await send(bob.chat, forward);
      assert.equal(uploads(bobSpy.calls).length, 0);

      // A send that fails after storing the record retries with the same one.
      const ghost = alice.chat.createMergerMessage({
        to: uniqueUid('ghost'),
        conversationType: TYPES.CONV_C2C,
        payload: { messageList: sent, compatibleText: 'upgrade' },
      });
      await assert.rejects(alice.chat.sendMessage(ghost), refusedWith(40401));
      assert.equal(ghost.status, 'fail');
      await assert.rejects(alice.chat.resendMessage(ghost), refusedWith(40401));
      assert.equal(uploads(aliceSpy.calls).length, 2, 'stored once for both tries');
    } finally {
      await alice.chat.destroy();
      await bob.chat.destroy();
    }
  });

  test("records nest up to Tencent's 100 layers; deeper, a record keeps only layersOverLimit", async () => {
    const { alice, bob, carol, uid, done } = await liveUsers(server, 'alice', 'bob', 'carol');
    try {
      const combine = (chat: ChatSDK, to: string, inner: Message, title: string) =>
        chat.createMergerMessage({
          to,
          conversationType: TYPES.CONV_C2C,
          payload: { messageList: [inner], title, abstractList: [title], compatibleText: 'upgrade' },
        });
      /** The record `layers - 1` entries down (1: the payload itself). */
      const layer = (payload: MergerPayload, layers: number): MergerPayload => {
        let p = payload;
        for (let i = 1; i < layers; i++) p = p.messageList[0]!.messageBody[0]!.payload as MergerPayload;
        return p;
      };

      // alice nests records 99 deep, sending each: records soon nest too deep to go inline.
      let record = await sendText(alice.chat, uid.bob, 'the bottom');
      for (let n = 1; n <= 99; n++) record = await send(alice.chat, combine(alice.chat, uid.bob, record, `r${n}`));
      const r99 = record.payload as MergerPayload;
      assert.equal(layer(r99, 99).title, 'r1');
      assert.deepEqual(layer(r99, 99).messageList[0]!.messageBody[0], { type: TYPES.MSG_TEXT, payload: { text: 'the bottom' } });

      // Two more on alice's side: the 101st layer is cut, as Tencent's server cuts it.
      const r100 = combine(alice.chat, uid.bob, record, 'r100');
      assert.equal(layer(r100.payload, 100).title, 'r1', '100 layers: all kept');
      r100.status = 'success'; // as if sent: only sent messages are combined
      const r101 = combine(alice.chat, uid.bob, r100, 'r101');
      const cut = layer(r101.payload, 101);
      assert.deepEqual(cut, {
        downloadKey: '',
        pbDownloadKey: '',
        messageList: [],
        title: '',
        abstractList: [],
        compatibleText: '',
        version: 0,
        layersOverLimit: true,
      });
      assert.equal(layer(r101.payload, 100).title, 'r2');
      await send(alice.chat, r101);

      // bob reads r101 (stored), down to the cut.
      await waitFor(() => bob.rec.received().filter((m) => m.type === TYPES.MSG_MERGER).length === 100, 10_000, 'all at bob');
      const got = bob.rec.received().at(-1)!;
      assert.notEqual(got.payload.downloadKey, '');
      await bob.chat.downloadMergerMessage(got);
      assert.equal(layer(got.payload, 100).title, 'r2');
      assert.equal(layer(got.payload, 101).layersOverLimit, true);
      await assert.rejects(
        bob.chat.downloadMergerMessage({ type: TYPES.MSG_MERGER, payload: layer(got.payload, 101) }),
        refusedWith(ErrorCode.MSG_MERGER_KEY_INVALID),
        'nothing to download below the limit',
      );

      // A stored record's key tells its layers: one wrapped without being opened counts whole.
      const r99AtBob = bob.rec.received().filter((m) => m.type === TYPES.MSG_MERGER)[98]!;
      assert.match(r99AtBob.payload.downloadKey, /\/merger-99\.json$/);
      const wrap = await send(bob.chat, combine(bob.chat, uid.carol, r99AtBob, 'w1'));
      assert.equal(layer(wrap.payload, 2).downloadKey, r99AtBob.payload.downloadKey, '1 + 99 layers: kept');
      const wrap2 = combine(bob.chat, uid.carol, wrap, 'w2');
      assert.equal(layer(wrap2.payload, 3).layersOverLimit, true, '2 + 99 layers: the stored record is cut whole');
      assert.equal(layer(wrap2.payload, 2).title, 'w1');
      await send(bob.chat, wrap2);
      await waitFor(() => carol.rec.received().length === 2, 5_000, 'w1 and w2 at carol');
      assert.deepEqual(carol.rec.received()[1]!.payload, wrap2.payload);
    } finally {
      await done();
    }
  });
});

describe("Tencent's refusals", () => {
  test('createForwardMessage: 2454 for what is no message or recalled, 2453 for tips and notices, 40001 unsent', async () => {
    const { alice, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      const forward = (payload: unknown, to = uid.bob) =>
        alice.chat.createForwardMessage({ to, conversationType: TYPES.CONV_C2C, payload });
      const invalid = { code: ErrorCode.MSG_FORWARD_INVALID_ELEMENTS, name: 'NatterError' };
      assert.equal(ErrorCode.MSG_FORWARD_INVALID_ELEMENTS, 2454);
      assert.equal(ErrorCode.MSG_FORWARD_TYPE_INVALID, 2453);
      assert.equal(TencentCloudChat.TYPES, TYPES);
      for (const junk of [undefined, null, {}, 'hi', { type: TYPES.MSG_TEXT, payload: { text: 'x' } }]) {
        assert.throws(() => forward(junk), invalid, JSON.stringify(junk));
      }
      const sent = await sendText(alice.chat, uid.bob, 'hello');
      for (const type of [TYPES.MSG_GRP_TIP, TYPES.MSG_GRP_SYS_NOTICE]) {
        assert.throws(() => forward({ ...sent, type }), { code: ErrorCode.MSG_FORWARD_TYPE_INVALID, error: 'invalid_argument' });
      }
      const unsent = alice.chat.createTextMessage({ to: uid.bob, conversationType: TYPES.CONV_C2C, payload: { text: 'x' } });
      assert.throws(() => forward(unsent), { code: 40001, message: /sent message/ });
      assert.throws(() => forward(sent, ''), { code: 40001 }, 'the destination is checked as for every message');
      await alice.chat.revokeMessage(sent);
      assert.throws(() => forward(sent), { ...invalid, message: /recalled/ });
    } finally {
      await done();
    }
  });

  test('createMergerMessage: 40001 for an empty messageList or compatibleText, and for messages not sent', async () => {
    const { alice, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      const sent = await sendText(alice.chat, uid.bob, 'hello');
      const merge = (payload: Record<string, unknown>) =>
        alice.chat.createMergerMessage({ to: uid.bob, conversationType: TYPES.CONV_C2C, payload });
      const ok = { messageList: [sent], title: 't', abstractList: ['a'], compatibleText: 'upgrade' };
      assert.equal(merge(ok).type, TYPES.MSG_MERGER);
      assert.throws(() => merge({ ...ok, messageList: [] }), { code: 40001, message: /messageList/ });
      assert.throws(() => merge({ ...ok, messageList: undefined }), { code: 40001, message: /messageList/ });
      assert.throws(() => merge({ ...ok, compatibleText: '' }), { code: 40001, message: /compatibleText/ });
      assert.throws(() => merge({ ...ok, title: 7 }), { code: 40001, message: /title/ });
      assert.throws(() => merge({ ...ok, abstractList: 'a' }), { code: 40001, message: /abstractList/ });
      assert.throws(() => merge({ ...ok, messageList: [sent, { text: 'x' }] }), { code: 40001, message: /messageList\[1\]/ });
      const failed = alice.chat.createTextMessage({ to: uniqueUid('ghost'), conversationType: TYPES.CONV_C2C, payload: { text: 'x' } });
      await assert.rejects(alice.chat.sendMessage(failed));
      assert.throws(() => merge({ ...ok, messageList: [sent, failed] }), { code: 40001, message: /not sent \(status "fail"\)/ });
      const unsent = alice.chat.createTextMessage({ to: uid.bob, conversationType: TYPES.CONV_C2C, payload: { text: 'x' } });
      assert.throws(() => merge({ ...ok, messageList: [unsent] }), { code: 40001, message: /unSend/ });
      await alice.chat.revokeMessage(sent);
      assert.throws(() => merge(ok), { code: 40001, message: /recalled/ });
      assert.throws(() => alice.chat.createMergerMessage(undefined as never), { code: 40001 });
    } finally {
      await done();
    }
  });

  test('downloadMergerMessage: 2450 for anything but a record, 2451 without a key, 2452 when it cannot be read', async () => {
    const { alice, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      assert.deepEqual(
        [ErrorCode.MSG_MERGER_TYPE_INVALID, ErrorCode.MSG_MERGER_KEY_INVALID, ErrorCode.MSG_MERGER_DOWNLOAD_FAIL],
        [2450, 2451, 2452],
      );
      const text = await sendText(alice.chat, uid.bob, 'hello');
      await assert.rejects(alice.chat.downloadMergerMessage(text), refusedWith(2450, { error: 'invalid_argument' }));
      await assert.rejects(alice.chat.downloadMergerMessage(undefined as never), refusedWith(2450));
      const record = (downloadKey: string) => ({
        type: TYPES.MSG_MERGER,
        payload: { downloadKey, pbDownloadKey: '', messageList: [], title: 't', abstractList: [], compatibleText: 'c' },
      });
      await assert.rejects(alice.chat.downloadMergerMessage(record('')), refusedWith(2451));
      await assert.rejects(
        alice.chat.downloadMergerMessage(record(`${server.baseUrl}/files/nope/merger-1.json`)),
        (err: unknown) => {
          refusedWith(ErrorCode.MSG_MERGER_DOWNLOAD_FAIL)(err);
          assert.equal((err as NatterError).status, 404);
          return true;
        },
      );
      await assert.rejects(alice.chat.downloadMergerMessage(record('http://127.0.0.1:1/x.json')), (err: unknown) => {
        refusedWith(ErrorCode.MSG_MERGER_DOWNLOAD_FAIL, { error: 'network_error' })(err);
        return true;
      });
      // A key to a file that is no record (here an image's URL).
      const image = await send(
        alice.chat,
        alice.chat.createImageMessage({
          to: uid.bob,
          conversationType: TYPES.CONV_C2C,
          payload: { file: new File([PNG], 'dot.png', { type: 'image/png' }) },
        }),
      );
      const notRecord = record(image.payload.imageInfoArray[0].url);
      await assert.rejects(alice.chat.downloadMergerMessage(notRecord), refusedWith(2452));
      assert.equal(notRecord.payload.downloadKey, image.payload.imageInfoArray[0].url, 'a failed download changes nothing');
    } finally {
      await done();
    }
  });
});
