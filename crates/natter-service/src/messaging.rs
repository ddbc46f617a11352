//! Sending messages and reading history, on both surfaces.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use natter_core::ids::{SYSTEM_CONVERSATION_ID, WUKONGIM_SYSTEM_UID};
use natter_core::limits::{
    MAX_CLIENT_MSG_NO_LEN, MAX_CLOUD_CUSTOM_DATA_BYTES, MAX_PAGE_SIZE, MAX_PAYLOAD_BYTES,
    MAX_PUSH_EXTENSION_BYTES, MAX_PUSH_TEXT_BYTES, MAX_UIDS_PER_CALL, refuse_nul,
};
use natter_core::wire::{
    self, SendBatchRequest, SendBatchResult, ServerSendRequest, ServerSendResult,
};
use natter_core::{
    ChannelKind, ConversationId, Error, GroupId, Result, Uid, mention, message, targeted,
};
use natter_store::{NewMessage, Page, Sent, StoredMessage, SystemMessage, SystemTarget, messaging};
use serde_json::Value;

use crate::events::{Frame, Recipients};
use crate::removal::parse_message_id;
use crate::webhooks::Push;
use crate::{Natter, now_ms, present};

/// How a transport asks a message to be kept and counted (WuKongIM's header flags); the client
/// API's messages are kept and counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    /// Stored, counted and synced; otherwise only pushed to the members' online devices.
    pub persist: bool,
    /// Counts as unread for the other members (WuKongIM's red dot).
    pub counts_as_unread: bool,
    /// WuKongIM's paths: a user the message names who never had a token is registered
    /// ([`Natter::write_registering`]) rather than refused.
    pub registers_users: bool,
}

impl Default for Delivery {
    fn default() -> Self {
        Self {
            persist: true,
            counts_as_unread: true,
            registers_users: false,
        }
    }
}

impl Natter {
    /// `POST /v1/messages`: a user sends a JSON payload to one of their conversations; with
    /// `onlineUserOnly`, to the members' connected devices only.
    pub async fn send_message(
        &self,
        from: &Uid,
        request: wire::SendMessageRequest,
    ) -> Result<wire::Message> {
        let delivery = if request.online_user_only {
            Delivery {
                persist: false,
                counts_as_unread: false,
                registers_users: false,
            }
        } else {
            Delivery {
                counts_as_unread: !request.excluded_from_unread_count,
                ..Delivery::default()
            }
        };
        self.send_message_as(from, request, delivery).await
    }

    /// A message from a user's device, kept and counted as `delivery` says (the WuKongIM
    /// gateway sets it from the packet's flags). A message that is not kept gets no seq (0).
    pub async fn send_message_as(
        &self,
        from: &Uid,
        request: wire::SendMessageRequest,
        delivery: Delivery,
    ) -> Result<wire::Message> {
        let to = ConversationId::parse(&request.conversation_id)?;
        let message_type = request
            .message_type
            .unwrap_or_else(|| message::DEFAULT_TYPE.to_owned());
        message::check(&message_type, &request.payload)?;
        message::check_sent_by_user(&message_type)?;
        mention::check(&to, &message_type, &request.payload)?;
        let receivers = targeted::receivers(
            &to,
            request.receiver_list.as_deref(),
            || mention::mentions_of(&message_type, &request.payload),
            request.need_read_receipt,
        )?;
        let payload = compact_payload(&request.payload, "payload")?;
        let push = push_text(request.offline_push_info)?;
        let client_msg_no = client_msg_no(request.client_msg_id, "clientMsgID")?;
        let cloud_custom_data = cloud_custom_data(request.cloud_custom_data.unwrap_or_default())?;
        let message = NewMessage {
            from: from.clone(),
            to: to.clone(),
            message_type,
            payload,
            client_msg_no,
            cloud_custom_data,
            time_ms: now_ms(),
            counts_as_unread: delivery.counts_as_unread,
            needs_read_receipt: request.need_read_receipt,
            by_app: false,
            receivers,
            excluded_from_last_message: request.excluded_from_last_message,
        };
        let message = self.check_before_send(message, delivery.persist).await?;
        if !delivery.persist {
            return self.relay_message(message, delivery.registers_users).await;
        }
        let sent = self
            .store_message(message, delivery.registers_users, push)
            .await?;
        self.announce(&sent).await;
        Ok(present::message(&sent.message, &to))
    }

