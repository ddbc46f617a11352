//! The server API's system account routes, with WuKongIM's paths and bodies.

use axum::extract::State;
use natter_core::wire::{ErrorBody, StatusOk, SystemUidsRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{JsonBody, ManagerOnly};
use crate::json::Json;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(add_system_accounts))
        .routes(routes!(remove_system_accounts))
        .routes(routes!(system_accounts))
}

/// Make uids system accounts
///
/// WuKongIM's system accounts (a notifications account, a help desk): a system account's
/// messages, from a client or a WuKongIM SDK, go to any group that is not dismissed, member or
/// not (it gets no conversation of a group it is not in), past the group's blacklist,
/// whitelist and mutes, and to any user past their blacklist; anyone may message a system
/// account past its own blacklist. Up to 1,000 uids; those already system accounts stay, and
/// a uid need not have had a token. Manager token only.
#[utoipa::path(post, path = "/user/systemuids_add", tag = "server", operation_id = "systemUidsAdd",
    request_body = SystemUidsRequest,
    responses(
        (status = 200, description = "Done.", body = StatusOk),
        (status = 400, description = "`invalid_argument`: a malformed uid, or more than 1,000.", body = ErrorBody),
    ))]
async fn add_system_accounts(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<SystemUidsRequest>,
) -> ApiResult<Json<StatusOk>> {
    state.natter.add_system_accounts(&request.uids).await?;
    Ok(Json(StatusOk::default()))
}

/// Make uids system accounts no more
///
/// Their sends are checked as any user's again. Uids that are not system accounts are passed
/// over. Manager token only.
#[utoipa::path(post, path = "/user/systemuids_remove", tag = "server", operation_id = "systemUidsRemove",
    request_body = SystemUidsRequest,
    responses(
        (status = 200, description = "Done.", body = StatusOk),
        (status = 400, description = "`invalid_argument`: a malformed uid, or more than 1,000.", body = ErrorBody),
    ))]
async fn remove_system_accounts(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<SystemUidsRequest>,
) -> ApiResult<Json<StatusOk>> {
    state.natter.remove_system_accounts(&request.uids).await?;
    Ok(Json(StatusOk::default()))
}

/// List the system accounts
///
/// Every system account's uid, in uid order, as a bare array as WuKongIM answers (`[]` when
/// there is none, where WuKongIM answers `null`). Manager token only.
#[utoipa::path(get, path = "/user/systemuids", tag = "server", operation_id = "getSystemUids",
    responses((status = 200, description = "The system accounts.", body = Vec<String>)))]
async fn system_accounts(
    State(state): State<AppState>,
    _: ManagerOnly,
) -> ApiResult<Json<Vec<String>>> {
    Ok(Json(state.natter.system_accounts().await?))
}
