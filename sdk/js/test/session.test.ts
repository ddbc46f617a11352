/**
 * create(), login, SDK_READY, logout and destroy against a real natter server, with and without a
 * WebSocket.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import Natter, { EVENT, ErrorCode, NatterError, TSignaling, TYPES } from '@natter/sdk';
import { closeAll, loginReady, newChat, record, destroyAllChats } from '../testing/chat.js';
import { spyFetch, startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

describe('constants', () => {
  test("EVENT and TYPES hold Tencent's values", () => {
    assert.equal(Natter.EVENT, EVENT);
    assert.equal(Natter.TYPES, TYPES);
    assert.equal(Natter.TSignaling, TSignaling);
    const events: Record<string, string> = {
      SDK_READY: 'sdkStateReady',
      SDK_NOT_READY: 'sdkStateNotReady',
      MESSAGE_RECEIVED: 'onMessageReceived',
      MESSAGE_REVOKED: 'onMessageRevoked',
      CONVERSATION_LIST_UPDATED: 'onConversationListUpdated',
      TOTAL_UNREAD_MESSAGE_COUNT_UPDATED: 'onTotalUnreadMessageCountUpdated',
      CONVERSATION_GROUP_LIST_UPDATED: 'onConversationGroupListUpdated',
      KICKED_OUT: 'kickedOut',
      NET_STATE_CHANGE: 'netStateChange',
      ERROR: 'error',
      PROFILE_UPDATED: 'onProfileUpdated',
    };
    for (const [key, value] of Object.entries(events)) assert.equal((EVENT as Record<string, string>)[key], value, key);
    const types: Record<string, string | number> = {
      CONV_C2C: 'C2C',
      CONV_GROUP: 'GROUP',
      CONV_SYSTEM: '@TIM#SYSTEM',
      MSG_TEXT: 'TIMTextElem',
      MSG_CUSTOM: 'TIMCustomElem',
      MSG_IMAGE: 'TIMImageElem',
      MSG_AUDIO: 'TIMSoundElem',
      MSG_VIDEO: 'TIMVideoFileElem',
      MSG_FILE: 'TIMFileElem',
      MSG_FACE: 'TIMFaceElem',
      MSG_LOCATION: 'TIMLocationElem',
      MSG_GRP_TIP: 'TIMGroupTipElem',
      MSG_GRP_SYS_NOTICE: 'TIMGroupSystemNoticeElem',
      MSG_MERGER: 'TIMRelayElem',
      KICKED_OUT_MULT_ACCOUNT: 'multipleAccount',
      KICKED_OUT_MULT_DEVICE: 'multipleDevice',
      KICKED_OUT_USERSIG_EXPIRED: 'userSigExpired',
      KICKED_OUT_REST_API: 'REST_API_Kick',
      NET_STATE_CONNECTED: 'connected',
      NET_STATE_CONNECTING: 'connecting',
      NET_STATE_DISCONNECTED: 'disconnected',
      READ_ALL_C2C_MSG: 'readAllC2CMessage',
      READ_ALL_GROUP_MSG: 'readAllGroupMessage',
      READ_ALL_MSG: 'readAllMessage',
      MSG_REMIND_ACPT_AND_NOTE: 'AcceptAndNotify',
      MSG_REMIND_ACPT_NOT_NOTE: 'AcceptNotNotify',
      MSG_REMIND_DISCARD: 'Discard',
      CONV_MARK_TYPE_STAR: 1,
      CONV_MARK_TYPE_UNREAD: 2,
      CONV_MARK_TYPE_FOLD: 4,
      CONV_MARK_TYPE_HIDE: 8,
      GRP_WORK: 'Private',
      GRP_PUBLIC: 'Public',
      GRP_MEETING: 'ChatRoom',
      GRP_AVCHATROOM: 'AVChatRoom',
      GRP_COMMUNITY: 'Community',
    };
    for (const [key, value] of Object.entries(types)) assert.equal((TYPES as Record<string, unknown>)[key], value, key);
  });

  test("every EVENT and TYPES name of Tencent's own package is here, with its value", async () => {
    // The published @tencentcloud/chat, installed under another name beside this SDK (which takes
    // its name for the samples): its runtime values, not its typings, are what apps compare with.
    const { default: Tencent } = await import('tencent-chat-reference');
    for (const table of ['EVENT', 'TYPES'] as const) {
      const theirs = (Tencent as unknown as Record<string, Record<string, unknown>>)[table];
      const ours = Natter[table] as Record<string, unknown>;
      for (const [key, value] of Object.entries(theirs)) assert.equal(ours[key], value, `${table}.${key}`);
    }
  });

  test("Natter's own events cannot clash with Tencent's", () => {
    const tencent = Object.entries(EVENT).filter(([k]) => !k.startsWith('NATTER_'));
    for (const [, value] of tencent) assert.ok(!value.includes('.'), value);
    assert.equal(EVENT.NATTER_CONVERSATION_DELETED, 'natter.conversationDeleted');
    assert.equal(EVENT.NATTER_RESYNC, 'natter.resync');
    const values = Object.values(EVENT);
    assert.equal(new Set(values).size, values.length, 'no two events share a name');
  });
});

describe('create', () => {
  test('one instance per SDKAppID; another serverUrl for it throws; destroy frees it', async () => {
    const a = Natter.create({ SDKAppID: 1234, serverUrl: server.baseUrl });
    const b = Natter.create({ SDKAppID: 1234, serverUrl: server.baseUrl + '/' });
    assert.equal(a, b);
    const c = Natter.create({ SDKAppID: 1235, serverUrl: server.baseUrl });
    assert.notEqual(a, c);
    assert.throws(() => Natter.create({ SDKAppID: 1234, serverUrl: 'http://elsewhere.example' }), {
      code: 40001,
    });
    assert.throws(() => Natter.create({ SDKAppID: 1236 } as never), { code: 40001 });
    await a.destroy();
    await c.destroy();
    const d = Natter.create({ SDKAppID: 1234, serverUrl: 'http://elsewhere.example' });
    assert.notEqual(d, a);
    await d.destroy();
    await assert.rejects(a.login({ userID: 'x', userSig: 'whatever-token' }), { code: 40001 });
  });

  test("SDKAppID as text, once, VERSION and SDK_DESTROY, as Tencent's runtime has them", async () => {
    const chat = Natter.create({ SDKAppID: '1400123456' as never, serverUrl: server.baseUrl });
    assert.equal(chat.SDKAppID, 1400123456);
    assert.equal(Natter.create({ SDKAppID: 1400123456, serverUrl: server.baseUrl }), chat);
    assert.throws(() => Natter.create({ SDKAppID: 'app' as never, serverUrl: server.baseUrl }), { code: 40001 });
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    assert.equal(Natter.VERSION, version);

    const seen: string[] = [];
    const context = { tag: 'ctx' };
    chat.once(
      EVENT.SDK_DESTROY,
      function (this: typeof context, event) {
        seen.push(`${this.tag}:${event.data.SDKAppID}`);
      },
      context,
    );
    const never = () => seen.push('removed before it ran');
    chat.once(EVENT.SDK_DESTROY, never);
    chat.off(EVENT.SDK_DESTROY, never);
    await chat.destroy();
    assert.deepEqual(seen, ['ctx:1400123456']);
  });
});

describe('login', () => {
  test('the device token as userSig; SDK_READY after the first sync; isReady; getLoginUser', async () => {
    const uid = uniqueUid('alice');
    const token = await server.createUser(uid);
    const chat = newChat(server);
    const rec = record(chat);
    assert.equal(chat.isReady(), false);
    assert.equal(chat.getLoginUser(), '');
    const res = await chat.login({ userID: uid, userSig: token });
    assert.deepEqual(res, { code: 0, data: { repeatLogin: false } });
    assert.equal(chat.getLoginUser(), uid);
    await waitFor(() => chat.isReady(), 5_000, 'ready');
    const ready = rec.of(EVENT.SDK_READY);
    assert.equal(ready.length, 1);
    assert.deepEqual(ready[0], { name: 'sdkStateReady', data: undefined });
    // The first list came before SDK_READY, as an array.
    const names = rec.names();
    assert.ok(names.indexOf(EVENT.CONVERSATION_LIST_UPDATED) < names.indexOf(EVENT.SDK_READY));
    assert.deepEqual(rec.of(EVENT.CONVERSATION_LIST_UPDATED)[0]!.data, []);

    const again = await chat.login({ userID: uid, userSig: token });
    assert.equal(again.data.repeatLogin, true);
    assert.equal(typeof again.data.errorInfo, 'string');

    assert.deepEqual(await chat.logout(), { code: 0, data: {} });
    assert.equal(chat.isReady(), false);
    assert.equal(chat.getLoginUser(), '');
    assert.deepEqual(rec.of(EVENT.SDK_NOT_READY), [{ name: 'sdkStateNotReady', data: undefined }]);
    await assert.rejects(chat.getConversationList(), { code: 40101 });
    await closeAll(chat);
  });

  test('`token` is an alias of userSig; with a WebSocket SDK_READY follows the first pong', async () => {
    const uid = uniqueUid('bob');
    const token = await server.createUser(uid);
    const chat = newChat(server, { ws: true });
    const rec = record(chat);
    await chat.login({ userID: uid, token });
    await waitFor(() => rec.of(EVENT.SDK_READY).length === 1, 5_000, 'SDK_READY');
    assert.deepEqual(
      rec.of(EVENT.NET_STATE_CHANGE).map((e) => e.data.state),
      [TYPES.NET_STATE_CONNECTING, TYPES.NET_STATE_CONNECTED],
    );
    await closeAll(chat);
    assert.deepEqual(rec.of(EVENT.SDK_NOT_READY).length, 1);
  });

  test('an unknown token rejects with 40101, calls before login are refused without a request', async () => {
    const spy = spyFetch();
    const chat = newChat(server, { fetch: spy.fetch });
    const rec = record(chat);
    await assert.rejects(chat.getConversationList(), (err: unknown) => {
      assert.ok(err instanceof NatterError);
      assert.equal(err.code, 40101);
      return true;
    });
    assert.equal(spy.calls.length, 0, 'no request before login');
    await assert.rejects(chat.login({ userID: 'nobody', userSig: 'not-a-real-token' }), (err: NatterError) => {
      assert.equal(err.code, 40101);
      assert.equal(err.error, 'unauthenticated');
      return true;
    });
    assert.equal(chat.getLoginUser(), '');
    await assert.rejects(chat.login({ userID: 'nobody' } as never), { code: 40001 });
    assert.deepEqual(rec.names(), [], 'a refused login emits nothing');
    await closeAll(chat);
  });

  test('a server that cannot be reached fails the login, whatever the token: nothing stays logged in', async () => {
    const uid = uniqueUid('early');
    const token = await server.createUser(uid);
    let up = false;
    const gated = ((input: string | URL | Request, init?: RequestInit) =>
      up ? fetch(input, init) : Promise.reject(new TypeError('fetch failed'))) as typeof fetch;
    const chat = newChat(server, { fetch: gated, ws: true });
    const rec = record(chat);
    for (const userSig of [token, 'a-mistyped-token']) {
      await assert.rejects(chat.login({ userID: uid, userSig }), { code: ErrorCode.NETWORK_ERROR, error: 'network_error' });
      assert.equal(chat.getLoginUser(), '');
      assert.equal(chat.isReady(), false);
    }
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(rec.names(), [], 'no socket, no events: the failed login left nothing running');
    up = true;
    await loginReady(chat, uid, token);
    assert.equal(chat.getLoginUser(), uid);
    await closeAll(chat);
  });

  test("a userSig given with another user's userID rejects with 40101 naming both", async () => {
    const bob = uniqueUid('bob');
    const token = await server.createUser(bob);
    const chat = newChat(server, { ws: true });
    const rec = record(chat);
    await assert.rejects(chat.login({ userID: `typo_${bob}`, userSig: token }), (err: NatterError) => {
      assert.equal(err.code, 40101);
      assert.match(err.message, new RegExp(`belongs to user "${bob}", not "typo_${bob}"`));
      return true;
    });
    assert.equal(chat.getLoginUser(), '');
    assert.deepEqual(rec.names(), [], 'a refused login emits nothing');
    await chat.login({ userID: bob, userSig: token });
    assert.equal(chat.getLoginUser(), bob, 'the right userID still logs in');
    await closeAll(chat);
  });

  test('logging in as another user logs the first one out', async () => {
    const a = uniqueUid('a');
    const b = uniqueUid('b');
    const ta = await server.createUser(a);
    const tb = await server.createUser(b);
    const chat = newChat(server);
    const rec = record(chat);
    await loginReady(chat, a, ta);
    await chat.login({ userID: b, userSig: tb });
    assert.equal(chat.getLoginUser(), b);
    assert.equal(rec.of(EVENT.SDK_NOT_READY).length, 1);
    await waitFor(() => rec.of(EVENT.SDK_READY).length === 2, 5_000, 'second SDK_READY');
    await closeAll(chat);
  });

  test('getServerTime is the server clock in seconds; setLogLevel and registerPlugin are accepted', async () => {
    const uid = uniqueUid('clock');
    const chat = newChat(server);
    await loginReady(chat, uid, await server.createUser(uid));
    const t = chat.getServerTime();
    assert.ok(Math.abs(t - Date.now() / 1000) < 5, `${t} is about now`);
    chat.setLogLevel(1);
    chat.registerPlugin({ 'tim-upload-plugin': {} });
    await closeAll(chat);
  });
});
