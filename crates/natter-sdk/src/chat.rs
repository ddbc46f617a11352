//! A device's client: the client API with the reference chat SDKs' calls.

use natter_core::limits::MAX_CONVERSATIONS_PER_CALL;
use natter_core::wire::{
    Conversation, ConversationGroup, ConversationGroupList, ConversationGroupRequest,
    ConversationIdList, ConversationListResponse, CustomDataRequest, DeleteConversationsRequest,
    DeleteMessagesRequest, DraftRequest, Group, MarkRequest, Message, MessageIdList,
    MessageListResponse, PinRequest, Profile, ProfileList, ProfilesRequest, ReadAllRequest,
    ReadRequest, RemindTypeRequest, RenameConversationGroupRequest, RevokeMessageRequest,
    SendMessageRequest, SendMessageResponse, SyncResponse, TotalUnread,
};
use serde_json::Value;

use crate::events::EventStream;
use crate::http::{Http, path_segment};
use crate::{Error, Result};

/// Which conversations [`Chat::conversation_list`] returns.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// `C2C`, `GROUP` or `@TIM#SYSTEM`.
    pub kind: Option<String>,
    /// The archived conversations instead of the default list.
    pub archived: bool,
    /// Only conversations with this mark (HIDE-marked ones are listed only this way).
    pub mark: Option<u64>,
    /// Only conversations in this folder.
    pub folder: Option<String>,
    /// Only conversations with unread messages.
    pub unread_only: bool,
}

/// One logged-in device.
#[derive(Debug, Clone)]
pub struct Chat {
    http: Http,
    token: String,
}

impl Chat {
    /// A client for `server_url` (`http://127.0.0.1:5001`) with a user token from
    /// `POST /user/token`.
    pub fn login(server_url: &str, token: &str) -> Self {
        Self {
            http: Http::new(server_url, ("authorization", format!("Bearer {token}"))),
            token: token.to_owned(),
        }
    }

    /// Sends an app-defined payload (a `TIMCustomElem` message).
    pub async fn send_message(
        &self,
        conversation_id: &str,
        payload: Value,
        client_msg_id: Option<&str>,
    ) -> Result<Message> {
        self.send(SendMessageRequest {
            conversation_id: conversation_id.to_owned(),
            message_type: None,
            payload,
            client_msg_id: client_msg_id.map(str::to_owned),
            cloud_custom_data: None,
            online_user_only: false,
            need_read_receipt: false,
            offline_push_info: None,
            excluded_from_unread_count: false,
            receiver_list: None,
            excluded_from_last_message: false,
        })
        .await
    }

    /// Sends a text message (`TIMTextElem`, payload `{text}`).
    pub async fn send_text(&self, conversation_id: &str, text: &str) -> Result<Message> {
        self.send(SendMessageRequest {
            conversation_id: conversation_id.to_owned(),
            message_type: Some(natter_core::message::TEXT.to_owned()),
            payload: serde_json::json!({ "text": text }),
            client_msg_id: None,
            cloud_custom_data: None,
            online_user_only: false,
            need_read_receipt: false,
            offline_push_info: None,
            excluded_from_unread_count: false,
            receiver_list: None,
            excluded_from_last_message: false,
        })
        .await
    }

    /// Sends any message the client API takes.
    pub async fn send(&self, request: SendMessageRequest) -> Result<Message> {
        let sent: SendMessageResponse = self.http.post("/v1/messages", &request).await?;
        Ok(sent.message)
    }

    /// One page of the list, from `cursor`.
    pub async fn conversation_page(
        &self,
        filter: &ListFilter,
        limit: u32,
        cursor: Option<&str>,
    ) -> Result<ConversationListResponse> {
        let mut query = vec![("limit", limit.to_string())];
        if let Some(kind) = &filter.kind {
            query.push(("type", kind.clone()));
        }
        if filter.archived {
            query.push(("archived", "true".into()));
        }
        if let Some(mark) = filter.mark {
            query.push(("markType", mark.to_string()));
        }
        if let Some(folder) = &filter.folder {
            query.push(("groupName", folder.clone()));
        }
        if filter.unread_only {
            query.push(("unreadOnly", "true".into()));
        }
        if let Some(cursor) = cursor {
            query.push(("cursor", cursor.to_owned()));
        }
        self.http.get("/v1/conversations", &query).await
    }

