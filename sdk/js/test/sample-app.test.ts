/**
 * The sample app of examples/tencent-quickstart (written from Tencent's documentation, importing
 * '@tencentcloud/chat', which resolves to this package) run for two users against a real server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { startServer, uniqueUid, waitFor, type TestServer } from '../testing/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

interface Rendered {
  log: string[];
  messages: { ID: string; from: string; flow: string; text?: string; custom?: string }[];
  conversations: { conversationID: string; name: string; preview: string; lastTime: number; unreadCount: number; isPinned: boolean }[];
  badge: number;
}

/** What the app would put on screen. */
function screen() {
  const r: Rendered = { log: [], messages: [], conversations: [], badge: 0 };
  const ui = {
    log: (line: string) => r.log.push(line),
    renderMessages: (list: Rendered['messages']) => (r.messages = [...list]),
    renderConversations: (list: Rendered['conversations']) => (r.conversations = list),
    renderBadge: (n: number) => (r.badge = n),
  };
  return { r, ui };
}

const appUrl = new URL('../../examples/tencent-quickstart/chat-app.js', import.meta.url).href;

describe('the sample app from Tencent’s documentation', () => {
  test('two users chat: ready, send, receive, list, history, read, pin, delete, log out', async () => {
    const { startChatApp } = (await import(appUrl)) as { startChatApp: (config: object, ui: object) => any };
    const alice = uniqueUid('alice');
    const bob = uniqueUid('bob');
    const aliceSig = await server.createUser(alice);
    const bobSig = await server.createUser(bob);

    const a = screen();
    const b = screen();
    const aliceApp = startChatApp({ SDKAppID: 89_000_001, serverUrl: server.baseUrl, WebSocket, userID: alice, userSig: aliceSig }, a.ui);
    const bobApp = startChatApp({ SDKAppID: 89_000_002, serverUrl: server.baseUrl, WebSocket, userID: bob, userSig: bobSig }, b.ui);
    try {
      const login = await aliceApp.login();
      assert.equal(login.repeatLogin, false);
      await bobApp.login();
      await waitFor(() => aliceApp.state.ready && bobApp.state.ready, 5_000, 'SDK_READY in both apps');
      assert.equal(aliceApp.isReady(), true);
      assert.equal(aliceApp.state.netState, 'connected');
      assert.equal((await aliceApp.login()).repeatLogin, true);

      // Alice writes; bob's screen shows it; alice's own send does not come back to her.
      const sent = await aliceApp.sendText(bob, 'hello bob');
      assert.equal(sent.status, 'success');
      assert.equal(sent.flow, 'out');
      await waitFor(() => b.r.messages.length === 1, 5_000, "bob's message list");
      const { ID: shownID, ...shown } = b.r.messages[0]!;
      assert.deepEqual(shown, { from: alice, flow: 'in', text: 'hello bob' });
      assert.match(shownID, /^[0-9]+$/, "the server's ID on bob's side; alice's instance keeps the one it made");
      await waitFor(() => b.r.badge === 1, 5_000, "bob's badge");
      await waitFor(() => b.r.conversations.length === 1, 5_000, "bob's conversation list");
      assert.equal(b.r.conversations[0]!.conversationID, `C2C${alice}`);
      assert.equal(b.r.conversations[0]!.name, alice);
      assert.equal(b.r.conversations[0]!.preview, 'hello bob');
      assert.equal(b.r.conversations[0]!.unreadCount, 1);
      assert.ok(Math.abs(b.r.conversations[0]!.lastTime - Date.now() / 1000) < 60, 'lastTime in seconds');

      // Bob answers with text and dice; alice receives both, in order.
      await bobApp.sendText(alice, 'hi alice');
      await bobApp.sendDice(alice, 6);
      await waitFor(() => a.r.messages.length === 2, 5_000, "alice's messages");
      assert.deepEqual(a.r.messages.map((m) => m.text ?? `custom:${m.custom}`), ['hi alice', 'custom:dice']);
      await waitFor(() => a.r.conversations[0]?.preview === '[Custom Messages]', 5_000, 'the dice preview');
      assert.deepEqual(a.r.messages.filter((m) => m.flow === 'out'), [], 'no echo of her own message');

      // A longer history, pulled page by page.
      for (let i = 1; i <= 20; i += 1) await bobApp.sendText(alice, `line ${i}`);
      const history = await aliceApp.loadHistory(`C2C${bob}`);
      assert.ok(history.pages.length >= 2);
      assert.ok(history.pages.every((p: unknown[]) => p.length <= 15));
      const texts = history.messages.map((m: { payload: { text?: string; data?: string } }) => m.payload.text ?? m.payload.data);
      assert.deepEqual(texts, ['hello bob', 'hi alice', 'dice', ...Array.from({ length: 20 }, (_, i) => `line ${i + 1}`)]);
      assert.equal(new Set(history.messages.map((m: { ID: string }) => m.ID)).size, 23);

      // Opening the conversation reads it.
      await waitFor(() => aliceApp.totalUnread() === 22, 5_000, 'unread total 22');
      const opened = await aliceApp.openConversation(`C2C${bob}`);
      assert.equal(opened.userProfile.userID, bob);
      await waitFor(() => a.r.badge === 0, 5_000, 'badge cleared');

      const listed = await aliceApp.listConversations();
      assert.equal(listed.isSyncCompleted, true);
      assert.equal(listed.conversationList[0].lastMessage.messageForShow, 'line 20');

      assert.equal(await aliceApp.pin(`C2C${bob}`), `C2C${bob}`);
      await waitFor(() => a.r.conversations[0]?.isPinned === true, 5_000, 'pinned');
      assert.equal(await aliceApp.remove(`C2C${bob}`), `C2C${bob}`);
      await waitFor(() => a.r.conversations.length === 0, 5_000, 'deleted from the list');
      assert.deepEqual(aliceApp.state.errors, []);
    } finally {
      await aliceApp.quit();
      await bobApp.quit();
    }
    assert.ok(a.r.log.includes('SDK not ready'));
  });

  test('a second login with the same master token kicks the first app out (KICKED_OUT)', async () => {
    const { startChatApp } = (await import(appUrl)) as { startChatApp: (config: object, ui: object) => any };
    const alice = uniqueUid('alice');
    const sig = await server.createUser(alice, { deviceFlag: 1, deviceLevel: 1 });
    const first = startChatApp({ SDKAppID: 89_000_003, serverUrl: server.baseUrl, WebSocket, userID: alice, userSig: sig }, screen().ui);
    const second = startChatApp({ SDKAppID: 89_000_004, serverUrl: server.baseUrl, WebSocket, userID: alice, userSig: sig }, screen().ui);
    try {
      await first.login();
      await waitFor(() => first.state.ready, 5_000, 'first ready');
      await second.login();
      await waitFor(() => first.state.kickedOutType !== '', 5_000, 'first kicked out');
      assert.equal(first.state.kickedOutType, 'multipleAccount');
      assert.equal(first.state.ready, false);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(second.state.kickedOutType, '', 'the newer login stays');
    } finally {
      await first.quit();
      await second.quit();
    }
  });
});
