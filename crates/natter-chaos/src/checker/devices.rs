//! What each device heard, replayed through the client rules of [`crate::device`]. A WuKongIM
//! device is sent messages and nothing else and keeps no list: its connections are held to the
//! same promise for messages (each reached it, but for those the device sent itself, or the
//! connection closed), and to the windows.

use std::collections::{BTreeMap, BTreeSet};

use crate::device::{Applied, DeviceModel};
use crate::history::{Call, Conv, Event, History, Msg, Outcome, Push, channel_of, uid_of};

use super::oracle::Oracle;
use super::{Faults, Kind, Ops, Sent, Sink, Stats, compact};

/// One WebSocket session of a device.
#[derive(Debug, Default)]
struct Session {
    /// The node that holds the connection.
    node: usize,
    subscribed_at: Option<u64>,
    connection_id: Option<String>,
    closed_at: Option<u64>,
    /// Message ID → when it was pushed.
    pushed: BTreeMap<String, u64>,
    resyncs: Vec<u64>,
    /// (when, conversation) of each deletion pushed.
    deleted: Vec<(u64, String)>,
    /// The RECVs a WuKongIM connection left unacknowledged when it ended.
    unacknowledged: Vec<Msg>,
    entries: Vec<usize>,
}

#[derive(Debug, Default)]
struct Replay {
    /// A device on WuKongIM's protocol ([`crate::history::Setup::wukongim_devices`]).
    wukongim: bool,
    model: DeviceModel,
    sessions: BTreeMap<u64, Session>,
    /// Per conversation: when the device last learned of a deletion.
    learned_deletion: BTreeMap<String, Learned>,
    /// Per conversation, the entries that touched it (the latest few), for counterexamples.
    touched: BTreeMap<String, Vec<usize>>,
}

/// When a device learned that a conversation was deleted, and from which version of its user.
#[derive(Debug, Clone, Copy)]
struct Learned {
    at: u64,
    /// The version of the sync or the push that told it (`u64::MAX` where that is unknown):
    /// a deletion at a higher version was not what it learned, even if it began before.
    version: u64,
}

impl Replay {
    fn touch(&mut self, conversation: &str, index: usize) {
        let touched = self.touched.entry(conversation.to_owned()).or_default();
        touched.push(index);
        if touched.len() > 12 {
            touched.remove(0);
        }
    }
}

