/**
 * Community topics, as Tencent's (`createTopicInCommunity`, `deleteTopicFromCommunity`,
 * `updateTopicProfile`, `getTopicList`, `TOPIC_CREATED`, `TOPIC_DELETED`, `TOPIC_UPDATED`): the
 * checks its SDK makes before any request, which IDs are topics', and what the SDK holds of each
 * topic (convert.ts makes Tencent's Topic of it).
 *
 * A community created with `isSupportTopic: true` holds topics, channels of their own whose members
 * are always the community's. A topic's ID is its community's ID, `@TOPIC#_` and a suffix; messages
 * go to it as to a group (`GROUP<topicID>`). The server keeps the topics
 * (`/v1/groups/{groupID}/topics`) and tells every device of every member of the community of each
 * one made, deleted or changed (`topicCreated`, `topicDeleted`, `topicUpdated`). The user's
 * conversation of a topic is never in the conversation list, as Tencent's list never shows one: the
 * server leaves it out of the list, the sync and the unread total, and pushes it
 * (`conversationListUpdated`) only to tell the topic's unread count and last message, which the SDK
 * hands on as the topic's `TOPIC_UPDATED`.
 */
import { TYPES } from './constants.js';
import { invalidArgument } from './errors.js';
import type {
  CreateTopicInCommunityOptions,
  DeleteTopicFromCommunityOptions,
  GetTopicListOptions,
  TopicFailure,
  UpdateTopicProfileOptions,
} from './types.js';
import type {
  WireConversation,
  WireCreateTopic,
  WireTopic,
  WireTopicFailure,
  WireTopicProfileUpdate,
  WireTopicSelfInfo,
} from './wire.js';

/** What a topic's ID holds between its community's ID and its own suffix (Tencent's too). */
const TOPIC_MARK = '@TOPIC#_';

/** Whether an ID names a topic, not a group: any ID holding `@TOPIC#_`, as Tencent's tells them. */
export function isTopicID(id: string): boolean {
  return id.includes(TOPIC_MARK);
}

/** A topic's community: the part of its ID before `@TOPIC#_`. */
export function communityOf(topicID: string): string {
  return topicID.slice(0, topicID.indexOf(TOPIC_MARK));
}

/** Whether a conversation is a topic's (`GROUP<topicID>`), which is never in the conversation list. */
export function isTopicConversation(conversationID: string): boolean {
  return conversationID.startsWith(TYPES.CONV_GROUP) && isTopicID(conversationID.slice(TYPES.CONV_GROUP.length));
}

/** The topic a topic's conversation is of. */
export function topicOfConversation(conversationID: string): string {
  return conversationID.slice(TYPES.CONV_GROUP.length);
}

/**
 * createTopicInCommunity's options, checked as Tencent's checks them (a `groupID`, a `topicName`),
 * here also the optional fields' types, as the server takes them: `topicID` left out or `''`, the
 * server makes one. Refused with 40001 before any request; the server checks the rest (a `topicID`
 * of another community, a name too long).
 */
export function checkCreateTopic(options: unknown): { groupID: string; body: WireCreateTopic } {
  const o = (options ?? {}) as Partial<CreateTopicInCommunityOptions>;
  checkGroupID(o.groupID, 'createTopicInCommunity');
  if (typeof o.topicName !== 'string' || o.topicName === '') {
    throw invalidArgument("createTopicInCommunity: topicName: required, the topic's name");
  }
  checkProfileStrings(o, 'createTopicInCommunity', ['topicID', 'avatar', 'notification', 'introduction', 'customData']);
  return {
    groupID: o.groupID,
    body: {
      topicName: o.topicName,
      topicID: o.topicID || undefined,
      avatar: o.avatar,
      notification: o.notification,
      introduction: o.introduction,
      customData: o.customData,
    },
  };
}

