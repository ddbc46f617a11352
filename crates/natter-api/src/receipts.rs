//! Read receipts of single messages (Tencent's `sendMessageReadReceipt`,
//! `getMessageReadReceiptList`, `getGroupMessageReadMemberList`).

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
        .routes(routes!(give_read_receipts))
        .routes(routes!(read_receipts))
        .routes(routes!(receipt_members))
}

/// Give read receipts
///
/// The user says they read messages of a conversation, as Tencent's `sendMessageReadReceipt`.
/// Each message that asked for receipts (`needReadReceipt`), sent by someone else and not
/// recalled, counts the user once; the others are passed over. Each sender's devices get
/// `messageReadReceiptReceived` with the counts as they now are. A receipt does not move the
/// user's unread count: that is `POST /v1/conversations/read`.
#[utoipa::path(post, path = "/v1/messages/read-receipts", tag = "client", operation_id = "sendMessageReadReceipt",
    request_body = wire::MessageReceiptsRequest,
    responses(
        (status = 200, description = "The receipts are counted.", body = wire::Empty),
        (status = 400, description = "`invalid_argument` (40001): a malformed ID, no or more than 100 messages, a message of another conversation.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such message, or one the user cannot see.", body = ErrorBody),
    ))]
async fn give_read_receipts(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::MessageReceiptsRequest>,
) -> ApiResult<Json<wire::Empty>> {
    Ok(Json(
        state
            .natter
            .give_read_receipts(&device.uid, request)
            .await?,
    ))
}

/// Read receipts of one's messages
///
/// How far each of the user's own messages that asked for receipts has been read, as Tencent's
/// `getMessageReadReceiptList`: how many gave a receipt, and how many of those it was sent to
/// have not. Messages the user did not send, that asked for none or that they cannot see are
/// left out.
#[utoipa::path(post, path = "/v1/messages/read-receipts/list", tag = "client", operation_id = "getMessageReadReceiptList",
    request_body = wire::MessageReceiptsRequest,
    responses(
        (status = 200, description = "The counts, in the order asked.", body = wire::MessageReceiptList),
        (status = 400, description = "`invalid_argument` (40001): a malformed ID, no or more than 100 messages.", body = ErrorBody),
    ))]
async fn read_receipts(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::MessageReceiptsRequest>,
) -> ApiResult<Json<wire::MessageReceiptList>> {
    Ok(Json(
        state.natter.read_receipts(&device.uid, request).await?,
    ))
}

/// Who read a group message
///
/// A page of the members who gave a receipt for a group message of the user's, or of those it
/// is still unread for (current members who joined before it was sent), in user ID order, as
/// Tencent's `getGroupMessageReadMemberList`. Only the message's sender may ask.
#[utoipa::path(post, path = "/v1/messages/read-receipts/members", tag = "client", operation_id = "getGroupMessageReadMemberList",
    request_body = wire::ReceiptMembersRequest,
    responses(
        (status = 200, description = "The page, and where the next starts.", body = wire::ReceiptMembers),
        (status = 400, description = "`invalid_argument` (40001): a malformed ID or cursor, a conversation that is not a group, a message of another conversation, `count` outside 1–100.", body = ErrorBody),
        (status = 403, description = "`permission_denied` (40301): the user did not send the message.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such message, or one the user cannot see.", body = ErrorBody),
    ))]
async fn receipt_members(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::ReceiptMembersRequest>,
) -> ApiResult<Json<wire::ReceiptMembers>> {
    Ok(Json(
        state.natter.receipt_members(&device.uid, request).await?,
    ))
}
