//! Message extensions (Tencent's `setMessageExtensions`, `getMessageExtensions`,
//! `deleteMessageExtensions`): the checks of a change, and the push to every member's devices
//! who see the message.

use natter_core::limits::{
    MAX_EXTENSION_KEY_BYTES, MAX_EXTENSION_VALUE_BYTES, MAX_EXTENSIONS_PER_CALL, refuse_nul,
};
use natter_core::wire::{self, ServerEvent};
use natter_core::{ConversationId, Error, Result, Uid};
use natter_store::message_extensions::{self, ExtensionChange, ExtensionEdit, ExtensionsChanged};

use crate::Natter;
use crate::events::{Frame, Recipients};
use crate::removal::parse_message_id;

impl Natter {
    /// `POST /v1/messages/extensions`: sets pairs; answers them as set.
    pub async fn set_message_extensions(
        &self,
        uid: &Uid,
        request: wire::SetExtensionsRequest,
    ) -> Result<wire::MessageExtensions> {
        let pairs = request.extension_list;
        check_count(pairs.len(), "extensionList")?;
        let mut keys = Vec::with_capacity(pairs.len());
        for pair in &pairs {
            check_key(&pair.key, "extensionList")?;
            if pair.value.len() > MAX_EXTENSION_VALUE_BYTES {
                return Err(Error::invalid_argument(format!(
                    "extensionList: the value of {:?} is {} bytes; at most {MAX_EXTENSION_VALUE_BYTES}",
                    pair.key,
                    pair.value.len()
                )));
            }
            refuse_nul("extensionList", &pair.value)?;
            if keys.contains(&&pair.key) {
                return Err(Error::invalid_argument(format!(
                    "extensionList: key {:?} is given twice",
                    pair.key
                )));
            }
            keys.push(&pair.key);
        }
        let edit = ExtensionEdit::Set(pairs.into_iter().map(|p| (p.key, p.value)).collect());
        let (conversation, changed) = self
            .change_extensions(uid, &request.conversation_id, &request.message_id, edit)
            .await?;
        let shown = |named: &ConversationId| wire::MessageExtensions {
            conversation_id: named.to_string(),
            message_id: changed.message_id.to_string(),
            extension_list: changed
                .changed
                .iter()
                .map(|(key, value)| wire::MessageExtension {
                    key: key.clone(),
                    value: value.clone(),
                })
                .collect(),
        };
        self.tell_viewers(&changed, |named| {
            ServerEvent::MessageExtensionsUpdated(shown(named))
        });
        Ok(shown(&conversation))
    }

    /// `POST /v1/messages/extensions/delete`: deletes keys, or every key; answers the keys
    /// deleted.
    pub async fn delete_message_extensions(
        &self,
        uid: &Uid,
        request: wire::DeleteExtensionsRequest,
    ) -> Result<wire::DeletedExtensions> {
        if let Some(keys) = &request.key_list {
            check_count(keys.len(), "keyList")?;
            for key in keys {
                check_key(key, "keyList")?;
            }
        }
        let edit = ExtensionEdit::Delete(request.key_list);
        let (conversation, changed) = self
            .change_extensions(uid, &request.conversation_id, &request.message_id, edit)
            .await?;
        let shown = |named: &ConversationId| wire::DeletedExtensions {
            conversation_id: named.to_string(),
            message_id: changed.message_id.to_string(),
            key_list: changed.changed.iter().map(|(key, _)| key.clone()).collect(),
        };
        if !changed.changed.is_empty() {
            self.tell_viewers(&changed, |named| {
                ServerEvent::MessageExtensionsDeleted(shown(named))
            });
        }
        Ok(shown(&conversation))
    }

    /// `POST /v1/messages/extensions/list`: every pair of a message the user sees.
    pub async fn message_extensions(
        &self,
        uid: &Uid,
        request: wire::ExtensionsRequest,
    ) -> Result<wire::MessageExtensions> {
        let conversation = ConversationId::parse(&request.conversation_id)?;
        let message_id = parse_message_id(&request.message_id, "messageID")?;
        let (reader, asked) = (uid.clone(), conversation.clone());
        let pairs = self
            .read_on_messages("messageID", move |db| {
                message_extensions::list(db, &reader, &asked, message_id)
            })
            .await?;
        Ok(wire::MessageExtensions {
            conversation_id: conversation.to_string(),
            message_id: message_id.to_string(),
            extension_list: pairs
                .into_iter()
                .map(|(key, value)| wire::MessageExtension { key, value })
                .collect(),
        })
    }

    async fn change_extensions(
        &self,
        uid: &Uid,
        conversation_id: &str,
        message_id: &str,
        edit: ExtensionEdit,
    ) -> Result<(ConversationId, ExtensionsChanged)> {
        let conversation = ConversationId::parse(conversation_id)?;
        let change = ExtensionChange {
            by: uid.clone(),
            conversation: conversation.clone(),
            message_id: parse_message_id(message_id, "messageID")?,
            edit,
        };
        let changed = self
            .write_on_messages("messageID", move |db| {
                message_extensions::change(db, &change)
            })
            .await?;
        Ok((conversation, changed))
    }

    /// Sends each viewer of the message the event, with the conversation as they name it.
    fn tell_viewers(
        &self,
        changed: &ExtensionsChanged,
        event: impl Fn(&ConversationId) -> ServerEvent,
    ) {
        for (viewer, named) in &changed.viewers {
            if self.events.may_be_online(viewer) {
                self.events
                    .publish(viewer, &Frame::new(event(named), None), Recipients::All);
            }
        }
    }
}

fn check_count(count: usize, field: &str) -> Result<()> {
    if count == 0 || count > MAX_EXTENSIONS_PER_CALL {
        return Err(Error::invalid_argument(format!(
            "{field}: 1 to {MAX_EXTENSIONS_PER_CALL} per call, not {count}"
        )));
    }
    Ok(())
}

fn check_key(key: &str, field: &str) -> Result<()> {
    if key.is_empty() || key.len() > MAX_EXTENSION_KEY_BYTES {
        return Err(Error::invalid_argument(format!(
            "{field}: a key is 1 to {MAX_EXTENSION_KEY_BYTES} bytes, not {}",
            key.len()
        )));
    }
    refuse_nul(field, key)
}
