//! The client API (`/v1/...`): devices acting on their own user's conversations.
//!
//! Each handler's doc comment and `#[utoipa::path]` are its entry in the OpenAPI document; the
//! error answers every call shares are added in [`crate::openapi`].

use crate::json::Json;
use axum::extract::State;
use natter_core::ListChange;
use natter_core::wire::{
    self, ConversationGroupList, ConversationGroupRequest, ConversationIdList, CustomDataRequest,
    DeleteConversationsRequest, DeleteConversationsResponse, DraftRequest, Empty, ErrorBody,
    GroupNameResult, MarkRequest, PinRequest, ReadAllRequest, ReadRequest, RemindTypeRequest,
    RenameConversationGroupRequest, SendMessageRequest,
};
use natter_service::{Actor, ListOptions, MemberPage};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ClientUser, ConnectionId, JsonBody, PathParam, QueryParams};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(send_message))
        .routes(routes!(list_conversations))
        .routes(routes!(sync))
        .routes(routes!(delete_conversations))
        .routes(routes!(archive))
        .routes(routes!(restore))
        .routes(routes!(pin))
        .routes(routes!(conversation))
        .routes(routes!(history))
        .routes(routes!(mark_read))
        .routes(routes!(mark))
        .routes(routes!(draft))
        .routes(routes!(custom_data))
        .routes(routes!(remind_type))
        .routes(routes!(read_all))
        .routes(routes!(clear_history))
        .routes(routes!(conversation_groups, create_conversation_group))
        .routes(routes!(rename_conversation_group))
        .routes(routes!(delete_conversation_group))
        .routes(routes!(add_to_conversation_group))
        .routes(routes!(remove_from_conversation_group))
        .routes(routes!(leave_group))
        .routes(routes!(total_unread))
        .routes(routes!(revoke_message))
        .routes(routes!(modify_message))
        .routes(routes!(delete_messages))
        .routes(routes!(profiles))
        .routes(routes!(my_profile, update_my_profile))
        .routes(routes!(blacklist, block_users))
        .routes(routes!(unblock_users))
        .routes(routes!(group_profile, update_group_profile))
        .routes(routes!(group_list, create_group))
        .routes(routes!(group_members, add_group_members))
        .routes(routes!(remove_group_members))
        .routes(routes!(named_group_members))
        .routes(routes!(update_group_member))
        .routes(routes!(mark_group_members))
        .routes(routes!(change_group_owner))
        .routes(routes!(dismiss_group))
        .routes(routes!(join_group))
        .routes(routes!(group_applications))
        .routes(routes!(handle_group_application))
}

/// The `{id}` path parameter.
const CONVERSATION_ID: &str = "The conversation ID (`C2C<userID>`, `GROUP<groupID>`, \
    `@TIM#SYSTEM`), percent-encoded (`%40TIM%23SYSTEM`).";

/// The `{groupID}` path parameter.
pub(crate) const GROUP_ID: &str =
    "The group ID (`team-1`, not `GROUPteam-1`); percent-encode `#` and `@`.";

/// Send a message
///
/// Sends a message to one of the user's conversations and answers once it is durable. The
/// message revives the conversation for every member who had deleted it, and is pushed to every
/// online member's devices (`messageReceived`, `conversationListUpdated`,
/// `totalUnreadMessageCountUpdated`). With `clientMsgID` the send is idempotent. With
/// `--before-send-url`, the app backend first allows, rejects or rewrites it.
#[utoipa::path(post, path = "/v1/messages", tag = "client", operation_id = "sendMessage",
    request_body = SendMessageRequest,
    responses(
        (status = 200, description = "The stored message.", body = wire::SendMessageResponse),
        (status = 400, description = "`invalid_argument` (40001): bad JSON, an unknown `type`, a payload that is not an object or not of its type's shape, an empty or over-long `clientMsgID`, `cloudCustomData` over 8 KiB; `invalid_conversation_id` (40002): a malformed ID, or `C2C` of the sender.", body = ErrorBody),
        (status = 403, description = "`permission_denied` (40301): a group the user never joined, `@TIM#SYSTEM`, or the manager token. `not_a_member` (40302): a group the user left, was removed from, or that was dismissed. `in_blacklist` (40305): the sender is on the group's or the peer's blacklist. `not_in_whitelist` (40306): the group takes messages only from its whitelist, which lacks the sender. `muted` (40307): the sender's mute in the group has not ended. `message_rejected` (40304): the app's before-send callback refused the message (its reason in `message`).", body = ErrorBody),
        (status = 404, description = "`not_found`: the peer never had a token, or the group does not exist.", body = ErrorBody),
        (status = 409, description = "`conflict`: the sender already used this `clientMsgID` for another conversation.", body = ErrorBody),
        (status = 413, description = "`payload_too_large`: the payload is over 64 KiB as compact JSON.", body = ErrorBody),
        (status = 503, description = "`unavailable` (50301): as for any call; also when the app's before-send callback did not answer in time and `--before-send-fail-open` is off.", body = ErrorBody),
    ))]
async fn send_message(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<SendMessageRequest>,
) -> ApiResult<Json<wire::SendMessageResponse>> {
    let message = state.natter.send_message(&device.uid, request).await?;
    Ok(Json(wire::SendMessageResponse { message }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Page size 1–100 (default 20).
    limit: Option<u32>,
    /// `nextCursor` of the previous page (opaque); empty or absent: the first page.
    cursor: Option<String>,
    /// Only conversations of this type: `C2C`, `GROUP` or `@TIM#SYSTEM`.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    kind: Option<String>,
    /// `true`: list the archived conversations instead.
    archived: Option<bool>,
    /// Only conversations carrying this mark (1, 2, 4, 8 or a custom 2^n, 32 ≤ n < 64). Without
    /// it, HIDE-marked (8) conversations are left out.
    mark_type: Option<u64>,
    /// Only conversations in the user's folder of this name.
    group_name: Option<String>,
    /// `true`: only conversations with unread messages.
    unread_only: Option<bool>,
}

/// List conversations
///
/// One page of the user's conversation list: pinned first, then newest activity first. The
/// default list leaves out archived conversations and those marked HIDE (8); `archived=true`
/// lists only the archived ones, `markType` only those with that mark. Deleted conversations are
/// not listed until they revive. The filters combine.
#[utoipa::path(get, path = "/v1/conversations", tag = "client",
    operation_id = "listConversations", params(ListQuery),
    responses((status = 200, description = "One page.", body = wire::ConversationListResponse)))]
async fn list_conversations(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    QueryParams(query): QueryParams<ListQuery>,
) -> ApiResult<Json<wire::ConversationListResponse>> {
    let options = ListOptions {
        limit: query.limit,
        cursor: query.cursor,
        kind: query.kind,
        archived: query.archived,
        mark: query.mark_type,
        folder: query.group_name,
        unread_only: query.unread_only,
    };
    Ok(Json(
        state
            .natter
            .list_conversations(&device.uid, options)
            .await?,
    ))
}

