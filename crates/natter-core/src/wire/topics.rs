//! Communities' topics (Tencent's `createTopicInCommunity`, `getTopicList`,
//! `updateTopicProfile`, `deleteTopicFromCommunity`): channels of a `Community` group created
//! with `isSupportTopic`, whose members are always the community's.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Conversation;

/// A topic as a member of its community sees it (Tencent's `Topic`, with its unread count and
/// last message in `conversation`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Topic {
    /// `<communityID>@TOPIC#_<suffix>`.
    #[serde(rename = "topicID")]
    pub topic_id: String,
    pub topic_name: String,
    pub avatar: String,
    pub introduction: String,
    /// The topic's notice.
    pub notification: String,
    pub custom_data: String,
    /// Only the community's owner and admins may send in it.
    pub mute_all_members: bool,
    /// The asking member's own conversation of the topic (`GROUP<topicID>`), as
    /// `GET /v1/conversations` shapes conversations: its unread count, last message, remind
    /// type and mentions. It is never in the conversation list and counts in no unread total.
    /// `null` in `topicUpdated` events, which tell of the profile alone.
    pub conversation: Option<Conversation>,
    /// What is the asking member's own in the topic besides its conversation (Tencent's
    /// `selfInfo`); `null` in `topicUpdated` events, as `conversation`.
    pub self_info: Option<TopicSelfInfo>,
}

/// A member's own standing in a topic (Tencent's `Topic.selfInfo`, less what its conversation
/// tells).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TopicSelfInfo {
    /// When the member's mute in this topic alone ends, in Unix seconds; 0 when they are not
    /// muted in it (Tencent's `muteTime`). A mute in the community is the community member's
    /// `muteUntil`, and holds in its topics too.
    pub mute_until: u64,
    /// The last message the member has read in the topic (Tencent's `readedSequence`); 0 before
    /// any.
    pub read_seq: u64,
}

/// `POST /v1/groups/{groupID}/topics`: the community's owner or an admin creates a topic.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateTopic {
    /// 1 to 64 characters, as a group's name.
    pub topic_name: String,
    /// `<groupID>@TOPIC#_<suffix>`, at most 64 characters in all; the server makes one when left
    /// out.
    #[serde(rename = "topicID", default, skip_serializing_if = "Option::is_none")]
    pub topic_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduction: Option<String>,
    /// At most 3,000 bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_data: Option<String>,
}

/// `PATCH /v1/groups/{groupID}/topics/{topicID}`: the community's owner or an admin changes a
/// topic; a field left out keeps its value.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateTopic {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduction: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mute_all_members: Option<bool>,
}

/// A topic a call named that it could not act on.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TopicFailure {
    #[serde(rename = "topicID")]
    pub topic_id: String,
    /// Tencent's code: 10010, no such topic in this community.
    pub code: u32,
    pub message: String,
}

/// `GET /v1/groups/{groupID}/topics`: the topics asked for, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TopicList {
    pub success_topic_list: Vec<Topic>,
    pub failure_topic_list: Vec<TopicFailure>,
}

/// `POST /v1/groups/{groupID}/topics/delete`: the topics to delete; all of the community's when
/// left out.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeleteTopics {
    #[serde(
        rename = "topicIDList",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub topic_id_list: Option<Vec<String>>,
}

/// A topic deleted.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct DeletedTopic {
    #[serde(rename = "topicID")]
    pub topic_id: String,
}

/// What `POST /v1/groups/{groupID}/topics/delete` did, topic by topic.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeletedTopics {
    pub success_topic_list: Vec<DeletedTopic>,
    pub failure_topic_list: Vec<TopicFailure>,
}
