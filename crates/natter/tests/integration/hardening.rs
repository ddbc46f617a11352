//! Hardening: who may call what (every endpoint against every kind of token), security
//! headers, metrics, connection and per-IP limits, and a full disk.

use std::path::Path;
use std::time::Duration;

use crate::common::{Options, Server};
use serde_json::{Value, json};

/// Every client API endpoint, with a body it would accept.
fn client_endpoints() -> Vec<(&'static str, &'static str, Value)> {
    let ids = json!({"conversationIDList": ["C2Cbob"]});
    vec![
        ("GET", "/v1/conversations", json!(null)),
        ("GET", "/v1/conversations/C2Cbob", json!(null)),
        ("GET", "/v1/conversations/C2Cbob/messages", json!(null)),
        ("GET", "/v1/conversations/sync", json!(null)),
        ("GET", "/v1/unread", json!(null)),
        ("GET", "/v1/conversation-groups", json!(null)),
        ("GET", "/v1/ws", json!(null)),
        (
            "POST",
            "/v1/messages",
            json!({"conversationID": "C2Cbob", "payload": {"text": "x"}}),
        ),
        ("POST", "/v1/conversations/delete", ids.clone()),
        ("POST", "/v1/conversations/archive", ids.clone()),
        ("POST", "/v1/conversations/restore", ids.clone()),
        (
            "POST",
            "/v1/conversations/pin",
            json!({"conversationID": "C2Cbob", "isPinned": true}),
        ),
        (
            "POST",
            "/v1/conversations/mark",
            json!({"conversationIDList": ["C2Cbob"], "markType": 1, "enableMark": true}),
        ),
        (
            "POST",
            "/v1/conversations/draft",
            json!({"conversationID": "C2Cbob", "draftText": "x"}),
        ),
        (
            "POST",
            "/v1/conversations/customData",
            json!({"conversationIDList": ["C2Cbob"], "customData": "x"}),
        ),
        (
            "POST",
            "/v1/conversations/remindType",
            json!({"conversationIDList": ["C2Cbob"], "messageRemindType": "Discard"}),
        ),
        ("POST", "/v1/conversations/readAll", json!({})),
        ("POST", "/v1/conversations/C2Cbob/read", json!({})),
        ("POST", "/v1/conversations/C2Cbob/clearHistory", json!({})),
        ("POST", "/v1/conversation-groups", json!({"groupName": "f"})),
        (
            "POST",
            "/v1/conversation-groups/rename",
            json!({"oldName": "f", "newName": "g"}),
        ),
        (
            "POST",
            "/v1/conversation-groups/delete",
            json!({"groupName": "f"}),
        ),
        (
            "POST",
            "/v1/conversation-groups/add",
            json!({"groupName": "f", "conversationIDList": ["C2Cbob"]}),
        ),
        (
            "POST",
            "/v1/conversation-groups/remove",
            json!({"groupName": "f", "conversationIDList": ["C2Cbob"]}),
        ),
        ("POST", "/v1/groups/team/leave", json!({})),
    ]
}

/// Server API endpoints only the manager may call.
fn manager_endpoints() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "POST",
            "/user/token",
            json!({"uid": "mallory", "token": "mallory-token-1"}),
        ),
        (
            "POST",
            "/channel",
            json!({"channel_id": "team", "channel_type": 2, "subscribers": ["alice"]}),
        ),
        (
            "POST",
            "/channel/subscriber_add",
            json!({"channel_id": "team", "channel_type": 2, "subscribers": ["alice"]}),
        ),
        (
            "POST",
            "/channel/subscriber_remove",
            json!({"channel_id": "team", "channel_type": 2, "subscribers": ["bob"]}),
        ),
        (
            "POST",
            "/channel/delete",
            json!({"channel_id": "team", "channel_type": 2}),
        ),
        (
            "POST",
            "/message/send",
            json!({"from_uid": "bob", "channel_id": "alice", "channel_type": 1, "payload": "e30="}),
        ),
        (
            "POST",
            "/system/notices",
            json!({"uids": ["bob"], "payload": "e30="}),
        ),
        (
            "POST",
            "/conversations/restore",
            json!({"uid": "bob", "channel_id": "alice", "channel_type": 1}),
        ),
        ("GET", "/audit/conversations", json!(null)),
        ("GET", "/app/settings", json!(null)),
        (
            "PUT",
            "/app/settings",
            json!({"sync_conversation_deletion": true}),
        ),
    ]
}

