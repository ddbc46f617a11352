// End-to-end test of the web client: a real `natter serve --dev --web-dir web/dist` and Debian's
// Chromium driven by playwright-core. Run with `npm test` (it builds dist/ first).
//
// NATTER_BIN: the server binary; without it, $CARGO_TARGET_DIR/debug/natter.
// CHROMIUM: the browser (default /usr/bin/chromium).
// NATTER_SCREENSHOTS: where screenshots go (default: natter-web-screenshots in the temp dir).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, access } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
// The SDK's test helpers (built by `npm run build` in sdk/js): one way to start the server.
import { natterBin, spawnNatter } from '../../sdk/js/dist/testing/server.js';

const here = dirname(fileURLToPath(import.meta.url));
const webDir = join(here, '..');
const distDir = join(webDir, 'dist');
// Written by every run, outside the tree; docs/screenshot.png is a copy of 04-main.
const shotsDir = process.env.NATTER_SCREENSHOTS ?? join(tmpdir(), 'natter-web-screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = 10_000;

/**
 * A 64 × 40 PNG (two triangles), made with node:zlib (`deflateSync` of the rows, then the chunks
 * with their CRCs): the image the media step sends.
 */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAEAAAAAoCAIAAADBrGu+AAAAu0lEQVR42tXPuQ2AMBAEQFdHSv8FkDpwAyZBiMfye8+uNA1MiCnv28ErxJSpD1eAt/EK' +
    'MB6+AbpGOUDUqAUoDo0AfqMrgHzoDcA2xgKAjZkA1GEygNNYCiAcVgPuDZmAY0My4HIQDtg3VAKWB62AWUM3YNCwCKgejAJ6DdOAxsE6IN7wCQg2PAMi' +
    'B+fAegMisHJACUw3sAITDcTA0AE00N+ADvQc0APNBkeg0mAKFA9kgX+DMvA8sAbuxgl1l7MUF95OrQAAAABJRU5ErkJggg==',
  'base64',
);
const PNG_WIDTH = 64;
const PNG_HEIGHT = 40;

/** Demo tokens as the client creates them: the web device's, `demo-<uid>-device-1`. */
const tokenOf = (uid) => `demo-${uid}-device-1`;

let server;
let languageServices;
let dataDir;
let baseURL;
let browser;

/** What the stand-in speech-to-text service hears in every voice message. */
const SPOKEN = 'Running ten minutes late';

/**
 * The operator's language services, as the test stands them up: LibreTranslate's `/translate`
 * (Spanish to English for the words the translate step sends) and OpenAI's
 * `/v1/audio/transcriptions` (every audio file says SPOKEN). The test machine reaches no model.
 */
