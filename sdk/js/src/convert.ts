/**
 * Wire objects (wire.ts) → the Tencent-shaped objects apps see (types.ts). Pure functions: the
 * context they need is who is logged in, which decides `flow`, `to` and who "recalled a message",
 * and, for a conversation, what the SDK holds of its peer or group besides it
 * ({@link ConversationContext}).
 */
import { MESSAGE_FOR_SHOW, MESSAGE_FOR_SHOW_CHINESE, TYPES } from './constants.js';
import { fromWuKongIM } from './media.js';
import { atUserListOf, toGroupAtInfoList } from './mentions.js';
import { MAX_MERGER_LAYERS, overLimitMerger } from './merger.js';
import { readReceiptInfoOf } from './receipts.js';
import type {
  Conversation,
  ConversationType,
  Friend,
  FriendApplication,
  FriendGroup,
  Group,
  GroupApplication,
  GroupMember,
  GroupSystemNoticePayload,
  GroupTipPayload,
  LastMessage,
  MergedMessage,
  MergerPayload,
  Message,
  MessageRemindType,
  MessageType,
  Profile,
  Topic,
  UserInfo,
} from './types.js';
import type {
  WireConversation,
  WireFriend,
  WireFriendApplication,
  WireFriendGroup,
  WireGroup,
  WireGroupApplication,
  WireGroupMember,
  WireGroupTipPayload,
  WireLastMessage,
  WireMessage,
  WireProfile,
  WireTopic,
  WireTopicSelfInfo,
} from './wire.js';

const KNOWN_MESSAGE_TYPES = new Set<string>([
  TYPES.MSG_TEXT,
  TYPES.MSG_IMAGE,
  TYPES.MSG_AUDIO,
  TYPES.MSG_FILE,
  TYPES.MSG_FACE,
  TYPES.MSG_VIDEO,
  TYPES.MSG_LOCATION,
  TYPES.MSG_GRP_TIP,
  TYPES.MSG_GRP_SYS_NOTICE,
  TYPES.MSG_CUSTOM,
  TYPES.MSG_MERGER,
]);

/**
 * The message's element type. A type the SDK does not know is custom. A server older than message
 * types sends none: there a payload that is just `{ text }` (what Natter's own clients send) reads
 * as text, anything else as custom.
 */
export function messageType(type: string | undefined, payload?: unknown): MessageType {
  if (type === undefined) {
    const p = payload as Record<string, unknown> | null | undefined;
    const isText = typeof p === 'object' && p !== null && typeof p.text === 'string' && Object.keys(p).length === 1;
    return isText ? TYPES.MSG_TEXT : TYPES.MSG_CUSTOM;
  }
  return KNOWN_MESSAGE_TYPES.has(type) ? (type as MessageType) : TYPES.MSG_CUSTOM;
}

export function conversationTypeOf(conversationID: string): ConversationType {
  if (conversationID === TYPES.CONV_SYSTEM) return TYPES.CONV_SYSTEM;
  if (conversationID.startsWith(TYPES.CONV_GROUP)) return TYPES.CONV_GROUP;
  return TYPES.CONV_C2C;
}

/** The part after the prefix: the peer's userID or the groupID (`''` for the system conversation). */
export function conversationTarget(conversationID: string): string {
  if (conversationID === TYPES.CONV_SYSTEM) return '';
  if (conversationID.startsWith(TYPES.CONV_GROUP)) return conversationID.slice(TYPES.CONV_GROUP.length);
  if (conversationID.startsWith(TYPES.CONV_C2C)) return conversationID.slice(TYPES.CONV_C2C.length);
  return conversationID;
}

export function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/**
 * The payload as Tencent's SDK hands it out for `type`. A custom message is always
 * `{ data, description, extension }`: one sent by Natter's own clients or the app backend with some
 * other object (e.g. `{ text: 'hi' }` without a type) gets that object as JSON in `data`, so an app
 * reading `payload.data` still finds it. A text message is `{ text }`: its mentions are the message's
 * `atUserList`, not part of the payload (as Tencent's), and a WuKongIM client's text
 * (`{ type: 1, content, mention? }`) reads as `{ text: content }`. A WuKongIM client's image,
 * voice, video or file reads as Tencent's payload of that kind ({@link fromWuKongIM}).
 */
