//! PostgreSQL, for several Natter nodes sharing one database. Every write is one `READ
//! COMMITTED` transaction on a pooled connection that locks the rows it relies on before it
//! reads them, in one order (`crate::locks`): two senders in one channel wait for each other on
//! the channel's row, so seqs never have a gap or a duplicate, and thousands of writes into one
//! user's list queue on that user's row instead of rerunning. The rare write that still
//! conflicts (a deadlock, the same new key inserted twice) is run again. A commit returns once
//! PostgreSQL has flushed it. The connections are async and no thread waits on them: see
//! `driver`.

mod db;
mod driver;
mod schema;
mod tls;

use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, PoolError, RecyclingMethod, Runtime};
use tokio::sync::Semaphore;

use crate::{Backend, Db, Result, Store, StoreError, Unavailable};
use driver::{Connections, Driver};
pub use tls::TlsError;

/// How long to wait for the database server when connecting.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How much of PostgreSQL a node takes, and how long it waits for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostgresLimits {
    /// Connections kept open at most.
    pub connections: usize,
    /// The longest a node waits for one answer from PostgreSQL (a statement's, a commit's, a
    /// new connection's). A database that stops answering without closing its connections (a
    /// frozen host, a network that drops everything, a failover to another address) would
    /// otherwise hold every connection, and so every write of the node, until the operating
    /// system gives up on them, a quarter of an hour later by default. A write that waits
    /// longer fails as unavailable (503, retry) and its connection is closed, since what it
    /// left on it is unknown; the next write opens a new one.
    pub answer_within: Duration,
}

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(
        "--database-url is not a PostgreSQL URL ({}); expected postgres://user:password@host:port/database",
        tls::with_causes(.0)
    )]
    Url(tokio_postgres::Error),
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
    Migrate(#[from] tokio_postgres::Error),
    #[error(
        "the database has schema version {found}, newer than this Natter knows ({known}); \
         run the Natter version that wrote it"
    )]
    NewerSchema { found: usize, known: usize },
    #[error("cannot start the PostgreSQL driver thread: {0}")]
    Thread(#[from] std::io::Error),
    #[error("the PostgreSQL driver stopped while opening the database")]
    Stopped,
}

/// Up to `size` connections to one PostgreSQL database, used by the driver thread.
pub struct Postgres {
    driver: Driver,
    /// One per transaction or read under way: bounds the work handed to the driver, and lets
    /// closing wait for what was accepted.
    permits: Arc<Semaphore>,
    size: u32,
}

impl Store {
    /// Connects to the PostgreSQL database at `url`
    /// (`postgres://user:password@host:port/database?sslmode=…&sslrootcert=…`, the TLS
    /// parameters as libpq reads them), applies migrations, and keeps connections and waits
    /// within `limits`.
    pub async fn open_postgres(url: &str, limits: PostgresLimits) -> Result<Self, OpenError> {
        let tls::Connector {
            mut config,
            tls,
            summary,
        } = tls::connector(url)?;
        config
            .connect_timeout(CONNECT_TIMEOUT)
            .application_name("natter");
        let size = limits.connections.max(1);
        let manager = Manager::from_config(
            config,
            tls,
            ManagerConfig {
                // A connection that is still open is handed out again without a round trip;
                // one that broke is closed, and the pool opens another.
                recycling_method: RecyclingMethod::Fast,
            },
        );
        // A new connection is given up after the limit too: `connect_timeout` covers only the
        // TCP connection, and a frozen host's kernel still completes that.
        let pool = deadpool_postgres::Pool::builder(manager)
            .max_size(size)
            .runtime(Runtime::Tokio1)
            .create_timeout(Some(limits.answer_within))
            .build()
            .map_err(|error| OpenError::Connect {
                tls: summary.clone(),
                reason: error.to_string(),
            })?;
        let driver = Driver::start(pool, limits.answer_within)?;
        // Connecting now makes a wrong URL or a database that is down fail at start, not on
        // the first request.
        let answer_within = limits.answer_within;
        driver
            .run(move |connections| async move {
                let reason = match connections.client().await {
                    Ok(mut client) => return schema::migrate(&mut client).await,
                    Err(PoolError::Backend(error)) => tls::with_causes(&error),
                    Err(PoolError::Timeout(_)) => driver::no_answer(answer_within),
                    Err(other) => other.to_string(),
                };
                Err(OpenError::Connect {
                    tls: summary,
                    reason,
                })
            })
            .await
            .ok_or(OpenError::Stopped)??;
        Ok(Store {
            backend: Backend::Postgres(Postgres {
                driver,
                permits: Arc::new(Semaphore::new(size)),
                size: size as u32,
            }),
        })
    }
}

impl Postgres {
    /// Runs `work` in a `READ COMMITTED` transaction on the driver thread, again while it
    /// conflicts with another node's write.
    pub(crate) async fn write<T: Send + 'static>(
        &self,
        work: impl Fn(&dyn Db) -> Result<T> + Send + Sync + 'static,
    ) -> Result<T> {
        let work = Arc::new(work);
        self.run(move |connections| async move { driver::transact(&connections, work).await })
            .await
    }

    pub(crate) async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&dyn Db) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        self.run(move |connections| async move { driver::read(&connections, work).await })
            .await
    }

    /// Runs `task` on the driver thread, holding one of the permits until it ends.
    async fn run<T, F>(&self, task: impl FnOnce(Rc<Connections>) -> F + Send + 'static) -> Result<T>
    where
        T: Send + 'static,
        F: Future<Output = Result<T>> + 'static,
    {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| StoreError::unavailable(Unavailable::Closing, "the pool is closed"))?;
        let ran = self
            .driver
            .run(move |connections| async move {
                let outcome = task(connections).await;
                drop(permit);
                outcome
            })
            .await;
        ran.unwrap_or_else(|| {
            Err(StoreError::internal(
                "the PostgreSQL driver dropped the work (it panicked or stopped)",
            ))
        })
    }

    /// Waits for the work under way, then closes every connection.
    pub(crate) async fn close(&self) {
        if let Ok(all) = self.permits.acquire_many(self.size).await {
            all.forget();
        }
        self.permits.close();
        self.driver
            .run(|connections| async move { connections.close() })
            .await;
    }
}
