//! The conversation feature set around deletion: group departures, system notices, marks,
//! folders, drafts, custom data, mute, pin limit, clearing history, read-all, list filters,
//! the physical purge, and admin restore of a deleted conversation.

use std::time::Duration;

use crate::common::{Options, Server, User, find, ids};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};

async fn list_with(user: &User, query: &str) -> Vec<Value> {
    let page = user
        .get(&format!("/v1/conversations?limit=100&{query}"))
        .await
        .ok();
    page["conversationList"].as_array().unwrap().clone()
}

async fn notice(server: &Server, uids: &[&str], payload: Value) -> crate::common::Resp {
    server
        .manager()
        .post(
            "/system/notices",
            json!({"uids": uids, "payload": BASE64.encode(payload.to_string())}),
        )
        .await
}

fn texts(messages: &[Value]) -> Vec<String> {
    messages
        .iter()
        .map(|message| {
            message["payload"]["text"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn a_removed_member_keeps_a_readable_conversation_that_refuses_sends() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    server
        .manager()
        .create_group("team", &["alice", "bob"])
        .await;
    bob.send_text("GROUPteam", "before").await;
    server.manager().remove_members("team", &["alice"]).await;
    bob.send_text("GROUPteam", "after").await;

    assert!(alice.list_ids().await.contains(&"GROUPteam".to_string()));
    assert_eq!(texts(&alice.history("GROUPteam").await), ["before"]);
    assert_eq!(
        alice.unread("GROUPteam").await,
        0,
        "the removal read what was unread, and later messages are not counted"
    );
    alice
        .try_send("GROUPteam", json!({"text": "hello?"}))
        .await
        .expect_error(403, 40302, "not_a_member");

    let notices = alice.history("@TIM#SYSTEM").await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0]["from"], "@TIM#SYSTEM");
    assert_eq!(
        notices[0]["payload"],
        json!({"type": "groupMemberRemoved", "groupID": "team"})
    );

    // Rejoining shows messages from the rejoin on; what was sent while away stays hidden.
    server.manager().add_members("team", &["alice"]).await;
    bob.send_text("GROUPteam", "welcome back").await;
    assert_eq!(
        texts(&alice.history("GROUPteam").await),
        ["before", "welcome back"]
    );
    assert_eq!(alice.unread("GROUPteam").await, 1);

    // Deleting such a conversation works as usual.
    alice.delete(&["GROUPteam"], Some(true)).await.ok();
    assert!(!alice.list_ids().await.contains(&"GROUPteam".to_string()));
}

#[tokio::test]
async fn a_member_who_leaves_keeps_history_and_cannot_send() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    server
        .manager()
        .create_group("team", &["alice", "bob"])
        .await;
    bob.send_text("GROUPteam", "hi").await;
    let left = alice.post("/v1/groups/team/leave", json!({})).await.ok();
    assert_eq!(left, json!({"left": true}));
    let again = alice.post("/v1/groups/team/leave", json!({})).await.ok();
    assert_eq!(
        again,
        json!({"left": false}),
        "left already: nothing changed"
    );
    bob.send_text("GROUPteam", "gone?").await;
    assert_eq!(texts(&alice.history("GROUPteam").await), ["hi"]);
    alice
        .try_send("GROUPteam", json!({"text": "x"}))
        .await
        .expect_error(403, 40302, "not_a_member");
    carol
        .post("/v1/groups/team/leave", json!({}))
        .await
        .expect_error(403, 40301, "permission_denied");
    alice
        .post("/v1/groups/nowhere/leave", json!({}))
        .await
        .expect_error(404, 40401, "not_found");
    let notices: Vec<Value> = alice
        .history("@TIM#SYSTEM")
        .await
        .iter()
        .map(|notice| notice["payload"].clone())
        .collect();
    assert_eq!(
        notices,
        [json!({"type": "groupQuit", "groupID": "team", "operatorID": "alice"})],
        "one silent notice, for her other devices, however often she leaves"
    );
    assert_eq!(alice.unread("@TIM#SYSTEM").await, 0);
}

