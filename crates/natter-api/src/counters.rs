//! A group's counters (Tencent's `setGroupCounters`, `increaseGroupCounter`,
//! `decreaseGroupCounter`, `getGroupCounters`) and attributes (`initGroupAttributes`,
//! `setGroupAttributes`, `deleteGroupAttributes`, `getGroupAttributes`).

use axum::extract::State;
use natter_core::wire::{self, ErrorBody};
use natter_service::CounterStep;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ClientUser, JsonBody, PathParam};
use crate::json::Json;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(set_counters))
        .routes(routes!(increase_counter))
        .routes(routes!(decrease_counter))
        .routes(routes!(get_counters))
        .routes(routes!(replace_attributes, set_attributes))
        .routes(routes!(delete_attributes))
        .routes(routes!(get_attributes))
}

/// Set group counters
///
/// Any current member sets counters of the group, adding those it does not have yet, as
/// Tencent's `setGroupCounters`: a group keeps 20 at most, each a 64-bit signed integer under a
/// key of 1–128 bytes. Two members setting one counter at once: the later write wins. Every
/// current member's devices get `groupCounterUpdated` for each counter set.
#[utoipa::path(post, path = "/v1/groups/{groupID}/counters", tag = "client",
    operation_id = "setGroupCounters",
    params(("groupID" = String, Path, description = crate::client::GROUP_ID)),
    request_body = wire::SetGroupCountersRequest,
    responses(
        (status = 200, description = "The counters as set.", body = wire::GroupCounters),
        (status = 400, description = "`invalid_argument` (40001): a malformed group ID, no or more than 20 counters, a key of no or over 128 bytes.", body = ErrorBody),
        (status = 403, description = "`permission_denied` (40301): not a current member (never, or no longer); `not_a_member` (40302): the group was dismissed.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such group.", body = ErrorBody),
        (status = 409, description = "`conflict` (40901): the group would have more than 20 counters.", body = ErrorBody),
    ))]
async fn set_counters(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
    JsonBody(request): JsonBody<wire::SetGroupCountersRequest>,
) -> ApiResult<Json<wire::GroupCounters>> {
    let natter = &state.natter;
    Ok(Json(
        natter
            .set_group_counters(&device.uid, &group_id, request)
            .await?,
    ))
}

/// Raise a group counter
///
/// As Tencent's `increaseGroupCounter`: adds `value` (0 or more) to the counter, from 0 when the
/// group does not have it yet; two members raising it at once both count. Every current
/// member's devices get `groupCounterUpdated`.
#[utoipa::path(post, path = "/v1/groups/{groupID}/counters/increase", tag = "client",
    operation_id = "increaseGroupCounter",
    params(("groupID" = String, Path, description = crate::client::GROUP_ID)),
    request_body = wire::GroupCounterStep,
    responses(
        (status = 200, description = "The counter as it now is.", body = wire::GroupCounter),
        (status = 400, description = "`invalid_argument` (40001): a malformed group ID, a bad key, a negative `value`, a counter that would leave 64 bits.", body = ErrorBody),
        (status = 403, description = "As `POST /v1/groups/{groupID}/counters`.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such group.", body = ErrorBody),
        (status = 409, description = "`conflict` (40901): a 21st counter.", body = ErrorBody),
    ))]
async fn increase_counter(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
    JsonBody(request): JsonBody<wire::GroupCounterStep>,
) -> ApiResult<Json<wire::GroupCounter>> {
    let natter = &state.natter;
    Ok(Json(
        natter
            .step_group_counter(&device.uid, &group_id, request, CounterStep::Up)
            .await?,
    ))
}

/// Lower a group counter
///
/// As Tencent's `decreaseGroupCounter`: takes `value` (0 or more) from the counter, from 0 when
/// the group does not have it yet (a counter may go below 0).
#[utoipa::path(post, path = "/v1/groups/{groupID}/counters/decrease", tag = "client",
    operation_id = "decreaseGroupCounter",
    params(("groupID" = String, Path, description = crate::client::GROUP_ID)),
    request_body = wire::GroupCounterStep,
    responses(
        (status = 200, description = "The counter as it now is.", body = wire::GroupCounter),
        (status = 400, description = "As `/increase`.", body = ErrorBody),
        (status = 403, description = "As `POST /v1/groups/{groupID}/counters`.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such group.", body = ErrorBody),
        (status = 409, description = "`conflict` (40901): a 21st counter.", body = ErrorBody),
    ))]
async fn decrease_counter(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
    JsonBody(request): JsonBody<wire::GroupCounterStep>,
) -> ApiResult<Json<wire::GroupCounter>> {
    let natter = &state.natter;
    Ok(Json(
        natter
            .step_group_counter(&device.uid, &group_id, request, CounterStep::Down)
            .await?,
    ))
}

/// Group counters
///
/// The group's counters, or those of `keyList` it has, for a current member, as Tencent's
/// `getGroupCounters`.
#[utoipa::path(post, path = "/v1/groups/{groupID}/counters/get", tag = "client",
    operation_id = "getGroupCounters",
    params(("groupID" = String, Path, description = crate::client::GROUP_ID)),
    request_body = wire::GroupCountersRequest,
    responses(
        (status = 200, description = "The counters.", body = wire::GroupCounters),
        (status = 400, description = "`invalid_argument` (40001): a malformed group ID, a bad key.", body = ErrorBody),
        (status = 403, description = "`permission_denied` (40301): never a member; `not_a_member` (40302): left or removed.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such group.", body = ErrorBody),
    ))]
