/**
 * Which messages this instance has handed to the app as MESSAGE_RECEIVED, so that each message is
 * delivered exactly once whether it arrives live or is fetched after a reconnect, and so that the
 * instance's own sends are never delivered back to it.
 *
 * The rules it keeps:
 * - `seen[c]`: every message of conversation `c` up to this sequence was delivered or deliberately
 *   skipped (history from before login, the instance's own sends, `Discard` conversations).
 * - `latest[c]`: the conversation's last message as the newest conversation data says. A
 *   conversation with `latest > seen` has a gap: messages the server sent while no connection was
 *   ready. The catch-up fetches them.
 * - From the moment a new connection is ready until its catch-up has finished, live messages are
 *   held, not delivered: delivering one would move `seen` past a gap not yet fetched. When the
 *   catch-up is done they are released through the same filter, so one fetched and pushed is still
 *   delivered once.
 * - A conversation this instance never saw (created while it was offline) has no `seen`: its gap is
 *   the messages sent after the connection was last known alive: a global ID above the highest this
 *   instance had seen (IDs are global and increasing), or a server time no earlier than the last
 *   frame received (less a margin for clock rounding). Nothing from it can have been delivered, so
 *   there is no duplicate to fear; the bound only keeps old history, revived by a change made while
 *   offline, from being mistaken for news.
 */
import type { WireConversation, WireMessage } from './wire.js';

/** How many of its own client message IDs an instance remembers. */
const OWN_IDS_KEPT = 2_000;
/** Live messages held during a catch-up beyond this are dropped (the catch-up refetches them). */
const HELD_KEPT = 10_000;
/** The server clock estimate is good to about a second. */
const CLOCK_MARGIN_MS = 2_000;

export interface Gap {
  conversationID: string;
  /** Deliver messages with a higher sequence; undefined for a conversation never seen. */
  afterSeq: number | undefined;
  /** For a conversation never seen: deliver messages with a higher global ID… */
  afterID: string;
  /** …or sent at or after this server time (ms; 0: no bound known). */
  afterTimeMs: number;
}

/**
 * A message sent `onlineUserOnly` (TUIKit's typing status): the server only pushes it, to the
 * devices connected then, and never stores it, so it has no sequence (0) and an ID outside the
 * stored ones. None of the rules above apply to it: it cannot be fetched, so it is never held or
 * counted as seen.
 */
export function isOnlineOnly(message: WireMessage): boolean {
  return message.seq === 0;
}

/** Whether a message of a conversation never seen counts as sent after the gap began. */
export function isNewForGap(gap: Gap, m: { messageID: string; time: number }): boolean {
  if (gap.afterID !== '' && idAbove(m.messageID, gap.afterID)) return true;
  return gap.afterTimeMs > 0 && m.time >= gap.afterTimeMs - CLOCK_MARGIN_MS;
}

export class Delivery {
  private readonly seen = new Map<string, number>();
  private readonly latest = new Map<string, number>();
  private readonly own = new Set<string>();
  private highestID = '';
  private boundForNew = '';
  /** Server time (ms) of the last frame the current connection received. */
  private aliveAtMs = 0;
  private boundTimeMs = 0;
  private holding = true;
  private held: WireMessage[] = [];

  /** Remembers a send of this instance, before the request leaves. */
  addOwn(clientMsgID: string): void {
    this.own.add(clientMsgID);
    if (this.own.size > OWN_IDS_KEPT) this.own.delete(this.own.values().next().value as string);
  }

  isOwn(message: WireMessage): boolean {
    return message.clientMsgID !== null && this.own.has(message.clientMsgID);
  }

  /** The first full sync of a session: everything in it is history, not news. */
  seed(conversations: WireConversation[], options: { reset: boolean }): void {
    if (options.reset) {
      this.seen.clear();
      this.latest.clear();
      this.highestID = '';
    }
    for (const c of conversations) {
      const seq = c.lastMessage?.seq ?? 0;
      this.seen.set(c.conversationID, Math.max(this.seen.get(c.conversationID) ?? 0, seq));
      this.latest.set(c.conversationID, seq);
      if (c.lastMessage) this.noteID(c.lastMessage.messageID);
    }
  }

