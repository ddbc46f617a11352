//! Profiles: the app backend names people and groups, every list that shows them follows at
//! once and through sync, and a group of any size renames itself by changing one row.

use crate::common::{Server, event_where};
use natter_sdk::wire::ServerEvent;
use natter_sdk::{Chat, EventStream};
use serde_json::{Value, json};

async fn profile_event(events: &mut EventStream) -> ServerEvent {
    event_where(events, |event| {
        matches!(event, ServerEvent::ProfileUpdated { .. }).then_some(event)
    })
    .await
}

/// A profile with Tencent's standard fields at their empty values, as a user who set none has.
fn with_empty_details(mut profile: Value) -> Value {
    let empty = json!({"gender": "Gender_Type_Unknown", "birthday": 0, "location": "",
        "selfSignature": "", "language": 0, "level": 0, "role": 0,
        "adminForbidType": "AdminForbid_Type_None"});
    let fields = profile.as_object_mut().unwrap();
    fields.extend(empty.as_object().unwrap().clone());
    profile
}

#[tokio::test]
async fn a_user_profile_reaches_every_list_that_shows_it() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let _carol = server.user("carol").await;
    alice.send_text("C2Cbob", "hi").await;
    let bob_version = bob.sync(0).await["profileVersion"].as_u64().unwrap();
    let mut bobs_events = Chat::login(&server.base, &bob.token)
        .events(0)
        .await
        .unwrap();

    server
        .manager()
        .post(
            "/user/profile",
            json!({"uid": "alice", "nick": "Alice A.", "avatar": "https://example.com/a.png",
                   "custom_fields": {"team": "blue"}}),
        )
        .await
        .ok();

    let ServerEvent::ProfileUpdated {
        user_profile_list, ..
    } = profile_event(&mut bobs_events).await
    else {
        unreachable!()
    };
    assert_eq!(user_profile_list[0].user_id, "alice");
    assert_eq!(user_profile_list[0].nick, "Alice A.");
    let listed = bob.conversation("C2Calice").await.ok();
    assert_eq!(
        listed["userProfile"],
        json!({"userID": "alice", "nick": "Alice A.", "avatar": "https://example.com/a.png"})
    );
    assert_eq!(listed["lastMessage"]["nick"], "Alice A.");
    assert_eq!(bob.history("C2Calice").await[0]["nick"], "Alice A.");
    // An offline device learns it through sync, by the profile version it last saw.
    let synced = bob
        .get(&format!(
            "/v1/conversations/sync?since={}&profileSince={bob_version}",
            bob.version().await
        ))
        .await
        .ok();
    let ids: Vec<&str> = synced["conversationList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|conversation| conversation["conversationID"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["C2Calice"],
        "only the conversation whose profile changed"
    );
    assert!(synced["profileVersion"].as_u64().unwrap() > bob_version);

    // The profile itself, read by anyone, and by the user as their own.
    let profiles = bob
        .post(
            "/v1/profiles",
            json!({"userIDList": ["alice", "nobody", "carol"]}),
        )
        .await
        .ok();
    assert_eq!(
        profiles["profileList"],
        json!([
            with_empty_details(json!({"userID": "alice", "nick": "Alice A.",
                "avatar": "https://example.com/a.png", "customFields": {"team": "blue"},
                "allowType": "AllowType_Type_NeedConfirm"})),
            with_empty_details(json!({"userID": "carol", "nick": "", "avatar": "",
                "customFields": {}, "allowType": "AllowType_Type_NeedConfirm"})),
        ])
    );
    assert_eq!(alice.get("/v1/profile").await.ok()["nick"], "Alice A.");
    // A field left out keeps its value.
    server
        .manager()
        .post("/user/profile", json!({"uid": "alice", "nick": "Al"}))
        .await
        .ok();
    let profile = server.manager().get("/user/profile?uid=alice").await.ok();
    assert_eq!(profile["nick"], "Al");
    assert_eq!(profile["avatar"], "https://example.com/a.png");
}