async fn get_counters(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
    JsonBody(request): JsonBody<wire::GroupCountersRequest>,
) -> ApiResult<Json<wire::GroupCounters>> {
    let natter = &state.natter;
    Ok(Json(
        natter
            .group_counters(&device.uid, &group_id, request)
            .await?,
    ))
}

/// Give a group its attributes
///
/// As Tencent's `initGroupAttributes`: the attributes given become all of the group's (none
/// given: the group has none). Any current member, in any type of group: an app keeps a room's
/// topic, a seat map or a game's state here. 16 keys and 16 KiB at most; keys 1–32 bytes, values
/// up to 4,096. Two changes at once apply one after the other, the later one's values staying.
/// Every current member's devices get `groupAttributesUpdated` when anything changed.
#[utoipa::path(put, path = "/v1/groups/{groupID}/attributes", tag = "client",
    operation_id = "initGroupAttributes",
    params(("groupID" = String, Path, description = crate::client::GROUP_ID)),
    request_body = wire::GroupAttributesRequest,
    responses(
        (status = 200, description = "The attributes given.", body = wire::GroupAttributes),
        (status = 400, description = "`invalid_argument` (40001): a malformed group ID, a key of no or over 32 bytes, a value over 4,096.", body = ErrorBody),
        (status = 403, description = "`permission_denied` (40301): not a current member; `not_a_member` (40302): the group was dismissed.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such group.", body = ErrorBody),
        (status = 409, description = "`conflict` (40901): more than 16 attributes or 16 KiB.", body = ErrorBody),
    ))]
async fn replace_attributes(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
    JsonBody(request): JsonBody<wire::GroupAttributesRequest>,
) -> ApiResult<Json<wire::GroupAttributes>> {
    let natter = &state.natter;
    Ok(Json(
        natter
            .set_group_attributes(&device.uid, &group_id, request, true)
            .await?,
    ))
}

/// Set group attributes
///
/// As Tencent's `setGroupAttributes`: sets each attribute given, adding those the group lacks,
/// and keeps the others.
#[utoipa::path(post, path = "/v1/groups/{groupID}/attributes", tag = "client",
    operation_id = "setGroupAttributes",
    params(("groupID" = String, Path, description = crate::client::GROUP_ID)),
    request_body = wire::GroupAttributesRequest,
    responses(
        (status = 200, description = "The attributes given.", body = wire::GroupAttributes),
        (status = 400, description = "As `PUT`, or no attribute given.", body = ErrorBody),
        (status = 403, description = "As `PUT`.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such group.", body = ErrorBody),
        (status = 409, description = "`conflict` (40901): more than 16 attributes or 16 KiB.", body = ErrorBody),
    ))]
async fn set_attributes(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
    JsonBody(request): JsonBody<wire::GroupAttributesRequest>,
) -> ApiResult<Json<wire::GroupAttributes>> {
    let natter = &state.natter;
    Ok(Json(
        natter
            .set_group_attributes(&device.uid, &group_id, request, false)
            .await?,
    ))
}

/// Delete group attributes
///
/// As Tencent's `deleteGroupAttributes`: the keys named (those the group lacks are passed
/// over), or every key with none named. Answers the attributes left.
#[utoipa::path(post, path = "/v1/groups/{groupID}/attributes/delete", tag = "client",
    operation_id = "deleteGroupAttributes",
    params(("groupID" = String, Path, description = crate::client::GROUP_ID)),
    request_body = wire::GroupAttributeKeys,
    responses(
        (status = 200, description = "The attributes left.", body = wire::GroupAttributes),
        (status = 400, description = "`invalid_argument` (40001): a malformed group ID, a bad key.", body = ErrorBody),
        (status = 403, description = "As `PUT /v1/groups/{groupID}/attributes`.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such group.", body = ErrorBody),
    ))]
async fn delete_attributes(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
    JsonBody(request): JsonBody<wire::GroupAttributeKeys>,
) -> ApiResult<Json<wire::GroupAttributes>> {
    let natter = &state.natter;
    Ok(Json(
        natter
            .delete_group_attributes(&device.uid, &group_id, request)
            .await?,
    ))
}

/// Group attributes
///
/// The group's attributes, or those of `keyList` it has, for a current member, as Tencent's
/// `getGroupAttributes`.
#[utoipa::path(post, path = "/v1/groups/{groupID}/attributes/get", tag = "client",
    operation_id = "getGroupAttributes",
    params(("groupID" = String, Path, description = crate::client::GROUP_ID)),
    request_body = wire::GroupAttributeKeys,
    responses(
        (status = 200, description = "The attributes.", body = wire::GroupAttributes),
        (status = 400, description = "`invalid_argument` (40001): a malformed group ID.", body = ErrorBody),
        (status = 403, description = "`permission_denied` (40301): never a member; `not_a_member` (40302): left or removed.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such group.", body = ErrorBody),
    ))]
async fn get_attributes(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
    JsonBody(request): JsonBody<wire::GroupAttributeKeys>,
) -> ApiResult<Json<wire::GroupAttributes>> {
    let natter = &state.natter;
    Ok(Json(
        natter
            .group_attributes(&device.uid, &group_id, request)
            .await?,
    ))
}
