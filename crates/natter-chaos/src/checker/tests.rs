//! The checker against recorded histories with one known anomaly each (and clean ones, which it
//! must pass).

use std::collections::BTreeMap;

use super::{Kind, Report, check};
use crate::history::*;

/// Writes small histories: users `a` and `b`, devices `a/0`, `b/0`, `b/1`, group `g`.
struct Run {
    history: History,
    op: u64,
}

fn msg(seq: u64) -> Msg {
    Msg {
        seq,
        id: format!("m{seq}"),
        from: "a".into(),
    }
}

fn conv(id: &str, version: u64, unread: u64, last_seq: u64) -> Conv {
    Conv {
        id: id.into(),
        version,
        unread,
        last_seq: Some(last_seq),
        archived: false,
        cleared_to: 0,
    }
}

impl Run {
    fn new(group: &[&str]) -> Self {
        let mut groups = BTreeMap::new();
        groups.insert(
            "g".to_owned(),
            group.iter().map(|m| m.to_string()).collect(),
        );
        Self {
            history: History {
                setup: Setup {
                    seed: 1,
                    users: vec!["a".into(), "b".into()],
                    devices: vec!["a/0".into(), "b/0".into(), "b/1".into()],
                    wukongim_devices: Vec::new(),
                    offline_users: Vec::new(),
                    groups,
                    sync_deletion: true,
                    push_grace_ms: 1000,
                    webhook_events: ["msg.notify", "msg.offline", "conversation.deleted"]
                        .map(str::to_owned)
                        .to_vec(),
                },
                entries: Vec::new(),
            },
            op: 0,
        }
    }

    fn at(&mut self, at: u64, event: Event) -> &mut Self {
        self.history.entries.push(Entry { at, event });
        self
    }

    /// An operation answered 1 ms after it was sent.
    fn op(&mut self, at: u64, call: Call, outcome: Outcome) -> &mut Self {
        self.op += 1;
        let op = self.op;
        self.at(
            at,
            Event::Invoke {
                op,
                attempt: 1,
                node: 0,
                call,
            },
        )
        .at(
            at + 1,
            Event::Return {
                op,
                attempt: 1,
                outcome,
            },
        )
    }

    fn send(&mut self, at: u64, conversation: &str, seq: u64) -> &mut Self {
        self.op(
            at,
            Call::Send {
                from: "a".into(),
                conversation: conversation.into(),
                client_msg_id: format!("c{seq}"),
                wukongim: None,
            },
            Outcome::Sent {
                id: format!("m{seq}"),
                seq,
            },
        )
    }

    fn connect(&mut self, at: u64, device: &str, session: u64) -> &mut Self {
        self.at(
            at,
            Event::Connect {
                device: device.into(),
                session,
                node: 0,
            },
        )
        .at(
            at,
            Event::Subscribed {
                device: device.into(),
                session,
                connection_id: format!("conn{session}"),
            },
        )
    }

    /// The device saw its connection `session` close.
    fn closed(&mut self, at: u64, device: &str, session: u64) -> &mut Self {
        self.at(
            at,
            Event::Closed {
                device: device.into(),
                session,
                code: None,
                reason: "dropped".into(),
            },
        )
    }

    fn fault(&mut self, at: u64, fault: &str, phase: Phase) -> &mut Self {
        self.at(
            at,
            Event::Fault {
                fault: fault.into(),
                phase,
            },
        )
    }

    fn push(&mut self, at: u64, device: &str, session: u64, push: Push) -> &mut Self {
        self.at(
            at,
            Event::Push {
                device: device.into(),
                session,
                push,
            },
        )
    }

    /// The pushes of `a`'s message `seq` to C2C `b`, on a/0 (session 2) and b/0 (session 1).
    fn delivered(&mut self, at: u64, seq: u64, version: u64) -> &mut Self {
        self.push(
            at,
            "b/0",
            1,
            Push::Message {
                conversation: "C2Ca".into(),
                message: msg(seq),
            },
        )
        .push(
            at,
            "b/0",
            1,
            Push::Updated {
                conversations: vec![conv("C2Ca", version, seq, seq)],
            },
        )
        .push(at, "b/0", 1, Push::Total { total: seq })
        .heard_by_the_sender(at, seq, version)
        .push(at, "a/0", 2, Push::Total { total: 0 })
    }

    /// The pushes of `a`'s message `seq` to a/0 (session 2): the message and the conversation.
    fn heard_by_the_sender(&mut self, at: u64, seq: u64, version: u64) -> &mut Self {
        self.push(
            at,
            "a/0",
            2,
            Push::Message {
                conversation: "C2Cb".into(),
                message: msg(seq),
            },
        )
        .push(
            at,
            "a/0",
            2,
            Push::Updated {
                conversations: vec![conv("C2Cb", version, 0, seq)],
            },
        )
    }

    /// a sends two messages to b; every device hears them.
    fn two_messages() -> Self {
        let mut run = Self::new(&["a", "b"]);
        run.connect(0, "b/0", 1)
            .connect(0, "a/0", 2)
            .send(10, "C2Cb", 1)
            .delivered(12, 1, 1)
            .send(20, "C2Cb", 2)
            .delivered(22, 2, 2);
        run
    }

