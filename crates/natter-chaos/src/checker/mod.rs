//! Judges a whole [`History`] after the run, without any I/O, and reports every anomaly:
//!
//! - **messages**: no acknowledged message is lost (the database holds it, unless no one may
//!   read it any more and the purge took it); each channel's seqs are unique and gapless; the
//!   database holds nothing that no send produced;
//! - **the rules**: at the end, each user's list (which conversations, their unread counts,
//!   archive flags and last messages) and unread total are what the rules give when recomputed
//!   from the operations ([`oracle`]), and so is what each user may read;
//! - **devices** ([`devices`]): every push reaches every live connection of a member within the
//!   grace period unless the connection is told to resync or closes; no connection gets a
//!   message twice; no device is shown a message outside its user's membership windows or one
//!   its user had cleared; a device that knows of a deletion never shows the conversation again
//!   until a new message; and every device ends showing what the server shows;
//! - **webhooks** ([`webhooks`]): every acknowledged message and deletion reached the app
//!   backend's receiver, nothing that did not happen did, each under one event ID, and a
//!   channel's messages in seq order; every acknowledged message to a user who never connects
//!   was pushed to them (`msg.offline`), and no push named its sender, a non-member, or a
//!   member connected throughout the send ([`connected`]); each connection's opening and
//!   closing was told (`user.onlinestatus`) once each, in that order.

mod connected;
mod devices;
pub mod oracle;
#[cfg(test)]
mod tests;
mod webhooks;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use crate::history::{Call, Event, History, Outcome, Phase, StoredChannel, channel_of};

/// The system conversation's ID, as the server lists it.
const SYSTEM_CONVERSATION: &str = "@TIM#SYSTEM";

/// Kinds of anomalies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Kind {
    /// An acknowledged message is not in the database.
    LostMessage,
    /// A seq of a channel holds no message.
    SeqGap,
    /// Two messages share a channel's seq, or one message ID was given two places.
    DuplicateSeq,
    /// The database holds a message that no send produced.
    PhantomMessage,
    /// A connection was pushed the same message twice.
    DeliveredTwice,
    /// A live connection of a member never got a push, nor was told to resync.
    MissedPush,
    /// A device was shown a message from outside its user's membership windows.
    SeenOutsideWindow,
    /// A device was shown a message its user had cleared.
    SeenAfterClear,
    /// A device listed a conversation again after learning of its deletion, without a new message.
    DeletedCameBack,
    /// A conversation's unread count is not what the rules give.
    WrongUnread,
    /// The unread total is not what the rules give.
    WrongTotal,
    /// The list (which conversations, archived or not, last message) is not what the rules give.
    WrongList,
    /// What the server lets a user read is not what the rules give.
    WrongHistory,
    /// The server answered an operation otherwise than the rules say.
    WrongAnswer,
    /// A device ended showing something else than the server.
    DeviceDiverged,
    /// An acknowledged message or deletion never reached the webhook receiver.
    LostWebhook,
    /// A webhook told of a message or deletion that did not happen.
    PhantomWebhook,
    /// One change sent under two event IDs, one event ID carrying two changes, or
    /// `X-Natter-Event-Ids` not naming the body's events.
    WebhookRenumbered,
    /// A channel's messages reached the webhook receiver out of seq order.
    WebhookOutOfOrder,
    /// A push (`msg.offline`) named a member who had a connection open throughout the send.
    PushedWhileConnected,
    /// The RECVs a WuKongIM connection left unacknowledged did not come again on the device's
    /// next connection to the same node.
    NotRedelivered,
}

impl fmt::Display for Kind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, formatter)
    }
}

/// One anomaly, with the entries (indexes into the history) that show it.
#[derive(Debug, Clone, Serialize)]
pub struct Anomaly {
    pub kind: Kind,
    /// What it is about (a channel, a user, a device), so that it can be found again.
    pub subject: String,
    pub detail: String,
    pub evidence: Vec<usize>,
}

