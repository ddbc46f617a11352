//! Between Natter's names and WuKongIM's: conversations and channels, stored payloads and
//! WuKongIM message contents, and the bus's events as RECVs (recalls as WuKongIM apps'
//! `messageRevoke` command).
//!
//! # Channels
//!
//! A WuKongIM person channel (type 1) is named by the other user's UID, a group channel (type
//! 2) by the group ID: `C2C<uid>` and `GROUP<groupID>` in Natter, each from its own user's
//! point of view, as WuKongIM names a channel to each side. Natter's `@TIM#SYSTEM`, where the
//! app backend's own messages to a user arrive (`POST /message/send` with an empty
//! `from_uid`, WuKongIM's system commands among them), is channel `@TIM#SYSTEM` of type 100,
//! as on the server API; its messages, and the app's messages in a group, have an empty
//! `from_uid`, as WuKongIM's system sender reads on its server API. Clients cannot send to it.
//! Other channel types (customer service, community, live, data, …) have no Natter
//! counterpart.
//!
//! # Payloads
//!
//! A WuKongIM client's payload is stored as it came: a JSON object `{"type": n, …}`, whose
//! content type gives the message's element type
//! ([`natter_core::message::type_of_wukongim_payload`]: 1 text, 2 image, 4 voice, 5 video, 6
//! location, 8 file, anything else custom). Going out, WuKongIM clients get every payload in
//! WuKongIM's shape ([`natter_core::message::wukongim_content`], which
//! the server API's WuKongIM routes use too):
//!
//! | stored | to a WuKongIM client |
//! |---|---|
//! | a payload with a numeric `type` (WuKongIM's own, from a WuKongIM client or `POST /message/send`) | as stored |
//! | `TIMTextElem` `{"text": t}` (the client API's text) | `{"type": 1, "content": t}` |
//! | `TIMImageElem`, `TIMSoundElem`, `TIMVideoFileElem`, `TIMFileElem` (the client API's media) | WuKongIM's media content of the same kind: image 2, voice 4, video 5, file 8 |
//! | `TIMRelayElem` (a chat record) | a text: its `compatibleText`, else its title |
//! | anything else (`TIMCustomElem`, location, sticker) | as stored; with no `type`, the SDKs show it as unknown content |

use bytes::Bytes;
use natter_core::ids::SYSTEM_CONVERSATION_ID;
use natter_core::wire::{Message, ServerEvent};
use natter_core::{ChannelKind, Uid, message};
use natter_wukongim::{ChannelType, Flags, RecvPacket, Setting, StreamFlag};

use crate::devices::Pending;

/// Natter's conversation ID for a channel a WuKongIM client names, or `None` for a channel
/// type Natter does not have.
pub fn conversation_of(channel_id: &str, channel_type: ChannelType) -> Option<String> {
    match channel_type {
        ChannelType::Person => Some(format!("{}{channel_id}", natter_core::ids::C2C_PREFIX)),
        ChannelType::Group => Some(format!("{}{channel_id}", natter_core::ids::GROUP_PREFIX)),
        _ => None,
    }
}

/// The WuKongIM channel of a conversation ID.
pub fn channel_of(conversation_id: &str) -> Option<(&str, ChannelType)> {
    if let Some(uid) = conversation_id.strip_prefix(natter_core::ids::C2C_PREFIX) {
        return Some((uid, ChannelType::Person));
    }
    if let Some(group) = conversation_id.strip_prefix(natter_core::ids::GROUP_PREFIX) {
        return Some((group, ChannelType::Group));
    }
    if conversation_id == SYSTEM_CONVERSATION_ID {
        let code = ChannelKind::System.code() as u8;
        return Some((SYSTEM_CONVERSATION_ID, ChannelType::from(code)));
    }
    None
}

