//! Runs the shared migrations ([`crate::schema`]) on SQLite. `PRAGMA user_version` records how
//! many have run; those still to run run in one transaction, so a database is upgraded wholly
//! or not at all, with one sync of the disk (one per migration took most of a new database's
//! start), and a database from a newer Natter is refused.

use rusqlite::Connection;

use super::OpenError;
use crate::db::Dialect;
use crate::schema::MIGRATIONS;

/// Brings the database up to the current schema.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), OpenError> {
    let applied: usize = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    check_version(applied)?;
    if applied == MIGRATIONS.len() {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for migration in &MIGRATIONS[applied..] {
        tx.execute_batch(&Dialect::Sqlite.render(migration))?;
    }
    tx.pragma_update(None, "user_version", MIGRATIONS.len())?;
    tx.commit()?;
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
