//! Profiles: a user's nick, avatar and custom fields, and a group's name, avatar, type and
//! notice. A conversation shows its peer's or group's profile by joining it when read, so a
//! change writes one row however many conversations show it. Each change takes the next value
//! of the profile clock, by which sync finds the conversations it affects.

use std::collections::BTreeMap;

use natter_core::friend_rules::AllowType;
use natter_core::group_rules::{GroupType, Role};
use natter_core::limits::MAX_CUSTOM_FIELDS;
use natter_core::profile::ProfileDetailsChange;
use natter_core::{ChannelKind, ConversationId, GroupId, Uid};

use crate::db::{Row, params};
use crate::group_members::{Marks, joined_ms_column};
use crate::rows;
use crate::{Db, GroupMemberProfile, GroupProfile, Result, StoreError, UserProfile, UserRole};

/// The profile clock now.
pub(crate) fn clock(db: &dyn Db) -> Result<u64> {
    db.query_one("SELECT value FROM clocks WHERE name = 'profiles'", &[])?
        .get(0)
}

fn tick(db: &dyn Db) -> Result<u64> {
    db.query_one(
        "UPDATE clocks SET value = value + 1 WHERE name = 'profiles' RETURNING value",
        &[],
    )?
    .get(0)
}

/// What to change of a user's profile; `None` keeps a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserProfileChange {
    pub nick: Option<String>,
    pub avatar: Option<String>,
    pub custom_fields: Option<CustomFields>,
    pub allow_type: Option<AllowType>,
    pub details: ProfileDetailsChange,
}

/// How a profile change treats the custom fields.
#[derive(Debug, Clone)]
pub enum CustomFields {
    /// Replaces every one (the app backend's `POST /user/profile`).
    Replace(BTreeMap<String, String>),
    /// Sets these and keeps the others (the user's own `POST /v1/profile`, as Tencent's
    /// `updateMyProfile`): at most [`MAX_CUSTOM_FIELDS`] in all.
    Merge(BTreeMap<String, String>),
}

/// Changes a user's profile. Returns it, and who shows it in a list: the user and everyone
/// with a one-to-one conversation with them. `None` when the change leaves the profile as it
/// was: nothing is written, so sync reports nothing and nobody needs telling.
pub fn set_user(
    db: &dyn Db,
    uid: &Uid,
    change: &UserProfileChange,
) -> Result<Option<(UserProfile, Vec<Uid>)>> {
    crate::locks::lock_user(db, uid)?;
    let before = user(db, uid)?.ok_or_else(|| StoreError::UnknownUser {
        uid: uid.clone(),
        role: UserRole::Peer,
    })?;
    let mut profile = before.clone();
    if let Some(nick) = &change.nick {
        profile.nick = nick.clone();
    }
    if let Some(avatar) = &change.avatar {
        profile.avatar = avatar.clone();
    }
    match &change.custom_fields {
        Some(CustomFields::Replace(fields)) => profile.custom_fields = fields.clone(),
        Some(CustomFields::Merge(fields)) => {
            profile.custom_fields.extend(fields.clone());
            if profile.custom_fields.len() > MAX_CUSTOM_FIELDS {
                return Err(StoreError::CustomFieldLimit {
                    uid: uid.clone(),
                    limit: MAX_CUSTOM_FIELDS,
                });
            }
        }
        None => {}
    }
    if let Some(allow_type) = change.allow_type {
        profile.allow_type = allow_type;
    }
    change.details.apply_to(&mut profile.details);
    if profile == before {
        return Ok(None);
    }
    let custom = serde_json::to_string(&profile.custom_fields).map_err(StoreError::internal)?;
    let details = serde_json::to_string(&profile.details).map_err(StoreError::internal)?;
    let clock = tick(db)?;
    db.execute(
        "UPDATE users SET nick = $1, avatar = $2, custom_fields = $3, allow_type = $4, \
         details = $7, profile_clock = $5 WHERE uid = $6",
        params![
            &profile.nick,
            &profile.avatar,
            &custom,
            profile.allow_type.code(),
            clock,
            uid.as_str(),
            &details
        ],
    )?;
    let named = ConversationId::C2c(uid.clone()).to_string();
    let mut audience = vec![uid.clone()];
    for row in db.query(
        "SELECT uid FROM conversations WHERE conversation_id = $1",
        params![&named],
    )? {
        audience.push(Uid::parse(&row.get::<String>(0)?, "uid")?);
    }
    Ok(Some((profile, audience)))
}

