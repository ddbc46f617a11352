//! Friend lists and friend requests (Tencent's `addFriend`, `getFriendList`,
//! `acceptFriendApplication`, …): a user adds another at once or after their consent, as the
//! other's profile says; each list is its owner's; and both users' devices hear their lists
//! change.

use crate::common::{Resp, Server, User, custom_fields as fields, event_where};
use natter_sdk::EventStream;
use natter_sdk::wire::ServerEvent;
use serde_json::{Value, json};

/// The user IDs in the user's friend list, oldest entry first.
async fn friend_ids(user: &User) -> Vec<String> {
    friends(user)
        .await
        .iter()
        .map(|friend| friend["userID"].as_str().unwrap().to_owned())
        .collect()
}

async fn friends(user: &User) -> Vec<Value> {
    user.get("/v1/friends").await.ok()["friendList"]
        .as_array()
        .unwrap()
        .clone()
}

async fn applications(user: &User) -> Value {
    user.get("/v1/friend-applications").await.ok()
}

async fn add(user: &User, to: &str, direction: &str) -> Value {
    user.post(
        "/v1/friends",
        json!({"to": to, "source": "AddSource_Type_Web", "type": direction}),
    )
    .await
    .ok()
}

async fn try_add(user: &User, body: Value) -> Resp {
    user.post("/v1/friends", body).await
}

async fn allow(user: &User, allow_type: &str) {
    let profile = user
        .post("/v1/profile", json!({"allowType": allow_type}))
        .await
        .ok();
    assert_eq!(profile["allowType"], allow_type);
}

/// The relation of each of `others` to `user`, in a check of `direction`.
async fn relations(user: &User, others: &[&str], direction: &str) -> Vec<String> {
    let answer = user
        .post(
            "/v1/friends/check",
            json!({"userIDList": others, "type": direction}),
        )
        .await
        .ok();
    answer["resultList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| {
            let relation = result["relation"].as_str().unwrap();
            relation.trim_start_matches("CheckResult_Type_").to_owned()
        })
        .collect()
}

async fn friend_list_event(events: &mut EventStream) {
    event_where(events, |event| {
        matches!(event, ServerEvent::FriendListUpdated {}).then_some(())
    })
    .await
}

async fn application_event(events: &mut EventStream) {
    event_where(events, |event| {
        matches!(event, ServerEvent::FriendApplicationListUpdated {}).then_some(())
    })
    .await
}

#[tokio::test]
async fn a_user_asks_for_consent_by_default_and_accepting_makes_friends_both_ways() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    assert_eq!(
        bob.get("/v1/profile").await.ok()["allowType"],
        "AllowType_Type_NeedConfirm"
    );
    let mut alices_phone = alice.events().await;
    let mut bobs_phone = bob.events().await;

    let asked = alice
        .post(
            "/v1/friends",
            json!({"to": "bob", "source": "AddSource_Type_Search", "wording": "Hi, it's Alice",
                   "remark": "Bobby"}),
        )
        .await
        .ok();
    assert_eq!(asked, json!({"userID": "bob", "status": "pending"}));
    application_event(&mut bobs_phone).await;
    assert!(friend_ids(&alice).await.is_empty());
    assert!(friend_ids(&bob).await.is_empty());

    let to_bob = applications(&bob).await;
    assert_eq!(to_bob["unreadCount"], 1);
    let request = &to_bob["applicationList"][0];
    assert_eq!(request["userID"], "alice");
    assert_eq!(request["type"], "incoming");
    assert_eq!(request["wording"], "Hi, it's Alice");
    assert_eq!(request["source"], "AddSource_Type_Search");
    let from_alice = applications(&alice).await;
    assert_eq!(
        from_alice["unreadCount"], 0,
        "her own request is not unread"
    );
    assert_eq!(from_alice["applicationList"][0]["userID"], "bob");
    assert_eq!(from_alice["applicationList"][0]["type"], "outgoing");

    bob.post("/v1/friend-applications/read", json!({}))
        .await
        .ok();
    assert_eq!(applications(&bob).await["unreadCount"], 0);

    bob.post(
        "/v1/friend-applications/accept",
        json!({"userID": "alice", "remark": "Al"}),
    )
    .await
    .ok();
    friend_list_event(&mut alices_phone).await;
    let alices = friends(&alice).await;
    assert_eq!(alices.len(), 1);
    assert_eq!(alices[0]["userID"], "bob");
    assert_eq!(alices[0]["remark"], "Bobby", "the name alice asked with");
    assert_eq!(alices[0]["wording"], "Hi, it's Alice");
    assert_eq!(alices[0]["profile"]["userID"], "bob");
    let bobs = friends(&bob).await;
    assert_eq!(bobs[0]["userID"], "alice");
    assert_eq!(bobs[0]["remark"], "Al", "the name bob accepted with");
    assert_eq!(relations(&alice, &["bob"], "both").await, ["BothWay"]);
    for user in [&alice, &bob] {
        let answer = applications(user).await;
        assert_eq!(answer["applicationList"], json!([]), "{}", user.uid);
    }

    // accepting again finds nothing to accept
    bob.post("/v1/friend-applications/accept", json!({"userID": "alice"}))
        .await
        .expect_error(404, 40401, "not_found");
}

