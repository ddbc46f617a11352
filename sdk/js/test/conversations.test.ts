/**
 * The HTTP calls against a real natter server (no WebSocket needed: Node 20 has none built in and
 * none is passed, so the SDK runs HTTP-only here).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Natter, { EVENT, NatterError, type Conversation } from '@natter/sdk';
import { spyFetch, startServer, uniqueUid, type TestServer } from '../testing/server.js';

let server: TestServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

/** Users alice and bob, alice logged in, a fresh group with both. */
async function setup(fetchImpl?: typeof fetch) {
  const alice = uniqueUid('alice');
  const bob = uniqueUid('bob');
  const group = uniqueUid('team');
  const aliceToken = await server.createUser(alice);
  const bobToken = await server.createUser(bob);
  await server.createGroup(group, [alice, bob]);
  const chat = Natter.create({ serverUrl: server.baseUrl, fetch: fetchImpl });
  await chat.login({ userID: alice, token: aliceToken });
  const bobChat = Natter.create({ serverUrl: server.baseUrl });
  await bobChat.login({ userID: bob, token: bobToken });
  return { chat, bobChat, alice, bob, group, c2c: `C2C${bob}`, groupID: `GROUP${group}` };
}

function ids(list: Conversation[]): string[] {
  return list.map((c) => c.conversationID);
}

describe('session', () => {
  test('login rejects an unknown token with 40101 and calls before login are refused locally', async () => {
    const spy = spyFetch();
    const chat = Natter.create({ serverUrl: server.baseUrl, fetch: spy.fetch });
    await assert.rejects(chat.getConversationList(), (err: NatterError) => {
      assert.ok(err instanceof NatterError);
      assert.equal(err.code, 40101);
      return true;
    });
    assert.equal(spy.calls.length, 0, 'no request before login');
    await assert.rejects(chat.login({ userID: 'nobody', token: 'not-a-real-token' }), (err: NatterError) => {
      assert.equal(err.code, 40101);
      assert.equal(err.error, 'unauthenticated');
      return true;
    });
    assert.equal(chat.getLoginUser(), null);
  });

  test('login resolves although no WebSocket is available, logout forgets the token', async () => {
    const uid = uniqueUid('solo');
    const token = await server.createUser(uid);
    const chat = Natter.create({ serverUrl: server.baseUrl + '/' });
    const res = await chat.login({ userID: uid, token });
    assert.deepEqual(res, { code: 0, data: { userID: uid, socketReady: false } });
    assert.equal(chat.getLoginUser(), uid);
    assert.deepEqual(await chat.logout(), { code: 0, data: {} });
    await assert.rejects(chat.fetchTotalUnreadMessageCount(), { code: 40101 });
  });

  test('exports', () => {
    assert.equal(Natter.EVENT, EVENT);
    assert.deepEqual(EVENT, {
      MESSAGE_RECEIVED: 'messageReceived',
      CONVERSATION_LIST_UPDATED: 'conversationListUpdated',
      CONVERSATION_DELETED: 'conversationDeleted',
      TOTAL_UNREAD_MESSAGE_COUNT_UPDATED: 'totalUnreadMessageCountUpdated',
    });
  });
});

describe('messages', () => {
  test('sendMessage, createTextMessage and getMessageList', async () => {
    const { chat, bobChat, alice, c2c, bob } = await setup();
    const sent = await bobChat.sendMessage({ conversationID: `C2C${alice}`, payload: { text: 'hi' } });
    assert.equal(sent.code, 0);
    assert.equal(sent.data.message.from, bob);
    assert.equal(sent.data.message.seq, 1);
    assert.deepEqual(sent.data.message.payload, { text: 'hi' });

    const draft = chat.createTextMessage({ to: bob, conversationType: 'C2C', payload: { text: 'hello' } });
    assert.equal(draft.conversationID, c2c);
    const first = await chat.sendMessage(draft);
    const again = await chat.sendMessage(draft); // same clientMsgID: the first message, not a second
    assert.equal(again.data.message.messageID, first.data.message.messageID);
    assert.equal(first.data.message.clientMsgID, draft.clientMsgID);

    const history = await chat.getMessageList({ conversationID: c2c });
    assert.equal(history.code, 0);
    assert.deepEqual(history.data.messageList.map((m) => m.payload.text), ['hi', 'hello']);
    assert.equal(history.data.isCompleted, true);

    const older = await chat.getMessageList({ conversationID: c2c, before: 2, limit: 1 });
    assert.deepEqual(older.data.messageList.map((m) => m.seq), [1]);

    await assert.rejects(chat.sendMessage({ conversationID: `C2C${uniqueUid('ghost')}`, payload: { text: 'x' } }), {
      code: 40401,
      error: 'not_found',
    });
    await chat.logout();
    await bobChat.logout();
  });
});

