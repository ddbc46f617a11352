//! Who was connected when, against the webhooks that tell of it: `msg.offline` must not name a
//! member connected throughout a send, and `user.onlinestatus` must tell each connection's
//! opening and closing, once each and in that order (docs/api-reference.md, "msg.offline" and
//! "user.onlinestatus").
//!
//! A connection counts, for the server, from the first ping of a JSON WebSocket (the harness
//! records its pong) or a WuKongIM CONNECT (the harness records its CONNACK) until it closes.
//! Faults blur that edge: a killed node may take a change it had not yet written with it, a
//! paused one or a database that is down delays it. So each check is made only where no fault
//! can have moved it.

use std::collections::{BTreeMap, BTreeSet};

use crate::history::{Event, History, Hook, Outcome, uid_of};

use super::oracle::Oracle;
use super::webhooks::{Deliveries, Seen};
use super::{Faults, Kind, Sent, Sink, Stats};

/// A connection counts from its first pong (a WuKongIM one from its CONNACK), but its node
/// records it in the background: this long after, it surely has.
const RECORDED_WITHIN_MS: u64 = 2_000;
/// The node may see a connection close before its device does.
const CLOSE_SEEN_WITHIN_MS: u64 = 1_000;
/// After a database fault, a node's records of its connections and its heartbeat are current
/// again within this (a heartbeat is due every 5 s).
const DATABASE_CAUGHT_UP_MS: u64 = 10_000;
/// A node resumed from a pause works through the requests and reconnections that piled up
/// meanwhile: its records of connections are current again within this.
const NODE_CAUGHT_UP_MS: u64 = 10_000;

/// A node writes a connection's offline line when it sees it close; a killed node's are
/// written by another node (or, on SQLite, the restarted one) once its heartbeat is 30 s
/// stale. This long after a device saw its connection close, the line was surely written.
const OFFLINE_TOLD_WITHIN_MS: u64 = 60_000;

pub(super) fn check(
    history: &History,
    sends: &[Sent],
    oracle: &Oracle,
    deliveries: &Deliveries,
    outbox: (usize, u64),
    stats: &mut Stats,
    sink: &mut Sink,
) {
    let observed = Observed {
        connections: connections(history),
        faults: Faults::of(history),
        store_refusals: store_refusals(history),
    };
    not_pushed(history, sends, oracle, deliveries, &observed, stats, sink);
    if history.setup.sends_webhook("user.onlinestatus") {
        online_status(history, deliveries, &observed, outbox, stats, sink);
    }
}

/// What the devices saw of their connections, and the faults that can have hidden them.
struct Observed<'a> {
    connections: Vec<Connection<'a>>,
    faults: Faults<'a>,
    /// When each node answered that its store could not serve: `(node, at)`.
    store_refusals: Vec<(usize, u64)>,
}

/// What the faults say of the connections' records.
impl Faults<'_> {
    /// PostgreSQL was down between `from` and `to`, or too shortly before for the nodes to
    /// have caught up.
    fn database_down(&self, from: u64, to: u64) -> bool {
        self.0.iter().any(|(fault, start, end)| {
            fault.starts_with("postgres-") && *start <= to && end + DATABASE_CAUGHT_UP_MS >= from
        })
    }

    /// `node` resumed from a pause by `from` (or just after) and had not been back long
    /// enough by `to` to have caught up.
    fn catching_up(&self, node: usize, from: u64, to: u64) -> bool {
        self.on_node(node, &["pause node"]).any(|(_, resumed)| {
            resumed <= from + RECORDED_WITHIN_MS && resumed + NODE_CAUGHT_UP_MS >= to
        })
    }

    /// The store was failing writes at `from` (or began to just after) and had not been
    /// back long enough by `to` for a write retried since to have gone through.
    fn store_failing(&self, from: u64, to: u64) -> bool {
        self.0.iter().any(|(fault, start, end)| {
            (fault.starts_with("postgres-") || *fault == "disk-full")
                && *start <= from + RECORDED_WITHIN_MS
                && end + DATABASE_CAUGHT_UP_MS >= to
        })
    }
}