/**
 * updateTopicProfile's options, checked as Tencent's checks them (a `groupID`, a `topicID`), here
 * also the fields' types: a `topicName` given is not empty, `muteAllMembers` a boolean. Refused
 * with 40001 before any request.
 */
export function checkUpdateTopic(options: unknown): { groupID: string; topicID: string; body: WireTopicProfileUpdate } {
  const o = (options ?? {}) as Partial<UpdateTopicProfileOptions>;
  checkGroupID(o.groupID, 'updateTopicProfile');
  checkTopicID(o.topicID, 'updateTopicProfile');
  if (o.topicName !== undefined && (typeof o.topicName !== 'string' || o.topicName === '')) {
    throw invalidArgument("updateTopicProfile: topicName: the topic's new name, a non-empty string");
  }
  checkProfileStrings(o, 'updateTopicProfile', ['avatar', 'notification', 'introduction', 'customData']);
  if (o.muteAllMembers !== undefined && typeof o.muteAllMembers !== 'boolean') {
    throw invalidArgument('updateTopicProfile: muteAllMembers: a boolean');
  }
  return {
    groupID: o.groupID,
    topicID: o.topicID,
    body: {
      topicName: o.topicName,
      avatar: o.avatar,
      notification: o.notification,
      introduction: o.introduction,
      customData: o.customData,
      muteAllMembers: o.muteAllMembers,
    },
  };
}

/**
 * getTopicList's and deleteTopicFromCommunity's options: a `groupID`, and the topics named
 * (`topicIDList`, an array of topic IDs). Left out or `[]` names every topic of the community, as
 * Tencent's reads it (its SDK sends its server `[]` for both): the server takes no list for that.
 * Refused with 40001 before any request.
 */
export function checkTopicSelection(
  options: unknown,
  call: string,
): { groupID: string; topicIDList: string[] | undefined } {
  const { groupID, topicIDList } = (options ?? {}) as Partial<GetTopicListOptions | DeleteTopicFromCommunityOptions>;
  checkGroupID(groupID, call);
  if (topicIDList === undefined || topicIDList === null) return { groupID, topicIDList: undefined };
  if (!Array.isArray(topicIDList) || topicIDList.some((id) => typeof id !== 'string' || id === '')) {
    throw invalidArgument(`${call}: topicIDList: an array of topic IDs; left out or [] for every topic`);
  }
  return { groupID, topicIDList: topicIDList.length === 0 ? undefined : [...topicIDList] };
}

/** A topic a topic call could not answer for or act on, as Tencent's `failureTopicList` entry. */
export function toTopicFailure(wire: WireTopicFailure): TopicFailure {
  return { topicID: wire.topicID, code: wire.code, message: wire.message };
}

/** One topic as the SDK holds it. */
interface HeldTopic {
  /** Its profile as last told (`null`: only its conversation was heard of so far). */
  profile: WireTopic | null;
  /** The user's conversation of it, the newest heard (`null`: none yet). */
  conversation: WireConversation | null;
  /** The user's own standing in it, as last told (`null`: not yet). */
  selfInfo: WireTopicSelfInfo | null;
}

/**
 * What the SDK holds of the topics it heard of, by topic ID: each one's profile, as a topic call
 * answered or `topicUpdated` told it, the user's conversation of it, as a call's answer or a push
 * last showed it, and the user's standing in it (their mute there, how far they read), as a call's
 * answer or a mute's tip told it: together what TOPIC_UPDATED and the topic calls' answers show.
 * Forgotten when a topic is deleted, and on logout.
 */
export class TopicMemory {
  private readonly byID = new Map<string, HeldTopic>();

  /**
   * A topic as the server gave it: its profile, the user's standing in it, and its conversation
   * when it carries one newer than the one held (`topicUpdated` carries neither conversation nor
   * standing: the held ones stay).
   */
  noteTopic(wire: WireTopic): void {
    const held = this.byID.get(wire.topicID);
    this.byID.set(wire.topicID, {
      profile: { ...wire, conversation: null, selfInfo: null },
      conversation: held?.conversation ?? null,
      selfInfo: wire.selfInfo ?? held?.selfInfo ?? null,
    });
    if (wire.conversation) this.noteConversation(wire.conversation);
  }

