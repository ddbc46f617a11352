//! The webhooks, as the app backend's receiver saw them (`msg.notify`, `msg.offline` and
//! `conversation.deleted`; `user.onlinestatus` and who counts as connected are judged in
//! [`super::connected`]), against the operations and the database: what the webhooks'
//! "Delivery guarantees" promise (docs/api-reference.md), and whom `msg.offline` names.
//!
//! - **Nothing committed is lost**: every acknowledged message and deletion reached the
//!   receiver, which took it, and the outbox ended empty;
//! - **every push owed**: each acknowledged message was pushed (`msg.offline`, taken by the
//!   receiver) to each member who never connects ([`crate::history::Setup::offline_users`]);
//!   a push names neither the message's sender nor anyone outside the channel's membership;
//! - **nothing uncommitted is sent**: every message event names a message where the database
//!   (or an acknowledged send) has it, and there are no more events of a user's deletions than
//!   attempts at them that may have been carried out;
//! - **one change, one event ID**: an event sent again keeps its ID and its content, and a
//!   request's `X-Natter-Event-Ids` names the events of its body;
//! - **in order within a channel**: a channel's messages first reach the receiver in seq order.

use std::collections::{BTreeMap, BTreeSet};

use crate::history::{Call, Event, History, Hook, Msg, Outcome, StoredChannel};

use super::oracle::Oracle;
use super::{Kind, Op, Ops, Sent, Sink, Stats, connected, stored_channels};

/// Where a delivery was seen: its entry, and its place in that request's body.
pub(super) type Seen = (usize, usize);

/// A deletion as its audit record names it: the user, the conversations, whether it cleared.
type Deletion = (String, Vec<String>, bool);

pub(super) fn check(
    history: &History,
    ops: &Ops,
    sends: &[Sent],
    oracle: &Oracle,
    stats: &mut Stats,
    sink: &mut Sink,
) {
    let deliveries = Deliveries::of(history, stats, sink);
    let outbox = history
        .entries
        .iter()
        .enumerate()
        .find_map(|(index, entry)| match entry.event {
            Event::Outbox { pending } => Some((index, pending)),
            _ => None,
        });
    let Some((outbox_entry, pending)) = outbox else {
        if deliveries.requests > 0 {
            sink.note("webhooks were received but the outbox was not read: none checked".into());
        }
        return;
    };
    if pending > 0 {
        sink.anomaly(
            Kind::LostWebhook,
            "outbox".into(),
            format!("{pending} events were still in the outbox after the run settled"),
            vec![outbox_entry],
        );
    }
    deliveries.one_event_id_each(sink);
    check_messages(history, sends, &deliveries, outbox_entry, sink);
    if history.setup.sends_webhook("msg.offline") {
        check_offline(
            history,
            sends,
            oracle,
            &deliveries,
            outbox_entry,
            stats,
            sink,
        );
    }
    let outbox = (outbox_entry, history.entries[outbox_entry].at);
    connected::check(history, sends, oracle, &deliveries, outbox, stats, sink);
    check_deletions(ops, &deliveries, outbox_entry, sink);
}

/// Every webhook request of the history, by what it carried.
#[derive(Default)]
pub(super) struct Deliveries {
    requests: usize,
    /// Each event ID, with what it carried the first time and every entry it was in.
    pub(super) events: BTreeMap<u64, (Hook, Vec<usize>)>,
    /// Where each event ID was first taken by the receiver.
    pub(super) taken: BTreeMap<u64, Seen>,
    /// Where each message's events were first taken by the receiver, by message ID.
    first_taken: BTreeMap<String, Seen>,
    /// The event IDs each message (as `msg.notify`, and as `msg.offline`) and each audit
    /// record was sent under.
    message_events: BTreeMap<String, BTreeSet<u64>>,
    offline_events: BTreeMap<String, BTreeSet<u64>>,
    audit_events: BTreeMap<u64, BTreeSet<u64>>,
    /// The users each message's taken `msg.offline` named, by message ID.
    pushed_to: BTreeMap<String, BTreeSet<String>>,
    /// The audit records taken, by user, conversations and clearing.
    deletions_taken: BTreeMap<Deletion, BTreeSet<u64>>,
}

