/**
 * translateText and convertVoiceToText as Tencent's documentation calls them, against a real
 * natter server that passes them to the operator's services. Those are stood up here as a small
 * HTTP server answering LibreTranslate's `/translate` and OpenAI's `/v1/audio/transcriptions` as
 * those APIs do (the test machine reaches no model); it records what it was asked.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ErrorCode, NatterError, TYPES } from '@natter/sdk';
import { destroyAllChats, liveUsers, loginReady, newChat } from '../testing/chat.js';
import { startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';

const SPOKEN = 'See you at nine';

interface Heard {
  translations: Record<string, unknown>[];
  /** Each transcription's form: its text fields, and the audio file's name and bytes. */
  transcriptions: { fields: Record<string, string>; fileName: string; bytes: Uint8Array }[];
}

const heard: Heard = { translations: [], transcriptions: [] };

async function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** LibreTranslate's `/translate` and OpenAI's `/v1/audio/transcriptions`, as a test stands them up. */
async function languageServices(): Promise<Server> {
  const services = createServer(async (request, response) => {
    const bytes = await body(request);
    const answer = (status: number, json: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    };
    if (request.url === '/translate') {
      const asked = JSON.parse(bytes.toString()) as { q: string[]; target: string };
      heard.translations.push(asked);
      if (asked.target === 'xx') return answer(400, { error: 'xx is not supported' });
      const words: Record<string, string> = { 早上好: 'Good morning', 谢谢: 'Thank you' };
      return answer(200, { translatedText: asked.q.map((text) => words[text] ?? `[${asked.target}] ${text}`) });
    }
    if (request.url === '/v1/audio/transcriptions') {
      // The multipart form read as fetch reads one.
      const form = await new Response(new Uint8Array(bytes), { headers: { 'content-type': request.headers['content-type']! } }).formData();
      const file = form.get('file') as File;
      const fields: Record<string, string> = {};
      for (const [name, value] of form.entries()) if (typeof value === 'string') fields[name] = value;
      const audio = new Uint8Array(await file.arrayBuffer());
      heard.transcriptions.push({ fields, fileName: file.name, bytes: audio });
      if (new TextDecoder().decode(audio.slice(0, 3)) !== 'ID3') {
        return answer(400, { error: { message: 'Invalid file format.', type: 'invalid_request_error' } });
      }
      return answer(200, { text: SPOKEN });
    }
    answer(404, { error: 'no such route' });
  });
  await new Promise<void>((resolve) => services.listen(0, '127.0.0.1', resolve));
  return services;
}

let services: Server;
let server: TestServer;
let bare: TestServer;
before(async () => {
  services = await languageServices();
  const at = `http://127.0.0.1:${(services.address() as AddressInfo).port}`;
  server = await startServer({
    args: ['--translation-url', `${at}/translate`, '--speech-to-text-url', `${at}/v1/audio/transcriptions`],
  });
  bare = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
  await bare?.stop();
  services?.close();
});

describe('translateText', () => {
  test("Tencent's sample: the texts translated in order", async () => {
    const uid = uniqueUid('alice');
    const chat = newChat(server);
    await loginReady(chat, uid, await server.createUser(uid));
    // As Tencent's documentation calls it.
    const imResponse = await chat.translateText({
      sourceTextList: ['早上好', '谢谢'],
      sourceLanguage: 'zh',
      targetLanguage: 'en',
    });
    assert.equal(imResponse.code, 0);
    assert.deepEqual(imResponse.data.translatedTextList, ['Good morning', 'Thank you']);
    assert.deepEqual(heard.translations.at(-1), {
      q: ['早上好', '谢谢'],
      source: 'zh',
      target: 'en',
      format: 'text',
    });
    // No source language: the service detects it.
    const detected = await chat.translateText({ sourceTextList: ['hola'], sourceLanguage: '', targetLanguage: 'fr' });
    assert.deepEqual(detected.data.translatedTextList, ['[fr] hola']);
    assert.equal(heard.translations.at(-1)!.source, 'auto');
  });

  test('bad options and refusals reject with the reason', async () => {
    const uid = uniqueUid('alice');
    const chat = newChat(server);
    await loginReady(chat, uid, await server.createUser(uid));
    const asked = heard.translations.length;
    await assert.rejects(chat.translateText({ sourceTextList: 'hi' as never, targetLanguage: 'en' }), {
      code: ErrorCode.INVALID_ARGUMENT,
      message: /sourceTextList/,
    });
    await assert.rejects(chat.translateText({ sourceTextList: ['hi'], targetLanguage: '' }), {
      code: ErrorCode.INVALID_ARGUMENT,
      message: /targetLanguage/,
    });
    await assert.rejects(chat.translateText({ sourceTextList: [], targetLanguage: 'en' }), {
      code: ErrorCode.INVALID_ARGUMENT,
      status: 400,
      message: /sourceTextList/,
    });
    assert.equal(heard.translations.length, asked, 'none of those reached the service');
    await assert.rejects(chat.translateText({ sourceTextList: ['hi'], targetLanguage: 'xx' }), {
      code: ErrorCode.INVALID_ARGUMENT,
      message: /xx is not supported/,
    });
  });

  test('a server without a translation service rejects with NOT_CONFIGURED', async () => {
    const uid = uniqueUid('alice');
    const chat = newChat(bare);
    await loginReady(chat, uid, await bare.createUser(uid));
    await assert.rejects(chat.translateText({ sourceTextList: ['hi'], targetLanguage: 'en' }), (err) => {
      assert.ok(err instanceof NatterError);
      assert.deepEqual([err.code, err.error, err.status], [ErrorCode.NOT_CONFIGURED, 'not_configured', 501]);
      assert.equal(ErrorCode.NOT_CONFIGURED, 50101);
      return true;
    });
  });
});

