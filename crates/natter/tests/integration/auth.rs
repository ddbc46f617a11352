//! Who may call what: tokens on both surfaces, the manager, user tokens on the server API, token
//! replacement and the per-user rate limit.

use crate::common::{Options, Server, random_token};
use serde_json::json;

#[tokio::test]
async fn no_token_is_401_on_both_surfaces() {
    let server = Server::start().await;
    let anonymous = server.anonymous();
    anonymous
        .get("/v1/conversations")
        .await
        .expect_error(401, 40101, "unauthenticated");
    anonymous
        .post(
            "/v1/messages",
            json!({"conversationID": "C2Cbob", "payload": {}}),
        )
        .await
        .expect_error(401, 40101, "unauthenticated");
    let answer = anonymous
        .post(
            "/message/send",
            json!({"from_uid": "a", "channel_id": "b", "channel_type": 1, "payload": "e30="}),
        )
        .await;
    answer.expect_error(401, 40101, "unauthenticated");
    assert_eq!(answer.body["status"], 401);
    anonymous
        .get("/app/settings")
        .await
        .expect_error(401, 40101, "unauthenticated");
}

#[tokio::test]
async fn an_unknown_token_is_401_on_both_surfaces() {
    let server = Server::start().await;
    server.user("alice").await;
    let stranger = server.with_bearer(&random_token("nobody"));
    stranger
        .get("/v1/unread")
        .await
        .expect_error(401, 40101, "unauthenticated");
    stranger
        .get("/app/settings")
        .await
        .expect_error(401, 40101, "unauthenticated");
    server
        .with_token_header(&random_token("nobody"))
        .post(
            "/conversations/delete",
            json!({"uid": "alice", "channel_id": "bob", "channel_type": 1}),
        )
        .await
        .expect_error(401, 40101, "unauthenticated");
}

#[tokio::test]
async fn a_user_token_acts_on_its_own_conversations_only() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    bob.send_text("C2Calice", "hi").await;
    let as_alice = server.with_bearer(&alice.token);

    as_alice
        .post(
            "/conversations/delete",
            json!({"uid": "bob", "channel_id": "alice", "channel_type": 1}),
        )
        .await
        .expect_error(403, 40301, "permission_denied");
    as_alice
        .post(
            "/conversations/batchDelete",
            json!({"uid": "bob", "channels": [{"channel_id": "alice", "channel_type": 1}]}),
        )
        .await
        .expect_error(403, 40301, "permission_denied");
    as_alice
        .post(
            "/conversations/setUnread",
            json!({"uid": "bob", "channel_id": "alice", "channel_type": 1, "unread": 1}),
        )
        .await
        .expect_error(403, 40301, "permission_denied");
    as_alice
        .post("/conversation/sync", json!({"uid": "bob", "version": 0}))
        .await
        .expect_error(403, 40301, "permission_denied");
    assert_eq!(bob.list_ids().await, ["C2Calice"], "bob's list untouched");

    let own = as_alice
        .post(
            "/conversations/delete",
            json!({"uid": "alice", "channel_id": "bob", "channel_type": 1}),
        )
        .await
        .ok();
    assert_eq!(own, json!({"status": 200}));
    assert!(alice.list_ids().await.is_empty());
}

