//! What sets a group member apart from the others, as the owner and the admins set it from a
//! client: the admins the owner names (Tencent's `setGroupMemberRole`), a mute until a time
//! (`setGroupMemberMuteTime`), a name card (`setGroupMemberNameCard`) and custom fields
//! (`setGroupMemberCustomField`). Who may change whose
//! is `natter_core::group_rules`, checked here inside each write.
//!
//! A row exists only for members with one of these set, so the many groups with none cost
//! nothing; leaving the group takes it away ([`forget`]).

use std::collections::BTreeMap;

use natter_core::group_rules::{self, GroupAction, Role, Standing};
use natter_core::limits::MAX_CUSTOM_FIELDS;
use natter_core::{ChannelKind, GroupId, Uid};

use crate::db::params;
use crate::group_tips::{self, Tip};
use crate::groups;
use crate::{Db, Result, Sent, StoreError};

/// What one change to a member sets; `None` leaves it as it is.
#[derive(Debug, Clone, Default)]
pub struct MemberUpdate {
    /// `Admin` or `Member`: the owner's role changes only by a transfer.
    pub role: Option<Role>,
    /// Seconds from now; 0 unmutes.
    pub mute_for_secs: Option<u64>,
    pub name_card: Option<String>,
    /// Custom fields to set; an empty value removes its field.
    pub custom_fields: Option<BTreeMap<String, String>>,
}

/// What a change to a member did.
#[derive(Debug, Clone, Default)]
pub struct MemberUpdated {
    /// The member's new role, when it changed: they are told.
    pub new_role: Option<Role>,
    /// When the member's mute now ends (0: unmuted), when the change set one.
    pub muted_until_ms: Option<i64>,
    /// The group's tips of it: a change of role, a mute.
    pub tips: Vec<Sent>,
}

/// A member's standing apart from the others, as a member list shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    pub is_admin: bool,
    /// When their mute ends, 0 when none was set; it may have passed.
    pub muted_until_ms: i64,
    pub name_card: String,
    /// Their custom fields in this group, by key.
    pub custom_fields: BTreeMap<String, String>,
}

/// Who changes a member.
#[derive(Debug, Clone, Copy)]
pub enum ChangedBy<'a> {
    /// A member from a client, bound by the group's rules; the group's tips name them.
    Member(&'a Uid),
    /// The app backend, bound only by the group's type (a work group has no admins and mutes no
    /// one) and by the owner's standing being the owner's; it writes no tips, as none of the app
    /// backend's changes do.
    App,
}

