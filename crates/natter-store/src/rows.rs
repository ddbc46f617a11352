//! Reading and writing the rows every operation shares: channels, conversation states and
//! versions.

use std::collections::HashMap;

use natter_core::rules::{ConversationState, Prefs, RemindType};
use natter_core::{ChannelKind, ConversationId, Uid};

use crate::db::{params, values_rows};
use crate::{
    Columns, ConversationView, Db, Dialect, Result, Shown, StoredMessage, UnreadTotal, UserRole,
    Value,
};

#[derive(Debug, Clone, Copy)]
pub(crate) struct Channel {
    pub id: i64,
    pub last_seq: u64,
    pub dismissed: bool,
    /// How many of its messages count as unread for no one (recalled, or silent).
    pub uncounted_messages: u64,
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

/// The channel, locked inside a write on PostgreSQL (the first lock of `crate::locks`' order).
pub(crate) fn find_channel(db: &dyn Db, kind: ChannelKind, key: &str) -> Result<Option<Channel>> {
    let sql = if db.locks_rows() {
        "SELECT id, last_seq, dismissed, uncounted_messages FROM channels \
         WHERE kind = $1 AND key = $2 FOR NO KEY UPDATE"
    } else {
        "SELECT id, last_seq, dismissed, uncounted_messages FROM channels WHERE kind = $1 AND key = $2"
    };
    db.query_opt(sql, params![kind.code(), key])?
        .map(|row| {
            Ok(Channel {
                id: row.get(0)?,
                last_seq: row.get(1)?,
                dismissed: row.get(2)?,
                uncounted_messages: row.get(3)?,
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
        uncounted_messages: 0,
    })
}

/// A user's nick and avatar as a message shows them, for a user who must exist (one read where
/// `require_user` and a read of the profile would take two).
pub(crate) fn require_shown_user(db: &dyn Db, uid: &Uid, role: UserRole) -> Result<Shown> {
    db.query_opt(
        "SELECT nick, avatar FROM users WHERE uid = $1",
        params![uid.as_str()],
    )?
    .map(|row| -> Result<Shown> {
        Ok(Shown {
            name: row.get(0)?,
            avatar: row.get(1)?,
            group_type: String::new(),
        })
    })
    .transpose()?
    .ok_or_else(|| crate::StoreError::UnknownUser {
        uid: uid.clone(),
        role,
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

/// What a save left in the user's row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Saved {
    /// The conversation's new version.
    pub version: u64,
    /// The user's unread total with this change.
    pub unread_total: u64,
}

/// The unread count of one conversation row `c` joined with its channel `ch`: the unread rule
/// of `natter_core::rules::ConversationState::unread` as SQL, for the queries that must count
/// or filter in the database. Tests pin it to the Rust rule.
pub(crate) fn unread_count_sql(dialect: Dialect) -> String {
    let (least, greatest) = (dialect.least(), dialect.greatest());
    format!(
        "{greatest}(0, {least}(COALESCE(c.left_seq, ch.last_seq), ch.last_seq) \
         - {greatest}(c.read_seq, c.deleted_to_seq, c.cleared_to_seq, c.own_last_seq, \
         c.join_seq - 1) - c.uncounted)"
    )
}

/// Sets the user's unread total to the sum of their counted conversations as the rows stand
/// (after the save that found it below zero wrote its rows): listed, not archived, and
/// notifying (`natter_core::rules::ConversationState::counted_in_total`).
fn recount_unread_total(db: &dyn Db, uid: &Uid) -> Result<u64> {
    let sql = format!(
        "UPDATE users SET unread_total = {greatest}(0, CAST(COALESCE((SELECT SUM({count}) \
         FROM conversations c JOIN channels ch ON ch.id = c.channel_id \
         WHERE c.uid = $1 AND c.listed = 1 AND c.archived = 0 AND c.remind = $2), 0) \
         AS BIGINT)) WHERE uid = $1 RETURNING unread_total",
        greatest = db.dialect().greatest(),
        count = unread_count_sql(db.dialect()),
    );
    db.query_one(
        &sql,
        params![uid.as_str(), RemindType::AcceptAndNotify.code()],
    )?
    .get(0)
}

/// The user's unread total as every save keeps it, with their version at that total: one
/// primary-key read. A user who never had a token has neither (0, 0).
pub(crate) fn unread_total(db: &dyn Db, uid: &Uid) -> Result<UnreadTotal> {
    db.query_opt(
        "SELECT unread_total, version FROM users WHERE uid = $1",
        params![uid.as_str()],
    )?
    .map_or(
        Ok(UnreadTotal {
            total: 0,
            version: 0,
        }),
        |row| {
            Ok(UnreadTotal {
                total: row.get(0)?,
                version: row.get(1)?,
            })
        },
    )
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
    /// How many messages this user deleted for themself in it.
    pub hidden_count: u64,
}

impl Loaded {
    /// Whether some message above the read floor might not count (recalled, or deleted by
    /// this user): only then is `uncounted` worth a recount.
    pub fn may_exclude(&self) -> bool {
        self.channel.uncounted_messages > 0 || self.hidden_count > 0
    }
}

/// `SELECT` of the columns [`read_loaded`] expects, from a conversation with its channel and
/// the peer of a one-to-one conversation; a query adds its `WHERE` (and may select more
/// columns after [`LOADED_COLUMN_COUNT`] by replacing `FROM` itself).
pub(crate) const LOADED_COLUMNS: &str = "c.conversation_id, c.read_seq, c.deleted_to_seq, \
    c.cleared_to_seq, c.own_last_seq, c.join_seq, c.left_seq, c.listed, c.deleted, \
    c.deletion_synced, c.activity_ms, c.pinned, c.archived, c.remind, c.marks, c.draft, \
    c.custom_data, c.version, ch.id, ch.last_seq, ch.dismissed, c.uncounted, c.hidden_count, \
    ch.uncounted_messages, COALESCE(pu.nick, ch.name), COALESCE(pu.avatar, ch.avatar), \
    ch.group_type, c.peer_read_seq";

/// The tables behind [`LOADED_COLUMNS`].
pub(crate) const LOADED_FROM: &str = "conversations c JOIN channels ch ON ch.id = c.channel_id \
    LEFT JOIN users pu ON ch.kind = 1 AND pu.uid = substr(c.conversation_id, 4)";

/// How many columns [`LOADED_COLUMNS`] has; a query may select more after them.
pub(crate) const LOADED_COLUMN_COUNT: usize = 28;

pub(crate) fn read_loaded(row: &dyn Columns) -> Result<Loaded> {
    let id = ConversationId::parse(row.text(0)?)?;
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
        uncounted: row.get(21)?,
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
        uncounted_messages: row.get(23)?,
    };
    let shown = match id {
        ConversationId::System => Shown::default(),
        ConversationId::C2c(_) => Shown {
            name: row.get(24)?,
            avatar: row.get(25)?,
            group_type: String::new(),
        },
        ConversationId::Group(_) => Shown {
            name: row.get(24)?,
            avatar: row.get(25)?,
            group_type: row.get(26)?,
        },
    };
    Ok(Loaded {
        channel,
        hidden_count: row.get(22)?,
        view: ConversationView {
            id,
            state,
            version: row.get(17)?,
            channel_last_seq: channel.last_seq,
            last_message: None,
            folders: Vec::new(),
            shown,
            peer_read_seq: row.get(27)?,
            unread_total: None,
            mentions: None,
        },
    })
}

/// Runs a query selecting [`LOADED_COLUMNS`] and reads every row.
pub(crate) fn query_loaded(
    db: &dyn Db,
    sql: &str,
    params: &[crate::Value<'_>],
) -> Result<Vec<Loaded>> {
    db.query_map(sql, params, read_loaded)
}

/// The user's conversation by its client-form ID, in any state.
pub(crate) fn load(
    db: &dyn Db,
    uid: &Uid,
    conversation: &ConversationId,
) -> Result<Option<Loaded>> {
    let sql = format!(
        "SELECT {LOADED_COLUMNS} FROM {LOADED_FROM} WHERE c.uid = $1 AND c.conversation_id = $2"
    );
    let id = conversation.to_string();
    db.query_opt(&sql, params![uid.as_str(), &id])?
        .map(|row| read_loaded(&row))
        .transpose()
}

/// The user's conversation, for a write that changes it: the user's row is locked first (see
/// `crate::locks`), so the row read stays as read until the write commits.
pub(crate) fn load_for_update(
    db: &dyn Db,
    uid: &Uid,
    conversation: &ConversationId,
) -> Result<Option<Loaded>> {
    crate::locks::lock_user(db, uid)?;
    load(db, uid, conversation)
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

/// What a conversation adds to its user's unread total (its unread count while it is in the
/// default list and notifies, else 0), taken before a change and passed to [`save_all`], with
/// the watermarks that bound what the user can see of the channel, so that [`save_all`] knows
/// whether the change may have hidden messages from the last user who could see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counted {
    counted: u64,
    cleared_to_seq: u64,
    left_seq: Option<u64>,
}

impl Counted {
    pub fn of(state: &ConversationState, channel_last_seq: u64) -> Self {
        Self {
            counted: state.counted_in_total(channel_last_seq),
            cleared_to_seq: state.cleared_to_seq,
            left_seq: state.left_seq,
        }
    }

    /// How much the total moves when the conversation becomes `state` at `channel_last_seq`.
    pub fn delta_to(self, state: &ConversationState, channel_last_seq: u64) -> i64 {
        state.counted_in_total(channel_last_seq) as i64 - self.counted as i64
    }

    /// Whether becoming `state` may raise the lowest point anyone can see in the channel
    /// (`crate::purge`'s rule): the user cleared further, or left. Nothing else in a
    /// conversation row raises it: a rejoin or a restore only lowers it.
    pub fn may_raise_purge_point(self, state: &ConversationState) -> bool {
        state.cleared_to_seq > self.cleared_to_seq
            || (state.left_seq.is_some() && state.left_seq != self.left_seq)
    }
}

impl Loaded {
    /// What this conversation counts in the user's total, as loaded.
    pub fn counted(&self) -> Counted {
        Counted::of(&self.view.state, self.channel.last_seq)
    }
}

/// Saves a loaded conversation whose state was changed in place (it counted `before` in the
/// total as loaded), and records the new version and total in its view.
pub(crate) fn save_loaded(
    db: &dyn Db,
    uid: &Uid,
    loaded: &mut Loaded,
    before: Counted,
) -> Result<()> {
    let saved = save(
        db,
        uid,
        loaded.channel.id,
        before,
        &loaded.view.state,
        loaded.channel.last_seq,
    )?;
    loaded.view.version = saved.version;
    loaded.view.unread_total = Some(saved.unread_total);
    Ok(())
}

/// Saves a changed state under a fresh version, moving the user's unread total from what the
/// conversation counted `before` to what it counts now at `channel_last_seq`: [`save_all`]
/// for one conversation, writing every column.
pub(crate) fn save(
    db: &dyn Db,
    uid: &Uid,
    channel_id: i64,
    before: Counted,
    state: &ConversationState,
    channel_last_seq: u64,
) -> Result<Saved> {
    let saving = Saving {
        uid,
        before,
        state,
        user: None,
    };
    let mut saved = save_all(db, channel_id, channel_last_seq, Written::All, &[saving])?;
    saved
        .pop()
        .ok_or_else(|| crate::StoreError::internal("a save returned nothing"))
}

/// One conversation's change for [`save_all`]: its user, what it counted in their total before
/// the change, and its new state.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Saving<'a> {
    pub uid: &'a Uid,
    pub before: Counted,
    pub state: &'a ConversationState,
    /// The user's row, where the caller read it in this transaction: on SQLite's one writer it
    /// is still as read, so the save sets the next values instead of raising and reading them.
    pub user: Option<UserCounters>,
}

/// A user's version and running unread total, as read from their row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct UserCounters {
    pub version: u64,
    pub unread_total: i64,
}

/// A column of a conversation row that a save writes from its state.
struct StateColumn {
    name: &'static str,
    /// Its type, for PostgreSQL's casts of bound values.
    sql_type: &'static str,
    /// Whether a message's arrival can change it ([`Written::Arrival`]).
    on_arrival: bool,
}

/// The columns a save writes from a state (see [`state_values`]); besides them a save writes
/// the version.
const STATE_COLUMNS: [StateColumn; 17] = {
    const fn column(name: &'static str, sql_type: &'static str, on_arrival: bool) -> StateColumn {
        StateColumn {
            name,
            sql_type,
            on_arrival,
        }
    }
    [
        column("read_seq", "BIGINT", false),
        column("deleted_to_seq", "BIGINT", false),
        column("cleared_to_seq", "BIGINT", false),
        column("own_last_seq", "BIGINT", true),
        column("join_seq", "BIGINT", false),
        column("left_seq", "BIGINT", false),
        column("listed", "BIGINT", true),
        column("deleted", "BIGINT", true),
        column("deletion_synced", "BIGINT", false),
        column("activity_ms", "BIGINT", true),
        column("pinned", "BIGINT", false),
        column("archived", "BIGINT", false),
        column("remind", "BIGINT", false),
        column("marks", "BIGINT", false),
        column("draft", "TEXT", false),
        column("custom_data", "TEXT", false),
        column("uncounted", "BIGINT", true),
    ]
};

/// Which of [`STATE_COLUMNS`] a save writes. SQLite rewrites every index holding a column that
/// an `UPDATE` assigns, whatever its value, so a message delivered to a hundred members should
/// not assign the columns it cannot change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Written {
    /// Every column: any change.
    All,
    /// Those [`ConversationState::on_message`] and [`ConversationState::exclude`] change.
    Arrival,
}

impl Written {
    fn includes(self, column: &StateColumn) -> bool {
        match self {
            Written::All => true,
            Written::Arrival => column.on_arrival,
        }
    }

    /// The columns written, in [`STATE_COLUMNS`]' order.
    fn columns(self) -> impl Iterator<Item = &'static StateColumn> {
        STATE_COLUMNS
            .iter()
            .filter(move |column| self.includes(column))
    }

    /// A state's values for [`Self::columns`], in their order.
    fn values(self, state: &ConversationState) -> impl Iterator<Item = Value<'_>> {
        STATE_COLUMNS
            .iter()
            .zip(state_values(state))
            .filter(move |(column, _)| self.includes(column))
            .map(|(_, value)| value)
    }
}