#[tokio::test]
async fn leaving_a_group_in_any_way_reads_what_was_left_unread() {
    let server = Server::start().await;
    let [alice, bob, carol, dave] = [
        server.user("alice").await,
        server.user("bob").await,
        server.user("carol").await,
        server.user("dave").await,
    ];
    let manager = server.manager();
    manager
        .create_group("team", &["alice", "bob", "carol", "dave"])
        .await;
    manager.create_group("other", &["alice", "carol"]).await;
    bob.send_text("GROUPteam", "hi").await;
    bob.try_send(
        "GROUPteam",
        json!({"text": "@alice @carol look", "atUserList": ["alice", "carol"]}),
    )
    .await
    .ok();
    alice.send_text("GROUPother", "elsewhere").await;
    for user in [&alice, &carol, &dave] {
        assert_eq!(user.unread("GROUPteam").await, 2, "{}", user.uid);
    }

    alice.post("/v1/groups/team/leave", json!({})).await.ok();
    manager.remove_members("team", &["carol"]).await;
    for user in [&alice, &carol] {
        let conversation = user.conversation("GROUPteam").await.ok();
        assert_eq!(
            (
                &conversation["unreadCount"],
                &conversation["groupAtInfoList"]
            ),
            (&json!(0), &json!([])),
            "{}: the badge and the mention went with the group",
            user.uid
        );
    }
    assert_eq!(alice.total_unread().await, 0);
    assert_eq!(
        carol.total_unread().await,
        2,
        "the other group and the notice of the removal still count"
    );
    assert_eq!(
        texts(&alice.history("GROUPteam").await),
        ["hi", "@alice @carol look"]
    );

    manager.dismiss_group("team").await;
    assert_eq!(dave.unread("GROUPteam").await, 0);
    assert_eq!(
        dave.total_unread().await,
        1,
        "the notice of the dismissal is unread, the group is not"
    );

    // rejoining counts only what comes after it
    manager.create_group("team", &["alice"]).await;
    manager.add_members("team", &["bob"]).await;
    bob.send_text("GROUPteam", "welcome back").await;
    assert_eq!(alice.unread("GROUPteam").await, 1);
}

#[tokio::test]
async fn a_dismissed_group_is_read_only_leaves_a_notice_and_can_be_deleted() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    server
        .manager()
        .create_group("team", &["alice", "bob"])
        .await;
    bob.send_text("GROUPteam", "last words").await;
    server.manager().dismiss_group("team").await;
    for user in [&alice, &bob] {
        user.try_send("GROUPteam", json!({"text": "x"}))
            .await
            .expect_error(403, 40302, "not_a_member");
        assert_eq!(texts(&user.history("GROUPteam").await), ["last words"]);
        let notices = user.history("@TIM#SYSTEM").await;
        assert_eq!(
            notices[0]["payload"],
            json!({"type": "groupDismissed", "groupID": "team"})
        );
    }
    alice.delete(&["GROUPteam"], None).await.ok();
    assert!(!alice.list_ids().await.contains(&"GROUPteam".to_string()));
    assert!(bob.list_ids().await.contains(&"GROUPteam".to_string()));
}

#[tokio::test]
async fn new_members_see_history_from_their_join_unless_the_group_opens_it() {
    let server = Server::start().await;
    let _alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    let dave = server.user("dave").await;
    server
        .manager()
        .create_group("closed", &["alice", "bob"])
        .await;
    server
        .manager()
        .post(
            "/channel",
            json!({"channel_id": "open", "channel_type": 2, "subscribers": ["alice", "bob"],
                   "new_members_see_history": true}),
        )
        .await
        .ok();
    bob.send_text("GROUPclosed", "old").await;
    bob.send_text("GROUPopen", "old").await;
    server.manager().add_members("closed", &["carol"]).await;
    server.manager().add_members("open", &["dave"]).await;
    bob.send_text("GROUPclosed", "new").await;
    bob.send_text("GROUPopen", "new").await;

    assert_eq!(texts(&carol.history("GROUPclosed").await), ["new"]);
    assert_eq!(texts(&dave.history("GROUPopen").await), ["old", "new"]);
    assert_eq!(
        dave.unread("GROUPopen").await,
        1,
        "earlier history is readable, not unread"
    );
}

