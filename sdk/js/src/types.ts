/**
 * The objects an app sees, shaped as Tencent Cloud Chat's web SDK documents them (Message,
 * Conversation, Profile, Group, event payloads, call options), so an app typed against
 * `@tencentcloud/chat` compiles against this package. Two rules keep that true:
 * - what the app passes in is typed at least as widely as Tencent types it (an option typed
 *   `TencentCloudChat.TYPES` there accepts any `TYPES` value here, checked at run time);
 * - what the SDK hands out is typed no wider than Tencent types it (a field typed `string` there may
 *   be a union of literals here), and fields Tencent types `any` (payloads) stay `any`.
 * Natter-only fields are marked as such. Wire shapes live in wire.ts, never here.
 */
import type { EVENT, EventName, TSignaling, TSignalingValue, TYPES, TypesValue } from './constants.js';
import type { WireGroupTipPayload } from './wire.js';

/** `C2C<peerUid>`, `GROUP<groupID>` or `@TIM#SYSTEM`. */
export type ConversationID = string;

/** `TYPES.CONV_C2C`, `TYPES.CONV_GROUP` or `TYPES.CONV_SYSTEM`. */
export type ConversationType = typeof TYPES.CONV_C2C | typeof TYPES.CONV_GROUP | typeof TYPES.CONV_SYSTEM;

/** `TYPES.MSG_*` element types. */
export type MessageType =
  | typeof TYPES.MSG_TEXT
  | typeof TYPES.MSG_IMAGE
  | typeof TYPES.MSG_AUDIO
  | typeof TYPES.MSG_FILE
  | typeof TYPES.MSG_FACE
  | typeof TYPES.MSG_VIDEO
  | typeof TYPES.MSG_LOCATION
  | typeof TYPES.MSG_GRP_TIP
  | typeof TYPES.MSG_GRP_SYS_NOTICE
  | typeof TYPES.MSG_CUSTOM
  | typeof TYPES.MSG_MERGER;

/**
 * `AcceptAndNotify` | `AcceptNotNotify` | `Discard` (`TYPES.MSG_REMIND_*`), and a group's
 * `AcceptNotNotifyExceptAt` (`TYPES.NOT_RECEIVE_OFFLINE_PUSH_EXCEPT_AT`) or a topic's
 * `NotReceiveMsgExceptAt` (`TYPES.NOT_RECEIVE_MSG_EXCEPT_AT`).
 */
export type MessageRemindType =
  | typeof TYPES.MSG_REMIND_ACPT_AND_NOTE
  | typeof TYPES.MSG_REMIND_ACPT_NOT_NOTE
  | typeof TYPES.MSG_REMIND_DISCARD
  | typeof TYPES.NOT_RECEIVE_OFFLINE_PUSH_EXCEPT_AT
  | typeof TYPES.NOT_RECEIVE_MSG_EXCEPT_AT;

/** `TYPES.NET_STATE_*`. */
export type NetState =
  | typeof TYPES.NET_STATE_CONNECTED
  | typeof TYPES.NET_STATE_CONNECTING
  | typeof TYPES.NET_STATE_DISCONNECTED;

/** `TYPES.KICKED_OUT_*`. */
export type KickedOutType =
  | typeof TYPES.KICKED_OUT_MULT_ACCOUNT
  | typeof TYPES.KICKED_OUT_MULT_DEVICE
  | typeof TYPES.KICKED_OUT_USERSIG_EXPIRED
  | typeof TYPES.KICKED_OUT_REST_API;

/**
 * `TYPES.USER_STATUS_*`: 1 online (a connection open), 2 offline (signed in on a device, none
 * connected), 3 unlogined (never signed in, or signed out of every device); 0 (unknown) is never
 * given.
 */
export type UserStatusType =
  | typeof TYPES.USER_STATUS_UNKNOWN
  | typeof TYPES.USER_STATUS_ONLINE
  | typeof TYPES.USER_STATUS_OFFLINE
  | typeof TYPES.USER_STATUS_UNLOGINED;

/** `unSend` before sendMessage settles, then `success` or `fail`. */
export type MessageStatus = 'unSend' | 'success' | 'fail';

export interface UserInfo {
  userID: string;
  nick: string;
  avatar: string;
}

/** Text: `{ text }`. */
export interface TextPayload {
  text: string;
}

/** Custom: `{ data, description, extension }`, all strings. */
export interface CustomPayload {
  data: string;
  description: string;
  extension: string;
}

/** Emoji: `{ index, data }`. */
export interface FacePayload {
  index: number;
  data: string;
}

/** Location: `{ description, longitude, latitude }`. */
export interface LocationPayload {
  description: string;
  longitude: number;
  latitude: number;
}

/**
 * One entry of an image's `imageInfoArray`, as Tencent's: `type` 0 original, 1 big, 2 thumbnail
 * (`sizeType` 1, 2, 3). Once uploaded, the big picture and the thumbnail are the server's copies,
 * 720 and 198 pixels on the shorter side (an image already that small is its own copy), made when
 * first downloaded; for a format the server makes no copies of (JPEG, PNG, GIF, WebP and BMP it
 * does), and before the upload, all three describe the original file.
 */
export interface ImageInfo {
  type: number;
  sizeType: number;
  /** Bytes; 0 for the server's copies, which are made when first downloaded. */
  size: number;
  /** Pixels, as the server read them from the file; 0 until it is uploaded (and for a format it does not know). */
  width: number;
  height: number;
  /**
   * Where to show it from: the file's absolute URL once uploaded; before that, on the sending
   * browser, a local object URL of the chosen file (`''` elsewhere), as Tencent's.
   */
  url: string;
  /** The file's absolute URL once uploaded, `''` before. */
  imageUrl: string;
}

/**
 * Image (`MSG_IMAGE`): `{ uuid, imageFormat, imageInfoArray }`. `uuid` is the server's file ID once
 * uploaded; `imageFormat` Tencent's number (JPG 1, GIF 2, PNG 3, BMP 4, else 255).
 */
export interface ImagePayload {
  uuid: string;
  imageFormat: number;
  imageInfoArray: ImageInfo[];
}

/**
 * File (`MSG_FILE`): `{ uuid, fileName, fileUrl, remoteFileUrl, fileSize, downloadFlag }`, the two
 * URLs the file's absolute URL once uploaded (`''` before), `fileName` the name as the server
 * stored it, `downloadFlag` 2 (downloadable), as Tencent's.
 */
export interface FilePayload {
  uuid: string;
  fileName: string;
  fileUrl: string;
  remoteFileUrl: string;
  /** Bytes. */
  fileSize: number;
  downloadFlag: number;
}

/**
 * Audio (`MSG_AUDIO`, `TIMSoundElem`): `{ uuid, url, remoteAudioUrl, size, second, downloadFlag }`,
 * the URLs the file's absolute URL once uploaded (`''` before), `second` the length the app gave
 * (0 when it gave none: Natter does not decode audio).
 */
export interface AudioPayload {
  uuid: string;
  url: string;
  remoteAudioUrl: string;
  /** Bytes. */
  size: number;
  second: number;
  downloadFlag: number;
}

/**
 * Video (`MSG_VIDEO`, `TIMVideoFileElem`), with Tencent's fields. `videoUrl` and `remoteVideoUrl`
 * are the file's absolute URL once uploaded (`videoUrl` a local object URL before, on the sending
 * browser). Natter makes no snapshot: the thumb and snapshot fields stay empty (`''`, 0), and a
 * player shows the video's first frame instead.
 */
export interface VideoPayload {
  videoUUID: string;
  videoUrl: string;
  remoteVideoUrl: string;
  /** Bytes. */
  videoSize: number;
  /** Seconds, when the file said (0 otherwise: Natter does not decode video). */
  videoSecond: number;
  /** The MIME subtype, as Tencent's: `mp4`, `quicktime`. */
  videoFormat: string;
  videoDownloadFlag: number;
  thumbUUID: string;
  thumbFormat: string;
  thumbUrl: string;
  remoteThumbUrl: string;
  snapshotUrl: string;
  remoteSnapshotUrl: string;
  thumbWidth: number;
  snapshotWidth: number;
  thumbHeight: number;
  snapshotHeight: number;
  thumbSize: number;
  snapshotSize: number;
  thumbDownloadFlag: number;
}

/**
 * A chat record's payload (`MSG_MERGER`), as Tencent's. Either `messageList` holds the messages,
 * or, for a record stored on the server, `downloadKey` says where they are (and `messageList` is
 * empty until downloadMergerMessage fills it). `layersOverLimit` marks a record nested more than
 * 100 layers deep (`MAX_MERGER_LAYERS`), whose content (title and abstracts included) is gone, as
 * Tencent's.
 */
export interface MergerPayload {
  /** The stored record's absolute URL; `''` when the messages are in `messageList`. */
  downloadKey: string;
  /** Tencent's second key; always `''` in Natter (one key does). */
  pbDownloadKey: string;
  messageList: MergedMessage[];
  title: string;
  abstractList: string[];
  compatibleText: string;
  /** Tencent's; 0. */
  version: number;
  layersOverLimit: boolean;
}

/**
 * One message of a chat record, as Tencent's SDK keeps it: the message's `ID`, its sender
 * (`from`, again as `messageSender`, with the `nick` and `avatar` it had), its `time` (seconds),
 * `messageSequence`, `clientSequence`, `messageRandom`, `clientTime`, `cloudCustomData`, the
 * conversation it was in (`receiverUserID` one-to-one, `receiverGroupID` in a group, either way
 * `messageReceiver`), and its content as `messageBody: [{ type, payload }]`, the payload as the
 * message's (a nested record's as a MergerPayload).
 */
export interface MergedMessage {
  from: string;
  messageSender: string;
  /** Seconds. */
  time: number;
  messageSequence: number;
  clientSequence: number;
  messageRandom: number;
  cloudCustomData: string;
  /** Seconds. */
  clientTime: number;
  ID: string;
  nick: string;
  avatar: string;
  messageBody: { type: MessageType; payload: any }[];
  receiverUserID?: string;
  receiverGroupID?: string;
  messageReceiver: string;
}

/**
 * Group system notice (`MSG_GRP_SYS_NOTICE`, in `@TIM#SYSTEM`): the server's notice of a group
 * event that concerns the user, as Tencent's: `operationType` 1 (a user asks to join a group the
 * user owns or administers), 2 (the user's request to join was approved), 3 (it was refused), 4
 * (the user was removed from a group), 5 (a group was dismissed), 8 (the user left a group, told
 * to all their devices), 9 (the owner made the user an admin) or 10 (the owner made them a plain
 * member again).
 */
export interface GroupSystemNoticePayload {
  /** The group; its `name` only when the SDK holds the group's conversation (the notice names none). */
  groupProfile: { groupID: string; name?: string };
  operationType: number;
  /**
   * Who did it: the applicant (1); the owner or admin who answered (2, 3); the member who removed
   * the user or dismissed the group (4, 5), `''` when the app backend did; the user themself (8);
   * the owner (9, 10).
   */
  operatorID: string;
  /** What the applicant wrote (1), or what the owner or admin answered (2, 3); `''` otherwise. */
  handleMessage: string;
  /** Tencent's, always `''`: Natter's requests carry no authentication key. */
  authentication: string;
  /** The notice's server time in ms, as Tencent's SDK makes its notices' `messageKey`. */
  messageKey: number;
  userDefinedField: string;
}

/**
 * Group tip (`MSG_GRP_TIP`, in the group's conversation): the server's note of a change a member
 * made from a client, as Tencent's. `operationType` `GRP_TIP_MBR_JOIN` (1: users joined or were
 * added), `GRP_TIP_MBR_QUIT` (2), `GRP_TIP_MBR_KICKED_OUT` (3), `GRP_TIP_MBR_SET_ADMIN` (4),
 * `GRP_TIP_MBR_CANCELED_ADMIN` (5), `GRP_TIP_GRP_PROFILE_UPDATED` (6: the profile or the owner
 * changed) or `GRP_TIP_MBR_PROFILE_UPDATED` (7: a member was muted or unmuted,
 * `memberList[0].muteTime` the seconds muted, 0 when unmuted). The server's fields, and what
 * Tencent's SDK adds to them.
 */
/** The fields a profile tip says changed (GroupTipPayload's `newGroupProfile`), as Tencent's. */
export type NewGroupProfile = {
  [Field in Exclude<keyof NonNullable<WireGroupTipPayload['newGroupProfile']>, 'muteAllMembers' | 'groupCustomField'>]?: string;
} & { muteAllMembers?: boolean; groupCustomField?: GroupCustomField[] };

