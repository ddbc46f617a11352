//! Taking messages back: a recall by the sender (within the window) or the app backend turns
//! every member's copy into a stub, and deleting for oneself removes messages from one user's
//! view on every device. Unread counts, last messages, sync and the disk follow.

use std::time::Duration;

use crate::common::{Options, Server, encode, seqs};
use natter_sdk::wire::{ChannelRef, ServerEvent};
use natter_sdk::{Admin, Chat, Event, EventStream};
use serde_json::{Value, json};

const EVENT_WAIT: Duration = Duration::from_secs(10);

/// The next event this stream gets that `wanted` picks, skipping the others.
async fn next_matching<T>(
    events: &mut EventStream,
    wanted: impl Fn(ServerEvent) -> Option<T>,
) -> T {
    tokio::time::timeout(EVENT_WAIT, async {
        loop {
            match events.next().await {
                Some(Event::Server(event)) => {
                    if let Some(found) = wanted(event) {
                        return found;
                    }
                }
                Some(Event::Ended { code, reason }) => panic!("ended: {code} {reason}"),
                Some(Event::CaughtUp(_)) => {}
                None => panic!("the stream closed"),
            }
        }
    })
    .await
    .expect("the event arrives")
}

fn message_id(message: &Value) -> String {
    message["messageID"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_recall_turns_every_copy_into_a_stub_and_unread_and_last_message_follow() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob_web = server.device("bob", 1).await;
    let bob_phone = server.device("bob", 0).await;
    let first = alice.send_text("C2Cbob", "first").await;
    let second = alice.send_text("C2Cbob", "second, regretted").await;
    let mut phone = Chat::login(&server.base, &bob_phone.token)
        .events(0)
        .await
        .unwrap();
    assert_eq!(bob_web.unread("C2Calice").await, 2);
    let before_recall = bob_web.version().await;

    let recalled = alice
        .post(
            "/v1/messages/revoke",
            json!({"conversationID": "C2Cbob", "messageID": message_id(&second)}),
        )
        .await
        .ok()["message"]
        .clone();
    assert_eq!(recalled["isRevoked"], true);
    assert_eq!(recalled["revoker"], "alice");
    assert_eq!(recalled["payload"], json!({}));

    // Bob's other device hears of it at once, with the conversation as it is now.
    let stub = next_matching(&mut phone, |event| match event {
        ServerEvent::MessageRevoked { message_list } => message_list.into_iter().next(),
        _ => None,
    })
    .await;
    assert_eq!(stub.message_id, message_id(&second));
    assert_eq!(stub.conversation_id, "C2Calice");
    assert!(stub.is_revoked);
    let listed = next_matching(&mut phone, |event| match event {
        ServerEvent::ConversationListUpdated { conversation_list } => {
            conversation_list.into_iter().next()
        }
        _ => None,
    })
    .await;
    assert_eq!(
        listed.unread_count, 1,
        "the recalled message no longer counts"
    );
    assert!(listed.last_message.as_ref().unwrap().is_revoked);

    // Every view agrees: list, total, history on both sides, sync.
    assert_eq!(bob_web.unread("C2Calice").await, 1);
    assert_eq!(bob_web.total_unread().await, 1);
    let conversation = bob_web.conversation("C2Calice").await.ok();
    assert_eq!(conversation["lastMessage"]["isRevoked"], true);
    assert_eq!(conversation["lastMessage"]["revoker"], "alice");
    for (user, id) in [(&bob_web, "C2Calice"), (&alice, "C2Cbob")] {
        let history = user.history(id).await;
        assert_eq!(seqs(&history), [1, 2], "the stub keeps its place");
        assert_eq!(history[0]["payload"], json!({"text": "first"}));
        assert_eq!(history[1]["isRevoked"], true);
        assert_eq!(history[1]["payload"], json!({}));
    }
    let synced = bob_web.sync(before_recall).await;
    assert_eq!(
        synced["messageChangeList"],
        json!([{"conversationID": "C2Calice", "messageID": message_id(&second), "seq": 2,
                "change": "revoked"}])
    );
    // Recalling it again changes nothing; reading the rest clears the badge.
    alice
        .post(
            "/v1/messages/revoke",
            json!({"conversationID": "C2Cbob", "messageID": message_id(&second)}),
        )
        .await
        .ok();
    assert_eq!(bob_web.unread("C2Calice").await, 1);
    bob_web.read("C2Calice", Some(1)).await.ok();
    assert_eq!(bob_web.unread("C2Calice").await, 0);
    assert_eq!(message_id(&first), first["messageID"].as_str().unwrap());

    let audit = server.manager().audit("alice").await;
    assert_eq!(audit[0]["action"], "revoke");
    assert_eq!(audit[0]["via"], "client");
    assert_eq!(
        audit[0]["message_ids"],
        json!([second["messageID"]
            .as_str()
            .unwrap()
            .parse::<i64>()
            .unwrap()])
    );
}

#[tokio::test]
async fn only_the_sender_recalls_and_only_within_the_window() {
    let server = Server::start_with(Options {
        recall_window_secs: Some(1),
        ..Options::default()
    })
    .await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let _carol = server.user("carol").await;
    let message = alice.send_text("C2Cbob", "hi").await;
    let recall = |user: &crate::common::User, conversation: &str, id: &str| {
        let (user, body) = (
            user.clone(),
            json!({"conversationID": conversation, "messageID": id}),
        );
        async move { user.post("/v1/messages/revoke", body).await }
    };
    recall(&bob, "C2Calice", &message_id(&message))
        .await
        .expect_error_naming(403, 40301, "permission_denied", "did not send");
    recall(&alice, "C2Ccarol", &message_id(&message))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "not in conversation");
    recall(&alice, "C2Cbob", "999999")
        .await
        .expect_error(404, 40401, "not_found");
    recall(&alice, "C2Cbob", "abc")
        .await
        .expect_error(400, 40001, "invalid_argument");
    tokio::time::sleep(Duration::from_millis(1_300)).await;
    recall(&alice, "C2Cbob", &message_id(&message))
        .await
        .expect_error(403, 40303, "recall_window_passed");
    assert_eq!(bob.history("C2Calice").await[0]["isRevoked"], false);

    // The app backend may recall at any time, naming who recalls.
    let admin = Admin::new(&server.base, &server.manager_token);
    let id: i64 = message_id(&message).parse().unwrap();
    admin.revoke(id, Some("moderator-1")).await.unwrap();
    let history = bob.history("C2Calice").await;
    assert_eq!(history[0]["isRevoked"], true);
    assert_eq!(history[0]["revoker"], "moderator-1");
    let audit = server.manager().audit("alice").await;
    assert_eq!(audit[0]["action"], "revoke");
    assert_eq!(audit[0]["via"], "server");
    assert_eq!(audit[0]["actor"], "manager");
    // Once recalled, recalling again is done, even past the window.
    recall(&alice, "C2Cbob", &message_id(&message)).await.ok();
    server
        .manager()
        .post("/message/revoke", json!({"message_id": 424242}))
        .await
        .expect_error(404, 40401, "not_found");
}

