//! The one domain error. Every layer returns it; the API layer maps each [`ErrorKind`] to an HTTP
//! status and code in exactly one place.

/// What went wrong, as the client sees it. The message always names the offending field or
/// object, and never carries internal details (those go to the log).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// Seconds a client should wait before retrying (`rate_limited`, `unavailable`).
    pub retry_after_secs: Option<u64>,
    /// What really happened, for the log only: never sent to a client.
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    InvalidArgument,
    InvalidConversationId,
    TooManyConversations,
    Unauthenticated,
    PermissionDenied,
    NotAMember,
    NotFound,
    /// The path exists but not with this HTTP method.
    MethodNotAllowed,
    Conflict,
    /// A sender tried to recall a message older than the recall window.
    RecallWindowPassed,
    /// The app backend's before-send callback refused the message.
    MessageRejected,
    /// The sender is on the blacklist of the group or of the user they wrote to.
    InBlacklist,
    /// The group takes messages only from its whitelist, and the sender is not on it.
    NotInWhitelist,
    /// The sender is muted in the group, for a while that has not passed.
    Muted,
    /// The user reacted to the message so already (Tencent's 23007).
    AlreadyReacted,
    /// The user has no such reaction to the message to take back (Tencent's 23009).
    NotReacted,
    /// The message has the most different reactions (Tencent's 23005).
    TooManyReactions,
    /// The most users reacted to the message so (Tencent's 23006).
    TooManyReactionUsers,
    /// The group has the most pinned messages (Tencent's `ERR_SVR_GROUP_PINNED_MESSAGE_COUNT_LIMIT`).
    TooManyPinnedMessages,
    /// The group has as many members as its creator allowed (Tencent's 10014,
    /// `ERR_SVR_GROUP_FULL_MEMBER_COUNT`).
    GroupFull,
    PayloadTooLarge,
    RateLimited,
    Internal,
    /// The call needs an outside service the operator has not set up (translation, speech to
    /// text): retrying does not help, configuring the server does.
    NotConfigured,
    Unavailable,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            retry_after_secs: None,
            detail: None,
        }
    }

    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidArgument, message)
    }

    pub fn invalid_conversation_id(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidConversationId, message)
    }

    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unauthenticated, message)
    }

    pub fn permission_denied(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::PermissionDenied, message)
    }

    pub fn not_a_member(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotAMember, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, message)
    }

    pub fn payload_too_large(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::PayloadTooLarge, message)
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self {
            retry_after_secs: Some(retry_after_secs.max(1)),
            ..Self::new(
                ErrorKind::RateLimited,
                "too many requests: slow down and retry",
            )
        }
    }

    /// An internal failure. `detail` is for the log only; the client sees a fixed text.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self {
            detail: Some(detail.to_string()),
            ..Self::new(ErrorKind::Internal, "internal error")
        }
    }

    pub fn not_configured(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotConfigured, message)
    }

    /// The server cannot serve this now (disk full, database busy, draining); retrying later
    /// may succeed. `detail` is for the log only.
    pub fn unavailable(message: impl Into<String>, detail: impl std::fmt::Display) -> Self {
        Self {
            retry_after_secs: Some(1),
            detail: Some(detail.to_string()),
            ..Self::new(ErrorKind::Unavailable, message)
        }
    }
}
