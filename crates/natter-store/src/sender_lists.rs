//! WuKongIM's channel blacklists and whitelists: who may not, or who alone may, send to a
//! group or to a user.
//!
//! A blacklisted sender is refused, and a group with a whitelist takes messages only from the
//! uids on it, except in what the app sends on a sender's behalf
//! ([`crate::NewMessage::by_app`]), as WuKongIM's API sends from its system device, and in
//! sends from or to a system account ([`crate::system_accounts`]). A user's whitelist is kept
//! but not enforced, as WuKongIM does by default (`whitelistOffOfPerson`), so a backend that
//! sets one sees no change in delivery.

use natter_core::{ConversationId, SenderList, Uid};

use crate::db::params;
use crate::rows;
use crate::{Db, ListOwner, ListedSender, Result, Row, StoreError, UserRole};

/// Adds uids to a list (those already on it stay as they were).
pub fn add(
    db: &dyn Db,
    list: SenderList,
    owner: &ListOwner,
    uids: &[Uid],
    now_ms: i64,
) -> Result<()> {
    require_owner(db, owner)?;
    for uid in uids {
        db.execute(
            "INSERT INTO channel_lists (list, kind, channel, uid, created_ms) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            params![
                list as i64,
                owner.kind().code(),
                owner.channel(),
                uid.as_str(),
                now_ms
            ],
        )?;
    }
    Ok(())
}

/// Makes the list exactly `uids`.
pub fn set(
    db: &dyn Db,
    list: SenderList,
    owner: &ListOwner,
    uids: &[Uid],
    now_ms: i64,
) -> Result<()> {
    require_owner(db, owner)?;
    let kept: Vec<&str> = uids.iter().map(Uid::as_str).collect();
    for entry in entries(db, list, owner)? {
        if !kept.contains(&entry.uid.as_str()) {
            remove_one(db, list, owner, &entry.uid)?;
        }
    }
    add(db, list, owner, uids, now_ms)
}

/// Takes uids off a list; uids not on it are ignored.
pub fn remove(db: &dyn Db, list: SenderList, owner: &ListOwner, uids: &[Uid]) -> Result<()> {
    require_owner(db, owner)?;
    for uid in uids {
        remove_one(db, list, owner, uid)?;
    }
    Ok(())
}

/// Empties a list.
pub fn remove_all(db: &dyn Db, list: SenderList, owner: &ListOwner) -> Result<()> {
    require_owner(db, owner)?;
    db.execute(
        "DELETE FROM channel_lists WHERE list = $1 AND kind = $2 AND channel = $3",
        params![list as i64, owner.kind().code(), owner.channel()],
    )?;
    Ok(())
}

/// The uids on a list, in the order they were added.
pub fn entries(db: &dyn Db, list: SenderList, owner: &ListOwner) -> Result<Vec<ListedSender>> {
    require_owner(db, owner)?;
    db.query(
        "SELECT uid, created_ms FROM channel_lists WHERE list = $1 AND kind = $2 AND channel = $3 \
         ORDER BY created_ms, uid",
        params![list as i64, owner.kind().code(), owner.channel()],
    )?
    .iter()
    .map(|row| {
        Ok(ListedSender {
            uid: Uid::parse(&row.get::<String>(0)?, "uid")?,
            created_ms: row.get(1)?,
        })
    })
    .collect()
}

/// The owner of the lists that a message into `to` must pass: the recipient of a personal
/// message, or the group; none for the system conversation.
pub(crate) fn owner_of(to: &ConversationId) -> Option<ListOwner> {
    match to {
        ConversationId::C2c(peer) => Some(ListOwner::User(peer.clone())),
        ConversationId::Group(group) => Some(ListOwner::Group(group.clone())),
        ConversationId::System => None,
    }
}

/// Three columns for a `SELECT` that probe the lists of the owner named by `$1` (its kind's
/// code) and `$2` (its channel) for the sender `$3`: blacklisted, has a whitelist,
/// whitelisted. Three primary-key probes, all false for the many channels without lists; a
/// send reads them with the sender's profile, in one round trip.
pub(crate) const PROBES: &str = "\
    EXISTS (SELECT 1 FROM channel_lists WHERE list = 1 AND kind = $1 AND channel = $2 \
            AND uid = $3), \
    EXISTS (SELECT 1 FROM channel_lists WHERE list = 2 AND kind = $1 AND channel = $2), \
    EXISTS (SELECT 1 FROM channel_lists WHERE list = 2 AND kind = $1 AND channel = $2 \
            AND uid = $3)";

/// Refuses a sender that the recipient's or the group's lists keep out, from [`PROBES`] as read
/// into `row` from column `first` on.
pub(crate) fn judge(
    sender: &Uid,
    to: &ConversationId,
    owner: &ListOwner,
    row: &Row,
    first: usize,
) -> Result<()> {
    let (blacklisted, has_whitelist, whitelisted): (bool, bool, bool) =
        (row.get(first)?, row.get(first + 1)?, row.get(first + 2)?);
    if blacklisted {
        return Err(StoreError::InBlacklist {
            uid: sender.clone(),
            conversation: to.clone(),
        });
    }
    let whitelist_enforced = matches!(owner, ListOwner::Group(_));
    if whitelist_enforced && has_whitelist && !whitelisted {
        return Err(StoreError::NotInWhitelist {
            uid: sender.clone(),
            conversation: to.clone(),
        });
    }
    Ok(())
}

fn remove_one(db: &dyn Db, list: SenderList, owner: &ListOwner, uid: &Uid) -> Result<()> {
    db.execute(
        "DELETE FROM channel_lists WHERE list = $1 AND kind = $2 AND channel = $3 AND uid = $4",
        params![
            list as i64,
            owner.kind().code(),
            owner.channel(),
            uid.as_str()
        ],
    )?;
    Ok(())
}

/// A list belongs to a user who had a token, or to a group that was created.
fn require_owner(db: &dyn Db, owner: &ListOwner) -> Result<()> {
    match owner {
        ListOwner::User(uid) => rows::require_user(db, uid, UserRole::ListOwner),
        ListOwner::Group(group) => {
            let conversation = ConversationId::Group(group.clone());
            match rows::find_channel(db, conversation.kind(), group.as_str())? {
                Some(_) => Ok(()),
                None => Err(StoreError::UnknownGroup(group.clone())),
            }
        }
    }
}
