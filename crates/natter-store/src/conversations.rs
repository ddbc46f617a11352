//! Conversation lists: reading them, changing them, deleting from them (with an audit record
//! and a snapshot for admin restore), and the audit log.

use std::collections::HashMap;

use natter_core::limits::MAX_PINNED;
use natter_core::rules::{ConversationState, Prefs, RemindType, marks};
use natter_core::{ChannelKind, ConversationId, ListCursor, Uid};
use serde_json::{Value as Json, json};

use crate::db::{parameter_list, params, values_rows};
use crate::receipts::{self, Receipt};
use crate::rows::{self, LOADED_COLUMNS, LOADED_FROM, Loaded, MESSAGE_COLUMNS, OwnSaving};
use crate::views::{self, IN_A_FOLDER, LAST_MESSAGE_JOIN};
use crate::{
    AuditRecord, Change, Changes, ConversationPage, ConversationUpdate, ConversationView, Db,
    Deleted, Deletion, Dialect, ListQuery, MessageChange, MessageChangeKind, Result, StoreError,
    UnreadTotal, Updated, Value,
};

/// Whether the conversation has unread messages, as SQL, for the "unread only" filter (it
/// must filter before paging).
fn has_unread_sql(dialect: Dialect) -> String {
    format!("{} > 0", rows::unread_count_sql(dialect))
}

/// One page of the list: pinned first, then newest activity, then channel (for a stable order).
pub fn list<'q>(db: &dyn Db, uid: &'q Uid, query: &'q ListQuery) -> Result<ConversationPage> {
    let mut sql = format!(
        "SELECT {LOADED_COLUMNS}, {IN_A_FOLDER}, {MESSAGE_COLUMNS} \
         FROM {LOADED_FROM} {LAST_MESSAGE_JOIN} \
         WHERE c.uid = $1 AND c.listed = 1 AND c.archived = $2"
    );
    if query.mark.is_none() {
        // Not hidden, written as an inequality: PostgreSQL estimates that few rows pass an
        // equality on an expression (0.5 %), and would then sort the user's whole list rather
        // than read the list's index in order and stop at the page's end; it estimates that
        // most rows pass an inequality, as they do. (The two agree because the mark is one bit.)
        const { assert!(marks::HIDE.is_power_of_two()) };
        sql.push_str(&format!(" AND (c.marks & {0}) != {0}", marks::HIDE));
    }
    let mut params: Vec<Value<'q>> = vec![uid.as_str().into(), query.archived.into()];
    // Each condition takes the next parameter number, so filters can be combined freely.
    let mut condition = |sql_text: &str, value: Value<'q>| {
        params.push(value);
        sql.push_str(&sql_text.replace("$?", &format!("${}", params.len())));
    };
    if let Some(kind) = query.kind {
        condition(" AND ch.kind = $?", kind.code().into());
    }
    if let Some(mark) = query.mark {
        condition(" AND (c.marks & $?) != 0", (mark as i64).into());
    }
    if let Some(folder) = &query.folder {
        condition(
            " AND EXISTS (SELECT 1 FROM folder_members f WHERE f.uid = c.uid \
             AND f.channel_id = c.channel_id AND f.name = $?)",
            folder.into(),
        );
    }
    if let Some(after) = query.after {
        condition(
            " AND (c.pinned, c.activity_ms, c.channel_id) < ($?",
            after.pinned.into(),
        );
        condition(", $?", after.activity_ms.into());
        condition(", $?)", after.channel_id.into());
    }
    if query.unread_only {
        sql.push_str(&format!(" AND {}", has_unread_sql(db.dialect())));
    }
    params.push(i64::from(query.limit + 1).into());
    sql.push_str(&format!(
        " ORDER BY c.pinned DESC, c.activity_ms DESC, c.channel_id DESC LIMIT ${}",
        params.len()
    ));
    // Sized for the page: a loaded row is large, and growing the vector moved each one again.
    let mut loaded = Vec::with_capacity(query.limit as usize + 1);
    db.query_each(&sql, &params, &mut |row| {
        loaded.push(views::read_loaded_with_row(row)?);
        Ok(())
    })?;
    let has_more = loaded.len() > query.limit as usize;
    loaded.truncate(query.limit as usize);
    let next = has_more
        .then(|| loaded.last())
        .flatten()
        .map(|(last, _)| ListCursor {
            pinned: last.view.state.prefs.pinned,
            activity_ms: last.view.state.activity_ms,
            channel_id: last.channel.id,
        });
    Ok(ConversationPage {
        conversations: views::complete_partly_read(db, uid, loaded)?,
        next,
    })
}

