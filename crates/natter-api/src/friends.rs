//! Friend lists and friend requests (Tencent's relationship chain): the users' own calls, and
//! the app backend's, which ask no one's consent.

use axum::extract::State;
use natter_core::wire::{self, Empty, ErrorBody, StatusOk};
use natter_service::FriendGroupChange;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ClientUser, JsonBody, ManagerOnly, QueryParams};
use crate::json::Json;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(friends, add_friend))
        .routes(routes!(delete_friends))
        .routes(routes!(check_friends))
        .routes(routes!(update_friend))
        .routes(routes!(friend_applications))
        .routes(routes!(accept_friend_application))
        .routes(routes!(refuse_friend_application))
        .routes(routes!(delete_friend_application))
        .routes(routes!(read_friend_applications))
        .routes(routes!(friend_groups, create_friend_group))
        .routes(routes!(add_to_friend_group))
        .routes(routes!(remove_from_friend_group))
        .routes(routes!(delete_friend_group))
        .routes(routes!(rename_friend_group))
        .routes(routes!(friends_of))
        .routes(routes!(import_friends))
        .routes(routes!(remove_friends_of))
}

/// My friends
///
/// The user's friend list, oldest entry first, each with the friend's profile as it is now
/// (Tencent's `getFriendList`). An entry is the user's own: the friend may or may not have the
/// user in theirs (`POST /v1/friends/check` tells).
#[utoipa::path(get, path = "/v1/friends", tag = "client", operation_id = "getFriendList",
    responses((status = 200, description = "The friend list.", body = wire::FriendList)))]
async fn friends(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
) -> ApiResult<Json<wire::FriendList>> {
    Ok(Json(state.natter.friends(&device.uid).await?))
}

/// Add a friend
///
/// Adds `to` as a friend (Tencent's `addFriend`): into both lists (`type` `both`) or only the
/// user's (`single`). It takes effect at once (`added`) when `to` lets anyone add them
/// (`allowType` `AllowType_Type_AllowAny`), has the user in their list already, or asked the
/// user first; otherwise, if `to` asks for consent (`AllowType_Type_NeedConfirm`, every user's
/// default), a request waits for their answer (`pending`; asking again replaces it). Both users'
/// devices hear `friendListUpdated` and `friendApplicationListUpdated` as their lists change.
#[utoipa::path(post, path = "/v1/friends", tag = "client", operation_id = "addFriend",
    request_body = wire::AddFriend,
    responses(
        (status = 200, description = "Added, or a request waits.", body = wire::AddedFriend),
        (status = 400, description = "`invalid_argument`: a malformed `to`, the user themself, a `source` that is not `AddSource_Type_` and 1 to 8 bytes, a `wording` over 256 bytes or a `remark` over 96.", body = ErrorBody),
        (status = 403, description = "`in_blacklist` (40305): either user blocks the other. `permission_denied` (40301): `to` takes no friend requests (`AllowType_Type_DenyAny`).", body = ErrorBody),
        (status = 404, description = "`not_found`: `to` never had a token.", body = ErrorBody),
        (status = 409, description = "`conflict`: `to` is in the user's list already, or a list would pass 3,000 friends.", body = ErrorBody),
    ))]
async fn add_friend(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::AddFriend>,
) -> ApiResult<Json<wire::AddedFriend>> {
    Ok(Json(state.natter.add_friend(&device.uid, request).await?))
}

/// Delete friends
///
/// Takes users out of the user's list, and with `type` `both` (the default) the user out of
/// each of theirs (Tencent's `deleteFriend`). A user not in the user's list is a failure, and
/// nothing changes for them. Conversations and messages stay as they are.
#[utoipa::path(post, path = "/v1/friends/delete", tag = "client", operation_id = "deleteFriend",
    request_body = wire::FriendIdList,
    responses(
        (status = 200, description = "Who was deleted, and who was not in the list.", body = wire::DeletedFriends),
        (status = 400, description = "`invalid_argument`: no `userIDList`, more than 1,000, or a malformed ID.", body = ErrorBody),
    ))]
async fn delete_friends(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::FriendIdList>,
) -> ApiResult<Json<wire::DeletedFriends>> {
    Ok(Json(
        state.natter.delete_friends(&device.uid, request).await?,
    ))
}

/// Check friends
///
/// How each user stands towards the user (Tencent's `checkFriend`): in neither list, in the
/// user's only (`CheckResult_Type_AWithB`), in theirs only (`BWithA`), or both ways. With
/// `type` `single`, only the user's own list is read.
#[utoipa::path(post, path = "/v1/friends/check", tag = "client", operation_id = "checkFriend",
    request_body = wire::FriendIdList,
    responses(
        (status = 200, description = "Each user's relation, in the order asked.", body = wire::FriendRelations),
        (status = 400, description = "`invalid_argument`: no `userIDList`, more than 1,000, or a malformed ID.", body = ErrorBody),
    ))]
