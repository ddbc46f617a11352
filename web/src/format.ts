/**
 * How things are named and shown: pure functions of the SDK's objects.
 *
 * People and groups are shown by their profile name (`userProfile.nick`, `groupProfile.name`) when
 * the server has one, else by their ID.
 */
import TencentCloudChat, {
  ErrorCode,
  NatterError,
  type Conversation,
  type ConversationID,
  type Friend,
  type Group,
  type GroupMember,
  type GroupSystemNoticePayload,
  type GroupTipPayload,
  type Message,
} from '@natter/sdk';

const { TYPES } = TencentCloudChat;

export const SYSTEM_ID = TYPES.CONV_SYSTEM;

/** The user ID or group ID inside a conversation ID (`C2Cbob` → `bob`). */
export function targetOf(id: ConversationID): string {
  if (id.startsWith(TYPES.CONV_C2C)) return id.slice(TYPES.CONV_C2C.length);
  if (id.startsWith(TYPES.CONV_GROUP)) return id.slice(TYPES.CONV_GROUP.length);
  return id;
}

export function isGroup(id: ConversationID): boolean {
  return id.startsWith(TYPES.CONV_GROUP);
}

/** What a topic's ID holds between its community's ID and its own part (Tencent's too). */
const TOPIC_MARK = '@TOPIC#_';

/** The community of a topic's conversation (`GROUP<topicID>`, topics.ts), or `null` for any other. */
export function communityOf(id: ConversationID): string | null {
  if (!isGroup(id)) return null;
  const target = targetOf(id);
  const at = target.indexOf(TOPIC_MARK);
  return at > 0 ? target.slice(0, at) : null;
}

/** The conversation's name: the profile's name when set, else the user or group ID. */
export function displayName(id: ConversationID, c?: Conversation): string {
  if (id === SYSTEM_ID) return 'System notices';
  // A one-to-one conversation shows the name the user gave the friend, as in Contacts.
  const profileName = isGroup(id) ? c?.groupProfile?.name : c?.remark || c?.userProfile?.nick;
  return profileName || targetOf(id);
}

/**
 * A friend as Contacts names them: the name the user gave them (`remark`), else their nick (as
 * PROFILE_UPDATED last told it, by `nickOf`, else as the list has it), else their user ID.
 */
export function friendName(f: Pick<Friend, 'userID' | 'remark' | 'profile'>, nickOf: NickOf = noNicks): string {
  return f.remark || nickOf(f.userID) || f.profile.nick || f.userID;
}

export function kindLabel(id: ConversationID): string {
  if (id === SYSTEM_ID) return 'System';
  return isGroup(id) ? 'Group' : 'Direct message';
}

/** A group's type (`TYPES.GRP_*`) in words; an audio-video room is "Group". */
export function groupTypeLabel(type: string): string {
  if (type === TYPES.GRP_WORK) return 'Work group';
  if (type === TYPES.GRP_PUBLIC) return 'Public group';
  if (type === TYPES.GRP_MEETING) return 'Meeting group';
  if (type === TYPES.GRP_COMMUNITY) return 'Community';
  return 'Group';
}

/**
 * Why a group conversation is read-only, from the group as the server shows it to the user: it was
 * dismissed, or the user is not a member (left, was removed, or never was: no `selfInfo.role`);
 * `null` when they may write to it.
 */
export function groupReadOnlyReason(group: Pick<Group, 'isDismissed' | 'selfInfo'>): string | null {
  if (group.isDismissed) return 'This group was dismissed';
  if (!group.selfInfo?.role) return 'You are not a member of this group';
  return null;
}

/** A member as the group knows them (Group info, read receipts): their name card, else their nick, else their user ID. */
export function memberName(m: Pick<GroupMember, 'userID' | 'nick' | 'nameCard'>): string {
  return m.nameCard || m.nick || m.userID;
}

/** Who sent a message, as a bubble or a preview names them. */
export function senderName(from: string, nick: string): string {
  return nick || from;
}

/**
 * What a recalled message shows instead of its content, as Tencent's documentation words it: "You
 * recalled a message", "<sender> recalled a message", or the name of whoever else recalled it (the
 * app, as its operator).
 */
export function recalledLine(m: Pick<Message, 'from' | 'revoker'>, me: string, nameOf: (uid: string) => string): string {
  const by = m.revoker || m.from;
  if (by === me) return 'You recalled a message';
  if (by === m.from) return `${nameOf(m.from)} recalled a message`;
  return `${by} recalled a message`;
}

