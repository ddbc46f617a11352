//! WuKongIM's `GET /varz`: the node's figures in WuKongIM's shape, for the scripts and
//! dashboards written to it (WuKongIM's `wkcli server`, its manager's overview). Prometheus
//! scrapes `GET /metrics`, which carries more.

use std::time::{Duration, SystemTime};

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::connz::{self, ConnInfo, SortBy};
use crate::extract::{ManagerOnly, QueryParams};
use crate::json::Json;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(varz))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct VarzQuery {
    /// `conn` adds the node's WuKongIM connections that sent the most messages, as `conns`.
    show: Option<String>,
    /// How many `show=conn` lists at most (missing or 0: 20).
    conn_limit: Option<usize>,
    /// WuKongIM's node to ask; every Natter node answers for itself.
    #[allow(dead_code)]
    node_id: Option<String>,
}

/// The node's figures, with WuKongIM's field names. WuKongIM's fields with no counterpart in
/// Natter (its node ID, build details, byte counts, manager address) are left out.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Varz {
    /// `Natter`.
    #[schema(example = "Natter")]
    pub server_name: String,
    /// Natter's version.
    #[schema(example = "0.1.0")]
    pub version: String,
    /// Open client connections on this node: WebSockets of the client API and connections of
    /// WuKongIM's protocol, TCP and WebSocket.
    pub connections: usize,
    /// Users with a connection on this node.
    pub user_handler_count: usize,
    /// Those users' connections.
    pub user_handler_conn_count: usize,
    /// Time since the server started, as WuKongIM writes it (`3d4h5m6s`).
    #[schema(example = "4h5m6s")]
    pub uptime: String,
    /// Tasks alive in the server's runtime, where WuKongIM counts goroutines.
    pub goroutine: usize,
    /// Resident memory in bytes (0 where the system does not say: Linux does).
    pub mem: u64,
    /// CPU used since the server started, in percent of one core (0 where the system does not
    /// say).
    pub cpu: f64,
    /// Frames read from WuKongIM clients.
    pub in_msgs: u64,
    /// Frames written to WuKongIM clients.
    pub out_msgs: u64,
    /// RECVs a closed connection left unacknowledged, waiting for their device to come back.
    pub retry_queue: usize,
    /// The addresses `GET /route` answers.
    pub tcp_addr: String,
    pub ws_addr: String,
    pub wss_addr: String,
    /// 1 when the server API needs the manager token, 0 in dev mode without one.
    pub manager_token_on: u8,
    /// With `show=conn`: the WuKongIM connections that sent the most messages, as
    /// `GET /connz?sort=inMsgDesc` lists them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conns: Option<Vec<ConnInfo>>,
}

/// The node's figures, WuKongIM's way
///
/// WuKongIM's `GET /varz`: connections and users on this node, uptime, memory, CPU and what
/// the WuKongIM gateway carried, with WuKongIM's field names; with `show=conn`, the busiest
/// WuKongIM connections too. `node_id` is taken and changes nothing. Manager token only, as
/// WuKongIM's API with a token set.
#[utoipa::path(get, path = "/varz", tag = "server", operation_id = "varz",
    params(VarzQuery),
    responses((status = 200, description = "The figures.", body = Varz)))]
async fn varz(
    State(state): State<AppState>,
    _: ManagerOnly,
    QueryParams(query): QueryParams<VarzQuery>,
) -> Json<Varz> {
    let conns = (query.show.as_deref() == Some("conn")).then(|| {
        let limit = connz::page_size(query.conn_limit);
        let connections = state.wukongim.connections();
        connz::page(connections, SortBy::InMsgDesc, 0, limit, SystemTime::now())
    });
    let uptime = state.started.elapsed();
    let (users, connections) = state.natter.events.census();
    let traffic = state.wukongim.traffic();
    let routes = state.wukongim.routes();
    let usage = ProcessUsage::read(uptime).await;
    Json(Varz {
        server_name: "Natter".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        connections,
        user_handler_count: users,
        user_handler_conn_count: connections,
        uptime: wukongim_uptime(uptime),
        goroutine: tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks(),
        mem: usage.resident_bytes,
        cpu: usage.cpu_percent,
        in_msgs: traffic.frames_in,
        out_msgs: traffic.frames_out,
        retry_queue: traffic.awaiting_resend,
        tcp_addr: routes.tcp_addr.clone(),
        ws_addr: routes.ws_addr.clone(),
        wss_addr: routes.wss_addr.clone(),
        manager_token_on: u8::from(state.natter.has_manager_token()),
        conns,
    })
}