#[tokio::test]
async fn system_notices_are_listed_read_and_deleted_like_any_conversation() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    notice(
        &server,
        &["alice", "bob"],
        json!({"text": "maintenance tonight"}),
    )
    .await
    .ok();

    let conversation = alice.conversation("@TIM#SYSTEM").await.ok();
    assert_eq!(conversation["type"], "@TIM#SYSTEM");
    assert_eq!(conversation["unreadCount"], 1);
    assert_eq!(conversation["lastMessage"]["from"], "@TIM#SYSTEM");
    assert_eq!(alice.total_unread().await, 1);
    alice.read("@TIM#SYSTEM", None).await.ok();
    assert_eq!(alice.unread("@TIM#SYSTEM").await, 0);
    alice.delete(&["@TIM#SYSTEM"], None).await.ok();
    assert!(!alice.list_ids().await.contains(&"@TIM#SYSTEM".to_string()));
    assert_eq!(
        bob.unread("@TIM#SYSTEM").await,
        1,
        "bob's notice is his own"
    );

    alice
        .try_send("@TIM#SYSTEM", json!({"text": "reply"}))
        .await
        .expect_error(403, 40301, "permission_denied");
    notice(&server, &["nobody"], json!({"text": "x"}))
        .await
        .expect_error(404, 40401, "not_found");
    notice(
        &server,
        &["bob", "nobody"],
        json!({"text": "all or nothing"}),
    )
    .await
    .expect_error_naming(404, 40401, "not_found", "nobody");
    assert_eq!(
        bob.history("@TIM#SYSTEM").await.len(),
        1,
        "no one got the failed notice"
    );
    let many: Vec<String> = (0..101).map(|n| format!("user{n}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    notice(&server, &many, json!({"text": "x"}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "uids");
    notice(&server, &["alice"], json!("not an object"))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "payload");
    alice
        .post(
            "/system/notices",
            json!({"uids": ["alice"], "payload": BASE64.encode("{}")}),
        )
        .await
        .expect_error(403, 40301, "permission_denied");
}

#[tokio::test]
async fn marks_label_conversations_and_filter_the_list() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    for peer in ["bob", "carol", "dave"] {
        server.user(peer).await.send_text("C2Calice", "hi").await;
    }
    let mark = |ids: Value, mark_type: Value, enable: bool| json!({"conversationIDList": ids, "markType": mark_type, "enableMark": enable});
    alice
        .post(
            "/v1/conversations/mark",
            mark(json!(["C2Cbob"]), json!(1), true),
        )
        .await
        .ok();
    alice
        .post(
            "/v1/conversations/mark",
            mark(json!(["C2Ccarol"]), json!(4), true),
        )
        .await
        .ok();
    alice
        .post(
            "/v1/conversations/mark",
            mark(json!(["C2Cdave"]), json!(8), true),
        )
        .await
        .ok();
    let custom = 1u64 << 40;
    alice
        .post(
            "/v1/conversations/mark",
            mark(json!(["C2Cbob"]), json!(custom), true),
        )
        .await
        .ok();

    let default = list_with(&alice, "").await;
    assert_eq!(
        ids(&default).len(),
        2,
        "HIDE leaves the default list; FOLD stays in it"
    );
    assert!(!ids(&default).contains(&"C2Cdave".to_string()));
    assert_eq!(
        find(&default, "C2Cbob").unwrap()["markList"],
        json!([1, custom])
    );
    assert_eq!(ids(&list_with(&alice, "markType=8").await), ["C2Cdave"]);
    assert_eq!(ids(&list_with(&alice, "markType=4").await), ["C2Ccarol"]);
    assert_eq!(
        ids(&list_with(&alice, &format!("markType={custom}")).await),
        ["C2Cbob"]
    );

    alice
        .post(
            "/v1/conversations/mark",
            mark(json!(["C2Cdave"]), json!(8), false),
        )
        .await
        .ok();
    assert_eq!(list_with(&alice, "").await.len(), 3);

    for bad in [json!(3), json!(16), json!(1u64 << 31), json!(0)] {
        alice
            .post("/v1/conversations/mark", mark(json!(["C2Cbob"]), bad, true))
            .await
            .expect_error_naming(400, 40001, "invalid_argument", "markType");
    }
    let many: Vec<String> = (0..101).map(|n| format!("C2Cu{n}")).collect();
    alice
        .post("/v1/conversations/mark", mark(json!(many), json!(1), true))
        .await
        .expect_error(400, 40003, "too_many_conversations");
    alice
        .post(
            "/v1/conversations/mark",
            mark(json!(["C2Cbob", "C2Cnobody"]), json!(2), true),
        )
        .await
        .expect_error(404, 40401, "not_found");
    assert_eq!(
        find(&list_with(&alice, "").await, "C2Cbob").unwrap()["markList"],
        json!([1, custom]),
        "all or nothing"
    );
}

