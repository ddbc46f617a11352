//! Sending messages on both surfaces, idempotency, limits and history paging.

use crate::common::{Options, Server, event_where, seqs};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::json;

#[tokio::test]
async fn client_and_server_sends_both_appear_in_both_users_history() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;

    let sent = alice
        .post(
            "/v1/messages",
            json!({"conversationID": "C2Cbob", "payload": {"text": "hi bob"}, "clientMsgID": "a-1"}),
        )
        .await
        .ok()["message"]
        .clone();
    assert_eq!(sent["conversationID"], "C2Cbob");
    assert_eq!(sent["seq"], 1);
    assert_eq!(sent["from"], "alice");
    assert_eq!(sent["payload"], json!({"text": "hi bob"}));
    assert_eq!(sent["clientMsgID"], "a-1");
    assert!(
        sent["time"].as_i64().unwrap() > 1_600_000_000_000,
        "ms time"
    );
    assert!(!sent["messageID"].as_str().unwrap().is_empty());

    let answer = server
        .manager()
        .server_send("bob", "alice", 1, json!({"text": "hi alice"}), Some("b-1"))
        .await
        .ok();
    assert_eq!(answer["status"], 200);
    let data = &answer["data"];
    assert_eq!(data["message_seq"], 2);
    assert_eq!(data["client_msg_no"], "b-1");
    let server_message_id = data["message_id"].as_i64().expect("an integer message_id");

    for (user, conversation) in [(&alice, "C2Cbob"), (&bob, "C2Calice")] {
        let history = user.history(conversation).await;
        assert_eq!(seqs(&history), [1, 2], "{} sees both", user.uid);
        assert_eq!(history[0]["messageID"], sent["messageID"]);
        assert_eq!(history[0]["from"], "alice");
        assert_eq!(history[0]["payload"], json!({"text": "hi bob"}));
        assert_eq!(history[1]["messageID"], server_message_id.to_string());
        assert_eq!(history[1]["from"], "bob");
        assert_eq!(history[1]["payload"], json!({"text": "hi alice"}));
        assert_eq!(history[1]["clientMsgID"], "b-1");
        assert!(history.iter().all(|m| m["conversationID"] == conversation));
    }
}

#[tokio::test]
async fn seqs_are_per_channel_and_gapless() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let _carol = server.user("carol").await;

    assert_eq!(alice.send_many("C2Cbob", 2).await, [1, 2]);
    assert_eq!(alice.send_many("C2Ccarol", 2).await, [1, 2]);
    assert_eq!(bob.send_many("C2Calice", 1).await, [3]);
    let via_server = server
        .manager()
        .server_send("alice", "carol", 1, json!({"n": 3}), None)
        .await
        .ok();
    assert_eq!(via_server["data"]["message_seq"], 3);

    assert_eq!(alice.history_seqs("C2Cbob").await, [1, 2, 3]);
    assert_eq!(alice.history_seqs("C2Ccarol").await, [1, 2, 3]);
}

#[tokio::test]
async fn the_same_client_msg_id_returns_the_first_message_and_stores_no_second() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let _carol = server.user("carol").await;
    let send = |number: &'static str, to: &'static str| {
        let alice = alice.clone();
        async move {
            alice
                .post(
                    "/v1/messages",
                    json!({"conversationID": to, "payload": {"text": number}, "clientMsgID": number}),
                )
                .await
        }
    };

    let first = send("n-1", "C2Cbob").await.ok()["message"].clone();
    let retry = send("n-1", "C2Cbob").await.ok()["message"].clone();
    assert_eq!(retry["messageID"], first["messageID"]);
    assert_eq!(retry["seq"], first["seq"]);
    assert_eq!(bob.history_seqs("C2Calice").await, [1]);
    assert_eq!(bob.unread("C2Calice").await, 1);

    send("n-1", "C2Ccarol")
        .await
        .expect_error(409, 40901, "conflict");

    // The server API: the same sender and number give the same message.
    let manager = server.manager();
    let one = manager
        .server_send("bob", "alice", 1, json!({"t": 1}), Some("s-1"))
        .await
        .ok();
    let again = manager
        .server_send("bob", "alice", 1, json!({"t": 1}), Some("s-1"))
        .await
        .ok();
    assert_eq!(one["data"], again["data"]);
    assert_eq!(alice.history_seqs("C2Cbob").await, [1, 2]);
    // Numbers are per sender: alice's n-1 is not bob's n-1.
    let bobs = manager
        .server_send("bob", "alice", 1, json!({"t": 2}), Some("n-1"))
        .await
        .ok();
    assert_eq!(bobs["data"]["message_seq"], 3);
    manager
        .server_send("bob", "carol", 1, json!({"t": 2}), Some("s-1"))
        .await
        .expect_error(409, 40901, "conflict");
}

