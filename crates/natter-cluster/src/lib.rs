//! Joins Natter nodes into a cluster over NATS. Nodes share one PostgreSQL database, so any
//! node can serve any request; what they do not share is their WebSocket connections. A node
//! hands an event for a user to NATS on that user's subject when another node holds a
//! connection of the user, and subscribes to a user's subject only while the user has a
//! connection on it, so each node receives only what its connections need.
//!
//! Subjects: `<cluster>.user.<uid in hex>` for a user's events (hex, because a uid may hold
//! characters NATS gives meaning to), `<cluster>.settings` for changes of the app's settings,
//! `<cluster>.presence` for which users each node holds, `<cluster>.presence.ack.<node>` for
//! the acknowledgements of a node's announcements.
//!
//! Presence ([`presence`]): each node announces, numbered in order, the users whose first
//! connection opened or last connection closed on it, and keeps each other node's set; the bus
//! asks it ([`Relay::elsewhere`]) before it builds an event for a user not connected here.
//! No event may be lost to it: a device that connects here while another node commits a
//! message for its user must get the message live or find it in its sync. So a connection is
//! answered only once every live node has acknowledged the announcement of its user
//! ([`natter_service::Subscription::routed`]), and the client syncs after that: what another
//! node committed before its acknowledgement is in the sync, what it commits after is
//! published. The announcement follows the subscription to the user's subject on the same NATS
//! connection, so a node that has it also reaches the subscription. Where the picture may be
//! wrong, the node publishes everything, as before presence: its first [`PEER_SILENCE`] (until
//! it has heard every live node), while its link is down, and until it holds the whole list of
//! every node it hears. A node that joins, or whose link comes back, asks all the others for
//! their lists and sends its own anew; one that misses an announcement (a gap in a node's
//! numbers) asks that node again. A node that falls silent has its users dropped; if it speaks
//! again it is told, and its devices resync (their events were skipped meanwhile). A
//! connection whose acknowledgements do not come within [`ROUTED_WAIT`] goes ahead and resyncs
//! once they come; while the link is down it goes ahead at once, as every connection resyncs
//! when the link is back. Not done: announcements are not batched, and presence lives only in
//! the nodes' memory (a node's list is asked for again rather than stored).
//!
//! NATS delivers at most once, and says nothing when it drops something, so the node watches
//! its link itself (see [`Router`]): it probes NATS every second with a round trip that cannot
//! overtake what was sent before it. While the link is down `/healthz` says so. Once it is back,
//! every connection on this node resyncs (it may have missed events from the other nodes), and
//! the users whose events this node could not hand over are told to resync on every node.
//! Each node also says every second that it is alive (`<cluster>.nodes`): a node that dies
//! between committing a change and publishing its events takes them along, so when one falls
//! silent without saying goodbye, the others make their devices resync. Nothing is skipped
//! silently: a device gets every event, or is told to resync.

mod presence;
mod wire;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt;
use natter_core::Uid;
use natter_service::{IN_FLIGHT_MARGIN, Lost, Natter, Relay, Remote};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::presence::{Ack, Acks, Announcement, Presence, What};

/// How often the node checks its link to NATS with a round trip.
const PROBE_EVERY: Duration = Duration::from_secs(1);
/// A round trip that takes longer than this counts as a broken link.
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);
/// At most one resync of every connection per this long when NATS drops messages for the node.
const SLOW_CONSUMER_DEBOUNCE: Duration = Duration::from_secs(1);
/// A node not heard from for this long is taken for dead (it says it is alive every second).
/// So a node that joined this long ago has heard every live node.
const PEER_SILENCE: Duration = Duration::from_secs(5);
/// How long a new connection waits for every live node to acknowledge that its user is
/// connected here before it goes ahead anyway (and resyncs once they have): long enough to
/// cover a node's first [`PEER_SILENCE`] and a dead node being found dead.
const ROUTED_WAIT: Duration = PEER_SILENCE.saturating_add(PROBE_EVERY);
/// Users per part of a snapshot: a part stays well below the megabyte NATS carries by default.
const SNAPSHOT_PART: usize = 5_000;
/// How long the link may stay down before the devices here are sent away to reconnect. While
/// it is down they hear nothing of what happens through the other nodes; reconnecting, they
/// catch up from the database and, through a load balancer that heeds `/healthz`, land on a
/// node that reaches NATS. Long enough that a NATS restart or a brief network fault costs no
/// reconnections.
const LINK_DOWN_RECONNECT: Duration = Duration::from_secs(10);

/// Why the node could not join the cluster.
#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    #[error("cannot connect to NATS at {url}: {source}")]
    Connect {
        url: String,
        source: async_nats::ConnectError,
    },
    #[error("cannot subscribe to {subject}: {source}")]
    Subscribe {
        subject: String,
        source: async_nats::SubscribeError,
    },
}

