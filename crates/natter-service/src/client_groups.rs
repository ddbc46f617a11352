//! Groups as their members run them from a client (Tencent's `createGroup`, `addGroupMember`,
//! `deleteGroupMember`, `getGroupMemberProfile`, `updateGroupProfile`, `changeGroupOwner`,
//! `dismissGroup`, `joinGroup`, and `setGroupMemberRole`, `setGroupMemberMuteTime`,
//! `setGroupMemberNameCard` and `setGroupMemberCustomField` as one update of a member). Who may do what is
//! `natter_core::group_rules`, checked by the store inside each write; the app backend's own
//! calls, and leaving, are in `groups.rs`.

use std::collections::BTreeMap;

use natter_core::group_rules::{GroupType, JoinOption, Role};
use natter_core::ids::TOPIC_COMMUNITY_PREFIX;
use natter_core::limits::{
    MAX_GROUP_INTRODUCTION_BYTES, MAX_GROUP_MEMBER_LIMIT, MAX_GROUP_MEMBERS_PER_CALL,
    MAX_JOIN_REQUEST_MESSAGE_BYTES, MAX_MEMBERS_PER_PROFILE_CALL, MAX_MUTE_SECS,
    MAX_NAME_CARD_BYTES, refuse_nul,
};
use natter_core::wire;
use natter_core::{Error, GroupId, Result, Uid};
use natter_store::group_members::{self, ChangedBy, MemberUpdate};
use natter_store::groups::{self, Joining, NewGroup};
use natter_store::profiles::{self, GroupProfileChange};
use natter_store::{GroupProfile, MembershipChange};

use crate::groups::{distinct_uids, group_notice};
use crate::profiles::{check_avatar, check_name, check_notice, custom_field_map, member_mark};
use crate::{Natter, now_ms, present};

/// The letters and digits of the group IDs the server makes, after `@TGS#` (as Tencent's).
const GROUP_ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const GROUP_ID_RANDOM_CHARS: usize = 10;
/// Users one `markGroupMemberList` names at most (Tencent's SDK cuts a longer list to these).
const MAX_MARKED_PER_CALL: usize = 500;

impl Natter {
    /// `POST /v1/groups`: the user creates a group, owns it and is its first member.
    pub async fn create_group(&self, uid: &Uid, request: wire::CreateGroup) -> Result<wire::Group> {
        let group_type = match request.group_type.as_deref() {
            None => GroupType::Work,
            Some(name) => GroupType::parse(name).ok_or_else(|| {
                Error::invalid_argument(format!(
                    "type: {name:?} is not a group type; use Private (a work group, the default), \
                     Public, ChatRoom (a meeting group), AVChatRoom or Community"
                ))
            })?,
        };
        if !group_type.takes_members_at_creation() && !request.member_list.is_empty() {
            return Err(Error::invalid_argument(format!(
                "memberList: an {} group starts with its creator alone; users join it",
                group_type.as_str()
            )));
        }
        let join_option = request
            .join_option
            .as_deref()
            .map(parse_join_option)
            .transpose()?;
        if request.name.trim().is_empty() {
            return Err(Error::invalid_argument(
                "name: is empty; a group needs a name",
            ));
        }
        check_name(&request.name, "name")?;
        let fields = ProfileFields {
            avatar: request.avatar.as_deref(),
            introduction: request.introduction.as_deref(),
            notification: request.notification.as_deref(),
        };
        fields.check()?;
        let max_member_count = match request.max_member_num {
            None => 0,
            Some(most @ 1..=MAX_GROUP_MEMBER_LIMIT) => most,
            Some(most) => {
                return Err(Error::invalid_argument(format!(
                    "maxMemberNum: {most}; give 1 to {MAX_GROUP_MEMBER_LIMIT}, or leave it out \
                     for no limit"
                )));
            }
        };
        let mut custom_fields = custom_field_map(request.group_custom_field, "groupCustomField")?;
        custom_fields.retain(|_, value| !value.is_empty());
        let supports_topics = request.is_support_topic == Some(true);
        if supports_topics && group_type != GroupType::Community {
            return Err(Error::invalid_argument(format!(
                "isSupportTopic: only a Community group has topics, not a {} one",
                group_type.as_str()
            )));
        }
        let group = match &request.group_id {
            Some(id) => GroupId::parse(id, "groupID")?,
            None if supports_topics => new_group_id(TOPIC_COMMUNITY_PREFIX),
            None => new_group_id("@TGS#"),
        };
        if supports_topics && !group.as_str().starts_with(TOPIC_COMMUNITY_PREFIX) {
            return Err(Error::invalid_argument(format!(
                "groupID: a community with topics has an ID starting with {TOPIC_COMMUNITY_PREFIX} \
                 (Tencent's rule, which its SDK reads to tell topics apart), not {group:?}; \
                 leave it out for one the server makes"
            )));
        }
        let member_ids: Vec<String> = request
            .member_list
            .iter()
            .map(|m| m.user_id.clone())
            .collect();
        let members: Vec<Uid> = user_list(&member_ids, "memberList", 0)?
            .into_iter()
            .filter(|member| member != uid)
            .collect();
        let (admins, member_fields) = member_marks(&request.member_list, uid, group_type)?;
        let new = NewGroup {
            owner: uid.clone(),
            members,
            group_type,
            name: request.name,
            avatar: request.avatar.unwrap_or_default(),
            introduction: request.introduction.unwrap_or_default(),
            notice: request.notification.unwrap_or_default(),
            join_option,
            custom_fields,
            max_member_count,
            admins,
            member_fields,
            supports_topics,
        };
        let (id, now_ms) = (group.clone(), now_ms());
        let (change, profile) = self
            .write(move |db| {
                let change = groups::create(db, &id, &new, now_ms)?;
                Ok((change, profiles::group_profile(db, &id)?))
            })
            .await?;
        self.notify_membership(&group, &change.listed).await;
        self.group_seen_by(&profile, uid).await
    }

