/**
 * The Group info dialog of a group conversation (its ⋯ menu, or the ⓘ button in the pane's
 * header): the group's name, type, notice and members, and the changes the user may make by the
 * rules of its type, which are Tencent's. In a work group any member adds people and renames it,
 * only the owner removes members, anyone may leave, and nobody dismisses it from a client; it has
 * no admins and mutes no one. A public or meeting group is run by its owner, who renames it,
 * removes and mutes members, makes them admins and dismisses it but cannot leave; its admins
 * rename it, and remove and mute its plain members; it takes no members from a client. A community
 * is run the same way, and one with topics lists them here (topics.ts): each opens its
 * conversation, and the owner and the admins make new ones. Everyone
 * sets their own name in the group (its name card), shown in the member list in place of their
 * nick. Only the controls those rules allow are shown, decided from the group's `ownerID`, the
 * user's role (`selfInfo.role`), the members' roles and the group's type; the server still
 * decides, and its refusals are toasts. A group the user left, or that was dismissed, shows its
 * info alone, and says why.
 *
 * Changes keep the dialog open (plain forms, not `method="dialog"`) and load the group again
 * afterwards, as the server now has it, whatever it answered; so does a change another member
 * makes meanwhile, which its group tip tells. Leaving and dismissing ask first, in the dialog
 * itself, with the safe choice focused; Escape there goes back instead of closing. Leaving closes
 * the dialog: the conversation stays, read-only.
 */
import TencentCloudChat, { type ConversationID, type GroupMember } from '@natter/sdk';
import { useSignal } from '@preact/signals';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import {
  addGroupMembers,
  dismissGroup,
  leaveGroup,
  loadGroupInfo,
  MUTE_SECONDS,
  muteEveryone,
  muteMember,
  removeGroupMember,
  renameGroup,
  setAdmin,
  setMyNameCard,
  type GroupInfo,
} from '../actions.ts';
import { describeError, displayName, durationWords, endTime, groupTypeLabel, memberName, targetOf } from '../format.ts';
import { findConversation, state } from '../state.ts';
import { createTopic, loadTopics, openTopic } from '../topics.ts';
import { serverNow } from '../thread.ts';
import { Avatar } from './common.tsx';
import { MEMBERS_PATTERN, Modal, restoreFocus, userIDsOf } from './Modal.tsx';

const { TYPES } = TencentCloudChat;

/** Where the dialog is: the info, or asking before leaving or dismissing. */
type Step = 'info' | 'leave' | 'dismiss';

