//! The values that cross the [`crate::Store`] boundary.

use std::sync::Arc;

use natter_core::mention::AtType;
use natter_core::rules::{ConversationState, RemindType};
use natter_core::{ChannelKind, ConversationId, GroupId, ListCursor, Uid};

/// SHA-256 of a device token: tokens are never stored in clear.
pub type TokenHash = [u8; 32];

#[derive(Debug, Clone)]
pub struct NewMessage {
    pub from: Uid,
    /// The conversation as the sender names it.
    pub to: ConversationId,
    /// The element type (`natter_core::message::TYPES`).
    pub message_type: String,
    /// Compact JSON text of the payload.
    pub payload: String,
    pub client_msg_no: Option<String>,
    pub cloud_custom_data: String,
    pub time_ms: i64,
    /// False for a silent message (WuKongIM's `red_dot` off): it never counts as unread.
    pub counts_as_unread: bool,
    /// The sender asks each reader for a read receipt (Tencent's `needReadReceipt`).
    pub needs_read_receipt: bool,
    /// Sent by the app backend on the sender's behalf, as WuKongIM's API sends from its system
    /// device: the sender need not be a member of the group, and the channel's blacklist and
    /// whitelist do not apply. A dismissed group refuses it all the same.
    pub by_app: bool,
    /// A targeted group message (Tencent's `receiverList`): only these current members and the
    /// sender get it and see it; it counts as unread for no one.
    pub receivers: Option<Vec<Uid>>,
    /// Never a conversation's last message, nor moving one up the list (Tencent's
    /// `messageControlInfo.excludedFromLastMessage`): the list shows the newest message before
    /// it. History has it as any other.
    pub excluded_from_last_message: bool,
}

/// Where the app backend sends a message of its own (WuKongIM's empty `from_uid`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SystemTarget {
    /// The user's system conversation (`@TIM#SYSTEM`).
    User(Uid),
    /// Every current member of the group.
    Group(GroupId),
}

#[derive(Debug, Clone)]
pub struct SystemMessage {
    pub to: SystemTarget,
    pub message_type: String,
    /// Compact JSON text of the payload.
    pub payload: String,
    pub client_msg_no: Option<String>,
    pub time_ms: i64,
    pub counts_as_unread: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    /// Globally unique, increasing message ID.
    pub id: i64,
    pub seq: u64,
    pub from: String,
    pub time_ms: i64,
    pub client_msg_no: Option<String>,
    pub message_type: String,
    /// Compact JSON text of the payload; empty once recalled.
    pub payload: String,
    pub cloud_custom_data: String,
    /// Who recalled it, if it was recalled.
    pub revoked_by: Option<String>,
    /// The sender's profile as it is now.
    pub sender: Shown,
    /// Sent without WuKongIM's red dot: it counts as unread for no one.
    pub silent: bool,
    /// How many times members changed it since it was sent (`crate::editing`); 0 if never.
    pub version: u64,
    /// Its sender asked for read receipts (`crate::read_receipts`).
    pub needs_read_receipt: bool,
    /// How many users gave one; 0 for a message that asked for none.
    pub read_count: u64,
}

/// How a list shows someone or something: a user's nick and avatar, or a group's name, avatar
/// and type (empty for a user).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shown {
    pub name: String,
    pub avatar: String,
    pub group_type: String,
}

/// The outcome of a send.
#[derive(Debug, Clone)]
pub struct Sent {
    pub message: StoredMessage,
    /// True when `client_msg_no` matched an earlier message, which is returned instead.
    pub duplicate: bool,
    /// Every current member (the sender included) with their conversation after the message.
    pub recipients: Vec<(Uid, ConversationView)>,
}

/// Which page of a conversation's history to read: the messages nearest to a point, on one side
/// of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// The newest messages.
    Newest,
    /// The newest before this seq.
    BeforeSeq(u64),
    /// The newest before the message with this ID, which must be in the conversation.
    BeforeMessage(i64),
    /// The newest sent at or before this time (ms since the epoch).
    UpToTime(i64),
    /// The oldest after this seq.
    AfterSeq(u64),
    /// The oldest sent at or after this time (ms since the epoch).
    FromTime(i64),
}

/// Seqs `first` to `last`, both included, read from one end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeqRange {
    pub first: u64,
    pub last: u64,
    pub from: RangeEnd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeEnd {
    Newest,
    Oldest,
}

