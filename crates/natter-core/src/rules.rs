//! The conversation rules (docs/design.md, "The conversation rules").
//!
//! A user's view of a channel is a handful of watermarks over the channel's seqs. Every list
//! behaviour (unread counts, deletion, revival, clearing history) is a function of these numbers
//! and the channel's last seq, so no operation ever reads or writes the messages themselves.
//! The store loads a [`ConversationState`], applies one of these methods and saves it back in the
//! same transaction.

/// How a conversation notifies its user (the client SDK's `messageRemindType`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RemindType {
    #[default]
    AcceptAndNotify = 0,
    /// Muted: messages arrive but do not notify and do not count in the unread total.
    AcceptNotNotify = 1,
    /// Messages are not pushed; they do not count in the unread total either.
    Discard = 2,
    /// A group muted but for mentions (Tencent's `NOT_RECEIVE_OFFLINE_PUSH_EXCEPT_AT`): messages
    /// arrive, do not count in the unread total, and notify offline devices only when they
    /// mention the user or everyone.
    AcceptNotNotifyExceptAt = 3,
    /// A community topic that receives only what mentions the user or everyone (Tencent's
    /// `NOT_RECEIVE_MSG_EXCEPT_AT`): the others are stored and counted in the topic, but reach
    /// no device, online or offline; topics count in no unread total anyway.
    NotReceiveExceptAt = 4,
}

impl RemindType {
    pub fn from_code(code: i64) -> Self {
        match code {
            1 => Self::AcceptNotNotify,
            2 => Self::Discard,
            3 => Self::AcceptNotNotifyExceptAt,
            4 => Self::NotReceiveExceptAt,
            _ => Self::AcceptAndNotify,
        }
    }

    pub fn code(self) -> i64 {
        self as i64
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::AcceptAndNotify => "AcceptAndNotify",
            Self::AcceptNotNotify => "AcceptNotNotify",
            Self::Discard => "Discard",
            Self::AcceptNotNotifyExceptAt => "AcceptNotNotifyExceptAt",
            Self::NotReceiveExceptAt => "NotReceiveMsgExceptAt",
        }
    }

    pub const ALL: [Self; 5] = [
        Self::AcceptAndNotify,
        Self::AcceptNotNotify,
        Self::Discard,
        Self::AcceptNotNotifyExceptAt,
        Self::NotReceiveExceptAt,
    ];

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|remind| remind.name() == name)
    }

    /// Whether an offline device of the user is told of a message, which `mentions_user` when it
    /// names them or everyone.
    pub fn notifies_offline(self, mentions_user: bool) -> bool {
        match self {
            Self::AcceptAndNotify => true,
            Self::AcceptNotNotifyExceptAt | Self::NotReceiveExceptAt => mentions_user,
            Self::AcceptNotNotify | Self::Discard => false,
        }
    }

    /// Whether the user's online devices receive a message, which `mentions_user` when it names
    /// them or everyone (the conversation itself changes either way).
    pub fn receives(self, mentions_user: bool) -> bool {
        match self {
            Self::Discard => false,
            Self::NotReceiveExceptAt => mentions_user,
            Self::AcceptAndNotify | Self::AcceptNotNotify | Self::AcceptNotNotifyExceptAt => true,
        }
    }

    /// Whether what a message does for the user depends on whether it mentions them.
    pub fn heeds_mentions(self) -> bool {
        matches!(
            self,
            Self::AcceptNotNotifyExceptAt | Self::NotReceiveExceptAt
        )
    }

    /// Whether this conversation's unread messages count in the user's total.
    pub fn counts_in_total(self) -> bool {
        self == Self::AcceptAndNotify
    }
}

/// Conversation marks of the client SDK: four built in, and custom ones `2^n` for `32 <= n < 64`.
/// Marks are labels; only HIDE changes what the default list shows (it leaves such
/// conversations out, `markType=8` lists them).
pub mod marks {
    pub const STAR: u64 = 1;
    pub const UNREAD: u64 = 2;
    pub const FOLD: u64 = 4;
    pub const HIDE: u64 = 8;

    /// Whether `mark` is one mark a client may set.
    pub fn is_valid(mark: u64) -> bool {
        matches!(mark, STAR | UNREAD | FOLD | HIDE)
            || (mark.is_power_of_two() && mark.trailing_zeros() >= 32)
    }
}