/// `by` changes `member` of the group, as the group's rules let them: each part of `update` is
/// checked before any is made, so a refused part changes nothing.
///
/// In a community's topic a member is only muted (Tencent's `setGroupMemberMuteTime` on a
/// topic's ID): they stand there as in the community, whose rules decide who mutes whom, and the
/// mute holds in that topic alone (`crate::topics::refuse_if_muted`).
pub fn update(
    db: &dyn Db,
    group: &GroupId,
    by: ChangedBy<'_>,
    member: &Uid,
    update: &MemberUpdate,
    now_ms: i64,
) -> Result<MemberUpdated> {
    let channel = groups::existing_group(db, group)?;
    let ruled_by = match group.community() {
        Some(community) => {
            if update.role.is_some() || update.name_card.is_some() || update.custom_fields.is_some()
            {
                return Err(StoreError::TopicMemberChange(group.clone()));
            }
            if channel.dismissed {
                return Err(StoreError::UnknownTopic {
                    community,
                    topic: group.clone(),
                });
            }
            community
        }
        None => group.clone(),
    };
    let ruling = groups::existing_group(db, &ruled_by)?;
    let (facts, owner) = groups::group_facts(db, &ruling, &ruled_by)?;
    let target = groups::standing(db, &ruling, &ruled_by, member, owner.as_deref())?;
    // The app backend acts as the owner would (the type's rules apply), on anyone but the owner.
    let (by_standing, is_self) = match by {
        ChangedBy::Member(by) => (
            groups::standing(db, &ruling, &ruled_by, by, owner.as_deref())?,
            by == member,
        ),
        ChangedBy::App => (
            Standing {
                is_member: true,
                role: Role::Owner,
            },
            false,
        ),
    };
    let actions = [
        (update.role.is_some(), GroupAction::SetRoles),
        (update.mute_for_secs.is_some(), GroupAction::MuteMembers),
        (update.name_card.is_some(), GroupAction::SetNameCards),
        (update.custom_fields.is_some(), GroupAction::SetMemberFields),
    ];
    for (_, action) in actions.into_iter().filter(|(asked, _)| *asked) {
        let refused = StoreError::RefusedByGroupRules;
        group_rules::check(action, ruled_by.as_str(), facts, by_standing).map_err(refused)?;
        group_rules::check_on_member(
            action,
            ruled_by.as_str(),
            by_standing,
            member.as_str(),
            target,
            is_self,
        )
        .map_err(refused)?;
    }
    let operator = match by {
        ChangedBy::Member(by) => Some(by),
        ChangedBy::App => None,
    };
    let tip = |tip: Tip| -> Result<Option<Sent>> {
        match operator {
            Some(by) => group_tips::write(db, group, by, tip, std::slice::from_ref(member), now_ms),
            None => Ok(None),
        }
    };
    let mut updated = MemberUpdated::default();
    if let Some(role) = update.role
        && role != target.role
    {
        set(
            db,
            channel.id,
            member,
            "is_admin",
            (role == Role::Admin).into(),
        )?;
        updated.tips.extend(tip(match role {
            Role::Admin => Tip::SetAdmin,
            _ => Tip::CanceledAdmin,
        })?);
        updated.new_role = Some(role);
    }
    if let Some(secs) = update.mute_for_secs {
        let secs_ms = i64::try_from(secs.saturating_mul(1000)).unwrap_or(i64::MAX);
        let until = if secs == 0 {
            0
        } else {
            now_ms.saturating_add(secs_ms)
        };
        set(db, channel.id, member, "muted_until_ms", until.into())?;
        updated.muted_until_ms = Some(until);
        updated.tips.extend(tip(Tip::Muted { secs })?);
    }
    if let Some(card) = &update.name_card {
        set(db, channel.id, member, "name_card", card.as_str().into())?;
    }
    if let Some(changes) = &update.custom_fields {
        let mut fields = marks(db, channel.id, member)?.custom_fields;
        merge_fields(&mut fields, changes);
        if fields.len() > MAX_CUSTOM_FIELDS {
            return Err(StoreError::MemberFieldLimit {
                uid: member.clone(),
                group: group.clone(),
                limit: MAX_CUSTOM_FIELDS,
            });
        }
        let json = serde_json::to_string(&fields).map_err(StoreError::internal)?;
        set(
            db,
            channel.id,
            member,
            "custom_fields",
            json.as_str().into(),
        )?;
    }
    Ok(updated)
}

/// Sets one column of the member's row, making the row if they had none.
pub(crate) fn set(
    db: &dyn Db,
    channel_id: i64,
    uid: &Uid,
    column: &str,
    value: crate::Value,
) -> Result<()> {
    let sql = format!(
        "INSERT INTO group_members (channel_id, uid, {column}) VALUES ($1, $2, $3) \
         ON CONFLICT (channel_id, uid) DO UPDATE SET {column} = $3"
    );
    db.execute(&sql, &[channel_id.into(), uid.as_str().into(), value])?;
    Ok(())
}

/// The member's marks in the group whose channel is `channel_id`; the defaults when they have
/// none.
pub(crate) fn marks(db: &dyn Db, channel_id: i64, uid: &Uid) -> Result<Marks> {
    let row = db.query_opt(
        "SELECT is_admin, muted_until_ms, name_card, custom_fields FROM group_members \
         WHERE channel_id = $1 AND uid = $2",
        params![channel_id, uid.as_str()],
    )?;
    let Some(row) = row else {
        return Ok(Marks::default());
    };
    Ok(Marks {
        is_admin: row.get(0)?,
        muted_until_ms: row.get(1)?,
        name_card: row.get(2)?,
        custom_fields: read_fields(&row.get::<String>(3)?)?,
    })
}