#[tokio::test]
async fn accepting_one_way_lists_the_user_in_the_askers_list_only() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    assert_eq!(add(&alice, "bob", "both").await["status"], "pending");
    bob.post(
        "/v1/friend-applications/accept",
        json!({"userID": "alice", "type": "single"}),
    )
    .await
    .ok();
    assert_eq!(friend_ids(&alice).await, ["bob"]);
    assert!(friend_ids(&bob).await.is_empty());
    assert_eq!(relations(&alice, &["bob"], "both").await, ["AWithB"]);
    assert_eq!(relations(&bob, &["alice"], "both").await, ["BWithA"]);
    assert_eq!(relations(&bob, &["alice"], "single").await, ["NoRelation"]);

    // bob has consented already: his add of alice, who asks for consent, takes effect at once
    assert_eq!(add(&bob, "alice", "both").await["status"], "added");
    assert_eq!(relations(&bob, &["alice"], "single").await, ["AWithB"]);
    assert_eq!(relations(&alice, &["bob"], "both").await, ["BothWay"]);
}

#[tokio::test]
async fn anyone_may_add_a_user_who_allows_it_and_single_adds_one_way() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    allow(&bob, "AllowType_Type_AllowAny").await;
    allow(&carol, "AllowType_Type_AllowAny").await;
    let mut bobs_phone = bob.events().await;

    assert_eq!(add(&alice, "bob", "both").await["status"], "added");
    friend_list_event(&mut bobs_phone).await;
    assert_eq!(friend_ids(&bob).await, ["alice"]);
    assert_eq!(add(&alice, "carol", "single").await["status"], "added");
    assert_eq!(friend_ids(&alice).await, ["bob", "carol"]);
    assert!(friend_ids(&carol).await.is_empty());
    assert_eq!(
        relations(&alice, &["bob", "carol", "dave"], "both").await,
        ["BothWay", "AWithB", "NoRelation"]
    );
    assert_eq!(relations(&carol, &["alice"], "both").await, ["BWithA"]);
}

#[tokio::test]
async fn two_users_who_ask_each_other_become_friends() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    assert_eq!(add(&alice, "bob", "both").await["status"], "pending");
    assert_eq!(add(&bob, "alice", "both").await["status"], "added");
    assert_eq!(relations(&alice, &["bob"], "both").await, ["BothWay"]);
    for user in [&alice, &bob] {
        assert_eq!(applications(user).await["applicationList"], json!([]));
    }

    // and at once, from two connections: one asks, the other finds the request and adds
    let carol = server.user("carol").await;
    let dave = server.user("dave").await;
    let (one, other) = tokio::join!(add(&carol, "dave", "both"), add(&dave, "carol", "both"));
    let mut statuses = [one["status"].clone(), other["status"].clone()];
    statuses.sort_by_key(|status| status.to_string());
    assert_eq!(statuses, [json!("added"), json!("pending")]);
    assert_eq!(relations(&carol, &["dave"], "both").await, ["BothWay"]);
    assert_eq!(applications(&dave).await["applicationList"], json!([]));
}