export function normalizePayload(type: MessageType, payload: unknown): any {
  const p = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
  if (type === TYPES.MSG_TEXT) {
    if (typeof p.text !== 'string' && p.type === 1 && typeof p.content === 'string') return { text: p.content };
    const { atUserList: _mentions, ...text } = p;
    return text;
  }
  if (type === TYPES.MSG_CUSTOM) {
    if (typeof p.data === 'string') {
      return {
        data: p.data,
        description: typeof p.description === 'string' ? p.description : '',
        extension: typeof p.extension === 'string' ? p.extension : '',
      };
    }
    // A recalled message's payload is `{}`: nothing to carry, not the text "{}".
    const data = Object.keys(p).length === 0 ? '' : JSON.stringify(p);
    return { data, description: '', extension: '' };
  }
  if (type === TYPES.MSG_MERGER) return mergerPayload(p);
  return fromWuKongIM(type, p) ?? p;
}

/**
 * A chat record's payload as Tencent's SDK reads one (MergerPayload): each field of its type
 * (empty when missing or of another type), a stored record's `messageList` empty (the record is
 * behind `downloadKey`), and each entry of an inline one read as {@link mergedList} reads them.
 * `layer` is how deep the record sits (1: the message itself); one below Tencent's limit, or
 * marked so by its sender, reads as nothing but `layersOverLimit: true`, which also bounds how
 * deep a record written by anyone is read.
 */
export function mergerPayload(payload: unknown, layer = 1): MergerPayload {
  const p = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
  if (layer > MAX_MERGER_LAYERS || p.layersOverLimit === true || p.layersOverLimit === 1) return overLimitMerger();
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const downloadKey = text(p.downloadKey);
  return {
    downloadKey,
    pbDownloadKey: text(p.pbDownloadKey),
    messageList: downloadKey === '' ? mergedList(p.messageList, layer) : [],
    title: text(p.title),
    abstractList: Array.isArray(p.abstractList) ? p.abstractList.filter((a): a is string => typeof a === 'string') : [],
    compatibleText: text(p.compatibleText),
    version: typeof p.version === 'number' && Number.isFinite(p.version) ? p.version : 0,
    layersOverLimit: false,
  };
}

/**
 * The entries of a record at `layer` (an inline one's, or a stored one's as
 * downloadMergerMessage fetched them), as Tencent's SDK hands them out (MergedMessage): entries
 * without a `messageBody` are left out; each body's type and payload read as a message's are (an
 * unknown type as custom, a WuKongIM media content as Tencent's payload), a nested record's one
 * layer deeper.
 */
export function mergedList(list: unknown, layer = 1): MergedMessage[] {
  if (!Array.isArray(list)) return [];
  const entries: MergedMessage[] = [];
  for (const item of list) {
    const entry = mergedMessage(item, layer + 1);
    if (entry !== null) entries.push(entry);
  }
  return entries;
}

function mergedMessage(value: unknown, layer: number): MergedMessage | null {
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  const body = Array.isArray(m.messageBody) ? (m.messageBody[0] as Record<string, unknown> | undefined) : undefined;
  if (typeof body !== 'object' || body === null) return null;
  const type = messageType(typeof body.type === 'string' ? body.type : undefined, body.payload);
  const payload = type === TYPES.MSG_MERGER ? mergerPayload(body.payload, layer) : normalizePayload(type, body.payload);
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const from = text(m.from);
  const receiver =
    typeof m.receiverGroupID === 'string'
      ? { receiverGroupID: m.receiverGroupID }
      : typeof m.receiverUserID === 'string'
        ? { receiverUserID: m.receiverUserID }
        : {};
  const entry: MergedMessage = {
    from,
    messageSender: text(m.messageSender) || from,
    time: count(m.time),
    messageSequence: count(m.messageSequence),
    clientSequence: count(m.clientSequence),
    messageRandom: count(m.messageRandom),
    cloudCustomData: text(m.cloudCustomData),
    clientTime: count(m.clientTime),
    ID: text(m.ID),
    nick: text(m.nick),
    avatar: text(m.avatar),
    messageBody: [{ type, payload }],
    ...receiver,
    messageReceiver: text(m.messageReceiver) || Object.values(receiver)[0] || '',
  };
  return entry;
}

