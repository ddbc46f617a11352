/**
 * `EVENT`, `TYPES` and `TSignaling` with Tencent Cloud Chat's web SDK values (v3,
 * `@tencentcloud/chat`), so code that compares or switches on them runs unchanged. Every Tencent
 * name is here, also for features Natter does not have, so that such code still compiles; the calls
 * behind those features reject (see unsupported.ts).
 *
 * One deliberate choice: the `CONV_MARK_TYPE_*` values are the ones the SDK sends at run time
 * (1, 2, 4, 8), which are also the server's; the package's typings declare FOLD and HIDE as 3 and 4,
 * which its own code never uses.
 */

export const EVENT = {
  SDK_READY: 'sdkStateReady',
  SDK_NOT_READY: 'sdkStateNotReady',
  /** After `destroy()`, with `{ SDKAppID }`, as Tencent's: the last event an instance sends. */
  SDK_DESTROY: 'sdkDestroy',
  MESSAGE_RECEIVED: 'onMessageReceived',
  ROOM_CUSTOM_DATA_RECEIVED: 'onRoomCustomDataReceived',
  MESSAGE_MODIFIED: 'onMessageModified',
  MESSAGE_REVOKED: 'onMessageRevoked',
  MESSAGE_READ_BY_PEER: 'onMessageReadByPeer',
  MESSAGE_READ_RECEIPT_RECEIVED: 'onMessageReadReceiptReceived',
  MESSAGE_EXTENSIONS_UPDATED: 'onMessageExtensionsUpdated',
  MESSAGE_EXTENSIONS_DELETED: 'onMessageExtensionsDeleted',
  MESSAGE_REACTIONS_UPDATED: 'onMessageReactionsUpdated',
  SERVER_CONFIG_UPDATED: 'onServerConfigUpdated',
  CONVERSATION_LIST_UPDATED: 'onConversationListUpdated',
  TOTAL_UNREAD_MESSAGE_COUNT_UPDATED: 'onTotalUnreadMessageCountUpdated',
  CONVERSATION_GROUP_LIST_UPDATED: 'onConversationGroupListUpdated',
  CONVERSATION_IN_GROUP_UPDATED: 'onConversationInGroupUpdated',
  GROUP_LIST_UPDATED: 'onGroupListUpdated',
  GROUP_ATTRIBUTES_UPDATED: 'groupAttributesUpdated',
  GROUP_COUNTER_UPDATED: 'onGroupCounterUpdated',
  TOPIC_CREATED: 'onTopicCreated',
  TOPIC_DELETED: 'onTopicDeleted',
  TOPIC_UPDATED: 'onTopicUpdated',
  PROFILE_UPDATED: 'onProfileUpdated',
  USER_STATUS_UPDATED: 'onUserStatusUpdated',
  BLACKLIST_UPDATED: 'blacklistUpdated',
  FRIEND_LIST_UPDATED: 'onFriendListUpdated',
  FRIEND_GROUP_LIST_UPDATED: 'onFriendGroupListUpdated',
  FRIEND_APPLICATION_LIST_UPDATED: 'onFriendApplicationListUpdated',
  MY_FOLLOWERS_LIST_UPDATED: 'onMyFollowersListUpdated',
  MY_FOLLOWING_LIST_UPDATED: 'onMyFollowingListUpdated',
  MUTUAL_FOLLOWERS_LIST_UPDATED: 'onMutualFollowersListUpdated',
  KICKED_OUT: 'kickedOut',
  ERROR: 'error',
  NET_STATE_CHANGE: 'netStateChange',
  ALL_RECEIVE_MESSAGE_OPT_UPDATED: 'onAllReceiveMessageOptUpdated',
  PINNED_GROUP_MESSAGE_UPDATED: 'onPinnedGroupMessageUpdated',

  // Natter's own. The `natter.` prefix cannot clash with Tencent's names, which never hold a dot.
  /**
   * Conversations deleted on another device or tab of this user (only when the app enables
   * deletion sync on the server). `data`: `{ conversationIDList, clearHistoryMessage, version }`, the
   * deletion's version.
   */
  NATTER_CONVERSATION_DELETED: 'natter.conversationDeleted',
  /**
   * The server dropped events for this connection, or its data was reset, and the SDK rebuilt its
   * state from the server. `data`: `{ reason: 'resyncRequired' | 'resetRequired' }`.
   */
  NATTER_RESYNC: 'natter.resync',
  /**
   * This user deleted messages for themself (deleteMessage) on another device or tab, or while
   * this one was offline: drop them from the screen. The SDK has already forgotten them.
   * `data`: `{ conversationID, messageIDList }`.
   */
  NATTER_MESSAGES_DELETED: 'natter.messagesDeleted',
} as const;