#[tokio::test]
async fn an_add_is_refused_with_the_reason() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let mallory = server.user("mallory").await;
    let hermit = server.user("hermit").await;
    allow(&bob, "AllowType_Type_AllowAny").await;
    allow(&hermit, "AllowType_Type_DenyAny").await;
    let message = try_add(
        &alice,
        json!({"to": "alice", "source": "AddSource_Type_Web"}),
    )
    .await
    .expect_error(400, 40001, "invalid_argument");
    assert!(message.contains("themself"), "{message}");
    for source in ["Web", "AddSource_Type_", "AddSource_Type_TooLongAB"] {
        try_add(&alice, json!({"to": "bob", "source": source}))
            .await
            .expect_error_naming(400, 40001, "invalid_argument", "source");
    }
    try_add(
        &alice,
        json!({"to": "bob", "source": "AddSource_Type_Web", "remark": "r".repeat(97)}),
    )
    .await
    .expect_error_naming(400, 40001, "invalid_argument", "remark");
    try_add(
        &alice,
        json!({"to": "bob", "source": "AddSource_Type_Web", "type": "sideways"}),
    )
    .await
    .expect_error(400, 40001, "invalid_argument");
    try_add(
        &alice,
        json!({"to": "nobody", "source": "AddSource_Type_Web"}),
    )
    .await
    .expect_error_naming(404, 40401, "not_found", "to");
    let message = try_add(
        &alice,
        json!({"to": "hermit", "source": "AddSource_Type_Web"}),
    )
    .await
    .expect_error(403, 40301, "permission_denied");
    assert!(
        message.contains("hermit takes no friend requests"),
        "{message}"
    );

    alice
        .post("/v1/blacklist", json!({"userIDList": ["mallory"]}))
        .await
        .ok();
    let message = try_add(
        &alice,
        json!({"to": "mallory", "source": "AddSource_Type_Web"}),
    )
    .await
    .expect_error(403, 40305, "in_blacklist");
    assert!(message.contains("alice blocks mallory"), "{message}");
    let message = try_add(
        &mallory,
        json!({"to": "alice", "source": "AddSource_Type_Web"}),
    )
    .await
    .expect_error(403, 40305, "in_blacklist");
    assert!(message.contains("alice blocks mallory"), "{message}");
    assert!(applications(&alice).await["applicationList"] == json!([]));

    add(&alice, "bob", "both").await;
    let message = try_add(&alice, json!({"to": "bob", "source": "AddSource_Type_Web"}))
        .await
        .expect_error(409, 40901, "conflict");
    assert!(message.contains("already"), "{message}");
    assert_eq!(friend_ids(&alice).await, ["bob"], "nothing else changed");
}

#[tokio::test]
async fn requests_are_refused_withdrawn_and_asked_again() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let mut alices_phone = alice.events().await;

    add(&alice, "bob", "both").await;
    bob.post(
        "/v1/friend-applications/refuse",
        json!({"userID": "alice", "type": "outgoing"}),
    )
    .await
    .expect_error_naming(400, 40001, "invalid_argument", "type");
    bob.post("/v1/friend-applications/refuse", json!({"userID": "alice"}))
        .await
        .ok();
    application_event(&mut alices_phone).await;
    assert_eq!(applications(&alice).await["applicationList"], json!([]));
    assert!(friend_ids(&alice).await.is_empty());
    bob.post("/v1/friend-applications/refuse", json!({"userID": "alice"}))
        .await
        .expect_error(404, 40401, "not_found");

    // asked again, then withdrawn by the asker
    add(&alice, "bob", "both").await;
    assert_eq!(applications(&bob).await["unreadCount"], 1);
    alice
        .post(
            "/v1/friend-applications/delete",
            json!({"userID": "bob", "type": "outgoing"}),
        )
        .await
        .ok();
    assert_eq!(applications(&bob).await["applicationList"], json!([]));

    // asked again, then deleted by the asked user
    add(&alice, "bob", "both").await;
    bob.post("/v1/friend-applications/delete", json!({"userID": "alice"}))
        .await
        .ok();
    assert_eq!(applications(&alice).await["applicationList"], json!([]));
}

