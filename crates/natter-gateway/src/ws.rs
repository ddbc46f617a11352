//! WuKongIM's protocol over WebSocket, as the web SDK (`wukongimjssdk`) speaks it: binary
//! messages on any path. A client may split a frame over messages or put several in one, so
//! what arrives is framed by the codec as a byte stream; what goes out is one frame per
//! message, because the JS SDK reads exactly one frame from each message.

use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use futures_util::{SinkExt, StreamExt};
use natter_wukongim::{Packet, ProtocolVersion, WukongCodec};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::error::{CapacityError, Error as WsError};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::connection::{self, ReadError, Transport};
use crate::metrics::Transport as Kind;
use crate::{CONNECT_TIMEOUT, Gateway};

/// Accepts connections until the gateway shuts down, each upgraded and served on its own task.
pub(crate) async fn accept(gateway: Arc<Gateway>, listener: TcpListener) {
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "cannot accept a WuKongIM WebSocket connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = gateway.shutdown.cancelled() => return,
        };
        // At `--max-connections`, closed at once: the SDK retries after its delay.
        let Ok(permit) = gateway.connections.clone().try_acquire_owned() else {
            tracing::debug!("refused a WuKongIM WebSocket connection: the server is full");
            continue;
        };
        let _ = stream.set_nodelay(true);
        let served = gateway.clone();
        gateway.spawn(async move {
            let max = served.settings.max_frame;
            // Boxed: the upgrade's future is larger than an idle connection's.
            let Some(transport) = Box::pin(upgrade(stream, max)).await else {
                return;
            };
            connection::serve(served, transport, peer, permit).await;
        });
    }
}

/// The WebSocket handshake, within [`CONNECT_TIMEOUT`].
async fn upgrade(stream: TcpStream, max_frame: usize) -> Option<WsTransport> {
    // A frame's header takes at most 5 bytes beyond its remaining length; a client may put a
    // frame in one message. A small read buffer: the default is resident per connection.
    let config = WebSocketConfig::default()
        .read_buffer_size(crate::READ_BUFFER)
        .max_message_size(Some(max_frame + 5))
        .max_frame_size(Some(max_frame + 5));
    let accepted = tokio::time::timeout(
        CONNECT_TIMEOUT,
        tokio_tungstenite::accept_async_with_config(stream, Some(config)),
    )
    .await;
    match accepted {
        Ok(Ok(ws)) => Some(WsTransport {
            ws,
            codec: WukongCodec::with_max_remaining(max_frame),
            received: BytesMut::new(),
        }),
        Ok(Err(error)) => {
            tracing::debug!(%error, "a WuKongIM WebSocket upgrade failed");
            None
        }
        Err(_) => None,
    }
}

/// A WebSocket whose binary messages carry the frames.
pub struct WsTransport {
    ws: WebSocketStream<TcpStream>,
    codec: WukongCodec,
    /// Bytes received and not framed yet: at most one frame, plus one message; unallocated
    /// when empty.
    received: BytesMut,
}

impl Transport for WsTransport {
    async fn read(&mut self) -> Result<Option<Packet>, ReadError> {
        loop {
            if let Some(packet) = self
                .codec
                .decode_frame(&mut self.received)
                .map_err(ReadError::Frame)?
            {
                if self.received.is_empty() {
                    // Let go of it: an idle connection holds no buffer here, and one grown by
                    // a large frame is not kept.
                    self.received = BytesMut::new();
                }
                return Ok(Some(packet));
            }
            // Cancel-safe: a message is either still in the stream, or already in `received`.
            match self.ws.next().await {
                Some(Ok(Message::Binary(data))) => self.received.extend_from_slice(&data),
                Some(Ok(Message::Text(_))) => return Err(ReadError::NotWukongim("a text message")),
                // Refused before its payload was read; the connection can still say why.
                Some(Err(WsError::Capacity(CapacityError::MessageTooLong { size, max_size }))) => {
                    return Err(ReadError::MessageTooLarge {
                        size,
                        max: max_size,
                    });
                }
                Some(Ok(Message::Close(_))) | None => return Ok(None),
                // Pings are answered by the WebSocket library itself.
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
                Some(Err(error)) => return Err(ReadError::Broken(std::io::Error::other(error))),
            }
        }
    }

    async fn write(&mut self, packet: &Packet) -> std::io::Result<()> {
        let frame = self
            .codec
            .encode_frame(packet)
            .map_err(std::io::Error::other)?;
        self.ws
            .send(Message::Binary(frame.freeze()))
            .await
            .map_err(std::io::Error::other)
    }

    async fn discard(&mut self) {
        self.received = BytesMut::new();
        // Until the client's Close, which the library answers when the connection is closed.
        while let Some(Ok(message)) = self.ws.next().await {
            if message.is_close() {
                return;
            }
        }
    }

    fn set_version(&mut self, version: ProtocolVersion) {
        self.codec.set_version(version);
    }

    async fn close(&mut self) {
        // The sink's close, not `WebSocketStream::close`: after the client's own Close that one
        // fails before writing anything, and the reply the library queued is never sent, so
        // the client sees the connection reset instead of the closing handshake. This one
        // sends that reply, or else a Close of the server's own.
        let _ = SinkExt::close(&mut self.ws).await;
    }

    fn kind(&self) -> Kind {
        Kind::Ws
    }
}