export interface GroupTipPayload extends Omit<WireGroupTipPayload, 'newGroupProfile'> {
  /**
   * Profile tips only: the fields that changed, by Tencent's names (`groupName`, `notification`,
   * `introduction`, `avatar`, `joinOption`, strings; `muteAllMembers`, a boolean: everyone but the
   * owner and the admins muted, or no longer; `groupCustomField`, the custom fields that changed
   * with their new values, `''` for one removed; `ownerID` alone for a change of owner).
   */
  newGroupProfile?: NewGroupProfile;
  /** `memberCount` again: Tencent's SDK sets both from the count. */
  memberNum: number;
  /** The group, as Tencent's tips name it (its SDK's handlers find the group by it). */
  groupProfile: { groupID: string };
}

export interface Message {
  /**
   * The message's ID: for one this instance created, the ID made then, kept once sent (as
   * Tencent's); for every other message, the server's.
   */
  ID: string;
  type: MessageType;
  /**
   * By `type`: TextPayload, CustomPayload, FacePayload, LocationPayload, ImagePayload,
   * FilePayload, AudioPayload, VideoPayload, MergerPayload, GroupTipPayload,
   * GroupSystemNoticePayload.
   */
  payload: any;
  conversationID: ConversationID;
  conversationType: ConversationType;
  /** `''` outside groups; a group's type inside one (when the server knows it). */
  conversationSubType: string;
  /**
   * The other user (C2C), the group ID (GROUP, and a group system notice's group, as Tencent's),
   * or the logged-in user (other system notices).
   */
  to: string;
  from: string;
  /** `out` for messages the logged-in user sent (on any device), else `in`. */
  flow: 'in' | 'out';
  /** Server time in seconds. */
  time: number;
  status: MessageStatus;
  isRevoked: boolean;
  priority: string;
  /**
   * The sender's profile as the server last knew it (`''` when the app backend set none); for a
   * group tip of users joining or removed, the first of them's, as Tencent's.
   */
  nick: string;
  avatar: string;
  isPeerRead: boolean;
  nameCard: string;
  /**
   * The members a group message mentions ("@"): userIDs, and `TYPES.MSG_AT_ALL` for everyone, as
   * the sender gave them (createTextAtMessage, or a WuKongIM client's `mention`); `[]` otherwise.
   * Not part of `payload`, as Tencent's.
   */
  atUserList: string[];
  cloudCustomData: string;
  isDeleted: boolean;
  /** A member changed it since it was sent (modifyMessage): `version > 0`, as Tencent's. */
  isModified: boolean;
  /**
   * How many times members changed it since it was sent (0: never), as Tencent's Message objects
   * carry it at run time: modifyMessage sends it, and a change made since refuses the call
   * (2480 `conflict`, Tencent's number). MESSAGE_MODIFIED, getMessageList and the catch-up keep it current.
   */
  version: number;
  /**
   * Its sender asks each reader for a read receipt (the option of the create*Message call), as
   * Tencent's; in an AVChatRoom group `false` once sent, as Tencent's SDK never asks there.
   */
  needReadReceipt: boolean;
  /** Its read receipts, as far as this instance knows them (see ReadReceiptInfo). */
  readReceiptInfo: ReadReceiptInfo;
  isBroadcastMessage: boolean;
  /**
   * What the create*Message call that made it asked (`isSupportExtension`), on that instance's own
   * object; `false` on every message from the server, which does not keep it. Natter takes
   * extensions on any sent message whatever this says (see setMessageExtensions).
   */
  isSupportExtension: boolean;
  /**
   * Who recalled it (`''` when not recalled): the sender, or the app backend's `operator`
   * (`admin` by default).
   */
  revoker: string;
  revokerInfo: UserInfo;
  revokeReason: string;
  /**
   * The conversation's sequence number: 1, 2, 3, …; 0 for a message sent `onlineUserOnly`, which
   * is never stored.
   */
  sequence: number;
  hasRiskContent: boolean;
  clientSequence: number;
  random: number;
  /** Seconds; when the message was created on this device, else its server time. */
  clientTime: number;
  isRead: boolean;
  isResend: boolean;
  isSystemMessage: boolean;
  protocol: string;
  isPlaceMessage: number;
  /**
   * Who pinned it at the top of its group (pinGroupMessage), as Tencent's objects carry it at run
   * time: on the messages of getPinnedGroupMessageList, and on PINNED_GROUP_MESSAGE_UPDATED's
   * while pinned (the member who pinned it); absent otherwise (Tencent's `null`).
   */
  pinnerInfo?: UserInfo;
}

/**
 * A message's read receipts, as Tencent's `readReceiptInfo`: each field `undefined` (`timestamp`
 * 0) until known. Only for a message that asks for them (`needReadReceipt`).
 */
export interface ReadReceiptInfo {
  /**
   * A group message of the user's: how many members gave a receipt, as getMessageReadReceiptList
   * or MESSAGE_READ_RECEIPT_RECEIVED last said.
   */
  readCount: number | undefined;
  /** A group message of the user's: how many members it was sent to have not (yet). */
  unreadCount: number | undefined;
  /**
   * A one-to-one message: whether a receipt was given for it (on one the user received: whether
   * they gave theirs), as its page of history or push said, and, for the user's own, as
   * getMessageReadReceiptList or MESSAGE_READ_RECEIPT_RECEIVED said since; `undefined` on a
   * message this instance just sent, until one of those tells.
   */
  isPeerRead: boolean | undefined;
  /** When the peer gave the receipt (seconds), once MESSAGE_READ_RECEIPT_RECEIVED told; else 0. */
  timestamp: number;
}

/** A conversation's last message, as Tencent's Conversation carries it (never null). */
export interface LastMessage {
  /** Seconds; 0 when the conversation has no visible message. */
  lastTime: number;
  lastSequence: number;
  fromAccount: string;
  type: MessageType | '';
  payload: any;
  /**
   * The text, or a placeholder such as `[Custom Messages]`; `''` when there is no message; for a
   * recalled one "You recalled a message" or "<sender> recalled a message".
   */
  messageForShow: string;
  isRevoked: boolean;
  cloudCustomData: string;
  /** The sender's nick as the server last knew it. */
  nick: string;
  nameCard: string;
  version: number;
  isPeerRead: boolean;
  /** Who recalled it; null when it is not recalled. */
  revoker: string | null;
  onlineOnlyFlag: boolean;
}

export interface Profile {
  userID: string;
  nick: string;
  gender: string;
  birthday: number;
  location: string;
  selfSignature: string;
  /**
   * Who may add the user as a friend (`TYPES.ALLOW_TYPE_*`, the user's updateMyProfile), as the
   * server says; `''` where it did not say: a conversation's `userProfile` (ask getUserProfile).
   */
  allowType: string;
  language: number;
  avatar: string;
  messageSettings: number;
  /**
   * Whether the app lets the user send friend requests: `TYPES.FORBID_TYPE_NONE`, or
   * `FORBID_TYPE_SEND_OUT` (their addFriend rejects 40301; they still accept requests), as the app
   * backend set it (`POST /user/profile`).
   */
  adminForbidType: string;
  level: number;
  role: number;
  lastUpdatedNumber: number;
  /** The app's own fields (set by the app backend's `POST /user/profile`, or the user's updateMyProfile), as Tencent lists them. */
  profileCustomField: ProfileCustomField[];
}

/**
 * updateMyProfile's options: Tencent's, of which Natter keeps all but `messageSettings` (only its
 * `0` is taken); `adminForbidType` is the app backend's to set.
 */
export interface UpdateMyProfileOptions {
  nick?: string;
  avatar?: string;
  profileCustomField?: ProfileCustomField[];
  /**
   * Who may add the user as a friend: `TYPES.ALLOW_TYPE_ALLOW_ANY` (at once),
   * `ALLOW_TYPE_NEED_CONFIRM` (a request waits for the user: every user's default, as Tencent's) or
   * `ALLOW_TYPE_DENY_ANY` (nobody); anything else rejects 40001.
   */
  allowType?: TypesValue;
  /** `TYPES.GENDER_UNKNOWN`, `GENDER_FEMALE` or `GENDER_MALE`. */
  gender?: string;
  /** At most 500 bytes. */
  selfSignature?: string;
  /** As the app writes it (Tencent suggests `20000101`). */
  birthday?: number;
  /** At most 16 bytes. */
  location?: string;
  language?: number;
  /**
   * `0`, receive messages, as every Natter user does: taken, changing nothing. `1`, receive none,
   * is not offered: it rejects with ErrorCode.UNSUPPORTED.
   */
  messageSettings?: number;
  /**
   * Set by the app backend only (`POST /user/profile`), so that a user cannot lift what the app
   * forbade them: giving it rejects with 40301 (`ErrorCode.PERMISSION_DENIED`).
   */
  adminForbidType?: string;
  /** The app's own number. */
  level?: number;
  /** The app's own number. */
  role?: number;
}

/** One of the app's own profile fields. */
export interface ProfileCustomField {
  key: string;
  value: string;
}

export interface Group {
  groupID: string;
  name: string;
  avatar: string;
  /** `TYPES.GRP_*` when the server reports one; `''` otherwise. */
  type: string;
  introduction: string;
  notification: string;
  /**
   * The user who created the group with createGroup; `''` for a group the app backend made, or
   * once the owner left their work group.
   */
  ownerID: string;
  createTime: string;
  infoSequence: number;
  lastInfoTime: number;
  /**
   * Tencent's `{ userID, role, messageRemindType, joinTime, nameCard, readedSequence }`: `userID`
   * the logged-in user, always; `role` `GRP_MBR_ROLE_OWNER`, `_ADMIN` or `_MEMBER` where the user
   * is known to be a member (the group calls; a conversation's `groupProfile` once a group call, a
   * tip or a notice told the SDK), else `''`; `messageRemindType` the group conversation's when
   * held, else `''`; `nameCard` the user's own name card in the group (`''` for none, and in a
   * conversation's `groupProfile` until the SDK holds the group); the others Tencent's empty
   * defaults.
   */
  selfInfo: any;
  lastMessage: any;
  nextMessageSeq: number;
  memberCount: number;
  /** The most members the group may have (createGroup's `maxMemberNum`); 0 for no limit. */
  maxMemberCount: number;
  /**
   * Muted for all (updateGroupProfile's `muteAllMembers`): only the owner and the admins send, as
   * Tencent's. From the group calls; a conversation's `groupProfile` says what the SDK last learnt
   * from a group call or a profile tip (`GRP_TIP_GRP_PROFILE_UPDATED`), `false` until then.
   */
  muteAllMembers: boolean;
  /** `TYPES.JOIN_OPTIONS_*` when the server reports one (a work group's is always `DisableApply`). */
  joinOption: string;
  /**
   * The group's custom fields, by key (createGroup's and updateGroupProfile's `groupCustomField`).
   * From the group calls; a conversation's `groupProfile` has the held group's (the group list, a
   * group call), `[]` until the SDK holds the group.
   */
  groupCustomField: GroupCustomField[];
  /**
   * A community that holds topics (createGroup's `isSupportTopic`): see createTopicInCommunity.
   * From the group calls; `false` in a conversation's `groupProfile` until the SDK holds the group.
   */
  isSupportTopic: boolean;
  /**
   * Natter: the group was dismissed (by its owner or the app backend); its conversation is
   * read-only. Known from the group calls; a conversation's `groupProfile` says what the group
   * the SDK holds says, `false` until it holds one (the group list leaves a dismissed group out:
   * getGroupProfile tells it).
   */
  isDismissed: boolean;
}

/** One unread group message that mentions the user, as Tencent's `groupAtInfoList` lists it. */
export interface GroupAtInfo {
  /** Its sender. */
  from: string;
  /** The group's ID; in a topic's `groupAtInfoList`, its community's. */
  groupID: string;
  /** In a topic's `groupAtInfoList` only: the topic. */
  topicID?: string;
  /** Its `sequence`. */
  messageSequence: number;
  /** One of `TYPES.CONV_AT_ME` (1), `CONV_AT_ALL` (2) or `CONV_AT_ALL_AT_ME` (3: both). */
  atTypeArray: number[];
}

