//! Webhooks: the outbox of events for the app backend, and the lease that makes one node the
//! sender of each kind of event (where devices are connected is [`crate::presence`]).
//!
//! The service writes events with [`enqueue`] inside the transaction of the change that causes
//! them, so an event exists exactly when its change committed. A sender reads the oldest
//! [`pending`] events of a kind, delivers them, then deletes them ([`delivered`]) or records
//! the failure ([`failed`]); an event is deleted only after its delivery, so a crash between the
//! two sends it again (at-least-once), never loses it.

use crate::db::{parameter_list, params};
use crate::{Db, Result, Value};

/// An event waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEvent {
    pub id: i64,
    /// The item as JSON text (without its `event_id`, which is its `id`).
    pub body: String,
    pub created_ms: i64,
    pub attempts: u32,
    /// Not to be sent before this.
    pub next_attempt_ms: i64,
}

/// A dead letter: an event given up after failing for too long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadEvent {
    pub id: i64,
    pub event: String,
    pub body: String,
    pub created_ms: i64,
    pub attempts: u32,
    pub last_error: String,
    pub dead_ms: i64,
}

/// One kind's queue at a glance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueStats {
    pub event: String,
    /// Events waiting (dead letters not counted).
    pub pending: u64,
    /// When the oldest waiting one was created.
    pub oldest_ms: Option<i64>,
    pub dead: u64,
}

/// Adds events to the outbox, `(kind, body)` each, in one statement: a message's two events
/// cost its transaction one insert, not two.
pub fn enqueue(db: &dyn Db, events: &[(&str, &str)], now_ms: i64) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let rows: Vec<String> = (0..events.len())
        .map(|n| format!("(${}, ${}, $1, $1)", 2 * n + 2, 2 * n + 3))
        .collect();
    let sql = format!(
        "INSERT INTO webhook_events (event, body, created_ms, failing_since_ms) VALUES {}",
        rows.join(", ")
    );
    let mut values = vec![Value::Int(now_ms)];
    for (event, body) in events {
        values.extend([Value::Text(event), Value::Text(body)]);
    }
    db.execute(&sql, &values)?;
    Ok(())
}

/// The oldest `limit` events of a kind that are not dead letters, oldest first (due or not:
/// the sender keeps their order).
pub fn pending(db: &dyn Db, event: &str, limit: u32) -> Result<Vec<OutboxEvent>> {
    db.query(
        "SELECT id, body, created_ms, attempts, next_attempt_ms FROM webhook_events \
         WHERE event = $1 AND dead_ms IS NULL ORDER BY id LIMIT $2",
        params![event, limit],
    )?
    .iter()
    .map(|row| {
        Ok(OutboxEvent {
            id: row.get(0)?,
            body: row.get(1)?,
            created_ms: row.get(2)?,
            attempts: row.get::<u64>(3)? as u32,
            next_attempt_ms: row.get(4)?,
        })
    })
    .collect()
}

/// Most values in one `IN (…)` list of these queries.
pub(crate) const LIST: usize = 128;

/// `column IN ($first, …)` with room for `len` values, rounded up to a power of two: a few
/// statement texts per query, so that SQLite's statement cache (shared with the send path on
/// the writer) keeps them all, while a one-to-one message's single uid binds one value, not a
/// padded hundred.
pub(crate) fn in_list(column: &str, first: usize, len: usize) -> String {
    format!(
        "{column} IN ({})",
        parameter_list(first, len.next_power_of_two())
    )
}

/// `values` followed by `chunk`, padded with repeats of its first item to the width of
/// [`in_list`].
pub(crate) fn with_list<'a>(values: &[Value<'a>], chunk: &[Value<'a>]) -> Vec<Value<'a>> {
    let mut all = values.to_vec();
    all.extend_from_slice(chunk);
    all.resize(values.len() + chunk.len().next_power_of_two(), chunk[0]);
    all
}

fn ints(ids: &[i64]) -> Vec<Value<'static>> {
    ids.iter().map(|id| Value::Int(*id)).collect()
}

/// Removes delivered events (those already gone are skipped: another node's late duplicate).
pub fn delivered(db: &dyn Db, ids: &[i64]) -> Result<()> {
    for chunk in ints(ids).chunks(LIST) {
        let sql = format!(
            "DELETE FROM webhook_events WHERE {}",
            in_list("id", 1, chunk.len())
        );
        db.execute(&sql, &with_list(&[], chunk))?;
    }
    Ok(())
}