    /// The server's final views and the database, as the rules say after `seqs` messages from
    /// a to b that b has not read.
    fn ends_with(&mut self, at: u64, seqs: u64, version: u64) -> &mut Self {
        let all: Vec<Msg> = (1..=seqs).map(msg).collect();
        let mut a_histories = BTreeMap::new();
        a_histories.insert("C2Cb".to_owned(), all.clone());
        let mut b_histories = BTreeMap::new();
        b_histories.insert("C2Ca".to_owned(), all.clone());
        self.at(
            at,
            Event::Server {
                uid: "a".into(),
                conversations: vec![conv("C2Cb", version, 0, seqs)],
                total: 0,
                histories: a_histories,
            },
        )
        .at(
            at,
            Event::Server {
                uid: "b".into(),
                conversations: vec![conv("C2Ca", version, seqs, seqs)],
                total: seqs,
                histories: b_histories,
            },
        )
        .at(
            at,
            Event::Stored {
                channels: vec![StoredChannel {
                    channel: "c2c:a:b".into(),
                    last_seq: seqs,
                    purged_to_seq: 0,
                    messages: all,
                    tips: Vec::new(),
                }],
            },
        )
    }

    /// The database dump that [`Run::ends_with`] recorded, to change.
    fn stored_channels(&mut self) -> &mut Vec<StoredChannel> {
        match self
            .history
            .entries
            .last_mut()
            .map(|entry| &mut entry.event)
        {
            Some(Event::Stored { channels }) => channels,
            _ => unreachable!("the run ends with its dump"),
        }
    }

    /// A webhook request of `a`'s messages to `b` (`(event ID, seq)` each), which the receiver
    /// took or refused.
    fn notified(&mut self, at: u64, accepted: bool, events: &[(u64, u64)]) -> &mut Self {
        let hooks: Vec<Hook> = events
            .iter()
            .map(|&(event_id, seq)| Hook::Message {
                event_id,
                channel: "c2c:a:b".into(),
                message: msg(seq),
            })
            .collect();
        self.at(
            at,
            Event::Webhook {
                accepted,
                header_ids: hooks.iter().map(Hook::event_id).collect(),
                hooks,
            },
        )
    }

    /// A `msg.offline` request of `a`'s message `seq` to b naming `to_uids`, which the receiver
    /// took or refused.
    fn pushed(
        &mut self,
        at: u64,
        accepted: bool,
        event_id: u64,
        seq: u64,
        to_uids: &[&str],
    ) -> &mut Self {
        self.at(
            at,
            Event::Webhook {
                accepted,
                header_ids: vec![event_id],
                hooks: vec![Hook::Offline {
                    event_id,
                    channel: "c2c:a:b".into(),
                    message: msg(seq),
                    to_uids: to_uids.iter().map(|uid| uid.to_string()).collect(),
                }],
            },
        )
    }

    /// A `user.onlinestatus` line of a JSON device's connection `connection_id`, taken.
    fn status(
        &mut self,
        at: u64,
        event_id: u64,
        device: &str,
        online: bool,
        connection_id: &str,
    ) -> &mut Self {
        let (uid, flag) = device.split_once('/').expect("uid/flag");
        self.at(
            at,
            Event::Webhook {
                accepted: true,
                header_ids: vec![event_id],
                hooks: vec![Hook::OnlineStatus {
                    event_id,
                    uid: uid.into(),
                    device_flag: flag.parse().expect("a device flag"),
                    online,
                    connection_id: connection_id.into(),
                }],
            },
        )
    }

    fn outbox(&mut self, at: u64, pending: u64) -> &mut Self {
        self.at(at, Event::Outbox { pending })
    }

    /// b deletes the conversation with a, acknowledged.
    fn b_deletes(&mut self, at: u64) -> &mut Self {
        self.op(
            at,
            Call::Delete {
                uid: "b".into(),
                device: "b/0".into(),
                connection_id: None,
                conversations: vec!["C2Ca".into()],
                clear: false,
            },
            Outcome::Deleted { version: 3 },
        )
    }

    /// A `conversation.deleted` of b's deletion (`audit_id`), taken.
    fn deletion_notified(&mut self, at: u64, event_id: u64, audit_id: u64) -> &mut Self {
        self.at(
            at,
            Event::Webhook {
                accepted: true,
                header_ids: vec![event_id],
                hooks: vec![Hook::Deleted {
                    event_id,
                    audit_id,
                    uid: "b".into(),
                    conversations: vec!["C2Ca".into()],
                    clear: false,
                }],
            },
        )
    }

    fn check(&self) -> Report {
        let report = check(&self.history);
        for anomaly in &report.anomalies {
            eprintln!("{}: {} — {}", anomaly.kind, anomaly.subject, anomaly.detail);
        }
        report
    }
}

fn kinds(report: &Report) -> Vec<Kind> {
    let mut kinds: Vec<Kind> = report.anomalies.iter().map(|a| a.kind).collect();
    kinds.dedup();
    kinds
}

#[test]
fn a_clean_history_passes() {
    let report = Run::two_messages().ends_with(5000, 2, 2).check();
    assert!(report.is_valid());
    assert_eq!(report.stats.messages, 2);
    assert!(report.stats.deliveries_checked >= 4);
}

#[test]
fn a_message_delivered_twice_on_one_connection() {
    let mut run = Run::two_messages();
    run.push(
        30,
        "b/0",
        1,
        Push::Message {
            conversation: "C2Ca".into(),
            message: msg(1),
        },
    )
    .ends_with(5000, 2, 2);
    let report = run.check();
    assert_eq!(kinds(&report), [Kind::DeliveredTwice]);
    assert_eq!(report.anomalies[0].subject, "b/0 session 1");
}

