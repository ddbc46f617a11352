//! A group's attributes (Tencent's `initGroupAttributes`, `setGroupAttributes`,
//! `deleteGroupAttributes`, `getGroupAttributes`): up to [`MAX_GROUP_ATTRIBUTES`] named
//! strings a group keeps for its app (a room's topic, a seat map, a game's state), which any
//! member sets and every member reads and hears of. A change takes the group's row first, so
//! changes of one group apply one after the other and the last one's value stays.

use std::collections::BTreeMap;

use natter_core::group_rules::GroupAction;
use natter_core::limits::{MAX_GROUP_ATTRIBUTES, MAX_GROUP_ATTRIBUTES_BYTES};
use natter_core::{GroupId, Uid};

use crate::db::params;
use crate::group_counters::{next_revision, read_named};
use crate::groups::authorised;
use crate::profiles::current_member_of;
use crate::{Db, Result, StoreError};

/// What a member does to the group's attributes.
#[derive(Debug, Clone)]
pub enum AttributeEdit {
    /// These become all of the group's attributes (Tencent's `initGroupAttributes`).
    Replace(BTreeMap<String, String>),
    /// Sets each of these, adding those the group lacks (`setGroupAttributes`).
    Merge(BTreeMap<String, String>),
    /// Deletes these keys, or every key (`deleteGroupAttributes`).
    Delete(Option<Vec<String>>),
}

/// The attributes after a change, what it changed, its place among the group's changes
/// ([`next_revision`]), and the group's current members, who are to hear of it.
#[derive(Debug, Clone)]
pub struct AttributesChanged {
    pub attributes: BTreeMap<String, String>,
    /// Keys set to a new value (or added).
    pub updated: Vec<String>,
    /// Keys that went.
    pub deleted: Vec<String>,
    /// Taken only when the change changed something: a change to nothing is pushed to no one.
    pub revision: Option<i64>,
    pub members: Vec<Uid>,
}

/// Changes the group's attributes, as a member. Refused when the group would have more than
/// [`MAX_GROUP_ATTRIBUTES`] keys, or more than [`MAX_GROUP_ATTRIBUTES_BYTES`] of keys and values.
pub fn change(
    db: &dyn Db,
    group: &GroupId,
    by: &Uid,
    edit: &AttributeEdit,
) -> Result<AttributesChanged> {
    // Finding the group inside a write locks its row (`crate::locks`).
    let (channel, _, _) = authorised(db, group, by, GroupAction::ChangeAttributes)?;
    let before = read_named(db, TABLE, channel.id, None)?;
    let after = match edit {
        AttributeEdit::Replace(values) => values.clone(),
        AttributeEdit::Merge(values) => {
            let mut after = before.clone();
            after.extend(values.clone());
            after
        }
        AttributeEdit::Delete(None) => BTreeMap::new(),
        AttributeEdit::Delete(Some(keys)) => {
            let mut after = before.clone();
            after.retain(|key, _| !keys.contains(key));
            after
        }
    };
    let bytes: usize = after
        .iter()
        .map(|(key, value)| key.len() + value.len())
        .sum();
    if after.len() > MAX_GROUP_ATTRIBUTES || bytes > MAX_GROUP_ATTRIBUTES_BYTES {
        return Err(StoreError::AttributeLimit {
            group: group.clone(),
        });
    }
    let updated: Vec<String> = after
        .iter()
        .filter(|(key, value)| before.get(*key) != Some(*value))
        .map(|(key, _)| key.clone())
        .collect();
    let deleted: Vec<String> = before
        .keys()
        .filter(|key| !after.contains_key(*key))
        .cloned()
        .collect();
    for key in &deleted {
        db.execute(
            "DELETE FROM group_attributes WHERE channel_id = $1 AND key = $2",
            params![channel.id, key.as_str()],
        )?;
    }
    for key in &updated {
        db.execute(
            "INSERT INTO group_attributes (channel_id, key, value) VALUES ($1, $2, $3) \
             ON CONFLICT (channel_id, key) DO UPDATE SET value = excluded.value",
            params![channel.id, key.as_str(), after[key].as_str()],
        )?;
    }
    let revision = if updated.is_empty() && deleted.is_empty() {
        None
    } else {
        Some(next_revision(db, channel.id)?)
    };
    let members = crate::messaging::current_members(db, channel.id)?;
    Ok(AttributesChanged {
        attributes: after,
        updated,
        deleted,
        revision,
        members,
    })
}

/// The group's attributes among `keys` (every one without), for a current member.
pub fn get(
    db: &dyn Db,
    uid: &Uid,
    group: &GroupId,
    keys: Option<&[String]>,
) -> Result<BTreeMap<String, String>> {
    read_named(db, TABLE, current_member_of(db, uid, group)?, keys)
}

/// Where a group's attributes are kept.
const TABLE: &str = "group_attributes";
