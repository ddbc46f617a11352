//! The server API: app backends, with WuKongIM's paths and field names.
//!
//! Each handler's doc comment and `#[utoipa::path]` are its entry in the OpenAPI document; the
//! error answers every call shares are added in [`crate::openapi`].

use crate::json::Json;
use axum::extract::State;
use natter_core::Uid;
use natter_core::wire::{
    self, AppSettings, AppSettingsChange, AuditPage, ChannelRef, ChannelRequest,
    ClearUnreadRequest, Conversation, ErrorBody, NoticeRequest, ServerBatchDeleteRequest,
    ServerConversation, ServerConversationRef, ServerDeleteRequest, ServerSendRequest,
    ServerSendResult, ServerSyncRequest, SetUnreadRequest, StatusData, StatusOk, StatusSuccess,
    UserTokenRequest,
};
use natter_service::{EndReason, Principal};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Caller, JsonBody, ManagerOnly, PathParam, QueryParams};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(user_token))
        .routes(routes!(upsert_group))
        .routes(routes!(add_members))
        .routes(routes!(remove_members))
        .routes(routes!(remove_all_members))
        .routes(routes!(dismiss_group))
        .routes(routes!(send))
        .routes(routes!(delete))
        .routes(routes!(batch_delete))
        .routes(routes!(clear_unread))
        .routes(routes!(set_unread))
        .routes(routes!(restore))
        .routes(routes!(sync))
        .routes(routes!(conversation_channels))
        .routes(routes!(sync_by_channels))
        .routes(routes!(sync_recent_messages))
        .routes(routes!(message_sync))
        .routes(routes!(max_message_seq))
        .routes(routes!(channel_last_message))
        .routes(routes!(message_by_client_msg_no))
        .routes(routes!(messages_by_name))
        .routes(routes!(message_by_name))
        .routes(routes!(online_status))
        .routes(routes!(device_quit))
        .routes(routes!(kick_connection))
        .routes(routes!(remove_connection))
        .routes(routes!(send_batch))
        .routes(routes!(notices))
        .routes(routes!(audit))
        .routes(routes!(settings, update_settings))
        .routes(routes!(revoke))
        .routes(routes!(delete_messages))
        .routes(routes!(user_profile, set_user_profile))
        .routes(routes!(channel_info, set_channel_info))
        .routes(routes!(update_group_member))
        .routes(routes!(dead_letters))
        .routes(routes!(replay_dead_letters))
}

/// Create a user / set a device token
///
/// Creates the user if new and sets the token of one device (`uid`, `device_flag`), replacing
/// that device's previous token: the old token stops working and its open connections are
/// closed (WebSocket close 4003). From then on the user exists and the token authenticates the
/// client API and the WebSocket. Manager token only.
#[utoipa::path(post, path = "/user/token", tag = "server", operation_id = "setUserToken",
    request_body = UserTokenRequest,
    responses(
        (status = 200, description = "Done.", body = StatusOk),
        (status = 409, description = "`conflict`: the token is already used by another device, or is the manager token.", body = ErrorBody),
    ))]
async fn user_token(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<UserTokenRequest>,
) -> ApiResult<Json<StatusOk>> {
    state.natter.set_user_token(request).await?;
    Ok(Json(StatusOk::default()))
}

/// Create a group or add members
///
/// Creates the group (or re-creates a dismissed one), adding the listed members; if it exists,
/// adds them. With `reset: 1` the listed members become the only members: the others leave,
/// keep a read-only conversation, and get a `groupMemberRemoved` notice in `@TIM#SYSTEM`.
/// Members joining see only messages sent after they joined, unless the group has
/// `new_members_see_history` and this is their first join. With `disband: 1` the group is then
/// dismissed, as `POST /channel/delete` does; `ban` other than 0 is refused (Natter cannot ban a
/// channel). Manager token only.
#[utoipa::path(post, path = "/channel", tag = "server", operation_id = "upsertGroup",
    request_body = ChannelRequest,
    responses(
        (status = 200, description = "Done.", body = StatusOk),
        (status = 400, description = "`invalid_argument`: a bad field, `ban` other than 0, or `disband` other than 0 or 1; nothing is changed.", body = ErrorBody),
        (status = 404, description = "`not_found`: a subscriber never had a token; nothing is changed.", body = ErrorBody),
    ))]
async fn upsert_group(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<ChannelRequest>,
) -> ApiResult<Json<StatusOk>> {
    state.natter.upsert_group(request).await?;
    Ok(Json(StatusOk::default()))
}

/// Add group members
///
/// Adds members to an existing group. A former member rejoins with a new membership window:
/// messages sent while away stay invisible. `temp_subscriber` other than 0 is refused: there
/// are no temporary subscribers. Manager token only.
#[utoipa::path(post, path = "/channel/subscriber_add", tag = "server",
    operation_id = "addSubscribers", request_body = ChannelRequest,
    responses(
        (status = 200, description = "Done.", body = StatusOk),
        (status = 400, description = "`invalid_argument`: a bad field, no subscribers, or `temp_subscriber` other than 0.", body = ErrorBody),
        (status = 404, description = "`not_found`: the group does not exist, or a subscriber never had a token.", body = ErrorBody),
        (status = 409, description = "`conflict`: the group was dismissed (create it again with `POST /channel`).", body = ErrorBody),
    ))]
