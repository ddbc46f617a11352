//! Friend lists and friend requests (Tencent's relationship chain): the rows of
//! `natter_core::friend_rules`, which decide what an add does.
//!
//! Each user's list is theirs: a row `(uid, friend_uid)` says that `uid` lists `friend_uid`, so a
//! friendship both ways is two rows and either side may drop theirs alone. A request waits in
//! `friend_requests` until it is answered or deleted, or until its asker lists the asked user by
//! some other way (the asked user added them back, say), which leaves it nothing to ask. A write
//! here locks both users' rows first, in uid order, so two users adding each other at once on
//! PostgreSQL meet in line rather than both asking.

use std::collections::BTreeMap;

use natter_core::friend_rules::{self, AddFacts, AddOutcome, Direction};
use natter_core::limits::{MAX_CUSTOM_FIELDS, MAX_FRIENDS};
use natter_core::profile::AdminForbidType;
use natter_core::{ChannelKind, SenderList, Uid};

use crate::db::{Row, params};
use crate::profiles::{profile_columns, read_profile};
use crate::{Db, Result, StoreError, UserProfile, UserRole, friend_groups, locks, rows};

/// An entry of a user's friend list, with the friend's profile as it is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Friend {
    pub profile: UserProfile,
    /// The name the user gives this friend (empty: none).
    pub remark: String,
    /// Where the user found them: Tencent's `AddSource_Type_…`.
    pub source: String,
    /// The note sent with the request that made the entry.
    pub wording: String,
    pub added_ms: i64,
    /// The user's friend groups this friend is in (`crate::friend_groups`), oldest first.
    pub groups: Vec<String>,
    /// What the user keeps about this friend (Tencent's `friendCustomField`), by key.
    pub custom_fields: BTreeMap<String, String>,
}

/// A friend request that waits, as one of its two users lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FriendRequest {
    /// The other user: the asker of a request to the user, or the one the user asked.
    pub other: UserProfile,
    /// Whether the request came to the user (else the user sent it).
    pub incoming: bool,
    pub source: String,
    pub wording: String,
    pub time_ms: i64,
    /// Whether the asked user has marked their requests read.
    pub seen: bool,
}

/// What an adder asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddRequest {
    pub direction: Direction,
    pub source: String,
    pub wording: String,
    /// The name the adder will give the added user.
    pub remark: String,
    /// The adder's friend group to put them in (empty: none), made if need be.
    pub group_name: String,
}

/// What an add did, and whose lists changed (their devices are told).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    pub outcome: AddOutcome,
    /// Whether the target's list now holds the adder where it did not before.
    pub target_listed_adder: bool,
}

/// The friend's columns of a `friends f` row joined with the friend's `users u` row, for
/// [`read_friend`].
const FRIEND_COLUMNS: &str = concat!(
    "f.friend_uid, ",
    profile_columns!(),
    ", f.remark, f.source, f.wording, f.added_ms, f.custom_fields \
     FROM friends f JOIN users u ON u.uid = f.friend_uid"
);

/// A friend from [`FRIEND_COLUMNS`], in the groups `memberships` (of the user's) gives them.
fn read_friend(row: &Row, memberships: &[(Uid, String)]) -> Result<Friend> {
    let friend = Uid::parse(&row.get::<String>(0)?, "userID")?;
    let groups = memberships
        .iter()
        .filter(|(member, _)| *member == friend)
        .map(|(_, name)| name.clone())
        .collect();
    Ok(Friend {
        profile: read_profile(friend, row, 1)?,
        remark: row.get(6)?,
        source: row.get(7)?,
        wording: row.get(8)?,
        added_ms: row.get(9)?,
        groups,
        custom_fields: crate::group_members::read_fields(&row.get::<String>(10)?)?,
    })
}

/// The user's friend list, oldest entry first.
pub fn list(db: &dyn Db, uid: &Uid) -> Result<Vec<Friend>> {
    rows::require_user(db, uid, UserRole::FriendListOwner)?;
    let memberships = friend_groups::memberships(db, uid)?;
    db.query(
        &format!("SELECT {FRIEND_COLUMNS} WHERE f.uid = $1 ORDER BY f.added_ms, f.friend_uid"),
        params![uid.as_str()],
    )?
    .iter()
    .map(|row| read_friend(row, &memberships))
    .collect()
}

