//! Reading and writing the rows every operation shares: channels, conversation states and
//! versions.

use natter_core::rules::{ConversationState, Prefs, RemindType};
use natter_core::{ChannelKind, ConversationId, Result, Uid};
use rusqlite::{Connection, OptionalExtension, Row, named_params};

use super::pool::db_error;
use crate::{ConversationView, StoredMessage};

#[derive(Debug, Clone, Copy)]
pub(crate) struct Channel {
    pub id: i64,
    pub last_seq: u64,
    pub dismissed: bool,
}

/// The key that names a channel within its kind.
pub(crate) fn channel_key(owner: &Uid, conversation: &ConversationId) -> String {
    match conversation {
        ConversationId::C2c(peer) => {
            let (low, high) = if owner <= peer {
                (owner, peer)
            } else {
                (peer, owner)
            };
            format!("{low}:{high}")
        }
        ConversationId::Group(group) => group.to_string(),
        ConversationId::System => owner.to_string(),
    }
}

pub(crate) fn find_channel(
    conn: &Connection,
    kind: ChannelKind,
    key: &str,
) -> Result<Option<Channel>> {
    conn.prepare_cached("SELECT id, last_seq, dismissed FROM channels WHERE kind = ?1 AND key = ?2")
        .and_then(|mut statement| {
            statement
                .query_row((kind.code(), key), |row| {
                    Ok(Channel {
                        id: row.get(0)?,
                        last_seq: row.get(1)?,
                        dismissed: row.get(2)?,
                    })
                })
                .optional()
        })
        .map_err(db_error)
}

pub(crate) fn create_channel(
    conn: &Connection,
    kind: ChannelKind,
    key: &str,
    now_ms: i64,
) -> Result<Channel> {
    conn.prepare_cached("INSERT INTO channels (kind, key, created_ms) VALUES (?1, ?2, ?3)")
        .and_then(|mut statement| statement.execute((kind.code(), key, now_ms)))
        .map_err(db_error)?;
    Ok(Channel {
        id: conn.last_insert_rowid(),
        last_seq: 0,
        dismissed: false,
    })
}

pub(crate) fn user_exists(conn: &Connection, uid: &Uid) -> Result<bool> {
    conn.prepare_cached("SELECT 1 FROM users WHERE uid = ?1")
        .and_then(|mut statement| statement.exists([uid.as_str()]))
        .map_err(db_error)
}

/// Takes the next version from the user's counter: every change to one of their conversations
/// gets a version above all earlier ones, which is what incremental sync relies on.
pub(crate) fn next_version(conn: &Connection, uid: &Uid) -> Result<u64> {
    conn.prepare_cached("UPDATE users SET version = version + 1 WHERE uid = ?1 RETURNING version")
        .and_then(|mut statement| statement.query_row([uid.as_str()], |row| row.get(0)))
        .map_err(db_error)
}

pub(crate) fn current_version(conn: &Connection, uid: &Uid) -> Result<u64> {
    conn.prepare_cached("SELECT version FROM users WHERE uid = ?1")
        .and_then(|mut statement| {
            statement
                .query_row([uid.as_str()], |row| row.get(0))
                .optional()
        })
        .map(Option::unwrap_or_default)
        .map_err(db_error)
}

/// A conversation row with its channel, as loaded for a change.
#[derive(Debug, Clone)]
pub(crate) struct Loaded {
    pub channel: Channel,
    pub view: ConversationView,
}

/// The columns [`read_loaded`] expects, in order.
pub(crate) const LOADED_COLUMNS: &str = "c.conversation_id, c.read_seq, c.deleted_to_seq, \
    c.cleared_to_seq, c.own_last_seq, c.join_seq, c.left_seq, c.listed, c.deleted, \
    c.deletion_synced, c.activity_ms, c.pinned, c.archived, c.remind, c.marks, c.draft, \
    c.custom_data, c.version, ch.id, ch.last_seq, ch.dismissed";

/// How many columns [`LOADED_COLUMNS`] has; a query may select more after them.
pub(crate) const LOADED_COLUMN_COUNT: usize = 21;

pub(crate) fn read_loaded(row: &Row<'_>) -> rusqlite::Result<Loaded> {
    let conversation_id: String = row.get(0)?;
    let id = ConversationId::parse(&conversation_id).map_err(|error| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, error.into())
    })?;
    let state = ConversationState {
        read_seq: row.get(1)?,
        deleted_to_seq: row.get(2)?,
        cleared_to_seq: row.get(3)?,
        own_last_seq: row.get(4)?,
        join_seq: row.get(5)?,
        left_seq: row.get(6)?,
        listed: row.get(7)?,
        deleted: row.get(8)?,
        deletion_synced: row.get(9)?,
        activity_ms: row.get(10)?,
        prefs: Prefs {
            pinned: row.get(11)?,
            archived: row.get(12)?,
            remind: RemindType::from_code(row.get(13)?),
            marks: row.get::<_, i64>(14)? as u64,
            draft: row.get(15)?,
            custom_data: row.get(16)?,
        },
    };
    let channel = Channel {
        id: row.get(18)?,
        last_seq: row.get(19)?,
        dismissed: row.get(20)?,
    };
    Ok(Loaded {
        channel,
        view: ConversationView {
            id,
            state,
            version: row.get(17)?,
            channel_last_seq: channel.last_seq,
            last_message: None,
            folders: Vec::new(),
        },
    })
}

