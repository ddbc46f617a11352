//! Bad input gets a 4xx JSON error that names the field; health and metrics.

use std::time::Duration;

use crate::common::Server;
use futures_util::{SinkExt, StreamExt};
use reqwest::Method;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};

#[tokio::test]
async fn malformed_json_is_invalid_argument() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    alice
        .raw(Method::POST, "/v1/messages", "{\"conversationID\": ")
        .await
        .expect_error(400, 40001, "invalid_argument");
    alice
        .raw(Method::POST, "/v1/conversations/delete", "[1, 2")
        .await
        .expect_error(400, 40001, "invalid_argument");
    server
        .manager()
        .raw(Method::POST, "/channel", "not json at all")
        .await
        .expect_error(400, 40001, "invalid_argument");
}

/// A valid body followed by more text used to be accepted, the rest silently ignored.
#[tokio::test]
async fn anything_after_the_json_body_is_invalid_argument() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    alice
        .raw(
            Method::POST,
            "/v1/conversations/delete",
            r#"{"conversationIDList":["C2Cbob"]}{"clearHistoryMessage":false}"#,
        )
        .await
        .expect_error(400, 40001, "invalid_argument");
    server
        .manager()
        .raw(
            Method::PUT,
            "/app/settings",
            r#"{"sync_conversation_deletion":true} x"#,
        )
        .await
        .expect_error(400, 40001, "invalid_argument");
    alice
        .raw(
            Method::POST,
            "/v1/conversations/delete",
            "{\"conversationIDList\":[\"C2Cbob\"]}\r\n",
        )
        .await
        .ok();
}

#[tokio::test]
async fn a_missing_field_is_named() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    server
        .manager()
        .post("/user/token", json!({"token": "long-enough-token"}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "uid");
    server
        .manager()
        .post(
            "/conversations/delete",
            json!({"channel_id": "bob", "channel_type": 1}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "uid");
    alice
        .post("/v1/messages", json!({"payload": {"text": "to whom?"}}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "conversationID");
}

#[tokio::test]
async fn a_wrong_type_names_the_field_path() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    server
        .manager()
        .post(
            "/channel",
            json!({"channel_id": "team", "channel_type": 2, "subscribers": ["alice", 7]}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "subscribers[1]");
    server
        .manager()
        .post(
            "/conversations/batchDelete",
            json!({"uid": "alice", "channels": [{"channel_id": "bob", "channel_type": "one"}]}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "channels[0].channel_type");
    alice
        .post(
            "/v1/conversations/delete",
            json!({"conversationIDList": ["C2Cbob"], "clearHistoryMessage": "yes"}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "clearHistoryMessage");
    alice
        .post("/v1/messages", json!({"conversationID": 42, "payload": {}}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "conversationID");
}

#[tokio::test]
async fn an_unknown_path_is_a_json_404() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    alice
        .get("/v1/nothing-here")
        .await
        .expect_error(404, 40401, "not_found");
    server
        .anonymous()
        .get("/nothing/here")
        .await
        .expect_error(404, 40401, "not_found");
}

#[tokio::test]
async fn a_wrong_method_is_a_json_405() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    alice
        .get("/v1/messages")
        .await
        .expect_error(405, 40501, "method_not_allowed");
    server
        .manager()
        .get("/message/send")
        .await
        .expect_error(405, 40501, "method_not_allowed");
    server
        .manager()
        .raw(Method::DELETE, "/app/settings", "")
        .await
        .expect_error(405, 40501, "method_not_allowed");
}

#[tokio::test]
async fn page_limits_outside_1_to_100_are_rejected() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    server.user("bob").await.send_text("C2Calice", "hi").await;
    for path in [
        "/v1/conversations?limit=0",
        "/v1/conversations?limit=101",
        "/v1/conversations/C2Cbob/messages?limit=0",
        "/v1/conversations/C2Cbob/messages?limit=101",
        "/v1/conversations?limit=many",
    ] {
        alice
            .get(path)
            .await
            .expect_error_naming(400, 40001, "invalid_argument", "limit");
    }
    alice.get("/v1/conversations?limit=1").await.ok();
    alice.get("/v1/conversations?limit=100").await.ok();
    alice
        .get("/v1/conversations/C2Cbob/messages?limit=100")
        .await
        .ok();
    server
        .manager()
        .get("/audit/conversations?limit=0")
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "limit");
    alice
        .get("/v1/conversations?type=SOMETHING")
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "type");
}