export const TYPES = {
  MSG_TEXT: 'TIMTextElem',
  MSG_IMAGE: 'TIMImageElem',
  MSG_AUDIO: 'TIMSoundElem',
  MSG_FILE: 'TIMFileElem',
  MSG_FACE: 'TIMFaceElem',
  MSG_VIDEO: 'TIMVideoFileElem',
  MSG_LOCATION: 'TIMLocationElem',
  MSG_GRP_TIP: 'TIMGroupTipElem',
  MSG_GRP_SYS_NOTICE: 'TIMGroupSystemNoticeElem',
  MSG_CUSTOM: 'TIMCustomElem',
  MSG_MERGER: 'TIMRelayElem',
  /** Older names Tencent's SDK still carries: MSG_AUDIO and MSG_LOCATION. */
  MSG_SOUND: 'TIMSoundElem',
  MSG_GEO: 'TIMLocationElem',

  MSG_PRIORITY_HIGH: 'High',
  MSG_PRIORITY_NORMAL: 'Normal',
  MSG_PRIORITY_LOW: 'Low',
  MSG_PRIORITY_LOWEST: 'Lowest',

  CONV_C2C: 'C2C',
  CONV_GROUP: 'GROUP',
  CONV_TOPIC: 'TOPIC',
  CONV_SYSTEM: '@TIM#SYSTEM',
  CONV_AT_ME: 1,
  CONV_AT_ALL: 2,
  CONV_AT_ALL_AT_ME: 3,

  /** Marks for markConversation; custom marks are 2^n with 32 ≤ n < 64. */
  CONV_MARK_TYPE_STAR: 1,
  CONV_MARK_TYPE_UNREAD: 2,
  CONV_MARK_TYPE_FOLD: 4,
  /** A hidden conversation leaves the default list; `getConversationList({ markType: 8 })` lists it. */
  CONV_MARK_TYPE_HIDE: 8,

  GRP_WORK: 'Private',
  GRP_PUBLIC: 'Public',
  GRP_MEETING: 'ChatRoom',
  GRP_AVCHATROOM: 'AVChatRoom',
  GRP_COMMUNITY: 'Community',
  /** Older names Tencent's SDK still carries (GRP_PRIVATE is GRP_WORK, GRP_CHATROOM GRP_MEETING). */
  GRP_PRIVATE: 'Private',
  GRP_CHATROOM: 'ChatRoom',
  GRP_ROOM: 'Room',
  GRP_LIVE: 'Live',

  GRP_MBR_ROLE_OWNER: 'Owner',
  GRP_MBR_ROLE_ADMIN: 'Admin',
  GRP_MBR_ROLE_MEMBER: 'Member',
  GRP_MBR_ROLE_CUSTOM: 'Custom',

  GRP_TIP_MBR_JOIN: 1,
  GRP_TIP_MBR_QUIT: 2,
  GRP_TIP_MBR_KICKED_OUT: 3,
  GRP_TIP_MBR_SET_ADMIN: 4,
  GRP_TIP_MBR_CANCELED_ADMIN: 5,
  GRP_TIP_GRP_PROFILE_UPDATED: 6,
  GRP_TIP_MBR_PROFILE_UPDATED: 7,
  GRP_TIP_BAN_AVCHATROOM_MEMBER: 10,
  GRP_TIP_UNBAN_AVCHATROOM_MEMBER: 11,

  MSG_REMIND_ACPT_AND_NOTE: 'AcceptAndNotify',
  MSG_REMIND_ACPT_NOT_NOTE: 'AcceptNotNotify',
  MSG_REMIND_DISCARD: 'Discard',
  NOT_RECEIVE_OFFLINE_PUSH_EXCEPT_AT: 'AcceptNotNotifyExceptAt',
  NOT_RECEIVE_MSG_EXCEPT_AT: 'NotReceiveMsgExceptAt',
  RECEIVE_WITH_OFFLINE_PUSH_EXCEPT_AT: 'AcceptNotNotifyExceptAt',

  GENDER_UNKNOWN: 'Gender_Type_Unknown',
  GENDER_FEMALE: 'Gender_Type_Female',
  GENDER_MALE: 'Gender_Type_Male',

  /** KICKED_OUT `data.type`: a newer login of the same device replaced this one (close 4001). */
  KICKED_OUT_MULT_ACCOUNT: 'multipleAccount',
  /** Never sent by Natter: a device type has one token, so logins never count devices. */
  KICKED_OUT_MULT_DEVICE: 'multipleDevice',
  /** The device's token was replaced or revoked (close 4003, or any 401 while logged in). */
  KICKED_OUT_USERSIG_EXPIRED: 'userSigExpired',
  /** The app backend kicked the device (close 4004). */
  KICKED_OUT_REST_API: 'REST_API_Kick',

  ALLOW_TYPE_ALLOW_ANY: 'AllowType_Type_AllowAny',
  ALLOW_TYPE_NEED_CONFIRM: 'AllowType_Type_NeedConfirm',
  ALLOW_TYPE_DENY_ANY: 'AllowType_Type_DenyAny',

  FORBID_TYPE_NONE: 'AdminForbid_Type_None',
  FORBID_TYPE_SEND_OUT: 'AdminForbid_Type_SendOut',

  JOIN_OPTIONS_FREE_ACCESS: 'FreeAccess',
  JOIN_OPTIONS_NEED_PERMISSION: 'NeedPermission',
  JOIN_OPTIONS_DISABLE_APPLY: 'DisableApply',

  JOIN_STATUS_SUCCESS: 'JoinedSuccess',
  JOIN_STATUS_ALREADY_IN_GROUP: 'AlreadyInGroup',
  JOIN_STATUS_WAIT_APPROVAL: 'WaitAdminApproval',

  INVITE_OPTIONS_DISABLE_INVITE: 'DisableInvite',
  INVITE_OPTIONS_NEED_PERMISSION: 'NeedPermission',
  INVITE_OPTIONS_FREE_ACCESS: 'FreeAccess',

  GRP_PROFILE_OWNER_ID: 'ownerID',
  GRP_PROFILE_CREATE_TIME: 'createTime',
  GRP_PROFILE_LAST_INFO_TIME: 'lastInfoTime',
  GRP_PROFILE_MEMBER_NUM: 'memberNum',
  GRP_PROFILE_MAX_MEMBER_NUM: 'maxMemberNum',
  GRP_PROFILE_JOIN_OPTION: 'joinOption',
  GRP_PROFILE_INTRODUCTION: 'introduction',
  GRP_PROFILE_INVITE_OPTION: 'inviteOption',
  GRP_PROFILE_NOTIFICATION: 'notification',
  GRP_PROFILE_MUTE_ALL_MBRS: 'muteAllMembers',

  SNS_ADD_TYPE_SINGLE: 'Add_Type_Single',
  SNS_ADD_TYPE_BOTH: 'Add_Type_Both',
  SNS_DELETE_TYPE_SINGLE: 'Delete_Type_Single',
  SNS_DELETE_TYPE_BOTH: 'Delete_Type_Both',
  SNS_APPLICATION_TYPE_BOTH: 'Pendency_Type_Both',
  SNS_APPLICATION_SENT_TO_ME: 'Pendency_Type_ComeIn',
  SNS_APPLICATION_SENT_BY_ME: 'Pendency_Type_SendOut',
  SNS_APPLICATION_AGREE: 'Response_Action_Agree',
  SNS_APPLICATION_AGREE_AND_ADD: 'Response_Action_AgreeAndAdd',
  SNS_CHECK_TYPE_BOTH: 'CheckResult_Type_Both',
  SNS_CHECK_TYPE_SINGLE: 'CheckResult_Type_Single',
  SNS_TYPE_NO_RELATION: 'CheckResult_Type_NoRelation',
  SNS_TYPE_A_WITH_B: 'CheckResult_Type_AWithB',
  SNS_TYPE_B_WITH_A: 'CheckResult_Type_BWithA',
  SNS_TYPE_BOTH_WAY: 'CheckResult_Type_BothWay',

  /** NET_STATE_CHANGE `data.state`. */
  NET_STATE_CONNECTED: 'connected',
  NET_STATE_CONNECTING: 'connecting',
  NET_STATE_DISCONNECTED: 'disconnected',

  MSG_AT_ALL: '__kImSDK_MesssageAtALL__',

  /** setAllMessageRead scopes. */
  READ_ALL_C2C_MSG: 'readAllC2CMessage',
  READ_ALL_GROUP_MSG: 'readAllGroupMessage',
  READ_ALL_MSG: 'readAllMessage',

  USER_STATUS_UNKNOWN: 0,
  USER_STATUS_ONLINE: 1,
  USER_STATUS_OFFLINE: 2,
  USER_STATUS_UNLOGINED: 3,

  IOS_OFFLINE_PUSH_NO_SOUND: 'push.no_sound',
  IOS_OFFLINE_PUSH_DEFAULT_SOUND: 'default',
} as const;