#[tokio::test]
async fn a_group_renames_itself_in_every_members_list_without_rewriting_their_rows() {
    let server = Server::start().await;
    let manager = server.manager();
    let members = ["alice", "bob", "carol", "dave"];
    let mut users = Vec::new();
    for uid in members {
        users.push(server.user(uid).await);
    }
    manager.create_group("team", &members).await;
    users[0].send_text("GROUPteam", "hello").await;
    let mut carols_events = Chat::login(&server.base, &users[2].token)
        .events(0)
        .await
        .unwrap();
    let rows_before = server.storage().query_number(
        "SELECT CAST(SUM(c.version) AS BIGINT) FROM conversations c JOIN channels ch ON ch.id = c.channel_id \
         WHERE ch.key = 'team'",
    );
    let user_versions_before = server
        .storage()
        .query_number("SELECT CAST(SUM(version) AS BIGINT) FROM users");

    manager
        .post(
            "/channel/info",
            json!({"channel_id": "team", "channel_type": 2, "name": "The Team",
                   "avatar": "https://example.com/t.png", "notice": "Stand-up at 9",
                   "group_type": "Public", "large": 0}),
        )
        .await
        .ok();

    let ServerEvent::ProfileUpdated {
        group_profile_list, ..
    } = profile_event(&mut carols_events).await
    else {
        unreachable!()
    };
    assert_eq!(group_profile_list[0].group_id, "team");
    assert_eq!(group_profile_list[0].name, "The Team");
    for user in &users {
        let listed = user.conversation("GROUPteam").await.ok();
        assert_eq!(
            listed["groupProfile"],
            json!({"groupID": "team", "name": "The Team", "avatar": "https://example.com/t.png",
                   "type": "Public"}),
            "{}",
            user.uid
        );
    }
    assert_eq!(
        server.storage().query_number(
            "SELECT CAST(SUM(c.version) AS BIGINT) FROM conversations c JOIN channels ch ON ch.id = c.channel_id \
             WHERE ch.key = 'team'"
        ),
        rows_before,
        "no member's conversation row was rewritten"
    );
    assert_eq!(
        server
            .storage()
            .query_number("SELECT CAST(SUM(version) AS BIGINT) FROM users"),
        user_versions_before
    );

    let group = users[1].get("/v1/groups/team").await.ok();
    assert_eq!(group["name"], "The Team");
    assert_eq!(group["notification"], "Stand-up at 9");
    assert_eq!(group["memberCount"], 4);
    assert_eq!(group["isDismissed"], false);
    let info = manager
        .get("/channel/info?channel_id=team&channel_type=2")
        .await
        .ok();
    assert_eq!(info["name"], "The Team");
    assert_eq!(info["disband"], 0);
    // Anyone may look up a public group, to find one to join; a work group's profile stays
    // with its members, and unknown groups are 404.
    let outsider = server.user("eve").await;
    assert_eq!(
        outsider.get("/v1/groups/team").await.ok()["name"],
        "The Team"
    );
    manager
        .post(
            "/channel/info",
            json!({"channel_id": "team", "channel_type": 2, "group_type": "Private"}),
        )
        .await
        .ok();
    outsider
        .get("/v1/groups/team")
        .await
        .expect_error(403, 40301, "permission_denied");
    outsider
        .get("/v1/groups/nowhere")
        .await
        .expect_error(404, 40401, "not_found");
}

#[tokio::test]
async fn profile_fields_are_checked() {
    let server = Server::start().await;
    let _alice = server.user("alice").await;
    let manager = server.manager();
    manager.create_group("team", &["alice"]).await;
    for (path, body, field) in [
        (
            "/user/profile",
            json!({"uid": "alice", "nick": "x".repeat(65)}),
            "nick",
        ),
        (
            "/user/profile",
            json!({"uid": "alice", "avatar": "x".repeat(1025)}),
            "avatar",
        ),
        (
            "/user/profile",
            json!({"uid": "alice", "custom_fields": {"": "x"}}),
            "custom_fields",
        ),
        (
            "/channel/info",
            json!({"channel_id": "team", "channel_type": 2, "group_type": "Club"}),
            "group_type",
        ),
        (
            "/channel/info",
            json!({"channel_id": "alice", "channel_type": 1, "name": "x"}),
            "channel_type",
        ),
        (
            "/channel/info",
            json!({"channel_id": "team", "channel_type": 2, "ban": 1}),
            "ban",
        ),
    ] {
        manager
            .post(path, body)
            .await
            .expect_error_naming(400, 40001, "invalid_argument", field);
    }
    manager
        .post("/user/profile", json!({"uid": "ghost", "nick": "G"}))
        .await
        .expect_error(404, 40401, "not_found");
    manager
        .post(
            "/channel/info",
            json!({"channel_id": "nowhere", "channel_type": 2, "name": "N"}),
        )
        .await
        .expect_error(404, 40401, "not_found");
}

