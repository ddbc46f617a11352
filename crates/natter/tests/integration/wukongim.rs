//! WuKongIM's own web SDK (`wukongimjssdk` 1.0.4, protocol version 2) against a real Natter
//! with both WuKongIM listeners, driven through the Node harness in
//! `crates/natter-wukongim/js`: connecting, refusals, messages between SDKs and across the
//! HTTP API and the JSON WebSocket, kicks across gateways, and the RECV retry queue. Beside
//! them, a raw client of the protocol crate, for what the web SDK cannot do or show, and for
//! the real binary killed under it.
//!
//! These tests need Node.js and the harness's packages (`npm ci` in
//! `crates/natter-wukongim/js`; `scripts/test.sh` does both). Without them a test says so and
//! passes, except under `CI=true`, where it fails.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use crate::common::process::Process;
use crate::common::{Endpoint, Options, Server, Storage, User, find, random_token};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// How long a test waits for an event that must come.
const WAIT: Duration = Duration::from_secs(20);

fn harness_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../natter-wukongim/js")
}

/// The SDK bundled for Node, built once per test run; `None` (the test then passes, saying
/// why) when Node or the harness's packages are missing, except under `CI=true`.
fn sdk_bundle() -> Option<PathBuf> {
    static BUNDLE: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let bundle = BUNDLE.get_or_init(|| {
        let dir = harness_dir();
        if !dir.join("node_modules/wukongimjssdk").is_dir() {
            return Err(format!(
                "the harness's packages are not installed: run `npm ci` in {}",
                dir.display()
            ));
        }
        let built = std::process::Command::new("node")
            .arg("build.mjs")
            .current_dir(&dir)
            .output()
            .map_err(|error| format!("cannot run node ({error}): install Node.js 20"))?;
        if !built.status.success() {
            return Err(format!(
                "building the SDK bundle failed: {}",
                String::from_utf8_lossy(&built.stderr)
            ));
        }
        Ok(PathBuf::from(
            String::from_utf8_lossy(&built.stdout).trim().to_owned(),
        ))
    });
    match bundle {
        Ok(path) => Some(path.clone()),
        Err(why) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("the WuKongIM SDK tests must run under CI: {why}")
        }
        Err(why) => {
            eprintln!("skipped, the WuKongIM SDK cannot run: {why}");
            None
        }
    }
}

/// A server with both WuKongIM listeners, and the SDK bundle; `None` to skip.
async fn start() -> Option<(Server, String, PathBuf)> {
    let bundle = sdk_bundle()?;
    let server = Server::start_with(Options {
        wukongim: true,
        ..Options::default()
    })
    .await;
    let routes = server.anonymous().get("/route").await.ok();
    let ws = routes["ws_addr"].as_str().unwrap().to_owned();
    assert!(ws.starts_with("ws://127.0.0.1:"), "{routes}");
    assert!(
        routes["tcp_addr"]
            .as_str()
            .unwrap()
            .starts_with("127.0.0.1:")
    );
    Some((server, ws, bundle))
}

/// One run of the harness: one SDK instance in one Node process, following a script, its
/// events read as they come.
struct Sdk {
    name: String,
    child: Child,
    events: mpsc::UnboundedReceiver<Value>,
    seen: Vec<Value>,
    stderr: Arc<Mutex<String>>,
}

impl Sdk {
    /// Starts the SDK as `user` on the WebSocket `url` with these steps (and script options).
    fn start(bundle: &Path, url: &str, user: &User, steps: Value, options: Value) -> Self {
        Self::start_as(bundle, url, &user.uid, &user.token, steps, options)
    }

    fn start_as(
        bundle: &Path,
        url: &str,
        uid: &str,
        token: &str,
        steps: Value,
        options: Value,
    ) -> Self {
        let mut script = json!({
            "url": url,
            "uid": uid,
            "token": token,
            "deviceFlag": 1,
            "sdk": bundle,
            "steps": steps,
        });
        for (key, value) in options.as_object().into_iter().flatten() {
            script[key] = value.clone();
        }
        let mut child = Command::new("node")
            .args(["harness.mjs", "-"])
            .current_dir(harness_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs");
        let mut stdin = child.stdin.take().unwrap();
        let text = script.to_string();
        tokio::spawn(async move {
            let _ = stdin.write_all(text.as_bytes()).await;
        });
        let (sender, events) = mpsc::unbounded_channel();
        let stdout = child.stdout.take().unwrap();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if let Ok(event) = serde_json::from_str(&line) {
                    let _ = sender.send(event);
                }
            }
        });
        // The SDK's own log, kept for a failure's message.
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().unwrap();
        let kept = stderr.clone();
        tokio::spawn(async move {
            let mut buffer = [0; 4096];
            while let Ok(read) = pipe.read(&mut buffer).await {
                if read == 0 {
                    break;
                }
                let mut log = kept.lock().unwrap();
                log.push_str(&String::from_utf8_lossy(&buffer[..read]));
                let mut cut = log.len().saturating_sub(16 * 1024);
                while !log.is_char_boundary(cut) {
                    cut += 1;
                }
                log.drain(..cut);
            }
        });
        Self {
            name: format!("{uid}'s SDK"),
            child,
            events,
            seen: Vec::new(),
            stderr,
        }
    }

    fn failure(&self, why: &str) -> String {
        format!(
            "{}: {why}\nevents: {:#?}\nSDK log (tail):\n{}",
            self.name,
            self.seen,
            self.stderr.lock().unwrap()
        )
    }

    /// Waits for an event that `wanted` matches, and returns it.
    async fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let event = match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Some(event)) => event,
                Ok(None) => panic!("{}", self.failure(&format!("ended before {what}"))),
                Err(_) => panic!("{}", self.failure(&format!("no {what} within {WAIT:?}"))),
            };
            self.seen.push(event.clone());
            if wanted(&event) {
                return event;
            }
            if event["event"] == "done" {
                panic!("{}", self.failure(&format!("finished before {what}")));
            }
        }
    }

    async fn connected(&mut self) {
        self.wait_for("the connection", |e| {
            e["event"] == "status" && e["status"] == "connected"
        })
        .await;
    }

    /// Waits for the script to finish, asserts every step passed, and returns every event.
    async fn finish(mut self) -> Vec<Value> {
        let done = self.wait_for("the end", |e| e["event"] == "done").await;
        assert_eq!(done["ok"], true, "{}", self.failure("a step failed"));
        let _ = tokio::time::timeout(WAIT, self.child.wait()).await;
        self.seen
    }
}

/// `POST /v1/messages` of a text as the client API types it (`TIMTextElem {text}`); the
/// stored message.
async fn send_text(user: &User, conversation: &str, text: &str) -> Value {
    let answer = user
        .post(
            "/v1/messages",
            json!({"conversationID": conversation, "type": "TIMTextElem", "payload": {"text": text}}),
        )
        .await
        .ok();
    answer["message"].clone()
}

fn of<'a>(events: &'a [Value], kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    events.iter().filter(move |event| event["event"] == kind)
}

