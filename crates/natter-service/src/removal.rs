//! Recalling messages (by their sender within the recall window, or by the app backend at any
//! time) and deleting messages for oneself.

use std::collections::HashSet;

use natter_core::limits::MAX_MESSAGES_PER_DELETE;
use natter_core::wire::{self, ServerEvent};
use natter_core::{ConversationId, Error, Result, Uid};
use natter_store::{Recall, Recalled, Recaller, removal};

use crate::events::{Frame, Origin, Recipients};
use crate::{Actor, Natter, now_ms, present};

impl Natter {
    /// `POST /v1/messages/revoke`: the sender recalls their message within the recall window.
    pub async fn recall_message(
        &self,
        actor: &Actor,
        conversation_id: &str,
        message_id: &str,
    ) -> Result<wire::Message> {
        let conversation = ConversationId::parse(conversation_id)?;
        let recall = Recall {
            message_id: parse_message_id(message_id, "messageID")?,
            conversation: Some(conversation.clone()),
            by: Recaller::Sender(actor.uid.clone()),
            window_ms: self.recall_window.as_millis() as i64,
            now_ms: now_ms(),
        };
        let recalled = self
            .write_on_messages("messageID", move |db| removal::recall(db, &recall))
            .await?;
        let origin = actor.origin.map(|origin| (&actor.uid, origin));
        self.announce_recall(&recalled, origin).await;
        Ok(present::message(&recalled.message, &conversation))
    }

    /// `POST /message/revoke`: the app backend recalls any message, at any time.
    pub async fn server_recall(&self, request: wire::ServerRevokeRequest) -> Result<()> {
        let name = match request.operator {
            Some(name) if name.is_empty() || name.chars().count() > 64 => {
                return Err(Error::invalid_argument(
                    "operator: 1 to 64 characters, or leave it out",
                ));
            }
            Some(name) => name,
            None => "admin".to_owned(),
        };
        if request.message_id <= 0 {
            return Err(not_a_message_id(
                "message_id",
                &request.message_id.to_string(),
            ));
        }
        let recall = Recall {
            message_id: request.message_id,
            conversation: None,
            by: Recaller::App { name },
            window_ms: i64::MAX,
            now_ms: now_ms(),
        };
        let recalled = self
            .write_on_messages("message_id", move |db| removal::recall(db, &recall))
            .await?;
        self.announce_recall(&recalled, None).await;
        Ok(())
    }

    /// Every member's devices get the stub (`messageRevoked`) and their conversation as it is
    /// now (its last message and unread count follow the recall). The recalling connection
    /// (`origin`, with its user) gets no `messageRevoked`: the answer gave it the stub.
    async fn announce_recall(&self, recalled: &Recalled, origin: Option<(&Uid, Origin)>) {
        for (uid, view) in &recalled.members {
            if !self.events.may_be_online(uid) {
                continue;
            }
            let event = ServerEvent::MessageRevoked {
                message_list: vec![present::message(&recalled.message, &view.id)],
            };
            let to = match origin {
                Some((recaller, connection)) if recaller == uid => Recipients::AllBut(connection),
                _ => Recipients::All,
            };
            self.events
                .publish(uid, &Frame::new(event, Some(view.version)), to);
            self.notify_changed(uid, std::slice::from_ref(view)).await;
        }
    }

    /// `POST /message/deleteForUser`: the server API's delete-for-me, message IDs as integers.
    pub async fn server_delete_messages(
        &self,
        actor: &Actor,
        conversation: ConversationId,
        message_ids: &[i64],
    ) -> Result<Vec<String>> {
        // The client API's IDs are checked as they are parsed (`parse_message_id`).
        if let Some(id) = message_ids.iter().find(|&&id| id <= 0) {
            return Err(not_a_message_id("message_ids", &id.to_string()));
        }
        self.delete_messages_for_me(actor, conversation, message_ids, "message_ids")
            .await
    }

    /// Removes up to 30 messages of one conversation from the actor's view, on every device,
    /// all or nothing; a failure names `field`, where the request holds the IDs. Returns the
    /// IDs removed now.
    async fn delete_messages_for_me(
        &self,
        actor: &Actor,
        conversation: ConversationId,
        message_ids: &[i64],
        field: &'static str,
    ) -> Result<Vec<String>> {
        if message_ids.is_empty() || message_ids.len() > MAX_MESSAGES_PER_DELETE {
            return Err(Error::invalid_argument(format!(
                "{field}: give 1 to {MAX_MESSAGES_PER_DELETE} messages, got {}",
                message_ids.len()
            )));
        }
        let unique: Vec<i64> = {
            let mut seen = HashSet::new();
            message_ids
                .iter()
                .copied()
                .filter(|id| seen.insert(*id))
                .collect()
        };
        let (uid, named) = (actor.uid.clone(), conversation.clone());
        let deleted = self
            .write_on_messages(field, move |db| {
                removal::delete_for_me(db, &uid, &named, &unique)
            })
            .await?;
        let ids: Vec<String> = deleted
            .message_ids
            .iter()
            .map(ToString::to_string)
            .collect();
        if !ids.is_empty() && self.events.may_be_online(&actor.uid) {
            let event = ServerEvent::MessagesDeleted {
                conversation_id: conversation.to_string(),
                message_id_list: ids.clone(),
            };
            let to = actor.origin.map_or(Recipients::All, Recipients::AllBut);
            let frame = Frame::new(event, Some(deleted.conversation.version));
            self.events.publish(&actor.uid, &frame, to);
            self.notify_changed(&actor.uid, std::slice::from_ref(&deleted.conversation))
                .await;
        }
        Ok(ids)
    }

    /// `POST /v1/messages/delete`: the client API's delete-for-me, message IDs as the client
    /// API writes them (strings).
    pub async fn delete_client_messages(
        &self,
        actor: &Actor,
        conversation_id: &str,
        message_ids: &[String],
    ) -> Result<Vec<String>> {
        let conversation = ConversationId::parse(conversation_id)?;
        let ids = message_ids
            .iter()
            .map(|id| parse_message_id(id, "messageIDList"))
            .collect::<Result<Vec<_>>>()?;
        self.delete_messages_for_me(actor, conversation, &ids, "messageIDList")
            .await
    }
}

/// A client-API message ID: the decimal text of the server's integer ID.
pub(crate) fn parse_message_id(id: &str, field: &str) -> Result<i64> {
    id.parse()
        .ok()
        .filter(|id: &i64| *id > 0)
        .ok_or_else(|| not_a_message_id(field, id))
}

/// The server gives out positive message IDs only: anything else is malformed (400), on both
/// APIs, not a message that is not there (404).
fn not_a_message_id(field: &str, id: &str) -> Error {
    Error::invalid_argument(format!("{field}: {id:?} is not a message ID"))
}
