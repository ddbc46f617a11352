//! Communities' topics (Tencent's `createTopicInCommunity`, `getTopicList`,
//! `updateTopicProfile`, `deleteTopicFromCommunity`), for their members and for the app backend.

use axum::extract::State;
use natter_core::wire::{self, ErrorBody};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::client::GROUP_ID;
use crate::error::ApiResult;
use crate::extract::{ClientUser, JsonBody, ManagerOnly, PathParam, QueryParams};
use crate::json::Json;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(topic_list, create_topic))
        .routes(routes!(update_topic))
        .routes(routes!(delete_topics))
        .routes(routes!(server_topic_list, server_create_topic))
        .routes(routes!(server_update_topic))
        .routes(routes!(server_delete_topics))
}

/// Create a topic
///
/// As Tencent's `createTopicInCommunity`: the owner or an admin of a Community created with
/// `isSupportTopic` creates a topic, whose members are the community's, now and later (joining
/// or leaving the community joins or leaves its topics). Messages go to it as to a group:
/// conversation `GROUP<topicID>`. Its conversation is never in the conversation list and
/// counts in no unread total. A community has 100 topics at most. Every device of every member
/// of the community gets `topicCreated`.
#[utoipa::path(post, path = "/v1/groups/{groupID}/topics", tag = "client",
    operation_id = "createTopicInCommunity", request_body = wire::CreateTopic,
    params(("groupID" = String, Path, description = GROUP_ID)),
    responses(
        (status = 200, description = "The topic, with the creator's conversation of it.", body = wire::Topic),
        (status = 400, description = "`invalid_argument` (40001): an empty or long `topicName`, a `topicID` that is not `<groupID>@TOPIC#_<part>` or is over 64 characters, a field over its limit, or a group that has no topics.", body = ErrorBody),
        (status = 403, description = "`permission_denied` (40301): not the community's owner or an admin, or not a member; `not_a_member` (40302): the community was dismissed.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such group.", body = ErrorBody),
        (status = 409, description = "`conflict` (40901): the topic ID is taken (a deleted topic's too), or the community has 100 topics.", body = ErrorBody),
    ))]
async fn create_topic(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
    JsonBody(request): JsonBody<wire::CreateTopic>,
) -> ApiResult<Json<wire::Topic>> {
    Ok(Json(
        state
            .natter
            .create_topic(&device.uid, &group_id, request)
            .await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct TopicListQuery {
    /// Topic IDs, comma-separated; all of the community's topics when left out or empty.
    #[serde(rename = "topicIDList")]
    #[param(rename = "topicIDList")]
    topic_id_list: Option<String>,
}

impl TopicListQuery {
    /// The topics named, if any is.
    fn named(self) -> Option<Vec<String>> {
        self.topic_id_list
            .filter(|list| !list.is_empty())
            .map(|list| list.split(',').map(str::to_owned).collect())
    }
}

/// A community's topics
///
/// As Tencent's `getTopicList`: the community's topics, oldest first, each with the asking
/// member's conversation of it (its unread count, last message, remind type and mentions). A
/// topic named that is not one of the community's (never, or deleted) is listed in
/// `failureTopicList` with code 10010.
#[utoipa::path(get, path = "/v1/groups/{groupID}/topics", tag = "client",
    operation_id = "getTopicList",
    params(("groupID" = String, Path, description = GROUP_ID), TopicListQuery),
    responses(
        (status = 200, description = "The topics, and the named IDs that are none.", body = wire::TopicList),
        (status = 400, description = "`invalid_argument` (40001): a malformed ID, or a group that has no topics.", body = ErrorBody),
        (status = 403, description = "`permission_denied` (40301): never a member of the community; `not_a_member` (40302): no longer one.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such group.", body = ErrorBody),
    ))]
async fn topic_list(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
    QueryParams(query): QueryParams<TopicListQuery>,
) -> ApiResult<Json<wire::TopicList>> {
    Ok(Json(
        state
            .natter
            .topic_list(&device.uid, &group_id, query.named())
            .await?,
    ))
}

/// Change a topic
///
/// As Tencent's `updateTopicProfile`: the community's owner or an admin changes a topic's name,
/// avatar, notice, introduction, custom data or whether it is muted for all (then only the
/// community's owner and admins send in it); a field left out keeps its value. Every device of
/// every member of the community gets `topicUpdated` with the topic's profile.
#[utoipa::path(patch, path = "/v1/groups/{groupID}/topics/{topicID}", tag = "client",
    operation_id = "updateTopicProfile", request_body = wire::UpdateTopic,
    params(("groupID" = String, Path, description = GROUP_ID),
           ("topicID" = String, Path, description = "The topic: `<groupID>@TOPIC#_<part>`.")),
    responses(
        (status = 200, description = "The topic as it now is, with the member's conversation of it.", body = wire::Topic),
        (status = 400, description = "`invalid_argument` (40001): an empty `topicName`, a field over its limit, a malformed ID, or a group that has no topics.", body = ErrorBody),
        (status = 403, description = "`permission_denied` (40301): not the community's owner or an admin; `not_a_member` (40302): the community was dismissed.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such group, or no such topic in it.", body = ErrorBody),
    ))]
