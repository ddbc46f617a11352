//! Joins Natter nodes into a cluster over NATS. Nodes share one PostgreSQL database, so any
//! node can serve any request; what they do not share is their WebSocket connections. A node
//! hands every event for a user to NATS on that user's subject, and subscribes to a user's
//! subject only while the user has a connection on it, so each node receives only what its
//! connections need.
//!
//! Subjects: `<cluster>.user.<uid in hex>` for a user's events (hex, because a uid may hold
//! characters NATS gives meaning to), `<cluster>.settings` for changes of the app's settings.
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

mod wire;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt;
use natter_core::Uid;
use natter_service::{IN_FLIGHT_MARGIN, Lost, Natter, Relay, Remote};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// How often the node checks its link to NATS with a round trip.
const PROBE_EVERY: Duration = Duration::from_secs(1);
/// A round trip that takes longer than this counts as a broken link.
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);
/// At most one resync of every connection per this long when NATS drops messages for the node.
const SLOW_CONSUMER_DEBOUNCE: Duration = Duration::from_secs(1);
/// A node not heard from for this long is taken for dead (it says it is alive every second).
const PEER_SILENCE: Duration = Duration::from_secs(5);

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
    let settings_subject = subjects.settings();
    let settings = client
        .subscribe(settings_subject.clone())
        .await
        .map_err(|source| JoinError::Subscribe {
            subject: settings_subject,
            source,
        })?;
    let nodes_subject = subjects.nodes();
    let nodes = client
        .subscribe(nodes_subject.clone())
        .await
        .map_err(|source| JoinError::Subscribe {
            subject: nodes_subject,
            source,
        })?;
    let (commands, receiver) = mpsc::unbounded_channel();
    let link = Arc::new(Link::default());
    let relay = NatsRelay {
        commands,
        link: link.clone(),
    };
    let listener = tokio::spawn(listen(settings, natter.clone()));
    let heartbeats = tokio::spawn(hear_peers(nodes, relay.commands.clone()));
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
        incarnation: incarnation(),
        peers: HashMap::new(),
    };
    let router = tokio::spawn(router.run(receiver, link_receiver));
    let commands = relay.commands.clone();
    natter.events.set_relay(Arc::new(relay));
    tracing::info!(%url, cluster = %name, "joined the cluster");
    Ok(Cluster {
        tasks: vec![listener, heartbeats, router],
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
    Watch(Uid),
    Unwatch(Uid),
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

#[derive(serde::Serialize, serde::Deserialize)]
struct Heartbeat {
    node: String,
    leaving: bool,
}

/// The bus's side: queues commands without waiting (the bus holds its lock meanwhile).
struct NatsRelay {
    commands: mpsc::UnboundedSender<Command>,
    link: Arc<Link>,
}

impl Relay for NatsRelay {
    fn watch(&self, uid: &Uid) {
        let _ = self.commands.send(Command::Watch(uid.clone()));
    }

    fn unwatch(&self, uid: &Uid) {
        let _ = self.commands.send(Command::Unwatch(uid.clone()));
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
}

/// Runs the commands one by one, so a user's events leave in the order they happened, keeps
/// one subscription per user connected here, and watches the link.
struct Router {
    client: async_nats::Client,
    subjects: Subjects,
    natter: Arc<Natter>,
    link: Arc<Link>,
    watched: HashMap<Uid, JoinHandle<()>>,
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
                    self.heartbeat(false).await;
                    self.find_silent_peers();
                }
            }
        }
        for task in self.watched.into_values() {
            task.abort();
        }
    }

    async fn command(&mut self, command: Command) {
        match command {
            Command::Watch(uid) => {
                let subject = self.subjects.user(&uid);
                match self.client.subscribe(subject).await {
                    Ok(subscriber) => {
                        let task = tokio::spawn(listen(subscriber, self.natter.clone()));
                        if let Some(old) = self.watched.insert(uid, task) {
                            old.abort();
                        }
                    }
                    Err(error) => tracing::warn!(%uid, %error, "cannot subscribe to a user"),
                }
            }
            // Ending the task drops its subscriber, which unsubscribes.
            Command::Unwatch(uid) => {
                if let Some(task) = self.watched.remove(&uid) {
                    task.abort();
                }
            }
            Command::Forward(event) => self.publish(event).await,
            Command::Peer { id, leaving: false } => {
                if self.peers.insert(id.clone(), Instant::now()).is_none() {
                    tracing::info!(node = %id, "a node joined the cluster");
                }
            }
            Command::Peer { id, leaving: true } => {
                self.peers.remove(&id);
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
            tracing::warn!(
                node = %id,
                "a node fell silent: events it had not published are lost; devices here resync"
            );
            let since = heard.checked_sub(IN_FLIGHT_MARGIN).unwrap_or(heard);
            self.natter.events.resync(None, Lost::Since(since));
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
            });
        }
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