/// This node's membership of the cluster. Dropping it leaves the cluster; [`Cluster::leave`]
/// says goodbye first.
pub struct Cluster {
    tasks: Vec<JoinHandle<()>>,
    commands: mpsc::UnboundedSender<Command>,
}

impl Cluster {
    /// Tells the other nodes this one is leaving, after every event it queued: they need not
    /// make their devices resync as they would for a node that fell silent.
    pub async fn leave(self) {
        let (done, left) = tokio::sync::oneshot::channel();
        if self.commands.send(Command::Leave(done)).is_ok() {
            let _ = tokio::time::timeout(PROBE_TIMEOUT, left).await;
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Connects to NATS at `url` and joins `natter` to the other nodes of the cluster named
/// `name` (nodes of different clusters may share one NATS).
pub async fn join(url: &str, name: &str, natter: Arc<Natter>) -> Result<Cluster, JoinError> {
    let (link_events, link_receiver) = mpsc::unbounded_channel();
    let client = async_nats::ConnectOptions::new()
        .name("natter")
        // A node applies its own events directly; NATS need not send them back.
        .no_echo()
        .event_callback(move |event| {
            let link_events = link_events.clone();
            async move {
                let _ = link_events.send(event);
            }
        })
        .connect(url)
        .await
        .map_err(|source| JoinError::Connect {
            url: url.to_owned(),
            source,
        })?;
    let subjects = Subjects {
        cluster: name.to_owned(),
    };
    let incarnation = incarnation();
    let subscribe = |subject: String| {
        let client = client.clone();
        async move {
            client
                .subscribe(subject.clone())
                .await
                .map_err(|source| JoinError::Subscribe { subject, source })
        }
    };
    let settings = subscribe(subjects.settings()).await?;
    let nodes = subscribe(subjects.nodes()).await?;
    let announcements = subscribe(subjects.presence()).await?;
    let acks = subscribe(subjects.acks(&incarnation)).await?;
    let (commands, receiver) = mpsc::unbounded_channel();
    let link = Arc::new(Link::default());
    let presence = Arc::new(RwLock::new(Presence::default()));
    let relay = NatsRelay {
        commands,
        link: link.clone(),
        presence: presence.clone(),
    };
    let listener = tokio::spawn(listen(settings, natter.clone()));
    let heartbeats = tokio::spawn(hear_peers(nodes, relay.commands.clone()));
    let announcements = tokio::spawn(hear_announcements(announcements, relay.commands.clone()));
    let acks = tokio::spawn(hear_acks(acks, relay.commands.clone()));
    let router = Router {
        client,
        subjects,
        natter: natter.clone(),
        link,
        watched: HashMap::new(),
        unconfirmed: Losses::default(),
        probing: None,
        next_probe: 0,
        last_good: Instant::now(),
        broken: None,
        lost: Losses::default(),
        last_slow_consumer: None,
        incarnation,
        peers: HashMap::new(),
        presence,
        joined: Instant::now(),
        next_seq: 1,
        acks: Acks::default(),
        waiting: HashMap::new(),
        dropped: HashMap::new(),
    };
    let router = tokio::spawn(router.run(receiver, link_receiver));
    let commands = relay.commands.clone();
    natter.events.set_relay(Arc::new(relay));
    tracing::info!(%url, cluster = %name, "joined the cluster");
    Ok(Cluster {
        tasks: vec![listener, heartbeats, announcements, acks, router],
        commands,
    })
}

struct Subjects {
    cluster: String,
}

impl Subjects {
    fn user(&self, uid: &Uid) -> String {
        let hex: String = uid
            .as_str()
            .bytes()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        format!("{}.user.{hex}", self.cluster)
    }

    fn settings(&self) -> String {
        format!("{}.settings", self.cluster)
    }

    /// Where nodes say they are alive, or leaving.
    fn nodes(&self) -> String {
        format!("{}.nodes", self.cluster)
    }

    /// Where nodes say which users they hold (see [`presence`]).
    fn presence(&self) -> String {
        format!("{}.presence", self.cluster)
    }

    /// Where the other nodes acknowledge a node's presence announcements.
    fn acks(&self, node: &str) -> String {
        format!("{}.presence.ack.{node}", self.cluster)
    }

    /// No node listens here: a request to it comes straight back from NATS with "no
    /// responders", a round trip that proves the link.
    fn probe(&self) -> String {
        format!("{}.probe", self.cluster)
    }

    fn of(&self, event: &Remote) -> String {
        match event {
            Remote::Frame { uid, .. }
            | Remote::Ended { uid, .. }
            | Remote::TotalChanged { uid, .. }
            | Remote::Resync { uid, .. } => self.user(uid),
            Remote::SettingsChanged => self.settings(),
        }
    }
}

/// The state of the node's link to NATS, as `/healthz` reports it.
#[derive(Debug, Default)]
struct Link {
    /// Since when, and why, the link is down; `None` while it is up.
    down: Mutex<Option<(SystemTime, String)>>,
}

impl Link {
    fn set_down(&self, why: &str) {
        let mut down = self.down.lock().expect("link lock");
        if down.is_none() {
            tracing::warn!(
                why,
                "lost the link to NATS: devices here miss other nodes' events"
            );
            *down = Some((SystemTime::now(), why.to_owned()));
        }
    }

    fn set_up(&self) {
        if let Some((since, _)) = self.down.lock().expect("link lock").take() {
            let secs = since.elapsed().map_or(0.0, |elapsed| elapsed.as_secs_f64());
            tracing::info!(
                down_secs = secs,
                "the link to NATS is back: this node's devices resync"
            );
        }
    }

    fn health(&self) -> Result<(), String> {
        match &*self.down.lock().expect("link lock") {
            None => Ok(()),
            Some((since, why)) => Err(format!(
                "cannot reach the other nodes: the link to NATS is down ({why}) for {} s; \
                 devices on this node would miss what happens on the others",
                since.elapsed().map_or(0, |elapsed| elapsed.as_secs())
            )),
        }
    }
}

/// What the bus asks of the cluster, in the order it asked, and what the other nodes say
/// about themselves.
enum Command {
    /// A first connection of the user here; `routed` turns true once every node routes the
    /// user's events here.
    Watch(Uid, watch::Sender<bool>),
    Unwatch(Uid),
    /// Another node said which users it holds, or asked for this node's.
    Heard(Announcement),
    /// Another node applied this node's announcements up to one.
    Ack(Ack),
    Forward(Remote),
    /// Another node is alive (`leaving`: it is stopping, and published everything first).
    Peer {
        id: String,
        leaving: bool,
    },
    /// This node is stopping: say goodbye, then answer.
    Leave(tokio::sync::oneshot::Sender<()>),
}

/// A random name for this run of the node: a restarted node is a new peer.
fn incarnation() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos()),
    );
    format!("{:016x}", hasher.finish())
}