#[tokio::test]
async fn folders_group_conversations_within_their_limits() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    server.user("bob").await.send_text("C2Calice", "hi").await;
    server.user("carol").await.send_text("C2Calice", "hi").await;

    alice
        .post(
            "/v1/conversation-groups",
            json!({"groupName": "work", "conversationIDList": ["C2Cbob"]}),
        )
        .await
        .ok();
    alice
        .post("/v1/conversation-groups", json!({"groupName": "family"}))
        .await
        .ok();
    alice
        .post(
            "/v1/conversation-groups/add",
            json!({"groupName": "family", "conversationIDList": ["C2Ccarol", "C2Cbob"]}),
        )
        .await
        .ok();
    let bob = alice.conversation("C2Cbob").await.ok();
    assert_eq!(bob["conversationGroupList"], json!(["family", "work"]));
    assert_eq!(ids(&list_with(&alice, "groupName=work").await), ["C2Cbob"]);
    assert_eq!(list_with(&alice, "groupName=family").await.len(), 2);

    alice
        .post(
            "/v1/conversation-groups/rename",
            json!({"oldName": "work", "newName": "office"}),
        )
        .await
        .ok();
    alice
        .post(
            "/v1/conversation-groups/remove",
            json!({"groupName": "family", "conversationIDList": ["C2Cbob"]}),
        )
        .await
        .ok();
    assert_eq!(
        alice.conversation("C2Cbob").await.ok()["conversationGroupList"],
        json!(["office"])
    );
    let folders = alice.get("/v1/conversation-groups").await.ok();
    assert_eq!(
        folders["conversationGroupList"],
        json!([{"groupName": "office", "conversationIDList": ["C2Cbob"]},
               {"groupName": "family", "conversationIDList": ["C2Ccarol"]}])
    );
    alice
        .post(
            "/v1/conversation-groups/delete",
            json!({"groupName": "office"}),
        )
        .await
        .ok();
    assert_eq!(
        alice.conversation("C2Cbob").await.ok()["conversationGroupList"],
        json!([])
    );

    alice
        .post("/v1/conversation-groups", json!({"groupName": "family"}))
        .await
        .expect_error(409, 40901, "conflict");
    alice
        .post(
            "/v1/conversation-groups",
            json!({"groupName": "x".repeat(33)}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "groupName");
    alice
        .post(
            "/v1/conversation-groups/add",
            json!({"groupName": "nope", "conversationIDList": ["C2Cbob"]}),
        )
        .await
        .expect_error_naming(404, 40401, "not_found", "groupName");
    for n in 1..20 {
        alice
            .post(
                "/v1/conversation-groups",
                json!({"groupName": format!("f{n}")}),
            )
            .await
            .ok();
    }
    alice
        .post(
            "/v1/conversation-groups",
            json!({"groupName": "one too many"}),
        )
        .await
        .expect_error(409, 40901, "conflict");
}