#[tokio::test]
async fn deleting_friends_one_way_or_both_leaves_the_conversation() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    allow(&bob, "AllowType_Type_AllowAny").await;
    allow(&carol, "AllowType_Type_AllowAny").await;
    add(&alice, "bob", "both").await;
    add(&alice, "carol", "both").await;
    alice.send_text("C2Cbob", "hi").await;
    let mut bobs_phone = bob.events().await;

    let answer = alice
        .post("/v1/friends/delete", json!({"userIDList": ["bob", "dave"]}))
        .await
        .ok();
    assert_eq!(answer["successUserIDList"], json!(["bob"]));
    assert_eq!(answer["failureUserIDList"][0]["userID"], "dave");
    friend_list_event(&mut bobs_phone).await;
    assert!(friend_ids(&bob).await.is_empty());
    assert_eq!(friend_ids(&alice).await, ["carol"]);
    assert_eq!(alice.history("C2Cbob").await.len(), 1, "messages stay");
    assert_eq!(bob.unread("C2Calice").await, 1);

    let answer = alice
        .post(
            "/v1/friends/delete",
            json!({"userIDList": ["carol"], "type": "single"}),
        )
        .await
        .ok();
    assert_eq!(answer["successUserIDList"], json!(["carol"]));
    assert!(friend_ids(&alice).await.is_empty());
    assert_eq!(friend_ids(&carol).await, ["alice"], "carol keeps her entry");

    alice
        .post("/v1/friends/delete", json!({"userIDList": []}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "userIDList");
}

#[tokio::test]
async fn a_user_keeps_custom_fields_about_a_friend_in_their_own_list() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    allow(&bob, "AllowType_Type_AllowAny").await;
    add(&alice, "bob", "both").await;
    let update = |body: Value| alice.post("/v1/friends/remark", body);

    let set = update(json!({"userID": "bob",
        "friendCustomField": fields(&[("Tag_SNS_Custom_Met", "2024"), ("Tag_SNS_Custom_City", "Oslo")])}))
    .await
    .ok();
    assert_eq!(
        set["friendCustomField"],
        fields(&[
            ("Tag_SNS_Custom_City", "Oslo"),
            ("Tag_SNS_Custom_Met", "2024")
        ]),
        "by key"
    );
    assert_eq!(set["remark"], "", "the remark left out keeps its value");
    // The others keep their values; an empty value removes one; the remark too at once.
    update(json!({"userID": "bob", "remark": "Bobby",
        "friendCustomField": fields(&[("Tag_SNS_Custom_Met", "")])}))
    .await
    .ok();
    let listed = &friends(&alice).await[0];
    assert_eq!(
        (&listed["remark"], &listed["friendCustomField"]),
        (&json!("Bobby"), &fields(&[("Tag_SNS_Custom_City", "Oslo")]))
    );
    assert_eq!(
        friends(&bob).await[0]["friendCustomField"],
        json!([]),
        "bob's entry is his own"
    );

    // Neither field, a key twice, or more than 20 in all are refused, changing nothing.
    update(json!({"userID": "bob"})).await.expect_error_naming(
        400,
        40001,
        "invalid_argument",
        "friendCustomField",
    );
    update(json!({"userID": "bob",
        "friendCustomField": fields(&[("Tag_SNS_Custom_A", "1"), ("Tag_SNS_Custom_A", "2")])}))
    .await
    .expect_error_naming(400, 40001, "invalid_argument", "friendCustomField");
    let many: Vec<(String, String)> = (0..20).map(|n| (format!("k{n}"), "v".into())).collect();
    let many: Vec<(&str, &str)> = many.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    update(json!({"userID": "bob", "friendCustomField": fields(&many)}))
        .await
        .expect_error_naming(409, 40901, "conflict", "friendCustomField");
    assert_eq!(
        friends(&alice).await[0]["friendCustomField"],
        fields(&[("Tag_SNS_Custom_City", "Oslo")])
    );
    update(json!({"userID": "carol", "friendCustomField": fields(&[("k", "v")])}))
        .await
        .expect_error(404, 40401, "not_found");
}

