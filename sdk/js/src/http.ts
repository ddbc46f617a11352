/**
 * The HTTP half of the client: one JSON request, one JSON answer, errors turned into NatterError.
 *
 * Deliberately thin: no retries here. Every write in Natter is idempotent (absolute preferences,
 * client message IDs), so retrying is safe, but whether to retry is the caller's decision; the
 * error carries `retryAfterMs` for 429 / 503.
 */
import { ErrorCode, NatterError, notLoggedIn } from './errors.js';
import type { WireError } from './wire.js';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export type Query = Record<string, string | number | boolean | undefined | null>;

/**
 * A request body already written as JSON text, for values `JSON.stringify` cannot write exactly
 * (a mark above 2^53 must reach the server digit for digit).
 */
export class RawJson {
  constructor(readonly text: string) {}
}

export class HttpClient {
  private token: string | null = null;
  private connectionID: string | null = null;
  /** Server clock minus ours, from the last answer's `Date` header (1 s resolution). */
  private clockOffsetMs = 0;
  /** Called when the server refuses the token (40101) of a request made with one. */
  onUnauthenticated: ((token: string) => void) | null = null;

  /**
   * @param xhrUploads whether uploads may go by XMLHttpRequest where there is one (a browser), for
   * its upload progress; off when the app gave its own fetch, which is then used for everything.
   */
  constructor(
    private readonly baseUrl: string,
    private readonly fetchImpl: FetchLike,
    private readonly xhrUploads = true,
  ) {}

  setToken(token: string | null): void {
    this.token = token;
  }

  /**
   * The WebSocket's `connectionID` (from its pong), sent as `X-Natter-Connection` so events this
   * device causes skip only this connection: another tab sharing the token still hears of them.
   */
  setConnectionID(id: string | null): void {
    this.connectionID = id;
  }

  /** The server's clock as far as the last answer told (ms since the epoch). */
  serverNow(): number {
    return Date.now() + this.clockOffsetMs;
  }

  get hasToken(): boolean {
    return this.token !== null;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, undefined, query);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  /**
   * Sends one request with the user's bearer token. A call made before login is refused here,
   * without a request, so a missing login never looks like a server problem.
   */
  async request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    if (this.token === null) throw notLoggedIn();
    const token = this.token;
    const url = this.baseUrl + path + encodeQuery(query);
    const headers = this.headers(token);
    if (body !== undefined) headers['content-type'] = 'application/json';

    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers,
        body: body === undefined ? undefined : body instanceof RawJson ? body.text : JSON.stringify(body),
      });
    } catch (cause) {
      throw new NatterError({
        code: ErrorCode.NETWORK_ERROR,
        error: 'network_error',
        message: `${method} ${path}: no answer from the server (${describe(cause)})`,
        cause,
      });
    }

    return this.answer<T>(method, path, token, {
      status: response.status,
      header: (name) => response.headers.get(name),
      text: await response.text(),
    });
  }

  /**
   * Uploads a file's bytes as the request body (`POST`, its MIME type as `Content-Type`) and
   * resolves the JSON answer, errors as {@link request}'s. `onProgress` hears the fraction sent,
   * below 1, as the browser reports it: uploads go by XMLHttpRequest where there is one (fetch
   * cannot tell upload progress), by fetch elsewhere (Node), which reports nothing.
   */
  async upload<T>(path: string, query: Query, body: Blob, onProgress: (fraction: number) => void): Promise<T> {
    if (this.token === null) throw notLoggedIn();
    const token = this.token;
    const url = this.baseUrl + path + encodeQuery(query);
    const headers = this.headers(token);
    if (body.type) headers['content-type'] = body.type;
    const Xhr = (globalThis as { XMLHttpRequest?: typeof XMLHttpRequest }).XMLHttpRequest;
    let raw: RawAnswer;
    try {
      if (this.xhrUploads && typeof Xhr === 'function') {
        raw = await sendWithXhr(Xhr, url, headers, body, onProgress);
      } else {
        const response = await this.fetchImpl(url, { method: 'POST', headers, body });
        raw = { status: response.status, header: (name) => response.headers.get(name), text: await response.text() };
      }
    } catch (cause) {
      throw new NatterError({
        code: ErrorCode.NETWORK_ERROR,
        error: 'network_error',
        message: `POST ${path}: no answer from the server (${describe(cause)})`,
        cause,
      });
    }
    return this.answer<T>('POST', path, token, raw);
  }

  /**
   * The text an absolute URL serves (a stored file's), fetched without the user's token: the URL
   * came in someone's message and may point anywhere, and a stored file needs none. Rejects as
   * {@link request} does: no answer is `network_error`, an answer other than 2xx its status.
   */
  async fetchText(url: string): Promise<string> {
    let response: Response;
    try {
      response = await this.fetchImpl(url, { method: 'GET' });
    } catch (cause) {
      throw new NatterError({
        code: ErrorCode.NETWORK_ERROR,
        error: 'network_error',
        message: `GET ${url}: no answer (${describe(cause)})`,
        cause,
      });
    }
    const text = await response.text();
    if (response.status < 200 || response.status >= 300) {
      const raw = { status: response.status, header: (name: string) => response.headers.get(name), text };
      throw errorFromResponse('GET', url, raw, parseJson(text));
    }
    return text;
  }

  /**
   * A path the server answered (`/files/…`) as an absolute URL, for others to fetch from anywhere:
   * below the server URL the SDK talks to (its path prefix kept), and, for a server URL relative
   * to the page, resolved against the page. A URL given whole is kept.
   */
  absoluteUrl(url: string): string {
    if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
    const joined = this.baseUrl + (url.startsWith('/') ? url : `/${url}`);
    const page = (globalThis as { location?: { href?: unknown } }).location?.href;
    try {
      return new URL(joined, typeof page === 'string' ? page : undefined).href;
    } catch {
      return joined;
    }
  }

  private headers(token: string): Record<string, string> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (this.connectionID !== null) headers['x-natter-connection'] = this.connectionID;
    return headers;
  }

  /** The answer's JSON, or the NatterError it says (a refused token also told to onUnauthenticated). */
  private answer<T>(method: string, path: string, token: string, raw: RawAnswer): T {
    this.noteServerDate(raw.header('date'));
    const json = parseJson(raw.text);
    if (raw.status >= 200 && raw.status < 300) {
      if (json === undefined) {
        throw new NatterError({
          code: ErrorCode.INTERNAL,
          error: 'internal',
          message: `${method} ${path}: the server answered ${raw.status} without JSON`,
          status: raw.status,
        });
      }
      return json as T;
    }
    const error = errorFromResponse(method, path, raw, json);
    if (error.code === ErrorCode.UNAUTHENTICATED && token === this.token) this.onUnauthenticated?.(token);
    throw error;
  }

  private noteServerDate(date: string | null): void {
    if (date === null) return;
    const at = Date.parse(date);
    // `Date` is truncated to the second: add half of one so the estimate is centred.
    if (!Number.isNaN(at)) this.clockOffsetMs = at + 500 - Date.now();
  }
}