/// Records a failed attempt of each of `ids`: the next one waits until `next_attempt_ms`.
/// Those failing since before `dead_before_ms` become dead letters. Returns how many did.
pub fn failed(
    db: &dyn Db,
    ids: &[i64],
    now_ms: i64,
    next_attempt_ms: i64,
    error: &str,
    dead_before_ms: i64,
) -> Result<u64> {
    let fixed = [
        Value::Int(next_attempt_ms),
        Value::Text(error),
        Value::Int(now_ms),
        Value::Int(dead_before_ms),
    ];
    let mut dead = 0;
    for chunk in ints(ids).chunks(LIST) {
        let sql = format!(
            "UPDATE webhook_events SET attempts = attempts + 1, next_attempt_ms = $1, \
             last_error = $2, \
             dead_ms = CASE WHEN failing_since_ms < $4 THEN CAST($3 AS BIGINT) END \
             WHERE {} AND dead_ms IS NULL RETURNING dead_ms",
            in_list("id", 5, chunk.len())
        );
        for row in db.query(&sql, &with_list(&fixed, chunk))? {
            if row.get::<Option<i64>>(0)?.is_some() {
                dead += 1;
            }
        }
    }
    Ok(dead)
}

/// Makes `node` the sender of `event` until `until_ms`, unless another node holds that role
/// past `now_ms`. Whether `node` now holds it.
pub fn take_lease(db: &dyn Db, event: &str, node: i64, now_ms: i64, until_ms: i64) -> Result<bool> {
    let changed = db.execute(
        "INSERT INTO webhook_leases (event, node, until_ms) VALUES ($1, $2, $4) \
         ON CONFLICT (event) DO UPDATE SET node = $2, until_ms = $4 \
         WHERE webhook_leases.node = $2 OR webhook_leases.until_ms < $3",
        params![event, node, now_ms, until_ms],
    )?;
    Ok(changed > 0)
}

/// Gives up `node`'s lease on `event`, if it holds it: another node may take it at once.
pub fn release_lease(db: &dyn Db, event: &str, node: i64) -> Result<()> {
    db.execute(
        "UPDATE webhook_leases SET until_ms = 0 WHERE event = $1 AND node = $2",
        params![event, node],
    )?;
    Ok(())
}

/// Dead letters, oldest first, optionally of one kind, after `after_id`.
pub fn dead_letters(
    db: &dyn Db,
    event: Option<&str>,
    after_id: Option<i64>,
    limit: u32,
) -> Result<Vec<DeadEvent>> {
    db.query(
        "SELECT id, event, body, created_ms, attempts, last_error, dead_ms FROM webhook_events \
         WHERE dead_ms IS NOT NULL AND id > $1 AND (CAST($2 AS TEXT) IS NULL OR event = $2) \
         ORDER BY id LIMIT $3",
        params![after_id.unwrap_or(0), event, limit],
    )?
    .iter()
    .map(|row| {
        Ok(DeadEvent {
            id: row.get(0)?,
            event: row.get(1)?,
            body: row.get(2)?,
            created_ms: row.get(3)?,
            attempts: row.get::<u64>(4)? as u32,
            last_error: row.get(5)?,
            dead_ms: row.get(6)?,
        })
    })
    .collect()
}

/// Puts dead letters back in their queues, due now, with a fresh dead-letter age: those in
/// `ids`, else all of kind `event`, else all. Returns how many.
pub fn replay(db: &dyn Db, ids: &[i64], event: Option<&str>, now_ms: i64) -> Result<u64> {
    const REVIVE: &str = "UPDATE webhook_events SET dead_ms = NULL, next_attempt_ms = 0, \
                          failing_since_ms = $1 WHERE dead_ms IS NOT NULL";
    if ids.is_empty() {
        return db.execute(
            &format!("{REVIVE} AND (CAST($2 AS TEXT) IS NULL OR event = $2)"),
            params![now_ms, event],
        );
    }
    let mut replayed = 0;
    for chunk in ints(ids).chunks(LIST) {
        let sql = format!("{REVIVE} AND {}", in_list("id", 2, chunk.len()));
        replayed += db.execute(&sql, &with_list(&[Value::Int(now_ms)], chunk))?;
    }
    Ok(replayed)
}

