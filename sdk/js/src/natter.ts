/**
 * The public API: a Tencent Cloud Chat web SDK lookalike over Natter's client API.
 *
 * Every call resolves `{ code: 0, data }` and rejects with a NatterError, so code written for the
 * reference SDK (`chat.deleteConversation('C2CExample').then(r => r.data.conversationID)`) runs
 * unchanged. This class only wires the parts together: HTTP (http.ts), the reconnecting socket
 * (socket.ts), the local conversation list (store.ts) and the handlers (emitter.ts).
 */
import { Emitter } from './emitter.js';
import { ErrorCode, NatterError, invalidArgument, notLoggedIn, tooManyConversations } from './errors.js';
import { HttpClient, RawJson, conversationPath, type FetchLike, type Query } from './http.js';
import {
  DEFAULT_SOCKET_OPTIONS,
  ReconnectingSocket,
  type SocketOptions,
  type WebSocketConstructor,
} from './socket.js';
import { ConversationStore } from './store.js';
import {
  EVENT,
  TYPES,
  type Conversation,
  type ConversationGroup,
  type ConversationID,
  type ConversationOperationResult,
  type ConversationPage,
  type ConversationSyncReply,
  type ConversationType,
  type EventHandler,
  type EventName,
  type JsonObject,
  type Message,
  type MessageRemindType,
  type NatterResponse,
  type ReadAllScope,
} from './types.js';

/** The most conversation IDs one call may carry (API.md). */
export const MAX_CONVERSATIONS_PER_CALL = 100;

/** How long login waits for the first connection before resolving anyway. */
const LOGIN_SOCKET_TIMEOUT_MS = 10_000;

export interface NatterOptions {
  /** `http://host:port` or `https://…`, optionally with a path prefix; the socket uses ws(s) on it. */
  serverUrl: string;
  /**
   * WebSocket constructor. Defaults to `globalThis.WebSocket` (browsers, Deno, Node ≥ 22); on
   * Node 20 pass `WebSocket` from the `ws` package. Without one the SDK works over HTTP only.
   */
  WebSocket?: WebSocketConstructor;
  /** fetch implementation; defaults to `globalThis.fetch`. */
  fetch?: FetchLike;
  /** Keep-alive and backoff tuning (defaults: ping 25 s, backoff 500 ms → 10 s). */
  socket?: Partial<SocketOptions>;
}

export interface LoginOptions {
  userID: string;
  /** The device's user token, issued by the app backend through `POST /user/token`. */
  token: string;
}

export interface LoginResult {
  userID: string;
  /** Whether the WebSocket was ready when login resolved; if not, it keeps reconnecting. */
  socketReady: boolean;
}

export interface DeleteConversationOptions {
  conversationIDList: ConversationID[];
  /** Default true, as in the reference SDK: the user never sees those messages again. */
  clearHistoryMessage?: boolean;
}

export interface ConversationListFilter {
  type?: ConversationType;
  /** true: only archived conversations (the default list never has them). */
  archived?: boolean;
  /** Only conversations carrying this mark; `8` (HIDE) is the only way to list hidden ones. */
  markType?: number | bigint | string;
  /** Only conversations in this folder. */
  groupName?: string;
  /** true: only conversations with unread messages. */
  unreadOnly?: boolean;
}

export interface MarkConversationOptions {
  conversationIDList: ConversationID[];
  /**
   * `TYPES.CONV_MARK_TYPE_…` (1, 2, 4, 8) or a custom 2^n with 32 ≤ n < 64. Above 2^53 pass a
   * bigint (`1n << 63n`) or the exact power of two as a number; either is sent digit for digit.
   */
  markType: number | bigint;
  enableMark: boolean;
}

/** One of the three ways Tencent's setMessageRemindType names its conversations. */
export type SetMessageRemindTypeOptions = { messageRemindType: MessageRemindType } & (
  | { conversationIDList: ConversationID[]; userIDList?: undefined; groupID?: undefined }
  | { userIDList: string[]; conversationIDList?: undefined; groupID?: undefined }
  | { groupID: string; conversationIDList?: undefined; userIDList?: undefined }
);

export interface ConversationGroupListResult {
  /** The folder names, in the server's order (Tencent's `getConversationGroupList` data). */
  groupList: string[];
  /** The folders with their members. */
  conversationGroupList: ConversationGroup[];
}

export interface SendMessageOptions {
  conversationID: ConversationID;
  payload: JsonObject;
  /** Makes the send idempotent: resending with the same ID returns the first message. */
  clientMsgID?: string;
}

export interface CreateTextMessageOptions {
  /** The peer's userID (C2C) or the groupID (GROUP). */
  to: string;
  conversationType: 'C2C' | 'GROUP';
  payload: { text: string };
}

