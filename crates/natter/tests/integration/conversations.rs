//! The conversation list: order, paging, unread counts, read marks, archive, pin and sync.

use std::collections::HashSet;
use std::time::Duration;

use crate::common::{Server, User, find, ids};
use serde_json::{Value, json};

/// Messages in the same millisecond tie on activity; a short pause keeps the order meaningful.
async fn tick() {
    tokio::time::sleep(Duration::from_millis(3)).await;
}

#[tokio::test]
async fn the_list_is_pinned_first_then_newest_activity_first() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    for peer in ["bob", "carol", "dave"] {
        server.user(peer).await.send_text("C2Calice", "hi").await;
        tick().await;
    }
    assert_eq!(alice.list_ids().await, ["C2Cdave", "C2Ccarol", "C2Cbob"]);

    // New activity moves a conversation up, also the user's own message.
    alice.send_text("C2Cbob", "back to you").await;
    tick().await;
    assert_eq!(alice.list_ids().await, ["C2Cbob", "C2Cdave", "C2Ccarol"]);

    let pinned = alice
        .post(
            "/v1/conversations/pin",
            json!({"conversationID": "C2Ccarol", "isPinned": true}),
        )
        .await
        .ok();
    assert_eq!(pinned["conversationID"], "C2Ccarol");
    assert_eq!(pinned["isPinned"], true);
    assert_eq!(alice.list_ids().await, ["C2Ccarol", "C2Cbob", "C2Cdave"]);

    // A newer message elsewhere does not overtake the pinned one.
    server
        .user("dave")
        .await
        .send_text("C2Calice", "news")
        .await;
    assert_eq!(alice.list_ids().await, ["C2Ccarol", "C2Cdave", "C2Cbob"]);
    let list = alice.list().await;
    assert_eq!(find(&list, "C2Ccarol").unwrap()["isPinned"], true);
    assert_eq!(find(&list, "C2Cdave").unwrap()["isPinned"], false);

    alice
        .post(
            "/v1/conversations/pin",
            json!({"conversationID": "C2Ccarol", "isPinned": false}),
        )
        .await
        .ok();
    assert_eq!(alice.list_ids().await, ["C2Cdave", "C2Cbob", "C2Ccarol"]);
}

#[tokio::test]
async fn cursor_paging_visits_every_conversation_once() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    for peer in ["p1", "p2", "p3", "p4", "p5"] {
        server.user(peer).await.send_text("C2Calice", "hi").await;
        tick().await;
    }
    // One pinned conversation in the middle of the order must not upset the cursor.
    alice
        .post(
            "/v1/conversations/pin",
            json!({"conversationID": "C2Cp3", "isPinned": true}),
        )
        .await
        .ok();
    let full = alice.list_ids().await;
    assert_eq!(full, ["C2Cp3", "C2Cp5", "C2Cp4", "C2Cp2", "C2Cp1"]);

    let mut seen = Vec::new();
    let mut finished = Vec::new();
    let mut query = "limit=2".to_owned();
    loop {
        let page = alice.get(&format!("/v1/conversations?{query}")).await.ok();
        let list = page["conversationList"].as_array().unwrap();
        assert!(list.len() <= 2);
        seen.extend(ids(list));
        let is_finished = page["isFinished"].as_bool().unwrap();
        finished.push(is_finished);
        if is_finished {
            break;
        }
        let cursor = page["nextCursor"]
            .as_str()
            .expect("a cursor while not finished");
        query = format!("limit=2&cursor={cursor}");
    }
    assert_eq!(finished, [false, false, true]);
    assert_eq!(seen, full, "no duplicates, no gaps, same order");
    let unique: HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), 5);
}

