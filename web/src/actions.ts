/**
 * What the user does: tabs, folders, selection, the menu and dialogs, the calls that change
 * conversations (pin, mute, star, folders, archive, restore, delete) and groups (Group info). Each
 * writes state and calls the SDK; the SDK's CONVERSATION_LIST_UPDATED brings the answer into the list.
 */
import { batch } from '@preact/signals';
import TencentCloudChat, {
  ErrorCode,
  type Conversation,
  type ConversationID,
  type Group,
  type GroupMember,
  type Message,
} from '@natter/sdk';
import { chat, currentChat } from './client.ts';
import { announce, toast } from './feedback.ts';
import {
  describeError,
  displayName,
  durationWords,
  groupReadOnlyReason,
  isGroupTip,
  isMuted,
  isStarred,
  targetOf,
} from './format.ts';
import {
  allFolders,
  findConversation,
  focusRow,
  selectedIDs,
  setHidden,
  setReadOnly,
  setSelected,
  state,
  visibleList,
  type MenuAnchor,
  type Tab,
} from './state.ts';
import { checkGroupAccess, closeConversation, openConversation } from './thread.ts';

const { TYPES } = TencentCloudChat;

function nameOf(id: ConversationID): string {
  return displayName(id, findConversation(id));
}

function namesOf(ids: ConversationID[]): string {
  return ids.length === 1 ? nameOf(ids[0]) : `${ids.length} conversations`;
}

// ------------------------------------------------------------------ tabs, folders, selection

export function switchTab(tab: Tab): void {
  if (state.tab.value === tab) return;
  batch(() => {
    state.tab.value = tab;
    state.selecting.value = false;
    state.selected.value = new Set();
    state.focusID.value = null;
  });
  if (tab === 'archived') void refreshArchived();
}

export function setFolder(name: string | null): void {
  batch(() => {
    state.folder.value = name;
    state.focusID.value = null;
  });
}

export function setSelecting(on: boolean, firstID?: ConversationID): void {
  batch(() => {
    state.selecting.value = on;
    state.selected.value = new Set(on && firstID ? [firstID] : []);
  });
  if (!on) focusRow(state.focusID.value);
}

/** The server deletes (and archives) at most this many conversations in one call. */
export const MAX_SELECTED = 100;

export function toggleSelected(id: ConversationID, on: boolean): void {
  if (on && !state.selected.value.has(id) && selectedIDs.value.length >= MAX_SELECTED) {
    toast(`You can select up to ${MAX_SELECTED} conversations at a time.`, 'error');
    focusRow(id);
    return;
  }
  setSelected(id, on);
  focusRow(id);
}

// ------------------------------------------------------------------ menu and dialogs

export function openMenu(id: ConversationID, anchor: MenuAnchor, returnFocus: HTMLElement): void {
  batch(() => {
    state.focusID.value = findConversation(id) ? id : state.focusID.value;
    state.messageMenu.value = null;
    state.menu.value = { id, anchor, returnFocus };
  });
}

/** Closes the menu; the focus goes back where it came from unless an action takes it elsewhere. */
export function closeMenu(restoreFocus = true): void {
  const menu = state.menu.value;
  if (!menu) return;
  state.menu.value = null;
  if (!restoreFocus) return;
  if (menu.returnFocus.isConnected) menu.returnFocus.focus();
  else focusRow(state.focusID.value);
}

export function askDelete(ids: ConversationID[], returnFocus: HTMLElement | null = null): void {
  if (ids.length === 0) return;
  batch(() => {
    state.menu.value = null;
    state.dialog.value = { kind: 'delete', ids, returnFocus };
  });
}

export function askFolder(id: ConversationID, returnFocus: HTMLElement | null): void {
  batch(() => {
    state.menu.value = null;
    state.dialog.value = { kind: 'folder', id, returnFocus };
  });
}

export function askNewConversation(): void {
  state.dialog.value = { kind: 'new' };
}

/**
 * Creates a work group (Tencent's default type: any member adds people) with the user as its
 * owner, or (`withTopics`) a community with topics, which its owner runs; and opens its
 * conversation. A work group enters the list with its first message, the SDK's "group_create".
 */
