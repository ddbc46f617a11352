/**
 * sendMessage's `offlinePushInfo` against a real natter server posting webhooks to the test, as
 * Tencent's SDK takes it: the push's title, description and extension travel to the app backend
 * in `msg.offline` (`offline_push_info`), Tencent's other push fields are dropped, `disablePush`
 * makes no `msg.offline`, a text too long fails the send as the server refuses it, and the checks
 * made before any request. An invitation's `offlinePushInfo` (TUICallKit rings offline callees
 * so) travels the same way.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ErrorCode, NatterError, TYPES, type SendMessageOptions } from '@natter/sdk';
import { closeAll, destroyAllChats, liveDevice, refusedWith } from '../testing/chat.js';
import { startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';

/** One `msg.offline` item, as the server posts it. */
interface OfflineItem {
  message_idstr: string;
  from_uid: string;
  to_uids: string[];
  offline_push_info?: { title?: string; description?: string; extension?: string } | null;
}

let server: TestServer;
let backend: Server;
/** Every msg.offline item the server posted to the app backend. */
const offline: OfflineItem[] = [];

before(async () => {
  backend = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (new URL(req.url!, 'http://backend').searchParams.get('event') === 'msg.offline') {
        const parsed: unknown = JSON.parse(body);
        offline.push(...((Array.isArray(parsed) ? parsed : [parsed]) as OfflineItem[]));
      }
      res.end();
    });
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  const hookUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/hook`;
  server = await startServer({ args: ['--webhook-url', hookUrl, '--webhook-events', 'msg.offline'] });
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
  backend?.close();
});

/** The msg.offline item of a message, once the server posted it. */
async function pushOf(messageID: string): Promise<OfflineItem> {
  await waitFor(() => offline.some((item) => item.message_idstr === messageID), 10_000, `msg.offline of ${messageID}`);
  return offline.find((item) => item.message_idstr === messageID)!;
}

/**
 * A fetch that keeps each `POST /v1/messages` an instance makes: the body, and the server's ID of
 * the message it stored (`''` for a refusal).
 */
function sendsRecorder() {
  const sends: { body: any; messageID: string }[] = [];
  const recording = (async (input: string | URL | Request, init?: RequestInit) => {
    const res = await fetch(input, init);
    if (init?.method === 'POST' && new URL(String(input)).pathname === '/v1/messages') {
      const reply = (await res.clone().json().catch(() => null)) as { message?: { messageID?: string } } | null;
      sends.push({ body: JSON.parse(String(init.body)), messageID: reply?.message?.messageID ?? '' });
    }
    return res;
  }) as typeof fetch;
  return { fetch: recording, sends };
}

/**
 * alice, live, keeping her sends; carol signed in on a phone and never connected (offline: the one
 * msg.offline names). `send(text, options)` sends carol a text and resolves the server's ID of it.
 */
async function sender() {
  const [alice, carol] = [uniqueUid('alice'), uniqueUid('carol')];
  await server.createUser(carol);
  const recorder = sendsRecorder();
  const device = await liveDevice(server, alice, 1, undefined, { fetch: recorder.fetch });
  const sent = () => recorder.sends.map((s) => s.body);
  const send = async (text: string, options?: SendMessageOptions): Promise<string> => {
    const message = device.chat.createTextMessage({ to: carol, conversationType: TYPES.CONV_C2C, payload: { text } });
    await device.chat.sendMessage(message, options);
    return recorder.sends.at(-1)!.messageID;
  };
  return { alice, carol, device, sent, send, lastID: () => recorder.sends.at(-1)!.messageID };
}

describe('sendMessage offlinePushInfo and the msg.offline webhook', () => {
  test("title, description and extension reach msg.offline; Tencent's other push fields are dropped", async () => {
    const s = await sender();
    try {
      const message = s.device.chat.createTextMessage({ to: s.carol, conversationType: TYPES.CONV_C2C, payload: { text: 'call me' } });
      // As a Tencent app passes it (OFFLINE_PUSH_INFO_PARAMS and its runtime's extras).
      await s.device.chat.sendMessage(message, {
        offlinePushInfo: {
          title: 'Alice',
          description: 'call me',
          extension: JSON.stringify({ entity: { action: 1 } }),
          disablePush: false,
          disableVoipPush: true,
          ignoreIOSBadge: true,
          androidOPPOChannelID: 'tim',
          androidInfo: { sound: 'ring.mp3', VIVOClassification: 1 },
          apnsInfo: { sound: 'ring.caf', badgeMode: 0 },
        },
      });
      assert.deepEqual(s.sent()[0].offlinePushInfo, {
        title: 'Alice',
        description: 'call me',
        extension: '{"entity":{"action":1}}',
      });
      const push = await pushOf(s.lastID());
      assert.deepEqual(push.to_uids, [s.carol]);
      assert.deepEqual(push.offline_push_info, { title: 'Alice', description: 'call me', extension: '{"entity":{"action":1}}' });

      // Without it (or empty), msg.offline carries no words of the sender's.
      const plain = await s.send('plain');
      const empty = await s.send('empty', { offlinePushInfo: { title: '', description: '' } });
      assert.equal(s.sent()[1].offlinePushInfo, undefined);
      assert.equal(s.sent()[2].offlinePushInfo, undefined);
      for (const messageID of [plain, empty]) {
        const item = await pushOf(messageID);
        assert.ok(item.offline_push_info === undefined || item.offline_push_info === null, messageID);
      }
    } finally {
      await closeAll(s.device.chat);
    }
  });

  test('disablePush: no msg.offline for that message (the next one has its own)', async () => {
    const s = await sender();
    try {
      const silent = await s.send('silent', { offlinePushInfo: { disablePush: true, title: 'never shown' } });
      assert.deepEqual(s.sent()[0].offlinePushInfo, { disablePush: true, title: 'never shown' });
      // The server posts in order: once the later message's push is there, the earlier made none.
      const loud = await pushOf(await s.send('loud', { offlinePushInfo: { title: 'Alice' } }));
      assert.equal(loud.offline_push_info?.title, 'Alice');
      assert.equal(offline.filter((item) => item.message_idstr === silent).length, 0, 'disablePush made no msg.offline');
    } finally {
      await closeAll(s.device.chat);
    }
  });

  test("a text too long fails the send with the server's 40001 naming it; the checks before any request", async () => {
    const s = await sender();
    try {
      const chat = s.device.chat;
      const message = chat.createTextMessage({ to: s.carol, conversationType: TYPES.CONV_C2C, payload: { text: 'long' } });
      await assert.rejects(
        chat.sendMessage(message, { offlinePushInfo: { title: 'x'.repeat(1025) } }),
        (err: unknown) => {
          refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /^offlinePushInfo\.title/ })(err);
          assert.equal((err as NatterError).data?.message, message, 'the message is the rejection\'s data, as Tencent\'s');
          return true;
        },
      );
      assert.equal(message.status, 'fail');
      await assert.rejects(
        chat.sendMessage(message, { offlinePushInfo: { extension: 'x'.repeat(8193) } }),
        refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /^offlinePushInfo\.extension/ }),
      );
      // Within the limits, the same message goes.
      await chat.sendMessage(message, { offlinePushInfo: { title: 'x'.repeat(1024), extension: 'x'.repeat(8192) } });
      assert.equal(message.status, 'success');

      const before = s.sent().length;
      for (const [info, pattern] of [
        ['push', /^offlinePushInfo: an object/],
        [['title'], /^offlinePushInfo: an object/],
        [{ title: 7 }, /^offlinePushInfo\.title: a string/],
        [{ description: {} }, /^offlinePushInfo\.description: a string/],
        [{ extension: false }, /^offlinePushInfo\.extension: a string/],
      ] as const) {
        const m = chat.createTextMessage({ to: s.carol, conversationType: TYPES.CONV_C2C, payload: { text: 'x' } });
        await assert.rejects(chat.sendMessage(m, { offlinePushInfo: info as never }), refusedWith(ErrorCode.INVALID_ARGUMENT, { message: pattern }));
      }
      assert.equal(s.sent().length, before, 'no request was made');
    } finally {
      await closeAll(s.device.chat);
    }
  });

  test("an invitation's offlinePushInfo travels the same way, as TUICallKit rings an offline callee", async () => {
    const s = await sender();
    try {
      const invited = await s.device.chat.invite({
        userID: s.carol,
        data: JSON.stringify({ businessID: 1, call_type: 2 }),
        timeout: 30,
        offlinePushInfo: { title: 'Alice', description: 'is calling you', extension: '{"call":true}' },
      });
      assert.equal(typeof invited.inviteID, 'string');
      const push = await pushOf(s.lastID());
      assert.deepEqual(push.offline_push_info, { title: 'Alice', description: 'is calling you', extension: '{"call":true}' });
      // The cancellation says so too, and one sent without words says none.
      await s.device.chat.cancel({ inviteID: invited.inviteID, offlinePushInfo: { disablePush: true } } as never);
      assert.deepEqual(s.sent().at(-1).offlinePushInfo, { disablePush: true });
    } finally {
      await closeAll(s.device.chat);
    }
  });
});