/// The user's per-conversation settings. Deletion puts all of them back to their defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prefs {
    pub pinned: bool,
    pub archived: bool,
    pub remind: RemindType,
    /// Bit set of marks (STAR 1, UNREAD 2, FOLD 4, HIDE 8, custom 2^32..2^63).
    pub marks: u64,
    pub draft: String,
    pub custom_data: String,
}

/// One user's state in one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationState {
    /// The user has read up to here: moved only by reading (by setting the unread count, or by
    /// leaving a group), never by a deletion, whose badge goes through `deleted_to_seq`. The peer of a
    /// one-to-one conversation is shown it as their read receipt, so it must say what the user
    /// read, not what they threw away.
    pub read_seq: u64,
    /// The user deleted the conversation when the channel was at this seq.
    pub deleted_to_seq: u64,
    /// The user's history starts after this seq.
    pub cleared_to_seq: u64,
    /// The last seq this user sent: own messages never count as unread.
    pub own_last_seq: u64,
    /// First seq of the latest membership window (1 for personal and system channels).
    pub join_seq: u64,
    /// Last seq the user may see after leaving a group; `None` while a member.
    pub left_seq: Option<u64>,
    /// In the user's list: there was activity since the last deletion, or the user touched the
    /// conversation (pinned it) after deleting it.
    pub listed: bool,
    /// Deleted and not revived since: a tombstone for incremental sync.
    pub deleted: bool,
    /// Whether the deletion is reported to the user's other devices (the app setting
    /// `sync_conversation_deletion` at the time of the deletion).
    pub deletion_synced: bool,
    /// Sort key of the list: time of the last visible activity, in ms.
    pub activity_ms: i64,
    /// Messages above the read floor that do not count as unread: recalled ones, and ones this
    /// user deleted for themself. The store keeps it exact: it adds one when such a message
    /// lies above the floor, and recounts when a read moves the floor to somewhere short of
    /// the last message (see [`ConversationState::floor_moved_partly`]).
    pub uncounted: u64,
    pub prefs: Prefs,
}

impl Default for ConversationState {
    fn default() -> Self {
        Self::joined_at(1)
    }
}

impl ConversationState {
    /// A fresh state for a user whose history starts at `join_seq`.
    pub fn joined_at(join_seq: u64) -> Self {
        Self {
            read_seq: 0,
            deleted_to_seq: 0,
            cleared_to_seq: 0,
            own_last_seq: 0,
            join_seq: join_seq.max(1),
            left_seq: None,
            listed: false,
            deleted: false,
            deletion_synced: false,
            activity_ms: 0,
            uncounted: 0,
            prefs: Prefs::default(),
        }
    }

    /// The last seq this user may see: the channel's last, or where they left.
    pub fn last_visible_seq(&self, channel_last_seq: u64) -> u64 {
        match self.left_seq {
            Some(left) => left.min(channel_last_seq),
            None => channel_last_seq,
        }
    }

    /// Everything at or below this seq counts as read.
    pub fn read_floor(&self) -> u64 {
        self.read_seq
            .max(self.deleted_to_seq)
            .max(self.cleared_to_seq)
            .max(self.own_last_seq)
            .max(self.join_seq - 1)
    }

    /// `max(0, last_visible_seq − max(read, deleted_to, cleared_to, own_last, join − 1)
    /// − uncounted)`.
    pub fn unread(&self, channel_last_seq: u64) -> u64 {
        self.last_visible_seq(channel_last_seq)
            .saturating_sub(self.read_floor())
            .saturating_sub(self.uncounted)
    }

    /// What this conversation adds to the user's unread total: its unread count while it is in
    /// the default list (listed, not archived) and notifies (`AcceptAndNotify`); archived and
    /// muted ones count for nothing, hidden ones (the HIDE mark) count. The store keeps the
    /// total as a running sum of this, moved by each save by the difference.
    pub fn counted_in_total(&self, channel_last_seq: u64) -> u64 {
        if self.in_default_list() && self.prefs.remind.counts_in_total() {
            self.unread(channel_last_seq)
        } else {
            0
        }
    }

    /// Whether a message at `seq` counts as unread now if nothing excludes it: it lies above
    /// the read floor and within what this user may see.
    pub fn counts_as_unread(&self, seq: u64, channel_last_seq: u64) -> bool {
        seq > self.read_floor() && seq <= self.last_visible_seq(channel_last_seq)
    }

    /// A message at `seq` stopped counting (it was recalled, or this user deleted it for
    /// themself): one fewer unread if it counted. The caller makes sure it is not already
    /// excluded for another reason.
    pub fn exclude(&mut self, seq: u64, channel_last_seq: u64) -> bool {
        if !self.counts_as_unread(seq, channel_last_seq) {
            return false;
        }
        self.uncounted += 1;
        true
    }