    /// The whole list (every page): pinned first, then newest activity.
    pub async fn conversation_list(&self, filter: &ListFilter) -> Result<Vec<Conversation>> {
        let mut conversations = Vec::new();
        let mut cursor = None;
        loop {
            let page = self
                .conversation_page(filter, 100, cursor.as_deref())
                .await?;
            conversations.extend(page.conversation_list);
            match page.next_cursor {
                Some(next) if !page.is_finished => cursor = Some(next),
                _ => return Ok(conversations),
            }
        }
    }

    pub async fn conversation_profile(&self, conversation_id: &str) -> Result<Conversation> {
        let path = format!("/v1/conversations/{}", path_segment(conversation_id));
        self.http.get(&path, &[]).await
    }

    /// Deletes one conversation and clears its history, as the reference SDK's
    /// `deleteConversation('C2Cbob')`.
    pub async fn delete_conversation(&self, conversation_id: &str) -> Result<String> {
        let mut deleted = self.delete_conversations(&[conversation_id], true).await?;
        Ok(deleted.pop().unwrap_or_else(|| conversation_id.to_owned()))
    }

    /// Deletes 1–100 conversations, all or nothing; `clear_history` false keeps the messages.
    /// More than 100 is refused without a request.
    pub async fn delete_conversations(
        &self,
        conversation_ids: &[&str],
        clear_history: bool,
    ) -> Result<Vec<String>> {
        check_list(conversation_ids.len())?;
        let request = DeleteConversationsRequest {
            conversation_id_list: conversation_ids.iter().map(|id| id.to_string()).collect(),
            clear_history_message: Some(clear_history),
            only_listed: false,
        };
        let deleted: ConversationIdList =
            self.http.post("/v1/conversations/delete", &request).await?;
        Ok(deleted.conversation_id_list)
    }

    /// Marks messages read up to `seq` (default: all).
    pub async fn set_message_read(&self, conversation_id: &str, seq: Option<u64>) -> Result<()> {
        let path = format!("/v1/conversations/{}/read", path_segment(conversation_id));
        let _: Value = self.http.post(&path, &ReadRequest { seq }).await?;
        Ok(())
    }

    pub async fn total_unread_message_count(&self) -> Result<u64> {
        let total: TotalUnread = self.http.get("/v1/unread", &[]).await?;
        Ok(total.total_unread_count)
    }

    /// Up to `limit` messages before `before` (default: the newest), oldest first.
    pub async fn message_list(
        &self,
        conversation_id: &str,
        before: Option<u64>,
        limit: u32,
    ) -> Result<MessageListResponse> {
        let path = format!(
            "/v1/conversations/{}/messages",
            path_segment(conversation_id)
        );
        let mut query = vec![("limit", limit.to_string())];
        if let Some(before) = before {
            query.push(("before", before.to_string()));
        }
        self.http.get(&path, &query).await
    }

    pub async fn archive_conversations(&self, conversation_ids: &[&str]) -> Result<Vec<String>> {
        self.archive_or_restore("/v1/conversations/archive", conversation_ids)
            .await
    }

    pub async fn restore_conversations(&self, conversation_ids: &[&str]) -> Result<Vec<String>> {
        self.archive_or_restore("/v1/conversations/restore", conversation_ids)
            .await
    }

    async fn archive_or_restore(
        &self,
        path: &str,
        conversation_ids: &[&str],
    ) -> Result<Vec<String>> {
        check_list(conversation_ids.len())?;
        let request = ConversationIdList {
            conversation_id_list: conversation_ids.iter().map(|id| id.to_string()).collect(),
        };
        let changed: ConversationIdList = self.http.post(path, &request).await?;
        Ok(changed.conversation_id_list)
    }

    pub async fn pin_conversation(
        &self,
        conversation_id: &str,
        pinned: bool,
    ) -> Result<Conversation> {
        let request = PinRequest {
            conversation_id: conversation_id.to_owned(),
            is_pinned: pinned,
        };
        self.http.post("/v1/conversations/pin", &request).await
    }