pub(super) fn check(
    history: &History,
    ops: &Ops,
    sends: &[Sent],
    oracle: &Oracle,
    stats: &mut Stats,
    sink: &mut Sink,
) {
    let observed_until = history
        .entries
        .iter()
        .find(|entry| matches!(entry.event, Event::Server { .. } | Event::Stored { .. }))
        .or(history.entries.last())
        .map_or(0, |entry| entry.at);
    let mut replays: BTreeMap<String, Replay> = history
        .setup
        .devices
        .iter()
        .map(|device| (device.clone(), Replay::default()))
        .chain(history.setup.wukongim_devices.iter().map(|device| {
            let replay = Replay {
                wukongim: true,
                ..Replay::default()
            };
            (device.clone(), replay)
        }))
        .collect();
    for (index, entry) in history.entries.iter().enumerate() {
        let at = entry.at;
        if at > observed_until {
            break;
        }
        match &entry.event {
            Event::Connect {
                device,
                session,
                node,
            } => {
                stats.sessions += 1;
                let replay = replays.entry(device.clone()).or_default();
                if replay.wukongim {
                    stats.wukongim_sessions += 1;
                }
                replay.sessions.insert(
                    *session,
                    Session {
                        node: *node,
                        entries: vec![index],
                        ..Session::default()
                    },
                );
            }
            Event::Subscribed {
                device,
                session,
                connection_id,
            } => {
                if let Some(session) = replays
                    .get_mut(device)
                    .and_then(|replay| replay.sessions.get_mut(session))
                {
                    session.subscribed_at = Some(at);
                    session.connection_id = Some(connection_id.clone());
                    session.entries.push(index);
                }
            }
            Event::Closed {
                device, session, ..
            } => {
                if let Some(session) = replays
                    .get_mut(device)
                    .and_then(|replay| replay.sessions.get_mut(session))
                {
                    session.closed_at = Some(at);
                    session.entries.push(index);
                }
            }
            Event::Unacknowledged {
                device,
                session,
                messages,
            } => {
                if let Some(session) = replays
                    .get_mut(device)
                    .and_then(|replay| replay.sessions.get_mut(session))
                {
                    session.unacknowledged.clone_from(messages);
                    session.entries.push(index);
                }
            }
            Event::Push {
                device,
                session,
                push,
            } => {
                stats.pushes += 1;
                let uid = uid_of(device).to_owned();
                let replay = replays.entry(device.clone()).or_default();
                let Some(current) = replay.sessions.get_mut(session) else {
                    continue;
                };
                current.entries.push(index);
                match push {
                    Push::Message {
                        conversation,
                        message,
                    } => {
                        if let Some(first) = current.pushed.get(&message.id) {
                            sink.anomaly(
                                Kind::DeliveredTwice,
                                format!("{device} session {session}"),
                                format!(
                                    "message {} ({conversation} seq {}) was pushed twice on one \
                                     connection, at {first} ms and at {at} ms",
                                    message.id, message.seq
                                ),
                                current.entries.clone(),
                            );
                        } else {
                            current.pushed.insert(message.id.clone(), at);
                        }
                        shown(
                            oracle,
                            &uid,
                            device,
                            conversation,
                            message,
                            None,
                            index,
                            sink,
                        );
                    }
                    Push::Resync { .. } => {
                        stats.resyncs += 1;
                        current.resyncs.push(at);
                    }
                    Push::Deleted { conversations, .. } => {
                        for conversation in conversations {
                            current.deleted.push((at, conversation.clone()));
                        }
                    }
                    Push::Updated { .. } | Push::Total { .. } => {}
                }
                if replay.wukongim {
                    stats.wukongim_recvs += 1;
                    continue;
                }
                let applied = replay.model.push(push);
                if let Push::Deleted {
                    conversations,
                    version,
                    ..
                } = push
                {
                    let version = if *version == 0 { u64::MAX } else { *version };
                    for conversation in conversations {
                        replay
                            .learned_deletion
                            .insert(conversation.clone(), Learned { at, version });
                    }
                }
                for conversation in conversations_in(push) {
                    replay.touch(&conversation, index);
                }
                revived(oracle, &uid, device, replay, &applied, index, sink);
            }
            Event::Synced {
                device, changes, ..
            } => {
                stats.syncs += 1;
                let uid = uid_of(device).to_owned();
                let replay = replays.entry(device.clone()).or_default();
                let applied = replay.model.synced(changes);
                let learned = Learned {
                    at,
                    version: changes.version,
                };
                for conversation in &changes.deleted {
                    replay
                        .learned_deletion
                        .insert(conversation.clone(), learned);
                    replay.touch(conversation, index);
                }
                for conv in &changes.conversations {
                    replay.touch(&conv.id, index);
                }
                revived(oracle, &uid, device, replay, &applied, index, sink);
            }
            Event::Fetched {
                device,
                asked_at,
                conversation,
                messages,
            } => {
                stats.fetches += 1;
                let uid = uid_of(device).to_owned();
                for message in messages {
                    shown(
                        oracle,
                        &uid,
                        device,
                        conversation,
                        message,
                        Some(*asked_at),
                        index,
                        sink,
                    );
                }
                let replay = replays.entry(device.clone()).or_default();
                replay.model.fetched(conversation, messages);
                replay.touch(conversation, index);
            }
            Event::Total { device, total } => {
                if let Some(replay) = replays.get_mut(device) {
                    replay.model.total = Some(*total);
                }
            }
            Event::Return {
                op,
                outcome: outcome @ (Outcome::Done | Outcome::Deleted { .. }),
                ..
            } => {
                let version = match outcome {
                    Outcome::Deleted { version } => Some(*version),
                    _ => None,
                };
                let Some(Call::Delete {
                    device,
                    conversations,
                    clear,
                    ..
                }) = ops.get(op).map(|op| &op.call)
                else {
                    continue;
                };
                if ops[op].done_entry != Some(index) {
                    continue;
                }
                if let Some(replay) = replays.get_mut(device) {
                    replay.model.deleted_here(conversations, *clear, version);
                    let learned = Learned {
                        at,
                        version: version.unwrap_or(u64::MAX),
                    };
                    for conversation in conversations {
                        replay
                            .learned_deletion
                            .insert(conversation.clone(), learned);
                        replay.touch(conversation, index);
                    }
                }
            }
            _ => {}
        }
    }

    let grace = history.setup.push_grace_ms;
    let outages = Outages::of(history);
    let faults = Faults::of(history);
    // By first invocation, so each connection looks only at the sends made while it was open.
    let mut sends: Vec<&Sent> = sends.iter().collect();
    sends.sort_by_key(|sent| sent.invoked);
    for (device, replay) in &replays {
        let uid = uid_of(device);
        pushes_arrived(
            history,
            oracle,
            &sends,
            device,
            uid,
            replay,
            observed_until,
            &|session: &Session, done: u64| outages.deadline(session.node, done, grace),
            stats,
            sink,
        );
        if replay.wukongim {
            redelivered(device, replay, &faults, observed_until, stats, sink);
        }
    }
    ended_consistent(history, &replays, sink);
}

