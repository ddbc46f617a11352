//! The server API routes that WuKongIM's app backends call, checked against WuKongIM's
//! documented answers: field names, defaults, paging and the bare-array bodies.

use std::time::Duration;

use crate::common::{Options, Server, User, decoded};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use natter_sdk::{Chat, Event};
use serde_json::{Value, json};

fn payload(value: &Value) -> String {
    BASE64.encode(value.to_string())
}

async fn conversation_sync(server: &Server, body: Value) -> Vec<Value> {
    let answer = server.manager().post("/conversation/sync", body).await.ok();
    answer
        .as_array()
        .unwrap_or_else(|| panic!("a bare JSON array, as WuKongIM: {answer}"))
        .clone()
}

fn channel<'a>(conversations: &'a [Value], id: &str) -> &'a Value {
    conversations
        .iter()
        .find(|c| c["channel_id"] == id)
        .unwrap_or_else(|| panic!("{id} in {conversations:?}"))
}

/// The `message_seq`s of WuKongIM's messages, in order.
fn seqs_in(messages: &Value) -> Vec<u64> {
    messages
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["message_seq"].as_u64().unwrap())
        .collect()
}

fn recent_seqs(conversation: &Value) -> Vec<u64> {
    seqs_in(&conversation["recents"])
}

#[tokio::test]
async fn conversation_sync_answers_in_wukongims_shape() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    server.user("carol").await;
    let first = bob.send_text("C2Calice", "one").await;
    bob.send_text("C2Calice", "two").await;
    bob.send_text("C2Calice", "three").await;
    alice.send_text("C2Ccarol", "hey").await;
    server
        .manager()
        .create_group("team", &["alice", "bob"])
        .await;
    bob.send_text("GROUPteam", "hello team").await;

    let conversations = conversation_sync(
        &server,
        json!({"uid": "alice", "version": 0, "msg_count": 2}),
    )
    .await;
    assert_eq!(conversations.len(), 3);
    assert_eq!(
        conversations[0]["channel_id"], "team",
        "most recent first: {conversations:?}"
    );
    let with_bob = channel(&conversations, "bob");
    assert_eq!(with_bob["channel_type"], 1);
    assert_eq!(with_bob["unread"], 3);
    assert_eq!(with_bob["last_msg_seq"], 3);
    assert_eq!(with_bob["readed_to_msg_seq"], 0);
    assert_eq!(with_bob["offset_msg_seq"], 0);
    assert!(with_bob["last_client_msg_no"].is_string());
    let seconds = with_bob["timestamp"].as_i64().unwrap();
    assert!((1_600_000_000..4_000_000_000).contains(&seconds));
    let nanos = with_bob["version"].as_i64().unwrap();
    assert_eq!(
        nanos / 1_000_000_000,
        seconds,
        "version is the last message's time in ns"
    );
    assert_eq!(
        recent_seqs(with_bob),
        [3, 2],
        "msg_count recents, newest first"
    );
    for message in with_bob["recents"].as_array().unwrap() {
        assert_eq!(message["from_uid"], "bob");
        // WuKongIM names a personal message's channel by the party who did not send it.
        assert_eq!(message["channel_id"], "alice");
        assert_eq!(message["channel_type"], 1);
        assert_eq!(
            message["header"],
            json!({"no_persist": 0, "red_dot": 1, "sync_once": 0})
        );
        assert_eq!(message["setting"], 0);
        assert_eq!(message["expire"], 0);
        assert_eq!(
            message["message_idstr"],
            message["message_id"].as_i64().unwrap().to_string()
        );
        // The client API's text, in WuKongIM's shape.
        assert_eq!(decoded(message)["type"], 1);
        assert!(decoded(message)["content"].is_string());
    }
    assert_ne!(
        with_bob["recents"][0]["message_id"].to_string(),
        first["messageID"]
    );
    let with_carol = channel(&conversations, "carol");
    assert_eq!(with_carol["unread"], 0);
    assert_eq!(
        with_carol["readed_to_msg_seq"], 1,
        "her own message is read"
    );
    assert_eq!(with_carol["recents"][0]["channel_id"], "carol");
    assert_eq!(with_carol["recents"][0]["from_uid"], "alice");
    let group = channel(&conversations, "team");
    assert_eq!(group["channel_type"], 2);
    assert_eq!(group["unread"], 1);
    assert_eq!(group["recents"][0]["channel_id"], "team");

    // msg_count 0: WuKongIM returns a conversation only with recent messages, so none.
    let none = conversation_sync(&server, json!({"uid": "alice", "version": 0})).await;
    assert_eq!(none, Vec::<Value>::new());

    // A user token may sync its own list only.
    server
        .with_bearer(&alice.token)
        .post(
            "/conversation/sync",
            json!({"uid": "alice", "msg_count": 1}),
        )
        .await
        .ok();
    server
        .with_bearer(&alice.token)
        .post("/conversation/sync", json!({"uid": "bob", "msg_count": 1}))
        .await
        .expect_error(403, 40301, "permission_denied");
}

#[tokio::test]
async fn conversation_sync_returns_only_what_the_client_lacks() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    bob.send_many("C2Calice", 3).await;
    carol.send_many("C2Calice", 2).await;
    alice.read("C2Ccarol", None).await.ok();

    // Holding bob's conversation up to seq 2 and carol's up to 2: only bob's seq 3 is new.
    let held = json!({"uid": "alice", "last_msg_seqs": "bob:1:2|carol:1:2", "msg_count": 10});
    let conversations = conversation_sync(&server, held).await;
    assert_eq!(conversations.len(), 1, "{conversations:?}");
    assert_eq!(recent_seqs(&conversations[0]), [3]);

    // A version (any above 0, even one "from the future") or only_unread: only the
    // conversations with messages after the read position, and only those messages. WuKongIM
    // answers so, rather than an empty array.
    for body in [
        json!({"uid": "alice", "version": 1, "msg_count": 10}),
        json!({"uid": "alice", "version": i64::MAX, "msg_count": 10}),
        json!({"uid": "alice", "only_unread": 1, "msg_count": 10}),
    ] {
        let unread = conversation_sync(&server, body.clone()).await;
        assert_eq!(unread.len(), 1, "{body}: {unread:?}");
        assert_eq!(unread[0]["channel_id"], "bob");
        assert_eq!(recent_seqs(&unread[0]), [3, 2, 1]);
    }
    alice.read("C2Cbob", Some(2)).await.ok();
    let after_read = conversation_sync(
        &server,
        json!({"uid": "alice", "version": 5, "msg_count": 10}),
    )
    .await;
    assert_eq!(recent_seqs(&after_read[0]), [3]);
    assert_eq!(after_read[0]["readed_to_msg_seq"], 2);

    // exclude_channel_types leaves a type out unless the client named the conversation.
    server
        .manager()
        .create_group("team", &["alice", "bob"])
        .await;
    bob.send_text("GROUPteam", "hi").await;
    let without_groups = conversation_sync(
        &server,
        json!({"uid": "alice", "msg_count": 1, "exclude_channel_types": [2]}),
    )
    .await;
    assert!(without_groups.iter().all(|c| c["channel_type"] == 1));
    let named = conversation_sync(
        &server,
        json!({"uid": "alice", "msg_count": 1, "exclude_channel_types": [2],
               "last_msg_seqs": "team:2:0"}),
    )
    .await;
    assert!(named.iter().any(|c| c["channel_id"] == "team"));

    // Paging: 1-based pages of page_size, most recent first; past the end, [].
    let page = |number: u32| {
        let server = &server;
        async move {
            conversation_sync(
                server,
                json!({"uid": "alice", "msg_count": 1, "page": number, "page_size": 2}),
            )
            .await
        }
    };
    let (first, second, third) = (page(1).await, page(2).await, page(3).await);
    assert_eq!(first.len(), 2);
    assert_eq!(first[0]["channel_id"], "team");
    assert_eq!(second.len(), 1);
    assert!(third.is_empty());

    // Malformed entries are skipped, as WuKongIM's getChannelLastMsgSeqMap skips them; the
    // well-formed ones still count.
    let skipped = conversation_sync(
        &server,
        json!({"uid": "alice", "msg_count": 10,
               "last_msg_seqs": "bob:1|bob:1:3|carol:1:2:9|team:x:1|carol:1:zz"}),
    )
    .await;
    let ids: Vec<&Value> = skipped.iter().map(|c| &c["channel_id"]).collect();
    assert_eq!(ids, [&json!("team"), &json!("carol")], "{skipped:?}");
    assert_eq!(recent_seqs(&skipped[1]), [2, 1], "carol's seq read as 0");
}

