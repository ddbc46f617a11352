//! The user's option for all their messages (Tencent's `setAllReceiveMessageOpt`,
//! `getAllReceiveMessageOpt`).

use axum::extract::State;
use natter_core::wire::{self, ErrorBody};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ClientUser, JsonBody};
use crate::json::Json;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(receive_option, set_receive_option))
}

/// The user's option for all messages
///
/// As Tencent's `getAllReceiveMessageOpt`: `AcceptAndNotify` with no window until the user
/// chooses.
#[utoipa::path(get, path = "/v1/receive-option", tag = "client", operation_id = "getAllReceiveMessageOpt",
    responses((status = 200, description = "The option.", body = wire::ReceiveOption)))]
async fn receive_option(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
) -> ApiResult<Json<wire::ReceiveOption>> {
    Ok(Json(state.natter.receive_option(&device.uid).await?))
}

/// Set the user's option for all messages
///
/// As Tencent's `setAllReceiveMessageOpt`: with `AcceptNotNotify`, none of the user's messages
/// is pushed to them while they are offline (no `msg.offline`) in the window, once or every day;
/// messages still arrive and count as unread. Every device of the user hears
/// `allReceiveMessageOptUpdated`.
#[utoipa::path(put, path = "/v1/receive-option", tag = "client", operation_id = "setAllReceiveMessageOpt",
    request_body = wire::ReceiveOption,
    responses(
        (status = 200, description = "The option as stored.", body = wire::ReceiveOption),
        (status = 400, description = "`invalid_argument` (40001): a remind type other than `AcceptAndNotify` and `AcceptNotNotify`, a negative time.", body = ErrorBody),
    ))]
async fn set_receive_option(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::ReceiveOption>,
) -> ApiResult<Json<wire::ReceiveOption>> {
    Ok(Json(
        state
            .natter
            .set_receive_option(&device.uid, request)
            .await?,
    ))
}
