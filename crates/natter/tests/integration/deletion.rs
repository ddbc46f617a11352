//! Deleting conversations (docs/design.md, "The conversation rules"): both surfaces, clear or
//! keep history, what it does to the deleter, what it must not do to anyone else, revival,
//! batch rules, deletion sync and the audit log.

use std::collections::HashSet;

use crate::common::{Options, Server, find, ids};
use serde_json::{Value, json};

/// `POST /conversations/delete` of a personal conversation by the manager.
async fn server_delete(server: &Server, uid: &str, peer: &str, clear: Option<bool>) -> Value {
    let mut body = json!({"uid": uid, "channel_id": peer, "channel_type": 1});
    if let Some(clear) = clear {
        body["clear_history"] = json!(clear);
    }
    server
        .manager()
        .post("/conversations/delete", body)
        .await
        .ok()
}

#[tokio::test]
async fn client_delete_removes_one_conversation_and_clears_its_history_by_default() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    bob.send_many("C2Calice", 3).await;
    server.user("carol").await.send_many("C2Calice", 1).await;

    let answer = alice.delete(&["C2Cbob"], None).await.ok();
    assert_eq!(answer["conversationIDList"], json!(["C2Cbob"]));
    assert_eq!(
        answer["version"],
        alice.version().await,
        "the user's version once deleted"
    );
    assert_eq!(alice.list_ids().await, ["C2Ccarol"]);
    let history = alice.history_page("C2Cbob", "limit=20").await.ok();
    assert_eq!(
        history["messageList"],
        json!([]),
        "clearHistoryMessage defaults to true"
    );
    assert_eq!(history["isCompleted"], true);
}

#[tokio::test]
async fn client_batch_delete_removes_every_listed_conversation() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    server.user("bob").await.send_many("C2Calice", 1).await;
    server.user("carol").await.send_many("C2Calice", 1).await;
    server.user("dave").await.send_many("C2Calice", 1).await;
    server
        .manager()
        .create_group("team", &["alice", "bob"])
        .await;
    alice.send_text("GROUPteam", "hi team").await;

    let answer = alice
        .delete(&["C2Cbob", "C2Cghost", "GROUPteam", "C2Cdave"], Some(true))
        .await
        .ok();
    assert_eq!(
        answer["conversationIDList"],
        json!(["C2Cbob", "C2Cghost", "GROUPteam", "C2Cdave"])
    );
    assert_eq!(
        answer["removedConversationIDList"],
        json!(["C2Cbob", "GROUPteam", "C2Cdave"]),
        "those that were in the list"
    );
    assert_eq!(alice.list_ids().await, ["C2Ccarol"]);
    for id in ["C2Cbob", "GROUPteam", "C2Cdave"] {
        assert!(alice.history(id).await.is_empty(), "{id} cleared");
    }
}

#[tokio::test]
async fn client_delete_without_clearing_keeps_the_history() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    server.user("bob").await.send_many("C2Calice", 3).await;
    alice.delete(&["C2Cbob"], Some(false)).await.ok();
    assert!(alice.list_ids().await.is_empty());
    assert_eq!(alice.history_seqs("C2Cbob").await, [1, 2, 3]);
}

#[tokio::test]
async fn server_api_deletes_keep_history_unless_asked_to_clear() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    for peer in ["bob", "carol", "dave", "erin"] {
        server.user(peer).await.send_many("C2Calice", 2).await;
    }

    // WuKongIM's code answers ResponseOK, whatever its docs say.
    assert_eq!(
        server_delete(&server, "alice", "bob", None).await,
        json!({"status": 200})
    );
    assert_eq!(
        alice.history_seqs("C2Cbob").await,
        [1, 2],
        "kept by default"
    );
    server_delete(&server, "alice", "carol", Some(true)).await;
    assert!(alice.history("C2Ccarol").await.is_empty(), "cleared");

    let batch = server
        .manager()
        .post(
            "/conversations/batchDelete",
            json!({"uid": "alice", "channels": [{"channel_id": "dave", "channel_type": 1}]}),
        )
        .await
        .ok();
    assert_eq!(batch, json!({"status": "success"}));
    assert_eq!(
        alice.history_seqs("C2Cdave").await,
        [1, 2],
        "kept by default"
    );
    server
        .manager()
        .post(
            "/conversations/batchDelete",
            json!({"uid": "alice", "channels": [{"channel_id": "erin", "channel_type": 1}],
                   "clear_history": true}),
        )
        .await
        .ok();
    assert!(alice.history("C2Cerin").await.is_empty(), "cleared");
    assert!(alice.list_ids().await.is_empty());
}