/// A state's values for [`STATE_COLUMNS`], in their order.
fn state_values(state: &ConversationState) -> [Value<'_>; 17] {
    [
        state.read_seq.into(),
        state.deleted_to_seq.into(),
        state.cleared_to_seq.into(),
        state.own_last_seq.into(),
        state.join_seq.into(),
        state.left_seq.into(),
        state.listed.into(),
        state.deleted.into(),
        state.deletion_synced.into(),
        state.activity_ms.into(),
        state.prefs.pinned.into(),
        state.prefs.archived.into(),
        state.prefs.remind.code().into(),
        (state.prefs.marks as i64).into(),
        (&state.prefs.draft).into(),
        (&state.prefs.custom_data).into(),
        state.uncounted.into(),
    ]
}

/// The statement that writes one conversation row on SQLite, written once per [`Written`]: the
/// version, then the written columns, then the row's key. Its parameters are numbered in the
/// order they appear, which SQLite binds as they are (see `crate::sqlite::db`).
pub(crate) fn sqlite_save_sql(written: Written) -> &'static str {
    fn build(written: Written) -> String {
        let assignments: Vec<String> = written
            .columns()
            .enumerate()
            .map(|(at, column)| format!("{} = ${}", column.name, at + 2))
            .collect();
        let key = assignments.len() + 2;
        format!(
            "UPDATE conversations SET version = $1, {} WHERE uid = ${key} AND channel_id = ${}",
            assignments.join(", "),
            key + 1
        )
    }
    static ALL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| build(Written::All));
    static ARRIVAL: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| build(Written::Arrival));
    match written {
        Written::All => &ALL,
        Written::Arrival => &ARRIVAL,
    }
}

