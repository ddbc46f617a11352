//! The client API (`/v1/...`): devices acting on their own user's conversations.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use natter_core::wire::{
    self, ConversationGroupList, ConversationGroupRequest, ConversationIdList, CustomDataRequest,
    DeleteConversationsRequest, DraftRequest, MarkRequest, PinRequest, ReadAllRequest, ReadRequest,
    RemindTypeRequest, RenameConversationGroupRequest, SendMessageRequest,
};
use natter_service::{Actor, ListOptions};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ClientUser, ConnectionId, JsonBody, QueryParams};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/messages", post(send_message))
        .route("/v1/conversations", get(list_conversations))
        .route("/v1/conversations/sync", get(sync))
        .route("/v1/conversations/delete", post(delete_conversations))
        .route("/v1/conversations/archive", post(archive))
        .route("/v1/conversations/restore", post(restore))
        .route("/v1/conversations/pin", post(pin))
        .route("/v1/conversations/{id}", get(conversation))
        .route("/v1/conversations/{id}/messages", get(history))
        .route("/v1/conversations/{id}/read", post(mark_read))
        .route("/v1/conversations/mark", post(mark))
        .route("/v1/conversations/draft", post(draft))
        .route("/v1/conversations/customData", post(custom_data))
        .route("/v1/conversations/remindType", post(remind_type))
        .route("/v1/conversations/readAll", post(read_all))
        .route("/v1/conversations/{id}/clearHistory", post(clear_history))
        .route(
            "/v1/conversation-groups",
            get(conversation_groups).post(create_conversation_group),
        )
        .route(
            "/v1/conversation-groups/rename",
            post(rename_conversation_group),
        )
        .route(
            "/v1/conversation-groups/delete",
            post(delete_conversation_group),
        )
        .route(
            "/v1/conversation-groups/add",
            post(add_to_conversation_group),
        )
        .route(
            "/v1/conversation-groups/remove",
            post(remove_from_conversation_group),
        )
        .route("/v1/groups/{group_id}/leave", post(leave_group))
        .route("/v1/unread", get(total_unread))
}

async fn send_message(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<SendMessageRequest>,
) -> ApiResult<Json<wire::SendMessageResponse>> {
    let message = state.natter.send_message(&device.uid, request).await?;
    Ok(Json(wire::SendMessageResponse { message }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    limit: Option<u32>,
    cursor: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    archived: Option<bool>,
    mark_type: Option<u64>,
    group_name: Option<String>,
    unread_only: Option<bool>,
}

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

async fn conversation(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    Path(id): Path<String>,
) -> ApiResult<Json<wire::Conversation>> {
    Ok(Json(state.natter.conversation(&device.uid, &id).await?))
}

async fn delete_conversations(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    ConnectionId(connection): ConnectionId,
    JsonBody(request): JsonBody<DeleteConversationsRequest>,
) -> ApiResult<Json<ConversationIdList>> {
    let actor = Actor::device(&device, connection);
    let clear_history = request.clear_history_message.unwrap_or(true);
    let deleted = state
        .natter
        .delete_conversations(&actor, &request.conversation_id_list, clear_history)
        .await?;
    Ok(Json(ConversationIdList {
        conversation_id_list: deleted,
    }))
}

#[derive(Debug, Deserialize)]
struct HistoryQuery {
    before: Option<u64>,
    #[serde(rename = "nextReqMessageID")]
    next_req_message_id: Option<String>,
    limit: Option<u32>,
}

async fn history(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<HistoryQuery>,
) -> ApiResult<Json<wire::MessageListResponse>> {
    Ok(Json(
        state
            .natter
            .history(
                &device.uid,
                &id,
                query.before,
                query.next_req_message_id.as_deref(),
                query.limit,
            )
            .await?,
    ))
}

async fn mark_read(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<ReadRequest>,
) -> ApiResult<Json<Value>> {
    state
        .natter
        .mark_read(&device.uid, &id, request.seq)
        .await?;
    Ok(Json(json!({})))
}

async fn total_unread(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
) -> ApiResult<Json<wire::TotalUnread>> {
    Ok(Json(state.natter.total_unread(&device.uid).await?))
}

#[derive(Debug, Deserialize)]
struct SyncQuery {
    #[serde(default)]
    since: u64,
}

async fn sync(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    QueryParams(query): QueryParams<SyncQuery>,
) -> ApiResult<Json<wire::SyncResponse>> {
    Ok(Json(state.natter.sync(&device.uid, query.since).await?))
}

async fn archive(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<ConversationIdList>,
) -> ApiResult<Json<ConversationIdList>> {
    let changed = state
        .natter
        .set_archived(&device.uid, &request.conversation_id_list, true)
        .await?;
    Ok(Json(ConversationIdList {
        conversation_id_list: changed,
    }))
}

async fn restore(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<ConversationIdList>,
) -> ApiResult<Json<ConversationIdList>> {
    let changed = state
        .natter
        .set_archived(&device.uid, &request.conversation_id_list, false)
        .await?;
    Ok(Json(ConversationIdList {
        conversation_id_list: changed,
    }))
}

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

async fn read_all(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<ReadAllRequest>,
) -> ApiResult<Json<Value>> {
    state
        .natter
        .mark_all_read(&device.uid, request.scope.as_deref())
        .await?;
    Ok(Json(json!({})))
}

async fn clear_history(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    state.natter.clear_history(&device.uid, &id).await?;
    Ok(Json(json!({})))
}

async fn conversation_groups(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
) -> ApiResult<Json<ConversationGroupList>> {
    Ok(Json(state.natter.conversation_groups(&device.uid).await?))
}

async fn create_conversation_group(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<ConversationGroupRequest>,
) -> ApiResult<Json<Value>> {
    state
        .natter
        .create_conversation_group(
            &device.uid,
            &request.group_name,
            &request.conversation_id_list,
        )
        .await?;
    Ok(Json(json!({"groupName": request.group_name})))
}

async fn rename_conversation_group(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<RenameConversationGroupRequest>,
) -> ApiResult<Json<Value>> {
    state
        .natter
        .rename_conversation_group(&device.uid, &request.old_name, &request.new_name)
        .await?;
    Ok(Json(json!({"groupName": request.new_name})))
}

async fn delete_conversation_group(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<ConversationGroupRequest>,
) -> ApiResult<Json<Value>> {
    state
        .natter
        .delete_conversation_group(&device.uid, &request.group_name)
        .await?;
    Ok(Json(json!({"groupName": request.group_name})))
}

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

async fn leave_group(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    Path(group_id): Path<String>,
) -> ApiResult<Json<Value>> {
    state.natter.leave_group(&device.uid, &group_id).await?;
    Ok(Json(json!({})))
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