#[tokio::test]
async fn a_friend_is_renamed_in_the_users_own_list_and_shows_their_profile_as_it_is() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    allow(&bob, "AllowType_Type_AllowAny").await;
    add(&alice, "bob", "both").await;

    let renamed = alice
        .post(
            "/v1/friends/remark",
            json!({"userID": "bob", "remark": "Bobby"}),
        )
        .await
        .ok();
    assert_eq!(renamed["remark"], "Bobby");
    assert_eq!(friends(&alice).await[0]["remark"], "Bobby");
    assert_eq!(
        friends(&bob).await[0]["remark"],
        "",
        "bob's entry is his own"
    );
    alice
        .post(
            "/v1/friends/remark",
            json!({"userID": "carol", "remark": "C"}),
        )
        .await
        .expect_error(404, 40401, "not_found");

    let mut alices_phone = alice.events().await;
    bob.post("/v1/profile", json!({"nick": "Bob B."}))
        .await
        .ok();
    friend_list_event(&mut alices_phone).await;
    assert_eq!(friends(&alice).await[0]["profile"]["nick"], "Bob B.");
    alice
        .post(
            "/v1/profile",
            json!({"allowType": "AllowType_Type_Sometimes"}),
        )
        .await
        .expect_error(400, 40001, "invalid_argument");
}

#[tokio::test]
async fn the_app_backend_imports_and_deletes_friends_asking_no_one() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    let hermit = server.user("hermit").await;
    allow(&hermit, "AllowType_Type_DenyAny").await;
    add(&bob, "alice", "both").await;
    assert_eq!(applications(&alice).await["unreadCount"], 1);
    let mut bobs_phone = bob.events().await;
    let manager = server.manager();

    manager
        .post(
            "/user/friends/import",
            json!({"uid": "alice", "friends": [
                {"uid": "bob", "remark": "Bobby"},
                {"uid": "carol", "source": "AddSource_Type_Team"},
                {"uid": "hermit"}]}),
        )
        .await
        .ok();
    friend_list_event(&mut bobs_phone).await;
    let alices = friends(&alice).await;
    assert_eq!(friend_ids(&alice).await, ["bob", "carol", "hermit"]);
    assert_eq!(alices[0]["remark"], "Bobby");
    assert_eq!(alices[0]["source"], "AddSource_Type_Server");
    assert_eq!(alices[1]["source"], "AddSource_Type_Team");
    assert_eq!(friend_ids(&hermit).await, ["alice"], "no consent asked");
    assert_eq!(
        applications(&alice).await["applicationList"],
        json!([]),
        "bob's request is fulfilled"
    );
    let read = manager.get("/user/friends?uid=carol").await.ok();
    assert_eq!(read["friendList"][0]["userID"], "alice");

    // all or nothing: one unknown friend and nothing is written
    manager
        .post(
            "/user/friends/import",
            json!({"uid": "carol", "friends": [{"uid": "bob"}, {"uid": "nobody"}],
                   "type": "single"}),
        )
        .await
        .expect_error_naming(404, 40401, "not_found", "friends");
    assert_eq!(friend_ids(&carol).await, ["alice"]);
    manager
        .post(
            "/user/friends/import",
            json!({"uid": "carol", "friends": [{"uid": "carol"}]}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "friends");
    manager
        .get("/user/friends?uid=nobody")
        .await
        .expect_error_naming(404, 40401, "not_found", "uid");
    bob.post(
        "/user/friends/import",
        json!({"uid": "bob", "friends": [{"uid": "carol"}]}),
    )
    .await
    .expect_error(403, 40301, "permission_denied");

    manager
        .post(
            "/user/friends/delete",
            json!({"uid": "alice", "friend_uids": ["bob", "dave"], "type": "single"}),
        )
        .await
        .ok();
    assert_eq!(friend_ids(&alice).await, ["carol", "hermit"]);
    assert_eq!(friend_ids(&bob).await, ["alice"], "bob keeps his entry");
    manager
        .post(
            "/user/friends/delete",
            json!({"uid": "alice", "friend_uids": ["carol"]}),
        )
        .await
        .ok();
    assert!(friend_ids(&carol).await.is_empty());
}

async fn friend_groups(user: &User) -> Value {
    user.get("/v1/friend-groups").await.ok()["friendGroupList"].clone()
}

