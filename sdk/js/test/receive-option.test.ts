/**
 * The user's option for all messages against a real natter server, as Tencent's SDK has it:
 * setAllReceiveMessageOpt making today's window from a time of day and a length (by the device's
 * clock), its defaults, getAllReceiveMessageOpt, ALL_RECEIVE_MESSAGE_OPT_UPDATED on every device of
 * the user, the checks made before any request, and quiet hours keeping the user out of the
 * offline push (the `msg.offline` webhook) while messages still arrive.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import TencentCloudChat from '@tencentcloud/chat';
import { EVENT, ErrorCode, TYPES, type AllReceiveMessageOpt } from '@natter/sdk';
import { closeAll, destroyAllChats, liveDevice, newChat, refusedWith } from '../testing/chat.js';
import { spyFetch, startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';
import { receiveOptionRequest } from '../src/receive_option.js';

let server: TestServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

/** Today at this local time of day, in Unix seconds, as Tencent's SDK works it out. */
function todayAt(hour: number, minute = 0, second = 0): number {
  const now = new Date();
  return Math.round(new Date(now.getFullYear(), now.getMonth(), now.getDate(), hour, minute, second).getTime() / 1000);
}

/** A live user with a second device; the first spies on its requests (`calls`). */
async function userWithTwoDevices() {
  const uid = uniqueUid('alice');
  const spy = spyFetch();
  const phone = await liveDevice(server, uid, 1, undefined, { fetch: spy.fetch });
  const desktop = await liveDevice(server, uid, 2);
  const puts = () =>
    spy.calls.filter((c) => c.method === 'PUT' && c.url.endsWith('/v1/receive-option')).map((c) => JSON.parse(c.body!));
  return { uid, phone, desktop, calls: spy.calls, puts, done: () => closeAll(phone.chat, desktop.chat) };
}

function updates(device: Awaited<ReturnType<typeof liveDevice>>): AllReceiveMessageOpt[] {
  return device.rec.of(EVENT.ALL_RECEIVE_MESSAGE_OPT_UPDATED).map((e) => e.data);
}

describe('setAllReceiveMessageOpt, getAllReceiveMessageOpt and ALL_RECEIVE_MESSAGE_OPT_UPDATED', () => {
  test("Tencent's options: today's window from 12:00 for an hour, every day; every device of the user hears it", async () => {
    const u = await userWithTwoDevices();
    try {
      // Until the user chooses: told of everything, no window.
      assert.deepEqual(await u.phone.chat.getAllReceiveMessageOpt(), {
        code: 0,
        data: { messageRemindType: TYPES.MSG_REMIND_ACPT_AND_NOTE, startTime: 0, endTime: 0, isRepeated: false },
      });

      const option = {
        messageRemindType: TYPES.MSG_REMIND_ACPT_NOT_NOTE,
        startTime: todayAt(12),
        endTime: todayAt(12) + 3600,
        isRepeated: true,
      };
      const answer = await u.phone.chat.setAllReceiveMessageOpt({
        messageRemindType: TencentCloudChat.TYPES.MSG_REMIND_ACPT_NOT_NOTE,
        startHour: 12,
        startMinute: 0,
        startSecond: 0,
        duration: 3600,
        isRepeated: true,
      });
      assert.deepEqual(answer, { code: 0, data: option }, 'the option as the server keeps it');
      assert.deepEqual(u.puts(), [{ messageRemindType: 'AcceptNotNotify', startTime: option.startTime, endTime: option.endTime, isRepeated: true }]);

      for (const device of [u.phone, u.desktop]) {
        await waitFor(() => updates(device).length === 1, 5_000, 'ALL_RECEIVE_MESSAGE_OPT_UPDATED');
        assert.deepEqual(updates(device), [option]);
      }
      assert.deepEqual((await u.desktop.chat.getAllReceiveMessageOpt()).data, option);

      // Back to being told of everything, from the other device.
      const loud = await u.desktop.chat.setAllReceiveMessageOpt({ messageRemindType: TYPES.MSG_REMIND_ACPT_AND_NOTE, isRepeated: false });
      assert.deepEqual(loud.data, { messageRemindType: TYPES.MSG_REMIND_ACPT_AND_NOTE, startTime: todayAt(0), endTime: todayAt(0), isRepeated: false });
      await waitFor(() => updates(u.phone).length === 2, 5_000, 'the second');
      assert.deepEqual(updates(u.phone)[1], loud.data);
      await settle();
      assert.equal(updates(u.desktop).length, 2, 'each change once');
    } finally {
      await u.done();
    }
  });

  test("Tencent's defaults: not notified, today from midnight, no length, every day; a day or more that repeats is a day", async () => {
    const u = await userWithTwoDevices();
    try {
      assert.deepEqual((await u.phone.chat.setAllReceiveMessageOpt({})).data, {
        messageRemindType: TYPES.MSG_REMIND_ACPT_NOT_NOTE,
        startTime: todayAt(0),
        endTime: todayAt(0),
        isRepeated: true,
      });
      const always = (await u.phone.chat.setAllReceiveMessageOpt({ startHour: 22, startMinute: 30, duration: 3 * 86_400 })).data;
      assert.deepEqual([always.startTime, always.endTime], [todayAt(22, 30), todayAt(22, 30) + 86_400]);
      const once = (await u.phone.chat.setAllReceiveMessageOpt({ startSecond: 5, duration: 3 * 86_400, isRepeated: false })).data;
      assert.deepEqual([once.startTime, once.endTime, once.isRepeated], [todayAt(0, 0, 5), todayAt(0, 0, 5) + 3 * 86_400, false]);
    } finally {
      await u.done();
    }
  });

  test('the window is worked out by the device\'s local calendar day, as Tencent\'s SDK works it out', () => {
    const noon = new Date(2026, 2, 29, 12, 0, 0); // any local date
    const request = receiveOptionRequest({ startHour: 23, startMinute: 59, startSecond: 59, duration: 7200 }, noon);
    assert.deepEqual(request, {
      messageRemindType: 'AcceptNotNotify',
      startTime: new Date(2026, 2, 29, 23, 59, 59).getTime() / 1000,
      endTime: new Date(2026, 2, 29, 23, 59, 59).getTime() / 1000 + 7200,
      isRepeated: true,
    });
  });

  test('bad options are refused with 40001 before any request, MSG_REMIND_DISCARD too; logged out 40101', async () => {
    const u = await userWithTwoDevices();
    try {
      const chat = u.phone.chat;
      for (const [options, message] of [
        [undefined, /options/],
        [{ messageRemindType: TYPES.MSG_REMIND_DISCARD }, /messageRemindType: .* not Discard/],
        [{ messageRemindType: 'sometimes' }, /messageRemindType/],
        [{ startHour: -1 }, /startHour: a whole number from 0 up/],
        [{ startMinute: 1.5 }, /startMinute/],
        [{ startSecond: '5' }, /startSecond/],
        [{ duration: Number.POSITIVE_INFINITY }, /duration/],
      ] as const) {
        await assert.rejects(
          chat.setAllReceiveMessageOpt(options as never),
          refusedWith(ErrorCode.INVALID_ARGUMENT, { message: new RegExp(`^setAllReceiveMessageOpt: ${message.source}`) }),
          JSON.stringify(options),
        );
      }
      assert.deepEqual(u.puts(), [], 'nothing asked');

      const spy = spyFetch();
      const fresh = newChat(server, { fetch: spy.fetch });
      await assert.rejects(fresh.setAllReceiveMessageOpt({}), refusedWith(ErrorCode.UNAUTHENTICATED));
      await assert.rejects(fresh.getAllReceiveMessageOpt(), refusedWith(ErrorCode.UNAUTHENTICATED));
      assert.deepEqual(spy.calls, []);
      await closeAll(fresh);
    } finally {
      await u.done();
    }
  });
});

