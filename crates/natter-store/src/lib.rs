//! Storage for Natter, written once in SQL and run on embedded SQLite ([`sqlite`], the default)
//! or PostgreSQL ([`postgres`], for several nodes sharing one database).
//!
//! Each module holds the queries and rules of one concept ([`messaging`], [`conversations`],
//! [`groups`], [`folders`], [`users`], [`sender_lists`], [`purge`], [`webhooks`]) as functions
//! over a [`Db`]. The service runs them inside [`Store::write`] (one durable transaction) or [`Store::read`], so it decides what
//! one transaction holds. Those functions apply the conversation rules of `natter_core::rules`:
//! they load a conversation's state, let the rule change it, and save it with a fresh version.

pub mod conversations;
mod db;
pub mod directory;
pub mod editing;
mod error;
pub mod files;
pub mod folders;
pub mod follows;
pub mod friend_groups;
pub mod friends;
pub mod group_applications;
pub mod group_attributes;
pub mod group_counters;
pub mod group_members;
mod group_tips;
pub mod groups;
mod locks;
mod mentions;
pub mod message_extensions;
pub mod message_receipts;
pub mod messaging;
mod model;
pub mod pinned_messages;
pub mod postgres;
pub mod presence;
pub mod profiles;
pub mod purge;
pub mod reactions;
mod receipts;
pub mod receive_options;
pub mod removal;
mod rows;
mod schema;
pub mod search;
pub mod sender_lists;
pub mod settings;
pub mod sqlite;
pub mod status;
pub mod system_accounts;
#[cfg(test)]
mod test_stores;
pub mod topics;
#[cfg(test)]
mod unread_total_tests;
pub mod users;
mod views;
pub mod webhooks;

pub use db::{Cell, Columns, Db, Dialect, FromCell, Row, Value};
pub use error::{Result, StoreError, Unavailable, UserRole};
pub use model::*;
pub use receipts::Receipt;

/// The database: every read and write of the service goes through here.
pub struct Store {
    backend: Backend,
}

enum Backend {
    Sqlite(sqlite::Sqlite),
    Postgres(postgres::Postgres),
}

impl Store {
    /// Runs `work` in a transaction that is committed durably (fsync'd) before this returns;
    /// an error from `work` undoes everything it did. `work` may run more than once (PostgreSQL
    /// retries a transaction that lost a conflict with another node), so it must only touch
    /// the database. Once accepted, the write completes even if the caller stops waiting.
    pub async fn write<T: Send + 'static>(
        &self,
        work: impl Fn(&dyn Db) -> Result<T> + Send + Sync + 'static,
    ) -> Result<T> {
        match &self.backend {
            Backend::Sqlite(sqlite) => sqlite.write(work).await,
            Backend::Postgres(postgres) => postgres.write(work).await,
        }
    }

    /// Runs `work` on a connection that sees committed data.
    pub async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&dyn Db) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        match &self.backend {
            Backend::Sqlite(sqlite) => sqlite.read(work).await,
            Backend::Postgres(postgres) => postgres.read(work).await,
        }
    }

    /// Appends the store's own series to the Prometheus text of `GET /metrics`: on SQLite how
    /// long its commits and checkpoints take; none on PostgreSQL, which has its own statistics.
    pub fn render_metrics(&self, text: &mut String) {
        match &self.backend {
            Backend::Sqlite(sqlite) => sqlite.render_metrics(text),
            Backend::Postgres(_) => {}
        }
    }

    /// Finishes every accepted write and closes the database.
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(sqlite) => sqlite.close().await,
            Backend::Postgres(postgres) => postgres.close().await,
        }
    }
}
