/**
 * Starts a real `natter serve` for the tests: fresh data dir, random manager token, port 0, rate
 * limit off. Lives outside test/ so `node --test dist/test/` does not run it as a test file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * The server binary: `NATTER_BIN`, else `$CARGO_TARGET_DIR/debug/natter`. There is deliberately no
 * default path: a test run against some stale binary found by guessing is worse than a clear stop.
 */
export function natterBin(): string {
  const explicit = process.env.NATTER_BIN;
  const fromTarget = process.env.CARGO_TARGET_DIR ? join(process.env.CARGO_TARGET_DIR, 'debug', 'natter') : undefined;
  const bin = explicit || fromTarget;
  if (!bin) {
    throw new Error(
      'the SDK tests need the natter server binary: build it with `cargo build -p natter` and set ' +
        'NATTER_BIN to it (or CARGO_TARGET_DIR to the cargo target directory holding debug/natter)',
    );
  }
  if (!existsSync(bin)) {
    throw new Error(
      `natter binary not found at ${bin} (from ${explicit ? 'NATTER_BIN' : 'CARGO_TARGET_DIR'}): run \`cargo build -p natter\``,
    );
  }
  return bin;
}

export interface CreateUserOptions {
  /** 0 app (default), 1 web, 2 pc. */
  deviceFlag?: 0 | 1 | 2;
  /** 1 master (default): a newer connection of the device replaces the older (close 4001). 0 slave. */
  deviceLevel?: 0 | 1;
}

export interface TestServer {
  baseUrl: string;
  managerToken: string;
  /** Issues a device token for `uid` (creating the user) and returns it. */
  createUser(uid: string, options?: CreateUserOptions | 0 | 1 | 2): Promise<string>;
  /** Sets the token of one of `uid`'s devices (replacing the device's old token). */
  setToken(uid: string, token: string, options?: CreateUserOptions): Promise<void>;
  /** Creates a group (or adds members). */
  createGroup(groupID: string, members: string[]): Promise<void>;
  setSyncConversationDeletion(on: boolean): Promise<void>;
  /** The app backend sets a user's profile (`POST /user/profile`); fields left out keep their value. */
  setProfile(uid: string, profile: { nick?: string; avatar?: string; custom_fields?: Record<string, string>; admin_forbid_type?: string }): Promise<void>;
  /** The app backend sets a group's profile (`POST /channel/info`). */
  setGroupInfo(groupID: string, info: { name?: string; avatar?: string; group_type?: string; notice?: string }): Promise<void>;
  /** The app backend recalls a message (`POST /message/revoke`); `operator` defaults to `admin`. */
  serverRevoke(messageID: string, operator?: string): Promise<void>;
  /** Server API call with the manager token; throws unless 2xx. */
  manager(method: string, path: string, body?: unknown): Promise<unknown>;
  /** Sends as `uid` with the client API (`POST /v1/messages`), bypassing any SDK. */
  sendAs(token: string, conversationID: string, body: Record<string, unknown>): Promise<{ messageID: string; seq: number }>;
  /** SIGTERM, then `natter serve` again on the same port and data dir (every WebSocket is closed). */
  restart(options?: { downMs?: number; whileDown?: () => Promise<void> }): Promise<void>;
  stop(): Promise<void>;
}

let counter = 0;
/** A uid unique in this process, so tests sharing one server never see each other's data. */
export function uniqueUid(name: string): string {
  counter += 1;
  return `${name}-${process.pid}-${counter}`;
}

/** A `natter serve` child process and the address it printed. */
export interface RunningNatter {
  child: ChildProcess;
  baseUrl: string;
  /** SIGTERM, SIGKILL after 5 s; resolves once it exited. */
  stop(): Promise<void>;
}

/**
 * Starts `bin serve <serveArgs>` (give `--listen 127.0.0.1:0`) and resolves with the address from
 * its `natter listening on …` line. The one place the JavaScript tests spawn the server: the SDK's
 * tests through {@link startServer}, the web client's end-to-end test directly.
 */
