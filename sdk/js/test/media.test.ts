/**
 * Media messages as Tencent's: createImageMessage, createFileMessage, createAudioMessage and
 * createVideoMessage with Tencent's documented sample code, the upload before the send
 * (`POST /v1/files`), the payloads the peer receives and whose URLs serve the bytes, Tencent's
 * error codes for files refused before any upload, onProgress, and a resend after a failed upload.
 * Against a real natter server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { ErrorCode, NatterError, TYPES, type Message } from '@natter/sdk';
import { destroyAllChats, liveDevice, liveUsers, loginReady, newChat } from '../testing/chat.js';
import { spyFetch, startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';

const MiB = 1024 * 1024;

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

/** A valid `width`×`height` RGB PNG, made here so the test needs no fixture file. */
function png(width: number, height: number): Uint8Array<ArrayBuffer> {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, no filter, no interlace
  const rows = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rows.set([x * 80, y * 120, 200], y * (1 + width * 3) + 1 + x * 3);
  }
  return Uint8Array.from(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(rows)),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

/** The bytes a URL serves, fetched without any token, as another client would. */
async function download(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  assert.equal(res.status, 200, `GET ${url}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** For `assert.rejects`: a NatterError of Tencent's `code`, the message failed and carried. */
function failedWith(code: number, message: Message, error?: string) {
  return (err: unknown) => {
    assert.ok(err instanceof NatterError, String(err));
    assert.equal(err.code, code, err.message);
    if (error) assert.equal(err.error, error);
    assert.equal(err.data?.message, message, "data.message is the message, as Tencent's");
    assert.equal(message.status, 'fail');
    return true;
  };
}

const uploads = (calls: { url: string }[]) => calls.filter((c) => new URL(c.url).pathname === '/v1/files');

describe('image messages', () => {
  test("Tencent's sample: the image is uploaded, sent, and received with URLs serving its bytes", async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      const bytes = png(3, 2);
      const progress: number[] = [];
      // Tencent's documented sample, a File in place of the <input type=file> (Node has no DOM).
      let message = alice.chat.createImageMessage({
        to: uid.bob,
        conversationType: TYPES.CONV_C2C,
        payload: { file: new File([bytes], 'dot.png', { type: 'image/png' }) },
        onProgress: function (event: number) {
          progress.push(event);
        },
      });
      assert.equal(message.type, 'TIMImageElem');
      assert.equal(message.status, 'unSend');
      const payload = message.payload;
      // Before the upload: the local file (no object URL outside a browser), Tencent's shape.
      assert.match(payload.uuid, /^[0-9a-f]{32}$/);
      assert.equal(payload.imageFormat, 3, 'PNG');
      assert.deepEqual(
        payload.imageInfoArray.map((i: any) => [i.type, i.sizeType, i.size, i.url, i.imageUrl]),
        [
          [0, 1, bytes.length, '', ''],
          [1, 2, bytes.length, '', ''],
          [2, 3, bytes.length, '', ''],
        ],
      );

      const promise = alice.chat.sendMessage(message);
      const res = await promise;
      assert.equal(res.code, 0);
      assert.equal(res.data.message, message);
      assert.equal(message.status, 'success');
      assert.equal(message.payload, payload, 'the payload is updated in place');
      assert.equal(progress[0], 0, 'onProgress(0) as the upload starts');
      assert.equal(progress.at(-1), 1, 'onProgress reaches 1');
      assert.ok(progress.every((p, i) => p >= 0 && p <= 1 && (i === 0 || p >= progress[i - 1]!)), String(progress));

      // After: the server's file ID, the absolute URL, the pixel size the server read.
      assert.match(payload.uuid, /^[0-9a-f]{32}$/);
      const url: string = payload.imageInfoArray[0].url;
      assert.equal(url, `${server.baseUrl}/files/${payload.uuid}/dot.png`);
      // The big picture and the thumbnail are the server's copies; an image this small is its own.
      const copies = ['', '?variant=large', '?variant=thumbnail'];
      for (const [type, info] of payload.imageInfoArray.entries()) {
        const at = `${url}${copies[type]}`;
        const size = type === 0 ? bytes.length : 0;
        assert.deepEqual(info, { type, sizeType: type + 1, size, width: 3, height: 2, url: at, imageUrl: at });
      }
      assert.deepEqual(await download(url), bytes);

      await waitFor(() => bob.rec.received().length === 1, 5_000, 'bob receives the image');
      const got = bob.rec.received()[0]!;
      assert.equal(got.type, TYPES.MSG_IMAGE);
      assert.equal(got.from, uid.alice);
      assert.deepEqual(got.payload, payload);
      assert.deepEqual(await download(got.payload.imageInfoArray[2].url), bytes);
      const [listed] = (await bob.chat.getMessageList({ conversationID: `C2C${uid.alice}` })).data.messageList;
      assert.deepEqual([listed!.type, listed!.payload], [TYPES.MSG_IMAGE, payload]);

      await waitFor(() => bob.entry(`C2C${uid.alice}`)?.lastMessage.messageForShow === '[Image]', 5_000, "bob's list");
      assert.equal(bob.entry(`C2C${uid.alice}`)!.lastMessage.type, TYPES.MSG_IMAGE);
      const { data } = await alice.chat.getConversationProfile(`C2C${uid.bob}`);
      assert.equal(data.conversation.lastMessage.messageForShow, '[Image]');
    } finally {
      await done();
    }
  });

  test("the big picture and the thumbnail are smaller copies the server makes, at Tencent's sizes", async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      const message = alice.chat.createImageMessage({
        to: uid.bob,
        conversationType: TYPES.CONV_C2C,
        payload: { file: new File([png(400, 300)], 'wide.png', { type: 'image/png' }) },
      });
      await alice.chat.sendMessage(message);
      const [original, big, thumbnail] = message.payload.imageInfoArray;
      assert.deepEqual([original.width, original.height, big.width, big.height], [400, 300, 400, 300], 'no copy is larger');
      assert.deepEqual([thumbnail.width, thumbnail.height], [264, 198], 'the shorter side 198 pixels');
      await waitFor(() => bob.rec.received().length === 1, 5_000, 'bob receives the image');
      const served = await download(bob.rec.received()[0]!.payload.imageInfoArray[2].url);
      const ihdr = Buffer.from(served.subarray(16, 24));
      assert.deepEqual([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4)], [264, 198], 'the thumbnail served is that size');
    } finally {
      await done();
    }
  });

  test('an <input type=file> (its files) and a nameless Blob are taken; no file chosen throws 2251', async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      const bytes = png(5, 4);
      const input = { files: [new File([bytes], 'Photo 1.PNG', { type: 'image/png' })] };
      const fromInput = alice.chat.createImageMessage({ to: uid.bob, conversationType: 'C2C', payload: { file: input } });
      await alice.chat.sendMessage(fromInput);
      assert.equal(fromInput.payload.imageInfoArray[0].url, `${server.baseUrl}/files/${fromInput.payload.uuid}/Photo%201.PNG`);
      assert.deepEqual([fromInput.payload.imageInfoArray[1].width, fromInput.payload.imageInfoArray[1].height], [5, 4]);

      // A pasted image: a Blob with a type and no name.
      const pasted = alice.chat.createImageMessage({
        to: uid.bob,
        conversationType: 'C2C',
        payload: { file: new Blob([bytes], { type: 'image/png' }) },
      });
      await alice.chat.sendMessage(pasted);
      assert.match(pasted.payload.imageInfoArray[0].url, /\/files\/[0-9a-f]{32}\/file\.png$/);
      await waitFor(() => bob.rec.received().length === 2, 5_000, 'both images');
      assert.deepEqual(await download(bob.rec.received()[1]!.payload.imageInfoArray[0].imageUrl), bytes);

      for (const file of [undefined, null, { files: [] }, { files: null }, 'dot.png', new Uint8Array(3)]) {
        assert.throws(
          () => alice.chat.createImageMessage({ to: uid.bob, conversationType: 'C2C', payload: { file } }),
          (err: unknown) => err instanceof NatterError && err.code === ErrorCode.MSG_I_SELECT_F_FIRST && err.code === 2251,
          String(file),
        );
      }
      assert.throws(() => alice.chat.createImageMessage({ to: uid.bob, conversationType: 'C2C', payload: undefined }), {
        code: 2251,
      });
      assert.throws(
        () =>
          alice.chat.createImageMessage({
            to: uid.bob,
            conversationType: 'C2C',
            payload: { file: new File([bytes], 'a.png') },
            onProgress: 'not a function' as never,
          }),
        { code: 40001 },
      );
      assert.throws(
        () => alice.chat.createImageMessage({ to: '', conversationType: 'C2C', payload: { file: new File([bytes], 'a.png') } }),
        { code: 40001 },
      );
    } finally {
      await done();
    }
  });

  test('refused before any upload, as Tencent: a non-image 2252, 20 MiB or more 2253, empty 2108', async () => {
    const spy = spyFetch();
    const alice = await liveDevice(server, uniqueUid('alice'), 1, undefined, { fetch: spy.fetch });
    const bob = uniqueUid('bob');
    try {
      const make = (file: Blob) => alice.chat.createImageMessage({ to: bob, conversationType: 'C2C', payload: { file } });
      const text = make(new File(['not a picture'], 'notes.txt', { type: 'text/plain' }));
      await assert.rejects(alice.chat.sendMessage(text), failedWith(ErrorCode.MSG_I_TYPES_LIMIT, text, 'invalid_argument'));
      const heic = make(new File([png(1, 1)], 'photo.heic', { type: 'image/heic' }));
      await assert.rejects(alice.chat.sendMessage(heic), failedWith(2252, heic));

      const big = make(new File([new Uint8Array(20 * MiB + 1)], 'big.png', { type: 'image/png' }));
      await assert.rejects(alice.chat.sendMessage(big), failedWith(ErrorCode.MSG_I_SIZE_LIMIT, big, 'payload_too_large'));
      assert.equal(ErrorCode.MSG_I_SIZE_LIMIT, 2253);
      // Tencent's SDK takes images under 20 MiB: exactly 20 MiB is refused too.
      const limit = make(new File([new Uint8Array(20 * MiB)], 'limit.png', { type: 'image/png' }));
      await assert.rejects(alice.chat.sendMessage(limit), failedWith(2253, limit));
      // A resend checks again, and is refused again.
      await assert.rejects(alice.chat.resendMessage(big), failedWith(2253, big));

      const empty = make(new File([], 'empty.png', { type: 'image/png' }));
      await assert.rejects(alice.chat.sendMessage(empty), failedWith(ErrorCode.MSG_F_IS_EMPTY, empty));

      assert.deepEqual(uploads(spy.calls), [], 'nothing was uploaded');
      assert.equal(spy.calls.filter((c) => c.url.endsWith('/v1/messages')).length, 0, 'nothing was sent');
    } finally {
      await alice.chat.destroy();
    }
  });
});

describe('file messages', () => {
  test('a file goes both ways: fileName, fileSize and the bytes; in a group too', async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    const group = uniqueUid('team');
    await server.createGroup(group, [uid.alice, uid.bob]);
    try {
      const bytes = new TextEncoder().encode('Quarterly numbers: 1, 2, 3 — ünïcødé\n'.repeat(100));
      const progress: number[] = [];
      const message = alice.chat.createFileMessage({
        to: uid.bob,
        conversationType: TYPES.CONV_C2C,
        payload: { file: new File([bytes], 'report Q1 (final).txt', { type: 'text/plain' }) },
        onProgress: (p: number) => progress.push(p),
      });
      assert.equal(message.type, TYPES.MSG_FILE);
      assert.deepEqual(
        { ...message.payload, uuid: '' },
        { uuid: '', fileName: 'report Q1 (final).txt', fileUrl: '', remoteFileUrl: '', fileSize: bytes.length, downloadFlag: 2 },
      );
      await alice.chat.sendMessage(message);
      assert.deepEqual([progress[0], progress.at(-1)], [0, 1]);
      const p = message.payload;
      assert.equal(p.fileUrl, `${server.baseUrl}/files/${p.uuid}/report%20Q1%20%28final%29.txt`);
      assert.equal(p.remoteFileUrl, p.fileUrl);
      assert.deepEqual([p.fileName, p.fileSize, p.downloadFlag], ['report Q1 (final).txt', bytes.length, 2]);

      const files = () => bob.rec.received().filter((m) => m.conversationID === `C2C${uid.alice}`);
      await waitFor(() => files().length === 1, 5_000, 'bob receives the file');
      const got = files()[0]!;
      assert.equal(got.type, 'TIMFileElem');
      assert.deepEqual(got.payload, p);
      assert.deepEqual(await download(got.payload.fileUrl), bytes);
      // Range requests work (players and resumed downloads use them).
      const part = await fetch(got.payload.remoteFileUrl, { headers: { range: 'bytes=0-9' } });
      assert.equal(part.status, 206);
      assert.deepEqual(new Uint8Array(await part.arrayBuffer()), bytes.slice(0, 10));
      await waitFor(() => bob.entry(`C2C${uid.alice}`)?.lastMessage.messageForShow === '[File]', 5_000, "bob's list");

      const inGroup = alice.chat.createFileMessage({
        to: group,
        conversationType: TYPES.CONV_GROUP,
        payload: { file: new Blob([new Uint8Array([1, 2, 3])]) },
      });
      await alice.chat.sendMessage(inGroup);
      assert.equal(inGroup.payload.fileName, 'file');
      await waitFor(() => bob.rec.received().some((m) => m.conversationID === `GROUP${group}`), 5_000, 'the group file');
      const groupFile = bob.rec.received().find((m) => m.conversationID === `GROUP${group}`)!;
      assert.deepEqual(await download(groupFile.payload.fileUrl), new Uint8Array([1, 2, 3]));
    } finally {
      await done();
    }
  });

  test('no file 2401 at creation; over 100 MiB 2402 and empty 2108 when sending, nothing uploaded', async () => {
    const spy = spyFetch();
    const alice = await liveDevice(server, uniqueUid('alice'), 1, undefined, { fetch: spy.fetch });
    const bob = uniqueUid('bob');
    try {
      for (const payload of [{}, { file: { files: [] } }]) {
        assert.throws(() => alice.chat.createFileMessage({ to: bob, conversationType: 'C2C', payload }), {
          code: ErrorCode.MSG_F_SELECT_F_FIRST,
        });
      }
      const huge = alice.chat.createFileMessage({
        to: bob,
        conversationType: 'C2C',
        payload: { file: new File([new Uint8Array(100 * MiB), new Uint8Array(1)], 'huge.bin') },
      });
      await assert.rejects(alice.chat.sendMessage(huge), failedWith(ErrorCode.MSG_F_SIZE_LIMIT, huge, 'payload_too_large'));
      assert.equal(ErrorCode.MSG_F_SIZE_LIMIT, 2402);
      const empty = alice.chat.createFileMessage({ to: bob, conversationType: 'C2C', payload: { file: new File([], 'e.txt') } });
      await assert.rejects(alice.chat.sendMessage(empty), failedWith(2108, empty));
      assert.deepEqual(uploads(spy.calls), []);
    } finally {
      await alice.chat.destroy();
    }
  });

  test("a file the server finds too large (its own limit) fails with the kind's size code", async () => {
    const small = await startServer({ args: ['--max-upload-bytes', '1024'] });
    const alice = uniqueUid('alice');
    const chat = newChat(small);
    try {
      await loginReady(chat, alice, await small.createUser(alice));
      const message = chat.createFileMessage({
        to: uniqueUid('bob'),
        conversationType: 'C2C',
        payload: { file: new File([new Uint8Array(1025)], 'a.bin') },
      });
      await assert.rejects(chat.sendMessage(message), (err: unknown) => {
        failedWith(ErrorCode.MSG_F_SIZE_LIMIT, message, 'payload_too_large')(err);
        assert.equal((err as NatterError).status, 413);
        assert.match((err as NatterError).message, /^createFileMessage: the upload failed: /);
        return true;
      });
      const image = chat.createImageMessage({
        to: uniqueUid('bob'),
        conversationType: 'C2C',
        payload: { file: new File([new Uint8Array(2048)], 'a.png') },
      });
      await assert.rejects(chat.sendMessage(image), failedWith(ErrorCode.MSG_I_SIZE_LIMIT, image, 'payload_too_large'));
    } finally {
      await chat.destroy();
      await small.stop();
    }
  });
});

describe('audio and video messages', () => {
  test('audio: the recording and its length; video: mp4 in a group, no snapshot', async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    const group = uniqueUid('team');
    await server.createGroup(group, [uid.alice, uid.bob]);
    try {
      const voice = new Uint8Array(4096).map((_, i) => i % 251);
      // A recorder's output: the Blob, its length in ms as `duration`.
      const recording = Object.assign(new Blob([voice], { type: 'audio/webm' }), { duration: 3_600 });
      const audio = alice.chat.createAudioMessage({ to: uid.bob, conversationType: 'C2C', payload: { file: recording } });
      assert.equal(audio.type, TYPES.MSG_AUDIO);
      assert.deepEqual({ ...audio.payload, uuid: '' }, { uuid: '', url: '', remoteAudioUrl: '', size: 4096, second: 3, downloadFlag: 2 });
      await alice.chat.sendMessage(audio);
      const a = audio.payload;
      assert.equal(a.url, `${server.baseUrl}/files/${a.uuid}/file.webm`);
      assert.deepEqual([a.remoteAudioUrl, a.size, a.second], [a.url, 4096, 3]);
      await waitFor(() => bob.rec.received().some((m) => m.type === TYPES.MSG_AUDIO), 5_000, 'bob receives the audio');
      const heard = bob.rec.received().find((m) => m.type === TYPES.MSG_AUDIO)!;
      assert.equal(heard.type, 'TIMSoundElem');
      assert.deepEqual(heard.payload, a);
      assert.deepEqual(await download(a.remoteAudioUrl), voice);
      // `payload.second` when the file says nothing; no file: Tencent's 2300.
      const told = alice.chat.createAudioMessage({
        to: uid.bob,
        conversationType: 'C2C',
        payload: { file: new File([voice], 'v.mp3', { type: 'audio/mpeg' }), second: 7 },
      });
      assert.equal(told.payload.second, 7);
      assert.throws(() => alice.chat.createAudioMessage({ to: uid.bob, conversationType: 'C2C', payload: {} }), {
        code: ErrorCode.MSG_A_UPLOAD_FAIL,
      });

      const clip = new Uint8Array(10_000).map((_, i) => (i * 7) % 256);
      const video = alice.chat.createVideoMessage({
        to: group,
        conversationType: TYPES.CONV_GROUP,
        payload: { file: new File([clip], 'clip.mp4', { type: 'video/mp4' }) },
      });
      assert.equal(video.type, TYPES.MSG_VIDEO);
      await alice.chat.sendMessage(video);
      const v = video.payload;
      const url = `${server.baseUrl}/files/${v.videoUUID}/clip.mp4`;
      assert.deepEqual(v, {
        videoUUID: v.videoUUID,
        videoUrl: url,
        remoteVideoUrl: url,
        videoSize: clip.length,
        videoSecond: 0,
        videoFormat: 'mp4',
        videoDownloadFlag: 2,
        thumbUUID: '',
        thumbFormat: '',
        thumbUrl: '',
        remoteThumbUrl: '',
        snapshotUrl: '',
        remoteSnapshotUrl: '',
        thumbWidth: 0,
        snapshotWidth: 0,
        thumbHeight: 0,
        snapshotHeight: 0,
        thumbSize: 0,
        snapshotSize: 0,
        thumbDownloadFlag: 2,
      });
      await waitFor(() => bob.rec.received().some((m) => m.type === TYPES.MSG_VIDEO), 5_000, 'bob receives the video');
      const got = bob.rec.received().find((m) => m.type === TYPES.MSG_VIDEO)!;
      assert.equal(got.conversationID, `GROUP${group}`);
      assert.deepEqual(got.payload, v);
      assert.deepEqual(await download(got.payload.videoUrl), clip);
      await waitFor(() => bob.entry(`GROUP${group}`)?.lastMessage.messageForShow === '[Video]', 5_000, "bob's list");

      // Not mp4 or QuickTime: Tencent's 2352; no file: 2108.
      const webm = alice.chat.createVideoMessage({
        to: group,
        conversationType: TYPES.CONV_GROUP,
        payload: { file: new File([clip], 'clip.webm', { type: 'video/webm' }) },
      });
      await assert.rejects(alice.chat.sendMessage(webm), failedWith(ErrorCode.MSG_V_TYPES_LIMIT, webm));
      assert.throws(() => alice.chat.createVideoMessage({ to: group, conversationType: 'GROUP', payload: {} }), {
        code: ErrorCode.MSG_F_IS_EMPTY,
      });
      const huge = alice.chat.createVideoMessage({
        to: group,
        conversationType: TYPES.CONV_GROUP,
        payload: { file: new File([new Uint8Array(100 * MiB), new Uint8Array(1)], 'huge.mp4', { type: 'video/mp4' }) },
      });
      await assert.rejects(alice.chat.sendMessage(huge), failedWith(ErrorCode.MSG_V_SIZE_LIMIT, huge));
    } finally {
      await done();
    }
  });
});

describe("a WuKongIM client's media", () => {
  test("its image, voice, video and file contents read as Tencent's payloads of those kinds", async () => {
    const { bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      const token = await server.createUser(uid.alice, 2);
      const at = 'https://cdn.example.com/m';
      // as WuKongIM's SDKs write them; the server stores them as they came
      const sent = [
        [TYPES.MSG_IMAGE, { type: 2, url: `${at}/cat.png`, width: 640, height: 480 }],
        [TYPES.MSG_AUDIO, { type: 4, url: `${at}/hi.m4a`, timeTrad: 3 }],
        [TYPES.MSG_VIDEO, { type: 5, url: `${at}/run.mp4`, cover: `${at}/run.jpg`, size: 900, second: 12, width: 320, height: 180 }],
        [TYPES.MSG_FILE, { type: 8, url: `${at}/notes.pdf`, name: 'notes.pdf', size: 1234 }],
      ] as const;
      for (const [type, payload] of sent) await server.sendAs(token, `C2C${uid.bob}`, { type, payload });
      const { messageList } = (await bob.chat.getMessageList({ conversationID: `C2C${uid.alice}` })).data;
      const [image, audio, video, file] = messageList.map((m) => m.payload);
      const original = { type: 0, sizeType: 1, size: 0, width: 640, height: 480, url: `${at}/cat.png`, imageUrl: `${at}/cat.png` };
      assert.deepEqual(image.imageInfoArray[0], original);
      assert.equal(image.imageInfoArray.length, 3);
      assert.equal(image.imageFormat, 3, 'PNG, from the name');
      assert.deepEqual(
        [audio.url, audio.remoteAudioUrl, audio.second],
        [`${at}/hi.m4a`, `${at}/hi.m4a`, 3],
      );
      assert.deepEqual(
        [video.videoUrl, video.videoSize, video.videoSecond, video.videoFormat, video.thumbUrl, video.thumbWidth, video.thumbHeight],
        [`${at}/run.mp4`, 900, 12, 'mp4', `${at}/run.jpg`, 320, 180],
      );
      assert.deepEqual(
        [file.fileName, file.fileUrl, file.remoteFileUrl, file.fileSize],
        ['notes.pdf', `${at}/notes.pdf`, `${at}/notes.pdf`, 1234],
      );
    } finally {
      await done();
    }
  });
});

describe('uploads', () => {
  test('a failed upload fails the send (2400, the cause kept); resendMessage uploads again', async () => {
    let failNext = true;
    const calls: string[] = [];
    const flaky = ((input: string | URL | Request, init?: RequestInit) => {
      const path = new URL(String(input)).pathname;
      calls.push(`${init?.method ?? 'GET'} ${path}`);
      if (path === '/v1/files' && failNext) {
        failNext = false;
        return Promise.reject(new TypeError('fetch failed'));
      }
      return fetch(input, init);
    }) as typeof fetch;
    const alice = await liveDevice(server, uniqueUid('alice'), 1, undefined, { fetch: flaky });
    const bob = await liveDevice(server, uniqueUid('bob'), 1);
    try {
      const bytes = png(2, 2);
      const message = alice.chat.createImageMessage({
        to: bob.chat.getLoginUser(),
        conversationType: 'C2C',
        payload: { file: new File([bytes], 'retry.png', { type: 'image/png' }) },
      });
      await assert.rejects(alice.chat.sendMessage(message), (err: unknown) => {
        failedWith(ErrorCode.MSG_F_UPLOAD_FAIL, message, 'network_error')(err);
        assert.equal((err as NatterError).code, 2400);
        return true;
      });
      assert.equal(message.payload.imageInfoArray[0].imageUrl, '', 'nothing uploaded');

      const res = await alice.chat.resendMessage(message);
      assert.equal(res.data.message.status, 'success');
      assert.equal(message.isResend, true);
      assert.deepEqual(await download(message.payload.imageInfoArray[0].imageUrl), bytes);
      assert.deepEqual(
        calls.filter((c) => c.startsWith('POST /v1/files') || c === 'POST /v1/messages'),
        ['POST /v1/files', 'POST /v1/files', 'POST /v1/messages'],
      );
      await waitFor(() => bob.rec.received().length === 1, 5_000, 'bob receives it once');
      assert.deepEqual(bob.rec.received()[0]!.payload, message.payload);
    } finally {
      await alice.chat.destroy();
      await bob.chat.destroy();
    }
  });

  test('a send that failed after the upload does not upload again; two sends at once upload once', async () => {
    let failSend = true;
    const calls: string[] = [];
    const flaky = ((input: string | URL | Request, init?: RequestInit) => {
      const path = new URL(String(input)).pathname;
      calls.push(`${init?.method ?? 'GET'} ${path}`);
      if (path === '/v1/messages' && failSend) {
        failSend = false;
        return Promise.reject(new TypeError('fetch failed'));
      }
      return fetch(input, init);
    }) as typeof fetch;
    const alice = await liveDevice(server, uniqueUid('alice'), 1, undefined, { fetch: flaky });
    const bob = uniqueUid('bob');
    await server.createUser(bob);
    try {
      const message = alice.chat.createFileMessage({ to: bob, conversationType: 'C2C', payload: { file: new File(['x'], 'x.txt') } });
      await assert.rejects(alice.chat.sendMessage(message), failedWith(ErrorCode.NETWORK_ERROR, message));
      assert.match(message.payload.fileUrl, /^http:\/\/127\.0\.0\.1:\d+\/files\/[0-9a-f]{32}\/x\.txt$/, 'uploaded');
      await alice.chat.resendMessage(message);
      assert.equal(message.status, 'success');
      assert.equal(calls.filter((c) => c === 'POST /v1/files').length, 1);

      const twice = alice.chat.createFileMessage({ to: bob, conversationType: 'C2C', payload: { file: new File(['y'], 'y.txt') } });
      const [first, second] = await Promise.all([alice.chat.sendMessage(twice), alice.chat.sendMessage(twice)]);
      assert.equal(first.data.message, second.data.message);
      assert.equal(calls.filter((c) => c === 'POST /v1/files').length, 2, 'one upload for both');
      const { data } = await alice.chat.getMessageList({ conversationID: `C2C${bob}` });
      assert.deepEqual(
        data.messageList.map((m) => m.payload.fileName),
        ['x.txt', 'y.txt'],
        'one message each (the client message ID)',
      );
    } finally {
      await alice.chat.destroy();
    }
  });

  test("in a browser the upload goes by XMLHttpRequest and reports its progress; the app's onProgress may throw", async () => {
    const requests: { method: string; url: string; headers: Record<string, string> }[] = [];
    /** XMLHttpRequest enough for the SDK: sends by fetch, reports half the body sent, then all of it. */
    class FakeXhr {
      upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = {
        onprogress: null,
      };
      onload: (() => void) | null = null;
      onerror: (() => void) | null = null;
      onabort: (() => void) | null = null;
      ontimeout: (() => void) | null = null;
      status = 0;
      responseText = '';
      private request = { method: '', url: '', headers: {} as Record<string, string> };
      private answered: Headers | null = null;
      open(method: string, url: string) {
        this.request = { method, url, headers: {} };
        requests.push(this.request);
      }
      setRequestHeader(name: string, value: string) {
        this.request.headers[name] = value;
      }
      getResponseHeader(name: string) {
        return this.answered?.get(name) ?? null;
      }
      send(body: Blob) {
        const { method, url, headers } = this.request;
        this.upload.onprogress?.({ lengthComputable: true, loaded: body.size / 2, total: body.size });
        this.upload.onprogress?.({ lengthComputable: true, loaded: body.size, total: body.size });
        fetch(url, { method, headers, body }).then(
          async (res) => {
            this.status = res.status;
            this.answered = res.headers;
            this.responseText = await res.text();
            this.onload?.();
          },
          () => this.onerror?.(),
        );
      }
    }
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    const globals = globalThis as { XMLHttpRequest?: unknown };
    const had = Object.getOwnPropertyDescriptor(globals, 'XMLHttpRequest');
    globals.XMLHttpRequest = FakeXhr;
    try {
      const bytes = png(4, 4);
      const progress: number[] = [];
      const message = alice.chat.createImageMessage({
        to: uid.bob,
        conversationType: 'C2C',
        payload: { file: new File([bytes], 'xhr.png', { type: 'image/png' }) },
        onProgress: (p: number) => {
          progress.push(p);
          throw new Error('a broken progress bar');
        },
      });
      await alice.chat.sendMessage(message);
      assert.deepEqual(progress, [0, 0.5, 1], 'the fraction sent, below 1; 1 once stored');
      assert.equal(requests.length, 1);
      const [request] = requests;
      assert.equal(request!.method, 'POST');
      assert.equal(request!.url, `${server.baseUrl}/v1/files?name=xhr.png`);
      assert.match(request!.headers.authorization!, /^Bearer /);
      assert.equal(request!.headers['content-type'], 'image/png');
      assert.deepEqual([message.payload.imageInfoArray[0].width, message.payload.imageInfoArray[0].height], [4, 4]);
      await waitFor(() => bob.rec.received().length === 1, 5_000, 'bob receives it');
      assert.deepEqual(await download(bob.rec.received()[0]!.payload.imageInfoArray[0].url), bytes);
    } finally {
      if (had) Object.defineProperty(globals, 'XMLHttpRequest', had);
      else delete globals.XMLHttpRequest;
      await done();
    }
  });
});
