//! The one mapping from a domain error to an HTTP answer.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use natter_core::wire::ErrorBody;
use natter_core::{Error, ErrorKind};

/// An error on its way to a client. Handlers return it; the server API's router adds
/// WuKongIM's `status` and `msg` fields on the way out (see [`crate::server`]).
#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        Self(error)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Status, numeric code and name of each kind: the error table in docs/api-reference.md.
pub fn status_and_code(kind: ErrorKind) -> (StatusCode, u32, &'static str) {
    match kind {
        ErrorKind::InvalidArgument => (StatusCode::BAD_REQUEST, 40001, "invalid_argument"),
        ErrorKind::InvalidConversationId => {
            (StatusCode::BAD_REQUEST, 40002, "invalid_conversation_id")
        }
        ErrorKind::TooManyConversations => {
            (StatusCode::BAD_REQUEST, 40003, "too_many_conversations")
        }
        ErrorKind::Unauthenticated => (StatusCode::UNAUTHORIZED, 40101, "unauthenticated"),
        ErrorKind::PermissionDenied => (StatusCode::FORBIDDEN, 40301, "permission_denied"),
        ErrorKind::NotAMember => (StatusCode::FORBIDDEN, 40302, "not_a_member"),
        ErrorKind::NotFound => (StatusCode::NOT_FOUND, 40401, "not_found"),
        ErrorKind::MethodNotAllowed => {
            (StatusCode::METHOD_NOT_ALLOWED, 40501, "method_not_allowed")
        }
        ErrorKind::Conflict => (StatusCode::CONFLICT, 40901, "conflict"),
        ErrorKind::AlreadyReacted => (StatusCode::CONFLICT, 40902, "already_reacted"),
        ErrorKind::NotReacted => (StatusCode::CONFLICT, 40903, "not_reacted"),
        ErrorKind::TooManyReactions => (StatusCode::CONFLICT, 40904, "too_many_reactions"),
        ErrorKind::TooManyPinnedMessages => {
            (StatusCode::CONFLICT, 40906, "too_many_pinned_messages")
        }
        ErrorKind::TooManyReactionUsers => (StatusCode::CONFLICT, 40905, "too_many_reaction_users"),
        ErrorKind::GroupFull => (StatusCode::CONFLICT, 40907, "group_full"),
        ErrorKind::RecallWindowPassed => (StatusCode::FORBIDDEN, 40303, "recall_window_passed"),
        ErrorKind::MessageRejected => (StatusCode::FORBIDDEN, 40304, "message_rejected"),
        ErrorKind::InBlacklist => (StatusCode::FORBIDDEN, 40305, "in_blacklist"),
        ErrorKind::NotInWhitelist => (StatusCode::FORBIDDEN, 40306, "not_in_whitelist"),
        ErrorKind::Muted => (StatusCode::FORBIDDEN, 40307, "muted"),
        ErrorKind::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, 41301, "payload_too_large"),
        ErrorKind::RateLimited => (StatusCode::TOO_MANY_REQUESTS, 42901, "rate_limited"),
        ErrorKind::Internal => (StatusCode::INTERNAL_SERVER_ERROR, 50001, "internal"),
        ErrorKind::NotConfigured => (StatusCode::NOT_IMPLEMENTED, 50101, "not_configured"),
        ErrorKind::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, 50301, "unavailable"),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let error = self.0;
        let (status, code, name) = status_and_code(error.kind);
        if let Some(detail) = &error.detail
            && status.is_server_error()
        {
            tracing::error!(%detail, "{name}");
        }
        let body = ErrorBody {
            code,
            error: name.to_owned(),
            message: error.message,
            request_id: None,
            status: None,
            msg: None,
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = error.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
