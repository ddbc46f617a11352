//! Three nodes on one PostgreSQL database, joined by NATS: what one node does reaches devices
//! on the others, seqs stay gapless under concurrent senders on every node, a node that dies
//! costs its clients only a reconnect to another node, and a node that loses NATS or
//! PostgreSQL says so and recovers by itself.
//!
//! Runs when the suite runs on PostgreSQL and NATS (`scripts/test.sh` starts both through
//! `scripts/with-services.sh`); otherwise it says it was skipped.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::common::process::Process;
use crate::common::{Storage, close_code, postgres_admin_url, random_token, subscribed_websocket};
use natter_sdk::wire::ServerEvent;
use natter_sdk::{Admin, Chat, Event, EventStream};
use serde_json::json;

const EVENT_WAIT: Duration = Duration::from_secs(15);

struct Cluster {
    nodes: Vec<Option<Process>>,
    manager_token: String,
    _storage: Storage,
}

impl Cluster {
    async fn start(nats_url: &str) -> Self {
        Self::start_nodes(nats_url, 3).await
    }

    async fn start_nodes(nats_url: &str, count: usize) -> Self {
        let storage = Storage::new();
        let manager_token = random_token("manager");
        let name = random_token("cluster");
        let mut nodes = Vec::new();
        for _ in 0..count {
            let node = Process::start_node(&storage, nats_url, &name, &manager_token).await;
            nodes.push(Some(node));
        }
        Self {
            nodes,
            manager_token,
            _storage: storage,
        }
    }

    fn url(&self, node: usize) -> &str {
        &self.nodes[node]
            .as_ref()
            .expect("the node is running")
            .endpoint
            .base
    }

    fn admin(&self, node: usize) -> Admin {
        Admin::new(self.url(node), &self.manager_token)
    }

    /// A device token for `uid`; the same token works on every node.
    async fn token(&self, uid: &str, device_flag: u8) -> String {
        let token = random_token(uid);
        self.admin(0)
            .set_user_token(uid, &token, device_flag, false)
            .await
            .unwrap();
        token
    }

    fn login(&self, node: usize, token: &str) -> Chat {
        Chat::login(self.url(node), token)
    }
}

/// The NATS URL when the suite runs on PostgreSQL and NATS.
fn services() -> Option<String> {
    let nats = std::env::var("NATTER_TEST_NATS").ok();
    if postgres_admin_url().is_none() || nats.is_none() {
        eprintln!(
            "SKIPPED: the cluster tests need NATTER_TEST_POSTGRES and NATTER_TEST_NATS \
             (run them through scripts/with-services.sh)"
        );
    }
    nats.filter(|_| postgres_admin_url().is_some())
}

/// Whether the device is told to resync within `within`.
async fn told_to_resync_within(events: &mut EventStream, within: Duration) -> bool {
    tokio::time::timeout(within, async {
        loop {
            if let Some(Event::Server(ServerEvent::ResyncRequired { .. })) = events.next().await {
                return;
            }
        }
    })
    .await
    .is_ok()
}

