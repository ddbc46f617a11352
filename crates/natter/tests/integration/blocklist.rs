//! A user's blocklist (Tencent's `getBlacklist`, `addToBlacklist`, `removeFromBlacklist`): the
//! users they block cannot message them one-to-one, and every device of theirs hears the list
//! change, whoever changed it (they, on another device, or the app backend).

use crate::common::{Server, User, event_where};
use natter_sdk::wire::ServerEvent;
use natter_sdk::{Chat, EventStream};
use serde_json::{Value, json};

async fn blocked(user: &User) -> Value {
    user.get("/v1/blacklist").await.ok()["userIDList"].clone()
}

/// The next `blacklistUpdated` on the stream: its list.
async fn blacklist_event(events: &mut EventStream) -> Vec<String> {
    event_where(events, |event| match event {
        ServerEvent::BlacklistUpdated { user_id_list } => Some(user_id_list),
        _ => None,
    })
    .await
}

#[tokio::test]
async fn a_blocked_user_cannot_message_the_blocker_one_to_one() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let mallory = server.user("mallory").await;
    server.user("eve").await;
    server
        .manager()
        .create_group("team", &["alice", "mallory"])
        .await;
    mallory.send_text("C2Calice", "hi").await;
    let mut alices_phone = Chat::login(&server.base, &alice.token)
        .events(0)
        .await
        .unwrap();

    // repeats and the user themself among others are passed over
    let answer = alice
        .post(
            "/v1/blacklist",
            json!({"userIDList": ["mallory", "alice", "mallory"]}),
        )
        .await
        .ok();
    assert_eq!(answer, json!({"userIDList": ["mallory"]}));
    assert_eq!(blocked(&alice).await, json!(["mallory"]));
    assert_eq!(blacklist_event(&mut alices_phone).await, ["mallory"]);

    let refused = mallory
        .try_send("C2Calice", json!({"data": "hi again"}))
        .await;
    let message = refused.expect_error(403, 40305, "in_blacklist");
    assert!(message.contains("alice blocks mallory"), "{message}");
    // one way only, and not in groups
    alice.send_text("C2Cmallory", "bye").await;
    mallory.send_text("GROUPteam", "still here").await;
    assert_eq!(alice.unread("GROUPteam").await, 1);
    assert_eq!(
        alice.history("C2Cmallory").await.len(),
        2,
        "hi and bye: the refused message was not kept"
    );

    // the app backend's list for alice is the same list
    server
        .manager()
        .post(
            "/channel/blacklist_add",
            json!({"channel_id": "alice", "channel_type": 1, "uids": ["eve"]}),
        )
        .await
        .ok();
    assert_eq!(blacklist_event(&mut alices_phone).await, ["mallory", "eve"]);
    assert_eq!(blocked(&alice).await, json!(["mallory", "eve"]));

    let answer = alice
        .post(
            "/v1/blacklist/remove",
            json!({"userIDList": ["mallory", "nobody"]}),
        )
        .await
        .ok();
    assert_eq!(answer, json!({"userIDList": ["eve"]}));
    assert_eq!(blacklist_event(&mut alices_phone).await, ["eve"]);
    mallory.send_text("C2Calice", "friends again?").await;
}

#[tokio::test]
async fn blocklist_changes_name_their_users() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let too_many: Vec<String> = (0..1001).map(|n| format!("user{n}")).collect();
    for (body, field) in [
        (json!({"userIDList": ["alice"]}), "block themself"),
        (json!({"userIDList": []}), "userIDList"),
        (json!({"userIDList": too_many}), "userIDList"),
        (json!({"userIDList": ["not a user"]}), "userIDList"),
        (json!({"userIDList": ["bob"], "extra": 1}), "extra"),
    ] {
        alice.post("/v1/blacklist", body).await.expect_error_naming(
            400,
            40001,
            "invalid_argument",
            field,
        );
    }
    alice
        .post("/v1/blacklist/remove", json!({"userIDList": []}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "userIDList");
    assert_eq!(blocked(&alice).await, json!([]));
}
