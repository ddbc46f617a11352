//! The server API: app backends, with WuKongIM's paths and field names.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use natter_core::Uid;
use natter_core::wire::{
    AppSettings, AuditPage, ChannelRef, ChannelRequest, ClearUnreadRequest, NoticeRequest,
    ServerBatchDeleteRequest, ServerConversation, ServerConversationRef, ServerDeleteRequest,
    ServerSendRequest, ServerSendResult, ServerSyncRequest, SetUnreadRequest, UserTokenRequest,
};
use natter_service::Principal;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Caller, JsonBody, ManagerOnly, QueryParams};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/user/token", post(user_token))
        .route("/channel", post(upsert_group))
        .route("/channel/subscriber_add", post(add_members))
        .route("/channel/subscriber_remove", post(remove_members))
        .route("/channel/delete", post(dismiss_group))
        .route("/message/send", post(send))
        .route("/conversations/delete", post(delete))
        .route("/conversations/batchDelete", post(batch_delete))
        .route("/conversations/clearUnread", post(clear_unread))
        .route("/conversations/setUnread", post(set_unread))
        .route("/conversations/restore", post(restore))
        .route("/conversation/sync", post(sync))
        .route("/system/notices", post(notices))
        .route("/audit/conversations", get(audit))
        .route("/app/settings", get(settings).put(update_settings))
}

/// `{"status":200}`, the server API's plain success.
fn ok() -> Json<Value> {
    Json(json!({"status": 200}))
}

/// `{"status":"success"}`, the success of the conversation deletes (as the seed API).
fn success() -> Json<Value> {
    Json(json!({"status": "success"}))
}

async fn user_token(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<UserTokenRequest>,
) -> ApiResult<Json<Value>> {
    state.natter.set_user_token(request).await?;
    Ok(ok())
}

async fn upsert_group(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<ChannelRequest>,
) -> ApiResult<Json<Value>> {
    state.natter.upsert_group(request).await?;
    Ok(ok())
}

async fn add_members(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<ChannelRequest>,
) -> ApiResult<Json<Value>> {
    state.natter.add_members(request).await?;
    Ok(ok())
}

async fn remove_members(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<ChannelRequest>,
) -> ApiResult<Json<Value>> {
    state.natter.remove_members(request).await?;
    Ok(ok())
}

async fn dismiss_group(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<ChannelRef>,
) -> ApiResult<Json<Value>> {
    state.natter.dismiss_group(request).await?;
    Ok(ok())
}

async fn send(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<ServerSendRequest>,
) -> ApiResult<Json<Value>> {
    let sent: ServerSendResult = state.natter.server_send(request).await?;
    Ok(Json(json!({"status": 200, "data": sent})))
}

/// The caller acting on `uid`'s conversations: the manager, or that user's own token.
fn acting_for(caller: &Principal, uid: &str) -> ApiResult<natter_service::Actor> {
    let uid = Uid::parse(uid, "uid")?;
    Ok(caller.act_for(&uid)?)
}

async fn delete(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(request): JsonBody<ServerDeleteRequest>,
) -> ApiResult<Json<Value>> {
    let actor = acting_for(&caller, &request.uid)?;
    let channel = ChannelRef {
        channel_id: request.channel_id,
        channel_type: request.channel_type,
    };
    state
        .natter
        .delete_channels(&actor, &[channel], request.clear_history)
        .await?;
    Ok(success())
}

async fn batch_delete(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(request): JsonBody<ServerBatchDeleteRequest>,
) -> ApiResult<Json<Value>> {
    let actor = acting_for(&caller, &request.uid)?;
    state
        .natter
        .delete_channels(&actor, &request.channels, request.clear_history)
        .await?;
    Ok(success())
}

async fn clear_unread(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(request): JsonBody<ClearUnreadRequest>,
) -> ApiResult<Json<Value>> {
    let actor = acting_for(&caller, &request.uid)?;
    let channel = ChannelRef {
        channel_id: request.channel_id,
        channel_type: request.channel_type,
    };
    state
        .natter
        .clear_channel_unread(&actor, &channel, request.message_seq)
        .await?;
    Ok(ok())
}

async fn set_unread(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(request): JsonBody<SetUnreadRequest>,
) -> ApiResult<Json<Value>> {
    let actor = acting_for(&caller, &request.uid)?;
    let channel = ChannelRef {
        channel_id: request.channel_id,
        channel_type: request.channel_type,
    };
    state
        .natter
        .set_channel_unread(&actor, &channel, request.unread)
        .await?;
    Ok(ok())
}

async fn sync(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(request): JsonBody<ServerSyncRequest>,
) -> ApiResult<Json<Vec<ServerConversation>>> {
    let actor = acting_for(&caller, &request.uid)?;
    Ok(Json(
        state
            .natter
            .server_sync(&actor, request.version, request.msg_count)
            .await?,
    ))
}

#[derive(Debug, Deserialize)]
struct AuditQuery {
    uid: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
}

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

async fn settings(State(state): State<AppState>, _: ManagerOnly) -> ApiResult<Json<AppSettings>> {
    Ok(Json(state.natter.settings()))
}

async fn update_settings(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<AppSettings>,
) -> ApiResult<Json<AppSettings>> {
    Ok(Json(state.natter.update_settings(request).await?))
}

/// Adds WuKongIM's `status` and `msg` to every error body outside the client API (`/v1/…`), so
/// clients written for WuKongIM read our errors; the client API's errors stay as API.md shows
/// them. Layered over the whole router, so fallbacks (unknown paths, wrong methods) get it too.
pub async fn wukongim_error_fields(request: Request, next: Next) -> Response {
    let client_api = request.uri().path().starts_with("/v1/");
    let response = next.run(request).await;
    if client_api {
        return response;
    }
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, 64 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(Value::Object(mut fields)) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let message = fields.get("message").cloned().unwrap_or_default();
    fields.insert("status".into(), json!(status.as_u16()));
    fields.insert("msg".into(), message);
    let body = serde_json::to_vec(&fields).expect("a JSON object serialises");
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

async fn restore(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<ServerConversationRef>,
) -> ApiResult<Json<Value>> {
    let uid = Uid::parse(&request.uid, "uid")?;
    let channel = ChannelRef {
        channel_id: request.channel_id,
        channel_type: request.channel_type,
    };
    let conversation = state.natter.restore_deleted(&uid, &channel).await?;
    Ok(Json(json!({"status": 200, "data": conversation})))
}

async fn notices(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<NoticeRequest>,
) -> ApiResult<Json<Value>> {
    state.natter.send_notices(request).await?;
    Ok(ok())
}
