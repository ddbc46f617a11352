//! Physical purge: deletes messages that no one can see any more, in small batches.
//!
//! A user's history of a channel starts after `max(cleared_to_seq, first window start − 1)`;
//! a former member who cleared past the point they left sees nothing of it at all. Messages
//! at or below the lowest such point over everyone who was ever in the channel are invisible to
//! all of them, so deleting them changes no answer of the API: cleared history then cannot be
//! recovered from the server's disk either.
//!
//! # Candidates
//!
//! The job visits only channels whose lowest point may have risen since their last purge: the
//! `purge_candidates` table, one row per channel. A write marks the channel in its own
//! transaction, so a mark is durable exactly when the change is:
//!
//! - `rows::save_all`, through which every change to a conversation row goes, marks when the
//!   user's `cleared_to_seq` rose (clearing history, deleting a conversation with its history)
//!   or their `left_seq` was set (leaving, being removed, a dismissal);
//! - a message into a group with no current member marks too: once every former member cleared
//!   past the point they left, the lowest point is the channel's last message, which rises
//!   with each message;
//! - nothing else raises it: a join or rejoin, a restore and a new conversation only lower it,
//!   and a message deleted for oneself by everyone who could see it is deleted at once
//!   (`removal::delete_for_me`).
//!
//! A table rather than a flag on `channels`: finding the channels to visit then reads only
//! them (a flag would need its own index, rewritten with the hot channel row), and a mark never
//! touches the channel's row, which sends lock first (`crate::locks`), so a write that holds only
//! a user's row (clearing history) marks without waiting for the channel.
//!
//! A mark inserts the row or bumps its `marks` counter. The job reads each candidate's counter
//! in the statement that computes the point to purge through, and removes the candidate only if
//! the counter is still what it read: a change committed after that statement bumped the
//! counter (on PostgreSQL, the removal waits for a bump not yet committed, then sees it), so
//! its mark survives the run and the next run visits the channel again. The bump locks the
//! candidate's row until the marking write commits; writes that mark several channels (deleting
//! several conversations with their history) can then deadlock against each other, which the
//! PostgreSQL store runs again like any other deadlock.

use crate::db::{params, values_rows};
use crate::{Db, Result, Store, Value};

/// Candidates read per statement.
const CANDIDATE_PAGE: u32 = 256;

