//! What a chaos run records: every invocation and completion of a client operation, everything
//! each device heard (live pushes, syncs, history fetches), the faults, and at the end the
//! server's view and the database's contents. The checker judges this record alone.
//!
//! One line of JSON per [`Entry`] (`history.jsonl`), so a failed run can be read, replayed
//! through the checker, and cut down to a counterexample.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A whole run.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct History {
    pub setup: Setup,
    pub entries: Vec<Entry>,
}

/// What existed before the first operation.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Setup {
    pub seed: u64,
    pub users: Vec<String>,
    /// Each device is `uid/flag`.
    pub devices: Vec<String>,
    /// Devices on WuKongIM's binary protocol (`uid/wukongim`): they are sent messages (as
    /// `push` entries) and nothing else, and keep no list.
    #[serde(default)]
    pub wukongim_devices: Vec<String>,
    /// Users with no device at all, who never connect: every message to them is owed a
    /// `msg.offline` naming them (the push notification). Peers and group members, never
    /// actors.
    #[serde(default)]
    pub offline_users: Vec<String>,
    /// Groups and the members they were created with (their window starts at seq 1).
    pub groups: BTreeMap<String, Vec<String>>,
    /// Deletion sync (`sync_conversation_deletion`) was on for the whole run.
    pub sync_deletion: bool,
    /// How long a push may take to reach a live connection before its absence counts, in ms.
    pub push_grace_ms: u64,
    /// The webhook events the nodes were asked to send (`--webhook-events`).
    #[serde(default)]
    pub webhook_events: Vec<String>,
}

impl Setup {
    /// Whether the nodes were asked to send webhook event `name`.
    pub fn sends_webhook(&self, name: &str) -> bool {
        self.webhook_events.iter().any(|event| event == name)
    }

    /// The users who act and the users who never connect, together.
    pub fn all_users(&self) -> Vec<String> {
        [self.users.clone(), self.offline_users.clone()].concat()
    }
}

/// One thing that happened, `at` ms after the run started (one monotonic clock).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    pub at: u64,
    #[serde(flatten)]
    pub event: Event,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Event {
    /// One attempt at an operation, sent to `node`.
    Invoke {
        op: u64,
        attempt: u32,
        node: usize,
        call: Call,
    },
    /// The answer to that attempt.
    Return {
        op: u64,
        attempt: u32,
        outcome: Outcome,
    },
    /// A device opened a WebSocket to `node`.
    Connect {
        device: String,
        session: u64,
        node: usize,
    },
    /// The first pong: from here on the session receives the user's events.
    Subscribed {
        device: String,
        session: u64,
        connection_id: String,
    },
    Push {
        device: String,
        session: u64,
        push: Push,
    },
    /// A WuKongIM connection ended with these RECVs unacknowledged (its device withheld its
    /// RECVACKs before dropping it): its node owes them to the device's next connection.
    Unacknowledged {
        device: String,
        session: u64,
        messages: Vec<Msg>,
    },
    /// The session ended: the server closed it (`code`), or the device gave up on it.
    Closed {
        device: String,
        session: u64,
        code: Option<u16>,
        reason: String,
    },
    /// `GET /v1/conversations/sync?since=`, asked at `asked_at`.
    Synced {
        device: String,
        asked_at: u64,
        since: u64,
        changes: Changes,
    },
    /// A page of history, asked at `asked_at`.
    Fetched {
        device: String,
        asked_at: u64,
        conversation: String,
        messages: Vec<Msg>,
    },
    /// `GET /v1/unread`.
    Total {
        device: String,
        total: u64,
    },
    Fault {
        fault: String,
        phase: Phase,
    },
    /// At the end, after the faults healed and the run settled: what the server shows `uid`.
    Server {
        uid: String,
        conversations: Vec<Conv>,
        total: u64,
        /// Every message the user may read, by conversation, for each conversation they ever had.
        histories: BTreeMap<String, Vec<Msg>>,
    },
    /// A request of the webhooks reached the app backend's receiver, which took it
    /// (`accepted`: it answered 2xx, or answered too late and Natter sends it again) or refused
    /// it (a fault: it answered 500).
    Webhook {
        accepted: bool,
        /// `X-Natter-Event-Ids`, which must name the events of the body, in order.
        header_ids: Vec<u64>,
        hooks: Vec<Hook>,
    },
    /// After the run settled: the events still in the webhook outbox (none, once all were
    /// delivered).
    Outbox {
        pending: u64,
    },
    /// At the very end: what the database holds.
    Stored {
        channels: Vec<StoredChannel>,
    },
}

