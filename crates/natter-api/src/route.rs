//! WuKongIM's route endpoints: the addresses a WuKongIM client connects to, answered as
//! WuKongIM answers them. The addresses come from the gateway's settings
//! (`--wukongim-advertise-*`, by default the listen addresses); an address the server does not
//! offer is empty.

use crate::json::Json;
use axum::extract::State;
use natter_core::wire::ErrorBody;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{JsonBody, QueryParams};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(route))
        .routes(routes!(route_batch))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct RouteQuery {
    /// WuKongIM's switch for the addresses inside the cluster's network (`1`). Natter has one
    /// set of addresses, so it answers the same either way.
    #[allow(dead_code)]
    intranet: Option<String>,
    /// The user who will connect. Any node serves any user, so it does not change the answer.
    #[allow(dead_code)]
    uid: Option<String>,
}

/// Where to connect, in WuKongIM's shape.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RouteAddresses {
    /// `host:port` for WuKongIM's protocol over TCP; empty when the server does not serve it.
    #[schema(example = "127.0.0.1:5100")]
    pub tcp_addr: String,
    /// `ws://host:port` for WuKongIM's protocol over WebSocket; empty when not served.
    #[schema(example = "ws://127.0.0.1:5200")]
    pub ws_addr: String,
    /// `wss://host:port` (a TLS proxy in front of the WebSocket); empty unless configured.
    #[schema(example = "")]
    pub wss_addr: String,
}

/// The addresses for a list of users, in WuKongIM's shape.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RouteBatchEntry {
    /// The users these addresses are for.
    pub uids: Vec<String>,
    pub tcp_addr: String,
    pub ws_addr: String,
    pub wss_addr: String,
}

fn addresses(state: &AppState) -> RouteAddresses {
    let routes = state.wukongim.routes();
    RouteAddresses {
        tcp_addr: routes.tcp_addr.clone(),
        ws_addr: routes.ws_addr.clone(),
        wss_addr: routes.wss_addr.clone(),
    }
}

/// Where a WuKongIM client connects
///
/// The addresses of WuKongIM's binary protocol on this server (`--wukongim-tcp-listen`,
/// `--wukongim-ws-listen`, or the `--wukongim-advertise-*` settings when given), as WuKongIM's
/// `GET /route` answers them. Every node serves every user. No authentication.
#[utoipa::path(get, path = "/route", tag = "wukongim", operation_id = "route",
    params(RouteQuery),
    responses((status = 200, description = "The addresses.", body = RouteAddresses)))]
async fn route(
    State(state): State<AppState>,
    QueryParams(_): QueryParams<RouteQuery>,
) -> Json<RouteAddresses> {
    Json(addresses(&state))
}

/// Where several users' WuKongIM clients connect
///
/// The body is a JSON array of uids; the answer has one entry holding them all, since every
/// node serves every user, as WuKongIM's `POST /route/batch` answers. No authentication.
#[utoipa::path(post, path = "/route/batch", tag = "wukongim", operation_id = "routeBatch",
    request_body(content = Vec<String>, example = json!(["alice", "bob"])),
    params(RouteQuery),
    responses(
        (status = 200, description = "One entry for all the uids.", body = Vec<RouteBatchEntry>),
        (status = 400, description = "`invalid_argument`: the body is not an array of strings.", body = ErrorBody),
    ))]
async fn route_batch(
    State(state): State<AppState>,
    QueryParams(_): QueryParams<RouteQuery>,
    JsonBody(uids): JsonBody<Vec<String>>,
) -> ApiResult<Json<Vec<RouteBatchEntry>>> {
    let RouteAddresses {
        tcp_addr,
        ws_addr,
        wss_addr,
    } = addresses(&state);
    Ok(Json(vec![RouteBatchEntry {
        uids,
        tcp_addr,
        ws_addr,
        wss_addr,
    }]))
}