#[tokio::test]
async fn a_payload_over_64_kib_is_payload_too_large() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let _bob = server.user("bob").await;
    // `{"text":""}` is 11 bytes of compact JSON.
    let exactly = "x".repeat(64 * 1024 - 11);
    alice
        .try_send("C2Cbob", json!({ "text": exactly }))
        .await
        .ok();
    let over = "x".repeat(64 * 1024 - 10);
    alice
        .try_send("C2Cbob", json!({ "text": over }))
        .await
        .expect_error_naming(413, 41301, "payload_too_large", "payload");
    server
        .manager()
        .server_send("bob", "alice", 1, json!({ "text": over }), None)
        .await
        .expect_error_naming(413, 41301, "payload_too_large", "payload");
    assert_eq!(alice.history_seqs("C2Cbob").await, [1]);
}

#[tokio::test]
async fn a_body_over_max_body_bytes_is_413() {
    let server = Server::start_with(Options {
        max_body_bytes: Some(4096),
        ..Options::default()
    })
    .await;
    let alice = server.user("alice").await;
    let _bob = server.user("bob").await;
    alice
        .try_send("C2Cbob", json!({"text": "x".repeat(5000)}))
        .await
        .expect_error(413, 41301, "payload_too_large");
    server
        .manager()
        .server_send("bob", "alice", 1, json!({"text": "x".repeat(5000)}), None)
        .await
        .expect_error(413, 41301, "payload_too_large");
    alice
        .try_send("C2Cbob", json!({"text": "small"}))
        .await
        .ok();
}

#[tokio::test]
async fn a_payload_that_is_not_an_object_is_rejected() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let _bob = server.user("bob").await;
    for payload in [json!("text"), json!([1, 2]), json!(7), json!(null)] {
        alice.try_send("C2Cbob", payload).await.expect_error_naming(
            400,
            40001,
            "invalid_argument",
            "payload",
        );
    }
    // The server API's payload must be base64 of JSON.
    let answer = server
        .manager()
        .post(
            "/message/send",
            json!({"from_uid": "bob", "channel_id": "alice", "channel_type": 1, "payload": "%%%"}),
        )
        .await;
    answer.expect_error_naming(400, 40001, "invalid_argument", "payload");
    let not_json = BASE64.encode(b"not json");
    server
        .manager()
        .post(
            "/message/send",
            json!({"from_uid": "bob", "channel_id": "alice", "channel_type": 1, "payload": not_json}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "payload");
    for not_an_object in ["[1,2]", "\"text\"", "7"] {
        server
            .manager()
            .post(
                "/message/send",
                json!({"from_uid": "bob", "channel_id": "alice", "channel_type": 1,
                       "payload": BASE64.encode(not_an_object)}),
            )
            .await
            .expect_error_naming(400, 40001, "invalid_argument", "payload");
    }
    assert!(alice.history_seqs("C2Cbob").await.is_empty());
}

#[tokio::test]
async fn sending_to_an_unknown_user_or_group_is_404_and_to_a_foreign_group_403() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let _bob = server.user("bob").await;
    alice
        .try_send("C2Cnobody", json!({"text": "hello?"}))
        .await
        .expect_error_naming(404, 40401, "not_found", "nobody");
    alice
        .try_send("GROUPnowhere", json!({"text": "hello?"}))
        .await
        .expect_error_naming(404, 40401, "not_found", "nowhere");
    server.manager().create_group("club", &["bob"]).await;
    alice
        .try_send("GROUPclub", json!({"text": "let me in"}))
        .await
        .expect_error(403, 40301, "permission_denied");
    alice
        .history_page("GROUPclub", "limit=10")
        .await
        .expect_error(403, 40301, "permission_denied");
    alice
        .history_page("GROUPnowhere", "limit=10")
        .await
        .expect_error(404, 40401, "not_found");
    alice
        .try_send("C2Calice", json!({"text": "note to self"}))
        .await
        .expect_error(400, 40002, "invalid_conversation_id");
    // The server API sends for a non-member, as WuKongIM's does (see wukongim_api.rs), but
    // only to a group that exists.
    server
        .manager()
        .server_send("ghost", "nowhere", 2, json!({"t": 1}), None)
        .await
        .expect_error_naming(404, 40401, "not_found", "nowhere");
}