/// Conversations per statement of a save on PostgreSQL, so that a message to a large group
/// binds well below PostgreSQL's 65,535 parameters.
const SAVES_PER_STATEMENT: usize = 200;

/// Saves changed states of conversations in one channel, each under a fresh version of its
/// user, and moves each user's unread total from what the conversation counted `before` to
/// what it counts now at `channel_last_seq`; returns what each save left, in `changes`'
/// order. Every change to a conversation row goes through here: that keeps the total equal to
/// the sum, and a change that may leave messages no one can see marks the channel for the
/// purge job in the same transaction.
///
/// The version is the next value of the user's counter, so every change to one of their
/// conversations gets a version above all earlier ones, which is what incremental sync relies
/// on; the total moves by a relative update, so that concurrent transactions on PostgreSQL
/// (which wait for the row's lock, taken before the change was computed) cannot lose each
/// other's changes. On PostgreSQL, where each statement is a round trip, the users' rows and
/// the conversations' rows of up to [`SAVES_PER_STATEMENT`] changes are written in one
/// statement; on SQLite, in two per change where the caller read the user's row (its next
/// values set, then the conversation's row written), else three (raised, read back, then the
/// row). Only the state columns in `written` are written: the caller says which its change can
/// have moved.
///
/// A total that this would take below zero can only come from a bug elsewhere; rather than fail
/// this and every later write and read of the user, it is recounted from the rows once they
/// are written (see [`recount_unread_total`]) and the bug is logged.
pub(crate) fn save_all(
    db: &dyn Db,
    channel_id: i64,
    channel_last_seq: u64,
    written: Written,
    changes: &[Saving<'_>],
) -> Result<Vec<Saved>> {
    let delta = |change: &Saving<'_>| change.before.delta_to(change.state, channel_last_seq);
    let mut saves: Vec<(u64, i64)> = Vec::with_capacity(changes.len());
    match db.dialect() {
        Dialect::Postgres => {
            for chunk in changes.chunks(SAVES_PER_STATEMENT) {
                saves.extend(save_chunk(db, channel_id, written, chunk, &delta)?);
            }
        }
        Dialect::Sqlite => {
            let sql = sqlite_save_sql(written);
            for change in changes {
                let (version, total) = match change.user {
                    Some(user) => {
                        let next = (user.version + 1, user.unread_total + delta(change));
                        db.execute(
                            "UPDATE users SET version = $1, unread_total = $2 WHERE uid = $3",
                            params![next.0, next.1, change.uid.as_str()],
                        )?;
                        next
                    }
                    None => {
                        // Raised, then read: SQLite collects what `RETURNING` returns in a
                        // temporary table, which costs more than reading the row again.
                        db.execute(
                            "UPDATE users SET version = version + 1, \
                             unread_total = unread_total + $1 WHERE uid = $2",
                            params![delta(change), change.uid.as_str()],
                        )?;
                        let row = db.query_one(
                            "SELECT version, unread_total FROM users WHERE uid = $1",
                            params![change.uid.as_str()],
                        )?;
                        (row.get(0)?, row.get(1)?)
                    }
                };
                let mut values = Vec::with_capacity(STATE_COLUMNS.len() + 3);
                values.push(Value::from(version));
                values.extend(written.values(change.state));
                values.extend([Value::from(change.uid.as_str()), Value::from(channel_id)]);
                db.execute(sql, &values)?;
                saves.push((version, total));
            }
        }
    }
    let saved = changes
        .iter()
        .zip(saves)
        .map(|(change, (version, total))| {
            let unread_total = match total {
                total if total >= 0 => total as u64,
                total => {
                    tracing::error!(
                        uid = %change.uid,
                        total,
                        "a user's running unread total went below zero; recounted from the \
                         conversations"
                    );
                    recount_unread_total(db, change.uid)?
                }
            };
            Ok(Saved {
                version,
                unread_total,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    if changes
        .iter()
        .any(|change| change.before.may_raise_purge_point(change.state))
    {
        crate::purge::mark_candidates(db, &[channel_id])?;
    }
    Ok(saved)
}

/// One of a user's conversations changed, for [`save_of_user`]: its channel, what it counted
/// in the user's total before the change, and its new state.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OwnSaving<'a> {
    pub channel: Channel,
    pub before: Counted,
    pub state: &'a ConversationState,
}

/// Conversations per statement of [`save_of_user`] on PostgreSQL: each binds 19 values, well
/// below PostgreSQL's 65,535 a statement.
const OWN_SAVES_PER_STATEMENT: usize = 50;

/// Saves changed states of one user's conversations in several channels, as [`save_all`] saves
/// one channel's (each conversation under the next version of the user's counter, in
/// `changes`' order; the total moved by each change; every state column written; the purge
/// candidates marked): the user's row once, then the conversations' rows (on PostgreSQL
/// [`OWN_SAVES_PER_STATEMENT`] to a statement), then the candidates in one statement. Saved one
/// by one, a delete of 100 conversations took 100 statements on PostgreSQL (each a round trip)
/// and 300 on SQLite.
pub(crate) fn save_of_user(
    db: &dyn Db,
    uid: &Uid,
    changes: &[OwnSaving<'_>],
) -> Result<Vec<Saved>> {
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let deltas: Vec<i64> = changes
        .iter()
        .map(|change| {
            change
                .before
                .delta_to(change.state, change.channel.last_seq)
        })
        .collect();
    let moved: i64 = deltas.iter().sum();
    let user = db.query_one(
        "UPDATE users SET version = version + $1, unread_total = unread_total + $2 \
         WHERE uid = $3 RETURNING version, unread_total",
        params![changes.len() as u64, moved, uid.as_str()],
    )?;
    let (last_version, total): (u64, i64) = (user.get(0)?, user.get(1)?);
    let first_version = last_version + 1 - changes.len() as u64;
    for (index, chunk) in changes.chunks(OWN_SAVES_PER_STATEMENT).enumerate() {
        let chunk_version = first_version + (index * OWN_SAVES_PER_STATEMENT) as u64;
        save_own_chunk(db, uid, chunk_version, chunk)?;
    }
    // Each change's total is the one it left, as if each had been saved alone.
    let mut running = total - moved;
    let mut saved: Vec<(u64, i64)> = Vec::with_capacity(changes.len());
    for (at, delta) in deltas.iter().enumerate() {
        running += delta;
        saved.push((first_version + at as u64, running));
    }
    let recounted = if saved.iter().any(|&(_, total)| total < 0) {
        tracing::error!(
            %uid,
            total,
            "a user's running unread total went below zero; recounted from the conversations"
        );
        Some(recount_unread_total(db, uid)?)
    } else {
        None
    };
    let raising: Vec<i64> = changes
        .iter()
        .filter(|change| change.before.may_raise_purge_point(change.state))
        .map(|change| change.channel.id)
        .collect();
    crate::purge::mark_candidates(db, &raising)?;
    Ok(saved
        .into_iter()
        .map(|(version, total)| Saved {
            version,
            unread_total: recounted.unwrap_or(total as u64),
        })
        .collect())
}

/// Writes a chunk of [`save_of_user`]'s conversation rows, the first under `first_version` and
/// each next one a version above. On PostgreSQL in one statement, `UPDATE … FROM (VALUES …)`.
/// On SQLite a statement is no round trip, and SQLite runs that statement as a join it
/// materialises first: three times the cost of the rows' own updates (50 rows, measured), so
/// each row is written by the cached statement [`save_all`] uses.
fn save_own_chunk(
    db: &dyn Db,
    uid: &Uid,
    first_version: u64,
    chunk: &[OwnSaving<'_>],
) -> Result<()> {
    if db.dialect() == Dialect::Sqlite {
        let sql = sqlite_save_sql(Written::All);
        for (at, change) in chunk.iter().enumerate() {
            let mut values = vec![Value::from(first_version + at as u64)];
            values.extend(state_values(change.state));
            values.extend([Value::from(uid.as_str()), Value::from(change.channel.id)]);
            db.execute(sql, &values)?;
        }
        return Ok(());
    }
    // The channel, the version, then every state column.
    let types: Vec<&str> = ["BIGINT", "BIGINT"]
        .into_iter()
        .chain(STATE_COLUMNS.iter().map(|column| column.sql_type))
        .collect();
    let rows = values_rows(2, chunk.len(), &types);
    let assignments: Vec<String> = STATE_COLUMNS
        .iter()
        .enumerate()
        .map(|(index, column)| format!("{} = v.column{}", column.name, index + 3))
        .collect();
    let sql = format!(
        "UPDATE conversations SET version = v.column2, {} FROM (VALUES {rows}) v \
         WHERE conversations.uid = $1 AND conversations.channel_id = v.column1",
        assignments.join(", ")
    );
    let mut values = Vec::with_capacity(1 + chunk.len() * types.len());
    values.push(Value::from(uid.as_str()));
    for (at, change) in chunk.iter().enumerate() {
        values.push(Value::from(change.channel.id));
        values.push(Value::from(first_version + at as u64));
        values.extend(state_values(change.state));
    }
    let written = db.execute(&sql, &values)?;
    if written != chunk.len() as u64 {
        return Err(crate::StoreError::internal(format!(
            "saved {written} of {} conversation rows of {uid}",
            chunk.len()
        )));
    }
    Ok(())
}

/// [`save_all`] of a chunk on PostgreSQL, in one statement: the users' rows take their next
/// versions and move their totals, and the conversations' rows are written with those
/// versions. Returns each change's version and total, in the chunk's order.
fn save_chunk(
    db: &dyn Db,
    channel_id: i64,
    written: Written,
    chunk: &[Saving<'_>],
    delta: &dyn Fn(&Saving<'_>) -> i64,
) -> Result<Vec<(u64, i64)>> {
    let columns: Vec<&StateColumn> = written.columns().collect();
    // The user, the total's delta, then the written columns.
    let types: Vec<&str> = ["TEXT", "BIGINT"]
        .into_iter()
        .chain(columns.iter().map(|column| column.sql_type))
        .collect();
    let rows = values_rows(2, chunk.len(), &types);
    let names: Vec<&str> = columns.iter().map(|column| column.name).collect();
    let assignments: Vec<String> = names
        .iter()
        .map(|column| format!("{column} = v.{column}"))
        .collect();
    let sql = format!(
        "WITH v (uid, delta, {names}) AS (VALUES {rows}), \
         u AS (UPDATE users SET version = users.version + 1, \
               unread_total = users.unread_total + v.delta \
               FROM v WHERE users.uid = v.uid \
               RETURNING users.uid, users.version, users.unread_total), \
         c AS (UPDATE conversations SET version = u.version, {assignments} \
               FROM v JOIN u ON u.uid = v.uid \
               WHERE conversations.uid = v.uid AND conversations.channel_id = $1) \
         SELECT uid, version, unread_total FROM u",
        names = names.join(", "),
        assignments = assignments.join(", "),
    );
    let mut values = vec![Value::from(channel_id)];
    for change in chunk {
        values.push(Value::from(change.uid.as_str()));
        values.push(Value::from(delta(change)));
        values.extend(written.values(change.state));
    }
    let mut by_uid: HashMap<String, (u64, i64)> = HashMap::with_capacity(chunk.len());
    for row in db.query(&sql, &values)? {
        by_uid.insert(row.get(0)?, (row.get(1)?, row.get(2)?));
    }
    chunk
        .iter()
        .map(|change| {
            by_uid.remove(change.uid.as_str()).ok_or_else(|| {
                crate::StoreError::internal(format!("no user row for {}", change.uid))
            })
        })
        .collect()
}

/// The columns [`read_message`] expects, from [`MESSAGES_FROM`].
pub(crate) const MESSAGE_COLUMNS: &str = "m.id, m.seq, m.from_uid, m.time_ms, m.client_msg_no, \
    m.msg_type, m.payload, m.cloud_custom_data, m.revoked_by, COALESCE(su.nick, ''), \
    COALESCE(su.avatar, ''), m.silent, m.version, m.needs_read_receipt, \
    CASE WHEN m.needs_read_receipt = 0 THEN 0 \
    ELSE (SELECT COUNT(*) FROM message_receipts r WHERE r.message_id = m.id) END";

/// Messages with their sender's profile.
pub(crate) const MESSAGES_FROM: &str = "messages m LEFT JOIN users su ON su.uid = m.from_uid";

/// Reads [`MESSAGE_COLUMNS`] starting at column `first`.
pub(crate) fn read_message(row: &dyn Columns, first: usize) -> Result<StoredMessage> {
    Ok(StoredMessage {
        id: row.get(first)?,
        seq: row.get(first + 1)?,
        from: row.get(first + 2)?,
        time_ms: row.get(first + 3)?,
        client_msg_no: row.get(first + 4)?,
        message_type: row.get(first + 5)?,
        payload: row.get(first + 6)?,
        cloud_custom_data: row.get(first + 7)?,
        revoked_by: row.get(first + 8)?,
        sender: Shown {
            name: row.get(first + 9)?,
            avatar: row.get(first + 10)?,
            group_type: String::new(),
        },
        silent: row.get(first + 11)?,
        version: row.get(first + 12)?,
        needs_read_receipt: row.get(first + 13)?,
        read_count: row.get(first + 14)?,
    })
}

/// The SQL condition "message `m` is not one `$uid` deleted for themself".
pub(crate) fn not_hidden_from(uid_param: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM message_changes h WHERE h.uid = {uid_param} \
         AND h.channel_id = m.channel_id AND h.seq = m.seq AND h.change = {HIDDEN})"
    )
}

/// `message_changes.change` of a message recalled by its sender or the app.
pub(crate) const RECALLED: i64 = 1;
/// `message_changes.change` of a message a user deleted for themself.
pub(crate) const HIDDEN: i64 = 2;
/// `message_changes.change` of a message whose payload or custom data a member changed.
pub(crate) const MODIFIED: i64 = 3;

/// Recounts the messages above the read floor that do not count as unread (recalled, or
/// deleted by this user), after a change left the floor short of the last message.
pub(crate) fn recount_uncounted(db: &dyn Db, uid: &Uid, loaded: &mut Loaded) -> Result<()> {
    let state = &loaded.view.state;
    if !loaded.may_exclude() || !state.floor_moved_partly(loaded.channel.last_seq) {
        return Ok(());
    }
    let (above, upto) = (
        state.read_floor(),
        state.last_visible_seq(loaded.channel.last_seq),
    );
    // Counted are the messages still there, not recalled, not silent and not deleted by this
    // user; every other seq above the floor is not (a message purged because everyone deleted
    // it is gone).
    let counting: u64 = db
        .query_one(
            &format!(
                "SELECT COUNT(*) FROM messages m WHERE m.channel_id = $1 AND m.seq > $2 \
                 AND m.seq <= $3 AND m.revoked_by IS NULL AND m.silent = 0 AND {}",
                not_hidden_from("$4")
            ),
            params![loaded.channel.id, above, upto, uid.as_str()],
        )?
        .get(0)?;
    loaded.view.state.uncounted = (upto - above).saturating_sub(counting);
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    prop_compose! {
        fn any_state()(
            watermarks in proptest::array::uniform4(0u64..30),
            join_seq in 1u64..30,
            flags in proptest::array::uniform5(any::<bool>()),
            activity_ms in 0i64..1_000,
            uncounted in 0u64..5,
            marks in any::<u64>(),
            muted in any::<bool>(),
        ) -> ConversationState {
            let [read_seq, deleted_to_seq, cleared_to_seq, own_last_seq] = watermarks;
            let [listed, deleted, deletion_synced, pinned, archived] = flags;
            ConversationState {
                read_seq,
                deleted_to_seq,
                cleared_to_seq,
                own_last_seq,
                join_seq,
                // Messages are delivered to current members only.
                left_seq: None,
                listed,
                deleted,
                deletion_synced,
                activity_ms,
                uncounted,
                prefs: Prefs {
                    pinned,
                    archived,
                    remind: if muted {
                        RemindType::AcceptNotNotify
                    } else {
                        RemindType::AcceptAndNotify
                    },
                    marks,
                    draft: "draft".to_owned(),
                    custom_data: "custom".to_owned(),
                },
            }
        }
    }

    proptest! {
        /// `deliver` saves with [`Written::Arrival`]: a change to a column it leaves out would
        /// be lost.
        #[test]
        fn a_message_arrival_changes_only_the_columns_it_writes(
            mut state in any_state(),
            // The channel's next seq: above every watermark.
            seq in 30u64..60,
            time_ms in 0i64..2_000,
            own in any::<bool>(),
            silent in any::<bool>(),
        ) {
            let before = state.clone();
            state.on_message(seq, time_ms, own);
            if silent && !own {
                state.exclude(seq, seq);
            }
            let unchanged = |values: [Value<'_>; 17]| -> Vec<String> {
                STATE_COLUMNS
                    .iter()
                    .zip(values)
                    .filter(|(column, _)| !Written::Arrival.includes(column))
                    .map(|(column, value)| format!("{} {value:?}", column.name))
                    .collect()
            };
            prop_assert_eq!(unchanged(state_values(&before)), unchanged(state_values(&state)));
        }
    }
}
