/**
 * Natter's web chat client: plain TypeScript and DOM on top of the TypeScript SDK (sdk/js).
 *
 * Served by `natter serve --web-dir web/dist` on the API's own origin, so every call goes to
 * `location.origin`. The SDK keeps the conversation list and pushes it on every change
 * (`conversationListUpdated`); this file only renders what the SDK holds and calls it.
 */
import Natter, {
  NatterError,
  type Conversation,
  type ConversationID,
  type Message,
} from '../../sdk/js/src/index.ts';

// ------------------------------------------------------------------ constants

const PAGE_SIZE = 30;
const STAR = Natter.TYPES.CONV_MARK_TYPE_STAR;
const SESSION_KEY = 'natter.session';
const DEMO_USERS = ['alice', 'bob', 'carol'] as const;
const DEMO_GROUP = 'demo';
const DEVICES = [
  { flag: 1, name: 'Web', label: 'Web browser' },
  { flag: 2, name: 'Desktop', label: 'Desktop app' },
  { flag: 0, name: 'Phone', label: 'Phone app' },
] as const;

// ------------------------------------------------------------------ state

interface Session {
  uid: string;
  token: string;
  device?: string;
}

type Tab = 'chats' | 'archived';

const state = {
  chat: null as Natter | null,
  session: null as Session | null,
  dev: false,
  list: [] as Conversation[],
  archived: [] as Conversation[],
  folders: [] as string[],
  tab: 'chats' as Tab,
  folder: null as string | null,
  /** Deleted or archived here and waiting for the server: hidden at once. */
  hidden: new Set<ConversationID>(),
  activeID: null as ConversationID | null,
  messages: [] as Message[],
  pending: new Map<string, { text: string; time: number; failed?: boolean }>(),
  historyDone: false,
  loadingOlder: false,
  /** Bumped whenever the open conversation changes, so late answers for the old one are dropped. */
  openToken: 0,
  selecting: false,
  selected: new Set<ConversationID>(),
  focusID: null as ConversationID | null,
  total: 0,
  readInFlight: new Set<ConversationID>(),
};

const root = document.getElementById('app') as HTMLElement;

/** Inline SVG icons (no emoji: they depend on the system's fonts). */
const ICONS = {
  chat: '<path d="M4 5h16v11H9l-5 4z"/>',
  pin: '<path d="M9 3h6l-1 6 3 3v2H7v-2l3-3z"/><path d="M12 14v7"/>',
  muted: '<path d="M6 16v-5a6 6 0 0 1 9.6-4.8M18 11v5l2 2H7"/><path d="M10 20a2 2 0 0 0 4 0"/><path d="M3 3l18 18"/>',
  folder: '<path d="M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z"/>',
} as const;

function icon(name: keyof typeof ICONS, cls = ''): HTMLElement {
  const span = h('span', { class: `icon ${cls}`.trim(), 'aria-hidden': 'true' });
  span.innerHTML = `<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${ICONS[name]}</svg>`;
  return span;
}

// ------------------------------------------------------------------ DOM helpers

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, unknown>;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
    } else if (key === 'class') {
      el.className = String(value);
    } else if (key === 'text') {
      el.textContent = String(value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}

/** The children that are there (for `replaceChildren`, which would print `false` and `null`). */
function kids(...children: Child[]): (Node | string)[] {
  return children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false);
}

function $(selector: string, scope: ParentNode = document): HTMLElement | null {
  return scope.querySelector<HTMLElement>(selector);
}

function toast(text: string, kind: 'info' | 'error' = 'info'): void {
  const box = document.getElementById('toasts');
  if (!box) return;
  const item = h('div', { class: `toast toast-${kind}`, text });
  box.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 6000 : 3000);
  while (box.children.length > 3) box.firstElementChild?.remove();
}

function describeError(err: unknown): string {
  if (err instanceof NatterError) return `${err.message} (${err.code})`;
  if (err instanceof Error) return err.message;
  return String(err);
}

// ------------------------------------------------------------------ display helpers

function peerName(id: ConversationID): string {
  if (id.startsWith('C2C')) return id.slice(3);
  if (id.startsWith('GROUP')) return id.slice(5);
  if (id === '@TIM#SYSTEM') return 'System notices';
  return id;
}

function displayName(id: ConversationID): string {
  return id.startsWith('GROUP') ? `# ${peerName(id)}` : peerName(id);
}

function kindLabel(id: ConversationID): string {
  if (id.startsWith('C2C')) return 'Direct message';
  if (id.startsWith('GROUP')) return 'Group';
  return 'System';
}

