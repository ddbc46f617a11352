//! Groups run by their members from a client (Tencent's `createGroup`, `addGroupMember`,
//! `deleteGroupMember`, `updateGroupProfile`, `dismissGroup`, `joinGroup`, `quitGroup`), by the
//! rules of each group type: a work group is run by its members, a public or meeting group by
//! its owner.

use crate::common::{
    Server, User, custom_fields as fields, decoded, event_where, find, group_path,
};
use serde_json::{Value, json};

/// The payload of the newest message `user` sees in the conversation, which must be a group tip
/// from `operator`.
async fn last_tip(user: &User, conversation: &str, operator: &str) -> Value {
    let history = user.history(conversation).await;
    let last = history.last().expect("a tip");
    assert_eq!(
        (last["type"].as_str(), last["from"].as_str()),
        (Some("TIMGroupTipElem"), Some(operator)),
        "{last}"
    );
    last["payload"].clone()
}

async fn members(user: &User, group: &str) -> Vec<(String, String)> {
    user.group_members(group)
        .await
        .iter()
        .map(|member| {
            let field = |name: &str| member[name].as_str().unwrap().to_owned();
            (field("userID"), field("role"))
        })
        .collect()
}

#[tokio::test]
async fn a_work_group_is_created_by_a_user_and_run_by_its_members() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    let dave = server.user("dave").await;

    let group = alice
        .create_group(
            json!({"name": "Hike", "memberList": [{"userID": "bob"}], "introduction": "Sundays"}),
        )
        .await;
    let id = group["groupID"].as_str().unwrap().to_owned();
    assert!(
        id.starts_with("@TGS#"),
        "the server made an ID in Tencent's shape: {id}"
    );
    assert_eq!(group["type"], "Private", "a work group by default");
    assert_eq!(group["ownerID"], "alice");
    assert_eq!(group["memberCount"], 2);
    assert_eq!(group["introduction"], "Sundays");
    assert_eq!(group["joinOption"], "DisableApply");
    assert_eq!(group["selfRole"], "Owner");
    assert_eq!(
        members(&bob, &id).await,
        [
            ("alice".into(), "Owner".into()),
            ("bob".into(), "Member".into())
        ]
    );
    // the group is in the members' lists at once, with nothing unread, and they can use it
    let conversation = format!("GROUP{id}");
    for member in [&alice, &bob] {
        let list = member.list().await;
        let listed = find(&list, &conversation).expect("listed on creation");
        assert_eq!(listed["unreadCount"], 0, "{}", member.uid);
    }
    alice.send_text(&conversation, "Who's in?").await;
    assert_eq!(bob.unread(&conversation).await, 1);

    // any member adds people; strangers and members already are answered one by one
    let added = bob
        .post(
            &group_path(&id, "/members"),
            json!({"userIDList": ["carol", "nobody", "alice", "carol"]}),
        )
        .await
        .ok();
    assert_eq!(added["successUserIDList"], json!(["carol"]));
    assert_eq!(added["failureUserIDList"], json!(["nobody"]));
    assert_eq!(added["existedUserIDList"], json!(["alice"]));
    assert_eq!(added["group"]["memberCount"], 3);
    assert_eq!(
        carol.history(&conversation).await.len(),
        1,
        "no history from before: only the tip of her joining"
    );
    let joined = json!({"operationType": 1, "operatorID": "bob", "userIDList": ["carol"],
        "memberList": [{"userID": "carol", "nick": "", "avatar": ""}], "memberCount": 3});
    for member in [&alice, &bob, &carol] {
        assert_eq!(last_tip(member, &conversation, "bob").await, joined);
    }
    assert_eq!(
        (
            alice.unread(&conversation).await,
            bob.unread(&conversation).await,
            carol.unread(&conversation).await
        ),
        (1, 0, 1),
        "a tip is unread for all but the member who made the change, as their own message"
    );
    assert!(
        find(&carol.list().await, &conversation).is_some(),
        "listed when added"
    );
    // but not outsiders
    dave.post(
        &group_path(&id, "/members"),
        json!({"userIDList": ["dave"]}),
    )
    .await
    .expect_error(403, 40301, "permission_denied");
    // nor look it up, or ask to join it
    dave.get(&group_path(&id, ""))
        .await
        .expect_error(403, 40301, "permission_denied");
    dave.post(&group_path(&id, "/join"), json!({}))
        .await
        .expect_error(403, 40301, "permission_denied");

    // any member edits the profile, and the others hear of it
    let renamed = bob
        .post(
            &group_path(&id, ""),
            json!({"name": "Sunday hike", "notification": "8am"}),
        )
        .await
        .ok();
    assert_eq!(renamed["name"], "Sunday hike");
    let seen = carol.get(&group_path(&id, "")).await.ok();
    assert_eq!(
        (seen["name"].as_str(), seen["notification"].as_str()),
        (Some("Sunday hike"), Some("8am"))
    );
    assert_eq!(
        last_tip(&carol, &conversation, "bob").await,
        json!({"operationType": 6, "operatorID": "bob", "userIDList": ["bob"], "memberList": [],
            "newGroupProfile": {"groupName": "Sunday hike", "notification": "8am"},
            "memberCount": 3}),
        "the tip names what changed"
    );
    let tips = carol.history(&conversation).await.len();
    // a work group takes no join option: one given is set aside, as Tencent's SDK sets it aside
    let kept = bob
        .post(&group_path(&id, ""), json!({"joinOption": "FreeAccess"}))
        .await
        .ok();
    assert_eq!(kept["joinOption"], "DisableApply");
    assert_eq!(kept["selfRole"], "Member");
    assert_eq!(
        carol.history(&conversation).await.len(),
        tips,
        "nothing changed: no tip"
    );

    // only the owner removes, and not themself
    bob.post(
        &group_path(&id, "/members/remove"),
        json!({"userIDList": ["carol"]}),
    )
    .await
    .expect_error(403, 40301, "permission_denied");
    alice
        .post(
            &group_path(&id, "/members/remove"),
            json!({"userIDList": ["alice"]}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "userIDList");
    let removed = alice
        .post(
            &group_path(&id, "/members/remove"),
            json!({"userIDList": ["carol", "dave"]}),
        )
        .await
        .ok();
    assert_eq!(
        removed["userIDList"],
        json!(["carol"]),
        "dave was not a member"
    );
    assert_eq!(removed["group"]["memberCount"], 2);
    assert_eq!(
        last_tip(&bob, &conversation, "alice").await,
        json!({"operationType": 3, "operatorID": "alice", "userIDList": ["carol"],
            "memberList": [{"userID": "carol", "nick": "", "avatar": ""}], "memberCount": 2})
    );
    assert_eq!(
        carol.history(&conversation).await.len(),
        tips,
        "the removed member does not see the tip of her removal"
    );
    carol
        .try_send(&conversation, json!({"text": "still here?"}))
        .await
        .expect_error(403, 40302, "not_a_member");
    let notices = carol.history("@TIM#SYSTEM").await;
    assert_eq!(
        notices.last().unwrap()["payload"],
        json!({"type": "groupMemberRemoved", "groupID": id, "operatorID": "alice"})
    );

    // nobody dismisses a work group from a client
    alice
        .post(&group_path(&id, "/dismiss"), json!({}))
        .await
        .expect_error(403, 40301, "permission_denied");
    // the owner may leave it, and then it has none
    alice.post(&group_path(&id, "/leave"), json!({})).await.ok();
    assert_eq!(
        last_tip(&bob, &conversation, "alice").await["operationType"],
        2
    );
    let after = bob.get(&group_path(&id, "")).await.ok();
    assert_eq!(
        (after["ownerID"].as_str(), after["memberCount"].as_u64()),
        (Some(""), Some(1))
    );
    assert_eq!(members(&bob, &id).await, [("bob".into(), "Member".into())]);
}