async fn wait_for(stream: &mut EventStream, wanted: impl Fn(&ServerEvent) -> bool) -> ServerEvent {
    tokio::time::timeout(EVENT_WAIT, async {
        loop {
            match stream.next().await.expect("the event stream goes on") {
                Event::Server(event) if wanted(&event) => return event,
                _ => {}
            }
        }
    })
    .await
    .expect("the event arrived in time")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_nodes_serve_one_set_of_users() {
    let Some(nats_url) = services() else {
        return;
    };
    let mut cluster = Cluster::start(&nats_url).await;
    let alice_phone = cluster.token("alice", 0).await;
    let alice_web = cluster.token("alice", 1).await;
    let bob = cluster.token("bob", 0).await;
    let carol = cluster.token("carol", 0).await;

    // Cross-node delivery: alice's phone listens on node 0, bob sends through node 1.
    let phone_on_0 = cluster.login(0, &alice_phone);
    let mut phone_events = phone_on_0.events(0).await.unwrap();
    cluster
        .login(1, &bob)
        .send_message("C2Calice", json!({"text": "across nodes"}), None)
        .await
        .unwrap();
    let received = wait_for(&mut phone_events, |event| {
        matches!(event, ServerEvent::MessageReceived { .. })
    })
    .await;
    let ServerEvent::MessageReceived { message_list } = received else {
        unreachable!()
    };
    assert_eq!(message_list[0].payload, json!({"text": "across nodes"}));
    wait_for(&mut phone_events, |event| {
        matches!(
            event,
            ServerEvent::TotalUnreadMessageCountUpdated {
                total_unread_count: 1,
                ..
            }
        )
    })
    .await;

    // Cross-node deletion sync: the web device listens on node 2, the phone deletes through
    // node 1.
    let web_on_2 = cluster.login(2, &alice_web);
    let mut web_events = web_on_2.events(0).await.unwrap();
    cluster
        .login(1, &alice_phone)
        .delete_conversation("C2Cbob")
        .await
        .unwrap();
    let deleted = wait_for(&mut web_events, |event| {
        matches!(event, ServerEvent::ConversationDeleted { .. })
    })
    .await;
    let ServerEvent::ConversationDeleted {
        conversation_id_list,
        ..
    } = deleted
    else {
        unreachable!()
    };
    assert_eq!(conversation_id_list, ["C2Cbob"]);

    // Concurrent senders on every node into one group: seqs 1..=n, each once.
    cluster
        .admin(2)
        .create_group("team", &["alice", "bob", "carol"])
        .await
        .unwrap();
    const PER_SENDER: usize = 30;
    let mut senders = Vec::new();
    for (node, token) in [(0, &alice_phone), (1, &bob), (2, &carol)] {
        let chat = cluster.login(node, token);
        senders.push(tokio::spawn(async move {
            let mut seqs = Vec::new();
            for n in 0..PER_SENDER {
                let sent = chat
                    .send_message("GROUPteam", json!({"n": n}), None)
                    .await
                    .expect("every send is acknowledged");
                seqs.push(sent.seq);
            }
            seqs
        }));
    }
    let mut acknowledged = BTreeSet::new();
    for sender in senders {
        for seq in sender.await.unwrap() {
            assert!(acknowledged.insert(seq), "seq {seq} was given twice");
        }
    }
    let expected: BTreeSet<u64> = (1..=3 * PER_SENDER as u64).collect();
    assert_eq!(acknowledged, expected, "no gap, no duplicate");
    let history = cluster
        .login(1, &carol)
        .message_list("GROUPteam", None, 100)
        .await
        .unwrap();
    let stored: Vec<u64> = history.message_list.iter().map(|m| m.seq).collect();
    assert_eq!(stored, expected.iter().copied().collect::<Vec<_>>());

    // Node 0 dies; the others keep serving, and alice's phone reconnects to node 2 and
    // catches up on what was sent meanwhile.
    let version = phone_on_0.sync(0, 0).await.unwrap().version;
    drop(phone_events);
    cluster.nodes[0].take().unwrap().sigkill().await;
    cluster
        .login(1, &bob)
        .send_message(
            "C2Calice",
            json!({"text": "while your node was down"}),
            None,
        )
        .await
        .unwrap();
    // As after any reconnect: listen first, then fetch what changed since the last version.
    let phone_on_2 = cluster.login(2, &alice_phone);
    let mut phone_events = phone_on_2.events(version).await.unwrap();
    let caught_up = phone_on_2.sync(version, 0).await.unwrap();
    assert!(!caught_up.reset_required);
    let c2c_bob = caught_up
        .conversation_list
        .iter()
        .find(|conversation| conversation.conversation_id == "C2Cbob")
        .expect("the conversation came back with the new message");
    assert_eq!(
        c2c_bob.last_message.as_ref().unwrap().payload,
        json!({"text": "while your node was down"})
    );
    assert_eq!(c2c_bob.unread_count, 1, "only the new message is unread");
    cluster
        .login(1, &carol)
        .send_message("GROUPteam", json!({"text": "still live"}), None)
        .await
        .unwrap();
    wait_for(&mut phone_events, |event| {
        matches!(event, ServerEvent::MessageReceived { message_list }
            if message_list[0].payload == json!({"text": "still live"}))
    })
    .await;
}

/// Writes that meet on one user's rows from every node at once all land: many peers message
/// one user while that user edits a draft and pins, and two nodes recall the same message at
/// once. On PostgreSQL these writes queue on the user's and the channel's row locks; a lost
/// update would show as a message missing from a count, or a running unread total that no
/// longer equals the list's counts.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writes_into_one_user_from_every_node_all_land() {
    let Some(nats_url) = services() else {
        return;
    };
    let cluster = Cluster::start(&nats_url).await;
    let hub = cluster.token("hub", 0).await;
    const PEERS: usize = 12;
    const EACH: usize = 6;
    let mut peers = Vec::new();
    for peer in 0..PEERS {
        peers.push(cluster.token(&format!("peer{peer}"), 0).await);
    }
    let first = cluster
        .login(0, &peers[0])
        .send_message("C2Chub", json!({"n": "first"}), None)
        .await
        .unwrap();

    let mut writers = Vec::new();
    for (peer, token) in peers.iter().enumerate() {
        let chat = cluster.login(peer % 3, token);
        writers.push(tokio::spawn(async move {
            for n in 0..EACH {
                chat.send_message("C2Chub", json!({ "n": n }), None)
                    .await
                    .expect("every send is acknowledged");
            }
        }));
    }
    let hub_chat = cluster.login(2, &hub);
    writers.push(tokio::spawn(async move {
        for n in 0..EACH {
            hub_chat
                .set_conversation_draft("C2Cpeer0", &format!("draft {n}"))
                .await
                .expect("the draft is saved");
            hub_chat
                .pin_conversation("C2Cpeer0", n % 2 == 0)
                .await
                .expect("the pin is saved");
        }
    }));
    for writer in writers {
        writer.await.unwrap();
    }

    let hub_chat = cluster.login(1, &hub);
    let sent = 1 + PEERS * EACH;
    let counted = |list: &[natter_sdk::wire::Conversation]| -> u64 {
        list.iter()
            .map(|conversation| conversation.unread_count)
            .sum()
    };
    let list = hub_chat
        .conversation_list(&Default::default())
        .await
        .unwrap();
    assert_eq!(list.len(), PEERS);
    assert_eq!(counted(&list), sent as u64, "every message counted once");
    assert_eq!(
        hub_chat.total_unread_message_count().await.unwrap(),
        sent as u64,
        "the running total is the list's sum"
    );
    let peer0 = list
        .iter()
        .find(|conversation| conversation.conversation_id == "C2Cpeer0")
        .unwrap();
    assert_eq!(peer0.last_message.as_ref().unwrap().seq, 1 + EACH as u64);

    // The same message recalled through two nodes at once counts out once.
    let recalls: Vec<_> = [0, 1]
        .into_iter()
        .map(|node| {
            let chat = cluster.login(node, &peers[0]);
            let id = first.message_id.clone();
            tokio::spawn(async move { chat.revoke_message("C2Chub", &id).await })
        })
        .collect();
    for recall in recalls {
        assert!(recall.await.unwrap().unwrap().is_revoked);
    }
    let list = hub_chat
        .conversation_list(&Default::default())
        .await
        .unwrap();
    assert_eq!(counted(&list), sent as u64 - 1);
    assert_eq!(
        hub_chat.total_unread_message_count().await.unwrap(),
        sent as u64 - 1
    );
}

