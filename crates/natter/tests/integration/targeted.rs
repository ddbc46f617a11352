//! Targeted group messages (Tencent's `receiverList`): only the receivers and the sender get
//! and see the message, it counts as unread for no one, the members passed over find their
//! conversations as they were (history, last message, unread count, list, sync, a deleted
//! conversation staying deleted), its recall reaches only those who have it, and the refusals.

use crate::common::{Server, User, event_where};
use natter_sdk::EventStream;
use natter_sdk::wire::ServerEvent;
use serde_json::{Value, json};

/// Sends a text to the group, targeted at `receivers`; the answer's message.
async fn targeted(user: &User, text: &str, receivers: &[&str]) -> Value {
    let body = json!({"conversationID": "GROUPteam", "type": "TIMTextElem",
        "payload": {"text": text}, "receiverList": receivers});
    user.post("/v1/messages", body).await.ok()["message"].clone()
}

/// The seqs of the next messages pushed to a device, until one of `until`'s seq comes.
async fn pushed_until(events: &mut EventStream, until: u64) -> Vec<u64> {
    let mut seqs = Vec::new();
    loop {
        let batch = event_where(events, |event| match event {
            ServerEvent::MessageReceived { message_list } => Some(message_list),
            _ => None,
        })
        .await;
        seqs.extend(batch.iter().map(|message| message.seq));
        if seqs.contains(&until) {
            return seqs;
        }
    }
}

#[tokio::test]
async fn only_the_receivers_and_the_sender_get_and_see_a_targeted_message() {
    let server = Server::start().await;
    let [alice, bob, carol] = server.group_of("team", ["alice", "bob", "carol"]).await;
    alice.send_text("GROUPteam", "to everyone").await;
    let version_before = carol.version().await;
    let (mut bobs, mut carols) = (bob.events().await, carol.events().await);

    let sent = targeted(&alice, "just for bob", &["bob"]).await;
    assert_eq!(sent["seq"], 2);
    alice.send_text("GROUPteam", "to everyone again").await;
    assert_eq!(pushed_until(&mut bobs, 3).await, [2, 3]);
    assert_eq!(
        pushed_until(&mut carols, 3).await,
        [3],
        "carol is not pushed it"
    );

    assert_eq!(alice.history_seqs("GROUPteam").await, [1, 2, 3]);
    assert_eq!(bob.history_seqs("GROUPteam").await, [1, 2, 3]);
    assert_eq!(carol.history_seqs("GROUPteam").await, [1, 3]);
    // It counts as unread for no one, as Tencent's by default.
    assert_eq!(
        (bob.unread("GROUPteam").await, bob.total_unread().await),
        (2, 2)
    );
    assert_eq!(
        (carol.unread("GROUPteam").await, carol.total_unread().await),
        (2, 2)
    );
    let changes = carol.sync(version_before).await;
    assert_eq!(
        changes["messageChangeList"],
        json!([]),
        "carol's sync reports nothing of it"
    );

    // The last message of a conversation passed over stays what it was.
    let only_bob = targeted(&alice, "bob again", &["bob"]).await;
    let bobs_view = bob.conversation("GROUPteam").await.ok();
    let carols_view = carol.conversation("GROUPteam").await.ok();
    assert_eq!(bobs_view["lastMessage"]["seq"], only_bob["seq"]);
    assert_eq!(carols_view["lastMessage"]["seq"], 3);

    // A conversation carol deleted is not revived by a message she does not get.
    carol.delete(&["GROUPteam"], Some(false)).await.ok();
    targeted(&alice, "still just bob", &["bob"]).await;
    assert!(!carol.list_ids().await.contains(&"GROUPteam".to_owned()));
    assert_eq!(carol.total_unread().await, 0);

    // Its recall reaches those who have it; carol hears nothing of it.
    let version_before = carol.version().await;
    alice
        .post(
            "/v1/messages/revoke",
            json!({"conversationID": "GROUPteam", "messageID": only_bob["messageID"]}),
        )
        .await
        .ok();
    let recalled = bob.history("GROUPteam").await;
    let recalled = recalled
        .iter()
        .find(|m| m["seq"] == only_bob["seq"])
        .unwrap();
    assert_eq!(recalled["isRevoked"], true);
    assert_eq!(
        carol.sync(version_before).await["messageChangeList"],
        json!([])
    );

    // A receiver list with the sender, or a receiver twice, is fine; so is an empty one (every
    // member gets the message, as Tencent's SDK reads it).
    targeted(&bob, "to alice", &["alice", "bob", "alice"]).await;
    let to_all = targeted(&bob, "to all", &[]).await;
    assert!(
        carol
            .history_seqs("GROUPteam")
            .await
            .contains(&to_all["seq"].as_u64().unwrap())
    );
}

#[tokio::test]
async fn targeted_messages_that_cannot_be_are_refused() {
    let server = Server::start().await;
    let [alice, _bob] = server.group_of("team", ["alice", "bob"]).await;
    server.user("dave").await;
    let refused = |body: Value, field: &'static str| {
        let alice = &alice;
        async move {
            alice.post("/v1/messages", body).await.expect_error_naming(
                400,
                40001,
                "invalid_argument",
                field,
            );
        }
    };
    let text = |to: &str, receivers: Value| {
        json!({"conversationID": to, "type": "TIMTextElem", "payload": {"text": "hi"},
            "receiverList": receivers})
    };
    refused(text("GROUPteam", json!(["dave"])), "dave").await;
    refused(text("C2Cdave", json!(["dave"])), "receiverList").await;
    let many: Vec<String> = (0..51).map(|n| format!("u{n}")).collect();
    refused(text("GROUPteam", json!(many)), "receiverList").await;
    refused(text("GROUPteam", json!(["bad uid"])), "receiverList").await;
    refused(
        json!({"conversationID": "GROUPteam", "type": "TIMTextElem",
            "payload": {"text": "@bob", "atUserList": ["bob"]}, "receiverList": ["bob"]}),
        "atUserList",
    )
    .await;
    refused(
        json!({"conversationID": "GROUPteam", "type": "TIMTextElem", "payload": {"text": "hi"},
            "receiverList": ["bob"], "needReadReceipt": true}),
        "needReadReceipt",
    )
    .await;
    for (group_type, group_id) in [("AVChatRoom", "room"), ("Community", "club")] {
        alice
            .create_group(json!({"groupID": group_id, "name": group_id, "type": group_type}))
            .await;
        refused(
            text(&format!("GROUP{group_id}"), json!(["alice"])),
            group_type,
        )
        .await;
    }
    assert_eq!(
        alice.history_seqs("GROUPteam").await,
        Vec::<u64>::new(),
        "nothing was sent"
    );
}
