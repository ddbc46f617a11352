//! The shared SQL on SQLite: `$1` placeholders bind as numbered, statements are cached per
//! connection, and SQLite's errors become the domain's.

use std::borrow::Cow;
use std::cell::RefCell;

use hashlink::LruCache;
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, PrepFlags, Statement};

use crate::{Columns, Db, Dialect, Result, StoreError, Unavailable, Value};

/// Prepared statements the writer keeps, as many as rusqlite's cache kept: more than the
/// distinct statements of the busy writes, so that a write whose text varies with its size
/// (a `VALUES` list) does not push a send's statements out.
const CACHED_STATEMENTS: usize = 64;

/// Turns a SQLite failure into the store's error: a full disk or a busy database is
/// unavailable (retry later), anything else is internal.
pub(crate) fn db_error(error: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode::*;
    let reason = match error.sqlite_error_code() {
        Some(DiskFull) => Unavailable::DiskFull,
        Some(DatabaseBusy | DatabaseLocked) => Unavailable::Busy,
        Some(SystemIoFailure | CannotOpen) => Unavailable::ReadOnly,
        _ => return StoreError::internal(error),
    };
    StoreError::unavailable(reason, error)
}

/// The connection the writer thread runs every write on, with its prepared statements kept by
/// the shared SQL as the store wrote it. rusqlite's `prepare_cached` keys its cache by the text
/// SQLite runs, so each statement first had its placeholders rewritten ([`numbered_placeholders`])
/// and then its text copied into a new key on its way back into the cache: about 1,300
/// instructions a statement, some 5 % of a send (callgrind, `BENCHMARKS.md`). Here the store's
/// text is looked up in place, and rewritten and prepared only the first time.
///
/// The statements borrow the connection, so this lives where the connection does: on the
/// writer's thread, for as long as it runs. The readers move between blocking threads, which
/// borrowed statements cannot, and use rusqlite's cache.
pub(crate) struct CachedConnection<'conn> {
    conn: &'conn Connection,
    statements: RefCell<LruCache<Box<str>, Statement<'conn>>>,
}

impl<'conn> CachedConnection<'conn> {
    pub(crate) fn new(conn: &'conn Connection) -> Self {
        Self {
            conn,
            statements: RefCell::new(LruCache::new(CACHED_STATEMENTS)),
        }
    }

    /// The connection itself, for what is not shared SQL (transaction control, pragmas).
    pub(crate) fn connection(&self) -> &'conn Connection {
        self.conn
    }

    /// Runs `run` on the statement for `sql`. The statement leaves the cache while it runs, so
    /// that a query read row by row may run others (even itself) meanwhile.
    fn with_statement<T>(
        &self,
        sql: &str,
        run: impl FnOnce(&mut Statement<'conn>) -> Result<T>,
    ) -> Result<T> {
        let cached = self.statements.borrow_mut().remove_entry(sql);
        let (key, mut statement) = match cached {
            Some(entry) => entry,
            None => {
                let prepared = self.conn.prepare_with_flags(
                    &numbered_placeholders(sql),
                    PrepFlags::SQLITE_PREPARE_PERSISTENT,
                );
                (sql.into(), prepared.map_err(db_error)?)
            }
        };
        let outcome = run(&mut statement);
        self.statements.borrow_mut().insert(key, statement);
        outcome
    }
}

