//! Following (Tencent's `followUser`, `unfollowUser`, `getMyFollowersList`,
//! `getMyFollowingList`, `getMutualFollowersList`, `getUserFollowInfo`, `checkFollowType`).

use axum::extract::State;
use natter_core::wire::{self, ErrorBody, FollowListType};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ClientUser, JsonBody, QueryParams};
use crate::json::Json;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(follow_list, follow))
        .routes(routes!(unfollow))
        .routes(routes!(follow_info))
        .routes(routes!(check_follow_type))
}

/// Follow users
///
/// The user follows each user named, one way and without asking them, as Tencent's
/// `followUser`: anyone but themself, 5,000 at most. Following someone followed already keeps
/// the follow as it was. Each user's outcome is in the answer; one refused does not stop the
/// others.
#[utoipa::path(post, path = "/v1/follows", tag = "client", operation_id = "followUser",
    request_body = wire::FollowRequest,
    responses(
        (status = 200, description = "One result per user, in the order asked.", body = wire::FollowResultList),
        (status = 400, description = "`invalid_argument` (40001): no or more than 20 users.", body = ErrorBody),
    ))]
async fn follow(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::FollowRequest>,
) -> ApiResult<Json<wire::FollowResultList>> {
    Ok(Json(state.natter.follow(&device.uid, request).await?))
}

/// Stop following users
///
/// As Tencent's `unfollowUser`; a user not followed has result 40401.
#[utoipa::path(post, path = "/v1/follows/remove", tag = "client", operation_id = "unfollowUser",
    request_body = wire::FollowRequest,
    responses(
        (status = 200, description = "One result per user, in the order asked.", body = wire::FollowResultList),
        (status = 400, description = "`invalid_argument` (40001): no or more than 20 users.", body = ErrorBody),
    ))]
async fn unfollow(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::FollowRequest>,
) -> ApiResult<Json<wire::FollowResultList>> {
    Ok(Json(state.natter.unfollow(&device.uid, request).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct FollowListQuery {
    /// `followers`, `following` or `mutual`.
    #[serde(rename = "type")]
    #[param(rename = "type", inline)]
    list_type: FollowListType,
    /// The last page's `nextCursor`; empty or left out for the first page.
    cursor: Option<String>,
    /// 1–500 (default 500).
    count: Option<u64>,
}

/// The user's followers, following or mutual followers
///
/// A page of one of the user's lists, newest follow first, each user with their nick and avatar,
/// as Tencent's `getMyFollowersList`, `getMyFollowingList` and `getMutualFollowersList`.
#[utoipa::path(get, path = "/v1/follows", tag = "client", operation_id = "getFollowList",
    params(FollowListQuery),
    responses(
        (status = 200, description = "The page, and where the next starts.", body = wire::FollowList),
        (status = 400, description = "`invalid_argument` (40001): a missing or unknown `type`, a bad `count` or `cursor`.", body = ErrorBody),
    ))]
async fn follow_list(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    QueryParams(query): QueryParams<FollowListQuery>,
) -> ApiResult<Json<wire::FollowList>> {
    let natter = &state.natter;
    Ok(Json(
        natter
            .follow_list(
                &device.uid,
                query.list_type,
                query.cursor.as_deref(),
                query.count,
            )
            .await?,
    ))
}

/// Follow counts
///
/// How many follow each user named, how many they follow, and how many both, as Tencent's
/// `getUserFollowInfo`; the user's own with no one named. Anyone's counts are public.
#[utoipa::path(post, path = "/v1/follows/info", tag = "client", operation_id = "getUserFollowInfo",
    request_body = wire::FollowQuestion,
    responses(
        (status = 200, description = "The counts, in the order asked.", body = wire::FollowInfoList),
        (status = 400, description = "`invalid_argument` (40001): more than 100 users, a malformed ID.", body = ErrorBody),
    ))]
async fn follow_info(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::FollowQuestion>,
) -> ApiResult<Json<wire::FollowInfoList>> {
    Ok(Json(state.natter.follow_info(&device.uid, request).await?))
}

/// How users stand to the user
///
/// For each user named, whether they follow the user and whether the user follows them, as
/// Tencent's `checkFollowType` (0 neither, 1 they follow the user, 2 the user follows them, 3
/// both).
#[utoipa::path(post, path = "/v1/follows/check", tag = "client", operation_id = "checkFollowType",
    request_body = wire::FollowQuestion,
    responses(
        (status = 200, description = "One entry per user, in the order asked.", body = wire::FollowTypeList),
        (status = 400, description = "`invalid_argument` (40001): no or more than 100 users, a malformed ID.", body = ErrorBody),
    ))]
async fn check_follow_type(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::FollowQuestion>,
) -> ApiResult<Json<wire::FollowTypeList>> {
    Ok(Json(
        state.natter.check_follow_type(&device.uid, request).await?,
    ))
}