#[tokio::test]
async fn a_meeting_group_is_joined_freely_and_run_by_its_owner() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;

    // a meeting group is always open: a join option given is set aside, as Tencent's SDK does
    let group = alice
        .create_group(
            json!({"groupID": "standup", "name": "Stand-up", "type": "ChatRoom",
               "joinOption": "NeedPermission"}),
        )
        .await;
    assert_eq!(
        (group["groupID"].as_str(), group["joinOption"].as_str()),
        (Some("standup"), Some("FreeAccess"))
    );
    alice.send_text("GROUPstandup", "agenda").await;

    let joined = bob.post("/v1/groups/standup/join", json!({})).await.ok();
    assert_eq!(
        (
            joined["status"].as_str(),
            joined["group"]["memberCount"].as_u64()
        ),
        (Some("JoinedSuccess"), Some(2))
    );
    assert_eq!(
        bob.history_seqs("GROUPstandup").await,
        [1, 2],
        "a meeting group shows new members its history, then the tip of the join"
    );
    assert_eq!(
        last_tip(&alice, "GROUPstandup", "bob").await,
        json!({"operationType": 1, "operatorID": "bob", "userIDList": ["bob"],
            "memberList": [{"userID": "bob", "nick": "", "avatar": ""}], "memberCount": 2})
    );
    assert_eq!(
        (
            bob.unread("GROUPstandup").await,
            alice.unread("GROUPstandup").await
        ),
        (0, 1),
        "listed on joining, with the history before it and one's own tip read"
    );
    let again = bob.post("/v1/groups/standup/join", json!({})).await.ok();
    assert_eq!(again["status"], "AlreadyInGroup");

    // members are not added by members here, nor is the profile theirs to change
    bob.post(
        "/v1/groups/standup/members",
        json!({"userIDList": ["carol"]}),
    )
    .await
    .expect_error(403, 40301, "permission_denied");
    bob.post("/v1/groups/standup", json!({"name": "Mine now"}))
        .await
        .expect_error(403, 40301, "permission_denied");
    bob.post("/v1/groups/standup/dismiss", json!({}))
        .await
        .expect_error(403, 40301, "permission_denied");
    // the owner cannot leave: they dismiss it, or hand it on first
    alice
        .post("/v1/groups/standup/leave", json!({}))
        .await
        .expect_error(403, 40301, "permission_denied");
    bob.post("/v1/groups/standup/owner", json!({"newOwnerID": "bob"}))
        .await
        .expect_error(403, 40301, "permission_denied");
    alice
        .post("/v1/groups/standup/owner", json!({"newOwnerID": "carol"}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "newOwnerID");
    let handed = alice
        .post("/v1/groups/standup/owner", json!({"newOwnerID": "bob"}))
        .await
        .ok();
    assert_eq!(handed["ownerID"], "bob");
    assert_eq!(
        last_tip(&bob, "GROUPstandup", "alice").await,
        json!({"operationType": 6, "operatorID": "alice", "userIDList": ["alice"],
            "memberList": [{"userID": "bob", "nick": "", "avatar": ""}],
            "newGroupProfile": {"ownerID": "bob"}, "memberCount": 2})
    );
    assert_eq!(
        members(&alice, "standup").await,
        [
            ("alice".into(), "Member".into()),
            ("bob".into(), "Owner".into())
        ]
    );
    bob.post("/v1/groups/standup/leave", json!({}))
        .await
        .expect_error(403, 40301, "permission_denied");
    let back = bob
        .post("/v1/groups/standup/owner", json!({"newOwnerID": "alice"}))
        .await
        .ok();
    assert_eq!(back["ownerID"], "alice");
    // a member can
    carol.post("/v1/groups/standup/join", json!({})).await.ok();
    carol.post("/v1/groups/standup/leave", json!({})).await.ok();

    alice
        .post("/v1/groups/standup/dismiss", json!({}))
        .await
        .ok();
    let seen = bob.get("/v1/groups/standup").await.ok();
    assert_eq!(seen["isDismissed"], true);
    assert_eq!(
        bob.history("@TIM#SYSTEM").await.last().unwrap()["payload"],
        json!({"type": "groupDismissed", "groupID": "standup", "operatorID": "alice"})
    );
    bob.try_send("GROUPstandup", json!({"text": "hello?"}))
        .await
        .expect_error(403, 40302, "not_a_member");
    carol
        .post("/v1/groups/standup/join", json!({}))
        .await
        .expect_error(403, 40302, "not_a_member");
    alice
        .post("/v1/groups/standup/dismiss", json!({}))
        .await
        .expect_error(403, 40302, "not_a_member");
}

