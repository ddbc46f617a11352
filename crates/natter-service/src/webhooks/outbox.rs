//! Writing events to the outbox, inside the transaction of the change that causes them: the
//! event and its change commit together or not at all.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use natter_core::mention;
use natter_core::webhook::{self, EventKind};
use natter_core::wire::{
    DeletionEvent, MessageHeader, OfflineMessage, PushText, ServerMessage, WebhookMessage,
};
use natter_core::{ConversationId, Uid};
use natter_store::{
    AuditRecord, Db, Result, Sent, StoredMessage, presence, receive_options, webhooks,
};

use crate::events::EventBus;
use crate::present;

/// The events a write recorded, to wake their senders once it commits.
pub(crate) type Written = Vec<EventKind>;

/// Writes the enabled kinds of event. Cheap to clone into a write closure.
#[derive(Debug, Clone)]
pub(crate) struct Outbox {
    enabled: [bool; EventKind::ALL.len()],
    /// On a database of its own (SQLite), this node's connections are every connection: who
    /// is online is read from memory, which spares the single writer a query per message.
    /// `None` in a cluster, where the presence table holds every node's.
    online_here: Option<Arc<EventBus>>,
}

/// What the sender asked of a message's push to its offline members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Push {
    /// Nothing: the push is the app backend's to word.
    Default,
    /// A title, text and app data for `msg.offline` to carry.
    Text(PushText),
    /// No push: no `msg.offline`.
    Disabled,
}

impl Outbox {
    pub(crate) fn new(
        enabled: [bool; EventKind::ALL.len()],
        online_here: Option<Arc<EventBus>>,
    ) -> Self {
        Self {
            enabled,
            online_here,
        }
    }

    fn is_on(&self, kind: EventKind) -> bool {
        self.enabled[kind.index()]
    }

    /// The events of a new message: `msg.notify`, and `msg.offline` when some member is to be
    /// pushed to. `to` is the conversation as the sender names it (`System` for a notice);
    /// a retry of an earlier send records nothing.
    pub(crate) fn message(
        &self,
        db: &dyn Db,
        sent: &Sent,
        to: &ConversationId,
        counts_as_unread: bool,
        push: &Push,
        now_ms: i64,
    ) -> Result<Written> {
        if sent.duplicate {
            return Ok(Written::new());
        }
        let message = shaped(&sent.message, sent, to, counts_as_unread);
        let mut events = Vec::with_capacity(2);
        if self.is_on(EventKind::MsgNotify) {
            events.push((EventKind::MsgNotify, to_json(&message)));
        }
        if self.is_on(EventKind::MsgOffline) && *push != Push::Disabled {
            let to_uids = self.offline_members(db, sent, now_ms)?;
            if !to_uids.is_empty() {
                let offline = OfflineMessage {
                    message,
                    to_uids: to_uids.iter().map(ToString::to_string).collect(),
                    offline_push_info: match push {
                        Push::Text(text) => Some(text.clone()),
                        _ => None,
                    },
                };
                events.push((EventKind::MsgOffline, to_json(&offline)));
            }
        }
        let rows: Vec<(&str, &str)> = events
            .iter()
            .map(|(kind, body)| (kind.name(), body.as_str()))
            .collect();
        webhooks::enqueue(db, &rows, now_ms)?;
        Ok(events.into_iter().map(|(kind, _)| kind).collect())
    }

    /// The members to push the message to: not its sender, not muted, not in their quiet
    /// hours (`natter_core::quiet_hours`), and with no device connected (to any live node) as
    /// the message commits.
    fn offline_members(&self, db: &dyn Db, sent: &Sent, now_ms: i64) -> Result<Vec<Uid>> {
        let mut recipients = self.unconnected_members(db, sent, now_ms)?;
        let quiet = receive_options::quiet_among(db, &recipients, now_ms / 1000)?;
        recipients.retain(|uid| !quiet.contains(uid));
        Ok(recipients)
    }