export interface Conversation {
  conversationID: ConversationID;
  type: ConversationType;
  /** The group's type (`groupProfile.type`) for group conversations, else `''`. */
  subType: string;
  unreadCount: number;
  lastMessage: LastMessage;
  /**
   * Set on GROUP conversations only (undefined on the others, as with Tencent, whose typings also
   * declare it unconditionally): the group as the SDK holds it, as Tencent's conversation shows
   * the group its SDK holds. `name`, `avatar` and `type` are the conversation's (kept current by
   * the server); `memberCount`, `ownerID`, `introduction`, `notification`, `joinOption`,
   * `groupCustomField`, `isDismissed` and `selfInfo.nameCard` the group list's or a group call's,
   * as last fetched (the list is fetched for an app that listens for CONVERSATION_LIST_UPDATED or
   * GROUP_LIST_UPDATED), empty until the SDK holds the group.
   */
  groupProfile: Group;
  /** Set on C2C conversations only (see groupProfile). */
  userProfile: Profile;
  /**
   * The unread messages of a group conversation that mention the user or everyone, oldest first
   * (`[]` when none, and outside groups): show "[@me]" / "[@All]" in the list. Emptied by
   * setMessageRead; recalled messages, the user's own and those they deleted are never in it.
   */
  groupAtInfoList: GroupAtInfo[];
  /**
   * A one-to-one conversation's: the name the user gives the friend (`''`: none, or not a friend),
   * from the friend list the SDK fetches for an app that listens for CONVERSATION_LIST_UPDATED or
   * FRIEND_LIST_UPDATED (`''` until it came); the server's conversation does not carry it.
   */
  remark: string;
  isPinned: boolean;
  messageRemindType: MessageRemindType;
  /** 1 STAR, 2 UNREAD, 4 FOLD, 8 HIDE, custom 2^n (32 ≤ n < 64); exact above 2^53 as powers of two. */
  markList: number[];
  customData: string;
  conversationGroupList: string[];
  draftText: string;
  peerReadTime: number;
  /** Natter: archived with archiveConversation (never in the default list). */
  isArchived: boolean;
  /**
   * Natter: the user cleared their history up to this sequence (0: never). Drop messages held at or
   * below it, also when the clear happened while this device was away.
   */
  clearedToSeq: number;
}

/**
 * A topic of a community (createTopicInCommunity, getTopicList, TOPIC_UPDATED), in Tencent's shape:
 * its profile, and what the user's own conversation of it says (`GROUP<topicID>`, which is never in
 * the conversation list).
 */
export interface Topic {
  /** Its community's groupID, `@TOPIC#_` and a suffix. */
  topicID: string;
  topicName: string;
  avatar: string;
  introduction: string;
  notification: string;
  /** The user's unread messages of the topic, as its conversation's `unreadCount` (in no unread total). */
  unreadCount: number;
  /** Muted for all (updateTopicProfile's `muteAllMembers`). */
  muteAllMembers: boolean;
  /** The app's own string (createTopicInCommunity's, updateTopicProfile's `customData`). */
  customData: string;
  /** The unread messages of the topic that mention the user or everyone, as a conversation's (`groupID` the community's, `topicID` the topic's). */
  groupAtInfoList: GroupAtInfo[];
  /** The topic's last message, as a conversation's; empty (`lastTime` 0) before any. */
  lastMessage: LastMessage;
  selfInfo: TopicSelfInfo;
}

/**
 * A Topic's `selfInfo`, Tencent's shape: `messageRemindType` the topic conversation's
 * (setMessageRemindType with the topicID as `groupID`; `''` until the SDK holds the conversation).
 */
export interface TopicSelfInfo {
  /**
   * When the user's mute in this topic alone ends (setGroupMemberMuteTime with the topicID as
   * `groupID`), Unix seconds; 0 for none. A mute in the community is its member's `muteUntil`.
   */
  muteTime: number;
  /** The last message the user read in the topic (its `sequence`); 0 before any. */
  readedSequence: number;
  messageRemindType: MessageRemindType | '';
}

/**
 * An entry of the user's friend list (getFriendList, getFriendProfile, updateFriend,
 * FRIEND_LIST_UPDATED), in Tencent's shape. The entry is the user's own: the friend may or may not
 * have the user in theirs (checkFriend tells).
 */
export interface Friend {
  userID: string;
  /**
   * The name the user gives the friend (addFriend's or acceptFriendApplication's `remark`,
   * updateFriend); `''`: none.
   */
  remark: string;
  /**
   * The user's friend groups the friend is in, by name, oldest group first (addFriend's
   * `groupName`, createFriendGroup, addToFriendGroup); `[]`: none.
   */
  groupList: string[];
  /** Where the user found them (`AddSource_Type_…`), from the request that made the entry. */
  source: string;
  /** The note sent with the request that made the entry. */
  wording: string;
  /** The friend's profile as it is now. */
  profile: Profile;
  /** What the user keeps about this friend (updateFriend's `friendCustomField`), by key. */
  friendCustomField: CustomField[];
  /** When the entry was made, in Unix seconds, as Tencent's SDK carries it at run time (its typings leave it out). */
  addTime: number;
}

/** A friend request that waits, to the user or from them (getFriendApplicationList), in Tencent's shape. */
export interface FriendApplication {
  /** The other user: who asked (`SNS_APPLICATION_SENT_TO_ME`), or whom the user asked (`SENT_BY_ME`). */
  userID: string;
  /** The other user's avatar and nick, as their profile now says. */
  avatar: string;
  nick: string;
  /** When it was asked (last asked, if asked again), in Unix seconds, as Tencent's. */
  time: number;
  source: string;
  wording: string;
  /** `TYPES.SNS_APPLICATION_SENT_TO_ME` or `TYPES.SNS_APPLICATION_SENT_BY_ME`. */
  type: typeof TYPES.SNS_APPLICATION_SENT_TO_ME | typeof TYPES.SNS_APPLICATION_SENT_BY_ME;
}

/**
 * One of the user's friend groups (getFriendGroupList, the friend group calls,
 * FRIEND_GROUP_LIST_UPDATED), in Tencent's shape: a name of the user's own and some of their
 * friends. A friend may be in several groups, or in none; one who leaves the friend list leaves
 * every group.
 */
export interface FriendGroup {
  /** 1 to 30 bytes, unique among the user's groups. */
  name: string;
  /** Its friends, by userID, in userID order. */
  userIDList: string[];
  /** How many: `userIDList.length`. */
  count: number;
}

// Tencent objects for features Natter does not have: declared so typed apps compile; the SDK never
// produces them.

export interface SimplifiedMessage {
  ID: string;
  nick: string;
  avatar: string;
  from: string;
  messageBody: any[];
  time: number;
  cloudCustomData: string;
}

export interface GroupMember {
  userID: string;
  avatar: string;
  nick: string;
  /** `GRP_MBR_ROLE_OWNER` for the group's owner, `GRP_MBR_ROLE_ADMIN` for its admins, else `GRP_MBR_ROLE_MEMBER`. */
  role: string;
  /** When the member joined the group (a rejoin counts anew), in Unix seconds; 0 for a member who joined before the server kept it. */
  joinTime: number;
  /** The member's name in this group (setGroupMemberNameCard); `''` when they have none. */
  nameCard: string;
  /** When the member's mute ends (setGroupMemberMuteTime), in Unix seconds; 0 when not muted. */
  muteUntil: number;
  /** The member's custom fields in this group (setGroupMemberCustomField), by key. */
  memberCustomField: MemberCustomField[];
}

/** A group member's custom field, as Tencent's. */
export interface MemberCustomField {
  /** 1–32 bytes. */
  key: string;
  /** At most 512 bytes; setting `''` removes the field. */
  value: string;
}

/** A group's custom field, as Tencent's: the same shape as a member's. */
export type GroupCustomField = MemberCustomField;

/** A custom field of a group, a group member or a friend, as Tencent's: `{ key, value }`. */
export type CustomField = MemberCustomField;

/**
 * A signalling message's content, as Tencent's `getSignalingInfo(message)` gives it: the JSON of
 * the custom message's `payload.data` (see signaling.ts), with Tencent's defaults for what it
 * lacks.
 */
export interface Signaling {
  /** 1, the business signalling messages are told apart by (Tencent's and TUICallKit's). */
  businessID: number;
  inviteID: string;
  /** `''` for a one-to-one invitation. */
  groupID: string;
  inviter: string;
  /** The invitation's invitees (an invitation), or those an answer or a timeout is of. */
  inviteeList: string[];
  data: string;
  /** `TSignaling.ACTION_TYPE_*`: 1 invite, 2 cancel, 3 accept, 4 reject, 5 timeout. */
  actionType: TSignalingValue;
  /** Seconds the invitation waits for answers (0: no limit); 0 on everything but an invitation. */
  timeout: number;
}

// ------------------------------------------------------------------ call options

export interface LoginOptionsWithUserSig {
  userID: string;
  /** Natter: the device token the app backend issued (`POST /user/token`). */
  userSig: string;
}

export interface LoginOptionsWithToken {
  userID: string;
  /** Natter's name for the same credential as `userSig`. */
  token: string;
}

export type LoginOptions = LoginOptionsWithUserSig | LoginOptionsWithToken;

export interface LoginResult {
  /** True when this instance was already logged in as this user: nothing was done. */
  repeatLogin: boolean;
  errorInfo?: string;
}

/** Options of every create*Message call (Tencent's MESSAGE_OPTIONS). */
export interface MessageOptions {
  /** The peer's userID (C2C) or the groupID (GROUP). */
  to: string;
  /** `TYPES.CONV_C2C` or `TYPES.CONV_GROUP` (createTextAtMessage: `TYPES.CONV_GROUP` only); anything else throws. */
  conversationType: TypesValue;
  /** Accepted and not used: Natter has no message priorities. */
  priority?: TypesValue;
  /**
   * By factory; createTextAtMessage's is `{ text, atUserList }`; the media factories' is
   * `{ file }`: a File or Blob, an `<input type=file>` (its first file) or `{ files: [File] }`, and
   * for createAudioMessage the length, `file.duration` in ms (a recorder's) or `second`;
   * createForwardMessage's is the Message to forward; createMergerMessage's is `{ messageList,
   * title, abstractList, compatibleText }`.
   */
  payload: any;
  cloudCustomData?: string;
  /**
   * Ask each reader for a read receipt (sendMessageReadReceipt); the sender hears them as
   * MESSAGE_READ_RECEIPT_RECEIVED. Dropped for an AVChatRoom group, as Tencent's SDK drops it.
   */
  needReadReceipt?: boolean;
  /**
   * A targeted group message (Tencent's): only these members, up to 50 (more are cut to the
   * first 50, as Tencent's SDK cuts them), and the sender get it and see it, and it counts as
   * unread for no one. Ignored for a one-to-one message and when empty, as by Tencent's SDK; not
   * with `atUserList` or `needReadReceipt`, nor in AVChatRoom and Community groups (the send
   * fails with 40001).
   */
  receiverList?: string[];
  /**
   * Kept on the message (`isSupportExtension`), as Tencent's; Natter takes extensions on any sent
   * message, asked for at send or not.
   */
  isSupportExtension?: boolean;
  /**
   * createImageMessage, createFileMessage, createAudioMessage and createVideoMessage: called with
   * how much of the file is uploaded, a number from 0 to 1, while sendMessage uploads it (0 when
   * the upload starts, 1 once the server stored it; in between only where the upload can tell, in
   * a browser). Anything but a function throws 40001.
   */
  onProgress?: Function;
  /** Accepted and not used. */
  customModerationConfigurationID?: string;
}

/**
 * sendMessage's `offlinePushInfo`, Tencent's `OFFLINE_PUSH_INFO_PARAMS`: the words of the offline
 * push the message makes. Natter sends no push itself: the server hands `title`, `description`
 * and `extension` to the app backend in the `msg.offline` webhook (`offline_push_info`), from
 * which it sends the real push; `disablePush: true` makes no `msg.offline` at all. The other
 * fields (Tencent's `androidInfo`, `apnsInfo`, `disableVoipPush`, `ignoreIOSBadge`, its
 * vendors' channel IDs…) are accepted and dropped: the app backend chooses those itself.
 */
export interface OfflinePushInfo {
  /** `true`: no offline push for this message (no `msg.offline`). */
  disablePush?: boolean;
  /** The push's title, at most 1 KiB (the server refuses more, 40001). */
  title?: string;
  /** The push's text, at most 1 KiB. */
  description?: string;
  /** App data the push carries (a call's details, a deep link), at most 8 KiB. */
  extension?: string;
  /** Accepted and dropped. */
  disableVoipPush?: boolean;
  /** Accepted and dropped. */
  ignoreIOSBadge?: boolean;
  /** Accepted and dropped. */
  androidInfo?: any;
  /** Accepted and dropped. */
  apnsInfo?: any;
  /** Accepted and dropped (Tencent's vendor fields: `androidOPPOChannelID`, …). */
  [field: string]: unknown;
}