async fn add_members(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<ChannelRequest>,
) -> ApiResult<Json<StatusOk>> {
    state.natter.add_members(request).await?;
    Ok(Json(StatusOk::default()))
}

/// Remove group members
///
/// Removes members: each keeps a read-only conversation with history up to now and gets a
/// `groupMemberRemoved` notice in `@TIM#SYSTEM`. Uids that are not members are ignored.
/// Manager token only.
#[utoipa::path(post, path = "/channel/subscriber_remove", tag = "server",
    operation_id = "removeSubscribers", request_body = ChannelRequest,
    responses(
        (status = 200, description = "Done.", body = StatusOk),
        (status = 404, description = "`not_found`: the group does not exist.", body = ErrorBody),
    ))]
async fn remove_members(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<ChannelRequest>,
) -> ApiResult<Json<StatusOk>> {
    state.natter.remove_members(request).await?;
    Ok(Json(StatusOk::default()))
}

/// Remove every group member
///
/// Removes every current member, as `/channel/subscriber_remove` removes some: each keeps a
/// read-only conversation and gets a `groupMemberRemoved` notice. The group stays, empty, for
/// members to be added again. A group that does not exist is done, as on WuKongIM. Manager
/// token only.
#[utoipa::path(post, path = "/channel/subscriber_remove_all", tag = "server",
    operation_id = "removeAllSubscribers", request_body = ChannelRef,
    responses(
        (status = 200, description = "Done.", body = StatusOk),
        (status = 400, description = "`invalid_argument`: not a group's channel (`channel_type` 2).", body = ErrorBody),
    ))]
async fn remove_all_members(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(channel): JsonBody<ChannelRef>,
) -> ApiResult<Json<StatusOk>> {
    state.natter.remove_all_members(channel).await?;
    Ok(Json(StatusOk::default()))
}

/// Dismiss a group
///
/// Every current member keeps a read-only conversation with its history and gets a
/// `groupDismissed` notice in `@TIM#SYSTEM`. Sending is refused with 403 `not_a_member`; adding
/// members is 409 until the group is created again. Manager token only.
#[utoipa::path(post, path = "/channel/delete", tag = "server", operation_id = "serverDismissGroup",
    request_body = ChannelRef,
    responses(
        (status = 200, description = "Done.", body = StatusOk),
        (status = 404, description = "`not_found`: the group does not exist.", body = ErrorBody),
    ))]
async fn dismiss_group(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<ChannelRef>,
) -> ApiResult<Json<StatusOk>> {
    state.natter.dismiss_group(request).await?;
    Ok(Json(StatusOk::default()))
}

/// Send a message on behalf of a user, or as the app
///
/// Sends a message from `from_uid`, answering once it is durable; the payload is base64 of a
/// JSON object. As WuKongIM's API, which sends from its system device, `from_uid` need not be
/// a member of the group and the blacklists and whitelists do not apply: the current members
/// get it, a sender who is not a member gets no conversation. With an empty `from_uid` (or
/// `____system`) the app sends as itself (WuKongIM's system uid): to a user's `@TIM#SYSTEM`
/// conversation (`channel_type` 1 with their uid) or to every member of a group (2).
/// WuKongIM's `header` applies: `no_persist` (or `sync_once`) 1 pushes the message to the
/// online devices only, with no seq; `red_dot` 0 stores it without counting it as unread.
/// Manager token only.
#[utoipa::path(post, path = "/message/send", tag = "server", operation_id = "serverSendMessage",
    request_body = ServerSendRequest,
    responses(
        (status = 200, description = "The stored message (`message_seq` 0 when not kept).", body = StatusData<ServerSendResult>),
        (status = 400, description = "`invalid_argument`: a bad field, or a non-empty `subscribers` (temporary channels are not supported).", body = ErrorBody),
        (status = 403, description = "`not_a_member`: the group was dismissed.", body = ErrorBody),
        (status = 404, description = "`not_found`: the group does not exist (uids without a token are registered, as WuKongIM has no user-existence check).", body = ErrorBody),
        (status = 409, description = "`conflict`: `client_msg_no` already used by `from_uid` (or by the app, for an empty `from_uid`) for another conversation.", body = ErrorBody),
    ))]
async fn send(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<ServerSendRequest>,
) -> ApiResult<Json<StatusData<ServerSendResult>>> {
    let sent = state.natter.server_send(request).await?;
    Ok(Json(StatusData::new(sent)))
}

/// The caller acting on `uid`'s conversations: the manager, or that user's own token.
fn acting_for(caller: &Principal, uid: &str) -> ApiResult<natter_service::Actor> {
    let uid = Uid::parse(uid, "uid")?;
    Ok(caller.act_for(&uid)?)
}

/// Delete one conversation from a user's list
///
/// Deletes one conversation from `uid`'s list as the client API does; messages are kept unless
/// `clear_history` is true. Audited with `via: server`. The manager token may act for any `uid`;
/// a user token only for its own. Answers `{"status": 200}`, as WuKongIM's code does (its
/// published docs say `{"status": "success"}`).
#[utoipa::path(post, path = "/conversations/delete", tag = "server",
    operation_id = "serverDeleteConversation", request_body = ServerDeleteRequest,
    responses((status = 200, description = "Done.", body = StatusOk)))]