    /// `POST /v1/groups/{groupID}/members`: a member adds users, as the group's rules allow.
    pub async fn add_group_members(
        &self,
        uid: &Uid,
        group_id: &str,
        request: wire::GroupMemberIdList,
    ) -> Result<wire::AddedGroupMembers> {
        let group = GroupId::parse(group_id, "groupID")?;
        let users = user_list(&request.user_id_list, "userIDList", 1)?;
        let (id, by, now_ms) = (group.clone(), uid.clone(), now_ms());
        let (added, profile, audience) = self
            .write(move |db| {
                let added = groups::add_by_member(db, &id, &by, &users, now_ms)?;
                let audience = audience_if(db, &id, !added.added.is_empty())?;
                Ok((added, profiles::group_profile(db, &id)?, audience))
            })
            .await?;
        self.tell_joined(&group, &added.change).await;
        self.tell_group_changed(&profile, &audience);
        Ok(wire::AddedGroupMembers {
            success_user_id_list: names(&added.added),
            failure_user_id_list: names(&added.unknown),
            existed_user_id_list: names(&added.existed),
            group: self.group_seen_by(&profile, uid).await?,
        })
    }

    /// `POST /v1/groups/{groupID}/members/remove`: the owner or an admin removes members; each
    /// keeps a read-only conversation and finds a notice in `@TIM#SYSTEM`.
    pub async fn remove_group_members(
        &self,
        uid: &Uid,
        group_id: &str,
        request: wire::GroupMemberRemoval,
    ) -> Result<wire::RemovedGroupMembers> {
        let group = GroupId::parse(group_id, "groupID")?;
        let users = user_list(&request.user_id_list, "userIDList", 1)?;
        let (id, by, now_ms) = (group.clone(), uid.clone(), now_ms());
        let banned_until_ms = match request.duration {
            None | Some(0) => None,
            Some(secs @ 1..=MAX_MUTE_SECS) => Some(now_ms + secs as i64 * 1000),
            Some(secs) => {
                return Err(Error::invalid_argument(format!(
                    "duration: {secs} seconds; at most {MAX_MUTE_SECS}"
                )));
            }
        };
        let (change, profile, audience) = self
            .write(move |db| {
                let change =
                    groups::remove_by_manager(db, &id, &by, &users, banned_until_ms, now_ms)?;
                let audience = audience_if(db, &id, !change.left.is_empty())?;
                Ok((change, profiles::group_profile(db, &id)?, audience))
            })
            .await?;
        self.tell_removed(&group, &change.left, Some(uid)).await;
        self.tell_group_changed(&profile, &audience);
        self.announce_tip(change.tip.as_ref()).await;
        Ok(wire::RemovedGroupMembers {
            user_id_list: names(&change.left),
            group: self.group_seen_by(&profile, uid).await?,
        })
    }