    /// Whether the read floor now sits below the last visible message: then some excluded
    /// messages may lie above it and `uncounted` must be recounted. When the floor reaches the
    /// last message, nothing is above it and `uncounted` is zero, which the rules set directly.
    pub fn floor_moved_partly(&self, channel_last_seq: u64) -> bool {
        self.read_floor() < self.last_visible_seq(channel_last_seq)
    }

    /// After a change that leaves nothing above the floor.
    fn settle_uncounted(&mut self, channel_last_seq: u64) {
        if !self.floor_moved_partly(channel_last_seq) {
            self.uncounted = 0;
        }
    }

    /// Whether this user may see the message at `seq` within the latest window and after their
    /// cleared history. Earlier membership windows are checked by the store.
    pub fn sees_seq(&self, seq: u64) -> bool {
        seq > self.cleared_to_seq
    }

    /// Whether the conversation shows in the default list (not archived).
    pub fn in_default_list(&self) -> bool {
        self.listed && !self.prefs.archived
    }

    /// A message at `seq` reached this (current) member. It revives a deleted conversation; only
    /// messages after the deletion are unread because `deleted_to_seq` stays where it was.
    pub fn on_message(&mut self, seq: u64, time_ms: i64, sent_by_this_user: bool) {
        self.on_topic_message(seq, time_ms, sent_by_this_user);
        self.listed = true;
        self.deleted = false;
    }

    /// A message at `seq` reached this member of a community's topic. A topic's conversation is
    /// never in the user's list (Tencent shows a community's topics in the community, with
    /// their unread counts, and leaves them out of the conversation list and its total), so the
    /// message moves its activity and watermarks as [`Self::on_message`] does, and lists nothing.
    pub fn on_topic_message(&mut self, seq: u64, time_ms: i64, sent_by_this_user: bool) {
        if sent_by_this_user {
            self.own_last_seq = self.own_last_seq.max(seq);
            self.settle_uncounted(seq);
        }
        self.activity_ms = self.activity_ms.max(time_ms);
    }

    /// Deletes the conversation from the user's list: unread to zero, preferences to defaults, a
    /// tombstone for sync. With `clear_history` the user's history ends here too.
    ///
    /// Returns whether anything changed. Deleting a conversation that is not in the list changes
    /// nothing, except that an explicit request to clear history is still honoured: the user asked
    /// never to see those messages again.
    pub fn delete(&mut self, channel_last_seq: u64, clear_history: bool, synced: bool) -> bool {
        let last = self.last_visible_seq(channel_last_seq);
        let clears = clear_history && self.cleared_to_seq < last;
        if clears {
            self.cleared_to_seq = last;
        }
        if !self.listed {
            return clears;
        }
        self.deleted_to_seq = self.deleted_to_seq.max(last);
        self.uncounted = 0;
        self.prefs = Prefs::default();
        self.listed = false;
        self.deleted = true;
        self.deletion_synced = synced;
        true
    }

    /// Marks messages up to `up_to` (default: all) as read. Reading never moves backwards.
    pub fn mark_read(&mut self, up_to: Option<u64>, channel_last_seq: u64) -> bool {
        let last = self.last_visible_seq(channel_last_seq);
        let target = up_to.unwrap_or(last).min(last);
        if target <= self.read_seq {
            return false;
        }
        self.read_seq = target;
        self.settle_uncounted(channel_last_seq);
        true
    }

    /// Sets the unread count to `unread`, capped by the rule: own messages, deleted and cleared
    /// history stay read.
    pub fn set_unread(&mut self, unread: u64, channel_last_seq: u64) -> bool {
        let target = self
            .last_visible_seq(channel_last_seq)
            .saturating_sub(unread);
        if target == self.read_seq {
            return false;
        }
        self.read_seq = target;
        true
    }

    /// Pins or unpins. Pinning a deleted conversation brings it back into the list.
    pub fn pin(&mut self, pinned: bool, now_ms: i64) -> bool {
        if self.prefs.pinned == pinned && (self.listed || !pinned) {
            return false;
        }
        self.prefs.pinned = pinned;
        if pinned && !self.listed {
            self.touch(now_ms);
        }
        true
    }

    /// Archive (soft delete) hides the entry and keeps everything; restore brings it back.
    pub fn set_archived(&mut self, archived: bool) -> bool {
        if self.prefs.archived == archived {
            return false;
        }
        self.prefs.archived = archived;
        true
    }

