//! Row locks for writes that run beside other writes.
//!
//! On SQLite one writer runs every write, so nothing here does anything there. On PostgreSQL
//! several connections (and several nodes) write at once under `READ COMMITTED`: each statement
//! sees what was committed when it started, so a write that read a row and then changes it
//! could overwrite a change committed in between. `SERIALIZABLE` would detect that and run the
//! whole transaction again, which costs more the hotter a row is (thousands of senders into one
//! user's list rerun again and again). Instead a write first locks what it relies on, in one
//! order everywhere, so concurrent writes wait in line once:
//!
//! 1. the channel's row, when the write appends to the channel (the next seq), changes its
//!    members, its profile or its messages (`rows::find_channel` locks it inside a write, and
//!    so does a send's update of the channel's last seq);
//! 2. then users' rows, in uid order: a user's conversation rows, folders, profile and running
//!    unread total are only changed by a write that holds that user's row, taken before the
//!    write reads any of them.
//!
//! A write that may leave messages no one can see bumps the channel's row in `purge_candidates`
//! (`crate::purge`) after those locks, and holds it until it commits; the purge job takes the
//! channel's row before deleting its messages, and a candidate's row only in a transaction of
//! its own.
//!
//! The locks are `FOR NO KEY UPDATE`, the lock an `UPDATE` of these rows takes anyway: unlike
//! `FOR UPDATE` it lets other writes insert rows that refer to the locked one (a new
//! conversation's row takes a key-share lock on its user's row through the foreign key), which
//! would otherwise make every first message between two users deadlock against the sends into
//! either of them.
//!
//! A wait that still ends in a deadlock (writes that lock users outside that order, such as
//! membership changes in two groups at once), or two writes inserting the same new key (the
//! first message between two users, from two nodes at once), fails the transaction, which the
//! PostgreSQL store then runs again; the rerun sees the other write's rows.

use natter_core::Uid;

use crate::Db;
use crate::Result;
use crate::db::params;

/// Locks the user's row; see the module's order.
pub(crate) fn lock_user(db: &dyn Db, uid: &Uid) -> Result<()> {
    if db.locks_rows() {
        db.query(
            "SELECT 1 FROM users WHERE uid = $1 FOR NO KEY UPDATE",
            params![uid.as_str()],
        )?;
    }
    Ok(())
}

/// Locks the rows of these users in uid order (each once): a write that changes the
/// conversations of several users it knows beforehand, such as a read that gives the peers of
/// one-to-one conversations their read receipts.
pub(crate) fn lock_users<'a>(db: &dyn Db, uids: impl IntoIterator<Item = &'a Uid>) -> Result<()> {
    if db.locks_rows() {
        let ordered: std::collections::BTreeSet<&Uid> = uids.into_iter().collect();
        for uid in ordered {
            lock_user(db, uid)?;
        }
    }
    Ok(())
}

/// Locks, in uid order, the rows of every user with a conversation in the channel (members
/// and former members): a write that changes all their conversations (a message, a recall)
/// takes them together, after the channel's row.
pub(crate) fn lock_members(db: &dyn Db, channel_id: i64) -> Result<()> {
    if db.locks_rows() {
        db.query(&members_locking("$1"), params![channel_id])?;
    }
    Ok(())
}

/// The query that [`lock_members`] runs, for the channel whose id `channel_id` (SQL) gives: a
/// send runs it inside the statement that appends the message, after that statement's update
/// of the channel's row, on which its `channel_id` depends. PostgreSQL locks the rows as the
/// sort returns them, so in uid order (the uids never change, so the order cannot either).
pub(crate) fn members_locking(channel_id: &str) -> String {
    format!(
        "SELECT 1 FROM users WHERE uid IN (SELECT uid FROM conversations \
         WHERE channel_id = {channel_id}) ORDER BY uid FOR NO KEY UPDATE"
    )
}

/// Locks the channel's row by its id, for a write that finds the channel through one of its
/// messages.
pub(crate) fn lock_channel(db: &dyn Db, channel_id: i64) -> Result<()> {
    if db.locks_rows() {
        db.query(
            "SELECT 1 FROM channels WHERE id = $1 FOR NO KEY UPDATE",
            params![channel_id],
        )?;
    }
    Ok(())
}
