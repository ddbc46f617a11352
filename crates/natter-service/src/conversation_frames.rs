//! The `conversationListUpdated` frames of one new message, one for each online member.
//!
//! A group message changes every member's copy of the same conversation, and the copies
//! usually differ only in their unread count and version: the last message, the group's
//! profile and the default settings are the same for all. Building and serialising each
//! member's conversation anew was a fifth of the server's CPU in a group fan-out
//! (`BENCHMARKS.md`, round two, sixteenth pass), so the first member's text is split around
//! those two numbers and every member whose conversation matches it in everything else gets
//! the text with their own numbers written in. A member whose copy differs (pinned, a draft,
//! in a folder, cleared to another seq) gets their conversation built and serialised whole.

use std::fmt::Write;
use std::sync::Arc;

use natter_core::wire::ServerEvent;
use natter_store::ConversationView;

use crate::events::Frame;
use crate::present;

/// Makes the members' frames of one message, in the order the members come.
#[derive(Default)]
pub(crate) struct ConversationFrames<'a> {
    /// The first member's conversation and frame, which the others are compared with.
    first: Option<(&'a ConversationView, Frame)>,
    /// The first member's text split around its two numbers, once a second member matches;
    /// `None` inside when the text could not be split (then every member is built whole).
    template: Option<Option<Template>>,
}

impl<'a> ConversationFrames<'a> {
    /// The frame telling a member's devices that `view`, their copy of the conversation,
    /// changed.
    pub(crate) fn frame(&mut self, view: &'a ConversationView) -> Frame {
        let Some((first, first_frame)) = &self.first else {
            let frame = built(view);
            self.first = Some((view, frame.clone()));
            return frame;
        };
        if !same_apart_from_counts(first, view) {
            return built(view);
        }
        let template = self
            .template
            .get_or_insert_with(|| Template::split(first_frame.json(), first));
        match template {
            Some(template) => Frame::from_text(template.render(view), Some(view.version)),
            None => built(view),
        }
    }
}

/// The frame of one conversation, built and serialised whole.
fn built(view: &ConversationView) -> Frame {
    let event = ServerEvent::ConversationListUpdated {
        conversation_list: vec![present::conversation(view.clone())],
    };
    Frame::new(event, Some(view.version))
}

/// Whether two copies of a conversation show the same on the wire in everything but their
/// unread count and version (each field of `present::conversation`'s, by what it is made of).
fn same_apart_from_counts(one: &ConversationView, other: &ConversationView) -> bool {
    one.id == other.id
        && one.state.prefs == other.state.prefs
        && one.state.cleared_to_seq == other.state.cleared_to_seq
        && one.folders == other.folders
        && one.shown == other.shown
        && one.last_message == other.last_message
        && one.peer_read_seq == other.peer_read_seq
        && one.mentions == other.mentions
}

/// A frame's text cut around a conversation's unread count and version.
struct Template {
    /// Up to the unread count.
    head: String,
    /// Between the unread count and the version.
    middle: String,
    /// After the version.
    tail: String,
}

impl Template {
    /// Splits `text`, the frame of `view`, at its conversation's `unreadCount` and `version`.
    /// In JSON text `"unreadCount":` can only be an object's key (inside a string its quotes
    /// would be escaped), so the first one is the conversation's own, written before its last
    /// message, whose payload may hold another; and the last `"version":` is the
    /// conversation's, after which come only the profiles' strings. Each number found is
    /// checked against the view's before the text is used.
    fn split(text: &str, view: &ConversationView) -> Option<Template> {
        let at = text.find(UNREAD_KEY)? + UNREAD_KEY.len();
        let (head, unread, after_unread) = split_number(text, at)?;
        let at = after_unread.rfind(VERSION_KEY)? + VERSION_KEY.len();
        let (middle, version, tail) = split_number(after_unread, at)?;
        (unread == view.unread() && version == view.version).then(|| Template {
            head: head.to_owned(),
            middle: middle.to_owned(),
            tail: tail.to_owned(),
        })
    }