/// Each API spells its message IDs its own way: an error about a message names the field
/// the caller sent, not the other API's.
#[tokio::test]
async fn a_failure_about_a_message_names_the_field_the_caller_sent() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let _bob = server.user("bob").await;
    let _carol = server.user("carol").await;
    let message = alice.send_text("C2Cbob", "hi").await;
    let id = message_id(&message);
    let manager = server.manager();
    let starts_with = |message: String, field: &str| {
        assert!(
            message.starts_with(&format!("{field}: ")),
            "{message:?} does not start with {field:?}"
        );
    };

    // The server API: integers in `message_id` and `message_ids`.
    let unknown = manager
        .post("/message/revoke", json!({"message_id": 424242}))
        .await
        .expect_error(404, 40401, "not_found");
    starts_with(unknown, "message_id");
    let elsewhere = manager
        .post(
            "/message/deleteForUser",
            json!({"uid": "alice", "channel_id": "carol", "channel_type": 1,
                   "message_ids": [id.parse::<i64>().unwrap()]}),
        )
        .await
        .expect_error(400, 40001, "invalid_argument");
    starts_with(elsewhere, "message_ids");
    // An ID the server never gives out is malformed (400), as on the client API, not a
    // message that is not there (404).
    for id in [0, -5] {
        let malformed = manager
            .post("/message/revoke", json!({"message_id": id}))
            .await
            .expect_error(400, 40001, "invalid_argument");
        starts_with(malformed, "message_id");
        let malformed = manager
            .post(
                "/message/deleteForUser",
                json!({"uid": "alice", "channel_id": "bob", "channel_type": 1,
                       "message_ids": [id]}),
            )
            .await
            .expect_error(400, 40001, "invalid_argument");
        starts_with(malformed, "message_ids");
    }
    let unknown = manager
        .post(
            "/message/deleteForUser",
            json!({"uid": "alice", "channel_id": "bob", "channel_type": 1,
                   "message_ids": [424242]}),
        )
        .await
        .expect_error(404, 40401, "not_found");
    starts_with(unknown, "message_ids");
    let none = manager
        .post(
            "/message/deleteForUser",
            json!({"uid": "alice", "channel_id": "bob", "channel_type": 1, "message_ids": []}),
        )
        .await
        .expect_error(400, 40001, "invalid_argument");
    starts_with(none, "message_ids");

    // The client API: strings in `messageID` and `messageIDList`.
    let unknown = alice
        .post(
            "/v1/messages/revoke",
            json!({"conversationID": "C2Cbob", "messageID": "424242"}),
        )
        .await
        .expect_error(404, 40401, "not_found");
    starts_with(unknown, "messageID");
    let elsewhere = alice
        .post(
            "/v1/messages/delete",
            json!({"conversationID": "C2Ccarol", "messageIDList": [id]}),
        )
        .await
        .expect_error(400, 40001, "invalid_argument");
    starts_with(elsewhere, "messageIDList");
}

