/**
 * The blocklist against a real natter server, as Tencent's SDK has it: getBlacklist,
 * addToBlacklist and removeFromBlacklist (each `data` the whole list, userIDs in the order
 * blocked), BLACKLIST_UPDATED for changes made elsewhere (another device, the app backend, while
 * offline) and never for the instance's own, and the blocked user's one-to-one messages refused
 * with 40305.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import TencentCloudChat from '@tencentcloud/chat';
import { EVENT, ErrorCode, MAX_USERS_PER_BLACKLIST_CALL, NatterError, TYPES } from '@natter/sdk';
import {
  closeAll,
  destroyAllChats,
  FAST_RECONNECT,
  gatedSocket,
  liveDevice,
  loginReady,
  newChat,
  record,
  recordingSocket,
  refusedWith,
  sendText,
} from '../testing/chat.js';
import { spyFetch, startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';

let server: TestServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

/** A recording socket (`recordingSocket`) that also lists the blocklists pushed to it. */
function blocklistSocket() {
  const socket = recordingSocket();
  return {
    ...socket,
    /** The `blacklistUpdated` lists this socket carried, oldest first. */
    pushed: () => socket.frames.filter((f) => f.event === 'blacklistUpdated').map((f) => f.data.userIDList as string[]),
  };
}

/**
 * A fetch whose answers to the blocklist changes (`POST /v1/blacklist`, `/remove`) are held until
 * `release()`: the server has made the change and pushed it, the SDK has not heard the answer yet.
 */
function holdingFetch() {
  let open!: () => void;
  let gate = new Promise<void>((resolve) => (open = resolve));
  let held = 0;
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const response = await fetch(input, init);
    if (init?.method === 'POST' && String(input).includes('/v1/blacklist')) {
      held += 1;
      await gate;
    }
    return response;
  }) as typeof fetch;
  return {
    fetch: fetchImpl,
    held: () => held,
    release() {
      open();
      gate = new Promise<void>((resolve) => (open = resolve));
    },
  };
}

/** The BLACKLIST_UPDATED lists a recorder saw, oldest first. */
function lists(rec: ReturnType<typeof record>): string[][] {
  return rec.of(EVENT.BLACKLIST_UPDATED).map((e) => e.data);
}

/** Whether a request reads the blocklist (`GET /v1/blacklist`). */
function readsList(call: { method: string; url: string }): boolean {
  return call.method === 'GET' && call.url.endsWith('/v1/blacklist');
}

/** The app backend changes a user's own blacklist (the server API's `/channel/blacklist_*`). */
function backend(route: 'add' | 'remove' | 'set', owner: string, uids: string[]) {
  return server.manager('POST', `/channel/blacklist_${route}`, { channel_id: owner, channel_type: 1, uids });
}

