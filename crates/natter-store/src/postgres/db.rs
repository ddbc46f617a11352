//! The shared SQL on PostgreSQL: one client with its prepared statements, values bound as the
//! column types ask, and PostgreSQL's errors turned into the domain's. A conflict with a
//! concurrent transaction (a deadlock, or the same new key inserted by both) is remembered so
//! that the transaction can be run again whole.

use std::cell::{Cell as Flag, RefCell};
use std::collections::HashMap;
use std::error::Error as StdError;

use bytes::BytesMut;
use postgres::error::SqlState;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, Statement};

use crate::{Columns, Db, Dialect, Result, StoreError, Unavailable, Value};

/// A pooled connection. Used by one thread at a time; moved between threads by the pool.
pub(crate) struct PgConnection {
    client: RefCell<Client>,
    statements: RefCell<HashMap<String, Statement>>,
    /// A statement failed since the transaction began: PostgreSQL ignores everything after
    /// that until the rollback, and a `COMMIT` would silently roll back.
    failed: Flag<bool>,
    /// The failure was a conflict with a concurrent write: running again may succeed.
    conflicted: Flag<bool>,
    /// A write transaction is open: its reads lock what they rely on (`Db::locks_rows`).
    writing: Flag<bool>,
}

impl PgConnection {
    pub(crate) fn new(client: Client) -> Self {
        Self {
            client: RefCell::new(client),
            statements: RefCell::new(HashMap::new()),
            failed: Flag::new(false),
            conflicted: Flag::new(false),
            writing: Flag::new(false),
        }
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.client.borrow().is_closed()
    }

    /// Runs statements without parameters (transaction control).
    pub(crate) fn batch(&self, sql: &str) -> Result<()> {
        let outcome = self.client.borrow_mut().batch_execute(sql);
        outcome.map_err(|error| self.failure(error))
    }

    /// Starts a write transaction with clean failure flags.
    pub(crate) fn begin_write(&self) -> Result<()> {
        self.failed.set(false);
        self.conflicted.set(false);
        self.batch("BEGIN ISOLATION LEVEL READ COMMITTED")?;
        self.writing.set(true);
        Ok(())
    }

    /// Ends the write transaction: committed, or rolled back when `commit` is false.
    pub(crate) fn end_write(&self, commit: bool) -> Result<()> {
        self.writing.set(false);
        self.batch(if commit { "COMMIT" } else { "ROLLBACK" })
    }

    pub(crate) fn failed(&self) -> bool {
        self.failed.get()
    }

    pub(crate) fn conflicted(&self) -> bool {
        self.conflicted.get()
    }

    fn statement(&self, sql: &str) -> Result<Statement> {
        if let Some(statement) = self.statements.borrow().get(sql) {
            return Ok(statement.clone());
        }
        let prepared = self.client.borrow_mut().prepare(sql);
        let statement = prepared.map_err(|error| self.failure(error))?;
        self.statements
            .borrow_mut()
            .insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    fn failure(&self, error: postgres::Error) -> StoreError {
        self.failed.set(true);
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
            self.conflicted.set(true);
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

impl Db for PgConnection {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn locks_rows(&self) -> bool {
        self.writing.get()
    }

    fn execute(&self, sql: &str, params: &[Value<'_>]) -> Result<u64> {
        let statement = self.statement(sql)?;
        let outcome = self.client.borrow_mut().execute(&statement, &bind(params));
        outcome.map_err(|error| self.failure(error))
    }

    fn query_each(
        &self,
        sql: &str,
        params: &[Value<'_>],
        read: &mut dyn FnMut(&dyn Columns) -> Result<()>,
    ) -> Result<()> {
        let statement = self.statement(sql)?;
        let outcome = self.client.borrow_mut().query(&statement, &bind(params));
        for row in outcome.map_err(|error| self.failure(error))? {
            read(&row)?;
        }
        Ok(())
    }
}

fn bind<'a>(params: &'a [Value<'a>]) -> Vec<&'a (dyn ToSql + Sync)> {
    params
        .iter()
        .map(|value| value as &(dyn ToSql + Sync))
        .collect()
}

impl Columns for postgres::Row {
    fn column_count(&self) -> usize {
        self.len()
    }

    fn cell(&self, index: usize) -> Option<Value<'_>> {
        fn read<'a, T: postgres::types::FromSql<'a>>(
            row: &'a postgres::Row,
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
impl ToSql for Value<'_> {
    fn to_sql(
        &self,
        column_type: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match *self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(number) => match *column_type {
                Type::INT2 => i16::try_from(number)?.to_sql_checked(column_type, out),
                Type::INT4 => i32::try_from(number)?.to_sql_checked(column_type, out),
                Type::BOOL => (number != 0).to_sql_checked(column_type, out),
                _ => number.to_sql_checked(column_type, out),
            },
            Value::Text(text) => text.to_sql_checked(column_type, out),
            Value::Bytes(bytes) => bytes.to_sql_checked(column_type, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}
