//! Group membership. Joining and leaving open and close membership windows; a member who leaves
//! keeps a read-only conversation with history up to the moment they left.

use std::collections::HashSet;

use natter_core::{ChannelKind, ConversationId, GroupId, Uid};

use crate::db::params;
use crate::rows::{self, Channel};
use crate::{Db, MembershipChange, Result, StoreError, UserRole};

/// Creates the group or adds members; with `reset`, the listed members become the only ones.
/// `new_members_see_history`, when given, sets whether joiners see earlier history.
pub fn upsert(
    db: &dyn Db,
    group: &GroupId,
    members: &[Uid],
    reset: bool,
    new_members_see_history: Option<bool>,
    now_ms: i64,
) -> Result<MembershipChange> {
    require_users(db, members)?;
    let channel = match rows::find_channel(db, ChannelKind::Group, group.as_str())? {
        Some(channel) if channel.dismissed => {
            db.execute(
                "UPDATE channels SET dismissed = 0 WHERE id = $1",
                params![channel.id],
            )?;
            Channel {
                dismissed: false,
                ..channel
            }
        }
        Some(channel) => channel,
        None => rows::create_channel(db, ChannelKind::Group, group.as_str(), now_ms)?,
    };
    if let Some(open) = new_members_see_history {
        db.execute(
            "UPDATE channels SET new_members_see_history = $1 WHERE id = $2",
            params![open, channel.id],
        )?;
    }
    join_all(db, &channel, group, members, reset)
}

/// Adds members to a group, creating it if it does not exist (as WuKongIM's
/// `/channel/subscriber_add` does); with `reset`, the listed members become the only ones, as
/// WuKongIM's `reset` there. A dismissed group is re-created only by [`upsert`].
pub fn add_members(
    db: &dyn Db,
    group: &GroupId,
    members: &[Uid],
    reset: bool,
    now_ms: i64,
) -> Result<MembershipChange> {
    require_users(db, members)?;
    let channel = match rows::find_channel(db, ChannelKind::Group, group.as_str())? {
        Some(channel) => channel,
        None => rows::create_channel(db, ChannelKind::Group, group.as_str(), now_ms)?,
    };
    if channel.dismissed {
        return Err(StoreError::AddingToDismissedGroup(group.clone()));
    }
    join_all(db, &channel, group, members, reset)
}

/// `members` join the group; with `reset`, the current members not among them leave.
fn join_all(
    db: &dyn Db,
    channel: &Channel,
    group: &GroupId,
    members: &[Uid],
    reset: bool,
) -> Result<MembershipChange> {
    let mut change = MembershipChange::default();
    for member in members {
        if join(db, channel, group, member)? {
            change.rejoined.push(member.clone());
        }
    }
    if reset {
        let keep: HashSet<&Uid> = members.iter().collect();
        for member in current_members(db, channel.id)? {
            if !keep.contains(&member) && leave(db, channel, group, &member)? {
                change.left.push(member);
            }
        }
    }
    Ok(change)
}

/// Removes members: each keeps a read-only conversation with history up to now. A group that
/// does not exist has no members to remove: nothing changes (WuKongIM answers it alike).
pub fn remove_members(db: &dyn Db, group: &GroupId, members: &[Uid]) -> Result<MembershipChange> {
    let Some(channel) = rows::find_channel(db, ChannelKind::Group, group.as_str())? else {
        return Ok(MembershipChange::default());
    };
    let mut change = MembershipChange::default();
    for member in members {
        if leave(db, &channel, group, member)? {
            change.left.push(member.clone());
        }
    }
    Ok(change)
}

/// A member leaves by themself. Leaving twice is fine; leaving a group never joined is not.
pub fn leave_group(db: &dyn Db, group: &GroupId, uid: &Uid) -> Result<MembershipChange> {
    let channel = existing_group(db, group)?;
    if rows::load(db, uid, &ConversationId::Group(group.clone()))?.is_none() {
        return Err(StoreError::NeverAMember {
            uid: uid.clone(),
            group: group.clone(),
        });
    }
    let mut change = MembershipChange::default();
    if leave(db, &channel, group, uid)? {
        change.left.push(uid.clone());
    }
    Ok(change)
}

