/**
 * The public API: Tencent Cloud Chat's web SDK (v3) over Natter's client API.
 *
 * Code written for Tencent's SDK runs unchanged but for the `create()` options (a `serverUrl`) and
 * the login credential (a Natter device token as `userSig`): same method names and options, same
 * `EVENT` / `TYPES` values, `{ code: 0, data }` results, Tencent-shaped messages, conversations and
 * event payloads. What Natter does not do rejects with `ErrorCode.UNSUPPORTED` (unsupported.ts).
 *
 * This class wires the parts together: HTTP (http.ts), the reconnecting socket (socket.ts), the
 * local conversation list (store.ts), exactly-once message delivery (delivery.ts), conversion of
 * wire objects (convert.ts), the group list GROUP_LIST_UPDATED carries (group_list.ts), the
 * blocklist BLACKLIST_UPDATED carries (blocklist.ts), the friend lists FRIEND_LIST_UPDATED,
 * FRIEND_APPLICATION_LIST_UPDATED and FRIEND_GROUP_LIST_UPDATED carry (friends.ts), the files of
 * media messages and their payloads (media.ts), forwarded chat records (merger.ts), message
 * reactions (reactions.ts), message extensions (extensions.ts), read receipts of single messages
 * (receipts.ts), pinned group messages (pins.ts), group counters (counters.ts), group attributes
 * (attributes.ts), community topics (topics.ts), message search (search.ts), the searches of
 * users, groups and members (directory.ts), following (follows.ts), the option for all messages
 * (receive_option.ts), a message's offline push (offline_push.ts), signalling (signaling.ts), user
 * status (status.ts) and the handlers (emitter.ts).
 */
import {
  AttributeMemory,
  checkAttributeKeys,
  checkGroupAttributes,
  deletedKeys,
  toAttributesUpdate,
} from './attributes.js';
import { BlocklistFeed } from './blocklist.js';
import { checkCounterStep, checkGetCounters, checkSetCounters, toCounterUpdate } from './counters.js';
import { EVENT, TSignaling, TYPES, type EventName, type TSignalingValue, type TypesValue } from './constants.js';
import {
  GROUP_NOTICE,
  conversationTarget,
  conversationTypeOf,
  groupSelfRole,
  mergedList,
  seconds,
  showsEnglish,
  toConversation,
  toFriend,
  toFriendApplication,
  toFriendGroup,
  toGroup,
  toGroupApplication,
  toGroupMember,
  toMessage,
  toProfile,
  toTopic,
  type ConversationContext,
} from './convert.js';
import { Delivery, isNewForGap, isOnlineOnly, type Gap } from './delivery.js';
import { DIRECTORY_SEARCHES, directoryRequest, directorySearchError, toMembersFound, type DirectorySearchCall } from './directory.js';
import { Emitter } from './emitter.js';
import {
  ErrorCode,
  NatterError,
  TENCENT_GROUP_FULL,
  invalidArgument,
  notLoggedIn,
  tooManyConversations,
  unsupported,
  withTencentCode,
} from './errors.js';
import {
  checkExtensionKeys,
  checkExtensionMessage,
  checkExtensions,
  toExtension,
  toExtensionResult,
} from './extensions.js';
import {
  FRIEND_APPLICATION_PENDING,
  FRIEND_APPLICATION_PENDING_MESSAGE,
  acceptDirection,
  addDirection,
  applicationWay,
  checkDirection,
  checkFriendGroupName,
  checkFriendIDs,
  checkOptionalString,
  checkOptions,
  checkUserID,
  deleteDirection,
} from './friends.js';
import {
  FOLLOW_LISTS,
  MAX_USERS_PER_FOLLOW_QUESTION,
  checkFollowCursor,
  checkFollowIDs,
  checkFollowInfoIDs,
  checkFollowTypeIDs,
  followListUpdates,
  toFollowInfo,
  toFollowType,
  toFollowedUser,
} from './follows.js';
import { GroupListFeed } from './group_list.js';
import { ListFeed } from './list_feed.js';
import { HttpClient, RawJson, conversationPath, groupPath, type FetchLike, type Query } from './http.js';
import { speechToTextRequest, translateRequest } from './language.js';
import {
  MEDIA,
  applyUpload,
  audioSeconds,
  checkFile,
  checkOnProgress,
  localAudioPayload,
  localFilePayload,
  localImagePayload,
  localUrl,
  localVideoPayload,
  noFileError,
  pickFile,
  reportProgress,
  uploadFailure,
  type LocalFile,
  type MediaKind,
} from './media.js';
import { MentionTracker, checkAtUserList } from './mentions.js';
import {
  copyMerged,
  copyMerger,
  fitsInline,
  isMergedMessage,
  layersOf,
  mergedFromMessage,
  recordDocument,
  storedRecordName,
} from './merger.js';
import { MAX_TARGETED_RECEIVERS, MessageCache, applyModification, applyRecall, targetedReceivers } from './messages.js';
import { offlinePushRequest } from './offline_push.js';
import { checkPinOptions, tencentPinError, toPinner } from './pins.js';
import {
  MAX_MESSAGES_PER_REACTION_REQUEST,
  ReactionVersions,
  checkReactable,
  checkReactionID,
  checkReactionsOptions,
  chunks,
  isReactable,
  tencentReactionError,
  toReaction,
  toReactionUser,
  userPage,
} from './reactions.js';
import {
  MAX_MESSAGES_PER_RECEIPT_REQUEST,
  checkReceiptMessages,
  emptyReadReceiptInfo,
  markPeerReceipt,
  receiptMemberPage,
  setGroupCounts,
} from './receipts.js';
import { receiveOptionRequest, toReceiveOption } from './receive_option.js';
import { NewestRevisions } from './revisions.js';
import { searchError, searchRequest, searchResultList } from './search.js';
import {
  HISTORY_COUNT,
  HISTORY_WINDOW_S,
  SIGNALING_EVENTS,
  Signaling,
  type SignalData,
  isSignalingMessage,
  signalingInfo,
} from './signaling.js';
import {
  MAX_USERS_PER_STATUS_QUERY,
  MAX_USERS_PER_STATUS_SUBSCRIPTION,
  UserStatusVersions,
  checkCustomStatus,
  checkStatusUserIDs,
  checkUnsubscribeUserIDs,
  ownStatus,
  toStatusFailure,
  toUserStatus,
} from './status.js';
import {
  DEFAULT_SOCKET_OPTIONS,
  ReconnectingSocket,
  type SocketOptions,
  type WebSocketConstructor,
} from './socket.js';
import { ConversationStore } from './store.js';
import {
  TopicMemory,
  checkCreateTopic,
  checkTopicSelection,
  checkUpdateTopic,
  communityOf,
  isTopicConversation,
  toTopicFailure,
  topicOfConversation,
} from './topics.js';
import type {
  AcceptFriendApplicationOptions,
  AddFriendOptions,
  AddFriendResult,
  AddGroupMemberOptions,
  AddGroupMemberResult,
  AllReceiveMessageOpt,
  BlacklistOptions,
  ChangeGroupOwnerOptions,
  C2CMessageReadReceipt,
  ChatEvent,
  CheckFriendOptions,
  CheckFriendResult,
  ChatResponse,
  ConvertVoiceToTextOptions,
  Conversation,
  ConversationGroupMembersOptions,
  ConversationID,
  ConversationListResult,
  ConversationOperationResult,
  ConversationSyncResult,
  CreateConversationGroupOptions,
  CreateFriendGroupOptions,
  CreateFriendGroupResult,
  CreateGroupMember,
  CreateGroupOptions,
  CreateGroupResult,
  CreateTopicInCommunityOptions,
  DeleteConversationOptions,
  DeleteFriendApplicationOptions,
  DeleteFriendGroupOptions,
  DeleteFriendOptions,
  DeleteFriendResult,
  DeleteGroupAttributesOptions,
  DeleteGroupAttributesResult,
  DeleteGroupMemberOptions,
  DeleteGroupMemberResult,
  DeleteTopicFromCommunityOptions,
  DeleteTopicFromCommunityResult,
  DecreaseGroupCounterOptions,
  EventData,
  FollowListResult,
  FollowResult,
  Friend,
  FriendApplicationListResult,
  FriendGroup,
  FriendGroupFailure,
  FriendGroupMembersOptions,
  FriendGroupMembersResult,
  GetConversationListOptions,
  GetAllUserListOfMessageReactionOptions,
  GetAllUserListOfMessageReactionResult,
  GetFriendProfileOptions,
  GetFriendProfileResult,
  GetGroupAttributesOptions,
  GetGroupCountersOptions,
  GroupAttributesResult,
  GroupCountersResult,
  IncreaseGroupCounterOptions,
  GetGroupMemberListOptions,
  MarkGroupMemberListOptions,
  GetGroupMemberProfileOptions,
  GetGroupMessageReadMemberListOptions,
  GetGroupMessageReadMemberListResult,
  UpdateMyProfileOptions,
  GetGroupProfileOptions,
  CustomField,
  GetMessageListHoppingOptions,
  GetMessageListHoppingResult,
  GetMessageListOptions,
  GetMessageListResult,
  GetMessageExtensionsResult,
  GetMessageReactionsOptions,
  GetMessageReactionsResult,
  GetPinnedGroupMessageListResult,
  GetTopicListOptions,
  GetTopicListResult,
  GetUserProfileOptions,
  GetUserStatusOptions,
  GetUserStatusResult,
  Group,
  GroupApplication,
  GroupMember,
  GroupMemberChangeResult,
  GroupMessageReadReceipt,
  GroupSystemNoticePayload,
  GroupTipPayload,
  HandleGroupApplicationOptions,
  InitGroupAttributesOptions,
  InvitationHandleOptions,
  InviteInGroupOptions,
  InviteOptions,
  JoinGroupOptions,
  JoinGroupResult,
  KickedOutType,
  LoginOptions,
  LoginResult,
  MarkConversationOptions,
  MergedMessage,
  MergerPayload,
  Message,
  MemberCustomField,
  MessageExtension,
  MessageExtensionsResult,
  MessageOptions,
  MessageReactionResult,
  MessageType,
  ModifyInvitationOptions,
  NetState,
  PinConversationOptions,
  PinGroupMessageOptions,
  Profile,
  RefuseFriendApplicationOptions,
  RenameConversationGroupOptions,
  RenameFriendGroupOptions,
  SearchCloudGroupMembersOptions,
  SearchCloudGroupMembersResult,
  SearchCloudGroupsOptions,
  SearchCloudGroupsResult,
  SearchCloudMessagesOptions,
  SearchCloudMessagesResult,
  SearchCloudUsersOptions,
  SearchCloudUsersResult,
  SendMessageOptions,
  SetAllMessageReadOptions,
  SetAllReceiveMessageOptions,
  SetConversationCustomDataOptions,
  SetConversationDraftOptions,
  SetGroupAttributesOptions,
  SetGroupCountersOptions,
  SetGroupMemberCustomFieldOptions,
  SetGroupMemberMuteTimeOptions,
  SetGroupMemberNameCardOptions,
  SetGroupMemberRoleOptions,
  SetMessageReadOptions,
  SetMessageRemindTypeOptions,
  SetSelfStatusOptions,
  Signaling as SignalingInfo,
  SignalingEventName,
  SignalingResponse,
  SubscribeUserStatusOptions,
  Topic,
  TranslateTextOptions,
  UnsubscribeUserStatusOptions,
  UpdateFriendOptions,
  UpdateGroupProfileOptions,
  UpdateTopicProfileOptions,
  UserFollowInfo,
  UserFollowType,
  UserInfo,
  UserStatus,
  UserStatusSubscriptionResult,
} from './types.js';
import {
  WIRE_CLOSE,
  type WireAcceptFriendApplication,
  type WireAddFriend,
  type WireAddedFriend,
  type WireAddedGroupMembers,
  type WireBlacklist,
  type WireChangedFriendGroup,
  type WireConversation,
  type WireConversationIDListReply,
  type WireConversationPage,
  type WireCreateGroup,
  type WireDeleteConversationsReply,
  type WireDeleteExtensionsRequest,
  type WireDeletedExtensions,
  type WireDeletedFriends,
  type WireEventData,
  type WireExtensionsRequest,
  type WireFolderList,
  type WireFollowInfo,
  type WireFollowInfoList,
  type WireFollowList,
  type WireFollowQuestion,
  type WireFollowRequest,
  type WireFollowResult,
  type WireFollowResultList,
  type WireFollowType,
  type WireFollowTypeList,
  type WireFollowedUser,
  type WireFriend,
  type WireFriendApplicationList,
  type WireFriendApplicationRef,
  type WireFriendGroup,
  type WireFriendGroupList,
  type WireFriendGroupMembers,
  type WireFriendGroupName,
  type WireFriendIDList,
  type WireFriendList,
  type WireFriendRelations,
  type WireFriendUpdate,
  type WireRenameFriendGroup,
  type WireGroup,
  type WireGroupApplicationList,
  type WireGroupAttributeKeys,
  type WireGroupAttributes,
  type WireGroupAttributesChanged,
  type WireGroupAttributesRequest,
  type WireGroupCounter,
  type WireGroupCounterStep,
  type WireGroupCounters,
  type WireGroupCountersRequest,
  type WireGroupMemberSearchResult,
  type WireGroupMembersFound,
  type WireGroupSearchResult,
  type WireGroupList,
  type WireGroupMemberList,
  type WireMarkGroupMembersResult,
  type WireGroupOnlineMemberCount,
  type WireGroupMemberUpdate,
  type WireGroupProfile,
  type WireGroupProfileUpdate,
  type WireHandleGroupApplication,
  type WireJoinedGroup,
  type WireLeftGroup,
  type WireMessage,
  type WireMessageChange,
  type WireMessageExtension,
  type WireMessageExtensions,
  type WireMessageIDList,
  type WireMessagePage,
  type WireMessageReactions,
  type WireMessageReactionsList,
  type WireMessageReactionsRequest,
  type WireMessageReceipt,
  type WireMessageReceiptList,
  type WireMessageReceiptsRequest,
  type WireModifyMessageRequest,
  type WireMyProfileUpdate,
  type WirePinMessageRequest,
  type WirePinnedMessage,
  type WirePinnedMessageList,
  type WireProfile,
  type WireProfileList,
  type WireReaction,
  type WireReactionRequest,
  type WireReactionUsers,
  type WireReactionUsersRequest,
  type WireReceiptMembers,
  type WireReceiptMembersRequest,
  type WireReceiveOption,
  type WireRemovedGroupMembers,
  type WireSearchMessagesResponse,
  type WireSearchResult,
  type WireSendMessageReply,
  type WireSendMessageRequest,
  type WireSetExtensionsRequest,
  type WireSetGroupCountersRequest,
  type WireSpeechToText,
  type WireSyncReply,
  type WireDeleteTopics,
  type WireDeletedTopics,
  type WireTopic,
  type WireTopicList,
  type WireTotalUnread,
  type WireTranslatedText,
  type WireUpdatedGroupMember,
  type WireUploadedFile,
  type WireUserSearchResult,
  type WireSetSelfStatusRequest,
  type WireUserStatus,
  type WireUserStatusFailure,
  type WireUserStatusList,
  type WireUserStatusRequest,
  type WireUserStatusSubscription,
} from './wire.js';

/** The most conversation IDs one call may carry. */
export const MAX_CONVERSATIONS_PER_CALL = 100;

/** Tencent's page size for getMessageList, and the most it returns. */
export const MESSAGE_PAGE_SIZE = 15;

/** How long login waits for the first connection before resolving anyway. */
const LOGIN_SOCKET_TIMEOUT_MS = 10_000;

/** The server's answers to joinGroup, as Tencent's `TYPES.JOIN_STATUS_*`. */
const JOIN_STATUSES: ReadonlyMap<string, JoinGroupResult['status']> = new Map([
  ['JoinedSuccess', TYPES.JOIN_STATUS_SUCCESS],
  ['WaitAdminApproval', TYPES.JOIN_STATUS_WAIT_APPROVAL],
  ['AlreadyInGroup', TYPES.JOIN_STATUS_ALREADY_IN_GROUP],
]);

/** The group system notices after which the user is in the group no more. */
const GROUP_NOTICE_ENDINGS: ReadonlySet<number> = new Set([
  GROUP_NOTICE.REMOVED,
  GROUP_NOTICE.DISMISSED,
  GROUP_NOTICE.QUIT,
]);

/** The group system notices that give the user a role in the group: theirs from then on. */
const GROUP_NOTICE_ROLES: ReadonlyMap<number, string> = new Map([
  [GROUP_NOTICE.APPROVED, TYPES.GRP_MBR_ROLE_MEMBER],
  [GROUP_NOTICE.ADMIN_SET, TYPES.GRP_MBR_ROLE_ADMIN],
  [GROUP_NOTICE.ADMIN_CANCELED, TYPES.GRP_MBR_ROLE_MEMBER],
]);

/** The group tips that give the members they name a role: theirs from then on. */
const GROUP_TIP_ROLES: ReadonlyMap<number, string> = new Map([
  [TYPES.GRP_TIP_MBR_SET_ADMIN, TYPES.GRP_MBR_ROLE_ADMIN],
  [TYPES.GRP_TIP_MBR_CANCELED_ADMIN, TYPES.GRP_MBR_ROLE_MEMBER],
]);

/** The roles setGroupMemberRole gives, as Tencent's (the owner is made by changeGroupOwner). */
const ASSIGNABLE_ROLES: ReadonlySet<unknown> = new Set([TYPES.GRP_MBR_ROLE_ADMIN, TYPES.GRP_MBR_ROLE_MEMBER]);

/** handleGroupApplication's answers, as Tencent's (and the server's). */
const HANDLE_ACTIONS: ReadonlySet<unknown> = new Set(['Agree', 'Reject']);

/**
 * The modules of Tencent's SDK whose calls Natter offers (callExperimentalAPI's `canIUseModule`):
 * groups (group counters and attributes too), friends, cloud search (messages, users, groups and
 * members), following and signalling.
 */
const AVAILABLE_MODULES: ReadonlySet<unknown> = new Set([
  'group-module',
  'relationship-module',
  'cloud-search-module',
  'follow-module',
  'signaling-module',
]);

/** Who may add a user as a friend (`TYPES.ALLOW_TYPE_*`, updateMyProfile's `allowType`). */
const ALLOW_TYPES: ReadonlySet<unknown> = new Set([
  TYPES.ALLOW_TYPE_ALLOW_ANY,
  TYPES.ALLOW_TYPE_NEED_CONFIRM,
  TYPES.ALLOW_TYPE_DENY_ANY,
]);

/** A user's gender, as Tencent's `TYPES.GENDER_*`. */
const GENDERS: ReadonlySet<unknown> = new Set([TYPES.GENDER_UNKNOWN, TYPES.GENDER_FEMALE, TYPES.GENDER_MALE]);

/** `Natter.VERSION`: the package's version (a test keeps the two equal). */
const SDK_VERSION = '0.1.0';

/**
 * The bits of Tencent's paid features (`isCommercialAbilityEnabled`'s, its SDK's `canIUse`, which
 * its message extension, group counter and follow calls check before anything else) that Natter
 * has: user status (2^7, Tencent's `USER_STATUS`), message extensions (2^13, `MSG_EXT`), group
 * counters (2^15, `GRP_COUNTER`), the cloud search plugin (2^40, `PLUGIN_CS`: messages, users,
 * groups and members), message reactions (2^48, `MSG_REACTION`) and following (2^52, `FOLLOW`).
 */
const COMMERCIAL_FEATURES = (1n << 7n) | (1n << 13n) | (1n << 15n) | (1n << 40n) | (1n << 48n) | (1n << 52n);

/** The most messages one deleteMessage call may carry (Tencent's limit, and the server's). */
export const MAX_MESSAGES_PER_DELETE = 30;

/** The most users one getUserProfile call may ask for (the server's limit). */
export const MAX_USERS_PER_PROFILE_CALL = 100;

/**
 * The most users one addGroupMember or deleteGroupMember call, or createGroup's memberList, may
 * name (Tencent's limit, and the server's).
 */
export const MAX_USERS_PER_GROUP_CALL = 500;

/** The most users one addToBlacklist or removeFromBlacklist call may name (Tencent's limit, the server's). */
export const MAX_USERS_PER_BLACKLIST_CALL = 1000;

/** The most members one getGroupMemberProfile call asks for (Tencent's limit, and the server's). */
export const MAX_MEMBERS_PER_PROFILE_CALL = 50;

/** The most members one getGroupMemberList page holds (Tencent's limit, and the server's). */
const MAX_MEMBERS_PER_PAGE = 100;

/**
 * How long a token refused over HTTP waits for the WebSocket's close code, which names the reason
 * (the server sends both at once; either may arrive first).
 */
const KICK_REASON_WAIT_MS = 1_000;

/** Close codes that end the session: the device was replaced, its token revoked, or it was kicked. */
const KICKS: ReadonlyMap<number, KickedOutType> = new Map<number, KickedOutType>([
  [WIRE_CLOSE.REPLACED, TYPES.KICKED_OUT_MULT_ACCOUNT],
  [WIRE_CLOSE.TOKEN_REVOKED, TYPES.KICKED_OUT_USERSIG_EXPIRED],
  [WIRE_CLOSE.KICKED, TYPES.KICKED_OUT_REST_API],
]);

/** The least `markType` of markGroupMemberList (smaller numbers are Tencent's own), and the users one call marks at most. */
const MIN_MEMBER_MARK = 1000;
const MAX_MARKED_PER_CALL = 500;

/** The member roles getGroupMemberList filters by, as Tencent's. */
const GROUP_MEMBER_ROLES: ReadonlySet<unknown> = new Set([
  TYPES.GRP_MBR_ROLE_OWNER,
  TYPES.GRP_MBR_ROLE_ADMIN,
  TYPES.GRP_MBR_ROLE_MEMBER,
  TYPES.GRP_MBR_ROLE_CUSTOM,
]);

/** The group types a user may create: Tencent's work, public and meeting groups. */
const CREATABLE_GROUP_TYPES: ReadonlySet<unknown> = new Set([
  TYPES.GRP_WORK,
  TYPES.GRP_PUBLIC,
  TYPES.GRP_MEETING,
  TYPES.GRP_AVCHATROOM,
  TYPES.GRP_COMMUNITY,
]);

/** How a group takes users who ask to join (`TYPES.JOIN_OPTIONS_*`). */
const JOIN_OPTIONS: ReadonlySet<unknown> = new Set([
  TYPES.JOIN_OPTIONS_FREE_ACCESS,
  TYPES.JOIN_OPTIONS_NEED_PERMISSION,
  TYPES.JOIN_OPTIONS_DISABLE_APPLY,
]);

/** Tencent's setAllMessageRead scopes → the server's. */
const READ_ALL_SCOPES: Readonly<Record<string, string>> = {
  [TYPES.READ_ALL_C2C_MSG]: 'C2C',
  [TYPES.READ_ALL_GROUP_MSG]: 'GROUP',
  [TYPES.READ_ALL_MSG]: 'ALL',
};

const LIST_TYPES = new Set<string>([TYPES.CONV_C2C, TYPES.CONV_GROUP, TYPES.CONV_SYSTEM]);

/**
 * Message types sendMessage takes: those whose payload is plain JSON, the media messages, whose
 * file it uploads first, and chat records, stored first when large (tips and notices are the
 * server's only).
 */
const SENDABLE_TYPES = new Set<string>([
  TYPES.MSG_TEXT,
  TYPES.MSG_CUSTOM,
  TYPES.MSG_FACE,
  TYPES.MSG_LOCATION,
  TYPES.MSG_IMAGE,
  TYPES.MSG_FILE,
  TYPES.MSG_AUDIO,
  TYPES.MSG_VIDEO,
  TYPES.MSG_MERGER,
]);

/** The types only the server writes: neither forwarded nor sent. */
const SERVER_ONLY_TYPES = new Set<string>([TYPES.MSG_GRP_TIP, TYPES.MSG_GRP_SYS_NOTICE]);

/**
 * Message types whose payload modifyMessage changes, as Tencent's (and the server's); the others
 * point at files, and change only their cloudCustomData.
 */
/**
 * modifyMessage's rejections that say Tencent's number rather than the server's: apps written to
 * Tencent's SDK branch on these (TUIKit retries a reply or reaction on 2480 only).
 */
const TENCENT_MODIFY_CODES: Readonly<Record<number, number>> = {
  [ErrorCode.CONFLICT]: ErrorCode.MSG_MODIFY_CONFLICT,
  [ErrorCode.NOT_FOUND]: ErrorCode.MSG_NOT_FOUND,
};

const MODIFIABLE_TYPES = new Set<string>([TYPES.MSG_TEXT, TYPES.MSG_CUSTOM, TYPES.MSG_LOCATION, TYPES.MSG_FACE]);

/** A one-message history page's refusals that mean the user cannot read the message (any more). */
const UNREADABLE = [40002, 40301, 40302, 40401];

export interface CreateOptions {
  /**
   * Tencent's app ID. Natter has no use for it but keeps Tencent's rule: `create()` returns the same
   * instance for the same SDKAppID (0 when omitted). Its decimal text is taken too, as Tencent's.
   */
  SDKAppID?: number | string;
  /** `http://host:port` or `https://…`, optionally with a path prefix; the socket uses ws(s) on it. */
  serverUrl: string;
  /**
   * WebSocket constructor. Defaults to `globalThis.WebSocket` (browsers, Deno, Node ≥ 22); on
   * Node 20 pass `WebSocket` from the `ws` package. Without one the SDK works over HTTP only (no
   * live events).
   */
  WebSocket?: WebSocketConstructor;
  /** fetch implementation; defaults to `globalThis.fetch`. */
  fetch?: FetchLike;
  /** Keep-alive and backoff tuning (defaults: ping 25 s, backoff 500 ms → 10 s). */
  socket?: Partial<SocketOptions>;
}

/** Instances by SDKAppID, as Tencent's `create()` keeps them. */
const instances = new Map<number, Natter>();

export class Natter {
  static readonly EVENT = EVENT;
  static readonly TYPES = TYPES;
  static readonly TSignaling = TSignaling;
  /** This SDK's version (Tencent's gives its own the same way). */
  static readonly VERSION = SDK_VERSION;
  readonly EVENT = EVENT;
  readonly TYPES = TYPES;
  readonly TSignaling = TSignaling;

  readonly SDKAppID: number;
  readonly serverUrl: string;
  private readonly http: HttpClient;
  private readonly store = new ConversationStore();
  private readonly delivery = new Delivery();
  private readonly emitter = new Emitter();
  /**
   * Each group a group call answered for (getGroupList, which the group list feed runs,
   * getGroupProfile, createGroup, joinGroup, getConversationProfile of a group without messages,
   * …), by group ID, as it last answered: what a group conversation's `groupProfile` shows beyond
   * the conversation's name, avatar and type, as Tencent's conversation shows the group its SDK
   * holds; and whether a group is an AVChatRoom, where no read receipts are asked for, when the
   * SDK holds no conversation of it. A group left off the group list stays as it was last seen.
   */
  private readonly heldGroups = new Map<string, WireGroup>();
  /**
   * The user's role in each group the SDK holds, by group ID, as the group calls last answered
   * (getGroupList replaces it whole) or a group tip or notice since said: a group conversation's
   * `groupProfile.selfInfo.role`, which the conversation itself does not say. Forgotten when the
   * user leaves, is removed, or the group is dismissed.
   */
  private readonly groupRoles = new Map<string, string>();
  /**
   * Whether each group the SDK has heard of is muted for all (`muteAllMembers`), as a group call
   * last answered or a profile tip delivered since said: a group conversation's
   * `groupProfile.muteAllMembers`, which the conversation itself does not say.
   */
  private readonly groupMutes = new Map<string, boolean>();
  /**
   * GROUP_LIST_UPDATED: the group list, fetched when it may have changed (group_list.ts); also for
   * an app that shows conversations, whose group conversations show the groups it holds.
   */
  private readonly groupListFeed = new GroupListFeed({
    listened: () => this.emitter.has(EVENT.GROUP_LIST_UPDATED) || this.emitter.has(EVENT.CONVERSATION_LIST_UPDATED),
    followed: () => this.emitter.has(EVENT.GROUP_LIST_UPDATED),
    fetch: async () => (await this.getGroupList()).data.groupList,
    emit: (groupList) => this.emit(EVENT.GROUP_LIST_UPDATED, groupList),
  });
  /** BLACKLIST_UPDATED and getBlacklist: the blocklist, kept by the server's pushes (blocklist.ts). */
  private readonly blocklist = new BlocklistFeed({
    listened: () => this.emitter.has(EVENT.BLACKLIST_UPDATED),
    live: () => this.netState === TYPES.NET_STATE_CONNECTED,
    fetch: async () => (await this.http.get<WireBlacklist>('/v1/blacklist')).userIDList,
    emit: (userIDList) => this.emit(EVENT.BLACKLIST_UPDATED, userIDList),
  });
  /**
   * The names the user gives their friends (`remark`), by userID, from the friend list last
   * fetched: a one-to-one conversation's `remark`, as Tencent's conversation shows it.
   */
  private friendRemarks: ReadonlyMap<string, string> = new Map();
  /**
   * FRIEND_LIST_UPDATED: the friend list, fetched on the server's hints (friends.ts); also for an
   * app that shows conversations, whose one-to-one conversations carry the friends' remarks.
   */
  private readonly friendListFeed = new ListFeed<Friend[]>({
    listened: () => this.emitter.has(EVENT.FRIEND_LIST_UPDATED) || this.emitter.has(EVENT.CONVERSATION_LIST_UPDATED),
    fetch: async () => (await this.getFriendList()).data,
    fetched: (friendList) => this.noteFriendRemarks(friendList),
    emit: (friendList) => this.emit(EVENT.FRIEND_LIST_UPDATED, friendList),
  });
  /** FRIEND_APPLICATION_LIST_UPDATED: the friend requests, fetched on the server's hints (friends.ts). */
  private readonly friendApplicationFeed = new ListFeed<FriendApplicationListResult>({
    listened: () => this.emitter.has(EVENT.FRIEND_APPLICATION_LIST_UPDATED),
    fetch: async () => (await this.getFriendApplicationList()).data,
    emit: (applications) => this.emit(EVENT.FRIEND_APPLICATION_LIST_UPDATED, applications),
  });
  /** FRIEND_GROUP_LIST_UPDATED: the friend groups, fetched on the server's hints (friends.ts). */
  private readonly friendGroupFeed = new ListFeed<FriendGroup[]>({
    listened: () => this.emitter.has(EVENT.FRIEND_GROUP_LIST_UPDATED),
    fetch: async () => (await this.getFriendGroupList()).data,
    emit: (friendGroupList) => this.emit(EVENT.FRIEND_GROUP_LIST_UPDATED, friendGroupList),
    quietAtStart: [],
  });
  private readonly wsUrl: string;
  private readonly WebSocketImpl: WebSocketConstructor | undefined;
  private readonly socketOptions: SocketOptions;
  private socket: ReconnectingSocket | null = null;
  private userID: string | null = null;
  private token: string | null = null;
  /** Set once login has checked the token: from then on a 401 means the device was logged out. */
  private loggedIn = false;
  private ready = false;
  private destroyed = false;
  private netState: NetState | null = null;
  /** A connection attempt failed since the last connection was up (see onSocketConnecting). */
  private attemptFailed = false;
  private totalUnread = 0;
  /**
   * The user's version the held total was taken at: an answer of `GET /v1/unread` and a push
   * may cross, and the total of the lower version is the older one.
   */
  private totalVersion = -1;
  /** Messages seen lately (findMessage, paging on older servers), and the recalls and deletions told. */
  private readonly cache = new MessageCache();
  private readonly reactionVersions = new ReactionVersions();
  /** The statuses of users this instance heard of, by version (status.ts). */
  private readonly userStatuses = new UserStatusVersions();
  /**
   * The user's own custom status, as Tencent's SDK remembers it (getUserStatus answers the user
   * from it): fetched at login and after each reconnect, set by setSelfStatus, and followed by the
   * pushes of the user's own status. `''` until known.
   */
  private customStatus = '';
  /**
   * Whether the SDK has heard the user's own status since login (the first fetch answered or
   * failed, or setSelfStatus answered): before that, pushes of it only teach it, as Tencent's
   * login answer does, and tell the app nothing.
   */
  private ownStatusKnown = false;
  /** Tencent's log level (setLogLevel): 0–4, warnings shown below 3. */
  private logLevel = 0;
  /**
   * The file of each media message this instance created, until it is uploaded: sendMessage (and
   * resendMessage after a failed upload) uploads it, once, before sending the message. Held by
   * the message object, so a message the app drops takes its file along.
   */
  private readonly uploads = new WeakMap<Message, PendingUpload>();
  /**
   * The `downloadKey` of each chat record this instance stored for a send, so a retry of the send
   * sends the same record rather than storing it again. Held by the message object, as `uploads`.
   */
  private readonly storedRecords = new WeakMap<Message, string>();
  /**
   * The receivers of each targeted group message made here (`receiverList`), which Tencent's
   * SDK keeps on the message object out of the app's sight.
   */
  private readonly receiverLists = new WeakMap<Message, string[]>();
  /** @-mentions of pushed messages, for the conversations pushed with them (mentions.ts). */
  private readonly mentions = new MentionTracker();
  /**
   * The attributes of each group as this instance last heard them whole (attributes.ts): what
   * deleteGroupAttributes reads the keys it deleted from, as Tencent's reads them from its cache.
   */
  private readonly attributes = new AttributeMemory();
  /** The newest change told of each group's attributes and counters (revisions.ts). */
  private readonly newestShared = new NewestRevisions();
  /** The topics this instance heard of: their profiles, and the user's conversations of them (topics.ts). */
  private readonly topics = new TopicMemory();
  /** The topics whose profile is being asked for (see fetchTopicProfile). */
  private readonly topicProfilesAsked = new Set<string>();
  /** The invitations this instance sent and received, and their timers (signaling.ts). */
  private readonly signaling = new Signaling({
    me: () => this.userID,
    now: () => this.http.serverNow(),
    listened: () => SIGNALING_EVENTS.some((name) => this.emitter.has(name)),
    send: (to, signal, options) => {
      // As Tencent's SDK makes each signalling message: a custom message, high priority.
      const message = this.createCustomMessage({
        to,
        conversationType: signal.groupID === '' ? TYPES.CONV_C2C : TYPES.CONV_GROUP,
        priority: TYPES.MSG_PRIORITY_HIGH,
        payload: { data: JSON.stringify(signal) },
      });
      return this.sendMessage(message, {
        onlineUserOnly: options.onlineUserOnly || undefined,
        offlinePushInfo: options.offlinePushInfo as SendMessageOptions['offlinePushInfo'],
        // As Tencent's: a marked signal is kept from the unread count and the last message.
        messageControlInfo: {
          excludedFromUnreadCount: excludedFromHistory(signal),
          excludedFromLastMessage: excludedFromHistory(signal),
        },
      });
    },
    modify: (message) => this.modifyMessage(message),
    emit: (name, data) => this.emit(name, data),
  });
  /** Whether the server pages history by `nextReqMessageID` (learnt from its first answer). */
  private serverPagesByID: boolean | undefined;
  /**
   * Where the last getMessageListHopping page by time ended, by direction and conversation: its
   * `nextMessageTime` and the message at that end. Passing that time back goes on right after the
   * page, as Tencent's SDK keeps its message key for it, instead of repeating that second.
   */
  private readonly hoppingEnds = new Map<string, { time: number; sequence: number }>();
  /** The running unfiltered list load, shared by concurrent callers. */
  private loading: Promise<WireConversation[]> | null = null;
  /** Catch-ups run one at a time; a request during one is folded into one more run. */
  private catchUpRunning: Promise<void> | null = null;
  private catchUpAgain = false;
  /** The version to sync from, kept until a catch-up from it succeeds. */
  private pendingFrom: number | undefined;
  /** Whether this session's first full sync is done (the list is loaded, delivery seeded). */
  private seeded = false;
  private resyncReason: 'resyncRequired' | 'resetRequired' | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Set while a refused token waits for the socket's reason (onTokenRefused). */
  private refusalTimer: ReturnType<typeof setTimeout> | null = null;
  private retryDelayMs = 1_000;
  private probing = false;
  /** Bumped by login/logout so work started for an older session drops its results. */
  private session = 0;

  /**
   * The SDK instance for `options.SDKAppID` (0 when omitted): created on the first call, the same one
   * afterwards, as Tencent's `TencentCloudChat.create()` does. Nothing is sent until {@link login}.
   * Asking for an existing SDKAppID with another `serverUrl` throws.
   */
  static create(options: CreateOptions): Natter {
    if (!options || typeof options.serverUrl !== 'string' || options.serverUrl === '') {
      throw invalidArgument('serverUrl: required, e.g. "http://127.0.0.1:5001"');
    }
    // A number, or its decimal text, as Tencent's create() takes it.
    const given: unknown = options.SDKAppID ?? 0;
    const id = typeof given === 'string' && /^\d+$/.test(given) ? Number(given) : given;
    if (typeof id !== 'number' || !Number.isFinite(id)) throw invalidArgument('SDKAppID: a number');
    const existing = instances.get(id);
    if (existing) {
      if (existing.serverUrl !== normalizeUrl(options.serverUrl)) {
        throw invalidArgument(
          `SDKAppID ${id}: an instance for ${existing.serverUrl} exists; destroy() it first or use another SDKAppID`,
        );
      }
      return existing;
    }
    const chat = new Natter(id, options);
    instances.set(id, chat);
    return chat;
  }

