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
    /// 2 (a group). Left out (or 0): `/channel/subscriber_add` takes it as 2, as WuKongIM does;
    /// the other routes refuse it.
    #[serde(default)]
    pub channel_type: i64,
    #[serde(default)]
    pub subscribers: Vec<String>,
    /// 1: the listed members become the only ones (`POST /channel` and
    /// `/channel/subscriber_add`, as WuKongIM); the others leave. 0 or 1 only.
    #[serde(default)]
    pub reset: u8,
    /// Group setting: members who join see the history from before their join. Unchanged
    /// when left out (off for a new group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_members_see_history: Option<bool>,
    /// `POST /channel` only: WuKongIM's channel ban. Only 0 is accepted: banning a channel is
    /// not supported (remove its members instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ban: Option<u8>,
    /// `POST /channel` only: 1 dismisses the group once its members are set, as
    /// `POST /channel/delete`; 0 or 1 only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disband: Option<u8>,
    /// `POST /channel/subscriber_add`: WuKongIM's temporary subscribers. Only 0 is accepted:
    /// Natter has none (nor has WuKongIM since version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temp_subscriber: Option<u8>,
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
    /// WuKongIM's header: an object of flags, each 0 or 1 (`no_persist`, `red_dot`,
    /// `sync_once`). Left out: the message is kept and counts as unread.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub header: Option<Value>,
    /// Makes the send idempotent for `from_uid`. Left out or empty: the server makes one, as
    /// WuKongIM does (a random UUID's 32 hex digits and `0`), and answers it.
    #[serde(default)]
    pub client_msg_no: Option<String>,
    /// The sender. Empty (or left out, or WuKongIM's system account `____system`): the app
    /// backend itself, as WuKongIM's system uid: with `channel_type` 1 the message goes to that
    /// user's `@TIM#SYSTEM` conversation, with 2 to every member of the group.
    #[serde(default)]
    pub from_uid: String,
    pub channel_id: String,
    pub channel_type: i64,
    /// Base64 of the JSON payload bytes.
    pub payload: String,
    /// WuKongIM's temporary channel of the listed uids. Not supported: only an empty list is
    /// accepted (send to each with `/message/sendbatch`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subscribers: Vec<String>,
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

/// `{"status": "success"}`: the success of Natter's own batch delete and restore of
/// conversations, in the shape WuKongIM's docs give its `/conversations/delete` (whose code
/// answers `{"status": 200}`, as Natter's does).
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
    /// Left out: 0 (everything read), as WuKongIM takes it.
    #[serde(default)]
    pub unread: u64,
}

/// `POST /conversation/sync`, as WuKongIM's app backends call it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"uid": "alice", "version": 0, "last_msg_seqs": "bob:1:12|team-1:2:40", "msg_count": 20}))]
pub struct ServerSyncRequest {
    pub uid: String,
    /// A `version` from an earlier answer. Any value above 0 asks, as `only_unread` does, for
    /// the messages after the read position only; its size is not compared with anything.
    #[serde(default)]
    pub version: i64,
    /// What the client holds: `channel_id:channel_type:last_msg_seq` joined with `|`. A
    /// conversation listed here returns only the messages after that seq, and only when there
    /// are any. As WuKongIM, an entry without three parts is skipped, and a part that is not a
    /// number reads as 0.
    #[serde(default)]
    pub last_msg_seqs: String,
    /// Recent messages per conversation (at most 100). A conversation is returned only with
    /// at least one, so 0 returns `[]`, as WuKongIM.
    #[serde(default)]
    pub msg_count: u32,
    /// 1: only conversations with messages after the read position.
    #[serde(default)]
    pub only_unread: u8,
    /// Channel types to leave out, unless the conversation is in `last_msg_seqs`.
    #[serde(default)]
    pub exclude_channel_types: Vec<i64>,
    /// 1-based page of the list, most recent first; 0 (the default) returns every conversation.
    #[serde(default)]
    pub page: u32,
    /// Conversations per page: default 100, at most 500.
    #[serde(default)]
    pub page_size: u32,
}

/// `POST /conversation/channels`: the channels of a user's conversations.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"uid": "alice"}))]
pub struct ConversationChannelsRequest {
    pub uid: String,
}

/// `POST /conversation/syncByChannels`: named channels as `/conversation/sync` answers them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"uid": "alice", "channels": [{"channel_id": "bob", "channel_type": 1}], "msg_count": 20}))]
pub struct SyncByChannelsRequest {
    pub uid: String,
    /// 1 to 500 channels; a personal channel by the peer's uid.
    pub channels: Vec<ChannelRef>,
    /// Recent messages per channel: 15 when 0 or left out, as WuKongIM; at most 100.
    #[serde(default)]
    pub msg_count: u32,
}

/// One channel of `/conversation/syncMessages`: messages from `last_msg_seq` on.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecentMessagesChannel {
    pub channel_id: String,
    pub channel_type: i64,
    /// The first seq wanted (included); 0 for the channel's start.
    #[serde(default)]
    pub last_msg_seq: u64,
}