/// Each kind's queue depth, oldest waiting event and dead letters. The waiting ones are
/// counted on their index alone (the bodies are not read), however long the queue.
pub fn queue_stats(db: &dyn Db) -> Result<Vec<QueueStats>> {
    let mut stats = Vec::new();
    let waiting = db.query(
        "SELECT event, COUNT(*), MIN(id) FROM webhook_events WHERE dead_ms IS NULL \
         GROUP BY event ORDER BY event",
        &[],
    )?;
    for row in waiting {
        let oldest: i64 = row.get(2)?;
        stats.push(QueueStats {
            event: row.get(0)?,
            pending: row.get(1)?,
            oldest_ms: db
                .query_one(
                    "SELECT created_ms FROM webhook_events WHERE id = $1",
                    params![oldest],
                )?
                .get(0)?,
            dead: 0,
        });
    }
    let dead = db.query(
        "SELECT event, COUNT(*) FROM webhook_events WHERE dead_ms IS NOT NULL GROUP BY event",
        &[],
    )?;
    for row in dead {
        let event: String = row.get(0)?;
        let count = row.get(1)?;
        match stats.iter_mut().find(|stats| stats.event == event) {
            Some(stats) => stats.dead = count,
            None => stats.push(QueueStats {
                event,
                pending: 0,
                oldest_ms: None,
                dead: count,
            }),
        }
    }
    stats.sort_by(|a, b| a.event.cmp(&b.event));
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    async fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_sqlite(dir.path()).unwrap();
        (dir, store)
    }

    #[tokio::test]
    async fn events_wait_in_order_until_delivered_or_dead() {
        let (_dir, store) = store().await;
        store
            .write(|db| {
                enqueue(db, &[("msg.notify", "{\"n\":1}")], 1_000)?;
                enqueue(
                    db,
                    &[("msg.notify", "{\"n\":2}"), ("msg.offline", "{}")],
                    2_000,
                )
            })
            .await
            .unwrap();
        let queued = store
            .read(|db| pending(db, "msg.notify", 10))
            .await
            .unwrap();
        let bodies: Vec<&str> = queued.iter().map(|event| event.body.as_str()).collect();
        assert_eq!(bodies, ["{\"n\":1}", "{\"n\":2}"]);
        let (first, second) = (queued[0].id, queued[1].id);
        let other = store
            .read(|db| pending(db, "msg.offline", 10))
            .await
            .unwrap()[0]
            .id;
        assert!(
            first < second && second < other,
            "IDs follow the order written"
        );
        // The first is failing since 1 000: at 1 500 + it is past a 500 ms age and dies.
        let dead = store
            .write(move |db| failed(db, &[first, second], 3_000, 4_000, "HTTP 500", 1_500))
            .await
            .unwrap();
        assert_eq!(dead, 1);
        let queued = store
            .read(|db| pending(db, "msg.notify", 10))
            .await
            .unwrap();
        assert_eq!(queued.len(), 1);
        assert_eq!((queued[0].attempts, queued[0].next_attempt_ms), (1, 4_000));
        let letters = store
            .read(|db| dead_letters(db, None, None, 10))
            .await
            .unwrap();
        assert_eq!(letters.len(), 1);
        assert_eq!((letters[0].id, letters[0].dead_ms), (first, 3_000));
        assert_eq!(letters[0].last_error, "HTTP 500");
        let stats = store.read(queue_stats).await.unwrap();
        assert_eq!(
            stats,
            [
                QueueStats {
                    event: "msg.notify".into(),
                    pending: 1,
                    oldest_ms: Some(2_000),
                    dead: 1
                },
                QueueStats {
                    event: "msg.offline".into(),
                    pending: 1,
                    oldest_ms: Some(2_000),
                    dead: 0
                },
            ]
        );
        let replayed = store
            .write(|db| replay(db, &[], Some("msg.notify"), 5_000))
            .await
            .unwrap();
        assert_eq!(replayed, 1);
        store
            .write(move |db| delivered(db, &[first, second, other]))
            .await
            .unwrap();
        assert!(store.read(queue_stats).await.unwrap().is_empty());
        store
            .write(|db| enqueue(db, &[("msg.notify", "{}")], 6_000))
            .await
            .unwrap();
        let next = store
            .read(|db| pending(db, "msg.notify", 10))
            .await
            .unwrap()[0]
            .id;
        assert!(next > other, "an ID is never given out twice");
    }

    #[tokio::test]
    async fn one_node_holds_a_kinds_lease_until_it_runs_out() {
        let (_dir, store) = store().await;
        let take =
            |node, now| store.write(move |db| take_lease(db, "msg.notify", node, now, now + 1_000));
        assert!(take(1, 0).await.unwrap());
        assert!(!take(2, 500).await.unwrap(), "held by node 1");
        assert!(take(1, 900).await.unwrap(), "renewed by its holder");
        assert!(!take(2, 1_500).await.unwrap(), "renewed until 1 900");
        assert!(take(2, 2_000).await.unwrap(), "expired: taken over");
        store
            .write(|db| release_lease(db, "msg.notify", 2))
            .await
            .unwrap();
        assert!(take(1, 2_100).await.unwrap(), "released: taken at once");
    }
}