    /// `POST /message/send`: the app backend sends on behalf of `from_uid`, payload in base64;
    /// with an empty `from_uid`, as itself (see [`Natter::send_as_system`]). WuKongIM's header
    /// flags `no_persist` and `red_dot` apply. As WuKongIM's API sends from its system device,
    /// `from_uid` need not be a member and the lists do not stop it ([`NewMessage::by_app`]).
    pub async fn server_send(&self, request: ServerSendRequest) -> Result<ServerSendResult> {
        if !request.subscribers.is_empty() {
            return Err(Error::invalid_argument(
                "subscribers: sending to a temporary channel of uids is not supported; send to \
                 channel_id, or to each uid with /message/sendbatch",
            ));
        }
        let payload = decode_payload(&request.payload)?;
        let client_msg_no = Some(server_client_msg_no(request.client_msg_no)?);
        let delivery = Delivery {
            registers_users: true,
            ..delivery_of(request.header.as_ref())?
        };
        let message_type = serde_json::from_str::<Value>(&payload)
            .map(|value| message::type_of_wukongim_payload(&value))
            .unwrap_or(message::DEFAULT_TYPE)
            .to_owned();
        if request.from_uid.is_empty() || request.from_uid == WUKONGIM_SYSTEM_UID {
            let to = system_target(request.channel_type, &request.channel_id)?;
            let message = SystemMessage {
                to,
                message_type,
                payload,
                client_msg_no,
                time_ms: now_ms(),
                counts_as_unread: delivery.counts_as_unread,
            };
            return self.send_as_system(message, delivery.persist).await;
        }
        let message = NewMessage {
            from: Uid::parse(&request.from_uid, "from_uid")?,
            to: ConversationId::from_channel(request.channel_type, &request.channel_id)?,
            message_type,
            payload,
            client_msg_no,
            cloud_custom_data: String::new(),
            time_ms: now_ms(),
            counts_as_unread: delivery.counts_as_unread,
            needs_read_receipt: false,
            by_app: true,
            receivers: None,
            excluded_from_last_message: false,
        };
        if !delivery.persist {
            let relayed = self.relay_message(message, true).await?;
            return Ok(ServerSendResult {
                message_id: relayed.message_id.parse().unwrap_or_default(),
                message_seq: 0,
                client_msg_no: relayed.client_msg_id.unwrap_or_default(),
            });
        }
        let sent = self.store_message(message, true, Push::Default).await?;
        self.announce(&sent).await;
        Ok(sent_result(&sent.message))
    }

    /// A message from the app backend itself (WuKongIM's system uid): into a user's
    /// `@TIM#SYSTEM` conversation, or into a group from no member. One that is not kept (a
    /// WuKongIM command) only reaches the online devices. A user who never had a token is
    /// registered, as on WuKongIM's other paths.
    async fn send_as_system(
        &self,
        message: SystemMessage,
        persist: bool,
    ) -> Result<ServerSendResult> {
        let named = match &message.to {
            SystemTarget::User(uid) => vec![uid.clone()],
            SystemTarget::Group(_) => Vec::new(),
        };
        if persist {
            self.keep_linked_files(&[&message.payload]).await;
            let sent = self
                .write_registering(named, move |db| messaging::send_system(db, &message))
                .await?;
            self.announce(&sent).await;
            return Ok(sent_result(&sent.message));
        }
        let to = message.to.clone();
        let audience = self
            .read_registering(named, move |db| messaging::system_audience(db, &to))
            .await?;
        let mut stored = transient_message(
            SYSTEM_CONVERSATION_ID.to_owned(),
            message.time_ms,
            message.client_msg_no,
            message.message_type,
            message.payload,
        );
        stored.silent = !message.counts_as_unread;
        self.relay(&stored, &audience);
        Ok(sent_result(&stored))
    }

