//! The small interface the shared SQL runs on: a connection that executes statements with
//! positional parameters (`$1`, `$2`, …) and returns owned rows. SQLite and PostgreSQL each
//! implement it, so every query and every rule is written once.

use crate::error::{Result, StoreError};

/// Where the two databases spell something differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The scalar "largest of these values" function.
    pub fn greatest(self) -> &'static str {
        match self {
            Dialect::Sqlite => "MAX",
            Dialect::Postgres => "GREATEST",
        }
    }

    /// The scalar "smallest of these values" function.
    pub fn least(self) -> &'static str {
        match self {
            Dialect::Sqlite => "MIN",
            Dialect::Postgres => "LEAST",
        }
    }
}

/// One connection inside a transaction (writes) or a read. Every integer column is a 64-bit
/// integer and every flag is an integer 0 or 1 in both schemas, so a [`Value`] binds the same
/// way in both.
pub trait Db {
    fn dialect(&self) -> Dialect;
    /// Runs a statement; returns how many rows it changed.
    fn execute(&self, sql: &str, params: &[Value<'_>]) -> Result<u64>;
    /// Runs a query and hands each row to `read` as the database returns it, its columns
    /// borrowed: a caller reading straight into its own types copies each text once, where
    /// owned [`Row`]s copied it twice and allocated a vector per row besides (a list page
    /// reads some 40 columns for each of up to 200 rows).
    fn query_each(
        &self,
        sql: &str,
        params: &[Value<'_>],
        read: &mut dyn FnMut(&dyn Columns) -> Result<()>,
    ) -> Result<()>;

    /// Runs a query and returns all its rows, owned.
    fn query(&self, sql: &str, params: &[Value<'_>]) -> Result<Vec<Row>> {
        let mut rows = Vec::new();
        self.query_each(sql, params, &mut |row| {
            rows.push(Row::copied_from(row)?);
            Ok(())
        })?;
        Ok(rows)
    }
    /// Whether this connection runs a write whose reads must lock the rows they rely on:
    /// PostgreSQL's writes run under `READ COMMITTED`, where a row read early in a transaction
    /// may be changed by another node's write before this one commits (see `crate::locks`).
    /// SQLite's single writer never runs beside another write, and reads change nothing.
    fn locks_rows(&self) -> bool {
        false
    }
}

impl dyn Db + '_ {
    /// Runs a query and reads each row with `read` while the database holds it.
    pub fn query_map<T>(
        &self,
        sql: &str,
        params: &[Value<'_>],
        mut read: impl FnMut(&dyn Columns) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut all = Vec::new();
        self.query_each(sql, params, &mut |row| {
            all.push(read(row)?);
            Ok(())
        })?;
        Ok(all)
    }

    /// The first row, if any.
    pub fn query_opt(&self, sql: &str, params: &[Value<'_>]) -> Result<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// The one row a query always returns (an aggregate, a `RETURNING` clause).
    pub fn query_one(&self, sql: &str, params: &[Value<'_>]) -> Result<Row> {
        self.query_opt(sql, params)?
            .ok_or_else(|| StoreError::internal(format!("no row returned by: {sql}")))
    }

    pub fn exists(&self, sql: &str, params: &[Value<'_>]) -> Result<bool> {
        Ok(self.query_opt(sql, params)?.is_some())
    }
}

/// A value as both databases hold it, borrowed: a statement's parameter, or a column of a row
/// while its query runs (borrowed from the database's own buffer).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Text(&'a str),
    Bytes(&'a [u8]),
}

/// Builds a parameter slice: `params![uid.as_str(), channel_id]`.
macro_rules! params {
    ($($value:expr),* $(,)?) => {
        &[$($crate::db::Value::from($value)),*]
    };
}
pub(crate) use params;

/// The SQL text `build` makes, as a `&'static str`: made the first time this line runs and
/// kept, for a statement of a hot path whose text depends only on constants (a send formatted
/// three to ten of them on every call). `build` cannot capture a local, so a text that varies
/// cannot be kept by mistake; each shape of a statement takes a line of its own.
macro_rules! sql_once {
    ($build:expr) => {{
        static TEXT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| $build);
        TEXT.as_str()
    }};
}
pub(crate) use sql_once;

impl From<i64> for Value<'_> {
    fn from(value: i64) -> Self {
        Value::Int(value)
    }
}

/// Seqs, versions and counts stay far below 2^63.
impl From<u64> for Value<'_> {
    fn from(value: u64) -> Self {
        Value::Int(value as i64)
    }
}

impl From<u32> for Value<'_> {
    fn from(value: u32) -> Self {
        Value::Int(value.into())
    }
}

impl From<u8> for Value<'_> {
    fn from(value: u8) -> Self {
        Value::Int(value.into())
    }
}

impl From<bool> for Value<'_> {
    fn from(value: bool) -> Self {
        Value::Int(value.into())
    }
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(value: &'a str) -> Self {
        Value::Text(value)
    }
}

impl<'a> From<&'a String> for Value<'a> {
    fn from(value: &'a String) -> Self {
        Value::Text(value)
    }
}

impl<'a> From<&'a [u8]> for Value<'a> {
    fn from(value: &'a [u8]) -> Self {
        Value::Bytes(value)
    }
}