    /// The frame's text with `view`'s unread count and version.
    fn render(&self, view: &ConversationView) -> Arc<str> {
        let mut text =
            String::with_capacity(self.head.len() + self.middle.len() + self.tail.len() + 40);
        text.push_str(&self.head);
        let _ = write!(text, "{}", view.unread());
        text.push_str(&self.middle);
        let _ = write!(text, "{}", view.version);
        text.push_str(&self.tail);
        text.into()
    }
}

const UNREAD_KEY: &str = "\"unreadCount\":";
const VERSION_KEY: &str = "\"version\":";

/// `text` cut at `at`, where a whole number starts: what comes before it, the number, and
/// what comes after it.
fn split_number(text: &str, at: usize) -> Option<(&str, u64, &str)> {
    let (before, from) = text.split_at(at);
    let digits = from.bytes().take_while(u8::is_ascii_digit).count();
    let number = from[..digits].parse().ok()?;
    Some((before, number, &from[digits..]))
}

#[cfg(test)]
mod tests {
    use natter_core::ConversationId;
    use natter_core::rules::{ConversationState, RemindType};
    use natter_core::wire;
    use natter_store::{Shown, StoredMessage};

    use super::*;

    fn message(payload: &str) -> StoredMessage {
        StoredMessage {
            id: 7_000_000_001,
            seq: 41,
            from: "ann".into(),
            time_ms: 1_764_000_000_000,
            client_msg_no: Some("c-1".into()),
            message_type: "TIMTextElem".into(),
            payload: payload.to_owned(),
            cloud_custom_data: String::new(),
            revoked_by: None,
            sender: Shown {
                name: "Ann".into(),
                ..Shown::default()
            },
            silent: false,
            version: 0,
            needs_read_receipt: false,
            read_count: 0,
        }
    }

    fn member(read_seq: u64, version: u64, payload: &str) -> ConversationView {
        let state = ConversationState {
            read_seq,
            listed: true,
            ..ConversationState::default()
        };
        ConversationView {
            id: ConversationId::parse("GROUPteam").unwrap(),
            state,
            version,
            channel_last_seq: 41,
            last_message: Some(Arc::new(message(payload))),
            folders: Vec::new(),
            shown: Shown {
                name: "The \"team\"".into(),
                avatar: String::new(),
                group_type: "Public".into(),
            },
            peer_read_seq: 0,
            unread_total: Some(3),
            mentions: None,
        }
    }

    /// What the frame must read: the member's conversation built and serialised whole.
    fn expected(view: &ConversationView) -> String {
        wire::encode_text(built(view).event()).unwrap()
    }

    #[test]
    fn members_who_differ_only_in_counts_get_the_shared_text_with_their_own_numbers() {
        // A payload holding the same keys as the conversation, as keys and inside a string.
        let payload = r#"{"unreadCount":1,"version":2,"text":"\"unreadCount\":3,\"version\":4"}"#;
        let members = [
            member(40, 7, payload),
            member(30, 1_000_000, payload),
            member(41, 12, payload),
        ];
        let mut frames = ConversationFrames::default();
        for view in &members {
            let frame = frames.frame(view);
            assert_eq!(&**frame.json(), expected(view));
            assert_eq!(frame.version, Some(view.version));
            assert_eq!(frame.event(), built(view).event(), "parsed back the same");
        }
        assert!(
            matches!(frames.template, Some(Some(_))),
            "the text was shared"
        );
    }

    #[test]
    fn a_member_whose_copy_differs_gets_it_built_whole() {
        let payload = r#"{"text":"hi"}"#;
        let mut pinned = member(30, 8, payload);
        pinned.state.prefs.pinned = true;
        let mut muted = member(30, 9, payload);
        muted.state.prefs.remind = RemindType::AcceptNotNotify;
        let mut filed = member(30, 10, payload);
        filed.folders = vec!["work".into()];
        let mut cleared = member(30, 11, payload);
        cleared.state.cleared_to_seq = 20;
        let members = [member(40, 7, payload), pinned, muted, filed, cleared];
        let mut frames = ConversationFrames::default();
        for view in &members {
            assert_eq!(&**frames.frame(view).json(), expected(view));
        }
        assert!(frames.template.is_none(), "no member matched the first");
    }
}