/// A duration as WuKongIM writes an uptime: whole seconds, with the larger units that are not
/// zero in front (`1y2d3h4m5s`, `4m5s`, `0s`).
pub(crate) fn wukongim_uptime(uptime: Duration) -> String {
    let seconds = uptime.as_secs();
    let (minutes, hours, days) = (seconds / 60, seconds / 3600, seconds / 86_400);
    let years = days / 365;
    let (s, m, h, d) = (seconds % 60, minutes % 60, hours % 24, days % 365);
    if years > 0 {
        format!("{years}y{d}d{h}h{m}m{s}s")
    } else if days > 0 {
        format!("{days}d{h}h{m}m{s}s")
    } else if hours > 0 {
        format!("{hours}h{m}m{s}s")
    } else if minutes > 0 {
        format!("{minutes}m{s}s")
    } else {
        format!("{seconds}s")
    }
}

/// What the process uses, from Linux's `/proc/self` (zeros elsewhere, or when unreadable).
struct ProcessUsage {
    resident_bytes: u64,
    cpu_percent: f64,
}

/// Linux gives CPU time in ticks of this many a second to every program (`USER_HZ`, fixed by
/// its interface whatever the kernel's own tick).
const USER_HZ: f64 = 100.0;

impl ProcessUsage {
    async fn read(uptime: Duration) -> Self {
        let status = tokio::fs::read_to_string("/proc/self/status").await;
        let stat = tokio::fs::read_to_string("/proc/self/stat").await;
        let resident_bytes = status
            .ok()
            .as_deref()
            .and_then(resident_kib)
            .map_or(0, |kib| kib * 1024);
        let cpu_seconds = stat.ok().as_deref().and_then(cpu_ticks).unwrap_or(0) as f64 / USER_HZ;
        let cpu_percent = cpu_seconds / uptime.as_secs_f64().max(1.0) * 100.0;
        Self {
            resident_bytes,
            cpu_percent: (cpu_percent * 100.0).round() / 100.0,
        }
    }
}

/// `VmRSS` of `/proc/self/status`, in KiB.
fn resident_kib(status: &str) -> Option<u64> {
    let line = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))?;
    line.trim().strip_suffix("kB")?.trim().parse().ok()
}

/// User and system CPU ticks of `/proc/self/stat`: its 14th and 15th fields, counted after
/// the command name, which ends at the last `)` and may hold spaces.
fn cpu_ticks(stat: &str) -> Option<u64> {
    let (_, after_name) = stat.rsplit_once(')')?;
    let mut fields = after_name.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(user + system)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uptimes_are_written_as_wukongim_writes_them() {
        let at = |seconds| wukongim_uptime(Duration::from_secs(seconds));
        assert_eq!(at(0), "0s");
        assert_eq!(at(65), "1m5s");
        assert_eq!(at(3 * 3600 + 7), "3h0m7s");
        assert_eq!(at(2 * 86_400 + 3600 + 61), "2d1h1m1s");
        assert_eq!(at(366 * 86_400 + 5), "1y1d0h0m5s");
    }

    #[test]
    fn proc_files_are_read_past_a_command_name_with_spaces() {
        let stat = "4242 (natter (x) y) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 50 0 0 20 0";
        assert_eq!(cpu_ticks(stat), Some(300));
        assert_eq!(cpu_ticks("garbage"), None);
        let status = "Name:\tnatter\nVmPeak:\t  9000 kB\nVmRSS:\t  5120 kB\nThreads:\t4\n";
        assert_eq!(resident_kib(status), Some(5120));
        assert_eq!(resident_kib("Name:\tnatter\n"), None);
    }
}