/// A nats-server of the test's own, which the test stops and starts again on the same port.
struct OwnNats {
    port: u16,
    child: Option<std::process::Child>,
}

impl OwnNats {
    fn start() -> Option<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let mut nats = Self { port, child: None };
        nats.resume().then_some(nats)
    }

    fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Starts nats-server on its port; false when it is not installed.
    fn resume(&mut self) -> bool {
        let child = std::process::Command::new("nats-server")
            .args(["-a", "127.0.0.1", "-p", &self.port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        let Ok(child) = child else {
            return false;
        };
        self.child = Some(child);
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(std::time::Instant::now() < deadline, "nats-server listens");
            std::thread::sleep(Duration::from_millis(50));
        }
        true
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnNats {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `GET /healthz` until `wanted(status, body)`, or panics after 20 s.
async fn health_until(url: &str, what: &str, wanted: impl Fn(u16, &str) -> bool) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let response = reqwest::get(format!("{url}/healthz")).await.unwrap();
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        if wanted(status, &body) {
            return body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: still {status} {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Two nodes on a nats-server of the test's own; alice's device is connected to node 0 and
/// bob sends to her through node 1.
struct OnOwnNats {
    nats: OwnNats,
    cluster: Cluster,
    alice: String,
    bob: String,
}

impl OnOwnNats {
    async fn start() -> Option<Self> {
        services()?;
        let Some(nats) = OwnNats::start() else {
            eprintln!("SKIPPED: nats-server is not installed");
            return None;
        };
        let cluster = Cluster::start_nodes(&nats.url(), 2).await;
        let alice = cluster.token("alice", 0).await;
        let bob = cluster.token("bob", 0).await;
        Some(Self {
            nats,
            cluster,
            alice,
            bob,
        })
    }

    async fn bob_sends(&self, text: &str) {
        self.cluster
            .login(1, &self.bob)
            .send_message("C2Calice", json!({ "text": text }), None)
            .await
            .unwrap();
    }

    /// Alice's device, connected to node 0 at the version it returns, once the node is healthy.
    async fn alice_listens(&self) -> (EventStream, u64) {
        let phone = self.cluster.login(0, &self.alice);
        let version = phone.sync(0, 0).await.unwrap().version;
        let events = phone.events(version).await.unwrap();
        health_until(self.cluster.url(0), "healthy at first", |status, _| {
            status == 200
        })
        .await;
        (events, version)
    }

    /// Stops NATS and waits until node 0 reports it; then bob sends `text`, whose push is lost.
    async fn cut_off_and_send(&mut self, text: &str) {
        self.nats.stop();
        let body = health_until(self.cluster.url(0), "degraded without NATS", |status, _| {
            status == 503
        })
        .await;
        assert!(body.contains("NATS"), "the body says why: {body}");
        self.bob_sends(text).await;
    }
}

/// Waits, up to `within`, for the device to be told to resync from a version that covers
/// everything since `version`, and for its catching up to find bob's message `text`.
async fn resyncs_and_finds(events: &mut EventStream, version: u64, text: &str, within: Duration) {
    let found = tokio::time::timeout(within, async {
        let from = loop {
            if let Some(Event::Server(ServerEvent::ResyncRequired { version: from })) =
                events.next().await
            {
                break from;
            }
        };
        assert!(
            from <= version,
            "resync from {from}, at or below what the device had before the outage ({version})"
        );
        loop {
            if let Some(Event::CaughtUp(changes)) = events.next().await {
                return changes;
            }
        }
    })
    .await
    .expect("the device was told to resync, reconnected and synced");
    let c2c_bob = found
        .conversation_list
        .iter()
        .find(|conversation| conversation.conversation_id == "C2Cbob")
        .expect("the conversation changed while the push was lost");
    assert_eq!(
        c2c_bob.last_message.as_ref().unwrap().payload,
        json!({ "text": text })
    );
}

/// The node's NATS link goes down with the device's WebSocket still open: `/healthz` says so,
/// and once NATS is back the device is told to resync from a version that covers what was sent
/// through another node meanwhile, then finds it by syncing. No restart is needed.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_node_that_lost_nats_reports_it_and_makes_its_devices_resync() {
    let Some(mut nodes) = OnOwnNats::start().await else {
        return;
    };
    nodes.bob_sends("before").await;
    let (mut events, version) = nodes.alice_listens().await;
    // Sent through the other node while neither can reach NATS: the push is lost.
    nodes.cut_off_and_send("during the outage").await;
    assert!(nodes.nats.resume());
    resyncs_and_finds(&mut events, version, "during the outage", EVENT_WAIT).await;
    health_until(
        nodes.cluster.url(0),
        "healthy again without a restart",
        |status, _| status == 200,
    )
    .await;
    // Both nodes lost NATS: the device may be told to resync twice (by the other node for the
    // events it could not hand over, and by its own once its link is back), and a message sent
    // while it reconnects reaches it through its sync, not live. Let that settle.
    while let Ok(Some(_)) = tokio::time::timeout(Duration::from_secs(3), events.next()).await {}
    // And live pushes across nodes work again.
    nodes.bob_sends("after").await;
    wait_for(&mut events, |event| {
        matches!(event, ServerEvent::MessageReceived { message_list }
            if message_list[0].payload == json!({"text": "after"}))
    })
    .await;
}

/// NATS stays out of reach: the node does not leave its devices deaf for the whole outage.
/// After ten seconds down it sends them to reconnect, and catching up from the database they
/// find what was sent through the other node meanwhile, with NATS still down.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_node_long_cut_off_from_nats_sends_its_devices_to_catch_up() {
    let Some(mut nodes) = OnOwnNats::start().await else {
        return;
    };
    let (mut events, version) = nodes.alice_listens().await;
    nodes.cut_off_and_send("while NATS stays down").await;
    // The node's ten seconds, and time for the device to reconnect and sync.
    let within = Duration::from_secs(10) + EVENT_WAIT;
    resyncs_and_finds(&mut events, version, "while NATS stays down", within).await;
    // Once per outage: the device, back on the same node, is not sent away again and again.
    assert!(
        !told_to_resync_within(&mut events, Duration::from_secs(12)).await,
        "told to resync a second time in one outage"
    );
    assert_eq!(
        reqwest::get(format!("{}/healthz", nodes.cluster.url(0)))
            .await
            .unwrap()
            .status(),
        503,
        "NATS was down all along"
    );
    // WuKongIM's health check says so its way.
    let health = reqwest::get(format!("{}/health", nodes.cluster.url(0)))
        .await
        .unwrap();
    assert_eq!(health.status(), 500);
    let body: serde_json::Value = health.json().await.unwrap();
    assert_eq!(body["status"], "error", "{body}");
    assert!(body["message"].as_str().unwrap().contains("NATS"), "{body}");
}

/// A PostgreSQL cluster of the test's own, which it stops and starts again on the same port.
struct OwnPostgres {
    bin: std::path::PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    as_postgres: bool,
}

impl OwnPostgres {
    fn start() -> Option<Self> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|entry| entry.ok().map(|entry| entry.path().join("bin")))
            .find(|bin| bin.join("initdb").exists())?;
        let dir = tempfile::tempdir().ok()?;
        let as_postgres = std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0");
        if as_postgres {
            std::process::Command::new("chown")
                .args(["-R", "postgres"])
                .arg(dir.path())
                .status()
                .ok()?;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let postgres = Self {
            bin,
            dir,
            port,
            as_postgres,
        };
        let data = postgres.dir.path().join("data");
        let initdb = postgres
            .command("initdb")
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "--auth=trust"])
            .output()
            .ok()?;
        (initdb.status.success() && postgres.pg_ctl("start")).then_some(postgres)
    }

    fn command(&self, program: &str) -> std::process::Command {
        let program = self.bin.join(program);
        if self.as_postgres {
            let mut command = std::process::Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            std::process::Command::new(program)
        }
    }

    fn pg_ctl(&self, action: &str) -> bool {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -c port={} -c unix_socket_directories={}",
            self.port,
            self.dir.path().display()
        );
        self.command("pg_ctl")
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .arg("-l")
            .arg(self.dir.path().join("log"))
            .args(["-m", "fast", "-w", "-o", &options, action])
            .output()
            .is_ok_and(|out| out.status.success())
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops every process of the cluster (SIGSTOP) until the guard is dropped, as a host that
    /// froze: its connections stay open, connecting still completes in the kernel, and
    /// nothing answers.
    fn freeze(&self) -> Frozen {
        let pid_file = self.dir.path().join("data/postmaster.pid");
        let postmaster = std::fs::read_to_string(pid_file)
            .ok()
            .and_then(|text| text.lines().next().map(str::to_owned))
            .expect("PostgreSQL's postmaster.pid");
        let frozen = Frozen { postmaster };
        frozen.signal("STOP");
        frozen
    }
}