  private constructor(SDKAppID: number, options: CreateOptions) {
    this.SDKAppID = SDKAppID;
    this.serverUrl = normalizeUrl(options.serverUrl);
    const fetchImpl =
      options.fetch ?? ((input: string, init?: RequestInit) => globalThis.fetch(input, init));
    // An app's own fetch carries the uploads too (no XMLHttpRequest behind its back).
    this.http = new HttpClient(this.serverUrl, fetchImpl, options.fetch === undefined);
    this.http.onUnauthenticated = (token) => this.onTokenRefused(token);
    this.wsUrl = this.serverUrl.replace(/^http(s?):\/\//i, 'ws$1://') + '/v1/ws';
    this.WebSocketImpl =
      options.WebSocket ??
      ((globalThis as { WebSocket?: unknown }).WebSocket as WebSocketConstructor | undefined);
    this.socketOptions = { ...DEFAULT_SOCKET_OPTIONS, ...options.socket };
  }

  // ---------------------------------------------------------------- session

  /**
   * Logs in with the device token the app backend issued, passed as `userSig` (or `token`). Checks
   * the token (`GET /v1/unread`), opens the WebSocket and resolves `{ repeatLogin }` once the socket
   * answered (or, if it cannot connect, after 10 s while it keeps trying). SDK_READY follows once
   * the conversation list is synced. Rejects with 40101 for a token the server does not know.
   */
  async login(options: LoginOptions): Promise<ChatResponse<LoginResult>> {
    if (this.destroyed) throw invalidArgument('this instance was destroyed: create() a new one');
    const o = (options ?? {}) as Partial<{ userID: unknown; userSig: unknown; token: unknown }>;
    const userID = o.userID;
    const credential = typeof o.userSig === 'string' && o.userSig !== '' ? o.userSig : o.token;
    if (typeof userID !== 'string' || userID === '') throw invalidArgument('userID: required');
    if (typeof credential !== 'string' || credential === '') {
      throw invalidArgument("userSig: required (the device token from the app backend's POST /user/token)");
    }
    if (this.userID === userID && this.token === credential) {
      return ok({ repeatLogin: true, errorInfo: `${userID} is already logged in on this instance` });
    }
    if (this.userID !== null) this.endSession({ kind: 'logout' });

    const session = ++this.session;
    this.userID = userID;
    this.token = credential;
    this.http.setToken(credential);
    try {
      const [, profile] = await Promise.all([
        this.fetchTotalUnreadMessageCount(),
        this.http.get<WireProfile>('/v1/profile'),
      ]);
      // A userSig is bound to its user, as Tencent's is: a typo in userID must not log in as
      // somebody else's name, with the user's own messages then shown as the peer's.
      if (profile.userID !== userID) {
        throw new NatterError({
          code: ErrorCode.UNAUTHENTICATED,
          error: 'unauthenticated',
          message: `userID: the userSig belongs to user "${profile.userID}", not "${userID}"`,
        });
      }
    } catch (err) {
      // As Tencent's login fails when it cannot reach the service: a token that was never checked
      // (the server down, or answering 503) must not look logged in, or a mistyped userSig would
      // only show itself later as a kick.
      if (session === this.session) this.endSession({ kind: 'silent' });
      throw err;
    }
    if (session !== this.session) throw notLoggedIn(); // logged out meanwhile
    this.loggedIn = true;
    // The user's own custom status, which Tencent's login answer carries: asked beside the
    // socket, and not waited for.
    this.fetchOwnStatus(session);

    if (this.WebSocketImpl) {
      const url = `${this.wsUrl}?token=${encodeURIComponent(credential)}`;
      this.socket = new ReconnectingSocket(
        url,
        this.WebSocketImpl,
        {
          onConnecting: () => this.onSocketConnecting(session),
          onReady: (pong) => this.onSocketReady(session, pong),
          onEvent: (name, data) => this.onServerEvent(session, name, data),
          onAlive: () => {
            if (session === this.session) this.delivery.alive(this.http.serverNow());
          },
          onLost: (info) => this.onSocketLost(session, info.wasReady),
          onTerminated: (code) => this.onSocketTerminated(session, code),
        },
        this.socketOptions,
        new Set(KICKS.keys()),
      );
      await withTimeout(this.socket.start(), LOGIN_SOCKET_TIMEOUT_MS, false);
    } else {
      // HTTP only: no live events, but the list and SDK_READY work the same.
      this.requestCatchUp(session);
    }
    return ok({ repeatLogin: false });
  }

  /** Closes the socket and forgets the session; emits SDK_NOT_READY. Handlers stay registered. */
  async logout(): Promise<ChatResponse<{}>> {
    if (this.userID !== null) this.endSession({ kind: 'logout' });
    return ok({});
  }

  /** Logs out, drops every handler, and frees the SDKAppID for a new `create()`. */
  async destroy(): Promise<ChatResponse<{}>> {
    await this.logout();
    this.emit(EVENT.SDK_DESTROY, { SDKAppID: this.SDKAppID });
    this.emitter.clear();
    this.destroyed = true;
    if (instances.get(this.SDKAppID) === this) instances.delete(this.SDKAppID);
    return ok({});
  }

  private endSession(how: { kind: 'logout' | 'silent' } | { kind: 'kicked'; type: KickedOutType }): void {
    const wasLoggedIn = this.loggedIn;
    this.session += 1;
    this.socket?.stop();
    this.socket = null;
    this.userID = null;
    this.token = null;
    this.loggedIn = false;
    this.ready = false;
    this.netState = null;
    this.attemptFailed = false;
    this.http.setToken(null);
    this.http.setConnectionID(null);
    this.store.clear();
    this.delivery.clear();
    this.cache.clear();
    this.reactionVersions.clear();
    this.userStatuses.clear();
    this.customStatus = '';
    this.ownStatusKnown = false;
    this.hoppingEnds.clear();
    this.mentions.clear();
    this.attributes.clear();
    this.newestShared.clear();
    this.topics.clear();
    this.topicProfilesAsked.clear();
    this.signaling.clear();
    this.groupListFeed.stop();
    this.heldGroups.clear();
    this.groupRoles.clear();
    this.groupMutes.clear();
    this.blocklist.stop();
    this.friendListFeed.stop();
    this.friendRemarks = new Map();
    this.friendApplicationFeed.stop();
    this.friendGroupFeed.stop();
    this.loading = null;
    this.catchUpRunning = null;
    this.catchUpAgain = false;
    this.pendingFrom = undefined;
    this.seeded = false;
    this.resyncReason = null;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.refusalTimer) clearTimeout(this.refusalTimer);
    this.refusalTimer = null;
    this.retryDelayMs = 1_000;
    this.totalUnread = 0;
    this.totalVersion = -1;
    if (how.kind === 'kicked') this.emit(EVENT.KICKED_OUT, { type: how.type });
    if (wasLoggedIn && how.kind !== 'silent') this.emit(EVENT.SDK_NOT_READY, undefined);
  }

  /** The logged-in user, or `''`, as Tencent's. */
  getLoginUser(): string {
    return this.userID ?? '';
  }

  /** True from SDK_READY until logout or a kick. */
  isReady(): boolean {
    return this.ready;
  }

  /** The server's clock in seconds (learnt from its answers; the local clock before any). */
  getServerTime(): number {
    return Math.floor(this.http.serverNow() / 1000);
  }

  /**
   * Tencent's `callExperimentalAPI`, for the questions TUIKit's engine asks on every login, answered
   * as Tencent's SDK answers them: `canIUseModule` is `true` for `'group-module'`,
   * `'relationship-module'` (friends, friend requests and friend groups), `'cloud-search-module'`
   * (the searches of messages, users, groups and members; Tencent's full SDK has every module),
   * `'follow-module'` and `'signaling-module'` (invitations), and `false` for any other name
   * (Tencent's has no other module: its topics, for one, come with its core);
   * `isCommercialAbilityEnabled` resolves `{ enabled: true }` when every feature bit asked is one
   * Natter has, as Tencent's tells of those bought: user status (2^7, Tencent's `USER_STATUS`:
   * setSelfStatus, getUserStatus, subscribeUserStatus), message extensions (2^13, `MSG_EXT`),
   * group counters (2^15, `GRP_COUNTER`), the cloud search plugin (2^40, `PLUGIN_CS`), message
   * reactions (2^48, TUIKit's `enabledEmojiPlugin`) and following (2^52, `FOLLOW`);
   * `{ enabled: false }` for the others (whether translateText and convertVoiceToText work depends
   * on the services the server's operator set up, which the SDK is not told: they reject with
   * 50101 or 2118 when there are none);
   * `statTUIKeyFeatures` reports usage to Tencent, which Natter does not collect: it does nothing and
   * returns `undefined`, as Tencent's. Any other API rejects -2 naming it.
   */
  callExperimentalAPI(api: string, _param?: unknown): unknown {
    switch (api) {
      case 'canIUseModule':
        return AVAILABLE_MODULES.has(_param);
      case 'isCommercialAbilityEnabled':
        return Promise.resolve(ok({ enabled: commercialAbilityEnabled(_param) }));
      case 'statTUIKeyFeatures':
        return undefined;
      default:
        return Promise.reject(
          unsupported(
            'callExperimentalAPI',
            `Natter answers canIUseModule, isCommercialAbilityEnabled and statTUIKeyFeatures, not ${String(api)}`,
          ),
        );
    }
  }

  /**
   * The SDK logs only errors thrown by handlers and warnings (a list cut to Tencent's limit: a
   * user status call's, checkFollowType's, setMessageExtensions'); level 3 (Tencent's "errors
   * only") silences the warnings, 4 ("no log") everything.
   */
  setLogLevel(level: number): void {
    this.logLevel = level;
    this.emitter.silent = level >= 4;
  }

  /** A warning on the console, as Tencent's SDK logs one, unless the log level silences it. */
  private warn(message: string): void {
    if (!(this.logLevel >= 3)) console.warn(`natter: ${message}`);
  }

  /**
   * Accepted and ignored: Tencent apps register the upload plugin (`tim-upload-plugin`) here, but
   * the SDK uploads the files of media messages to the Natter server itself.
   */
  registerPlugin(_plugins: Record<string, unknown>): void {}

  // ---------------------------------------------------------------- events

  /** Listens for an `EVENT` value; the handler gets `{ name, data }` and runs with `this = context`. */
  on<N extends EventName>(eventName: N, handler: (event: ChatEvent<N>) => void, context?: unknown): void;
  on(eventName: string, handler: Function, context?: unknown): void;
  on(eventName: string, handler: Function, context?: unknown): void {
    this.emitter.on(eventName, handler as (event: { name: string; data: unknown }) => void, context);
  }

  /** Listens for the next event of that name only, as Tencent's runtime `once`. */
  once<N extends EventName>(eventName: N, handler: (event: ChatEvent<N>) => void, context?: unknown): void;
  once(eventName: string, handler: Function, context?: unknown): void;
  once(eventName: string, handler: Function, context?: unknown): void {
    this.emitter.on(eventName, handler as (event: { name: string; data: unknown }) => void, context, true);
  }

  /** Stops listening; without a handler, removes every handler of that event. */
  off<N extends EventName>(eventName: N, handler?: (event: ChatEvent<N>) => void, context?: unknown): void;
  off(eventName: string, handler?: Function, context?: unknown): void;
  off(eventName: string, handler?: Function, context?: unknown): void {
    this.emitter.off(eventName, handler as ((event: { name: string; data: unknown }) => void) | undefined, context);
  }

  private emit<N extends EventName | SignalingEventName>(name: N, data: EventData<N>): void {
    // As Tencent's: the signalling messages among new or changed messages move the invitations
    // they name, and tell the app so (signaling.ts), before the messages themselves are told.
    if (name === EVENT.MESSAGE_RECEIVED) this.signaling.received(data as Message[]);
    else if (name === EVENT.MESSAGE_MODIFIED) this.signaling.modified(data as Message[]);
    this.emitter.emit(name, data);
  }

  private setNetState(session: number, state: NetState): void {
    if (session !== this.session || state === this.netState) return;
    this.netState = state;
    this.emit(EVENT.NET_STATE_CHANGE, { state });
  }

  /**
   * `connecting` while a reconnection may work; once one attempt has failed, `disconnected` holds
   * until a connection is up, instead of flipping on each retry (a network banner would flicker).
   */
  private onSocketConnecting(session: number): void {
    if (this.attemptFailed) return;
    this.setNetState(session, TYPES.NET_STATE_CONNECTING);
  }

  private onSocketReady(session: number, pong: WireEventData['pong']): void {
    if (session !== this.session) return;
    this.attemptFailed = false;
    this.delivery.alive(this.http.serverNow());
    const id: unknown = pong.connectionID;
    this.http.setConnectionID(typeof id === 'string' || typeof id === 'number' ? String(id) : null);
    this.setNetState(session, TYPES.NET_STATE_CONNECTED);
    // Whatever happened while no connection was ready was not pushed to us: catch up over HTTP,
    // holding live messages until that is done. The version to sync from is fixed now, before any
    // live event can move it.
    this.delivery.hold();
    this.pendingFrom = minDefined(this.pendingFrom, this.store.version ?? undefined);
    this.requestCatchUp(session);
  }

  private onSocketLost(session: number, wasReady: boolean): void {
    if (session !== this.session) return;
    this.http.setConnectionID(null);
    this.blocklist.connectionLost();
    // Changes to group attributes are not part of the catch-up: what is held may grow stale.
    this.attributes.clear();
    if (wasReady) this.delivery.connectionLost();
    else this.attemptFailed = true;
    this.setNetState(session, TYPES.NET_STATE_DISCONNECTED);
    // A socket that cannot even open may be refused for its token (the upgrade's 401 is invisible
    // to WebSocket code): ask over HTTP, where a 401 ends the session as a kick.
    if (!wasReady && !this.probing) {
      this.probing = true;
      this.fetchTotalUnreadMessageCount()
        .catch(() => {})
        .finally(() => (this.probing = false));
    }
  }

  private onSocketTerminated(session: number, code: number): void {
    if (session !== this.session) return;
    this.endSession({ kind: 'kicked', type: KICKS.get(code) ?? TYPES.KICKED_OUT_REST_API });
  }

  /**
   * The server refused the session's token on some request: the device was logged out. The
   * server also closes the device's WebSocket, with the reason (kicked by the app backend,
   * replaced by another login), and a request may hear the refusal first: the socket is given a
   * moment to tell why before the session ends as an expired userSig.
   */
  private onTokenRefused(token: string): void {
    if (!this.loggedIn || token !== this.token || this.refusalTimer) return;
    const session = this.session;
    const end = () => {
      this.refusalTimer = null;
      if (session === this.session) this.endSession({ kind: 'kicked', type: TYPES.KICKED_OUT_USERSIG_EXPIRED });
    };
    if (this.socket === null) return end();
    this.refusalTimer = setTimeout(end, KICK_REASON_WAIT_MS);
  }

  /** A server event on a ready connection: update local state first, then tell the app. */
  private onServerEvent(session: number, name: string, raw: unknown): void {
    if (session !== this.session) return;
    const data = (raw ?? {}) as Record<string, unknown>;
    switch (name) {
      case 'messageReceived': {
        const pushed = asArray<WireMessage>(data.messageList);
        this.emitOnlineOnly(pushed.filter(isOnlineOnly));
        const messages = pushed.filter((m) => !isOnlineOnly(m));
        // Before the conversations pushed with them, which leave their mentions to the SDK.
        if (this.userID !== null) this.mentions.noteMessages(messages, this.userID);
        this.emitMessages(this.delivery.live(messages));
        break;
      }
      case 'conversationListUpdated': {
        const list = this.withMentions(asArray<WireConversation>(data.conversationList));
        this.delivery.noteConversations(list, { live: true });
        this.noteReadPositions(list);
        // A topic's conversation is none of the list's: it tells of its topic (TOPIC_UPDATED).
        const listed = list.filter((c) => !isTopicConversation(c.conversationID));
        this.groupListFeed.noteConversations(listed, (id) => this.store.get(id));
        // Pushes do not move the sync mark: in a cluster a newer version may arrive before an
        // older change still on its way, which a catch-up from the newer one would skip.
        if (this.store.upsert(listed, { trackVersion: false })) this.emitList();
        this.noteTopicConversations(list.filter((c) => isTopicConversation(c.conversationID)));
        break;
      }
      case 'conversationDeleted': {
        const ids = asArray<ConversationID>(data.conversationIDList);
        const version = typeof data.version === 'number' ? data.version : null;
        // By its version: a late push from before the deletion does not bring these back.
        const changed = this.store.remove(ids, version);
        this.emit(EVENT.NATTER_CONVERSATION_DELETED, {
          conversationIDList: ids,
          clearHistoryMessage: data.clearHistoryMessage !== false,
          version: version ?? 0,
        });
        if (changed) this.emitList();
        break;
      }
      case 'messageRevoked':
        // The server follows with the conversation (last message, unread) and the total.
        this.emitRecalls(asArray<WireMessage>(data.messageList));
        break;
      case 'messageModified':
        // To every device of every member, this one's own change included; the conversation
        // (its last message) follows.
        this.emitModified(asArray<WireMessage>(data.messageList));
        break;
      case 'messageReactionsUpdated':
        // To every device of every member who can see the message, the reacting user's own
        // (this instance's own call included) too, as Tencent's server tells its own SDK.
        this.emitReactions(data as Partial<WireMessageReactions>);
        break;
      case 'messageExtensionsUpdated':
      case 'messageExtensionsDeleted':
        // To every device of every member who sees the message, the changing user's own (this
        // instance's own call included) too.
        this.emitExtensions(name, data as Partial<WireMessageExtensions & WireDeletedExtensions>);
        break;
      case 'messageReadReceiptReceived':
        // To every device of the messages' sender, whenever a reader gives receipts.
        this.emitReadReceipts(data as Partial<WireEventData['messageReadReceiptReceived']>);
        break;
      case 'groupPinnedMessageUpdated':
        // To every device of every current member, the pinning user's own (this instance's own
        // call included) too.
        this.emitPinned(data as Partial<WireEventData['groupPinnedMessageUpdated']>);
        break;
      case 'groupCounterUpdated': {
        // One per counter changed, to every device of every current member, the changing user's
        // own (this instance's own call included) too, as Tencent's server tells its own SDK.
        // A push older than one told already is dropped (revisions.ts).
        const update = toCounterUpdate(data as Partial<WireGroupCounter>);
        if (update !== null && this.newestShared.admit(update)) this.emit(EVENT.GROUP_COUNTER_UPDATED, update.data);
        break;
      }
      case 'groupAttributesUpdated': {
        // To every device of every current member, the changing user's own (this instance's own
        // call included) too: every attribute of the group as it now is, and what changed.
        // A push older than one told already is dropped (revisions.ts).
        const update = toAttributesUpdate(data as Partial<WireGroupAttributesChanged>);
        if (update === null || !this.newestShared.admit(update)) break;
        this.attributes.replace(update.data.groupID, update.data.groupAttributes);
        this.emit(EVENT.GROUP_ATTRIBUTES_UPDATED, update.data);
        break;
      }
      case 'followListsUpdated':
        // To every device of both users of a follow or an unfollow that changed something, this
        // instance's own call included: one event per list changed, as Tencent's SDK tells them.
        for (const update of followListUpdates(data as Partial<WireEventData['followListsUpdated']>)) {
          this.emit(update.name, update.data);
        }
        break;
      case 'topicCreated': {
        // To every device of every member of the community, this instance's own call included.
        const { groupID, topicID } = data as Partial<WireEventData['topicCreated']>;
        if (typeof groupID === 'string' && typeof topicID === 'string') this.emit(EVENT.TOPIC_CREATED, { groupID, topicID });
        break;
      }
      case 'topicDeleted': {
        // Likewise.
        const { groupID } = data as Partial<WireEventData['topicDeleted']>;
        const topicIDList = asArray<string>(data.topicIDList);
        if (typeof groupID !== 'string') break;
        this.topics.forget(topicIDList);
        this.emit(EVENT.TOPIC_DELETED, { groupID, topicIDList });
        break;
      }
      case 'topicUpdated': {
        // Likewise: the topic's profile as it now is, without the user's conversation of it, which
        // the SDK holds (its unread count and last message stay as they are).
        const { groupID, topic } = data as Partial<WireEventData['topicUpdated']>;
        if (typeof groupID !== 'string' || typeof topic !== 'object' || topic === null) break;
        this.topics.noteTopic(topic);
        this.emit(EVENT.TOPIC_UPDATED, { groupID, topic: this.presentTopic(topic) });
        break;
      }
      case 'allReceiveMessageOptUpdated':
        // To every device of the user, this instance's own setAllReceiveMessageOpt included.
        this.emit(EVENT.ALL_RECEIVE_MESSAGE_OPT_UPDATED, toReceiveOption(data as Partial<WireReceiveOption>));
        break;
      case 'messagesDeleted':
        this.forgetDeleted(String(data.conversationID ?? ''), asArray<string>(data.messageIDList));
        break;
      case 'profileUpdated': {
        const users = asArray<WireProfile>(data.userProfileList);
        const groups = asArray<WireGroupProfile>(data.groupProfileList);
        for (const u of users) this.cache.applyProfile(u.userID, u.nick, u.avatar);
        if (users.length > 0) this.emit(EVENT.PROFILE_UPDATED, users.map(toProfile));
        if (this.store.applyProfiles(users, groups)) this.emitList();
        this.groupListFeed.noteGroupProfiles(groups);
        break;
      }
      case 'blacklistUpdated':
        this.blocklist.pushed(asArray<string>(data.userIDList));
        break;
      case 'userStatusUpdated':
        // To every device of each user subscribed to the user whose status changed, and to the
        // user's own devices when they set their custom status.
        this.emitUserStatuses(asArray<WireUserStatus>(data.userStatusList));
        break;
      case 'friendListUpdated':
        this.friendListFeed.changed();
        break;
      case 'friendApplicationListUpdated':
        this.friendApplicationFeed.changed();
        break;
      case 'friendGroupListUpdated':
        this.friendGroupFeed.changed();
        break;
      case 'totalUnreadMessageCountUpdated':
        if (typeof data.totalUnreadCount === 'number') {
          this.setTotalUnread(data.totalUnreadCount, data.version);
        }
        break;
      case 'resyncRequired':
        // The server dropped events for this connection (and closes it, 4002): catch up from the
        // version it names, holding live messages meanwhile as after a reconnect.
        this.resyncReason = 'resyncRequired';
        if (typeof data.version === 'number') this.pendingFrom = minDefined(this.pendingFrom, data.version);
        if (!this.delivery.isHolding) this.delivery.hold();
        this.requestCatchUp(session);
        break;
      default:
        break; // events of a newer server: ignore rather than fail
    }
  }

  private emitMessages(wires: WireMessage[]): void {
    if (wires.length === 0 || this.userID === null) return;
    const me = this.userID;
    // A message deleted for this user while it was held (catching up) is not news any more.
    const list = wires.filter((w) => !this.cache.isDeleted(w.messageID)).map((w) => this.keep(w, me));
    this.noteGroupRoles(list, me);
    this.noteTopicMutes(list, me);
    const mutesChanged = this.noteGroupMutes(list);
    const groupsChanged = this.noteTippedGroups(list);
    if (list.length > 0) this.emit(EVENT.MESSAGE_RECEIVED, list);
    this.groupListFeed.noteMessages(list);
    if (mutesChanged || groupsChanged) this.emitList();
  }

  /**
   * Online-only messages (sendMessage's `onlineUserOnly`, e.g. TUIKit's typing status), as
   * Tencent's SDK hands them over: MESSAGE_RECEIVED at once, even while a catch-up holds the others
   * (nothing can fetch them later), but never to the instance that sent one; they change no
   * conversation (the server pushes none with them) and are not kept, being no part of history.
   */
  private emitOnlineOnly(wires: WireMessage[]): void {
    const me = this.userID;
    if (me === null) return;
    const list = wires.filter((w) => !this.delivery.isOwn(w)).map((w) => toMessage(w, me));
    if (list.length > 0) this.emit(EVENT.MESSAGE_RECEIVED, list);
  }

  /** A message from the server as the app gets it: converted, and kept (messages.ts). */
  private keep(wire: WireMessage, me: string): Message {
    return this.cache.remember(toMessage(wire, me, this.heldGroupName), wire.clientMsgID);
  }

  /** The name of a group whose conversation the SDK holds, for the notices about it. */
  private readonly heldGroupName = (groupID: string): string | undefined =>
    this.store.get(`${TYPES.CONV_GROUP}${groupID}`)?.groupProfile?.name || undefined;

  /**
   * Whether a conversation is an AVChatRoom group's, as far as the SDK knows: its conversation
   * held (a group with messages), else the group calls' answers. Tencent's SDK asks for no read
   * receipts there.
   */
  private isAVChatRoom(conversationID: ConversationID): boolean {
    if (conversationTypeOf(conversationID) !== TYPES.CONV_GROUP) return false;
    const type =
      this.store.get(conversationID)?.groupProfile?.type ?? this.heldGroups.get(conversationTarget(conversationID))?.type;
    return type === TYPES.GRP_AVCHATROOM;
  }

  /**
   * What delivered messages tell of the user's role in groups. A removal, dismissal or quit notice:
   * none any more; an approved request to join: a plain member; being made an admin, or a plain
   * member again (the notice, or the tip naming the user): that role. A tip of a new owner: the
   * user is the owner now, as Tencent's SDK sets `selfInfo.role` on it; or, having handed the group
   * on (from another device), a plain member.
   */
  private noteGroupRoles(list: Message[], me: string): void {
    for (const m of list) {
      if (m.type === TYPES.MSG_GRP_SYS_NOTICE) {
        const notice = m.payload as GroupSystemNoticePayload;
        const groupID = notice.groupProfile.groupID;
        const role = GROUP_NOTICE_ROLES.get(notice.operationType);
        if (role !== undefined) this.groupRoles.set(groupID, role);
        else if (GROUP_NOTICE_ENDINGS.has(notice.operationType)) this.groupRoles.delete(groupID);
      } else if (m.type === TYPES.MSG_GRP_TIP) {
        const tip = m.payload as GroupTipPayload;
        const groupID = tip.groupProfile.groupID;
        const ownerID = tip.newGroupProfile?.ownerID;
        const role = GROUP_TIP_ROLES.get(tip.operationType);
        if (ownerID === me) this.groupRoles.set(groupID, TYPES.GRP_MBR_ROLE_OWNER);
        else if (ownerID !== undefined && m.from === me) this.groupRoles.set(groupID, TYPES.GRP_MBR_ROLE_MEMBER);
        else if (role !== undefined && tip.userIDList.includes(me)) this.groupRoles.set(groupID, role);
      }
    }
  }

  /**
   * Delivered tips that mute or unmute the user in a topic (`GRP_TIP_MBR_PROFILE_UPDATED` in the
   * topic's conversation): the topic's `selfInfo.muteTime` (TOPIC_UPDATED), the mute ending
   * `muteTime` seconds after the tip.
   */
  private noteTopicMutes(list: Message[], me: string): void {
    for (const m of list) {
      if (m.type !== TYPES.MSG_GRP_TIP || !isTopicConversation(m.conversationID)) continue;
      const tip = m.payload as GroupTipPayload;
      if (tip.operationType !== TYPES.GRP_TIP_MBR_PROFILE_UPDATED) continue;
      const muteTime = tip.memberList.find((member) => member.userID === me)?.muteTime;
      if (typeof muteTime !== 'number') continue;
      const topicID = topicOfConversation(m.conversationID);
      this.changeTopic(topicID, () => this.topics.noteMute(topicID, muteTime === 0 ? 0 : m.time + muteTime));
    }
  }

  /**
   * Delivered profile tips that mute a group for all or end it (`newGroupProfile.muteAllMembers`).
   * Returns whether that changes a conversation the list holds (its `groupProfile`).
   */
  private noteGroupMutes(list: Message[]): boolean {
    const mutes = list.flatMap((m) => {
      if (m.type !== TYPES.MSG_GRP_TIP) return [];
      const tip = m.payload as GroupTipPayload;
      const muted = tip.newGroupProfile?.muteAllMembers;
      if (tip.operationType !== TYPES.GRP_TIP_GRP_PROFILE_UPDATED || typeof muted !== 'boolean') return [];
      return [{ groupID: tip.groupProfile.groupID, muted }];
    });
    return this.showsAnew(
      mutes.map(({ groupID }) => `${TYPES.CONV_GROUP}${groupID}`),
      () => {
        for (const { groupID, muted } of mutes) this.groupMutes.set(groupID, muted);
      },
    );
  }

  /**
   * What delivered group tips tell of the groups the SDK holds, as Tencent's SDK updates its
   * groups from them: the member count after a join, a quit or a removal, and the fields a profile
   * tip names. Returns whether that changes a conversation the list holds (its `groupProfile`).
   */
  private noteTippedGroups(list: Message[]): boolean {
    const tips = list.flatMap((m) => (m.type === TYPES.MSG_GRP_TIP ? [m.payload as GroupTipPayload] : []));
    const held = tips.filter((tip) => this.heldGroups.has(tip.groupProfile.groupID));
    return this.showsAnew(
      held.map((tip) => `${TYPES.CONV_GROUP}${tip.groupProfile.groupID}`),
      () => {
        for (const tip of held) {
          const groupID = tip.groupProfile.groupID;
          this.heldGroups.set(groupID, tippedGroup(this.heldGroups.get(groupID)!, tip));
        }
      },
    );
  }

  /** What the SDK holds of conversations' peers and groups besides the conversations. */
  private readonly conversationContext: ConversationContext = {
    group: (groupID) => this.heldGroups.get(groupID),
    groupRole: (groupID) => this.groupRoles.get(groupID),
    groupMuted: (groupID) => this.groupMutes.get(groupID),
    friendRemark: (userID) => this.friendRemarks.get(userID),
    english: () => showsEnglish(this.SDKAppID),
  };

  /** A wire conversation as the app sees it (who is logged in decides "You recalled a message"). */
  private readonly present = (wire: WireConversation): Conversation =>
    toConversation(wire, this.userID ?? '', this.conversationContext);

  /**
   * Runs `note`, which changes what the SDK holds besides the conversations (a friend's remark, a
   * group), and tells whether one of these conversations, where the list holds it, now shows
   * otherwise: the conversation list is sent again only then.
   */
  private showsAnew(conversationIDs: Iterable<ConversationID>, note: () => void): boolean {
    const shown = (conversationID: ConversationID) => {
      const held = this.store.get(conversationID);
      return held && JSON.stringify(this.present(held));
    };
    const before = new Map([...conversationIDs].map((id) => [id, shown(id)]));
    note();
    return [...before].some(([id, was]) => was !== undefined && shown(id) !== was);
  }

  /**
   * The friend list fetched: its remarks become the one-to-one conversations' `remark`, and the
   * conversation list is sent again when one it holds now shows another.
   */
  private noteFriendRemarks(friendList: Friend[]): void {
    const remarks = new Map(friendList.filter((f) => f.remark !== '').map((f) => [f.userID, f.remark]));
    const named = new Set([...this.friendRemarks.keys(), ...remarks.keys()]);
    const shownAnew = this.showsAnew(
      [...named].map((userID) => `${TYPES.CONV_C2C}${userID}`),
      () => {
        this.friendRemarks = remarks;
      },
    );
    if (shownAnew) this.emitList();
  }

  /**
   * Groups of a group call's answer, noted for the group conversations: each held (its
   * conversation's `groupProfile` shows it), the user's role in it, whether it is muted for all.
   * `wholeList`: getGroupList's answer, every group the user is a member of, so a role it does not
   * name is forgotten. Returns whether a conversation the list holds shows its group anew.
   */
  private noteGroups(wires: readonly WireGroup[], { wholeList = false } = {}): boolean {
    const groupIDs = wires.map((wire) => wire.groupID);
    if (wholeList) groupIDs.push(...this.groupRoles.keys());
    return this.showsAnew(
      groupIDs.map((groupID) => `${TYPES.CONV_GROUP}${groupID}`),
      () => {
        if (wholeList) this.groupRoles.clear();
        for (const wire of wires) {
          const role = groupSelfRole(wire);
          if (role && !wire.isDismissed) this.groupRoles.set(wire.groupID, role);
          else this.groupRoles.delete(wire.groupID);
          this.groupMutes.set(wire.groupID, wire.muteAllMembers === true);
          this.heldGroups.set(wire.groupID, wire);
        }
      },
    );
  }

  /**
   * A group of a call's answer as the app sees it, noted first ({@link noteGroups}): the
   * conversation list is sent again when its conversation shows it anew.
   */
  private presentGroup(wire: WireGroup): Group {
    if (this.noteGroups([wire])) this.emitList();
    return this.groupOf(wire);
  }

  /**
   * A group of a call's answer as the app sees it: `selfInfo` with the user, their role and the
   * conversation's `messageRemindType` when the SDK holds it.
   */
  private groupOf(wire: WireGroup): Group {
    return toGroup(wire, {
      userID: this.userID ?? '',
      messageRemindType: this.store.get(`${TYPES.CONV_GROUP}${wire.groupID}`)?.messageRemindType,
    });
  }

  /**
   * Conversation objects on their way into the local list (or, a topic's, to the topics held),
   * each with its `groupAtInfoList`: the server's, or, for one pushed with a new message (which has
   * none), the list held plus the mentions of the messages just pushed (mentions.ts).
   */
  private withMentions(list: WireConversation[]): WireConversation[] {
    return this.mentions.complete(list, (id) => this.store.get(id) ?? this.topics.conversation(id) ?? undefined);
  }

  /** A sync's answer with its conversations completed as {@link withMentions} does. */
  private syncWithMentions(reply: WireSyncReply): WireSyncReply {
    return { ...reply, conversationList: this.withMentions(reply.conversationList) };
  }

  private emitList(): void {
    this.emit(EVENT.CONVERSATION_LIST_UPDATED, this.store.list().map(this.present));
  }

  /**
   * Read positions from conversation objects, however they came (a push, a sync, a load, a call's
   * answer). One with nothing unread was read to its last message, here or on another device: the
   * held messages become `isRead`. Read receipts: the held messages the peer has now read become
   * `isPeerRead`, and the app hears of them once, as MESSAGE_READ_BY_PEER, as Tencent's SDK tells it
   * of one-to-one receipts.
   */
  private noteReadPositions(list: WireConversation[]): void {
    for (const c of list) {
      if (c.unreadCount === 0 && c.lastMessage) this.cache.noteRead(c.conversationID, c.lastMessage.seq);
    }
    const read = list.flatMap((c) => (c.peerReadSeq > 0 ? this.cache.notePeerRead(c.conversationID, c.peerReadSeq) : []));
    if (read.length > 0) this.emit(EVENT.MESSAGE_READ_BY_PEER, read);
  }

  /**
   * What a read of these conversations covers: the newest message of each that this instance
   * knows of before the request, which the server had then, so the read reached it.
   */
  private readReach(include: (conversationID: ConversationID) => boolean): Map<ConversationID, number> {
    const reach = this.cache.newestHeld(include);
    for (const c of this.store.list()) {
      if (c.lastMessage && include(c.conversationID)) {
        reach.set(c.conversationID, Math.max(reach.get(c.conversationID) ?? 0, c.lastMessage.seq));
      }
    }
    return reach;
  }

  /** MESSAGE_REVOKED with the recalls the app has not heard of (its own recalls are not news). */
  private emitRecalls(stubs: WireMessage[]): void {
    const me = this.userID;
    if (me === null || stubs.length === 0) return;
    const news = stubs
      .map((w) => this.cache.noteRecall(toMessage(w, me)))
      .filter((m): m is Message => m !== null);
    if (news.length > 0) this.emit(EVENT.MESSAGE_REVOKED, news);
  }

  /**
   * MESSAGE_MODIFIED with the changes the app has not heard of: each message as it now is, the
   * object the app holds when it holds one (changed in place, as Tencent's), each version once.
   */
  private emitModified(wires: WireMessage[]): void {
    const me = this.userID;
    if (me === null || wires.length === 0) return;
    const news = wires
      .map((w) => this.cache.noteModified(toMessage(w, me)))
      .filter((m): m is Message => m !== null);
    if (news.length > 0) this.emit(EVENT.MESSAGE_MODIFIED, news);
  }

  /**
   * MESSAGE_REACTIONS_UPDATED, as Tencent's: `{ messageID, reactionList }` (and Natter's
   * `conversationID`), the message named by the ID the app holds it by: the ID this instance gave
   * its own sends, the server's for every other message. Nothing for a message this user deleted
   * for themself (the app shows it no more), nor for a push older than what the app was given
   * ({@link ReactionVersions}).
   */
  private emitReactions(data: Partial<WireMessageReactions>): void {
    const serverID = data.messageID;
    if (this.userID === null || typeof serverID !== 'string' || this.cache.isDeleted(serverID)) return;
    if (!this.reactionVersions.take(serverID, data.version)) return;
    this.emit(EVENT.MESSAGE_REACTIONS_UPDATED, {
      messageID: this.cache.localID(serverID),
      reactionList: asArray<WireReaction>(data.reactionList).map(toReaction),
      conversationID: typeof data.conversationID === 'string' ? data.conversationID : '',
    });
  }

  /**
   * MESSAGE_EXTENSIONS_UPDATED `{ messageID, extensions }` (the pairs set) and
   * MESSAGE_EXTENSIONS_DELETED `{ messageID, keyList }`, as Tencent's, with Natter's
   * `conversationID`: the message named by the ID the app holds it by, as MESSAGE_REACTIONS_UPDATED
   * names it. Nothing for a message this user deleted for themself (the app shows it no more).
   */
  private emitExtensions(
    name: 'messageExtensionsUpdated' | 'messageExtensionsDeleted',
    data: Partial<WireMessageExtensions & WireDeletedExtensions>,
  ): void {
    const serverID = data.messageID;
    if (this.userID === null || typeof serverID !== 'string' || this.cache.isDeleted(serverID)) return;
    const messageID = this.cache.localID(serverID);
    const conversationID = typeof data.conversationID === 'string' ? data.conversationID : '';
    if (name === 'messageExtensionsUpdated') {
      const extensions = asArray<WireMessageExtension>(data.extensionList).map(toExtension);
      this.emit(EVENT.MESSAGE_EXTENSIONS_UPDATED, { messageID, extensions, conversationID });
    } else {
      this.emit(EVENT.MESSAGE_EXTENSIONS_DELETED, { messageID, keyList: asArray<string>(data.keyList), conversationID });
    }
  }

