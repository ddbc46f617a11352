//! Message extensions (Tencent's `setMessageExtensions`, `getMessageExtensions`,
//! `deleteMessageExtensions`): key–value pairs any member who sees a message attaches to it
//! (a poll's votes, a task's state, a sign-up list), at most [`MAX_EXTENSIONS_PER_MESSAGE`]
//! per message. Every member's devices who see the message hear each change. Like reactions,
//! they are not part of a conversation's version or of sync, and they go with the message.

use natter_core::limits::MAX_EXTENSIONS_PER_MESSAGE;
use natter_core::{ConversationId, Uid};

use crate::db::params;
use crate::removal::{locate, viewers, visible_message};
use crate::{Db, Result, StoreError};

/// A change of a message's extensions by a member who sees it.
#[derive(Debug, Clone)]
pub struct ExtensionChange {
    pub by: Uid,
    /// The conversation the message must be in, as the user names it.
    pub conversation: ConversationId,
    pub message_id: i64,
    pub edit: ExtensionEdit,
}

#[derive(Debug, Clone)]
pub enum ExtensionEdit {
    /// Sets each key to its value, adding the keys the message lacks.
    Set(Vec<(String, String)>),
    /// Deletes these keys (those the message lacks are passed over), or every key.
    Delete(Option<Vec<String>>),
}

/// What a change did, and who is to hear of it.
#[derive(Debug, Clone)]
pub struct ExtensionsChanged {
    pub message_id: i64,
    /// The pairs set, or the keys deleted (with empty values).
    pub changed: Vec<(String, String)>,
    /// Every user who may see the message, with the conversation as they name it.
    pub viewers: Vec<(Uid, ConversationId)>,
}

/// Changes a message's extensions. Refused when the user cannot see the message, when it was
/// recalled, or when it would have more than [`MAX_EXTENSIONS_PER_MESSAGE`] keys.
pub fn change(db: &dyn Db, change: &ExtensionChange) -> Result<ExtensionsChanged> {
    // The channel's row first, as every change of its messages takes it: two members'
    // changes of one message are counted one after the other.
    let channel_id = locate(db, change.message_id)?.channel_id;
    crate::locks::lock_channel(db, channel_id)?;
    let located = visible_message(db, &change.by, &change.conversation, change.message_id)?;
    if located.message.revoked_by.is_some() {
        return Err(StoreError::RecalledMessage(change.message_id));
    }
    let id = change.message_id;
    let changed = match &change.edit {
        ExtensionEdit::Set(pairs) => {
            let mut keys: Vec<String> = all(db, id)?.into_iter().map(|(key, _)| key).collect();
            keys.extend(pairs.iter().map(|(key, _)| key.clone()));
            keys.sort();
            keys.dedup();
            if keys.len() > MAX_EXTENSIONS_PER_MESSAGE {
                return Err(StoreError::ExtensionLimit {
                    message_id: id,
                    limit: MAX_EXTENSIONS_PER_MESSAGE,
                });
            }
            for (key, value) in pairs {
                db.execute(
                    "INSERT INTO message_extensions (message_id, key, value) VALUES ($1, $2, $3) \
                     ON CONFLICT (message_id, key) DO UPDATE SET value = excluded.value",
                    params![id, key.as_str(), value.as_str()],
                )?;
            }
            pairs.clone()
        }
        ExtensionEdit::Delete(keys) => {
            let present: Vec<String> = all(db, id)?.into_iter().map(|(key, _)| key).collect();
            let deleted: Vec<String> = match keys {
                None => present,
                Some(keys) => keys
                    .iter()
                    .filter(|key| present.contains(key))
                    .cloned()
                    .collect(),
            };
            for key in &deleted {
                db.execute(
                    "DELETE FROM message_extensions WHERE message_id = $1 AND key = $2",
                    params![id, key.as_str()],
                )?;
            }
            deleted
                .into_iter()
                .map(|key| (key, String::new()))
                .collect()
        }
    };
    Ok(ExtensionsChanged {
        message_id: id,
        changed,
        viewers: viewers(db, channel_id, located.message.seq)?,
    })
}

/// A message's extensions, by key, for a user who sees it.
pub fn list(
    db: &dyn Db,
    uid: &Uid,
    conversation: &ConversationId,
    message_id: i64,
) -> Result<Vec<(String, String)>> {
    visible_message(db, uid, conversation, message_id)?;
    all(db, message_id)
}

fn all(db: &dyn Db, message_id: i64) -> Result<Vec<(String, String)>> {
    db.query_map(
        "SELECT key, value FROM message_extensions WHERE message_id = $1 ORDER BY key",
        params![message_id],
        |row| Ok((row.text(0)?.to_owned(), row.text(1)?.to_owned())),
    )
}