/** What createTextMessage returns: ready for sendMessage, retry-safe thanks to its clientMsgID. */
export interface TextMessageDraft extends SendMessageOptions {
  type: typeof TYPES.MSG_TEXT;
  to: string;
  conversationType: 'C2C' | 'GROUP';
  payload: { text: string };
  clientMsgID: string;
}

export interface GetMessageListOptions {
  conversationID: ConversationID;
  /** Only messages with a smaller seq (paging backwards); omit for the newest. */
  before?: number;
  /** 1–100. */
  limit?: number;
}

export class Natter {
  /** Event names for `on` / `off`; the same strings as the server's WebSocket events. */
  static readonly EVENT = EVENT;
  static readonly TYPES = TYPES;
  readonly EVENT = EVENT;
  readonly TYPES = TYPES;

  private readonly http: HttpClient;
  private readonly store = new ConversationStore();
  private readonly emitter = new Emitter();
  private readonly wsUrl: string;
  private readonly WebSocketImpl: WebSocketConstructor | undefined;
  private readonly socketOptions: SocketOptions;
  private socket: ReconnectingSocket | null = null;
  private userID: string | null = null;
  private totalUnread = 0;
  /** The running unfiltered list load, shared by concurrent callers. */
  private loading: Promise<Conversation[]> | null = null;
  /** Serialises catch-ups: a second request while one runs is folded into one more run. */
  private catchUpRunning: Promise<void> | null = null;
  private catchUpAgain = false;
  /** Lowest version a resyncRequired asked to sync from, pending for the next catch-up. */
  private catchUpFrom: number | undefined;
  /** Bumped by login/logout so work started for an older session drops its results. */
  private session = 0;

  /** Creates an SDK instance; nothing is sent until {@link login}. */
  static create(options: NatterOptions): Natter {
    return new Natter(options);
  }

