//! SDK errors: the server's answer when it refused, or what went wrong on the way.

use natter_core::limits::MAX_CONVERSATIONS_PER_CALL;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server answered with an error body (the error table in docs/api-reference.md).
    #[error("{error} ({code}): {message}")]
    Api {
        status: u16,
        code: u32,
        error: String,
        message: String,
    },
    /// Refused before any request: more than 100 conversations in one call.
    #[error("too_many_conversations: {0} given, at most {MAX_CONVERSATIONS_PER_CALL} per call")]
    TooManyConversations(usize),
    /// Refused before any request: an empty list of conversations.
    #[error("invalid_argument: the conversation list is empty")]
    EmptyConversationList,
    #[error("cannot reach the server: {0}")]
    Transport(#[from] reqwest::Error),
    #[error("WebSocket: {0}")]
    WebSocket(#[from] Box<tokio_tungstenite::tungstenite::Error>),
    #[error("the server sent something that is not in the API's wire format: {0}")]
    Protocol(String),
}

impl Error {
    /// The server's numeric code (docs/api-reference.md, "Errors"), or the one the server would
    /// have given for errors the SDK raises itself.
    pub fn code(&self) -> Option<u32> {
        match self {
            Error::Api { code, .. } => Some(*code),
            Error::TooManyConversations(_) => Some(40003),
            Error::EmptyConversationList => Some(40001),
            _ => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