    /// `POST /message/sendbatch`: the same personal message from `from_uid` to each
    /// subscriber, each sent on its own: one that fails is listed with its reason and does
    /// not stop the others, as WuKongIM answers.
    pub async fn server_send_batch(&self, request: SendBatchRequest) -> Result<SendBatchResult> {
        if request.from_uid.is_empty() {
            return Err(Error::invalid_argument("from_uid: must not be empty"));
        }
        if request.subscribers.is_empty() || request.subscribers.len() > MAX_UIDS_PER_CALL {
            return Err(Error::invalid_argument(format!(
                "subscribers: give 1 to {MAX_UIDS_PER_CALL} uids, got {}",
                request.subscribers.len()
            )));
        }
        // What is wrong with the request itself is wrong for every subscriber: a 400, not an
        // answer listing each of them as failed for the same reason.
        Uid::parse(&request.from_uid, "from_uid")?;
        decode_payload(&request.payload)?;
        delivery_of(request.header.as_ref())?;
        let mut result = SendBatchResult {
            fail_uids: Vec::new(),
            reason: Vec::new(),
        };
        for subscriber in request.subscribers {
            let single = ServerSendRequest {
                header: request.header.clone(),
                client_msg_no: None,
                from_uid: request.from_uid.clone(),
                channel_id: subscriber.clone(),
                channel_type: ChannelKind::Personal.code(),
                payload: request.payload.clone(),
                subscribers: Vec::new(),
            };
            if let Err(error) = self.server_send(single).await {
                result.fail_uids.push(subscriber);
                result.reason.push(error.message);
            }
        }
        Ok(result)
    }

    /// A message that is not kept: pushed to the online devices of everyone who may receive
    /// it (the sender's other devices too), with a fresh ID and no seq. With `registers_users`,
    /// see [`Delivery::registers_users`].
    async fn relay_message(
        &self,
        message: NewMessage,
        registers_users: bool,
    ) -> Result<wire::Message> {
        let (from, to, by_app) = (message.from.clone(), message.to.clone(), message.by_app);
        let (receivers, now_ms) = (message.receivers.clone(), message.time_ms);
        let named = named_users(&message, registers_users);
        let (sender, audience) = self
            .read_registering(named, move |db| {
                messaging::audience(db, &from, &to, by_app, receivers.as_deref(), now_ms)
            })
            .await?;
        let mut stored = transient_message(
            message.from.to_string(),
            message.time_ms,
            message.client_msg_no,
            message.message_type,
            message.payload,
        );
        stored.cloud_custom_data = message.cloud_custom_data;
        stored.silent = !message.counts_as_unread;
        stored.sender = sender;
        self.relay(&stored, &audience);
        Ok(present::message(&stored, &message.to))
    }

    /// Pushes a message that is not kept to the online devices of its audience.
    fn relay(&self, stored: &StoredMessage, audience: &[(Uid, ConversationId)]) {
        for (uid, conversation) in audience {
            if self.events.may_be_online(uid) {
                let event = wire::ServerEvent::MessageReceived {
                    message_list: vec![present::message(stored, conversation)],
                };
                self.events
                    .publish(uid, &Frame::new(event, None), Recipients::All);
            }
        }
    }

    /// Stores a message with its webhook events, in one transaction. With `registers_users`,
    /// see [`Delivery::registers_users`].
    async fn store_message(
        &self,
        message: NewMessage,
        registers_users: bool,
        push: Push,
    ) -> Result<Sent> {
        let outbox = self.outbox();
        let named = named_users(&message, registers_users);
        self.keep_linked_files(&[&message.payload, &message.cloud_custom_data])
            .await;
        let (sent, written) = self
            .write_registering(named, move |db| {
                let sent = messaging::send(db, &message)?;
                let written = match &outbox {
                    Some(outbox) => {
                        let unread = message.counts_as_unread;
                        outbox.message(db, &sent, &message.to, unread, &push, now_ms())?
                    }
                    None => Vec::new(),
                };
                Ok((sent, written))
            })
            .await?;
        self.wake_webhooks(&written);
        Ok(sent)
    }