/** sendMessage's second argument. */
export interface SendMessageOptions {
  /**
   * The words of the message's offline push, carried to the app backend's `msg.offline` webhook,
   * or `{ disablePush: true }` for none: see {@link OfflinePushInfo}.
   */
  offlinePushInfo?: OfflinePushInfo;
  /**
   * `true`: only pushed to the devices connected now (TUIKit's typing status): not stored, not
   * unread for anyone, never a conversation's last message or in history; it resolves with
   * `sequence` 0.
   */
  onlineUserOnly?: boolean;
  /**
   * Tencent's message controls. `excludedFromUnreadCount: true`: the message counts as unread for
   * no one (the server's `excludedFromUnreadCount`). `excludedFromLastMessage: true`: it never
   * becomes the conversation's `lastMessage` and moves no conversation up the list, for anyone
   * (the server's `excludedFromLastMessage`); history has it as any other.
   * `excludedFromContentModeration` is accepted and not used: Natter moderates nothing.
   */
  messageControlInfo?: {
    excludedFromUnreadCount?: boolean;
    excludedFromLastMessage?: boolean;
    excludedFromContentModeration?: boolean;
  };
}

export interface GetMessageListOptions {
  conversationID: ConversationID;
  /** The `nextReqMessageID` of the previous page; omit for the newest page. */
  nextReqMessageID?: string;
  /** 1–15, default 15 (Tencent's page size). */
  count?: number;
}

export interface GetMessageListResult {
  /** At most 15, oldest first. */
  messageList: Message[];
  /** Pass it back to get the page before this one. */
  nextReqMessageID: string;
  /** True when no older message is left. */
  isCompleted: boolean;
}

/**
 * getMessageListHopping's options, as Tencent's: a page of history from a point, by `sequence`
 * (group conversations in Tencent's; any conversation here) or by `time` (one-to-one in Tencent's;
 * any here).
 */
export interface GetMessageListHoppingOptions {
  conversationID: ConversationID;
  /**
   * A message's `sequence`: the page starts at it, it included. Used in a group (or system)
   * conversation, and in a one-to-one conversation when no `time` is given. Typed to take a
   * page's `nextMessageSeq` as it is; its `''` (a completed page's) is refused, as Tencent's does.
   */
  sequence?: number | '';
  /**
   * A time in seconds (a message's `time`): the page starts with the messages of that second.
   * Used in a one-to-one conversation, and in a group when no `sequence` is given. Typed to take
   * a page's `nextMessageTime` as it is; its `''` is refused, as Tencent's does.
   */
  time?: number | '';
  /** 0 (default): that message and older ones; 1: that message and newer ones. */
  direction?: number;
  /** 1–15, default 15 (Tencent's default and most). */
  count?: number;
}

/** getMessageListHopping's answer, as Tencent's. */
export interface GetMessageListHoppingResult {
  /** At most `count`, oldest first. */
  messageList: Message[];
  /** True when nothing is left on the page's side (older for direction 0, newer for 1). */
  isCompleted: boolean;
  /**
   * By sequence: the `sequence` to pass, with the same direction, for the next page on that side
   * (`''` when completed). Absent when the page was asked by time.
   */
  nextMessageSeq?: number | '';
  /**
   * By time: the `time` to pass, with the same direction, for the next page on that side; this
   * instance then goes on right after the page, without repeating the messages of that second
   * (`''` when completed). Absent when the page was asked by sequence.
   */
  nextMessageTime?: number | '';
}

/**
 * One reaction to a message, as Tencent's: an entry of getMessageReactions' `reactionList` and of
 * MESSAGE_REACTIONS_UPDATED's.
 */
export interface MessageReaction {
  /** The app's ID of the reaction (an emoji's, as TUIKit's `[TUIEmoji_Smile]`). */
  reactionID: string;
  /** How many users reacted so; 0 once the last took theirs back (take it off the screen). */
  totalUserCount: number;
  /** The first of them (up to `maxUserCountPerReaction`, 10 at most), first to react first. */
  partialUserList: UserInfo[];
  /** Whether the logged-in user is one of them. */
  reactedByMyself: boolean;
}

/** getMessageReactions' options, as Tencent's. */
export interface GetMessageReactionsOptions {
  /** Sent messages of one conversation (several conversations are asked each on its own here). */
  messageList: Message[];
  /** The users to give of each reaction, 0–10 (default 10), as Tencent's. */
  maxUserCountPerReaction?: number;
}

/** An entry of getMessageReactions' `resultList`: one message given and its reactions. */
export interface MessageReactionResult {
  /** The `ID` of the message given. */
  messageID: string;
  /** Its reactions, in the order each was first made; `[]` for none. */
  reactionList: MessageReaction[];
}

/** getMessageReactions' answer, as Tencent's: one entry per message given, in that order. */
export interface GetMessageReactionsResult {
  resultList: MessageReactionResult[];
}

/** getAllUserListOfMessageReaction's options, as Tencent's. */
export interface GetAllUserListOfMessageReactionOptions {
  /** A sent message. */
  message: Message;
  reactionID: string;
  /** 0 (the default) for the first page, then the `nextSeq` of the page before. */
  nextSeq?: number;
  /** Users on the page: default 100; more is taken as 100, as Tencent's. */
  count?: number;
}

/** getAllUserListOfMessageReaction's answer, as Tencent's. */
export interface GetAllUserListOfMessageReactionResult {
  /** The users who reacted so, first to react first. */
  userList: UserInfo[];
  /** Pass it back for the next page; 0 once this was the last. */
  nextSeq: number;
  /** No user is left after this page. */
  isCompleted: boolean;
}

/** MESSAGE_REACTIONS_UPDATED's data: one message's reactions that changed, each as it now is. */
export interface MessageReactionsUpdatedData {
  /** The message's `ID`, as the app holds it (the sending instance's own ID for its sends). */
  messageID: string;
  reactionList: MessageReaction[];
  /** Natter: the message's conversation (Tencent's event names only the message). */
  conversationID: ConversationID;
}

/** A key-value pair attached to a message (setMessageExtensions), as Tencent's. */
export interface MessageExtension {
  /** 1–100 bytes. */
  key: string;
  /** At most 1,024 bytes. */
  value: string;
}

/** An entry of setMessageExtensions' and deleteMessageExtensions' answers, as Tencent's. */
export interface MessageExtensionResult {
  /** 0: done (the server does all of a call or none of it). */
  code: number;
  key: string;
  /** The value set; `''` for a key deleted. */
  value: string;
}

/** What setMessageExtensions and deleteMessageExtensions resolve with, as Tencent's. */
export interface MessageExtensionsResult {
  /** setMessageExtensions: each pair set, in the order given; deleteMessageExtensions: each key deleted. */
  extensions: MessageExtensionResult[];
}

/** What getMessageExtensions resolves with, as Tencent's. */
export interface GetMessageExtensionsResult {
  /** Every pair of the message, by key. */
  extensions: MessageExtension[];
}

/** MESSAGE_EXTENSIONS_UPDATED's data, as Tencent's: pairs a member set on a message. */
export interface MessageExtensionsUpdatedData {
  /** The message's `ID`, as the app holds it (the sending instance's own ID for its sends). */
  messageID: string;
  /** The pairs set, as they now are. */
  extensions: MessageExtension[];
  /** Natter: the message's conversation (Tencent's event names only the message). */
  conversationID: ConversationID;
}

/** MESSAGE_EXTENSIONS_DELETED's data, as Tencent's: keys a member deleted from a message. */
export interface MessageExtensionsDeletedData {
  /** The message's `ID`, as the app holds it (the sending instance's own ID for its sends). */
  messageID: string;
  /** The keys deleted. */
  keyList: string[];
  /** Natter: the message's conversation (Tencent's event names only the message). */
  conversationID: ConversationID;
}

/** getGroupMessageReadMemberList's options, as Tencent's. */
export interface GetGroupMessageReadMemberListOptions {
  /** A group message the user sent that asked for receipts. */
  message: Message;
  /** 0 (the default): the members who gave a receipt; 1: those who have not. Anything else is 0. */
  filter?: number;
  /** `''` (the default) for the first page, then the `cursor` of the page before. */
  cursor?: string;
  /** Members on the page, 1–99; anything else (the default too) is 100, as Tencent's. */
  count?: number;
}

/** getGroupMessageReadMemberList's answer, as Tencent's: one page, in user ID order. */
export interface GetGroupMessageReadMemberListResult {
  /** Pass it back for the next page; `''` on the last. */
  cursor: string;
  /** No member is left after this page. */
  isCompleted: boolean;
  /** The `ID` of the message given. */
  messageID: string;
  /** With `filter` 0: the userIDs of the members who gave a receipt; else `[]`. */
  readUserIDList: string[];
  /** With `filter` 1: the userIDs of the members who have not; else `[]`. */
  unreadUserIDList: string[];
}

/** An entry of MESSAGE_READ_RECEIPT_RECEIVED for a one-to-one message: the peer read it. */
export interface C2CMessageReadReceipt {
  /** The peer, who gave the receipt. */
  userID: string;
  /** The message's `ID`, as the app holds it (the sending instance's own ID for its sends). */
  messageID: string;
  isPeerRead: true;
  /** When the receipt was given, in seconds. */
  timestamp: number;
}

/** An entry of MESSAGE_READ_RECEIPT_RECEIVED for a group message: its counts as they now are. */
export interface GroupMessageReadReceipt {
  groupID: string;
  /** The message's `ID`, as the app holds it (the sending instance's own ID for its sends). */
  messageID: string;
  readCount: number;
  unreadCount: number;
}

/** searchCloudMessages' options, as Tencent's (`MESSAGE_SEARCH_OPTIONS`). */
export interface SearchCloudMessagesOptions {
  /**
   * 0–5 words, each 1–100 bytes; required (non-empty) unless `senderUserIDList` or
   * `messageTypeList` is given. Letters A–Z match either case.
   */
  keywordList?: string[];
  /** `'or'` (the default): messages with any of the words; `'and'`: with all of them. */
  keywordListMatchType?: 'or' | 'and';
  /** 0–5 userIDs: only their messages. */
  senderUserIDList?: string[];
  /**
   * Only messages of these types: `TYPES.MSG_TEXT`, `MSG_IMAGE`, `MSG_AUDIO`, `MSG_FILE`,
   * `MSG_VIDEO`, `MSG_LOCATION`, `MSG_CUSTOM`, `MSG_MERGER` (Tencent's; any other is refused).
   */
  messageTypeList?: string[];
  /** One conversation (`C2C<userID>`, `GROUP<groupID>`); left out, or `''`, for all of them. */
  conversationID?: ConversationID;
  /** Seconds since the epoch: only messages sent at or before that second (0, the default: now). */
  timePosition?: number;
  /**
   * Seconds: only messages sent within this long before `timePosition` (or now); 0, the default,
   * is no limit. `24 * 60 * 60` is the last day.
   */
  timePeriod?: number;
  /** 1–100 (default 10): messages on a page of one conversation, conversations on a page of all. */
  count?: number;
  /** The `cursor` of the page before; left out (or `''`) for the first page. */
  cursor?: string;
}

/** One conversation's matches: an entry of searchCloudMessages' `searchResultList`. */
export interface SearchCloudMessagesResultItem {
  conversationID: ConversationID;
  /**
   * Searching all conversations: how many of the conversation's messages match (at most 1,000
   * are counted). Searching one: the messages on this page.
   */
  messageCount: number;
  /**
   * Newest first. Searching all conversations, only a conversation's single match is given, as
   * Tencent's (`[]` when `messageCount` is more than 1: search that conversation for them).
   */
  messageList: Message[];
}

/** searchCloudMessages' answer, as Tencent's. */
export interface SearchCloudMessagesResult {
  /**
   * Searching all conversations: the conversations with matches, the one with the newest match
   * first, `count` a page. Searching one: that conversation and a page of its matches (none when
   * nothing matches).
   */
  searchResultList: SearchCloudMessagesResultItem[];
  /** Pass it back for the next page; `''` when this is the last. */
  cursor: string;
  /** Every match of the search, on this page and the others (at most 1,000 a conversation counted). */
  totalCount: number;
}

/**
 * searchCloudUsers' options, as Tencent's (`USER_CLOUD_SEARCH_OPTIONS`): users whose nick holds
 * a word, or whose userID is one.
 */