#[test]
fn an_acknowledged_message_missing_from_the_database() {
    let mut run = Run::two_messages();
    run.ends_with(5000, 2, 2);
    let channels = run.stored_channels();
    channels[0].messages.pop();
    assert_eq!(kinds(&run.check()), [Kind::LostMessage]);
}

#[test]
fn a_seq_gap() {
    let mut run = Run::two_messages();
    run.ends_with(5000, 2, 2);
    let channels = run.stored_channels();
    channels[0].last_seq = 3;
    let report = run.check();
    assert!(report.has(Kind::SeqGap));
    assert!(report.anomalies[0].detail.contains("seq 3"));
}

#[test]
fn a_group_tip_fills_its_seq_and_is_no_phantom() {
    let mut run = Run::two_messages();
    run.ends_with(5000, 2, 2);
    let channels = run.stored_channels();
    channels[0].last_seq = 3;
    channels[0].tips.push(3);
    assert!(!run.check().has(Kind::SeqGap));
}

#[test]
fn a_message_seen_before_the_join_window() {
    // b joins g after its first message: that message is not b's to see.
    let mut run = Run::new(&["a"]);
    run.connect(0, "b/0", 1)
        .send(10, "GROUPg", 1)
        .op(
            20,
            Call::Join {
                uid: "b".into(),
                group: "g".into(),
            },
            Outcome::Done,
        )
        .send(30, "GROUPg", 2)
        .at(
            40,
            Event::Fetched {
                device: "b/0".into(),
                asked_at: 39,
                conversation: "GROUPg".into(),
                messages: vec![msg(1), msg(2)],
            },
        );
    let report = run.check();
    assert!(report.has(Kind::SeenOutsideWindow));
    let seen = report
        .anomalies
        .iter()
        .find(|a| a.kind == Kind::SeenOutsideWindow)
        .unwrap();
    assert!(seen.detail.contains("GROUPg seq 1"), "{}", seen.detail);
    assert!(!seen.detail.contains("seq 2 "), "seq 2 is b's");
}

#[test]
fn a_deleted_conversation_that_comes_back_without_a_new_message() {
    let mut run = Run::two_messages();
    run.op(
        30,
        Call::Delete {
            uid: "b".into(),
            device: "b/1".into(),
            connection_id: None,
            conversations: vec!["C2Ca".into()],
            clear: false,
        },
        Outcome::Done,
    )
    .push(
        32,
        "b/0",
        1,
        Push::Deleted {
            conversations: vec!["C2Ca".into()],
            clear: false,
            // A server that does not say which version deleted it (as before `version`).
            version: 0,
        },
    )
    .push(32, "b/0", 1, Push::Total { total: 0 })
    // A late push from before the deletion, with a version the device has not seen.
    .push(
        40,
        "b/0",
        1,
        Push::Updated {
            conversations: vec![conv("C2Ca", 3, 2, 2)],
        },
    );
    let report = run.check();
    assert!(report.has(Kind::DeletedCameBack));
}

/// A sync answered at a version below a deletion's cannot show that deletion, even one begun
/// before the sync was answered: what the device learned was the earlier deletion, and a newer
/// message may bring the conversation back. (A chaos run with PostgreSQL frozen held a send
/// for seconds, and it landed between two deletions.)
#[test]
fn a_sync_shows_only_the_deletions_at_or_below_its_version() {
    let delete = || Call::Delete {
        uid: "b".into(),
        device: "b/1".into(),
        connection_id: None,
        conversations: vec!["C2Ca".into()],
        clear: false,
    };
    let mut run = Run::two_messages();
    run.op(30, delete(), Outcome::Deleted { version: 3 })
        .send(40, "C2Cb", 3);
    run.op += 1;
    let late = run.op;
    run.at(
        50,
        Event::Invoke {
            op: late,
            attempt: 1,
            node: 0,
            call: delete(),
        },
    )
    // Asked between the first deletion and the message, answered late.
    .at(
        51,
        Event::Synced {
            device: "b/0".into(),
            asked_at: 35,
            since: 2,
            changes: Changes {
                conversations: Vec::new(),
                deleted: vec!["C2Ca".into()],
                version: 3,
                reset_required: false,
            },
        },
    )
    .push(
        52,
        "b/0",
        1,
        Push::Message {
            conversation: "C2Ca".into(),
            message: msg(3),
        },
    )
    .push(
        52,
        "b/0",
        1,
        Push::Updated {
            conversations: vec![conv("C2Ca", 4, 1, 3)],
        },
    )
    .at(
        60,
        Event::Return {
            op: late,
            attempt: 1,
            outcome: Outcome::Deleted { version: 5 },
        },
    );
    let report = run.check();
    assert!(!report.has(Kind::DeletedCameBack), "{:?}", report.anomalies);
}

#[test]
fn a_wrong_unread_total() {
    let mut run = Run::two_messages();
    run.ends_with(5000, 2, 2);
    for entry in &mut run.history.entries {
        if let Event::Server { uid, total, .. } = &mut entry.event
            && uid == "b"
        {
            *total = 5;
        }
    }
    let report = run.check();
    assert!(report.has(Kind::WrongTotal));
    assert!(
        report
            .anomalies
            .iter()
            .any(|a| a.kind == Kind::WrongTotal && a.detail.contains("the rules give 2"))
    );
}