#[tokio::test]
async fn conversation_sync_follows_deletion_and_revival() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    bob.send_many("C2Calice", 3).await;
    server
        .manager()
        .post(
            "/conversations/delete",
            json!({"uid": "alice", "channel_id": "bob", "channel_type": 1}),
        )
        .await
        .ok();
    let after_delete = conversation_sync(&server, json!({"uid": "alice", "msg_count": 5})).await;
    assert!(after_delete.is_empty(), "{after_delete:?}");

    bob.send_text("C2Calice", "back").await;
    let revived = conversation_sync(&server, json!({"uid": "alice", "msg_count": 5})).await;
    assert_eq!(revived.len(), 1);
    assert_eq!(revived[0]["unread"], 1, "only the new message is unread");
    assert_eq!(
        recent_seqs(&revived[0]),
        [4],
        "recents start after the deletion, as WuKongIM's"
    );
    // The history itself was kept (the server API keeps messages by default).
    assert_eq!(alice.history_seqs("C2Cbob").await, [1, 2, 3, 4]);

    // A silent message (red_dot 0) is stored, listed and marked as such, and not counted.
    server
        .manager()
        .post(
            "/message/send",
            json!({"header": {"red_dot": 0}, "from_uid": "bob", "channel_id": "alice",
                   "channel_type": 1, "payload": payload(&json!({"type": 1, "content": "psst"}))}),
        )
        .await
        .ok();
    let silent = conversation_sync(&server, json!({"uid": "alice", "msg_count": 1})).await;
    assert_eq!(silent[0]["recents"][0]["header"]["red_dot"], 0);
    assert_eq!(silent[0]["unread"], 1);
}

async fn message_sync(server: &Server, body: Value) -> Value {
    server
        .manager()
        .post("/channel/messagesync", body)
        .await
        .ok()
}

fn seqs_of(page: &Value) -> Vec<u64> {
    page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["message_seq"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn message_sync_pages_as_wukongim_pulls() {
    let server = Server::start().await;
    server.user("alice").await;
    let bob = server.user("bob").await;
    bob.send_many("C2Calice", 10).await;
    let sync = |start: u64, end: u64, limit: u32, pull_mode: u8| {
        json!({"login_uid": "alice", "channel_id": "bob", "channel_type": 1,
               "start_message_seq": start, "end_message_seq": end, "limit": limit,
               "pull_mode": pull_mode})
    };

    let newest = message_sync(&server, sync(0, 0, 3, 0)).await;
    assert_eq!(seqs_of(&newest), [8, 9, 10], "the newest, oldest first");
    assert_eq!(newest["more"], 1);
    assert_eq!(newest["start_message_seq"], 0);
    assert_eq!(newest["messages"][0]["channel_id"], "alice");
    assert_eq!(newest["messages"][0]["from_uid"], "bob");
    assert_eq!(decoded(&newest["messages"][0])["type"], 1);

    // Down: at or below start, above end.
    let down = message_sync(&server, sync(7, 0, 3, 0)).await;
    assert_eq!(seqs_of(&down), [5, 6, 7]);
    assert_eq!(down["more"], 1);
    let down_to_end = message_sync(&server, sync(7, 4, 10, 0)).await;
    assert_eq!(seqs_of(&down_to_end), [5, 6, 7]);
    assert_eq!(down_to_end["more"], 0);
    // Up: from start, below end (0: no end).
    let up = message_sync(&server, sync(3, 0, 4, 1)).await;
    assert_eq!(seqs_of(&up), [3, 4, 5, 6]);
    assert_eq!(up["more"], 1);
    let up_to_end = message_sync(&server, sync(8, 0, 4, 1)).await;
    assert_eq!(seqs_of(&up_to_end), [8, 9, 10]);
    assert_eq!(up_to_end["more"], 0);
    let bounded = message_sync(&server, sync(3, 6, 10, 1)).await;
    assert_eq!(seqs_of(&bounded), [3, 4, 5]);

    let manager = server.manager();
    manager
        .post("/channel/messagesync", sync(3, 6, 10, 0))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "end_message_seq");
    manager
        .post("/channel/messagesync", sync(3, 0, 10, 2))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "pull_mode");
}

#[tokio::test]
async fn message_sync_respects_join_windows_and_cleared_history() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    server.user("carol").await;
    manager.create_group("team", &["alice", "bob"]).await;
    alice.send_many("GROUPteam", 3).await;
    manager.add_members("team", &["carol"]).await;
    bob.send_many("GROUPteam", 2).await;
    let carol_view = message_sync(
        &server,
        json!({"login_uid": "carol", "channel_id": "team", "channel_type": 2, "limit": 10}),
    )
    .await;
    assert_eq!(
        seqs_of(&carol_view),
        [4, 5],
        "nothing from before carol joined"
    );
    assert_eq!(carol_view["more"], 0);

    bob.delete(&["GROUPteam"], Some(true)).await.ok();
    alice.send_text("GROUPteam", "after the clear").await;
    let bob_view = message_sync(
        &server,
        json!({"login_uid": "bob", "channel_id": "team", "channel_type": 2, "limit": 10}),
    )
    .await;
    assert_eq!(seqs_of(&bob_view), [6], "bob cleared his history");

    manager
        .post(
            "/channel/messagesync",
            json!({"login_uid": "dave", "channel_id": "team", "channel_type": 2}),
        )
        .await
        .expect_error(403, 40301, "permission_denied");
}