/// Get one conversation
///
/// The conversation object, archived or not.
#[utoipa::path(get, path = "/v1/conversations/{id}", tag = "client",
    operation_id = "getConversation",
    params(("id" = String, Path, description = CONVERSATION_ID)),
    responses(
        (status = 200, description = "The conversation.", body = wire::Conversation),
        (status = 404, description = "`not_found`: not in the user's list (never had, or deleted and not revived).", body = ErrorBody),
    ))]
async fn conversation(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(id): PathParam<String>,
) -> ApiResult<Json<wire::Conversation>> {
    Ok(Json(state.natter.conversation(&device.uid, &id).await?))
}

/// Delete conversations
///
/// Deletes 1–100 conversations from the user's list in one transaction: the unread count goes to
/// 0, every preference is reset (pin, archive, marks, remind type, draft, custom data) and they
/// leave every folder; with `clearHistoryMessage` (default true) the user's history of them is
/// cleared for good (of those not in the list too, unless `onlyListed`). Other members, the messages and the membership are untouched. Every call is
/// audited. With the app's deletion sync on, the user's other devices get
/// `conversationDeleted`; send `X-Natter-Connection` so only this connection is skipped.
#[utoipa::path(post, path = "/v1/conversations/delete", tag = "client",
    operation_id = "deleteConversations", request_body = DeleteConversationsRequest,
    params(ConnectionId),
    responses(
        (status = 200, description = "The IDs as given, without repeats, and the user's version once the deletion is made.", body = DeleteConversationsResponse),
        (status = 400, description = "`invalid_argument` (40001): bad JSON, an empty list; `invalid_conversation_id` (40002): a malformed ID (nothing is deleted); `too_many_conversations` (40003): over 100.", body = ErrorBody),
    ))]
async fn delete_conversations(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    ConnectionId(connection): ConnectionId,
    JsonBody(request): JsonBody<DeleteConversationsRequest>,
) -> ApiResult<Json<DeleteConversationsResponse>> {
    let actor = Actor::device(&device, connection);
    let deleted = state.natter.delete_conversations(&actor, &request).await?;
    Ok(Json(deleted))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct HistoryQuery {
    /// Only messages with a seq below this: the newest of them.
    before: Option<u64>,
    /// Only messages before this message (the `nextReqMessageID` of the previous page): the
    /// newest of them.
    #[serde(rename = "nextReqMessageID")]
    #[param(rename = "nextReqMessageID")]
    next_req_message_id: Option<String>,
    /// Only messages sent at or before this time (ms since the epoch): the newest of them.
    #[serde(rename = "beforeTime")]
    #[param(rename = "beforeTime")]
    before_time: Option<i64>,
    /// Only messages with a seq above this: the oldest of them.
    after: Option<u64>,
    /// Only messages sent at or after this time (ms since the epoch): the oldest of them.
    #[serde(rename = "afterTime")]
    #[param(rename = "afterTime")]
    after_time: Option<i64>,
    /// Page size 1–100 (default 20).
    limit: Option<u32>,
}

/// Message history
///
/// The `limit` messages this user may see nearest to one point, oldest first: the newest before
/// `before` (a seq), `nextReqMessageID` (a message) or up to `beforeTime`; or the oldest after
/// `after` (a seq) or from `afterTime` (Tencent's `getMessageListHopping`); with none, the newest.
/// Only inside the user's membership windows and after their cleared history. A deleted
/// conversation's history stays readable unless it was cleared.
#[utoipa::path(get, path = "/v1/conversations/{id}/messages", tag = "client",
    operation_id = "getMessageList",
    params(("id" = String, Path, description = CONVERSATION_ID), HistoryQuery),
    responses(
        (status = 200, description = "One page, oldest first.", body = wire::MessageListResponse),
        (status = 403, description = "`permission_denied`: a group the user never belonged to.", body = ErrorBody),
        (status = 404, description = "`not_found`: the peer or the group does not exist, or `nextReqMessageID` is not a message of this conversation.", body = ErrorBody),
    ))]
async fn history(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(id): PathParam<String>,
    QueryParams(query): QueryParams<HistoryQuery>,
) -> ApiResult<Json<wire::MessageListResponse>> {
    Ok(Json(
        state
            .natter
            .history(
                &device.uid,
                &id,
                natter_service::HistoryQuery {
                    before: query.before,
                    next_req_message_id: query.next_req_message_id.as_deref(),
                    before_time: query.before_time,
                    after: query.after,
                    after_time: query.after_time,
                    limit: query.limit,
                },
            )
            .await?,
    ))
}

/// Mark as read
///
/// Marks the conversation read up to `seq` (default: everything). Reading never moves backwards.
/// The change is pushed to the user's devices.
#[utoipa::path(post, path = "/v1/conversations/{id}/read", tag = "client", operation_id = "markRead",
    params(("id" = String, Path, description = CONVERSATION_ID)),
    request_body(content = ReadRequest, description = "May be empty."),
    responses(
        (status = 200, description = "Done.", body = Empty),
        (status = 404, description = "`not_found`: the conversation is not in the user's list.", body = ErrorBody),
    ))]
async fn mark_read(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(id): PathParam<String>,
    JsonBody(request): JsonBody<ReadRequest>,
) -> ApiResult<Json<Empty>> {
    state
        .natter
        .mark_read(&device.uid, &id, request.seq)
        .await?;
    Ok(Json(Empty {}))
}

/// Total unread count
///
/// The sum of `unreadCount` over the user's list, leaving out archived and muted
/// (`messageRemindType` other than `AcceptAndNotify`) conversations.
#[utoipa::path(get, path = "/v1/unread", tag = "client", operation_id = "getTotalUnread",
    responses((status = 200, description = "The total.", body = wire::TotalUnread)))]
async fn total_unread(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
) -> ApiResult<Json<wire::TotalUnread>> {
    Ok(Json(state.natter.total_unread(&device.uid).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SyncQuery {
    /// The `version` of the previous sync (0: everything).
    #[serde(default)]
    since: u64,
    /// The `profileVersion` of the previous sync (0: every conversation whose peer or group
    /// has a profile).
    #[serde(default, rename = "profileSince")]
    #[param(rename = "profileSince")]
    profile_since: u64,
}

/// Incremental sync
///
/// What changed since a version: the changed conversations that are in the list (archived
/// included) and those whose peer's or group's profile changed since `profileSince`, the IDs of
/// conversations deleted while the app's deletion sync was on, the messages recalled or deleted
/// for this user, and the versions to pass back next time.
#[utoipa::path(get, path = "/v1/conversations/sync", tag = "client",
    operation_id = "syncConversations", params(SyncQuery),
    responses((status = 200, description = "The changes.", body = wire::SyncResponse)))]
async fn sync(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    QueryParams(query): QueryParams<SyncQuery>,
) -> ApiResult<Json<wire::SyncResponse>> {
    Ok(Json(
        state
            .natter
            .sync(&device.uid, query.since, query.profile_since)
            .await?,
    ))
}

/// Archive conversations
///
/// Archives (soft-deletes) conversations: they leave the default list and the unread total but
/// keep everything; new messages do not unarchive them. All or nothing.
#[utoipa::path(post, path = "/v1/conversations/archive", tag = "client",
    operation_id = "archiveConversations", request_body = ConversationIdList,
    responses(
        (status = 200, description = "The IDs as given, without repeats.", body = ConversationIdList),
        (status = 404, description = "`not_found`: a conversation is not in the user's list; nothing is changed.", body = ErrorBody),
    ))]