impl Db for CachedConnection<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn execute(&self, sql: &str, params: &[Value<'_>]) -> Result<u64> {
        self.with_statement(sql, |statement| execute(statement, params))
    }

    fn query_each(
        &self,
        sql: &str,
        params: &[Value<'_>],
        read: &mut dyn FnMut(&dyn Columns) -> Result<()>,
    ) -> Result<()> {
        self.with_statement(sql, |statement| query_each(statement, params, read))
    }
}

impl Db for Connection {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn execute(&self, sql: &str, params: &[Value<'_>]) -> Result<u64> {
        let mut statement = self
            .prepare_cached(&numbered_placeholders(sql))
            .map_err(db_error)?;
        execute(&mut statement, params)
    }

    fn query_each(
        &self,
        sql: &str,
        params: &[Value<'_>],
        read: &mut dyn FnMut(&dyn Columns) -> Result<()>,
    ) -> Result<()> {
        let mut statement = self
            .prepare_cached(&numbered_placeholders(sql))
            .map_err(db_error)?;
        query_each(&mut statement, params, read)
    }
}

fn execute(statement: &mut Statement<'_>, params: &[Value<'_>]) -> Result<u64> {
    statement
        .execute(rusqlite::params_from_iter(params))
        .map(|changed| changed as u64)
        .map_err(db_error)
}

fn query_each(
    statement: &mut Statement<'_>,
    params: &[Value<'_>],
    read: &mut dyn FnMut(&dyn Columns) -> Result<()>,
) -> Result<()> {
    let mut rows = statement
        .query(rusqlite::params_from_iter(params))
        .map_err(db_error)?;
    while let Some(row) = rows.next().map_err(db_error)? {
        read(row)?;
    }
    Ok(())
}

impl Columns for rusqlite::Row<'_> {
    fn column_count(&self) -> usize {
        self.as_ref().column_count()
    }

    fn cell(&self, index: usize) -> Option<Value<'_>> {
        Some(match self.get_ref(index).ok()? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(number) => Value::Int(number),
            // No column holds a REAL; an integer-valued expression never yields one either.
            ValueRef::Real(number) => Value::Int(number as i64),
            // Every text was bound from a Rust string, so it is UTF-8 unless the file was
            // changed by other means; then it reads as bytes, and fails where text is read.
            ValueRef::Text(text) => match std::str::from_utf8(text) {
                Ok(text) => Value::Text(text),
                Err(_) => Value::Bytes(text),
            },
            ValueRef::Blob(bytes) => Value::Bytes(bytes),
        })
    }
}

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match *self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(number) => ToSqlOutput::Borrowed(ValueRef::Integer(number)),
            Value::Text(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            Value::Bytes(bytes) => ToSqlOutput::Borrowed(ValueRef::Blob(bytes)),
        })
    }
}

/// The shared SQL numbers its parameters `$1`, `$2` as PostgreSQL does; SQLite reads `$1` as a
/// *named* parameter, numbered one above the largest number given so far. Where each
/// placeholder is first used in numeric order (most statements), that is its own number and
/// the text is used as it is; otherwise the placeholders are rewritten to `?1`, which SQLite
/// numbers as written. This runs for every statement, so the common case copies nothing.
fn numbered_placeholders(sql: &str) -> Cow<'_, str> {
    let mut next = 1;
    let in_order = placeholders(sql).all(|(_, number)| match number {
        number if number == next => {
            next += 1;
            true
        }
        number => number < next,
    });
    if in_order {
        return Cow::Borrowed(sql);
    }
    let mut rewritten = String::with_capacity(sql.len());
    let mut copied = 0;
    for (at, _) in placeholders(sql) {
        rewritten.push_str(&sql[copied..at]);
        rewritten.push('?');
        copied = at + 1;
    }
    rewritten.push_str(&sql[copied..]);
    Cow::Owned(rewritten)
}

