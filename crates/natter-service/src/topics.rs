//! Communities' topics as their members use them from a client (Tencent's
//! `createTopicInCommunity`, `getTopicList`, `updateTopicProfile`, `deleteTopicFromCommunity`),
//! and as the app backend manages them.
//! What a topic is, and who may do what to it, is `natter_store::topics`; messages to a topic
//! are a group's (`GROUP<topicID>`), sent and read as any group's.

use natter_core::ids::TOPIC_MARK;
use natter_core::limits::{MAX_ID_LEN, MAX_TOPIC_CUSTOM_DATA_BYTES, refuse_nul};
use natter_core::wire::{self, ServerEvent};
use natter_core::{Error, GroupId, Result, Uid};
use natter_store::group_members::ChangedBy;
use natter_store::topics::{self, Managed, TopicFields, TopicProfile, TopicView};

use crate::client_groups::{ProfileFields, random_id_part};
use crate::profiles::check_name;
use crate::{Natter, now_ms, present};

/// Tencent's code for a topic a call names that is not one of the community's.
const NO_SUCH_TOPIC: u32 = 10010;

impl Natter {
    /// `POST /v1/groups/{groupID}/topics`: the community's owner or an admin creates a topic;
    /// every member of the community hears `topicCreated`.
    pub async fn create_topic(
        &self,
        uid: &Uid,
        group_id: &str,
        request: wire::CreateTopic,
    ) -> Result<wire::Topic> {
        self.make_topic(Some(uid), group_id, request).await
    }

    /// `POST /groups/{groupID}/topics`: the app backend creates a topic, as the community's
    /// owner could.
    pub async fn server_create_topic(
        &self,
        group_id: &str,
        request: wire::CreateTopic,
    ) -> Result<wire::Topic> {
        self.make_topic(None, group_id, request).await
    }

    /// A member (`Some`) or the app backend (`None`) creates a topic: the topic as the member
    /// sees it, or its profile.
    async fn make_topic(
        &self,
        by: Option<&Uid>,
        group_id: &str,
        request: wire::CreateTopic,
    ) -> Result<wire::Topic> {
        let community = GroupId::parse(group_id, "groupID")?;
        let topic = match &request.topic_id {
            Some(id) => topic_of(&community, id)?,
            None => new_topic_id(&community)?,
        };
        if request.topic_name.trim().is_empty() {
            return Err(Error::invalid_argument(
                "topicName: is empty; a topic needs a name",
            ));
        }
        let fields = TopicFields {
            name: Some(request.topic_name),
            avatar: request.avatar,
            introduction: request.introduction,
            notification: request.notification,
            custom_data: request.custom_data,
            mute_all: None,
        };
        check(&fields)?;
        let (id, by, at) = (topic.clone(), by.cloned(), now_ms());
        let managed = self
            .write(move |db| topics::create(db, &community, &id, changed_by(&by), &fields, at))
            .await?;
        let event = ServerEvent::TopicCreated {
            group_id: group_id.to_owned(),
            topic_id: topic.to_string(),
        };
        self.tell_each(&managed.members, &event);
        Ok(shown(managed, at))
    }

    /// `GET /v1/groups/{groupID}/topics`: the community's topics as a member sees them, oldest
    /// first: all, or those named; a named one that is no topic of the community's is listed
    /// as a failure.
    pub async fn topic_list(
        &self,
        uid: &Uid,
        group_id: &str,
        named: Option<Vec<String>>,
    ) -> Result<wire::TopicList> {
        let community = GroupId::parse(group_id, "groupID")?;
        let named = topic_ids(named)?;
        let uid = uid.clone();
        let (views, unknown) = self
            .read(move |db| topics::list(db, &community, &uid, named.as_deref()))
            .await?;
        let now_ms = now_ms();
        let listed = views
            .into_iter()
            .map(|view| topic_with_conversation(view, now_ms));
        Ok(topic_list(group_id, listed.collect(), &unknown))
    }

    /// `GET /groups/{groupID}/topics`: the community's topics as the app backend sees them,
    /// their profiles only, as [`Self::topic_list`] lists them.
    pub async fn server_topic_list(
        &self,
        group_id: &str,
        named: Option<Vec<String>>,
    ) -> Result<wire::TopicList> {
        let community = GroupId::parse(group_id, "groupID")?;
        let named = topic_ids(named)?;
        let (profiles, unknown) = self
            .read(move |db| topics::list_for_app(db, &community, named.as_deref()))
            .await?;
        let listed = profiles.into_iter().map(topic_profile).collect();
        Ok(topic_list(group_id, listed, &unknown))
    }