  /**
   * MESSAGE_READ_RECEIPT_RECEIVED, as Tencent's: readers gave receipts for messages of the user's
   * (`messageReadReceiptReceived`, to every device of the sender). One-to-one, an entry `{ userID,
   * messageID, isPeerRead: true, timestamp }` per message the peer read; in a group, `{ groupID,
   * messageID, readCount, unreadCount }` with the counts as they now are. Each message is named by
   * the ID the app holds it by, and a message the instance holds is marked as Tencent's marks its
   * objects (`readReceiptInfo`).
   *
   * Deliberately unlike Tencent's SDK, which tells only of messages in its local message list:
   * every receipt of the push is told, held or not (the app may show a message this instance let go
   * of, or never listed, such as one sent on another device), but for a one-to-one message the held
   * object of which says `isPeerRead` already: that receipt is no news.
   */
  private emitReadReceipts(data: Partial<WireEventData['messageReadReceiptReceived']>): void {
    const conversationID = data.conversationID;
    if (this.userID === null || typeof conversationID !== 'string') return;
    const receipts = asArray<WireMessageReceipt>(data.receiptList).filter((r) => typeof r?.messageID === 'string');
    const target = conversationTarget(conversationID);
    const type = conversationTypeOf(conversationID);
    if (type === TYPES.CONV_C2C) {
      const timestamp = typeof data.time === 'number' ? seconds(data.time) : 0;
      const news: C2CMessageReadReceipt[] = [];
      for (const { messageID } of receipts) {
        const held = this.cache.get(messageID);
        if (held && !markPeerReceipt(held, timestamp)) continue;
        news.push({ userID: target, messageID: this.cache.localID(messageID), isPeerRead: true, timestamp });
      }
      if (news.length > 0) this.emit(EVENT.MESSAGE_READ_RECEIPT_RECEIVED, news);
    } else if (type === TYPES.CONV_GROUP) {
      const counts: GroupMessageReadReceipt[] = receipts.map(({ messageID, readCount, unreadCount }) => {
        const held = this.cache.get(messageID);
        if (held) setGroupCounts(held, readCount, unreadCount);
        return { groupID: target, messageID: this.cache.localID(messageID), readCount, unreadCount };
      });
      if (counts.length > 0) this.emit(EVENT.MESSAGE_READ_RECEIPT_RECEIVED, counts);
    }
  }

  /**
   * PINNED_GROUP_MESSAGE_UPDATED, as Tencent's: `{ groupID, message, isPinned, operatorInfo }`,
   * the message as a page of history gives it ({@link presentPinned}), with `pinnerInfo` (the
   * operator) when pinned and without when unpinned.
   *
   * Deliberately unlike Tencent's SDK, which gives an unpinned message as a stub of its IDs and
   * times (`{ ID, sequence, random, time, clientTime }`): Natter's server sends the whole message
   * both ways, and the app gets it whole both ways.
   */
  private emitPinned(data: Partial<WireEventData['groupPinnedMessageUpdated']>): void {
    const { groupID, message: wire, operatorInfo: operator } = data;
    const me = this.userID;
    if (me === null || typeof groupID !== 'string' || !wire || !operator) return;
    const isPinned = data.isPinned === true;
    const operatorInfo = toPinner(operator);
    const message = this.presentPinned(wire, me, isPinned ? operatorInfo : undefined);
    this.emit(EVENT.PINNED_GROUP_MESSAGE_UPDATED, { groupID, message, isPinned, operatorInfo });
  }

  /**
   * A pinned (or just unpinned) message as the app gets it, with `pinnerInfo` when it is pinned
   * and without when not: kept as history keeps messages (this instance's own send is the object
   * it sent, under the ID it made), but for one the user deleted for themself, which the group
   * still pins: a copy marked `isDeleted`, not kept, so findMessage does not find it again.
   */
  private presentPinned(wire: WireMessage, me: string, pinnerInfo: UserInfo | undefined): Message {
    let message: Message;
    if (this.cache.isDeleted(wire.messageID)) {
      message = toMessage(wire, me, this.heldGroupName);
      message.ID = this.cache.localID(message.ID);
      message.isDeleted = true;
    } else {
      message = this.keep(wire, me);
    }
    if (pinnerInfo) message.pinnerInfo = pinnerInfo;
    else delete message.pinnerInfo;
    return message;
  }

  /**
   * USER_STATUS_UPDATED, as Tencent's: an array of the statuses that changed, each `{ userID,
   * statusType, customStatus }`. Nothing for a status at or below the version the app was given (a
   * push or an answer that crossed a newer one), nor for one that shows the app nothing new
   * ({@link UserStatusVersions}). The user's own status becomes the custom status the SDK
   * remembers, and is told only when that changes ({@link ownView}), once the SDK knows it.
   */
  private emitUserStatuses(list: WireUserStatus[]): void {
    const me = this.userID;
    if (me === null) return;
    const news: UserStatus[] = [];
    for (const pushed of list) {
      if (typeof pushed !== 'object' || pushed === null || typeof pushed.userID !== 'string') continue;
      const own = pushed.userID === me;
      const status = own ? this.ownView(pushed) : pushed;
      const verdict = this.userStatuses.take(status);
      if (verdict === 'stale') continue;
      if (own) {
        const before = this.customStatus;
        this.customStatus = status.customStatus;
        if (this.ownStatusKnown && before !== this.customStatus) news.push(toUserStatus(status));
      } else if (verdict === 'news') {
        news.push(toUserStatus(status));
      }
    }
    if (news.length > 0) this.emit(EVENT.USER_STATUS_UPDATED, news);
  }

  /**
   * The user's own status as this instance shows it, as Tencent's: online while logged in (the
   * server counts this instance's connection only once it is open and recorded, and may say
   * otherwise meanwhile), with the custom status the server holds.
   */
  private ownView(status: WireUserStatus): WireUserStatus {
    return { ...status, statusType: TYPES.USER_STATUS_ONLINE, customStatus: toUserStatus(status).customStatus };
  }

  /**
   * Asks the server for the user's own status (`POST /v1/user-status` naming them), for the custom
   * status the SDK remembers, as Tencent's login answer tells it; nobody waits for it, and a
   * failure leaves what is known (`''` at first) until the user sets it or a push tells it.
   */
  private fetchOwnStatus(session: number): void {
    const me = this.userID;
    if (me === null || session !== this.session) return;
    const body: WireUserStatusRequest = { userIDList: [me] };
    this.http.post<WireUserStatusList>('/v1/user-status', body).then(
      (reply) => {
        if (session !== this.session) return;
        const own = asArray<WireUserStatus>(reply?.successUserList).find((s) => s?.userID === me);
        if (own) {
          // After a reconnect: set on another device meanwhile, as Tencent's relogin tells it.
          const status = this.userStatuses.note(this.ownView(own));
          const changed = this.ownStatusKnown && status.customStatus !== this.customStatus;
          this.customStatus = status.customStatus;
          if (changed) this.emit(EVENT.USER_STATUS_UPDATED, [toUserStatus(status)]);
        }
        this.ownStatusKnown = true;
      },
      () => {
        if (session === this.session) this.ownStatusKnown = true;
      },
    );
  }

  /** Messages this user deleted for themself elsewhere: forgotten, and the app told once. */
  private forgetDeleted(conversationID: ConversationID, ids: string[]): void {
    const news = this.cache.noteDeleted(ids);
    if (conversationID !== '' && news.length > 0) {
      this.emit(EVENT.NATTER_MESSAGES_DELETED, { conversationID, messageIDList: news });
    }
  }

  // ---------------------------------------------------------------- catch-up

  /**
   * Brings the session up to date over HTTP: the first time a full sync (the list, and the point
   * from which messages count as news); after that a sync since the last version, then every
   * message the server pushed while no connection was ready, as MESSAGE_RECEIVED. Failures are
   * retried with backoff; SDK_READY fires after the first success.
   */
  private requestCatchUp(session: number): void {
    if (session !== this.session) return;
    if (this.catchUpRunning) {
      this.catchUpAgain = true;
      return;
    }
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const running = (async () => {
      let succeeded = false;
      do {
        this.catchUpAgain = false;
        const from = this.pendingFrom ?? this.store.version ?? undefined;
        try {
          await this.catchUp(session, from);
          if (this.pendingFrom === from) this.pendingFrom = undefined;
          succeeded = true;
        } catch (err) {
          succeeded = false;
          if (session === this.session) {
            const e = err instanceof NatterError ? err : undefined;
            this.emit(EVENT.ERROR, {
              code: e?.code ?? ErrorCode.INTERNAL,
              message: `catching up after (re)connecting failed, retrying: ${e?.message ?? String(err)}`,
            });
          }
        }
      } while (this.catchUpAgain && session === this.session);
      if (session !== this.session) return;
      if (succeeded) this.catchUpDone();
      else this.retryCatchUp(session);
    })().finally(() => {
      if (this.catchUpRunning === running) this.catchUpRunning = null;
    });
    this.catchUpRunning = running;
  }