async fn update_topic(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam((group_id, topic_id)): PathParam<(String, String)>,
    JsonBody(request): JsonBody<wire::UpdateTopic>,
) -> ApiResult<Json<wire::Topic>> {
    Ok(Json(
        state
            .natter
            .update_topic(&device.uid, &group_id, &topic_id, request)
            .await?,
    ))
}

/// Delete topics
///
/// As Tencent's `deleteTopicFromCommunity`: the community's owner or an admin deletes the topics
/// named, or all of them when `topicIDList` is left out. Their members keep their messages, read
/// only, and no message reaches the topic again; its ID stays taken. A named ID that is not one
/// of the community's topics is listed in `failureTopicList` with code 10010. Every device of
/// every member of the community gets `topicDeleted`.
#[utoipa::path(post, path = "/v1/groups/{groupID}/topics/delete", tag = "client",
    operation_id = "deleteTopicFromCommunity", request_body = wire::DeleteTopics,
    params(("groupID" = String, Path, description = GROUP_ID)),
    responses(
        (status = 200, description = "The topics deleted, and the named IDs that are none.", body = wire::DeletedTopics),
        (status = 400, description = "`invalid_argument` (40001): a malformed ID, or a group that has no topics.", body = ErrorBody),
        (status = 403, description = "`permission_denied` (40301): not the community's owner or an admin; `not_a_member` (40302): the community was dismissed.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such group.", body = ErrorBody),
    ))]
async fn delete_topics(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    PathParam(group_id): PathParam<String>,
    JsonBody(request): JsonBody<wire::DeleteTopics>,
) -> ApiResult<Json<wire::DeletedTopics>> {
    Ok(Json(
        state
            .natter
            .delete_topics(&device.uid, &group_id, request)
            .await?,
    ))
}

/// Create a topic, as the app backend
///
/// The client's `createTopicInCommunity` (`POST /v1/groups/{groupID}/topics`) for the
/// app backend, in any community created with `isSupportTopic`: it creates a topic as the
/// community's owner could, and every member of the community hears `topicCreated`. It answers
/// the topic's profile (`conversation` and `selfInfo` `null`). Manager token only.
#[utoipa::path(post, path = "/groups/{groupID}/topics", tag = "server",
    operation_id = "serverCreateTopic", request_body = wire::CreateTopic,
    params(("groupID" = String, Path, description = GROUP_ID)),
    responses(
        (status = 200, description = "The topic's profile.", body = wire::Topic),
        (status = 400, description = "`invalid_argument`: an empty or long `topicName`, a `topicID` that is not `<groupID>@TOPIC#_<part>` or is over 64 characters, a field over its limit, or a group that has no topics.", body = ErrorBody),
        (status = 403, description = "`not_a_member`: the community was dismissed.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such group.", body = ErrorBody),
        (status = 409, description = "`conflict`: the topic ID is taken (a deleted topic's too), or the community has 100 topics.", body = ErrorBody),
    ))]
