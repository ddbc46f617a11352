/**
 * GROUP_LIST_UPDATED, as Tencent's SDK sends it: the user's whole group list (the groups they are
 * a member of now, as getGroupList gives it), once the SDK is ready and whenever it changes.
 *
 * Natter's server keeps no group list for a client to follow: it tells of conversations
 * (`conversationListUpdated`), of profiles (`profileUpdated`) and, in `@TIM#SYSTEM`, of approved
 * requests to join, removals, dismissals, leaving from another device, and the user made an admin
 * or a plain member again. So the list is fetched (`GET /v1/groups`) when
 * something this instance heard or did may have changed it, by the rules of a {@link ListFeed}
 * (list_feed.ts); this module says what may have changed it. Each list fetched is also what the
 * SDK holds of the groups, which their conversations' `groupProfile` shows (`memberCount`,
 * `ownerID`, …), as Tencent's conversation shows the group its SDK holds: so the list is fetched
 * for an app that listens for conversations too.
 */
import { TYPES } from './constants.js';
import { GROUP_NOTICE } from './convert.js';
import { ListFeed } from './list_feed.js';
import type { Group, GroupSystemNoticePayload, Message } from './types.js';
import type { WireConversation, WireGroupProfile } from './wire.js';

/** The group system notices of the user joining or leaving a group, or of their role in one changing. */
const MEMBERSHIP_NOTICES: ReadonlySet<number> = new Set([
  GROUP_NOTICE.APPROVED,
  GROUP_NOTICE.REMOVED,
  GROUP_NOTICE.DISMISSED,
  GROUP_NOTICE.QUIT,
  GROUP_NOTICE.ADMIN_SET,
  GROUP_NOTICE.ADMIN_CANCELED,
]);

/** What the feed needs of the SDK instance. */
export interface GroupListSource {
  /**
   * Whether the list is wanted: a handler of GROUP_LIST_UPDATED, or of CONVERSATION_LIST_UPDATED,
   * whose group conversations show the groups the SDK holds.
   */
  listened(): boolean;
  /**
   * Whether the app follows the whole list (a GROUP_LIST_UPDATED handler), so that another
   * member's change to a group's profile is fetched: an app that shows conversations only learns
   * those from the group tips it is delivered instead, as Tencent's SDK does, so that a change to
   * a large group does not send every member's device to fetch its whole list.
   */
  followed(): boolean;
  /** The group list now (`GET /v1/groups`). */
  fetch(): Promise<Group[]>;
  emit(groupList: Group[]): void;
}

export class GroupListFeed {
  private readonly feed: ListFeed<Group[]>;
  /** The groups of the last list fetched (`null` before one): news of another may be a new group. */
  private listedGroupIDs: ReadonlySet<string> | null = null;

  private readonly followed: () => boolean;

  constructor(source: GroupListSource) {
    this.followed = () => source.followed();
    this.feed = new ListFeed({
      listened: () => source.listened(),
      fetch: () => source.fetch(),
      emit: (groupList) => source.emit(groupList),
      fetched: (groupList) => {
        this.listedGroupIDs = new Set(groupList.map((g) => g.groupID));
      },
    });
  }

  /** The session is ready (SDK_READY): emit the list once, whatever it holds, then follow it. */
  start(): void {
    this.feed.start();
  }

  /** The session ended: forget it, and emit nothing more for it. */
  stop(): void {
    this.feed.stop();
    this.listedGroupIDs = null;
  }

  /**
   * Something that may have changed the list happened: this instance's own group call succeeded,
   * or a reconnect's catch-up brought what no push told.
   */
  refresh(): void {
    this.feed.changed();
  }

  /**
   * Pushed conversation objects, before the local list takes them (`held` answers from that list,
   * as it was). The wire's conversation does not say whether the user is a member, so:
   * - a group conversation of a group not in the last list fetched may be one the user was
   *   added to, joined or created;
   * - a group conversation held, newer, whose group profile changed, or that shows nothing new
   *   but its version and unread count, is what leaving, a removal, a dismissal or a rejoin
   *   looks like (as is a read, which cannot be told apart and costs a fetch only). A new
   *   message or a preference (pin, mark, draft, …) shows elsewhere, and changes no group.
   */
  noteConversations(list: readonly WireConversation[], held: (conversationID: string) => WireConversation | undefined): void {
    if (list.some((c) => this.mayChangeList(c, held(c.conversationID)))) this.refresh();
  }

  /**
   * Messages delivered: an approval of the user's request to join puts a group on the list, a
   * removal, dismissal or quit notice takes one off, and a notice of the user made an admin or a
   * plain member changes its `selfInfo.role` (a request to join a group the user runs changes
   * nothing).
   */
  noteMessages(messages: readonly Message[]): void {
    const changesMembership = (m: Message) =>
      m.type === TYPES.MSG_GRP_SYS_NOTICE && MEMBERSHIP_NOTICES.has((m.payload as GroupSystemNoticePayload).operationType);
    if (messages.some(changesMembership)) this.refresh();
  }

  /**
   * A `profileUpdated` event: a group's profile (any field the list shows) may have changed;
   * fetched for an app that follows the whole list.
   */
  noteGroupProfiles(groups: readonly WireGroupProfile[]): void {
    if (groups.length > 0 && this.followed()) this.refresh();
  }

  private mayChangeList(incoming: WireConversation, held: WireConversation | undefined): boolean {
    if (!incoming.conversationID.startsWith(TYPES.CONV_GROUP)) return false;
    const groupID = incoming.conversationID.slice(TYPES.CONV_GROUP.length);
    if (this.listedGroupIDs === null || !this.listedGroupIDs.has(groupID)) return true;
    // Not held (archived or hidden): a membership change cannot be told from a new message.
    if (!held || incoming.version <= held.version) return false;
    if (JSON.stringify(incoming.groupProfile) !== JSON.stringify(held.groupProfile)) return true;
    return JSON.stringify(entryOf(incoming)) === JSON.stringify(entryOf(held));
  }
}

/** A conversation's own entry: what a message or the user's preferences change, not membership. */
function entryOf(c: WireConversation): Omit<WireConversation, 'version' | 'unreadCount' | 'groupProfile'> {
  const { version: _version, unreadCount: _unreadCount, groupProfile: _groupProfile, ...entry } = c;
  return entry;
}
