//! A group's counters (Tencent's `setGroupCounters`, `increaseGroupCounter`,
//! `decreaseGroupCounter`, `getGroupCounters`): up to [`MAX_COUNTERS_PER_GROUP`] named 64-bit
//! integers a group keeps for its app (likes, views, a score), which any member sets or moves
//! and every member reads and hears of. A change takes the group's row first, so two members
//! raising one counter at once both count.

use std::collections::BTreeMap;

use natter_core::group_rules::GroupAction;
use natter_core::limits::MAX_COUNTERS_PER_GROUP;
use natter_core::{GroupId, Uid};

use crate::db::params;
use crate::groups::authorised;
use crate::profiles::current_member_of;
use crate::{Db, FromCell, Result, StoreError};

/// What a member does to the group's counters.
#[derive(Debug, Clone)]
pub enum CounterChange {
    /// Sets each of these counters, adding those the group does not have yet.
    Set(BTreeMap<String, i64>),
    /// Adds `by` (which may be negative) to one counter, from 0 if the group does not have it.
    Add { key: String, by: i64 },
}

/// The counters a change set, with their values now, the change's place among the group's
/// changes ([`next_revision`]), and the group's current members, who are to hear of them.
#[derive(Debug, Clone)]
pub struct CountersChanged {
    pub counters: BTreeMap<String, i64>,
    pub revision: i64,
    pub members: Vec<Uid>,
}

/// Changes the group's counters, as a member. Refused when the group would have more than
/// [`MAX_COUNTERS_PER_GROUP`], or a counter would leave the 64 bits.
pub fn change(
    db: &dyn Db,
    group: &GroupId,
    by: &Uid,
    change: &CounterChange,
) -> Result<CountersChanged> {
    // Finding the group inside a write locks its row (`crate::locks`).
    let (channel, _, _) = authorised(db, group, by, GroupAction::ChangeCounters)?;
    let mut counters: BTreeMap<String, i64> = read_named(db, TABLE, channel.id, None)?;
    let changed: BTreeMap<String, i64> = match change {
        CounterChange::Set(values) => values.clone(),
        CounterChange::Add { key, by } => {
            let now = counters.get(key).copied().unwrap_or(0);
            let value = now
                .checked_add(*by)
                .ok_or_else(|| StoreError::CounterOverflow {
                    group: group.clone(),
                    key: key.clone(),
                })?;
            BTreeMap::from([(key.clone(), value)])
        }
    };
    counters.extend(changed.clone());
    if counters.len() > MAX_COUNTERS_PER_GROUP {
        return Err(StoreError::CounterLimit {
            group: group.clone(),
            limit: MAX_COUNTERS_PER_GROUP,
        });
    }
    for (key, value) in &changed {
        db.execute(
            "INSERT INTO group_counters (channel_id, key, value) VALUES ($1, $2, $3) \
             ON CONFLICT (channel_id, key) DO UPDATE SET value = excluded.value",
            params![channel.id, key.as_str(), *value],
        )?;
    }
    let members = crate::messaging::current_members(db, channel.id)?;
    Ok(CountersChanged {
        counters: changed,
        revision: next_revision(db, channel.id)?,
        members,
    })
}

/// The group's counters among `keys` (every one without), for a current member. A key the
/// group does not have is left out.
pub fn get(
    db: &dyn Db,
    uid: &Uid,
    group: &GroupId,
    keys: Option<&[String]>,
) -> Result<BTreeMap<String, i64>> {
    read_named(db, TABLE, current_member_of(db, uid, group)?, keys)
}

/// Where a group's counters are kept.
const TABLE: &str = "group_counters";

/// The place of a change to the group's attributes or counters among all of them: one above
/// the last change's. The group's row is locked already, so changes of one group get theirs in
/// the order they commit, and a group's row is never deleted (a dismissed group's ID used again
/// finds it), so a group's revisions only grow.
pub(crate) fn next_revision(db: &dyn Db, channel_id: i64) -> Result<i64> {
    db.query_one(
        "UPDATE channels SET shared_data_revision = shared_data_revision + 1 WHERE id = $1 \
         RETURNING shared_data_revision",
        params![channel_id],
    )?
    .get(0)
}

/// A group's named values of one kind (its `group_counters` or `group_attributes`), among
/// `keys` (every one without).
pub(crate) fn read_named<T: FromCell>(
    db: &dyn Db,
    table: &str,
    channel_id: i64,
    keys: Option<&[String]>,
) -> Result<BTreeMap<String, T>> {
    let mut values: BTreeMap<String, T> = db
        .query_map(
            &format!("SELECT key, value FROM {table} WHERE channel_id = $1"),
            params![channel_id],
            |row| Ok((row.text(0)?.to_owned(), row.get::<T>(1)?)),
        )?
        .into_iter()
        .collect();
    if let Some(keys) = keys {
        values.retain(|key, _| keys.contains(key));
    }
    Ok(values)
}
