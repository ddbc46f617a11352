//! Webhooks: the bodies Natter posts to the app backend (WuKongIM's, field for field, plus an
//! `event_id`), the before-send callback's question and answer, and the server API's view of
//! the dead letters.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::{MessageHeader, ServerMessage};

/// A stored message as WuKongIM's webhooks carry it (its `MessageResp`): each item of
/// `msg.notify`, and the message of `msg.offline`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"event_id": 311, "header": {"no_persist": 0, "red_dot": 1, "sync_once": 0},
    "setting": 0, "message_id": 42, "message_idstr": "42", "client_msg_no": "c-1",
    "message_seq": 7, "from_uid": "alice", "channel_id": "bob", "channel_type": 1, "expire": 0,
    "timestamp": 1763700000, "payload": "eyJ0ZXh0IjoiaGkifQ==", "message_type": "TIMTextElem"}))]
pub struct WebhookMessage {
    /// The event's ID, the same on every delivery of it: de-duplicate on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<i64>,
    /// The message as the server API shows it, except that the channel is named as the
    /// sender names it (the peer's uid, the group ID, or the recipient's uid for a system
    /// notice, with type 1) and the payload is the stored one.
    #[serde(flatten)]
    pub message: ServerMessage,
    /// Natter's element type (`TIMTextElem`, `TIMCustomElem`, …).
    pub message_type: String,
}

/// `msg.offline`: one message and the members to push it to, one per request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OfflineMessage {
    #[serde(flatten)]
    pub message: WebhookMessage,
    /// Members other than the sender with no connected device, whose conversation is not
    /// muted (`AcceptNotNotify`, `Discard`).
    pub to_uids: Vec<String>,
    /// What the sender asked the push to say (the client API's `offlinePushInfo`); left out when
    /// they asked nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline_push_info: Option<PushText>,
}

/// The title, text and app data a sender gave a message's push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PushText {
    pub title: String,
    pub description: String,
    pub extension: String,
}

/// `conversation.deleted`: one item per accepted deletion call, the fields of its audit
/// record (`GET /audit/conversations`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeletionEvent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<i64>,
    pub id: i64,
    pub at_ms: i64,
    /// The acting uid, or `manager`.
    pub actor: String,
    /// Whose list.
    pub uid: String,
    pub conversation_ids: Vec<String>,
    pub clear_history: bool,
    /// `client` or `server`.
    pub via: String,
    /// Always `delete`.
    pub action: String,
    pub message_ids: Vec<i64>,
}

/// What the before-send callback is asked about: a message a user's device sends, before it
/// is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"from_uid": "alice", "channel_id": "bob", "channel_type": 1,
    "client_msg_no": "c-1", "message_type": "TIMTextElem", "payload": "eyJ0ZXh0IjoiaGkifQ==",
    "header": {"no_persist": 0, "red_dot": 1, "sync_once": 0}, "timestamp": 1763700000}))]
pub struct BeforeSendRequest {
    pub from_uid: String,
    /// The peer's uid or the group ID.
    pub channel_id: String,
    /// 1 personal, 2 group.
    pub channel_type: i64,
    /// Empty when the device gave none.
    pub client_msg_no: String,
    pub message_type: String,
    /// Base64 of the payload's JSON bytes.
    pub payload: String,
    pub header: MessageHeader,
    /// Seconds since the epoch.
    pub timestamp: i64,
}

/// The before-send callback's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum BeforeSendResult {
    /// Store and deliver the message as sent.
    Allow,
    /// Refuse it: the sender gets 403 `message_rejected` with `reason`.
    Reject,
    /// Store and deliver `payload` instead.
    Replace,
}

/// The before-send callback's answer (with status 200).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"result": "replace", "payload": "eyJ0ZXh0IjoiKioqIn0="}))]
pub struct BeforeSendAnswer {
    pub result: BeforeSendResult,
    /// Shown to the sender on a rejection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// With `replace`: base64 of the new payload, a JSON object valid for the message's type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
}

/// An event that kept failing for longer than `--webhook-dead-after-secs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DeadLetter {
    /// The event's ID.
    pub id: i64,
    /// Its kind (`msg.notify`, …).
    pub event: String,
    /// Its item, as it would be delivered: an object, or a `user.onlinestatus` string.
    pub body: Value,
    pub created_ms: i64,
    pub attempts: u32,
    /// Why the last attempt failed.
    pub last_error: String,
    /// When it was given up.
    pub dead_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DeadLetterPage {
    /// Oldest first.
    pub entries: Vec<DeadLetter>,
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// `POST /webhook/deadletters/replay`: which dead letters to deliver again. With `ids`, those;
/// else with `event`, every one of that kind; else every one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"event": "msg.offline"}))]
pub struct ReplayRequest {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReplayResult {
    /// Dead letters put back in the queue.
    pub replayed: u64,
}