    /// Clears the user's history without deleting the conversation: the entry stays, with no
    /// unread messages and no last message.
    pub fn clear_history(&mut self, channel_last_seq: u64) -> bool {
        let last = self.last_visible_seq(channel_last_seq);
        if self.cleared_to_seq >= last {
            return false;
        }
        self.cleared_to_seq = last;
        self.uncounted = 0;
        true
    }

    /// Sets the draft. A draft brings a deleted conversation back into the list, as typing in
    /// it would.
    pub fn set_draft(&mut self, draft: &str, now_ms: i64) -> bool {
        if self.prefs.draft == draft && (self.listed || draft.is_empty()) {
            return false;
        }
        self.prefs.draft = draft.to_owned();
        if !draft.is_empty() && !self.listed {
            self.touch(now_ms);
        }
        true
    }

    pub fn set_mark(&mut self, mark: u64, enable: bool) -> bool {
        let marks = if enable {
            self.prefs.marks | mark
        } else {
            self.prefs.marks & !mark
        };
        let changed = marks != self.prefs.marks;
        self.prefs.marks = marks;
        changed
    }

    pub fn set_custom_data(&mut self, custom_data: &str) -> bool {
        let changed = self.prefs.custom_data != custom_data;
        self.prefs.custom_data = custom_data.to_owned();
        changed
    }

    pub fn set_remind(&mut self, remind: RemindType) -> bool {
        let changed = self.prefs.remind != remind;
        self.prefs.remind = remind;
        changed
    }

    /// The user joined the group from a client (created it, was added by a member, or asked to
    /// join): its conversation enters the list at once, with nothing unread, as Tencent's does
    /// with its join notice. Returns whether it was not listed before.
    pub fn show_joined_group(&mut self, now_ms: i64) -> bool {
        let was_listed = self.listed;
        self.touch(now_ms);
        !was_listed
    }

    /// The user acted on the conversation explicitly: it is in the list again.
    fn touch(&mut self, now_ms: i64) {
        self.listed = true;
        self.deleted = false;
        self.activity_ms = self.activity_ms.max(now_ms);
    }

    /// The user left the group (or was removed, or it was dismissed) at `left_seq`. What they
    /// had not read counts as read: the conversation stays, read-only, but a badge they could
    /// only clear by opening a group they are no longer in would stay in their total. Tencent's
    /// SDK zeroes the unread count of a group its user leaves alike.
    pub fn leave(&mut self, left_seq: u64) -> bool {
        if self.left_seq.is_some() {
            return false;
        }
        self.left_seq = Some(left_seq);
        self.read_seq = self.read_seq.max(left_seq);
        self.uncounted = 0;
        true
    }

    /// The user (re)joined: history and unread counts start at `join_seq`.
    pub fn rejoin(&mut self, join_seq: u64) -> bool {
        if self.left_seq.is_none() {
            return false;
        }
        self.left_seq = None;
        self.join_seq = join_seq.max(1);
        self.uncounted = 0;
        true
    }

