/**
 * Starts a real `natter serve` for the tests: fresh data dir, random manager token, port 0, rate
 * limit off. Lives outside test/ so `node --test dist/test/` does not run it as a test file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const NATTER_BIN = process.env.NATTER_BIN ?? '/root/.cache/natter-target/debug/natter';

export interface TestServer {
  baseUrl: string;
  managerToken: string;
  /** Issues a device token for `uid` (creating the user) and returns it. */
  createUser(uid: string, deviceFlag?: 0 | 1 | 2): Promise<string>;
  /** Creates a group (or adds members). */
  createGroup(groupID: string, members: string[]): Promise<void>;
  setSyncConversationDeletion(on: boolean): Promise<void>;
  /** Server API call with the manager token; throws unless 2xx. */
  manager(method: string, path: string, body?: unknown): Promise<unknown>;
  /** false while `GET /v1/ws` answers 404 (gateway not built yet). */
  websocketAvailable(userToken: string): Promise<boolean>;
  stop(): Promise<void>;
}

let counter = 0;
/** A uid unique in this process, so tests sharing one server never see each other's data. */
export function uniqueUid(name: string): string {
  counter += 1;
  return `${name}-${process.pid}-${counter}`;
}

export async function startServer(): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'natter-sdk-test-'));
  const managerToken = `mgr-${randomBytes(16).toString('hex')}`;
  const child = spawn(
    NATTER_BIN,
    [
      'serve',
      '--listen', '127.0.0.1:0',
      '--data-dir', dataDir,
      '--manager-token', managerToken,
      '--rate-limit', '0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' } },
  );
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
      reject(new Error(`cannot start ${NATTER_BIN}: ${err.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`natter exited early (${code}); stderr:\n${stderr}`));
    });
  });
  child.removeAllListeners('exit');

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

  return {
    baseUrl,
    managerToken,
    manager,
    async createUser(uid, deviceFlag = 0) {
      const token = `${uid}-tok-${deviceFlag}-${randomBytes(8).toString('hex')}`;
      await manager('POST', '/user/token', { uid, token, device_flag: deviceFlag, device_level: 1 });
      return token;
    },
    async createGroup(groupID, members) {
      await manager('POST', '/channel', { channel_id: groupID, channel_type: 2, subscribers: members });
    },
    async setSyncConversationDeletion(on) {
      await manager('PUT', '/app/settings', { sync_conversation_deletion: on });
    },
    async websocketAvailable(userToken) {
      const res = await fetch(`${baseUrl}/v1/ws?token=${encodeURIComponent(userToken)}`, {
        headers: { authorization: `Bearer ${userToken}` },
      });
      await res.arrayBuffer();
      return res.status !== 404;
    },
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
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
export function spyFetch(): { fetch: typeof fetch; calls: { method: string; url: string; body?: string }[] } {
  const calls: { method: string; url: string; body?: string }[] = [];
  const spy = ((input: string | URL | Request, init?: RequestInit) => {
    calls.push({
      method: init?.method ?? 'GET',
      url: String(input),
      body: typeof init?.body === 'string' ? init.body : undefined,
    });
    return fetch(input, init);
  }) as typeof fetch;
  return { fetch: spy, calls };
}
