//! Communities' topics (Tencent's `createTopicInCommunity`, `getTopicList`,
//! `updateTopicProfile`, `deleteTopicFromCommunity`).
//!
//! A topic is a group channel of its own, keyed by its ID (`<communityID>@TOPIC#_<suffix>`,
//! which names its community), so its messages, history, reads and recalls are a group's. Its
//! members are always its community's current members: joining or leaving the community joins
//! or leaves each of its topics (`groups::join`, `groups::leave`), and the community's owner and
//! admins are the topic's (`groups::rules_input`). A topic's conversation is never in its
//! members' conversation lists nor in their unread totals
//! (`ConversationState::on_topic_message`); its unread count and last message are shown with the
//! topic ([`list`]).

use std::collections::HashMap;

use natter_core::group_rules::GroupAction;
use natter_core::limits::MAX_TOPICS_PER_COMMUNITY;
use natter_core::{ChannelKind, ConversationId, GroupId, Uid};

use crate::db::params;
use crate::group_members::ChangedBy;
use crate::groups;
use crate::messaging::current_members;
use crate::rows::{self, Channel, LOADED_COLUMNS, LOADED_FROM, Loaded};
use crate::{ConversationView, Db, Result, StoreError};

/// A topic's own profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicProfile {
    pub topic: GroupId,
    pub name: String,
    pub avatar: String,
    pub introduction: String,
    pub notification: String,
    pub custom_data: String,
    /// Only the community's owner and admins send in it.
    pub mute_all: bool,
}

/// A topic as one member of its community sees it.
#[derive(Debug, Clone)]
pub struct TopicView {
    pub profile: TopicProfile,
    /// The member's conversation of the topic: its unread count and last message.
    pub conversation: ConversationView,
    /// When the member's mute in this topic ends, 0 when none was set; it may have passed.
    pub muted_until_ms: i64,
}

/// What a topic is made with, or changed to; a field left `None` keeps its value (a new topic's
/// is empty).
#[derive(Debug, Clone, Default)]
pub struct TopicFields {
    pub name: Option<String>,
    pub avatar: Option<String>,
    pub introduction: Option<String>,
    pub notification: Option<String>,
    pub custom_data: Option<String>,
    pub mute_all: Option<bool>,
}

/// What creating or changing a topic did.
#[derive(Debug, Clone)]
pub struct Managed {
    pub profile: TopicProfile,
    /// The topic as the member who made the change sees it; none for the app backend.
    pub seen: Option<TopicView>,
    /// The community's current members, who are told.
    pub members: Vec<Uid>,
}

/// What deleting topics did, topic by topic, and who is told.
#[derive(Debug, Clone, Default)]
pub struct Deleted {
    pub deleted: Vec<GroupId>,
    /// The topics named that are no topics of the community's now.
    pub unknown: Vec<GroupId>,
    /// The community's current members.
    pub members: Vec<Uid>,
}

/// The community's topics that are not deleted, oldest first, by the community's channel.
pub(crate) fn live(db: &dyn Db, community_channel: i64) -> Result<Vec<(GroupId, Channel)>> {
    db.query(
        "SELECT key, id, last_seq, dismissed, uncounted_messages FROM channels \
         WHERE community_id = $1 AND dismissed = 0 ORDER BY id",
        params![community_channel],
    )?
    .iter()
    .map(|row| {
        Ok((
            GroupId::parse(&row.get::<String>(0)?, "topicID")?,
            Channel {
                id: row.get(1)?,
                last_seq: row.get(2)?,
                dismissed: row.get(3)?,
                uncounted_messages: row.get(4)?,
            },
        ))
    })
    .collect()
}