/// Server API conversation endpoints, which a user token may call for its own uid.
fn conversation_endpoints(uid: &str) -> Vec<(&'static str, Value)> {
    vec![
        (
            "/conversations/delete",
            json!({"uid": uid, "channel_id": "carol", "channel_type": 1}),
        ),
        (
            "/conversations/batchDelete",
            json!({"uid": uid, "channels": [{"channel_id": "carol", "channel_type": 1}]}),
        ),
        (
            "/conversations/clearUnread",
            json!({"uid": uid, "channel_id": "carol", "channel_type": 1}),
        ),
        (
            "/conversations/setUnread",
            json!({"uid": uid, "channel_id": "carol", "channel_type": 1, "unread": 0}),
        ),
        (
            "/conversation/sync",
            json!({"uid": uid, "version": 0, "msg_count": 1}),
        ),
    ]
}

async fn call(
    client: &crate::common::Client,
    method: &str,
    path: &str,
    body: &Value,
) -> crate::common::Resp {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let body = if body.is_null() {
        Vec::new()
    } else {
        body.to_string().into_bytes()
    };
    client.raw(method, path, body).await
}

#[tokio::test]
async fn every_endpoint_answers_each_kind_of_token_as_documented() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    server.user("carol").await.send_text("C2Calice", "hi").await;
    server.user("carol").await.send_text("C2Cbob", "hi").await;
    let anonymous = server.anonymous();
    let wrong = server.with_bearer("not-a-token-anyone-has");
    let manager = server.manager();

    for (method, path, body) in client_endpoints() {
        call(&anonymous, method, path, &body)
            .await
            .expect_error(401, 40101, "unauthenticated");
        call(&wrong, method, path, &body)
            .await
            .expect_error(401, 40101, "unauthenticated");
        let as_manager = call(&manager, method, path, &body).await;
        let expected = if path == "/v1/ws" {
            (401, 40101, "unauthenticated")
        } else {
            (403, 40301, "permission_denied")
        };
        as_manager.expect_error(expected.0, expected.1, expected.2);
    }
    for (method, path, body) in manager_endpoints() {
        call(&anonymous, method, path, &body)
            .await
            .expect_error(401, 40101, "unauthenticated");
        call(&wrong, method, path, &body)
            .await
            .expect_error(401, 40101, "unauthenticated");
        call(&alice, method, path, &Value::Null).await.expect_error(
            403,
            40301,
            "permission_denied",
        );
        call(&alice, method, path, &body)
            .await
            .expect_error(403, 40301, "permission_denied");
    }
    for (path, body) in conversation_endpoints("bob") {
        call(&anonymous, "POST", path, &body)
            .await
            .expect_error(401, 40101, "unauthenticated");
        call(&wrong, "POST", path, &body)
            .await
            .expect_error(401, 40101, "unauthenticated");
        call(&alice, "POST", path, &body)
            .await
            .expect_error(403, 40301, "permission_denied");
        // Past authorization: 200, or 404 once an earlier call deleted carol's conversation.
        for (who, client) in [("the manager", &*manager), ("bob for bob", &bob.client)] {
            let answer = call(client, "POST", path, &body).await;
            assert!(
                matches!(answer.status.as_u16(), 200 | 404),
                "{path} as {who}: {}",
                answer.text
            );
        }
    }
}

#[tokio::test]
async fn answers_carry_security_headers_and_requests_are_measured() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    for response in [
        alice.get("/v1/unread").await,
        alice.get("/v1/conversations/C2C").await,
    ] {
        for (name, value) in [
            ("x-content-type-options", "nosniff"),
            ("x-frame-options", "DENY"),
            ("referrer-policy", "no-referrer"),
            ("cache-control", "no-store"),
        ] {
            assert_eq!(response.headers.get(name).unwrap(), value, "{name}");
        }
    }
    let metrics = server.anonymous().get("/metrics").await.text;
    for series in [
        "natter_http_responses_total{status=\"200\"}",
        "natter_http_responses_total{status=\"400\"} 1",
        "natter_http_request_duration_seconds_bucket{le=\"+Inf\"}",
        "natter_http_request_duration_seconds_count",
        "natter_websocket_connections 0",
    ] {
        assert!(
            metrics.contains(series),
            "{series} missing from:\n{metrics}"
        );
    }
}

