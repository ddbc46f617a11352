//! Per-conversation settings beyond read and pin: marks, draft, custom data, remind type,
//! clearing history, marking everything read, and conversation folders.

use natter_core::limits::{
    MAX_CUSTOM_DATA_BYTES, MAX_DRAFT_BYTES, MAX_FOLDER_NAME_BYTES, refuse_nul,
};
use natter_core::rules::{RemindType, marks};
use natter_core::wire::{self, ConversationGroup, ConversationGroupList};
use natter_core::{ConversationId, Error, Result, Uid};
use natter_store::{Change, FolderChange, conversations, folders};

use crate::conversations::{invalid_mark, parse_conversation_list, parse_kind};
use crate::{Natter, now_ms, present};

impl Natter {
    /// Sets or clears one mark on 1–100 conversations, all or nothing.
    pub async fn mark_conversations(
        &self,
        uid: &Uid,
        conversation_ids: &[String],
        mark: u64,
        enable: bool,
    ) -> Result<Vec<String>> {
        if !marks::is_valid(mark) {
            return Err(invalid_mark(mark));
        }
        let (given, parsed) = parse_conversation_list(conversation_ids, "conversationIDList")?;
        self.update(uid, parsed, Change::Mark { mark, enable })
            .await?;
        Ok(given)
    }

    /// Sets the draft, kept on the server so every device sees it. A draft on a deleted
    /// conversation brings it back into the list.
    pub async fn set_draft(
        &self,
        uid: &Uid,
        conversation_id: &str,
        draft: String,
    ) -> Result<wire::Conversation> {
        if draft.len() > MAX_DRAFT_BYTES {
            return Err(Error::invalid_argument(format!(
                "draftText: {} bytes; at most {MAX_DRAFT_BYTES}",
                draft.len()
            )));
        }
        refuse_nul("draftText", &draft)?;
        let conversation = ConversationId::parse(conversation_id)?;
        let changed = self
            .update(uid, vec![conversation], Change::Draft(draft))
            .await?;
        Ok(changed
            .into_iter()
            .next()
            .expect("one conversation in, one out"))
    }

    pub async fn set_custom_data(
        &self,
        uid: &Uid,
        conversation_ids: &[String],
        custom_data: String,
    ) -> Result<Vec<String>> {
        if custom_data.len() > MAX_CUSTOM_DATA_BYTES {
            return Err(Error::invalid_argument(format!(
                "customData: {} bytes; at most {MAX_CUSTOM_DATA_BYTES}",
                custom_data.len()
            )));
        }
        refuse_nul("customData", &custom_data)?;
        let (given, parsed) = parse_conversation_list(conversation_ids, "conversationIDList")?;
        self.update(uid, parsed, Change::CustomData(custom_data))
            .await?;
        Ok(given)
    }

    /// Sets how conversations notify; muted ones (`AcceptNotNotify`, `Discard`, and
    /// `AcceptNotNotifyExceptAt`, groups only) leave the unread total. `NotReceiveMsgExceptAt`
    /// is for topics only, as Tencent's.
    pub async fn set_remind_type(
        &self,
        uid: &Uid,
        conversation_ids: &[String],
        remind_type: &str,
    ) -> Result<Vec<String>> {
        let remind = RemindType::from_name(remind_type).ok_or_else(|| {
            Error::invalid_argument(format!(
                "messageRemindType: {remind_type:?} is not one of AcceptAndNotify, \
                 AcceptNotNotify, Discard, AcceptNotNotifyExceptAt, NotReceiveMsgExceptAt"
            ))
        })?;
        let (given, parsed) = parse_conversation_list(conversation_ids, "conversationIDList")?;
        if remind == RemindType::AcceptNotNotifyExceptAt
            && let Some(other) = parsed
                .iter()
                .find(|id| !matches!(id, ConversationId::Group(_)))
        {
            return Err(Error::invalid_argument(format!(
                "messageRemindType: AcceptNotNotifyExceptAt is for group conversations, whose \
                 messages mention members; {other} is not one"
            )));
        }
        if remind == RemindType::NotReceiveExceptAt
            && let Some(other) = parsed.iter().find(|id| !id.is_topic())
        {
            return Err(Error::invalid_argument(format!(
                "messageRemindType: NotReceiveMsgExceptAt is for community topics' conversations \
                 (GROUP<topicID>), as Tencent's; {other} is not one"
            )));
        }
        self.update(uid, parsed, Change::Remind(remind)).await?;
        Ok(given)
    }

    /// Clears the history without deleting the conversation: the entry stays, with nothing
    /// unread and no last message.
    pub async fn clear_history(&self, uid: &Uid, conversation_id: &str) -> Result<()> {
        let conversation = ConversationId::parse(conversation_id)?;
        self.update(uid, vec![conversation], Change::ClearHistory)
            .await?;
        Ok(())
    }