/// `by`, the community's owner or an admin, or the app backend, creates topic `topic` (an ID of
/// this community's, checked by the caller); every current member of the community is a member
/// of it at once.
pub fn create(
    db: &dyn Db,
    community: &GroupId,
    topic: &GroupId,
    by: ChangedBy<'_>,
    fields: &TopicFields,
    now_ms: i64,
) -> Result<Managed> {
    let community_channel = managed_community(db, community, by)?;
    if rows::find_channel(db, ChannelKind::Group, topic.as_str())?.is_some() {
        return Err(StoreError::TopicExists(topic.clone()));
    }
    if live(db, community_channel.id)?.len() >= MAX_TOPICS_PER_COMMUNITY {
        return Err(StoreError::TopicLimit {
            community: community.clone(),
            limit: MAX_TOPICS_PER_COMMUNITY,
        });
    }
    let channel = rows::create_channel(db, ChannelKind::Group, topic.as_str(), now_ms)?;
    db.execute(
        "UPDATE channels SET group_type = 'Community', community_id = $1, name = $2, \
         avatar = $3, introduction = $4, notice = $5, topic_data = $6, mute_all = $7, \
         new_members_see_history = (SELECT c.new_members_see_history FROM channels c \
                                    WHERE c.id = $1) \
         WHERE id = $8",
        params![
            community_channel.id,
            fields.name.as_deref().unwrap_or(""),
            fields.avatar.as_deref().unwrap_or(""),
            fields.introduction.as_deref().unwrap_or(""),
            fields.notification.as_deref().unwrap_or(""),
            fields.custom_data.as_deref().unwrap_or(""),
            fields.mute_all.unwrap_or(false),
            channel.id,
        ],
    )?;
    let members = current_members(db, community_channel.id)?;
    for member in &members {
        groups::join(db, &channel, topic, member, now_ms)?;
    }
    managed(db, by, community_channel.id, profile(db, topic)?, members)
}

/// `by`, the community's owner or an admin, or the app backend, changes a topic's profile.
pub fn update(
    db: &dyn Db,
    community: &GroupId,
    topic: &GroupId,
    by: ChangedBy<'_>,
    fields: &TopicFields,
) -> Result<Managed> {
    let community_channel = managed_community(db, community, by)?;
    let Some((_, channel)) = live(db, community_channel.id)?
        .into_iter()
        .find(|(live, _)| live == topic)
    else {
        return Err(StoreError::UnknownTopic {
            community: community.clone(),
            topic: topic.clone(),
        });
    };
    let before = profile(db, topic)?;
    let after = TopicProfile {
        topic: before.topic,
        name: fields.name.clone().unwrap_or(before.name),
        avatar: fields.avatar.clone().unwrap_or(before.avatar),
        introduction: fields.introduction.clone().unwrap_or(before.introduction),
        notification: fields.notification.clone().unwrap_or(before.notification),
        custom_data: fields.custom_data.clone().unwrap_or(before.custom_data),
        mute_all: fields.mute_all.unwrap_or(before.mute_all),
    };
    db.execute(
        "UPDATE channels SET name = $1, avatar = $2, introduction = $3, notice = $4, \
         topic_data = $5, mute_all = $6 WHERE id = $7",
        params![
            &after.name,
            &after.avatar,
            &after.introduction,
            &after.notification,
            &after.custom_data,
            after.mute_all,
            channel.id,
        ],
    )?;
    let members = current_members(db, community_channel.id)?;
    managed(db, by, community_channel.id, after, members)
}

/// What a change by `by` did to the topic now `profile`: with the topic as `by` sees it when
/// they are a member.
fn managed(
    db: &dyn Db,
    by: ChangedBy<'_>,
    community_channel: i64,
    profile: TopicProfile,
    members: Vec<Uid>,
) -> Result<Managed> {
    let seen = match by {
        ChangedBy::Member(uid) => {
            views_of(db, uid, community_channel, vec![profile.clone()])?.pop()
        }
        ChangedBy::App => None,
    };
    Ok(Managed {
        profile,
        seen,
        members,
    })
}