    pub fn is_member(&self) -> bool {
        self.left_seq.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_topic_that_receives_only_mentions_receives_and_pushes_only_them() {
        let topic = RemindType::NotReceiveExceptAt;
        assert_eq!(RemindType::from_name("NotReceiveMsgExceptAt"), Some(topic));
        assert_eq!(RemindType::from_code(topic.code()), topic);
        assert!(topic.receives(true) && !topic.receives(false));
        assert!(topic.notifies_offline(true) && !topic.notifies_offline(false));
        assert!(!topic.counts_in_total());
        assert!(!RemindType::Discard.receives(true));
        assert!(RemindType::AcceptNotNotifyExceptAt.receives(false));
    }

    #[test]
    fn a_topic_message_counts_as_unread_and_lists_nothing() {
        let mut state = ConversationState::joined_at(1);
        state.on_topic_message(1, 10, false);
        state.on_topic_message(2, 20, false);
        assert_eq!(state.unread(2), 2);
        assert!(!state.listed);
        assert_eq!(state.counted_in_total(2), 0, "not in the total");
        assert_eq!(state.activity_ms, 20);
        state.on_topic_message(3, 30, true);
        assert_eq!(state.unread(3), 0, "the user's own message reads the rest");
    }
    use proptest::prelude::*;

    fn received(state: &mut ConversationState, seqs: std::ops::RangeInclusive<u64>) {
        for seq in seqs {
            state.on_message(seq, seq as i64, false);
        }
    }

    #[test]
    fn own_messages_are_never_unread() {
        let mut state = ConversationState::default();
        received(&mut state, 1..=2);
        state.on_message(3, 3, true);
        assert_eq!(state.unread(3), 0);
        received(&mut state, 4..=5);
        assert_eq!(state.unread(5), 2);
    }

    #[test]
    fn delete_resets_unread_and_prefs_and_leaves_a_tombstone() {
        let mut state = ConversationState::default();
        received(&mut state, 1..=4);
        state.pin(true, 10);
        state.prefs.draft = "half a thought".into();
        assert!(state.delete(4, false, true));
        assert_eq!(state.unread(4), 0);
        assert_eq!(state.prefs, Prefs::default());
        assert!(!state.listed && state.deleted && state.deletion_synced);
        assert_eq!(state.cleared_to_seq, 0, "history kept");
    }

    #[test]
    fn deleting_is_not_reading() {
        let mut state = ConversationState::default();
        received(&mut state, 1..=4);
        state.mark_read(Some(2), 4);
        state.delete(4, false, true);
        assert_eq!(state.unread(4), 0);
        assert_eq!(state.read_seq, 2, "the peer's receipts show what was read");
        received(&mut state, 5..=5);
        assert_eq!(state.unread(5), 1, "only the new message counts");
        assert!(state.mark_read(None, 5));
        assert_eq!(state.read_seq, 5);
    }

    #[test]
    fn revive_counts_only_new_messages_and_keeps_old_history() {
        let mut state = ConversationState::default();
        received(&mut state, 1..=10);
        state.delete(10, false, false);
        received(&mut state, 11..=12);
        assert!(state.listed && !state.deleted);
        assert_eq!(state.unread(12), 2);
        assert!(state.sees_seq(1));
    }

    #[test]
    fn clear_hides_history_up_to_the_watermark() {
        let mut state = ConversationState::default();
        received(&mut state, 1..=10);
        state.delete(10, true, false);
        received(&mut state, 11..=11);
        assert!(!state.sees_seq(10));
        assert!(state.sees_seq(11));
    }

    #[test]
    fn deleting_what_is_not_listed_changes_nothing() {
        let mut state = ConversationState::default();
        received(&mut state, 1..=3);
        state.delete(3, false, false);
        let before = state.clone();
        assert!(!state.delete(3, false, true));
        assert_eq!(state, before);
    }

    #[test]
    fn deleting_unlisted_history_with_clear_still_clears() {
        let mut state = ConversationState::default();
        received(&mut state, 1..=3);
        state.delete(3, false, false);
        assert!(state.delete(3, true, false));
        assert!(!state.sees_seq(3));
    }

    #[test]
    fn pinning_a_deleted_conversation_lists_it_again() {
        let mut state = ConversationState::default();
        received(&mut state, 1..=3);
        state.delete(3, false, false);
        assert!(state.pin(true, 99));
        assert!(state.listed && !state.deleted);
        assert_eq!(state.unread(3), 0);
    }

    #[test]
    fn clear_history_keeps_the_entry_with_nothing_unread() {
        let mut state = ConversationState::default();
        received(&mut state, 1..=4);
        assert!(state.clear_history(4));
        assert!(state.listed);
        assert_eq!(state.unread(4), 0);
        assert!(!state.sees_seq(4));
        received(&mut state, 5..=5);
        assert_eq!(state.unread(5), 1);
    }

    #[test]
    fn a_draft_revives_a_deleted_conversation_and_delete_resets_every_pref() {
        let mut state = ConversationState::default();
        received(&mut state, 1..=2);
        state.set_mark(marks::STAR, true);
        state.set_custom_data("x");
        state.set_remind(RemindType::Discard);
        state.delete(2, false, false);
        assert_eq!(state.prefs, Prefs::default());
        assert!(state.set_draft("hello", 5));
        assert!(state.listed);
    }

    #[test]
    fn only_builtin_and_high_custom_marks_are_valid() {
        for mark in [1, 2, 4, 8, 1 << 32, 1 << 63] {
            assert!(marks::is_valid(mark), "{mark}");
        }
        for mark in [0, 3, 16, 1 << 31, (1 << 32) | 1] {
            assert!(!marks::is_valid(mark), "{mark}");
        }
    }

    #[test]
    fn leaving_caps_what_is_visible_and_reads_the_rest() {
        let mut state = ConversationState::joined_at(5);
        received(&mut state, 5..=6);
        assert_eq!(state.unread(6), 2);
        state.leave(6);
        assert_eq!(state.unread(20), 0, "leaving reads what was left unread");
        assert_eq!(state.last_visible_seq(20), 6);
        state.rejoin(21);
        assert_eq!(state.unread(20), 0);
        assert_eq!(state.unread(22), 2);
    }

    #[test]
    fn set_unread_is_capped_by_the_rule() {
        let mut state = ConversationState::default();
        received(&mut state, 1..=5);
        state.on_message(6, 6, true);
        received(&mut state, 7..=8);
        state.set_unread(100, 8);
        assert_eq!(state.unread(8), 2, "own message at 6 stays read");
        state.set_unread(1, 8);
        assert_eq!(state.unread(8), 1);
    }

    #[test]
    fn excluded_messages_stop_counting_until_the_floor_passes_them() {
        let mut state = ConversationState::default();
        received(&mut state, 1..=5);
        assert!(state.exclude(4, 5), "an unread message that is recalled");
        assert_eq!(state.unread(5), 4);
        state.mark_read(Some(2), 5);
        assert!(
            state.floor_moved_partly(5),
            "the store recounts what is above 2"
        );
        assert!(!state.exclude(1, 5), "already read: nothing to take away");
        state.mark_read(None, 5);
        assert_eq!((state.unread(5), state.uncounted), (0, 0));
        received(&mut state, 6..=7);
        assert!(state.exclude(7, 7));
        state.on_message(8, 8, true);
        assert_eq!(
            state.uncounted, 0,
            "an own message reads everything before it"
        );
        received(&mut state, 9..=9);
        state.exclude(9, 9);
        state.delete(9, false, false);
        assert_eq!((state.unread(9), state.uncounted), (0, 0));
    }

    #[derive(Debug, Clone)]
    enum Op {
        Receive(u8),
        Send,
        Read(Option<u8>),
        SetUnread(u8),
        Delete { clear: bool },
        Pin(bool),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (1u8..5).prop_map(Op::Receive),
            Just(Op::Send),
            proptest::option::of(any::<u8>()).prop_map(Op::Read),
            any::<u8>().prop_map(Op::SetUnread),
            any::<bool>().prop_map(|clear| Op::Delete { clear }),
            any::<bool>().prop_map(Op::Pin),
        ]
    }

