/**
 * The messages this instance has handed out lately (received, sent or listed), kept for
 * findMessage, for paging on older servers, and so that a recall, a change or a delete-for-me
 * reaches the very objects the app holds: Tencent's SDK marks its own Message objects `isRevoked` /
 * `isDeleted` in place, and changes their payload in place when a member modifies them, and apps
 * rely on it.
 *
 * It also remembers which recalls, changes and deletions the app has already heard of, so each
 * reaches it once, whichever way it comes: this instance's own call, a live event, or a catch-up's
 * `messageChangeList` after a reconnect; and how far each one-to-one peer has read, so that the
 * messages this user sent there say `isPeerRead` however they reach the app.
 *
 * A message this instance sends keeps the ID it was created with, as Tencent's does (its IDs are
 * made at creation and never change): apps such as TUIKit file a message under its ID before
 * sending it and find it by that ID in every later event. The server knows the message by its own
 * ID; the cache keeps the two side by side, so that calls about the message send the server's and
 * whatever the server names by its own (pushes, sync changes, history) reaches the app under the
 * ID it holds, as the object it holds. Other instances show the server's ID; they find the message
 * by the creation ID too (every copy carries it as its client message ID), as apps that wrote it
 * into other messages (TUIKit's replies and quotes) look it up.
 */
import { TYPES } from './constants.js';
import { revokerInfo, tipSubject } from './convert.js';
import { takePeerReceipt } from './receipts.js';
import type { Message } from './types.js';

/** Messages kept for findMessage. */
const MESSAGES_KEPT = 1_000;

/** Recalls and deletions remembered as told, each. */
const CHANGES_KEPT = 2_000;

/**
 * This instance's sends whose two IDs are remembered: more than the messages kept, so a send
 * fetched again after its object was let go still shows the ID it was created with.
 */
const SENDS_KEPT = 10_000;

/** The fields a recall changes: the content is gone, and who recalled it is known. */
export interface Recall {
  revoker: string;
  payload: any;
}

/** The fields a change (modifyMessage) sets, at the message's new version. */
export type Modification = Pick<Message, 'version' | 'type' | 'payload' | 'cloudCustomData' | 'atUserList'>;

export class MessageCache {
  /** Messages by the ID the app knows them by (see {@link localID}). */
  private readonly byID = new Map<string, Message>();
  /** This instance's sends: the server's ID → the ID the message was created with. */
  private readonly sentByServerID = new Map<string, string>();
  /** This instance's sends: the ID the message was created with → the server's. */
  private readonly serverIDs = new Map<string, string>();
  /**
   * Messages other instances sent: the ID each was created with there (its client message ID,
   * which every copy carries) → the ID held here.
   */
  private readonly byCreationID = new Map<string, string>();
  /** Recalled messages the app was told of (or whose recall it made), with the recall. */
  private readonly recalled = new Map<string, Recall>();
  /** Changed messages, each as of the newest version the app was told of or handed. */
  private readonly modified = new Map<string, Modification>();
  /** Messages deleted for this user that the app was told of (or deleted itself). */
  private readonly deleted = new Map<string, true>();
  /** How far the peer of each one-to-one conversation has read (`peerReadSeq`), as last heard. */
  private readonly peerRead = new Map<string, number>();
  /** How far this user has read each conversation, as far as this instance knows. */
  private readonly read = new Map<string, number>();

  /** A message held, by either of its IDs. */
  get(id: string): Message | undefined {
    return this.byID.get(this.localID(id));
  }

  /**
   * The ID the app knows a message by: the one it was created with for this instance's sends,
   * the server's for every other message.
   */
  localID(id: string): string {
    return this.sentByServerID.get(id) ?? id;
  }

  /** The ID the server knows a message by, for a call about it. */
  serverID(id: string): string {
    return this.serverIDs.get(id) ?? id;
  }

  /**
   * A message held, by the ID the instance that sent it made (TUIKit writes that ID into the
   * replies and quotes it sends). Only for the app's lookups: another client's message number
   * could read as a server ID.
   */
  getByCreationID(creationID: string): Message | undefined {
    const id = this.byCreationID.get(creationID);
    return id === undefined ? undefined : this.byID.get(id);
  }

  /**
   * This instance sent the message (its `ID` the one it was created with); the server stored it
   * as `serverID`. A copy listed under the server's ID before the send's answer came is let go.
   */
  noteSent(message: Message, serverID: string): void {
    remember(this.sentByServerID, serverID, message.ID, SENDS_KEPT);
    remember(this.serverIDs, message.ID, serverID, SENDS_KEPT);
    this.byID.delete(serverID);
    this.remember(message);
  }

