/**
 * Group @-mentions, as Tencent's SDK has them: a message names the members it mentions in its
 * `atUserList` (user IDs, and `TYPES.MSG_AT_ALL` for everyone), and a conversation lists its unread
 * messages that mention the user in `groupAtInfoList`, until it is read.
 *
 * Pure functions of the SDK's objects and of the composer's text: what the list's marker and a
 * bubble's highlight say, where an `@` is being typed, what choosing a member inserts, and which
 * of the chosen mentions are still in the text when it is sent. The composer's picker
 * (views/MentionPicker.tsx) holds the state; nothing here does.
 */
import TencentCloudChat, { type Conversation, type GroupMember, type Message } from '@natter/sdk';

const { TYPES } = TencentCloudChat;

/** What a mention means to the signed-in user: it names them, or it is for everyone. */
export type MentionKind = 'me' | 'all';

/** The list's marker before a conversation's preview (TUIKit's "[Someone@me]" and "[@All]"). */
export const MENTION_MARKER: Record<MentionKind, string> = { me: '[@me]', all: '[@All]' };

/** The same, in words, for labels. */
export const MENTION_WORDS: Record<MentionKind, string> = { me: 'mentions you', all: 'mentions everyone' };

/**
 * Whether a conversation has unread messages that mention the user. A message naming the user
 * outweighs one for everyone: it is the one a person must not miss.
 */
export function conversationMention(c: Conversation): MentionKind | null {
  let kind: MentionKind | null = null;
  for (const info of c.groupAtInfoList ?? []) {
    const type = info.atTypeArray[0];
    if (type === TYPES.CONV_AT_ME || type === TYPES.CONV_AT_ALL_AT_ME) return 'me';
    if (type === TYPES.CONV_AT_ALL) kind = 'all';
  }
  return kind;
}

/**
 * Whether a message mentions the signed-in user. The user's own messages never do (they wrote
 * them), nor does a recalled one (its content is gone).
 */
export function messageMention(m: Pick<Message, 'from' | 'atUserList' | 'isRevoked'>, me: string): MentionKind | null {
  if (m.from === me || m.isRevoked) return null;
  const list = m.atUserList ?? [];
  if (list.includes(me)) return 'me';
  return list.includes(TYPES.MSG_AT_ALL) ? 'all' : null;
}

// ------------------------------------------------------------------ the composer

/** An `@` being typed: where it is in the text, and what follows it up to the caret. */
export interface MentionTrigger {
  start: number;
  query: string;
}

/**
 * The `@` just before the caret, if the user is typing a mention: at the start of the text or after
 * a space (so that `bob@example.com` is not one), followed by no space yet.
 */
export function findTrigger(text: string, caret: number): MentionTrigger | null {
  const match = /(?:^|\s)@([^\s@]*)$/.exec(text.slice(0, caret));
  if (!match) return null;
  return { start: caret - match[1].length - 1, query: match[1] };
}

/** One row of the picker: a member, or everyone. */
export interface MentionCandidate {
  /** A user ID, or `TYPES.MSG_AT_ALL`. */
  userID: string;
  /** What the row shows and the text gets after `@`: the nick, else the user ID. */
  name: string;
  /** The user ID under a nick; what "Everyone" means. */
  detail: string;
}

export const EVERYONE: MentionCandidate = { userID: TYPES.MSG_AT_ALL, name: 'Everyone', detail: 'All members' };

/**
 * The picker's rows for what was typed after `@`: Everyone first (when it matches), then the
 * members by name, the user left out. A member matches when the query is in their nick or user ID,
 * ignoring case.
 */
export function candidates(members: GroupMember[], me: string, query: string): MentionCandidate[] {
  const q = query.toLowerCase();
  const matches = (...words: string[]) => words.some((w) => w.toLowerCase().includes(q));
  const people = members
    .filter((m) => m.userID !== me && matches(m.nick, m.userID))
    .map((m) => ({ userID: m.userID, name: m.nick || m.userID, detail: m.nick ? m.userID : '' }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return matches(EVERYONE.name, 'all') ? [EVERYONE, ...people] : people;
}

/** Replaces the `@query` being typed with `@name ` and puts the caret after it. */
export function insertMention(
  text: string,
  trigger: MentionTrigger,
  caret: number,
  name: string,
): { text: string; caret: number } {
  const inserted = `@${name} `;
  return {
    text: text.slice(0, trigger.start) + inserted + text.slice(caret),
    caret: trigger.start + inserted.length,
  };
}

/** A mention chosen in the picker: whom, and the `@name` it put in the text. */
export interface PickedMention {
  userID: string;
  label: string;
}

/**
 * The `atUserList` to send: the chosen mentions whose `@name` is still in the text, each user once.
 * Each choice needs its own `@name` (two members with one nick need it twice), and `@bob` inside
 * `@bobby` does not count.
 */
export function mentionedUserIDs(text: string, picked: PickedMention[]): string[] {
  const left = new Map<string, number>();
  const ids: string[] = [];
  for (const p of picked) {
    const n = left.get(p.label) ?? occurrences(text, p.label);
    left.set(p.label, n - 1);
    if (n > 0 && !ids.includes(p.userID)) ids.push(p.userID);
  }
  return ids;
}

function occurrences(text: string, label: string): number {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.match(new RegExp(`${escaped}(?![\\p{L}\\p{N}_])`, 'gu'))?.length ?? 0;
}