async fn archive(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<ConversationIdList>,
) -> ApiResult<Json<ConversationIdList>> {
    let changed = state
        .natter
        .set_archived(&device.uid, &request.conversation_id_list, true)
        .await?;
    Ok(id_list(changed))
}

/// Restore archived conversations
///
/// Brings archived conversations back into the default list as they were. All or nothing.
#[utoipa::path(post, path = "/v1/conversations/restore", tag = "client",
    operation_id = "restoreConversations", request_body = ConversationIdList,
    responses(
        (status = 200, description = "The IDs as given, without repeats.", body = ConversationIdList),
        (status = 404, description = "`not_found`: a conversation is not in the user's list; nothing is changed.", body = ErrorBody),
    ))]
async fn restore(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<ConversationIdList>,
) -> ApiResult<Json<ConversationIdList>> {
    let changed = state
        .natter
        .set_archived(&device.uid, &request.conversation_id_list, false)
        .await?;
    Ok(id_list(changed))
}

/// Pin or unpin a conversation
///
/// Pins or unpins a conversation and returns it. Pinning a deleted conversation brings it back
/// into the list. A user pins at most 50.
#[utoipa::path(post, path = "/v1/conversations/pin", tag = "client", operation_id = "pinConversation",
    request_body = PinRequest,
    responses(
        (status = 200, description = "The conversation.", body = wire::Conversation),
        (status = 404, description = "`not_found`: the user never had this conversation (or, when unpinning, it is not in the list).", body = ErrorBody),
        (status = 409, description = "`conflict`: 50 conversations are pinned already.", body = ErrorBody),
    ))]
async fn pin(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<PinRequest>,
) -> ApiResult<Json<wire::Conversation>> {
    Ok(Json(
        state
            .natter
            .pin(&device.uid, &request.conversation_id, request.is_pinned)
            .await?,
    ))
}

fn id_list(conversation_id_list: Vec<String>) -> Json<ConversationIdList> {
    Json(ConversationIdList {
        conversation_id_list,
    })
}

/// Set or clear a mark
///
/// Sets (`enableMark: true`) or clears one mark on 1–100 conversations, all or nothing. Marks are
/// labels (STAR 1, UNREAD 2, FOLD 4, HIDE 8, custom 2^32…2^63); only HIDE changes the default
/// list. Deletion clears every mark.
#[utoipa::path(post, path = "/v1/conversations/mark", tag = "client",
    operation_id = "markConversations", request_body = MarkRequest,
    responses(
        (status = 200, description = "The IDs as given, without repeats.", body = ConversationIdList),
        (status = 404, description = "`not_found`: a conversation is not in the user's list; nothing is changed.", body = ErrorBody),
    ))]
async fn mark(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<MarkRequest>,
) -> ApiResult<Json<ConversationIdList>> {
    let marked = state
        .natter
        .mark_conversations(
            &device.uid,
            &request.conversation_id_list,
            request.mark_type,
            request.enable_mark,
        )
        .await?;
    Ok(id_list(marked))
}

/// Set or clear the draft
///
/// Stores the draft of one conversation on the server, so every device of the user sees it. An
/// empty `draftText` clears it. A draft on a deleted conversation brings it back into the list.
#[utoipa::path(post, path = "/v1/conversations/draft", tag = "client", operation_id = "setDraft",
    request_body = DraftRequest,
    responses(
        (status = 200, description = "The conversation.", body = wire::Conversation),
        (status = 404, description = "`not_found`: the user never had this conversation, or the draft is cleared on one not in the list.", body = ErrorBody),
    ))]
async fn draft(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<DraftRequest>,
) -> ApiResult<Json<wire::Conversation>> {
    Ok(Json(
        state
            .natter
            .set_draft(&device.uid, &request.conversation_id, request.draft_text)
            .await?,
    ))
}

/// Set the custom data
///
/// Sets the app's own string (at most 256 bytes) on 1–100 conversations, all or nothing; empty
/// clears it. Deletion clears it.
#[utoipa::path(post, path = "/v1/conversations/customData", tag = "client",
    operation_id = "setCustomData", request_body = CustomDataRequest,
    responses(
        (status = 200, description = "The IDs as given, without repeats.", body = ConversationIdList),
        (status = 404, description = "`not_found`: a conversation is not in the user's list; nothing is changed.", body = ErrorBody),
    ))]
async fn custom_data(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<CustomDataRequest>,
) -> ApiResult<Json<ConversationIdList>> {
    let changed = state
        .natter
        .set_custom_data(
            &device.uid,
            &request.conversation_id_list,
            request.custom_data,
        )
        .await?;
    Ok(id_list(changed))
}

/// Mute or unmute conversations
///
/// Sets `messageRemindType` on 1–100 conversations, all or nothing. `AcceptNotNotify` (muted)
/// and `Discard` conversations leave the unread total but keep their own `unreadCount`;
/// `Discard` ones are not pushed either. Deletion resets it to `AcceptAndNotify`.
#[utoipa::path(post, path = "/v1/conversations/remindType", tag = "client",
    operation_id = "setRemindType", request_body = RemindTypeRequest,
    responses(
        (status = 200, description = "The IDs as given, without repeats.", body = ConversationIdList),
        (status = 404, description = "`not_found`: a conversation is not in the user's list; nothing is changed.", body = ErrorBody),
    ))]
async fn remind_type(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<RemindTypeRequest>,
) -> ApiResult<Json<ConversationIdList>> {
    let changed = state
        .natter
        .set_remind_type(
            &device.uid,
            &request.conversation_id_list,
            &request.message_remind_type,
        )
        .await?;
    Ok(id_list(changed))
}

/// Mark everything read
///
/// Marks every conversation in the user's list (archived, hidden and muted ones included) of the
/// scope read up to its last message. The body may be empty (scope `ALL`).
#[utoipa::path(post, path = "/v1/conversations/readAll", tag = "client", operation_id = "markAllRead",
    request_body(content = ReadAllRequest, description = "May be empty."),
    responses((status = 200, description = "Done.", body = Empty)))]
async fn read_all(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<ReadAllRequest>,
) -> ApiResult<Json<Empty>> {
    state
        .natter
        .mark_all_read(&device.uid, request.scope.as_deref())
        .await?;
    Ok(Json(Empty {}))
}

