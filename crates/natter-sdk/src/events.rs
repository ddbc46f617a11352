//! The live event stream: a WebSocket that reconnects with backoff and, after every
//! reconnect, catches up on what changed while it was away (`/v1/conversations/sync`).

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use natter_core::wire::{ClientEvent, ServerEvent, SyncResponse};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async_with_config};

use crate::{Chat, Error, Result};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Keep-alive well inside the server's idle timeout.
const PING_EVERY: Duration = Duration::from_secs(25);
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(10);
/// Events not yet taken by the application; beyond this the stream stops reading the socket,
/// and the server will tell it to resync.
const BUFFER: usize = 1024;
/// The socket's read buffer, in bytes: an event or a few fit in one read, and a larger frame
/// grows it as it arrives. tungstenite zero-fills the free part of the buffer before every
/// read: at its default of 128 KiB, in `natter-bench`, whose clients read the same events,
/// that was 61 % of the load generator's instructions in a `send` run.
const READ_BUFFER: usize = 8 * 1024;

#[derive(Debug, Clone)]
pub enum Event {
    /// An event as the server sent it (`ResyncRequired` included: the stream reconnects and
    /// catches up by itself).
    Server(ServerEvent),
    /// After a reconnect: what changed while the device was away.
    CaughtUp(SyncResponse),
    /// The server ended this device's session (a newer login of the device, a new token, or
    /// the app signed it out). The stream does not reconnect; this is its last event.
    Ended { code: u16, reason: String },
}

/// Close codes after which reconnecting would only fight the server (see the API reference).
const ENDED_BY_SERVER: [u16; 3] = [4001, 4003, 4004];

/// Live events of one device. Dropping it closes the connection.
#[derive(Debug)]
pub struct EventStream {
    events: mpsc::Receiver<Event>,
    task: JoinHandle<()>,
    chat: Chat,
}

impl Drop for EventStream {
    fn drop(&mut self) {
        self.task.abort();
        self.chat.set_connection(None);
    }
}

impl EventStream {
    pub(crate) async fn connect(chat: Chat, since: u64) -> Result<Self> {
        let socket = open(&chat).await?;
        let (sender, events) = mpsc::channel(BUFFER);
        let task = tokio::spawn(run(chat.clone(), socket, since, sender));
        Ok(Self { events, task, chat })
    }

    /// The next event; `None` only after the stream was closed for good.
    pub async fn next(&mut self) -> Option<Event> {
        self.events.recv().await
    }
}

/// Connects and waits for the answer to the first ping: from then on every event arrives.
/// The pong's `connectionID` is what the client's HTTP calls name themselves by.
async fn open(chat: &Chat) -> Result<Socket> {
    let config = WebSocketConfig::default().read_buffer_size(READ_BUFFER);
    let (mut socket, _) = connect_async_with_config(chat.websocket_url(), Some(config), false)
        .await
        .map_err(|error| Error::WebSocket(Box::new(error)))?;
    send_ping(&mut socket).await?;
    while let Some(message) = socket.next().await {
        let message = message.map_err(|error| Error::WebSocket(Box::new(error)))?;
        if let Message::Text(text) = message
            && let Ok(ServerEvent::Pong { connection_id }) = serde_json::from_str(text.as_str())
        {
            chat.set_connection(connection_id);
            return Ok(socket);
        }
    }
    Err(Error::Protocol(
        "the connection closed before the first pong".into(),
    ))
}

async fn send_ping(socket: &mut Socket) -> Result<()> {
    let ping = serde_json::to_string(&ClientEvent::Ping).expect("events serialise");
    socket
        .send(Message::Text(ping.into()))
        .await
        .map_err(|error| Error::WebSocket(Box::new(error)))
}

/// The profile version starts at 0: the first catch-up also reports every conversation whose
/// peer or group has a profile, and later ones only what changed.
async fn run(chat: Chat, mut socket: Socket, mut version: u64, events: mpsc::Sender<Event>) {
    let mut profile_version = 0;
    loop {
        let ended = pump(&mut socket, &mut version, &events).await;
        chat.set_connection(None);
        if let Some(ended) = ended {
            let _ = events.send(ended).await;
            return;
        }
        if events.is_closed() {
            return;
        }
        socket = reconnect(&chat).await;
        match chat.sync(version, profile_version).await {
            Ok(changes) => {
                version = changes.version;
                profile_version = changes.profile_version;
                if events.send(Event::CaughtUp(changes)).await.is_err() {
                    return;
                }
            }
            Err(error) => {
                tracing::warn!(%error, "catch-up sync failed; will retry on next reconnect")
            }
        }
    }
}

/// Forwards events until the connection ends, lowering `version` to the server's resync point
/// when it asks. Pushes do not raise it: in a cluster they come from several nodes and a newer
/// version may arrive before an older change still on its way, which a sync from the newer one
/// would skip; the version of the last sync has everything below it. Returns [`Event::Ended`]
/// when the server ended the session for good.
async fn pump(
    socket: &mut Socket,
    version: &mut u64,
    events: &mpsc::Sender<Event>,
) -> Option<Event> {
    let mut keep_alive = tokio::time::interval(PING_EVERY);
    keep_alive.tick().await;
    loop {
        tokio::select! {
            message = socket.next() => {
                let text = match message {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Close(Some(frame))))
                        if ENDED_BY_SERVER.contains(&u16::from(frame.code)) =>
                    {
                        return Some(Event::Ended {
                            code: frame.code.into(),
                            reason: frame.reason.to_string(),
                        });
                    }
                    Some(Ok(Message::Close(_)) | Err(_)) | None => return None,
                    Some(Ok(_)) => continue,
                };
                let Ok(event) = serde_json::from_str::<ServerEvent>(text.as_str()) else {
                    tracing::warn!(frame = %text, "ignoring a frame this SDK does not know");
                    continue;
                };
                if let ServerEvent::ResyncRequired { version: from } = &event {
                    *version = (*version).min(*from);
                }
                if events.send(Event::Server(event)).await.is_err() {
                    return None;
                }
            }
            _ = keep_alive.tick() => {
                if send_ping(socket).await.is_err() {
                    return None;
                }
            }
            () = events.closed() => return None,
        }
    }
}

/// Reconnects with exponential backoff and jitter until it succeeds.
async fn reconnect(chat: &Chat) -> Socket {
    let mut backoff = FIRST_BACKOFF;
    loop {
        tokio::time::sleep(backoff + jitter(backoff)).await;
        match open(chat).await {
            Ok(socket) => return socket,
            Err(error) => tracing::debug!(%error, "reconnect failed"),
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// Up to half the backoff, so devices that lost one server do not all return at once.
fn jitter(backoff: Duration) -> Duration {
    let half = backoff.as_millis() as u64 / 2;
    Duration::from_millis(fastrand::u64(..half.max(1)))
}