/// A user's profile, if the user exists.
pub fn user(db: &dyn Db, uid: &Uid) -> Result<Option<UserProfile>> {
    db.query_opt(
        concat!(
            "SELECT ",
            profile_columns!(),
            " FROM users u WHERE u.uid = $1"
        ),
        params![uid.as_str()],
    )?
    .map(|row| read_profile(uid.clone(), &row, 0))
    .transpose()
}

/// The profiles, of users and of groups (and topics), that link to an uploaded file
/// (`/files/…`): each as the text of its fields that may hold a link (avatar, custom fields, a
/// group's notice and introduction). A file a profile shows is kept however long ago it was
/// linked (see `FileStore::remove_untouched`). Read once an hour by retention, so a scan is
/// cheap enough.
pub fn profiles_linking_files(db: &dyn Db) -> Result<Vec<String>> {
    db.query(
        "SELECT linking FROM (SELECT avatar || ' ' || custom_fields || ' ' || details AS linking \
         FROM users) AS u WHERE linking LIKE '%/files/%' \
         UNION ALL SELECT linking FROM (SELECT avatar || ' ' || notice || ' ' || introduction \
         || ' ' || custom_fields || ' ' || topic_data AS linking FROM channels) AS c \
         WHERE linking LIKE '%/files/%'",
        params![],
    )?
    .into_iter()
    .map(|row| row.get(0))
    .collect()
}

/// The columns of a user's profile in a row of `users u`, for [`read_profile`]: a macro, so
/// that the constant statements that read profiles can take them into their text.
macro_rules! profile_columns {
    () => {
        "u.nick, u.avatar, u.custom_fields, u.allow_type, u.details"
    };
}
pub(crate) use profile_columns;

/// A user's profile from its columns ([`profile_columns!`]), starting
/// at `at`.
pub(crate) fn read_profile(uid: Uid, row: &Row, at: usize) -> Result<UserProfile> {
    let custom: String = row.get(at + 2)?;
    Ok(UserProfile {
        uid,
        nick: row.get(at)?,
        avatar: row.get(at + 1)?,
        custom_fields: serde_json::from_str(&custom).map_err(StoreError::internal)?,
        allow_type: AllowType::from_code(row.get(at + 3)?),
        details: serde_json::from_str(&row.get::<String>(at + 4)?).map_err(StoreError::internal)?,
    })
}

/// The profiles of the users that exist among `uids`, in that order.
pub fn users(db: &dyn Db, uids: &[Uid]) -> Result<Vec<UserProfile>> {
    let mut profiles = Vec::with_capacity(uids.len());
    for uid in uids {
        if let Some(profile) = user(db, uid)? {
            profiles.push(profile);
        }
    }
    Ok(profiles)
}

/// What to change of a group's profile; `None` keeps a field as it is.
#[derive(Debug, Clone, Default)]
pub struct GroupProfileChange {
    pub name: Option<String>,
    pub avatar: Option<String>,
    pub group_type: Option<String>,
    pub notice: Option<String>,
    pub introduction: Option<String>,
    pub join_option: Option<String>,
    /// Tencent's `muteAllMembers`: only the owner and admins send.
    pub mute_all: Option<bool>,
    /// Custom fields to set, keeping the others; an empty value removes one. At most
    /// [`MAX_CUSTOM_FIELDS`] in all.
    pub custom_fields: Option<BTreeMap<String, String>>,
}