/// Sets custom fields (of a member, or of a group), keeping the others: an empty value removes
/// its field, as Tencent's SDKs clear one.
pub(crate) fn merge_fields(
    fields: &mut BTreeMap<String, String>,
    changes: &BTreeMap<String, String>,
) {
    for (key, value) in changes {
        if value.is_empty() {
            fields.remove(key);
        } else {
            fields.insert(key.clone(), value.clone());
        }
    }
}

/// Custom fields (a member's, or a group's), from their JSON column.
pub(crate) fn read_fields(json: &str) -> Result<BTreeMap<String, String>> {
    serde_json::from_str(json).map_err(StoreError::internal)
}

/// A member's own side of a group, as Tencent's `selfInfo` shows it to them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SelfInGroup {
    /// `""` for none.
    pub name_card: String,
    /// When they joined this time; 0 when not a member, or they joined before Natter kept it.
    pub joined_ms: i64,
}

/// The column of when the member of a conversation `c` of a group joined: their open membership
/// window's start (see `memberships`); 0 when they are not a member or joined before Natter kept
/// it. A macro, for `concat!`.
macro_rules! joined_ms_column {
    () => {
        "COALESCE((SELECT MAX(m.joined_ms) FROM memberships m \
         WHERE m.channel_id = c.channel_id AND m.uid = c.uid AND m.left_seq IS NULL), 0)"
    };
}
pub(crate) use joined_ms_column;

/// The user's side of the group: their name card and when they joined.
pub fn self_in(db: &dyn Db, group: &GroupId, uid: &Uid) -> Result<SelfInGroup> {
    let channel = groups::existing_group(db, group)?;
    let row = db.query_opt(
        concat!(
            "SELECT COALESCE(r.name_card, ''), ",
            joined_ms_column!(),
            " FROM conversations c \
             LEFT JOIN group_members r ON r.channel_id = c.channel_id AND r.uid = c.uid \
             WHERE c.channel_id = $1 AND c.uid = $2 AND c.left_seq IS NULL"
        ),
        params![channel.id, uid.as_str()],
    )?;
    let Some(row) = row else {
        return Ok(SelfInGroup::default());
    };
    Ok(SelfInGroup {
        name_card: row.get(0)?,
        joined_ms: row.get(1)?,
    })
}

/// The user's side of each group they are a member of now: from their conversations, so each
/// is a read by primary key.
pub fn selves_of(db: &dyn Db, uid: &Uid) -> Result<Vec<(GroupId, SelfInGroup)>> {
    db.query(
        concat!(
            "SELECT ch.key, COALESCE(r.name_card, ''), ",
            joined_ms_column!(),
            " FROM conversations c JOIN channels ch ON ch.id = c.channel_id \
             LEFT JOIN group_members r ON r.channel_id = c.channel_id AND r.uid = c.uid \
             WHERE c.uid = $1 AND ch.kind = $2 AND c.left_seq IS NULL \
             AND ch.community_id IS NULL"
        ),
        params![uid.as_str(), ChannelKind::Group.code()],
    )?
    .iter()
    .map(|row| {
        Ok((
            GroupId::parse(&row.get::<String>(0)?, "groupID")?,
            SelfInGroup {
                name_card: row.get(1)?,
                joined_ms: row.get(2)?,
            },
        ))
    })
    .collect()
}

/// The group's admins, by user ID.
pub(crate) fn admins(db: &dyn Db, channel_id: i64) -> Result<Vec<Uid>> {
    db.query(
        "SELECT uid FROM group_members WHERE channel_id = $1 AND is_admin = 1 ORDER BY uid",
        params![channel_id],
    )?
    .iter()
    .map(|row| Ok(Uid::parse(&row.get::<String>(0)?, "uid")?))
    .collect()
}

/// Refuses a message from `sender` while their mute in the group lasts, or, in a group muted for
/// all, unless they are its owner or an admin. One read by primary keys.
pub(crate) fn refuse_if_muted(
    db: &dyn Db,
    channel_id: i64,
    group: &GroupId,
    sender: &Uid,
    now_ms: i64,
) -> Result<()> {
    let row = db.query_one(
        "SELECT ch.mute_all, ch.owner_uid = $2, COALESCE(r.is_admin, 0), \
         COALESCE(r.muted_until_ms, 0) FROM channels ch \
         LEFT JOIN group_members r ON r.channel_id = ch.id AND r.uid = $2 WHERE ch.id = $1",
        params![channel_id, sender.as_str()],
    )?;
    let (mute_all, is_owner, is_admin, until_ms): (bool, Option<bool>, bool, i64) =
        (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?);
    let manages = is_owner.unwrap_or(false) || is_admin;
    judge_mutes(sender, group, until_ms, mute_all && !manages, now_ms)
}