  private retryCatchUp(session: number): void {
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(30_000, this.retryDelayMs * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.requestCatchUp(session);
    }, delay);
  }

  private catchUpDone(): void {
    this.retryDelayMs = 1_000;
    const first = !this.ready;
    if (!this.ready) {
      this.ready = true;
      this.emit(EVENT.SDK_READY, undefined);
      this.groupListFeed.start();
      this.blocklist.start();
      this.friendListFeed.start();
      this.friendApplicationFeed.start();
      this.friendGroupFeed.start();
    } else {
      // What changed the group list, the blocklist, the friend lists and the friend groups while no
      // connection was ready was not pushed.
      this.groupListFeed.refresh();
      this.blocklist.reconnected();
      this.friendListFeed.changed();
      this.friendApplicationFeed.changed();
      this.friendGroupFeed.changed();
      // Set on another device while no connection was ready: not pushed.
      this.fetchOwnStatus(this.session);
      void this.catchUpTopics();
    }
    if (this.resyncReason) {
      const reason = this.resyncReason;
      this.resyncReason = null;
      this.emit(EVENT.NATTER_RESYNC, { reason });
    }
    this.emitMessages(this.delivery.release());
    // After the messages held meanwhile, which are news before anything read back.
    if (first) void this.replayInvitations(this.session);
  }

  private async catchUp(session: number, since: number | undefined): Promise<void> {
    if (session !== this.session) return;
    if (!this.seeded || since === undefined) {
      await this.fullSync(session, { reset: false });
    } else {
      const answer = await this.http.get<WireSyncReply>('/v1/conversations/sync', this.syncQuery(since));
      if (session !== this.session) return;
      const reply = this.syncWithMentions(answer);
      if (reply.resetRequired) {
        this.resyncReason = 'resetRequired';
        await this.fullSync(session, { reset: true });
      } else {
        this.delivery.noteConversations(reply.conversationList, { live: false });
        this.noteReadPositions(reply.conversationList);
        if (this.store.applySync(reply)) this.emitList();
        await this.fillGaps(session);
        // After the gaps: a message that arrived and was recalled while offline came as a stub.
        await this.applyMessageChanges(session, reply.messageChangeList, { onlyHeld: false });
      }
    }
    if (session === this.session) await this.fetchTotalUnreadMessageCount();
  }

  /** The whole list, archived and hidden included, from `sync?since=0`. */
  private async fullSync(session: number, options: { reset: boolean }): Promise<void> {
    this.store.beginLoad();
    const answer = await this.http.get<WireSyncReply>('/v1/conversations/sync', { since: 0 });
    if (session !== this.session) return;
    if (options.reset) this.store.clear();
    const reply = this.syncWithMentions(answer);
    this.store.replaceAll(reply.conversationList);
    this.noteReadPositions(reply.conversationList);
    this.store.noteVersion(reply.version);
    this.store.noteProfileVersion(reply.profileVersion);
    this.delivery.seed(reply.conversationList, options);
    this.seeded = true;
    this.emitList();
    // From scratch the list holds every change ever: only the messages this instance holds matter.
    if (options.reset) await this.applyMessageChanges(session, reply.messageChangeList, { onlyHeld: true });
  }

  /** `since` and, once a sync has given one, `profileSince`. */
  private syncQuery(since: number): Query {
    return { since, profileSince: this.store.profileVersion ?? undefined };
  }

  /**
   * A sync's `messageChangeList`. Deletions leave the cache and reach the app as
   * NATTER_MESSAGES_DELETED; recalls reach it as MESSAGE_REVOKED, once each. The change names no
   * revoker, so each recalled message is read back (a one-message history page) and told as the
   * server's stub; one the user can no longer see is skipped. Changes (modifyMessage) carry the
   * message as it now is: the held copies take it, and the app hears of each as MESSAGE_MODIFIED,
   * once, as Tencent's SDK tells it of the changes it learns on reconnecting; not of those it
   * already has (a message fetched after the change, a recalled or deleted one).
   */
  private async applyMessageChanges(
    session: number,
    changes: readonly WireMessageChange[],
    options: { onlyHeld: boolean },
  ): Promise<void> {
    const deleted = new Map<ConversationID, string[]>();
    for (const change of changes) {
      if (change.change !== 'deleted') continue;
      deleted.set(change.conversationID, [...(deleted.get(change.conversationID) ?? []), change.messageID]);
    }
    for (const [conversationID, ids] of deleted) this.forgetDeleted(conversationID, ids);

    for (const change of changes) {
      if (change.change !== 'revoked' || this.cache.knowsRecall(change.messageID)) continue;
      const held = this.cache.get(change.messageID);
      // Held as a stub already: it arrived (or was listed) after its recall.
      if (held?.isRevoked || (options.onlyHeld && !held) || this.cache.isDeleted(change.messageID)) continue;
      const stub = await this.readMessage(change.conversationID, change.seq, change.messageID);
      if (session !== this.session) return;
      if (stub?.isRevoked) this.emitRecalls([stub]);
    }

    const changed: WireMessage[] = [];
    for (const change of changes) {
      if (change.change !== 'modified') continue;
      if (options.onlyHeld && !this.cache.get(change.messageID)) continue;
      // The change carries the message; a server that left it out is asked for it.
      const wire = change.message ?? (await this.readMessage(change.conversationID, change.seq, change.messageID));
      if (session !== this.session) return;
      if (wire) changed.push(wire);
    }
    this.emitModified(changed);
  }

  /**
   * One message as the server shows it to the user now (a one-message history page); null when
   * the user cannot read it (any more).
   */
  private async readMessage(conversationID: ConversationID, seq: number, messageID: string): Promise<WireMessage | null> {
    let page: WireMessagePage;
    try {
      page = await this.http.get<WireMessagePage>(conversationPath(conversationID, '/messages'), {
        limit: 1,
        before: seq + 1,
      });
    } catch (err) {
      if (err instanceof NatterError && UNREADABLE.includes(err.code)) return null;
      throw err;
    }
    return page.messageList.find((m) => m.messageID === messageID) ?? null;
  }

  /** Fetches and delivers what each conversation received while no connection was ready. */
  private async fillGaps(session: number): Promise<void> {
    for (const gap of this.delivery.gaps()) {
      if (session !== this.session) return;
      let fetched: WireMessage[];
      try {
        fetched = await this.fetchAfter(gap);
      } catch (err) {
        if (err instanceof NatterError && [40002, 40301, 40401].includes(err.code)) {
          this.delivery.skip(gap); // the history is not readable (any more): nothing to deliver
          continue;
        }
        throw err;
      }
      if (session !== this.session) return;
      this.emitMessages(this.delivery.fill(gap, fetched));
    }
  }

  /** The conversation's messages after the gap's start, oldest first (paging back by `before`). */
  private async fetchAfter(gap: Gap): Promise<WireMessage[]> {
    const all: WireMessage[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await this.http.get<WireMessagePage>(conversationPath(gap.conversationID, '/messages'), {
        limit: 100,
        before,
      });
      const list = page.messageList ?? [];
      all.unshift(...list);
      const oldest = list[0];
      if (!oldest || page.isCompleted) return all;
      const reached = gap.afterSeq !== undefined ? oldest.seq <= gap.afterSeq : !isNewForGap(gap, oldest);
      if (reached) return all;
      before = oldest.seq;
    }
  }

  // ---------------------------------------------------------------- conversations

  /**
   * `deleteConversation('C2Cbob')` → `{conversationID}`; `deleteConversation({conversationIDList,
   * clearHistoryMessage})` → `{conversationIDList}`, those of the IDs that were in the user's list
   * (without repeats), as Tencent's answers with the conversations it deleted. None of them in the
   * list rejects with Tencent's 2500 (`ErrorCode.CONV_NOT_FOUND`). History is cleared unless
   * `clearHistoryMessage: false`, only of the conversations that were in the list (the server is
   * told `onlyListed`), so a rejection has changed nothing, as Tencent's deletes only the
   * conversations it holds. More than 100 IDs, or none, is refused here without a request.
   */
  deleteConversation(conversationID: ConversationID): Promise<ChatResponse<{ conversationID: ConversationID }>>;
  deleteConversation(
    options: DeleteConversationOptions,
  ): Promise<ChatResponse<{ conversationIDList: ConversationID[] }>>;
  deleteConversation(
    options: ConversationID | DeleteConversationOptions,
  ): Promise<ChatResponse<{ conversationID: ConversationID } | { conversationIDList: ConversationID[] }>>;
  async deleteConversation(
    options: ConversationID | DeleteConversationOptions,
  ): Promise<ChatResponse<{ conversationID: ConversationID } | { conversationIDList: ConversationID[] }>> {
    if (typeof options === 'string') {
      const [deleted] = await this.deleteIDs([options], true);
      return ok({ conversationID: deleted ?? options });
    }
    if (typeof options !== 'object' || options === null) {
      throw invalidArgument('options: a conversation ID or { conversationIDList, clearHistoryMessage }');
    }
    const ids = checkIDList(options.conversationIDList);
    const clear = options.clearHistoryMessage ?? true;
    if (typeof clear !== 'boolean') throw invalidArgument('clearHistoryMessage: must be a boolean');
    return ok({ conversationIDList: await this.deleteIDs(ids, clear) });
  }

  /**
   * Deletes the conversations: those of them that were in the list (all, from a server that does
   * not tell). None of them in the list rejects with 2500, as Tencent's.
   */
  private async deleteIDs(ids: ConversationID[], clearHistoryMessage: boolean): Promise<ConversationID[]> {
    const reply = await this.http.post<WireDeleteConversationsReply>('/v1/conversations/delete', {
      conversationIDList: ids,
      clearHistoryMessage,
      onlyListed: true,
    });
    const named = reply.conversationIDList ?? ids;
    // This device gets no `conversationDeleted`: the answer's version is what keeps a push from
    // before the deletion, still on its way, from bringing these back.
    if (this.store.remove(named, reply.version)) this.emitList();
    const removed = reply.removedConversationIDList ?? named;
    if (removed.length === 0) {
      throw new NatterError({
        code: ErrorCode.CONV_NOT_FOUND,
        error: 'not_found',
        message: `deleteConversation: ${named.join(', ')} ${named.length === 1 ? 'is' : 'are'} not in the user's conversation list`,
      });
    }
    return removed;
  }

  /**
   * The conversation list, as Tencent's: without options, every conversation of the default list
   * (not archived, not hidden), which also reloads the SDK's own list; with Tencent's filters
   * (`type`, `markType`, `groupName`, `hasUnreadCount`, `hasGroupAtInfo`, and Natter's `archived`)
   * the matching conversations; with an array of IDs, those conversations (unknown ones left out).
   */
  async getConversationList(
    options?: GetConversationListOptions | ConversationID[],
  ): Promise<ChatResponse<ConversationListResult>> {
    if (Array.isArray(options)) {
      // Tencent: an empty array asks for nothing.
      if (options.length === 0) return ok({ conversationList: [], isSyncCompleted: true });
      const list = await this.profiles(checkIDList(options));
      return ok({ conversationList: list.map(this.present), isSyncCompleted: true });
    }
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw invalidArgument(
        'options: { type?, markType?, groupName?, hasUnreadCount?, hasGroupAtInfo? } or an array of conversation IDs',
      );
    }
    const o = options ?? {};
    if (o.type !== undefined && o.type !== TYPES.CONV_TOPIC && !LIST_TYPES.has(String(o.type))) {
      throw invalidArgument(`type: ${String(o.type)} is not TYPES.CONV_C2C, TYPES.CONV_GROUP or TYPES.CONV_SYSTEM`);
    }
    if (o.groupName !== undefined) checkGroupName(o.groupName, 'groupName');
    for (const key of ['hasUnreadCount', 'hasGroupAtInfo', 'archived'] as const) {
      if (o[key] !== undefined && typeof o[key] !== 'boolean') throw invalidArgument(`${key}: a boolean`);
    }
    // A topic's conversation is never in the list, as Tencent's list never shows one (getTopicList
    // tells of topics): that filter matches nothing.
    if (o.type === TYPES.CONV_TOPIC) return ok({ conversationList: [], isSyncCompleted: true });
    // As Tencent's filters: an empty groupName asks for the conversations in no group, markType 0
    // for those with no mark. The server filters by one group or mark; these two filter here.
    const markType = o.markType === undefined ? undefined : markTypeText(o.markType);
    const inNoGroup = o.groupName === '';
    const unmarked = markType === '0';
    const query: Query = {
      type: o.type as string | undefined,
      archived: o.archived ? true : undefined,
      markType: unmarked ? undefined : markType,
      groupName: inNoGroup ? undefined : o.groupName,
      unreadOnly: o.hasUnreadCount === true ? true : undefined,
    };
    const atInfo = o.hasGroupAtInfo;
    const filtered =
      Object.values(query).some((v) => v !== undefined) ||
      o.hasUnreadCount === false ||
      atInfo !== undefined ||
      inNoGroup ||
      unmarked;
    if (filtered) {
      let list = await this.fetchAllPages(query);
      if (o.hasUnreadCount === false) list = list.filter((c) => c.unreadCount === 0);
      // As Tencent's: true, those with unread @-mentions of the user; false, those without.
      if (atInfo !== undefined) list = list.filter((c) => ((c.groupAtInfoList?.length ?? 0) > 0) === atInfo);
      if (inNoGroup) list = list.filter((c) => c.conversationGroupList.length === 0);
      if (unmarked) list = list.filter((c) => c.markList.length === 0);
      return ok({ conversationList: list.map(this.present), isSyncCompleted: true });
    }
    const before = JSON.stringify(this.store.list());
    const session = this.session;
    await this.loadAll();
    const list = this.store.list();
    // A reload that found changes nobody pushed (e.g. no socket) tells the handlers too.
    if (session === this.session && JSON.stringify(list) !== before) this.emitList();
    return ok({ conversationList: list.map(this.present), isSyncCompleted: true });
  }

  /** Profiles of the given IDs, in the given order, without duplicates or unknown ones. */
  private async profiles(ids: ConversationID[]): Promise<WireConversation[]> {
    const unique = [...new Set(ids)];
    const found = await Promise.all(
      unique.map((id) =>
        this.http.get<WireConversation>(conversationPath(id)).catch((err: unknown) => {
          if (err instanceof NatterError && err.code === ErrorCode.NOT_FOUND) return null;
          throw err;
        }),
      ),
    );
    const list = found.filter((c): c is WireConversation => c !== null);
    this.applyAnswers(list);
    return list;
  }

  /** Loads the default list into the store; concurrent callers share one load. */
  private loadAll(): Promise<WireConversation[]> {
    if (this.loading) return this.loading;
    const session = this.session;
    this.store.beginLoad();
    const load = this.fetchAllPages({})
      .then((list) => {
        if (session === this.session) {
          this.store.replaceAll(this.withMentions(list));
          this.delivery.noteConversations(list, { live: true });
          this.noteReadPositions(list);
        }
        return list;
      })
      .finally(() => {
        if (this.loading === load) this.loading = null;
      });
    this.loading = load;
    return load;
  }

  private async fetchAllPages(filter: Query): Promise<WireConversation[]> {
    const all: WireConversation[] = [];
    let cursor: string | null | undefined;
    for (;;) {
      const page = await this.http.get<WireConversationPage>('/v1/conversations', {
        limit: MAX_CONVERSATIONS_PER_CALL,
        ...filter,
        cursor: cursor ?? undefined,
      });
      all.push(...page.conversationList);
      cursor = page.nextCursor;
      if (page.isFinished || !cursor || page.conversationList.length === 0) return all;
    }
  }

  /**
   * `{ conversation }`. A conversation not in the list (no message yet, or deleted) comes back
   * new and empty, as Tencent's does: a chat UI opens a chat with a contact this way. It joins
   * the list with its first message. A group the user cannot see rejects (40401 / 40302).
   */
  async getConversationProfile(conversationID: ConversationID): Promise<ChatResponse<{ conversation: Conversation }>> {
    checkID(conversationID);
    let wire: WireConversation;
    try {
      wire = await this.http.get<WireConversation>(conversationPath(conversationID));
    } catch (err) {
      if (!(err instanceof NatterError) || err.code !== ErrorCode.NOT_FOUND) throw err;
      return ok({ conversation: this.present(await this.newConversation(conversationID)) });
    }
    this.applyAnswers([wire]);
    return ok({ conversation: this.present(wire) });
  }

  /** A conversation as it is before its first message, with its peer's or group's profile. */
  private async newConversation(conversationID: ConversationID): Promise<WireConversation> {
    const type = conversationTypeOf(conversationID);
    const target = conversationID.slice(type.length);
    const blank: WireConversation = {
      conversationID,
      type,
      unreadCount: 0,
      lastMessage: null,
      clearedToSeq: 0,
      peerReadSeq: 0,
      isPinned: false,
      isArchived: false,
      messageRemindType: TYPES.MSG_REMIND_ACPT_AND_NOTE,
      markList: [],
      conversationGroupList: [],
      draftText: '',
      customData: '',
      version: 0,
      userProfile: null,
      groupProfile: null,
    };
    if (type === TYPES.CONV_C2C) {
      const reply = await this.http.post<WireProfileList>('/v1/profiles', { userIDList: [target] });
      blank.userProfile = reply.profileList[0] ?? null;
    } else if (type === TYPES.CONV_GROUP) {
      const group = await this.http.get<WireGroup>(groupPath(target));
      if (this.noteGroups([group])) this.emitList();
      blank.groupProfile = group;
    }
    return blank;
  }

  /** Pins or unpins; the list re-sorts (pinned first) and CONVERSATION_LIST_UPDATED follows. */
  async pinConversation(options: PinConversationOptions): Promise<ChatResponse<{ conversationID: ConversationID }>> {
    checkID(options?.conversationID);
    if (typeof options.isPinned !== 'boolean') throw invalidArgument('isPinned: must be a boolean');
    const wire = await this.http.post<WireConversation>('/v1/conversations/pin', {
      conversationID: options.conversationID,
      isPinned: options.isPinned,
    });
    this.applyAnswers([wire]);
    return ok({ conversationID: options.conversationID });
  }

  /**
   * Marks everything in the conversation read. Its unread count and, in a group, its
   * `groupAtInfoList` (the unread @-mentions) empty at once, as Tencent's; the server's push follows.
   * A topic's conversation (`GROUP<topicID>`) likewise: its topic's, told as TOPIC_UPDATED.
   */
  async setMessageRead(options: SetMessageReadOptions): Promise<ChatResponse<{}>> {
    checkID(options?.conversationID);
    const reach = this.readReach((id) => id === options.conversationID);
    // Mentions pushed before the request are of messages the read covers.
    const mentioned = this.mentions.pendingSeqs(options.conversationID);
    try {
      await this.http.post<{}>(conversationPath(options.conversationID, '/read'), {});
    } catch (err) {
      // Not in the list: nothing is unread there. Tencent resolves, and chat UIs mark every chat
      // they open read, a new one too.
      if (!(err instanceof NatterError) || err.code !== ErrorCode.NOT_FOUND) throw err;
    }
    for (const [id, seq] of reach) this.cache.noteRead(id, seq);
    this.mentions.forget(options.conversationID, mentioned);
    if (isTopicConversation(options.conversationID)) {
      const topicID = topicOfConversation(options.conversationID);
      this.changeTopic(topicID, () => this.topics.markRead(topicID));
    } else if (this.markReadLocally(options.conversationID)) {
      this.emitList();
    }
    return ok({});
  }

  /** A read conversation as it is locally until the server's push: nothing unread, no mention. */
  private markReadLocally(conversationID: ConversationID): boolean {
    const held = this.store.get(conversationID);
    if (!held || (held.unreadCount === 0 && !held.groupAtInfoList?.length)) return false;
    return this.store.patch(conversationID, { unreadCount: 0, groupAtInfoList: [] });
  }

  /** Natter: archive (a soft delete): out of the default list and the total, everything kept. */
  async archiveConversation(
    options: ConversationID | { conversationIDList: ConversationID[] },
  ): Promise<ChatResponse<{ conversationIDList: ConversationID[] }>> {
    const ids = typeof options === 'string' ? [options] : checkIDList(options?.conversationIDList);
    const reply = await this.http.post<WireConversationIDListReply>('/v1/conversations/archive', {
      conversationIDList: ids,
    });
    // The answer carries no version; the push of the archived objects, which reaches this device
    // too, does.
    if (this.store.remove(reply.conversationIDList ?? ids, null)) this.emitList();
    await this.fetchTotalUnreadMessageCount().catch(() => {});
    return ok({ conversationIDList: reply.conversationIDList });
  }

  /** Natter: brings archived conversations back as they were. */
  async restoreConversation(
    options: ConversationID | { conversationIDList: ConversationID[] },
  ): Promise<ChatResponse<{ conversationIDList: ConversationID[] }>> {
    const ids = typeof options === 'string' ? [options] : checkIDList(options?.conversationIDList);
    const reply = await this.http.post<WireConversationIDListReply>('/v1/conversations/restore', {
      conversationIDList: ids,
    });
    await this.refreshLocal({ unread: true });
    return ok({ conversationIDList: reply.conversationIDList });
  }

  /**
   * Natter: what changed since a version (`GET /v1/conversations/sync`), and whose profile changed
   * since `profileSince` (a previous answer's `profileVersion`); the local list is untouched.
   */
  async getConversationSync(since: number, profileSince?: number): Promise<ChatResponse<ConversationSyncResult>> {
    if (!Number.isInteger(since) || since < 0) throw invalidArgument('since: a version (integer ≥ 0)');
    if (profileSince !== undefined && (!Number.isInteger(profileSince) || profileSince < 0)) {
      throw invalidArgument('profileSince: a profileVersion (integer ≥ 0)');
    }
    const reply = await this.http.get<WireSyncReply>('/v1/conversations/sync', { since, profileSince });
    return ok({
      conversationList: reply.conversationList.map(this.present),
      deletedConversationIDList: reply.deletedConversationIDList,
      messageChangeList: reply.messageChangeList.map((c) => {
        const change = c.change === 'revoked' || c.change === 'modified' ? c.change : 'deleted';
        // This instance's sends under the IDs it gave them, as its events name them.
        const messageID = this.cache.localID(c.messageID);
        const message =
          change === 'modified' && c.message ? { ...toMessage(c.message, this.userID ?? ''), ID: messageID } : undefined;
        return {
          conversationID: c.conversationID,
          messageID,
          sequence: c.seq,
          change,
          ...(message ? { message } : {}),
        };
      }),
      version: reply.version,
      profileVersion: reply.profileVersion,
      resetRequired: reply.resetRequired,
    });
  }

  // ---------------------------------------------------------------- conversation preferences

  /**
   * Sets or clears one mark on 1–100 conversations. Natter applies it to all or rejects the call,
   * so `failureConversationIDList` is always empty. HIDE (8) takes the conversations out of the
   * default list, local one included, until the mark is cleared.
   */
  async markConversation(options: MarkConversationOptions): Promise<ChatResponse<ConversationOperationResult>> {
    const ids = checkIDList(options?.conversationIDList);
    const mark = markTypeText(options.markType);
    if (typeof options.enableMark !== 'boolean') throw invalidArgument('enableMark: must be a boolean');
    const body = new RawJson(
      `{"conversationIDList":${JSON.stringify(ids)},"markType":${mark},"enableMark":${options.enableMark}}`,
    );
    const reply = await this.http.post<WireConversationIDListReply>('/v1/conversations/mark', body);
    await this.refreshLocal();
    return ok(operationResult(reply.conversationIDList ?? ids));
  }

  /**
   * Saves (or, with `''`, clears) the draft, at most 16 KiB, on the server: every device shows it.
   * A non-empty draft on a deleted conversation brings it back into the list.
   */
  async setConversationDraft(
    options: SetConversationDraftOptions,
  ): Promise<ChatResponse<{ conversation: Conversation }>> {
    checkID(options?.conversationID);
    if (typeof options.draftText !== 'string') throw invalidArgument('draftText: a string ("" clears it)');
    const wire = await this.http.post<WireConversation>('/v1/conversations/draft', {
      conversationID: options.conversationID,
      draftText: options.draftText,
    });
    this.applyAnswers([wire]);
    return ok({ conversation: this.present(wire) });
  }

  /** Sets the app's own string (at most 256 bytes) on 1–100 conversations. */
  async setConversationCustomData(
    options: SetConversationCustomDataOptions,
  ): Promise<ChatResponse<ConversationOperationResult>> {
    const ids = checkIDList(options?.conversationIDList);
    if (typeof options.customData !== 'string') throw invalidArgument('customData: a string ("" clears it)');
    const reply = await this.http.post<WireConversationIDListReply>('/v1/conversations/customData', {
      conversationIDList: ids,
      customData: options.customData,
    });
    await this.refreshLocal();
    return ok(operationResult(reply.conversationIDList ?? ids));
  }

  /**
   * Mutes (`AcceptNotNotify`, `Discard`) or unmutes (`AcceptAndNotify`) the conversations named by
   * `userIDList` (→ `C2C…`), `groupID` (→ `GROUP…`) or Natter's `conversationIDList`; a group may
   * also be muted but for mentions (`TYPES.NOT_RECEIVE_OFFLINE_PUSH_EXCEPT_AT`: its messages make
   * an offline push only when they mention the user or everyone; another conversation rejects
   * 40001). Muted conversations leave the unread total, which the SDK refetches. A topic's
   * conversation is named by its topicID as `groupID`, as Tencent's: its topic's
   * `selfInfo.messageRemindType` follows (TOPIC_UPDATED). A topic also takes
   * `NOT_RECEIVE_MSG_EXCEPT_AT`, as Tencent's: only the messages that mention the user or everyone
   * reach their devices (MESSAGE_RECEIVED, an offline push); the others still count in the topic's
   * unread count, told by TOPIC_UPDATED. Another conversation rejects it with 40001.
   */
  async setMessageRemindType(
    options: SetMessageRemindTypeOptions,
  ): Promise<ChatResponse<ConversationOperationResult>> {
    if (typeof options !== 'object' || options === null) {
      throw invalidArgument('options: { userIDList | groupID | conversationIDList, messageRemindType }');
    }
    let ids: ConversationID[];
    if (options.conversationIDList !== undefined) {
      ids = checkIDList(options.conversationIDList);
    } else if (options.userIDList !== undefined) {
      if (!Array.isArray(options.userIDList) || options.userIDList.some((u) => typeof u !== 'string' || u === '')) {
        throw invalidArgument('userIDList: an array of userIDs');
      }
      ids = checkIDList(options.userIDList.map((u) => `${TYPES.CONV_C2C}${u}`));
    } else if (options.groupID !== undefined) {
      if (typeof options.groupID !== 'string' || options.groupID === '') throw invalidArgument('groupID: a group ID');
      ids = [`${TYPES.CONV_GROUP}${options.groupID}`];
    } else {
      throw invalidArgument('userIDList, groupID or conversationIDList: one is required');
    }
    const remind = options.messageRemindType;
    if (typeof remind !== 'string') {
      throw invalidArgument('messageRemindType: TYPES.MSG_REMIND_ACPT_AND_NOTE, …_ACPT_NOT_NOTE or …_DISCARD');
    }
    const reply = await this.http.post<WireConversationIDListReply>('/v1/conversations/remindType', {
      conversationIDList: ids,
      messageRemindType: remind,
    });
    await this.refreshLocal({ unread: true });
    return ok(operationResult(reply.conversationIDList ?? ids));
  }

  /**
   * The user's option for all their messages, as Tencent's: quiet hours, today or every day (see
   * receive_option.ts for how the options make the window). Resolves with the option as the
   * server now keeps it, as getAllReceiveMessageOpt gives it (Tencent's resolves with its server's
   * bare answer); every device of the user, this instance included, then hears
   * ALL_RECEIVE_MESSAGE_OPT_UPDATED. With `MSG_REMIND_ACPT_NOT_NOTE` (the default) messages still
   * arrive, as MESSAGE_RECEIVED, and count as unread, but none is pushed to the user while they
   * are offline in the window (the server sends no `msg.offline` webhook); with
   * `MSG_REMIND_ACPT_AND_NOTE` each conversation does as its own remind type says. Bad options,
   * `MSG_REMIND_DISCARD` too, reject with 40001 before any request.
   */
  async setAllReceiveMessageOpt(options: SetAllReceiveMessageOptions): Promise<ChatResponse<AllReceiveMessageOpt>> {
    const body = receiveOptionRequest(options);
    if (this.userID === null) throw notLoggedIn();
    const reply = await this.http.put<WireReceiveOption>('/v1/receive-option', body);
    return ok(toReceiveOption(reply));
  }

  /**
   * The user's option for all their messages, as Tencent's: `{ messageRemindType, startTime,
   * endTime, isRepeated }`, the window in Unix seconds; `MSG_REMIND_ACPT_AND_NOTE` with no window
   * (both times 0) until the user sets one.
   */
  async getAllReceiveMessageOpt(): Promise<ChatResponse<AllReceiveMessageOpt>> {
    if (this.userID === null) throw notLoggedIn();
    return ok(toReceiveOption(await this.http.get<WireReceiveOption>('/v1/receive-option')));
  }

  /** Clears the conversation's history for this user; the entry stays, unread 0, no last message. */
  async clearHistoryMessage(conversationID: ConversationID): Promise<ChatResponse<{}>> {
    checkID(conversationID);
    await this.http.post<{}>(conversationPath(conversationID, '/clearHistory'), {});
    await this.refreshLocal({ unread: true });
    return ok({});
  }

  /** Marks every conversation of the scope read: `TYPES.READ_ALL_C2C_MSG`, `…_GROUP_MSG`, `…_MSG` (default). */
  async setAllMessageRead(options?: SetAllMessageReadOptions): Promise<ChatResponse<{}>> {
    const scope = options?.scope ?? TYPES.READ_ALL_MSG;
    const serverScope = READ_ALL_SCOPES[String(scope)];
    if (serverScope === undefined) {
      throw invalidArgument(
        `scope: ${String(scope)} is not TYPES.READ_ALL_C2C_MSG, TYPES.READ_ALL_GROUP_MSG or TYPES.READ_ALL_MSG`,
      );
    }
    const inScope = (id: ConversationID) => serverScope === 'ALL' || conversationTypeOf(id) === serverScope;
    const reach = this.readReach(inScope);
    const mentioned = this.store
      .list()
      .filter((c) => inScope(c.conversationID))
      .map((c) => [c.conversationID, this.mentions.pendingSeqs(c.conversationID)] as const);
    await this.http.post<{}>('/v1/conversations/readAll', { scope: serverScope });
    for (const [id, seq] of reach) this.cache.noteRead(id, seq);
    for (const [id, seqs] of mentioned) this.mentions.forget(id, seqs);
    let changed = false;
    for (const c of this.store.list()) {
      if (inScope(c.conversationID)) changed = this.markReadLocally(c.conversationID) || changed;
    }
    if (changed) this.emitList();
    await this.refreshLocal({ unread: true });
    return ok({});
  }

  // ---------------------------------------------------------------- conversation groups (folders)

  /** The names of the user's conversation groups, oldest first. */
  async getConversationGroupList(): Promise<ChatResponse<string[]>> {
    return ok(await this.folderNames());
  }

  private async folderNames(): Promise<string[]> {
    const reply = await this.http.get<WireFolderList>('/v1/conversation-groups');
    return (reply.conversationGroupList ?? []).map((g) => g.groupName);
  }

  /**
   * Creates a conversation group (name 1–32 bytes, at most 20), optionally with conversations
   * already in the user's list.
   */
  async createConversationGroup(
    options: CreateConversationGroupOptions,
  ): Promise<ChatResponse<ConversationOperationResult>> {
    checkGroupName(options?.groupName, 'groupName');
    const ids = options.conversationIDList === undefined || options.conversationIDList.length === 0
      ? []
      : checkIDList(options.conversationIDList);
    const body: Record<string, unknown> = { groupName: options.groupName };
    if (ids.length) body.conversationIDList = ids;
    await this.http.post<{ groupName: string }>('/v1/conversation-groups', body);
    if (ids.length) await this.refreshLocal();
    await this.emitFolderNames();
    return ok(operationResult(ids));
  }

  async renameConversationGroup(
    options: RenameConversationGroupOptions,
  ): Promise<ChatResponse<{ oldName: string; newName: string }>> {
    checkGroupName(options?.oldName, 'oldName');
    checkGroupName(options.newName, 'newName');
    await this.http.post<{}>('/v1/conversation-groups/rename', { oldName: options.oldName, newName: options.newName });
    await this.refreshLocal();
    await this.emitFolderNames();
    return ok({ oldName: options.oldName, newName: options.newName });
  }

  /** Deletes the conversation group; its conversations stay in the list. */
  async deleteConversationGroup(groupName: string): Promise<ChatResponse<{ groupName: string }>> {
    checkGroupName(groupName, 'groupName');
    await this.http.post<{}>('/v1/conversation-groups/delete', { groupName });
    await this.refreshLocal();
    await this.emitFolderNames();
    return ok({ groupName });
  }

  async addConversationsToGroup(
    options: ConversationGroupMembersOptions,
  ): Promise<ChatResponse<ConversationOperationResult>> {
    return this.changeFolder('/v1/conversation-groups/add', options);
  }

  async deleteConversationsFromGroup(
    options: ConversationGroupMembersOptions,
  ): Promise<ChatResponse<ConversationOperationResult>> {
    return this.changeFolder('/v1/conversation-groups/remove', options);
  }

  private async changeFolder(
    path: string,
    options: ConversationGroupMembersOptions,
  ): Promise<ChatResponse<ConversationOperationResult>> {
    checkGroupName(options?.groupName, 'groupName');
    const ids = checkIDList(options.conversationIDList);
    const reply = await this.http.post<WireConversationIDListReply>(path, {
      groupName: options.groupName,
      conversationIDList: ids,
    });
    await this.refreshLocal();
    if (this.emitter.has(EVENT.CONVERSATION_IN_GROUP_UPDATED)) {
      this.emit(EVENT.CONVERSATION_IN_GROUP_UPDATED, {
        groupName: options.groupName,
        conversationList: this.store
          .list()
          .filter((c) => c.conversationGroupList.includes(options.groupName))
          .map(this.present),
      });
    }
    return ok(operationResult(reply.conversationIDList ?? ids));
  }

  /** CONVERSATION_GROUP_LIST_UPDATED after this instance changed the groups (best effort). */
  private async emitFolderNames(): Promise<void> {
    if (!this.emitter.has(EVENT.CONVERSATION_GROUP_LIST_UPDATED)) return;
    const names = await this.folderNames().catch(() => null);
    if (names) this.emit(EVENT.CONVERSATION_GROUP_LIST_UPDATED, names);
  }

  // ---------------------------------------------------------------- profiles

  /**
   * Users' profiles, as Tencent's: `data` is an array of Profile (`userID`, `nick`, `avatar`,
   * `profileCustomField: [{ key, value }]`, Tencent's other fields empty), in the order asked;
   * users that do not exist are left out. 1–100 userIDs.
   */
  async getUserProfile(options: GetUserProfileOptions): Promise<ChatResponse<Profile[]>> {
    const list = options?.userIDList;
    if (!Array.isArray(list) || list.some((u) => typeof u !== 'string' || u === '')) {
      throw invalidArgument('userIDList: an array of userIDs');
    }
    if (list.length === 0 || list.length > MAX_USERS_PER_PROFILE_CALL) {
      throw invalidArgument(`userIDList: ${list.length} given; 1 to ${MAX_USERS_PER_PROFILE_CALL}`);
    }
    const reply = await this.http.post<WireProfileList>('/v1/profiles', { userIDList: list });
    return ok(reply.profileList.map(toProfile));
  }

  /** The logged-in user's own profile (`data`: a Profile). */
  async getMyProfile(): Promise<ChatResponse<Profile>> {
    if (this.userID === null) throw notLoggedIn();
    return ok(toProfile(await this.http.get<WireProfile>('/v1/profile')));
  }

  /**
   * Changes the user's own profile, as Tencent's: `nick`, `avatar`, who may add them as a friend
   * (`allowType`, `TYPES.ALLOW_TYPE_*`), custom fields (`profileCustomField: [{ key, value }]`,
   * set one by one, the others kept), and Tencent's standard fields `gender`
   * (`TYPES.GENDER_*`), `birthday`, `location` (at most 16 bytes), `selfSignature` (at most 500
   * bytes), `language`, `level` and `role` (whole numbers, 0 to 4,294,967,295); resolves with the
   * profile as it now is, and PROFILE_UPDATED follows on every device that shows it.
   * `messageSettings: 0` (receive messages) is taken and changes nothing, since every Natter user
   * receives their messages; `1` (receive none) rejects with `ErrorCode.UNSUPPORTED` naming it,
   * and nothing changes; any other value rejects 40001, as Tencent's checks it.
   * `adminForbidType` is the app backend's to set (`POST /user/profile`), so that a user cannot
   * lift what the app forbade them: giving it rejects 40301.
   */
  async updateMyProfile(options: UpdateMyProfileOptions): Promise<ChatResponse<Profile>> {
    if (this.userID === null) throw notLoggedIn();
    const {
      nick,
      avatar,
      profileCustomField,
      allowType,
      gender,
      birthday,
      location,
      selfSignature,
      language,
      level,
      role,
      adminForbidType,
      messageSettings,
      ...others
    } = options ?? {};
    if (adminForbidType !== undefined) {
      throw new NatterError({
        code: ErrorCode.PERMISSION_DENIED,
        error: 'permission_denied',
        message: 'adminForbidType: set by the app backend only (server API POST /user/profile, admin_forbid_type)',
      });
    }
    if (messageSettings !== undefined && messageSettings !== 0) {
      if (messageSettings !== 1) throw invalidArgument('messageSettings: 0 (receive messages) or 1 (receive none)');
      throw unsupported(
        'updateMyProfile',
        'Natter keeps no messageSettings: every user receives their messages (1, receive none, is not offered; setAllReceiveMessageOpt and setMessageRemindType quiet them)',
      );
    }
    const unkept = Object.keys(others).filter((key) => others[key as keyof typeof others] !== undefined);
    if (unkept.length > 0) {
      throw unsupported(
        'updateMyProfile',
        `Natter keeps no ${unkept.join(', ')}: its profiles hold nick, avatar, allowType, profileCustomField, gender, birthday, location, selfSignature, language, level and role`,
      );
    }
    for (const [name, value] of [
      ['nick', nick],
      ['avatar', avatar],
      ['location', location],
      ['selfSignature', selfSignature],
    ] as const) {
      if (value !== undefined && typeof value !== 'string') throw invalidArgument(`${name}: must be a string`);
    }
    for (const [name, value] of [
      ['birthday', birthday],
      ['language', language],
      ['level', level],
      ['role', role],
    ] as const) {
      if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff)) {
        throw invalidArgument(`${name}: a whole number, 0 to 4294967295`);
      }
    }
    if (gender !== undefined && !GENDERS.has(gender)) {
      throw invalidArgument(`gender: ${String(gender)} is not one of TYPES.GENDER_*`);
    }
    if (allowType !== undefined && !ALLOW_TYPES.has(allowType)) {
      throw invalidArgument(`allowType: ${String(allowType)} is not one of TYPES.ALLOW_TYPE_*`);
    }
    let customFields: Record<string, string> | undefined;
    if (profileCustomField !== undefined) {
      if (!Array.isArray(profileCustomField)) throw invalidArgument('profileCustomField: an array of { key, value }');
      customFields = {};
      for (const field of profileCustomField) {
        if (typeof field?.key !== 'string' || typeof field.value !== 'string') {
          throw invalidArgument('profileCustomField: each is { key, value }, both strings');
        }
        customFields[field.key] = field.value;
      }
    }
    const body: WireMyProfileUpdate = {
      nick,
      avatar,
      customFields,
      allowType: allowType as WireMyProfileUpdate['allowType'],
      gender: gender as WireMyProfileUpdate['gender'],
      birthday,
      location,
      selfSignature,
      language,
      level,
      role,
    };
    const reply = await this.http.post<WireProfile>('/v1/profile', body);
    return ok(toProfile(reply));
  }

  /**
   * `{ group }`: a group the user is (or was) a member of, as Tencent's Group (`groupID`, `name`,
   * `avatar`, `type`, `introduction`, `notification`, `ownerID`, `joinOption`, `memberCount`,
   * Natter's `isDismissed`, and `groupCustomField`: only the keys of `groupCustomFieldFilter`
   * when given, else all; Tencent's other fields empty, `selfInfo` too: compare `ownerID` with
   * getLoginUser()). Rejects with 40301 for a group the user never belonged to, 40401 for none.
   */
  async getGroupProfile(options: GetGroupProfileOptions): Promise<ChatResponse<{ group: Group }>> {
    checkGroupID(options?.groupID);
    const filter: unknown = options.groupCustomFieldFilter;
    if (filter !== undefined && (!Array.isArray(filter) || filter.some((key) => typeof key !== 'string'))) {
      throw invalidArgument('groupCustomFieldFilter: an array of custom field keys');
    }
    const wire = await this.http.get<WireGroup>(groupPath(options.groupID));
    const group = this.presentGroup(wire);
    if (filter !== undefined) {
      const wanted = new Set(filter as string[]);
      group.groupCustomField = group.groupCustomField.filter(({ key }) => wanted.has(key));
    }
    return ok({ group });
  }

  // ---------------------------------------------------------------- group attributes

  /**
   * Gives the group its attributes, as Tencent's: those given become all of the group's (the
   * others go), and it resolves `{ groupAttributes }`, those given. Any current member, in any
   * type of group (Tencent's web SDK: AVChatRoom groups only, 2641 for the others); every device
   * of every current member, this instance included, then gets GROUP_ATTRIBUTES_UPDATED, unless
   * nothing changed. Two changes at once: the later one's values stay. Rejects with the server's
   * codes: 40301 for a group the user is not a member of, 40302 for a dismissed one, 40401 for
   * none, 40901 (`conflict`) for more than 16 attributes or 16 KiB of them, 40001 for a key of no
   * or over 32 bytes or a value over 4,096. No `groupID`, `groupAttributes` that is no object of
   * at least one attribute, or a value that is no string are refused with 40001 before any
   * request, as Tencent's checks them (see attributes.ts).
   */
  async initGroupAttributes(options: InitGroupAttributesOptions): Promise<ChatResponse<GroupAttributesResult>> {
    const { groupID, groupAttributes } = checkGroupAttributes(options, 'initGroupAttributes');
    if (this.userID === null) throw notLoggedIn();
    const body: WireGroupAttributesRequest = { groupAttributes };
    const reply = await this.http.put<WireGroupAttributes>(groupPath(groupID, '/attributes'), body);
    this.attributes.replace(groupID, reply.groupAttributes);
    return ok({ groupAttributes: { ...reply.groupAttributes } });
  }

  /**
   * Sets attributes of the group, as Tencent's: those given are set (those the group lacks
   * added), the others kept, and it resolves `{ groupAttributes }`, those given. Tells every
   * member's devices as initGroupAttributes, and is refused as it is.
   */
  async setGroupAttributes(options: SetGroupAttributesOptions): Promise<ChatResponse<GroupAttributesResult>> {
    const { groupID, groupAttributes } = checkGroupAttributes(options, 'setGroupAttributes');
    if (this.userID === null) throw notLoggedIn();
    const body: WireGroupAttributesRequest = { groupAttributes };
    const reply = await this.http.post<WireGroupAttributes>(groupPath(groupID, '/attributes'), body);
    this.attributes.merge(groupID, reply.groupAttributes);
    return ok({ groupAttributes: { ...reply.groupAttributes } });
  }

  /**
   * Deletes attributes of the group, as Tencent's: those of `keyList` (those the group lacks
   * passed over), every one with `[]`; resolves `{ keyList }`, the keys deleted, of those named
   * the ones the group had (Tencent's reads them from the attributes its SDK holds; this one too,
   * from what it last heard of the group, asked of the server first when it heard nothing since
   * the connection was last up). Tells every member's devices as initGroupAttributes when one
   * went, and is refused as it is (40001 for a bad key). `keyList` is required, as Tencent's.
   */
  async deleteGroupAttributes(options: DeleteGroupAttributesOptions): Promise<ChatResponse<DeleteGroupAttributesResult>> {
    const { groupID, keyList } = checkAttributeKeys(options, 'deleteGroupAttributes');
    if (this.userID === null) throw notLoggedIn();
    // A read refused is the deletion's to refuse, with its own code.
    const before = this.attributes.get(groupID) ?? (await this.fetchGroupAttributes(groupID).catch(() => undefined));
    const body: WireGroupAttributeKeys = keyList === undefined ? {} : { keyList };
    const reply = await this.http.post<WireGroupAttributes>(groupPath(groupID, '/attributes/delete'), body);
    this.attributes.replace(groupID, reply.groupAttributes);
    return ok({ keyList: deletedKeys(before, keyList, reply.groupAttributes) });
  }

  /**
   * The group's attributes, as Tencent's: `{ groupAttributes }`, those of `keyList` the group has
   * (`[]`: every one; `{}` for a group with none). Asked of the server on every call, where
   * Tencent's answers from what it holds for 30 s. A current member only: 40301 for a group the
   * user never joined, 40302 for one they left or that was dismissed, 40401 for none. TUIKit
   * reads them whenever it opens a group. `keyList` is required, as Tencent's.
   */
  async getGroupAttributes(options: GetGroupAttributesOptions): Promise<ChatResponse<GroupAttributesResult>> {
    const { groupID, keyList } = checkAttributeKeys(options, 'getGroupAttributes');
    if (this.userID === null) throw notLoggedIn();
    if (keyList === undefined) return ok({ groupAttributes: { ...(await this.fetchGroupAttributes(groupID)) } });
    const body: WireGroupAttributeKeys = { keyList };
    const reply = await this.http.post<WireGroupAttributes>(groupPath(groupID, '/attributes/get'), body);
    this.attributes.read(groupID, keyList, reply.groupAttributes);
    return ok({ groupAttributes: { ...reply.groupAttributes } });
  }

  /** Every attribute of the group, asked of the server (and held, attributes.ts). */
  private async fetchGroupAttributes(groupID: string): Promise<Record<string, string>> {
    const body: WireGroupAttributeKeys = {};
    const reply = await this.http.post<WireGroupAttributes>(groupPath(groupID, '/attributes/get'), body);
    this.attributes.replace(groupID, reply.groupAttributes);
    return reply.groupAttributes;
  }

  /**
   * Sets counters of the group, as Tencent's: `{ counters }`, those set, as they now are (the
   * group's others are kept; those it lacks are added, at most 20 a group). Any current member
   * sets them; every device of every current member, this instance included, then gets
   * GROUP_COUNTER_UPDATED for each. Two members setting one counter at once: the later wins.
   * Rejects with the server's codes: 40301 for a group the user never joined, 40302 for one they
   * left or that was dismissed, 40401 for none, 40901 (`conflict`) when the group would have more
   * than 20, 40001 for more than 20 in one call or a key of over 128 bytes. A `groupID` that is
   * no group ID, no counters, or a value that is no whole number are refused with 40001 before
   * any request (see counters.ts).
   */
  async setGroupCounters(options: SetGroupCountersOptions): Promise<ChatResponse<GroupCountersResult>> {
    const { groupID, counters } = checkSetCounters(options);
    if (this.userID === null) throw notLoggedIn();
    const body: WireSetGroupCountersRequest = { counters };
    const reply = await this.http.post<WireGroupCounters>(groupPath(groupID, '/counters'), body);
    return ok({ counters: { ...reply.counters } });
  }

  /**
   * Raises a counter of the group by `value` (a counter the group lacks starts at 0), as
   * Tencent's: `{ counters: { [key]: value } }`, the counter as it now is. Two members raising it
   * at once both count. Tells every member's devices as setGroupCounters, and is refused as it
   * is; a counter that would leave 64 bits too (40001). A `value` that is no whole number above
   * 0 (Tencent's refuses 0 as missing) is refused with 40001 before any request.
   */
  async increaseGroupCounter(options: IncreaseGroupCounterOptions): Promise<ChatResponse<GroupCountersResult>> {
    return this.stepGroupCounter(checkCounterStep(options, 'increaseGroupCounter'), '/counters/increase');
  }

  /**
   * Lowers a counter of the group by `value`, as Tencent's; a counter may go below 0. As
   * increaseGroupCounter otherwise.
   */
  async decreaseGroupCounter(options: DecreaseGroupCounterOptions): Promise<ChatResponse<GroupCountersResult>> {
    return this.stepGroupCounter(checkCounterStep(options, 'decreaseGroupCounter'), '/counters/decrease');
  }

  private async stepGroupCounter(
    { groupID, key, value }: IncreaseGroupCounterOptions,
    suffix: string,
  ): Promise<ChatResponse<GroupCountersResult>> {
    if (this.userID === null) throw notLoggedIn();
    const body: WireGroupCounterStep = { key, value };
    const reply = await this.http.post<WireGroupCounter>(groupPath(groupID, suffix), body);
    return ok({ counters: { [reply.key]: reply.value } });
  }

  /**
   * The group's counters, as Tencent's: `{ counters }`, those of `keyList` the group has (left out
   * or `[]`: every one; `{}` for a group with none). Asked of the server on every call, where
   * Tencent's answers from what it holds for 30 s. A current member only: 40302 for a group the
   * user left or that was dismissed, 40301 for one they never joined, 40401 for none. TUIKit reads
   * them whenever it opens a group.
   */
  async getGroupCounters(options: GetGroupCountersOptions): Promise<ChatResponse<GroupCountersResult>> {
    const { groupID, keyList } = checkGetCounters(options);
    if (this.userID === null) throw notLoggedIn();
    const body: WireGroupCountersRequest = keyList === undefined ? {} : { keyList };
    const reply = await this.http.post<WireGroupCounters>(groupPath(groupID, '/counters/get'), body);
    return ok({ counters: { ...reply.counters } });
  }

  // ---------------------------------------------------------------- blocklist

  /**
   * The users this user blocks (`data`: their userIDs, in the order blocked), as Tencent's. Their
   * one-to-one messages to the user are refused (`ErrorCode.IN_BLACKLIST`, 40305); the user may
   * still write to them, and groups are not affected. Answered from the list this instance
   * follows (fetched at SDK_READY when the app listens for BLACKLIST_UPDATED, kept by the server's
   * pushes), else asked of the server, which makes the instance follow it from then on.
   */
  async getBlacklist(): Promise<ChatResponse<string[]>> {
    if (this.userID === null) throw notLoggedIn();
    return ok(await this.blocklist.get());
  }

  /**
   * Blocks 1–1000 users, as Tencent's: `data` is the whole blocklist after the change (those blocked
   * already keep their place). The user themself is passed over; naming only themself rejects with
   * 40001, without a request. The user's other devices and tabs hear of it as BLACKLIST_UPDATED;
   * this instance does not (the answer is the list).
   */
  async addToBlacklist(options: BlacklistOptions): Promise<ChatResponse<string[]>> {
    const me = this.userID;
    if (me === null) throw notLoggedIn();
    const userIDList = checkBlacklistIDs(options);
    if (userIDList.every((u) => u === me)) throw invalidArgument('userIDList: a user cannot block themself');
    return ok(
      await this.blocklist.change(
        async () => (await this.http.post<WireBlacklist>('/v1/blacklist', { userIDList })).userIDList,
      ),
    );
  }

  /**
   * Unblocks 1–1000 users (those not blocked are passed over), as Tencent's: `data` is the whole
   * blocklist after the change. The user's other devices and tabs hear of it as BLACKLIST_UPDATED.
   */
  async removeFromBlacklist(options: BlacklistOptions): Promise<ChatResponse<string[]>> {
    if (this.userID === null) throw notLoggedIn();
    const userIDList = checkBlacklistIDs(options);
    return ok(
      await this.blocklist.change(
        async () => (await this.http.post<WireBlacklist>('/v1/blacklist/remove', { userIDList })).userIDList,
      ),
    );
  }

  // ---------------------------------------------------------------- friends

  /**
   * The user's friend list (`data`: Friend[], oldest entry first), as Tencent's: each entry with
   * the name the user gives the friend (`remark`), where they found them (`source`), the note of the
   * request that made it (`wording`), when (`addTime`, in seconds) and the friend's profile as it is
   * now. An entry is the user's own: the friend may or may not have the user in theirs
   * (checkFriend tells). Asked of the server on every call, where Tencent's answers from the list it
   * holds; FRIEND_LIST_UPDATED brings the list whenever it changes.
   */
  async getFriendList(): Promise<ChatResponse<Friend[]>> {
    if (this.userID === null) throw notLoggedIn();
    const reply = await this.http.get<WireFriendList>('/v1/friends');
    return ok(reply.friendList.map(toFriend));
  }

  /**
   * Adds `to` as a friend, as Tencent's: `data` is `{ userID, code, message }`, `code` 0 when they are
   * in the user's list now (they let anyone add them, `ALLOW_TYPE_ALLOW_ANY`; had the user in their
   * list already; or had asked the user first) and 30539, Tencent's number, when a request now waits
   * for them (`ALLOW_TYPE_NEED_CONFIRM`, every user's default; asking again replaces it). With
   * `SNS_ADD_TYPE_BOTH` (the default) each gets the other in their list, with `SNS_ADD_TYPE_SINGLE`
   * only the user gets them. `groupName` (1 to 30 bytes; `''` or left out: none) is the user's
   * friend group they go in, made if the user has none of that name: at once when added, and when
   * they accept when a request waits (the server keeps it with the request; it is the user's
   * group, never theirs). Both users' devices hear FRIEND_LIST_UPDATED and
   * FRIEND_APPLICATION_LIST_UPDATED as their lists change, and FRIEND_GROUP_LIST_UPDATED when a
   * group changed. Rejects with 40001 (the user themself, without a request; a `source` not
   * `AddSource_Type_` and a keyword of 1 to 8 bytes, a `wording` over 256 bytes, a `remark` over
   * 96, a `groupName` over 30), 40305 (either blocks the other), 40301 (they take no requests,
   * `ALLOW_TYPE_DENY_ANY`), 40401 (a user the server never knew) or 40901 (in the list already, a
   * list would pass 3,000 friends, or `groupName` would be a 33rd group).
   */
  async addFriend(options: AddFriendOptions): Promise<ChatResponse<AddFriendResult>> {
    const me = this.userID;
    if (me === null) throw notLoggedIn();
    checkOptions(options, 'addFriend');
    checkUserID(options.to, 'to');
    if (options.to === me) throw invalidArgument('to: a user cannot add themself as a friend');
    if (typeof options.source !== 'string') {
      throw invalidArgument('source: required, AddSource_Type_ and a keyword of 1 to 8 bytes (AddSource_Type_Web)');
    }
    checkOptionalString(options.wording, 'wording');
    checkOptionalString(options.remark, 'remark');
    checkOptionalString(options.groupName, 'groupName');
    const body: WireAddFriend = {
      to: options.to,
      source: options.source,
      wording: options.wording,
      remark: options.remark,
      groupName: options.groupName || undefined,
      type: addDirection(options.type),
    };
    const reply = await this.http.post<WireAddedFriend>('/v1/friends', body);
    return ok(
      reply.status === 'added'
        ? { userID: reply.userID, code: 0, message: '' }
        : { userID: reply.userID, code: FRIEND_APPLICATION_PENDING, message: FRIEND_APPLICATION_PENDING_MESSAGE },
    );
  }

  /**
   * Takes 1–1000 users out of the user's friend list, as Tencent's; with `SNS_DELETE_TYPE_BOTH` (the
   * default) the user leaves each one's list too, with `SNS_DELETE_TYPE_SINGLE` theirs stay as they
   * are. `data`: `{ successUserIDList: [{ userID, code: 0 }], failureUserIDList: [{ userID, code,
   * message }] }`, a failure being a user not in the list (40401, `ErrorCode.NOT_FOUND`, nothing
   * changed for them). Conversations and messages stay as they are.
   */
  async deleteFriend(options: DeleteFriendOptions): Promise<ChatResponse<DeleteFriendResult>> {
    if (this.userID === null) throw notLoggedIn();
    checkOptions(options, 'deleteFriend');
    const body: WireFriendIDList = {
      userIDList: checkFriendIDs(options.userIDList),
      type: deleteDirection(options.type),
    };
    const reply = await this.http.post<WireDeletedFriends>('/v1/friends/delete', body);
    return ok({
      successUserIDList: reply.successUserIDList.map((userID) => ({ userID, code: 0 as const })),
      failureUserIDList: reply.failureUserIDList.map(({ userID, message }) => ({
        userID,
        code: ErrorCode.NOT_FOUND,
        message,
      })),
    });
  }

  /**
   * How 1–1000 users stand towards the user, as Tencent's: `data.successUserIDList` has each, in the
   * order asked, as `{ userID, code: 0, relation }`, `relation` one of `TYPES.SNS_TYPE_NO_RELATION`,
   * `SNS_TYPE_A_WITH_B` (in the user's list only), `SNS_TYPE_B_WITH_A` (the user in theirs only) or
   * `SNS_TYPE_BOTH_WAY`; `failureUserIDList` is always empty. With `SNS_CHECK_TYPE_SINGLE` only the
   * user's own list is read (`A_WITH_B` or `NO_RELATION`); `SNS_CHECK_TYPE_BOTH` is the default.
   */
  async checkFriend(options: CheckFriendOptions): Promise<ChatResponse<CheckFriendResult>> {
    if (this.userID === null) throw notLoggedIn();
    checkOptions(options, 'checkFriend');
    const body: WireFriendIDList = {
      userIDList: checkFriendIDs(options.userIDList),
      type: checkDirection(options.type),
    };
    const reply = await this.http.post<WireFriendRelations>('/v1/friends/check', body);
    return ok({
      successUserIDList: reply.resultList.map(({ userID, relation }) => ({ userID, code: 0 as const, relation })),
      failureUserIDList: [],
    });
  }

  /**
   * The friend-list entries of 1–1000 users, as Tencent's: `data.friendList` has the Friend of each
   * one in the user's list, in the order asked (each once), and `failureUserIDList` the others, as
   * `{ userID, code: 40401, message }`. Read from the whole list (`GET /v1/friends`): the server
   * has no call for a few entries.
   */
  async getFriendProfile(options: GetFriendProfileOptions): Promise<ChatResponse<GetFriendProfileResult>> {
    const me = this.userID;
    if (me === null) throw notLoggedIn();
    checkOptions(options, 'getFriendProfile');
    const asked = new Set(checkFriendIDs(options.userIDList));
    const listed = new Map((await this.getFriendList()).data.map((friend) => [friend.userID, friend]));
    const result: GetFriendProfileResult = { friendList: [], failureUserIDList: [] };
    for (const userID of asked) {
      const friend = listed.get(userID);
      if (friend) result.friendList.push(friend);
      else result.failureUserIDList.push({ userID, code: ErrorCode.NOT_FOUND, message: notAFriend(userID, me) });
    }
    return ok(result);
  }

  /**
   * Renames a friend in the user's list, or sets what the user keeps about them, as Tencent's:
   * `remark` at most 96 bytes, `''` taking the name away; `friendCustomField` (`[{ key, value }]`)
   * sets the custom fields it names and keeps the others, `''` removing one (at most 20 per friend,
   * keys of 1–32 bytes, values of at most 512: else 40001, or 40901 past 20). `data` is the Friend
   * as it now is. The user's devices hear FRIEND_LIST_UPDATED. With neither, nothing changes and
   * `data` is the entry as it is. A user not in the list rejects with 40401.
   */
  async updateFriend(options: UpdateFriendOptions): Promise<ChatResponse<Friend>> {
    const me = this.userID;
    if (me === null) throw notLoggedIn();
    checkOptions(options, 'updateFriend');
    checkUserID(options.userID, 'userID');
    checkOptionalString(options.remark, 'remark');
    const friendCustomField = customFieldList(options.friendCustomField, 'friendCustomField');
    if (options.remark === undefined && friendCustomField === undefined) {
      const { friendList } = (await this.getFriendProfile({ userIDList: [options.userID] })).data;
      const friend = friendList[0];
      if (!friend) {
        const message = notAFriend(options.userID, me);
        throw new NatterError({ code: ErrorCode.NOT_FOUND, error: 'not_found', message });
      }
      return ok(friend);
    }
    const body: WireFriendUpdate = { userID: options.userID, remark: options.remark, friendCustomField };
    return ok(toFriend(await this.http.post<WireFriend>('/v1/friends/remark', body)));
  }

  /**
   * The friend requests that wait, as Tencent's: `data` is `{ friendApplicationList, unreadCount }`,
   * the requests to the user (`type` `TYPES.SNS_APPLICATION_SENT_TO_ME`, `userID` who asked) and from
   * them (`SNS_APPLICATION_SENT_BY_ME`, `userID` whom they asked), newest first, each with the other
   * user's `nick` and `avatar`, `time` (seconds), `source` and `wording`; `unreadCount` the requests
   * to the user made since setFriendApplicationRead. A request is gone once answered or deleted.
   * Only these calls and FRIEND_APPLICATION_LIST_UPDATED tell of requests: no message is sent.
   */
  async getFriendApplicationList(): Promise<ChatResponse<FriendApplicationListResult>> {
    if (this.userID === null) throw notLoggedIn();
    const reply = await this.http.get<WireFriendApplicationList>('/v1/friend-applications');
    return ok({
      friendApplicationList: reply.applicationList.map(toFriendApplication),
      unreadCount: reply.unreadCount,
    });
  }

  /**
   * Accepts the request `userID` made, as Tencent's: the asker's list gets the user; with
   * `SNS_APPLICATION_AGREE_AND_ADD` (the default) the user's list gets the asker too, named
   * `remark`, with `SNS_APPLICATION_AGREE` it does not. The asker's `groupName` (their addFriend)
   * puts the user in that friend group of the asker's; the asker goes in none of the user's (`tag`
   * is not used: addToFriendGroup once accepted). The request is gone, and both users' devices hear
   * FRIEND_LIST_UPDATED and FRIEND_APPLICATION_LIST_UPDATED (the asker's FRIEND_GROUP_LIST_UPDATED
   * too when it named a group). `data` is `{}`. No such request waiting (answered or deleted
   * already, or never made) rejects with 40401.
   */
  async acceptFriendApplication(options: AcceptFriendApplicationOptions): Promise<ChatResponse<{}>> {
    if (this.userID === null) throw notLoggedIn();
    checkOptions(options, 'acceptFriendApplication');
    checkUserID(options.userID, 'userID');
    checkOptionalString(options.remark, 'remark');
    const body: WireAcceptFriendApplication = {
      userID: options.userID,
      type: acceptDirection(options.type),
      remark: options.remark,
    };
    await this.http.post<{}>('/v1/friend-applications/accept', body);
    return ok({});
  }

  /**
   * Refuses the request `userID` made, as Tencent's: it is gone, no list changes, and both users'
   * devices hear FRIEND_APPLICATION_LIST_UPDATED (the asker is sent nothing else). `data` is `{}`;
   * no such request waiting rejects with 40401. `remark` and `tag` are not used.
   */
  async refuseFriendApplication(options: RefuseFriendApplicationOptions): Promise<ChatResponse<{}>> {
    if (this.userID === null) throw notLoggedIn();
    checkOptions(options, 'refuseFriendApplication');
    checkUserID(options.userID, 'userID');
    const body: WireFriendApplicationRef = { userID: options.userID };
    await this.http.post<{}>('/v1/friend-applications/refuse', body);
    return ok({});
  }

  /**
   * Deletes a request from the user's list of requests, as Tencent's: the one `userID` made to the
   * user (`SNS_APPLICATION_SENT_TO_ME`, the default), or the user's own to `userID`
   * (`SNS_APPLICATION_SENT_BY_ME`), which withdraws it. Both users' devices hear
   * FRIEND_APPLICATION_LIST_UPDATED. `data` is `{}`; no such request rejects with 40401.
   */
  async deleteFriendApplication(options: DeleteFriendApplicationOptions): Promise<ChatResponse<{}>> {
    if (this.userID === null) throw notLoggedIn();
    checkOptions(options, 'deleteFriendApplication');
    checkUserID(options.userID, 'userID');
    const body: WireFriendApplicationRef = { userID: options.userID, type: applicationWay(options.type) };
    await this.http.post<{}>('/v1/friend-applications/delete', body);
    return ok({});
  }

  /**
   * Marks the requests made to the user so far read, as Tencent's: getFriendApplicationList's
   * `unreadCount` is 0 until the next one, and the user's devices hear
   * FRIEND_APPLICATION_LIST_UPDATED. `data` is `{}`.
   */
  async setFriendApplicationRead(): Promise<ChatResponse<{}>> {
    if (this.userID === null) throw notLoggedIn();
    await this.http.post<{}>('/v1/friend-applications/read', {});
    return ok({});
  }

  /**
   * The user's friend groups (`data`: FriendGroup[], the data itself, as Tencent's), oldest first,
   * each `{ name, userIDList, count }`, its friends by userID. Asked of the server on every call,
   * where Tencent's answers from the groups it holds; FRIEND_GROUP_LIST_UPDATED brings them
   * whenever they change.
   */
  async getFriendGroupList(): Promise<ChatResponse<FriendGroup[]>> {
    if (this.userID === null) throw notLoggedIn();
    const reply = await this.http.get<WireFriendGroupList>('/v1/friend-groups');
    return ok(reply.friendGroupList.map(toFriendGroup));
  }

  /**
   * Makes one of the user's friend groups, as Tencent's: `name` 1 to 30 bytes, with those of
   * `userIDList` (0–1000, or left out) who are the user's friends. `data` is `{ friendGroup,
   * failureUserIDList }`: the group as made, and `{ userID, code: 40401, message }` for each one
   * named who is not a friend (left out of it). The user's devices hear FRIEND_GROUP_LIST_UPDATED,
   * and FRIEND_LIST_UPDATED when a friend went in (their `groupList`). Rejects with 40901 (a group
   * of that name, or 32 groups already) or 40001 (a name empty or over 30 bytes).
   */
  async createFriendGroup(options: CreateFriendGroupOptions): Promise<ChatResponse<CreateFriendGroupResult>> {
    if (this.userID === null) throw notLoggedIn();
    checkOptions(options, 'createFriendGroup');
    checkFriendGroupName(options.name, 'name');
    const body: WireFriendGroupMembers = {
      name: options.name,
      userIDList: options.userIDList === undefined ? [] : checkFriendIDs(options.userIDList, 0),
    };
    const reply = await this.http.post<WireChangedFriendGroup>('/v1/friend-groups', body);
    return ok({ friendGroup: toFriendGroup(reply.friendGroup), failureUserIDList: groupFailures(reply) });
  }

  /**
   * Deletes one of the user's friend groups, as Tencent's: its friends stay friends, in their other
   * groups. `data` is the FriendGroup as it was (Tencent's empties its `userIDList`, keeping
   * `count`; Natter's keeps both). The user's devices hear FRIEND_GROUP_LIST_UPDATED. No group of
   * that name rejects with 40401.
   */
  async deleteFriendGroup(options: DeleteFriendGroupOptions): Promise<ChatResponse<FriendGroup>> {
    if (this.userID === null) throw notLoggedIn();
    checkOptions(options, 'deleteFriendGroup');
    checkFriendGroupName(options.name, 'name');
    const body: WireFriendGroupName = { name: options.name };
    return ok(toFriendGroup(await this.http.post<WireFriendGroup>('/v1/friend-groups/delete', body)));
  }

  /**
   * Puts 1–1000 of the user's friends in one of their friend groups, as Tencent's: `data` is
   * `{ friendGroup, failureUserIDList }`, the group as it now is and `{ userID, code: 40401,
   * message }` for each one named who is not a friend (one in the group already is no failure).
   * The user's devices hear FRIEND_GROUP_LIST_UPDATED and FRIEND_LIST_UPDATED. No group of that
   * name rejects with 40401.
   */
  async addToFriendGroup(options: FriendGroupMembersOptions): Promise<ChatResponse<FriendGroupMembersResult>> {
    return this.changeFriendGroup('addToFriendGroup', '/v1/friend-groups/add', options);
  }

  /**
   * Takes 1–1000 friends out of one of the user's friend groups, as Tencent's (they stay friends):
   * `data` is `{ friendGroup, failureUserIDList }`, the group as it now is and `{ userID, code:
   * 40401, message }` for each one named who was not in it. The user's devices hear
   * FRIEND_GROUP_LIST_UPDATED and FRIEND_LIST_UPDATED. No group of that name rejects with 40401.
   */
  async removeFromFriendGroup(options: FriendGroupMembersOptions): Promise<ChatResponse<FriendGroupMembersResult>> {
    return this.changeFriendGroup('removeFromFriendGroup', '/v1/friend-groups/remove', options);
  }

  /**
   * Renames one of the user's friend groups, as Tencent's: `data` is the FriendGroup under
   * `newName` (1 to 30 bytes). The user's devices hear FRIEND_GROUP_LIST_UPDATED and
   * FRIEND_LIST_UPDATED (its friends' `groupList`). Rejects with 40401 (no group `oldName`), 40901
   * (a group `newName` already) or 40001 (`newName` empty, over 30 bytes, or `oldName` itself).
   */
  async renameFriendGroup(options: RenameFriendGroupOptions): Promise<ChatResponse<FriendGroup>> {
    if (this.userID === null) throw notLoggedIn();
    checkOptions(options, 'renameFriendGroup');
    checkFriendGroupName(options.oldName, 'oldName');
    checkFriendGroupName(options.newName, 'newName');
    const body: WireRenameFriendGroup = { oldName: options.oldName, newName: options.newName };
    return ok(toFriendGroup(await this.http.post<WireFriendGroup>('/v1/friend-groups/rename', body)));
  }

  /**
   * addToFriendGroup and removeFromFriendGroup: each failure also named `to`, as Tencent's SDK
   * names it at run time for these two calls (its createFriendGroup says `userID`).
   */
  private async changeFriendGroup(
    call: string,
    path: string,
    options: FriendGroupMembersOptions,
  ): Promise<ChatResponse<FriendGroupMembersResult>> {
    if (this.userID === null) throw notLoggedIn();
    checkOptions(options, call);
    checkFriendGroupName(options.name, 'name');
    const body: WireFriendGroupMembers = { name: options.name, userIDList: checkFriendIDs(options.userIDList) };
    const reply = await this.http.post<WireChangedFriendGroup>(path, body);
    return ok({
      friendGroup: toFriendGroup(reply.friendGroup),
      failureUserIDList: groupFailures(reply).map((failure) => ({ ...failure, to: failure.userID })),
    });
  }

  // ---------------------------------------------------------------- groups

  /**
   * The groups the user is a member of now (`{ groupList }`), by group ID, with `selfInfo.role`.
   * Held for their conversations, whose `groupProfile` shows them: CONVERSATION_LIST_UPDATED
   * follows when one shows its group anew.
   */
  async getGroupList(): Promise<ChatResponse<{ groupList: Group[] }>> {
    const reply = await this.http.get<WireGroupList>('/v1/groups');
    if (this.noteGroups(reply.groupList, { wholeList: true })) this.emitList();
    return ok({ groupList: reply.groupList.map((g) => this.groupOf(g)) });
  }

  /**
   * How many of the group's members are online, as Tencent's: resolves `{ memberCount }`, the
   * current members with a connection open anywhere in the cluster, the user included, for any
   * type of group. For a group the user is not (or no longer) a member of, `{ memberCount: 0 }`,
   * as Tencent's answers for a group it does not hold. Each call asks the server (Tencent's keeps
   * the count of a group other than a live-stream one for a minute).
   */
  async getGroupOnlineMemberCount(groupID: string): Promise<ChatResponse<{ memberCount: number }>> {
    checkGroupID(groupID);
    try {
      const reply = await this.http.get<WireGroupOnlineMemberCount>(groupPath(groupID, '/online-count'));
      return ok({ memberCount: reply.memberCount });
    } catch (err) {
      if (!isNotAMember(err)) throw err;
      return ok({ memberCount: 0 });
    }
  }

  /**
   * Marks members of an audio-video group (`GRP_AVCHATROOM`), or takes the mark off them
   * (`enableMark: false`), as Tencent's: only the group's owner may. `markType` is 1000 or more
   * (a smaller one rejects without a request, as Tencent's SDK); a group's members carry at most 10
   * distinct marks, a mark at most 1,000 members. Resolves `{ successUserIDList,
   * failureUserIDList }`, the latter the users who are not members. As Tencent's SDK, a list of
   * more than 500 users is cut to the first 500, with a warning. getGroupMemberList's `filter`
   * lists the members carrying a mark. A member who leaves loses their marks; no one is told of a
   * mark.
   */
  async markGroupMemberList(
    options: MarkGroupMemberListOptions,
  ): Promise<ChatResponse<{ successUserIDList: string[]; failureUserIDList: string[] }>> {
    checkGroupID(options?.groupID);
    const { markType, enableMark } = options;
    if (typeof markType !== 'number' || !Number.isInteger(markType) || markType < MIN_MEMBER_MARK) {
      throw invalidArgument(`markType: ${String(markType)} is not a mark; use a number of ${MIN_MEMBER_MARK} or more`);
    }
    if (typeof enableMark !== 'boolean') throw invalidArgument('enableMark: a boolean');
    let userIDList = options.userIDList;
    if (!Array.isArray(userIDList) || userIDList.length === 0 || userIDList.some((u) => typeof u !== 'string' || u === '')) {
      throw invalidArgument('userIDList: a non-empty array of userIDs');
    }
    if (userIDList.length > MAX_MARKED_PER_CALL) {
      this.warn(`markGroupMemberList: userIDList: ${userIDList.length} users; marking the first ${MAX_MARKED_PER_CALL}`);
      userIDList = userIDList.slice(0, MAX_MARKED_PER_CALL);
    }
    const reply = await this.http.post<WireMarkGroupMembersResult>(groupPath(options.groupID, '/members/mark'), {
      userIDList,
      markType,
      enableMark,
    });
    return ok({ successUserIDList: reply.successUserIDList, failureUserIDList: reply.failureUserIDList });
  }

  /**
   * A page of the group's members, by user ID: `{ memberList, offset }`, `offset` being where the
   * next page starts, 0 after the last, as Tencent's. A member's `role` is `Owner` for the group's
   * owner, `Admin` for its admins, else `Member`; `nameCard` their name card in the group,
   * `muteUntil` when their mute ends (Unix seconds, 0 when not muted), and `memberCustomField`
   * their custom fields in the group, `joinTime` when they joined (Unix seconds). `role` lists the
   * members of that role only, paged among themselves, as Tencent's server filters them
   * (`GRP_MBR_ROLE_CUSTOM`: none). As Tencent's, a `count` over 100 asks for 100, and a group the
   * user is not a member of (any more) lists no one: `{ memberList: [], offset: 0 }`.
   */
  async getGroupMemberList(
    options: GetGroupMemberListOptions,
  ): Promise<ChatResponse<{ memberList: GroupMember[]; offset: number }>> {
    checkGroupID(options?.groupID);
    const role = options.role;
    if (role !== undefined && !GROUP_MEMBER_ROLES.has(role)) {
      throw invalidArgument(`role: ${String(role)} is not one of TYPES.GRP_MBR_ROLE_*`);
    }
    const count = typeof options.count === 'number' ? Math.min(options.count, MAX_MEMBERS_PER_PAGE) : options.count;
    // Natter's groups have no custom roles: no member holds one.
    if (role === TYPES.GRP_MBR_ROLE_CUSTOM) return ok({ memberList: [], offset: 0 });
    let reply: WireGroupMemberList;
    try {
      // The server's role names are Tencent's GRP_MBR_ROLE_* values.
      reply = await this.http.get<WireGroupMemberList>(groupPath(options.groupID, '/members'), {
        count,
        offset: options.offset,
        role,
        filter: options.filter,
      });
    } catch (err) {
      if (!isNotAMember(err)) throw err;
      return ok({ memberList: [], offset: 0 });
    }
    return ok({ memberList: reply.memberList.map(toGroupMember), offset: reply.offset });
  }

  /**
   * Creates a group, as Tencent's: the user owns it (`ownerID`) and is its first member, with the
   * users of `memberList`. Resolves `{ group, overLimitUserIDList: [] }` (Natter sets no limit on
   * the groups a user joins). `type` is `GRP_WORK` (the default), `GRP_PUBLIC`, `GRP_MEETING`,
   * `GRP_AVCHATROOM` (an audio-video room: it starts with its creator alone, a `memberList`
   * rejects 40001, and anyone joins it with joinGroup) or `GRP_COMMUNITY` (run as a public group);
   * without a `groupID` the server makes one (`@TGS#…`, as Tencent's). Rejects with 40901 for a
   * groupID in use (a dismissed group's too), 40401 when a user of `memberList` does not exist.
   * Only public groups and communities take a `joinOption`; one given for another type is set
   * aside, as Tencent's SDK sets it aside (the answer's `joinOption` says which applies).
   * `isSupportTopic: true` with `GRP_COMMUNITY` makes a community that holds topics
   * (createTopicInCommunity); with another type the server refuses it (40001). A `memberList`
   * member may be `role` `GRP_MBR_ROLE_ADMIN` (not in a work group, which has no admins: 40001) and
   * bring `memberCustomField`.
   * `maxMemberNum` (1 to 100,000) caps the members: adding or admitting more from a client then
   * rejects with Tencent's 10014 (`ErrorCode.GROUP_FULL_MEMBER_COUNT`), as does a `memberList`
   * that does not fit. `groupCustomField` gives the group its custom fields (at most 20; `''` values
   * set nothing).
   *
   * As Tencent's SDK, it then sends the group (not an audio-video room, nor a community with
   * topics) its "group_create" custom message (see announceGroupCreated): the members'
   * conversations start with it as their last message.
   */
  async createGroup(options: CreateGroupOptions): Promise<ChatResponse<CreateGroupResult>> {
    if (typeof options !== 'object' || options === null) {
      throw invalidArgument('options: { name, type?, groupID?, memberList?, … }');
    }
    if (typeof options.name !== 'string' || options.name === '') throw invalidArgument("name: required, the group's name");
    const type: unknown = options.type ?? TYPES.GRP_WORK;
    if (!CREATABLE_GROUP_TYPES.has(type)) {
      throw invalidArgument(
        `type: ${String(type)} is not TYPES.GRP_WORK, TYPES.GRP_PUBLIC, TYPES.GRP_MEETING, TYPES.GRP_AVCHATROOM or TYPES.GRP_COMMUNITY`,
      );
    }
    const groupID: unknown = options.groupID;
    if (groupID !== undefined && typeof groupID !== 'string') {
      throw invalidArgument('groupID: a string; leave it out for one the server makes');
    }
    checkGroupProfileFields(options);
    const maxMemberNum: unknown = options.maxMemberNum;
    if (maxMemberNum !== undefined && !Number.isInteger(maxMemberNum)) {
      throw invalidArgument('maxMemberNum: a whole number of members, 1 to 100,000');
    }
    const isSupportTopic: unknown = options.isSupportTopic;
    if (isSupportTopic !== undefined && typeof isSupportTopic !== 'boolean') throw invalidArgument('isSupportTopic: a boolean');
    const groupCustomField = customFieldList(options.groupCustomField, 'groupCustomField');
    const members = checkNewMembers(options.memberList);
    const body: WireCreateGroup = {
      groupID: groupID || undefined,
      name: options.name,
      type: type as string,
      avatar: options.avatar,
      introduction: options.introduction,
      notification: options.notification,
      joinOption: options.joinOption as string | undefined,
      memberList: members.length > 0 ? members : undefined,
      groupCustomField,
      maxMemberNum: maxMemberNum as number | undefined,
      isSupportTopic: isSupportTopic || undefined,
    };
    const wire = await this.addingMembers(this.http.post<WireGroup>('/v1/groups', body));
    if (type !== TYPES.GRP_AVCHATROOM && !wire.isSupportTopic) {
      await this.announceGroupCreated(wire.groupID, type === TYPES.GRP_COMMUNITY);
    }
    this.groupListFeed.refresh();
    await this.refreshLocal();
    return ok({ group: this.presentGroup(wire), overLimitUserIDList: [] });
  }

  /**
   * What Tencent's SDK does once it created a group (any type but an audio-video room or a
   * community with topics, which Tencent's skips too): it sends the group a custom message,
   * `payload.data` `{"businessID":"group_create","content":"Create Group","cmd":0,"opUser":…,
   * "version":4}` (for a community `"content":"Create Community","cmd":1`), `opUser` the
   * creator's nick, else their userID. TUIKit shows it as "… created the group", and every
   * member's conversation gets a last message. Sent the usual way (stored,
   * pushed to every member, the creator's other devices included); best effort, as Tencent's: a
   * failure leaves the group made and createGroup resolving.
   */
  private async announceGroupCreated(groupID: string, community: boolean): Promise<void> {
    const me = this.userID;
    if (me === null) return;
    try {
      let opUser = me;
      try {
        opUser = (await this.getMyProfile()).data.nick || me;
      } catch {
        // the userID will do, as Tencent's without a nick
      }
      const message = this.createCustomMessage({
        to: groupID,
        conversationType: TYPES.CONV_GROUP,
        payload: {
          // Tencent's international wording (its Chinese ones are "创建群组" and "创建社群"), and its
          // order of keys.
          data: JSON.stringify({
            businessID: 'group_create',
            content: community ? 'Create Community' : 'Create Group',
            cmd: community ? 1 : 0,
            opUser,
            version: 4,
          }),
        },
      });
      await this.sendMessage(message);
    } catch {
      // best effort, as Tencent's, which does not wait for the send
    }
  }

  /**
   * Adds users to a work group (`GRP_WORK`), as Tencent's: any member may, and the users are in
   * at once. Resolves `{ successUserIDList, failureUserIDList, existedUserIDList,
   * overLimitUserIDList: [], group }`: users the server does not know are failures, members
   * already existed. Public and meeting groups take members from the app backend, or by
   * joinGroup: 40301, as a user who is not a member gets. 1–500 userIDs. A group created with a
   * `maxMemberNum` takes no more: Tencent's 10014 (`ErrorCode.GROUP_FULL_MEMBER_COUNT`), and no
   * one is added.
   */
  async addGroupMember(options: AddGroupMemberOptions): Promise<ChatResponse<AddGroupMemberResult>> {
    checkGroupID(options?.groupID);
    const userIDList = checkUserIDList(options.userIDList);
    const reply = await this.addingMembers(
      this.http.post<WireAddedGroupMembers>(groupPath(options.groupID, '/members'), { userIDList }),
    );
    this.groupListFeed.refresh(); // the group's memberCount
    await this.refreshLocal();
    return ok({
      successUserIDList: reply.successUserIDList,
      failureUserIDList: reply.failureUserIDList,
      existedUserIDList: reply.existedUserIDList,
      overLimitUserIDList: [],
      group: this.presentGroup(reply.group),
    });
  }

  /**
   * A request that adds members to a group, its refusals as Tencent's: 10014
   * (`ErrorCode.GROUP_FULL_MEMBER_COUNT`) for a group with as many members as its creator allowed.
   */
  private async addingMembers<T>(request: Promise<T>): Promise<T> {
    try {
      return await request;
    } catch (err) {
      throw withTencentCode(err, TENCENT_GROUP_FULL);
    }
  }

  /**
   * The owner or an admin removes members, as Tencent's: `{ group, userIDList }`, the users removed
   * (those who were not members are left out). Each keeps a read-only conversation and finds a
   * MSG_GRP_SYS_NOTICE of `operationType` 4 in `@TIM#SYSTEM`. An admin removes plain members
   * only; anyone else gets 40301; the owner naming themself 40001 (they leave with quitGroup).
   * `reason` is accepted and not passed on (Natter's notice carries none). `duration` (seconds),
   * in an audio-video room only, as Tencent's: the users named may not join it again until it
   * passes (their joinGroup rejects 40301); for another type of group it rejects 40001. 1–500
   * userIDs.
   */
  async deleteGroupMember(options: DeleteGroupMemberOptions): Promise<ChatResponse<DeleteGroupMemberResult>> {
    checkGroupID(options?.groupID);
    const userIDList = checkUserIDList(options.userIDList);
    if (options.reason !== undefined && typeof options.reason !== 'string') throw invalidArgument('reason: must be a string');
    const duration: unknown = options.duration;
    if (duration !== undefined && !(Number.isInteger(duration) && (duration as number) >= 0)) {
      throw invalidArgument('duration: whole seconds, 0 or more');
    }
    const reply = await this.http.post<WireRemovedGroupMembers>(groupPath(options.groupID, '/members/remove'), {
      userIDList,
      duration: duration === 0 ? undefined : (duration as number | undefined),
    });
    this.groupListFeed.refresh(); // the group's memberCount
    await this.refreshLocal();
    return ok({ group: this.presentGroup(reply.group), userIDList: reply.userIDList });
  }

  /**
   * Changes the group's name, avatar, introduction, notification or joinOption, as Tencent's:
   * resolves `{ group }` as it now is; the fields left out keep their value. In a work group any
   * member may, in a public or meeting group only the owner and its admins (else 40301). Only a
   * public group takes a `joinOption`; one given for another is set aside, as Tencent's SDK sets
   * it aside. `muteAllMembers: true` mutes everyone but the owner and the admins (their sends to
   * the group reject 40307, `ErrorCode.MUTED`) until `false` ends it: the owner or an admin only,
   * and never in a work group (else 40301, and nothing changes); not a boolean, 40001 before any
   * request. A change writes the tip `GRP_TIP_GRP_PROFILE_UPDATED` with the fields changed in
   * `newGroupProfile`. Every member's conversation list follows (`CONVERSATION_LIST_UPDATED`,
   * this instance's at once). `groupCustomField` sets the custom fields it names and keeps the
   * others; `''` removes one. The server checks its limits: at most 20 fields in all (else 40901,
   * `conflict`), keys of 1–32 bytes and values of at most 512 (else 40001); nothing changes then.
   * The tip's `newGroupProfile.groupCustomField` lists the fields that changed.
   */
  async updateGroupProfile(options: UpdateGroupProfileOptions): Promise<ChatResponse<{ group: Group }>> {
    checkGroupID(options?.groupID);
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
      throw invalidArgument("name: the group's new name, a non-empty string");
    }
    checkGroupProfileFields(options);
    if (options.muteAllMembers !== undefined && typeof options.muteAllMembers !== 'boolean') {
      throw invalidArgument('muteAllMembers: must be a boolean');
    }
    const body: WireGroupProfileUpdate = {
      name: options.name,
      avatar: options.avatar,
      introduction: options.introduction,
      notification: options.notification,
      joinOption: options.joinOption as string | undefined,
      muteAllMembers: options.muteAllMembers,
      groupCustomField: customFieldList(options.groupCustomField, 'groupCustomField'),
    };
    const wire = await this.http.post<WireGroup>(groupPath(options.groupID), body);
    this.groupListFeed.refresh();
    // The server tells every member's devices (profileUpdated, and the tip); this list need not
    // wait for them.
    const profileShown = this.store.applyProfiles([], [wire]);
    const groupShown = this.noteGroups([wire]);
    if (profileShown || groupShown) this.emitList();
    return ok({ group: this.groupOf(wire) });
  }

  /**
   * The owner dismisses a public or meeting group, as Tencent's: `{ groupID }`. Every member
   * keeps a read-only conversation (getGroupProfile then says `isDismissed`) and finds a
   * MSG_GRP_SYS_NOTICE of `operationType` 5 in `@TIM#SYSTEM`. A work group is dismissed by the
   * app backend only, as Tencent's: 40301, as anyone but the owner gets.
   */
  async dismissGroup(groupID: string): Promise<ChatResponse<{ groupID: string }>> {
    checkGroupID(groupID);
    await this.http.post<{}>(groupPath(groupID, '/dismiss'), {});
    this.groupRoles.delete(groupID);
    this.groupListFeed.refresh();
    await this.refreshLocal();
    return ok({ groupID });
  }

  /**
   * Hands the group to another current member, as Tencent's: `{ group }` with the new
   * `ownerID`. Only the owner may (else 40301); a user who is not a member cannot become the
   * owner (40001).
   */
  async changeGroupOwner(options: ChangeGroupOwnerOptions): Promise<ChatResponse<{ group: Group }>> {
    checkGroupID(options?.groupID);
    if (typeof options.newOwnerID !== 'string' || options.newOwnerID === '') {
      throw invalidArgument('newOwnerID: the userID of the member who becomes the owner');
    }
    const wire = await this.http.post<WireGroup>(groupPath(options.groupID, '/owner'), {
      newOwnerID: options.newOwnerID,
    });
    this.groupListFeed.refresh();
    return ok({ group: this.presentGroup(wire) });
  }

  /**
   * `{ memberList }`: the named users among the group's current members, as Tencent's, in the
   * order named, with nick, avatar, `role`, `nameCard`, `muteUntil` and `memberCustomField` (as
   * getGroupMemberList); users who are not members are left out. As Tencent's, only the first 50
   * userIDs are asked for. `memberCustomFieldFilter` keeps only the fields of the keys it names
   * (the server sends them all; the SDK leaves the others out). A current member only: 40302
   * after leaving, 40301 for a stranger.
   */
  async getGroupMemberProfile(
    options: GetGroupMemberProfileOptions,
  ): Promise<ChatResponse<{ memberList: GroupMember[] }>> {
    checkGroupID(options?.groupID);
    const userIDList = options.userIDList;
    if (!Array.isArray(userIDList) || userIDList.length === 0 || userIDList.some((u) => typeof u !== 'string' || u === '')) {
      throw invalidArgument('userIDList: a non-empty array of userIDs (the first 50 are asked for)');
    }
    const filter: unknown = options.memberCustomFieldFilter;
    if (filter !== undefined && (!Array.isArray(filter) || filter.some((key) => typeof key !== 'string'))) {
      throw invalidArgument('memberCustomFieldFilter: an array of the custom field keys to keep');
    }
    const reply = await this.http.post<WireGroupMemberList>(groupPath(options.groupID, '/members/profile'), {
      userIDList: userIDList.slice(0, MAX_MEMBERS_PER_PROFILE_CALL),
    });
    const memberList = reply.memberList.map(toGroupMember);
    if (filter !== undefined) {
      const kept = new Set(filter as string[]);
      for (const member of memberList) member.memberCustomField = member.memberCustomField.filter(({ key }) => kept.has(key));
    }
    return ok({ memberList });
  }

  /**
   * The owner makes a member an admin (`TYPES.GRP_MBR_ROLE_ADMIN`) or a plain member again
   * (`GRP_MBR_ROLE_MEMBER`), as Tencent's: resolves `{ group, member }`, the member as they now
   * are. The members get a group tip (`GRP_TIP_MBR_SET_ADMIN` or `GRP_TIP_MBR_CANCELED_ADMIN`),
   * the member's devices a MSG_GRP_SYS_NOTICE (`operationType` 9 or 10). Only the owner may, and a
   * work group has no admins: else 40301. Another role rejects 40001 before any request; a user who
   * is not a member 40001.
   */
  async setGroupMemberRole(options: SetGroupMemberRoleOptions): Promise<ChatResponse<GroupMemberChangeResult>> {
    checkGroupID(options?.groupID);
    checkMemberID(options.userID);
    if (!ASSIGNABLE_ROLES.has(options.role)) {
      throw invalidArgument(`role: ${String(options.role)} is not TYPES.GRP_MBR_ROLE_ADMIN or TYPES.GRP_MBR_ROLE_MEMBER`);
    }
    return this.updateGroupMember(options.groupID, { userID: options.userID, role: options.role });
  }

  /**
   * Mutes a member for `muteTime` seconds from now, or unmutes them (0), as Tencent's: resolves
   * `{ group, member }`, the member's `muteUntil` now the end of the mute (0 unmuted). Until then
   * their sendMessage to the group rejects with 40307 (`ErrorCode.MUTED`). The members get a group
   * tip (`GRP_TIP_MBR_PROFILE_UPDATED`, `memberList[0].muteTime` the seconds given). The owner
   * mutes anyone else, an admin plain members only, and a work group mutes no one, as Tencent's:
   * else 40301. A user who is not a member rejects 40001. Given a topic's ID as `groupID`, the
   * member is muted in that topic alone, by the community's rules, as Tencent's: `group` is the
   * community, `member.muteUntil` the mute in the topic, and the member's Topic shows it
   * (`selfInfo.muteTime`).
   */
  async setGroupMemberMuteTime(options: SetGroupMemberMuteTimeOptions): Promise<ChatResponse<GroupMemberChangeResult>> {
    checkGroupID(options?.groupID);
    checkMemberID(options.userID);
    const muteTime: unknown = options.muteTime;
    if (typeof muteTime !== 'number' || !Number.isSafeInteger(muteTime) || muteTime < 0) {
      throw invalidArgument('muteTime: whole seconds from now, 0 to unmute');
    }
    return this.updateGroupMember(options.groupID, { userID: options.userID, muteTime });
  }

  /**
   * Sets a member's name card, their name in the group (at most 50 bytes; `''` removes it), as
   * Tencent's: `userID` left out is the user themself. Resolves `{ group, member }`. Anyone sets
   * their own; the owner anyone's, an admin a plain member's (else 40301). A user who is not a
   * member rejects 40001. It is the member's `nameCard` in getGroupMemberList and
   * getGroupMemberProfile.
   */
  async setGroupMemberNameCard(options: SetGroupMemberNameCardOptions): Promise<ChatResponse<GroupMemberChangeResult>> {
    checkGroupID(options?.groupID);
    const me = this.userID;
    if (me === null) throw notLoggedIn();
    const userID = options.userID ?? me;
    checkMemberID(userID);
    if (typeof options.nameCard !== 'string') throw invalidArgument("nameCard: a string, '' to remove it");
    return this.updateGroupMember(options.groupID, { userID, nameCard: options.nameCard });
  }

  /**
   * Sets a member's custom fields in the group, as Tencent's: `userID` left out is the user
   * themself. The fields given are set, the member's others kept; a value of `''` removes that
   * field. Resolves `{ group, member }`, the member with their fields as they now are. Anyone sets
   * their own; the owner anyone's, an admin a plain member's (else 40301). The server's codes
   * otherwise: 40001 for a key outside 1–32 bytes, a value over 512, a key given twice, a user
   * who is not a member; 40901 (`conflict`) when the member would have more than 20 fields; 40301
   * in an AVChatRoom group. A group the SDK knows is an AVChatRoom group is refused with Tencent's
   * 2687 (`ErrorCode.OPERATION_NOT_SUPPORTED_IN_AV`) before any request, as Tencent's refuses it;
   * so is, with 40001, a `memberCustomField` that is no array of `{ key, value }` strings. Nobody
   * is told: the fields are read from the member lists (getGroupMemberList, getGroupMemberProfile).
   */
  async setGroupMemberCustomField(options: SetGroupMemberCustomFieldOptions): Promise<ChatResponse<GroupMemberChangeResult>> {
    checkGroupID(options?.groupID);
    const me = this.userID;
    if (me === null) throw notLoggedIn();
    const userID = options.userID ?? me;
    checkMemberID(userID);
    const fields: unknown = options.memberCustomField;
    const isField = (field: Partial<MemberCustomField> | null) =>
      typeof field === 'object' && field !== null && typeof field.key === 'string' && typeof field.value === 'string';
    if (!Array.isArray(fields) || !fields.every(isField)) {
      throw invalidArgument("memberCustomField: an array of { key, value }, both strings ('' removes a field)");
    }
    if (this.isAVChatRoom(`${TYPES.CONV_GROUP}${options.groupID}`)) {
      throw new NatterError({
        code: ErrorCode.OPERATION_NOT_SUPPORTED_IN_AV,
        error: 'permission_denied',
        message: `setGroupMemberCustomField: ${options.groupID} is an AVChatRoom group, whose members have no custom fields`,
      });
    }
    const memberCustomField = (fields as MemberCustomField[]).map(({ key, value }) => ({ key, value }));
    return this.updateGroupMember(options.groupID, { userID, memberCustomField });
  }

  /** One change to a member (`POST /v1/groups/{groupID}/members/update`), answered as Tencent's. */
  private async updateGroupMember(
    groupID: string,
    body: WireGroupMemberUpdate,
  ): Promise<ChatResponse<GroupMemberChangeResult>> {
    const reply = await this.http.post<WireUpdatedGroupMember>(groupPath(groupID, '/members/update'), body);
    return ok({ group: this.presentGroup(reply.group), member: toGroupMember(reply.member) });
  }

  /**
   * `{ group }`: a group to join, found by its ID, as Tencent's. Any group but a work group can
   * be found (a work group is joined only by being added; its members see it with
   * getGroupProfile): for a work group, even one the user is in, it rejects with 40301, and
   * 40401 for none or a dismissed one, as Tencent's finds none.
   */
  async searchGroupByID(groupID: string): Promise<ChatResponse<{ group: Group }>> {
    checkGroupID(groupID);
    const wire = await this.http.get<WireGroup>(groupPath(groupID));
    if (wire.isDismissed) {
      throw new NatterError({
        code: ErrorCode.NOT_FOUND,
        error: 'not_found',
        message: `group "${groupID}" was dismissed`,
      });
    }
    if (wire.type === TYPES.GRP_WORK) {
      throw new NatterError({
        code: ErrorCode.PERMISSION_DENIED,
        error: 'permission_denied',
        message: `group "${groupID}" is a work group, which cannot be searched for; its members add people`,
      });
    }
    return ok({ group: this.presentGroup(wire) });
  }

  /**
   * Joins a group, as Tencent's: `{ status: JOIN_STATUS_SUCCESS, group }`;
   * `JOIN_STATUS_WAIT_APPROVAL` where the group takes new members with approval (`NeedPermission`,
   * a public group's default: the request, with `applyMessage`, waits for the owner); or
   * `JOIN_STATUS_ALREADY_IN_GROUP` for a member. A work group, or `DisableApply`, rejects with
   * 40301. `type` is accepted and not used.
   */
  async joinGroup(options: JoinGroupOptions): Promise<ChatResponse<JoinGroupResult>> {
    checkGroupID(options?.groupID);
    if (options.applyMessage !== undefined && typeof options.applyMessage !== 'string') {
      throw invalidArgument('applyMessage: must be a string');
    }
    const reply = await this.addingMembers(
      this.http.post<WireJoinedGroup>(groupPath(options.groupID, '/join'), { applyMessage: options.applyMessage }),
    );
    const status = JOIN_STATUSES.get(reply.status) ?? TYPES.JOIN_STATUS_SUCCESS;
    if (status === TYPES.JOIN_STATUS_SUCCESS) {
      this.groupListFeed.refresh();
      await this.refreshLocal();
    }
    return ok({ status, group: this.presentGroup(reply.group) });
  }

  /**
   * `{ applicationList }`: the requests to join the groups the user owns or administers that wait
   * for an answer, oldest first, in Tencent's shape (GroupApplication). A request answered, or whose
   * applicant became a member meanwhile, is no longer listed.
   */
  async getGroupApplicationList(): Promise<ChatResponse<{ applicationList: GroupApplication[] }>> {
    const reply = await this.http.get<WireGroupApplicationList>('/v1/group-applications');
    return ok({ applicationList: reply.applicationList.map(toGroupApplication) });
  }

  /**
   * The owner or an admin answers a request to join, as Tencent's: `handleAction` `'Agree'` (the
   * applicant joins, as by joinGroup of an open group) or `'Reject'`, and `handleMessage`, passed
   * on to the applicant, whose devices get a MSG_GRP_SYS_NOTICE of `operationType` 2 or 3. The
   * request is named as Tencent's names it: by its notice (`message`, `operationType` 1: the
   * applicant is its `operatorID`, the group its `groupProfile`) or by a getGroupApplicationList
   * entry (`application`). Resolves `{ group }` as it now is. Anyone but the owner and the admins
   * gets 40301; a request answered already (or never made) 40401. Unlike Tencent's SDK, the
   * notice is not deleted: it stays in `@TIM#SYSTEM`, and getGroupApplicationList tells which
   * requests still wait.
   */
  async handleGroupApplication(options: HandleGroupApplicationOptions): Promise<ChatResponse<{ group: Group }>> {
    if (typeof options !== 'object' || options === null) throw invalidArgument('handleGroupApplication: options required');
    if (!HANDLE_ACTIONS.has(options.handleAction)) throw invalidArgument("handleAction: 'Agree' or 'Reject'");
    if (options.handleMessage !== undefined && typeof options.handleMessage !== 'string') {
      throw invalidArgument('handleMessage: must be a string');
    }
    const { groupID, applicant } = requestToJoin(options);
    const body: WireHandleGroupApplication = {
      applicant,
      handleAction: options.handleAction,
      handleMessage: options.handleMessage,
    };
    const wire = await this.addingMembers(this.http.post<WireGroup>(groupPath(groupID, '/applications/handle'), body));
    if (options.handleAction === 'Agree') {
      this.groupListFeed.refresh(); // the group's memberCount
      await this.refreshLocal();
    }
    return ok({ group: this.presentGroup(wire) });
  }

  /**
   * Leaves the group. Its conversation stays in the list, readable up to now; sending to it then
   * rejects with 40302 `not_a_member`. The owner of a public or meeting group cannot leave it
   * (40301: dismissGroup instead), as Tencent's; an owner who leaves their work group owns it no
   * more (`ownerID` becomes `''`). The user's other devices and tabs find a MSG_GRP_SYS_NOTICE of
   * `operationType` 8 in `@TIM#SYSTEM`, as Tencent's. A group the user left already (or was
   * removed from) rejects with Tencent's 2623 (`ErrorCode.MEMBER_NOT_IN_GRP`), as Tencent's
   * rejects a group it does not hold; one they were never in, 40301.
   */
  async quitGroup(groupID: string): Promise<ChatResponse<{ groupID: string }>> {
    checkGroupID(groupID);
    const reply = await this.http.post<WireLeftGroup>(groupPath(groupID, '/leave'), {});
    if (reply.left === false) {
      throw new NatterError({
        code: ErrorCode.MEMBER_NOT_IN_GRP,
        error: 'not_a_member',
        message: `quitGroup: the user is not a member of group "${groupID}" (they left it already, or were removed)`,
      });
    }
    this.groupRoles.delete(groupID);
    this.groupListFeed.refresh();
    await this.refreshLocal();
    return ok({ groupID });
  }

  /**
   * Pins a sent message of the group at its top, or unpins it (`isPinned: false`), as Tencent's:
   * resolves `{}`, and every device of every current member, this instance included, then gets
   * PINNED_GROUP_MESSAGE_UPDATED. In a work group any member pins; in public and meeting groups
   * the owner and the admins (anyone else: 40301). Pinning a pinned message, or unpinning one that
   * is not, resolves and tells no one. Rejects with Tencent's 10070
   * (`ErrorCode.GROUP_PINNED_MESSAGE_COUNT_LIMIT`) when the group has 10 pinned already;
   * otherwise with the server's codes: 40302 for a group the user left, 40401 for a message they
   * cannot see, 40901 for a recalled one. A `groupID` that is no group ID, anything but a Message,
   * an `isPinned` that is no boolean, a message of another conversation or not sent are refused
   * with 40001 before any request.
   */
  async pinGroupMessage(options: PinGroupMessageOptions): Promise<ChatResponse<{}>> {
    const { groupID, message, isPinned } = checkPinOptions(options);
    const body: WirePinMessageRequest = { messageID: this.cache.serverID(message.ID), isPinned };
    try {
      // Resolves with nothing, as Tencent's: the app hears of the pin from the server's push.
      await this.http.post<{}>(groupPath(groupID, '/pinned-messages'), body);
    } catch (err) {
      throw tencentPinError(err);
    }
    return ok({});
  }

  /**
   * The group's pinned messages, as Tencent's: `{ messageList }`, oldest first (by `sequence`, as
   * the server lists them), each the Message as a page of history gives it (this instance's own
   * sends the objects it sent) with `pinnerInfo`, the member who pinned it. A recalled message
   * stays pinned, as its stub. A current member only: 40302 for a group the user left, 40301 for
   * one they never joined, 40401 for none.
   */
  async getPinnedGroupMessageList(groupID: string): Promise<ChatResponse<GetPinnedGroupMessageListResult>> {
    checkGroupID(groupID);
    const me = this.userID;
    if (me === null) throw notLoggedIn();
    const reply = await this.http.get<WirePinnedMessageList>(groupPath(groupID, '/pinned-messages'));
    const messageList = asArray<WirePinnedMessage>(reply.messageList).map(({ message, pinnerInfo }) =>
      this.presentPinned(message, me, toPinner(pinnerInfo)),
    );
    return ok({ messageList });
  }

  /**
   * Conversation objects from a call's answer: into the local list (older versions ignored), a
   * topic's to its topic.
   */
  private applyAnswers(answers: WireConversation[]): void {
    const list = this.withMentions(answers);
    this.delivery.noteConversations(list, { live: true });
    this.noteReadPositions(list);
    if (this.store.isLoaded && this.store.upsert(list, { trackVersion: false })) this.emitList();
    this.noteTopicConversations(list.filter((c) => isTopicConversation(c.conversationID)));
  }

  /**
   * After a call whose answer has no conversation objects: one sync brings the changed entries into
   * the local list (the server also pushes `conversationListUpdated`; the duplicate is no change).
   * Best effort: a failed sync is retried by the next reconnect, never fails the call.
   */
  private async refreshLocal(options?: { unread?: boolean }): Promise<void> {
    const since = this.store.version;
    if (this.store.isLoaded && since !== null) {
      const session = this.session;
      await this.http
        .get<WireSyncReply>('/v1/conversations/sync', this.syncQuery(since))
        .then(async (answer) => {
          if (session !== this.session) return;
          if (answer.resetRequired) return; // the next catch-up reloads everything
          const reply = this.syncWithMentions(answer);
          this.delivery.noteConversations(reply.conversationList, { live: true });
          this.noteReadPositions(reply.conversationList);
          if (this.store.applySync(reply)) this.emitList();
          // The version moves past these changes: a later catch-up would not see them again.
          await this.applyMessageChanges(session, reply.messageChangeList, { onlyHeld: false });
        })
        .catch(() => {});
    }
    if (options?.unread) await this.fetchTotalUnreadMessageCount().catch(() => {});
  }

  // ---------------------------------------------------------------- community topics

  /**
   * The communities the user is a member of that hold topics (created with `isSupportTopic:
   * true`), as Tencent's: `{ groupList }`, the user's group list (getGroupList) narrowed to them.
   */
  async getJoinedCommunityList(): Promise<ChatResponse<{ groupList: Group[] }>> {
    const { groupList } = (await this.getGroupList()).data;
    return ok({ groupList: groupList.filter((group) => group.isSupportTopic) });
  }

  /**
   * Makes a topic in a community that holds topics, as Tencent's: resolves `{ topicID }`, the one
   * given (`<groupID>@TOPIC#_<suffix>`) or, without one, the server's. The community's owner or an
   * admin only (else 40301); a `topicID` in use rejects 40901, one of another shape, or a group
   * that holds no topics, 40001. Every device of every member of the community, this instance's
   * included, hears TOPIC_CREATED; the topic's members are always the community's.
   */
  async createTopicInCommunity(options: CreateTopicInCommunityOptions): Promise<ChatResponse<{ topicID: string }>> {
    const { groupID, body } = checkCreateTopic(options);
    const wire = await this.http.post<WireTopic>(groupPath(groupID, '/topics'), body);
    this.topics.noteTopic(wire);
    return ok({ topicID: wire.topicID });
  }

  /**
   * Deletes topics of a community, as Tencent's: those of `topicIDList`, or, left out or `[]`,
   * every one. Resolves `{ successTopicList: [{ topicID }], failureTopicList: [{ topicID, code,
   * message }] }`, a topic that is not there a failure. The community's owner or an admin only
   * (else 40301). Every device of every member, this instance's included, hears TOPIC_DELETED.
   */
  async deleteTopicFromCommunity(
    options: DeleteTopicFromCommunityOptions,
  ): Promise<ChatResponse<DeleteTopicFromCommunityResult>> {
    const { groupID, topicIDList } = checkTopicSelection(options, 'deleteTopicFromCommunity');
    const body: WireDeleteTopics = { topicIDList };
    const reply = await this.http.post<WireDeletedTopics>(groupPath(groupID, '/topics/delete'), body);
    const successTopicList = reply.successTopicList.map(({ topicID }) => ({ topicID }));
    this.topics.forget(successTopicList.map(({ topicID }) => topicID));
    return ok({ successTopicList, failureTopicList: reply.failureTopicList.map(toTopicFailure) });
  }

  /**
   * Changes a topic's profile, as Tencent's: the fields given, the others kept. Resolves `{ topic }`
   * as it now is. The community's owner or an admin only (else 40301). Every device of every
   * member, this instance's included, hears TOPIC_UPDATED.
   */
  async updateTopicProfile(options: UpdateTopicProfileOptions): Promise<ChatResponse<{ topic: Topic }>> {
    const { groupID, topicID, body } = checkUpdateTopic(options);
    const wire = await this.http.patch<WireTopic>(groupPath(groupID, `/topics/${encodeURIComponent(topicID)}`), body);
    this.topics.noteTopic(wire);
    return ok({ topic: this.presentTopic(wire) });
  }

  /**
   * A community's topics, as Tencent's: those of `topicIDList`, or, left out or `[]`, every one,
   * oldest first. Resolves `{ successTopicList, failureTopicList }`: each Topic with the user's
   * unread count, last message and mentions in it; a topic named that is not there a failure
   * (`code` 10010). A member of the community only.
   */
  async getTopicList(options: GetTopicListOptions): Promise<ChatResponse<GetTopicListResult>> {
    const { groupID, topicIDList } = checkTopicSelection(options, 'getTopicList');
    const reply = await this.http.get<WireTopicList>(groupPath(groupID, '/topics'), { topicIDList: topicIDList?.join(',') });
    for (const wire of reply.successTopicList) this.topics.noteTopic(wire);
    return ok({
      successTopicList: reply.successTopicList.map((wire) => this.presentTopic(wire)),
      failureTopicList: reply.failureTopicList.map(toTopicFailure),
    });
  }

  /**
   * After a reconnect: what changed in the topics this instance holds while no connection was
   * ready was not pushed, so each of their communities' topics is asked for again (as Tencent's
   * asks again for the topics active of late), and what changed is told as the pushes would have
   * told it: TOPIC_CREATED for a topic new to the instance, TOPIC_UPDATED for one whose profile,
   * unread count or last message changed, TOPIC_DELETED for those gone. Best effort: a community
   * the user has left, or a failed request, is passed over.
   */
  private async catchUpTopics(): Promise<void> {
    for (const [groupID, held] of this.topics.byCommunity()) {
      let reply: WireTopicList;
      try {
        reply = await this.http.get<WireTopicList>(groupPath(groupID, '/topics'));
      } catch {
        continue;
      }
      for (const wire of reply.successTopicList) {
        const news = this.topics.isNews(wire);
        this.topics.noteTopic(wire);
        if (!held.includes(wire.topicID)) {
          this.emit(EVENT.TOPIC_CREATED, { groupID, topicID: wire.topicID });
        } else if (news) {
          this.emit(EVENT.TOPIC_UPDATED, { groupID, topic: this.presentTopic(wire) });
        }
      }
      const gone = held.filter((topicID) => !reply.successTopicList.some((wire) => wire.topicID === topicID));
      if (gone.length > 0) {
        this.topics.forget(gone);
        this.emit(EVENT.TOPIC_DELETED, { groupID, topicIDList: gone });
      }
    }
  }

  /**
   * A topic as the app sees it: `profile`, with the user's conversation of it and their standing in
   * it as the SDK holds them.
   */
  private presentTopic(profile: WireTopic): Topic {
    const conversation = this.topics.conversation(`${TYPES.CONV_GROUP}${profile.topicID}`);
    return toTopic(profile, conversation && this.present(conversation), this.topics.selfInfo(profile.topicID));
  }

  /**
   * Runs `change` on what the SDK holds of a topic, and tells the app of the topic (TOPIC_UPDATED,
   * as Tencent's) when its Topic now shows otherwise; a topic whose profile the SDK lacks is not
   * told.
   */
  private changeTopic(topicID: string, change: () => void): void {
    const shown = () => {
      const profile = this.topics.profile(topicID);
      return profile && this.presentTopic(profile);
    };
    const before = JSON.stringify(shown());
    change();
    const topic = shown();
    if (topic !== null && JSON.stringify(topic) !== before) {
      this.emit(EVENT.TOPIC_UPDATED, { groupID: communityOf(topicID), topic });
    }
  }

  /**
   * The user's conversations of topics, pushed or answered, which never join the list: each tells
   * its topic's unread count, last message and mentions (TOPIC_UPDATED). The profile of a topic
   * the SDK heard of only so is asked for first.
   */
  private noteTopicConversations(list: readonly WireConversation[]): void {
    for (const conversation of list) {
      const topicID = topicOfConversation(conversation.conversationID);
      this.changeTopic(topicID, () => this.topics.noteConversation(conversation));
      if (this.topics.profile(topicID) === null) this.fetchTopicProfile(topicID);
    }
  }

  /**
   * Asks for the profile of a topic the SDK knows only by its conversation (getTopicList's
   * request, one at a time), and tells the app of the topic once it comes (TOPIC_UPDATED). A topic
   * deleted meanwhile is forgotten; a failure leaves the topic's next push to ask again.
   */
  private fetchTopicProfile(topicID: string): void {
    if (this.topicProfilesAsked.has(topicID)) return;
    this.topicProfilesAsked.add(topicID);
    const session = this.session;
    void this.http
      .get<WireTopicList>(groupPath(communityOf(topicID), '/topics'), { topicIDList: topicID })
      .then((reply) => {
        if (session !== this.session) return;
        const wire = reply.successTopicList.find((topic) => topic.topicID === topicID);
        if (wire) this.changeTopic(topicID, () => this.topics.noteTopic(wire));
        else this.topics.forget([topicID]);
      })
      .catch(() => {})
      .finally(() => this.topicProfilesAsked.delete(topicID));
  }

  // ---------------------------------------------------------------- unread

  /**
   * The total unread count the SDK holds (from the last TOTAL_UNREAD_MESSAGE_COUNT_UPDATED or
   * `GET /v1/unread`), synchronous as Tencent's. Muted and archived conversations are left out.
   */
  getTotalUnreadMessageCount(): number {
    return this.totalUnread;
  }

  /** Natter: asks the server (`GET /v1/unread`) and keeps the answer. */
  async fetchTotalUnreadMessageCount(): Promise<number> {
    const session = this.session;
    const reply = await this.http.get<WireTotalUnread>('/v1/unread');
    if (session === this.session) this.setTotalUnread(reply.totalUnreadCount, reply.version);
    return reply.totalUnreadCount;
  }

  /**
   * Keeps the number unless one of a higher version is held; handlers hear only real changes
   * (the server also repeats unchanged totals). A server that sends no version is taken at
   * its word.
   */
  private setTotalUnread(count: number, version: unknown): void {
    if (typeof version === 'number') {
      if (version < this.totalVersion) return;
      this.totalVersion = version;
    }
    if (count === this.totalUnread) return;
    this.totalUnread = count;
    this.emit(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, count);
  }

  // ---------------------------------------------------------------- messages

  /**
   * A text message (`payload: { text }`) for sendMessage. As Tencent's, a group message given
   * `payload.atUserList` mentions those members (see createTextAtMessage); one-to-one it is not used.
   */
  createTextMessage(options: MessageOptions): Message {
    const text = options?.payload?.text;
    // Tencent's SDK refuses an empty text too: a chat UI's send button must not post blank bubbles.
    if (typeof text !== 'string' || text === '') {
      throw invalidArgument('createTextMessage: payload.text must be a non-empty string');
    }
    const atUserList =
      options.conversationType === TYPES.CONV_GROUP ? checkAtUserList(options.payload.atUserList, 'createTextMessage') : [];
    return this.newMessage('createTextMessage', TYPES.MSG_TEXT, options, { text }, atUserList);
  }

  /**
   * A group text message that mentions members ("@"), as Tencent's: `payload: { text, atUserList }`,
   * `atUserList` the userIDs mentioned and `TYPES.MSG_AT_ALL` for everyone (at most 1000). The
   * Message is a `TIMTextElem` with `payload: { text }` and the list as `atUserList`. Throws 40001
   * for an empty text, a list that is not userIDs, and, as Tencent's documentation requires, a
   * `conversationType` other than `TYPES.CONV_GROUP` (Tencent's SDK would send plain text there).
   */
  createTextAtMessage(options: MessageOptions): Message {
    const call = 'createTextAtMessage';
    if (typeof options !== 'object' || options === null) throw invalidArgument(`${call}: options required`);
    if (options.conversationType !== TYPES.CONV_GROUP) {
      throw invalidArgument(
        `${call}: conversationType must be TYPES.CONV_GROUP: only group messages mention members (use createTextMessage one-to-one)`,
      );
    }
    const p = options.payload;
    if (typeof p !== 'object' || p === null) throw invalidArgument(`${call}: payload { text, atUserList } required`);
    if (typeof p.text !== 'string' || p.text === '') throw invalidArgument(`${call}: payload.text must be a non-empty string`);
    const atUserList = checkAtUserList(p.atUserList, call);
    return this.newMessage(call, TYPES.MSG_TEXT, options, { text: p.text }, atUserList);
  }

  /** A custom message (`payload: { data, description, extension }`, strings) for sendMessage. */
  createCustomMessage(options: MessageOptions): Message {
    const p = options?.payload ?? {};
    for (const key of ['data', 'description', 'extension'] as const) {
      if (p[key] !== undefined && typeof p[key] !== 'string') {
        throw invalidArgument(`createCustomMessage: payload.${key} must be a string`);
      }
    }
    return this.newMessage('createCustomMessage', TYPES.MSG_CUSTOM, options, {
      data: p.data ?? '',
      description: p.description ?? '',
      extension: p.extension ?? '',
    });
  }

  /** An emoji message (`payload: { index, data }`) for sendMessage. */
  createFaceMessage(options: MessageOptions): Message {
    const p = options?.payload ?? {};
    if (typeof p.index !== 'number') throw invalidArgument('createFaceMessage: payload.index must be a number');
    if (p.data !== undefined && typeof p.data !== 'string') {
      throw invalidArgument('createFaceMessage: payload.data must be a string');
    }
    return this.newMessage('createFaceMessage', TYPES.MSG_FACE, options, { index: p.index, data: p.data ?? '' });
  }

  /** A location message (`payload: { description, longitude, latitude }`) for sendMessage. */
  createLocationMessage(options: MessageOptions): Message {
    const p = options?.payload ?? {};
    if (typeof p.longitude !== 'number' || typeof p.latitude !== 'number') {
      throw invalidArgument('createLocationMessage: payload.longitude and payload.latitude must be numbers');
    }
    return this.newMessage('createLocationMessage', TYPES.MSG_LOCATION, options, {
      description: typeof p.description === 'string' ? p.description : '',
      longitude: p.longitude,
      latitude: p.latitude,
    });
  }

  /**
   * An image message, as Tencent's: `payload.file` a File or Blob, an `<input type=file>` (its
   * first file) or `{ files: [File] }`; `onProgress(percent)`, 0 to 1, while sendMessage uploads
   * it. Throws 2251 (`ErrorCode.MSG_I_SELECT_F_FIRST`) when there is no file. sendMessage refuses a
   * file not named as an image (2252), an empty one (2108) and one of 20 MiB or more (2253), the
   * message `'fail'`, as Tencent's does. Until the upload the payload holds the local file (in a
   * browser `url` is an object URL of it); once sent, the file's absolute URL on the server, and
   * the width and height the server read from it. See ImagePayload: the three `imageInfoArray`
   * entries are the original, the large copy and the thumbnail, as Tencent's.
   */
  createImageMessage(options: MessageOptions): Message {
    const { message, file } = this.newMediaMessage(MEDIA.image, options, (f) => localImagePayload(f, ''));
    const url = localUrl(file.blob);
    for (const info of message.payload.imageInfoArray) info.url = url;
    return message;
  }

  /**
   * A file message, as Tencent's: `payload.file` as createImageMessage's; any type. Throws 2401
   * (`ErrorCode.MSG_F_SELECT_F_FIRST`) when there is no file; sendMessage refuses one over 100 MiB
   * (2402) or empty (2108). The payload's `fileName` is the name the server stored.
   */
  createFileMessage(options: MessageOptions): Message {
    return this.newMediaMessage(MEDIA.file, options, (f) => localFilePayload(f)).message;
  }

  /**
   * An audio message, as Tencent's: `payload.file` the recording (a Blob or File); its length in
   * seconds from `payload.file.duration` (ms, as a recorder gives it) or `payload.second`, else 0.
   * Throws 2300 (`ErrorCode.MSG_A_UPLOAD_FAIL`, Tencent's answer to an audio message without a
   * file); sendMessage refuses one over 20 MiB (2301) or empty (2108).
   */
  createAudioMessage(options: MessageOptions): Message {
    const p = (options?.payload ?? {}) as { file?: unknown; second?: unknown };
    return this.newMediaMessage(MEDIA.audio, options, (f) => localAudioPayload(f, audioSeconds(p, f.blob))).message;
  }

  /**
   * A video message, as Tencent's: `payload.file` as createImageMessage's. Throws 2108
   * (`ErrorCode.MSG_F_IS_EMPTY`) when there is no file; sendMessage refuses one over 100 MiB
   * (2351), empty (2108) or other than mp4 or QuickTime (2352). Natter makes no snapshot: the
   * thumb and snapshot fields stay empty (see VideoPayload).
   */
  createVideoMessage(options: MessageOptions): Message {
    const { message, file } = this.newMediaMessage(MEDIA.video, options, (f) => localVideoPayload(f, ''));
    message.payload.videoUrl = localUrl(file.blob);
    return message;
  }

  /**
   * A media message holding its local payload, its file kept for sendMessage to upload. A missing
   * file throws the kind's code, as Tencent's refuses it at creation; the checks of the file
   * itself (type, size) wait for sendMessage, as Tencent's.
   */
  private newMediaMessage(
    kind: MediaKind,
    options: MessageOptions,
    localPayload: (file: LocalFile) => Record<string, any>,
  ): { message: Message; file: LocalFile } {
    if (typeof options !== 'object' || options === null) throw invalidArgument(`${kind.call}: options required`);
    const p = options.payload as { file?: unknown } | null | undefined;
    const file = pickFile(typeof p === 'object' && p !== null ? p.file : undefined);
    if (file === null) throw noFileError(kind);
    const onProgress = checkOnProgress(kind.call, options.onProgress);
    const message = this.newMessage(kind.call, kind.type, options, localPayload(file));
    this.uploads.set(message, { kind, file, onProgress, inFlight: null });
    return { message, file };
  }

  /**
   * Uploads a media message's file unless it is already (a resend after a failed send of the
   * message itself does not upload again); two sends at once share one upload.
   */
  private async uploadFile(message: Message): Promise<void> {
    const pending = this.uploads.get(message);
    if (pending === undefined) return;
    pending.inFlight ??= this.upload(message, pending).finally(() => (pending.inFlight = null));
    await pending.inFlight;
  }

  private async upload(message: Message, pending: PendingUpload): Promise<void> {
    const { kind, file, onProgress } = pending;
    const refused = checkFile(kind, file);
    if (refused !== null) throw refused;
    reportProgress(onProgress, 0);
    let stored: WireUploadedFile;
    try {
      stored = await this.http.upload<WireUploadedFile>('/v1/files', { name: file.name }, file.blob, (fraction) =>
        reportProgress(onProgress, fraction),
      );
    } catch (err) {
      throw uploadFailure(kind, err);
    }
    applyUpload(kind, message.payload, stored, (path) => this.http.absoluteUrl(path));
    this.uploads.delete(message);
    reportProgress(onProgress, 1);
  }

  /**
   * A message forwarding another, as Tencent's (send it with sendMessage): `payload` is a sent
   * Message the SDK handed out (getMessageList, MESSAGE_RECEIVED, sendMessage's answer). The new
   * message has its type and a copy of its payload: a media message keeps its URLs (the file is
   * not uploaded again; the link is the permission), a chat record its messages or its
   * `downloadKey`. As Tencent's, it takes the message's `cloudCustomData` unless the options give
   * one (TUIKit's quote of a reply goes along), and not its mentions. Throws Tencent's codes: 2454
   * (`ErrorCode.MSG_FORWARD_INVALID_ELEMENTS`) when `payload` is not a message, or is recalled
   * (Natter erases a recalled message's content); 2453 (`ErrorCode.MSG_FORWARD_TYPE_INVALID`) for
   * a group tip or group system notice (only the server writes those). Throws 40001 for a message
   * not sent (`status` other than `success`): its content is on no server (an unsent image is a
   * local file), and for what every factory checks (`to`, `conversationType`, …).
   */
  createForwardMessage(options: MessageOptions): Message {
    const call = 'createForwardMessage';
    if (typeof options !== 'object' || options === null) throw invalidArgument(`${call}: options required`);
    const original: unknown = options.payload;
    if (!isMessageObject(original)) {
      throw forwardError(
        ErrorCode.MSG_FORWARD_INVALID_ELEMENTS,
        `${call}: payload must be a Message this SDK returned (getMessageList, MESSAGE_RECEIVED, sendMessage)`,
      );
    }
    if (SERVER_ONLY_TYPES.has(original.type)) {
      throw forwardError(
        ErrorCode.MSG_FORWARD_TYPE_INVALID,
        `${call}: a ${original.type} is written by the server only; it cannot be forwarded`,
      );
    }
    if (original.isRevoked === true) {
      throw forwardError(ErrorCode.MSG_FORWARD_INVALID_ELEMENTS, `${call}: the message was recalled; its content is gone`);
    }
    if (original.status !== 'success') throw invalidArgument(`${call}: only a sent message (status "success")`);
    const payload =
      original.type === TYPES.MSG_MERGER ? copyMerger(original.payload as MergerPayload, 1) : clonePayload(original.payload);
    const cloudCustomData = options.cloudCustomData || original.cloudCustomData || '';
    return this.newMessage(call, original.type, { ...options, cloudCustomData }, payload);
  }

  /**
   * A chat record (Tencent's merger message) for sendMessage: `payload: { messageList, title,
   * abstractList, compatibleText }`, `messageList` the sent Messages to combine (or the entries of
   * a record the app opened), `title` and `abstractList` (strings) what a chat shows of it,
   * `compatibleText` what clients that cannot show records show. The Message is a `MSG_MERGER`
   * whose payload is Tencent's (MergerPayload): each message becomes a record entry
   * (MergedMessage: sender, nick, avatar, time, `messageBody: [{ type, payload }]`, …), in the
   * order given; a record nested below Tencent's 100 layers keeps only `layersOverLimit: true`.
   * sendMessage sends it inline when it is small (11 KiB, as Tencent's), else stores its messages
   * on the server first (`POST /v1/files`) and sends their URL as `downloadKey`, as Tencent's SDK
   * stores a large record in its cloud; the receivers then call downloadMergerMessage. The message
   * object keeps its `messageList` either way, as Tencent's.
   *
   * Throws 40001 where Tencent's SDK refuses the parameters: an empty (or missing) `messageList`,
   * an empty `compatibleText`, a message in the list that failed to send, and, unlike Tencent's,
   * one not sent yet or recalled (Natter has its content nowhere); also a `title` or
   * `abstractList` of another type.
   */
  createMergerMessage(options: MessageOptions): Message {
    const call = 'createMergerMessage';
    if (typeof options !== 'object' || options === null) throw invalidArgument(`${call}: options required`);
    const p = options.payload as Partial<Record<keyof MergerPayload, unknown>> | null | undefined;
    if (typeof p !== 'object' || p === null) {
      throw invalidArgument(`${call}: payload { messageList, title, abstractList, compatibleText } required`);
    }
    const { messageList, title = '', abstractList = [], compatibleText } = p;
    if (!Array.isArray(messageList) || messageList.length === 0) {
      throw invalidArgument(`${call}: payload.messageList must be a non-empty array of messages`);
    }
    if (typeof compatibleText !== 'string' || compatibleText === '') {
      throw invalidArgument(`${call}: payload.compatibleText must be a non-empty string (what older clients show)`);
    }
    if (typeof title !== 'string') throw invalidArgument(`${call}: payload.title must be a string`);
    if (!Array.isArray(abstractList) || abstractList.some((a) => typeof a !== 'string')) {
      throw invalidArgument(`${call}: payload.abstractList must be an array of strings`);
    }
    const entries = messageList.map((m: unknown, i: number): MergedMessage => {
      const at = `${call}: payload.messageList[${i}]`;
      if (isMessageObject(m)) {
        if (m.status !== 'success') throw invalidArgument(`${at} is not sent (status "${m.status}"): only sent messages`);
        if (m.isRevoked === true) throw invalidArgument(`${at} was recalled; its content is gone`);
        // The new record is layer 1: what it holds is on layer 2.
        return mergedFromMessage(m, 2);
      }
      if (isMergedMessage(m)) return copyMerged(m, 2);
      throw invalidArgument(`${at}: a Message this SDK returned, or an entry of a chat record`);
    });
    const payload: MergerPayload = {
      downloadKey: '',
      pbDownloadKey: '',
      messageList: entries,
      title,
      abstractList: [...(abstractList as string[])],
      compatibleText,
      version: 0,
      layersOverLimit: false,
    };
    return this.newMessage(call, TYPES.MSG_MERGER, options, payload);
  }

  /**
   * Fetches a stored chat record's messages, as Tencent's: for a record received with a
   * `downloadKey` (one too large to go inline), resolves with the message given (itself, not `{
   * code, data }`, as Tencent's SDK resolves), its payload changed in place: `messageList` filled
   * (MergedMessage entries, a nested record's as received) and `downloadKey` `''`. Anything `{
   * type, payload }` of a record will do: TUIKit opens a record nested in a record so. The record
   * is fetched from where its key points, without the user's token (no login needed).
   *
   * Rejects with Tencent's codes: 2450 (`ErrorCode.MSG_MERGER_TYPE_INVALID`) for anything but a
   * record; 2451 (`ErrorCode.MSG_MERGER_KEY_INVALID`) for a record without a `downloadKey`, whose
   * messages are in `messageList` already (check `payload.downloadKey !== ''` first, as Tencent's
   * sample does); 2452 (`ErrorCode.MSG_MERGER_DOWNLOAD_FAIL`) when it cannot be fetched or is no
   * record (`error` and `status` say what the server answered).
   */
  async downloadMergerMessage<M extends { type: string; payload: any }>(message: M): Promise<M> {
    const call = 'downloadMergerMessage';
    if (typeof message !== 'object' || message === null || message.type !== TYPES.MSG_MERGER) {
      throw forwardError(ErrorCode.MSG_MERGER_TYPE_INVALID, `${call}: a chat record (type TYPES.MSG_MERGER) is required`);
    }
    const payload = message.payload as Partial<MergerPayload> | null | undefined;
    const downloadKey = typeof payload === 'object' && payload !== null ? payload.downloadKey : undefined;
    if (typeof downloadKey !== 'string' || downloadKey === '') {
      throw forwardError(
        ErrorCode.MSG_MERGER_KEY_INVALID,
        `${call}: the record has no downloadKey; its messages are in payload.messageList`,
      );
    }
    let document: unknown;
    try {
      document = JSON.parse(await this.http.fetchText(this.http.absoluteUrl(downloadKey)));
    } catch (err) {
      throw downloadFailure(call, downloadKey, err);
    }
    const list = (document as { messageList?: unknown } | null)?.messageList;
    if (!Array.isArray(list)) throw downloadFailure(call, downloadKey, new Error('it holds no messageList'));
    Object.assign(payload!, { messageList: mergedList(list), downloadKey: '', pbDownloadKey: '' });
    return message;
  }

  /**
   * The payload sendMessage sends for a chat record: the record inline when it fits (see
   * fitsInline); else its messages stored on the server (`POST /v1/files`, `{ messageList }` as
   * JSON) and the record with their absolute URL as `downloadKey` and an empty `messageList`,
   * as Tencent's SDK sends a large record. Stored once per message object: a retry sends the same.
   */
  private async recordToSend(message: Message): Promise<MergerPayload> {
    const record = copyMerger(message.payload as MergerPayload, 1);
    if (record.downloadKey !== '' || record.layersOverLimit || fitsInline(record)) return record;
    let downloadKey = this.storedRecords.get(message);
    if (downloadKey === undefined) {
      const document = new Blob([recordDocument(record)], { type: 'application/json' });
      const name = storedRecordName(layersOf(record));
      const stored = await this.http.upload<WireUploadedFile>('/v1/files', { name }, document, () => {});
      downloadKey = this.http.absoluteUrl(stored.url);
      this.storedRecords.set(message, downloadKey);
    }
    return { ...record, downloadKey, messageList: [] };
  }

  private newMessage(
    call: string,
    type: MessageType,
    options: MessageOptions,
    payload: object,
    atUserList: string[] = [],
  ): Message {
    if (typeof options !== 'object' || options === null) throw invalidArgument(`${call}: options required`);
    const { to, conversationType } = options;
    if (typeof to !== 'string' || to === '') throw invalidArgument(`${call}: to (a userID or groupID) is required`);
    if (conversationType !== TYPES.CONV_C2C && conversationType !== TYPES.CONV_GROUP) {
      throw invalidArgument(`${call}: conversationType must be TYPES.CONV_C2C or TYPES.CONV_GROUP`);
    }
    if (options.cloudCustomData !== undefined && typeof options.cloudCustomData !== 'string') {
      throw invalidArgument(`${call}: cloudCustomData must be a string`);
    }
    const clientMsgID = newClientMsgID();
    const now = this.getServerTime();
    const me = this.userID ?? '';
    const message: Message = {
      ID: clientMsgID,
      type,
      payload,
      conversationID: `${conversationType}${to}`,
      conversationType,
      conversationSubType: '',
      to,
      from: me,
      flow: 'out',
      time: now,
      status: 'unSend',
      isRevoked: false,
      priority: typeof options.priority === 'string' ? options.priority : TYPES.MSG_PRIORITY_NORMAL,
      nick: '',
      avatar: '',
      isPeerRead: false,
      nameCard: '',
      atUserList,
      cloudCustomData: options.cloudCustomData ?? '',
      isDeleted: false,
      isModified: false,
      version: 0,
      needReadReceipt: options.needReadReceipt === true,
      readReceiptInfo: emptyReadReceiptInfo(),
      isBroadcastMessage: false,
      isSupportExtension: options.isSupportExtension === true,
      revoker: '',
      revokerInfo: { userID: '', nick: '', avatar: '' },
      revokeReason: '',
      sequence: 0,
      hasRiskContent: false,
      clientSequence: 0,
      random: Math.floor(Math.random() * 2 ** 32),
      clientTime: now,
      isRead: true,
      isResend: false,
      isSystemMessage: false,
      protocol: 'JSON',
      isPlaceMessage: 0,
    };
    const receivers = targetedReceivers(conversationType, options.receiverList, (given) =>
      this.warn(`${call}: receiverList: ${given} receivers; a targeted message goes to the first ${MAX_TARGETED_RECEIVERS}`),
    );
    if (receivers !== undefined) this.receiverLists.set(message, receivers);
    return message;
  }

  /**
   * Sends a message made by a create*Message call and resolves `{ message }` once it is stored: the
   * same object, its ID unchanged, now with the server's sequence and time and `status: 'success'`
   * (or `status: 'fail'` and a rejection whose `data.message` is that object, as Tencent's). A
   * retry of the same object never makes a second message: its ID is the client message ID the
   * server deduplicates by. Checks made before any request (a message sent already, a type not
   * sent, not logged in) reject without `data`.
   * A media message's file is checked and uploaded first (`POST /v1/files`), its payload then
   * pointing at it; a file refused (Tencent's codes: a size limit, a type, an empty file) or an
   * upload that failed fails the send as a refused message does, `data.message` included. A
   * retry uploads again only if the upload failed. A chat record too large to go inline is
   * stored the same way first (see createMergerMessage).
   * As with Tencent, it is not delivered back to this instance as MESSAGE_RECEIVED; the user's
   * other devices and tabs receive it, under the server's ID (messages.ts tells why).
   *
   * With `options.onlineUserOnly` (TUIKit's typing status) the server only pushes it to the
   * members' devices connected now: it resolves as Tencent's does, `status: 'success'` with the
   * server's time and `sequence` 0, and, never stored, it changes no conversation and is no part
   * of history: nothing can find, recall or change it later.
   *
   * A message created with `needReadReceipt` asks its readers for receipts (sendMessageReadReceipt),
   * but in an AVChatRoom group, where Tencent's SDK never asks: there it is sent without, and the
   * object says `needReadReceipt: false` once sent, as the server stored it.
   *
   * `options.offlinePushInfo` (Tencent's) gives the words of the message's offline push: its
   * `title`, `description` and `extension` reach the app backend in the `msg.offline` webhook,
   * from which it sends the push, and `disablePush: true` makes no `msg.offline` (see
   * offline_push.ts; Tencent's other push fields are dropped). An `offlinePushInfo` that is no
   * object, or a text that is no string, is refused with 40001 before any request; a text too
   * long for the server (1 KiB, 8 KiB for `extension`) fails the send with its 40001.
   *
   * `options.messageControlInfo.excludedFromUnreadCount: true` sends a message that counts as
   * unread for no one, as Tencent's; `excludedFromLastMessage: true`, one that never becomes a
   * conversation's last message nor moves it up the list.
   *
   * A group message created with `receiverList` (Tencent's targeted message) reaches only those
   * members and the user's own devices; the others never get it, nor see it in their history or
   * as their conversation's last message (see `MessageOptions.receiverList`).
   */
  async sendMessage(message: Message, options?: SendMessageOptions): Promise<ChatResponse<{ message: Message }>> {
    if (typeof message !== 'object' || message === null || typeof message.ID !== 'string') {
      throw invalidArgument('sendMessage: a message made by createTextMessage, createCustomMessage, …');
    }
    const onlineUserOnly = options?.onlineUserOnly;
    if (onlineUserOnly !== undefined && typeof onlineUserOnly !== 'boolean') {
      throw invalidArgument('onlineUserOnly: must be a boolean');
    }
    const offlinePushInfo = offlinePushRequest(options?.offlinePushInfo);
    const excludedFromUnreadCount = options?.messageControlInfo?.excludedFromUnreadCount === true;
    const excludedFromLastMessage = options?.messageControlInfo?.excludedFromLastMessage === true;
    if (message.status === 'success') {
      throw invalidArgument('sendMessage: this message was sent already; create a new one to send it again');
    }
    if (!SENDABLE_TYPES.has(message.type)) {
      throw unsupported(
        `sendMessage(${String(message.type)})`,
        'only text, custom, face, location, image, file, audio, video and merger messages',
      );
    }
    checkID(message.conversationID);
    if (this.userID === null) throw notLoggedIn();
    const clientMsgID = message.ID;
    this.delivery.addOwn(clientMsgID);
    message.status = 'unSend';
    let reply: WireSendMessageReply;
    try {
      await this.uploadFile(message);
      const payload = message.type === TYPES.MSG_MERGER ? await this.recordToSend(message) : wirePayload(message);
      const body: WireSendMessageRequest = {
        conversationID: message.conversationID,
        type: message.type,
        payload: payload as Record<string, unknown>,
        clientMsgID,
        cloudCustomData: message.cloudCustomData || undefined,
        onlineUserOnly: onlineUserOnly || undefined,
        needReadReceipt: (message.needReadReceipt === true && !this.isAVChatRoom(message.conversationID)) || undefined,
        offlinePushInfo,
        excludedFromUnreadCount: excludedFromUnreadCount || undefined,
        excludedFromLastMessage: excludedFromLastMessage || undefined,
        receiverList: this.receiverLists.get(message),
      };
      reply = await this.http.post<WireSendMessageReply>('/v1/messages', body);
    } catch (err) {
      message.status = 'fail';
      // As Tencent's: a failed send's rejection carries the message, its status 'fail'.
      if (err instanceof NatterError) err.data = { message };
      throw err;
    }
    const sent = toMessage(reply.message, this.userID ?? message.from);
    Object.assign(message, {
      from: sent.from,
      time: sent.time,
      sequence: sent.sequence,
      clientSequence: sent.sequence,
      status: 'success',
      nick: sent.nick,
      avatar: sent.avatar,
      cloudCustomData: sent.cloudCustomData,
      isRevoked: sent.isRevoked,
      // Whether it asks for receipts as the server stored it: never in an AVChatRoom group.
      needReadReceipt: sent.needReadReceipt,
    });
    // An online-only message's ID is outside the stored ones, and there is nothing to find later.
    if (!onlineUserOnly) {
      this.delivery.noteSent(reply.message);
      this.cache.noteSent(message, reply.message.messageID);
    }
    return ok({ message });
  }

  /**
   * Sends again a message whose send failed (`status: 'fail'`), with the same client ID; a media
   * message's file is uploaded again if its upload was what failed.
   */
  async resendMessage(message: Message, options?: SendMessageOptions): Promise<ChatResponse<{ message: Message }>> {
    if (message?.status !== 'fail') throw invalidArgument('resendMessage: only a message whose send failed');
    message.isResend = true;
    return this.sendMessage(message, options);
  }

  /**
   * Recalls a message the user sent, within the server's recall window (default 120 s), as
   * Tencent's: resolves `{ message }`, the same object now `isRevoked` with its content erased (every
   * member's copy becomes that stub). The conversation's last message follows at once. Rejects with
   * the server's code, `data.message` the message given, as Tencent's: 40303 `recall_window_passed`
   * after the window, 40301 for someone else's message (checks made before any request reject
   * without `data`). The recall does not come back to this instance as MESSAGE_REVOKED; the user's other
   * devices and tabs, and the other members, receive it.
   */
  async revokeMessage(message: Message): Promise<ChatResponse<{ message: Message }>> {
    checkMessage(message, 'revokeMessage');
    if (message.status !== 'success') throw invalidArgument('revokeMessage: only a sent message (status "success")');
    if (message.isRevoked) throw invalidArgument('revokeMessage: this message is already recalled');
    if (conversationTypeOf(message.conversationID) === TYPES.CONV_SYSTEM) {
      throw invalidArgument('revokeMessage: system notices cannot be recalled');
    }
    const me = this.userID;
    if (me === null) throw notLoggedIn();
    // Noted before the request: the server's messageRevoked can arrive before its answer.
    this.cache.noteOwnRecall(message.ID, me);
    const messageID = this.cache.serverID(message.ID);
    let reply: WireSendMessageReply;
    try {
      reply = await this.http.post<WireSendMessageReply>('/v1/messages/revoke', {
        conversationID: message.conversationID,
        messageID,
      });
    } catch (err) {
      this.cache.forgetOwnRecall(message.ID);
      // As Tencent's: a refused recall's rejection carries the message given.
      if (err instanceof NatterError) err.data = { message };
      throw err;
    }
    const stub = toMessage(reply.message, me);
    applyRecall(message, { revoker: stub.revoker, payload: stub.payload });
    this.cache.noteRecall(stub);
    this.cache.remember(message);
    const held = this.store.get(message.conversationID);
    if (held?.lastMessage?.messageID === messageID) {
      const lastMessage = { ...held.lastMessage, isRevoked: true, revoker: stub.revoker, payload: {}, cloudCustomData: '' };
      if (this.store.patch(message.conversationID, { lastMessage })) this.emitList();
    }
    return ok({ message });
  }

  /**
   * Changes a sent message for every member, as Tencent's: change `message.payload` (text, custom,
   * location and face messages) or `message.cloudCustomData` (any message), or both, in place, then
   * pass the message. Any member who can see it may, whoever sent it. Resolves `{ message }`: the
   * same object as it now is, its `version` one more and `isModified: true`. Every member's
   * devices and tabs, this instance included, receive MESSAGE_MODIFIED, once; the conversation's
   * last message follows at once here, and by the server's push elsewhere.
   *
   * As Tencent's, it sends the message's payload whole (its mentions with a group text) when its
   * type's payload can change, and its cloudCustomData, on the `version` the object was read at.
   * An image's (any file message's) payload is not sent: its cloudCustomData changes, and the
   * object takes its stored payload back from the answer.
   *
   * Rejects, each rejection carrying `data.message` as Tencent's does, with Tencent's codes where
   * apps branch on them: 2480 (`ErrorCode.MSG_MODIFY_CONFLICT`, error `conflict`; the server's
   * 40901) when a member changed it since (`data.message` is then the same object brought to the
   * latest version, read back from the server, and MESSAGE_MODIFIED tells of it) or when it was
   * recalled (the object is then marked recalled; one already marked is refused so without a
   * request); 20026 (`ErrorCode.MSG_NOT_FOUND`, error `not_found`; the server's 40401) when it is
   * not there (any more) for the user. Otherwise the server's codes: 40001 for a payload its type
   * cannot take, nothing changed. A message not sent (status other than `success`) and system
   * notices are refused with 40001 before any request.
   */
  async modifyMessage(message: Message): Promise<ChatResponse<{ message: Message }>> {
    try {
      return await this.modify(message);
    } catch (err) {
      if (!(err instanceof NatterError)) throw err;
      // As Tencent's: every rejection carries the message (the latest one after a conflict).
      const data = err.data ?? (typeof message === 'object' && message !== null ? { message } : undefined);
      // Tencent's numbers where apps branch on them (TUIKit retries on 2480 only).
      const code = TENCENT_MODIFY_CODES[err.code];
      if (code === undefined) {
        if (data !== undefined) err.data = data;
        throw err;
      }
      throw new NatterError({
        code,
        error: err.error,
        message: err.message,
        status: err.status,
        retryAfterMs: err.retryAfterMs,
        data,
        cause: err,
      });
    }
  }

  private async modify(message: Message): Promise<ChatResponse<{ message: Message }>> {
    checkMessage(message, 'modifyMessage');
    if (message.status !== 'success') throw invalidArgument('modifyMessage: only a sent message (status "success")');
    if (conversationTypeOf(message.conversationID) === TYPES.CONV_SYSTEM) {
      throw invalidArgument('modifyMessage: system notices cannot be changed');
    }
    if (typeof message.cloudCustomData !== 'string') throw invalidArgument('modifyMessage: cloudCustomData must be a string');
    const modifiable = MODIFIABLE_TYPES.has(message.type);
    if (modifiable && (typeof message.payload !== 'object' || message.payload === null)) {
      throw invalidArgument(`modifyMessage: payload must be an object (a ${message.type} payload)`);
    }
    const me = this.userID;
    if (me === null) throw notLoggedIn();
    if (message.isRevoked) {
      // What the server answers for a recalled message, without asking it.
      throw new NatterError({
        code: ErrorCode.CONFLICT,
        error: 'conflict',
        message: `message "${message.ID}" was recalled; it cannot be changed`,
      });
    }
    const known = this.cache.get(message.ID);
    const version = Number.isInteger(message.version) ? message.version : (known?.version ?? 0);
    const body: WireModifyMessageRequest = {
      conversationID: message.conversationID,
      messageID: this.cache.serverID(message.ID),
      version,
      type: modifiable ? message.type : undefined,
      payload: modifiable ? (wirePayload(message) as Record<string, unknown>) : undefined,
      cloudCustomData: message.cloudCustomData,
    };
    const session = this.session;
    let reply: WireSendMessageReply;
    try {
      reply = await this.http.post<WireSendMessageReply>('/v1/messages/modify', body);
    } catch (err) {
      if (err instanceof NatterError && err.code === ErrorCode.CONFLICT && session === this.session) {
        await this.catchUpWith(message).catch(() => {});
      }
      throw err;
    }
    if (session !== this.session) return ok({ message });
    const fresh = toMessage(reply.message, me);
    // The object the app passed is the one later changes reach, as revokeMessage keeps it.
    if (!known) this.cache.remember(message);
    const news = this.cache.noteModified(fresh);
    if (message.version < fresh.version) applyModification(message, fresh);
    this.cache.remember(message);
    // Tencent's SDK tells its own instance too; the server's push of the same version is no news.
    if (news) this.emit(EVENT.MESSAGE_MODIFIED, [news]);
    this.showLastMessage(reply.message);
    return ok({ message });
  }

  /**
   * After a change refused as a conflict: the message as the server has it now, read back (a
   * one-message history page). A change reaches the held copy and the app (MESSAGE_MODIFIED), a
   * recall too (MESSAGE_REVOKED), as if pushed; the object the app passed follows either way.
   */
  private async catchUpWith(message: Message): Promise<void> {
    const session = this.session;
    const wire = await this.readMessage(message.conversationID, message.sequence, this.cache.serverID(message.ID));
    const me = this.userID;
    if (!wire || me === null || session !== this.session) return;
    const latest = toMessage(wire, me);
    if (latest.isRevoked) {
      this.emitRecalls([wire]);
      if (!message.isRevoked) applyRecall(message, { revoker: latest.revoker, payload: latest.payload });
    } else {
      this.emitModified([wire]);
      if (message.version < latest.version) applyModification(message, latest);
    }
    this.showLastMessage(wire);
  }

  /** A changed message that is its conversation's last: the list shows it at once. */
  private showLastMessage(wire: WireMessage): void {
    const held = this.store.get(wire.conversationID);
    const last = held?.lastMessage;
    if (!last || last.messageID !== wire.messageID || wire.isRevoked) return;
    const lastMessage = { ...last, type: wire.type, payload: wire.payload, cloudCustomData: wire.cloudCustomData };
    if (JSON.stringify(lastMessage) === JSON.stringify(last)) return;
    if (this.store.patch(wire.conversationID, { lastMessage })) this.emitList();
  }

  // ---------------------------------------------------------------- reactions

  /**
   * Reacts to a sent message, as Tencent's: `reactionID` is the app's (an emoji's ID), once per
   * user. Resolves `{}` as Tencent's; every device of every member who can see the message, this
   * instance included, then gets MESSAGE_REACTIONS_UPDATED with the reaction as it now is. Rejects
   * with Tencent's codes: 23007 (`ErrorCode.MSG_REACTION_ALREADY_CONTAIN_USER`) when the user
   * reacted so already, 23005 (`MSG_REACTION_COUNT_LIMIT`) when the message has 20 different
   * reactions, 23006 (`MSG_REACTION_USER_COUNT_LIMIT`) when 1,000 users reacted so (Natter's
   * limits; Tencent's are 10 and 100); otherwise the server's: 40401 for a message the user
   * cannot see, 40901 for a recalled one. A message not sent (status other than `success`), a
   * system notice and an empty `reactionID` are refused with 40001 before any request.
   */
  async addMessageReaction(message: Message, reactionID: string): Promise<ChatResponse<{}>> {
    return this.react('addMessageReaction', '/v1/messages/reactions', message, reactionID);
  }

  /**
   * Takes the user's own reaction back, as Tencent's: resolves `{}`, and MESSAGE_REACTIONS_UPDATED
   * follows everywhere (`totalUserCount` 0 once nobody has it). Rejects with Tencent's 23009
   * (`ErrorCode.MSG_REACTION_NOT_CONTAIN_USER`) when the user has no such reaction to the message
   * (nobody having it included: Tencent's 23008 is not told apart), otherwise as addMessageReaction.
   */
  async removeMessageReaction(message: Message, reactionID: string): Promise<ChatResponse<{}>> {
    return this.react('removeMessageReaction', '/v1/messages/reactions/remove', message, reactionID);
  }

  private async react(call: string, path: string, message: Message, reactionID: string): Promise<ChatResponse<{}>> {
    checkReactable(message, call);
    checkReactionID(reactionID, call);
    const body: WireReactionRequest = {
      conversationID: message.conversationID,
      messageID: this.cache.serverID(message.ID),
      reactionID,
    };
    try {
      // The answer is the reaction as it now is; the app hears of it from the server's push, as
      // Tencent's, which resolves with nothing.
      await this.http.post<WireMessageReactions>(path, body);
    } catch (err) {
      throw tencentReactionError(err);
    }
    return ok({});
  }

  /**
   * The reactions to messages, as Tencent's: `{ resultList }`, one entry per message given, in
   * that order, `{ messageID, reactionList }` (`messageID` the message's `ID`), each reaction with
   * `totalUserCount`, the first `maxUserCountPerReaction` users (0–10, default 10; anything else
   * rejects 40001) and `reactedByMyself`. A message not sent, or a system notice, answers `[]`
   * without a question to the server (TUIKit asks about every message it shows); so does one the
   * user cannot see. The server is asked 20 messages of one conversation at a time (Tencent's
   * native SDKs take 20 of one conversation a call): more messages, or messages of several
   * conversations, make several requests, and the answer is whole or a rejection.
   */
  async getMessageReactions(options: GetMessageReactionsOptions): Promise<ChatResponse<GetMessageReactionsResult>> {
    const { messageList, maxUserCountPerReaction } = checkReactionsOptions(options);
    const resultList: MessageReactionResult[] = messageList.map((m) => ({ messageID: m.ID, reactionList: [] }));
    // The messages to ask about (their places in the list), by conversation.
    const asked = new Map<ConversationID, number[]>();
    messageList.forEach((m, i) => {
      if (!isReactable(m)) return;
      const places = asked.get(m.conversationID) ?? [];
      places.push(i);
      asked.set(m.conversationID, places);
    });
    const requests: Promise<void>[] = [];
    for (const [conversationID, places] of asked) {
      for (const run of chunks(places, MAX_MESSAGES_PER_REACTION_REQUEST)) {
        const ids = run.map((i) => this.cache.serverID(messageList[i]!.ID));
        const body: WireMessageReactionsRequest = { conversationID, messageIDList: ids, maxUserCountPerReaction };
        requests.push(
          this.http.post<WireMessageReactionsList>('/v1/messages/reactions/list', body).then((reply) => {
            // One entry per message asked, in order; matched by ID all the same (a message
            // given twice gets the answer twice).
            for (const entry of asArray<WireMessageReactions>(reply.resultList)) {
              this.reactionVersions.note(entry.messageID, entry.version);
              const reactionList = asArray<WireReaction>(entry.reactionList);
              run.forEach((i, k) => {
                if (ids[k] === entry.messageID) resultList[i]!.reactionList = reactionList.map(toReaction);
              });
            }
          }),
        );
      }
    }
    await Promise.all(requests);
    return ok({ resultList });
  }

  /**
   * A page of the users who reacted to a message so, first to react first, as Tencent's: `{
   * userList, nextSeq, isCompleted }`, each user `{ userID, nick, avatar }`. `nextSeq` 0 (the
   * default) asks for the first page, then the page before's `nextSeq`, 0 once `isCompleted`.
   * `count` users a page (default 100; more is taken as 100, as Tencent's). A message not sent, a
   * system notice, an empty `reactionID`, a `nextSeq` or `count` that is no whole number (`count`
   * below 1) are refused with 40001 before any request; 40401 for a message the user cannot see.
   */
  async getAllUserListOfMessageReaction(
    options: GetAllUserListOfMessageReactionOptions,
  ): Promise<ChatResponse<GetAllUserListOfMessageReactionResult>> {
    const call = 'getAllUserListOfMessageReaction';
    const { message, reactionID } = (options ?? {}) as Partial<GetAllUserListOfMessageReactionOptions>;
    checkReactable(message, call);
    checkReactionID(reactionID, call);
    const { nextSeq, count } = userPage(options);
    const body: WireReactionUsersRequest = {
      conversationID: message.conversationID,
      messageID: this.cache.serverID(message.ID),
      reactionID,
      nextSeq,
      count,
    };
    const reply = await this.http.post<WireReactionUsers>('/v1/messages/reactions/users', body);
    return ok({
      userList: asArray<WireReactionUsers['userList'][number]>(reply.userList).map(toReactionUser),
      nextSeq: reply.nextSeq,
      isCompleted: reply.isCompleted,
    });
  }

  // ---------------------------------------------------------------- message extensions

  /**
   * Sets key-value pairs on a sent message, as Tencent's: resolves `{ extensions }`, one `{ code:
   * 0, key, value }` per pair set, in the order given; a key the message has takes the new value,
   * and two members setting one key at once: the later wins (there are no sequence numbers to
   * conflict). Every device of every member who sees the message, this instance included, then
   * gets MESSAGE_EXTENSIONS_UPDATED with the pairs. Any sent message takes them: the
   * `isSupportExtension` Tencent's requires at send is not needed. Past 20 pairs only the first 20
   * are set, with a warning, as Tencent's. Rejects with the server's codes: 40001 for a key
   * outside 1–100 bytes, a value over 1,024, a key given twice, a message of another conversation
   * than the one named; 40401 for one the user cannot see; 40901 for a recalled one, or when the
   * message would have more than 300 keys. A
   * message not sent, a system notice, and `extensions` that are no array of `{ key, value }`
   * strings (or an empty one) are refused with 40001 before any request.
   */
  async setMessageExtensions(message: Message, extensions: MessageExtension[]): Promise<ChatResponse<MessageExtensionsResult>> {
    checkExtensionMessage(message, 'setMessageExtensions');
    const extensionList = checkExtensions(extensions, (warning) => this.warn(warning));
    if (this.userID === null) throw notLoggedIn();
    const body: WireSetExtensionsRequest = { ...this.extensionTarget(message), extensionList };
    const reply = await this.http.post<WireMessageExtensions>('/v1/messages/extensions', body);
    const pairs = asArray<WireMessageExtension>(reply.extensionList);
    return ok({ extensions: pairs.map(({ key, value }) => toExtensionResult(key, value)) });
  }

  /**
   * Every pair of a sent message, as Tencent's: `{ extensions }`, each `{ key, value }`, by key;
   * `[]` for none. Asked of the server on every call. Tencent's typings take a `keyList` its
   * runtime does not use; neither does this (it is taken, so such calls compile). 40401 for a
   * message the user cannot see; refused with 40001 before any request as setMessageExtensions.
   */
  async getMessageExtensions(message: Message, _keyList?: string[]): Promise<ChatResponse<GetMessageExtensionsResult>> {
    checkExtensionMessage(message, 'getMessageExtensions');
    if (this.userID === null) throw notLoggedIn();
    const body: WireExtensionsRequest = this.extensionTarget(message);
    const reply = await this.http.post<WireMessageExtensions>('/v1/messages/extensions/list', body);
    return ok({ extensions: asArray<WireMessageExtension>(reply.extensionList).map(toExtension) });
  }

  /**
   * Deletes keys of a sent message, as Tencent's: those of `keyList` (1–20; those the message
   * lacks are passed over), or every key when it is left out or `[]`. Resolves `{ extensions }`,
   * one `{ code: 0, key, value: '' }` per key deleted; every device of every member who sees the
   * message then gets MESSAGE_EXTENSIONS_DELETED with them (nothing when none was there). Rejects
   * as setMessageExtensions; a `keyList` that is no array of keys, or names more than 20, is
   * refused with 40001 before any request.
   */
  async deleteMessageExtensions(message: Message, keyList?: string[]): Promise<ChatResponse<MessageExtensionsResult>> {
    checkExtensionMessage(message, 'deleteMessageExtensions');
    const keys = checkExtensionKeys(keyList);
    if (this.userID === null) throw notLoggedIn();
    const body: WireDeleteExtensionsRequest = { ...this.extensionTarget(message), keyList: keys };
    const reply = await this.http.post<WireDeletedExtensions>('/v1/messages/extensions/delete', body);
    return ok({ extensions: asArray<string>(reply.keyList).map((key) => toExtensionResult(key)) });
  }

  /** The message an extension call is about, as the server names it (the sending instance's own ID mapped to the server's). */
  private extensionTarget(message: Message): WireExtensionsRequest {
    return { conversationID: message.conversationID, messageID: this.cache.serverID(message.ID) };
  }

  // ---------------------------------------------------------------- read receipts

  /**
   * Gives the user's read receipts for messages others sent that ask for them (`needReadReceipt`),
   * as Tencent's: the others of the list (the user's own, those that ask for none) are left out,
   * and when none is left the call rejects with Tencent's 2114
   * (`ErrorCode.READ_RECEIPT_MSG_LIST_EMPTY`) without a request. The messages are taken to be of
   * the first one's conversation, as Tencent's takes them (the server refuses one of another with
   * 40001). Resolves `{}`; every device of each sender then hears MESSAGE_READ_RECEIPT_RECEIVED.
   * It reads nothing: the unread count stays (that is setMessageRead). A message the server knows
   * takes no receipt (recalled) is passed over; one the user cannot see rejects 40401. An empty
   * list, or anything but Messages, rejects 40001 before any request, as Tencent's refuses it.
   */
  async sendMessageReadReceipt(messageList: Message[]): Promise<ChatResponse<{}>> {
    const call = 'sendMessageReadReceipt';
    checkReceiptMessages(messageList, call);
    const me = this.userID;
    if (me === null) throw notLoggedIn();
    const asking = messageList.filter((m) => m.from !== me && m.needReadReceipt === true);
    if (asking.length === 0) {
      throw new NatterError({
        code: ErrorCode.READ_RECEIPT_MSG_LIST_EMPTY,
        error: 'invalid_argument',
        message: `${call}: no message of the list asks the user for a read receipt (needReadReceipt, sent by someone else)`,
      });
    }
    const conversationID = messageList[0]!.conversationID;
    const ids = [...new Set(asking.map((m) => this.cache.serverID(m.ID)))];
    await Promise.all(
      chunks(ids, MAX_MESSAGES_PER_RECEIPT_REQUEST).map((messageIDList) => {
        const body: WireMessageReceiptsRequest = { conversationID, messageIDList };
        return this.http.post<{}>('/v1/messages/read-receipts', body);
      }),
    );
    return ok({});
  }

  /**
   * The read receipts of the user's own messages, as Tencent's: resolves `{ messageList }`, the
   * very objects given, those the user sent that ask for receipts (`needReadReceipt`) brought up
   * to date: a group message's `readReceiptInfo.readCount` and `unreadCount`, a one-to-one
   * message's `readReceiptInfo.isPeerRead`. The others are handed back as they are; when no
   * message qualifies, without a request. An empty list, or anything but Messages, rejects 40001
   * before any request, as Tencent's refuses it.
   *
   * Tencent's SDK answers one-to-one messages from what it holds (their receipts as history and
   * its pushes told); this one asks the server about them too, which is exact after a reconnect,
   * when a receipt given meanwhile was pushed to no one. Messages of several conversations are
   * asked each in its own (Tencent's asks the first one's), 100 at a time.
   */
  async getMessageReadReceiptList(messageList: Message[]): Promise<ChatResponse<{ messageList: Message[] }>> {
    checkReceiptMessages(messageList, 'getMessageReadReceiptList');
    const me = this.userID;
    if (me === null) throw notLoggedIn();
    // Only a message stored on the server has receipts to ask about.
    const own = messageList.filter((m) => m.from === me && m.needReadReceipt === true && m.status === 'success');
    const byConversation = new Map<ConversationID, Message[]>();
    for (const m of own) {
      const messages = byConversation.get(m.conversationID) ?? [];
      messages.push(m);
      byConversation.set(m.conversationID, messages);
    }
    const requests: Promise<void>[] = [];
    for (const [conversationID, messages] of byConversation) {
      const oneToOne = conversationTypeOf(conversationID) === TYPES.CONV_C2C;
      const ids = [...new Set(messages.map((m) => this.cache.serverID(m.ID)))];
      for (const messageIDList of chunks(ids, MAX_MESSAGES_PER_RECEIPT_REQUEST)) {
        const body: WireMessageReceiptsRequest = { conversationID, messageIDList };
        requests.push(
          this.http.post<WireMessageReceiptList>('/v1/messages/read-receipts/list', body).then((reply) => {
            for (const { messageID, readCount, unreadCount } of asArray<WireMessageReceipt>(reply.receiptList)) {
              for (const m of messages) {
                if (this.cache.serverID(m.ID) !== messageID) continue;
                if (oneToOne) m.readReceiptInfo.isPeerRead = readCount > 0;
                else setGroupCounts(m, readCount, unreadCount);
              }
            }
          }),
        );
      }
    }
    await Promise.all(requests);
    return ok({ messageList });
  }

  /**
   * A page of the members who gave a receipt for a group message of the user's, or of those who
   * have not, as Tencent's: `{ cursor, isCompleted, messageID, readUserIDList, unreadUserIDList }`,
   * in user ID order, the list not asked for `[]`. The options are read as Tencent's reads them:
   * `filter` 0 (who read it, the default) or 1 (who did not), anything else 0; `cursor` `''` for
   * the first page, then the page before's (`''` once `isCompleted`); `count` 1–99 members, else
   * 100. Only the message's sender may ask (40301); 40001 for a one-to-one message; a message
   * not sent (its `status` other than `success`), or anything but a Message, rejects 40001 before
   * any request.
   */
  async getGroupMessageReadMemberList(
    options: GetGroupMessageReadMemberListOptions,
  ): Promise<ChatResponse<GetGroupMessageReadMemberListResult>> {
    const call = 'getGroupMessageReadMemberList';
    const message = (options ?? {}).message;
    checkMessage(message, call);
    if (message.status !== 'success') throw invalidArgument(`${call}: message: only a sent message (status "success")`);
    const { filter, cursor, count } = receiptMemberPage(options);
    const body: WireReceiptMembersRequest = {
      conversationID: message.conversationID,
      messageID: this.cache.serverID(message.ID),
      filter: filter === 0 ? 'read' : 'unread',
      cursor,
      count,
    };
    const reply = await this.http.post<WireReceiptMembers>('/v1/messages/read-receipts/members', body);
    const userIDList = asArray<string>(reply.userIDList);
    return ok({
      cursor: reply.cursor,
      isCompleted: reply.isCompleted,
      messageID: message.ID,
      readUserIDList: filter === 0 ? userIDList : [],
      unreadUserIDList: filter === 1 ? userIDList : [],
    });
  }

  // ---------------------------------------------------------------- user status

  /**
   * Sets the custom status the user shows, as Tencent's: resolves `{ userID, statusType:
   * TYPES.USER_STATUS_ONLINE, customStatus }`, and the SDK remembers it (getUserStatus answers the
   * user from it). Every device of the user, this instance included, and every user subscribed to
   * them then hear USER_STATUS_UPDATED (this instance once, from the push or the answer, whichever
   * comes first). `''` clears it; so does the user going offline (their last connection closing),
   * as Tencent's clears it, and this instance, back online, tells the app so (USER_STATUS_UPDATED).
   * A `customStatus` that is no string rejects 40001 before any request; the server's
   * 40001 for one over 100 bytes (UTF-8).
   */
  async setSelfStatus(options: SetSelfStatusOptions): Promise<ChatResponse<UserStatus>> {
    const customStatus = checkCustomStatus(options);
    const me = this.userID;
    if (me === null) throw notLoggedIn();
    const session = this.session;
    const body: WireSetSelfStatusRequest = { customStatus };
    const reply = await this.http.post<WireUserStatus>('/v1/user-status/self', body);
    if (session === this.session) {
      // The answer is the status the server pushes to every device: this instance hears it from
      // whichever comes first, once.
      this.ownStatusKnown = true;
      this.emitUserStatuses([reply]);
    }
    return ok(ownStatus(me, customStatus));
  }

  /**
   * Users' statuses, as Tencent's: `{ successUserList, failureUserList }`, each status `{ userID,
   * statusType, customStatus }` in the order asked (the user themself first, answered without a
   * request from the status the SDK remembers, online, as Tencent's), each failure `{ userID, code,
   * message }`: 70107 (`ErrorCode.USER_NOT_FOUND`) for a user the server does not know. Any user
   * may be asked about, subscribed to or not. Past 500 others, only the first 500 are asked (a
   * warning is logged), as Tencent's. An empty `userIDList`, or one that is no array of strings,
   * rejects 40001 before any request. A status older than one a push already told the app is
   * answered as the newer one.
   */
  async getUserStatus(options: GetUserStatusOptions): Promise<ChatResponse<GetUserStatusResult>> {
    const asked = checkStatusUserIDs(options, 'getUserStatus');
    const me = this.userID;
    if (me === null) throw notLoggedIn();
    const withSelf = asked.includes(me);
    let others = asked.filter((userID) => userID !== me);
    if (others.length === 0) return ok({ successUserList: [ownStatus(me, this.customStatus)], failureUserList: [] });
    if (others.length > MAX_USERS_PER_STATUS_QUERY) {
      this.warn(`getUserStatus: the length of userIDList cannot exceed ${MAX_USERS_PER_STATUS_QUERY}: asking about the first ${MAX_USERS_PER_STATUS_QUERY}`);
      others = others.slice(0, MAX_USERS_PER_STATUS_QUERY);
    }
    const session = this.session;
    const body: WireUserStatusRequest = { userIDList: others };
    const reply = await this.http.post<WireUserStatusList>('/v1/user-status', body);
    const current = session === this.session;
    const successUserList = asArray<WireUserStatus>(reply.successUserList).map((status) =>
      toUserStatus(current ? this.userStatuses.note(status) : status),
    );
    if (withSelf) successUserList.unshift(ownStatus(me, this.customStatus));
    const failureUserList = asArray<WireUserStatusFailure>(reply.failureUserList).map(
      (failure) => toStatusFailure(failure, null),
    );
    return ok({ successUserList, failureUserList });
  }

  /**
   * Subscribes to users' statuses, as Tencent's: from now on USER_STATUS_UPDATED tells when they go
   * online or offline or change their custom status. Resolves `{ failureUserList }`: 70107
   * (`ErrorCode.USER_NOT_FOUND`) for a user the server does not know, 40001 for the user themself
   * (whose own status reaches their devices anyway). Nothing is told on subscribing: ask
   * getUserStatus for the statuses now. The server keeps subscriptions across logins until
   * unsubscribed, 200 at most (subscribing past that drops the oldest). Past 100 users, only the
   * first 100 (a warning is logged), as Tencent's. An empty `userIDList`, or one that is no array
   * of strings, rejects 40001 before any request.
   */
  async subscribeUserStatus(options: SubscribeUserStatusOptions): Promise<ChatResponse<UserStatusSubscriptionResult>> {
    const given = checkStatusUserIDs(options, 'subscribeUserStatus');
    const me = this.userID;
    if (me === null) throw notLoggedIn();
    const list = this.statusBatch('subscribeUserStatus', given);
    const body: WireUserStatusRequest = { userIDList: list };
    const reply = await this.http.post<WireUserStatusSubscription>('/v1/user-status/subscribe', body);
    return ok({ failureUserList: asArray<WireUserStatusFailure>(reply.failureUserList).map((f) => toStatusFailure(f, me)) });
  }

  /**
   * Ends subscriptions, as Tencent's: to the users of `userIDList`, or, with none (left out,
   * `undefined`, empty, or no options at all), to every user. Resolves `{ failureUserList }`
   * (70107 for a userID the server cannot take). Past 100 users, only the first 100 (a warning is
   * logged), as Tencent's. A `userIDList` that is no array of strings rejects 40001.
   */
  async unsubscribeUserStatus(options?: UnsubscribeUserStatusOptions): Promise<ChatResponse<UserStatusSubscriptionResult>> {
    const given = checkUnsubscribeUserIDs(options);
    if (this.userID === null) throw notLoggedIn();
    const list = given === undefined ? undefined : this.statusBatch('unsubscribeUserStatus', given);
    const body: WireUserStatusRequest = list === undefined ? {} : { userIDList: list };
    const reply = await this.http.post<WireUserStatusSubscription>('/v1/user-status/unsubscribe', body);
    return ok({ failureUserList: asArray<WireUserStatusFailure>(reply.failureUserList).map((f) => toStatusFailure(f, null)) });
  }

  /** A subscription call's users: the first 100, with a warning past that, as Tencent's. */
  private statusBatch(call: string, list: string[]): string[] {
    if (list.length <= MAX_USERS_PER_STATUS_SUBSCRIPTION) return list;
    this.warn(`${call}: the length of userIDList cannot exceed ${MAX_USERS_PER_STATUS_SUBSCRIPTION}: taking the first ${MAX_USERS_PER_STATUS_SUBSCRIPTION}`);
    return list.slice(0, MAX_USERS_PER_STATUS_SUBSCRIPTION);
  }

  // ---------------------------------------------------------------- following

  /**
   * The user follows the users named, one way and without asking them, as Tencent's: `data` is
   * the array of each one's result, in order, `{ userID, resultCode, resultInfo }`: `resultCode`
   * 0 when done (following someone followed already too, the follow kept as it was), else the
   * server's code of why not (40001 the user themself or a malformed userID, 40401 no such user,
   * 40901 the user follows 5,000 already); one refused does not stop the others. 1–20 userIDs,
   * else 40001 before any request. Each follow made now is told to every device of both users,
   * this instance included: MY_FOLLOWING_LIST_UPDATED here, MY_FOLLOWERS_LIST_UPDATED to the user
   * followed, and MUTUAL_FOLLOWERS_LIST_UPDATED to both when they now follow each other.
   */
  async followUser(userIDList: string[]): Promise<ChatResponse<FollowResult[]>> {
    return this.changeFollows('/v1/follows', checkFollowIDs(userIDList, 'followUser'));
  }

  /**
   * The user stops following the users named, as followUser; one not followed has `resultCode`
   * 40401. Each follow ended is told as followUser tells one made, with `isAdd: false`.
   */
  async unfollowUser(userIDList: string[]): Promise<ChatResponse<FollowResult[]>> {
    return this.changeFollows('/v1/follows/remove', checkFollowIDs(userIDList, 'unfollowUser'));
  }

  private async changeFollows(path: string, userIDList: string[]): Promise<ChatResponse<FollowResult[]>> {
    if (this.userID === null) throw notLoggedIn();
    const body: WireFollowRequest = { userIDList };
    const reply = await this.http.post<WireFollowResultList>(path, body);
    return ok(
      asArray<WireFollowResult>(reply.resultList).map(({ userID, resultCode, resultInfo }) => ({ userID, resultCode, resultInfo })),
    );
  }

  /**
   * A page of the users who follow the user, as Tencent's: `{ resultList, nextCursor }`, newest
   * follow first, 500 a page, each `{ userID, followTime, nick, avatar }` (`followTime` in
   * seconds). Pass `nextCursor` back for the next page; it is `''` after the last. A `nextCursor`
   * that is no string is refused with 40001 before any request, one no page gave by the server
   * (40001).
   */
  async getMyFollowersList(nextCursor = ''): Promise<ChatResponse<FollowListResult>> {
    return this.followList('getMyFollowersList', nextCursor);
  }

  /** A page of the users the user follows, as getMyFollowersList. */
  async getMyFollowingList(nextCursor = ''): Promise<ChatResponse<FollowListResult>> {
    return this.followList('getMyFollowingList', nextCursor);
  }

  /**
   * A page of the user's mutual followers (users who follow the user and whom the user follows),
   * as getMyFollowersList; `followTime` is when the user followed them.
   */
  async getMutualFollowersList(nextCursor = ''): Promise<ChatResponse<FollowListResult>> {
    return this.followList('getMutualFollowersList', nextCursor);
  }

  private async followList(call: keyof typeof FOLLOW_LISTS, nextCursor: unknown): Promise<ChatResponse<FollowListResult>> {
    const cursor = checkFollowCursor(nextCursor, call);
    if (this.userID === null) throw notLoggedIn();
    // No count: the server's page is Tencent's, 500.
    const reply = await this.http.get<WireFollowList>('/v1/follows', { type: FOLLOW_LISTS[call], cursor: cursor || undefined });
    return ok({
      resultList: asArray<WireFollowedUser>(reply.resultList).map(toFollowedUser),
      nextCursor: typeof reply.nextCursor === 'string' ? reply.nextCursor : '',
    });
  }

  /**
   * How many follow each user named, how many they follow, and how many both, as Tencent's: `data`
   * is an array in the order asked, each `{ userID, followersCount, followingCount,
   * mutualFollowersCount }` (`userID` is Natter's addition). Anyone's counts; a user the server
   * does not know has 0s. Without `userIDList` (or with `[]`), the user's own. At most 100
   * userIDs, else 40001 before any request.
   */
  async getUserFollowInfo(userIDList?: string[]): Promise<ChatResponse<UserFollowInfo[]>> {
    const list = checkFollowInfoIDs(userIDList);
    if (this.userID === null) throw notLoggedIn();
    const body: WireFollowQuestion = list.length === 0 ? {} : { userIDList: list };
    const reply = await this.http.post<WireFollowInfoList>('/v1/follows/info', body);
    return ok(asArray<WireFollowInfo>(reply.followInfoList).map(toFollowInfo));
  }

  /**
   * How each user named stands to the user, as Tencent's: `data` is an array in the order asked,
   * each `{ userID, followType }`, 0 neither follows the other, 1 they follow the user, 2 the user
   * follows them, 3 both. Past 100 userIDs, only the first 100 are asked about (with a warning),
   * as Tencent's; none is refused with 40001 before any request.
   */
  async checkFollowType(userIDList: string[]): Promise<ChatResponse<UserFollowType[]>> {
    let list = checkFollowTypeIDs(userIDList);
    if (this.userID === null) throw notLoggedIn();
    if (list.length > MAX_USERS_PER_FOLLOW_QUESTION) {
      this.warn(
        `checkFollowType: the length of userIDList cannot exceed ${MAX_USERS_PER_FOLLOW_QUESTION}: asking about the first ${MAX_USERS_PER_FOLLOW_QUESTION}`,
      );
      list = list.slice(0, MAX_USERS_PER_FOLLOW_QUESTION);
    }
    const body: WireFollowQuestion = { userIDList: list };
    const reply = await this.http.post<WireFollowTypeList>('/v1/follows/check', body);
    return ok(asArray<WireFollowType>(reply.resultList).map(toFollowType));
  }

  // ---------------------------------------------------------------- signalling

  /**
   * Listens for a `TSignaling` event, as Tencent's: the same as `on`, the handler getting `{ name,
   * data }`. The SDK reads the signalling messages it receives while the app listens for any
   * signalling event (this way or with `on`). A name that is no string, or a handler that is no
   * function, throws 40001.
   */
  addSignalingListener(eventName: string, handler: Function, context?: unknown): void {
    checkListener('addSignalingListener', eventName, handler);
    this.on(eventName, handler, context);
  }

  /** Stops listening, as Tencent's: the handler given (and `context`, when given), never every handler. */
  removeSignalingListener(eventName: string, handler: Function, context?: unknown): void {
    checkListener('removeSignalingListener', eventName, handler);
    this.off(eventName, handler, context);
  }

  /**
   * Invites a user, as Tencent's: sends the invitation (a custom message of Tencent's signalling
   * format, see signaling.ts) and resolves sendMessage's answer with the invitation's ID beside it,
   * `{ code: 0, data: { message }, inviteID }`; the invitee's devices hear
   * NEW_INVITATION_RECEIVED. With a `timeout` (seconds) the invitation times out unanswered: on the
   * invitee's side after it, on the inviter's 5 s later, each side hearing INVITATION_TIMEOUT.
   * `onlineUserOnly` reaches only the invitee's connected devices (and so do the answers);
   * `offlinePushInfo` is sendMessage's. Rejects as sendMessage; options it cannot take, with 40001
   * before any request.
   */
  async invite(options: InviteOptions): Promise<SignalingResponse> {
    return this.signaling.invite('invite', options);
  }

  /**
   * invite, as Tencent's `inviteSync`: returns the invitation's ID at once, then calls
   * `successCb({ inviteID })` once it is sent, or `errorCb(code, message)` (at once, with `''`
   * returned, for options it cannot take).
   */
  inviteSync(options: InviteOptions, successCb: Function, errorCb: Function): string {
    return this.signaling.inviteSync('inviteSync', options, successCb, errorCb);
  }

  /**
   * Invites members of a group, as Tencent's: one invitation, a message to the group naming the
   * invitees (`inviteeList`), whose devices hear NEW_INVITATION_RECEIVED (the other members get
   * the message only). Resolves and is timed as invite; the inviter's timeout names the invitees
   * yet to answer. An empty `inviteeList` is refused with 40001 before any request.
   */
  async inviteInGroup(options: InviteInGroupOptions): Promise<SignalingResponse> {
    return this.signaling.invite('inviteInGroup', options);
  }

  /** inviteInGroup, as Tencent's `inviteInGroupSync`: see inviteSync. */
  inviteInGroupSync(options: InviteInGroupOptions, successCb: Function, errorCb: Function): string {
    return this.signaling.inviteSync('inviteInGroupSync', options, successCb, errorCb);
  }

  /**
   * The inviter cancels an invitation this instance sent, as Tencent's: the invitees yet to answer
   * hear INVITATION_CANCELLED. Resolves as invite. Tencent's codes: 8020
   * (`ErrorCode.INVALID_CANCEL_MESSAGE`) for an invitation this instance does not follow (answered,
   * timed out, sent from another device) or one being cancelled, 8011
   * (`ErrorCode.SIGNALING_NO_PERMISSION`) for another's invitation.
   */
  async cancel(options: InvitationHandleOptions): Promise<SignalingResponse> {
    return this.signaling.cancel(options);
  }

  /**
   * An invitee accepts an invitation, as Tencent's: the inviter (and in a group the other
   * invitees) hear INVITEE_ACCEPTED, and so do the user's other devices that follow it. Resolves
   * as invite. Tencent's codes: 8010 (`ErrorCode.SIGNALING_INVALID_INVITE_ID`) for an invitation
   * this instance does not follow (never received here, cancelled, timed out, answered) or one
   * being answered, 8011 when the user is not (any more) one of its invitees.
   */
  async accept(options: InvitationHandleOptions): Promise<SignalingResponse> {
    return this.signaling.accept(options);
  }

  /** An invitee rejects an invitation, as Tencent's: INVITEE_REJECTED, told and refused as accept. */
  async reject(options: InvitationHandleOptions): Promise<SignalingResponse> {
    return this.signaling.reject(options);
  }

  /**
   * Changes an invitation's `data`, as Tencent's: its message is changed (modifyMessage) and every
   * instance that follows it hears INVITATION_MODIFIED, this one included. Resolves and rejects as
   * modifyMessage; Tencent's 8010 for an invitation this instance does not follow. An invitation
   * sent `onlineUserOnly`, never stored, cannot be changed.
   */
  async modifyInvitation(options: ModifyInvitationOptions): Promise<ChatResponse<{ message: Message }>> {
    return this.signaling.modifyInvitation(options);
  }

  /**
   * A signalling message's content, as Tencent's: `{ businessID, inviteID, groupID, inviter,
   * inviteeList, data, actionType, timeout }` for a message of an invitation (Natter's or
   * Tencent's: the same format), `null` for any other; to show such messages as the app wants.
   */
  getSignalingInfo(message: Message): SignalingInfo | null {
    return signalingInfo(message);
  }

  /**
   * At login, as Tencent's SDK reads them: the invitations that came while the user was logged out
   * and may still wait for them, for an app that listens for NEW_INVITATION_RECEIVED at SDK_READY
   * (as Tencent's). In each conversation with unread messages whose last message is at most 300 s
   * old, the newest of them (at most 20) are read, and their signalling messages, oldest first,
   * move the invitations as if just received: one not yet over (cancelled, answered, timed out) is
   * told as NEW_INVITATION_RECEIVED and timed from what is left of its timeout. Nothing is told of
   * a conversation that cannot be read.
   */
  private async replayInvitations(session: number): Promise<void> {
    const me = this.userID;
    if (me === null || session !== this.session || !this.emitter.has(TSignaling.NEW_INVITATION_RECEIVED)) return;
    const since = this.http.serverNow() - HISTORY_WINDOW_S * 1000;
    const recent = this.store
      .list()
      .filter((c) => c.unreadCount > 0 && (c.lastMessage?.time ?? 0) >= since && conversationTypeOf(c.conversationID) !== TYPES.CONV_SYSTEM);
    const found: Message[] = [];
    for (const c of recent) {
      let page: WireMessagePage;
      try {
        page = await this.http.get<WireMessagePage>(conversationPath(c.conversationID, '/messages'), {
          limit: Math.min(c.unreadCount, HISTORY_COUNT),
        });
      } catch {
        continue;
      }
      if (session !== this.session) return;
      for (const wire of page.messageList ?? []) {
        if (wire.type === TYPES.MSG_CUSTOM && isSignalingMessage(toMessage(wire, me))) found.push(this.keep(wire, me));
      }
    }
    found.sort((a, b) => a.time - b.time);
    this.signaling.received(found);
  }

  // ---------------------------------------------------------------- search

  /**
   * Tencent's searchCloudMessages (its cloud search plugin), over the server's search (`POST
   * /v1/messages/search`): `{ searchResultList, cursor, totalCount }`. Without a `conversationID`
   * the conversations with matches, the one with the newest match first, `count` a page (default
   * 10), each `{ conversationID, messageCount, messageList }`: `messageCount` its matches and, as
   * Tencent's, `messageList` its single match when it has one, `[]` when it has more. With one,
   * that conversation and a page of its matches, newest first, `messageCount` their number.
   * `cursor` (pass it back for the next page) is `''` on the last page; `totalCount` counts every
   * match (at most 1,000 a conversation). `timePosition` and `timePeriod` (seconds) bound the
   * messages' times as Tencent's (see search.ts). The messages are Message objects as
   * getMessageList hands them out, and findMessage finds them then. Bad options reject with 40001
   * before any request (see search.ts), as Tencent's throws "Params validate failed"; a server
   * without search rejects with Tencent's 60020 (`ErrorCode.SEARCH_UNAVAILABLE`).
   */
  async searchCloudMessages(options: SearchCloudMessagesOptions): Promise<ChatResponse<SearchCloudMessagesResult>> {
    const body = searchRequest(options, this.getServerTime());
    const me = this.userID;
    if (me === null) throw notLoggedIn();
    const reply = await this.http
      .post<WireSearchMessagesResponse>('/v1/messages/search', body)
      .catch((err: unknown) => {
        throw searchError(err);
      });
    const allConversations = body.conversationID === undefined;
    return ok({
      searchResultList: searchResultList(asArray<WireSearchResult>(reply.searchResultList), allConversations, (wires) =>
        wires.map((w) => this.keep(w, me)),
      ),
      ...page(reply),
    });
  }

  /**
   * Tencent's translateText, over the server's `POST /v1/translate`: `{ translatedTextList }`, the
   * translations of `sourceTextList` (1–100 texts, at most 10,000 characters in all) into
   * `targetLanguage`, in order, by the translation service the server's operator set up (a
   * LibreTranslate-compatible one, whose language codes these are: `en`, `zh`, …). A
   * `sourceLanguage` of `''` (or none) lets the service detect it. Rejects with the server's codes,
   * as Tencent's SDK hands on its server's: 40001 for bad options or a language the service lacks
   * (its reason in the message), 50101 (`ErrorCode.NOT_CONFIGURED`) when the server has no
   * translation service, 50301 when the service does not answer.
   */
  async translateText(options: TranslateTextOptions): Promise<ChatResponse<{ translatedTextList: string[] }>> {
    const body = translateRequest(options);
    const reply = await this.http.post<WireTranslatedText>('/v1/translate', body);
    return ok({ translatedTextList: asArray<string>(reply.translatedTextList) });
  }

  /**
   * Tencent's convertVoiceToText, over the server's `POST /v1/speech-to-text`: `{ result }`, the
   * speech of a sound message as text, by the speech-to-text service the server's operator set up
   * (an OpenAI-compatible one). `language` takes Tencent's names (`'zh (cmn-Hans-CN)'`, `'en-US'`,
   * `'yue-Hant-HK'`, `'ja-JP'`) or any BCP 47 tag; without it the service detects the language
   * (Tencent's defaults to Chinese). A message that is not a sound message, or not sent, rejects
   * with 40001 before any request. As Tencent's, every failure after that rejects with 2118
   * (`ErrorCode.VOICE_TO_TEXT_FAIL`), except audio the service cannot take or a file not on this
   * server, 2119 (`ErrorCode.UNSUPPORTED_VOICE_FORMAT`); `error`, `status` and `message` stay the
   * server's (`not_configured` when the server has no speech-to-text service).
   */
  async convertVoiceToText(options: ConvertVoiceToTextOptions): Promise<ChatResponse<{ result: string }>> {
    const body = speechToTextRequest(options);
    const reply = await this.http.post<WireSpeechToText>('/v1/speech-to-text', body).catch((err: unknown) => {
      if (!(err instanceof NatterError)) throw err;
      throw withTencentCode(err, { [err.code]: err.status === 400 ? ErrorCode.UNSUPPORTED_VOICE_FORMAT : ErrorCode.VOICE_TO_TEXT_FAIL });
    });
    return ok({ result: typeof reply.result === 'string' ? reply.result : '' });
  }

  /**
   * Tencent's searchCloudUsers, over the server's (`POST /v1/search/users`): `{ searchResultList,
   * cursor, totalCount }`, the users whose nick holds the words (any of them, or all with
   * `keywordListMatchType: 'and'`) or whose userID is one, by userID, `count` a page (1–100,
   * default 20), each a Profile as getUserProfile gives it. Any user finds any user. `cursor`
   * (pass it back for the next page) is `''` on the last page; `totalCount` counts every user
   * found. `userGenderType` (`TYPES.GENDER_FEMALE` or `GENDER_MALE`), `miniBirthday` and
   * `maxBirthday` narrow it by what users set with updateMyProfile, as Tencent's. Bad options reject with 40001 before any request (see directory.ts), as
   * Tencent's throws "Params validate failed"; a server without this search with Tencent's 60020.
   */
  async searchCloudUsers(options: SearchCloudUsersOptions): Promise<ChatResponse<SearchCloudUsersResult>> {
    const reply = await this.directorySearch<WireUserSearchResult>('searchCloudUsers', options);
    return ok({ ...page(reply), searchResultList: asArray<WireProfile>(reply.searchResultList).map(toProfile) });
  }

  /**
   * Tencent's searchCloudGroups, over the server's (`POST /v1/search/groups`): `{
   * searchResultList, cursor, totalCount }` as searchCloudUsers, the groups whose name holds the
   * words or whose groupID is one, by groupID, each a Group as getGroupProfile gives it. Anyone
   * finds public, meeting and community groups; a work group only its members; AVChatRoom and
   * dismissed groups no one. `groupTypeList` narrows to Tencent's four types (`TYPES.GRP_WORK`,
   * `GRP_PUBLIC`, `GRP_MEETING`, `GRP_COMMUNITY`; any other, AVChatRoom too, is refused with
   * 40001). As Tencent's search, the groups say nothing of the user's place in them
   * (`selfInfo.role` `''`): ask getGroupProfile for that.
   */
  async searchCloudGroups(options: SearchCloudGroupsOptions): Promise<ChatResponse<SearchCloudGroupsResult>> {
    const me = this.userID ?? '';
    const reply = await this.directorySearch<WireGroupSearchResult>('searchCloudGroups', options);
    // Not presentGroup: a found group's empty role is no news of the user's (they may be its owner).
    const searchResultList = asArray<WireGroup>(reply.searchResultList).map((wire) => toGroup(wire, { userID: me }));
    return ok({ ...page(reply), searchResultList });
  }

  /**
   * Tencent's searchCloudGroupMembers, over the server's (`POST /v1/search/group-members`): `{
   * searchResultList, cursor, totalCount }` as searchCloudUsers, the current members of the
   * user's own groups whose nick, or name card in the group, holds the words or whose userID is
   * one, by group: each entry `{ groupInfo: { groupID, name, type, avatar }, memberList: [{
   * userID, nick, nameCard, avatar }] }`, by groupID and then userID. `count` counts members, so a
   * group may go on on the next page; `totalCount` counts a user found in two groups twice.
   * `groupIDList` (at most 100) narrows to some of the user's groups, `groupTypeList` to types, as
   * searchCloudGroups.
   */
  async searchCloudGroupMembers(
    options: SearchCloudGroupMembersOptions,
  ): Promise<ChatResponse<SearchCloudGroupMembersResult>> {
    const reply = await this.directorySearch<WireGroupMemberSearchResult>('searchCloudGroupMembers', options);
    return ok({ ...page(reply), searchResultList: asArray<WireGroupMembersFound>(reply.searchResultList).map(toMembersFound) });
  }

  /** A search of users, groups or members: the options checked, then the server asked. */
  private async directorySearch<T>(call: DirectorySearchCall, options: unknown): Promise<T> {
    const body = directoryRequest(call, options);
    if (this.userID === null) throw notLoggedIn();
    try {
      return await this.http.post<T>(DIRECTORY_SEARCHES[call].path, body);
    } catch (err) {
      throw directorySearchError(call, err);
    }
  }

  /**
   * Deletes messages for this user only, as Tencent's: 1–30 messages of one conversation, gone from
   * their history on every device (the other members keep theirs). Resolves `{ messageList }`,
   * the same objects, now `isDeleted`. The server deletes all or none. A message that was never
   * stored (a failed send) is only marked here. The user's other devices and tabs hear of it as
   * NATTER_MESSAGES_DELETED.
   */
  async deleteMessage(messageList: Message[]): Promise<ChatResponse<{ messageList: Message[] }>> {
    if (!Array.isArray(messageList) || messageList.length === 0) {
      throw invalidArgument(`deleteMessage: an array of 1 to ${MAX_MESSAGES_PER_DELETE} messages of one conversation`);
    }
    if (messageList.length > MAX_MESSAGES_PER_DELETE) {
      throw invalidArgument(`deleteMessage: ${messageList.length} messages given; at most ${MAX_MESSAGES_PER_DELETE} per call`);
    }
    for (const m of messageList) checkMessage(m, 'deleteMessage');
    const conversationID = messageList[0]!.conversationID;
    if (messageList.some((m) => m.conversationID !== conversationID)) {
      throw invalidArgument('deleteMessage: every message must be of the same conversation');
    }
    if (conversationTypeOf(conversationID) === TYPES.CONV_SYSTEM) {
      throw invalidArgument('deleteMessage: system notices cannot be deleted');
    }
    if (this.userID === null) throw notLoggedIn();
    const stored = messageList.filter((m) => m.status === 'success');
    if (stored.length > 0) {
      await this.http.post<WireMessageIDList>('/v1/messages/delete', {
        conversationID,
        messageIDList: [...new Set(stored.map((m) => this.cache.serverID(m.ID)))],
      });
      this.cache.noteDeleted(stored.map((m) => m.ID));
    }
    for (const m of messageList) m.isDeleted = true;
    if (stored.length > 0) await this.refreshLocal({ unread: true });
    return ok({ messageList });
  }

  /**
   * A page of history, as Tencent's: at most 15 messages, oldest first, going back in time with
   * each `nextReqMessageID`, which the server understands on its own (after a reload, or on
   * another instance).
   */
  async getMessageList(options: GetMessageListOptions): Promise<ChatResponse<GetMessageListResult>> {
    checkID(options?.conversationID);
    const count = options.count ?? MESSAGE_PAGE_SIZE;
    if (!Number.isInteger(count) || count < 1 || count > MESSAGE_PAGE_SIZE) {
      throw invalidArgument(`count: 1 to ${MESSAGE_PAGE_SIZE}`);
    }
    const next = options.nextReqMessageID;
    if (next !== undefined && next !== '' && typeof next !== 'string') {
      throw invalidArgument('nextReqMessageID: the value the previous page returned');
    }
    const me = this.userID;
    if (me === null) throw notLoggedIn();
    // An app may name the oldest message it holds: for this instance's sends, by the creation ID.
    const before = next ? this.cache.serverID(next) : undefined;
    const reply = await this.historyPage(options.conversationID, count, before).catch((err: unknown) => {
      // A peer the server has never seen has no history with the user: an empty first page, as
      // getConversationProfile answers a new, empty conversation for them.
      const unknownPeer = err instanceof NatterError && err.code === ErrorCode.NOT_FOUND && !next;
      if (unknownPeer && conversationTypeOf(options.conversationID) === TYPES.CONV_C2C) {
        const empty: WireMessagePage = { messageList: [], isCompleted: true, nextReqMessageID: '' };
        return empty;
      }
      throw err;
    });
    const messageList = (reply.messageList ?? []).map((w) => this.keep(w, me));
    return ok({
      messageList,
      nextReqMessageID: reply.nextReqMessageID ?? messageList[0]?.ID ?? '',
      isCompleted: reply.isCompleted,
    });
  }

  /**
   * Tencent's getMessageListHopping: at most `count` (default 15, more taken as 15) messages from a point,
   * oldest first, the message at the point included: it and older ones (direction 0, the
   * default) or it and newer ones (1). The point is a `sequence` or a `time` in seconds (all the
   * messages of that second); as Tencent's, a one-to-one conversation goes by `time` and a group
   * by `sequence`, and here each also goes by the other when only that one is given, since Natter
   * keeps sequences one-to-one too. No point (or 0) going older is the newest page; no point going
   * newer is nothing, completed. The answer's `nextMessageSeq` (or `nextMessageTime`), passed back
   * with the same direction, gives the next page on that side.
   */
  async getMessageListHopping(
    options: GetMessageListHoppingOptions,
  ): Promise<ChatResponse<GetMessageListHoppingResult>> {
    if (typeof options !== 'object' || options === null) {
      throw invalidArgument('getMessageListHopping: { conversationID, sequence?, time?, direction?, count? }');
    }
    const { conversationID } = options;
    if (typeof conversationID !== 'string' || conversationID === '') {
      throw invalidArgument('conversationID: a string such as "GROUPteam" or "C2Cbob"');
    }
    const direction = options.direction ?? 0;
    if (direction !== 0 && direction !== 1) throw invalidArgument('direction: 0 (older messages) or 1 (newer)');
    const asked = options.count ?? MESSAGE_PAGE_SIZE;
    if (!Number.isInteger(asked) || asked < 1) {
      throw invalidArgument(`count: 1 to ${MESSAGE_PAGE_SIZE}`);
    }
    // More than 15 is 15, as Tencent's SDK takes it.
    const count = Math.min(asked, MESSAGE_PAGE_SIZE);
    const sequence: unknown = options.sequence ?? undefined;
    if (sequence !== undefined && !(typeof sequence === 'number' && Number.isSafeInteger(sequence) && sequence >= 0)) {
      throw invalidArgument("sequence: a message's sequence (an integer, 0 or more)");
    }
    const time: unknown = options.time ?? undefined;
    if (time !== undefined && !(typeof time === 'number' && Number.isFinite(time) && time >= 0)) {
      throw invalidArgument("time: seconds since the epoch, as a message's time");
    }
    const me = this.userID;
    if (me === null) throw notLoggedIn();

    const oneToOne = conversationTypeOf(conversationID) === TYPES.CONV_C2C;
    const byTime = oneToOne ? time !== undefined || sequence === undefined : sequence === undefined && time !== undefined;
    const point = byTime ? (time === undefined ? undefined : Math.floor(time)) : sequence;
    const done = (messageList: Message[], isCompleted: boolean, next: number | ''): GetMessageListHoppingResult =>
      byTime ? { messageList, isCompleted, nextMessageTime: next } : { messageList, isCompleted, nextMessageSeq: next };
    // Nothing is newer than now (Tencent's answer for a group without a sequence).
    if (point === undefined && direction === 1) return ok(done([], true, ''));

    const query: Query = { limit: count };
    const endKey = `${direction}${conversationID}`;
    const end = byTime ? this.hoppingEnds.get(endKey) : undefined;
    if (point !== undefined && end !== undefined && end.time === point) {
      // The nextMessageTime of this instance's last page that way: right after that page.
      query[direction === 0 ? 'before' : 'after'] = end.sequence;
    } else if (direction === 1) {
      if (byTime) query.afterTime = point! * 1000;
      else query.after = Math.max(point! - 1, 0);
    } else if (point) {
      // 0, as no point, is the newest page (Tencent's SDK asks for the newest then).
      if (byTime) query.beforeTime = point * 1000 + 999;
      else query.before = point + 1;
    }
    const session = this.session;
    const reply = await this.http
      .get<WireMessagePage>(conversationPath(conversationID, '/messages'), query)
      .catch((err: unknown) => {
        // A peer the server never saw has no history with the user, as getMessageList answers.
        if (err instanceof NatterError && err.code === ErrorCode.NOT_FOUND && oneToOne) {
          const empty: WireMessagePage = { messageList: [], isCompleted: true, nextReqMessageID: '' };
          return empty;
        }
        throw err;
      });
    const messageList = (reply.messageList ?? []).map((w) => this.keep(w, me));
    const edge = direction === 0 ? messageList[0] : messageList[messageList.length - 1];
    const current = session === this.session;
    // An empty page has nothing on that side either.
    if (reply.isCompleted || edge === undefined) {
      if (byTime && current) this.hoppingEnds.delete(endKey);
      return ok(done(messageList, true, ''));
    }
    if (byTime) {
      if (current) this.hoppingEnds.set(endKey, { time: edge.time, sequence: edge.sequence });
      return ok(done(messageList, false, edge.time));
    }
    return ok(done(messageList, false, direction === 0 ? edge.sequence - 1 : edge.sequence + 1));
  }

  /**
   * One page before `nextReqMessageID`. A server older than paging by message ID answers without a
   * `nextReqMessageID` and ignores the parameter; then the page is asked by sequence (`before`)
   * when this instance knows the message, and refused loudly when it does not: handing back the
   * newest page again would loop an app that pages until `isCompleted`.
   */
  private async historyPage(conversationID: string, limit: number, next: string | undefined): Promise<WireMessagePage> {
    const path = conversationPath(conversationID, '/messages');
    const bySeq = (): Promise<WireMessagePage> => {
      const known = next === undefined ? undefined : this.cache.get(next);
      if (!known || known.conversationID !== conversationID) {
        throw unsupported(
          'getMessageList({ nextReqMessageID })',
          'this server is older than paging by message ID; upgrade it, or page within one instance',
        );
      }
      return this.http.get<WireMessagePage>(path, { limit, before: known.sequence });
    };
    if (next !== undefined && this.serverPagesByID === false) return bySeq();
    const reply = await this.http.get<WireMessagePage>(path, { limit, nextReqMessageID: next });
    this.serverPagesByID = reply.nextReqMessageID !== undefined;
    if (next !== undefined && !this.serverPagesByID) return bySeq();
    return reply;
  }

  /**
   * A message this instance saw lately (received, sent or listed), or null. A message it sent is
   * found by the ID it was created with and by the server's; one another instance sent, by the
   * server's and by the ID that instance made, which it may have written into a message (TUIKit's
   * replies and quotes name the message they answer so).
   */
  findMessage(messageID: string): Message | null {
    return this.cache.get(messageID) ?? this.cache.getByCreationID(messageID) ?? null;
  }
}

