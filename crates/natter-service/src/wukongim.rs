//! The reads WuKongIM's app backends make for their client SDKs: the conversation sync that
//! the SDK's sync callback forwards (`/conversation/sync`) and its relatives for named channels
//! (`/conversation/channels`, `/conversation/syncByChannels`, `/conversation/syncMessages`),
//! a channel's history
//! (`/channel/messagesync`), its newest seq (`/channel/max_message_seq`), messages looked up
//! by name (`/messages`, `/message`, `/message/byclientmsgno`) and its newest message
//! (`/channel/last_message`), answered with WuKongIM's fields, defaults and paging.

use std::collections::HashMap;

use natter_core::limits::{MAX_PAGE_SIZE, refuse_nul};
use natter_core::rules::ConversationState;
use natter_core::wire::{
    ChannelRecentMessages, ChannelRef, MaxMessageSeq, MessageRequest, MessageSyncRequest,
    MessageSyncResponse, MessagesRequest, OnlineStatus, ServerConversation, ServerMessage,
    ServerSyncRequest, SyncByChannelsRequest, SyncMessagesRequest,
};
use natter_core::{ChannelKind, ConversationId, Error, Result, Uid};
use natter_store::messaging::{ChannelMessage, ChannelSide, NamedMessages};
use natter_store::{
    ConversationView, History, RangeEnd, SeqRange, conversations, messaging, presence,
};

use crate::presence::live_since;
use crate::{Actor, Natter, now_ms, present};

/// `page_size` of `/conversation/sync` when paging without one, and its most.
const DEFAULT_SYNC_PAGE: u32 = 100;
const MAX_SYNC_PAGE: u32 = 500;
/// `limit` of `/channel/messagesync` when not given, and its most. WuKongIM allows 10,000;
/// Natter stops at 1,000 so that one answer stays within tens of megabytes.
const DEFAULT_MESSAGE_SYNC_LIMIT: u32 = 100;
const MAX_MESSAGE_SYNC_LIMIT: u32 = 1000;
/// Most messages `/messages` looks up at once, by seq, ID and client number together.
const MAX_NAMED_MESSAGES: usize = 1000;
/// Most channels `/conversation/syncByChannels` and `/conversation/syncMessages` read at once
/// (WuKongIM sets none): as many as a page of `/conversation/sync`.
const MAX_NAMED_CHANNELS: usize = MAX_SYNC_PAGE as usize;
/// Messages per channel of those two calls when `msg_count` is not given, as WuKongIM.
const DEFAULT_RECENT_MESSAGES: u32 = 15;

/// A channel as `last_msg_seqs` names it: `channel_id` and `channel_type`.
type ChannelKey = (String, i64);

impl Natter {
    /// `POST /conversation/sync`: the user's conversations with their recent messages, as
    /// WuKongIM answers it. A conversation comes back only with messages the client lacks:
    /// after the seq it reported in `last_msg_seqs`, or, when it sent a `version` or
    /// `only_unread`, after its read position; never from before its deletion.
    pub async fn server_sync(
        &self,
        actor: &Actor,
        request: ServerSyncRequest,
    ) -> Result<Vec<ServerConversation>> {
        let held = parse_last_msg_seqs(&request.last_msg_seqs);
        if request.msg_count == 0 {
            // WuKongIM returns a conversation only with recent messages, so none without.
            return Ok(Vec::new());
        }
        let msg_count = request.msg_count.min(MAX_PAGE_SIZE);
        let after_read = request.version > 0 || request.only_unread == 1;
        let uid = actor.uid.clone();
        let mut listed = self
            .read({
                let uid = uid.clone();
                move |db| conversations::changes_since(db, &uid, 0, None)
            })
            .await?
            .changed;
        // WuKongIM returns no conversation of its system uid here ("系统消息不返回"), so a
        // WuKongIM app's list shows none: the system conversation is the client API's.
        listed.retain(|view| view.id != ConversationId::System);
        let page = page_of(most_recent_first(listed), request.page, request.page_size);
        let wanted: Vec<(ConversationView, u64)> = page
            .into_iter()
            .filter_map(|view| {
                let key = channel_key(&view.id);
                let client_seq = held.get(&key).copied().unwrap_or(0);
                let excluded = request.exclude_channel_types.contains(&key.1);
                if excluded && !held.contains_key(&key) {
                    return None;
                }
                let state = &view.state;
                let first = if client_seq > 0 {
                    client_seq + 1
                } else if after_read {
                    state.read_floor() + 1
                } else {
                    1
                };
                let first = first.max(state.deleted_to_seq + 1);
                Some((view, first))
            })
            .collect();
        let reads = self
            .read(move |db| {
                wanted
                    .into_iter()
                    .map(|(view, first)| {
                        let range = SeqRange {
                            first,
                            last: u64::MAX,
                            from: RangeEnd::Newest,
                        };
                        let recents = messaging::messages_in(db, &uid, &view.id, range, msg_count)?;
                        Ok((view, recents))
                    })
                    .collect::<natter_store::Result<Vec<_>>>()
            })
            .await?;
        Ok(reads
            .iter()
            .filter_map(|(view, recents)| server_conversation(&actor.uid, view, recents))
            .collect())
    }

