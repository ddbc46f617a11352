//! The PostgreSQL driver: one thread whose event loop runs every transaction of this node as
//! a task of its own, over tokio-postgres's async clients from a deadpool-postgres pool. No
//! thread waits on the database: while one transaction waits for PostgreSQL, the thread runs
//! the others.
//!
//! The store functions are synchronous, written once over [`Db`] for both databases (SQLite's
//! single writer runs them back to back in one batch, where nothing ever waits). Here each runs
//! on a stackful coroutine (corosensei): a statement suspends the coroutine, the task awaits
//! the statement on the async client, and resumes the coroutine with the answer. So the SQL and
//! the rules stay in one place, without an `async` version of every store function (and of
//! every service closure) that SQLite's writer would then have to drive too. A coroutine stays
//! on the thread that made it, which is why the tasks run on this thread's own `LocalSet`.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use corosensei::stack::DefaultStack;
use corosensei::{Coroutine, CoroutineResult};
use deadpool_postgres::{Object, Pool, PoolError};
use tokio::sync::{mpsc, oneshot};
use tokio::task::LocalSet;

use super::db::{Answer, Failure, Statement, Suspending, bind};
use crate::{Db, Result, StoreError, Unavailable};

/// A transaction that keeps conflicting is given up after this many runs (503, retry).
const MAX_ATTEMPTS: u32 = 20;
/// How a write begins. `READ COMMITTED` with the locks of `crate::locks`, not serializable
/// reruns: see the module `crate::postgres`.
const BEGIN: &str = "BEGIN ISOLATION LEVEL READ COMMITTED";
/// Each coroutine's stack: the size of the blocking threads the store functions ran on
/// before. The memory is mapped, and only the pages a function touches are ever used.
const STACK_SIZE: usize = 2 * 1024 * 1024;

/// A handle on the driver thread; dropping it ends the thread.
pub(super) struct Driver {
    jobs: mpsc::UnboundedSender<Job>,
}

/// Work sent to the driver thread, where it starts a task of its own.
type Job = Box<dyn FnOnce(&Rc<Connections>) + Send>;

/// What the driver thread's tasks share.
pub(super) struct Connections {
    pool: Pool,
    /// Stacks of finished coroutines, for the next ones (mapping a stack is a system call).
    stacks: RefCell<Vec<DefaultStack>>,
    /// The longest one answer from PostgreSQL may take (`super::PostgresLimits`).
    answer_within: Duration,
}

impl Driver {
    /// Starts the driver thread with its own single-threaded runtime.
    pub(super) fn start(pool: Pool, answer_within: Duration) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (jobs, mut queue) = mpsc::unbounded_channel::<Job>();
        std::thread::Builder::new()
            .name("natter-postgres".into())
            .spawn(move || {
                let connections = Rc::new(Connections {
                    pool,
                    stacks: RefCell::new(Vec::new()),
                    answer_within,
                });
                LocalSet::new().block_on(&runtime, async {
                    while let Some(job) = queue.recv().await {
                        job(&connections);
                    }
                });
            })?;
        Ok(Self { jobs })
    }

    /// Runs `task` on the driver thread; `None` if the driver has stopped or the task
    /// panicked. The task runs to its end even if the caller stops waiting.
    pub(super) async fn run<T, F>(
        &self,
        task: impl FnOnce(Rc<Connections>) -> F + Send + 'static,
    ) -> Option<T>
    where
        T: Send + 'static,
        F: Future<Output = T> + 'static,
    {
        let (answer, outcome) = oneshot::channel();
        let job: Job = Box::new(move |connections| {
            let connections = connections.clone();
            tokio::task::spawn_local(async move {
                let _ = answer.send(task(connections).await);
            });
        });
        self.jobs.send(job).ok()?;
        outcome.await.ok()
    }
}

impl Connections {
    /// A connection from the pool: an idle one still open, or a new one.
    pub(super) async fn client(&self) -> std::result::Result<Object, PoolError> {
        self.pool.get().await
    }

    /// Closes the pool and its idle connections.
    pub(super) fn close(&self) {
        self.pool.close();
    }

    /// A connection for a store function. A new one is given up after `answer_within` by the
    /// pool itself (`super::Store::open_postgres` sets its timeout).
    async fn lend(&self) -> Result<Lent> {
        let client = self
            .client()
            .await
            .map_err(|error| self.no_connection(error))?;
        Ok(Lent {
            client: Some(client),
            unsettled: false,
        })
    }