export async function spawnNatter(bin: string, serveArgs: string[]): Promise<RunningNatter> {
  const child = spawn(bin, ['serve', ...serveArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NATTER_LOG: process.env.NATTER_LOG ?? 'warn', NO_COLOR: '1' },
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });

  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`natter did not print its address within 20 s; stderr:\n${stderr}`)),
      20_000,
    );
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /natter listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${bin}: ${err.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`natter exited early (${code}); stderr:\n${stderr}`));
    });
  });
  child.removeAllListeners('exit');

  async function stop(): Promise<void> {
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  return { child, baseUrl, stop };
}

function launch(bin: string, listen: string, dataDir: string, managerToken: string, args: string[]): Promise<RunningNatter> {
  return spawnNatter(bin, [
    '--listen', listen, '--data-dir', dataDir, '--manager-token', managerToken, '--rate-limit', '0', ...args,
  ]);
}

export interface StartOptions {
  /** More `natter serve` flags, e.g. `['--recall-window-secs', '1']`. */
  args?: string[];
}

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const bin = natterBin();
  const args = options.args ?? [];
  const dataDir = mkdtempSync(join(tmpdir(), 'natter-sdk-test-'));
  const managerToken = `mgr-${randomBytes(16).toString('hex')}`;
  let running = await launch(bin, '127.0.0.1:0', dataDir, managerToken, args);
  const baseUrl = running.baseUrl;

  async function manager(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { token: managerToken, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  async function setToken(uid: string, token: string, options: CreateUserOptions = {}): Promise<void> {
    await manager('POST', '/user/token', {
      uid,
      token,
      device_flag: options.deviceFlag ?? 0,
      device_level: options.deviceLevel ?? 1,
    });
  }

  return {
    baseUrl,
    managerToken,
    manager,
    setToken,
    async createUser(uid, options) {
      const o: CreateUserOptions = typeof options === 'number' ? { deviceFlag: options } : (options ?? {});
      const token = `${uid}-tok-${o.deviceFlag ?? 0}-${randomBytes(8).toString('hex')}`;
      await setToken(uid, token, o);
      return token;
    },
    async createGroup(groupID, members) {
      await manager('POST', '/channel', { channel_id: groupID, channel_type: 2, subscribers: members });
    },
    async setSyncConversationDeletion(on) {
      await manager('PUT', '/app/settings', { sync_conversation_deletion: on });
    },
    async setProfile(uid, profile) {
      await manager('POST', '/user/profile', { uid, ...profile });
    },
    async setGroupInfo(groupID, info) {
      await manager('POST', '/channel/info', { channel_id: groupID, channel_type: 2, ...info });
    },
    async serverRevoke(messageID, operator) {
      await manager('POST', '/message/revoke', { message_id: Number(messageID), ...(operator ? { operator } : {}) });
    },
    async sendAs(token, conversationID, body) {
      const res = await fetch(`${baseUrl}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ conversationID, ...body }),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`POST /v1/messages → ${res.status} ${text}`);
      return (JSON.parse(text) as { message: { messageID: string; seq: number } }).message;
    },
    async restart(options = {}) {
      await running.stop();
      await options.whileDown?.();
      if (options.downMs) await new Promise((r) => setTimeout(r, options.downMs));
      running = await launch(bin, baseUrl.replace('http://', ''), dataDir, managerToken, args);
    },
    async stop() {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves when `predicate()` holds, polling; rejects after `ms`. */
export async function waitFor(predicate: () => boolean, ms = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A fetch that records every request it forwards, for "no request was made" checks. */
export function spyFetch(): {
  fetch: typeof fetch;
  calls: { method: string; url: string; body?: string; headers: Record<string, string> }[];
} {
  const calls: { method: string; url: string; body?: string; headers: Record<string, string> }[] = [];
  const spy = ((input: string | URL | Request, init?: RequestInit) => {
    calls.push({
      method: init?.method ?? 'GET',
      url: String(input),
      body: typeof init?.body === 'string' ? init.body : undefined,
      headers: { ...((init?.headers as Record<string, string> | undefined) ?? {}) },
    });
    return fetch(input, init);
  }) as typeof fetch;
  return { fetch: spy, calls };
}
