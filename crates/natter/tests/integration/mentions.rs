//! Mentions ("@") in groups: a message names members in its text payload's `atUserList`
//! (Tencent's `createTextAtMessage`) or in WuKongIM's `mention`, and each mentioned member's
//! conversation lists the unread ones in `groupAtInfoList` until they read past them.

use crate::common::{Server, User, find};
use serde_json::{Value, json};

const AT_ALL: &str = "__kImSDK_MesssageAtALL__";
const GROUP: &str = "GROUPtrip";

/// Sends a text naming `at_user_list`, as the SDK sends Tencent's `createTextAtMessage`; the
/// stored message.
async fn mention_text(user: &User, text: &str, at_user_list: &[&str]) -> Value {
    send_to(
        user,
        GROUP,
        json!({"text": text, "atUserList": at_user_list}),
    )
    .await
    .ok()["message"]
        .clone()
}

async fn mention(user: &User, text: &str, at_user_list: &[&str]) -> u64 {
    mention_text(user, text, at_user_list).await["seq"]
        .as_u64()
        .unwrap()
}

async fn send_to(user: &User, conversation: &str, payload: Value) -> crate::common::Resp {
    user.post(
        "/v1/messages",
        json!({"conversationID": conversation, "type": "TIMTextElem", "payload": payload}),
    )
    .await
}

