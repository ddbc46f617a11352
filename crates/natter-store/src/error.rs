//! What can go wrong in the store, as facts about the data rather than as client-facing text.
//! The service words each of them for clients in one place (`natter-service`'s `errors.rs`).

use natter_core::{ConversationId, GroupId, Uid};

use crate::StoredMessage;

/// Which part a user plays in the call that named them, so the service can say which field
/// named an unknown user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserRole {
    /// The sender of a message.
    Sender,
    /// The peer of a one-to-one conversation.
    Peer,
    /// A group member being added.
    Member,
    /// A recipient of a system notice.
    NoticeRecipient,
    /// The user whose blacklist or whitelist is named.
    ListOwner,
    /// A member a client starts a group with.
    FirstMember,
    /// The user someone adds as a friend.
    FriendTarget,
    /// The user whose friend list the app backend changes.
    FriendListOwner,
    /// A user the app backend puts in someone's friend list.
    ImportedFriend,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("no token was ever issued for user {uid} ({role:?})")]
    UnknownUser { uid: Uid, role: UserRole },
    #[error("group {0} does not exist")]
    UnknownGroup(GroupId),
    #[error("{uid} was never a member of group {group}")]
    NeverAMember { uid: Uid, group: GroupId },
    #[error("{adder} may not add {target} as a friend: {refusal:?}")]
    FriendRefused {
        adder: Uid,
        target: Uid,
        refusal: natter_core::friend_rules::AddRefusal,
    },
    #[error("{friend} is not in the friend list of {uid}")]
    NotAFriend { uid: Uid, friend: Uid },
    #[error("{from} has no friend request to {to}")]
    NoSuchFriendRequest { from: Uid, to: Uid },
    #[error("{uid} has a friend group {name:?} already")]
    FriendGroupExists { uid: Uid, name: String },
    #[error("{uid} has no friend group {name:?}")]
    NoSuchFriendGroup { uid: Uid, name: String },
    #[error("{uid} has {limit} friend groups already")]
    FriendGroupLimit { uid: Uid, limit: usize },
    #[error("the friend list of {uid} holds {limit} users already")]
    FriendLimit { uid: Uid, limit: usize },
    #[error("{applicant} has no request to join group {group}")]
    NoSuchApplication { group: GroupId, applicant: Uid },
    #[error("{uid} is no longer a member of group {group}")]
    NoLongerAMember { uid: Uid, group: GroupId },
    /// A member of a dismissed group tried to send: its conversations are read-only.
    #[error("group {0} was dismissed")]
    GroupDismissed(GroupId),
    /// Members can only be added once the group is created again.
    #[error("group {0} was dismissed; members cannot be added")]
    AddingToDismissedGroup(GroupId),
    #[error("{0} tried to message themself")]
    MessageToSelf(Uid),
    #[error("{uid} is on the blacklist of {conversation}")]
    InBlacklist {
        uid: Uid,
        conversation: ConversationId,
    },
    /// A member sent to a group while their mute there lasts, until `until_ms`, or while the
    /// group is muted for all but its owner and admins (`None`) (`crate::group_members`).
    #[error("{uid} is muted in group {group} until {until_ms:?}")]
    Muted {
        uid: Uid,
        group: GroupId,
        until_ms: Option<i64>,
    },
    #[error("{conversation} has a whitelist without {uid}")]
    NotInWhitelist {
        uid: Uid,
        conversation: ConversationId,
    },
    #[error("a user tried to send to their system conversation")]
    SystemIsAppOnly,
    /// `sender` is `None` for the app backend's own messages (an empty `from_uid`).
    #[error("{sender:?} reused the client message number {number:?} in another conversation")]
    ClientMsgNoReused { sender: Option<Uid>, number: String },
    #[error("there is no message {0}")]
    NoSuchMessage(i64),
    #[error("message {message_id} is not in {conversation}")]
    MessageNotInConversation {
        conversation: ConversationId,
        message_id: i64,
    },
    #[error("{uid} did not send message {message_id}")]
    NotTheSender { uid: Uid, message_id: i64 },
    #[error("message {} changed since the version the change was made on", .0.id)]
    ModifiedMeanwhile(Box<StoredMessage>),
    #[error("message {0} was recalled")]
    RecalledMessage(i64),
    #[error("{uid} reacted to message {message_id} with {reaction_id:?} already")]
    AlreadyReacted {
        uid: Uid,
        message_id: i64,
        reaction_id: String,
    },
    #[error("{uid} has not reacted to message {message_id} with {reaction_id:?}")]
    NotReacted {
        uid: Uid,
        message_id: i64,
        reaction_id: String,
    },
    #[error("{uid} would have more than {limit} custom fields in group {group}")]
    MemberFieldLimit {
        uid: Uid,
        group: GroupId,
        limit: usize,
    },
    #[error("{uid} was removed from group {group} and may not join it until {until_ms}")]
    BannedFromGroup {
        uid: Uid,
        group: GroupId,
        until_ms: i64,
    },
    #[error("group {group} would have more than its {limit} members")]
    GroupFull { group: GroupId, limit: u64 },
    #[error("group {group} is a {group_type} group, which takes no targeted messages")]
    TargetedNotInGroupType { group: GroupId, group_type: String },
    #[error("{uid}, a receiver of a targeted message, is not a member of group {group}")]
    ReceiverNotAMember { uid: Uid, group: GroupId },
    #[error("{uid}'s entry of {friend} would have more than {limit} custom fields")]
    FriendFieldLimit { uid: Uid, friend: Uid, limit: usize },
    #[error("group {group} would have more than {limit} custom fields")]
    GroupFieldLimit { group: GroupId, limit: usize },
    #[error("message {message_id} would have more than {limit} extensions")]
    ExtensionLimit { message_id: i64, limit: usize },
    #[error("group {group}'s attributes would pass their limits")]
    AttributeLimit { group: GroupId },
    #[error("group {group} would have more than {limit} counters")]
    CounterLimit { group: GroupId, limit: usize },
    #[error("counter {key:?} of group {group} would leave 64 bits")]
    CounterOverflow { group: GroupId, key: String },
    #[error("group {group} has {limit} pinned messages already")]
    PinnedMessageLimit { group: GroupId, limit: usize },
    #[error("message {message_id} has {limit} different reactions already")]
    ReactionLimit { message_id: i64, limit: usize },
    #[error("{limit} users reacted to message {message_id} with {reaction_id:?} already")]
    ReactionUserLimit {
        message_id: i64,
        reaction_id: String,
        limit: usize,
    },
    #[error("a {message_type} message's payload cannot be changed")]
    PayloadNotModifiable { message_type: String },
    #[error("message {message_id} is a {message_type}, not a {given}")]
    OtherMessageType {
        message_id: i64,
        message_type: String,
        given: String,
    },
    #[error("message {message_id} is older than the recall window")]
    RecallWindowPassed { message_id: i64, window_ms: i64 },
    #[error("message {message_id} is not in {conversation}")]
    UnknownMessage {
        conversation: ConversationId,
        message_id: i64,
    },
    #[error("{uid} has no conversation {conversation} in their list")]
    NotListed {
        uid: Uid,
        conversation: ConversationId,
    },
    #[error("{uid} already has the most pinned conversations")]
    PinLimit { uid: Uid, limit: usize },
    #[error("{uid} would have more than {limit} custom profile fields")]
    CustomFieldLimit { uid: Uid, limit: usize },
    #[error("the token is already held by another device")]
    TokenTaken,
    #[error("{uid} already has a folder {name:?}")]
    FolderExists { uid: Uid, name: String },
    #[error("{uid} already has a folder {name:?} to rename to")]
    RenameTargetExists { uid: Uid, name: String },
    #[error("{uid} already has the most folders")]
    FolderLimit { uid: Uid, limit: usize },
    #[error("{uid} has no folder {name:?}")]
    UnknownFolder { uid: Uid, name: String },
    /// As [`StoreError::UnknownFolder`], for the folder a rename starts from: the request
    /// names it in another field than the folder of every other change.
    #[error("{uid} has no folder {name:?} to rename")]
    UnknownRenameSource { uid: Uid, name: String },
    #[error("{uid} never had the conversation {conversation}")]
    NeverHadConversation {
        uid: Uid,
        conversation: ConversationId,
    },
    #[error("{uid}'s conversation {conversation} is listed; nothing to restore")]
    NothingToRestore {
        uid: Uid,
        conversation: ConversationId,
    },
    #[error("{uid}'s conversation {conversation} was deleted with its history cleared")]
    HistoryWasCleared {
        uid: Uid,
        conversation: ConversationId,
    },
    #[error("no deletion of {conversation} by {uid} is on record")]
    NoDeletionOnRecord {
        uid: Uid,
        conversation: ConversationId,
    },
    /// The database cannot serve now (disk full, busy, unreachable); retrying later may work.
    #[error("{reason}: {detail}")]
    Unavailable { reason: Unavailable, detail: String },
    #[error("group {0} already exists")]
    GroupExists(GroupId),
    #[error("community {community} has no topic {topic}")]
    UnknownTopic { community: GroupId, topic: GroupId },
    #[error("topic {0} already exists")]
    TopicExists(GroupId),
    #[error("group {0} has no topics")]
    NoTopics(GroupId),
    #[error("community {community} has {limit} topics already")]
    TopicLimit { community: GroupId, limit: usize },
    /// A group's ID that names a topic (`natter_core::ids::TOPIC_MARK`), given where a group of
    /// its own would be made or changed.
    #[error("{0} is a topic's ID")]
    TopicIdForGroup(GroupId),
    /// A change to a member of a topic other than a mute: their role, name card and custom
    /// fields are their community's.
    #[error("{0} is a topic, whose members are only muted")]
    TopicMemberChange(GroupId),
    /// A change a topic's conversation cannot take: it is never in the conversation list.
    #[error("{0} is a topic's conversation")]
    TopicNotInList(ConversationId),
    /// The group's rules (`natter_core::group_rules`) do not let this user do this; the error
    /// says why, for the client.
    #[error("{0}")]
    RefusedByGroupRules(natter_core::Error),
    /// A bug or a damaged database; the detail is for the log only.
    #[error("{0}")]
    Internal(String),
}

/// Why the database cannot serve now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unavailable {
    #[error("the disk is full")]
    DiskFull,
    #[error("the database is busy")]
    Busy,
    #[error("the database cannot be written")]
    ReadOnly,
    #[error("the database cannot be reached")]
    Unreachable,
    #[error("the database did not answer in time")]
    TooSlow,
    #[error("the store is closing")]
    Closing,
}

impl StoreError {
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::Internal(detail.to_string())
    }

    pub fn unavailable(reason: Unavailable, detail: impl std::fmt::Display) -> Self {
        Self::Unavailable {
            reason,
            detail: detail.to_string(),
        }
    }
}

/// A stored identifier that no longer parses means a damaged row: an internal error.
impl From<natter_core::Error> for StoreError {
    fn from(error: natter_core::Error) -> Self {
        Self::Internal(error.to_string())
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