async fn delete(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(request): JsonBody<ServerDeleteRequest>,
) -> ApiResult<Json<StatusOk>> {
    let actor = acting_for(&caller, &request.uid)?;
    let channel = ChannelRef {
        channel_id: request.channel_id,
        channel_type: request.channel_type,
    };
    state
        .natter
        .delete_channels(&actor, &[channel], request.clear_history)
        .await?;
    Ok(Json(StatusOk::default()))
}

/// Delete up to 100 conversations from a user's list
///
/// All or nothing, in one transaction, audited as one entry. Messages are kept unless
/// `clear_history` is true. The manager token may act for any `uid`; a user token only for its
/// own.
#[utoipa::path(post, path = "/conversations/batchDelete", tag = "server",
    operation_id = "serverBatchDeleteConversations", request_body = ServerBatchDeleteRequest,
    responses((status = 200, description = "Done.", body = StatusSuccess)))]
async fn batch_delete(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(request): JsonBody<ServerBatchDeleteRequest>,
) -> ApiResult<Json<StatusSuccess>> {
    let actor = acting_for(&caller, &request.uid)?;
    state
        .natter
        .delete_channels(&actor, &request.channels, request.clear_history)
        .await?;
    Ok(Json(StatusSuccess::default()))
}

/// Mark a conversation read
///
/// Marks `uid`'s conversation read up to `message_seq` (default: everything); never moves
/// backwards. The manager token may act for any `uid`; a user token only for its own.
#[utoipa::path(post, path = "/conversations/clearUnread", tag = "server",
    operation_id = "serverClearUnread", request_body = ClearUnreadRequest,
    responses(
        (status = 200, description = "Done.", body = StatusOk),
        (status = 404, description = "`not_found`: the conversation is not in `uid`'s list.", body = ErrorBody),
    ))]
async fn clear_unread(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(request): JsonBody<ClearUnreadRequest>,
) -> ApiResult<Json<StatusOk>> {
    let actor = acting_for(&caller, &request.uid)?;
    let channel = ChannelRef {
        channel_id: request.channel_id,
        channel_type: request.channel_type,
    };
    state
        .natter
        .clear_channel_unread(&actor, &channel, request.message_seq)
        .await?;
    Ok(Json(StatusOk::default()))
}

/// Set a conversation's unread count
///
/// Sets `uid`'s unread count of the conversation to `unread`, capped at what the unread rule
/// allows (own messages, deleted and cleared history stay read). The manager token may act for
/// any `uid`; a user token only for its own.
#[utoipa::path(post, path = "/conversations/setUnread", tag = "server",
    operation_id = "serverSetUnread", request_body = SetUnreadRequest,
    responses(
        (status = 200, description = "Done.", body = StatusOk),
        (status = 404, description = "`not_found`: the conversation is not in `uid`'s list.", body = ErrorBody),
    ))]
async fn set_unread(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(request): JsonBody<SetUnreadRequest>,
) -> ApiResult<Json<StatusOk>> {
    let actor = acting_for(&caller, &request.uid)?;
    let channel = ChannelRef {
        channel_id: request.channel_id,
        channel_type: request.channel_type,
    };
    state
        .natter
        .set_channel_unread(&actor, &channel, request.unread)
        .await?;
    Ok(Json(StatusOk::default()))
}

/// Sync a user's conversations (WuKongIM's client SDK sync)
///
/// What a WuKongIM client SDK's conversation-sync callback asks its app backend for, answered
/// as WuKongIM does: `uid`'s conversations (archived included), most recent first, each with
/// up to `msg_count` recent messages, newest first. A conversation is returned only with
/// messages the client lacks: after the seq it holds (`last_msg_seqs`), or, with a `version`
/// above 0 or `only_unread`, after its read position; never from before the user deleted it.
/// The manager token may act for any `uid`; a user token only for its own.
#[utoipa::path(post, path = "/conversation/sync", tag = "server",
    operation_id = "serverSyncConversations", request_body = ServerSyncRequest,
    responses((status = 200, description = "A bare array, as WuKongIM answers.", body = Vec<ServerConversation>)))]
async fn sync(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(request): JsonBody<ServerSyncRequest>,
) -> ApiResult<Json<Vec<ServerConversation>>> {
    let actor = acting_for(&caller, &request.uid)?;
    Ok(Json(state.natter.server_sync(&actor, request).await?))
}

/// List the channels of a user's conversations (WuKongIM's)
///
/// `uid`'s conversations (archived included), most recent first, as `channel_id` and
/// `channel_type`: a personal channel by the peer's uid, where WuKongIM answers its internal
/// `uid1@uid2` (which its own `/conversation/syncByChannels` does not take). The manager token
/// may act for any `uid`; a user token only for its own.
#[utoipa::path(post, path = "/conversation/channels", tag = "server",
    operation_id = "serverConversationChannels", request_body = wire::ConversationChannelsRequest,
    responses((status = 200, description = "A bare array, as WuKongIM answers.", body = Vec<ChannelRef>)))]
async fn conversation_channels(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(request): JsonBody<wire::ConversationChannelsRequest>,
) -> ApiResult<Json<Vec<ChannelRef>>> {
    let actor = acting_for(&caller, &request.uid)?;
    Ok(Json(state.natter.conversation_channels(&actor).await?))
}