#[test]
fn a_device_that_missed_events_after_a_nats_outage() {
    let mut run = Run::two_messages();
    run.fault(100, "nats-stop", Phase::Start)
        .send(200, "C2Cb", 3)
        // a's device is on the node that took the send: it hears of it; b's hears nothing.
        .heard_by_the_sender(202, 3, 3)
        .fault(3000, "nats-stop", Phase::End)
        .ends_with(10_000, 3, 3);
    let report = run.check();
    assert!(report.has(Kind::MissedPush));
    assert!(report.has(Kind::DeviceDiverged));
    let missed = report
        .anomalies
        .iter()
        .find(|a| a.kind == Kind::MissedPush)
        .unwrap();
    assert_eq!(missed.subject, "b/0 session 1");
    assert!(missed.detail.contains("m3"));
}

/// A message acknowledged just before the node holding b's connection is paused: the node can
/// push nothing while paused, so the grace runs from the pause's end. Closed within it, the
/// connection owed nothing (the device reconnects and syncs); closed after it, it did.
#[test]
fn the_grace_to_hear_of_a_message_runs_from_the_end_of_its_nodes_pause() {
    let closed_at = |at: u64| {
        let mut run = Run::two_messages();
        run.send(200, "C2Cb", 3)
            .heard_by_the_sender(202, 3, 3)
            .fault(300, "pause node0", Phase::Start)
            .fault(2000, "pause node0", Phase::End)
            .at(
                at,
                Event::Closed {
                    device: "b/0".into(),
                    session: 1,
                    code: None,
                    reason: "the node stopped answering".into(),
                },
            )
            .ends_with(10_000, 3, 3);
        run.check()
    };
    // The fixed grace (1 s) is long past at 2.5 s, but not 1 s after the pause ended.
    assert!(!closed_at(2500).has(Kind::MissedPush));
    assert!(closed_at(3500).has(Kind::MissedPush));
}

#[test]
fn a_device_told_to_resync_after_a_nats_outage_passes() {
    let mut run = Run::two_messages();
    run.fault(100, "nats-stop", Phase::Start)
        .send(200, "C2Cb", 3)
        .heard_by_the_sender(202, 3, 3)
        .fault(900, "nats-stop", Phase::End)
        .push(1100, "b/0", 1, Push::Resync { version: 0 })
        .at(
            1101,
            Event::Closed {
                device: "b/0".into(),
                session: 1,
                code: Some(4002),
                reason: "missed events".into(),
            },
        )
        .connect(1200, "b/0", 3)
        .at(
            1210,
            Event::Synced {
                device: "b/0".into(),
                asked_at: 1205,
                since: 0,
                changes: Changes {
                    conversations: vec![conv("C2Ca", 3, 3, 3)],
                    deleted: Vec::new(),
                    version: 3,
                    reset_required: false,
                },
            },
        )
        .at(
            1220,
            Event::Fetched {
                device: "b/0".into(),
                asked_at: 1215,
                conversation: "C2Ca".into(),
                messages: vec![msg(1), msg(2), msg(3)],
            },
        )
        .at(
            1230,
            Event::Total {
                device: "b/0".into(),
                total: 3,
            },
        )
        .ends_with(10_000, 3, 3);
    let report = run.check();
    assert!(report.is_valid());
}

#[test]
fn a_message_fetched_after_its_history_was_cleared() {
    let mut run = Run::two_messages();
    run.op(
        30,
        Call::Delete {
            uid: "b".into(),
            device: "b/1".into(),
            connection_id: None,
            conversations: vec!["C2Ca".into()],
            clear: true,
        },
        Outcome::Done,
    )
    .at(
        40,
        Event::Fetched {
            device: "b/1".into(),
            asked_at: 39,
            conversation: "C2Ca".into(),
            messages: vec![msg(2)],
        },
    );
    assert!(run.check().has(Kind::SeenAfterClear));
}

#[test]
fn a_send_by_a_former_member_that_was_accepted() {
    let mut run = Run::new(&["a", "b"]);
    run.send(10, "GROUPg", 1)
        .op(
            20,
            Call::Leave {
                uid: "b".into(),
                group: "g".into(),
            },
            Outcome::Done,
        )
        .op(
            30,
            Call::Send {
                from: "b".into(),
                conversation: "GROUPg".into(),
                client_msg_id: "late".into(),
                wukongim: None,
            },
            Outcome::Sent {
                id: "m2".into(),
                seq: 2,
            },
        )
        .op(
            40,
            Call::Send {
                from: "a".into(),
                conversation: "GROUPg".into(),
                client_msg_id: "refused".into(),
                wukongim: None,
            },
            Outcome::Refused {
                status: 403,
                error: "not_a_member".into(),
            },
        );
    let report = run.check();
    let wrong: Vec<_> = report
        .anomalies
        .iter()
        .filter(|a| a.kind == Kind::WrongAnswer)
        .map(|a| a.subject.as_str())
        .collect();
    assert_eq!(
        wrong,
        ["a group:g", "b group:g"],
        "a member refused, a former one let in"
    );
}

