//! Reading and writing the rows every operation shares: channels, conversation states and
//! versions.

use natter_core::rules::{ConversationState, Prefs, RemindType};
use natter_core::{ChannelKind, ConversationId, Uid};

use crate::db::params;
use crate::{ConversationView, Db, Result, Row, StoredMessage, UserRole};

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

pub(crate) fn find_channel(db: &dyn Db, kind: ChannelKind, key: &str) -> Result<Option<Channel>> {
    db.query_opt(
        "SELECT id, last_seq, dismissed FROM channels WHERE kind = $1 AND key = $2",
        params![kind.code(), key],
    )?
    .map(|row| {
        Ok(Channel {
            id: row.get(0)?,
            last_seq: row.get(1)?,
            dismissed: row.get(2)?,
        })
    })
    .transpose()
}

pub(crate) fn create_channel(
    db: &dyn Db,
    kind: ChannelKind,
    key: &str,
    now_ms: i64,
) -> Result<Channel> {
    let row = db.query_one(
        "INSERT INTO channels (kind, key, created_ms) VALUES ($1, $2, $3) RETURNING id",
        params![kind.code(), key, now_ms],
    )?;
    Ok(Channel {
        id: row.get(0)?,
        last_seq: 0,
        dismissed: false,
    })
}

pub(crate) fn user_exists(db: &dyn Db, uid: &Uid) -> Result<bool> {
    db.exists("SELECT 1 FROM users WHERE uid = $1", params![uid.as_str()])
}

/// Fails unless the user exists (was ever issued a token); `role` says what they were named as.
pub(crate) fn require_user(db: &dyn Db, uid: &Uid, role: UserRole) -> Result<()> {
    if user_exists(db, uid)? {
        Ok(())
    } else {
        Err(crate::StoreError::UnknownUser {
            uid: uid.clone(),
            role,
        })
    }
}

/// Takes the next version from the user's counter: every change to one of their conversations
/// gets a version above all earlier ones, which is what incremental sync relies on.
pub(crate) fn next_version(db: &dyn Db, uid: &Uid) -> Result<u64> {
    db.query_one(
        "UPDATE users SET version = version + 1 WHERE uid = $1 RETURNING version",
        params![uid.as_str()],
    )?
    .get(0)
}

pub(crate) fn current_version(db: &dyn Db, uid: &Uid) -> Result<u64> {
    db.query_opt(
        "SELECT version FROM users WHERE uid = $1",
        params![uid.as_str()],
    )?
    .map_or(Ok(0), |row| row.get(0))
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

pub(crate) fn read_loaded(row: &Row) -> Result<Loaded> {
    let conversation_id: String = row.get(0)?;
    let id = ConversationId::parse(&conversation_id)?;
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
            marks: row.get::<i64>(14)? as u64,
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

/// Runs a query selecting [`LOADED_COLUMNS`] and reads every row.
pub(crate) fn query_loaded(
    db: &dyn Db,
    sql: &str,
    params: &[crate::Value<'_>],
) -> Result<Vec<Loaded>> {
    db.query(sql, params)?.iter().map(read_loaded).collect()
}

/// The user's conversation by its client-form ID, in any state.
pub(crate) fn load(
    db: &dyn Db,
    uid: &Uid,
    conversation: &ConversationId,
) -> Result<Option<Loaded>> {
    let sql = format!(
        "SELECT {LOADED_COLUMNS} FROM conversations c JOIN channels ch ON ch.id = c.channel_id \
         WHERE c.uid = $1 AND c.conversation_id = $2"
    );
    let id = conversation.to_string();
    db.query_opt(&sql, params![uid.as_str(), &id])?
        .map(|row| read_loaded(&row))
        .transpose()
}

/// Creates a conversation row for a user who starts seeing the channel at `join_seq`.
pub(crate) fn insert(
    db: &dyn Db,
    uid: &Uid,
    channel_id: i64,
    conversation: &ConversationId,
    join_seq: u64,
) -> Result<()> {
    let id = conversation.to_string();
    db.execute(
        "INSERT INTO conversations (uid, channel_id, conversation_id, join_seq) \
         VALUES ($1, $2, $3, $4)",
        params![uid.as_str(), channel_id, &id, join_seq],
    )?;
    Ok(())
}

/// Saves a changed state under a fresh version and returns that version.
pub(crate) fn save(
    db: &dyn Db,
    uid: &Uid,
    channel_id: i64,
    state: &ConversationState,
) -> Result<u64> {
    let version = next_version(db, uid)?;
    db.execute(
        "UPDATE conversations SET read_seq = $1, deleted_to_seq = $2, cleared_to_seq = $3, \
         own_last_seq = $4, join_seq = $5, left_seq = $6, listed = $7, deleted = $8, \
         deletion_synced = $9, activity_ms = $10, pinned = $11, archived = $12, remind = $13, \
         marks = $14, draft = $15, custom_data = $16, version = $17 \
         WHERE uid = $18 AND channel_id = $19",
        params![
            state.read_seq,
            state.deleted_to_seq,
            state.cleared_to_seq,
            state.own_last_seq,
            state.join_seq,
            state.left_seq,
            state.listed,
            state.deleted,
            state.deletion_synced,
            state.activity_ms,
            state.prefs.pinned,
            state.prefs.archived,
            state.prefs.remind.code(),
            state.prefs.marks as i64,
            &state.prefs.draft,
            &state.prefs.custom_data,
            version,
            uid.as_str(),
            channel_id,
        ],
    )?;
    Ok(version)
}

pub(crate) const MESSAGE_COLUMNS: &str =
    "id, seq, from_uid, time_ms, client_msg_no, msg_type, payload, cloud_custom_data";

/// Reads [`MESSAGE_COLUMNS`] starting at column `first`.
pub(crate) fn read_message(row: &Row, first: usize) -> Result<StoredMessage> {
    Ok(StoredMessage {
        id: row.get(first)?,
        seq: row.get(first + 1)?,
        from: row.get(first + 2)?,
        time_ms: row.get(first + 3)?,
        client_msg_no: row.get(first + 4)?,
        message_type: row.get(first + 5)?,
        payload: row.get(first + 6)?,
        cloud_custom_data: row.get(first + 7)?,
    })
}

pub(crate) fn message_at(db: &dyn Db, channel_id: i64, seq: u64) -> Result<Option<StoredMessage>> {
    let sql = format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE channel_id = $1 AND seq = $2");
    db.query_opt(&sql, params![channel_id, seq])?
        .map(|row| read_message(&row, 0))
        .transpose()
}

/// Fills in what a client sees beside the state: the last message this user may see and the
/// folders holding the conversation.
pub(crate) fn complete_view(
    db: &dyn Db,
    uid: &Uid,
    mut loaded: Loaded,
) -> Result<ConversationView> {
    let state = &loaded.view.state;
    let seq = state.last_visible_seq(loaded.channel.last_seq);
    if seq >= state.join_seq && state.sees_seq(seq) {
        loaded.view.last_message = message_at(db, loaded.channel.id, seq)?;
    }
    loaded.view.folders = folders_of(db, uid, loaded.channel.id)?;
    Ok(loaded.view)
}

/// Names of the user's folders that hold the conversation.
pub(crate) fn folders_of(db: &dyn Db, uid: &Uid, channel_id: i64) -> Result<Vec<String>> {
    db.query(
        "SELECT name FROM folder_members WHERE uid = $1 AND channel_id = $2 ORDER BY name",
        params![uid.as_str(), channel_id],
    )?
    .iter()
    .map(|row| row.get(0))
    .collect()
}
