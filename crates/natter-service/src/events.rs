//! The event bus: delivers events to every connected device of a user, in-process, and
//! through a [`Relay`] to the user's devices on the other nodes of a cluster.
//!
//! Each connection has a bounded queue of ready-to-send frames. A publisher never waits for a
//! slow device: when a queue is full the connection is marked as fallen behind, and its task
//! tells the device to resync from the last version it surely has, then closes. The same
//! happens when events from other nodes may have been lost on their way (the node lost its
//! link to the cluster, or another node could not hand its events over): see [`Lost`]. No
//! device is ever skipped silently.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use natter_core::Uid;
use natter_core::wire::{self, ServerEvent};
use tokio::sync::{Notify, mpsc, watch};

/// Frames a connection may have waiting before it counts as fallen behind.
pub const QUEUE_FRAMES: usize = 256;

/// An event for a user's devices, shared by every connection it goes to. Each transport
/// renders it its own way: the JSON WebSocket as JSON text, serialised once for all the
/// connections that share the frame; the WuKongIM gateway as its binary packets.
#[derive(Debug, Clone)]
pub struct Frame {
    forms: Arc<Forms>,
    /// The lowest conversation version this event reflects: a device that misses it must sync
    /// from below this.
    pub version: Option<u64>,
}

/// A frame's event, typed or as JSON text: a frame is made as one of them (both, when it comes
/// from another node), and the other is made from it the first time a transport asks.
#[derive(Debug)]
struct Forms {
    event: OnceLock<ServerEvent>,
    json: OnceLock<Arc<str>>,
}

impl Frame {
    pub fn new(event: ServerEvent, version: Option<u64>) -> Self {
        Self {
            forms: Arc::new(Forms {
                event: OnceLock::from(event),
                json: OnceLock::new(),
            }),
            version,
        }
    }

    /// A frame made as its JSON text, which must be an event's as [`wire::encode_text`] writes
    /// it (a member's copy of a group message's conversation, see `crate::conversation_frames`).
    /// Its typed event is parsed from the text only if a transport asks for it.
    pub(crate) fn from_text(text: Arc<str>, version: Option<u64>) -> Self {
        Self {
            forms: Arc::new(Forms {
                event: OnceLock::new(),
                json: OnceLock::from(text),
            }),
            version,
        }
    }

    /// The same event with another version. The two share the event and its JSON text, so
    /// a group message is serialised once for all its members, not once per member.
    pub fn with_version(&self, version: Option<u64>) -> Self {
        Self {
            version,
            ..self.clone()
        }
    }

    /// A frame that arrives as JSON text (from another node), kept as it came.
    pub fn from_json(text: Arc<str>, version: Option<u64>) -> serde_json::Result<Self> {
        let event: ServerEvent = serde_json::from_str(&text)?;
        Ok(Self {
            forms: Arc::new(Forms {
                event: OnceLock::from(event),
                json: OnceLock::from(text),
            }),
            version,
        })
    }

    /// The event, typed.
    pub fn event(&self) -> &ServerEvent {
        self.forms.event.get_or_init(|| {
            let text = self
                .forms
                .json
                .get()
                .expect("a frame is made with its event or its text");
            serde_json::from_str(text).expect("a frame's text is an event's")
        })
    }

    /// Whether the event carries messages (`messageReceived`, `messageRevoked`), the only
    /// events the WuKongIM gateway sends on: it asks first, so that a frame made as text (a
    /// group member's conversation) is not parsed for nothing. Such a text names its event
    /// first, as [`wire::encode_text`] writes every event.
    pub fn carries_messages(&self) -> bool {
        let named = |name: &str| {
            self.forms.json.get().is_some_and(|text| {
                text.strip_prefix(r#"{"event":""#).is_some_and(|rest| {
                    rest.starts_with(name) && rest[name.len()..].starts_with('"')
                })
            })
        };
        match self.forms.event.get() {
            Some(event) => matches!(
                event,
                ServerEvent::MessageReceived { .. } | ServerEvent::MessageRevoked { .. }
            ),
            None => named("messageReceived") || named("messageRevoked"),
        }
    }

    /// The event as the JSON WebSocket sends it.
    pub fn json(&self) -> &Arc<str> {
        self.forms.json.get_or_init(|| {
            let event = self
                .forms
                .event
                .get()
                .expect("a frame is made with its event or its text");
            wire::encode_text(event).expect("events serialise").into()
        })
    }
}

/// Why the server ends a device's connections, each told to its client (a close code on the
/// JSON WebSocket) so that it knows not to reconnect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum EndReason {
    /// A newer master login of the same device (same uid and device flag) replaced it.
    Replaced = 1,
    /// The app backend gave the device a new token: the old one no longer works.
    TokenRevoked = 2,
    /// The app backend signed the device out.
    Kicked = 3,
    /// The app backend gave a slave device (`device_level` 0) a new token: the old one opens no
    /// new connection. WuKongIM keeps that device's live connections (it kicks them only for a
    /// master's new token), so connections subscribed with [`EventBus::subscribe_session`]
    /// outlive it; the others (the JSON WebSocket, whose client's HTTP calls carry the old
    /// token and now fail) end as for [`EndReason::TokenRevoked`].
    TokenRefreshed = 4,
    /// The app backend closed the connection (WuKongIM's `/conn/remove`): closed without a
    /// word of why, as WuKongIM closes the socket, so that its client connects again.
    Removed = 5,
}