#[tokio::test]
async fn messages_are_looked_up_by_seq_id_or_client_number_and_the_newest_seq_read() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    server.user("bob").await;
    server.user("carol").await;
    manager.create_group("team", &["alice", "bob"]).await;
    alice.send_many("GROUPteam", 2).await;
    alice
        .post(
            "/v1/messages",
            json!({"conversationID": "GROUPteam", "type": "TIMTextElem",
                "payload": {"text": "third"}, "clientMsgID": "third-from-alice"}),
        )
        .await
        .ok();
    manager.add_members("team", &["carol"]).await;
    let all = message_sync(
        &server,
        json!({"login_uid": "bob", "channel_id": "team", "channel_type": 2, "limit": 10}),
    )
    .await;
    let second = &all["messages"][1];
    let third = &all["messages"][2];

    // The newest seq of a channel; 0 for one with no messages, as WuKongIM answers.
    let max_seq = |query: &str| {
        let manager = server.manager();
        let path = format!("/channel/max_message_seq?{query}");
        async move { manager.get(&path).await.ok() }
    };
    assert_eq!(
        max_seq("login_uid=bob&channel_id=team&channel_type=2").await,
        json!({"message_seq": 3})
    );
    assert_eq!(
        max_seq("login_uid=bob&channel_id=nowhere&channel_type=2").await,
        json!({"message_seq": 0})
    );
    alice.send_many("C2Cbob", 2).await;
    assert_eq!(
        max_seq("login_uid=bob&channel_id=alice&channel_type=1").await["message_seq"],
        2,
        "a personal channel is login_uid's and channel_id's"
    );
    server
        .manager()
        .get("/channel/max_message_seq?channel_id=team&channel_type=2")
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "login_uid");

    // By seq, ID and client number at once, oldest first; what does not exist is left out.
    let found = manager
        .post(
            "/messages",
            json!({"login_uid": "bob", "channel_id": "team", "channel_type": 2,
                "message_seqs": [3, 1, 99], "message_ids": [second["message_id"]],
                "client_msg_nos": [third["client_msg_no"], "no-such-number"]}),
        )
        .await
        .ok();
    assert_eq!(seqs_of(&found), [1, 2, 3]);
    assert_eq!(
        (&found["start_message_seq"], &found["more"]),
        (&json!(0), &json!(0))
    );
    assert_eq!(found["messages"][1], *second, "in messagesync's shape");
    // Only what login_uid may see: carol joined after these.
    let carols = manager
        .post(
            "/messages",
            json!({"login_uid": "carol", "channel_id": "team", "channel_type": 2,
                "message_seqs": [1, 2, 3]}),
        )
        .await
        .ok();
    assert_eq!(seqs_of(&carols), Vec::<u64>::new());

    // One message, by ID or else by client number; 404 when login_uid cannot see it.
    let one = |body: Value| manager.post("/message", body);
    let by_id = one(
        json!({"login_uid": "bob", "channel_id": "team", "channel_type": 2,
        "message_id": second["message_id"]}),
    )
    .await
    .ok();
    assert_eq!(by_id, *second);
    let by_number = one(
        json!({"login_uid": "bob", "channel_id": "team", "channel_type": 2,
        "client_msg_no": third["client_msg_no"]}),
    )
    .await
    .ok();
    assert_eq!(by_number, *third);
    one(
        json!({"login_uid": "carol", "channel_id": "team", "channel_type": 2,
        "message_id": second["message_id"]}),
    )
    .await
    .expect_error(404, 40401, "not_found");
    one(json!({"login_uid": "bob", "channel_id": "team", "channel_type": 2}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "message_id");

    // 1 to 1,000 names in all.
    let too_many: Vec<u64> = (1..=1001).collect();
    for seqs in [json!([]), json!(too_many)] {
        manager
            .post(
                "/messages",
                json!({"login_uid": "bob", "channel_id": "team", "channel_type": 2,
                    "message_seqs": seqs}),
            )
            .await
            .expect_error_naming(400, 40001, "invalid_argument", "message_seqs");
    }
    // A stranger to the group is refused, as messagesync refuses them.
    manager
        .post(
            "/messages",
            json!({"login_uid": "dave", "channel_id": "team", "channel_type": 2,
                "message_seqs": [1]}),
        )
        .await
        .expect_error(403, 40301, "permission_denied");
}

/// `GET /channel/last_message` and `GET /message/byclientmsgno`: a channel's message whoever
/// may see it, as WuKongIM answers: a personal message names the party that did not send it.
#[tokio::test]
async fn the_last_message_and_a_message_by_client_number_are_read_for_the_channel() {
    let server = Server::start().await;
    let [alice, bob] = server.group_of("team", ["alice", "bob"]).await;
    async fn send(user: &User, conversation: &str, number: &str) {
        let body = json!({"conversationID": conversation, "type": "TIMTextElem",
            "payload": {"text": number}, "clientMsgID": number});
        user.post("/v1/messages", body).await.ok();
    }
    send(&alice, "GROUPteam", "g-1").await;
    send(&bob, "GROUPteam", "g-2").await;
    send(&alice, "C2Cbob", "c-1").await;
    send(&bob, "C2Calice", "c-2").await;
    // Bob's deletion of his conversation, history and all, changes nothing here.
    bob.delete(&["GROUPteam"], Some(true)).await.ok();
    let get = |path: String| {
        let manager = server.manager();
        async move { manager.get(&path).await }
    };
    let last = |query: &str| get(format!("/channel/last_message?{query}"));
    let by_number = |query: &str| get(format!("/message/byclientmsgno?{query}"));

    let newest = last("channel_id=team&channel_type=2").await.ok();
    assert_eq!(
        (
            &newest["client_msg_no"],
            &newest["from_uid"],
            &newest["channel_id"],
            &newest["message_seq"]
        ),
        (&json!("g-2"), &json!("bob"), &json!("team"), &json!(2)),
        "whoever may see it: bob cleared his history"
    );
    let synced = message_sync(
        &server,
        json!({"login_uid": "alice", "channel_id": "team", "channel_type": 2, "limit": 10}),
    )
    .await;
    assert_eq!(newest, synced["messages"][1], "in messagesync's shape");
    for login_uid in ["alice", "bob"] {
        let peer = if login_uid == "alice" { "bob" } else { "alice" };
        let newest = last(&format!(
            "login_uid={login_uid}&channel_id={peer}&channel_type=1"
        ))
        .await
        .ok();
        assert_eq!(
            (
                &newest["client_msg_no"],
                &newest["from_uid"],
                &newest["channel_id"]
            ),
            (&json!("c-2"), &json!("bob"), &json!("alice")),
            "the party that did not send it, whoever asks"
        );
    }

    let first = by_number("channel_id=team&channel_type=2&client_msg_no=g-1")
        .await
        .ok();
    assert_eq!(
        (&first["from_uid"], &first["message_seq"]),
        (&json!("alice"), &json!(1))
    );
    for named in ["alice@bob", "bob@alice"] {
        let found = by_number(&format!(
            "channel_id={named}&channel_type=1&client_msg_no=c-1"
        ))
        .await
        .ok();
        assert_eq!(
            (&found["from_uid"], &found["channel_id"]),
            (&json!("alice"), &json!("bob")),
            "WuKongIM's uid1@uid2, in either order"
        );
    }
    let found = by_number("login_uid=bob&channel_id=alice&channel_type=1&client_msg_no=c-1")
        .await
        .ok();
    assert_eq!(found["client_msg_no"], "c-1", "or login_uid and the peer");

    // Nothing there: 404. Bad input: 400, naming the field.
    by_number("channel_id=team&channel_type=2&client_msg_no=c-1")
        .await
        .expect_error(404, 40401, "not_found");
    last("channel_id=nowhere&channel_type=2")
        .await
        .expect_error(404, 40401, "not_found");
    server.user("carol").await;
    last("login_uid=carol&channel_id=alice&channel_type=1")
        .await
        .expect_error(404, 40401, "not_found");
    last("channel_id=alice&channel_type=1")
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "login_uid");
    by_number("channel_id=alice&channel_type=1&client_msg_no=c-1")
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "channel_id");
    by_number("channel_id=team&channel_type=2&client_msg_no=")
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "client_msg_no");
    by_number("channel_id=team&channel_type=7&client_msg_no=g-1")
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "channel_type");
    alice
        .get("/channel/last_message?channel_id=team&channel_type=2")
        .await
        .expect_error(403, 40301, "permission_denied");
}

