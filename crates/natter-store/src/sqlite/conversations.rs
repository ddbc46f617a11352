//! Conversation lists: reading them, changing them, deleting from them, and the audit log.

use natter_core::{Error, Result, Uid};
use rusqlite::Connection;

use super::pool::db_error;
use super::rows::{self, LOADED_COLUMNS, Loaded};
use crate::{
    AuditRecord, Change, Changes, ConversationPage, ConversationUpdate, ConversationView, Deletion,
    ListCursor, ListQuery,
};

/// One page of the list: pinned first, then newest activity, then channel (for a stable order).
pub(crate) fn list(conn: &Connection, uid: &Uid, query: &ListQuery) -> Result<ConversationPage> {
    let mut sql = format!(
        "SELECT {LOADED_COLUMNS} FROM conversations c JOIN channels ch ON ch.id = c.channel_id \
         WHERE c.uid = :uid AND c.listed = 1 AND c.archived = :archived"
    );
    if query.kind.is_some() {
        sql.push_str(" AND ch.kind = :kind");
    }
    if query.after.is_some() {
        sql.push_str(
            " AND (c.pinned, c.activity_ms, c.channel_id) < (:pinned, :activity_ms, :channel_id)",
        );
    }
    sql.push_str(" ORDER BY c.pinned DESC, c.activity_ms DESC, c.channel_id DESC LIMIT :limit");
    let mut statement = conn.prepare_cached(&sql).map_err(db_error)?;
    let mut params: Vec<(&str, rusqlite::types::Value)> = vec![
        (":uid", uid.to_string().into()),
        (":archived", i64::from(query.archived).into()),
        (":limit", i64::from(query.limit + 1).into()),
    ];
    if let Some(kind) = query.kind {
        params.push((":kind", kind.code().into()));
    }
    if let Some(after) = query.after {
        params.push((":pinned", i64::from(after.pinned).into()));
        params.push((":activity_ms", after.activity_ms.into()));
        params.push((":channel_id", after.channel_id.into()));
    }
    let named: Vec<(&str, &dyn rusqlite::ToSql)> = params
        .iter()
        .map(|(name, value)| (*name, value as &dyn rusqlite::ToSql))
        .collect();
    let mut loaded = statement
        .query_map(named.as_slice(), rows::read_loaded)
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<Loaded>>>())
        .map_err(db_error)?;
    let has_more = loaded.len() > query.limit as usize;
    loaded.truncate(query.limit as usize);
    let next = has_more
        .then(|| loaded.last())
        .flatten()
        .map(|last| ListCursor {
            pinned: last.view.state.prefs.pinned,
            activity_ms: last.view.state.activity_ms,
            channel_id: last.channel.id,
        });
    let conversations = loaded
        .into_iter()
        .map(|loaded| rows::with_last_message(conn, loaded))
        .collect::<Result<_>>()?;
    Ok(ConversationPage {
        conversations,
        next,
    })
}

/// The conversation if it is in the list (archived ones included).
pub(crate) fn get(
    conn: &Connection,
    uid: &Uid,
    conversation: &natter_core::ConversationId,
) -> Result<Option<ConversationView>> {
    match rows::load(conn, uid, conversation)? {
        Some(loaded) if loaded.view.state.listed => {
            Ok(Some(rows::with_last_message(conn, loaded)?))
        }
        _ => Ok(None),
    }
}

/// Unread messages over the default list, muted conversations excluded.
pub(crate) fn total_unread(conn: &Connection, uid: &Uid) -> Result<u64> {
    let sql = format!(
        "SELECT {LOADED_COLUMNS} FROM conversations c JOIN channels ch ON ch.id = c.channel_id \
         WHERE c.uid = ?1 AND c.listed = 1 AND c.archived = 0"
    );
    let mut statement = conn.prepare_cached(&sql).map_err(db_error)?;
    let mut total = 0;
    let mut rows = statement.query([uid.as_str()]).map_err(db_error)?;
    while let Some(row) = rows.next().map_err(db_error)? {
        let loaded = rows::read_loaded(row).map_err(db_error)?;
        if loaded.view.state.prefs.remind.counts_in_total() {
            total += loaded.view.unread();
        }
    }
    Ok(total)
}