describe('convertVoiceToText', () => {
  test("Tencent's sample: a received sound message written out", async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      const voice = new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 1, 2, 3, 4]);
      const audio = alice.chat.createAudioMessage({
        to: uid.bob,
        conversationType: TYPES.CONV_C2C,
        payload: { file: new File([voice], 'note.mp3', { type: 'audio/mpeg' }) },
      });
      await alice.chat.sendMessage(audio);
      await waitFor(() => bob.rec.received().some((m) => m.type === TYPES.MSG_AUDIO), 5_000, 'bob receives the audio');
      const message = bob.rec.received().find((m) => m.type === TYPES.MSG_AUDIO)!;
      // As Tencent's documentation calls it.
      const imResponse = await bob.chat.convertVoiceToText({ message, language: 'en-US' });
      assert.equal(imResponse.code, 0);
      assert.equal(imResponse.data.result, SPOKEN);
      const asked = heard.transcriptions.at(-1)!;
      assert.equal(asked.fileName, 'note.mp3');
      assert.deepEqual(asked.bytes, voice);
      assert.deepEqual(asked.fields, { model: 'whisper-1', response_format: 'json', language: 'en' });
      // The sender's own message, Tencent's other names, and none (the service detects it).
      for (const [language, code] of [
        ['zh (cmn-Hans-CN)', 'zh'],
        ['yue-Hant-HK', 'yue'],
        ['ja-JP', 'ja'],
        [undefined, undefined],
      ] as const) {
        const again = await alice.chat.convertVoiceToText({ message: audio, language });
        assert.equal(again.data.result, SPOKEN);
        assert.equal(heard.transcriptions.at(-1)!.fields.language, code);
      }
    } finally {
      done();
    }
  });

  test("failures reject with Tencent's numbers", async () => {
    const { alice, bob, uid, done } = await liveUsers(server, 'alice', 'bob');
    try {
      const text = await alice.chat.sendMessage(
        alice.chat.createTextMessage({ to: uid.bob, conversationType: TYPES.CONV_C2C, payload: { text: 'hi' } }),
      );
      await assert.rejects(alice.chat.convertVoiceToText({ message: text.data.message }), {
        code: ErrorCode.INVALID_ARGUMENT,
        message: /sound message/,
      });
      // Audio the service cannot decode: 2119, the service's reason kept.
      const noise = alice.chat.createAudioMessage({
        to: uid.bob,
        conversationType: TYPES.CONV_C2C,
        payload: { file: new File([new Uint8Array([1, 2, 3])], 'noise.ogg', { type: 'audio/ogg' }) },
      });
      await alice.chat.sendMessage(noise);
      await assert.rejects(alice.chat.convertVoiceToText({ message: noise }), (err) => {
        assert.ok(err instanceof NatterError);
        assert.deepEqual([err.code, err.error, err.status], [ErrorCode.UNSUPPORTED_VOICE_FORMAT, 'invalid_argument', 400]);
        assert.match(err.message, /Invalid file format/);
        return true;
      });
      // A file on no server of ours: 2119 too. A server without the service: 2118.
      const elsewhere = { ...noise, payload: { ...noise.payload, url: 'https://cdn.example.com/a.mp3', remoteAudioUrl: 'https://cdn.example.com/a.mp3' } };
      await assert.rejects(alice.chat.convertVoiceToText({ message: elsewhere }), {
        code: ErrorCode.UNSUPPORTED_VOICE_FORMAT,
        message: /url/,
      });
      const carol = uniqueUid('carol');
      const chat = newChat(bare);
      await loginReady(chat, carol, await bare.createUser(carol));
      await assert.rejects(chat.convertVoiceToText({ message: noise }), (err) => {
        assert.ok(err instanceof NatterError);
        assert.deepEqual([err.code, err.error, err.status], [ErrorCode.VOICE_TO_TEXT_FAIL, 'not_configured', 501]);
        return true;
      });
    } finally {
      done();
    }
  });
});