#[derive(Debug, Clone)]
pub struct History {
    /// Oldest first.
    pub messages: Vec<StoredMessage>,
    /// No further message in the direction read is visible to this user (for a page of
    /// history: no older one).
    pub is_complete: bool,
}

/// One user's conversation with what is needed to show it.
#[derive(Debug, Clone)]
pub struct ConversationView {
    pub id: ConversationId,
    pub state: ConversationState,
    pub version: u64,
    pub channel_last_seq: u64,
    /// The last message this user may see, if any. Shared: the views a group message leaves
    /// its members hold one copy, made on the writer's thread and compared, sent and freed on
    /// others, where a copy for each member cost an allocation per string each time.
    pub last_message: Option<Arc<StoredMessage>>,
    /// The user's conversation folders ("conversation groups") holding it, by name.
    pub folders: Vec<String>,
    /// The peer's or the group's profile, as the list shows it (none for the system
    /// conversation).
    pub shown: Shown,
    /// How far the peer of a one-to-one conversation has read it (their `read_seq`, as their
    /// reads copied it into this row; see `crate::receipts`): the user's own messages up to
    /// here show as read. 0 for a group or the system.
    pub peer_read_seq: u64,
    /// The user's unread total right after this version was saved, when the view comes from
    /// a change (`None` when it was only read): events carry it and need no read.
    pub unread_total: Option<u64>,
    /// The unread messages that mention this user, oldest first, as `crate::views` completes
    /// a view. `None` in the views a new message leaves its members: they share one copy,
    /// and the message itself tells each member whether it mentions them.
    pub mentions: Option<Vec<UnreadMention>>,
}

/// An unread group message that mentions its reader ("@").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadMention {
    pub seq: u64,
    pub from: String,
    pub at_type: AtType,
}

/// A user's unread total, with their version when it was that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnreadTotal {
    pub total: u64,
    pub version: u64,
}

impl ConversationView {
    pub fn unread(&self) -> u64 {
        self.state.unread(self.channel_last_seq)
    }
}

#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// List archived conversations instead of the default list.
    pub archived: bool,
    pub kind: Option<ChannelKind>,
    /// Only conversations with this mark. Without it, HIDE-marked ones are left out.
    pub mark: Option<u64>,
    /// Only conversations in this folder.
    pub folder: Option<String>,
    /// Only conversations with unread messages.
    pub unread_only: bool,
    pub after: Option<ListCursor>,
    pub limit: u32,
}

#[derive(Debug, Clone)]
pub struct ConversationPage {
    pub conversations: Vec<ConversationView>,
    /// Where the next page starts; `None` when this was the last page.
    pub next: Option<ListCursor>,
}

/// What changed for a user since a version (and, for profiles, since a profile clock).
#[derive(Debug, Clone)]
pub struct Changes {
    /// Changed conversations in the list (archived included), those whose peer's or group's
    /// profile changed among them.
    pub changed: Vec<ConversationView>,
    /// Conversations deleted with deletion sync on.
    pub deleted: Vec<ConversationId>,
    /// Messages recalled, or deleted by this user for themself.
    pub messages: Vec<MessageChange>,
    pub version: u64,
    /// The profile clock now: pass it back as the next sync's profile clock.
    pub profile_clock: u64,
    /// The given version is not one this user's list ever had: reload the whole list.
    pub reset_required: bool,
}

/// What became of one message for one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageChange {
    pub conversation: ConversationId,
    pub message_id: i64,
    pub seq: u64,
    pub kind: MessageChangeKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageChangeKind {
    /// Its sender or the app recalled it: every member sees a stub.
    Recalled,
    /// This user deleted it for themself.
    Deleted,
    /// A member changed its payload or custom data: it is as it now is.
    Modified(Box<StoredMessage>),
}

/// A change a user makes to some of their conversations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    MarkRead { up_to: Option<u64> },
    SetUnread(u64),
    Pin(bool),
    Archive(bool),
    ClearHistory,
    Draft(String),
    Mark { mark: u64, enable: bool },
    CustomData(String),
    Remind(RemindType),
}

