//! Following (Tencent's `followUser`, `unfollowUser`, the follow lists, `getUserFollowInfo`,
//! `checkFollowType`): one-way follows without asking, mutual followers, lists newest first a
//! page at a time, counts, and per-user outcomes for what cannot be followed.

use crate::common::{Server, User, event_where};
use natter_sdk::EventStream;
use natter_sdk::wire::{FollowListType, ServerEvent};
use serde_json::{Value, json};

async fn follow(user: &User, ids: &[&str]) -> Value {
    user.post("/v1/follows", json!({"userIDList": ids}))
        .await
        .ok()["resultList"]
        .clone()
}

async fn list(user: &User, query: &str) -> Value {
    user.get(&format!("/v1/follows?{query}")).await.ok()
}

/// The next change of follow lists a device hears: who, and `(list, added)` per list.
async fn lists_event(events: &mut EventStream) -> (String, Vec<(FollowListType, bool)>) {
    event_where(events, |event| match event {
        ServerEvent::FollowListsUpdated {
            user_info,
            change_list,
        } => Some((
            user_info.user_id,
            change_list
                .iter()
                .map(|c| (c.list_type, c.is_add))
                .collect(),
        )),
        _ => None,
    })
    .await
}

fn ids(list: &Value) -> Vec<&str> {
    list["resultList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|user| user["userID"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn follows_are_one_way_and_two_make_mutual_followers() {
    let server = Server::start().await;
    let [ann, bob, cat] = server.users(["ann", "bob", "cat"]).await;
    bob.post("/v1/profile", json!({"nick": "Bobby"})).await.ok();

    let results = follow(&ann, &["bob", "cat"]).await;
    assert_eq!(
        results,
        json!([{"userID": "bob", "resultCode": 0, "resultInfo": ""},
               {"userID": "cat", "resultCode": 0, "resultInfo": ""}])
    );
    follow(&bob, &["ann"]).await;

    let following = list(&ann, "type=following").await;
    assert_eq!(ids(&following), ["cat", "bob"], "newest follow first");
    assert_eq!(following["resultList"][1]["nick"], "Bobby");
    assert!(following["resultList"][0]["followTime"].as_i64().unwrap() > 1_700_000_000);
    assert_eq!(following["nextCursor"], "");
    assert_eq!(ids(&list(&ann, "type=followers").await), ["bob"]);
    assert_eq!(ids(&list(&ann, "type=mutual").await), ["bob"]);
    assert_eq!(ids(&list(&cat, "type=followers").await), ["ann"]);

    let info = ann
        .post("/v1/follows/info", json!({"userIDList": ["ann", "cat"]}))
        .await
        .ok();
    assert_eq!(
        info["followInfoList"],
        json!([
            {"userID": "ann", "followersCount": 1, "followingCount": 2, "mutualFollowersCount": 1},
            {"userID": "cat", "followersCount": 1, "followingCount": 0, "mutualFollowersCount": 0}
        ])
    );
    let own = ann.post("/v1/follows/info", json!({})).await.ok();
    assert_eq!(own["followInfoList"][0]["userID"], "ann");

    let types = ann
        .post(
            "/v1/follows/check",
            json!({"userIDList": ["bob", "cat", "ann"]}),
        )
        .await
        .ok();
    let of = |n: usize| types["resultList"][n]["followType"].as_u64().unwrap();
    assert_eq!(
        (of(0), of(1), of(2)),
        (3, 2, 0),
        "bob both ways, cat one way"
    );
    let cats = cat
        .post("/v1/follows/check", json!({"userIDList": ["ann"]}))
        .await
        .ok();
    assert_eq!(cats["resultList"][0]["followType"], 1, "ann follows cat");

    // Unfollowing: bob is no longer mutual; a second time, he was not followed.
    let gone = ann
        .post("/v1/follows/remove", json!({"userIDList": ["bob"]}))
        .await
        .ok();
    assert_eq!(gone["resultList"][0]["resultCode"], 0);
    assert!(ids(&list(&ann, "type=mutual").await).is_empty());
    let again = ann
        .post("/v1/follows/remove", json!({"userIDList": ["bob"]}))
        .await
        .ok();
    assert_eq!(again["resultList"][0]["resultCode"], 40401);
}

#[tokio::test]
async fn both_sides_hear_which_of_their_lists_a_follow_changed() {
    let server = Server::start().await;
    let [ann, bob] = server.users(["ann", "bob"]).await;
    let mut anns = ann.events().await;
    let mut bobs = bob.events().await;
    follow(&ann, &["bob"]).await;
    assert_eq!(
        lists_event(&mut anns).await,
        ("bob".to_owned(), vec![(FollowListType::Following, true)])
    );
    assert_eq!(
        lists_event(&mut bobs).await,
        ("ann".to_owned(), vec![(FollowListType::Followers, true)])
    );
    // Bob follows back: the two become mutual followers.
    follow(&bob, &["ann"]).await;
    assert_eq!(
        lists_event(&mut anns).await,
        (
            "bob".to_owned(),
            vec![
                (FollowListType::Followers, true),
                (FollowListType::Mutual, true)
            ]
        )
    );
    // Following again changes nothing; ann's unfollow ends the mutual follow for both.
    follow(&bob, &["ann"]).await;
    ann.post("/v1/follows/remove", json!({"userIDList": ["bob"]}))
        .await
        .ok();
    assert_eq!(
        lists_event(&mut bobs).await.1,
        vec![
            (FollowListType::Following, true),
            (FollowListType::Mutual, true)
        ],
        "bob's own follow, on his device"
    );
    assert_eq!(
        lists_event(&mut bobs).await.1,
        vec![
            (FollowListType::Followers, false),
            (FollowListType::Mutual, false)
        ],
        "the repeated follow told nothing"
    );
}

#[tokio::test]
async fn a_list_comes_a_page_at_a_time() {
    let server = Server::start().await;
    let [ann] = server.users(["ann"]).await;
    let others = server.users(["u1", "u2", "u3"]).await;
    for other in &others {
        follow(other, &["ann"]).await;
    }
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = list(&ann, &format!("type=followers&count=2&cursor={cursor}")).await;
        seen.extend(ids(&page).iter().map(|id| id.to_string()));
        cursor = page["nextCursor"].as_str().unwrap().to_owned();
        if cursor.is_empty() {
            break;
        }
    }
    seen.sort();
    assert_eq!(seen, ["u1", "u2", "u3"], "every follower once");
}

#[tokio::test]
async fn what_cannot_be_followed_is_said_per_user_and_bad_calls_are_refused() {
    let server = Server::start().await;
    let [ann, _bob] = server.users(["ann", "bob"]).await;
    let results = follow(&ann, &["ann", "nobody", "bad id", "bob", "bob"]).await;
    let codes: Vec<u64> = results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["resultCode"].as_u64().unwrap())
        .collect();
    assert_eq!(codes, [40001, 40401, 40001, 0, 0], "{results}");
    assert!(
        results[2]["resultInfo"]
            .as_str()
            .unwrap()
            .contains("userIDList")
    );

    let too_many: Vec<String> = (0..21).map(|n| format!("u{n}")).collect();
    ann.post("/v1/follows", json!({"userIDList": too_many}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "userIDList");
    ann.post("/v1/follows", json!({"userIDList": []}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "userIDList");
    ann.get("/v1/follows?type=fans")
        .await
        .expect_error(400, 40001, "invalid_argument");
    ann.get("/v1/follows?type=followers&count=501")
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "count");
    ann.get("/v1/follows?type=followers&cursor=soon")
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "cursor");
    ann.post("/v1/follows/check", json!({"userIDList": []}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "userIDList");
}