function initials(name: string): string {
  const parts = name.split(/[\s._\-@#]+/).filter(Boolean);
  if (parts.length === 0) return '?';
  const letters = parts.length > 1 ? parts[0][0] + parts[1][0] : parts[0].slice(0, parts[0].length > 2 ? 1 : 2);
  return letters.toUpperCase();
}

function hue(text: string): number {
  let hash = 0;
  for (const ch of text) hash = (hash * 31 + ch.codePointAt(0)!) >>> 0;
  return hash % 360;
}

function avatar(id: string, size: 'sm' | 'md' = 'md'): HTMLElement {
  const name = id.startsWith('C2C') || id.startsWith('GROUP') ? peerName(id) : id;
  const group = id.startsWith('GROUP');
  return h('span', {
    class: `avatar avatar-${size}${group ? ' avatar-group' : ''}`,
    'aria-hidden': 'true',
    style: `--avatar-hue:${hue(name)}`,
    text: initials(name),
  });
}

function messageText(payload: Record<string, unknown> | null | undefined): string {
  if (!payload) return '';
  if (typeof payload.text === 'string') return payload.text;
  return JSON.stringify(payload);
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const longDateFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

function listTime(ms: number): string {
  const date = new Date(ms);
  const now = new Date();
  if (date.toDateString() === now.toDateString()) return timeFormat.format(date);
  const days = (now.getTime() - ms) / 86_400_000;
  if (days < 6) return dayFormat.format(date);
  return dateFormat.format(date);
}

function isMuted(c: Conversation): boolean {
  return c.messageRemindType !== 'AcceptAndNotify';
}

function isStarred(c: Conversation): boolean {
  return (c.markList ?? []).includes(STAR);
}

function preview(c: Conversation): string {
  const last = c.lastMessage;
  if (!last) return c.draftText ? `Draft: ${c.draftText}` : 'No messages yet';
  const text = messageText(last.payload);
  if (last.from === state.session?.uid) return `You: ${text}`;
  if (c.type === 'GROUP') return `${last.from}: ${text}`;
  return text;
}

// ------------------------------------------------------------------ dev mode (demo users)

async function detectDev(): Promise<boolean> {
  try {
    const response = await fetch('/v1/dev', { headers: { accept: 'application/json' } });
    if (!response.ok) return false;
    const body = (await response.json()) as { dev?: boolean };
    return body.dev === true;
  } catch {
    return false;
  }
}

/** A server-API call without a token: allowed from loopback when the server runs with `--dev`. */
async function devPost(path: string, body: unknown): Promise<void> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    let message = `${path}: HTTP ${response.status}`;
    try {
      const json = (await response.json()) as { message?: string };
      if (json.message) message = `${path}: ${json.message}`;
    } catch {
      /* not JSON */
    }
    throw new Error(message);
  }
}

function demoToken(uid: string, flag: number): string {
  return `demo-${uid}-device-${flag}`;
}

function base64Json(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * Creates the demo users (alice, bob, carol), the `demo` group and a few messages. Every step is
 * idempotent: tokens are deterministic and each seed message has a fixed `client_msg_no`, so
 * clicking again (or from another tab) changes nothing.
 */
async function seedDemo(uid: string, flag: number): Promise<Session> {
  for (const user of DEMO_USERS) {
    await devPost('/user/token', { uid: user, token: demoToken(user, 1), device_flag: 1 });
  }
  if (flag !== 1) await devPost('/user/token', { uid, token: demoToken(uid, flag), device_flag: flag });
  await devPost('/channel', { channel_id: DEMO_GROUP, channel_type: 2, subscribers: [...DEMO_USERS] });
  const seeds: [string, string, number, string][] = [
    ['alice', DEMO_GROUP, 2, 'Welcome to the Natter demo group!'],
    ['bob', DEMO_GROUP, 2, 'Right-click a conversation (or press ⋯) to pin, mute, star or archive it.'],
    ['carol', DEMO_GROUP, 2, 'Press Select to pick several conversations and delete them at once.'],
    ['carol', 'alice', 1, 'Lunch tomorrow?'],
    ['carol', 'bob', 1, 'Did you see the release notes?'],
  ];
  for (const [index, [from, channel, type, text]] of seeds.entries()) {
    await devPost('/message/send', {
      from_uid: from,
      channel_id: channel,
      channel_type: type,
      client_msg_no: `demo-seed-${index + 1}`,
      payload: base64Json({ text }),
    });
  }
  const device = DEVICES.find((d) => d.flag === flag)?.name ?? 'Web';
  return { uid, token: demoToken(uid, flag), device };
}

// ------------------------------------------------------------------ sign in

function renderSignIn(message?: string): void {
  document.title = 'Sign in · Natter';
  root.className = 'app app-signin';
  const error = h('p', { class: 'form-error', role: 'alert', id: 'signin-error' }, message ?? '');
  const uidInput = h('input', {
    id: 'signin-uid',
    name: 'uid',
    autocomplete: 'username',
    required: true,
    maxlength: 64,
    spellcheck: 'false',
  });
  const tokenInput = h('input', {
    id: 'signin-token',
    name: 'token',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    minlength: 8,
  });
  const form = h(
    'form',
    {
      class: 'signin-form',
      'aria-labelledby': 'signin-manual',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void signIn({ uid: uidInput.value.trim(), token: tokenInput.value.trim() });
      },
    },
    h('h2', { id: 'signin-manual', text: 'Sign in with a device token' }),
    h('label', { for: 'signin-uid', text: 'User ID' }),
    uidInput,
    h('label', { for: 'signin-token', text: 'Token' }),
    tokenInput,
    h('p', { class: 'hint', text: 'Your app backend issues tokens with POST /user/token.' }),
    h('button', { type: 'submit', class: 'btn btn-primary', text: 'Sign in' }),
  );

  const devPanel = h('section', { class: 'dev-panel', 'aria-labelledby': 'dev-title', hidden: !state.dev });
  if (state.dev) {
    const deviceField = h(
      'fieldset',
      { class: 'device-choice' },
      h('legend', { text: 'This tab signs in as' }),
      ...DEVICES.map((d, i) =>
        h(
          'label',
          { class: 'radio' },
          h('input', { type: 'radio', name: 'device', value: d.flag, checked: i === 0, 'data-device': d.name.toLowerCase() }),
          ` ${d.label}`,
        ),
      ),
    );
    devPanel.append(
      h('h2', { id: 'dev-title', text: 'Demo users' }),
      h('p', {
        class: 'hint',
        text: 'Dev mode: one click creates alice, bob and carol, a "demo" group and a few messages, then signs you in.',
      }),
      h(
        'div',
        { class: 'demo-buttons' },
        ...DEMO_USERS.map((uid) =>
          h(
            'button',
            {
              type: 'button',
              class: 'btn demo-user',
              'data-demo-user': uid,
              onclick: async (event: Event) => {
                const button = event.currentTarget as HTMLButtonElement;
                const flag = Number((devPanel.querySelector('input[name=device]:checked') as HTMLInputElement)?.value ?? 1);
                button.disabled = true;
                try {
                  await signIn(await seedDemo(uid, flag));
                } catch (err) {
                  renderSignIn(`Could not create the demo users: ${describeError(err)}`);
                }
              },
            },
            avatar(uid, 'sm'),
            h('span', { text: `Sign in as ${uid}` }),
          ),
        ),
      ),
      deviceField,
      h('p', {
        class: 'hint',
        text: 'Deletion sync reaches your other device types: open a second tab as "Desktop app" to watch it.',
      }),
    );
  }

  root.replaceChildren(
    h(
      'main',
      { class: 'signin', 'aria-labelledby': 'signin-title' },
      h('div', { class: 'brand' }, icon('chat', 'logo'), h('h1', { id: 'signin-title', text: 'Natter' })),
      error,
      devPanel,
      form,
    ),
  );
  const first = state.dev ? $('.demo-user', root) : uidInput;
  first?.focus();
}

async function signIn(session: Session): Promise<void> {
  if (!session.uid || !session.token) {
    renderSignIn('Enter a user ID and a token.');
    return;
  }
  const chat = Natter.create({ serverUrl: location.origin });
  try {
    await chat.login({ userID: session.uid, token: session.token });
  } catch (err) {
    sessionStorage.removeItem(SESSION_KEY);
    const text =
      err instanceof NatterError && err.code === 40101
        ? 'This token is not valid on this server.'
        : `Sign-in failed: ${describeError(err)}`;
    renderSignIn(text);
    return;
  }
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  Object.assign(state, {
    chat,
    session,
    list: [],
    archived: [],
    folders: [],
    tab: 'chats',
    folder: null,
    activeID: null,
    messages: [],
    selecting: false,
    focusID: null,
    total: chat.getTotalUnreadMessageCount(),
  });
  state.hidden.clear();
  state.selected.clear();
  wireEvents(chat);
  renderShell();
  try {
    const { data } = await chat.getConversationList();
    state.list = data.conversationList;
  } catch (err) {
    toast(`Could not load conversations: ${describeError(err)}`, 'error');
  }
  renderList();
  void refreshFolders();
  $('.conv-main[tabindex="0"]', root)?.focus();
}

async function signOut(): Promise<void> {
  const chat = state.chat;
  state.chat = null;
  state.session = null;
  sessionStorage.removeItem(SESSION_KEY);
  closeMenu();
  if (chat) await chat.logout();
  renderSignIn();
}

// ------------------------------------------------------------------ SDK events

function wireEvents(chat: Natter): void {
  chat.on(Natter.EVENT.CONVERSATION_LIST_UPDATED, (event) => {
    if (state.chat !== chat) return;
    state.list = event.data.conversationList;
    renderList();
    renderPaneHeader();
    scheduleSideRefresh();
    const active = state.activeID && state.list.find((c) => c.conversationID === state.activeID);
    if (active && active.unreadCount > 0) scheduleRead(active.conversationID);
  });
  chat.on(Natter.EVENT.MESSAGE_RECEIVED, (event) => {
    if (state.chat !== chat) return;
    for (const message of event.data.messageList) {
      if (message.conversationID === state.activeID) addMessages([message], 'append');
    }
  });
  chat.on(Natter.EVENT.CONVERSATION_DELETED, (event) => {
    if (state.chat !== chat) return;
    const ids = event.data.conversationIDList;
    const names = ids.map(displayName).join(', ');
    toast(
      `Deleted on another device: ${names}${event.data.clearHistoryMessage ? ' (history cleared)' : ''}`,
    );
    if (state.activeID && ids.includes(state.activeID)) {
      closeConversation();
      announce(`${names} was deleted on another device.`);
    }
  });
  chat.on(Natter.EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, (event) => {
    if (state.chat !== chat) return;
    state.total = event.data.totalUnreadCount;
    updateTitle();
  });
}

let sideRefreshTimer: ReturnType<typeof setTimeout> | undefined;
/** The archived list and the folder names are not pushed: refetch them (debounced) on changes. */
function scheduleSideRefresh(): void {
  clearTimeout(sideRefreshTimer);
  sideRefreshTimer = setTimeout(() => {
    if (state.tab === 'archived') void refreshArchived();
    void refreshFolders();
  }, 250);
}

async function refreshArchived(): Promise<void> {
  const chat = state.chat;
  if (!chat) return;
  try {
    const { data } = await chat.getConversationList({ archived: true });
    if (state.chat !== chat) return;
    state.archived = data.conversationList;
    renderList();
  } catch (err) {
    toast(`Could not load archived conversations: ${describeError(err)}`, 'error');
  }
}

async function refreshFolders(): Promise<void> {
  const chat = state.chat;
  if (!chat) return;
  let names: string[] = [];
  try {
    names = (await chat.getConversationGroupList()).data.groupList;
  } catch {
    // Older servers have no folders: fall back to what the conversations say.
  }
  if (state.chat !== chat) return;
  const all = new Set(names);
  for (const c of state.list) for (const g of c.conversationGroupList ?? []) all.add(g);
  const next = [...all];
  if (next.join('\n') !== state.folders.join('\n')) {
    state.folders = next;
    if (state.folder && !all.has(state.folder)) state.folder = null;
    renderFilters();
    renderList();
  }
}

function updateTitle(): void {
  const total = state.total;
  const who = state.session ? ` · ${state.session.uid}` : '';
  document.title = `${total > 0 ? `(${total}) ` : ''}Natter${who}`;
  const badge = $('#total-unread');
  if (badge) {
    badge.textContent = total > 0 ? String(total) : '';
    badge.hidden = total === 0;
    badge.setAttribute('aria-label', `${total} unread`);
  }
}

function announce(text: string): void {
  const live = $('#sr-live');
  if (live) {
    live.textContent = '';
    setTimeout(() => (live.textContent = text), 50);
  }
}

// ------------------------------------------------------------------ shell

function renderShell(): void {
  const me = state.session!.uid;
  root.className = 'app app-main';
  root.replaceChildren(
    h(
      'aside',
      { class: 'sidebar', 'aria-label': 'Conversations' },
      h(
        'header',
        { class: 'side-head' },
        avatar(me),
        h(
          'div',
          { class: 'me' },
          h('strong', { class: 'me-name', text: me }),
          h('span', { class: 'me-device', text: state.session!.device ? `${state.session!.device} device` : 'Signed in' }),
        ),
        h('span', { id: 'total-unread', class: 'badge badge-total', hidden: true }),
        h('button', {
          type: 'button',
          class: 'icon-btn',
          id: 'new-chat',
          'aria-label': 'New conversation',
          title: 'New conversation',
          text: '✎',
          onclick: () => void newConversation(),
        }),
        h('button', { type: 'button', class: 'btn btn-small', id: 'sign-out', text: 'Sign out', onclick: () => void signOut() }),
      ),
      h(
        'div',
        { class: 'tabs', role: 'tablist', 'aria-label': 'Lists' },
        tabButton('chats', 'Chats'),
        tabButton('archived', 'Archived'),
      ),
      h('div', { class: 'filters', id: 'filters', role: 'group', 'aria-label': 'Folders' }),
      h('div', { class: 'toolbar', id: 'toolbar' }),
      h('ul', {
        class: 'conv-list',
        id: 'conv-list',
        'aria-label': 'Conversation list',
        onkeydown: onListKeyDown,
      }),
      h('p', { class: 'list-empty', id: 'list-empty', hidden: true }),
    ),
    h('main', { class: 'pane', id: 'pane', 'aria-label': 'Conversation' }),
    h('div', { id: 'sr-live', class: 'visually-hidden', 'aria-live': 'assertive' }),
  );
  renderFilters();
  renderToolbar();
  renderPane();
  updateTitle();
}

function tabButton(tab: Tab, label: string): HTMLElement {
  return h('button', {
    type: 'button',
    role: 'tab',
    class: 'tab',
    id: `tab-${tab}`,
    'aria-selected': String(state.tab === tab),
    'aria-controls': 'conv-list',
    tabindex: state.tab === tab ? 0 : -1,
    text: label,
    onclick: () => switchTab(tab),
    onkeydown: (event: KeyboardEvent) => {
      if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
        const next = tab === 'chats' ? 'archived' : 'chats';
        switchTab(next);
        $(`#tab-${next}`)?.focus();
      }
    },
  });
}