/// `friend`'s entry in the user's list, if there is one.
pub fn entry(db: &dyn Db, uid: &Uid, friend: &Uid) -> Result<Option<Friend>> {
    let memberships = friend_groups::memberships(db, uid)?;
    db.query_opt(
        &format!("SELECT {FRIEND_COLUMNS} WHERE f.uid = $1 AND f.friend_uid = $2"),
        params![uid.as_str(), friend.as_str()],
    )?
    .as_ref()
    .map(|row| read_friend(row, &memberships))
    .transpose()
}

/// `adder` adds `target`: at once, or as a request that waits, or refused, as
/// `friend_rules::judge_add` says. An add that takes effect fulfils every request between the
/// two that it leaves nothing to ask.
pub fn add(
    db: &dyn Db,
    adder: &Uid,
    target: &Uid,
    request: &AddRequest,
    now_ms: i64,
) -> Result<Added> {
    rows::require_user(db, target, UserRole::FriendTarget)?;
    locks::lock_users(db, [adder, target])?;
    let facts = facts(db, adder, target)?;
    let outcome = friend_rules::judge_add(facts).map_err(|refusal| StoreError::FriendRefused {
        adder: adder.clone(),
        target: target.clone(),
        refusal,
    })?;
    if !request.group_name.is_empty() {
        friend_groups::check_room(db, adder, &request.group_name)?;
    }
    if outcome == AddOutcome::Pending {
        db.execute(
            "INSERT INTO friend_requests \
             (from_uid, to_uid, remark, source, wording, time_ms, seen, group_name) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, $7) \
             ON CONFLICT (from_uid, to_uid) DO UPDATE \
             SET remark = $3, source = $4, wording = $5, time_ms = $6, seen = 0, \
                 group_name = $7",
            params![
                adder.as_str(),
                target.as_str(),
                &request.remark,
                &request.source,
                &request.wording,
                now_ms,
                &request.group_name
            ],
        )?;
        return Ok(Added {
            outcome,
            target_listed_adder: false,
        });
    }
    let target_lists = request.direction == Direction::Both && !facts.target_lists_adder;
    let entry = |remark: &str| Entry {
        remark: remark.to_owned(),
        source: request.source.clone(),
        wording: request.wording.clone(),
        added_ms: now_ms,
    };
    insert(db, adder, target, &entry(&request.remark))?;
    friend_groups::place(db, adder, &request.group_name, target, now_ms)?;
    if target_lists {
        // The target's own request, if they made one, says what they meant to call the adder
        // and where to put them.
        let (remark, group_name) = asked_entry(db, target, adder)?.unwrap_or_default();
        insert(db, target, adder, &entry(&remark))?;
        friend_groups::place(db, target, &group_name, adder, now_ms)?;
    }
    drop_fulfilled_requests(db, adder, target)?;
    Ok(Added {
        outcome,
        target_listed_adder: target_lists,
    })
}

/// An entry the app backend writes (`import`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub friend: Uid,
    pub remark: String,
    pub source: String,
    /// The user's friend group to put them in (empty: none), made if need be.
    pub group_name: String,
}

/// The app backend puts `entries` in the user's list, and with `Direction::Both` the user in
/// each of theirs, asking no one: a friend list moved from another system, or friends the app
/// makes by its own rules. An entry already there is kept as it is. Returns the users whose
/// lists changed (the user first, when theirs did).
pub fn import(
    db: &dyn Db,
    uid: &Uid,
    entries: &[Imported],
    direction: Direction,
    now_ms: i64,
) -> Result<Vec<Uid>> {
    rows::require_user(db, uid, UserRole::FriendListOwner)?;
    for imported in entries {
        rows::require_user(db, &imported.friend, UserRole::ImportedFriend)?;
        if !imported.group_name.is_empty() {
            friend_groups::check_room(db, uid, &imported.group_name)?;
        }
    }
    locks::lock_users(
        db,
        std::iter::once(uid).chain(entries.iter().map(|imported| &imported.friend)),
    )?;
    let mut own_list_changed = false;
    let mut their_lists_changed = Vec::new();
    for imported in entries {
        let entry = |remark: &str| Entry {
            remark: remark.to_owned(),
            source: imported.source.clone(),
            wording: String::new(),
            added_ms: now_ms,
        };
        own_list_changed |= insert(db, uid, &imported.friend, &entry(&imported.remark))?;
        friend_groups::place(db, uid, &imported.group_name, &imported.friend, now_ms)?;
        if direction == Direction::Both && insert(db, &imported.friend, uid, &entry(""))? {
            their_lists_changed.push(imported.friend.clone());
        }
        drop_fulfilled_requests(db, uid, &imported.friend)?;
    }
    Ok(own_list_changed
        .then(|| uid.clone())
        .into_iter()
        .chain(their_lists_changed)
        .collect())
}