/// Counts of what the history held, for the report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    pub operations: BTreeMap<String, usize>,
    pub outcomes: BTreeMap<String, usize>,
    /// Operations that needed more than one attempt to get a definite answer.
    pub retried: usize,
    pub messages: usize,
    pub sessions: usize,
    pub pushes: usize,
    pub resyncs: usize,
    pub syncs: usize,
    pub fetches: usize,
    pub faults: BTreeMap<String, usize>,
    /// Push deliveries checked for arrival (message × live connection).
    pub deliveries_checked: usize,
    /// Connections of the WuKongIM devices, the RECVs they were sent, and the RECVs left
    /// unacknowledged that were checked to come again on the next connection.
    pub wukongim_sessions: usize,
    pub wukongim_recvs: usize,
    pub wukongim_redeliveries_checked: usize,
    /// Requests the webhook receiver got, and the events in those it took.
    pub webhook_requests: usize,
    pub webhook_events_taken: usize,
    /// Messages pushed (`msg.offline` taken), and the members with a connection open
    /// throughout a send who were checked not to be named in its push (message × member).
    pub offline_pushes_taken: usize,
    pub connected_members_checked: usize,
    /// Connections whose opening `user.onlinestatus` was checked to tell.
    pub connections_told_checked: usize,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub anomalies: Vec<Anomaly>,
    pub stats: Stats,
}

impl Report {
    pub fn is_valid(&self) -> bool {
        self.anomalies.is_empty()
    }

    pub fn has(&self, kind: Kind) -> bool {
        self.anomalies.iter().any(|anomaly| anomaly.kind == kind)
    }
}

/// Collects what the checks find.
#[derive(Debug, Default)]
pub(crate) struct Sink {
    anomalies: Vec<Anomaly>,
    notes: Vec<String>,
}

impl Sink {
    pub(crate) fn anomaly(
        &mut self,
        kind: Kind,
        subject: String,
        detail: String,
        mut evidence: Vec<usize>,
    ) {
        evidence.sort_unstable();
        evidence.dedup();
        self.anomalies.push(Anomaly {
            kind,
            subject,
            detail,
            evidence,
        });
    }

    pub(crate) fn note(&mut self, note: String) {
        self.notes.push(note);
    }
}

/// One logical operation and its attempts.
#[derive(Debug, Clone)]
pub(crate) struct Op {
    pub id: u64,
    pub call: Call,
    pub first_invoke: u64,
    /// When a definite answer came, if one did.
    pub done_at: Option<u64>,
    /// The same two as positions in the history, which orders them exactly (two entries may
    /// share a millisecond).
    pub first_entry: usize,
    pub done_entry: Option<usize>,
    pub outcome: Option<Outcome>,
    pub attempts: u32,
    /// Attempts refused for good (nothing of them happened).
    pub refusals: u32,
    pub entries: Vec<usize>,
}

impl Op {
    pub fn kind(&self) -> &'static str {
        match &self.call {
            Call::Send { wukongim: None, .. } => "send",
            Call::Send {
                wukongim: Some(_), ..
            } => "send (WuKongIM)",
            Call::Read { .. } => "read",
            Call::Delete { clear: true, .. } => "delete+clear",
            Call::Delete { clear: false, .. } => "delete",
            Call::Archive { .. } => "archive",
            Call::Unarchive { .. } => "restore",
            Call::Leave { .. } => "leave",
            Call::Join { .. } => "join",
        }
    }
}

pub(crate) type Ops = BTreeMap<u64, Op>;

/// An acknowledged message.
#[derive(Debug, Clone)]
pub struct Sent {
    pub channel: String,
    pub seq: u64,
    pub id: String,
    pub from: String,
    /// The WuKongIM device it was sent through, if it was: it gets no RECV of it.
    pub wukongim: Option<String>,
    pub invoked: u64,
    pub acked: u64,
    /// Positions in the history of the first attempt and of the answer.
    pub invoked_entry: usize,
    pub acked_entry: usize,
    pub op: u64,
    pub entries: Vec<usize>,
}

/// The faults of a history, each with when it started and ended; one still under way when the
/// record ends lasts to its end.
pub(crate) struct Faults<'a>(pub(crate) Vec<(&'a str, u64, u64)>);