/**
 * Signalling: the events of invite, inviteInGroup, cancel, accept, reject and modifyInvitation
 * (listen with addSignalingListener or `on`), and the `actionType` of a signalling message
 * (getSignalingInfo), as Tencent's (see signaling.ts).
 */
export const TSignaling = {
  NEW_INVITATION_RECEIVED: 'newInvitationReceived',
  INVITEE_ACCEPTED: 'ts_invitee_accepted',
  INVITEE_REJECTED: 'ts_invitee_rejected',
  INVITATION_CANCELLED: 'ts_invitation_cancelled',
  INVITATION_TIMEOUT: 'ts_invitation_timeout',
  INVITATION_MODIFIED: 'ts_invitation_modified',
  ACTION_TYPE_UNKNOWN: 0,
  ACTION_TYPE_INVITE: 1,
  ACTION_TYPE_CANCEL_INVITE: 2,
  ACTION_TYPE_ACCEPT_INVITE: 3,
  ACTION_TYPE_REJECT_INVITE: 4,
  ACTION_TYPE_INVITE_TIMEOUT: 5,
} as const;

/** Any `EVENT` value. */
export type EventName = (typeof EVENT)[keyof typeof EVENT];
/** Any `TYPES` value (what Tencent's typings call `TencentCloudChat.TYPES`). */
export type TypesValue = (typeof TYPES)[keyof typeof TYPES];
export type TSignalingValue = (typeof TSignaling)[keyof typeof TSignaling];