describe("Tencent's blocklist samples", () => {
  test('run unchanged: getBlacklist, addToBlacklist, removeFromBlacklist and BLACKLIST_UPDATED', async () => {
    const me = uniqueUid('alice');
    const chat = TencentCloudChat.create({ SDKAppID: 1_700_000_201, serverUrl: server.baseUrl, WebSocket });
    const logged: unknown[] = [];
    const warned: unknown[] = [];
    // The samples' console, so their output can be checked.
    const console = { log: (value: unknown) => logged.push(value), warn: (...args: unknown[]) => warned.push(args) };
    try {
      // ---- from Tencent's documentation ("Blocklist"), unchanged
      let onBlacklistUpdated = function (event: any) {
        console.log(event.data); // the blocklist: an array of userIDs
      };
      chat.on(TencentCloudChat.EVENT.BLACKLIST_UPDATED, onBlacklistUpdated);
      // ----
      await loginReady(chat, me, await server.createUser(me));
      await waitFor(() => logged.length === 1, 5_000, 'the list after SDK_READY');
      assert.deepEqual(logged, [[]], 'once after login, an empty list too, as Tencent’s');

      // ---- from Tencent's documentation, unchanged
      let promise = chat.getBlacklist();
      await promise
        .then(function (imResponse) {
          console.log(imResponse.data); // the blocklist: an array of userIDs
        })
        .catch(function (imError) {
          console.warn('getBlacklist error:', imError);
        });
      let promise2 = chat.addToBlacklist({ userIDList: ['user1', 'user2'] }); // an array even for one user
      await promise2
        .then(function (imResponse) {
          console.log(imResponse.data); // the blocklist after the change
        })
        .catch(function (imError) {
          console.warn('addToBlacklist error:', imError);
        });
      let promise3 = chat.removeFromBlacklist({ userIDList: ['user1'] });
      await promise3
        .then(function (imResponse) {
          console.log(imResponse.data); // the blocklist after the change
        })
        .catch(function (imError) {
          console.warn('removeFromBlacklist error:', imError);
        });
      // ----

      await new Promise((r) => setTimeout(r, 200)); // the pushes of its changes come back too
      assert.deepEqual(warned, []);
      assert.deepEqual(logged, [[], [], ['user1', 'user2'], ['user2']], 'no event for the instance’s own changes');
      const again = await chat.getBlacklist();
      assert.deepEqual(again, { code: 0, data: ['user2'] });
    } finally {
      await chat.destroy();
    }
  });
});

describe('getBlacklist, addToBlacklist, removeFromBlacklist', () => {
  test('each answers { code: 0, data }: the whole list in the order blocked; repeats and the user passed over', async () => {
    const me = uniqueUid('alice');
    const [bob, carol, dave] = [uniqueUid('bob'), uniqueUid('carol'), uniqueUid('dave')];
    const chat = newChat(server);
    try {
      await loginReady(chat, me, await server.createUser(me));
      assert.deepEqual(await chat.getBlacklist(), { code: 0, data: [] });
      const first = await chat.addToBlacklist({ userIDList: [carol, carol] });
      assert.deepEqual(first, { code: 0, data: [carol] });
      const second = await chat.addToBlacklist({ userIDList: [bob, me, carol] });
      assert.deepEqual(second.data, [carol, bob], 'carol keeps her place; the user themself is passed over');
      assert.deepEqual((await chat.addToBlacklist({ userIDList: [dave] })).data, [carol, bob, dave]);
      const removed = await chat.removeFromBlacklist({ userIDList: [bob, uniqueUid('nobody'), me] });
      assert.deepEqual(removed, { code: 0, data: [carol, dave] }, 'users not on it are passed over');
      assert.deepEqual((await chat.getBlacklist()).data, [carol, dave]);
      // The caller's arrays are the caller's: changing one changes nothing here.
      removed.data.push('x');
      assert.deepEqual((await chat.getBlacklist()).data, [carol, dave]);
      // The server has the same list.
      const other = newChat(server);
      await loginReady(other, me, await server.createUser(me, 2));
      assert.deepEqual((await other.getBlacklist()).data, [carol, dave]);
      await closeAll(other);
    } finally {
      await closeAll(chat);
    }
  });

  test('bad input is refused with 40001 without a request; not logged in with 40101', async () => {
    const me = uniqueUid('alice');
    const spy = spyFetch();
    const chat = newChat(server, { ws: true, fetch: spy.fetch });
    try {
      await assert.rejects(chat.getBlacklist(), refusedWith(ErrorCode.UNAUTHENTICATED));
      await assert.rejects(chat.addToBlacklist({ userIDList: ['bob'] }), refusedWith(ErrorCode.UNAUTHENTICATED));
      await assert.rejects(chat.removeFromBlacklist({ userIDList: ['bob'] }), refusedWith(ErrorCode.UNAUTHENTICATED));
      await loginReady(chat, me, await server.createUser(me));
      await chat.getBlacklist();
      spy.calls.length = 0;
      const tooMany = Array.from({ length: MAX_USERS_PER_BLACKLIST_CALL + 1 }, (_, i) => `u${i}`);
      for (const call of ['addToBlacklist', 'removeFromBlacklist'] as const) {
        const bad = [undefined, {}, { userIDList: [] }, { userIDList: 'bob' }, { userIDList: [1] }, { userIDList: [''] }];
        for (const options of [...bad, { userIDList: tooMany }]) {
          await assert.rejects(
            (chat[call] as (o: unknown) => Promise<unknown>)(options),
            refusedWith(ErrorCode.INVALID_ARGUMENT, { error: 'invalid_argument', message: /userIDList/ }),
            `${call}(${JSON.stringify(options)?.slice(0, 40)})`,
          );
        }
      }
      // As Tencent's, blocking only oneself is refused before any request (Tencent's own code is 2742).
      await assert.rejects(
        chat.addToBlacklist({ userIDList: [me] }),
        refusedWith(ErrorCode.INVALID_ARGUMENT, { message: /cannot block themself/ }),
      );
      await assert.rejects(chat.addToBlacklist({ userIDList: [me, me] }), refusedWith(ErrorCode.INVALID_ARGUMENT));
      assert.equal(spy.calls.length, 0, 'no request was made');
      // What only the server knows: a malformed userID.
      await assert.rejects(
        chat.addToBlacklist({ userIDList: ['not a valid id!'] }),
        (err: unknown) => err instanceof NatterError && err.code === ErrorCode.INVALID_ARGUMENT && err.status === 400,
      );
      const unblockSelf = await chat.removeFromBlacklist({ userIDList: [me] });
      assert.deepEqual(unblockSelf.data, [], 'unblocking oneself changes nothing');
      assert.deepEqual((await chat.getBlacklist()).data, []);
    } finally {
      await closeAll(chat);
    }
  });
});