/// `by`, the community's owner or an admin, or the app backend, deletes the topics named
/// (`None`: every one). Their members leave them, as members of a dismissed group do, and no
/// message reaches them again; their IDs stay taken.
pub fn delete(
    db: &dyn Db,
    community: &GroupId,
    by: ChangedBy<'_>,
    topics: Option<&[GroupId]>,
) -> Result<Deleted> {
    let community_channel = managed_community(db, community, by)?;
    let live = live(db, community_channel.id)?;
    let mut outcome = Deleted {
        members: current_members(db, community_channel.id)?,
        ..Deleted::default()
    };
    let named: Vec<GroupId> = match topics {
        Some(named) => named.to_vec(),
        None => live.iter().map(|(topic, _)| topic.clone()).collect(),
    };
    for topic in named {
        let Some((_, channel)) = live.iter().find(|(live, _)| *live == topic) else {
            outcome.unknown.push(topic);
            continue;
        };
        for member in current_members(db, channel.id)? {
            groups::leave(db, channel, &topic, &member)?;
        }
        db.execute(
            "UPDATE channels SET dismissed = 1 WHERE id = $1",
            params![channel.id],
        )?;
        outcome.deleted.push(topic);
    }
    Ok(outcome)
}

/// The community's topics as member `uid` sees them, oldest first: all of them, or those named
/// (`None`: all), with the named ones that are no topics of the community's now.
pub fn list(
    db: &dyn Db,
    community: &GroupId,
    uid: &Uid,
    topics: Option<&[GroupId]>,
) -> Result<(Vec<TopicView>, Vec<GroupId>)> {
    let community_channel = crate::profiles::current_member_of(db, uid, community)?;
    let (wanted, unknown) = profiles_of(db, community, community_channel, topics)?;
    Ok((views_of(db, uid, community_channel, wanted)?, unknown))
}

/// The community's topics as the app backend sees them: their profiles, as [`list`] gives them.
pub fn list_for_app(
    db: &dyn Db,
    community: &GroupId,
    topics: Option<&[GroupId]>,
) -> Result<(Vec<TopicProfile>, Vec<GroupId>)> {
    let community_channel = groups::existing_group(db, community)?;
    profiles_of(db, community, community_channel.id, topics)
}

/// The profiles of the community's live topics, oldest first: all, or those named, with the
/// named ones that are none.
fn profiles_of(
    db: &dyn Db,
    community: &GroupId,
    community_channel: i64,
    topics: Option<&[GroupId]>,
) -> Result<(Vec<TopicProfile>, Vec<GroupId>)> {
    require_topics(db, community, community_channel)?;
    let sql = format!(
        "SELECT {PROFILE_COLUMNS} FROM channels WHERE community_id = $1 AND dismissed = 0 \
         ORDER BY id"
    );
    let all: Vec<TopicProfile> = db.query_map(&sql, params![community_channel], read_profile)?;
    Ok(match topics {
        None => (all, Vec::new()),
        Some(named) => {
            let unknown = named
                .iter()
                .filter(|topic| !all.iter().any(|profile| &profile.topic == *topic))
                .cloned()
                .collect();
            let wanted = all
                .into_iter()
                .filter(|profile| named.contains(&profile.topic))
                .collect();
            (wanted, unknown)
        }
    })
}

/// The community, once `by` may manage its topics and it has them.
fn managed_community(db: &dyn Db, community: &GroupId, by: ChangedBy<'_>) -> Result<Channel> {
    let channel = groups::authorised_for(db, community, by, GroupAction::ManageTopics)?;
    require_topics(db, community, channel.id)?;
    Ok(channel)
}

fn require_topics(db: &dyn Db, community: &GroupId, channel_id: i64) -> Result<()> {
    let supports: bool = db
        .query_one(
            "SELECT supports_topics FROM channels WHERE id = $1",
            params![channel_id],
        )?
        .get(0)?;
    if !supports {
        return Err(StoreError::NoTopics(community.clone()));
    }
    Ok(())
}

const PROFILE_COLUMNS: &str = "key, name, avatar, introduction, notice, topic_data, mute_all";

