//! The WebSocket gateway (`GET /v1/ws`): one task per connection, holding a bounded queue of
//! frames from the event bus.

use axum::extract::State;
use axum::extract::ws::{
    CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade,
    rejection::WebSocketUpgradeRejection,
};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use futures_util::SinkExt;
use natter_core::Device;
use natter_core::Error;
use natter_core::wire::{self, ClientEvent, ErrorBody, ServerEvent};
use natter_service::{EndReason, Frame, Signals, Subscription, VersionLog};
use serde::Deserialize;
use std::sync::Arc;
use tokio::sync::OwnedSemaphorePermit;
use tokio_tungstenite::tungstenite::{self, error::CapacityError};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{QueryParams, bearer_token};

/// Close codes in the range reserved for applications. A client must not reconnect after
/// 4001, 4003 or 4004; after 4002 it syncs and reconnects.
const CLOSE_REPLACED: u16 = 4001;
const CLOSE_RESYNC: u16 = 4002;
const CLOSE_TOKEN_REVOKED: u16 = 4003;
const CLOSE_KICKED: u16 = 4004;
const CLOSE_GOING_AWAY: u16 = 1001;
/// RFC 6455's codes for a client frame the server cannot take: one that breaks the protocol
/// (1002), a binary frame (1003), a text frame that is not UTF-8 or not an event (1007), one
/// over [`MAX_CLIENT_FRAME`] (1009).
const CLOSE_PROTOCOL_ERROR: u16 = 1002;
const CLOSE_UNSUPPORTED_DATA: u16 = 1003;
const CLOSE_INVALID_DATA: u16 = 1007;
const CLOSE_TOO_BIG: u16 = 1009;
/// A close frame's reason is at most 123 bytes (its payload at most 125, the code included).
const MAX_CLOSE_REASON: usize = 123;

/// The close code and reason that tell a client why the server ended its connection.
fn close_for(reason: EndReason) -> (u16, &'static str) {
    match reason {
        EndReason::Replaced => (
            CLOSE_REPLACED,
            "replaced by a newer login of this device type",
        ),
        EndReason::TokenRevoked | EndReason::TokenRefreshed => (
            CLOSE_TOKEN_REVOKED,
            "the token was replaced or revoked by the app",
        ),
        EndReason::Kicked => (CLOSE_KICKED, "signed out by the app"),
        // Not one of the codes after which a client stays away: it connects again.
        EndReason::Removed => (CLOSE_GOING_AWAY, "closed by the app; connect again"),
    }
}

/// Largest frame a client may send; clients only send small control frames.
const MAX_CLIENT_FRAME: usize = 64 * 1024;
/// The connection's read buffer, in bytes.
const READ_BUFFER: usize = 1024;
/// Queued frames written with one flush at most.
const FRAMES_PER_FLUSH: usize = 64;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(upgrade))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct WsQuery {
    /// The user token, for clients that cannot set headers; a header token wins over it.
    token: Option<String>,
}

/// WebSocket gateway
///
/// Upgrades to a WebSocket carrying JSON text frames `{"event": name, "data": {…}}` (schema
/// `ServerEvent`). Send `{"event":"ping"}` (schema `ClientEvent`): the server answers a `pong`
/// with this connection's `connectionID` and, from that first pong on, sends every later event of
/// the user (a client syncs after the first pong for what happened before). A connection with no frame from the client for `--ws-idle-timeout-secs` is closed
/// with 1001, as on shutdown. Close codes: 4001 replaced by a newer login of this device, 4002
/// fell behind (resync, then reconnect), 4003 the token was replaced or revoked, 4004 signed out
/// by the app; after 4001, 4003 and 4004 a client must not reconnect with the same token. A
/// frame the server cannot take closes the connection, its reason saying why: 1002 a frame that
/// breaks the WebSocket protocol, 1003 a binary frame, 1007 text that is not UTF-8 or not an
/// event, 1009 a frame over 64 KiB (an event the server does not know is ignored).
#[utoipa::path(get, path = "/v1/ws", tag = "client", operation_id = "openWebSocket",
    params(WsQuery),
    responses(
        (status = 101, description = "Switching Protocols: the WebSocket is open."),
        (status = 401, description = "`unauthenticated`: no token, a token the server does not know, or the manager token.", body = ErrorBody),
        (status = 429, description = "`rate_limited`: the user holds `--max-connections-per-user` connections already.", body = ErrorBody),
        (status = 503, description = "`unavailable`: the server holds `--max-connections` connections already.", body = ErrorBody),
    ))]