#[tokio::test]
async fn a_cursor_the_server_did_not_give_is_rejected() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    for cursor in ["garbage", "eyJmb28iOjF9", "%00%01"] {
        alice
            .get(&format!("/v1/conversations?cursor={cursor}"))
            .await
            .expect_error_naming(400, 40001, "invalid_argument", "cursor");
    }
}

#[tokio::test]
async fn healthz_answers_200() {
    let server = Server::start().await;
    let health = server.anonymous().get("/healthz").await;
    assert_eq!(health.status, 200, "{}", health.text);
}

/// WuKongIM's health check, for the probes written to it.
#[tokio::test]
async fn health_answers_as_wukongims() {
    let server = Server::start().await;
    let health = server.anonymous().get("/health").await;
    assert_eq!(health.ok(), json!({"status": "ok"}));
}

#[tokio::test]
async fn metrics_count_messages_and_deleted_conversations() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    server.user("bob").await;
    server.user("carol").await;
    assert_eq!(manager.metric("natter_messages_sent_total").await, 0);
    assert_eq!(
        manager.metric("natter_conversations_deleted_total").await,
        0
    );

    let retried = json!({"conversationID": "C2Cbob", "payload": {"n": 1}, "clientMsgID": "once"});
    alice.post("/v1/messages", retried.clone()).await.ok();
    alice.post("/v1/messages", retried).await.ok(); // a retry: not a new message
    alice.send_text("C2Ccarol", "hi").await;
    manager
        .server_send("bob", "alice", 1, json!({"n": 2}), None)
        .await
        .ok();
    alice
        .try_send("C2Cnobody", json!({"n": 3}))
        .await
        .expect_error(404, 40401, "not_found");
    assert_eq!(manager.metric("natter_messages_sent_total").await, 3);

    alice
        .delete(&["C2Cbob", "C2Ccarol", "C2Cghost"], None)
        .await
        .ok();
    alice.delete(&["C2Cbob"], None).await.ok(); // already gone: not counted again
    assert_eq!(
        manager.metric("natter_conversations_deleted_total").await,
        2
    );
    let text = manager.get("/metrics").await.text;
    assert!(
        text.contains("# TYPE natter_messages_sent_total counter"),
        "{text}"
    );
}

/// Every acknowledgement waits for its batch's commit, so the commit's time (mostly the disk's
/// sync) is at `/metrics`: a slow answer can be read as the disk's. PostgreSQL keeps its own.
#[tokio::test]
async fn metrics_time_the_sqlite_commits_and_checkpoints() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    server.user("bob").await;
    let commits_before = match crate::common::postgres_admin_url() {
        Some(_) => None,
        None => Some(
            manager
                .metric("natter_sqlite_commit_duration_seconds_count")
                .await,
        ),
    };
    alice.send_text("C2Cbob", "hi").await;
    let text = manager.get("/metrics").await.text;
    match commits_before {
        None => assert!(!text.contains("natter_sqlite_"), "{text}"),
        Some(before) => {
            let after = manager
                .metric("natter_sqlite_commit_duration_seconds_count")
                .await;
            assert!(after > before, "{before} commits, then {after}");
            for line in [
                "# TYPE natter_sqlite_commit_duration_seconds histogram",
                "natter_sqlite_commit_duration_seconds_bucket{le=\"0.0005\"}",
                "natter_sqlite_commit_duration_seconds_bucket{le=\"+Inf\"}",
                "# TYPE natter_sqlite_checkpoint_duration_seconds histogram",
            ] {
                assert!(text.contains(line), "{line} missing:\n{text}");
            }
        }
    }
}