#[tokio::test]
async fn history_pages_back_with_before_and_limit() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    alice.send_many("C2Cbob", 7).await;

    let page = |query: &'static str| {
        let bob = bob.clone();
        async move { bob.history_page("C2Calice", query).await.ok() }
    };
    let newest = page("limit=3").await;
    assert_eq!(seqs(newest["messageList"].as_array().unwrap()), [5, 6, 7]);
    assert_eq!(newest["isCompleted"], false);
    let middle = page("limit=3&before=5").await;
    assert_eq!(seqs(middle["messageList"].as_array().unwrap()), [2, 3, 4]);
    assert_eq!(middle["isCompleted"], false);
    let oldest = page("limit=3&before=2").await;
    assert_eq!(seqs(oldest["messageList"].as_array().unwrap()), [1]);
    assert_eq!(oldest["isCompleted"], true);
    let exact = page("limit=7").await;
    assert_eq!(
        seqs(exact["messageList"].as_array().unwrap()),
        [1, 2, 3, 4, 5, 6, 7]
    );
    assert_eq!(exact["isCompleted"], true);
    let nothing_before_one = page("before=1").await;
    assert_eq!(nothing_before_one["messageList"], json!([]));
    assert_eq!(nothing_before_one["isCompleted"], true);
    let default_page = page("").await;
    assert_eq!(default_page["messageList"].as_array().unwrap().len(), 7);
    // A conversation with a real user but no messages: an empty history, not an error.
    let _carol = server.user("carol").await;
    let empty = alice.history_page("C2Ccarol", "limit=5").await.ok();
    assert_eq!(empty["messageList"], json!([]));
    assert_eq!(empty["isCompleted"], true);
}

#[tokio::test]
async fn history_pages_back_from_a_message_id_alone_without_gaps_or_repeats() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    alice.send_many("C2Cbob", 40).await;

    // Walk back 15 at a time, each page located by the previous page's nextReqMessageID only.
    let mut walked: Vec<u64> = Vec::new();
    let mut query = "limit=15".to_owned();
    loop {
        let page = bob.history_page("C2Calice", &query).await.ok();
        let list = page["messageList"].as_array().unwrap();
        assert!(list.len() <= 15);
        let mut page_seqs = seqs(list);
        assert_eq!(
            page["nextReqMessageID"], list[0]["messageID"],
            "the oldest message of the page is where the next page starts"
        );
        page_seqs.extend(walked);
        walked = page_seqs;
        if page["isCompleted"] == true {
            break;
        }
        query = format!(
            "limit=15&nextReqMessageID={}",
            page["nextReqMessageID"].as_str().unwrap()
        );
    }
    assert_eq!(walked, (1..=40).collect::<Vec<_>>());

    // A message of another conversation is not a place in this one.
    let _carol = server.user("carol").await;
    let elsewhere = alice.send_text("C2Ccarol", "hi").await["messageID"]
        .as_str()
        .unwrap()
        .to_owned();
    bob.history_page("C2Calice", &format!("nextReqMessageID={elsewhere}"))
        .await
        .expect_error_naming(404, 40401, "not_found", "nextReqMessageID");
    for bad in ["nextReqMessageID=abc", "nextReqMessageID=3&before=2"] {
        bob.history_page("C2Calice", bad)
            .await
            .expect_error(400, 40001, "invalid_argument");
    }
    let empty = alice.history_page("C2Ccarol", "before=1").await.ok();
    assert_eq!(empty["nextReqMessageID"], "");
}

