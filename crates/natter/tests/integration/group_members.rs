//! What sets a group member apart, as Tencent's `setGroupMemberRole`, `setGroupMemberMuteTime`
//! and `setGroupMemberNameCard` set it from a client: admins who run the group beside its owner,
//! mutes that refuse a member's sends until they end, and name cards.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::common::{User, custom_fields as fields, group_path};
use serde_json::{Value, json};

const UPDATE: &str = "/members/update";

/// `by` changes a member of `group`; the answer's body when it succeeds.
async fn update(by: &User, group: &str, body: Value) -> Value {
    by.post(&group_path(group, UPDATE), body).await.ok()
}

/// The payload of the newest message `user` sees in the conversation, which must be a group tip.
async fn last_tip(user: &User, conversation: &str) -> Value {
    let history = user.history(conversation).await;
    let last = history.last().expect("a tip");
    assert_eq!(last["type"], "TIMGroupTipElem", "{last}");
    last["payload"].clone()
}

async fn last_notice(user: &User) -> Value {
    user.history("@TIM#SYSTEM").await.last().expect("a notice")["payload"].clone()
}

/// `(userID, role, muted, nameCard)` of every member, as a member sees them.
async fn members(user: &User, group: &str) -> Vec<(String, String, bool, String)> {
    user.group_members(group)
        .await
        .iter()
        .map(|member| {
            let field = |name: &str| member[name].as_str().unwrap().to_owned();
            let muted = member["muteUntil"].as_u64().unwrap() > 0;
            (field("userID"), field("role"), muted, field("nameCard"))
        })
        .collect()
}

