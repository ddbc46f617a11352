//! Webhooks and the before-send callback, against a real HTTP receiver that the test runs on a
//! loopback port: the events' bodies (WuKongIM's) and signatures, who `msg.offline` is for,
//! retries after 500s and while the receiver is down, dead letters and their replay, a kill -9
//! in the middle of sending, the before-send decisions, a WuKongIM client counting as online,
//! and one sender per event among three nodes on PostgreSQL.
//!
//! The servers are the real binary (`crate::common::process`), on the suite's storage: SQLite, or
//! PostgreSQL when `NATTER_TEST_POSTGRES` is set.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::process::Process;
use crate::common::{
    Endpoint, Socket, Storage, User, close_code, postgres_admin_url, random_token,
    subscribed_websocket,
};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use futures_util::{SinkExt, StreamExt};
use hmac::{Hmac, Mac};
use natter_wukongim::{ConnectPacket, DeviceFlag, KeyPair, Packet, ReasonCode, WukongCodec};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_util::codec::Framed;

/// How long a test waits for an event to arrive: a bound, not a timing under test. After a
/// kill -9 on PostgreSQL the restarted node first waits out the dead one's sending lease (its
/// longest delivery and 10 s of slack), then the backoff of the batches cut off in flight; on
/// two busy cores that came to over 30 s once in CI.
const WAIT: Duration = Duration::from_secs(60);
/// The key the servers sign with.
const SECRET: &str = "whsec-test-key";

/// One request the receiver answered.
#[derive(Debug, Clone)]
struct Hit {
    /// `/hook` (webhooks) or `/check` (the before-send callback).
    path: String,
    /// The `event` query parameter.
    event: String,
    /// `X-Natter-Event-Ids`.
    ids: Vec<i64>,
    timestamp: String,
    signature: Option<String>,
    body: Bytes,
    status: u16,
    at: Instant,
}

impl Hit {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("the body is JSON")
    }

    /// The events of a request: the array of a batched kind, or the one object.
    fn items(&self) -> Vec<Value> {
        match self.json() {
            Value::Array(items) => items,
            one => vec![one],
        }
    }
}

/// What the receiver does with the next webhook requests.
#[derive(Debug, Default)]
struct Behaviour {
    /// Answer 500 to this many more webhook requests.
    failures: AtomicUsize,
    /// Answer 500 to every webhook request.
    failing: AtomicBool,
    /// Wait this long before answering a webhook request, ms.
    delay_ms: AtomicUsize,
}

#[derive(Debug, Default)]
struct Shared {
    hits: Mutex<Vec<Hit>>,
    behaviour: Behaviour,
}

/// An app backend: `/hook` receives webhooks, `/check` is a before-send callback that rejects
/// "spam", rewrites "darn" and takes 2 s over "slow".
struct Receiver {
    address: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Receiver {
    async fn start() -> Self {
        Self::start_on("127.0.0.1:0".parse().unwrap(), Arc::default()).await
    }

    async fn start_on(address: SocketAddr, shared: Arc<Shared>) -> Self {
        let listener = TcpListener::bind(address)
            .await
            .expect("the receiver's port");
        let address = listener.local_addr().unwrap();
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(hook))
            .route("/check", axum::routing::post(check))
            .with_state(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        Self {
            address,
            shared,
            stop: Some(stop),
            task: Some(task),
        }
    }

    fn hook_url(&self) -> String {
        format!("http://{}/hook", self.address)
    }

    fn check_url(&self) -> String {
        format!("http://{}/check", self.address)
    }

    fn behaviour(&self) -> &Behaviour {
        &self.shared.behaviour
    }

    /// Goes down: stops listening and closes its connections.
    async fn stop(&mut self) {
        let _ = self.stop.take().expect("running").send(());
        self.task.take().unwrap().await.unwrap();
    }

    /// Comes back on the same port, remembering what it received.
    async fn restart(&mut self) {
        *self = Self::start_on(self.address, self.shared.clone()).await;
    }

    fn hits(&self) -> Vec<Hit> {
        self.shared.hits.lock().unwrap().clone()
    }

    /// Webhook requests of `event` that were answered 200.
    fn delivered(&self, event: &str) -> Vec<Hit> {
        self.hits()
            .into_iter()
            .filter(|hit| hit.path == "/hook" && hit.event == event && hit.status == 200)
            .collect()
    }

    /// Every delivered item of `event`, in arrival order.
    fn items(&self, event: &str) -> Vec<Value> {
        self.delivered(event).iter().flat_map(Hit::items).collect()
    }

    /// Waits until `found` finds something among the delivered items of `event`.
    async fn wait_for<T>(&self, event: &str, found: impl Fn(&[Value]) -> Option<T>) -> T {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(value) = found(&self.items(event)) {
                return value;
            }
            assert!(
                Instant::now() < deadline,
                "no such {event} within {WAIT:?}; got {:#?}",
                self.items(event)
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The delivered item of `event` about message `message_id`.
    async fn message_event(&self, event: &str, message_id: &str) -> Value {
        self.wait_for(event, |items| {
            items
                .iter()
                .find(|item| item["message_idstr"] == message_id)
                .cloned()
        })
        .await
    }

    /// Asserts that message `message_id` makes no `msg.offline`: once its `msg.notify` came,
    /// and a while longer, none names it.
    async fn expect_no_push(&self, message_id: &str, why: &str) {
        self.message_event("msg.notify", message_id).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(
            self.items("msg.offline")
                .iter()
                .all(|item| item["message_idstr"] != message_id),
            "{why}"
        );
    }

    /// The delivered `user.onlinestatus` line that starts with `prefix`.
    async fn status_line(&self, prefix: &str) -> String {
        self.wait_for("user.onlinestatus", |items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .find(|line| line.starts_with(prefix))
                .map(str::to_owned)
        })
        .await
    }
}

async fn hook(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let behaviour = &shared.behaviour;
    let delay = behaviour.delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay as u64)).await;
    }
    let fail = behaviour.failing.load(Ordering::SeqCst)
        || behaviour
            .failures
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                left.checked_sub(1)
            })
            .is_ok();
    let status = if fail {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    };
    record(&shared, "/hook", &query, &headers, body, status);
    status
}

