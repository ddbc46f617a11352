//! Conversation folders ("conversation groups" in the client SDK): named sets of a user's
//! conversations. A folder's change versions the conversations it touches, so other devices
//! see the new folder lists through sync.

use natter_core::limits::MAX_FOLDERS;
use natter_core::{ConversationId, Uid};

use crate::db::params;
use crate::rows::{self, Loaded};
use crate::views;
use crate::{ConversationView, Db, Folder, FolderChange, Result, StoreError};

/// The user's folders, oldest first, each with its conversations.
pub fn list(db: &dyn Db, uid: &Uid) -> Result<Vec<Folder>> {
    let rows = db.query(
        "SELECT f.name, c.conversation_id FROM folders f \
         LEFT JOIN folder_members m ON m.uid = f.uid AND m.name = f.name \
         LEFT JOIN conversations c ON c.uid = m.uid AND c.channel_id = m.channel_id \
         WHERE f.uid = $1 ORDER BY f.created_ms, f.name, c.conversation_id",
        params![uid.as_str()],
    )?;
    let mut folders: Vec<Folder> = Vec::new();
    for row in rows {
        let name: String = row.get(0)?;
        let conversation: Option<String> = row.get(1)?;
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

/// Changes the user's folders; returns the conversations whose folder list changed.
pub fn change(
    db: &dyn Db,
    uid: &Uid,
    change: &FolderChange,
    now_ms: i64,
) -> Result<Vec<ConversationView>> {
    crate::locks::lock_user(db, uid)?;
    match change {
        FolderChange::Create {
            name,
            conversations,
        } => {
            if exists(db, uid, name)? {
                return Err(StoreError::FolderExists {
                    uid: uid.clone(),
                    name: name.clone(),
                });
            }
            let held = db.query_one(
                "SELECT COUNT(*), MAX(created_ms) FROM folders WHERE uid = $1",
                params![uid.as_str()],
            )?;
            let (count, newest): (usize, Option<i64>) = (held.get(0)?, held.get(1)?);
            if count >= MAX_FOLDERS {
                return Err(StoreError::FolderLimit {
                    uid: uid.clone(),
                    limit: MAX_FOLDERS,
                });
            }
            // Folders are listed oldest first by this time, so each is made later than the
            // last: two made within one millisecond would otherwise tie, and list by name.
            let created_ms = newest.map_or(now_ms, |newest| now_ms.max(newest + 1));
            db.execute(
                "INSERT INTO folders (uid, name, created_ms) VALUES ($1, $2, $3)",
                params![uid.as_str(), name, created_ms],
            )?;
            set_membership(db, uid, name, conversations, true)
        }
        FolderChange::Rename { from, to } => {
            if !exists(db, uid, from)? {
                return Err(StoreError::UnknownRenameSource {
                    uid: uid.clone(),
                    name: from.clone(),
                });
            }
            if exists(db, uid, to)? {
                return Err(StoreError::RenameTargetExists {
                    uid: uid.clone(),
                    name: to.clone(),
                });
            }
            let members = members(db, uid, from)?;
            db.execute(
                "UPDATE folders SET name = $3 WHERE uid = $1 AND name = $2",
                params![uid.as_str(), from, to],
            )?;
            resave(db, uid, members)
        }
        FolderChange::Delete { name } => {
            require(db, uid, name)?;
            let members = members(db, uid, name)?;
            db.execute(
                "DELETE FROM folders WHERE uid = $1 AND name = $2",
                params![uid.as_str(), name],
            )?;
            resave(db, uid, members)
        }
        FolderChange::Add {
            name,
            conversations,
        } => {
            require(db, uid, name)?;
            set_membership(db, uid, name, conversations, true)
        }
        FolderChange::Remove {
            name,
            conversations,
        } => {
            require(db, uid, name)?;
            set_membership(db, uid, name, conversations, false)
        }
    }
}

fn exists(db: &dyn Db, uid: &Uid, name: &str) -> Result<bool> {
    db.exists(
        "SELECT 1 FROM folders WHERE uid = $1 AND name = $2",
        params![uid.as_str(), name],
    )
}

fn require(db: &dyn Db, uid: &Uid, name: &str) -> Result<()> {
    if exists(db, uid, name)? {
        Ok(())
    } else {
        Err(StoreError::UnknownFolder {
            uid: uid.clone(),
            name: name.to_owned(),
        })
    }
}

/// The conversations in a folder, loaded.
fn members(db: &dyn Db, uid: &Uid, name: &str) -> Result<Vec<Loaded>> {
    let ids = db.query(
        "SELECT c.conversation_id FROM folder_members m JOIN conversations c \
         ON c.uid = m.uid AND c.channel_id = m.channel_id WHERE m.uid = $1 AND m.name = $2",
        params![uid.as_str(), name],
    )?;
    let mut loaded = Vec::with_capacity(ids.len());
    for row in ids {
        let id: String = row.get(0)?;
        if let Some(found) = rows::load(db, uid, &ConversationId::parse(&id)?)? {
            loaded.push(found);
        }
    }
    Ok(loaded)
}

/// Adds conversations to (or removes them from) a folder. Each must be in the user's list.
fn set_membership(
    db: &dyn Db,
    uid: &Uid,
    name: &str,
    conversations: &[ConversationId],
    member: bool,
) -> Result<Vec<ConversationView>> {
    let mut touched = Vec::with_capacity(conversations.len());
    for conversation in conversations {
        let loaded = rows::load(db, uid, conversation)?
            .filter(|loaded| loaded.view.state.listed)
            .ok_or_else(|| StoreError::NotListed {
                uid: uid.clone(),
                conversation: conversation.clone(),
            })?;
        let sql = if member {
            "INSERT INTO folder_members (uid, name, channel_id) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM folder_members WHERE uid = $1 AND name = $2 AND channel_id = $3"
        };
        let affected = db.execute(sql, params![uid.as_str(), name, loaded.channel.id])?;
        if affected > 0 {
            touched.push(loaded);
        }
    }
    resave(db, uid, touched)
}

/// Gives each touched conversation a new version (its folder list changed) and completes it.
fn resave(db: &dyn Db, uid: &Uid, touched: Vec<Loaded>) -> Result<Vec<ConversationView>> {
    let mut saved = Vec::with_capacity(touched.len());
    for mut loaded in touched {
        // Folders do not change what the conversation counts in the total.
        let unchanged = loaded.counted();
        rows::save_loaded(db, uid, &mut loaded, unchanged)?;
        saved.push(loaded);
    }
    views::complete_views(db, uid, saved)
}

#[cfg(test)]
mod tests {
    use natter_core::{ConversationId, Uid};

    use crate::test_stores::{make_users, on_both};
    use crate::{FolderChange, folders};

    #[test]
    fn folders_made_in_one_millisecond_list_in_the_order_they_were_made() {
        on_both(|place| async move {
            let store = place.open().await;
            let names = store
                .write(|db| {
                    let owner = Uid::parse("alice", "uid")?;
                    make_users(db, [owner.clone()])?;
                    for name in ["work", "family", "archive"] {
                        let create = FolderChange::Create {
                            name: name.to_owned(),
                            conversations: Vec::<ConversationId>::new(),
                        };
                        folders::change(db, &owner, &create, 7)?;
                    }
                    let listed = folders::list(db, &owner)?;
                    Ok(listed
                        .into_iter()
                        .map(|folder| folder.name)
                        .collect::<Vec<_>>())
                })
                .await
                .unwrap();
            assert_eq!(names, ["work", "family", "archive"]);
            store.close().await;
        });
    }
}