/// Clear history, keep the conversation
///
/// Hides every message of the conversation up to now from this user, on every device, for good;
/// the conversation stays in the list with `unreadCount` 0 and no last message, keeping its
/// settings. The other participants are unaffected. No body.
#[utoipa::path(post, path = "/v1/conversations/{id}/clearHistory", tag = "client",
    operation_id = "clearHistory",
    params(("id" = String, Path, description = CONVERSATION_ID)),
    responses(
        (status = 200, description = "Done.", body = Empty),
        (status = 404, description = "`not_found`: the conversation is not in the user's list.", body = ErrorBody),
    ))]
async fn clear_history(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(id): PathParam<String>,
) -> ApiResult<Json<Empty>> {
    state.natter.clear_history(&device.uid, &id).await?;
    Ok(Json(Empty {}))
}

/// List folders
///
/// The user's folders (the client SDK's "conversation groups"), oldest first, each with the IDs
/// of the conversations in it.
#[utoipa::path(get, path = "/v1/conversation-groups", tag = "client",
    operation_id = "listConversationGroups",
    responses((status = 200, description = "The folders.", body = ConversationGroupList)))]
async fn conversation_groups(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
) -> ApiResult<Json<ConversationGroupList>> {
    Ok(Json(state.natter.conversation_groups(&device.uid).await?))
}

/// Create a folder
///
/// Creates a folder, optionally with 0–100 conversations in it, all or nothing. A user has at
/// most 20 folders of 1–32 bytes' names.
#[utoipa::path(post, path = "/v1/conversation-groups", tag = "client",
    operation_id = "createConversationGroup", request_body = ConversationGroupRequest,
    responses(
        (status = 200, description = "The folder.", body = GroupNameResult),
        (status = 404, description = "`not_found`: a conversation is not in the user's list; no folder is created.", body = ErrorBody),
        (status = 409, description = "`conflict`: the folder exists, or the user has 20 folders.", body = ErrorBody),
    ))]
async fn create_conversation_group(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<ConversationGroupRequest>,
) -> ApiResult<Json<GroupNameResult>> {
    state
        .natter
        .create_conversation_group(
            &device.uid,
            &request.group_name,
            &request.conversation_id_list,
        )
        .await?;
    Ok(Json(GroupNameResult {
        group_name: request.group_name,
    }))
}

/// Rename a folder
#[utoipa::path(post, path = "/v1/conversation-groups/rename", tag = "client",
    operation_id = "renameConversationGroup", request_body = RenameConversationGroupRequest,
    responses(
        (status = 200, description = "The folder under its new name.", body = GroupNameResult),
        (status = 404, description = "`not_found`: no folder `oldName`.", body = ErrorBody),
        (status = 409, description = "`conflict`: a folder `newName` exists.", body = ErrorBody),
    ))]
async fn rename_conversation_group(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<RenameConversationGroupRequest>,
) -> ApiResult<Json<GroupNameResult>> {
    state
        .natter
        .rename_conversation_group(&device.uid, &request.old_name, &request.new_name)
        .await?;
    Ok(Json(GroupNameResult {
        group_name: request.new_name,
    }))
}

/// Delete a folder
///
/// Deletes the folder; its conversations stay in the list.
#[utoipa::path(post, path = "/v1/conversation-groups/delete", tag = "client",
    operation_id = "deleteConversationGroup", request_body = ConversationGroupRequest,
    responses(
        (status = 200, description = "The deleted folder.", body = GroupNameResult),
        (status = 404, description = "`not_found`: no such folder.", body = ErrorBody),
    ))]
async fn delete_conversation_group(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<ConversationGroupRequest>,
) -> ApiResult<Json<GroupNameResult>> {
    state
        .natter
        .delete_conversation_group(&device.uid, &request.group_name)
        .await?;
    Ok(Json(GroupNameResult {
        group_name: request.group_name,
    }))
}

/// Add conversations to a folder
///
/// All or nothing; each conversation must be in the user's list.
#[utoipa::path(post, path = "/v1/conversation-groups/add", tag = "client",
    operation_id = "addConversationsToGroup", request_body = ConversationGroupRequest,
    responses(
        (status = 200, description = "The IDs as given, without repeats.", body = ConversationIdList),
        (status = 404, description = "`not_found`: no such folder, or a conversation not in the user's list.", body = ErrorBody),
    ))]
async fn add_to_conversation_group(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<ConversationGroupRequest>,
) -> ApiResult<Json<ConversationIdList>> {
    let added = state
        .natter
        .set_conversation_group_members(
            &device.uid,
            &request.group_name,
            &request.conversation_id_list,
            true,
        )
        .await?;
    Ok(id_list(added))
}

/// Remove conversations from a folder
///
/// All or nothing; each conversation must be in the user's list.
#[utoipa::path(post, path = "/v1/conversation-groups/remove", tag = "client",
    operation_id = "removeConversationsFromGroup", request_body = ConversationGroupRequest,
    responses(
        (status = 200, description = "The IDs as given, without repeats.", body = ConversationIdList),
        (status = 404, description = "`not_found`: no such folder, or a conversation not in the user's list.", body = ErrorBody),
    ))]
async fn remove_from_conversation_group(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<ConversationGroupRequest>,
) -> ApiResult<Json<ConversationIdList>> {
    let removed = state
        .natter
        .set_conversation_group_members(
            &device.uid,
            &request.group_name,
            &request.conversation_id_list,
            false,
        )
        .await?;
    Ok(id_list(removed))
}

/// Leave a group
///
/// The user leaves the group by themself: their conversation stays, read-only, with the history
/// up to now; later messages are neither visible nor counted. The app backend can add them again.
/// An owner who leaves their work group no longer owns it.
#[utoipa::path(post, path = "/v1/groups/{groupID}/leave", tag = "client", operation_id = "quitGroup",
    params(("groupID" = String, Path, description = GROUP_ID)),
    responses(
        (status = 200, description = "Done: `left` is whether the user was a member until now (`false`: they had left already, or been removed; nothing changed).", body = wire::LeftGroup),
        (status = 403, description = "`permission_denied`: the user was never a member, or owns a `Public` or `ChatRoom` group (which its owner dismisses instead).", body = ErrorBody),
        (status = 404, description = "`not_found`: no such group.", body = ErrorBody),
    ))]
async fn leave_group(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
) -> ApiResult<Json<wire::LeftGroup>> {
    let left = state.natter.leave_group(&device.uid, &group_id).await?;
    Ok(Json(wire::LeftGroup { left }))
}

/// Recall a message
///
/// The sender takes back their message within the recall window (`--recall-window-secs`,
/// default 120): every member's copy becomes a stub (`isRevoked`, empty payload, `revoker`), the
/// payload leaves the server's disk, a recalled message that was unread stops counting, and
/// every member's devices get `messageRevoked` and their conversation as it is now. Recalling a
/// recalled message changes nothing. Audited.
#[utoipa::path(post, path = "/v1/messages/revoke", tag = "client", operation_id = "revokeMessage",
    request_body = wire::RevokeMessageRequest, params(ConnectionId),
    responses(
        (status = 200, description = "The recalled message (a stub).", body = wire::SendMessageResponse),
        (status = 400, description = "`invalid_argument`: a malformed ID, or a message of another conversation.", body = ErrorBody),
        (status = 403, description = "`permission_denied` (40301): not the sender. `recall_window_passed` (40303): sent longer ago than the recall window.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such message.", body = ErrorBody),
    ))]