/// `(seq, from, atType)` of each entry of a conversation's `groupAtInfoList`.
fn at_info(conversation: &Value) -> Vec<(u64, String, u64)> {
    conversation["groupAtInfoList"]
        .as_array()
        .unwrap_or_else(|| panic!("no groupAtInfoList in {conversation}"))
        .iter()
        .map(|info| {
            (
                info["seq"].as_u64().unwrap(),
                info["from"].as_str().unwrap().to_owned(),
                info["atType"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The group conversation's mentions as the user's list shows them.
async fn listed_at_info(user: &User) -> Vec<(u64, String, u64)> {
    let list = user.list().await;
    at_info(find(&list, GROUP).expect("the group is listed"))
}

fn at(seq: u64, from: &str, at_type: u64) -> (u64, String, u64) {
    (seq, from.to_owned(), at_type)
}

#[tokio::test]
async fn mentions_show_in_the_mentioned_members_lists_until_they_read_them() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    let dave = server.user("dave").await;
    server
        .manager()
        .create_group("trip", &["alice", "bob", "carol", "dave"])
        .await;

    let named = mention_text(&alice, "@bob tickets?", &["bob"]).await;
    assert_eq!(
        named["payload"],
        json!({"text": "@bob tickets?", "atUserList": ["bob"]}),
        "the payload keeps whom it mentions"
    );
    let everyone = mention(&alice, "@all leaving at 8", &[AT_ALL]).await;
    carol.send_text(GROUP, "no mention here").await;
    let both = mention(&dave, "@bob @all bring snacks", &["bob", AT_ALL, "bob"]).await;

    // Tencent's CONV_AT_ME 1, CONV_AT_ALL 2, CONV_AT_ALL_AT_ME 3; each member sees their own.
    let seq = named["seq"].as_u64().unwrap();
    assert_eq!(
        listed_at_info(&bob).await,
        [
            at(seq, "alice", 1),
            at(everyone, "alice", 2),
            at(both, "dave", 3)
        ]
    );
    assert_eq!(
        listed_at_info(&carol).await,
        [at(both, "dave", 2)],
        "carol's own message read what came before it"
    );
    assert_eq!(listed_at_info(&alice).await, [at(both, "dave", 2)]);
    assert_eq!(listed_at_info(&dave).await, [], "a sender's own mention");
    // the conversation alone and a sync say the same as the list
    assert_eq!(
        at_info(&bob.conversation(GROUP).await.ok()),
        listed_at_info(&bob).await
    );
    let synced = bob.sync(0).await;
    let synced = find(synced["conversationList"].as_array().unwrap(), GROUP).unwrap();
    assert_eq!(at_info(synced), listed_at_info(&bob).await);

    // reading moves past them, partly and then wholly
    bob.read(GROUP, Some(everyone)).await.ok();
    assert_eq!(listed_at_info(&bob).await, [at(both, "dave", 3)]);
    bob.read(GROUP, None).await.ok();
    assert_eq!(listed_at_info(&bob).await, []);

    // a recalled mention is no mention; one deleted for oneself neither
    let later = mention(&dave, "@all running late", &[AT_ALL]).await;
    assert_eq!(
        listed_at_info(&carol).await,
        [at(both, "dave", 2), at(later, "dave", 2)]
    );
    dave.post(
        "/v1/messages/revoke",
        json!({"conversationID": GROUP, "messageID": message_id(&dave, both).await}),
    )
    .await
    .ok();
    assert_eq!(listed_at_info(&carol).await, [at(later, "dave", 2)]);
    carol
        .post(
            "/v1/messages/delete",
            json!({"conversationID": GROUP, "messageIDList": [message_id(&carol, later).await]}),
        )
        .await
        .ok();
    assert_eq!(listed_at_info(&carol).await, []);

    // deleting the conversation drops them; a new mention brings it back with only itself
    alice.delete(&[GROUP], Some(false)).await.ok();
    let again = mention(&carol, "@alice?", &["alice"]).await;
    assert_eq!(listed_at_info(&alice).await, [at(again, "carol", 1)]);
}

async fn message_id(user: &User, seq: u64) -> String {
    let history = user.history(GROUP).await;
    let message = history
        .iter()
        .find(|message| message["seq"] == seq)
        .unwrap_or_else(|| panic!("{} sees no seq {seq}", user.uid));
    message["messageID"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn only_group_messages_mention_and_only_user_ids() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    server.user("bob").await;
    server
        .manager()
        .create_group("trip", &["alice", "bob"])
        .await;

    send_to(
        &alice,
        "C2Cbob",
        json!({"text": "@bob", "atUserList": ["bob"]}),
    )
    .await
    .expect_error_naming(400, 40001, "invalid_argument", "payload.atUserList");
    for (at_user_list, field) in [
        (json!("bob"), "payload.atUserList"),
        (json!(["bob", 7]), "payload.atUserList[1]"),
        (json!(["bob", "not a user"]), "payload.atUserList[1]"),
    ] {
        send_to(
            &alice,
            GROUP,
            json!({"text": "@bob", "atUserList": at_user_list}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", field);
    }
    let too_many: Vec<String> = (0..=1000).map(|n| format!("user{n}")).collect();
    send_to(&alice, GROUP, json!({"text": "@", "atUserList": too_many}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "at most 1000");
    assert!(
        alice.history(GROUP).await.is_empty(),
        "nothing refused was kept"
    );
}

#[tokio::test]
async fn wukongim_mentions_count_and_tencent_mentions_read_as_wukongim_ones() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let manager = server.manager();
    manager.create_group("trip", &["alice", "bob"]).await;

    // The app backend sends WuKongIM content naming bob, as WuKongIM's API does.
    manager
        .server_send(
            "alice",
            "trip",
            2,
            json!({"type": 1, "content": "@bob", "mention": {"all": 0, "uids": ["bob"]}}),
            None,
        )
        .await
        .ok();
    assert_eq!(listed_at_info(&bob).await, [at(1, "alice", 1)]);

    // A Tencent client's @ message reads on WuKongIM's side with WuKongIM's `mention`.
    mention(&alice, "@all", &[AT_ALL]).await;
    let synced = manager
        .post(
            "/channel/messagesync",
            json!({"login_uid": "bob", "channel_id": "trip", "channel_type": 2,
                   "start_message_seq": 2, "end_message_seq": 0, "limit": 10, "pull_mode": 1}),
        )
        .await
        .ok();
    let payload = &synced["messages"][0]["payload"];
    let content: Value = serde_json::from_slice(
        &base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            payload.as_str().unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        content,
        json!({"type": 1, "content": "@all", "mention": {"all": 1, "uids": []}})
    );
    assert_eq!(
        listed_at_info(&bob).await,
        [at(1, "alice", 1), at(2, "alice", 2)]
    );
}
