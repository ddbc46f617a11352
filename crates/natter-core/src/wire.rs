//! The JSON shapes of API.md, shared by the server and the Rust SDK so both speak one contract.
//!
//! Client API types use the client SDK's camelCase names; server API types use WuKongIM's
//! snake_case names. Optional request fields have the defaults API.md gives them.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};

/// Decodes a request body of either HTTP surface. Lenient where curl users trip (no
/// `Content-Type` needed, an empty body is `{}`, unknown fields are ignored) and strict about the
/// JSON itself; every failure is `invalid_argument` with a message naming the bad field, so a
/// client can tell which part of its request to fix.
pub fn decode_request<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let request = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| Error::invalid_argument(describe(&error)))?;
    // Without this, anything after the first JSON value (`{…}{…}`, `{…}x`) would be ignored.
    deserializer.end().map_err(|error| {
        Error::invalid_argument(format!("the body is not a valid request: {error}"))
    })?;
    Ok(request)
}

/// "field: what is wrong", or just what is wrong when the body itself is not JSON (then the
/// path is the root, `.`, or a key that could not be read, `?`).
fn describe(error: &serde_path_to_error::Error<serde_json::Error>) -> String {
    let path = error.path().to_string();
    let inner = error.inner();
    if matches!(path.as_str(), "." | "?" | "") {
        format!("the body is not a valid request: {inner}")
    } else {
        format!("{path}: {inner}")
    }
}

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
    /// The element type (`TIMTextElem`, `TIMCustomElem`, …), as Tencent's SDKs name it.
    #[serde(rename = "type")]
    pub message_type: String,
    pub payload: Value,
    #[serde(rename = "clientMsgID")]
    pub client_msg_id: Option<String>,
    /// App data that travels with the message.
    pub cloud_custom_data: String,
    /// The sender's profile when the message was read.
    pub nick: String,
    pub avatar: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LastMessage {
    #[serde(rename = "messageID")]
    pub message_id: String,
    pub seq: u64,
    pub from: String,
    pub time: i64,
    #[serde(rename = "type")]
    pub message_type: String,
    pub payload: Value,
    pub cloud_custom_data: String,
}

/// Who a one-to-one conversation is with, as a list shows them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UserProfile {
    #[serde(rename = "userID")]
    pub user_id: String,
    pub nick: String,
    pub avatar: String,
}

