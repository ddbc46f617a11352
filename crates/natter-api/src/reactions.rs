//! Reactions to messages (Tencent's message reactions: an emoji response and the like).

use axum::extract::State;
use natter_core::wire::{self, ErrorBody};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ClientUser, ConnectionId, JsonBody};
use crate::json::Json;
use natter_service::Actor;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(add_reaction))
        .routes(routes!(remove_reaction))
        .routes(routes!(message_reactions))
        .routes(routes!(reaction_users))
}

/// React to a message
///
/// A member reacts to a message of the conversation that they can see, as Tencent's
/// `addMessageReaction`: with any `reactionID` of the app's (an emoji's name), once each. Every
/// member's devices who can see the message get `messageReactionsUpdated` with the reaction as
/// it now is. Reactions are not in sync: a device asks for those of the messages it shows
/// (`POST /v1/messages/reactions/list`).
#[utoipa::path(post, path = "/v1/messages/reactions", tag = "client", operation_id = "addMessageReaction",
    params(crate::extract::ConnectionId),
    request_body = wire::ReactionRequest,
    responses(
        (status = 200, description = "The reaction as it now is.", body = wire::MessageReactions),
        (status = 400, description = "`invalid_argument` (40001): a malformed ID, a message of another conversation, a `reactionID` of no or more than 128 bytes.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such message, or one the user cannot see.", body = ErrorBody),
        (status = 409, description = "`already_reacted` (40902): the user reacted so already; `too_many_reactions` (40904): the message has 20 different reactions; `too_many_reaction_users` (40905): 1,000 users reacted so; `conflict` (40901): the message was recalled.", body = ErrorBody),
    ))]
async fn add_reaction(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    ConnectionId(connection): ConnectionId,
    JsonBody(request): JsonBody<wire::ReactionRequest>,
) -> ApiResult<Json<wire::MessageReactions>> {
    let actor = Actor::device(&device, connection);
    Ok(Json(state.natter.react(&actor, request, true).await?))
}

/// Take a reaction back
///
/// As Tencent's `removeMessageReaction`: the user's own reaction goes, and every member's
/// devices who can see the message get `messageReactionsUpdated` (a reaction nobody has any
/// more has `totalUserCount` 0).
#[utoipa::path(post, path = "/v1/messages/reactions/remove", tag = "client", operation_id = "removeMessageReaction",
    params(crate::extract::ConnectionId),
    request_body = wire::ReactionRequest,
    responses(
        (status = 200, description = "The reaction as it now is.", body = wire::MessageReactions),
        (status = 400, description = "`invalid_argument` (40001): a malformed ID, a message of another conversation, a `reactionID` of no or more than 128 bytes.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such message, or one the user cannot see.", body = ErrorBody),
        (status = 409, description = "`not_reacted` (40903): the user has no such reaction to it; `conflict` (40901): the message was recalled.", body = ErrorBody),
    ))]
async fn remove_reaction(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    ConnectionId(connection): ConnectionId,
    JsonBody(request): JsonBody<wire::ReactionRequest>,
) -> ApiResult<Json<wire::MessageReactions>> {
    let actor = Actor::device(&device, connection);
    Ok(Json(state.natter.react(&actor, request, false).await?))
}

/// Reactions to messages
///
/// The reactions to 1–20 messages of one conversation, as Tencent's `getMessageReactions`:
/// each with how many users reacted so, the first of them (`maxUserCountPerReaction`, at most
/// 10) and whether the user is one. A message the user cannot see answers no reactions.
#[utoipa::path(post, path = "/v1/messages/reactions/list", tag = "client", operation_id = "getMessageReactions",
    request_body = wire::MessageReactionsRequest,
    responses(
        (status = 200, description = "Each message's reactions, in the order asked.", body = wire::MessageReactionsList),
        (status = 400, description = "`invalid_argument` (40001): a malformed ID, no or more than 20 messages, `maxUserCountPerReaction` over 10.", body = ErrorBody),
    ))]
async fn message_reactions(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::MessageReactionsRequest>,
) -> ApiResult<Json<wire::MessageReactionsList>> {
    Ok(Json(
        state.natter.message_reactions(&device.uid, request).await?,
    ))
}

/// Who reacted so
///
/// A page of the users who reacted to a message with one reaction, first to react first, as
/// Tencent's `getAllUserListOfMessageReaction`.
#[utoipa::path(post, path = "/v1/messages/reactions/users", tag = "client", operation_id = "getAllUserListOfMessageReaction",
    request_body = wire::ReactionUsersRequest,
    responses(
        (status = 200, description = "The page, and where the next starts.", body = wire::ReactionUsers),
        (status = 400, description = "`invalid_argument` (40001): a malformed ID, a message of another conversation, `count` outside 1–100.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such message, or one the user cannot see.", body = ErrorBody),
    ))]
async fn reaction_users(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::ReactionUsersRequest>,
) -> ApiResult<Json<wire::ReactionUsers>> {
    Ok(Json(
        state.natter.reaction_users(&device.uid, request).await?,
    ))
}