impl<'a, T: Into<Value<'a>>> From<Option<T>> for Value<'a> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Value::Null, Into::into)
    }
}

/// One column of a returned row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
}

impl Cell {
    fn borrowed(&self) -> Value<'_> {
        match self {
            Cell::Null => Value::Null,
            Cell::Int(number) => Value::Int(*number),
            Cell::Text(text) => Value::Text(text),
            Cell::Bytes(bytes) => Value::Bytes(bytes),
        }
    }
}

impl From<Value<'_>> for Cell {
    fn from(cell: Value<'_>) -> Self {
        match cell {
            Value::Null => Cell::Null,
            Value::Int(number) => Cell::Int(number),
            Value::Text(text) => Cell::Text(text.to_owned()),
            Value::Bytes(bytes) => Cell::Bytes(bytes.to_vec()),
        }
    }
}

/// A row being read, column by column: a row of the database's own while its query runs
/// ([`Db::query_each`]), or an owned [`Row`]. The shared readers of rows take this, so that
/// they read either.
pub trait Columns {
    fn column_count(&self) -> usize;
    /// The column at `index`; `None` past the row's end, or for a type no column of the schema
    /// has. A text that is not UTF-8 (which no write of the store makes) reads as bytes, so
    /// that reading it as text fails, naming the column.
    /// Not a `Result`: this runs for every column of every row read, and the store's error
    /// type is large; the caller that knows what it expected words the error.
    fn cell(&self, index: usize) -> Option<Value<'_>>;
}

impl dyn Columns + '_ {
    /// The column at `index`, converted; a missing column or a wrong type is a bug in the
    /// query, reported as an internal error naming the column.
    pub fn get<T: FromCell>(&self, index: usize) -> Result<T> {
        let cell = self.cell(index);
        cell.and_then(T::from_cell)
            .ok_or_else(|| unexpected(index, cell))
    }

    /// The text column at `index`, borrowed: for a value only parsed, never kept as it is.
    pub fn text(&self, index: usize) -> Result<&str> {
        match self.cell(index) {
            Some(Value::Text(text)) => Ok(text),
            cell => Err(unexpected(index, cell)),
        }
    }
}

/// A column that is missing, or holds what the query's reader did not expect: a bug in the
/// query, reported naming the column.
#[cold]
fn unexpected(index: usize, cell: Option<Value<'_>>) -> StoreError {
    match cell {
        Some(cell) => StoreError::internal(format!("column {index} holds an unexpected {cell:?}")),
        None => StoreError::internal(format!(
            "column {index} is missing, or of a type the store never reads"
        )),
    }
}

/// One returned row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub Vec<Cell>);

impl Row {
    /// The column at `index`, converted, as [`Columns`] reads it.
    pub fn get<T: FromCell>(&self, index: usize) -> Result<T> {
        (self as &dyn Columns).get(index)
    }

    /// An owned copy of a row that is being read.
    fn copied_from(row: &dyn Columns) -> Result<Row> {
        let count = row.column_count();
        let mut cells = Vec::with_capacity(count);
        for index in 0..count {
            let cell = row.cell(index).ok_or_else(|| unexpected(index, None))?;
            cells.push(cell.into());
        }
        Ok(Row(cells))
    }
}