    /// `POST /channel/messagesync`: a page of what `login_uid` may see of a channel (their
    /// join windows and cleared history apply), oldest first, as WuKongIM pages it.
    pub async fn channel_messages(
        &self,
        actor: &Actor,
        request: MessageSyncRequest,
    ) -> Result<MessageSyncResponse> {
        let conversation = ConversationId::from_channel(request.channel_type, &request.channel_id)?;
        let limit = match request.limit {
            0 => DEFAULT_MESSAGE_SYNC_LIMIT,
            limit => limit.min(MAX_MESSAGE_SYNC_LIMIT),
        };
        // Checked before the range: with both seqs 0 the mode does not matter, and `pull_mode: 2`
        // was answered as if it were right.
        let pulling_up = match request.pull_mode {
            0 => false,
            1 => true,
            mode => {
                return Err(Error::invalid_argument(format!(
                    "pull_mode: {mode} is not a mode; use 0 (down) or 1 (up)"
                )));
            }
        };
        let (start, end) = (request.start_message_seq, request.end_message_seq);
        let range = match (start, end, pulling_up) {
            (0, 0, _) => SeqRange {
                first: 1,
                last: u64::MAX,
                from: RangeEnd::Newest,
            },
            (_, _, false) => {
                if end != 0 && end > start {
                    return Err(Error::invalid_argument(format!(
                        "end_message_seq: {end} is above start_message_seq {start}; pulling \
                         down (pull_mode 0) reads from start towards older messages"
                    )));
                }
                SeqRange {
                    first: end + 1,
                    last: start,
                    from: RangeEnd::Newest,
                }
            }
            (_, _, true) => SeqRange {
                first: start,
                last: if end == 0 { u64::MAX } else { end - 1 },
                from: RangeEnd::Oldest,
            },
        };
        let (uid, read_conversation) = (actor.uid.clone(), conversation.clone());
        let page: History = self
            .read(move |db| messaging::messages_in(db, &uid, &read_conversation, range, limit))
            .await?;
        Ok(MessageSyncResponse {
            start_message_seq: start,
            end_message_seq: end,
            more: u8::from(!page.is_complete),
            messages: page
                .messages
                .iter()
                .map(|message| present::server_message(message, Some(&actor.uid), &conversation))
                .collect(),
        })
    }

    /// `GET /channel/max_message_seq`: the channel's newest seq, as `login_uid` names it (a
    /// personal channel is theirs and `channel_id`'s); 0 when it has no messages or does not
    /// exist, as WuKongIM answers.
    pub async fn max_message_seq(
        &self,
        login_uid: &str,
        channel_id: &str,
        channel_type: i64,
    ) -> Result<MaxMessageSeq> {
        let uid = Uid::parse(login_uid, "login_uid")?;
        let conversation = ConversationId::from_channel(channel_type, channel_id)?;
        let message_seq = self
            .read(move |db| messaging::newest_seq(db, &uid, &conversation))
            .await?;
        Ok(MaxMessageSeq { message_seq })
    }

