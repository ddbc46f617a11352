//! Physical purge: deletes messages that no one can see any more, in small batches.
//!
//! A user's history of a channel starts after `max(cleared_to_seq, first window start − 1)`;
//! a former member who cleared past the point they left sees nothing of it at all. Messages
//! at or below the lowest such point over everyone who was ever in the channel are invisible to
//! all of them, so deleting them changes no answer of the API: cleared history then cannot be
//! recovered from the server's disk either.

use crate::db::params;
use crate::{Db, Result, Store};

impl Store {
    /// Physically deletes messages no one can see any more (everyone who could see them
    /// cleared past them) and, with a cutoff, messages older than it, in small batches so that
    /// writes queued behind a batch wait only briefly. Returns how many were deleted.
    pub async fn purge(&self, batch: u32, older_than_ms: Option<i64>) -> Result<u64> {
        let mut deleted = 0;
        for target in self.read(purgeable).await? {
            loop {
                let purged = self.write(move |db| purge_batch(db, target, batch)).await?;
                deleted += purged;
                if purged < u64::from(batch) {
                    break;
                }
            }
        }
        if let Some(cutoff) = older_than_ms {
            loop {
                let expired = self
                    .write(move |db| expire_batch(db, cutoff, batch))
                    .await?;
                deleted += expired;
                if expired < u64::from(batch) {
                    break;
                }
            }
        }
        Ok(deleted)
    }
}

/// A channel with messages to purge, up to `through_seq`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Purgeable {
    pub channel_id: i64,
    pub through_seq: u64,
}

/// Channels whose invisible prefix has grown past what was already purged. Runs on a reader.
fn purgeable(db: &dyn Db) -> Result<Vec<Purgeable>> {
    let greatest = db.dialect().greatest();
    let sql = format!(
        "SELECT id, through_seq FROM (SELECT ch.id, ch.purged_to_seq, MIN(CASE \
             WHEN c.left_seq IS NOT NULL AND c.cleared_to_seq >= c.left_seq THEN ch.last_seq \
             ELSE {greatest}(c.cleared_to_seq, COALESCE((SELECT MIN(m.join_seq) \
                  FROM memberships m WHERE m.channel_id = c.channel_id AND m.uid = c.uid), 1) - 1) \
           END) AS through_seq \
         FROM channels ch JOIN conversations c ON c.channel_id = ch.id \
         GROUP BY ch.id, ch.purged_to_seq) candidates WHERE through_seq > purged_to_seq"
    );
    db.query(&sql, &[])?
        .iter()
        .map(|row| {
            Ok(Purgeable {
                channel_id: row.get(0)?,
                through_seq: row.get(1)?,
            })
        })
        .collect()
}

/// Deletes up to `batch` messages of the channel at or below `through_seq`; when none are left,
/// records the channel as purged through there. Returns how many were deleted.
fn purge_batch(db: &dyn Db, target: Purgeable, batch: u32) -> Result<u64> {
    let deleted = db.execute(
        "DELETE FROM messages WHERE id IN (SELECT id FROM messages \
         WHERE channel_id = $1 AND seq <= $2 ORDER BY seq LIMIT $3)",
        params![target.channel_id, target.through_seq, batch],
    )?;
    if deleted < u64::from(batch) {
        let greatest = db.dialect().greatest();
        db.execute(
            &format!(
                "UPDATE channels SET purged_to_seq = {greatest}(purged_to_seq, $1) WHERE id = $2"
            ),
            params![target.through_seq, target.channel_id],
        )?;
    }
    Ok(deleted)
}

/// Deletes up to `batch` of the oldest messages if they were sent before `older_than_ms`
/// (message IDs grow with time, so the oldest are the lowest IDs).
fn expire_batch(db: &dyn Db, older_than_ms: i64, batch: u32) -> Result<u64> {
    db.execute(
        "DELETE FROM messages WHERE id IN (SELECT id FROM messages ORDER BY id LIMIT $1) \
         AND time_ms < $2",
        params![batch, older_than_ms],
    )
}
