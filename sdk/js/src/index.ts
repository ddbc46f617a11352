/**
 * @natter/sdk — TypeScript client for the Natter IM server.
 *
 * ```ts
 * import Natter from '@natter/sdk';
 * const chat = Natter.create({ serverUrl: 'https://chat.example.com' });
 * await chat.login({ userID: 'alice', token });
 * const { data } = await chat.deleteConversation('C2Cbob');
 * ```
 */
import { Natter } from './natter.js';

export { Natter };
export default Natter;
export {
  MAX_CONVERSATIONS_PER_CALL,
  type ConversationGroupListResult,
  type ConversationListFilter,
  type MarkConversationOptions,
  type SetMessageRemindTypeOptions,
  type CreateTextMessageOptions,
  type DeleteConversationOptions,
  type GetMessageListOptions,
  type LoginOptions,
  type LoginResult,
  type NatterOptions,
  type SendMessageOptions,
  type TextMessageDraft,
} from './natter.js';
export { NatterError, ErrorCode, type ErrorCodeValue } from './errors.js';
export { EVENT, TYPES } from './types.js';
export type {
  Conversation,
  ConversationGroup,
  ConversationID,
  ConversationOperationResult,
  ConversationPage,
  ConversationSyncReply,
  ConversationType,
  EventDataMap,
  EventHandler,
  EventName,
  JsonObject,
  LastMessage,
  Message,
  MessageRemindType,
  NatterEvent,
  NatterResponse,
  ReadAllScope,
} from './types.js';
export type { FetchLike } from './http.js';
export type { SocketOptions, WebSocketConstructor, WebSocketLike } from './socket.js';