/// `POST /conversation/syncMessages`: recent messages of named channels.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"uid": "alice", "channels": [{"channel_id": "team-1", "channel_type": 2, "last_msg_seq": 40}], "msg_count": 20, "order_by_last": 1}))]
pub struct SyncMessagesRequest {
    pub uid: String,
    /// 1 to 500 channels.
    pub channels: Vec<RecentMessagesChannel>,
    /// Messages per channel: 15 when 0 or left out, as WuKongIM; at most 100.
    #[serde(default)]
    pub msg_count: u32,
    /// 1: the newest `msg_count` from `last_msg_seq` on, newest first; 0: the oldest
    /// `msg_count` from `last_msg_seq` on, oldest first.
    #[serde(default)]
    pub order_by_last: u8,
}

/// One channel of `/conversation/syncMessages`' answer (WuKongIM's `channelRecentMessage`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChannelRecentMessages {
    pub channel_id: String,
    pub channel_type: i64,
    pub messages: Vec<ServerMessage>,
    /// The seq of the user's own newest message in the channel; 0 when they sent none.
    pub user_last_msg_seq: u64,
}

/// WuKongIM's message header flags, each 0 or 1: on the server API's messages and in the
/// webhooks' bodies.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
pub struct MessageHeader {
    /// 1: the message was not kept (only pushed to online devices).
    pub no_persist: u8,
    /// 1: the message counts as unread.
    pub red_dot: u8,
    /// 1: WuKongIM's deliver-once messages (Natter does not keep those).
    pub sync_once: u8,
}

/// WuKongIM's setting bit of a message that asks for read receipts (its `Setting.receipt`).
pub const SETTING_RECEIPT: u8 = 1 << 7;

/// A message in WuKongIM's shape (its `MessageResp`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ServerMessage {
    pub header: MessageHeader,
    /// WuKongIM's setting bits: [`SETTING_RECEIPT`] for a message that asks for read
    /// receipts; no other (no topics or streams are stored).
    pub setting: u8,
    pub message_id: i64,
    /// `message_id` as a string, for JavaScript.
    pub message_idstr: String,
    pub client_msg_no: String,
    pub message_seq: u64,
    /// The sender; `""` for a message from the app backend itself.
    pub from_uid: String,
    /// For a personal message, the uid of the party who did not send it (as WuKongIM); for a
    /// group message, the group; `@TIM#SYSTEM` for the system channel.
    pub channel_id: String,
    pub channel_type: i64,
    /// Always 0: messages do not expire.
    pub expire: u32,
    /// Seconds since the epoch, as WuKongIM.
    pub timestamp: i64,
    /// Base64 of the JSON payload bytes.
    pub payload: String,
}

/// One conversation of `/conversation/sync`, as WuKongIM answers it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServerConversation {
    pub channel_id: String,
    pub channel_type: i64,
    pub unread: u64,
    /// Seconds since the epoch of the last message.
    pub timestamp: i64,
    pub last_msg_seq: u64,
    pub last_client_msg_no: String,
    /// Where this user's history starts: messages at or below it were cleared (0: none).
    pub offset_msg_seq: u64,
    pub readed_to_msg_seq: u64,
    /// The last message's time in nanoseconds, as WuKongIM's version.
    pub version: i64,
    /// Newest first.
    pub recents: Vec<ServerMessage>,
}

