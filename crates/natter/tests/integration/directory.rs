//! Finding users, groups and group members by name or ID (Tencent's `searchCloudUsers`,
//! `searchCloudGroups`, `searchCloudGroupMembers`): words found in names whatever their case
//! (in every script that has case), IDs matched whole, `or` and `and`, pages with a total, and no one finding what they may
//! not see.

use crate::common::{Server, User, group_path};
use serde_json::{Value, json};

async fn set_nick(user: &User, nick: &str) {
    user.post("/v1/profile", json!({"nick": nick})).await.ok();
}

async fn search(user: &User, what: &str, body: Value) -> Value {
    user.post(&format!("/v1/search/{what}"), body).await.ok()
}

fn ids(list: &Value, field: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item[field].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn users_are_found_by_a_word_of_their_nick_or_their_whole_id_a_page_at_a_time() {
    let server = Server::start().await;
    let [ann, bob, cat, dan] = server.users(["ann", "bob", "cat", "dan"]).await;
    set_nick(&ann, "Ann Archer").await;
    set_nick(&bob, "Bob the Builder").await;
    set_nick(&cat, "Cat Archer").await;
    set_nick(&dan, "annex").await;

    let found = search(&bob, "users", json!({"keywordList": ["ARCHER"]})).await;
    assert_eq!(ids(&found["searchResultList"], "userID"), ["ann", "cat"]);
    assert_eq!(found["searchResultList"][0]["nick"], "Ann Archer");
    assert_eq!(
        (found["totalCount"].as_u64(), found["cursor"].as_str()),
        (Some(2), Some(""))
    );

    // Case is folded beyond A–Z.
    set_nick(&dan, "Дан Ärcher").await;
    let folded = search(
        &bob,
        "users",
        json!({"keywordList": ["дАН", "ärcher"], "keywordListMatchType": "and"}),
    )
    .await;
    assert_eq!(ids(&folded["searchResultList"], "userID"), ["dan"]);
    set_nick(&dan, "annex").await;

    // An ID is matched whole: "bob" finds bob, not a nick holding "bob"; "an" finds by nick.
    let by_id = search(&ann, "users", json!({"keywordList": ["bob"]})).await;
    assert_eq!(ids(&by_id["searchResultList"], "userID"), ["bob"]);
    let both = json!({"keywordList": ["ann", "archer"], "keywordListMatchType": "and"});
    assert_eq!(
        ids(
            &search(&bob, "users", both).await["searchResultList"],
            "userID"
        ),
        ["ann"]
    );

    // A page of one, then the next from its cursor.
    let first = search(&bob, "users", json!({"keywordList": ["an"], "count": 1})).await;
    assert_eq!(ids(&first["searchResultList"], "userID"), ["ann"]);
    assert_eq!(first["totalCount"], 2);
    let cursor = first["cursor"].as_str().unwrap();
    let second = search(
        &bob,
        "users",
        json!({"keywordList": ["an"], "count": 1, "cursor": cursor}),
    )
    .await;
    assert_eq!(ids(&second["searchResultList"], "userID"), ["dan"]);
    assert_eq!(second["cursor"], "");

    // A word with LIKE's wildcards is taken literally.
    let literal = search(&bob, "users", json!({"keywordList": ["%"]})).await;
    assert_eq!(literal["totalCount"], 0);

    // Tencent's narrowing by gender and birthday, over what users set in their profiles (a
    // user who set none has neither).
    ann.post(
        "/v1/profile",
        json!({"gender": "Gender_Type_Female", "birthday": 19_900_512}),
    )
    .await
    .ok();
    cat.post(
        "/v1/profile",
        json!({"gender": "Gender_Type_Male", "birthday": 20_010_101}),
    )
    .await
    .ok();
    let narrowed = |filters: Value| {
        let mut body = json!({"keywordList": ["archer"]});
        body.as_object_mut()
            .unwrap()
            .extend(filters.as_object().unwrap().clone());
        let bob = bob.clone();
        async move {
            ids(
                &search(&bob, "users", body).await["searchResultList"],
                "userID",
            )
        }
    };
    assert_eq!(
        narrowed(json!({"userGenderType": "Gender_Type_Female"})).await,
        ["ann"]
    );
    assert_eq!(narrowed(json!({"maxBirthday": 20_000_101})).await, ["ann"]);
    assert_eq!(narrowed(json!({"miniBirthday": 20_000_101})).await, ["cat"]);
    assert_eq!(
        narrowed(
            json!({"userGenderType": "Gender_Type_Male", "miniBirthday": 0,
            "maxBirthday": 20_000_101})
        )
        .await,
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn groups_are_found_by_name_or_id_but_a_work_group_only_by_its_members() {
    let server = Server::start().await;
    let [ann, bob] = server.users(["ann", "bob"]).await;
    ann.create_group(json!({"groupID": "hikers", "name": "Weekend Hikers", "type": "Public"}))
        .await;
    ann.create_group(json!({"groupID": "hike-team", "name": "Hike planning"}))
        .await;
    ann.create_group(json!({"groupID": "chess", "name": "Chess club", "type": "ChatRoom"}))
        .await;

    let anns = search(&ann, "groups", json!({"keywordList": ["hike"]})).await;
    assert_eq!(
        ids(&anns["searchResultList"], "groupID"),
        ["hike-team", "hikers"]
    );
    assert_eq!(anns["searchResultList"][1]["memberCount"], 1);
    let bobs = search(&bob, "groups", json!({"keywordList": ["hike"]})).await;
    assert_eq!(
        ids(&bobs["searchResultList"], "groupID"),
        ["hikers"],
        "ann's work group is hers to find"
    );
    let by_type = json!({"keywordList": ["hike", "chess"], "groupTypeList": ["ChatRoom"]});
    assert_eq!(
        ids(
            &search(&bob, "groups", by_type).await["searchResultList"],
            "groupID"
        ),
        ["chess"]
    );
    let by_id = search(&bob, "groups", json!({"keywordList": ["chess"]})).await;
    assert_eq!(by_id["totalCount"], 1);
}

#[tokio::test]
async fn members_are_found_by_nick_name_card_or_id_in_the_users_own_groups_only() {
    let server = Server::start().await;
    let [ann, bob, cat, dan] = server.users(["ann", "bob", "cat", "dan"]).await;
    set_nick(&bob, "Bobby").await;
    set_nick(&cat, "Catherine").await;
    let members =
        |uids: &[&str]| -> Vec<Value> { uids.iter().map(|u| json!({"userID": u})).collect() };
    ann.create_group(json!({"groupID": "club", "name": "Club", "type": "Public",
                            "memberList": members(&["bob", "cat"])}))
        .await;
    ann.create_group(json!({"groupID": "crew", "name": "Crew", "memberList": members(&["bob"])}))
        .await;
    // cat's name card in club says who she is there.
    cat.post(
        &group_path("club", "/members/update"),
        json!({"userID": "cat", "nameCard": "Treasurer"}),
    )
    .await
    .ok();

    let found = search(
        &ann,
        "group-members",
        json!({"keywordList": ["bob", "treasurer"]}),
    )
    .await;
    assert_eq!(found["totalCount"], 3, "bob twice, once per group, and cat");
    let groups = found["searchResultList"].as_array().unwrap();
    assert_eq!(groups[0]["groupInfo"]["groupID"], "club");
    assert_eq!(groups[0]["groupInfo"]["type"], "Public");
    assert_eq!(ids(&groups[0]["memberList"], "userID"), ["bob", "cat"]);
    assert_eq!(groups[0]["memberList"][1]["nameCard"], "Treasurer");
    assert_eq!(groups[1]["groupInfo"]["groupID"], "crew");
    assert_eq!(ids(&groups[1]["memberList"], "userID"), ["bob"]);

    let narrowed = json!({"keywordList": ["bob"], "groupIDList": ["crew"]});
    assert_eq!(
        search(&ann, "group-members", narrowed).await["totalCount"],
        1
    );
    // dan is in none of them: he finds no one.
    let none = search(&dan, "group-members", json!({"keywordList": ["bob"]})).await;
    assert_eq!(
        (
            none["totalCount"].as_u64(),
            none["searchResultList"].as_array().map(Vec::len)
        ),
        (Some(0), Some(0))
    );
}

#[tokio::test]
async fn bad_searches_are_refused_naming_the_field() {
    let server = Server::start().await;
    let [ann] = server.users(["ann"]).await;
    let refused = |body: Value, what: &'static str, field: &'static str| {
        let ann = ann.clone();
        async move {
            ann.post(&format!("/v1/search/{what}"), body)
                .await
                .expect_error_naming(400, 40001, "invalid_argument", field);
        }
    };
    refused(json!({"keywordList": []}), "users", "keywordList").await;
    refused(
        json!({"keywordList": ["a"], "userGenderType": "Gender_Type_Unknown"}),
        "users",
        "userGenderType",
    )
    .await;
    refused(
        json!({"keywordList": ["a"], "miniBirthday": 1}),
        "groups",
        "miniBirthday",
    )
    .await;
    refused(
        json!({"keywordList": ["a", "b", "c", "d", "e", "f"]}),
        "users",
        "keywordList",
    )
    .await;
    refused(json!({"keywordList": [""]}), "groups", "keywordList[0]").await;
    refused(json!({"keywordList": ["a\u{0}b"]}), "users", "keywordList").await;
    refused(
        json!({"keywordList": ["a"], "keywordListMatchType": "xor"}),
        "users",
        "keywordListMatchType",
    )
    .await;
    refused(
        json!({"keywordList": ["a"], "count": 101}),
        "users",
        "count",
    )
    .await;
    refused(
        json!({"keywordList": ["a"], "cursor": "later"}),
        "groups",
        "cursor",
    )
    .await;
    refused(
        json!({"keywordList": ["a"], "groupTypeList": ["AVChatRoom"]}),
        "groups",
        "groupTypeList",
    )
    .await;
    refused(
        json!({"keywordList": ["a"], "groupTypeList": ["Public"]}),
        "users",
        "groupTypeList",
    )
    .await;
    refused(
        json!({"keywordList": ["a"], "groupIDList": ["x"]}),
        "groups",
        "groupIDList",
    )
    .await;
    refused(
        json!({"keywordList": ["a"], "groupIDList": []}),
        "group-members",
        "groupIDList",
    )
    .await;
}
