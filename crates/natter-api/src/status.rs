//! User status (Tencent's `setSelfStatus`, `getUserStatus`, `subscribeUserStatus`,
//! `unsubscribeUserStatus`).

use axum::extract::State;
use natter_core::wire::{self, ErrorBody};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ClientUser, JsonBody, PathParam};
use crate::json::Json;
use natter_service::Actor;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(set_self_status))
        .routes(routes!(user_statuses))
        .routes(routes!(subscribe_status))
        .routes(routes!(unsubscribe_status))
        .routes(routes!(group_online_count))
}

/// Set the status the user shows
///
/// As Tencent's `setSelfStatus`: a custom status (`""` clears it), kept until changed. The
/// user's devices, this one included, and every user subscribed to them get
/// `userStatusUpdated`.
#[utoipa::path(post, path = "/v1/user-status/self", tag = "client", operation_id = "setSelfStatus",
    request_body = wire::SetSelfStatusRequest,
    responses(
        (status = 200, description = "The user's status now.", body = wire::UserStatus),
        (status = 400, description = "`invalid_argument` (40001): `customStatus` is longer than 100 bytes.", body = ErrorBody),
    ))]
async fn set_self_status(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::SetSelfStatusRequest>,
) -> ApiResult<Json<wire::UserStatus>> {
    let actor = Actor::device(&device, None);
    Ok(Json(state.natter.set_self_status(&actor, request).await?))
}

/// Users' statuses
///
/// As Tencent's `getUserStatus`: for each user, online (a connection open on any node of the
/// cluster), offline (signed in on a device, none connected) or unlogined (no device signed
/// in), and their custom status. Any user may be asked about.
#[utoipa::path(post, path = "/v1/user-status", tag = "client", operation_id = "getUserStatus",
    request_body = wire::UserStatusRequest,
    responses(
        (status = 200, description = "The statuses, in the order asked; users who do not exist (or IDs that are none) in `failureUserList`.", body = wire::UserStatusList),
        (status = 400, description = "`invalid_argument` (40001): no user IDs, or more than 500.", body = ErrorBody),
    ))]
async fn user_statuses(
    State(state): State<AppState>,
    ClientUser(_): ClientUser,
    JsonBody(request): JsonBody<wire::UserStatusRequest>,
) -> ApiResult<Json<wire::UserStatusList>> {
    Ok(Json(state.natter.user_statuses(request).await?))
}

/// Subscribe to users' statuses
///
/// As Tencent's `subscribeUserStatus`: from now on the user's devices get `userStatusUpdated`
/// when these users go online or offline or change their custom status. Kept on the server
/// until unsubscribed, at most 200 per user (subscribing past that drops the oldest). Nothing
/// is pushed on subscribing: ask `POST /v1/user-status` for the statuses now.
#[utoipa::path(post, path = "/v1/user-status/subscribe", tag = "client", operation_id = "subscribeUserStatus",
    request_body = wire::UserStatusRequest,
    responses(
        (status = 200, description = "Done for every user but those in `failureUserList`: users who do not exist, and the caller.", body = wire::UserStatusSubscription),
        (status = 400, description = "`invalid_argument` (40001): no user IDs, or more than 100.", body = ErrorBody),
    ))]
async fn subscribe_status(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::UserStatusRequest>,
) -> ApiResult<Json<wire::UserStatusSubscription>> {
    let actor = Actor::device(&device, None);
    Ok(Json(state.natter.subscribe_status(&actor, request).await?))
}

/// Unsubscribe from users' statuses
///
/// As Tencent's `unsubscribeUserStatus`: without `userIDList` (or with an empty one), from
/// every user subscribed to.
#[utoipa::path(post, path = "/v1/user-status/unsubscribe", tag = "client", operation_id = "unsubscribeUserStatus",
    request_body = wire::UserStatusRequest,
    responses(
        (status = 200, description = "Done; IDs that are none in `failureUserList`.", body = wire::UserStatusSubscription),
        (status = 400, description = "`invalid_argument` (40001): more than 100 user IDs.", body = ErrorBody),
    ))]
async fn unsubscribe_status(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::UserStatusRequest>,
) -> ApiResult<Json<wire::UserStatusSubscription>> {
    let actor = Actor::device(&device, None);
    Ok(Json(
        state.natter.unsubscribe_status(&actor, request).await?,
    ))
}

/// How many of a group's members are online
///
/// As Tencent's `getGroupOnlineMemberCount`: the group's current members with a connection open
/// on any node of the cluster, the caller included, for a current member; any type of group.
#[utoipa::path(get, path = "/v1/groups/{groupID}/online-count", tag = "client",
    operation_id = "getGroupOnlineMemberCount",
    params(("groupID" = String, Path, description = crate::client::GROUP_ID)),
    responses(
        (status = 200, description = "The count.", body = wire::GroupOnlineMemberCount),
        (status = 400, description = "`invalid_argument` (40001): a malformed group ID.", body = ErrorBody),
        (status = 403, description = "`permission_denied` (40301): the user was never a member; `not_a_member` (40302): they left or were removed.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such group.", body = ErrorBody),
    ))]
async fn group_online_count(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
) -> ApiResult<Json<wire::GroupOnlineMemberCount>> {
    Ok(Json(
        state
            .natter
            .group_online_count(&device.uid, &group_id)
            .await?,
    ))
}