/// `POST /channel/messagesync`: a page of one user's history of a channel.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"login_uid": "alice", "channel_id": "bob", "channel_type": 1, "start_message_seq": 0, "end_message_seq": 0, "limit": 30, "pull_mode": 0}))]
pub struct MessageSyncRequest {
    pub login_uid: String,
    pub channel_id: String,
    pub channel_type: i64,
    /// Included. With `end_message_seq` also 0: the newest `limit` messages.
    #[serde(default)]
    pub start_message_seq: u64,
    /// Excluded; 0 for no bound.
    #[serde(default)]
    pub end_message_seq: u64,
    /// Messages at most (default 100, at most 1,000).
    #[serde(default)]
    pub limit: u32,
    /// 0: down, from `start_message_seq` towards older messages; 1: up, towards newer ones.
    #[serde(default)]
    pub pull_mode: u8,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MessageSyncResponse {
    pub start_message_seq: u64,
    pub end_message_seq: u64,
    /// 1 when more messages lie beyond this page in the direction pulled.
    pub more: u8,
    /// Oldest first.
    pub messages: Vec<ServerMessage>,
}

/// `GET /channel/max_message_seq`'s answer: the channel's newest seq, 0 when it has no
/// messages or does not exist (WuKongIM's).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
pub struct MaxMessageSeq {
    pub message_seq: u64,
}

/// `POST /messages`: messages of a channel named by seq, by ID or by client number
/// (WuKongIM's), as `login_uid` sees them. 1–1,000 names in all.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"login_uid": "alice", "channel_id": "team-1", "channel_type": 2, "message_seqs": [1, 2]}))]
pub struct MessagesRequest {
    pub login_uid: String,
    pub channel_id: String,
    pub channel_type: i64,
    #[serde(default)]
    pub message_seqs: Vec<u64>,
    #[serde(default)]
    pub message_ids: Vec<i64>,
    #[serde(default)]
    pub client_msg_nos: Vec<String>,
}

/// `POST /message`: one message of a channel, by ID or by client number (WuKongIM's), as
/// `login_uid` sees it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"login_uid": "alice", "channel_id": "team-1", "channel_type": 2, "message_id": 1234}))]
pub struct MessageRequest {
    pub login_uid: String,
    pub channel_id: String,
    pub channel_type: i64,
    /// 0 (or left out) to find it by `client_msg_no` instead.
    #[serde(default)]
    pub message_id: i64,
    #[serde(default)]
    pub client_msg_no: String,
}

/// One online connection, as `POST /user/onlinestatus` lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
pub struct OnlineStatus {
    pub uid: String,
    /// 0 app, 1 web, 2 pc.
    pub device_flag: u8,
    /// Always 1: only online connections are listed.
    pub online: u8,
}

/// `POST /user/onlinestatus`'s answer: the online connections, or WuKongIM's plain
/// `{"status": 200}` when it was asked about no one.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(untagged)]
pub enum OnlineStatusAnswer {
    Connections(Vec<OnlineStatus>),
    NoneAsked(StatusOk),
}

/// `POST /user/device_quit`: signs a device out.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"uid": "alice", "device_flag": -1}))]
pub struct DeviceQuitRequest {
    pub uid: String,
    /// 0 app, 1 web, 2 pc; -1 every device of the user. Left out: 0 (the app), as WuKongIM
    /// takes it.
    #[serde(default)]
    pub device_flag: i64,
}

/// `POST /conn/kick` and `POST /conn/remove`: ends one connection of a user.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"uid": "alice", "conn_id": 4294967297_u64}))]
pub struct ConnectionRequest {
    pub uid: String,
    /// The connection's ID, as the `user.onlinestatus` webhook reports it (its fourth part).
    #[serde(default)]
    pub conn_id: u64,
    /// The node holding the connection, as WuKongIM takes it. Natter's connection IDs are
    /// unique across the cluster, so any node ends the connection wherever it is, and this is
    /// not read.
    #[serde(default)]
    pub node_id: u64,
}

/// `POST /message/sendbatch`: the same personal message to each subscriber.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SendBatchRequest {
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub header: Option<Value>,
    /// The sender (required, as WuKongIM).
    pub from_uid: String,
    pub subscribers: Vec<String>,
    /// Base64 of the JSON payload bytes.
    pub payload: String,
}

/// Who did not get a batch message, and why (the same order).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SendBatchResult {
    pub fail_uids: Vec<String>,
    pub reason: Vec<String>,
}

/// The body of the blacklist and whitelist routes.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"channel_id": "team-1", "channel_type": 2, "uids": ["mallory"]}))]
pub struct SenderListRequest {
    /// A group ID (`channel_type` 2), or the uid whose one-to-one senders the list is about
    /// (`channel_type` 1).
    pub channel_id: String,
    pub channel_type: i64,
    /// 1 to 1,000 uids (any number, even none, for `_set`; not used by `_remove_all`).
    #[serde(default)]
    pub uids: Vec<String>,
}

/// The body of `/user/systemuids_add` and `/user/systemuids_remove`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"uids": ["notifications", "helpdesk"]}))]
pub struct SystemUidsRequest {
    /// Up to 1,000 uids; none is a change to nothing, as WuKongIM takes it.
    #[serde(default)]
    pub uids: Vec<String>,
}

/// One uid on a whitelist (`GET /channel/whitelist`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct SenderListEntry {
    pub uid: String,
    /// When it was added, RFC 3339.
    pub created_at: String,
    /// As `created_at` (an entry never changes).
    pub updated_at: String,
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
    /// A user's friends hear their status changes without subscribing (Tencent's console switch
    /// for friends' status notifications): every user who has them in their friend list.
    #[serde(default)]
    #[schema(required = true)]
    pub friend_status_notification: bool,
}

/// `PUT /app/settings`: the settings to change; one left out keeps its value.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[schema(example = json!({"friend_status_notification": true}))]
pub struct AppSettingsChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_conversation_deletion: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub friend_status_notification: Option<bool>,
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
    /// `AdminForbid_Type_SendOut` forbids the user to send friend requests (Tencent's
    /// `Tag_Profile_IM_AdminForbidType`); `AdminForbid_Type_None` lets them again. Only the app
    /// backend sets it; every profile view shows it (`adminForbidType`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_forbid_type: Option<crate::profile::AdminForbidType>,
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
    /// 1 dismisses the group (as `POST /channel/delete`); 0 or 1 only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disband: Option<u8>,
    /// Custom fields to set (Tencent's `groupCustomField`); the others keep their values, and
    /// an empty value removes a field. 20 at most per group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_fields: Option<std::collections::BTreeMap<String, String>>,
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
    /// The group's custom fields (Tencent's `groupCustomField`).
    pub custom_fields: std::collections::BTreeMap<String, String>,
}