describe('BLACKLIST_UPDATED', () => {
  test("another device's change reaches this one; the calling instance hears none of its own", async () => {
    const me = uniqueUid('alice');
    const [bob, carol] = [uniqueUid('bob'), uniqueUid('carol')];
    const socket = blocklistSocket();
    const phone = await liveDevice(server, me, 0, socket.WebSocket);
    const web = await liveDevice(server, me, 1);
    try {
      await waitFor(() => lists(phone.rec).length === 1 && lists(web.rec).length === 1, 5_000, 'the lists after SDK_READY');

      assert.deepEqual((await web.chat.addToBlacklist({ userIDList: [bob, carol] })).data, [bob, carol]);
      await waitFor(() => lists(phone.rec).length === 2, 5_000, 'the phone hears the web’s change');
      assert.deepEqual(lists(phone.rec), [[], [bob, carol]]);
      // The phone's own change: its push comes back to it too, and is not news there.
      assert.deepEqual((await phone.chat.removeFromBlacklist({ userIDList: [bob] })).data, [carol]);
      await waitFor(() => lists(web.rec).length === 2, 5_000, 'the web hears the phone’s change');
      await waitFor(() => socket.pushed().length === 2, 5_000, 'the push of its own change reached the phone');
      assert.deepEqual(socket.pushed(), [[bob, carol], [carol]]);
      assert.deepEqual(lists(web.rec), [[], [carol]], 'no event for the web’s own change');
      assert.deepEqual(lists(phone.rec), [[], [bob, carol]], 'no event for the phone’s own change');
      // A change that changes nothing is pushed too, and tells no one anything.
      await web.chat.removeFromBlacklist({ userIDList: [bob] });
      await waitFor(() => socket.pushed().length === 3, 5_000, 'the push of a change of nothing');
      // Both held lists follow: getBlacklist answers without a request.
      assert.deepEqual((await phone.chat.getBlacklist()).data, [carol]);
      assert.deepEqual((await web.chat.getBlacklist()).data, [carol]);
      assert.deepEqual([lists(web.rec).length, lists(phone.rec).length], [2, 2]);
    } finally {
      await closeAll(phone.chat, web.chat);
    }
  });

  test("the app backend's changes (/channel/blacklist_*) reach every device", async () => {
    const me = uniqueUid('alice');
    const [bob, carol] = [uniqueUid('bob'), uniqueUid('carol')];
    const device = await liveDevice(server, me, 1);
    try {
      await waitFor(() => lists(device.rec).length === 1, 5_000, 'the list after SDK_READY');
      await backend('add', me, [bob, carol]);
      await waitFor(() => lists(device.rec).length === 2, 5_000, 'the backend’s add');
      await backend('remove', me, [bob]);
      await waitFor(() => lists(device.rec).length === 3, 5_000, 'the backend’s remove');
      assert.deepEqual(lists(device.rec), [[], [bob, carol], [carol]]);
      assert.deepEqual((await device.chat.getBlacklist()).data, [carol]);
    } finally {
      await closeAll(device.chat);
    }
  });

  test('a fresh login hears the list once after SDK_READY; without a handler nothing is fetched until getBlacklist', async () => {
    const me = uniqueUid('alice');
    const [bob, carol] = [uniqueUid('bob'), uniqueUid('carol')];
    const listeningToken = await server.createUser(me, 1);
    await backend('set', me, [carol]);
    await backend('add', me, [bob]);

    const listening = newChat(server, { ws: true });
    const heard: string[][] = [];
    let readyFirst = false;
    listening.on(EVENT.SDK_READY, () => (readyFirst = heard.length === 0));
    listening.on(EVENT.BLACKLIST_UPDATED, (e) => heard.push(e.data));
    const spy = spyFetch();
    const quiet = newChat(server, { ws: true, fetch: spy.fetch });
    try {
      await loginReady(listening, me, listeningToken);
      await waitFor(() => heard.length === 1, 5_000, 'BLACKLIST_UPDATED after login');
      assert.ok(readyFirst, 'after SDK_READY');
      assert.deepEqual(heard, [[carol, bob]], 'the whole list, in the order blocked');

      await loginReady(quiet, me, await server.createUser(me, 2));
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(spy.calls.filter(readsList).length, 0, 'an instance without a handler fetches nothing at login');
      assert.deepEqual((await quiet.getBlacklist()).data, [carol, bob]);
      assert.deepEqual((await quiet.getBlacklist()).data, [carol, bob]);
      assert.equal(spy.calls.filter(readsList).length, 1, 'the second answer is the list followed since');
      // Followed from then on: a change elsewhere reaches it, and a handler added now hears it.
      const late: string[][] = [];
      quiet.on(EVENT.BLACKLIST_UPDATED, (e) => late.push(e.data));
      await listening.removeFromBlacklist({ userIDList: [carol] });
      await waitFor(() => late.length === 1, 5_000, 'the late handler hears the change');
      assert.deepEqual(late, [[bob]]);
      assert.deepEqual((await quiet.getBlacklist()).data, [bob]);
      assert.equal(spy.calls.filter(readsList).length, 1, 'still no request');
      assert.deepEqual(heard, [[carol, bob]], 'nothing for the instance that changed it');
    } finally {
      await closeAll(listening, quiet);
    }
  });

  test('a change made while this device was offline comes after the reconnect', async () => {
    const me = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const gate = gatedSocket();
    const offline = newChat(server, { WebSocket: gate.WebSocket, socket: FAST_RECONNECT });
    const rec = record(offline);
    const other = newChat(server);
    try {
      await loginReady(offline, me, await server.createUser(me, 1));
      await loginReady(other, me, await server.createUser(me, 2));
      await waitFor(() => lists(rec).length === 1, 5_000, 'the list after SDK_READY');
      gate.cut();
      await waitFor(() => rec.of(EVENT.NET_STATE_CHANGE).some((e) => e.data.state === TYPES.NET_STATE_DISCONNECTED), 5_000, 'offline');
      await other.addToBlacklist({ userIDList: [bob] });
      gate.open();
      await waitFor(() => lists(rec).length === 2, 10_000, 'the change after the reconnect');
      assert.deepEqual(lists(rec), [[], [bob]]);
      assert.deepEqual((await offline.getBlacklist()).data, [bob]);
    } finally {
      await closeAll(offline, other);
    }
  });

  test('the push of an own change arriving before its answer is not news; a newer one from elsewhere is', async () => {
    const me = uniqueUid('alice');
    const [bob, carol, dave] = [uniqueUid('bob'), uniqueUid('carol'), uniqueUid('dave')];
    const socket = blocklistSocket();
    const holding = holdingFetch();
    const chat = newChat(server, { WebSocket: socket.WebSocket, fetch: holding.fetch });
    const rec = record(chat);
    const other = newChat(server);
    try {
      await loginReady(chat, me, await server.createUser(me, 1));
      await loginReady(other, me, await server.createUser(me, 2));
      await waitFor(() => lists(rec).length === 1, 5_000, 'the list after SDK_READY');

      // Its own push first, then the answer.
      const adding = chat.addToBlacklist({ userIDList: [bob] });
      await waitFor(() => socket.pushed().length === 1 && holding.held() === 1, 5_000, 'the push before the answer');
      holding.release();
      assert.deepEqual((await adding).data, [bob]);
      assert.deepEqual(lists(rec), [[]], 'its own change, pushed first, is no event');

      // Its own push, then another device's change, then its answer: that one is news, and the
      // call resolves with the list as it now is.
      const removing = chat.removeFromBlacklist({ userIDList: [bob] });
      await waitFor(() => socket.pushed().length === 2 && holding.held() === 2, 5_000, 'its own push');
      await other.addToBlacklist({ userIDList: [carol, dave] });
      await waitFor(() => socket.pushed().length === 3, 5_000, 'the other device’s push');
      assert.deepEqual(lists(rec), [[]], 'nothing before the answer');
      holding.release();
      assert.deepEqual((await removing).data, [carol, dave], 'the newest list');
      assert.deepEqual(lists(rec), [[], [carol, dave]]);
      assert.deepEqual((await chat.getBlacklist()).data, [carol, dave]);
    } finally {
      holding.release();
      await closeAll(chat, other);
    }
  });
});