function switchTab(tab: Tab): void {
  if (state.tab === tab) return;
  state.tab = tab;
  state.selecting = false;
  state.selected.clear();
  state.focusID = null;
  for (const t of ['chats', 'archived'] as Tab[]) {
    const el = $(`#tab-${t}`);
    el?.setAttribute('aria-selected', String(t === tab));
    el?.setAttribute('tabindex', t === tab ? '0' : '-1');
  }
  renderFilters();
  renderToolbar();
  renderList();
  if (tab === 'archived') void refreshArchived();
}

function renderFilters(): void {
  const box = $('#filters');
  if (!box) return;
  box.hidden = state.tab !== 'chats' || state.folders.length === 0;
  const chip = (name: string | null, label: string) =>
    h('button', {
      type: 'button',
      class: 'chip',
      'aria-pressed': String(state.folder === name),
      'data-folder': name ?? '',
      onclick: () => {
        state.folder = name;
        state.focusID = null;
        renderFilters();
        renderList();
      },
    }, name ? icon('folder') : null, label);
  box.replaceChildren(chip(null, 'All'), ...state.folders.map((f) => chip(f, f)));
}

function renderToolbar(): void {
  const bar = $('#toolbar');
  if (!bar) return;
  if (state.selecting) {
    const n = state.selected.size;
    bar.replaceChildren(...kids(
      h('span', { class: 'toolbar-count', 'aria-live': 'polite', text: `${n} selected` }),
      h('button', {
        type: 'button',
        class: 'btn btn-small btn-danger',
        id: 'delete-selected',
        disabled: n === 0,
        text: n > 0 ? `Delete (${n})` : 'Delete',
        onclick: () => void confirmDelete([...state.selected]),
      }),
      state.tab === 'chats' &&
        h('button', {
          type: 'button',
          class: 'btn btn-small',
          id: 'archive-selected',
          disabled: n === 0,
          text: 'Archive',
          onclick: () => void archive([...state.selected]),
        }),
      h('button', { type: 'button', class: 'btn btn-small', id: 'cancel-select', text: 'Done', onclick: () => setSelecting(false) }),
    ));
  } else {
    bar.replaceChildren(
      h('span', { class: 'toolbar-count', text: state.tab === 'archived' ? 'Archived conversations' : '' }),
      h('button', {
        type: 'button',
        class: 'btn btn-small',
        id: 'select-mode',
        text: 'Select',
        'aria-label': 'Select conversations',
        onclick: () => setSelecting(true),
      }),
    );
  }
}

