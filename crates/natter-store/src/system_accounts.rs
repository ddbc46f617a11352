//! WuKongIM's system accounts (`/user/systemuids_add`, `_remove`, `GET /user/systemuids`): uids
//! the app trusts as it trusts its backend, for a notifications account or a help desk. A system
//! account sends to any group that is not dismissed, member or not, past its blacklist,
//! whitelist and mutes, and to any user past their blacklist; anyone may message a system
//! account past its own blacklist. The send path applies it ([`crate::messaging`]).

use natter_core::Uid;

use crate::db::params;
use crate::{Db, Result};

/// Makes these uids system accounts (those that are already stay as they were). A uid need not
/// have had a token, as in WuKongIM, which knows no users.
pub fn add(db: &dyn Db, uids: &[Uid], now_ms: i64) -> Result<()> {
    for uid in uids {
        db.execute(
            "INSERT INTO system_accounts (uid, created_ms) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            params![uid.as_str(), now_ms],
        )?;
    }
    Ok(())
}

/// These uids are system accounts no more (those that were not are passed over).
pub fn remove(db: &dyn Db, uids: &[Uid]) -> Result<()> {
    for uid in uids {
        db.execute(
            "DELETE FROM system_accounts WHERE uid = $1",
            params![uid.as_str()],
        )?;
    }
    Ok(())
}

/// Every system account, in uid order.
pub fn list(db: &dyn Db) -> Result<Vec<String>> {
    db.query_map("SELECT uid FROM system_accounts ORDER BY uid", &[], |row| {
        Ok(row.text(0)?.to_owned())
    })
}

/// Whether the send's sender (`$3` of [`crate::sender_lists::PROBES`]) is a system account.
pub(crate) const SENDER_PROBE: &str = "EXISTS (SELECT 1 FROM system_accounts WHERE uid = $3)";

/// Whether a one-to-one send's recipient (`$4`) is a system account.
pub(crate) const PEER_PROBE: &str = "EXISTS (SELECT 1 FROM system_accounts WHERE uid = $4)";