    /// The domain's error for a connection the pool could not give.
    fn no_connection(&self, error: PoolError) -> StoreError {
        match error {
            PoolError::Backend(error) => Failure::default().record(error),
            PoolError::Timeout(_) => too_slow(self.answer_within),
            PoolError::Closed => {
                StoreError::unavailable(Unavailable::Closing, "the pool is closed")
            }
            other => StoreError::unavailable(Unavailable::Unreachable, other),
        }
    }

    /// Awaits one round trip to PostgreSQL for at most `answer_within`. After one that took
    /// longer nobody knows what the connection holds (the statement may still run, its answer
    /// may still arrive), so it is recorded as abandoned: the connection is then closed, not
    /// pooled, and nothing more is sent on it.
    async fn answer<T>(
        &self,
        failure: &mut Failure,
        round_trip: impl Future<Output = std::result::Result<T, tokio_postgres::Error>>,
    ) -> Result<T> {
        match tokio::time::timeout(self.answer_within, round_trip).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(failure.record(error)),
            Err(_) => {
                failure.failed = true;
                failure.abandoned = true;
                Err(too_slow(self.answer_within))
            }
        }
    }
}

/// Why a wait on PostgreSQL was given up, in words.
pub(super) fn no_answer(waited: Duration) -> String {
    format!(
        "PostgreSQL did not answer within {} ms (--database-timeout-secs)",
        waited.as_millis()
    )
}

/// The domain's error for a wait on PostgreSQL that ran out.
fn too_slow(waited: Duration) -> StoreError {
    StoreError::unavailable(Unavailable::TooSlow, no_answer(waited))
}

/// Runs `work` in a transaction, again (after a short, growing, jittered pause so the
/// contenders spread out) while it conflicts with a concurrent write.
pub(super) async fn transact<T: 'static>(
    connections: &Connections,
    work: Arc<impl Fn(&dyn Db) -> Result<T> + 'static>,
) -> Result<T> {
    let mut client = connections.lend().await?;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut failure = Failure::default();
        let work = work.clone();
        let outcome =
            attempt_once(connections, &mut client, &mut failure, move |db| work(db)).await;
        let Err(error) = outcome else {
            return outcome;
        };
        if !failure.conflicted || attempt >= MAX_ATTEMPTS {
            return Err(error);
        }
        tokio::time::sleep(backoff(attempt)).await;
    }
}

/// One run of `work` in its own transaction: committed, or rolled back with the error.
async fn attempt_once<T: 'static>(
    connections: &Connections,
    lent: &mut Lent,
    failure: &mut Failure,
    work: impl FnOnce(&dyn Db) -> Result<T> + 'static,
) -> Result<T> {
    lent.unsettled = true;
    let client = lent.client();
    let outcome = match on_coroutine(connections, client, true, failure, work).await {
        Ok(value) if !failure.failed => connections
            .answer(failure, client.batch_execute("COMMIT"))
            .await
            .map(|()| value),
        Ok(_) => Err(StoreError::internal(
            "a statement failed inside the transaction but the write went on",
        )),
        Err(error) => Err(error),
    };
    let ended = match outcome {
        Ok(_) => true,
        Err(_) if failure.abandoned => false,
        Err(_) => connections
            .answer(&mut Failure::default(), client.batch_execute("ROLLBACK"))
            .await
            .is_ok(),
    };
    // A connection whose rollback failed or was not tried is closed when `lent` is dropped.
    lent.unsettled = !ended;
    outcome
}

/// A pooled connection that goes back to the pool only when nothing is left on it. One dropped
/// while unsettled (a transaction open because its rollback failed or its task panicked or the
/// runtime stopped; a statement whose answer never came) is closed instead, which rolls any
/// transaction back: the next user of the connection must not commit what is left of it, nor
/// read the answer meant for another.
struct Lent {
    client: Option<Object>,
    unsettled: bool,
}

impl Lent {
    fn client(&self) -> &Object {
        self.client
            .as_ref()
            .expect("a lent connection is held until dropped")
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        if self.unsettled
            && let Some(client) = self.client.take()
        {
            drop(Object::take(client));
        }
    }
}

/// Runs `work` on a connection outside a transaction: each statement sees what was committed
/// before it.
pub(super) async fn read<T: 'static>(
    connections: &Connections,
    work: impl FnOnce(&dyn Db) -> Result<T> + 'static,
) -> Result<T> {
    let mut lent = connections.lend().await?;
    let mut failure = Failure::default();
    let outcome = on_coroutine(connections, lent.client(), false, &mut failure, work).await;
    lent.unsettled = failure.abandoned;
    outcome
}