export interface SearchCloudUsersOptions {
  /** 1–5 words, each 1–100 bytes; required. Letters A–Z match either case. */
  keywordList?: string[];
  /** `'or'` (the default): users with any of the words; `'and'`: with all of them. */
  keywordListMatchType?: 'or' | 'and';
  /** 1–100 users a page (default 20). */
  count?: number;
  /** The `cursor` of the page before; left out (or `''`) for the first page. */
  cursor?: string;
  /** Tencent's gender filter: Natter's profiles have none, so giving it rejects (-2). */
  userGenderType?: string;
  /** Tencent's birthday filters: Natter's profiles have none, so giving either rejects (-2). */
  miniBirthday?: number;
  maxBirthday?: number;
}

/**
 * searchCloudGroups' options, as Tencent's (`GROUP_CLOUD_SEARCH_OPTIONS`): groups whose name
 * holds a word, or whose groupID is one.
 */
export interface SearchCloudGroupsOptions {
  /** 1–5 words, each 1–100 bytes; required. Letters A–Z match either case. */
  keywordList?: string[];
  /** `'or'` (the default): groups with any of the words; `'and'`: with all of them. */
  keywordListMatchType?: 'or' | 'and';
  /**
   * Only groups of these types: `TYPES.GRP_WORK`, `GRP_PUBLIC`, `GRP_MEETING`, `GRP_COMMUNITY`
   * (any other is refused; AVChatRoom groups are never searched); left out or `[]`, all four.
   */
  groupTypeList?: string[];
  /** 1–100 groups a page (default 20). */
  count?: number;
  /** The `cursor` of the page before; left out (or `''`) for the first page. */
  cursor?: string;
}

/**
 * searchCloudGroupMembers' options, as Tencent's (`MEMBER_CLOUD_SEARCH_OPTIONS`): members of the
 * user's own groups whose nick or name card in the group holds a word, or whose userID is one.
 */
export interface SearchCloudGroupMembersOptions extends SearchCloudGroupsOptions {
  /** Only these of the user's groups (at most 100); left out or `[]`, all of them. */
  groupIDList?: string[];
}

/** searchCloudUsers' answer, as Tencent's. */
export interface SearchCloudUsersResult {
  /** The users found, by userID, each a Profile as getUserProfile gives it. */
  searchResultList: Profile[];
  /** Pass it back for the next page; `''` when this is the last. */
  cursor: string;
  /** Every user found, on this page and the others. */
  totalCount: number;
}

/** searchCloudGroups' answer, as Tencent's. */
export interface SearchCloudGroupsResult {
  /**
   * The groups found, by groupID, each a Group as getGroupProfile gives it but for the user's
   * place in it: `selfInfo.role` is `''`, as Tencent's search says nothing of it.
   */
  searchResultList: Group[];
  /** Pass it back for the next page; `''` when this is the last. */
  cursor: string;
  /** Every group found, on this page and the others. */
  totalCount: number;
}

/** One group's members found: an entry of searchCloudGroupMembers' `searchResultList`, as Tencent's. */
export interface SearchCloudGroupMembersResultItem {
  groupInfo: { groupID: string; name: string; type: string; avatar: string };
  /** By userID; `nameCard` is the member's in this group (`''` for none). */
  memberList: { userID: string; nick: string; nameCard: string; avatar: string }[];
}

/** searchCloudGroupMembers' answer, as Tencent's. */
export interface SearchCloudGroupMembersResult {
  /**
   * By groupID; a page holds `count` members, so a group's members may go on in the first entry
   * of the next page.
   */
  searchResultList: SearchCloudGroupMembersResultItem[];
  /** Pass it back for the next page; `''` when this is the last. */
  cursor: string;
  /** Every member found, on this page and the others (a user found in two groups counts twice). */
  totalCount: number;
}

export interface GetConversationListOptions {
  /** `TYPES.CONV_C2C`, `TYPES.CONV_GROUP` or `TYPES.CONV_SYSTEM`. */
  type?: TypesValue;
  /** Only conversations in this conversation group (folder). */
  groupName?: string;
  /** Only conversations with this mark; `8` (HIDE) lists the hidden ones. bigint for marks above 2^53. */
  markType?: number | bigint;
  /** true: only conversations with unread messages; false: only those without. */
  hasUnreadCount?: boolean;
  /** true: only conversations with unread @-mentions of the user (`groupAtInfoList`); false: only those without. */
  hasGroupAtInfo?: boolean;
  /** Natter: true lists the archived conversations instead of the default list. */
  archived?: boolean;
}

export interface ConversationListResult {
  conversationList: Conversation[];
  /** Always true: the SDK answers from the server, not from a list still being synced. */
  isSyncCompleted: boolean;
}

export interface DeleteConversationOptions {
  conversationIDList: ConversationID[];
  /** Default true, as in Tencent's SDK: the user never sees those messages again. */
  clearHistoryMessage?: boolean;
}

export interface SetMessageReadOptions {
  conversationID: ConversationID;
}

export interface PinConversationOptions {
  conversationID: ConversationID;
  isPinned: boolean;
}

export interface SetConversationDraftOptions {
  conversationID: ConversationID;
  draftText: string;
}

export interface SetAllMessageReadOptions {
  /** `TYPES.READ_ALL_C2C_MSG`, `TYPES.READ_ALL_GROUP_MSG` or `TYPES.READ_ALL_MSG` (default). */
  scope?: TypesValue;
}

export interface SetMessageRemindTypeOptions {
  /** A group: its conversation `GROUP<groupID>`. */
  groupID?: string;
  /** One-to-one chats: `C2C<userID>` each. */
  userIDList?: string[];
  /** Natter: conversation IDs directly. */
  conversationIDList?: ConversationID[];
  /** `TYPES.MSG_REMIND_ACPT_AND_NOTE`, `…_ACPT_NOT_NOTE` or `…_DISCARD`. */
  messageRemindType: TypesValue;
}

/**
 * setAllReceiveMessageOpt's options, as Tencent's (`SET_ALL_RECEIVE_MESSAGE_OPTIONS`): how the
 * user is told of all their messages in a window of the day, today or every day.
 */
export interface SetAllReceiveMessageOptions {
  /**
   * `TYPES.MSG_REMIND_ACPT_NOT_NOTE` (the default: messages arrive, but are not pushed while the
   * user is offline) or `TYPES.MSG_REMIND_ACPT_AND_NOTE` (as each conversation says); anything
   * else rejects 40001.
   */
  messageRemindType?: TypesValue;
  /** When the window starts, by the device's clock: hour, minute and second of today (each 0 when left out). */
  startHour?: number;
  startMinute?: number;
  startSecond?: number;
  /** How long it lasts, in seconds; 0 (the default): no window. */
  duration?: number;
  /** It comes back every day (the default); a window of a day or more that repeats is always on. */
  isRepeated?: boolean;
}

/**
 * The user's option for all messages, as Tencent's getAllReceiveMessageOpt resolves it and
 * ALL_RECEIVE_MESSAGE_OPT_UPDATED carries it.
 */
export interface AllReceiveMessageOpt {
  messageRemindType: typeof TYPES.MSG_REMIND_ACPT_AND_NOTE | typeof TYPES.MSG_REMIND_ACPT_NOT_NOTE;
  /** Where the window starts, in Unix seconds. */
  startTime: number;
  /** Where it ends (not included), in Unix seconds; at or before `startTime`: no window. */
  endTime: number;
  /** It comes back every day at the same time. */
  isRepeated: boolean;
}

export interface SetConversationCustomDataOptions {
  conversationIDList: ConversationID[];
  /** At most 256 bytes of UTF-8; `''` clears it. */
  customData: string;
}

export interface MarkConversationOptions {
  conversationIDList: ConversationID[];
  /** `TYPES.CONV_MARK_TYPE_*` or a custom 2^n (32 ≤ n < 64); bigint or the exact double above 2^53. */
  markType: number | bigint;
  enableMark: boolean;
}

export interface CreateConversationGroupOptions {
  /** Tencent requires it; Natter also accepts none (an empty folder). */
  conversationIDList?: ConversationID[];
  groupName: string;
}

export interface RenameConversationGroupOptions {
  oldName: string;
  newName: string;
}

export interface ConversationGroupMembersOptions {
  conversationIDList: ConversationID[];
  groupName: string;
}

/** Calls over several conversations; Natter applies all or none, so failures are always empty. */
export interface ConversationOperationResult {
  successConversationIDList: ConversationID[];
  failureConversationIDList: { conversationID: ConversationID; code: number; message: string }[];
}

/** Natter: `getConversationSync(since, profileSince)`. */
export interface ConversationSyncResult {
  conversationList: Conversation[];
  deletedConversationIDList: ConversationID[];
  /** Messages recalled, deleted by this user for themself, or changed by a member, since `since`. */
  messageChangeList: MessageChange[];
  version: number;
  /** Pass it back as `profileSince`. */
  profileVersion: number;
  resetRequired: boolean;
}

/** Natter: what became of a message since a sync's version. */
export interface MessageChange {
  conversationID: ConversationID;
  messageID: string;
  sequence: number;
  change: 'revoked' | 'deleted' | 'modified';
  /** `modified`: the message as it is now (modifyMessage). */
  message?: Message;
}

/** getUserProfile's options. */
export interface GetUserProfileOptions {
  /** 1–100 userIDs; users that do not exist are left out of the answer. */
  userIDList: string[];
}

/** addToBlacklist's and removeFromBlacklist's options. */
export interface BlacklistOptions {
  /** 1–1000 userIDs. */
  userIDList: string[];
}

/** setSelfStatus' options, as Tencent's. */
export interface SetSelfStatusOptions {
  /** What the user shows, at most 100 bytes (UTF-8); `''` clears it. */
  customStatus: string;
}

/** getUserStatus' options, as Tencent's. */
export interface GetUserStatusOptions {
  /** At least one userID; past 500 only the first 500 are asked (with a warning), as Tencent's. */
  userIDList: string[];
}

/** subscribeUserStatus' options, as Tencent's. */
export interface SubscribeUserStatusOptions {
  /** At least one userID; past 100 only the first 100 are subscribed to (with a warning), as Tencent's. */
  userIDList: string[];
}

/** unsubscribeUserStatus' options, as Tencent's. */
export interface UnsubscribeUserStatusOptions {
  /** Left out (or `undefined`, or empty): every user subscribed to. Past 100, the first 100. */
  userIDList?: string[] | undefined;
}

/**
 * A user's status, as Tencent's: an entry of getUserStatus' `successUserList`, setSelfStatus'
 * answer, and USER_STATUS_UPDATED's data.
 */
export interface UserStatus {
  userID: string;
  /** `TYPES.USER_STATUS_ONLINE`, `_OFFLINE` or `_UNLOGINED`. */
  statusType: UserStatusType;
  /** What the user chose to show with setSelfStatus (`''`: nothing); kept while they are offline. */
  customStatus: string;
}

/**
 * A user a status call passed over, as Tencent's: `code` 70107 (`ErrorCode.USER_NOT_FOUND`) for a
 * user the server does not know, 40001 for the user themself given to subscribeUserStatus;
 * `message` is the server's.
 */
export interface UserStatusFailure {
  userID: string;
  code: number;
  message: string;
}

/** getUserStatus' answer, as Tencent's. */
export interface GetUserStatusResult {
  /** In the order asked, the user themself first when asked about (answered without a request). */
  successUserList: UserStatus[];
  failureUserList: UserStatusFailure[];
}

/** subscribeUserStatus' and unsubscribeUserStatus' answer, as Tencent's. */
export interface UserStatusSubscriptionResult {
  failureUserList: UserStatusFailure[];
}

/** How followUser or unfollowUser went for one user, as Tencent's. */
export interface FollowResult {
  userID: string;
  /**
   * 0: done (following someone followed already, too). Else the server's code of why not: 40001
   * the user themself or a malformed userID, 40401 no such user (or, unfollowing, one not
   * followed), 40901 the user follows 5,000 already.
   */
  resultCode: number;
  /** Why not, or `''`. */
  resultInfo: string;
}

/** A user of a follow list (getMyFollowersList, getMyFollowingList, getMutualFollowersList), as Tencent's. */
export interface FollowedUser {
  userID: string;
  /** When the follow began, in seconds (a mutual follower: when the user followed them). */
  followTime: number;
  nick: string;
  avatar: string;
}

/** A page of a follow list, as Tencent's. */
export interface FollowListResult {
  /** Newest follow first, 500 a page. */
  resultList: FollowedUser[];
  /** Pass it back for the next page; `''` when this is the last. */
  nextCursor: string;
}

/**
 * A user's counts, an entry of getUserFollowInfo's answer: Tencent's three, and the user they are
 * of (Natter's addition; the answer is in the order asked, as Tencent's).
 */