/// The app's own messages come from `@TIM#SYSTEM`: their recalls are audited under that uid,
/// and the audit log's `uid` filter takes it.
#[tokio::test]
async fn the_recall_of_the_apps_own_message_is_found_by_the_system_uid() {
    let server = Server::start().await;
    let manager = server.manager();
    let _alice = server.user("alice").await;
    let sent = manager
        .server_send(
            "",
            "alice",
            1,
            json!({"type": 1, "content": "Welcome"}),
            None,
        )
        .await
        .ok();
    let id = sent["data"]["message_id"].as_i64().unwrap();
    manager
        .post("/message/revoke", json!({"message_id": id}))
        .await
        .ok();

    let entries = manager.audit(&encode("@TIM#SYSTEM")).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["uid"], "@TIM#SYSTEM");
    assert_eq!(entries[0]["action"], "revoke");
    assert_eq!(entries[0]["via"], "server");
    assert_eq!(entries[0]["message_ids"], json!([id]));
    assert!(
        manager.audit("alice").await.is_empty(),
        "not alice's message"
    );
    // Another string that is no uid is still refused.
    manager
        .get(&format!(
            "/audit/conversations?uid={}",
            encode("@TIM#OTHER")
        ))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "uid");
}

#[tokio::test]
async fn a_group_recall_stops_counting_only_where_it_was_unread() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    server
        .manager()
        .create_group("team", &["alice", "bob", "carol"])
        .await;
    alice.send_many("GROUPteam", 2).await;
    let last = alice.send_text("GROUPteam", "oops").await;
    carol.read("GROUPteam", None).await.ok();
    assert_eq!(bob.unread("GROUPteam").await, 3);
    alice
        .post(
            "/v1/messages/revoke",
            json!({"conversationID": "GROUPteam", "messageID": message_id(&last)}),
        )
        .await
        .ok();
    assert_eq!(bob.unread("GROUPteam").await, 2);
    assert_eq!(carol.unread("GROUPteam").await, 0);
    // A later message counts as usual; a partial read recounts what is above it.
    alice.send_text("GROUPteam", "again").await;
    assert_eq!(bob.unread("GROUPteam").await, 3);
    bob.read("GROUPteam", Some(1)).await.ok();
    assert_eq!(
        bob.unread("GROUPteam").await,
        2,
        "seqs 2 and 4; 3 was recalled"
    );
    let listed = bob.conversation("GROUPteam").await.ok();
    assert_eq!(listed["lastMessage"]["isRevoked"], false);
}

#[tokio::test]
async fn a_recalled_payload_is_gone_from_the_disk() {
    let server = Server::start().await;
    if server.storage().database_url.is_some() {
        eprintln!("skipped: reads the SQLite file (PostgreSQL reclaims the space by VACUUM)");
        return;
    }
    let alice = server.user("alice").await;
    let _bob = server.user("bob").await;
    let marker = "never-on-disk-after-recall-4d9f2c";
    let message = alice.send_text("C2Cbob", marker).await;
    let file = server
        .storage()
        .data_dir()
        .join(natter_store::sqlite::DATABASE_FILE);
    let on_disk = |file: &std::path::Path| {
        let checkpoint = rusqlite::Connection::open(file).unwrap();
        checkpoint
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        let mut bytes = std::fs::read(file).unwrap();
        bytes.extend(std::fs::read(file.with_extension("sqlite3-wal")).unwrap_or_default());
        bytes
            .windows(marker.len())
            .any(|window| window == marker.as_bytes())
    };
    assert!(on_disk(&file), "the test can see a payload on disk");
    alice
        .post(
            "/v1/messages/revoke",
            json!({"conversationID": "C2Cbob", "messageID": message_id(&message)}),
        )
        .await
        .ok();
    assert!(!on_disk(&file), "the recalled payload is overwritten");
}

