//! The server API: app backends, with WuKongIM's paths and snake_case field names.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserTokenRequest {
    pub uid: String,
    pub token: String,
    /// 0 app, 1 web, 2 pc.
    #[serde(default)]
    pub device_flag: u8,
    /// 1 master, 0 slave (WuKongIM).
    #[serde(default)]
    pub device_level: u8,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChannelRequest {
    pub channel_id: String,
    pub channel_type: i64,
    #[serde(default)]
    pub subscribers: Vec<String>,
    #[serde(default)]
    pub reset: u8,
    /// Group setting: members who join see the history from before their join. Unchanged
    /// when left out (off for a new group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_members_see_history: Option<bool>,
}

/// One user's conversation named the WuKongIM way (`/conversations/restore`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServerConversationRef {
    pub uid: String,
    pub channel_id: String,
    pub channel_type: i64,
}

/// `POST /system/notices`: a notice into each listed user's `@TIM#SYSTEM` conversation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NoticeRequest {
    pub uids: Vec<String>,
    /// Base64 of the JSON object payload, as `/message/send`.
    pub payload: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChannelRef {
    pub channel_id: String,
    pub channel_type: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServerSendRequest {
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub header: Option<Value>,
    #[serde(default)]
    pub client_msg_no: Option<String>,
    pub from_uid: String,
    pub channel_id: String,
    pub channel_type: i64,
    /// Base64 of the JSON payload bytes.
    pub payload: String,
}

/// `{"status": 200}`: the server API's plain success, as WuKongIM answers.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct StatusOk {
    #[schema(example = 200)]
    pub status: u16,
}

impl Default for StatusOk {
    fn default() -> Self {
        Self { status: 200 }
    }
}

/// `{"status": "success"}`: the success of the conversation deletes, as WuKongIM answers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct StatusSuccess {
    #[schema(example = "success")]
    pub status: String,
}

impl Default for StatusSuccess {
    fn default() -> Self {
        Self {
            status: "success".into(),
        }
    }
}

/// `{"status": 200, "data": …}`: a server API success that carries a result.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct StatusData<T> {
    pub status: u16,
    pub data: T,
}

impl<T> StatusData<T> {
    pub fn new(data: T) -> Self {
        Self { status: 200, data }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServerSendResult {
    pub message_id: i64,
    pub message_seq: u64,
    pub client_msg_no: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServerDeleteRequest {
    pub uid: String,
    pub channel_id: String,
    pub channel_type: i64,
    /// Defaults to false: the server API keeps messages.
    #[serde(default)]
    pub clear_history: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServerBatchDeleteRequest {
    pub uid: String,
    pub channels: Vec<ChannelRef>,
    #[serde(default)]
    pub clear_history: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ClearUnreadRequest {
    pub uid: String,
    pub channel_id: String,
    pub channel_type: i64,
    #[serde(default)]
    pub message_seq: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SetUnreadRequest {
    pub uid: String,
    pub channel_id: String,
    pub channel_type: i64,
    pub unread: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServerSyncRequest {
    pub uid: String,
    #[serde(default)]
    pub version: u64,
    #[serde(default)]
    pub msg_count: u32,
}

/// A message in WuKongIM's shape (`/conversation/sync` recents).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServerMessage {
    pub message_id: i64,
    pub message_seq: u64,
    pub client_msg_no: String,
    pub from_uid: String,
    pub channel_id: String,
    pub channel_type: i64,
    /// Seconds since the epoch, as WuKongIM.
    pub timestamp: i64,
    /// Base64 of the JSON payload bytes.
    pub payload: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServerConversation {
    pub channel_id: String,
    pub channel_type: i64,
    pub unread: u64,
    /// Seconds since the epoch of the last activity.
    pub timestamp: i64,
    pub last_msg_seq: u64,
    pub version: u64,
    pub recents: Vec<ServerMessage>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at_ms: i64,
    /// The acting uid, or `manager`.
    pub actor: String,
    /// Whose list (a deletion) or whose message (a recall).
    pub uid: String,
    pub conversation_ids: Vec<String>,
    pub clear_history: bool,
    /// `client` or `server`.
    pub via: String,
    /// `delete` (conversations) or `revoke` (a message).
    pub action: String,
    /// The recalled message (a `revoke`).
    pub message_ids: Vec<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct AppSettings {
    pub sync_conversation_deletion: bool,
}

/// `POST /message/revoke`: the app backend recalls any message, at any time.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"message_id": 42, "operator": "moderator-1"}))]
pub struct ServerRevokeRequest {
    pub message_id: i64,
    /// Who members see as the revoker; `admin` when left out.
    #[serde(default)]
    pub operator: Option<String>,
}

/// `POST /message/deleteForUser`: deletes messages from one user's view only.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"uid": "alice", "channel_id": "bob", "channel_type": 1, "message_ids": [41, 42]}))]
pub struct ServerDeleteMessagesRequest {
    pub uid: String,
    pub channel_id: String,
    pub channel_type: i64,
    pub message_ids: Vec<i64>,
}

/// `POST /user/profile`: sets a user's profile; a field left out keeps its value.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"uid": "alice", "nick": "Alice", "avatar": "https://example.com/a.png", "custom_fields": {"team": "blue"}}))]
pub struct ServerUserProfile {
    pub uid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nick: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// Replaces every custom field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_fields: Option<std::collections::BTreeMap<String, String>>,
}

/// `POST /channel/info`: WuKongIM's route for a channel's information, with the group's
/// profile fields beside WuKongIM's own (`large` is accepted and ignored; `ban` is not
/// supported; `disband: 1` dismisses the group, as `POST /channel/delete`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"channel_id": "team-1", "channel_type": 2, "name": "Team 1", "avatar": "https://example.com/t.png", "notice": "Stand-up at 9"}))]
pub struct ChannelInfoRequest {
    pub channel_id: String,
    pub channel_type: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// `Private` (a work group, the default), `Public`, `ChatRoom`, `AVChatRoom` or
    /// `Community`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub large: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ban: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disband: Option<u8>,
}

/// A group's information, as `GET /channel/info` answers it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct ServerChannelInfo {
    pub channel_id: String,
    pub channel_type: i64,
    pub name: String,
    pub avatar: String,
    pub group_type: String,
    pub notice: String,
    /// 1 when dismissed, as WuKongIM's `disband`.
    pub disband: u8,
    pub member_count: u64,
}