/// Changes a group's profile. Returns it, and who shows it in a list: everyone who has the
/// group's conversation (members and former members). `None` when the change leaves the
/// profile as it was: nothing is written, so sync reports nothing and nobody needs telling.
pub fn set_group(
    db: &dyn Db,
    group: &GroupId,
    change: &GroupProfileChange,
) -> Result<Option<(GroupProfile, Vec<Uid>)>> {
    // Locks the group's row inside a write (see `crate::locks`); an unknown group fails below.
    rows::find_channel(db, ChannelKind::Group, group.as_str())?;
    let before = group_profile(db, group)?;
    let mut profile = before.clone();
    for (field, value) in [
        (&mut profile.name, &change.name),
        (&mut profile.avatar, &change.avatar),
        (&mut profile.group_type, &change.group_type),
        (&mut profile.notice, &change.notice),
        (&mut profile.introduction, &change.introduction),
        (&mut profile.join_option, &change.join_option),
    ] {
        if let Some(value) = value {
            value.clone_into(field);
        }
    }
    profile.mute_all = change.mute_all.unwrap_or(profile.mute_all);
    if let Some(changes) = &change.custom_fields {
        crate::group_members::merge_fields(&mut profile.custom_fields, changes);
        if profile.custom_fields.len() > MAX_CUSTOM_FIELDS {
            return Err(StoreError::GroupFieldLimit {
                group: group.clone(),
                limit: MAX_CUSTOM_FIELDS,
            });
        }
    }
    if profile == before {
        return Ok(None);
    }
    let custom = serde_json::to_string(&profile.custom_fields).map_err(StoreError::internal)?;
    let clock = tick(db)?;
    db.execute(
        "UPDATE channels SET name = $1, avatar = $2, group_type = $3, notice = $4, \
         introduction = $5, join_option = $6, mute_all = $10, custom_fields = $11, \
         profile_clock = $7 WHERE kind = $8 AND key = $9",
        params![
            &profile.name,
            &profile.avatar,
            &profile.group_type,
            &profile.notice,
            &profile.introduction,
            &profile.join_option,
            clock,
            ChannelKind::Group.code(),
            group.as_str(),
            profile.mute_all,
            &custom,
        ],
    )?;
    Ok(Some((profile, group_audience(db, group)?)))
}

/// Who shows the group in a list: everyone who has its conversation (members and former
/// members), the users to tell of a change to its profile.
pub fn group_audience(db: &dyn Db, group: &GroupId) -> Result<Vec<Uid>> {
    db.query(
        "SELECT c.uid FROM conversations c JOIN channels ch ON ch.id = c.channel_id \
         WHERE ch.kind = $1 AND ch.key = $2",
        params![ChannelKind::Group.code(), group.as_str()],
    )?
    .iter()
    .map(|row| Ok(Uid::parse(&row.get::<String>(0)?, "uid")?))
    .collect()
}

/// A group's profile as `uid` sees it, and whether they are a current member: a member or
/// former member sees it, and anyone when the group's profile is public
/// (`GroupType::profile_is_public`).
pub fn group_for(db: &dyn Db, uid: &Uid, group: &GroupId) -> Result<(GroupProfile, bool)> {
    let profile = group_profile(db, group)?;
    let public = GroupType::parse(&profile.group_type).is_some_and(GroupType::profile_is_public);
    let Some(loaded) = rows::load(db, uid, &ConversationId::Group(group.clone()))? else {
        if public {
            return Ok((profile, false));
        }
        return Err(StoreError::NeverAMember {
            uid: uid.clone(),
            group: group.clone(),
        });
    };
    Ok((profile, loaded.view.state.is_member()))
}

/// A group's profile columns, then its number of current members, for [`read_group`].
pub(crate) const GROUP_COLUMNS: &str = "ch.key, ch.name, ch.avatar, ch.group_type, ch.notice, ch.dismissed, \
     (SELECT COUNT(*) FROM conversations m WHERE m.channel_id = ch.id AND m.left_seq IS NULL), \
     ch.introduction, ch.owner_uid, ch.join_option, ch.id, ch.mute_all, ch.custom_fields, \
     ch.max_member_count, ch.supports_topics";