    /// `POST /v1/groups/{groupID}/dismiss`: the owner dismisses the group, as the group's rules
    /// allow; members keep read-only conversations and find a notice in `@TIM#SYSTEM`.
    pub async fn dismiss_group_as_owner(&self, uid: &Uid, group_id: &str) -> Result<()> {
        let group = GroupId::parse(group_id, "groupID")?;
        let (id, by) = (group.clone(), uid.clone());
        let change = self
            .write(move |db| groups::dismiss_by_owner(db, &id, &by))
            .await?;
        self.tell_dismissed(&group, &change.left, Some(uid)).await;
        Ok(())
    }

    /// `POST /v1/groups/{groupID}`: a member with the right changes the group's profile;
    /// everyone who shows the group hears of it, as with the app backend's changes.
    pub async fn update_group_profile(
        &self,
        uid: &Uid,
        group_id: &str,
        request: wire::GroupProfileUpdate,
    ) -> Result<wire::Group> {
        let group = GroupId::parse(group_id, "groupID")?;
        if let Some(name) = &request.name {
            if name.trim().is_empty() {
                return Err(Error::invalid_argument(
                    "name: is empty; a group needs a name",
                ));
            }
            check_name(name, "name")?;
        }
        let fields = ProfileFields {
            avatar: request.avatar.as_deref(),
            introduction: request.introduction.as_deref(),
            notification: request.notification.as_deref(),
        };
        fields.check()?;
        let join_option = request
            .join_option
            .as_deref()
            .map(parse_join_option)
            .transpose()?;
        let change = GroupProfileChange {
            name: request.name,
            avatar: request.avatar,
            group_type: None,
            notice: request.notification,
            introduction: request.introduction,
            join_option: join_option.map(|option| option.as_str().to_owned()),
            mute_all: request.mute_all_members,
            custom_fields: request
                .group_custom_field
                .map(|fields| custom_field_map(fields, "groupCustomField"))
                .transpose()?,
        };
        let (id, by, now_ms) = (group.clone(), uid.clone(), now_ms());
        let (edit, profile) = self
            .write(move |db| {
                let edit = groups::edit_profile(db, &id, &by, &change, now_ms)?;
                Ok((edit, profiles::group_profile(db, &id)?))
            })
            .await?;
        if let Some((changed, audience)) = &edit.changed {
            self.tell_group_changed(changed, audience);
        }
        self.announce_tip(edit.tip.as_ref()).await;
        self.group_seen_by(&profile, uid).await
    }

    /// `POST /v1/groups/{groupID}/owner`: the owner hands the group to another member.
    pub async fn change_group_owner(
        &self,
        uid: &Uid,
        group_id: &str,
        request: wire::GroupOwnerChange,
    ) -> Result<wire::Group> {
        let group = GroupId::parse(group_id, "groupID")?;
        let new_owner = Uid::parse(&request.new_owner_id, "newOwnerID")?;
        let (id, by, now_ms) = (group, uid.clone(), now_ms());
        let (tip, profile, audience) = self
            .write(move |db| {
                let tip = groups::transfer_ownership(db, &id, &by, &new_owner, now_ms)?;
                Ok((
                    tip,
                    profiles::group_profile(db, &id)?,
                    profiles::group_audience(db, &id)?,
                ))
            })
            .await?;
        // The conversation's `groupProfile` carries no owner: a client showing one asks again.
        self.tell_group_changed(&profile, &audience);
        self.announce_tip(tip.as_ref()).await;
        self.group_seen_by(&profile, uid).await
    }