#[tokio::test]
async fn friend_groups_hold_friends_only_and_follow_the_list() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    server.user("dave").await;
    allow(&bob, "AllowType_Type_AllowAny").await;
    let mut alices_phone = alice.events().await;

    // an add may name a group, made on the way
    alice
        .post(
            "/v1/friends",
            json!({"to": "bob", "source": "AddSource_Type_Web", "groupName": "Work"}),
        )
        .await
        .ok();
    event_where(&mut alices_phone, |event| {
        matches!(event, ServerEvent::FriendGroupListUpdated {}).then_some(())
    })
    .await;
    assert_eq!(
        friend_groups(&alice).await,
        json!([{"name": "Work", "userIDList": ["bob"], "count": 1}])
    );
    assert_eq!(friends(&alice).await[0]["groupList"], json!(["Work"]));

    // a request names the group the asker puts the user in once accepted
    alice
        .post(
            "/v1/friends",
            json!({"to": "carol", "source": "AddSource_Type_Web", "groupName": "Family"}),
        )
        .await
        .ok();
    assert_eq!(friend_groups(&alice).await.as_array().unwrap().len(), 1);
    carol
        .post("/v1/friend-applications/accept", json!({"userID": "alice"}))
        .await
        .ok();
    assert_eq!(
        friend_groups(&alice).await[1],
        json!({"name": "Family", "userIDList": ["carol"], "count": 1})
    );

    let made = alice
        .post(
            "/v1/friend-groups",
            json!({"name": "Chess", "userIDList": ["bob", "dave"]}),
        )
        .await
        .ok();
    assert_eq!(made["friendGroup"]["userIDList"], json!(["bob"]));
    assert_eq!(
        made["failureUserIDList"][0]["userID"], "dave",
        "not a friend"
    );
    alice
        .post("/v1/friend-groups", json!({"name": "Chess"}))
        .await
        .expect_error(409, 40901, "conflict");
    let added = alice
        .post(
            "/v1/friend-groups/add",
            json!({"name": "Chess", "userIDList": ["carol"]}),
        )
        .await
        .ok();
    assert_eq!(added["friendGroup"]["userIDList"], json!(["bob", "carol"]));
    let removed = alice
        .post(
            "/v1/friend-groups/remove",
            json!({"name": "Chess", "userIDList": ["bob", "dave"]}),
        )
        .await
        .ok();
    assert_eq!(removed["friendGroup"]["userIDList"], json!(["carol"]));
    assert_eq!(removed["failureUserIDList"][0]["userID"], "dave");
    alice
        .post(
            "/v1/friend-groups/add",
            json!({"name": "Nope", "userIDList": ["bob"]}),
        )
        .await
        .expect_error(404, 40401, "not_found");

    let renamed = alice
        .post(
            "/v1/friend-groups/rename",
            json!({"oldName": "Chess", "newName": "Games"}),
        )
        .await
        .ok();
    assert_eq!(renamed["name"], "Games");
    alice
        .post(
            "/v1/friend-groups/rename",
            json!({"oldName": "Games", "newName": "Work"}),
        )
        .await
        .expect_error(409, 40901, "conflict");
    let carols_entry = &friends(&alice).await[1];
    assert_eq!(carols_entry["groupList"], json!(["Family", "Games"]));

    // a friend who leaves the list leaves its groups; deleting a group keeps its friends
    alice
        .post("/v1/friends/delete", json!({"userIDList": ["carol"]}))
        .await
        .ok();
    let names = |groups: Value| -> Vec<(String, u64)> {
        groups
            .as_array()
            .unwrap()
            .iter()
            .map(|group| {
                let name = group["name"].as_str().unwrap().to_owned();
                (name, group["count"].as_u64().unwrap())
            })
            .collect()
    };
    assert_eq!(
        names(friend_groups(&alice).await),
        [
            ("Work".into(), 1),
            ("Family".into(), 0),
            ("Games".into(), 0)
        ]
    );
    let deleted = alice
        .post("/v1/friend-groups/delete", json!({"name": "Work"}))
        .await
        .ok();
    assert_eq!(deleted["userIDList"], json!(["bob"]));
    assert_eq!(friend_ids(&alice).await, ["bob"]);
    assert_eq!(friends(&alice).await[0]["groupList"], json!([]));
    for bad in [json!({"name": ""}), json!({"name": "x".repeat(31)})] {
        alice
            .post("/v1/friend-groups", bad)
            .await
            .expect_error_naming(400, 40001, "invalid_argument", "name");
    }
}