/// The users whose lists hold `uid`: they show the user's profile in their friend list.
pub fn listed_by(db: &dyn Db, uid: &Uid) -> Result<Vec<Uid>> {
    db.query(
        "SELECT uid FROM friends WHERE friend_uid = $1",
        params![uid.as_str()],
    )?
    .iter()
    .map(|row| Ok(Uid::parse(&row.get::<String>(0)?, "uid")?))
    .collect()
}

/// Whether each of `others` is in the user's list, and whether the user is in theirs.
pub fn relations(db: &dyn Db, uid: &Uid, others: &[Uid]) -> Result<Vec<(bool, bool)>> {
    others
        .iter()
        .map(|other| {
            let row = db.query_one(
                "SELECT \
                 EXISTS (SELECT 1 FROM friends WHERE uid = $1 AND friend_uid = $2), \
                 EXISTS (SELECT 1 FROM friends WHERE uid = $2 AND friend_uid = $1)",
                params![uid.as_str(), other.as_str()],
            )?;
            Ok((row.get(0)?, row.get(1)?))
        })
        .collect()
}

/// What a deletion did to one user named in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Removal {
    /// They were in the user's list (else nothing was removed: Tencent fails that one).
    pub was_listed: bool,
    /// A deletion both ways also took the user out of their list.
    pub left_their_list: bool,
}

/// The user takes `others` out of their list, and with `Direction::Both` themself out of each
/// of theirs. Someone not in the user's list is left as they are, even both ways: the user
/// cannot end an entry of theirs that the user never had.
pub fn remove(
    db: &dyn Db,
    uid: &Uid,
    others: &[Uid],
    direction: Direction,
) -> Result<Vec<Removal>> {
    rows::require_user(db, uid, UserRole::FriendListOwner)?;
    locks::lock_users(db, std::iter::once(uid).chain(others))?;
    others
        .iter()
        .map(|other| {
            let was_listed = delete_entry(db, uid, other)?;
            let left_their_list =
                was_listed && direction == Direction::Both && delete_entry(db, other, uid)?;
            Ok(Removal {
                was_listed,
                left_their_list,
            })
        })
        .collect()
}

/// Ends all that is between `blocker` and each of `blocked`, as blocking does on Tencent: each
/// leaves the other's list (and its groups), and the friend requests between them go. Returns
/// the users whose list or requests changed, `blocker` first when theirs did.
pub fn end_for_block(db: &dyn Db, blocker: &Uid, blocked: &[Uid]) -> Result<Vec<Uid>> {
    locks::lock_users(db, std::iter::once(blocker).chain(blocked))?;
    let mut ended = Vec::new();
    for other in blocked {
        let entries = usize::from(delete_entry(db, blocker, other)?)
            + usize::from(delete_entry(db, other, blocker)?);
        let requests = db.execute(
            "DELETE FROM friend_requests \
             WHERE (from_uid = $1 AND to_uid = $2) OR (from_uid = $2 AND to_uid = $1)",
            params![blocker.as_str(), other.as_str()],
        )?;
        if entries > 0 || requests > 0 {
            ended.push(other.clone());
        }
    }
    if !ended.is_empty() {
        ended.insert(0, blocker.clone());
    }
    Ok(ended)
}

/// What to change of an entry of the user's friend list; `None` keeps a field as it is.
#[derive(Debug, Clone, Default)]
pub struct EntryChange {
    /// The name the user gives the friend (`''`: none).
    pub remark: Option<String>,
    /// Custom fields to set, keeping the others; an empty value removes one. At most
    /// [`MAX_CUSTOM_FIELDS`] in all.
    pub custom_fields: Option<BTreeMap<String, String>>,
}

/// The user renames a friend in their list, or sets what they keep about them; the entry as it
/// now is.
pub fn update_entry(db: &dyn Db, uid: &Uid, friend: &Uid, change: &EntryChange) -> Result<Friend> {
    locks::lock_user(db, uid)?;
    let mut entry = entry(db, uid, friend)?.ok_or_else(|| StoreError::NotAFriend {
        uid: uid.clone(),
        friend: friend.clone(),
    })?;
    if let Some(remark) = &change.remark {
        remark.clone_into(&mut entry.remark);
    }
    if let Some(changes) = &change.custom_fields {
        crate::group_members::merge_fields(&mut entry.custom_fields, changes);
        if entry.custom_fields.len() > MAX_CUSTOM_FIELDS {
            return Err(StoreError::FriendFieldLimit {
                uid: uid.clone(),
                friend: friend.clone(),
                limit: MAX_CUSTOM_FIELDS,
            });
        }
    }
    let custom_fields =
        serde_json::to_string(&entry.custom_fields).map_err(StoreError::internal)?;
    db.execute(
        "UPDATE friends SET remark = $3, custom_fields = $4 WHERE uid = $1 AND friend_uid = $2",
        params![uid.as_str(), friend.as_str(), &entry.remark, &custom_fields],
    )?;
    Ok(entry)
}

