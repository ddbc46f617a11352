//! The client API (`/v1/...`): devices acting on their own user's conversations.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use natter_core::wire::{
    self, ConversationIdList, DeleteConversationsRequest, PinRequest, ReadRequest,
    SendMessageRequest,
};
use natter_service::{Actor, ListOptions};
use natter_store::Via;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ClientUser, JsonBody, QueryParams};

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
    JsonBody(request): JsonBody<DeleteConversationsRequest>,
) -> ApiResult<Json<ConversationIdList>> {
    let actor = Actor::device(&device);
    let clear_history = request.clear_history_message.unwrap_or(true);
    let deleted = state
        .natter
        .delete_conversations(
            &actor,
            &request.conversation_id_list,
            clear_history,
            Via::Client,
        )
        .await?;
    Ok(Json(ConversationIdList {
        conversation_id_list: deleted,
    }))
}

#[derive(Debug, Deserialize)]
struct HistoryQuery {
    before: Option<u64>,
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
            .history(&device.uid, &id, query.before, query.limit)
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
