//! The server API's blacklist and whitelist routes, with WuKongIM's paths and bodies. Eight of
//! them differ only in the list and the change, so one macro writes each handler with its
//! OpenAPI entry.

use crate::json::Json;
use axum::extract::State;
use natter_core::wire::{ErrorBody, SenderListEntry, SenderListRequest, StatusOk};
use natter_core::{ListChange, SenderList};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{JsonBody, ManagerOnly, QueryParams};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(blacklist_add))
        .routes(routes!(blacklist_set))
        .routes(routes!(blacklist_remove))
        .routes(routes!(blacklist_remove_all))
        .routes(routes!(whitelist_add))
        .routes(routes!(whitelist_set))
        .routes(routes!(whitelist_remove))
        .routes(routes!(whitelist_remove_all))
        .routes(routes!(whitelist))
}

macro_rules! list_route {
    ($name:ident, $path:literal, $operation:literal, $list:expr, $change:expr, $summary:literal, $what:literal) => {
        #[doc = $summary]
        #[doc = ""]
        #[doc = $what]
        #[doc = " A user's list (`channel_type` 1, `channel_id` the user) is about who may message \
                 them one-to-one; a group's (2) about who may send to the group. A blacklisted \
                 sender is refused (`in_blacklist`, 403, on the client API; reason 4 on the \
                 WuKongIM gateways); a group with a whitelist takes messages only from the \
                 uids on it (`not_in_whitelist`, reason 13). A user's whitelist is kept but \
                 not enforced, as WuKongIM by default. Manager token only."]
        #[utoipa::path(post, path = $path, tag = "server", operation_id = $operation,
            request_body = SenderListRequest,
            responses(
                (status = 200, description = "Done.", body = StatusOk),
                (status = 404, description = "`not_found`: no such group, or the user never had a token.", body = ErrorBody),
            ))]
        async fn $name(
            State(state): State<AppState>,
            _: ManagerOnly,
            JsonBody(request): JsonBody<SenderListRequest>,
        ) -> ApiResult<Json<StatusOk>> {
            state
                .natter
                .change_sender_list($list, $change, request)
                .await?;
            Ok(Json(StatusOk::default()))
        }
    };
}

list_route!(
    blacklist_add,
    "/channel/blacklist_add",
    "blacklistAdd",
    SenderList::Blacklist,
    ListChange::Add,
    "Add uids to a blacklist",
    "Adds 1 to 1,000 uids; those already on it stay."
);
list_route!(
    blacklist_set,
    "/channel/blacklist_set",
    "blacklistSet",
    SenderList::Blacklist,
    ListChange::Set,
    "Replace a blacklist",
    "Makes the blacklist exactly `uids` (empty: no one)."
);
list_route!(
    blacklist_remove,
    "/channel/blacklist_remove",
    "blacklistRemove",
    SenderList::Blacklist,
    ListChange::Remove,
    "Remove uids from a blacklist",
    "Removes 1 to 1,000 uids; uids not on it are ignored."
);
list_route!(
    blacklist_remove_all,
    "/channel/blacklist_remove_all",
    "blacklistRemoveAll",
    SenderList::Blacklist,
    ListChange::RemoveAll,
    "Empty a blacklist",
    "Removes every uid (`uids` is not used)."
);
list_route!(
    whitelist_add,
    "/channel/whitelist_add",
    "whitelistAdd",
    SenderList::Whitelist,
    ListChange::Add,
    "Add uids to a whitelist",
    "Adds 1 to 1,000 uids; those already on it stay."
);
list_route!(
    whitelist_set,
    "/channel/whitelist_set",
    "whitelistSet",
    SenderList::Whitelist,
    ListChange::Set,
    "Replace a whitelist",
    "Makes the whitelist exactly `uids` (empty: no whitelist, everyone may send)."
);
list_route!(
    whitelist_remove,
    "/channel/whitelist_remove",
    "whitelistRemove",
    SenderList::Whitelist,
    ListChange::Remove,
    "Remove uids from a whitelist",
    "Removes 1 to 1,000 uids; uids not on it are ignored."
);
list_route!(
    whitelist_remove_all,
    "/channel/whitelist_remove_all",
    "whitelistRemoveAll",
    SenderList::Whitelist,
    ListChange::RemoveAll,
    "Empty a whitelist",
    "Removes every uid (`uids` is not used): everyone may send again."
);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// A group ID, or a uid.
    channel_id: String,
    /// 2 (a group's list) or 1 (a user's).
    channel_type: i64,
}

/// Read a whitelist
///
/// The uids on the whitelist, in the order they were added, as a bare array as WuKongIM
/// answers. Manager token only.
#[utoipa::path(get, path = "/channel/whitelist", tag = "server", operation_id = "getWhitelist",
    params(ListQuery),
    responses(
        (status = 200, description = "The whitelist.", body = Vec<SenderListEntry>),
        (status = 404, description = "`not_found`: no such group, or the user never had a token.", body = ErrorBody),
    ))]
async fn whitelist(
    State(state): State<AppState>,
    _: ManagerOnly,
    QueryParams(query): QueryParams<ListQuery>,
) -> ApiResult<Json<Vec<SenderListEntry>>> {
    Ok(Json(
        state
            .natter
            .whitelist(&query.channel_id, query.channel_type)
            .await?,
    ))
}
