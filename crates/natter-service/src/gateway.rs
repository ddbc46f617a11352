//! The WuKongIM gateway as the HTTP API sees it. The gateway (`natter-gateway`) and the HTTP
//! API (`natter-api`) are both transports on top of this service, neither above the other; yet
//! the API answers `GET /route` with the gateway's addresses and adds the gateway's figures to
//! `GET /metrics` and WuKongIM's `GET /varz`. So the API knows the gateway only by
//! [`WuKongImGateway`], which the gateway implements and the server binary hands to the API, and
//! neither crate depends on the other.

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

/// What the HTTP API reads of the WuKongIM gateway.
pub trait WuKongImGateway: Send + Sync {
    /// The addresses `GET /route` and `POST /route/batch` answer.
    fn routes(&self) -> &WuKongImRoutes;
    /// What the gateway has carried (`GET /varz`).
    fn traffic(&self) -> WuKongImTraffic;
    /// Appends the gateway's series to a Prometheus text exposition (`GET /metrics`).
    fn render_metrics(&self, text: &mut String);
}