/// The conversation if it is in the list (archived ones included), or a topic's, which is in
/// none (`crate::topics`).
pub fn get(
    db: &dyn Db,
    uid: &Uid,
    conversation: &ConversationId,
) -> Result<Option<ConversationView>> {
    match rows::load(db, uid, conversation)? {
        Some(loaded) if loaded.view.state.listed || conversation.is_topic() => {
            Ok(Some(views::complete_view(db, uid, loaded)?))
        }
        _ => Ok(None),
    }
}

/// The user's listed conversations, optionally of one kind.
fn listed(db: &dyn Db, uid: &Uid, kind: Option<ChannelKind>) -> Result<Vec<Loaded>> {
    let sql = format!(
        "SELECT {LOADED_COLUMNS} FROM {LOADED_FROM} \
         WHERE c.uid = $1 AND c.listed = 1 AND (CAST($2 AS BIGINT) IS NULL OR ch.kind = $2)"
    );
    rows::query_loaded(db, &sql, params![uid.as_str(), kind.map(ChannelKind::code)])
}

/// The user's version now: every change to their conversations so far is at or below it.
pub fn current_version(db: &dyn Db, uid: &Uid) -> Result<u64> {
    rows::current_version(db, uid)
}

/// Unread messages over the default list; archived and muted conversations left out. Every
/// save keeps it as a running sum in the user's row, so this is one primary-key read.
pub fn total_unread(db: &dyn Db, uid: &Uid) -> Result<UnreadTotal> {
    rows::unread_total(db, uid)
}

/// Everything that changed above `since`: listed conversations, and tombstones of deletions made
/// while deletion sync was on. Deletions made with it off are not reported (that device keeps
/// its cached entry until it reloads the list, as in the reference SDKs).
///
/// Profiles change on a clock of their own (a group renaming itself does not touch its members'
/// rows): conversations whose peer's or group's profile changed after `profile_since` are
/// reported as changed too.
pub fn changes_since(
    db: &dyn Db,
    uid: &Uid,
    since: u64,
    profile_since: Option<u64>,
) -> Result<Changes> {
    let version = rows::current_version(db, uid)?;
    let profile_clock = crate::profiles::clock(db)?;
    if since > version || profile_since.is_some_and(|clock| clock > profile_clock) {
        return Ok(Changes {
            changed: Vec::new(),
            deleted: Vec::new(),
            messages: Vec::new(),
            version,
            profile_clock,
            reset_required: true,
        });
    }
    let sql = format!(
        "SELECT {LOADED_COLUMNS}, c.version > $2 FROM {LOADED_FROM} WHERE c.uid = $1 \
         AND (c.version > $2 OR COALESCE(pu.profile_clock, 0) > $3 \
              OR (ch.kind = 2 AND ch.profile_clock > $3)) \
         ORDER BY c.version"
    );
    // Without a profile clock, profile changes alone are not reported.
    let profile_since = profile_since.unwrap_or(i64::MAX as u64);
    let mut changes = Changes {
        changed: Vec::new(),
        deleted: Vec::new(),
        messages: message_changes_since(db, uid, since)?,
        version,
        profile_clock,
        reset_required: false,
    };
    let mut listed = Vec::new();
    db.query_each(
        &sql,
        params![uid.as_str(), since, profile_since],
        &mut |row| {
            let loaded = rows::read_loaded(row)?;
            let versioned: bool = row.get(rows::LOADED_COLUMN_COUNT)?;
            let state = &loaded.view.state;
            if state.listed {
                listed.push(loaded);
            } else if versioned && state.deleted && state.deletion_synced {
                changes.deleted.push(loaded.view.id);
            }
            Ok(())
        },
    )?;
    changes.changed = views::complete_views(db, uid, listed)?;
    Ok(changes)
}