async fn revoke_message(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    ConnectionId(connection): ConnectionId,
    JsonBody(request): JsonBody<wire::RevokeMessageRequest>,
) -> ApiResult<Json<wire::SendMessageResponse>> {
    let actor = Actor::device(&device, connection);
    let message = state
        .natter
        .recall_message(&actor, &request.conversation_id, &request.message_id)
        .await?;
    Ok(Json(wire::SendMessageResponse { message }))
}

/// Modify a message
///
/// A member changes a message of the conversation that they can see, as Tencent's
/// `modifyMessage`: its payload (text, custom, location and face messages; with its `type`), its
/// `cloudCustomData` (any message), or both, on the `version` they last read. The message takes
/// the next version; every member's devices get `messageModified` with it and their
/// conversation, and sync reports it (`modified`, with the message).
#[utoipa::path(post, path = "/v1/messages/modify", tag = "client", operation_id = "modifyMessage",
    request_body = wire::ModifyMessageRequest,
    responses(
        (status = 200, description = "The message as it now is.", body = wire::SendMessageResponse),
        (status = 400, description = "`invalid_argument`: a malformed ID, a message of another conversation, nothing to change, a type that is not the message's, a payload not of its type's shape or of a type that cannot change, custom data over 8 KiB.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such message, or one the user cannot see.", body = ErrorBody),
        (status = 409, description = "`conflict`: another member changed it since `version` (read it again), or it was recalled.", body = ErrorBody),
        (status = 413, description = "`payload_too_large`: the payload is over 64 KiB.", body = ErrorBody),
    ))]
async fn modify_message(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    ConnectionId(connection): ConnectionId,
    JsonBody(request): JsonBody<wire::ModifyMessageRequest>,
) -> ApiResult<Json<wire::SendMessageResponse>> {
    let actor = Actor::device(&device, connection);
    let message = state.natter.modify_message(&actor, request).await?;
    Ok(Json(wire::SendMessageResponse { message }))
}

/// Delete messages for me
///
/// Removes 1–30 messages of one conversation from this user's view, on every device (the
/// others get `messagesDeleted`) and through sync, all or nothing. Other members are untouched.
/// Unread counts and the last message follow. A message no one can see any more leaves the
/// server's disk.
#[utoipa::path(post, path = "/v1/messages/delete", tag = "client", operation_id = "deleteMessages",
    request_body = wire::DeleteMessagesRequest, params(ConnectionId),
    responses(
        (status = 200, description = "The messages removed by this call.", body = wire::MessageIdList),
        (status = 400, description = "`invalid_argument`: no message or more than 30, a malformed ID, or a message of another conversation (nothing is deleted).", body = ErrorBody),
        (status = 404, description = "`not_found`: no such message.", body = ErrorBody),
    ))]
async fn delete_messages(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    ConnectionId(connection): ConnectionId,
    JsonBody(request): JsonBody<wire::DeleteMessagesRequest>,
) -> ApiResult<Json<wire::MessageIdList>> {
    let actor = Actor::device(&device, connection);
    let message_id_list = state
        .natter
        .delete_client_messages(&actor, &request.conversation_id, &request.message_id_list)
        .await?;
    Ok(Json(wire::MessageIdList { message_id_list }))
}

/// Users' profiles
///
/// The profiles of 1–100 users (those that exist), in the order asked.
#[utoipa::path(post, path = "/v1/profiles", tag = "client", operation_id = "getUserProfile",
    request_body = wire::ProfilesRequest,
    responses((status = 200, description = "The profiles.", body = wire::ProfileList)))]
async fn profiles(
    State(state): State<AppState>,
    ClientUser(_): ClientUser,
    JsonBody(request): JsonBody<wire::ProfilesRequest>,
) -> ApiResult<Json<wire::ProfileList>> {
    Ok(Json(
        state.natter.user_profiles(&request.user_id_list).await?,
    ))
}

/// My profile
#[utoipa::path(get, path = "/v1/profile", tag = "client", operation_id = "getMyProfile",
    responses((status = 200, description = "The user's own profile.", body = wire::Profile)))]
async fn my_profile(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
) -> ApiResult<Json<wire::Profile>> {
    Ok(Json(state.natter.user_profile(device.uid.as_str()).await?))
}

/// Change my profile
///
/// Sets the user's own nick, avatar, custom fields (those given; the other custom fields are
/// kept) and who may add them as a friend (`allowType`), as Tencent's `updateMyProfile`.
/// Everyone who shows the profile is sent `profileUpdated`, the user's own devices included.
#[utoipa::path(post, path = "/v1/profile", tag = "client", operation_id = "updateMyProfile",
    request_body = wire::MyProfileUpdate,
    responses(
        (status = 200, description = "The profile as it now is.", body = wire::Profile),
        (status = 400, description = "`invalid_argument`: a field too long, an unknown field, or more than 20 custom fields in all.", body = ErrorBody),
    ))]
async fn update_my_profile(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::MyProfileUpdate>,
) -> ApiResult<Json<wire::Profile>> {
    Ok(Json(
        state.natter.update_my_profile(&device.uid, request).await?,
    ))
}

/// My blocklist
///
/// The users this user blocks, in the order blocked (Tencent's `getBlacklist`). Their
/// one-to-one messages are refused (`in_blacklist`, 403); groups are not affected. It is the
/// user's own blacklist of the server API (`channel_type` 1, `channel_id` the user).
#[utoipa::path(get, path = "/v1/blacklist", tag = "client", operation_id = "getBlacklist",
    responses((status = 200, description = "The users blocked.", body = wire::Blacklist)))]
async fn blacklist(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
) -> ApiResult<Json<wire::Blacklist>> {
    let user_id_list = state.natter.blacklist(&device.uid).await?;
    Ok(Json(wire::Blacklist { user_id_list }))
}

/// Block users
///
/// Adds 1–1000 users to the user's blocklist (Tencent's `addToBlacklist`); those already on it
/// stay where they are. The user themself is passed over, and refused when alone. Every device
/// of the user is sent `blacklistUpdated`.
#[utoipa::path(post, path = "/v1/blacklist", tag = "client", operation_id = "addToBlacklist",
    request_body = wire::Blacklist,
    responses(
        (status = 200, description = "The blocklist as it now is.", body = wire::Blacklist),
        (status = 400, description = "`invalid_argument`: no user or more than 1000, a malformed userID, or only the user themself.", body = ErrorBody),
    ))]
async fn block_users(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::Blacklist>,
) -> ApiResult<Json<wire::Blacklist>> {
    let user_id_list = state
        .natter
        .change_blacklist(&device.uid, ListChange::Add, &request.user_id_list)
        .await?;
    Ok(Json(wire::Blacklist { user_id_list }))
}