async fn upgrade(
    State(state): State<AppState>,
    headers: HeaderMap,
    QueryParams(query): QueryParams<WsQuery>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> ApiResult<Response> {
    let token = bearer_token(&headers).or(query.token).ok_or_else(|| {
        Error::unauthenticated("missing token: send Authorization: Bearer <user token> or ?token=")
    })?;
    // Without a valid user token the upgrade is refused with 401, the manager's too
    // (docs/api-reference.md, "WebSocket").
    let device = state
        .natter
        .authenticate_device(&token)
        .await
        .map_err(|error| match error.kind {
            natter_core::ErrorKind::PermissionDenied => {
                Error::unauthenticated("the WebSocket takes a user token, not the manager token")
            }
            _ => error,
        })?;
    state.limiter.check(&device.uid)?;
    let upgrade = upgrade.map_err(|rejection| {
        Error::invalid_argument(format!(
            "expected a WebSocket upgrade: {}",
            rejection.body_text()
        ))
    })?;
    if state.natter.events.connections_of(&device.uid) >= state.max_connections_per_user {
        return Err(Error {
            retry_after_secs: Some(5),
            ..Error::new(
                natter_core::ErrorKind::RateLimited,
                format!(
                    "{} already holds {} connections, the most allowed; close one first",
                    device.uid, state.max_connections_per_user
                ),
            )
        }
        .into());
    }
    let permit = state.connections.clone().try_acquire_owned().map_err(|_| {
        Error::unavailable(
            "the server holds its maximum number of connections",
            "connection limit",
        )
    })?;
    Ok(upgrade
        .max_message_size(MAX_CLIENT_FRAME)
        // A small read buffer: tungstenite zero-fills it, so it is resident per connection
        // (the 128 KiB default made an idle connection cost 134 KiB). Clients send only small
        // control frames; a larger one takes a few reads.
        .read_buffer_size(READ_BUFFER)
        .on_upgrade(move |socket| serve_connection(socket, state, token, device, permit))
        .into_response())
}

/// How a connection ended, and what to tell the client.
enum Ending {
    ClientLeft,
    Close(u16, Utf8Bytes),
}

impl Ending {
    fn close(code: u16, reason: &'static str) -> Self {
        Self::Close(code, Utf8Bytes::from_static(reason))
    }

    /// Closes with `reason` cut to what a close frame holds.
    fn close_saying(code: u16, mut reason: String) -> Self {
        if reason.len() > MAX_CLOSE_REASON {
            let mut end = MAX_CLOSE_REASON;
            while !reason.is_char_boundary(end) {
                end -= 1;
            }
            reason.truncate(end);
        }
        Self::Close(code, reason.into())
    }

    /// A frame that could not be read. tungstenite drops the connection on a frame over the
    /// limit, a text frame that is not UTF-8 or one that breaks the protocol (unmasked, a
    /// reserved bit or opcode, a bad close code) without telling the client; these say why, as
    /// RFC 6455 asks before failing a connection.
    fn unreadable(error: axum::Error) -> Self {
        match error
            .into_inner()
            .downcast::<tungstenite::Error>()
            .map(|error| *error)
        {
            Ok(tungstenite::Error::Capacity(CapacityError::MessageTooLong { size, .. })) => {
                Self::close_saying(
                    CLOSE_TOO_BIG,
                    format!(
                        "a frame of {size} bytes; client frames are limited to {MAX_CLIENT_FRAME}"
                    ),
                )
            }
            Ok(tungstenite::Error::Utf8(_)) => {
                Self::close(CLOSE_INVALID_DATA, "a text frame that is not UTF-8")
            }
            Ok(tungstenite::Error::Protocol(error)) => {
                Self::close_saying(CLOSE_PROTOCOL_ERROR, format!("protocol error: {error}"))
            }
            _ => Self::ClientLeft,
        }
    }
}

async fn serve_connection(
    mut socket: WebSocket,
    state: AppState,
    token: String,
    device: Device,
    _permit: OwnedSemaphorePermit,
) {
    state.http_metrics.websocket_opened();
    let mut connection = Connection {
        subscription: None,
        last_version: 0,
        sent: VersionLog::new(std::time::Instant::now()),
    };
    let idle = tokio::time::sleep(state.ws_idle_timeout);
    tokio::pin!(idle);
    let ending = loop {
        let signals = connection.signals();
        tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    idle.as_mut().reset(tokio::time::Instant::now() + state.ws_idle_timeout);
                    match ClientEvent::decode(text.as_str()) {
                        Ok(Some(ClientEvent::Ping)) => {
                            let first = connection.subscription.is_none();
                            let id = connection.subscribe(&state, &device);
                            if first {
                                connection.routed().await;
                                if let Some(ending) = token_withdrawn(&state, &token, &device).await {
                                    break ending;
                                }
                                connection.drop_queued_before_pong();
                            }
                            if send(&mut socket, &pong(id)).await.is_err() {
                                break Ending::ClientLeft;
                            }
                        }
                        // A newer client's event: ignored, as the reference says.
                        Ok(None) => tracing::debug!(uid = %device.uid, "ignored an unknown client event"),
                        Err(error) => break Ending::close_saying(CLOSE_INVALID_DATA, error.message),
                    }
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {
                    idle.as_mut().reset(tokio::time::Instant::now() + state.ws_idle_timeout);
                }
                Some(Ok(Message::Binary(_))) => {
                    break Ending::close(CLOSE_UNSUPPORTED_DATA, "binary frames are not accepted; send JSON text frames");
                }
                Some(Err(error)) => break Ending::unreadable(error),
                Some(Ok(Message::Close(_))) | None => break Ending::ClientLeft,
            },
            Some(frame) = connection.next_frame() => {
                if connection.write_queued(&mut socket, frame).await.is_err() {
                    break Ending::ClientLeft;
                }
            }
            () = signalled(signals) => {
                if let Some(reason) = connection.ended() {
                    let (code, why) = close_for(reason);
                    break Ending::close(code, why);
                }
                let resync = ServerEvent::ResyncRequired { version: connection.resync_version() };
                let text = wire::encode_text(&resync).expect("events serialise");
                let _ = send(&mut socket, &text).await;
                break Ending::close(CLOSE_RESYNC, "missed events: sync since the version given");
            }
            () = &mut idle => break Ending::close(CLOSE_GOING_AWAY, "idle timeout: send a ping at least every 30 s"),
            () = state.shutdown.cancelled() => break Ending::close(CLOSE_GOING_AWAY, "the server is shutting down"),
        }
    };
    if let Ending::Close(code, reason) = ending {
        let close = CloseFrame { code, reason };
        let _ = socket.send(Message::Close(Some(close))).await;
    }
    state.http_metrics.websocket_closed();
}

