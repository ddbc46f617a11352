//! The store written once in SQL for both databases: the queries and rules of every operation
//! ([`rows`], [`messaging`], [`conversations`], …) run on a [`Db`], and a [`Backend`] gives
//! them connections and transactions. [`SqlStore`] puts the two together as a [`Store`].

mod conversations;
mod db;
mod folders;
mod groups;
mod messaging;
mod purge;
mod rows;
mod users;

use std::future::Future;

use async_trait::async_trait;
use natter_core::{ChannelKind, ConversationId, GroupId, Result, Uid};

pub(crate) use db::params;
pub use db::{Cell, Db, Dialect, FromCell, Row, Value};

use crate::{
    AuditRecord, Changes, ConversationPage, ConversationUpdate, ConversationView, Deletion, Device,
    Folder, FolderChange, History, ListQuery, MembershipChange, NewMessage, Sent, Store, TokenHash,
    Updated,
};

/// Connections and transactions of one database.
pub trait Backend: Send + Sync + 'static {
    /// Runs `work` in a transaction that is committed durably before this returns; an error
    /// from `work` undoes everything it did. `work` may run more than once (PostgreSQL retries
    /// a transaction that lost a conflict with another node), so it must only touch the
    /// database.
    fn write<T: Send + 'static>(
        &self,
        work: impl Fn(&dyn Db) -> Result<T> + Send + Sync + 'static,
    ) -> impl Future<Output = Result<T>> + Send;
    /// Runs `work` on a connection that sees committed data.
    fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&dyn Db) -> Result<T> + Send + 'static,
    ) -> impl Future<Output = Result<T>> + Send;
    /// Finishes every accepted write and closes the connections.
    fn close(&self) -> impl Future<Output = ()> + Send;
}

/// The [`Store`] on any [`Backend`].
pub struct SqlStore<B> {
    backend: B,
}

impl<B: Backend> SqlStore<B> {
    pub(crate) fn new(backend: B) -> Self {
        Self { backend }
    }
}

#[async_trait]
impl<B: Backend> Store for SqlStore<B> {
    async fn set_device_token(
        &self,
        device: Device,
        token_hash: TokenHash,
        now_ms: i64,
    ) -> Result<()> {
        self.backend
            .write(move |db| users::set_device_token(db, &device, &token_hash, now_ms))
            .await
    }

    async fn device_by_token(&self, token_hash: TokenHash) -> Result<Option<Device>> {
        self.backend
            .read(move |db| users::device_by_token(db, &token_hash))
            .await
    }

    async fn upsert_group(
        &self,
        group: GroupId,
        members: Vec<Uid>,
        reset: bool,
        new_members_see_history: Option<bool>,
        now_ms: i64,
    ) -> Result<MembershipChange> {
        self.backend
            .write(move |db| {
                groups::upsert(db, &group, &members, reset, new_members_see_history, now_ms)
            })
            .await
    }

    async fn add_members(&self, group: GroupId, members: Vec<Uid>) -> Result<()> {
        self.backend
            .write(move |db| groups::add_members(db, &group, &members))
            .await
    }

    async fn remove_members(&self, group: GroupId, members: Vec<Uid>) -> Result<MembershipChange> {
        self.backend
            .write(move |db| groups::remove_members(db, &group, &members))
            .await
    }

    async fn leave_group(&self, group: GroupId, uid: Uid) -> Result<MembershipChange> {
        self.backend
            .write(move |db| groups::leave_group(db, &group, &uid))
            .await
    }

    async fn dismiss_group(&self, group: GroupId) -> Result<MembershipChange> {
        self.backend
            .write(move |db| groups::dismiss(db, &group))
            .await
    }

    async fn send_message(&self, message: NewMessage) -> Result<Sent> {
        self.backend
            .write(move |db| messaging::send(db, &message))
            .await
    }

