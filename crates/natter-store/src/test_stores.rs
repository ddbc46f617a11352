//! What the store's tests share to open stores: a runtime to drive them, and a PostgreSQL
//! server when `NATTER_TEST_POSTGRES` names one (as `scripts/with-services.sh` sets it), so
//! that every test that runs on SQLite can run on PostgreSQL too; and the users and messages
//! most tests start from.

use std::cell::Cell;
use std::future::Future;

use natter_core::{ConversationId, Device, Uid};

use crate::{Columns, Db, Dialect, NewMessage, Result, Store, Value};

/// Makes each user as a token for their first device does, the tokens distinct within one
/// call: for tests that only need the users to exist.
pub(crate) fn make_users(db: &dyn Db, uids: impl IntoIterator<Item = Uid>) -> Result<()> {
    for (index, uid) in uids.into_iter().enumerate() {
        let device = Device {
            uid,
            device_flag: 0,
            device_level: 1,
        };
        let mut token = [0; 32];
        token[..8].copy_from_slice(&(index as u64).to_le_bytes());
        crate::users::set_device_token(db, &device, &token, 0)?;
    }
    Ok(())
}

/// A message a user sends from a client: a custom one with `payload`, counted as unread, to
/// every member, at time 1. Tests change what they need with struct update syntax.
pub(crate) fn new_message(from: &Uid, to: ConversationId, payload: &str) -> NewMessage {
    NewMessage {
        from: from.clone(),
        to,
        message_type: natter_core::message::CUSTOM.to_owned(),
        payload: payload.to_owned(),
        client_msg_no: None,
        cloud_custom_data: String::new(),
        time_ms: 1,
        counts_as_unread: true,
        needs_read_receipt: false,
        by_app: false,
        receivers: None,
        excluded_from_last_message: false,
    }
}

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The test server's admin URL, when there is one.
pub(crate) fn postgres_admin() -> Option<String> {
    std::env::var("NATTER_TEST_POSTGRES")
        .ok()
        .filter(|url| !url.is_empty())
}

/// Limits for a test's PostgreSQL store: `connections`, and waits as long as a node's default.
pub(crate) fn limits(connections: usize) -> crate::postgres::PostgresLimits {
    crate::postgres::PostgresLimits {
        connections,
        answer_within: std::time::Duration::from_secs(30),
    }
}

/// A new, empty database on the test server.
pub(crate) fn fresh_database(admin_url: &str) -> String {
    let name = format!("natter_store_test_{:016x}", fastrand::u64(..));
    let (admin, create) = (admin_url.to_owned(), format!("CREATE DATABASE {name}"));
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
        client.batch_execute(&create).unwrap();
    })
    .join()
    .unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

/// A runtime with worker threads, for tests whose writers must really run at once.
pub(crate) fn concurrent_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap()
}

/// Where a test's database lives, so that it can be opened again.
pub(crate) enum Place {
    Sqlite(tempfile::TempDir),
    Postgres(String),
}

impl Place {
    pub(crate) fn sqlite() -> Self {
        Self::Sqlite(tempfile::tempdir().unwrap())
    }

    pub(crate) fn postgres() -> Option<Self> {
        postgres_admin().map(|admin| Self::Postgres(fresh_database(&admin)))
    }

    pub(crate) async fn open(&self) -> Store {
        match self {
            Self::Sqlite(dir) => Store::open_sqlite(dir.path()).unwrap(),
            Self::Postgres(url) => Store::open_postgres(url, limits(2)).await.unwrap(),
        }
    }
}

/// Runs the test on a fresh SQLite database, and on PostgreSQL when there is a server.
pub(crate) fn on_both<F>(test: impl Fn(Place) -> F)
where
    F: Future<Output = ()>,
{
    runtime().block_on(test(Place::sqlite()));
    if let Some(place) = Place::postgres() {
        runtime().block_on(test(place));
    }
}

/// What a test learns from each statement an operation runs, shown it before the statement
/// runs, with the connection beneath (to look further: a plan, say).
pub(crate) trait Watch {
    fn statement(&self, db: &dyn Db, sql: &str, params: &[Value<'_>]) -> Result<()>;
}

/// A connection that shows each statement run through it to its [`Watch`], then runs it.
pub(crate) struct Watched<'a, W> {
    db: &'a dyn Db,
    pub watch: W,
}

impl<'a, W: Watch> Watched<'a, W> {
    pub(crate) fn watching(db: &'a dyn Db, watch: W) -> Self {
        Self { db, watch }
    }
}

impl<W: Watch> Db for Watched<'_, W> {
    fn dialect(&self) -> Dialect {
        self.db.dialect()
    }

    fn execute(&self, sql: &str, params: &[Value<'_>]) -> Result<u64> {
        self.watch.statement(self.db, sql, params)?;
        self.db.execute(sql, params)
    }

    fn query_each(
        &self,
        sql: &str,
        params: &[Value<'_>],
        read: &mut dyn FnMut(&dyn Columns) -> Result<()>,
    ) -> Result<()> {
        self.watch.statement(self.db, sql, params)?;
        self.db.query_each(sql, params, read)
    }

    fn locks_rows(&self) -> bool {
        self.db.locks_rows()
    }
}

/// Counts the statements, for the tests that pin how many statements (on PostgreSQL, round
/// trips) an operation takes.
#[derive(Default)]
pub(crate) struct StatementCount(Cell<usize>);

impl Watch for StatementCount {
    fn statement(&self, _: &dyn Db, _: &str, _: &[Value<'_>]) -> Result<()> {
        self.0.set(self.0.get() + 1);
        Ok(())
    }
}

/// A connection that counts the statements run through it.
pub(crate) type Counting<'a> = Watched<'a, StatementCount>;

impl<'a> Counting<'a> {
    pub(crate) fn new(db: &'a dyn Db) -> Self {
        Self::watching(db, StatementCount::default())
    }

    /// The statements run so far.
    pub(crate) fn statements(&self) -> usize {
        self.watch.0.get()
    }
}