/// Refuses a message from `sender` to `group` while their own mute there lasts (it ends at
/// `until_ms`), or while the group is `muted_for_them` (muted for all, and they do not manage it).
pub(crate) fn judge_mutes(
    sender: &Uid,
    group: &GroupId,
    until_ms: i64,
    muted_for_them: bool,
    now_ms: i64,
) -> Result<()> {
    let muted = |until_ms| StoreError::Muted {
        uid: sender.clone(),
        group: group.clone(),
        until_ms,
    };
    if until_ms > now_ms {
        return Err(muted(Some(until_ms)));
    }
    if muted_for_them {
        return Err(muted(None));
    }
    Ok(())
}

/// A member who leaves the group leaves what set them apart in it, and their marks.
pub(crate) fn forget(db: &dyn Db, channel_id: i64, uid: &Uid) -> Result<()> {
    for table in ["group_members", "group_member_marks"] {
        db.execute(
            &format!("DELETE FROM {table} WHERE channel_id = $1 AND uid = $2"),
            params![channel_id, uid.as_str()],
        )?;
    }
    Ok(())
}

/// What a mark call did: the named users it marked or unmarked, and those who are not members.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarkedMembers {
    pub done: Vec<Uid>,
    pub not_members: Vec<Uid>,
}

/// `by` marks the named members of the group with `mark`, or takes it off them (`enable`
/// false), as Tencent's `markGroupMemberList`: the owner of an audio-video group
/// ([`GroupAction::MarkMembers`]). Users who are not members are listed apart. A group's members
/// carry at most [`group_rules::MAX_MARKS_PER_GROUP`] distinct marks, and a mark names at most
/// [`group_rules::MAX_MEMBERS_PER_MARK`] members: a call that would pass either changes nothing.
pub fn mark(
    db: &dyn Db,
    group: &GroupId,
    by: &Uid,
    uids: &[Uid],
    mark: i64,
    enable: bool,
) -> Result<MarkedMembers> {
    let (channel, _, _) = groups::authorised(db, group, by, GroupAction::MarkMembers)?;
    let refused = |message: String| {
        StoreError::RefusedByGroupRules(natter_core::Error::invalid_argument(message))
    };
    if enable {
        let others: i64 = db
            .query_one(
                "SELECT COUNT(DISTINCT mark) FROM group_member_marks \
                 WHERE channel_id = $1 AND mark <> $2",
                params![channel.id, mark],
            )?
            .get(0)?;
        if others >= group_rules::MAX_MARKS_PER_GROUP as i64 {
            return Err(refused(format!(
                "markType: group \"{group}\" has {} marks already, the most it may have",
                group_rules::MAX_MARKS_PER_GROUP
            )));
        }
    }
    let mut marked = MarkedMembers::default();
    for uid in uids {
        if !groups::is_member(db, group, uid)? {
            marked.not_members.push(uid.clone());
            continue;
        }
        let sql = if enable {
            "INSERT INTO group_member_marks (channel_id, mark, uid) VALUES ($1, $2, $3) \
             ON CONFLICT (channel_id, mark, uid) DO NOTHING"
        } else {
            "DELETE FROM group_member_marks WHERE channel_id = $1 AND mark = $2 AND uid = $3"
        };
        db.execute(sql, params![channel.id, mark, uid.as_str()])?;
        marked.done.push(uid.clone());
    }
    let named: i64 = db
        .query_one(
            "SELECT COUNT(*) FROM group_member_marks WHERE channel_id = $1 AND mark = $2",
            params![channel.id, mark],
        )?
        .get(0)?;
    if named > group_rules::MAX_MEMBERS_PER_MARK as i64 {
        return Err(refused(format!(
            "userIDList: mark {mark} would name {named} members; a mark names at most {}",
            group_rules::MAX_MEMBERS_PER_MARK
        )));
    }
    Ok(marked)
}