impl Observed<'_> {
    /// `node` may have been killed before writing down a connection that opened at `opened`:
    /// killed within [`RECORDED_WITHIN_MS`] of the opening, or (even after the connection
    /// closed) while the write could still be waiting: the store failing writes (PostgreSQL
    /// down, the SQLite node's disk full) from the opening on, the node catching up after a
    /// pause that ended about when the connection opened, or the node itself having answered,
    /// between the opening and the kill, that its store could not serve (a database still slow
    /// after a fault's allowance ran out).
    fn may_have_lost_opening(&self, node: usize, opened: u64) -> bool {
        self.faults
            .on_node(node, &["kill node"])
            .any(|(killed, _)| {
                killed >= opened
                    && (killed <= opened + RECORDED_WITHIN_MS
                        || self.faults.store_failing(opened, killed)
                        || self.faults.catching_up(node, opened, killed)
                        || self.store_refused(node, opened, killed))
            })
    }

    /// `node` answered between `from` and `to` that its store could not serve.
    fn store_refused(&self, node: usize, from: u64, to: u64) -> bool {
        self.store_refusals
            .iter()
            .any(|&(refused_by, at)| refused_by == node && (from..=to).contains(&at))
    }
}

/// When each node answered an operation that its store could not serve (503, naming the
/// database or the disk).
fn store_refusals(history: &History) -> Vec<(usize, u64)> {
    let mut nodes: BTreeMap<(u64, u32), usize> = BTreeMap::new();
    let mut refusals = Vec::new();
    for entry in &history.entries {
        match &entry.event {
            Event::Invoke {
                op, attempt, node, ..
            } => {
                nodes.insert((*op, *attempt), *node);
            }
            Event::Return {
                op,
                attempt,
                outcome: Outcome::Unknown { reason },
            } if reason.starts_with("503 ")
                && (reason.contains("the database") || reason.contains("the disk")) =>
            {
                if let Some(&node) = nodes.get(&(*op, *attempt)) {
                    refusals.push((node, entry.at));
                }
            }
            _ => {}
        }
    }
    refusals
}

/// One connection of a user's device, from when it counted to when it closed.
struct Connection<'a> {
    device: &'a str,
    uid: &'a str,
    /// The server's ID of a JSON WebSocket; the harness's own for a WuKongIM connection.
    connection_id: &'a str,
    node: usize,
    opened: u64,
    closed: Option<u64>,
    entry: usize,
}

/// The connections of the history's devices that counted: each from its first pong (or
/// CONNACK) to when its device saw it close.
fn connections(history: &History) -> Vec<Connection<'_>> {
    let mut nodes: BTreeMap<(&str, u64), usize> = BTreeMap::new();
    let mut open: BTreeMap<(&str, u64), usize> = BTreeMap::new();
    let mut connections = Vec::new();
    for (index, entry) in history.entries.iter().enumerate() {
        match &entry.event {
            Event::Connect {
                device,
                session,
                node,
            } => {
                nodes.insert((device, *session), *node);
            }
            Event::Subscribed {
                device,
                session,
                connection_id,
            } => {
                let Some(&node) = nodes.get(&(device.as_str(), *session)) else {
                    continue;
                };
                open.insert((device, *session), connections.len());
                connections.push(Connection {
                    device,
                    uid: uid_of(device),
                    connection_id,
                    node,
                    opened: entry.at,
                    closed: None,
                    entry: index,
                });
            }
            Event::Closed {
                device, session, ..
            } => {
                if let Some(at) = open.remove(&(device.as_str(), *session)) {
                    connections[at].closed = Some(entry.at);
                }
            }
            _ => {}
        }
    }
    connections
}