/// The RECVs a WuKongIM connection left unacknowledged are sent right after the device's next
/// CONNACK on the same node: by this long after it, they have come.
const REDELIVERED_WITHIN_MS: u64 = 5_000;
/// How long a node keeps a device's unacknowledged RECVs (docs/api-reference.md, the WuKongIM
/// limits).
const KEPT_FOR_MS: u64 = 10 * 60 * 1000;

/// The RECVs a WuKongIM connection left unacknowledged came again on the device's next
/// connection, where that was to the same node within the time it keeps them, stayed open a
/// while, and the node was neither killed (it loses what it held) nor paused (it sends late)
/// from the close to that while after the next CONNACK.
fn redelivered(
    device: &str,
    replay: &Replay,
    faults: &Faults,
    observed_until: u64,
    stats: &mut Stats,
    sink: &mut Sink,
) {
    let connected: Vec<(&u64, &Session)> = replay
        .sessions
        .iter()
        .filter(|(_, session)| session.subscribed_at.is_some())
        .collect();
    for pair in connected.windows(2) {
        let [(id, left), (next_id, next)] = pair else {
            continue;
        };
        let (Some(closed), Some(opened)) = (left.closed_at, next.subscribed_at) else {
            continue;
        };
        let due = opened + REDELIVERED_WITHIN_MS;
        if left.unacknowledged.is_empty()
            || next.node != left.node
            || opened > closed + KEPT_FOR_MS
            || due > observed_until
            || next.closed_at.is_some_and(|next_closed| next_closed < due)
            || faults.node_faulted(left.node, closed, due)
        {
            continue;
        }
        for message in &left.unacknowledged {
            stats.wukongim_redeliveries_checked += 1;
            if !next.pushed.contains_key(&message.id) {
                sink.anomaly(
                    Kind::NotRedelivered,
                    format!("{device} session {next_id}"),
                    format!(
                        "{device}'s connection {id} left message {} (seq {}) unacknowledged, but \
                         its next connection, to the same node, never got it again",
                        message.id, message.seq
                    ),
                    [left.entries.clone(), next.entries.clone()].concat(),
                );
            }
        }
    }
}

/// The windows in which the server cannot push to a connection, from the faults recorded: NATS
/// stopped, restarted or frozen (no node hears the others), and each node's pauses. Its promise
/// for those is a resync once they are over, so a connection's grace to hear of something runs
/// from the end of any such window that begins before the grace is out.
struct Outages {
    /// (start, end) of each NATS fault, in order of start.
    nats: Vec<(u64, u64)>,
    /// Per node that was paused: its pauses and the NATS faults, in order of start.
    on_node: BTreeMap<usize, Vec<(u64, u64)>>,
}

impl Outages {
    fn of(history: &History) -> Self {
        let mut nats = Vec::new();
        let mut pauses: BTreeMap<usize, Vec<(u64, u64)>> = BTreeMap::new();
        for (fault, start, end) in Faults::of(history).0 {
            if fault.starts_with("nats-") {
                nats.push((start, end));
            } else if let Some(node) = fault
                .strip_prefix("pause node")
                .and_then(|node| node.parse().ok())
            {
                pauses.entry(node).or_default().push((start, end));
            }
        }
        nats.sort_unstable();
        let on_node = pauses
            .into_iter()
            .map(|(node, mut windows)| {
                windows.extend(&nats);
                windows.sort_unstable();
                (node, windows)
            })
            .collect();
        Self { nats, on_node }
    }

