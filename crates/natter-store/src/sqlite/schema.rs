//! Runs the shared migrations ([`crate::schema`]) on SQLite. `PRAGMA user_version` records how
//! many have run; each runs in its own transaction, and a database from a newer Natter is
//! refused.

use rusqlite::Connection;

use super::OpenError;
use crate::db::Dialect;
use crate::schema::MIGRATIONS;

/// Brings the database up to the current schema.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), OpenError> {
    let applied: usize = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    check_version(applied)?;
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(applied) {
        let tx = conn.transaction()?;
        tx.execute_batch(&Dialect::Sqlite.render(migration))?;
        tx.pragma_update(None, "user_version", index + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// Refuses a database written by a newer Natter: its schema may mean things this one does not
/// know, and writing to it could corrupt it.
pub(crate) fn check_version(found: usize) -> Result<(), OpenError> {
    if found > MIGRATIONS.len() {
        return Err(OpenError::NewerSchema {
            found,
            known: MIGRATIONS.len(),
        });
    }
    Ok(())
}
