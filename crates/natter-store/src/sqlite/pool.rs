//! The SQLite connections: one writer thread that batches concurrent writes into one
//! transaction and one fsync (group commit), and a small pool of readers (WAL lets them read
//! while the writer writes).

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Instant;

use super::db::{CachedConnection, db_error};
use super::disk_timings::{BatchTimes, CheckpointRun, DiskTimings};
use crate::{Db, Result, StoreError, Unavailable};
use rusqlite::config::DbConfig;
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OpenFlags};
use tokio::sync::{Semaphore, mpsc, oneshot};

/// The most writes that share one transaction. Large enough to amortise the fsync, small enough
/// that one batch never holds the write lock for long.
const MAX_BATCH: usize = 256;
/// Writes that may wait for the writer before senders are made to wait (backpressure).
const WRITE_QUEUE: usize = 4096;
/// Commits between two requests for a checkpoint: SQLite's own default is about 1,000 pages
/// of WAL, and a commit writes a few to a few dozen.
const COMMITS_PER_CHECKPOINT: u32 = 32;
/// Commits between two restarts of the WAL by the writer ([`restart_log`]).
const COMMITS_PER_LOG_RESTART: u32 = 8 * COMMITS_PER_CHECKPOINT;
pub(crate) fn open_connection(path: &Path, read_only: bool) -> rusqlite::Result<Connection> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = Connection::open_with_flags(path, flags)?;
    // FULL: a commit is fsync'd before it is acknowledged, so a power cut loses nothing that
    // was acknowledged (docs/design.md, "Durability").
    // secure_delete: what a recall or a purge removes is overwritten in the database file,
    // not only unlinked, so a recalled payload is gone from disk (from the WAL too, once the
    // next checkpoint has run).
    // temp_store: the journal of a savepoint (a write run alone, see `commit_batch`) or of a
    // statement that may fail halfway is a temporary file of the pages changed; once it passes
    // 64 KiB SQLite writes it out, and when every write had a savepoint those writes were a
    // third of the writer thread's time. In memory it is never written (it is discarded at
    // commit, so nothing durable depends on it).
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA busy_timeout = 5000;
         PRAGMA foreign_keys = ON;
         PRAGMA secure_delete = ON;
         PRAGMA temp_store = MEMORY;",
    )?;
    // The query planner stability guarantee: without it SQLite plans a statement with a bound
    // `LIMIT $N` (a list page, a history page) around the value bound, and so marks the cached
    // statement expired whenever that parameter is bound again. Every list call then parsed and
    // planned its main query anew, about a tenth of its cost. Natter binds no value whose plan
    // should differ (no `LIKE` patterns, no partial index matched by a parameter).
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    conn.set_prepared_statement_cache_capacity(64);
    register_fold(&conn)?;
    Ok(conn)
}

/// `natter_fold(text)`, the case folding searches compare by (`natter_core::search::fold`):
/// SQLite's own `lower` folds A–Z only.
fn register_fold(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "natter_fold",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |context| {
            let text = context.get_raw(0).as_str_or_null()?;
            Ok(text.map(natter_core::search::fold))
        },
    )
}

