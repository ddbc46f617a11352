//! Communities' topics (Tencent's `createTopicInCommunity`, `getTopicList`,
//! `updateTopicProfile`, `deleteTopicFromCommunity`): managed by the community's owner and
//! admins, heard by every member, with the community's members as theirs, now and later;
//! messages to them as to a group, kept out of the conversation list and the unread total.

use crate::common::{Server, User, encode, event_where, group_path};
use natter_sdk::EventStream;
use natter_sdk::wire::ServerEvent;
use serde_json::{Value, json};

/// `ann` creates a community with topics holding `members`; its ID.
async fn community(ann: &User, members: &[&str]) -> String {
    let members: Vec<Value> = members.iter().map(|uid| json!({"userID": uid})).collect();
    let group = ann
        .create_group(
            json!({"name": "Hikers", "type": "Community", "isSupportTopic": true,
                             "memberList": members}),
        )
        .await;
    assert_eq!(group["isSupportTopic"], true);
    group["groupID"].as_str().unwrap().to_owned()
}

async fn create_topic(user: &User, group: &str, body: Value) -> crate::common::Resp {
    user.post(&group_path(group, "/topics"), body).await
}

/// `user` creates the topic "Trails" in `group`; its ID.
async fn trails(user: &User, group: &str) -> String {
    let topic = create_topic(user, group, json!({"topicName": "Trails"}))
        .await
        .ok();
    topic["topicID"].as_str().unwrap().to_owned()
}

async fn topics(user: &User, group: &str, named: Option<&[&str]>) -> Value {
    let query = named.map_or_else(String::new, |named| {
        format!("?topicIDList={}", encode(&named.join(",")))
    });
    user.get(&group_path(group, &format!("/topics{query}")))
        .await
        .ok()
}

