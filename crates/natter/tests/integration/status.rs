//! User status (Tencent's `setSelfStatus`, `getUserStatus`, `subscribeUserStatus`,
//! `unsubscribeUserStatus`): a user is online while a connection of theirs is open, offline
//! while signed in with none open, unlogined when no device is signed in; the status they
//! choose is kept until changed; their own devices and their subscribers hear every change, in
//! versions.

use crate::common::{Server, User, event_where};
use natter_sdk::EventStream;
use natter_sdk::wire::{ServerEvent, UserStatus};
use serde_json::{Value, json};

const ONLINE: u8 = 1;
const OFFLINE: u8 = 2;
const UNLOGINED: u8 = 3;

/// The next status `events` hears of `uid`.
async fn status_event(events: &mut EventStream, uid: &str) -> UserStatus {
    event_where(events, |event| match event {
        ServerEvent::UserStatusUpdated { user_status_list } => user_status_list
            .into_iter()
            .find(|status| status.user_id == uid),
        _ => None,
    })
    .await
}

/// The next status `events` hears of anyone.
async fn any_status_event(events: &mut EventStream) -> UserStatus {
    event_where(events, |event| match event {
        ServerEvent::UserStatusUpdated {
            mut user_status_list,
        } => user_status_list.pop(),
        _ => None,
    })
    .await
}

async fn statuses(user: &User, uids: &[&str]) -> Value {
    user.post("/v1/user-status", json!({"userIDList": uids}))
        .await
        .ok()
}

async fn subscribe(user: &User, uids: &[&str]) -> Value {
    user.post("/v1/user-status/subscribe", json!({"userIDList": uids}))
        .await
        .ok()
}

async fn set_custom(user: &User, custom: &str) -> Value {
    user.post("/v1/user-status/self", json!({"customStatus": custom}))
        .await
        .ok()
}