/// Each `$N` placeholder of `sql`, in the order they appear: where its `$` is, and `N`. A page
/// of the list binds over 400 parameters, so the `$`s are found with memchr and the digits
/// read in place.
fn placeholders(sql: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = sql.as_bytes();
    memchr::memchr_iter(b'$', bytes).filter_map(move |at| {
        let after = &bytes[at + 1..];
        let digits = &after[..after
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count()];
        let number = digits.iter().fold(0usize, |number, digit| {
            number
                .saturating_mul(10)
                .saturating_add(usize::from(digit - b'0'))
        });
        (!digits.is_empty()).then_some((at, number))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_keep_their_numbers() {
        assert_eq!(
            numbered_placeholders("UPDATE t SET a = $2 WHERE b = $1 AND c = '$x'"),
            "UPDATE t SET a = ?2 WHERE b = ?1 AND c = '$x'"
        );
        assert!(matches!(
            numbered_placeholders("SELECT 1"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn placeholders_first_used_in_order_are_left_as_written() {
        let sql = "UPDATE t SET a = $1, b = $2 WHERE c = $1 AND d = $3";
        assert!(matches!(numbered_placeholders(sql), Cow::Borrowed(_)));
        let conn = Connection::open_in_memory().unwrap();
        let db: &dyn Db = &conn;
        let row = db
            .query_one(
                "SELECT $1, $2, $1 + $3",
                &[Value::Int(1), Value::Text("two"), Value::Int(2)],
            )
            .unwrap();
        assert_eq!(row.get::<i64>(0).unwrap(), 1);
        assert_eq!(row.get::<String>(1).unwrap(), "two");
        assert_eq!(row.get::<i64>(2).unwrap(), 3);
    }

    #[test]
    fn the_saves_of_conversation_rows_bind_as_written() {
        for written in [crate::rows::Written::All, crate::rows::Written::Arrival] {
            let sql = crate::rows::sqlite_save_sql(written);
            assert!(
                matches!(numbered_placeholders(sql), Cow::Borrowed(_)),
                "{sql}"
            );
        }
    }

    #[test]
    fn rows_read_in_place_as_owned_rows_read_them() {
        let conn = Connection::open_in_memory().unwrap();
        let db: &dyn Db = &conn;
        let sql = "SELECT 7, NULL, 'bob', x'01ff', CAST(x'ff' AS TEXT)";
        let owned = db.query_one(sql, &[]).unwrap();
        let mut in_place = Vec::new();
        db.query_each(sql, &[], &mut |row| {
            in_place.push((
                row.get::<u64>(0)?,
                row.get::<Option<String>>(1)?,
                row.text(2)?.to_owned(),
                row.get::<Vec<u8>>(3)?,
            ));
            // Text that is not UTF-8 is not repaired in passing: reading it fails, by column.
            let error = row.get::<String>(4).unwrap_err().to_string();
            assert!(error.contains("column 4"), "{error}");
            Ok(())
        })
        .unwrap();
        let expected = (7, None, "bob".to_owned(), vec![1, 0xff]);
        assert_eq!(in_place, std::slice::from_ref(&expected));
        let read_owned = (
            owned.get::<u64>(0).unwrap(),
            owned.get::<Option<String>>(1).unwrap(),
            owned.get::<String>(2).unwrap(),
            owned.get::<Vec<u8>>(3).unwrap(),
        );
        assert_eq!(read_owned, expected);
    }

    #[test]
    fn the_writers_statements_are_kept_by_the_stores_own_text() {
        let conn = Connection::open_in_memory().unwrap();
        let cached = CachedConnection::new(&conn);
        let db: &dyn Db = &cached;
        db.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)", &[])
            .unwrap();
        let insert = "INSERT INTO t (b, a) VALUES ($2, $1)";
        for a in 1..=3 {
            db.execute(insert, &[Value::Int(a), Value::Text("x")])
                .unwrap();
        }
        assert!(cached.statements.borrow().contains_key(insert));

        // A failing statement leaves its cached statement usable.
        let duplicate = db.execute(insert, &[Value::Int(1), Value::Text("x")]);
        assert!(duplicate.is_err());
        db.execute(insert, &[Value::Int(4), Value::Text("y")])
            .unwrap();

        // A query read row by row may run itself again meanwhile.
        let all = "SELECT a, b FROM t ORDER BY a";
        let mut outer = Vec::new();
        db.query_each(all, &[], &mut |row| {
            assert_eq!(db.query(all, &[])?.len(), 4);
            outer.push(row.get::<i64>(0)?);
            Ok(())
        })
        .unwrap();
        assert_eq!(outer, [1, 2, 3, 4]);

        // Texts that vary (a `VALUES` list's length) do not grow the cache past its bound.
        for n in 0..2 * CACHED_STATEMENTS {
            db.query_one(&format!("SELECT {n}"), &[]).unwrap();
        }
        assert_eq!(cached.statements.borrow().len(), CACHED_STATEMENTS);
        assert_eq!(db.query(all, &[]).unwrap().len(), 4);
    }

    #[test]
    fn parameters_bind_in_the_order_they_are_numbered() {
        let conn = Connection::open_in_memory().unwrap();
        let db: &dyn Db = &conn;
        let row = db
            .query_one(
                "SELECT $2, $1, $3",
                &[Value::Int(1), Value::Text("two"), Value::Null],
            )
            .unwrap();
        assert_eq!(row.get::<String>(0).unwrap(), "two");
        assert_eq!(row.get::<i64>(1).unwrap(), 1);
        assert_eq!(row.get::<Option<i64>>(2).unwrap(), None);
    }
}
