/**
 * The SDK's local conversation list: what `CONVERSATION_LIST_UPDATED` hands to the app (converted to
 * Tencent's shape on the way out; the store keeps the server's objects, whose versions it needs).
 *
 * It holds the default list only (not archived, not HIDE-marked, no topic's conversation), as the
 * server's `GET /v1/conversations` without filters does. It is fed by full loads, by
 * `conversationListUpdated` / `conversationDeleted` events and by incremental sync; `version` is the
 * highest conversation version the list is known to be complete up to, which is what the next sync
 * asks from.
 *
 * Pushes may arrive out of version order (in a cluster they come through different nodes), and
 * calls' answers may cross them, so every change is judged by its version: an object never
 * replaces a newer one, a removal never drops an entry newer than itself, and an object at or
 * below the version at which its conversation left the list never brings it back.
 */
import { isTopicConversation } from './topics.js';
import type {
  WireConversation,
  WireConversationID,
  WireGroupProfile,
  WireSyncReply,
  WireUserProfile,
} from './wire.js';

type Conversation = WireConversation;
type ConversationID = WireConversationID;

export class ConversationStore {
  private readonly byID = new Map<ConversationID, Conversation>();
  private highestVersion: number | null = null;
  private highestProfileVersion: number | null = null;
  private loaded = false;
  /**
   * IDs removed since the current full load started, with the removal's version (`null` when the
   * removal came without one): a page fetched before the removal must not bring the entry back
   * when the load completes, while a page showing the conversation back at a newer version may.
   */
  private readonly removedDuringLoad = new Map<ConversationID, number | null>();
  /**
   * The version at which each conversation left the list (deleted here or on another device,
   * reported deleted by a sync, archived, HIDE-marked) while that version is above the mark
   * ({@link version}): a conversation object at or below it is older than the removal, a push
   * still on its way or an answer that crossed it, and must not bring the conversation back.
   *
   * An entry goes once the mark reaches its version, which keeps the map to the removals learned
   * from pushes and answers since the last load or sync, one entry per conversation. Dropping it
   * then loses nothing: the load or sync that set the mark showed the list as it was at the mark,
   * without the conversation, so {@link upsert} already turns away any object at or below the mark
   * of a conversation the list does not hold. (Dropping it without that rule would not do: a push
   * from before the removal may still arrive after the sync.)
   */
  private readonly tombstones = new Map<ConversationID, number>();

  /**
   * The mark: the highest version of a load or a sync, up to which the list is known complete
   * (pushes do not move it); `null` before the first load.
   */
  get version(): number | null {
    return this.highestVersion;
  }

  /**
   * The profile clock of the last sync (`profileVersion`): the next sync passes it as
   * `profileSince`, so conversations whose peer or group changed meanwhile come back with it.
   */
  get profileVersion(): number | null {
    return this.highestProfileVersion;
  }

  /** True once the list has been filled by a full load (so a sync can bring it up to date). */
  get isLoaded(): boolean {
    return this.loaded;
  }

  /** How many removals above the mark the list remembers (see {@link tombstones}). */
  get tombstoneCount(): number {
    return this.tombstones.size;
  }

  /** Pinned first, then newest activity first (the server's and the reference SDK's order). */
  list(): Conversation[] {
    return [...this.byID.values()].sort(compareConversations);
  }

  get(id: ConversationID): Conversation | undefined {
    return this.byID.get(id);
  }

  /**
   * Replaces the list with a full load. An entry that a live event already brought to a newer
   * version while the pages were being fetched is kept, and one removed meanwhile stays removed
   * unless the load shows it newer than the removal, so a load never rolls an entry back.
   */
  replaceAll(conversations: Conversation[]): void {
    const previous = new Map(this.byID);
    this.byID.clear();
    for (const loaded of conversations) {
      const removedAt = this.removedDuringLoad.get(loaded.conversationID);
      if (removedAt === null || (removedAt !== undefined && loaded.version <= removedAt)) continue;
      const newer = previous.get(loaded.conversationID);
      const keep = newer && newer.version > loaded.version ? newer : loaded;
      if (belongsInDefaultList(keep)) this.byID.set(keep.conversationID, keep);
      this.noteVersion(loaded.version);
    }
    this.loaded = true;
    this.removedDuringLoad.clear();
  }

