//! The app backend's client: the server API, with the manager token.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use natter_core::wire::{
    AppSettings, AppSettingsChange, AuditPage, ChannelInfoRequest, ChannelRef, ChannelRequest,
    Conversation, NoticeRequest, Profile, ServerBatchDeleteRequest, ServerChannelInfo,
    ServerConversationRef, ServerDeleteMessagesRequest, ServerDeleteRequest, ServerRevokeRequest,
    ServerSendRequest, ServerSendResult, ServerUserProfile, UserTokenRequest,
};
use serde::Deserialize;
use serde_json::Value;

use crate::Result;
use crate::http::Http;

#[derive(Debug, Clone)]
pub struct Admin {
    http: Http,
}

#[derive(Debug, Deserialize)]
struct SendReply {
    data: ServerSendResult,
}

#[derive(Debug, Deserialize)]
struct RestoreReply {
    data: Conversation,
}

impl Admin {
    pub fn new(server_url: &str, manager_token: &str) -> Self {
        Self {
            http: Http::new(server_url, ("token", manager_token.to_owned())),
        }
    }

    /// Creates the user if new and sets the token of one device (0 app, 1 web, 2 pc);
    /// `master` replaces older connections of that device type.
    pub async fn set_user_token(
        &self,
        uid: &str,
        token: &str,
        device_flag: u8,
        master: bool,
    ) -> Result<()> {
        let request = UserTokenRequest {
            uid: uid.to_owned(),
            token: token.to_owned(),
            device_flag,
            device_level: u8::from(master),
        };
        let _: Value = self.http.post("/user/token", &request).await?;
        Ok(())
    }

    /// Creates a group, or adds members to it.
    pub async fn create_group(&self, group_id: &str, members: &[&str]) -> Result<()> {
        self.channel_call("/channel", group_id, members).await
    }

    pub async fn add_members(&self, group_id: &str, members: &[&str]) -> Result<()> {
        self.channel_call("/channel/subscriber_add", group_id, members)
            .await
    }

    pub async fn remove_members(&self, group_id: &str, members: &[&str]) -> Result<()> {
        self.channel_call("/channel/subscriber_remove", group_id, members)
            .await
    }

    pub async fn dismiss_group(&self, group_id: &str) -> Result<()> {
        let request = ChannelRef {
            channel_id: group_id.to_owned(),
            channel_type: 2,
        };
        let _: Value = self.http.post("/channel/delete", &request).await?;
        Ok(())
    }

    async fn channel_call(&self, path: &str, group_id: &str, members: &[&str]) -> Result<()> {
        let request = ChannelRequest {
            channel_id: group_id.to_owned(),
            channel_type: 2,
            subscribers: members.iter().map(|uid| uid.to_string()).collect(),
            reset: 0,
            new_members_see_history: None,
            ban: None,
            disband: None,
            temp_subscriber: None,
        };
        let _: Value = self.http.post(path, &request).await?;
        Ok(())
    }

    /// Sends `payload` from `from_uid` to a channel (1 personal: the peer's uid; 2 group).
    pub async fn send(
        &self,
        from_uid: &str,
        channel_id: &str,
        channel_type: i64,
        payload: &Value,
    ) -> Result<ServerSendResult> {
        let request = ServerSendRequest {
            header: None,
            client_msg_no: None,
            from_uid: from_uid.to_owned(),
            channel_id: channel_id.to_owned(),
            channel_type,
            payload: BASE64.encode(payload.to_string()),
            subscribers: Vec::new(),
        };
        let reply: SendReply = self.http.post("/message/send", &request).await?;
        Ok(reply.data)
    }

    /// Deletes a user's conversation; messages are kept unless `clear_history`.
    pub async fn delete_conversation(
        &self,
        uid: &str,
        channel: ChannelRef,
        clear_history: bool,
    ) -> Result<()> {
        let request = ServerDeleteRequest {
            uid: uid.to_owned(),
            channel_id: channel.channel_id,
            channel_type: channel.channel_type,
            clear_history,
        };
        let _: Value = self.http.post("/conversations/delete", &request).await?;
        Ok(())
    }

