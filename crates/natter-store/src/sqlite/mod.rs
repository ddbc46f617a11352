//! The embedded SQLite store: one file under the data dir, WAL mode, fsync'd commits shared by
//! concurrent writers (group commit).

mod backup;
mod db;
mod disk_timings;
mod pool;
mod schema;

use std::path::{Path, PathBuf};

use crate::{Backend, Db, Result, Store};
use backup::DataDirLock;
pub use backup::{backup, restore};
pub use disk_timings::SLOW_BATCH;
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

/// The embedded database: one writer thread, a few readers, and the data dir's lock.
pub struct Sqlite {
    writer: Writer,
    readers: Readers,
    /// Held until the store closes: one server per data dir.
    lock: std::sync::Mutex<Option<DataDirLock>>,
}

impl Store {
    /// Opens (creating if needed) the SQLite database in `data_dir` and applies migrations.
    pub fn open_sqlite(data_dir: &Path) -> Result<Self, OpenError> {
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
        Ok(Store {
            backend: Backend::Sqlite(Sqlite {
                writer,
                readers,
                lock: std::sync::Mutex::new(Some(lock)),
            }),
        })
    }
}

impl Sqlite {
    /// One writer runs every write, so a write never conflicts and runs exactly once.
    pub(crate) async fn write<T: Send + 'static>(
        &self,
        work: impl Fn(&dyn Db) -> Result<T> + Send + Sync + 'static,
    ) -> Result<T> {
        self.writer.write(work).await
    }

    pub(crate) async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&dyn Db) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        self.readers.read(work).await
    }

    /// The writer's commit and checkpoint times, for `GET /metrics`.
    pub(crate) fn render_metrics(&self, text: &mut String) {
        self.writer.timings().render_into(text);
    }

    pub(crate) async fn close(&self) {
        self.writer.close().await;
        self.lock.lock().expect("lock mutex").take();
    }
}