  /**
   * Keeps the message (newest last) and returns it. A message whose recall is already known is
   * marked recalled first: a held live message can be released after its own recall. A send of
   * this instance fetched again (history, a sync) is the object the app sent, brought up to date.
   * `clientMsgID`: the ID the message was created with, for a message from the server.
   */
  remember(fresh: Message, clientMsgID?: string | null): Message {
    const message = this.adopt(fresh);
    if (clientMsgID && clientMsgID !== message.ID) remember(this.byCreationID, clientMsgID, message.ID);
    const recall = this.recalled.get(message.ID);
    if (recall && !message.isRevoked) applyRecall(message, recall);
    // A change heard of before the message itself (a live message held during a catch-up), or
    // one newer than the message's copy: the app gets the message as it now is.
    const change = this.modified.get(message.ID);
    if (change && !message.isRevoked && change.version > message.version) applyModification(message, change);
    else if (message.version > (change?.version ?? 0)) remember(this.modified, message.ID, modificationOf(message));
    markPeerRead(message, this.peerRead.get(message.conversationID) ?? 0);
    markRead(message, this.read.get(message.conversationID) ?? 0);
    this.byID.delete(message.ID);
    this.byID.set(message.ID, message);
    if (this.byID.size > MESSAGES_KEPT) this.byID.delete(this.byID.keys().next().value as string);
    return message;
  }

  /**
   * The server's copy of a send of this instance (named by the server's ID) as the app knows it:
   * the object held, recalled or changed as the copy now is, its peer's read receipt taken; the
   * copy under the creation ID when none is held. Any other message as it is.
   */
  private adopt(fresh: Message): Message {
    const id = this.sentByServerID.get(fresh.ID);
    if (id === undefined) return fresh;
    fresh.ID = id;
    const held = this.byID.get(id);
    if (!held) return fresh;
    if (fresh.isRevoked && !held.isRevoked) applyRecall(held, { revoker: fresh.revoker, payload: fresh.payload });
    else if (!held.isRevoked && fresh.version > held.version) applyModification(held, fresh);
    takePeerReceipt(held, fresh);
    return held;
  }

  /** Whether the app heard of this message's recall (or made it). */
  knowsRecall(id: string): boolean {
    return this.recalled.has(this.localID(id));
  }

  /** Whether the user deleted this message for themself (here, on another device, or offline). */
  isDeleted(id: string): boolean {
    return this.deleted.has(this.localID(id));
  }

  /**
   * A recall, from any source. Marks the cached copy (or keeps the stub) and returns the message
   * to tell the app of, or null when it was told already.
   */
  noteRecall(stub: Message): Message | null {
    stub.ID = this.localID(stub.ID);
    const recall: Recall = { revoker: stub.revoker, payload: stub.payload };
    const told = this.recalled.has(stub.ID);
    remember(this.recalled, stub.ID, recall);
    const held = this.byID.get(stub.ID);
    if (held) {
      if (!held.isRevoked) applyRecall(held, recall);
    } else {
      this.remember(stub);
    }
    return told ? null : (held ?? stub);
  }

  /**
   * A change of a message (modifyMessage), from any source: `fresh` is the message as it now is.
   * Brings the held copy up to that version, or keeps `fresh` when none is held, and returns the
   * message to tell the app of; null when the app has that version already (told, listed,
   * received), and for a message recalled or deleted for this user, whose change is moot.
   */
  noteModified(fresh: Message): Message | null {
    const id = (fresh.ID = this.localID(fresh.ID));
    if (fresh.isRevoked || this.recalled.has(id) || this.deleted.has(id)) return null;
    if (fresh.version <= (this.modified.get(id)?.version ?? 0)) return null;
    remember(this.modified, id, modificationOf(fresh));
    const held = this.byID.get(id);
    if (!held) return this.remember(fresh);
    if (held.isRevoked || held.version >= fresh.version) return null;
    applyModification(held, fresh);
    return held;
  }

  /** A recall this instance is making: its echo from the server is not news. */
  noteOwnRecall(id: string, revoker: string): void {
    remember(this.recalled, this.localID(id), { revoker, payload: undefined });
  }

  /** The recall failed: a later recall of the message is news again. */
  forgetOwnRecall(id: string): void {
    const key = this.localID(id);
    const recall = this.recalled.get(key);
    if (recall && recall.payload === undefined) this.recalled.delete(key);
  }

  /**
   * Messages deleted for this user (by either ID): forgotten, and marked `isDeleted` on the objects
   * still held by the app. Returns the IDs the app had not been told of, as the app knows them.
   */
  noteDeleted(ids: readonly string[]): string[] {
    const news: string[] = [];
    for (const id of ids.map((i) => this.localID(i))) {
      if (!this.deleted.has(id)) news.push(id);
      remember(this.deleted, id, true);
      const held = this.byID.get(id);
      if (held) held.isDeleted = true;
      this.byID.delete(id);
    }
    return news;
  }

  /**
   * The peer of a one-to-one conversation has read up to `seq` (a receipt never moves back): the
   * held messages this user sent there up to it become `isPeerRead`, as Tencent's SDK marks its
   * objects. Returns those that were not before, for MESSAGE_READ_BY_PEER.
   */
  notePeerRead(conversationID: string, seq: number): Message[] {
    return this.advance(this.peerRead, conversationID, seq, markPeerRead);
  }