#[tokio::test]
async fn a_user_token_is_refused_on_the_other_server_endpoints() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    server.user("bob").await;
    let as_alice = server.with_token_header(&alice.token);
    let calls = [
        (
            "/user/token",
            json!({"uid": "mallory", "token": random_token("m"), "device_flag": 0, "device_level": 1}),
        ),
        (
            "/channel",
            json!({"channel_id": "team", "channel_type": 2, "subscribers": ["alice"]}),
        ),
        (
            "/channel/subscriber_add",
            json!({"channel_id": "team", "channel_type": 2, "subscribers": ["alice"]}),
        ),
        (
            "/channel/subscriber_remove",
            json!({"channel_id": "team", "channel_type": 2, "subscribers": ["alice"]}),
        ),
        (
            "/channel/delete",
            json!({"channel_id": "team", "channel_type": 2}),
        ),
        (
            "/message/send",
            json!({"from_uid": "bob", "channel_id": "alice", "channel_type": 1, "payload": "e30="}),
        ),
    ];
    for (path, body) in calls {
        as_alice
            .post(path, body)
            .await
            .expect_error(403, 40301, "permission_denied");
    }
    as_alice
        .get("/audit/conversations?uid=alice")
        .await
        .expect_error(403, 40301, "permission_denied");
    as_alice
        .get("/app/settings")
        .await
        .expect_error(403, 40301, "permission_denied");
    as_alice
        .put("/app/settings", json!({"sync_conversation_deletion": true}))
        .await
        .expect_error(403, 40301, "permission_denied");
    // Nothing happened.
    assert!(alice.list_ids().await.is_empty());
    assert_eq!(
        server.manager().get("/app/settings").await.ok(),
        json!({"sync_conversation_deletion": false, "friend_status_notification": false})
    );
    server
        .anonymous()
        .post("/v1/messages", json!({}))
        .await
        .expect_error(401, 40101, "unauthenticated");
}

#[tokio::test]
async fn the_manager_token_is_refused_on_the_client_api() {
    let server = Server::start().await;
    for manager in [
        server.with_bearer(&server.manager_token),
        server.with_token_header(&server.manager_token),
    ] {
        manager
            .get("/v1/conversations")
            .await
            .expect_error(403, 40301, "permission_denied");
        manager
            .post(
                "/v1/conversations/delete",
                json!({"conversationIDList": ["C2Cbob"]}),
            )
            .await
            .expect_error(403, 40301, "permission_denied");
    }
}

#[tokio::test]
async fn bearer_and_token_headers_both_work_on_the_server_api() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    server.user("bob").await.send_text("C2Calice", "hi").await;
    for manager in [
        server.with_bearer(&server.manager_token),
        server.with_token_header(&server.manager_token),
    ] {
        manager.get("/app/settings").await.ok();
    }
    server
        .with_token_header(&alice.token)
        .post("/conversation/sync", json!({"uid": "alice", "version": 0}))
        .await
        .ok();
    server
        .with_bearer(&alice.token)
        .post("/conversation/sync", json!({"uid": "alice", "version": 0}))
        .await
        .ok();
}

#[tokio::test]
async fn server_api_errors_carry_status_and_msg_and_client_api_errors_do_not() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let server_error = server
        .manager()
        .raw(reqwest::Method::POST, "/message/send", "{oops")
        .await;
    let message = server_error.expect_error(400, 40001, "invalid_argument");
    assert_eq!(server_error.body["status"], 400);
    assert_eq!(server_error.body["msg"], message.as_str());

    let forbidden = server.with_bearer(&alice.token).get("/app/settings").await;
    let message = forbidden.expect_error(403, 40301, "permission_denied");
    assert_eq!(forbidden.body["status"], 403);
    assert_eq!(forbidden.body["msg"], message.as_str());

    let client_error = alice
        .raw(reqwest::Method::POST, "/v1/messages", "{oops")
        .await;
    client_error.expect_error(400, 40001, "invalid_argument");
    let fields: Vec<&String> = client_error.body.as_object().unwrap().keys().collect();
    assert_eq!(fields, ["code", "error", "message", "requestID"]);

    // Every answer names its request, and an error body repeats that name.
    for answer in [&server_error, &forbidden, &client_error] {
        let header = answer.headers["x-request-id"].to_str().unwrap();
        assert_eq!(answer.body["requestID"], header);
    }
    assert_ne!(
        server_error.body["requestID"],
        client_error.body["requestID"]
    );
    let ok = alice.get("/v1/unread").await;
    assert!(ok.headers.contains_key("x-request-id"));
    // A request ID given by a proxy in front is kept.
    let named = server
        .anonymous()
        .send(
            server
                .anonymous()
                .request(reqwest::Method::GET, "/v1/unread")
                .header("x-request-id", "from-the-proxy"),
        )
        .await;
    assert_eq!(named.headers["x-request-id"], "from-the-proxy");
    assert_eq!(named.body["requestID"], "from-the-proxy");
    // One that is not text is replaced: it was echoed in the header but missing from the body.
    let unreadable = server
        .anonymous()
        .send(
            server
                .anonymous()
                .request(reqwest::Method::GET, "/v1/unread")
                .header(
                    "x-request-id",
                    reqwest::header::HeaderValue::from_bytes(b"ab\xffcd").unwrap(),
                ),
        )
        .await;
    let header = unreadable.headers["x-request-id"].to_str().unwrap();
    assert_eq!(unreadable.body["requestID"], header, "{}", unreadable.text);
}

