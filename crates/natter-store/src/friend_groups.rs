//! Friend groups (Tencent's `createFriendGroup`, `addToFriendGroup`, …): named sets of a user's
//! friends, in the order made. Only users in the user's friend list go in one, and a friend
//! taken out of the list leaves every group with it (`crate::friends`). A group may be empty.

use natter_core::Uid;
use natter_core::limits::MAX_FRIEND_GROUPS;

use crate::db::params;
use crate::{Db, Result, StoreError, locks};

/// A friend group, its friends by user ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FriendGroup {
    pub name: String,
    pub friends: Vec<Uid>,
}

/// What a change of a group's friends did: the group as it now is, and the users it passed over
/// (not the user's friends, for an addition; not in the group, for a removal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub group: FriendGroup,
    pub passed_over: Vec<Uid>,
}

/// The user's friend groups, oldest first, each with its friends by user ID.
pub fn list(db: &dyn Db, uid: &Uid) -> Result<Vec<FriendGroup>> {
    let rows = db.query(
        "SELECT g.name, m.friend_uid FROM friend_groups g \
         LEFT JOIN friend_group_members m ON m.uid = g.uid AND m.name = g.name \
         WHERE g.uid = $1 ORDER BY g.created_ms, g.name, m.friend_uid",
        params![uid.as_str()],
    )?;
    let mut groups: Vec<FriendGroup> = Vec::new();
    for row in rows {
        let name: String = row.get(0)?;
        let friend: Option<String> = row.get(1)?;
        if groups.last().is_none_or(|group| group.name != name) {
            groups.push(FriendGroup {
                name,
                friends: Vec::new(),
            });
        }
        if let Some(friend) = friend {
            let group = groups.last_mut().expect("just pushed");
            group.friends.push(Uid::parse(&friend, "userID")?);
        }
    }
    Ok(groups)
}

/// The groups each of the user's friends is in, by name: `(friend, name)` pairs in name order.
pub(crate) fn memberships(db: &dyn Db, uid: &Uid) -> Result<Vec<(Uid, String)>> {
    db.query(
        "SELECT m.friend_uid, m.name FROM friend_group_members m \
         JOIN friend_groups g ON g.uid = m.uid AND g.name = m.name \
         WHERE m.uid = $1 ORDER BY g.created_ms, m.name",
        params![uid.as_str()],
    )?
    .iter()
    .map(|row| Ok((Uid::parse(&row.get::<String>(0)?, "userID")?, row.get(1)?)))
    .collect()
}

/// Makes a group named `name` with those of `friends` who are the user's friends.
pub fn create(db: &dyn Db, uid: &Uid, name: &str, friends: &[Uid], now_ms: i64) -> Result<Changed> {
    locks::lock_user(db, uid)?;
    if exists(db, uid, name)? {
        return Err(StoreError::FriendGroupExists {
            uid: uid.clone(),
            name: name.to_owned(),
        });
    }
    make(db, uid, name, now_ms)?;
    add(db, uid, name, friends)
}

/// Puts those of `friends` who are the user's friends in the group (those in it already stay).
pub fn add(db: &dyn Db, uid: &Uid, name: &str, friends: &[Uid]) -> Result<Changed> {
    locks::lock_user(db, uid)?;
    require(db, uid, name)?;
    let mut passed_over = Vec::new();
    for friend in friends {
        let inserted = db.execute(
            "INSERT INTO friend_group_members (uid, name, friend_uid) \
             SELECT $1, $2, $3 WHERE EXISTS ( \
                 SELECT 1 FROM friends WHERE uid = $1 AND friend_uid = $3) \
             ON CONFLICT DO NOTHING",
            params![uid.as_str(), name, friend.as_str()],
        )?;
        if inserted == 0 && !is_in(db, uid, name, friend)? {
            passed_over.push(friend.clone());
        }
    }
    changed(db, uid, name, passed_over)
}

/// Takes `friends` out of the group; those not in it are passed over.
pub fn remove(db: &dyn Db, uid: &Uid, name: &str, friends: &[Uid]) -> Result<Changed> {
    locks::lock_user(db, uid)?;
    require(db, uid, name)?;
    let mut passed_over = Vec::new();
    for friend in friends {
        let removed = db.execute(
            "DELETE FROM friend_group_members WHERE uid = $1 AND name = $2 AND friend_uid = $3",
            params![uid.as_str(), name, friend.as_str()],
        )?;
        if removed == 0 {
            passed_over.push(friend.clone());
        }
    }
    changed(db, uid, name, passed_over)
}

/// Deletes the group (its friends stay friends); the group as it was.
pub fn delete(db: &dyn Db, uid: &Uid, name: &str) -> Result<FriendGroup> {
    locks::lock_user(db, uid)?;
    let group = read(db, uid, name)?;
    for table in ["friend_group_members", "friend_groups"] {
        db.execute(
            &format!("DELETE FROM {table} WHERE uid = $1 AND name = $2"),
            params![uid.as_str(), name],
        )?;
    }
    Ok(group)
}