impl Columns for Row {
    fn column_count(&self) -> usize {
        self.0.len()
    }

    fn cell(&self, index: usize) -> Option<Value<'_>> {
        self.0.get(index).map(Cell::borrowed)
    }
}

/// `rows` rows of parameters for a `VALUES` list, numbered row by row from `$first`, each cast
/// to its column's type in `types`: PostgreSQL would otherwise type a bare parameter there as
/// text. Written into one string: a page of the list has 400 cells, and a string per cell was a
/// sixth of the cost of reading the page's last messages (callgrind, `natter-bench list`).
pub(crate) fn values_rows(first: usize, rows: usize, types: &[&str]) -> String {
    use std::fmt::Write;
    let mut text = String::with_capacity(rows * types.len() * 22);
    for row in 0..rows {
        text.push_str(if row == 0 { "(" } else { ", (" });
        for (column, sql_type) in types.iter().enumerate() {
            let separator = if column == 0 { "" } else { ", " };
            let number = first + row * types.len() + column;
            write!(text, "{separator}CAST(${number} AS {sql_type})").expect("writing to a String");
        }
        text.push(')');
    }
    text
}

/// `$first, …`: `count` parameters for an `IN (…)` list.
pub(crate) fn parameter_list(first: usize, count: usize) -> String {
    let numbers: Vec<String> = (first..first + count).map(|n| format!("${n}")).collect();
    numbers.join(", ")
}

/// A Rust type a column converts to.
pub trait FromCell: Sized {
    fn from_cell(cell: Value<'_>) -> Option<Self>;
}

impl FromCell for i64 {
    fn from_cell(cell: Value<'_>) -> Option<Self> {
        match cell {
            Value::Int(value) => Some(value),
            _ => None,
        }
    }
}

impl FromCell for u64 {
    fn from_cell(cell: Value<'_>) -> Option<Self> {
        i64::from_cell(cell).and_then(|value| value.try_into().ok())
    }
}

impl FromCell for u8 {
    fn from_cell(cell: Value<'_>) -> Option<Self> {
        i64::from_cell(cell).and_then(|value| value.try_into().ok())
    }
}

impl FromCell for usize {
    fn from_cell(cell: Value<'_>) -> Option<Self> {
        i64::from_cell(cell).and_then(|value| value.try_into().ok())
    }
}

impl FromCell for bool {
    fn from_cell(cell: Value<'_>) -> Option<Self> {
        i64::from_cell(cell).map(|value| value != 0)
    }
}

impl FromCell for String {
    fn from_cell(cell: Value<'_>) -> Option<Self> {
        match cell {
            Value::Text(value) => Some(value.to_owned()),
            _ => None,
        }
    }
}

impl FromCell for Vec<u8> {
    fn from_cell(cell: Value<'_>) -> Option<Self> {
        match cell {
            Value::Bytes(value) => Some(value.to_vec()),
            _ => None,
        }
    }
}

impl<T: FromCell> FromCell for Option<T> {
    fn from_cell(cell: Value<'_>) -> Option<Self> {
        match cell {
            Value::Null => Some(None),
            cell => T::from_cell(cell).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_convert_to_the_types_the_queries_read() {
        let row = Row(vec![
            Cell::Int(7),
            Cell::Null,
            Cell::Text("bob".into()),
            Cell::Int(-1),
        ]);
        assert_eq!(row.get::<u64>(0).unwrap(), 7);
        assert!(row.get::<bool>(0).unwrap());
        assert_eq!(row.get::<Option<u64>>(1).unwrap(), None);
        assert_eq!(row.get::<String>(2).unwrap(), "bob");
        assert!(row.get::<u64>(3).is_err(), "negative is not a seq");
        assert!(row.get::<i64>(2).is_err(), "text is not a number");
        assert!(row.get::<i64>(9).is_err(), "no such column");
    }

    #[test]
    fn values_rows_number_their_parameters_row_by_row() {
        assert_eq!(
            values_rows(2, 2, &["BIGINT", "TEXT"]),
            "(CAST($2 AS BIGINT), CAST($3 AS TEXT)), (CAST($4 AS BIGINT), CAST($5 AS TEXT))"
        );
        assert_eq!(parameter_list(3, 2), "$3, $4");
    }
}