    /// A first send is counted and pushed to the members' devices; a retry is neither.
    async fn announce(&self, sent: &Sent) {
        if !sent.duplicate {
            self.metrics.message_sent();
            self.notify_message(sent).await;
        }
    }

    /// A group tip (`natter_store::groups`) is pushed as a message of the group. It goes to no
    /// webhook: no `msg.offline` push wakes every member's phone for a join, and WuKongIM's
    /// server, whose backends read `msg.notify`, writes no tips.
    pub(crate) async fn announce_tip(&self, tip: Option<&Sent>) {
        if let Some(tip) = tip {
            self.announce(tip).await;
        }
    }

    /// `GET /v1/conversations/{id}/messages`: what this user may see, oldest first, before a
    /// seq or a message ID (`nextReqMessageID`), or the newest.
    pub async fn history(
        &self,
        uid: &Uid,
        conversation_id: &str,
        query: HistoryQuery<'_>,
    ) -> Result<wire::MessageListResponse> {
        let conversation = ConversationId::parse(conversation_id)?;
        let limit = page_size(query.limit)?;
        let page = query.page()?;
        let history = self.read_history(uid, &conversation, page, limit).await?;
        Ok(wire::MessageListResponse {
            next_req_message_id: history
                .messages
                .first()
                .map(|oldest| oldest.id.to_string())
                .unwrap_or_default(),
            message_list: history
                .messages
                .iter()
                .map(|message| present::message(message, &conversation))
                .collect(),
            is_completed: history.is_complete,
        })
    }

    /// What `uid` may see of a conversation: the `limit` messages nearest to where `page`
    /// points.
    pub(crate) async fn read_history(
        &self,
        uid: &Uid,
        conversation: &ConversationId,
        page: Page,
        limit: u32,
    ) -> Result<natter_store::History> {
        let (uid, conversation) = (uid.clone(), conversation.clone());
        self.read(move |db| messaging::history(db, &uid, &conversation, page, limit))
            .await
    }
}

/// Which page of history `GET /v1/conversations/{id}/messages` asks for: at most one of the
/// points (none: the newest messages).
#[derive(Debug, Default)]
pub struct HistoryQuery<'a> {
    pub before: Option<u64>,
    pub next_req_message_id: Option<&'a str>,
    pub before_time: Option<i64>,
    pub after: Option<u64>,
    pub after_time: Option<i64>,
    pub limit: Option<u32>,
}

impl HistoryQuery<'_> {
    fn page(&self) -> Result<Page> {
        // An empty `nextReqMessageID` is the first page, as Tencent's SDK sends it.
        let message = self.next_req_message_id.filter(|id| !id.is_empty());
        let points = [
            self.before.map(Page::BeforeSeq),
            message
                // The IDs the server gives out are positive: `-1` is as malformed as `abc`.
                .map(|id| parse_message_id(id, "nextReqMessageID").map(Page::BeforeMessage))
                .transpose()?,
            self.before_time.map(Page::UpToTime),
            self.after.map(Page::AfterSeq),
            self.after_time.map(Page::FromTime),
        ];
        let mut given = points.into_iter().flatten();
        let page = given.next().unwrap_or(Page::Newest);
        if given.next().is_some() {
            return Err(Error::invalid_argument(
                "before, nextReqMessageID, beforeTime, after, afterTime: give one of them at \
                 most",
            ));
        }
        Ok(page)
    }
}

