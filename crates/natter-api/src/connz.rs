//! WuKongIM's `GET /connz`: the node's WuKongIM connections with what each carried, in
//! WuKongIM's shape, for the scripts and dashboards written to it (`wkcli server connz`, its
//! manager's connection list).

use std::cmp::Reverse;
use std::time::{Duration, SystemTime};

use axum::extract::State;
use natter_service::WuKongImConnection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::extract::{ManagerOnly, QueryParams};
use crate::json::Json;
use crate::varz::wukongim_uptime;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(connz))
}

/// A page when `limit` is missing or 0, as WuKongIM's.
const DEFAULT_LIMIT: usize = 20;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ConnzQuery {
    /// Connections to skip, after sorting.
    offset: Option<usize>,
    /// Connections to list at most (missing or 0: 20).
    limit: Option<usize>,
    /// Only the connections of users whose uid contains this, as WuKongIM filters.
    uid: Option<String>,
    /// The order, by WuKongIM's names (default `id`).
    #[param(inline)]
    sort: Option<SortBy>,
    /// WuKongIM's node to ask; every Natter node answers for itself.
    #[allow(dead_code)]
    node_id: Option<String>,
}

/// WuKongIM's orders, each ascending and, with `Desc`, descending. `uptime` orders by the time
/// a connection was made and `idle` by its last frame, as WuKongIM's do: ascending puts the
/// longest up and the longest idle first. WuKongIM's `pendingBytes`, `inPacketBytes` and
/// `outPacketBytes` are refused: Natter does not count those bytes.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) enum SortBy {
    Id,
    IdDesc,
    InMsg,
    InMsgDesc,
    OutMsg,
    OutMsgDesc,
    InMsgBytes,
    InMsgBytesDesc,
    OutMsgBytes,
    OutMsgBytesDesc,
    InPacket,
    InPacketDesc,
    OutPacket,
    OutPacketDesc,
    Uptime,
    UptimeDesc,
    Idle,
    IdleDesc,
    ProtoVersion,
    ProtoVersionDesc,
}

impl SortBy {
    /// Sorts `connections`, which come by ID: stable, so equal keys stay in ID order.
    fn sort(self, connections: &mut [WuKongImConnection]) {
        use SortBy::*;
        match self {
            Id => {}
            IdDesc => connections.reverse(),
            InMsg => connections.sort_by_key(|c| c.messages_in),
            InMsgDesc => connections.sort_by_key(|c| Reverse(c.messages_in)),
            OutMsg => connections.sort_by_key(|c| c.messages_out),
            OutMsgDesc => connections.sort_by_key(|c| Reverse(c.messages_out)),
            InMsgBytes => connections.sort_by_key(|c| c.message_bytes_in),
            InMsgBytesDesc => connections.sort_by_key(|c| Reverse(c.message_bytes_in)),
            OutMsgBytes => connections.sort_by_key(|c| c.message_bytes_out),
            OutMsgBytesDesc => connections.sort_by_key(|c| Reverse(c.message_bytes_out)),
            InPacket => connections.sort_by_key(|c| c.frames_in),
            InPacketDesc => connections.sort_by_key(|c| Reverse(c.frames_in)),
            OutPacket => connections.sort_by_key(|c| c.frames_out),
            OutPacketDesc => connections.sort_by_key(|c| Reverse(c.frames_out)),
            Uptime => connections.sort_by_key(|c| c.connected_at),
            UptimeDesc => connections.sort_by_key(|c| Reverse(c.connected_at)),
            Idle => connections.sort_by_key(|c| c.last_activity),
            IdleDesc => connections.sort_by_key(|c| Reverse(c.last_activity)),
            ProtoVersion => connections.sort_by_key(|c| c.protocol_version),
            ProtoVersionDesc => connections.sort_by_key(|c| Reverse(c.protocol_version)),
        }
    }
}

/// A page of the node's connections, with WuKongIM's field names.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Connz {
    pub connections: Vec<ConnInfo>,
    /// When this was read (RFC 3339, UTC).
    pub now: String,
    /// All of the node's connections, before `uid` filters them.
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
}

/// One connection, with WuKongIM's field names. Left out, having no counterpart: the bytes of
/// whole frames (Natter counts frames and their messages' bytes) and the cluster's slot leader
/// and node.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ConnInfo {
    /// The connection's ID on this node; later connections have larger ones.
    pub id: u64,
    pub uid: String,
    /// The client's address (a proxy's, behind one).
    pub ip: String,
    pub port: u16,
    /// When the client last sent a frame (RFC 3339, UTC).
    pub last_activity: String,
    /// How long it has been connected, as WuKongIM writes it (`1h2m3s`).
    #[schema(example = "1h2m3s")]
    pub uptime: String,
    /// How long since its last frame, written the same way.
    #[schema(example = "12s")]
    pub idle: String,
    /// 0, as in WuKongIM, which does not count them either.
    pub pending_bytes: u64,
    /// SENDs the client sent.
    pub in_msgs: u64,
    /// RECVs it was sent.
    pub out_msgs: u64,
    /// Their payloads' bytes, as they travelled (encrypted).
    pub in_msg_bytes: u64,
    pub out_msg_bytes: u64,
    /// Frames of every kind read from it, CONNECT and PINGs included.
    pub in_packets: u64,
    /// Frames written to it.
    pub out_packets: u64,
    /// The device and its level, in WuKongIM's words: `App`, `Web` or `PC`, then `(主)` for a
    /// master login or `(从)` for a slave.
    #[schema(example = "Web(主)")]
    pub device: String,
    /// CONNECT's device ID.
    pub device_id: String,
    /// The protocol version CONNECT settled.
    pub version: u8,
    /// `本地连接` (a connection to this node), as WuKongIM says of its own.
    pub proxy_type_format: String,
}