  /** Call when a full load starts (see {@link removedDuringLoad}). */
  beginLoad(): void {
    this.removedDuringLoad.clear();
  }

  /**
   * Applies changed conversations (event, sync, or a call's answer). Archived and HIDE-marked ones
   * leave the default list (and come back when restored / unmarked); a topic's is passed over. An
   * object older than the entry held is ignored, and so is one of a conversation the list does not
   * hold when it is at or below the version at which the conversation left the list
   * ({@link tombstones}) or at or below the mark: the list as of the mark is complete, so the
   * conversation was not in it then.
   * `trackVersion` (a sync's objects) moves the mark; the objects are still judged by the mark
   * from before them, as another sync may already have gone past this one's snapshot.
   * Returns whether the list changed.
   */
  upsert(conversations: Conversation[], options: { trackVersion: boolean }): boolean {
    const completeUpTo = this.highestVersion;
    let changed = false;
    for (const incoming of conversations) {
      if (options.trackVersion) this.noteVersion(incoming.version);
      const id = incoming.conversationID;
      // Never listed, so never removed either: nothing of it is held or remembered.
      if (isTopicConversation(id)) continue;
      const held = this.byID.get(id);
      if (held ? held.version > incoming.version : this.leftListBy(id, incoming.version, completeUpTo)) continue;
      this.tombstones.delete(id);
      this.removedDuringLoad.delete(id);
      if (!belongsInDefaultList(incoming)) {
        changed = this.remove([id], incoming.version) || changed;
      } else {
        // The same entry often arrives twice (a call's answer, then its event): not a change.
        if (!held || JSON.stringify(held) !== JSON.stringify(incoming)) changed = true;
        this.byID.set(id, incoming);
      }
    }
    return changed;
  }

  /**
   * Drops entries: deleted (here, on another device, or as a sync reports), archived or
   * HIDE-marked. `version` is the removal's (`null` when the server's answer gave none): an entry
   * held at a newer version stays (it came back after the removal, whose news arrived late), and
   * objects at or below it do not bring the others back ({@link tombstones}).
   * Returns whether any entry was dropped.
   */
  remove(ids: readonly ConversationID[], version: number | null): boolean {
    const removedAt = typeof version === 'number' && Number.isFinite(version) ? version : null;
    let changed = false;
    for (const id of ids) {
      if (removedAt !== null) {
        const held = this.byID.get(id);
        if (held && held.version > removedAt) continue;
        if (this.highestVersion === null || removedAt > this.highestVersion) {
          this.tombstones.set(id, Math.max(removedAt, this.tombstones.get(id) ?? removedAt));
        }
      }
      this.noteRemovedDuringLoad(id, removedAt);
      changed = this.byID.delete(id) || changed;
    }
    return changed;
  }

  /** Changes one held entry locally (e.g. read → unreadCount 0) without claiming a newer version. */
  patch(id: ConversationID, change: Partial<Conversation>): boolean {
    const held = this.byID.get(id);
    if (!held) return false;
    this.byID.set(id, { ...held, ...change });
    return true;
  }

  /** Applies an incremental sync reply (not one with `resetRequired`: that needs a full load). */
  applySync(reply: WireSyncReply): boolean {
    // The reply shows the list as of its version: the conversations it reports deleted were
    // deleted at or below it.
    const removed = this.remove(reply.deletedConversationIDList, reply.version);
    const updated = this.upsert(reply.conversationList, { trackVersion: true });
    this.noteVersion(reply.version);
    this.noteProfileVersion(reply.profileVersion);
    return removed || updated;
  }