#[tokio::test]
async fn draft_custom_data_and_mute_behave_and_are_bounded() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    bob.send_text("C2Calice", "1").await;
    carol.send_text("C2Calice", "2").await;

    let drafted = alice
        .post(
            "/v1/conversations/draft",
            json!({"conversationID": "C2Cbob", "draftText": "half a thou"}),
        )
        .await
        .ok();
    assert_eq!(drafted["draftText"], "half a thou");
    alice
        .post(
            "/v1/conversations/customData",
            json!({"conversationIDList": ["C2Cbob"], "customData": "x".repeat(256)}),
        )
        .await
        .ok();
    alice
        .post(
            "/v1/conversations/customData",
            json!({"conversationIDList": ["C2Cbob"], "customData": "x".repeat(257)}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "customData");

    assert_eq!(alice.total_unread().await, 2);
    alice
        .post(
            "/v1/conversations/remindType",
            json!({"conversationIDList": ["C2Ccarol"], "messageRemindType": "AcceptNotNotify"}),
        )
        .await
        .ok();
    assert_eq!(
        alice.total_unread().await,
        1,
        "a muted conversation leaves the total"
    );
    assert_eq!(alice.unread("C2Ccarol").await, 1, "but keeps its own count");
    assert_eq!(
        alice.conversation("C2Ccarol").await.ok()["messageRemindType"],
        "AcceptNotNotify"
    );
    alice
        .post(
            "/v1/conversations/remindType",
            json!({"conversationIDList": ["C2Ccarol"], "messageRemindType": "Loud"}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "messageRemindType");

    // A draft on a deleted conversation brings it back, as typing in it would.
    alice.delete(&["C2Ccarol"], Some(false)).await.ok();
    alice
        .post(
            "/v1/conversations/draft",
            json!({"conversationID": "C2Ccarol", "draftText": "on second thought"}),
        )
        .await
        .ok();
    assert!(alice.list_ids().await.contains(&"C2Ccarol".to_string()));
}

#[tokio::test]
async fn at_most_fifty_conversations_are_pinned() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    for n in 0..51 {
        let peer = server.user(&format!("peer{n}")).await;
        peer.send_text("C2Calice", "hi").await;
    }
    for n in 0..50 {
        alice
            .post(
                "/v1/conversations/pin",
                json!({"conversationID": format!("C2Cpeer{n}"), "isPinned": true}),
            )
            .await
            .ok();
    }
    alice
        .post(
            "/v1/conversations/pin",
            json!({"conversationID": "C2Cpeer50", "isPinned": true}),
        )
        .await
        .expect_error_naming(409, 40901, "conflict", "isPinned");
    alice
        .post(
            "/v1/conversations/pin",
            json!({"conversationID": "C2Cpeer0", "isPinned": true}),
        )
        .await
        .ok();
}