impl<'a> Faults<'a> {
    pub(crate) fn of(history: &'a History) -> Self {
        let mut windows = Vec::new();
        let mut started: BTreeMap<&str, u64> = BTreeMap::new();
        for entry in &history.entries {
            let Event::Fault { fault, phase } = &entry.event else {
                continue;
            };
            match phase {
                Phase::Start => {
                    started.insert(fault, entry.at);
                }
                Phase::End => {
                    if let Some(start) = started.remove(fault.as_str()) {
                        windows.push((fault.as_str(), start, entry.at));
                    }
                }
            }
        }
        let end_of_run = history.entries.last().map_or(0, |entry| entry.at);
        windows.extend(
            started
                .into_iter()
                .map(|(fault, start)| (fault, start, end_of_run)),
        );
        Self(windows)
    }

    /// `node` was killed or paused at some time between `from` and `to`.
    pub(crate) fn node_faulted(&self, node: usize, from: u64, to: u64) -> bool {
        self.on_node(node, &["kill node", "pause node"])
            .any(|(start, end)| start <= to && end >= from)
    }

    /// The windows of the faults of kinds `kinds` (`kill node`, `pause node`) on `node`.
    pub(crate) fn on_node(&self, node: usize, kinds: &[&str]) -> impl Iterator<Item = (u64, u64)> {
        let node = node.to_string();
        let kinds = kinds.to_vec();
        self.0.iter().filter_map(move |(fault, start, end)| {
            kinds
                .iter()
                .any(|kind| fault.strip_prefix(kind) == Some(node.as_str()))
                .then_some((*start, *end))
        })
    }
}

/// Judges the history.
pub fn check(history: &History) -> Report {
    let mut sink = Sink::default();
    let mut stats = Stats::default();
    let ops = operations(history, &mut stats);
    let sends = acknowledged(&ops, &mut sink);
    stats.messages = sends.len();
    let oracle = oracle::recompute(
        &ops,
        &sends,
        &stored_tips(history),
        &history.setup.groups,
        &history.setup.all_users(),
        &mut sink,
    );
    check_storage(history, &ops, &sends, &oracle, &mut sink);
    check_server(history, &oracle, &mut sink);
    devices::check(history, &ops, &sends, &oracle, &mut stats, &mut sink);
    webhooks::check(history, &ops, &sends, &oracle, &mut stats, &mut sink);
    for entry in &history.entries {
        if let Event::Fault {
            fault,
            phase: crate::history::Phase::Start,
        } = &entry.event
        {
            let kind = fault.split_whitespace().next().unwrap_or_default();
            *stats.faults.entry(kind.to_owned()).or_default() += 1;
        }
    }
    stats.notes = sink.notes;
    let mut anomalies = sink.anomalies;
    anomalies.sort_by(|a, b| (a.kind, &a.subject).cmp(&(b.kind, &b.subject)));
    Report { anomalies, stats }
}

fn operations(history: &History, stats: &mut Stats) -> Ops {
    let mut ops = Ops::new();
    for (index, entry) in history.entries.iter().enumerate() {
        match &entry.event {
            Event::Invoke { op, call, .. } => {
                let op = ops.entry(*op).or_insert_with(|| Op {
                    id: *op,
                    call: call.clone(),
                    first_invoke: entry.at,
                    done_at: None,
                    first_entry: index,
                    done_entry: None,
                    outcome: None,
                    attempts: 0,
                    refusals: 0,
                    entries: Vec::new(),
                });
                op.attempts += 1;
                op.entries.push(index);
            }
            Event::Return { op, outcome, .. } => {
                if let Some(op) = ops.get_mut(op) {
                    op.entries.push(index);
                    if matches!(outcome, Outcome::Refused { .. }) {
                        op.refusals += 1;
                    }
                    if outcome.is_definite() && op.done_at.is_none() {
                        op.done_at = Some(entry.at);
                        op.done_entry = Some(index);
                        op.outcome = Some(outcome.clone());
                    }
                }
            }
            _ => {}
        }
    }
    for op in ops.values() {
        *stats.operations.entry(op.kind().to_owned()).or_default() += 1;
        let outcome = match &op.outcome {
            Some(Outcome::Sent { .. } | Outcome::Deleted { .. } | Outcome::Done) => "ok".to_owned(),
            Some(Outcome::Refused { status, .. }) => format!("refused {status}"),
            Some(Outcome::Unknown { .. }) | None => "unresolved".to_owned(),
        };
        *stats.outcomes.entry(outcome).or_default() += 1;
        if op.attempts > 1 {
            stats.retried += 1;
        }
    }
    ops
}