    /// `POST /messages`: the messages of a channel named by seq, by ID or by client number that
    /// `login_uid` may see, oldest first, in `/channel/messagesync`'s answer (its seqs 0).
    pub async fn messages_by_name(
        &self,
        actor: &Actor,
        request: MessagesRequest,
    ) -> Result<MessageSyncResponse> {
        let conversation = ConversationId::from_channel(request.channel_type, &request.channel_id)?;
        let named = NamedMessages {
            seqs: request.message_seqs,
            ids: request.message_ids,
            client_msg_nos: request.client_msg_nos,
        };
        for number in &named.client_msg_nos {
            refuse_nul("client_msg_nos", number)?;
        }
        if named.is_empty() || named.len() > MAX_NAMED_MESSAGES {
            return Err(Error::invalid_argument(format!(
                "message_seqs, message_ids, client_msg_nos: {} messages named; name 1 to \
                 {MAX_NAMED_MESSAGES}",
                named.len()
            )));
        }
        let messages = self.named_messages(actor, &conversation, named).await?;
        Ok(MessageSyncResponse {
            start_message_seq: 0,
            end_message_seq: 0,
            more: 0,
            messages,
        })
    }

    /// `POST /message`: one message of a channel, by ID or else by client number, if
    /// `login_uid` may see it (else 404, as WuKongIM answers a message it does not find).
    pub async fn message_by_name(
        &self,
        actor: &Actor,
        request: MessageRequest,
    ) -> Result<ServerMessage> {
        let conversation = ConversationId::from_channel(request.channel_type, &request.channel_id)?;
        let named = match (request.message_id, request.client_msg_no.as_str()) {
            (0, "") => {
                return Err(Error::invalid_argument(
                    "message_id, client_msg_no: neither given; name the message by one",
                ));
            }
            (0, number) => {
                refuse_nul("client_msg_no", number)?;
                NamedMessages {
                    client_msg_nos: vec![number.to_owned()],
                    ..NamedMessages::default()
                }
            }
            (id, _) => NamedMessages {
                ids: vec![id],
                ..NamedMessages::default()
            },
        };
        let found = self.named_messages(actor, &conversation, named).await?;
        found.into_iter().next().ok_or_else(|| {
            Error::not_found(format!(
                "message: {} has no such message that {} may see",
                request.channel_id, actor.uid
            ))
        })
    }

    async fn named_messages(
        &self,
        actor: &Actor,
        conversation: &ConversationId,
        named: NamedMessages,
    ) -> Result<Vec<ServerMessage>> {
        let (uid, read_conversation) = (actor.uid.clone(), conversation.clone());
        let found = self
            .read(move |db| messaging::messages_named(db, &uid, &read_conversation, &named))
            .await?;
        Ok(found
            .iter()
            .map(|message| present::server_message(message, Some(&actor.uid), conversation))
            .collect())
    }

    /// `GET /channel/last_message`: the channel's newest message, whoever may see it, as
    /// WuKongIM answers it; `login_uid` names a personal or system channel (theirs and
    /// `channel_id`'s, or theirs), as in [`Natter::max_message_seq`]. 404 when it has none.
    pub async fn channel_last_message(
        &self,
        login_uid: Option<&str>,
        channel_id: &str,
        channel_type: i64,
    ) -> Result<ServerMessage> {
        let conversation = ConversationId::from_channel(channel_type, channel_id)?;
        let owner = channel_owner(login_uid, &conversation)?;
        self.channel_message(owner, conversation, ChannelMessage::Newest)
            .await
    }

    /// `GET /message/byclientmsgno`: the channel's message of a client number, whoever may see
    /// it. A personal channel is named as WuKongIM names it, `uid1@uid2` in either order, or by
    /// `login_uid` and the peer; a system channel by `login_uid`. 404 when there is none.
    pub async fn message_by_client_msg_no(
        &self,
        login_uid: Option<&str>,
        channel_id: &str,
        channel_type: i64,
        client_msg_no: &str,
    ) -> Result<ServerMessage> {
        if client_msg_no.is_empty() {
            return Err(Error::invalid_argument(
                "client_msg_no: give the message's client number",
            ));
        }
        refuse_nul("client_msg_no", client_msg_no)?;
        let (owner, conversation) = match (login_uid, ChannelKind::from_code(channel_type)) {
            (None, Some(ChannelKind::Personal)) => {
                let (one, other) = channel_id.split_once('@').ok_or_else(|| {
                    Error::invalid_argument(
                        "channel_id: a personal channel is `uid1@uid2`, or the peer with login_uid",
                    )
                })?;
                let other = ConversationId::C2c(Uid::parse(other, "channel_id")?);
                (Some(Uid::parse(one, "channel_id")?), other)
            }
            _ => {
                let conversation = ConversationId::from_channel(channel_type, channel_id)?;
                (channel_owner(login_uid, &conversation)?, conversation)
            }
        };
        let which = ChannelMessage::ByClientMsgNo(client_msg_no.to_owned());
        self.channel_message(owner, conversation, which).await
    }