/** Types merged into the default export, so `TencentCloudChat.TYPES` and friends work as types too. */
export declare namespace Natter {
  type TYPES = TypesValue;
  type EVENT = EventName;
  type TSignaling = TSignalingValue;
}

/** A media message's file waiting for sendMessage to upload it. */
interface PendingUpload {
  kind: MediaKind;
  file: LocalFile;
  onProgress: ((percent: number) => void) | undefined;
  /** The upload under way, shared by sends made meanwhile. */
  inFlight: Promise<void> | null;
}

/**
 * Whether a signalling message counts as unread for no one and is never the conversation's last
 * message, as Tencent's SDK decides it from markers apps put in the signal's `data`:
 * `excludeFromHistoryMessage` or `excludeOriginalSignalingFromHistoryMessage` for every signal,
 * and `excludeTimeoutSignalingFromHistoryMessage` for a timeout.
 */
function excludedFromHistory(signal: SignalData): boolean {
  const marker =
    signal.actionType === TSignaling.ACTION_TYPE_INVITE_TIMEOUT
      ? /excludeTimeoutSignalingFromHistoryMessage/
      : /excludeFromHistoryMessage|excludeOriginalSignalingFromHistoryMessage/;
  return marker.test(signal.data);
}

function ok<T>(data: T): ChatResponse<T> {
  return { code: 0, data };
}

