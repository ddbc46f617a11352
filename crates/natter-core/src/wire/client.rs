//! The client API (`/v1/...`): devices, with the client SDK's camelCase names.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
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
    /// The element type (`TIMTextElem`, `TIMCustomElem`, …), as Tencent's SDKs name it.
    #[serde(rename = "type")]
    pub message_type: String,
    #[schema(value_type = Object)]
    pub payload: Value,
    #[serde(rename = "clientMsgID")]
    pub client_msg_id: Option<String>,
    /// App data that travels with the message.
    pub cloud_custom_data: String,
    /// The sender's profile when the message was read.
    pub nick: String,
    pub avatar: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LastMessage {
    #[serde(rename = "messageID")]
    pub message_id: String,
    pub seq: u64,
    pub from: String,
    pub time: i64,
    #[serde(rename = "type")]
    pub message_type: String,
    #[schema(value_type = Object)]
    pub payload: Value,
    pub cloud_custom_data: String,
}

/// Who a one-to-one conversation is with, as a list shows them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserProfile {
    #[serde(rename = "userID")]
    pub user_id: String,
    pub nick: String,
    pub avatar: String,
}

/// Which group a group conversation is, as a list shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupProfile {
    #[serde(rename = "groupID")]
    pub group_id: String,
    pub name: String,
    pub avatar: String,
    /// Tencent's group type: `Private` (a work group, the default), `Public`, `ChatRoom`,
    /// `AVChatRoom` or `Community`.
    #[serde(rename = "type")]
    pub group_type: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
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
    /// The peer, for a one-to-one conversation.
    pub user_profile: Option<UserProfile>,
    /// The group, for a group conversation.
    pub group_profile: Option<GroupProfile>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SendMessageRequest {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    /// The element type; `TIMCustomElem` when left out.
    #[serde(rename = "type", default)]
    pub message_type: Option<String>,
    #[schema(value_type = Object)]
    pub payload: Value,
    #[serde(rename = "clientMsgID", default)]
    pub client_msg_id: Option<String>,
    #[serde(default)]
    pub cloud_custom_data: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SendMessageResponse {
    pub message: Message,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConversationListResponse {
    pub conversation_list: Vec<Conversation>,
    pub next_cursor: Option<String>,
    pub is_finished: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeleteConversationsRequest {
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
    /// Defaults to true, as in the client SDK.
    #[serde(rename = "clearHistoryMessage", default)]
    pub clear_history_message: Option<bool>,
}

/// An answer with nothing more to say than that the call succeeded.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct Empty {}

/// The folder a folder call acted on.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupNameResult {
    pub group_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ConversationIdList {
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageListResponse {
    pub message_list: Vec<Message>,
    pub is_completed: bool,
    /// The oldest message of this page: pass it back to get the page before it (`""` when
    /// the page is empty).
    #[serde(rename = "nextReqMessageID")]
    pub next_req_message_id: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct ReadRequest {
    #[serde(default)]
    pub seq: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TotalUnread {
    pub total_unread_count: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SyncResponse {
    pub conversation_list: Vec<Conversation>,
    #[serde(rename = "deletedConversationIDList")]
    pub deleted_conversation_id_list: Vec<String>,
    pub version: u64,
    pub reset_required: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PinRequest {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    pub is_pinned: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MarkRequest {
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
    pub mark_type: u64,
    pub enable_mark: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DraftRequest {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    #[serde(default)]
    pub draft_text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomDataRequest {
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
    #[serde(default)]
    pub custom_data: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RemindTypeRequest {
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
    /// `AcceptAndNotify`, `AcceptNotNotify` or `Discard`.
    pub message_remind_type: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct ReadAllRequest {
    /// `C2C`, `GROUP` or `ALL` (the default).
    #[serde(default)]
    pub scope: Option<String>,
}

/// A conversation folder ("conversation group" in the client SDK).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConversationGroup {
    pub group_name: String,
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConversationGroupList {
    pub conversation_group_list: Vec<ConversationGroup>,
}

/// Create a folder, or add to / remove from one.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConversationGroupRequest {
    pub group_name: String,
    #[serde(rename = "conversationIDList", default)]
    pub conversation_id_list: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RenameConversationGroupRequest {
    pub old_name: String,
    pub new_name: String,
}