    /// A message of a channel, presented as WuKongIM presents it: a personal message's
    /// `channel_id` is the party that did not send it (`owner` is one of the two).
    async fn channel_message(
        &self,
        owner: Option<Uid>,
        conversation: ConversationId,
        which: ChannelMessage,
    ) -> Result<ServerMessage> {
        let (read_owner, read_conversation) = (owner.clone(), conversation.clone());
        let found = self
            .read(move |db| {
                messaging::channel_message(db, read_owner.as_ref(), &read_conversation, &which)
            })
            .await?
            .ok_or_else(|| Error::not_found("message: the channel has no such message"))?;
        Ok(present::server_message(
            &found,
            owner.as_ref(),
            &conversation,
        ))
    }

    /// `POST /conversation/channels`: the channels of the user's conversations (archived
    /// included), most recent first, as WuKongIM lists them for its plugins; a personal
    /// channel by the peer's uid.
    pub async fn conversation_channels(&self, actor: &Actor) -> Result<Vec<ChannelRef>> {
        let uid = actor.uid.clone();
        let listed = self
            .read(move |db| conversations::changes_since(db, &uid, 0, None))
            .await?
            .changed;
        Ok(most_recent_first(listed)
            .iter()
            .filter(|view| view.id != ConversationId::System)
            .map(|view| {
                let (channel_id, channel_type) = channel_key(&view.id);
                ChannelRef {
                    channel_id,
                    channel_type,
                }
            })
            .collect())
    }

    /// `POST /conversation/syncByChannels`: each named channel, in the order named, as
    /// `/conversation/sync` answers a conversation: the user's unread count and read position
    /// in it and its newest `msg_count` messages they may see, whether or not they list it.
    /// A channel they cannot see comes back with no messages.
    pub async fn sync_by_channels(
        &self,
        actor: &Actor,
        request: SyncByChannelsRequest,
    ) -> Result<Vec<ServerConversation>> {
        let named = request
            .channels
            .iter()
            .map(|channel| (channel.channel_type, channel.channel_id.as_str()));
        let channels = named_channels(named)?;
        let starts = vec![1; channels.len()];
        let limit = recent_count(request.msg_count);
        let sides = self
            .channel_sides(actor, &channels, starts, RangeEnd::Newest, limit)
            .await?;
        Ok(channels
            .iter()
            .zip(&sides)
            .map(|(conversation, side)| {
                channel_conversation(
                    &actor.uid,
                    conversation,
                    side.state.as_ref(),
                    side.channel_last_seq,
                    &side.history,
                )
            })
            .collect())
    }

    /// `POST /conversation/syncMessages`: the messages of each named channel from its
    /// `last_msg_seq` on that the user may see: the newest `msg_count`, newest first, with
    /// `order_by_last` 1; else the oldest, oldest first. Each names the user's own newest seq
    /// there, from which WuKongIM's callers count unread messages.
    pub async fn sync_recent_messages(
        &self,
        actor: &Actor,
        request: SyncMessagesRequest,
    ) -> Result<Vec<ChannelRecentMessages>> {
        let named = request
            .channels
            .iter()
            .map(|channel| (channel.channel_type, channel.channel_id.as_str()));
        let channels = named_channels(named)?;
        let from = match request.order_by_last {
            0 => RangeEnd::Oldest,
            1 => RangeEnd::Newest,
            other => {
                return Err(Error::invalid_argument(format!(
                    "order_by_last: {other} is not an order; use 0 (oldest first) or 1 \
                     (newest first)"
                )));
            }
        };
        let starts = request
            .channels
            .iter()
            .map(|channel| channel.last_msg_seq.max(1))
            .collect();
        let limit = recent_count(request.msg_count);
        let sides = self
            .channel_sides(actor, &channels, starts, from, limit)
            .await?;
        Ok(channels
            .iter()
            .zip(&sides)
            .map(|(conversation, side)| {
                let messages = match from {
                    RangeEnd::Newest => newest_first(&actor.uid, conversation, &side.history),
                    RangeEnd::Oldest => side
                        .history
                        .messages
                        .iter()
                        .map(|message| {
                            present::server_message(message, Some(&actor.uid), conversation)
                        })
                        .collect(),
                };
                ChannelRecentMessages {
                    channel_id: present::channel_id(conversation),
                    channel_type: conversation.kind().code(),
                    messages,
                    user_last_msg_seq: side.state.as_ref().map_or(0, |state| state.own_last_seq),
                }
            })
            .collect())
    }