#[tokio::test]
async fn blocking_ends_the_friendship_and_the_requests_either_way() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    allow(&bob, "AllowType_Type_AllowAny").await;
    add(&alice, "bob", "both").await;
    alice
        .post(
            "/v1/friend-groups",
            json!({"name": "Work", "userIDList": ["bob"]}),
        )
        .await
        .ok();
    add(&carol, "alice", "both").await;
    assert_eq!(applications(&alice).await["unreadCount"], 1);
    let mut bobs_phone = bob.events().await;

    alice
        .post("/v1/blacklist", json!({"userIDList": ["bob", "carol"]}))
        .await
        .ok();
    friend_list_event(&mut bobs_phone).await;
    for user in [&alice, &bob, &carol] {
        assert!(friend_ids(user).await.is_empty(), "{}", user.uid);
        assert_eq!(applications(user).await["applicationList"], json!([]));
    }
    assert_eq!(friend_groups(&alice).await[0]["count"], 0);
    // unblocking does not bring them back; the app backend's block of a user's list does the same
    alice
        .post("/v1/blacklist/remove", json!({"userIDList": ["bob"]}))
        .await
        .ok();
    assert!(friend_ids(&alice).await.is_empty());
    add(&alice, "bob", "both").await;
    server
        .manager()
        .post(
            "/channel/blacklist_add",
            json!({"channel_id": "bob", "channel_type": 1, "uids": ["alice"]}),
        )
        .await
        .ok();
    assert!(friend_ids(&alice).await.is_empty());
    assert!(friend_ids(&bob).await.is_empty());
}

/// The app backend forbids a user to send friend requests (Tencent's
/// `AdminForbid_Type_SendOut`): their adds are refused, requests sent to them they still accept,
/// they cannot lift it themselves, and it shows in their profile.
#[tokio::test]
async fn a_user_the_app_forbids_to_ask_only_accepts() {
    let server = Server::start().await;
    let [spammer, bob, carol, dave] = server.users(["spammer", "bob", "carol", "dave"]).await;
    allow(&bob, "AllowType_Type_AllowAny").await;
    let manager = server.manager();
    let forbid = |forbid_type: &'static str| {
        manager.post(
            "/user/profile",
            json!({"uid": "spammer", "admin_forbid_type": forbid_type}),
        )
    };
    forbid("AdminForbid_Type_SendOut").await.ok();
    let shown = bob
        .post("/v1/profiles", json!({"userIDList": ["spammer"]}))
        .await
        .ok();
    assert_eq!(
        shown["profileList"][0]["adminForbidType"],
        "AdminForbid_Type_SendOut"
    );

    let refused = try_add(
        &spammer,
        json!({"to": "bob", "source": "AddSource_Type_Web"}),
    )
    .await
    .expect_error(403, 40301, "permission_denied");
    assert!(refused.contains("adminForbidType"), "{refused}");
    assert!(friend_ids(&bob).await.is_empty());
    // A request sent to them, they accept by adding back.
    add(&carol, "spammer", "both").await;
    assert_eq!(add(&spammer, "carol", "both").await["status"], "added");
    assert_eq!(friend_ids(&spammer).await, ["carol"]);
    add(&dave, "spammer", "both").await;
    spammer
        .post(
            "/v1/friend-applications/accept",
            json!({"userID": "dave", "type": "both"}),
        )
        .await
        .ok();
    assert_eq!(friend_ids(&spammer).await, ["carol", "dave"]);
    // They cannot lift it themselves.
    spammer
        .post(
            "/v1/profile",
            json!({"adminForbidType": "AdminForbid_Type_None"}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "adminForbidType");

    forbid("AdminForbid_Type_None").await.ok();
    assert_eq!(add(&spammer, "bob", "both").await["status"], "added");
    manager
        .post(
            "/user/profile",
            json!({"uid": "spammer", "admin_forbid_type": "sometimes"}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "admin_forbid_type");
}