impl Deliveries {
    fn of(history: &History, stats: &mut Stats, sink: &mut Sink) -> Self {
        let mut deliveries = Self::default();
        for (index, entry) in history.entries.iter().enumerate() {
            let Event::Webhook {
                accepted,
                header_ids,
                hooks,
            } = &entry.event
            else {
                continue;
            };
            deliveries.requests += 1;
            stats.webhook_requests += 1;
            let body_ids: Vec<u64> = hooks.iter().map(Hook::event_id).collect();
            if *header_ids != body_ids {
                sink.anomaly(
                    Kind::WebhookRenumbered,
                    "webhook request".into(),
                    format!(
                        "X-Natter-Event-Ids named {header_ids:?} for a body of events {body_ids:?}"
                    ),
                    vec![index],
                );
            }
            for (place, hook) in hooks.iter().enumerate() {
                deliveries.add(hook, (index, place), *accepted, stats, sink);
            }
        }
        deliveries
    }

    fn add(&mut self, hook: &Hook, seen: Seen, accepted: bool, stats: &mut Stats, sink: &mut Sink) {
        let event_id = hook.event_id();
        let (first, entries) = self
            .events
            .entry(event_id)
            .or_insert_with(|| (hook.clone(), Vec::new()));
        entries.push(seen.0);
        if accepted {
            self.taken.entry(event_id).or_insert(seen);
        }
        if first != hook {
            sink.anomaly(
                Kind::WebhookRenumbered,
                format!("event {event_id}"),
                format!("event {event_id} carried {first:?}, then {hook:?}"),
                entries.clone(),
            );
        }
        match hook {
            Hook::Message { message, .. } => {
                self.message_events
                    .entry(message.id.clone())
                    .or_default()
                    .insert(event_id);
                if accepted {
                    self.first_taken.entry(message.id.clone()).or_insert(seen);
                }
            }
            Hook::Offline {
                message, to_uids, ..
            } => {
                self.offline_events
                    .entry(message.id.clone())
                    .or_default()
                    .insert(event_id);
                if accepted {
                    self.pushed_to
                        .entry(message.id.clone())
                        .or_default()
                        .extend(to_uids.iter().cloned());
                }
            }
            // Judged by connection, in `connected`.
            Hook::OnlineStatus { .. } => {}
            Hook::Deleted {
                audit_id,
                uid,
                conversations,
                clear,
                ..
            } => {
                self.audit_events
                    .entry(*audit_id)
                    .or_default()
                    .insert(event_id);
                if accepted {
                    self.deletions_taken
                        .entry((uid.clone(), conversations.clone(), *clear))
                        .or_default()
                        .insert(*audit_id);
                }
            }
        }
        if accepted {
            stats.webhook_events_taken += 1;
        }
    }

    /// No message and no deletion was sent under two event IDs.
    fn one_event_id_each(&self, sink: &mut Sink) {
        let messages = self
            .message_events
            .iter()
            .map(|(id, event_ids)| (format!("message {id}"), event_ids));
        let pushes = self
            .offline_events
            .iter()
            .map(|(id, event_ids)| (format!("the push of message {id}"), event_ids));
        let deletions = self
            .audit_events
            .iter()
            .map(|(id, event_ids)| (format!("deletion {id}"), event_ids));
        for (change, event_ids) in messages.chain(pushes).chain(deletions) {
            if event_ids.len() > 1 {
                let detail = format!("{change} was sent as events {event_ids:?}");
                sink.anomaly(
                    Kind::WebhookRenumbered,
                    change,
                    detail,
                    self.entries_of(event_ids),
                );
            }
        }
    }

    /// The entries an event ID was seen in.
    fn entries_of(&self, event_ids: &BTreeSet<u64>) -> Vec<usize> {
        event_ids
            .iter()
            .filter_map(|id| self.events.get(id))
            .flat_map(|(_, entries)| entries.iter().copied())
            .collect()
    }
}