export interface UserFollowInfo {
  userID: string;
  /** How many follow them. */
  followersCount: number;
  /** How many they follow. */
  followingCount: number;
  /** How many both follow them and are followed by them. */
  mutualFollowersCount: number;
}

/** 0 neither follows the other, 1 they follow the user, 2 the user follows them, 3 both (Tencent's). */
export type FollowType = 0 | 1 | 2 | 3;

/** An entry of checkFollowType's answer, as Tencent's. */
export interface UserFollowType {
  userID: string;
  followType: FollowType;
}

/**
 * MY_FOLLOWERS_LIST_UPDATED's, MY_FOLLOWING_LIST_UPDATED's and MUTUAL_FOLLOWERS_LIST_UPDATED's
 * data, as Tencent's: a user added to that list of the user's, with their profile, or taken out
 * of it, by userID.
 */
export type FollowListUpdatedData =
  | { isAdd: true; userInfoList: UserInfo[] }
  | { isAdd: false; userInfoList: string[] };

/** addFriend's options. */
export interface AddFriendOptions {
  /** The user to add (one the server knows: else 40401). */
  to: string;
  /** Where the user found them: `AddSource_Type_` and a keyword of 1 to 8 bytes, e.g. `AddSource_Type_Web`. */
  source: string;
  /** A note to them, at most 256 bytes; shown with the request when they must accept it. */
  wording?: string;
  /**
   * `TYPES.SNS_ADD_TYPE_BOTH` (the default: each in the other's list) or `SNS_ADD_TYPE_SINGLE`
   * (them in the user's list only).
   */
  type?: TypesValue;
  /** The name to give them in the user's list, at most 96 bytes. */
  remark?: string;
  /**
   * The user's friend group to put them in once they are in the user's list (1 to 30 bytes; made if
   * the user has none of that name): at once when added, or when they accept the request. `''` or
   * left out: none.
   */
  groupName?: string;
}

/** addFriend's answer, as Tencent's: `code` says whether they are in the list now or a request waits. */
export interface AddFriendResult {
  userID: string;
  /**
   * 0: added (they let anyone add them, had the user in their list already, or had asked the user
   * first); 30539 (Tencent's number): a request now waits for them to accept it.
   */
  code: 0 | 30539;
  /** `''` when added; what the request waits for otherwise. */
  message: string;
}

/** deleteFriend's options. */
export interface DeleteFriendOptions {
  /** 1–1000 userIDs. */
  userIDList: string[];
  /**
   * `TYPES.SNS_DELETE_TYPE_BOTH` (the default: the user also leaves each one's list) or
   * `SNS_DELETE_TYPE_SINGLE` (only the user's list changes).
   */
  type?: TypesValue;
}

/** deleteFriend's answer. */
export interface DeleteFriendResult {
  /** Taken out of the user's list. */
  successUserIDList: { userID: string; code: 0 }[];
  /** Not in the user's list: nothing changed for them (`code` 40401, `ErrorCode.NOT_FOUND`). */
  failureUserIDList: { userID: string; code: number; message: string }[];
}

/** checkFriend's options. */
export interface CheckFriendOptions {
  /** 1–1000 userIDs. */
  userIDList: string[];
  /**
   * `TYPES.SNS_CHECK_TYPE_BOTH` (the default: both lists are read) or `SNS_CHECK_TYPE_SINGLE` (the
   * user's own list only).
   */
  type?: TypesValue;
}

/** How a user stands towards the user (`TYPES.SNS_TYPE_*`). */
export type FriendRelation =
  | typeof TYPES.SNS_TYPE_NO_RELATION
  | typeof TYPES.SNS_TYPE_A_WITH_B
  | typeof TYPES.SNS_TYPE_B_WITH_A
  | typeof TYPES.SNS_TYPE_BOTH_WAY;

/** checkFriend's answer: every user asked about, in the order asked. */
export interface CheckFriendResult {
  /**
   * `relation`: `SNS_TYPE_A_WITH_B` (in the user's list only), `SNS_TYPE_B_WITH_A` (the user is in
   * theirs only), `SNS_TYPE_BOTH_WAY` or `SNS_TYPE_NO_RELATION`. Checked one way
   * (`SNS_CHECK_TYPE_SINGLE`), only `A_WITH_B` or `NO_RELATION`.
   */
  successUserIDList: { userID: string; code: 0; relation: FriendRelation }[];
  /** Always empty: every user asked about gets a relation. */
  failureUserIDList: { userID: string; code: number; message: string }[];
}

/** getFriendProfile's options. */
export interface GetFriendProfileOptions {
  /** 1–1000 userIDs. */
  userIDList: string[];
}

/** getFriendProfile's answer. */
export interface GetFriendProfileResult {
  /** The entries of those in the user's list, in the order asked. */
  friendList: Friend[];
  /** Those not in it (`code` 40401, `ErrorCode.NOT_FOUND`). */
  failureUserIDList: { userID: string; code: number; message: string }[];
}

/** updateFriend's options. */
export interface UpdateFriendOptions {
  userID: string;
  /** The name to give the friend, at most 96 bytes; `''` takes it away. Left out, nothing changes. */
  remark?: string;
  /**
   * Custom fields to set, the others kept; `''` removes one. At most 20 per friend (else 40901
   * and nothing changes).
   */
  friendCustomField?: CustomField[];
}

/** getFriendApplicationList's answer, and FRIEND_APPLICATION_LIST_UPDATED's data. */
export interface FriendApplicationListResult {
  /** The requests that wait, to the user and from them, newest first. */
  friendApplicationList: FriendApplication[];
  /** Requests to the user made since they last called setFriendApplicationRead. */
  unreadCount: number;
}

/** acceptFriendApplication's options. */
export interface AcceptFriendApplicationOptions {
  /** Who asked. */
  userID: string;
  /** With `SNS_APPLICATION_AGREE_AND_ADD`, the name to give them in the user's list (at most 96 bytes). */
  remark?: string;
  /**
   * Accepted and not used (Tencent's typings leave it out). Accepting puts the asker in none of the
   * user's friend groups: addToFriendGroup once accepted does. The asker's own `groupName`
   * (addFriend) puts the user in the asker's group.
   */
  tag?: string;
  /**
   * `TYPES.SNS_APPLICATION_AGREE_AND_ADD` (the default: each in the other's list) or
   * `SNS_APPLICATION_AGREE` (the user in the asker's list only).
   */
  type?: TypesValue;
}

/** createFriendGroup's options. */
export interface CreateFriendGroupOptions {
  /** 1 to 30 bytes, not the name of another of the user's groups. */
  name: string;
  /** 0–1000 of the user's friends to put in it (others are failures); left out, none. */
  userIDList?: string[];
}

/** deleteFriendGroup's options. */
export interface DeleteFriendGroupOptions {
  name: string;
}

/** addToFriendGroup's and removeFromFriendGroup's options. */
export interface FriendGroupMembersOptions {
  /** One of the user's friend groups. */
  name: string;
  /** 1–1000 userIDs. */
  userIDList: string[];
}

/** renameFriendGroup's options. */
export interface RenameFriendGroupOptions {
  oldName: string;
  /** 1 to 30 bytes, not the name of another of the user's groups, nor `oldName`. */
  newName: string;
}

/**
 * A user a friend group call passed over (`code` 40401, `ErrorCode.NOT_FOUND`): not the user's
 * friend (createFriendGroup, addToFriendGroup), or not in the group (removeFromFriendGroup).
 */
export interface FriendGroupFailure {
  userID: string;
  code: number;
  message: string;
}

/** createFriendGroup's answer, as Tencent's. */
export interface CreateFriendGroupResult {
  /** The group as made, with those of `userIDList` who are the user's friends. */
  friendGroup: FriendGroup;
  failureUserIDList: FriendGroupFailure[];
}

/**
 * addToFriendGroup's and removeFromFriendGroup's answer, as Tencent's; each failure also carries
 * its userID as `to`, the name Tencent's SDK gives it at run time for these two calls.
 */
export interface FriendGroupMembersResult {
  /** The group as it now is. */
  friendGroup: FriendGroup;
  failureUserIDList: (FriendGroupFailure & { to: string })[];
}

/** refuseFriendApplication's options. */
export interface RefuseFriendApplicationOptions {
  /** Who asked. */
  userID: string;
  /** Accepted and not used: a refusal changes no list. */
  remark?: string;
  tag?: string;
}

/** deleteFriendApplication's options. */
export interface DeleteFriendApplicationOptions {
  /** The other user of the request. */
  userID: string;
  /**
   * `TYPES.SNS_APPLICATION_SENT_TO_ME` (the default: the request `userID` made to the user) or
   * `SNS_APPLICATION_SENT_BY_ME` (the user's own request to `userID`, which withdraws it).
   */
  type?: TypesValue;
}

/** getGroupMemberList's options. */
export interface GetGroupMemberListOptions {
  groupID: string;
  /** 1–100, default 15. */
  count?: number;
  /** Members to skip: 0 (the default), then the `offset` the previous page answered. */
  offset?: number;
  /**
   * Only members of this role (`TYPES.GRP_MBR_ROLE_*`), paged among themselves. Natter's groups
   * have an owner, admins and members: `_CUSTOM` lists none.
   */
  role?: string;
  /** In an audio-video group, only members carrying this mark (markGroupMemberList's `markType`); set aside in other groups, as Tencent's. */
  filter?: number;
}

/** markGroupMemberList's options, as Tencent's. */
export interface MarkGroupMemberListOptions {
  groupID: string;
  /** The users; over 500 are cut to the first 500. */
  userIDList: string[];
  /** 1000 or more. */
  markType: number;
  /** true marks them, false takes the mark off. */
  enableMark: boolean;
}

/** getGroupProfile's options. */
export interface GetGroupProfileOptions {
  groupID: string;
  /**
   * Only these of the group's custom fields in `groupCustomField`; left out, all of them (Natter
   * has no console where an app names the fields a client may read).
   */
  groupCustomFieldFilter?: string[];
}

/**
 * initGroupAttributes' and setGroupAttributes' options, as Tencent's
 * (`INIT_GROUP_ATTRIBUTE_OPTIONS`, `SET_GROUP_ATTRIBUTE_OPTIONS`).
 */
export interface InitGroupAttributesOptions {
  groupID: string;
  /**
   * `{ key: value }`, at least one, each value a string: keys of 1–32 bytes, values of at most
   * 4,096, and the group at most 16 attributes and 16 KiB of them.
   */
  groupAttributes: Record<string, string>;
}

/** setGroupAttributes' options (`SET_GROUP_ATTRIBUTE_OPTIONS`): the attributes to set, the others kept. */
export type SetGroupAttributesOptions = InitGroupAttributesOptions;

/** deleteGroupAttributes' options, as Tencent's (`DELETE_GROUP_ATTRIBUTE_OPTIONS`). */
export interface DeleteGroupAttributesOptions {
  groupID: string;
  /** The keys to delete; `[]` deletes every attribute (as Tencent's). Required, as Tencent's. */
  keyList: string[];
}

/** getGroupAttributes: `keyList` names the attributes asked for, `[]` all of them (as Tencent's). */
export interface GetGroupAttributesOptions {
  groupID: string;
  keyList: string[];
}

/** What initGroupAttributes, setGroupAttributes and getGroupAttributes resolve to, as Tencent's. */
export interface GroupAttributesResult {
  /** init and set: the attributes given; get: those asked for that the group has. */
  groupAttributes: Record<string, string>;
}

/** What deleteGroupAttributes resolves to, as Tencent's. */
export interface DeleteGroupAttributesResult {
  /** The keys deleted: of those named (all, with `[]`), those the group had. */
  keyList: string[];
}

/** GROUP_ATTRIBUTES_UPDATED's data, as Tencent's: the group's attributes after a change, and what changed. */
export interface GroupAttributesUpdatedData {
  groupID: string;
  /** Every attribute of the group as it now is. */
  groupAttributes: Record<string, string>;
  /** Keys added or given a new value. */
  updatedKeyList: string[];
  /** Keys that went. */
  deletedKeyList: string[];
}

/** getGroupCounters: `keyList` names the counters asked for; left out or `[]`, all of them (as Tencent's). */
export interface GetGroupCountersOptions {
  groupID: string;
  keyList?: string[];
}

/** setGroupCounters' options, as Tencent's (`SET_GROUP_COUNTER_OPTIONS`). */
export interface SetGroupCountersOptions {
  groupID: string;
  /**
   * `{ key: value }`: at least one counter, each key 1–128 bytes, each value a whole number
   * (64-bit, signed); those the group lacks are added, at most 20 a group.
   */
  counters: Record<string, number>;
}

