/**
 * Joining groups by asking, and the requests to join the groups the user owns (Tencent's join
 * applications).
 *
 * A user joins a group found by its ID; one that takes members with approval sends its owner a
 * request. The owner finds each request as a notice in System notices, which offers Approve and
 * Decline (`handleGroupApplication` with the notice) while the request waits. Whether it still
 * waits is what `getGroupApplicationList` says, asked when System notices open, when a request
 * arrives and after each answer: a request answered on another device, or replaced by the
 * applicant asking again, shows as answered here.
 */
import { effect } from '@preact/signals';
import TencentCloudChat, { type GroupSystemNoticePayload, type Message } from '@natter/sdk';
import { switchTab } from './actions.ts';
import { chat, currentChat } from './client.ts';
import { announce, toast } from './feedback.ts';
import { describeError, errorCode, isJoinRequest, SYSTEM_ID } from './format.ts';
import { groupNameOf, state } from './state.ts';
import { openConversation } from './thread.ts';

const { TYPES } = TencentCloudChat;

/**
 * Joins a group found by its ID (`searchGroupByID`, then `joinGroup`): a group open to all takes
 * the user at once and opens; one that takes members with approval sends the owner the request,
 * with `applyMessage`. The toast says which, or why the server refused.
 */
export async function joinGroupByID(groupID: string, applyMessage: string): Promise<void> {
  try {
    const { group } = (await chat().searchGroupByID(groupID)).data;
    const name = group.name || groupID;
    const { status } = (await chat().joinGroup({ groupID, applyMessage: applyMessage || undefined })).data;
    if (status === TYPES.JOIN_STATUS_WAIT_APPROVAL) {
      toast(`Asked to join “${name}”: its owner will answer.`);
      return;
    }
    switchTab('chats');
    openConversation(`GROUP${groupID}`);
    toast(status === TYPES.JOIN_STATUS_ALREADY_IN_GROUP ? `You are in “${name}” already` : `Joined “${name}”`);
  } catch (err) {
    toast(`Could not join ${groupID}: ${describeError(err)}`, 'error');
  }
}

/** Where a request's notice stands, as its row shows it. */
export type JoinRequestStatus = 'waiting' | 'approved' | 'declined' | 'answered';

/** A request's key: the server keeps one request per applicant and group. */
function keyOf(groupID: string, applicant: string): string {
  return `${groupID} ${applicant}`;
}

function noticeKey(notice: Message): string {
  return keyOf(notice.payload.groupProfile.groupID, notice.payload.operatorID);
}

/** The requests waiting, from the server. Best effort: on failure the buttons stay, and the server decides. */
export async function refreshJoinRequests(): Promise<void> {
  const sdk = currentChat();
  try {
    const { data } = await chat().getGroupApplicationList();
    if (currentChat() !== sdk) return;
    const waiting = new Set(data.applicationList.map((a) => keyOf(a.groupID, a.applicant)));
    state.joinRequests.value = { ...state.joinRequests.value, waiting };
  } catch {
    // the next opening of System notices, or the next request, asks again
  }
}

/** System notices opened: ask which requests still wait. */
effect(() => {
  if (state.activeID.value === SYSTEM_ID) void refreshJoinRequests();
});

/** Messages received: a new request to join means the list of those waiting changed. */
export function noteJoinRequests(messages: Message[]): void {
  if (messages.some(isJoinRequest)) void refreshJoinRequests();
}

/**
 * Where a request's notice stands: answered here (how), waiting (the newest notice of a request
 * the server lists as waiting, or while the list is not known yet), else answered.
 */
export function joinRequestStatus(notice: Message, history: Message[]): JoinRequestStatus {
  const { waiting, answered } = state.joinRequests.value;
  const mine = answered.get(notice.ID);
  if (mine) return mine;
  const key = noticeKey(notice);
  const newest = history.filter((m) => isJoinRequest(m) && noticeKey(m) === key).at(-1);
  if (newest?.ID !== notice.ID) return 'answered';
  return waiting === null || waiting.has(key) ? 'waiting' : 'answered';
}

/** The owner answers a request from its notice; the toast says how it went. */
export async function answerJoinRequest(notice: Message, approve: boolean): Promise<void> {
  const { groupProfile, operatorID: applicant } = notice.payload as GroupSystemNoticePayload;
  const group = groupProfile.name || groupNameOf(groupProfile.groupID) || groupProfile.groupID;
  const sdk = currentChat();
  try {
    await chat().handleGroupApplication({ handleAction: approve ? 'Agree' : 'Reject', message: notice });
    if (currentChat() !== sdk) return;
    const answered = new Map(state.joinRequests.value.answered).set(notice.ID, approve ? 'approved' : 'declined');
    state.joinRequests.value = { ...state.joinRequests.value, answered };
    const said = approve ? `${applicant} joined ${group}` : `You declined ${applicant}’s request to join ${group}`;
    toast(said);
    announce(said);
  } catch (err) {
    toast(
      errorCode(err) === 40401
        ? `That request to join ${group} was answered already.`
        : `Could not answer the request: ${describeError(err)}`,
      'error',
    );
  }
  await refreshJoinRequests();
}