/**
 * What a recalled message shows in place of its content, in the words Tencent's documentation and
 * its UI kits use: "You recalled a message" when the user recalled it, "<sender> recalled a
 * message" when its sender did, and "<revoker> recalled a message" when someone else did (the app
 * backend: its `operator`, `admin` by default).
 */
export function recalledText(from: string, senderNick: string, revoker: string | null, me: string): string {
  const by = revoker || from;
  if (by === me) return 'You recalled a message';
  if (by === from) return `${senderNick || from} recalled a message`;
  return `${by} recalled a message`;
}

/**
 * Tencent's `messageForShow`: the text itself, or the placeholder for the type, in English or,
 * without `english`, in Chinese ({@link showsEnglish}).
 */
export function messageForShow(type: MessageType | '', payload: any, english = true): string {
  if (type === '') return '';
  if (type === TYPES.MSG_TEXT) return typeof payload?.text === 'string' ? payload.text : '';
  return (english ? MESSAGE_FOR_SHOW : MESSAGE_FOR_SHOW_CHINESE)[type] ?? '';
}

/**
 * Whether Tencent's SDK shows its English placeholders to an app of this SDKAppID: 0 and the
 * ranges it gives international apps (its `isIntl`); an app of any other, such as the
 * `1400…` SDKAppIDs of apps made in China, sees them in Chinese.
 */
export function showsEnglish(sdkAppID: number): boolean {
  return sdkAppID === 0 || (sdkAppID >= 20_000_000 && sdkAppID < 90_000_000) || (sdkAppID >= 1_720_000_000 && sdkAppID < 1_790_000_000);
}

/**
 * Who recalled a message, as far as the message itself tells: a sender recalling their own
 * message has the sender's nick and avatar; anyone else (an admin, the app backend) only an ID.
 */
export function revokerInfo(revoker: string, sent: { from: string; nick?: string; avatar?: string }): UserInfo {
  if (revoker !== '' && revoker === sent.from) {
    return { userID: revoker, nick: sent.nick ?? '', avatar: sent.avatar ?? '' };
  }
  return { userID: revoker, nick: '', avatar: '' };
}

/** Tencent's `operationType`s of the group system notices Natter's server writes. */
export const GROUP_NOTICE = {
  /** Someone asks to join a group the user owns. */
  JOIN_REQUEST: 1,
  /** The owner let the user in. */
  APPROVED: 2,
  /** The owner refused the user's request. */
  REJECTED: 3,
  /** The user was removed from the group. */
  REMOVED: 4,
  DISMISSED: 5,
  /** The user left the group (told to all their devices). */
  QUIT: 8,
  /** The owner made the user an admin. */
  ADMIN_SET: 9,
  /** The owner made the user a plain member again. */
  ADMIN_CANCELED: 10,
} as const;

/** The `type` of each notice the server leaves in `@TIM#SYSTEM` → its `operationType`. */
const GROUP_NOTICE_OPERATIONS: ReadonlyMap<unknown, number> = new Map([
  ['groupJoinRequest', GROUP_NOTICE.JOIN_REQUEST],
  ['groupJoinApproved', GROUP_NOTICE.APPROVED],
  ['groupJoinRejected', GROUP_NOTICE.REJECTED],
  ['groupMemberRemoved', GROUP_NOTICE.REMOVED],
  ['groupDismissed', GROUP_NOTICE.DISMISSED],
  ['groupQuit', GROUP_NOTICE.QUIT],
  ['groupAdminSet', GROUP_NOTICE.ADMIN_SET],
  ['groupAdminCanceled', GROUP_NOTICE.ADMIN_CANCELED],
]);

/** The name of a group the SDK holds, for a notice about it; `undefined` when it holds none. */
export type GroupNameOf = (groupID: string) => string | undefined;

/**
 * A server notice of a group event, as Tencent's SDK hands its group system notices out
 * (`MSG_GRP_SYS_NOTICE`, see GroupSystemNoticePayload), so an app's handler of those runs; `null`
 * for any other message. The server's `message` (the applicant's words, or the owner's answer) is
 * Tencent's `handleMessage`, where its SDK puts a notice's remark.
 */