    /// `POST /v1/groups/{groupID}/members/profile`: the named users among the group's members,
    /// for one of them.
    pub async fn group_members_named(
        &self,
        uid: &Uid,
        group_id: &str,
        request: wire::GroupMemberIdList,
    ) -> Result<wire::GroupMemberList> {
        let group = GroupId::parse(group_id, "groupID")?;
        let named = user_list(&request.user_id_list, "userIDList", 1)?;
        if named.len() > MAX_MEMBERS_PER_PROFILE_CALL {
            return Err(Error::invalid_argument(format!(
                "userIDList: {} users given; at most {MAX_MEMBERS_PER_PROFILE_CALL} per call",
                named.len()
            )));
        }
        let uid = uid.clone();
        let (members, owner) = self
            .read(move |db| {
                let members = profiles::members_named(db, &uid, &group, &named)?;
                Ok((members, profiles::group_owner(db, &group)?))
            })
            .await?;
        Ok(wire::GroupMemberList {
            member_list: members
                .iter()
                .map(|member| present::group_member(member, owner.as_ref(), now_ms()))
                .collect(),
            offset: 0,
        })
    }

    /// `POST /v1/groups/{groupID}/join`: the user joins a group that takes users who ask, or,
    /// where the group takes new members with approval, asks its owner and admins, who find the
    /// request in `@TIM#SYSTEM` (`group_applications.rs` answers it).
    pub async fn join_group(
        &self,
        uid: &Uid,
        group_id: &str,
        request: wire::JoinGroupRequest,
    ) -> Result<wire::JoinedGroup> {
        let group = GroupId::parse(group_id, "groupID")?;
        let message = request.apply_message.unwrap_or_default();
        check_request_message(&message, "applyMessage")?;
        let (id, member, asked, now_ms) = (group.clone(), uid.clone(), message.clone(), now_ms());
        let (joining, profile, audience) = self
            .write(move |db| {
                let joining = groups::join_by_asking(db, &id, &member, &asked, now_ms)?;
                let joined = matches!(joining, Joining::Joined(_));
                let audience = audience_if(db, &id, joined)?;
                Ok((joining, profiles::group_profile(db, &id)?, audience))
            })
            .await?;
        let status = match joining {
            Joining::Joined(change) => {
                self.tell_joined(&group, &change).await;
                "JoinedSuccess"
            }
            Joining::Asked { managers } => {
                let mut notice = group_notice("groupJoinRequest", &group, Some(uid));
                notice["message"] = message.into();
                self.notify_each(&managers, &notice).await;
                "WaitAdminApproval"
            }
            Joining::Already => "AlreadyInGroup",
        };
        self.tell_group_changed(&profile, &audience);
        Ok(wire::JoinedGroup {
            status: status.to_owned(),
            group: self.group_seen_by(&profile, uid).await?,
        })
    }

    /// `POST /v1/groups/{groupID}/members/update`: the owner names or unnames an admin, the
    /// owner or an admin mutes or unmutes a member, a member sets a name card, as the group's
    /// rules allow. A change of role tells the member in `@TIM#SYSTEM`; a change of role or a
    /// mute writes the group's tip. Given a topic's ID, a member is muted in that topic alone,
    /// by the community's rules: the answer is the community, and the member as they are in it
    /// with `muteUntil` their mute in the topic.
    pub async fn update_group_member(
        &self,
        uid: &Uid,
        group_id: &str,
        request: wire::GroupMemberUpdate,
    ) -> Result<wire::UpdatedGroupMember> {
        let (profile, member) = self
            .change_group_member(Some(uid), group_id, request)
            .await?;
        Ok(wire::UpdatedGroupMember {
            member,
            group: self.group_seen_by(&profile, uid).await?,
        })
    }