/// The user's conversation by its client-form ID, in any state.
pub(crate) fn load(
    conn: &Connection,
    uid: &Uid,
    conversation: &ConversationId,
) -> Result<Option<Loaded>> {
    let sql = format!(
        "SELECT {LOADED_COLUMNS} FROM conversations c JOIN channels ch ON ch.id = c.channel_id \
         WHERE c.uid = ?1 AND c.conversation_id = ?2"
    );
    conn.prepare_cached(&sql)
        .and_then(|mut statement| {
            statement
                .query_row((uid.as_str(), conversation.to_string()), read_loaded)
                .optional()
        })
        .map_err(db_error)
}

/// Creates a conversation row for a user who starts seeing the channel at `join_seq`.
pub(crate) fn insert(
    conn: &Connection,
    uid: &Uid,
    channel_id: i64,
    conversation: &ConversationId,
    join_seq: u64,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO conversations (uid, channel_id, conversation_id, join_seq) \
         VALUES (?1, ?2, ?3, ?4)",
    )
    .and_then(|mut statement| {
        statement.execute((uid.as_str(), channel_id, conversation.to_string(), join_seq))
    })
    .map_err(db_error)?;
    Ok(())
}

/// Saves a changed state under a fresh version and returns that version.
pub(crate) fn save(
    conn: &Connection,
    uid: &Uid,
    channel_id: i64,
    state: &ConversationState,
) -> Result<u64> {
    let version = next_version(conn, uid)?;
    conn.prepare_cached(
        "UPDATE conversations SET read_seq = :read_seq, deleted_to_seq = :deleted_to_seq, \
         cleared_to_seq = :cleared_to_seq, own_last_seq = :own_last_seq, join_seq = :join_seq, \
         left_seq = :left_seq, listed = :listed, deleted = :deleted, \
         deletion_synced = :deletion_synced, activity_ms = :activity_ms, pinned = :pinned, \
         archived = :archived, remind = :remind, marks = :marks, draft = :draft, \
         custom_data = :custom_data, version = :version \
         WHERE uid = :uid AND channel_id = :channel_id",
    )
    .and_then(|mut statement| {
        statement.execute(named_params! {
            ":read_seq": state.read_seq,
            ":deleted_to_seq": state.deleted_to_seq,
            ":cleared_to_seq": state.cleared_to_seq,
            ":own_last_seq": state.own_last_seq,
            ":join_seq": state.join_seq,
            ":left_seq": state.left_seq,
            ":listed": state.listed,
            ":deleted": state.deleted,
            ":deletion_synced": state.deletion_synced,
            ":activity_ms": state.activity_ms,
            ":pinned": state.prefs.pinned,
            ":archived": state.prefs.archived,
            ":remind": state.prefs.remind.code(),
            ":marks": state.prefs.marks as i64,
            ":draft": state.prefs.draft,
            ":custom_data": state.prefs.custom_data,
            ":version": version,
            ":uid": uid.as_str(),
            ":channel_id": channel_id,
        })
    })
    .map_err(db_error)?;
    Ok(version)
}

pub(crate) const MESSAGE_COLUMNS: &str = "id, seq, from_uid, time_ms, client_msg_no, payload";

pub(crate) fn read_message(row: &Row<'_>) -> rusqlite::Result<StoredMessage> {
    Ok(StoredMessage {
        id: row.get(0)?,
        seq: row.get(1)?,
        from: row.get(2)?,
        time_ms: row.get(3)?,
        client_msg_no: row.get(4)?,
        payload: row.get(5)?,
    })
}

pub(crate) fn message_at(
    conn: &Connection,
    channel_id: i64,
    seq: u64,
) -> Result<Option<StoredMessage>> {
    let sql = format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE channel_id = ?1 AND seq = ?2");
    conn.prepare_cached(&sql)
        .and_then(|mut statement| {
            statement
                .query_row((channel_id, seq), read_message)
                .optional()
        })
        .map_err(db_error)
}

/// Fills in what a client sees beside the state: the last message this user may see and the
/// folders holding the conversation.
pub(crate) fn complete_view(
    conn: &Connection,
    uid: &Uid,
    mut loaded: Loaded,
) -> Result<ConversationView> {
    let state = &loaded.view.state;
    let seq = state.last_visible_seq(loaded.channel.last_seq);
    if seq >= state.join_seq && state.sees_seq(seq) {
        loaded.view.last_message = message_at(conn, loaded.channel.id, seq)?;
    }
    loaded.view.folders = folders_of(conn, uid, loaded.channel.id)?;
    Ok(loaded.view)
}

/// Names of the user's folders that hold the conversation.
pub(crate) fn folders_of(conn: &Connection, uid: &Uid, channel_id: i64) -> Result<Vec<String>> {
    conn.prepare_cached(
        "SELECT name FROM folder_members WHERE uid = ?1 AND channel_id = ?2 ORDER BY name",
    )
    .and_then(|mut statement| {
        statement
            .query_map((uid.as_str(), channel_id), |row| row.get(0))?
            .collect()
    })
    .map_err(db_error)
}
