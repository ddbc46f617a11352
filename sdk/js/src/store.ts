/**
 * The SDK's local conversation list: what `CONVERSATION_LIST_UPDATED` hands to the app (converted to
 * Tencent's shape on the way out; the store keeps the server's objects, whose versions it needs).
 *
 * It holds the default list only (not archived, not HIDE-marked), as the server's
 * `GET /v1/conversations` without filters does. It is fed by full loads, by
 * `conversationListUpdated` / `conversationDeleted` events and by incremental sync; `version` is the
 * highest conversation version the list is known to be complete up to, which is what the next sync
 * asks from.
 */
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
   * IDs removed since the current full load started: a page fetched before a deletion must not bring
   * the entry back when the load completes.
   */
  private removedDuringLoad = new Set<ConversationID>();

  /** Highest version seen from a load, a sync or a live event; `null` before any of them. */
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

  /** Pinned first, then newest activity first (the server's and the reference SDK's order). */
  list(): Conversation[] {
    return [...this.byID.values()].sort(compareConversations);
  }

  get(id: ConversationID): Conversation | undefined {
    return this.byID.get(id);
  }

  /**
   * Replaces the list with a full load. An entry that a live event already brought to a newer
   * version while the pages were being fetched is kept, so a load never rolls an entry back.
   */
  replaceAll(conversations: Conversation[]): void {
    const previous = new Map(this.byID);
    this.byID.clear();
    for (const loaded of conversations) {
      if (this.removedDuringLoad.has(loaded.conversationID)) continue;
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
   * leave the default list (and come back when restored / unmarked). Older versions than the one held are ignored: events and HTTP answers can cross.
   * Returns whether the list changed.
   */
  upsert(conversations: Conversation[], options: { trackVersion: boolean }): boolean {
    let changed = false;
    for (const incoming of conversations) {
      if (options.trackVersion) this.noteVersion(incoming.version);
      const held = this.byID.get(incoming.conversationID);
      if (held && held.version > incoming.version) continue;
      this.removedDuringLoad.delete(incoming.conversationID);
      if (!belongsInDefaultList(incoming)) {
        changed = this.remove([incoming.conversationID]) || changed;
      } else {
        // The same entry often arrives twice (a call's answer, then its event): not a change.
        if (!held || JSON.stringify(held) !== JSON.stringify(incoming)) changed = true;
        this.byID.set(incoming.conversationID, incoming);
      }
    }
    return changed;
  }

  /** Drops entries (deleted here, on another device, or archived). Returns whether any was held. */
  remove(ids: readonly ConversationID[]): boolean {
    let changed = false;
    for (const id of ids) {
      this.removedDuringLoad.add(id);
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
    const removed = this.remove(reply.deletedConversationIDList);
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
  }

  noteProfileVersion(version: number | undefined): void {
    if (typeof version !== 'number' || !Number.isFinite(version)) return;
    if (this.highestProfileVersion === null || version > this.highestProfileVersion) {
      this.highestProfileVersion = version;
    }
  }

  /** Live events arrive in order on a ready connection, so their versions may advance the mark. */
  noteVersion(version: number | undefined): void {
    if (typeof version !== 'number' || !Number.isFinite(version)) return;
    if (this.highestVersion === null || version > this.highestVersion) this.highestVersion = version;
  }
}

/** The HIDE mark (`TYPES.CONV_MARK_TYPE_HIDE`). */
const MARK_HIDE = 8;

/** What the server's unfiltered list shows: neither archived nor HIDE-marked. */
export function belongsInDefaultList(c: Conversation): boolean {
  if (c.isArchived) return false;
  return !(Array.isArray(c.markList) && c.markList.some((m) => Number(m) === MARK_HIDE));
}

export function compareConversations(a: Conversation, b: Conversation): number {
  if (a.isPinned !== b.isPinned) return a.isPinned ? -1 : 1;
  const ta = a.lastMessage?.time ?? 0;
  const tb = b.lastMessage?.time ?? 0;
  if (ta !== tb) return tb - ta;
  return b.version - a.version;
}