/** increaseGroupCounter's options, as Tencent's (`INCREASE_GROUP_COUNTER_OPTIONS`). */
export interface IncreaseGroupCounterOptions {
  groupID: string;
  /** The counter's key; a counter the group lacks starts at 0. */
  key: string;
  /** How much to move it by: a whole number above 0. */
  value: number;
}

/** decreaseGroupCounter's options, as Tencent's (`DECREASE_GROUP_COUNTER_OPTIONS`). */
export type DecreaseGroupCounterOptions = IncreaseGroupCounterOptions;

/** What the group counter calls resolve to, as Tencent's. */
export interface GroupCountersResult {
  /**
   * setGroupCounters: the counters set; increaseGroupCounter and decreaseGroupCounter: the
   * counter moved, as it now is; getGroupCounters: those asked for that the group has.
   */
  counters: Record<string, number>;
}

/** GROUP_COUNTER_UPDATED's data, as Tencent's: one counter of a group, as it now is. */
export interface GroupCounterUpdatedData {
  groupID: string;
  key: string;
  value: number;
}

/** invite's options, as Tencent's (`INVITE_OPTIONS`): a one-to-one invitation. */
export interface InviteOptions {
  /** The invitee. */
  userID: string;
  /** What the invitation carries for the app (TUICallKit's call details), `''` when left out. */
  data?: string;
  /**
   * Seconds the invitation waits for an answer; 0 (the default) waits for ever. Each side times
   * it: the invitee at the timeout, the inviter 5 s later (as Tencent's).
   */
  timeout?: number;
  /** Sent `onlineUserOnly`: only the invitee's connected devices hear it, and so every answer to it. */
  onlineUserOnly?: boolean;
  /** The invitation's offline push, as sendMessage's (see {@link OfflinePushInfo}). */
  offlinePushInfo?: OfflinePushInfo;
}

/** inviteInGroup's options, as Tencent's (`INVITE_IN_GROUP_OPTIONS`): members of a group invited together. */
export interface InviteInGroupOptions {
  groupID: string;
  /** The invitees: members of the group (the invitation is a message to the whole group). */
  inviteeList: string[];
  data?: string;
  timeout?: number;
  onlineUserOnly?: boolean;
  offlinePushInfo?: OfflinePushInfo;
}

/** cancel's, accept's and reject's options, as Tencent's (`INVITATION_HANDLE_OPTIONS`). */
export interface InvitationHandleOptions {
  inviteID: string;
  /** What the answer carries for the app, `''` when left out. */
  data?: string;
  /** Sent `onlineUserOnly` (as the invitation was, whatever this says). */
  onlineUserOnly?: boolean;
  /** The answer's offline push, as sendMessage's. */
  offlinePushInfo?: OfflinePushInfo;
}

/** modifyInvitation's options, as Tencent's (`MODIFY_INVITATION_OPTIONS`). */
export interface ModifyInvitationOptions {
  inviteID: string;
  /** The invitation's new `data` (not empty). */
  data: string;
}

/**
 * What invite, inviteInGroup, cancel, accept and reject resolve to, as Tencent's: sendMessage's
 * answer (the signalling message sent) with the invitation's ID beside `data`.
 */
export interface SignalingResponse extends ChatResponse<{ message: Message }> {
  inviteID: string;
}

/** `TSignaling` event names (listen with addSignalingListener, or `on`). */
export type SignalingEventName =
  | typeof TSignaling.NEW_INVITATION_RECEIVED
  | typeof TSignaling.INVITEE_ACCEPTED
  | typeof TSignaling.INVITEE_REJECTED
  | typeof TSignaling.INVITATION_CANCELLED
  | typeof TSignaling.INVITATION_TIMEOUT
  | typeof TSignaling.INVITATION_MODIFIED;

/** NEW_INVITATION_RECEIVED's data, as Tencent's. */
export interface NewInvitationReceivedData {
  inviteID: string;
  inviter: string;
  /** `''` for a one-to-one invitation. */
  groupID: string;
  data: string;
  inviteeList: string[];
}

/** INVITEE_ACCEPTED's and INVITEE_REJECTED's data, as Tencent's. */
export interface InviteeAnsweredData {
  inviteID: string;
  inviter: string;
  groupID: string;
  /** What the answer carries. */
  data: string;
  /** Who answered. */
  invitee: string;
}

/** INVITATION_CANCELLED's data, as Tencent's. */
export interface InvitationCancelledData {
  inviteID: string;
  inviter: string;
  groupID: string;
  /** What the cancellation carries. */
  data: string;
}

/** INVITATION_TIMEOUT's data, as Tencent's. */
export interface InvitationTimeoutData {
  inviteID: string;
  inviter: string;
  groupID: string;
  data: string;
  /** The invitees it timed out for: those yet to answer (the inviter's timeout), or the invitee. */
  inviteeList: string[];
  /** `true`: this instance's own timer ran out (and it told the others); `false`: another's did. */
  isSelfTimeout: boolean;
  /** The timeout message this instance sent (its own timeout only). */
  message?: Message;
}

/** INVITATION_MODIFIED's data, as Tencent's. */
export interface InvitationModifiedData {
  inviteID: string;
  /** The invitation's new `data`. */
  data: string;
}

/** A user a new group starts with (Tencent's `memberList` item). */
export interface CreateGroupMember {
  userID: string;
  /**
   * `GRP_MBR_ROLE_MEMBER` (the default) or `GRP_MBR_ROLE_ADMIN` (not in a work group, which has no
   * admins: 40001).
   */
  role?: string;
  /** The member's custom fields in the group from the start (`''` values set nothing). */
  memberCustomField?: CustomField[];
}

/** createGroup's options (Tencent's CREATE_GROUP_OPTIONS). */
export interface CreateGroupOptions {
  /** At most 64 characters. */
  name: string;
  /** `TYPES.GRP_WORK` (the default), `GRP_PUBLIC`, `GRP_MEETING`, `GRP_AVCHATROOM` or `GRP_COMMUNITY`. */
  type?: TypesValue;
  /** Left out, the server makes one: `@TGS#` and ten capitals or digits, as Tencent's. */
  groupID?: string;
  introduction?: string;
  notification?: string;
  avatar?: string;
  /**
   * The most members the group may have, 1 to 100,000; no limit when left out. Past it, adding
   * or admitting members rejects with Tencent's 10014 (`ErrorCode.GROUP_FULL_MEMBER_COUNT`).
   */
  maxMemberNum?: number;
  /**
   * `TYPES.JOIN_OPTIONS_*`; left out, the type's default (`FreeAccess` for a meeting group,
   * `NeedPermission` for a public one). A work group takes only `DisableApply`.
   */
  joinOption?: TypesValue;
  /** Up to 500 other users in the group from the start; each must exist. */
  memberList?: CreateGroupMember[];
  /** The group's custom fields: at most 20, keys of 1–32 bytes, values of at most 512 bytes. */
  groupCustomField?: GroupCustomField[];
  /**
   * With `type` `TYPES.GRP_COMMUNITY`, a community that holds topics (createTopicInCommunity); with
   * another type the server refuses it (40001).
   */
  isSupportTopic?: boolean;
}

/** createGroup's answer. */
export interface CreateGroupResult {
  group: Group;
  /**
   * Always empty: Tencent's users who joined the most groups a user may, a limit Natter does not
   * have.
   */
  overLimitUserIDList: string[];
}

/** addGroupMember's options. */
export interface AddGroupMemberOptions {
  groupID: string;
  /** 1–500 userIDs. */
  userIDList: string[];
}

/** addGroupMember's answer. */
export interface AddGroupMemberResult {
  successUserIDList: string[];
  /** Users the server does not know. */
  failureUserIDList: string[];
  /** Users who were members already. */
  existedUserIDList: string[];
  /**
   * Always empty: Tencent's users who joined the most groups a user may, a limit Natter does not
   * have.
   */
  overLimitUserIDList: string[];
  group: Group;
}

/** deleteGroupMember's options. */
export interface DeleteGroupMemberOptions {
  groupID: string;
  /** 1–500 userIDs. */
  userIDList: string[];
  /** Accepted and not passed on: Natter's removal notice carries no reason. */
  reason?: string;
  /**
   * Seconds the users may not join again, in an audio-video room only (as Tencent's); another type
   * of group rejects 40001.
   */
  duration?: number;
}

/** deleteGroupMember's answer. */
export interface DeleteGroupMemberResult {
  group: Group;
  /** The users removed; those who were not members are left out. */
  userIDList: string[];
}

/** updateGroupProfile's options; a field left out keeps its value. */
export interface UpdateGroupProfileOptions {
  groupID: string;
  name?: string;
  avatar?: string;
  introduction?: string;
  notification?: string;
  /** `TYPES.JOIN_OPTIONS_*`; not for a work group. */
  joinOption?: TypesValue;
  /**
   * Mutes everyone but the owner and the admins (`true`), or ends it (`false`): the owner or an
   * admin, not in a work group (else 40301).
   */
  muteAllMembers?: boolean;
  /**
   * Custom fields to set, the others kept; `''` removes one. At most 20 in all (else 40901 and
   * nothing changes).
   */
  groupCustomField?: GroupCustomField[];
}

/** changeGroupOwner's options. */
export interface ChangeGroupOwnerOptions {
  groupID: string;
  /** A current member, who becomes the owner. */
  newOwnerID: string;
}

/** pinGroupMessage's options, as Tencent's (`PIN_GROUP_MESSAGE_OPTIONS`). */
export interface PinGroupMessageOptions {
  groupID: string;
  /** A sent message of that group. */
  message: Message;
  /** `true` pins it at the top of the group, `false` unpins it. */
  isPinned: boolean;
}

/** getPinnedGroupMessageList's answer, as Tencent's. */
export interface GetPinnedGroupMessageListResult {
  /** The group's pinned messages (at most 10), oldest first (by `sequence`), each with its `pinnerInfo`. */
  messageList: Message[];
}

/** PINNED_GROUP_MESSAGE_UPDATED's data, as Tencent's: a member pinned a message of a group, or unpinned it. */
export interface PinnedGroupMessageUpdatedData {
  groupID: string;
  /**
   * The message as it now is, with `pinnerInfo` (the operator) when pinned, without when
   * unpinned. Tencent's gives an unpinned message as a stub, `{ ID, sequence, random, time,
   * clientTime }`; Natter's server sends the whole message either way, and so does the SDK.
   */
  message: Message;
  isPinned: boolean;
  /** Who pinned or unpinned it. */
  operatorInfo: UserInfo;
}

/** getGroupMemberProfile's options. */
export interface GetGroupMemberProfileOptions {
  groupID: string;
  /** The members asked for; past the first 50, the rest are left out, as Tencent's. */
  userIDList: string[];
  /** Only these keys of each member's `memberCustomField`; left out, every field. */
  memberCustomFieldFilter?: string[];
}

/** joinGroup's options. */
export interface JoinGroupOptions {
  groupID: string;
  /** What a request to join a `NeedPermission` group says to its owner (at most 1 KiB); unused otherwise. */
  applyMessage?: string;
  /** Accepted and not used: the server knows the group's type. */
  type?: TypesValue;
}

/** joinGroup's answer. */
export interface JoinGroupResult {
  /**
   * `TYPES.JOIN_STATUS_SUCCESS`, `TYPES.JOIN_STATUS_WAIT_APPROVAL` (the request waits for the
   * owner) or `TYPES.JOIN_STATUS_ALREADY_IN_GROUP`.
   */
  status:
    | typeof TYPES.JOIN_STATUS_SUCCESS
    | typeof TYPES.JOIN_STATUS_WAIT_APPROVAL
    | typeof TYPES.JOIN_STATUS_ALREADY_IN_GROUP;
  group: Group;
}

/**
 * A request to join a group the user owns, waiting for their answer (getGroupApplicationList), in
 * Tencent's shape: what Natter does not have is Tencent's empty value.
 */
export interface GroupApplication {
  /** The user who asks. */
  applicant: string;
  applicantNick: string;
  groupID: string;
  groupName: string;
  /** Tencent's 0: a request to join (Natter has no invitations that need approval). */
  applicationType: 0;
  /** Tencent's invitee for invitations: `''`. */
  userID: '';
  /** What the applicant wrote (joinGroup's `applyMessage`). */
  note: string;
  /** Tencent's, always `''`. */
  authentication: '';
  /** When they asked, in ms (Tencent's SDK passes it back when answering; Natter does not need it). */
  messageKey: number;
}