/// A PostgreSQL cluster stopped by [`OwnPostgres::freeze`]; resumed when dropped.
struct Frozen {
    postmaster: String,
}

impl Frozen {
    /// Sends `signal` to the postmaster and to each of its children (the backends and the
    /// background processes).
    fn signal(&self, signal: &str) {
        for (program, args) in [
            ("kill", vec![format!("-{signal}"), self.postmaster.clone()]),
            (
                "pkill",
                vec![format!("-{signal}"), "-P".into(), self.postmaster.clone()],
            ),
        ] {
            let status = std::process::Command::new(program).args(&args).status();
            assert!(
                status.is_ok_and(|status| status.success()),
                "{program} {args:?}"
            );
        }
    }
}

impl Drop for Frozen {
    fn drop(&mut self) {
        self.signal("CONT");
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        self.pg_ctl("stop");
    }
}

/// A node on a PostgreSQL cluster of the test's own, which the test may stop or freeze, with
/// alice and bob, and alice's first message to bob sent.
struct OnOwnPostgres {
    postgres: OwnPostgres,
    node: Process,
    alice: crate::common::User,
    _storage: Storage,
}

impl OnOwnPostgres {
    /// The node started with `extra_args`; `None` where such a cluster cannot run here.
    async fn start(extra_args: &[&str]) -> Option<Self> {
        services()?;
        let Some(postgres) = OwnPostgres::start() else {
            eprintln!("SKIPPED: cannot run a PostgreSQL cluster of the test's own here");
            return None;
        };
        let storage = Storage::on_postgres(postgres.url());
        let node = Process::start_with(
            storage.data_dir(),
            storage.database_url.as_deref(),
            extra_args,
            &random_token("manager"),
        )
        .await;
        let alice = node.endpoint.user("alice").await;
        node.endpoint.user("bob").await;
        alice.send_text("C2Cbob", "before").await;
        Some(Self {
            postgres,
            node,
            alice,
            _storage: storage,
        })
    }