#[tokio::test]
async fn unread_changes_to_a_conversation_not_in_the_list_answer_done() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    server.user("carol").await;
    bob.send_many("C2Calice", 2).await;
    alice.delete(&["C2Cbob"], Some(false)).await.ok();
    let manager = server.manager();
    for (path, channel_id) in [
        ("/conversations/clearUnread", "bob"),
        ("/conversations/setUnread", "bob"),
        ("/conversations/clearUnread", "carol"),
        ("/conversations/setUnread", "carol"),
    ] {
        let answer = manager
            .post(
                path,
                json!({"uid": "alice", "channel_id": channel_id, "channel_type": 1, "unread": 3}),
            )
            .await
            .ok();
        assert_eq!(answer, json!({"status": 200}), "{path} {channel_id}");
    }
    assert!(alice.list_ids().await.is_empty(), "nothing was listed");
    assert_eq!(alice.total_unread().await, 0);
}

/// Waits until `uid`'s online status lists `expected` device flags.
async fn wait_for_online(server: &Server, uid: &str, expected: &[u8]) -> Value {
    let mut last = Value::Null;
    for _ in 0..100 {
        last = server
            .manager()
            .post("/user/onlinestatus", json!([uid]))
            .await
            .ok();
        let mut flags: Vec<u8> = last
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| entry["device_flag"].as_u64().unwrap() as u8)
            .collect();
        flags.sort_unstable();
        if flags == expected {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{uid} never showed {expected:?} online: {last}");
}

#[tokio::test]
async fn online_status_lists_each_connection_and_device_quit_signs_out() {
    let server = Server::start().await;
    let phone = server.device("alice", 0).await;
    let web = server.device("alice", 1).await;
    server.user("bob").await;
    let manager = server.manager();
    assert_eq!(
        manager.post("/user/onlinestatus", json!([])).await.ok(),
        json!({"status": 200}),
        "an empty array answers as WuKongIM"
    );
    assert_eq!(
        manager
            .post("/user/onlinestatus", json!(["bob"]))
            .await
            .ok(),
        json!([])
    );

    let mut phone_events = Chat::login(&server.base, &phone.token)
        .events(0)
        .await
        .unwrap();
    let _web_events = Chat::login(&server.base, &web.token)
        .events(0)
        .await
        .unwrap();
    let online = wait_for_online(&server, "alice", &[0, 1]).await;
    assert_eq!(online[0]["uid"], "alice");
    assert_eq!(online[0]["online"], 1);

    // device_quit: the phone's token stops working and its connection ends as kicked.
    assert_eq!(
        manager
            .post(
                "/user/device_quit",
                json!({"uid": "alice", "device_flag": 0})
            )
            .await
            .ok(),
        json!({"status": 200})
    );
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match phone_events.next().await {
                Some(Event::Ended { code, .. }) => return code,
                Some(_) => continue,
                None => panic!("the stream closed without saying why"),
            }
        }
    })
    .await
    .expect("the phone is signed out");
    assert_eq!(ended, 4004);
    phone
        .get("/v1/conversations")
        .await
        .expect_error(401, 40101, "unauthenticated");
    web.get("/v1/conversations").await.ok();
    wait_for_online(&server, "alice", &[1]).await;

    // -1: every device; a user or device that does not exist is done too, as WuKongIM.
    manager
        .post(
            "/user/device_quit",
            json!({"uid": "alice", "device_flag": -1}),
        )
        .await
        .ok();
    web.get("/v1/conversations")
        .await
        .expect_error(401, 40101, "unauthenticated");
    manager
        .post(
            "/user/device_quit",
            json!({"uid": "nobody", "device_flag": 2}),
        )
        .await
        .ok();
    manager
        .post(
            "/user/device_quit",
            json!({"uid": "alice", "device_flag": 7}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "device_flag");
}

#[tokio::test]
async fn sendbatch_sends_to_each_and_lists_who_did_not_get_it() {
    let server = Server::start().await;
    server.user("news").await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let answer = server
        .manager()
        .post(
            "/message/sendbatch",
            json!({"from_uid": "news", "subscribers": ["alice", "bad uid", "bob"],
                   "payload": payload(&json!({"type": 1, "content": "Edition 42"}))}),
        )
        .await
        .ok();
    assert_eq!(answer["fail_uids"], json!(["bad uid"]));
    assert_eq!(answer["reason"].as_array().unwrap().len(), 1);
    assert!(
        answer["reason"][0].as_str().unwrap().contains("uid"),
        "{answer}"
    );
    for user in [&alice, &bob] {
        let history = user.history("C2Cnews").await;
        assert_eq!(history.len(), 1);
        assert_eq!(history[0]["type"], "TIMTextElem");
    }
    server
        .manager()
        .post(
            "/message/sendbatch",
            json!({"from_uid": "", "subscribers": ["alice"], "payload": payload(&json!({}))}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "from_uid");
}

async fn list_call(server: &Server, path: &str, body: Value) {
    assert_eq!(
        server.manager().post(path, body).await.ok(),
        json!({"status": 200}),
        "{path}"
    );
}

#[tokio::test]
async fn group_blacklists_and_whitelists_decide_who_may_send() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    manager
        .create_group("team", &["alice", "bob", "carol"])
        .await;
    let team = |uids: &[&str]| json!({"channel_id": "team", "channel_type": 2, "uids": uids});

    list_call(&server, "/channel/blacklist_add", team(&["bob"])).await;
    bob.try_send("GROUPteam", json!({"text": "hi"}))
        .await
        .expect_error(403, 40305, "in_blacklist");
    alice.send_text("GROUPteam", "alice may").await;
    list_call(&server, "/channel/blacklist_remove", team(&["bob"])).await;
    bob.send_text("GROUPteam", "bob may again").await;
    list_call(&server, "/channel/blacklist_set", team(&["bob", "carol"])).await;
    carol
        .try_send("GROUPteam", json!({"text": "no"}))
        .await
        .expect_error(403, 40305, "in_blacklist");
    list_call(&server, "/channel/blacklist_remove_all", team(&[])).await;
    carol.send_text("GROUPteam", "carol may").await;

    // A whitelist: only the uids on it may send.
    list_call(&server, "/channel/whitelist_add", team(&["alice"])).await;
    bob.try_send("GROUPteam", json!({"text": "no"}))
        .await
        .expect_error(403, 40306, "not_in_whitelist");
    alice.send_text("GROUPteam", "on the list").await;
    list_call(&server, "/channel/whitelist_set", team(&["alice", "bob"])).await;
    bob.send_text("GROUPteam", "now on it").await;
    let whitelist = manager
        .get("/channel/whitelist?channel_id=team&channel_type=2")
        .await
        .ok();
    let uids: Vec<&str> = whitelist
        .as_array()
        .expect("a bare array, as WuKongIM")
        .iter()
        .map(|entry| entry["uid"].as_str().unwrap())
        .collect();
    assert_eq!(uids, ["alice", "bob"]);
    assert!(whitelist[0]["created_at"].as_str().unwrap().ends_with('Z'));
    list_call(&server, "/channel/whitelist_remove", team(&["bob"])).await;
    bob.try_send("GROUPteam", json!({"text": "no"}))
        .await
        .expect_error(403, 40306, "not_in_whitelist");
    list_call(&server, "/channel/whitelist_remove_all", team(&[])).await;
    carol.send_text("GROUPteam", "open again").await;
    assert_eq!(
        manager
            .get("/channel/whitelist?channel_id=team&channel_type=2")
            .await
            .ok(),
        json!([])
    );

    // Bad input is named.
    manager
        .post("/channel/blacklist_add", team(&[]))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "uids");
    manager
        .post(
            "/channel/blacklist_add",
            json!({"channel_id": "nope", "channel_type": 2, "uids": ["bob"]}),
        )
        .await
        .expect_error(404, 40401, "not_found");
    manager
        .post(
            "/channel/whitelist_add",
            json!({"channel_id": "@TIM#SYSTEM", "channel_type": 100, "uids": ["bob"]}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "channel_type");
    alice
        .post("/channel/blacklist_add", team(&["bob"]))
        .await
        .expect_error(403, 40301, "permission_denied");
}

