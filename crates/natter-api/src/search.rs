//! Searching the user's messages, and users, groups and group members by name or ID.

use axum::extract::State;
use natter_core::wire::{
    self, DirectorySearch, ErrorBody, SearchMessagesRequest, SearchMessagesResponse,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ClientUser, JsonBody};
use crate::json::Json;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search_messages))
        .routes(routes!(search_users))
        .routes(routes!(search_groups))
        .routes(routes!(search_group_members))
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

/// Search users
///
/// Users whose nick holds one of the words (or all, with `keywordListMatchType` `and`), or whose
/// user ID is one, by user ID, a page at a time, as Tencent's `searchCloudUsers`. Every user's
/// profile is public, so any user finds any other.
#[utoipa::path(post, path = "/v1/search/users", tag = "client", operation_id = "searchCloudUsers",
    request_body = DirectorySearch,
    responses(
        (status = 200, description = "A page of matches.", body = wire::UserSearchResult),
        (status = 400, description = "`invalid_argument` (40001): no or more than 5 words, a word of no or over 100 bytes, a bad match type, count or cursor, group fields given.", body = ErrorBody),
    ))]
async fn search_users(
    State(state): State<AppState>,
    ClientUser(_device): ClientUser,
    JsonBody(request): JsonBody<DirectorySearch>,
) -> ApiResult<Json<wire::UserSearchResult>> {
    Ok(Json(state.natter.search_users(request).await?))
}

/// Search groups
///
/// Groups whose name holds the words, or whose group ID is one, by group ID, as Tencent's
/// `searchCloudGroups`: Public, ChatRoom and Community groups for anyone, a Private (work)
/// group only for its members; never AVChatRoom or dismissed groups.
#[utoipa::path(post, path = "/v1/search/groups", tag = "client", operation_id = "searchCloudGroups",
    request_body = DirectorySearch,
    responses(
        (status = 200, description = "A page of matches.", body = wire::GroupSearchResult),
        (status = 400, description = "`invalid_argument` (40001): as `/v1/search/users`, an unknown or AVChatRoom group type, `groupIDList` given.", body = ErrorBody),
    ))]
async fn search_groups(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<DirectorySearch>,
) -> ApiResult<Json<wire::GroupSearchResult>> {
    Ok(Json(
        state.natter.search_groups(&device.uid, request).await?,
    ))
}

/// Search group members
///
/// The current members of the user's own groups whose nick or name card in the group holds the
/// words, or whose user ID is one, by group and then user ID, as Tencent's
/// `searchCloudGroupMembers`; narrowed to some groups with `groupIDList`, or types with
/// `groupTypeList`.
#[utoipa::path(post, path = "/v1/search/group-members", tag = "client", operation_id = "searchCloudGroupMembers",
    request_body = DirectorySearch,
    responses(
        (status = 200, description = "A page of matches, by group.", body = wire::GroupMemberSearchResult),
        (status = 400, description = "`invalid_argument` (40001): as `/v1/search/groups`, a malformed group ID or no or more than 100 of them.", body = ErrorBody),
    ))]
async fn search_group_members(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<DirectorySearch>,
) -> ApiResult<Json<wire::GroupMemberSearchResult>> {
    Ok(Json(
        state
            .natter
            .search_group_members(&device.uid, request)
            .await?,
    ))
}