#[test]
fn a_refused_send_among_other_sends_leaves_its_sender_checked() {
    let mut run = Run::new(&["a", "b"]);
    run.send(10, "GROUPg", 1).op(
        20,
        Call::Leave {
            uid: "b".into(),
            group: "g".into(),
        },
        Outcome::Done,
    );
    // b's refused send is still waiting for its answer while a's message is sent.
    let refused = Call::Send {
        from: "b".into(),
        conversation: "GROUPg".into(),
        client_msg_id: "refused".into(),
        wukongim: None,
    };
    run.op += 1;
    let op = run.op;
    run.at(
        30,
        Event::Invoke {
            op,
            attempt: 1,
            node: 0,
            call: refused,
        },
    )
    .send(31, "GROUPg", 2)
    .at(
        35,
        Event::Return {
            op,
            attempt: 1,
            outcome: Outcome::Refused {
                status: 403,
                error: "not_a_member".into(),
            },
        },
    )
    .op(
        40,
        Call::Send {
            from: "b".into(),
            conversation: "GROUPg".into(),
            client_msg_id: "late".into(),
            wukongim: None,
        },
        Outcome::Sent {
            id: "m3".into(),
            seq: 3,
        },
    );
    let report = run.check();
    let wrong: Vec<_> = report
        .anomalies
        .iter()
        .filter(|a| a.kind == Kind::WrongAnswer)
        .map(|a| a.subject.as_str())
        .collect();
    assert_eq!(wrong, ["b group:g"], "the late send is still caught");
}

#[test]
fn the_shrinker_keeps_the_anomaly_and_little_else() {
    let mut run = Run::two_messages();
    run.push(
        30,
        "b/0",
        1,
        Push::Message {
            conversation: "C2Ca".into(),
            message: msg(1),
        },
    )
    .ends_with(5000, 2, 2);
    let report = run.check();
    let small = crate::shrink::shrink(&run.history, &report.anomalies[0], 500);
    assert!(small.entries.len() <= 3, "{:#?}", small.entries);
    assert!(check(&small).has(Kind::DeliveredTwice));
}

#[test]
fn webhooks_taken_at_least_once_and_in_order_pass() {
    let mut run = Run::two_messages();
    run.notified(30, false, &[(1, 1), (2, 2)])
        .notified(40, true, &[(1, 1)])
        // Sent again after a timeout: the receiver de-duplicates on the event ID.
        .notified(50, true, &[(1, 1), (2, 2)])
        .outbox(60, 0)
        .ends_with(5000, 2, 2);
    let report = run.check();
    assert!(report.is_valid());
    assert_eq!(report.stats.webhook_requests, 3);
    assert_eq!(report.stats.webhook_events_taken, 3);
}

#[test]
fn an_acknowledged_message_whose_webhook_was_never_taken() {
    let mut run = Run::two_messages();
    run.notified(30, false, &[(1, 1), (2, 2)])
        .notified(40, true, &[(1, 1)])
        .outbox(60, 0)
        .ends_with(5000, 2, 2);
    let report = run.check();
    assert_eq!(kinds(&report), [Kind::LostWebhook]);
    assert_eq!(report.anomalies[0].subject, "c2c:a:b");
}

#[test]
fn events_left_in_the_outbox() {
    let mut run = Run::two_messages();
    run.notified(30, true, &[(1, 1), (2, 2)])
        .outbox(60, 1)
        .ends_with(5000, 2, 2);
    let report = run.check();
    assert_eq!(kinds(&report), [Kind::LostWebhook]);
    assert_eq!(report.anomalies[0].subject, "outbox");
}

#[test]
fn a_webhook_of_a_message_that_was_never_stored() {
    let mut run = Run::two_messages();
    run.notified(30, true, &[(1, 1), (2, 2), (3, 3)])
        .outbox(60, 0)
        .ends_with(5000, 2, 2);
    assert_eq!(kinds(&run.check()), [Kind::PhantomWebhook]);
}

#[test]
fn a_message_sent_again_under_a_new_event_id() {
    let mut run = Run::two_messages();
    run.notified(30, true, &[(1, 1), (2, 2)])
        .notified(40, true, &[(5, 2)])
        .outbox(60, 0)
        .ends_with(5000, 2, 2);
    assert_eq!(kinds(&run.check()), [Kind::WebhookRenumbered]);
}

#[test]
fn a_header_that_does_not_name_the_bodys_events() {
    let mut run = Run::two_messages();
    run.notified(30, true, &[(1, 1), (2, 2)]);
    if let Some(Event::Webhook { header_ids, .. }) =
        run.history.entries.last_mut().map(|entry| &mut entry.event)
    {
        header_ids.pop();
    }
    run.outbox(60, 0).ends_with(5000, 2, 2);
    assert_eq!(kinds(&run.check()), [Kind::WebhookRenumbered]);
}

#[test]
fn a_channels_messages_told_out_of_order() {
    let mut run = Run::two_messages();
    run.notified(30, true, &[(2, 2)])
        .notified(40, true, &[(1, 1)])
        .outbox(60, 0)
        .ends_with(5000, 2, 2);
    assert_eq!(kinds(&run.check()), [Kind::WebhookOutOfOrder]);
}

#[test]
fn deletions_are_told_once_each() {
    let told = |audit_ids: &[u64]| {
        let mut run = Run::two_messages();
        run.notified(30, true, &[(1, 1), (2, 2)]).b_deletes(40);
        for (n, audit_id) in audit_ids.iter().enumerate() {
            run.deletion_notified(50 + n as u64, 10 + n as u64, *audit_id);
        }
        run.outbox(60, 0).check()
    };
    let webhook_kinds = |report: Report| -> Vec<Kind> {
        kinds(&report)
            .into_iter()
            .filter(|kind| {
                matches!(
                    kind,
                    Kind::LostWebhook | Kind::PhantomWebhook | Kind::WebhookRenumbered
                )
            })
            .collect()
    };
    assert_eq!(webhook_kinds(told(&[7])), []);
    assert_eq!(webhook_kinds(told(&[])), [Kind::LostWebhook]);
    // One attempt, told as two deletions.
    assert_eq!(webhook_kinds(told(&[7, 8])), [Kind::PhantomWebhook]);
    // One deletion under two event IDs.
    assert_eq!(webhook_kinds(told(&[7, 7])), [Kind::WebhookRenumbered]);
}

