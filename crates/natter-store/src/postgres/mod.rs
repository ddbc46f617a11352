//! PostgreSQL, for several Natter nodes sharing one database. Every write is one `READ
//! COMMITTED` transaction on a pooled connection that locks the rows it relies on before it
//! reads them, in one order (`crate::locks`): two senders in one channel wait for each other on
//! the channel's row, so seqs never have a gap or a duplicate, and thousands of writes into one
//! user's list queue on that user's row instead of rerunning. The rare write that still
//! conflicts (a deadlock, the same new key inserted twice) is run again. A commit returns once
//! PostgreSQL has flushed it.

mod db;
mod schema;
mod tls;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::{Backend, Db, Result, Store, StoreError, Unavailable};
use db::PgConnection;
pub use tls::TlsError;

/// A transaction that keeps conflicting is given up after this many runs (503, retry).
const MAX_ATTEMPTS: u32 = 20;
/// How long to wait for the database server when connecting.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(
        "--database-url is not a PostgreSQL URL ({}); expected postgres://user:password@host:port/database",
        tls::with_causes(.0)
    )]
    Url(postgres::Error),
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error("cannot connect to PostgreSQL ({tls}): {reason}")]
    Connect {
        /// The TLS settings in words: a certificate that does not verify reads the same under
        /// every `sslmode`.
        tls: String,
        reason: String,
    },
    #[error("cannot bring the PostgreSQL schema up to date: {0}")]
    Migrate(#[from] postgres::Error),
    #[error(
        "the database has schema version {found}, newer than this Natter knows ({known}); \
         run the Natter version that wrote it"
    )]
    NewerSchema { found: usize, known: usize },
    #[error("the connection thread failed: {0}")]
    Thread(#[from] tokio::task::JoinError),
}

/// A pool of connections to one PostgreSQL database.
pub struct Postgres {
    pool: Arc<Pool>,
}

impl Store {
    /// Connects to the PostgreSQL database at `url`
    /// (`postgres://user:password@host:port/database?sslmode=…&sslrootcert=…`, the TLS
    /// parameters as libpq reads them), applies migrations, and keeps up to `connections`
    /// connections open.
    pub async fn open_postgres(url: &str, connections: usize) -> Result<Self, OpenError> {
        let tls::Connector {
            mut config,
            tls,
            summary,
        } = tls::connector(url)?;
        config
            .connect_timeout(CONNECT_TIMEOUT)
            .application_name("natter");
        let pool = Arc::new(Pool {
            config,
            tls,
            idle: Mutex::new(Vec::new()),
            permits: Arc::new(Semaphore::new(connections.max(1))),
            size: connections.max(1) as u32,
        });
        let opening = pool.clone();
        // Connecting now makes a wrong URL or a database that is down fail at start, not on
        // the first request.
        tokio::task::spawn_blocking(move || -> Result<(), OpenError> {
            let mut client = opening
                .config
                .connect(opening.tls.clone())
                .map_err(|error| OpenError::Connect {
                    tls: summary,
                    reason: tls::with_causes(&error),
                })?;
            schema::migrate(&mut client)?;
            opening.check_in(PgConnection::new(client));
            Ok(())
        })
        .await??;
        Ok(Store {
            backend: Backend::Postgres(Postgres { pool }),
        })
    }
}

struct Pool {
    config: postgres::Config,
    tls: tokio_postgres_rustls::MakeRustlsConnect,
    idle: Mutex<Vec<PgConnection>>,
    /// One per connection in use: bounds how many connections this node opens.
    permits: Arc<Semaphore>,
    size: u32,
}

impl Pool {
    /// An idle connection that is still open, or a new one.
    fn check_out(&self) -> Result<PgConnection> {
        loop {
            let idle = self.idle.lock().expect("pool lock").pop();
            match idle {
                Some(conn) if conn.is_closed() => continue,
                Some(conn) => return Ok(conn),
                None => break,
            }
        }
        self.config
            .connect(self.tls.clone())
            .map(PgConnection::new)
            .map_err(|error| StoreError::unavailable(Unavailable::Unreachable, error))
    }

    fn check_in(&self, conn: PgConnection) {
        if !conn.is_closed() {
            self.idle.lock().expect("pool lock").push(conn);
        }
    }
}

/// Each connection runs its own small runtime, which must not be dropped on an async
/// thread, so idle connections are closed on a plain thread.
impl Drop for Pool {
    fn drop(&mut self) {
        let idle = std::mem::take(&mut *self.idle.lock().expect("pool lock"));
        if !idle.is_empty() {
            let _ = std::thread::Builder::new()
                .name("natter-postgres-close".into())
                .spawn(move || drop(idle));
        }
    }
}

impl Postgres {
    /// Runs `work` on a pooled connection, on a blocking thread.
    async fn with_connection<T: Send + 'static>(
        &self,
        work: impl FnOnce(&PgConnection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let permit = self
            .pool
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| StoreError::unavailable(Unavailable::Closing, "the pool is closed"))?;
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let conn = pool.check_out()?;
            let outcome = work(&conn);
            pool.check_in(conn);
            drop(permit);
            outcome
        })
        .await
        .map_err(StoreError::internal)?
    }

    pub(crate) async fn write<T: Send + 'static>(
        &self,
        work: impl Fn(&dyn Db) -> Result<T> + Send + Sync + 'static,
    ) -> Result<T> {
        self.with_connection(move |conn| transact(conn, &work))
            .await
    }

    pub(crate) async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&dyn Db) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        self.with_connection(move |conn| work(conn)).await
    }

    /// Waits for the connections in use, then closes them all.
    pub(crate) async fn close(&self) {
        if let Ok(all) = self.pool.permits.acquire_many(self.pool.size).await {
            all.forget();
        }
        self.pool.permits.close();
        let idle = std::mem::take(&mut *self.pool.idle.lock().expect("pool lock"));
        let _ = tokio::task::spawn_blocking(move || drop(idle)).await;
    }
}

/// Runs `work` in a transaction, again (after a short, growing, jittered pause so the
/// contenders spread out) while it conflicts with a concurrent write.
fn transact<T>(conn: &PgConnection, work: &dyn Fn(&dyn Db) -> Result<T>) -> Result<T> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let outcome = attempt_once(conn, work);
        let Err(error) = outcome else {
            return outcome;
        };
        if !conn.conflicted() || attempt >= MAX_ATTEMPTS {
            return Err(error);
        }
        std::thread::sleep(backoff(attempt));
    }
}

/// One run of `work` in its own transaction: committed, or rolled back with the error.
fn attempt_once<T>(conn: &PgConnection, work: &dyn Fn(&dyn Db) -> Result<T>) -> Result<T> {
    conn.begin_write()?;
    let outcome = match work(conn) {
        Ok(value) if !conn.failed() => conn.end_write(true).map(|()| value),
        Ok(_) => Err(StoreError::internal(
            "a statement failed inside the transaction but the write went on",
        )),
        Err(error) => Err(error),
    };
    if outcome.is_err() {
        // A failed rollback leaves a broken connection, which the pool then drops.
        let _ = conn.end_write(false);
    }
    outcome
}

/// Up to 1 ms × 2^attempt (at most 50 ms), at a random point in that range.
fn backoff(attempt: u32) -> Duration {
    let ceiling_us = (1000u64 << attempt.min(16)).min(50_000);
    Duration::from_micros(fastrand::u64(1..=ceiling_us))
}
