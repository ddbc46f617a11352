//! Messages pinned at the top of a group (Tencent's `pinGroupMessage`,
//! `getPinnedGroupMessageList`).

use axum::extract::State;
use natter_core::wire::{self, ErrorBody};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ClientUser, JsonBody, PathParam};
use crate::json::Json;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(pinned_messages, pin_message))
}

/// Pin a message, or unpin it
///
/// As Tencent's `pinGroupMessage`: a message the member sees in the group goes to the top of
/// it, for every member, or comes off it. In a Private (work) group any member pins; in Public
/// and ChatRoom groups the owner and the admins do; AVChatRoom and Community groups pin nothing.
/// A group holds 10 pinned messages at most. Every current member's devices get
/// `groupPinnedMessageUpdated`; pinning a pinned message, or unpinning one that is not,
/// changes nothing and tells no one.
#[utoipa::path(post, path = "/v1/groups/{groupID}/pinned-messages", tag = "client",
    operation_id = "pinGroupMessage",
    params(("groupID" = String, Path, description = crate::client::GROUP_ID)),
    request_body = wire::PinMessageRequest,
    responses(
        (status = 200, description = "The pin is as asked.", body = wire::Empty),
        (status = 400, description = "`invalid_argument` (40001): a malformed ID, a message of another conversation.", body = ErrorBody),
        (status = 403, description = "`permission_denied` (40301): not a current member (never, or no longer), not the owner or an admin where that is needed, or a group type that pins nothing; `not_a_member` (40302): the group was dismissed.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such group, or no such message the user sees.", body = ErrorBody),
        (status = 409, description = "`too_many_pinned_messages` (40906): the group has 10 pinned messages; `conflict` (40901): the message was recalled.", body = ErrorBody),
    ))]
async fn pin_message(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
    JsonBody(request): JsonBody<wire::PinMessageRequest>,
) -> ApiResult<Json<wire::Empty>> {
    Ok(Json(
        state
            .natter
            .pin_group_message(&device.uid, &group_id, request)
            .await?,
    ))
}

/// Pinned messages
///
/// A group's pinned messages, oldest message first, each with who pinned it, for a current
/// member, as Tencent's `getPinnedGroupMessageList`. A pinned message that was recalled since
/// shows as recalled.
#[utoipa::path(get, path = "/v1/groups/{groupID}/pinned-messages", tag = "client",
    operation_id = "getPinnedGroupMessageList",
    params(("groupID" = String, Path, description = crate::client::GROUP_ID)),
    responses(
        (status = 200, description = "The pinned messages.", body = wire::PinnedMessageList),
        (status = 400, description = "`invalid_argument` (40001): a malformed group ID.", body = ErrorBody),
        (status = 403, description = "`permission_denied` (40301): the user was never a member; `not_a_member` (40302): they left or were removed.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such group.", body = ErrorBody),
    ))]
async fn pinned_messages(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
) -> ApiResult<Json<wire::PinnedMessageList>> {
    Ok(Json(
        state
            .natter
            .pinned_group_messages(&device.uid, &group_id)
            .await?,
    ))
}