#[tokio::test]
async fn browsers_on_the_allowed_origins_may_call_the_api_and_others_may_not() {
    let server = Server::start_with(Options {
        cors_origins: vec!["https://app.example.com".into()],
        ..Options::default()
    })
    .await;
    let alice = server.user("alice").await;
    let preflight = |origin: &'static str| {
        let anonymous = server.anonymous();
        async move {
            anonymous
                .send(
                    anonymous
                        .request(reqwest::Method::OPTIONS, "/v1/conversations/delete")
                        .header("origin", origin)
                        .header("access-control-request-method", "POST")
                        .header(
                            "access-control-request-headers",
                            "authorization,content-type,x-natter-connection",
                        ),
                )
                .await
        }
    };
    let allowed = preflight("https://app.example.com").await;
    assert_eq!(
        allowed.headers["access-control-allow-origin"],
        "https://app.example.com"
    );
    let headers = allowed.headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(headers.contains("x-natter-connection"), "{headers}");
    let other = preflight("https://evil.example.com").await;
    assert!(!other.headers.contains_key("access-control-allow-origin"));
    // A real call from the allowed origin can read the answer and its request ID.
    let answer = alice
        .send(
            alice
                .request(reqwest::Method::GET, "/v1/unread")
                .header("origin", "https://app.example.com"),
        )
        .await;
    assert_eq!(
        answer.headers["access-control-allow-origin"],
        "https://app.example.com"
    );
    assert!(
        answer.headers["access-control-expose-headers"]
            .to_str()
            .unwrap()
            .contains("x-request-id")
    );
}

#[tokio::test]
async fn one_user_holds_a_bounded_number_of_websockets() {
    let server = Server::start_with(Options {
        max_connections_per_user: Some(2),
        ..Options::default()
    })
    .await;
    // A slave device (device_level 0): a master login would replace its own older connection.
    let token = crate::common::random_token("alice");
    server
        .manager()
        .post(
            "/user/token",
            json!({"uid": "alice", "token": token, "device_level": 0}),
        )
        .await
        .ok();
    let url = format!(
        "{}/v1/ws?token={token}",
        server.base.replacen("http", "ws", 1)
    );
    let mut open = Vec::new();
    for _ in 0..2 {
        use futures_util::{SinkExt, StreamExt};
        let (mut socket, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
        socket.send(r#"{"event":"ping"}"#.into()).await.unwrap();
        socket.next().await.unwrap().unwrap();
        open.push(socket);
    }
    match tokio_tungstenite::connect_async(&url).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 429);
            assert!(response.headers().contains_key("retry-after"));
        }
        other => panic!("expected 429, got {other:?}"),
    }
    let metrics = server.anonymous().get("/metrics").await.text;
    assert!(
        metrics.contains("natter_websocket_connections 2"),
        "{metrics}"
    );
}

#[tokio::test]
async fn one_ip_is_limited_when_asked() {
    let server = Server::start_with(Options {
        ip_rate_limit: Some(2),
        ..Options::default()
    })
    .await;
    let anonymous = server.anonymous();
    let mut limited = None;
    for _ in 0..20 {
        let response = anonymous.get("/healthz").await;
        if response.status == 429 {
            limited = Some(response);
            break;
        }
    }
    let limited = limited.expect("a burst from one IP is limited");
    limited.expect_error(429, 42901, "rate_limited");
    assert!(limited.headers.contains_key("retry-after"));
}

/// Mounts a small tmpfs at `dir`; `None` where this machine does not allow it.
fn small_filesystem(dir: &Path, megabytes: u32) -> Option<()> {
    let status = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
        .arg(dir)
        .status()
        .ok()?;
    status.success().then_some(())
}

fn unmount(dir: &Path) {
    let _ = std::process::Command::new("umount")
        .arg("-l")
        .arg(dir)
        .status();
}