    /// The members the conversation would notify who have no device connected.
    fn unconnected_members(&self, db: &dyn Db, sent: &Sent, now_ms: i64) -> Result<Vec<Uid>> {
        let members = || {
            sent.recipients
                .iter()
                .map(|(uid, view)| (uid, view.state.prefs.remind))
        };
        let sender = sent.message.from.as_str();
        // Read only where a member is muted but for mentions: most sends have none.
        let muted_but_for_mentions = members().any(|(_, remind)| remind.heeds_mentions());
        let mentions = if muted_but_for_mentions {
            mention::mentions_in(&sent.message.message_type, &sent.message.payload)
        } else {
            mention::Mentions::default()
        };
        let mentioned = |uid: &Uid| mentions.reach(uid);
        if let Some(bus) = &self.online_here {
            return Ok(webhook::offline_recipients(
                sender,
                members(),
                mentioned,
                |uid| bus.is_connected_here(uid),
            ));
        }
        // Those the rule would push to if no one were online: only they need a presence lookup.
        let candidates = webhook::offline_recipients(sender, members(), mentioned, |_| false);
        if candidates.is_empty() {
            return Ok(candidates);
        }
        let asked: Vec<&Uid> = candidates.iter().collect();
        let online = presence::online_among(db, &asked, crate::presence::live_since(now_ms))?;
        Ok(webhook::offline_recipients(
            sender,
            members(),
            mentioned,
            |uid| online.contains(uid),
        ))
    }

    /// `conversation.deleted`: the audit record of a deletion call.
    pub(crate) fn deletion(
        &self,
        db: &dyn Db,
        audit: &AuditRecord,
        now_ms: i64,
    ) -> Result<Written> {
        if !self.is_on(EventKind::ConversationDeleted) {
            return Ok(Written::new());
        }
        let event = DeletionEvent {
            event_id: None,
            id: audit.id,
            at_ms: audit.at_ms,
            actor: audit.actor.clone(),
            uid: audit.uid.clone(),
            conversation_ids: audit.conversation_ids.clone(),
            clear_history: audit.clear_history,
            via: audit.via.clone(),
            action: audit.action.clone(),
            message_ids: audit.message_ids.clone(),
        };
        let kind = EventKind::ConversationDeleted;
        webhooks::enqueue(db, &[(kind.name(), &to_json(&event))], now_ms)?;
        Ok(vec![kind])
    }

    /// `user.onlinestatus`: one connection opened or closed.
    pub(crate) fn online_status(
        &self,
        db: &dyn Db,
        connection: &presence::Connection,
        online: bool,
        counts: presence::OnlineCounts,
        now_ms: i64,
    ) -> Result<Written> {
        if !self.is_on(EventKind::OnlineStatus) {
            return Ok(Written::new());
        }
        let line = webhook::online_status_line(
            &connection.uid,
            connection.device_flag,
            online,
            connection.connection,
            counts.device,
            counts.total,
        );
        let kind = EventKind::OnlineStatus;
        webhooks::enqueue(db, &[(kind.name(), &to_json(&line))], now_ms)?;
        Ok(vec![kind])
    }
}

fn to_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).expect("webhook bodies serialise")
}

/// A message as WuKongIM's webhooks show it: in the channel as its sender names it, or, for a
/// system notice, in the recipient's personal channel from the empty uid (WuKongIM's shape of
/// a message from its system uid).
fn shaped(
    message: &StoredMessage,
    sent: &Sent,
    to: &ConversationId,
    counts_as_unread: bool,
) -> WebhookMessage {
    let (from_uid, channel_id, channel_type) = match to {
        ConversationId::System => (
            String::new(),
            sent.recipients
                .first()
                .map(|(uid, _)| uid.to_string())
                .unwrap_or_default(),
            natter_core::ChannelKind::Personal.code(),
        ),
        _ => (
            message.from.clone(),
            present::channel_id(to),
            to.kind().code(),
        ),
    };
    WebhookMessage {
        event_id: None,
        message: ServerMessage {
            header: MessageHeader {
                no_persist: 0,
                red_dot: u8::from(counts_as_unread),
                sync_once: 0,
            },
            setting: present::wukongim_setting(message),
            message_id: message.id,
            message_idstr: message.id.to_string(),
            client_msg_no: message.client_msg_no.clone().unwrap_or_default(),
            message_seq: message.seq,
            from_uid,
            channel_id,
            channel_type,
            expire: 0,
            timestamp: message.time_ms / 1000,
            payload: BASE64.encode(message.payload.as_bytes()),
        },
        message_type: message.message_type.clone(),
    }
}