#[tokio::test]
async fn one_conversation_is_200_and_unknown_or_deleted_ones_are_404() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let _carol = server.user("carol").await;
    let sent = bob.send_text("C2Calice", "hello").await;

    let conversation = alice.conversation("C2Cbob").await.ok();
    assert_eq!(conversation["conversationID"], "C2Cbob");
    assert_eq!(conversation["type"], "C2C");
    assert_eq!(conversation["unreadCount"], 1);
    assert_eq!(conversation["lastMessage"]["messageID"], sent["messageID"]);
    assert_eq!(conversation["lastMessage"]["seq"], 1);
    assert_eq!(conversation["lastMessage"]["from"], "bob");
    assert_eq!(
        conversation["lastMessage"]["payload"],
        json!({"text": "hello"})
    );
    assert_eq!(conversation["isPinned"], false);
    assert_eq!(conversation["isArchived"], false);
    assert_eq!(conversation["messageRemindType"], "AcceptAndNotify");
    assert_eq!(conversation["markList"], json!([]));
    assert_eq!(conversation["conversationGroupList"], json!([]));
    assert_eq!(conversation["draftText"], "");
    assert_eq!(conversation["customData"], "");
    assert!(conversation["version"].as_u64().unwrap() > 0);

    alice
        .conversation("C2Cnobody")
        .await
        .expect_error(404, 40401, "not_found");
    alice
        .conversation("C2Ccarol")
        .await
        .expect_error(404, 40401, "not_found");
    alice
        .conversation("GROUPnone")
        .await
        .expect_error(404, 40401, "not_found");
    alice
        .conversation("@TIM#SYSTEM")
        .await
        .expect_error(404, 40401, "not_found");
    alice
        .conversation("XYZ")
        .await
        .expect_error(400, 40002, "invalid_conversation_id");
    alice.delete(&["C2Cbob"], None).await.ok();
    alice
        .conversation("C2Cbob")
        .await
        .expect_error(404, 40401, "not_found");
}

#[tokio::test]
async fn own_messages_are_never_unread() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    bob.send_many("C2Calice", 3).await;
    assert_eq!(alice.unread("C2Cbob").await, 3);
    assert_eq!(bob.unread("C2Calice").await, 0);
    alice.send_text("C2Cbob", "reply").await;
    assert_eq!(
        alice.unread("C2Cbob").await,
        0,
        "replying reads what came before"
    );
    assert_eq!(bob.unread("C2Calice").await, 1);
    bob.send_many("C2Calice", 2).await;
    assert_eq!(alice.unread("C2Cbob").await, 2);
    assert_eq!(bob.unread("C2Calice").await, 0);
    assert_eq!(alice.total_unread().await, 2);
    assert_eq!(bob.total_unread().await, 0);
}

#[tokio::test]
async fn read_marks_up_to_a_seq_or_everything() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    bob.send_many("C2Calice", 5).await;

    assert_eq!(alice.read("C2Cbob", Some(2)).await.ok(), json!({}));
    assert_eq!(alice.unread("C2Cbob").await, 3);
    // Reading never moves backwards.
    alice.read("C2Cbob", Some(1)).await.ok();
    assert_eq!(alice.unread("C2Cbob").await, 3);
    alice.read("C2Cbob", None).await.ok();
    assert_eq!(alice.unread("C2Cbob").await, 0);
    bob.send_many("C2Calice", 2).await;
    // A seq beyond the end reads everything there is, and no more.
    alice.read("C2Cbob", Some(1000)).await.ok();
    assert_eq!(alice.unread("C2Cbob").await, 0);
    bob.send_many("C2Calice", 1).await;
    assert_eq!(alice.unread("C2Cbob").await, 1);
    // An empty body means "everything".
    let empty = alice
        .raw(
            reqwest::Method::POST,
            &format!("/v1/conversations/{}/read", crate::common::encode("C2Cbob")),
            Vec::new(),
        )
        .await;
    assert_eq!(empty.ok(), json!({}));
    assert_eq!(alice.unread("C2Cbob").await, 0);
    alice
        .read("C2Cnobody", None)
        .await
        .expect_error(404, 40401, "not_found");
}

#[tokio::test]
async fn total_unread_leaves_out_archived_conversations() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    server.user("bob").await.send_many("C2Calice", 2).await;
    server.user("carol").await.send_many("C2Calice", 3).await;
    assert_eq!(alice.total_unread().await, 5);
    alice
        .post(
            "/v1/conversations/archive",
            json!({"conversationIDList": ["C2Ccarol"]}),
        )
        .await
        .ok();
    assert_eq!(alice.total_unread().await, 2);
}

