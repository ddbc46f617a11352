//! The WuKongIM gateway as the HTTP API sees it. The gateway (`natter-gateway`) and the HTTP
//! API (`natter-api`) are both transports on top of this service, neither above the other; yet
//! the API answers `GET /route` with the gateway's addresses and adds the gateway's figures to
//! `GET /metrics` and WuKongIM's `GET /varz` and `GET /connz`. So the API knows the gateway
//! only by [`WuKongImGateway`], which the gateway implements and the server binary hands to the
//! API, and neither crate depends on the other.

/// The addresses `GET /route` hands out, as WuKongIM answers them: `host:port` for TCP,
/// `ws://host:port` and `wss://host:port`; empty when the gateway does not offer one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WuKongImRoutes {
    pub tcp_addr: String,
    pub ws_addr: String,
    pub wss_addr: String,
}

/// What the gateway has carried since the server started, for WuKongIM's `GET /varz`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WuKongImTraffic {
    /// Frames read from WuKongIM clients (CONNECT, SEND, RECVACK, PING, …).
    pub frames_in: u64,
    /// Frames written to them (CONNACK, SENDACK, RECV, PONG, …).
    pub frames_out: u64,
    /// RECVs a closed connection left unacknowledged, waiting to be sent again when their
    /// device comes back: what WuKongIM counts as its retry queue.
    pub awaiting_resend: usize,
}

/// One authenticated connection of WuKongIM's protocol on this node, and what it carried, for
/// WuKongIM's `GET /connz`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WuKongImConnection {
    /// The gateway's ID for it: later connections have larger IDs.
    pub id: u64,
    pub uid: String,
    /// 0 app, 1 web, 2 pc.
    pub device_flag: u8,
    /// 1 master, 0 slave.
    pub device_level: u8,
    /// CONNECT's device ID.
    pub device_id: String,
    /// The protocol version CONNECT settled.
    pub protocol_version: u8,
    /// The client's address (a proxy's, behind one).
    pub peer: std::net::SocketAddr,
    pub connected_at: std::time::SystemTime,
    /// When the client last sent a frame.
    pub last_activity: std::time::SystemTime,
    /// Frames read from the client, CONNECT included.
    pub frames_in: u64,
    /// Frames written to it.
    pub frames_out: u64,
    /// SENDs read, and their payloads' bytes (as they came, encrypted).
    pub messages_in: u64,
    pub message_bytes_in: u64,
    /// RECVs written, and their payloads' bytes (as they went, encrypted).
    pub messages_out: u64,
    pub message_bytes_out: u64,
}

/// What the HTTP API reads of the WuKongIM gateway.
pub trait WuKongImGateway: Send + Sync {
    /// The addresses `GET /route` and `POST /route/batch` answer.
    fn routes(&self) -> &WuKongImRoutes;
    /// What the gateway has carried (`GET /varz`).
    fn traffic(&self) -> WuKongImTraffic;
    /// This node's authenticated connections, oldest first (`GET /connz`).
    fn connections(&self) -> Vec<WuKongImConnection>;
    /// Appends the gateway's series to a Prometheus text exposition (`GET /metrics`).
    fn render_metrics(&self, text: &mut String);
}