/// A write queued for the writer: run inside its batch's transaction (twice where the batch's
/// first attempt had to be undone, see [`commit_batch`]), then told how the batch ended.
trait Job: Send {
    /// Runs the write plainly, in the batch's transaction. Returns whether it failed after
    /// changing rows, which leaves those changes in the transaction of every write in the
    /// batch.
    fn run(&mut self, conn: &CachedConnection<'_>) -> Spoiled;
    /// Runs the write in a savepoint of its own, so that a failure undoes its changes alone.
    fn run_alone(&mut self, conn: &CachedConnection<'_>);
    /// Replies with what the write returned, or with the error that kept its batch from
    /// committing.
    fn reply(self: Box<Self>, committed: Result<()>);
}

/// Whether a write that failed left changes behind it in the batch's transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spoiled {
    No,
    Yes,
}

/// A write and where its caller waits for it.
struct Write<T, F> {
    work: F,
    outcome: Option<Result<T>>,
    reply_to: oneshot::Sender<Result<T>>,
}

impl<T, F> Job for Write<T, F>
where
    T: Send,
    F: Fn(&dyn Db) -> Result<T> + Send,
{
    fn run(&mut self, conn: &CachedConnection<'_>) -> Spoiled {
        // Rows changed by finished statements: a statement that fails undoes its own changes,
        // so a write that fails with this count unmoved changed nothing (the usual case: a
        // write checks before it changes anything). The store changes no schema outside its
        // migrations, which run before the writer starts.
        let raw = conn.connection();
        let changes = raw.total_changes();
        let outcome = (self.work)(conn);
        let spoiled = outcome.is_err() && (raw.total_changes() != changes || raw.is_autocommit());
        self.outcome = Some(outcome);
        if spoiled { Spoiled::Yes } else { Spoiled::No }
    }

    fn run_alone(&mut self, conn: &CachedConnection<'_>) {
        self.outcome = Some(in_savepoint(conn, &self.work));
    }

    fn reply(self: Box<Self>, committed: Result<()>) {
        let outcome = self
            .outcome
            .unwrap_or_else(|| Err(StoreError::internal("the writer did not run this write")));
        let _ = self.reply_to.send(committed.and(outcome));
    }
}

pub(crate) struct Writer {
    jobs: Mutex<Option<mpsc::Sender<Box<dyn Job>>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
    timings: Arc<DiskTimings>,
}

impl Writer {
    /// Starts the writer thread on an open, migrated connection, and beside it the thread that
    /// checkpoints the WAL.
    pub(crate) fn start(conn: Connection) -> std::io::Result<Self> {
        let timings = Arc::new(DiskTimings::new());
        let checkpointer = Checkpointer::start(&conn, timings.clone())?;
        let (sender, receiver) = mpsc::channel(WRITE_QUEUE);
        let writer_timings = timings.clone();
        let thread = std::thread::Builder::new()
            .name("natter-sqlite-writer".into())
            .spawn(move || run_writer(conn, receiver, checkpointer, &writer_timings))?;
        Ok(Self {
            jobs: Mutex::new(Some(sender)),
            thread: Mutex::new(Some(thread)),
            timings,
        })
    }

    pub(crate) fn timings(&self) -> &DiskTimings {
        &self.timings
    }

    /// Runs `work` in a transaction shared with other concurrent writes. Returns only after the
    /// transaction has committed durably. Once queued, the write completes even if the caller
    /// stops waiting. `work` may run twice, the first run undone ([`commit_batch`]).
    pub(crate) async fn write<T: Send + 'static>(
        &self,
        work: impl Fn(&dyn Db) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (reply_to, reply) = oneshot::channel();
        let job = Box::new(Write {
            work,
            outcome: None,
            reply_to,
        });
        let sender = self
            .jobs
            .lock()
            .expect("writer lock")
            .clone()
            .ok_or_else(closing)?;
        sender.send(job).await.map_err(|_| closing())?;
        reply
            .await
            .map_err(|_| StoreError::internal("the writer thread stopped before replying"))?
    }