describe('what blocking does', () => {
  test("the blocked user's one-to-one messages are refused with 40305; the blocker still writes, groups go on", async () => {
    const [alice, bob] = [uniqueUid('alice'), uniqueUid('bob')];
    const group = uniqueUid('team');
    const aliceChat = newChat(server, { ws: true });
    const bobChat = newChat(server, { ws: true });
    try {
      await loginReady(aliceChat, alice, await server.createUser(alice));
      await loginReady(bobChat, bob, await server.createUser(bob));
      await server.createGroup(group, [alice, bob]);
      await sendText(bobChat, alice, 'hi before');

      await aliceChat.addToBlacklist({ userIDList: [bob] });
      const refused = bobChat.createTextMessage({ to: alice, conversationType: TYPES.CONV_C2C, payload: { text: 'let me in' } });
      await assert.rejects(bobChat.sendMessage(refused), (err: unknown) => {
        assert.ok(err instanceof NatterError);
        assert.equal(err.code, ErrorCode.IN_BLACKLIST);
        assert.equal(err.code, 40305);
        assert.equal(err.error, 'in_blacklist');
        assert.equal(err.status, 403);
        assert.match(err.message, new RegExp(`${alice} blocks ${bob}`));
        return true;
      });
      assert.equal(refused.status, 'fail', 'the message failed, as a refused send does');
      assert.equal((await sendText(aliceChat, bob, 'I can still write')).status, 'success');
      assert.equal((await sendText(bobChat, group, 'the group goes on', 'GROUP')).status, 'success');

      await aliceChat.removeFromBlacklist({ userIDList: [bob] });
      assert.equal((await bobChat.resendMessage(refused)).data.message.status, 'success', 'unblocked: it goes');
    } finally {
      await closeAll(aliceChat, bobChat);
    }
  });
});
