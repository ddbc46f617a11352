/**
 * Handler registry for `chat.on` / `chat.once` / `chat.off`, with Tencent's optional `context` (the handler's
 * `this`). A throwing handler must not break the SDK's own bookkeeping (local state is updated
 * before handlers run) nor the other handlers, so its error is reported on the console instead of
 * propagating into the socket's message callback.
 */

type Handler = (event: { name: string; data: unknown }) => void;

interface Registration {
  handler: Handler;
  context: unknown;
  /** Registered with `once`: removed before its first call. */
  once: boolean;
}

export class Emitter {
  private readonly handlers = new Map<string, Registration[]>();
  /** Do not report handler errors on the console. */
  silent = false;

  on(name: string, handler: Handler, context?: unknown, once = false): void {
    if (typeof handler !== 'function') throw new TypeError(`on(${name}): the handler must be a function`);
    const list = this.handlers.get(name) ?? [];
    if (!list.some((r) => r.handler === handler && r.context === context)) list.push({ handler, context, once });
    this.handlers.set(name, list);
  }

  /** Without a handler, removes every handler of that event. */
  off(name: string, handler?: Handler, context?: unknown): void {
    if (handler === undefined) {
      this.handlers.delete(name);
      return;
    }
    const list = this.handlers.get(name);
    if (!list) return;
    const kept = list.filter((r) => r.handler !== handler || (context !== undefined && r.context !== context));
    if (kept.length) this.handlers.set(name, kept);
    else this.handlers.delete(name);
  }

  has(name: string): boolean {
    return (this.handlers.get(name)?.length ?? 0) > 0;
  }

  emit(name: string, data: unknown): void {
    const list = this.handlers.get(name);
    if (!list || list.length === 0) return;
    const event = { name, data };
    for (const registration of [...list]) {
      const { handler, context, once } = registration;
      if (once) this.drop(name, registration);
      try {
        handler.call(context, event);
      } catch (err) {
        if (!this.silent) console.error(`natter: a ${name} handler threw`, err);
      }
    }
  }

  private drop(name: string, registration: Registration): void {
    const kept = (this.handlers.get(name) ?? []).filter((r) => r !== registration);
    if (kept.length) this.handlers.set(name, kept);
    else this.handlers.delete(name);
  }

  clear(): void {
    this.handlers.clear();
  }
}