export function GroupInfoDialog({ id, returnFocus }: { id: ConversationID; returnFocus: HTMLElement | null }) {
  const groupID = targetOf(id);
  const info = useSignal<GroupInfo | null>(null);
  const loadError = useSignal('');
  const step = useSignal<Step>('info');
  const busy = useRef(false);
  const addInput = useRef<HTMLInputElement>(null);
  const nameInput = useRef<HTMLInputElement>(null);
  const nameCardInput = useRef<HTMLInputElement>(null);
  const memberList = useRef<HTMLUListElement>(null);
  /** Whom the user last removed, until their row goes. */
  const removedMember = useRef<string | null>(null);

  const load = async () => {
    try {
      info.value = await loadGroupInfo(groupID);
      loadError.value = '';
    } catch (err) {
      loadError.value = `Could not load the group: ${describeError(err)}`;
    }
  };
  // Loaded on opening, and again when a member changes the group, here or elsewhere (a group tip).
  const latestTip = state.groupTips.value.get(id) ?? 0;
  useEffect(() => {
    void load();
  }, [latestTip]);

  /** One change at a time (a second press while one runs does nothing); then the group again. */
  const change = async (call: () => Promise<unknown>) => {
    if (busy.current) return;
    busy.current = true;
    try {
      await call();
      await load();
    } finally {
      busy.current = false;
    }
  };

  // Asking puts the focus on the safe choice; going back puts it on the button that asked (or on
  // Close, when that button is gone: the group was dismissed).
  const shownStep = useRef<Step>('info');
  useLayoutEffect(() => {
    const from = shownStep.current;
    shownStep.current = step.value;
    if (step.value !== 'info') document.getElementById('group-info-cancel')?.focus();
    else if (from !== 'info') {
      (document.getElementById(`group-info-${from}`) ?? document.getElementById('group-info-close'))?.focus();
    }
  }, [step.value]);

  const group = info.value?.group;
  // The name as the list has it follows renames live (CONVERSATION_LIST_UPDATED); else as loaded.
  const name = findConversation(id)?.groupProfile?.name || group?.name || displayName(id);
  const me = state.session.value?.uid ?? '';
  const work = group?.type === TYPES.GRP_WORK;
  const owner = group !== undefined && group.ownerID !== '' && group.ownerID === me;
  const admin = group?.selfInfo.role === TYPES.GRP_MBR_ROLE_ADMIN;
  const member = info.value !== null && info.value.readOnly === null;
  const may = {
    add: member && work,
    rename: member && (work || owner || admin),
    muteAll: member && !work && (owner || admin),
    leave: member && (work || !owner),
    dismiss: member && !work && owner,
  };
  /** The owner acts on every other member, an admin on plain members; nobody on the owner. */
  const outranks = (m: GroupMember) =>
    member && m.userID !== me && (owner || (admin && m.role === TYPES.GRP_MBR_ROLE_MEMBER));
  const mayOn = (m: GroupMember) => ({
    remove: outranks(m),
    mute: !work && outranks(m),
    admin: !work && owner && m.userID !== me,
  });
  const members = info.value?.members;
  // The removed member's row goes with its Remove button, which had the focus: the list takes it,
  // in the render that drops the row (the group may be reloaded first by the tip of the removal).
  useLayoutEffect(() => {
    const gone = removedMember.current;
    if (!gone || !members || members.some((m) => m.userID === gone)) return;
    removedMember.current = null;
    // Unless the user has moved on to another control meanwhile.
    const active = document.activeElement;
    if (!active || active === document.body || active instanceof HTMLDialogElement) memberList.current?.focus();
  }, [members]);
  // The user's name card is in their member entry (the group's `selfInfo` does not carry it).
  const myNameCard = members?.find((m) => m.userID === me)?.nameCard ?? '';
  const now = serverNow();

  const onAnswer = (value: string) => {
    restoreFocus(returnFocus);
    if (value === 'leave') void leaveGroup(id, name);
  };
  const onCancel = (event: Event) => {
    if (step.value === 'info') return;
    event.preventDefault();
    step.value = 'info';
  };

  const add = (event: Event) => {
    event.preventDefault();
    const ids = userIDsOf(addInput.current?.value ?? '');
    if (ids.length === 0) return;
    void change(async () => {
      if ((await addGroupMembers(groupID, ids)) && addInput.current) addInput.current.value = '';
    });
  };
  const rename = (event: Event) => {
    event.preventDefault();
    const next = nameInput.current?.value.trim() ?? '';
    if (next && next !== group?.name) void change(() => renameGroup(groupID, next));
  };
  const remove = (m: GroupMember) => {
    removedMember.current = m.userID;
    void change(() => removeGroupMember(groupID, m.userID, memberName(m))).then(() => {
      if (info.value?.members?.some((x) => x.userID === m.userID)) removedMember.current = null;
    });
  };
  const saveNameCard = (event: Event) => {
    event.preventDefault();
    const next = nameCardInput.current?.value.trim() ?? '';
    if (next !== myNameCard) void change(() => setMyNameCard(groupID, next));
  };
  const confirm = (event: Event) => {
    if (step.value === 'leave') return; // method="dialog": it closes, and onAnswer leaves
    event.preventDefault();
    void change(() => dismissGroup(groupID, name)).then(() => (step.value = 'info'));
  };

  if (step.value !== 'info') {
    const leaving = step.value === 'leave';
    return (
      <Modal
        id="group-info-dialog"
        labelledBy="group-info-title"
        describedBy="group-info-confirm-desc"
        onAnswer={onAnswer}
        onCancel={onCancel}
      >
        <form method={leaving ? 'dialog' : undefined} onSubmit={confirm}>
          <h2 id="group-info-title">{leaving ? `Leave “${name}”?` : `Dismiss “${name}”?`}</h2>
          <p id="group-info-confirm-desc">
            {leaving
              ? 'You stop getting its messages. The conversation stays in your list with its history, read-only.'
              : 'Every member’s conversation turns read-only: nobody can write to the group again.'}
          </p>
          {leaving && owner && (
            <p class="warning">You own this group. Once you leave, it has no owner, and nobody can remove members.</p>
          )}
          {!leaving && (
            <p class="warning">
              <strong>This cannot be undone.</strong>
            </p>
          )}
          <div class="dialog-actions">
            <button type="button" class="btn" id="group-info-cancel" onClick={() => (step.value = 'info')}>
              Cancel
            </button>
            <button type="submit" value={step.value} class="btn btn-danger" id="group-info-confirm">
              {leaving ? 'Leave' : 'Dismiss'}
            </button>
          </div>
        </form>
      </Modal>
    );
  }

  return (
    <Modal
      id="group-info-dialog"
      labelledBy="group-info-title"
      describedBy="group-info-kind"
      onAnswer={onAnswer}
      onCancel={onCancel}
    >
      <div class="group-info">
        <h2 id="group-info-title">{name}</h2>
        <p class="hint" id="group-info-kind" role="status">
          {group
            ? [groupTypeLabel(group.type), members && `${members.length} member${members.length === 1 ? '' : 's'}`]
                .filter(Boolean)
                .join(' · ')
            : loadError.value
              ? ''
              : 'Loading…'}
        </p>
        {loadError.value && (
          <p class="form-error" id="group-info-error" role="alert">
            {loadError.value}
          </p>
        )}
        {group?.notification && (
          <p class="group-notice" id="group-info-notice">
            <strong>Notice: </strong>
            {group.notification}
          </p>
        )}
        {info.value?.readOnly && (
          <p class="group-readonly" id="group-info-readonly">
            {info.value.readOnly}: its info is shown, and nothing can be changed.
          </p>
        )}
        {member && group?.isSupportTopic && <Topics groupID={groupID} manage={owner || admin} />}
        {group && !group.isDismissed && (
          <>
            <h3 class="group-section" id="group-info-members-title">
              Members
            </h3>
            {members ? (
              <ul
                ref={memberList}
                class="member-list"
                id="group-info-members"
                aria-labelledby="group-info-members-title"
                tabIndex={-1}
              >
                {byRole(members).map((m) => {
                  const mayHere = mayOn(m);
                  const muted = m.muteUntil > now;
                  const isAdmin = m.role === TYPES.GRP_MBR_ROLE_ADMIN;
                  const name = memberName(m);
                  return (
                    <MemberRow
                      key={m.userID}
                      member={m}
                      me={me}
                      muted={muted}
                      onRemove={mayHere.remove ? () => remove(m) : undefined}
                      onAdmin={mayHere.admin ? () => void change(() => setAdmin(groupID, m.userID, name, !isAdmin)) : undefined}
                      onMute={
                        mayHere.mute
                          ? () => void change(() => muteMember(groupID, m.userID, name, muted ? 0 : MUTE_SECONDS))
                          : undefined
                      }
                    />
                  );
                })}
              </ul>
            ) : (
              <p class="hint">Only members see who is in the group.</p>
            )}
          </>
        )}
        {may.add && (
          <form class="group-form" onSubmit={add}>
            <label for="group-info-add">Add people</label>
            <div class="group-form-row">
              <input
                ref={addInput}
                id="group-info-add"
                name="members"
                required
                pattern={MEMBERS_PATTERN}
                title="User IDs, separated by commas or spaces"
                aria-describedby="group-info-add-hint"
                autocomplete="off"
                spellcheck={false}
              />
              <button type="submit" class="btn" id="group-info-add-submit">
                Add
              </button>
            </div>
            <p class="hint" id="group-info-add-hint">
              User IDs, separated by commas: for example dave, erin.
            </p>
          </form>
        )}
        {may.rename && group && (
          <form class="group-form" onSubmit={rename}>
            <label for="group-info-name">Name</label>
            <div class="group-form-row">
              <input
                ref={nameInput}
                id="group-info-name"
                name="name"
                required
                maxLength={64}
                defaultValue={group.name}
                autocomplete="off"
              />
              <button type="submit" class="btn" id="group-info-rename">
                Rename
              </button>
            </div>
          </form>
        )}
        {may.muteAll && group && (
          <label class="group-check" for="group-info-mute-all">
            <input
              type="checkbox"
              id="group-info-mute-all"
              checked={group.muteAllMembers}
              aria-describedby="group-info-mute-all-hint"
              onChange={(event) => void change(() => muteEveryone(groupID, event.currentTarget.checked))}
            />
            Mute everyone
            <span class="hint" id="group-info-mute-all-hint">
              Only the owner and admins can send while it is on.
            </span>
          </label>
        )}
        {members && (
          <form class="group-form" onSubmit={saveNameCard}>
            <label for="group-info-namecard">Your name in this group</label>
            <div class="group-form-row">
              <input
                ref={nameCardInput}
                id="group-info-namecard"
                name="nameCard"
                maxLength={50}
                defaultValue={myNameCard}
                aria-describedby="group-info-namecard-hint"
                autocomplete="off"
              />
              <button type="submit" class="btn" id="group-info-namecard-save">
                Save
              </button>
            </div>
            <p class="hint" id="group-info-namecard-hint">
              The members see it in place of your name. Leave it empty to use your own.
            </p>
          </form>
        )}
        {member && owner && !work && (
          <p class="hint" id="group-info-owner-stays">
            As its owner you cannot leave this group: dismiss it instead.
          </p>
        )}
        <form method="dialog">
          <div class="dialog-actions">
            {may.leave && (
              <button type="button" class="btn btn-danger-quiet" id="group-info-leave" onClick={() => (step.value = 'leave')}>
                Leave group…
              </button>
            )}
            {may.dismiss && (
              <button
                type="button"
                class="btn btn-danger-quiet"
                id="group-info-dismiss"
                onClick={() => (step.value = 'dismiss')}
              >
                Dismiss group…
              </button>
            )}
            <button type="submit" value="close" class="btn" id="group-info-close" autofocus>
              Close
            </button>
          </div>
        </form>
      </div>
    </Modal>
  );
}