/**
 * English placeholders the Tencent SDK shows as `lastMessage.messageForShow` for messages that are
 * not text (its international wording, for the SDKAppIDs it takes for international apps).
 */
export const MESSAGE_FOR_SHOW: Readonly<Record<string, string>> = {
  [TYPES.MSG_IMAGE]: '[Image]',
  [TYPES.MSG_LOCATION]: '[Location]',
  [TYPES.MSG_AUDIO]: '[Voice]',
  [TYPES.MSG_VIDEO]: '[Video]',
  [TYPES.MSG_FILE]: '[File]',
  [TYPES.MSG_CUSTOM]: '[Custom Messages]',
  [TYPES.MSG_GRP_TIP]: '[Group Notification]',
  [TYPES.MSG_GRP_SYS_NOTICE]: '[Group System Message]',
  [TYPES.MSG_FACE]: '[Animated Sticker]',
  [TYPES.MSG_MERGER]: '[Chat Record]',
};

/** The same placeholders in Chinese, as Tencent's SDK shows them for every other SDKAppID. */
export const MESSAGE_FOR_SHOW_CHINESE: Readonly<Record<string, string>> = {
  [TYPES.MSG_IMAGE]: '[图片]',
  [TYPES.MSG_LOCATION]: '[位置]',
  [TYPES.MSG_AUDIO]: '[语音]',
  [TYPES.MSG_VIDEO]: '[视频]',
  [TYPES.MSG_FILE]: '[文件]',
  [TYPES.MSG_CUSTOM]: '[自定义消息]',
  [TYPES.MSG_GRP_TIP]: '[群提示消息]',
  [TYPES.MSG_GRP_SYS_NOTICE]: '[群系统通知]',
  [TYPES.MSG_FACE]: '[动画表情]',
  [TYPES.MSG_MERGER]: '[聊天记录]',
};