function groupSystemNotice(
  conversationID: string,
  wire: { payload: unknown; time: number },
  groupNameOf: GroupNameOf,
): GroupSystemNoticePayload | null {
  if (conversationID !== TYPES.CONV_SYSTEM || typeof wire.payload !== 'object' || wire.payload === null) return null;
  const p = wire.payload as Record<string, unknown>;
  const operationType = GROUP_NOTICE_OPERATIONS.get(p.type);
  if (operationType === undefined || typeof p.groupID !== 'string') return null;
  const name = groupNameOf(p.groupID);
  return {
    groupProfile: name ? { groupID: p.groupID, name } : { groupID: p.groupID },
    operationType,
    operatorID: typeof p.operatorID === 'string' ? p.operatorID : '',
    handleMessage: typeof p.message === 'string' ? p.message : '',
    authentication: '',
    messageKey: wire.time,
    userDefinedField: '',
  };
}

const noGroupNames: GroupNameOf = () => undefined;

/**
 * A group tip's payload as Tencent's SDK hands it out: the server's fields, with `memberNum` beside
 * `memberCount` and the group as `groupProfile`. A tip a client sent, before the server refused
 * them, may hold anything: each field falls back to its empty value, `userIDList` to the operator
 * alone (as Tencent's SDK does).
 */
function groupTipPayload(payload: unknown, groupID: string, from: string): GroupTipPayload {
  const given = typeof payload === 'object' && payload !== null ? payload : {};
  const p = given as Partial<Record<keyof WireGroupTipPayload, unknown>>;
  const operatorID = typeof p.operatorID === 'string' ? p.operatorID : from;
  const memberCount = typeof p.memberCount === 'number' ? p.memberCount : 0;
  const tip: GroupTipPayload = {
    operationType: typeof p.operationType === 'number' ? p.operationType : 0,
    operatorID,
    userIDList: Array.isArray(p.userIDList) ? p.userIDList.filter((u) => typeof u === 'string') : [operatorID],
    memberList: Array.isArray(p.memberList) ? p.memberList.filter((m) => typeof m?.userID === 'string') : [],
    memberCount,
    memberNum: memberCount,
    groupProfile: { groupID },
  };
  if (typeof p.newGroupProfile === 'object' && p.newGroupProfile !== null) tip.newGroupProfile = p.newGroupProfile;
  return tip;
}

/** The tips whose message shows the first user they are about, as Tencent's SDK shows them. */
const TIPS_SHOWING_SUBJECT: ReadonlySet<number> = new Set([
  TYPES.GRP_TIP_MBR_JOIN,
  TYPES.GRP_TIP_MBR_KICKED_OUT,
  TYPES.GRP_TIP_MBR_SET_ADMIN,
  TYPES.GRP_TIP_MBR_CANCELED_ADMIN,
]);

/**
 * The user a message shows as its `nick` and `avatar` in place of its sender: the first of the
 * users a tip says joined, were removed, or became or stopped being admins, as Tencent's SDK shows
 * them; `undefined` for any other message (a tip of someone quitting, of a profile change or of a
 * mute shows its operator, the sender).
 */
export function tipSubject(message: Pick<Message, 'type' | 'payload'>): UserInfo | undefined {
  if (message.type !== TYPES.MSG_GRP_TIP) return undefined;
  const tip = message.payload as GroupTipPayload;
  if (!TIPS_SHOWING_SUBJECT.has(tip.operationType)) return undefined;
  return tip.memberList[0];
}

/** The payload as the app sees it, for a message of `type` (a notice's type already decided). */
function presentPayload(type: MessageType, wire: { payload: unknown; from: string }, conversationID: string): any {
  if (type === TYPES.MSG_GRP_TIP) return groupTipPayload(wire.payload, conversationTarget(conversationID), wire.from);
  return normalizePayload(type, wire.payload);
}