    /// Sets (`enable`) or clears one mark on conversations: STAR 1, UNREAD 2, FOLD 4, HIDE 8,
    /// or a custom `2^n` with `32 <= n < 64`.
    pub async fn mark_conversations(
        &self,
        conversation_ids: &[&str],
        mark: u64,
        enable: bool,
    ) -> Result<Vec<String>> {
        check_list(conversation_ids.len())?;
        let request = MarkRequest {
            conversation_id_list: owned(conversation_ids),
            mark_type: mark,
            enable_mark: enable,
        };
        let marked: ConversationIdList = self.http.post("/v1/conversations/mark", &request).await?;
        Ok(marked.conversation_id_list)
    }

    pub async fn set_conversation_draft(
        &self,
        conversation_id: &str,
        draft: &str,
    ) -> Result<Conversation> {
        let request = DraftRequest {
            conversation_id: conversation_id.to_owned(),
            draft_text: draft.to_owned(),
        };
        self.http.post("/v1/conversations/draft", &request).await
    }

    pub async fn set_conversation_custom_data(
        &self,
        conversation_ids: &[&str],
        custom_data: &str,
    ) -> Result<Vec<String>> {
        check_list(conversation_ids.len())?;
        let request = CustomDataRequest {
            conversation_id_list: owned(conversation_ids),
            custom_data: custom_data.to_owned(),
        };
        let changed: ConversationIdList = self
            .http
            .post("/v1/conversations/customData", &request)
            .await?;
        Ok(changed.conversation_id_list)
    }

    /// `AcceptAndNotify`, `AcceptNotNotify` (muted) or `Discard`.
    pub async fn set_message_remind_type(
        &self,
        conversation_ids: &[&str],
        remind_type: &str,
    ) -> Result<Vec<String>> {
        check_list(conversation_ids.len())?;
        let request = RemindTypeRequest {
            conversation_id_list: owned(conversation_ids),
            message_remind_type: remind_type.to_owned(),
        };
        let changed: ConversationIdList = self
            .http
            .post("/v1/conversations/remindType", &request)
            .await?;
        Ok(changed.conversation_id_list)
    }

    /// Clears the history but keeps the conversation in the list.
    pub async fn clear_history_message(&self, conversation_id: &str) -> Result<()> {
        let path = format!(
            "/v1/conversations/{}/clearHistory",
            path_segment(conversation_id)
        );
        let _: Value = self.http.post(&path, &serde_json::json!({})).await?;
        Ok(())
    }

    /// Marks everything read in a scope: `C2C`, `GROUP` or `ALL`.
    pub async fn set_all_message_read(&self, scope: &str) -> Result<()> {
        let request = ReadAllRequest {
            scope: Some(scope.to_owned()),
        };
        let _: Value = self
            .http
            .post("/v1/conversations/readAll", &request)
            .await?;
        Ok(())
    }

    /// The user's conversation folders ("conversation groups").
    pub async fn conversation_groups(&self) -> Result<Vec<ConversationGroup>> {
        let list: ConversationGroupList = self.http.get("/v1/conversation-groups", &[]).await?;
        Ok(list.conversation_group_list)
    }

    pub async fn create_conversation_group(
        &self,
        name: &str,
        conversation_ids: &[&str],
    ) -> Result<()> {
        self.folder_call("/v1/conversation-groups", name, conversation_ids)
            .await
    }

    pub async fn rename_conversation_group(&self, old_name: &str, new_name: &str) -> Result<()> {
        let request = RenameConversationGroupRequest {
            old_name: old_name.to_owned(),
            new_name: new_name.to_owned(),
        };
        let _: Value = self
            .http
            .post("/v1/conversation-groups/rename", &request)
            .await?;
        Ok(())
    }

    pub async fn delete_conversation_group(&self, name: &str) -> Result<()> {
        self.folder_call("/v1/conversation-groups/delete", name, &[])
            .await
    }

    pub async fn add_conversations_to_group(
        &self,
        name: &str,
        conversation_ids: &[&str],
    ) -> Result<()> {
        self.folder_call("/v1/conversation-groups/add", name, conversation_ids)
            .await
    }

    pub async fn delete_conversations_from_group(
        &self,
        name: &str,
        conversation_ids: &[&str],
    ) -> Result<()> {
        self.folder_call("/v1/conversation-groups/remove", name, conversation_ids)
            .await
    }

