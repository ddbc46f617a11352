//! Shapes stored values as the wire types of `natter_core::wire`.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use natter_core::group_rules::{GroupType, JoinOption, Role};
use natter_core::ids::SYSTEM_CONVERSATION_ID;
use natter_core::wire;
use natter_core::{ConversationId, Uid};
use natter_store::{ConversationView, StoredMessage};
use serde_json::Value;

/// Payloads are stored as the compact JSON text that was validated on send; a recalled
/// message's is gone, which clients see as `{}`.
fn payload_value(message: &StoredMessage) -> Value {
    serde_json::from_str(&message.payload).unwrap_or_else(|_| Value::Object(Default::default()))
}

pub(crate) fn message(stored: &StoredMessage, conversation: &ConversationId) -> wire::Message {
    wire::Message {
        message_id: stored.id.to_string(),
        conversation_id: conversation.to_string(),
        seq: stored.seq,
        from: stored.from.clone(),
        time: stored.time_ms,
        message_type: stored.message_type.clone(),
        payload: payload_value(stored),
        client_msg_id: stored.client_msg_no.clone(),
        cloud_custom_data: stored.cloud_custom_data.clone(),
        is_revoked: stored.revoked_by.is_some(),
        revoker: stored.revoked_by.clone(),
        nick: stored.sender.name.clone(),
        avatar: stored.sender.avatar.clone(),
        is_excluded_from_unread_count: stored.silent,
        version: stored.version,
        need_read_receipt: stored.needs_read_receipt,
        read_count: stored.read_count,
    }
}

/// The wire shape of a conversation, made from the view by moving its strings (a list page
/// builds one for each of up to 100 conversations). A new field made from another part of the
/// view must also be compared in `conversation_frames::same_apart_from_counts`, which decides
/// when two members' copies may share one text.
pub(crate) fn conversation(view: ConversationView) -> wire::Conversation {
    let unread_count = view.unread();
    let ConversationView {
        id,
        state,
        version,
        last_message,
        folders,
        shown,
        peer_read_seq,
        mentions,
        ..
    } = view;
    let prefs = state.prefs;
    let (user_profile, group_profile) = match &id {
        ConversationId::C2c(peer) => (
            Some(wire::UserProfile {
                user_id: peer.to_string(),
                nick: shown.name,
                avatar: shown.avatar,
            }),
            None,
        ),
        ConversationId::Group(group) => (
            None,
            Some(wire::GroupProfile {
                group_id: group.to_string(),
                name: shown.name,
                avatar: shown.avatar,
                group_type: shown.group_type,
            }),
        ),
        _ => (None, None),
    };
    wire::Conversation {
        conversation_id: id.to_string(),
        kind: id.type_name().to_owned(),
        unread_count,
        last_message: last_message.map(|last| {
            // A list page's views each hold their own; a group message's members share one.
            let last = Arc::unwrap_or_clone(last);
            wire::LastMessage {
                message_id: last.id.to_string(),
                seq: last.seq,
                time: last.time_ms,
                payload: payload_value(&last),
                is_revoked: last.revoked_by.is_some(),
                from: last.from,
                message_type: last.message_type,
                cloud_custom_data: last.cloud_custom_data,
                revoker: last.revoked_by,
                nick: last.sender.name,
            }
        }),
        cleared_to_seq: state.cleared_to_seq,
        peer_read_seq,
        is_pinned: prefs.pinned,
        is_archived: prefs.archived,
        message_remind_type: prefs.remind.name().to_owned(),
        mark_list: set_bits(prefs.marks).collect(),
        conversation_group_list: folders,
        draft_text: prefs.draft,
        custom_data: prefs.custom_data,
        version,
        user_profile,
        group_profile,
        group_at_info_list: mentions.map(|mentions| {
            mentions
                .into_iter()
                .map(|mention| wire::GroupAtInfo {
                    seq: mention.seq,
                    from: mention.from,
                    at_type: mention.at_type.code(),
                })
                .collect()
        }),
    }
}

/// Each bit set in `marks`, lowest first, as a mark of its own.
fn set_bits(mut marks: u64) -> impl Iterator<Item = u64> {
    std::iter::from_fn(move || {
        let lowest = marks & marks.wrapping_neg();
        marks ^= lowest;
        (lowest != 0).then_some(lowest)
    })
}