/** `groupNameOf` names the group of a group system notice, when the SDK holds it. */
export function toMessage(wire: WireMessage, me: string, groupNameOf: GroupNameOf = noGroupNames): Message {
  const isRevoked = wire.isRevoked === true;
  const notice = isRevoked ? null : groupSystemNotice(wire.conversationID, wire, groupNameOf);
  const type = notice ? TYPES.MSG_GRP_SYS_NOTICE : messageType(wire.type, wire.payload);
  const payload = notice ?? presentPayload(type, wire, wire.conversationID);
  const shown = tipSubject({ type, payload });
  const conversationType = conversationTypeOf(wire.conversationID);
  const target = conversationTarget(wire.conversationID);
  const out = wire.from === me;
  let to: string;
  if (conversationType === TYPES.CONV_GROUP) to = target;
  else if (conversationType === TYPES.CONV_C2C) to = out ? target : me;
  // A group system notice is addressed to its group, as Tencent's (TUIKit marks `GROUP${to}`).
  else to = notice ? notice.groupProfile.groupID : me;
  const time = seconds(wire.time);
  const revoker = wire.revoker ?? '';
  // Left out while 0: the message was never changed (modifyMessage).
  const version = typeof wire.version === 'number' ? wire.version : 0;
  return {
    ID: wire.messageID,
    type,
    payload,
    conversationID: wire.conversationID,
    conversationType,
    conversationSubType: '',
    to,
    from: wire.from,
    flow: out ? 'out' : 'in',
    time,
    status: 'success',
    isRevoked,
    priority: TYPES.MSG_PRIORITY_NORMAL,
    nick: shown ? shown.nick : (wire.nick ?? ''),
    avatar: shown ? shown.avatar : (wire.avatar ?? ''),
    isPeerRead: false,
    nameCard: '',
    // Whom it mentions (Tencent's `atUserList`, or WuKongIM's `mention`): group messages only.
    atUserList: conversationType === TYPES.CONV_GROUP && !isRevoked ? atUserListOf(wire.type, wire.payload) : [],
    cloudCustomData: wire.cloudCustomData ?? '',
    isDeleted: false,
    isModified: version > 0,
    version,
    needReadReceipt: wire.needReadReceipt === true,
    readReceiptInfo: readReceiptInfoOf(wire, conversationType),
    isBroadcastMessage: false,
    isSupportExtension: false,
    revoker,
    revokerInfo: revokerInfo(revoker, wire),
    revokeReason: '',
    sequence: wire.seq,
    hasRiskContent: false,
    clientSequence: wire.seq,
    random: 0,
    clientTime: time,
    isRead: out,
    isResend: false,
    isSystemMessage: wire.from === TYPES.CONV_SYSTEM,
    protocol: 'JSON',
    isPlaceMessage: 0,
  };
}

/** Tencent's empty lastMessage: a conversation never has `lastMessage: null` there. */
export function emptyLastMessage(): LastMessage {
  return {
    lastTime: 0,
    lastSequence: 0,
    fromAccount: '',
    type: '',
    payload: null,
    messageForShow: '',
    isRevoked: false,
    cloudCustomData: '',
    nick: '',
    nameCard: '',
    version: 0,
    isPeerRead: false,
    revoker: null,
    onlineOnlyFlag: false,
  };
}

/**
 * The conversation's last message. A recalled one shows {@link recalledText} as `messageForShow`:
 * Tencent's SDK keeps the recalled content and leaves its apps to say "recalled"; Natter erases the
 * content, so the SDK says it.
 */
export function toLastMessage(
  wire: WireLastMessage | null,
  me: string,
  conversation: { conversationID: string; peerReadSeq: number } = { conversationID: '', peerReadSeq: 0 },
  english = true,
): LastMessage {
  if (wire === null || wire === undefined) return emptyLastMessage();
  const notice = wire.isRevoked === true ? null : groupSystemNotice(conversation.conversationID, wire, noGroupNames);
  const type = notice ? TYPES.MSG_GRP_SYS_NOTICE : messageType(wire.type, wire.payload);
  const payload = notice ?? presentPayload(type, wire, conversation.conversationID);
  const peerReadSeq = conversation.peerReadSeq;
  const isRevoked = wire.isRevoked === true;
  const nick = wire.nick ?? '';
  return {
    ...emptyLastMessage(),
    lastTime: seconds(wire.time),
    lastSequence: wire.seq,
    fromAccount: wire.from,
    type,
    payload,
    messageForShow: isRevoked ? recalledText(wire.from, nick, wire.revoker ?? null, me) : messageForShow(type, payload, english),
    isRevoked,
    cloudCustomData: wire.cloudCustomData ?? '',
    nick,
    isPeerRead: wire.from === me && wire.seq <= peerReadSeq,
    revoker: isRevoked ? (wire.revoker ?? null) : null,
  };
}