    /// Alice's next send is refused with 503 within `within`, saying `why`, and `/healthz`
    /// turns 503 saying it too.
    async fn refuses_within(&self, within: Duration, why: &str) {
        let started = std::time::Instant::now();
        let refused = self
            .alice
            .try_send("C2Cbob", json!({"text": "refused"}))
            .await;
        assert_eq!(refused.status, 503, "{}", refused.text);
        assert!(
            refused.text.contains(why),
            "the error says why: {}",
            refused.text
        );
        assert!(
            started.elapsed() < within,
            "answered within {within:?}, not after the request's timeout: {:?}",
            started.elapsed()
        );
        let body = health_until(&self.node.endpoint.base, "degraded", |status, _| {
            status == 503
        })
        .await;
        assert!(body.contains(why), "the health check says why: {body}");
    }

    /// `/healthz` turns 200 again, and alice's next send is the channel's second message:
    /// nothing of the refused one was committed, then or later.
    async fn serves_again(&self) {
        health_until(&self.node.endpoint.base, "healthy again", |status, _| {
            status == 200
        })
        .await;
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let sent = self
                .alice
                .try_send("C2Cbob", json!({"text": "after"}))
                .await;
            if sent.status == 200 {
                assert_eq!(sent.body["message"]["seq"], 2, "nothing half-written");
                break;
            }
            assert!(std::time::Instant::now() < deadline, "{}", sent.text);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// PostgreSQL goes away under a running node: requests answer 503 at once, not after a
/// timeout, `/healthz` says so, and once PostgreSQL is back the node serves again without a
/// restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_node_answers_503_while_postgresql_is_down_and_recovers_by_itself() {
    let Some(setup) = OnOwnPostgres::start(&[]).await else {
        return;
    };
    assert!(setup.postgres.pg_ctl("stop"));
    setup
        .refuses_within(Duration::from_secs(3), "the database cannot be reached")
        .await;
    assert!(setup.postgres.pg_ctl("start"));
    setup.serves_again().await;
}

/// PostgreSQL stops answering without closing its connections (its host froze; a network that
/// drops everything, or a failover to another address, looks the same from the node): each
/// request gives up after `--database-timeout-secs` with 503 and names why, instead of holding
/// the node's connections until the operating system gives up on them, a quarter of an hour
/// later by default. `/healthz` says so; the send given up on left nothing behind; once
/// PostgreSQL answers again the node serves without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_node_gives_up_on_a_postgresql_that_stops_answering_and_recovers() {
    let Some(setup) = OnOwnPostgres::start(&["--database-timeout-secs", "1"]).await else {
        return;
    };
    let frozen = setup.postgres.freeze();
    setup
        .refuses_within(Duration::from_secs(5), "did not answer in time")
        .await;
    drop(frozen);
    setup.serves_again().await;
}

/// Found by the chaos test (seed 1): a node killed between storing a message and publishing its
/// push took the push along, and a retry of the send (an idempotent duplicate) pushes nothing,
/// so devices on the other nodes never heard of the message. Nodes now say every second that
/// they are alive; when one falls silent without saying goodbye, the others' devices resync.
/// A node stopped gracefully says goodbye, and nothing resyncs.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn when_a_node_dies_the_devices_on_the_others_resync() {
    let Some(nats_url) = services() else {
        return;
    };
    let mut cluster = Cluster::start(&nats_url).await;
    let alice = cluster.token("alice", 0).await;
    let phone = cluster.login(0, &alice);
    let version = phone.sync(0, 0).await.unwrap().version;
    let mut events = phone.events(version).await.unwrap();
    // Long enough for every node to have heard the others.
    tokio::time::sleep(Duration::from_secs(2)).await;

    let status = cluster.nodes[2].take().unwrap().sigterm().await;
    assert!(status.success());
    assert!(
        !told_to_resync_within(&mut events, Duration::from_secs(8)).await,
        "a node that left gracefully lost nothing"
    );

    cluster.nodes[1].take().unwrap().sigkill().await;
    wait_for(&mut events, |event| {
        matches!(event, ServerEvent::ResyncRequired { .. })
    })
    .await;
}