#[tokio::test]
async fn server_api_clear_unread_and_set_unread_follow_the_rule() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    bob.send_many("C2Calice", 3).await;
    alice.send_text("C2Cbob", "mine").await; // seq 4
    bob.send_many("C2Calice", 2).await; // seqs 5, 6
    assert_eq!(alice.unread("C2Cbob").await, 2);

    let set = |unread: u64| {
        let manager = manager.clone();
        async move {
            manager
                .post(
                    "/conversations/setUnread",
                    json!({"uid": "alice", "channel_id": "bob", "channel_type": 1, "unread": unread}),
                )
                .await
        }
    };
    assert_eq!(set(100).await.ok(), json!({"status": 200}));
    assert_eq!(
        alice.unread("C2Cbob").await,
        2,
        "capped: alice's own message at seq 4 stays read"
    );
    set(1).await.ok();
    assert_eq!(alice.unread("C2Cbob").await, 1);
    set(0).await.ok();
    assert_eq!(alice.unread("C2Cbob").await, 0);
    set(2).await.ok();
    assert_eq!(alice.unread("C2Cbob").await, 2);

    let clear = manager
        .post(
            "/conversations/clearUnread",
            json!({"uid": "alice", "channel_id": "bob", "channel_type": 1, "message_seq": 5}),
        )
        .await
        .ok();
    assert_eq!(clear, json!({"status": 200}));
    assert_eq!(alice.unread("C2Cbob").await, 1);
    manager
        .post(
            "/conversations/clearUnread",
            json!({"uid": "alice", "channel_id": "bob", "channel_type": 1}),
        )
        .await
        .ok();
    assert_eq!(alice.unread("C2Cbob").await, 0);
    assert_eq!(alice.total_unread().await, 0);

    // 0, as WuKongIM's own request type sends it unless told otherwise: everything.
    set(2).await.ok();
    manager
        .post(
            "/conversations/clearUnread",
            json!({"uid": "alice", "channel_id": "bob", "channel_type": 1, "message_seq": 0}),
        )
        .await
        .ok();
    assert_eq!(alice.unread("C2Cbob").await, 0);

    // The user's own token may do the same for itself.
    set(1).await.ok();
    server
        .with_bearer(&alice.token)
        .post(
            "/conversations/clearUnread",
            json!({"uid": "alice", "channel_id": "bob", "channel_type": 1}),
        )
        .await
        .ok();
    assert_eq!(alice.unread("C2Cbob").await, 0);
    manager
        .post(
            "/conversations/clearUnread",
            json!({"uid": "alice", "channel_id": "bob", "channel_type": 7}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "channel_type");
}

#[tokio::test]
async fn archive_hides_the_entry_keeps_everything_and_restore_brings_it_back() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    bob.send_many("C2Calice", 1).await;
    carol.send_many("C2Calice", 2).await;

    let total_before = alice.get("/v1/conversations?limit=100").await.ok()["conversationList"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(total_before, 2);
    let archived = alice
        .post(
            "/v1/conversations/archive",
            json!({"conversationIDList": ["C2Ccarol"]}),
        )
        .await
        .ok();
    assert_eq!(archived, json!({"conversationIDList": ["C2Ccarol"]}));
    assert_eq!(alice.list_ids().await, ["C2Cbob"]);
    assert_eq!(alice.total_unread().await, 1);
    let in_archive = alice.list_archived().await;
    assert_eq!(ids(&in_archive), ["C2Ccarol"]);
    assert_eq!(in_archive[0]["isArchived"], true);
    assert_eq!(in_archive[0]["unreadCount"], 2);
    assert_eq!(
        alice.conversation("C2Ccarol").await.ok()["isArchived"],
        true
    );

    // New messages do not unarchive it, but they do update its unread count.
    carol.send_many("C2Calice", 2).await;
    assert_eq!(alice.list_ids().await, ["C2Cbob"]);
    assert_eq!(alice.total_unread().await, 1);
    let in_archive = alice.list_archived().await;
    assert_eq!(in_archive[0]["unreadCount"], 4);
    assert_eq!(in_archive[0]["lastMessage"]["seq"], 4);

    let restored = alice
        .post(
            "/v1/conversations/restore",
            json!({"conversationIDList": ["C2Ccarol"]}),
        )
        .await
        .ok();
    assert_eq!(restored, json!({"conversationIDList": ["C2Ccarol"]}));
    assert_eq!(alice.list_ids().await, ["C2Ccarol", "C2Cbob"]);
    assert_eq!(alice.unread("C2Ccarol").await, 4);
    assert_eq!(alice.total_unread().await, 5);
    assert!(alice.list_archived().await.is_empty());
    assert_eq!(alice.history_seqs("C2Ccarol").await, [1, 2, 3, 4]);
}