fn read_profile(row: &dyn crate::Columns) -> Result<TopicProfile> {
    Ok(TopicProfile {
        topic: GroupId::parse(row.text(0)?, "topicID")?,
        name: row.get(1)?,
        avatar: row.get(2)?,
        introduction: row.get(3)?,
        notification: row.get(4)?,
        custom_data: row.get(5)?,
        mute_all: row.get(6)?,
    })
}

fn profile(db: &dyn Db, topic: &GroupId) -> Result<TopicProfile> {
    let sql = format!("SELECT {PROFILE_COLUMNS} FROM channels WHERE kind = $1 AND key = $2");
    let row = db.query_one(&sql, params![ChannelKind::Group.code(), topic.as_str()])?;
    read_profile(&row)
}

/// Each topic with `uid`'s conversation of it, its last message included, and their mute in it:
/// the user's conversations of the community's topics in one read, their mutes in another.
fn views_of(
    db: &dyn Db,
    uid: &Uid,
    community_channel: i64,
    profiles: Vec<TopicProfile>,
) -> Result<Vec<TopicView>> {
    let sql = format!(
        "SELECT {LOADED_COLUMNS} FROM {LOADED_FROM} WHERE c.uid = $1 AND ch.community_id = $2"
    );
    let mut by_topic: HashMap<ConversationId, Loaded> =
        rows::query_loaded(db, &sql, params![uid.as_str(), community_channel])?
            .into_iter()
            .map(|loaded| (loaded.view.id.clone(), loaded))
            .collect();
    let loaded = profiles
        .iter()
        .map(|profile| {
            by_topic
                .remove(&ConversationId::Group(profile.topic.clone()))
                .ok_or_else(|| {
                    StoreError::internal(format!(
                        "{uid} is a member of the community of topic {} without a \
                         conversation of it",
                        profile.topic
                    ))
                })
        })
        .collect::<Result<Vec<_>>>()?;
    let views = crate::views::complete_views(db, uid, loaded)?;
    let mutes: HashMap<String, i64> = db
        .query(
            "SELECT ch.key, m.muted_until_ms FROM group_members m \
             JOIN channels ch ON ch.id = m.channel_id \
             WHERE m.uid = $1 AND ch.community_id = $2",
            params![uid.as_str(), community_channel],
        )?
        .iter()
        .map(|row| Ok((row.get(0)?, row.get(1)?)))
        .collect::<Result<_>>()?;
    Ok(profiles
        .into_iter()
        .zip(views)
        .map(|(profile, conversation)| TopicView {
            muted_until_ms: mutes.get(profile.topic.as_str()).copied().unwrap_or(0),
            profile,
            conversation,
        })
        .collect())
}

/// Refuses a message from `sender` to a topic while they are muted in its community or in the
/// topic, or while the community or the topic is muted for all and they are neither the
/// community's owner nor one of its admins.
pub(crate) fn refuse_if_muted(
    db: &dyn Db,
    channel: &Channel,
    topic: &GroupId,
    community: &GroupId,
    sender: &Uid,
    now_ms: i64,
) -> Result<()> {
    let community_channel = groups::existing_group(db, community)?;
    crate::group_members::refuse_if_muted(db, community_channel.id, community, sender, now_ms)?;
    let row = db.query_one(
        "SELECT t.mute_all, c.owner_uid = $2, COALESCE(r.is_admin, 0), \
         COALESCE(m.muted_until_ms, 0) FROM channels t \
         JOIN channels c ON c.id = $3 \
         LEFT JOIN group_members r ON r.channel_id = c.id AND r.uid = $2 \
         LEFT JOIN group_members m ON m.channel_id = t.id AND m.uid = $2 WHERE t.id = $1",
        params![channel.id, sender.as_str(), community_channel.id],
    )?;
    let (mute_all, is_owner, is_admin, until_ms): (bool, Option<bool>, bool, i64) =
        (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?);
    let manages = is_owner.unwrap_or(false) || is_admin;
    crate::group_members::judge_mutes(sender, topic, until_ms, mute_all && !manages, now_ms)
}