export async function createGroup(name: string, memberIDs: string[], withTopics = false): Promise<void> {
  try {
    const { data } = await chat().createGroup({
      name,
      type: withTopics ? TYPES.GRP_COMMUNITY : TYPES.GRP_WORK,
      isSupportTopic: withTopics,
      memberList: memberIDs.map((userID) => ({ userID })),
    });
    switchTab('chats');
    openConversation(`GROUP${data.group.groupID}`);
    toast(`Created the group “${name}”`);
  } catch (err) {
    toast(`Could not create the group: ${describeError(err)}`, 'error');
  }
}

// ------------------------------------------------------------------ groups

export function askGroupInfo(id: ConversationID, returnFocus: HTMLElement | null): void {
  batch(() => {
    state.menu.value = null;
    state.dialog.value = { kind: 'groupInfo', id, returnFocus };
  });
}

/** What the Group info dialog shows. */
export interface GroupInfo {
  group: Group;
  /** Every member (all pages); `null` when the server lists them no more to this user. */
  members: GroupMember[] | null;
  /** Why the user can change nothing (left, removed, dismissed); `null` while they are a member. */
  readOnly: string | null;
}

/**
 * Every member, page by page (100 is the most the server gives in one): for Group info, and for
 * the composer's @-mention picker.
 */
export async function allMembers(groupID: string): Promise<GroupMember[]> {
  const members: GroupMember[] = [];
  let offset = 0;
  do {
    const { data } = await chat().getGroupMemberList({ groupID, count: 100, offset });
    members.push(...data.memberList);
    offset = data.offset;
  } while (offset !== 0);
  return members;
}

/**
 * The group's profile and, for a member, its members (the server lists them to members only). A
 * user who is not one (any more), or a dismissed group, marks the conversation read-only.
 */
export async function loadGroupInfo(groupID: string): Promise<GroupInfo> {
  const { group } = (await chat().getGroupProfile({ groupID })).data;
  const readOnly = groupReadOnlyReason(group);
  setReadOnly(`${TYPES.CONV_GROUP}${groupID}`, readOnly);
  return { group, members: readOnly ? null : await allMembers(groupID), readOnly };
}

/** MESSAGE_RECEIVED: group tips say members changed groups; their Group info follows (`state.groupTips`). */
export function noteGroupTips(messages: Message[]): void {
  const tips = messages.filter(isGroupTip);
  if (tips.length === 0) return;
  const latest = new Map(state.groupTips.value);
  for (const m of tips) latest.set(m.conversationID, Math.max(latest.get(m.conversationID) ?? 0, m.sequence));
  state.groupTips.value = latest;
}

/** Adds users to a work group, saying who was added, does not exist or was in; true once done. */
export async function addGroupMembers(groupID: string, userIDList: string[]): Promise<boolean> {
  try {
    const { data } = await chat().addGroupMember({ groupID, userIDList });
    const parts = [
      data.successUserIDList.length > 0 && `Added ${data.successUserIDList.join(', ')}.`,
      data.failureUserIDList.length > 0 && `No such user: ${data.failureUserIDList.join(', ')}.`,
      data.existedUserIDList.length > 0 && `Already in the group: ${data.existedUserIDList.join(', ')}.`,
    ];
    const noneAdded = data.successUserIDList.length === 0 && data.failureUserIDList.length > 0;
    toast(parts.filter(Boolean).join(' '), noneAdded ? 'error' : 'info');
    return true;
  } catch (err) {
    toast(`Could not add people: ${describeError(err)}`, 'error');
    return false;
  }
}

export function removeGroupMember(groupID: string, userID: string, name: string): Promise<void> {
  return run('remove the member', () => chat().deleteGroupMember({ groupID, userIDList: [userID] }), `Removed ${name}`);
}

/** How long *Mute 10 min* in Group info mutes a member. */
export const MUTE_SECONDS = 600;

/** The owner makes a member an admin, or a plain member again. */
export function setAdmin(groupID: string, userID: string, name: string, admin: boolean): Promise<void> {
  return run(
    admin ? 'make them an admin' : 'remove them as an admin',
    () =>
      chat().setGroupMemberRole({
        groupID,
        userID,
        role: admin ? TYPES.GRP_MBR_ROLE_ADMIN : TYPES.GRP_MBR_ROLE_MEMBER,
      }),
    admin ? `${name} is now an admin` : `${name} is no longer an admin`,
  );
}