/// PostgreSQL cannot store U+0000 in text; both databases refuse it up front, naming the field.
#[tokio::test]
async fn text_holding_u0000_is_invalid_argument_on_every_database() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    bob.send_text("C2Calice", "hi").await;
    alice
        .post(
            "/v1/conversations/draft",
            json!({"conversationID": "C2Cbob", "draftText": "a\u{0}b"}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "draftText");
    alice
        .post(
            "/v1/conversations/customData",
            json!({"conversationIDList": ["C2Cbob"], "customData": "\u{0}"}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "customData");
    alice
        .post(
            "/v1/messages",
            json!({"conversationID": "C2Cbob", "payload": {"text": "\u{0} is fine in a payload"},
                   "clientMsgID": "n\u{0}1"}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "clientMsgID");
    alice
        .post(
            "/v1/messages",
            json!({"conversationID": "C2Cbob", "payload": {"text": "\u{0} is fine in a payload"}}),
        )
        .await
        .ok();
}

/// serde takes a struct from a JSON array too, field by field: a body that was an array set a
/// token and deleted conversations. Every request body is an object, all the way down.
#[tokio::test]
async fn a_json_array_where_an_object_goes_is_refused_and_changes_nothing() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    server.user("bob").await.send_text("C2Calice", "hi").await;

    let message = manager
        .raw(
            Method::POST,
            "/user/token",
            r#"["dave","dave-secret-token"]"#,
        )
        .await
        .expect_error(400, 40001, "invalid_argument");
    assert!(message.contains("expected a JSON object"), "{message}");
    server
        .with_bearer("dave-secret-token")
        .get("/v1/conversations")
        .await
        .expect_error(401, 40101, "unauthenticated");
    manager
        .get("/user/profile?uid=dave")
        .await
        .expect_error(404, 40401, "not_found");

    alice
        .raw(
            Method::POST,
            "/v1/conversations/delete",
            r#"[["C2Cbob"],false]"#,
        )
        .await
        .expect_error(400, 40001, "invalid_argument");
    manager
        .post(
            "/conversations/batchDelete",
            json!({"uid": "alice", "channels": [["bob", 1]]}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "channels[0]");
    assert_eq!(alice.list_ids().await, ["C2Cbob"]);
    assert_eq!(alice.history_seqs("C2Cbob").await, [1]);
}

/// axum's path extractor answered an ID that is not UTF-8 once percent-decoded in plain text,
/// with no code.
#[tokio::test]
async fn a_path_id_that_is_not_utf8_is_invalid_argument_naming_it() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    for path in [
        "/v1/conversations/C2C%FF",
        "/v1/conversations/C2C%FF/messages",
    ] {
        alice
            .get(path)
            .await
            .expect_error_naming(400, 40001, "invalid_argument", "id: not UTF-8");
    }
    alice
        .raw(Method::POST, "/v1/conversations/C2C%C3/read", "")
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "id: not UTF-8");
    alice
        .get("/v1/groups/%FF/members")
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "groupID: not UTF-8");
    // Authentication still comes first.
    server
        .anonymous()
        .get("/v1/conversations/C2C%FF")
        .await
        .expect_error(401, 40101, "unauthenticated");
}

/// A parameter missing or given twice was reported as "query parameter .: …", naming the root.
#[tokio::test]
async fn a_query_string_error_names_the_parameter_not_the_root() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    for (answer, parameter) in [
        (server.manager().get("/user/profile").await, "`uid`"),
        (
            alice.get("/v1/conversations?limit=5&limit=6").await,
            "`limit`",
        ),
    ] {
        let message = answer.expect_error(400, 40001, "invalid_argument");
        assert!(message.contains(parameter), "{message}");
        assert!(!message.contains("parameter ."), "{message}");
    }
}

/// A `header` that is not an object read as no header at all: the message was sent as if the
/// request were right.
#[tokio::test]
async fn a_message_header_that_is_not_an_object_is_refused_and_nothing_is_sent() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    server.user("bob").await;
    for header in [json!(5), json!("no_persist"), json!([1, 0, 0])] {
        server
            .manager()
            .post(
                "/message/send",
                json!({"header": header, "from_uid": "bob", "channel_id": "alice",
                       "channel_type": 1, "payload": "e30="}),
            )
            .await
            .expect_error_naming(400, 40001, "invalid_argument", "header");
    }
    assert!(alice.list_ids().await.is_empty());
}