    /// `PATCH /v1/groups/{groupID}/topics/{topicID}`: the community's owner or an admin changes
    /// a topic's profile; every member of the community hears `topicUpdated`.
    pub async fn update_topic(
        &self,
        uid: &Uid,
        group_id: &str,
        topic_id: &str,
        request: wire::UpdateTopic,
    ) -> Result<wire::Topic> {
        self.change_topic(Some(uid), group_id, topic_id, request)
            .await
    }

    /// `PATCH /groups/{groupID}/topics/{topicID}`: the app backend changes a topic's profile, as
    /// the community's owner could.
    pub async fn server_update_topic(
        &self,
        group_id: &str,
        topic_id: &str,
        request: wire::UpdateTopic,
    ) -> Result<wire::Topic> {
        self.change_topic(None, group_id, topic_id, request).await
    }

    /// A member (`Some`) or the app backend (`None`) changes a topic's profile: the topic as the
    /// member sees it, or its profile.
    async fn change_topic(
        &self,
        by: Option<&Uid>,
        group_id: &str,
        topic_id: &str,
        request: wire::UpdateTopic,
    ) -> Result<wire::Topic> {
        let community = GroupId::parse(group_id, "groupID")?;
        let topic = GroupId::parse(topic_id, "topicID")?;
        if request
            .topic_name
            .as_deref()
            .is_some_and(|name| name.trim().is_empty())
        {
            return Err(Error::invalid_argument(
                "topicName: is empty; a topic needs a name",
            ));
        }
        let fields = TopicFields {
            name: request.topic_name,
            avatar: request.avatar,
            introduction: request.introduction,
            notification: request.notification,
            custom_data: request.custom_data,
            mute_all: request.mute_all_members,
        };
        check(&fields)?;
        let by = by.cloned();
        let managed = self
            .write(move |db| topics::update(db, &community, &topic, changed_by(&by), &fields))
            .await?;
        let event = ServerEvent::TopicUpdated {
            group_id: group_id.to_owned(),
            topic: Box::new(topic_profile(managed.profile.clone())),
        };
        self.tell_each(&managed.members, &event);
        Ok(shown(managed, now_ms()))
    }

    /// `POST /v1/groups/{groupID}/topics/delete`: the community's owner or an admin deletes
    /// topics (all of them when none is named); every member of the community hears
    /// `topicDeleted`.
    pub async fn delete_topics(
        &self,
        uid: &Uid,
        group_id: &str,
        request: wire::DeleteTopics,
    ) -> Result<wire::DeletedTopics> {
        self.remove_topics(Some(uid), group_id, request).await
    }

    /// `POST /groups/{groupID}/topics/delete`: the app backend deletes topics, as the
    /// community's owner could.
    pub async fn server_delete_topics(
        &self,
        group_id: &str,
        request: wire::DeleteTopics,
    ) -> Result<wire::DeletedTopics> {
        self.remove_topics(None, group_id, request).await
    }

    /// A member (`Some`) or the app backend (`None`) deletes topics.
    async fn remove_topics(
        &self,
        by: Option<&Uid>,
        group_id: &str,
        request: wire::DeleteTopics,
    ) -> Result<wire::DeletedTopics> {
        let community = GroupId::parse(group_id, "groupID")?;
        let named = topic_ids(request.topic_id_list)?;
        let by = by.cloned();
        let outcome = self
            .write(move |db| topics::delete(db, &community, changed_by(&by), named.as_deref()))
            .await?;
        if !outcome.deleted.is_empty() {
            let event = ServerEvent::TopicDeleted {
                group_id: group_id.to_owned(),
                topic_id_list: outcome.deleted.iter().map(ToString::to_string).collect(),
            };
            self.tell_each(&outcome.members, &event);
        }
        Ok(wire::DeletedTopics {
            success_topic_list: outcome
                .deleted
                .iter()
                .map(|topic| wire::DeletedTopic {
                    topic_id: topic.to_string(),
                })
                .collect(),
            failure_topic_list: outcome
                .unknown
                .iter()
                .map(|topic| no_such_topic(group_id, topic))
                .collect(),
        })
    }
}