/// Unblock users
///
/// Removes 1–1000 users from the user's blocklist (Tencent's `removeFromBlacklist`); users not
/// on it are passed over. Every device of the user is sent `blacklistUpdated`.
#[utoipa::path(post, path = "/v1/blacklist/remove", tag = "client", operation_id = "removeFromBlacklist",
    request_body = wire::Blacklist,
    responses(
        (status = 200, description = "The blocklist as it now is.", body = wire::Blacklist),
        (status = 400, description = "`invalid_argument`: no user or more than 1000, or a malformed userID.", body = ErrorBody),
    ))]
async fn unblock_users(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::Blacklist>,
) -> ApiResult<Json<wire::Blacklist>> {
    let user_id_list = state
        .natter
        .change_blacklist(&device.uid, ListChange::Remove, &request.user_id_list)
        .await?;
    Ok(Json(wire::Blacklist { user_id_list }))
}

/// A group's profile
///
/// The group as its members, and former members, see it; a group other than a work group shows
/// it to anyone, so that users can find a group to join (Tencent's `searchGroupByID`).
#[utoipa::path(get, path = "/v1/groups/{groupID}", tag = "client", operation_id = "getGroupProfile",
    params(("groupID" = String, Path, description = GROUP_ID)),
    responses(
        (status = 200, description = "The group.", body = wire::Group),
        (status = 403, description = "`permission_denied`: a work group the user was never a member of.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such group.", body = ErrorBody),
    ))]
async fn group_profile(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
) -> ApiResult<Json<wire::Group>> {
    Ok(Json(
        state.natter.group_profile(&device.uid, &group_id).await?,
    ))
}

/// The user's groups
///
/// The groups the user is a member of now, by group ID, each with its number of members.
#[utoipa::path(get, path = "/v1/groups", tag = "client", operation_id = "getGroupList",
    responses((status = 200, description = "The groups.", body = wire::GroupList)))]
async fn group_list(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
) -> ApiResult<Json<wire::GroupList>> {
    Ok(Json(state.natter.group_list(&device.uid).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct GroupMembersQuery {
    /// Members to skip (the `offset` of the previous page); default 0.
    offset: Option<u64>,
    /// Page size 1–100 (default 15).
    count: Option<u64>,
    /// Only members of this role: `Owner`, `Admin` or `Member` (Tencent's `role` filter).
    role: Option<String>,
    /// In an audio-video group, only members carrying this mark (Tencent's `filter`, a
    /// `markType` of `markGroupMemberList`); set aside in other groups, as Tencent's.
    filter: Option<u64>,
}

/// A group's members
///
/// A page of the group's current members (of one `role`, when given), by user ID, with their
/// nicks and avatars, for one of them. `offset` in the answer is where the next page starts, or
/// 0 after the last page.
#[utoipa::path(get, path = "/v1/groups/{groupID}/members", tag = "client",
    operation_id = "getGroupMemberList",
    params(("groupID" = String, Path, description = GROUP_ID), GroupMembersQuery),
    responses(
        (status = 200, description = "One page of members.", body = wire::GroupMemberList),
        (status = 400, description = "`invalid_argument`: `count` outside 1–100, a `role` or `filter` that is not one, or a malformed group ID.", body = ErrorBody),
        (status = 403, description = "`permission_denied`: the user was never a member; `not_a_member` (40302): the user left or was removed.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such group.", body = ErrorBody),
    ))]
async fn group_members(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
    QueryParams(query): QueryParams<GroupMembersQuery>,
) -> ApiResult<Json<wire::GroupMemberList>> {
    Ok(Json(
        state
            .natter
            .group_members(
                &device.uid,
                &group_id,
                MemberPage {
                    role: query.role,
                    mark: query.filter,
                    offset: query.offset,
                    count: query.count,
                },
            )
            .await?,
    ))
}

/// Create a group
///
/// The user creates a group, owns it and is its first member, with the users of `memberList`
/// (who must exist). The type decides what the members may do: in a work group (`Private`, the
/// default) any member adds people and edits the profile, only the owner removes members, and
/// no one dismisses it; a `Public` or `ChatRoom` (meeting) group is run by its owner, and users
/// join it by themselves when its `joinOption` is `FreeAccess` (a meeting group's default).
#[utoipa::path(post, path = "/v1/groups", tag = "client", operation_id = "createGroup",
    request_body = wire::CreateGroup,
    responses(
        (status = 200, description = "The new group.", body = wire::Group),
        (status = 400, description = "`invalid_argument`: no name, a type that cannot be created here (`AVChatRoom`, `Community`), a malformed ID, or more than 500 members.", body = ErrorBody),
        (status = 404, description = "`not_found`: a user of `memberList` does not exist.", body = ErrorBody),
        (status = 409, description = "`conflict`: the group ID is taken.", body = ErrorBody),
    ))]
async fn create_group(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::CreateGroup>,
) -> ApiResult<Json<wire::Group>> {
    Ok(Json(state.natter.create_group(&device.uid, request).await?))
}

/// Add group members
///
/// A member of a work group adds users (Tencent's `addGroupMember`); other groups take members
/// from the app backend, or by joining. Users the server does not know are answered in
/// `failureUserIDList`, members already in `existedUserIDList`.
#[utoipa::path(post, path = "/v1/groups/{groupID}/members", tag = "client",
    operation_id = "addGroupMember", request_body = wire::GroupMemberIdList,
    params(("groupID" = String, Path, description = GROUP_ID)),
    responses(
        (status = 200, description = "What was done, user by user, and the group now.", body = wire::AddedGroupMembers),
        (status = 400, description = "`invalid_argument`: an empty list, more than 500 users, or a malformed ID.", body = ErrorBody),
        (status = 403, description = "`permission_denied`: not a member, or not a work group. `not_a_member` (40302): the group was dismissed.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such group.", body = ErrorBody),
    ))]
async fn add_group_members(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
    JsonBody(request): JsonBody<wire::GroupMemberIdList>,
) -> ApiResult<Json<wire::AddedGroupMembers>> {
    Ok(Json(
        state
            .natter
            .add_group_members(&device.uid, &group_id, request)
            .await?,
    ))
}

/// Remove group members
///
/// The owner or an admin removes members (Tencent's `deleteGroupMember`); users who are not
/// members are passed over, and an admin removes only ordinary members. Each removed member
/// keeps a read-only conversation and finds a notice in `@TIM#SYSTEM`. In an AVChatRoom group,
/// `duration` keeps the users named from joining again for that many seconds.
#[utoipa::path(post, path = "/v1/groups/{groupID}/members/remove", tag = "client",
    operation_id = "deleteGroupMember", request_body = wire::GroupMemberRemoval,
    params(("groupID" = String, Path, description = GROUP_ID)),
    responses(
        (status = 200, description = "Who was removed, and the group now.", body = wire::RemovedGroupMembers),
        (status = 400, description = "`invalid_argument`: an empty list, the asking user themself, a malformed ID, or a `duration` outside an AVChatRoom group.", body = ErrorBody),
        (status = 403, description = "`permission_denied`: neither the owner nor an admin, or an admin removing an admin or the owner. `not_a_member` (40302): the group was dismissed.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such group.", body = ErrorBody),
    ))]
