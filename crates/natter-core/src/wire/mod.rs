//! The JSON shapes of both HTTP surfaces and the WebSocket, shared by the server and the Rust
//! SDK so both speak one contract. The OpenAPI document (`docs/openapi.json`) and the
//! TypeScript SDK's wire types are generated from these types (`ToSchema`).
//!
//! Client API types use the client SDK's camelCase names; server API types use WuKongIM's
//! snake_case names. Optional request fields have the defaults the API reference gives them.

mod client;
mod counters;
mod directory;
mod events;
mod extensions;
mod files;
mod follows;
mod friends;
mod language;
mod objects_only;
mod pins;
mod reactions;
mod receipts;
mod server;
mod status;
mod topics;
mod webhook;

pub use client::*;
pub use counters::*;
pub use directory::*;
pub use events::*;
pub use extensions::*;
pub use files::*;
pub use follows::*;
pub use friends::*;
pub use language::*;
pub use pins::*;
pub use reactions::*;
pub use receipts::*;
pub use server::*;
pub use status::*;
pub use topics::*;
pub use webhook::*;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{Error, Result};

/// Decodes a request body of either HTTP surface. Lenient where curl users trip (no
/// `Content-Type` needed, an empty body is `{}`, unknown fields are ignored) and strict about the
/// JSON itself (an object wherever the schema has one: [`objects_only`]); every failure is
/// `invalid_argument` with a message naming the bad field, so a client can tell which part of
/// its request to fix.
pub fn decode_request<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let request = serde_path_to_error::deserialize(objects_only::ObjectsOnly(&mut deserializer))
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

/// Encodes an answer or an event as JSON, byte for byte as `serde_json` would (a test compares
/// them on arbitrary payloads and on the wire types). Through sonic-rs, whose serde serializer
/// finds the characters a string must escape 32 bytes at a time: `serde_json` checks each byte
/// against a table, and that, for every key and string of every object, was 16 % of the server's
/// instructions in a group fan-out and a fifth of answering a list page (`BENCHMARKS.md`, round
/// two, ninth pass).
pub fn encode<T: Serialize + ?Sized>(value: &T) -> std::result::Result<Vec<u8>, sonic_rs::Error> {
    sonic_rs::to_vec(value)
}

/// [`encode`] as text, for a WebSocket's text frame.
pub fn encode_text<T: Serialize + ?Sized>(
    value: &T,
) -> std::result::Result<String, sonic_rs::Error> {
    sonic_rs::to_string(value)
}

/// The error body of both HTTP surfaces. The server API adds `status` and `msg` for clients
/// written for WuKongIM.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[schema(example = json!({"code": 40002, "error": "invalid_conversation_id",
    "message": "conversationID \"X\" must be C2C<userID>, GROUP<groupID> or @TIM#SYSTEM",
    "requestID": "0193b4f0-6c1e-7a52-9e0f-3d2b8c1a7e44"}))]
pub struct ErrorBody {
    /// The numeric code (`40002`); its first three digits are the HTTP status.
    pub code: u32,
    /// The code's name (`invalid_conversation_id`).
    pub error: String,
    /// What is wrong, naming the field or object at fault.
    pub message: String,
    /// The ID of this request, also in the `x-request-id` header and in the server's log.
    #[serde(rename = "requestID", default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The HTTP status again (server API only, as WuKongIM answers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// `message` again (server API only, as WuKongIM answers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use proptest::prelude::*;
    use serde_json::{Value, json};

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
            $check::<MessageReceiptsRequest>(input)?;
            $check::<ReceiptMembersRequest>(input)?;
            $check::<PinMessageRequest>(input)?;
            $check::<DirectorySearch>(input)?;
            $check::<SetGroupCountersRequest>(input)?;
            $check::<GroupCounterStep>(input)?;
            $check::<GroupCountersRequest>(input)?;
            $check::<GroupAttributesRequest>(input)?;
            $check::<GroupAttributeKeys>(input)?;
            $check::<FollowRequest>(input)?;
            $check::<FollowQuestion>(input)?;
            $check::<ReceiveOption>(input)?;
            $check::<ExtensionsRequest>(input)?;
            $check::<SetExtensionsRequest>(input)?;
            $check::<DeleteExtensionsRequest>(input)?;
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