/**
 * What sendMessage stores: the payload, and a group text's mentions as `atUserList` beside its
 * text, as the server (and Natter's other clients) read them. As Tencent's, a one-to-one message
 * sends none.
 */
function wirePayload(message: Message): unknown {
  const mentions = message.atUserList;
  const mentioning =
    message.type === TYPES.MSG_TEXT &&
    conversationTypeOf(message.conversationID) === TYPES.CONV_GROUP &&
    Array.isArray(mentions) &&
    mentions.length > 0;
  return mentioning ? { ...message.payload, atUserList: [...mentions] } : message.payload;
}

/**
 * Whether `isCommercialAbilityEnabled(features)` says yes: every bit of the number asked is a
 * feature Natter has (none asked, or no whole number: no).
 */
function commercialAbilityEnabled(features: unknown): boolean {
  let bits: bigint;
  if (typeof features === 'bigint') bits = features;
  else if (typeof features === 'number' && Number.isInteger(features)) bits = BigInt(features);
  else if (typeof features === 'string' && /^[0-9]{1,20}$/.test(features)) bits = BigInt(features);
  else return false;
  return bits > 0n && (bits & ~COMMERCIAL_FEATURES) === 0n;
}

function normalizeUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/** A Message as this SDK hands them out (its ID and conversation are what the server needs). */
function checkMessage(message: unknown, call: string): asserts message is Message {
  const m = message as Partial<Message> | null;
  if (typeof m !== 'object' || m === null || typeof m.ID !== 'string' || typeof m.conversationID !== 'string') {
    throw invalidArgument(`${call}: a Message this SDK returned (sendMessage, getMessageList, MESSAGE_RECEIVED)`);
  }
}

