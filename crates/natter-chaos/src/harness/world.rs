//! What the harness's tasks share: the nodes' addresses, the users' tokens, the devices'
//! local state, the history, and the per-channel locks that keep each operation's place in
//! its channel exact (sends into a channel run concurrently with each other; every other
//! operation on it runs alone).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use natter_chaos::device::DeviceModel;
use natter_chaos::history::{Call, Event, Outcome};
use reqwest::Method;
use serde_json::json;
use tokio::sync::{OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock, watch};

use super::client::{Answer, Auth, Http, Request};
use super::recorder::Recorder;
use super::rng::Rng;
use super::wukongim::Sends;

/// After an attempt without a definite answer, a later attempt settles the outcome; the first
/// one may still be finishing on its node, so the channel stays locked this much longer.
const SETTLE: Duration = Duration::from_secs(2);

/// Where the run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Workload and faults.
    Running,
    /// No more operations or faults; devices stay connected and catch up.
    Settling,
    /// Devices close.
    Stopping,
}

/// A device's state, shared by its task and by the operations it makes (its deletions).
#[derive(Debug, Default)]
pub struct DeviceState {
    pub model: DeviceModel,
    pub connection_id: Option<String>,
    /// Subscribed, caught up, nothing left to fetch.
    pub quiet: bool,
}

/// What the workload believes about membership and seqs, to pick sensible operations.
#[derive(Debug, Default)]
pub struct Knowledge {
    pub members: BTreeMap<String, BTreeSet<String>>,
    pub last_seq: BTreeMap<String, u64>,
}

pub struct World {
    pub recorder: Recorder,
    pub http: Http,
    pub nodes: Vec<String>,
    pub manager: Auth,
    /// The users who act, each with their devices.
    pub users: Vec<String>,
    /// The users with no device ([`natter_chaos::history::Setup::offline_users`]).
    pub offline_users: Vec<String>,
    pub groups: Vec<String>,
    /// By device, and for an offline user by `uid/0`, which never connects.
    pub tokens: BTreeMap<String, Auth>,
    pub devices: BTreeMap<String, Arc<Mutex<DeviceState>>>,
    /// The WuKongIM devices, by name, for the sends made through them.
    pub wukongim: BTreeMap<String, Sends>,
    pub knowledge: Mutex<Knowledge>,
    locks: Mutex<HashMap<String, Arc<RwLock<()>>>>,
    next_op: AtomicU64,
    next_session: AtomicU64,
    /// While set, some requests are cut off mid-way.
    pub cutting: AtomicBool,
    pub stage: watch::Sender<Stage>,
    /// Operations give up retrying after this many ms of the run.
    pub give_up_at: AtomicU64,
}