#[tokio::test]
async fn a_public_group_takes_those_who_ask_once_its_owner_approves_or_opens_it() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    alice
        .create_group(json!({"groupID": "club", "name": "Club", "type": "Public"}))
        .await;
    // anyone can look a public group up before asking to join
    let found = bob.get("/v1/groups/club").await.ok();
    assert_eq!(
        (
            found["name"].as_str(),
            found["joinOption"].as_str(),
            found["selfRole"].as_str()
        ),
        (Some("Club"), Some("NeedPermission"), Some(""))
    );

    // asking: the request waits for the owner, who finds it in her notices and her list
    let asked = bob
        .post("/v1/groups/club/join", json!({"applyMessage": "let me in"}))
        .await
        .ok();
    assert_eq!(
        (
            asked["status"].as_str(),
            asked["group"]["memberCount"].as_u64()
        ),
        (Some("WaitAdminApproval"), Some(1))
    );
    assert_eq!(
        alice.history("@TIM#SYSTEM").await.last().unwrap()["payload"],
        json!({"type": "groupJoinRequest", "groupID": "club", "operatorID": "bob",
            "message": "let me in"})
    );
    let pending = || async {
        alice.get("/v1/group-applications").await.ok()["applicationList"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["groupID"].clone(),
                    a["applicant"].clone(),
                    a["applyMessage"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        pending().await,
        [(json!("club"), json!("bob"), json!("let me in"))]
    );
    carol
        .post("/v1/groups/club/join", json!({"applyMessage": "me too"}))
        .await
        .ok();
    assert_eq!(pending().await.len(), 2);
    assert!(
        bob.get("/v1/group-applications").await.ok()["applicationList"]
            .as_array()
            .unwrap()
            .is_empty(),
        "only the owner answers"
    );
    let answer = |action: &str, applicant: &str| json!({"applicant": applicant, "handleAction": action, "handleMessage": "ok"});
    carol
        .post(
            "/v1/groups/club/applications/handle",
            answer("Agree", "bob"),
        )
        .await
        .expect_error(403, 40301, "permission_denied");
    alice
        .post(
            "/v1/groups/club/applications/handle",
            answer("Maybe", "bob"),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "handleAction");

    // refused: nothing changes for carol but the notice of it
    alice
        .post(
            "/v1/groups/club/applications/handle",
            answer("Reject", "carol"),
        )
        .await
        .ok();
    assert_eq!(
        carol.history("@TIM#SYSTEM").await.last().unwrap()["payload"],
        json!({"type": "groupJoinRejected", "groupID": "club", "operatorID": "alice",
            "message": "ok"})
    );
    carol
        .try_send("GROUPclub", json!({"text": "x"}))
        .await
        .expect_error(403, 40301, "permission_denied");
    // approved: bob joins, and the group's tip names the owner who let him in
    let approved = alice
        .post(
            "/v1/groups/club/applications/handle",
            answer("Agree", "bob"),
        )
        .await
        .ok();
    assert_eq!(approved["memberCount"], 2);
    assert_eq!(
        bob.history("@TIM#SYSTEM").await.last().unwrap()["payload"]["type"],
        "groupJoinApproved"
    );
    assert_eq!(
        last_tip(&alice, "GROUPclub", "alice").await["userIDList"],
        json!(["bob"])
    );
    assert!(pending().await.is_empty());
    alice
        .post(
            "/v1/groups/club/applications/handle",
            answer("Agree", "bob"),
        )
        .await
        .expect_error(404, 40401, "not_found");
    bob.send_text("GROUPclub", "hi all").await;
    assert_eq!(alice.unread("GROUPclub").await, 1, "his message");

    // opened, the group takes those who ask at once
    let opened = alice
        .post("/v1/groups/club", json!({"joinOption": "FreeAccess"}))
        .await
        .ok();
    assert_eq!(opened["joinOption"], "FreeAccess");
    let joined = carol.post("/v1/groups/club/join", json!({})).await.ok();
    assert_eq!(joined["status"], "JoinedSuccess");

    let closed = alice
        .post("/v1/groups/club", json!({"joinOption": "DisableApply"}))
        .await
        .ok();
    assert_eq!(closed["joinOption"], "DisableApply");
    let dave = server.user("dave").await;
    dave.post("/v1/groups/club/join", json!({}))
        .await
        .expect_error(403, 40301, "permission_denied");
}

#[tokio::test]
async fn creating_a_group_refuses_what_it_cannot_do() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    server.user("bob").await;
    alice
        .create_group(json!({"groupID": "taken", "name": "First"}))
        .await;

    alice
        .post("/v1/groups", json!({"groupID": "taken", "name": "Second"}))
        .await
        .expect_error_naming(409, 40901, "conflict", "groupID");
    // a group the app backend made is taken alike
    server.manager().create_group("backend", &["bob"]).await;
    alice
        .post("/v1/groups", json!({"groupID": "backend", "name": "Mine"}))
        .await
        .expect_error_naming(409, 40901, "conflict", "groupID");
    for (body, field) in [
        (json!({"name": ""}), "name"),
        (json!({"name": "Live", "type": "LiveRoom"}), "type"),
        (
            json!({"name": "Live", "type": "AVChatRoom", "memberList": [{"userID": "bob"}]}),
            "memberList",
        ),
        (json!({"name": "X", "type": "Work"}), "type"),
        (
            json!({"name": "X", "joinOption": "Sometimes"}),
            "joinOption",
        ),
        (json!({"name": "X", "groupID": "bad id"}), "groupID"),
        (
            json!({"name": "X", "memberList": [{"userID": "bad id"}]}),
            "memberList",
        ),
        (
            json!({"name": "X", "notification": "n".repeat(4097)}),
            "notification",
        ),
    ] {
        alice
            .post("/v1/groups", body.clone())
            .await
            .expect_error_naming(400, 40001, "invalid_argument", field);
    }
    alice
        .post(
            "/v1/groups",
            json!({"name": "X", "memberList": [{"userID": "nobody"}]}),
        )
        .await
        .expect_error_naming(404, 40401, "not_found", "memberList");
    for most in [0, 100_001] {
        alice
            .post("/v1/groups", json!({"name": "X", "maxMemberNum": most}))
            .await
            .expect_error_naming(400, 40001, "invalid_argument", "maxMemberNum");
    }
    let many: Vec<Value> = (0..501)
        .map(|n| json!({"userID": format!("u{n}")}))
        .collect();
    alice
        .post("/v1/groups", json!({"name": "X", "memberList": many}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "memberList");
    // nothing was half made by the refusals
    let groups = alice.get("/v1/groups").await.ok();
    assert_eq!(groups["groupList"].as_array().unwrap().len(), 1);
    // and an unknown group is 404 for every call
    for path in ["/members", "/members/remove", "/dismiss", "/join", ""] {
        let body = if path.starts_with("/members") {
            json!({"userIDList": ["bob"]})
        } else {
            json!({})
        };
        alice
            .post(&format!("/v1/groups/nowhere{path}"), body)
            .await
            .expect_error(404, 40401, "not_found");
    }
}

#[tokio::test]
async fn an_audio_video_room_or_a_community_is_created_by_a_user_and_run_as_a_public_group() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;

    let room = alice
        .create_group(json!({"groupID": "live", "name": "Live", "type": "AVChatRoom"}))
        .await;
    assert_eq!(
        (&room["type"], &room["ownerID"], &room["memberCount"]),
        (&json!("AVChatRoom"), &json!("alice"), &json!(1))
    );
    assert_eq!(room["joinOption"], "FreeAccess", "anyone joins a room");
    // Users join it by themselves, at once, and talk in it.
    let joined = bob.post("/v1/groups/live/join", json!({})).await.ok();
    assert_eq!(joined["status"], "JoinedSuccess");
    bob.send_text("GROUPlive", "hello room").await;
    let seen = alice.history("GROUPlive").await;
    assert_eq!(seen.last().unwrap()["payload"]["text"], "hello room");
    // Its owner runs it: nobody adds members from a client, the owner cannot leave it (only
    // dismiss it), and dismisses it.
    bob.post("/v1/groups/live/members", json!({"userIDList": ["carol"]}))
        .await
        .expect_error(403, 40301, "permission_denied");
    alice
        .post("/v1/groups/live/leave", json!({}))
        .await
        .expect_error(403, 40301, "permission_denied");
    // Removed with a duration, a user may not join again until it passes; removed without one,
    // at once.
    carol.post("/v1/groups/live/join", json!({})).await.ok();
    let removed = alice
        .post(
            "/v1/groups/live/members/remove",
            json!({"userIDList": ["bob"], "duration": 600}),
        )
        .await
        .ok();
    assert_eq!(removed["userIDList"], json!(["bob"]));
    bob.post("/v1/groups/live/join", json!({}))
        .await
        .expect_error_naming(403, 40301, "permission_denied", "may not join it again");
    alice
        .post(
            "/v1/groups/live/members/remove",
            json!({"userIDList": ["carol"]}),
        )
        .await
        .ok();
    carol.post("/v1/groups/live/join", json!({})).await.ok();
    alice.post("/v1/groups/live/dismiss", json!({})).await.ok();
    assert_eq!(bob.get("/v1/groups/live").await.ok()["isDismissed"], true);

    // A community starts with the members given, and takes requests to join.
    let community = alice
        .create_group(
            json!({"groupID": "town", "name": "Town", "type": "Community",
            "memberList": [{"userID": "bob"}]}),
        )
        .await;
    assert_eq!(
        (
            &community["type"],
            &community["memberCount"],
            &community["joinOption"]
        ),
        (&json!("Community"), &json!(2), &json!("NeedPermission"))
    );
    let asked = carol.post("/v1/groups/town/join", json!({})).await.ok();
    assert_eq!(asked["status"], "WaitAdminApproval");
    // A group may start with admins and members' custom fields, but a work group has no admins.
    alice
        .create_group(json!({"groupID": "club2", "name": "Club", "type": "Public",
            "memberList": [{"userID": "bob", "role": "Admin",
                "memberCustomField": [{"key": "team", "value": "blue"}]},
                {"userID": "carol", "role": "Member"}]}))
        .await;
    let listed = alice.group_members("club2").await;
    let bobs = listed.iter().find(|m| m["userID"] == "bob").unwrap();
    assert_eq!(
        (&bobs["role"], &bobs["memberCustomField"]),
        (&json!("Admin"), &json!([{"key": "team", "value": "blue"}]))
    );
    for (kind, role) in [("Private", "Admin"), ("Public", "Owner")] {
        alice
            .post(
                "/v1/groups",
                json!({"name": "X", "type": kind, "memberList": [{"userID": "bob", "role": role}]}),
            )
            .await
            .expect_error_naming(400, 40001, "invalid_argument", "memberList");
    }
    // Only an audio-video room keeps those it removes out.
    alice
        .post(
            "/v1/groups/town/members/remove",
            json!({"userIDList": ["bob"], "duration": 60}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "duration");
}

#[tokio::test]
async fn a_group_takes_no_more_members_from_clients_than_its_creator_allowed() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    server.user("bob").await;
    let carol = server.user("carol").await;
    server.user("dave").await;

    let room = alice
        .create_group(
            json!({"groupID": "small", "name": "Small", "type": "ChatRoom",
            "maxMemberNum": 2, "memberList": [{"userID": "bob"}]}),
        )
        .await;
    assert_eq!(
        (&room["maxMemberCount"], &room["memberCount"]),
        (&json!(2), &json!(2))
    );
    // Full: nobody joins, and nobody is added, until someone leaves.
    carol
        .post("/v1/groups/small/join", json!({}))
        .await
        .expect_error_naming(409, 40907, "group_full", "maxMemberNum");
    alice
        .post(
            "/v1/groups/small/members/remove",
            json!({"userIDList": ["bob"]}),
        )
        .await
        .ok();
    let joined = carol.post("/v1/groups/small/join", json!({})).await.ok();
    assert_eq!(joined["status"], "JoinedSuccess");
    assert_eq!(joined["group"]["memberCount"], 2);

    // A work group's members add no more than fit; the whole call is refused.
    alice
        .create_group(json!({"groupID": "trio", "name": "Trio", "maxMemberNum": 3}))
        .await;
    alice
        .post(
            "/v1/groups/trio/members",
            json!({"userIDList": ["bob", "carol", "dave"]}),
        )
        .await
        .expect_error(409, 40907, "group_full");
    assert_eq!(alice.get("/v1/groups/trio").await.ok()["memberCount"], 1);
    // A group cannot start with more members than it allows.
    alice
        .post(
            "/v1/groups",
            json!({"groupID": "tiny", "name": "Tiny", "maxMemberNum": 1,
            "memberList": [{"userID": "bob"}]}),
        )
        .await
        .expect_error(409, 40907, "group_full");
    // The app backend is bound by none of it; a group made without one has no limit.
    manager.add_members("small", &["dave"]).await;
    assert_eq!(alice.get("/v1/groups/small").await.ok()["memberCount"], 3);
    let open = alice.create_group(json!({"name": "Open"})).await;
    assert_eq!(open["maxMemberCount"], 0);
}

