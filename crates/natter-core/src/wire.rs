//! The JSON shapes of API.md, shared by the server and the Rust SDK so both speak one contract.
//!
//! Client API types use the client SDK's camelCase names; server API types use WuKongIM's
//! snake_case names. Optional request fields have the defaults API.md gives them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The error body of both HTTP surfaces. The server API adds `status` and `msg` for clients
/// written for WuKongIM.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ErrorBody {
    pub code: u32,
    pub error: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msg: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Client API (devices)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    #[serde(rename = "messageID")]
    pub message_id: String,
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    pub seq: u64,
    pub from: String,
    /// Server time, ms since the epoch.
    pub time: i64,
    pub payload: Value,
    #[serde(rename = "clientMsgID")]
    pub client_msg_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LastMessage {
    #[serde(rename = "messageID")]
    pub message_id: String,
    pub seq: u64,
    pub from: String,
    pub time: i64,
    pub payload: Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub unread_count: u64,
    pub last_message: Option<LastMessage>,
    pub is_pinned: bool,
    pub is_archived: bool,
    pub message_remind_type: String,
    pub mark_list: Vec<u64>,
    pub conversation_group_list: Vec<String>,
    pub draft_text: String,
    pub custom_data: String,
    pub version: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendMessageRequest {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    pub payload: Value,
    #[serde(rename = "clientMsgID", default)]
    pub client_msg_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SendMessageResponse {
    pub message: Message,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationListResponse {
    pub conversation_list: Vec<Conversation>,
    pub next_cursor: Option<String>,
    pub is_finished: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeleteConversationsRequest {
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
    /// Defaults to true, as in the client SDK.
    #[serde(rename = "clearHistoryMessage", default)]
    pub clear_history_message: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConversationIdList {
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageListResponse {
    pub message_list: Vec<Message>,
    pub is_completed: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ReadRequest {
    #[serde(default)]
    pub seq: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TotalUnread {
    pub total_unread_count: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncResponse {
    pub conversation_list: Vec<Conversation>,
    #[serde(rename = "deletedConversationIDList")]
    pub deleted_conversation_id_list: Vec<String>,
    pub version: u64,
    pub reset_required: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PinRequest {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    pub is_pinned: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkRequest {
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
    pub mark_type: u64,
    pub enable_mark: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftRequest {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    #[serde(default)]
    pub draft_text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomDataRequest {
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
    #[serde(default)]
    pub custom_data: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemindTypeRequest {
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
    /// `AcceptAndNotify`, `AcceptNotNotify` or `Discard`.
    pub message_remind_type: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ReadAllRequest {
    /// `C2C`, `GROUP` or `ALL` (the default).
    #[serde(default)]
    pub scope: Option<String>,
}

/// A conversation folder ("conversation group" in the client SDK).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ConversationGroup {
    pub group_name: String,
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationGroupList {
    pub conversation_group_list: Vec<ConversationGroup>,
}

/// Create a folder, or add to / remove from one.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationGroupRequest {
    pub group_name: String,
    #[serde(rename = "conversationIDList", default)]
    pub conversation_id_list: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenameConversationGroupRequest {
    pub old_name: String,
    pub new_name: String,
}

// ---------------------------------------------------------------------------------------------
// Server API (app backends), WuKongIM field names
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize)]
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

#[derive(Debug, Clone, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServerConversationRef {
    pub uid: String,
    pub channel_id: String,
    pub channel_type: i64,
}

/// `POST /system/notices`: a notice into each listed user's `@TIM#SYSTEM` conversation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NoticeRequest {
    pub uids: Vec<String>,
    /// Base64 of the JSON object payload, as `/message/send`.
    pub payload: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChannelRef {
    pub channel_id: String,
    pub channel_type: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServerSendRequest {
    #[serde(default)]
    pub header: Option<Value>,
    #[serde(default)]
    pub client_msg_no: Option<String>,
    pub from_uid: String,
    pub channel_id: String,
    pub channel_type: i64,
    /// Base64 of the JSON payload bytes.
    pub payload: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServerSendResult {
    pub message_id: i64,
    pub message_seq: u64,
    pub client_msg_no: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServerDeleteRequest {
    pub uid: String,
    pub channel_id: String,
    pub channel_type: i64,
    /// Defaults to false: the server API keeps messages.
    #[serde(default)]
    pub clear_history: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServerBatchDeleteRequest {
    pub uid: String,
    pub channels: Vec<ChannelRef>,
    #[serde(default)]
    pub clear_history: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClearUnreadRequest {
    pub uid: String,
    pub channel_id: String,
    pub channel_type: i64,
    #[serde(default)]
    pub message_seq: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetUnreadRequest {
    pub uid: String,
    pub channel_id: String,
    pub channel_type: i64,
    pub unread: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServerSyncRequest {
    pub uid: String,
    #[serde(default)]
    pub version: u64,
    #[serde(default)]
    pub msg_count: u32,
}

/// A message in WuKongIM's shape (`/conversation/sync` recents).
#[derive(Debug, Clone, Serialize, Deserialize)]
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

#[derive(Debug, Clone, Serialize, Deserialize)]
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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    pub at_ms: i64,
    pub actor: String,
    pub uid: String,
    pub conversation_ids: Vec<String>,
    pub clear_history: bool,
    /// `client` or `server`.
    pub via: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct AppSettings {
    pub sync_conversation_deletion: bool,
}

// ---------------------------------------------------------------------------------------------
// WebSocket (`GET /v1/ws`)
// ---------------------------------------------------------------------------------------------

/// A frame the server sends: `{"event": "<name>", "data": {…}}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
pub enum ServerEvent {
    /// The answer to a ping. `connectionID` names this connection: a client that sends it back
    /// in the `X-Natter-Connection` header of its HTTP calls is left out of the
    /// `conversationDeleted` events its own deletions cause (its other tabs still get them).
    Pong {
        #[serde(
            rename = "connectionID",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        connection_id: Option<String>,
    },
    MessageReceived {
        #[serde(rename = "messageList")]
        message_list: Vec<Message>,
    },
    ConversationListUpdated {
        #[serde(rename = "conversationList")]
        conversation_list: Vec<Conversation>,
    },
    /// To the user's other devices, when the app's deletion sync is on.
    ConversationDeleted {
        #[serde(rename = "conversationIDList")]
        conversation_id_list: Vec<String>,
        #[serde(rename = "clearHistoryMessage")]
        clear_history_message: bool,
    },
    TotalUnreadMessageCountUpdated {
        #[serde(rename = "totalUnreadCount")]
        total_unread_count: u64,
    },
    /// This connection fell behind and is being closed: sync since `version`.
    ResyncRequired { version: u64 },
}

/// A frame a client sends.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "event", rename_all = "camelCase")]
pub enum ClientEvent {
    Ping,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn events_have_the_shape_of_api_md() {
        let deleted = ServerEvent::ConversationDeleted {
            conversation_id_list: vec!["C2Cbob".into()],
            clear_history_message: true,
        };
        assert_eq!(
            serde_json::to_value(&deleted).unwrap(),
            json!({"event": "conversationDeleted",
                   "data": {"conversationIDList": ["C2Cbob"], "clearHistoryMessage": true}})
        );
        assert_eq!(
            serde_json::to_value(ServerEvent::Pong {
                connection_id: Some("7".into())
            })
            .unwrap(),
            json!({"event": "pong", "data": {"connectionID": "7"}})
        );
        assert_eq!(
            serde_json::to_value(ServerEvent::ResyncRequired { version: 7 }).unwrap(),
            json!({"event": "resyncRequired", "data": {"version": 7}})
        );
        let ping: ClientEvent = serde_json::from_str(r#"{"event":"ping"}"#).unwrap();
        assert_eq!(ping, ClientEvent::Ping);
    }
}