#[tokio::test]
async fn a_users_blacklist_blocks_personal_messages_to_them_only() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    list_call(
        &server,
        "/channel/blacklist_add",
        json!({"channel_id": "alice", "channel_type": 1, "uids": ["bob"]}),
    )
    .await;
    bob.try_send("C2Calice", json!({"text": "hi"}))
        .await
        .expect_error(403, 40305, "in_blacklist");
    alice
        .send_text("C2Cbob", "alice may still write to bob")
        .await;
    carol.send_text("C2Calice", "carol is not blocked").await;

    // A user's whitelist is kept but not enforced, as WuKongIM by default.
    list_call(
        &server,
        "/channel/whitelist_add",
        json!({"channel_id": "alice", "channel_type": 1, "uids": ["carol"]}),
    )
    .await;
    server
        .user("dave")
        .await
        .send_text("C2Calice", "still delivered")
        .await;
    assert_eq!(
        server
            .manager()
            .get("/channel/whitelist?channel_id=alice&channel_type=1")
            .await
            .ok()[0]["uid"],
        "carol"
    );
}

#[tokio::test]
async fn an_empty_from_uid_sends_as_the_app() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    manager.create_group("team", &["alice", "bob"]).await;

    // channel_type 1: into the user's @TIM#SYSTEM conversation (channel_type 100).
    let sent = manager
        .post(
            "/message/send",
            json!({"from_uid": "", "channel_id": "alice", "channel_type": 1,
                   "payload": payload(&json!({"type": 1, "content": "Welcome"}))}),
        )
        .await
        .ok();
    assert_eq!(sent["data"]["message_seq"], 1);
    let notices = alice.history("@TIM#SYSTEM").await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0]["from"], "@TIM#SYSTEM");
    // WuKongIM's conversation sync returns none of its system uid's conversations.
    let synced = conversation_sync(&server, json!({"uid": "alice", "msg_count": 1})).await;
    assert!(
        synced.iter().all(|c| c["channel_type"] != 100),
        "{synced:?}"
    );
    let system = manager
        .post(
            "/channel/messagesync",
            json!({"login_uid": "alice", "channel_id": "@TIM#SYSTEM", "channel_type": 100,
                   "start_message_seq": 0, "end_message_seq": 0, "limit": 10, "pull_mode": 1}),
        )
        .await
        .ok();
    assert_eq!(
        system["messages"][0]["from_uid"], "",
        "WuKongIM's system sender"
    );

    // channel_type 2: to every member of the group, from no member.
    manager
        .post(
            "/message/send",
            json!({"from_uid": "", "channel_id": "team", "channel_type": 2,
                   "payload": payload(&json!({"type": 1, "content": "Maintenance at 9"}))}),
        )
        .await
        .ok();
    for user in [&alice, &bob] {
        let history = user.history("GROUPteam").await;
        assert_eq!(history.last().unwrap()["from"], "@TIM#SYSTEM");
        assert_eq!(user.unread("GROUPteam").await, 1);
    }

    // no_persist: a command that only reaches online devices and is not kept.
    let chat = Chat::login(&server.base, &bob.token);
    let mut events = chat.events(0).await.unwrap();
    manager
        .post(
            "/message/send",
            json!({"header": {"no_persist": 1}, "from_uid": "", "channel_id": "bob",
                   "channel_type": 1, "payload": payload(&json!({"type": 99, "cmd": "refresh"}))}),
        )
        .await
        .ok();
    let command = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match events.next().await {
                Some(Event::Server(natter_sdk::wire::ServerEvent::MessageReceived {
                    message_list,
                })) => return message_list[0].clone(),
                Some(_) => continue,
                None => panic!("the stream ended"),
            }
        }
    })
    .await
    .expect("the command arrives");
    assert_eq!(command.conversation_id, "@TIM#SYSTEM");
    assert_eq!(command.seq, 0, "not kept");
    assert!(bob.history("@TIM#SYSTEM").await.is_empty());

    manager
        .post(
            "/message/send",
            json!({"from_uid": "", "channel_id": "@TIM#SYSTEM", "channel_type": 100,
                   "payload": payload(&json!({}))}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "channel_type");
}