#[tokio::test]
async fn delete_resets_every_preference_and_a_revived_conversation_starts_from_defaults() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    bob.send_text("C2Calice", "hi").await;
    alice
        .post(
            "/v1/conversations/pin",
            json!({"conversationID": "C2Cbob", "isPinned": true}),
        )
        .await
        .ok();
    alice
        .post(
            "/v1/conversations/mark",
            json!({"conversationIDList": ["C2Cbob"], "markType": 1, "enableMark": true}),
        )
        .await
        .ok();
    alice
        .post(
            "/v1/conversation-groups",
            json!({"groupName": "work", "conversationIDList": ["C2Cbob"]}),
        )
        .await
        .ok();
    alice
        .post(
            "/v1/conversations/draft",
            json!({"conversationID": "C2Cbob", "draftText": "draft"}),
        )
        .await
        .ok();
    alice
        .post(
            "/v1/conversations/customData",
            json!({"conversationIDList": ["C2Cbob"], "customData": "data"}),
        )
        .await
        .ok();
    alice
        .post(
            "/v1/conversations/remindType",
            json!({"conversationIDList": ["C2Cbob"], "messageRemindType": "Discard"}),
        )
        .await
        .ok();

    alice.delete(&["C2Cbob"], Some(false)).await.ok();
    bob.send_text("C2Calice", "again").await;
    let revived = alice.conversation("C2Cbob").await.ok();
    assert_eq!(revived["isPinned"], false);
    assert_eq!(revived["markList"], json!([]));
    assert_eq!(revived["conversationGroupList"], json!([]));
    assert_eq!(revived["draftText"], "");
    assert_eq!(revived["customData"], "");
    assert_eq!(revived["messageRemindType"], "AcceptAndNotify");
    assert_eq!(revived["unreadCount"], 1);
    let folders = alice.get("/v1/conversation-groups").await.ok();
    assert_eq!(
        folders["conversationGroupList"][0]["conversationIDList"],
        json!([])
    );
}

#[tokio::test]
async fn clearing_history_keeps_the_entry_with_nothing_unread() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    bob.send_text("C2Calice", "1").await;
    bob.send_text("C2Calice", "2").await;
    alice
        .post("/v1/conversations/C2Cbob/clearHistory", json!({}))
        .await
        .ok();
    let conversation = alice.conversation("C2Cbob").await.ok();
    assert_eq!(conversation["unreadCount"], 0);
    assert_eq!(conversation["lastMessage"], Value::Null);
    assert!(alice.history("C2Cbob").await.is_empty());
    assert_eq!(
        bob.history("C2Calice").await.len(),
        2,
        "bob's history is his own"
    );
    bob.send_text("C2Calice", "3").await;
    assert_eq!(alice.unread("C2Cbob").await, 1);
    assert_eq!(texts(&alice.history("C2Cbob").await), ["3"]);
}

#[tokio::test]
async fn read_all_marks_a_scope_read_and_unread_only_filters() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    server.user("carol").await;
    server
        .manager()
        .create_group("team", &["alice", "bob", "carol"])
        .await;
    bob.send_text("C2Calice", "dm").await;
    bob.send_text("GROUPteam", "all").await;
    server.user("dave").await.send_text("C2Calice", "dm2").await;
    alice.read("C2Cdave", None).await.ok();

    assert_eq!(ids(&list_with(&alice, "unreadOnly=true").await).len(), 2);
    alice
        .post("/v1/conversations/readAll", json!({"scope": "C2C"}))
        .await
        .ok();
    assert_eq!(alice.unread("C2Cbob").await, 0);
    assert_eq!(alice.unread("GROUPteam").await, 1);
    assert_eq!(
        ids(&list_with(&alice, "unreadOnly=true").await),
        ["GROUPteam"]
    );
    alice
        .post("/v1/conversations/readAll", json!({}))
        .await
        .ok();
    assert_eq!(alice.total_unread().await, 0);
    alice
        .post("/v1/conversations/readAll", json!({"scope": "EVERYTHING"}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "scope");
}

/// Messages left in the database, read straight from it.
fn stored_messages(server: &Server) -> i64 {
    server
        .storage()
        .query_number("SELECT COUNT(*) FROM messages")
}

async fn wait_for_messages(server: &Server, expected: i64) {
    for _ in 0..100 {
        if stored_messages(server) == expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        stored_messages(server),
        expected,
        "the purge did not converge"
    );
}

