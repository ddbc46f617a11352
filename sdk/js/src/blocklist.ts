/**
 * The user's blocklist, as Tencent's SDK keeps it: the list itself (`getBlacklist` answers from it
 * while it is followed), and BLACKLIST_UPDATED with the whole list when it changed elsewhere.
 *
 * The server pushes the whole list (`blacklistUpdated`) to every device of the user after every
 * change: one made by another device, by the app backend, and one made by this instance too, whose
 * push (its "echo") may arrive before or after the call's own answer. The rules:
 * - The list is fetched (`GET /v1/blacklist`) at SDK_READY only when the app listens for
 *   BLACKLIST_UPDATED (then it is emitted once, an empty list too, as Tencent's login fetch is), and
 *   by `getBlacklist` when the list is not followed. From a fetch made on a live connection, an own
 *   change's answer, or any push, the list is followed: pushes keep it, and `getBlacklist` answers
 *   from it without a request. A lost connection stops following; after the reconnect's catch-up
 *   the list is fetched again if it was known or is listened for (pushes missed meanwhile).
 * - This instance's own add or remove emits nothing: its answer is the list, which the call
 *   resolves with. Pushes arriving while such a call runs wait for its answer; then, and later, a
 *   push equal to an answer is that change's echo, pushes before it are older than the change
 *   (dropped) and pushes after it newer (emitted when they differ from the list held).
 * - A push arriving while a fetch runs is at least as new as the fetch's answer, which then is
 *   set aside; a fetch answered while an own change ran is not trusted either, and is made again
 *   once the change is done.
 * - Nothing is emitted before SDK_READY or once the session ended (logout, a kick, destroy).
 */

/** What the feed needs of the SDK instance. */
export interface BlocklistSource {
  /** Whether any handler listens for BLACKLIST_UPDATED. */
  listened(): boolean;
  /** Whether a connection is up, so that every change will be pushed. */
  live(): boolean;
  /** The list now (`GET /v1/blacklist`). */
  fetch(): Promise<string[]>;
  emit(userIDList: string[]): void;
}

export class BlocklistFeed {
  /** The list as this instance knows it, in the order blocked; `null` until known. */
  private held: string[] | null = null;
  /** `held` is kept by pushes: it was set on a live connection that has not been lost since. */
  private following = false;
  /** From the session's SDK_READY until it ends: emits only then. */
  private active = false;
  /** The next list fetched is emitted even if unchanged (the one after SDK_READY). */
  private announce = false;
  /** Bumped when a session ends: work started before drops its results. */
  private generation = 0;
  /** Bumped when the connection is lost: work started before does not vouch for pushes. */
  private connection = 0;
  /** Pushes received so far (a fetch compares the count before and after). */
  private pushes = 0;
  /** Own add / remove calls started so far (likewise). */
  private started = 0;
  /** Own add / remove calls running. */
  private running = 0;
  /** Pushes received while own calls ran, oldest first, handled once they all answered. */
  private early: string[][] = [];
  /** Answers of own changes whose push has not come yet, oldest first. */
  private echoes: string[][] = [];
  /** A fetch could not be trusted: fetch again once no own call runs. */
  private refetch = false;

  constructor(private readonly source: BlocklistSource) {}

  /** The session is ready (SDK_READY): a listened list is fetched and emitted once. */
  start(): void {
    this.active = true;
    if (!this.source.listened()) return;
    this.announce = true;
    void this.refresh();
  }

  /** The session ended: forget it, and emit nothing more for it. */
  stop(): void {
    this.generation += 1;
    this.active = false;
    this.announce = false;
    this.held = null;
    this.following = false;
    this.running = 0;
    this.early = [];
    this.echoes = [];
    this.refetch = false;
  }

  /** The connection was lost: pushes may be missed, and the echoes of own changes will not come. */
  connectionLost(): void {
    this.connection += 1;
    this.following = false;
    this.echoes = [];
  }

  /** A reconnect's catch-up is done: what changed meanwhile was not pushed. */
  reconnected(): void {
    if (this.active && (this.held !== null || this.source.listened())) void this.refresh();
  }

  /** `getBlacklist`: the list held while it is followed, else the server's (which it then holds). */
  async get(): Promise<string[]> {
    if (this.following && this.held !== null && this.running === 0) return [...this.held];
    return [...(await this.fetchAndApply())];
  }

  /**
   * An own add or remove: `request` answers the whole list after it, which is held at once and
   * returned (or the newer list a push brought meanwhile). Emits nothing for the change itself.
   */
  async change(request: () => Promise<string[]>): Promise<string[]> {
    const generation = this.generation;
    const connection = this.connection;
    const live = this.source.live();
    this.started += 1;
    this.running += 1;
    let answer: string[];
    try {
      answer = await request();
    } catch (err) {
      if (generation === this.generation) this.callDone();
      throw err;
    }
    if (generation !== this.generation) return answer;
    this.held = answer;
    // The app has the list now, from this answer.
    this.announce = false;
    if (live && connection === this.connection) {
      this.following = true;
      this.echoes.push(answer);
    }
    this.callDone();
    return [...this.held];
  }

  /** A `blacklistUpdated` push: the whole list now. */
  pushed(userIDList: string[]): void {
    this.pushes += 1;
    if (this.running > 0) this.early.push(userIDList);
    else this.apply(userIDList);
  }

  private apply(list: string[]): void {
    const echo = this.echoes.findIndex((answer) => same(answer, list));
    if (echo >= 0) {
      // An own change coming back: the app has it from the call already.
      this.echoes.splice(0, echo + 1);
      if (this.echoes.length === 0) this.held = list;
      this.following = true;
      return;
    }
    // Before the push of an own change still to come: older than that change.
    if (this.echoes.length > 0) return;
    this.following = true;
    // Every push tells of a change: one to a list not known yet too.
    this.set(list, true);
  }

  /** Holds the list, and emits it when it changed (or the SDK_READY announcement is due). */
  private set(list: string[], newIfUnknown: boolean): void {
    const changed = this.held === null ? newIfUnknown : !same(this.held, list);
    this.held = list;
    if (this.active && (changed || this.announce)) {
      this.announce = false;
      this.source.emit([...list]);
    }
  }

  private callDone(): void {
    this.running -= 1;
    if (this.running > 0) return;
    for (const list of this.early.splice(0)) this.apply(list);
    if (this.refetch) {
      this.refetch = false;
      void this.refresh();
    }
  }

  /** Best effort: a failed fetch is dropped; the next reconnect, call or push brings the list. */
  private async refresh(): Promise<void> {
    try {
      await this.fetchAndApply();
    } catch {
      // see above
    }
  }

  /**
   * Fetches the list and holds it, unless something that may be newer came meanwhile: a push (the
   * newer one, then), an own change, or an own change's push still to come. Answers the list known.
   */
  private async fetchAndApply(): Promise<string[]> {
    const generation = this.generation;
    const connection = this.connection;
    const pushes = this.pushes;
    const started = this.started;
    const live = this.source.live();
    const list = await this.source.fetch();
    if (generation !== this.generation) return list;
    const stale =
      this.running > 0 ||
      started !== this.started ||
      this.echoes.length > 0 ||
      (pushes !== this.pushes && this.held !== null);
    if (stale) {
      // Not followed (or not yet announced): fetch again, once no own call runs.
      if (!this.following || this.announce) {
        if (this.running > 0) this.refetch = true;
        else void this.refresh();
      }
      return this.held ?? list;
    }
    if (live && connection === this.connection) this.following = true;
    this.set(list, false);
    return list;
  }
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