/// The messages of this user recalled, deleted by them for themself, or changed by a member,
/// above `since`; a changed one with the message as it now is (one more statement, only when
/// there is one).
fn message_changes_since(db: &dyn Db, uid: &Uid, since: u64) -> Result<Vec<MessageChange>> {
    let rows = db.query(
        "SELECT c.conversation_id, mc.message_id, mc.seq, mc.change FROM message_changes mc \
         JOIN conversations c ON c.uid = mc.uid AND c.channel_id = mc.channel_id \
         WHERE mc.uid = $1 AND mc.version > $2 ORDER BY mc.version, mc.seq",
        params![uid.as_str(), since],
    )?;
    let modified: Vec<i64> = rows
        .iter()
        .filter(|row| row.get::<i64>(3).ok() == Some(rows::MODIFIED))
        .map(|row| row.get(1))
        .collect::<Result<_>>()?;
    let mut messages = messages_by_id(db, &modified)?;
    let mut changes = Vec::with_capacity(rows.len());
    for row in &rows {
        let message_id: i64 = row.get(1)?;
        let kind = match row.get::<i64>(3)? {
            rows::RECALLED => MessageChangeKind::Recalled,
            rows::MODIFIED => match messages.remove(&message_id) {
                Some(message) => MessageChangeKind::Modified(Box::new(message)),
                // Gone from the disk since (purged): nothing to show.
                None => continue,
            },
            _ => MessageChangeKind::Deleted,
        };
        changes.push(MessageChange {
            conversation: ConversationId::parse(&row.get::<String>(0)?)?,
            message_id,
            seq: row.get(2)?,
            kind,
        });
    }
    Ok(changes)
}

/// Messages by ID, with their senders' profiles.
fn messages_by_id(db: &dyn Db, ids: &[i64]) -> Result<HashMap<i64, crate::StoredMessage>> {
    let mut found = HashMap::new();
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM {} WHERE m.id IN ({})",
            rows::MESSAGES_FROM,
            parameter_list(1, chunk.len())
        );
        let params: Vec<crate::Value<'_>> = chunk.iter().map(|&id| id.into()).collect();
        for row in db.query(&sql, &params)? {
            let message = rows::read_message(&row, 0)?;
            found.insert(message.id, message);
        }
    }
    Ok(found)
}

/// Applies one change to each named conversation; any one that cannot take it fails the whole
/// call (the writer undoes the rest).
pub fn update(db: &dyn Db, update: &ConversationUpdate) -> Result<(Vec<Updated>, Vec<Receipt>)> {
    let reads = update.change.may_read();
    let peers = receipts::peers(update.conversations.iter().filter(|_| reads));
    crate::locks::lock_users(db, std::iter::once(&update.uid).chain(peers))?;
    let mut updated = Vec::with_capacity(update.conversations.len());
    let mut read_further = Vec::new();
    for conversation in &update.conversations {
        let topic = conversation.is_topic();
        if topic && !update.change.suits_topics() {
            return Err(StoreError::TopicNotInList(conversation.clone()));
        }
        let mut loaded = rows::load(db, &update.uid, conversation)?
            .filter(|loaded| topic || loaded.view.state.listed || !update.change.needs_listed())
            .ok_or_else(|| StoreError::NotListed {
                uid: update.uid.clone(),
                conversation: conversation.clone(),
            })?;
        if update.change == Change::Pin(true) && !loaded.view.state.prefs.pinned {
            check_pin_limit(db, &update.uid)?;
        }
        let before = loaded.counted();
        let read_before = loaded.view.state.read_seq;
        let changed = apply(
            &mut loaded.view.state,
            &update.change,
            loaded.channel.last_seq,
            update.now_ms,
        );
        if changed {
            rows::recount_uncounted(db, &update.uid, &mut loaded)?;
            rows::save_loaded(db, &update.uid, &mut loaded, before)?;
        }
        read_further.push(loaded.view.state.read_seq > read_before);
        updated.push((loaded, changed));
    }
    let read: Vec<&Loaded> = updated
        .iter()
        .zip(&read_further)
        .filter(|(_, further)| **further)
        .map(|((loaded, _), _)| loaded)
        .collect();
    let receipts = receipts::give(db, &update.uid, &read)?;
    // Completed together: what completion reads (messages, folders) no change here touches.
    let (loaded, changed): (Vec<_>, Vec<_>) = updated.into_iter().unzip();
    let updated = views::complete_views(db, &update.uid, loaded)?
        .into_iter()
        .zip(changed)
        .map(|(view, changed)| Updated { view, changed })
        .collect();
    Ok((updated, receipts))
}

