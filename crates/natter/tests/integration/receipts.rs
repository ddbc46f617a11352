//! Read receipts of single messages (Tencent's `needReadReceipt`, `sendMessageReadReceipt`,
//! `getMessageReadReceiptList`, `getGroupMessageReadMemberList`; WuKongIM's receipt setting):
//! a sender asks for them, each reader gives theirs once, the sender's devices hear the counts
//! as they now are, and only the sender learns who read a group message. A receipt moves no
//! unread count.

use crate::common::{Resp, Server, User, event_where};
use natter_sdk::EventStream;
use natter_sdk::wire::{MessageReceipt, ServerEvent};
use serde_json::{Value, json};

const GROUP: &str = "GROUPplan";

/// Sends a text that asks for read receipts; the stored message.
async fn send_asking(user: &User, conversation: &str, text: &str) -> Value {
    user.post(
        "/v1/messages",
        json!({"conversationID": conversation, "type": "TIMTextElem",
               "payload": {"text": text}, "needReadReceipt": true}),
    )
    .await
    .ok()["message"]
        .clone()
}

async fn give(user: &User, conversation: &str, ids: &[&str]) -> Resp {
    user.post(
        "/v1/messages/read-receipts",
        json!({"conversationID": conversation, "messageIDList": ids}),
    )
    .await
}

async fn counts(user: &User, conversation: &str, ids: &[&str]) -> Value {
    user.post(
        "/v1/messages/read-receipts/list",
        json!({"conversationID": conversation, "messageIDList": ids}),
    )
    .await
    .ok()["receiptList"]
        .clone()
}

async fn members(user: &User, message_id: &str, filter: &str, cursor: &str, count: u64) -> Resp {
    user.post(
        "/v1/messages/read-receipts/members",
        json!({"conversationID": GROUP, "messageID": message_id, "filter": filter,
               "cursor": cursor, "count": count}),
    )
    .await
}

async fn receipt_event(events: &mut EventStream) -> (String, Vec<MessageReceipt>) {
    event_where(events, |event| match event {
        ServerEvent::MessageReadReceiptReceived {
            conversation_id,
            receipt_list,
            ..
        } => Some((conversation_id, receipt_list)),
        _ => None,
    })
    .await
}

fn id_of(message: &Value) -> &str {
    message["messageID"].as_str().unwrap()
}

#[tokio::test]
async fn a_peer_reads_a_message_that_asks_and_the_senders_devices_hear_it_once() {
    let server = Server::start().await;
    let [ann, bob] = server.users(["ann", "bob"]).await;
    let mut anns = ann.events().await;
    let asked = send_asking(&ann, "C2Cbob", "did you get this?").await;
    assert_eq!(asked["needReadReceipt"], true);
    let plain = ann.send_text("C2Cbob", "no receipt wanted").await;
    assert!(
        plain.get("needReadReceipt").is_none(),
        "left out while false: {plain}"
    );

    let history = bob.history("C2Cann").await;
    assert_eq!(
        history[0]["needReadReceipt"], true,
        "the reader sees it asks"
    );
    assert!(history[0].get("readCount").is_none());
    let unread_before = bob.unread("C2Cann").await;

    give(&bob, "C2Cann", &[id_of(&asked), id_of(&plain)])
        .await
        .ok();
    let (conversation, receipts) = receipt_event(&mut anns).await;
    assert_eq!(conversation, "C2Cbob", "as the sender names it");
    assert_eq!(
        receipts,
        vec![MessageReceipt {
            message_id: id_of(&asked).to_owned(),
            read_count: 1,
            unread_count: 0,
        }],
        "only the message that asked"
    );
    assert_eq!(
        bob.unread("C2Cann").await,
        unread_before,
        "a receipt is not a read"
    );

    // Twice is once: no second event, and the count stays.
    give(&bob, "C2Cann", &[id_of(&asked)]).await.ok();
    let listed = counts(&ann, "C2Cbob", &[id_of(&asked), id_of(&plain)]).await;
    assert_eq!(
        listed,
        json!([{"messageID": id_of(&asked), "readCount": 1, "unreadCount": 0}])
    );
    assert_eq!(
        ann.history("C2Cbob").await[0]["readCount"],
        1,
        "history says the peer read it"
    );
    let marker = send_asking(&ann, "C2Cbob", "and this?").await;
    give(&bob, "C2Cann", &[id_of(&marker)]).await.ok();
    let (_, next) = receipt_event(&mut anns).await;
    assert_eq!(
        next[0].message_id,
        id_of(&marker),
        "the repeated receipt was not told again"
    );

    // The sender's own receipt is passed over; a message the reader cannot see is refused.
    give(&ann, "C2Cbob", &[id_of(&asked)]).await.ok();
    give(&bob, "C2Cann", &["999999"])
        .await
        .expect_error(404, 40401, "not_found");
}