#[tokio::test]
async fn a_new_token_for_the_same_device_replaces_the_old_one() {
    let server = Server::start().await;
    let old = server.user("alice").await;
    old.get("/v1/unread").await.ok();
    let new = server.user("alice").await;
    assert_ne!(old.token, new.token);
    old.get("/v1/unread")
        .await
        .expect_error(401, 40101, "unauthenticated");
    new.get("/v1/unread").await.ok();
    // Another device of the same user has its own token; both work.
    let web = server.device("alice", 1).await;
    web.get("/v1/unread").await.ok();
    new.get("/v1/unread").await.ok();

    server
        .manager()
        .post(
            "/user/token",
            json!({"uid": "alice", "token": "short", "device_flag": 0}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "token");
    server
        .manager()
        .post(
            "/user/token",
            json!({"uid": "alice", "token": random_token("x"), "device_flag": 3}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "device_flag");
    server
        .manager()
        .post(
            "/user/token",
            json!({"uid": "al ice", "token": random_token("x"), "device_flag": 0}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "uid");
    new.get("/v1/unread").await.ok();
}

#[tokio::test]
async fn a_burst_from_one_user_is_rate_limited_but_the_manager_is_not() {
    let server = Server::start_with(Options {
        rate_limit: 2,
        ..Options::default()
    })
    .await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;

    let mut statuses = Vec::new();
    let mut limited = None;
    for _ in 0..12 {
        let answer = alice.get("/v1/unread").await;
        statuses.push(answer.status.as_u16());
        if answer.status == 429 && limited.is_none() {
            limited = Some(answer);
        }
    }
    assert_eq!(statuses[0], 200, "{statuses:?}");
    let limited = limited.unwrap_or_else(|| panic!("no 429 in {statuses:?}"));
    limited.expect_error(429, 42901, "rate_limited");
    let retry_after: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After in seconds");
    assert!(retry_after >= 1);
    // The same bucket covers the user's token on the server API.
    let on_server_api = server
        .with_bearer(&alice.token)
        .post("/conversation/sync", json!({"uid": "alice", "version": 0}))
        .await;
    on_server_api.expect_error(429, 42901, "rate_limited");
    assert!(on_server_api.headers.contains_key("retry-after"));

    // Limits are per user, and the manager is never limited.
    bob.get("/v1/unread").await.ok();
    let manager = server.manager();
    for _ in 0..30 {
        manager.get("/app/settings").await.ok();
    }
}

#[tokio::test]
async fn a_signed_out_device_is_refused_at_once() {
    let server = Server::start().await;
    let phone = server.user("alice").await;
    let web = server.device("alice", 1).await;
    // Each token authenticated once already, as a client's does.
    phone.get("/v1/unread").await.ok();
    web.get("/v1/unread").await.ok();
    server.manager().sign_out("alice", 1).await;
    web.get("/v1/unread")
        .await
        .expect_error(401, 40101, "unauthenticated");
    phone.get("/v1/unread").await.ok();
    server.manager().sign_out("alice", -1).await;
    phone
        .get("/v1/unread")
        .await
        .expect_error(401, 40101, "unauthenticated");
}

#[tokio::test]
async fn without_a_manager_token_configured_the_server_api_says_so() {
    let server = Server::start_with(Options {
        without_manager_token: true,
        ..Options::default()
    })
    .await;
    let anyone = server.anonymous();
    let message = anyone
        .post(
            "/user/token",
            json!({"uid": "alice", "token": "alice-secret-token"}),
        )
        .await
        .expect_error(401, 40101, "unauthenticated");
    assert!(message.contains("--manager-token"), "{message}");
}