async fn server_create_topic(
    State(state): State<AppState>,
    _: ManagerOnly,
    PathParam(group_id): PathParam<String>,
    JsonBody(request): JsonBody<wire::CreateTopic>,
) -> ApiResult<Json<wire::Topic>> {
    Ok(Json(
        state.natter.server_create_topic(&group_id, request).await?,
    ))
}

/// A community's topics, as the app backend
///
/// The client's `getTopicList` (`GET /v1/groups/{groupID}/topics`) for the app
/// backend: each topic's profile (`conversation` and `selfInfo` `null`), oldest first; a topic
/// named that is not one of the community's is listed in `failureTopicList` with code 10010.
/// Manager token only.
#[utoipa::path(get, path = "/groups/{groupID}/topics", tag = "server",
    operation_id = "serverGetTopicList",
    params(("groupID" = String, Path, description = GROUP_ID), TopicListQuery),
    responses(
        (status = 200, description = "The topics, and the named IDs that are none.", body = wire::TopicList),
        (status = 400, description = "`invalid_argument`: a malformed ID, or a group that has no topics.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such group.", body = ErrorBody),
    ))]
async fn server_topic_list(
    State(state): State<AppState>,
    _: ManagerOnly,
    PathParam(group_id): PathParam<String>,
    QueryParams(query): QueryParams<TopicListQuery>,
) -> ApiResult<Json<wire::TopicList>> {
    Ok(Json(
        state
            .natter
            .server_topic_list(&group_id, query.named())
            .await?,
    ))
}

/// Change a topic, as the app backend
///
/// The client's `updateTopicProfile` (`PATCH /v1/groups/{groupID}/topics/{topicID}`)
/// for the app backend, as the community's owner could; every member of the community hears
/// `topicUpdated`. It answers the topic's profile. Manager token only.
#[utoipa::path(patch, path = "/groups/{groupID}/topics/{topicID}", tag = "server",
    operation_id = "serverUpdateTopic", request_body = wire::UpdateTopic,
    params(("groupID" = String, Path, description = GROUP_ID),
           ("topicID" = String, Path, description = "The topic: `<groupID>@TOPIC#_<part>`.")),
    responses(
        (status = 200, description = "The topic's profile as it now is.", body = wire::Topic),
        (status = 400, description = "`invalid_argument`: an empty `topicName`, a field over its limit, a malformed ID, or a group that has no topics.", body = ErrorBody),
        (status = 403, description = "`not_a_member`: the community was dismissed.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such group, or no such topic in it.", body = ErrorBody),
    ))]
async fn server_update_topic(
    State(state): State<AppState>,
    _: ManagerOnly,
    PathParam((group_id, topic_id)): PathParam<(String, String)>,
    JsonBody(request): JsonBody<wire::UpdateTopic>,
) -> ApiResult<Json<wire::Topic>> {
    Ok(Json(
        state
            .natter
            .server_update_topic(&group_id, &topic_id, request)
            .await?,
    ))
}

/// Delete topics, as the app backend
///
/// The client's `deleteTopicFromCommunity` (`POST /v1/groups/{groupID}/topics/delete`)
/// for the app backend, as the community's owner could: the topics named, or all of them when
/// `topicIDList` is left out; every member of the community hears `topicDeleted`. Manager token
/// only.
#[utoipa::path(post, path = "/groups/{groupID}/topics/delete", tag = "server",
    operation_id = "serverDeleteTopics", request_body = wire::DeleteTopics,
    params(("groupID" = String, Path, description = GROUP_ID)),
    responses(
        (status = 200, description = "The topics deleted, and the named IDs that are none.", body = wire::DeletedTopics),
        (status = 400, description = "`invalid_argument`: a malformed ID, or a group that has no topics.", body = ErrorBody),
        (status = 403, description = "`not_a_member`: the community was dismissed.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such group.", body = ErrorBody),
    ))]
async fn server_delete_topics(
    State(state): State<AppState>,
    _: ManagerOnly,
    PathParam(group_id): PathParam<String>,
    JsonBody(request): JsonBody<wire::DeleteTopics>,
) -> ApiResult<Json<wire::DeletedTopics>> {
    Ok(Json(
        state
            .natter
            .server_delete_topics(&group_id, request)
            .await?,
    ))
}