function setSelecting(on: boolean, firstID?: ConversationID): void {
  state.selecting = on;
  state.selected.clear();
  if (on && firstID) state.selected.add(firstID);
  renderToolbar();
  renderList();
  if (!on) focusRow(state.focusID);
}

// ------------------------------------------------------------------ conversation list

function visibleList(): Conversation[] {
  const source = state.tab === 'archived' ? state.archived : state.list;
  return source.filter(
    (c) =>
      !state.hidden.has(c.conversationID) &&
      (state.tab === 'archived' || !state.folder || (c.conversationGroupList ?? []).includes(state.folder)),
  );
}

function renderList(): void {
  const ul = $('#conv-list') as HTMLUListElement | null;
  if (!ul) return;
  const hadFocus = ul.contains(document.activeElement);
  const focusedMore = hadFocus && (document.activeElement as HTMLElement).classList.contains('conv-more');
  const items = visibleList();
  for (const id of [...state.selected]) if (!items.some((c) => c.conversationID === id)) state.selected.delete(id);
  if (!state.focusID || !items.some((c) => c.conversationID === state.focusID)) {
    state.focusID = items.find((c) => c.conversationID === state.activeID)?.conversationID ?? items[0]?.conversationID ?? null;
  }
  ul.replaceChildren(...items.map(renderItem));
  const empty = $('#list-empty');
  if (empty) {
    empty.hidden = items.length > 0;
    empty.textContent =
      state.tab === 'archived'
        ? 'Nothing archived.'
        : state.folder
          ? `No conversations in “${state.folder}”.`
          : 'No conversations yet. Start one with ✎.';
  }
  if (state.selecting) renderToolbar();
  if (hadFocus) focusRow(state.focusID, focusedMore);
}

function renderItem(c: Conversation): HTMLElement {
  const id = c.conversationID;
  const name = displayName(id);
  const roving = id === state.focusID ? 0 : -1;
  const muted = isMuted(c);
  const flags: string[] = [];
  if (c.isPinned) flags.push('pinned');
  if (muted) flags.push('muted');
  if (isStarred(c)) flags.push('starred');
  if (c.isArchived) flags.push('archived');
  const time = c.lastMessage ? listTime(c.lastMessage.time) : '';
  const label = [
    name,
    c.unreadCount > 0 ? `${c.unreadCount} unread` : '',
    ...flags,
    ...(c.conversationGroupList ?? []).map((g) => `in folder ${g}`),
    `last message: ${preview(c)}`,
    time,
  ]
    .filter(Boolean)
    .join(', ');
  const selected = state.selected.has(id);
  const li = h('li', {
    class: `conv${id === state.activeID ? ' conv-active' : ''}${c.isPinned ? ' conv-pinned' : ''}${selected ? ' conv-selected' : ''}`,
    'data-id': id,
    oncontextmenu: (event: MouseEvent) => {
      event.preventDefault();
      state.focusID = id;
      openMenu(c, { x: event.clientX, y: event.clientY }, li.querySelector('.conv-main') as HTMLElement);
    },
  });
  if (state.selecting) {
    li.append(
      h('input', {
        type: 'checkbox',
        class: 'conv-check',
        tabindex: -1,
        checked: selected,
        'aria-label': `Select ${name}`,
        onchange: (event: Event) => toggleSelected(id, (event.target as HTMLInputElement).checked),
      }),
    );
  }
  li.append(
    h(
      'button',
      {
        type: 'button',
        class: 'conv-main',
        tabindex: roving,
        'aria-label': label,
        'aria-current': id === state.activeID ? 'true' : false,
        'aria-pressed': state.selecting ? String(selected) : false,
        onclick: () => {
          state.focusID = id;
          if (state.selecting) toggleSelected(id, !state.selected.has(id));
          else void openConversation(id);
        },
        onfocus: () => {
          if (state.focusID !== id) {
            state.focusID = id;
            for (const el of document.querySelectorAll<HTMLElement>('#conv-list .conv-main, #conv-list .conv-more')) {
              el.tabIndex = el.closest('li')?.getAttribute('data-id') === id ? 0 : -1;
            }
          }
        },
      },
      avatar(id),
      h(
        'span',
        { class: 'conv-text' },
        h(
          'span',
          { class: 'conv-top' },
          h('span', { class: 'conv-name', text: name }),
          h(
            'span',
            { class: 'conv-flags', 'aria-hidden': 'true' },
            c.isPinned && icon('pin', 'flag flag-pin'),
            muted && icon('muted', 'flag flag-muted'),
            isStarred(c) && h('span', { class: 'flag flag-star', title: 'Starred', text: '★' }),
          ),
          h('time', { class: 'conv-time', datetime: c.lastMessage ? new Date(c.lastMessage.time).toISOString() : false, text: time }),
        ),
        h(
          'span',
          { class: 'conv-bottom' },
          h('span', { class: 'conv-preview', text: preview(c) }),
          ...(c.conversationGroupList ?? []).map((g) => h('span', { class: 'folder-tag', text: g })),
          c.unreadCount > 0 &&
            h('span', {
              class: `badge${muted ? ' badge-muted' : ''}`,
              'data-unread': c.unreadCount,
              text: c.unreadCount > 99 ? '99+' : String(c.unreadCount),
            }),
        ),
      ),
    ),
    h('button', {
      type: 'button',
      class: 'conv-more',
      tabindex: roving,
      'aria-label': `More actions for ${name}`,
      'aria-haspopup': 'menu',
      text: '⋯',
      onclick: (event: MouseEvent) => {
        state.focusID = id;
        openMenu(c, event.currentTarget as HTMLElement, event.currentTarget as HTMLElement);
      },
    }),
  );
  return li;
}

function toggleSelected(id: ConversationID, on: boolean): void {
  if (on) state.selected.add(id);
  else state.selected.delete(id);
  renderList();
  renderToolbar();
  focusRow(id);
}

function focusRow(id: ConversationID | null, more = false): void {
  if (!id) return;
  const li = document.querySelector<HTMLElement>(`#conv-list li[data-id="${CSS.escape(id)}"]`);
  (li?.querySelector<HTMLElement>(more ? '.conv-more' : '.conv-main'))?.focus();
}