#[tokio::test]
async fn deleting_for_me_reaches_my_other_devices_and_leaves_the_peer_alone() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob_web = server.device("bob", 1).await;
    let bob_phone = server.device("bob", 0).await;
    let bob_laptop = server.device("bob", 2).await;
    let m1 = alice.send_text("C2Cbob", "one").await;
    let m2 = alice.send_text("C2Cbob", "two").await;
    let m3 = alice.send_text("C2Cbob", "three").await;
    let laptop_version = bob_laptop.version().await;
    let mut phone = Chat::login(&server.base, &bob_phone.token)
        .events(0)
        .await
        .unwrap();

    let deleted = bob_web
        .post(
            "/v1/messages/delete",
            json!({"conversationID": "C2Calice", "messageIDList": [message_id(&m3), message_id(&m1)]}),
        )
        .await
        .ok();
    assert_eq!(
        deleted["messageIDList"],
        json!([message_id(&m3), message_id(&m1)])
    );
    let (conversation, ids) = next_matching(&mut phone, |event| match event {
        ServerEvent::MessagesDeleted {
            conversation_id,
            message_id_list,
        } => Some((conversation_id, message_id_list)),
        _ => None,
    })
    .await;
    assert_eq!(conversation, "C2Calice");
    assert_eq!(ids, [message_id(&m3), message_id(&m1)]);

    // Bob's view: only m2, one unread, m2 the last message; the offline laptop learns by sync.
    assert_eq!(seqs(&bob_web.history("C2Calice").await), [2]);
    assert_eq!(bob_web.unread("C2Calice").await, 1);
    let listed = bob_web.conversation("C2Calice").await.ok();
    assert_eq!(listed["lastMessage"]["messageID"], m2["messageID"]);
    let synced = bob_laptop.sync(laptop_version).await;
    let changes: Vec<(&str, &str)> = synced["messageChangeList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| {
            (
                change["messageID"].as_str().unwrap(),
                change["change"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(changes.len(), 2);
    assert!(changes.contains(&(message_id(&m1).as_str(), "deleted")));
    assert!(changes.contains(&(message_id(&m3).as_str(), "deleted")));
    // Alice's view is untouched.
    assert_eq!(seqs(&alice.history("C2Cbob").await), [1, 2, 3]);
    // Deleting again is accepted and removes nothing more.
    let again = bob_web
        .post(
            "/v1/messages/delete",
            json!({"conversationID": "C2Calice", "messageIDList": [message_id(&m1)]}),
        )
        .await
        .ok();
    assert_eq!(again["messageIDList"], json!([]));
}

#[tokio::test]
async fn deleting_for_me_is_all_or_nothing_within_its_limits() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let _carol = server.user("carol").await;
    let mine = alice.send_text("C2Cbob", "to bob").await;
    let elsewhere = alice.send_text("C2Ccarol", "to carol").await;
    let delete = |ids: Value| {
        let bob = bob.clone();
        async move {
            bob.post(
                "/v1/messages/delete",
                json!({"conversationID": "C2Calice", "messageIDList": ids}),
            )
            .await
        }
    };
    delete(json!([message_id(&mine), message_id(&elsewhere)]))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "not in conversation");
    assert_eq!(
        seqs(&bob.history("C2Calice").await),
        [1],
        "nothing was deleted"
    );
    let too_many: Vec<String> = (1..=31).map(|n| n.to_string()).collect();
    delete(json!(too_many))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "30");
    delete(json!([]))
        .await
        .expect_error(400, 40001, "invalid_argument");

    // The server API does the same for any user.
    let admin = Admin::new(&server.base, &server.manager_token);
    admin
        .delete_messages_for(
            "bob",
            ChannelRef {
                channel_id: "alice".into(),
                channel_type: 1,
            },
            &[message_id(&mine).parse().unwrap()],
        )
        .await
        .unwrap();
    assert!(bob.history("C2Calice").await.is_empty());
    assert_eq!(bob.unread("C2Calice").await, 0);
}

