//! Physical purge: deletes messages that no one can see any more, in small batches.
//!
//! A user's history of a channel starts after `max(cleared_to_seq, first window start − 1)`;
//! a former member who cleared past the point they left sees nothing of it at all. Messages
//! at or below the lowest such point over everyone who was ever in the channel are invisible to
//! all of them, so deleting them changes no answer of the API: cleared history then cannot be
//! recovered from the server's disk either.

use natter_core::Result;
use rusqlite::Connection;

use super::pool::db_error;

/// A channel with messages to purge, up to `through_seq`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Purgeable {
    pub channel_id: i64,
    pub through_seq: u64,
}

/// Channels whose invisible prefix has grown past what was already purged. Runs on a reader.
pub(crate) fn purgeable(conn: &Connection) -> Result<Vec<Purgeable>> {
    conn.prepare_cached(
        "SELECT ch.id, MIN(CASE \
             WHEN c.left_seq IS NOT NULL AND c.cleared_to_seq >= c.left_seq THEN ch.last_seq \
             ELSE MAX(c.cleared_to_seq, COALESCE((SELECT MIN(m.join_seq) FROM memberships m \
                  WHERE m.channel_id = c.channel_id AND m.uid = c.uid), 1) - 1) \
           END) AS through_seq, ch.purged_to_seq \
         FROM channels ch JOIN conversations c ON c.channel_id = ch.id \
         GROUP BY ch.id HAVING through_seq > ch.purged_to_seq",
    )
    .and_then(|mut statement| {
        statement
            .query_map([], |row| {
                Ok(Purgeable {
                    channel_id: row.get(0)?,
                    through_seq: row.get(1)?,
                })
            })?
            .collect()
    })
    .map_err(db_error)
}

/// Deletes up to `batch` messages of the channel at or below `through_seq`; when none are left,
/// records the channel as purged through there. Returns how many were deleted.
pub(crate) fn purge_batch(conn: &Connection, target: Purgeable, batch: u32) -> Result<u64> {
    let deleted = conn
        .prepare_cached(
            "DELETE FROM messages WHERE id IN (SELECT id FROM messages \
             WHERE channel_id = ?1 AND seq <= ?2 ORDER BY seq LIMIT ?3)",
        )
        .and_then(|mut statement| statement.execute((target.channel_id, target.through_seq, batch)))
        .map_err(db_error)?;
    if deleted < batch as usize {
        conn.prepare_cached(
            "UPDATE channels SET purged_to_seq = MAX(purged_to_seq, ?1) WHERE id = ?2",
        )
        .and_then(|mut statement| statement.execute((target.through_seq, target.channel_id)))
        .map_err(db_error)?;
    }
    Ok(deleted as u64)
}

/// Deletes up to `batch` of the oldest messages if they were sent before `older_than_ms`
/// (message IDs grow with time, so the oldest are the lowest IDs).
pub(crate) fn expire_batch(conn: &Connection, older_than_ms: i64, batch: u32) -> Result<u64> {
    conn.prepare_cached(
        "DELETE FROM messages WHERE id IN (SELECT id FROM messages ORDER BY id LIMIT ?1) \
         AND time_ms < ?2",
    )
    .and_then(|mut statement| statement.execute((batch, older_than_ms)))
    .map(|deleted| deleted as u64)
    .map_err(db_error)
}