fn topic_ids(list: &Value) -> Vec<String> {
    list["successTopicList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|topic| topic["topicID"].as_str().unwrap().to_owned())
        .collect()
}

/// The next topic event a device hears, as its JSON.
async fn topic_event(events: &mut EventStream) -> Value {
    event_where(events, |event| match event {
        ServerEvent::TopicCreated { .. }
        | ServerEvent::TopicUpdated { .. }
        | ServerEvent::TopicDeleted { .. } => Some(serde_json::to_value(event).unwrap()),
        _ => None,
    })
    .await
}

#[tokio::test]
async fn the_owner_and_admins_manage_topics_and_every_member_hears() {
    let server = Server::start().await;
    let [ann, bob, cat] = server.users(["ann", "bob", "cat"]).await;
    let group = community(&ann, &["bob", "cat"]).await;
    assert!(group.starts_with("@TGS#_"), "{group}");
    let mut bobs = bob.events().await;

    // A plain member creates none; the owner does, with an ID made or chosen.
    create_topic(&cat, &group, json!({"topicName": "Trails"}))
        .await
        .expect_error(403, 40301, "permission_denied");
    let made = create_topic(
        &ann,
        &group,
        json!({"topicName": "Trails", "introduction": "Where to go"}),
    )
    .await
    .ok();
    let trails = made["topicID"].as_str().unwrap().to_owned();
    assert!(trails.starts_with(&format!("{group}@TOPIC#_")), "{trails}");
    assert_eq!(
        made["conversation"]["conversationID"],
        format!("GROUP{trails}")
    );
    assert_eq!(made["conversation"]["unreadCount"], 0);
    assert_eq!(
        topic_event(&mut bobs).await,
        json!({"event": "topicCreated", "data": {"groupID": group, "topicID": trails}})
    );
    let gear = format!("{group}@TOPIC#_gear");
    create_topic(
        &ann,
        &group,
        json!({"topicName": "Gear", "topicID": gear, "customData": "x"}),
    )
    .await
    .ok();
    topic_event(&mut bobs).await;
    // Another community's, none of its own, the community's own ID: no topic IDs of this one.
    for id in [
        "@TGS#_other@TOPIC#_gear".to_owned(),
        format!("{group}@TOPIC#_"),
        group.clone(),
    ] {
        create_topic(&ann, &group, json!({"topicName": "X", "topicID": id}))
            .await
            .expect_error_naming(400, 40001, "invalid_argument", "topicID");
    }
    create_topic(&ann, &group, json!({"topicName": "Gear", "topicID": gear}))
        .await
        .expect_error(409, 40901, "conflict");

    // Every member lists them, oldest first; a named ID that is none is a failure.
    let all = topics(&bob, &group, None).await;
    assert_eq!(topic_ids(&all), [trails.as_str(), gear.as_str()]);
    assert_eq!(all["successTopicList"][0]["introduction"], "Where to go");
    assert_eq!(all["successTopicList"][1]["customData"], "x");
    let missing = format!("{group}@TOPIC#_none");
    let named = topics(&cat, &group, Some(&[&gear, &missing])).await;
    assert_eq!(topic_ids(&named), [gear.as_str()]);
    assert_eq!(named["failureTopicList"][0]["topicID"], missing);
    assert_eq!(named["failureTopicList"][0]["code"], 10010);

    // An admin changes one; everyone hears its profile.
    ann.post(
        &group_path(&group, "/members/update"),
        json!({"userID": "cat", "role": "Admin"}),
    )
    .await
    .ok();
    let changed = cat
        .request(
            reqwest::Method::PATCH,
            &group_path(&group, &format!("/topics/{}", encode(&gear))),
        )
        .json(&json!({"topicName": "Kit", "notification": "Pack light"}));
    let changed = cat.send(changed).await.ok();
    assert_eq!(changed["topicName"], "Kit");
    assert_eq!(changed["customData"], "x", "left out: kept");
    let heard = topic_event(&mut bobs).await;
    assert_eq!(heard["event"], "topicUpdated");
    assert_eq!(heard["data"]["topic"]["topicName"], "Kit");
    assert_eq!(heard["data"]["topic"]["notification"], "Pack light");
    assert_eq!(heard["data"]["topic"]["conversation"], Value::Null);

    // Deleting: the named one goes, an unknown one is a failure, and its ID stays taken.
    let deleted = ann
        .post(
            &group_path(&group, "/topics/delete"),
            json!({"topicIDList": [gear, missing]}),
        )
        .await
        .ok();
    assert_eq!(deleted["successTopicList"], json!([{"topicID": gear}]));
    assert_eq!(deleted["failureTopicList"][0]["topicID"], missing);
    assert_eq!(
        topic_event(&mut bobs).await,
        json!({"event": "topicDeleted", "data": {"groupID": group, "topicIDList": [gear]}})
    );
    assert_eq!(
        topic_ids(&topics(&bob, &group, None).await),
        [trails.as_str()]
    );
    create_topic(&ann, &group, json!({"topicName": "Gear", "topicID": gear}))
        .await
        .expect_error(409, 40901, "conflict");
    // All of them, when none is named.
    let deleted = ann
        .post(&group_path(&group, "/topics/delete"), json!({}))
        .await
        .ok();
    assert_eq!(deleted["successTopicList"], json!([{"topicID": trails}]));
    assert_eq!(
        topic_ids(&topics(&bob, &group, None).await),
        Vec::<String>::new()
    );

    // Outsiders see no topics; a group without them has none to list or make.
    let [dan] = server.users(["dan"]).await;
    dan.get(&group_path(&group, "/topics"))
        .await
        .expect_error(403, 40301, "permission_denied");
    let plain = ann
        .create_group(json!({"name": "Plain", "type": "Community"}))
        .await["groupID"]
        .as_str()
        .unwrap()
        .to_owned();
    create_topic(&ann, &plain, json!({"topicName": "X"}))
        .await
        .expect_error(400, 40001, "invalid_argument");
    ann.post(
        "/v1/groups",
        json!({"name": "Work", "type": "Private", "isSupportTopic": true}),
    )
    .await
    .expect_error_naming(400, 40001, "invalid_argument", "isSupportTopic");
    ann.post(
        "/v1/groups",
        json!({"groupID": "hikers", "name": "H", "type": "Community", "isSupportTopic": true}),
    )
    .await
    .expect_error_naming(400, 40001, "invalid_argument", "groupID");
}

#[tokio::test]
async fn a_topics_messages_reach_the_community_and_stay_out_of_the_list() {
    let server = Server::start().await;
    let [ann, bob, cat, dan] = server.users(["ann", "bob", "cat", "dan"]).await;
    let group = community(&ann, &["bob", "cat"]).await;
    let topic = trails(&ann, &group).await;
    let conversation = format!("GROUP{topic}");
    let mut cats = cat.events().await;

    bob.send_text(&conversation, "north ridge?").await;
    bob.send_text(&conversation, "or the lake").await;
    let received = event_where(&mut cats, |event| match event {
        ServerEvent::MessageReceived { message_list } => Some(message_list),
        _ => None,
    })
    .await;
    assert_eq!(received[0].conversation_id, conversation);
    // Its conversation comes with it, for the device to show with the topic.
    let pushed = event_where(&mut cats, |event| match event {
        ServerEvent::ConversationListUpdated { conversation_list } => Some(conversation_list),
        _ => None,
    })
    .await;
    assert_eq!(pushed[0].conversation_id, conversation);
    assert_eq!(pushed[0].unread_count, 1);
    assert_eq!(cat.unread(&conversation).await, 2, "asked for by its ID");
    let listed = topics(&cat, &group, None).await;
    let seen = &listed["successTopicList"][0]["conversation"];
    assert_eq!(seen["unreadCount"], 2);
    assert_eq!(seen["lastMessage"]["payload"]["text"], "or the lake");
    // Never in the list, nor in the total; the community's own conversation is.
    assert!(!cat.list_ids().await.contains(&conversation));
    assert!(cat.list_ids().await.contains(&format!("GROUP{group}")));
    assert_eq!(cat.total_unread().await, 0);
    // Not a group of the member's either.
    let groups = cat.get("/v1/groups").await.ok();
    let group_ids: Vec<&str> = groups["groupList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["groupID"].as_str().unwrap())
        .collect();
    assert_eq!(group_ids, [group.as_str()]);

    // Read, it counts nothing; what only a listed conversation has, it refuses.
    cat.post(
        &format!("/v1/conversations/{}/read", encode(&conversation)),
        json!({}),
    )
    .await
    .ok();
    assert_eq!(
        topics(&cat, &group, None).await["successTopicList"][0]["conversation"]["unreadCount"],
        0
    );
    cat.post(
        "/v1/conversations/pin",
        json!({"conversationID": conversation, "isPinned": true}),
    )
    .await
    .expect_error_naming(400, 40001, "invalid_argument", "conversationID");
    assert!(!cat.list_ids().await.contains(&conversation));

    // A topic's members are the community's: whoever joins later is one, whoever leaves is not.
    let manager = server.manager();
    manager.add_members(&group, &["dan"]).await;
    dan.send_text(&conversation, "count me in").await;
    assert_eq!(
        topics(&dan, &group, None).await["successTopicList"][0]["conversation"]["unreadCount"],
        0
    );
    manager.remove_members(&group, &["dan"]).await;
    dan.try_send(&conversation, json!({"text": "still here?"}))
        .await
        .expect_error(403, 40302, "not_a_member");
    // And a topic's members move only with the community.
    ann.post(
        &group_path(&topic, "/members"),
        json!({"userIDList": ["dan"]}),
    )
    .await
    .expect_error(400, 40001, "invalid_argument");
    ann.post(&group_path(&topic, "/leave"), json!({}))
        .await
        .expect_error(400, 40001, "invalid_argument");

    // Muted for all: only the community's owner and admins send.
    let mute = ann
        .request(
            reqwest::Method::PATCH,
            &group_path(&group, &format!("/topics/{}", encode(&topic))),
        )
        .json(&json!({"muteAllMembers": true}));
    assert_eq!(ann.send(mute).await.ok()["muteAllMembers"], true);
    bob.try_send(&conversation, json!({"text": "hello?"}))
        .await
        .expect_error(403, 40307, "muted");
    ann.send_text(&conversation, "quiet please").await;

    // Dismissing the community ends its topics.
    ann.post(&group_path(&group, "/dismiss"), json!({}))
        .await
        .ok();
    ann.try_send(&conversation, json!({"text": "anyone?"}))
        .await
        .expect_error(403, 40302, "not_a_member");
}

#[tokio::test]
async fn a_topic_that_receives_only_mentions_counts_the_rest_without_pushing_them() {
    let server = Server::start().await;
    let [ann, bob] = server.users(["ann", "bob"]).await;
    let group = community(&ann, &["bob"]).await;
    let topic = trails(&ann, &group).await;
    let conversation = format!("GROUP{topic}");
    let remind = |id: &str| json!({"conversationIDList": [id], "messageRemindType": "NotReceiveMsgExceptAt"});
    bob.post(
        "/v1/conversations/remindType",
        remind(&format!("GROUP{group}")),
    )
    .await
    .expect_error_naming(400, 40001, "invalid_argument", "messageRemindType");
    bob.post("/v1/conversations/remindType", remind(&conversation))
        .await
        .ok();
    let mut bobs = bob.events().await;

    // Not mentioned: counted in the topic, only its conversation pushed; mentioned: received.
    ann.send_text(&conversation, "anyone?").await;
    ann.post(
        "/v1/messages",
        json!({"conversationID": conversation, "type": "TIMTextElem",
               "payload": {"text": "@bob you?", "atUserList": ["bob"]}}),
    )
    .await
    .ok();
    let first = event_where(&mut bobs, |event| match event {
        ServerEvent::MessageReceived { message_list } => Some(message_list),
        ServerEvent::ConversationListUpdated { conversation_list } => {
            assert_eq!(
                conversation_list[0].message_remind_type,
                "NotReceiveMsgExceptAt"
            );
            None
        }
        _ => None,
    })
    .await;
    assert_eq!(
        first[0].payload["text"], "@bob you?",
        "the first one never came"
    );
    assert_eq!(bob.unread(&conversation).await, 2);
}

/// `by` mutes `user` in `topic` for `secs` seconds (0 unmutes); the raw answer.
async fn mute(by: &User, topic: &str, user: &str, secs: u64) -> crate::common::Resp {
    by.post(
        &group_path(topic, "/members/update"),
        json!({"userID": user, "muteTime": secs}),
    )
    .await
}

#[tokio::test]
async fn a_member_muted_in_one_topic_sends_everywhere_else() {
    let server = Server::start().await;
    let [ann, bob, cat] = server.users(["ann", "bob", "cat"]).await;
    let group = community(&ann, &["bob", "cat"]).await;
    let trails = trails(&ann, &group).await;
    let gear = create_topic(&ann, &group, json!({"topicName": "Gear"}))
        .await
        .ok()["topicID"]
        .as_str()
        .unwrap()
        .to_owned();
    let self_info = |list: &Value, topic: &str| {
        list["successTopicList"]
            .as_array()
            .unwrap()
            .iter()
            .find(|listed| listed["topicID"] == topic)
            .unwrap()["selfInfo"]
            .clone()
    };

    // Only the community's owner and admins mute, by its rules, in one topic.
    mute(&cat, &trails, "bob", 600)
        .await
        .expect_error(403, 40301, "permission_denied");
    mute(&ann, &trails, "ann", 600)
        .await
        .expect_error(403, 40301, "permission_denied");
    let mut cats = cat.events().await;
    let muted = mute(&ann, &trails, "bob", 600).await.ok();
    assert_eq!(
        muted["group"]["groupID"], group,
        "the answer is the community"
    );
    let until = muted["member"]["muteUntil"].as_u64().unwrap();
    assert!(until > 0, "{muted}");
    // The topic's members see the mute's tip in the topic.
    let tip = event_where(&mut cats, |event| match event {
        ServerEvent::MessageReceived { message_list } => Some(message_list[0].clone()),
        _ => None,
    })
    .await;
    assert_eq!(tip.conversation_id, format!("GROUP{trails}"));
    let tip = serde_json::to_value(&tip).unwrap();
    assert_eq!(tip["payload"]["memberList"][0]["muteTime"], 600, "{tip}");

    // Bob is muted there, and only there; he sees it with the topic.
    bob.try_send(&format!("GROUP{trails}"), json!({"text": "hello?"}))
        .await
        .expect_error(403, 40307, "muted");
    bob.send_text(&format!("GROUP{gear}"), "new boots").await;
    bob.send_text(&format!("GROUP{group}"), "hi all").await;
    let listed = topics(&bob, &group, None).await;
    assert_eq!(self_info(&listed, &trails)["muteUntil"], until);
    assert_eq!(self_info(&listed, &gear)["muteUntil"], 0);
    assert_eq!(
        self_info(&topics(&cat, &group, None).await, &trails)["muteUntil"],
        0,
        "each member sees their own"
    );
    // The community member is not muted.
    let member = ann
        .post(
            &group_path(&group, "/members/profile"),
            json!({"userIDList": ["bob"]}),
        )
        .await
        .ok();
    assert_eq!(member["memberList"][0]["muteUntil"], 0, "{member}");

    // A topic takes only a mute: a member's role, name card and fields are the community's.
    ann.post(
        &group_path(&trails, "/members/update"),
        json!({"userID": "bob", "role": "Admin"}),
    )
    .await
    .expect_error_naming(400, 40001, "invalid_argument", "groupID");
    ann.post(
        &group_path(&trails, "/members/update"),
        json!({"userID": "bob", "muteTime": 60, "nameCard": "Bobby"}),
    )
    .await
    .expect_error_naming(400, 40001, "invalid_argument", "groupID");

    // Unmuted, he sends; muted again, leaving the community ends it.
    mute(&ann, &trails, "bob", 0).await.ok();
    bob.send_text(&format!("GROUP{trails}"), "thanks").await;
    mute(&ann, &trails, "bob", 600).await.ok();
    let manager = server.manager();
    manager.remove_members(&group, &["bob"]).await;
    manager.add_members(&group, &["bob"]).await;
    bob.send_text(&format!("GROUP{trails}"), "back again").await;
    assert_eq!(
        self_info(&topics(&bob, &group, None).await, &trails)["muteUntil"],
        0
    );

    // A deleted topic mutes no one.
    ann.post(
        &group_path(&group, "/topics/delete"),
        json!({"topicIDList": [gear]}),
    )
    .await
    .ok();
    mute(&ann, &gear, "bob", 60)
        .await
        .expect_error(404, 40401, "not_found");
}

#[tokio::test]
async fn a_topics_self_info_tells_how_far_the_member_read() {
    let server = Server::start().await;
    let [ann, bob] = server.users(["ann", "bob"]).await;
    let group = community(&ann, &["bob"]).await;
    let topic = trails(&ann, &group).await;
    let conversation = format!("GROUP{topic}");
    let read_seq = |list: Value| list["successTopicList"][0]["selfInfo"]["readSeq"].clone();

    let seqs: Vec<u64> = [
        ann.send_text(&conversation, "one").await,
        ann.send_text(&conversation, "two").await,
    ]
    .iter()
    .map(|sent| sent["seq"].as_u64().unwrap())
    .collect();
    let before = read_seq(topics(&bob, &group, None).await).as_u64().unwrap();
    assert!(before < seqs[0], "{before}");
    bob.post(
        &format!("/v1/conversations/{}/read", encode(&conversation)),
        json!({}),
    )
    .await
    .ok();
    assert_eq!(read_seq(topics(&bob, &group, None).await), seqs[1]);
}

#[tokio::test]
async fn the_app_backend_manages_a_communitys_topics_as_its_owner_could() {
    let server = Server::start().await;
    let [ann, bob] = server.users(["ann", "bob"]).await;
    let group = community(&ann, &["bob"]).await;
    let manager = server.manager();
    let mut bobs = bob.events().await;

    let made = manager
        .post(
            &app_path(&group, "/topics"),
            json!({"topicName": "Notices", "introduction": "From the team"}),
        )
        .await
        .ok();
    let topic = made["topicID"].as_str().unwrap().to_owned();
    assert!(topic.starts_with(&format!("{group}@TOPIC#_")), "{topic}");
    assert_eq!(
        made["conversation"],
        Value::Null,
        "the app backend has no conversation"
    );
    assert_eq!(made["selfInfo"], Value::Null);
    assert_eq!(
        topic_event(&mut bobs).await,
        json!({"event": "topicCreated", "data": {"groupID": group, "topicID": topic}})
    );
    // Its members are the community's, as for a topic a member made.
    bob.send_text(&format!("GROUP{topic}"), "read it").await;

    let listed = manager
        .get(&app_path(
            &group,
            &format!(
                "/topics?topicIDList={}",
                encode(&format!("{topic},{group}@TOPIC#_none"))
            ),
        ))
        .await
        .ok();
    assert_eq!(topic_ids(&listed), std::slice::from_ref(&topic));
    assert_eq!(listed["successTopicList"][0]["topicName"], "Notices");
    assert_eq!(listed["failureTopicList"][0]["code"], 10010);

    let renamed = manager
        .send(
            manager
                .request(
                    reqwest::Method::PATCH,
                    &app_path(&group, &format!("/topics/{}", encode(&topic))),
                )
                .json(&json!({"topicName": "News", "muteAllMembers": true})),
        )
        .await
        .ok();
    assert_eq!(
        (
            renamed["topicName"].as_str(),
            renamed["muteAllMembers"].as_bool()
        ),
        (Some("News"), Some(true))
    );
    assert_eq!(topic_event(&mut bobs).await["event"], "topicUpdated");
    bob.try_send(&format!("GROUP{topic}"), json!({"text": "hello?"}))
        .await
        .expect_error(403, 40307, "muted");
    // The app backend mutes a member in one topic too.
    mute_as_app(&manager, &topic, "bob").await;
    assert!(
        topics(&bob, &group, None).await["successTopicList"][0]["selfInfo"]["muteUntil"]
            .as_u64()
            .unwrap()
            > 0
    );

    let deleted = manager
        .post(&app_path(&group, "/topics/delete"), json!({}))
        .await
        .ok();
    assert_eq!(deleted["successTopicList"], json!([{"topicID": topic}]));
    assert_eq!(topic_event(&mut bobs).await["event"], "topicDeleted");

    // Only in a community that holds topics, and only with the manager token.
    manager.create_group("plain", &["ann"]).await;
    let message = manager
        .post(&app_path("plain", "/topics"), json!({"topicName": "X"}))
        .await
        .expect_error(400, 40001, "invalid_argument");
    assert!(message.contains("has no topics"), "{message}");
    let outsider = server
        .with_token_header("not-the-manager-token")
        .post(&app_path(&group, "/topics"), json!({"topicName": "X"}))
        .await;
    assert_eq!(outsider.status, 401, "{}", outsider.text);
    ann.post(&group_path(&group, "/dismiss"), json!({}))
        .await
        .ok();
    manager
        .post(&app_path(&group, "/topics"), json!({"topicName": "Late"}))
        .await
        .expect_error(403, 40302, "not_a_member");
}

/// The app backend's path for a group's `rest`.
fn app_path(group: &str, rest: &str) -> String {
    format!("/groups/{}{rest}", encode(group))
}

/// The app backend mutes `user` in `topic` for ten minutes.
async fn mute_as_app(manager: &crate::common::Manager, topic: &str, user: &str) {
    manager
        .post(
            &app_path(topic, "/members/update"),
            json!({"userID": user, "muteTime": 600}),
        )
        .await
        .ok();
}
