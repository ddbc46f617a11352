//! A group's attributes (Tencent's `initGroupAttributes`, `setGroupAttributes`,
//! `deleteGroupAttributes`, `getGroupAttributes`): given all at once or set a few at a time,
//! deleted, read by every member, every change heard with what it changed, and the limits.

use crate::common::{Resp, Server, User, event_where, group_path};
use natter_sdk::EventStream;
use natter_sdk::wire::{GroupAttributesChanged, ServerEvent};
use serde_json::{Value, json};

async fn call(user: &User, method: &str, rest: &str, body: Value) -> Resp {
    let path = group_path("room", &format!("/attributes{rest}"));
    match method {
        "PUT" => user.put(&path, body).await,
        _ => user.post(&path, body).await,
    }
}

async fn attributes_event(events: &mut EventStream) -> GroupAttributesChanged {
    event_where(events, |event| match event {
        ServerEvent::GroupAttributesUpdated(changed) => Some(changed),
        _ => None,
    })
    .await
}

#[tokio::test]
async fn members_give_set_and_delete_attributes_and_every_member_hears_what_changed() {
    let server = Server::start().await;
    let [ann, bob] = server.group_of("room", ["ann", "bob"]).await;
    let mut bobs = bob.events().await;

    let given = json!({"groupAttributes": {"topic": "Jazz", "seat1": "ann"}});
    assert_eq!(
        call(&ann, "PUT", "", given).await.ok(),
        json!({"groupID": "room", "groupAttributes": {"seat1": "ann", "topic": "Jazz"}})
    );
    let heard = attributes_event(&mut bobs).await;
    assert_eq!(heard.updated_key_list, ["seat1", "topic"]);
    assert!(heard.deleted_key_list.is_empty());

    call(
        &bob,
        "POST",
        "",
        json!({"groupAttributes": {"seat2": "bob", "topic": "Jazz"}}),
    )
    .await
    .ok();
    let heard = attributes_event(&mut bobs).await;
    assert_eq!(heard.updated_key_list, ["seat2"], "topic kept its value");
    assert_eq!(heard.group_attributes.len(), 3);

    // Giving all again replaces: seat2 goes.
    call(
        &ann,
        "PUT",
        "",
        json!({"groupAttributes": {"seat1": "ann", "topic": "Blues"}}),
    )
    .await
    .ok();
    let heard = attributes_event(&mut bobs).await;
    assert_eq!(
        (heard.updated_key_list, heard.deleted_key_list),
        (vec!["topic".to_owned()], vec!["seat2".to_owned()])
    );

    let some = call(&bob, "POST", "/get", json!({"keyList": ["topic", "nope"]}))
        .await
        .ok();
    assert_eq!(some["groupAttributes"], json!({"topic": "Blues"}));
    let left = call(&bob, "POST", "/delete", json!({"keyList": ["seat1"]}))
        .await
        .ok();
    assert_eq!(left["groupAttributes"], json!({"topic": "Blues"}));
    call(&ann, "POST", "/delete", json!({})).await.ok();
    let all = call(&ann, "POST", "/get", json!({})).await.ok();
    assert_eq!(all["groupAttributes"], json!({}));
}

#[tokio::test]
async fn limits_strangers_and_bad_input_are_refused() {
    let server = Server::start().await;
    let [ann] = server.group_of("room", ["ann"]).await;
    let stranger = server.user("sam").await;
    call(
        &stranger,
        "POST",
        "",
        json!({"groupAttributes": {"a": "1"}}),
    )
    .await
    .expect_error(403, 40301, "permission_denied");
    call(&stranger, "POST", "/get", json!({}))
        .await
        .expect_error(403, 40301, "permission_denied");

    let sixteen: serde_json::Map<String, Value> =
        (0..16).map(|n| (format!("k{n}"), json!("v"))).collect();
    call(&ann, "PUT", "", json!({"groupAttributes": sixteen}))
        .await
        .ok();
    call(&ann, "POST", "", json!({"groupAttributes": {"k16": "v"}}))
        .await
        .expect_error(409, 40901, "conflict");
    let big: serde_json::Map<String, Value> = (0..5)
        .map(|n| (format!("k{n}"), json!("x".repeat(4000))))
        .collect();
    call(&ann, "POST", "", json!({"groupAttributes": big}))
        .await
        .expect_error(409, 40901, "conflict");

    for (body, field) in [
        (json!({"groupAttributes": {}}), "groupAttributes"),
        (json!({"groupAttributes": {"": "v"}}), "groupAttributes"),
        (
            json!({"groupAttributes": {"k": "x".repeat(4097)}}),
            "groupAttributes",
        ),
    ] {
        call(&ann, "POST", "", body).await.expect_error_naming(
            400,
            40001,
            "invalid_argument",
            field,
        );
    }
}