/** Where each role is listed: the owner on top, then the admins. */
const ROLE_ORDER: Readonly<Record<string, number>> = {
  [TYPES.GRP_MBR_ROLE_OWNER]: 0,
  [TYPES.GRP_MBR_ROLE_ADMIN]: 1,
};

/** The owner, the admins, then the others, each in the server's order (by user ID). */
function byRole(members: GroupMember[]): GroupMember[] {
  const rank = (m: GroupMember) => ROLE_ORDER[m.role] ?? 2;
  return [...members].sort((a, b) => rank(a) - rank(b));
}

function MemberRow({
  member,
  me,
  muted,
  onRemove,
  onAdmin,
  onMute,
}: {
  member: GroupMember;
  me: string;
  muted: boolean;
  /** Given where the user may remove this member. */
  onRemove?: () => void;
  /** Given where the user may make this member an admin, or a plain member again. */
  onAdmin?: () => void;
  /** Given where the user may mute or unmute this member. */
  onMute?: () => void;
}) {
  const name = memberName(member);
  const isAdmin = member.role === TYPES.GRP_MBR_ROLE_ADMIN;
  return (
    <li class="member" data-uid={member.userID}>
      <Avatar name={name} size="sm" />
      <span class="member-name">
        {name}
        {name !== member.userID && <span class="member-id">{member.userID}</span>}
      </span>
      {member.userID === me && <span class="member-tag">You</span>}
      {member.role === TYPES.GRP_MBR_ROLE_OWNER && <span class="member-tag member-owner">Owner</span>}
      {isAdmin && <span class="member-tag member-admin">Admin</span>}
      {muted && (
        <span class="member-tag member-muted" data-muted={member.userID}>
          Muted<span class="visually-hidden"> until {endTime(member.muteUntil)}</span>
        </span>
      )}
      {(onAdmin || onMute || onRemove) && (
        <span class="member-actions">
          {onAdmin && (
            <button
              type="button"
              class="btn btn-small"
              aria-label={isAdmin ? `Remove ${name} as an admin` : `Make ${name} an admin`}
              data-admin={member.userID}
              onClick={onAdmin}
            >
              {isAdmin ? 'Remove admin' : 'Make admin'}
            </button>
          )}
          {onMute && (
            <button
              type="button"
              class="btn btn-small"
              aria-label={muted ? `Unmute ${name}` : `Mute ${name} for ${durationWords(MUTE_SECONDS)}`}
              data-mute={member.userID}
              onClick={onMute}
            >
              {muted ? 'Unmute' : `Mute ${MUTE_SECONDS / 60} min`}
            </button>
          )}
          {onRemove && (
            <button
              type="button"
              class="btn btn-small"
              aria-label={`Remove ${name} from the group`}
              data-remove={member.userID}
              onClick={onRemove}
            >
              Remove
            </button>
          )}
        </span>
      )}
    </li>
  );
}

