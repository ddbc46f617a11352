//! Groups: creating, adding and removing members, dismissing, rejoining, and what each member
//! sees and counts.

use crate::common::{Server, User, find};
use serde_json::{Value, json};

/// The payload of the newest notice in the user's `@TIM#SYSTEM` conversation.
async fn last_notice(user: &User) -> Value {
    let notices = user.history("@TIM#SYSTEM").await;
    notices.last().expect("a system notice")["payload"].clone()
}

#[tokio::test]
async fn a_group_message_reaches_every_member_unread_except_the_sender() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    let outsider = server.user("dave").await;
    let created = manager
        .post(
            "/channel",
            json!({"channel_id": "team", "channel_type": 2, "subscribers": ["alice", "bob", "carol"]}),
        )
        .await
        .ok();
    assert_eq!(created, json!({"status": 200}));

    let sent = alice.send_text("GROUPteam", "hello team").await;
    assert_eq!(sent["conversationID"], "GROUPteam");
    assert_eq!(sent["seq"], 1);
    for (member, unread) in [(&alice, 0), (&bob, 1), (&carol, 1)] {
        let list = member.list().await;
        let conversation = find(&list, "GROUPteam")
            .unwrap_or_else(|| panic!("GROUPteam in {}'s list", member.uid));
        assert_eq!(conversation["type"], "GROUP");
        assert_eq!(conversation["unreadCount"], unread, "{}", member.uid);
        assert_eq!(conversation["lastMessage"]["messageID"], sent["messageID"]);
        assert_eq!(member.history_seqs("GROUPteam").await, [1]);
    }
    assert!(outsider.list_ids().await.is_empty());

    // The server API sends to groups too.
    let via_server = manager
        .server_send("bob", "team", 2, json!({"text": "from the backend"}), None)
        .await
        .ok();
    assert_eq!(via_server["data"]["message_seq"], 2);
    assert_eq!(alice.unread("GROUPteam").await, 1);
    assert_eq!(
        bob.unread("GROUPteam").await,
        0,
        "bob's own message reads what came before"
    );
    assert_eq!(carol.unread("GROUPteam").await, 2);
}

#[tokio::test]
async fn an_added_member_sees_messages_from_joining_on() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let dave = server.user("dave").await;
    manager.create_group("team", &["alice"]).await;
    alice.send_many("GROUPteam", 2).await;

    let added = manager
        .post(
            "/channel/subscriber_add",
            json!({"channel_id": "team", "channel_type": 2, "subscribers": ["dave"]}),
        )
        .await
        .ok();
    assert_eq!(added, json!({"status": 200}));
    assert!(dave.history("GROUPteam").await.is_empty());
    alice.send_text("GROUPteam", "welcome dave").await;
    assert_eq!(dave.history_seqs("GROUPteam").await, [3]);
    assert_eq!(dave.unread("GROUPteam").await, 1);
    assert_eq!(dave.total_unread().await, 1);
    dave.send_text("GROUPteam", "thanks").await;
    assert_eq!(alice.history_seqs("GROUPteam").await, [1, 2, 3, 4]);
    // Adding an existing member again changes nothing.
    manager.add_members("team", &["dave"]).await;
    assert_eq!(dave.history_seqs("GROUPteam").await, [3, 4]);
    // As WuKongIM, a uid that never had a token joins too (it is registered); a malformed one
    // is refused.
    manager.add_members("team", &["nobody"]).await;
    manager
        .post(
            "/channel/subscriber_add",
            json!({"channel_id": "team", "channel_type": 2, "subscribers": ["no body"]}),
        )
        .await
        .expect_error(400, 40001, "invalid_argument");
    // As WuKongIM: adding to a group that does not exist creates it (see wukongim_api.rs).
}