impl EndReason {
    fn from_code(code: u8) -> Option<Self> {
        [
            Self::Replaced,
            Self::TokenRevoked,
            Self::Kicked,
            Self::TokenRefreshed,
            Self::Removed,
        ]
        .into_iter()
        .find(|reason| *reason as u8 == code)
    }
}

/// How far back a connection resyncs when its node may have lost events from the other nodes
/// without knowing which: to the last version it had been sent this long before the node last
/// knew its cluster link was good. An event is published a moment after its change commits;
/// this margin covers an event that took up to this long between the two (a node stalled by a
/// slow database or paused), at the price of a slightly larger sync.
pub const IN_FLIGHT_MARGIN: Duration = Duration::from_secs(30);

/// Which events a connection may have missed, and so where its resync must start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lost {
    /// Events of this version and above (another node lost them on their way here).
    From(u64),
    /// Whatever came after this instant: the node's link to the cluster broke then, and any
    /// event in flight, whatever its version, may be gone.
    Since(Instant),
    /// Events that carry no version (unread totals): resyncing from the last version sent is
    /// enough to refresh them.
    Unversioned,
}

/// Why a connection must end, signalled from outside its task.
#[derive(Debug, Default)]
pub struct Signals {
    /// Its queue overflowed, or events were lost on their way here; holds the lowest version
    /// it missed (`u64::MAX`: none yet).
    missed_from: AtomicU64,
    /// Events from other nodes may be lost since this instant (see [`Lost::Since`]).
    lost_since: Mutex<Option<Instant>>,
    fell_behind: AtomicBool,
    /// An [`EndReason`] as its number; 0 while none.
    ended: AtomicU8,
    pub wake: Notify,
}

impl Signals {
    fn new() -> Self {
        Self {
            missed_from: AtomicU64::new(u64::MAX),
            ..Self::default()
        }
    }

    pub fn fell_behind(&self) -> bool {
        self.fell_behind.load(Ordering::SeqCst)
    }

    /// Why the server ended this connection, if it did.
    pub fn ended(&self) -> Option<EndReason> {
        EndReason::from_code(self.ended.load(Ordering::SeqCst))
    }

    /// The lowest version this connection missed, if any event it missed carried one.
    pub fn missed_from(&self) -> Option<u64> {
        match self.missed_from.load(Ordering::SeqCst) {
            u64::MAX => None,
            version => Some(version),
        }
    }

    /// The earliest instant after which events from other nodes may have been lost.
    pub fn lost_since(&self) -> Option<Instant> {
        *self.lost_since.lock().expect("signals lock")
    }

    /// Marks the connection as having missed events: its task tells the device to resync.
    fn missed(&self, lost: Lost) {
        match lost {
            Lost::From(version) => {
                self.missed_from.fetch_min(version, Ordering::SeqCst);
            }
            Lost::Since(instant) => {
                let mut since = self.lost_since.lock().expect("signals lock");
                *since = Some(since.map_or(instant, |earlier| earlier.min(instant)));
            }
            Lost::Unversioned => {}
        }
        self.fell_behind.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }
}

/// The versions a connection's task has sent to its device, and when, kept coarsely for
/// [`IN_FLIGHT_MARGIN`] and a little more: a few entries per connection.
#[derive(Debug)]
pub struct VersionLog {
    opened: Instant,
    /// (start of a bucket, last send in it, highest version sent by then), oldest first.
    marks: VecDeque<(Instant, Instant, u64)>,
}

impl VersionLog {
    const BUCKET: Duration = Duration::from_secs(5);
    const KEEP: Duration = IN_FLIGHT_MARGIN.saturating_add(Self::BUCKET);

    pub fn new(opened: Instant) -> Self {
        Self {
            opened,
            marks: VecDeque::new(),
        }
    }

    /// The device was sent an event of `version` at `now`.
    pub fn sent(&mut self, version: u64, now: Instant) {
        let highest = self.marks.back().map_or(0, |mark| mark.2).max(version);
        match self.marks.back_mut() {
            Some((start, last, top)) if now.saturating_duration_since(*start) < Self::BUCKET => {
                *last = now;
                *top = highest;
            }
            _ => self.marks.push_back((now, now, highest)),
        }
        // Keep the newest mark older than `KEEP`: it answers for anything in that window.
        while self.marks.len() > 1 && now.saturating_duration_since(self.marks[1].1) > Self::KEEP {
            self.marks.pop_front();
        }
    }

    /// The highest version surely sent by `at`: a device that may have missed everything after
    /// `at` syncs from here. 0 (the whole list) when the connection is younger than that.
    pub fn as_of(&self, at: Instant) -> u64 {
        if at < self.opened {
            return 0;
        }
        self.marks
            .iter()
            .rev()
            .find(|(_, last, _)| *last <= at)
            .map_or(0, |mark| mark.2)
    }
}

#[derive(Debug)]
struct Subscriber {
    id: u64,
    device_flag: u8,
    frames: mpsc::Sender<Frame>,
    signals: Arc<Signals>,
    /// The user's version at the newest unread total queued for this connection: an older
    /// total that comes later (the events of two changes can overtake each other) is not
    /// queued. Changed only under the bus lock.
    total_version: AtomicU64,
    /// In a cluster: whether the other nodes route the user's events here yet (see
    /// [`Relay::watch`]), shared by the user's connections on this node.
    routed: Option<watch::Receiver<bool>>,
    /// Subscribed with [`EventBus::subscribe_session`]: not ended by
    /// [`EndReason::TokenRefreshed`].
    outlives_token_refresh: bool,
}