/// Runs the synchronous `work` on a coroutine, awaiting each statement it asks for on `client`;
/// a write's in a transaction, which this begins.
async fn on_coroutine<T: 'static>(
    connections: &Connections,
    client: &Object,
    writing: bool,
    failure: &mut Failure,
    work: impl FnOnce(&dyn Db) -> Result<T> + 'static,
) -> Result<T> {
    let stack = connections.stacks.borrow_mut().pop();
    let stack = match stack {
        Some(stack) => stack,
        None => DefaultStack::new(STACK_SIZE).map_err(StoreError::internal)?,
    };
    let mut coroutine = Coroutine::with_stack(stack, move |yielder, _: Answer| {
        work(&Suspending { yielder, writing })
    });
    let mut answer = Answer::Start;
    let mut begun = !writing;
    loop {
        let outcome = match coroutine.resume(answer) {
            // A connection given up on gets nothing more; the work is told at once.
            CoroutineResult::Yield(_) if failure.abandoned => {
                Err(too_slow(connections.answer_within))
            }
            // `BEGIN` goes out with the first statement, one round trip for both (tokio-postgres
            // sends requests made together without waiting for the answers in between).
            CoroutineResult::Yield(statement) if !begun => {
                begun = true;
                let both = async {
                    let (began, first) = tokio::join!(
                        client.batch_execute(BEGIN),
                        run_statement(client, statement)
                    );
                    began.and(first)
                };
                connections.answer(failure, both).await
            }
            CoroutineResult::Yield(statement) => {
                connections
                    .answer(failure, run_statement(client, statement))
                    .await
            }
            CoroutineResult::Return(outcome) => {
                connections.stacks.borrow_mut().push(coroutine.into_stack());
                if !begun {
                    // A write that ran no statement: its `COMMIT` still ends a transaction.
                    connections
                        .answer(failure, client.batch_execute(BEGIN))
                        .await?;
                }
                return outcome;
            }
        };
        answer = outcome.unwrap_or_else(Answer::Failed);
    }
}

/// Runs one statement, prepared once per connection.
async fn run_statement(
    client: &Object,
    statement: Statement,
) -> std::result::Result<Answer, tokio_postgres::Error> {
    let prepared = client.prepare_cached(&statement.sql).await?;
    let params = bind(&statement.params);
    if statement.returns_rows {
        client.query(&prepared, &params).await.map(Answer::Rows)
    } else {
        client
            .execute(&prepared, &params)
            .await
            .map(Answer::Changed)
    }
}