/// The group of a row of [`GROUP_COLUMNS`], with its admins.
pub(crate) fn read_group(db: &dyn Db, row: &Row) -> Result<GroupProfile> {
    Ok(GroupProfile {
        admins: crate::group_members::admins(db, row.get(10)?)?,
        group: GroupId::parse(&row.get::<String>(0)?, "groupID")?,
        name: row.get(1)?,
        avatar: row.get(2)?,
        group_type: row.get(3)?,
        notice: row.get(4)?,
        dismissed: row.get(5)?,
        member_count: row.get(6)?,
        introduction: row.get(7)?,
        owner: row
            .get::<Option<String>>(8)?
            .map(|uid| Uid::parse(&uid, "owner_uid"))
            .transpose()?,
        join_option: row.get(9)?,
        mute_all: row.get(11)?,
        custom_fields: crate::group_members::read_fields(&row.get::<String>(12)?)?,
        max_member_count: row.get(13)?,
        supports_topics: row.get(14)?,
    })
}

/// A group's profile with its number of members.
pub fn group_profile(db: &dyn Db, group: &GroupId) -> Result<GroupProfile> {
    let sql = format!("SELECT {GROUP_COLUMNS} FROM channels ch WHERE ch.kind = $1 AND ch.key = $2");
    let row = db
        .query_opt(&sql, params![ChannelKind::Group.code(), group.as_str()])?
        .ok_or_else(|| StoreError::UnknownGroup(group.clone()))?;
    read_group(db, &row)
}

/// The group's owner, if it has one (see [`GroupProfile::owner`]).
pub fn group_owner(db: &dyn Db, group: &GroupId) -> Result<Option<Uid>> {
    db.query_opt(
        "SELECT owner_uid FROM channels WHERE kind = $1 AND key = $2",
        params![ChannelKind::Group.code(), group.as_str()],
    )?
    .ok_or_else(|| StoreError::UnknownGroup(group.clone()))?
    .get::<Option<String>>(0)?
    .map(|uid| Ok(Uid::parse(&uid, "owner_uid")?))
    .transpose()
}

/// The groups the user is a member of now, by group ID (their communities' topics are not
/// groups of theirs: `crate::topics` lists them).
pub fn groups_of(db: &dyn Db, uid: &Uid) -> Result<Vec<GroupProfile>> {
    let sql = format!(
        "SELECT {GROUP_COLUMNS} FROM conversations c JOIN channels ch ON ch.id = c.channel_id \
         WHERE c.uid = $1 AND ch.kind = $2 AND c.left_seq IS NULL AND ch.community_id IS NULL \
         ORDER BY ch.key"
    );
    db.query(&sql, params![uid.as_str(), ChannelKind::Group.code()])?
        .iter()
        .map(|row| read_group(db, row))
        .collect()
}

/// Which of a group's members a page lists: all, or those of one role, or those carrying a
/// mark (Tencent's `markGroupMemberList`), or both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemberFilter {
    pub role: Option<Role>,
    /// Read in an audio-video group only, as Tencent's reads it; set aside in any other (whose
    /// members carry no marks).
    pub mark: Option<i64>,
}