/// Dismisses a group: every member keeps a read-only conversation. A group that does not exist
/// is left so (WuKongIM answers it alike): nothing changes.
pub fn dismiss(db: &dyn Db, group: &GroupId) -> Result<MembershipChange> {
    let Some(channel) = rows::find_channel(db, ChannelKind::Group, group.as_str())? else {
        return Ok(MembershipChange::default());
    };
    let mut change = MembershipChange::default();
    for member in current_members(db, channel.id)? {
        if leave(db, &channel, group, &member)? {
            change.left.push(member);
        }
    }
    db.execute(
        "UPDATE channels SET dismissed = 1 WHERE id = $1",
        params![channel.id],
    )?;
    Ok(change)
}

fn existing_group(db: &dyn Db, group: &GroupId) -> Result<Channel> {
    rows::find_channel(db, ChannelKind::Group, group.as_str())?
        .ok_or_else(|| StoreError::UnknownGroup(group.clone()))
}

fn require_users(db: &dyn Db, uids: &[Uid]) -> Result<()> {
    uids.iter()
        .try_for_each(|uid| rows::require_user(db, uid, UserRole::Member))
}

fn current_members(db: &dyn Db, channel_id: i64) -> Result<Vec<Uid>> {
    db.query(
        "SELECT uid FROM conversations WHERE channel_id = $1 AND left_seq IS NULL",
        params![channel_id],
    )?
    .iter()
    .map(|row| Ok(Uid::parse(&row.get::<String>(0)?, "uid")?))
    .collect()
}

/// Opens a membership window starting after the channel's current last message; unread
/// counts start there. A first join into a group whose history is open to new members sees
/// the history from the start; a rejoin never sees what was sent while away. Returns whether
/// this was a rejoin (the user's existing conversation changed).
fn join(db: &dyn Db, channel: &Channel, group: &GroupId, uid: &Uid) -> Result<bool> {
    let conversation = ConversationId::Group(group.clone());
    let join_seq = channel.last_seq + 1;
    let (window_start, rejoin) = match rows::load_for_update(db, uid, &conversation)? {
        Some(loaded) if loaded.view.state.is_member() => return Ok(false),
        Some(mut loaded) => {
            let before = loaded.counted();
            loaded.view.state.rejoin(join_seq);
            rows::save_loaded(db, uid, &mut loaded, before)?;
            (join_seq, true)
        }
        None => {
            rows::insert(db, uid, channel.id, &conversation, join_seq)?;
            if history_open_to_new_members(db, channel.id)? {
                (1, false)
            } else {
                (join_seq, false)
            }
        }
    };
    // Leaving and rejoining with no message between leaves an empty window that starts at this
    // same seq: reopen it instead of adding a second one (the key is the window's start).
    db.execute(
        "INSERT INTO memberships (channel_id, uid, join_seq) VALUES ($1, $2, $3) \
         ON CONFLICT (channel_id, uid, join_seq) DO UPDATE SET left_seq = NULL",
        params![channel.id, uid.as_str(), window_start],
    )?;
    Ok(rejoin)
}

fn history_open_to_new_members(db: &dyn Db, channel_id: i64) -> Result<bool> {
    db.query_one(
        "SELECT new_members_see_history FROM channels WHERE id = $1",
        params![channel_id],
    )?
    .get(0)
}

/// Closes the member's open window at the channel's last seq; not a member: nothing to do.
/// Returns whether the user was a member.
fn leave(db: &dyn Db, channel: &Channel, group: &GroupId, uid: &Uid) -> Result<bool> {
    let conversation = ConversationId::Group(group.clone());
    let Some(mut loaded) = rows::load_for_update(db, uid, &conversation)? else {
        return Ok(false);
    };
    let before = loaded.counted();
    if !loaded.view.state.leave(channel.last_seq) {
        return Ok(false);
    }
    rows::save_loaded(db, uid, &mut loaded, before)?;
    db.execute(
        "UPDATE memberships SET left_seq = $1 WHERE channel_id = $2 AND uid = $3 \
         AND left_seq IS NULL",
        params![channel.last_seq, channel.id, uid.as_str()],
    )?;
    Ok(true)
}