async fn remove_group_members(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
    JsonBody(request): JsonBody<wire::GroupMemberRemoval>,
) -> ApiResult<Json<wire::RemovedGroupMembers>> {
    Ok(Json(
        state
            .natter
            .remove_group_members(&device.uid, &group_id, request)
            .await?,
    ))
}

/// Change a member of a group
///
/// Tencent's `setGroupMemberRole`, `setGroupMemberMuteTime` and `setGroupMemberNameCard` in one
/// call: the owner names (`role: Admin`) or unnames (`Member`) an admin; the owner or an admin
/// mutes a member for `muteTime` seconds (0 unmutes), and a muted member's sends to the group
/// answer 403 `muted` until it ends; a member sets their own name card, and the owner or an
/// admin another's. A member acts only on those they rank above (an admin on ordinary members);
/// a work group (`Private`) has no admins and mutes no one. Every part asked is checked before
/// any is made. A change of role writes the group's tip (`operationType` 4 or 5) and tells the
/// member in `@TIM#SYSTEM` (`groupAdminSet`, `groupAdminCanceled`); a mute writes tip 7, whose
/// `memberList` carries `muteTime`. Leaving the group ends all three.
///
/// Given a community's topic ID instead (`<communityID>@TOPIC#_…`), only `muteTime` is taken: the
/// member is muted in that topic alone (Tencent's `setGroupMemberMuteTime` on a topic), by the
/// community's rules; tip 7 is written in the topic, and the topic's `selfInfo.muteUntil` shows
/// it to the member. The answer is the community, and the member as they are in it with
/// `muteUntil` their mute in the topic. A mute in the community holds in its topics too.
#[utoipa::path(post, path = "/v1/groups/{groupID}/members/update", tag = "client",
    operation_id = "updateGroupMember", request_body = wire::GroupMemberUpdate,
    params(("groupID" = String, Path, description = GROUP_ID)),
    responses(
        (status = 200, description = "The group and the member after the change.", body = wire::UpdatedGroupMember),
        (status = 400, description = "`invalid_argument`: none of `role`, `muteTime`, `nameCard`; a role other than `Admin` or `Member`; `muteTime` over 4294967295; `nameCard` over 50 bytes; a user who is not a member; a malformed ID; a topic given anything but `muteTime`.", body = ErrorBody),
        (status = 403, description = "`permission_denied`: the group's rules (only the owner names admins; only the owner and admins mute or set another's name card, on members they rank above; a work group has no admins and mutes no one); never a member. `not_a_member` (40302): the group was dismissed.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such group, or topic (a deleted one too).", body = ErrorBody),
    ))]
async fn update_group_member(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
    JsonBody(request): JsonBody<wire::GroupMemberUpdate>,
) -> ApiResult<Json<wire::UpdatedGroupMember>> {
    Ok(Json(
        state
            .natter
            .update_group_member(&device.uid, &group_id, request)
            .await?,
    ))
}

/// Mark members of an audio-video group
///
/// The owner of an AVChatRoom group marks the named members with `markType`, or takes the mark
/// off them (Tencent's `markGroupMemberList`); a member list filtered by the mark
/// (`GET /v1/groups/{groupID}/members?filter=`) lists them. Users who are not members are listed
/// in `failureUserIDList`. A member who leaves loses their marks. No one is told.
#[utoipa::path(post, path = "/v1/groups/{groupID}/members/mark", tag = "client",
    operation_id = "markGroupMemberList", request_body = wire::MarkGroupMembersRequest,
    params(("groupID" = String, Path, description = GROUP_ID)),
    responses(
        (status = 200, description = "Who was marked or unmarked, and who is not a member.", body = wire::MarkGroupMembersResult),
        (status = 400, description = "`invalid_argument`: no users or over 500, a malformed user ID, `markType` below 1000 or over 4294967295, an 11th distinct mark in the group, over 1,000 members with one mark.", body = ErrorBody),
        (status = 403, description = "`permission_denied`: not the owner, not a member, or a group that is not an AVChatRoom. `not_a_member` (40302): the group was dismissed.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such group.", body = ErrorBody),
    ))]
async fn mark_group_members(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
    JsonBody(request): JsonBody<wire::MarkGroupMembersRequest>,
) -> ApiResult<Json<wire::MarkGroupMembersResult>> {
    Ok(Json(
        state
            .natter
            .mark_group_members(&device.uid, &group_id, request)
            .await?,
    ))
}

/// Named members of a group
///
/// The named users among the group's current members, with their nicks, avatars and roles, in
/// the order named (Tencent's `getGroupMemberProfile`); users who are not members are left out.
/// For a current member; 1–50 users.
#[utoipa::path(post, path = "/v1/groups/{groupID}/members/profile", tag = "client",
    operation_id = "getGroupMemberProfile", request_body = wire::GroupMemberIdList,
    params(("groupID" = String, Path, description = GROUP_ID)),
    responses(
        (status = 200, description = "The members found (`offset` 0).", body = wire::GroupMemberList),
        (status = 400, description = "`invalid_argument`: an empty list, more than 50 users, or a malformed ID.", body = ErrorBody),
        (status = 403, description = "`permission_denied`: never a member; `not_a_member` (40302): the user left or was removed.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such group.", body = ErrorBody),
    ))]
async fn named_group_members(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
    JsonBody(request): JsonBody<wire::GroupMemberIdList>,
) -> ApiResult<Json<wire::GroupMemberList>> {
    Ok(Json(
        state
            .natter
            .group_members_named(&device.uid, &group_id, request)
            .await?,
    ))
}

/// Hand a group to another member
///
/// The owner makes another current member the group's owner (Tencent's `changeGroupOwner`),
/// and is a plain member from then on.
#[utoipa::path(post, path = "/v1/groups/{groupID}/owner", tag = "client",
    operation_id = "changeGroupOwner", request_body = wire::GroupOwnerChange,
    params(("groupID" = String, Path, description = GROUP_ID)),
    responses(
        (status = 200, description = "The group now.", body = wire::Group),
        (status = 400, description = "`invalid_argument`: the new owner is not a member, or owns it already.", body = ErrorBody),
        (status = 403, description = "`permission_denied`: not the owner. `not_a_member` (40302): the group was dismissed.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such group.", body = ErrorBody),
    ))]
async fn change_group_owner(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
    JsonBody(request): JsonBody<wire::GroupOwnerChange>,
) -> ApiResult<Json<wire::Group>> {
    Ok(Json(
        state
            .natter
            .change_group_owner(&device.uid, &group_id, request)
            .await?,
    ))
}