#[tokio::test]
async fn delete_zeroes_unread_hides_the_conversation_and_resets_prefs() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    bob.send_many("C2Calice", 3).await;
    server.user("carol").await.send_many("C2Calice", 2).await;
    alice
        .post(
            "/v1/conversations/pin",
            json!({"conversationID": "C2Cbob", "isPinned": true}),
        )
        .await
        .ok();
    assert_eq!(alice.total_unread().await, 5);

    alice.delete(&["C2Cbob"], Some(false)).await.ok();
    assert_eq!(alice.total_unread().await, 2);
    assert_eq!(alice.list_ids().await, ["C2Ccarol"]);
    alice
        .conversation("C2Cbob")
        .await
        .expect_error(404, 40401, "not_found");

    bob.send_text("C2Calice", "are you there?").await;
    let revived = alice.conversation("C2Cbob").await.ok();
    assert_eq!(revived["isPinned"], false, "prefs back to their defaults");
    assert_eq!(revived["unreadCount"], 1);
    assert_eq!(alice.total_unread().await, 3);
}

#[tokio::test]
async fn deleting_never_changes_the_peers_view() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    alice.send_many("C2Cbob", 2).await;
    bob.send_many("C2Calice", 1).await;
    alice.send_many("C2Cbob", 2).await;
    let bobs_list = bob.list().await;
    let bobs_history = bob.history("C2Calice").await;
    let bobs_unread = bob.total_unread().await;
    assert_eq!(bobs_unread, 2);

    alice.delete(&["C2Cbob"], Some(true)).await.ok();
    server_delete(&server, "alice", "bob", Some(true)).await;

    assert_eq!(bob.list().await, bobs_list);
    assert_eq!(bob.history("C2Calice").await, bobs_history);
    assert_eq!(bob.total_unread().await, bobs_unread);
}