#[tokio::test]
async fn a_user_is_online_while_connected_offline_while_signed_in_and_unlogined_without_a_device() {
    let server = Server::start().await;
    let [alice, bob] = server.users(["alice", "bob"]).await;
    // zed exists (a group member) but never had a device.
    server.manager().create_group("team", &["bob", "zed"]).await;
    let answer = statuses(&bob, &["alice", "zed", "bob", "nobody", "not a user"]).await;
    let success = answer["successUserList"].as_array().unwrap();
    assert_eq!(
        success
            .iter()
            .map(|status| (
                status["userID"].as_str().unwrap(),
                status["statusType"].as_u64().unwrap()
            ))
            .collect::<Vec<_>>(),
        [("alice", 2), ("zed", 3), ("bob", 2)],
        "in the order asked; nobody is connected yet"
    );
    assert_eq!(success[0]["customStatus"], "");
    let failures: Vec<&str> = answer["failureUserList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|failure| failure["userID"].as_str().unwrap())
        .collect();
    assert_eq!(failures, ["nobody", "not a user"], "in the order asked");

    subscribe(&bob, &["alice"]).await;
    let mut bobs = bob.events().await;
    let alices = alice.events().await;
    let online = status_event(&mut bobs, "alice").await;
    assert_eq!(online.status_type, ONLINE);
    let answer = statuses(&bob, &["alice"]).await;
    assert_eq!(answer["successUserList"][0]["statusType"], ONLINE);
    assert_eq!(answer["successUserList"][0]["version"], online.version);

    drop(alices);
    let offline = status_event(&mut bobs, "alice").await;
    assert_eq!(offline.status_type, OFFLINE, "her token is still good");
    assert!(offline.version > online.version);

    // Signed out of every device: unlogined.
    server.manager().sign_out("alice", -1).await;
    let answer = statuses(&bob, &["alice"]).await;
    assert_eq!(answer["successUserList"][0]["statusType"], UNLOGINED);
}

#[tokio::test]
async fn the_chosen_status_reaches_the_users_devices_and_subscribers_until_they_go_offline() {
    let server = Server::start().await;
    let [alice, bob, carol] = server.users(["alice", "bob", "carol"]).await;
    subscribe(&bob, &["alice"]).await;
    let mut bobs = bob.events().await;
    let mut carols = carol.events().await;
    let mut alices = alice.events().await;
    let online = status_event(&mut bobs, "alice").await;

    let answer = set_custom(&alice, "in a meeting").await;
    assert_eq!(answer["userID"], "alice");
    assert_eq!(answer["statusType"], ONLINE);
    assert_eq!(answer["customStatus"], "in a meeting");
    for events in [&mut bobs, &mut alices] {
        let heard = loop {
            let heard = status_event(events, "alice").await;
            if heard.custom_status == "in a meeting" {
                break heard;
            }
        };
        assert_eq!(heard.status_type, ONLINE);
        assert!(heard.version > online.version);
        assert_eq!(Value::from(heard.version), answer["version"]);
    }
    // carol did not subscribe: the next status she hears is of her own.
    set_custom(&carol, "away").await;
    let heard = any_status_event(&mut carols).await;
    assert_eq!(
        (heard.user_id.as_str(), heard.custom_status.as_str()),
        ("carol", "away")
    );

    // Cleared when she goes offline, as Tencent's clears it, and her subscribers hear so.
    drop(alices);
    let offline = status_event(&mut bobs, "alice").await;
    assert_eq!(
        (offline.status_type, offline.custom_status.as_str()),
        (OFFLINE, "")
    );
    assert_eq!(
        statuses(&bob, &["alice"]).await["successUserList"][0]["customStatus"],
        ""
    );
    // Set while offline (over HTTP), it stays until she goes offline again.
    let set = set_custom(&alice, "back soon").await;
    assert_eq!(
        (&set["customStatus"], &set["statusType"]),
        (&json!("back soon"), &json!(OFFLINE))
    );
    let heard = status_event(&mut bobs, "alice").await;
    assert_eq!(
        (heard.status_type, heard.custom_status.as_str()),
        (OFFLINE, "back soon")
    );
    let _connected = alice.events().await;
    let online = status_event(&mut bobs, "alice").await;
    assert_eq!(
        (online.status_type, online.custom_status.as_str()),
        (ONLINE, "back soon")
    );
}

#[tokio::test]
async fn unsubscribing_stops_the_events_and_subscriptions_outlive_connections() {
    let server = Server::start().await;
    let [alice, bob, carol] = server.users(["alice", "bob", "carol"]).await;
    subscribe(&bob, &["alice", "carol"]).await;
    {
        let mut bobs = bob.events().await;
        set_custom(&alice, "one").await;
        assert_eq!(status_event(&mut bobs, "alice").await.custom_status, "one");
    }
    // Kept on the server: a new connection hears them without subscribing again.
    let mut bobs = bob.events().await;
    let answer = bob
        .post(
            "/v1/user-status/unsubscribe",
            json!({"userIDList": ["alice"]}),
        )
        .await
        .ok();
    assert_eq!(answer["failureUserList"], json!([]));
    set_custom(&alice, "two").await;
    set_custom(&carol, "three").await;
    let next = any_status_event(&mut bobs).await;
    assert_eq!(
        (next.user_id.as_str(), next.custom_status.as_str()),
        ("carol", "three"),
        "nothing of alice's since"
    );
    // No list: every subscription ends.
    bob.post("/v1/user-status/unsubscribe", json!({}))
        .await
        .ok();
    set_custom(&carol, "four").await;
    set_custom(&bob, "mine").await;
    let next = any_status_event(&mut bobs).await;
    assert_eq!(next.user_id, "bob", "nothing of carol's since");
}

#[tokio::test]
async fn bad_requests_name_what_is_wrong_and_change_nothing() {
    let server = Server::start().await;
    let [alice] = server.users(["alice"]).await;
    let too_long = "x".repeat(101);
    alice
        .post("/v1/user-status/self", json!({"customStatus": too_long}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "customStatus");
    let answer = statuses(&alice, &["alice"]).await;
    assert_eq!(answer["successUserList"][0]["customStatus"], "");
    alice
        .post("/v1/user-status", json!({"userIDList": []}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "userIDList");
    let many: Vec<String> = (0..501).map(|n| format!("u{n}")).collect();
    alice
        .post("/v1/user-status", json!({"userIDList": many}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "userIDList");
    alice
        .post(
            "/v1/user-status/subscribe",
            json!({"userIDList": many[..101]}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "userIDList");
    let answer = subscribe(&alice, &["alice", "ghost"]).await;
    let failures: Vec<(&str, &str)> = answer["failureUserList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|failure| {
            (
                failure["userID"].as_str().unwrap(),
                failure["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert_eq!(failures[0].0, "alice");
    assert!(failures[1].1.contains("ghost"), "{failures:?}");
    alice
        .post("/v1/user-status/self", json!({"customStatus": 7}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "customStatus");
    server
        .anonymous()
        .post("/v1/user-status", json!({"userIDList": ["alice"]}))
        .await
        .expect_error(401, 40101, "unauthenticated");
}

#[tokio::test]
async fn the_backend_sees_each_online_device_once() {
    let server = Server::start().await;
    let phone = server.device("alice", 1).await;
    let _first = phone.events().await;
    let _second = phone.events().await;
    let web = server.device("alice", 2).await;
    let _web = web.events().await;
    let listed = server
        .manager()
        .post("/user/onlinestatus", json!(["alice", "bob"]))
        .await
        .ok();
    assert_eq!(
        listed,
        json!([
            {"uid": "alice", "device_flag": 1, "online": 1},
            {"uid": "alice", "device_flag": 2, "online": 1},
        ])
    );
}

/// The group's online count as `user` reads it, once it is `expected` (connections are recorded
/// a few milliseconds after they open or close), or panics after 10 s.
async fn online_count_becomes(user: &User, expected: u64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let count = user.get("/v1/groups/team/online-count").await.ok()["memberCount"].clone();
        if count == expected {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the count stays {count}, not {expected}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// A node the cluster took for dead (silent past the liveness, as when it cannot reach the
/// database for a while) has its connections forgotten by the first other node to notice. The
/// test forgets them behind the server's back, as that node would: at its next heartbeat the
/// node writes them down again, and its connected users count online again everywhere.
#[tokio::test]
async fn a_node_taken_for_dead_writes_its_connections_down_again() {
    let server = Server::start().await;
    let [alice, bob, _carol] = server.group_of("team", ["alice", "bob", "carol"]).await;
    let (_alice, _bob) = (alice.events().await, bob.events().await);
    online_count_becomes(&alice, 2).await;
    server
        .storage()
        .execute("DELETE FROM webhook_presence; DELETE FROM webhook_nodes");
    online_count_becomes(&alice, 2).await;
    let rows = server
        .storage()
        .query_number("SELECT COUNT(*) FROM webhook_presence");
    assert_eq!(rows, 2, "both connections are written down");
}

#[tokio::test]
async fn a_groups_online_count_is_of_its_members_connected_anywhere() {
    let server = Server::start().await;
    let [alice, bob, carol] = server.group_of("team", ["alice", "bob", "carol"]).await;
    let [dave] = server.users(["dave"]).await;
    online_count_becomes(&alice, 0).await;
    let _bobs = bob.events().await;
    let _bobs_second = bob.events().await;
    let _daves = dave.events().await;
    online_count_becomes(&alice, 1).await;
    let carols = carol.events().await;
    online_count_becomes(&bob, 2).await;
    drop(carols);
    online_count_becomes(&alice, 1).await;

    dave.get("/v1/groups/team/online-count")
        .await
        .expect_error(403, 40301, "permission_denied");
    server.manager().remove_members("team", &["carol"]).await;
    carol
        .get("/v1/groups/team/online-count")
        .await
        .expect_error(403, 40302, "not_a_member");
    alice
        .get("/v1/groups/nowhere/online-count")
        .await
        .expect_error(404, 40401, "not_found");
}

#[tokio::test]
async fn with_the_apps_setting_friends_hear_without_subscribing() {
    let server = Server::start().await;
    let [alice, bob, carol] = server.users(["alice", "bob", "carol"]).await;
    // bob lists alice as a friend (one way); carol does not.
    server
        .manager()
        .post(
            "/user/friends/import",
            json!({"uid": "bob", "friends": [{"uid": "alice"}], "type": "single"}),
        )
        .await
        .ok();
    let settings = server
        .manager()
        .put("/app/settings", json!({"friend_status_notification": true}))
        .await
        .ok();
    assert_eq!(
        settings,
        json!({"sync_conversation_deletion": false, "friend_status_notification": true}),
        "the other setting kept"
    );
    let mut bobs = bob.events().await;
    let mut carols = carol.events().await;
    let alices = alice.events().await;
    assert_eq!(status_event(&mut bobs, "alice").await.status_type, ONLINE);
    set_custom(&alice, "lunch").await;
    assert_eq!(
        status_event(&mut bobs, "alice").await.custom_status,
        "lunch"
    );
    drop(alices);
    assert_eq!(status_event(&mut bobs, "alice").await.status_type, OFFLINE);
    // carol is no friend of alice's: the next status she hears is her own choice.
    set_custom(&carol, "mine").await;
    assert_eq!(any_status_event(&mut carols).await.user_id, "carol");

    // Off again: bob hears of alice no more.
    server
        .manager()
        .put(
            "/app/settings",
            json!({"friend_status_notification": false}),
        )
        .await
        .ok();
    set_custom(&alice, "back").await;
    set_custom(&bob, "mine").await;
    assert_eq!(any_status_event(&mut bobs).await.user_id, "bob");
}