/// Sync named channels as conversations (WuKongIM's)
///
/// Each named channel, in the order named, in `/conversation/sync`'s shape: `uid`'s unread
/// count and read position in it, and its newest `msg_count` messages (default 15, at most
/// 100) that `uid` may see, newest first; also for a conversation `uid` deleted or never
/// listed. A channel `uid` cannot see (never a member of the group, no such group or peer) comes
/// back with no messages rather than failing the others. The manager token may act for any
/// `uid`; a user token only for its own.
#[utoipa::path(post, path = "/conversation/syncByChannels", tag = "server",
    operation_id = "serverSyncByChannels", request_body = wire::SyncByChannelsRequest,
    responses(
        (status = 200, description = "A bare array, one entry per channel named.", body = Vec<ServerConversation>),
        (status = 400, description = "`invalid_argument`: no channels or over 500, or a malformed channel.", body = ErrorBody),
    ))]
async fn sync_by_channels(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(request): JsonBody<wire::SyncByChannelsRequest>,
) -> ApiResult<Json<Vec<ServerConversation>>> {
    let actor = acting_for(&caller, &request.uid)?;
    Ok(Json(state.natter.sync_by_channels(&actor, request).await?))
}

/// Recent messages of named channels (WuKongIM's)
///
/// For each named channel, in the order named, the messages `uid` may see from its
/// `last_msg_seq` on (0: from the start): with `order_by_last` 1 the newest `msg_count`
/// (default 15, at most 100), newest first; with 0 the oldest, oldest first. Each entry also
/// names `uid`'s own newest seq in the channel. A channel `uid` cannot see comes back with no
/// messages. The manager token may act for any `uid`; a user token only for its own.
#[utoipa::path(post, path = "/conversation/syncMessages", tag = "server",
    operation_id = "serverSyncRecentMessages", request_body = wire::SyncMessagesRequest,
    responses(
        (status = 200, description = "A bare array, one entry per channel named.", body = Vec<wire::ChannelRecentMessages>),
        (status = 400, description = "`invalid_argument`: no channels or over 500, a malformed channel, or `order_by_last` not 0 or 1.", body = ErrorBody),
    ))]
async fn sync_recent_messages(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(request): JsonBody<wire::SyncMessagesRequest>,
) -> ApiResult<Json<Vec<wire::ChannelRecentMessages>>> {
    let actor = acting_for(&caller, &request.uid)?;
    Ok(Json(
        state.natter.sync_recent_messages(&actor, request).await?,
    ))
}

/// A page of a channel's history (WuKongIM's message sync)
///
/// What `login_uid` may see of the channel, oldest first: messages from before they joined a
/// group, while they were away from it, or before they cleared their history are left out.
/// With `start_message_seq` and `end_message_seq` both 0, the newest `limit`; pulling down
/// (`pull_mode` 0), the newest `limit` at or below `start_message_seq` and above
/// `end_message_seq`; pulling up (1), the oldest `limit` from `start_message_seq` up to (not
/// including) `end_message_seq`. The manager token may act for any `login_uid`; a user token
/// only for its own.
#[utoipa::path(post, path = "/channel/messagesync", tag = "server",
    operation_id = "serverSyncChannelMessages", request_body = wire::MessageSyncRequest,
    responses(
        (status = 200, description = "One page.", body = wire::MessageSyncResponse),
        (status = 403, description = "`permission_denied`: `login_uid` was never a member of the group.", body = ErrorBody),
        (status = 404, description = "`not_found`: the peer or the group does not exist.", body = ErrorBody),
    ))]
