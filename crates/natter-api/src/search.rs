//! Searching the user's messages.

use axum::extract::State;
use natter_core::wire::{ErrorBody, SearchMessagesRequest, SearchMessagesResponse};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ClientUser, JsonBody};
use crate::json::Json;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search_messages))
}

/// Search messages
///
/// The messages the user can see that match, as Tencent's `searchCloudMessages`: by words in
/// their text, by senders, by types and by time, in every conversation the user has (deleted
/// ones whose history was kept included) or in one. Without `conversationID` the answer is the
/// conversations with matches, newest match first, each with its count (and its match when it
/// has only one); with it, that conversation's matches, newest first. Recalled messages, and
/// those the user deleted for themself or cleared, are never found.
#[utoipa::path(post, path = "/v1/messages/search", tag = "client", operation_id = "searchCloudMessages",
    request_body = SearchMessagesRequest,
    responses(
        (status = 200, description = "A page of matches.", body = SearchMessagesResponse),
        (status = 400, description = "`invalid_argument` (40001): nothing to search by, more than 5 words or senders, a word of no or over 100 bytes, an unknown type, a bad conversation ID, count or cursor.", body = ErrorBody),
    ))]
async fn search_messages(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<SearchMessagesRequest>,
) -> ApiResult<Json<SearchMessagesResponse>> {
    Ok(Json(
        state.natter.search_messages(&device.uid, request).await?,
    ))
}