#[tokio::test]
async fn history_no_one_can_see_is_purged_from_disk() {
    let server = Server::start_with(Options {
        purge_interval_secs: Some(1),
        ..Options::default()
    })
    .await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    for n in 0..3 {
        alice.send_text("C2Cbob", &format!("dm {n}")).await;
    }
    server
        .manager()
        .create_group("team", &["alice", "bob", "carol"])
        .await;
    for n in 0..4 {
        alice.send_text("GROUPteam", &format!("group {n}")).await;
    }
    assert_eq!(stored_messages(&server), 7);

    // One side clearing is not enough: bob can still read the personal chat.
    alice.delete(&["C2Cbob"], Some(true)).await.ok();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(stored_messages(&server), 7);
    bob.post("/v1/conversations/C2Calice/clearHistory", json!({}))
        .await
        .ok();
    wait_for_messages(&server, 4).await;

    // A group's messages stay until every member, past and present, has cleared them.
    alice.delete(&["GROUPteam"], Some(true)).await.ok();
    bob.post("/v1/conversations/GROUPteam/clearHistory", json!({}))
        .await
        .ok();
    server.manager().remove_members("team", &["carol"]).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // The 4 group messages, which carol (who was removed) can still read, and her notice.
    assert_eq!(stored_messages(&server), 5);
    assert_eq!(carol.history("GROUPteam").await.len(), 4);
    carol.delete(&["GROUPteam"], Some(true)).await.ok();
    wait_for_messages(&server, 1).await;
    assert_eq!(
        carol.history("@TIM#SYSTEM").await.len(),
        1,
        "her notice is still there"
    );

    // The API's answers did not change: everyone's cleared history was already empty.
    assert!(alice.history("C2Cbob").await.is_empty());
    assert!(bob.history("GROUPteam").await.is_empty());
    bob.send_text("GROUPteam", "fresh").await;
    assert_eq!(texts(&bob.history("GROUPteam").await), ["fresh"]);
}

#[tokio::test]
async fn the_app_backend_restores_a_conversation_deleted_by_mistake() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    for n in 0..3 {
        bob.send_text("C2Calice", &format!("{n}")).await;
    }
    alice.read("C2Cbob", Some(2)).await.ok();
    alice
        .post(
            "/v1/conversations/pin",
            json!({"conversationID": "C2Cbob", "isPinned": true}),
        )
        .await
        .ok();
    alice
        .post(
            "/v1/conversations/mark",
            json!({"conversationIDList": ["C2Cbob"], "markType": 1, "enableMark": true}),
        )
        .await
        .ok();
    alice
        .post(
            "/v1/conversation-groups",
            json!({"groupName": "work", "conversationIDList": ["C2Cbob"]}),
        )
        .await
        .ok();
    alice.delete(&["C2Cbob"], Some(false)).await.ok();

    let restore = json!({"uid": "alice", "channel_id": "bob", "channel_type": 1});
    let restored = server
        .manager()
        .post("/conversations/restore", restore.clone())
        .await
        .ok();
    assert_eq!(restored["data"]["conversationID"], "C2Cbob");
    let conversation = alice.conversation("C2Cbob").await.ok();
    assert_eq!(conversation["isPinned"], true);
    assert_eq!(conversation["markList"], json!([1]));
    assert_eq!(conversation["conversationGroupList"], json!(["work"]));
    assert_eq!(
        conversation["unreadCount"], 1,
        "the read position came back too"
    );
    assert_eq!(alice.history("C2Cbob").await.len(), 3);

    server
        .manager()
        .post("/conversations/restore", restore.clone())
        .await
        .expect_error(409, 40901, "conflict");
    alice.delete(&["C2Cbob"], Some(true)).await.ok();
    server
        .manager()
        .post("/conversations/restore", restore)
        .await
        .expect_error_naming(409, 40901, "conflict", "cleared");
    server
        .manager()
        .post(
            "/conversations/restore",
            json!({"uid": "alice", "channel_id": "carol", "channel_type": 1}),
        )
        .await
        .expect_error(404, 40401, "not_found");
    alice
        .post(
            "/conversations/restore",
            json!({"uid": "alice", "channel_id": "bob", "channel_type": 1}),
        )
        .await
        .expect_error(403, 40301, "permission_denied");
}