async fn message_sync(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(request): JsonBody<wire::MessageSyncRequest>,
) -> ApiResult<Json<wire::MessageSyncResponse>> {
    let actor = acting_for(&caller, &request.login_uid)?;
    Ok(Json(state.natter.channel_messages(&actor, request).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct MaxSeqQuery {
    /// The user whose side names a personal channel (the channel of them and `channel_id`).
    login_uid: String,
    channel_id: String,
    /// 1 (personal), 2 (group) or 100 (system).
    channel_type: i64,
}

/// A channel's newest seq (WuKongIM's)
///
/// The seq of the channel's newest message, whoever may see it; 0 when the channel has no
/// messages or does not exist, as WuKongIM answers. Natter takes `login_uid` always (WuKongIM
/// needs it only for personal channels). Manager token only.
#[utoipa::path(get, path = "/channel/max_message_seq", tag = "server",
    operation_id = "serverMaxMessageSeq", params(MaxSeqQuery),
    responses((status = 200, description = "The newest seq.", body = wire::MaxMessageSeq)))]
async fn max_message_seq(
    State(state): State<AppState>,
    _: ManagerOnly,
    QueryParams(query): QueryParams<MaxSeqQuery>,
) -> ApiResult<Json<wire::MaxMessageSeq>> {
    let natter = &state.natter;
    let seq = natter.max_message_seq(&query.login_uid, &query.channel_id, query.channel_type);
    Ok(Json(seq.await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct LastMessageQuery {
    /// The user whose side names a personal channel (theirs and `channel_id`'s) or a system
    /// one; not needed for a group.
    login_uid: Option<String>,
    channel_id: String,
    /// 1 (personal), 2 (group) or 100 (system).
    channel_type: i64,
}

/// A channel's newest message (WuKongIM's)
///
/// The channel's newest message, whoever may see it, in `/channel/messagesync`'s message shape:
/// a personal message's `channel_id` is the party that did not send it. Manager token only.
#[utoipa::path(get, path = "/channel/last_message", tag = "server",
    operation_id = "serverChannelLastMessage", params(LastMessageQuery),
    responses(
        (status = 200, description = "The newest message.", body = wire::ServerMessage),
        (status = 404, description = "`not_found`: the channel has no messages, or does not exist.", body = ErrorBody),
    ))]
async fn channel_last_message(
    State(state): State<AppState>,
    _: ManagerOnly,
    QueryParams(query): QueryParams<LastMessageQuery>,
) -> ApiResult<Json<wire::ServerMessage>> {
    let (channel_id, channel_type) = (&query.channel_id, query.channel_type);
    let login_uid = query.login_uid.as_deref();
    let message = state
        .natter
        .channel_last_message(login_uid, channel_id, channel_type);
    Ok(Json(message.await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ClientMsgNoQuery {
    /// A group ID; a personal channel as WuKongIM names it, `uid1@uid2` (either order), or the
    /// peer with `login_uid`; `@TIM#SYSTEM` with `login_uid` for a system one.
    channel_id: String,
    /// 1 (personal), 2 (group) or 100 (system).
    channel_type: i64,
    client_msg_no: String,
    /// The user whose side names a personal or system channel, when `channel_id` does not.
    login_uid: Option<String>,
}

/// A message by its client number (WuKongIM's)
///
/// The channel's message of `client_msg_no` (its newest, should two senders have used one
/// number), whoever may see it, in `/channel/messagesync`'s message shape. Manager token only.
#[utoipa::path(get, path = "/message/byclientmsgno", tag = "server",
    operation_id = "serverMessageByClientMsgNo", params(ClientMsgNoQuery),
    responses(
        (status = 200, description = "The message.", body = wire::ServerMessage),
        (status = 404, description = "`not_found`: no such message in the channel, or no such channel.", body = ErrorBody),
    ))]
async fn message_by_client_msg_no(
    State(state): State<AppState>,
    _: ManagerOnly,
    QueryParams(query): QueryParams<ClientMsgNoQuery>,
) -> ApiResult<Json<wire::ServerMessage>> {
    let message = state.natter.message_by_client_msg_no(
        query.login_uid.as_deref(),
        &query.channel_id,
        query.channel_type,
        &query.client_msg_no,
    );
    Ok(Json(message.await?))
}

/// Messages by seq, ID or client number (WuKongIM's)
///
/// The messages of a channel named in `message_seqs`, `message_ids` or `client_msg_nos` (1 to
/// 1,000 names in all) that `login_uid` may see, oldest first, with `/channel/messagesync`'s
/// fields (its seqs and `more` 0). What they may not see, or what does not exist, is left out.
/// The manager token may act for any `login_uid`; a user token only for its own.
#[utoipa::path(post, path = "/messages", tag = "server",
    operation_id = "serverMessagesByName", request_body = wire::MessagesRequest,
    responses(
        (status = 200, description = "The messages found.", body = wire::MessageSyncResponse),
        (status = 403, description = "`permission_denied`: `login_uid` was never a member of the group.", body = ErrorBody),
        (status = 404, description = "`not_found`: the peer or the group does not exist.", body = ErrorBody),
    ))]
async fn messages_by_name(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(request): JsonBody<wire::MessagesRequest>,
) -> ApiResult<Json<wire::MessageSyncResponse>> {
    let actor = acting_for(&caller, &request.login_uid)?;
    Ok(Json(state.natter.messages_by_name(&actor, request).await?))
}

/// One message by ID or client number (WuKongIM's)
///
/// The channel's message of `message_id`, or without one of `client_msg_no`, if `login_uid`
/// may see it. The manager token may act for any `login_uid`; a user token only for its own.
#[utoipa::path(post, path = "/message", tag = "server",
    operation_id = "serverMessageByName", request_body = wire::MessageRequest,
    responses(
        (status = 200, description = "The message.", body = wire::ServerMessage),
        (status = 404, description = "`not_found`: no such message that `login_uid` may see, or no such peer or group.", body = ErrorBody),
    ))]
async fn message_by_name(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(request): JsonBody<wire::MessageRequest>,
) -> ApiResult<Json<wire::ServerMessage>> {
    let actor = acting_for(&caller, &request.login_uid)?;
    Ok(Json(state.natter.message_by_name(&actor, request).await?))
}

/// Online status of users
///
/// The body is a bare JSON array of uids, as WuKongIM takes it; the answer lists one entry per
/// user and device flag with a connection open (a user with a phone and a browser online has
/// two), on any node of the cluster. Manager token only.
#[utoipa::path(post, path = "/user/onlinestatus", tag = "server", operation_id = "onlineStatus",
    request_body(content = Vec<String>, example = json!(["alice", "bob"])),
    responses((status = 200, description = "The online connections; `{\"status\": 200}` for an empty array, as WuKongIM.", body = wire::OnlineStatusAnswer)))]
async fn online_status(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(uids): JsonBody<Vec<String>>,
) -> ApiResult<Json<wire::OnlineStatusAnswer>> {
    if uids.is_empty() {
        return Ok(Json(wire::OnlineStatusAnswer::NoneAsked(
            StatusOk::default(),
        )));
    }
    let connections = state.natter.online_status(&uids).await?;
    Ok(Json(wire::OnlineStatusAnswer::Connections(connections)))
}

