/**
 * Handler registry for `chat.on` / `chat.off`. A throwing handler must not break the SDK's own
 * bookkeeping (the local list is updated before handlers run) nor the other handlers, so its error
 * is reported on the console instead of propagating into the socket's message callback.
 */
import type { EventDataMap, EventHandler, EventName, NatterEvent } from './types.js';

export class Emitter {
  private readonly handlers = new Map<EventName, Set<EventHandler<any>>>();

  on<N extends EventName>(name: N, handler: EventHandler<N>): void {
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    set.add(handler);
  }

  /** Without a handler, removes every handler of that event. */
  off<N extends EventName>(name: N, handler?: EventHandler<N>): void {
    if (handler === undefined) this.handlers.delete(name);
    else this.handlers.get(name)?.delete(handler);
  }

  emit<N extends EventName>(name: N, data: EventDataMap[N]): void {
    const set = this.handlers.get(name);
    if (!set || set.size === 0) return;
    const event: NatterEvent<N> = { name, data };
    for (const handler of [...set]) {
      try {
        handler(event);
      } catch (err) {
        console.error(`natter: a ${name} handler threw`, err);
      }
    }
  }

  clear(): void {
    this.handlers.clear();
  }
}