/** An HTTP answer, by fetch or XMLHttpRequest. */
interface RawAnswer {
  status: number;
  header(name: string): string | null;
  text: string;
}

/**
 * POSTs `body` by XMLHttpRequest, whose upload events tell how much is sent (fetch's do not). Only
 * fractions below 1 are passed on: all bytes sent is not yet stored, which the answer says.
 */
function sendWithXhr(
  Xhr: typeof XMLHttpRequest,
  url: string,
  headers: Record<string, string>,
  body: Blob,
  onProgress: (fraction: number) => void,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const xhr = new Xhr();
    xhr.open('POST', url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0 && event.loaded < event.total) onProgress(event.loaded / event.total);
    };
    xhr.onload = () =>
      resolve({ status: xhr.status, header: (name) => xhr.getResponseHeader(name), text: xhr.responseText });
    xhr.onerror = () => reject(new Error('the request failed'));
    xhr.onabort = () => reject(new Error('the request was aborted'));
    xhr.ontimeout = () => reject(new Error('the request timed out'));
    xhr.send(body);
  });
}

/** Maps an error answer to NatterError, keeping the server's code when its body has one. */
function errorFromResponse(method: string, path: string, raw: RawAnswer, json: unknown): NatterError {
  const retryAfterMs = parseRetryAfter(raw.header('retry-after'));
  if (isServerError(json)) {
    return new NatterError({
      code: json.code,
      error: json.error,
      message: json.message ?? json.msg ?? json.error,
      status: raw.status,
      retryAfterMs,
    });
  }
  // Not the server's error body: a proxy in between, or a much older server. Derive a
  // code of the server's shape from the status (404 → 40401), so callers can still switch on it.
  return new NatterError({
    code: raw.status * 100 + 1,
    error: 'http_error',
    message: `${method} ${path}: HTTP ${raw.status}${raw.text ? `: ${raw.text.slice(0, 200)}` : ''}`,
    status: raw.status,
    retryAfterMs,
  });
}

function isServerError(json: unknown): json is WireError {
  if (typeof json !== 'object' || json === null) return false;
  const o = json as Record<string, unknown>;
  return typeof o.code === 'number' && typeof o.error === 'string';
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function encodeQuery(query?: Query): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Conversation IDs go into paths percent-encoded: `@TIM#SYSTEM` → `%40TIM%23SYSTEM`. */
export function conversationPath(conversationID: string, suffix = ''): string {
  return `/v1/conversations/${encodeURIComponent(conversationID)}${suffix}`;
}

/** A group's client-API path (`/v1/groups/<groupID><suffix>`), the ID percent-encoded. */
export function groupPath(groupID: string, suffix = ''): string {
  return `/v1/groups/${encodeURIComponent(groupID)}${suffix}`;
}

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = (cause as Error & { cause?: unknown }).cause;
    return inner instanceof Error ? `${cause.message}: ${inner.message}` : cause.message;
  }
  return String(cause);
}
