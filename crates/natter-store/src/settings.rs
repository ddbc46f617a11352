//! App settings: a small key-value table (the app's `sync_conversation_deletion`, …).

use crate::db::params;
use crate::{Db, Result};

pub fn setting(db: &dyn Db, key: &str) -> Result<Option<String>> {
    db.query_opt("SELECT value FROM settings WHERE key = $1", params![key])?
        .map(|row| row.get(0))
        .transpose()
}

pub fn set_setting(db: &dyn Db, key: &str, value: &str) -> Result<()> {
    db.execute(
        "INSERT INTO settings (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}