#[tokio::test]
async fn the_system_conversation_is_channel_type_100_on_the_server_api() {
    let server = Server::start().await;
    let alice: User = server.user("alice").await;
    server
        .manager()
        .post(
            "/system/notices",
            json!({"uids": ["alice"], "payload": payload(&json!({"text": "hi"}))}),
        )
        .await
        .ok();
    assert_eq!(alice.list_ids().await, ["@TIM#SYSTEM"]);
    server
        .manager()
        .post(
            "/conversations/delete",
            json!({"uid": "alice", "channel_id": "@TIM#SYSTEM", "channel_type": 100}),
        )
        .await
        .ok();
    assert!(alice.list_ids().await.is_empty());
    server
        .manager()
        .post(
            "/conversations/delete",
            json!({"uid": "alice", "channel_id": "somewhere", "channel_type": 100}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "channel_id");
    server
        .manager()
        .post(
            "/conversations/delete",
            json!({"uid": "alice", "channel_id": "@TIM#SYSTEM", "channel_type": 3}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "channel_type");
}

#[tokio::test]
async fn route_and_route_batch_answer_the_gateways_addresses_without_authentication() {
    let server = Server::start_with(Options {
        wukongim: true,
        ..Options::default()
    })
    .await;
    let anonymous = server.anonymous();
    let route = anonymous.get("/route?uid=alice&intranet=1").await.ok();
    let tcp = route["tcp_addr"].as_str().unwrap();
    let ws = route["ws_addr"].as_str().unwrap();
    assert!(tcp.starts_with("127.0.0.1:"), "{route}");
    assert!(ws.starts_with("ws://127.0.0.1:"), "{route}");
    assert_eq!(route["wss_addr"], "", "no TLS proxy is configured");
    let batch = anonymous
        .post("/route/batch", json!(["alice", "bob"]))
        .await
        .ok();
    assert_eq!(
        batch,
        json!([{"uids": ["alice", "bob"], "tcp_addr": tcp, "ws_addr": ws, "wss_addr": ""}])
    );
    anonymous
        .post("/route/batch", json!({"uids": ["alice"]}))
        .await
        .expect_error(400, 40001, "invalid_argument");

    // Without the gateway's listeners every address is empty.
    let plain = Server::start().await;
    assert_eq!(
        plain.anonymous().get("/route").await.ok(),
        json!({"tcp_addr": "", "ws_addr": "", "wss_addr": ""})
    );
}

/// WuKongIM has no user-existence check: its backend calls work for uids that never had a
/// token, which Natter registers on these paths (not on the client API). A token issued later
/// shows such a user what was sent to them.
#[tokio::test]
async fn wukongim_calls_work_for_users_who_never_had_a_token() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let text = |content: &str| payload(&json!({"type": 1, "content": content}));

    // To and from such a uid.
    manager
        .post(
            "/message/send",
            json!({"from_uid": "alice", "channel_id": "ghost1", "channel_type": 1,
                   "payload": text("to a ghost")}),
        )
        .await
        .ok();
    manager
        .post(
            "/message/send",
            json!({"from_uid": "ghost2", "channel_id": "alice", "channel_type": 1,
                   "payload": text("from a ghost")}),
        )
        .await
        .ok();
    assert_eq!(alice.history("C2Cghost2").await.len(), 1);
    // Not kept, and the app's own: also done.
    for body in [
        json!({"header": {"no_persist": 1}, "from_uid": "alice", "channel_id": "ghost3",
               "channel_type": 1, "payload": text("typing")}),
        json!({"from_uid": "", "channel_id": "ghost4", "channel_type": 1,
               "payload": text("welcome")}),
    ] {
        manager.post("/message/send", body).await.ok();
    }
    // A group made with such members, and more added.
    manager.create_group("haunt", &["alice", "ghost5"]).await;
    manager.add_members("haunt", &["ghost6"]).await;
    let answer = manager
        .post(
            "/message/sendbatch",
            json!({"from_uid": "alice", "subscribers": ["ghost7", "bob"],
                   "payload": text("to all")}),
        )
        .await
        .ok();
    assert_eq!(answer["fail_uids"], json!([]), "{answer}");
    manager
        .post(
            "/message/send",
            json!({"from_uid": "alice", "channel_id": "haunt", "channel_type": 2,
                   "payload": text("hello group")}),
        )
        .await
        .ok();

    // Once issued a token, each sees what was sent to them.
    for (uid, conversation, count) in [
        ("ghost1", "C2Calice", 1),
        ("ghost4", "@TIM#SYSTEM", 1),
        ("ghost5", "GROUPhaunt", 1),
        ("ghost6", "GROUPhaunt", 1),
        ("ghost7", "C2Calice", 1),
        ("bob", "C2Calice", 1),
    ] {
        let user = server.user(uid).await;
        assert_eq!(user.history(conversation).await.len(), count, "{uid}");
    }

    // A malformed uid is still refused, and the client API still knows only issued users.
    manager
        .post(
            "/message/send",
            json!({"from_uid": "alice", "channel_id": "bad uid", "channel_type": 1,
                   "payload": text("?")}),
        )
        .await
        .expect_error(400, 40001, "invalid_argument");
    manager
        .post(
            "/channel",
            json!({"channel_id": "haunt", "channel_type": 2, "subscribers": ["bad uid"]}),
        )
        .await
        .expect_error(400, 40001, "invalid_argument");
    alice
        .try_send("C2Cghost8", json!({"text": "hello?"}))
        .await
        .expect_error_naming(404, 40401, "not_found", "ghost8");
}

/// WuKongIM's group calls are forgiving: `subscriber_add` creates a group that does not exist
/// (and takes a missing `channel_type` as a group), and `subscriber_remove` and `delete` of one
/// that does not exist answer OK.
#[tokio::test]
async fn group_calls_on_unknown_groups_answer_as_wukongim() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;

    manager
        .post(
            "/channel/subscriber_add",
            json!({"channel_id": "fresh", "subscribers": ["alice", "bob"]}),
        )
        .await
        .ok();
    let info = manager
        .get("/channel/info?channel_id=fresh&channel_type=2")
        .await
        .ok();
    assert_eq!(info["member_count"], 2, "{info}");
    alice.send_text("GROUPfresh", "first").await;
    assert_eq!(bob.history("GROUPfresh").await.len(), 1);

    for path in ["/channel/subscriber_remove", "/channel/delete"] {
        let answer = manager
            .post(
                path,
                json!({"channel_id": "nowhere", "channel_type": 2, "subscribers": ["alice"]}),
            )
            .await
            .ok();
        assert_eq!(answer, json!({"status": 200}), "{path}");
    }
    manager
        .get("/channel/info?channel_id=nowhere&channel_type=2")
        .await
        .expect_error(404, 40401, "not_found");
    // Still refused: a person channel, and a channel_type left out where WuKongIM wants one.
    manager
        .post(
            "/channel/subscriber_add",
            json!({"channel_id": "fresh", "channel_type": 1, "subscribers": ["alice"]}),
        )
        .await
        .expect_error(400, 40001, "invalid_argument");
    manager
        .post(
            "/channel",
            json!({"channel_id": "other", "subscribers": ["alice"]}),
        )
        .await
        .expect_error(400, 40001, "invalid_argument");
}

/// The app (an empty `from_uid`) reusing a `client_msg_no` for another channel was answered
/// 500, the store's unique index refusing the insert. It is one sender, as a user is: a retry
/// in the same channel answers the first message, another channel is a 409 naming the field.
#[tokio::test]
async fn the_app_reusing_a_client_msg_no_elsewhere_is_a_conflict() {
    let server = Server::start().await;
    let manager = server.manager();
    let carol = server.user("carol").await;
    server.user("dave").await;
    manager.create_group("team", &["carol", "dave"]).await;
    let first = manager
        .server_send(
            "",
            "carol",
            1,
            json!({"type": 1, "content": "x"}),
            Some("bcast-1"),
        )
        .await
        .ok();
    let retry = manager
        .server_send(
            "",
            "carol",
            1,
            json!({"type": 1, "content": "x"}),
            Some("bcast-1"),
        )
        .await
        .ok();
    assert_eq!(retry["data"]["message_id"], first["data"]["message_id"]);
    for (channel_id, channel_type) in [("dave", 1), ("team", 2)] {
        manager
            .server_send(
                "",
                channel_id,
                channel_type,
                json!({"type": 1}),
                Some("bcast-1"),
            )
            .await
            .expect_error_naming(409, 40901, "conflict", "client_msg_no");
    }
    // From a group to a person, too.
    manager
        .server_send(
            "",
            "team",
            2,
            json!({"type": 1, "content": "y"}),
            Some("bcast-2"),
        )
        .await
        .ok();
    manager
        .server_send(
            "",
            "carol",
            1,
            json!({"type": 1, "content": "y"}),
            Some("bcast-2"),
        )
        .await
        .expect_error_naming(409, 40901, "conflict", "client_msg_no");
    assert_eq!(carol.history("@TIM#SYSTEM").await.len(), 1);
    assert_eq!(carol.history("GROUPteam").await.len(), 1);
}