    /// `POST /v1/groups/{groupID}/members/mark`: the owner of an audio-video group marks the
    /// named members with `markType`, or takes it off them (Tencent's `markGroupMemberList`);
    /// users who are not members are listed apart. No one is told: a mark shows only in who a
    /// member list filtered by it lists.
    pub async fn mark_group_members(
        &self,
        uid: &Uid,
        group_id: &str,
        request: wire::MarkGroupMembersRequest,
    ) -> Result<wire::MarkGroupMembersResult> {
        let group = GroupId::parse(group_id, "groupID")?;
        if request.user_id_list.is_empty() || request.user_id_list.len() > MAX_MARKED_PER_CALL {
            return Err(Error::invalid_argument(format!(
                "userIDList: {} users; name 1 to {MAX_MARKED_PER_CALL}",
                request.user_id_list.len()
            )));
        }
        let named = request
            .user_id_list
            .iter()
            .map(|user| Uid::parse(user, "userIDList"))
            .collect::<Result<Vec<_>>>()?;
        let mark = member_mark(request.mark_type, "markType")?;
        let (by, enable) = (uid.clone(), request.enable_mark);
        let marked = self
            .write(move |db| group_members::mark(db, &group, &by, &named, mark, enable))
            .await?;
        let listed = |uids: &[Uid]| uids.iter().map(Uid::to_string).collect();
        Ok(wire::MarkGroupMembersResult {
            success_user_id_list: listed(&marked.done),
            failure_user_id_list: listed(&marked.not_members),
        })
    }

    /// `POST /groups/{groupID}/members/update`: the app backend changes a member, as the
    /// group's owner could, in any group (one it made has no owner to do it); no tip is written.
    pub async fn server_update_group_member(
        &self,
        group_id: &str,
        request: wire::GroupMemberUpdate,
    ) -> Result<wire::GroupMember> {
        Ok(self.change_group_member(None, group_id, request).await?.1)
    }

    /// A member (`Some`) or the app backend (`None`) changes a member; the group, and the
    /// member as they now are. A member whose role changed finds a notice in `@TIM#SYSTEM`.
    async fn change_group_member(
        &self,
        by: Option<&Uid>,
        group_id: &str,
        request: wire::GroupMemberUpdate,
    ) -> Result<(GroupProfile, wire::GroupMember)> {
        let group = GroupId::parse(group_id, "groupID")?;
        let member = Uid::parse(&request.user_id, "userID")?;
        let update = member_update(request)?;
        let (id, changer, target, now_ms) = (group.clone(), by.cloned(), member.clone(), now_ms());
        let (updated, profile, shown) = self
            .write(move |db| {
                let by = match &changer {
                    Some(uid) => ChangedBy::Member(uid),
                    None => ChangedBy::App,
                };
                let updated = group_members::update(db, &id, by, &target, &update, now_ms)?;
                // A topic's member is shown as they are in its community, muted in the topic.
                let shown_in = id.community().unwrap_or_else(|| id.clone());
                // The member is a member (the update checked it), so they see themself.
                let mut shown =
                    profiles::members_named(db, &target, &shown_in, std::slice::from_ref(&target))?;
                if let (true, Some(until_ms)) = (id.is_topic(), updated.muted_until_ms) {
                    shown
                        .iter_mut()
                        .for_each(|m| m.marks.muted_until_ms = until_ms);
                }
                Ok((updated, profiles::group_profile(db, &shown_in)?, shown))
            })
            .await?;
        for tip in &updated.tips {
            self.announce_tip(Some(tip)).await;
        }
        if let Some(role) = updated.new_role {
            let kind = match role {
                Role::Admin => "groupAdminSet",
                _ => "groupAdminCanceled",
            };
            let notice = group_notice(kind, &group, by);
            self.notify_each(std::slice::from_ref(&member), &notice)
                .await;
        }
        let shown = shown.first().ok_or_else(|| {
            Error::internal(format!(
                "{member} changed in group \"{group}\" but is not in it"
            ))
        })?;
        let shown = present::group_member(shown, profile.owner.as_ref(), now_ms);
        Ok((profile, shown))
    }