describe('conversations', () => {
  test('getConversationList, filters, getConversationProfile, pinConversation', async () => {
    const { chat, bobChat, alice, c2c, groupID } = await setup();
    await bobChat.sendMessage({ conversationID: `C2C${alice}`, payload: { text: 'one' } });
    await bobChat.sendMessage({ conversationID: groupID, payload: { text: 'two' } });

    const list = await chat.getConversationList();
    assert.equal(list.code, 0);
    assert.deepEqual(ids(list.data.conversationList), [groupID, c2c], 'newest activity first');

    const groups = await chat.getConversationList({ type: 'GROUP' });
    assert.deepEqual(ids(groups.data.conversationList), [groupID]);

    const profile = await chat.getConversationProfile(c2c);
    assert.equal(profile.code, 0);
    assert.equal(profile.data.conversation.conversationID, c2c);
    assert.equal(profile.data.conversation.unreadCount, 1);
    assert.equal(profile.data.conversation.lastMessage?.payload.text, 'one');

    const listEvents: Conversation[][] = [];
    chat.on(EVENT.CONVERSATION_LIST_UPDATED, (e) => listEvents.push(e.data.conversationList));
    const pinned = await chat.pinConversation({ conversationID: c2c, isPinned: true });
    assert.deepEqual(pinned, { code: 0, data: { conversationID: c2c } });
    assert.deepEqual(ids(listEvents.at(-1)!), [c2c, groupID], 'local list: pinned first');
    const after = await chat.getConversationList();
    assert.deepEqual(ids(after.data.conversationList), [c2c, groupID], 'server: pinned first');
    assert.equal(after.data.conversationList[0]!.isPinned, true);

    // The system conversation's ID is percent-encoded in the path; the server names it back.
    await assert.rejects(chat.getConversationProfile('@TIM#SYSTEM'), (err: NatterError) => {
      assert.equal(err.code, 40401);
      assert.match(err.message, /@TIM#SYSTEM/);
      return true;
    });
    await chat.logout();
    await bobChat.logout();
  });

  test('setMessageRead and the unread total', async () => {
    const { chat, bobChat, alice, c2c, groupID } = await setup();
    await bobChat.sendMessage({ conversationID: `C2C${alice}`, payload: { text: 'a' } });
    await bobChat.sendMessage({ conversationID: `C2C${alice}`, payload: { text: 'b' } });
    await bobChat.sendMessage({ conversationID: groupID, payload: { text: 'c' } });
    assert.equal(await chat.fetchTotalUnreadMessageCount(), 3);
    assert.equal(chat.getTotalUnreadMessageCount(), 3);

    await chat.getConversationList();
    const read = await chat.setMessageRead({ conversationID: c2c });
    assert.deepEqual(read, { code: 0, data: {} });
    assert.equal(await chat.fetchTotalUnreadMessageCount(), 1);
    assert.equal(chat.getTotalUnreadMessageCount(), 1);
    const profile = await chat.getConversationProfile(c2c);
    assert.equal(profile.data.conversation.unreadCount, 0);
    await chat.logout();
    await bobChat.logout();
  });

  test('archiveConversation and restoreConversation', async () => {
    const { chat, bobChat, alice, c2c, groupID } = await setup();
    await bobChat.sendMessage({ conversationID: `C2C${alice}`, payload: { text: 'a' } });
    await bobChat.sendMessage({ conversationID: groupID, payload: { text: 'b' } });
    await chat.getConversationList();

    const archived = await chat.archiveConversation(groupID);
    assert.deepEqual(archived, { code: 0, data: { conversationIDList: [groupID] } });
    assert.deepEqual(ids((await chat.getConversationList()).data.conversationList), [c2c]);
    assert.deepEqual(ids((await chat.getConversationList({ archived: true })).data.conversationList), [groupID]);
    assert.equal(await chat.fetchTotalUnreadMessageCount(), 1, 'archived excluded from the total');

    let local: Conversation[] = [];
    chat.on(EVENT.CONVERSATION_LIST_UPDATED, (e) => (local = e.data.conversationList));
    const restored = await chat.restoreConversation({ conversationIDList: [groupID] });
    assert.deepEqual(restored, { code: 0, data: { conversationIDList: [groupID] } });
    assert.deepEqual(ids(local), [groupID, c2c], 'the SDK synced the restored entry into its list');
    assert.deepEqual(ids((await chat.getConversationList()).data.conversationList), [groupID, c2c]);
    await chat.logout();
    await bobChat.logout();
  });

  test('getConversationList follows nextCursor across more than 100 conversations', async () => {
    const alice = uniqueUid('popular');
    const token = await server.createUser(alice);
    const senders = 105;
    for (let i = 0; i < senders; i += 1) {
      const uid = uniqueUid('fan');
      const t = await server.createUser(uid);
      const res = await fetch(`${server.baseUrl}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
        body: JSON.stringify({ conversationID: `C2C${alice}`, payload: { text: String(i) } }),
      });
      assert.equal(res.status, 200);
    }
    const spy = spyFetch();
    const chat = Natter.create({ serverUrl: server.baseUrl, fetch: spy.fetch });
    await chat.login({ userID: alice, token });
    const list = await chat.getConversationList();
    assert.equal(list.data.conversationList.length, senders);
    assert.equal(new Set(ids(list.data.conversationList)).size, senders);
    const pages = spy.calls.filter((c) => c.url.includes('/v1/conversations?'));
    assert.equal(pages.length, 2);
    assert.match(pages[0]!.url, /limit=100/);
    assert.match(pages[1]!.url, /cursor=/);
    await chat.logout();
  });

  test('getConversationSync returns the raw sync reply', async () => {
    const { chat, bobChat, alice, c2c } = await setup();
    await bobChat.sendMessage({ conversationID: `C2C${alice}`, payload: { text: 'a' } });
    const sync = await chat.getConversationSync(0);
    assert.equal(sync.code, 0);
    assert.deepEqual(ids(sync.data.conversationList), [c2c]);
    assert.deepEqual(sync.data.deletedConversationIDList, []);
    assert.equal(sync.data.resetRequired, false);
    assert.equal(sync.data.version, sync.data.conversationList[0]!.version);
    const later = await chat.getConversationSync(sync.data.version);
    assert.deepEqual(later.data.conversationList, []);
    await chat.logout();
    await bobChat.logout();
  });
});

describe('deleteConversation', () => {
  test("seed: chat.deleteConversation('C2CExample') clears history by default", async () => {
    const { chat, bobChat, alice, bob, c2c } = await setup();
    await bobChat.sendMessage({ conversationID: `C2C${alice}`, payload: { text: 'secret' } });
    await chat.getConversationList();
    let deletedID: string | undefined;

    // --- the reference SDK's sample, verbatim but for the ID ---
    let promise = chat.deleteConversation('C2C' + bob);
    await promise.then(function(imResponse) {
      // Deleted the conversation successfully
      const { conversationID } = imResponse.data;// ID of the deleted conversation
      deletedID = conversationID;
    }).catch(function(imError) {
      console.warn('deleteConversation error:', imError); // Failed to delete the conversation
    });
    // ---

    assert.equal(deletedID, c2c);
    assert.deepEqual(await chat.getMessageList({ conversationID: c2c }), {
      code: 0,
      data: { messageList: [], isCompleted: true },
    });
    assert.deepEqual(ids((await chat.getConversationList()).data.conversationList), []);
    await assert.rejects(chat.getConversationProfile(c2c), { code: 40401, error: 'not_found' });
    // Bob's side is untouched.
    const bobHistory = await bobChat.getMessageList({ conversationID: `C2C${alice}` });
    assert.equal(bobHistory.data.messageList.length, 1);
    await chat.logout();
    await bobChat.logout();
  });

  test('seed: {conversationIDList, clearHistoryMessage: false} keeps history', async () => {
    const { chat, bobChat, alice, c2c } = await setup();
    await bobChat.sendMessage({ conversationID: `C2C${alice}`, payload: { text: 'keep me' } });
    let got: string[] | undefined;

    let promise = chat.deleteConversation({conversationIDList: [c2c], clearHistoryMessage: false});
    await promise.then(function(imResponse) {
      // Deleted the conversation successfully
      const { conversationIDList } = imResponse.data; // ID of the deleted conversation
      got = conversationIDList;
    }).catch(function(imError) {
      console.warn('deleteConversation error:', imError); // Failed to delete the conversation
    });

    assert.deepEqual(got, [c2c]);
    assert.deepEqual(ids((await chat.getConversationList()).data.conversationList), []);
    const history = await chat.getMessageList({ conversationID: c2c });
    assert.deepEqual(history.data.messageList.map((m) => m.payload.text), ['keep me']);
    await chat.logout();
    await bobChat.logout();
  });

  test('seed: several conversations, default and clearHistoryMessage: false', async () => {
    const { chat, bobChat, alice, c2c, groupID } = await setup();
    await bobChat.sendMessage({ conversationID: `C2C${alice}`, payload: { text: 'c2c' } });
    await bobChat.sendMessage({ conversationID: groupID, payload: { text: 'group' } });
    let got: string[] | undefined;

    // delete multiple conversations and clear chat history
    let promise = chat.deleteConversation({conversationIDList: [c2c, groupID]});
    await promise.then(function(imResponse) {
      const { conversationIDList } = imResponse.data; // ID list of the deleted conversations
      got = conversationIDList;
    }).catch(function(imError) {
      console.warn('deleteConversation error:', imError); // Failed to delete the conversation
    });
    assert.deepEqual(got, [c2c, groupID]);
    assert.equal((await chat.getMessageList({ conversationID: c2c })).data.messageList.length, 0);
    assert.equal((await chat.getMessageList({ conversationID: groupID })).data.messageList.length, 0);
    // Other members keep the group's messages.
    assert.equal((await bobChat.getMessageList({ conversationID: groupID })).data.messageList.length, 1);

    // New messages revive both; then delete them again keeping history.
    await bobChat.sendMessage({ conversationID: `C2C${alice}`, payload: { text: 'c2c 2' } });
    await bobChat.sendMessage({ conversationID: groupID, payload: { text: 'group 2' } });
    assert.deepEqual(ids((await chat.getConversationList()).data.conversationList), [groupID, c2c]);
    got = undefined;

    // delete multiple conversations and clear chat history
    let promise2 = chat.deleteConversation({
      conversationIDList: [c2c, groupID],
      clearHistoryMessage: false
    });
    await promise2.then(function(imResponse) {
      const { conversationIDList } = imResponse.data; // ID list of the deleted conversations
      got = conversationIDList;
    }).catch(function(imError) {
      console.warn('deleteConversation error:', imError); // Failed to delete the conversation
    });
    assert.deepEqual(got, [c2c, groupID]);
    assert.deepEqual(ids((await chat.getConversationList()).data.conversationList), []);
    assert.deepEqual((await chat.getMessageList({ conversationID: c2c })).data.messageList.map((m) => m.payload.text), ['c2c 2']);
    assert.deepEqual((await chat.getMessageList({ conversationID: groupID })).data.messageList.map((m) => m.payload.text), ['group 2']);
    await chat.logout();
    await bobChat.logout();
  });

  test('the SDK sends clearHistoryMessage: true by default and the server dedupes', async () => {
    const spy = spyFetch();
    const { chat, bobChat, c2c } = await setup(spy.fetch);
    const res = await chat.deleteConversation({ conversationIDList: [c2c, c2c] });
    assert.deepEqual(res, { code: 0, data: { conversationIDList: [c2c] } });
    const call = spy.calls.find((c) => c.url.endsWith('/v1/conversations/delete'))!;
    assert.equal(call.method, 'POST');
    assert.deepEqual(JSON.parse(call.body!), { conversationIDList: [c2c, c2c], clearHistoryMessage: true });

    spy.calls.length = 0;
    await chat.deleteConversation(c2c);
    assert.deepEqual(JSON.parse(spy.calls[0]!.body!), { conversationIDList: [c2c], clearHistoryMessage: true });
    await chat.logout();
    await bobChat.logout();
  });

  test('more than 100 IDs, or none, is refused without a request; 100 is fine', async () => {
    const spy = spyFetch();
    const { chat, bobChat } = await setup(spy.fetch);
    const many = Array.from({ length: 101 }, (_, i) => `C2Cuser${i}`);
    spy.calls.length = 0;
    await assert.rejects(chat.deleteConversation({ conversationIDList: many }), (err: unknown) => {
      assert.ok(err instanceof NatterError);
      assert.ok(err instanceof Error);
      assert.equal(err.code, 40003);
      assert.equal(err.error, 'too_many_conversations');
      return true;
    });
    await assert.rejects(chat.deleteConversation({ conversationIDList: [] }), {
      code: 40001,
      error: 'invalid_argument',
    });
    assert.equal(spy.calls.length, 0, 'no request was made');

    const hundred = many.slice(0, 100);
    const res = await chat.deleteConversation({ conversationIDList: hundred, clearHistoryMessage: false });
    assert.deepEqual(res.data.conversationIDList, hundred);
    assert.equal(spy.calls.length, 1);
    await chat.logout();
    await bobChat.logout();
  });

  test("errors carry the server's code: bad ID → 40002, deleted conversation's profile → 40401", async () => {
    const { chat, bobChat, alice, c2c } = await setup();
    await assert.rejects(chat.deleteConversation('C2C'), (err: unknown) => {
      assert.ok(err instanceof NatterError);
      assert.equal(err.code, 40002);
      assert.equal(err.error, 'invalid_conversation_id');
      assert.equal(err.status, 400);
      assert.ok(err.message.length > 0);
      return true;
    });
    // The seed's catch branch sees the same error object.
    let caught: NatterError | undefined;
    await chat.deleteConversation('C2C').then(() => {}).catch(function(imError) { caught = imError; });
    assert.equal(caught?.code, 40002);

    await bobChat.sendMessage({ conversationID: `C2C${alice}`, payload: { text: 'x' } });
    assert.equal((await chat.getConversationProfile(c2c)).code, 0);
    await chat.deleteConversation(c2c);
    await assert.rejects(chat.getConversationProfile(c2c), { code: 40401, error: 'not_found' });
    // Deleting a conversation that is not in the list succeeds.
    assert.deepEqual(await chat.deleteConversation(c2c), { code: 0, data: { conversationID: c2c } });
    await chat.logout();
    await bobChat.logout();
  });

  test('network failure rejects with NETWORK_ERROR (-1)', async () => {
    const uid = uniqueUid('offline');
    const token = await server.createUser(uid);
    let up = true;
    const flaky = ((input: string | URL | Request, init?: RequestInit) =>
      up ? fetch(input, init) : Promise.reject(new TypeError('fetch failed'))) as typeof fetch;
    const chat = Natter.create({ serverUrl: server.baseUrl, fetch: flaky });
    await chat.login({ userID: uid, token });
    up = false;
    await assert.rejects(chat.deleteConversation('C2Cbob'), { code: -1, error: 'network_error' });
    await chat.logout();
  });
});