/// Renames a group; the group under its new name.
pub fn rename(db: &dyn Db, uid: &Uid, old_name: &str, new_name: &str) -> Result<FriendGroup> {
    locks::lock_user(db, uid)?;
    require(db, uid, old_name)?;
    if exists(db, uid, new_name)? {
        return Err(StoreError::FriendGroupExists {
            uid: uid.clone(),
            name: new_name.to_owned(),
        });
    }
    for table in ["friend_groups", "friend_group_members"] {
        db.execute(
            &format!("UPDATE {table} SET name = $3 WHERE uid = $1 AND name = $2"),
            params![uid.as_str(), old_name, new_name],
        )?;
    }
    read(db, uid, new_name)
}

/// Refuses a group name that an add would have to make when the user has no room for another.
pub(crate) fn check_room(db: &dyn Db, uid: &Uid, name: &str) -> Result<()> {
    if !exists(db, uid, name)? && count(db, uid)? >= MAX_FRIEND_GROUPS {
        return Err(StoreError::FriendGroupLimit {
            uid: uid.clone(),
            limit: MAX_FRIEND_GROUPS,
        });
    }
    Ok(())
}

/// Puts a new friend in the group named when they were added, making the group if need be; a
/// user with no room for another group by now (the add was a request, answered later) keeps
/// the friend ungrouped.
pub(crate) fn place(db: &dyn Db, uid: &Uid, name: &str, friend: &Uid, now_ms: i64) -> Result<()> {
    if name.is_empty() || check_room(db, uid, name).is_err() {
        return Ok(());
    }
    if !exists(db, uid, name)? {
        make(db, uid, name, now_ms)?;
    }
    add(db, uid, name, std::slice::from_ref(friend)).map(drop)
}

/// Takes a friend who left the user's list out of every group of the user's.
pub(crate) fn forget(db: &dyn Db, uid: &Uid, friend: &Uid) -> Result<()> {
    db.execute(
        "DELETE FROM friend_group_members WHERE uid = $1 AND friend_uid = $2",
        params![uid.as_str(), friend.as_str()],
    )?;
    Ok(())
}

/// Makes an empty group, listed after the user's others: each is made later than the last, as
/// two made within one millisecond would otherwise tie and list by name.
fn make(db: &dyn Db, uid: &Uid, name: &str, now_ms: i64) -> Result<()> {
    if count(db, uid)? >= MAX_FRIEND_GROUPS {
        return Err(StoreError::FriendGroupLimit {
            uid: uid.clone(),
            limit: MAX_FRIEND_GROUPS,
        });
    }
    let newest: Option<i64> = db
        .query_one(
            "SELECT MAX(created_ms) FROM friend_groups WHERE uid = $1",
            params![uid.as_str()],
        )?
        .get(0)?;
    let created_ms = newest.map_or(now_ms, |newest| now_ms.max(newest + 1));
    db.execute(
        "INSERT INTO friend_groups (uid, name, created_ms) VALUES ($1, $2, $3)",
        params![uid.as_str(), name, created_ms],
    )?;
    Ok(())
}

fn count(db: &dyn Db, uid: &Uid) -> Result<usize> {
    db.query_one(
        "SELECT COUNT(*) FROM friend_groups WHERE uid = $1",
        params![uid.as_str()],
    )?
    .get(0)
}

fn exists(db: &dyn Db, uid: &Uid, name: &str) -> Result<bool> {
    db.query_one(
        "SELECT EXISTS (SELECT 1 FROM friend_groups WHERE uid = $1 AND name = $2)",
        params![uid.as_str(), name],
    )?
    .get(0)
}

fn is_in(db: &dyn Db, uid: &Uid, name: &str, friend: &Uid) -> Result<bool> {
    db.query_one(
        "SELECT EXISTS (SELECT 1 FROM friend_group_members \
         WHERE uid = $1 AND name = $2 AND friend_uid = $3)",
        params![uid.as_str(), name, friend.as_str()],
    )?
    .get(0)
}

fn require(db: &dyn Db, uid: &Uid, name: &str) -> Result<()> {
    if exists(db, uid, name)? {
        Ok(())
    } else {
        Err(StoreError::NoSuchFriendGroup {
            uid: uid.clone(),
            name: name.to_owned(),
        })
    }
}

fn read(db: &dyn Db, uid: &Uid, name: &str) -> Result<FriendGroup> {
    require(db, uid, name)?;
    let friends = db
        .query(
            "SELECT friend_uid FROM friend_group_members WHERE uid = $1 AND name = $2 \
             ORDER BY friend_uid",
            params![uid.as_str(), name],
        )?
        .iter()
        .map(|row| Ok(Uid::parse(&row.get::<String>(0)?, "userID")?))
        .collect::<Result<_>>()?;
    Ok(FriendGroup {
        name: name.to_owned(),
        friends,
    })
}

fn changed(db: &dyn Db, uid: &Uid, name: &str, passed_over: Vec<Uid>) -> Result<Changed> {
    Ok(Changed {
        group: read(db, uid, name)?,
        passed_over,
    })
}
