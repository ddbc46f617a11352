//! Profiles: set by the app backend, read by devices, shown in every list that shows their
//! person or group. A change is one row and one event per online user who shows it.

use natter_core::group_rules::{GroupType, MIN_MEMBER_MARK, Role};
use natter_core::limits::{
    DEFAULT_MEMBERS_PER_PAGE, MAX_AVATAR_BYTES, MAX_CUSTOM_FIELD_KEY_BYTES,
    MAX_CUSTOM_FIELD_VALUE_BYTES, MAX_CUSTOM_FIELDS, MAX_GROUP_NOTICE_BYTES, MAX_MEMBERS_PER_PAGE,
    MAX_NAME_CHARS, refuse_nul,
};
use natter_core::profile::ProfileDetailsChange;
use natter_core::wire::{self, ServerEvent};
use natter_core::{ChannelKind, Error, GroupId, Result, Uid};
use natter_store::profiles::{
    self, CustomFields, GroupProfileChange, MemberFilter, UserProfileChange,
};
use natter_store::{friends, group_members};

use crate::events::{Frame, Recipients};
use crate::present::AskingMember;
use crate::{Natter, groups, now_ms, present};

impl Natter {
    /// `POST /user/profile`: the app backend sets a user's nick, avatar, custom fields, or
    /// whether they may send friend requests.
    pub async fn set_user_profile(&self, request: wire::ServerUserProfile) -> Result<()> {
        let uid = Uid::parse(&request.uid, "uid")?;
        if let Some(fields) = &request.custom_fields {
            check_custom_fields(fields, "custom_fields")?;
        }
        let change = UserProfileChange {
            nick: request.nick,
            avatar: request.avatar,
            custom_fields: request.custom_fields.map(CustomFields::Replace),
            allow_type: None,
            details: ProfileDetailsChange {
                admin_forbid_type: request.admin_forbid_type,
                ..ProfileDetailsChange::default()
            },
        };
        self.change_user_profile(uid, change).await.map(drop)
    }

    /// `POST /v1/profile`: the user changes their own profile, as Tencent's `updateMyProfile`:
    /// the fields given are set (the custom fields among them, the others kept), the rest kept.
    /// Answers the profile as it now is.
    pub async fn update_my_profile(
        &self,
        uid: &Uid,
        request: wire::MyProfileUpdate,
    ) -> Result<wire::Profile> {
        if let Some(fields) = &request.custom_fields {
            check_custom_fields(fields, "customFields")?;
        }
        let details = ProfileDetailsChange {
            gender: request.gender,
            birthday: request.birthday,
            location: request.location,
            self_signature: request.self_signature,
            language: request.language,
            level: request.level,
            role: request.role,
            admin_forbid_type: None,
        };
        details.check()?;
        let change = UserProfileChange {
            nick: request.nick,
            avatar: request.avatar,
            custom_fields: request.custom_fields.map(CustomFields::Merge),
            allow_type: request.allow_type,
            details,
        };
        match self.change_user_profile(uid.clone(), change).await? {
            Some(profile) => Ok(present::profile(&profile)),
            // Nothing changed, so nothing was written or read: the profile is as stored.
            None => self.user_profile(uid.as_str()).await,
        }
    }

    /// Writes a profile change and tells everyone who shows the profile. Returns the profile
    /// as it now is, or `None` when the change left it as it was.
    async fn change_user_profile(
        &self,
        uid: Uid,
        change: UserProfileChange,
    ) -> Result<Option<natter_store::UserProfile>> {
        if let Some(nick) = &change.nick {
            check_name(nick, "nick")?;
        }
        if let Some(avatar) = &change.avatar {
            check_avatar(avatar)?;
        }
        let changed = self
            .write(move |db| {
                let Some(changed) = profiles::set_user(db, &uid, &change)? else {
                    return Ok(None);
                };
                Ok(Some((changed, friends::listed_by(db, &uid)?)))
            })
            .await?;
        let Some(((profile, audience), friends_of_theirs)) = changed else {
            return Ok(None);
        };
        let event = ServerEvent::ProfileUpdated {
            user_profile_list: vec![present::profile(&profile)],
            group_profile_list: Vec::new(),
        };
        self.tell_each(&audience, &event);
        // Their friend lists show the profile too.
        self.tell_each(&friends_of_theirs, &ServerEvent::FriendListUpdated {});
        Ok(Some(profile))
    }