async fn check(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    record(
        &shared,
        "/check",
        &HashMap::new(),
        &headers,
        body.clone(),
        StatusCode::OK,
    );
    let question: Value = serde_json::from_slice(&body).unwrap();
    let payload = BASE64
        .decode(question["payload"].as_str().unwrap())
        .unwrap();
    let payload: Value = serde_json::from_slice(&payload).unwrap();
    let text = payload["text"].as_str().unwrap_or_default().to_owned();
    let answer = if text.contains("spam") {
        json!({"result": "reject", "reason": "no spam here"})
    } else if text.contains("darn") {
        let clean = json!({"text": text.replace("darn", "d**n")});
        json!({"result": "replace", "payload": BASE64.encode(clean.to_string())})
    } else if text.contains("slow") {
        tokio::time::sleep(Duration::from_secs(2)).await;
        json!({"result": "allow"})
    } else {
        json!({"result": "allow"})
    };
    axum::Json(answer).into_response()
}

fn record(
    shared: &Shared,
    path: &str,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    body: Bytes,
    status: StatusCode,
) {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let ids = header("x-natter-event-ids")
        .map(|ids| ids.split(',').map(|id| id.parse().unwrap()).collect())
        .unwrap_or_default();
    shared.hits.lock().unwrap().push(Hit {
        path: path.to_owned(),
        event: query.get("event").cloned().unwrap_or_default(),
        ids,
        timestamp: header("x-natter-timestamp").unwrap_or_default(),
        signature: header("x-natter-signature"),
        body,
        status: status.as_u16(),
        at: Instant::now(),
    });
}

/// What the API reference tells a receiver to check: the HMAC-SHA256 of `timestamp.body`, and
/// a timestamp close to now.
fn assert_signed(hit: &Hit) {
    let signature = hit.signature.as_deref().expect("a signature header");
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(hit.timestamp.as_bytes());
    mac.update(b".");
    mac.update(&hit.body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    assert_eq!(signature, format!("v1={hex}"), "signature of {hit:?}");
    let timestamp: u64 = hit.timestamp.parse().expect("a numeric timestamp");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        now.abs_diff(timestamp) < 60,
        "timestamp {timestamp}, now {now}"
    );
}

/// `natter serve` with webhooks to `receiver`, signed, and `extra` flags.
async fn start(storage: &Storage, receiver: &Receiver, extra: &[&str]) -> Process {
    start_with_token(storage, receiver, extra, &random_token("manager")).await
}

/// A server whose WuKongIM gateway listens on TCP, and that gateway's address.
async fn start_with_wukongim(storage: &Storage, receiver: &Receiver) -> (Process, String) {
    let server = start(storage, receiver, &["--wukongim-tcp-listen", "127.0.0.1:0"]).await;
    let route = server.endpoint.anonymous().get("/route").await.ok();
    let tcp = route["tcp_addr"].as_str().unwrap().to_owned();
    (server, tcp)
}

async fn start_with_token(
    storage: &Storage,
    receiver: &Receiver,
    extra: &[&str],
    manager_token: &str,
) -> Process {
    let url = receiver.hook_url();
    let mut args = vec!["--webhook-url", &url, "--webhook-secret", SECRET];
    args.extend_from_slice(extra);
    Process::start_with(
        storage.data_dir(),
        storage.database_url.as_deref(),
        &args,
        manager_token,
    )
    .await
}

/// A device's subscribed WebSocket and its connection ID.
async fn connect(endpoint: &Endpoint, token: &str) -> (Socket, String) {
    subscribed_websocket(&endpoint.base, token).await
}

/// Sends `{"text": text}` as `user`; the stored message.
async fn send(user: &User, conversation: &str, text: &str) -> Value {
    user.send_text(conversation, text).await
}

fn decoded(payload: &Value) -> Value {
    let bytes = BASE64.decode(payload.as_str().unwrap()).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test]