/// The RECV (unsealed) that tells `uid`'s device about a message, or `None` for a message
/// WuKongIM clients have no channel for, or one without a message ID Natter gave out.
///
/// `message_seq` is WuKongIM's 32 bits (a conversation's seq beyond that would wrap; no client
/// of protocol 2–5 can read more), `timestamp` its seconds. A message that is not stored
/// (seq 0) carries NO_PERSIST. RED_DOT is the send's own (WuKongIM's `setRedDotDisplay`):
/// set unless the message was sent silent (`red_dot` 0), and never on one's own messages. A
/// message without a client message number gets its message ID as one, so that every RECV of
/// it carries the same.
pub fn recv_of(uid: &Uid, message: &Message) -> Option<RecvPacket> {
    let (channel_id, channel_type) = channel_of(&message.conversation_id)?;
    let message_id = message.message_id.parse().ok()?;
    let content = message::wukongim_content(&message.message_type, &message.payload);
    let payload = serde_json::to_vec(&content).expect("JSON values serialise");
    Some(RecvPacket {
        flags: Flags {
            dup: false,
            sync_once: false,
            red_dot: !message.is_excluded_from_unread_count && message.from != uid.as_str(),
            no_persist: message.seq == 0,
        },
        setting: if message.need_read_receipt {
            Setting::RECEIPT
        } else {
            Setting::default()
        },
        msg_key: String::new(),
        from_uid: if message.from == SYSTEM_CONVERSATION_ID {
            String::new()
        } else {
            message.from.clone()
        },
        channel_id: channel_id.to_owned(),
        channel_type,
        expire: 0,
        client_msg_no: message
            .client_msg_id
            .clone()
            .unwrap_or_else(|| message.message_id.clone()),
        stream_flag: StreamFlag::Start,
        stream_no: String::new(),
        stream_id: 0,
        message_id,
        message_seq: message.seq as u32,
        timestamp: (message.time / 1000).clamp(0, i64::from(u32::MAX)) as u32,
        topic: String::new(),
        payload: Bytes::from(payload),
    })
}

/// WuKongIM has no recall of its own: its apps recall by sending the channel's members a
/// command, content type 99 `{"cmd": "messageRevoke", "param": {"message_id", "client_msg_no",
/// "channel_id", "channel_type"}}`, which their SDKs' CMD listeners (the Android SDK's
/// `wk_messageRevoke`) turn into a recalled message. Natter sends that command for every
/// recall, from the empty uid as the app's own messages, not kept, on the channel of the
/// recalled message, with `revoker` added. `None` for a channel WuKongIM clients lack.
pub fn revoke_command(stub: &Message) -> Option<RecvPacket> {
    let (channel_id, channel_type) = channel_of(&stub.conversation_id)?;
    let content = serde_json::json!({
        "type": message::WUKONGIM_CMD_TYPE,
        "cmd": "messageRevoke",
        "param": {
            "message_id": stub.message_id,
            "message_seq": stub.seq,
            "client_msg_no": stub.client_msg_id.clone().unwrap_or_else(|| stub.message_id.clone()),
            "channel_id": channel_id,
            "channel_type": u8::from(channel_type),
            "revoker": stub.revoker,
        },
    });
    let id = natter_service::transient_id() as u64;
    Some(RecvPacket {
        flags: Flags {
            dup: false,
            sync_once: false,
            red_dot: false,
            no_persist: true,
        },
        setting: Setting::default(),
        msg_key: String::new(),
        from_uid: String::new(),
        channel_id: channel_id.to_owned(),
        channel_type,
        expire: 0,
        client_msg_no: id.to_string(),
        stream_flag: StreamFlag::Start,
        stream_no: String::new(),
        stream_id: 0,
        message_id: id,
        message_seq: 0,
        timestamp: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_secs() as u32),
        topic: String::new(),
        payload: Bytes::from(serde_json::to_vec(&content).expect("JSON values serialise")),
    })
}