    proptest! {
        /// Unread never exceeds what arrived from others since the last read floor, and is zero
        /// right after a delete, whatever happened before.
        #[test]
        fn unread_is_bounded_and_delete_zeroes_it(ops in proptest::collection::vec(op(), 0..60)) {
            let mut state = ConversationState::default();
            let mut last = 0u64;
            for op in ops {
                match op {
                    Op::Receive(n) => for _ in 0..n { last += 1; state.on_message(last, last as i64, false); },
                    Op::Send => { last += 1; state.on_message(last, last as i64, true); }
                    Op::Read(seq) => { state.mark_read(seq.map(u64::from), last); }
                    Op::SetUnread(n) => { state.set_unread(n.into(), last); }
                    Op::Delete { clear } => {
                        state.delete(last, clear, false);
                        prop_assert_eq!(state.unread(last), 0);
                        prop_assert!(!state.in_default_list());
                    }
                    Op::Pin(p) => { state.pin(p, 0); }
                }
                prop_assert!(state.unread(last) <= last - state.own_last_seq.min(last));
                prop_assert!(state.unread(last) <= last - state.deleted_to_seq);
            }
        }

        /// After a delete at seq D, exactly the messages that arrive later are unread.
        #[test]
        fn revive_counts_only_what_came_after_the_delete(before in 0u64..50, after in 1u64..50, clear: bool) {
            let mut state = ConversationState::default();
            for seq in 1..=before { state.on_message(seq, 0, false); }
            state.delete(before, clear, false);
            for seq in before + 1..=before + after { state.on_message(seq, 0, false); }
            prop_assert!(state.in_default_list());
            prop_assert_eq!(state.unread(before + after), after);
        }

        /// Clearing at watermark W hides exactly the seqs up to W.
        #[test]
        fn clear_hides_exactly_up_to_the_watermark(last in 0u64..100, probe in 0u64..200) {
            let mut state = ConversationState::default();
            for seq in 1..=last { state.on_message(seq, 0, false); }
            state.delete(last, true, false);
            prop_assert_eq!(state.sees_seq(probe), probe > last);
        }
    }
}