    /// The user's side of each channel, read together: up to `limit` messages from its start
    /// seq on, the nearest to `from`.
    async fn channel_sides(
        &self,
        actor: &Actor,
        channels: &[ConversationId],
        starts: Vec<u64>,
        from: RangeEnd,
        limit: u32,
    ) -> Result<Vec<ChannelSide>> {
        let (uid, channels) = (actor.uid.clone(), channels.to_vec());
        self.read(move |db| {
            channels
                .iter()
                .zip(starts)
                .map(|(conversation, first)| {
                    let range = SeqRange {
                        first,
                        last: u64::MAX,
                        from,
                    };
                    messaging::channel_side(db, &uid, conversation, range, limit)
                })
                .collect()
        })
        .await
    }

    /// `POST /user/onlinestatus`: the devices of these users with a connection open on any
    /// node of the cluster, one entry per user and device flag. Those on this node count at
    /// once, before the presence task has recorded them.
    pub async fn online_status(&self, uids: &[String]) -> Result<Vec<OnlineStatus>> {
        let uids = uids
            .iter()
            .map(|uid| Uid::parse(uid, "uids"))
            .collect::<Result<Vec<_>>>()?;
        let asked = uids.clone();
        let recorded = self
            .read(move |db| {
                let asked: Vec<&Uid> = asked.iter().collect();
                presence::device_flags_among(db, &asked, live_since(now_ms()))
            })
            .await?;
        let mut online = Vec::new();
        for uid in &uids {
            let mut flags: Vec<u8> = recorded
                .iter()
                .filter(|(holder, _)| holder == uid)
                .map(|(_, flag)| *flag)
                .chain(self.events.device_flags_of(uid))
                .collect();
            flags.sort_unstable();
            flags.dedup();
            online.extend(flags.into_iter().map(|device_flag| OnlineStatus {
                uid: uid.to_string(),
                device_flag,
                online: 1,
            }));
        }
        Ok(online)
    }
}

/// A conversation of the sync answer, if it has messages the client lacks.
fn server_conversation(
    viewer: &Uid,
    view: &ConversationView,
    recents: &History,
) -> Option<ServerConversation> {
    recents.messages.last()?;
    Some(channel_conversation(
        viewer,
        &view.id,
        Some(&view.state),
        view.channel_last_seq,
        recents,
    ))
}

/// A channel in `/conversation/sync`'s shape, with `recents` (oldest first) as its recent
/// messages; `state` is the viewer's in it, if they have a conversation there.
fn channel_conversation(
    viewer: &Uid,
    conversation: &ConversationId,
    state: Option<&ConversationState>,
    channel_last_seq: u64,
    recents: &History,
) -> ServerConversation {
    let last = recents.messages.last();
    let time_ms = last.map_or(0, |message| message.time_ms);
    ServerConversation {
        channel_id: present::channel_id(conversation),
        channel_type: conversation.kind().code(),
        unread: state.map_or(0, |state| state.unread(channel_last_seq)),
        timestamp: time_ms / 1000,
        last_msg_seq: last.map_or(0, |message| message.seq),
        last_client_msg_no: last
            .and_then(|message| message.client_msg_no.clone())
            .unwrap_or_default(),
        offset_msg_seq: state.map_or(0, |state| state.cleared_to_seq),
        readed_to_msg_seq: state.map_or(0, ConversationState::read_floor),
        version: time_ms.saturating_mul(1_000_000),
        recents: newest_first(viewer, conversation, recents),
    }
}

/// `history`'s messages (oldest first) in WuKongIM's shape, newest first.
fn newest_first(
    viewer: &Uid,
    conversation: &ConversationId,
    history: &History,
) -> Vec<ServerMessage> {
    history
        .messages
        .iter()
        .rev()
        .map(|message| present::server_message(message, Some(viewer), conversation))
        .collect()
}