/// `disband` other than 1 dismissed the group, and the profile fields beside it were written.
#[tokio::test]
async fn a_disband_other_than_0_or_1_is_refused_and_the_group_stays() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    server.user("bob").await;
    manager.create_group("team", &["alice", "bob"]).await;
    manager
        .post(
            "/channel/info",
            json!({"channel_id": "team", "channel_type": 2, "name": "Team", "disband": 2}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "disband");
    let info = manager
        .get("/channel/info?channel_id=team&channel_type=2")
        .await
        .ok();
    assert_eq!(info["disband"], 0, "{info}");
    assert_eq!(info["member_count"], 2, "{info}");
    assert_eq!(info["name"], "", "{info}");
    alice.send_text("GROUPteam", "still here").await;
}

/// A frame the server cannot take closes that connection with a close code and a reason (the
/// reference's close codes). A frame over 64 KiB, text that is not UTF-8, or a frame that breaks
/// the protocol used to end the connection without a close frame; binary frames and text that
/// is no event were ignored.
#[tokio::test]
async fn a_websocket_frame_the_server_cannot_take_closes_with_a_code_and_a_reason() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let url = format!(
        "{}/v1/ws?token={}",
        server.base.replacen("http", "ws", 1),
        alice.token
    );
    let not_utf8 = Frame::message(
        b"{\"event\":\"\xff\"}".to_vec(),
        OpCode::Data(Data::Text),
        true,
    );
    let too_big = format!(r#"{{"event":"ping","pad":"{}"}}"#, "a".repeat(70_000));
    let reserved_opcode = Frame::message(b"x".to_vec(), OpCode::Data(Data::Reserved(3)), true);
    let cases = [
        (Message::Binary(vec![0, 1, 2].into()), 1003, "binary frames"),
        (
            Message::Text(r#"{"event":"#.into()),
            1007,
            "not a client event",
        ),
        (Message::Text("[]".into()), 1007, "not a client event"),
        (Message::Frame(not_utf8), 1007, "not UTF-8"),
        (Message::Text(too_big.into()), 1009, "limited to 65536"),
        (Message::Frame(reserved_opcode), 1002, "protocol error"),
    ];
    for (frame, code, reason) in cases {
        let (mut socket, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
        socket.send(frame).await.unwrap();
        let close = tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                match socket.next().await {
                    Some(Ok(Message::Close(close))) => return close,
                    Some(Ok(_)) => continue,
                    other => panic!("expected a close frame ({reason}), got {other:?}"),
                }
            }
        })
        .await
        .expect("the server closes the connection")
        .expect("a close frame with a code");
        assert_eq!(u16::from(close.code), code, "{close:?}");
        assert!(close.reason.contains(reason), "{close:?}");
    }
    // An event this server does not know (a newer client's) is ignored: the connection stays.
    let (mut socket, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    for frame in [r#"{"event":"typing","data":{}}"#, r#"{"event":"ping"}"#] {
        socket.send(Message::Text(frame.into())).await.unwrap();
    }
    let pong = tokio::time::timeout(Duration::from_secs(5), socket.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(
        pong.to_text().unwrap().contains(r#""event":"pong""#),
        "{pong:?}"
    );
}

/// A `/message/sendbatch` whose payload, header or sender is bad was answered 200, listing
/// every subscriber as failed with the same reason; the reference says 400.
#[tokio::test]
async fn a_bad_batch_message_is_refused_as_a_whole() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    server.user("bob").await;
    for (body, field) in [
        (json!({"from_uid": "bob", "payload": "!!"}), "payload"),
        (
            json!({"from_uid": "bob", "payload": "e30=", "header": {"red_dot": 7}}),
            "header.red_dot",
        ),
        (
            json!({"from_uid": "bad uid", "payload": "e30="}),
            "from_uid",
        ),
    ] {
        let mut body = body;
        body["subscribers"] = json!(["alice"]);
        server
            .manager()
            .post("/message/sendbatch", body)
            .await
            .expect_error_naming(400, 40001, "invalid_argument", field);
    }
    assert!(alice.list_ids().await.is_empty());
    // A subscriber's own failure is still listed beside the others' success.
    let answer = server
        .manager()
        .post(
            "/message/sendbatch",
            json!({"from_uid": "bob", "subscribers": ["alice", "bad uid"], "payload": "e30="}),
        )
        .await
        .ok();
    assert_eq!(answer["fail_uids"], json!(["bad uid"]), "{answer}");
    assert_eq!(alice.list_ids().await, ["C2Cbob"]);
}

/// A key given twice in an object that is a map (custom fields, a payload) kept the last value
/// and dropped the others without a word; a struct's field given twice was already refused.
#[tokio::test]
async fn a_key_given_twice_is_refused_and_changes_nothing() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    alice
        .raw(
            Method::POST,
            "/v1/profile",
            r#"{"customFields":{"team":"blue","team":"red"}}"#,
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "`team` is given twice");
    assert_eq!(
        alice.get("/v1/profile").await.ok()["customFields"],
        json!({})
    );
    bob.raw(
        Method::POST,
        "/v1/messages",
        r#"{"conversationID":"C2Calice","payload":{"text":"yes","text":"no"}}"#,
    )
    .await
    .expect_error_naming(400, 40001, "invalid_argument", "payload.text");
    bob.raw(
        Method::POST,
        "/v1/messages",
        r#"{"conversationID":"C2Calice","conversationID":"C2Ccarol","payload":{}}"#,
    )
    .await
    .expect_error_naming(400, 40001, "invalid_argument", "conversationID");
    assert!(alice.list_ids().await.is_empty());
}

