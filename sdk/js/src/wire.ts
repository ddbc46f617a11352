/**
 * The JSON the Natter server sends and accepts on the client API and the WebSocket, as the server
 * documents it. This is the only module that declares wire shapes: everything the app sees is
 * converted from these (convert.ts) into the Tencent-shaped objects of types.ts. It is meant to be
 * replaced by types generated from the server's OpenAPI document, so keep it free of logic.
 */

/** `C2C<peerUid>`, `GROUP<groupID>` or `@TIM#SYSTEM`. */
export type WireConversationID = string;

export type WireConversationType = 'C2C' | 'GROUP' | '@TIM#SYSTEM';

export type WireRemindType = 'AcceptAndNotify' | 'AcceptNotNotify' | 'Discard';

/** A message as `POST /v1/messages`, the history and `messageReceived` carry it. */
export interface WireMessage {
  /** Digits, global and increasing. */
  messageID: string;
  /** As the reader names it (`C2C<the other user>`). */
  conversationID: WireConversationID;
  /** The channel's sequence: 1, 2, 3, … without gaps. */
  seq: number;
  from: string;
  /** Milliseconds since the epoch, server time. */
  time: number;
  /** Tencent's element type, e.g. `TIMTextElem`; `TIMCustomElem` when the sender gave none. */
  type?: string;
  payload: Record<string, unknown>;
  clientMsgID: string | null;
  /** `""` when the sender gave none. */
  cloudCustomData?: string;
  isRevoked?: boolean;
  revoker?: string | null;
  /** The sender's profile at send time; `""` until profiles exist. */
  nick?: string;
  avatar?: string;
}

/** The message summary inside a conversation. */
export interface WireLastMessage {
  messageID: string;
  seq: number;
  from: string;
  time: number;
  type?: string;
  payload: Record<string, unknown>;
  cloudCustomData?: string;
  isRevoked?: boolean;
}

export interface WireUserProfile {
  userID: string;
  nick: string;
  avatar: string;
}

export interface WireGroupProfile {
  groupID: string;
  name: string;
  avatar: string;
  type: string;
}

export interface WireConversation {
  conversationID: WireConversationID;
  type: WireConversationType;
  unreadCount: number;
  /** `null` when the user has no visible message in it. */
  lastMessage: WireLastMessage | null;
  isPinned: boolean;
  isArchived: boolean;
  messageRemindType: WireRemindType;
  /** 1 STAR, 2 UNREAD, 4 FOLD, 8 HIDE, custom 2^n (32 ≤ n < 64), lowest first. */
  markList: number[];
  conversationGroupList: string[];
  draftText: string;
  customData: string;
  /** The user's change counter at this conversation's last change. */
  version: number;
  /** C2C only, else null. */
  userProfile?: WireUserProfile | null;
  /** GROUP only, else null. */
  groupProfile?: WireGroupProfile | null;
}

/** `GET /v1/conversations`. */
export interface WireConversationPage {
  conversationList: WireConversation[];
  nextCursor: string | null;
  isFinished: boolean;
}

/** `GET /v1/conversations/sync?since=`. */
export interface WireSyncReply {
  conversationList: WireConversation[];
  deletedConversationIDList: WireConversationID[];
  version: number;
  resetRequired: boolean;
}

/** `GET /v1/conversations/{id}/messages`. */
export interface WireMessagePage {
  /** Oldest first. */
  messageList: WireMessage[];
  isCompleted: boolean;
  /** The oldest message of the page (`""` for an empty page): pass it to get the page before. */
  nextReqMessageID?: string;
}

/** `POST /v1/messages` body. */
export interface WireSendMessageRequest {
  conversationID: WireConversationID;
  type: string;
  payload: Record<string, unknown>;
  clientMsgID?: string;
  cloudCustomData?: string;
}

export interface WireSendMessageReply {
  message: WireMessage;
}

export interface WireConversationIDListReply {
  conversationIDList: WireConversationID[];
}

export interface WireTotalUnread {
  totalUnreadCount: number;
}

export interface WireFolder {
  groupName: string;
  conversationIDList: WireConversationID[];
}

/** `GET /v1/conversation-groups`. */
export interface WireFolderList {
  conversationGroupList: WireFolder[];
}

/** The error body of every 4xx / 5xx answer. */
export interface WireError {
  code: number;
  error: string;
  message?: string;
  /** Only outside `/v1/`. */
  msg?: string;
  status?: number;
}

/** Every WebSocket frame, both ways: `{"event":"ping"}` from the client, events from the server. */
export interface WireFrame {
  event: string;
  data?: unknown;
}

/** The only frame a client sends. */
export const WIRE_PING: WireFrame = { event: 'ping' };

/** `data` of each WebSocket event, by event name. */
export interface WireEventData {
  pong: { connectionID?: string };
  messageReceived: { messageList: WireMessage[] };
  conversationListUpdated: { conversationList: WireConversation[] };
  conversationDeleted: { conversationIDList: WireConversationID[]; clearHistoryMessage: boolean };
  totalUnreadMessageCountUpdated: WireTotalUnread;
  resyncRequired: { version: number };
}

/** WebSocket close codes the server uses. */
export const WIRE_CLOSE = {
  /** Idle timeout, or the server is shutting down: reconnect. */
  GOING_AWAY: 1001,
  /** A newer login of the same device subscribed (master device level). */
  REPLACED: 4001,
  /** Fell behind after `resyncRequired`: reconnect and sync. */
  RESYNC: 4002,
  /** The device's token was replaced or revoked by the app backend. */
  TOKEN_REVOKED: 4003,
  /** The app backend kicked the device. */
  KICKED: 4004,
} as const;