/// A WuKongIM device (`b/wukongim`, or a's), connected from the start (session 9), sent
/// `seqs` of a's messages to b.
fn with_wukongim_device(device: &str, seqs: &[u64]) -> Run {
    let mut run = Run::two_messages();
    run.history.setup.wukongim_devices = vec![device.into()];
    let conversation = if device.starts_with("b/") {
        "C2Ca"
    } else {
        "C2Cb"
    };
    run.history.entries.insert(
        0,
        Entry {
            at: 0,
            event: Event::Connect {
                device: device.into(),
                session: 9,
                node: 0,
            },
        },
    );
    run.history.entries.insert(
        1,
        Entry {
            at: 0,
            event: Event::Subscribed {
                device: device.into(),
                session: 9,
                connection_id: "wukongim-9".into(),
            },
        },
    );
    for &seq in seqs {
        run.push(
            25 + seq,
            device,
            9,
            Push::Message {
                conversation: conversation.into(),
                message: msg(seq),
            },
        );
    }
    run
}

#[test]
fn a_wukongim_device_sent_every_message_passes_without_a_list_of_its_own() {
    let mut run = with_wukongim_device("b/wukongim", &[1, 2]);
    run.ends_with(5000, 2, 2);
    let report = run.check();
    assert!(report.is_valid());
    assert_eq!(report.stats.wukongim_sessions, 1);
    assert_eq!(report.stats.wukongim_recvs, 2);
}

#[test]
fn a_wukongim_connection_still_open_that_missed_a_message() {
    let mut run = with_wukongim_device("b/wukongim", &[1]);
    run.ends_with(5000, 2, 2);
    let report = run.check();
    assert_eq!(kinds(&report), [Kind::MissedPush]);
    assert_eq!(report.anomalies[0].subject, "b/wukongim session 9");
}

#[test]
fn a_wukongim_connection_sent_a_message_twice() {
    let mut run = with_wukongim_device("b/wukongim", &[1, 2, 2]);
    run.ends_with(5000, 2, 2);
    assert_eq!(kinds(&run.check()), [Kind::DeliveredTwice]);
}

/// WuKongIM sends no RECV of a message to the device that sent it; every other device of the
/// sender gets one.
#[test]
fn a_wukongim_device_is_not_sent_its_own_message() {
    let mut run = with_wukongim_device("a/wukongim", &[1]);
    for entry in &mut run.history.entries {
        if let Event::Invoke {
            call:
                Call::Send {
                    client_msg_id,
                    wukongim,
                    ..
                },
            ..
        } = &mut entry.event
            && client_msg_id == "c2"
        {
            *wukongim = Some("a/wukongim".into());
        }
    }
    run.ends_with(5000, 2, 2);
    assert!(run.check().is_valid());
    // Sent through the client API, it was owed to that connection too.
    let mut run = with_wukongim_device("a/wukongim", &[1]);
    run.ends_with(5000, 2, 2);
    assert_eq!(kinds(&run.check()), [Kind::MissedPush]);
}

/// [`Run::two_messages`] with b a user who never connects: no device of b's, and a's two
/// messages taken as `msg.notify`.
fn to_a_user_who_never_connects() -> Run {
    let mut run = Run::two_messages();
    let setup = &mut run.history.setup;
    setup.users = vec!["a".into()];
    setup.offline_users = vec!["b".into()];
    setup.devices = vec!["a/0".into()];
    run.history.entries.retain(|entry| {
        !matches!(
            &entry.event,
            Event::Connect { device, .. } | Event::Subscribed { device, .. } | Event::Push { device, .. }
                if device.starts_with("b/")
        )
    });
    run.notified(30, true, &[(1, 1), (2, 2)]);
    run
}

#[test]
fn every_message_to_a_user_who_never_connects_pushed_passes() {
    let mut run = to_a_user_who_never_connects();
    run.pushed(31, false, 3, 1, &["b"])
        .pushed(32, true, 3, 1, &["b"])
        .pushed(33, true, 4, 2, &["b"])
        .outbox(60, 0)
        .ends_with(5000, 2, 2);
    let report = run.check();
    assert!(report.is_valid());
    assert_eq!(report.stats.offline_pushes_taken, 2);
}

#[test]
fn a_message_to_a_user_who_never_connects_that_no_push_taken_named() {
    let mut run = to_a_user_who_never_connects();
    run.pushed(31, true, 3, 1, &["b"])
        .pushed(33, false, 4, 2, &["b"])
        .outbox(60, 0)
        .ends_with(5000, 2, 2);
    let report = run.check();
    assert_eq!(kinds(&report), [Kind::LostWebhook]);
    assert_eq!(report.anomalies[0].subject, "c2c:a:b");
    assert!(report.anomalies[0].detail.contains("seq 2"));
}

#[test]
fn a_push_naming_the_sender_or_someone_outside_the_channel() {
    for to_uids in [["b", "a"], ["b", "z"]] {
        let mut run = to_a_user_who_never_connects();
        run.pushed(31, true, 3, 1, &to_uids)
            .pushed(33, true, 4, 2, &["b"])
            .outbox(60, 0)
            .ends_with(5000, 2, 2);
        assert_eq!(kinds(&run.check()), [Kind::PhantomWebhook], "{to_uids:?}");
    }
}

