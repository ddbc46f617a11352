//! A device's local copy of its user's conversations, kept by the rules a client follows. The
//! harness's devices keep one to decide what to fetch; the checker replays each device's record
//! through the same rules to know what the device showed.
//!
//! The rules:
//! - a conversation object replaces the local one only if its `version` is higher than the one
//!   held, or than the deletion's (`conversationDeleted` carries it; a sync's tombstones are
//!   older than its `version`), so a stale push that arrives late changes nothing;
//! - a deletion leaves a tombstone; a conversation that comes back after one has its history
//!   reloaded;
//! - held messages at or below a conversation's `clearedToSeq` are dropped, so a clear the
//!   device missed still takes effect;
//! - messages are kept by seq and de-duplicated by ID;
//! - after a reconnect the device syncs from the version of its last sync (not from the newest
//!   version a push carried: pushes from different nodes may arrive out of version order), or
//!   lower when the server says so (`resyncRequired`);
//! - the unread total is the last one heard.

use std::collections::{BTreeMap, BTreeSet};

use crate::history::{Changes, Conv, Msg, Push};

/// One conversation on the device.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Local {
    /// `None`: deleted (a tombstone).
    pub conv: Option<Conv>,
    /// The highest version applied.
    pub version: u64,
}

#[derive(Debug, Clone, Default)]
pub struct DeviceModel {
    /// Where the next sync starts.
    pub since: u64,
    pub conversations: BTreeMap<String, Local>,
    pub messages: BTreeMap<String, BTreeMap<u64, Msg>>,
    pub total: Option<u64>,
    /// Per conversation, the seq up to which its history has been fetched.
    pub fetched_to: BTreeMap<String, u64>,
    /// Conversations whose history must be fetched (after a sync, or to reload one that came
    /// back after a deletion), with the seq to fetch up to.
    pub to_fetch: BTreeMap<String, u64>,
    /// How many times each conversation's held history was dropped: a fetch under way when it
    /// changes must start again.
    pub reloads: BTreeMap<String, u64>,
}

/// What applying something did, for the checker.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Conversations that were tombstones and are listed again.
    pub revived: Vec<Conv>,
    /// Messages this device had not held before.
    pub new_messages: Vec<(String, Msg)>,
    /// Messages that came again (same ID).
    pub repeated: Vec<(String, Msg)>,
}

impl DeviceModel {
    /// The conversations listed on the device (archived included).
    pub fn listed(&self) -> impl Iterator<Item = &Conv> {
        self.conversations
            .values()
            .filter_map(|local| local.conv.as_ref())
    }

    pub fn is_deleted(&self, conversation: &str) -> bool {
        self.conversations
            .get(conversation)
            .is_some_and(|local| local.conv.is_none())
    }

    pub fn push(&mut self, push: &Push) -> Applied {
        let mut applied = Applied::default();
        match push {
            Push::Message {
                conversation,
                message,
            } => self.hold(conversation, message, &mut applied),
            Push::Updated { conversations } => {
                for conv in conversations {
                    self.conversation(conv, &mut applied);
                }
            }
            Push::Deleted {
                conversations,
                clear,
                version,
            } => {
                for conversation in conversations {
                    self.deleted(conversation, Some(*version), *clear);
                }
            }
            Push::Total { total } => self.total = Some(*total),
            Push::Resync { version } => self.since = self.since.min(*version),
        }
        applied
    }

    /// A sync answer: changed conversations, tombstones, and the version to sync from next.
    pub fn synced(&mut self, changes: &Changes) -> Applied {
        let mut applied = Applied::default();
        if changes.reset_required {
            *self = Self::default();
            return applied;
        }
        for conv in &changes.conversations {
            self.conversation(conv, &mut applied);
            if let Some(last) = conv.last_seq
                && last > self.fetched_to.get(&conv.id).copied().unwrap_or(0)
            {
                self.to_fetch.insert(conv.id.clone(), last);
            }
        }
        for conversation in &changes.deleted {
            // Any object at or below the sync's version is older than this deletion.
            self.deleted(conversation, Some(changes.version), true);
        }
        self.since = changes.version;
        applied
    }