impl Change {
    /// Pinning or drafting may bring a deleted conversation back; every other change needs it
    /// in the list.
    pub fn needs_listed(&self) -> bool {
        match self {
            Change::Pin(pinned) => !pinned,
            Change::Draft(draft) => draft.is_empty(),
            _ => true,
        }
    }

    /// Whether a topic's conversation, never in the list (`crate::topics`), takes the change:
    /// reading, an unread count, clearing and a remind type do; what only a listed conversation
    /// has (a pin, a draft, archiving, marks, custom data) does not.
    pub fn suits_topics(&self) -> bool {
        matches!(
            self,
            Change::MarkRead { .. }
                | Change::SetUnread(_)
                | Change::ClearHistory
                | Change::Remind(_)
        )
    }

    /// Whether the change can move how far the user read, which one-to-one peers see as their
    /// read receipt (see `crate::receipts`).
    pub fn may_read(&self) -> bool {
        matches!(self, Change::MarkRead { .. } | Change::SetUnread(_))
    }
}

/// A conversation after a change, and whether the change did anything to it.
#[derive(Debug, Clone)]
pub struct Updated {
    pub view: ConversationView,
    pub changed: bool,
}

/// A user's conversation folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    pub name: String,
    pub conversations: Vec<ConversationId>,
}

/// What to do with a user's conversation folders.
#[derive(Debug, Clone)]
pub enum FolderChange {
    Create {
        name: String,
        conversations: Vec<ConversationId>,
    },
    Rename {
        from: String,
        to: String,
    },
    Delete {
        name: String,
    },
    Add {
        name: String,
        conversations: Vec<ConversationId>,
    },
    Remove {
        name: String,
        conversations: Vec<ConversationId>,
    },
}

#[derive(Debug, Clone)]
pub struct ConversationUpdate {
    pub uid: Uid,
    pub conversations: Vec<ConversationId>,
    pub change: Change,
    pub now_ms: i64,
}

/// Which surface a deletion came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Client,
    Server,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Client => "client",
            Via::Server => "server",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Deletion {
    pub uid: Uid,
    pub conversations: Vec<ConversationId>,
    pub clear_history: bool,
    /// Leave the named conversations that are not in the list untouched (their history too).
    pub only_listed: bool,
    /// The app's `sync_conversation_deletion` at the time of the deletion.
    pub synced: bool,
    /// The acting uid, or `manager`.
    pub actor: String,
    pub via: Via,
    pub at_ms: i64,
}

/// What a deletion did.
#[derive(Debug, Clone)]
pub struct Deleted {
    /// The conversations it removed from the list.
    pub conversations: Vec<ConversationView>,
    /// Its audit record.
    pub audit: AuditRecord,
}

/// What a group change did to membership.
#[derive(Debug, Clone, Default)]
pub struct MembershipChange {
    /// Users who became members with this change, for the first time or again (the app
    /// backend's additions).
    pub joined: Vec<Uid>,
    /// Members whose membership ended with this change.
    pub left: Vec<Uid>,
    /// Members whose conversation entered their list with this change (groups joined from a
    /// client).
    pub listed: Vec<Uid>,
    /// Former members who joined again: their conversation changed (a new window, its unread
    /// count from the rejoin on).
    pub rejoined: Vec<Uid>,
    /// The group tip written for a change a member made from a client (`crate::group_tips`).
    pub tip: Option<Sent>,
}

impl MembershipChange {
    /// Whether anyone joined or left: the group's member count moved.
    pub fn moved_members(&self) -> bool {
        !self.joined.is_empty() || !self.left.is_empty()
    }

    /// The members whose conversation changed by joining: rejoined, or newly listed (once
    /// each).
    pub fn changed_members(&self) -> Vec<Uid> {
        let mut members = self.rejoined.clone();
        for uid in &self.listed {
            if !members.contains(uid) {
                members.push(uid.clone());
            }
        }
        members
    }
}

/// One accepted delete call, as written to the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: i64,
    pub at_ms: i64,
    pub actor: String,
    pub uid: String,
    pub conversation_ids: Vec<String>,
    pub clear_history: bool,
    pub via: String,
    pub action: String,
    pub message_ids: Vec<i64>,
}

/// A user's profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserProfile {
    pub uid: Uid,
    pub nick: String,
    pub avatar: String,
    pub custom_fields: std::collections::BTreeMap<String, String>,
    /// Who may add the user as a friend (`crate::friends`).
    pub allow_type: natter_core::friend_rules::AllowType,
    /// Tencent's standard fields, as the user set them.
    pub details: natter_core::profile::ProfileDetails,
}