/// Passes the other nodes' heartbeats to the router.
async fn hear_peers(
    mut subscriber: async_nats::Subscriber,
    router: mpsc::UnboundedSender<Command>,
) {
    while let Some(message) = subscriber.next().await {
        match serde_json::from_slice::<Heartbeat>(&message.payload) {
            Ok(beat) => {
                let _ = router.send(Command::Peer {
                    id: beat.node,
                    leaving: beat.leaving,
                });
            }
            Err(error) => tracing::warn!(%error, "an unreadable heartbeat"),
        }
    }
}

/// Passes the other nodes' presence announcements to the router.
async fn hear_announcements(
    mut subscriber: async_nats::Subscriber,
    router: mpsc::UnboundedSender<Command>,
) {
    while let Some(message) = subscriber.next().await {
        match serde_json::from_slice(&message.payload) {
            Ok(announcement) => {
                let _ = router.send(Command::Heard(announcement));
            }
            Err(error) => tracing::warn!(%error, "an unreadable presence announcement"),
        }
    }
}

/// Passes the other nodes' acknowledgements to the router.
async fn hear_acks(mut subscriber: async_nats::Subscriber, router: mpsc::UnboundedSender<Command>) {
    while let Some(message) = subscriber.next().await {
        match serde_json::from_slice(&message.payload) {
            Ok(ack) => {
                let _ = router.send(Command::Ack(ack));
            }
            Err(error) => tracing::warn!(%error, "an unreadable acknowledgement"),
        }
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Heartbeat {
    node: String,
    leaving: bool,
}

/// The bus's side: queues commands without waiting (the bus holds its lock meanwhile).
struct NatsRelay {
    commands: mpsc::UnboundedSender<Command>,
    link: Arc<Link>,
    /// Written by the router only, briefly; read on every event.
    presence: Arc<RwLock<Presence>>,
}

impl Relay for NatsRelay {
    fn watch(&self, uid: &Uid) -> watch::Receiver<bool> {
        let (routed, receiver) = watch::channel(false);
        let _ = self.commands.send(Command::Watch(uid.clone(), routed));
        receiver
    }

    fn unwatch(&self, uid: &Uid) {
        let _ = self.commands.send(Command::Unwatch(uid.clone()));
    }

    fn elsewhere(&self, uid: &Uid) -> bool {
        self.presence.read().expect("presence lock").elsewhere(uid)
    }

    fn forward(&self, event: Remote) {
        let _ = self.commands.send(Command::Forward(event));
    }

    fn health(&self) -> Result<(), String> {
        self.link.health()
    }
}

/// Events that may not have reached the other nodes, as what it takes to make up for them.
#[derive(Debug, Default)]
struct Losses {
    /// Users whose devices elsewhere must resync, from below the lowest version lost (`None`:
    /// only unversioned events such as totals were lost).
    users: HashMap<Uid, Option<u64>>,
    /// Connections elsewhere that must still be ended (a newer master login replaced them, or
    /// the app revoked the token or signed the device out).
    ended: Vec<Remote>,
    /// The other nodes must reload the settings.
    settings: bool,
}

impl Losses {
    fn record(&mut self, event: &Remote) {
        let (uid, version) = match event {
            Remote::Frame { uid, frame, .. } => (uid, frame.version),
            Remote::Resync { uid, from } => (uid, *from),
            Remote::TotalChanged { uid, .. } => (uid, None),
            Remote::Ended { .. } => return self.ended.push(event.clone()),
            Remote::SettingsChanged => {
                self.settings = true;
                return;
            }
        };
        let from = self.users.entry(uid.clone()).or_insert(version);
        *from = match (*from, version) {
            (Some(earlier), Some(version)) => Some(earlier.min(version)),
            (earlier, version) => earlier.or(version),
        };
    }

    fn absorb(&mut self, other: Losses) {
        for (uid, from) in other.users {
            self.record(&Remote::Resync { uid, from });
        }
        self.ended.extend(other.ended);
        self.settings |= other.settings;
    }

    fn is_empty(&self) -> bool {
        self.users.is_empty() && self.ended.is_empty() && !self.settings
    }
}

/// A round trip to NATS under way, and what it will confirm.
struct Probe {
    id: u64,
    sent: Instant,
    /// The events handed over before it: they reached NATS once it comes back.
    covers: Losses,
}

/// The link was found broken.
struct Break {
    /// The last instant the link was known good: anything sent to this node after it may be lost.
    last_good: Instant,
    /// Only a probe sent after the break can show that the link is back.
    first_probe: u64,
    /// When it was found broken.
    found: Instant,
    /// Whether the devices here were already sent away ([`LINK_DOWN_RECONNECT`]): once per
    /// break, so that a device which reconnects to this node is not sent away again and again.
    reconnected: bool,
}

/// A user connected here: the subscription to their events, and whether every node routes
/// those here yet.
struct Watched {
    task: JoinHandle<()>,
    routed: watch::Sender<bool>,
}

/// A user's connections here wait until every live node applied this node's announcement
/// `seq` (or a later one).
struct Waiting {
    seq: u64,
    since: Instant,
    /// They went ahead without it ([`ROUTED_WAIT`]): they resync once it is through.
    late: bool,
}

/// Runs the commands one by one, so a user's events leave in the order they happened, keeps
/// one subscription per user connected here, keeps the cluster's presence, and watches the
/// link.
struct Router {
    client: async_nats::Client,
    subjects: Subjects,
    natter: Arc<Natter>,
    link: Arc<Link>,
    watched: HashMap<Uid, Watched>,
    /// Events handed to NATS since the last probe was sent.
    unconfirmed: Losses,
    probing: Option<Probe>,
    next_probe: u64,
    last_good: Instant,
    broken: Option<Break>,
    /// Events that may be lost, made up for once the link is back.
    lost: Losses,
    last_slow_consumer: Option<Instant>,
    /// This run of the node, as the others know it.
    incarnation: String,
    /// The other nodes, and when each was last heard from.
    peers: HashMap<String, Instant>,
    /// Which users the other nodes hold, shared with the relay.
    presence: Arc<RwLock<Presence>>,
    joined: Instant,
    /// The number of this node's next presence announcement.
    next_seq: u64,
    acks: Acks,
    /// Users whose connections here wait for the other nodes' acknowledgements.
    waiting: HashMap<Uid, Waiting>,
    /// Nodes taken for dead, and when each was last heard: if one speaks again, it must
    /// resync its devices (this node skipped its users' events meanwhile). One small entry
    /// per node run ever taken for dead, kept for as long as this node runs.
    dropped: HashMap<String, Instant>,
}

impl Router {
    async fn run(
        mut self,
        mut commands: mpsc::UnboundedReceiver<Command>,
        mut link_events: mpsc::UnboundedReceiver<async_nats::Event>,
    ) {
        let (probe_results, mut probe_answers) = mpsc::unbounded_channel();
        let mut tick = tokio::time::interval(PROBE_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The others answer with their snapshots (and ask for this node's once they hear it).
        self.ask(None, None).await;
        loop {
            tokio::select! {
                command = commands.recv() => match command {
                    Some(command) => self.command(command).await,
                    None => break,
                },
                Some(event) = link_events.recv() => self.link_event(event),
                Some((id, outcome)) = probe_answers.recv() => self.probed(id, outcome).await,
                _ = tick.tick() => {
                    self.probe(&probe_results);
                    self.reconnect_if_down_too_long();
                    self.heartbeat(false).await;
                    self.find_silent_peers();
                    self.ask_incomplete().await;
                    self.refresh();
                    self.settle();
                }
            }
        }
        for watched in self.watched.into_values() {
            watched.task.abort();
        }
    }

    async fn command(&mut self, command: Command) {
        match command {
            Command::Watch(uid, routed) => self.watch(uid, routed).await,
            // Ending the task drops its subscriber, which unsubscribes.
            Command::Unwatch(uid) => {
                if let Some(watched) = self.watched.remove(&uid) {
                    watched.task.abort();
                    self.waiting.remove(&uid);
                    let uids = vec![uid.as_str().to_owned()];
                    self.announce(What::Unwatch { uids }).await;
                }
            }
            Command::Heard(announcement) => self.heard(announcement).await,
            Command::Ack(ack) => {
                self.acks.ack(&ack.node, ack.seq);
                self.settle();
            }
            Command::Forward(event) => self.publish(event).await,
            Command::Peer { id, leaving: false } => self.alive(&id).await,
            Command::Peer { id, leaving: true } => {
                self.peers.remove(&id);
                self.forget(&id);
                tracing::info!(node = %id, "a node left the cluster");
            }
            Command::Leave(done) => {
                self.heartbeat(true).await;
                let _ = self.client.flush().await;
                let _ = done.send(());
            }
        }
    }

    /// Says this node is alive (or leaving), in order with its events.
    async fn heartbeat(&mut self, leaving: bool) {
        if self.broken.is_some() {
            return;
        }
        let beat = Heartbeat {
            node: self.incarnation.clone(),
            leaving,
        };
        let payload = serde_json::to_vec(&beat).expect("a heartbeat serialises");
        if let Err(error) = self
            .client
            .publish(self.subjects.nodes(), payload.into())
            .await
        {
            self.broke(&format!("cannot publish: {error}"));
        }
    }

    /// A node that fell silent without leaving may have died between committing changes and
    /// publishing their events: every device here resyncs from before it was last heard. (A
    /// node that only lost NATS makes up for its own events when it is back; resyncing here
    /// too costs a little and is safe.) Not judged while this node's own link is down.
    fn find_silent_peers(&mut self) {
        if self.broken.is_some() {
            return;
        }
        let now = Instant::now();
        let silent: Vec<(String, Instant)> = self
            .peers
            .iter()
            .filter(|(_, heard)| now.duration_since(**heard) > PEER_SILENCE)
            .map(|(id, heard)| (id.clone(), *heard))
            .collect();
        for (id, heard) in silent {
            self.peers.remove(&id);
            self.forget(&id);
            self.dropped.insert(id.clone(), heard);
            tracing::warn!(
                node = %id,
                "a node fell silent: events it had not published are lost; devices here resync"
            );
            let since = heard.checked_sub(IN_FLIGHT_MARGIN).unwrap_or(heard);
            self.natter.events.resync(None, Lost::Since(since));
        }
    }

    /// Subscribes to the user's events, then announces the user: NATS handles a client's
    /// messages in order, so a node that has the announcement also reaches the subscription.
    async fn watch(&mut self, uid: Uid, routed: watch::Sender<bool>) {
        let subject = self.subjects.user(&uid);
        let subscriber = match self.client.subscribe(subject).await {
            Ok(subscriber) => subscriber,
            Err(error) => return tracing::warn!(%uid, %error, "cannot subscribe to a user"),
        };
        let task = tokio::spawn(listen(subscriber, self.natter.clone()));
        if self.broken.is_some() {
            // Nothing to wait for: once the link is back every connection here resyncs.
            routed.send_replace(true);
        } else {
            let uids = vec![uid.as_str().to_owned()];
            let seq = self.announce(What::Watch { uids }).await;
            self.waiting.insert(
                uid.clone(),
                Waiting {
                    seq,
                    since: Instant::now(),
                    late: false,
                },
            );
        }
        if let Some(old) = self.watched.insert(uid, Watched { task, routed }) {
            old.task.abort();
        }
        self.settle();
    }

    /// Says something about this node's users on the presence subject; returns its number.
    /// Not while the link is down: once it is back the node announces all its users anew.
    async fn announce(&mut self, what: What) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        if self.broken.is_some() {
            return seq;
        }
        let announcement = Announcement {
            node: self.incarnation.clone(),
            seq,
            what,
        };
        let payload = serde_json::to_vec(&announcement).expect("an announcement serialises");
        if let Err(error) = self
            .client
            .publish(self.subjects.presence(), payload.into())
            .await
        {
            self.broke(&format!("cannot publish: {error}"));
        }
        seq
    }

    /// Asks a node (`None`: every node) for its snapshot.
    async fn ask(&mut self, of: Option<String>, dropped_for_ms: Option<u64>) {
        self.announce(What::Ask { of, dropped_for_ms }).await;
    }

    /// Announces every user held here, in parts. `anew`: the others may have lost track of
    /// this node's users (it could not reach them, or one took it for dead), so the users'
    /// next connections wait until every node has applied the snapshot.
    async fn snapshot(&mut self, anew: bool) {
        let uids: Vec<String> = self
            .watched
            .keys()
            .map(|uid| uid.as_str().to_owned())
            .collect();
        let parts: Vec<&[String]> = match uids.len() {
            0 => vec![&[]],
            _ => uids.chunks(SNAPSHOT_PART).collect(),
        };
        let count = parts.len();
        let mut seq = 0;
        for (part, uids) in parts.into_iter().enumerate() {
            let what = What::Snapshot {
                uids: uids.to_vec(),
                part: part as u32,
                more: part + 1 < count,
            };
            seq = self.announce(what).await;
        }
        if !anew || self.broken.is_some() {
            return;
        }
        let since = Instant::now();
        for (uid, watched) in &self.watched {
            watched.routed.send_replace(false);
            self.waiting
                .entry(uid.clone())
                .and_modify(|waiting| waiting.seq = seq)
                .or_insert(Waiting {
                    seq,
                    since,
                    late: false,
                });
        }
    }

    /// Applies another node's announcement, then acknowledges it.
    async fn heard(&mut self, announcement: Announcement) {
        let Announcement { node, seq, what } = announcement;
        self.alive(&node).await;
        let mut asked = None;
        {
            let mut presence = self.presence.write().expect("presence lock");
            let others = &mut presence.others;
            match what {
                What::Watch { uids } => others.watch(&node, seq, presence::uids(uids)),
                What::Unwatch { uids } => others.unwatch(&node, seq, presence::uids(uids)),
                What::Snapshot { uids, part, more } => {
                    others.snapshot(&node, seq, part, more, presence::uids(uids));
                }
                What::Ask { of, dropped_for_ms } => {
                    others.other(&node, seq);
                    if of.is_none_or(|of| of == self.incarnation) {
                        asked = Some(dropped_for_ms);
                    }
                }
            }
        }
        self.refresh();
        self.acknowledge(&node, seq).await;
        match asked {
            Some(None) => self.snapshot(false).await,
            Some(Some(dropped_for_ms)) => {
                tracing::warn!(
                    node = %node,
                    "another node had taken this one for dead and skipped its users' events: \
                     devices here resync"
                );
                self.snapshot(true).await;
                let silent = Duration::from_millis(dropped_for_ms).saturating_add(IN_FLIGHT_MARGIN);
                let now = Instant::now();
                let since = now.checked_sub(silent).unwrap_or(now);
                self.natter.events.resync(None, Lost::Since(since));
            }
            None => {}
        }
    }

    /// Tells `node` that this node applied its announcements up to `seq`.
    async fn acknowledge(&mut self, node: &str, seq: u64) {
        if self.broken.is_some() {
            return;
        }
        let ack = Ack {
            node: self.incarnation.clone(),
            seq,
        };
        let payload = serde_json::to_vec(&ack).expect("an ack serialises");
        if let Err(error) = self
            .client
            .publish(self.subjects.acks(node), payload.into())
            .await
        {
            self.broke(&format!("cannot publish: {error}"));
        }
    }

    /// Another node is alive (a heartbeat or an announcement). One heard for the first time
    /// learns this node's users and is asked for its own; one taken for dead before is told
    /// so, since its users' events were skipped meanwhile.
    async fn alive(&mut self, node: &str) {
        if self.peers.insert(node.to_owned(), Instant::now()).is_some() {
            return;
        }
        tracing::info!(node = %node, "a node joined the cluster");
        let dropped_for_ms = self
            .dropped
            .remove(node)
            .map(|heard| u64::try_from(heard.elapsed().as_millis()).unwrap_or(u64::MAX));
        self.snapshot(false).await;
        self.ask(Some(node.to_owned()), dropped_for_ms).await;
        self.refresh();
    }

    /// A node left or was taken for dead: its users are no longer held there, and its
    /// acknowledgements are no longer awaited.
    fn forget(&mut self, node: &str) {
        self.presence
            .write()
            .expect("presence lock")
            .others
            .forget(node);
        self.acks.forget(node);
        self.refresh();
        self.settle();
    }

    /// Asks again every live node whose snapshot has not (wholly) arrived.
    async fn ask_incomplete(&mut self) {
        if self.broken.is_some() {
            return;
        }
        let incomplete: Vec<String> = {
            let presence = self.presence.read().expect("presence lock");
            self.peers
                .keys()
                .filter(|node| !presence.others.complete(node))
                .cloned()
                .collect()
        };
        for node in incomplete {
            self.ask(Some(node), None).await;
        }
    }

    /// Whether the picture of the other nodes' users is surely whole: the link is up, this
    /// node has been in the cluster long enough to have heard every live node, and it has the
    /// list of each. Until then the relay lets every event out.
    fn refresh(&self) {
        let mut presence = self.presence.write().expect("presence lock");
        let certain = self.broken.is_none()
            && self.joined.elapsed() >= PEER_SILENCE
            && self.peers.keys().all(|node| presence.others.complete(node));
        if presence.certain != certain {
            tracing::debug!(certain, "cluster presence");
            presence.certain = certain;
        }
    }

    /// Lets through the connections whose users every live node now routes here, those that
    /// waited too long (they resync once the acknowledgements are in, having perhaps missed
    /// what the other nodes did not send meanwhile), and makes late ones resync.
    fn settle(&mut self) {
        if self.waiting.is_empty() {
            return;
        }
        let acquainted = self.joined.elapsed() >= PEER_SILENCE && self.broken.is_none();
        let now = Instant::now();
        let mut through = Vec::new();
        for (uid, waiting) in &mut self.waiting {
            let Some(watched) = self.watched.get(uid) else {
                through.push(uid.clone());
                continue;
            };
            if acquainted && self.acks.all_reached(self.peers.keys(), waiting.seq) {
                tracing::debug!(%uid, seq = waiting.seq, "routed here by every node");
                watched.routed.send_replace(true);
                if waiting.late {
                    self.natter
                        .events
                        .resync(Some(uid), Lost::Since(waiting.since));
                }
                through.push(uid.clone());
            } else if !waiting.late && now.duration_since(waiting.since) > ROUTED_WAIT {
                tracing::warn!(
                    %uid,
                    "the other nodes did not acknowledge a connection in time: it goes ahead, \
                     and resyncs once they have"
                );
                watched.routed.send_replace(true);
                waiting.late = true;
            }
        }
        for uid in through {
            self.waiting.remove(&uid);
        }
    }

    /// Hands an event to NATS, or, while the link is down, keeps what it takes to make up for
    /// it: handed to a broken link it would only arrive late, out of order, or not at all.
    async fn publish(&mut self, event: Remote) {
        if self.broken.is_some() {
            self.lost.record(&event);
            return;
        }
        let subject = self.subjects.of(&event);
        let payload = wire::encode(&event);
        self.unconfirmed.record(&event);
        if let Err(error) = self.client.publish(subject, payload.into()).await {
            tracing::warn!(%error, "cannot hand an event to the cluster");
            self.broke(&format!("cannot publish: {error}"));
        }
    }

    /// Sends a probe, unless one is still under way. NATS handles a client's messages in
    /// order, so its answer means that every event handed over before it reached NATS, and
    /// that everything NATS routed to this node before it has arrived.
    fn probe(&mut self, results: &mpsc::UnboundedSender<(u64, Result<(), String>)>) {
        if self.probing.is_some() {
            return;
        }
        let id = self.next_probe;
        self.next_probe += 1;
        self.probing = Some(Probe {
            id,
            sent: Instant::now(),
            covers: std::mem::take(&mut self.unconfirmed),
        });
        let (client, subject, results) =
            (self.client.clone(), self.subjects.probe(), results.clone());
        tokio::spawn(async move {
            let answer =
                tokio::time::timeout(PROBE_TIMEOUT, client.request(subject, "".into())).await;
            let outcome = match answer {
                Ok(Ok(_)) => Ok(()),
                Ok(Err(error)) if error.kind() == async_nats::RequestErrorKind::NoResponders => {
                    Ok(())
                }
                Ok(Err(error)) => Err(format!("probe failed: {error}")),
                Err(_) => Err(format!(
                    "no answer from NATS within {} s",
                    PROBE_TIMEOUT.as_secs()
                )),
            };
            let _ = results.send((id, outcome));
        });
    }

    async fn probed(&mut self, id: u64, outcome: Result<(), String>) {
        let Some(probe) = self.probing.take_if(|probe| probe.id == id) else {
            return;
        };
        match outcome {
            Ok(()) => {
                self.last_good = probe.sent;
                if self
                    .broken
                    .as_ref()
                    .is_some_and(|broken| id >= broken.first_probe)
                {
                    self.recover().await;
                }
            }
            Err(why) => {
                self.probing = Some(probe);
                self.broke(&why);
            }
        }
    }

    fn link_event(&mut self, event: async_nats::Event) {
        match event {
            async_nats::Event::Disconnected => self.broke("disconnected from NATS"),
            async_nats::Event::Closed => self.broke("the NATS client closed"),
            async_nats::Event::SlowConsumer(_) => self.dropped_for_us(),
            async_nats::Event::Connected => tracing::debug!("connected to NATS"),
            // Each failed reconnection attempt reports an error; the break was logged once.
            async_nats::Event::ClientError(error) => tracing::debug!(%error, "NATS client"),
            other => tracing::warn!(event = %other, "NATS"),
        }
    }

    /// The link broke: from now on events wait for it to come back, and what was handed over
    /// but not confirmed may be lost.
    fn broke(&mut self, why: &str) {
        self.link.set_down(why);
        if let Some(probe) = self.probing.take() {
            self.lost.absorb(probe.covers);
        }
        self.lost.absorb(std::mem::take(&mut self.unconfirmed));
        if self.broken.is_none() {
            self.broken = Some(Break {
                last_good: self.last_good,
                first_probe: self.next_probe,
                found: Instant::now(),
                reconnected: false,
            });
            // Waiting connections go ahead: once the link is back every connection resyncs.
            for uid in std::mem::take(&mut self.waiting).into_keys() {
                if let Some(watched) = self.watched.get(&uid) {
                    watched.routed.send_replace(true);
                }
            }
            self.refresh();
        }
    }

    /// The link has been down for [`LINK_DOWN_RECONNECT`]: every device here resyncs from before
    /// the break, as it will again once the link is back. Without this a device would hear
    /// nothing from the other nodes for as long as the outage lasts.
    fn reconnect_if_down_too_long(&mut self) {
        let Some(broken) = self
            .broken
            .as_mut()
            .filter(|broken| !broken.reconnected && broken.found.elapsed() >= LINK_DOWN_RECONNECT)
        else {
            return;
        };
        broken.reconnected = true;
        tracing::warn!(
            down_for_s = LINK_DOWN_RECONNECT.as_secs(),
            "NATS is still out of reach: the devices here reconnect and catch up"
        );
        let since = broken
            .last_good
            .checked_sub(IN_FLIGHT_MARGIN)
            .unwrap_or(broken.last_good);
        self.natter.events.resync(None, Lost::Since(since));
    }

    /// The NATS client dropped messages for this node because it could not keep up: any
    /// connection here may have missed some, sent within the last moments.
    fn dropped_for_us(&mut self) {
        let now = Instant::now();
        if self
            .last_slow_consumer
            .is_some_and(|last| now.duration_since(last) < SLOW_CONSUMER_DEBOUNCE)
        {
            return;
        }
        self.last_slow_consumer = Some(now);
        tracing::warn!("NATS dropped events for this node (slow consumer): its devices resync");
        let since = now.checked_sub(IN_FLIGHT_MARGIN).unwrap_or(now);
        self.natter.events.resync(None, Lost::Since(since));
    }

    /// The link is back (a probe sent after the break came back): the devices here resync
    /// from before the break, the other nodes learn which users' events this node could not
    /// hand over, and the settings are reloaded in case another node changed them meanwhile.
    async fn recover(&mut self) {
        let Some(broken) = self.broken.take() else {
            return;
        };
        self.link.set_up();
        // The other nodes were silent because this one could not hear them.
        let now = Instant::now();
        for heard in self.peers.values_mut() {
            *heard = now;
        }
        // What this node knows of the others' users, and they of its, may be out of date:
        // every node sends its list again, and this node's new connections wait for theirs
        // to be through.
        self.presence
            .write()
            .expect("presence lock")
            .others
            .outdated();
        self.refresh();
        self.snapshot(true).await;
        self.ask(None, None).await;
        let since = broken
            .last_good
            .checked_sub(IN_FLIGHT_MARGIN)
            .unwrap_or(broken.last_good);
        self.natter.events.resync(None, Lost::Since(since));
        let lost = std::mem::take(&mut self.lost);
        if !lost.is_empty() {
            tracing::info!(
                users = lost.users.len(),
                "telling the other nodes whose events this node could not hand over"
            );
        }
        for (uid, from) in lost.users {
            self.publish(Remote::Resync { uid, from }).await;
        }
        for ended in lost.ended {
            self.publish(ended).await;
        }
        if lost.settings {
            self.publish(Remote::SettingsChanged).await;
        }
        self.natter.refresh_settings().await;
    }
}

/// Applies every event arriving on one subscription.
async fn listen(mut subscriber: async_nats::Subscriber, natter: Arc<Natter>) {
    while let Some(message) = subscriber.next().await {
        match wire::decode(&message.payload) {
            Ok(event) => natter.apply_remote(event).await,
            Err(error) => tracing::warn!(%error, subject = %message.subject, "an unreadable event"),
        }
    }
}