/// Whether `chat`'s token is refused (401) by its node, polled until `EVENT_WAIT`: the node
/// hears of a token withdrawn on another node through the cluster's events.
async fn refused_in_time(chat: &Chat) -> bool {
    tokio::time::timeout(EVENT_WAIT, async {
        loop {
            match chat.total_unread_message_count().await {
                Err(natter_sdk::Error::Api { status: 401, .. }) => return,
                Ok(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                Err(other) => panic!("unexpected: {other}"),
            }
        }
    })
    .await
    .is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_token_withdrawn_on_one_node_stops_working_on_the_others() {
    let Some(nats_url) = services() else {
        return;
    };
    let cluster = Cluster::start(&nats_url).await;
    let phone = cluster.token("alice", 0).await;
    let web = cluster.token("alice", 1).await;
    // Each token is used on a node first, so that node knows it (and may keep it).
    let phone_on_1 = cluster.login(1, &phone);
    let web_on_2 = cluster.login(2, &web);
    phone_on_1.total_unread_message_count().await.unwrap();
    web_on_2.total_unread_message_count().await.unwrap();

    // Node 0 gives the phone a new token: the old one stops working on node 1.
    let new_phone = cluster.token("alice", 0).await;
    assert!(refused_in_time(&phone_on_1).await, "the replaced token");
    cluster
        .login(1, &new_phone)
        .total_unread_message_count()
        .await
        .unwrap();

    // Node 0 signs the web device out: its token stops working on node 2.
    let quit = reqwest::Client::new()
        .post(format!("{}/user/device_quit", cluster.url(0)))
        .header("token", &cluster.manager_token)
        .json(&json!({"uid": "alice", "device_flag": 1}))
        .send()
        .await
        .unwrap();
    assert!(quit.status().is_success(), "{}", quit.status());
    assert!(refused_in_time(&web_on_2).await, "the signed-out token");
}

/// `/conn/kick` through one node ends the connection another node holds, as the app backend
/// names it from the `user.onlinestatus` webhook: connection IDs are unique in the cluster.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_connection_kicked_through_one_node_ends_on_another() {
    let Some(nats_url) = services() else {
        return;
    };
    let cluster = Cluster::start(&nats_url).await;
    let web = cluster.token("alice", 1).await;
    let (mut socket, connection) = subscribed_websocket(cluster.url(2), &web).await;
    let connection: u64 = connection.parse().unwrap();

    let kick = reqwest::Client::new()
        .post(format!("{}/conn/kick", cluster.url(0)))
        .header("token", &cluster.manager_token)
        .json(&json!({"uid": "alice", "conn_id": connection}))
        .send()
        .await
        .unwrap();
    assert!(kick.status().is_success(), "{}", kick.status());
    assert_eq!(
        close_code(&mut socket, EVENT_WAIT).await,
        Some(4004),
        "node 2 closes the connection kicked through node 0"
    );
}

/// A counter from the node's `GET /metrics`.
async fn counter(url: &str, name: &str) -> u64 {
    let text = reqwest::get(format!("{url}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in\n{text}"))
}

const PUBLISHED: &str = "natter_cluster_events_published_total";
const SKIPPED: &str = "natter_cluster_events_skipped_total";

/// Sends from `from` to `to` through `node` until the node skips the events and publishes
/// none (a node publishes everything until it knows every other node's users): true once it
/// does, false if it never did within `EVENT_WAIT`.
async fn skips_in_time(cluster: &Cluster, node: usize, from: &str, to: &str) -> bool {
    let chat = cluster.login(node, from);
    let url = cluster.url(node);
    tokio::time::timeout(EVENT_WAIT, async {
        loop {
            let (published, skipped) = (counter(url, PUBLISHED).await, counter(url, SKIPPED).await);
            chat.send_message(&format!("C2C{to}"), json!({"text": "anyone?"}), None)
                .await
                .unwrap();
            if counter(url, PUBLISHED).await == published && counter(url, SKIPPED).await > skipped {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
    .await
    .is_ok()
}

/// Presence: a node neither builds nor publishes events for users connected to no other node,
/// and counts what it skipped; once the user connects to another node, their events go out
/// again.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_node_publishes_nothing_for_users_connected_nowhere() {
    let Some(nats_url) = services() else {
        return;
    };
    let cluster = Cluster::start(&nats_url).await;
    let alice = cluster.token("alice", 0).await;
    let bob = cluster.token("bob", 0).await;
    assert!(
        skips_in_time(&cluster, 1, &bob, "alice").await,
        "events for two users connected nowhere are skipped"
    );

    let phone = cluster.login(2, &alice);
    let mut events = phone.events(0).await.unwrap();
    let url = cluster.url(1);
    let published = counter(url, PUBLISHED).await;
    cluster
        .login(1, &bob)
        .send_message("C2Calice", json!({"text": "now you are here"}), None)
        .await
        .unwrap();
    wait_for(&mut events, |event| {
        matches!(event, ServerEvent::MessageReceived { message_list }
            if message_list[0].payload == json!({"text": "now you are here"}))
    })
    .await;
    assert!(
        counter(url, PUBLISHED).await > published,
        "alice's events went to node 2"
    );
}

/// The race presence could open: a device connects to one node, and another node commits a
/// message for its user before it has learned that the user is connected. A connection is
/// only answered once every node has acknowledged its user, so a message sent right after the
/// connect reaches it live. Fresh users each time, on every pair of nodes.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_message_sent_right_after_a_connect_on_another_node_arrives() {
    let Some(nats_url) = services() else {
        return;
    };
    let cluster = Cluster::start(&nats_url).await;
    for round in 0..30 {
        let (listener, sender) = (format!("listener{round}"), format!("sender{round}"));
        let listening = cluster.token(&listener, 0).await;
        let sending = cluster.token(&sender, 0).await;
        let (here, there) = (round % 3, (round + 1 + round / 3 % 2) % 3);
        let device = cluster.login(here, &listening);
        let mut events = device.events(0).await.unwrap();
        cluster
            .login(there, &sending)
            .send_message(&format!("C2C{listener}"), json!({ "round": round }), None)
            .await
            .unwrap();
        let arrived = tokio::time::timeout(EVENT_WAIT, async {
            loop {
                match events.next().await.expect("the event stream goes on") {
                    Event::Server(ServerEvent::MessageReceived { message_list }) => {
                        return message_list[0].payload.clone();
                    }
                    Event::Server(ServerEvent::ResyncRequired { .. }) => {
                        panic!("round {round}: told to resync instead of getting the message")
                    }
                    _ => {}
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("round {round}: node {here} never got it from node {there}"));
        assert_eq!(arrived, json!({ "round": round }));
    }
}

/// A node that dies takes its users out of the others' presence: once it is found silent, the
/// others stop publishing events for the users that were connected only to it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_dead_nodes_users_are_dropped_from_presence() {
    let Some(nats_url) = services() else {
        return;
    };
    let mut cluster = Cluster::start(&nats_url).await;
    let alice = cluster.token("alice", 0).await;
    let bob = cluster.token("bob", 0).await;
    let phone = cluster.login(2, &alice);
    let _events = phone.events(0).await.unwrap();
    let url = cluster.url(1).to_owned();
    let published = counter(&url, PUBLISHED).await;
    cluster
        .login(1, &bob)
        .send_message("C2Calice", json!({"text": "to node 2"}), None)
        .await
        .unwrap();
    assert!(counter(&url, PUBLISHED).await > published);

    cluster.nodes[2].take().unwrap().sigkill().await;
    assert!(
        skips_in_time(&cluster, 1, &bob, "alice").await,
        "alice was connected only to the dead node"
    );
}

/// The next status of `uid` the stream hears: its `statusType` and `customStatus`.
async fn status_of(events: &mut EventStream, uid: &str) -> (u8, String) {
    let ServerEvent::UserStatusUpdated { user_status_list } = wait_for(events, |event| {
        matches!(event, ServerEvent::UserStatusUpdated { user_status_list }
            if user_status_list.iter().any(|status| status.user_id == uid))
    })
    .await
    else {
        unreachable!("picked a status event")
    };
    let status = user_status_list
        .into_iter()
        .find(|status| status.user_id == uid)
        .expect("picked for it");
    (status.status_type, status.custom_status)
}

/// WuKongIM's `/user/onlinestatus` answer for `uid` from the node at `base`: its devices
/// connected to a live node.
async fn online_status(base: &str, manager_token: &str, uid: &str) -> serde_json::Value {
    reqwest::Client::new()
        .post(format!("{base}/user/onlinestatus"))
        .header("token", manager_token)
        .json(&json!([uid]))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Posts `body` to `path` on `node` with a user's `token`; the answer, which must be a success.
async fn user_post(
    cluster: &Cluster,
    node: usize,
    token: &str,
    path: &str,
    body: serde_json::Value,
) -> serde_json::Value {
    let answer = reqwest::Client::new()
        .post(format!("{}{path}", cluster.url(node)))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{path}: {}", answer.status());
    answer.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_users_status_is_one_across_the_nodes_and_a_stopping_node_lets_it_go() {
    let Some(nats_url) = services() else {
        return;
    };
    let mut cluster = Cluster::start(&nats_url).await;
    let (alice, bob) = (
        cluster.token("alice", 0).await,
        cluster.token("bob", 0).await,
    );
    user_post(
        &cluster,
        0,
        &bob,
        "/v1/user-status/subscribe",
        json!({"userIDList": ["alice"]}),
    )
    .await;
    let bobs_chat = cluster.login(0, &bob);
    let version = bobs_chat.sync(0, 0).await.unwrap().version;
    let mut bobs = bobs_chat.events(version).await.unwrap();

    // alice's phone on node 1, her browser on node 2: one status, told once.
    let phone = cluster.login(1, &alice);
    let _phone_events = phone.events(0).await.unwrap();
    assert_eq!(status_of(&mut bobs, "alice").await.0, 1, "online");
    let browser = cluster.login(2, &alice);
    let browser_events = browser.events(0).await.unwrap();
    let answer = user_post(
        &cluster,
        0,
        &bob,
        "/v1/user-status",
        json!({"userIDList": ["alice"]}),
    )
    .await;
    assert_eq!(
        answer["successUserList"][0]["statusType"], 1,
        "node 0 knows"
    );
    let online = online_status(cluster.url(0), &cluster.manager_token, "alice").await;
    assert_eq!(
        online,
        json!([{"uid": "alice", "device_flag": 0, "online": 1}])
    );

    // Her browser closes: still online on node 1, so bob hears nothing of it; the next he
    // hears is her custom status, set through node 2.
    drop(browser_events);
    user_post(
        &cluster,
        2,
        &alice,
        "/v1/user-status/self",
        json!({"customStatus": "commuting"}),
    )
    .await;
    assert_eq!(
        status_of(&mut bobs, "alice").await,
        (1, "commuting".to_owned()),
        "no offline in between"
    );

    // Node 1 stops: her last connection goes with it, and bob hears at once, not after the
    // 30 seconds a silent node's heartbeat takes to go stale.
    let stopped_at = std::time::Instant::now();
    let status = cluster.nodes[1].take().unwrap().sigterm().await;
    assert!(status.success());
    assert_eq!(status_of(&mut bobs, "alice").await.0, 2, "offline");
    assert!(stopped_at.elapsed() < Duration::from_secs(10));
}

/// A raw WebSocket kept open by a ping every 5 s; says whether the server closed it.
struct KeptOpen {
    closed: std::sync::Arc<std::sync::atomic::AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl KeptOpen {
    async fn connect(base: &str, token: &str) -> Self {
        use futures_util::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::Message;
        let (socket, _) = subscribed_websocket(base, token).await;
        let closed = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let said_closed = closed.clone();
        let task = tokio::spawn(async move {
            let (mut sink, mut stream) = socket.split();
            let mut pings = tokio::time::interval(Duration::from_secs(5));
            loop {
                tokio::select! {
                    _ = pings.tick() => {
                        let ping = Message::Text(r#"{"event":"ping"}"#.into());
                        if sink.send(ping).await.is_err() {
                            break;
                        }
                    }
                    frame = stream.next() => match frame {
                        Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                        Some(Ok(_)) => {}
                    },
                }
            }
            said_closed.store(true, std::sync::atomic::Ordering::Relaxed);
        });
        Self { closed, task }
    }

    fn is_open(&self) -> bool {
        !self.closed.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl Drop for KeptOpen {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Whether `uid` is online as the node at `base` answers WuKongIM's `/user/onlinestatus`.
async fn online_as_told_by(base: &str, manager_token: &str, uid: &str) -> bool {
    let online = online_status(base, manager_token, uid).await;
    online.as_array().is_some_and(|online| !online.is_empty())
}

/// PostgreSQL down for longer than the 30 s after which a silent node is taken for dead: when
/// it is back, the first node to beat takes the other for dead and forgets its connections,
/// though they stayed open (the nodes only lost the database). The node taken for dead learns
/// so from its next heartbeat and writes its connections down again, so each node counts the
/// users connected to the other online once more, and for good.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn devices_connected_through_a_long_postgresql_outage_count_online_again() {
    let Some(nats_url) = services() else {
        return;
    };
    let Some(postgres) = OwnPostgres::start() else {
        eprintln!("SKIPPED: cannot run a PostgreSQL cluster of the test's own here");
        return;
    };
    let storage = Storage::on_postgres(postgres.url());
    let manager = random_token("manager");
    let name = random_token("cluster");
    let mut nodes = Vec::new();
    for _ in 0..2 {
        nodes.push(Process::start_node(&storage, &nats_url, &name, &manager).await);
    }
    let base = |node: usize| nodes[node].endpoint.base.clone();
    let admin = Admin::new(&base(0), &manager);
    let mut sockets = Vec::new();
    for (node, uid) in [(0, "alice"), (1, "bob")] {
        let token = random_token(uid);
        admin.set_user_token(uid, &token, 0, false).await.unwrap();
        sockets.push(KeptOpen::connect(&base(node), &token).await);
    }
    // Each node answers for the user connected to the other, from the database.
    let both_online = || async {
        online_as_told_by(&base(0), &manager, "bob").await
            && online_as_told_by(&base(1), &manager, "alice").await
    };
    let until_both_online = |within: Duration| async move {
        let deadline = std::time::Instant::now() + within;
        while !both_online().await {
            if std::time::Instant::now() > deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        true
    };
    assert!(until_both_online(Duration::from_secs(10)).await, "before");

    assert!(postgres.pg_ctl("stop"));
    tokio::time::sleep(Duration::from_secs(36)).await;
    assert!(postgres.pg_ctl("start"));

    assert!(
        until_both_online(Duration::from_secs(30)).await,
        "both counted online again once PostgreSQL is back"
    );
    // Past another heartbeat of each node: nothing forgets them again.
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert!(both_online().await, "and they stay so");
    assert!(
        sockets.iter().all(KeptOpen::is_open),
        "the devices stayed connected throughout"
    );
}