/// WuKongIM's `/channel/subscriber_remove_all`: every member goes as `subscriber_remove` takes
/// one, and the group stays for members to be added again.
#[tokio::test]
async fn removing_every_member_leaves_an_empty_group_to_fill_again() {
    let server = Server::start().await;
    let manager = server.manager();
    let [alice, bob] = server.group_of("team", ["alice", "bob"]).await;
    alice.send_text("GROUPteam", "hello").await;
    let removed = manager
        .post(
            "/channel/subscriber_remove_all",
            json!({"channel_id": "team", "channel_type": 2}),
        )
        .await
        .ok();
    assert_eq!(removed, json!({"status": 200}));
    for member in [&alice, &bob] {
        assert_eq!(
            last_notice(member).await,
            json!({"type": "groupMemberRemoved", "groupID": "team"})
        );
        assert_eq!(
            member.history_seqs("GROUPteam").await,
            [1],
            "read-only, kept"
        );
        member
            .try_send("GROUPteam", json!({"text": "anyone?"}))
            .await
            .expect_error(403, 40302, "not_a_member");
    }
    manager.add_members("team", &["bob"]).await;
    bob.send_text("GROUPteam", "back").await;
    assert_eq!(
        alice.history_seqs("GROUPteam").await,
        [1],
        "alice is still out"
    );

    // A group that does not exist is done, as WuKongIM answers; a person's channel is not a group.
    let nowhere = json!({"channel_id": "nowhere", "channel_type": 2});
    let done = manager
        .post("/channel/subscriber_remove_all", nowhere)
        .await
        .ok();
    assert_eq!(done, json!({"status": 200}));
    manager
        .post(
            "/channel/subscriber_remove_all",
            json!({"channel_id": "alice", "channel_type": 1}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "channel_type");
    alice
        .post(
            "/channel/subscriber_remove_all",
            json!({"channel_id": "team", "channel_type": 2}),
        )
        .await
        .expect_error(403, 40301, "permission_denied");
}

#[tokio::test]
async fn a_removed_member_keeps_a_read_only_conversation_up_to_the_removal() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let carol = server.user("carol").await;
    manager.create_group("team", &["alice", "carol"]).await;
    alice.send_many("GROUPteam", 2).await;

    let removed = manager
        .post(
            "/channel/subscriber_remove",
            json!({"channel_id": "team", "channel_type": 2, "subscribers": ["carol"]}),
        )
        .await
        .ok();
    assert_eq!(removed, json!({"status": 200}));
    assert_eq!(carol.list_ids().await, ["@TIM#SYSTEM", "GROUPteam"]);
    assert_eq!(
        last_notice(&carol).await,
        json!({"type": "groupMemberRemoved", "groupID": "team"})
    );
    carol.read("@TIM#SYSTEM", None).await.ok();
    assert_eq!(carol.history_seqs("GROUPteam").await, [1, 2]);
    carol
        .try_send("GROUPteam", json!({"text": "wait"}))
        .await
        .expect_error(403, 40302, "not_a_member");
    // The app may still send on her behalf, as WuKongIM's API does; her read-only
    // conversation does not get it.
    manager
        .server_send("carol", "team", 2, json!({"text": "wait"}), None)
        .await
        .ok();

    alice.send_many("GROUPteam", 3).await;
    assert_eq!(
        carol.history_seqs("GROUPteam").await,
        [1, 2],
        "later messages invisible"
    );
    let conversation = carol.conversation("GROUPteam").await.ok();
    assert_eq!(
        conversation["unreadCount"], 0,
        "the removal read what was unread; later messages not counted"
    );
    assert_eq!(conversation["lastMessage"]["seq"], 2);
    assert_eq!(carol.total_unread().await, 0);
    let page = carol
        .history_page("GROUPteam", "before=100&limit=10")
        .await
        .ok();
    assert_eq!(page["messageList"].as_array().unwrap().len(), 2);
    // Still hers to read and delete.
    carol.read("GROUPteam", None).await.ok();
    assert_eq!(carol.total_unread().await, 0);
    carol.delete(&["GROUPteam"], Some(false)).await.ok();
    assert_eq!(carol.list_ids().await, ["@TIM#SYSTEM"]);
    alice
        .send_text("GROUPteam", "carol will not see this")
        .await;
    assert_eq!(
        carol.list_ids().await,
        ["@TIM#SYSTEM"],
        "no revival for a non-member"
    );
    assert_eq!(alice.history_seqs("GROUPteam").await, [1, 2, 3, 4, 5, 6, 7]);
}

