/**
 * Wire types (API.md "Client API" and "WebSocket"). Field names are the server's, which follow the
 * Tencent Cloud Chat web SDK, so objects pass through the SDK unchanged.
 */

/** `AcceptAndNotify` | `AcceptNotNotify` | `Discard` (`TYPES.MSG_REMIND_…`). */
export type MessageRemindType = 'AcceptAndNotify' | 'AcceptNotNotify' | 'Discard';

/** `setAllMessageRead` scope (`TYPES.READ_ALL_…`). */
export type ReadAllScope = 'C2C' | 'GROUP' | 'ALL';

/** A folder ("conversation group") and its members, as `GET /v1/conversation-groups` lists it. */
export interface ConversationGroup {
  groupName: string;
  conversationIDList: ConversationID[];
}

/** Tencent's result shape for calls over several conversations; Natter is all-or-nothing. */
export interface ConversationOperationResult {
  successConversationIDList: ConversationID[];
  /** Always empty: the server applies a call to every ID or rejects it whole. */
  failureConversationIDList: { conversationID: ConversationID; code: number; message: string }[];
}

/** `C2C<peerUid>`, `GROUP<groupID>` or `@TIM#SYSTEM`. */
export type ConversationID = string;

export type ConversationType = 'C2C' | 'GROUP' | '@TIM#SYSTEM';

/** Any JSON object: the server stores a message payload as given (at most 64 KiB). */
export type JsonObject = { [key: string]: unknown };

export interface Message {
  messageID: string;
  conversationID: ConversationID;
  /** Per-conversation sequence: 1, 2, 3, … with no gaps. */
  seq: number;
  from: string;
  /** Server time, milliseconds since the epoch. */
  time: number;
  payload: JsonObject;
  clientMsgID: string | null;
}

/** The message summary inside a conversation (no `conversationID` / `clientMsgID`). */
export interface LastMessage {
  messageID: string;
  seq: number;
  from: string;
  time: number;
  payload: JsonObject;
}

export interface Conversation {
  conversationID: ConversationID;
  type: ConversationType;
  unreadCount: number;
  /** `null` when the user has no visible message in it (e.g. after clearing history). */
  lastMessage: LastMessage | null;
  /**
   * The user cleared their history up to this seq (0: never). Drop cached messages at or below
   * it, also when the clear happened while this device was away.
   */
  clearedToSeq: number;
  isPinned: boolean;
  isArchived: boolean;
  /** `AcceptAndNotify` (default), `AcceptNotNotify` or `Discard`; muted ones leave the unread total. */
  messageRemindType: MessageRemindType;
  /**
   * The marks set on it: 1 STAR, 2 UNREAD, 4 FOLD, 8 HIDE, custom 2^n (32 ≤ n < 64). Powers of two
   * are exact as JS numbers even above 2^53; `BigInt(mark)` gives the integer.
   */
  markList: number[];
  /** Names of the folders ("conversation groups") it is in. */
  conversationGroupList: string[];
  draftText: string;
  customData: string;
  /** Grows with every change this user can see; the SDK syncs from the highest one it has seen. */
  version: number;
}

/** `GET /v1/conversations/sync?since=` reply. */
export interface ConversationSyncReply {
  conversationList: Conversation[];
  deletedConversationIDList: ConversationID[];
  version: number;
  resetRequired: boolean;
}

/** `GET /v1/conversations` page. */
export interface ConversationPage {
  conversationList: Conversation[];
  nextCursor: string | null;
  isFinished: boolean;
}

/** What every SDK call resolves to, as in the reference SDK. */
export interface NatterResponse<T> {
  code: 0;
  data: T;
}

/** The server's WebSocket event names (API.md "WebSocket"). */
export const EVENT = {
  MESSAGE_RECEIVED: 'messageReceived',
  CONVERSATION_LIST_UPDATED: 'conversationListUpdated',
  CONVERSATION_DELETED: 'conversationDeleted',
  TOTAL_UNREAD_MESSAGE_COUNT_UPDATED: 'totalUnreadMessageCountUpdated',
} as const;

export type EventName = (typeof EVENT)[keyof typeof EVENT];

/** `event.data` for each event a handler can subscribe to. */
export interface EventDataMap {
  /** The server's data: the new messages. */
  messageReceived: { messageList: Message[] };
  /**
   * The SDK's whole local list (not only the changed entries), pinned first then newest activity
   * first, as the reference SDK does, so a UI can simply re-render from it.
   */
  conversationListUpdated: { conversationList: Conversation[] };
  /** The server's data: conversations deleted on another device of this user. */
  conversationDeleted: { conversationIDList: ConversationID[]; clearHistoryMessage: boolean; version: number };
  /** The server's data. */
  totalUnreadMessageCountUpdated: { totalUnreadCount: number };
}

/** What a handler receives: `{ name, data }`, as in the reference SDK. */
export interface NatterEvent<N extends EventName = EventName> {
  name: N;
  data: EventDataMap[N];
}

export type EventHandler<N extends EventName = EventName> = (event: NatterEvent<N>) => void;

/** Tencent-style constants for conversation and message types. */
export const TYPES = {
  CONV_C2C: 'C2C',
  CONV_GROUP: 'GROUP',
  CONV_SYSTEM: '@TIM#SYSTEM',
  MSG_TEXT: 'TIMTextElem',
  /** markConversation markType values; custom marks are 2^n with 32 ≤ n < 64. */
  CONV_MARK_TYPE_STAR: 1,
  CONV_MARK_TYPE_UNREAD: 2,
  CONV_MARK_TYPE_FOLD: 4,
  /** Hidden conversations leave the default list; list them with `getConversationList({ markType: 8 })`. */
  CONV_MARK_TYPE_HIDE: 8,
  /** setMessageRemindType values. */
  MSG_REMIND_ACPT_AND_NOTE: 'AcceptAndNotify',
  MSG_REMIND_ACPT_NOT_NOTE: 'AcceptNotNotify',
  MSG_REMIND_DISCARD: 'Discard',
  /** setAllMessageRead scopes. */
  READ_ALL_C2C_MSG: 'C2C',
  READ_ALL_GROUP_MSG: 'GROUP',
  READ_ALL_MSG: 'ALL',
} as const;