#[tokio::test]
async fn deleting_a_group_conversation_changes_nothing_for_the_others_and_keeps_membership() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    server
        .manager()
        .create_group("team", &["alice", "bob", "carol"])
        .await;
    bob.send_many("GROUPteam", 2).await;
    carol.send_many("GROUPteam", 1).await;
    let before: Vec<(Vec<Value>, Vec<Value>)> = vec![
        (bob.list().await, bob.history("GROUPteam").await),
        (carol.list().await, carol.history("GROUPteam").await),
    ];

    alice.delete(&["GROUPteam"], Some(true)).await.ok();
    assert!(alice.list_ids().await.is_empty());
    let after = vec![
        (bob.list().await, bob.history("GROUPteam").await),
        (carol.list().await, carol.history("GROUPteam").await),
    ];
    assert_eq!(after, before);

    // Still a member: alice may send, which brings the conversation back with nothing unread.
    let sent = alice.send_text("GROUPteam", "I am still here").await;
    assert_eq!(sent["seq"], 4);
    assert_eq!(alice.unread("GROUPteam").await, 0);
    assert_eq!(alice.history_seqs("GROUPteam").await, [4]);
    bob.send_text("GROUPteam", "welcome back").await;
    assert_eq!(alice.unread("GROUPteam").await, 1);
    assert_eq!(bob.history_seqs("GROUPteam").await, [1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn revival_counts_only_new_messages_and_shows_kept_history() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    bob.send_many("C2Calice", 3).await;
    alice.delete(&["C2Cbob"], Some(false)).await.ok();
    bob.send_many("C2Calice", 2).await;

    let revived = alice.conversation("C2Cbob").await.ok();
    assert_eq!(revived["unreadCount"], 2);
    assert_eq!(revived["lastMessage"]["seq"], 5);
    assert_eq!(alice.list_ids().await, ["C2Cbob"]);
    assert_eq!(alice.history_seqs("C2Cbob").await, [1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn revival_after_clearing_shows_only_the_new_messages() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    bob.send_many("C2Calice", 3).await;
    alice.delete(&["C2Cbob"], None).await.ok();
    bob.send_many("C2Calice", 2).await;

    assert_eq!(alice.unread("C2Cbob").await, 2);
    assert_eq!(alice.history_seqs("C2Cbob").await, [4, 5]);
    // Paging back from the new messages never reaches the cleared ones.
    let page = alice.history_page("C2Cbob", "before=4&limit=10").await.ok();
    assert_eq!(page["messageList"], json!([]));
    assert_eq!(page["isCompleted"], true);
    // Deleting again (history kept) and reviving does not bring the cleared ones back.
    alice.delete(&["C2Cbob"], Some(false)).await.ok();
    bob.send_many("C2Calice", 1).await;
    assert_eq!(alice.history_seqs("C2Cbob").await, [4, 5, 6]);
    assert_eq!(bob.history_seqs("C2Calice").await, [1, 2, 3, 4, 5, 6]);
}

/// Found by the chaos test: a device that missed a deletion which cleared the history (it was
/// offline, or its push was lost) had no way to learn of the clear once a new message brought
/// the conversation back before it synced; the conversation object now says how far it goes.
#[tokio::test]
async fn a_device_that_missed_a_clearing_deletion_learns_it_from_the_conversation() {
    let server = Server::start_with(Options {
        sync_conversation_deletion: Some(true),
        ..Options::default()
    })
    .await;
    let phone = server.device("alice", 0).await;
    let tablet = server.device("alice", 1).await;
    let bob = server.user("bob").await;
    bob.send_many("C2Calice", 3).await;
    let version = tablet.version().await;
    assert_eq!(phone.conversation("C2Cbob").await.ok()["clearedToSeq"], 0);
    phone.delete(&["C2Cbob"], Some(true)).await.ok();
    bob.send_text("C2Calice", "back again").await;

    // The tablet was away: its sync shows the conversation listed, not deleted.
    let changes = tablet.sync(version).await;
    assert_eq!(changes["deletedConversationIDList"], json!([]));
    let conversation = &changes["conversationList"][0];
    assert_eq!(conversation["conversationID"], "C2Cbob");
    assert_eq!(conversation["lastMessage"]["seq"], 4);
    assert_eq!(
        conversation["clearedToSeq"], 3,
        "the tablet drops what it holds up to seq 3"
    );
    assert_eq!(tablet.history_seqs("C2Cbob").await, [4]);
    // Deleting again while keeping the history moves nothing.
    phone.delete(&["C2Cbob"], Some(false)).await.ok();
    bob.send_text("C2Calice", "and again").await;
    assert_eq!(phone.conversation("C2Cbob").await.ok()["clearedToSeq"], 3);
}

#[tokio::test]
async fn a_batch_with_one_malformed_id_deletes_nothing() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    server.user("bob").await.send_many("C2Calice", 2).await;
    let version = alice.version().await;

    alice
        .delete(&["C2Cbob", "C2C"], None)
        .await
        .expect_error_naming(400, 40002, "invalid_conversation_id", "\"C2C\"");
    assert_eq!(alice.list_ids().await, ["C2Cbob"]);
    assert_eq!(alice.unread("C2Cbob").await, 2);
    assert_eq!(alice.history_seqs("C2Cbob").await, [1, 2]);
    assert_eq!(alice.version().await, version);

    server
        .manager()
        .post(
            "/conversations/batchDelete",
            json!({"uid": "alice", "channels": [
                {"channel_id": "bob", "channel_type": 1},
                {"channel_id": "", "channel_type": 1}
            ]}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "channel_id");
    server
        .manager()
        .post(
            "/conversations/batchDelete",
            json!({"uid": "alice", "channels": [
                {"channel_id": "bob", "channel_type": 1},
                {"channel_id": "team", "channel_type": 9}
            ]}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "channel_type");
    assert_eq!(alice.list_ids().await, ["C2Cbob"]);
    assert!(server.manager().audit("alice").await.is_empty());
}

#[tokio::test]
async fn at_most_100_conversations_per_call() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    server.user("bob").await.send_many("C2Calice", 1).await;
    let mut many: Vec<String> = (0..100).map(|n| format!("C2Cuser{n}")).collect();
    many[0] = "C2Cbob".into();
    many.push("C2Cone-too-many".into());
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();

    alice.delete(&refs, None).await.expect_error_naming(
        400,
        40003,
        "too_many_conversations",
        "101",
    );
    assert_eq!(alice.list_ids().await, ["C2Cbob"]);
    let channels: Vec<Value> = (0..101)
        .map(|n| json!({"channel_id": format!("user{n}"), "channel_type": 1}))
        .collect();
    server
        .manager()
        .post(
            "/conversations/batchDelete",
            json!({"uid": "alice", "channels": channels}),
        )
        .await
        .expect_error(400, 40003, "too_many_conversations");

    let answer = alice.delete(&refs[..100], None).await.ok();
    assert_eq!(answer["conversationIDList"].as_array().unwrap().len(), 100);
    assert!(alice.list_ids().await.is_empty());
    server
        .manager()
        .post(
            "/conversations/batchDelete",
            json!({"uid": "alice", "channels": channels[..100]}),
        )
        .await
        .ok();
}

#[tokio::test]
async fn an_empty_list_is_rejected() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    alice.delete(&[], None).await.expect_error_naming(
        400,
        40001,
        "invalid_argument",
        "conversationIDList",
    );
    alice
        .post("/v1/conversations/delete", json!({}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "conversationIDList");
    server
        .manager()
        .post(
            "/conversations/batchDelete",
            json!({"uid": "alice", "channels": []}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "channels");
    assert!(server.manager().audit("alice").await.is_empty());
}

#[tokio::test]
async fn duplicate_ids_are_collapsed_in_the_answer() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    server.user("bob").await.send_many("C2Calice", 1).await;
    server.user("carol").await.send_many("C2Calice", 1).await;
    let answer = alice
        .delete(&["C2Cbob", "C2Ccarol", "C2Cbob", "C2Ccarol"], None)
        .await
        .ok();
    assert_eq!(answer["conversationIDList"], json!(["C2Cbob", "C2Ccarol"]));
    assert!(alice.list_ids().await.is_empty());
    let audit = server.manager().audit("alice").await;
    assert_eq!(audit[0]["conversation_ids"], json!(["C2Cbob", "C2Ccarol"]));
}

#[tokio::test]
async fn malformed_ids_are_invalid_conversation_id_naming_the_id() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let long = format!("C2C{}", "a".repeat(65));
    for bad in [
        "C2C",
        "GROUP",
        "",
        "XYZbob",
        long.as_str(),
        "C2Cbo b",
        "c2cbob",
    ] {
        let message =
            alice
                .delete(&[bad], None)
                .await
                .expect_error(400, 40002, "invalid_conversation_id");
        assert!(message.contains("conversationID"), "{message}");
        if !bad.is_empty() {
            assert!(
                message.contains(&format!("{bad:?}")),
                "{message:?} names {bad:?}"
            );
        }
    }
    // 64 characters is still a valid uid: accepted (nothing to delete).
    let longest = format!("C2C{}", "a".repeat(64));
    alice.delete(&[&longest], None).await.ok();
}

#[tokio::test]
async fn deleting_a_conversation_not_in_the_list_succeeds_and_changes_nothing() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    server.user("bob").await.send_many("C2Calice", 2).await;
    server.user("dave").await;
    let list = alice.list().await;
    let version = alice.version().await;

    for id in ["C2Cdave", "C2Cghost", "GROUPnowhere", "@TIM#SYSTEM"] {
        let answer = alice.delete(&[id], None).await.ok();
        assert_eq!(
            answer,
            json!({"conversationIDList": [id], "removedConversationIDList": [], "version": version}),
            "nothing changed: the version stays, and none left the list"
        );
    }
    server_delete(&server, "alice", "ghost", Some(true)).await;
    assert_eq!(alice.list().await, list);
    assert_eq!(alice.version().await, version);
    assert_eq!(alice.history_seqs("C2Cbob").await, [1, 2]);
    assert_eq!(
        server
            .manager()
            .metric("natter_conversations_deleted_total")
            .await,
        0
    );
}

/// Clearing history reaches a conversation already off the list (the user asked never to see
/// those messages again), unless `onlyListed`: then, as Tencent's SDK, only the conversations in
/// the list are touched, and a call naming none of them changes nothing at all.
#[tokio::test]
async fn only_listed_leaves_the_history_of_conversations_off_the_list() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    for peer in ["bob", "carol"] {
        server.user(peer).await.send_many("C2Calice", 2).await;
    }
    // Both off the list, their history kept.
    alice
        .delete(&["C2Cbob", "C2Ccarol"], Some(false))
        .await
        .ok();
    let version = alice.version().await;
    server.user("dave").await.send_many("C2Calice", 1).await;

    let only_listed = |ids: &[&str]| {
        alice.post(
            "/v1/conversations/delete",
            json!({"conversationIDList": ids, "clearHistoryMessage": true, "onlyListed": true}),
        )
    };
    let answer = only_listed(&["C2Cbob"]).await.ok();
    assert_eq!(answer["removedConversationIDList"], json!([]));
    assert_eq!(alice.history_seqs("C2Cbob").await, [1, 2], "untouched");

    // With one in the list: that one is deleted and cleared, the other left as it was.
    let answer = only_listed(&["C2Cbob", "C2Cdave"]).await.ok();
    assert_eq!(answer["removedConversationIDList"], json!(["C2Cdave"]));
    assert!(alice.history("C2Cdave").await.is_empty(), "cleared");
    assert_eq!(alice.history_seqs("C2Cbob").await, [1, 2], "untouched");
    assert!(alice.version().await > version);

    // Without it (the default), clearing reaches the one off the list.
    let answer = alice.delete(&["C2Ccarol"], Some(true)).await.ok();
    assert_eq!(answer["removedConversationIDList"], json!([]));
    assert!(alice.history("C2Ccarol").await.is_empty(), "cleared");
}