/**
 * Tencent's Profile from what the server knows of a user (nick, avatar, who may add them as a
 * friend, the app's custom fields as `profileCustomField: [{ key, value }]`); Tencent's other fields
 * keep their empty defaults. What the wire object leaves out is empty: a conversation's
 * `userProfile` has only nick and avatar, so its `allowType` is `''` (not Tencent's client-side
 * fallback, `AllowAny`, which in Natter would claim the opposite of every user's default).
 */
export function toProfile(wire: Partial<WireProfile> & { userID: string }): Profile {
  return {
    userID: wire.userID,
    nick: wire.nick ?? '',
    gender: wire.gender ?? TYPES.GENDER_UNKNOWN,
    birthday: wire.birthday ?? 0,
    location: wire.location ?? '',
    selfSignature: wire.selfSignature ?? '',
    allowType: wire.allowType ?? '',
    language: wire.language ?? 0,
    avatar: wire.avatar ?? '',
    messageSettings: 0,
    adminForbidType: wire.adminForbidType ?? TYPES.FORBID_TYPE_NONE,
    level: wire.level ?? 0,
    role: wire.role ?? 0,
    lastUpdatedNumber: 0,
    profileCustomField: Object.entries(wire.customFields ?? {}).map(([key, value]) => ({ key, value })),
  };
}

/**
 * An entry of the user's friend list as Tencent's Friend: its friend groups as the server names
 * them; `addTime` in seconds, as Tencent's (the server's is in ms).
 */
export function toFriend(wire: WireFriend): Friend {
  return {
    userID: wire.userID,
    remark: wire.remark,
    groupList: wire.groupList,
    source: wire.source,
    wording: wire.wording,
    profile: toProfile(wire.profile),
    friendCustomField: (wire.friendCustomField ?? []).map(({ key, value }) => ({ key, value })),
    addTime: seconds(wire.addTime),
  };
}

/** A friend group as Tencent's FriendGroup: its three fields, and nothing else the server may add. */
export function toFriendGroup(wire: WireFriendGroup): FriendGroup {
  return { name: wire.name, userIDList: wire.userIDList, count: wire.count };
}

/** The server's ways of a friend request, from the user's side → Tencent's. */
const FRIEND_APPLICATION_TYPES = {
  incoming: TYPES.SNS_APPLICATION_SENT_TO_ME,
  outgoing: TYPES.SNS_APPLICATION_SENT_BY_ME,
} as const;

/** A friend request as Tencent's FriendApplication: its `time` in seconds, as Tencent's (the server's is in ms). */
export function toFriendApplication(wire: WireFriendApplication): FriendApplication {
  return {
    userID: wire.userID,
    avatar: wire.avatar,
    nick: wire.nick,
    time: seconds(wire.time),
    source: wire.source,
    wording: wire.wording,
    type: FRIEND_APPLICATION_TYPES[wire.type],
  };
}

/** A request to join, as Tencent's getGroupApplicationList lists it (see GroupApplication). */
export function toGroupApplication(wire: WireGroupApplication): GroupApplication {
  return {
    applicant: wire.applicant,
    applicantNick: wire.applicantNick,
    groupID: wire.groupID,
    groupName: wire.groupName,
    applicationType: 0,
    userID: '',
    note: wire.applyMessage,
    authentication: '',
    messageKey: wire.time,
  };
}

/** The server's roles → Tencent's `GRP_MBR_ROLE_*` (the same words). */
const MEMBER_ROLES: Readonly<Record<string, string>> = {
  Owner: TYPES.GRP_MBR_ROLE_OWNER,
  Admin: TYPES.GRP_MBR_ROLE_ADMIN,
  Member: TYPES.GRP_MBR_ROLE_MEMBER,
};

/**
 * Tencent's GroupMember: the owner, an admin or a plain member (a role the SDK does not know reads
 * as a plain member's), their name card, the end of their mute (`muteUntil`, Unix seconds, 0 when
 * not muted), their custom fields in the group, by key, and when they joined (`joinTime`, Unix
 * seconds; 0 for a member who joined before the server kept it).
 */