/// Tencent's `getMessageListHopping`: a page on either side of a seq or a time.
#[tokio::test]
async fn history_hops_to_either_side_of_a_seq_or_a_time() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let sent = alice.send_many("C2Cbob", 10).await;
    let times: Vec<i64> = bob
        .history("C2Calice")
        .await
        .iter()
        .map(|message| message["time"].as_i64().unwrap())
        .collect();
    let page = |query: String| {
        let bob = &bob;
        async move {
            let page = bob.history_page("C2Calice", &query).await.ok();
            (
                seqs(page["messageList"].as_array().unwrap()),
                page["isCompleted"] == true,
            )
        }
    };

    assert_eq!(page("after=4&limit=3".into()).await, (vec![5, 6, 7], false));
    assert_eq!(page("after=7&limit=3".into()).await, (vec![8, 9, 10], true));
    assert_eq!(page("after=10".into()).await, (vec![], true));
    assert_eq!(
        page("before=5&limit=3".into()).await,
        (vec![2, 3, 4], false)
    );
    // by time: at or before, at or after (messages sent in the same millisecond go together)
    let (up_to, _) = page(format!("beforeTime={}&limit=100", times[5])).await;
    assert_eq!(
        up_to.last(),
        sent.iter()
            .rfind(|&&seq| times[seq as usize - 1] <= times[5])
    );
    let (from, complete) = page(format!("afterTime={}&limit=100", times[5])).await;
    assert_eq!(
        from.first(),
        sent.iter()
            .find(|&&seq| times[seq as usize - 1] >= times[5])
    );
    assert!(complete);
    assert_eq!(page("beforeTime=0".into()).await, (vec![], true));
    assert_eq!(
        page(format!("afterTime={}", i64::MAX)).await,
        (vec![], true)
    );
    for both in [
        "after=2&before=5",
        "after=2&afterTime=1",
        "beforeTime=1&nextReqMessageID=3",
    ] {
        bob.history_page("C2Calice", both)
            .await
            .expect_error_naming(400, 40001, "invalid_argument", "one of them");
    }
}

#[tokio::test]
async fn the_message_type_and_cloud_custom_data_are_stored_and_checked() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;

    let text = alice
        .post(
            "/v1/messages",
            json!({"conversationID": "C2Cbob", "type": "TIMTextElem", "payload": {"text": "hi"},
                   "cloudCustomData": "{\"quote\":1}"}),
        )
        .await
        .ok()["message"]
        .clone();
    assert_eq!(text["type"], "TIMTextElem");
    assert_eq!(text["cloudCustomData"], "{\"quote\":1}");
    let custom = alice
        .post(
            "/v1/messages",
            json!({"conversationID": "C2Cbob", "payload": {"data": "x", "description": "d"}}),
        )
        .await
        .ok()["message"]
        .clone();
    assert_eq!(custom["type"], "TIMCustomElem", "the default type");
    assert_eq!(custom["cloudCustomData"], "");

    let history = bob.history("C2Calice").await;
    assert_eq!(history[0]["type"], "TIMTextElem");
    assert_eq!(history[0]["cloudCustomData"], "{\"quote\":1}");
    assert_eq!(history[1]["type"], "TIMCustomElem");
    let listed = bob.conversation("C2Calice").await.ok();
    assert_eq!(listed["lastMessage"]["type"], "TIMCustomElem");
    assert_eq!(listed["userProfile"]["userID"], "alice");
    assert_eq!(listed["groupProfile"], json!(null));

    for (body, field) in [
        (
            json!({"conversationID": "C2Cbob", "type": "TIMNope", "payload": {}}),
            "type",
        ),
        (
            json!({"conversationID": "C2Cbob", "type": "TIMTextElem", "payload": {"data": "x"}}),
            "payload.text",
        ),
        (
            json!({"conversationID": "C2Cbob", "payload": {"data": 7}}),
            "payload.data",
        ),
        (
            json!({"conversationID": "C2Cbob", "payload": {}, "cloudCustomData": "x".repeat(8 * 1024 + 1)}),
            "cloudCustomData",
        ),
    ] {
        alice.post("/v1/messages", body).await.expect_error_naming(
            400,
            40001,
            "invalid_argument",
            field,
        );
    }
}

