//! Writing messages straight into a stopped server's SQLite database, with the server's own
//! schema (crates/natter-store/src/sqlite/schema.rs): how the bench builds channels of a million
//! messages and a 1 GB database in seconds instead of the hours that sending them would take.
//! The channels and conversation rows are created through the server first; only the message
//! rows, each channel's `last_seq`, the sender's own read position and the other members'
//! running unread totals are written here.

use std::path::Path;

use anyhow::Context;
use rusqlite::Connection;

/// The server's database file inside a data dir.
pub const DATABASE_FILE: &str = "natter.sqlite3";

/// Appends `count` messages from `from_uid` with a `payload_bytes`-long text to the personal
/// channel of `a` and `b` (which must already exist), continuing its seqs.
pub fn fill_personal_channel(
    data_dir: &Path,
    a: &str,
    b: &str,
    from_uid: &str,
    count: u64,
    payload_bytes: usize,
) -> anyhow::Result<()> {
    let key = if a <= b {
        format!("{a}:{b}")
    } else {
        format!("{b}:{a}")
    };
    let mut conn = open(data_dir)?;
    let tx = conn.transaction()?;
    let (channel_id, last_seq): (i64, u64) = tx
        .query_row(
            "SELECT id, last_seq FROM channels WHERE kind = 1 AND key = ?1",
            [&key],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .with_context(|| format!("no personal channel {key}"))?;
    append(&tx, channel_id, last_seq, from_uid, count, payload_bytes)?;
    tx.commit()?;
    // Leave no WAL behind: the server's first checkpoint would otherwise copy it all.
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    Ok(())
}

/// Spreads `total` messages evenly over every personal channel in the database, each sent by
/// the lower uid of the pair.
pub fn fill_all_personal_channels(
    data_dir: &Path,
    total: u64,
    payload_bytes: usize,
) -> anyhow::Result<()> {
    let mut conn = open(data_dir)?;
    let channels: Vec<(i64, u64, String)> = conn
        .prepare("SELECT id, last_seq, key FROM channels WHERE kind = 1")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    anyhow::ensure!(!channels.is_empty(), "no personal channels to fill");
    let each = total / channels.len() as u64;
    let tx = conn.transaction()?;
    for (channel_id, last_seq, key) in &channels {
        let from = key.split(':').next().unwrap_or_default();
        append(&tx, *channel_id, *last_seq, from, each, payload_bytes)?;
    }
    tx.commit()?;
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    Ok(())
}

fn open(data_dir: &Path) -> anyhow::Result<Connection> {
    let conn = Connection::open(data_dir.join(DATABASE_FILE))?;
    // A bulk load into a copy nobody uses yet: durability per row is not needed.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;",
    )?;
    Ok(conn)
}

fn append(
    conn: &Connection,
    channel_id: i64,
    last_seq: u64,
    from_uid: &str,
    count: u64,
    payload_bytes: usize,
) -> anyhow::Result<()> {
    let payload = serde_json::json!({ "text": "x".repeat(payload_bytes) }).to_string();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis() as i64;
    let mut insert = conn.prepare_cached(
        "INSERT INTO messages (channel_id, seq, from_uid, time_ms, client_msg_no, payload) \
         VALUES (?1, ?2, ?3, ?4, NULL, ?5)",
    )?;
    for seq in last_seq + 1..=last_seq + count {
        insert.execute((channel_id, seq, from_uid, now_ms, &payload))?;
    }
    let new_last = last_seq + count;
    conn.execute(
        "UPDATE channels SET last_seq = ?1 WHERE id = ?2",
        (new_last, channel_id),
    )?;
    // What a send keeps beside the messages: the sender has read their own messages, and the
    // other members' unread totals grow by the messages that count for them (the store's rule:
    // a listed, unarchived conversation that notifies, remind 0).
    conn.execute(
        "UPDATE conversations SET own_last_seq = ?1 WHERE channel_id = ?2 AND uid = ?3",
        (new_last, channel_id, from_uid),
    )?;
    conn.execute(
        "UPDATE users SET unread_total = unread_total + ?1 WHERE uid IN (SELECT uid FROM \
         conversations WHERE channel_id = ?2 AND uid != ?3 AND listed = 1 AND archived = 0 \
         AND remind NOT IN (1, 2))",
        (count, channel_id, from_uid),
    )?;
    Ok(())
}