/// The acknowledged sends; two messages in one place is an anomaly at once.
fn acknowledged(ops: &Ops, sink: &mut Sink) -> Vec<Sent> {
    let mut sends = Vec::new();
    let mut by_place: BTreeMap<(String, u64), Sent> = BTreeMap::new();
    let mut by_id: BTreeMap<String, Sent> = BTreeMap::new();
    for op in ops.values() {
        let (
            Call::Send {
                from,
                conversation,
                wukongim,
                ..
            },
            Some(Outcome::Sent { id, seq }),
        ) = (&op.call, &op.outcome)
        else {
            continue;
        };
        let sent = Sent {
            channel: channel_of(from, conversation),
            seq: *seq,
            id: id.clone(),
            from: from.clone(),
            wukongim: wukongim.clone(),
            invoked: op.first_invoke,
            acked: op.done_at.unwrap_or(op.first_invoke),
            invoked_entry: op.first_entry,
            acked_entry: op.done_entry.unwrap_or(op.first_entry),
            op: op.id,
            entries: op.entries.clone(),
        };
        if let Some(other) = by_place.get(&(sent.channel.clone(), sent.seq)) {
            sink.anomaly(
                Kind::DuplicateSeq,
                sent.channel.clone(),
                format!(
                    "seq {} was acknowledged twice: messages {} and {}",
                    sent.seq, other.id, sent.id
                ),
                [other.entries.clone(), sent.entries.clone()].concat(),
            );
            continue;
        }
        if let Some(other) = by_id.get(&sent.id) {
            sink.anomaly(
                Kind::DuplicateSeq,
                sent.channel.clone(),
                format!(
                    "message {} was acknowledged as {} seq {} and as {} seq {}",
                    sent.id, other.channel, other.seq, sent.channel, sent.seq
                ),
                [other.entries.clone(), sent.entries.clone()].concat(),
            );
            continue;
        }
        by_place.insert((sent.channel.clone(), sent.seq), sent.clone());
        by_id.insert(sent.id.clone(), sent.clone());
        sends.push(sent);
    }
    sends
}

/// The channels of the database dump at the end (none without one).
pub(crate) fn stored_channels(history: &History) -> impl Iterator<Item = &StoredChannel> {
    history
        .entries
        .iter()
        .filter_map(|entry| match &entry.event {
            Event::Stored { channels } => Some(channels),
            _ => None,
        })
        .flatten()
}

/// The seqs of the group tips in the database at the end, by channel: messages the server wrote
/// of members' changes, which no send acknowledged.
fn stored_tips(history: &History) -> BTreeMap<String, BTreeSet<u64>> {
    stored_channels(history)
        .filter(|channel| !channel.tips.is_empty())
        .map(|channel| {
            (
                channel.channel.clone(),
                channel.tips.iter().copied().collect(),
            )
        })
        .collect()
}