/** The owner or an admin mutes a member for `seconds`, or unmutes them (0). */
export function muteMember(groupID: string, userID: string, name: string, seconds: number): Promise<void> {
  return run(
    seconds > 0 ? `mute ${name}` : `unmute ${name}`,
    () => chat().setGroupMemberMuteTime({ groupID, userID, muteTime: seconds }),
    seconds > 0 ? `Muted ${name} for ${durationWords(seconds)}` : `Unmuted ${name}`,
  );
}

/** The user's own name in the group (its name card); `''` removes it. */
export function setMyNameCard(groupID: string, nameCard: string): Promise<void> {
  return run(
    'change your name in the group',
    () => chat().setGroupMemberNameCard({ groupID, nameCard }),
    nameCard ? `Your name in this group is now “${nameCard}”` : 'You use your own name in this group again',
  );
}

/** The owner or an admin mutes everyone but the owner and admins (`updateGroupProfile`'s `muteAllMembers`), or ends it. */
export function muteEveryone(groupID: string, muted: boolean): Promise<void> {
  return run(
    muted ? 'mute everyone' : 'unmute everyone',
    () => chat().updateGroupProfile({ groupID, muteAllMembers: muted }),
    muted ? 'Everyone but the owner and admins is muted' : 'Everyone can send again',
  );
}

export function renameGroup(groupID: string, name: string): Promise<void> {
  return run('rename the group', () => chat().updateGroupProfile({ groupID, name }), `Renamed the group “${name}”`);
}

/** Leaves the group; its conversation stays, read-only (the server says why: left, or dismissed). */
export async function leaveGroup(id: ConversationID, name: string): Promise<void> {
  try {
    await chat().quitGroup(targetOf(id));
    toast(`You left “${name}”. Its conversation stays, read-only.`);
    await checkGroupAccess(id);
  } catch (err) {
    toast(`Could not leave the group: ${describeError(err)}`, 'error');
  }
}

/** Dismisses a public or meeting group the user owns: every member's conversation turns read-only. */
export function dismissGroup(groupID: string, name: string): Promise<void> {
  return run('dismiss the group', () => chat().dismissGroup(groupID), `Dismissed “${name}”`);
}

// ------------------------------------------------------------------ conversation calls

/** Runs a call, and says so when it fails (and, if given, when it worked). */
async function run(what: string, call: () => Promise<unknown>, done?: string): Promise<void> {
  try {
    await call();
    if (done) toast(done);
  } catch (err) {
    toast(`Could not ${what}: ${describeError(err)}`, 'error');
  }
}

export function markRead(id: ConversationID): Promise<void> {
  return run('mark it read', () => chat().setMessageRead({ conversationID: id }));
}

export function togglePin(c: Conversation): Promise<void> {
  return run(c.isPinned ? 'unpin' : 'pin', () =>
    chat().pinConversation({ conversationID: c.conversationID, isPinned: !c.isPinned }),
  );
}

/** Muting is Tencent's "receive, do not notify": the conversation leaves the unread total. */
export function toggleMute(c: Conversation): Promise<void> {
  const muted = isMuted(c);
  const name = nameOf(c.conversationID);
  return run(
    'change notifications',
    () =>
      chat().setMessageRemindType({
        conversationIDList: [c.conversationID],
        messageRemindType: muted ? TYPES.MSG_REMIND_ACPT_AND_NOTE : TYPES.MSG_REMIND_ACPT_NOT_NOTE,
      }),
    muted ? `${name} unmuted` : `${name} muted: it no longer counts in your unread total`,
  );
}

export function toggleStar(c: Conversation): Promise<void> {
  return run('change the star', () =>
    chat().markConversation({
      conversationIDList: [c.conversationID],
      markType: TYPES.CONV_MARK_TYPE_STAR,
      enableMark: !isStarred(c),
    }),
  );
}

export async function addToFolder(id: ConversationID, name: string): Promise<void> {
  const sdk = chat();
  const exists = allFolders.value.includes(name);
  await run(
    'add to the folder',
    () =>
      exists
        ? sdk.addConversationsToGroup({ groupName: name, conversationIDList: [id] })
        : sdk.createConversationGroup({ groupName: name, conversationIDList: [id] }),
    `Added ${nameOf(id)} to “${name}”`,
  );
  await refreshFolders();
}

export function removeFromFolder(id: ConversationID, name: string): Promise<void> {
  return run('change the folder', () =>
    chat().deleteConversationsFromGroup({ groupName: name, conversationIDList: [id] }),
  );
}