    /// Stops accepting writes, finishes the queued ones and waits for the thread. The thread
    /// ends once no sender is left, and a write in flight holds one until its task runs again:
    /// so the wait must not block the runtime those tasks run on.
    pub(crate) async fn close(&self) {
        self.jobs.lock().expect("writer lock").take();
        let thread = self.thread.lock().expect("writer lock").take();
        if let Some(thread) = thread {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }
}

/// One write's changes are undone alone when it fails, so it never spoils its batch.
/// (The savepoint's statements run from the statement cache: `execute_batch` would parse them
/// again each time.)
fn in_savepoint<T>(conn: &CachedConnection<'_>, work: impl Fn(&dyn Db) -> Result<T>) -> Result<T> {
    conn.execute("SAVEPOINT job", &[])?;
    match work(conn) {
        Ok(value) => {
            conn.execute("RELEASE job", &[])?;
            Ok(value)
        }
        Err(error) => {
            conn.execute("ROLLBACK TO job", &[])?;
            conn.execute("RELEASE job", &[])?;
            Err(error)
        }
    }
}

fn run_writer(
    conn: Connection,
    mut jobs: mpsc::Receiver<Box<dyn Job>>,
    checkpointer: Checkpointer,
    timings: &DiskTimings,
) {
    let conn = CachedConnection::new(&conn);
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut commits = 0;
    while jobs.blocking_recv().map(|job| batch.push(job)).is_some() {
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut times = BatchTimes::default();
        let outcome = commit_batch(&conn, &mut batch, &mut times);
        if outcome.is_ok() {
            timings.commit(times.commit);
        }
        let writes = batch.len();
        for job in batch.drain(..) {
            job.reply(outcome.clone());
        }
        commits += 1;
        if commits % COMMITS_PER_CHECKPOINT == 0 {
            checkpointer.request();
        }
        // Until it succeeds: the checkpoint thread may be holding the checkpoint lock.
        if commits >= COMMITS_PER_LOG_RESTART {
            let restarting = Instant::now();
            if restart_log(conn.connection()) {
                commits = 0;
            }
            times.log_restart = restarting.elapsed();
        }
        times.warn_if_slow(writes);
    }
    checkpointer.stop();
}

/// Lets the WAL start over from its beginning; whether it will. SQLite rewinds the log when a
/// write begins with every frame of it copied into the database; under a steady stream of
/// writes the checkpoint thread is always a few commits behind, so the writer copies those few
/// itself now and then (the bulk was copied off the writer). Without this the WAL would grow
/// for as long as writes keep coming.
fn restart_log(conn: &Connection) -> bool {
    let copied = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
        let (busy, frames, copied): (i64, i64, i64) = (row.get(0)?, row.get(1)?, row.get(2)?);
        Ok(busy == 0 && frames == copied)
    });
    copied.unwrap_or_else(|error| {
        tracing::warn!(%error, "SQLite: the WAL checkpoint failed; it will be retried");
        false
    })
}

/// Copies the WAL back into the database file on a thread and a connection of its own. SQLite
/// would otherwise checkpoint inside the commit that crosses its threshold, on the writer:
/// every write queued behind that commit would wait for the copy and its fsync. A passive
/// checkpoint never blocks the writer; what it cannot copy yet (pages a reader still needs)
/// waits for the next one.
struct Checkpointer {
    requests: std::sync::mpsc::SyncSender<()>,
    thread: JoinHandle<()>,
}

impl Checkpointer {
    /// Turns off the writer's own checkpoints and starts the thread that does them instead.
    fn start(writer: &Connection, timings: Arc<DiskTimings>) -> std::io::Result<Self> {
        let path = writer.path().unwrap_or_default().to_owned();
        let own = open_connection(Path::new(&path), false)
            .and_then(|conn| {
                writer
                    .pragma_update(None, "wal_autocheckpoint", 0)
                    .map(|()| conn)
            })
            .map_err(std::io::Error::other)?;
        // One request waiting is enough: a checkpoint copies everything committed before it.
        let (requests, waiting) = std::sync::mpsc::sync_channel(1);
        let thread = std::thread::Builder::new()
            .name("natter-sqlite-checkpoint".into())
            .spawn(move || {
                for () in waiting {
                    let started = Instant::now();
                    let copied = own.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
                        Ok((row.get(1)?, row.get(2)?))
                    });
                    let took = started.elapsed();
                    timings.checkpoint(took);
                    match copied {
                        Ok((frames, copied)) => CheckpointRun {
                            took,
                            frames,
                            copied,
                        }
                        .warn_if_slow(),
                        Err(error) => tracing::warn!(
                            %error,
                            "SQLite: the WAL checkpoint failed; it will be retried"
                        ),
                    }
                }
            })?;
        Ok(Self { requests, thread })
    }

    fn request(&self) {
        let _ = self.requests.try_send(());
    }

    /// Waits for a checkpoint in progress, then ends the thread.
    fn stop(self) {
        drop(self.requests);
        let _ = self.thread.join();
    }
}