    async fn folder_call(&self, path: &str, name: &str, conversation_ids: &[&str]) -> Result<()> {
        let request = ConversationGroupRequest {
            group_name: name.to_owned(),
            conversation_id_list: owned(conversation_ids),
        };
        let _: Value = self.http.post(path, &request).await?;
        Ok(())
    }

    /// Leaves a group: its conversation stays, read-only.
    pub async fn quit_group(&self, group_id: &str) -> Result<()> {
        let path = format!("/v1/groups/{}/leave", path_segment(group_id));
        let _: Value = self.http.post(&path, &serde_json::json!({})).await?;
        Ok(())
    }

    /// What changed since `since` (a list version) and `profile_since` (a profile version):
    /// changed conversations, tombstones, and recalled or deleted messages.
    pub async fn sync(&self, since: u64, profile_since: u64) -> Result<SyncResponse> {
        let query = [
            ("since", since.to_string()),
            ("profileSince", profile_since.to_string()),
        ];
        self.http.get("/v1/conversations/sync", &query).await
    }

    /// Recalls one of this user's messages (within the server's recall window); returns the
    /// stub every member now sees.
    pub async fn revoke_message(&self, conversation_id: &str, message_id: &str) -> Result<Message> {
        let request = RevokeMessageRequest {
            conversation_id: conversation_id.to_owned(),
            message_id: message_id.to_owned(),
        };
        let revoked: SendMessageResponse = self.http.post("/v1/messages/revoke", &request).await?;
        Ok(revoked.message)
    }

    /// Deletes up to 30 messages of one conversation from this user's view (every device).
    pub async fn delete_messages(
        &self,
        conversation_id: &str,
        message_ids: &[&str],
    ) -> Result<Vec<String>> {
        let request = DeleteMessagesRequest {
            conversation_id: conversation_id.to_owned(),
            message_id_list: message_ids.iter().map(|id| id.to_string()).collect(),
        };
        let deleted: MessageIdList = self.http.post("/v1/messages/delete", &request).await?;
        Ok(deleted.message_id_list)
    }

    /// The profiles of these users (those that exist).
    pub async fn user_profiles(&self, user_ids: &[&str]) -> Result<Vec<Profile>> {
        let request = ProfilesRequest {
            user_id_list: user_ids.iter().map(|uid| uid.to_string()).collect(),
        };
        let found: ProfileList = self.http.post("/v1/profiles", &request).await?;
        Ok(found.profile_list)
    }

    pub async fn my_profile(&self) -> Result<Profile> {
        self.http.get("/v1/profile", &[]).await
    }

    /// A group this user is or was a member of.
    pub async fn group_profile(&self, group_id: &str) -> Result<Group> {
        let path = format!("/v1/groups/{}", path_segment(group_id));
        self.http.get(&path, &[]).await
    }

    /// Opens the live event stream. It resolves once the server has answered the first ping,
    /// from when on every event of this user arrives; `since` is the `version` of this device's
    /// last sync, used to catch up after reconnects (each catch-up then moves it on).
    pub async fn events(&self, since: u64) -> Result<EventStream> {
        EventStream::connect(self.clone(), since).await
    }

    /// Another client with the same token (a second browser tab of the same device), whose
    /// live events will be its own connection.
    pub fn clone_without_connection(&self) -> Self {
        Self::login(self.http.base(), &self.token)
    }

    /// Remembers the connection the live events arrive on (or forgets it when it drops).
    pub(crate) fn set_connection(&self, connection_id: Option<String>) {
        self.http.set_connection(connection_id);
    }

    pub(crate) fn websocket_url(&self) -> String {
        let base = self.http.base();
        let base = base
            .strip_prefix("http://")
            .map(|rest| format!("ws://{rest}"))
            .or_else(|| {
                base.strip_prefix("https://")
                    .map(|rest| format!("wss://{rest}"))
            })
            .unwrap_or_else(|| base.to_owned());
        format!("{base}/v1/ws?token={}", path_segment(&self.token))
    }
}

fn owned(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|id| id.to_string()).collect()
}

fn check_list(count: usize) -> Result<()> {
    match count {
        0 => Err(Error::EmptyConversationList),
        count if count > MAX_CONVERSATIONS_PER_CALL => Err(Error::TooManyConversations(count)),
        _ => Ok(()),
    }
}