#[tokio::test]
async fn archived_conversations_are_deleted_too() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    bob.send_many("C2Calice", 2).await;
    alice
        .post(
            "/v1/conversations/archive",
            json!({"conversationIDList": ["C2Cbob"]}),
        )
        .await
        .ok();
    assert_eq!(ids(&alice.list_archived().await), ["C2Cbob"]);

    alice.delete(&["C2Cbob"], Some(false)).await.ok();
    assert!(alice.list_archived().await.is_empty());
    assert!(alice.list_ids().await.is_empty());
    alice
        .conversation("C2Cbob")
        .await
        .expect_error(404, 40401, "not_found");

    // Reviving brings it back unarchived (prefs were reset).
    bob.send_text("C2Calice", "new").await;
    let list = alice.list().await;
    let revived = find(&list, "C2Cbob").expect("revived into the default list");
    assert_eq!(revived["isArchived"], false);
    assert_eq!(revived["unreadCount"], 1);
}

#[tokio::test]
async fn deletions_appear_in_sync_only_when_deletion_sync_is_on() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    for peer in ["bob", "carol", "dave"] {
        server.user(peer).await.send_many("C2Calice", 1).await;
    }
    assert_eq!(
        manager.get("/app/settings").await.ok()["sync_conversation_deletion"],
        false
    );

    // Off (the default): the deletion is not reported.
    let v0 = alice.version().await;
    alice.delete(&["C2Cbob"], None).await.ok();
    let off = alice.sync(v0).await;
    assert_eq!(off["deletedConversationIDList"], json!([]));
    assert_eq!(off["conversationList"], json!([]));
    assert!(off["version"].as_u64().unwrap() > v0);

    // On: the deletion is a tombstone in sync, and never in conversationList.
    manager.set_sync_deletion(true).await;
    assert_eq!(
        manager.get("/app/settings").await.ok()["sync_conversation_deletion"],
        true
    );
    let v1 = alice.version().await;
    alice.delete(&["C2Ccarol"], Some(false)).await.ok();
    server_delete(&server, "alice", "dave", None).await;
    let on = alice.sync(v1).await;
    let mut deleted: Vec<String> =
        serde_json::from_value(on["deletedConversationIDList"].clone()).unwrap();
    deleted.sort();
    assert_eq!(deleted, ["C2Ccarol", "C2Cdave"]);
    assert_eq!(on["conversationList"], json!([]));
    // A full sync also reports them, and still not the one deleted while the setting was off.
    let full = alice.sync(0).await;
    let mut deleted: Vec<String> =
        serde_json::from_value(full["deletedConversationIDList"].clone()).unwrap();
    deleted.sort();
    assert_eq!(deleted, ["C2Ccarol", "C2Cdave"]);

    // Reviving takes the tombstone away.
    server
        .user("carol")
        .await
        .send_text("C2Calice", "back")
        .await;
    let revived = alice.sync(v1).await;
    assert_eq!(revived["deletedConversationIDList"], json!(["C2Cdave"]));
    assert_eq!(
        ids(revived["conversationList"].as_array().unwrap()),
        ["C2Ccarol"]
    );
}