#[tokio::test]
async fn a_message_everyone_deleted_leaves_the_disk() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let message = alice.send_text("C2Cbob", "gone soon").await;
    let id = message_id(&message);
    let stored = || {
        server
            .storage()
            .query_number(&format!("SELECT COUNT(*) FROM messages WHERE id = {id}"))
    };
    for (user, conversation) in [(&alice, "C2Cbob"), (&bob, "C2Calice")] {
        assert_eq!(stored(), 1, "someone still sees it");
        user.post(
            "/v1/messages/delete",
            json!({"conversationID": conversation, "messageIDList": [id]}),
        )
        .await
        .ok();
    }
    assert_eq!(stored(), 0, "no one sees it any more");
    assert!(alice.history("C2Cbob").await.is_empty());
    assert_eq!(bob.unread("C2Calice").await, 0);
    // A retry (the answer to the first call was lost) is answered as a message deleted
    // already, not as one that never was; an ID that never was is still 404.
    let retried = bob
        .post(
            "/v1/messages/delete",
            json!({"conversationID": "C2Calice", "messageIDList": [id]}),
        )
        .await;
    assert_eq!(retried.status, 200, "{:?}", retried.body);
    assert_eq!(retried.body, json!({"messageIDList": []}));
    let never = bob
        .post(
            "/v1/messages/delete",
            json!({"conversationID": "C2Calice", "messageIDList": ["987654321"]}),
        )
        .await;
    assert_eq!(never.status, 404, "{:?}", never.body);
}

#[tokio::test]
async fn a_recall_in_a_deleted_conversation_does_not_bring_it_back_to_the_list() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let carol = server.user("carol").await;
    let bob_web = server.device("bob", 1).await;
    let bob_phone = server.device("bob", 0).await;
    let regretted = alice.send_text("C2Cbob", "regretted").await;
    bob_web.delete(&["C2Calice"], Some(false)).await.ok();
    let mut phone = Chat::login(&server.base, &bob_phone.token)
        .events(0)
        .await
        .unwrap();

    alice
        .post(
            "/v1/messages/revoke",
            json!({"conversationID": "C2Cbob", "messageID": message_id(&regretted)}),
        )
        .await
        .ok();
    // Then a message from carol, so that everything the recall pushed comes before it.
    carol.send_text("C2Cbob", "hello").await;
    let mut listed = Vec::new();
    let mut revoked = false;
    tokio::time::timeout(EVENT_WAIT, async {
        loop {
            match phone.next().await {
                Some(Event::Server(ServerEvent::MessageRevoked { .. })) => revoked = true,
                Some(Event::Server(ServerEvent::ConversationListUpdated { conversation_list })) => {
                    let ids: Vec<String> = conversation_list
                        .into_iter()
                        .map(|conversation| conversation.conversation_id)
                        .collect();
                    let carol_came = ids.iter().any(|id| id == "C2Ccarol");
                    listed.extend(ids);
                    if carol_came {
                        return;
                    }
                }
                Some(Event::Ended { code, reason }) => panic!("ended: {code} {reason}"),
                Some(_) => {}
                None => panic!("the stream closed"),
            }
        }
    })
    .await
    .expect("carol's message arrives");
    assert!(revoked, "the stub still reaches the kept history");
    assert!(
        !listed.iter().any(|id| id == "C2Calice"),
        "the deleted conversation is not pushed as a list entry: {listed:?}"
    );
    let list = bob_web.list().await;
    assert!(
        list.iter()
            .all(|entry| entry["conversationID"] != "C2Calice"),
        "{list:?}"
    );
}

#[tokio::test]
async fn the_recalling_connection_gets_no_message_revoked_and_the_senders_other_devices_do() {
    let server = Server::start().await;
    let alice_web = server.device("alice", 1).await;
    let alice_phone = server.device("alice", 0).await;
    server.user("bob").await;
    let regretted = alice_web.send_text("C2Cbob", "regretted").await;
    // The SDK names its live connection (X-Natter-Connection) once its stream is up.
    let recalling = Chat::login(&server.base, &alice_web.token);
    let mut recalling_events = recalling.events(0).await.unwrap();
    let mut phone = Chat::login(&server.base, &alice_phone.token)
        .events(0)
        .await
        .unwrap();

    let stub = recalling
        .revoke_message("C2Cbob", &message_id(&regretted))
        .await
        .unwrap();
    assert!(stub.is_revoked);
    let heard = next_matching(&mut phone, |event| match event {
        ServerEvent::MessageRevoked { message_list } => message_list.into_iter().next(),
        _ => None,
    })
    .await;
    assert_eq!(heard.message_id, message_id(&regretted));

    // A later message marks the end of what the recall pushed to the recalling connection.
    alice_phone.send_text("C2Cbob", "after").await;
    let before_the_marker = next_matching(&mut recalling_events, |event| match event {
        ServerEvent::MessageRevoked { .. } => Some(true),
        ServerEvent::MessageReceived { .. } => Some(false),
        _ => None,
    })
    .await;
    assert!(
        !before_the_marker,
        "the recalling connection got its own recall pushed"
    );
}
