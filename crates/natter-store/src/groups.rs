//! Group membership. Joining and leaving open and close membership windows; a member who leaves
//! keeps a read-only conversation with history up to the moment they left.

use std::collections::HashSet;

use natter_core::group_rules::{
    self, GroupAction, GroupFacts, GroupType, JoinOption, Role, Standing,
};
use natter_core::{ChannelKind, ConversationId, GroupId, Uid};

use crate::db::params;
use crate::group_applications;
use crate::group_members;
use crate::group_tips::{self, Tip};
use crate::profiles::{self, GroupProfileChange};
use crate::rows::{self, Channel};
use crate::{Db, GroupProfile, MembershipChange, Result, Sent, StoreError, UserRole};

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
    refuse_topic(group)?;
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
    join_all(db, &channel, group, members, reset, now_ms)
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
    refuse_topic(group)?;
    require_users(db, members)?;
    let channel = match rows::find_channel(db, ChannelKind::Group, group.as_str())? {
        Some(channel) => channel,
        None => rows::create_channel(db, ChannelKind::Group, group.as_str(), now_ms)?,
    };
    if channel.dismissed {
        return Err(StoreError::AddingToDismissedGroup(group.clone()));
    }
    join_all(db, &channel, group, members, reset, now_ms)
}

/// `members` join the group; with `reset`, the current members not among them leave.
fn join_all(
    db: &dyn Db,
    channel: &Channel,
    group: &GroupId,
    members: &[Uid],
    reset: bool,
    now_ms: i64,
) -> Result<MembershipChange> {
    let mut change = MembershipChange::default();
    for member in members {
        match join(db, channel, group, member, now_ms)? {
            Joined::Already => continue,
            Joined::First => {}
            Joined::Again => change.rejoined.push(member.clone()),
        }
        change.joined.push(member.clone());
    }
    if reset {
        let keep: HashSet<&Uid> = members.iter().collect();
        for member in crate::messaging::current_members(db, channel.id)? {
            if !keep.contains(&member) && leave(db, channel, group, &member)? {
                change.left.push(member);
            }
        }
    }
    Ok(change)
}

/// Removes every current member (WuKongIM's `/channel/subscriber_remove_all`), as
/// [`remove_members`] removes some; the group stays, empty, for members to be added again.
pub fn remove_all_members(db: &dyn Db, group: &GroupId) -> Result<MembershipChange> {
    let Some(channel) = rows::find_channel(db, ChannelKind::Group, group.as_str())? else {
        return Ok(MembershipChange::default());
    };
    let members = crate::messaging::current_members(db, channel.id)?;
    remove_members(db, group, &members)
}