/// The requests that wait, to the user and from them, newest first.
pub fn requests(db: &dyn Db, uid: &Uid) -> Result<Vec<FriendRequest>> {
    let columns = concat!(
        "u.uid, ",
        profile_columns!(),
        ", r.source, r.wording, r.time_ms, r.seen FROM friend_requests r"
    );
    let incoming = db.query(
        &format!("SELECT {columns} JOIN users u ON u.uid = r.from_uid WHERE r.to_uid = $1"),
        params![uid.as_str()],
    )?;
    let outgoing = db.query(
        &format!("SELECT {columns} JOIN users u ON u.uid = r.to_uid WHERE r.from_uid = $1"),
        params![uid.as_str()],
    )?;
    let read = |row: &Row, incoming: bool| -> Result<FriendRequest> {
        Ok(FriendRequest {
            other: read_profile(Uid::parse(&row.get::<String>(0)?, "userID")?, row, 1)?,
            incoming,
            source: row.get(6)?,
            wording: row.get(7)?,
            time_ms: row.get(8)?,
            seen: row.get(9)?,
        })
    };
    let mut requests = incoming
        .iter()
        .map(|row| read(row, true))
        .chain(outgoing.iter().map(|row| read(row, false)))
        .collect::<Result<Vec<_>>>()?;
    requests.sort_by(|a, b| {
        (b.time_ms, &b.other.uid, b.incoming).cmp(&(a.time_ms, &a.other.uid, a.incoming))
    });
    Ok(requests)
}

/// The asked user accepts `asker`'s request: the asker's list gets the user, under the name the
/// asker chose; with `Direction::Both` the user's list gets the asker too, named `remark`.
/// Returns whether the user's own list changed.
pub fn accept(
    db: &dyn Db,
    uid: &Uid,
    asker: &Uid,
    direction: Direction,
    remark: &str,
    now_ms: i64,
) -> Result<bool> {
    locks::lock_users(db, [uid, asker])?;
    let asked = db
        .query_opt(
            "SELECT remark, source, wording, group_name FROM friend_requests \
             WHERE from_uid = $1 AND to_uid = $2",
            params![asker.as_str(), uid.as_str()],
        )?
        .ok_or_else(|| StoreError::NoSuchFriendRequest {
            from: asker.clone(),
            to: uid.clone(),
        })?;
    let (asker_remark, source, wording, group_name): (String, String, String, String) =
        (asked.get(0)?, asked.get(1)?, asked.get(2)?, asked.get(3)?);
    let entry = |remark: String| Entry {
        remark,
        source: source.clone(),
        wording: wording.clone(),
        added_ms: now_ms,
    };
    insert(db, asker, uid, &entry(asker_remark))?;
    friend_groups::place(db, asker, &group_name, uid, now_ms)?;
    let user_lists =
        direction == Direction::Both && insert(db, uid, asker, &entry(remark.to_owned()))?;
    drop_fulfilled_requests(db, uid, asker)?;
    Ok(user_lists)
}

/// Removes the request between the two, one way: the asked user refuses it, or either side
/// deletes it from their list of requests.
pub fn drop_request(db: &dyn Db, from: &Uid, to: &Uid) -> Result<()> {
    let removed = db.execute(
        "DELETE FROM friend_requests WHERE from_uid = $1 AND to_uid = $2",
        params![from.as_str(), to.as_str()],
    )?;
    if removed == 0 {
        return Err(StoreError::NoSuchFriendRequest {
            from: from.clone(),
            to: to.clone(),
        });
    }
    Ok(())
}

/// The user has seen the requests made to them: none counts as unread any more.
pub fn mark_requests_seen(db: &dyn Db, uid: &Uid) -> Result<()> {
    db.execute(
        "UPDATE friend_requests SET seen = 1 WHERE to_uid = $1 AND seen = 0",
        params![uid.as_str()],
    )?;
    Ok(())
}

/// What an entry says besides whose it is.
struct Entry {
    remark: String,
    source: String,
    wording: String,
    added_ms: i64,
}