/// Change a group's profile
///
/// Any member of a work group, or the owner of another group, changes its name, avatar,
/// introduction, notice or (not for a work group) join option (Tencent's
/// `updateGroupProfile`). Everyone who shows the group gets `profileUpdated`.
#[utoipa::path(post, path = "/v1/groups/{groupID}", tag = "client",
    operation_id = "updateGroupProfile", request_body = wire::GroupProfileUpdate,
    params(("groupID" = String, Path, description = GROUP_ID)),
    responses(
        (status = 200, description = "The group now.", body = wire::Group),
        (status = 400, description = "`invalid_argument`: an empty or too long field, an unknown join option, or a join option for a work group.", body = ErrorBody),
        (status = 403, description = "`permission_denied`: not a member, or not the owner of a group only its owner runs. `not_a_member` (40302): the group was dismissed.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such group.", body = ErrorBody),
    ))]
async fn update_group_profile(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
    JsonBody(request): JsonBody<wire::GroupProfileUpdate>,
) -> ApiResult<Json<wire::Group>> {
    Ok(Json(
        state
            .natter
            .update_group_profile(&device.uid, &group_id, request)
            .await?,
    ))
}

/// Dismiss a group
///
/// The owner of a `Public` or `ChatRoom` group dismisses it (Tencent's `dismissGroup`; a work
/// group is dismissed only by the app backend). Members keep read-only conversations and find
/// a notice in `@TIM#SYSTEM`.
#[utoipa::path(post, path = "/v1/groups/{groupID}/dismiss", tag = "client",
    operation_id = "dismissGroup",
    params(("groupID" = String, Path, description = GROUP_ID)),
    responses(
        (status = 200, description = "Done.", body = Empty),
        (status = 403, description = "`permission_denied`: not the owner, or a work group. `not_a_member` (40302): dismissed already.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such group.", body = ErrorBody),
    ))]
async fn dismiss_group(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
) -> ApiResult<Json<Empty>> {
    state
        .natter
        .dismiss_group_as_owner(&device.uid, &group_id)
        .await?;
    Ok(Json(Empty {}))
}

/// Join a group
///
/// The user joins a group that takes users who ask (Tencent's `joinGroup`): at once where its
/// join option is `FreeAccess` (a meeting group by default, or a `Public` group its owner
/// opened), or by a request its owner answers where it is `NeedPermission` (a `Public` group's
/// default): the owner finds the request in `@TIM#SYSTEM` and in `GET /v1/group-applications`.
/// A work group is joined only by being added.
#[utoipa::path(post, path = "/v1/groups/{groupID}/join", tag = "client",
    operation_id = "joinGroup",
    params(("groupID" = String, Path, description = GROUP_ID)),
    request_body = wire::JoinGroupRequest,
    responses(
        (status = 200, description = "`JoinedSuccess`, `WaitAdminApproval` (the request waits for the owner), or `AlreadyInGroup` for a member, and the group now.", body = wire::JoinedGroup),
        (status = 400, description = "`invalid_argument`: an `applyMessage` over 1 KiB.", body = ErrorBody),
        (status = 403, description = "`permission_denied`: the group takes no one who asks, or needs an owner's approval and has no owner. `not_a_member` (40302): the group was dismissed.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such group.", body = ErrorBody),
    ))]
async fn join_group(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
    JsonBody(request): JsonBody<wire::JoinGroupRequest>,
) -> ApiResult<Json<wire::JoinedGroup>> {
    Ok(Json(
        state
            .natter
            .join_group(&device.uid, &group_id, request)
            .await?,
    ))
}

/// Requests to join the user's groups
///
/// The requests to join the groups the user owns that wait for an answer, oldest first
/// (Tencent's `getGroupApplicationList`).
#[utoipa::path(get, path = "/v1/group-applications", tag = "client",
    operation_id = "groupApplications",
    responses(
        (status = 200, description = "The requests.", body = wire::GroupApplicationList),
    ))]
async fn group_applications(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
) -> ApiResult<Json<wire::GroupApplicationList>> {
    Ok(Json(state.natter.group_applications(&device.uid).await?))
}

/// Answer a request to join
///
/// The owner approves a request to join (the applicant joins, and the group's tip tells the
/// members) or refuses it (Tencent's `handleGroupApplication`). Either way the request is gone,
/// and the applicant finds the answer in `@TIM#SYSTEM`.
#[utoipa::path(post, path = "/v1/groups/{groupID}/applications/handle", tag = "client",
    operation_id = "handleGroupApplication",
    params(("groupID" = String, Path, description = GROUP_ID)),
    request_body = wire::HandleGroupApplication,
    responses(
        (status = 200, description = "The group now.", body = wire::Group),
        (status = 400, description = "`invalid_argument`: a `handleAction` other than `Agree` or `Reject`, a malformed `applicant`, a `handleMessage` over 1 KiB.", body = ErrorBody),
        (status = 403, description = "`permission_denied`: not the group's owner. `not_a_member` (40302): the group was dismissed.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such group, or no request from `applicant` (answered already, or never made).", body = ErrorBody),
    ))]
async fn handle_group_application(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
    JsonBody(request): JsonBody<wire::HandleGroupApplication>,
) -> ApiResult<Json<wire::Group>> {
    Ok(Json(
        state
            .natter
            .handle_group_application(&device.uid, &group_id, request)
            .await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::decode_query;
    use natter_core::ErrorKind;
    use natter_core::ListCursor;
    use proptest::prelude::*;

    fn decodes_or_is_invalid_argument<T: serde::de::DeserializeOwned>(query: &str) {
        if let Err(error) = decode_query::<T>(query) {
            assert_eq!(error.kind, ErrorKind::InvalidArgument, "{query:?}");
        }
    }

    // The list cursor is encoded and decoded by `natter_core::ListCursor`; these properties
    // pin it down where clients meet it, in this endpoint's query string.
    proptest! {
        #[test]
        fn any_query_string_decodes_or_is_invalid_argument(query in ".{0,64}") {
            decodes_or_is_invalid_argument::<ListQuery>(&query);
            decodes_or_is_invalid_argument::<HistoryQuery>(&query);
            decodes_or_is_invalid_argument::<SyncQuery>(&query);
        }

        #[test]
        fn any_cursor_reaches_the_service_as_sent_and_decodes_without_panicking(cursor in any::<String>()) {
            let query = form_urlencoded::Serializer::new(String::new())
                .append_pair("cursor", &cursor)
                .finish();
            let decoded: ListQuery = decode_query(&query).unwrap();
            prop_assert_eq!(decoded.cursor.as_deref(), Some(cursor.as_str()));
            if let Some(position) = ListCursor::decode(&cursor) {
                prop_assert_eq!(ListCursor::decode(&position.encode()), Some(position));
            }
        }

        #[test]
        fn the_cursors_the_server_gives_out_round_trip(pinned: bool, activity_ms: i64, channel_id: i64) {
            let cursor = ListCursor { pinned, activity_ms, channel_id };
            let query = format!("cursor={}", cursor.encode());
            let decoded: ListQuery = decode_query(&query).unwrap();
            prop_assert_eq!(ListCursor::decode(&decoded.cursor.unwrap()), Some(cursor));
        }
    }
}