    /// Members who joined from a client (by asking, or let in by the owner) see the group's tip
    /// of it, then their conversation. The tip first: a device that first hears of a
    /// conversation takes it as delivered up to its last message, the tip.
    pub(crate) async fn tell_joined(&self, group: &GroupId, change: &MembershipChange) {
        self.announce_tip(change.tip.as_ref()).await;
        self.notify_membership(group, &change.changed_members())
            .await;
    }
}

/// The change a member update asks for, checked: at least one part, a role of `Admin` or
/// `Member`, a mute within Tencent's limit, a name card within its size.
fn member_update(request: wire::GroupMemberUpdate) -> Result<MemberUpdate> {
    let role = match request.role.as_deref() {
        None => None,
        Some("Admin") => Some(Role::Admin),
        Some("Member") => Some(Role::Member),
        Some(other) => {
            return Err(Error::invalid_argument(format!(
                "role: {other:?} is not Admin or Member; the owner changes by changeGroupOwner"
            )));
        }
    };
    if let Some(secs) = request.mute_time
        && secs > MAX_MUTE_SECS
    {
        return Err(Error::invalid_argument(format!(
            "muteTime: {secs} seconds; at most {MAX_MUTE_SECS}"
        )));
    }
    if let Some(card) = &request.name_card {
        if card.len() > MAX_NAME_CARD_BYTES {
            return Err(Error::invalid_argument(format!(
                "nameCard: at most {MAX_NAME_CARD_BYTES} bytes"
            )));
        }
        refuse_nul("nameCard", card)?;
    }
    let custom_fields = request
        .member_custom_field
        .map(|fields| custom_field_map(fields, "memberCustomField"))
        .transpose()?;
    if role.is_none()
        && request.mute_time.is_none()
        && request.name_card.is_none()
        && custom_fields.is_none()
    {
        return Err(Error::invalid_argument(
            "role, muteTime, nameCard, memberCustomField: none given; set at least one",
        ));
    }
    Ok(MemberUpdate {
        role,
        mute_for_secs: request.mute_time,
        name_card: request.name_card,
        custom_fields,
    })
}

/// The admins and the members' custom fields a new group's `memberList` gives, its creator (the
/// owner) passed over: a work group has no admins, and a role is `Admin` or `Member`.
type MemberMarks = (Vec<Uid>, Vec<(Uid, BTreeMap<String, String>)>);

fn member_marks(
    list: &[wire::NewGroupMember],
    creator: &Uid,
    group_type: GroupType,
) -> Result<MemberMarks> {
    let (mut admins, mut member_fields) = (Vec::new(), Vec::new());
    for member in list {
        let uid = Uid::parse(&member.user_id, "memberList")?;
        if uid == *creator {
            continue;
        }
        match member.role.as_deref() {
            None | Some("Member") => {}
            Some("Admin") if group_type != GroupType::Work => admins.push(uid.clone()),
            Some("Admin") => {
                return Err(Error::invalid_argument(
                    "memberList: a work group has no admins; start the members as Member",
                ));
            }
            Some(other) => {
                return Err(Error::invalid_argument(format!(
                    "memberList: role {other:?} is not Admin or Member (the creator owns the group)"
                )));
            }
        }
        if let Some(fields) = &member.member_custom_field {
            let mut fields = custom_field_map(fields.clone(), "memberCustomField")?;
            fields.retain(|_, value| !value.is_empty());
            if !fields.is_empty() {
                member_fields.push((uid, fields));
            }
        }
    }
    Ok((admins, member_fields))
}

/// What a request to join, or its answer, says: at most 1 KiB, no NUL.
pub(crate) fn check_request_message(message: &str, field: &str) -> Result<()> {
    if message.len() > MAX_JOIN_REQUEST_MESSAGE_BYTES {
        return Err(Error::invalid_argument(format!(
            "{field}: at most {MAX_JOIN_REQUEST_MESSAGE_BYTES} bytes"
        )));
    }
    refuse_nul(field, message)
}

/// Who to tell that the group's members changed (its `memberCount`): everyone who shows the
/// group, former members included, when `changed`. Tencent's SDK learns it from the group's tips,
/// which reach only current members.
pub(crate) fn audience_if(
    db: &dyn natter_store::Db,
    group: &GroupId,
    changed: bool,
) -> natter_store::Result<Vec<Uid>> {
    if changed {
        profiles::group_audience(db, group)
    } else {
        Ok(Vec::new())
    }
}