/// One webhook event, reduced to what the checker judges.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "hook", rename_all = "camelCase")]
pub enum Hook {
    /// `msg.notify`: a message was stored.
    Message {
        event_id: u64,
        channel: String,
        message: Msg,
    },
    /// `msg.offline`: a message reached members with no connected device (`to_uids`).
    Offline {
        event_id: u64,
        channel: String,
        message: Msg,
        to_uids: Vec<String>,
    },
    /// `user.onlinestatus`: a connection of a device opened or closed (`connection_id`, the
    /// server's).
    OnlineStatus {
        event_id: u64,
        uid: String,
        device_flag: u8,
        online: bool,
        connection_id: String,
    },
    /// `conversation.deleted`: a deletion was made (`audit_id`, its audit record).
    Deleted {
        event_id: u64,
        audit_id: u64,
        uid: String,
        conversations: Vec<String>,
        clear: bool,
    },
}

impl Hook {
    pub fn event_id(&self) -> u64 {
        match self {
            Hook::Message { event_id, .. }
            | Hook::Offline { event_id, .. }
            | Hook::OnlineStatus { event_id, .. }
            | Hook::Deleted { event_id, .. } => *event_id,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum Phase {
    Start,
    End,
}

/// A client operation. Conversation IDs are as the acting user names them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "call", rename_all = "camelCase")]
pub enum Call {
    Send {
        from: String,
        conversation: String,
        client_msg_id: String,
        /// Sent by this WuKongIM device (`uid/wukongim`), each attempt a SEND on its connection
        /// of the moment, rather than through the client API.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wukongim: Option<String>,
    },
    Read {
        uid: String,
        conversation: String,
        seq: u64,
    },
    Delete {
        uid: String,
        /// The device that deleted, and its live connection if it had one (`X-Natter-Connection`).
        device: String,
        connection_id: Option<String>,
        conversations: Vec<String>,
        clear: bool,
    },
    Archive {
        uid: String,
        conversation: String,
    },
    Unarchive {
        uid: String,
        conversation: String,
    },
    Leave {
        uid: String,
        group: String,
    },
    /// `POST /channel/subscriber_add` by the app backend: joins, or rejoins after leaving.
    Join {
        uid: String,
        group: String,
    },
}

impl Call {
    /// The user whose conversations the call changes (the sender, for a send).
    pub fn uid(&self) -> &str {
        match self {
            Call::Send { from, .. } => from,
            Call::Read { uid, .. }
            | Call::Delete { uid, .. }
            | Call::Archive { uid, .. }
            | Call::Unarchive { uid, .. }
            | Call::Leave { uid, .. }
            | Call::Join { uid, .. } => uid,
        }
    }

    /// The channels the call touches.
    pub fn channels(&self) -> Vec<String> {
        let uid = self.uid();
        match self {
            Call::Send { conversation, .. }
            | Call::Read { conversation, .. }
            | Call::Archive { conversation, .. }
            | Call::Unarchive { conversation, .. } => vec![channel_of(uid, conversation)],
            Call::Delete { conversations, .. } => conversations
                .iter()
                .map(|conversation| channel_of(uid, conversation))
                .collect(),
            Call::Leave { group, .. } | Call::Join { group, .. } => vec![group_channel(group)],
        }
    }
}

/// How one attempt ended.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum Outcome {
    /// A send was stored: its message ID and seq.
    Sent {
        id: String,
        seq: u64,
    },
    /// A deletion was made; the user's version once it was.
    Deleted {
        version: u64,
    },
    Done,
    /// Refused for good (4xx): nothing changed.
    Refused {
        status: u16,
        error: String,
    },
    /// No definite answer (5xx, timeout, cut off, node gone): it may or may not have happened.
    Unknown {
        reason: String,
    },
}

impl Outcome {
    pub fn is_definite(&self) -> bool {
        !matches!(self, Outcome::Unknown { .. })
    }
}

/// A message as a client sees it (its conversation is named by whoever holds it).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Msg {
    pub seq: u64,
    pub id: String,
    pub from: String,
}

/// A conversation object, reduced to what the rules decide.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Conv {
    pub id: String,
    pub version: u64,
    pub unread: u64,
    pub last_seq: Option<u64>,
    pub archived: bool,
    /// `clearedToSeq`: the user's history was cleared up to here.
    #[serde(default)]
    pub cleared_to: u64,
}

