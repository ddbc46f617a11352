/**
 * @natter/sdk — Tencent Cloud Chat's web SDK API over a Natter server.
 *
 * ```ts
 * import TencentCloudChat from '@natter/sdk'; // or keep '@tencentcloud/chat' through an npm alias
 * const chat = TencentCloudChat.create({ SDKAppID: 0, serverUrl: 'https://chat.example.com' });
 * chat.on(TencentCloudChat.EVENT.SDK_READY, () => { … });
 * await chat.login({ userID: 'alice', userSig: deviceToken });
 * ```
 */
import { Natter } from './natter.js';

export default Natter;
export {
  Natter,
  MAX_CONVERSATIONS_PER_CALL,
  MAX_MESSAGES_PER_DELETE,
  MAX_USERS_PER_GROUP_CALL,
  MAX_USERS_PER_BLACKLIST_CALL,
  MAX_MEMBERS_PER_PROFILE_CALL,
  MAX_USERS_PER_PROFILE_CALL,
  MESSAGE_PAGE_SIZE,
  type CreateOptions,
} from './natter.js';
export { MAX_USERS_PER_FRIEND_CALL } from './friends.js';
export { MAX_USERS_PER_STATUS_QUERY, MAX_USERS_PER_STATUS_SUBSCRIPTION } from './status.js';
export { EVENT, TYPES, TSignaling, type EventName, type TypesValue, type TSignalingValue } from './constants.js';
export { NatterError, ErrorCode, type ErrorCodeValue } from './errors.js';
export { UNSUPPORTED_CALLS, UNSUPPORTED_MESSAGE_FACTORIES, UNSUPPORTED_SYNC_CALLS } from './unsupported.js';
export type * from './types.js';
export type { FetchLike } from './http.js';
export type { SocketOptions, WebSocketConstructor, WebSocketLike } from './socket.js';

/** Tencent's name for an SDK instance's type. */
export type ChatSDK = Natter;
