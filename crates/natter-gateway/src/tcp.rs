//! WuKongIM's protocol over TCP: the frames back to back on the stream, as the iOS, Android and
//! Flutter SDKs send them.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use natter_wukongim::{Packet, ProtocolVersion, WukongCodec};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::codec::Framed;

use crate::Gateway;
use crate::connection::{self, ReadError, Transport};
use crate::metrics::Transport as Kind;

/// Accepts connections until the gateway shuts down, each served on its own task.
pub(crate) async fn accept(gateway: Arc<Gateway>, listener: TcpListener) {
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of file descriptors, most likely: wait for some to be freed.
                    tracing::warn!(%error, "cannot accept a WuKongIM TCP connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = gateway.shutdown.cancelled() => return,
        };
        // At `--max-connections`, closed at once: the SDK retries after its delay.
        let Ok(permit) = gateway.connections.clone().try_acquire_owned() else {
            tracing::debug!("refused a WuKongIM TCP connection: the server is full");
            continue;
        };
        let _ = stream.set_nodelay(true);
        let transport = TcpTransport {
            // A small read buffer (`Framed::new` gives it 8 KiB, held for the connection's
            // whole life); the write buffer stays at 8 KiB: `Framed` grows a smaller one back.
            framed: Framed::with_capacity(
                stream,
                WukongCodec::with_max_remaining(gateway.settings.max_frame),
                crate::READ_BUFFER,
            ),
        };
        gateway.spawn(connection::serve(gateway.clone(), transport, permit));
    }
}

/// A TCP stream framed by the codec.
pub struct TcpTransport {
    framed: Framed<TcpStream, WukongCodec>,
}

impl Transport for TcpTransport {
    async fn read(&mut self) -> Result<Option<Packet>, ReadError> {
        Ok(self.framed.next().await.transpose()?)
    }

    async fn write(&mut self, packet: &Packet) -> std::io::Result<()> {
        self.framed
            .send(packet)
            .await
            .map_err(std::io::Error::other)
    }

    fn set_version(&mut self, version: ProtocolVersion) {
        self.framed.codec_mut().set_version(version);
    }

    async fn close(&mut self) {
        // Flushes, then shuts the write half down: the client reads everything, then EOF.
        let _ = SinkExt::<&Packet>::close(&mut self.framed).await;
    }

    fn kind(&self) -> Kind {
        Kind::Tcp
    }
}