function onListKeyDown(event: KeyboardEvent): void {
  const items = visibleList();
  if (items.length === 0) return;
  const target = event.target as HTMLElement;
  const index = Math.max(0, items.findIndex((c) => c.conversationID === state.focusID));
  const current = items[index];
  const move = (to: number) => {
    event.preventDefault();
    const next = items[Math.max(0, Math.min(items.length - 1, to))];
    state.focusID = next.conversationID;
    focusRow(next.conversationID);
  };
  switch (event.key) {
    case 'ArrowDown':
      return move(index + 1);
    case 'ArrowUp':
      return move(index - 1);
    case 'Home':
      return move(0);
    case 'End':
      return move(items.length - 1);
    case 'ArrowRight':
      if (target.classList.contains('conv-main')) {
        event.preventDefault();
        focusRow(current.conversationID, true);
      }
      return;
    case 'ArrowLeft':
      if (target.classList.contains('conv-more')) {
        event.preventDefault();
        focusRow(current.conversationID);
      }
      return;
    case 'Delete':
    case 'Backspace': {
      event.preventDefault();
      const ids = state.selecting && state.selected.size > 0 ? [...state.selected] : [current.conversationID];
      void confirmDelete(ids);
      return;
    }
    case 'ContextMenu':
    case 'F10':
      if (event.key === 'F10' && !event.shiftKey) return;
      event.preventDefault();
      openMenu(current, target, target);
      return;
    case ' ':
      if (state.selecting && target.classList.contains('conv-main')) {
        event.preventDefault();
        toggleSelected(current.conversationID, !state.selected.has(current.conversationID));
      }
      return;
    case 'Escape':
      if (state.selecting) {
        event.preventDefault();
        setSelecting(false);
      }
      return;
    default:
      return;
  }
}

function findConversation(id: ConversationID): Conversation | undefined {
  return state.list.find((c) => c.conversationID === id) ?? state.archived.find((c) => c.conversationID === id);
}

// ------------------------------------------------------------------ context menu

interface MenuItem {
  label: string;
  action: () => unknown;
  danger?: boolean;
  id: string;
}

let openMenuEl: HTMLElement | null = null;
let menuReturnFocus: HTMLElement | null = null;

function menuItems(c: Conversation): MenuItem[] {
  const id = c.conversationID;
  const chat = state.chat!;
  const run = (what: string, call: () => Promise<unknown>, done?: string) => async () => {
    try {
      await call();
      if (done) toast(done);
    } catch (err) {
      toast(`Could not ${what}: ${describeError(err)}`, 'error');
    }
  };
  const name = displayName(id);
  if (c.isArchived || state.tab === 'archived') {
    return [
      { id: 'restore', label: 'Restore to chats', action: () => restore([id]) },
      { id: 'delete', label: 'Delete…', danger: true, action: () => confirmDelete([id]) },
    ];
  }
  const items: MenuItem[] = [{ id: 'open', label: 'Open', action: () => openConversation(id) }];
  if (c.unreadCount > 0) {
    items.push({ id: 'read', label: 'Mark as read', action: run('mark it read', () => chat.setMessageRead({ conversationID: id })) });
  }
  items.push(
    {
      id: 'pin',
      label: c.isPinned ? 'Unpin' : 'Pin to top',
      action: run(c.isPinned ? 'unpin' : 'pin', () => chat.pinConversation({ conversationID: id, isPinned: !c.isPinned })),
    },
    {
      id: 'mute',
      label: isMuted(c) ? 'Unmute notifications' : 'Mute notifications',
      action: run(
        'change notifications',
        () =>
          chat.setMessageRemindType({
            conversationIDList: [id],
            messageRemindType: isMuted(c) ? 'AcceptAndNotify' : 'AcceptNotNotify',
          }),
        isMuted(c) ? `${name} unmuted` : `${name} muted: it no longer counts in your unread total`,
      ),
    },
    {
      id: 'star',
      label: isStarred(c) ? 'Remove star' : 'Star',
      action: run('change the star', () =>
        chat.markConversation({ conversationIDList: [id], markType: STAR, enableMark: !isStarred(c) }),
      ),
    },
    { id: 'folder-add', label: 'Add to folder…', action: () => addToFolder(c) },
  );
  for (const folder of c.conversationGroupList ?? []) {
    items.push({
      id: `folder-remove-${folder}`,
      label: `Remove from “${folder}”`,
      action: run('change the folder', () => chat.deleteConversationsFromGroup({ groupName: folder, conversationIDList: [id] })),
    });
  }
  items.push(
    { id: 'archive', label: 'Archive', action: () => archive([id]) },
    { id: 'select', label: 'Select…', action: () => setSelecting(true, id) },
    { id: 'delete', label: 'Delete…', danger: true, action: () => confirmDelete([id]) },
  );
  return items;
}

function openMenu(c: Conversation, anchor: HTMLElement | { x: number; y: number }, returnFocus: HTMLElement): void {
  closeMenu(false);
  const items = menuItems(c);
  const menu = h('div', {
    class: 'menu',
    role: 'menu',
    id: 'conv-menu',
    'aria-label': `Actions for ${displayName(c.conversationID)}`,
    onkeydown: (event: KeyboardEvent) => {
      const buttons = [...menu.querySelectorAll<HTMLElement>('[role=menuitem]')];
      const at = buttons.indexOf(document.activeElement as HTMLElement);
      const go = (i: number) => {
        event.preventDefault();
        buttons[(i + buttons.length) % buttons.length].focus();
      };
      if (event.key === 'ArrowDown') go(at + 1);
      else if (event.key === 'ArrowUp') go(at - 1);
      else if (event.key === 'Home') go(0);
      else if (event.key === 'End') go(buttons.length - 1);
      else if (event.key === 'Escape') {
        event.preventDefault();
        closeMenu();
      } else if (event.key === 'Tab') {
        event.preventDefault();
        closeMenu();
      } else if (event.key.length === 1 && /\S/.test(event.key)) {
        const from = buttons.slice(at + 1).concat(buttons.slice(0, at + 1));
        const hit = from.find((b) => b.textContent?.toLowerCase().startsWith(event.key.toLowerCase()));
        if (hit) {
          event.preventDefault();
          hit.focus();
        }
      }
    },
  });
  for (const item of items) {
    menu.append(
      h('button', {
        type: 'button',
        role: 'menuitem',
        tabindex: -1,
        class: `menu-item${item.danger ? ' menu-danger' : ''}`,
        'data-action': item.id,
        text: item.label,
        onclick: () => {
          closeMenu(item.id !== 'open' && item.id !== 'delete' && item.id !== 'folder-add');
          void item.action();
        },
      }),
    );
  }
  document.body.append(menu);
  openMenuEl = menu;
  menuReturnFocus = returnFocus;
  returnFocus.setAttribute('aria-expanded', 'true');
  // Position: under the anchor element, or at the pointer; kept inside the viewport.
  const rect = menu.getBoundingClientRect();
  let x: number;
  let y: number;
  if (anchor instanceof HTMLElement) {
    const a = anchor.getBoundingClientRect();
    x = a.right - rect.width;
    y = a.bottom + 4;
  } else {
    ({ x, y } = anchor);
  }
  x = Math.max(8, Math.min(x, window.innerWidth - rect.width - 8));
  if (y + rect.height > window.innerHeight - 8) y = Math.max(8, y - rect.height - (anchor instanceof HTMLElement ? 40 : 0));
  menu.style.left = `${x}px`;
  menu.style.top = `${y}px`;
  menu.querySelector<HTMLElement>('[role=menuitem]')?.focus();
  setTimeout(() => document.addEventListener('pointerdown', onOutsidePointer, true));
}