#[tokio::test]
async fn a_channel_info_that_changes_nothing_sends_no_profile_update() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let _bob = server.user("bob").await;
    manager.create_group("team", &["alice", "bob"]).await;
    manager
        .post(
            "/channel/info",
            json!({"channel_id": "team", "channel_type": 2, "name": "Team"}),
        )
        .await
        .ok();
    let profile_version = alice.sync(0).await["profileVersion"].as_u64().unwrap();
    let mut events = Chat::login(&server.base, &alice.token)
        .events(0)
        .await
        .unwrap();

    // The name it already has, and `disband`: only the dismissal is news.
    manager
        .post(
            "/channel/info",
            json!({"channel_id": "team", "channel_type": 2, "name": "Team", "disband": 1}),
        )
        .await
        .ok();
    // A profileUpdated would come before the dismissal's notice in @TIM#SYSTEM.
    let mut before_the_notice = Vec::new();
    event_where(&mut events, |event| match event {
        ServerEvent::MessageReceived { message_list }
            if message_list[0].conversation_id == "@TIM#SYSTEM" =>
        {
            Some(())
        }
        other => {
            before_the_notice.push(other);
            None
        }
    })
    .await;
    assert!(
        !before_the_notice
            .iter()
            .any(|event| matches!(event, ServerEvent::ProfileUpdated { .. })),
        "{before_the_notice:?}"
    );
    assert_eq!(
        alice.sync(0).await["profileVersion"].as_u64().unwrap(),
        profile_version,
        "sync has no profile change to report"
    );
    let info = manager
        .get("/channel/info?channel_id=team&channel_type=2")
        .await
        .ok();
    assert_eq!(info["disband"], 1);
    assert_eq!(info["name"], "Team");
}

#[tokio::test]
async fn a_user_profile_that_changes_nothing_sends_no_profile_update() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    let _bob = server.user("bob").await;
    manager
        .post("/user/profile", json!({"uid": "bob", "nick": "Bob"}))
        .await
        .ok();
    alice.send_text("C2Cbob", "hi").await;
    let profile_version = alice.sync(0).await["profileVersion"].as_u64().unwrap();
    let mut events = Chat::login(&server.base, &alice.token)
        .events(0)
        .await
        .unwrap();

    // The nick bob already has: nothing to tell. Then a real change, which is.
    manager
        .post("/user/profile", json!({"uid": "bob", "nick": "Bob"}))
        .await
        .ok();
    assert_eq!(
        alice.sync(0).await["profileVersion"].as_u64().unwrap(),
        profile_version,
        "sync has no profile change to report"
    );
    manager
        .post("/user/profile", json!({"uid": "bob", "nick": "Robert"}))
        .await
        .ok();
    let first_update = event_where(&mut events, |event| match event {
        ServerEvent::ProfileUpdated {
            user_profile_list, ..
        } => Some(user_profile_list),
        _ => None,
    })
    .await;
    assert_eq!(first_update[0].nick, "Robert", "{first_update:?}");
}