/// Sign a device out
///
/// The device's token stops working and its connections end as kicked (WuKongIM's DISCONNECT
/// reason 12; close code 4004 on the JSON WebSocket), so its client does not reconnect until
/// the app backend issues a new token. `device_flag` -1 signs out every device of the user.
/// Done also when there was no such device, as WuKongIM answers. Manager token only.
#[utoipa::path(post, path = "/user/device_quit", tag = "server", operation_id = "quitDevice",
    request_body = wire::DeviceQuitRequest,
    responses((status = 200, description = "Done.", body = StatusOk)))]
async fn device_quit(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<wire::DeviceQuitRequest>,
) -> ApiResult<Json<StatusOk>> {
    state.natter.quit_device(request).await?;
    Ok(Json(StatusOk::default()))
}

/// Kick one connection
///
/// Ends one connection of the user as kicked (WuKongIM's DISCONNECT reason 12; close code 4004
/// on the JSON WebSocket), so its client does not reconnect; the device's token still works
/// for a new login, and the user's other connections stay. `conn_id` is the connection's ID
/// from the `user.onlinestatus` webhook; the connection may be on any node. Done also when no
/// such connection is open, as WuKongIM answers. Manager token only.
#[utoipa::path(post, path = "/conn/kick", tag = "server", operation_id = "kickConnection",
    request_body = wire::ConnectionRequest,
    responses(
        (status = 200, description = "Done.", body = StatusOk),
        (status = 400, description = "`invalid_argument`: a malformed `uid`, or `conn_id` 0.", body = ErrorBody),
    ))]
async fn kick_connection(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<wire::ConnectionRequest>,
) -> ApiResult<Json<StatusOk>> {
    state.natter.end_connection(&request, EndReason::Kicked)?;
    Ok(Json(StatusOk::default()))
}

/// Remove one connection
///
/// Closes one connection of the user without telling it why (no DISCONNECT on WuKongIM's
/// protocol; close code 1001 on the JSON WebSocket), as WuKongIM does, so its client connects
/// again: for a connection that should start afresh. `conn_id` is as for `/conn/kick`. Done
/// also when no such connection is open. Manager token only.
#[utoipa::path(post, path = "/conn/remove", tag = "server", operation_id = "removeConnection",
    request_body = wire::ConnectionRequest,
    responses(
        (status = 200, description = "Done.", body = StatusOk),
        (status = 400, description = "`invalid_argument`: a malformed `uid`, or `conn_id` 0.", body = ErrorBody),
    ))]
async fn remove_connection(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<wire::ConnectionRequest>,
) -> ApiResult<Json<StatusOk>> {
    state.natter.end_connection(&request, EndReason::Removed)?;
    Ok(Json(StatusOk::default()))
}

/// Send one personal message to many users
///
/// Sends the payload from `from_uid` to each subscriber as its own one-to-one message (1 to
/// 1,000 subscribers). A subscriber that cannot get it (a malformed uid, or `from_uid` itself)
/// is listed in `fail_uids` with its `reason`, and the others still get theirs, as WuKongIM
/// answers; a subscriber's blacklist does not stop it, as on WuKongIM. A bad payload, header
/// or `from_uid` refuses the whole call. Manager token only.
#[utoipa::path(post, path = "/message/sendbatch", tag = "server", operation_id = "sendBatch",
    request_body = wire::SendBatchRequest,
    responses((status = 200, description = "Who did not get it, and why.", body = wire::SendBatchResult)))]
async fn send_batch(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<wire::SendBatchRequest>,
) -> ApiResult<Json<wire::SendBatchResult>> {
    Ok(Json(state.natter.server_send_batch(request).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    /// Only entries about this user's list or messages; `@TIM#SYSTEM` for the recalls of the
    /// app's own messages.
    uid: Option<String>,
    /// Page size 1–100 (default 20).
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Audit log of conversation deletions
///
/// One entry per accepted delete call on either surface (also when it changed nothing), newest
/// first. Manager token only.
#[utoipa::path(get, path = "/audit/conversations", tag = "server",
    operation_id = "auditConversations", params(AuditQuery),
    responses((status = 200, description = "One page, newest first.", body = AuditPage)))]
async fn audit(
    State(state): State<AppState>,
    _: ManagerOnly,
    QueryParams(query): QueryParams<AuditQuery>,
) -> ApiResult<Json<AuditPage>> {
    Ok(Json(
        state
            .natter
            .audit_log(query.uid.as_deref(), query.limit, query.cursor.as_deref())
            .await?,
    ))
}

/// Read the app settings
///
/// Manager token only.
#[utoipa::path(get, path = "/app/settings", tag = "server", operation_id = "getAppSettings",
    responses((status = 200, description = "The settings in force.", body = AppSettings)))]
async fn settings(State(state): State<AppState>, _: ManagerOnly) -> ApiResult<Json<AppSettings>> {
    Ok(Json(state.natter.settings()))
}

/// Change the app settings
///
/// Stores the settings given and applies them at once, on every node; one left out keeps its
/// value. Manager token only.
#[utoipa::path(put, path = "/app/settings", tag = "server", operation_id = "putAppSettings",
    request_body = AppSettingsChange,
    responses((status = 200, description = "The settings now in force.", body = AppSettings)))]
async fn update_settings(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<AppSettingsChange>,
) -> ApiResult<Json<AppSettings>> {
    Ok(Json(state.natter.update_settings(request).await?))
}