  constructor(options: NatterOptions) {
    if (!options || typeof options.serverUrl !== 'string' || options.serverUrl === '') {
      throw invalidArgument('serverUrl: required, e.g. "http://127.0.0.1:5001"');
    }
    const base = options.serverUrl.replace(/\/+$/, '');
    const fetchImpl =
      options.fetch ?? ((input: string, init?: RequestInit) => globalThis.fetch(input, init));
    this.http = new HttpClient(base, fetchImpl);
    this.wsUrl = base.replace(/^http(s?):\/\//i, 'ws$1://') + '/v1/ws';
    this.WebSocketImpl =
      options.WebSocket ??
      ((globalThis as { WebSocket?: unknown }).WebSocket as WebSocketConstructor | undefined);
    this.socketOptions = { ...DEFAULT_SOCKET_OPTIONS, ...options.socket };
  }

  // ---------------------------------------------------------------- session

  /**
   * Stores the token, checks it (`GET /v1/unread`, which also seeds the unread total) and opens the
   * WebSocket. Resolves once the server has answered the first ping, or — if the socket cannot
   * open — anyway, while the SDK keeps reconnecting. Rejects only for a bad token (40101) or
   * bad arguments: an unreachable server is a state to recover from, not a failed login.
   */
  async login(options: LoginOptions): Promise<NatterResponse<LoginResult>> {
    const { userID, token } = options ?? ({} as LoginOptions);
    if (typeof userID !== 'string' || userID === '') throw invalidArgument('userID: required');
    if (typeof token !== 'string' || token === '') throw invalidArgument('token: required');
    if (this.userID !== null) this.endSession();

    const session = ++this.session;
    this.userID = userID;
    this.http.setToken(token);
    try {
      await this.fetchTotalUnreadMessageCount();
    } catch (err) {
      if (err instanceof NatterError && err.code === ErrorCode.UNAUTHENTICATED) {
        if (session === this.session) this.endSession();
        throw err;
      }
      // Anything else (server down, 503): the socket's reconnects and catch-up will recover.
    }
    if (session !== this.session) throw notLoggedIn(); // logged out meanwhile

    let socketReady = false;
    if (this.WebSocketImpl) {
      const url = `${this.wsUrl}?token=${encodeURIComponent(token)}`;
      this.socket = new ReconnectingSocket(
        url,
        this.WebSocketImpl,
        {
          onReady: () => this.onSocketReady(session),
          onEvent: (name, data) => this.onServerEvent(session, name, data),
        },
        this.socketOptions,
      );
      socketReady = await withTimeout(this.socket.start(), LOGIN_SOCKET_TIMEOUT_MS, false);
    }
    return ok({ userID, socketReady });
  }

  /** Closes the socket, forgets the token and the local list. Handlers stay registered. */
  async logout(): Promise<NatterResponse<{}>> {
    this.endSession();
    return ok({});
  }

  private endSession(): void {
    this.session += 1;
    this.socket?.stop();
    this.socket = null;
    this.userID = null;
    this.http.setToken(null);
    this.store.clear();
    this.loading = null;
    this.catchUpRunning = null;
    this.catchUpAgain = false;
    this.catchUpFrom = undefined;
    this.totalUnread = 0;
  }

  /** The logged-in user, or null. */
  getLoginUser(): string | null {
    return this.userID;
  }

  // ---------------------------------------------------------------- events

  on<N extends EventName>(name: N, handler: EventHandler<N>): void {
    this.emitter.on(name, handler);
  }

  off<N extends EventName>(name: N, handler?: EventHandler<N>): void {
    this.emitter.off(name, handler);
  }

  /** A server event on a ready connection: update local state first, then tell the app. */
  private onServerEvent(session: number, name: string, raw: unknown): void {
    if (session !== this.session) return;
    const data = (raw ?? {}) as Record<string, unknown>;
    switch (name) {
      case EVENT.MESSAGE_RECEIVED:
        this.emitter.emit(EVENT.MESSAGE_RECEIVED, data as { messageList: Message[] });
        break;
      case EVENT.CONVERSATION_LIST_UPDATED: {
        const list = asArray<Conversation>(data.conversationList);
        // Pushes do not move the sync mark: in a cluster a newer version may arrive before an
        // older change still on its way, which a catch-up from the newer one would skip.
        if (this.store.upsert(list, { trackVersion: false })) this.emitList();
        break;
      }
      case EVENT.CONVERSATION_DELETED: {
        const ids = asArray<ConversationID>(data.conversationIDList);
        const changed = this.store.remove(ids);
        this.emitter.emit(EVENT.CONVERSATION_DELETED, {
          conversationIDList: ids,
          clearHistoryMessage: data.clearHistoryMessage !== false,
          version: typeof data.version === 'number' ? data.version : 0,
        });
        if (changed) this.emitList();
        break;
      }
      case EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED:
        if (typeof data.totalUnreadCount === 'number') this.setTotalUnread(data.totalUnreadCount);
        break;
      case 'resyncRequired':
        // The server dropped events for this connection; the HTTP sync fills the gap.
        this.requestCatchUp(session, typeof data.version === 'number' ? data.version : undefined);
        break;
      default:
        break; // events of a newer server: ignore rather than fail
    }
  }

  private onSocketReady(session: number): void {
    // Whatever happened while no connection was ready was not pushed to us: catch up over HTTP.
    this.requestCatchUp(session);
  }

  /**
   * Brings the local list and the unread total up to date: a full load if the list was never
   * loaded (or the server says the tombstones we need are gone), else a sync since the highest
   * version seen. Failures are swallowed: the next reconnect or resync tries again.
   */
  private requestCatchUp(session: number, serverVersion?: number): void {
    if (serverVersion !== undefined) this.catchUpFrom = minDefined(this.catchUpFrom, serverVersion);
    if (this.catchUpRunning) {
      this.catchUpAgain = true;
      return;
    }
    const running = (async () => {
      do {
        this.catchUpAgain = false;
        const from = minDefined(this.catchUpFrom, this.store.version ?? undefined);
        this.catchUpFrom = undefined;
        try {
          await this.catchUp(session, from);
        } catch {
          // Retried on the next ready connection or resyncRequired.
        }
      } while (this.catchUpAgain && session === this.session);
    })().finally(() => {
      if (this.catchUpRunning === running) this.catchUpRunning = null;
    });
    this.catchUpRunning = running;
  }

  private async catchUp(session: number, since: number | undefined): Promise<void> {
    if (session !== this.session) return;
    if (!this.store.isLoaded || since === undefined) {
      await this.loadAll();
      if (session === this.session) this.emitList();
    } else {
      await this.syncSince(since, session);
    }
    if (session === this.session) await this.fetchTotalUnreadMessageCount();
  }

  /** One incremental sync applied to the local list; emits the list when it changed. */
  private async syncSince(since: number, session = this.session): Promise<void> {
    const reply = await this.http.get<ConversationSyncReply>('/v1/conversations/sync', { since });
    if (session !== this.session) return;
    if (reply.resetRequired) {
      await this.loadAll();
      if (session === this.session) this.emitList();
      return;
    }
    if (this.store.applySync(reply)) this.emitList();
  }

  private emitList(): void {
    this.emitter.emit(EVENT.CONVERSATION_LIST_UPDATED, { conversationList: this.store.list() });
  }

  // ---------------------------------------------------------------- conversations

  /**
   * `deleteConversation('C2Cbob')` → `{conversationID}`; `deleteConversation({conversationIDList,
   * clearHistoryMessage})` → `{conversationIDList}` as the server returns it (deduplicated).
   * History is cleared unless `clearHistoryMessage: false`. More than 100 IDs, or none, is refused
   * here without a request.
   */
  deleteConversation(conversationID: ConversationID): Promise<NatterResponse<{ conversationID: ConversationID }>>;
  deleteConversation(
    options: DeleteConversationOptions,
  ): Promise<NatterResponse<{ conversationIDList: ConversationID[] }>>;
  async deleteConversation(
    options: ConversationID | DeleteConversationOptions,
  ): Promise<NatterResponse<{ conversationID: ConversationID } | { conversationIDList: ConversationID[] }>> {
    if (typeof options === 'string') {
      const reply = await this.deleteIDs([options], true);
      return ok({ conversationID: reply[0] ?? options });
    }
    if (typeof options !== 'object' || options === null) {
      throw invalidArgument('options: a conversation ID or { conversationIDList, clearHistoryMessage }');
    }
    const ids = checkIDList(options.conversationIDList);
    const clear = options.clearHistoryMessage ?? true;
    if (typeof clear !== 'boolean') throw invalidArgument('clearHistoryMessage: must be a boolean');
    return ok({ conversationIDList: await this.deleteIDs(ids, clear) });
  }

  private async deleteIDs(ids: ConversationID[], clearHistoryMessage: boolean): Promise<ConversationID[]> {
    const reply = await this.http.post<{ conversationIDList: ConversationID[] }>('/v1/conversations/delete', {
      conversationIDList: ids,
      clearHistoryMessage,
    });
    const deleted = reply.conversationIDList ?? ids;
    if (this.store.remove(deleted)) this.emitList();
    return deleted;
  }

  /**
   * All conversations, following `nextCursor` through every page. Without a filter this is the
   * default list (no archived, no HIDE-marked) and it (re)loads the SDK's local list; with
   * `{type, archived, markType, groupName, unreadOnly}` it returns the filtered list and leaves the
   * local one alone. Given an array of IDs (Tencent's form) it returns those conversations' profiles,
   * leaving out the ones not in the user's list.
   */
  async getConversationList(
    filter?: ConversationListFilter | ConversationID[],
  ): Promise<NatterResponse<{ conversationList: Conversation[] }>> {
    if (Array.isArray(filter)) return ok({ conversationList: await this.profiles(checkIDList(filter)) });
    if (filter !== undefined && (typeof filter !== 'object' || filter === null)) {
      throw invalidArgument('options: expected { type?, archived?, markType?, groupName?, unreadOnly? } or an ID array');
    }
    if (filter?.groupName !== undefined) checkGroupName(filter.groupName, 'groupName');
    const query: Query = {
      type: filter?.type,
      archived: filter?.archived ? true : undefined,
      markType: filter?.markType === undefined ? undefined : markTypeText(filter.markType),
      groupName: filter?.groupName,
      unreadOnly: filter?.unreadOnly ? true : undefined,
    };
    const filtered = Object.values(query).some((v) => v !== undefined);
    if (filtered) return ok({ conversationList: await this.fetchAllPages(query) });
    const before = JSON.stringify(this.store.list());
    const session = this.session;
    await this.loadAll();
    const conversationList = this.store.list();
    // A reload that found changes nobody pushed (e.g. no socket) tells the handlers too.
    if (session === this.session && JSON.stringify(conversationList) !== before) this.emitList();
    return ok({ conversationList });
  }

  /** Profiles of the given IDs, in the given order, without duplicates or unknown ones. */
  private async profiles(ids: ConversationID[]): Promise<Conversation[]> {
    const unique = [...new Set(ids)];
    const found = await Promise.all(
      unique.map((id) =>
        this.http.get<Conversation>(conversationPath(id)).catch((err: unknown) => {
          if (err instanceof NatterError && err.code === ErrorCode.NOT_FOUND) return null;
          throw err;
        }),
      ),
    );
    const list = found.filter((c): c is Conversation => c !== null);
    if (this.store.isLoaded && this.store.upsert(list, { trackVersion: false })) this.emitList();
    return list;
  }

  /** Loads the default list into the store; concurrent callers share one load. */
  private loadAll(): Promise<Conversation[]> {
    if (this.loading) return this.loading;
    const session = this.session;
    this.store.beginLoad();
    const load = this.fetchAllPages({})
      .then((list) => {
        if (session === this.session) this.store.replaceAll(list);
        return list;
      })
      .finally(() => {
        if (this.loading === load) this.loading = null;
      });
    this.loading = load;
    return load;
  }

  private async fetchAllPages(filter: Query): Promise<Conversation[]> {
    const all: Conversation[] = [];
    let cursor: string | null | undefined;
    for (;;) {
      const page = await this.http.get<ConversationPage>('/v1/conversations', {
        limit: MAX_CONVERSATIONS_PER_CALL,
        ...filter,
        cursor: cursor ?? undefined,
      });
      all.push(...page.conversationList);
      cursor = page.nextCursor;
      if (page.isFinished || !cursor || page.conversationList.length === 0) return all;
    }
  }

  /** `{conversation}`; 40401 when the user has no such visible conversation. */
  async getConversationProfile(
    conversationID: ConversationID,
  ): Promise<NatterResponse<{ conversation: Conversation }>> {
    checkID(conversationID);
    const conversation = await this.http.get<Conversation>(conversationPath(conversationID));
    // An HTTP answer may predate events already applied; upsert keeps the newer version.
    if (this.store.isLoaded && this.store.upsert([conversation], { trackVersion: false })) this.emitList();
    return ok({ conversation });
  }

  async pinConversation(options: {
    conversationID: ConversationID;
    isPinned: boolean;
  }): Promise<NatterResponse<{ conversationID: ConversationID }>> {
    checkID(options?.conversationID);
    if (typeof options.isPinned !== 'boolean') throw invalidArgument('isPinned: must be a boolean');
    const conversation = await this.http.post<Conversation>('/v1/conversations/pin', {
      conversationID: options.conversationID,
      isPinned: options.isPinned,
    });
    if (this.store.isLoaded && this.store.upsert([conversation], { trackVersion: false })) this.emitList();
    return ok({ conversationID: options.conversationID });
  }

  /** Marks everything in the conversation read. */
  async setMessageRead(options: { conversationID: ConversationID }): Promise<NatterResponse<{}>> {
    checkID(options?.conversationID);
    await this.http.post<{}>(conversationPath(options.conversationID, '/read'), {});
    const held = this.store.get(options.conversationID);
    if (held && held.unreadCount !== 0) {
      this.store.patch(options.conversationID, { unreadCount: 0 });
      this.emitList();
    }
    return ok({});
  }

  /** Archive (soft delete): hidden from the default list, everything kept. */
  async archiveConversation(
    options: ConversationID | { conversationIDList: ConversationID[] },
  ): Promise<NatterResponse<{ conversationIDList: ConversationID[] }>> {
    const ids = typeof options === 'string' ? [options] : checkIDList(options?.conversationIDList);
    const reply = await this.http.post<{ conversationIDList: ConversationID[] }>(
      '/v1/conversations/archive',
      { conversationIDList: ids },
    );
    if (this.store.remove(reply.conversationIDList ?? ids)) this.emitList();
    return ok({ conversationIDList: reply.conversationIDList });
  }

  /** Brings archived conversations back as they were. */
  async restoreConversation(
    options: ConversationID | { conversationIDList: ConversationID[] },
  ): Promise<NatterResponse<{ conversationIDList: ConversationID[] }>> {
    const ids = typeof options === 'string' ? [options] : checkIDList(options?.conversationIDList);
    const reply = await this.http.post<{ conversationIDList: ConversationID[] }>(
      '/v1/conversations/restore',
      { conversationIDList: ids },
    );
    // The answer has no conversation objects; one sync fetches the restored entries.
    const since = this.store.version;
    if (this.store.isLoaded && since !== null) await this.syncSince(since).catch(() => {});
    return ok({ conversationIDList: reply.conversationIDList });
  }

  /** The raw `GET /v1/conversations/sync?since=` reply; does not touch the local list. */
  async getConversationSync(since: number): Promise<NatterResponse<ConversationSyncReply>> {
    if (!Number.isInteger(since) || since < 0) throw invalidArgument('since: a version (integer ≥ 0)');
    return ok(await this.http.get<ConversationSyncReply>('/v1/conversations/sync', { since }));
  }

  // ---------------------------------------------------------------- conversation preferences

  /**
   * Sets or clears one mark on 1–100 conversations. The server applies it to all or rejects the
   * call, so `failureConversationIDList` is always empty. HIDE (8) takes the conversations out of
   * the default list, local one included, until the mark is cleared.
   */
  async markConversation(options: MarkConversationOptions): Promise<NatterResponse<ConversationOperationResult>> {
    const ids = checkIDList(options?.conversationIDList);
    const mark = markTypeText(options.markType);
    if (typeof options.enableMark !== 'boolean') throw invalidArgument('enableMark: must be a boolean');
    const body = new RawJson(
      `{"conversationIDList":${JSON.stringify(ids)},"markType":${mark},"enableMark":${options.enableMark}}`,
    );
    const reply = await this.http.post<{ conversationIDList: ConversationID[] }>('/v1/conversations/mark', body);
    await this.refreshLocal();
    return ok(operationResult(reply.conversationIDList ?? ids));
  }

  /**
   * Saves (or, with `''`, clears) the draft, at most 16 KiB. A non-empty draft on a deleted
   * conversation brings it back into the list.
   */
  async setConversationDraft(options: {
    conversationID: ConversationID;
    draftText: string;
  }): Promise<NatterResponse<{ conversation: Conversation }>> {
    checkID(options?.conversationID);
    if (typeof options.draftText !== 'string') throw invalidArgument('draftText: a string ("" clears it)');
    const conversation = await this.http.post<Conversation>('/v1/conversations/draft', {
      conversationID: options.conversationID,
      draftText: options.draftText,
    });
    this.applyAnswer(conversation);
    return ok({ conversation });
  }

  /** Sets the app's own string (at most 256 bytes) on 1–100 conversations. */
  async setConversationCustomData(options: {
    conversationIDList: ConversationID[];
    customData: string;
  }): Promise<NatterResponse<ConversationOperationResult>> {
    const ids = checkIDList(options?.conversationIDList);
    if (typeof options.customData !== 'string') throw invalidArgument('customData: a string ("" clears it)');
    const reply = await this.http.post<{ conversationIDList: ConversationID[] }>('/v1/conversations/customData', {
      conversationIDList: ids,
      customData: options.customData,
    });
    await this.refreshLocal();
    return ok(operationResult(reply.conversationIDList ?? ids));
  }

  /**
   * Mutes (`AcceptNotNotify`, `Discard`) or unmutes (`AcceptAndNotify`) conversations named by
   * `conversationIDList`, or Tencent-style by `userIDList` (→ `C2C…`) or `groupID` (→ `GROUP…`).
   * Muted conversations leave the unread total, which the SDK refetches.
   */
  async setMessageRemindType(
    options: SetMessageRemindTypeOptions,
  ): Promise<NatterResponse<ConversationOperationResult>> {
    if (typeof options !== 'object' || options === null) {
      throw invalidArgument('options: { conversationIDList | userIDList | groupID, messageRemindType }');
    }
    let ids: ConversationID[];
    if (options.conversationIDList !== undefined) {
      ids = checkIDList(options.conversationIDList);
    } else if (options.userIDList !== undefined) {
      if (!Array.isArray(options.userIDList) || options.userIDList.some((u) => typeof u !== 'string' || u === '')) {
        throw invalidArgument('userIDList: an array of userIDs');
      }
      ids = checkIDList(options.userIDList.map((u) => `C2C${u}`));
    } else if (options.groupID !== undefined) {
      if (typeof options.groupID !== 'string' || options.groupID === '') throw invalidArgument('groupID: a group ID');
      ids = [`GROUP${options.groupID}`];
    } else {
      throw invalidArgument('conversationIDList, userIDList or groupID: one is required');
    }
    if (typeof options.messageRemindType !== 'string') {
      throw invalidArgument('messageRemindType: AcceptAndNotify, AcceptNotNotify or Discard');
    }
    const reply = await this.http.post<{ conversationIDList: ConversationID[] }>('/v1/conversations/remindType', {
      conversationIDList: ids,
      messageRemindType: options.messageRemindType,
    });
    await this.refreshLocal({ unread: true });
    return ok(operationResult(reply.conversationIDList ?? ids));
  }

  /** Clears the conversation's history for this user; the entry stays, unread 0, `lastMessage: null`. */
  async clearHistoryMessage(conversationID: ConversationID): Promise<NatterResponse<{}>> {
    checkID(conversationID);
    await this.http.post<{}>(conversationPath(conversationID, '/clearHistory'), {});
    await this.refreshLocal({ unread: true });
    return ok({});
  }

  /** Marks every conversation of the scope read: `TYPES.READ_ALL_C2C_MSG`, `…GROUP_MSG`, `…MSG` (default). */
  async setAllMessageRead(options?: { scope?: ReadAllScope }): Promise<NatterResponse<{}>> {
    const scope = options?.scope ?? TYPES.READ_ALL_MSG;
    if (typeof scope !== 'string') throw invalidArgument('scope: C2C, GROUP or ALL');
    await this.http.post<{}>('/v1/conversations/readAll', { scope });
    let changed = false;
    for (const c of this.store.list()) {
      if (c.unreadCount === 0 || (scope !== TYPES.READ_ALL_MSG && c.type !== scope)) continue;
      changed = this.store.patch(c.conversationID, { unreadCount: 0 }) || changed;
    }
    if (changed) this.emitList();
    await this.refreshLocal({ unread: true });
    return ok({});
  }

  // ---------------------------------------------------------------- folders (conversation groups)

  /** `{ groupList: names, conversationGroupList: [{groupName, conversationIDList}] }`. */
  async getConversationGroupList(): Promise<NatterResponse<ConversationGroupListResult>> {
    const reply = await this.http.get<{ conversationGroupList: ConversationGroup[] }>('/v1/conversation-groups');
    const conversationGroupList = reply.conversationGroupList ?? [];
    return ok({ groupList: conversationGroupList.map((g) => g.groupName), conversationGroupList });
  }

  /**
   * Creates a folder (name 1–32 bytes, at most 20 folders), optionally with 1–100 conversations
   * already in the user's list.
   */
  async createConversationGroup(options: {
    groupName: string;
    conversationIDList?: ConversationID[];
  }): Promise<NatterResponse<{ groupName: string } & ConversationOperationResult>> {
    checkGroupName(options?.groupName, 'groupName');
    const ids = options.conversationIDList === undefined ? [] : checkIDList(options.conversationIDList);
    const body: Record<string, unknown> = { groupName: options.groupName };
    if (ids.length) body.conversationIDList = ids;
    const reply = await this.http.post<{ groupName: string }>('/v1/conversation-groups', body);
    if (ids.length) await this.refreshLocal();
    return ok({ groupName: reply.groupName ?? options.groupName, ...operationResult(ids) });
  }

  async renameConversationGroup(options: {
    oldName: string;
    newName: string;
  }): Promise<NatterResponse<{ oldName: string; newName: string }>> {
    checkGroupName(options?.oldName, 'oldName');
    checkGroupName(options.newName, 'newName');
    await this.http.post<{}>('/v1/conversation-groups/rename', { oldName: options.oldName, newName: options.newName });
    await this.refreshLocal();
    return ok({ oldName: options.oldName, newName: options.newName });
  }

  /** Deletes the folder; its conversations stay in the list. */
  async deleteConversationGroup(groupName: string): Promise<NatterResponse<{ groupName: string }>> {
    checkGroupName(groupName, 'groupName');
    await this.http.post<{}>('/v1/conversation-groups/delete', { groupName });
    await this.refreshLocal();
    return ok({ groupName });
  }

  async addConversationsToGroup(options: {
    groupName: string;
    conversationIDList: ConversationID[];
  }): Promise<NatterResponse<{ groupName: string } & ConversationOperationResult>> {
    return this.changeFolder('/v1/conversation-groups/add', options);
  }

  async deleteConversationsFromGroup(options: {
    groupName: string;
    conversationIDList: ConversationID[];
  }): Promise<NatterResponse<{ groupName: string } & ConversationOperationResult>> {
    return this.changeFolder('/v1/conversation-groups/remove', options);
  }

  private async changeFolder(
    path: string,
    options: { groupName: string; conversationIDList: ConversationID[] },
  ): Promise<NatterResponse<{ groupName: string } & ConversationOperationResult>> {
    checkGroupName(options?.groupName, 'groupName');
    const ids = checkIDList(options.conversationIDList);
    const reply = await this.http.post<{ conversationIDList: ConversationID[] }>(path, {
      groupName: options.groupName,
      conversationIDList: ids,
    });
    await this.refreshLocal();
    return ok({ groupName: options.groupName, ...operationResult(reply.conversationIDList ?? ids) });
  }

  // ---------------------------------------------------------------- groups

  /**
   * Leaves the group. Its conversation stays in the list, readable up to now; sending to it then
   * rejects with 40302 `not_a_member`.
   */
  async quitGroup(groupID: string): Promise<NatterResponse<{ groupID: string }>> {
    if (typeof groupID !== 'string' || groupID === '') throw invalidArgument('groupID: a group ID');
    await this.http.post<{}>(`/v1/groups/${encodeURIComponent(groupID)}/leave`, {});
    await this.refreshLocal();
    return ok({ groupID });
  }

  /** A call's answer that is a conversation object: into the local list (older versions ignored). */
  private applyAnswer(conversation: Conversation): void {
    if (this.store.isLoaded && this.store.upsert([conversation], { trackVersion: false })) this.emitList();
  }

  /**
   * After a call whose answer has no conversation objects: one sync brings the changed entries into
   * the local list (the server also pushes `conversationListUpdated`; the duplicate is no change).
   * Best effort: a failed sync is retried by the next reconnect, never fails the call.
   */
  private async refreshLocal(options?: { unread?: boolean }): Promise<void> {
    const since = this.store.version;
    if (this.store.isLoaded && since !== null) await this.syncSince(since).catch(() => {});
    if (options?.unread) await this.fetchTotalUnreadMessageCount().catch(() => {});
  }

  // ---------------------------------------------------------------- unread

  /**
   * The total unread count the SDK holds (from the last `totalUnreadMessageCountUpdated` event or
   * `GET /v1/unread`), returned synchronously as in the reference SDK.
   */
  getTotalUnreadMessageCount(): number {
    return this.totalUnread;
  }

  /** Asks the server (`GET /v1/unread`) and keeps the answer; muted and archived are excluded. */
  async fetchTotalUnreadMessageCount(): Promise<number> {
    const session = this.session;
    const reply = await this.http.get<{ totalUnreadCount: number }>('/v1/unread');
    if (session === this.session) this.setTotalUnread(reply.totalUnreadCount);
    return reply.totalUnreadCount;
  }

  /** Keeps the number; handlers hear only real changes (the server also repeats unchanged totals). */
  private setTotalUnread(count: number): void {
    if (count === this.totalUnread) return;
    this.totalUnread = count;
    this.emitter.emit(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, { totalUnreadCount: count });
  }

  // ---------------------------------------------------------------- messages

  /** Builds a text message for sendMessage, with a fresh clientMsgID so resending is safe. */
  createTextMessage(options: CreateTextMessageOptions): TextMessageDraft {
    const { to, conversationType, payload } = options ?? ({} as CreateTextMessageOptions);
    if (typeof to !== 'string' || to === '') throw invalidArgument('to: required');
    if (conversationType !== 'C2C' && conversationType !== 'GROUP') {
      throw invalidArgument('conversationType: "C2C" or "GROUP"');
    }
    if (typeof payload?.text !== 'string') throw invalidArgument('payload.text: required');
    return {
      type: TYPES.MSG_TEXT,
      to,
      conversationType,
      conversationID: `${conversationType}${to}`,
      payload: { text: payload.text },
      clientMsgID: newClientMsgID(),
    };
  }

  /** `POST /v1/messages` → `{message}` once the message is durable. */
  async sendMessage(options: SendMessageOptions): Promise<NatterResponse<{ message: Message }>> {
    checkID(options?.conversationID);
    if (typeof options.payload !== 'object' || options.payload === null || Array.isArray(options.payload)) {
      throw invalidArgument('payload: a JSON object');
    }
    const body: Record<string, unknown> = {
      conversationID: options.conversationID,
      payload: options.payload,
    };
    if (options.clientMsgID !== undefined) body.clientMsgID = options.clientMsgID;
    const reply = await this.http.post<{ message: Message }>('/v1/messages', body);
    return ok({ message: reply.message });
  }

  /** A page of history, oldest first; `isCompleted` when nothing older is left. */
  async getMessageList(
    options: GetMessageListOptions,
  ): Promise<NatterResponse<{ messageList: Message[]; isCompleted: boolean }>> {
    checkID(options?.conversationID);
    const reply = await this.http.get<{ messageList: Message[]; isCompleted: boolean }>(
      conversationPath(options.conversationID, '/messages'),
      { before: options.before, limit: options.limit },
    );
    return ok({ messageList: reply.messageList, isCompleted: reply.isCompleted });
  }
}

function ok<T>(data: T): NatterResponse<T> {
  return { code: 0, data };
}

function checkID(id: unknown): asserts id is string {
  if (typeof id !== 'string') throw invalidArgument('conversationID: a string such as "C2Cbob"');
}

/** 1–100 IDs, counted as given (the server counts duplicates too). */
function checkIDList(ids: unknown): ConversationID[] {
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
    throw invalidArgument('conversationIDList: an array of conversation IDs');
  }
  if (ids.length === 0) throw invalidArgument('conversationIDList: is empty; give 1 to 100');
  if (ids.length > MAX_CONVERSATIONS_PER_CALL) throw tooManyConversations(ids.length);
  return ids as ConversationID[];
}