/// The database at the end against the acknowledged sends.
fn check_storage(
    history: &History,
    ops: &Ops,
    sends: &[Sent],
    oracle: &oracle::Oracle,
    sink: &mut Sink,
) {
    let Some((index, stored)) = history
        .entries
        .iter()
        .enumerate()
        .find_map(|(index, entry)| match &entry.event {
            Event::Stored { channels } => Some((index, channels)),
            _ => None,
        })
    else {
        sink.note("no database dump in the history: storage not checked".into());
        return;
    };
    // Sends without a definite answer may have stored a message.
    let mut unresolved: BTreeMap<String, usize> = BTreeMap::new();
    for op in ops.values() {
        if let (Call::Send { .. }, None) = (&op.call, &op.outcome) {
            for channel in op.call.channels() {
                *unresolved.entry(channel).or_default() += 1;
            }
        }
    }
    let mut by_channel: BTreeMap<&str, Vec<&Sent>> = BTreeMap::new();
    for sent in sends {
        by_channel.entry(&sent.channel).or_default().push(sent);
    }
    let stored_by_channel: BTreeMap<&str, &StoredChannel> = stored
        .iter()
        .map(|channel| (channel.channel.as_str(), channel))
        .collect();
    for (channel, acked) in &by_channel {
        let Some(held) = stored_by_channel.get(channel) else {
            for sent in acked {
                sink.anomaly(
                    Kind::LostMessage,
                    channel.to_string(),
                    format!(
                        "message {} (seq {}) was acknowledged, but the database has no channel {channel}",
                        sent.id, sent.seq
                    ),
                    [sent.entries.clone(), vec![index]].concat(),
                );
            }
            continue;
        };
        let by_seq: BTreeMap<u64, &crate::history::Msg> =
            held.messages.iter().map(|m| (m.seq, m)).collect();
        for sent in acked {
            match by_seq.get(&sent.seq) {
                Some(message) if message.id == sent.id => {}
                Some(message) => sink.anomaly(
                    Kind::LostMessage,
                    channel.to_string(),
                    format!(
                        "message {} was acknowledged at seq {}, where the database holds {}",
                        sent.id, sent.seq, message.id
                    ),
                    [sent.entries.clone(), vec![index]].concat(),
                ),
                None if sent.seq <= held.purged_to_seq
                    && oracle.invisible_to_all(channel, sent.seq) => {}
                None => sink.anomaly(
                    Kind::LostMessage,
                    channel.to_string(),
                    format!(
                        "message {} (seq {}) was acknowledged but is not in the database{}",
                        sent.id,
                        sent.seq,
                        if sent.seq <= held.purged_to_seq {
                            " (purged while someone could still read it)"
                        } else {
                            ""
                        }
                    ),
                    [sent.entries.clone(), vec![index]].concat(),
                ),
            }
        }
    }
    for held in stored {
        let acked: BTreeMap<u64, &&Sent> = by_channel
            .get(held.channel.as_str())
            .into_iter()
            .flatten()
            .map(|sent| (sent.seq, sent))
            .collect();
        let stored_seqs: BTreeMap<u64, &crate::history::Msg> =
            held.messages.iter().map(|m| (m.seq, m)).collect();
        for seq in 1..=held.last_seq {
            // A group tip purged with the messages around it leaves no trace of its seq.
            let purged_tip = held.channel.starts_with("group:") && seq <= held.purged_to_seq;
            if !stored_seqs.contains_key(&seq)
                && !acked.contains_key(&seq)
                && !held.tips.contains(&seq)
                && !purged_tip
            {
                sink.anomaly(
                    Kind::SeqGap,
                    held.channel.clone(),
                    format!(
                        "seq {seq} of {} (last seq {}) holds no message and none was acknowledged",
                        held.channel, held.last_seq
                    ),
                    vec![index],
                );
            }
        }
        let unresolved_here = unresolved.get(&held.channel).copied().unwrap_or(0);
        let phantoms: Vec<u64> = stored_seqs
            .keys()
            .filter(|seq| !acked.contains_key(seq))
            .copied()
            .collect();
        if phantoms.len() > unresolved_here {
            sink.anomaly(
                Kind::PhantomMessage,
                held.channel.clone(),
                format!(
                    "the database holds seqs {phantoms:?} of {} that no send produced \
                     ({unresolved_here} sends there had no definite answer)",
                    held.channel
                ),
                vec![index],
            );
        }
        let highest_acked = acked.keys().next_back().copied().unwrap_or(0);
        if held.last_seq < highest_acked {
            sink.anomaly(
                Kind::LostMessage,
                held.channel.clone(),
                format!(
                    "the channel's last seq is {} but seq {highest_acked} was acknowledged",
                    held.last_seq
                ),
                vec![index],
            );
        }
    }
}