/// Up to 1 ms × 2^attempt (at most 50 ms), at a random point in that range.
fn backoff(attempt: u32) -> Duration {
    let ceiling_us = (1000u64 << attempt.min(16)).min(50_000);
    Duration::from_micros(fastrand::u64(1..=ceiling_us))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use crate::settings::{set_setting, setting};
    use crate::test_stores::{fresh_database, limits, postgres_admin, runtime};
    use crate::{Result, Store, StoreError, Unavailable};

    /// One connection, and 300 ms for any answer: the tests that make PostgreSQL too slow.
    const IMPATIENT: crate::postgres::PostgresLimits = crate::postgres::PostgresLimits {
        connections: 1,
        answer_within: Duration::from_millis(300),
    };

    /// The threads of this process with `name`.
    fn threads_named(name: &str) -> usize {
        std::fs::read_dir("/proc/self/task")
            .unwrap()
            .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
            .filter(|comm| comm.trim_end() == name)
            .count()
    }

    /// A session of the test's own on the database at `url`.
    async fn session(url: &str) -> tokio_postgres::Client {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        client
    }

    /// A session that holds the setting `held` in a transaction it leaves open, so that a
    /// write of the same setting waits for it.
    async fn hold_the_setting(url: &str) -> tokio_postgres::Client {
        let holder = session(url).await;
        holder
            .batch_execute("BEGIN; INSERT INTO settings (key, value) VALUES ('held', 'outside')")
            .await
            .unwrap();
        holder
    }

    /// Eight writes wait at once on a row another session holds, and not one thread waits
    /// with them: the caller's runtime lends none (a blocking pool would give each its own).
    #[test]
    fn writes_waiting_on_the_database_hold_no_thread() {
        let Some(admin) = postgres_admin() else {
            return;
        };
        let url = fresh_database(&admin);
        let caller = tokio::runtime::Builder::new_current_thread()
            .thread_name("natter-caller")
            .enable_all()
            .build()
            .unwrap();
        caller.block_on(async {
            let store = Arc::new(Store::open_postgres(&url, limits(8)).await.unwrap());
            let holder = hold_the_setting(&url).await;
            // Not the holder: a transaction sees one snapshot of `pg_stat_activity`.
            let watcher = session(&url).await;
            let writes: Vec<_> = (0..8)
                .map(|writer| {
                    let store = store.clone();
                    tokio::spawn(async move {
                        store
                            .write(move |db| set_setting(db, "held", &writer.to_string()))
                            .await
                    })
                })
                .collect();
            let deadline = Instant::now() + Duration::from_secs(20);
            loop {
                let waiting: i64 = watcher
                    .query_one(
                        "SELECT count(*) FROM pg_stat_activity \
                         WHERE datname = current_database() AND wait_event_type = 'Lock'",
                        &[],
                    )
                    .await
                    .unwrap()
                    .get(0);
                if waiting == 8 {
                    break;
                }
                assert!(Instant::now() < deadline, "{waiting} of 8 writes wait");
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            assert_eq!(threads_named("natter-caller"), 0);
            holder.batch_execute("ROLLBACK").await.unwrap();
            for write in writes {
                write.await.unwrap().unwrap();
            }
            let value = store.read(|db| setting(db, "held")).await.unwrap();
            assert!(value.is_some_and(|value| value.parse::<u8>().is_ok_and(|n| n < 8)));
        });
    }

    /// A write that waits on PostgreSQL longer than the store's limit (here on a row another
    /// session holds) gives up with `TooSlow`, and its connection is closed: with one
    /// connection, the next write gets a new one that works, and the write given up on never
    /// commits, even once the row is free.
    #[test]
    fn a_write_that_waits_too_long_gives_up_and_leaves_nothing() {
        let Some(admin) = postgres_admin() else {
            return;
        };
        let url = fresh_database(&admin);
        runtime().block_on(async {
            let store = Store::open_postgres(&url, IMPATIENT).await.unwrap();
            let holder = hold_the_setting(&url).await;
            let waited = tokio::time::timeout(
                Duration::from_secs(10),
                store.write(|db| set_setting(db, "held", "inside")),
            )
            .await
            .expect("the write gave up by itself");
            assert!(
                matches!(
                    waited,
                    Err(StoreError::Unavailable {
                        reason: Unavailable::TooSlow,
                        ..
                    })
                ),
                "{waited:?}"
            );
            holder.batch_execute("ROLLBACK").await.unwrap();
            // The abandoned session may still be finishing its statement on the server.
            tokio::time::sleep(Duration::from_millis(300)).await;
            the_next_write_works_and_nothing_is_left_of(&store, "held").await;
        });
    }

    /// A server that accepts the connection and never answers (a frozen host's kernel still
    /// completes the handshake) fails the opening within the limit, naming why, instead of
    /// holding the node's start for good.
    #[test]
    fn opening_a_database_that_never_answers_gives_up() {
        runtime().block_on(async {
            let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!(
                "postgres://natter@{}/natter?sslmode=disable",
                silent.local_addr().unwrap()
            );
            let held = tokio::spawn(async move {
                let mut accepted = Vec::new();
                while let Ok((stream, _)) = silent.accept().await {
                    accepted.push(stream);
                }
            });
            let opened = tokio::time::timeout(
                Duration::from_secs(10),
                Store::open_postgres(&url, IMPATIENT),
            )
            .await
            .expect("the opening gave up by itself");
            let error = opened.err().expect("nothing answered").to_string();
            assert!(error.contains("did not answer within 300 ms"), "{error}");
            held.abort();
        });
    }

    /// A write whose work panics halfway is rolled back, and the connection it held does not
    /// carry its open transaction to the next write, which would otherwise commit it.
    #[test]
    fn a_write_that_panics_leaves_nothing_for_the_next() {
        let Some(admin) = postgres_admin() else {
            return;
        };
        let url = fresh_database(&admin);
        runtime().block_on(async {
            // One connection, so the next write would get the same one back.
            let store = Store::open_postgres(&url, limits(1)).await.unwrap();
            let outcome = store
                .write(|db| -> Result<()> {
                    set_setting(db, "half", "written")?;
                    panic!("the work fails after its first statement");
                })
                .await;
            assert!(outcome.is_err());
            the_next_write_works_and_nothing_is_left_of(&store, "half").await;
        });
    }

    /// After a write that failed halfway: the next write on the store commits, and nothing of
    /// the failed one, which set the setting `failed_key`, was committed with it or before.
    async fn the_next_write_works_and_nothing_is_left_of(store: &Store, failed_key: &str) {
        store
            .write(|db| set_setting(db, "after", "written"))
            .await
            .unwrap();
        let failed_key = failed_key.to_owned();
        assert_eq!(
            store
                .read(move |db| setting(db, &failed_key))
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            store
                .read(|db| setting(db, "after"))
                .await
                .unwrap()
                .as_deref(),
            Some("written")
        );
    }
}