/// The node's WuKongIM connections, WuKongIM's way
///
/// WuKongIM's `GET /connz`: this node's authenticated connections of WuKongIM's protocol (TCP
/// and WebSocket), with what each carried, sorted (`sort`, WuKongIM's names), filtered by uid
/// (`uid`, a part of it) and paged (`offset`, `limit`). The client API's JSON WebSockets are
/// not listed; `GET /varz` counts them. `node_id` is taken and changes nothing: each node
/// lists its own. Manager token only, as WuKongIM's API with a token set.
#[utoipa::path(get, path = "/connz", tag = "server", operation_id = "connz",
    params(ConnzQuery),
    responses(
        (status = 200, description = "A page of the connections.", body = Connz),
        (status = 400, description = "`offset` or `limit` is not a number, or `sort` is not one of the orders.", body = natter_core::wire::ErrorBody),
    ))]
async fn connz(
    State(state): State<AppState>,
    _: ManagerOnly,
    QueryParams(query): QueryParams<ConnzQuery>,
) -> Json<Connz> {
    let mut connections = state.wukongim.connections();
    let total = connections.len();
    if let Some(part) = query.uid.as_deref().filter(|part| !part.is_empty()) {
        connections.retain(|connection| connection.uid.contains(part));
    }
    let offset = query.offset.unwrap_or(0);
    let limit = page_size(query.limit);
    let sort = query.sort.unwrap_or(SortBy::Id);
    let now = SystemTime::now();
    Json(Connz {
        connections: page(connections, sort, offset, limit, now),
        now: rfc3339(now),
        total,
        offset,
        limit,
    })
}

/// How many a page holds when `limit` asks for `asked`: missing or 0 is 20, as WuKongIM's.
pub(crate) fn page_size(asked: Option<usize>) -> usize {
    asked.filter(|&limit| limit > 0).unwrap_or(DEFAULT_LIMIT)
}

/// `connections` sorted, then `limit` of them from `offset` on, their uptimes and idle times
/// as of `now`.
pub(crate) fn page(
    mut connections: Vec<WuKongImConnection>,
    sort: SortBy,
    offset: usize,
    limit: usize,
    now: SystemTime,
) -> Vec<ConnInfo> {
    sort.sort(&mut connections);
    connections
        .iter()
        .skip(offset)
        .take(limit)
        .map(|connection| conn_info(connection, now))
        .collect()
}

fn conn_info(connection: &WuKongImConnection, now: SystemTime) -> ConnInfo {
    let since = |then: SystemTime| now.duration_since(then).unwrap_or(Duration::ZERO);
    ConnInfo {
        id: connection.id,
        uid: connection.uid.clone(),
        ip: connection.peer.ip().to_string(),
        port: connection.peer.port(),
        last_activity: rfc3339(connection.last_activity),
        uptime: wukongim_uptime(since(connection.connected_at)),
        idle: wukongim_uptime(since(connection.last_activity)),
        pending_bytes: 0,
        in_msgs: connection.messages_in,
        out_msgs: connection.messages_out,
        in_msg_bytes: connection.message_bytes_in,
        out_msg_bytes: connection.message_bytes_out,
        in_packets: connection.frames_in,
        out_packets: connection.frames_out,
        device: device(connection.device_flag, connection.device_level),
        device_id: connection.device_id.clone(),
        version: connection.protocol_version,
        proxy_type_format: "本地连接".to_owned(),
    }
}

/// The device as WuKongIM's `/connz` names it.
fn device(flag: u8, level: u8) -> String {
    let kind = match flag {
        0 => "App",
        1 => "Web",
        2 => "PC",
        _ => "未知",
    };
    let level = if level == 0 { "从" } else { "主" };
    format!("{kind}({level})")
}

fn rfc3339(time: SystemTime) -> String {
    jiff::Timestamp::try_from(time)
        .map(|timestamp| timestamp.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_are_named_as_wukongim_names_them() {
        assert_eq!(device(0, 1), "App(主)");
        assert_eq!(device(1, 0), "Web(从)");
        assert_eq!(device(2, 1), "PC(主)");
    }

    #[test]
    fn times_are_rfc3339_in_utc() {
        let time = SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_250);
        assert_eq!(rfc3339(time), "2023-11-14T22:13:20.25Z");
    }
}