#[tokio::test]
async fn archive_is_all_or_nothing_over_its_ids() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    server.user("bob").await.send_text("C2Calice", "hi").await;
    alice
        .post(
            "/v1/conversations/archive",
            json!({"conversationIDList": ["C2Cbob", "C2C"]}),
        )
        .await
        .expect_error(400, 40002, "invalid_conversation_id");
    assert_eq!(alice.list_ids().await, ["C2Cbob"]);
}

#[tokio::test]
async fn sync_returns_exactly_the_changed_conversations() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    let dave = server.user("dave").await;
    bob.send_text("C2Calice", "1").await;
    carol.send_text("C2Calice", "2").await;
    dave.send_text("C2Calice", "3").await;

    let everything = alice.sync(0).await;
    assert_eq!(everything["resetRequired"], false);
    assert_eq!(everything["deletedConversationIDList"], json!([]));
    let mut all = ids(everything["conversationList"].as_array().unwrap());
    all.sort();
    assert_eq!(all, ["C2Cbob", "C2Ccarol", "C2Cdave"]);
    let v1 = everything["version"].as_u64().unwrap();
    let highest = everything["conversationList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["version"].as_u64().unwrap())
        .max()
        .unwrap();
    assert_eq!(v1, highest, "version is the highest one");

    let nothing = alice.sync(v1).await;
    assert_eq!(nothing["conversationList"], json!([]));
    assert_eq!(nothing["version"], v1);
    assert_eq!(nothing["resetRequired"], false);

    bob.send_text("C2Calice", "4").await;
    let after_message = alice.sync(v1).await;
    assert_eq!(
        ids(after_message["conversationList"].as_array().unwrap()),
        ["C2Cbob"]
    );
    let v2 = after_message["version"].as_u64().unwrap();
    assert!(v2 > v1);
    assert_eq!(after_message["conversationList"][0]["unreadCount"], 2);

    alice.read("C2Ccarol", None).await.ok();
    let after_read = alice.sync(v2).await;
    assert_eq!(
        ids(after_read["conversationList"].as_array().unwrap()),
        ["C2Ccarol"]
    );
    let v3 = after_read["version"].as_u64().unwrap();
    assert!(v3 > v2);

    alice
        .post(
            "/v1/conversations/pin",
            json!({"conversationID": "C2Cdave", "isPinned": true}),
        )
        .await
        .ok();
    let after_pin = alice.sync(v3).await;
    assert_eq!(
        ids(after_pin["conversationList"].as_array().unwrap()),
        ["C2Cdave"]
    );
    assert_eq!(after_pin["conversationList"][0]["isPinned"], true);

    let ahead = alice.sync(v3 + 1000).await;
    assert_eq!(ahead["resetRequired"], true);
    alice
        .get("/v1/conversations/sync?since=abc")
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "since");
}

/// Pins and checks the answer is the conversation.
async fn pin(user: &User, id: &str, pinned: bool) -> Value {
    user.post(
        "/v1/conversations/pin",
        json!({"conversationID": id, "isPinned": pinned}),
    )
    .await
    .ok()
}

#[tokio::test]
async fn pin_answers_the_conversation_and_is_idempotent() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    server.user("bob").await.send_text("C2Calice", "hi").await;
    let pinned = pin(&alice, "C2Cbob", true).await;
    assert_eq!(pinned["isPinned"], true);
    assert_eq!(pinned["unreadCount"], 1);
    let version = pinned["version"].as_u64().unwrap();
    let again = pin(&alice, "C2Cbob", true).await;
    assert_eq!(again["version"], version, "pinning twice changes nothing");
    assert_eq!(pin(&alice, "C2Cbob", false).await["isPinned"], false);
    alice
        .post(
            "/v1/conversations/pin",
            json!({"conversationID": "C2Cnobody", "isPinned": true}),
        )
        .await
        .expect_error(404, 40401, "not_found");
}
