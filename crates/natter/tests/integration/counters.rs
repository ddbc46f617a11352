//! A group's counters (Tencent's `setGroupCounters`, `increaseGroupCounter`,
//! `decreaseGroupCounter`, `getGroupCounters`): any member sets and moves them, every member
//! reads them and hears each change, concurrent raises all count, and the limits hold.

use crate::common::{Resp, Server, User, event_where, group_path};
use natter_sdk::EventStream;
use natter_sdk::wire::{GroupCounter, ServerEvent};
use serde_json::{Value, json};

async fn call(user: &User, group: &str, rest: &str, body: Value) -> Resp {
    user.post(&group_path(group, &format!("/counters{rest}")), body)
        .await
}

/// Raises the counter `taps` of the group `stage` by one; the answer.
async fn tap(user: &User) -> Value {
    call(
        user,
        "stage",
        "/increase",
        json!({"key": "taps", "value": 1}),
    )
    .await
    .ok()
}

async fn counter_event(events: &mut EventStream) -> GroupCounter {
    event_where(events, |event| match event {
        ServerEvent::GroupCounterUpdated(counter) => Some(counter),
        _ => None,
    })
    .await
}

#[tokio::test]
async fn members_set_and_move_counters_and_every_member_hears_each() {
    let server = Server::start().await;
    let [ann, bob] = server.group_of("stage", ["ann", "bob"]).await;
    let mut bobs = bob.events().await;

    let set = call(
        &ann,
        "stage",
        "",
        json!({"counters": {"likes": 5, "views": 0}}),
    )
    .await
    .ok();
    assert_eq!(
        set,
        json!({"groupID": "stage", "counters": {"likes": 5, "views": 0}})
    );
    let mut heard = [
        counter_event(&mut bobs).await,
        counter_event(&mut bobs).await,
    ];
    heard.sort_by(|a, b| a.key.cmp(&b.key));
    assert_eq!(
        heard
            .iter()
            .map(|c| (c.key.as_str(), c.value))
            .collect::<Vec<_>>(),
        [("likes", 5), ("views", 0)]
    );

    let up = call(
        &bob,
        "stage",
        "/increase",
        json!({"key": "likes", "value": 3}),
    )
    .await
    .ok();
    assert_eq!(
        up,
        json!({"groupID": "stage", "key": "likes", "value": 8, "revision": 2})
    );
    assert_eq!(counter_event(&mut bobs).await.value, 8);
    let down = call(
        &ann,
        "stage",
        "/decrease",
        json!({"key": "gifts", "value": 2}),
    )
    .await
    .ok();
    assert_eq!(down["value"], -2, "a new counter starts at 0");

    let all = call(&bob, "stage", "/get", json!({})).await.ok();
    assert_eq!(
        all["counters"],
        json!({"gifts": -2, "likes": 8, "views": 0})
    );
    let some = call(&bob, "stage", "/get", json!({"keyList": ["likes", "nope"]}))
        .await
        .ok();
    assert_eq!(
        some["counters"],
        json!({"likes": 8}),
        "a key it lacks is left out"
    );
}

#[tokio::test]
async fn raises_made_at_once_all_count() {
    let server = Server::start().await;
    let [ann, bob] = server.group_of("stage", ["ann", "bob"]).await;
    let raises = (0..20).map(|n| tap(if n % 2 == 0 { &ann } else { &bob }));
    futures_util::future::join_all(raises).await;
    let all = call(&ann, "stage", "/get", json!({"keyList": ["taps"]}))
        .await
        .ok();
    assert_eq!(all["counters"]["taps"], 20);
}