#[test]
fn a_push_sent_again_under_a_new_event_id() {
    let mut run = to_a_user_who_never_connects();
    run.pushed(31, true, 3, 1, &["b"])
        .pushed(32, true, 5, 1, &["b"])
        .pushed(33, true, 4, 2, &["b"])
        .outbox(60, 0)
        .ends_with(5000, 2, 2);
    assert_eq!(kinds(&run.check()), [Kind::WebhookRenumbered]);
}

/// a's two messages to b sent 3 s after both connected, so that b's connection surely counted,
/// each taken as `msg.notify`, the first also pushed to b; with a fault from 1 to 2 s.
fn pushed_to_b_while_connected(fault: &str) -> Run {
    let mut run = Run::new(&["a", "b"]);
    run.connect(0, "b/0", 1)
        .connect(0, "a/0", 2)
        .fault(1000, fault, Phase::Start)
        .fault(2000, fault, Phase::End)
        .send(3000, "C2Cb", 1)
        .delivered(3002, 1, 1)
        .send(3100, "C2Cb", 2)
        .delivered(3102, 2, 2)
        .notified(3200, true, &[(1, 1), (2, 2)])
        .pushed(3201, true, 3, 1, &["b"])
        .outbox(3300, 0)
        .ends_with(9000, 2, 2);
    run
}

#[test]
fn a_push_to_a_member_connected_throughout_the_send() {
    let report = pushed_to_b_while_connected("client-cutoff").check();
    assert_eq!(kinds(&report), [Kind::PushedWhileConnected]);
    assert_eq!(report.anomalies[0].subject, "c2c:a:b");
    assert!(report.anomalies[0].detail.contains("seq 1"));
    assert_eq!(report.stats.connected_members_checked, 2);
}

/// A paused node may not have recorded the connection, and a database just back may not have
/// its records or the node's heartbeat yet: such a push is allowed.
#[test]
fn a_push_to_a_connected_member_after_a_fault_that_could_hide_the_connection() {
    for fault in ["pause node0", "postgres-freeze"] {
        let report = pushed_to_b_while_connected(fault).check();
        assert!(report.is_valid(), "{fault}");
        assert_eq!(report.stats.connected_members_checked, 0, "{fault}");
    }
}

/// [`Run::two_messages`] with `user.onlinestatus` sent: a/0 and b/0 connected from the start
/// (`conn2`, `conn1`), their messages' `msg.notify` taken, and `lines` added by the caller.
fn with_online_status(lines: impl FnOnce(&mut Run)) -> Report {
    let mut run = Run::two_messages();
    run.history
        .setup
        .webhook_events
        .push("user.onlinestatus".into());
    run.notified(30, true, &[(1, 1), (2, 2)]);
    lines(&mut run);
    run.outbox(70_000, 0).ends_with(80_000, 2, 2);
    run.check()
}

#[test]
fn each_connection_told_open_then_closed_once_passes() {
    let report = with_online_status(|run| {
        run.status(31, 10, "b/0", true, "conn1")
            .status(32, 11, "a/0", true, "conn2")
            .closed(100, "a/0", 2)
            .status(101, 12, "a/0", false, "conn2");
    });
    assert!(report.is_valid());
    assert_eq!(report.stats.connections_told_checked, 2);
}

#[test]
fn a_connection_never_told_open_or_never_told_closed() {
    let never_opened = with_online_status(|run| {
        run.status(32, 11, "a/0", true, "conn2");
    });
    assert_eq!(kinds(&never_opened), [Kind::LostWebhook]);
    assert_eq!(never_opened.anomalies[0].subject, "b/0");
    let never_closed = with_online_status(|run| {
        run.status(31, 10, "b/0", true, "conn1")
            .status(32, 11, "a/0", true, "conn2")
            .closed(100, "a/0", 2);
    });
    assert_eq!(kinds(&never_closed), [Kind::LostWebhook]);
    assert_eq!(never_closed.anomalies[0].subject, "a/0");
}

/// Its node killed soon after it opened, or while the store kept failing the write from its
/// opening on (even once it had closed), or while the node was catching up after a pause that
/// ended as it opened, a connection's opening may have died with the node; killed long after,
/// not.
#[test]
fn a_connection_on_a_node_killed_before_it_was_written_down_need_not_be_told_open() {
    let killed_at = |at: u64, fault: Option<(&str, u64, u64)>, closed_at: Option<u64>| {
        with_online_status(|run| {
            run.status(32, 11, "a/0", true, "conn2");
            if let Some((fault, start, end)) = fault {
                run.fault(start, fault, Phase::Start)
                    .fault(end, fault, Phase::End);
            }
            if let Some(closed) = closed_at {
                run.closed(closed, "b/0", 1);
            }
            run.fault(at, "kill node0", Phase::Start)
                .fault(at + 10, "kill node0", Phase::End);
        })
    };
    let disk_full = |until| Some(("disk-full", 35, until));
    let paused = |node, until| Some((node, 0, until));
    for (at, fault, closed_at) in [
        (40, None, None),
        (20_000, disk_full(15_000), None),
        (20_000, disk_full(15_000), Some(100)),
        (5_000, paused("pause node0", 1_500), Some(100)),
    ] {
        let report = killed_at(at, fault, closed_at);
        assert!(report.is_valid(), "killed at {at} after {fault:?}");
        assert_eq!(report.stats.connections_told_checked, 0);
    }
    for (at, fault) in [
        (20_000, None),
        (20_000, disk_full(3_000)),
        (20_000, paused("pause node0", 1_500)),
        (5_000, paused("pause node1", 1_500)),
    ] {
        let report = killed_at(at, fault, None);
        assert_eq!(
            kinds(&report),
            [Kind::LostWebhook],
            "killed at {at} after {fault:?}"
        );
        assert_eq!(report.anomalies[0].subject, "b/0");
    }
}