/// Restore a conversation a user deleted
///
/// Brings back a conversation that `uid` deleted, as it was just before their latest deletion
/// of it (read position, pin, archive, marks, remind type, draft, custom data, folders), if that
/// deletion kept the history. Manager token only.
#[utoipa::path(post, path = "/conversations/restore", tag = "server",
    operation_id = "serverRestoreConversation", request_body = ServerConversationRef,
    responses(
        (status = 200, description = "The conversation as it is now in `uid`'s list.", body = StatusData<Conversation>),
        (status = 404, description = "`not_found`: `uid` never had this conversation, or no deletion of it is on record.", body = ErrorBody),
        (status = 409, description = "`conflict`: the conversation is in the list already, or its history was cleared.", body = ErrorBody),
    ))]
async fn restore(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<ServerConversationRef>,
) -> ApiResult<Json<StatusData<Conversation>>> {
    let uid = Uid::parse(&request.uid, "uid")?;
    let channel = ChannelRef {
        channel_id: request.channel_id,
        channel_type: request.channel_type,
    };
    let conversation = state.natter.restore_deleted(&uid, &channel).await?;
    Ok(Json(StatusData::new(conversation)))
}

/// Send a system notice to users
///
/// Appends one notice to the `@TIM#SYSTEM` conversation of each listed user (1–100), all or
/// nothing, and pushes it to their online devices. Users cannot reply to it. Manager token only.
#[utoipa::path(post, path = "/system/notices", tag = "server", operation_id = "sendSystemNotices",
    request_body = NoticeRequest,
    responses(
        (status = 200, description = "Done.", body = StatusOk),
        (status = 404, description = "`not_found`: a uid never had a token; no one gets the notice.", body = ErrorBody),
    ))]
async fn notices(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<NoticeRequest>,
) -> ApiResult<Json<StatusOk>> {
    state.natter.send_notices(request).await?;
    Ok(Json(StatusOk::default()))
}

/// Recall a message
///
/// The app backend recalls any message at any time (moderation): every member's copy becomes a
/// stub with `operator` as its revoker (`admin` when left out), the payload leaves the
/// server's disk, and members' devices get `messageRevoked`. Audited with `via: server`.
/// Manager token only.
#[utoipa::path(post, path = "/message/revoke", tag = "server", operation_id = "serverRevokeMessage",
    request_body = wire::ServerRevokeRequest,
    responses(
        (status = 200, description = "Done (also when it was recalled already).", body = StatusOk),
        (status = 404, description = "`not_found`: no such message.", body = ErrorBody),
    ))]
async fn revoke(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<wire::ServerRevokeRequest>,
) -> ApiResult<Json<StatusOk>> {
    state.natter.server_recall(request).await?;
    Ok(Json(StatusOk::default()))
}

/// Delete messages for one user
///
/// Removes 1–30 messages of one conversation from `uid`'s view only, as the client API's
/// delete-for-me does. The manager token may act for any `uid`; a user token only for its own.
#[utoipa::path(post, path = "/message/deleteForUser", tag = "server",
    operation_id = "serverDeleteMessages", request_body = wire::ServerDeleteMessagesRequest,
    responses(
        (status = 200, description = "Done.", body = StatusOk),
        (status = 404, description = "`not_found`: no such message.", body = ErrorBody),
    ))]
async fn delete_messages(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(request): JsonBody<wire::ServerDeleteMessagesRequest>,
) -> ApiResult<Json<StatusOk>> {
    let actor = acting_for(&caller, &request.uid)?;
    let conversation =
        natter_core::ConversationId::from_channel(request.channel_type, &request.channel_id)?;
    state
        .natter
        .server_delete_messages(&actor, conversation, &request.message_ids)
        .await?;
    Ok(Json(StatusOk::default()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct UidQuery {
    /// The user.
    uid: String,
}

/// Read a user's profile
///
/// Manager token only.
#[utoipa::path(get, path = "/user/profile", tag = "server", operation_id = "serverGetUserProfile",
    params(UidQuery),
    responses(
        (status = 200, description = "The profile.", body = wire::Profile),
        (status = 404, description = "`not_found`: no such user.", body = ErrorBody),
    ))]
async fn user_profile(
    State(state): State<AppState>,
    _: ManagerOnly,
    QueryParams(query): QueryParams<UidQuery>,
) -> ApiResult<Json<wire::Profile>> {
    Ok(Json(state.natter.user_profile(&query.uid).await?))
}

/// Set a user's profile
///
/// Sets a user's nick, avatar or custom fields (a field left out keeps its value). Every list
/// that shows the user changes at once (`profileUpdated` to the devices of the user and of
/// everyone with a one-to-one conversation with them) and through sync. Manager token only.
#[utoipa::path(post, path = "/user/profile", tag = "server", operation_id = "serverSetUserProfile",
    request_body = wire::ServerUserProfile,
    responses(
        (status = 200, description = "Done.", body = StatusOk),
        (status = 404, description = "`not_found`: no such user.", body = ErrorBody),
    ))]