    /// serde's structs also take a JSON array, field by field; a request body's never do.
    #[test]
    fn a_struct_is_taken_only_from_a_json_object() {
        let error =
            decode_request::<UserTokenRequest>(br#"["dave","dave-secret-token"]"#).unwrap_err();
        assert_eq!(error.kind, ErrorKind::InvalidArgument);
        assert!(
            error.message.starts_with(
                "the body is not a valid request: invalid type: sequence, expected a JSON object"
            ),
            "{}",
            error.message
        );
        let error = decode_request::<ServerBatchDeleteRequest>(
            br#"{"uid":"alice","channels":[["bob",1]]}"#,
        )
        .unwrap_err();
        assert!(
            error
                .message
                .starts_with("channels[0]: invalid type: sequence, expected a JSON object"),
            "{}",
            error.message
        );
        // Arrays where the schema has them, objects where it has those, as before.
        let request = decode_request::<ServerBatchDeleteRequest>(
            br#"{"uid":"alice","channels":[{"channel_id":"bob","channel_type":1}]}"#,
        )
        .unwrap();
        assert_eq!(request.channels[0].channel_id, "bob");
        let uids: Vec<String> = decode_request(br#"["alice","bob"]"#).unwrap();
        assert_eq!(uids, ["alice", "bob"]);
        let send: SendMessageRequest =
            decode_request(br#"{"conversationID":"C2Cbob","payload":{"list":[1,{"a":[]}]}}"#)
                .unwrap();
        assert_eq!(send.payload, json!({"list": [1, {"a": []}]}));
    }

    /// A struct refuses a field given twice; a map kept the last value of a repeated key.
    #[test]
    fn a_key_given_twice_is_refused_at_any_depth() {
        let error =
            decode_request::<UserTokenRequest>(br#"{"uid":"a","uid":"b","token":"long-enough"}"#)
                .unwrap_err();
        assert!(
            error.message.contains("duplicate field `uid`"),
            "{}",
            error.message
        );
        let error = decode_request::<ServerUserProfile>(
            br#"{"uid":"a","custom_fields":{"k":"1","k":"2"}}"#,
        )
        .unwrap_err();
        assert!(
            error
                .message
                .starts_with("custom_fields.k: the key `k` is given twice"),
            "{}",
            error.message
        );
        let error = decode_request::<SendMessageRequest>(
            br#"{"conversationID":"C2Cbob","payload":{"list":[{"a":1,"a":1}]}}"#,
        )
        .unwrap_err();
        assert!(
            error.message.starts_with("payload.list[0].a: ")
                && error.message.contains("the key `a` is given twice"),
            "{}",
            error.message
        );
        let send: SendMessageRequest =
            decode_request(br#"{"conversationID":"C2Cbob","payload":{"a":{"a":1},"b":[{"a":2}]}}"#)
                .unwrap();
        assert_eq!(send.payload, json!({"a": {"a": 1}, "b": [{"a": 2}]}));
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
        "friend_status_notification",
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
    fn a_ping_decodes_unknown_events_are_none_and_other_frames_are_errors() {
        assert_eq!(
            ClientEvent::decode(r#"{"event":"ping"}"#).unwrap(),
            Some(ClientEvent::Ping)
        );
        assert_eq!(
            ClientEvent::decode(r#"{"event":"ping","data":{}}"#).unwrap(),
            Some(ClientEvent::Ping)
        );
        for unknown in [
            r#"{"event":"pong"}"#,
            r#"{"event":"typing","data":{"to":"bob"}}"#,
        ] {
            assert_eq!(ClientEvent::decode(unknown).unwrap(), None, "{unknown}");
        }
        for other in [
            "",
            "ping",
            r#"{"data":{}}"#,
            r#"{"event":7}"#,
            "[]",
            r#"{"event":"#,
        ] {
            let error = ClientEvent::decode(other).unwrap_err();
            assert_eq!(error.kind, ErrorKind::InvalidArgument);
            assert!(
                error.message.starts_with("not a client event: "),
                "{}",
                error.message
            );
        }
    }

    #[test]
    fn events_have_the_shape_of_api_md() {
        let deleted = ServerEvent::ConversationDeleted {
            conversation_id_list: vec!["C2Cbob".into()],
            clear_history_message: true,
            version: 9,
        };
        assert_eq!(
            serde_json::to_value(&deleted).unwrap(),
            json!({"event": "conversationDeleted",
                   "data": {"conversationIDList": ["C2Cbob"], "clearHistoryMessage": true,
                            "version": 9}})
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

    /// Strings that exercise every kind of escape and every length around the 32 bytes that
    /// sonic-rs examines at once.
    const ESCAPABLE: &str = "[\\x00-\\x1f\"\\\\/a-z\u{7f}\u{e9}\u{2028}\u{1f600}]{0,70}";

    /// A conversation and a message carrying `payload`, every string of them `text`.
    fn wire_events(text: &str, payload: &Value) -> Vec<ServerEvent> {
        let message = Message {
            message_id: text.into(),
            conversation_id: text.into(),
            seq: u64::MAX,
            from: text.into(),
            time: i64::MIN,
            message_type: text.into(),
            payload: payload.clone(),
            client_msg_id: Some(text.into()),
            cloud_custom_data: text.into(),
            is_revoked: false,
            revoker: None,
            nick: text.into(),
            avatar: text.into(),
            is_excluded_from_unread_count: true,
            version: 3,
            need_read_receipt: false,
            read_count: 0,
        };
        let conversation = Conversation {
            conversation_id: text.into(),
            kind: text.into(),
            unread_count: 7,
            last_message: Some(LastMessage {
                message_id: text.into(),
                seq: 3,
                from: text.into(),
                time: -1,
                message_type: text.into(),
                payload: payload.clone(),
                cloud_custom_data: text.into(),
                is_revoked: true,
                revoker: Some(text.into()),
                nick: text.into(),
            }),
            cleared_to_seq: 0,
            peer_read_seq: 5,
            is_pinned: true,
            is_archived: false,
            message_remind_type: text.into(),
            mark_list: vec![1, 1 << 63],
            conversation_group_list: vec![text.into(), String::new()],
            draft_text: text.into(),
            custom_data: text.into(),
            version: 9,
            user_profile: Some(UserProfile {
                user_id: text.into(),
                nick: text.into(),
                avatar: text.into(),
            }),
            group_profile: None,
            group_at_info_list: Some(vec![GroupAtInfo {
                seq: 2,
                from: text.into(),
                at_type: 3,
            }]),
        };
        vec![
            ServerEvent::MessageReceived {
                message_list: vec![message],
            },
            ServerEvent::ConversationListUpdated {
                conversation_list: vec![conversation],
            },
            ServerEvent::Pong {
                connection_id: None,
            },
        ]
    }

    proptest! {
        /// Answers and events are encoded exactly as serde_json encodes them, whatever the
        /// payload (numbers of every kind included) and whatever a string holds.
        #[test]
        fn encodes_as_serde_json_does(payload in json_value(), text in ESCAPABLE) {
            prop_assert_eq!(encode(&payload).unwrap(), serde_json::to_vec(&payload).unwrap());
            for event in wire_events(&text, &payload) {
                prop_assert_eq!(encode(&event).unwrap(), serde_json::to_vec(&event).unwrap());
                prop_assert_eq!(encode_text(&event).unwrap(), serde_json::to_string(&event).unwrap());
            }
        }
    }
}
