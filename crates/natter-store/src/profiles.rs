//! Profiles: a user's nick, avatar and custom fields, and a group's name, avatar, type and
//! notice. A conversation shows its peer's or group's profile by joining it when read, so a
//! change writes one row however many conversations show it. Each change takes the next value
//! of the profile clock, by which sync finds the conversations it affects.

use std::collections::BTreeMap;

use natter_core::{ChannelKind, ConversationId, GroupId, Uid};

use crate::db::params;
use crate::rows;
use crate::{Db, GroupProfile, Result, StoreError, UserProfile, UserRole};

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
    /// Replaces every custom field.
    pub custom_fields: Option<BTreeMap<String, String>>,
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
    if let Some(fields) = &change.custom_fields {
        profile.custom_fields = fields.clone();
    }
    if profile == before {
        return Ok(None);
    }
    let custom = serde_json::to_string(&profile.custom_fields).map_err(StoreError::internal)?;
    let clock = tick(db)?;
    db.execute(
        "UPDATE users SET nick = $1, avatar = $2, custom_fields = $3, profile_clock = $4 \
         WHERE uid = $5",
        params![&profile.nick, &profile.avatar, &custom, clock, uid.as_str()],
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
        "SELECT nick, avatar, custom_fields FROM users WHERE uid = $1",
        params![uid.as_str()],
    )?
    .map(|row| {
        let custom: String = row.get(2)?;
        Ok(UserProfile {
            uid: uid.clone(),
            nick: row.get(0)?,
            avatar: row.get(1)?,
            custom_fields: serde_json::from_str(&custom).map_err(StoreError::internal)?,
        })
    })
    .transpose()
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
    ] {
        if let Some(value) = value {
            value.clone_into(field);
        }
    }
    if profile == before {
        return Ok(None);
    }
    let clock = tick(db)?;
    db.execute(
        "UPDATE channels SET name = $1, avatar = $2, group_type = $3, notice = $4, \
         profile_clock = $5 WHERE kind = $6 AND key = $7",
        params![
            &profile.name,
            &profile.avatar,
            &profile.group_type,
            &profile.notice,
            clock,
            ChannelKind::Group.code(),
            group.as_str(),
        ],
    )?;
    let audience = db
        .query(
            "SELECT c.uid FROM conversations c JOIN channels ch ON ch.id = c.channel_id \
             WHERE ch.kind = $1 AND ch.key = $2",
            params![ChannelKind::Group.code(), group.as_str()],
        )?
        .iter()
        .map(|row| Ok(Uid::parse(&row.get::<String>(0)?, "uid")?))
        .collect::<Result<_>>()?;
    Ok(Some((profile, audience)))
}

/// A group's profile as one of its members (or former members) sees it.
pub fn group_for(db: &dyn Db, uid: &Uid, group: &GroupId) -> Result<GroupProfile> {
    let profile = group_profile(db, group)?;
    if rows::load(db, uid, &ConversationId::Group(group.clone()))?.is_none() {
        return Err(StoreError::NeverAMember {
            uid: uid.clone(),
            group: group.clone(),
        });
    }
    Ok(profile)
}

/// A group's profile with its number of members.
pub fn group_profile(db: &dyn Db, group: &GroupId) -> Result<GroupProfile> {
    let row = db
        .query_opt(
            "SELECT ch.name, ch.avatar, ch.group_type, ch.notice, ch.dismissed, \
             (SELECT COUNT(*) FROM conversations c WHERE c.channel_id = ch.id \
              AND c.left_seq IS NULL) FROM channels ch WHERE ch.kind = $1 AND ch.key = $2",
            params![ChannelKind::Group.code(), group.as_str()],
        )?
        .ok_or_else(|| StoreError::UnknownGroup(group.clone()))?;
    Ok(GroupProfile {
        group: group.clone(),
        name: row.get(0)?,
        avatar: row.get(1)?,
        group_type: row.get(2)?,
        notice: row.get(3)?,
        dismissed: row.get(4)?,
        member_count: row.get(5)?,
    })
}
