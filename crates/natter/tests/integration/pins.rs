//! Messages pinned at the top of a group (Tencent's `pinGroupMessage`,
//! `getPinnedGroupMessageList`): who may pin in each type of group, the list every member
//! reads, the push every member's devices hear, the limit of 10, and what is refused.

use crate::common::{Resp, Server, User, event_where, group_path};
use natter_sdk::EventStream;
use natter_sdk::wire::ServerEvent;
use serde_json::{Value, json};

async fn pin(user: &User, group: &str, message_id: &str, is_pinned: bool) -> Resp {
    user.post(
        &group_path(group, "/pinned-messages"),
        json!({"messageID": message_id, "isPinned": is_pinned}),
    )
    .await
}

/// `(messageID, pinner)` of each pinned message, as `user` reads them.
async fn pinned(user: &User, group: &str) -> Vec<(String, String)> {
    let list = user.get(&group_path(group, "/pinned-messages")).await.ok();
    list["messageList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pinned| {
            let id = pinned["message"]["messageID"].as_str().unwrap().to_owned();
            let pinner = pinned["pinnerInfo"]["userID"].as_str().unwrap().to_owned();
            (id, pinner)
        })
        .collect()
}

/// The next pin a device hears: `(groupID, messageID, isPinned, operator)`.
async fn pin_event(events: &mut EventStream) -> (String, String, bool, String) {
    event_where(events, |event| match event {
        ServerEvent::GroupPinnedMessageUpdated {
            group_id,
            message,
            is_pinned,
            operator_info,
        } => Some((
            group_id,
            message.message_id,
            is_pinned,
            operator_info.user_id,
        )),
        _ => None,
    })
    .await
}

fn id_of(message: &Value) -> String {
    message["messageID"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_work_groups_members_pin_and_every_member_hears_and_reads_the_same_list() {
    let server = Server::start().await;
    let [ann, bob, cat] = server.group_of("crew", ["ann", "bob", "cat"]).await;
    let first = id_of(&ann.send_text("GROUPcrew", "the plan").await);
    let second = id_of(&bob.send_text("GROUPcrew", "the address").await);
    let mut cats = cat.events().await;

    pin(&bob, "crew", &second, true).await.ok();
    assert_eq!(
        pin_event(&mut cats).await,
        ("crew".into(), second.clone(), true, "bob".into())
    );
    pin(&cat, "crew", &first, true).await.ok();
    pin_event(&mut cats).await;
    let expected = vec![
        (first.clone(), "cat".into()),
        (second.clone(), "bob".into()),
    ];
    assert_eq!(pinned(&ann, "crew").await, expected, "oldest message first");

    // Pinning again changes nothing and tells no one; unpinning does.
    pin(&ann, "crew", &first, true).await.ok();
    pin(&ann, "crew", &second, false).await.ok();
    assert_eq!(
        pin_event(&mut cats).await,
        ("crew".into(), second.clone(), false, "ann".into()),
        "the repeated pin was not told"
    );
    assert_eq!(pinned(&bob, "crew").await, vec![(first, "cat".into())]);
    // Unpinning what is not pinned is no change either.
    pin(&ann, "crew", &second, false).await.ok();
}

#[tokio::test]
async fn elsewhere_the_owner_and_admins_pin_and_a_group_holds_ten() {
    let server = Server::start().await;
    let [ann, bob, cat] = server.users(["ann", "bob", "cat"]).await;
    let everyone = ["bob", "cat"].map(|uid| json!({"userID": uid}));
    ann.create_group(
        json!({"groupID": "club", "name": "Club", "type": "Public", "memberList": everyone}),
    )
    .await;
    let message = id_of(&cat.send_text("GROUPclub", "hello").await);
    pin(&cat, "club", &message, true)
        .await
        .expect_error(403, 40301, "permission_denied");
    ann.post(
        &group_path("club", "/members/update"),
        json!({"userID": "bob", "role": "Admin"}),
    )
    .await
    .ok();
    pin(&bob, "club", &message, true).await.ok();

    let mut ids = vec![message];
    for n in 0..9 {
        let sent = id_of(&ann.send_text("GROUPclub", &format!("#{n}")).await);
        pin(&ann, "club", &sent, true).await.ok();
        ids.push(sent);
    }
    let eleventh = id_of(&ann.send_text("GROUPclub", "one more").await);
    pin(&ann, "club", &eleventh, true)
        .await
        .expect_error_naming(409, 40906, "too_many_pinned_messages", "messageID");
    pin(&ann, "club", &ids[0], false).await.ok();
    pin(&ann, "club", &eleventh, true).await.ok();
    assert_eq!(pinned(&cat, "club").await.len(), 10);

    // A recalled pinned message shows as recalled; a recalled one is not pinned anew.
    ann.post(
        "/v1/messages/revoke",
        json!({"conversationID": "GROUPclub", "messageID": eleventh}),
    )
    .await
    .ok();
    let list = cat.get(&group_path("club", "/pinned-messages")).await.ok();
    assert_eq!(list["messageList"][9]["message"]["isRevoked"], true);
    let recalled = id_of(&ann.send_text("GROUPclub", "oops").await);
    pin(&ann, "club", &ids[1], false).await.ok();
    ann.post(
        "/v1/messages/revoke",
        json!({"conversationID": "GROUPclub", "messageID": recalled}),
    )
    .await
    .ok();
    pin(&ann, "club", &recalled, true)
        .await
        .expect_error(409, 40901, "conflict");
}

#[tokio::test]
async fn strangers_other_groups_messages_and_bad_ids_are_refused() {
    let server = Server::start().await;
    let [ann, _bob] = server.group_of("crew", ["ann", "bob"]).await;
    let stranger = server.user("sam").await;
    let message = id_of(&ann.send_text("GROUPcrew", "ours").await);
    pin(&stranger, "crew", &message, true)
        .await
        .expect_error(403, 40301, "permission_denied");
    stranger
        .get(&group_path("crew", "/pinned-messages"))
        .await
        .expect_error(403, 40301, "permission_denied");
    let elsewhere = id_of(&ann.send_text("C2Cbob", "not the group's").await);
    pin(&ann, "crew", &elsewhere, true)
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "messageID");
    pin(&ann, "crew", "nope", true).await.expect_error_naming(
        400,
        40001,
        "invalid_argument",
        "messageID",
    );
    pin(&ann, "crew", "424242", true).await.expect_error_naming(
        404,
        40401,
        "not_found",
        "messageID",
    );
    pin(&ann, "nowhere", &message, true)
        .await
        .expect_error(404, 40401, "not_found");
    ann.post(
        &group_path("crew", "/pinned-messages"),
        json!({"messageID": message}),
    )
    .await
    .expect_error_naming(400, 40001, "invalid_argument", "isPinned");
    let [room_owner] = server.group_of("live", ["rita"]).await;
    let manager = server.manager();
    manager
        .0
        .post(
            "/channel/info",
            json!({"channel_id": "live", "channel_type": 2, "group_type": "AVChatRoom"}),
        )
        .await
        .ok();
    let live = id_of(&room_owner.send_text("GROUPlive", "on air").await);
    pin(&room_owner, "live", &live, true)
        .await
        .expect_error(403, 40301, "permission_denied");
}