/// The list order: the most recent activity first, as WuKongIM's conversation list.
fn most_recent_first(mut views: Vec<ConversationView>) -> Vec<ConversationView> {
    // Two messages may land in one millisecond: the user's version, which every change raises,
    // says which came last.
    views.sort_by_key(|view| std::cmp::Reverse((view.state.activity_ms, view.version)));
    views
}

/// WuKongIM's paging of the sync: page 0 is everything; pages count from 1.
fn page_of(views: Vec<ConversationView>, page: u32, page_size: u32) -> Vec<ConversationView> {
    if page == 0 {
        return views;
    }
    let size = match page_size {
        0 => DEFAULT_SYNC_PAGE,
        size => size.min(MAX_SYNC_PAGE),
    } as usize;
    views
        .into_iter()
        .skip((page as usize - 1).saturating_mul(size))
        .take(size)
        .collect()
}

fn channel_key(conversation: &ConversationId) -> ChannelKey {
    (
        present::channel_id(conversation),
        conversation.kind().code(),
    )
}

/// Parses `channel_id:channel_type:last_msg_seq|…` as WuKongIM's `getChannelLastMsgSeqMap`
/// does, so that an SDK's sync answers alike on both: an entry without exactly three parts is
/// skipped, and a channel type or seq that is not a number reads as 0 (a seq of 0 asks for the
/// conversation as if it were not listed; a channel type of 0 names no channel).
fn parse_last_msg_seqs(text: &str) -> HashMap<ChannelKey, u64> {
    text.split('|')
        .filter_map(|entry| {
            let parts: Vec<&str> = entry.split(':').collect();
            let [channel_id, channel_type, seq] = parts[..] else {
                return None;
            };
            let channel_type = channel_type.parse().unwrap_or(0);
            Some((
                (channel_id.to_owned(), channel_type),
                seq.parse().unwrap_or(0),
            ))
        })
        .collect()
}

/// The channels a call names, 1 to [`MAX_NAMED_CHANNELS`], each as `(channel_type,
/// channel_id)`: a personal channel by the peer's uid.
fn named_channels<'a>(
    named: impl ExactSizeIterator<Item = (i64, &'a str)>,
) -> Result<Vec<ConversationId>> {
    if named.len() == 0 || named.len() > MAX_NAMED_CHANNELS {
        return Err(Error::invalid_argument(format!(
            "channels: {} named; name 1 to {MAX_NAMED_CHANNELS}",
            named.len()
        )));
    }
    named
        .map(|(channel_type, channel_id)| ConversationId::from_channel(channel_type, channel_id))
        .collect()
}

/// `msg_count` as WuKongIM's conversation calls read it: 15 when not given, and at most a page.
fn recent_count(msg_count: u32) -> u32 {
    match msg_count {
        0 => DEFAULT_RECENT_MESSAGES,
        count => count.min(MAX_PAGE_SIZE),
    }
}

/// The user whose side names a personal or system channel, which `login_uid` must give; a
/// group's channel needs none.
fn channel_owner(login_uid: Option<&str>, conversation: &ConversationId) -> Result<Option<Uid>> {
    match (login_uid, conversation) {
        (Some(uid), _) => Uid::parse(uid, "login_uid").map(Some),
        (None, ConversationId::Group(_)) => Ok(None),
        (None, _) => Err(Error::invalid_argument(
            "login_uid: give the user whose personal or system channel this is",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_msg_seqs_parse_as_wukongim_writes_them() {
        let held = parse_last_msg_seqs("bob:1:12|team-1:2:40|");
        assert_eq!(held.get(&("bob".into(), 1)), Some(&12));
        assert_eq!(held.get(&("team-1".into(), 2)), Some(&40));
        assert!(parse_last_msg_seqs("").is_empty());
    }

    #[test]
    fn a_malformed_entry_is_skipped_or_read_as_zero_as_wukongim_does() {
        let held = parse_last_msg_seqs("ok:1:1|bob:1|a:1:2:3|carol:x:4|dave:1:-3|erin:1:");
        let mut entries: Vec<_> = held.into_iter().collect();
        entries.sort();
        assert_eq!(
            entries,
            [
                (("carol".into(), 0), 4),
                (("dave".into(), 1), 0),
                (("erin".into(), 1), 0),
                (("ok".into(), 1), 1),
            ]
        );
    }
}