/** A folder name: the server checks its length (1–32 bytes); here only that it is a string. */
function checkGroupName(name: unknown, field: string): asserts name is string {
  if (typeof name !== 'string') throw invalidArgument(`${field}: a folder name (1–32 bytes)`);
}

/**
 * A mark as exact JSON digits. `JSON.stringify(2 ** 63)` writes `9223372036854776000`, which is not
 * a power of two; `BigInt` writes the double's exact value.
 */
function markTypeText(markType: unknown): string {
  if (typeof markType === 'bigint') {
    if (markType < 0n) throw invalidArgument('markType: a non-negative integer');
    return markType.toString();
  }
  if (typeof markType === 'number') {
    if (!Number.isInteger(markType) || markType < 0) throw invalidArgument('markType: a non-negative integer');
    return BigInt(markType).toString();
  }
  if (typeof markType === 'string' && /^[0-9]{1,20}$/.test(markType)) return BigInt(markType).toString();
  throw invalidArgument('markType: 1, 2, 4, 8 or a custom 2^n (32 ≤ n < 64), as a number or bigint');
}

function operationResult(ids: ConversationID[]): ConversationOperationResult {
  return { successConversationIDList: ids, failureConversationIDList: [] };
}

function asArray<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise<T>((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}

function newClientMsgID(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
