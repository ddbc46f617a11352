/**
 * How many of the open group's members are online (Tencent's `getGroupOnlineMemberCount`: the
 * current members with a connection open anywhere, the user included), and how many members it has
 * (`getGroupProfile`'s `memberCount`), for the conversation's header: *5 members · 2 online*.
 *
 * Nothing pushes the count, so it is asked: when a group conversation opens, then every 30 s while
 * it stays open, and about a second after something the client hears may have changed it (a
 * USER_STATUS_UPDATED about someone else going on- or offline, a tip of members joining, leaving or
 * removed, a reconnect), several of those making one call; never more often than once per 5 s per
 * group. It stops when the conversation closes, when the group turns read-only (the user is not a
 * member: the server would say 0), and at sign-out. A count that fails to load shows nothing.
 */
import { effect } from '@preact/signals';
import TencentCloudChat, { type ConversationID, type Message, type UserStatus } from '@natter/sdk';
import { currentChat } from './client.ts';
import { isGroup, isGroupTip, targetOf } from './format.ts';
import { state, type GroupCounts } from './state.ts';

const { TYPES } = TencentCloudChat;

/** How often the open group's count is asked while nothing suggests it changed. */
const REFRESH_MS = 30_000;
/** How long after a hint of a change it is asked, so that a burst of hints makes one call. */
const NUDGE_MS = 1_000;
/** The least time between two calls for one group. */
const MIN_GAP_MS = 5_000;

/** The tips of members coming or going (the count of members changes, and maybe of those online). */
const MEMBERSHIP_TIPS: ReadonlySet<number> = new Set([
  TYPES.GRP_TIP_MBR_JOIN,
  TYPES.GRP_TIP_MBR_QUIT,
  TYPES.GRP_TIP_MBR_KICKED_OUT,
]);

// ------------------------------------------------------------------ in words

/**
 * The open group's size as its header says it, `{ members: '5 members', online: '2 online' }`,
 * each `''` when not known; `null` for a group the user is not in any more (read-only).
 */
export function groupCountWords(id: ConversationID): { members: string; online: string } | null {
  if (state.readOnly.value.has(id)) return null;
  const counts = state.groupCounts.value.get(id);
  const members = counts?.members ?? null;
  const online = counts?.online ?? null;
  return {
    members: members === null ? '' : `${members} ${members === 1 ? 'member' : 'members'}`,
    online: online === null ? '' : `${online} online`,
  };
}

// ------------------------------------------------------------------ asking

/** The group followed: the open one, for the session's instance. */
let followed: { id: ConversationID; sdk: TencentCloudChat } | null = null;
/** When each group's count was last asked (`performance.now()`), this session. */
let lastAsked = new Map<ConversationID, number>();
let lastAskedOwner: TencentCloudChat | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
/** When {@link timer} fires. */
let due = Infinity;
/** The group whose count is on its way, and whether another call was wanted meanwhile. */
let asking: ConversationID | null = null;
let askAgain = false;

/** The open group, while the user is signed in and a member, is followed; nothing else is. */
effect(() => {
  const id = state.activeID.value;
  const member = id !== null && isGroup(id) && !state.readOnly.value.has(id);
  follow(state.phase.value === 'main' && member ? id : null);
});

function follow(id: ConversationID | null): void {
  const sdk = id ? currentChat() : null;
  if (followed?.id === id && followed?.sdk === sdk) return;
  clearTimeout(timer);
  timer = undefined;
  due = Infinity;
  followed = null;
  if (!id || !sdk) return;
  if (lastAskedOwner !== sdk) {
    lastAskedOwner = sdk;
    lastAsked = new Map();
  }
  followed = { id, sdk };
  schedule(0);
}

/**
 * The open group's count is asked in `delay` ms, or later if it was asked less than 5 s before
 * then; a call due sooner already stands for this one.
 */
function schedule(delay: number): void {
  if (!followed) return;
  const now = performance.now();
  const at = Math.max(now + delay, (lastAsked.get(followed.id) ?? -Infinity) + MIN_GAP_MS);
  if (timer !== undefined && due <= at) return;
  clearTimeout(timer);
  due = at;
  timer = setTimeout(() => {
    timer = undefined;
    due = Infinity;
    void ask();
  }, at - now);
}

async function ask(): Promise<void> {
  if (!followed) return;
  const { id, sdk } = followed;
  if (asking === id) {
    askAgain = true; // once this answer is in (and 5 s have passed)
    return;
  }
  asking = id;
  lastAsked.set(id, performance.now());
  schedule(REFRESH_MS);
  const groupID = targetOf(id);
  try {
    const [online, members] = await Promise.all([
      sdk.getGroupOnlineMemberCount(groupID).then(({ data }) => data.memberCount, () => null),
      sdk.getGroupProfile({ groupID }).then(({ data }) => data.group.memberCount, () => null),
    ]);
    // 0 online: the user is not a member (any more), and the server knows no count to give.
    if (currentChat() === sdk) setCounts(id, { members, online: online || null });
  } finally {
    if (asking === id) asking = null;
    if (askAgain && followed?.id === id) {
      askAgain = false;
      schedule(0);
    }
  }
}

function setCounts(id: ConversationID, counts: GroupCounts): void {
  const current = state.groupCounts.value;
  const known = current.get(id);
  if (known?.members === counts.members && known?.online === counts.online) return;
  state.groupCounts.value = new Map(current).set(id, counts);
}

// ------------------------------------------------------------------ hints of a change

/**
 * USER_STATUS_UPDATED, before presence.ts notes it: someone other than the user went on- or
 * offline (a change of custom status alone changes no count), so the open group's count is asked.
 */
export function noteStatusChanges(list: UserStatus[]): void {
  const me = state.session.peek()?.uid;
  const known = state.presence.peek();
  if (list.some((s) => s.userID !== me && known.get(s.userID)?.statusType !== s.statusType)) schedule(NUDGE_MS);
}

/**
 * MESSAGE_RECEIVED: a tip of members joining, leaving or removed from the open group says how many
 * members it has now, and sets the count of those online asked again.
 */
export function noteMembershipTips(messages: Message[]): void {
  const id = followed?.id;
  const tips = messages.filter(
    (m) => m.conversationID === id && isGroupTip(m) && MEMBERSHIP_TIPS.has(m.payload.operationType),
  );
  if (!id || tips.length === 0) return;
  const members = tips[tips.length - 1]!.payload.memberCount;
  const known = state.groupCounts.peek().get(id);
  if (typeof members === 'number' && members > 0) setCounts(id, { members, online: known?.online ?? null });
  schedule(NUDGE_MS);
}

/** After a reconnect: members may have come and gone unheard meanwhile. */
export function refreshGroupCounts(): void {
  schedule(NUDGE_MS);
}