    /// When a connection on `node` must have heard of something done at `done`.
    fn deadline(&self, node: usize, done: u64, grace: u64) -> u64 {
        let windows = self.on_node.get(&node).unwrap_or(&self.nats);
        let mut deadline = done + grace;
        for &(start, end) in windows {
            if start <= deadline && end >= done {
                deadline = deadline.max(end + grace);
            }
        }
        deadline
    }
}

fn conversations_in(push: &Push) -> Vec<String> {
    match push {
        Push::Message { conversation, .. } => vec![conversation.clone()],
        Push::Updated { conversations } => conversations.iter().map(|c| c.id.clone()).collect(),
        Push::Deleted { conversations, .. } => conversations.clone(),
        Push::Total { .. } | Push::Resync { .. } => Vec::new(),
    }
}

/// A device was shown `message` (pushed, or fetched when `asked_at` is given): it must be
/// inside the user's windows and, for a fetch, above what the user had cleared by then.
#[allow(clippy::too_many_arguments)]
fn shown(
    oracle: &Oracle,
    uid: &str,
    device: &str,
    conversation: &str,
    message: &Msg,
    asked_at: Option<u64>,
    index: usize,
    sink: &mut Sink,
) {
    let channel = channel_of(uid, conversation);
    let Some(state) = oracle.user(uid, &channel) else {
        return;
    };
    if state.uncertain {
        return;
    }
    if !state.in_window(message.seq) {
        sink.anomaly(
            Kind::SeenOutsideWindow,
            format!("{device} {conversation}"),
            format!(
                "{device} was shown {conversation} seq {} (message {}), outside {uid}'s \
                 membership windows {:?}",
                message.seq, message.id, state.windows
            ),
            vec![index],
        );
    }
    if let Some(asked_at) = asked_at {
        let cleared = state.cleared_before(asked_at);
        if message.seq <= cleared {
            sink.anomaly(
                Kind::SeenAfterClear,
                format!("{device} {conversation}"),
                format!(
                    "{device} fetched {conversation} seq {} (message {}) after {uid} had \
                     cleared the history up to seq {cleared}",
                    message.seq, message.id
                ),
                vec![index],
            );
        }
    }
}

/// A conversation came back on the device: after the deletion it knew of, only a newer
/// message may bring it back.
fn revived(
    oracle: &Oracle,
    uid: &str,
    device: &str,
    replay: &Replay,
    applied: &Applied,
    index: usize,
    sink: &mut Sink,
) {
    for conv in &applied.revived {
        let Some(learned) = replay.learned_deletion.get(&conv.id) else {
            continue;
        };
        let channel = channel_of(uid, &conv.id);
        let Some(state) = oracle.user(uid, &channel) else {
            continue;
        };
        // The latest deletion the device can have learned of: begun by then, and (where both
        // versions are known) at or below the version that told it. A sync answered at version
        // 522 does not show a deletion committed at 524, even one begun before the sync.
        let Some(deletion) = state
            .deletions
            .iter()
            .filter(|deletion| deletion.invoked <= learned.at)
            .filter(|deletion| deletion.version.is_none_or(|v| v <= learned.version))
            .max_by_key(|deletion| deletion.invoked)
        else {
            continue;
        };
        if conv.last_seq.is_none_or(|last| last <= deletion.watermark) {
            let mut evidence = replay.touched.get(&conv.id).cloned().unwrap_or_default();
            evidence.push(index);
            sink.anomaly(
                Kind::DeletedCameBack,
                format!("{device} {}", conv.id),
                format!(
                    "{device} learned that {} was deleted (op {}, up to seq {}), then listed it \
                     again (version {}, last message seq {:?}) without a newer message",
                    conv.id, deletion.op, deletion.watermark, conv.version, conv.last_seq
                ),
                evidence,
            );
        }
    }
}