async function startLanguageServices() {
  const words = { 'Hola, ¿cómo estás?': 'Hello, how are you?' };
  languageServices = createServer(async (request, response) => {
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const answer = (json) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    if (request.url === '/translate') {
      const { q, target } = JSON.parse(body.toString());
      return answer({ translatedText: q.map((text) => words[text] ?? `[${target}] ${text}`) });
    }
    if (request.url === '/v1/audio/transcriptions') return answer({ text: SPOKEN });
    response.writeHead(404).end();
  });
  await new Promise((resolve) => languageServices.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${languageServices.address().port}`;
}

async function startServer() {
  dataDir = await mkdtemp(join(tmpdir(), 'natter-web-e2e-'));
  const services = await startLanguageServices();
  server = await spawnNatter(natterBin(), [
    '--listen', '127.0.0.1:0',
    '--data-dir', join(dataDir, 'db'),
    '--dev',
    '--rate-limit', '0',
    '--web-dir', distDir,
    '--sync-conversation-deletion',
    '--translation-url', `${services}/translate`,
    '--speech-to-text-url', `${services}/v1/audio/transcriptions`,
  ]);
  return server.baseUrl;
}

/** A client-API call as a user, from the test itself (to check what the UI shows). */
async function api(path, token, body) {
  const response = await fetch(baseURL + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  assert.ok(response.ok, `${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** A server-API call without a token (dev mode, loopback). */
async function devPost(path, body) {
  const response = await fetch(baseURL + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.ok(response.ok, `${path}: ${response.status} ${await response.text()}`);
}

async function newPage(viewport = { width: 1200, height: 800 }) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  watch(page);
  return page;
}

const pageErrors = [];
function watch(page) {
  page.on('pageerror', (err) => pageErrors.push(err.message));
}

/** Opens the client and clicks a demo user's button; resolves once the synced list shows. */
async function signInDemo(page, uid) {
  await page.goto(baseURL + '/');
  await page.click(`[data-demo-user=${uid}]`);
  await page.waitForSelector('#conv-list');
  await page.waitForSelector('#conv-list li');
}

/** Signs in with the token form. */
async function signInWithToken(page, uid, token) {
  await page.fill('#signin-uid', uid);
  await page.fill('#signin-token', token);
  await page.click('.signin-form button[type=submit]');
}

const item = (id) => `#conv-list li[data-id="${id}"]`;

async function shot(page, name, { toasts = true } = {}) {
  const hide = (hidden) => {
    const box = document.getElementById('toasts');
    if (box) box.style.visibility = hidden ? 'hidden' : '';
  };
  if (!toasts) await page.evaluate(hide, true);
  await page.waitForTimeout(150); // let focus rings settle
  await page.screenshot({ path: join(shotsDir, `${name}.png`) });
  if (!toasts) await page.evaluate(hide, false);
}

/**
 * `page.route`, resolved once the page's own requests are caught. Chromium turns interception on
 * for the page a moment after `page.route` resolves: a request the page makes at once can go past
 * the handler, unseen even by `page.on('request')` (an edit the conflict step holds back once went
 * straight through that way). So the page sends a probe (header `x-e2e-probe`, answered 204 by the
 * route itself) until one is caught; a probe that gets past reaches the server without a token and
 * changes nothing.
 */
async function routeNow(page, url, handler) {
  await page.route(url, (route, request) =>
    request.headers()['x-e2e-probe'] ? route.fulfill({ status: 204 }) : handler(route, request),
  );
  const path = url.replace(/^\*\*/, '');
  for (let probes = 0; probes < 50; probes++) {
    const status = await page.evaluate((p) => fetch(p, { headers: { 'x-e2e-probe': '1' } }).then((r) => r.status), path);
    if (status === 204) return;
  }
  throw new Error(`${url}: the page's requests are still not intercepted`);
}

/** What `promise` gives, or a failure saying `what` after TIMEOUT ms (rather than a hang). */
async function within(promise, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(what)), TIMEOUT);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function openMenu(page, id) {
  await page.click(`${item(id)} .conv-more`);
  await page.waitForSelector('#conv-menu');
}

async function menuAction(page, id, action) {
  await openMenu(page, id);
  await page.click(`#conv-menu [data-action="${action}"]`);
  await page.waitForSelector('#conv-menu', { state: 'detached' });
}

/** The title carries the server's unread total: `(n) Natter · uid`, or no number at 0. */
async function expectTitleTotal(page, uid) {
  const { totalUnreadCount } = await api('/v1/unread', tokenOf(uid));
  const prefix = totalUnreadCount > 0 ? `(${totalUnreadCount}) Natter` : 'Natter';
  await page.waitForFunction((p) => document.title.startsWith(p), prefix);
  return totalUnreadCount;
}

async function ids(page) {
  return page.$$eval('#conv-list li', (lis) => lis.map((li) => li.dataset.id));
}

before(async () => {
  await access(join(distDir, 'app.js')); // npm test builds it first
  await mkdir(shotsDir, { recursive: true });
  baseURL = await startServer();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  languageServices?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test('the web client against a real server', async (t) => {
  let alice; // alice on her web device
  let alice2; // alice again, in a second tab with the same (web device) token
  let bob;
  let lunch; // the conversation of the group alice creates from the ✎ dialog
  // The steps build on each other: after a failure, the rest are skipped rather than piling up.
  let failed = false;
  const step = (name, fn) =>
    t.test(name, { skip: failed && 'an earlier step failed' }, async (st) => {
      try {
        await fn(st);
      } catch (err) {
        failed = true;
        for (const [who, page] of [['alice', alice], ['alice2', alice2], ['bob', bob]]) {
          if (page && !page.isClosed()) {
            await page.screenshot({ path: join(shotsDir, `failure-${who}.png`) }).catch(() => {});
            console.error(`${who}: title=${await page.title().catch(() => '?')}`);
          }
        }
        throw err;
      }
    });

  await step('serves the client and reports dev mode', async () => {
    const index = await fetch(baseURL + '/');
    assert.equal(index.status, 200);
    assert.match(await index.text(), /<script type="module" src="app.js">/);
    const dev = await fetch(baseURL + '/v1/dev');
    assert.deepEqual(await dev.json(), { dev: true });
  });

  await step('signs in two users with the dev buttons', async () => {
    alice = await newPage();
    await alice.goto(baseURL + '/');
    await alice.waitForSelector('[data-demo-user=alice]');
    await shot(alice, '01-sign-in');
    await signInDemo(alice, 'alice');
    await alice.waitForSelector(item('GROUPdemo'));
    await alice.waitForSelector(item('C2Ccarol'));
    assert.equal(await alice.textContent('.me-name'), 'alice');
    // carol's seed message is unread: a badge, and the total in the title
    assert.equal(await alice.textContent(`${item('C2Ccarol')} .badge`), '1');
    assert.equal(await alice.textContent(`${item('GROUPdemo')} .badge`), '2');
    assert.equal(await expectTitleTotal(alice, 'alice'), 3);

    bob = await newPage();
    await signInDemo(bob, 'bob');
    await bob.waitForSelector(item('C2Ccarol'));
    assert.equal(await bob.textContent('.me-name'), 'bob');
  });

  await step('sends messages between them, live, and reading clears the badge', async () => {
    // alice starts a conversation with bob from the ✎ button
    await alice.click('#new-chat');
    // an ID the server would refuse is caught in the dialog, before a conversation opens
    await alice.fill('#new-peer', 'bob smith');
    await alice.click('#new-open');
    assert.equal(await alice.isVisible('#new-dialog[open]'), true, 'the dialog stays open');
    assert.equal(await alice.$eval('#new-peer', (el) => el.validity.patternMismatch), true);
    // Enter in the field opens it (not the dialog's first button, Cancel)
    await alice.fill('#new-peer', 'bob');
    await alice.press('#new-peer', 'Enter');
    await alice.waitForSelector('#composer-input');
    await alice.fill('#composer-input', 'Hi Bob! Lunch at noon?');
    await alice.press('#composer-input', 'Enter');
    await alice.waitForSelector('#msg-list .msg-mine[data-seq] >> text=Hi Bob! Lunch at noon?');
    await alice.waitForSelector(item('C2Cbob'));

    // bob sees it arrive over the WebSocket: entry, preview, badge, title
    await bob.waitForSelector(`${item('C2Calice')} .badge`);
    assert.equal(await bob.textContent(`${item('C2Calice')} .badge`), '1');
    assert.equal(await bob.textContent(`${item('C2Calice')} .conv-preview`), 'Hi Bob! Lunch at noon?');
    const before = await expectTitleTotal(bob, 'bob');
    await shot(bob, '02-unread-badge');

    // bob opens it: the history shows, the badge and the title count clear
    await bob.click(`${item('C2Calice')} .conv-main`);
    await bob.waitForSelector('#msg-list >> text=Hi Bob! Lunch at noon?');
    await bob.waitForSelector(`${item('C2Calice')} .badge`, { state: 'detached' });
    await bob.waitForFunction((p) => document.title.startsWith(p), `(${before - 1}) Natter`);
    const unread = await api('/v1/conversations/C2Calice', tokenOf('bob'));
    assert.equal(unread.unreadCount, 0);
    // and alice, who has the conversation open, sees her message read
    await alice.waitForSelector('#msg-list .msg-mine[data-seq] .msg-read >> text=Read');

    // bob answers twice; alice has the conversation open, so it appears there and stays read
    await bob.fill('#composer-input', 'Sounds good, see you there.');
    await bob.click('#send');
    await bob.fill('#composer-input', 'The usual place?');
    await bob.press('#composer-input', 'Enter');
    await alice.waitForSelector('#msg-list >> text=The usual place?');
    assert.equal(await alice.locator('#msg-list .msg[data-seq]').count(), 3);
    await alice.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent === 'The usual place?',
      `${item('C2Cbob')} .conv-preview`,
    );
    await alice.waitForSelector(`${item('C2Cbob')} .badge`, { state: 'detached' });
  });

  await step('context menu: pin, star, mute, folders, archive and restore', async () => {
    // pin with a right click
    await alice.click(`${item('GROUPdemo')} .conv-main`, { button: 'right' });
    await alice.waitForSelector('#conv-menu');
    await shot(alice, '03-context-menu');
    await alice.click('#conv-menu [data-action="pin"]');
    await alice.waitForSelector(`${item('GROUPdemo')} .flag-pin`);
    assert.equal((await ids(alice))[0], 'GROUPdemo', 'pinned on top');

    // star from the keyboard: focus the entry, Shift+F10 opens the menu, arrows move, Enter runs
    await alice.focus(`${item('C2Cbob')} .conv-main`);
    await alice.keyboard.press('Shift+F10');
    await alice.waitForSelector('#conv-menu');
    for (let i = 0; i < 10; i++) {
      if ((await alice.evaluate(() => document.activeElement?.dataset.action)) === 'star') break;
      await alice.keyboard.press('ArrowDown');
    }
    await alice.keyboard.press('Enter');
    await alice.waitForSelector(`${item('C2Cbob')} .flag-star`);

    // mute carol: her unread message leaves the total
    await menuAction(alice, 'C2Ccarol', 'mute');
    await alice.waitForSelector(`${item('C2Ccarol')} .flag-muted`);
    await alice.waitForSelector(`${item('C2Ccarol')} .badge-muted`);
    assert.equal(await expectTitleTotal(alice, 'alice'), 2, 'only the demo group counts now');
    const conv = await api('/v1/conversations/C2Ccarol', tokenOf('alice'));
    assert.equal(conv.messageRemindType, 'AcceptNotNotify');

    // a folder for the demo group, then filter by it
    await menuAction(alice, 'GROUPdemo', 'folder-add');
    await alice.fill('#folder-name', 'Work');
    await alice.click('#folder-add');
    await alice.waitForSelector('#filters [data-folder="Work"]');
    await alice.waitForSelector(`${item('GROUPdemo')} .folder-tag >> text=Work`);
    await alice.click('#filters [data-folder="Work"]');
    await alice.waitForFunction(() => document.querySelectorAll('#conv-list li').length === 1);
    assert.deepEqual(await ids(alice), ['GROUPdemo']);
    await alice.click('#filters [data-folder=""]');
    await alice.waitForFunction(() => document.querySelectorAll('#conv-list li').length === 3);

    // the main view, for the README
    await alice.click(`${item('C2Cbob')} .conv-main`);
    await alice.waitForSelector('#msg-list >> text=The usual place?');
    await alice.focus('#composer-input');
    await shot(alice, '04-main', { toasts: false });

    // archive carol: out of the chats, into Archived; restore brings her back
    await menuAction(alice, 'C2Ccarol', 'archive');
    await alice.waitForSelector(item('C2Ccarol'), { state: 'detached' });
    await alice.click('#tab-archived');
    await alice.waitForSelector(item('C2Ccarol'));
    await shot(alice, '05-archived');
    await menuAction(alice, 'C2Ccarol', 'restore');
    await alice.waitForSelector(item('C2Ccarol'), { state: 'detached' });
    await alice.click('#tab-chats');
    await alice.waitForSelector(item('C2Ccarol'));
  });

  await step('history scrolls back page by page', async () => {
    await devPost('/user/token', { uid: 'dave', token: 'dave-token-1', device_flag: 0 });
    for (let n = 1; n <= 75; n++) {
      await devPost('/message/send', {
        from_uid: 'dave',
        channel_id: 'alice',
        channel_type: 1,
        payload: Buffer.from(JSON.stringify({ text: `Message ${n} from dave` })).toString('base64'),
      });
    }
    await alice.waitForSelector(`${item('C2Cdave')} .badge >> text=75`);
    await alice.click(`${item('C2Cdave')} .conv-main`);
    await alice.waitForSelector('#msg-list >> text=Message 75 from dave');
    const first = await alice.locator('#msg-list .msg[data-seq]').count();
    assert.ok(first < 75, `only the newest pages at first (${first})`);
    // scroll to the top until the beginning of the conversation shows
    for (let i = 0; i < 20; i++) {
      await alice.$eval('#messages', (el) => (el.scrollTop = 0));
      await alice.waitForTimeout(150);
      if ((await alice.textContent('#history-status')) === 'Beginning of the conversation') break;
    }
    assert.equal(await alice.textContent('#history-status'), 'Beginning of the conversation');
    assert.equal(await alice.locator('#msg-list .msg[data-seq]').count(), 75);
    assert.equal(await alice.textContent('#msg-list .msg[data-seq="1"] .msg-text'), 'Message 1 from dave');
    await alice.waitForSelector(`${item('C2Cdave')} .badge`, { state: 'detached' });
  });

  await step('keeps unsent text as the draft: in the list, across a reload, cleared by sending', async () => {
    await alice.click(`${item('C2Ccarol')} .conv-main`);
    await alice.waitForSelector('#msg-list >> text=Lunch tomorrow?');
    // the composer grows with the lines typed
    const oneLine = await alice.$eval('#composer-input', (el) => el.offsetHeight);
    await alice.fill('#composer-input', 'one\ntwo\nthree');
    assert.ok((await alice.$eval('#composer-input', (el) => el.offsetHeight)) > oneLine + 20, 'taller for three lines');
    await alice.fill('#composer-input', 'Half a thought <b>not bold</b>');
    // leaving the conversation keeps the text: the list shows it in place of the last message
    await alice.click(`${item('C2Cdave')} .conv-main`);
    await alice.waitForSelector(`${item('C2Ccarol')} .conv-draft >> text=Half a thought <b>not bold</b>`);
    assert.equal(await alice.textContent(`${item('C2Ccarol')} .conv-preview`), 'Draft: Half a thought <b>not bold</b>');
    const saved = await api('/v1/conversations/C2Ccarol', tokenOf('alice'));
    assert.equal(saved.draftText, 'Half a thought <b>not bold</b>', 'stored on the server');
    await shot(alice, '05b-draft');
    // back in it, the text is in the composer; typing more and reloading at once keeps that too
    await alice.click(`${item('C2Ccarol')} .conv-main`);
    assert.equal(await alice.inputValue('#composer-input'), 'Half a thought <b>not bold</b>');
    await alice.fill('#composer-input', 'Half a thought, then more');
    await alice.reload();
    // the reload opens the conversation again (the address names it), with the draft in the composer
    await alice.waitForFunction(() => document.querySelector('#pane-title')?.textContent === 'carol');
    assert.equal(new URL(alice.url()).hash, '#C2Ccarol');
    assert.equal(await alice.inputValue('#composer-input'), 'Half a thought, then more');
    assert.equal((await api('/v1/conversations/C2Ccarol', tokenOf('alice'))).draftText, 'Half a thought, then more');
    // sending it clears the draft, here and on the server
    await alice.press('#composer-input', 'Enter');
    await alice.waitForSelector('#msg-list .msg-mine[data-seq] >> text=Half a thought, then more');
    await alice.click(`${item('C2Cdave')} .conv-main`);
    await alice.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent === 'You: Half a thought, then more',
      `${item('C2Ccarol')} .conv-preview`,
    );
    assert.equal((await api('/v1/conversations/C2Ccarol', tokenOf('alice'))).draftText, '');
  });

  await step('a send whose answer is lost shows "not sent"; Retry sends it once', async () => {
    await alice.click(`${item('C2Ccarol')} .conv-main`);
    await alice.waitForSelector('#msg-list >> text=Lunch tomorrow?');
    // the server stores the message, but its answer never reaches the page
    let lost = false;
    await routeNow(alice, '**/v1/messages', async (route) => {
      if (route.request().method() !== 'POST' || lost) return route.fallback();
      lost = true;
      await route.fetch();
      await route.abort('connectionreset');
    });
    await alice.fill('#composer-input', 'Did you get this?');
    await alice.press('#composer-input', 'Enter');
    await alice.waitForSelector('#msg-list .msg-failed >> text=Did you get this?');
    // said in words a user understands, not as the request and the browser's error
    await alice.waitForSelector('.toast >> text=Not sent: the server could not be reached. Check the connection and try again.');
    await alice.unroute('**/v1/messages');
    // Retry resends with the same client message ID: the server keeps one copy
    await alice.click('#msg-list .msg-failed .msg-retry');
    await alice.waitForSelector('#msg-list .msg[data-seq] >> text=Did you get this?');
    assert.equal(await alice.locator('#msg-list .msg-failed').count(), 0);
    const carols = await api('/v1/conversations/C2Calice/messages', tokenOf('carol'));
    const copies = carols.messageList.filter((m) => m.payload.text === 'Did you get this?');
    assert.equal(copies.length, 1, 'one message on the server');
  });

  await step('a second tab of alice (same device token) shows the same list', async () => {
    alice2 = await alice.context().newPage();
    alice2.setDefaultTimeout(TIMEOUT);
    watch(alice2);
    await signInDemo(alice2, 'alice');
    await alice2.waitForSelector(item('C2Cbob'));
    assert.deepEqual((await ids(alice2)).sort(), (await ids(alice)).sort());
  });

  await step('deletes a conversation keeping the history', async () => {
    await alice.bringToFront();
    await alice.click(`${item('C2Cbob')} .conv-main`);
    await alice.waitForSelector('#msg-list >> text=The usual place?');
    // text typed and not sent is not saved as a draft when the conversation is deleted (a draft
    // would bring it back)
    await alice.fill('#composer-input', 'Never mind');
    await alice.click(`${item('C2Cbob')} .conv-main`, { button: 'right' });
    await alice.click('#conv-menu [data-action="delete"]');
    await alice.waitForSelector('#delete-dialog[open]');
    assert.equal(await alice.isChecked('#delete-clear'), true, 'clearing is the default');
    assert.equal(await alice.isVisible('#delete-warning'), true);
    await alice.uncheck('#delete-clear');
    assert.equal(await alice.isVisible('#delete-warning'), false);
    assert.equal(await alice.isVisible('#delete-keep-note'), true);
    await shot(alice, '06-delete-keep-history');
    await alice.click('#delete-confirm');
    // gone at once here…
    await alice.waitForSelector(item('C2Cbob'), { state: 'detached', timeout: 1000 });
    assert.equal(await alice.isVisible('#composer'), false, 'the open conversation closed');
    // …and in the other tab (deletion sync is on)
    await alice2.waitForSelector(item('C2Cbob'), { state: 'detached' });
    await alice2.waitForSelector('.toast >> text=Deleted on another device: bob');
    await alice2.bringToFront();
    await shot(alice2, '07-other-tab-synced');
    await alice.waitForTimeout(300);
    const listed = await api('/v1/conversations', tokenOf('alice'));
    assert.ok(!listed.conversationList.some((c) => c.conversationID === 'C2Cbob'), 'still deleted');
    const history = await api('/v1/conversations/C2Cbob/messages', tokenOf('alice'));
    assert.equal(history.messageList.length, 3, 'the history is kept');

    // a new message from bob brings it back, with the old messages
    await bob.fill('#composer-input', 'Still on for lunch?');
    await bob.press('#composer-input', 'Enter');
    await alice.waitForSelector(`${item('C2Cbob')} .badge >> text=1`);
    await alice2.waitForSelector(item('C2Cbob'));
    await alice.bringToFront();
    await alice.click(`${item('C2Cbob')} .conv-main`);
    await alice.waitForSelector('#msg-list >> text=Still on for lunch?');
    await alice.waitForSelector('#msg-list >> text=Hi Bob! Lunch at noon?');
    assert.equal(await alice.locator('#msg-list .msg[data-seq]').count(), 4);
  });

  await step('deletes a conversation clearing the history, from the keyboard', async () => {
    // arrow keys move through the list, Enter opens
    const focusedID = () => alice.evaluate(() => document.activeElement?.closest('li')?.dataset.id);
    const order = await ids(alice);
    await alice.focus(`${item(order[0])} .conv-main`);
    await alice.keyboard.press('ArrowDown');
    assert.equal(await focusedID(), order[1]);
    await alice.keyboard.press('End');
    assert.equal(await focusedID(), order.at(-1));
    await alice.keyboard.press('Home');
    assert.equal(await focusedID(), order[0]);
    await alice.keyboard.press('ArrowDown');
    await alice.keyboard.press('ArrowDown');
    assert.equal(await focusedID(), order[2]);
    await alice.keyboard.press('Enter');
    await alice.waitForFunction((name) => document.querySelector('#pane-title')?.textContent === name, order[2].slice(3));
    // Delete on the focused entry asks first
    await alice.focus(`${item('C2Cbob')} .conv-main`);
    await alice.keyboard.press('Delete');
    await alice.waitForSelector('#delete-dialog[open]');
    assert.equal(await alice.isChecked('#delete-clear'), true);
    assert.match(await alice.textContent('#delete-warning'), /cannot be recovered/);
    // the safe choice has the focus
    assert.equal(await alice.evaluate(() => document.activeElement?.id), 'delete-cancel');
    await shot(alice, '08-delete-clear-history');
    await alice.click('#delete-confirm');
    await alice.waitForSelector(item('C2Cbob'), { state: 'detached', timeout: 1000 });
    await alice2.waitForSelector(item('C2Cbob'), { state: 'detached' });
    // the focus moved to the next entry, so the keyboard user can go on
    assert.equal(await alice.evaluate(() => document.activeElement?.classList.contains('conv-main')), true);

    const history = await api('/v1/conversations/C2Cbob/messages', tokenOf('alice'));
    assert.equal(history.messageList.length, 0, 'the history is cleared');
    // in the client too: reopening the chat with bob shows no messages
    await alice.click('#new-chat');
    await alice.fill('#new-peer', 'bob');
    await alice.click('#new-open');
    await alice.waitForSelector('#history-status >> text=No messages yet. Say hello!');
    assert.equal(await alice.locator('#msg-list .msg').count(), 0);
    // bob keeps his copy
    const bobs = await api('/v1/conversations/C2Calice/messages', tokenOf('bob'));
    assert.equal(bobs.messageList.length, 4);
    if (await alice.isVisible('#back')) await alice.click('#back'); // only at phone width
  });

  await step('deletes several selected conversations at once', async () => {
    await alice.click('#select-mode');
    await alice.click(`${item('C2Cdave')} .conv-main`);
    await alice.click(`${item('C2Ccarol')} .conv-main`);
    assert.equal(await alice.textContent('#delete-selected'), 'Delete (2)');
    await shot(alice, '09-select-several');
    await alice.click('#delete-selected');
    await alice.waitForSelector('#delete-dialog[open]');
    assert.equal(await alice.textContent('#delete-title'), 'Delete 2 conversations?');
    await alice.click('#delete-confirm');
    await alice.waitForFunction(() => document.querySelectorAll('#conv-list li').length === 1, null, { timeout: 1000 });
    assert.deepEqual(await ids(alice), ['GROUPdemo']);
    await alice2.waitForFunction(() => document.querySelectorAll('#conv-list li').length === 1);
    const list = await api('/v1/conversations', tokenOf('alice'));
    assert.deepEqual(list.conversationList.map((c) => c.conversationID), ['GROUPdemo']);
  });

  await step('selects at most 100 conversations, as many as one delete takes', async () => {
    await devPost('/user/token', { uid: 'erin', token: 'erin-token-1', device_flag: 0 });
    for (let n = 1; n <= 101; n++) {
      await devPost('/user/token', { uid: `fan${n}`, token: `fan-token-${n}`, device_flag: 0 });
      await devPost('/message/send', {
        from_uid: `fan${n}`,
        channel_id: 'erin',
        channel_type: 1,
        payload: Buffer.from(JSON.stringify({ text: `Hello from fan ${n}` })).toString('base64'),
      });
    }
    const erin = await newPage();
    await erin.goto(baseURL + '/');
    await signInWithToken(erin, 'erin', 'erin-token-1');
    await erin.waitForFunction(() => document.querySelectorAll('#conv-list li').length === 101);
    await erin.click('#select-mode');
    const rows = await ids(erin);
    for (const id of rows.slice(0, 100)) await erin.click(`${item(id)} .conv-main`);
    assert.equal(await erin.textContent('#delete-selected'), 'Delete (100)');
    // the 101st is refused, and says why
    await erin.click(`${item(rows[100])} .conv-main`);
    await erin.waitForSelector('.toast >> text=You can select up to 100 conversations at a time.');
    assert.equal(await erin.textContent('#delete-selected'), 'Delete (100)');
    await erin.click('#delete-selected');
    await erin.waitForSelector('#delete-dialog[open]');
    await erin.click('#delete-confirm');
    await erin.waitForFunction(() => document.querySelectorAll('#conv-list li').length === 1);
    // the rows leave at once; the toast says when the server has answered
    await erin.waitForSelector('.toast >> text=and cleared the history');
    const list = await api('/v1/conversations', 'erin-token-1');
    assert.deepEqual(list.conversationList.map((c) => c.conversationID), [rows[100]]);
    await erin.context().close();
  });

  await step('recalls a message: a stub in both tabs and for the peer; the server refusing is said plainly', async () => {
    const mineRow = (page, text) => page.locator('#msg-list li.msg', { hasText: text });
    for (const page of [bob, alice2, alice]) {
      await page.bringToFront();
      await page.click(`${item('GROUPdemo')} .conv-main`);
      await page.waitForSelector('#composer-input');
    }
    await alice.fill('#composer-input', 'Oops, wrong chat');
    await alice.press('#composer-input', 'Enter');
    await alice.waitForSelector('#msg-list .msg-mine[data-seq] >> text=Oops, wrong chat');
    await bob.waitForSelector('#msg-list >> text=Oops, wrong chat');
    await alice2.waitForSelector('#msg-list >> text=Oops, wrong chat');

    // the message menu, by right-click: Add reaction, Edit, Translate, Recall, Pin (a work group:
    // every member pins) and Delete for me on one's own message
    await mineRow(alice, 'Oops, wrong chat').click({ button: 'right' });
    await alice.waitForSelector('#msg-menu');
    assert.deepEqual(
      await alice.$$eval('#msg-menu [role=menuitem]', (items) => items.map((i) => i.dataset.action)),
      ['react', 'edit', 'translate', 'recall', 'pin-message', 'delete-for-me'],
    );
    await shot(alice, '15-message-menu');
    await alice.click('#msg-menu [data-action="recall"]');
    await alice.waitForSelector('#msg-list .msg-recalled >> text=You recalled a message');
    assert.equal(await alice.locator('#msg-list >> text=Oops, wrong chat').count(), 0);
    await alice2.waitForSelector('#msg-list .msg-recalled >> text=You recalled a message');
    await bob.waitForSelector('#msg-list .msg-recalled >> text=alice recalled a message');
    assert.equal(await bob.locator('#msg-list >> text=Oops, wrong chat').count(), 0, 'the content is gone');
    await bob.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent === 'alice recalled a message',
      `${item('GROUPdemo')} .conv-preview`,
    );
    await alice.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent === 'You recalled a message',
      `${item('GROUPdemo')} .conv-preview`,
    );
    await bob.bringToFront();
    await shot(bob, '16-recalled');
    const history = await api('/v1/conversations/GROUPdemo/messages', tokenOf('bob'));
    const stub = history.messageList.at(-1);
    assert.deepEqual([stub.isRevoked, stub.revoker, stub.payload], [true, 'alice', {}]);
    // a stub offers no Recall; someone else's message neither
    await mineRow(bob, 'alice recalled a message').click({ button: 'right' });
    await bob.waitForSelector('#msg-menu');
    assert.deepEqual(await bob.$$eval('#msg-menu [role=menuitem]', (items) => items.map((i) => i.dataset.action)), ['delete-for-me']);
    await bob.keyboard.press('Escape');
    await bob.waitForSelector('#msg-menu', { state: 'detached' });

    // after the server's window: its refusal, in plain words; the message stays, without Recall
    await alice.bringToFront();
    await alice.fill('#composer-input', 'Too late for this one');
    await alice.press('#composer-input', 'Enter');
    await alice.waitForSelector('#msg-list .msg-mine[data-seq] >> text=Too late for this one');
    await routeNow(alice, '**/v1/messages/revoke', (route) =>
      route.fulfill({
        status: 403,
        contentType: 'application/json',
        body: JSON.stringify({
          code: 40303,
          error: 'recall_window_passed',
          message: 'messageID: this message was sent more than 120 s ago; a sender recalls within 120 s',
          requestID: 'e2e',
        }),
      }),
    );
    // from the keyboard this time: the message row, Shift+F10, ↓ ↓ ↓ to Recall, Enter
    await mineRow(alice, 'Too late for this one').focus();
    await alice.keyboard.press('Shift+F10');
    await alice.waitForSelector('#msg-menu');
    assert.equal(await alice.evaluate(() => document.activeElement?.dataset.action), 'react');
    await alice.keyboard.press('ArrowDown');
    assert.equal(await alice.evaluate(() => document.activeElement?.dataset.action), 'edit');
    await alice.keyboard.press('ArrowDown');
    assert.equal(await alice.evaluate(() => document.activeElement?.dataset.action), 'translate');
    await alice.keyboard.press('ArrowDown');
    assert.equal(await alice.evaluate(() => document.activeElement?.dataset.action), 'recall');
    await alice.keyboard.press('Enter');
    await alice.waitForSelector(
      '.toast-error >> text=Too late to recall: the server allows recalling a message for 120 s after sending it.',
    );
    assert.equal(await mineRow(alice, 'Too late for this one').count(), 1, 'the message stays');
    await alice.unroute('**/v1/messages/revoke');
    await mineRow(alice, 'Too late for this one').click({ button: 'right' });
    await alice.waitForSelector('#msg-menu');
    assert.deepEqual(
      await alice.$$eval('#msg-menu [role=menuitem]', (items) => items.map((i) => i.dataset.action)),
      ['react', 'edit', 'translate', 'pin-message', 'delete-for-me'],
    );
    await alice.keyboard.press('Escape');
    await alice.waitForSelector('#msg-menu', { state: 'detached' });
  });

  await step("translates a text and writes out a voice message, by the server's language services", async () => {
    const rowOf = (page, text) => page.locator('#msg-list li.msg', { hasText: text });
    const actionsOn = (page) => page.$$eval('#msg-menu [role=menuitem]', (items) => items.map((i) => i.dataset.action));
    await bob.bringToFront();
    await bob.fill('#composer-input', 'Hola, ¿cómo estás?');
    await bob.press('#composer-input', 'Enter');
    await alice.bringToFront();
    await alice.waitForSelector('#msg-list >> text=Hola, ¿cómo estás?');

    // Translate, from the message's menu (a work group: every member pins too): the translation,
    // into the browser's English, under it
    await rowOf(alice, 'Hola, ¿cómo estás?').click({ button: 'right' });
    await alice.waitForSelector('#msg-menu');
    assert.deepEqual(await actionsOn(alice), ['react', 'translate', 'pin-message', 'delete-for-me']);
    await alice.click('#msg-menu [data-action="translate"]');
    const translation = rowOf(alice, 'Hola, ¿cómo estás?').locator('.msg-rendering[data-service="translate"]');
    await translation.waitFor();
    assert.equal(await translation.textContent(), 'TranslationHello, how are you?');
    // once shown, not offered again; nothing changed for bob
    await rowOf(alice, 'Hola, ¿cómo estás?').click({ button: 'right' });
    await alice.waitForSelector('#msg-menu');
    assert.deepEqual(await actionsOn(alice), ['react', 'pin-message', 'delete-for-me']);
    await alice.keyboard.press('Escape');
    assert.equal(await bob.locator('#msg-list .msg-rendering').count(), 0);

    // bob's phone sends a voice message (as a mobile SDK would: the file, then the message)
    const voice = Buffer.from('ID3 a few seconds of speech');
    const uploaded = await fetch(`${baseURL}/v1/files?name=voice.mp3`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf('bob')}`, 'content-type': 'audio/mpeg' },
      body: voice,
    }).then((r) => r.json());
    const url = baseURL + uploaded.url;
    await api('/v1/messages', tokenOf('bob'), {
      conversationID: 'GROUPdemo',
      type: 'TIMSoundElem',
      payload: { uuid: uploaded.fileID, url, remoteAudioUrl: url, size: voice.length, second: 3, downloadFlag: 2 },
    });
    const voiceRow = alice.locator('#msg-list li.msg', { has: alice.locator('audio.msg-audio') }).last();
    await voiceRow.waitFor();
    await voiceRow.click({ button: 'right' });
    await alice.waitForSelector('#msg-menu');
    assert.deepEqual(await actionsOn(alice), ['react', 'transcribe', 'pin-message', 'delete-for-me']);
    await alice.click('#msg-menu [data-action="transcribe"]');
    const transcript = voiceRow.locator('.msg-rendering[data-service="transcribe"]');
    await transcript.waitFor();
    assert.equal(await transcript.textContent(), `Transcript${SPOKEN}`);
    await shot(alice, '16b-translated-and-transcribed', { toasts: false });

    // a server without the service (501 not_configured, as the second tab is answered): said
    // plainly, and the item is not offered again
    await alice2.bringToFront();
    await routeNow(alice2, '**/v1/translate', (route) =>
      route.fulfill({
        status: 501,
        contentType: 'application/json',
        body: JSON.stringify({
          code: 50101,
          error: 'not_configured',
          message: 'translation is not set up on this server (its operator sets --translation-url)',
          requestID: 'e2e',
        }),
      }),
    );
    await alice2.waitForSelector('#msg-list >> text=Hola, ¿cómo estás?');
    await rowOf(alice2, 'Hola, ¿cómo estás?').click({ button: 'right' });
    await alice2.waitForSelector('#msg-menu');
    await alice2.click('#msg-menu [data-action="translate"]');
    await alice2.waitForSelector('.toast-error >> text=Translation is not set up on this server.');
    assert.equal(await rowOf(alice2, 'Hola, ¿cómo estás?').locator('.msg-rendering').count(), 0);
    await rowOf(alice2, 'Hola, ¿cómo estás?').click({ button: 'right' });
    await alice2.waitForSelector('#msg-menu');
    assert.deepEqual(await actionsOn(alice2), ['react', 'pin-message', 'delete-for-me']);
    await alice2.keyboard.press('Escape');
    await alice2.unroute('**/v1/translate');
    await alice.bringToFront();
  });

  await step('deletes a message for me: gone in both tabs, kept for the peer', async () => {
    await bob.fill('#composer-input', 'Meeting moved to 3pm');
    await bob.press('#composer-input', 'Enter');
    await alice.waitForSelector('#msg-list >> text=Meeting moved to 3pm');
    await alice2.waitForSelector('#msg-list >> text=Meeting moved to 3pm');
    // the ⋯ button shows on hover (and on focus)
    const row = alice.locator('#msg-list li.msg', { hasText: 'Meeting moved to 3pm' });
    await row.hover();
    await row.locator('.msg-more').click();
    await alice.waitForSelector('#msg-menu');
    await alice.click('#msg-menu [data-action="delete-for-me"]');
    await alice.waitForSelector('#msg-list >> text=Meeting moved to 3pm', { state: 'detached' });
    await alice2.waitForSelector('#msg-list >> text=Meeting moved to 3pm', { state: 'detached' });
    const mine = await api('/v1/conversations/GROUPdemo/messages', tokenOf('alice'));
    assert.ok(!mine.messageList.some((m) => m.payload?.text === 'Meeting moved to 3pm'), 'gone from her history');
    const theirs = await api('/v1/conversations/GROUPdemo/messages', tokenOf('bob'));
    assert.ok(theirs.messageList.some((m) => m.payload?.text === 'Meeting moved to 3pm'), 'kept in his');
    assert.equal(await bob.locator('#msg-list >> text=Meeting moved to 3pm').count(), 1);
  });

  await step('signs in with a pasted token, and refuses a wrong one', async () => {
    const page = await newPage();
    await page.goto(baseURL + '/');
    await page.fill('#signin-uid', 'dave');
    await page.fill('#signin-token', 'not-daves-token');
    await page.press('#signin-token', 'Enter');
    await page.waitForSelector('#signin-error >> text=This token is not valid on this server.');
    await signInWithToken(page, 'dave', 'dave-token-1');
    await page.waitForSelector(item('C2Calice'));
    assert.equal(await page.textContent('.me-name'), 'dave');
    // a reload keeps the tab signed in
    await page.reload();
    await page.waitForSelector(item('C2Calice'));
    // signing out destroys the SDK instance: signing in again in the same tab starts afresh, with
    // one set of handlers (a message arrives once)
    await page.click('#sign-out');
    await page.waitForSelector('#signin-uid');
    assert.equal(await page.textContent('#signin-error'), '');
    await signInWithToken(page, 'dave', 'dave-token-1');
    await page.waitForSelector(item('C2Calice'));
    await page.click(`${item('C2Calice')} .conv-main`);
    await page.waitForSelector('#msg-list >> text=Message 75 from dave');
    await api('/v1/messages', tokenOf('alice'), { conversationID: 'C2Cdave', payload: { text: 'Got them all, thanks' } });
    await page.waitForSelector('#msg-list >> text=Got them all, thanks');
    await page.waitForTimeout(300);
    assert.equal(await page.locator('#msg-list .msg >> text=Got them all, thanks').count(), 1);
    await page.context().close();
  });

  await step('a kick signs the tab out, says why, and does not reconnect', async () => {
    // the app backend replaces the device's token: the tab goes back to the sign-in page
    const page = await newPage();
    await page.goto(baseURL + '/');
    await signInWithToken(page, 'dave', 'dave-token-1');
    await page.waitForSelector(item('C2Calice'));
    await devPost('/user/token', { uid: 'dave', token: 'dave-token-2', device_flag: 0 });
    await page.waitForSelector('#signin-error >> text=the app replaced or revoked the token of this device');
    assert.equal(await page.isVisible('#signin-uid'), true);
    await shot(page, '12-kicked');
    // the session is forgotten: a reload stays on the sign-in page
    await page.reload();
    await page.waitForSelector('#signin-uid');
    assert.equal(await page.isVisible('#conv-list'), false);
    await page.context().close();

    // a master token (device_level 1): a newer login of the same device signs the older one out
    await devPost('/user/token', { uid: 'erin', token: 'erin-master-token', device_flag: 1, device_level: 1 });
    const older = await newPage();
    await older.goto(baseURL + '/');
    await signInWithToken(older, 'erin', 'erin-master-token');
    await older.waitForSelector('#conv-list');
    const newer = await newPage();
    await newer.goto(baseURL + '/');
    await signInWithToken(newer, 'erin', 'erin-master-token');
    await newer.waitForSelector('#conv-list');
    await older.waitForSelector('#signin-error >> text=this device signed in again somewhere else');
    // the older tab stays out; the newer one keeps working
    await older.waitForTimeout(1500);
    assert.equal(await older.isVisible('#signin-uid'), true);
    assert.equal(await newer.textContent('.me-name'), 'erin');
    await older.context().close();
    await newer.context().close();
  });

  await step('shows people and groups by their profile names, following changes live', async () => {
    const page = await newPage();
    await signInDemo(page, 'carol');
    await page.waitForSelector(item('C2Calice'));
    assert.equal(await page.textContent(`${item('C2Calice')} .conv-name`), 'alice');
    // the app backend sets profiles: the open pages follow at once (PROFILE_UPDATED, the list)
    await devPost('/user/profile', { uid: 'alice', nick: 'Alice Liddell' });
    await devPost('/user/profile', { uid: 'bob', nick: 'Bob Marley' });
    await devPost('/channel/info', { channel_id: 'demo', channel_type: 2, name: 'Demo team' });
    await page.waitForSelector(`${item('C2Calice')} .conv-name >> text=Alice Liddell`);
    await page.waitForSelector(`${item('C2Cbob')} .conv-name >> text=Bob Marley`);
    await page.waitForSelector(`${item('GROUPdemo')} .conv-name >> text=Demo team`);
    assert.equal(await page.textContent(`${item('C2Calice')} .avatar`), 'AL');
    assert.match(await page.getAttribute(`${item('C2Calice')} .conv-main`, 'aria-label'), /^Alice Liddell, /);
    await page.click(`${item('GROUPdemo')} .conv-main`);
    await page.waitForFunction(() => document.querySelector('#pane-title')?.textContent === 'Demo team');
    await page.waitForSelector('#msg-list .msg-from >> text=Bob Marley');
    await shot(page, '13-display-names');
    // bob's open group: alice's recall now names her by her nick, and his list shows the new name
    await bob.waitForSelector('#msg-list .msg-recalled >> text=Alice Liddell recalled a message');
    await bob.waitForSelector(`${item('C2Calice')} .conv-name >> text=Alice Liddell`);
    await bob.waitForSelector(`${item('GROUPdemo')} .conv-name >> text=Demo team`);
    // a group's name changed while a page was signed in, again
    await devPost('/channel/info', { channel_id: 'demo', channel_type: 2, name: 'Demo crew' });
    await page.waitForFunction(() => document.querySelector('#pane-title')?.textContent === 'Demo crew');
    // the server's notice of a removal from a group reads as words, not as a custom message
    await devPost('/channel', { channel_id: 'side', channel_type: 2, subscribers: ['carol', 'alice'] });
    await devPost('/channel/subscriber_remove', { channel_id: 'side', channel_type: 2, subscribers: ['carol'] });
    await page.waitForSelector(`${item('@TIM#SYSTEM')} .conv-preview >> text=You were removed from the group side`);
    await page.context().close();
  });

  await step('mentions a member with @: the picker, the [@me] marker until read, the highlighted message', async () => {
    const AT_ALL = '__kImSDK_MesssageAtALL__'; // TYPES.MSG_AT_ALL
    const marker = `${item('GROUPdemo')} .conv-at`;
    const composer = alice.locator('#composer-input');
    const options = () => alice.$$eval('#mention-options [role=option]', (os) => os.map((o) => o.dataset.uid));
    const attr = (name) => alice.getAttribute('#composer-input', name);
    const lastStored = async (uid) => (await api('/v1/conversations/GROUPdemo/messages', tokenOf(uid))).messageList.at(-1);

    // bob is in another conversation, so that the group's new message stays unread for him
    await bob.bringToFront();
    await bob.click(`${item('C2Calice')} .conv-main`);
    await bob.waitForFunction(() => document.querySelector('#pane-title')?.textContent === 'Alice Liddell');
    assert.equal(await bob.locator(marker).count(), 0);

    // alice types @ in the group: Everyone and the members by nick (not herself), from the keyboard
    await alice.bringToFront();
    await alice.click(`${item('GROUPdemo')} .conv-main`);
    await composer.pressSequentially('Lunch for @');
    await alice.waitForSelector('#mention-picker [role=option]');
    // Everyone shows at once, the members once they are listed
    await alice.waitForSelector('#mention-picker .mention-loading', { state: 'detached' });
    assert.deepEqual(await options(), [AT_ALL, 'bob', 'carol']);
    assert.equal(await alice.textContent('#mention-options [data-uid="bob"] .mention-name'), 'Bob Marleybob');
    assert.equal(await attr('aria-controls'), 'mention-options');
    assert.equal(await attr('aria-activedescendant'), 'mention-option-0');
    await alice.keyboard.press('ArrowDown');
    assert.equal(await attr('aria-activedescendant'), 'mention-option-1');
    assert.equal(await alice.getAttribute('#mention-option-1', 'aria-selected'), 'true');
    // what follows the @ filters; Enter inserts the name and closes the list
    await composer.pressSequentially('bo');
    await alice.waitForFunction(() => document.querySelectorAll('#mention-options [role=option]').length === 1);
    assert.deepEqual(await options(), ['bob']);
    await shot(alice, '21-mention-picker', { toasts: false });
    await alice.keyboard.press('Enter');
    await alice.waitForSelector('#mention-picker', { state: 'detached' });
    assert.equal(await composer.inputValue(), 'Lunch for @Bob Marley ');
    assert.equal(await attr('aria-activedescendant'), null);
    await composer.pressSequentially('is on me');
    await alice.keyboard.press('Enter');
    await alice.waitForSelector('#msg-list .msg-mine[data-seq] >> text=Lunch for @Bob Marley is on me');
    assert.deepEqual((await lastStored('alice')).payload.atUserList, ['bob'], 'sent with createTextAtMessage');
    assert.equal(await alice.locator('#msg-list .msg-mention').count(), 0, 'her own message is not highlighted');

    // bob's list marks the group [@me], and says so in the row's label
    await bob.waitForSelector(`${marker} >> text=[@me]`);
    assert.match(await bob.getAttribute(`${item('GROUPdemo')} .conv-main`, 'aria-label'), /, mentions you,/);
    await shot(bob, '22-mention-marker', { toasts: false });
    // opening it reads it: the marker goes, and the message is highlighted, with a label
    await bob.click(`${item('GROUPdemo')} .conv-main`);
    const mentioned = bob.locator('#msg-list li.msg-mention[data-mention="me"]', { hasText: 'Lunch for @Bob Marley is on me' });
    await mentioned.waitFor();
    await bob.waitForSelector(marker, { state: 'detached' });
    assert.equal(await mentioned.locator('.msg-mention-label').textContent(), 'Mentions you');
    assert.equal(await mentioned.locator('.visually-hidden').textContent(), 'Alice Liddell mentions you: ');
    await shot(bob, '23-mention-highlight', { toasts: false });

    // the @ button opens the same list; Escape closes it, leaving the @ and the conversation open
    await alice.bringToFront();
    await alice.click('#mention-button');
    await alice.waitForSelector('#mention-picker [role=option]');
    assert.equal(await alice.getAttribute('#mention-button', 'aria-expanded'), 'true');
    assert.equal(await alice.evaluate(() => document.activeElement?.id), 'composer-input');
    await alice.keyboard.press('Escape');
    await alice.waitForSelector('#mention-picker', { state: 'detached' });
    assert.equal(await composer.inputValue(), '@');
    assert.equal(await alice.isVisible('#composer-input'), true, 'still in the conversation');
    // Everyone with the button, then carol, whose mention is deleted before sending: only Everyone goes
    await composer.fill('');
    await alice.click('#mention-button');
    await alice.keyboard.press('Enter');
    await composer.pressSequentially('@car');
    await alice.waitForFunction(() => document.querySelectorAll('#mention-options [role=option]').length === 1);
    await alice.keyboard.press('Enter');
    assert.equal(await composer.inputValue(), '@Everyone @carol ');
    await composer.fill('@Everyone standup in 5');
    await alice.keyboard.press('Enter');
    await alice.waitForSelector('#msg-list .msg-mine[data-seq] >> text=@Everyone standup in 5');
    assert.deepEqual((await lastStored('alice')).payload.atUserList, [AT_ALL]);
    // bob has the group open: the message shows highlighted for everyone; carol's conversation lists it
    await bob.waitForSelector('#msg-list li.msg-mention[data-mention="all"] >> text=@Everyone standup in 5');
    const carols = await api('/v1/conversations/GROUPdemo', tokenOf('carol'));
    assert.deepEqual(carols.groupAtInfoList.map((info) => info.atType), [2], 'CONV_AT_ALL for carol');
    // a mention deleted from the text altogether: a plain text message
    await alice.click('#mention-button');
    await alice.keyboard.press('ArrowDown');
    await alice.keyboard.press('Enter');
    await composer.fill('never mind');
    await alice.keyboard.press('Enter');
    await alice.waitForSelector('#msg-list .msg-mine[data-seq] >> text=never mind');
    assert.equal((await lastStored('alice')).payload.atUserList, undefined);
  });

  await step('shows a discreet "reconnecting" state while the connection is down, then catches up', async () => {
    const page = await newPage();
    let refuse = false;
    const sockets = [];
    // The test stands between the page and the server's WebSocket, to drop and refuse it.
    await page.routeWebSocket(/\/v1\/ws/, (ws) => {
      if (refuse) {
        ws.close({ code: 1001, reason: 'test: the server is away' });
        return;
      }
      ws.connectToServer();
      sockets.push(ws);
    });
    await signInDemo(page, 'carol');
    assert.equal(await page.isVisible('#net-status'), false);
    refuse = true;
    for (const ws of sockets) await ws.close({ code: 1001, reason: 'test: connection lost' });
    await page.waitForSelector('#net-status >> text=Reconnecting…');
    await shot(page, '14-reconnecting');
    // what is sent meanwhile arrives after the reconnect
    await api('/v1/messages', tokenOf('bob'), { conversationID: 'C2Ccarol', payload: { text: 'Are you there?' } });
    refuse = false;
    await page.waitForSelector('#net-status', { state: 'detached', timeout: 20_000 });
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent === 'Are you there?',
      `${item('C2Cbob')} .conv-preview`,
    );
    await page.context().close();
  });

  await step('creates a group from the ✎ dialog: in the members’ lists at once, the creator owns it', async () => {
    await alice.bringToFront();
    await alice.click('#new-chat');
    await alice.click('#new-group');
    await alice.waitForSelector('#group-dialog[open]');
    await alice.fill('#group-name', 'Lunch crew');
    await alice.fill('#group-members', 'bob, carol');
    await shot(alice, '17-new-group');
    await alice.click('#group-create');
    await alice.waitForSelector('.toast >> text=Created the group “Lunch crew”');
    await alice.waitForFunction(() => document.querySelector('#pane-title')?.textContent === 'Lunch crew');
    const row = '#conv-list li:has-text("Lunch crew")';
    await alice.waitForSelector(row);
    const id = await alice.$eval(row, (el) => el.dataset.id);
    assert.match(id, /^GROUP@TGS#[A-Z0-9]{10}$/);
    // bob has it at once, its last message the SDK's "group_create" (as Tencent's), naming alice
    // by her nick; then each message counts
    await bob.waitForSelector(item(id));
    await bob.waitForSelector(`${item(id)} .conv-preview >> text=Alice Liddell created the group`);
    await bob.waitForSelector(`${item(id)} .badge >> text=1`);
    await alice.waitForSelector('#msg-list .msg-mine >> text=Alice Liddell created the group');
    await alice.fill('#composer-input', 'Tacos at noon?');
    await alice.press('#composer-input', 'Enter');
    await bob.waitForSelector(`${item(id)} .badge >> text=2`);
    const group = await api(`/v1/groups/${encodeURIComponent(id.slice('GROUP'.length))}`, tokenOf('bob'));
    assert.deepEqual([group.name, group.ownerID, group.memberCount], ['Lunch crew', 'alice', 3]);
    lunch = id;
  });

  await step('runs the group from Group info: members, adding, removing, renaming, leaving', async () => {
    const path = `/v1/groups/${encodeURIComponent(lunch.slice('GROUP'.length))}/members?count=100`;
    const serverMembers = async () => (await api(path, tokenOf('alice'))).memberList.map((m) => m.userID).sort();
    const rows = (page) => page.$$eval('#group-info-members li', (lis) => lis.map((li) => li.dataset.uid));
    const focused = (page) => page.evaluate(() => document.activeElement?.id);

    // alice, its owner, opens it from the ⓘ button in the conversation's header
    await alice.bringToFront();
    await alice.click('#group-info-open');
    await alice.waitForSelector('#group-info-dialog[open] #group-info-members li');
    assert.equal(await alice.textContent('#group-info-title'), 'Lunch crew');
    assert.equal(await alice.textContent('#group-info-kind'), 'Work group · 3 members');
    assert.deepEqual(await rows(alice), ['alice', 'bob', 'carol']);
    assert.equal(await alice.textContent('#group-info-members li[data-uid="alice"] .member-owner'), 'Owner');
    assert.equal(await alice.locator('#group-info-members .member-owner').count(), 1);
    assert.equal(await focused(alice), 'group-info-close', 'the safe button has the focus');
    // the owner of a work group removes others (not herself); nobody dismisses a work group
    assert.deepEqual(
      await alice.$$eval('#group-info-members [data-remove]', (bs) => bs.map((b) => b.dataset.remove)),
      ['bob', 'carol'],
    );
    assert.equal(await alice.isVisible('#group-info-dismiss'), false);

    // adds dave, and hears who does not exist and who was in already
    await alice.fill('#group-info-add', 'dave, nobody, bob');
    await alice.click('#group-info-add-submit');
    await alice.waitForSelector('.toast >> text=Added dave. No such user: nobody. Already in the group: bob.');
    await alice.waitForSelector('#group-info-members li[data-uid="dave"]');
    assert.equal(await alice.inputValue('#group-info-add'), '');
    assert.equal(await alice.textContent('#group-info-kind'), 'Work group · 4 members');
    await shot(alice, '18-group-info');
    // the server's group tip of it: a muted line in the history, with no sender and no menu
    const tipLine = '#msg-list .msg-tip >> text=Alice Liddell added dave';
    await alice.waitForSelector(tipLine);
    assert.equal(await alice.locator('#msg-list .msg-tip .msg-more, #msg-list .msg-tip .avatar').count(), 0);

    // bob opens his Group info, from the ⋯ menu of his list; a member adds people, renames and
    // leaves, and removes no one
    await bob.bringToFront();
    await menuAction(bob, lunch, 'group-info');
    await bob.waitForSelector('#group-info-dialog[open] #group-info-members li');
    assert.deepEqual(await rows(bob), ['alice', 'bob', 'carol', 'dave']);

    // alice removes carol: gone from the dialog and from the server's member list
    await alice.bringToFront();
    await alice.click('#group-info-members [data-remove="carol"]');
    await alice.waitForSelector('#group-info-members li[data-uid="carol"]', { state: 'detached' });
    await alice.waitForSelector('.toast >> text=Removed carol');
    assert.deepEqual(await serverMembers(), ['alice', 'bob', 'dave']);
    assert.equal(await focused(alice), 'group-info-members', 'the focus stays in the list');
    // bob's open Group info follows the tip, and his list shows it, naming no sender before it
    await bob.bringToFront();
    await bob.waitForSelector('#group-info-members li[data-uid="carol"]', { state: 'detached' });
    assert.deepEqual(await rows(bob), ['alice', 'bob', 'dave']);
    await bob.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent === 'Alice Liddell removed carol',
      `${item(lunch)} .conv-preview`,
    );
    assert.equal(await bob.locator('#group-info-members [data-remove]').count(), 0);
    assert.equal(await bob.isVisible('#group-info-add'), true);
    assert.equal(await bob.isVisible('#group-info-name'), true);
    assert.equal(await bob.isVisible('#group-info-leave'), true);
    await bob.click('#group-info-close');
    await bob.waitForSelector('#group-info-dialog', { state: 'detached' });

    // alice renames it: bob's list follows
    await alice.bringToFront();
    await alice.fill('#group-info-name', 'Taco crew');
    await alice.click('#group-info-rename');
    await alice.waitForSelector('.toast >> text=Renamed the group “Taco crew”');
    await alice.waitForFunction(() => document.querySelector('#group-info-title')?.textContent === 'Taco crew');
    await bob.waitForSelector(`${item(lunch)} .conv-name >> text=Taco crew`);
    await alice.waitForSelector('#msg-list .msg-tip >> text=Alice Liddell renamed the group to “Taco crew”');
    await alice.keyboard.press('Escape');
    await alice.waitForSelector('#group-info-dialog', { state: 'detached' });
    assert.equal(await focused(alice), 'group-info-open', 'the focus is back on the button that opened it');
    await alice.waitForFunction(() => document.querySelector('#pane-title')?.textContent === 'Taco crew');

    // bob leaves, after confirming; Escape in the confirmation goes back to the info
    await bob.bringToFront();
    await bob.click(`${item(lunch)} .conv-main`);
    await bob.waitForSelector('#composer-input');
    await bob.click('#group-info-open');
    await bob.waitForSelector('#group-info-dialog[open] #group-info-leave');
    await bob.click('#group-info-leave');
    await bob.waitForSelector('#group-info-confirm');
    assert.equal(await bob.textContent('#group-info-title'), 'Leave “Taco crew”?');
    assert.equal(await focused(bob), 'group-info-cancel', 'the safe choice has the focus');
    await bob.keyboard.press('Escape');
    await bob.waitForSelector('#group-info-dialog[open] #group-info-members');
    assert.equal(await focused(bob), 'group-info-leave');
    await bob.keyboard.press('Enter');
    await bob.waitForSelector('#group-info-confirm');
    await shot(bob, '19-group-leave');
    await bob.click('#group-info-confirm');
    await bob.waitForSelector('#group-info-dialog', { state: 'detached' });
    await bob.waitForSelector('.toast >> text=You left “Taco crew”');
    // the conversation stays, read-only
    await bob.waitForSelector('#composer-readonly >> text=You are not a member of this group');
    assert.equal(await bob.isVisible('#composer-input'), false);
    assert.ok((await ids(bob)).includes(lunch));
    assert.deepEqual(await serverMembers(), ['alice', 'dave']);
    await alice.waitForSelector('#msg-list .msg-tip >> text=Bob Marley left the group');
    // its Group info shows the group without controls, and says why
    await bob.click('#group-info-open');
    await bob.waitForSelector('#group-info-readonly >> text=You are not a member of this group');
    assert.equal(await bob.textContent('#group-info-title'), 'Taco crew');
    assert.equal(await bob.locator('#group-info-dialog .group-form, #group-info-leave, [data-remove]').count(), 0);
    assert.equal(await bob.isVisible('#group-info-members'), false);
    await shot(bob, '20-group-info-left');
    await bob.keyboard.press('Escape');
    await bob.waitForSelector('#group-info-dialog', { state: 'detached' });
    // after a reload too: opening a group asks the server whether the user is still in it
    await bob.reload();
    await bob.waitForSelector('#composer-readonly >> text=You are not a member of this group');
    assert.equal(await bob.isVisible('#composer-input'), false);
  });

  await step('joins a public group by ID: the request reaches the owner, who approves it from the notice', async () => {
    const { groupID } = await api('/v1/groups', tokenOf('alice'), { name: 'Club', type: 'Public' });
    await devPost('/user/token', { uid: 'frank', token: 'frank-token-1', device_flag: 1 });
    const frank = await newPage();
    await frank.goto(baseURL + '/');
    await signInWithToken(frank, 'frank', 'frank-token-1');
    await frank.waitForSelector('#conv-list');

    // frank asks from the ✎ dialog: the group takes members with approval (a public group's default)
    await frank.click('#new-chat');
    await frank.click('#new-join');
    await frank.waitForSelector('#join-dialog[open]');
    await frank.fill('#join-group-id', groupID);
    await frank.fill('#join-message', 'let me in');
    await shot(frank, '30-join-group');
    await frank.click('#join-submit');
    await frank.waitForSelector('.toast >> text=Asked to join “Club”: its owner will answer.');
    assert.ok(!(await ids(frank)).includes(`GROUP${groupID}`));

    // alice, the owner, reads it in System notices and approves it there
    await alice.bringToFront();
    const request = 'frank asks to join Club: “let me in”';
    await alice.waitForSelector(`${item('@TIM#SYSTEM')} .conv-preview >> text=${request}`);
    await alice.click(`${item('@TIM#SYSTEM')} .conv-main`);
    const notice = alice.locator('#msg-list li.msg', { hasText: request });
    await notice.locator('[data-join-answer="approve"]').waitFor();
    await shot(alice, '31-join-request', { toasts: false });
    await notice.locator('[data-join-answer="approve"]').click();
    await alice.waitForSelector('.toast >> text=frank joined Club');
    await notice.locator('[data-join-status="approved"]').waitFor();
    assert.equal(await notice.locator('[data-join-answer]').count(), 0, 'answered: no buttons any more');

    // frank has the group, and the answer in his notices
    await frank.bringToFront();
    await frank.waitForSelector(item(`GROUP${groupID}`));
    await frank.waitForSelector(`${item('@TIM#SYSTEM')} .conv-preview >> text=Your request to join Club was approved`);
    const members = await api(`/v1/groups/${encodeURIComponent(groupID)}/members?count=100`, tokenOf('alice'));
    assert.deepEqual(members.memberList.map((m) => m.userID).sort(), ['alice', 'frank']);
    await frank.context().close();

    // her other tab did not answer it: the server says it no longer waits
    await alice2.bringToFront();
    await alice2.click(`${item('@TIM#SYSTEM')} .conv-main`);
    await alice2.locator('#msg-list li.msg', { hasText: request }).locator('[data-join-status="answered"]').waitFor();
    assert.equal(await alice2.locator('#msg-list [data-join-answer]').count(), 0);
  });

  await step('admins, mutes and name cards from Group info: the owner names an admin, mutes and unmutes', async () => {
    const { groupID } = await api('/v1/groups', tokenOf('alice'), {
      name: 'Book club',
      type: 'Public',
      memberList: [{ userID: 'bob' }, { userID: 'carol' }],
    });
    const books = `GROUP${groupID}`;
    const membersPath = `/v1/groups/${encodeURIComponent(groupID)}/members?count=100`;
    const serverMember = async (uid) =>
      (await api(membersPath, tokenOf('alice'))).memberList.find((m) => m.userID === uid);
    const buttonsFor = (page, attribute) =>
      page.$$eval(`#group-info-members [data-${attribute}]`, (bs, a) => bs.map((b) => b.dataset[a]), attribute);
    const tip = (text) => `#msg-list .msg-tip >> text=${text}`;

    // alice opens it and says hello (her nick then names her in the tips); bob opens it too
    await alice.bringToFront();
    await alice.waitForSelector(item(books));
    await alice.click(`${item(books)} .conv-main`);
    await alice.fill('#composer-input', 'Welcome to the club');
    await alice.press('#composer-input', 'Enter');
    await bob.bringToFront();
    await bob.waitForSelector(`${item(books)} .conv-preview >> text=Welcome to the club`);
    await bob.click(`${item(books)} .conv-main`);
    await bob.waitForSelector('#msg-list >> text=Welcome to the club');

    // the owner of a public group: Make admin and Mute on each other member, none on herself
    await alice.bringToFront();
    await alice.click('#group-info-open');
    await alice.waitForSelector('#group-info-dialog[open] #group-info-members li');
    assert.deepEqual(await buttonsFor(alice, 'admin'), ['bob', 'carol']);
    assert.deepEqual(await buttonsFor(alice, 'mute'), ['bob', 'carol']);
    assert.equal(await alice.textContent('#group-info-members [data-admin="bob"]'), 'Make admin');

    // alice mutes bob: his marker, the tip, and his composer disabled with the reason
    await alice.click('#group-info-members [data-mute="bob"]');
    await alice.waitForSelector('.toast >> text=Muted Bob Marley for 10 minutes');
    await alice.waitForSelector('#group-info-members li[data-uid="bob"] .member-muted');
    assert.equal(await alice.textContent('#group-info-members [data-mute="bob"]'), 'Unmute');
    assert.ok((await serverMember('bob')).muteUntil > 0);
    await bob.bringToFront();
    await bob.waitForSelector(tip('Alice Liddell muted Bob Marley for 10 minutes'));
    await bob.waitForSelector('#mute-notice');
    assert.match(await bob.textContent('#mute-notice'), /^You are muted in this group until .+\.$/);
    assert.equal(await bob.isDisabled('#composer-input'), true);
    assert.equal(await bob.isDisabled('#send'), true);
    await shot(bob, '32-muted', { toasts: false });
    // after a reload too: opening the group asks the server for his member entry
    await bob.reload();
    await bob.waitForSelector('#mute-notice');
    assert.equal(await bob.isDisabled('#composer-input'), true);

    // alice unmutes him: he writes again
    await alice.bringToFront();
    await alice.click('#group-info-members [data-mute="bob"]');
    await alice.waitForSelector('.toast >> text=Unmuted Bob Marley');
    await alice.waitForSelector('#group-info-members li[data-uid="bob"] .member-muted', { state: 'detached' });
    await bob.bringToFront();
    await bob.waitForSelector(tip('Alice Liddell unmuted Bob Marley'));
    await bob.waitForSelector('#mute-notice', { state: 'detached' });
    await bob.fill('#composer-input', 'Thanks!');
    await bob.press('#composer-input', 'Enter');
    await alice.waitForSelector('#msg-list >> text=Thanks!');

    // alice makes bob an admin: his badge, the tip, his notice; he mutes carol but not alice
    await alice.bringToFront();
    await alice.click('#group-info-members [data-admin="bob"]');
    await alice.waitForSelector('.toast >> text=Bob Marley is now an admin');
    await alice.waitForSelector('#group-info-members li[data-uid="bob"] .member-admin');
    assert.deepEqual(
      await alice.$$eval('#group-info-members li', (lis) => lis.map((li) => li.dataset.uid)),
      ['alice', 'bob', 'carol'],
      'the owner, the admins, the others',
    );
    assert.equal(await alice.textContent('#group-info-members [data-admin="bob"]'), 'Remove admin');
    await shot(alice, '33-group-admins', { toasts: false });
    await alice.keyboard.press('Escape');
    await alice.waitForSelector('#group-info-dialog', { state: 'detached' });
    await alice.waitForSelector(tip('Alice Liddell made Bob Marley an admin'));
    assert.equal((await serverMember('bob')).role, 'Admin');
    await bob.bringToFront();
    await bob.waitForSelector(tip('Alice Liddell made Bob Marley an admin'));
    // the list names the owner by user ID, as it names the applicant of a request to join
    await bob.waitForSelector(`${item('@TIM#SYSTEM')} .conv-preview >> text=alice made you an admin of Book club`);
    await bob.click('#group-info-open');
    await bob.waitForSelector('#group-info-dialog[open] #group-info-members li');
    assert.deepEqual(await buttonsFor(bob, 'mute'), ['carol']);
    assert.deepEqual(await buttonsFor(bob, 'remove'), ['carol']);
    assert.deepEqual(await buttonsFor(bob, 'admin'), [], 'only the owner names admins');
    assert.equal(await bob.isVisible('#group-info-name'), true, 'an admin renames a public group');

    // bob names himself in the group: the list shows his name card, his user ID under it
    await bob.fill('#group-info-namecard', 'Bobby');
    await bob.click('#group-info-namecard-save');
    await bob.waitForSelector('.toast >> text=Your name in this group is now “Bobby”');
    await bob.waitForFunction(
      () => document.querySelector('#group-info-members li[data-uid="bob"] .member-name')?.firstChild?.textContent === 'Bobby',
    );
    assert.equal(await bob.textContent('#group-info-members li[data-uid="bob"] .member-id'), 'bob');
    assert.equal((await serverMember('bob')).nameCard, 'Bobby');
    await bob.keyboard.press('Escape');
    await bob.waitForSelector('#group-info-dialog', { state: 'detached' });

    // alice takes it back
    await alice.bringToFront();
    await alice.click('#group-info-open');
    await alice.waitForSelector('#group-info-members [data-admin="bob"]');
    await alice.click('#group-info-members [data-admin="bob"]');
    await alice.waitForSelector('.toast >> text=is no longer an admin');
    await alice.keyboard.press('Escape');
    await alice.waitForSelector('#group-info-dialog', { state: 'detached' });
    await alice.waitForSelector(tip('Alice Liddell removed Bob Marley as an admin'));
    assert.equal((await serverMember('bob')).role, 'Member');

    // alice mutes everyone: the owner still writes, bob's composer says why it is disabled
    await alice.click('#group-info-open');
    await alice.waitForSelector('#group-info-mute-all');
    // (the box shows the group as the server has it: checked once the change is done)
    await alice.click('#group-info-mute-all');
    await alice.waitForSelector('.toast >> text=Everyone but the owner and admins is muted');
    await alice.waitForSelector('#group-info-mute-all:checked');
    await alice.keyboard.press('Escape');
    await alice.waitForSelector('#group-info-dialog', { state: 'detached' });
    await bob.bringToFront();
    await bob.waitForSelector(tip('Alice Liddell muted everyone'));
    await bob.waitForSelector('#mute-notice >> text=Only the owner and admins can send: the group is muted for all.');
    assert.equal(await bob.isDisabled('#composer-input'), true);
    await alice.bringToFront();
    await alice.click('#group-info-open');
    await alice.waitForSelector('#group-info-mute-all');
    await alice.waitForSelector('#group-info-mute-all:checked');
    await alice.click('#group-info-mute-all');
    await alice.waitForSelector('.toast >> text=Everyone can send again');
    await alice.keyboard.press('Escape');
    await alice.waitForSelector('#group-info-dialog', { state: 'detached' });
    await bob.bringToFront();
    await bob.waitForSelector(tip('Alice Liddell unmuted everyone'));
    await bob.waitForSelector('#mute-notice', { state: 'detached' });
    assert.equal(await bob.isDisabled('#composer-input'), false);
  });

  await step('a community with topics: made from the ✎ dialog, a topic made and opened from Group info, read by a member', async () => {
    await alice.bringToFront();
    await alice.click('#new-chat');
    await alice.click('#new-group');
    await alice.waitForSelector('#group-dialog[open]');
    await alice.fill('#group-name', 'Hikers');
    await alice.fill('#group-members', 'bob');
    await alice.check('#group-topics');
    await alice.click('#group-create');
    await alice.waitForSelector('.toast >> text=Created the group “Hikers”');
    // No "group_create" message in a community with topics (as Tencent's): it is in no list yet, and
    // the pane names it as its profile says.
    await alice.waitForFunction(() => document.querySelector('#pane-title')?.textContent === 'Hikers');
    const groupID = (await api('/v1/groups', tokenOf('alice'))).groupList.find((g) => g.name === 'Hikers').groupID;
    assert.match(groupID, /^@TGS#_[A-Z0-9]{10}$/);

    // alice, its owner, makes a topic from Group info and opens it
    await alice.click('#group-info-open');
    await alice.waitForSelector('#group-info-dialog[open] #group-info-no-topics');
    assert.equal(await alice.textContent('#group-info-kind'), 'Community · 2 members');
    await alice.fill('#group-info-topic-name', 'Trails');
    await alice.click('#group-info-topic-create');
    await alice.waitForSelector('#group-info-topics .topic-open >> text=# Trails');
    assert.equal(await alice.inputValue('#group-info-topic-name'), '');
    await shot(alice, '20b-community-topics');
    await alice.click('#group-info-topics .topic-open');
    await alice.waitForSelector('#group-info-dialog', { state: 'detached' });
    await alice.waitForFunction(() => document.querySelector('#pane-title')?.textContent === '# Trails');
    assert.match(await alice.textContent('.pane-sub'), /^(Topic in Hikers|2 members)/, 'the community’s members');
    await alice.fill('#composer-input', 'North ridge on Saturday?');
    await alice.press('#composer-input', 'Enter');
    await alice.waitForSelector('#msg-list .msg-mine >> text=North ridge on Saturday?');
    const [topic] = (await api(`/v1/groups/${encodeURIComponent(groupID)}/topics`, tokenOf('bob'))).successTopicList;
    assert.equal(topic.topicName, 'Trails');
    assert.equal(topic.conversation.unreadCount, 1);

    // bob opens the community by its ID, sees the topic with its unread count, and reads it; the
    // topic's conversation never enters his list
    await bob.bringToFront();
    await bob.click('#new-chat');
    await bob.fill('#new-peer', `#${groupID}`);
    await bob.press('#new-peer', 'Enter');
    await bob.waitForFunction(() => document.querySelector('#pane-title')?.textContent === 'Hikers');
    await bob.click('#group-info-open');
    await bob.waitForSelector('#group-info-topics .topic-open >> text=# Trails');
    await bob.waitForSelector('#group-info-topics .topic-open .badge >> text=1');
    assert.equal(await bob.locator('#group-info-topic-name').count(), 0, 'only the owner and the admins make topics');
    await bob.click('#group-info-topics .topic-open');
    await bob.waitForFunction(() => document.querySelector('#pane-title')?.textContent === '# Trails');
    await bob.waitForSelector('#msg-list >> text=North ridge on Saturday?');
    for (let tries = 0; ; tries++) {
      const [read] = (await api(`/v1/groups/${encodeURIComponent(groupID)}/topics`, tokenOf('bob'))).successTopicList;
      if (read.conversation.unreadCount === 0) break;
      assert.ok(tries < 50, 'bob read the topic on opening it');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(await bob.locator(item(`GROUP${topic.topicID}`)).count(), 0, 'never in the list');
  });

  await step('blocks and unblocks from a conversation: the blocked user is told plainly, then gets through', async () => {
    const blocklist = async () => (await api('/v1/blacklist', tokenOf('alice'))).userIDList;
    // bob writes; the conversation is back in alice's list
    await bob.bringToFront();
    await bob.click(`${item('C2Calice')} .conv-main`);
    await bob.waitForSelector('#composer-input');
    await bob.fill('#composer-input', 'Free for a call?');
    await bob.press('#composer-input', 'Enter');
    await alice.bringToFront();
    await alice.waitForSelector(item('C2Cbob'));
    await alice.click(`${item('C2Cbob')} .conv-main`);
    await alice.waitForSelector('#msg-list >> text=Free for a call?');
    assert.equal(await alice.isVisible('#blocked-notice'), false);

    // alice blocks him from the conversation's menu, after confirming
    await openMenu(alice, 'C2Cbob');
    assert.equal(await alice.textContent('#conv-menu [data-action="block"]'), 'Block Bob Marley…');
    await alice.click('#conv-menu [data-action="block"]');
    await alice.waitForSelector('#block-dialog[open]');
    assert.equal(await alice.textContent('#block-title'), 'Block Bob Marley?');
    assert.match(await alice.textContent('#block-desc'), /will not be able to message you/);
    assert.equal(await alice.evaluate(() => document.activeElement?.id), 'block-cancel', 'the safe choice has the focus');
    await shot(alice, '24-block-confirm', { toasts: false });
    await alice.click('#block-confirm');
    await alice.waitForSelector('.toast >> text=You blocked Bob Marley. They cannot message you any more.');
    await alice.waitForSelector('#blocked-notice >> text=You blocked Bob Marley. They cannot message you.');
    assert.match(await alice.textContent('.pane-sub'), /blocked/);
    assert.equal(await alice.isVisible('#composer-input'), true, 'she can still write to him');
    assert.deepEqual(await blocklist(), ['bob']);
    await shot(alice, '25-blocked', { toasts: false });
    // her other tab follows (BLACKLIST_UPDATED): its menu offers Unblock
    await alice2.bringToFront();
    await openMenu(alice2, 'C2Cbob');
    assert.equal(await alice2.textContent('#conv-menu [data-action="unblock"]'), 'Unblock Bob Marley');
    await alice2.keyboard.press('Escape');
    await alice2.waitForSelector('#conv-menu', { state: 'detached' });

    // bob's message is refused, and the toast says why in words
    await bob.bringToFront();
    await bob.fill('#composer-input', 'Hello? Lunch?');
    await bob.press('#composer-input', 'Enter');
    await bob.waitForSelector('#msg-list .msg-failed >> text=Hello? Lunch?');
    await bob.waitForSelector('.toast >> text=Not sent: Alice Liddell has blocked you, so your messages cannot reach them.');
    await shot(bob, '26-blocked-send');
    const aliceSees = async () => (await api('/v1/conversations/C2Cbob/messages', tokenOf('alice'))).messageList;
    assert.ok(!(await aliceSees()).some((m) => m.payload.text === 'Hello? Lunch?'), 'nothing reached alice');

    // alice unblocks from the notice; bob's retry goes through
    await alice.bringToFront();
    await alice.click('#blocked-unblock');
    await alice.waitForSelector('.toast >> text=You unblocked Bob Marley. They can message you again.');
    await alice.waitForSelector('#blocked-notice', { state: 'detached' });
    assert.deepEqual(await blocklist(), []);
    await bob.bringToFront();
    await bob.click('#msg-list .msg-failed .msg-retry');
    await bob.waitForSelector('#msg-list .msg[data-seq] >> text=Hello? Lunch?');
    assert.equal(await bob.locator('#msg-list .msg-failed').count(), 0);
    await alice.waitForSelector('#msg-list >> text=Hello? Lunch?');
    // and the other tab's menu offers Block again
    await alice2.bringToFront();
    await openMenu(alice2, 'C2Cbob');
    await alice2.waitForSelector('#conv-menu [data-action="block"]');
    await alice2.keyboard.press('Escape');
  });

  await step('edits a message: the composer holds it, the peer sees the new text and "edited" live; a conflict is said plainly', async () => {
    const row = (page, text) => page.locator('#msg-list li.msg', { hasText: text });
    const composer = alice.locator('#composer-input');
    const preview = (id) => `${item(id)} .conv-preview`;
    // her message as bob's history has it, found by its ID
    let sentID;
    const stored = async () => {
      const found = (await api('/v1/conversations/C2Calice/messages', tokenOf('bob'))).messageList.find(
        (m) => m.messageID === sentID,
      );
      assert.ok(found, `message ${sentID} in bob's history`);
      return found;
    };
    const actions = (page) => page.$$eval('#msg-menu [role=menuitem]', (items) => items.map((i) => i.dataset.action));

    // alice writes to bob, and starts typing something else
    await alice.bringToFront();
    // the blocking step's toasts wait for the page to be in front to go (timers of hidden pages wait)
    await alice.waitForFunction(() => document.querySelectorAll('.toast').length === 0);
    await alice.click(`${item('C2Cbob')} .conv-main`);
    await alice.fill('#composer-input', 'See you at 6');
    await alice.press('#composer-input', 'Enter');
    await alice.waitForSelector('#msg-list .msg-mine[data-seq] >> text=See you at 6');
    await bob.waitForSelector('#msg-list >> text=See you at 6');
    sentID = (await api('/v1/conversations/C2Calice/messages', tokenOf('bob'))).messageList.find(
      (m) => m.from === 'alice' && m.payload.text === 'See you at 6',
    ).messageID;
    await composer.fill('P.S. bring snacks');
    // bob has it translated (below: the edit takes the translation away, as it no longer matches)
    await bob.bringToFront();
    await row(bob, 'See you at 6').click({ button: 'right' });
    await bob.waitForSelector('#msg-menu');
    await bob.click('#msg-menu [data-action="translate"]');
    await row(bob, 'See you at 6').locator('.msg-rendering').waitFor();
    await alice.bringToFront();

    // Edit, from her message's menu: the composer holds its text, and says so
    await row(alice, 'See you at 6').click({ button: 'right' });
    await alice.waitForSelector('#msg-menu');
    // (Recall or not is not this step's concern: the recall step's refusal taught the client the
    // age, in whole seconds, past which the server refuses, and this message may be younger still)
    assert.deepEqual((await actions(alice)).filter((a) => a !== 'recall'), ['react', 'edit', 'translate', 'delete-for-me']);
    await alice.click('#msg-menu [data-action="edit"]');
    await alice.waitForSelector('#edit-banner >> text=Editing your message');
    assert.equal(await composer.inputValue(), 'See you at 6');
    assert.equal(await alice.evaluate(() => document.activeElement?.id), 'composer-input');
    assert.equal(await composer.getAttribute('aria-label'), 'Edit your message');
    assert.equal(await alice.textContent('#send'), 'Save');
    assert.equal(await row(alice, 'See you at 6').getAttribute('class'), 'msg msg-mine msg-editing');
    await composer.fill('See you at 7');
    await shot(alice, '27-editing', { toasts: false });
    await alice.keyboard.press('Enter');
    await alice.waitForSelector('#msg-list .msg-mine >> text=See you at 7');
    await alice.waitForSelector('#edit-banner', { state: 'detached' });
    assert.equal(await composer.inputValue(), 'P.S. bring snacks', 'the draft is back');
    assert.equal(await row(alice, 'See you at 7').locator('.msg-edited').textContent(), 'edited');
    assert.deepEqual([(await stored()).payload.text, (await stored()).version], ['See you at 7', 1]);

    // bob sees it live, marked edited; his list follows (MESSAGE_MODIFIED, CONVERSATION_LIST_UPDATED)
    const bobs = row(bob, 'See you at 7');
    await bobs.locator('.msg-edited').waitFor();
    assert.equal(await bobs.locator('.msg-rendering').count(), 0, 'the translation of the old text is gone');
    assert.equal(await bobs.locator('.msg-edited').getAttribute('title'), 'This message was edited');
    assert.equal(await bob.locator('#msg-list >> text=See you at 6').count(), 0);
    await bob.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'See you at 7', preview('C2Calice'));
    await bob.bringToFront();
    await shot(bob, '28-edited', { toasts: false });
    // someone else's message offers no Edit
    await bobs.click({ button: 'right' });
    await bob.waitForSelector('#msg-menu');
    assert.deepEqual(await actions(bob), ['react', 'translate', 'delete-for-me']);
    await bob.keyboard.press('Escape');
    await bob.waitForSelector('#msg-menu', { state: 'detached' });
    // alice's lists, in both tabs, once the draft is cleared
    await alice.bringToFront();
    await composer.fill('');
    for (const page of [alice, alice2]) {
      await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'You: See you at 7', preview('C2Cbob'));
    }

    // ↑ in the empty composer edits her last message; Escape cancels, staying in the conversation
    await composer.press('ArrowUp');
    await alice.waitForSelector('#edit-banner');
    assert.equal(await composer.inputValue(), 'See you at 7');
    await composer.pressSequentially(' or so');
    await alice.keyboard.press('Escape');
    await alice.waitForSelector('#edit-banner', { state: 'detached' });
    assert.equal(await composer.inputValue(), '');
    assert.equal(await alice.isVisible('#composer-input'), true, 'still in the conversation');
    assert.equal((await stored()).version, 1, 'nothing saved');

    // a conflict: bob changes it just before her save reaches the server (a real 409). Her save
    // waits in the route while bob changes the message, then goes on; whatever goes wrong in there
    // fails the step here, and her request is let go either way, never left hanging.
    await composer.press('ArrowUp');
    await alice.waitForSelector('#edit-banner');
    await composer.fill('See you at 7:30');
    let held = false;
    let changed;
    const bobChanged = new Promise((resolve, reject) => (changed = { resolve, reject }));
    await routeNow(alice, '**/v1/messages/modify', async (route) => {
      if (held) return route.continue();
      held = true;
      try {
        const save = route.request().postDataJSON();
        assert.deepEqual(
          [save.messageID, save.version, save.payload.text],
          [sentID, 1, 'See you at 7:30'],
          'her save, on the version she has',
        );
        const { message } = await api('/v1/messages/modify', tokenOf('bob'), {
          conversationID: 'C2Calice',
          messageID: sentID,
          version: 1,
          type: 'TIMTextElem',
          payload: { text: 'Make it 8' },
        });
        changed.resolve(message);
      } catch (err) {
        changed.reject(err);
      }
      await route.continue();
    });
    await alice.keyboard.press('Enter');
    const his = await within(bobChanged, 'her save never reached the route that holds it');
    assert.deepEqual([his.payload.text, his.version], ['Make it 8', 2]);
    await alice.waitForSelector(
      '.toast-error >> text=Not saved: someone else changed this message meanwhile. It now reads “Make it 8”.',
    );
    await alice.waitForSelector('#msg-list .msg-mine >> text=Make it 8');
    assert.equal(await composer.inputValue(), 'See you at 7:30', 'her text is still hers');
    assert.equal(await alice.isVisible('#edit-banner'), true);
    await alice.unroute('**/v1/messages/modify');
    await shot(alice, '29-edit-conflict');
    // Enter saves hers over it, now that she has seen it
    await alice.keyboard.press('Enter');
    await alice.waitForSelector('#edit-banner', { state: 'detached' });
    await bob.waitForSelector('#msg-list >> text=See you at 7:30');
    assert.deepEqual([(await stored()).payload.text, (await stored()).version], ['See you at 7:30', 3]);
  });

  await step('reacts to messages: chips live on both sides, toggled, refused plainly, fetched again on reopening', async () => {
    const text = 'Reactions work now';
    const row = (page) => page.locator('#msg-list li.msg[data-seq]', { hasText: text });
    const chip = (page, emoji) => row(page).locator(`.reaction[data-reaction="${emoji}"]`);
    /** A chip as the user sees it: its text, whether it is marked as theirs, its tooltip. */
    const seen = async (page, emoji) => {
      const c = chip(page, emoji);
      return [await c.textContent(), await c.getAttribute('aria-pressed'), await c.getAttribute('title')];
    };
    /** Waits until a chip reads `👍 n` (a count that changed live). */
    const untilCount = (page, emoji, count) =>
      page.waitForFunction(
        ([t, e, n]) =>
          [...document.querySelectorAll('#msg-list li.msg[data-seq]')]
            .find((li) => li.textContent.includes(t))
            ?.querySelector(`.reaction[data-reaction="${e}"]`)?.textContent === `${e} ${n}`,
        [text, emoji, count],
      );
    const pickerItems = (page) =>
      page.$$eval('#reaction-picker [role=menuitemcheckbox]', (items) =>
        items.map((i) => [i.textContent, i.getAttribute('aria-label'), i.getAttribute('aria-checked')]),
      );
    const focused = (page) => page.evaluate(() => document.activeElement?.dataset.action);

    // alice writes to bob (both have their conversation open)
    await alice.bringToFront();
    await alice.fill('#composer-input', text);
    await alice.press('#composer-input', 'Enter');
    await row(alice).waitFor();
    await row(bob).waitFor();
    const messageID = (await api('/v1/conversations/C2Calice/messages', tokenOf('bob'))).messageList.find(
      (m) => m.payload?.text === text,
    ).messageID;
    const stored = async () =>
      (await api('/v1/messages/reactions/list', tokenOf('alice'), { conversationID: 'C2Cbob', messageIDList: [messageID] }))
        .resultList[0].reactionList.map((r) => [r.reactionID, r.totalUserCount]);

    // bob reacts 👍 from the smiley that shows on hover: a row of labelled emoji, none his yet
    await bob.bringToFront();
    await row(bob).hover();
    assert.equal(await row(bob).locator('.msg-react').getAttribute('aria-label'), 'Add reaction');
    await row(bob).locator('.msg-react').click();
    await bob.waitForSelector('#reaction-picker[aria-label="React to this message"]');
    assert.deepEqual(await pickerItems(bob), [
      ['👍', 'Thumbs up', 'false'],
      ['❤️', 'Red heart', 'false'],
      ['😂', 'Face with tears of joy', 'false'],
      ['😮', 'Surprised face', 'false'],
      ['😢', 'Crying face', 'false'],
      ['🙏', 'Folded hands', 'false'],
    ]);
    assert.equal(await focused(bob), 'react-👍', 'the first emoji has the focus');
    await shot(bob, '39-reaction-picker', { toasts: false });
    await bob.click('#reaction-picker [data-action="react-👍"]');
    await bob.waitForSelector('#reaction-picker', { state: 'detached' });
    await untilCount(bob, '👍', 1);
    assert.deepEqual(await seen(bob, '👍'), ['👍 1', 'true', 'You reacted with thumbs up']);

    // alice sees it live, not hers; she adds hers by pressing the chip: 2, marked hers, on both sides
    await alice.bringToFront();
    await untilCount(alice, '👍', 1);
    assert.deepEqual(await seen(alice, '👍'), ['👍 1', 'false', 'Bob Marley reacted with thumbs up']);
    assert.equal(await row(alice).locator('.reactions').getAttribute('aria-label'), 'Reactions');
    await chip(alice, '👍').click();
    await untilCount(alice, '👍', 2);
    assert.deepEqual(await seen(alice, '👍'), ['👍 2', 'true', 'You and Bob Marley reacted with thumbs up']);
    await untilCount(bob, '👍', 2);
    assert.deepEqual(await seen(bob, '👍'), ['👍 2', 'true', 'You and Alice Liddell reacted with thumbs up']);
    assert.deepEqual(await stored(), [['👍', 2]]);
    await shot(alice, '40-reactions', { toasts: false });

    // bob, from the keyboard: his message row, Shift+F10, Add reaction…, his 👍 checked; Enter takes it back
    await bob.bringToFront();
    await row(bob).focus();
    await bob.keyboard.press('Shift+F10');
    await bob.waitForSelector('#msg-menu');
    assert.equal(await focused(bob), 'react');
    await bob.keyboard.press('Enter');
    await bob.waitForSelector('#reaction-picker');
    assert.deepEqual((await pickerItems(bob))[0], ['👍', 'Thumbs up', 'true']);
    await bob.keyboard.press('Enter');
    await bob.waitForSelector('#reaction-picker', { state: 'detached' });
    assert.equal(await bob.evaluate(() => document.activeElement?.closest('li')?.textContent.includes('Reactions work now')), true, 'the focus is back on the message');
    await untilCount(bob, '👍', 1);
    assert.deepEqual(await seen(bob, '👍'), ['👍 1', 'false', 'Alice Liddell reacted with thumbs up']);
    await untilCount(alice, '👍', 1);
    assert.deepEqual(await seen(alice, '👍'), ['👍 1', 'true', 'You reacted with thumbs up']);

    // → moves along the row: ❤️ from bob; taken back with his chip, it leaves alice's screen too
    await bob.keyboard.press('Shift+F10');
    await bob.waitForSelector('#msg-menu');
    await bob.keyboard.press('Enter');
    await bob.waitForSelector('#reaction-picker');
    await bob.keyboard.press('ArrowRight');
    assert.equal(await focused(bob), 'react-❤️');
    await bob.keyboard.press('Enter');
    await untilCount(alice, '❤️', 1);
    assert.deepEqual(
      await row(alice).locator('.reaction').evaluateAll((chips) => chips.map((c) => c.textContent)),
      ['👍 1', '❤️ 1'],
      'in the order first given',
    );
    await untilCount(bob, '❤️', 1);
    await chip(bob, '❤️').click();
    await chip(alice, '❤️').waitFor({ state: 'detached' });
    await chip(bob, '❤️').waitFor({ state: 'detached' });
    assert.deepEqual(await stored(), [['👍', 1]]);

    // a message with 20 different reactions takes no 21st: the refusal is said plainly
    const others = Array.from({ length: 19 }, (_, i) => `[e2e_${i}]`);
    for (const reactionID of others) {
      await api('/v1/messages/reactions', tokenOf('bob'), { conversationID: 'C2Calice', messageID, reactionID });
    }
    await alice.bringToFront();
    await alice.waitForFunction((n) => document.querySelectorAll('#msg-list .reaction').length >= n, 20);
    await row(alice).hover();
    await row(alice).locator('.msg-react').click();
    await alice.click('#reaction-picker [data-action="react-😂"]');
    await alice.waitForSelector('.toast-error >> text=This message has the most reactions it can have');
    assert.equal(await chip(alice, '😂').count(), 0);
    for (const reactionID of others) {
      await api('/v1/messages/reactions/remove', tokenOf('bob'), { conversationID: 'C2Calice', messageID, reactionID });
    }
    await chip(alice, '[e2e_18]').waitFor({ state: 'detached' });
    assert.deepEqual(await stored(), [['👍', 1]]);

    // what the server has shows after a reload (alice) and on opening the conversation again (bob)
    await alice.reload();
    await alice.waitForFunction(() => document.querySelector('#pane-title')?.textContent === 'Bob Marley');
    await untilCount(alice, '👍', 1);
    assert.deepEqual(await seen(alice, '👍'), ['👍 1', 'true', 'You reacted with thumbs up']);
    await bob.bringToFront();
    await bob.locator(`#conv-list li:not([data-id="C2Calice"]) .conv-main`).first().click();
    await bob.waitForFunction(() => document.querySelector('#pane-title')?.textContent !== 'Alice Liddell');
    await bob.click(`${item('C2Calice')} .conv-main`);
    await untilCount(bob, '👍', 1);
    assert.deepEqual(await seen(bob, '👍'), ['👍 1', 'false', 'Alice Liddell reacted with thumbs up']);
  });

  await step('sends images and files: pending with progress, shown inline to the peer live, refusals said plainly', async () => {
    const mediaRows = (page) => page.locator('#msg-list li.msg-media[data-seq]');
    const bytesAt = async (url) => {
      const response = await fetch(url); // no token: the link is the permission
      assert.equal(response.status, 200, url);
      return Buffer.from(await response.arrayBuffer());
    };
    const actions = (page) => page.$$eval('#msg-menu [role=menuitem]', (items) => items.map((i) => i.dataset.action));
    await alice.bringToFront();
    await alice.waitForFunction(() => document.querySelector('#pane-title')?.textContent === 'Bob Marley');
    await bob.waitForFunction(() => document.querySelector('#pane-title')?.textContent === 'Alice Liddell');
    // the attach button is in the composer, labelled, and reached from the keyboard
    assert.equal(await alice.getAttribute('#attach', 'aria-label'), 'Attach files');
    await alice.focus('#composer-input');
    await alice.keyboard.press('Shift+Tab');
    assert.equal(await alice.evaluate(() => document.activeElement?.id), 'attach');

    // an image: pending, with its upload's progress, while the server has not answered
    let release;
    const held = new Promise((resolve) => (release = resolve));
    await routeNow(alice, '**/v1/files*', async (route) => {
      await held;
      await route.continue();
    });
    await alice.setInputFiles('#attach-input', { name: 'dot.png', mimeType: 'image/png', buffer: PNG });
    const pending = alice.locator('#msg-list li.msg-pending.msg-media');
    await pending.locator('progress[aria-label="Uploading dot.png"]').waitFor();
    assert.equal(await pending.locator('img.msg-image').getAttribute('alt'), 'Image dot.png');
    assert.equal(await alice.evaluate(() => document.activeElement?.id), 'composer-input', 'back to typing');
    await shot(alice, '36-image-uploading', { toasts: false });
    release();
    await mediaRows(alice).locator('img.msg-image').waitFor();
    await alice.unroute('**/v1/files*');
    assert.equal(await pending.count(), 0);

    // bob sees it live, loaded from the server, drawn at its size, opening in a new tab
    const image = mediaRows(bob).last().locator('img.msg-image');
    await image.waitFor();
    await bob.waitForFunction((img) => img.complete && img.naturalWidth > 0, await image.elementHandle());
    assert.deepEqual(
      await image.evaluate((img) => [img.naturalWidth, img.naturalHeight, img.width, img.height, img.alt, img.loading]),
      [PNG_WIDTH, PNG_HEIGHT, PNG_WIDTH, PNG_HEIGHT, 'Image dot.png', 'lazy'],
    );
    // shown from the server's large copy (a picture this small is its own), opening the original
    const src = await image.getAttribute('src');
    assert.match(src, /^http:\/\/127\.0\.0\.1:\d+\/files\/[0-9a-f]{32}\/dot\.png\?variant=large$/);
    const original = src.replace('?variant=large', '');
    const link = mediaRows(bob).last().locator('a.msg-image-link');
    assert.deepEqual([await link.getAttribute('href'), await link.getAttribute('target')], [original, '_blank']);
    assert.ok((await bytesAt(original)).equals(PNG), 'the server has the exact bytes');
    assert.ok((await bytesAt(src)).equals(PNG), 'a picture this small is its own large copy');
    await bob.waitForFunction((sel) => document.querySelector(sel)?.textContent === '[Image]', `${item('C2Calice')} .conv-preview`);

    // a text file: a card with its name, size and a link to download it
    const notes = Buffer.from('Lunch list: tacos, salsa, lime.\n');
    await alice.setInputFiles('#attach-input', { name: 'notes.txt', mimeType: 'text/plain', buffer: notes });
    const card = mediaRows(bob).last().locator('.file-card');
    await card.locator('.file-name >> text=notes.txt').waitFor();
    assert.equal(await card.locator('.file-size').textContent(), `${notes.length} bytes`);
    const download = card.locator('a.file-download');
    assert.equal(await download.getAttribute('download'), 'notes.txt');
    assert.equal(await download.getAttribute('aria-label'), `Download notes.txt, ${notes.length} bytes`);
    assert.ok((await bytesAt(await download.getAttribute('href'))).equals(notes), 'the link fetches the file');
    await alice.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'You: [File]', `${item('C2Cbob')} .conv-preview`);
    await bob.bringToFront();
    await shot(bob, '37-image-and-file', { toasts: false });

    // the message menu: no Edit on an image or a file (only text is edited), Delete for me as ever
    await alice.bringToFront();
    await mediaRows(alice).last().click({ button: 'right' });
    await alice.waitForSelector('#msg-menu');
    assert.deepEqual((await actions(alice)).filter((a) => a !== 'recall'), ['react', 'delete-for-me']);
    await alice.keyboard.press('Escape');
    await alice.waitForSelector('#msg-menu', { state: 'detached' });

    // a picture pasted into the composer is sent; a file dropped on the conversation too
    const sent = await mediaRows(bob).count();
    await alice.evaluate((bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], 'image.png', { type: 'image/png' }));
      document.getElementById('composer-input').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, [...PNG]);
    await bob.waitForFunction((n) => document.querySelectorAll('#msg-list li.msg-media[data-seq]').length === n, sent + 1);
    assert.equal(await mediaRows(bob).last().locator('img.msg-image').getAttribute('alt'), 'Image image.png');
    assert.equal(await alice.inputValue('#composer-input'), '', 'nothing pasted as text');
    const drag = await alice.evaluateHandle(() => {
      const data = new DataTransfer();
      data.items.add(new File(['Agenda: lunch.'], 'agenda.txt', { type: 'text/plain' }));
      return data;
    });
    await alice.dispatchEvent('#messages', 'dragenter', { dataTransfer: drag });
    await alice.waitForSelector('#drop-zone >> text=Drop to send to Bob Marley');
    await shot(alice, '38-drop-zone', { toasts: false });
    await alice.dispatchEvent('#messages', 'drop', { dataTransfer: drag });
    await alice.waitForSelector('#drop-zone', { state: 'detached' });
    await bob.waitForSelector('#msg-list li.msg-media[data-seq] .file-name >> text=agenda.txt');

    // an MP4 goes as a video message: a player
    await alice.setInputFiles('#attach-input', { name: 'clip.mp4', mimeType: 'video/mp4', buffer: Buffer.from('not really a video') });
    const video = bob.locator('#msg-list li.msg-media[data-seq] video.msg-video');
    await video.waitFor();
    assert.match(await video.getAttribute('src'), /\/files\/[0-9a-f]{32}\/clip\.mp4$/);
    assert.deepEqual([await video.getAttribute('controls'), await video.getAttribute('aria-label')], ['', 'Video clip.mp4']);
    await bob.waitForFunction((sel) => document.querySelector(sel)?.textContent === '[Video]', `${item('C2Calice')} .conv-preview`);

    // too large for Tencent's limit: said with the limit, and nothing is left in the list
    await alice.setInputFiles('#attach-input', { name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(20 * 1024 * 1024) });
    await alice.waitForSelector('.toast-error >> text=Not sent: huge.png is too large (20 MB). Images must be smaller than 20 MB.');
    await alice.waitForFunction(() => document.querySelectorAll('#msg-list li[data-key]:not([data-seq])').length === 0);
    // over what this server takes (it answers 413, naming its limit)
    await routeNow(alice, '**/v1/files*', (route) =>
      route.fulfill({
        status: 413,
        contentType: 'application/json',
        body: JSON.stringify({
          code: 41301,
          error: 'payload_too_large',
          message: 'the file is larger than 1048576 bytes, the most this server takes',
          requestID: 'e2e',
        }),
      }),
    );
    await alice.setInputFiles('#attach-input', { name: 'scan.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(2048, 1) });
    await alice.waitForSelector('.toast-error >> text=Not sent: scan.pdf is too large (2 KB). This server takes files of at most 1 MB.');
    await alice.waitForFunction(() => document.querySelectorAll('#msg-list li[data-key]:not([data-seq])').length === 0);
    await alice.unroute('**/v1/files*');
    // an upload that gets no answer: the message stays, refused, and Retry sends it
    let cut = false;
    await routeNow(alice, '**/v1/files*', (route) => {
      if (cut) return route.continue();
      cut = true;
      return route.abort('connectionreset');
    });
    await alice.setInputFiles('#attach-input', { name: 'menu.txt', mimeType: 'text/plain', buffer: Buffer.from('Tacos\n') });
    await alice.waitForSelector('.toast-error >> text=Not sent: could not upload menu.txt: the server could not be reached.');
    await alice.click('#msg-list .msg-failed .msg-retry');
    await alice.waitForSelector('#msg-list li.msg-media[data-seq] .file-name >> text=menu.txt');
    assert.equal(await alice.locator('#msg-list .msg-failed').count(), 0);
    await bob.waitForSelector('#msg-list li.msg-media[data-seq] .file-name >> text=menu.txt');
    await alice.unroute('**/v1/files*');
    const stored = (await api('/v1/conversations/C2Calice/messages', tokenOf('bob'))).messageList.filter((m) => m.from === 'alice');
    assert.deepEqual(
      stored.slice(-6).map((m) => m.type),
      ['TIMImageElem', 'TIMFileElem', 'TIMImageElem', 'TIMFileElem', 'TIMVideoFileElem', 'TIMFileElem'],
      'one message per file: none of the refused ones',
    );
  });

  await step('adds a friend: the request reaches bob, who accepts; both see each other in Contacts, live', async () => {
    const friendRow = (uid) => `#friend-list li[data-uid="${uid}"]`;
    const requestRow = (uid, way) => `#friend-requests li[data-uid="${uid}"][data-way="${way}"]`;
    const friendsOf = async (uid) => (await api('/v1/friends', tokenOf(uid))).friendList;
    const idsOf = async (uid) => (await friendsOf(uid)).map((f) => f.userID);

    // alice opens Contacts: no friends yet, and people ask her first (everyone's default)
    await alice.bringToFront();
    await alice.click('#tab-contacts');
    await alice.waitForSelector('#friends-empty');
    await alice.waitForFunction(() => document.querySelector('#friend-allow')?.value === 'AllowType_Type_NeedConfirm');

    // Add friend: a mistyped ID is refused in the dialog, which stays open to correct it
    await alice.click('#add-friend');
    await alice.waitForSelector('#add-friend-dialog[open]');
    await alice.fill('#add-friend-id', 'bobb');
    await alice.click('#add-friend-submit');
    await alice.waitForSelector('#add-friend-error >> text=There is no user “bobb”.');
    assert.equal(await alice.isVisible('#add-friend-dialog[open]'), true);
    // bob asks for consent too: a request now waits for him, with her note
    await alice.fill('#add-friend-id', 'bob');
    await alice.fill('#add-friend-note', 'Lunch buddies?');
    await alice.click('#add-friend-submit');
    await alice.waitForSelector('.toast >> text=Request sent — waiting for Bob Marley to accept');
    await alice.waitForSelector('#add-friend-dialog', { state: 'detached' });
    await alice.waitForSelector(`${requestRow('bob', 'outgoing')} >> text=waiting for them to accept`);
    assert.equal(await alice.isVisible(`${requestRow('bob', 'outgoing')} [data-withdraw="bob"]`), true);
    assert.deepEqual(await idsOf('alice'), [], 'not friends until he accepts');

    // bob, on his chat list, finds the count of new requests on the Contacts tab
    await bob.bringToFront();
    await bob.waitForSelector('#contacts-badge >> text=1');
    assert.equal(await bob.getAttribute('#tab-chats', 'aria-selected'), 'true');
    assert.match(await bob.textContent('#tab-contacts'), /1 new friend request$/);
    // opening Contacts shows the request with her note, and reads it: the badge goes
    await bob.click('#tab-contacts');
    const request = bob.locator(requestRow('alice', 'incoming'));
    await request.waitFor();
    assert.equal(await request.locator('.request-name').textContent(), 'Alice Liddell');
    assert.equal(await request.locator('.request-note').textContent(), '“Lunch buddies?”');
    await bob.waitForSelector('#contacts-badge', { state: 'detached' });
    assert.equal((await api('/v1/friend-applications', tokenOf('bob'))).unreadCount, 0);
    await shot(bob, '34-friend-request', { toasts: false });

    // he accepts: each is in the other's list, live on both screens
    await request.locator('[data-accept="alice"]').click();
    await bob.waitForSelector('.toast >> text=You and Alice Liddell are now friends');
    await bob.waitForSelector(`${friendRow('alice')} .friend-name >> text=Alice Liddell`);
    assert.equal(await bob.locator('#friend-requests').count(), 0, 'no request left');
    await alice.bringToFront();
    await alice.waitForSelector(`${friendRow('bob')} .friend-name >> text=Bob Marley`);
    await alice.waitForSelector('#friend-requests', { state: 'detached' });
    assert.equal(await alice.textContent('#friend-count'), '1 friend');
    assert.deepEqual([await idsOf('alice'), await idsOf('bob')], [['bob'], ['alice']]);

    // she gives him a name of her own (a remark, which only she sees) from his ⋯ menu
    await alice.click(`${friendRow('bob')} .friend-more`);
    await alice.waitForSelector('#friend-menu');
    await alice.click('#friend-menu [data-action="rename"]');
    await alice.waitForSelector('#rename-friend-dialog[open]');
    await alice.fill('#friend-remark', 'Bobby');
    await alice.press('#friend-remark', 'Enter');
    await alice.waitForSelector(`${friendRow('bob')} .friend-name >> text=Bobby`);
    assert.equal(await alice.textContent(`${friendRow('bob')} .friend-sub`), 'Bob Marley · bob');
    assert.equal((await friendsOf('alice'))[0].remark, 'Bobby');
    await shot(alice, '35-contacts', { toasts: false });

    // clicking him opens their conversation, in Chats, which shows him by her name for him
    await alice.click(`${friendRow('bob')} .friend-main`);
    await alice.waitForFunction(() => document.querySelector('#pane-title')?.textContent === 'Bobby');
    assert.equal(await alice.textContent(`${item('C2Cbob')} .conv-name`), 'Bobby');
    await alice.waitForSelector('#msg-list >> text=See you at 7:30');
    assert.equal(await alice.getAttribute('#tab-chats', 'aria-selected'), 'true');

    // removing him asks first, the safe choice focused; both lists follow
    await alice.click('#tab-contacts');
    await alice.click(`${friendRow('bob')} .friend-more`);
    await alice.click('#friend-menu [data-action="remove"]');
    await alice.waitForSelector('#remove-friend-dialog[open]');
    assert.equal(await alice.textContent('#remove-friend-title'), 'Remove Bobby from your contacts?');
    assert.equal(await alice.evaluate(() => document.activeElement?.id), 'remove-friend-cancel');
    await alice.click('#remove-friend-confirm');
    await alice.waitForSelector('.toast >> text=Removed Bobby from your contacts');
    await alice.waitForSelector('#friends-empty');
    await bob.bringToFront();
    await bob.waitForSelector(friendRow('alice'), { state: 'detached' });
    await bob.waitForSelector('#friends-empty');
    assert.deepEqual([await idsOf('alice'), await idsOf('bob')], [[], []]);
    // no longer her friend, he is shown by his own name again
    await alice.bringToFront();
    await alice.click('#tab-chats');
    await alice.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent === 'Bob Marley',
      `${item('C2Cbob')} .conv-name`,
    );
    await alice.click('#tab-contacts');

    // alice takes no requests any more: bob's add is refused, and says why
    await alice.bringToFront();
    await alice.selectOption('#friend-allow', 'AllowType_Type_DenyAny');
    await alice.waitForSelector('.toast >> text=No one can add you as a friend now.');
    assert.equal((await api('/v1/profile', tokenOf('alice'))).allowType, 'AllowType_Type_DenyAny');
    await bob.bringToFront();
    await bob.click('#add-friend');
    await bob.fill('#add-friend-id', 'alice');
    await bob.click('#add-friend-submit');
    await bob.waitForSelector('#add-friend-error >> text=Alice Liddell does not accept friend requests.');
    await bob.click('#add-friend-cancel');
    await bob.waitForSelector('#add-friend-dialog', { state: 'detached' });
    assert.deepEqual((await api('/v1/friend-applications', tokenOf('alice'))).applicationList, []);

    // back as they were, on their chat lists, where their conversation stays (friends are a list,
    // not a permission)
    await alice.bringToFront();
    await alice.selectOption('#friend-allow', 'AllowType_Type_NeedConfirm');
    await alice.waitForSelector('.toast >> text=People now ask you before they add you as a friend.');
    assert.equal((await api('/v1/profile', tokenOf('alice'))).allowType, 'AllowType_Type_NeedConfirm');
    await alice.click('#tab-chats');
    await bob.click('#tab-chats');
    await bob.waitForSelector(item('C2Calice'));
  });

  await step('searches messages: conversations with matches, one match opened and marked, an older one jumped to', async () => {
    await alice.bringToFront();
    // text messages, as the users' apps send them (the server searches a text's text)
    const send = (token, conversationID, text) =>
      api('/v1/messages', token, { conversationID, type: 'TIMTextElem', payload: { text } });
    // two matches with dave, the older one well before the newest page; one in the group, later
    await send('dave-token-2', 'C2Calice', 'A quokka smiled at me today');
    for (let n = 1; n <= 21; n++) await send('dave-token-2', 'C2Calice', `Catching up ${n}`);
    await send(tokenOf('carol'), 'GROUPdemo', 'Quokka pictures from the trip are up');
    await send('dave-token-2', 'C2Calice', 'Second quokka story, I promise');
    await alice.waitForSelector(`${item('C2Cdave')} .conv-preview >> text=Second quokka story, I promise`);

    // typing searches (once typing pauses): each conversation with its matches, newest first
    await alice.fill('#search-input', 'quokka');
    await alice.waitForSelector('#search-status >> text=3 messages found');
    const hit = (id) => `#search-results .search-hit[data-id="${id}"]`;
    assert.deepEqual(await alice.$$eval('#search-list .search-hit', (els) => els.map((el) => el.dataset.id)), [
      'C2Cdave',
      'GROUPdemo',
    ]);
    assert.equal(await alice.isVisible('#conv-list'), false, 'the results take the place of the list');
    assert.equal(await alice.textContent(`${hit('C2Cdave')} .conv-name`), 'dave');
    assert.equal(await alice.textContent(`${hit('C2Cdave')} .search-count`), '2 messages');
    // a single match shows itself: its sender, the word marked (any case), its time
    assert.equal(await alice.textContent(`${hit('GROUPdemo')} .conv-name`), 'Demo crew');
    assert.equal(await alice.textContent(`${hit('GROUPdemo')} .search-text`), 'carol: Quokka pictures from the trip are up');
    assert.equal(await alice.textContent(`${hit('GROUPdemo')} mark`), 'Quokka');
    assert.match(await alice.textContent(`${hit('GROUPdemo')} .conv-time`), /^\d{1,2}:\d\d/);
    await shot(alice, '36-search', { toasts: false });

    // choosing it opens the group at that message, focused and marked for a moment
    await alice.click(hit('GROUPdemo'));
    await alice.waitForFunction(() => document.querySelector('#pane-title')?.textContent === 'Demo crew');
    await alice.waitForSelector('#msg-list .msg-found >> text=Quokka pictures from the trip are up');
    await alice.waitForFunction(() => document.activeElement?.classList.contains('msg-found'));
    await alice.waitForSelector('#msg-list .msg-found', { state: 'detached' });
    assert.equal(await alice.isVisible('#search-results'), true, 'the results stay, to choose another');

    // from the keyboard: ↓ from the field, Enter on dave's: his two matches, newest first
    await alice.focus('#search-input');
    await alice.keyboard.press('ArrowDown');
    assert.equal(await alice.evaluate(() => document.activeElement?.dataset.id), 'C2Cdave');
    await alice.keyboard.press('Enter');
    await alice.waitForSelector('#search-matches-title >> text=2 messages in dave');
    await alice.waitForFunction(() => document.querySelectorAll('#search-matches .search-match').length === 2);
    assert.deepEqual(await alice.$$eval('#search-matches .search-match-text', (els) => els.map((el) => el.textContent)), [
      'Second quokka story, I promise',
      'A quokka smiled at me today',
    ]);
    await alice.waitForFunction(() => document.activeElement?.id === 'search-back');
    await alice.keyboard.press('ArrowDown');
    await alice.keyboard.press('ArrowDown');
    await alice.keyboard.press('Enter');
    // the older one is 22 messages back, past the newest page: the history opens around it
    // (getMessageListHopping), the newer messages below not loaded until scrolled to
    await alice.waitForFunction(() => document.querySelector('#pane-title')?.textContent === 'dave');
    await alice.waitForSelector('#msg-list .msg-found >> text=A quokka smiled at me today');
    await alice.waitForSelector('#history-newer');
    assert.equal(await alice.locator('#msg-list >> text=Second quokka story, I promise').count(), 0);
    assert.equal(await alice.locator('#msg-list >> text=Got them all, thanks').count(), 1, 'the messages before it');
    await shot(alice, '37-search-jump', { toasts: false });
    // Jump to the latest: the end of the conversation
    await alice.click('#show-latest');
    await alice.waitForSelector('#msg-list >> text=Second quokka story, I promise');
    await alice.waitForSelector('#history-newer', { state: 'detached' });

    // a conversation's matches come a page (20) at a time: More brings the rest
    await alice.fill('#search-input', 'catching');
    await alice.waitForSelector(`${hit('C2Cdave')} .search-count >> text=21 messages`);
    await alice.click(hit('C2Cdave'));
    await alice.waitForFunction(() => document.querySelectorAll('#search-matches .search-match').length === 20);
    await alice.click('#search-more');
    await alice.waitForFunction(() => document.querySelectorAll('#search-matches .search-match').length === 21);
    await alice.waitForSelector('#search-more', { state: 'detached' });
    assert.equal(await alice.textContent('#search-matches li:last-child .search-match-text'), 'Catching up 1');

    // Escape goes back to all the results, then closes the search: the list is back
    await alice.focus('#search-input');
    await alice.keyboard.press('Escape');
    await alice.waitForSelector('#search-list');
    // the focus follows in the next frame, once the results show again
    await alice.waitForFunction(() => document.activeElement?.dataset.id === 'C2Cdave');
    await alice.keyboard.press('Escape');
    await alice.waitForSelector('#search-results', { state: 'detached' });
    await alice.waitForSelector(item('C2Cdave'));
    assert.equal(await alice.inputValue('#search-input'), '');
    await alice.waitForFunction(() => document.activeElement?.id === 'search-input');

    // a word found nowhere (Enter searches at once); the clear button closes the search
    await alice.fill('#search-input', 'xylophone');
    await alice.press('#search-input', 'Enter');
    await alice.waitForSelector('#search-status >> text=No messages found for “xylophone”.');
    assert.equal(await alice.locator('#search-list').count(), 0);
    await alice.click('#search-clear');
    await alice.waitForSelector('#search-results', { state: 'detached' });
    await alice.waitForSelector('#tab-chats');
  });

  await step('shows who is online, live; bob sets his status from his menu, and alice and his other tab see it', async () => {
    const bobRow = item('C2Cbob');
    const presence = (page) => page.evaluate(() => document.querySelector('#pane-presence')?.textContent ?? null);
    const waitPresence = (page, text) =>
      page.waitForFunction((t) => document.querySelector('#pane-presence')?.textContent === t, text);
    const statusOnServer = async () =>
      (await api('/v1/user-status', tokenOf('alice'), { userIDList: ['bob'] })).successUserList[0];

    // bob is signed in (his page is open): alice's list and header show him online
    await alice.bringToFront();
    await alice.click(`${bobRow} .conv-main`);
    await waitPresence(alice, 'Online');
    await alice.waitForSelector(`${bobRow} .presence-dot[aria-label="online"]`);
    await alice.waitForSelector('#pane-head .presence-dot[aria-label="online"]');
    assert.match(await alice.getAttribute(`${bobRow} .conv-main`, 'aria-label'), /^[^,]+, online, /);

    // bob closes his page: alice sees him offline, without reloading
    await bob.context().close();
    await waitPresence(alice, 'Offline');
    await alice.waitForSelector(`${bobRow} .presence-dot`, { state: 'detached' });
    assert.equal(await alice.locator('#pane-head .presence-dot').count(), 0);
    assert.doesNotMatch(await alice.getAttribute(`${bobRow} .conv-main`, 'aria-label'), /online/);

    // bob signs in again, in two tabs: online again for alice
    bob = await newPage();
    await signInDemo(bob, 'bob');
    const bob2 = await bob.context().newPage();
    bob2.setDefaultTimeout(TIMEOUT);
    watch(bob2);
    await signInDemo(bob2, 'bob');
    await waitPresence(alice, 'Online');
    await alice.waitForSelector(`${bobRow} .presence-dot[aria-label="online"]`);
    await bob2.waitForSelector('#me-status >> text=Set a status');

    // bob's menu: Set status… opens the dialog, the focus in its field; Escape closes it, the focus back
    await bob.bringToFront();
    await bob.click('#me-button');
    await bob.waitForSelector('#me-menu');
    assert.equal(await bob.getAttribute('#me-button', 'aria-expanded'), 'true');
    await bob.click('#me-menu [data-action="status"]');
    await bob.waitForSelector('#status-dialog[open]');
    await bob.waitForFunction(() => document.activeElement?.id === 'status-input');
    await bob.keyboard.press('Escape');
    await bob.waitForSelector('#status-dialog', { state: 'detached' });
    await bob.waitForFunction(() => document.activeElement?.id === 'me-button');

    // from the keyboard this time; a status over 100 bytes is refused in the dialog, not sent
    await bob.keyboard.press('Enter');
    await bob.waitForSelector('#me-menu');
    await bob.waitForFunction(() => document.activeElement?.dataset.action === 'status');
    await bob.keyboard.press('Enter');
    await bob.waitForSelector('#status-dialog[open]');
    await bob.waitForFunction(() => document.activeElement?.id === 'status-input');
    // 96 characters, 104 bytes of UTF-8: the server counts bytes
    await bob.fill('#status-input', 'Travelling 🚆 between Zürich and Genève — answering in the evening, or tomorrow at the latest 🙏');
    await bob.waitForSelector('#status-count >> text=104 of 100 bytes: too long');
    await bob.press('#status-input', 'Enter');
    await bob.waitForSelector('#status-error >> text=Too long: a status takes at most 100 bytes');
    assert.equal(await bob.getAttribute('#status-input', 'aria-invalid'), 'true');
    assert.equal(await bob.isVisible('#status-dialog[open]'), true, 'the dialog stays open to shorten it');
    assert.equal((await statusOnServer()).customStatus, '', 'nothing was sent');
    await shot(bob, '42-status-too-long');

    // a status that fits: saved, the dialog closes, the focus is back on his name
    await bob.fill('#status-input', 'in a meeting');
    await bob.press('#status-input', 'Enter');
    await bob.waitForSelector('#status-dialog', { state: 'detached' });
    await bob.waitForFunction(() => document.activeElement?.id === 'me-button');
    await bob.waitForSelector('#me-status >> text=in a meeting');
    assert.equal((await statusOnServer()).customStatus, 'in a meeting');
    // his other tab follows, and alice's header shows it under his name
    await bob2.waitForSelector('#me-status >> text=in a meeting');
    await waitPresence(alice, 'Online · in a meeting');
    await shot(alice, '41-presence');

    // a suggestion, then Clear: gone everywhere
    await bob.click('#me-button');
    await bob.click('#me-menu [data-action="status"]');
    await bob.waitForSelector('#status-dialog[open]');
    assert.equal(await bob.inputValue('#status-input'), 'in a meeting', 'the dialog holds the current status');
    await bob.click('#status-dialog .chip >> text=On holiday');
    assert.equal(await bob.inputValue('#status-input'), 'On holiday');
    await bob.click('#status-save');
    await bob.waitForSelector('#status-dialog', { state: 'detached' });
    await waitPresence(alice, 'Online · On holiday');
    await bob2.waitForSelector('#me-status >> text=On holiday');
    await bob.click('#me-button');
    await bob.click('#me-menu [data-action="status"]');
    await bob.click('#status-clear');
    await bob.waitForSelector('#status-dialog', { state: 'detached' });
    await bob.waitForSelector('#me-status >> text=Set a status');
    await bob2.waitForSelector('#me-status >> text=Set a status');
    await waitPresence(alice, 'Online');

    // bob closes his second tab and signs out of the first: offline for alice, live
    await bob2.close();
    await alice.waitForTimeout(500);
    assert.equal(await presence(alice), 'Online', 'his first tab is still connected');
    await bob.click('#sign-out');
    await bob.waitForSelector('#signin-uid');
    await waitPresence(alice, 'Offline');
    await alice.waitForSelector(`${bobRow} .presence-dot`, { state: 'detached' });
  });

  await step('shows how many of a group’s members are online, asked again while it is open, not after', async () => {
    const group = '/v1/groups/demo';
    const onServer = async () => [
      (await api(group, tokenOf('alice'))).memberCount,
      (await api(`${group}/online-count`, tokenOf('alice'))).memberCount,
    ];
    const waitText = (selector, text, timeout = TIMEOUT) =>
      alice.waitForFunction(([s, t]) => document.querySelector(s)?.textContent === t, [selector, text], { timeout });
    // alice's own calls for the count, to check their pace
    const asked = [];
    const onRequest = (request) => {
      if (new URL(request.url()).pathname === `${group}/online-count`) asked.push(Date.now());
    };
    alice.on('request', onRequest);
    try {
      // bob signed out in the last step: alice opens the demo group and sees who is on now
      await alice.bringToFront();
      await alice.click(`${item('GROUPdemo')} .conv-main`);
      await alice.waitForSelector('#pane-head #group-info-open');
      const [members, online] = await onServer();
      assert.ok(online >= 1, 'alice herself is online');
      await waitText('#pane-members', `${members} members`);
      await waitText('#pane-online', `${online} online`);
      assert.match(await alice.textContent('.pane-sub'), new RegExp(`^${members} members · ${online} online( · |$)`));

      // bob, a member, signs in: alice hears his status change and asks again (at most 5 s after
      // her last call), without reloading
      bob = await newPage();
      await signInDemo(bob, 'bob');
      assert.deepEqual(await onServer(), [members, online + 1]);
      await waitText('#pane-online', `${online + 1} online`, 15_000);
      await shot(alice, '43-group-online');
      const gaps = asked.slice(1).map((at, i) => at - asked[i]);
      assert.ok(gaps.every((gap) => gap >= 4_800), `never more than once per 5 s: ${gaps.join(', ')} ms apart`);

      // closed, the group is not asked about any more, even when bob signs out
      await alice.fill('#composer-input', '');
      await alice.press('#composer-input', 'Escape');
      await alice.waitForSelector('.pane-empty');
      const calls = asked.length;
      await bob.click('#sign-out');
      await bob.waitForSelector('#signin-uid');
      await alice.waitForTimeout(2_500);
      assert.equal(asked.length, calls, 'no call once the conversation closed');
    } finally {
      alice.off('request', onRequest);
    }
  });

  await step('asks for read receipts: "Read" once bob opens it; "1 read" in a group, and who read it', async () => {
    const rowOf = (page, text) => page.locator('#msg-list li.msg[data-seq]', { hasText: text });
    /** The receipt words under a message (`null`: none), as the user sees them. */
    const receiptOf = (page, text) =>
      page.evaluate(
        (t) =>
          [...document.querySelectorAll('#msg-list li.msg[data-seq]')]
            .find((li) => li.querySelector('.msg-text')?.textContent === t)
            ?.querySelector('.msg-receipt')?.textContent ?? null,
        text,
      );
    const untilReceipt = (page, text, words) =>
      page.waitForFunction(
        ([t, w]) =>
          [...document.querySelectorAll('#msg-list li.msg[data-seq]')]
            .find((li) => li.querySelector('.msg-text')?.textContent === t)
            ?.querySelector('.msg-receipt')?.textContent === w,
        [text, words],
      );
    const storedIn = async (conversationID, uid, text) =>
      (await api(`/v1/conversations/${conversationID}/messages`, tokenOf(uid))).messageList.find(
        (m) => m.payload?.text === text,
      );
    // the receipts bob's page gives (POST /v1/messages/read-receipts), to check it gives each once
    const given = [];
    const onRequest = (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/v1/messages/read-receipts') {
        given.push(request.postDataJSON());
      }
    };

    // bob signed out in an earlier step: he signs in again, no conversation open
    await signInDemo(bob, 'bob');
    bob.on('request', onRequest);
    try {
      // alice writes to bob: the composer's toggle, off, asks for read receipts once pressed
      await alice.bringToFront();
      await alice.click(`${item('C2Cbob')} .conv-main`);
      await alice.waitForSelector('#composer-input');
      assert.equal(await alice.getAttribute('#receipts-toggle', 'aria-label'), 'Ask for read receipts');
      assert.equal(await alice.getAttribute('#receipts-toggle', 'aria-pressed'), 'false');
      await alice.click('#receipts-toggle');
      await alice.waitForSelector('#receipts-toggle[aria-pressed="true"]');
      assert.equal(await alice.evaluate(() => document.activeElement?.id), 'composer-input', 'the focus stays in the text field');
      const text = 'Did you get the contract?';
      await alice.fill('#composer-input', text);
      await alice.press('#composer-input', 'Enter');
      await untilReceipt(alice, text, 'Unread');
      assert.equal(await rowOf(alice, text).locator('.msg-receipt').getAttribute('title'), 'Bob Marley has not read it yet');
      const stored = await storedIn('C2Calice', 'bob', text);
      assert.equal(stored.needReadReceipt, true, 'the message asks for receipts');

      // bob opens the conversation: his page gives the receipt, and alice's message reads "Read", live
      await bob.bringToFront();
      await bob.click(`${item('C2Calice')} .conv-main`);
      await rowOf(bob, text).waitFor();
      await alice.bringToFront();
      await untilReceipt(alice, text, 'Read');
      // reading the conversation says "Read" too: the receipt itself, live, says when in the tooltip
      await alice.waitForFunction(
        (t) =>
          /^Bob Marley read it at \d\d:\d\d/.test(
            [...document.querySelectorAll('#msg-list li.msg[data-seq]')]
              .find((li) => li.querySelector('.msg-text')?.textContent === t)
              ?.querySelector('.msg-receipt')?.title ?? '',
          ),
        text,
      );
      assert.equal(await rowOf(alice, text).locator('.msg-read').count(), 1, 'one label, not two');
      const receipts = await api('/v1/messages/read-receipts/list', tokenOf('alice'), {
        conversationID: 'C2Cbob',
        messageIDList: [stored.messageID],
      });
      assert.equal(receipts.receiptList[0].readCount, 1, 'the server has his receipt');
      assert.deepEqual(given, [{ conversationID: 'C2Calice', messageIDList: [stored.messageID] }]);
      await shot(alice, '44-read-receipt', { toasts: false });

      // bob opens another conversation and this one again: no second receipt (checked below)
      await bob.bringToFront();
      await bob.click(`${item('C2Ccarol')} .conv-main`);
      await bob.waitForFunction(() => document.querySelector('#pane-title')?.textContent === 'carol');
      await bob.click(`${item('C2Calice')} .conv-main`);
      await rowOf(bob, text).waitFor();
      assert.equal(await receiptOf(bob, text), null, 'a message from someone else shows no receipt words');

      // in a group: alice's choice holds there too; her message reads "Unread", then "1 read" when bob opens it
      const members = (await api('/v1/groups/demo', tokenOf('alice'))).memberCount;
      await alice.bringToFront();
      await alice.click(`${item('GROUPdemo')} .conv-main`);
      await alice.waitForSelector('#receipts-toggle[aria-pressed="true"]');
      const question = 'Who is coming on Friday?';
      await alice.fill('#composer-input', question);
      await alice.press('#composer-input', 'Enter');
      await untilReceipt(alice, question, 'Unread');
      await bob.bringToFront();
      await bob.click(`${item('GROUPdemo')} .conv-main`);
      await rowOf(bob, question).waitFor();
      await alice.bringToFront();
      await untilReceipt(alice, question, '1 read');
      const label = rowOf(alice, question).locator('.msg-receipt');
      assert.equal(
        await label.getAttribute('aria-label'),
        `1 read: Read by 1 of ${members - 1} members. Show who read it`,
      );
      assert.equal(given.length, 2, 'one receipt per message: none again on opening the conversation again');
      assert.equal(given[1].conversationID, 'GROUPdemo');

      // the label opens who read it and who has not, by name; Escape closes it, the focus back on the label
      await label.click();
      await alice.waitForSelector('#receipts-dialog[open]');
      await alice.waitForSelector('#receipts-read');
      const names = (list) =>
        alice.$$eval(`${list} .member-name`, (els) => els.map((el) => el.firstChild.textContent));
      assert.deepEqual(await names('#receipts-read'), ['Bob Marley']);
      const notRead = await names('#receipts-unread');
      assert.equal(notRead.length, members - 2);
      assert.ok(notRead.includes('carol'), `carol has not read it: ${notRead}`);
      assert.equal(await alice.textContent('#receipts-summary'), `Read by 1 of ${members - 1} members`);
      assert.equal(await alice.textContent('#receipts-message'), question);
      assert.equal(await alice.evaluate(() => document.activeElement?.id), 'receipts-close');
      await shot(alice, '45-read-receipts-dialog', { toasts: false });
      await alice.keyboard.press('Escape');
      await alice.waitForSelector('#receipts-dialog', { state: 'detached' });
      assert.equal(await alice.evaluate(() => document.activeElement?.classList.contains('msg-receipt')), true);

      // the message menu offers the same, from the keyboard
      await rowOf(alice, question).focus();
      await alice.keyboard.press('Shift+F10');
      await alice.waitForSelector('#msg-menu [data-action="read-receipts"]');
      await alice.click('#msg-menu [data-action="read-receipts"]');
      await alice.waitForSelector('#receipts-dialog[open] #receipts-read');
      await alice.click('#receipts-close');
      await alice.waitForSelector('#receipts-dialog', { state: 'detached' });

      // after a reload: the counts as the server has them, and the choice, kept
      await alice.reload();
      await alice.waitForFunction(() => document.querySelector('#pane-title')?.textContent === 'Demo crew');
      await untilReceipt(alice, question, '1 read');
      assert.equal(await alice.getAttribute('#receipts-toggle', 'aria-pressed'), 'true');

      // turned off, a message asks for nothing and shows no receipt words
      await alice.click('#receipts-toggle');
      await alice.waitForSelector('#receipts-toggle[aria-pressed="false"]');
      const plain = 'No receipt needed for this one';
      await alice.fill('#composer-input', plain);
      await alice.press('#composer-input', 'Enter');
      await rowOf(alice, plain).waitFor();
      assert.equal(await receiptOf(alice, plain), null);
      assert.equal((await storedIn('GROUPdemo', 'alice', plain)).needReadReceipt, undefined);
    } finally {
      bob.off('request', onRequest);
    }
  });

  await step('pins group messages: the bar and the list, live for every member, unpinned, refused plainly', async () => {
    const rowOf = (page, text) => page.locator('#msg-list li.msg[data-seq]', { hasText: text });
    /** The bar's message, as its sender and text read: `You: …`, `Bob Marley: …`. */
    const untilBar = (page, text) =>
      page.waitForFunction((t) => document.querySelector('#pinned-preview')?.textContent === t, text);
    const untilCount = (page, n) =>
      page.waitForFunction(
        (c) => document.querySelector('#pinned-list-open')?.getAttribute('aria-label') === `All pinned messages (${c})`,
        n,
      );
    const pinnedOnServer = async () => (await api('/v1/groups/demo/pinned-messages', tokenOf('alice'))).messageList;
    const history = async () =>
      (await api('/v1/conversations/GROUPdemo/messages?limit=100', tokenOf('alice'))).messageList;
    const idOf = async (text) => (await history()).find((m) => m.payload?.text === text).messageID;
    const pinThroughAPI = (uid, messageID, isPinned) =>
      api('/v1/groups/demo/pinned-messages', tokenOf(uid), { messageID, isPinned });
    /** Opens a message's menu from the keyboard (Shift+F10 on it); its actions. */
    const menuOf = async (page, text) => {
      await rowOf(page, text).focus();
      await page.keyboard.press('Shift+F10');
      await page.waitForSelector('#msg-menu');
      return page.$$eval('#msg-menu [data-action]', (items) => items.map((item) => item.dataset.action));
    };

    // both have the demo group open (a work group: every member pins), nothing pinned yet
    await alice.bringToFront();
    await alice.waitForFunction(() => document.querySelector('#pane-title')?.textContent === 'Demo crew');
    await bob.waitForFunction(() => document.querySelector('#pane-title')?.textContent === 'Demo crew');
    assert.equal(await alice.locator('#pinned-bar').count(), 0);

    // alice pins her question from its menu: the bar shows it to her, and to bob at once, a pin by the message
    const question = 'Who is coming on Friday?';
    assert.ok((await menuOf(alice, question)).includes('pin-message'));
    await alice.click('#msg-menu [data-action="pin-message"]');
    await untilBar(alice, `You: ${question}`);
    assert.equal(await alice.locator('#pinned-position').count(), 0, 'one pinned message: no position');
    await rowOf(alice, question).locator('.msg-pinned').waitFor();
    await untilBar(bob, `Alice Liddell: ${question}`);
    await rowOf(bob, question).locator('.msg-pinned').waitFor();
    assert.equal(await rowOf(bob, question).locator('.msg-pinned').getAttribute('title'), 'Pinned by Alice Liddell');
    assert.deepEqual(
      (await pinnedOnServer()).map((p) => [p.message.payload.text, p.pinnerInfo.userID]),
      [[question, 'alice']],
    );
    // pinned, it offers Unpin instead
    const actions = await menuOf(alice, question);
    assert.ok(actions.includes('unpin-message') && !actions.includes('pin-message'), actions.join());
    await alice.keyboard.press('Escape');
    await alice.waitForSelector('#msg-menu', { state: 'detached' });

    // bob's list says who pinned it; Escape gives the focus back to its button
    await bob.bringToFront();
    await bob.click('#pinned-list-open');
    await bob.waitForSelector('#pinned-dialog[open]');
    assert.equal(await bob.textContent('#pinned-list .pinned-by'), 'Pinned by Alice Liddell');
    assert.equal(await bob.evaluate(() => document.activeElement?.id), 'pinned-close');
    await bob.keyboard.press('Escape');
    await bob.waitForSelector('#pinned-dialog', { state: 'detached' });
    assert.equal(await bob.evaluate(() => document.activeElement?.id), 'pinned-list-open');

    // bob writes and pins his message with the mouse: alice's bar shows it, the second of two
    const tickets = 'Tickets are on sale now';
    await bob.fill('#composer-input', tickets);
    await bob.press('#composer-input', 'Enter');
    await rowOf(bob, tickets).waitFor();
    await rowOf(bob, tickets).hover();
    await rowOf(bob, tickets).locator('.msg-more').click();
    await bob.click('#msg-menu [data-action="pin-message"]');
    await untilBar(bob, `You: ${tickets}`);
    await alice.bringToFront();
    await untilBar(alice, `Bob Marley: ${tickets}`);
    assert.match(await alice.textContent('#pinned-position'), /2 of 2$/);

    // carol pins the group's first message (through the API): everyone's bar shows it at once
    const welcome = 'Welcome to the Natter demo group!';
    const welcomeID = await idOf(welcome);
    await pinThroughAPI('carol', welcomeID, true);
    await untilBar(alice, `You: ${welcome}`);
    await untilBar(bob, `Alice Liddell: ${welcome}`);
    assert.match(await alice.textContent('#pinned-position'), /1 of 3$/);

    // pressing the bar shows its message in the history (around it, when it is not loaded), focused and
    // marked; the bar moves on to the one before, round to the newest, and the next press shows that
    await alice.click('#pinned-show');
    await alice.waitForSelector(`#msg-list .msg-found >> text=${welcome}`);
    await alice.waitForFunction(() => document.activeElement?.classList.contains('msg-found'));
    await untilBar(alice, `Bob Marley: ${tickets}`);
    assert.match(await alice.textContent('#pinned-position'), /3 of 3$/);
    await shot(alice, '46-pinned-bar', { toasts: false });
    await alice.click('#pinned-show');
    await alice.waitForSelector(`#msg-list .msg-found >> text=${tickets}`);
    await untilBar(alice, `You: ${question}`);

    // the list: the three in the order of the history, each with who pinned it
    await alice.click('#pinned-list-open');
    await alice.waitForSelector('#pinned-dialog[open]');
    const listed = () =>
      alice.$$eval('#pinned-list .pinned-item', (rows) =>
        rows.map((r) => [r.querySelector('.pinned-item-preview').textContent, r.querySelector('.pinned-by').textContent]),
      );
    assert.deepEqual(await listed(), [
      [welcome, 'Pinned by carol'],
      [question, 'Pinned by you'],
      [tickets, 'Pinned by Bob Marley'],
    ]);
    assert.equal(await alice.textContent('#pinned-summary'), '3 pinned messages (a group pins up to 10).');
    await shot(alice, '47-pinned-list', { toasts: false });
    // Unpin on her question: gone from the list and from bob's bar, live; the focus goes on to the next one
    await alice.click('#pinned-list .pinned-item:nth-child(2) [data-unpin]');
    await alice.waitForFunction(() => document.querySelectorAll('#pinned-list .pinned-item').length === 2);
    await alice.waitForFunction(
      (t) => document.activeElement?.closest('.pinned-item')?.querySelector('.pinned-item-preview')?.textContent === t,
      tickets,
    );
    await untilCount(bob, 2);
    await rowOf(bob, question).locator('.msg-pinned').waitFor({ state: 'detached' });
    // Show closes the list and shows the message in the history
    await alice.click('#pinned-list .pinned-item:nth-child(2) [data-show]');
    await alice.waitForSelector('#pinned-dialog', { state: 'detached' });
    await alice.waitForSelector(`#msg-list .msg-found >> text=${tickets}`);

    // alice unpins bob's message from its menu, carol hers through the API: the bars go, live
    assert.ok((await menuOf(alice, tickets)).includes('unpin-message'));
    await alice.click('#msg-menu [data-action="unpin-message"]');
    await untilCount(bob, 1);
    await untilBar(bob, `Alice Liddell: ${welcome}`);
    await pinThroughAPI('carol', welcomeID, false);
    await alice.waitForSelector('#pinned-bar', { state: 'detached' });
    await bob.waitForSelector('#pinned-bar', { state: 'detached' });
    assert.deepEqual(await pinnedOnServer(), []);

    // ten pinned (through the API): an eleventh is refused, in words, and nothing changes
    const ten = (await history())
      .filter((m) => typeof m.payload?.text === 'string' && !m.isRevoked && m.payload.text !== question)
      .slice(-10);
    assert.equal(ten.length, 10);
    for (const m of ten) await pinThroughAPI('bob', m.messageID, true);
    await untilCount(alice, 10);
    assert.ok((await menuOf(alice, question)).includes('pin-message'));
    await alice.click('#msg-menu [data-action="pin-message"]');
    await alice.waitForSelector(
      '.toast-error >> text=Not pinned: this group has 10 pinned messages, the most it can have. Unpin one first.',
    );
    await shot(alice, '48-pinned-limit');
    assert.equal((await pinnedOnServer()).length, 10);
    for (const m of ten) await pinThroughAPI('bob', m.messageID, false);
    await alice.waitForSelector('#pinned-bar', { state: 'detached' });
    await bob.waitForSelector('#pinned-bar', { state: 'detached' });

    // in a public group only the owner and the admins pin: alice, Book club's owner, is offered it; bob,
    // a member there, is not
    const books = await alice.$eval('#conv-list li:has-text("Book club")', (el) => el.dataset.id);
    await alice.click(`${item(books)} .conv-main`);
    await alice.waitForFunction(() => document.querySelector('#pane-title')?.textContent === 'Book club');
    await alice.waitForFunction(() => document.querySelector('#pane-members'));
    assert.ok((await menuOf(alice, 'Thanks!')).includes('pin-message'));
    await alice.keyboard.press('Escape');
    await bob.bringToFront();
    await bob.click(`${item(books)} .conv-main`);
    await bob.waitForFunction(() => document.querySelector('#pane-title')?.textContent === 'Book club');
    await bob.waitForFunction(() => document.querySelector('#pane-members'));
    const bobs = await menuOf(bob, 'Thanks!');
    assert.ok(bobs.length > 0 && !bobs.includes('pin-message') && !bobs.includes('unpin-message'), bobs.join());
    await bob.keyboard.press('Escape');
    await alice.bringToFront();
    await alice.click(`${item('GROUPdemo')} .conv-main`);
    await alice.waitForFunction(() => document.querySelector('#pane-title')?.textContent === 'Demo crew');

    // pins are not in the catch-up: a tab that was offline while one was made asks for them again
    const page = await newPage();
    let refuse = false;
    const sockets = [];
    await page.routeWebSocket(/\/v1\/ws/, (ws) => {
      if (refuse) {
        ws.close({ code: 1001, reason: 'test: the server is away' });
        return;
      }
      ws.connectToServer();
      sockets.push(ws);
    });
    await signInDemo(page, 'carol');
    await page.click(`${item('GROUPdemo')} .conv-main`);
    await page.waitForFunction(() => document.querySelector('#pane-title')?.textContent === 'Demo crew');
    refuse = true;
    for (const ws of sockets) await ws.close({ code: 1001, reason: 'test: connection lost' });
    await page.waitForSelector('#net-status >> text=Reconnecting…');
    await pinThroughAPI('alice', await idOf(question), true);
    await untilBar(alice, `You: ${question}`);
    refuse = false;
    await page.waitForSelector('#net-status', { state: 'detached', timeout: 20_000 });
    await untilBar(page, `Alice Liddell: ${question}`);
    await page.context().close();

    // at phone width the bar fits, its list button within the screen
    const phone = await newPage({ width: 390, height: 780 });
    await signInDemo(phone, 'bob');
    await phone.click(`${item('GROUPdemo')} .conv-main`);
    await untilBar(phone, `Alice Liddell: ${question}`);
    const open = await phone.locator('#pinned-list-open').boundingBox();
    assert.ok(open && open.x + open.width <= 390, `the list button within the screen: ${JSON.stringify(open)}`);
    await shot(phone, '49-phone-pinned');
    await phone.context().close();
    await pinThroughAPI('alice', await idOf(question), false);
    await alice.waitForSelector('#pinned-bar', { state: 'detached' });
  });

  await step('works at phone width: list and conversation as separate views', async () => {
    const phone = await newPage({ width: 390, height: 780 });
    await signInDemo(phone, 'bob');
    await phone.waitForSelector(item('C2Calice'));
    assert.equal(await phone.isVisible('#pane'), false);
    await shot(phone, '10-phone-list');
    await phone.click(`${item('C2Calice')} .conv-main`);
    await phone.waitForSelector('#msg-list >> text=Still on for lunch?');
    assert.equal(await phone.isVisible('.sidebar'), false);
    assert.equal(await phone.isVisible('#back'), true);
    // the composer's buttons fit beside the text field, Send included
    assert.equal(await phone.isVisible('#receipts-toggle'), true);
    const send = await phone.locator('#send').boundingBox();
    assert.ok(send && send.x + send.width <= 390, `Send within the screen: ${JSON.stringify(send)}`);
    await shot(phone, '11-phone-conversation');
    await phone.click('#back');
    await phone.waitForSelector('.sidebar', { state: 'visible' });
    assert.equal(await phone.isVisible('#pane'), false);
    await phone.context().close();
  });

  assert.deepEqual(pageErrors, [], 'no uncaught errors in the pages');
});
