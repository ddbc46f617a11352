//! Taking messages away: a recall, by the sender or the app, turns the message into a stub for
//! every member (the payload leaves the disk); deleting for oneself hides messages from one
//! user only. Either way the message stops counting as unread, the last message follows, and
//! each affected user gets a `message_changes` row at their next version, which sync reports.

use natter_core::{ConversationId, Uid};
use serde_json::json;

use crate::db::params;
use crate::rows::{self, HIDDEN, LOADED_COLUMNS, LOADED_FROM, Loaded, RECALLED};
use crate::views;
use crate::{Db, DeletedForMe, Recall, Recalled, Recaller, Result, StoreError, StoredMessage, Via};

/// A message with the channel it is in.
pub(crate) struct Located {
    pub(crate) channel_id: i64,
    pub(crate) message: StoredMessage,
}

pub(crate) fn locate(db: &dyn Db, message_id: i64) -> Result<Located> {
    let sql = format!(
        "SELECT m.channel_id, {} FROM {} WHERE m.id = $1",
        rows::MESSAGE_COLUMNS,
        rows::MESSAGES_FROM
    );
    let row = db
        .query_opt(&sql, params![message_id])?
        .ok_or(StoreError::NoSuchMessage(message_id))?;
    Ok(Located {
        channel_id: row.get(0)?,
        message: rows::read_message(&row, 1)?,
    })
}

/// Fails unless the message is in this conversation of the user.
pub(crate) fn check_in(
    loaded: Option<&Loaded>,
    conversation: &ConversationId,
    located: &Located,
) -> Result<()> {
    if loaded.is_some_and(|loaded| loaded.channel.id == located.channel_id) {
        Ok(())
    } else {
        Err(StoreError::MessageNotInConversation {
            conversation: conversation.clone(),
            message_id: located.message.id,
        })
    }
}

/// Whether this user may see the message at `seq`: after their cleared history and inside one
/// of their membership windows.
pub(crate) fn sees(db: &dyn Db, uid: &Uid, loaded: &Loaded, seq: u64) -> Result<bool> {
    if !loaded.view.state.sees_seq(seq) {
        return Ok(false);
    }
    Ok(crate::messaging::visibility_windows(db, uid, loaded)?
        .iter()
        .any(|(first, last)| (*first..=*last).contains(&seq)))
}

pub(crate) fn deleted_by(db: &dyn Db, uid: &Uid, channel_id: i64, seq: u64) -> Result<bool> {
    db.exists(
        "SELECT 1 FROM message_changes WHERE uid = $1 AND channel_id = $2 AND seq = $3 \
         AND change = $4",
        params![uid.as_str(), channel_id, seq, HIDDEN],
    )
}

/// The message, when `uid` sees it in `conversation`; else the refusal that says it is not
/// there for them (whether it exists elsewhere is not theirs to learn).
pub(crate) fn visible_message(
    db: &dyn Db,
    uid: &Uid,
    conversation: &ConversationId,
    message_id: i64,
) -> Result<Located> {
    let located = locate(db, message_id)?;
    let loaded = rows::load(db, uid, conversation)?;
    check_in(loaded.as_ref(), conversation, &located)?;
    let seq = located.message.seq;
    let visible = match &loaded {
        Some(loaded) => {
            sees(db, uid, loaded, seq)? && !deleted_by(db, uid, located.channel_id, seq)?
        }
        None => false,
    };
    if visible {
        Ok(located)
    } else {
        Err(StoreError::NoSuchMessage(message_id))
    }
}

/// Whether this user deleted the message with this ID for themself in this channel, found by
/// the record of it: once everyone who could see a message has deleted it, it leaves the disk
/// and the record is what is left of it.
fn deleted_for_themself(db: &dyn Db, uid: &Uid, channel_id: i64, message_id: i64) -> Result<bool> {
    db.exists(
        "SELECT 1 FROM message_changes WHERE uid = $1 AND channel_id = $2 AND message_id = $3 \
         AND change = $4",
        params![uid.as_str(), channel_id, message_id, HIDDEN],
    )
}