fn apply(state: &mut ConversationState, change: &Change, last_seq: u64, now_ms: i64) -> bool {
    match change {
        Change::MarkRead { up_to } => state.mark_read(*up_to, last_seq),
        Change::SetUnread(unread) => state.set_unread(*unread, last_seq),
        Change::Pin(pinned) => state.pin(*pinned, now_ms),
        Change::Archive(archived) => state.set_archived(*archived),
        Change::ClearHistory => state.clear_history(last_seq),
        Change::Draft(draft) => state.set_draft(draft, now_ms),
        Change::Mark { mark, enable } => state.set_mark(*mark, *enable),
        Change::CustomData(data) => state.set_custom_data(data),
        Change::Remind(remind) => state.set_remind(*remind),
    }
}

fn check_pin_limit(db: &dyn Db, uid: &Uid) -> Result<()> {
    let pinned: usize = db
        .query_one(
            "SELECT COUNT(*) FROM conversations WHERE uid = $1 AND listed = 1 AND pinned = 1",
            params![uid.as_str()],
        )?
        .get(0)?;
    if pinned >= MAX_PINNED {
        return Err(StoreError::PinLimit {
            uid: uid.clone(),
            limit: MAX_PINNED,
        });
    }
    Ok(())
}

/// Marks every listed conversation of `kind` read; returns the ones that changed, and the read
/// receipts their one-to-one peers get.
///
/// The peers are known only once the list is read, so their rows are locked after the
/// reader's, out of uid order: on PostgreSQL a deadlock with a write locking the other way
/// fails this transaction, which then runs again (see `crate::locks`).
pub fn mark_all_read(
    db: &dyn Db,
    uid: &Uid,
    kind: Option<ChannelKind>,
) -> Result<(Vec<ConversationView>, Vec<Receipt>)> {
    crate::locks::lock_user(db, uid)?;
    let mut changed = Vec::new();
    for mut loaded in listed(db, uid, kind)? {
        let before = loaded.counted();
        if loaded.view.state.mark_read(None, loaded.channel.last_seq) {
            changed.push((loaded, before));
        }
    }
    crate::locks::lock_users(
        db,
        receipts::peers(changed.iter().map(|(loaded, _)| &loaded.view.id)),
    )?;
    let savings: Vec<OwnSaving<'_>> = changed
        .iter()
        .map(|(loaded, before)| OwnSaving {
            channel: loaded.channel,
            before: *before,
            state: &loaded.view.state,
        })
        .collect();
    let saved = rows::save_of_user(db, uid, &savings)?;
    let changed: Vec<Loaded> = changed
        .into_iter()
        .zip(saved)
        .map(|((mut loaded, _), saved)| {
            loaded.view.version = saved.version;
            loaded.view.unread_total = Some(saved.unread_total);
            loaded
        })
        .collect();
    // Every change here is a read moving forward.
    let receipts = receipts::give(db, uid, &changed.iter().collect::<Vec<_>>())?;
    Ok((views::complete_views(db, uid, changed)?, receipts))
}