export function initials(name: string): string {
  const parts = name.split(/[\s._\-@#]+/).filter(Boolean);
  if (parts.length === 0) return '?';
  const letters = parts.length > 1 ? parts[0][0] + parts[1][0] : parts[0].slice(0, parts[0].length > 2 ? 1 : 2);
  return letters.toUpperCase();
}

/** A stable colour per name, for initials avatars. */
export function hue(text: string): number {
  let hash = 0;
  for (const ch of text) hash = (hash * 31 + ch.codePointAt(0)!) >>> 0;
  return hash % 360;
}

/** A user's nick as the client knows it, if it does (`''` or undefined: it does not). */
export type NickOf = (uid: string) => string | undefined;

const noNicks: NickOf = () => undefined;

/** A group's name as the client knows it, if it does. */
export type GroupNameOf = (groupID: string) => string | undefined;

const noGroupNames: GroupNameOf = () => undefined;

/**
 * A message's text. The server API (`POST /message/send`) stores what an app backend sends as a
 * custom message, and the SDK hands its `{ "text": … }` payload over as JSON in `payload.data`: that
 * reads as text too. The "group_create" message Tencent's SDK (and Natter's, as it) sends into a
 * group it created reads "alice created the group". Other custom messages show their description,
 * else the SDK's placeholder. Images, files, videos and voice messages read as the SDK's
 * `messageForShow` has them ("[Image]", "[File]", "[Video]", "[Voice]"). A group tip says what
 * changed ({@link groupTipText}), naming people by `nickOf`; a group system notice what happened
 * ({@link groupNoticeText}), naming the group by `groupNameOf`.
 */
export function messageText(
  m: Pick<Message, 'type' | 'payload'>,
  nickOf: NickOf = noNicks,
  groupNameOf: GroupNameOf = noGroupNames,
): string {
  const p = m.payload;
  if (m.type === TYPES.MSG_TEXT && typeof p?.text === 'string') return p.text;
  if (m.type === TYPES.MSG_CUSTOM) return textInData(p?.data) ?? (p?.description || '[Custom Messages]');
  if (m.type === TYPES.MSG_FACE) return '[Animated Sticker]';
  if (m.type === TYPES.MSG_IMAGE) return '[Image]';
  if (m.type === TYPES.MSG_FILE) return '[File]';
  if (m.type === TYPES.MSG_VIDEO) return '[Video]';
  if (m.type === TYPES.MSG_AUDIO) return '[Voice]';
  if (m.type === TYPES.MSG_LOCATION) return p?.description ? `[Location] ${p.description}` : '[Location]';
  if (m.type === TYPES.MSG_GRP_TIP) return groupTipText(p, nickOf);
  if (m.type === TYPES.MSG_GRP_SYS_NOTICE) return groupNoticeText(p, nickOf, groupNameOf);
  return '[Message]';
}

/** A group tip: the server's note, in the group, of a change a member made (not a chat message). */
export function isGroupTip(m: Pick<Message, 'type'>): boolean {
  return m.type === TYPES.MSG_GRP_TIP;
}

/**
 * A group tip in words: "bob joined the group", "alice added carol, dave", "carol left the group",
 * "alice removed carol", "alice made bob an admin", "alice removed bob as an admin", "alice muted
 * bob for 10 minutes", "alice unmuted bob", "alice renamed the group to “X”", "alice changed the
 * group notice", "alice muted everyone", "bob is now the owner". People are named by `nickOf`, else by the nick the tip
 * carries of those it is about, else by user ID.
 */
function groupTipText(p: GroupTipPayload, nickOf: NickOf): string {
  const name = (uid: string) => nickOf(uid) || p.memberList.find((m) => m.userID === uid)?.nick || uid;
  const who = p.userIDList.map(name).join(', ');
  const operator = name(p.operatorID);
  switch (p.operationType) {
    case TYPES.GRP_TIP_MBR_JOIN:
      return p.userIDList.includes(p.operatorID) ? `${who} joined the group` : `${operator} added ${who}`;
    case TYPES.GRP_TIP_MBR_QUIT:
      return `${who} left the group`;
    case TYPES.GRP_TIP_MBR_KICKED_OUT:
      return `${operator} removed ${who}`;
    case TYPES.GRP_TIP_MBR_SET_ADMIN:
      return `${operator} made ${who} an admin`;
    case TYPES.GRP_TIP_MBR_CANCELED_ADMIN:
      return `${operator} removed ${who} as an admin`;
    case TYPES.GRP_TIP_GRP_PROFILE_UPDATED:
      return profileTipText(p.newGroupProfile ?? {}, operator, name);
    case TYPES.GRP_TIP_MBR_PROFILE_UPDATED: {
      // A mute, for the member's `muteTime` seconds; 0 is an unmute.
      const muteTime = p.memberList[0]?.muteTime ?? 0;
      return muteTime > 0 ? `${operator} muted ${who} for ${durationWords(muteTime)}` : `${operator} unmuted ${who}`;
    }
    default:
      return '[Group Notification]';
  }
}

/** A length of time in seconds as words, in its largest whole unit: "10 minutes", "1 day", "90 seconds". */
export function durationWords(seconds: number): string {
  const units = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ] as const;
  const [size, unit] = units.find(([size]) => seconds % size === 0) ?? [1, 'second'];
  const count = seconds / size;
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** What a profile edit changed, other than the name, in words. */
const PROFILE_FIELD_WORDS = [
  ['notification', 'changed the group notice'],
  ['introduction', 'changed the group’s introduction'],
  ['avatar', 'changed the group’s avatar'],
  ['joinOption', 'changed the group’s join option'],
] as const;

/** A profile tip: a new owner, or what the operator's edit changed ("renamed … and changed …"). */
function profileTipText(
  changes: NonNullable<GroupTipPayload['newGroupProfile']>,
  operator: string,
  name: (uid: string) => string,
): string {
  if (changes.ownerID) return `${name(changes.ownerID)} is now the owner`;
  const done: string[] = [];
  if (changes.groupName !== undefined) done.push(`renamed the group to “${changes.groupName}”`);
  for (const [field, words] of PROFILE_FIELD_WORDS) if (changes[field] !== undefined) done.push(words);
  if (changes.muteAllMembers !== undefined) done.push(changes.muteAllMembers ? 'muted everyone' : 'unmuted everyone');
  if (done.length === 0) return '[Group Notification]';
  const last = done.pop()!;
  return `${operator} ${done.length > 0 ? `${done.join(', ')} and ${last}` : last}`;
}

/** Tencent's operationType of a group system notice that asks the user, as a group's owner, to let someone in. */
const JOIN_REQUEST = 1;

/**
 * A group system notice in words, by Tencent's operationType: "bob asks to join Club: “let me in”"
 * (1), "Your request to join Club was approved" (2) or "declined" (3), with what the owner or admin
 * wrote, "You were removed from the group Club" (4), "The group Club was dismissed" (5), "You left
 * the group Club" (8, on the user's other devices), "alice made you an admin of Club" (9), "alice
 * removed you as an admin of Club" (10). The group is named by the notice, else by `groupNameOf`,
 * else by its ID; people by `nickOf`, else by user ID.
 */
function groupNoticeText(p: Partial<GroupSystemNoticePayload> | undefined, nickOf: NickOf, groupNameOf: GroupNameOf): string {
  const groupID = p?.groupProfile?.groupID ?? '';
  const group = p?.groupProfile?.name || groupNameOf(groupID) || groupID;
  const words = p?.handleMessage ? `: “${p.handleMessage}”` : '';
  const operatorID = p?.operatorID ?? '';
  const operator = nickOf(operatorID) || operatorID;
  switch (p?.operationType) {
    case JOIN_REQUEST:
      return `${operator} asks to join ${group}${words}`;
    case 2:
      return `Your request to join ${group} was approved${words}`;
    case 3:
      return `Your request to join ${group} was declined${words}`;
    case 4:
      return `You were removed from the group ${group}`;
    case 5:
      return `The group ${group} was dismissed`;
    case 8:
      return `You left the group ${group}`;
    case 9:
      return `${operator} made you an admin of ${group}`;
    case 10:
      return `${operator} removed you as an admin of ${group}`;
    default:
      return '[Group System Message]';
  }
}

/** A request to join a group the user owns, which they answer (joinRequests.ts). */
export function isJoinRequest(m: Pick<Message, 'type' | 'payload'>): boolean {
  return m.type === TYPES.MSG_GRP_SYS_NOTICE && m.payload?.operationType === JOIN_REQUEST;
}

/** The "group_create" custom message Tencent's SDK (and Natter's) sends into a group it created. */
export function isGroupCreated(payload: { data?: unknown } | undefined): boolean {
  const data = payload?.data;
  return typeof data === 'string' && data.includes('"group_create"') && textInData(data)?.endsWith(' created the group') === true;
}

function textInData(data: unknown): string | undefined {
  if (typeof data !== 'string' || !data.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(data) as { text?: unknown; businessID?: unknown; opUser?: unknown };
    if (parsed.businessID === 'group_create') {
      return `${typeof parsed.opUser === 'string' && parsed.opUser ? parsed.opUser : 'Someone'} created the group`;
    }
    return typeof parsed.text === 'string' ? parsed.text : undefined;
  } catch {
    return undefined;
  }
}

export function isMuted(c: Conversation): boolean {
  return c.messageRemindType !== TYPES.MSG_REMIND_ACPT_AND_NOTE;
}

export function isStarred(c: Conversation): boolean {
  return c.markList.includes(TYPES.CONV_MARK_TYPE_STAR);
}

export function hasLastMessage(c: Conversation): boolean {
  return c.lastMessage.lastTime !== 0;
}

/**
 * The draft as the list shows it, in place of the last message (as chat apps do), on one line; ''
 * when there is none.
 */
export function draftPreview(c: Conversation): string {
  return c.draftText.replace(/\s+/g, ' ').trim();
}

/**
 * The line under a conversation's name (the draft, when there is one, is shown before it); a group
 * system notice names its group by `groupNameOf`.
 */
export function preview(c: Conversation, me: string | undefined, groupNameOf: GroupNameOf = noGroupNames): string {
  const last = c.lastMessage;
  if (!hasLastMessage(c)) return 'No messages yet';
  // The SDK words a recall ("You recalled a message", "Bob recalled a message").
  if (last.isRevoked) return last.messageForShow;
  // The last message's nick is its sender's: a tip's operator.
  const nickOf = (uid: string) => (uid === last.fromAccount ? last.nick : undefined);
  const text = last.type ? messageText({ type: last.type, payload: last.payload }, nickOf, groupNameOf) : last.messageForShow;
  // A group tip ("alice added carol") and "alice created the group" name who did it already.
  if (last.type === TYPES.MSG_GRP_TIP) return text;
  if (last.type === TYPES.MSG_CUSTOM && isGroupCreated(last.payload)) return text;
  if (last.fromAccount === me) return `You: ${text}`;
  if (c.type === TYPES.CONV_GROUP) return `${senderName(last.fromAccount, last.nick)}: ${text}`;
  return text;
}

/** Flags as words, for labels and the conversation header. */
export function flagWords(c: Conversation): string[] {
  const flags: string[] = [];
  if (c.isPinned) flags.push('pinned');
  if (isMuted(c)) flags.push('muted');
  if (isStarred(c)) flags.push('starred');
  if (c.isArchived) flags.push('archived');
  return flags;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const longDateFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

/** SDK times are seconds. */
export function dateOf(seconds: number): Date {
  return new Date(seconds * 1000);
}

/** The list's time: the hour today, the weekday this week, else the date. */
export function listTime(seconds: number): string {
  const date = dateOf(seconds);
  const now = new Date();
  if (date.toDateString() === now.toDateString()) return timeFormat.format(date);
  const days = (now.getTime() - date.getTime()) / 86_400_000;
  return days < 6 ? dayFormat.format(date) : dateFormat.format(date);
}

export function clockTime(seconds: number): string {
  return timeFormat.format(dateOf(seconds));
}

/** When something ends, as a clock time today, else with its date: "14:05", "3 Jan, 14:05". */
export function endTime(seconds: number): string {
  const date = dateOf(seconds);
  const time = timeFormat.format(date);
  return date.toDateString() === new Date().toDateString() ? time : `${dateFormat.format(date)}, ${time}`;
}

export function longDate(seconds: number): string {
  return longDateFormat.format(dateOf(seconds));
}

export function describeError(err: unknown): string {
  // The request never got an answer: say so plainly, not as the request and the browser's words.
  if (err instanceof NatterError && err.code === ErrorCode.NETWORK_ERROR) {
    return 'the server could not be reached. Check the connection and try again.';
  }
  if (err instanceof NatterError) return `${err.message} (${err.code})`;
  if (err instanceof Error) return err.message;
  return String(err);
}

export function errorCode(err: unknown): number | undefined {
  return err instanceof NatterError ? err.code : undefined;
}
