/**
 * A list the SDK hands on whole, as Tencent's SDK sends it (GROUP_LIST_UPDATED, FRIEND_LIST_UPDATED,
 * FRIEND_APPLICATION_LIST_UPDATED, FRIEND_GROUP_LIST_UPDATED): once the SDK is ready and whenever
 * it changed. Natter's server pushes none of these lists, so each is fetched when something this
 * instance heard or did may have changed it, and handed on only when it differs from the one
 * handed on last. The rules:
 * - Nothing is fetched for an instance without a handler: most apps never listen, and every fetch
 *   is a request.
 * - Triggers close together make one fetch: one change often brings several (a conversation push
 *   and a notice; a hint to each list). A trigger while a fetch runs makes one more fetch after
 *   it, as the running one may have been answered before the change.
 * - Best effort: a failed fetch is dropped, never reaching a caller; the next trigger fetches
 *   again (a reconnect's catch-up at the latest).
 * - Nothing is emitted before SDK_READY or once the session ended (logout, a kick, destroy).
 */

/** How long a trigger waits for the ones following it before the fetch. */
const COALESCE_MS = 100;

/** What a feed needs of the SDK instance, for one list. */
export interface ListFeedSource<T> {
  /** Whether any handler listens for the list's event. */
  listened(): boolean;
  /** The list now, as the app gets it. */
  fetch(): Promise<T>;
  emit(list: T): void;
  /** Each list fetched while the session lasts, before it is compared (left out: nothing). */
  fetched?(list: T): void;
  /**
   * A list SDK_READY's fetch does not hand on (left out: it hands on whatever it finds): the
   * friend groups' `[]`, as Tencent's login fetch emits the groups only when there are some.
   */
  quietAtStart?: T;
}

/** One list, fetched when it may have changed and handed on when it did (see above). */
export class ListFeed<T> {
  /** From the session's SDK_READY until it ends: triggers before or after do nothing. */
  private active = false;
  /** Bumped when a session ends: a fetch started before drops its answer. */
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private fetching = false;
  private fetchAgain = false;
  /**
   * The list last emitted (or the source's `quietAtStart`), as compared; `null`: the next fetch
   * emits whatever it finds.
   */
  private lastEmitted: string | null = null;

  constructor(private readonly source: ListFeedSource<T>) {}

  /**
   * The session is ready (SDK_READY): emit the list once, whatever it holds (but `quietAtStart`),
   * then follow it.
   */
  start(): void {
    this.active = true;
    const quiet = this.source.quietAtStart;
    this.lastEmitted = quiet === undefined ? null : JSON.stringify(quiet);
    this.changed();
  }

  /** The session ended: forget it, and emit nothing more for it. */
  stop(): void {
    this.active = false;
    this.generation += 1;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.fetching = false;
    this.fetchAgain = false;
    this.lastEmitted = null;
  }

  /**
   * The list may have changed: a server's hint, this instance's own call, or a reconnect's
   * catch-up (what was pushed meanwhile is lost).
   */
  changed(): void {
    if (!this.active || !this.source.listened()) return;
    if (this.fetching) {
      this.fetchAgain = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.fetchAndEmit();
    }, COALESCE_MS);
  }

  private async fetchAndEmit(): Promise<void> {
    const generation = this.generation;
    this.fetching = true;
    let list: T | null;
    try {
      list = await this.source.fetch();
    } catch {
      list = null;
    }
    if (generation !== this.generation) return;
    this.fetching = false;
    if (list !== null) {
      this.source.fetched?.(list);
      const compared = JSON.stringify(list);
      if (compared !== this.lastEmitted) {
        this.lastEmitted = compared;
        this.source.emit(list);
      }
    }
    if (this.fetchAgain) {
      this.fetchAgain = false;
      this.changed();
    }
  }
}