/// A meeting group, "room", of its owner and bob: a group whose owner may name admins and mute.
fn room_with_bob() -> Value {
    json!({"groupID": "room", "name": "Room", "type": "ChatRoom", "memberList": [{"userID": "bob"}]})
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn the_owner_names_admins_who_run_the_group_beside_her_but_only_over_members() {
    let server = crate::common::Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    let dave = server.user("dave").await;
    let everyone = ["bob", "carol", "dave"].map(|uid| json!({"userID": uid}));
    alice
        .create_group(
            json!({"groupID": "club", "name": "Club", "type": "Public", "memberList": everyone}),
        )
        .await;

    // the owner names bob an admin: the tip tells the group, a notice tells bob
    let named = update(&alice, "club", json!({"userID": "bob", "role": "Admin"})).await;
    assert_eq!(
        (
            named["member"]["role"].as_str(),
            named["group"]["selfRole"].as_str()
        ),
        (Some("Admin"), Some("Owner"))
    );
    let tip = last_tip(&carol, "GROUPclub").await;
    assert_eq!(
        (
            &tip["operationType"],
            &tip["operatorID"],
            &tip["userIDList"]
        ),
        (&json!(4), &json!("alice"), &json!(["bob"]))
    );
    assert_eq!(
        last_notice(&bob).await,
        json!({"type": "groupAdminSet", "groupID": "club", "operatorID": "alice"})
    );
    assert_eq!(bob.get("/v1/groups/club").await.ok()["selfRole"], "Admin");
    let roles: Vec<(String, String)> = members(&carol, "club")
        .await
        .into_iter()
        .map(|(uid, role, _, _)| (uid, role))
        .collect();
    assert_eq!(
        roles,
        [
            ("alice", "Owner"),
            ("bob", "Admin"),
            ("carol", "Member"),
            ("dave", "Member")
        ]
        .map(|(uid, role)| (uid.to_owned(), role.to_owned()))
    );
    let path = group_path("club", UPDATE);
    bob.post(&path, json!({"userID": "carol", "role": "Admin"}))
        .await
        .expect_error(403, 40301, "permission_denied");
    carol
        .post(&path, json!({"userID": "dave", "muteTime": 60}))
        .await
        .expect_error(403, 40301, "permission_denied");

    // an admin mutes a member: her sends are refused until he unmutes her
    let muted = update(&bob, "club", json!({"userID": "carol", "muteTime": 600})).await;
    let until = muted["member"]["muteUntil"].as_u64().unwrap();
    assert!(
        (now_secs() + 590..=now_secs() + 610).contains(&until),
        "{until}"
    );
    let tip = last_tip(&alice, "GROUPclub").await;
    assert_eq!(
        (&tip["operationType"], &tip["memberList"][0]["muteTime"]),
        (&json!(7), &json!(600))
    );
    carol
        .try_send("GROUPclub", json!({"text": "hello?"}))
        .await
        .expect_error(403, 40307, "muted");
    dave.send_text("GROUPclub", "others still talk").await;
    update(&bob, "club", json!({"userID": "carol", "muteTime": 0})).await;
    assert_eq!(
        last_tip(&carol, "GROUPclub").await["memberList"][0]["muteTime"],
        0
    );
    carol.send_text("GROUPclub", "back").await;

    // an admin acts on ordinary members only
    update(&alice, "club", json!({"userID": "dave", "role": "Admin"})).await;
    for body in [
        json!({"userID": "dave", "muteTime": 60}),
        json!({"userID": "alice", "muteTime": 60}),
        json!({"userID": "dave", "nameCard": "D"}),
    ] {
        bob.post(&path, body.clone())
            .await
            .expect_error(403, 40301, "permission_denied");
    }
    bob.post(
        &group_path("club", "/members/remove"),
        json!({"userIDList": ["dave"]}),
    )
    .await
    .expect_error(403, 40301, "permission_denied");
    bob.post("/v1/groups/club", json!({"notification": "be kind"}))
        .await
        .ok();

    // an admin hears of requests to join and answers them
    let eve = server.user("eve").await;
    eve.post("/v1/groups/club/join", json!({"applyMessage": "hi"}))
        .await
        .ok();
    for manager in [&alice, &bob, &dave] {
        assert_eq!(last_notice(manager).await["type"], "groupJoinRequest");
    }
    assert_eq!(
        bob.get("/v1/group-applications").await.ok()["applicationList"][0]["applicant"],
        "eve"
    );
    bob.post(
        "/v1/groups/club/applications/handle",
        json!({"applicant": "eve", "handleAction": "Agree"}),
    )
    .await
    .ok();
    bob.post(
        &group_path("club", "/members/remove"),
        json!({"userIDList": ["eve"]}),
    )
    .await
    .ok();

    // unnamed, bob is an ordinary member again
    update(&alice, "club", json!({"userID": "bob", "role": "Member"})).await;
    assert_eq!(last_tip(&carol, "GROUPclub").await["operationType"], 5);
    assert_eq!(last_notice(&bob).await["type"], "groupAdminCanceled");
    bob.post(&path, json!({"userID": "carol", "muteTime": 60}))
        .await
        .expect_error(403, 40301, "permission_denied");
    alice
        .post(&path, json!({"userID": "alice", "role": "Member"}))
        .await
        .expect_error(403, 40301, "permission_denied");
}

#[tokio::test]
async fn leaving_ends_what_set_a_member_apart_and_tells_the_quitters_devices() {
    let server = crate::common::Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    alice.create_group(room_with_bob()).await;
    update(
        &alice,
        "room",
        json!({"userID": "bob", "role": "Admin", "muteTime": 600, "nameCard": "Bobby"}),
    )
    .await;
    assert_eq!(
        members(&alice, "room").await[1],
        (
            "bob".to_owned(),
            "Admin".to_owned(),
            true,
            "Bobby".to_owned()
        )
    );
    let unread_before = bob.unread("@TIM#SYSTEM").await;
    bob.post("/v1/groups/room/leave", json!({})).await.ok();
    assert_eq!(
        last_notice(&bob).await,
        json!({"type": "groupQuit", "groupID": "room", "operatorID": "bob"})
    );
    assert_eq!(
        bob.unread("@TIM#SYSTEM").await,
        unread_before,
        "their own quitting is no news to them"
    );
    bob.post("/v1/groups/room/join", json!({})).await.ok();
    assert_eq!(
        members(&alice, "room").await[1],
        ("bob".to_owned(), "Member".to_owned(), false, String::new())
    );
    bob.send_text("GROUProom", "no longer muted").await;
}

#[tokio::test]
async fn a_mute_ends_by_itself() {
    let server = crate::common::Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    alice.create_group(room_with_bob()).await;
    update(&alice, "room", json!({"userID": "bob", "muteTime": 1})).await;
    bob.try_send("GROUProom", json!({"text": "now?"}))
        .await
        .expect_error(403, 40307, "muted");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    bob.send_text("GROUProom", "now").await;
    assert!(!members(&alice, "room").await[1].2, "shown unmuted");
}

#[tokio::test]
async fn muted_for_all_a_group_hears_only_its_owner_and_admins() {
    let server = crate::common::Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    let everyone = ["bob", "carol"].map(|uid| json!({"userID": uid}));
    alice
        .create_group(
            json!({"groupID": "room", "name": "Room", "type": "ChatRoom",
            "memberList": everyone}),
        )
        .await;
    update(&alice, "room", json!({"userID": "bob", "role": "Admin"})).await;
    carol
        .post("/v1/groups/room", json!({"muteAllMembers": true}))
        .await
        .expect_error(403, 40301, "permission_denied");
    let hushed = bob
        .post("/v1/groups/room", json!({"muteAllMembers": true}))
        .await
        .ok();
    assert_eq!(hushed["muteAllMembers"], true);
    assert_eq!(
        last_tip(&carol, "GROUProom").await["newGroupProfile"],
        json!({"muteAllMembers": true})
    );
    let refused = carol
        .try_send("GROUProom", json!({"text": "hello?"}))
        .await
        .expect_error(403, 40307, "muted");
    assert!(refused.contains("muted for all"), "{refused}");
    alice.send_text("GROUProom", "the owner speaks").await;
    bob.send_text("GROUProom", "and the admin").await;
    alice
        .post("/v1/groups/room", json!({"muteAllMembers": false}))
        .await
        .ok();
    assert_eq!(
        last_tip(&carol, "GROUProom").await["newGroupProfile"],
        json!({"muteAllMembers": false})
    );
    carol.send_text("GROUProom", "at last").await;
    assert_eq!(
        carol.get("/v1/groups/room").await.ok()["muteAllMembers"],
        false
    );

    // a work group mutes no one, all at once neither
    alice
        .create_group(json!({"groupID": "team", "name": "Team", "memberList": everyone}))
        .await;
    alice
        .post("/v1/groups/team", json!({"muteAllMembers": true}))
        .await
        .expect_error(403, 40301, "permission_denied");
}

#[tokio::test]
async fn a_work_group_has_no_admins_and_no_mutes_but_name_cards() {
    let server = crate::common::Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    alice
        .create_group(json!({"groupID": "team", "name": "Team",
            "memberList": [{"userID": "bob"}, {"userID": "carol"}]}))
        .await;
    let path = group_path("team", UPDATE);
    for body in [
        json!({"userID": "bob", "role": "Admin"}),
        json!({"userID": "bob", "muteTime": 60}),
    ] {
        alice
            .post(&path, body)
            .await
            .expect_error(403, 40301, "permission_denied");
    }
    let own = update(&bob, "team", json!({"userID": "bob", "nameCard": "Bobby"})).await;
    assert_eq!(own["member"]["nameCard"], "Bobby");
    // the group as bob reads it says his own name card (Tencent's selfInfo.nameCard)
    assert_eq!(own["group"]["selfNameCard"], "Bobby");
    let seen = bob.get(&group_path("team", "")).await.ok();
    assert_eq!(seen["selfNameCard"], "Bobby");
    let listed = bob.get("/v1/groups").await.ok();
    assert_eq!(listed["groupList"][0]["selfNameCard"], "Bobby");
    assert_eq!(
        alice.get(&group_path("team", "")).await.ok()["selfNameCard"],
        "",
        "alice has none"
    );
    carol
        .post(&path, json!({"userID": "bob", "nameCard": "B"}))
        .await
        .expect_error(403, 40301, "permission_denied");
    update(
        &alice,
        "team",
        json!({"userID": "carol", "nameCard": "Caz"}),
    )
    .await;
    let cards: Vec<String> = members(&bob, "team")
        .await
        .into_iter()
        .map(|(_, _, _, card)| card)
        .collect();
    assert_eq!(cards, ["", "Bobby", "Caz"]);

    // bad input names what is wrong
    for (body, field) in [
        (json!({"userID": "bob"}), "nameCard"),
        (json!({"userID": "bob", "role": "Owner"}), "role"),
        (
            json!({"userID": "bob", "nameCard": "x".repeat(51)}),
            "nameCard",
        ),
        (json!({"userID": "bob", "muteTime": 1u64 << 32}), "muteTime"),
        (json!({"userID": "nobody", "nameCard": "N"}), "userID"),
        (json!({"userID": "bob", "colour": "red"}), "colour"),
    ] {
        alice
            .post(&path, body)
            .await
            .expect_error_naming(400, 40001, "invalid_argument", field);
    }
    alice
        .post(
            &group_path("nowhere", UPDATE),
            json!({"userID": "bob", "nameCard": "N"}),
        )
        .await
        .expect_error(404, 40401, "not_found");
}

#[tokio::test]
async fn the_app_backend_runs_the_members_of_a_group_it_made() {
    let server = crate::common::Server::start().await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    let manager = server.manager();
    manager.create_group("club", &["bob", "carol"]).await;
    manager
        .post(
            "/channel/info",
            json!({"channel_id": "club", "channel_type": 2, "group_type": "Public"}),
        )
        .await
        .ok();
    let path = |group: &str| format!("/groups/{group}/members/update");

    let admin = manager
        .post(
            &path("club"),
            json!({"userID": "bob", "role": "Admin", "nameCard": "Bobby"}),
        )
        .await
        .ok();
    assert_eq!(
        (&admin["userID"], &admin["role"], &admin["nameCard"]),
        (&json!("bob"), &json!("Admin"), &json!("Bobby"))
    );
    let notice = last_notice(&bob).await;
    assert_eq!(notice["type"], "groupAdminSet");
    assert!(
        notice.get("operator").is_none_or(Value::is_null),
        "{notice}"
    );
    // no tip: the app backend's changes write none
    assert!(bob.history("GROUPclub").await.is_empty());

    manager
        .post(&path("club"), json!({"userID": "carol", "muteTime": 600}))
        .await
        .ok();
    carol
        .try_send("GROUPclub", json!({"text": "hi"}))
        .await
        .expect_error(403, 40307, "muted");
    // the admin the app named runs the group from a client
    update(&bob, "club", json!({"userID": "carol", "muteTime": 0})).await;
    carol.send_text("GROUPclub", "back").await;
    assert_eq!(
        members(&bob, "club").await,
        [
            ("bob".into(), "Admin".into(), false, "Bobby".into()),
            ("carol".into(), "Member".into(), false, String::new()),
        ]
    );

    // the group's type still rules, and only members are changed
    manager.create_group("work", &["bob"]).await;
    manager
        .post(&path("work"), json!({"userID": "bob", "role": "Admin"}))
        .await
        .expect_error(403, 40301, "permission_denied");
    manager
        .post(&path("club"), json!({"userID": "dave", "nameCard": "D"}))
        .await
        .expect_error(400, 40001, "invalid_argument");
    bob.post(&path("club"), json!({"userID": "carol", "nameCard": "C"}))
        .await
        .expect_error(403, 40301, "permission_denied");
}

#[tokio::test]
async fn members_set_their_own_custom_fields_and_the_owner_those_of_members() {
    let server = crate::common::Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    let everyone = ["bob", "carol"].map(|uid| json!({"userID": uid}));
    alice
        .create_group(
            json!({"groupID": "club", "name": "Club", "type": "Public", "memberList": everyone}),
        )
        .await;

    let own = update(
        &bob,
        "club",
        json!({"userID": "bob", "memberCustomField": fields(&[("team", "blue"), ("level", "3")])}),
    )
    .await;
    assert_eq!(
        own["member"]["memberCustomField"],
        fields(&[("level", "3"), ("team", "blue")]),
        "by key"
    );
    // The owner changes bob's; an empty value removes a field; others see it in the list.
    update(
        &alice,
        "club",
        json!({"userID": "bob", "memberCustomField": fields(&[("level", ""), ("badge", "gold")])}),
    )
    .await;
    let listed = carol.group_members("club").await;
    let bobs = listed.iter().find(|m| m["userID"] == "bob").unwrap();
    assert_eq!(
        bobs["memberCustomField"],
        fields(&[("badge", "gold"), ("team", "blue")])
    );
    let carols = listed.iter().find(|m| m["userID"] == "carol").unwrap();
    assert_eq!(carols["memberCustomField"], json!([]));

    // A plain member sets no one else's; a key twice, or a bad key, is refused.
    bob.post(
        &group_path("club", UPDATE),
        json!({"userID": "carol", "memberCustomField": fields(&[("team", "red")])}),
    )
    .await
    .expect_error(403, 40301, "permission_denied");
    for bad in [
        fields(&[("team", "red"), ("team", "blue")]),
        fields(&[("", "x")]),
    ] {
        bob.post(
            &group_path("club", UPDATE),
            json!({"userID": "bob", "memberCustomField": bad}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "memberCustomField");
    }
}

/// Each member's `joinTime` (Tencent's) is when they joined, in Unix seconds; one who leaves and
/// joins again has the time of the new join.
#[tokio::test]
async fn a_members_join_time_is_when_they_joined_this_time() {
    let server = crate::common::Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let before = now_secs();
    alice.create_group(room_with_bob()).await;
    let after = now_secs();
    let join_times = |members: Vec<Value>| -> Vec<u64> {
        members
            .iter()
            .map(|member| member["joinTime"].as_u64().unwrap())
            .collect()
    };
    let first = join_times(alice.group_members("room").await);
    assert!(
        first.iter().all(|time| (before..=after).contains(time)),
        "{first:?} within {before}..={after}"
    );

    // A second later, bob leaves and comes back: his time is the new join's, alice's stays.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    bob.post("/v1/groups/room/leave", json!({})).await.ok();
    bob.post("/v1/groups/room/join", json!({})).await.ok();
    let again = join_times(bob.group_members("room").await);
    assert_eq!(again[0], first[0], "alice did not join again");
    assert!(
        again[1] > first[1],
        "bob's rejoin: {again:?} after {first:?}"
    );

    // Each sees their own in the group's selfJoinTime (Tencent's selfInfo.joinTime), in the
    // group and in their group list.
    let group = bob.get("/v1/groups/room").await.ok();
    assert_eq!(group["selfJoinTime"], again[1]);
    let listed = alice.get("/v1/groups").await.ok();
    assert_eq!(listed["groupList"][0]["selfJoinTime"], first[0]);
}

/// `role` lists the members of one role, paged among themselves (Tencent's getGroupMemberList
/// filter): a page of members is full even when the owner and an admin sort before them.
#[tokio::test]
async fn members_of_one_role_page_among_themselves() {
    let server = crate::common::Server::start().await;
    let alice = server.user("alice").await;
    for uid in ["bob", "carol", "dave"] {
        server.user(uid).await;
    }
    alice
        .create_group(json!({"groupID": "club", "name": "Club", "type": "Public",
            "memberList": [{"userID": "bob"}, {"userID": "carol"}, {"userID": "dave"}]}))
        .await;
    update(&alice, "club", json!({"userID": "bob", "role": "Admin"})).await;
    let page = |query: &'static str| {
        let alice = &alice;
        async move {
            let page = alice
                .get(&format!("{}?{query}", group_path("club", "/members")))
                .await
                .ok();
            let uids: Vec<String> = page["memberList"]
                .as_array()
                .unwrap()
                .iter()
                .map(|member| member["userID"].as_str().unwrap().to_owned())
                .collect();
            (uids, page["offset"].as_u64().unwrap())
        }
    };
    assert_eq!(page("role=Member&count=1").await, (vec!["carol".into()], 1));
    assert_eq!(
        page("role=Member&count=1&offset=1").await,
        (vec!["dave".into()], 2)
    );
    assert_eq!(page("role=Member&count=1&offset=2").await, (Vec::new(), 0));
    assert_eq!(page("role=Admin").await, (vec!["bob".into()], 0));
    assert_eq!(page("role=Owner").await, (vec!["alice".into()], 0));
    alice
        .get(&format!("{}?role=Boss", group_path("club", "/members")))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "role");
}