fn connect_steps() -> Vec<Value> {
    vec![
        json!({"op": "connect"}),
        json!({"op": "waitStatus", "status": "connected"}),
    ]
}

fn steps(rest: Value) -> Value {
    let mut all = connect_steps();
    all.extend(rest.as_array().unwrap().iter().cloned());
    Value::Array(all)
}

#[tokio::test]
async fn the_sdk_connects_and_a_wrong_token_stops_it_for_good() {
    let Some((server, ws, bundle)) = start().await else {
        return;
    };
    let alice = server.device("alice", 1).await;
    let events = Sdk::start(&bundle, &ws, &alice, steps(json!([])), json!({}))
        .finish()
        .await;
    assert!(
        of(&events, "status").any(|e| e["status"] == "connected" && e["reasonCode"] == 1),
        "{events:#?}"
    );

    // A refused CONNECT is final: the SDK reports it and does not try again, not even after
    // its reconnect delay (3 s).
    let events = Sdk::start_as(
        &bundle,
        &ws,
        "alice",
        "not-alices-token",
        json!([
            {"op": "connect"},
            {"op": "waitStatus", "status": "connectFail", "seen": true},
            {"op": "sleep", "ms": 4000},
            {"op": "expectFrames", "dir": "out", "type": 1, "count": 1},
        ]),
        json!({}),
    )
    .finish()
    .await;
    let failed = of(&events, "status")
        .find(|e| e["status"] == "connectFail")
        .unwrap();
    assert_eq!(failed["reasonCode"], 2, "AuthFail");
    assert!(
        !of(&events, "status").any(|e| e["status"] == "connected"),
        "{events:#?}"
    );
}

#[tokio::test]
async fn two_sdks_send_to_each_other() {
    let Some((server, ws, bundle)) = start().await else {
        return;
    };
    let alice = server.device("alice", 1).await;
    let bob = server.device("bob", 1).await;
    let mut bob_sdk = Sdk::start(
        &bundle,
        &ws,
        &bob,
        steps(json!([
            {"op": "waitMessages", "count": 1, "timeoutMs": 15000},
            {"op": "send", "channelID": "alice", "channelType": 1, "text": "hi alice"},
            {"op": "waitSendacks", "count": 1},
            {"op": "sleep", "ms": 300},
            {"op": "expectMessages", "count": 1},
        ])),
        json!({}),
    );
    bob_sdk.connected().await;
    let alice_events = Sdk::start(
        &bundle,
        &ws,
        &alice,
        steps(json!([
            {"op": "send", "channelID": "bob", "channelType": 1, "text": "hello bob"},
            {"op": "waitSendacks", "count": 1},
            {"op": "waitMessages", "count": 1},
            {"op": "sleep", "ms": 300},
            // Her own message did not come back to her.
            {"op": "expectMessages", "count": 1},
        ])),
        json!({}),
    )
    .finish()
    .await;
    let bob_events = bob_sdk.finish().await;

    let sendack = of(&alice_events, "sendack").next().unwrap();
    assert_eq!(
        (
            sendack["reasonCode"].as_u64(),
            sendack["messageSeq"].as_u64()
        ),
        (Some(1), Some(1))
    );
    let to_bob = of(&bob_events, "message").next().unwrap();
    assert_eq!(to_bob["messageID"], sendack["messageID"]);
    assert_eq!(
        (
            &to_bob["fromUID"],
            &to_bob["channelID"],
            &to_bob["channelType"]
        ),
        (&json!("alice"), &json!("alice"), &json!(1))
    );
    assert_eq!(
        (&to_bob["contentType"], &to_bob["text"]),
        (&json!(1), &json!("hello bob"))
    );
    let to_alice = of(&alice_events, "message").next().unwrap();
    assert_eq!(
        (
            &to_alice["fromUID"],
            &to_alice["channelID"],
            &to_alice["text"]
        ),
        (&json!("bob"), &json!("bob"), &json!("hi alice"))
    );
    assert_eq!(to_alice["messageSeq"], 2, "one channel, one sequence");
    // Both are stored, as any message is.
    let history = bob.history("C2Calice").await;
    let texts: Vec<&Value> = history.iter().map(|m| &m["payload"]["content"]).collect();
    assert_eq!(texts, [&json!("hello bob"), &json!("hi alice")]);
    assert_eq!(history[0]["type"], "TIMTextElem");
}