impl Subscriber {
    fn is(&self, origin: Origin) -> bool {
        match origin {
            Origin::Connection(id) => self.id == id,
            Origin::Device(device_flag) => self.device_flag == device_flag,
        }
    }
}

/// One connection's end of the bus. Dropping it unsubscribes.
#[derive(Debug)]
pub struct Subscription {
    pub frames: mpsc::Receiver<Frame>,
    pub signals: Arc<Signals>,
    bus: Arc<EventBus>,
    uid: Uid,
    device_flag: u8,
    /// Names the connection to its client (the pong's `connectionID`).
    pub id: u64,
    routed: Option<watch::Receiver<bool>>,
}

impl Subscription {
    /// Resolves once the other nodes of the cluster route the user's events to this node, so
    /// that whatever they change from then on reaches the connection: a transport waits for it
    /// before telling its client that it is connected (the client syncs after that). At once
    /// on a single node. The cluster settles it even when the other nodes do not answer in
    /// time, and then makes the connection resync (see `natter-cluster`).
    pub async fn routed(&mut self) {
        if let Some(routed) = &mut self.routed {
            // An error: the cluster is gone (the node is stopping); nothing to wait for.
            let _ = routed.wait_for(|routed| *routed).await;
        }
    }
}

/// A device's connection opened or closed (its first ping, its end), for the webhooks'
/// `user.onlinestatus` and `msg.offline`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresenceChange {
    pub uid: Uid,
    pub device_flag: u8,
    pub connection: u64,
    pub online: bool,
}

/// One of a user's connections, or those of one device: the one an event skips (it caused it)
/// or is only for, or those an end ends. Connection IDs are unique across the nodes of a
/// cluster, so an origin means the same on every node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A connection that named itself (`X-Natter-Connection`): only it is skipped.
    Connection(u64),
    /// A device that did not: all its connections (by device flag) are skipped.
    Device(u8),
}

/// Which of a user's connections a frame is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipients {
    All,
    AllBut(Origin),
    Only(Origin),
}

impl Recipients {
    fn include(self, connection: &Subscriber) -> bool {
        match self {
            Recipients::All => true,
            Recipients::AllBut(origin) => !connection.is(origin),
            Recipients::Only(origin) => connection.is(origin),
        }
    }
}

/// What one node tells the others, through the [`Relay`].
#[derive(Debug, Clone)]
pub enum Remote {
    /// A frame for the user's connections.
    Frame {
        uid: Uid,
        frame: Frame,
        to: Recipients,
    },
    /// The user's connections with this device flag, or the one connection, end.
    Ended {
        uid: Uid,
        which: Origin,
        reason: EndReason,
    },
    /// The user's unread total changed: the nodes holding their connections recompute it
    /// (only they need it, and it costs a read).
    TotalChanged { uid: Uid, only: Option<Origin> },
    /// The app's settings changed: every node reloads them.
    SettingsChanged,
    /// Events for the user may have been lost between nodes (the node that sent them could not
    /// hand them to the cluster): their connections resync, from below `from` when the lost
    /// events carried versions.
    Resync { uid: Uid, from: Option<u64> },
}

/// Carries events between the nodes of a cluster (`natter-cluster` implements it over NATS).
/// The bus calls it while holding its lock, so every method must return at once.
pub trait Relay: Send + Sync + 'static {
    /// The user has a first connection on this node: start receiving their events. The
    /// answer turns true once the other nodes route them here (every connection of the user on
    /// this node waits for it: [`Subscription::routed`]); the relay may turn it false again
    /// when the other nodes must learn the user anew.
    fn watch(&self, uid: &Uid) -> watch::Receiver<bool>;
    /// The user's last connection on this node closed.
    fn unwatch(&self, uid: &Uid);
    /// Whether another node may hold a connection of the user: if not, the user's events are
    /// neither built nor handed over. Asked on every event, so it must be cheap.
    fn elsewhere(&self, uid: &Uid) -> bool;
    /// Hands an event to the other nodes.
    fn forward(&self, event: Remote);
    /// Whether the node can reach the other nodes; the error says why not (`/healthz`).
    fn health(&self) -> Result<(), String> {
        Ok(())
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.bus.unsubscribe(&self.uid, self.id);
        self.bus
            .tell_presence(&self.uid, self.device_flag, self.id, false);
    }
}

pub struct EventBus {
    /// A std mutex: held only to look up or change a user's short list of connections, never
    /// across an await.
    users: Mutex<HashMap<Uid, Vec<Subscriber>>>,
    next_id: AtomicU64,
    /// Set once when the node joins a cluster.
    relay: OnceLock<Arc<dyn Relay>>,
    /// Set once when the webhooks need to know who is connected.
    presence: OnceLock<mpsc::UnboundedSender<PresenceChange>>,
    /// Events handed to the other nodes, and events not built or not handed over because no
    /// other node holds a connection of their user (`GET /metrics`, in a cluster).
    forwarded: AtomicU64,
    skipped: AtomicU64,
}