  /**
   * This user read the conversation up to `seq` (here, on another device, or as a list entry
   * with nothing unread showed): the held messages up to it become `isRead`, as Tencent's SDK marks
   * its objects after a read report.
   */
  noteRead(conversationID: string, seq: number): void {
    this.advance(this.read, conversationID, seq, markRead);
  }

  /**
   * Moves a conversation's read position in `positions` up to `seq` (never down) and applies
   * `mark` to its held messages; returns those `mark` changed.
   */
  private advance(
    positions: Map<string, number>,
    conversationID: string,
    seq: number,
    mark: (message: Message, seq: number) => boolean,
  ): Message[] {
    if (seq <= (positions.get(conversationID) ?? 0)) return [];
    positions.set(conversationID, seq);
    const changed: Message[] = [];
    for (const message of this.byID.values()) {
      if (message.conversationID === conversationID && mark(message, seq)) changed.push(message);
    }
    return changed;
  }

  /** The highest sequence held of each conversation `include` picks. */
  newestHeld(include: (conversationID: string) => boolean): Map<string, number> {
    const newest = new Map<string, number>();
    for (const m of this.byID.values()) {
      if (include(m.conversationID)) newest.set(m.conversationID, Math.max(newest.get(m.conversationID) ?? 0, m.sequence));
    }
    return newest;
  }

  /** A user's new nick and avatar on the messages held that show them: their own, and tips about them. */
  applyProfile(userID: string, nick: string, avatar: string): void {
    for (const message of this.byID.values()) {
      if ((tipSubject(message)?.userID ?? message.from) !== userID) continue;
      message.nick = nick;
      message.avatar = avatar;
    }
  }

  clear(): void {
    this.byID.clear();
    this.sentByServerID.clear();
    this.serverIDs.clear();
    this.byCreationID.clear();
    this.recalled.clear();
    this.modified.clear();
    this.deleted.clear();
    this.peerRead.clear();
    this.read.clear();
  }
}

/** Marks a message read if it lies at or below `seq`; true when that is news. */
function markRead(message: Message, seq: number): boolean {
  if (message.isRead || message.sequence > seq) return false;
  message.isRead = true;
  return true;
}

/** Marks a sent message read by the peer if it lies at or below `seq`; true when that is news. */
function markPeerRead(message: Message, seq: number): boolean {
  if (message.flow !== 'out' || message.status !== 'success' || message.isPeerRead || message.sequence > seq) {
    return false;
  }
  message.isPeerRead = true;
  return true;
}

/** Marks a message recalled, as the server's stub has it (the content erased). */
export function applyRecall(message: Message, recall: Recall): void {
  message.isRevoked = true;
  message.revoker = recall.revoker;
  message.revokerInfo = revokerInfo(recall.revoker, message);
  if (recall.payload !== undefined) {
    message.payload = recall.payload;
    // The mentions went with the content, as in every member's copy.
    message.atUserList = [];
  }
  message.cloudCustomData = '';
}

/**
 * What a change set on a message: its version, content and custom data. A copy: an app preparing
 * its own change edits `message.payload` in place, as Tencent's documentation shows.
 */
function modificationOf(message: Message): Modification {
  return {
    version: message.version,
    type: message.type,
    payload: structuredClone(message.payload),
    cloudCustomData: message.cloudCustomData,
    atUserList: [...message.atUserList],
  };
}

/**
 * Gives a message the content of a newer version (Tencent's SDK changes its objects so, in place):
 * the payload and its mentions, the custom data, and `isModified`.
 */
export function applyModification(message: Message, change: Modification): void {
  message.version = change.version;
  message.type = change.type;
  message.payload = structuredClone(change.payload);
  message.cloudCustomData = change.cloudCustomData;
  message.atUserList = [...change.atUserList];
  message.isModified = change.version > 0;
}

function remember<V>(map: Map<string, V>, key: string, value: V, kept = CHANGES_KEPT): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > kept) map.delete(map.keys().next().value as string);
}

/** Receivers of one targeted group message, as Tencent's SDK sends at most. */
export const MAX_TARGETED_RECEIVERS = 50;

/**
 * The receivers a message made with `receiverList` is sent to: a group message's list, cut to
 * its first {@link MAX_TARGETED_RECEIVERS} as Tencent's SDK cuts it (`cut` is then told how
 * many it had); `undefined` for an empty list or a one-to-one message, which Tencent's SDK
 * sends to everyone in the conversation. The server checks each uid.
 */
export function targetedReceivers(
  conversationType: string,
  receiverList: unknown,
  cut: (given: number) => void,
): string[] | undefined {
  if (conversationType !== TYPES.CONV_GROUP || !Array.isArray(receiverList) || receiverList.length === 0) {
    return undefined;
  }
  if (receiverList.length > MAX_TARGETED_RECEIVERS) cut(receiverList.length);
  return receiverList.slice(0, MAX_TARGETED_RECEIVERS) as string[];
}
