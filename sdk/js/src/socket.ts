/**
 * The WebSocket half of the client: one connection at a time, reconnected with backoff until
 * stopped or closed by the server with a terminal code, kept alive with pings.
 *
 * The server starts delivering events to a connection only after it has sent that connection its
 * first `pong`, so "ready" here means "first pong received", not "open". Events that happened while
 * no connection was ready are not replayed by the server; the owner catches up over HTTP on every
 * `onReady`.
 */

import { WIRE_PING, type WireEventData, type WireFrame } from './wire.js';

/**
 * The part of the WHATWG WebSocket the SDK uses; browsers' WebSocket and the `ws` package fit.
 * Handler parameters are `any` on purpose: each implementation has its own event classes, and a
 * stricter type would make `Natter.create({ WebSocket })` need a cast.
 */
export interface WebSocketLike {
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface SocketListener {
  /** A connection attempt starts. */
  onConnecting(): void;
  /** The first `pong` arrived on a new connection (its data given): from now on no event is missed. */
  onReady(pong: WireEventData['pong']): void;
  /** A server event (anything but `pong`). */
  onEvent(name: string, data: unknown): void;
  /** Any frame arrived on the ready connection (pongs included): it is alive now. */
  onAlive(): void;
  /** A connection ended or an attempt failed; another attempt follows after a backoff. */
  onLost(info: { code: number | undefined; wasReady: boolean }): void;
  /** The server closed with one of `terminalCloseCodes`: the socket stopped and will not reconnect. */
  onTerminated(code: number, reason: string): void;
}

export interface SocketOptions {
  /** Keep-alive interval; also how long a silent connection may last before it counts as dead. */
  pingIntervalMs: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_SOCKET_OPTIONS: SocketOptions = {
  pingIntervalMs: 25_000,
  initialBackoffMs: 500,
  maxBackoffMs: 10_000,
};

/** What `close` gives: browsers' CloseEvent and `ws`'s both have these. */
interface CloseInfo {
  code?: unknown;
  reason?: unknown;
}

const PING = JSON.stringify(WIRE_PING);

export class ReconnectingSocket {
  private ws: WebSocketLike | null = null;
  private stopped = true;
  /** Consecutive connections that ended before becoming ready; drives the backoff. */
  private failures = 0;
  private ready = false;
  private pongSinceLastPing = true;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  /** Settles the promise of start(): the first connection attempt's outcome. */
  private firstOutcome: ((ready: boolean) => void) | null = null;

  constructor(
    private readonly url: string,
    private readonly WebSocketImpl: WebSocketConstructor,
    private readonly listener: SocketListener,
    private readonly options: SocketOptions = DEFAULT_SOCKET_OPTIONS,
    /** Close codes after which reconnecting would be wrong (the device was kicked). */
    private readonly terminalCloseCodes: ReadonlySet<number> = new Set(),
  ) {}

  /**
   * Opens the first connection. Resolves `true` once it is ready, `false` if that attempt failed;
   * either way the socket keeps reconnecting in the background until {@link stop}.
   */
  start(): Promise<boolean> {
    this.stopped = false;
    const outcome = new Promise<boolean>((resolve) => (this.firstOutcome = resolve));
    this.connect();
    return outcome;
  }

  /** Closes the connection and stops reconnecting. */
  stop(): void {
    this.stopped = true;
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      detach(ws);
      safeClose(ws);
    }
    this.settleFirst(false);
  }

  get isReady(): boolean {
    return this.ready;
  }

  private connect(): void {
    if (this.stopped) return;
    this.ready = false;
    this.listener.onConnecting();
    if (this.stopped) return;
    let ws: WebSocketLike;
    try {
      ws = new this.WebSocketImpl(this.url);
    } catch {
      // An invalid URL or a refused constructor: treat it like a failed connection.
      this.connectionEnded(null, undefined);
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.send(ws, PING);
      this.pongSinceLastPing = false;
      this.startKeepAlive(ws);
    };
    ws.onmessage = (event: { data: unknown }) => this.handleFrame(ws, event.data);
    // Browsers and `ws` fire `close` after `error`, so the work is done once, in onclose.
    ws.onerror = () => {};
    ws.onclose = (event: CloseInfo | undefined) => this.connectionEnded(ws, event);
  }

