//! The WuKongIM gateway: WuKongIM's own client SDKs (web, iOS, Android, Flutter) connect to
//! Natter with WuKongIM's binary protocol, over TCP (WuKongIM's port 5100) or WebSocket (5200),
//! and send, receive and get kicked as they would from WuKongIM. The gateway is a transport
//! beside the JSON WebSocket (`GET /v1/ws`): both call the same service, and the event bus
//! treats their connections alike (per-user limits, master logins replacing each other).
//!
//! # Layout
//!
//! As rumqttd lays out an MQTT broker: [`connection`] is the connection loop, written once
//! against a small transport trait; [`tcp`] and [`ws`] are the two transports, each with its
//! accept loop. Everything about the wire (packets, versions, crypto) comes from
//! `natter-wukongim`; the loop only decides what each packet means to Natter. Beside them:
//! [`render`] turns the bus's events into RECVs and maps payloads and channels between the two
//! naming schemes, [`reasons`] says which WuKongIM reason code each outcome is, `devices` keeps
//! the RECVs a device has not acknowledged, `listing` lists the connections with what each
//! carried (`GET /connz`), and [`metrics`] counts.
//!
//! # A connection
//!
//! 1. **CONNECT** (within [`CONNECT_TIMEOUT`]): the device token is authenticated and must
//!    belong to CONNECT's UID and device flag; the protocol version is negotiated; the key
//!    exchange runs; the connection subscribes to the bus (a master login replaces the same
//!    device's older connections on either gateway); then CONNACK with the version's fields,
//!    then the RECVs the device left unacknowledged last time.
//! 2. **SEND**: msgKey checked and payload decrypted, then `Natter::send_message_as` exactly as
//!    `POST /v1/messages`, then SENDACK with the message ID, seq and reason code.
//! 3. **RECV**: every message the bus brings, sealed with this connection's key, except the
//!    ones this connection sent itself. Each waits for its **RECVACK**.
//! 4. **PING** → PONG; SUB → SUBACK (refused: Natter has no live or data channels);
//!    DISCONNECT from the client closes.
//! 5. The end: the bus ends the session (DISCONNECT 12, after which the SDKs stop
//!    reconnecting), the client leaves, it sends nothing for the idle timeout, it falls behind,
//!    the same client connects again, or the server shuts down (closed without DISCONNECT: the
//!    SDKs reconnect). What it had not got acknowledged waits for the device's next connection.
//!
//! Any malformed frame, failed decryption or msgKey, unknown or misplaced packet ends only its
//! own connection, with a DISCONNECT saying why. The reference for clients, with every reason
//! code used, is the "WuKongIM client protocol" part of `docs/api-reference.md`.

pub mod connection;
mod devices;
mod listing;
pub mod metrics;
pub mod reasons;
pub mod render;
pub mod tcp;
pub mod ws;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use natter_core::{Result, Uid};
use natter_service::{
    Natter, WuKongImConnection, WuKongImGateway, WuKongImRoutes, WuKongImTraffic,
};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

pub use metrics::GatewayMetrics;

/// How long a new connection may take to send CONNECT (for WebSocket, the upgrade too).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Each connection's read buffer to start with, in bytes, on either transport. It is resident
/// for as long as the connection lives, and an idle one receives only PINGs; a larger frame
/// grows it (up to the frame size limit), over TCP only until that frame has been read.
const READ_BUFFER: usize = 1024;

/// How long a write may wait on a client that does not read before its connection is closed.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the server waits, after a DISCONNECT, for the client to close the connection
/// itself (WuKongIM waits the same), so that the client reads the DISCONNECT before the close.
pub const DISCONNECT_LINGER: Duration = Duration::from_secs(2);

/// The node ID CONNACK carries from version 4 on. Natter's nodes are interchangeable (a device
/// may connect to any of them), so every node says the same.
pub const NODE_ID: u64 = 1;

/// Checks one request of a user against the per-user rate limit (the API's limiter): a SEND
/// is a request like `POST /v1/messages`, a CONNECT like a WebSocket upgrade.
pub type RateCheck = Arc<dyn Fn(&Uid) -> Result<()> + Send + Sync>;