/// WuKongIM's message header (`{"no_persist": 0|1, "red_dot": 0|1, "sync_once": 0|1}`) as a
/// delivery; a header left out keeps and counts the message.
fn delivery_of(header: Option<&Value>) -> Result<Delivery> {
    let Some(header) = header else {
        return Ok(Delivery::default());
    };
    // Indexing anything but an object gives `Null` for every flag: `"header": 5` would be
    // taken as no header at all, and the message sent as if it were right.
    if !header.is_object() {
        return Err(Error::invalid_argument(format!(
            "header: {header} is not an object; send {{\"no_persist\": 0|1, \"red_dot\": 0|1, \"sync_once\": 0|1}}"
        )));
    }
    let flag = |name: &str, default: bool| match &header[name] {
        Value::Null => Ok(default),
        Value::Number(number) if number.as_u64() == Some(0) => Ok(false),
        Value::Number(number) if number.as_u64() == Some(1) => Ok(true),
        Value::Bool(flag) => Ok(*flag),
        other => Err(Error::invalid_argument(format!(
            "header.{name}: {other} is not 0 or 1"
        ))),
    };
    // WuKongIM keeps a sync-once message only until it is delivered: here it is not kept.
    let persist = !flag("no_persist", false)? && !flag("sync_once", false)?;
    Ok(Delivery {
        persist,
        counts_as_unread: flag("red_dot", true)?,
        ..Delivery::default()
    })
}

/// The users a message names, to register on WuKongIM's paths: its sender and, for a personal
/// message, the peer. None when `registers_users` is off.
fn named_users(message: &NewMessage, registers_users: bool) -> Vec<Uid> {
    if !registers_users {
        return Vec::new();
    }
    let mut named = vec![message.from.clone()];
    if let ConversationId::C2c(peer) = &message.to {
        named.push(peer.clone());
    }
    named
}

/// What the sender asked of a message's offline push (`offlinePushInfo`), checked.
fn push_text(info: Option<wire::OfflinePushInfo>) -> Result<Push> {
    let Some(info) = info else {
        return Ok(Push::Default);
    };
    if info.disable_push {
        return Ok(Push::Disabled);
    }
    for (text, field, most) in [
        (&info.title, "offlinePushInfo.title", MAX_PUSH_TEXT_BYTES),
        (
            &info.description,
            "offlinePushInfo.description",
            MAX_PUSH_TEXT_BYTES,
        ),
        (
            &info.extension,
            "offlinePushInfo.extension",
            MAX_PUSH_EXTENSION_BYTES,
        ),
    ] {
        if text.len() > most {
            return Err(Error::invalid_argument(format!(
                "{field}: {} bytes; at most {most}",
                text.len()
            )));
        }
        refuse_nul(field, text)?;
    }
    Ok(Push::Text(wire::PushText {
        title: info.title,
        description: info.description,
        extension: info.extension,
    }))
}

fn sent_result(message: &StoredMessage) -> ServerSendResult {
    ServerSendResult {
        message_id: message.id,
        message_seq: message.seq,
        client_msg_no: message.client_msg_no.clone().unwrap_or_default(),
    }
}

/// A message that is not kept, as its recipients see it: a fresh ID and no seq.
fn transient_message(
    from: String,
    time_ms: i64,
    client_msg_no: Option<String>,
    message_type: String,
    payload: String,
) -> StoredMessage {
    StoredMessage {
        id: transient_id(),
        seq: 0,
        from,
        time_ms,
        client_msg_no,
        message_type,
        payload,
        cloud_custom_data: String::new(),
        revoked_by: None,
        sender: natter_store::Shown::default(),
        silent: false,
        version: 0,
        needs_read_receipt: false,
        read_count: 0,
    }
}

/// Where a message with an empty `from_uid` goes: `channel_type` 1 names the user whose
/// `@TIM#SYSTEM` conversation gets it, 2 the group.
fn system_target(channel_type: i64, channel_id: &str) -> Result<SystemTarget> {
    match ChannelKind::from_code(channel_type) {
        Some(ChannelKind::Personal) => {
            Ok(SystemTarget::User(Uid::parse(channel_id, "channel_id")?))
        }
        Some(ChannelKind::Group) => Ok(SystemTarget::Group(GroupId::parse(
            channel_id,
            "channel_id",
        )?)),
        _ => Err(Error::invalid_argument(format!(
            "channel_type: {channel_type} with an empty from_uid; use 1 with the uid of the user \
             to notify (into their @TIM#SYSTEM conversation) or 2 with a group ID"
        ))),
    }
}