#[tokio::test]
async fn the_app_backend_still_runs_any_group_and_its_groups_have_no_owner() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    manager.create_group("team", &["alice", "bob"]).await;
    let team = alice.get("/v1/groups/team").await.ok();
    assert_eq!(team["ownerID"], "");
    // a work group by default: members add people and edit it, nobody removes from a client
    server.user("carol").await;
    alice
        .post("/v1/groups/team/members", json!({"userIDList": ["carol"]}))
        .await
        .ok();
    alice
        .post(
            "/v1/groups/team/members/remove",
            json!({"userIDList": ["bob"]}),
        )
        .await
        .expect_error(403, 40301, "permission_denied");

    // the backend removes the owner of a client's group: it has no owner after
    let group = alice.create_group(json!({"groupID": "mine", "name": "Mine", "type": "Public", "memberList": [{"userID": "bob"}]})).await;
    assert_eq!(group["ownerID"], "alice");
    manager.remove_members("mine", &["alice"]).await;
    assert_eq!(bob.get("/v1/groups/mine").await.ok()["ownerID"], "");
    // and the backend dismisses any group, a client's included
    manager.dismiss_group("mine").await;
    assert_eq!(bob.get("/v1/groups/mine").await.ok()["isDismissed"], true);
}

#[tokio::test]
async fn a_member_looks_up_named_members_with_their_roles() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let outsider = server.user("carol").await;
    alice
        .create_group(json!({"groupID": "pair", "name": "Pair", "memberList": [{"userID": "bob"}]}))
        .await;
    let path = "/v1/groups/pair/members/profile";
    let found = bob
        .post(
            path,
            json!({"userIDList": ["bob", "nobody", "alice", "carol"]}),
        )
        .await
        .ok();
    let named: Vec<(&str, &str)> = found["memberList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["userID"].as_str().unwrap(), m["role"].as_str().unwrap()))
        .collect();
    assert_eq!(
        named,
        [("bob", "Member"), ("alice", "Owner")],
        "in the order named"
    );
    outsider
        .post(path, json!({"userIDList": ["alice"]}))
        .await
        .expect_error(403, 40301, "permission_denied");
    let many: Vec<String> = (0..51).map(|n| format!("u{n}")).collect();
    bob.post(path, json!({"userIDList": many}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "userIDList");
}

#[tokio::test]
async fn group_tips_are_pushed_and_written_by_the_server_only() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let _carol = server.user("carol").await;
    alice
        .create_group(json!({"groupID": "tips", "name": "Tips", "memberList": [{"userID": "bob"}]}))
        .await;
    let mut bobs_phone = natter_sdk::Chat::login(&server.base, &bob.token)
        .events(0)
        .await
        .unwrap();
    alice
        .post("/v1/groups/tips/members", json!({"userIDList": ["carol"]}))
        .await
        .ok();
    let pushed = event_where(&mut bobs_phone, |event| match event {
        natter_sdk::wire::ServerEvent::MessageReceived { message_list } => Some(message_list),
        _ => None,
    })
    .await;
    assert_eq!(
        (
            pushed[0].message_type.as_str(),
            pushed[0].from.as_str(),
            &pushed[0].payload["userIDList"]
        ),
        ("TIMGroupTipElem", "alice", &json!(["carol"])),
        "members hear of the tip as of any message"
    );
    let listed = find(&bob.list().await, "GROUPtips").cloned().unwrap();
    assert_eq!(listed["lastMessage"]["type"], "TIMGroupTipElem");
    // WuKongIM's clients read it as a system message, which their SDKs word from `extra`
    let synced = server
        .manager()
        .post(
            "/channel/messagesync",
            json!({"login_uid": "bob", "channel_id": "tips", "channel_type": 2,
                "start_message_seq": 0, "end_message_seq": 0, "limit": 1, "pull_mode": 0}),
        )
        .await
        .ok();
    assert_eq!(
        decoded(&synced["messages"][0]),
        json!({"type": 1002, "content": "{0} added {1}",
            "extra": [{"uid": "alice", "name": "alice"}, {"uid": "carol", "name": "carol"}]})
    );

    // no one forges a tip, or a system notice
    for forged in ["TIMGroupTipElem", "TIMGroupSystemNoticeElem"] {
        let error = bob
            .post(
                "/v1/messages",
                json!({"conversationID": "GROUPtips", "type": forged,
                    "payload": {"operationType": 3, "operatorID": "alice", "userIDList": ["carol"]}}),
            )
            .await
            .expect_error(400, 40001, "invalid_argument");
        assert!(
            error.starts_with("type:") && error.contains("server"),
            "{error}"
        );
    }

    // the app backend's changes write none, as WuKongIM's server writes none
    let before = bob.history("GROUPtips").await.len();
    server.manager().remove_members("tips", &["carol"]).await;
    server.manager().add_members("tips", &["carol"]).await;
    assert_eq!(bob.history("GROUPtips").await.len(), before);
}

