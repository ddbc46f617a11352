//! What the server should hold, recomputed from the operations alone with the conversation
//! rules, written again here so that the checker does not trust the server's own code:
//!
//! unread = last visible seq − max(read, deleted_to, cleared_to, own_last, join − 1)
//!
//! Each operation other than a send (and each refused send, to check that its sender was not a
//! member) takes effect between two messages of its channel: after every send that completed
//! before it was first invoked, before every send invoked after it completed. The harness never runs one concurrently with a send into the same channel, so
//! that point is exact; where it is not (a history from elsewhere), the user's conversation is
//! marked uncertain and only checked where the uncertainty cannot matter.

use std::collections::{BTreeMap, BTreeSet};

use crate::history::{Call, Outcome, channel_of, conversation_of, group_channel};

use super::{Kind, Ops, Sent, Sink};

/// One user's conversation in one channel, at the end and along the way.
#[derive(Debug, Clone, Default)]
pub struct UserChannel {
    pub read: u64,
    pub deleted_to: u64,
    pub cleared_to: u64,
    pub own_last: u64,
    /// Membership windows, oldest first: (first seq, last seq if left).
    pub windows: Vec<(u64, Option<u64>)>,
    /// The user has a conversation row (a message reached them, or they joined the group).
    pub exists: bool,
    pub listed: bool,
    pub archived: bool,
    /// Clears that took effect: (completed at, invoked at, watermark).
    pub clears: Vec<(u64, u64, u64)>,
    /// Deletions that took the conversation out of the list.
    pub deletions: Vec<Deletion>,
    /// An operation's effect could not be placed exactly: skip the exact checks.
    pub uncertain: bool,
}

#[derive(Debug, Clone)]
pub struct Deletion {
    pub op: u64,
    pub invoked: u64,
    pub done: u64,
    /// The last seq the deletion covered: a message above it revives the conversation.
    pub watermark: u64,
    /// The user's version the deletion left, when its answer arrived: a sync or a push at a
    /// version below it cannot have shown it.
    pub version: Option<u64>,
    pub device: String,
    pub connection_id: Option<String>,
}

impl UserChannel {
    pub fn is_member(&self) -> bool {
        self.windows.last().is_some_and(|(_, left)| left.is_none())
    }

    fn last_visible(&self, last_seq: u64) -> u64 {
        match self.windows.last() {
            Some((_, Some(left))) => (*left).min(last_seq),
            _ => last_seq,
        }
    }

    fn join(&self) -> u64 {
        self.windows.last().map_or(1, |(join, _)| *join)
    }

    pub fn unread(&self, last_seq: u64) -> u64 {
        let floor = self
            .read
            .max(self.deleted_to)
            .max(self.cleared_to)
            .max(self.own_last)
            .max(self.join().saturating_sub(1));
        self.last_visible(last_seq).saturating_sub(floor)
    }

    /// Whether the user may see `seq` (inside a window, after their cleared history).
    pub fn sees(&self, seq: u64) -> bool {
        seq > self.cleared_to && self.in_window(seq)
    }

    pub fn in_window(&self, seq: u64) -> bool {
        self.windows
            .iter()
            .any(|(first, last)| seq >= *first && last.is_none_or(|last| seq <= last))
    }

    /// The highest watermark of the clears completed before `at`.
    pub fn cleared_before(&self, at: u64) -> u64 {
        self.clears
            .iter()
            .filter(|(done, _, _)| *done < at)
            .map(|(_, _, watermark)| *watermark)
            .max()
            .unwrap_or(0)
    }
}

/// One listed conversation as the rules give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub unread: u64,
    pub archived: bool,
    pub last_seq: Option<u64>,
    pub cleared_to: u64,
    /// An operation on it could not be placed exactly: not checked.
    pub uncertain: bool,
}

/// The recomputed world.
#[derive(Debug, Default)]
pub struct Oracle {
    /// Per channel, its messages by seq.
    pub channels: BTreeMap<String, BTreeMap<u64, Sent>>,
    /// Per channel, the seqs of the group tips the server wrote (of a member who left from a
    /// client, and so from no member): messages like the others to everyone still in it.
    pub tips: BTreeMap<String, BTreeSet<u64>>,
    /// Per (uid, channel).
    pub users: BTreeMap<(String, String), UserChannel>,
}

impl Oracle {
    pub fn last_seq(&self, channel: &str) -> u64 {
        let last_sent = self
            .channels
            .get(channel)
            .and_then(|messages| messages.keys().next_back().copied());
        let last_tip = self
            .tips
            .get(channel)
            .and_then(|tips| tips.iter().next_back().copied());
        last_sent.max(last_tip).unwrap_or(0)
    }

    pub fn user(&self, uid: &str, channel: &str) -> Option<&UserChannel> {
        self.users.get(&(uid.to_owned(), channel.to_owned()))
    }