#[tokio::test]
async fn wukongim_header_flags_keep_or_count_a_message_as_asked() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    alice.send_text("C2Cbob", "counted").await;
    let mut bobs_events = natter_sdk::Chat::login(&server.base, &bob.token)
        .events(0)
        .await
        .unwrap();
    let send = |header: serde_json::Value, text: &'static str| {
        let manager = server.manager();
        async move {
            let mut body = json!({"from_uid": "alice", "channel_id": "bob", "channel_type": 1,
                "payload": BASE64.encode(json!({"type": 1, "content": text}).to_string())});
            body["header"] = header;
            manager.post("/message/send", body).await.ok()["data"].clone()
        }
    };

    // no_persist: pushed to online devices, not stored, not counted.
    let relayed = send(json!({"no_persist": 1}), "typing…").await;
    assert_eq!(relayed["message_seq"], 0);
    let live = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            if let Some(natter_sdk::Event::Server(
                natter_sdk::wire::ServerEvent::MessageReceived { message_list },
            )) = bobs_events.next().await
            {
                return message_list.into_iter().next().unwrap();
            }
        }
    })
    .await
    .expect("the relayed message arrives");
    assert_eq!(live.seq, 0);
    assert_eq!(live.message_type, "TIMTextElem");
    assert_eq!(live.payload, json!({"type": 1, "content": "typing…"}));
    assert_eq!(seqs(&bob.history("C2Calice").await), [1], "not stored");
    assert_eq!(bob.unread("C2Calice").await, 1);

    // red_dot off: stored, but never counted as unread, even after a partial read.
    let silent = send(json!({"red_dot": 0}), "quiet").await;
    assert_eq!(silent["message_seq"], 2);
    assert_eq!(bob.unread("C2Calice").await, 1);
    alice.send_text("C2Cbob", "loud").await;
    assert_eq!(bob.unread("C2Calice").await, 2);
    bob.read("C2Calice", Some(1)).await.ok();
    assert_eq!(
        bob.unread("C2Calice").await,
        1,
        "seq 3 counts, seq 2 never does"
    );
    let history = bob.history("C2Calice").await;
    assert_eq!(seqs(&history), [1, 2, 3]);
    assert_eq!(
        history
            .iter()
            .map(|message| message.get("isExcludedFromUnreadCount").is_some())
            .collect::<Vec<_>>(),
        [false, true, false],
        "the client API marks the silent one"
    );
    // Recalling the silent message takes nothing off: it never counted.
    server
        .manager()
        .post(
            "/message/revoke",
            json!({"message_id": silent["message_id"]}),
        )
        .await
        .ok();
    assert_eq!(bob.unread("C2Calice").await, 1, "seq 3 still counts");
    assert_eq!(bob.get("/v1/unread").await.ok()["totalUnreadCount"], 1);
    server
        .manager()
        .post(
            "/message/send",
            json!({"from_uid": "alice", "channel_id": "bob", "channel_type": 1,
                   "payload": BASE64.encode("{}"), "header": {"red_dot": "yes"}}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "header.red_dot");
}

#[tokio::test]
async fn a_message_to_oneself_is_refused_naming_the_field_of_each_api() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    alice
        .post(
            "/v1/messages",
            json!({"conversationID": "C2Calice", "payload": {"text": "note to self"}}),
        )
        .await
        .expect_error_naming(400, 40002, "invalid_conversation_id", "conversationID");
    let payload = BASE64.encode(br#"{"type":1,"content":"note to self"}"#);
    server
        .manager()
        .post(
            "/message/send",
            json!({"from_uid": "alice", "channel_id": "alice", "channel_type": 1,
                   "payload": payload}),
        )
        .await
        .expect_error_naming(400, 40002, "invalid_conversation_id", "channel_id");
    assert!(alice.history("C2Calice").await.is_empty());
}

#[tokio::test]
async fn an_online_only_message_reaches_connected_devices_and_nothing_else() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    alice
        .post("/v1/profile", json!({"nick": "Alice"}))
        .await
        .ok();
    alice.send_text("C2Cbob", "hi").await;
    let version = bob.version().await;
    let mut bobs_phone = natter_sdk::Chat::login(&server.base, &bob.token)
        .events(0)
        .await
        .unwrap();
    let typing = json!({"conversationID": "C2Cbob", "type": "TIMCustomElem",
        "payload": {"data": "{\"businessID\":\"user_typing_status\"}"}, "onlineUserOnly": true});
    let answer = alice.post("/v1/messages", typing).await.ok();
    assert_eq!(answer["message"]["seq"], 0, "not stored: {answer}");
    let pushed = event_where(&mut bobs_phone, |event| match event {
        natter_sdk::wire::ServerEvent::MessageReceived { message_list } => Some(message_list),
        _ => None,
    })
    .await;
    assert_eq!(
        (
            pushed[0].seq,
            pushed[0].from.as_str(),
            pushed[0].nick.as_str()
        ),
        (0, "alice", "Alice"),
        "pushed to the connected device, showing its sender as a stored one does"
    );
    assert_eq!(bob.unread("C2Calice").await, 1, "not counted");
    assert_eq!(bob.history("C2Calice").await.len(), 1, "not in history");
    assert_eq!(bob.version().await, version, "no change to sync");
    let listed = bob.conversation("C2Calice").await.ok();
    assert_eq!(listed["lastMessage"]["payload"]["text"], "hi");
}

