//! Changing a message after it was sent (Tencent's `modifyMessage`): any member who can see it
//! changes its payload or its custom data, and every member's devices hear of it.

use natter_core::wire::{self, ServerEvent};
use natter_core::{ConversationId, Error, Result, mention, message};
use natter_store::{Modification, Modified, editing};

use crate::events::{Frame, Recipients};
use crate::messaging::{cloud_custom_data, compact_payload};
use crate::removal::parse_message_id;
use crate::{Actor, Natter, present};

impl Natter {
    /// `POST /v1/messages/modify`: a member changes a message of the conversation, on the
    /// version they hold; answers the message as it now is.
    pub async fn modify_message(
        &self,
        actor: &Actor,
        request: wire::ModifyMessageRequest,
    ) -> Result<wire::Message> {
        let conversation = ConversationId::parse(&request.conversation_id)?;
        let payload = match (request.message_type, request.payload) {
            (Some(message_type), Some(payload)) => {
                message::check(&message_type, &payload)?;
                mention::check(&conversation, &message_type, &payload)?;
                Some((message_type, compact_payload(&payload, "payload")?))
            }
            (None, Some(_)) => {
                return Err(Error::invalid_argument(
                    "type: give the message's type with its new payload",
                ));
            }
            (_, None) => None,
        };
        let cloud_custom_data = request
            .cloud_custom_data
            .map(cloud_custom_data)
            .transpose()?;
        if payload.is_none() && cloud_custom_data.is_none() {
            return Err(Error::invalid_argument(
                "payload, cloudCustomData: give a new payload, new custom data, or both",
            ));
        }
        let change = Modification {
            by: actor.uid.clone(),
            conversation: conversation.clone(),
            message_id: parse_message_id(&request.message_id, "messageID")?,
            payload,
            cloud_custom_data,
            version: request.version,
        };
        let payload = change.payload.as_ref().map(|(_, payload)| payload.as_str());
        let texts = [payload, change.cloud_custom_data.as_deref()];
        self.keep_linked_files(&texts.into_iter().flatten().collect::<Vec<_>>())
            .await;
        let modified = self
            .write_on_messages("messageID", move |db| editing::modify(db, &change))
            .await?;
        self.announce_modified(&modified).await;
        Ok(present::message(&modified.message, &conversation))
    }

    /// Every member's devices get the message as it now is (`messageModified`), then their
    /// conversation, which shows it when it is the last.
    async fn announce_modified(&self, modified: &Modified) {
        for (uid, view) in &modified.members {
            if !self.events.may_be_online(uid) {
                continue;
            }
            let event = ServerEvent::MessageModified {
                message_list: vec![present::message(&modified.message, &view.id)],
            };
            self.events
                .publish(uid, &Frame::new(event, Some(view.version)), Recipients::All);
            self.notify_changed(uid, std::slice::from_ref(view)).await;
        }
    }
}