    /// The device deleted these itself and the server said yes, with the user's version once
    /// the deletion was made (it gets no `conversationDeleted` of its own deletion).
    pub fn deleted_here(&mut self, conversations: &[String], clear: bool, version: Option<u64>) {
        for conversation in conversations {
            self.deleted(conversation, version, clear);
        }
    }

    /// A page of history: every message it holds up to `up_to` was fetched.
    pub fn fetched(&mut self, conversation: &str, messages: &[Msg]) -> Applied {
        let mut applied = Applied::default();
        for message in messages {
            self.hold(conversation, message, &mut applied);
        }
        applied
    }

    /// The history of `conversation` is now held up to `up_to`.
    pub fn fetched_up_to(&mut self, conversation: &str, up_to: u64) {
        let fetched = self.fetched_to.entry(conversation.to_owned()).or_default();
        *fetched = (*fetched).max(up_to);
        if self
            .to_fetch
            .get(conversation)
            .is_some_and(|wanted| *wanted <= *fetched)
        {
            self.to_fetch.remove(conversation);
        }
    }

    fn hold(&mut self, conversation: &str, message: &Msg, applied: &mut Applied) {
        let held = self.messages.entry(conversation.to_owned()).or_default();
        if held.values().any(|other| other.id == message.id) {
            applied
                .repeated
                .push((conversation.to_owned(), message.clone()));
            return;
        }
        held.insert(message.seq, message.clone());
        applied
            .new_messages
            .push((conversation.to_owned(), message.clone()));
    }

    fn conversation(&mut self, conv: &Conv, applied: &mut Applied) {
        let local = self.conversations.entry(conv.id.clone()).or_default();
        if conv.version <= local.version && local.version != 0 {
            return;
        }
        let revived = local.conv.is_none() && local.version != 0;
        local.conv = Some(conv.clone());
        local.version = conv.version;
        // History cleared, perhaps while this device was away: drop what it covers.
        if let Some(held) = self.messages.get_mut(&conv.id) {
            held.retain(|seq, _| *seq > conv.cleared_to);
        }
        if revived {
            applied.revived.push(conv.clone());
            // The device cannot tell whether the history was cleared while it was deleted.
            self.messages.remove(&conv.id);
            self.fetched_to.remove(&conv.id);
            *self.reloads.entry(conv.id.clone()).or_default() += 1;
            if let Some(last) = conv.last_seq {
                self.to_fetch.insert(conv.id.clone(), last);
            }
        }
    }

    fn deleted(&mut self, conversation: &str, version: Option<u64>, clear: bool) {
        let local = self
            .conversations
            .entry(conversation.to_owned())
            .or_default();
        // Held at a newer version, the conversation came back after this deletion, whose news
        // arrived late (say queued while the connection waited for its pong, and delivered
        // after the sync that already showed it back): as the SDKs do, it stays. (Version 0:
        // a server that did not say which version deleted it.)
        if let Some(version) = version
            && version > 0
            && local.conv.is_some()
            && local.version > version
        {
            return;
        }
        local.conv = None;
        // A tombstone must outrank a revival that arrives later; version 0 would not.
        local.version = local.version.max(version.unwrap_or(0)).max(1);
        self.to_fetch.remove(conversation);
        if clear {
            self.messages.remove(conversation);
            self.fetched_to.remove(conversation);
            *self.reloads.entry(conversation.to_owned()).or_default() += 1;
        }
    }