/// Deletes conversations from one user's list and writes the audit record with a snapshot of
/// each deleted conversation. Touches only the user's conversation rows: O(conversations in the
/// call), never O(messages), and on PostgreSQL in a fixed number of statements whatever their
/// number (a delete of 100 is one of the product's everyday calls, and each statement there is
/// a round trip; SQLite writes each row by a statement of its own, see `rows::save_of_user`).
/// A conversation named twice is deleted once.
pub fn delete(db: &dyn Db, deletion: &Deletion) -> Result<Deleted> {
    let uid = &deletion.uid;
    crate::locks::lock_user(db, uid)?;
    let ids: Vec<String> = deletion
        .conversations
        .iter()
        .map(ToString::to_string)
        .collect();
    let mut found = load_named(db, uid, &ids)?;
    let foldered: Vec<i64> = found
        .values()
        .filter_map(|(loaded, in_a_folder)| in_a_folder.then_some(loaded.channel.id))
        .collect();
    let mut folders = views::folders_of(db, uid, &foldered)?;
    // In the order named; `remove` skips a conversation named again.
    let mut changed = Vec::new();
    for id in &ids {
        let Some((loaded, _)) = found.remove(id) else {
            continue;
        };
        let mut state = loaded.view.state.clone();
        let was_listed = state.listed;
        if deletion.only_listed && !was_listed {
            continue;
        }
        if state.delete(
            loaded.channel.last_seq,
            deletion.clear_history,
            deletion.synced,
        ) {
            let folders = folders.remove(&loaded.channel.id).unwrap_or_default();
            changed.push((loaded, state, was_listed, folders));
        }
    }
    let savings: Vec<OwnSaving<'_>> = changed
        .iter()
        .map(|(loaded, state, _, _)| OwnSaving {
            channel: loaded.channel,
            before: loaded.counted(),
            state,
        })
        .collect();
    let saved = rows::save_of_user(db, uid, &savings)?;
    let (mut deleted, mut snapshots, mut unfiled) = (Vec::new(), Vec::new(), Vec::new());
    for ((loaded, state, was_listed, folders), saved) in changed.into_iter().zip(saved) {
        if !was_listed {
            continue;
        }
        // The snapshot keeps the state and the folders (not the last message).
        let before = ConversationView {
            folders,
            ..loaded.view
        };
        snapshots.push(snapshot(&before));
        if !before.folders.is_empty() {
            unfiled.push(loaded.channel.id);
        }
        deleted.push(ConversationView {
            version: saved.version,
            unread_total: Some(saved.unread_total),
            state,
            folders: Vec::new(),
            ..before
        });
    }
    clear_folders(db, uid, &unfiled)?;
    let audit_id = db
        .query_one(
            "INSERT INTO audit (at_ms, actor, uid, conversation_ids, clear_history, via, \
             snapshots) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            params![
                deletion.at_ms,
                &deletion.actor,
                uid.as_str(),
                &json!(ids).to_string(),
                deletion.clear_history,
                deletion.via.as_str(),
                &Json::Array(snapshots).to_string(),
            ],
        )?
        .get(0)?;
    Ok(Deleted {
        conversations: deleted,
        audit: AuditRecord {
            id: audit_id,
            at_ms: deletion.at_ms,
            actor: deletion.actor.clone(),
            uid: uid.to_string(),
            conversation_ids: ids,
            clear_history: deletion.clear_history,
            via: deletion.via.as_str().to_owned(),
            action: "delete".to_owned(),
            message_ids: Vec::new(),
        },
    })
}

/// The user's conversations among `ids` (client-form IDs), in any state, by that ID, each with
/// whether a folder may hold it; in one statement, driven by the names: SQLite, which has no
/// statistics, plans `conversation_id IN (…)` as a scan of all the user's conversations (1.6
/// ms for a user with 10,000 of them), and takes a `CROSS JOIN`'s left side as the outer loop.
fn load_named(db: &dyn Db, uid: &Uid, ids: &[String]) -> Result<HashMap<String, (Loaded, bool)>> {
    let mut found = HashMap::with_capacity(ids.len());
    if ids.is_empty() {
        return Ok(found);
    }
    let sql = format!(
        "SELECT {LOADED_COLUMNS}, {IN_A_FOLDER} FROM (VALUES {}) n CROSS JOIN {LOADED_FROM} \
         WHERE c.uid = $1 AND c.conversation_id = n.column1",
        values_rows(2, ids.len(), &["TEXT"])
    );
    let mut params = vec![Value::from(uid.as_str())];
    params.extend(ids.iter().map(Value::from));
    db.query_each(&sql, &params, &mut |row| {
        let loaded = rows::read_loaded(row)?;
        let in_a_folder: bool = row.get(rows::LOADED_COLUMN_COUNT)?;
        found.insert(loaded.view.id.to_string(), (loaded, in_a_folder));
        Ok(())
    })?;
    Ok(found)
}

/// Takes these channels' conversations of the user out of every folder.
fn clear_folders(db: &dyn Db, uid: &Uid, channel_ids: &[i64]) -> Result<()> {
    if channel_ids.is_empty() {
        return Ok(());
    }
    let mut params = vec![Value::from(uid.as_str())];
    params.extend(channel_ids.iter().map(|&id| Value::from(id)));
    db.execute(
        &format!(
            "DELETE FROM folder_members WHERE uid = $1 AND channel_id IN ({})",
            parameter_list(2, channel_ids.len())
        ),
        &params,
    )?;
    Ok(())
}