async fn check_friends(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::FriendIdList>,
) -> ApiResult<Json<wire::FriendRelations>> {
    Ok(Json(
        state.natter.check_friends(&device.uid, request).await?,
    ))
}

/// Rename a friend, or set their custom fields
///
/// Sets the name the user gives a friend in their own list, or what they keep about them
/// (Tencent's `updateFriend`, with its `remark` and `friendCustomField`).
#[utoipa::path(post, path = "/v1/friends/remark", tag = "client", operation_id = "updateFriend",
    request_body = wire::FriendUpdate,
    responses(
        (status = 200, description = "The entry as it now is.", body = wire::Friend),
        (status = 400, description = "`invalid_argument`: a malformed `userID`, a `remark` over 96 bytes, a bad custom field, or neither field given.", body = ErrorBody),
        (status = 404, description = "`not_found`: `userID` is not in the user's list.", body = ErrorBody),
        (status = 409, description = "`conflict`: the friend would have more than 20 custom fields.", body = ErrorBody),
    ))]
async fn update_friend(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::FriendUpdate>,
) -> ApiResult<Json<wire::Friend>> {
    Ok(Json(
        state.natter.update_friend(&device.uid, request).await?,
    ))
}

/// My friend requests
///
/// The friend requests that wait, to the user (`incoming`) and from them (`outgoing`), newest
/// first, and how many to the user came since they last marked them read (Tencent's
/// `getFriendApplicationList`).
#[utoipa::path(get, path = "/v1/friend-applications", tag = "client",
    operation_id = "getFriendApplicationList",
    responses((status = 200, description = "The requests.", body = wire::FriendApplicationList)))]
async fn friend_applications(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
) -> ApiResult<Json<wire::FriendApplicationList>> {
    Ok(Json(state.natter.friend_applications(&device.uid).await?))
}

/// Accept a friend request
///
/// The asker's list gets the user, under the name the asker chose; with `type` `both` (the
/// default) the user's list gets the asker too, named `remark` (Tencent's
/// `acceptFriendApplication`). The request is gone.
#[utoipa::path(post, path = "/v1/friend-applications/accept", tag = "client",
    operation_id = "acceptFriendApplication",
    request_body = wire::AcceptFriendApplication,
    responses(
        (status = 200, description = "Accepted.", body = Empty),
        (status = 400, description = "`invalid_argument`: a malformed `userID`, a `remark` over 96 bytes.", body = ErrorBody),
        (status = 404, description = "`not_found`: no request from `userID` waits (answered or deleted already, or never made).", body = ErrorBody),
        (status = 409, description = "`conflict`: a list would pass 3,000 friends.", body = ErrorBody),
    ))]
async fn accept_friend_application(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::AcceptFriendApplication>,
) -> ApiResult<Json<Empty>> {
    state
        .natter
        .accept_friend_application(&device.uid, request)
        .await?;
    Ok(Json(Empty {}))
}

/// Refuse a friend request
///
/// Removes the request `userID` made to the user; no list changes (Tencent's
/// `refuseFriendApplication`). The asker's devices hear that their requests changed.
#[utoipa::path(post, path = "/v1/friend-applications/refuse", tag = "client",
    operation_id = "refuseFriendApplication",
    request_body = wire::FriendApplicationRef,
    responses(
        (status = 200, description = "Refused.", body = Empty),
        (status = 400, description = "`invalid_argument`: a malformed `userID`, or `type` `outgoing` (a user refuses only requests to them).", body = ErrorBody),
        (status = 404, description = "`not_found`: no request from `userID` waits.", body = ErrorBody),
    ))]
async fn refuse_friend_application(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::FriendApplicationRef>,
) -> ApiResult<Json<Empty>> {
    state
        .natter
        .refuse_friend_application(&device.uid, request)
        .await?;
    Ok(Json(Empty {}))
}

/// Delete a friend request
///
/// Removes a request from the user's list of requests: one `userID` made to the user
/// (`incoming`, the default) or the user's own to `userID` (`outgoing`, which withdraws it)
/// (Tencent's `deleteFriendApplication`).
#[utoipa::path(post, path = "/v1/friend-applications/delete", tag = "client",
    operation_id = "deleteFriendApplication",
    request_body = wire::FriendApplicationRef,
    responses(
        (status = 200, description = "Deleted.", body = Empty),
        (status = 400, description = "`invalid_argument`: a malformed `userID` or `type`.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such request waits.", body = ErrorBody),
    ))]