function onOutsidePointer(event: PointerEvent): void {
  if (openMenuEl && !openMenuEl.contains(event.target as Node)) closeMenu(false);
}

function closeMenu(restoreFocus = true): void {
  document.removeEventListener('pointerdown', onOutsidePointer, true);
  if (!openMenuEl) return;
  openMenuEl.remove();
  openMenuEl = null;
  const back = menuReturnFocus;
  menuReturnFocus = null;
  back?.removeAttribute('aria-expanded');
  if (restoreFocus && back) {
    if (back.isConnected) back.focus();
    else focusRow(state.focusID);
  }
}

// ------------------------------------------------------------------ dialogs

function dialog(id: string, labelledBy: string, ...children: Child[]): HTMLDialogElement {
  document.getElementById(id)?.remove();
  const el = h('dialog', { id, class: 'dialog', 'aria-labelledby': labelledBy }, ...children);
  document.body.append(el);
  return el;
}

function whenClosed(el: HTMLDialogElement): Promise<string> {
  return new Promise((resolve) => {
    el.addEventListener('close', () => {
      const value = el.returnValue;
      el.remove();
      resolve(value);
    }, { once: true });
  });
}

/** Asks before deleting; the user chooses whether to clear the history (checked by default). */
async function confirmDelete(ids: ConversationID[]): Promise<void> {
  if (ids.length === 0 || !state.chat) return;
  closeMenu(false);
  const returnTo = document.activeElement as HTMLElement | null;
  const one = ids.length === 1;
  const title = one ? `Delete the conversation with ${displayName(ids[0])}?` : `Delete ${ids.length} conversations?`;
  const clear = h('input', { type: 'checkbox', id: 'delete-clear', name: 'clear', checked: true });
  const warning = h(
    'p',
    { class: 'warning', id: 'delete-warning' },
    h('strong', { text: 'This cannot be undone. ' }),
    `The history of ${one ? 'this conversation' : 'these conversations'} is cleared for you on all your devices and cannot be recovered. The other members keep their copy.`,
  );
  const keepNote = h('p', {
    class: 'note',
    id: 'delete-keep-note',
    hidden: true,
    text: 'The messages are kept: a new message brings the conversation back with its history.',
  });
  clear.addEventListener('change', () => {
    warning.hidden = !clear.checked;
    keepNote.hidden = clear.checked;
  });
  const el = dialog(
    'delete-dialog',
    'delete-title',
    h(
      'form',
      { method: 'dialog' },
      h('h2', { id: 'delete-title', text: title }),
      h('p', {
        id: 'delete-desc',
        text: `${one ? 'It leaves' : 'They leave'} your conversation list. A new message brings ${one ? 'it' : 'a conversation'} back.`,
      }),
      one ? null : h('ul', { class: 'delete-names' }, ...ids.map((id) => h('li', { text: displayName(id) }))),
      h('label', { class: 'check', for: 'delete-clear' }, clear, ' Also clear the chat history'),
      warning,
      keepNote,
      h(
        'div',
        { class: 'dialog-actions' },
        h('button', { type: 'submit', value: 'cancel', class: 'btn', id: 'delete-cancel', autofocus: true, text: 'Cancel' }),
        h('button', { type: 'submit', value: 'delete', class: 'btn btn-danger', id: 'delete-confirm', text: one ? 'Delete' : `Delete ${ids.length}` }),
      ),
    ),
  );
  el.setAttribute('aria-describedby', 'delete-desc');
  el.showModal();
  const answer = await whenClosed(el);
  if (answer !== 'delete') {
    if (returnTo?.isConnected) returnTo.focus();
    else focusRow(state.focusID);
    return;
  }
  await deleteConversations(ids, clear.checked);
}

async function deleteConversations(ids: ConversationID[], clearHistory: boolean): Promise<void> {
  const chat = state.chat!;
  const items = visibleList();
  const firstIndex = items.findIndex((c) => ids.includes(c.conversationID));
  for (const id of ids) state.hidden.add(id);
  if (state.activeID && ids.includes(state.activeID)) closeConversation();
  // Keep keyboard users where they were: the next remaining entry gets the focus.
  const rest = items.filter((c) => !ids.includes(c.conversationID));
  state.focusID = rest[Math.min(Math.max(firstIndex, 0), rest.length - 1)]?.conversationID ?? null;
  if (state.selecting) setSelecting(false);
  renderList();
  focusRow(state.focusID);
  const names = ids.length === 1 ? displayName(ids[0]) : `${ids.length} conversations`;
  try {
    await chat.deleteConversation({ conversationIDList: ids, clearHistoryMessage: clearHistory });
    state.archived = state.archived.filter((c) => !ids.includes(c.conversationID));
    announce(`Deleted ${names}.`);
    toast(clearHistory ? `Deleted ${names} and cleared the history` : `Deleted ${names}; the history is kept`);
  } catch (err) {
    toast(`Could not delete ${names}: ${describeError(err)}`, 'error');
  } finally {
    for (const id of ids) state.hidden.delete(id);
    renderList();
  }
}

async function archive(ids: ConversationID[]): Promise<void> {
  const chat = state.chat!;
  for (const id of ids) state.hidden.add(id);
  if (state.selecting) setSelecting(false);
  renderList();
  try {
    await chat.archiveConversation({ conversationIDList: ids });
    toast(ids.length === 1 ? `Archived ${displayName(ids[0])}` : `Archived ${ids.length} conversations`);
  } catch (err) {
    toast(`Could not archive: ${describeError(err)}`, 'error');
  } finally {
    for (const id of ids) state.hidden.delete(id);
    renderList();
    focusRow(state.focusID);
  }
}

async function restore(ids: ConversationID[]): Promise<void> {
  const chat = state.chat!;
  for (const id of ids) state.hidden.add(id);
  renderList();
  try {
    await chat.restoreConversation({ conversationIDList: ids });
    state.archived = state.archived.filter((c) => !ids.includes(c.conversationID));
    toast(ids.length === 1 ? `Restored ${displayName(ids[0])}` : `Restored ${ids.length} conversations`);
  } catch (err) {
    toast(`Could not restore: ${describeError(err)}`, 'error');
  } finally {
    for (const id of ids) state.hidden.delete(id);
    renderList();
    focusRow(state.focusID);
  }
}