/// The server's final view of each user against the rules.
fn check_server(history: &History, oracle: &oracle::Oracle, sink: &mut Sink) {
    for (index, entry) in history.entries.iter().enumerate() {
        let Event::Server {
            uid,
            conversations,
            total,
            histories,
        } = &entry.event
        else {
            continue;
        };
        let expected = oracle.listed(uid);
        let shown: BTreeMap<&str, &crate::history::Conv> = conversations
            .iter()
            .map(|conv| (conv.id.as_str(), conv))
            .collect();
        let mut any_uncertain = false;
        let mut expected_total = 0;
        for (id, want) in &expected {
            let (unread, archived, last_seq) = (&want.unread, &want.archived, &want.last_seq);
            any_uncertain |= want.uncertain;
            if !archived {
                expected_total += unread;
            }
            if want.uncertain {
                continue;
            }
            let Some(conv) = shown.get(id.as_str()) else {
                sink.anomaly(
                    Kind::WrongList,
                    format!("{uid} {id}"),
                    format!("{id} should be in {uid}'s list (unread {unread}) but is not"),
                    vec![index],
                );
                continue;
            };
            if conv.unread != *unread {
                sink.anomaly(
                    Kind::WrongUnread,
                    format!("{uid} {id}"),
                    format!(
                        "{uid}'s {id} shows {} unread; the rules give {unread}",
                        conv.unread
                    ),
                    vec![index],
                );
            }
            if conv.archived != *archived
                || conv.last_seq != *last_seq
                || conv.cleared_to != want.cleared_to
            {
                sink.anomaly(
                    Kind::WrongList,
                    format!("{uid} {id}"),
                    format!(
                        "{uid}'s {id} shows archived {}, last message seq {:?}, cleared to {}; \
                         the rules give {archived}, {last_seq:?}, {}",
                        conv.archived, conv.last_seq, conv.cleared_to, want.cleared_to
                    ),
                    vec![index],
                );
            }
        }
        // The system conversation holds only the server's own notices, which the run does not
        // model (see `harness::snapshot::CHANNELS`).
        for conv in conversations
            .iter()
            .filter(|conv| conv.id != SYSTEM_CONVERSATION)
        {
            let channel = channel_of(uid, &conv.id);
            let uncertain = oracle
                .user(uid, &channel)
                .is_some_and(|state| state.uncertain);
            if !expected.contains_key(&conv.id) && !uncertain {
                sink.anomaly(
                    Kind::WrongList,
                    format!("{uid} {}", conv.id),
                    format!(
                        "{} is in {uid}'s list, but the rules say it was deleted or never had a message",
                        conv.id
                    ),
                    vec![index],
                );
            }
        }
        if !any_uncertain && *total != expected_total {
            sink.anomaly(
                Kind::WrongTotal,
                uid.clone(),
                format!("{uid}'s unread total is {total}; the rules give {expected_total}"),
                vec![index],
            );
        }
        for (conversation, messages) in histories {
            let channel = channel_of(uid, conversation);
            if oracle
                .user(uid, &channel)
                .is_some_and(|state| state.uncertain)
            {
                continue;
            }
            let readable: std::collections::BTreeSet<u64> =
                messages.iter().map(|message| message.seq).collect();
            let visible = oracle.visible(uid, &channel);
            if readable != visible {
                let missing: Vec<_> = visible.difference(&readable).collect();
                let extra: Vec<_> = readable.difference(&visible).collect();
                sink.anomaly(
                    Kind::WrongHistory,
                    format!("{uid} {conversation}"),
                    format!(
                        "{uid} may read {conversation} seqs {}: missing {missing:?}, should not see {extra:?}",
                        compact(&readable)
                    ),
                    vec![index],
                );
            }
        }
    }
}

/// `1-5,7,9-10`.
pub(crate) fn compact(seqs: &std::collections::BTreeSet<u64>) -> String {
    let mut parts = Vec::new();
    let mut iter = seqs.iter().copied().peekable();
    while let Some(first) = iter.next() {
        let mut last = first;
        while iter.peek() == Some(&(last + 1)) {
            last = iter.next().unwrap_or(last);
        }
        parts.push(if first == last {
            first.to_string()
        } else {
            format!("{first}-{last}")
        });
    }
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(",")
    }
}