    pub async fn batch_delete(
        &self,
        uid: &str,
        channels: Vec<ChannelRef>,
        clear_history: bool,
    ) -> Result<()> {
        let request = ServerBatchDeleteRequest {
            uid: uid.to_owned(),
            channels,
            clear_history,
        };
        let _: Value = self
            .http
            .post("/conversations/batchDelete", &request)
            .await?;
        Ok(())
    }

    /// Leaves a notice (a JSON object) in each user's `@TIM#SYSTEM` conversation.
    pub async fn send_notices(&self, uids: &[&str], payload: &Value) -> Result<()> {
        let request = NoticeRequest {
            uids: uids.iter().map(|uid| uid.to_string()).collect(),
            payload: BASE64.encode(payload.to_string()),
        };
        let _: Value = self.http.post("/system/notices", &request).await?;
        Ok(())
    }

    /// Brings back a conversation the user deleted (with history kept), with its preferences.
    pub async fn restore_conversation(
        &self,
        uid: &str,
        channel: ChannelRef,
    ) -> Result<Conversation> {
        let request = ServerConversationRef {
            uid: uid.to_owned(),
            channel_id: channel.channel_id,
            channel_type: channel.channel_type,
        };
        let reply: RestoreReply = self.http.post("/conversations/restore", &request).await?;
        Ok(reply.data)
    }

    pub async fn audit(
        &self,
        uid: Option<&str>,
        limit: u32,
        cursor: Option<&str>,
    ) -> Result<AuditPage> {
        let mut query = vec![("limit", limit.to_string())];
        if let Some(uid) = uid {
            query.push(("uid", uid.to_owned()));
        }
        if let Some(cursor) = cursor {
            query.push(("cursor", cursor.to_owned()));
        }
        self.http.get("/audit/conversations", &query).await
    }

    pub async fn settings(&self) -> Result<AppSettings> {
        self.http.get("/app/settings", &[]).await
    }

    pub async fn set_sync_conversation_deletion(&self, on: bool) -> Result<AppSettings> {
        let change = AppSettingsChange {
            sync_conversation_deletion: Some(on),
            ..AppSettingsChange::default()
        };
        self.http.put("/app/settings", &change).await
    }

    /// Recalls any message (moderation); `operator` is the revoker members see.
    pub async fn revoke(&self, message_id: i64, operator: Option<&str>) -> Result<()> {
        let request = ServerRevokeRequest {
            message_id,
            operator: operator.map(str::to_owned),
        };
        let _: Value = self.http.post("/message/revoke", &request).await?;
        Ok(())
    }

    /// Deletes messages from one user's view of one channel.
    pub async fn delete_messages_for(
        &self,
        uid: &str,
        channel: ChannelRef,
        message_ids: &[i64],
    ) -> Result<()> {
        let request = ServerDeleteMessagesRequest {
            uid: uid.to_owned(),
            channel_id: channel.channel_id,
            channel_type: channel.channel_type,
            message_ids: message_ids.to_vec(),
        };
        let _: Value = self.http.post("/message/deleteForUser", &request).await?;
        Ok(())
    }

    /// Sets a user's profile (fields left `None` keep their value).
    pub async fn set_user_profile(&self, profile: &ServerUserProfile) -> Result<()> {
        let _: Value = self.http.post("/user/profile", profile).await?;
        Ok(())
    }

    pub async fn user_profile(&self, uid: &str) -> Result<Profile> {
        self.http
            .get("/user/profile", &[("uid", uid.to_owned())])
            .await
    }

    /// Sets a group's name, avatar, type or notice.
    pub async fn set_channel_info(&self, info: &ChannelInfoRequest) -> Result<()> {
        let _: Value = self.http.post("/channel/info", info).await?;
        Ok(())
    }

    pub async fn channel_info(&self, group_id: &str) -> Result<ServerChannelInfo> {
        let query = [
            ("channel_id", group_id.to_owned()),
            ("channel_type", "2".to_owned()),
        ];
        self.http.get("/channel/info", &query).await
    }
}