/// A JSON WebSocket of `user`, subscribed (its first ping answered).
async fn json_websocket(
    server: &Server,
    user: &User,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let url = format!(
        "{}/v1/ws?token={}",
        server.base.replacen("http", "ws", 1),
        user.token
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    socket
        .send(Message::Text(r#"{"event":"ping"}"#.into()))
        .await
        .unwrap();
    let pong = next_json(&mut socket).await;
    assert_eq!(pong["event"], "pong");
    socket
}

async fn next_json(
    socket: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
) -> Value {
    loop {
        match tokio::time::timeout(WAIT, socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => return serde_json::from_str(&text).unwrap(),
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
            other => panic!("expected a JSON event, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn http_messages_reach_the_sdk_and_sdk_messages_reach_the_json_websocket_and_the_list() {
    let Some((server, ws, bundle)) = start().await else {
        return;
    };
    let alice = server.device("alice", 0).await;
    let bob = server.device("bob", 1).await;
    let mut alice_socket = json_websocket(&server, &alice).await;
    let mut bob_sdk = Sdk::start(
        &bundle,
        &ws,
        &bob,
        steps(json!([
            {"op": "waitMessages", "count": 1, "timeoutMs": 15000},
            {"op": "send", "channelID": "alice", "channelType": 1, "text": "over the SDK"},
            {"op": "send", "channelID": "alice", "channelType": 1, "text": "and again"},
            {"op": "waitSendacks", "count": 2},
        ])),
        json!({}),
    );
    bob_sdk.connected().await;

    // The client API's text (`TIMTextElem {text}`) reaches the SDK as WuKongIM's text.
    let sent = send_text(&alice, "C2Cbob", "over HTTP").await;
    let events = bob_sdk.finish().await;
    let received = of(&events, "message").next().unwrap();
    assert_eq!(received["messageID"], sent["messageID"]);
    assert_eq!(
        received["content"],
        json!({"type": 1, "content": "over HTTP"})
    );
    assert_eq!(received["text"], "over HTTP");
    assert_eq!(received["fromUID"], "alice");

    // The SDK's messages reach alice's JSON WebSocket with the list update and the total.
    let mut texts = Vec::new();
    let mut last_list = Value::Null;
    while texts.len() < 2 || last_list["unreadCount"] != 2 {
        let event = next_json(&mut alice_socket).await;
        match event["event"].as_str() {
            Some("messageReceived") => {
                let message = &event["data"]["messageList"][0];
                if message["from"] == "bob" {
                    assert_eq!(message["conversationID"], "C2Cbob");
                    assert_eq!(message["type"], "TIMTextElem");
                    texts.push(message["payload"]["content"].clone());
                }
            }
            Some("conversationListUpdated") => {
                last_list = event["data"]["conversationList"][0].clone();
            }
            _ => {}
        }
    }
    assert_eq!(texts, [json!("over the SDK"), json!("and again")]);
    let list = alice.list().await;
    let conversation = find(&list, "C2Cbob").unwrap();
    assert_eq!(conversation["unreadCount"], 2, "{conversation}");
    assert_eq!(
        conversation["lastMessage"]["payload"],
        json!({"type": 1, "content": "and again"})
    );
    assert_eq!(alice.total_unread().await, 2);
    // Bob's side: answering read alice's message, as a send from any client does.
    assert_eq!(bob.unread("C2Calice").await, 0);
}

#[tokio::test]
async fn a_master_login_on_either_gateway_replaces_the_other() {
    let Some((server, ws, bundle)) = start().await else {
        return;
    };
    let bob = server.device("bob", 1).await;

    // The SDK first, then the JSON WebSocket of the same device: the SDK is kicked with 12
    // ("login in other device") and does not reconnect.
    let mut sdk = Sdk::start(
        &bundle,
        &ws,
        &bob,
        steps(json!([
            {"op": "waitStatus", "status": "kicked", "seen": true, "timeoutMs": 15000},
            {"op": "sleep", "ms": 4000},
            {"op": "expectFrames", "dir": "out", "type": 1, "count": 1},
        ])),
        json!({}),
    );
    sdk.connected().await;
    let mut socket = json_websocket(&server, &bob).await;
    let kicked = sdk
        .wait_for("the kick", |e| {
            e["event"] == "status" && e["status"] == "kicked"
        })
        .await;
    assert_eq!(kicked["reasonCode"], 12);
    sdk.finish().await;

    // The JSON WebSocket first, then the SDK: the WebSocket is closed with 4001.
    let sdk = Sdk::start(
        &bundle,
        &ws,
        &bob,
        steps(json!([{"op": "sleep", "ms": 500}])),
        json!({}),
    );
    let close = loop {
        match tokio::time::timeout(WAIT, socket.next()).await {
            Ok(Some(Ok(Message::Close(frame)))) => break frame,
            Ok(Some(Ok(_))) => continue,
            other => panic!("expected the WebSocket to close, got {other:?}"),
        }
    };
    assert_eq!(close.unwrap().code, CloseCode::Library(4001));
    let events = sdk.finish().await;
    assert!(!of(&events, "status").any(|e| e["status"] == "kicked"));
}

#[tokio::test]
async fn unacknowledged_messages_come_again_after_a_reconnect_and_only_those() {
    let Some((server, ws, bundle)) = start().await else {
        return;
    };
    let alice = server.device("alice", 0).await;
    let bob = server.device("bob", 1).await;

    // Bob's SDK receives three messages; only its first RECVACK reaches the server.
    let mut first = Sdk::start(
        &bundle,
        &ws,
        &bob,
        steps(json!([
            {"op": "waitMessages", "count": 3, "timeoutMs": 15000},
            {"op": "waitFrames", "dir": "out", "type": 6, "count": 1},
            {"op": "sleep", "ms": 300},
        ])),
        json!({"dropRecvacksAfter": 1}),
    );
    first.connected().await;
    let mut sent = Vec::new();
    for text in ["m1", "m2", "m3"] {
        sent.push(send_text(&alice, "C2Cbob", text).await["messageID"].clone());
    }
    let events = first.finish().await;
    let ids: Vec<&Value> = of(&events, "message").map(|m| &m["messageID"]).collect();
    assert_eq!(ids, sent.iter().collect::<Vec<_>>());

    // The next connection gets the two it did not acknowledge, once each, and acknowledges
    // them.
    let events = Sdk::start(
        &bundle,
        &ws,
        &bob,
        steps(json!([
            {"op": "waitMessages", "count": 2},
            {"op": "waitFrames", "dir": "out", "type": 6, "count": 2},
            {"op": "sleep", "ms": 500},
            {"op": "expectMessages", "count": 2},
        ])),
        json!({}),
    )
    .finish()
    .await;
    let again: Vec<(&Value, &Value)> = of(&events, "message")
        .map(|m| (&m["messageID"], &m["text"]))
        .collect();
    assert_eq!(again, [(&sent[1], &json!("m2")), (&sent[2], &json!("m3"))]);

    // Acknowledged now: nothing comes again.
    Sdk::start(
        &bundle,
        &ws,
        &bob,
        steps(json!([
            {"op": "sleep", "ms": 1000},
            {"op": "expectMessages", "count": 0},
        ])),
        json!({}),
    )
    .finish()
    .await;
    assert_eq!(
        server
            .manager()
            .metric("natter_wukongim_recv_resent_total")
            .await,
        2
    );
}

#[tokio::test]
async fn the_apps_messages_and_commands_reach_the_sdk_and_a_blacklisted_sender_gets_reason_4() {
    let Some((server, ws, bundle)) = start().await else {
        return;
    };
    let alice = server.device("alice", 1).await;
    server.device("bob", 1).await;
    let mut alice_sdk = Sdk::start(
        &bundle,
        &ws,
        &alice,
        steps(json!([
            {"op": "waitMessages", "count": 1, "timeoutMs": 15000},
            {"op": "waitCmds", "count": 1, "timeoutMs": 15000},
            {"op": "send", "channelID": "bob", "channelType": 1, "text": "blocked?"},
            {"op": "waitSendacks", "count": 1},
        ])),
        json!({}),
    );
    alice_sdk.connected().await;
    let manager = server.manager();
    // bob blocks alice: her next message to him is refused.
    manager
        .post(
            "/channel/blacklist_add",
            json!({"channel_id": "bob", "channel_type": 1, "uids": ["alice"]}),
        )
        .await
        .ok();
    // The app itself writes (an empty from_uid): a kept notice, then a command that is not
    // kept (content type 99, which the SDK hands its CMD listeners), as WuKongIM backends do.
    let from_the_app = |header: Value, content: Value| {
        let payload = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            content.to_string(),
        );
        json!({"header": header, "from_uid": "", "channel_id": "alice", "channel_type": 1,
               "payload": payload})
    };
    manager
        .post(
            "/message/send",
            from_the_app(json!({}), json!({"type": 1, "content": "Welcome"})),
        )
        .await
        .ok();
    manager
        .post(
            "/message/send",
            from_the_app(
                json!({"no_persist": 1}),
                json!({"type": 99, "cmd": "syncConversation"}),
            ),
        )
        .await
        .ok();
    let events = alice_sdk.finish().await;
    let notice = of(&events, "message").next().unwrap();
    assert_eq!(
        (
            &notice["fromUID"],
            &notice["channelID"],
            &notice["channelType"]
        ),
        (&json!(""), &json!("@TIM#SYSTEM"), &json!(100))
    );
    assert_eq!(notice["text"], "Welcome");
    let command = of(&events, "cmd").next().unwrap();
    assert_eq!(command["channelID"], "@TIM#SYSTEM");
    assert_eq!(command["content"]["cmd"], "syncConversation");
    let sendack = of(&events, "sendack").next().unwrap();
    assert_eq!(sendack["reasonCode"], 4, "InBlacklist: {events:#?}");
    assert!(
        server
            .user("bob")
            .await
            .history("C2Calice")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_recall_reaches_the_sdk_as_the_message_revoke_command() {
    let Some((server, ws, bundle)) = start().await else {
        return;
    };
    let alice = server.device("alice", 1).await;
    let bob = server.user("bob").await;
    let mut alice_sdk = Sdk::start(
        &bundle,
        &ws,
        &alice,
        steps(json!([
            {"op": "waitMessages", "count": 1, "timeoutMs": 15000},
            {"op": "waitCmds", "count": 1, "timeoutMs": 15000},
        ])),
        json!({}),
    );
    alice_sdk.connected().await;
    let regretted = send_text(&bob, "C2Calice", "regretted").await;
    alice_sdk
        .wait_for("the message", |e| e["event"] == "message")
        .await;
    let id = regretted["messageID"].as_str().unwrap();
    bob.post(
        "/v1/messages/revoke",
        json!({"conversationID": "C2Calice", "messageID": id}),
    )
    .await
    .ok();
    let events = alice_sdk.finish().await;
    let command = of(&events, "cmd").next().unwrap();
    assert_eq!(
        (&command["channelID"], &command["channelType"]),
        (&json!("bob"), &json!(1)),
        "on the channel of the recalled message"
    );
    assert_eq!(command["content"]["cmd"], "messageRevoke");
    let param = &command["content"]["param"];
    assert_eq!(param["message_id"], id);
    assert_eq!(
        (&param["channel_id"], &param["channel_type"]),
        (&json!("bob"), &json!(1))
    );
    assert_eq!(param["revoker"], "bob");
}

#[tokio::test]
async fn the_sdks_sync_callbacks_through_the_app_backend_and_a_deletion_then_sync() {
    let Some((server, ws, bundle)) = start().await else {
        return;
    };
    let alice = server.device("alice", 1).await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    send_text(&bob, "C2Calice", "one").await;
    send_text(&bob, "C2Calice", "two").await;
    carol.send_text("C2Calice", "from carol").await;
    server
        .manager()
        .create_group("team", &["alice", "bob"])
        .await;
    send_text(&bob, "GROUPteam", "team news").await;
    // The SDK syncs its conversations and bob's history through the callbacks an app installs,
    // which ask the app backend, which asks the server API (the harness plays the backend).
    let backend = json!({"backend": {"url": server.base, "managerToken": server.manager_token}});
    let sync_steps = || {
        steps(json!([
            {"op": "syncConversations"},
            {"op": "syncMessages", "channelID": "bob", "channelType": 1, "limit": 30},
        ]))
    };
    let events = Sdk::start(&bundle, &ws, &alice, sync_steps(), backend.clone())
        .finish()
        .await;
    let list = &of(&events, "conversations").next().unwrap()["list"];
    let channels: Vec<(&str, u64)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["channelID"].as_str().unwrap(),
                c["unread"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(channels, [("team", 1), ("carol", 1), ("bob", 2)], "{list}");
    let with_bob = &list[2]["lastMessage"];
    assert_eq!(
        (
            &with_bob["channelID"],
            &with_bob["fromUID"],
            &with_bob["text"]
        ),
        (&json!("bob"), &json!("bob"), &json!("two"))
    );
    let history = &of(&events, "history").next().unwrap()["messages"];
    let texts: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["one", "two"]);

    // The app backend deletes alice's conversation with bob (keeping the messages): her next
    // sync no longer has it; the others are as they were.
    server
        .manager()
        .post(
            "/conversations/delete",
            json!({"uid": "alice", "channel_id": "bob", "channel_type": 1}),
        )
        .await
        .ok();
    let events = Sdk::start(&bundle, &ws, &alice, sync_steps(), backend)
        .finish()
        .await;
    let list = &of(&events, "conversations").next().unwrap()["list"];
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["channelID"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["team", "carol"]);
    // The history was kept: the server API deletes the list entry only.
    assert_eq!(
        of(&events, "history").next().unwrap()["messages"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

/// A WuKongIM client written with the protocol crate (protocol 4, as the mobile SDKs), over
/// TCP: for what the web SDK cannot do (its SEND always has the red dot) or does not show (a
/// RECV's header flags).
struct RawClient {
    framed: tokio_util::codec::Framed<tokio::net::TcpStream, natter_wukongim::WukongCodec>,
    session: natter_wukongim::Session,
}

impl RawClient {
    /// Connects as `user`'s web device to the server at `endpoint` (a test server, or the
    /// real binary).
    async fn connect(endpoint: &Endpoint, user: &User) -> Self {
        match Self::try_connect(endpoint, &user.uid, &user.token).await {
            Ok(client) => client,
            Err(code) => panic!("{} could not connect: {code:?}", user.uid),
        }
    }

    /// Connects as `uid`'s web device with `token`; the CONNACK's reason when refused.
    async fn try_connect(
        endpoint: &Endpoint,
        uid: &str,
        token: &str,
    ) -> Result<Self, natter_wukongim::ReasonCode> {
        use natter_wukongim::{ConnectPacket, DeviceFlag, KeyPair, Packet, ReasonCode};
        let route = endpoint.anonymous().get("/route").await.ok();
        let address = route["tcp_addr"].as_str().unwrap();
        let stream = tokio::net::TcpStream::connect(address).await.unwrap();
        let mut framed =
            tokio_util::codec::Framed::new(stream, natter_wukongim::WukongCodec::new());
        let keys = KeyPair::generate().unwrap();
        framed
            .send(Packet::Connect(ConnectPacket {
                version: 4,
                device_flag: DeviceFlag::from(1),
                device_id: format!("raw-{uid}"),
                uid: uid.to_owned(),
                token: token.to_owned(),
                client_timestamp: 1_700_000_000_000,
                client_key: keys.public_key(),
            }))
            .await
            .unwrap();
        let connack = match tokio::time::timeout(WAIT, framed.next()).await {
            Ok(Some(Ok(Packet::Connack(connack)))) => connack,
            other => panic!("expected a CONNACK, got {other:?}"),
        };
        if connack.reason_code != ReasonCode::Success {
            return Err(connack.reason_code);
        }
        framed
            .codec_mut()
            .set_version(natter_wukongim::ProtocolVersion::V4);
        let session = keys.session(&connack.server_key, &connack.salt).unwrap();
        Ok(Self { framed, session })
    }

    /// Sends a text to a person with these header flags; the SENDACK.
    async fn send(
        &mut self,
        to: &str,
        client_msg_no: &str,
        flags: natter_wukongim::Flags,
        text: &str,
    ) -> natter_wukongim::SendackPacket {
        let person = natter_wukongim::ChannelType::Person;
        self.send_in(person, to, client_msg_no, flags, text).await
    }

    /// Sends a text to a channel of this type with these header flags; the SENDACK.
    async fn send_in(
        &mut self,
        channel_type: natter_wukongim::ChannelType,
        to: &str,
        client_msg_no: &str,
        flags: natter_wukongim::Flags,
        text: &str,
    ) -> natter_wukongim::SendackPacket {
        use natter_wukongim::{Packet, SendPacket, Setting};
        let mut packet = SendPacket {
            flags,
            setting: Setting::default(),
            client_seq: 1,
            client_msg_no: client_msg_no.to_owned(),
            stream_no: String::new(),
            channel_id: to.to_owned(),
            channel_type,
            expire: 0,
            msg_key: String::new(),
            topic: String::new(),
            payload: json!({"type": 1, "content": text}).to_string().into(),
        };
        self.session.seal_send(&mut packet);
        self.framed.send(Packet::Send(packet)).await.unwrap();
        loop {
            match self.next().await {
                Packet::Sendack(sendack) => return sendack,
                Packet::Pong => {}
                other => panic!("expected a SENDACK, got {other:?}"),
            }
        }
    }

    /// The next RECV, opened and acknowledged.
    async fn recv(&mut self) -> natter_wukongim::RecvPacket {
        use natter_wukongim::{Packet, RecvackPacket};
        loop {
            if let Packet::Recv(mut recv) = self.next().await {
                self.session.open_recv(&mut recv).unwrap();
                let ack = RecvackPacket {
                    flags: recv.flags,
                    message_id: recv.message_id,
                    message_seq: recv.message_seq,
                };
                self.framed.send(Packet::Recvack(ack)).await.unwrap();
                return recv;
            }
        }
    }

    async fn next(&mut self) -> natter_wukongim::Packet {
        match tokio::time::timeout(WAIT, self.framed.next()).await {
            Ok(Some(Ok(packet))) => packet,
            other => panic!("expected a packet, got {other:?}"),
        }
    }
}

fn red_dot(on: bool) -> natter_wukongim::Flags {
    natter_wukongim::Flags {
        dup: false,
        sync_once: false,
        red_dot: on,
        no_persist: false,
    }
}

/// WuKongIM's RECV carries the send's red dot (`setRedDotDisplay`): a silent message, from the
/// app backend (`header.red_dot: 0`) or from a client (a SEND without RED_DOT), arrives
/// without it, and it counts as unread for no one.
#[tokio::test]
async fn a_silent_message_reaches_wukongim_clients_without_the_red_dot() {
    let server = Server::start_with(Options {
        wukongim: true,
        ..Options::default()
    })
    .await;
    let alice = server.device("alice", 1).await;
    let bob = server.device("bob", 1).await;
    let mut alice_client = RawClient::connect(&server, &alice).await;
    let mut bob_client = RawClient::connect(&server, &bob).await;

    let sendack = alice_client
        .send("bob", "loud-1", red_dot(true), "loud")
        .await;
    assert_eq!(sendack.reason_code, natter_wukongim::ReasonCode::Success);
    let recv = bob_client.recv().await;
    assert_eq!(recv.client_msg_no, "loud-1");
    assert!(recv.flags.red_dot, "{recv:?}");

    let sendack = alice_client
        .send("bob", "quiet-1", red_dot(false), "quiet")
        .await;
    assert_eq!(sendack.reason_code, natter_wukongim::ReasonCode::Success);
    let recv = bob_client.recv().await;
    assert_eq!(recv.client_msg_no, "quiet-1");
    assert!(!recv.flags.red_dot && !recv.flags.no_persist, "{recv:?}");

    let payload = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        json!({"type": 1, "content": "quiet from the backend"}).to_string(),
    );
    server
        .manager()
        .post(
            "/message/send",
            json!({"header": {"red_dot": 0}, "from_uid": "alice", "channel_id": "bob",
                   "channel_type": 1, "client_msg_no": "quiet-2", "payload": payload}),
        )
        .await
        .ok();
    let recv = bob_client.recv().await;
    assert_eq!(recv.client_msg_no, "quiet-2");
    assert!(!recv.flags.red_dot, "{recv:?}");
    // Not kept, and silent: no red dot either.
    server
        .manager()
        .post(
            "/message/send",
            json!({"header": {"red_dot": 0, "no_persist": 1}, "from_uid": "alice",
                   "channel_id": "bob", "channel_type": 1, "payload": payload}),
        )
        .await
        .ok();
    let recv = bob_client.recv().await;
    assert!(!recv.flags.red_dot && recv.flags.no_persist, "{recv:?}");
    // From the app itself, kept or not.
    for header in [
        json!({"red_dot": 0}),
        json!({"red_dot": 0, "no_persist": 1}),
    ] {
        server
            .manager()
            .post(
                "/message/send",
                json!({"header": header, "from_uid": "", "channel_id": "bob",
                       "channel_type": 1, "payload": payload}),
            )
            .await
            .ok();
        let recv = bob_client.recv().await;
        assert_eq!(recv.channel_id, "@TIM#SYSTEM");
        assert!(!recv.flags.red_dot, "{header}: {recv:?}");
    }
    assert_eq!(server.user("bob").await.unread("C2Calice").await, 1);
}

/// A backend's `/message/send` without a `client_msg_no` gets one made as WuKongIM makes it (a
/// UUID's hex and `0`): answered, stored, and the same in the RECV and both syncs.
#[tokio::test]
async fn a_backend_send_without_a_client_msg_no_gets_one_everywhere() {
    let server = Server::start_with(Options {
        wukongim: true,
        ..Options::default()
    })
    .await;
    server.device("alice", 1).await;
    let bob = server.device("bob", 1).await;
    let mut bob_client = RawClient::connect(&server, &bob).await;
    let manager = server.manager();
    let payload = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        json!({"type": 1, "content": "numbered for you"}).to_string(),
    );
    let made = |answer: &Value| {
        let number = answer["data"]["client_msg_no"].as_str().unwrap().to_owned();
        assert!(
            number.len() == 33
                && number.ends_with('0')
                && number.bytes().all(|b| b.is_ascii_hexdigit()),
            "WuKongIM's shape: {answer}"
        );
        number
    };

    let mut numbers = Vec::new();
    for body in [
        json!({"from_uid": "alice", "channel_id": "bob", "channel_type": 1, "payload": payload}),
        json!({"from_uid": "alice", "channel_id": "bob", "channel_type": 1, "payload": payload,
               "client_msg_no": ""}),
    ] {
        let number = made(&manager.post("/message/send", body).await.ok());
        assert_eq!(bob_client.recv().await.client_msg_no, number);
        numbers.push(number);
    }
    assert_ne!(numbers[0], numbers[1], "each send its own");

    let synced = manager
        .post("/conversation/sync", json!({"uid": "bob", "msg_count": 10}))
        .await
        .ok();
    let recents: Vec<&str> = synced[0]["recents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["client_msg_no"].as_str().unwrap())
        .collect();
    assert_eq!(
        recents,
        [numbers[1].as_str(), numbers[0].as_str()],
        "{synced}"
    );
    let page = manager
        .post(
            "/channel/messagesync",
            json!({"login_uid": "bob", "channel_id": "alice", "channel_type": 1, "limit": 10}),
        )
        .await
        .ok();
    let paged: Vec<&str> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["client_msg_no"].as_str().unwrap())
        .collect();
    assert_eq!(paged, [numbers[0].as_str(), numbers[1].as_str()], "{page}");

    // Not kept, and from the app itself: the answer and the RECV agree too.
    for body in [
        json!({"header": {"no_persist": 1}, "from_uid": "alice", "channel_id": "bob",
               "channel_type": 1, "payload": payload}),
        json!({"from_uid": "", "channel_id": "bob", "channel_type": 1, "payload": payload}),
    ] {
        let number = made(&manager.post("/message/send", body).await.ok());
        assert_eq!(bob_client.recv().await.client_msg_no, number);
    }
}

/// A member muted in a group (Tencent's `setGroupMemberMuteTime`, from another client) gets
/// WuKongIM's `SendBan` for a send to it, on a connection that stays open: unmuted, the same
/// connection sends.
#[tokio::test]
async fn a_muted_member_gets_send_ban_and_keeps_the_connection() {
    let server = Server::start_with(Options {
        wukongim: true,
        ..Options::default()
    })
    .await;
    let alice = server.user("alice").await;
    let bob = server.device("bob", 1).await;
    alice
        .create_group(
            json!({"groupID": "room", "name": "Room", "type": "ChatRoom",
            "memberList": [{"userID": "bob"}]}),
        )
        .await;
    let mute = |secs: u64| json!({"userID": "bob", "muteTime": secs});
    alice
        .post("/v1/groups/room/members/update", mute(600))
        .await
        .ok();
    let mut bob_client = RawClient::connect(&server, &bob).await;
    let group = natter_wukongim::ChannelType::Group;
    let sendack = bob_client
        .send_in(group, "room", "muted-1", red_dot(true), "hello?")
        .await;
    assert_eq!(sendack.reason_code, natter_wukongim::ReasonCode::SendBan);
    alice
        .post("/v1/groups/room/members/update", mute(0))
        .await
        .ok();
    let unmuted = bob_client.recv().await;
    assert_eq!(
        (unmuted.from_uid.as_str(), unmuted.message_seq),
        ("alice", 2),
        "the tip of the unmute, after that of the mute"
    );
    let sendack = bob_client
        .send_in(group, "room", "unmuted-1", red_dot(true), "hello")
        .await;
    assert_eq!(sendack.reason_code, natter_wukongim::ReasonCode::Success);
    let last = alice.history("GROUProom").await.pop().unwrap();
    assert_eq!(last["clientMsgID"], "unmuted-1", "{last}");
}

/// A WuKongIM client may message a uid that never had a token, as on WuKongIM: the SEND
/// succeeds and the message waits for them.
#[tokio::test]
async fn a_client_messages_someone_who_never_had_a_token() {
    let server = Server::start_with(Options {
        wukongim: true,
        ..Options::default()
    })
    .await;
    let alice = server.device("alice", 1).await;
    let mut alice_client = RawClient::connect(&server, &alice).await;
    let sendack = alice_client
        .send("newcomer", "first-contact", red_dot(true), "welcome")
        .await;
    assert_eq!(sendack.reason_code, natter_wukongim::ReasonCode::Success);
    assert_eq!(sendack.message_seq, 1);
    let newcomer = server.user("newcomer").await;
    assert_eq!(newcomer.history("C2Calice").await.len(), 1);
}

/// WuKongIM's `GET /varz`: the node's connections and users, over either protocol, and the
/// frames its gateway carried, with WuKongIM's names; the manager's only.
#[tokio::test]
async fn varz_counts_the_nodes_connections_and_frames_with_wukongims_names() {
    let server = Server::start_with(Options {
        wukongim: true,
        ..Options::default()
    })
    .await;
    let manager = server.manager();
    let idle = manager.get("/varz").await.ok();
    assert_eq!(
        [&idle["server_name"], &idle["connections"], &idle["in_msgs"]],
        [&json!("Natter"), &json!(0), &json!(0)]
    );
    let route = server.anonymous().get("/route").await.ok();
    assert_eq!(idle["tcp_addr"], route["tcp_addr"]);
    assert_eq!(idle["ws_addr"], route["ws_addr"]);
    assert_eq!(idle["manager_token_on"], 1);
    assert!(idle["mem"].as_u64().unwrap() > 0, "Linux says: {idle}");
    let uptime = idle["uptime"].as_str().unwrap();
    assert!(
        uptime.ends_with('s') && uptime.chars().any(|c| c.is_ascii_digit()),
        "{uptime}"
    );

    let alice = server.device("alice", 1).await;
    let mut alice_client = RawClient::connect(&server, &alice).await;
    let bob = server.user("bob").await;
    let _bob_events = bob.events().await;
    let sendack = alice_client
        .send("bob", "counted", red_dot(true), "hello")
        .await;
    assert_eq!(sendack.reason_code, natter_wukongim::ReasonCode::Success);
    let mut busy = manager.get("/varz").await.ok();
    for _ in 0..100 {
        if busy["connections"] == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        busy = manager.get("/varz").await.ok();
    }
    assert_eq!(
        [
            &busy["connections"],
            &busy["user_handler_count"],
            &busy["user_handler_conn_count"]
        ],
        [&json!(2), &json!(2), &json!(2)],
        "alice's WuKongIM connection and bob's WebSocket: {busy}"
    );
    assert!(busy["in_msgs"].as_u64().unwrap() >= 1, "the SEND: {busy}");
    assert!(
        busy["out_msgs"].as_u64().unwrap() >= 1,
        "the SENDACK: {busy}"
    );

    bob.get("/varz")
        .await
        .expect_error(403, 40301, "permission_denied");
    server
        .anonymous()
        .get("/varz")
        .await
        .expect_error(401, 40101, "unauthenticated");
}

/// WuKongIM's `GET /connz` lists the node's WuKongIM connections with what each carried, as
/// `wkcli server connz` and WuKongIM's manager read them: sorted, filtered by uid and paged by
/// WuKongIM's parameters, a connection gone once it closes; `GET /varz?show=conn` adds the
/// busiest. Parameters it cannot take are refused, and only the manager may ask.
#[tokio::test]
async fn connz_lists_the_wukongim_connections_with_what_each_carried() {
    let server = Server::start_with(Options {
        wukongim: true,
        ..Options::default()
    })
    .await;
    let manager = server.manager();
    let empty = manager.get("/connz").await.ok();
    assert_eq!(
        [
            &empty["connections"],
            &empty["total"],
            &empty["offset"],
            &empty["limit"]
        ],
        [&json!([]), &json!(0), &json!(0), &json!(20)]
    );

    let alice = server.device("alice", 1).await;
    let bob = server.device("bob", 1).await;
    let mut alice_client = RawClient::connect(&server, &alice).await;
    let mut bob_client = RawClient::connect(&server, &bob).await;
    for number in ["1", "2"] {
        let sendack = alice_client.send("bob", number, red_dot(true), "hi").await;
        assert_eq!(sendack.reason_code, natter_wukongim::ReasonCode::Success);
        bob_client.recv().await;
    }
    // A JSON WebSocket is not a WuKongIM connection: /varz counts it, /connz does not list it.
    let carol = server.user("carol").await;
    let _carol_events = carol.events().await;

    let listed = manager.get("/connz").await.ok();
    assert_eq!(listed["total"], 2, "{listed}");
    let connections = listed["connections"].as_array().unwrap();
    let uids: Vec<&str> = connections
        .iter()
        .map(|c| c["uid"].as_str().unwrap())
        .collect();
    assert_eq!(uids, ["alice", "bob"], "oldest first");
    let (alices, bobs) = (&connections[0], &connections[1]);
    let alice_port = alice_client.framed.get_ref().local_addr().unwrap().port();
    assert_eq!(
        [
            &alices["ip"],
            &alices["port"],
            &alices["device"],
            &alices["device_id"],
            &alices["version"]
        ],
        [
            &json!("127.0.0.1"),
            &json!(alice_port),
            &json!("Web(主)"),
            &json!("raw-alice"),
            &json!(4)
        ],
        "{alices}"
    );
    assert_eq!(
        [&alices["in_msgs"], &alices["out_msgs"]],
        [&json!(2), &json!(0)]
    );
    assert_eq!(
        [&bobs["in_msgs"], &bobs["out_msgs"]],
        [&json!(0), &json!(2)]
    );
    assert!(alices["in_msg_bytes"].as_u64().unwrap() > 0, "{alices}");
    assert!(bobs["out_msg_bytes"].as_u64().unwrap() > 0, "{bobs}");
    // CONNECT and two SENDs in; CONNACK and two SENDACKs out.
    assert!(alices["in_packets"].as_u64().unwrap() >= 3, "{alices}");
    assert!(alices["out_packets"].as_u64().unwrap() >= 3, "{alices}");
    assert!(bobs["id"].as_u64().unwrap() > alices["id"].as_u64().unwrap());
    assert!(
        alices["uptime"].as_str().unwrap().ends_with('s'),
        "{alices}"
    );
    assert!(
        alices["last_activity"].as_str().unwrap().ends_with('Z'),
        "{alices}"
    );
    assert_eq!(alices["proxy_type_format"], "本地连接");

    let first_uid = |page: &Value| page["connections"][0]["uid"].clone();
    let by = |query: &'static str| {
        let manager = manager.clone();
        async move { manager.get(&format!("/connz?{query}")).await.ok() }
    };
    assert_eq!(first_uid(&by("sort=idDesc").await), "bob");
    assert_eq!(first_uid(&by("sort=outMsgDesc").await), "bob");
    assert_eq!(first_uid(&by("sort=inMsgDesc").await), "alice");
    let bob_only = by("uid=bo").await;
    assert_eq!(bob_only["connections"].as_array().unwrap().len(), 1);
    assert_eq!(first_uid(&bob_only), "bob");
    assert_eq!(
        bob_only["total"], 2,
        "the node's connections, before the filter"
    );
    let second_page = by("offset=1&limit=1").await;
    assert_eq!(second_page["connections"].as_array().unwrap().len(), 1);
    assert_eq!(
        (first_uid(&second_page), &second_page["limit"]),
        (json!("bob"), &json!(1))
    );

    let busiest = manager.get("/varz?show=conn").await.ok();
    assert_eq!(busiest["conns"].as_array().unwrap().len(), 2, "{busiest}");
    assert_eq!(
        first_uid(&json!({"connections": busiest["conns"]})),
        "alice"
    );
    assert!(manager.get("/varz").await.ok().get("conns").is_none());

    manager
        .get("/connz?sort=pendingBytes")
        .await
        .expect_error(400, 40001, "invalid_argument");
    manager
        .get("/connz?limit=-1")
        .await
        .expect_error(400, 40001, "invalid_argument");
    alice
        .get("/connz")
        .await
        .expect_error(403, 40301, "permission_denied");
    server
        .anonymous()
        .get("/connz")
        .await
        .expect_error(401, 40101, "unauthenticated");

    drop(bob_client);
    let mut after = manager.get("/connz").await.ok();
    for _ in 0..100 {
        if after["total"] == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        after = manager.get("/connz").await.ok();
    }
    assert_eq!(
        after["total"], 1,
        "bob's closed connection is gone: {after}"
    );
    assert_eq!(first_uid(&after), "alice");
    drop(alice_client);
}

/// WuKongIM's own web SDK, connected over WebSocket, is listed by `GET /connz` as WuKongIM
/// lists it: its user, a web master login, its device ID and protocol version, and its SEND.
#[tokio::test]
async fn connz_lists_the_web_sdks_websocket_connection() {
    let Some((server, ws, bundle)) = start().await else {
        return;
    };
    let alice = server.device("alice", 1).await;
    server.user("bob").await;
    let mut sdk = Sdk::start(
        &bundle,
        &ws,
        &alice,
        steps(json!([
            {"op": "send", "channelID": "bob", "channelType": 1, "text": "listed"},
            {"op": "waitSendacks", "count": 1},
            {"op": "sleep", "ms": 3000},
        ])),
        json!({}),
    );
    sdk.wait_for("the SENDACK", |e| e["event"] == "sendack")
        .await;
    let listed = server.manager().get("/connz").await.ok();
    assert_eq!(listed["total"], 1, "{listed}");
    let connection = &listed["connections"][0];
    assert_eq!(
        [
            &connection["uid"],
            &connection["device"],
            &connection["in_msgs"],
            &connection["ip"]
        ],
        [
            &json!("alice"),
            &json!("Web(主)"),
            &json!(1),
            &json!("127.0.0.1")
        ],
        "{connection}"
    );
    assert!(
        !connection["device_id"].as_str().unwrap().is_empty(),
        "{connection}"
    );
    assert_eq!(
        connection["version"], 2,
        "the web SDK's default protocol version"
    );
    sdk.finish().await;
}

/// WuKongIM's `/user/token` kicks a device's live connections only when it makes the device a
/// master (`device_level` 1). A slave's connection stays, though its old token opens no new one.
#[tokio::test]
async fn a_slave_token_refresh_keeps_the_live_connection_and_a_master_one_ends_it() {
    let server = Server::start_with(Options {
        wukongim: true,
        ..Options::default()
    })
    .await;
    let alice = server.user("alice").await;
    let issue = |token: &'static str, device_level: u8| {
        let manager = server.manager();
        async move {
            manager
                .post(
                    "/user/token",
                    json!({"uid": "bob", "token": token, "device_flag": 1,
                           "device_level": device_level}),
                )
                .await
                .ok();
        }
    };
    issue("bob-web-token-1", 0).await;
    let mut live = RawClient::try_connect(&server, "bob", "bob-web-token-1")
        .await
        .unwrap();

    issue("bob-web-token-2", 0).await;
    alice.send_text("C2Cbob", "still there?").await;
    let recv = live.recv().await;
    assert_eq!(
        recv.message_seq, 1,
        "the live connection still gets messages"
    );
    assert_eq!(
        RawClient::try_connect(&server, "bob", "bob-web-token-1")
            .await
            .err(),
        Some(natter_wukongim::ReasonCode::AuthFail),
        "the old token opens no new connection"
    );

    issue("bob-web-token-3", 1).await;
    loop {
        match live.next().await {
            natter_wukongim::Packet::Disconnect(disconnect) => {
                assert_eq!(u8::from(disconnect.reason_code), 12);
                break;
            }
            natter_wukongim::Packet::Pong => {}
            other => panic!("expected a DISCONNECT, got {other:?}"),
        }
    }
}

/// What SENDACK acknowledged survives kill -9: after a restart on the same data, every
/// acknowledged message is at the seq SENDACK gave, in the recipient's history and in the
/// message sync with which its app backend answers the SDK.
#[tokio::test]
async fn a_send_acknowledged_on_the_gateway_survives_kill_9() {
    let storage = Storage::new();
    let manager_token = random_token("manager");
    let start = || {
        Process::start_with(
            storage.data_dir(),
            storage.database_url.as_deref(),
            &["--wukongim-tcp-listen", "127.0.0.1:0"],
            &manager_token,
        )
    };
    let first = start().await;
    let alice = first.endpoint.device("alice", 1).await;
    let bob = first.endpoint.user("bob").await;
    let mut client = RawClient::connect(&first.endpoint, &alice).await;
    let mut acked = Vec::new();
    for n in 1..=20 {
        let number = format!("kept-{n}");
        let sendack = client.send("bob", &number, red_dot(true), "kept").await;
        assert_eq!(sendack.reason_code, natter_wukongim::ReasonCode::Success);
        acked.push((u64::from(sendack.message_seq), number));
    }
    // At once, after the last SENDACK.
    first.sigkill().await;

    let second = start().await;
    let history: Vec<(u64, String)> = User::on(&second.endpoint, "bob", &bob.token)
        .history("C2Calice")
        .await
        .iter()
        .map(|m| {
            let number = m["clientMsgID"].as_str().unwrap().to_owned();
            (m["seq"].as_u64().unwrap(), number)
        })
        .collect();
    assert_eq!(history, acked);
    let sync = second
        .endpoint
        .manager()
        .post(
            "/channel/messagesync",
            json!({"login_uid": "bob", "channel_id": "alice", "channel_type": 1,
                   "start_message_seq": 0, "end_message_seq": 0, "limit": 100, "pull_mode": 0}),
        )
        .await
        .ok();
    let synced: Vec<(u64, String)> = sync["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let number = m["client_msg_no"].as_str().unwrap().to_owned();
            (m["message_seq"].as_u64().unwrap(), number)
        })
        .collect();
    assert_eq!(synced, acked);
}

/// WuKongIM's system accounts (`/user/systemuids_*`): a system account's client sends to a
/// group it is not in and past a user's blacklist, anyone messages it past its own blacklist,
/// and a dismissed group still refuses it; made an ordinary user again, it is checked again.
#[tokio::test]
async fn a_system_account_sends_anywhere_and_anyone_may_message_it() {
    let server = Server::start_with(Options {
        wukongim: true,
        ..Options::default()
    })
    .await;
    let manager = server.manager();
    let [_alice, bob, carol] = server.group_of("room", ["alice", "bob", "carol"]).await;
    let desk = server.device("desk", 1).await;
    let mut desk_client = RawClient::connect(&server, &desk).await;
    let group = natter_wukongim::ChannelType::Group;
    let reason = |sendack: natter_wukongim::SendackPacket| sendack.reason_code;
    let blacklist = |owner: &str, uid: &str| {
        manager.post(
            "/channel/blacklist_add",
            json!({"channel_id": owner, "channel_type": 1, "uids": [uid]}),
        )
    };
    blacklist("bob", "desk").await.ok();
    blacklist("desk", "carol").await.ok();

    assert_eq!(manager.get("/user/systemuids").await.ok(), json!([]));
    assert_eq!(
        reason(
            desk_client
                .send_in(group, "room", "d-1", red_dot(true), "hi")
                .await
        ),
        natter_wukongim::ReasonCode::SubscriberNotExist,
        "an ordinary user who is not a member"
    );
    let added = manager
        .post("/user/systemuids_add", json!({"uids": ["notices", "desk"]}))
        .await
        .ok();
    assert_eq!(added, json!({"status": 200}));
    assert_eq!(
        manager.get("/user/systemuids").await.ok(),
        json!(["desk", "notices"]),
        "a uid need not have had a token"
    );

    let success = natter_wukongim::ReasonCode::Success;
    assert_eq!(
        reason(
            desk_client
                .send_in(group, "room", "d-2", red_dot(true), "maintenance at 9")
                .await
        ),
        success
    );
    let last = bob.history("GROUProom").await.pop().unwrap();
    assert_eq!(
        (&last["from"], &last["clientMsgID"]),
        (&json!("desk"), &json!("d-2"))
    );
    assert!(
        !desk.list_ids().await.contains(&"GROUProom".to_owned()),
        "no conversation of a group it is not in"
    );
    assert_eq!(
        reason(
            desk_client
                .send("bob", "d-3", red_dot(true), "your ticket")
                .await
        ),
        success,
        "past bob's blacklist"
    );
    carol.send_text("C2Cdesk", "help, please").await;
    assert_eq!(
        desk_client.recv().await.from_uid,
        "carol",
        "past its own blacklist"
    );

    manager.dismiss_group("room").await;
    assert_eq!(
        reason(
            desk_client
                .send_in(group, "room", "d-4", red_dot(true), "hello?")
                .await
        ),
        natter_wukongim::ReasonCode::SubscriberNotExist,
        "a dismissed group takes no one's message"
    );

    let removed = manager
        .post(
            "/user/systemuids_remove",
            json!({"uids": ["desk", "never-one"]}),
        )
        .await
        .ok();
    assert_eq!(removed, json!({"status": 200}));
    assert_eq!(
        manager.get("/user/systemuids").await.ok(),
        json!(["notices"])
    );
    assert_eq!(
        reason(desk_client.send("bob", "d-5", red_dot(true), "again").await),
        natter_wukongim::ReasonCode::InBlacklist
    );
    carol
        .try_send("C2Cdesk", json!({"text": "hello?"}))
        .await
        .expect_error(403, 40305, "in_blacklist");

    // Bad input changes nothing; a user's token is not the manager's.
    manager
        .post("/user/systemuids_add", json!({"uids": ["desk", ""]}))
        .await
        .expect_error(400, 40001, "invalid_argument");
    manager
        .post("/user/systemuids_add", json!({"uids": "desk"}))
        .await
        .expect_error(400, 40001, "invalid_argument");
    bob.post("/user/systemuids_add", json!({"uids": ["bob"]}))
        .await
        .expect_error(403, 40301, "permission_denied");
    assert_eq!(
        manager.get("/user/systemuids").await.ok(),
        json!(["notices"])
    );
    let none = manager
        .post("/user/systemuids_add", json!({"uids": []}))
        .await
        .ok();
    assert_eq!(
        none,
        json!({"status": 200}),
        "none is a change to nothing, as WuKongIM takes it"
    );
}