/// A message in WuKongIM's shape (its `MessageResp`), as `viewer` reads it in `conversation`
/// (`None` when the app reads it: then a personal conversation is the sender's). A personal
/// message names the party who did not send it as its channel, as WuKongIM does; the app
/// backend's own messages have an empty sender.
pub(crate) fn server_message(
    stored: &StoredMessage,
    viewer: Option<&Uid>,
    conversation: &ConversationId,
) -> wire::ServerMessage {
    let channel_id = match (conversation, viewer) {
        (ConversationId::C2c(_), Some(viewer)) if stored.from != viewer.as_str() => {
            viewer.to_string()
        }
        (ConversationId::C2c(peer), _) => peer.to_string(),
        (other, _) => channel_id(other),
    };
    let from_uid = if stored.from == SYSTEM_CONVERSATION_ID {
        String::new()
    } else {
        stored.from.clone()
    };
    wire::ServerMessage {
        header: wire::MessageHeader {
            no_persist: 0,
            red_dot: u8::from(!stored.silent),
            sync_once: 0,
        },
        setting: wukongim_setting(stored),
        message_id: stored.id,
        message_idstr: stored.id.to_string(),
        client_msg_no: stored.client_msg_no.clone().unwrap_or_default(),
        message_seq: stored.seq,
        from_uid,
        channel_id,
        channel_type: conversation.kind().code(),
        expire: 0,
        timestamp: stored.time_ms / 1000,
        payload: BASE64.encode(wukongim_payload(stored)),
    }
}

/// The payload bytes WuKongIM's clients read: the stored JSON, with the client API's text in
/// WuKongIM's shape. A recalled message's payload is gone: `{}`.
fn wukongim_payload(stored: &StoredMessage) -> String {
    let content =
        natter_core::message::wukongim_content(&stored.message_type, &payload_value(stored));
    content.to_string()
}

/// WuKongIM's `channel_id` for a conversation: the peer's uid or the group ID.
pub(crate) fn channel_id(conversation: &ConversationId) -> String {
    match conversation {
        ConversationId::C2c(peer) => peer.to_string(),
        ConversationId::Group(group) => group.to_string(),
        ConversationId::System => conversation.to_string(),
    }
}

pub(crate) fn profile(profile: &natter_store::UserProfile) -> wire::Profile {
    wire::Profile {
        user_id: profile.uid.to_string(),
        nick: profile.nick.clone(),
        avatar: profile.avatar.clone(),
        custom_fields: profile.custom_fields.clone(),
        allow_type: profile.allow_type,
        details: profile.details.clone(),
    }
}

/// When a mute ending at `until_ms` ends as a client is told at `now_ms`: in Unix seconds, 0 for
/// none or one that has passed.
pub(crate) fn mute_until(until_ms: i64, now_ms: i64) -> u64 {
    if until_ms > now_ms {
        u64::try_from(until_ms).unwrap_or(0).div_ceil(1000)
    } else {
        0
    }
}

/// A group's member as the other members see them at `now_ms`, in a group whose owner (if any)
/// is `owner`: a mute that has passed shows as none.
pub(crate) fn group_member(
    member: &natter_store::GroupMemberProfile,
    owner: Option<&natter_core::Uid>,
    now_ms: i64,
) -> wire::GroupMember {
    let (profile, marks) = (&member.profile, &member.marks);
    let role = Role::of(owner == Some(&profile.uid), marks.is_admin);
    let mute_until = mute_until(marks.muted_until_ms, now_ms);
    wire::GroupMember {
        user_id: profile.uid.to_string(),
        nick: profile.nick.clone(),
        avatar: profile.avatar.clone(),
        role: role.as_str().to_owned(),
        mute_until,
        name_card: marks.name_card.clone(),
        member_custom_field: custom_field_list(&marks.custom_fields),
        join_time: unix_secs(member.joined_ms),
    }
}

/// A time in milliseconds as Tencent's Unix seconds; 0 for none (0, or before the epoch).
fn unix_secs(ms: i64) -> u64 {
    u64::try_from(ms / 1000).unwrap_or(0)
}

