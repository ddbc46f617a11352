//! Conversation lists: reading, changing and deleting, on both surfaces.

use std::collections::HashSet;

use natter_core::limits::MAX_CONVERSATIONS_PER_CALL;
use natter_core::rules::marks;
use natter_core::wire::{self, AuditEntry, AuditPage};
use natter_core::{ChannelKind, ConversationId, Error, ErrorKind, ListCursor, Result, Uid};
use natter_store::messaging::SYSTEM_SENDER;
use natter_store::{Change, ConversationUpdate, Deletion, ListQuery, Via, conversations};

use crate::messaging::page_size;
use crate::{Actor, Natter, now_ms, present};

/// The query of `GET /v1/conversations`.
#[derive(Debug, Clone, Default)]
pub struct ListOptions {
    pub limit: Option<u32>,
    pub cursor: Option<String>,
    /// `C2C`, `GROUP` or `@TIM#SYSTEM`.
    pub kind: Option<String>,
    pub archived: Option<bool>,
    /// Only conversations with this mark (HIDE-marked ones are listed only this way).
    pub mark: Option<u64>,
    /// Only conversations in this folder.
    pub folder: Option<String>,
    pub unread_only: Option<bool>,
}

/// What a deletion does besides taking the conversations off the list.
#[derive(Debug, Clone, Copy)]
struct DeletionScope {
    /// Clear the user's history of them up to now.
    clear_history: bool,
    /// Leave the named conversations that are not in the list untouched, their history too.
    only_listed: bool,
}

impl Natter {
    pub async fn list_conversations(
        &self,
        uid: &Uid,
        options: ListOptions,
    ) -> Result<wire::ConversationListResponse> {
        let kind = options.kind.as_deref().map(parse_kind).transpose()?;
        let after = match options.cursor.as_deref() {
            None | Some("") => None,
            Some(text) => Some(ListCursor::decode(text).ok_or_else(|| {
                Error::invalid_argument("cursor: not a cursor this server gave out")
            })?),
        };
        if let Some(mark) = options.mark
            && !marks::is_valid(mark)
        {
            return Err(invalid_mark(mark));
        }
        let query = ListQuery {
            archived: options.archived.unwrap_or(false),
            kind,
            mark: options.mark,
            folder: options.folder,
            unread_only: options.unread_only.unwrap_or(false),
            after,
            limit: page_size(options.limit)?,
        };
        let owner = uid.clone();
        let page = self
            .read(move |db| conversations::list(db, &owner, &query))
            .await?;
        Ok(wire::ConversationListResponse {
            conversation_list: page
                .conversations
                .into_iter()
                .map(present::conversation)
                .collect(),
            is_finished: page.next.is_none(),
            next_cursor: page.next.map(|cursor| cursor.encode()),
        })
    }

    pub async fn conversation(
        &self,
        uid: &Uid,
        conversation_id: &str,
    ) -> Result<wire::Conversation> {
        let conversation = ConversationId::parse(conversation_id)?;
        self.find_conversation(uid, &conversation)
            .await?
            .map(present::conversation)
            .ok_or_else(|| {
                Error::not_found(format!(
                    "conversation {conversation_id:?} is not in {uid}'s list"
                ))
            })
    }

    /// `POST /v1/conversations/delete`: deletes conversations from the actor's list (the
    /// client API clears their history unless asked not to; `only_listed` leaves those not in
    /// the list untouched). All or nothing: one malformed ID rejects the whole call. Returns the
    /// IDs as given, without duplicates, those of them that left the list, and the user's
    /// version once the deletion is made.
    pub async fn delete_conversations(
        &self,
        actor: &Actor,
        request: &wire::DeleteConversationsRequest,
    ) -> Result<wire::DeleteConversationsResponse> {
        let (given, parsed) =
            parse_conversation_list(&request.conversation_id_list, "conversationIDList")?;
        let scope = DeletionScope {
            clear_history: request.clear_history_message.unwrap_or(true),
            only_listed: request.only_listed,
        };
        let (version, removed) = self
            .delete_parsed(actor, parsed, scope, Via::Client)
            .await?;
        Ok(wire::DeleteConversationsResponse {
            conversation_id_list: given,
            removed_conversation_id_list: removed.iter().map(ToString::to_string).collect(),
            version,
        })
    }