/// Runs a batch in one transaction and commits it; when the transaction cannot begin or commit,
/// every write in it fails.
///
/// The writes run plainly first, one after another. Each in a savepoint of its own, SQLite
/// would first copy every page a write changes into the savepoint's journal, about a sixth of
/// the writer's work for a one-to-one message (`BENCHMARKS.md`). A write that fails having changed rows
/// would leave those changes to be committed with the others; then the batch is undone and
/// runs again, each write in its own savepoint this time, and the failing write is undone
/// alone. Running a write again from the same state gives the same result: the store's writes
/// are `Fn` and depend only on the database, as PostgreSQL's reruns need too.
fn commit_batch(
    conn: &CachedConnection<'_>,
    batch: &mut [Box<dyn Job>],
    times: &mut BatchTimes,
) -> Result<()> {
    let started = Instant::now();
    let raw = conn.connection();
    let begin = || raw.execute_batch("BEGIN IMMEDIATE").map_err(db_error);
    begin()?;
    if batch.iter_mut().any(|job| job.run(conn) == Spoiled::Yes) {
        // (SQLite itself ends the transaction on some errors, a full disk for one.)
        if !raw.is_autocommit() {
            raw.execute_batch("ROLLBACK").map_err(db_error)?;
        }
        begin()?;
        for job in batch.iter_mut() {
            job.run_alone(conn);
        }
    }
    let committing = Instant::now();
    times.statements = committing - started;
    let outcome = raw.execute_batch("COMMIT").map_err(db_error);
    times.commit = committing.elapsed();
    if outcome.is_err() {
        let _ = raw.execute_batch("ROLLBACK");
    }
    outcome
}

/// Read-only connections, each used by one blocking task at a time.
pub(crate) struct Readers {
    idle: Arc<Mutex<Vec<Connection>>>,
    available: Arc<Semaphore>,
}

impl Readers {
    pub(crate) fn open(path: &Path, count: usize) -> rusqlite::Result<Self> {
        let connections = (0..count)
            .map(|_| open_connection(path, true))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Self {
            idle: Arc::new(Mutex::new(connections)),
            available: Arc::new(Semaphore::new(count)),
        })
    }

    pub(crate) async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&dyn Db) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let permit = self
            .available
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| closing())?;
        let idle = self.idle.clone();
        tokio::task::spawn_blocking(move || {
            let conn = idle
                .lock()
                .expect("reader pool")
                .pop()
                .expect("a permit means an idle reader");
            let outcome = work(&conn);
            idle.lock().expect("reader pool").push(conn);
            drop(permit);
            outcome
        })
        .await
        .map_err(StoreError::internal)?
    }
}