/**
 * Hides the rows at once and keeps keyboard users where they were: the next remaining row gets the
 * focus. The server's answer (through the SDK's list) makes it final; on failure the rows come back.
 */
async function leaveList(ids: ConversationID[], call: () => Promise<unknown>): Promise<boolean> {
  const items = visibleList.value;
  const firstIndex = Math.max(0, items.findIndex((c) => ids.includes(c.conversationID)));
  const rest = items.filter((c) => !ids.includes(c.conversationID));
  batch(() => {
    setHidden(ids, true);
    if (state.activeID.value && ids.includes(state.activeID.value)) closeConversation(true);
    state.selecting.value = false;
    state.selected.value = new Set();
    focusRow(rest[Math.min(firstIndex, rest.length - 1)]?.conversationID ?? null);
  });
  try {
    await call();
    state.archived.value = state.archived.value.filter((c) => !ids.includes(c.conversationID));
    return true;
  } finally {
    setHidden(ids, false);
  }
}

export async function deleteConversations(ids: ConversationID[], clearHistory: boolean): Promise<void> {
  const names = namesOf(ids);
  try {
    await leaveList(ids, () =>
      chat()
        .deleteConversation({ conversationIDList: ids, clearHistoryMessage: clearHistory })
        // None of them was in the list any more (another device deleted them meanwhile): done.
        .catch((err: unknown) => {
          if ((err as { code?: number }).code !== ErrorCode.CONV_NOT_FOUND) throw err;
        }),
    );
    announce(`Deleted ${names}.`);
    toast(clearHistory ? `Deleted ${names} and cleared the history` : `Deleted ${names}; the history is kept`);
  } catch (err) {
    toast(`Could not delete ${names}: ${describeError(err)}`, 'error');
  }
}

export async function archive(ids: ConversationID[]): Promise<void> {
  const names = namesOf(ids);
  try {
    await leaveList(ids, () => chat().archiveConversation({ conversationIDList: ids }));
    toast(`Archived ${names}`);
  } catch (err) {
    toast(`Could not archive: ${describeError(err)}`, 'error');
  }
}

export async function restore(ids: ConversationID[]): Promise<void> {
  const names = namesOf(ids);
  try {
    await leaveList(ids, () => chat().restoreConversation({ conversationIDList: ids }));
    toast(`Restored ${names}`);
  } catch (err) {
    toast(`Could not restore: ${describeError(err)}`, 'error');
  }
}

/** Another device or tab of this user deleted conversations (the server's deletion sync). */
export function deletedElsewhere(ids: ConversationID[], clearedHistory: boolean): void {
  const names = ids.map(nameOf).join(', ');
  toast(`Deleted on another device: ${names}${clearedHistory ? ' (history cleared)' : ''}`);
  batch(() => {
    state.archived.value = state.archived.value.filter((c) => !ids.includes(c.conversationID));
    if (state.activeID.value && ids.includes(state.activeID.value)) {
      closeConversation(true);
      announce(`${names} was deleted on another device.`);
    }
  });
}

// ------------------------------------------------------------------ what the server does not push

let sideTimer: ReturnType<typeof setTimeout> | undefined;

/** Archived conversations and folder names are not pushed: refetch them (debounced) on changes. */
export function scheduleSideRefresh(): void {
  clearTimeout(sideTimer);
  sideTimer = setTimeout(() => {
    if (state.tab.value === 'archived') void refreshArchived();
    void refreshFolders();
  }, 250);
}

export async function refreshArchived(): Promise<void> {
  const sdk = currentChat();
  if (!sdk) return;
  try {
    const { data } = await sdk.getConversationList({ archived: true });
    if (currentChat() === sdk) state.archived.value = data.conversationList;
  } catch (err) {
    toast(`Could not load archived conversations: ${describeError(err)}`, 'error');
  }
}

export async function refreshFolders(): Promise<void> {
  const sdk = currentChat();
  if (!sdk) return;
  try {
    const { data } = await sdk.getConversationGroupList();
    if (currentChat() === sdk) setFolderNames(data);
  } catch {
    // An older server has no folders: the conversations' own folder lists still show.
  }
}

export function setFolderNames(names: string[]): void {
  batch(() => {
    if (names.join('\n') !== state.folderNames.value.join('\n')) state.folderNames.value = names;
    const filter = state.folder.value;
    if (filter && !allFolders.value.includes(filter)) state.folder.value = null;
  });
}