/// The locks one operation holds.
pub enum Held {
    Shared(#[allow(dead_code)] Vec<OwnedRwLockReadGuard<()>>),
    Alone(#[allow(dead_code)] Vec<OwnedRwLockWriteGuard<()>>),
}

impl World {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        recorder: Recorder,
        nodes: Vec<String>,
        manager_token: String,
        users: Vec<String>,
        offline_tokens: BTreeMap<String, String>,
        groups: BTreeMap<String, Vec<String>>,
        tokens: BTreeMap<String, String>,
        wukongim: BTreeMap<String, Sends>,
    ) -> Self {
        let mut knowledge = Knowledge::default();
        for (group, members) in &groups {
            knowledge
                .members
                .insert(group.clone(), members.iter().cloned().collect());
        }
        Self {
            recorder,
            http: Http::new(),
            nodes,
            manager: Auth::Manager(manager_token),
            users,
            offline_users: offline_tokens.keys().cloned().collect(),
            groups: groups.keys().cloned().collect(),
            devices: tokens
                .keys()
                .map(|device| (device.clone(), Arc::default()))
                .collect(),
            tokens: tokens
                .into_iter()
                .chain(
                    offline_tokens
                        .into_iter()
                        .map(|(uid, token)| (format!("{uid}/0"), token)),
                )
                .map(|(device, token)| (device, Auth::User(token)))
                .collect(),
            wukongim,
            knowledge: Mutex::new(knowledge),
            locks: Mutex::default(),
            next_op: AtomicU64::new(1),
            next_session: AtomicU64::new(1),
            cutting: AtomicBool::new(false),
            stage: watch::Sender::new(Stage::Running),
            give_up_at: AtomicU64::new(u64::MAX),
        }
    }

    pub fn stage(&self) -> Stage {
        *self.stage.borrow()
    }

    pub fn next_session(&self) -> u64 {
        self.next_session.fetch_add(1, Ordering::Relaxed)
    }

    /// Everyone: the users who act, then those who never connect.
    pub fn all_users(&self) -> impl Iterator<Item = &String> {
        self.users.iter().chain(&self.offline_users)
    }

    pub fn token(&self, device: &str) -> &Auth {
        &self.tokens[device]
    }

    /// Takes the locks of the channels a call touches, in one order (no deadlock).
    pub async fn lock(&self, call: &Call) -> Held {
        let mut channels = call.channels();
        channels.sort();
        channels.dedup();
        let locks: Vec<Arc<RwLock<()>>> = {
            let mut all = self.locks.lock().expect("locks");
            channels
                .iter()
                .map(|channel| all.entry(channel.clone()).or_default().clone())
                .collect()
        };
        if matches!(call, Call::Send { .. }) {
            let mut held = Vec::new();
            for lock in locks {
                held.push(lock.read_owned().await);
            }
            Held::Shared(held)
        } else {
            let mut held = Vec::new();
            for lock in locks {
                held.push(lock.write_owned().await);
            }
            Held::Alone(held)
        }
    }

    /// Runs an operation until it has a definite answer (or the run gives up on it), each
    /// attempt on a node picked at random (or, for a send through a WuKongIM device, on its
    /// connection), recording every attempt.
    pub async fn run(&self, call: Call, rng: &mut Rng) -> Outcome {
        let op = self.next_op.fetch_add(1, Ordering::Relaxed);
        let mut uncertain = false;
        for attempt in 1.. {
            // A send through a WuKongIM device goes over its connection of the moment.
            let through = match &call {
                Call::Send {
                    wukongim: Some(device),
                    ..
                } => Some(&self.wukongim[device]),
                _ => None,
            };
            let node = match through {
                Some(device) => device.node(),
                None => rng.below(self.nodes.len() as u64) as usize,
            };
            let cut_off = (self.cutting.load(Ordering::Relaxed) && rng.chance(30))
                .then(|| Duration::from_millis(rng.between(1, 40)));
            self.recorder.record(Event::Invoke {
                op,
                attempt,
                node,
                call: call.clone(),
            });
            let outcome = match (through, &call) {
                (
                    Some(device),
                    Call::Send {
                        conversation,
                        client_msg_id,
                        ..
                    },
                ) => sent_through(device, conversation, client_msg_id).await,
                _ => outcome(&call, self.attempt(&call, node, cut_off).await),
            };
            self.returned(op, attempt, &call, &outcome);
            if outcome.is_definite() {
                if uncertain {
                    tokio::time::sleep(SETTLE).await;
                }
                self.learn(&call, &outcome);
                return outcome;
            }
            uncertain = true;
            if self.recorder.now() > self.give_up_at.load(Ordering::Relaxed) {
                return outcome;
            }
            let pause = 200 * u64::from(attempt.min(10));
            tokio::time::sleep(Duration::from_millis(pause)).await;
        }
        unreachable!("the loop returns")
    }

    /// Records the answer; a deletion that succeeded is applied to the deleting device's model
    /// at the same moment, so the checker's replay sees it in the same order.
    fn returned(&self, op: u64, attempt: u32, call: &Call, outcome: &Outcome) {
        let event = Event::Return {
            op,
            attempt,
            outcome: outcome.clone(),
        };
        if let (
            Call::Delete {
                device,
                conversations,
                clear,
                ..
            },
            Outcome::Deleted { version },
        ) = (call, outcome)
        {
            let mut state = self.devices[device].lock().expect("device lock");
            self.recorder.record(event);
            state
                .model
                .deleted_here(conversations, *clear, Some(*version));
        } else {
            self.recorder.record(event);
        }
    }

    fn learn(&self, call: &Call, outcome: &Outcome) {
        let mut knowledge = self.knowledge.lock().expect("knowledge");
        match (call, outcome) {
            (Call::Send { .. }, Outcome::Sent { seq, .. }) => {
                for channel in call.channels() {
                    let last = knowledge.last_seq.entry(channel).or_default();
                    *last = (*last).max(*seq);
                }
            }
            (Call::Leave { uid, group }, Outcome::Done) => {
                knowledge
                    .members
                    .entry(group.clone())
                    .or_default()
                    .remove(uid);
            }
            (Call::Join { uid, group }, Outcome::Done) => {
                knowledge
                    .members
                    .entry(group.clone())
                    .or_default()
                    .insert(uid.clone());
            }
            _ => {}
        }
    }

    async fn attempt(&self, call: &Call, node: usize, cut_off: Option<Duration>) -> Answer {
        let user = |uid: &str| self.token(&format!("{uid}/0"));
        let request = match call {
            Call::Send {
                from,
                conversation,
                client_msg_id,
                ..
            } => Request {
                method: Method::POST,
                path: "/v1/messages".into(),
                auth: user(from),
                body: Some(json!({
                    "conversationID": conversation,
                    "payload": {"text": client_msg_id},
                    "clientMsgID": client_msg_id,
                })),
                connection: None,
                cut_off,
            },
            Call::Read {
                uid,
                conversation,
                seq,
            } => Request {
                method: Method::POST,
                path: format!("/v1/conversations/{conversation}/read"),
                auth: user(uid),
                body: Some(json!({"seq": seq})),
                connection: None,
                cut_off,
            },
            Call::Delete {
                device,
                connection_id,
                conversations,
                clear,
                ..
            } => Request {
                method: Method::POST,
                path: "/v1/conversations/delete".into(),
                auth: self.token(device),
                body: Some(json!({
                    "conversationIDList": conversations,
                    "clearHistoryMessage": clear,
                })),
                connection: connection_id.clone(),
                cut_off,
            },
            Call::Archive { uid, conversation } | Call::Unarchive { uid, conversation } => {
                let path = if matches!(call, Call::Archive { .. }) {
                    "/v1/conversations/archive"
                } else {
                    "/v1/conversations/restore"
                };
                Request {
                    method: Method::POST,
                    path: path.into(),
                    auth: user(uid),
                    body: Some(json!({"conversationIDList": [conversation]})),
                    connection: None,
                    cut_off,
                }
            }
            Call::Leave { uid, group } => Request {
                method: Method::POST,
                path: format!("/v1/groups/{group}/leave"),
                auth: user(uid),
                body: None,
                connection: None,
                cut_off,
            },
            Call::Join { uid, group } => Request {
                method: Method::POST,
                path: "/channel/subscriber_add".into(),
                auth: &self.manager,
                body: Some(json!({
                    "channel_id": group,
                    "channel_type": 2,
                    "subscribers": [uid],
                })),
                connection: None,
                cut_off,
            },
        };
        self.http.call(&self.nodes[node], request).await
    }
}

/// A send through a WuKongIM device, as its SENDACK tells it: stored, refused for good (a
/// sender who is not a member: 3 `SubscriberNotExist`), or unknown (no SENDACK, or 15
/// `SystemError` and 22 `RateLimit`, which may pass).
async fn sent_through(device: &Sends, conversation: &str, client_msg_id: &str) -> Outcome {
    use natter_wukongim::ReasonCode;
    match device
        .send(conversation, client_msg_id, Duration::from_secs(5))
        .await
    {
        Ok(sendack) => match sendack.reason_code {
            ReasonCode::Success => Outcome::Sent {
                id: sendack.message_id.to_string(),
                seq: u64::from(sendack.message_seq),
            },
            reason @ (ReasonCode::SystemError | ReasonCode::RateLimit) => Outcome::Unknown {
                reason: format!("SENDACK {reason:?}"),
            },
            reason => Outcome::Refused {
                status: if reason == ReasonCode::SubscriberNotExist {
                    403
                } else {
                    400
                },
                error: format!("SENDACK {reason:?}"),
            },
        },
        Err(reason) => Outcome::Unknown { reason },
    }
}

fn outcome(call: &Call, answer: Answer) -> Outcome {
    match answer {
        Answer::Ok(body) => match call {
            Call::Send { .. } => {
                match (
                    body["message"]["messageID"].as_str(),
                    body["message"]["seq"].as_u64(),
                ) {
                    (Some(id), Some(seq)) => Outcome::Sent {
                        id: id.to_owned(),
                        seq,
                    },
                    _ => Outcome::Unknown {
                        reason: format!("a send answered without a message: {body}"),
                    },
                }
            }
            Call::Delete { .. } => Outcome::Deleted {
                version: body["version"].as_u64().unwrap_or(0),
            },
            _ => Outcome::Done,
        },
        Answer::Refused { status, error } => Outcome::Refused { status, error },
        Answer::Unknown(reason) => Outcome::Unknown { reason },
    }
}