#[tokio::test]
async fn a_group_keeps_custom_fields_set_by_those_who_edit_it_and_its_tip_names_them() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    let everyone = ["bob", "carol"].map(|uid| json!({"userID": uid}));

    let group = alice
        .create_group(json!({
            "groupID": "club", "name": "Club", "type": "Public", "memberList": everyone,
            "groupCustomField": fields(&[("theme", "dark"), ("empty", "")]),
        }))
        .await;
    assert_eq!(
        group["groupCustomField"],
        fields(&[("theme", "dark")]),
        "an empty value sets nothing"
    );
    assert_eq!(
        bob.get("/v1/groups/club").await.ok()["groupCustomField"],
        fields(&[("theme", "dark")])
    );

    // The owner sets one, changes one and removes none: the tip names what changed.
    let mut bobs_phone = natter_sdk::Chat::login(&server.base, &bob.token)
        .events(0)
        .await
        .unwrap();
    let edited = alice
        .post(
            "/v1/groups/club",
            json!({"groupCustomField": fields(&[("level", "3"), ("theme", "light")])}),
        )
        .await
        .ok();
    assert_eq!(
        edited["groupCustomField"],
        fields(&[("level", "3"), ("theme", "light")]),
        "by key, the others kept"
    );
    let tip = last_tip(&bob, "GROUPclub", "alice").await;
    assert_eq!(tip["operationType"], 6);
    assert_eq!(
        tip["newGroupProfile"],
        json!({"groupCustomField": fields(&[("level", "3"), ("theme", "light")])})
    );
    let pushed = event_where(&mut bobs_phone, |event| match event {
        natter_sdk::wire::ServerEvent::MessageReceived { message_list } => Some(message_list),
        _ => None,
    })
    .await;
    assert_eq!(pushed[0].payload, tip, "members hear of it as of any tip");

    // An empty value removes a field, and the tip says so with an empty value.
    alice
        .post(
            "/v1/groups/club",
            json!({"groupCustomField": fields(&[("level", "")])}),
        )
        .await
        .ok();
    let tip = last_tip(&carol, "GROUPclub", "alice").await;
    assert_eq!(
        tip["newGroupProfile"]["groupCustomField"],
        fields(&[("level", "")])
    );
    let listed = carol.get("/v1/groups").await.ok();
    assert_eq!(
        listed["groupList"][0]["groupCustomField"],
        fields(&[("theme", "light")])
    );

    // Setting what is already there changes nothing and writes no tip.
    let tips_before = carol.history("GROUPclub").await.len();
    alice
        .post(
            "/v1/groups/club",
            json!({"groupCustomField": fields(&[("theme", "light")])}),
        )
        .await
        .ok();
    assert_eq!(carol.history("GROUPclub").await.len(), tips_before);

    // In a public group only the owner and admins edit the profile, custom fields included.
    bob.post(
        "/v1/groups/club",
        json!({"groupCustomField": fields(&[("theme", "red")])}),
    )
    .await
    .expect_error(403, 40301, "permission_denied");
    // A key twice, an empty key, a value over 512 bytes or NUL is refused, naming the field.
    let long = "x".repeat(513);
    for bad in [
        fields(&[("theme", "a"), ("theme", "b")]),
        fields(&[("", "x")]),
        fields(&[("theme", long.as_str())]),
        fields(&[("theme", "a\u{0}b")]),
    ] {
        alice
            .post("/v1/groups/club", json!({"groupCustomField": bad}))
            .await
            .expect_error_naming(400, 40001, "invalid_argument", "groupCustomField");
    }
    // 20 fields at most in all, counting those the group has.
    let many: Vec<(String, String)> = (0..20).map(|n| (format!("k{n}"), "v".into())).collect();
    let many: Vec<(&str, &str)> = many.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    alice
        .post(
            "/v1/groups/club",
            json!({"groupCustomField": fields(&many)}),
        )
        .await
        .expect_error_naming(409, 40901, "conflict", "groupCustomField");
    assert_eq!(
        alice.get("/v1/groups/club").await.ok()["groupCustomField"],
        fields(&[("theme", "light")]),
        "a refused change changes nothing"
    );

    // The app backend sets and reads them too, with no tip.
    manager
        .post(
            "/channel/info",
            json!({"channel_id": "club", "channel_type": 2, "custom_fields": {"tier": "gold", "theme": ""}}),
        )
        .await
        .ok();
    let info = manager
        .get("/channel/info?channel_id=club&channel_type=2")
        .await
        .ok();
    assert_eq!(info["custom_fields"], json!({"tier": "gold"}));
    assert_eq!(
        bob.get("/v1/groups/club").await.ok()["groupCustomField"],
        fields(&[("tier", "gold")])
    );
    assert_eq!(carol.history("GROUPclub").await.len(), tips_before);
}