/// Recalls a message: the payload is erased for good, every member who may see it sees a
/// stub saying who recalled it, and the recall is audited. Recalling a recalled message
/// changes nothing.
pub fn recall(db: &dyn Db, recall: &Recall) -> Result<Recalled> {
    let mut located = locate(db, recall.message_id)?;
    if db.locks_rows() {
        // Two recalls of one message must not both count it out: lock the channel, then read
        // the message again as the lock leaves it.
        crate::locks::lock_channel(db, located.channel_id)?;
        located = locate(db, recall.message_id)?;
    }
    let mut message = located.message.clone();
    let (revoker, via, sender_conversation) = match &recall.by {
        Recaller::Sender(uid) => {
            if let Some(conversation) = &recall.conversation {
                let loaded = rows::load(db, uid, conversation)?;
                check_in(loaded.as_ref(), conversation, &located)?;
            }
            if message.from != uid.as_str() {
                return Err(StoreError::NotTheSender {
                    uid: uid.clone(),
                    message_id: message.id,
                });
            }
            // A recalled message stays recalled: a second recall is done, however late.
            let recalled = message.revoked_by.is_some();
            if !recalled && recall.now_ms - message.time_ms > recall.window_ms {
                return Err(StoreError::RecallWindowPassed {
                    message_id: message.id,
                    window_ms: recall.window_ms,
                });
            }
            (uid.to_string(), Via::Client, recall.conversation.clone())
        }
        Recaller::App { name } => (name.clone(), Via::Server, None),
    };
    if message.revoked_by.is_some() {
        return Ok(Recalled {
            message,
            members: Vec::new(),
        });
    }
    db.execute(
        "UPDATE messages SET payload = '', cloud_custom_data = '', revoked_by = $1, \
         revoked_ms = $2 WHERE id = $3",
        params![&revoker, recall.now_ms, message.id],
    )?;
    db.execute(
        "UPDATE channels SET uncounted_messages = uncounted_messages + 1 WHERE id = $1",
        params![located.channel_id],
    )?;
    message.payload = String::new();
    message.cloud_custom_data = String::new();
    message.revoked_by = Some(revoker);

    let mut members = Vec::new();
    let mut sender_named = sender_conversation.map(|id| id.to_string());
    for (uid, mut loaded) in channel_rows(db, located.channel_id)? {
        if uid.as_str() == message.from && sender_named.is_none() {
            sender_named = Some(loaded.view.id.to_string());
        }
        // A member who does not have the message (deleted it for themself, or was not among a
        // targeted message's receivers) has nothing to hear of its recall.
        if !sees(db, &uid, &loaded, message.seq)?
            || deleted_by(db, &uid, located.channel_id, message.seq)?
        {
            continue;
        }
        let before = loaded.counted();
        // A silent message (no red dot) was never counted: nothing to take off again.
        if !message.silent {
            loaded
                .view
                .state
                .exclude(message.seq, loaded.channel.last_seq);
        }
        rows::save_loaded(db, &uid, &mut loaded, before)?;
        record_change(
            db,
            &uid,
            located.channel_id,
            &message,
            RECALLED,
            loaded.view.version,
        )?;
        members.push((uid.clone(), views::complete_view(db, &uid, loaded)?));
    }
    db.execute(
        "INSERT INTO audit (at_ms, actor, uid, conversation_ids, clear_history, via, action, \
         message_ids) VALUES ($1, $2, $3, $4, 0, $5, 'revoke', $6)",
        params![
            recall.now_ms,
            match &recall.by {
                Recaller::Sender(uid) => uid.as_str(),
                Recaller::App { .. } => "manager",
            },
            message.from.as_str(),
            &json!(sender_named.into_iter().collect::<Vec<_>>()).to_string(),
            via.as_str(),
            &json!([message.id]).to_string(),
        ],
    )?;
    Ok(Recalled { message, members })
}

/// Every user's conversation of the channel, in uid order, their rows locked first: the users a
/// change to one of its messages may reach.
pub(crate) fn channel_rows(db: &dyn Db, channel_id: i64) -> Result<Vec<(Uid, Loaded)>> {
    let sql = format!(
        "SELECT {LOADED_COLUMNS}, c.uid FROM {LOADED_FROM} WHERE c.channel_id = $1 ORDER BY c.uid"
    );
    crate::locks::lock_members(db, channel_id)?;
    db.query_map(&sql, params![channel_id], |row| {
        let uid = Uid::parse(row.text(rows::LOADED_COLUMN_COUNT)?, "uid")?;
        Ok((uid, rows::read_loaded(row)?))
    })
}

/// The users who see the message at `seq` of the channel (and did not delete it for
/// themselves), each with the conversation as they name it: who hears of a change to it that
/// no one's state records, such as a reaction.
pub(crate) fn viewers(
    db: &dyn Db,
    channel_id: i64,
    seq: u64,
) -> Result<Vec<(Uid, ConversationId)>> {
    let mut viewers = Vec::new();
    for (uid, loaded) in channel_rows(db, channel_id)? {
        if sees(db, &uid, &loaded, seq)? && !deleted_by(db, &uid, channel_id, seq)? {
            viewers.push((uid, loaded.view.id));
        }
    }
    Ok(viewers)
}

/// Records what became of a message for one user, at their `version`, for sync. One row per
/// user, message and kind of change: the same change again (a message modified twice) moves the
/// row to the newer version.
pub(crate) fn record_change(
    db: &dyn Db,
    uid: &Uid,
    channel_id: i64,
    message: &StoredMessage,
    change: i64,
    version: u64,
) -> Result<()> {
    db.execute(
        "INSERT INTO message_changes (uid, channel_id, seq, change, message_id, version) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (uid, channel_id, seq, change) DO UPDATE SET version = $6",
        params![
            uid.as_str(),
            channel_id,
            message.seq,
            change,
            message.id,
            version
        ],
    )?;
    Ok(())
}