/// An ID for a message that is not kept (and for the WuKongIM gateway's commands): far above
/// every stored message's (which count up from 1), from the time and 16 random bits.
pub fn transient_id() -> i64 {
    (now_ms() << 16) | fastrand::i64(0..0x1_0000)
}

/// A server-API payload: base64 of a JSON object (as WuKongIM), as compact JSON text.
pub(crate) fn decode_payload(base64: &str) -> Result<String> {
    let bytes = BASE64
        .decode(base64.as_bytes())
        .map_err(|error| Error::invalid_argument(format!("payload: not base64 ({error})")))?;
    let payload: Value = serde_json::from_slice(&bytes)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| Error::invalid_argument("payload: must be the base64 of a JSON object"))?;
    compact_payload(&payload, "payload")
}

/// The payload's compact JSON text, at most 64 KiB.
pub(crate) fn compact_payload(payload: &Value, field: &str) -> Result<String> {
    let text = serde_json::to_string(payload).map_err(Error::internal)?;
    if text.len() > MAX_PAYLOAD_BYTES {
        return Err(Error::payload_too_large(format!(
            "{field}: {} bytes as compact JSON; at most {MAX_PAYLOAD_BYTES}",
            text.len()
        )));
    }
    Ok(text)
}

pub(crate) fn cloud_custom_data(data: String) -> Result<String> {
    if data.len() > MAX_CLOUD_CUSTOM_DATA_BYTES {
        return Err(Error::invalid_argument(format!(
            "cloudCustomData: {} bytes; at most {MAX_CLOUD_CUSTOM_DATA_BYTES}",
            data.len()
        )));
    }
    refuse_nul("cloudCustomData", &data)?;
    Ok(data)
}

fn client_msg_no(number: Option<String>, field: &str) -> Result<Option<String>> {
    match number {
        Some(number) if number.is_empty() => Err(Error::invalid_argument(format!(
            "{field}: must not be empty (leave it out instead)"
        ))),
        Some(number) if number.chars().count() > MAX_CLIENT_MSG_NO_LEN => {
            Err(Error::invalid_argument(format!(
                "{field}: longer than {MAX_CLIENT_MSG_NO_LEN} characters"
            )))
        }
        Some(number) => {
            refuse_nul(field, &number)?;
            Ok(Some(number))
        }
        None => Ok(None),
    }
}

/// The client message number of an app backend's send. WuKongIM makes one when the backend
/// gives none (or a blank one): a random UUID's 32 hex digits and a `0`. It is stored, answered
/// and carried by every RECV and sync of the message, so the backend and the SDKs can name the
/// message by it as they would on WuKongIM.
fn server_client_msg_no(number: Option<String>) -> Result<String> {
    match number {
        Some(number) if !number.trim().is_empty() => {
            Ok(client_msg_no(Some(number), "client_msg_no")?.unwrap_or_default())
        }
        _ => Ok(format!("{}0", uuid::Uuid::new_v4().simple())),
    }
}

/// A page size of 1 to 100; 20 when not given.
pub(crate) fn page_size(limit: Option<u32>) -> Result<u32> {
    match limit {
        None => Ok(natter_core::limits::DEFAULT_PAGE_SIZE),
        Some(limit) if (1..=MAX_PAGE_SIZE).contains(&limit) => Ok(limit),
        Some(limit) => Err(Error::invalid_argument(format!(
            "limit: {limit} is out of range; use 1 to {MAX_PAGE_SIZE}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_ids_are_positive_and_above_stored_ones() {
        for _ in 0..1000 {
            // A negative ID reads as no message ID at all to WuKongIM's clients (a u64).
            assert!(transient_id() > 1 << 40);
        }
    }
}