impl std::fmt::Debug for EventBus {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("EventBus")
            .field("clustered", &self.relay.get().is_some())
            .finish_non_exhaustive()
    }
}

impl Default for EventBus {
    /// Connection IDs start at a random multiple of 2^32, so the IDs of different nodes never
    /// meet (a node would need 4 billion connections to reach the next one's range).
    fn default() -> Self {
        Self {
            users: Mutex::default(),
            next_id: AtomicU64::new(fastrand::u64(..0x10_0000) << 32),
            relay: OnceLock::new(),
            presence: OnceLock::new(),
            forwarded: AtomicU64::new(0),
            skipped: AtomicU64::new(0),
        }
    }
}

impl EventBus {
    /// Joins the bus to a cluster; from then on events also travel through `relay`.
    pub fn set_relay(&self, relay: Arc<dyn Relay>) {
        let mut users = self.users.lock().expect("event bus lock");
        for (uid, connections) in users.iter_mut() {
            let routed = relay.watch(uid);
            for connection in connections {
                connection.routed = Some(routed.clone());
            }
        }
        let _ = self.relay.set(relay);
    }

    /// Whether this node reaches the rest of its cluster (always, on a single node).
    pub fn cluster_health(&self) -> Result<(), String> {
        self.relay.get().map_or(Ok(()), |relay| relay.health())
    }

    /// From now on, every connection that subscribes or ends is reported on the returned
    /// queue, in the order it happened. Unbounded so that subscribing never waits: its reader
    /// writes the changes in batches. Call it once.
    pub fn watch_presence(&self) -> mpsc::UnboundedReceiver<PresenceChange> {
        let (sender, receiver) = mpsc::unbounded_channel();
        let _ = self.presence.set(sender);
        receiver
    }

    fn tell_presence(&self, uid: &Uid, device_flag: u8, connection: u64, online: bool) {
        if let Some(presence) = self.presence.get() {
            let _ = presence.send(PresenceChange {
                uid: uid.clone(),
                device_flag,
                connection,
                online,
            });
        }
    }