/// Who changes topics: a member, or the app backend.
fn changed_by(by: &Option<Uid>) -> ChangedBy<'_> {
    by.as_ref().map_or(ChangedBy::App, ChangedBy::Member)
}

/// A list of topics, with the named ones that are none as failures.
fn topic_list(group_id: &str, listed: Vec<wire::Topic>, unknown: &[GroupId]) -> wire::TopicList {
    wire::TopicList {
        success_topic_list: listed,
        failure_topic_list: unknown
            .iter()
            .map(|topic| no_such_topic(group_id, topic))
            .collect(),
    }
}

/// The topics a call names in `topicIDList`, if it names any.
fn topic_ids(named: Option<Vec<String>>) -> Result<Option<Vec<GroupId>>> {
    named
        .map(|ids| {
            ids.iter()
                .map(|id| GroupId::parse(id, "topicIDList"))
                .collect()
        })
        .transpose()
}

/// A topic ID a client chose: the community's ID, `@TOPIC#_` and a part of its own.
fn topic_of(community: &GroupId, id: &str) -> Result<GroupId> {
    let topic = GroupId::parse(id, "topicID")?;
    let own_part = id
        .strip_prefix(community.as_str())
        .and_then(|rest| rest.strip_prefix(TOPIC_MARK));
    if own_part.is_none_or(str::is_empty) || own_part.is_some_and(|part| part.contains(TOPIC_MARK))
    {
        return Err(Error::invalid_argument(format!(
            "topicID: {id:?} is no topic ID of community \"{community}\"; a topic's ID is \
             \"{community}{TOPIC_MARK}\" and a part of its own"
        )));
    }
    Ok(topic)
}

fn new_topic_id(community: &GroupId) -> Result<GroupId> {
    let id = format!("{community}{TOPIC_MARK}{}", random_id_part());
    if id.len() > MAX_ID_LEN {
        return Err(Error::invalid_argument(format!(
            "groupID: \"{community}\" leaves no room for the IDs of its topics, which are at most \
             {MAX_ID_LEN} characters with the community's ID in them; give a topicID with a short \
             part of its own"
        )));
    }
    GroupId::parse(&id, "topicID")
}

fn check(fields: &TopicFields) -> Result<()> {
    if let Some(name) = &fields.name {
        check_name(name, "topicName")?;
    }
    ProfileFields {
        avatar: fields.avatar.as_deref(),
        introduction: fields.introduction.as_deref(),
        notification: fields.notification.as_deref(),
    }
    .check()?;
    if let Some(data) = &fields.custom_data {
        if data.len() > MAX_TOPIC_CUSTOM_DATA_BYTES {
            return Err(Error::invalid_argument(format!(
                "customData: at most {MAX_TOPIC_CUSTOM_DATA_BYTES} bytes"
            )));
        }
        refuse_nul("customData", data)?;
    }
    Ok(())
}

fn no_such_topic(community: &str, topic: &GroupId) -> wire::TopicFailure {
    wire::TopicFailure {
        topic_id: topic.to_string(),
        code: NO_SUCH_TOPIC,
        message: format!("community \"{community}\" has no topic \"{topic}\""),
    }
}

fn topic_profile(profile: TopicProfile) -> wire::Topic {
    wire::Topic {
        topic_id: profile.topic.to_string(),
        topic_name: profile.name,
        avatar: profile.avatar,
        introduction: profile.introduction,
        notification: profile.notification,
        custom_data: profile.custom_data,
        mute_all_members: profile.mute_all,
        conversation: None,
        self_info: None,
    }
}

/// A created or changed topic as its changer sees it: a member with their conversation of it,
/// the app backend its profile.
fn shown(managed: Managed, now_ms: i64) -> wire::Topic {
    match managed.seen {
        Some(view) => topic_with_conversation(view, now_ms),
        None => topic_profile(managed.profile),
    }
}

/// A topic as the member whose view it is sees it at `now_ms`: with their conversation of it
/// and their own standing in it.
fn topic_with_conversation(view: TopicView, now_ms: i64) -> wire::Topic {
    wire::Topic {
        self_info: Some(wire::TopicSelfInfo {
            mute_until: present::mute_until(view.muted_until_ms, now_ms),
            read_seq: view.conversation.state.read_seq,
        }),
        conversation: Some(present::conversation(view.conversation)),
        ..topic_profile(view.profile)
    }
}
