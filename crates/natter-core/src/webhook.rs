//! Webhooks: the events an app backend hears of, and the rules that decide what they say. The
//! event names and bodies are WuKongIM's, so that a backend written for WuKongIM works unchanged.

use std::time::Duration;

use crate::Uid;
use crate::rules::RemindType;

/// What happened, as the `event` query parameter of a webhook request names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    /// A stored message reached members without an online device: the app pushes to them.
    MsgOffline,
    /// A message was stored.
    MsgNotify,
    /// A device connected or disconnected.
    OnlineStatus,
    /// Conversations were deleted from a user's list (Natter's own event).
    ConversationDeleted,
}

impl EventKind {
    pub const ALL: [EventKind; 4] = [
        EventKind::MsgOffline,
        EventKind::MsgNotify,
        EventKind::OnlineStatus,
        EventKind::ConversationDeleted,
    ];

    pub fn name(self) -> &'static str {
        match self {
            EventKind::MsgOffline => "msg.offline",
            EventKind::MsgNotify => "msg.notify",
            EventKind::OnlineStatus => "user.onlinestatus",
            EventKind::ConversationDeleted => "conversation.deleted",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// Whether one request carries several events as a JSON array. WuKongIM sends each
    /// `msg.offline` as one object, so a handler written for it reads one per request.
    pub fn is_batched(self) -> bool {
        self != EventKind::MsgOffline
    }

    /// A small index, for per-kind arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.name())
    }
}

/// Who a new message should be pushed to: the members other than its sender who have no
/// online device and whose remind type lets it notify them ([`RemindType::notifies_offline`]:
/// `AcceptNotNotify` and `Discard` mean "do not notify me", `AcceptNotNotifyExceptAt` "only of
/// mentions"). In the order given.
pub fn offline_recipients<'a>(
    sender: &str,
    members: impl IntoIterator<Item = (&'a Uid, RemindType)>,
    is_mentioned: impl Fn(&Uid) -> bool,
    is_online: impl Fn(&Uid) -> bool,
) -> Vec<Uid> {
    members
        .into_iter()
        .filter(|(uid, remind)| {
            uid.as_str() != sender && remind.notifies_offline(is_mentioned(uid)) && !is_online(uid)
        })
        .map(|(uid, _)| uid.clone())
        .collect()
}

/// The first pause after a failed delivery; each further failure doubles it.
const FIRST_RETRY: Duration = Duration::from_secs(1);
/// The longest pause between two attempts: a receiver that comes back is reached within it.
const LONGEST_RETRY: Duration = Duration::from_secs(300);

/// How long to wait before the next attempt after `failures` failed ones (at least 1):
/// 1 s, 2 s, 4 s, … up to 5 minutes.
pub fn retry_delay(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(16);
    (FIRST_RETRY * (1u32 << doublings)).min(LONGEST_RETRY)
}

/// One item of `user.onlinestatus`, WuKongIM's
/// `uid-device_flag-status-connection_id-device_online_count-total_online_count`: the counts
/// are the user's connections after the change, with this device flag and in all.
pub fn online_status_line(
    uid: &Uid,
    device_flag: u8,
    online: bool,
    connection: u64,
    device_online: u64,
    total_online: u64,
) -> String {
    format!(
        "{uid}-{device_flag}-{}-{connection}-{device_online}-{total_online}",
        u8::from(online)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uid(name: &str) -> Uid {
        Uid::parse(name, "uid").unwrap()
    }

    #[test]
    fn names_round_trip() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::from_name(kind.name()), Some(kind));
            assert_eq!(EventKind::ALL[kind.index()], kind);
        }
        assert_eq!(EventKind::from_name("msg.stream"), None);
    }

    #[test]
    fn a_push_is_for_offline_members_who_did_not_mute() {
        let [alice, bob, carol, dave, erin, fay, gus, hal, ivy] = [
            "alice", "bob", "carol", "dave", "erin", "fay", "gus", "hal", "ivy",
        ]
        .map(uid);
        let members = [
            (&alice, RemindType::AcceptAndNotify),
            (&bob, RemindType::AcceptAndNotify),
            (&carol, RemindType::AcceptNotNotify),
            (&dave, RemindType::Discard),
            (&erin, RemindType::AcceptAndNotify),
            (&fay, RemindType::AcceptNotNotifyExceptAt),
            (&gus, RemindType::AcceptNotNotifyExceptAt),
            (&hal, RemindType::NotReceiveExceptAt),
            (&ivy, RemindType::NotReceiveExceptAt),
        ];
        let online = |uid: &Uid| uid.as_str() == "erin";
        let mentioned = |uid: &Uid| ["carol", "fay", "hal"].contains(&uid.as_str());
        assert_eq!(
            offline_recipients("alice", members, mentioned, online),
            [bob, fay, hal],
            "not the sender, not the muted (a mention lets through only those muted but for \
             mentions), not the online"
        );
    }

    #[test]
    fn retries_back_off_exponentially_up_to_five_minutes() {
        let delays: Vec<u64> = (1..=10).map(|n| retry_delay(n).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300]);
        assert_eq!(retry_delay(u32::MAX).as_secs(), 300);
        assert_eq!(retry_delay(0).as_secs(), 1);
    }

    #[test]
    fn an_online_status_line_is_wukongims() {
        assert_eq!(
            online_status_line(&uid("alice"), 1, true, 77, 2, 3),
            "alice-1-1-77-2-3"
        );
        assert_eq!(
            online_status_line(&uid("alice"), 0, false, 78, 0, 0),
            "alice-0-0-78-0-0"
        );
    }
}