    /// The group as `uid`, a current member, sees it in the answer to a change they made, with
    /// their own name card.
    pub(crate) async fn group_seen_by(
        &self,
        profile: &natter_store::GroupProfile,
        uid: &Uid,
    ) -> Result<wire::Group> {
        let (group, member) = (profile.group.clone(), uid.clone());
        let own = self
            .read(move |db| group_members::self_in(db, &group, &member))
            .await?;
        let member = AskingMember { uid, own: &own };
        Ok(present::group(profile, Some(member)))
    }

    /// `GET /user/profile`: one user's profile, for the app backend.
    pub async fn user_profile(&self, uid: &str) -> Result<wire::Profile> {
        let uid = Uid::parse(uid, "uid")?;
        let found = uid.clone();
        self.read(move |db| profiles::user(db, &found))
            .await?
            .map(|profile| present::profile(&profile))
            .ok_or_else(|| Error::not_found(format!("uid: user \"{uid}\" does not exist")))
    }

    /// `POST /v1/profiles`: the profiles of these users (those that exist), in that order.
    pub async fn user_profiles(&self, user_ids: &[String]) -> Result<wire::ProfileList> {
        if user_ids.is_empty() || user_ids.len() > 100 {
            return Err(Error::invalid_argument(format!(
                "userIDList: give 1 to 100 user IDs, got {}",
                user_ids.len()
            )));
        }
        let uids = user_ids
            .iter()
            .map(|uid| Uid::parse(uid, "userIDList"))
            .collect::<Result<Vec<_>>>()?;
        let found = self.read(move |db| profiles::users(db, &uids)).await?;
        Ok(wire::ProfileList {
            profile_list: found.iter().map(present::profile).collect(),
        })
    }

    /// `POST /channel/info`: the app backend sets a group's name, avatar, type or notice
    /// (`disband: 1` dismisses it). One row changes, however many members the group has; none,
    /// and no `profileUpdated`, when the profile stays as it was (`disband` alone, say).
    pub async fn set_group_profile(&self, request: wire::ChannelInfoRequest) -> Result<()> {
        if request.channel_type != ChannelKind::Group.code() {
            return Err(Error::invalid_argument(format!(
                "channel_type: {} has no profile here; groups are channel_type 2 (a user's \
                 profile is set with POST /user/profile)",
                request.channel_type
            )));
        }
        let group = GroupId::parse(&request.channel_id, "channel_id")?;
        let disband = groups::disbands(request.disband)?;
        groups::refuse_ban(request.ban)?;
        if let Some(name) = &request.name {
            check_name(name, "name")?;
        }
        if let Some(avatar) = &request.avatar {
            check_avatar(avatar)?;
        }
        if let Some(group_type) = &request.group_type
            && GroupType::parse(group_type).is_none()
        {
            let types: Vec<&str> = GroupType::ALL.iter().map(|kind| kind.as_str()).collect();
            return Err(Error::invalid_argument(format!(
                "group_type: {group_type:?} is not a group type; use one of {}",
                types.join(", ")
            )));
        }
        if let Some(notice) = &request.notice {
            check_notice(notice, "notice")?;
        }
        if let Some(fields) = &request.custom_fields {
            check_custom_fields(fields, "custom_fields")?;
        }
        let change = GroupProfileChange {
            name: request.name,
            avatar: request.avatar,
            group_type: request.group_type,
            notice: request.notice,
            introduction: None,
            join_option: None,
            mute_all: None,
            custom_fields: request.custom_fields,
        };
        let id = group.clone();
        let changed = self
            .write(move |db| profiles::set_group(db, &id, &change))
            .await?;
        if let Some((profile, audience)) = changed {
            self.tell_group_changed(&profile, &audience);
        }
        if disband {
            self.dismiss_group(wire::ChannelRef {
                channel_id: group.to_string(),
                channel_type: ChannelKind::Group.code(),
            })
            .await?;
        }
        Ok(())
    }

