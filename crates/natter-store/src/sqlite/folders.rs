//! Conversation folders ("conversation groups" in the client SDK): named sets of a user's
//! conversations. A folder's change versions the conversations it touches, so other devices
//! see the new folder lists through sync.

use natter_core::limits::MAX_FOLDERS;
use natter_core::{ConversationId, Error, Result, Uid};
use rusqlite::Connection;

use super::pool::db_error;
use super::rows::{self, Loaded};
use crate::{ConversationView, Folder, FolderChange};

pub(crate) fn list(conn: &Connection, uid: &Uid) -> Result<Vec<Folder>> {
    let rows: Vec<(String, Option<String>)> = conn
        .prepare_cached(
            "SELECT f.name, c.conversation_id FROM folders f \
             LEFT JOIN folder_members m ON m.uid = f.uid AND m.name = f.name \
             LEFT JOIN conversations c ON c.uid = m.uid AND c.channel_id = m.channel_id \
             WHERE f.uid = ?1 ORDER BY f.created_ms, f.name, c.conversation_id",
        )
        .and_then(|mut statement| {
            statement
                .query_map([uid.as_str()], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect()
        })
        .map_err(db_error)?;
    let mut folders: Vec<Folder> = Vec::new();
    for (name, conversation) in rows {
        if folders.last().is_none_or(|folder| folder.name != name) {
            folders.push(Folder {
                name,
                conversations: Vec::new(),
            });
        }
        if let Some(conversation) = conversation {
            let folder = folders.last_mut().expect("just pushed");
            folder
                .conversations
                .push(ConversationId::parse(&conversation)?);
        }
    }
    Ok(folders)
}

pub(crate) fn change(
    conn: &Connection,
    uid: &Uid,
    change: &FolderChange,
    now_ms: i64,
) -> Result<Vec<ConversationView>> {
    match change {
        FolderChange::Create {
            name,
            conversations,
        } => {
            if exists(conn, uid, name)? {
                return Err(Error::conflict(format!(
                    "groupName: folder {name:?} already exists"
                )));
            }
            let count: usize = conn
                .prepare_cached("SELECT COUNT(*) FROM folders WHERE uid = ?1")
                .and_then(|mut statement| statement.query_row([uid.as_str()], |row| row.get(0)))
                .map_err(db_error)?;
            if count >= MAX_FOLDERS {
                return Err(Error::conflict(format!(
                    "groupName: {uid} already has {MAX_FOLDERS} folders, the most allowed"
                )));
            }
            conn.prepare_cached("INSERT INTO folders (uid, name, created_ms) VALUES (?1, ?2, ?3)")
                .and_then(|mut statement| statement.execute((uid.as_str(), name, now_ms)))
                .map_err(db_error)?;
            set_membership(conn, uid, name, conversations, true)
        }
        FolderChange::Rename { from, to } => {
            require(conn, uid, from)?;
            if exists(conn, uid, to)? {
                return Err(Error::conflict(format!(
                    "newName: folder {to:?} already exists"
                )));
            }
            let members = members(conn, uid, from)?;
            conn.prepare_cached("UPDATE folders SET name = ?3 WHERE uid = ?1 AND name = ?2")
                .and_then(|mut statement| statement.execute((uid.as_str(), from, to)))
                .map_err(db_error)?;
            resave(conn, uid, members)
        }
        FolderChange::Delete { name } => {
            require(conn, uid, name)?;
            let members = members(conn, uid, name)?;
            conn.prepare_cached("DELETE FROM folders WHERE uid = ?1 AND name = ?2")
                .and_then(|mut statement| statement.execute((uid.as_str(), name)))
                .map_err(db_error)?;
            resave(conn, uid, members)
        }
        FolderChange::Add {
            name,
            conversations,
        } => {
            require(conn, uid, name)?;
            set_membership(conn, uid, name, conversations, true)
        }
        FolderChange::Remove {
            name,
            conversations,
        } => {
            require(conn, uid, name)?;
            set_membership(conn, uid, name, conversations, false)
        }
    }
}

fn exists(conn: &Connection, uid: &Uid, name: &str) -> Result<bool> {
    conn.prepare_cached("SELECT 1 FROM folders WHERE uid = ?1 AND name = ?2")
        .and_then(|mut statement| statement.exists((uid.as_str(), name)))
        .map_err(db_error)
}

fn require(conn: &Connection, uid: &Uid, name: &str) -> Result<()> {
    if exists(conn, uid, name)? {
        Ok(())
    } else {
        Err(Error::not_found(format!(
            "groupName: {uid} has no folder {name:?}"
        )))
    }
}

/// The conversations in a folder, loaded.
fn members(conn: &Connection, uid: &Uid, name: &str) -> Result<Vec<Loaded>> {
    let ids: Vec<String> = conn
        .prepare_cached(
            "SELECT c.conversation_id FROM folder_members m JOIN conversations c \
             ON c.uid = m.uid AND c.channel_id = m.channel_id WHERE m.uid = ?1 AND m.name = ?2",
        )
        .and_then(|mut statement| {
            statement
                .query_map((uid.as_str(), name), |row| row.get(0))?
                .collect()
        })
        .map_err(db_error)?;
    let mut loaded = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(found) = rows::load(conn, uid, &ConversationId::parse(&id)?)? {
            loaded.push(found);
        }
    }
    Ok(loaded)
}

/// Adds conversations to (or removes them from) a folder. Each must be in the user's list.
fn set_membership(
    conn: &Connection,
    uid: &Uid,
    name: &str,
    conversations: &[ConversationId],
    member: bool,
) -> Result<Vec<ConversationView>> {
    let mut touched = Vec::with_capacity(conversations.len());
    for conversation in conversations {
        let loaded = rows::load(conn, uid, conversation)?
            .filter(|loaded| loaded.view.state.listed)
            .ok_or_else(|| {
                Error::not_found(format!(
                    "conversationIDList: {:?} is not in {uid}'s list",
                    conversation.to_string()
                ))
            })?;
        let sql = if member {
            "INSERT OR IGNORE INTO folder_members (uid, name, channel_id) VALUES (?1, ?2, ?3)"
        } else {
            "DELETE FROM folder_members WHERE uid = ?1 AND name = ?2 AND channel_id = ?3"
        };
        let affected = conn
            .prepare_cached(sql)
            .and_then(|mut statement| statement.execute((uid.as_str(), name, loaded.channel.id)))
            .map_err(db_error)?;
        if affected > 0 {
            touched.push(loaded);
        }
    }
    resave(conn, uid, touched)
}

/// Gives each touched conversation a new version (its folder list changed) and completes it.
fn resave(conn: &Connection, uid: &Uid, touched: Vec<Loaded>) -> Result<Vec<ConversationView>> {
    touched
        .into_iter()
        .map(|mut loaded| {
            loaded.view.version = rows::save(conn, uid, loaded.channel.id, &loaded.view.state)?;
            rows::complete_view(conn, uid, loaded)
        })
        .collect()
}