/// `POST /channel` took `ban: 1` and `disband: 1` and did nothing with them: later sends still
/// landed. A ban is refused, as on `/channel/info`; `disband: 1` sets the members, then
/// dismisses the group, as WuKongIM stores the channel disbanded with its subscribers.
#[tokio::test]
async fn channel_refuses_a_ban_and_disbands_the_group() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    server.user("bob").await;
    manager.create_group("team", &["alice", "bob"]).await;
    for ban in [1, 2] {
        manager
            .post(
                "/channel",
                json!({"channel_id": "team", "channel_type": 2, "subscribers": ["carol"],
                       "ban": ban}),
            )
            .await
            .expect_error_naming(400, 40001, "invalid_argument", "ban");
    }
    manager
        .post(
            "/channel",
            json!({"channel_id": "team", "channel_type": 2, "disband": 2}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "disband");
    let info = manager
        .get("/channel/info?channel_id=team&channel_type=2")
        .await
        .ok();
    assert_eq!(
        (info["disband"].clone(), info["member_count"].clone()),
        (json!(0), json!(2))
    );

    manager
        .post(
            "/channel",
            json!({"channel_id": "team", "channel_type": 2, "subscribers": ["carol"],
                   "disband": 1}),
        )
        .await
        .ok();
    let info = manager
        .get("/channel/info?channel_id=team&channel_type=2")
        .await
        .ok();
    assert_eq!(info["disband"], 1, "{info}");
    alice
        .try_send("GROUPteam", json!({"text": "still here?"}))
        .await
        .expect_error(403, 40302, "not_a_member");
    manager
        .server_send("bob", "team", 2, json!({"type": 1, "content": "hi"}), None)
        .await
        .expect_error(403, 40302, "not_a_member");
    let notices = alice.history("@TIM#SYSTEM").await;
    assert_eq!(notices.last().unwrap()["payload"]["type"], "groupDismissed");

    // Without `disband`, the group is created again, as before.
    manager.create_group("team", &["alice"]).await;
    alice.send_text("GROUPteam", "back").await;
}

/// Fields WuKongIM reads as 0 when left out were refused with 400 `missing field`: the device
/// flag of `/user/device_quit` (0, the app) and the count of `/conversations/setUnread` (0,
/// everything read).
#[tokio::test]
async fn device_quit_and_set_unread_take_a_missing_number_as_0() {
    let server = Server::start().await;
    let manager = server.manager();
    let phone = server.device("alice", 0).await;
    let web = server.device("alice", 1).await;
    let bob = server.user("bob").await;
    bob.send_many("C2Calice", 3).await;
    assert_eq!(web.unread("C2Cbob").await, 3);
    manager
        .post(
            "/conversations/setUnread",
            json!({"uid": "alice", "channel_id": "bob", "channel_type": 1}),
        )
        .await
        .ok();
    assert_eq!(web.unread("C2Cbob").await, 0);

    manager
        .post("/user/device_quit", json!({"uid": "alice"}))
        .await
        .ok();
    phone
        .get("/v1/conversations")
        .await
        .expect_error(401, 40101, "unauthenticated");
    web.get("/v1/conversations").await.ok();
}

/// WuKongIM's API sends from its system device, which skips membership and the lists: a
/// non-member's, a blacklisted sender's or one off the whitelist's `/message/send` was 403 on
/// Natter. The members get it and count it; the sender, not a member, gets no conversation;
/// the client API still refuses them.
#[tokio::test]
async fn the_server_api_sends_for_non_members_and_listed_senders() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let mallory = server.user("mallory").await;
    manager.create_group("team", &["alice", "bob"]).await;
    let text = |content: &str| json!({"type": 1, "content": content});

    // A sender who never joined, twice with one client_msg_no: one message.
    let first = manager
        .server_send("mallory", "team", 2, text("from outside"), Some("m-1"))
        .await
        .ok();
    let retry = manager
        .server_send("mallory", "team", 2, text("from outside"), Some("m-1"))
        .await
        .ok();
    assert_eq!(retry["data"]["message_id"], first["data"]["message_id"]);
    for member in [&alice, &bob] {
        assert_eq!(
            member.history("GROUPteam").await.last().unwrap()["from"],
            "mallory"
        );
        assert_eq!(member.unread("GROUPteam").await, 1);
    }
    assert!(!mallory.list_ids().await.contains(&"GROUPteam".to_owned()));
    mallory
        .try_send("GROUPteam", json!({"text": "let me in"}))
        .await
        .expect_error(403, 40301, "permission_denied");

    // A member on the blacklist, then one off the whitelist.
    let team = |uids: &[&str]| json!({"channel_id": "team", "channel_type": 2, "uids": uids});
    list_call(&server, "/channel/blacklist_add", team(&["bob"])).await;
    manager
        .server_send("bob", "team", 2, text("blacklisted"), None)
        .await
        .ok();
    bob.try_send("GROUPteam", json!({"text": "no"}))
        .await
        .expect_error(403, 40305, "in_blacklist");
    list_call(&server, "/channel/blacklist_remove_all", team(&[])).await;
    list_call(&server, "/channel/whitelist_add", team(&["alice"])).await;
    manager
        .server_send("bob", "team", 2, text("not on the whitelist"), None)
        .await
        .ok();
    assert_eq!(alice.unread("GROUPteam").await, 3);
    assert_eq!(
        bob.unread("GROUPteam").await,
        0,
        "his own send reads the conversation"
    );

    // A person channel whose owner blacklisted the sender.
    list_call(
        &server,
        "/channel/blacklist_add",
        json!({"channel_id": "alice", "channel_type": 1, "uids": ["mallory"]}),
    )
    .await;
    manager
        .server_send("mallory", "alice", 1, text("hello"), None)
        .await
        .ok();
    assert_eq!(alice.unread("C2Cmallory").await, 1);
    mallory
        .try_send("C2Calice", json!({"text": "again"}))
        .await
        .expect_error(403, 40305, "in_blacklist");

    // A group that does not exist, or was dismissed, still refuses.
    manager
        .server_send("mallory", "nowhere", 2, text("?"), None)
        .await
        .expect_error(404, 40401, "not_found");
    manager.dismiss_group("team").await;
    manager
        .server_send("mallory", "team", 2, text("?"), None)
        .await
        .expect_error(403, 40302, "not_a_member");
}

/// What Natter does not support is refused, naming the field, where it was answered 200 and
/// dropped: temporary subscribers, and `/message/send`'s `subscribers`. WuKongIM's system
/// account gets no token, and as a sender it is the app, as an empty `from_uid` is.
#[tokio::test]
async fn temporary_subscribers_and_the_system_account_answer_as_wukongim() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    manager.create_group("team", &["alice"]).await;
    manager
        .post(
            "/channel/subscriber_add",
            json!({"channel_id": "team", "channel_type": 2, "subscribers": ["bob"],
                   "temp_subscriber": 1}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "temp_subscriber");
    let info = manager
        .get("/channel/info?channel_id=team&channel_type=2")
        .await
        .ok();
    assert_eq!(info["member_count"], 1, "{info}");

    let body = |channel_id: &str| {
        json!({"from_uid": "alice", "channel_id": channel_id, "channel_type": 2,
               "subscribers": ["bob"], "payload": payload(&json!({"type": 1}))})
    };
    for channel_id in ["team", ""] {
        manager
            .post("/message/send", body(channel_id))
            .await
            .expect_error_naming(400, 40001, "invalid_argument", "subscribers");
    }
    assert!(alice.history("GROUPteam").await.is_empty());

    manager
        .post(
            "/user/token",
            json!({"uid": "____system", "token": "system-token-1"}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "uid");
    manager
        .server_send(
            "____system",
            "alice",
            1,
            json!({"type": 1, "content": "hi"}),
            None,
        )
        .await
        .ok();
    let notices = alice.history("@TIM#SYSTEM").await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0]["from"], "@TIM#SYSTEM");
}

