//! Searching messages (Tencent's `searchCloudMessages`): by words in the text of each type, by
//! sender, type and time, in all the user's conversations or one, a page at a time; never what
//! the user cannot see (cleared, deleted for themself, recalled, before they joined). Case is
//! folded in every script that has it, not only A–Z.

use crate::common::{Server, User, encode};
use serde_json::{Value, json};

async fn search(user: &User, body: Value) -> Value {
    user.post("/v1/messages/search", body).await.ok()
}

/// The texts of one conversation's matches, newest first.
fn texts(result: &Value) -> Vec<&str> {
    result["messageList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["payload"]["text"].as_str().unwrap_or("?"))
        .collect()
}

#[tokio::test]
async fn words_find_the_messages_the_user_sees_in_every_conversation_or_one() {
    let server = Server::start().await;
    let [alice, bob, carol] = server.group_of("lunch", ["alice", "bob", "carol"]).await;
    alice.send_text("C2Cbob", "Pizza tonight?").await;
    bob.send_text("C2Calice", "no pizza, pasta").await;
    carol.send_text("GROUPlunch", "who wants PIZZA").await;
    bob.send_text("GROUPlunch", "soup").await;
    // a custom message's description, a file's name; a field's name finds nothing
    alice
        .post(
            "/v1/messages",
            json!({"conversationID": "C2Ccarol", "type": "TIMCustomElem",
                   "payload": {"data": "{}", "description": "pizza order", "extension": ""}}),
        )
        .await
        .ok();
    alice
        .post(
            "/v1/messages",
            json!({"conversationID": "C2Ccarol", "type": "TIMFileElem",
                   "payload": {"fileName": "menu.pdf", "fileUrl": "https://x/menu.pdf", "fileSize": 3}}),
        )
        .await
        .ok();

    // every conversation: the newest match's first; a single match comes with it
    let all = search(&alice, json!({"keywordList": ["pizza"]})).await;
    assert_eq!(all["totalCount"], 4);
    assert_eq!(all["cursor"], "");
    let results = all["searchResultList"].as_array().unwrap();
    let order: Vec<&str> = results
        .iter()
        .map(|r| r["conversationID"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["C2Ccarol", "GROUPlunch", "C2Cbob"]);
    assert_eq!(results[2]["messageCount"], 2);
    assert_eq!(
        results[2]["messageList"],
        json!([]),
        "two matches: search the conversation"
    );
    assert_eq!(results[1]["messageCount"], 1);
    assert_eq!(texts(&results[1]), ["who wants PIZZA"], "either case");
    assert_eq!(
        results[0]["messageList"][0]["payload"]["description"],
        "pizza order"
    );

    // one conversation, a page at a time, newest first; a match sent between pages repeats
    // nothing on the next
    let page = |cursor: &str| json!({"keywordList": ["pizza"], "conversationID": "C2Cbob", "count": 1, "cursor": cursor});
    let first = search(&alice, page("")).await;
    assert_eq!(texts(&first["searchResultList"][0]), ["no pizza, pasta"]);
    assert_eq!(first["totalCount"], 2);
    let cursor = first["cursor"].as_str().unwrap().to_owned();
    assert!(!cursor.is_empty(), "more to come");
    let late = bob.send_text("C2Calice", "pizza after all").await;
    let second = search(&alice, page(&cursor)).await;
    assert_eq!(texts(&second["searchResultList"][0]), ["Pizza tonight?"]);
    assert_eq!(second["cursor"], "");

    // every conversation, a page at a time: one per page here
    let per_page = |cursor: &str| json!({"keywordList": ["pizza"], "count": 1, "cursor": cursor});
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = search(&alice, per_page(&cursor)).await;
        for result in page["searchResultList"].as_array().unwrap() {
            seen.push(result["conversationID"].as_str().unwrap().to_owned());
        }
        cursor = page["cursor"].as_str().unwrap().to_owned();
        if cursor.is_empty() {
            break;
        }
    }
    assert_eq!(
        seen,
        ["C2Cbob", "C2Ccarol", "GROUPlunch"],
        "bob's new match put his first"
    );
    // bob takes it back: what follows counts without it
    bob.post(
        "/v1/messages/revoke",
        json!({"conversationID": "C2Calice", "messageID": late["messageID"]}),
    )
    .await
    .ok();

    // all the words, or any; by sender; by type
    let both = search(
        &alice,
        json!({"keywordList": ["pizza", "pasta"], "keywordListMatchType": "and"}),
    )
    .await;
    assert_eq!(both["totalCount"], 1);
    let any = search(&alice, json!({"keywordList": ["soup", "pasta"]})).await;
    assert_eq!(any["totalCount"], 2);
    let from_bob = search(&alice, json!({"senderUserIDList": ["bob"]})).await;
    assert_eq!(from_bob["totalCount"], 2, "bob's pasta and soup");
    let files = search(&alice, json!({"messageTypeList": ["TIMFileElem"]})).await;
    assert_eq!(files["totalCount"], 1);
    let by_name = search(&alice, json!({"keywordList": ["MENU"]})).await;
    assert_eq!(by_name["totalCount"], 1, "a file by its name");
    let field_name = search(&alice, json!({"keywordList": ["fileUrl"]})).await;
    assert_eq!(
        field_name["totalCount"], 0,
        "a field's name is no word of the message"
    );

    // a search by time: nothing sent in the future
    let later = search(
        &alice,
        json!({"keywordList": ["pizza"], "fromTime": 32503680000000i64}),
    )
    .await;
    assert_eq!(later["totalCount"], 0);
}

#[tokio::test]
async fn case_is_folded_in_every_script_that_has_it() {
    let server = Server::start().await;
    let [alice, bob] = server.users(["alice", "bob"]).await;
    bob.send_text("C2Calice", "Привет из Москвы").await;
    bob.send_text("C2Calice", "L'ÉCOLE est fermée").await;
    bob.send_text("C2Calice", "ΣΟΦΙΑ").await;
    bob.send_text("C2Calice", "你好 World").await;

    for (word, text) in [
        ("привет", "Привет из Москвы"),
        ("МОСКВЫ", "Привет из Москвы"),
        ("école", "L'ÉCOLE est fermée"),
        ("FERMÉE", "L'ÉCOLE est fermée"),
        ("σοφια", "ΣΟΦΙΑ"),
        ("你好 world", "你好 World"),
    ] {
        let found = search(&alice, json!({"keywordList": [word]})).await;
        assert_eq!(found["totalCount"], 1, "{word:?}");
        assert_eq!(texts(&found["searchResultList"][0]), [text], "{word:?}");
    }
    // Folding is not a looser match: a letter that differs still differs.
    let other = search(&alice, json!({"keywordList": ["ecole"]})).await;
    assert_eq!(other["totalCount"], 0, "É is not E");
}

#[tokio::test]
async fn what_the_user_cannot_see_is_never_found() {
    let server = Server::start().await;
    let [alice, bob, dave] = server.users(["alice", "bob", "dave"]).await;
    server
        .manager()
        .create_group("lunch", &["alice", "bob"])
        .await;
    bob.send_text("GROUPlunch", "secret pizza before dave")
        .await;
    server.manager().add_members("lunch", &["dave"]).await;
    bob.send_text("GROUPlunch", "pizza for all").await;
    let hidden = alice.send_text("C2Cbob", "pizza to forget").await;
    let recalled = alice.send_text("C2Cbob", "pizza oops").await;
    alice.send_text("C2Cbob", "pizza that stays").await;

    // dave joined after the first
    let found = search(&dave, json!({"keywordList": ["pizza"]})).await;
    assert_eq!(found["totalCount"], 1);
    assert_eq!(texts(&found["searchResultList"][0]), ["pizza for all"]);

    // alice deletes one for herself and recalls one
    alice
        .post(
            "/v1/messages/delete",
            json!({"conversationID": "C2Cbob", "messageIDList": [hidden["messageID"]]}),
        )
        .await
        .ok();
    alice
        .post(
            "/v1/messages/revoke",
            json!({"conversationID": "C2Cbob", "messageID": recalled["messageID"]}),
        )
        .await
        .ok();
    let mine = search(
        &alice,
        json!({"keywordList": ["pizza"], "conversationID": "C2Cbob"}),
    )
    .await;
    assert_eq!(texts(&mine["searchResultList"][0]), ["pizza that stays"]);
    let bobs = search(
        &bob,
        json!({"keywordList": ["pizza"], "conversationID": "C2Calice"}),
    )
    .await;
    assert_eq!(
        texts(&bobs["searchResultList"][0]),
        ["pizza that stays", "pizza to forget"]
    );

    // a conversation deleted with its history kept is still searched; cleared, it is not
    alice.delete(&["C2Cbob"], Some(false)).await.ok();
    let kept = search(&alice, json!({"keywordList": ["stays"]})).await;
    assert_eq!(kept["totalCount"], 1);
    alice
        .post(
            &format!("/v1/conversations/{}/clearHistory", encode("GROUPlunch")),
            json!({}),
        )
        .await
        .ok();
    let cleared = search(
        &alice,
        json!({"keywordList": ["pizza"], "conversationID": "GROUPlunch"}),
    )
    .await;
    assert_eq!(cleared["totalCount"], 0);
    assert_eq!(cleared["searchResultList"], json!([]));
}

#[tokio::test]
async fn a_search_that_cannot_be_made_is_refused_plainly() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    for (body, field) in [
        (json!({}), "keywordList"),
        (
            json!({"keywordList": ["a", "b", "c", "d", "e", "f"]}),
            "keywordList",
        ),
        (json!({"keywordList": [""]}), "keywordList[0]"),
        (
            json!({"keywordList": ["a"], "keywordListMatchType": "xor"}),
            "keywordListMatchType",
        ),
        (json!({"messageTypeList": ["TIMNope"]}), "messageTypeList"),
        (json!({"keywordList": ["a"], "count": 0}), "count"),
        (json!({"keywordList": ["a"], "cursor": "x"}), "cursor"),
    ] {
        alice
            .post("/v1/messages/search", body)
            .await
            .expect_error_naming(400, 40001, "invalid_argument", field);
    }
    alice
        .post(
            "/v1/messages/search",
            json!({"keywordList": ["a"], "conversationID": "nope"}),
        )
        .await
        .expect_error_naming(400, 40002, "invalid_conversation_id", "conversationID");

    // a word with LIKE's own characters, or JSON's, is taken as it is
    let bob = server.user("bob").await;
    alice.send_text("C2Cbob", r#"a 100% "real" C:\pizza"#).await;
    for (word, found) in [
        ("100%", 1),
        ("10_%", 0),
        ("1%", 0),
        (r#""real""#, 1),
        (r"C:\p", 1),
    ] {
        let answer = search(&bob, json!({"keywordList": [word]})).await;
        assert_eq!(answer["totalCount"], found, "{word}");
    }
}