/// Checks the token again at the first ping, once the connection is subscribed. A new token or
/// a sign-out ends only subscribed connections, so one that came between the upgrade and this
/// ping would otherwise go unnoticed and the connection would get the user's events for good.
/// Subscribing first closes the race: a withdrawal that commits after this read ends the
/// subscription instead.
async fn token_withdrawn(state: &AppState, token: &str, device: &Device) -> Option<Ending> {
    match state.natter.authenticate_device(token).await {
        Ok(now) if now.uid == device.uid && now.device_flag == device.device_flag => None,
        Ok(_)
        | Err(Error {
            kind: natter_core::ErrorKind::Unauthenticated,
            ..
        }) => {
            let (code, why) = close_for(EndReason::TokenRevoked);
            Some(Ending::close(code, why))
        }
        Err(_) => Some(Ending::close(
            CLOSE_GOING_AWAY,
            "the token cannot be checked now: reconnect",
        )),
    }
}

/// Resolves once the bus says this connection must end (ended by the server, or fallen
/// behind).
async fn signalled(signals: Option<Arc<Signals>>) {
    let Some(signals) = signals else {
        return std::future::pending().await;
    };
    loop {
        let woken = signals.wake.notified();
        if signals.fell_behind() || signals.ended().is_some() {
            return;
        }
        woken.await;
    }
}