/// A page of a group's current members (those `filter` lets through), by user ID, with their
/// profiles, for one of those members: a former member no longer sees who is in the group, a
/// stranger never did.
pub fn members_for(
    db: &dyn Db,
    uid: &Uid,
    group: &GroupId,
    filter: MemberFilter,
    offset: u64,
    limit: u64,
) -> Result<Vec<GroupMemberProfile>> {
    let channel_id = current_member_of(db, uid, group)?;
    let to_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let mark = match filter.mark {
        Some(mark) => {
            let channel = crate::groups::existing_group(db, group)?;
            let (facts, _) = crate::groups::group_facts(db, &channel, group)?;
            (facts.group_type == GroupType::AvChatRoom).then_some(mark)
        }
        None => None,
    };
    // As `Role::of`: owning outranks the admin mark.
    let is_owner = "c.uid = COALESCE((SELECT ch.owner_uid FROM channels ch \
                    WHERE ch.id = c.channel_id), '')";
    let of_role = match filter.role {
        None => "1 = 1".to_owned(),
        Some(Role::Owner) => is_owner.to_owned(),
        Some(Role::Admin) => format!("COALESCE(r.is_admin, 0) = 1 AND NOT {is_owner}"),
        Some(Role::Member) => format!("COALESCE(r.is_admin, 0) = 0 AND NOT {is_owner}"),
    };
    let sql = format!(
        "SELECT {MEMBER_COLUMNS} WHERE c.channel_id = $1 AND c.left_seq IS NULL AND {of_role} \
         AND (CAST($4 AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM group_member_marks k \
         WHERE k.channel_id = c.channel_id AND k.mark = $4 AND k.uid = c.uid)) \
         ORDER BY c.uid LIMIT $2 OFFSET $3"
    );
    let params = params![channel_id, to_i64(limit), to_i64(offset), mark];
    db.query(&sql, params)?.iter().map(read_member).collect()
}

/// A member's profile and marks, from their conversation of the group (`c`), for
/// [`read_member`].
const MEMBER_COLUMNS: &str = concat!(
    "u.uid, ",
    profile_columns!(),
    ", COALESCE(r.is_admin, 0), COALESCE(r.muted_until_ms, 0), COALESCE(r.name_card, ''), \
     COALESCE(r.custom_fields, '{}'), ",
    joined_ms_column!(),
    " FROM conversations c JOIN users u ON u.uid = c.uid \
     LEFT JOIN group_members r ON r.channel_id = c.channel_id AND r.uid = c.uid"
);

fn read_member(row: &Row) -> Result<GroupMemberProfile> {
    Ok(GroupMemberProfile {
        profile: read_profile(Uid::parse(&row.get::<String>(0)?, "uid")?, row, 1)?,
        marks: Marks {
            is_admin: row.get(6)?,
            muted_until_ms: row.get(7)?,
            name_card: row.get(8)?,
            custom_fields: crate::group_members::read_fields(&row.get::<String>(9)?)?,
        },
        joined_ms: row.get(10)?,
    })
}

/// The named users among a group's current members, with their profiles, in the order named,
/// for one of those members (Tencent's `getGroupMemberProfile`); users who are not members
/// are left out.
pub fn members_named(
    db: &dyn Db,
    uid: &Uid,
    group: &GroupId,
    named: &[Uid],
) -> Result<Vec<GroupMemberProfile>> {
    let channel_id = current_member_of(db, uid, group)?;
    let sql = format!(
        "SELECT {MEMBER_COLUMNS} WHERE c.channel_id = $1 AND c.uid = $2 AND c.left_seq IS NULL"
    );
    let mut found = Vec::with_capacity(named.len());
    for member in named {
        if let Some(row) = db.query_opt(&sql, params![channel_id, member.as_str()])? {
            found.push(read_member(&row)?);
        }
    }
    Ok(found)
}

/// The group's channel, when `uid` is one of its current members: a former member no longer
/// sees who is in it, a stranger never did.
pub(crate) fn current_member_of(db: &dyn Db, uid: &Uid, group: &GroupId) -> Result<i64> {
    let channel_id: i64 = db
        .query_opt(
            "SELECT id FROM channels WHERE kind = $1 AND key = $2",
            params![ChannelKind::Group.code(), group.as_str()],
        )?
        .ok_or_else(|| StoreError::UnknownGroup(group.clone()))?
        .get(0)?;
    let membership = db.query_opt(
        "SELECT left_seq FROM conversations WHERE uid = $1 AND channel_id = $2",
        params![uid.as_str(), channel_id],
    )?;
    let (uid, group) = (uid.clone(), group.clone());
    match membership
        .map(|row| row.get::<Option<i64>>(0))
        .transpose()?
    {
        None => Err(StoreError::NeverAMember { uid, group }),
        Some(Some(_left)) => Err(StoreError::NoLongerAMember { uid, group }),
        Some(None) => Ok(channel_id),
    }
}