/// The state a restore brings back: read position, watermarks and every preference.
fn snapshot(view: &ConversationView) -> Json {
    let state = &view.state;
    let prefs = &state.prefs;
    json!({
        "conversation_id": view.id.to_string(),
        "read_seq": state.read_seq,
        "deleted_to_seq": state.deleted_to_seq,
        "cleared_to_seq": state.cleared_to_seq,
        "activity_ms": state.activity_ms,
        "pinned": prefs.pinned,
        "archived": prefs.archived,
        "remind": prefs.remind.code(),
        "marks": prefs.marks,
        "draft": prefs.draft,
        "custom_data": prefs.custom_data,
        "folders": view.folders,
    })
}

/// Brings a deleted conversation back as its latest deletion's snapshot had it, provided that
/// deletion kept the history.
pub fn restore_deleted(
    db: &dyn Db,
    uid: &Uid,
    conversation: &ConversationId,
) -> Result<ConversationView> {
    let id = conversation.to_string();
    let (owner, named) = (uid.clone(), conversation.clone());
    let mut loaded = rows::load_for_update(db, uid, conversation)?.ok_or_else(|| {
        StoreError::NeverHadConversation {
            uid: owner.clone(),
            conversation: named.clone(),
        }
    })?;
    if loaded.view.state.listed {
        return Err(StoreError::NothingToRestore {
            uid: owner,
            conversation: named,
        });
    }
    let saved = latest_snapshot(db, uid, &id)?.ok_or_else(|| StoreError::NoDeletionOnRecord {
        uid: owner.clone(),
        conversation: named.clone(),
    })?;
    let number = |key: &str| saved[key].as_u64().unwrap_or_default();
    let mut state = loaded.view.state.clone();
    if state.cleared_to_seq > number("cleared_to_seq") {
        return Err(StoreError::HistoryWasCleared {
            uid: owner,
            conversation: named,
        });
    }
    state.read_seq = number("read_seq");
    state.deleted_to_seq = number("deleted_to_seq");
    state.activity_ms = state
        .activity_ms
        .max(saved["activity_ms"].as_i64().unwrap_or_default());
    state.listed = true;
    state.deleted = false;
    // Pinned again only while the pin limit allows; otherwise restored unpinned.
    let pinned = saved["pinned"].as_bool().unwrap_or_default() && check_pin_limit(db, uid).is_ok();
    state.prefs = Prefs {
        pinned,
        archived: saved["archived"].as_bool().unwrap_or_default(),
        remind: RemindType::from_code(saved["remind"].as_i64().unwrap_or_default()),
        marks: number("marks"),
        draft: saved["draft"].as_str().unwrap_or_default().to_owned(),
        custom_data: saved["custom_data"].as_str().unwrap_or_default().to_owned(),
    };
    for folder in saved["folders"].as_array().into_iter().flatten() {
        // A folder deleted since the deletion is not recreated.
        db.execute(
            "INSERT INTO folder_members (uid, name, channel_id) \
             SELECT uid, name, CAST($3 AS BIGINT) FROM folders WHERE uid = $1 AND name = $2 \
             ON CONFLICT DO NOTHING",
            params![
                uid.as_str(),
                folder.as_str().unwrap_or_default(),
                loaded.channel.id
            ],
        )?;
    }
    let before = loaded.counted();
    loaded.view.state = state;
    rows::recount_uncounted(db, uid, &mut loaded)?;
    rows::save_loaded(db, uid, &mut loaded, before)?;
    views::complete_view(db, uid, loaded)
}