  /**
   * A topic's conversation, pushed or answered: held unless the one held is newer (pushes through
   * different nodes may arrive out of order).
   */
  noteConversation(conversation: WireConversation): void {
    const topicID = topicOfConversation(conversation.conversationID);
    const held = this.byID.get(topicID);
    if (held?.conversation && held.conversation.version > conversation.version) return;
    this.byID.set(topicID, { profile: held?.profile ?? null, conversation, selfInfo: held?.selfInfo ?? null });
  }

  /** The user's mute in a topic the SDK holds, as a mute's tip told it (`muteUntil` Unix seconds, 0: none). */
  noteMute(topicID: string, muteUntil: number): void {
    const held = this.byID.get(topicID);
    if (!held) return;
    held.selfInfo = { readSeq: held.selfInfo?.readSeq ?? 0, muteUntil };
  }

  /** The user's standing in the topic, as held. */
  selfInfo(topicID: string): WireTopicSelfInfo | null {
    return this.byID.get(topicID)?.selfInfo ?? null;
  }

  /** The user's conversation of the topic, as held until the server's next word: nothing unread, no mention. */
  markRead(topicID: string): void {
    const held = this.byID.get(topicID);
    if (!held?.conversation) return;
    held.conversation = { ...held.conversation, unreadCount: 0, groupAtInfoList: [] };
  }

  profile(topicID: string): WireTopic | null {
    return this.byID.get(topicID)?.profile ?? null;
  }

  /** The user's conversation of a topic, by the conversation's ID. */
  conversation(conversationID: string): WireConversation | null {
    return this.byID.get(topicOfConversation(conversationID))?.conversation ?? null;
  }

  /**
   * Whether the server's word on a topic is news to what is held: a profile that differs, or a
   * newer conversation.
   */
  isNews(wire: WireTopic): boolean {
    const held = this.byID.get(wire.topicID);
    if (!held?.profile) return true;
    const profileOf = (topic: WireTopic) => JSON.stringify({ ...topic, conversation: null, selfInfo: null });
    if (profileOf(wire) !== profileOf(held.profile)) return true;
    if (wire.selfInfo && JSON.stringify(wire.selfInfo) !== JSON.stringify(held.selfInfo)) return true;
    const conversation = wire.conversation;
    return conversation != null && (held.conversation === null || conversation.version > held.conversation.version);
  }

  /** The topics held with a profile, by their community's ID. */
  byCommunity(): Map<string, string[]> {
    const communities = new Map<string, string[]>();
    for (const [topicID, held] of this.byID) {
      if (!held.profile) continue;
      const community = communityOf(topicID);
      communities.set(community, [...(communities.get(community) ?? []), topicID]);
    }
    return communities;
  }

  forget(topicIDs: readonly string[]): void {
    for (const topicID of topicIDs) this.byID.delete(topicID);
  }

  clear(): void {
    this.byID.clear();
  }
}

function checkGroupID(groupID: unknown, call: string): asserts groupID is string {
  if (typeof groupID !== 'string' || groupID === '') throw invalidArgument(`${call}: groupID: the community's group ID`);
}

function checkTopicID(topicID: unknown, call: string): asserts topicID is string {
  if (typeof topicID !== 'string' || topicID === '') throw invalidArgument(`${call}: topicID: a topic ID`);
}

function checkProfileStrings<K extends string>(options: Partial<Record<K, unknown>>, call: string, keys: readonly K[]): void {
  for (const key of keys) {
    if (options[key] !== undefined && typeof options[key] !== 'string') throw invalidArgument(`${call}: ${key}: a string`);
  }
}