  private handleFrame(ws: WebSocketLike, raw: unknown): void {
    if (ws !== this.ws) return;
    const frame = parseFrame(raw);
    if (!frame) return;
    if (this.ready) this.listener.onAlive();
    if (frame.event === 'pong') {
      this.pongSinceLastPing = true;
      if (!this.ready) {
        this.ready = true;
        this.failures = 0;
        this.settleFirst(true);
        const data = frame.data;
        this.listener.onReady(typeof data === 'object' && data !== null ? (data as WireEventData['pong']) : {});
      }
      return;
    }
    this.listener.onEvent(frame.event, frame.data);
  }

  /** Pings every interval; a connection that stayed silent for a whole interval is dropped. */
  private startKeepAlive(ws: WebSocketLike): void {
    this.stopKeepAlive();
    this.pingTimer = setInterval(() => {
      if (ws !== this.ws) return;
      if (!this.pongSinceLastPing) {
        // Half-open TCP can take minutes to report `close`; do not wait for it.
        detach(ws);
        safeClose(ws);
        this.connectionEnded(ws, undefined);
        return;
      }
      this.pongSinceLastPing = false;
      this.send(ws, PING);
    }, this.options.pingIntervalMs);
  }

  private connectionEnded(ws: WebSocketLike | null, close: CloseInfo | undefined): void {
    if (ws !== null && ws !== this.ws) return; // an old connection closing late
    this.ws = null;
    this.stopKeepAlive();
    const wasReady = this.ready;
    if (!wasReady) this.failures += 1;
    this.ready = false;
    this.settleFirst(false);
    if (this.stopped) return;
    const code = typeof close?.code === 'number' ? close.code : undefined;
    if (code !== undefined && this.terminalCloseCodes.has(code)) {
      this.stopped = true;
      this.clearTimers();
      this.listener.onTerminated(code, typeof close?.reason === 'string' ? close.reason : String(close?.reason ?? ''));
      return;
    }
    this.listener.onLost({ code, wasReady });
    if (!this.stopped) this.scheduleReconnect();
  }

  /** Exponential backoff from 500 ms to 10 s, with "equal jitter" so devices do not reconnect in step. */
  private scheduleReconnect(): void {
    if (this.reconnectTimer) return;
    const exp = Math.min(
      this.options.maxBackoffMs,
      this.options.initialBackoffMs * 2 ** Math.max(0, this.failures - 1),
    );
    const delay = exp / 2 + Math.random() * (exp / 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private send(ws: WebSocketLike, text: string): void {
    try {
      ws.send(text);
    } catch {
      // Sending on a socket that is closing throws in some implementations; onclose follows.
    }
  }

  private settleFirst(ready: boolean): void {
    const settle = this.firstOutcome;
    this.firstOutcome = null;
    settle?.(ready);
  }

  private stopKeepAlive(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  private clearTimers(): void {
    this.stopKeepAlive();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }
}

function parseFrame(raw: unknown): Required<WireFrame> | null {
  // Text frames only; `ws` hands text as a string, some runtimes as a Buffer-like with toString().
  const text = typeof raw === 'string' ? raw : raw instanceof ArrayBuffer ? null : String(raw);
  if (text === null) return null;
  try {
    const frame = JSON.parse(text) as Partial<WireFrame> | null;
    if (typeof frame !== 'object' || frame === null || typeof frame.event !== 'string') return null;
    return { event: frame.event, data: frame.data ?? {} };
  } catch {
    return null;
  }
}

function detach(ws: WebSocketLike): void {
  ws.onopen = null;
  ws.onmessage = null;
  ws.onclose = null;
  ws.onerror = () => {}; // keep a listener: `ws` throws on an unhandled error event
}

function safeClose(ws: WebSocketLike): void {
  try {
    ws.close();
  } catch {
    // already closed
  }
}