/// The messages of a bus event, as RECVs for `uid`'s device, and a recall as the
/// `messageRevoke` command WuKongIM apps send for one ([`revoke_command`]). WuKongIM's clients
/// learn of the other events (conversation list and unread changes, deletions, profiles) from
/// their app backend, as from WuKongIM: they are not sent.
pub(crate) fn recvs_of(uid: &Uid, event: &ServerEvent) -> Vec<(Pending, Option<String>)> {
    match event {
        ServerEvent::MessageRevoked { message_list } => message_list
            .iter()
            .filter_map(revoke_command)
            .map(|recv| (Pending::new(recv), None))
            .collect(),
        ServerEvent::MessageReceived { message_list } => message_list
            .iter()
            .filter(|message| !message.is_revoked)
            .filter_map(|message| {
                let from_self = message.from == uid.as_str();
                let number = message.client_msg_id.clone().filter(|_| from_self);
                recv_of(uid, message).map(|recv| (Pending::new(recv), number))
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn message(conversation: &str, from: &str, message_type: &str, payload: Value) -> Message {
        Message {
            message_id: "42".into(),
            conversation_id: conversation.into(),
            seq: 3,
            from: from.into(),
            time: 1_763_700_000_123,
            message_type: message_type.into(),
            payload,
            client_msg_id: None,
            cloud_custom_data: String::new(),
            is_revoked: false,
            revoker: None,
            nick: String::new(),
            avatar: String::new(),
            is_excluded_from_unread_count: false,
            version: 0,
            need_read_receipt: false,
            read_count: 0,
        }
    }

    #[test]
    fn channels_and_conversations_name_the_same_thing() {
        assert_eq!(
            conversation_of("bob", ChannelType::Person).as_deref(),
            Some("C2Cbob")
        );
        assert_eq!(
            conversation_of("team", ChannelType::Group).as_deref(),
            Some("GROUPteam")
        );
        assert_eq!(conversation_of("room", ChannelType::Data), None);
        assert_eq!(channel_of("C2Cbob"), Some(("bob", ChannelType::Person)));
        assert_eq!(channel_of("GROUPteam"), Some(("team", ChannelType::Group)));
        assert_eq!(
            channel_of("@TIM#SYSTEM"),
            Some(("@TIM#SYSTEM", ChannelType::Other(100)))
        );
        assert_eq!(
            conversation_of("@TIM#SYSTEM", ChannelType::Other(100)),
            None
        );
    }

    #[test]
    fn a_message_becomes_a_recv_from_the_receivers_point_of_view() {
        let bob = Uid::parse("bob", "uid").unwrap();
        let from_alice = message("C2Calice", "alice", message::TEXT, json!({"text": "hi"}));
        let recv = recv_of(&bob, &from_alice).unwrap();
        assert_eq!(
            (recv.channel_id.as_str(), recv.channel_type),
            ("alice", ChannelType::Person)
        );
        assert_eq!((recv.message_id, recv.message_seq), (42, 3));
        assert_eq!(recv.timestamp, 1_763_700_000);
        assert_eq!(recv.client_msg_no, "42");
        assert!(recv.flags.red_dot && !recv.flags.no_persist);
        assert_eq!(
            serde_json::from_slice::<Value>(&recv.payload).unwrap(),
            json!({"type": 1, "content": "hi"})
        );
        let mut own = message("C2Calice", "bob", message::TEXT, json!({"text": "yo"}));
        own.seq = 0;
        own.client_msg_id = Some("n1".into());
        let recv = recv_of(&bob, &own).unwrap();
        assert!(!recv.flags.red_dot && recv.flags.no_persist);
        assert_eq!(recv.client_msg_no, "n1");
        let event = ServerEvent::MessageReceived {
            message_list: vec![own, message("@TIM#SYSTEM", "@TIM#SYSTEM", "x", json!({}))],
        };
        let recvs = recvs_of(&bob, &event);
        assert_eq!(recvs.len(), 2);
        assert_eq!(recvs[0].1.as_deref(), Some("n1"), "bob's own number");
        let notice = &recvs[1].0;
        assert_eq!(
            (notice.channel_id.as_str(), notice.channel_type),
            ("@TIM#SYSTEM", ChannelType::Other(100))
        );
        assert_eq!(notice.from_uid, "", "the app's own messages have no sender");
        assert!(recvs_of(&bob, &ServerEvent::ResyncRequired { version: 1 }).is_empty());
    }

    #[test]
    fn a_silent_message_arrives_without_the_red_dot() {
        let bob = Uid::parse("bob", "uid").unwrap();
        let mut silent = message("C2Calice", "alice", message::TEXT, json!({"text": "psst"}));
        silent.is_excluded_from_unread_count = true;
        let recv = recv_of(&bob, &silent).unwrap();
        assert!(!recv.flags.red_dot && !recv.flags.no_persist && !recv.flags.sync_once);
    }

    #[test]
    fn a_recall_reaches_wukongim_clients_as_the_message_revoke_command() {
        let bob = Uid::parse("bob", "uid").unwrap();
        let mut stub = message("C2Calice", "alice", message::TEXT, json!({}));
        stub.is_revoked = true;
        stub.revoker = Some("alice".into());
        stub.client_msg_id = Some("c-7".into());
        let event = ServerEvent::MessageRevoked {
            message_list: vec![stub],
        };
        let recvs = recvs_of(&bob, &event);
        assert_eq!(recvs.len(), 1);
        let command = &recvs[0].0;
        assert_eq!(
            (command.channel_id.as_str(), command.channel_type),
            ("alice", ChannelType::Person),
            "on the channel of the recalled message"
        );
        assert_eq!(command.from_uid, "");
        assert!(command.flags.no_persist && !command.flags.red_dot);
        assert_ne!(command.message_id, 42, "a message ID of its own");
        assert_eq!(
            serde_json::from_slice::<Value>(&command.payload).unwrap(),
            json!({"type": 99, "cmd": "messageRevoke", "param": {"message_id": "42",
                "message_seq": 3, "client_msg_no": "c-7", "channel_id": "alice",
                "channel_type": 1, "revoker": "alice"}})
        );
    }
}