  /**
   * Conversation data from an event, a sync or a call's answer. `live` data arriving while nothing
   * is held reflects what was already pushed, so a conversation first seen that way has no gap.
   */
  noteConversations(conversations: WireConversation[], options: { live: boolean }): void {
    for (const c of conversations) {
      const seq = c.lastMessage?.seq ?? 0;
      this.latest.set(c.conversationID, Math.max(this.latest.get(c.conversationID) ?? 0, seq));
      const trusted = options.live && !this.holding;
      // `Discard` conversations are never pushed: nothing there is ever delivered.
      if (c.messageRemindType === 'Discard' || (trusted && !this.seen.has(c.conversationID))) {
        this.seen.set(c.conversationID, Math.max(this.seen.get(c.conversationID) ?? 0, seq));
      }
      if (trusted && c.lastMessage) this.noteID(c.lastMessage.messageID);
    }
  }

  /** The instance's own send, as the server answered it: nothing before it is news to this tab. */
  noteSent(message: WireMessage): void {
    this.noteID(message.messageID);
  }

  /** A frame arrived: the connection was alive at this server time (ms). */
  alive(serverMs: number): void {
    this.aliveAtMs = serverMs;
  }

  /** A ready connection was lost. */
  connectionLost(): void {
    // If the previous catch-up never finished, keep its bounds: what it did not deliver is still due.
    if (!this.holding) {
      this.boundForNew = this.highestID;
      this.boundTimeMs = this.aliveAtMs;
    }
    this.holding = true;
    this.held = [];
  }

  /** A new connection is ready: hold live messages until its catch-up is done. */
  hold(): void {
    this.holding = true;
    this.held = [];
  }

  get isHolding(): boolean {
    return this.holding;
  }

  /** Live messages: held during a catch-up, else filtered for delivery. */
  live(messages: WireMessage[]): WireMessage[] {
    if (this.holding) {
      this.held.push(...messages);
      if (this.held.length > HELD_KEPT) this.held.splice(0, this.held.length - HELD_KEPT);
      return [];
    }
    return this.accept(messages);
  }

  /** The catch-up finished: the held messages, filtered, in arrival order. */
  release(): WireMessage[] {
    const held = this.held;
    this.held = [];
    this.holding = false;
    return this.accept(held);
  }

  /** Conversations with messages not delivered yet. */
  gaps(): Gap[] {
    const gaps: Gap[] = [];
    for (const [conversationID, latest] of this.latest) {
      const seen = this.seen.get(conversationID);
      if (seen !== undefined && latest <= seen) continue;
      if (seen === undefined && latest === 0) continue;
      gaps.push({ conversationID, afterSeq: seen, afterID: this.boundForNew, afterTimeMs: this.boundTimeMs });
    }
    return gaps;
  }

  /**
   * The messages fetched for a gap (oldest first, possibly newer than the gap too): those to
   * deliver, after which everything up to the newest fetched sequence counts as seen.
   */
  fill(gap: Gap, fetched: WireMessage[]): WireMessage[] {
    const fresh = fetched.filter((m) => (gap.afterSeq !== undefined ? m.seq > gap.afterSeq : isNewForGap(gap, m)));
    const newest = fetched.reduce((max, m) => Math.max(max, m.seq), this.latest.get(gap.conversationID) ?? 0);
    const delivered = this.accept(fresh);
    this.seen.set(gap.conversationID, Math.max(this.seen.get(gap.conversationID) ?? 0, newest));
    for (const m of fetched) this.noteID(m.messageID);
    return delivered;
  }

  /** A gap that cannot be fetched (the history is gone or forbidden): stop asking. */
  skip(gap: Gap): void {
    this.seen.set(gap.conversationID, Math.max(this.seen.get(gap.conversationID) ?? 0, this.latest.get(gap.conversationID) ?? 0));
  }

  clear(): void {
    this.seen.clear();
    this.latest.clear();
    this.own.clear();
    this.highestID = '';
    this.boundForNew = '';
    this.aliveAtMs = 0;
    this.boundTimeMs = 0;
    this.holding = true;
    this.held = [];
  }

  /** Drops what was delivered or skipped already; the instance's own sends count as seen. */
  private accept(messages: WireMessage[]): WireMessage[] {
    const out: WireMessage[] = [];
    for (const m of messages) {
      const seen = this.seen.get(m.conversationID);
      if (seen !== undefined && m.seq <= seen) continue;
      this.seen.set(m.conversationID, m.seq);
      this.latest.set(m.conversationID, Math.max(this.latest.get(m.conversationID) ?? 0, m.seq));
      this.noteID(m.messageID);
      if (!this.isOwn(m)) out.push(m);
    }
    return out;
  }

  private noteID(id: string): void {
    if (idAbove(id, this.highestID)) this.highestID = id;
  }
}

/** Message IDs are strings of digits: compare them as numbers of any size. */
export function idAbove(a: string, b: string): boolean {
  if (b === '') return a !== '';
  if (a.length !== b.length) return a.length > b.length;
  return a > b;
}