/// No push names a member who had a connection open throughout the send: judged where no
/// fault can have kept that connection from the node that stored the message (the database
/// down in the 10 s before, the connection's node killed or paused since it opened).
fn not_pushed(
    history: &History,
    sends: &[Sent],
    oracle: &Oracle,
    deliveries: &Deliveries,
    observed: &Observed,
    stats: &mut Stats,
    sink: &mut Sink,
) {
    let mut named: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (hook, _) in deliveries.events.values() {
        if let Hook::Offline {
            message, to_uids, ..
        } = hook
        {
            named
                .entry(&message.id)
                .or_default()
                .extend(to_uids.iter().map(String::as_str));
        }
    }
    for sent in sends {
        if observed.faults.database_down(sent.invoked, sent.acked) {
            continue;
        }
        let members = history.setup.users.iter().filter(|uid| {
            **uid != sent.from
                && oracle
                    .user(uid, &sent.channel)
                    .is_some_and(|state| !state.uncertain && state.in_window(sent.seq))
        });
        for uid in members {
            let connected = observed.connections.iter().find(|connection| {
                connection.uid == uid
                    && connection.opened + RECORDED_WITHIN_MS <= sent.invoked
                    && connection
                        .closed
                        .is_none_or(|closed| closed >= sent.acked + CLOSE_SEEN_WITHIN_MS)
                    && !observed
                        .faults
                        .node_faulted(connection.node, connection.opened, sent.acked)
            });
            let Some(connection) = connected else {
                continue;
            };
            stats.connected_members_checked += 1;
            if named
                .get(sent.id.as_str())
                .is_some_and(|uids| uids.contains(uid.as_str()))
            {
                sink.anomaly(
                    Kind::PushedWhileConnected,
                    sent.channel.clone(),
                    format!(
                        "message {} (seq {}) was pushed to {uid}, whose connection on node{} \
                         was open from {} ms, before the send, to after it",
                        sent.id, sent.seq, connection.node, connection.opened
                    ),
                    [sent.entries.clone(), vec![connection.entry]].concat(),
                );
            }
        }
    }
}

/// The lines of one connection's opening or closing.
struct Told<'a> {
    uid: &'a str,
    device_flag: u8,
    event_ids: BTreeSet<u64>,
    first_taken: Option<Seen>,
    entries: Vec<usize>,
}

