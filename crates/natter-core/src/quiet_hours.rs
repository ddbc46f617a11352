//! A user's quiet hours (Tencent's `setAllReceiveMessageOpt`): a time window, once or every
//! day, in which none of their messages is pushed to them while they are offline. Messages
//! still arrive and count as unread; only the push (the `msg.offline` webhook) is held back.

/// Seconds in a day: a repeated window comes back every day at the same time.
const DAY_S: i64 = 86_400;

/// The window, in Unix seconds: `start_s` up to `end_s` (not included), once, or every day
/// from `start_s` on for as long as it lasts (a day or more: always).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start_s: i64,
    pub end_s: i64,
    pub repeated: bool,
}

impl QuietHours {
    /// Whether `now_s` falls in the window.
    pub fn covers(&self, now_s: i64) -> bool {
        let length = self.end_s - self.start_s;
        if length <= 0 || now_s < self.start_s {
            return false;
        }
        if !self.repeated {
            return now_s < self.end_s;
        }
        length >= DAY_S || (now_s - self.start_s).rem_euclid(DAY_S) < length
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NINE_PM: i64 = 1_763_762_400;

    #[test]
    fn a_window_once_covers_only_its_own_time() {
        let once = QuietHours {
            start_s: NINE_PM,
            end_s: NINE_PM + 3600,
            repeated: false,
        };
        assert!(!once.covers(NINE_PM - 1));
        assert!(once.covers(NINE_PM));
        assert!(once.covers(NINE_PM + 3599));
        assert!(!once.covers(NINE_PM + 3600));
        assert!(!once.covers(NINE_PM + DAY_S + 10));
    }

    #[test]
    fn a_repeated_window_comes_back_every_day_across_midnight() {
        let nightly = QuietHours {
            start_s: NINE_PM,
            end_s: NINE_PM + 10 * 3600,
            repeated: true,
        };
        assert!(nightly.covers(NINE_PM + 9 * 3600), "7 am the next morning");
        assert!(!nightly.covers(NINE_PM + 12 * 3600), "9 am");
        assert!(
            nightly.covers(NINE_PM + 30 * DAY_S + 60),
            "a month later, 9:01 pm"
        );
        assert!(!nightly.covers(NINE_PM - 60), "before it was set");
        let always = QuietHours {
            end_s: NINE_PM + DAY_S,
            ..nightly
        };
        assert!(always.covers(NINE_PM + 5 * DAY_S + 12 * 3600));
    }

    #[test]
    fn an_empty_window_covers_nothing() {
        let empty = QuietHours {
            start_s: NINE_PM,
            end_s: NINE_PM,
            repeated: true,
        };
        assert!(!empty.covers(NINE_PM));
    }
}