/// The newest audit snapshot of this conversation of this user.
fn latest_snapshot(db: &dyn Db, uid: &Uid, conversation_id: &str) -> Result<Option<Json>> {
    let audits = db.query(
        "SELECT snapshots FROM audit WHERE uid = $1 AND snapshots != '[]' ORDER BY id DESC",
        params![uid.as_str()],
    )?;
    for row in audits {
        let text: String = row.get(0)?;
        let snapshots: Vec<Json> = serde_json::from_str(&text).unwrap_or_default();
        if let Some(found) = snapshots
            .into_iter()
            .find(|snapshot| snapshot["conversation_id"] == conversation_id)
        {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// Audit records, newest first, before `before_id`; with `uid`, only those about that user's
/// list or messages, or, with [`SYSTEM_SENDER`](crate::messaging::SYSTEM_SENDER), about the
/// app's own messages.
pub fn audit_log(
    db: &dyn Db,
    uid: Option<&str>,
    before_id: Option<i64>,
    limit: u32,
) -> Result<Vec<AuditRecord>> {
    db.query(
        "SELECT id, at_ms, actor, uid, conversation_ids, clear_history, via, action, \
         message_ids FROM audit \
         WHERE (CAST($1 AS TEXT) IS NULL OR uid = $1) AND id < $2 ORDER BY id DESC LIMIT $3",
        params![uid, before_id.unwrap_or(i64::MAX), limit],
    )?
    .iter()
    .map(|row| {
        let ids: String = row.get(4)?;
        Ok(AuditRecord {
            id: row.get(0)?,
            at_ms: row.get(1)?,
            actor: row.get(2)?,
            uid: row.get(3)?,
            conversation_ids: serde_json::from_str(&ids).unwrap_or_default(),
            clear_history: row.get(5)?,
            via: row.get(6)?,
            action: row.get(7)?,
            message_ids: serde_json::from_str(&row.get::<String>(8)?).unwrap_or_default(),
        })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    //! A list page reads each last message with its rows, and the sender's profile with it,
    //! whoever sent it: the one-to-one peer, the user, a member of a group.

    use natter_core::{ConversationId, GroupId, Uid};

    use crate::profiles::{self, UserProfileChange};
    use crate::test_stores::{make_users, new_message, on_both};
    use crate::{ListQuery, NewMessage, Result, conversations, groups, messaging};

    fn uid(name: &str) -> Uid {
        Uid::parse(name, "uid").unwrap()
    }

    fn text(from: &str, to: ConversationId, time_ms: i64) -> NewMessage {
        NewMessage {
            message_type: natter_core::message::TEXT.to_owned(),
            time_ms,
            ..new_message(&uid(from), to, r#"{"text":"hi"}"#)
        }
    }

    #[test]
    fn a_pages_last_messages_show_their_senders_profiles() {
        on_both(|place| async move {
            let store = place.open().await;
            let listed = store
                .write(|db| {
                    let names = ["alice", "bob", "carol"];
                    make_users(db, names.map(uid))?;
                    for name in names {
                        let profile = UserProfileChange {
                            nick: Some(format!("{name} N.")),
                            avatar: Some(format!("https://example.com/{name}.png")),
                            custom_fields: None,
                            allow_type: None,
                            details: Default::default(),
                        };
                        profiles::set_user(db, &uid(name), &profile)?;
                    }
                    let team = GroupId::parse("team", "groupID")?;
                    groups::upsert(db, &team, &[uid("alice"), uid("bob")], false, None, 1)?;
                    // From the peer; from alice herself; from a member of a group.
                    messaging::send(db, &text("bob", ConversationId::C2c(uid("alice")), 2))?;
                    messaging::send(db, &text("alice", ConversationId::C2c(uid("carol")), 3))?;
                    messaging::send(db, &text("bob", ConversationId::Group(team), 4))?;
                    let query = ListQuery {
                        limit: 10,
                        ..ListQuery::default()
                    };
                    let page = conversations::list(db, &uid("alice"), &query)?;
                    Result::Ok(
                        page.conversations
                            .into_iter()
                            .map(|conversation| {
                                let last = conversation.last_message.expect("a last message");
                                (
                                    conversation.id.to_string(),
                                    last.from.clone(),
                                    last.sender.name.clone(),
                                    last.sender.avatar.clone(),
                                )
                            })
                            .collect::<Vec<_>>(),
                    )
                })
                .await
                .unwrap();
            let shown = |conversation: &str, sender: &str| {
                (
                    conversation.to_owned(),
                    sender.to_owned(),
                    format!("{sender} N."),
                    format!("https://example.com/{sender}.png"),
                )
            };
            assert_eq!(
                listed,
                [
                    shown("GROUPteam", "bob"),
                    shown("C2Ccarol", "alice"),
                    shown("C2Cbob", "bob"),
                ]
            );
            store.close().await;
        });
    }
}