/// Each connection's opening and closing told once each, opening first: for a JSON
/// WebSocket, by its connection ID, the opening unless its node may have been killed before
/// writing it down, the closing once the opening was told and the close is a minute past; for
/// WuKongIM's, whose server IDs the harness does not see, by count. No line names a user who
/// never connects.
fn online_status(
    history: &History,
    deliveries: &Deliveries,
    observed: &Observed,
    (outbox_entry, outbox_at): (usize, u64),
    stats: &mut Stats,
    sink: &mut Sink,
) {
    let mut told: BTreeMap<(&str, bool), Told> = BTreeMap::new();
    for (event_id, (hook, entries)) in &deliveries.events {
        let Hook::OnlineStatus {
            uid,
            device_flag,
            online,
            connection_id,
            ..
        } = hook
        else {
            continue;
        };
        if !history.setup.users.contains(uid) {
            sink.anomaly(
                Kind::PhantomWebhook,
                uid.clone(),
                format!(
                    "user.onlinestatus event {event_id} told of connection {connection_id} of \
                     {uid}, who never connects"
                ),
                entries.clone(),
            );
        }
        let lines = told.entry((connection_id, *online)).or_insert(Told {
            uid,
            device_flag: *device_flag,
            event_ids: BTreeSet::new(),
            first_taken: None,
            entries: Vec::new(),
        });
        lines.event_ids.insert(*event_id);
        lines.entries.extend(entries);
        if let Some(&seen) = deliveries.taken.get(event_id) {
            lines.first_taken = Some(lines.first_taken.map_or(seen, |first| first.min(seen)));
        }
    }
    for ((connection_id, online), lines) in &told {
        let change = if *online { "opening" } else { "closing" };
        if lines.event_ids.len() > 1 {
            sink.anomaly(
                Kind::WebhookRenumbered,
                format!("connection {connection_id}"),
                format!(
                    "the {change} of connection {connection_id} was told as events {:?}",
                    lines.event_ids
                ),
                lines.entries.clone(),
            );
        }
        if let (false, Some(closed)) = (online, lines.first_taken)
            && let Some(opened) = told
                .get(&(connection_id, true))
                .and_then(|opening| opening.first_taken)
            && closed < opened
        {
            sink.anomaly(
                Kind::WebhookOutOfOrder,
                format!("connection {connection_id}"),
                format!("the closing of connection {connection_id} was taken before its opening"),
                vec![closed.0, opened.0],
            );
        }
    }
    let taken = |connection_id: &str, online: bool| {
        told.get(&(connection_id, online))
            .is_some_and(|lines| lines.first_taken.is_some())
    };
    let json_ids: BTreeSet<&str> = observed
        .connections
        .iter()
        .filter(|connection| !is_wukongim(history, connection.device))
        .map(|connection| connection.connection_id)
        .collect();
    let mut wukongim_owed: BTreeMap<&str, usize> = BTreeMap::new();
    for connection in &observed.connections {
        let opening_kept = !observed.may_have_lost_opening(connection.node, connection.opened);
        if is_wukongim(history, connection.device) {
            if opening_kept {
                *wukongim_owed.entry(connection.uid).or_default() += 1;
            }
            continue;
        }
        let id = connection.connection_id;
        if id.is_empty() {
            // A pong without the connection's ID: nothing to match lines against.
            continue;
        }
        let evidence = || vec![connection.entry, outbox_entry];
        if let Some(opening) = told.get(&(id, true))
            && (opening.uid != connection.uid
                || Some(opening.device_flag) != device_flag(connection.device))
        {
            sink.anomaly(
                Kind::PhantomWebhook,
                format!("connection {id}"),
                format!(
                    "connection {id} of {} was told as {}'s, device flag {}",
                    connection.device, opening.uid, opening.device_flag
                ),
                [evidence(), opening.entries.clone()].concat(),
            );
        }
        if opening_kept {
            stats.connections_told_checked += 1;
            if !taken(id, true) {
                sink.anomaly(
                    Kind::LostWebhook,
                    connection.device.to_owned(),
                    format!(
                        "connection {id} of {} counted from {} ms, but no user.onlinestatus \
                         line taken told it opened",
                        connection.device, connection.opened
                    ),
                    evidence(),
                );
            }
        }
        if let Some(closed) = connection.closed
            && closed + OFFLINE_TOLD_WITHIN_MS <= outbox_at
            && taken(id, true)
            && !taken(id, false)
        {
            sink.anomaly(
                Kind::LostWebhook,
                connection.device.to_owned(),
                format!(
                    "connection {id} of {} closed at {closed} ms, but no user.onlinestatus line \
                     taken told it closed",
                    connection.device
                ),
                evidence(),
            );
        }
    }
    // WuKongIM's connections, by count: the openings told of each user's connections that are
    // not JSON WebSockets.
    for (uid, owed) in wukongim_owed {
        let openings = told
            .iter()
            .filter(|((id, online), lines)| {
                *online && lines.uid == uid && lines.first_taken.is_some() && !json_ids.contains(id)
            })
            .count();
        stats.connections_told_checked += owed;
        if openings < owed {
            sink.anomaly(
                Kind::LostWebhook,
                format!("{uid}/wukongim"),
                format!(
                    "{owed} WuKongIM connections of {uid} counted, but user.onlinestatus told \
                     {openings} openings of connections that are not JSON WebSockets"
                ),
                vec![outbox_entry],
            );
        }
    }
}

fn is_wukongim(history: &History, device: &str) -> bool {
    history
        .setup
        .wukongim_devices
        .iter()
        .any(|wukongim| wukongim == device)
}

/// A JSON device's flag, from its name (`alice/1`).
fn device_flag(device: &str) -> Option<u8> {
    device.rsplit_once('/')?.1.parse().ok()
}