/// A sync answer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Changes {
    pub conversations: Vec<Conv>,
    pub deleted: Vec<String>,
    pub version: u64,
    pub reset_required: bool,
}

/// A live event.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "event", rename_all = "camelCase")]
pub enum Push {
    Message {
        conversation: String,
        message: Msg,
    },
    Updated {
        conversations: Vec<Conv>,
    },
    Deleted {
        conversations: Vec<String>,
        clear: bool,
        /// The deletion's version (0 from a server that does not send one).
        #[serde(default)]
        version: u64,
    },
    Total {
        total: u64,
    },
    Resync {
        version: u64,
    },
}

/// One channel as the database holds it at the end.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StoredChannel {
    pub channel: String,
    pub last_seq: u64,
    pub purged_to_seq: u64,
    pub messages: Vec<Msg>,
    /// The seqs of the group tips the server wrote of members' changes (a leave from a client),
    /// which no send produced.
    #[serde(default)]
    pub tips: Vec<u64>,
}

/// The channel a user's conversation is in: `c2c:<a>:<b>` (uids sorted) or `group:<id>`.
pub fn channel_of(uid: &str, conversation: &str) -> String {
    if let Some(peer) = conversation.strip_prefix("C2C") {
        let (a, b) = if uid <= peer {
            (uid, peer)
        } else {
            (peer, uid)
        };
        format!("c2c:{a}:{b}")
    } else if let Some(group) = conversation.strip_prefix("GROUP") {
        group_channel(group)
    } else {
        format!("other:{conversation}")
    }
}

pub fn group_channel(group: &str) -> String {
    format!("group:{group}")
}

/// How `uid` names `channel`.
pub fn conversation_of(uid: &str, channel: &str) -> String {
    if let Some(pair) = channel.strip_prefix("c2c:") {
        let (a, b) = pair.split_once(':').unwrap_or((pair, ""));
        let peer = if a == uid { b } else { a };
        format!("C2C{peer}")
    } else if let Some(group) = channel.strip_prefix("group:") {
        format!("GROUP{group}")
    } else {
        channel.trim_start_matches("other:").to_owned()
    }
}

/// The user a device belongs to (`alice/0` → `alice`).
pub fn uid_of(device: &str) -> &str {
    device.rsplit_once('/').map_or(device, |(uid, _)| uid)
}

impl History {
    /// Reads a history written one entry per line after a first line holding the setup.
    pub fn from_jsonl(text: &str) -> Result<Self, serde_json::Error> {
        let mut lines = text.lines().filter(|line| !line.trim().is_empty());
        let setup = match lines.next() {
            Some(line) => serde_json::from_str(line)?,
            None => Setup::default(),
        };
        let entries = lines
            .map(serde_json::from_str)
            .collect::<Result<Vec<Entry>, _>>()?;
        Ok(Self { setup, entries })
    }

    pub fn to_jsonl(&self) -> String {
        let mut text = serde_json::to_string(&self.setup).expect("a setup serialises");
        text.push('\n');
        for entry in &self.entries {
            text.push_str(&serde_json::to_string(entry).expect("an entry serialises"));
            text.push('\n');
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_are_named_the_same_from_both_ends() {
        assert_eq!(channel_of("bob", "C2Calice"), channel_of("alice", "C2Cbob"));
        assert_eq!(channel_of("bob", "C2Calice"), "c2c:alice:bob");
        assert_eq!(conversation_of("alice", "c2c:alice:bob"), "C2Cbob");
        assert_eq!(conversation_of("bob", "c2c:alice:bob"), "C2Calice");
        assert_eq!(channel_of("bob", "GROUPteam"), "group:team");
        assert_eq!(conversation_of("bob", "group:team"), "GROUPteam");
        assert_eq!(uid_of("alice/1"), "alice");
    }

    #[test]
    fn a_history_survives_its_file_form() {
        let history = History {
            setup: Setup {
                seed: 7,
                users: vec!["a".into()],
                ..Setup::default()
            },
            entries: vec![Entry {
                at: 3,
                event: Event::Push {
                    device: "a/0".into(),
                    session: 1,
                    push: Push::Resync { version: 4 },
                },
            }],
        };
        assert_eq!(History::from_jsonl(&history.to_jsonl()).unwrap(), history);
    }
}