    /// `GET /channel/info`: a group's information, for the app backend.
    pub async fn channel_info(
        &self,
        channel_id: &str,
        channel_type: i64,
    ) -> Result<wire::ServerChannelInfo> {
        if channel_type != ChannelKind::Group.code() {
            return Err(Error::invalid_argument(format!(
                "channel_type: {channel_type} has no information here; groups are channel_type 2"
            )));
        }
        let group = GroupId::parse(channel_id, "channel_id")?;
        let profile = self
            .read(move |db| profiles::group_profile(db, &group))
            .await?;
        Ok(wire::ServerChannelInfo {
            channel_id: profile.group.to_string(),
            channel_type,
            name: profile.name,
            avatar: profile.avatar,
            group_type: profile.group_type,
            notice: profile.notice,
            disband: u8::from(profile.dismissed),
            member_count: profile.member_count,
            custom_fields: profile.custom_fields,
        })
    }

    /// `GET /v1/groups/{groupID}`: the group as its members (and former members) see it, or
    /// anyone, for a group whose profile is public.
    pub async fn group_profile(&self, uid: &Uid, group_id: &str) -> Result<wire::Group> {
        let group = GroupId::parse(group_id, "groupID")?;
        let asking = uid.clone();
        let (profile, is_member, own) = self
            .read(move |db| {
                let (profile, is_member) = profiles::group_for(db, &asking, &group)?;
                let own = group_members::self_in(db, &group, &asking)?;
                Ok((profile, is_member, own))
            })
            .await?;
        let member = AskingMember { uid, own: &own };
        Ok(present::group(&profile, is_member.then_some(member)))
    }

    /// `GET /v1/groups`: the groups the user is a member of now.
    pub async fn group_list(&self, uid: &Uid) -> Result<wire::GroupList> {
        let member = uid.clone();
        let (groups, selves) = self
            .read(move |db| {
                let groups = profiles::groups_of(db, &member)?;
                Ok((groups, group_members::selves_of(db, &member)?))
            })
            .await?;
        let none = group_members::SelfInGroup::default();
        let own_in = |group: &GroupId| {
            selves
                .iter()
                .find(|(named, _)| named == group)
                .map_or(&none, |(_, own)| own)
        };
        Ok(wire::GroupList {
            group_list: groups
                .iter()
                .map(|group| {
                    let member = AskingMember {
                        uid,
                        own: own_in(&group.group),
                    };
                    present::group(group, Some(member))
                })
                .collect(),
        })
    }

    /// `GET /v1/groups/{groupID}/members`: a page of the group's members for one of them,
    /// `count` (1–100, default 15, as Tencent's) from `offset`: of one `role` only, and in an
    /// audio-video group of one `mark` only, when given (elsewhere no member carries a mark, and
    /// the filter is set aside, as Tencent's applies it to audio-video groups alone).
    pub async fn group_members(
        &self,
        uid: &Uid,
        group_id: &str,
        page: MemberPage,
    ) -> Result<wire::GroupMemberList> {
        let MemberPage {
            role,
            mark,
            offset,
            count,
        } = page;
        let group = GroupId::parse(group_id, "groupID")?;
        let role = role
            .map(|name| {
                Role::from_name(&name).ok_or_else(|| {
                    Error::invalid_argument(format!(
                        "role: {name:?} is not a role; use Owner, Admin or Member"
                    ))
                })
            })
            .transpose()?;
        let mark = mark.map(|mark| member_mark(mark, "filter")).transpose()?;
        let count = count.unwrap_or(DEFAULT_MEMBERS_PER_PAGE);
        if !(1..=MAX_MEMBERS_PER_PAGE).contains(&count) {
            return Err(Error::invalid_argument(format!(
                "count: {count} given; 1 to {MAX_MEMBERS_PER_PAGE}"
            )));
        }
        let offset = offset.unwrap_or(0);
        let uid = uid.clone();
        let (members, owner) = self
            .read(move |db| {
                let filter = MemberFilter { role, mark };
                let members = profiles::members_for(db, &uid, &group, filter, offset, count)?;
                Ok((members, profiles::group_owner(db, &group)?))
            })
            .await?;
        let returned = members.len() as u64;
        Ok(wire::GroupMemberList {
            member_list: members
                .iter()
                .map(|member| present::group_member(member, owner.as_ref(), now_ms()))
                .collect(),
            offset: if returned < count {
                0
            } else {
                offset + returned
            },
        })
    }