fn check_messages(
    history: &History,
    sends: &[Sent],
    deliveries: &Deliveries,
    outbox_entry: usize,
    sink: &mut Sink,
) {
    for sent in sends {
        if !deliveries.first_taken.contains_key(&sent.id) {
            sink.anomaly(
                Kind::LostWebhook,
                sent.channel.clone(),
                format!(
                    "message {} (seq {}) was acknowledged, but no msg.notify of it was taken",
                    sent.id, sent.seq
                ),
                [sent.entries.clone(), vec![outbox_entry]].concat(),
            );
        }
    }
    let stored: BTreeMap<&str, &StoredChannel> = stored_channels(history)
        .map(|channel| (channel.channel.as_str(), channel))
        .collect();
    let acked: BTreeMap<&str, &Sent> = sends.iter().map(|sent| (sent.id.as_str(), sent)).collect();
    for (event_id, (hook, entries)) in &deliveries.events {
        let (Hook::Message {
            channel, message, ..
        }
        | Hook::Offline {
            channel, message, ..
        }) = hook
        else {
            continue;
        };
        // The server's notices to a user's system conversation are outside what the run models.
        if channel.starts_with("other:") {
            continue;
        }
        if let Some(why) = unfounded(channel, message, acked.get(message.id.as_str()), &stored) {
            sink.anomaly(
                Kind::PhantomWebhook,
                channel.clone(),
                format!(
                    "event {event_id} told of message {} (seq {}): {why}",
                    message.id, message.seq
                ),
                entries.clone(),
            );
        }
    }
    // Each channel's messages, first taken in seq order.
    let mut by_channel: BTreeMap<&str, Vec<&Sent>> = BTreeMap::new();
    for sent in sends {
        by_channel.entry(&sent.channel).or_default().push(sent);
    }
    for (channel, mut sent) in by_channel {
        sent.sort_by_key(|sent| sent.seq);
        let mut latest: Option<(Seen, &Sent)> = None;
        for sent in sent {
            let Some(&seen) = deliveries.first_taken.get(&sent.id) else {
                continue;
            };
            if let Some((before, earlier)) = latest
                && before > seen
            {
                sink.anomaly(
                    Kind::WebhookOutOfOrder,
                    channel.to_owned(),
                    format!(
                        "seq {} first reached the receiver after seq {}",
                        earlier.seq, sent.seq
                    ),
                    vec![before.0, seen.0],
                );
                break;
            }
            latest = Some((seen, sent));
        }
    }
}

/// Each acknowledged message pushed to every member who never connects; no push to a message's
/// sender or to someone outside the channel at its seq.
fn check_offline(
    history: &History,
    sends: &[Sent],
    oracle: &Oracle,
    deliveries: &Deliveries,
    outbox_entry: usize,
    stats: &mut Stats,
    sink: &mut Sink,
) {
    let nobody = BTreeSet::new();
    for sent in sends {
        let pushed_to = deliveries.pushed_to.get(&sent.id).unwrap_or(&nobody);
        let owed = history.setup.offline_users.iter().filter(|uid| {
            **uid != sent.from
                && oracle
                    .user(uid, &sent.channel)
                    .is_some_and(|state| state.in_window(sent.seq))
        });
        for uid in owed {
            if !pushed_to.contains(uid) {
                sink.anomaly(
                    Kind::LostWebhook,
                    sent.channel.clone(),
                    format!(
                        "message {} (seq {}) was acknowledged, but no msg.offline taken named \
                         {uid}, who never connects",
                        sent.id, sent.seq
                    ),
                    [sent.entries.clone(), vec![outbox_entry]].concat(),
                );
            }
        }
    }
    for (event_id, (hook, entries)) in &deliveries.events {
        let Hook::Offline {
            channel,
            message,
            to_uids,
            ..
        } = hook
        else {
            continue;
        };
        if channel.starts_with("other:") {
            continue;
        }
        for uid in to_uids {
            let why = if *uid == message.from {
                Some("its own sender".to_owned())
            } else {
                match oracle.user(uid, channel) {
                    None => Some("a user outside the channel".to_owned()),
                    Some(state) if !state.uncertain && !state.in_window(message.seq) => {
                        Some("a user who was not a member at that seq".to_owned())
                    }
                    Some(_) => None,
                }
            };
            if let Some(why) = why {
                sink.anomaly(
                    Kind::PhantomWebhook,
                    channel.clone(),
                    format!(
                        "msg.offline event {event_id} of message {} (seq {}) named {uid}, {why}",
                        message.id, message.seq
                    ),
                    entries.clone(),
                );
            }
        }
    }
    stats.offline_pushes_taken = deliveries.pushed_to.len();
}

