//! Reactions to messages (Tencent's `addMessageReaction`, `removeMessageReaction`,
//! `getMessageReactions`, `getAllUserListOfMessageReaction`): any member who sees a message
//! reacts once per reaction and takes it back; every member's devices hear the reaction as it
//! now is, each told whether they are among those who reacted; a member who cannot see the
//! message can neither react to it nor read its reactions.

use crate::common::{Resp, Server, User, event_where};
use natter_sdk::EventStream;
use natter_sdk::wire::{MessageReactions, ServerEvent};
use serde_json::{Value, json};

const GROUP: &str = "GROUPlunch";
const SMILE: &str = "[TUIEmoji_Smile]";

async fn reaction_event(events: &mut EventStream) -> MessageReactions {
    event_where(events, |event| match event {
        ServerEvent::MessageReactionsUpdated(reactions) => Some(reactions),
        _ => None,
    })
    .await
}

async fn react(user: &User, conversation: &str, message_id: &str, reaction: &str) -> Resp {
    user.post(
        "/v1/messages/reactions",
        json!({"conversationID": conversation, "messageID": message_id, "reactionID": reaction}),
    )
    .await
}

async fn unreact(user: &User, conversation: &str, message_id: &str, reaction: &str) -> Resp {
    user.post(
        "/v1/messages/reactions/remove",
        json!({"conversationID": conversation, "messageID": message_id, "reactionID": reaction}),
    )
    .await
}

/// The reactions to one message, as `user` reads them.
async fn reactions(user: &User, conversation: &str, message_id: &str) -> Value {
    let list = user
        .post(
            "/v1/messages/reactions/list",
            json!({"conversationID": conversation, "messageIDList": [message_id]}),
        )
        .await
        .ok();
    list["resultList"][0]["reactionList"].clone()
}