    /// Everyone who shows the group (`audience`) hears it changed, as `profileUpdated` with
    /// the group: its profile, or its owner or members, which a client showing them asks for
    /// again.
    pub(crate) fn tell_group_changed(
        &self,
        profile: &natter_store::GroupProfile,
        audience: &[Uid],
    ) {
        if audience.is_empty() {
            return;
        }
        let event = ServerEvent::ProfileUpdated {
            user_profile_list: Vec::new(),
            group_profile_list: vec![present::group_brief(profile)],
        };
        self.tell_each(audience, &event);
    }

    /// The same event to each of these users' devices, serialised once.
    pub(crate) fn tell_each(&self, uids: &[Uid], event: &ServerEvent) {
        let frame = Frame::new(event.clone(), None);
        for uid in uids {
            if self.events.may_be_online(uid) {
                self.events.publish(uid, &frame, Recipients::All);
            }
        }
    }
}

pub(crate) fn check_name(name: &str, field: &str) -> Result<()> {
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::invalid_argument(format!(
            "{field}: at most {MAX_NAME_CHARS} characters"
        )));
    }
    refuse_nul(field, name)
}

/// A group's notice, named `field` as the caller's API names it (`notice`, `notification`).
pub(crate) fn check_notice(notice: &str, field: &str) -> Result<()> {
    if notice.len() > MAX_GROUP_NOTICE_BYTES {
        return Err(Error::invalid_argument(format!(
            "{field}: at most {MAX_GROUP_NOTICE_BYTES} bytes"
        )));
    }
    refuse_nul(field, notice)
}

pub(crate) fn check_avatar(avatar: &str) -> Result<()> {
    if avatar.len() > MAX_AVATAR_BYTES {
        return Err(Error::invalid_argument(format!(
            "avatar: at most {MAX_AVATAR_BYTES} bytes"
        )));
    }
    refuse_nul("avatar", avatar)
}

/// Custom fields as a client lists them (`field`: which), by key: each key once, within the
/// limits of [`check_custom_fields`].
pub(crate) fn custom_field_map(
    fields: Vec<wire::CustomField>,
    field: &str,
) -> Result<std::collections::BTreeMap<String, String>> {
    let count = fields.len();
    let fields: std::collections::BTreeMap<String, String> =
        fields.into_iter().map(|f| (f.key, f.value)).collect();
    if fields.len() < count {
        return Err(Error::invalid_argument(format!(
            "{field}: a key is given twice"
        )));
    }
    check_custom_fields(&fields, field)?;
    Ok(fields)
}

/// `field` names the custom fields as the caller's API does (`custom_fields`, `customFields`).
pub(crate) fn check_custom_fields(
    fields: &std::collections::BTreeMap<String, String>,
    field: &str,
) -> Result<()> {
    if fields.len() > MAX_CUSTOM_FIELDS {
        return Err(Error::invalid_argument(format!(
            "{field}: at most {MAX_CUSTOM_FIELDS} fields"
        )));
    }
    for (key, value) in fields {
        if key.is_empty() || key.len() > MAX_CUSTOM_FIELD_KEY_BYTES {
            return Err(Error::invalid_argument(format!(
                "{field}: a key is 1 to {MAX_CUSTOM_FIELD_KEY_BYTES} bytes, got {key:?}"
            )));
        }
        if value.len() > MAX_CUSTOM_FIELD_VALUE_BYTES {
            return Err(Error::invalid_argument(format!(
                "{field}.{key}: at most {MAX_CUSTOM_FIELD_VALUE_BYTES} bytes"
            )));
        }
        refuse_nul(field, key)?;
        refuse_nul(field, value)?;
    }
    Ok(())
}

/// Which page of a group's members to list (`GET /v1/groups/{groupID}/members`).
#[derive(Debug, Clone, Default)]
pub struct MemberPage {
    /// `Owner`, `Admin` or `Member`.
    pub role: Option<String>,
    /// A mark of Tencent's `markGroupMemberList`.
    pub mark: Option<u64>,
    pub offset: Option<u64>,
    pub count: Option<u64>,
}

/// A member mark (in `field`) as the store keeps it: Tencent's `markType`, 1000 or more (below
/// is Tencent's own) and a 32-bit number.
pub(crate) fn member_mark(mark: u64, field: &str) -> Result<i64> {
    if !(MIN_MEMBER_MARK..=u64::from(u32::MAX)).contains(&mark) {
        return Err(Error::invalid_argument(format!(
            "{field}: {mark} is not a mark; use {MIN_MEMBER_MARK} to {}",
            u32::MAX
        )));
    }
    Ok(mark as i64)
}
