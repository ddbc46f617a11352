//! The user's option for all their messages (Tencent's `setAllReceiveMessageOpt`,
//! `getAllReceiveMessageOpt`): the default, a change every device of the user hears, and bad
//! input. What it does to pushes is in `webhooks.rs`.

use crate::common::{Server, event_where};
use natter_sdk::wire::ServerEvent;
use serde_json::json;

#[tokio::test]
async fn the_option_is_kept_and_every_device_of_the_user_hears_it() {
    let server = Server::start().await;
    let [ann] = server.users(["ann"]).await;
    let phone = server.device("ann", 2).await;
    let mut phones = phone.events().await;
    assert_eq!(
        ann.get("/v1/receive-option").await.ok(),
        json!({"messageRemindType": "AcceptAndNotify", "startTime": 0, "endTime": 0,
               "isRepeated": false})
    );
    let nightly = json!({"messageRemindType": "AcceptNotNotify", "startTime": 1_763_762_400,
        "endTime": 1_763_798_400, "isRepeated": true});
    assert_eq!(
        ann.put("/v1/receive-option", nightly.clone()).await.ok(),
        nightly
    );
    let heard = event_where(&mut phones, |event| match event {
        ServerEvent::AllReceiveMessageOptUpdated(option) => Some(option),
        _ => None,
    })
    .await;
    assert_eq!(heard.message_remind_type, "AcceptNotNotify");
    assert!(heard.is_repeated);
    assert_eq!(phone.get("/v1/receive-option").await.ok(), nightly);
}

#[tokio::test]
async fn bad_options_are_refused_naming_the_field() {
    let server = Server::start().await;
    let [ann] = server.users(["ann"]).await;
    let option = |remind: &str, start: i64| json!({"messageRemindType": remind, "startTime": start, "endTime": 10, "isRepeated": false});
    ann.put("/v1/receive-option", option("Discard", 0))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "messageRemindType");
    ann.put("/v1/receive-option", option("AcceptNotNotify", -5))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "startTime");
    ann.put(
        "/v1/receive-option",
        json!({"messageRemindType": "AcceptNotNotify"}),
    )
    .await
    .expect_error(400, 40001, "invalid_argument");
}