#[tokio::test]
async fn limits_strangers_and_bad_input_are_refused() {
    let server = Server::start().await;
    let [ann] = server.group_of("stage", ["ann"]).await;
    let stranger = server.user("sam").await;
    call(&stranger, "stage", "", json!({"counters": {"a": 1}}))
        .await
        .expect_error(403, 40301, "permission_denied");
    call(&stranger, "stage", "/get", json!({}))
        .await
        .expect_error(403, 40301, "permission_denied");
    call(&ann, "nowhere", "", json!({"counters": {"a": 1}}))
        .await
        .expect_error(404, 40401, "not_found");

    let twenty: serde_json::Map<String, Value> =
        (0..20).map(|n| (format!("k{n}"), json!(n))).collect();
    call(&ann, "stage", "", json!({"counters": twenty}))
        .await
        .ok();
    call(
        &ann,
        "stage",
        "/increase",
        json!({"key": "k21", "value": 1}),
    )
    .await
    .expect_error(409, 40901, "conflict");
    call(&ann, "stage", "/increase", json!({"key": "k0", "value": 1}))
        .await
        .ok();

    let bad = |rest: &'static str, body: Value, field: &'static str| {
        let ann = ann.clone();
        async move {
            call(&ann, "stage", rest, body).await.expect_error_naming(
                400,
                40001,
                "invalid_argument",
                field,
            );
        }
    };
    bad("", json!({"counters": {}}), "counters").await;
    bad("", json!({"counters": {"": 1}}), "counters").await;
    bad("", json!({"counters": {"a": "many"}}), "counters").await;
    bad("/increase", json!({"key": "k1", "value": -1}), "value").await;
    bad(
        "/increase",
        json!({"key": "k1", "value": i64::MAX}),
        "value",
    )
    .await;
    bad(
        "/decrease",
        json!({"key": "x".repeat(129), "value": 1}),
        "key",
    )
    .await;
    bad("/get", json!({"keyList": [""]}), "keyList").await;
}

/// Pushes of two changes made at once may reach a device in either order (above all across
/// nodes); each carries its change's revision so that a client keeps the newest. Revisions
/// follow the order the changes committed, are shared with the group's attributes, and keep
/// growing when a dismissed group's ID is used again.
#[tokio::test]
async fn every_change_is_numbered_in_commit_order_across_counters_and_attributes() {
    let server = Server::start().await;
    let [ann, bob] = server.group_of("stage", ["ann", "bob"]).await;
    let mut bobs = bob.events().await;
    let raises = (0..10).map(|n| tap(if n % 2 == 0 { &ann } else { &bob }));
    let answers = futures_util::future::join_all(raises).await;
    let mut by_value: Vec<(i64, i64)> = answers
        .iter()
        .map(|a| {
            (
                a["value"].as_i64().unwrap(),
                a["revision"].as_i64().unwrap(),
            )
        })
        .collect();
    by_value.sort();
    let revisions: Vec<i64> = by_value.iter().map(|(_, revision)| *revision).collect();
    assert_eq!(
        revisions,
        (1..=10).collect::<Vec<_>>(),
        "the nth raise to commit is the nth change"
    );
    let mut heard = Vec::new();
    for _ in 0..10 {
        let pushed = counter_event(&mut bobs).await;
        assert_eq!(
            by_value[usize::try_from(pushed.value - 1).unwrap()].1,
            pushed.revision,
            "each push carries its change's revision"
        );
        heard.push(pushed.revision);
    }
    heard.sort();
    assert_eq!(heard, revisions);

    ann.post(
        &group_path("stage", "/attributes"),
        json!({"groupAttributes": {"topic": "Jazz"}}),
    )
    .await
    .ok();
    let attributes = event_where(&mut bobs, |event| match event {
        ServerEvent::GroupAttributesUpdated(changed) => Some(changed),
        _ => None,
    })
    .await;
    assert_eq!(
        attributes.revision, 11,
        "attributes and counters share one order"
    );

    let manager = server.manager();
    manager.dismiss_group("stage").await;
    manager.create_group("stage", &["ann", "bob"]).await;
    assert_eq!(tap(&ann).await["revision"], 12);
}