#[tokio::test]
async fn every_accepted_delete_is_audited_newest_first() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    bob.send_many("C2Calice", 1).await;
    server
        .manager()
        .create_group("team", &["alice", "bob"])
        .await;
    bob.send_text("GROUPteam", "hi").await;

    alice.delete(&["C2Cbob"], None).await.ok();
    server_delete(&server, "alice", "bob", None).await; // changes nothing: audited all the same
    manager
        .post(
            "/conversations/batchDelete",
            json!({"uid": "alice", "clear_history": true, "channels": [
                {"channel_id": "team", "channel_type": 2},
                {"channel_id": "bob", "channel_type": 1}
            ]}),
        )
        .await
        .ok();
    server
        .with_token_header(&alice.token)
        .post(
            "/conversations/delete",
            json!({"uid": "alice", "channel_id": "bob", "channel_type": 1}),
        )
        .await
        .ok();
    alice.delete(&["C2Cbob", "C2C"], None).await; // rejected: not audited
    bob.delete(&["C2Calice"], Some(false)).await.ok(); // bob's own entry

    let entries = manager.audit("alice").await;
    let summary: Vec<(&str, &str, Value, bool)> = entries
        .iter()
        .map(|entry| {
            (
                entry["actor"].as_str().unwrap(),
                entry["via"].as_str().unwrap(),
                entry["conversation_ids"].clone(),
                entry["clear_history"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("alice", "server", json!(["C2Cbob"]), false),
            ("manager", "server", json!(["GROUPteam", "C2Cbob"]), true),
            ("manager", "server", json!(["C2Cbob"]), false),
            ("alice", "client", json!(["C2Cbob"]), true),
        ]
    );
    for pair in entries.windows(2) {
        assert!(
            pair[0]["id"].as_i64() > pair[1]["id"].as_i64(),
            "newest first"
        );
        assert!(pair[0]["at_ms"].as_i64() >= pair[1]["at_ms"].as_i64());
    }
    assert!(entries.iter().all(|entry| entry["uid"] == "alice"));

    let bobs = manager.audit("bob").await;
    assert_eq!(bobs.len(), 1);
    assert_eq!(bobs[0]["actor"], "bob");
    assert_eq!(bobs[0]["via"], "client");
    assert_eq!(bobs[0]["conversation_ids"], json!(["C2Calice"]));
    assert_eq!(bobs[0]["clear_history"], false);

    let everyone = manager.get("/audit/conversations").await.ok();
    assert_eq!(everyone["entries"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn the_audit_log_pages_by_cursor() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    for n in 0..5 {
        alice.delete(&[&format!("C2Cpeer{n}")], None).await.ok();
    }
    let mut seen = Vec::new();
    let mut query = "uid=alice&limit=2".to_owned();
    let mut pages = 0;
    loop {
        let page = manager
            .get(&format!("/audit/conversations?{query}"))
            .await
            .ok();
        pages += 1;
        let entries = page["entries"].as_array().unwrap();
        assert!(entries.len() <= 2);
        seen.extend(
            entries
                .iter()
                .map(|entry| entry["conversation_ids"][0].clone()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => query = format!("uid=alice&limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let expected: Vec<Value> = (0..5).rev().map(|n| json!(format!("C2Cpeer{n}"))).collect();
    assert_eq!(seen, expected, "newest first, no duplicates or gaps");
    let unique: HashSet<String> = seen.iter().map(ToString::to_string).collect();
    assert_eq!(unique.len(), 5);
    for cursor in ["not-a-cursor", "-1", "0"] {
        manager
            .get(&format!("/audit/conversations?cursor={cursor}"))
            .await
            .expect_error_naming(400, 40001, "invalid_argument", "cursor");
    }
}

#[tokio::test]
async fn clearing_a_long_history_touches_no_message_rows() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let mut senders = tokio::task::JoinSet::new();
    for sender in 0..10 {
        let alice = alice.clone();
        senders.spawn(async move {
            for n in 0..30 {
                alice.send_text("C2Cbob", &format!("{sender}/{n}")).await;
            }
        });
    }
    senders.join_all().await;
    assert_eq!(
        alice.history_seqs("C2Cbob").await,
        (1..=300).collect::<Vec<_>>()
    );

    alice.delete(&["C2Cbob"], Some(true)).await.ok();
    assert!(alice.history("C2Cbob").await.is_empty());
    assert_eq!(
        bob.history("C2Calice").await.len(),
        300,
        "the peer keeps them all"
    );

    let storage = server.storage();
    let rows = storage.query_number("SELECT COUNT(*) FROM messages");
    let max_seq = storage.query_number("SELECT MAX(seq) FROM messages");
    assert_eq!(
        (rows, max_seq),
        (300, 300),
        "every message row is still there"
    );
}