export function toGroupMember(wire: WireGroupMember): GroupMember {
  return {
    userID: wire.userID,
    nick: wire.nick,
    avatar: wire.avatar,
    role: MEMBER_ROLES[wire.role] ?? TYPES.GRP_MBR_ROLE_MEMBER,
    joinTime: wire.joinTime ?? 0,
    nameCard: wire.nameCard ?? '',
    muteUntil: wire.muteUntil ?? 0,
    memberCustomField: (wire.memberCustomField ?? []).map(({ key, value }) => ({ key, value })),
  };
}

/** What a Group's `selfInfo` is made of besides the server's `selfRole`. */
export interface GroupSelf {
  /** The logged-in user. */
  userID: string;
  /** The role held for the group when the wire's group does not say (a conversation's). */
  role?: string;
  /** The group conversation's, when the SDK holds it. */
  messageRemindType?: string;
}

/**
 * Tencent's `selfInfo`: the user's place in the group, its fields Tencent's empty defaults where
 * the group object says nothing (`joinTime` `''` where the server's group does not carry
 * `selfJoinTime`, or says 0; `nameCard` where it does not carry `selfNameCard`, as a
 * conversation's group profile does not), `role` `''` while it is not known (as Tencent's before
 * it knows, and for a user who is not a member). `joinTime` is Unix seconds, as Tencent's.
 */
export function toSelfInfo(
  self: GroupSelf,
  role: string | undefined,
  own: { nameCard: string; joinTime: number },
): Group['selfInfo'] {
  return {
    userID: self.userID,
    role: role ?? self.role ?? '',
    messageRemindType: self.messageRemindType ?? '',
    joinTime: own.joinTime > 0 ? own.joinTime : '',
    nameCard: own.nameCard,
    readedSequence: 0,
  };
}

/**
 * The user's role in a group as the server's group says it (Tencent's `GRP_MBR_ROLE_*`), or
 * `undefined`: its `selfRole` is `''` for a user who is not a member.
 */
export function groupSelfRole(wire: Pick<Partial<WireGroup>, 'selfRole'>): string | undefined {
  return MEMBER_ROLES[wire.selfRole ?? ''];
}

/**
 * Tencent's Group from what the server knows of a group (`muteAllMembers` `false` where it does not
 * say); Tencent's other fields stay empty.
 */
export function toGroup(wire: Partial<WireGroup> & { groupID: string }, self: GroupSelf): Group {
  const ownerID = wire.ownerID ?? '';
  const role = groupSelfRole(wire);
  return {
    groupID: wire.groupID,
    name: wire.name ?? '',
    avatar: wire.avatar ?? '',
    type: wire.type ?? '',
    introduction: wire.introduction ?? '',
    notification: wire.notification ?? '',
    ownerID,
    createTime: '',
    infoSequence: 0,
    lastInfoTime: 0,
    selfInfo: toSelfInfo(self, role, { nameCard: wire.selfNameCard ?? '', joinTime: wire.selfJoinTime ?? 0 }),
    lastMessage: {},
    nextMessageSeq: 0,
    memberCount: wire.memberCount ?? 0,
    maxMemberCount: wire.maxMemberCount ?? 0,
    muteAllMembers: wire.muteAllMembers === true,
    joinOption: wire.joinOption ?? '',
    groupCustomField: (wire.groupCustomField ?? []).map(({ key, value }) => ({ key, value })),
    isSupportTopic: wire.isSupportTopic === true,
    isDismissed: wire.isDismissed === true,
  };
}

/**
 * Tencent's Topic from a topic's profile, the user's conversation of it as the app sees that
 * conversation (`null`: none known yet), and their standing in it (`null`: not told yet): the
 * conversation's unread count, last message and unread @-mentions; `selfInfo.messageRemindType`
 * its remind type (`''` without one, as Tencent's before it knows), `muteTime` when the user's
 * mute in this topic ends (Unix seconds, 0 for none), and `readedSequence` the last message they
 * read: the topic's last once nothing is unread, as Tencent's SDK sets it.
 */