#[tokio::test]
async fn a_dismissed_group_is_read_only_for_everyone_and_still_deletable() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    manager.create_group("team", &["alice", "bob"]).await;
    alice.send_text("GROUPteam", "one").await;
    bob.send_text("GROUPteam", "two").await;

    let dismissed = manager
        .post(
            "/channel/delete",
            json!({"channel_id": "team", "channel_type": 2}),
        )
        .await
        .ok();
    assert_eq!(dismissed, json!({"status": 200}));
    for member in [&alice, &bob] {
        member
            .try_send("GROUPteam", json!({"text": "hello?"}))
            .await
            .expect_error(403, 40302, "not_a_member");
        assert_eq!(member.history_seqs("GROUPteam").await, [1, 2]);
        assert_eq!(member.list_ids().await, ["@TIM#SYSTEM", "GROUPteam"]);
        assert_eq!(
            last_notice(member).await,
            json!({"type": "groupDismissed", "groupID": "team"})
        );
    }
    manager
        .server_send("alice", "team", 2, json!({"text": "hello?"}), None)
        .await
        .expect_error(403, 40302, "not_a_member");

    let deleted = alice.delete(&["GROUPteam"], None).await.ok();
    assert_eq!(deleted["conversationIDList"], json!(["GROUPteam"]));
    assert_eq!(alice.list_ids().await, ["@TIM#SYSTEM"]);
    assert_eq!(bob.list_ids().await, ["@TIM#SYSTEM", "GROUPteam"]);
    // As WuKongIM: dismissing a group that does not exist is done (and creates nothing).
    manager.dismiss_group("nowhere").await;
    manager
        .get("/channel/info?channel_id=nowhere&channel_type=2")
        .await
        .expect_error(404, 40401, "not_found");
}

#[tokio::test]
async fn a_rejoined_member_sees_messages_from_the_rejoin_on() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let carol = server.user("carol").await;
    manager.create_group("team", &["alice", "carol"]).await;
    alice.send_many("GROUPteam", 2).await;
    manager.remove_members("team", &["carol"]).await;
    alice.send_many("GROUPteam", 2).await; // 3, 4: while carol is out
    manager.add_members("team", &["carol"]).await;
    assert_eq!(carol.history_seqs("GROUPteam").await, [1, 2]);
    alice.send_text("GROUPteam", "welcome back").await; // 5

    assert_eq!(carol.history_seqs("GROUPteam").await, [1, 2, 5]);
    assert_eq!(
        carol.unread("GROUPteam").await,
        1,
        "unread starts from the rejoin"
    );
    assert_eq!(
        carol.conversation("GROUPteam").await.ok()["lastMessage"]["seq"],
        5
    );
    let sent = carol.send_text("GROUPteam", "glad to be back").await;
    assert_eq!(sent["seq"], 6);
    // Paging across the gap skips the messages carol never had.
    let page = carol.history_page("GROUPteam", "limit=2").await.ok();
    assert_eq!(
        crate::common::seqs(page["messageList"].as_array().unwrap()),
        [5, 6]
    );
    assert_eq!(page["isCompleted"], false);
    let older = carol
        .history_page("GROUPteam", "limit=2&before=5")
        .await
        .ok();
    assert_eq!(
        crate::common::seqs(older["messageList"].as_array().unwrap()),
        [1, 2]
    );
    assert_eq!(older["isCompleted"], true);
}

/// Found by the chaos test: rejoined with nothing sent since, the member's list showed no last
/// message although the history still held the earlier window's.
#[tokio::test]
async fn a_rejoined_member_with_nothing_new_sees_the_earlier_windows_last_message() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let carol = server.user("carol").await;
    manager.create_group("team", &["alice", "carol"]).await;
    alice.send_many("GROUPteam", 2).await;
    manager.remove_members("team", &["carol"]).await;
    alice.send_many("GROUPteam", 2).await; // 3, 4: while carol is out
    manager.add_members("team", &["carol"]).await;
    let conversation = carol.conversation("GROUPteam").await.ok();
    assert_eq!(conversation["lastMessage"]["seq"], 2, "{conversation}");
    assert_eq!(conversation["unreadCount"], 0);
    assert_eq!(carol.history_seqs("GROUPteam").await, [1, 2]);
}

#[tokio::test]
async fn removing_and_re_adding_with_no_message_between_works() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let carol = server.user("carol").await;
    manager.create_group("team", &["alice", "carol"]).await;
    manager.remove_members("team", &["carol"]).await;
    manager.add_members("team", &["carol"]).await;
    alice.send_text("GROUPteam", "hi").await;
    assert_eq!(carol.history_seqs("GROUPteam").await, [1]);
    assert_eq!(carol.unread("GROUPteam").await, 1);

    alice.send_text("GROUPteam", "two").await;
    manager.remove_members("team", &["carol"]).await;
    manager.add_members("team", &["carol"]).await;
    alice.send_text("GROUPteam", "three").await;
    assert_eq!(carol.history_seqs("GROUPteam").await, [1, 2, 3]);
    carol.send_text("GROUPteam", "still here").await;
}