/// Every message sent to a member while one of their connections was live reached that
/// connection, or the connection was told to resync by its deadline (the grace period, run
/// from the end of any outage of pushes in it: [`Outages`]), or it closed by then; with
/// deletion sync on, the same for deletions made elsewhere. A connection still open when the
/// run is looked at has no way out: it got the push or a resync.
#[allow(clippy::too_many_arguments)]
fn pushes_arrived(
    history: &History,
    oracle: &Oracle,
    sends: &[&Sent],
    device: &str,
    uid: &str,
    replay: &Replay,
    observed_until: u64,
    deadline: &dyn Fn(&Session, u64) -> u64,
    stats: &mut Stats,
    sink: &mut Sink,
) {
    for (id, session) in &replay.sessions {
        let deadline = |done: u64| deadline(session, done);
        let Some(subscribed) = session.subscribed_at else {
            continue;
        };
        let ended = session.closed_at.unwrap_or(observed_until);
        let told_to_resync =
            |from: u64, until: u64| session.resyncs.iter().any(|at| *at >= from && *at <= until);
        // A connection that closed soon after a message was acknowledged needs no push: the
        // device reconnects and syncs. One still open at the end, or long after, does.
        let still_open = session.closed_at.is_none();
        let first = sends.partition_point(|sent| sent.invoked <= subscribed);
        for sent in sends[first..]
            .iter()
            .take_while(|sent| sent.invoked <= ended)
        {
            // WuKongIM sends no RECV of a message to the device that sent it.
            if sent.acked > ended || sent.wukongim.as_deref() == Some(device) {
                continue;
            }
            let Some(state) = oracle.user(uid, &sent.channel) else {
                continue;
            };
            if !state.in_window(sent.seq) || state.uncertain {
                continue;
            }
            stats.deliveries_checked += 1;
            if session.pushed.contains_key(&sent.id)
                || told_to_resync(sent.invoked, deadline(sent.acked))
                || (!still_open && ended < deadline(sent.acked))
            {
                continue;
            }
            sink.anomaly(
                Kind::MissedPush,
                format!("{device} session {id}"),
                format!(
                    "{device}'s connection (subscribed at {subscribed} ms, {} at {ended} ms) \
                     never got message {} ({} seq {}, acknowledged at {} ms), nor was it told \
                     to resync",
                    if session.closed_at.is_some() {
                        "closed"
                    } else {
                        "still open"
                    },
                    sent.id,
                    sent.channel,
                    sent.seq,
                    sent.acked
                ),
                [session.entries.clone(), sent.entries.clone()].concat(),
            );
        }
        if !history.setup.sync_deletion || replay.wukongim {
            continue;
        }
        for ((user, channel), state) in &oracle.users {
            if user != uid || state.uncertain {
                continue;
            }
            for deletion in &state.deletions {
                let origin = match &deletion.connection_id {
                    Some(connection) => session.connection_id.as_ref() == Some(connection),
                    None => deletion.device == device,
                };
                if origin
                    || deletion.invoked <= subscribed
                    || deletion.done > ended
                    || (!still_open && ended < deadline(deletion.done))
                {
                    continue;
                }
                let conversation = crate::history::conversation_of(uid, channel);
                let heard = session.deleted.iter().any(|(at, deleted)| {
                    *deleted == conversation
                        && *at >= deletion.invoked
                        && *at <= deadline(deletion.done)
                });
                if heard || told_to_resync(deletion.invoked, deadline(deletion.done)) {
                    continue;
                }
                sink.anomaly(
                    Kind::MissedPush,
                    format!("{device} session {id}"),
                    format!(
                        "{device}'s connection never heard that {conversation} was deleted by \
                         {} (op {}, done at {} ms), nor was it told to resync",
                        deletion.device, deletion.op, deletion.done
                    ),
                    session.entries.clone(),
                );
            }
        }
    }
}

/// A `Server` entry: its index, the list, the total, the histories.
type ServerView<'a> = (usize, &'a Vec<Conv>, u64, &'a BTreeMap<String, Vec<Msg>>);