    /// The server API's deletion of channels named WuKongIM's way (history kept unless asked
    /// to clear it).
    pub async fn delete_channels(
        &self,
        actor: &Actor,
        channels: &[wire::ChannelRef],
        clear_history: bool,
    ) -> Result<()> {
        check_count(channels.len(), "channels")?;
        let mut seen = HashSet::new();
        let mut parsed = Vec::with_capacity(channels.len());
        for (index, channel) in channels.iter().enumerate() {
            // Its message names `channel_id` or `channel_type`; in this body they are the
            // fields of one of `channels`.
            let conversation =
                ConversationId::from_channel(channel.channel_type, &channel.channel_id).map_err(
                    |error| Error {
                        message: format!("channels[{index}].{}", error.message),
                        ..error
                    },
                )?;
            if seen.insert(conversation.clone()) {
                parsed.push(conversation);
            }
        }
        let scope = DeletionScope {
            clear_history,
            only_listed: false,
        };
        self.delete_parsed(actor, parsed, scope, Via::Server)
            .await
            .map(drop)
    }

    /// Deletes the conversations named; the user's version once done, and the conversations
    /// that left the list.
    async fn delete_parsed(
        &self,
        actor: &Actor,
        conversations: Vec<ConversationId>,
        scope: DeletionScope,
        via: Via,
    ) -> Result<(u64, Vec<ConversationId>)> {
        let synced = self.settings().sync_conversation_deletion;
        let clear_history = scope.clear_history;
        let deletion = Deletion {
            uid: actor.uid.clone(),
            conversations,
            clear_history,
            only_listed: scope.only_listed,
            synced,
            actor: actor.name.clone(),
            via,
            at_ms: now_ms(),
        };
        let outbox = self.outbox();
        let (deleted, written, version) = self
            .write(move |db| {
                let deleted = conversations::delete(db, &deletion)?;
                let written = match &outbox {
                    Some(outbox) => outbox.deletion(db, &deleted.audit, now_ms())?,
                    None => Vec::new(),
                };
                let version = conversations::current_version(db, &deletion.uid)?;
                Ok((deleted.conversations, written, version))
            })
            .await?;
        self.wake_webhooks(&written);
        self.metrics.deleted(deleted.len());
        self.notify_deleted(&actor.uid, &deleted, clear_history, synced, actor.origin)
            .await;
        let removed = deleted.into_iter().map(|view| view.id).collect();
        Ok((version, removed))
    }

    pub async fn mark_read(
        &self,
        uid: &Uid,
        conversation_id: &str,
        up_to: Option<u64>,
    ) -> Result<()> {
        let conversation = ConversationId::parse(conversation_id)?;
        self.update(uid, vec![conversation], Change::MarkRead { up_to })
            .await?;
        Ok(())
    }

    /// `POST /conversations/clearUnread`: marks a channel read, up to `up_to` (default all).
    pub async fn clear_channel_unread(
        &self,
        actor: &Actor,
        channel: &wire::ChannelRef,
        up_to: Option<u64>,
    ) -> Result<()> {
        // WuKongIM's own request type sends `message_seq` 0 unless told otherwise, and its
        // server reads to the end whatever it says: 0 is "everything", as a field left out.
        let up_to = up_to.filter(|&seq| seq > 0);
        self.change_channel_unread(actor, channel, Change::MarkRead { up_to })
            .await
    }

    /// `POST /conversations/setUnread`: sets a channel's unread count (capped by the rule).
    pub async fn set_channel_unread(
        &self,
        actor: &Actor,
        channel: &wire::ChannelRef,
        unread: u64,
    ) -> Result<()> {
        self.change_channel_unread(actor, channel, Change::SetUnread(unread))
            .await
    }