/// The owner of an audio-video group marks members (Tencent's `markGroupMemberList`); a member
/// list filtered by the mark lists them; users who are not members are listed apart; leaving
/// drops a member's marks; the limits and who may mark are Tencent's.
#[tokio::test]
async fn an_audio_video_rooms_owner_marks_members_and_lists_them_by_mark() {
    let server = crate::common::Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    alice
        .create_group(json!({"groupID": "live", "name": "Live", "type": "AVChatRoom"}))
        .await;
    for viewer in [&bob, &carol] {
        viewer
            .post(&group_path("live", "/join"), json!({}))
            .await
            .ok();
    }
    let mark = |by: &crate::common::User, body: Value| {
        let path = group_path("live", "/members/mark");
        let by = by.clone();
        async move { by.post(&path, body).await }
    };
    let marked = mark(
        &alice,
        json!({"userIDList": ["bob", "dave"], "markType": 1001, "enableMark": true}),
    )
    .await
    .ok();
    assert_eq!(
        marked,
        json!({"successUserIDList": ["bob"], "failureUserIDList": ["dave"]})
    );
    let with_mark = |mark: u64| {
        let alice = alice.clone();
        async move {
            let page = alice
                .get(&format!("{}?filter={mark}", group_path("live", "/members")))
                .await
                .ok();
            page["memberList"]
                .as_array()
                .unwrap()
                .iter()
                .map(|member| member["userID"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(with_mark(1001).await, ["bob"]);
    assert_eq!(with_mark(1002).await, Vec::<String>::new());
    alice
        .get(&format!("{}?filter=7", group_path("live", "/members")))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "filter");
    assert_eq!(
        alice.group_members("live").await.len(),
        3,
        "no filter: everyone"
    );

    // Taking it off; leaving drops the marks.
    mark(
        &alice,
        json!({"userIDList": ["bob", "carol"], "markType": 1001, "enableMark": false}),
    )
    .await
    .ok();
    assert_eq!(with_mark(1001).await, Vec::<String>::new());
    mark(
        &alice,
        json!({"userIDList": ["carol"], "markType": 1003, "enableMark": true}),
    )
    .await
    .ok();
    carol
        .post(&group_path("live", "/leave"), json!({}))
        .await
        .ok();
    carol
        .post(&group_path("live", "/join"), json!({}))
        .await
        .ok();
    assert_eq!(with_mark(1003).await, Vec::<String>::new());

    // Who may mark, and what.
    mark(
        &bob,
        json!({"userIDList": ["carol"], "markType": 1001, "enableMark": true}),
    )
    .await
    .expect_error(403, 40301, "permission_denied");
    mark(
        &alice,
        json!({"userIDList": ["bob"], "markType": 999, "enableMark": true}),
    )
    .await
    .expect_error_naming(400, 40001, "invalid_argument", "markType");
    for extra in 1010..1020 {
        mark(
            &alice,
            json!({"userIDList": ["bob"], "markType": extra, "enableMark": true}),
        )
        .await
        .ok();
    }
    mark(
        &alice,
        json!({"userIDList": ["bob"], "markType": 1020, "enableMark": true}),
    )
    .await
    .expect_error_naming(400, 40001, "invalid_argument", "10 marks");
    alice
        .create_group(json!({"groupID": "club", "name": "Club", "type": "Public"}))
        .await;
    let club = alice
        .get(&format!("{}?filter=1010", group_path("club", "/members")))
        .await
        .ok();
    assert_eq!(
        club["memberList"].as_array().unwrap().len(),
        1,
        "a mark filter is set aside outside audio-video groups"
    );
    alice
        .post(
            &group_path("club", "/members/mark"),
            json!({"userIDList": ["alice"], "markType": 1001, "enableMark": true}),
        )
        .await
        .expect_error_naming(403, 40301, "permission_denied", "AVChatRoom");
}