/// Puts `friend` in `uid`'s list, unless the list is full; whether the entry is new (one
/// already there is kept as it is).
fn insert(db: &dyn Db, uid: &Uid, friend: &Uid, entry: &Entry) -> Result<bool> {
    if entry_exists(db, uid, friend)? {
        return Ok(false);
    }
    let count: i64 = db
        .query_one(
            "SELECT COUNT(*) FROM friends WHERE uid = $1",
            params![uid.as_str()],
        )?
        .get(0)?;
    if usize::try_from(count).unwrap_or(usize::MAX) >= MAX_FRIENDS {
        return Err(StoreError::FriendLimit {
            uid: uid.clone(),
            limit: MAX_FRIENDS,
        });
    }
    db.execute(
        "INSERT INTO friends (uid, friend_uid, remark, source, wording, added_ms) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        params![
            uid.as_str(),
            friend.as_str(),
            &entry.remark,
            &entry.source,
            &entry.wording,
            entry.added_ms
        ],
    )?;
    Ok(true)
}

fn entry_exists(db: &dyn Db, uid: &Uid, friend: &Uid) -> Result<bool> {
    db.query_one(
        "SELECT EXISTS (SELECT 1 FROM friends WHERE uid = $1 AND friend_uid = $2)",
        params![uid.as_str(), friend.as_str()],
    )?
    .get(0)
}

fn delete_entry(db: &dyn Db, uid: &Uid, friend: &Uid) -> Result<bool> {
    friend_groups::forget(db, uid, friend)?;
    Ok(db.execute(
        "DELETE FROM friends WHERE uid = $1 AND friend_uid = $2",
        params![uid.as_str(), friend.as_str()],
    )? > 0)
}

/// The name `asker` asked to give `asked` and the friend group to put them in, if a request from
/// one to the other waits.
fn asked_entry(db: &dyn Db, asker: &Uid, asked: &Uid) -> Result<Option<(String, String)>> {
    db.query_opt(
        "SELECT remark, group_name FROM friend_requests WHERE from_uid = $1 AND to_uid = $2",
        params![asker.as_str(), asked.as_str()],
    )?
    .map(|row| Ok((row.get(0)?, row.get(1)?)))
    .transpose()
}

/// Removes each request between the two whose asker lists the asked user now.
fn drop_fulfilled_requests(db: &dyn Db, one: &Uid, other: &Uid) -> Result<()> {
    db.execute(
        "DELETE FROM friend_requests AS r \
         WHERE ((r.from_uid = $1 AND r.to_uid = $2) OR (r.from_uid = $2 AND r.to_uid = $1)) \
         AND EXISTS (SELECT 1 FROM friends f \
                     WHERE f.uid = r.from_uid AND f.friend_uid = r.to_uid)",
        params![one.as_str(), other.as_str()],
    )?;
    Ok(())
}

/// What `judge_add` needs, in one read.
fn facts(db: &dyn Db, adder: &Uid, target: &Uid) -> Result<AddFacts> {
    let blocks = "EXISTS (SELECT 1 FROM channel_lists \
                  WHERE list = $3 AND kind = $4 AND channel = $1 AND uid = $2)";
    let blocked = "EXISTS (SELECT 1 FROM channel_lists \
                   WHERE list = $3 AND kind = $4 AND channel = $2 AND uid = $1)";
    let row = db.query_one(
        &format!(
            "SELECT {blocks}, {blocked}, \
             EXISTS (SELECT 1 FROM friends WHERE uid = $1 AND friend_uid = $2), \
             EXISTS (SELECT 1 FROM friends WHERE uid = $2 AND friend_uid = $1), \
             EXISTS (SELECT 1 FROM friend_requests WHERE from_uid = $2 AND to_uid = $1), \
             (SELECT allow_type FROM users WHERE uid = $2)"
        ),
        params![
            adder.as_str(),
            target.as_str(),
            SenderList::Blacklist as i64,
            ChannelKind::Personal.code()
        ],
    )?;
    let adder_forbidden = crate::profiles::user(db, adder)?
        .is_some_and(|profile| profile.details.admin_forbid_type == AdminForbidType::SendOut);
    Ok(AddFacts {
        adder_forbidden,
        adder_blocks_target: row.get(0)?,
        target_blocks_adder: row.get(1)?,
        adder_lists_target: row.get(2)?,
        target_lists_adder: row.get(3)?,
        target_asked_adder: row.get(4)?,
        target_allows: friend_rules::AllowType::from_code(row.get(5)?),
    })
}