fn closing() -> StoreError {
    StoreError::unavailable(Unavailable::Closing, "the SQLite store is closed")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::time::Duration;

    use natter_core::GroupId;

    use crate::{Store, StoreError, Value};

    /// `.cargo/config.toml` compiles the bundled SQLite without memory statistics and without
    /// the shared page cache, each a global mutex on every statement's path.
    #[test]
    fn sqlite_is_built_without_its_global_mutexes() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let mut statement = conn.prepare("PRAGMA compile_options").unwrap();
        let options: Vec<String> = statement
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(
            options.iter().any(|option| option == "DEFAULT_MEMSTATUS=0"),
            "{options:?}"
        );
        assert!(
            !options
                .iter()
                .any(|option| option == "ENABLE_MEMORY_MANAGEMENT"),
            "{options:?}"
        );
    }

    /// A cached statement with a bound `LIMIT` runs again as prepared, whatever is bound.
    #[test]
    fn a_bound_limit_does_not_make_a_statement_prepare_again() {
        let dir = tempfile::tempdir().unwrap();
        let conn = super::open_connection(&dir.path().join("probe.sqlite3"), false).unwrap();
        conn.execute_batch("CREATE TABLE probe (n INTEGER); INSERT INTO probe VALUES (1), (2);")
            .unwrap();
        for limit in [1, 2, 1] {
            let mut statement = conn
                .prepare_cached("SELECT n FROM probe ORDER BY n LIMIT ?1")
                .unwrap();
            let rows: Vec<i64> = statement
                .query_map([limit], |row| row.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(rows.len(), limit as usize);
            assert_eq!(
                statement.get_status(rusqlite::StatementStatus::RePrepare),
                0
            );
        }
    }

    /// A failing write is undone alone and the rest of its batch commits. Writes run plainly
    /// first: one that fails before changing anything leaves the rest of its batch as it ran,
    /// while one that fails after changing rows has the batch undone and run again, each write
    /// alone, so that only its own changes are lost.
    #[tokio::test]
    async fn a_failing_write_is_undone_alone_and_reruns_its_batch_only_if_it_changed_rows() {
        for changed_before_failing in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open_sqlite(dir.path()).unwrap();
            store
                .write(|db| db.execute("CREATE TABLE probe (n INTEGER)", &[]))
                .await
                .unwrap();
            let runs = Arc::new(AtomicUsize::new(0));
            // The first write holds the writer, alone in its batch, until the next two are
            // queued; they share the next batch, in this order.
            let (started, queued) = (
                Arc::new(AtomicBool::new(false)),
                Arc::new(AtomicBool::new(false)),
            );
            let (starting, waiting) = (started.clone(), queued.clone());
            let busy = store.write(move |db| {
                starting.store(true, Ordering::Relaxed);
                let deadline = std::time::Instant::now() + Duration::from_secs(10);
                while !waiting.load(Ordering::Relaxed) && std::time::Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(1));
                }
                db.execute("INSERT INTO probe VALUES (1)", &[])
            });
            let counted = runs.clone();
            let queued_behind = async {
                while !started.load(Ordering::Relaxed) {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                let succeeding = store.write(move |db| {
                    counted.fetch_add(1, Ordering::Relaxed);
                    db.execute("INSERT INTO probe VALUES (3)", &[])
                });
                let failing = store.write(move |db| {
                    if changed_before_failing {
                        db.execute("INSERT INTO probe VALUES (2)", &[])?;
                    }
                    Err::<(), _>(StoreError::UnknownGroup(
                        GroupId::parse("gone", "group").unwrap(),
                    ))
                });
                // Each of the three is polled once before any is polled again, and the first
                // poll of a write queues it.
                let both_queued = async {
                    tokio::task::yield_now().await;
                    queued.store(true, Ordering::Relaxed);
                };
                let (succeeding, failing, ()) = tokio::join!(succeeding, failing, both_queued);
                (succeeding, failing)
            };
            let (busy, (succeeding, failing)) = tokio::join!(busy, queued_behind);
            assert!(busy.is_ok() && succeeding.is_ok() && failing.is_err());
            let rows = store
                .read(|db| db.query("SELECT n FROM probe ORDER BY n", &[]))
                .await
                .unwrap();
            let kept: Vec<i64> = rows.iter().map(|row| row.get(0).unwrap()).collect();
            assert_eq!(kept, [1, 3]);
            let expected_runs = if changed_before_failing { 2 } else { 1 };
            assert_eq!(
                runs.load(Ordering::Relaxed),
                expected_runs,
                "changed before failing: {changed_before_failing}"
            );
            store.close().await;
        }
    }

    #[tokio::test]
    async fn the_wal_is_checkpointed_off_the_writer_and_stays_small() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_sqlite(dir.path()).unwrap();
        store
            .write(|db| db.execute("CREATE TABLE probe (n INTEGER, filler TEXT)", &[]))
            .await
            .unwrap();
        // Each write its own commit, each adding at least a 4 KiB page to the WAL: 16 MiB
        // of WAL if nothing copied it back into the database.
        for n in 0..4_000 {
            store
                .write(move |db| {
                    db.execute(
                        "INSERT INTO probe VALUES ($1, $2)",
                        &[Value::Int(n), Value::Text(&"x".repeat(100))],
                    )
                })
                .await
                .unwrap();
        }
        let wal = dir
            .path()
            .join(format!("{}-wal", super::super::DATABASE_FILE));
        let wal_bytes = std::fs::metadata(&wal).unwrap().len();
        assert!(wal_bytes < 4 << 20, "the WAL grew to {wal_bytes} bytes");
    }
}