impl Store {
    /// Physically deletes messages no one can see any more (everyone who could see them
    /// cleared past them) in the channels marked as candidates, and, with a cutoff, messages
    /// older than it, in small batches so that writes queued behind a batch wait only briefly.
    /// Returns how many were deleted.
    pub async fn purge(&self, batch: u32, older_than_ms: Option<i64>) -> Result<u64> {
        let mut deleted = 0;
        let mut after = i64::MIN;
        loop {
            let page = self
                .read(move |db| candidates(db, after, CANDIDATE_PAGE))
                .await?;
            for candidate in &page {
                if let Some(target) = candidate.target() {
                    loop {
                        let purged = self.write(move |db| purge_batch(db, target, batch)).await?;
                        deleted += purged;
                        if purged < u64::from(batch) {
                            break;
                        }
                    }
                }
                let candidate = *candidate;
                self.write(move |db| settle(db, candidate)).await?;
            }
            match page.last() {
                Some(last) if page.len() == CANDIDATE_PAGE as usize => after = last.channel_id,
                _ => break,
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

/// Marks each of these channels as a candidate for the purge job, in the caller's transaction,
/// in one statement.
pub(crate) fn mark_candidates(db: &dyn Db, channel_ids: &[i64]) -> Result<()> {
    if channel_ids.is_empty() {
        return Ok(());
    }
    // PostgreSQL refuses to update one row twice in a statement.
    let mut channel_ids = channel_ids.to_vec();
    channel_ids.sort_unstable();
    channel_ids.dedup();
    let values: Vec<Value<'_>> = channel_ids.iter().map(|&id| Value::from(id)).collect();
    db.execute(
        &format!(
            "INSERT INTO purge_candidates (channel_id) VALUES {} ON CONFLICT (channel_id) \
             DO UPDATE SET marks = purge_candidates.marks + 1",
            values_rows(1, channel_ids.len(), &["BIGINT"])
        ),
        &values,
    )?;
    Ok(())
}

/// A channel with messages to purge, up to `through_seq`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Purgeable {
    pub channel_id: i64,
    pub through_seq: u64,
}

/// A marked channel as one statement saw it: its mark, what was purged and what may be.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    channel_id: i64,
    marks: i64,
    purged_to_seq: u64,
    /// The lowest point anyone can see; none for a channel no one ever had a conversation in.
    through_seq: Option<u64>,
}

impl Candidate {
    /// What to purge, if the lowest point rose past what was purged.
    fn target(&self) -> Option<Purgeable> {
        self.through_seq
            .filter(|&through| through > self.purged_to_seq)
            .map(|through_seq| Purgeable {
                channel_id: self.channel_id,
                through_seq,
            })
    }
}

/// The lowest point anyone can see in channel `ch`, as an aggregate over its conversations `c`.
fn through_seq_sql(db: &dyn Db) -> String {
    let greatest = db.dialect().greatest();
    format!(
        "MIN(CASE \
             WHEN c.left_seq IS NOT NULL AND c.cleared_to_seq >= c.left_seq THEN ch.last_seq \
             ELSE {greatest}(c.cleared_to_seq, COALESCE((SELECT MIN(m.join_seq) \
                  FROM memberships m WHERE m.channel_id = c.channel_id AND m.uid = c.uid), 1) - 1) \
           END)"
    )
}

/// Up to `limit` candidates after channel `after`, in channel order, each with its lowest
/// visible point computed in the same statement (and so the same snapshot) that reads its
/// mark. Per channel it reads the channel's conversations and memberships by their indexes.
/// Runs on a reader.
fn candidates(db: &dyn Db, after: i64, limit: u32) -> Result<Vec<Candidate>> {
    let sql = format!(
        "SELECT pc.channel_id, pc.marks, ch.purged_to_seq, {} \
         FROM (SELECT channel_id, marks FROM purge_candidates WHERE channel_id > $1 \
               ORDER BY channel_id LIMIT $2) pc \
         JOIN channels ch ON ch.id = pc.channel_id \
         LEFT JOIN conversations c ON c.channel_id = pc.channel_id \
         GROUP BY pc.channel_id, pc.marks, ch.purged_to_seq ORDER BY pc.channel_id",
        through_seq_sql(db)
    );
    db.query(&sql, params![after, limit])?
        .iter()
        .map(|row| {
            Ok(Candidate {
                channel_id: row.get(0)?,
                marks: row.get(1)?,
                purged_to_seq: row.get(2)?,
                through_seq: row.get(3)?,
            })
        })
        .collect()
}

/// Removes the candidate once its channel is purged through what was computed, unless a write
/// marked it again since (its counter moved): that channel stays a candidate for the next run.
fn settle(db: &dyn Db, candidate: Candidate) -> Result<()> {
    db.execute(
        "DELETE FROM purge_candidates WHERE channel_id = $1 AND marks = $2",
        params![candidate.channel_id, candidate.marks],
    )?;
    Ok(())
}

/// Every channel whose invisible prefix has grown past what was already purged, by a full scan
/// of every conversation: what the job did before candidates, kept to check that every write
/// that raises the prefix marks its channel.
#[cfg(test)]
pub(crate) fn purgeable_by_full_scan(db: &dyn Db) -> Result<Vec<Purgeable>> {
    let sql = format!(
        "SELECT id, through_seq FROM (SELECT ch.id, ch.purged_to_seq, {} AS through_seq \
         FROM channels ch JOIN conversations c ON c.channel_id = ch.id \
         GROUP BY ch.id, ch.purged_to_seq) candidates WHERE through_seq > purged_to_seq",
        through_seq_sql(db)
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
    // The channel's row first, as every write that changes its messages takes it (a recall
    // then finds the message gone rather than updating a row being deleted).
    crate::locks::lock_channel(db, target.channel_id)?;
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

#[cfg(test)]
#[path = "purge_tests.rs"]
mod tests;
