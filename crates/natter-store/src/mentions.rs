//! Mentions ("@"): the rows a group message that names members writes, and what each member's
//! conversation view shows of them until they read past them (Tencent's `groupAtInfoList`).

use std::collections::HashMap;

use natter_core::mention::{self, AtType};
use natter_core::{ConversationId, Uid};

use crate::db::{params, values_rows};
use crate::rows::{HIDDEN, Loaded};
use crate::{Db, Result, StoredMessage, UnreadMention, Value};

/// `mentions.uid` of a mention of everyone.
const EVERYONE: &str = "";

/// Conversations per statement of [`unread_for`]: three parameters each, under SQLite's
/// historical limit of 999.
const ROWS_PER_STATEMENT: usize = 300;

/// Records whom a group message just appended mentions, if anyone.
pub(crate) fn record(db: &dyn Db, channel_id: i64, message: &StoredMessage) -> Result<()> {
    let mentions = mention::mentions_in(&message.message_type, &message.payload);
    let everyone = mentions.everyone.then_some(EVERYONE);
    let named = mentions.users.iter().map(Uid::as_str);
    for uid in everyone.into_iter().chain(named) {
        db.execute(
            "INSERT INTO mentions (channel_id, uid, seq, message_id, from_uid) \
             VALUES ($1, $2, $3, $4, $5)",
            params![channel_id, uid, message.seq, message.id, &message.from],
        )?;
    }
    Ok(())
}

/// The unread mentions of `uid` in each of `batch`'s group conversations, by channel (a
/// channel with none is absent): messages above the read floor that name them or everyone,
/// from someone else, neither recalled nor deleted by them for themself. Only conversations
/// with unread messages are looked up, in one statement per [`ROWS_PER_STATEMENT`].
pub(crate) fn unread_for(
    db: &dyn Db,
    uid: &Uid,
    batch: &[&Loaded],
) -> Result<HashMap<i64, Vec<UnreadMention>>> {
    let unread: Vec<&Loaded> = batch
        .iter()
        .copied()
        .filter(|loaded| {
            matches!(loaded.view.id, ConversationId::Group(_)) && loaded.view.unread() > 0
        })
        .collect();
    let mut found: HashMap<i64, Vec<UnreadMention>> = HashMap::new();
    for chunk in unread.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "WITH wanted (channel_id, floor, last) AS (VALUES {}) \
             SELECT w.channel_id, t.seq, t.from_uid, t.uid FROM wanted w \
             JOIN mentions t ON t.channel_id = w.channel_id AND t.uid IN ($1, '') \
                 AND t.seq > w.floor AND t.seq <= w.last \
             JOIN messages m ON m.id = t.message_id AND m.revoked_by IS NULL \
             WHERE t.from_uid <> $1 AND NOT EXISTS (SELECT 1 FROM message_changes h \
                 WHERE h.uid = $1 AND h.channel_id = t.channel_id AND h.seq = t.seq \
                 AND h.change = {HIDDEN}) \
             ORDER BY w.channel_id, t.seq",
            values_rows(2, chunk.len(), &["BIGINT", "BIGINT", "BIGINT"])
        );
        let mut params = vec![Value::from(uid.as_str())];
        for loaded in chunk {
            let state = &loaded.view.state;
            params.extend([
                Value::from(loaded.channel.id),
                Value::from(state.read_floor()),
                Value::from(state.last_visible_seq(loaded.view.channel_last_seq)),
            ]);
        }
        db.query_each(&sql, &params, &mut |row| {
            let (channel_id, seq, from): (i64, u64, String) =
                (row.get(0)?, row.get(1)?, row.get(2)?);
            let everyone = row.text(3)? == EVERYONE;
            let mentions = found.entry(channel_id).or_default();
            // A message naming the user and everyone has two rows, next to each other.
            match mentions.last_mut() {
                Some(last) if last.seq == seq => last.at_type = AtType::AllAndMe,
                _ => mentions.push(UnreadMention {
                    seq,
                    from,
                    at_type: AtType::of(!everyone, everyone).expect("one of the two"),
                }),
            }
            Ok(())
        })?;
    }
    Ok(found)
}