/// Removes members: each keeps a read-only conversation with history up to now. A group that
/// does not exist has no members to remove: nothing changes (WuKongIM answers it alike).
pub fn remove_members(db: &dyn Db, group: &GroupId, members: &[Uid]) -> Result<MembershipChange> {
    refuse_topic(group)?;
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

/// A member leaves by themself, and the group's tip tells the others. Leaving twice is fine;
/// leaving a group never joined is not, and neither is the owner leaving a group that only they
/// run (the group's rules).
pub fn leave_group(
    db: &dyn Db,
    group: &GroupId,
    uid: &Uid,
    now_ms: i64,
) -> Result<MembershipChange> {
    let channel = existing_group(db, group)?;
    if rows::load(db, uid, &ConversationId::Group(group.clone()))?.is_none() {
        return Err(StoreError::NeverAMember {
            uid: uid.clone(),
            group: group.clone(),
        });
    }
    let (facts, standing) = rules_input(db, &channel, group, uid)?;
    if standing.is_member && !facts.dismissed {
        obey(GroupAction::Quit, group, facts, standing)?;
    }
    let mut change = MembershipChange::default();
    if leave(db, &channel, group, uid)? {
        change.left.push(uid.clone());
    }
    change.tip = group_tips::write(db, group, uid, Tip::Quit, &change.left, now_ms)?;
    Ok(change)
}

/// Dismisses a group: every member keeps a read-only conversation. A group that does not exist
/// is left so (WuKongIM answers it alike): nothing changes.
pub fn dismiss(db: &dyn Db, group: &GroupId) -> Result<MembershipChange> {
    refuse_topic(group)?;
    let Some(channel) = rows::find_channel(db, ChannelKind::Group, group.as_str())? else {
        return Ok(MembershipChange::default());
    };
    let mut change = MembershipChange::default();
    for member in crate::messaging::current_members(db, channel.id)? {
        if leave(db, &channel, group, &member)? {
            change.left.push(member);
        }
    }
    db.execute(
        "UPDATE channels SET dismissed = 1 WHERE id = $1",
        params![channel.id],
    )?;
    // Its topics with it: their members left them as they left the community.
    db.execute(
        "UPDATE channels SET dismissed = 1 WHERE community_id = $1",
        params![channel.id],
    )?;
    Ok(change)
}

/// A group a client creates (Tencent's `createGroup`), with its creator as its owner.
#[derive(Debug, Clone)]
pub struct NewGroup {
    pub owner: Uid,
    /// The other members it starts with.
    pub members: Vec<Uid>,
    pub group_type: GroupType,
    pub name: String,
    pub avatar: String,
    pub introduction: String,
    pub notice: String,
    /// `None` for the type's default.
    pub join_option: Option<JoinOption>,
    /// Tencent's `groupCustomField`.
    pub custom_fields: std::collections::BTreeMap<String, String>,
    /// The most members it may have (Tencent's `maxMemberNum`); 0: no limit.
    pub max_member_count: u64,
    /// Members it starts with as admins (not in a work group, which has none).
    pub admins: Vec<Uid>,
    /// Members' custom fields from the start.
    pub member_fields: Vec<(Uid, std::collections::BTreeMap<String, String>)>,
    /// A community that has topics (Tencent's `isSupportTopic`; `crate::topics`).
    pub supports_topics: bool,
}

/// Creates a group for a client: the owner and the members join, and a meeting group shows new
/// members its history. An ID in use, even by a dismissed group, is refused.
pub fn create(
    db: &dyn Db,
    group: &GroupId,
    new: &NewGroup,
    now_ms: i64,
) -> Result<MembershipChange> {
    refuse_topic(group)?;
    if rows::find_channel(db, ChannelKind::Group, group.as_str())?.is_some() {
        return Err(StoreError::GroupExists(group.clone()));
    }
    new.members
        .iter()
        .try_for_each(|uid| rows::require_user(db, uid, UserRole::FirstMember))?;
    let starting = 1 + new.members.len() as u64;
    if new.max_member_count != 0 && starting > new.max_member_count {
        return Err(StoreError::GroupFull {
            group: group.clone(),
            limit: new.max_member_count,
        });
    }
    let channel = rows::create_channel(db, ChannelKind::Group, group.as_str(), now_ms)?;
    let custom_fields = serde_json::to_string(&new.custom_fields).map_err(StoreError::internal)?;
    db.execute(
        "UPDATE channels SET owner_uid = $1, group_type = $2, name = $3, avatar = $4, \
         introduction = $5, notice = $6, join_option = $7, new_members_see_history = $8, \
         custom_fields = $10, max_member_count = $11, supports_topics = $12 WHERE id = $9",
        params![
            new.owner.as_str(),
            new.group_type.as_str(),
            &new.name,
            &new.avatar,
            &new.introduction,
            &new.notice,
            new.join_option
                .filter(|_| new.group_type.takes_join_option())
                .map_or("", JoinOption::as_str),
            new.group_type.new_members_see_history(),
            channel.id,
            &custom_fields,
            i64::try_from(new.max_member_count).unwrap_or(i64::MAX),
            new.supports_topics,
        ],
    )?;
    let everyone: Vec<Uid> = std::iter::once(new.owner.clone())
        .chain(new.members.iter().cloned())
        .collect();
    let mut change = join_all(db, &channel, group, &everyone, false, now_ms)?;
    for admin in &new.admins {
        group_members::set(db, channel.id, admin, "is_admin", true.into())?;
    }
    for (uid, fields) in &new.member_fields {
        let json = serde_json::to_string(fields).map_err(StoreError::internal)?;
        group_members::set(db, channel.id, uid, "custom_fields", json.as_str().into())?;
    }
    change.listed = list_for(db, group, &everyone, now_ms)?;
    Ok(change)
}

/// What a member adding users did, user by user.
#[derive(Debug, Clone, Default)]
pub struct Added {
    pub added: Vec<Uid>,
    /// Members already.
    pub existed: Vec<Uid>,
    /// Never issued a token.
    pub unknown: Vec<Uid>,
    pub change: MembershipChange,
}

/// A member adds users to a group (Tencent's `addGroupMember`), as the group's rules allow.
pub fn add_by_member(
    db: &dyn Db,
    group: &GroupId,
    by: &Uid,
    users: &[Uid],
    now_ms: i64,
) -> Result<Added> {
    let (channel, _, _) = authorised(db, group, by, GroupAction::AddMembers)?;
    let mut added = Added::default();
    for uid in users {
        if !rows::user_exists(db, uid)? {
            added.unknown.push(uid.clone());
        } else if is_member(db, group, uid)? {
            added.existed.push(uid.clone());
        } else {
            added.added.push(uid.clone());
        }
    }
    make_room(db, &channel, group, added.added.len())?;
    added.change = join_all(db, &channel, group, &added.added, false, now_ms)?;
    added.change.listed = list_for(db, group, &added.added, now_ms)?;
    added.change.tip = group_tips::write(db, group, by, Tip::Joined, &added.added, now_ms)?;
    Ok(added)
}

/// The owner or an admin removes members (Tencent's `deleteGroupMember`); users who are not
/// members are passed over, and each member removed must rank below the remover. Nobody leaves
/// by removing themself: they quit. With `banned_until_ms`, in an AVChatRoom group, the users
/// named may not join it again until then.
pub fn remove_by_manager(
    db: &dyn Db,
    group: &GroupId,
    by: &Uid,
    users: &[Uid],
    banned_until_ms: Option<i64>,
    now_ms: i64,
) -> Result<MembershipChange> {
    let (channel, facts, by_standing) = authorised(db, group, by, GroupAction::RemoveMembers)?;
    if banned_until_ms.is_some() && facts.group_type != GroupType::AvChatRoom {
        return Err(StoreError::RefusedByGroupRules(
            natter_core::Error::invalid_argument(format!(
                "duration: group \"{group}\" is a {} group; only an AVChatRoom group keeps the \
                 users it removes from joining again",
                facts.group_type.as_str()
            )),
        ));
    }
    if users.contains(by) {
        return Err(StoreError::RefusedByGroupRules(
            natter_core::Error::invalid_argument(format!(
                "userIDList: holds {by}, who asks; a member leaves a group by quitting it"
            )),
        ));
    }
    let owner = profiles::group_owner(db, group)?;
    for uid in users {
        let target = standing(db, &channel, group, uid, owner.as_ref().map(Uid::as_str))?;
        if target.is_member {
            let (action, name) = (GroupAction::RemoveMembers, uid.as_str());
            group_rules::check_on_member(action, group.as_str(), by_standing, name, target, false)
                .map_err(StoreError::RefusedByGroupRules)?;
        }
    }
    let mut change = remove_members(db, group, users)?;
    change.tip = group_tips::write(db, group, by, Tip::KickedOut, &change.left, now_ms)?;
    if let Some(until_ms) = banned_until_ms {
        for uid in users {
            db.execute(
                "INSERT INTO group_bans (channel_id, uid, until_ms) VALUES ($1, $2, $3) \
                 ON CONFLICT (channel_id, uid) DO UPDATE SET until_ms = $3",
                params![channel.id, uid.as_str(), until_ms],
            )?;
        }
    }
    Ok(change)
}

/// The owner dismisses the group (Tencent's `dismissGroup`), as the group's rules allow.
pub fn dismiss_by_owner(db: &dyn Db, group: &GroupId, by: &Uid) -> Result<MembershipChange> {
    authorised(db, group, by, GroupAction::Dismiss)?;
    dismiss(db, group)
}

/// The owner hands the group to another current member (Tencent's `changeGroupOwner`); the
/// group's tip tells everyone. Returns the tip.
pub fn transfer_ownership(
    db: &dyn Db,
    group: &GroupId,
    by: &Uid,
    new_owner: &Uid,
    now_ms: i64,
) -> Result<Option<Sent>> {
    let (channel, _, _) = authorised(db, group, by, GroupAction::TransferOwnership)?;
    let refuse = |message: String| {
        StoreError::RefusedByGroupRules(natter_core::Error::invalid_argument(message))
    };
    if new_owner == by {
        return Err(refuse(format!(
            "newOwnerID: {by} owns group \"{group}\" already"
        )));
    }
    if !is_member(db, group, new_owner)? {
        return Err(refuse(format!(
            "newOwnerID: {new_owner} is not a member of group \"{group}\"; only a member can own it"
        )));
    }
    db.execute(
        "UPDATE channels SET owner_uid = $1 WHERE id = $2",
        params![new_owner.as_str(), channel.id],
    )?;
    // An admin who becomes the owner is the owner only: handing the group on again leaves them
    // an ordinary member, as it leaves the owner before them.
    db.execute(
        "UPDATE group_members SET is_admin = 0 WHERE channel_id = $1 AND uid = $2",
        params![channel.id, new_owner.as_str()],
    )?;
    let changes = natter_core::wire::NewGroupProfile {
        owner_id: Some(new_owner.to_string()),
        ..Default::default()
    };
    let new_owner = std::slice::from_ref(new_owner);
    let tip = Tip::ProfileUpdated(changes);
    group_tips::write(db, group, by, tip, new_owner, now_ms)
}

/// What a member's change to a group's profile did.
#[derive(Debug, Clone)]
pub struct ProfileEdit {
    /// As [`profiles::set_group`]: the new profile and who shows it; `None` when nothing changed.
    pub changed: Option<(GroupProfile, Vec<Uid>)>,
    /// The group's tip of the change, when something changed.
    pub tip: Option<Sent>,
}

/// A member with the right changes the group's profile (Tencent's `updateGroupProfile`); the
/// group's tip names the fields that changed. Muting or unmuting everyone takes the right to mute
/// as well.
pub fn edit_profile(
    db: &dyn Db,
    group: &GroupId,
    by: &Uid,
    change: &GroupProfileChange,
    now_ms: i64,
) -> Result<ProfileEdit> {
    let (_, facts, standing) = authorised(db, group, by, GroupAction::EditProfile)?;
    if change.mute_all.is_some() {
        obey(GroupAction::MuteMembers, group, facts, standing)?;
    }
    let kept;
    let change = if change.join_option.is_some() && !facts.group_type.takes_join_option() {
        kept = GroupProfileChange {
            join_option: None,
            ..change.clone()
        };
        &kept
    } else {
        change
    };
    let before = profiles::group_profile(db, group)?;
    let changed = profiles::set_group(db, group, change)?;
    let tip = match changed
        .as_ref()
        .and_then(|(after, _)| group_tips::profile_changes(&before, after))
    {
        Some(changes) => {
            group_tips::write(db, group, by, Tip::ProfileUpdated(changes), &[], now_ms)?
        }
        None => None,
    };
    Ok(ProfileEdit { changed, tip })
}

/// What asking to join a group did.
#[derive(Debug, Clone)]
pub enum Joining {
    /// Nothing: a member already.
    Already,
    Joined(Box<MembershipChange>),
    /// The group takes new members with approval: the request waits for its owner and admins,
    /// who are told.
    Asked {
        managers: Vec<Uid>,
    },
}

/// A user asks to join a group (Tencent's `joinGroup`): they join at once, or, where the group
/// takes new members with approval, their request (with `message`) waits for the owner or an
/// admin (`crate::group_applications`).
pub fn join_by_asking(
    db: &dyn Db,
    group: &GroupId,
    uid: &Uid,
    message: &str,
    now_ms: i64,
) -> Result<Joining> {
    let (channel, facts, standing) = authorised(db, group, uid, GroupAction::Join)?;
    if standing.is_member {
        return Ok(Joining::Already);
    }
    refuse_if_banned(db, &channel, group, uid, now_ms)?;
    if group_rules::joins_by_approval(facts) {
        let managers: Vec<Uid> = profiles::group_owner(db, group)?
            .into_iter()
            .chain(group_members::admins(db, channel.id)?)
            .collect();
        if managers.is_empty() {
            return Err(StoreError::RefusedByGroupRules(
                natter_core::Error::permission_denied(format!(
                    "group \"{group}\" takes new members with approval, and it has no owner or \
                     admin to give it; the app backend adds you (server API POST \
                     /channel/subscriber_add)"
                )),
            ));
        }
        group_applications::ask(db, channel.id, uid, message, now_ms)?;
        return Ok(Joining::Asked { managers });
    }
    let admitted = admit(db, &channel, group, uid, uid, now_ms)?;
    Ok(admitted.map_or(Joining::Already, |change| Joining::Joined(Box::new(change))))
}

/// `uid` joins the group from a client, let in by `by` (themself, when the group is open to
/// all; its owner or an admin, approving a request): their conversation is listed at once, and
/// the group's tip tells the members. `None`: a member already.
pub(crate) fn admit(
    db: &dyn Db,
    channel: &Channel,
    group: &GroupId,
    uid: &Uid,
    by: &Uid,
    now_ms: i64,
) -> Result<Option<MembershipChange>> {
    let joining = std::slice::from_ref(uid);
    if !is_member(db, group, uid)? {
        make_room(db, channel, group, 1)?;
    }
    let mut change = join_all(db, channel, group, joining, false, now_ms)?;
    if change.joined.is_empty() {
        return Ok(None);
    }
    change.listed = list_for(db, group, joining, now_ms)?;
    change.tip = group_tips::write(db, group, by, Tip::Joined, joining, now_ms)?;
    Ok(Some(change))
}

/// Refuses a user whom the group's owner or an admin removed with a duration that has not
/// passed (an AVChatRoom group's ban).
fn refuse_if_banned(
    db: &dyn Db,
    channel: &Channel,
    group: &GroupId,
    uid: &Uid,
    now_ms: i64,
) -> Result<()> {
    let until = db.query_opt(
        "SELECT until_ms FROM group_bans WHERE channel_id = $1 AND uid = $2 AND until_ms > $3",
        params![channel.id, uid.as_str(), now_ms],
    )?;
    match until {
        Some(row) => Err(StoreError::BannedFromGroup {
            uid: uid.clone(),
            group: group.clone(),
            until_ms: row.get(0)?,
        }),
        None => Ok(()),
    }
}

/// Refuses `joining` more members where the group would then pass the most its creator allowed
/// (Tencent's `maxMemberNum`). Only a client's additions are bound by it: the app backend's, as
/// its others, are not.
fn make_room(db: &dyn Db, channel: &Channel, group: &GroupId, joining: usize) -> Result<()> {
    let limit: u64 = db
        .query_one(
            "SELECT max_member_count FROM channels WHERE id = $1",
            params![channel.id],
        )?
        .get(0)?;
    // Most groups have no limit: their members are not counted.
    if limit == 0 {
        return Ok(());
    }
    let members: u64 = db
        .query_one(
            "SELECT COUNT(*) FROM conversations WHERE channel_id = $1 AND left_seq IS NULL",
            params![channel.id],
        )?
        .get(0)?;
    if members + joining as u64 > limit {
        return Err(StoreError::GroupFull {
            group: group.clone(),
            limit,
        });
    }
    Ok(())
}

/// Puts the group's conversation in the list of each of these new members (a group joined from
/// a client shows at once, before its next message); returns those whose list changed.
fn list_for(db: &dyn Db, group: &GroupId, members: &[Uid], now_ms: i64) -> Result<Vec<Uid>> {
    let conversation = ConversationId::Group(group.clone());
    let mut listed = Vec::new();
    for uid in members {
        let Some(mut loaded) = rows::load_for_update(db, uid, &conversation)? else {
            continue;
        };
        let before = loaded.counted();
        if loaded.view.state.show_joined_group(now_ms) {
            rows::save_loaded(db, uid, &mut loaded, before)?;
            listed.push(uid.clone());
        }
    }
    Ok(listed)
}

/// The group, once its rules let `uid` do `action` to it: its channel, and what the rules read.
pub(crate) fn authorised(
    db: &dyn Db,
    group: &GroupId,
    uid: &Uid,
    action: GroupAction,
) -> Result<(Channel, GroupFacts, Standing)> {
    let channel = existing_group(db, group)?;
    let (facts, standing) = rules_input(db, &channel, group, uid)?;
    obey(action, group, facts, standing)?;
    Ok((channel, facts, standing))
}

/// As [`authorised`], for a member or for the app backend, which acts as the group's owner
/// would (the group's type and state still rule): the group's channel.
pub(crate) fn authorised_for(
    db: &dyn Db,
    group: &GroupId,
    by: group_members::ChangedBy<'_>,
    action: GroupAction,
) -> Result<Channel> {
    match by {
        group_members::ChangedBy::Member(uid) => Ok(authorised(db, group, uid, action)?.0),
        group_members::ChangedBy::App => {
            let channel = existing_group(db, group)?;
            let (facts, _) = group_facts(db, &channel, group)?;
            let as_owner = Standing {
                is_member: true,
                role: Role::Owner,
            };
            obey(action, group, facts, as_owner)?;
            Ok(channel)
        }
    }
}

/// What the group's rules read: the group's type, join option and state, and where `uid`
/// stands in it.
fn rules_input(
    db: &dyn Db,
    channel: &Channel,
    group: &GroupId,
    uid: &Uid,
) -> Result<(GroupFacts, Standing)> {
    let (facts, owner) = group_facts(db, channel, group)?;
    let standing = match group.community() {
        // A topic's owner and admins are its community's; its members are the community's too.
        Some(community) => {
            let community_channel = existing_group(db, &community)?;
            let (_, owner) = group_facts(db, &community_channel, &community)?;
            standing(db, &community_channel, &community, uid, owner.as_deref())?
        }
        None => standing(db, channel, group, uid, owner.as_deref())?,
    };
    Ok((facts, standing))
}

/// The group's type, join option and state, as the rules read them, and its owner.
pub(crate) fn group_facts(
    db: &dyn Db,
    channel: &Channel,
    group: &GroupId,
) -> Result<(GroupFacts, Option<String>)> {
    let row = db.query_one(
        "SELECT group_type, join_option, owner_uid FROM channels WHERE id = $1",
        params![channel.id],
    )?;
    let group_type = GroupType::parse(&row.get::<String>(0)?)
        .ok_or_else(|| StoreError::internal(format!("group {group} has an unknown type")))?;
    let join_option = group_type.join_option(JoinOption::parse(&row.get::<String>(1)?));
    let facts = GroupFacts {
        group_type,
        join_option,
        dismissed: channel.dismissed,
    };
    Ok((facts, row.get(2)?))
}

/// Where `uid` stands in the group whose owner is `owner`.
pub(crate) fn standing(
    db: &dyn Db,
    channel: &Channel,
    group: &GroupId,
    uid: &Uid,
    owner: Option<&str>,
) -> Result<Standing> {
    let is_owner = owner == Some(uid.as_str());
    let is_admin = !is_owner && group_members::marks(db, channel.id, uid)?.is_admin;
    let role = Role::of(is_owner, is_admin);
    Ok(Standing {
        is_member: is_member(db, group, uid)?,
        role,
    })
}

fn obey(action: GroupAction, group: &GroupId, facts: GroupFacts, standing: Standing) -> Result<()> {
    group_rules::check(action, group.as_str(), facts, standing)
        .map_err(StoreError::RefusedByGroupRules)
}

pub(crate) fn is_member(db: &dyn Db, group: &GroupId, uid: &Uid) -> Result<bool> {
    Ok(rows::load(db, uid, &ConversationId::Group(group.clone()))?
        .is_some_and(|loaded| loaded.view.state.is_member()))
}

pub(crate) fn existing_group(db: &dyn Db, group: &GroupId) -> Result<Channel> {
    rows::find_channel(db, ChannelKind::Group, group.as_str())?
        .ok_or_else(|| StoreError::UnknownGroup(group.clone()))
}

/// Refuses a topic's ID where a group of its own is made or its members are moved: a topic's
/// members are its community's (`crate::topics`).
fn refuse_topic(group: &GroupId) -> Result<()> {
    if group.is_topic() {
        return Err(StoreError::TopicIdForGroup(group.clone()));
    }
    Ok(())
}

fn require_users(db: &dyn Db, uids: &[Uid]) -> Result<()> {
    uids.iter()
        .try_for_each(|uid| rows::require_user(db, uid, UserRole::Member))
}

/// What [`join`] did.
pub(crate) enum Joined {
    /// Nothing: they were a member.
    Already,
    First,
    /// A former member joined again.
    Again,
}

/// Opens a membership window starting after the channel's current last message; unread
/// counts start there. A first join into a group whose history is open to new members sees
/// the history from the start; a rejoin never sees what was sent while away. Joining a
/// community joins each of its topics alike.
pub(crate) fn join(
    db: &dyn Db,
    channel: &Channel,
    group: &GroupId,
    uid: &Uid,
    now_ms: i64,
) -> Result<Joined> {
    let conversation = ConversationId::Group(group.clone());
    let join_seq = channel.last_seq + 1;
    let (window_start, joined) = match rows::load_for_update(db, uid, &conversation)? {
        Some(loaded) if loaded.view.state.is_member() => return Ok(Joined::Already),
        Some(mut loaded) => {
            let before = loaded.counted();
            loaded.view.state.rejoin(join_seq);
            rows::save_loaded(db, uid, &mut loaded, before)?;
            (join_seq, Joined::Again)
        }
        None => {
            rows::insert(db, uid, channel.id, &conversation, join_seq)?;
            if history_open_to_new_members(db, channel.id)? {
                (1, Joined::First)
            } else {
                (join_seq, Joined::First)
            }
        }
    };
    // Leaving and rejoining with no message between leaves an empty window that starts at this
    // same seq: reopen it instead of adding a second one (the key is the window's start).
    db.execute(
        "INSERT INTO memberships (channel_id, uid, join_seq, joined_ms) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (channel_id, uid, join_seq) DO UPDATE SET left_seq = NULL, joined_ms = $4",
        params![channel.id, uid.as_str(), window_start, now_ms],
    )?;
    // A community's member is a member of each of its topics (a topic has none of its own).
    if !group.is_topic() {
        for (topic, topic_channel) in crate::topics::live(db, channel.id)? {
            join(db, &topic_channel, &topic, uid, now_ms)?;
        }
    }
    Ok(joined)
}

fn history_open_to_new_members(db: &dyn Db, channel_id: i64) -> Result<bool> {
    db.query_one(
        "SELECT new_members_see_history FROM channels WHERE id = $1",
        params![channel_id],
    )?
    .get(0)
}

/// Closes the member's open window at the channel's last seq, and in each of a community's
/// topics; not a member: nothing to do. Returns whether the user was a member.
pub(crate) fn leave(db: &dyn Db, channel: &Channel, group: &GroupId, uid: &Uid) -> Result<bool> {
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
    group_members::forget(db, channel.id, uid)?;
    // An owner who leaves (their work group, removed by the app backend, or with the group
    // dismissed) owns it no more: Tencent's work group is left without an owner alike.
    db.execute(
        "UPDATE channels SET owner_uid = NULL WHERE id = $1 AND owner_uid = $2",
        params![channel.id, uid.as_str()],
    )?;
    if !group.is_topic() {
        for (topic, topic_channel) in crate::topics::live(db, channel.id)? {
            leave(db, &topic_channel, &topic, uid)?;
        }
    }
    Ok(true)
}