    async fn send_notices(
        &self,
        uids: Vec<Uid>,
        payload: String,
        time_ms: i64,
    ) -> Result<Vec<Sent>> {
        self.backend
            .write(move |db| {
                uids.iter()
                    .map(|uid| messaging::send_notice(db, uid, &payload, time_ms))
                    .collect()
            })
            .await
    }

    async fn history(
        &self,
        uid: Uid,
        conversation: ConversationId,
        before: Option<u64>,
        limit: u32,
    ) -> Result<History> {
        self.backend
            .read(move |db| messaging::history(db, &uid, &conversation, before, limit))
            .await
    }

    async fn list_conversations(&self, uid: Uid, query: ListQuery) -> Result<ConversationPage> {
        self.backend
            .read(move |db| conversations::list(db, &uid, &query))
            .await
    }

    async fn conversation(
        &self,
        uid: Uid,
        conversation: ConversationId,
    ) -> Result<Option<ConversationView>> {
        self.backend
            .read(move |db| conversations::get(db, &uid, &conversation))
            .await
    }

    async fn total_unread(&self, uid: Uid) -> Result<u64> {
        self.backend
            .read(move |db| conversations::total_unread(db, &uid))
            .await
    }

    async fn changes_since(&self, uid: Uid, since: u64) -> Result<Changes> {
        self.backend
            .read(move |db| conversations::changes_since(db, &uid, since))
            .await
    }

    async fn update_conversations(&self, update: ConversationUpdate) -> Result<Vec<Updated>> {
        self.backend
            .write(move |db| conversations::update(db, &update))
            .await
    }

    async fn mark_all_read(
        &self,
        uid: Uid,
        kind: Option<ChannelKind>,
    ) -> Result<Vec<ConversationView>> {
        self.backend
            .write(move |db| conversations::mark_all_read(db, &uid, kind))
            .await
    }

    async fn folders(&self, uid: Uid) -> Result<Vec<Folder>> {
        self.backend.read(move |db| folders::list(db, &uid)).await
    }

    async fn change_folders(
        &self,
        uid: Uid,
        change: FolderChange,
        now_ms: i64,
    ) -> Result<Vec<ConversationView>> {
        self.backend
            .write(move |db| folders::change(db, &uid, &change, now_ms))
            .await
    }

    async fn restore_deleted(
        &self,
        uid: Uid,
        conversation: ConversationId,
    ) -> Result<ConversationView> {
        self.backend
            .write(move |db| conversations::restore_deleted(db, &uid, &conversation))
            .await
    }

    async fn delete_conversations(&self, deletion: Deletion) -> Result<Vec<ConversationView>> {
        self.backend
            .write(move |db| conversations::delete(db, &deletion))
            .await
    }

    async fn audit_log(
        &self,
        uid: Option<Uid>,
        before_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditRecord>> {
        self.backend
            .read(move |db| conversations::audit_log(db, uid.as_ref(), before_id, limit))
            .await
    }

    async fn purge(&self, batch: u32, older_than_ms: Option<i64>) -> Result<u64> {
        let mut deleted = 0;
        for target in self.backend.read(purge::purgeable).await? {
            loop {
                let purged = self
                    .backend
                    .write(move |db| purge::purge_batch(db, target, batch))
                    .await?;
                deleted += purged;
                if purged < u64::from(batch) {
                    break;
                }
            }
        }
        if let Some(cutoff) = older_than_ms {
            loop {
                let expired = self
                    .backend
                    .write(move |db| purge::expire_batch(db, cutoff, batch))
                    .await?;
                deleted += expired;
                if expired < u64::from(batch) {
                    break;
                }
            }
        }
        Ok(deleted)
    }

    async fn setting(&self, key: &'static str) -> Result<Option<String>> {
        self.backend.read(move |db| users::setting(db, key)).await
    }

    async fn set_setting(&self, key: &'static str, value: String) -> Result<()> {
        self.backend
            .write(move |db| users::set_setting(db, key, &value))
            .await
    }

    async fn close(&self) {
        self.backend.close().await;
    }
}