async fn each_event_carries_wukongims_body_and_a_valid_signature() {
    let receiver = Receiver::start().await;
    let storage = Storage::new();
    let server = start(&storage, &receiver, &[]).await;
    let endpoint = &server.endpoint;
    let alice = endpoint.user("alice").await;
    let bob = endpoint.user("bob").await;

    // user.onlinestatus: WuKongIM's line per connection, with the counts after the change.
    let (socket, connection) = connect(endpoint, &bob.token).await;
    assert_eq!(
        receiver.status_line("bob-0-1-").await,
        format!("bob-0-1-{connection}-1-1")
    );

    // msg.notify: every stored message; bob is online, so no msg.offline.
    let body = json!({"conversationID": "C2Cbob", "payload": {"text": "hi bob"},
        "clientMsgID": "c-1"});
    let message = alice.post("/v1/messages", body).await.ok()["message"].clone();
    let id = message["messageID"].as_str().unwrap();
    let mut item = receiver.message_event("msg.notify", id).await;
    assert!(item["event_id"].as_i64().unwrap() > 0);
    assert_eq!(
        item["timestamp"].as_i64().unwrap(),
        message["time"].as_i64().unwrap() / 1000
    );
    item.as_object_mut().unwrap().remove("event_id");
    item.as_object_mut().unwrap().remove("timestamp");
    assert_eq!(
        item,
        json!({
            "header": {"no_persist": 0, "red_dot": 1, "sync_once": 0},
            "setting": 0,
            "message_id": id.parse::<i64>().unwrap(),
            "message_idstr": id,
            "client_msg_no": "c-1",
            "message_seq": 1,
            "from_uid": "alice",
            "channel_id": "bob",
            "channel_type": 1,
            "expire": 0,
            "payload": BASE64.encode(br#"{"text":"hi bob"}"#),
            "message_type": "TIMCustomElem",
        })
    );

    // Bob leaves: the offline line, then msg.offline for alice's next message.
    drop(socket);
    assert_eq!(
        receiver.status_line("bob-0-0-").await,
        format!("bob-0-0-{connection}-0-0")
    );
    let message = send(&alice, "C2Cbob", "are you there?").await;
    let id = message["messageID"].as_str().unwrap();
    let offline = receiver.message_event("msg.offline", id).await;
    assert_eq!(offline["to_uids"], json!(["bob"]));
    assert_eq!(offline["channel_id"], "bob");
    assert_eq!(offline["from_uid"], "alice");
    assert_eq!(
        decoded(&offline["payload"]),
        json!({"text": "are you there?"})
    );
    let notify = receiver.message_event("msg.notify", id).await;
    assert_ne!(
        offline["event_id"], notify["event_id"],
        "two events, two IDs"
    );

    // A group message names the group; the app backend's sends are stored messages too.
    let manager = endpoint.manager();
    manager.create_group("team", &["alice", "bob"]).await;
    let sent = manager
        .server_send("bob", "team", 2, json!({"text": "from the backend"}), None)
        .await
        .ok();
    let id = sent["data"]["message_id"].to_string();
    let item = receiver.message_event("msg.notify", &id).await;
    assert_eq!(
        (
            &item["from_uid"],
            &item["channel_id"],
            &item["channel_type"]
        ),
        (&json!("bob"), &json!("team"), &json!(2))
    );
    // A system notice comes from the empty uid, in the recipient's channel (WuKongIM's shape).
    manager
        .post(
            "/system/notices",
            json!({"uids": ["alice"], "payload": BASE64.encode(br#"{"title":"Hello"}"#)}),
        )
        .await
        .ok();
    let notice = receiver
        .wait_for("msg.notify", |items| {
            items.iter().find(|item| item["from_uid"] == "").cloned()
        })
        .await;
    assert_eq!(
        (&notice["channel_id"], &notice["channel_type"]),
        (&json!("alice"), &json!(1))
    );
    assert_eq!(decoded(&notice["payload"]), json!({"title": "Hello"}));

    // conversation.deleted: the audit record's fields.
    alice.delete(&["C2Cbob"], Some(false)).await.ok();
    let audit = manager.audit("alice").await[0].clone();
    let deleted = receiver
        .wait_for("conversation.deleted", |items| items.first().cloned())
        .await;
    let mut expected = audit;
    expected["event_id"] = deleted["event_id"].clone();
    assert_eq!(deleted, expected);
    assert_eq!(deleted["conversation_ids"], json!(["C2Cbob"]));

    // Every request is signed, names its event, and lists its events' IDs in order.
    let hits = receiver.hits();
    assert!(hits.len() >= 7, "{hits:#?}");
    for hit in &hits {
        assert_signed(hit);
        let items = hit.items();
        assert_eq!(hit.ids.len(), items.len(), "{hit:?}");
        if hit.event == "msg.offline" {
            assert!(
                hit.json().is_object(),
                "one message per msg.offline request"
            );
        } else {
            assert!(hit.json().is_array(), "{} comes in batches", hit.event);
        }
        for (id, item) in hit.ids.iter().zip(&items) {
            if item.is_object() {
                assert_eq!(item["event_id"], json!(id));
            }
        }
    }
    // Counted once the receiver's answer is recorded, a moment after the request reached it.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let delivered = endpoint
            .manager()
            .metric("natter_webhook_deliveries_total{event=\"msg.notify\"}")
            .await;
        if delivered >= 4 {
            break;
        }
        assert!(Instant::now() < deadline, "{delivered}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn msg_offline_lists_exactly_the_offline_members_who_did_not_mute_or_go_quiet() {
    let receiver = Receiver::start().await;
    let storage = Storage::new();
    let server = start(&storage, &receiver, &[]).await;
    let endpoint = &server.endpoint;
    let mut users = HashMap::new();
    for uid in ["alice", "bob", "carol", "dave", "erin", "frank", "grace"] {
        users.insert(uid, endpoint.user(uid).await);
    }
    let manager = endpoint.manager();
    manager
        .create_group(
            "crew",
            &["alice", "bob", "carol", "dave", "erin", "frank", "grace"],
        )
        .await;
    manager.remove_members("crew", &["frank"]).await;
    // The first message lists the group's conversation for everyone, so they can mute it.
    send(&users["alice"], "GROUPcrew", "welcome").await;
    for (uid, remind) in [("dave", "AcceptNotNotify"), ("erin", "Discard")] {
        users[uid]
            .post(
                "/v1/conversations/remindType",
                json!({"conversationIDList": ["GROUPcrew"], "messageRemindType": remind}),
            )
            .await
            .ok();
    }
    // Bob is online on his web device only; grace on her phone.
    let bob_web = endpoint.device("bob", 1).await;
    let (_bob_socket, _) = connect(endpoint, &bob_web.token).await;
    let (grace_socket, _) = connect(endpoint, &users["grace"].token).await;
    receiver.status_line("bob-1-1-").await;
    receiver.status_line("grace-0-1-").await;

    let message = send(&users["alice"], "GROUPcrew", "all hands").await;
    let offline = receiver
        .message_event("msg.offline", message["messageID"].as_str().unwrap())
        .await;
    assert_eq!(
        offline["to_uids"],
        json!(["carol"]),
        "not the sender, not bob or grace (online), not dave or erin (muted), not frank (left)"
    );

    drop(grace_socket);
    receiver.status_line("grace-0-0-").await;
    let message = send(&users["bob"], "GROUPcrew", "grace went away").await;
    let offline = receiver
        .message_event("msg.offline", message["messageID"].as_str().unwrap())
        .await;
    assert_eq!(offline["to_uids"], json!(["alice", "carol", "grace"]));

    // Carol's quiet hours (setAllReceiveMessageOpt): her messages still reach her, but no
    // push names her while the window lasts.
    let now_s = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let quiet = json!({"messageRemindType": "AcceptNotNotify", "startTime": now_s - 60,
        "endTime": now_s + 3600, "isRepeated": false});
    users["carol"].put("/v1/receive-option", quiet).await.ok();
    let message = send(&users["bob"], "GROUPcrew", "quiet hours").await;
    let offline = receiver
        .message_event("msg.offline", message["messageID"].as_str().unwrap())
        .await;
    assert_eq!(offline["to_uids"], json!(["alice", "grace"]));

    // The sender's words for the push travel with it (offlinePushInfo); a push disabled makes
    // no msg.offline at all.
    let worded = json!({"conversationID": "GROUPcrew", "payload": {"text": "dinner?"},
        "offlinePushInfo": {"title": "Crew", "description": "bob: dinner?", "extension": "{\"k\":1}"}});
    let message = users["bob"].post("/v1/messages", worded).await.ok()["message"].clone();
    let offline = receiver
        .message_event("msg.offline", message["messageID"].as_str().unwrap())
        .await;
    assert_eq!(
        offline["offline_push_info"],
        json!({"title": "Crew", "description": "bob: dinner?", "extension": "{\"k\":1}"})
    );
    let unpushed = json!({"conversationID": "GROUPcrew", "payload": {"text": "shh"},
        "offlinePushInfo": {"disablePush": true}});
    let message = users["bob"].post("/v1/messages", unpushed).await.ok()["message"].clone();
    receiver
        .expect_no_push(
            message["messageID"].as_str().unwrap(),
            "the push was disabled",
        )
        .await;

    // Muted but for mentions (Tencent's NOT_RECEIVE_OFFLINE_PUSH_EXCEPT_AT): dave is pushed a
    // message that names him, and one to everyone, and no other.
    users["dave"]
        .post(
            "/v1/conversations/remindType",
            json!({"conversationIDList": ["GROUPcrew"], "messageRemindType": "AcceptNotNotifyExceptAt"}),
        )
        .await
        .ok();
    let mention = |whom: &str| {
        json!({"conversationID": "GROUPcrew", "type": "TIMTextElem",
            "payload": {"text": "look", "atUserList": [whom]}})
    };
    for (body, pushed) in [
        (mention("dave"), json!(["alice", "dave", "grace"])),
        (
            mention("__kImSDK_MesssageAtALL__"),
            json!(["alice", "dave", "grace"]),
        ),
        (mention("alice"), json!(["alice", "grace"])),
    ] {
        let message = users["bob"].post("/v1/messages", body).await.ok()["message"].clone();
        let offline = receiver
            .message_event("msg.offline", message["messageID"].as_str().unwrap())
            .await;
        assert_eq!(offline["to_uids"], pushed);
    }
    users["dave"]
        .post(
            "/v1/conversations/remindType",
            json!({"conversationIDList": ["C2Calice"], "messageRemindType": "AcceptNotNotifyExceptAt"}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "C2Calice");

    // A message to someone online makes no msg.offline at all.
    let message = send(&users["alice"], "C2Cbob", "hi").await;
    receiver
        .expect_no_push(message["messageID"].as_str().unwrap(), "bob is online")
        .await;
}

/// A WuKongIM client of `uid` (web, device flag 1) connected over TCP to `address`.
async fn wukongim_connect(
    address: &str,
    uid: &str,
    token: &str,
) -> Framed<tokio::net::TcpStream, WukongCodec> {
    let stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let mut framed = Framed::new(stream, WukongCodec::new());
    let keys = KeyPair::generate().unwrap();
    framed
        .send(Packet::Connect(ConnectPacket {
            version: 4,
            device_flag: DeviceFlag::from(1),
            device_id: "webhooks-test".into(),
            uid: uid.into(),
            token: token.into(),
            client_timestamp: 1_700_000_000_000,
            client_key: keys.public_key(),
        }))
        .await
        .unwrap();
    match tokio::time::timeout(WAIT, framed.next()).await {
        Ok(Some(Ok(Packet::Connack(connack)))) => {
            assert_eq!(connack.reason_code, ReasonCode::Success, "{connack:?}")
        }
        other => panic!("expected a CONNACK, got {other:?}"),
    }
    framed
}

#[tokio::test]
async fn a_wukongim_client_counts_as_online_for_msg_offline_and_user_onlinestatus() {
    let receiver = Receiver::start().await;
    let storage = Storage::new();
    let (server, tcp) = start_with_wukongim(&storage, &receiver).await;
    let endpoint = &server.endpoint;
    let alice = endpoint.user("alice").await;
    let bob_web = endpoint.device("bob", 1).await;

    let client = wukongim_connect(&tcp, "bob", &bob_web.token).await;
    receiver.status_line("bob-1-1-").await;
    let message = send(&alice, "C2Cbob", "hi over WuKongIM").await;
    let id = message["messageID"].as_str().unwrap();
    receiver
        .expect_no_push(id, "bob is online on his WuKongIM client")
        .await;

    drop(client);
    receiver.status_line("bob-1-0-").await;
    let message = send(&alice, "C2Cbob", "bob went away").await;
    let offline = receiver
        .message_event("msg.offline", message["messageID"].as_str().unwrap())
        .await;
    assert_eq!(offline["to_uids"], json!(["bob"]));
}

/// The fourth part of a `user.onlinestatus` line: the connection's ID.
fn connection_of(line: &str) -> u64 {
    line.split('-').nth(3).unwrap().parse().unwrap()
}

/// `/conn/kick` and `/conn/remove` end the one connection a `user.onlinestatus` line named, as
/// WuKongIM's backends use them: kicked, a WuKongIM client gets DISCONNECT 12 and a WebSocket
/// close 4004; removed, a WebSocket closes with 1001 and connects again with its token. The
/// user's other connections stay.
#[tokio::test]
async fn conn_kick_and_remove_end_the_connection_the_webhook_named() {
    let receiver = Receiver::start().await;
    let storage = Storage::new();
    let (server, tcp) = start_with_wukongim(&storage, &receiver).await;
    let endpoint = &server.endpoint;
    let bob_web = endpoint.device("bob", 1).await;
    let bob_phone = endpoint.device("bob", 0).await;
    let mut wukongim = wukongim_connect(&tcp, "bob", &bob_web.token).await;
    let wukongim_id = connection_of(&receiver.status_line("bob-1-1-").await);
    let (mut phone, phone_id) = connect(endpoint, &bob_phone.token).await;
    receiver.status_line(&format!("bob-0-1-{phone_id}-")).await;
    let manager = endpoint.manager();

    let kick = json!({"uid": "bob", "conn_id": wukongim_id, "node_id": 1});
    assert_eq!(
        manager.post("/conn/kick", kick).await.ok(),
        json!({"status": 200})
    );
    match tokio::time::timeout(WAIT, wukongim.next()).await {
        Ok(Some(Ok(Packet::Disconnect(disconnect)))) => {
            assert_eq!(disconnect.reason_code, ReasonCode::ConnectKick)
        }
        other => panic!("expected a DISCONNECT, got {other:?}"),
    }
    receiver
        .status_line(&format!("bob-1-0-{wukongim_id}-"))
        .await;
    phone
        .send(Message::Text(r#"{"event":"ping"}"#.into()))
        .await
        .unwrap();
    let pong = phone.next().await.unwrap().unwrap().into_text().unwrap();
    assert!(pong.contains("pong"), "the phone stays connected: {pong}");

    let remove = json!({"uid": "bob", "conn_id": phone_id.parse::<u64>().unwrap()});
    manager.post("/conn/remove", remove).await.ok();
    assert_eq!(close_code(&mut phone, WAIT).await, Some(1001));
    let (mut again, again_id) = connect(endpoint, &bob_phone.token).await;
    assert_ne!(again_id, phone_id, "a new connection, with the same token");

    // Only the user's own connection: a uid that does not hold it ends nothing.
    let not_his = json!({"uid": "alice", "conn_id": again_id.parse::<u64>().unwrap()});
    manager.post("/conn/kick", not_his).await.ok();
    again
        .send(Message::Text(r#"{"event":"ping"}"#.into()))
        .await
        .unwrap();
    let pong = again.next().await.unwrap().unwrap().into_text().unwrap();
    assert!(pong.contains("pong"), "still connected: {pong}");
    manager
        .post("/conn/kick", json!({"uid": "bob"}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "conn_id");
    bob_phone
        .post("/conn/remove", json!({"uid": "bob", "conn_id": 1}))
        .await
        .expect_error(403, 40301, "permission_denied");
}

#[tokio::test]
async fn retries_after_a_500_and_while_the_receiver_is_down() {
    let mut receiver = Receiver::start().await;
    let storage = Storage::new();
    let server = start(&storage, &receiver, &["--webhook-events", "msg.notify"]).await;
    let endpoint = &server.endpoint;
    let alice = endpoint.user("alice").await;
    endpoint.user("bob").await;

    receiver.behaviour().failures.store(2, Ordering::SeqCst);
    let message = send(&alice, "C2Cbob", "third time lucky").await;
    let id = message["messageID"].as_str().unwrap();
    let item = receiver.message_event("msg.notify", id).await;
    let attempts: Vec<Hit> = receiver
        .hits()
        .into_iter()
        .filter(|hit| hit.items().iter().any(|i| i["message_idstr"] == id))
        .collect();
    assert_eq!(
        attempts.iter().map(|hit| hit.status).collect::<Vec<_>>(),
        [500, 500, 200]
    );
    for hit in &attempts {
        assert_eq!(
            hit.ids,
            [item["event_id"].as_i64().unwrap()],
            "the same event"
        );
    }
    let pauses: Vec<Duration> = attempts
        .windows(2)
        .map(|pair| pair[1].at - pair[0].at)
        .collect();
    assert!(
        pauses[0] >= Duration::from_millis(900) && pauses[1] >= Duration::from_millis(1900),
        "exponential backoff: {pauses:?}"
    );
    let manager = endpoint.manager();
    let failures = manager
        .metric("natter_webhook_failures_total{event=\"msg.notify\"}")
        .await;
    assert_eq!(failures, 2);

    // Down: nothing listens on the port. The send is not slowed, and the event waits.
    receiver.stop().await;
    let began = Instant::now();
    let message = send(&alice, "C2Cbob", "anyone?").await;
    assert!(
        began.elapsed() < Duration::from_secs(1),
        "the send does not wait"
    );
    tokio::time::sleep(Duration::from_millis(2500)).await;
    receiver.restart().await;
    let id = message["messageID"].as_str().unwrap();
    receiver.message_event("msg.notify", id).await;
    let failures = manager
        .metric("natter_webhook_failures_total{event=\"msg.notify\"}")
        .await;
    assert!(failures >= 3, "the attempts while down failed: {failures}");
}

#[tokio::test]
async fn events_that_keep_failing_become_dead_letters_and_can_be_replayed() {
    let receiver = Receiver::start().await;
    receiver.behaviour().failing.store(true, Ordering::SeqCst);
    let storage = Storage::new();
    let server = start(
        &storage,
        &receiver,
        &[
            "--webhook-dead-after-secs",
            "2",
            "--webhook-events",
            "msg.notify,msg.offline",
        ],
    )
    .await;
    let endpoint = &server.endpoint;
    let alice = endpoint.user("alice").await;
    endpoint.user("bob").await;
    let manager = endpoint.manager();

    let message = send(&alice, "C2Cbob", "doomed").await;
    let id: i64 = message["messageID"].as_str().unwrap().parse().unwrap();
    let deadline = Instant::now() + WAIT;
    let letters = loop {
        let page = manager.get("/webhook/deadletters").await.ok();
        let entries = page["entries"].as_array().unwrap().clone();
        if entries.len() == 2 {
            break entries;
        }
        assert!(Instant::now() < deadline, "no dead letters: {page}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let kinds: BTreeSet<&str> = letters
        .iter()
        .map(|letter| letter["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, BTreeSet::from(["msg.notify", "msg.offline"]));
    for letter in &letters {
        assert_eq!(letter["body"]["message_id"], json!(id));
        assert_eq!(letter["body"]["event_id"], letter["id"]);
        assert!(letter["attempts"].as_u64().unwrap() >= 2, "{letter}");
        assert!(
            letter["last_error"].as_str().unwrap().contains("500"),
            "{letter}"
        );
    }
    let only_offline = manager
        .get("/webhook/deadletters?event=msg.offline")
        .await
        .ok();
    assert_eq!(only_offline["entries"].as_array().unwrap().len(), 1);
    manager
        .get("/webhook/deadletters?event=msg.stream")
        .await
        .expect_error(400, 40001, "invalid_argument");
    alice
        .get("/webhook/deadletters")
        .await
        .expect_error(403, 40301, "permission_denied");
    let deadline = Instant::now() + WAIT;
    while manager
        .metric("natter_webhook_dead_letters{event=\"msg.notify\"}")
        .await
        != 1
    {
        assert!(Instant::now() < deadline, "the gauge never showed it");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        manager
            .metric("natter_webhook_dead_lettered_total{event=\"msg.notify\"}")
            .await,
        1
    );

    // The receiver is fixed; replaying delivers each with its own event ID.
    receiver.behaviour().failing.store(false, Ordering::SeqCst);
    let replayed = manager
        .post(
            "/webhook/deadletters/replay",
            json!({"event": "msg.notify"}),
        )
        .await
        .ok();
    assert_eq!(replayed, json!({"replayed": 1}));
    let item = receiver.message_event("msg.notify", &id.to_string()).await;
    let notify_letter = letters.iter().find(|l| l["event"] == "msg.notify").unwrap();
    assert_eq!(item["event_id"], notify_letter["id"]);
    let offline_letter = letters
        .iter()
        .find(|l| l["event"] == "msg.offline")
        .unwrap();
    let replayed = manager
        .post(
            "/webhook/deadletters/replay",
            json!({"ids": [offline_letter["id"]]}),
        )
        .await
        .ok();
    assert_eq!(replayed, json!({"replayed": 1}));
    receiver.message_event("msg.offline", &id.to_string()).await;
    let page = manager.get("/webhook/deadletters").await.ok();
    assert_eq!(page["entries"], json!([]));
}

/// (sender, conversation as the sender names it, reader, conversation as the reader names it)
const LANES: [(&str, &str, &str, &str); 4] = [
    ("u0", "C2Cu1", "u1", "C2Cu0"),
    ("u1", "C2Cu0", "u1", "C2Cu0"),
    ("u2", "C2Cu3", "u3", "C2Cu2"),
    ("u3", "C2Cu2", "u3", "C2Cu2"),
];

#[tokio::test]
async fn a_kill_9_while_sending_loses_no_event_and_invents_none() {
    let receiver = Receiver::start().await;
    // A slow receiver and small batches: many requests are in flight when the server dies.
    receiver.behaviour().delay_ms.store(100, Ordering::SeqCst);
    let storage = Storage::new();
    let token = random_token("manager");
    let flags = [
        "--webhook-batch-size",
        "5",
        "--webhook-events",
        "msg.notify",
    ];
    let server = start_with_token(&storage, &receiver, &flags, &token).await;
    let endpoint = server.endpoint.clone();
    let mut users = HashMap::new();
    for uid in ["u0", "u1", "u2", "u3"] {
        users.insert(uid, endpoint.user(uid).await);
    }

    // Eight concurrent senders until the server dies under them.
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut lanes = tokio::task::JoinSet::new();
    for lane in 0..8 {
        let (uid, conversation, _, _) = LANES[lane % LANES.len()];
        let user = users[uid].clone();
        let acked = acked.clone();
        lanes.spawn(async move {
            for n in 0.. {
                let body = json!({"conversationID": conversation, "payload": {"n": n},
                    "clientMsgID": format!("{uid}-{lane}-{n}")});
                match user.try_post("/v1/messages", body).await {
                    Ok(answer) if answer.status == 200 => acked.lock().unwrap().push(
                        answer.body["message"]["messageID"]
                            .as_str()
                            .unwrap()
                            .to_owned(),
                    ),
                    _ => return,
                }
            }
        });
    }
    let deadline = Instant::now() + WAIT;
    while acked.lock().unwrap().len() < 150 || receiver.delivered("msg.notify").len() < 5 {
        assert!(Instant::now() < deadline, "the burst is too slow");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.sigkill().await;
    lanes.join_all().await;
    let acked = acked.lock().unwrap().clone();
    let before_restart = receiver.items("msg.notify").len();
    assert!(
        before_restart < acked.len(),
        "the kill came while events were still queued ({before_restart} of {})",
        acked.len()
    );

    let server = start_with_token(&storage, &receiver, &flags, &token).await;
    let endpoint = &server.endpoint;
    // What committed: every message in the histories after the restart.
    let mut committed = BTreeSet::new();
    for (_, _, reader, conversation) in LANES {
        let reader = User::on(endpoint, reader, &users[reader].token);
        for message in reader.history(conversation).await {
            committed.insert(message["messageID"].as_str().unwrap().to_owned());
        }
    }
    for id in &acked {
        assert!(
            committed.contains(id),
            "acknowledged message {id} is stored"
        );
    }
    receiver.behaviour().delay_ms.store(0, Ordering::SeqCst);
    receiver
        .wait_for("msg.notify", |items| {
            let seen: BTreeSet<String> = items
                .iter()
                .map(|item| item["message_idstr"].as_str().unwrap().to_owned())
                .collect();
            (seen == committed).then_some(())
        })
        .await;
    // Nothing more trickles in, and each message has one event (its redeliveries share its ID).
    tokio::time::sleep(Duration::from_secs(2)).await;
    let items = receiver.items("msg.notify");
    let mut event_of: BTreeMap<String, i64> = BTreeMap::new();
    let mut redelivered = 0;
    for item in &items {
        let message = item["message_idstr"].as_str().unwrap().to_owned();
        assert!(
            committed.contains(&message),
            "an event for uncommitted {message}"
        );
        let event = item["event_id"].as_i64().unwrap();
        match event_of.insert(message.clone(), event) {
            None => {}
            Some(earlier) => {
                assert_eq!(earlier, event, "message {message} has two events");
                redelivered += 1;
            }
        }
    }
    assert_eq!(event_of.len(), committed.len());
    eprintln!(
        "{} acknowledged, {} committed, {before_restart} delivered before the kill, \
         {redelivered} delivered twice (in flight at the kill, same event ID)",
        acked.len(),
        committed.len()
    );
}

#[tokio::test]
async fn the_before_send_callback_allows_rejects_rewrites_and_times_out_both_ways() {
    let receiver = Receiver::start().await;
    let storage = Storage::new();
    let check = receiver.check_url();
    let server = start(
        &storage,
        &receiver,
        &[
            "--before-send-url",
            &check,
            "--before-send-timeout-ms",
            "300",
        ],
    )
    .await;
    let endpoint = &server.endpoint;
    let alice = endpoint.user("alice").await;
    let bob = endpoint.user("bob").await;

    // Allowed: stored as sent; the callback saw the message, signed.
    let message = send(&alice, "C2Cbob", "hello").await;
    assert_eq!(message["payload"], json!({"text": "hello"}));
    let question = receiver
        .hits()
        .into_iter()
        .find(|hit| hit.path == "/check")
        .expect("the callback was asked");
    assert_signed(&question);
    let mut asked = question.json();
    assert!(asked["timestamp"].as_i64().unwrap() > 1_700_000_000);
    asked.as_object_mut().unwrap().remove("timestamp");
    assert_eq!(
        asked,
        json!({"from_uid": "alice", "channel_id": "bob", "channel_type": 1, "client_msg_no": "",
            "message_type": "TIMTextElem", "payload": BASE64.encode(br#"{"text":"hello"}"#),
            "header": {"no_persist": 0, "red_dot": 1, "sync_once": 0}})
    );

    // Rejected: 403 with the backend's reason; nothing stored.
    let answer = alice
        .try_send("C2Cbob", json!({"text": "buy spam now"}))
        .await;
    let reason = answer.expect_error(403, 40304, "message_rejected");
    assert!(reason.contains("no spam here"), "{reason}");

    // Rewritten: the replacement is what is stored, answered and announced.
    let message = send(&alice, "C2Cbob", "darn it").await;
    assert_eq!(message["payload"], json!({"text": "d**n it"}));
    let notify = receiver
        .message_event("msg.notify", message["messageID"].as_str().unwrap())
        .await;
    assert_eq!(decoded(&notify["payload"]), json!({"text": "d**n it"}));

    // Too slow, fail-open (the default): stored unchecked, after the timeout.
    let began = Instant::now();
    let message = send(&alice, "C2Cbob", "slow one").await;
    let waited = began.elapsed();
    assert_eq!(message["payload"], json!({"text": "slow one"}));
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_millis(1500),
        "{waited:?}"
    );
    let texts: Vec<Value> = bob
        .history("C2Calice")
        .await
        .iter()
        .map(|message| message["payload"]["text"].clone())
        .collect();
    assert_eq!(texts, [json!("hello"), json!("d**n it"), json!("slow one")]);
    let manager = endpoint.manager();
    for (outcome, count) in [
        ("allowed", 1),
        ("rejected", 1),
        ("replaced", 1),
        ("failed", 1),
    ] {
        let name = format!("natter_before_send_total{{outcome=\"{outcome}\"}}");
        assert_eq!(manager.metric(&name).await, count, "{outcome}");
    }
    // The app backend's own sends are not asked about.
    let asked_before = receiver
        .hits()
        .iter()
        .filter(|hit| hit.path == "/check")
        .count();
    manager
        .server_send(
            "alice",
            "bob",
            1,
            json!({"text": "spam from the backend"}),
            None,
        )
        .await
        .ok();
    let asked_after = receiver
        .hits()
        .iter()
        .filter(|hit| hit.path == "/check")
        .count();
    assert_eq!(asked_before, asked_after);

    // Too slow, fail-closed: the send is refused (503, retry) and nothing is stored.
    let storage = Storage::new();
    let closed = start(
        &storage,
        &receiver,
        &[
            "--before-send-url",
            &check,
            "--before-send-timeout-ms",
            "300",
            "--before-send-fail-open",
            "false",
        ],
    )
    .await;
    let alice = closed.endpoint.user("alice").await;
    let bob = closed.endpoint.user("bob").await;
    let began = Instant::now();
    alice
        .try_send("C2Cbob", json!({"text": "slow again"}))
        .await
        .expect_error(503, 50301, "unavailable");
    assert!(began.elapsed() < Duration::from_millis(1500));
    send(&alice, "C2Cbob", "quick").await;
    let texts: Vec<Value> = bob
        .history("C2Calice")
        .await
        .iter()
        .map(|message| message["payload"]["text"].clone())
        .collect();
    assert_eq!(texts, [json!("quick")]);
}

/// The NATS URL when the suite runs on PostgreSQL and NATS.
fn cluster_services() -> Option<String> {
    let nats = std::env::var("NATTER_TEST_NATS").ok();
    if postgres_admin_url().is_none() || nats.is_none() {
        eprintln!(
            "SKIPPED: the cluster test needs NATTER_TEST_POSTGRES and NATTER_TEST_NATS \
             (run it through scripts/with-services.sh)"
        );
    }
    nats.filter(|_| postgres_admin_url().is_some())
}

#[tokio::test]
async fn three_nodes_on_postgresql_send_each_event_once() {
    let Some(nats) = cluster_services() else {
        return;
    };
    let receiver = Receiver::start().await;
    let storage = Storage::new();
    let token = random_token("manager");
    let cluster = random_token("cluster");
    let url = receiver.hook_url();
    let args = [
        "--nats-url",
        &nats,
        "--cluster-name",
        &cluster,
        "--webhook-url",
        &url,
        "--webhook-secret",
        SECRET,
        "--webhook-batch-size",
        "7",
    ];
    let database = storage.database_url.as_deref();
    let mut nodes = Vec::new();
    for _ in 0..3 {
        nodes.push(Process::start_with(storage.data_dir(), database, &args, &token).await);
    }
    let endpoints: Vec<Endpoint> = nodes.iter().map(|node| node.endpoint.clone()).collect();
    let alice = endpoints[0].user("alice").await;
    let bob = endpoints[0].user("bob").await;
    endpoints[0].user("carol").await;
    // Bob is online on node 2 only: no node may push to him.
    let (_socket, _) = connect(&endpoints[2], &bob.token).await;
    receiver.status_line("bob-0-1-").await;

    let mut sent = BTreeSet::new();
    for n in 0..60 {
        let node = &endpoints[n % 3];
        let user = User::on(node, "alice", &alice.token);
        let to = if n % 2 == 0 { "C2Cbob" } else { "C2Ccarol" };
        let message = send(&user, to, &format!("#{n}")).await;
        sent.insert(message["messageID"].as_str().unwrap().to_owned());
    }
    let to_carol: BTreeSet<String> = receiver
        .wait_for("msg.notify", |items| {
            let seen: BTreeSet<String> = items
                .iter()
                .map(|item| item["message_idstr"].as_str().unwrap().to_owned())
                .collect();
            (seen == sent).then(|| {
                items
                    .iter()
                    .filter(|item| item["channel_id"] == "carol")
                    .map(|item| item["message_idstr"].as_str().unwrap().to_owned())
                    .collect()
            })
        })
        .await;
    let offline: BTreeSet<String> = receiver
        .wait_for("msg.offline", |items| {
            (items.len() >= 30).then(|| {
                items
                    .iter()
                    .map(|item| item["message_idstr"].as_str().unwrap().to_owned())
                    .collect()
            })
        })
        .await;
    assert_eq!(
        offline, to_carol,
        "pushes for carol only: bob is online on node 2"
    );
    // Let any second sender show itself.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut deliveries: BTreeMap<i64, usize> = BTreeMap::new();
    for hit in receiver.hits() {
        assert_eq!(hit.status, 200);
        assert_signed(&hit);
        for id in hit.ids {
            *deliveries.entry(id).or_default() += 1;
        }
    }
    let twice: Vec<_> = deliveries.iter().filter(|(_, count)| **count > 1).collect();
    assert!(
        twice.is_empty(),
        "events delivered more than once: {twice:?}"
    );
    assert_eq!(receiver.items("msg.notify").len(), 60);
    assert_eq!(receiver.items("msg.offline").len(), 30);
}