async fn set_user_profile(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<wire::ServerUserProfile>,
) -> ApiResult<Json<StatusOk>> {
    state.natter.set_user_profile(request).await?;
    Ok(Json(StatusOk::default()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ChannelQuery {
    /// The group ID.
    channel_id: String,
    /// 2 (groups only).
    channel_type: i64,
}

/// Read a group's information
///
/// Manager token only.
#[utoipa::path(get, path = "/channel/info", tag = "server", operation_id = "getChannelInfo",
    params(ChannelQuery),
    responses(
        (status = 200, description = "The group.", body = wire::ServerChannelInfo),
        (status = 404, description = "`not_found`: no such group.", body = ErrorBody),
    ))]
async fn channel_info(
    State(state): State<AppState>,
    _: ManagerOnly,
    QueryParams(query): QueryParams<ChannelQuery>,
) -> ApiResult<Json<wire::ServerChannelInfo>> {
    Ok(Json(
        state
            .natter
            .channel_info(&query.channel_id, query.channel_type)
            .await?,
    ))
}

/// Set a group's information
///
/// WuKongIM's route for a channel's information, with the group's name, avatar, type and
/// notice beside its own fields. The change is one row however many members the group has;
/// every member's list shows it at once (`profileUpdated`) and through sync. `disband: 1`
/// dismisses the group. Manager token only.
#[utoipa::path(post, path = "/channel/info", tag = "server", operation_id = "setChannelInfo",
    request_body = wire::ChannelInfoRequest,
    responses(
        (status = 200, description = "Done.", body = StatusOk),
        (status = 404, description = "`not_found`: no such group.", body = ErrorBody),
    ))]
async fn set_channel_info(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<wire::ChannelInfoRequest>,
) -> ApiResult<Json<StatusOk>> {
    state.natter.set_group_profile(request).await?;
    Ok(Json(StatusOk::default()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DeadLetterQuery {
    /// Only events of this kind (`msg.offline`, `msg.notify`, `user.onlinestatus`,
    /// `conversation.deleted`).
    event: Option<String>,
    /// Page size 1–100 (default 20).
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Webhook dead letters
///
/// The webhook events that kept failing for longer than `--webhook-dead-after-secs` and were
/// given up, oldest first, each with its body as it would be delivered and its last error.
/// Manager token only.
#[utoipa::path(get, path = "/webhook/deadletters", tag = "server",
    operation_id = "webhookDeadLetters", params(DeadLetterQuery),
    responses((status = 200, description = "One page, oldest first.", body = wire::DeadLetterPage)))]
async fn dead_letters(
    State(state): State<AppState>,
    _: ManagerOnly,
    QueryParams(query): QueryParams<DeadLetterQuery>,
) -> ApiResult<Json<wire::DeadLetterPage>> {
    Ok(Json(
        state
            .natter
            .dead_letters(query.event.as_deref(), query.limit, query.cursor.as_deref())
            .await?,
    ))
}

/// Replay webhook dead letters
///
/// Puts dead letters back in their queues: those listed in `ids`, else every one of `event`,
/// else every one. Each is delivered again with its own event ID (receivers that de-duplicate
/// keep working), before the newer events of its kind, and gets a fresh dead-letter age.
/// Manager token only.
#[utoipa::path(post, path = "/webhook/deadletters/replay", tag = "server",
    operation_id = "replayWebhookDeadLetters", request_body = wire::ReplayRequest,
    responses((status = 200, description = "How many were put back.", body = wire::ReplayResult)))]
async fn replay_dead_letters(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<wire::ReplayRequest>,
) -> ApiResult<Json<wire::ReplayResult>> {
    Ok(Json(state.natter.replay_dead_letters(request).await?))
}

/// Change a member of a group
///
/// The client's `POST /v1/groups/{groupID}/members/update` for the app backend, in any group: it
/// names (`role: Admin`) or unnames an admin, mutes a member for `muteTime` seconds (0 unmutes)
/// and sets a member's name card, as the group's owner could, which a group the app backend made,
/// having no owner, needs. The group's type still rules: a work group (`Private`) has no admins
/// and mutes no one; and the owner's own standing is the owner's (only its name card may be set).
/// No tip is written, as for the app backend's other changes; a member whose role changed finds
/// `groupAdminSet` or `groupAdminCanceled` in `@TIM#SYSTEM`, with no operator. Manager token only.
#[utoipa::path(post, path = "/groups/{groupID}/members/update", tag = "server",
    operation_id = "serverUpdateGroupMember", request_body = wire::GroupMemberUpdate,
    params(("groupID" = String, Path, description = "The group ID; percent-encode `#` and `@`.")),
    responses(
        (status = 200, description = "The member after the change.", body = wire::GroupMember),
        (status = 400, description = "`invalid_argument`: none of `role`, `muteTime`, `nameCard`; a role other than `Admin` or `Member`; `muteTime` over 4294967295; `nameCard` over 50 bytes; a user who is not a member; a malformed ID.", body = ErrorBody),
        (status = 403, description = "`permission_denied`: a work group has no admins and mutes no one; the owner's role and mute are not changed. `not_a_member` (40302): the group was dismissed.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such group.", body = ErrorBody),
    ))]
async fn update_group_member(
    State(state): State<AppState>,
    _: ManagerOnly,
    PathParam(group_id): PathParam<String>,
    JsonBody(request): JsonBody<wire::GroupMemberUpdate>,
) -> ApiResult<Json<wire::GroupMember>> {
    Ok(Json(
        state
            .natter
            .server_update_group_member(&group_id, request)
            .await?,
    ))
}