async function addToFolder(c: Conversation): Promise<void> {
  const chat = state.chat!;
  const returnTo = document.querySelector<HTMLElement>(`#conv-list li[data-id="${CSS.escape(c.conversationID)}"] .conv-main`);
  const input = h('input', { id: 'folder-name', name: 'folder', list: 'folder-names', required: true, maxlength: 32, autocomplete: 'off' });
  const el = dialog(
    'folder-dialog',
    'folder-title',
    h(
      'form',
      { method: 'dialog' },
      h('h2', { id: 'folder-title', text: `Add ${displayName(c.conversationID)} to a folder` }),
      h('label', { for: 'folder-name', text: 'Folder name (new or existing)' }),
      input,
      h('datalist', { id: 'folder-names' }, ...state.folders.map((f) => h('option', { value: f }))),
      state.folders.length > 0 &&
        h(
          'div',
          { class: 'folder-picks', role: 'group', 'aria-label': 'Existing folders' },
          ...state.folders.map((f) =>
            h('button', {
              type: 'button',
              class: 'chip',
              text: f,
              onclick: () => {
                input.value = f;
                input.focus();
              },
            }),
          ),
        ),
      h(
        'div',
        { class: 'dialog-actions' },
        h('button', { type: 'submit', value: 'cancel', class: 'btn', formnovalidate: true, text: 'Cancel' }),
        h('button', { type: 'submit', value: 'add', class: 'btn btn-primary', id: 'folder-add', text: 'Add' }),
      ),
    ),
  );
  el.showModal();
  input.focus();
  const answer = await whenClosed(el);
  returnTo?.focus();
  const name = input.value.trim();
  if (answer !== 'add' || !name) return;
  try {
    if (state.folders.includes(name)) {
      await chat.addConversationsToGroup({ groupName: name, conversationIDList: [c.conversationID] });
    } else {
      await chat.createConversationGroup({ groupName: name, conversationIDList: [c.conversationID] });
    }
    toast(`Added ${displayName(c.conversationID)} to “${name}”`);
    await refreshFolders();
  } catch (err) {
    toast(`Could not add to the folder: ${describeError(err)}`, 'error');
  }
}

async function newConversation(): Promise<void> {
  const input = h('input', { id: 'new-peer', name: 'peer', required: true, maxlength: 64, autocomplete: 'off', spellcheck: 'false' });
  const el = dialog(
    'new-dialog',
    'new-title',
    h(
      'form',
      { method: 'dialog' },
      h('h2', { id: 'new-title', text: 'New conversation' }),
      h('label', { for: 'new-peer', text: 'User ID, or # and a group ID' }),
      input,
      h('p', { class: 'hint', text: 'For example bob, or #demo.' }),
      h(
        'div',
        { class: 'dialog-actions' },
        h('button', { type: 'submit', value: 'cancel', class: 'btn', formnovalidate: true, text: 'Cancel' }),
        h('button', { type: 'submit', value: 'open', class: 'btn btn-primary', id: 'new-open', text: 'Open' }),
      ),
    ),
  );
  el.showModal();
  input.focus();
  const answer = await whenClosed(el);
  const peer = input.value.trim();
  if (answer !== 'open' || !peer) return;
  if (peer === state.session?.uid) {
    toast('That is you: pick another user.', 'error');
    return;
  }
  const id = peer.startsWith('#') ? `GROUP${peer.slice(1)}` : `C2C${peer}`;
  if (state.tab !== 'chats') switchTab('chats');
  await openConversation(id);
}

// ------------------------------------------------------------------ conversation pane

function renderPane(): void {
  const pane = $('#pane');
  if (!pane) return;
  root.classList.toggle('show-pane', state.activeID !== null);
  if (!state.activeID) {
    pane.replaceChildren(
      h(
        'div',
        { class: 'pane-empty' },
        icon('chat', 'pane-empty-icon'),
        h('h2', { text: 'Pick a conversation' }),
        h('p', { text: 'Use ↑ ↓ and Enter in the list, Delete to delete, or the ⋯ button (Shift+F10) for more.' }),
      ),
    );
    return;
  }
  const id = state.activeID;
  const name = displayName(id);
  const input = h('textarea', {
    id: 'composer-input',
    rows: 1,
    placeholder: `Message ${name}`,
    'aria-label': `Message ${name}`,
    maxlength: 8000,
    onkeydown: (event: KeyboardEvent) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        (event.currentTarget as HTMLTextAreaElement).form?.requestSubmit();
      }
    },
  });
  const messages = h(
    'div',
    {
      class: 'messages',
      id: 'messages',
      role: 'log',
      'aria-label': `Messages with ${name}`,
      tabindex: 0,
      onscroll: (event: Event) => {
        const el = event.currentTarget as HTMLElement;
        if (el.scrollTop < 150) void loadOlder();
      },
    },
    h('p', { class: 'history-status', id: 'history-status', text: 'Loading…' }),
    h('ol', { class: 'msg-list', id: 'msg-list' }),
  );
  pane.replaceChildren(
    h('header', { class: 'pane-head', id: 'pane-head' }),
    messages,
    h(
      'form',
      {
        class: 'composer',
        id: 'composer',
        onsubmit: (event: Event) => {
          event.preventDefault();
          const text = input.value.trim();
          if (!text) return;
          input.value = '';
          void send(id, text);
        },
      },
      input,
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'send', text: 'Send' }),
    ),
  );
  renderPaneHeader();
}

function renderPaneHeader(): void {
  const head = $('#pane-head');
  const id = state.activeID;
  if (!head || !id) return;
  const c = findConversation(id);
  const sub = [kindLabel(id)];
  if (c?.isPinned) sub.push('pinned');
  if (c && isMuted(c)) sub.push('muted');
  if (c && isStarred(c)) sub.push('starred');
  if (c?.isArchived) sub.push('archived');
  head.replaceChildren(...kids(
    h('button', {
      type: 'button',
      class: 'icon-btn back',
      id: 'back',
      'aria-label': 'Back to the conversation list',
      text: '←',
      onclick: () => {
        const was = state.activeID;
        closeConversation();
        focusRow(was);
      },
    }),
    avatar(id),
    h('div', { class: 'pane-title' }, h('h2', { id: 'pane-title', text: displayName(id) }), h('p', { class: 'pane-sub', text: sub.join(' · ') })),
    c
      ? h('button', {
          type: 'button',
          class: 'conv-more pane-more',
          'aria-label': `More actions for ${displayName(id)}`,
          'aria-haspopup': 'menu',
          text: '⋯',
          onclick: (event: MouseEvent) => openMenu(c, event.currentTarget as HTMLElement, event.currentTarget as HTMLElement),
        })
      : null,
  ));
}

function closeConversation(): void {
  state.activeID = null;
  state.messages = [];
  state.pending.clear();
  state.openToken += 1;
  renderPane();
  renderList();
}

async function openConversation(id: ConversationID): Promise<void> {
  const chat = state.chat;
  if (!chat) return;
  closeMenu(false);
  state.activeID = id;
  state.focusID = findConversation(id) ? id : state.focusID;
  state.messages = [];
  state.pending.clear();
  state.historyDone = false;
  state.loadingOlder = false;
  const token = ++state.openToken;
  renderPane();
  renderList();
  if (window.matchMedia('(max-width: 640px)').matches) $('#back')?.focus();
  else $('#composer-input')?.focus();
  try {
    const { data } = await chat.getMessageList({ conversationID: id, limit: PAGE_SIZE });
    if (token !== state.openToken) return;
    state.historyDone = data.isCompleted;
    addMessages(data.messageList, 'initial');
    await fillViewport(token);
  } catch (err) {
    if (token !== state.openToken) return;
    const status = $('#history-status');
    if (status) {
      status.textContent =
        err instanceof NatterError && err.code === 40401
          ? `${displayName(id)} does not exist on this server.`
          : `Could not load the history: ${describeError(err)}`;
      status.classList.add('history-error');
    }
    return;
  }
  const c = findConversation(id);
  if (c && c.unreadCount > 0) scheduleRead(id, 0);
}