/// Why a message event names no message that was stored, if it does not.
fn unfounded(
    channel: &str,
    message: &Msg,
    acked: Option<&&Sent>,
    stored: &BTreeMap<&str, &StoredChannel>,
) -> Option<String> {
    if let Some(sent) = acked {
        return (sent.channel != channel || sent.seq != message.seq || sent.from != message.from)
            .then(|| {
                format!(
                    "it was acknowledged from {} as {} seq {}",
                    sent.from, sent.channel, sent.seq
                )
            });
    }
    if stored.is_empty() {
        return None;
    }
    let Some(held) = stored.get(channel) else {
        return Some("the database has no such channel".into());
    };
    match held.messages.iter().find(|held| held.seq == message.seq) {
        Some(held) if held == message => None,
        Some(held) => Some(format!(
            "the database holds message {} from {} there",
            held.id, held.from
        )),
        // A send without a definite answer may have stored it, and the purge taken it since.
        None if message.seq <= held.purged_to_seq => None,
        None if held.tips.contains(&message.seq) => Some("that seq holds a group tip".into()),
        None => Some(format!(
            "the database has no message at that seq (last seq {})",
            held.last_seq
        )),
    }
}

fn check_deletions(ops: &Ops, deliveries: &Deliveries, outbox_entry: usize, sink: &mut Sink) {
    // By user, conversations and clearing: the acknowledged deletions, and the attempts that
    // may have been carried out (all but those refused).
    let mut acknowledged: BTreeMap<Deletion, Vec<&Op>> = BTreeMap::new();
    let mut possible: BTreeMap<Deletion, u32> = BTreeMap::new();
    for op in ops.values() {
        let Call::Delete {
            uid,
            conversations,
            clear,
            ..
        } = &op.call
        else {
            continue;
        };
        // The audit record names each conversation once, in the order first named.
        let mut named: Vec<String> = Vec::new();
        for conversation in conversations {
            if !named.contains(conversation) {
                named.push(conversation.clone());
            }
        }
        let key = (uid.clone(), named, *clear);
        if let Some(Outcome::Deleted { .. }) = op.outcome {
            acknowledged.entry(key.clone()).or_default().push(op);
        }
        *possible.entry(key).or_default() += op.attempts - op.refusals;
    }
    for ((uid, conversations, clear), acked) in &acknowledged {
        let key = (uid.clone(), conversations.clone(), *clear);
        let taken = deliveries
            .deletions_taken
            .get(&key)
            .map_or(0, BTreeSet::len);
        if taken < acked.len() {
            let mut evidence: Vec<usize> = acked.iter().flat_map(|op| op.entries.clone()).collect();
            evidence.push(outbox_entry);
            sink.anomaly(
                Kind::LostWebhook,
                uid.clone(),
                format!(
                    "{} deletions by {uid} of {conversations:?} (clear {clear}) were acknowledged, \
                     but conversation.deleted told of {taken}",
                    acked.len()
                ),
                evidence,
            );
        }
    }
    for (key, audit_ids) in &deliveries.deletions_taken {
        let could = possible.get(key).copied().unwrap_or(0) as usize;
        if audit_ids.len() > could {
            sink.anomaly(
                Kind::PhantomWebhook,
                key.0.clone(),
                format!(
                    "{} deletions by {} of {:?} (clear {}) were told, but {could} attempts at one may have been carried out",
                    audit_ids.len(),
                    key.0,
                    key.1,
                    key.2
                ),
                deliveries.entries_of(
                    &audit_ids
                        .iter()
                        .flat_map(|id| deliveries.audit_events[id].iter().copied())
                        .collect(),
                ),
            );
        }
    }
}