/// The gateway's settings, from the server's configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// A connection that sends no packet for this long is closed (`--ws-idle-timeout-secs`;
    /// the SDKs ping every 60 s or less).
    pub idle_timeout: Duration,
    /// Connections one user may hold on both gateways together (`--max-connections-per-user`).
    pub max_connections_per_user: usize,
    /// The largest frame a client may send, as its remaining length.
    pub max_frame: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::from_secs(90),
            max_connections_per_user: 32,
            max_frame: natter_wukongim::DEFAULT_MAX_REMAINING,
        }
    }
}

/// The gateway: what every connection shares.
pub struct Gateway {
    pub(crate) natter: Arc<Natter>,
    pub(crate) settings: Settings,
    /// One permit per connection, shared with the JSON WebSocket (`--max-connections`).
    pub(crate) connections: Arc<Semaphore>,
    pub(crate) rate_check: Option<RateCheck>,
    pub(crate) devices: devices::Devices,
    pub(crate) listing: listing::Listing,
    pub metrics: GatewayMetrics,
    routes: WuKongImRoutes,
    pub(crate) shutdown: CancellationToken,
    tasks: TaskTracker,
    next_connection_id: AtomicU64,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("settings", &self.settings)
            .field("routes", &self.routes)
            .finish_non_exhaustive()
    }
}

impl Gateway {
    pub fn new(natter: Arc<Natter>, settings: Settings, connections: Arc<Semaphore>) -> Self {
        Self {
            natter,
            settings,
            connections,
            rate_check: None,
            devices: devices::Devices::default(),
            listing: listing::Listing::default(),
            metrics: GatewayMetrics::default(),
            routes: WuKongImRoutes::default(),
            shutdown: CancellationToken::new(),
            tasks: TaskTracker::new(),
            next_connection_id: AtomicU64::new(1),
        }
    }

    /// Counts each CONNECT and SEND against the per-user rate limit.
    pub fn with_rate_check(mut self, check: RateCheck) -> Self {
        self.rate_check = Some(check);
        self
    }

    /// The addresses `GET /route` answers.
    pub fn with_routes(mut self, routes: WuKongImRoutes) -> Self {
        self.routes = routes;
        self
    }

    /// Serves WuKongIM's protocol over TCP on `listener` until [`Gateway::shutdown`].
    pub fn serve_tcp(self: &Arc<Self>, listener: TcpListener) {
        self.tasks.spawn(tcp::accept(self.clone(), listener));
    }

    /// Serves WuKongIM's protocol over WebSocket (binary messages, any path) on `listener`
    /// until [`Gateway::shutdown`].
    pub fn serve_ws(self: &Arc<Self>, listener: TcpListener) {
        self.tasks.spawn(ws::accept(self.clone(), listener));
    }

    /// Stops accepting, closes every connection (without DISCONNECT, so the SDKs reconnect to
    /// a node that runs) and waits until each has finished what it was doing: a SEND being
    /// stored completes first.
    pub async fn shutdown(&self) {
        self.shutdown.cancel();
        self.tasks.close();
        self.tasks.wait().await;
    }

    /// A new connection's ID, larger than every earlier one's.
    pub(crate) fn next_connection_id(&self) -> u64 {
        self.next_connection_id.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn spawn<F>(&self, connection: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.tasks.spawn(connection);
    }
}

/// Milliseconds since the Unix epoch, as WuKongIM's frames carry time.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis() as i64)
        .unwrap_or_default()
}

impl WuKongImGateway for Gateway {
    fn routes(&self) -> &WuKongImRoutes {
        &self.routes
    }

    fn traffic(&self) -> WuKongImTraffic {
        let (frames_in, frames_out) = self.metrics.frames();
        WuKongImTraffic {
            frames_in,
            frames_out,
            awaiting_resend: self.devices.parked_total(),
        }
    }

    fn connections(&self) -> Vec<WuKongImConnection> {
        self.listing.snapshot()
    }

    fn render_metrics(&self, text: &mut String) {
        self.metrics
            .render_into(text, self.devices.parked_total(), self.devices.dropped());
    }
}
