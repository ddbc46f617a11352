//! The embedded SQLite store: one file under the data dir, WAL mode, fsync'd commits shared by
//! concurrent writers (group commit).

mod backup;
mod conversations;
mod folders;
mod groups;
mod messaging;
mod pool;
mod purge;
mod rows;
mod schema;
mod users;

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use natter_core::{ChannelKind, ConversationId, GroupId, Result, Uid};

use crate::{
    AuditRecord, Changes, ConversationPage, ConversationUpdate, ConversationView, Deletion, Device,
    Folder, FolderChange, History, ListQuery, MembershipChange, NewMessage, Sent, Store, TokenHash,
    Updated,
};
use backup::DataDirLock;
pub use backup::{backup, restore};
use pool::{Readers, Writer};

/// The database file's name inside the data dir.
pub const DATABASE_FILE: &str = "natter.sqlite3";
/// Readers beyond this gain nothing on small machines and cost memory.
const READERS: usize = 4;

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot create the data dir {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the database has schema version {found}, newer than this Natter knows ({known}); \
         run the Natter version that wrote it, or restore a backup"
    )]
    NewerSchema { found: usize, known: usize },
    #[error("the data dir {path} is in use by another running natter")]
    InUse { path: PathBuf },
    #[error("{path} already exists; choose a new file")]
    Exists { path: PathBuf },
    #[error("the backup {path} is damaged: {detail}")]
    Damaged { path: PathBuf, detail: String },
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot start the writer thread: {0}")]
    Thread(#[from] std::io::Error),
}

pub struct SqliteStore {
    writer: Writer,
    readers: Readers,
    /// Held until the store closes: one server per data dir.
    lock: std::sync::Mutex<Option<DataDirLock>>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database in `data_dir` and applies migrations.
    pub fn open(data_dir: &Path) -> Result<Self, OpenError> {
        std::fs::create_dir_all(data_dir).map_err(|source| OpenError::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let lock = DataDirLock::acquire(data_dir)?;
        let path = data_dir.join(DATABASE_FILE);
        let mut conn = pool::open_connection(&path, false)?;
        schema::migrate(&mut conn)?;
        let writer = Writer::start(conn)?;
        let readers = Readers::open(&path, READERS)?;
        Ok(Self {
            writer,
            readers,
            lock: std::sync::Mutex::new(Some(lock)),
        })
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn set_device_token(
        &self,
        device: Device,
        token_hash: TokenHash,
        now_ms: i64,
    ) -> Result<()> {
        self.writer
            .write(move |conn| users::set_device_token(conn, &device, &token_hash, now_ms))
            .await
    }

    async fn device_by_token(&self, token_hash: TokenHash) -> Result<Option<Device>> {
        self.readers
            .read(move |conn| users::device_by_token(conn, &token_hash))
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
        self.writer
            .write(move |conn| {
                groups::upsert(
                    conn,
                    &group,
                    &members,
                    reset,
                    new_members_see_history,
                    now_ms,
                )
            })
            .await
    }

    async fn add_members(&self, group: GroupId, members: Vec<Uid>) -> Result<()> {
        self.writer
            .write(move |conn| groups::add_members(conn, &group, &members))
            .await
    }

    async fn remove_members(&self, group: GroupId, members: Vec<Uid>) -> Result<MembershipChange> {
        self.writer
            .write(move |conn| groups::remove_members(conn, &group, &members))
            .await
    }

    async fn leave_group(&self, group: GroupId, uid: Uid) -> Result<MembershipChange> {
        self.writer
            .write(move |conn| groups::leave_group(conn, &group, &uid))
            .await
    }

    async fn dismiss_group(&self, group: GroupId) -> Result<MembershipChange> {
        self.writer
            .write(move |conn| groups::dismiss(conn, &group))
            .await
    }

    async fn send_message(&self, message: NewMessage) -> Result<Sent> {
        self.writer
            .write(move |conn| messaging::send(conn, message))
            .await
    }

    async fn send_notices(
        &self,
        uids: Vec<Uid>,
        payload: String,
        time_ms: i64,
    ) -> Result<Vec<Sent>> {
        self.writer
            .write(move |conn| {
                uids.iter()
                    .map(|uid| messaging::send_notice(conn, uid, payload.clone(), time_ms))
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
        self.readers
            .read(move |conn| messaging::history(conn, &uid, &conversation, before, limit))
            .await
    }

    async fn list_conversations(&self, uid: Uid, query: ListQuery) -> Result<ConversationPage> {
        self.readers
            .read(move |conn| conversations::list(conn, &uid, &query))
            .await
    }

    async fn conversation(
        &self,
        uid: Uid,
        conversation: ConversationId,
    ) -> Result<Option<ConversationView>> {
        self.readers
            .read(move |conn| conversations::get(conn, &uid, &conversation))
            .await
    }

    async fn total_unread(&self, uid: Uid) -> Result<u64> {
        self.readers
            .read(move |conn| conversations::total_unread(conn, &uid))
            .await
    }

    async fn changes_since(&self, uid: Uid, since: u64) -> Result<Changes> {
        self.readers
            .read(move |conn| conversations::changes_since(conn, &uid, since))
            .await
    }

    async fn update_conversations(&self, update: ConversationUpdate) -> Result<Vec<Updated>> {
        self.writer
            .write(move |conn| conversations::update(conn, &update))
            .await
    }

    async fn mark_all_read(
        &self,
        uid: Uid,
        kind: Option<ChannelKind>,
    ) -> Result<Vec<ConversationView>> {
        self.writer
            .write(move |conn| conversations::mark_all_read(conn, &uid, kind))
            .await
    }

    async fn folders(&self, uid: Uid) -> Result<Vec<Folder>> {
        self.readers
            .read(move |conn| folders::list(conn, &uid))
            .await
    }

    async fn change_folders(
        &self,
        uid: Uid,
        change: FolderChange,
        now_ms: i64,
    ) -> Result<Vec<ConversationView>> {
        self.writer
            .write(move |conn| folders::change(conn, &uid, &change, now_ms))
            .await
    }

    async fn restore_deleted(
        &self,
        uid: Uid,
        conversation: ConversationId,
    ) -> Result<ConversationView> {
        self.writer
            .write(move |conn| conversations::restore_deleted(conn, &uid, &conversation))
            .await
    }

    async fn delete_conversations(&self, deletion: Deletion) -> Result<Vec<ConversationView>> {
        self.writer
            .write(move |conn| conversations::delete(conn, &deletion))
            .await
    }

    async fn audit_log(
        &self,
        uid: Option<Uid>,
        before_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditRecord>> {
        self.readers
            .read(move |conn| conversations::audit_log(conn, uid.as_ref(), before_id, limit))
            .await
    }

    async fn purge(&self, batch: u32, older_than_ms: Option<i64>) -> Result<u64> {
        let mut deleted = 0;
        for target in self.readers.read(purge::purgeable).await? {
            loop {
                let purged = self
                    .writer
                    .write(move |conn| purge::purge_batch(conn, target, batch))
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
                    .writer
                    .write(move |conn| purge::expire_batch(conn, cutoff, batch))
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
        self.readers
            .read(move |conn| users::setting(conn, key))
            .await
    }

    async fn set_setting(&self, key: &'static str, value: String) -> Result<()> {
        self.writer
            .write(move |conn| users::set_setting(conn, key, &value))
            .await
    }

    async fn close(&self) {
        self.writer.close();
        self.lock.lock().expect("lock mutex").take();
    }
}