    /// WuKongIM answers these two for a conversation that is not in the list yet as done, so
    /// Natter does too. There is nothing to change: such a conversation has no unread
    /// messages, and the unread rule caps what a backend may set at what the user may see.
    async fn change_channel_unread(
        &self,
        actor: &Actor,
        channel: &wire::ChannelRef,
        change: Change,
    ) -> Result<()> {
        let conversation = ConversationId::from_channel(channel.channel_type, &channel.channel_id)?;
        match self.update(&actor.uid, vec![conversation], change).await {
            Err(error) if error.kind == ErrorKind::NotFound => Ok(()),
            other => other.map(drop),
        }
    }

    pub async fn total_unread(&self, uid: &Uid) -> Result<wire::TotalUnread> {
        let total = self.read_total_unread(uid).await?;
        Ok(wire::TotalUnread {
            total_unread_count: total.total,
            version: total.version,
        })
    }

    /// `GET /v1/conversations/sync`: what changed since a version, and whose profiles changed
    /// since a profile version.
    pub async fn sync(
        &self,
        uid: &Uid,
        since: u64,
        profile_since: u64,
    ) -> Result<wire::SyncResponse> {
        let changes = self.changes_since(uid, since, Some(profile_since)).await?;
        Ok(wire::SyncResponse {
            conversation_list: changes
                .changed
                .into_iter()
                .map(present::conversation)
                .collect(),
            deleted_conversation_id_list: changes.deleted.iter().map(ToString::to_string).collect(),
            message_change_list: changes
                .messages
                .iter()
                .map(present::message_change)
                .collect(),
            version: changes.version,
            profile_version: changes.profile_clock,
            reset_required: changes.reset_required,
        })
    }

    /// Archives (`true`) or restores (`false`) conversations, all or nothing.
    pub async fn set_archived(
        &self,
        uid: &Uid,
        conversation_ids: &[String],
        archived: bool,
    ) -> Result<Vec<String>> {
        let (given, parsed) = parse_conversation_list(conversation_ids, "conversationIDList")?;
        self.update(uid, parsed, Change::Archive(archived)).await?;
        Ok(given)
    }

    pub async fn pin(
        &self,
        uid: &Uid,
        conversation_id: &str,
        pinned: bool,
    ) -> Result<wire::Conversation> {
        let conversation = ConversationId::parse(conversation_id)?;
        let changed = self
            .update(uid, vec![conversation], Change::Pin(pinned))
            .await?;
        Ok(changed
            .into_iter()
            .next()
            .expect("one conversation in, one out"))
    }

    /// Applies a change and tells the user's devices about the conversations it changed.
    pub(crate) async fn update(
        &self,
        uid: &Uid,
        conversations: Vec<ConversationId>,
        change: Change,
    ) -> Result<Vec<wire::Conversation>> {
        let update = ConversationUpdate {
            uid: uid.clone(),
            conversations,
            change,
            now_ms: now_ms(),
        };
        let (updated, receipts) = self
            .write(move |db| conversations::update(db, &update))
            .await?;
        let changed: Vec<_> = updated
            .iter()
            .filter(|updated| updated.changed)
            .map(|updated| updated.view.clone())
            .collect();
        self.notify_changed(uid, &changed).await;
        self.notify_receipts(&receipts).await;
        Ok(updated
            .into_iter()
            .map(|updated| present::conversation(updated.view))
            .collect())
    }