#[tokio::test]
async fn a_full_disk_answers_503_keeps_every_acknowledged_message_and_recovers() {
    if crate::common::postgres_admin_url().is_some() {
        eprintln!("SKIPPED on PostgreSQL: this test fills the embedded database's filesystem");
        return;
    }
    let mount = tempfile::tempdir().unwrap();
    if small_filesystem(mount.path(), 6).is_none() {
        eprintln!(
            "SKIPPED: cannot mount a tmpfs here (needs root); the full-disk test did not run"
        );
        return;
    }
    // Ballast that can be deleted to free space later.
    let ballast = mount.path().join("ballast");
    std::fs::write(&ballast, vec![0u8; 2 << 20]).unwrap();
    let data_dir = mount.path().join("data");
    let mut server = Server::start_with(Options {
        data_dir: Some(data_dir.clone()),
        ..Options::default()
    })
    .await;
    let alice = server.user("alice").await;
    let _bob = server.user("bob").await;
    let big = "x".repeat(60 * 1024);
    let mut acknowledged = Vec::new();
    let mut refusal = None;
    for n in 0..200 {
        let response = alice.try_send("C2Cbob", json!({"text": big, "n": n})).await;
        if response.status == 200 {
            acknowledged.push(response.body["message"]["seq"].as_u64().unwrap());
        } else {
            refusal = Some(response);
            break;
        }
    }
    let refusal = refusal.expect("the disk filled up");
    refusal.expect_error(503, 50301, "unavailable");
    assert!(refusal.headers.contains_key("retry-after"));
    let stored = alice.history_seqs("C2Cbob").await;
    assert_eq!(
        stored, acknowledged,
        "every acknowledged message, and nothing half-written"
    );

    std::fs::remove_file(&ballast).unwrap();
    let after = alice
        .try_send("C2Cbob", json!({"text": "space again"}))
        .await
        .ok();
    assert_eq!(
        after["message"]["seq"],
        acknowledged.len() as u64 + 1,
        "no gap after the fault"
    );

    server.stop().await;
    let conn = rusqlite::Connection::open(data_dir.join("natter.sqlite3")).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    drop(conn);
    unmount(mount.path());
}

#[tokio::test]
async fn leaving_a_group_updates_the_users_other_devices() {
    use natter_sdk::wire::ServerEvent;
    use natter_sdk::{Chat, Event};
    let server = Server::start().await;
    let phone = server.device("alice", 0).await;
    let laptop = server.device("alice", 2).await;
    server.user("bob").await;
    server
        .manager()
        .create_group("team", &["alice", "bob"])
        .await;
    phone.send_text("GROUPteam", "bye").await;
    let laptop = Chat::login(&server.base, &laptop.token);
    let mut events = laptop.events(0).await.unwrap();
    phone.post("/v1/groups/team/leave", json!({})).await.ok();
    let updated = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Some(Event::Server(ServerEvent::ConversationListUpdated { conversation_list })) =
                events.next().await
            {
                return conversation_list;
            }
        }
    })
    .await
    .expect("the laptop hears of it");
    assert_eq!(updated[0].conversation_id, "GROUPteam");
}

/// Found by the chaos test (seed 2): rejoining changes the member's conversation (its unread
/// count restarts at the rejoin) but their devices were not told, and kept the old count.
#[tokio::test]
async fn rejoining_a_group_updates_the_users_devices() {
    use natter_sdk::wire::ServerEvent;
    use natter_sdk::{Chat, Event};
    let server = Server::start().await;
    let alice = server.device("alice", 0).await;
    let bob = server.user("bob").await;
    server
        .manager()
        .create_group("team", &["alice", "bob"])
        .await;
    bob.send_text("GROUPteam", "in her list").await;
    alice.post("/v1/groups/team/leave", json!({})).await.ok();
    bob.send_many("GROUPteam", 2).await;
    let phone = Chat::login(&server.base, &alice.token);
    let mut events = phone.events(0).await.unwrap();
    server.manager().add_members("team", &["alice"]).await;
    bob.send_text("GROUPteam", "welcome back").await;
    let updated = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Some(Event::Server(ServerEvent::ConversationListUpdated { conversation_list })) =
                events.next().await
            {
                return conversation_list;
            }
        }
    })
    .await
    .expect("the phone hears of the rejoin");
    assert_eq!(updated[0].conversation_id, "GROUPteam");
    assert_eq!(
        updated[0].unread_count, 0,
        "what was sent while away is not unread"
    );
    assert_eq!(alice.total_unread().await, 1, "unread starts at the rejoin");
}