async fn delete_friend_application(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::FriendApplicationRef>,
) -> ApiResult<Json<Empty>> {
    state
        .natter
        .drop_friend_application(&device.uid, request)
        .await?;
    Ok(Json(Empty {}))
}

/// Mark friend requests read
///
/// The requests made to the user so far no longer count as unread (Tencent's
/// `setFriendApplicationRead`).
#[utoipa::path(post, path = "/v1/friend-applications/read", tag = "client",
    operation_id = "setFriendApplicationRead",
    responses((status = 200, description = "Done.", body = Empty)))]
async fn read_friend_applications(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
) -> ApiResult<Json<Empty>> {
    state
        .natter
        .mark_friend_applications_read(&device.uid)
        .await?;
    Ok(Json(Empty {}))
}

/// My friend groups
///
/// The user's friend groups, oldest first, each with its friends (Tencent's
/// `getFriendGroupList`). A friend may be in several groups, or in none.
#[utoipa::path(get, path = "/v1/friend-groups", tag = "client", operation_id = "getFriendGroupList",
    responses((status = 200, description = "The groups.", body = wire::FriendGroupList)))]
async fn friend_groups(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
) -> ApiResult<Json<wire::FriendGroupList>> {
    Ok(Json(state.natter.friend_groups(&device.uid).await?))
}

/// Create a friend group
///
/// Makes a friend group with those named who are the user's friends (the others are the
/// failures), or empty (Tencent's `createFriendGroup`). A user keeps at most 32.
#[utoipa::path(post, path = "/v1/friend-groups", tag = "client", operation_id = "createFriendGroup",
    request_body = wire::FriendGroupMembers,
    responses(
        (status = 200, description = "The group, and who was passed over.", body = wire::ChangedFriendGroup),
        (status = 400, description = "`invalid_argument`: a `name` empty or over 30 bytes, more than 1,000 users, a malformed ID.", body = ErrorBody),
        (status = 409, description = "`conflict`: a group of that name exists, or the user has 32.", body = ErrorBody),
    ))]
async fn create_friend_group(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::FriendGroupMembers>,
) -> ApiResult<Json<wire::ChangedFriendGroup>> {
    Ok(Json(
        state
            .natter
            .change_friend_group(&device.uid, FriendGroupChange::Create, request)
            .await?,
    ))
}

/// Add friends to a group
///
/// Puts friends in one of the user's friend groups; those who are not the user's friends are
/// the failures (Tencent's `addToFriendGroup`).
#[utoipa::path(post, path = "/v1/friend-groups/add", tag = "client",
    operation_id = "addToFriendGroup",
    request_body = wire::FriendGroupMembers,
    responses(
        (status = 200, description = "The group, and who was passed over.", body = wire::ChangedFriendGroup),
        (status = 400, description = "`invalid_argument`: a `name` empty or over 30 bytes, no users or more than 1,000, a malformed ID.", body = ErrorBody),
        (status = 404, description = "`not_found`: the user has no group of that name.", body = ErrorBody),
    ))]
async fn add_to_friend_group(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::FriendGroupMembers>,
) -> ApiResult<Json<wire::ChangedFriendGroup>> {
    Ok(Json(
        state
            .natter
            .change_friend_group(&device.uid, FriendGroupChange::Add, request)
            .await?,
    ))
}

/// Remove friends from a group
///
/// Takes friends out of one of the user's friend groups (they stay friends); those not in it are
/// the failures (Tencent's `removeFromFriendGroup`).
#[utoipa::path(post, path = "/v1/friend-groups/remove", tag = "client",
    operation_id = "removeFromFriendGroup",
    request_body = wire::FriendGroupMembers,
    responses(
        (status = 200, description = "The group, and who was passed over.", body = wire::ChangedFriendGroup),
        (status = 400, description = "`invalid_argument`: a `name` empty or over 30 bytes, no users or more than 1,000, a malformed ID.", body = ErrorBody),
        (status = 404, description = "`not_found`: the user has no group of that name.", body = ErrorBody),
    ))]
async fn remove_from_friend_group(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::FriendGroupMembers>,
) -> ApiResult<Json<wire::ChangedFriendGroup>> {
    Ok(Json(
        state
            .natter
            .change_friend_group(&device.uid, FriendGroupChange::Remove, request)
            .await?,
    ))
}

