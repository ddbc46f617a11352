//! Turns committed changes into events for the affected users' connected devices.
//!
//! Events are built only for users with a connected device, after the change is durable. A
//! change carries each user's new unread total (the store keeps it in the same transaction),
//! so the events of a write need no read.

use natter_core::mention;
use natter_core::rules::RemindType;
use natter_core::wire::ServerEvent;
use natter_core::{ConversationId, Uid};
use natter_store::{ConversationView, Receipt, Sent, UnreadTotal};

use crate::conversation_frames::ConversationFrames;
use crate::events::{Frame, Origin, Recipients, Remote};
use crate::{Natter, present};

impl Natter {
    /// A new message: each online member gets it, their changed conversation and their new
    /// unread total.
    pub(crate) async fn notify_message(&self, sent: &Sent) {
        // Members who name the conversation alike (all of a group's) get the same event.
        let mut shared: Option<(&ConversationId, Frame)> = None;
        let mut changed = ConversationFrames::default();
        // Read only where a member receives nothing but mentions: most sends have none.
        let mentions = sent
            .recipients
            .iter()
            .any(|(_, view)| view.state.prefs.remind == RemindType::NotReceiveExceptAt)
            .then(|| mention::mentions_in(&sent.message.message_type, &sent.message.payload));
        let mentioned = |uid: &Uid| {
            mentions
                .as_ref()
                .is_some_and(|mentions| mentions.reach(uid))
        };
        for (uid, conversation) in &sent.recipients {
            if !self.events.may_be_online(uid) {
                continue;
            }
            // `Discard` (and what a topic that receives only mentions is not mentioned in): the
            // message is stored and counted in the conversation, but not pushed.
            if !conversation.state.prefs.remind.receives(mentioned(uid)) {
                self.notify_changed(uid, std::slice::from_ref(conversation))
                    .await;
                continue;
            }
            let version = Some(conversation.version);
            let frame = match &shared {
                Some((named, frame)) if **named == conversation.id => frame.with_version(version),
                _ => {
                    let received = ServerEvent::MessageReceived {
                        message_list: vec![present::message(&sent.message, &conversation.id)],
                    };
                    let frame = Frame::new(received, version);
                    shared = Some((&conversation.id, frame.clone()));
                    frame
                }
            };
            self.events.publish(uid, &frame, Recipients::All);
            // As `notify_changed` does for one conversation, its frame made by `changed`.
            if pushed(conversation) {
                let frame = changed.frame(conversation);
                self.publish_changed(uid, &frame, std::slice::from_ref(conversation))
                    .await;
            }
        }
    }

    /// Conversations changed (read, pin, archive, a message, a recall): every device of the
    /// user gets the changed ones and the new total. Only those [`pushed`].
    pub(crate) async fn notify_changed(&self, uid: &Uid, conversations: &[ConversationView]) {
        let shown: Vec<&ConversationView> =
            conversations.iter().filter(|view| pushed(view)).collect();
        if shown.is_empty() || !self.events.may_be_online(uid) {
            return;
        }
        let lowest = shown.iter().map(|view| view.version).min();
        let updated = ServerEvent::ConversationListUpdated {
            conversation_list: shown
                .into_iter()
                .map(|view| present::conversation(view.clone()))
                .collect(),
        };
        self.publish_changed(uid, &Frame::new(updated, lowest), conversations)
            .await;
    }

    /// A read gave one-to-one peers their read receipts: each peer's devices get the
    /// conversation with the new `peerReadSeq`.
    pub(crate) async fn notify_receipts(&self, receipts: &[Receipt]) {
        for receipt in receipts {
            self.notify_changed(&receipt.peer, std::slice::from_ref(&receipt.view))
                .await;
        }
    }

    /// Sends the frame of changed conversations to every device of the user, then the unread
    /// total the changes left.
    async fn publish_changed(&self, uid: &Uid, frame: &Frame, conversations: &[ConversationView]) {
        self.events.publish(uid, frame, Recipients::All);
        self.notify_total(uid, None, carried_total(conversations))
            .await;
    }

    /// Conversations were deleted from `origin` (`None`: through the server API). With the
    /// app's deletion sync on, the user's other devices are told; with it off only the device
    /// that deleted learns its new total, and the others keep their cached entries.
    pub(crate) async fn notify_deleted(
        &self,
        uid: &Uid,
        deleted: &[ConversationView],
        clear_history: bool,
        synced: bool,
        origin: Option<Origin>,
    ) {
        if deleted.is_empty() || !self.events.may_be_online(uid) {
            return;
        }
        if synced {
            // One version for the batch: its conversations got consecutive versions in one
            // transaction, so no object of any of them falls between the lowest and the highest.
            let event = ServerEvent::ConversationDeleted {
                conversation_id_list: deleted.iter().map(|view| view.id.to_string()).collect(),
                clear_history_message: clear_history,
                version: deleted.iter().map(|view| view.version).max().unwrap_or(0),
            };
            let frame = Frame::new(event, deleted.iter().map(|view| view.version).min());
            let to = origin.map_or(Recipients::All, Recipients::AllBut);
            self.events.publish(uid, &frame, to);
            self.notify_total(uid, None, carried_total(deleted)).await;
        } else if let Some(origin) = origin {
            self.notify_total(uid, Some(origin), carried_total(deleted))
                .await;
        }
    }

    /// Sends the user's unread total to all devices, or to the origin of a change only: the
    /// total the change carried, else read. The other nodes holding the user's connections
    /// read it for them (one primary-key read).
    async fn notify_total(&self, uid: &Uid, only: Option<Origin>, known: Option<UnreadTotal>) {
        self.events.forward_for(uid, || Remote::TotalChanged {
            uid: uid.clone(),
            only,
        });
        self.send_total_here(uid, only, known).await;
    }

    /// Sends the user's unread total to their connections on this node, reading it unless it
    /// is `known`. A connection already sent a newer total (of a later change whose events
    /// ran first) is not sent an older one.
    pub(crate) async fn send_total_here(
        &self,
        uid: &Uid,
        only: Option<Origin>,
        known: Option<UnreadTotal>,
    ) {
        if !self.events.is_connected_here(uid) {
            return;
        }
        let total = match known {
            Some(total) => total,
            None => match self.read_total_unread(uid).await {
                Ok(total) => total,
                Err(error) => {
                    tracing::warn!(%uid, %error, "cannot read the unread total for an event");
                    return;
                }
            },
        };
        let event = ServerEvent::TotalUnreadMessageCountUpdated {
            total_unread_count: total.total,
            version: total.version,
        };
        let to = only.map_or(Recipients::All, Recipients::Only);
        self.events
            .deliver_total_here(uid, &Frame::new(event, None), total.version, to);
    }
}

/// The unread total after the newest of these changes, if they carry it (a view that was only
/// read does not).
fn carried_total(conversations: &[ConversationView]) -> Option<UnreadTotal> {
    let newest = conversations.iter().max_by_key(|view| view.version)?;
    newest.unread_total.map(|total| UnreadTotal {
        total,
        version: newest.version,
    })
}

/// Whether a changed conversation is pushed (`conversationListUpdated`): a listed one, since a
/// device adds what the event carries to its list, so a conversation the user deleted (a recall
/// in its kept history, say) must not come back through it; and a topic's, never listed, whose
/// unread count and last message a device shows with the topic.
fn pushed(conversation: &ConversationView) -> bool {
    conversation.state.listed || conversation.id.is_topic()
}