    /// The user's listed conversations at the end, as the rules give them.
    pub fn listed(&self, uid: &str) -> BTreeMap<String, Expected> {
        self.users
            .iter()
            .filter(|((user, _), state)| user == uid && state.listed)
            .map(|((_, channel), state)| {
                let last = self.last_seq(channel);
                let last_visible = self.visible(uid, channel).into_iter().next_back();
                (
                    conversation_of(uid, channel),
                    Expected {
                        unread: state.unread(last),
                        archived: state.archived,
                        last_seq: last_visible,
                        cleared_to: state.cleared_to,
                        uncertain: state.uncertain,
                    },
                )
            })
            .collect()
    }

    /// The seqs the user may read in a channel at the end.
    pub fn visible(&self, uid: &str, channel: &str) -> BTreeSet<u64> {
        let Some(state) = self.user(uid, channel) else {
            return BTreeSet::new();
        };
        (1..=self.last_seq(channel))
            .filter(|seq| state.sees(*seq))
            .collect()
    }

    /// Whether nobody may read `seq` of `channel` any more (so the server may purge it).
    pub fn invisible_to_all(&self, channel: &str, seq: u64) -> bool {
        self.users
            .iter()
            .filter(|((_, other), _)| other == channel)
            .all(|(_, state)| !state.sees(seq))
    }
}

/// Places each operation in its channel and replays every channel.
pub(crate) fn recompute(
    ops: &Ops,
    sends: &[Sent],
    tips: &BTreeMap<String, BTreeSet<u64>>,
    groups: &BTreeMap<String, Vec<String>>,
    users: &[String],
    sink: &mut Sink,
) -> Oracle {
    let mut oracle = Oracle {
        tips: tips.clone(),
        ..Oracle::default()
    };
    for sent in sends {
        oracle
            .channels
            .entry(sent.channel.clone())
            .or_default()
            .insert(sent.seq, sent.clone());
    }
    // Every pair of users may talk; every user may join every group.
    for (index, a) in users.iter().enumerate() {
        for b in &users[index + 1..] {
            let channel = channel_of(a, &format!("C2C{b}"));
            for uid in [a, b] {
                let state = oracle
                    .users
                    .entry((uid.clone(), channel.clone()))
                    .or_default();
                state.windows = vec![(1, None)];
            }
            oracle.channels.entry(channel).or_default();
        }
    }
    for (group, members) in groups {
        let channel = group_channel(group);
        oracle.channels.entry(channel.clone()).or_default();
        for uid in users {
            let state = oracle
                .users
                .entry((uid.clone(), channel.clone()))
                .or_default();
            if members.contains(uid) {
                state.windows = vec![(1, None)];
                state.exists = true;
            }
        }
    }

    // Each effective operation other than a send, at its place in its channel.
    let mut placed: BTreeMap<String, Vec<(u64, u64, u64)>> = BTreeMap::new();
    for op in ops.values() {
        // Acknowledged sends are placed by their seq; a refused one is checked where it ran.
        let refused_send = matches!(op.call, Call::Send { .. })
            && matches!(op.outcome, Some(Outcome::Refused { .. }));
        if matches!(op.call, Call::Send { .. }) && !refused_send {
            continue;
        }
        let Some(done) = op.done_entry else {
            // Never answered for sure: its effect is unknown.
            for channel in op.call.channels() {
                if let Some(state) = oracle
                    .users
                    .get_mut(&(op.call.uid().to_owned(), channel.clone()))
                {
                    state.uncertain = true;
                }
            }
            continue;
        };
        for channel in op.call.channels() {
            let messages = oracle.channels.get(&channel);
            let before = messages
                .into_iter()
                .flatten()
                .filter(|(_, sent)| sent.acked_entry < op.first_entry)
                .map(|(seq, _)| *seq)
                .max()
                .unwrap_or(0);
            let after = messages
                .into_iter()
                .flatten()
                .filter(|(_, sent)| sent.invoked_entry > done)
                .map(|(seq, _)| *seq)
                .min()
                .map_or_else(|| oracle.last_seq(&channel), |seq| seq - 1);
            // A refused send changes nothing, and sends change no membership: one that ran
            // among other sends is judged the same wherever it fell between them.
            if after != before && !refused_send {
                if let Some(state) = oracle
                    .users
                    .get_mut(&(op.call.uid().to_owned(), channel.clone()))
                {
                    state.uncertain = true;
                }
                sink.note(format!(
                    "op {} ({}) ran concurrently with sends {}..={} in {channel}",
                    op.id,
                    op.kind(),
                    before + 1,
                    after
                ));
            }
            placed
                .entry(channel)
                .or_default()
                .push((before, op.first_entry as u64, op.id));
        }
    }

    let channels: BTreeSet<String> = oracle
        .channels
        .keys()
        .chain(oracle.tips.keys())
        .cloned()
        .collect();
    for channel in channels {
        let mut at = placed.remove(&channel).unwrap_or_default();
        at.sort();
        let last = oracle.last_seq(&channel);
        let mut pending = at.into_iter().peekable();
        for seq in 0..=last {
            if seq > 0 {
                deliver(&mut oracle, &channel, seq, sink);
            }
            while let Some((_, _, op)) = pending.next_if(|(position, _, _)| *position <= seq) {
                apply(&mut oracle, &ops[&op], &channel, seq, sink);
            }
        }
        for (_, _, op) in pending {
            apply(&mut oracle, &ops[&op], &channel, last, sink);
        }
    }
    oracle
}

