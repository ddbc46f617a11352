//! Message extensions (Tencent's `setMessageExtensions`, `getMessageExtensions`,
//! `deleteMessageExtensions`).

use axum::extract::State;
use natter_core::wire::{self, ErrorBody};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ClientUser, JsonBody};
use crate::json::Json;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(set_extensions))
        .routes(routes!(delete_extensions))
        .routes(routes!(list_extensions))
}

/// Set message extensions
///
/// Any member who sees a message sets key-value pairs on it, as Tencent's
/// `setMessageExtensions`: up to 20 a call, 300 per message, keys 1–100 bytes, values up to
/// 1,024. A key set again takes the later value. Every member's devices who see the message get
/// `messageExtensionsUpdated` with the pairs set.
#[utoipa::path(post, path = "/v1/messages/extensions", tag = "client", operation_id = "setMessageExtensions",
    request_body = wire::SetExtensionsRequest,
    responses(
        (status = 200, description = "The pairs as set.", body = wire::MessageExtensions),
        (status = 400, description = "`invalid_argument` (40001): a malformed ID, a message of another conversation, no or more than 20 pairs, a key given twice, a bad key or value.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such message, or one the user cannot see.", body = ErrorBody),
        (status = 409, description = "`conflict` (40901): the message was recalled, or would have more than 300 keys.", body = ErrorBody),
    ))]
async fn set_extensions(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::SetExtensionsRequest>,
) -> ApiResult<Json<wire::MessageExtensions>> {
    Ok(Json(
        state
            .natter
            .set_message_extensions(&device.uid, request)
            .await?,
    ))
}

/// Delete message extensions
///
/// As Tencent's `deleteMessageExtensions`: the keys named (those the message lacks are passed
/// over), or every key with none named. Every member's devices who see the message get
/// `messageExtensionsDeleted` when a key went.
#[utoipa::path(post, path = "/v1/messages/extensions/delete", tag = "client", operation_id = "deleteMessageExtensions",
    request_body = wire::DeleteExtensionsRequest,
    responses(
        (status = 200, description = "The keys deleted.", body = wire::DeletedExtensions),
        (status = 400, description = "`invalid_argument` (40001): a malformed ID, a message of another conversation, no or more than 20 keys, a bad key.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such message, or one the user cannot see.", body = ErrorBody),
        (status = 409, description = "`conflict` (40901): the message was recalled.", body = ErrorBody),
    ))]
async fn delete_extensions(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::DeleteExtensionsRequest>,
) -> ApiResult<Json<wire::DeletedExtensions>> {
    Ok(Json(
        state
            .natter
            .delete_message_extensions(&device.uid, request)
            .await?,
    ))
}

/// Message extensions
///
/// Every pair of a message the user sees, by key, as Tencent's `getMessageExtensions`.
#[utoipa::path(post, path = "/v1/messages/extensions/list", tag = "client", operation_id = "getMessageExtensions",
    request_body = wire::ExtensionsRequest,
    responses(
        (status = 200, description = "The pairs.", body = wire::MessageExtensions),
        (status = 400, description = "`invalid_argument` (40001): a malformed ID, a message of another conversation.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such message, or one the user cannot see.", body = ErrorBody),
    ))]
async fn list_extensions(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::ExtensionsRequest>,
) -> ApiResult<Json<wire::MessageExtensions>> {
    Ok(Json(
        state
            .natter
            .message_extensions(&device.uid, request)
            .await?,
    ))
}