export function toTopic(
  profile: WireTopic,
  conversation: Conversation | null,
  selfInfo: WireTopicSelfInfo | null,
): Topic {
  const readToEnd = conversation !== null && conversation.unreadCount === 0 ? conversation.lastMessage.lastSequence : 0;
  return {
    topicID: profile.topicID,
    topicName: profile.topicName,
    avatar: profile.avatar,
    introduction: profile.introduction,
    notification: profile.notification,
    customData: profile.customData,
    muteAllMembers: profile.muteAllMembers === true,
    unreadCount: conversation?.unreadCount ?? 0,
    lastMessage: conversation?.lastMessage ?? emptyLastMessage(),
    groupAtInfoList: conversation?.groupAtInfoList ?? [],
    selfInfo: {
      muteTime: selfInfo?.muteUntil ?? 0,
      readedSequence: Math.max(selfInfo?.readSeq ?? 0, readToEnd),
      messageRemindType: conversation?.messageRemindType ?? '',
    },
  };
}

/**
 * What the SDK holds of a conversation's peer or group besides the conversation, which says none
 * of it (each left out: nothing known).
 */
export interface ConversationContext {
  /**
   * The group as the SDK last fetched it (its group list, a group call's answer), which a group
   * conversation's `groupProfile` shows, as Tencent's shows the group its SDK holds.
   */
  group?(groupID: string): WireGroup | undefined;
  /**
   * The user's role in the group as the SDK last learnt it (a group call, a group tip or notice):
   * newer than the held group's, which a later tip or notice may have changed.
   */
  groupRole?(groupID: string): string | undefined;
  /** Whether the group is muted for all, as the SDK last learnt it (a group call, a profile tip). */
  groupMuted?(groupID: string): boolean | undefined;
  /** The name the user gives a friend, from the friend list last fetched: a one-to-one conversation's `remark`. */
  friendRemark?(userID: string): string | undefined;
  /** Whether the last message's placeholders are in English ({@link showsEnglish}), or Chinese. */
  english?(): boolean;
}

/** A conversation as the app sees it, with what `context` holds of its peer or group. */
export function toConversation(wire: WireConversation, me: string, context: ConversationContext = {}): Conversation {
  const type = conversationTypeOf(wire.conversationID);
  const target = conversationTarget(wire.conversationID);
  // Tencent sets only the profile that fits the type (its typings declare both).
  const conversation: Omit<Conversation, 'groupProfile' | 'userProfile'> &
    Partial<Pick<Conversation, 'groupProfile' | 'userProfile'>> = {
    conversationID: wire.conversationID,
    type,
    subType: '',
    unreadCount: wire.unreadCount,
    lastMessage: toLastMessage(
      wire.lastMessage,
      me,
      { conversationID: wire.conversationID, peerReadSeq: wire.peerReadSeq ?? 0 },
      context.english?.() ?? true,
    ),
    groupAtInfoList: type === TYPES.CONV_GROUP ? toGroupAtInfoList(wire.groupAtInfoList, target) : [],
    remark: type === TYPES.CONV_C2C ? (context.friendRemark?.(target) ?? '') : '',
    isPinned: wire.isPinned,
    messageRemindType: wire.messageRemindType as MessageRemindType,
    markList: [...wire.markList],
    customData: wire.customData,
    conversationGroupList: [...wire.conversationGroupList],
    draftText: wire.draftText,
    peerReadTime: 0,
    isArchived: wire.isArchived,
    clearedToSeq: wire.clearedToSeq ?? 0,
  };
  if (type === TYPES.CONV_C2C) {
    conversation.userProfile = toProfile(wire.userProfile ?? { userID: target });
  } else if (type === TYPES.CONV_GROUP) {
    // As Tencent's, whose conversation shows the group it holds: the held group's fields, but the
    // name, avatar and type of the conversation (which `profileUpdated` keeps current) and the
    // role and mute the SDK learnt last; selfInfo says who the user is.
    const { selfRole: _heldRole, ...held }: Partial<WireGroup> = context.group?.(target) ?? {};
    const profile = wire.groupProfile ?? { groupID: target };
    conversation.groupProfile = toGroup({ ...held, ...profile, muteAllMembers: context.groupMuted?.(target) }, {
      userID: me,
      role: context.groupRole?.(target),
      messageRemindType: wire.messageRemindType,
    });
    conversation.subType = conversation.groupProfile.type;
  }
  return conversation as Conversation;
}