/**
 * A community's topics, oldest first, with their unread counts: each opens its conversation; the
 * owner and the admins make new ones. Loaded when shown; the SDK's TOPIC_* events keep them current.
 */
function Topics({ groupID, manage }: { groupID: string; manage: boolean }) {
  const topics = state.topics.value.get(groupID);
  const nameInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    void loadTopics(groupID);
  }, [groupID]);
  const create = (event: Event) => {
    event.preventDefault();
    const topicName = nameInput.current?.value.trim() ?? '';
    if (!topicName) return;
    void createTopic(groupID, topicName).then((made) => {
      if (made && nameInput.current) nameInput.current.value = '';
    });
  };
  return (
    <>
      <h3 class="group-section" id="group-info-topics-title">
        Topics
      </h3>
      {topics === undefined ? (
        <p class="hint">Loading the topics…</p>
      ) : topics.length === 0 ? (
        <p class="hint" id="group-info-no-topics">
          No topics yet.
        </p>
      ) : (
        <ul class="topic-list" id="group-info-topics" aria-labelledby="group-info-topics-title">
          {topics.map((t) => (
            <li key={t.topicID} data-topic={t.topicID}>
              <button
                type="button"
                class="topic-open"
                aria-label={t.unreadCount > 0 ? `${t.topicName}, ${t.unreadCount} unread` : t.topicName}
                onClick={() => openTopic(t)}
              >
                <span class="topic-name"># {t.topicName}</span>
                {t.unreadCount > 0 && <span class="badge">{t.unreadCount}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
      {manage && (
        <form class="group-form" onSubmit={create}>
          <label for="group-info-topic-name">New topic</label>
          <div class="group-form-row">
            <input
              ref={nameInput}
              id="group-info-topic-name"
              name="topicName"
              required
              maxLength={64}
              autocomplete="off"
            />
            <button type="submit" class="btn" id="group-info-topic-create">
              Create
            </button>
          </div>
        </form>
      )}
    </>
  );
}