    /// Marks every conversation of a scope read: `C2C`, `GROUP`, or `ALL` (the default).
    pub async fn mark_all_read(&self, uid: &Uid, scope: Option<&str>) -> Result<()> {
        let kind = match scope.unwrap_or("ALL") {
            "ALL" => None,
            "C2C" | "GROUP" => scope.map(parse_kind).transpose()?,
            other => {
                return Err(Error::invalid_argument(format!(
                    "scope: {other:?} is not a scope; use C2C, GROUP or ALL"
                )));
            }
        };
        let owner = uid.clone();
        let (changed, receipts) = self
            .write(move |db| conversations::mark_all_read(db, &owner, kind))
            .await?;
        self.notify_changed(uid, &changed).await;
        self.notify_receipts(&receipts).await;
        Ok(())
    }

    pub async fn conversation_groups(&self, uid: &Uid) -> Result<ConversationGroupList> {
        let owner = uid.clone();
        let folders = self.read(move |db| folders::list(db, &owner)).await?;
        Ok(ConversationGroupList {
            conversation_group_list: folders
                .into_iter()
                .map(|folder| ConversationGroup {
                    group_name: folder.name,
                    conversation_id_list: folder
                        .conversations
                        .iter()
                        .map(ToString::to_string)
                        .collect(),
                })
                .collect(),
        })
    }

    pub async fn create_conversation_group(
        &self,
        uid: &Uid,
        name: &str,
        conversation_ids: &[String],
    ) -> Result<()> {
        let conversations = if conversation_ids.is_empty() {
            Vec::new()
        } else {
            parse_conversation_list(conversation_ids, "conversationIDList")?.1
        };
        let change = FolderChange::Create {
            name: folder_name(name, "groupName")?,
            conversations,
        };
        self.change_folders(uid, change).await
    }

    pub async fn rename_conversation_group(&self, uid: &Uid, from: &str, to: &str) -> Result<()> {
        let change = FolderChange::Rename {
            from: folder_name(from, "oldName")?,
            to: folder_name(to, "newName")?,
        };
        self.change_folders(uid, change).await
    }

    pub async fn delete_conversation_group(&self, uid: &Uid, name: &str) -> Result<()> {
        let change = FolderChange::Delete {
            name: folder_name(name, "groupName")?,
        };
        self.change_folders(uid, change).await
    }

    /// Adds (`add`) or removes conversations of a folder, all or nothing.
    pub async fn set_conversation_group_members(
        &self,
        uid: &Uid,
        name: &str,
        conversation_ids: &[String],
        add: bool,
    ) -> Result<Vec<String>> {
        let name = folder_name(name, "groupName")?;
        let (given, conversations) =
            parse_conversation_list(conversation_ids, "conversationIDList")?;
        let change = if add {
            FolderChange::Add {
                name,
                conversations,
            }
        } else {
            FolderChange::Remove {
                name,
                conversations,
            }
        };
        self.change_folders(uid, change).await?;
        Ok(given)
    }

    async fn change_folders(&self, uid: &Uid, change: FolderChange) -> Result<()> {
        let (owner, now_ms) = (uid.clone(), now_ms());
        let changed = self
            .write(move |db| folders::change(db, &owner, &change, now_ms))
            .await?;
        self.notify_changed(uid, &changed).await;
        Ok(())
    }

    /// `POST /conversations/restore`: the app backend brings back a conversation a user
    /// deleted by mistake, with its read position and preferences, if its history was kept.
    pub async fn restore_deleted(
        &self,
        uid: &Uid,
        channel: &wire::ChannelRef,
    ) -> Result<wire::Conversation> {
        let conversation = ConversationId::from_channel(channel.channel_type, &channel.channel_id)?;
        let owner = uid.clone();
        let view = self
            .write(move |db| conversations::restore_deleted(db, &owner, &conversation))
            .await?;
        tracing::info!(%uid, conversation = %view.id, "conversation restored by the app backend");
        self.notify_changed(uid, std::slice::from_ref(&view)).await;
        Ok(present::conversation(view))
    }
}

/// A folder name: 1 to 32 bytes.
fn folder_name(name: &str, field: &str) -> Result<String> {
    if name.is_empty() || name.len() > MAX_FOLDER_NAME_BYTES {
        return Err(Error::invalid_argument(format!(
            "{field}: a folder name is 1 to {MAX_FOLDER_NAME_BYTES} bytes, got {}",
            name.len()
        )));
    }
    refuse_nul(field, name)?;
    Ok(name.to_owned())
}