#[tokio::test]
async fn a_group_message_counts_the_members_it_reached_and_only_its_sender_sees_who() {
    let server = Server::start().await;
    let [ann, bob, cat] = server.group_of("plan", ["ann", "bob", "cat"]).await;
    let mut anns = ann.events().await;
    let asked = send_asking(&ann, GROUP, "friday?").await;
    let id = id_of(&asked);
    // Dan joins after it: it was not sent to him, and it is not unread for him.
    let dan = server.user("dan").await;
    server.manager().add_members("plan", &["dan"]).await;

    assert_eq!(
        counts(&ann, GROUP, &[id]).await,
        json!([{"messageID": id, "readCount": 0, "unreadCount": 2}])
    );
    give(&bob, GROUP, &[id]).await.ok();
    let (conversation, receipts) = receipt_event(&mut anns).await;
    assert_eq!(conversation, GROUP);
    assert_eq!((receipts[0].read_count, receipts[0].unread_count), (1, 1));

    let unread = members(&ann, id, "unread", "", 100).await.ok();
    assert_eq!(unread["userIDList"], json!(["cat"]));
    assert_eq!(unread["isCompleted"], true);
    assert_eq!(unread["cursor"], "");

    give(&cat, GROUP, &[id]).await.ok();
    let (_, receipts) = receipt_event(&mut anns).await;
    assert_eq!((receipts[0].read_count, receipts[0].unread_count), (2, 0));

    // Who read it, a page of one at a time.
    let first = members(&ann, id, "read", "", 1).await.ok();
    assert_eq!(first["userIDList"], json!(["bob"]));
    assert_eq!(first["isCompleted"], false);
    let cursor = first["cursor"].as_str().unwrap();
    let second = members(&ann, id, "read", cursor, 1).await.ok();
    assert_eq!(second["userIDList"], json!(["cat"]));
    assert_eq!(second["isCompleted"], true);

    // Only the sender asks; others' counts of it are not theirs.
    members(&bob, id, "read", "", 10).await.expect_error_naming(
        403,
        40301,
        "permission_denied",
        "messageID",
    );
    assert_eq!(counts(&bob, GROUP, &[id]).await, json!([]));
    // Dan, who joined after, cannot see it to give a receipt.
    give(&dan, GROUP, &[id])
        .await
        .expect_error(404, 40401, "not_found");
}

#[tokio::test]
async fn bad_receipt_calls_are_refused_with_the_field_they_got_wrong() {
    let server = Server::start().await;
    let [ann, bob] = server.users(["ann", "bob"]).await;
    let asked = send_asking(&ann, "C2Cbob", "hello").await;
    let id = id_of(&asked);

    give(&bob, "C2Cann", &[]).await.expect_error_naming(
        400,
        40001,
        "invalid_argument",
        "messageIDList",
    );
    let too_many: Vec<String> = (1..=101).map(|n| n.to_string()).collect();
    let refs: Vec<&str> = too_many.iter().map(String::as_str).collect();
    give(&bob, "C2Cann", &refs).await.expect_error_naming(
        400,
        40001,
        "invalid_argument",
        "messageIDList",
    );
    give(&bob, "C2Cann", &["not-an-id"])
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "messageIDList");
    give(&bob, "C2Ccat", &[id]).await.expect_error_naming(
        400,
        40001,
        "invalid_argument",
        "messageIDList",
    );
    let one_to_one = ann
        .post(
            "/v1/messages/read-receipts/members",
            json!({"conversationID": "C2Cbob", "messageID": id}),
        )
        .await;
    one_to_one.expect_error_naming(400, 40001, "invalid_argument", "conversationID");
    let [carl] = server.group_of("plan", ["carl"]).await;
    let sent = send_asking(&carl, GROUP, "x").await;
    members(&carl, id_of(&sent), "read", "", 0)
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "count");
    members(&carl, id_of(&sent), "read", "no such user!", 10)
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "cursor");
    members(&carl, id_of(&sent), "everyone", "", 10)
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "filter");
}