    /// The message IDs held for a conversation.
    pub fn held(&self, conversation: &str) -> BTreeSet<(u64, String)> {
        self.messages
            .get(conversation)
            .map(|held| {
                held.values()
                    .map(|message| (message.seq, message.id.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(id: &str, version: u64, last_seq: u64) -> Conv {
        Conv {
            id: id.into(),
            version,
            unread: 1,
            last_seq: Some(last_seq),
            archived: false,
            cleared_to: 0,
        }
    }

    fn msg(seq: u64) -> Msg {
        Msg {
            seq,
            id: format!("m{seq}"),
            from: "bob".into(),
        }
    }

    #[test]
    fn a_stale_object_changes_nothing() {
        let mut device = DeviceModel::default();
        device.push(&Push::Updated {
            conversations: vec![conv("C2Cbob", 5, 2)],
        });
        device.push(&Push::Updated {
            conversations: vec![conv("C2Cbob", 4, 1)],
        });
        assert_eq!(device.listed().next().unwrap().version, 5);
    }

    #[test]
    fn a_synced_tombstone_outranks_older_objects_and_a_revival_reloads_history() {
        let mut device = DeviceModel::default();
        device.push(&Push::Message {
            conversation: "C2Cbob".into(),
            message: msg(1),
        });
        device.synced(&Changes {
            deleted: vec!["C2Cbob".into()],
            version: 9,
            ..Changes::default()
        });
        device.push(&Push::Updated {
            conversations: vec![conv("C2Cbob", 8, 1)],
        });
        assert!(device.is_deleted("C2Cbob"), "an object older than the sync");
        let applied = device.push(&Push::Updated {
            conversations: vec![conv("C2Cbob", 10, 2)],
        });
        assert_eq!(applied.revived.len(), 1);
        assert_eq!(device.to_fetch.get("C2Cbob"), Some(&2));
        assert!(device.held("C2Cbob").is_empty());
    }

    #[test]
    fn a_push_older_than_the_deletion_it_arrives_after_is_ignored() {
        let mut device = DeviceModel::default();
        device.push(&Push::Updated {
            conversations: vec![conv("C2Cbob", 5, 2)],
        });
        device.push(&Push::Deleted {
            conversations: vec!["C2Cbob".into()],
            clear: false,
            version: 8,
        });
        device.push(&Push::Updated {
            conversations: vec![conv("C2Cbob", 7, 3)],
        });
        assert!(
            device.is_deleted("C2Cbob"),
            "version 7 came before the deletion"
        );
        device.push(&Push::Updated {
            conversations: vec![conv("C2Cbob", 9, 4)],
        });
        assert!(
            !device.is_deleted("C2Cbob"),
            "a newer message brings it back"
        );
    }

    #[test]
    fn a_deletion_older_than_the_object_held_changes_nothing() {
        let mut device = DeviceModel::default();
        device.synced(&Changes {
            conversations: vec![conv("C2Cbob", 8, 3)],
            version: 9,
            ..Changes::default()
        });
        device.push(&Push::Deleted {
            conversations: vec!["C2Cbob".into()],
            clear: false,
            version: 6,
        });
        assert!(!device.is_deleted("C2Cbob"), "it came back at version 8");
        assert_eq!(device.listed().next().unwrap().version, 8);
    }

    #[test]
    fn a_clear_the_device_missed_drops_what_it_covers() {
        let mut device = DeviceModel::default();
        device.fetched("C2Cbob", &[msg(1), msg(2), msg(3)]);
        device.push(&Push::Updated {
            conversations: vec![Conv {
                cleared_to: 2,
                ..conv("C2Cbob", 9, 4)
            }],
        });
        assert_eq!(device.held("C2Cbob").len(), 1);
    }

    #[test]
    fn messages_are_held_once_and_a_resync_lowers_the_next_sync() {
        let mut device = DeviceModel::default();
        device.synced(&Changes {
            version: 7,
            ..Changes::default()
        });
        device.push(&Push::Message {
            conversation: "C2Cbob".into(),
            message: msg(1),
        });
        let again = device.fetched("C2Cbob", &[msg(1), msg(2)]);
        assert_eq!(again.repeated.len(), 1);
        assert_eq!(again.new_messages.len(), 1);
        device.push(&Push::Updated {
            conversations: vec![conv("C2Cbob", 12, 2)],
        });
        assert_eq!(device.since, 7, "pushes do not move the sync point");
        device.push(&Push::Resync { version: 3 });
        assert_eq!(device.since, 3);
    }
}