/** A Message as this SDK hands them out, enough of it to forward or combine. */
function isMessageObject(value: unknown): value is Message {
  const m = value as Partial<Message> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.ID === 'string' &&
    typeof m.type === 'string' &&
    typeof m.payload === 'object' &&
    m.payload !== null
  );
}

/** A forwarded message's own copy of the payload (changing one leaves the other alone). */
function clonePayload(payload: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(payload)) as Record<string, unknown>;
}

/** A forwarding refusal: Tencent's code, `invalid_argument` as the server would say it. */
function forwardError(code: number, message: string): NatterError {
  return new NatterError({ code, error: 'invalid_argument', message });
}

/**
 * downloadMergerMessage's failure, as Tencent's: 2452 whatever went wrong, with the server's
 * `error` and `status` when it answered (`network_error` when nothing did).
 */
function downloadFailure(call: string, downloadKey: string, err: unknown): NatterError {
  const answered = err instanceof NatterError ? err : null;
  const why = err instanceof Error ? err.message : String(err);
  return new NatterError({
    code: ErrorCode.MSG_MERGER_DOWNLOAD_FAIL,
    error: answered?.error ?? 'invalid_argument',
    message: `${call}: cannot read the record at ${downloadKey}: ${why}`,
    status: answered?.status,
    retryAfterMs: answered?.retryAfterMs,
    cause: err,
  });
}