/// Message `seq` reaches the channel's current members. Its sender must be one of them.
fn deliver(oracle: &mut Oracle, channel: &str, seq: u64, sink: &mut Sink) {
    if oracle
        .tips
        .get(channel)
        .is_some_and(|tips| tips.contains(&seq))
    {
        for ((_, other), state) in oracle.users.iter_mut() {
            if other == channel && state.is_member() {
                state.exists = true;
                state.listed = true;
            }
        }
        return;
    }
    let Some(sent) = oracle.channels.get(channel).and_then(|m| m.get(&seq)) else {
        return;
    };
    let from = sent.from.clone();
    if let Some(sender) = oracle.users.get(&(from.clone(), channel.to_owned()))
        && !sender.is_member()
        && !sender.uncertain
    {
        sink.anomaly(
            Kind::WrongAnswer,
            format!("{from} {channel}"),
            format!(
                "{from}'s message {} was stored at seq {seq} of {channel}, but {from} was not a \
                 member then",
                sent.id
            ),
            sent.entries.clone(),
        );
    }
    for ((uid, other), state) in oracle.users.iter_mut() {
        if other != channel || !state.is_member() {
            continue;
        }
        state.exists = true;
        state.listed = true;
        if *uid == from {
            state.own_last = state.own_last.max(seq);
        }
    }
}

/// Applies one operation of `op.call.uid()` to `channel` when its last seq is `last`.
fn apply(oracle: &mut Oracle, op: &super::Op, channel: &str, last: u64, sink: &mut Sink) {
    let uid = op.call.uid().to_owned();
    let Some(state) = oracle.users.get_mut(&(uid.clone(), channel.to_owned())) else {
        return;
    };
    let outcome = op.outcome.clone().unwrap_or(Outcome::Done);
    let done = op.done_at.unwrap_or(op.first_invoke);
    let refused = matches!(outcome, Outcome::Refused { .. });
    // What the rules say the server should have answered, when it can only be one thing.
    let mut expect = |should_refuse: bool, why: &str| {
        if should_refuse != refused && !state.uncertain {
            sink.anomaly(
                Kind::WrongAnswer,
                format!("{uid} {channel}"),
                format!(
                    "op {} ({}) was answered {outcome:?}, but the rules say it {} ({why})",
                    op.id,
                    op.kind(),
                    if should_refuse {
                        "is refused"
                    } else {
                        "succeeds"
                    }
                ),
                op.entries.clone(),
            );
        }
        !refused
    };
    match &op.call {
        // Only refused sends come here.
        Call::Send { .. } => {
            expect(
                !state.is_member(),
                "only a member may send; a former member is refused",
            );
        }
        Call::Read { seq, .. } => {
            if expect(!state.listed, "reading needs the conversation in the list") {
                state.read = state.read.max((*seq).min(state.last_visible(last)));
            }
        }
        Call::Archive { .. } | Call::Unarchive { .. } => {
            if expect(
                !state.listed,
                "archiving needs the conversation in the list",
            ) {
                state.archived = matches!(op.call, Call::Archive { .. });
            }
        }
        Call::Delete {
            clear,
            device,
            connection_id,
            ..
        } => {
            if !expect(false, "deleting always succeeds") {
                return;
            }
            let visible = state.last_visible(last);
            if *clear && state.cleared_to < visible {
                state.cleared_to = visible;
                state.clears.push((done, op.first_invoke, visible));
            }
            if state.listed {
                state.deleted_to = state.deleted_to.max(visible);
                state.read = state.read.max(visible);
                state.archived = false;
                state.listed = false;
                state.deletions.push(Deletion {
                    op: op.id,
                    invoked: op.first_invoke,
                    done,
                    watermark: visible,
                    version: match outcome {
                        Outcome::Deleted { version } => Some(version),
                        _ => None,
                    },
                    device: device.clone(),
                    connection_id: connection_id.clone(),
                });
            }
        }
        Call::Leave { .. } => {
            if expect(!state.exists, "only a member, or a former one, may leave")
                && state.is_member()
                && let Some(window) = state.windows.last_mut()
            {
                window.1 = Some(last);
                // Leaving reads what was left unread.
                state.read = state.read.max(last);
            }
        }
        Call::Join { .. } => {
            if expect(false, "the app backend may add any user") && !state.is_member() {
                state.windows.push((last + 1, None));
                state.exists = true;
            }
        }
    }
}