#[tokio::test]
async fn a_dismissed_group_can_be_created_again() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    manager.create_group("team", &["alice", "bob"]).await;
    alice.send_text("GROUPteam", "one").await;
    manager.dismiss_group("team").await;
    manager
        .post(
            "/channel/subscriber_add",
            json!({"channel_id": "team", "channel_type": 2, "subscribers": ["bob"]}),
        )
        .await
        .expect_error(409, 40901, "conflict");
    manager.create_group("team", &["alice", "bob"]).await;
    bob.send_text("GROUPteam", "we are back").await;
    assert_eq!(alice.history_seqs("GROUPteam").await, [1, 2]);
    assert_eq!(alice.unread("GROUPteam").await, 1);
}

#[tokio::test]
async fn reset_replaces_the_member_list() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    manager.create_group("team", &["alice", "bob"]).await;
    alice.send_text("GROUPteam", "one").await;
    manager
        .post(
            "/channel",
            json!({"channel_id": "team", "channel_type": 2, "subscribers": ["alice", "carol"], "reset": 1}),
        )
        .await
        .ok();
    bob.try_send("GROUPteam", json!({"text": "hey"}))
        .await
        .expect_error(403, 40302, "not_a_member");
    carol.send_text("GROUPteam", "hi all").await;
    assert_eq!(carol.history_seqs("GROUPteam").await, [2]);
    assert_eq!(bob.history_seqs("GROUPteam").await, [1]);
    manager
        .post(
            "/channel",
            json!({"channel_id": "team", "channel_type": 1, "subscribers": ["alice"]}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "channel_type");
}

/// What a group chat UI lists: the user's groups, and a group's members page by page.
#[tokio::test]
async fn a_member_lists_their_groups_and_a_groups_members_page_by_page() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    for uid in ["bob", "carol", "dave"] {
        server.user(uid).await;
    }
    let outsider = server.user("erin").await;
    manager
        .post(
            "/user/profile",
            json!({"uid": "bob", "nick": "Bob B.", "avatar": "b.png"}),
        )
        .await
        .ok();
    manager
        .create_group("team", &["alice", "bob", "carol", "dave"])
        .await;
    manager.create_group("book-club", &["alice", "bob"]).await;
    manager.create_group("left", &["alice", "bob"]).await;
    manager
        .post(
            "/channel/subscriber_remove",
            json!({"channel_id": "left", "channel_type": 2, "subscribers": ["alice"]}),
        )
        .await
        .ok();

    let groups = alice.get("/v1/groups").await.ok();
    let listed: Vec<(&str, u64)> = groups["groupList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|group| {
            (
                group["groupID"].as_str().unwrap(),
                group["memberCount"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [("book-club", 2), ("team", 4)],
        "not the group she left"
    );
    assert_eq!(
        outsider.get("/v1/groups").await.ok(),
        json!({"groupList": []})
    );

    let first = alice.get("/v1/groups/team/members?count=3").await.ok();
    assert_eq!(first["offset"], 3);
    // All four joined with the group's making.
    let joined = first["memberList"][0]["joinTime"].as_u64().unwrap();
    assert!(joined > 0);
    assert_eq!(
        first["memberList"],
        json!([
            {"userID": "alice", "nick": "", "avatar": "", "role": "Member", "muteUntil": 0,
                "nameCard": "", "memberCustomField": [], "joinTime": joined},
            {"userID": "bob", "nick": "Bob B.", "avatar": "b.png", "role": "Member",
                "muteUntil": 0, "nameCard": "", "memberCustomField": [], "joinTime": joined},
            {"userID": "carol", "nick": "", "avatar": "", "role": "Member", "muteUntil": 0,
                "nameCard": "", "memberCustomField": [], "joinTime": joined},
        ])
    );
    let last = alice
        .get("/v1/groups/team/members?count=3&offset=3")
        .await
        .ok();
    assert_eq!(
        last,
        json!({"memberList": [{"userID": "dave", "nick": "", "avatar": "", "role": "Member",
            "muteUntil": 0, "nameCard": "", "memberCustomField": [], "joinTime": joined}],
            "offset": 0}),
        "0 after the last page"
    );
    let default_page = alice.get("/v1/groups/team/members").await.ok();
    assert_eq!(default_page["memberList"].as_array().unwrap().len(), 4);

    outsider
        .get("/v1/groups/team/members")
        .await
        .expect_error(403, 40301, "permission_denied");
    alice
        .get("/v1/groups/left/members")
        .await
        .expect_error(403, 40302, "not_a_member");
    alice
        .get("/v1/groups/nope/members")
        .await
        .expect_error(404, 40401, "not_found");
    for count in ["0", "101", "x"] {
        alice
            .get(&format!("/v1/groups/team/members?count={count}"))
            .await
            .expect_error_naming(400, 40001, "invalid_argument", "count");
    }
}