/// At the end every device shows what the server shows: the same conversations with the same
/// unread counts, archive flags and last messages, the same total, and the same messages.
fn ended_consistent(history: &History, replays: &BTreeMap<String, Replay>, sink: &mut Sink) {
    let servers: BTreeMap<&str, ServerView<'_>> = history
        .entries
        .iter()
        .enumerate()
        .filter_map(|(index, entry)| match &entry.event {
            Event::Server {
                uid,
                conversations,
                total,
                histories,
            } => Some((uid.as_str(), (index, conversations, *total, histories))),
            _ => None,
        })
        .collect();
    for (device, replay) in replays {
        let uid = uid_of(device);
        let Some((index, conversations, total, histories)) = servers.get(uid) else {
            continue;
        };
        if replay.sessions.is_empty() || replay.wukongim {
            // A device that never came online, or keeps no list, shows nothing to compare.
            continue;
        }
        let model = &replay.model;
        let shown: BTreeMap<&str, &Conv> = model.listed().map(|c| (c.id.as_str(), c)).collect();
        let server: BTreeMap<&str, &Conv> =
            conversations.iter().map(|c| (c.id.as_str(), c)).collect();
        let ids: BTreeSet<&str> = shown.keys().chain(server.keys()).copied().collect();
        for id in ids {
            let evidence = || {
                let mut evidence = replay.touched.get(id).cloned().unwrap_or_default();
                evidence.push(*index);
                evidence
            };
            match (shown.get(id), server.get(id)) {
                (Some(mine), Some(theirs)) => {
                    let differs = mine.unread != theirs.unread
                        || mine.archived != theirs.archived
                        || mine.last_seq != theirs.last_seq;
                    if differs {
                        sink.anomaly(
                            Kind::DeviceDiverged,
                            format!("{device} {id}"),
                            format!(
                                "{device} ends showing {id} with {} unread, archived {}, last seq \
                                 {:?} (version {}); the server shows {}, {}, {:?} (version {})",
                                mine.unread,
                                mine.archived,
                                mine.last_seq,
                                mine.version,
                                theirs.unread,
                                theirs.archived,
                                theirs.last_seq,
                                theirs.version
                            ),
                            evidence(),
                        );
                    }
                }
                (Some(mine), None) => sink.anomaly(
                    Kind::DeviceDiverged,
                    format!("{device} {id}"),
                    format!(
                        "{device} ends showing {id} (version {}, last seq {:?}), which is not in \
                         {uid}'s list on the server",
                        mine.version, mine.last_seq
                    ),
                    evidence(),
                ),
                (None, Some(theirs)) => sink.anomaly(
                    Kind::DeviceDiverged,
                    format!("{device} {id}"),
                    format!(
                        "{device} ends without {id}, which is in {uid}'s list on the server \
                         (version {}, last seq {:?})",
                        theirs.version, theirs.last_seq
                    ),
                    evidence(),
                ),
                (None, None) => {}
            }
            if let (Some(_), Some(readable)) = (server.get(id), histories.get(id)) {
                let held = model.held(id);
                let expected: BTreeSet<(u64, String)> = readable
                    .iter()
                    .map(|message| (message.seq, message.id.clone()))
                    .collect();
                if held != expected {
                    let seqs = |set: &BTreeSet<(u64, String)>| -> BTreeSet<u64> {
                        set.iter().map(|(seq, _)| *seq).collect()
                    };
                    let missing: BTreeSet<u64> =
                        seqs(&expected).difference(&seqs(&held)).copied().collect();
                    let extra: BTreeSet<u64> =
                        seqs(&held).difference(&seqs(&expected)).copied().collect();
                    sink.anomaly(
                        Kind::DeviceDiverged,
                        format!("{device} {id} messages"),
                        format!(
                            "{device} ends holding {id} seqs {}; the server lets {uid} read {} \
                             (missing {}, extra {})",
                            compact(&seqs(&held)),
                            compact(&seqs(&expected)),
                            compact(&missing),
                            compact(&extra)
                        ),
                        evidence(),
                    );
                }
            }
        }
        if model.total.is_some_and(|shown| shown != *total) {
            sink.anomaly(
                Kind::DeviceDiverged,
                format!("{device} total"),
                format!(
                    "{device} ends showing an unread total of {:?}; the server says {total}",
                    model.total
                ),
                vec![*index],
            );
        }
    }
}
