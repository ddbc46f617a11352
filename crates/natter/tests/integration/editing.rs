//! Changing a message after it was sent (Tencent's `modifyMessage`): any member who can see it
//! changes its payload or custom data on the version they read; everyone sees the change, live
//! and through sync, and a change made on an older version is refused.

use crate::common::{Server, User, event_where, find};
use natter_sdk::wire::ServerEvent;
use natter_sdk::{Chat, EventStream};
use serde_json::{Value, json};

const GROUP: &str = "GROUPteam";

async fn modify(user: &User, body: Value) -> crate::common::Resp {
    user.post("/v1/messages/modify", body).await
}

fn text_change(message: &Value, version: u64, text: &str) -> Value {
    json!({"conversationID": GROUP, "messageID": message["messageID"], "version": version,
           "type": "TIMTextElem", "payload": {"text": text}})
}

/// The next `messageModified` on the stream: its messages.
async fn modified_event(events: &mut EventStream) -> Vec<natter_sdk::wire::Message> {
    event_where(events, |event| match event {
        ServerEvent::MessageModified { message_list } => Some(message_list),
        _ => None,
    })
    .await
}

#[tokio::test]
async fn any_member_changes_a_message_and_everyone_sees_it() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    server
        .manager()
        .create_group("team", &["alice", "bob", "carol"])
        .await;
    let sent = alice.send_text(GROUP, "Stand-up at 9").await;
    assert!(sent.get("version").is_none(), "never changed: {sent}");
    let carols_version = carol.version().await;
    let mut carols_phone = Chat::login(&server.base, &carol.token)
        .events(0)
        .await
        .unwrap();

    let changed = modify(&bob, text_change(&sent, 0, "Stand-up at 9:30"))
        .await
        .ok()["message"]
        .clone();
    assert_eq!(changed["payload"], json!({"text": "Stand-up at 9:30"}));
    assert_eq!(changed["version"], 1);
    assert_eq!(changed["messageID"], sent["messageID"]);
    assert_eq!(changed["from"], "alice", "the sender stays the sender");

    let heard = modified_event(&mut carols_phone).await;
    assert_eq!(heard[0].payload, json!({"text": "Stand-up at 9:30"}));
    assert_eq!(heard[0].conversation_id, GROUP);
    let history = carol.history(GROUP).await;
    assert_eq!(history[0]["payload"]["text"], "Stand-up at 9:30");
    let list = carol.list().await;
    let listed = find(&list, GROUP).unwrap();
    assert_eq!(listed["lastMessage"]["payload"]["text"], "Stand-up at 9:30");
    assert_eq!(listed["unreadCount"], 1, "a change is not a new message");
    // a device that was away learns it through sync, with the message
    let synced = carol.sync(carols_version).await;
    let changes = synced["messageChangeList"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{synced}");
    assert_eq!(changes[0]["change"], "modified");
    assert_eq!(changes[0]["message"]["payload"]["text"], "Stand-up at 9:30");

    // a change on the version before is refused, and names the version now
    let refused = modify(&alice, text_change(&sent, 0, "Stand-up at 10"))
        .await
        .expect_error(409, 40901, "conflict");
    assert!(refused.contains("version 1"), "{refused}");
    let again = modify(&alice, text_change(&sent, 1, "Stand-up at 10"))
        .await
        .ok();
    assert_eq!(again["message"]["version"], 2);

    // custom data alone, and a new payload that mentions someone
    let with_data = modify(
        &carol,
        json!({"conversationID": GROUP, "messageID": sent["messageID"], "version": 2,
               "cloudCustomData": "{\"replies\":1}"}),
    )
    .await
    .ok();
    assert_eq!(with_data["message"]["cloudCustomData"], "{\"replies\":1}");
    assert_eq!(with_data["message"]["payload"]["text"], "Stand-up at 10");
    modify(
        &alice,
        json!({"conversationID": GROUP, "messageID": sent["messageID"], "version": 3,
               "type": "TIMTextElem", "payload": {"text": "@carol at 10", "atUserList": ["carol"]}}),
    )
    .await
    .ok();
    let list = carol.list().await;
    let mentions = &find(&list, GROUP).unwrap()["groupAtInfoList"];
    assert_eq!(mentions[0]["atType"], 1, "{mentions}");
}

#[tokio::test]
async fn changes_that_cannot_be_made_are_refused_and_change_nothing() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let dave = server.user("dave").await;
    server
        .manager()
        .create_group("team", &["alice", "bob"])
        .await;
    let sent = alice.send_text(GROUP, "hi").await;
    let id = sent["messageID"].clone();

    for (body, status, code, name, field) in [
        (
            json!({"conversationID": GROUP, "messageID": id, "version": 0}),
            400,
            40001,
            "invalid_argument",
            "cloudCustomData",
        ),
        (
            json!({"conversationID": GROUP, "messageID": id, "version": 0,
                   "payload": {"text": "x"}}),
            400,
            40001,
            "invalid_argument",
            "type",
        ),
        (
            json!({"conversationID": GROUP, "messageID": id, "version": 0,
                   "type": "TIMCustomElem", "payload": {"data": "x"}}),
            400,
            40001,
            "invalid_argument",
            "type",
        ),
        (
            json!({"conversationID": GROUP, "messageID": id, "version": 0,
                   "type": "TIMTextElem", "payload": {"text": 1}}),
            400,
            40001,
            "invalid_argument",
            "payload.text",
        ),
        (
            json!({"conversationID": GROUP, "messageID": "nope", "version": 0,
                   "cloudCustomData": "x"}),
            400,
            40001,
            "invalid_argument",
            "messageID",
        ),
        (
            json!({"conversationID": GROUP, "messageID": "999999", "version": 0,
                   "cloudCustomData": "x"}),
            404,
            40401,
            "not_found",
            "messageID",
        ),
    ] {
        modify(&bob, body)
            .await
            .expect_error_naming(status, code, name, field);
    }
    // not a member: the message is not in any conversation of theirs
    modify(
        &dave,
        json!({"conversationID": GROUP, "messageID": id, "version": 0, "cloudCustomData": "x"}),
    )
    .await
    .expect_error_naming(400, 40001, "invalid_argument", "messageID");
    // an image's payload points at a file: only its custom data may change
    let image = alice
        .post(
            "/v1/messages",
            json!({"conversationID": GROUP, "type": "TIMImageElem",
                   "payload": {"imageInfoArray": []}}),
        )
        .await
        .ok()["message"]
        .clone();
    modify(
        &bob,
        json!({"conversationID": GROUP, "messageID": image["messageID"], "version": 0,
               "type": "TIMImageElem", "payload": {"imageInfoArray": [{"url": "x"}]}}),
    )
    .await
    .expect_error_naming(400, 40001, "invalid_argument", "payload");
    // a recalled message stays recalled
    alice
        .post(
            "/v1/messages/revoke",
            json!({"conversationID": GROUP, "messageID": id}),
        )
        .await
        .ok();
    modify(
        &bob,
        json!({"conversationID": GROUP, "messageID": id, "version": 0,
               "type": "TIMTextElem", "payload": {"text": "back"}}),
    )
    .await
    .expect_error_naming(409, 40901, "conflict", "recalled");
    let history = bob.history(GROUP).await;
    assert_eq!(history[0]["isRevoked"], true);
    assert!(
        history
            .iter()
            .all(|message| message.get("version").is_none())
    );
}