fn user_ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|user| user["userID"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn members_react_and_every_member_hears_the_reaction_as_it_now_is() {
    let server = Server::start().await;
    let [alice, bob, carol] = server.group_of("lunch", ["alice", "bob", "carol"]).await;
    let sent = alice.send_text(GROUP, "pizza?").await;
    let id = sent["messageID"].as_str().unwrap();
    let mut alices = alice.events().await;
    let mut bobs = bob.events().await;

    let answer = react(&bob, GROUP, id, SMILE).await.ok();
    assert_eq!(answer["messageID"], id);
    assert_eq!(answer["version"], 1, "the message's reactions changed once");
    let reaction = &answer["reactionList"][0];
    assert_eq!(reaction["reactionID"], SMILE);
    assert_eq!(reaction["totalUserCount"], 1);
    assert_eq!(reaction["reactedByMyself"], true);
    assert_eq!(user_ids(&reaction["partialUserList"]), ["bob"]);

    let heard = reaction_event(&mut alices).await;
    assert_eq!(
        (heard.conversation_id.as_str(), heard.message_id.as_str()),
        (GROUP, id)
    );
    assert_eq!(heard.reaction_list[0].total_user_count, 1);
    assert!(
        !heard.reaction_list[0].reacted_by_myself,
        "alice did not react"
    );
    assert_eq!(heard.version, 1);
    assert!(reaction_event(&mut bobs).await.reaction_list[0].reacted_by_myself);

    // carol too, and a second reaction of bob's; the list gives them in the order first made
    react(&carol, GROUP, id, SMILE).await.ok();
    react(&bob, GROUP, id, "[TUIEmoji_Heart]").await.ok();
    let listed = reactions(&alice, GROUP, id).await;
    assert_eq!(listed[0]["reactionID"], SMILE);
    assert_eq!(listed[0]["totalUserCount"], 2);
    assert_eq!(user_ids(&listed[0]["partialUserList"]), ["bob", "carol"]);
    assert_eq!(listed[0]["reactedByMyself"], false);
    assert_eq!(listed[1]["reactionID"], "[TUIEmoji_Heart]");
    assert_eq!(
        reactions(&carol, GROUP, id).await[0]["reactedByMyself"],
        true
    );
    let list = alice
        .post(
            "/v1/messages/reactions/list",
            json!({"conversationID": GROUP, "messageIDList": [id]}),
        )
        .await
        .ok();
    assert_eq!(list["resultList"][0]["version"], 3, "three changes so far");

    // everyone who reacted so, a page at a time
    let page = |next_seq: u64| {
        json!({"conversationID": GROUP, "messageID": id, "reactionID": SMILE,
               "nextSeq": next_seq, "count": 1})
    };
    let first = alice
        .post("/v1/messages/reactions/users", page(0))
        .await
        .ok();
    assert_eq!(user_ids(&first["userList"]), ["bob"]);
    assert_eq!(
        (first["nextSeq"].clone(), first["isCompleted"].clone()),
        (json!(1), json!(false))
    );
    let second = alice
        .post("/v1/messages/reactions/users", page(1))
        .await
        .ok();
    assert_eq!(user_ids(&second["userList"]), ["carol"]);
    assert_eq!(
        (second["nextSeq"].clone(), second["isCompleted"].clone()),
        (json!(0), json!(true))
    );

    // bob takes his smile back: one left; carol hers: none, and the reaction is gone
    let after = unreact(&bob, GROUP, id, SMILE).await.ok();
    assert_eq!(after["reactionList"][0]["totalUserCount"], 1);
    assert_eq!(after["reactionList"][0]["reactedByMyself"], false);
    unreact(&carol, GROUP, id, SMILE).await.ok();
    let left = reactions(&alice, GROUP, id).await;
    assert_eq!(left.as_array().unwrap().len(), 1, "only the heart: {left}");
    assert_eq!(left[0]["reactionID"], "[TUIEmoji_Heart]");
}

#[tokio::test]
async fn what_cannot_be_reacted_is_refused_plainly() {
    let server = Server::start().await;
    let [alice, bob, dave] = server.users(["alice", "bob", "dave"]).await;
    let sent = alice.send_text("C2Cbob", "hi").await;
    let id = sent["messageID"].as_str().unwrap();

    react(&bob, "C2Calice", id, SMILE).await.ok();
    react(&bob, "C2Calice", id, SMILE)
        .await
        .expect_error_naming(409, 40902, "already_reacted", "reactionID");
    unreact(&alice, "C2Cbob", id, SMILE)
        .await
        .expect_error_naming(409, 40903, "not_reacted", "reactionID");
    react(&bob, "C2Calice", id, "").await.expect_error_naming(
        400,
        40001,
        "invalid_argument",
        "reactionID",
    );
    react(&bob, "C2Calice", id, &"x".repeat(129))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "reactionID");
    react(&bob, "C2Calice", "nope", SMILE)
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "messageID");
    // someone outside the conversation: the message is not in theirs
    react(&dave, "C2Calice", id, SMILE)
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "messageID");
    react(&bob, "C2Calice", "999999", SMILE)
        .await
        .expect_error_naming(404, 40401, "not_found", "messageID");

    // twenty different reactions, then no more
    for n in 1..20 {
        react(&alice, "C2Cbob", id, &format!("r{n}")).await.ok();
    }
    react(&alice, "C2Cbob", id, "r20")
        .await
        .expect_error_naming(409, 40904, "too_many_reactions", "reactionID");
    react(&alice, "C2Cbob", id, SMILE).await.ok();

    // a recalled message takes none
    alice
        .post(
            "/v1/messages/revoke",
            json!({"conversationID": "C2Cbob", "messageID": id}),
        )
        .await
        .ok();
    react(&bob, "C2Calice", id, "r1")
        .await
        .expect_error(409, 40901, "conflict");
}

#[tokio::test]
async fn a_member_who_cleared_the_message_away_neither_reacts_nor_hears() {
    let server = Server::start().await;
    let [alice, bob, carol] = server.group_of("lunch", ["alice", "bob", "carol"]).await;
    let sent = alice.send_text(GROUP, "pizza?").await;
    let id = sent["messageID"].as_str().unwrap();
    carol
        .post(
            &format!(
                "/v1/conversations/{}/clearHistory",
                crate::common::encode(GROUP)
            ),
            json!({}),
        )
        .await
        .ok();
    let mut carols = carol.events().await;

    react(&carol, GROUP, id, SMILE)
        .await
        .expect_error_naming(404, 40401, "not_found", "messageID");
    assert_eq!(
        reactions(&carol, GROUP, id).await,
        json!([]),
        "none to read"
    );
    react(&bob, GROUP, id, SMILE).await.ok();
    // carol hears of bob's next message's reaction, not of this one
    let next = alice.send_text(GROUP, "pasta?").await;
    let next_id = next["messageID"].as_str().unwrap();
    react(&bob, GROUP, next_id, SMILE).await.ok();
    let heard = reaction_event(&mut carols).await;
    assert_eq!(heard.message_id, next_id);
}