function checkID(id: unknown): asserts id is string {
  if (typeof id !== 'string') throw invalidArgument('conversationID: a string such as "C2Cbob"');
}

/**
 * The request handleGroupApplication answers, from its notice (`message`) or its entry of
 * getGroupApplicationList (`application`), as Tencent's reads them.
 */
function requestToJoin(options: HandleGroupApplicationOptions): { groupID: string; applicant: string } {
  const { message, application } = options;
  if (message !== undefined) {
    const notice = message?.payload as Partial<GroupSystemNoticePayload> | undefined;
    const groupID = notice?.groupProfile?.groupID;
    const applicant = notice?.operatorID;
    const isRequest = message?.type === TYPES.MSG_GRP_SYS_NOTICE && notice?.operationType === GROUP_NOTICE.JOIN_REQUEST;
    if (!isRequest || typeof groupID !== 'string' || typeof applicant !== 'string' || applicant === '') {
      throw invalidArgument('message: the group system notice of a request to join (MSG_GRP_SYS_NOTICE, operationType 1)');
    }
    return { groupID, applicant };
  }
  if (application !== undefined) {
    const { groupID, applicant } = (application ?? {}) as Partial<GroupApplication>;
    if (typeof groupID !== 'string' || groupID === '' || typeof applicant !== 'string' || applicant === '') {
      throw invalidArgument('application: an entry of getGroupApplicationList (applicant, groupID)');
    }
    return { groupID, applicant };
  }
  throw invalidArgument('handleGroupApplication: message (the request\'s notice) or application (from getGroupApplicationList)');
}

/** addSignalingListener's and removeSignalingListener's: an event name and a handler, as Tencent's checks them. */
function checkListener(call: string, eventName: unknown, handler: unknown): void {
  if (typeof eventName !== 'string' || eventName === '') throw invalidArgument(`${call}: eventName: a TSignaling event name`);
  if (typeof handler !== 'function') throw invalidArgument(`${call}: handler: a function`);
}

function checkGroupID(groupID: unknown): asserts groupID is string {
  if (typeof groupID !== 'string' || groupID === '') throw invalidArgument('groupID: a group ID');
}

function checkMemberID(userID: unknown): asserts userID is string {
  if (typeof userID !== 'string' || userID === '') throw invalidArgument("userID: the member's userID");
}

/** 1–500 userIDs for a group call (the server drops repeats). */
function checkUserIDList(list: unknown): string[] {
  if (!Array.isArray(list) || list.some((u) => typeof u !== 'string' || u === '')) {
    throw invalidArgument('userIDList: an array of userIDs');
  }
  if (list.length === 0 || list.length > MAX_USERS_PER_GROUP_CALL) {
    throw invalidArgument(`userIDList: ${list.length} given; 1 to ${MAX_USERS_PER_GROUP_CALL}`);
  }
  return list as string[];
}

/** addToBlacklist's and removeFromBlacklist's `userIDList`: 1–1000 userIDs (the server drops repeats). */
function checkBlacklistIDs(options: unknown): string[] {
  const list = (options as Partial<BlacklistOptions> | null | undefined)?.userIDList;
  if (!Array.isArray(list) || list.some((u) => typeof u !== 'string' || u === '')) {
    throw invalidArgument('userIDList: an array of userIDs');
  }
  if (list.length === 0 || list.length > MAX_USERS_PER_BLACKLIST_CALL) {
    throw invalidArgument(`userIDList: ${list.length} given; 1 to ${MAX_USERS_PER_BLACKLIST_CALL}`);
  }
  return [...list];
}

/** Why a user has no entry in the user's friend list (the server's words for a deleteFriend failure). */
function notAFriend(userID: string, me: string): string {
  return `${userID} is not in the friend list of ${me}`;
}

/**
 * The users a friend group call passed over, as Tencent's failures: 40401 (`ErrorCode.NOT_FOUND`),
 * as deleteFriend's, for a user not in the friend list or not in the group (the server's message
 * says which).
 */
function groupFailures(reply: WireChangedFriendGroup): FriendGroupFailure[] {
  return reply.failureUserIDList.map(({ userID, message }) => ({ userID, code: ErrorCode.NOT_FOUND, message }));
}

/** A refusal that says the user is not a member of the group (any more, or never was). */
function isNotAMember(err: unknown): boolean {
  return err instanceof NatterError && (err.code === ErrorCode.NOT_A_MEMBER || err.code === ErrorCode.PERMISSION_DENIED);
}

/** createGroup's memberList → the userIDs; each joins as a plain member. */
function checkNewMembers(list: unknown): NonNullable<WireCreateGroup['memberList']> {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw invalidArgument('memberList: an array of { userID }');
  if (list.length > MAX_USERS_PER_GROUP_CALL) {
    throw invalidArgument(`memberList: ${list.length} given; at most ${MAX_USERS_PER_GROUP_CALL}`);
  }
  return list.map((item: unknown) => {
    const member = item as Partial<CreateGroupMember> | null;
    if (typeof member !== 'object' || member === null || typeof member.userID !== 'string' || member.userID === '') {
      throw invalidArgument('memberList: each is { userID }, a userID');
    }
    if (member.role !== undefined && member.role !== TYPES.GRP_MBR_ROLE_MEMBER && member.role !== TYPES.GRP_MBR_ROLE_ADMIN) {
      throw invalidArgument(`memberList: role ${String(member.role)} is not TYPES.GRP_MBR_ROLE_ADMIN or GRP_MBR_ROLE_MEMBER`);
    }
    return {
      userID: member.userID,
      role: member.role as string | undefined,
      memberCustomField: customFieldList(member.memberCustomField, 'memberCustomField'),
    };
  });
}

/** The profile fields createGroup and updateGroupProfile share: strings, and a known join option. */
function checkGroupProfileFields(options: { avatar?: unknown; introduction?: unknown; notification?: unknown; joinOption?: unknown }): void {
  for (const key of ['avatar', 'introduction', 'notification'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'string') throw invalidArgument(`${key}: must be a string`);
  }
  if (options.joinOption !== undefined && !JOIN_OPTIONS.has(options.joinOption)) {
    throw invalidArgument(`joinOption: ${String(options.joinOption)} is not one of TYPES.JOIN_OPTIONS_*`);
  }
}

/**
 * Tencent's custom fields (`groupCustomField`, `friendCustomField`: `field`), checked for their
 * shape before any request (the server checks the limits): `undefined` when left out, else
 * `[{ key, value }]` of strings, as the server takes them.
 */
function customFieldList(fields: unknown, field: string): CustomField[] | undefined {
  if (fields === undefined) return undefined;
  const isField = (item: unknown): item is CustomField =>
    typeof item === 'object' &&
    item !== null &&
    typeof (item as CustomField).key === 'string' &&
    typeof (item as CustomField).value === 'string';
  if (!Array.isArray(fields) || !fields.every(isField)) {
    throw invalidArgument(`${field}: an array of { key, value } strings`);
  }
  return fields.map(({ key, value }) => ({ key, value }));
}

/** The membership tips, which carry the group's member count after them. */
const MEMBERSHIP_TIPS: ReadonlySet<number> = new Set([
  TYPES.GRP_TIP_MBR_JOIN,
  TYPES.GRP_TIP_MBR_QUIT,
  TYPES.GRP_TIP_MBR_KICKED_OUT,
]);

/**
 * A held group as a delivered tip leaves it: a membership tip's member count, a profile tip's
 * fields (`groupName` the name; custom fields set by key, `''` removing one).
 */
function tippedGroup(group: WireGroup, tip: GroupTipPayload): WireGroup {
  if (MEMBERSHIP_TIPS.has(tip.operationType) && typeof tip.memberCount === 'number') {
    return { ...group, memberCount: tip.memberCount };
  }
  const changes = tip.newGroupProfile;
  if (tip.operationType !== TYPES.GRP_TIP_GRP_PROFILE_UPDATED || changes === undefined) return group;
  const { groupName, groupCustomField, ...fields } = changes;
  const next: WireGroup = { ...group, ...fields };
  if (groupName !== undefined) next.name = groupName;
  if (groupCustomField !== undefined) {
    const byKey = new Map(group.groupCustomField.map((f) => [f.key, f.value]));
    for (const { key, value } of groupCustomField) {
      if (value === '') byKey.delete(key);
      else byKey.set(key, value);
    }
    next.groupCustomField = [...byKey].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, value]) => ({ key, value }));
  }
  return next;
}

/** 1–100 IDs, counted as given (the server counts duplicates too). */
function checkIDList(ids: unknown): ConversationID[] {
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
    throw invalidArgument('conversationIDList: an array of conversation IDs');
  }
  if (ids.length === 0) throw invalidArgument('conversationIDList: is empty; give 1 to 100');
  if (ids.length > MAX_CONVERSATIONS_PER_CALL) throw tooManyConversations(ids.length);
  return ids as ConversationID[];
}

/** A conversation group name: the server checks its length (1–32 bytes); here only that it is a string. */
function checkGroupName(name: unknown, field: string): asserts name is string {
  if (typeof name !== 'string') throw invalidArgument(`${field}: a conversation group name (1–32 bytes)`);
}

/**
 * A mark as exact JSON digits. `JSON.stringify(2 ** 63)` writes `9223372036854776000`, which is not
 * a power of two; `BigInt` writes the double's exact value.
 */
function markTypeText(markType: unknown): string {
  if (typeof markType === 'bigint') {
    if (markType < 0n) throw invalidArgument('markType: a non-negative integer');
    return markType.toString();
  }
  if (typeof markType === 'number') {
    if (!Number.isInteger(markType) || markType < 0) throw invalidArgument('markType: a non-negative integer');
    return BigInt(markType).toString();
  }
  if (typeof markType === 'string' && /^[0-9]{1,20}$/.test(markType)) return BigInt(markType).toString();
  throw invalidArgument('markType: 1, 2, 4, 8 or a custom 2^n (32 ≤ n < 64), as a number or bigint');
}

function operationResult(ids: ConversationID[]): ConversationOperationResult {
  return { successConversationIDList: ids, failureConversationIDList: [] };
}

function asArray<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/** Where a search's page leaves off, as Tencent's: the next page's `cursor` (`''` after the last) and `totalCount`. */
function page(reply: { cursor?: unknown; totalCount?: unknown }): { cursor: string; totalCount: number } {
  return {
    cursor: typeof reply.cursor === 'string' ? reply.cursor : '',
    totalCount: typeof reply.totalCount === 'number' ? reply.totalCount : 0,
  };
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise<T>((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}

function newClientMsgID(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