#[tokio::test]
async fn a_push_text_too_long_is_refused_naming_its_field() {
    let server = Server::start().await;
    let [ann, _bob] = server.users(["ann", "bob"]).await;
    for (push, field) in [
        (json!({"title": "t".repeat(1025)}), "offlinePushInfo.title"),
        (
            json!({"description": "d".repeat(1025)}),
            "offlinePushInfo.description",
        ),
        (
            json!({"extension": "e".repeat(8193)}),
            "offlinePushInfo.extension",
        ),
    ] {
        ann.post(
            "/v1/messages",
            json!({"conversationID": "C2Cbob", "payload": {"text": "hi"}, "offlinePushInfo": push}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", field);
    }
    // Within the limits, the message is sent as any other.
    ann.post(
        "/v1/messages",
        json!({"conversationID": "C2Cbob", "payload": {"text": "hi"},
               "offlinePushInfo": {"title": "Ann", "description": "hi"}}),
    )
    .await
    .ok();
}

#[tokio::test]
async fn a_message_excluded_from_unread_counts_for_no_one() {
    let server = Server::start().await;
    let [ann, bob] = server.users(["ann", "bob"]).await;
    ann.send_text("C2Cbob", "counted").await;
    let sent = ann
        .post(
            "/v1/messages",
            json!({"conversationID": "C2Cbob", "type": "TIMTextElem", "payload": {"text": "quiet"},
                   "excludedFromUnreadCount": true}),
        )
        .await
        .ok();
    assert_eq!(sent["message"]["isExcludedFromUnreadCount"], true);
    assert_eq!(bob.unread("C2Cann").await, 1, "only the first counts");
    let history = bob.history("C2Cann").await;
    assert_eq!(history[1]["isExcludedFromUnreadCount"], true);
}

/// Tencent's `messageControlInfo.excludedFromLastMessage` (its call invitations): the message is
/// in history and counts as unread, but the conversation's last message stays the one before,
/// in the list, in the pushed conversation and for the sender, and the list does not move.
#[tokio::test]
async fn a_message_excluded_from_the_last_leaves_the_last_message_and_the_order_alone() {
    let server = Server::start().await;
    let [alice, bob, carol] = server.users(["alice", "bob", "carol"]).await;
    bob.send_text("C2Calice", "shown").await;
    carol.send_text("C2Calice", "newer").await;
    assert_eq!(alice.list_ids().await, ["C2Ccarol", "C2Cbob"]);
    let mut alices = alice.events().await;

    let invitation = bob
        .post(
            "/v1/messages",
            json!({"conversationID": "C2Calice", "payload": {"invite": "call"},
                "excludedFromLastMessage": true}),
        )
        .await
        .ok()["message"]
        .clone();
    let pushed = event_where(&mut alices, |event| match event {
        natter_sdk::wire::ServerEvent::ConversationListUpdated { conversation_list } => {
            Some(conversation_list)
        }
        _ => None,
    })
    .await;
    let last_text = |conversation: &natter_sdk::wire::Conversation| {
        conversation
            .last_message
            .as_ref()
            .map(|m| m.payload["text"].clone())
    };
    assert_eq!(last_text(&pushed[0]), Some(json!("shown")));
    assert_eq!(pushed[0].unread_count, 2, "it counts as unread");

    assert_eq!(
        alice.list_ids().await,
        ["C2Ccarol", "C2Cbob"],
        "not moved up"
    );
    for (user, id) in [(&alice, "C2Cbob"), (&bob, "C2Calice")] {
        let conversation = user.conversation(id).await.ok();
        assert_eq!(conversation["lastMessage"]["payload"]["text"], "shown");
    }
    let history = alice.history("C2Cbob").await;
    assert_eq!(
        history.last().unwrap()["messageID"],
        invitation["messageID"]
    );

    // The next message shown takes its place as usual.
    bob.send_text("C2Calice", "after the call").await;
    assert_eq!(alice.list_ids().await, ["C2Cbob", "C2Ccarol"]);
    let conversation = alice.conversation("C2Cbob").await.ok();
    assert_eq!(
        conversation["lastMessage"]["payload"]["text"],
        "after the call"
    );
}