    /// `GET /audit/conversations`: newest first, optionally of one user, or of the app's own
    /// messages (`@TIM#SYSTEM`, the uid their recalls are audited under).
    pub async fn audit_log(
        &self,
        uid: Option<&str>,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<AuditPage> {
        let uid = match uid {
            None => None,
            Some(SYSTEM_SENDER) => Some(SYSTEM_SENDER.to_owned()),
            Some(uid) => Some(Uid::parse(uid, "uid")?.as_str().to_owned()),
        };
        let limit = page_size(limit)?;
        let before_id =
            match cursor {
                None | Some("") => None,
                // The ID of an entry, which is never below 1.
                Some(text) => Some(text.parse::<i64>().ok().filter(|&id| id > 0).ok_or_else(
                    || Error::invalid_argument("cursor: not a cursor this server gave out"),
                )?),
            };
        let mut records = self
            .read(move |db| conversations::audit_log(db, uid.as_deref(), before_id, limit + 1))
            .await?;
        let has_more = records.len() > limit as usize;
        records.truncate(limit as usize);
        Ok(AuditPage {
            next_cursor: has_more
                .then(|| records.last().map(|record| record.id.to_string()))
                .flatten(),
            entries: records
                .into_iter()
                .map(|record| AuditEntry {
                    id: record.id,
                    at_ms: record.at_ms,
                    actor: record.actor,
                    uid: record.uid,
                    conversation_ids: record.conversation_ids,
                    clear_history: record.clear_history,
                    via: record.via,
                    action: record.action,
                    message_ids: record.message_ids,
                })
                .collect(),
        })
    }
}

impl Natter {
    /// The conversation if it is in the user's list (archived included).
    pub(crate) async fn find_conversation(
        &self,
        uid: &Uid,
        conversation: &ConversationId,
    ) -> Result<Option<natter_store::ConversationView>> {
        let (uid, conversation) = (uid.clone(), conversation.clone());
        self.read(move |db| conversations::get(db, &uid, &conversation))
            .await
    }

    pub(crate) async fn read_total_unread(&self, uid: &Uid) -> Result<natter_store::UnreadTotal> {
        let uid = uid.clone();
        self.read(move |db| conversations::total_unread(db, &uid))
            .await
    }

    async fn changes_since(
        &self,
        uid: &Uid,
        since: u64,
        profile_since: Option<u64>,
    ) -> Result<natter_store::Changes> {
        let uid = uid.clone();
        self.read(move |db| conversations::changes_since(db, &uid, since, profile_since))
            .await
    }
}

pub(crate) fn parse_kind(kind: &str) -> Result<ChannelKind> {
    match kind {
        "C2C" => Ok(ChannelKind::Personal),
        "GROUP" => Ok(ChannelKind::Group),
        "@TIM#SYSTEM" => Ok(ChannelKind::System),
        other => Err(Error::invalid_argument(format!(
            "type: {other:?} is not a conversation type; use C2C, GROUP or @TIM#SYSTEM"
        ))),
    }
}

pub(crate) fn invalid_mark(mark: u64) -> Error {
    Error::invalid_argument(format!(
        "markType: {mark} is not a mark; use 1 (STAR), 2 (UNREAD), 4 (FOLD), 8 (HIDE) or a \
         custom 2^n with 32 <= n < 64"
    ))
}

fn check_count(count: usize, field: &str) -> Result<()> {
    if count == 0 {
        return Err(Error::invalid_argument(format!(
            "{field}: is empty; give 1 to 100"
        )));
    }
    if count > MAX_CONVERSATIONS_PER_CALL {
        return Err(Error::new(
            ErrorKind::TooManyConversations,
            format!("{field}: {count} given; at most {MAX_CONVERSATIONS_PER_CALL} per call"),
        ));
    }
    Ok(())
}

/// Parses a list of 1–100 conversation IDs, all or nothing, dropping repeats. Returns the IDs
/// as given (first occurrence of each) beside their parsed form.
pub(crate) fn parse_conversation_list(
    ids: &[String],
    field: &str,
) -> Result<(Vec<String>, Vec<ConversationId>)> {
    check_count(ids.len(), field)?;
    let mut seen = HashSet::new();
    let mut given = Vec::with_capacity(ids.len());
    let mut parsed = Vec::with_capacity(ids.len());
    for id in ids {
        let conversation = ConversationId::parse(id)?;
        if seen.insert(conversation.clone()) {
            given.push(id.clone());
            parsed.push(conversation);
        }
    }
    Ok((given, parsed))
}