/** handleGroupApplication's options: the request is named by `message` or by `application`. */
export interface HandleGroupApplicationOptions {
  /** `'Agree'` (the applicant joins) or `'Reject'`; anything else rejects 40001 (a string, as Tencent's typings say). */
  handleAction: string;
  /** Passed on to the applicant in their notice (at most 1 KiB). */
  handleMessage?: string;
  /** The request's notice: a MSG_GRP_SYS_NOTICE of `operationType` 1. */
  message?: Message;
  /** An entry of getGroupApplicationList's `applicationList`. */
  application?: Pick<GroupApplication, 'applicant' | 'groupID'>;
}

/** setGroupMemberRole's options. */
export interface SetGroupMemberRoleOptions {
  groupID: string;
  userID: string;
  /** `TYPES.GRP_MBR_ROLE_ADMIN` or `TYPES.GRP_MBR_ROLE_MEMBER`; anything else rejects 40001. */
  role: string;
}

/** setGroupMemberMuteTime's options. */
export interface SetGroupMemberMuteTimeOptions {
  groupID: string;
  userID: string;
  /** How long the member is muted from now, in seconds; 0 unmutes. */
  muteTime: number;
}

/** setGroupMemberNameCard's options. */
export interface SetGroupMemberNameCardOptions {
  groupID: string;
  /** The member whose name card it is; the user themself when left out, as Tencent's. */
  userID?: string;
  /** At most 50 bytes; `''` removes it. */
  nameCard: string;
}

/** setGroupMemberCustomField's options, as Tencent's (`SET_GROUP_MEMBER_CUSTOM_FIELD_OPTIONS`). */
export interface SetGroupMemberCustomFieldOptions {
  groupID: string;
  /** The member whose fields they are; the user themself when left out, as Tencent's. */
  userID?: string;
  /** The fields to set (the member's others are kept); a value of `''` removes that field. */
  memberCustomField: MemberCustomField[];
}

/**
 * What setGroupMemberRole, setGroupMemberMuteTime, setGroupMemberNameCard and
 * setGroupMemberCustomField resolve with, as Tencent's.
 */
export interface GroupMemberChangeResult {
  /** The group as it now is. */
  group: Group;
  /** The member as they now are. */
  member: GroupMember;
}

/** Natter: NATTER_MESSAGES_DELETED's data. */
export interface MessagesDeletedData {
  conversationID: ConversationID;
  messageIDList: string[];
}

/** What every call resolves to. */
export interface ChatResponse<T> {
  code: 0;
  data: T;
}

/** createTopicInCommunity's options, as Tencent's (`CREATE_TOPIC_IN_COMMUNICATION_OPTIONS`). */
export interface CreateTopicInCommunityOptions {
  /** A community created with `isSupportTopic: true`. */
  groupID: string;
  topicName: string;
  /** `<groupID>@TOPIC#_<suffix>`, at most 64 characters; left out, the server makes one. */
  topicID?: string;
  avatar?: string;
  notification?: string;
  introduction?: string;
  customData?: string;
}

/** updateTopicProfile's options, as Tencent's; a field left out keeps its value. */
export interface UpdateTopicProfileOptions {
  groupID: string;
  topicID: string;
  topicName?: string;
  avatar?: string;
  notification?: string;
  introduction?: string;
  customData?: string;
  /** Mutes everyone but the community's owner and admins in the topic (`true`), or ends it. */
  muteAllMembers?: boolean;
}

/** getTopicList's options, as Tencent's. */
export interface GetTopicListOptions {
  groupID: string;
  /** The topics asked for; left out or `[]`, every topic of the community. */
  topicIDList?: string[];
}

/** deleteTopicFromCommunity's options, as Tencent's. */
export interface DeleteTopicFromCommunityOptions {
  groupID: string;
  /** The topics to delete; left out or `[]`, every topic of the community. */
  topicIDList?: string[];
}

/** A topic a topic call could not answer for or delete, and why (`code` 10010: no such topic). */
export interface TopicFailure {
  topicID: string;
  code: number;
  message: string;
}

/** getTopicList's answer, as Tencent's. */
export interface GetTopicListResult {
  /** The topics asked for that are there (all of them, oldest first, when none was named). */
  successTopicList: Topic[];
  failureTopicList: TopicFailure[];
}

/** deleteTopicFromCommunity's answer, as Tencent's. */
export interface DeleteTopicFromCommunityResult {
  successTopicList: { topicID: string }[];
  failureTopicList: TopicFailure[];
}

/** TOPIC_CREATED's data, as Tencent's: a topic was made in a community the user is in. */
export interface TopicCreatedData {
  groupID: string;
  topicID: string;
}

/** TOPIC_DELETED's data, as Tencent's: topics of a community the user is in were deleted. */
export interface TopicDeletedData {
  groupID: string;
  topicIDList: string[];
}

/** TOPIC_UPDATED's data, as Tencent's: a topic as it now is (its profile changed, or its unread count or last message). */
export interface TopicUpdatedData {
  groupID: string;
  topic: Topic;
}

// ------------------------------------------------------------------ events

/** `event.data` of each event the SDK emits. */
export interface EventDataMap {
  [EVENT.SDK_READY]: undefined;
  [EVENT.SDK_NOT_READY]: undefined;
  [EVENT.SDK_DESTROY]: { SDKAppID: number };
  [EVENT.MESSAGE_RECEIVED]: Message[];
  [EVENT.MESSAGE_REVOKED]: Message[];
  /** Messages a member changed (modifyMessage), each as it now is. */
  [EVENT.MESSAGE_MODIFIED]: Message[];
  [EVENT.MESSAGE_READ_BY_PEER]: Message[];
  /**
   * Readers gave receipts for messages of the user's that asked for them (sendMessageReadReceipt):
   * one entry per message, of one conversation.
   */
  [EVENT.MESSAGE_READ_RECEIPT_RECEIVED]: C2CMessageReadReceipt[] | GroupMessageReadReceipt[];
  /** A member reacted to a message, or took a reaction back: the reaction as it now is. */
  [EVENT.MESSAGE_REACTIONS_UPDATED]: MessageReactionsUpdatedData;
  /** A member set pairs on a message: those pairs, as they now are. */
  [EVENT.MESSAGE_EXTENSIONS_UPDATED]: MessageExtensionsUpdatedData;
  /** A member deleted keys of a message. */
  [EVENT.MESSAGE_EXTENSIONS_DELETED]: MessageExtensionsDeletedData;
  /** A member pinned a message of a group the user is in, or unpinned it. */
  [EVENT.PINNED_GROUP_MESSAGE_UPDATED]: PinnedGroupMessageUpdatedData;
  /** A member set, raised or lowered a counter of a group the user is in: the counter as it now is. */
  [EVENT.GROUP_COUNTER_UPDATED]: GroupCounterUpdatedData;
  /** A member changed the attributes of a group the user is in: all of them as they now are, and what changed. */
  [EVENT.GROUP_ATTRIBUTES_UPDATED]: GroupAttributesUpdatedData;
  [EVENT.CONVERSATION_LIST_UPDATED]: Conversation[];
  [EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED]: number;
  [EVENT.CONVERSATION_GROUP_LIST_UPDATED]: string[];
  [EVENT.CONVERSATION_IN_GROUP_UPDATED]: { groupName: string; conversationList: Conversation[] };
  /** The user's whole group list, as getGroupList gives it. */
  [EVENT.GROUP_LIST_UPDATED]: Group[];
  /** A topic was made in a community the user is in (createTopicInCommunity, on any device, this instance's own call included). */
  [EVENT.TOPIC_CREATED]: TopicCreatedData;
  /** Topics of a community the user is in were deleted (deleteTopicFromCommunity, this instance's own call included). */
  [EVENT.TOPIC_DELETED]: TopicDeletedData;
  /** A topic changed: its profile (updateTopicProfile), or the user's unread count, last message or mentions in it. */
  [EVENT.TOPIC_UPDATED]: TopicUpdatedData;
  [EVENT.PROFILE_UPDATED]: Profile[];
  /**
   * Users' statuses changed, each as it now is: users the user subscribed to (subscribeUserStatus)
   * went online or offline or chose another custom status, or the user's own status changed
   * (setSelfStatus on any device, this instance's own included).
   */
  [EVENT.USER_STATUS_UPDATED]: UserStatus[];
  /** The user's whole blocklist (userIDs, in the order blocked), as getBlacklist gives it. */
  [EVENT.BLACKLIST_UPDATED]: string[];
  /** The user's whole friend list, as getFriendList gives it. */
  [EVENT.FRIEND_LIST_UPDATED]: Friend[];
  /** The friend requests that wait and the unread count, as getFriendApplicationList gives them. */
  [EVENT.FRIEND_APPLICATION_LIST_UPDATED]: FriendApplicationListResult;
  /** The user's friend groups, oldest first, as getFriendGroupList gives them. */
  [EVENT.FRIEND_GROUP_LIST_UPDATED]: FriendGroup[];
  /** A user began or stopped following the user. */
  [EVENT.MY_FOLLOWERS_LIST_UPDATED]: FollowListUpdatedData;
  /** The user began or stopped following a user. */
  [EVENT.MY_FOLLOWING_LIST_UPDATED]: FollowListUpdatedData;
  /** A user became a mutual follower of the user, or stopped being one. */
  [EVENT.MUTUAL_FOLLOWERS_LIST_UPDATED]: FollowListUpdatedData;
  /** The user's option for all messages changed (setAllReceiveMessageOpt, on any device): the option as it now is. */
  [EVENT.ALL_RECEIVE_MESSAGE_OPT_UPDATED]: AllReceiveMessageOpt;
  [EVENT.KICKED_OUT]: { type: KickedOutType };
  [EVENT.NET_STATE_CHANGE]: { state: NetState };
  [EVENT.ERROR]: { code: number; message: string };
  /**
   * Natter: `version` is the deletion's; a conversation object of these conversations with a version
   * at or below it is older than the deletion (pushes through different nodes may arrive out of
   * order).
   */
  [EVENT.NATTER_CONVERSATION_DELETED]: { conversationIDList: ConversationID[]; clearHistoryMessage: boolean; version: number };
  [EVENT.NATTER_RESYNC]: { reason: 'resyncRequired' | 'resetRequired' };
  [EVENT.NATTER_MESSAGES_DELETED]: MessagesDeletedData;
  /** The user was invited (invite, inviteInGroup). */
  [TSignaling.NEW_INVITATION_RECEIVED]: NewInvitationReceivedData;
  /** An invitee accepted an invitation this instance knows. */
  [TSignaling.INVITEE_ACCEPTED]: InviteeAnsweredData;
  /** An invitee rejected an invitation this instance knows. */
  [TSignaling.INVITEE_REJECTED]: InviteeAnsweredData;
  /** The inviter cancelled an invitation this instance knows. */
  [TSignaling.INVITATION_CANCELLED]: InvitationCancelledData;
  /** An invitation timed out, here or for another user. */
  [TSignaling.INVITATION_TIMEOUT]: InvitationTimeoutData;
  /** The invitation's `data` changed (modifyInvitation). */
  [TSignaling.INVITATION_MODIFIED]: InvitationModifiedData;
}

/** Events with a documented payload (`TSignaling`'s too); the other `EVENT` names (never emitted by Natter) carry `any`. */
export type KnownEventName = keyof EventDataMap;

export type EventData<N extends string> = N extends KnownEventName ? EventDataMap[N] : any;

/** What a handler receives: `{ name, data }`, as with Tencent. */
export interface ChatEvent<N extends string = EventName> {
  name: N;
  data: EventData<N>;
}

export type ChatEventHandler<N extends string = EventName> = (event: ChatEvent<N>) => void;

/** translateText's options, as Tencent's. */
export interface TranslateTextOptions {
  /** 1–100 texts, at most 10,000 characters in all. */
  sourceTextList: string[];
  /** The texts' language (`zh`, `en`, …); `''` or left out: the service detects it. */
  sourceLanguage?: string;
  /** The language to translate into. */
  targetLanguage: string;
}

/** convertVoiceToText's options, as Tencent's. */
export interface ConvertVoiceToTextOptions {
  /** A sent or received sound message (`TYPES.MSG_AUDIO`). */
  message: Message;
  /**
   * The speech's language: Tencent's names (`'zh (cmn-Hans-CN)'`, `'en-US'`, `'yue-Hant-HK'`,
   * `'ja-JP'`) or any BCP 47 tag, of which the language is taken (`'fr-FR'` → `fr`). Left out:
   * the service detects it.
   */
  language?: string;
}