/// With both seqs 0, `/channel/messagesync` never looked at `pull_mode`: 2 was answered as if
/// it were 0, although the reference lists it as 400.
#[tokio::test]
async fn a_pull_mode_other_than_0_or_1_is_refused_whatever_the_seqs() {
    let server = Server::start().await;
    server.user("alice").await;
    server.user("bob").await.send_text("C2Calice", "hi").await;
    for (start, end) in [(0, 0), (1, 0), (0, 5)] {
        server
            .manager()
            .post(
                "/channel/messagesync",
                json!({"login_uid": "alice", "channel_id": "bob", "channel_type": 1,
                       "start_message_seq": start, "end_message_seq": end, "pull_mode": 2}),
            )
            .await
            .expect_error_naming(400, 40001, "invalid_argument", "pull_mode");
    }
}

/// A bad channel in `/conversations/batchDelete` was reported as `channel_id: …`, a field the
/// body does not have at its top; the reference's all-or-nothing holds.
#[tokio::test]
async fn a_bad_channel_in_a_batch_delete_is_named_by_its_place() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    server.user("bob").await.send_text("C2Calice", "hi").await;
    for (channel, named) in [
        (
            json!({"channel_id": "bad id", "channel_type": 1}),
            "channels[1].channel_id: ",
        ),
        (
            json!({"channel_id": "bob", "channel_type": 7}),
            "channels[1].channel_type: ",
        ),
    ] {
        server
            .manager()
            .post(
                "/conversations/batchDelete",
                json!({"uid": "alice", "channels": [{"channel_id": "bob", "channel_type": 1}, channel]}),
            )
            .await
            .expect_error_naming(400, 40001, "invalid_argument", named);
    }
    assert_eq!(alice.list_ids().await, ["C2Cbob"]);
}

/// `nextReqMessageID=-1` (or 0) was looked up, and answered 404 as a message not in the
/// conversation, while `abc` was 400: neither is an ID the server gives out.
#[tokio::test]
async fn a_next_req_message_id_that_is_not_positive_is_invalid_argument() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    server.user("bob").await.send_text("C2Calice", "hi").await;
    for bad in ["-1", "0", "abc"] {
        alice
            .history_page("C2Cbob", &format!("nextReqMessageID={bad}"))
            .await
            .expect_error_naming(400, 40001, "invalid_argument", "nextReqMessageID");
    }
}

/// Renaming a folder that does not exist was reported as `groupName: …`, a field the rename's
/// body does not have; it names `oldName`, and the new name is not taken.
#[tokio::test]
async fn renaming_a_missing_folder_names_old_name() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    alice
        .post(
            "/v1/conversation-groups/rename",
            json!({"oldName": "work", "newName": "office"}),
        )
        .await
        .expect_error_naming(404, 40401, "not_found", "oldName: ");
    assert_eq!(
        alice.get("/v1/conversation-groups").await.ok(),
        json!({"conversationGroupList": []})
    );
}
