//! Message extensions (Tencent's `setMessageExtensions`, `getMessageExtensions`,
//! `deleteMessageExtensions`): any member who sees a message sets key-value pairs on it, every
//! member's devices hear each change, a member who cannot see it can do nothing, and the limits
//! hold.

use crate::common::{Resp, Server, User, event_where};
use natter_sdk::EventStream;
use natter_sdk::wire::ServerEvent;
use serde_json::{Value, json};

const GROUP: &str = "GROUPpoll";

async fn set(user: &User, message_id: &str, pairs: Value) -> Resp {
    user.post(
        "/v1/messages/extensions",
        json!({"conversationID": GROUP, "messageID": message_id, "extensionList": pairs}),
    )
    .await
}

async fn list(user: &User, message_id: &str) -> Value {
    user.post(
        "/v1/messages/extensions/list",
        json!({"conversationID": GROUP, "messageID": message_id}),
    )
    .await
    .ok()["extensionList"]
        .clone()
}

/// The next change of extensions a device hears: `("updated" | "deleted", the message, what)`.
async fn change_event(events: &mut EventStream) -> (&'static str, String, Value) {
    event_where(events, |event| match event {
        ServerEvent::MessageExtensionsUpdated(set) => Some((
            "updated",
            set.message_id,
            serde_json::to_value(set.extension_list).unwrap(),
        )),
        ServerEvent::MessageExtensionsDeleted(deleted) => Some((
            "deleted",
            deleted.message_id,
            serde_json::to_value(deleted.key_list).unwrap(),
        )),
        _ => None,
    })
    .await
}

#[tokio::test]
async fn members_set_and_delete_pairs_and_every_member_hears_each_change() {
    let server = Server::start().await;
    let [ann, bob] = server.group_of("poll", ["ann", "bob"]).await;
    let poll = ann.send_text(GROUP, "Lunch: pizza or sushi?").await;
    let id = poll["messageID"].as_str().unwrap();
    let mut anns = ann.events().await;

    let answer = set(&bob, id, json!([{"key": "bob", "value": "pizza"}]))
        .await
        .ok();
    assert_eq!(
        answer["extensionList"],
        json!([{"key": "bob", "value": "pizza"}])
    );
    assert_eq!(
        change_event(&mut anns).await,
        (
            "updated",
            id.to_owned(),
            json!([{"key": "bob", "value": "pizza"}])
        )
    );
    set(
        &ann,
        id,
        json!([{"key": "ann", "value": "sushi"}, {"key": "bob", "value": "sushi"}]),
    )
    .await
    .ok();
    change_event(&mut anns).await;
    assert_eq!(
        list(&bob, id).await,
        json!([{"key": "ann", "value": "sushi"}, {"key": "bob", "value": "sushi"}]),
        "by key, the later value kept"
    );

    let deleted = bob
        .post(
            "/v1/messages/extensions/delete",
            json!({"conversationID": GROUP, "messageID": id, "keyList": ["bob", "carol"]}),
        )
        .await
        .ok();
    assert_eq!(
        deleted["keyList"],
        json!(["bob"]),
        "carol's was never there"
    );
    assert_eq!(
        change_event(&mut anns).await,
        ("deleted", id.to_owned(), json!(["bob"]))
    );
    let all = ann
        .post(
            "/v1/messages/extensions/delete",
            json!({"conversationID": GROUP, "messageID": id}),
        )
        .await
        .ok();
    assert_eq!(all["keyList"], json!(["ann"]));
    assert_eq!(list(&bob, id).await, json!([]));
}

#[tokio::test]
async fn limits_strangers_and_bad_input_are_refused() {
    let server = Server::start().await;
    let [ann, _bob] = server.group_of("poll", ["ann", "bob"]).await;
    let stranger = server.user("sam").await;
    let poll = ann.send_text(GROUP, "Vote").await;
    let id = poll["messageID"].as_str().unwrap();

    set(&stranger, id, json!([{"key": "k", "value": "v"}]))
        .await
        .expect_error(400, 40001, "invalid_argument");
    for batch in 0..15 {
        let pairs: Vec<Value> = (0..20)
            .map(|n| json!({"key": format!("k{batch}-{n}"), "value": "x"}))
            .collect();
        set(&ann, id, json!(pairs)).await.ok();
    }
    set(&ann, id, json!([{"key": "one-more", "value": "x"}]))
        .await
        .expect_error(409, 40901, "conflict");
    set(&ann, id, json!([{"key": "k0-0", "value": "changed"}]))
        .await
        .ok();

    let bad = |pairs: Value| {
        let ann = ann.clone();
        async move {
            set(&ann, id, pairs).await.expect_error_naming(
                400,
                40001,
                "invalid_argument",
                "extensionList",
            );
        }
    };
    bad(json!([])).await;
    bad(json!([{"key": "", "value": "x"}])).await;
    bad(json!([{"key": "k", "value": "x".repeat(1025)}])).await;
    bad(json!([{"key": "k", "value": "1"}, {"key": "k", "value": "2"}])).await;
    bad(json!([{"key": "a\u{0}b", "value": "x"}])).await;
    bad(json!([{"key": "k", "value": "a\u{0}b"}])).await;
    set(&ann, "12345678", json!([{"key": "k", "value": "v"}]))
        .await
        .expect_error_naming(404, 40401, "not_found", "messageID");
}