describe('quiet hours and the offline push', () => {
  test('while the window lasts, a message to the user still arrives but the msg.offline webhook leaves them out', async () => {
    // The app backend: every msg.offline item the server posts.
    const offline: { message_idstr: string; to_uids: string[] }[] = [];
    const backend = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        if (new URL(req.url!, 'http://backend').searchParams.get('event') === 'msg.offline') {
          const parsed: unknown = JSON.parse(body);
          offline.push(...((Array.isArray(parsed) ? parsed : [parsed]) as (typeof offline)[number][]));
        }
        res.end();
      });
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    const hookUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/hook`;
    const pushing = await startServer({ args: ['--webhook-url', hookUrl, '--webhook-events', 'msg.offline'] });
    try {
      const [alice, bob, carol] = [uniqueUid('alice'), uniqueUid('bob'), uniqueUid('carol')];
      const bobToken = await pushing.createUser(bob);
      await pushing.createUser(carol); // signed in, never connected: offline
      const groupID = uniqueUid('group');
      const device = await liveDevice(pushing, alice, 1);
      await pushing.createGroup(groupID, [alice, bob, carol]);
      // Quiet all day, every day, from today's midnight: always, from now on.
      await device.chat.setAllReceiveMessageOpt({ startHour: 0, duration: 86_400 });
      await closeAll(device.chat); // alice goes offline

      const send = async (text: string) => {
        const { messageID } = await pushing.sendAs(bobToken, `GROUP${groupID}`, { type: 'TIMTextElem', payload: { text } });
        await waitFor(() => offline.some((item) => item.message_idstr === messageID), 10_000, `msg.offline of ${text}`);
        return offline.find((item) => item.message_idstr === messageID)!.to_uids;
      };
      assert.deepEqual(await send('shh'), [carol], 'alice is in her quiet hours');

      // Back on, notified again: the next message's push names her.
      const back = await liveDevice(pushing, alice, 1);
      await waitFor(() => back.chat.getTotalUnreadMessageCount() === 1, 5_000, 'the quiet message arrived and counts as unread');
      await back.chat.setAllReceiveMessageOpt({ messageRemindType: TYPES.MSG_REMIND_ACPT_AND_NOTE });
      await closeAll(back.chat);
      assert.deepEqual([...(await send('hello'))].sort(), [alice, carol].sort());
    } finally {
      await pushing.stop();
      backend.close();
    }
  });
});