  /**
   * A `profileUpdated` event: the peers' and groups' new profiles on the held conversations, and a
   * sender's new nick on last messages. Profile changes do not bump conversation versions, so
   * this claims none. Returns whether the list changed.
   */
  applyProfiles(users: readonly WireUserProfile[], groups: readonly WireGroupProfile[]): boolean {
    const people = new Map(users.map((u) => [u.userID, u]));
    const teams = new Map(groups.map((g) => [g.groupID, g]));
    let changed = false;
    for (const [id, held] of this.byID) {
      let next = held;
      const peer = id.startsWith('C2C') ? people.get(id.slice(3)) : undefined;
      if (peer) next = { ...next, userProfile: { userID: peer.userID, nick: peer.nick, avatar: peer.avatar } };
      const team = id.startsWith('GROUP') ? teams.get(id.slice(5)) : undefined;
      if (team) next = { ...next, groupProfile: { groupID: team.groupID, name: team.name, avatar: team.avatar, type: team.type } };
      const sender = next.lastMessage ? people.get(next.lastMessage.from) : undefined;
      if (sender && next.lastMessage) next = { ...next, lastMessage: { ...next.lastMessage, nick: sender.nick } };
      if (next !== held && JSON.stringify(next) !== JSON.stringify(held)) {
        this.byID.set(id, next);
        changed = true;
      }
    }
    return changed;
  }

  /** Forgets everything (logout). */
  clear(): void {
    this.byID.clear();
    this.highestVersion = null;
    this.highestProfileVersion = null;
    this.loaded = false;
    this.removedDuringLoad.clear();
    this.tombstones.clear();
  }

  noteProfileVersion(version: number | undefined): void {
    if (typeof version !== 'number' || !Number.isFinite(version)) return;
    if (this.highestProfileVersion === null || version > this.highestProfileVersion) {
      this.highestProfileVersion = version;
    }
  }

  /**
   * Loads and syncs advance the mark (live events do not: they may arrive out of version order).
   * The tombstones it reaches go (see {@link tombstones}).
   */
  noteVersion(version: number | undefined): void {
    if (typeof version !== 'number' || !Number.isFinite(version)) return;
    if (this.highestVersion !== null && version <= this.highestVersion) return;
    this.highestVersion = version;
    for (const [id, removedAt] of this.tombstones) {
      if (removedAt <= version) this.tombstones.delete(id);
    }
  }

  /**
   * A conversation the list does not hold: whether an object of it at `version` is older than its
   * leaving the list, by its tombstone or by the mark the list was complete up to.
   */
  private leftListBy(id: ConversationID, version: number, completeUpTo: number | null): boolean {
    if (completeUpTo !== null && version <= completeUpTo) return true;
    const removedAt = this.tombstones.get(id);
    return removedAt !== undefined && version <= removedAt;
  }

  /**
   * Of several removals of one conversation during a load, keeps the one that blocks the most:
   * the newest version, or `null` (version unknown), which blocks whatever the load shows.
   */
  private noteRemovedDuringLoad(id: ConversationID, version: number | null): void {
    const earlier = this.removedDuringLoad.get(id);
    if (earlier === null) return;
    this.removedDuringLoad.set(id, version === null || earlier === undefined ? version : Math.max(earlier, version));
  }
}

/** The HIDE mark (`TYPES.CONV_MARK_TYPE_HIDE`). */
const MARK_HIDE = 8;

/** What the server's unfiltered list shows: neither archived nor HIDE-marked, nor a topic's (topics.ts). */
export function belongsInDefaultList(c: Conversation): boolean {
  if (c.isArchived || isTopicConversation(c.conversationID)) return false;
  return !(Array.isArray(c.markList) && c.markList.some((m) => Number(m) === MARK_HIDE));
}

export function compareConversations(a: Conversation, b: Conversation): number {
  if (a.isPinned !== b.isPinned) return a.isPinned ? -1 : 1;
  const ta = a.lastMessage?.time ?? 0;
  const tb = b.lastMessage?.time ?? 0;
  if (ta !== tb) return tb - ta;
  return b.version - a.version;
}