/// Everything that changed above `since`: listed conversations, and tombstones of deletions made
/// while deletion sync was on. Deletions made with it off are not reported (that device keeps
/// its cached entry until it reloads the list, as in the reference SDKs).
pub(crate) fn changes_since(conn: &Connection, uid: &Uid, since: u64) -> Result<Changes> {
    let version = rows::current_version(conn, uid)?;
    if since > version {
        return Ok(Changes {
            changed: Vec::new(),
            deleted: Vec::new(),
            version,
            reset_required: true,
        });
    }
    let sql = format!(
        "SELECT {LOADED_COLUMNS} FROM conversations c JOIN channels ch ON ch.id = c.channel_id \
         WHERE c.uid = ?1 AND c.version > ?2 ORDER BY c.version"
    );
    let loaded = conn
        .prepare_cached(&sql)
        .and_then(|mut statement| {
            statement
                .query_map((uid.as_str(), since), rows::read_loaded)?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(db_error)?;
    let mut changes = Changes {
        changed: Vec::new(),
        deleted: Vec::new(),
        version,
        reset_required: false,
    };
    for loaded in loaded {
        let state = &loaded.view.state;
        if state.listed {
            changes.changed.push(rows::with_last_message(conn, loaded)?);
        } else if state.deleted && state.deletion_synced {
            changes.deleted.push(loaded.view.id);
        }
    }
    Ok(changes)
}

/// Applies one change to each named conversation; any one that cannot take it fails the whole
/// call (the writer's savepoint undoes the rest).
pub(crate) fn update(
    conn: &Connection,
    update: &ConversationUpdate,
) -> Result<Vec<ConversationView>> {
    let mut changed = Vec::new();
    for conversation in &update.conversations {
        let loaded = rows::load(conn, &update.uid, conversation)?
            .filter(|loaded| loaded.view.state.listed || !update.change.needs_listed())
            .ok_or_else(|| {
                Error::not_found(format!(
                    "conversation {:?} is not in {}'s list",
                    conversation.to_string(),
                    update.uid
                ))
            })?;
        let mut state = loaded.view.state.clone();
        let last = loaded.channel.last_seq;
        let did_change = match update.change {
            Change::MarkRead { up_to } => state.mark_read(up_to, last),
            Change::SetUnread(unread) => state.set_unread(unread, last),
            Change::Pin(pinned) => state.pin(pinned, update.now_ms),
            Change::Archive(archived) => state.set_archived(archived),
        };
        let mut loaded = loaded;
        if did_change {
            loaded.view.version = rows::save(conn, &update.uid, loaded.channel.id, &state)?;
            loaded.view.state = state;
        }
        changed.push(rows::with_last_message(conn, loaded)?);
    }
    Ok(changed)
}

/// Deletes conversations from one user's list and writes the audit record. Touches only the
/// user's conversation rows: O(conversations in the call), never O(messages).
pub(crate) fn delete(conn: &Connection, deletion: &Deletion) -> Result<Vec<ConversationView>> {
    let mut deleted = Vec::new();
    for conversation in &deletion.conversations {
        let Some(mut loaded) = rows::load(conn, &deletion.uid, conversation)? else {
            continue;
        };
        let mut state = loaded.view.state.clone();
        let was_listed = state.listed;
        if state.delete(
            loaded.channel.last_seq,
            deletion.clear_history,
            deletion.synced,
        ) {
            loaded.view.version = rows::save(conn, &deletion.uid, loaded.channel.id, &state)?;
            loaded.view.state = state;
            if was_listed {
                deleted.push(loaded.view);
            }
        }
    }
    let ids: Vec<String> = deletion
        .conversations
        .iter()
        .map(ToString::to_string)
        .collect();
    conn.prepare_cached(
        "INSERT INTO audit (at_ms, actor, uid, conversation_ids, clear_history, via) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut statement| {
        statement.execute((
            deletion.at_ms,
            &deletion.actor,
            deletion.uid.as_str(),
            serde_json::to_string(&ids).expect("strings serialise"),
            deletion.clear_history,
            deletion.via.as_str(),
        ))
    })
    .map_err(db_error)?;
    Ok(deleted)
}

/// Audit records, newest first, optionally of one user, before `before_id`.
pub(crate) fn audit_log(
    conn: &Connection,
    uid: Option<&Uid>,
    before_id: Option<i64>,
    limit: u32,
) -> Result<Vec<AuditRecord>> {
    conn.prepare_cached(
        "SELECT id, at_ms, actor, uid, conversation_ids, clear_history, via FROM audit \
         WHERE (?1 IS NULL OR uid = ?1) AND id < ?2 ORDER BY id DESC LIMIT ?3",
    )
    .and_then(|mut statement| {
        statement
            .query_map(
                (uid.map(Uid::as_str), before_id.unwrap_or(i64::MAX), limit),
                |row| {
                    let ids: String = row.get(4)?;
                    Ok(AuditRecord {
                        id: row.get(0)?,
                        at_ms: row.get(1)?,
                        actor: row.get(2)?,
                        uid: row.get(3)?,
                        conversation_ids: serde_json::from_str(&ids).unwrap_or_default(),
                        clear_history: row.get(5)?,
                        via: row.get(6)?,
                    })
                },
            )?
            .collect()
    })
    .map_err(db_error)
}