    /// Hands an event for `uid` to the other nodes, if this node is in a cluster and another
    /// node may hold a connection of the user; the event is built only then, so a single node
    /// pays nothing on its hot paths.
    pub fn forward_for(&self, uid: &Uid, event: impl FnOnce() -> Remote) {
        if let Some(relay) = self.relay.get() {
            if relay.elsewhere(uid) {
                self.forwarded.fetch_add(1, Ordering::Relaxed);
                relay.forward(event());
            } else {
                self.skipped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Hands an event for every node (not for one user's connections) to the other nodes.
    pub fn forward_to_all(&self, event: impl FnOnce() -> Remote) {
        if let Some(relay) = self.relay.get() {
            self.forwarded.fetch_add(1, Ordering::Relaxed);
            relay.forward(event());
        }
    }

    /// The bus's series in Prometheus' text format, in a cluster only.
    pub fn render_metrics(&self, text: &mut String) {
        use std::fmt::Write;
        if !self.is_clustered() {
            return;
        }
        for (name, help, value) in [
            (
                "natter_cluster_events_published_total",
                "Events this node handed to the other nodes.",
                &self.forwarded,
            ),
            (
                "natter_cluster_events_skipped_total",
                "Events for users with no connection on another node, not handed over (a \
                 user's events not built at all count once).",
                &self.skipped,
            ),
        ] {
            let _ = writeln!(
                text,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                value.load(Ordering::Relaxed)
            );
        }
    }

    /// Subscribes one connection of a device. A master login (`device_level` 1) replaces the
    /// user's older connections with the same `device_flag`, as WuKongIM does.
    pub fn subscribe(self: &Arc<Self>, uid: &Uid, device_flag: u8, master: bool) -> Subscription {
        self.subscribe_as(uid, device_flag, master, false)
    }

    /// As [`EventBus::subscribe`], for a connection that is its own session, authenticated once
    /// (WuKongIM's binary protocol, where every call travels on the connection): as on
    /// WuKongIM, it outlives a new token for its slave device ([`EndReason::TokenRefreshed`]).
    pub fn subscribe_session(
        self: &Arc<Self>,
        uid: &Uid,
        device_flag: u8,
        master: bool,
    ) -> Subscription {
        self.subscribe_as(uid, device_flag, master, true)
    }

    fn subscribe_as(
        self: &Arc<Self>,
        uid: &Uid,
        device_flag: u8,
        master: bool,
        outlives_token_refresh: bool,
    ) -> Subscription {
        let (sender, receiver) = mpsc::channel(QUEUE_FRAMES);
        let signals = Arc::new(Signals::new());
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut users = self.users.lock().expect("event bus lock");
        if master {
            let device = Origin::Device(device_flag);
            self.end_locked(&mut users, uid, device, EndReason::Replaced);
        }
        let connections = users.entry(uid.clone()).or_default();
        let routed = match (connections.first(), self.relay.get()) {
            (Some(first), _) => first.routed.clone(),
            (None, Some(relay)) => Some(relay.watch(uid)),
            (None, None) => None,
        };
        connections.push(Subscriber {
            id,
            device_flag,
            frames: sender,
            signals: signals.clone(),
            total_version: AtomicU64::new(0),
            routed: routed.clone(),
            outlives_token_refresh,
        });
        // Under the lock, so that a connection's end is never reported before its start.
        self.tell_presence(uid, device_flag, id, true);
        Subscription {
            frames: receiver,
            signals,
            bus: self.clone(),
            uid: uid.clone(),
            device_flag,
            id,
            routed,
        }
    }

    /// Ends the user's connections with this device flag, or the one connection (its ID is
    /// unique in the cluster), on every node.
    pub fn end(&self, uid: &Uid, which: Origin, reason: EndReason) {
        let mut users = self.users.lock().expect("event bus lock");
        self.end_locked(&mut users, uid, which, reason);
    }

    fn end_locked(
        &self,
        users: &mut HashMap<Uid, Vec<Subscriber>>,
        uid: &Uid,
        which: Origin,
        reason: EndReason,
    ) {
        Self::end_here(users, uid, which, reason);
        self.forward_for(uid, || Remote::Ended {
            uid: uid.clone(),
            which,
            reason,
        });
    }

    fn end_here(
        users: &mut HashMap<Uid, Vec<Subscriber>>,
        uid: &Uid,
        which: Origin,
        reason: EndReason,
    ) {
        let Some(connections) = users.get_mut(uid) else {
            return;
        };
        connections.retain(|old| {
            let ends = old.is(which)
                && !(reason == EndReason::TokenRefreshed && old.outlives_token_refresh);
            if ends {
                old.signals.ended.store(reason as u8, Ordering::SeqCst);
                old.signals.wake.notify_one();
            }
            !ends
        });
    }

    fn unsubscribe(&self, uid: &Uid, id: u64) {
        let mut users = self.users.lock().expect("event bus lock");
        if let Some(connections) = users.get_mut(uid) {
            connections.retain(|connection| connection.id != id);
            if connections.is_empty() {
                users.remove(uid);
                if let Some(relay) = self.relay.get() {
                    relay.unwatch(uid);
                }
            }
        }
    }

    /// The users with a connection on this node, and their connections (WuKongIM's `GET
    /// /varz`): one pass over the users under the lock, so for monitoring, not for hot paths.
    pub fn census(&self) -> (usize, usize) {
        let users = self.users.lock().expect("event bus lock");
        (users.len(), users.values().map(Vec::len).sum())
    }

    /// Every connection open on this node, as opened: for the node to write them down again
    /// when the cluster may have taken it for dead (`crate::presence`).
    pub fn open_connections(&self) -> Vec<PresenceChange> {
        let users = self.users.lock().expect("event bus lock");
        users
            .iter()
            .flat_map(|(uid, connections)| {
                connections.iter().map(|connection| PresenceChange {
                    uid: uid.clone(),
                    device_flag: connection.device_flag,
                    connection: connection.id,
                    online: true,
                })
            })
            .collect()
    }

    /// How many connections the user holds.
    pub fn connections_of(&self, uid: &Uid) -> usize {
        self.users
            .lock()
            .expect("event bus lock")
            .get(uid)
            .map_or(0, Vec::len)
    }

    /// The device flag of each of the user's connections on this node.
    pub fn device_flags_of(&self, uid: &Uid) -> Vec<u8> {
        self.users
            .lock()
            .expect("event bus lock")
            .get(uid)
            .map(|connections| connections.iter().map(|c| c.device_flag).collect())
            .unwrap_or_default()
    }

    /// Whether this node is one of a cluster (its events relayed to other nodes).
    pub fn is_clustered(&self) -> bool {
        self.relay.get().is_some()
    }

    /// Whether the user may have a connected device: events for offline users are not built.
    /// In a cluster, the user may be connected to another node: the cluster's presence says.
    pub fn may_be_online(&self, uid: &Uid) -> bool {
        if self.is_connected_here(uid) {
            return true;
        }
        let Some(relay) = self.relay.get() else {
            return false;
        };
        let elsewhere = relay.elsewhere(uid);
        if !elsewhere {
            self.skipped.fetch_add(1, Ordering::Relaxed);
        }
        elsewhere
    }

    /// Whether the user has a connection on this node.
    pub fn is_connected_here(&self, uid: &Uid) -> bool {
        self.users.lock().expect("event bus lock").contains_key(uid)
    }

    /// Queues a frame for the user's connections on every node.
    pub fn publish(&self, uid: &Uid, frame: &Frame, to: Recipients) {
        self.deliver_here(uid, frame, to);
        self.forward_for(uid, || Remote::Frame {
            uid: uid.clone(),
            frame: frame.clone(),
            to,
        });
    }

    /// Applies what another node sent to this node's connections.
    pub fn apply_remote(&self, event: &Remote) {
        match event {
            Remote::Frame { uid, frame, to } => self.deliver_here(uid, frame, *to),
            Remote::Ended { uid, which, reason } => Self::end_here(
                &mut self.users.lock().expect("event bus lock"),
                uid,
                *which,
                *reason,
            ),
            Remote::Resync { uid, from } => {
                self.resync(Some(uid), from.map_or(Lost::Unversioned, Lost::From));
            }
            Remote::TotalChanged { .. } | Remote::SettingsChanged => {}
        }
    }

    /// Tells connections on this node that they missed events (one user's, or everyone's):
    /// each tells its device to resync from before what it may have missed, then closes.
    pub fn resync(&self, uid: Option<&Uid>, lost: Lost) {
        let users = self.users.lock().expect("event bus lock");
        let connections: Box<dyn Iterator<Item = &Subscriber>> = match uid {
            Some(uid) => Box::new(users.get(uid).into_iter().flatten()),
            None => Box::new(users.values().flatten()),
        };
        for connection in connections {
            connection.signals.missed(lost);
        }
    }

    /// Queues the user's unread total, taken at their `version`, for their connections on this
    /// node, except those already sent a total of a newer version: each connection gets
    /// totals in the order of the changes, whichever change's events ran first.
    pub fn deliver_total_here(&self, uid: &Uid, frame: &Frame, version: u64, to: Recipients) {
        let users = self.users.lock().expect("event bus lock");
        let Some(connections) = users.get(uid) else {
            return;
        };
        for connection in connections {
            if !to.include(connection) || connection.total_version.load(Ordering::Relaxed) > version
            {
                continue;
            }
            connection.total_version.store(version, Ordering::Relaxed);
            if connection.frames.try_send(frame.clone()).is_err() {
                let lost = frame.version.map_or(Lost::Unversioned, Lost::From);
                connection.signals.missed(lost);
            }
        }
    }

    /// Queues a frame for the user's connections on this node.
    pub fn deliver_here(&self, uid: &Uid, frame: &Frame, to: Recipients) {
        let users = self.users.lock().expect("event bus lock");
        let Some(connections) = users.get(uid) else {
            return;
        };
        for connection in connections {
            if !to.include(connection) {
                continue;
            }
            if connection.frames.try_send(frame.clone()).is_err() {
                let lost = frame.version.map_or(Lost::Unversioned, Lost::From);
                connection.signals.missed(lost);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uid(name: &str) -> Uid {
        Uid::parse(name, "uid").unwrap()
    }

    fn frame(version: u64) -> Frame {
        Frame::new(ServerEvent::ResyncRequired { version }, Some(version))
    }

    #[test]
    fn a_frame_made_as_text_tells_whether_it_carries_messages_without_being_parsed() {
        let revoked = ServerEvent::MessageRevoked {
            message_list: Vec::new(),
        };
        let received = ServerEvent::MessageReceived {
            message_list: Vec::new(),
        };
        let other = ServerEvent::ConversationListUpdated {
            conversation_list: Vec::new(),
        };
        for (event, carries) in [(revoked, true), (received, true), (other, false)] {
            let typed = Frame::new(event.clone(), None);
            assert_eq!(typed.carries_messages(), carries, "{event:?}");
            let text = Frame::from_text(wire::encode_text(&event).unwrap().into(), None);
            assert_eq!(text.carries_messages(), carries, "{event:?}");
            assert!(text.forms.event.get().is_none(), "not parsed");
            assert_eq!(text.event(), &event);
        }
    }

    #[test]
    fn a_frame_with_another_version_shares_its_json_text() {
        let first = frame(7);
        let second = first.with_version(Some(9));
        assert_eq!((first.version, second.version), (Some(7), Some(9)));
        assert!(Arc::ptr_eq(first.json(), second.json()), "serialised once");
    }

    #[tokio::test]
    async fn a_frame_skips_exactly_its_origin() {
        let bus = Arc::new(EventBus::default());
        let mut phone = bus.subscribe(&uid("alice"), 0, false);
        let mut web = bus.subscribe(&uid("alice"), 1, false);
        let mut other_tab = bus.subscribe(&uid("alice"), 1, false);
        bus.publish(
            &uid("alice"),
            &frame(1),
            Recipients::AllBut(Origin::Device(0)),
        );
        assert_eq!(web.frames.recv().await.unwrap().version, Some(1));
        assert!(phone.frames.try_recv().is_err());
        bus.publish(
            &uid("alice"),
            &frame(2),
            Recipients::AllBut(Origin::Connection(web.id)),
        );
        assert_eq!(other_tab.frames.recv().await.unwrap().version, Some(1));
        assert_eq!(other_tab.frames.recv().await.unwrap().version, Some(2));
        assert!(
            web.frames.try_recv().is_err(),
            "the tab that deleted is skipped"
        );
        assert_eq!(phone.frames.recv().await.unwrap().version, Some(2));
    }

    fn total(count: u64) -> Frame {
        Frame::new(
            ServerEvent::TotalUnreadMessageCountUpdated {
                total_unread_count: count,
                version: count,
            },
            None,
        )
    }

    fn counted(frame: Option<Frame>) -> Option<u64> {
        match frame.map(|frame| frame.event().clone()) {
            Some(ServerEvent::TotalUnreadMessageCountUpdated {
                total_unread_count, ..
            }) => Some(total_unread_count),
            _ => None,
        }
    }

    #[tokio::test]
    async fn an_older_total_never_follows_a_newer_one() {
        let bus = Arc::new(EventBus::default());
        let alice = uid("alice");
        let mut phone = bus.subscribe(&alice, 0, false);
        let mut web = bus.subscribe(&alice, 1, false);
        // The total of the user's version 7 is queued to the phone only (the origin of a
        // deletion); then the events of two changes overtake each other.
        bus.deliver_total_here(&alice, &total(3), 7, Recipients::Only(Origin::Device(0)));
        bus.deliver_total_here(&alice, &total(5), 9, Recipients::All);
        bus.deliver_total_here(&alice, &total(4), 8, Recipients::All);
        bus.deliver_total_here(&alice, &total(5), 9, Recipients::All);
        assert_eq!(counted(phone.frames.try_recv().ok()), Some(3));
        assert_eq!(counted(phone.frames.try_recv().ok()), Some(5));
        assert_eq!(
            counted(phone.frames.try_recv().ok()),
            Some(5),
            "the same again"
        );
        assert!(
            phone.frames.try_recv().is_err(),
            "the older total is dropped"
        );
        assert_eq!(counted(web.frames.try_recv().ok()), Some(5));
        assert_eq!(counted(web.frames.try_recv().ok()), Some(5));
        assert!(web.frames.try_recv().is_err());
        // A connection that comes later takes any total.
        let mut tab = bus.subscribe(&alice, 1, false);
        bus.deliver_total_here(&alice, &total(4), 8, Recipients::All);
        assert_eq!(counted(tab.frames.try_recv().ok()), Some(4));
        assert!(web.frames.try_recv().is_err());
    }

    #[tokio::test]
    async fn a_full_queue_marks_the_connection_as_fallen_behind() {
        let bus = Arc::new(EventBus::default());
        let slow = bus.subscribe(&uid("alice"), 0, false);
        for version in 1..=QUEUE_FRAMES as u64 + 3 {
            bus.publish(&uid("alice"), &frame(version), Recipients::All);
        }
        assert!(slow.signals.fell_behind());
        assert_eq!(slow.signals.missed_from(), Some(QUEUE_FRAMES as u64 + 1));
    }

    #[tokio::test]
    async fn a_master_login_replaces_the_same_device_flag_only() {
        let bus = Arc::new(EventBus::default());
        let old_phone = bus.subscribe(&uid("alice"), 0, true);
        let web = bus.subscribe(&uid("alice"), 1, true);
        let _new_phone = bus.subscribe(&uid("alice"), 0, true);
        assert_eq!(old_phone.signals.ended(), Some(EndReason::Replaced));
        assert_eq!(web.signals.ended(), None);
    }

    #[tokio::test]
    async fn a_refreshed_slave_token_ends_only_the_connections_that_carry_it() {
        let bus = Arc::new(EventBus::default());
        let json = bus.subscribe(&uid("alice"), 1, false);
        let wukongim = bus.subscribe_session(&uid("alice"), 1, false);
        let web = Origin::Device(1);
        bus.end(&uid("alice"), web, EndReason::TokenRefreshed);
        assert_eq!(json.signals.ended(), Some(EndReason::TokenRefreshed));
        assert_eq!(wukongim.signals.ended(), None);
        bus.end(&uid("alice"), web, EndReason::TokenRevoked);
        assert_eq!(wukongim.signals.ended(), Some(EndReason::TokenRevoked));
    }

    #[tokio::test]
    async fn ending_one_connection_leaves_the_devices_others() {
        let bus = Arc::new(EventBus::default());
        let first = bus.subscribe(&uid("alice"), 1, false);
        let second = bus.subscribe(&uid("alice"), 1, false);
        bus.end(
            &uid("alice"),
            Origin::Connection(second.id),
            EndReason::Removed,
        );
        assert_eq!(second.signals.ended(), Some(EndReason::Removed));
        assert_eq!(first.signals.ended(), None);
        bus.end(&uid("bob"), Origin::Connection(first.id), EndReason::Kicked);
        assert_eq!(
            first.signals.ended(),
            None,
            "only the user's own connection ends"
        );
    }

    /// Records what the bus asks of the cluster.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);

    impl Relay for Recorder {
        fn watch(&self, uid: &Uid) -> watch::Receiver<bool> {
            self.0.lock().unwrap().push(format!("watch {uid}"));
            watch::channel(true).1
        }
        fn unwatch(&self, uid: &Uid) {
            self.0.lock().unwrap().push(format!("unwatch {uid}"));
        }
        /// Bob has no connection on another node.
        fn elsewhere(&self, uid: &Uid) -> bool {
            uid.as_str() != "bob"
        }
        fn forward(&self, event: Remote) {
            let what = match event {
                Remote::Frame { uid, .. } => format!("frame {uid}"),
                Remote::Ended { uid, which, .. } => format!("ended {uid} {which:?}"),
                Remote::TotalChanged { uid, .. } => format!("total {uid}"),
                Remote::SettingsChanged => "settings".into(),
                Remote::Resync { uid, from } => format!("resync {uid} {from:?}"),
            };
            self.0.lock().unwrap().push(what);
        }
    }

    #[tokio::test]
    async fn in_a_cluster_the_bus_watches_connected_users_and_forwards_events() {
        let bus = Arc::new(EventBus::default());
        let recorder = Arc::new(Recorder::default());
        let already_here = bus.subscribe(&uid("alice"), 0, false);
        bus.set_relay(recorder.clone());
        assert!(bus.may_be_online(&uid("dave")), "dave is on another node");
        assert!(!bus.may_be_online(&uid("bob")), "bob is nowhere");
        let second = bus.subscribe(&uid("alice"), 1, true);
        bus.publish(&uid("dave"), &frame(1), Recipients::All);
        bus.publish(&uid("bob"), &frame(2), Recipients::All);
        drop(already_here);
        drop(second);
        let mut from_elsewhere = bus.subscribe(&uid("carol"), 0, false);
        bus.apply_remote(&Remote::Frame {
            uid: uid("carol"),
            frame: frame(4),
            to: Recipients::All,
        });
        assert_eq!(from_elsewhere.frames.recv().await.unwrap().version, Some(4));
        assert_eq!(
            *recorder.0.lock().unwrap(),
            [
                "watch alice",
                "ended alice Device(1)",
                "frame dave",
                "unwatch alice",
                "watch carol"
            ],
            "a remote frame is delivered here and not forwarded again; bob's is not handed over"
        );
        let mut metrics = String::new();
        bus.render_metrics(&mut metrics);
        assert!(
            metrics.contains("natter_cluster_events_published_total 2\n"),
            "{metrics}"
        );
        assert!(
            metrics.contains("natter_cluster_events_skipped_total 2\n"),
            "bob's event not built, and bob's frame not handed over: {metrics}"
        );
    }

    #[tokio::test]
    async fn lost_events_make_the_users_connections_resync_from_below_them() {
        let bus = Arc::new(EventBus::default());
        let phone = bus.subscribe(&uid("alice"), 0, false);
        let bob = bus.subscribe(&uid("bob"), 0, false);
        bus.apply_remote(&Remote::Resync {
            uid: uid("alice"),
            from: Some(9),
        });
        assert!(phone.signals.fell_behind());
        assert_eq!(phone.signals.missed_from(), Some(9));
        assert!(!bob.signals.fell_behind(), "only alice's events were lost");
        let cut = Instant::now();
        bus.resync(None, Lost::Since(cut));
        bus.resync(None, Lost::Since(cut + Duration::from_secs(1)));
        assert_eq!(
            bob.signals.lost_since(),
            Some(cut),
            "the earliest loss counts"
        );
        assert_eq!(bob.signals.missed_from(), None);
    }

    #[test]
    fn the_version_log_answers_what_was_surely_sent_by_an_instant() {
        let opened = Instant::now();
        let at = |secs: u64| opened + Duration::from_secs(secs);
        let mut log = VersionLog::new(opened);
        log.sent(3, at(1));
        log.sent(5, at(2));
        log.sent(4, at(7));
        log.sent(8, at(12));
        assert_eq!(log.as_of(at(0)), 0, "nothing sent yet");
        assert_eq!(log.as_of(at(2)), 5);
        assert_eq!(
            log.as_of(at(8)),
            5,
            "the bucket that holds 7 s ends later: not yet sure"
        );
        assert_eq!(log.as_of(at(13)), 8);
        assert_eq!(
            log.as_of(opened - Duration::from_secs(1)),
            0,
            "a connection younger than the loss syncs everything"
        );
        for second in 13..200 {
            log.sent(second, at(second));
        }
        assert!(log.marks.len() <= 9, "a few marks per connection");
        assert_eq!(log.as_of(at(180)), 180 - 4, "coarse, never above the truth");
        assert_eq!(log.as_of(at(150)), 0, "forgotten: resync everything");
    }

    #[tokio::test]
    async fn connections_starting_and_ending_are_reported_in_order() {
        let bus = Arc::new(EventBus::default());
        let mut presence = bus.watch_presence();
        let phone = bus.subscribe(&uid("alice"), 0, true);
        let replacing = bus.subscribe(&uid("alice"), 0, true);
        let (first, second) = (phone.id, replacing.id);
        drop(phone);
        drop(replacing);
        let mut seen = Vec::new();
        while let Ok(change) = presence.try_recv() {
            seen.push((change.connection, change.online));
        }
        assert_eq!(
            seen,
            [
                (first, true),
                (second, true),
                (first, false),
                (second, false)
            ],
            "a replaced connection is reported when it ends"
        );
    }

    /// Settles a user's routing when told to.
    struct Routing(watch::Sender<bool>);

    impl Relay for Routing {
        fn watch(&self, _: &Uid) -> watch::Receiver<bool> {
            self.0.subscribe()
        }
        fn unwatch(&self, _: &Uid) {}
        fn elsewhere(&self, _: &Uid) -> bool {
            true
        }
        fn forward(&self, _: Remote) {}
    }

    #[tokio::test]
    async fn a_connection_waits_until_the_other_nodes_route_its_users_events_here() {
        let bus = Arc::new(EventBus::default());
        let (routing, _) = watch::channel(false);
        let routing = Arc::new(Routing(routing));
        bus.set_relay(routing.clone());
        let mut first = bus.subscribe(&uid("alice"), 0, false);
        let mut second = bus.subscribe(&uid("alice"), 1, false);
        let wait = Duration::from_millis(50);
        assert!(tokio::time::timeout(wait, first.routed()).await.is_err());
        routing.0.send_replace(true);
        tokio::time::timeout(wait, first.routed()).await.unwrap();
        tokio::time::timeout(wait, second.routed()).await.unwrap();
        let single = Arc::new(EventBus::default());
        let mut alone = single.subscribe(&uid("alice"), 0, false);
        tokio::time::timeout(wait, alone.routed())
            .await
            .expect("a single node waits for nothing");
    }

    #[tokio::test]
    async fn dropping_the_subscription_unsubscribes() {
        let bus = Arc::new(EventBus::default());
        let subscription = bus.subscribe(&uid("alice"), 0, false);
        assert!(bus.is_connected_here(&uid("alice")));
        drop(subscription);
        assert!(!bus.is_connected_here(&uid("alice")));
    }
}