/// Which group a group conversation is, as a list shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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
    /// The peer, for a one-to-one conversation.
    pub user_profile: Option<UserProfile>,
    /// The group, for a group conversation.
    pub group_profile: Option<GroupProfile>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendMessageRequest {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    /// The element type; `TIMCustomElem` when left out.
    #[serde(rename = "type", default)]
    pub message_type: Option<String>,
    pub payload: Value,
    #[serde(rename = "clientMsgID", default)]
    pub client_msg_id: Option<String>,
    #[serde(default)]
    pub cloud_custom_data: Option<String>,
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
    /// The oldest message of this page: pass it back to get the page before it (`""` when
    /// the page is empty).
    #[serde(rename = "nextReqMessageID")]
    pub next_req_message_id: String,
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

impl ClientEvent {
    /// Decodes a text frame from a client. Anything that is not a known event is
    /// `invalid_argument`; the gateway ignores such frames rather than closing the connection,
    /// so a newer client's events do not cut off an older server.
    pub fn decode(text: &str) -> Result<Self> {
        serde_json::from_str(text)
            .map_err(|error| Error::invalid_argument(format!("not a client frame: {error}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use proptest::prelude::*;
    use serde_json::json;

    /// Runs `$check::<T>(input)` for every request body type the two HTTP surfaces decode.
    macro_rules! for_every_request_type {
        ($check:ident, $input:expr) => {{
            let input = $input;
            // Client API.
            $check::<SendMessageRequest>(input)?;
            $check::<DeleteConversationsRequest>(input)?;
            $check::<ConversationIdList>(input)?;
            $check::<ReadRequest>(input)?;
            $check::<PinRequest>(input)?;
            $check::<MarkRequest>(input)?;
            $check::<DraftRequest>(input)?;
            $check::<CustomDataRequest>(input)?;
            $check::<RemindTypeRequest>(input)?;
            $check::<ReadAllRequest>(input)?;
            $check::<ConversationGroupRequest>(input)?;
            $check::<RenameConversationGroupRequest>(input)?;
            // Server API.
            $check::<UserTokenRequest>(input)?;
            $check::<ChannelRequest>(input)?;
            $check::<ChannelRef>(input)?;
            $check::<ServerSendRequest>(input)?;
            $check::<ServerDeleteRequest>(input)?;
            $check::<ServerBatchDeleteRequest>(input)?;
            $check::<ClearUnreadRequest>(input)?;
            $check::<SetUnreadRequest>(input)?;
            $check::<ServerSyncRequest>(input)?;
            $check::<ServerConversationRef>(input)?;
            $check::<NoticeRequest>(input)?;
            $check::<AppSettings>(input)?;
        }};
    }

    /// Decoding either succeeds, and then what it decoded encodes and decodes again, or fails
    /// with `invalid_argument` and a message.
    fn decodes_or_is_invalid_argument<T: Serialize + DeserializeOwned>(
        body: &[u8],
    ) -> std::result::Result<(), TestCaseError> {
        match decode_request::<T>(body) {
            Ok(request) => {
                let again = serde_json::to_vec(&request).unwrap();
                prop_assert!(decode_request::<T>(&again).is_ok());
            }
            Err(error) => {
                prop_assert_eq!(error.kind, ErrorKind::InvalidArgument);
                prop_assert!(!error.message.is_empty());
            }
        }
        Ok(())
    }

    /// Field names of the request types, so generated objects often hit a real field.
    const FIELDS: &[&str] = &[
        "conversationID",
        "conversationIDList",
        "payload",
        "clientMsgID",
        "clearHistoryMessage",
        "seq",
        "isPinned",
        "markType",
        "enableMark",
        "draftText",
        "customData",
        "messageRemindType",
        "scope",
        "groupName",
        "oldName",
        "newName",
        "uid",
        "uids",
        "token",
        "device_flag",
        "device_level",
        "channel_id",
        "channel_type",
        "subscribers",
        "reset",
        "new_members_see_history",
        "header",
        "client_msg_no",
        "from_uid",
        "clear_history",
        "channels",
        "message_seq",
        "unread",
        "version",
        "msg_count",
        "sync_conversation_deletion",
    ];

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            ".{0,12}".prop_map(Value::from),
            prop::sample::select(FIELDS).prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 48, 8, |inner| {
            let key = prop_oneof![
                prop::sample::select(FIELDS).prop_map(str::to_owned),
                ".{0,8}"
            ];
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                prop::collection::btree_map(key, inner, 0..8)
                    .prop_map(|fields| Value::Object(fields.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_bytes_decode_or_are_invalid_argument(body in prop::collection::vec(any::<u8>(), 0..256)) {
            for_every_request_type!(decodes_or_is_invalid_argument, &body);
        }

        #[test]
        fn any_json_decodes_or_is_invalid_argument(value in json_value()) {
            let body = serde_json::to_vec(&value).unwrap();
            for_every_request_type!(decodes_or_is_invalid_argument, &body);
        }

        #[test]
        fn anything_after_the_json_value_is_refused(garbage in "[^ \\t\\r\\n]{1,8}") {
            let body = format!(r#"{{"conversationIDList":["C2Cbob"]}}{garbage}"#);
            let error = decode_request::<ConversationIdList>(body.as_bytes()).unwrap_err();
            prop_assert_eq!(error.kind, ErrorKind::InvalidArgument);
        }

        #[test]
        fn any_client_frame_decodes_or_is_invalid_argument(text in ".{0,64}") {
            if let Err(error) = ClientEvent::decode(&text) {
                prop_assert_eq!(error.kind, ErrorKind::InvalidArgument);
            }
        }

        #[test]
        fn any_json_client_frame_decodes_or_is_invalid_argument(value in json_value()) {
            if let Err(error) = ClientEvent::decode(&value.to_string()) {
                prop_assert_eq!(error.kind, ErrorKind::InvalidArgument);
            }
        }
    }

    #[test]
    fn request_errors_name_the_field() {
        let error =
            decode_request::<DeleteConversationsRequest>(br#"{"conversationIDList":"C2Cbob"}"#)
                .unwrap_err();
        assert!(
            error.message.starts_with("conversationIDList: "),
            "{}",
            error.message
        );
        let error = decode_request::<PinRequest>(b"{not json").unwrap_err();
        assert!(
            error.message.starts_with("the body is not a valid request"),
            "{}",
            error.message
        );
    }

    #[test]
    fn an_empty_body_is_an_empty_object() {
        assert_eq!(decode_request::<ReadRequest>(b" \n").unwrap().seq, None);
        assert!(
            decode_request::<PinRequest>(b"").is_err(),
            "required fields stay required"
        );
    }

    #[test]
    fn a_ping_decodes_and_other_frames_do_not() {
        assert_eq!(
            ClientEvent::decode(r#"{"event":"ping"}"#).unwrap(),
            ClientEvent::Ping
        );
        assert_eq!(
            ClientEvent::decode(r#"{"event":"ping","data":{}}"#).unwrap(),
            ClientEvent::Ping
        );
        for other in ["", "ping", r#"{"event":"pong"}"#, r#"{"data":{}}"#, "[]"] {
            assert_eq!(
                ClientEvent::decode(other).unwrap_err().kind,
                ErrorKind::InvalidArgument
            );
        }
    }

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