/// `/channel/subscriber_add` took `reset: 1` and ignored it; WuKongIM makes the listed
/// subscribers the only ones, as `POST /channel` does.
#[tokio::test]
async fn subscriber_add_with_reset_replaces_the_members() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    server.user("carol").await;
    manager.create_group("team", &["alice", "bob"]).await;
    let add = |reset: u8| {
        json!({"channel_id": "team", "channel_type": 2, "subscribers": ["carol"],
               "reset": reset})
    };
    manager
        .post("/channel/subscriber_add", add(2))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "reset");
    manager.post("/channel/subscriber_add", add(1)).await.ok();
    let info = manager
        .get("/channel/info?channel_id=team&channel_type=2")
        .await
        .ok();
    assert_eq!(info["member_count"], 1, "{info}");
    for removed in [&alice, &bob] {
        removed
            .try_send("GROUPteam", json!({"text": "still in?"}))
            .await
            .expect_error(403, 40302, "not_a_member");
        let notices = removed.history("@TIM#SYSTEM").await;
        assert_eq!(
            notices.last().unwrap()["payload"]["type"],
            "groupMemberRemoved"
        );
    }
}

/// `/conversation/channels` lists the user's conversations' channels, most recent first, and
/// `/conversation/syncByChannels` answers named channels as `/conversation/sync` answers
/// conversations, in the order named, listed or not; a channel the user cannot see has no
/// messages rather than failing the call.
#[tokio::test]
async fn named_channels_sync_as_conversations() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    bob.send_many("C2Calice", 3).await;
    manager.create_group("team", &["alice", "bob"]).await;
    bob.send_many("GROUPteam", 2).await;
    alice.send_text("GROUPteam", "my turn").await;
    manager.create_group("other", &["bob", "carol"]).await;
    carol.send_text("GROUPother", "not for alice").await;

    let channels = manager
        .post("/conversation/channels", json!({"uid": "alice"}))
        .await
        .ok();
    assert_eq!(
        channels,
        json!([{"channel_id": "team", "channel_type": 2}, {"channel_id": "bob", "channel_type": 1}])
    );
    alice
        .post("/conversation/channels", json!({"uid": "alice"}))
        .await
        .ok();
    alice
        .post("/conversation/channels", json!({"uid": "bob"}))
        .await
        .expect_error(403, 40301, "permission_denied");

    let named = json!([
        {"channel_id": "bob", "channel_type": 1},
        {"channel_id": "team", "channel_type": 2},
        {"channel_id": "other", "channel_type": 2},
        {"channel_id": "carol", "channel_type": 1},
    ]);
    let synced = manager
        .post(
            "/conversation/syncByChannels",
            json!({"uid": "alice", "channels": named, "msg_count": 2}),
        )
        .await
        .ok();
    let synced = synced.as_array().unwrap();
    let ids: Vec<&str> = synced
        .iter()
        .map(|c| c["channel_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["bob", "team", "other", "carol"], "in the order named");
    assert_eq!(synced[0]["unread"], 3);
    assert_eq!(synced[0]["last_msg_seq"], 3);
    assert_eq!(synced[0]["readed_to_msg_seq"], 0);
    assert_eq!(recent_seqs(&synced[0]), [3, 2], "newest first");
    assert_eq!(synced[1]["unread"], 0, "alice's own message is the last");
    assert_eq!(synced[1]["readed_to_msg_seq"], 3);
    for unseen in &synced[2..] {
        assert_eq!(recent_seqs(unseen), Vec::<u64>::new(), "{unseen}");
        assert_eq!(unseen["unread"], 0);
        assert_eq!(unseen["last_msg_seq"], 0);
    }

    // A deleted conversation is still answered: its kept history, nothing unread; 15 messages
    // when msg_count is left out.
    manager
        .post(
            "/conversations/delete",
            json!({"uid": "alice", "channel_id": "bob", "channel_type": 1}),
        )
        .await
        .ok();
    let deleted = manager
        .post(
            "/conversation/syncByChannels",
            json!({"uid": "alice", "channels": [{"channel_id": "bob", "channel_type": 1}]}),
        )
        .await
        .ok();
    assert_eq!(deleted[0]["unread"], 0);
    assert_eq!(recent_seqs(&deleted[0]), [3, 2, 1]);

    for (body, field) in [
        (json!({"uid": "alice", "channels": []}), "channels"),
        (
            json!({"uid": "alice", "channels": [{"channel_id": "bob", "channel_type": 7}]}),
            "channel_type",
        ),
    ] {
        manager
            .post("/conversation/syncByChannels", body)
            .await
            .expect_error_naming(400, 40001, "invalid_argument", field);
    }
}

/// `/conversation/syncMessages`: each named channel's messages from `last_msg_seq` on, the
/// newest first (`order_by_last` 1) or the oldest first, with the user's own newest seq.
#[tokio::test]
async fn recent_messages_of_named_channels_read_from_their_seq() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    manager.create_group("team", &["alice", "bob"]).await;
    bob.send_many("GROUPteam", 2).await;
    alice.send_text("GROUPteam", "mine").await;
    bob.send_many("GROUPteam", 2).await;
    bob.send_many("C2Calice", 1).await;
    let sync = |channels: Value, msg_count: u32, order_by_last: u8| {
        let manager = server.manager();
        async move {
            manager
                .post(
                    "/conversation/syncMessages",
                    json!({"uid": "alice", "channels": channels, "msg_count": msg_count,
                           "order_by_last": order_by_last}),
                )
                .await
        }
    };

    let newest = sync(
        json!([{"channel_id": "team", "channel_type": 2, "last_msg_seq": 2},
               {"channel_id": "bob", "channel_type": 1}]),
        2,
        1,
    )
    .await
    .ok();
    assert_eq!(newest[0]["channel_id"], "team");
    assert_eq!(seqs_in(&newest[0]["messages"]), [5, 4]);
    assert_eq!(newest[0]["user_last_msg_seq"], 3);
    assert_eq!(newest[1]["channel_id"], "bob");
    assert_eq!(seqs_in(&newest[1]["messages"]), [1]);
    assert_eq!(newest[1]["user_last_msg_seq"], 0);

    let oldest = sync(
        json!([{"channel_id": "team", "channel_type": 2, "last_msg_seq": 2}]),
        2,
        0,
    )
    .await
    .ok();
    assert_eq!(
        seqs_in(&oldest[0]["messages"]),
        [2, 3],
        "from last_msg_seq on"
    );
    let everything = sync(json!([{"channel_id": "team", "channel_type": 2}]), 0, 0)
        .await
        .ok();
    assert_eq!(seqs_in(&everything[0]["messages"]), [1, 2, 3, 4, 5]);

    sync(json!([{"channel_id": "team", "channel_type": 2}]), 5, 2)
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "order_by_last");
}
