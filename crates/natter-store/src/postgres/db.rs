//! The shared SQL on PostgreSQL. A store function runs on a coroutine's stack
//! ([`super::driver`]) and sees a [`Suspending`] connection: each statement it runs suspends
//! the coroutine and is handed, as a [`Statement`], to the driver, which runs it on the async
//! client and resumes the coroutine with the [`Answer`]. Here too: values bound as the column
//! types ask, and PostgreSQL's errors turned into the domain's.

use std::error::Error as StdError;

use bytes::BytesMut;
use corosensei::Yielder;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::{IsNull, ToSql, Type, to_sql_checked};

use crate::db::Cell;
use crate::{Columns, Db, Dialect, Result, StoreError, Unavailable, Value};

/// A statement a store function asked for, with its parameters copied off the coroutine's
/// stack so that the driver owns what it sends.
pub(super) struct Statement {
    pub(super) sql: String,
    pub(super) params: Vec<Cell>,
    /// Whether the caller reads rows (a query) or only how many rows changed.
    pub(super) returns_rows: bool,
}

/// What the driver resumes a coroutine with.
pub(super) enum Answer {
    /// The first resume, which starts the store function.
    Start,
    Changed(u64),
    Rows(Vec<tokio_postgres::Row>),
    Failed(StoreError),
}

/// The connection a store function sees on its coroutine.
pub(super) struct Suspending<'a> {
    pub(super) yielder: &'a Yielder<Answer, Statement>,
    /// A write transaction is open: its reads lock what they rely on (`Db::locks_rows`).
    pub(super) writing: bool,
}

impl Suspending<'_> {
    fn run(&self, sql: &str, params: &[Value<'_>], returns_rows: bool) -> Answer {
        self.yielder.suspend(Statement {
            sql: sql.to_owned(),
            params: params.iter().copied().map(Cell::from).collect(),
            returns_rows,
        })
    }
}

impl Db for Suspending<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn locks_rows(&self) -> bool {
        self.writing
    }

    fn execute(&self, sql: &str, params: &[Value<'_>]) -> Result<u64> {
        match self.run(sql, params, false) {
            Answer::Changed(count) => Ok(count),
            Answer::Failed(error) => Err(error),
            Answer::Start | Answer::Rows(_) => Err(mismatched_answer()),
        }
    }

    fn query_each(
        &self,
        sql: &str,
        params: &[Value<'_>],
        read: &mut dyn FnMut(&dyn Columns) -> Result<()>,
    ) -> Result<()> {
        match self.run(sql, params, true) {
            Answer::Rows(rows) => rows.iter().try_for_each(|row| read(row)),
            Answer::Failed(error) => Err(error),
            Answer::Start | Answer::Changed(_) => Err(mismatched_answer()),
        }
    }
}

fn mismatched_answer() -> StoreError {
    StoreError::internal("the PostgreSQL driver answered a statement with the wrong kind of result")
}

/// What a failed statement means for its transaction.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Failure {
    /// A statement failed since the transaction began: PostgreSQL ignores everything after
    /// that until the rollback, and a `COMMIT` would silently roll back.
    pub(super) failed: bool,
    /// The failure was a conflict with a concurrent write: running again may succeed.
    pub(super) conflicted: bool,
    /// PostgreSQL did not answer in time: what the connection holds is unknown, so it is
    /// closed instead of used again (`super::driver`).
    pub(super) abandoned: bool,
}

impl Failure {
    /// Records `error` and turns it into the domain's.
    pub(super) fn record(&mut self, error: tokio_postgres::Error) -> StoreError {
        self.failed = true;
        let Some(code) = error.code() else {
            return StoreError::unavailable(Unavailable::Unreachable, error);
        };
        if [
            SqlState::T_R_SERIALIZATION_FAILURE,
            SqlState::T_R_DEADLOCK_DETECTED,
            SqlState::UNIQUE_VIOLATION,
        ]
        .contains(code)
        {
            self.conflicted = true;
            return StoreError::unavailable(Unavailable::Busy, error);
        }
        if *code == SqlState::DISK_FULL {
            return StoreError::unavailable(Unavailable::DiskFull, error);
        }
        if [
            SqlState::TOO_MANY_CONNECTIONS,
            SqlState::ADMIN_SHUTDOWN,
            SqlState::CRASH_SHUTDOWN,
            SqlState::CANNOT_CONNECT_NOW,
            SqlState::READ_ONLY_SQL_TRANSACTION,
        ]
        .contains(code)
        {
            return StoreError::unavailable(Unavailable::ReadOnly, error);
        }
        StoreError::internal(error)
    }
}

/// The parameters as tokio-postgres takes them.
pub(super) fn bind(params: &[Cell]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|value| value as &(dyn ToSql + Sync))
        .collect()
}

impl Columns for tokio_postgres::Row {
    fn column_count(&self) -> usize {
        self.len()
    }

    fn cell(&self, index: usize) -> Option<Value<'_>> {
        fn read<'a, T: tokio_postgres::types::FromSql<'a>>(
            row: &'a tokio_postgres::Row,
            index: usize,
        ) -> Option<Option<T>> {
            row.try_get::<_, Option<T>>(index).ok()
        }
        Some(match *self.columns().get(index)?.type_() {
            Type::INT8 => read::<i64>(self, index)?.map_or(Value::Null, Value::Int),
            Type::INT4 => {
                read::<i32>(self, index)?.map_or(Value::Null, |number| Value::Int(number.into()))
            }
            Type::INT2 => {
                read::<i16>(self, index)?.map_or(Value::Null, |number| Value::Int(number.into()))
            }
            Type::BOOL => {
                read::<bool>(self, index)?.map_or(Value::Null, |flag| Value::Int(flag.into()))
            }
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => {
                read::<&str>(self, index)?.map_or(Value::Null, Value::Text)
            }
            Type::BYTEA => read::<&[u8]>(self, index)?.map_or(Value::Null, Value::Bytes),
            // No column of the schema has another type.
            _ => return None,
        })
    }
}

/// Integers bind as whatever integer (or flag) type PostgreSQL inferred for the parameter;
/// anything else must match exactly, and a mismatch is reported rather than guessed.
impl ToSql for Cell {
    fn to_sql(
        &self,
        column_type: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match *self {
            Cell::Null => Ok(IsNull::Yes),
            Cell::Int(number) => match *column_type {
                Type::INT2 => i16::try_from(number)?.to_sql_checked(column_type, out),
                Type::INT4 => i32::try_from(number)?.to_sql_checked(column_type, out),
                Type::BOOL => (number != 0).to_sql_checked(column_type, out),
                _ => number.to_sql_checked(column_type, out),
            },
            Cell::Text(ref text) => text.as_str().to_sql_checked(column_type, out),
            Cell::Bytes(ref bytes) => bytes.as_slice().to_sql_checked(column_type, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}