/// Deletes messages from one user's view of one conversation, all or nothing: every ID must be
/// a message of that conversation. Messages the user cannot see, or deleted already, are left
/// as they are. A message no one can see any more leaves the disk at once.
pub fn delete_for_me(
    db: &dyn Db,
    uid: &Uid,
    conversation: &ConversationId,
    message_ids: &[i64],
) -> Result<DeletedForMe> {
    // The channel's row first (a recall of the same message locks it too), then the user's.
    rows::find_channel(
        db,
        conversation.kind(),
        &rows::channel_key(uid, conversation),
    )?;
    let found = rows::load_for_update(db, uid, conversation)?;
    let mut on_disk = Vec::with_capacity(message_ids.len());
    for &message_id in message_ids {
        match locate(db, message_id) {
            Ok(located) => {
                check_in(found.as_ref(), conversation, &located)?;
                on_disk.push(located);
            }
            Err(StoreError::NoSuchMessage(id)) => {
                // Deleted already: by this user, and then from the disk once no one could see
                // it. A retry of the call that deleted it answers as for a message deleted
                // already, not 404.
                let deleted_already = match &found {
                    Some(loaded) => deleted_for_themself(db, uid, loaded.channel.id, message_id)?,
                    None => false,
                };
                if !deleted_already {
                    return Err(StoreError::NoSuchMessage(id));
                }
            }
            Err(error) => return Err(error),
        }
    }
    let mut loaded = found.ok_or(StoreError::MessageNotInConversation {
        conversation: conversation.clone(),
        message_id: 0,
    })?;
    let before = loaded.counted();
    let mut hidden = Vec::new();
    for located in on_disk {
        let seq = located.message.seq;
        if !sees(db, uid, &loaded, seq)?
            || deleted_by(db, uid, located.channel_id, seq)?
            || hidden
                .iter()
                .any(|(_, message): &(i64, StoredMessage)| message.seq == seq)
        {
            continue;
        }
        if located.message.revoked_by.is_none() {
            loaded.view.state.exclude(seq, loaded.channel.last_seq);
        }
        hidden.push((located.channel_id, located.message));
    }
    if hidden.is_empty() {
        let conversation = views::complete_view(db, uid, loaded)?;
        return Ok(DeletedForMe {
            conversation,
            message_ids: Vec::new(),
        });
    }
    rows::save_loaded(db, uid, &mut loaded, before)?;
    loaded.hidden_count += hidden.len() as u64;
    db.execute(
        "UPDATE conversations SET hidden_count = $1 WHERE uid = $2 AND channel_id = $3",
        params![loaded.hidden_count, uid.as_str(), loaded.channel.id],
    )?;
    for (channel_id, message) in &hidden {
        record_change(db, uid, *channel_id, message, HIDDEN, loaded.view.version)?;
        purge_if_unseen(db, *channel_id, message)?;
    }
    Ok(DeletedForMe {
        message_ids: hidden.iter().map(|(_, message)| message.id).collect(),
        conversation: views::complete_view(db, uid, loaded)?,
    })
}

/// Hides a targeted message from the members it was not addressed to, as if each had deleted it
/// for themself (their history, search and last message leave it out), except that their sync
/// never reports it: recorded at version 0, below every version a sync asks from, since they
/// never had it. Its delivery already kept it out of their unread counts.
pub(crate) fn hide_unaddressed(
    db: &dyn Db,
    channel_id: i64,
    message: &StoredMessage,
    uids: &[&Uid],
) -> Result<()> {
    for uid in uids {
        db.execute(
            "UPDATE conversations SET hidden_count = hidden_count + 1 \
             WHERE uid = $1 AND channel_id = $2",
            params![uid.as_str(), channel_id],
        )?;
        record_change(db, uid, channel_id, message, HIDDEN, 0)?;
    }
    Ok(())
}

/// Deletes the message for good once every user who could see it deleted it for themself
/// (or cleared their history past it), as the purge job does for cleared history.
fn purge_if_unseen(db: &dyn Db, channel_id: i64, message: &StoredMessage) -> Result<()> {
    let still_seen = db.exists(
        "SELECT 1 FROM conversations c JOIN channels ch ON ch.id = c.channel_id \
         WHERE c.channel_id = $1 AND c.cleared_to_seq < $2 \
         AND NOT EXISTS (SELECT 1 FROM message_changes h WHERE h.uid = c.uid \
             AND h.channel_id = c.channel_id AND h.seq = $2 AND h.change = $3) \
         AND (ch.kind != 2 OR EXISTS (SELECT 1 FROM memberships w WHERE w.channel_id = \
             c.channel_id AND w.uid = c.uid AND w.join_seq <= $2 \
             AND (w.left_seq IS NULL OR w.left_seq >= $2)))",
        params![channel_id, message.seq, HIDDEN],
    )?;
    if !still_seen {
        db.execute("DELETE FROM messages WHERE id = $1", params![message.id])?;
    }
    Ok(())
}