/// The profile fields a client may set besides the name: a group's or a topic's avatar,
/// introduction and notice, as a request gives them.
pub(crate) struct ProfileFields<'a> {
    pub(crate) avatar: Option<&'a str>,
    pub(crate) introduction: Option<&'a str>,
    pub(crate) notification: Option<&'a str>,
}

impl ProfileFields<'_> {
    pub(crate) fn check(&self) -> Result<()> {
        if let Some(avatar) = self.avatar {
            check_avatar(avatar)?;
        }
        if let Some(notification) = self.notification {
            check_notice(notification, "notification")?;
        }
        if let Some(introduction) = self.introduction {
            if introduction.len() > MAX_GROUP_INTRODUCTION_BYTES {
                return Err(Error::invalid_argument(format!(
                    "introduction: at most {MAX_GROUP_INTRODUCTION_BYTES} bytes"
                )));
            }
            refuse_nul("introduction", introduction)?;
        }
        Ok(())
    }
}

fn parse_join_option(value: &str) -> Result<JoinOption> {
    JoinOption::parse(value).ok_or_else(|| {
        Error::invalid_argument(format!(
            "joinOption: {value:?} is not a join option; use FreeAccess, NeedPermission or \
             DisableApply"
        ))
    })
}

/// Parses a list of user IDs, dropping repeats: at least `min`, at most
/// [`MAX_GROUP_MEMBERS_PER_CALL`].
fn user_list(ids: &[String], field: &str, min: usize) -> Result<Vec<Uid>> {
    if ids.len() < min {
        return Err(Error::invalid_argument(format!(
            "{field}: is empty; list at least one userID"
        )));
    }
    if ids.len() > MAX_GROUP_MEMBERS_PER_CALL {
        return Err(Error::invalid_argument(format!(
            "{field}: {} users given; at most {MAX_GROUP_MEMBERS_PER_CALL} per call",
            ids.len()
        )));
    }
    distinct_uids(ids, field)
}

fn names(uids: &[Uid]) -> Vec<String> {
    uids.iter().map(Uid::to_string).collect()
}

/// A new group ID: `prefix` (`@TGS#`, or `@TGS#_` for a community with topics) and ten random
/// capitals or digits: Tencent's shape, so apps that recognise its group IDs recognise these;
/// 36^10 of them make a clash unlikely, and one is refused, not merged.
fn new_group_id(prefix: &str) -> GroupId {
    GroupId::parse(&format!("{prefix}{}", random_id_part()), "groupID")
        .expect("the made ID is a valid group ID")
}

/// The random part of the IDs the server makes: of groups, and of topics
/// (`<communityID>@TOPIC#_<part>`).
pub(crate) fn random_id_part() -> String {
    (0..GROUP_ID_RANDOM_CHARS)
        .map(|_| char::from(GROUP_ID_ALPHABET[fastrand::usize(..GROUP_ID_ALPHABET.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_group_ids_have_tencents_shape_and_differ() {
        let (a, b) = (new_group_id("@TGS#"), new_group_id("@TGS#"));
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), "@TGS#".len() + GROUP_ID_RANDOM_CHARS);
        assert!(a.as_str().starts_with("@TGS#"));
    }

    #[test]
    fn user_lists_drop_repeats_and_keep_to_the_limit() {
        let ids = vec!["bob".to_owned(), "carol".to_owned(), "bob".to_owned()];
        assert_eq!(user_list(&ids, "userIDList", 1).unwrap().len(), 2);
        assert!(user_list(&[], "userIDList", 1).is_err());
        let many: Vec<String> = (0..=MAX_GROUP_MEMBERS_PER_CALL)
            .map(|n| format!("u{n}"))
            .collect();
        let error = user_list(&many, "userIDList", 1).unwrap_err();
        assert!(
            error.message.starts_with("userIDList: 501 users"),
            "{}",
            error.message
        );
    }
}