/// The asking user, when they are a current member of the group: who they are, and their own
/// side of it (their name card, when they joined).
#[derive(Debug, Clone, Copy)]
pub(crate) struct AskingMember<'a> {
    pub uid: &'a natter_core::Uid,
    pub own: &'a natter_store::group_members::SelfInGroup,
}

/// The group as `member` sees it: `Some` of the asking user when they are a current member,
/// `None` when they are not (a former member, or anyone looking a public group up).
pub(crate) fn group(
    profile: &natter_store::GroupProfile,
    member: Option<AskingMember<'_>>,
) -> wire::Group {
    let self_role = member.map_or("", |member| {
        Role::of(
            profile.owner.as_ref() == Some(member.uid),
            profile.admins.contains(member.uid),
        )
        .as_str()
    });
    wire::Group {
        group_id: profile.group.to_string(),
        name: profile.name.clone(),
        avatar: profile.avatar.clone(),
        group_type: profile.group_type.clone(),
        notification: profile.notice.clone(),
        introduction: profile.introduction.clone(),
        owner_id: profile
            .owner
            .as_ref()
            .map_or_else(String::new, ToString::to_string),
        join_option: effective_join_option(profile).as_str().to_owned(),
        mute_all_members: profile.mute_all,
        member_count: profile.member_count,
        max_member_count: profile.max_member_count,
        is_support_topic: profile.supports_topics,
        is_dismissed: profile.dismissed,
        self_role: self_role.to_owned(),
        self_name_card: member.map_or_else(String::new, |member| member.own.name_card.clone()),
        self_join_time: member.map_or(0, |member| unix_secs(member.own.joined_ms)),
        group_custom_field: custom_field_list(&profile.custom_fields),
    }
}

/// Custom fields as Tencent lists them, by key.
pub(crate) fn custom_field_list(
    fields: &std::collections::BTreeMap<String, String>,
) -> Vec<wire::CustomField> {
    let field = |(key, value): (&String, &String)| wire::CustomField {
        key: key.clone(),
        value: value.clone(),
    };
    fields.iter().map(field).collect()
}

/// The join option the group's rules apply (the stored type is one of Tencent's: every path
/// that sets it checks it).
fn effective_join_option(profile: &natter_store::GroupProfile) -> JoinOption {
    GroupType::parse(&profile.group_type)
        .unwrap_or(GroupType::Work)
        .join_option(JoinOption::parse(&profile.join_option))
}

pub(crate) fn group_brief(profile: &natter_store::GroupProfile) -> wire::GroupProfile {
    wire::GroupProfile {
        group_id: profile.group.to_string(),
        name: profile.name.clone(),
        avatar: profile.avatar.clone(),
        group_type: profile.group_type.clone(),
    }
}

pub(crate) fn message_change(change: &natter_store::MessageChange) -> wire::MessageChange {
    let (kind, message) = match &change.kind {
        natter_store::MessageChangeKind::Recalled => ("revoked", None),
        natter_store::MessageChangeKind::Deleted => ("deleted", None),
        natter_store::MessageChangeKind::Modified(message) => (
            "modified",
            Some(self::message(message, &change.conversation)),
        ),
    };
    wire::MessageChange {
        conversation_id: change.conversation.to_string(),
        message_id: change.message_id.to_string(),
        seq: change.seq,
        change: kind.to_owned(),
        message,
    }
}

/// A user as a list of people shows them (who reacted to a message, …).
pub(crate) fn user(profile: &natter_store::UserProfile) -> wire::UserProfile {
    wire::UserProfile {
        user_id: profile.uid.to_string(),
        nick: profile.nick.clone(),
        avatar: profile.avatar.clone(),
    }
}

/// A message's WuKongIM setting bits: only whether it asks for read receipts.
pub(crate) fn wukongim_setting(stored: &StoredMessage) -> u8 {
    if stored.needs_read_receipt {
        wire::SETTING_RECEIPT
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::set_bits;

    #[test]
    fn set_bits_are_each_set_bit_lowest_first() {
        assert_eq!(set_bits(0).count(), 0);
        let marks = 1 | 8 | (1 << 40) | (1 << 63);
        assert_eq!(
            set_bits(marks).collect::<Vec<_>>(),
            [1, 8, 1 << 40, 1 << 63]
        );
    }
}