/** Loads older pages until the history fills the view or is complete (infinite scroll needs a scrollbar). */
async function fillViewport(token: number): Promise<void> {
  const el = $('#messages');
  while (el && token === state.openToken && !state.historyDone && el.scrollHeight <= el.clientHeight + 150) {
    const before = state.messages.length;
    await loadOlder();
    if (state.messages.length === before) break;
  }
}

async function loadOlder(): Promise<void> {
  const chat = state.chat;
  const id = state.activeID;
  if (!chat || !id || state.historyDone || state.loadingOlder || state.messages.length === 0) return;
  state.loadingOlder = true;
  const token = state.openToken;
  const status = $('#history-status');
  if (status) status.textContent = 'Loading earlier messages…';
  try {
    const { data } = await chat.getMessageList({ conversationID: id, before: state.messages[0].seq, limit: PAGE_SIZE });
    if (token !== state.openToken) return;
    state.historyDone = data.isCompleted;
    addMessages(data.messageList, 'prepend');
  } catch (err) {
    if (token === state.openToken) toast(`Could not load earlier messages: ${describeError(err)}`, 'error');
  } finally {
    if (token === state.openToken) state.loadingOlder = false;
    updateHistoryStatus();
  }
}

function updateHistoryStatus(): void {
  const status = $('#history-status');
  if (!status) return;
  status.classList.remove('history-error');
  if (state.historyDone) {
    status.textContent = state.messages.length === 0 && state.pending.size === 0 ? 'No messages yet. Say hello!' : 'Beginning of the conversation';
  } else {
    status.textContent = state.loadingOlder ? 'Loading earlier messages…' : 'Scroll up for earlier messages';
  }
}

/** Merges messages into the open conversation (deduplicated by seq) and re-renders the log. */
function addMessages(list: Message[], mode: 'initial' | 'prepend' | 'append'): void {
  const el = $('#messages');
  if (!el) return;
  const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  const oldHeight = el.scrollHeight;
  const oldTop = el.scrollTop;
  const bySeq = new Map(state.messages.map((m) => [m.seq, m]));
  for (const m of list) {
    bySeq.set(m.seq, m);
    if (m.clientMsgID) state.pending.delete(m.clientMsgID);
  }
  state.messages = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  renderMessages();
  updateHistoryStatus();
  if (mode === 'initial') el.scrollTop = el.scrollHeight;
  else if (mode === 'prepend') el.scrollTop = oldTop + (el.scrollHeight - oldHeight);
  else if (atBottom || list.some((m) => m.from === state.session?.uid)) el.scrollTop = el.scrollHeight;
}

function renderMessages(): void {
  const ol = $('#msg-list');
  const id = state.activeID;
  if (!ol || !id) return;
  const me = state.session!.uid;
  const group = id.startsWith('GROUP');
  const nodes: HTMLElement[] = [];
  let lastDay = '';
  let lastFrom = '';
  const bubble = (from: string, text: string, time: number, extra: Attrs) => {
    const day = new Date(time).toDateString();
    if (day !== lastDay) {
      nodes.push(h('li', { class: 'day', role: 'separator', text: longDateFormat.format(new Date(time)) }));
      lastDay = day;
      lastFrom = '';
    }
    const mine = from === me;
    const showName = group && !mine && from !== lastFrom;
    lastFrom = from;
    nodes.push(
      h(
        'li',
        { class: `msg${mine ? ' msg-mine' : ''}`, ...extra },
        !mine && group && showName ? avatar(from, 'sm') : !mine && group ? h('span', { class: 'avatar-spacer' }) : null,
        h(
          'div',
          { class: 'bubble' },
          showName && h('span', { class: 'msg-from', text: from }),
          h('span', { class: 'visually-hidden', text: mine ? 'You: ' : `${from}: ` }),
          h('span', { class: 'msg-text', text }),
          h('time', { class: 'msg-time', datetime: new Date(time).toISOString(), text: timeFormat.format(new Date(time)) }),
        ),
      ),
    );
  };
  for (const m of state.messages) bubble(m.from, messageText(m.payload), m.time, { 'data-seq': m.seq });
  for (const [clientID, p] of state.pending) {
    bubble(me, p.text, p.time, { 'data-pending': clientID, class: `msg msg-mine ${p.failed ? 'msg-failed' : 'msg-pending'}` });
  }
  ol.replaceChildren(...nodes);
}

async function send(id: ConversationID, text: string): Promise<void> {
  const chat = state.chat!;
  const type = id.startsWith('GROUP') ? 'GROUP' : 'C2C';
  const draft = chat.createTextMessage({ to: peerName(id), conversationType: type, payload: { text } });
  state.pending.set(draft.clientMsgID, { text, time: Date.now() });
  addMessages([], 'append');
  const el = $('#messages');
  if (el) el.scrollTop = el.scrollHeight;
  try {
    const { data } = await chat.sendMessage(draft);
    if (state.activeID === id) addMessages([data.message], 'append');
    if (!findConversation(id)) renderPaneHeader();
  } catch (err) {
    const pending = state.pending.get(draft.clientMsgID);
    if (pending) pending.failed = true;
    if (state.activeID === id) addMessages([], 'append');
    let reason = describeError(err);
    if (err instanceof NatterError && err.code === 40401) reason = `${displayName(id)} does not exist on this server.`;
    if (err instanceof NatterError && err.code === 40302) reason = 'You are no longer a member of this group.';
    toast(`Not sent: ${reason}`, 'error');
  }
}

let readTimer: ReturnType<typeof setTimeout> | undefined;
/** Reading clears the badge: while the conversation is open and the page is visible. */
function scheduleRead(id: ConversationID, delay = 300): void {
  clearTimeout(readTimer);
  readTimer = setTimeout(async () => {
    const chat = state.chat;
    if (!chat || state.activeID !== id || document.visibilityState !== 'visible' || state.readInFlight.has(id)) return;
    state.readInFlight.add(id);
    try {
      await chat.setMessageRead({ conversationID: id });
    } catch (err) {
      if (!(err instanceof NatterError && err.code === 40401)) toast(`Could not mark as read: ${describeError(err)}`, 'error');
    } finally {
      state.readInFlight.delete(id);
    }
  }, delay);
}

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState !== 'visible' || !state.activeID) return;
  const c = findConversation(state.activeID);
  if (c && c.unreadCount > 0) scheduleRead(c.conversationID);
});

document.addEventListener('keydown', (event) => {
  // Escape in the conversation goes back to the list (the phone layout's back button).
  if (event.key === 'Escape' && state.activeID && !openMenuEl && !document.querySelector('dialog[open]')) {
    const pane = $('#pane');
    const typing = document.activeElement instanceof HTMLTextAreaElement && document.activeElement.value !== '';
    if (pane?.contains(document.activeElement) && !typing) {
      const was = state.activeID;
      closeConversation();
      focusRow(was);
    }
  }
});

// ------------------------------------------------------------------ start

async function start(): Promise<void> {
  state.dev = await detectDev();
  const saved = sessionStorage.getItem(SESSION_KEY);
  if (saved) {
    try {
      await signIn(JSON.parse(saved) as Session);
      return;
    } catch {
      sessionStorage.removeItem(SESSION_KEY);
    }
  }
  renderSignIn();
}

void start();