/// Delete a friend group
///
/// Deletes one of the user's friend groups; its friends stay friends (Tencent's
/// `deleteFriendGroup`).
#[utoipa::path(post, path = "/v1/friend-groups/delete", tag = "client",
    operation_id = "deleteFriendGroup",
    request_body = wire::FriendGroupName,
    responses(
        (status = 200, description = "The group as it was.", body = wire::FriendGroup),
        (status = 400, description = "`invalid_argument`: a `name` empty or over 30 bytes.", body = ErrorBody),
        (status = 404, description = "`not_found`: the user has no group of that name.", body = ErrorBody),
    ))]
async fn delete_friend_group(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::FriendGroupName>,
) -> ApiResult<Json<wire::FriendGroup>> {
    Ok(Json(
        state
            .natter
            .delete_friend_group(&device.uid, request)
            .await?,
    ))
}

/// Rename a friend group
///
/// Tencent's `renameFriendGroup`.
#[utoipa::path(post, path = "/v1/friend-groups/rename", tag = "client",
    operation_id = "renameFriendGroup",
    request_body = wire::RenameFriendGroup,
    responses(
        (status = 200, description = "The group under its new name.", body = wire::FriendGroup),
        (status = 400, description = "`invalid_argument`: a name empty or over 30 bytes, or the two the same.", body = ErrorBody),
        (status = 404, description = "`not_found`: the user has no group named `oldName`.", body = ErrorBody),
        (status = 409, description = "`conflict`: the user has a group named `newName`.", body = ErrorBody),
    ))]
async fn rename_friend_group(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    JsonBody(request): JsonBody<wire::RenameFriendGroup>,
) -> ApiResult<Json<wire::FriendGroup>> {
    Ok(Json(
        state
            .natter
            .rename_friend_group(&device.uid, request)
            .await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct FriendsOfQuery {
    /// The user whose list to read.
    uid: String,
}

/// Read a user's friend list
///
/// The user's friend list as the user reads it (`GET /v1/friends`). Manager token only.
#[utoipa::path(get, path = "/user/friends", tag = "server", operation_id = "serverGetFriendList",
    params(FriendsOfQuery),
    responses(
        (status = 200, description = "The friend list.", body = wire::FriendList),
        (status = 400, description = "`invalid_argument`: a malformed `uid`.", body = ErrorBody),
        (status = 404, description = "`not_found`: the user never had a token.", body = ErrorBody),
    ))]
async fn friends_of(
    State(state): State<AppState>,
    _: ManagerOnly,
    QueryParams(query): QueryParams<FriendsOfQuery>,
) -> ApiResult<Json<wire::FriendList>> {
    Ok(Json(state.natter.friends_of(&query.uid).await?))
}

/// Import friends
///
/// Puts users in a user's friend list, and with `type` `both` (the default) the user in each of
/// theirs, asking no one's consent and heeding no blocklist (Tencent's `friend_import`): for an
/// app moving its friend lists to Natter, or making friends by its own rules. An entry already
/// there stays as it is; a friend request the new entries fulfil is gone. All or nothing.
/// Every device of each user whose list changed hears `friendListUpdated`. Manager token only.
#[utoipa::path(post, path = "/user/friends/import", tag = "server",
    operation_id = "importFriends",
    request_body = wire::FriendImport,
    responses(
        (status = 200, description = "Done.", body = StatusOk),
        (status = 400, description = "`invalid_argument`: no `friends` or more than 1,000, a malformed uid, the user themself or a friend named twice, a `remark` over 96 bytes, a `source` that is not `AddSource_Type_` and 1 to 8 bytes.", body = ErrorBody),
        (status = 404, description = "`not_found`: the user or a friend never had a token.", body = ErrorBody),
        (status = 409, description = "`conflict`: a list would pass 3,000 friends.", body = ErrorBody),
    ))]
async fn import_friends(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<wire::FriendImport>,
) -> ApiResult<Json<StatusOk>> {
    state.natter.import_friends(request).await?;
    Ok(Json(StatusOk::default()))
}

/// Delete friends of a user
///
/// Takes users out of a user's friend list, and with `type` `both` (the default) the user out of
/// each of theirs, as the user's own `POST /v1/friends/delete`; users not in the list are passed
/// over. Manager token only.
#[utoipa::path(post, path = "/user/friends/delete", tag = "server",
    operation_id = "serverDeleteFriends",
    request_body = wire::FriendRemoval,
    responses(
        (status = 200, description = "Done.", body = StatusOk),
        (status = 400, description = "`invalid_argument`: no `friend_uids` or more than 1,000, a malformed uid.", body = ErrorBody),
        (status = 404, description = "`not_found`: the user never had a token.", body = ErrorBody),
    ))]
async fn remove_friends_of(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<wire::FriendRemoval>,
) -> ApiResult<Json<StatusOk>> {
    state.natter.remove_friends_of(request).await?;
    Ok(Json(StatusOk::default()))
}