/// A node that answered that its database could not serve, between a connection's opening and
/// its kill, may have taken the opening with it (the write waits behind the database); another
/// node's such answer says nothing of it.
#[test]
fn a_connection_on_a_node_whose_store_refused_before_its_kill_need_not_be_told_open() {
    let refused_by = |node: usize| {
        with_online_status(|run| {
            let call = Call::Read {
                uid: "b".into(),
                conversation: "C2Ca".into(),
                seq: 0,
            };
            let reason = "503 the database did not answer in time; retry later".into();
            run.status(32, 11, "a/0", true, "conn2")
                .at(
                    3_000,
                    Event::Invoke {
                        op: 99,
                        attempt: 1,
                        node,
                        call,
                    },
                )
                .at(
                    4_000,
                    Event::Return {
                        op: 99,
                        attempt: 1,
                        outcome: Outcome::Unknown { reason },
                    },
                )
                .fault(5_000, "kill node0", Phase::Start)
                .fault(5_010, "kill node0", Phase::End);
        })
    };
    let refused_here = refused_by(0);
    assert!(refused_here.is_valid(), "{:?}", kinds(&refused_here));
    assert_eq!(refused_here.stats.connections_told_checked, 0);
    let refused_elsewhere = refused_by(1);
    assert_eq!(kinds(&refused_elsewhere), [Kind::LostWebhook]);
    assert_eq!(refused_elsewhere.anomalies[0].subject, "b/0");
}

#[test]
fn a_connection_told_twice_closed_before_opened_or_as_someone_elses() {
    let twice = with_online_status(|run| {
        run.status(31, 10, "b/0", true, "conn1")
            .status(32, 11, "a/0", true, "conn2")
            .status(33, 12, "b/0", true, "conn1");
    });
    assert_eq!(kinds(&twice), [Kind::WebhookRenumbered]);
    let closed_first = with_online_status(|run| {
        run.status(31, 10, "b/0", false, "conn1")
            .status(32, 11, "b/0", true, "conn1")
            .status(33, 12, "a/0", true, "conn2");
    });
    assert_eq!(kinds(&closed_first), [Kind::WebhookOutOfOrder]);
    let someone_elses = with_online_status(|run| {
        run.status(31, 10, "b/1", true, "conn1")
            .status(32, 11, "a/0", true, "conn2");
    });
    assert_eq!(kinds(&someone_elses), [Kind::PhantomWebhook]);
    let never_connects = with_online_status(|run| {
        run.status(31, 10, "b/0", true, "conn1")
            .status(32, 11, "a/0", true, "conn2")
            .status(33, 12, "z/0", true, "conn9");
    });
    assert_eq!(kinds(&never_connects), [Kind::PhantomWebhook]);
}

/// b's WuKongIM device got both messages on connection 9 but left the second unacknowledged
/// when it dropped the connection at 30 ms; its next connection (10, to node `next_node`,
/// from 100 ms) was sent that message again if `sent_again`; `fault` from 40 to 50 ms.
fn left_unacknowledged(next_node: usize, sent_again: bool, fault: Option<&str>) -> Report {
    let mut run = with_wukongim_device("b/wukongim", &[1, 2]);
    run.at(
        30,
        Event::Unacknowledged {
            device: "b/wukongim".into(),
            session: 9,
            messages: vec![msg(2)],
        },
    )
    .closed(30, "b/wukongim", 9);
    if let Some(fault) = fault {
        run.fault(40, fault, Phase::Start)
            .fault(50, fault, Phase::End);
    }
    run.at(
        100,
        Event::Connect {
            device: "b/wukongim".into(),
            session: 10,
            node: next_node,
        },
    )
    .at(
        100,
        Event::Subscribed {
            device: "b/wukongim".into(),
            session: 10,
            connection_id: "wukongim-10".into(),
        },
    );
    if sent_again {
        run.push(
            101,
            "b/wukongim",
            10,
            Push::Message {
                conversation: "C2Ca".into(),
                message: msg(2),
            },
        );
    }
    run.ends_with(10_000, 2, 2);
    run.check()
}

#[test]
fn recvs_left_unacknowledged_sent_again_to_the_next_connection_pass() {
    let report = left_unacknowledged(0, true, None);
    assert!(report.is_valid());
    assert_eq!(report.stats.wukongim_redeliveries_checked, 1);
}

#[test]
fn recvs_left_unacknowledged_never_sent_again() {
    let report = left_unacknowledged(0, false, None);
    assert_eq!(kinds(&report), [Kind::NotRedelivered]);
    assert_eq!(report.anomalies[0].subject, "b/wukongim session 10");
}

/// Another node does not hold them, and a killed node lost them.
#[test]
fn recvs_left_unacknowledged_are_owed_only_by_the_same_live_node() {
    for report in [
        left_unacknowledged(1, false, None),
        left_unacknowledged(0, false, Some("kill node0")),
    ] {
        assert!(report.is_valid());
        assert_eq!(report.stats.wukongim_redeliveries_checked, 0);
    }
}