fn pong(connection_id: u64) -> String {
    let pong = ServerEvent::Pong {
        connection_id: Some(connection_id.to_string()),
    };
    wire::encode_text(&pong).expect("events serialise")
}

async fn send(socket: &mut WebSocket, text: &str) -> Result<(), axum::Error> {
    socket.send(Message::Text(text.into())).await
}

/// One connection's view of the bus.
struct Connection {
    /// Set by the first ping: from then on every event of the user arrives.
    subscription: Option<Subscription>,
    /// The highest conversation version sent to this client.
    last_version: u64,
    /// When which versions were sent, for a resync after the node lost its cluster link.
    sent: VersionLog,
}

impl Connection {
    /// Subscribes on the first ping; returns the connection's ID.
    fn subscribe(&mut self, state: &AppState, device: &Device) -> u64 {
        let subscription = self.subscription.get_or_insert_with(|| {
            let master = device.device_level == 1;
            state
                .natter
                .events
                .subscribe(&device.uid, device.device_flag, master)
        });
        subscription.id
    }

    /// Waits until every node routes the user's events here: the pong that follows tells the
    /// client that everything changed from now on reaches it, and it syncs after that.
    async fn routed(&mut self) {
        if let Some(subscription) = &mut self.subscription {
            subscription.routed().await;
        }
    }

    /// Drops the frames queued before the first pong. The client syncs once the pong arrives,
    /// so what they carry is in that sync; sent after it, they would arrive stale (in a
    /// cluster the pong can wait seconds for the other nodes, and a message older than a clear
    /// the sync already showed would come back).
    fn drop_queued_before_pong(&mut self) {
        if let Some(subscription) = &mut self.subscription {
            while subscription.frames.try_recv().is_ok() {}
        }
    }

    /// Writes `first` and the frames queued behind it (a message usually comes with its
    /// conversation and the new total), up to [`FRAMES_PER_FLUSH`], with one flush: one write
    /// to the socket rather than one per frame. They count as sent once flushed.
    async fn write_queued(
        &mut self,
        socket: &mut WebSocket,
        first: Frame,
    ) -> Result<(), axum::Error> {
        let mut versions = Vec::new();
        let mut next = Some(first);
        while let Some(frame) = next.take() {
            socket
                .feed(Message::Text(frame.json().as_ref().into()))
                .await?;
            versions.push(frame.version);
            if versions.len() < FRAMES_PER_FLUSH {
                next = self
                    .subscription
                    .as_mut()
                    .and_then(|subscription| subscription.frames.try_recv().ok());
            }
        }
        socket.flush().await?;
        for version in versions {
            self.sent(version);
        }
        Ok(())
    }

    async fn next_frame(&mut self) -> Option<Frame> {
        match &mut self.subscription {
            Some(subscription) => subscription.frames.recv().await,
            None => std::future::pending().await,
        }
    }

    fn signals(&self) -> Option<Arc<Signals>> {
        self.subscription
            .as_ref()
            .map(|subscription| subscription.signals.clone())
    }

    fn ended(&self) -> Option<EndReason> {
        self.subscription
            .as_ref()
            .and_then(|subscription| subscription.signals.ended())
    }

    /// The client received a frame of `version`.
    fn sent(&mut self, version: Option<u64>) {
        if let Some(version) = version {
            self.last_version = self.last_version.max(version);
            self.sent.sent(version, std::time::Instant::now());
        }
    }

    /// The version from which the client must sync: below everything it did not receive
    /// (dropped, still queued, or lost between nodes), else the last version it got. When the
    /// node lost its cluster link, whatever came after the break may be missing, whatever its
    /// version: then the version it had been sent by then.
    fn resync_version(&mut self) -> u64 {
        let Some(subscription) = &mut self.subscription else {
            return self.last_version;
        };
        let mut lowest_missed = subscription.signals.missed_from();
        while let Ok(frame) = subscription.frames.try_recv() {
            if let Some(version) = frame.version {
                lowest_missed = Some(lowest_missed.map_or(version, |lowest| lowest.min(version)));
            }
        }
        let version = match lowest_missed {
            Some(version) => version.saturating_sub(1),
            None => self.last_version,
        };
        match subscription.signals.lost_since() {
            Some(since) => version.min(self.sent.as_of(since)),
            None => version,
        }
    }
}