/// A group's member as the other members see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMemberProfile {
    pub profile: UserProfile,
    /// What sets them apart: admin, muted, a name card.
    pub marks: crate::group_members::Marks,
    /// When they joined the group this time; 0 when they joined before Natter kept it.
    pub joined_ms: i64,
}

/// A group's profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupProfile {
    pub group: natter_core::GroupId,
    pub name: String,
    pub avatar: String,
    /// Tencent's group type (`Private`, `Public`, `ChatRoom`, `AVChatRoom`, `Community`).
    pub group_type: String,
    pub notice: String,
    pub introduction: String,
    /// The user who created the group from a client, while they are in it.
    pub owner: Option<natter_core::Uid>,
    /// The members the owner named admins, by user ID.
    pub admins: Vec<natter_core::Uid>,
    /// `FreeAccess`, `NeedPermission` or `DisableApply`; empty for the type's default.
    pub join_option: String,
    /// Muted for all: only the owner and the admins send (Tencent's `muteAllMembers`).
    pub mute_all: bool,
    pub dismissed: bool,
    /// Current members.
    pub member_count: u64,
    /// Tencent's `groupCustomField`, by key.
    pub custom_fields: std::collections::BTreeMap<String, String>,
    /// The most members it may have (Tencent's `maxMemberNum`); 0: no limit.
    pub max_member_count: u64,
    /// A community that has topics (`crate::topics`).
    pub supports_topics: bool,
}

/// Who takes a message back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recaller {
    /// Its sender, within the recall window.
    Sender(Uid),
    /// The app backend, at any time; `name` is who it says recalls (shown as the revoker).
    App { name: String },
}

/// A request to recall one message.
#[derive(Debug, Clone)]
pub struct Recall {
    pub message_id: i64,
    /// The conversation the message must be in, as the recalling user names it (client API).
    pub conversation: Option<ConversationId>,
    pub by: Recaller,
    /// How long after sending a sender may still recall.
    pub window_ms: i64,
    pub now_ms: i64,
}

/// A member changes a message they can see (Tencent's `modifyMessage`).
#[derive(Debug, Clone)]
pub struct Modification {
    pub by: Uid,
    /// The conversation the message must be in, as the member names it.
    pub conversation: ConversationId,
    pub message_id: i64,
    /// The new payload (compact JSON text), if it changes, with the message's type as the
    /// member gives it: it must be the message's.
    pub payload: Option<(String, String)>,
    /// The new custom data, if it changes.
    pub cloud_custom_data: Option<String>,
    /// The message's version the change was made on: another member's change since refuses it.
    pub version: u64,
}

/// What a change to a message did.
#[derive(Debug, Clone)]
pub struct Modified {
    /// The message as every member now sees it.
    pub message: StoredMessage,
    /// Every user who may see the message, with their conversation after the change.
    pub members: Vec<(Uid, ConversationView)>,
}

/// What a recall did.
#[derive(Debug, Clone)]
pub struct Recalled {
    /// The stub every member now sees.
    pub message: StoredMessage,
    /// Every user who may see the message, with their conversation after the recall. Empty
    /// when the message had been recalled before (nothing changed).
    pub members: Vec<(Uid, ConversationView)>,
}

/// What deleting messages for oneself did.
#[derive(Debug, Clone)]
pub struct DeletedForMe {
    /// The conversation after the deletion.
    pub conversation: ConversationView,
    /// The messages removed from this user's view (those already gone are not repeated).
    pub message_ids: Vec<i64>,
}

/// Whose sender list: a group's, or a user's (who may message them one-to-one), as WuKongIM
/// names them with `channel_type` 2 or 1 and the `channel_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListOwner {
    User(Uid),
    Group(GroupId),
}

impl ListOwner {
    pub fn kind(&self) -> ChannelKind {
        match self {
            Self::User(_) => ChannelKind::Personal,
            Self::Group(_) => ChannelKind::Group,
        }
    }

    pub fn channel(&self) -> &str {
        match self {
            Self::User(uid) => uid.as_str(),
            Self::Group(group) => group.as_str(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedSender {
    pub uid: Uid,
    pub created_ms: i64,
}
