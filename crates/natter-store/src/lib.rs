//! Storage for Natter: the [`Store`] trait the service layer talks to, written once in SQL
//! ([`sql`]) and run on embedded SQLite ([`sqlite`], the default) or PostgreSQL ([`postgres`],
//! for several nodes sharing one database).
//!
//! A store applies the conversation rules of `natter_core::rules` inside its transactions: it
//! loads a conversation's state, lets the rule change it, and saves it with a fresh version.

mod model;
pub mod postgres;
pub mod sql;
pub mod sqlite;

use async_trait::async_trait;
use natter_core::{ChannelKind, ConversationId, GroupId, Result, Uid};

pub use model::*;

/// Everything the service needs from storage. Every write is one transaction: it is applied
/// whole or not at all, and is durable (fsync'd) before the call returns.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Creates the user if new and sets the token of one of its devices.
    async fn set_device_token(
        &self,
        device: Device,
        token_hash: TokenHash,
        now_ms: i64,
    ) -> Result<()>;
    /// The device whose token hashes to `token_hash`, compared in constant time.
    async fn device_by_token(&self, token_hash: TokenHash) -> Result<Option<Device>>;

    /// Creates the group or adds members; with `reset`, the listed members become the only ones.
    /// `new_members_see_history`, when given, sets whether joiners see earlier history.
    async fn upsert_group(
        &self,
        group: GroupId,
        members: Vec<Uid>,
        reset: bool,
        new_members_see_history: Option<bool>,
        now_ms: i64,
    ) -> Result<MembershipChange>;
    /// Adds members to an existing group.
    async fn add_members(&self, group: GroupId, members: Vec<Uid>) -> Result<()>;
    /// Removes members: each keeps a read-only conversation with history up to now.
    async fn remove_members(&self, group: GroupId, members: Vec<Uid>) -> Result<MembershipChange>;
    /// A member leaves the group by themself.
    async fn leave_group(&self, group: GroupId, uid: Uid) -> Result<MembershipChange>;
    /// Dismisses a group: every member keeps a read-only conversation.
    async fn dismiss_group(&self, group: GroupId) -> Result<MembershipChange>;

    /// Appends a message to its channel with the next seq and updates every member's
    /// conversation. A repeated `client_msg_no` from the same sender returns the first message.
    async fn send_message(&self, message: NewMessage) -> Result<Sent>;
    /// Appends a notice from the app to each user's system conversation (`@TIM#SYSTEM`), all
    /// or nothing.
    async fn send_notices(
        &self,
        uids: Vec<Uid>,
        payload: String,
        time_ms: i64,
    ) -> Result<Vec<Sent>>;
    /// Messages of one conversation that this user may see, newest `limit` before `before`.
    async fn history(
        &self,
        uid: Uid,
        conversation: ConversationId,
        before: Option<u64>,
        limit: u32,
    ) -> Result<History>;

    async fn list_conversations(&self, uid: Uid, query: ListQuery) -> Result<ConversationPage>;
    /// The conversation if it is in the user's list (archived included).
    async fn conversation(
        &self,
        uid: Uid,
        conversation: ConversationId,
    ) -> Result<Option<ConversationView>>;
    async fn total_unread(&self, uid: Uid) -> Result<u64>;
    async fn changes_since(&self, uid: Uid, since: u64) -> Result<Changes>;

    /// Applies one change to conversations of one user, all or nothing.
    async fn update_conversations(&self, update: ConversationUpdate) -> Result<Vec<Updated>>;
    /// Marks every listed conversation of one kind (all kinds: `None`) read; returns the ones
    /// that changed.
    async fn mark_all_read(
        &self,
        uid: Uid,
        kind: Option<ChannelKind>,
    ) -> Result<Vec<ConversationView>>;
    async fn folders(&self, uid: Uid) -> Result<Vec<Folder>>;
    /// Changes the user's folders; returns the conversations whose folder list changed.
    async fn change_folders(
        &self,
        uid: Uid,
        change: FolderChange,
        now_ms: i64,
    ) -> Result<Vec<ConversationView>>;
    /// Brings back a conversation deleted with its history kept, with the read position and
    /// preferences it had (from the deletion's audit snapshot).
    async fn restore_deleted(
        &self,
        uid: Uid,
        conversation: ConversationId,
    ) -> Result<ConversationView>;
    /// Deletes conversations of one user and writes the audit record, in one transaction.
    async fn delete_conversations(&self, deletion: Deletion) -> Result<Vec<ConversationView>>;
    async fn audit_log(
        &self,
        uid: Option<Uid>,
        before_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditRecord>>;

    /// Physically deletes, in one small batch, messages no one can see any more (everyone who
    /// could see them cleared past them) and, with a cutoff, messages older than it. Returns
    /// how many were deleted; call again while it returns a full batch.
    async fn purge(&self, batch: u32, older_than_ms: Option<i64>) -> Result<u64>;

    async fn setting(&self, key: &'static str) -> Result<Option<String>>;
    async fn set_setting(&self, key: &'static str, value: String) -> Result<()>;

    /// Finishes every accepted write and closes the database.
    async fn close(&self);
}
