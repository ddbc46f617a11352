//! Three nodes on one PostgreSQL database, joined by NATS: what one node does reaches devices
//! on the others, seqs stay gapless under concurrent senders on every node, and a node that
//! dies costs its clients only a reconnect to another node.
//!
//! Runs when the suite runs on PostgreSQL and NATS (`scripts/test.sh` starts both through
//! `scripts/with-services.sh`); otherwise it says it was skipped.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::process::Process;
use common::{Storage, postgres_admin_url, random_token};
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
        let storage = Storage::new();
        let manager_token = random_token("manager");
        let name = random_token("cluster");
        let mut nodes = Vec::new();
        for _ in 0..3 {
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
                total_unread_count: 1
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