/// A user edits their own profile, as Tencent's `updateMyProfile`: the fields given change, the
/// custom fields not given stay, and the peers see it as they see the app backend's changes.
#[tokio::test]
async fn a_user_changes_their_own_profile() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    alice.send_text("C2Cbob", "hi").await;
    server
        .manager()
        .post(
            "/user/profile",
            json!({"uid": "alice", "custom_fields": {"team": "blue"}}),
        )
        .await
        .ok();
    let mut bobs_events = Chat::login(&server.base, &bob.token)
        .events(0)
        .await
        .unwrap();

    let answer = alice
        .post(
            "/v1/profile",
            json!({"nick": "Alice A.", "customFields": {"hobby": "chess"}}),
        )
        .await
        .ok();
    assert_eq!(
        answer,
        with_empty_details(json!({"userID": "alice", "nick": "Alice A.", "avatar": "",
            "customFields": {"hobby": "chess", "team": "blue"},
            "allowType": "AllowType_Type_NeedConfirm"})),
        "the custom field not given is kept; Tencent's standard fields empty until set"
    );
    let ServerEvent::ProfileUpdated {
        user_profile_list, ..
    } = profile_event(&mut bobs_events).await
    else {
        unreachable!()
    };
    assert_eq!(user_profile_list[0].nick, "Alice A.");
    assert_eq!(
        bob.conversation("C2Calice").await.ok()["userProfile"]["nick"],
        "Alice A."
    );

    // Tencent's standard fields: set those given, keep the others, show them to everyone.
    let details = json!({"gender": "Gender_Type_Female", "birthday": 19_990_101,
        "location": "86,440,3,0", "selfSignature": "Climbing on weekends", "language": 1,
        "level": 3, "role": 2});
    alice.post("/v1/profile", details.clone()).await.ok();
    alice
        .post("/v1/profile", json!({"selfSignature": "Chess now"}))
        .await
        .ok();
    let seen = bob
        .post("/v1/profiles", json!({"userIDList": ["alice"]}))
        .await
        .ok();
    let shown = &seen["profileList"][0];
    for (field, value) in details.as_object().unwrap() {
        let expected = if field == "selfSignature" {
            json!("Chess now")
        } else {
            value.clone()
        };
        assert_eq!(shown[field], expected, "{field}");
    }
    for (body, field) in [
        (json!({"gender": "Gender_Type_Other"}), "gender"),
        (json!({"location": "x".repeat(17)}), "location"),
        (json!({"selfSignature": "x".repeat(501)}), "selfSignature"),
        (json!({"birthday": -1}), "birthday"),
        (json!({"messageSettings": 1}), "messageSettings"),
    ] {
        alice.post("/v1/profile", body).await.expect_error_naming(
            400,
            40001,
            "invalid_argument",
            field,
        );
    }
    alice
        .post("/v1/profile", json!({"nick": "x".repeat(65)}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "nick");
    let many: serde_json::Map<String, Value> =
        (0..19).map(|i| (format!("k{i}"), json!("v"))).collect();
    alice
        .post("/v1/profile", json!({"customFields": many}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "customFields");
    assert_eq!(
        alice.get("/v1/profile").await.ok()["customFields"],
        json!({"hobby": "chess", "team": "blue"}),
        "a refused change changes nothing"
    );
}

/// The app backend adding or removing members tells everyone who shows the group, as a
/// member's own changes do, so that member counts follow; adding a member again moves nothing
/// and tells no one.
#[tokio::test]
async fn the_app_backends_member_changes_reach_everyone_showing_the_group() {
    let server = Server::start().await;
    let manager = server.manager();
    let alice = server.user("alice").await;
    server.user("bob").await;
    manager.create_group("team", &["alice"]).await;
    let mut events = Chat::login(&server.base, &alice.token)
        .events(0)
        .await
        .unwrap();
    let group_of = |event: ServerEvent| match event {
        ServerEvent::ProfileUpdated {
            group_profile_list, ..
        } => group_profile_list[0].group_id.clone(),
        other => panic!("{other:?}"),
    };

    manager.add_members("team", &["bob"]).await;
    assert_eq!(group_of(profile_event(&mut events).await), "team");
    // already a member: nothing moved; the removal after it is the next to be told
    manager.add_members("team", &["bob"]).await;
    manager.remove_members("team", &["bob"]).await;
    assert_eq!(group_of(profile_event(&mut events).await), "team");
    manager
        .post(
            "/channel",
            json!({"channel_id": "team", "channel_type": 2, "subscribers": ["alice", "bob"]}),
        )
        .await
        .ok();
    assert_eq!(group_of(profile_event(&mut events).await), "team");
    // nothing after: a rename now is the next event, not a stray one from the re-add
    manager
        .post(
            "/channel/info",
            json!({"channel_id": "team", "channel_type": 2, "name": "Team"}),
        )
        .await
        .ok();
    let ServerEvent::ProfileUpdated {
        group_profile_list, ..
    } = profile_event(&mut events).await
    else {
        unreachable!()
    };
    assert_eq!(group_profile_list[0].name, "Team");
}
