//! What a user's status is: the rule behind Tencent's `statusType`.

/// Tencent's `USER_STATUS_*` numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusType {
    /// A connection of the user is open, on any node.
    Online = 1,
    /// Signed in on some device (it holds a token), with no connection open: such a device is
    /// reached by push notifications, as Tencent's "offline" app is.
    Offline = 2,
    /// Never signed in, or signed out of every device (Tencent's "unlogined").
    Unlogined = 3,
}

impl StatusType {
    pub fn of(online: bool, signed_in: bool) -> Self {
        match (online, signed_in) {
            (true, _) => Self::Online,
            (false, true) => Self::Offline,
            (false, false) => Self::Unlogined,
        }
    }

    pub fn code(self) -> u8 {
        self as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_anywhere_is_online_else_a_token_tells_offline_from_unlogined() {
        assert_eq!(
            StatusType::of(true, false).code(),
            1,
            "a connection counts first"
        );
        assert_eq!(StatusType::of(false, true).code(), 2);
        assert_eq!(StatusType::of(false, false).code(), 3);
    }
}
