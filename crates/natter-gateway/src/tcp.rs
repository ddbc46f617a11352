//! WuKongIM's protocol over TCP: the frames back to back on the stream, as the iOS, Android and
//! Flutter SDKs send them.

use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use futures_util::StreamExt;
use natter_wukongim::{Packet, ProtocolVersion, WukongCodec};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::codec::FramedRead;

use crate::Gateway;
use crate::connection::{self, ReadError, Transport};
use crate::metrics::Transport as Kind;

/// Accepts connections until the gateway shuts down, each served on its own task.
pub(crate) async fn accept(gateway: Arc<Gateway>, listener: TcpListener) {
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
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
        let codec = WukongCodec::with_max_remaining(gateway.settings.max_frame);
        let transport = TcpTransport {
            // A small read buffer: `FramedRead::new` gives it 8 KiB, held for the
            // connection's whole life.
            framed: FramedRead::with_capacity(stream, codec, crate::READ_BUFFER),
        };
        gateway.spawn(connection::serve(gateway.clone(), transport, peer, permit));
    }
}

/// A TCP stream framed by the codec: read through `FramedRead`, written by hand.
///
/// Not `Framed`: its write buffer lives as long as the connection, grown for good by the
/// largest frame it ever wrote, while an idle connection writes only a PONG now and then (and
/// `FramedParts` cannot shrink it: `Framed::from_parts` reserves 8 KiB). Each frame is encoded
/// into a buffer of its own, written out and let go, so an idle connection holds none.
pub struct TcpTransport {
    framed: FramedRead<TcpStream, WukongCodec>,
}

impl Transport for TcpTransport {
    async fn read(&mut self) -> Result<Option<Packet>, ReadError> {
        let packet = self.framed.next().await.transpose()?;
        // A frame larger than the read buffer grew it, for the connection's life: once no
        // byte is left in it, it is swapped back for a small one.
        let buffer = self.framed.read_buffer_mut();
        if buffer.is_empty() && buffer.try_reclaim(crate::READ_BUFFER + 1) {
            *buffer = BytesMut::with_capacity(crate::READ_BUFFER);
        }
        Ok(packet)
    }

    async fn write(&mut self, packet: &Packet) -> std::io::Result<()> {
        let frame = self
            .framed
            .decoder()
            .encode_frame(packet)
            .map_err(std::io::Error::other)?;
        let stream = self.framed.get_mut();
        stream.write_all(&frame).await?;
        stream.flush().await
    }

    async fn discard(&mut self) {
        *self.framed.read_buffer_mut() = BytesMut::new();
        let mut scratch = [0; 1024];
        let stream = self.framed.get_mut();
        // Until the client's EOF (a read of 0) or an error.
        while let Ok(1..) = stream.read(&mut scratch).await {}
    }

    fn set_version(&mut self, version: ProtocolVersion) {
        self.framed.decoder_mut().set_version(version);
    }

    async fn close(&mut self) {
        // Every write was flushed: shuts the write half down, the client reads everything,
        // then EOF.
        let _ = self.framed.get_mut().shutdown().await;
    }

    fn kind(&self) -> Kind {
        Kind::Tcp
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use natter_wukongim::{ChannelType, Flags, RecvPacket, Setting, StreamFlag};

    fn recv(payload: Bytes) -> Packet {
        Packet::Recv(RecvPacket {
            flags: Flags::default(),
            setting: Setting::default(),
            msg_key: String::new(),
            from_uid: "bob".into(),
            channel_id: "bob".into(),
            channel_type: ChannelType::Person,
            expire: 0,
            client_msg_no: String::new(),
            stream_flag: StreamFlag::Start,
            stream_no: String::new(),
            stream_id: 0,
            message_id: 1,
            message_seq: 1,
            timestamp: 0,
            topic: String::new(),
            payload,
        })
    }

    /// A client socket and the server's transport of it, as a connection has them once its
    /// CONNECT settled protocol version 4.
    async fn connected() -> (TcpStream, TcpTransport, ProtocolVersion) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let version = ProtocolVersion::negotiate(4).unwrap();
        let mut transport = TcpTransport {
            framed: FramedRead::with_capacity(server, WukongCodec::new(), crate::READ_BUFFER),
        };
        transport.set_version(version);
        (client, transport, version)
    }

    /// A frame larger than the read buffer is read whole, and so is the one after it; then
    /// the buffer is a small one again.
    #[tokio::test]
    async fn the_read_buffer_shrinks_back_after_a_large_frame() {
        let (mut client, mut transport, version) = connected().await;
        let sent = [recv(Bytes::from(vec![7; 64 * 1024])), Packet::Ping];
        let mut bytes = Vec::new();
        for packet in &sent {
            bytes.extend(natter_wukongim::encode_to_vec(packet, Some(version)).unwrap());
        }
        client.write_all(&bytes).await.unwrap();
        for packet in sent {
            let read = transport.read().await.unwrap();
            assert_eq!(read, Some(packet.normalized(version)));
        }
        let buffer = transport.framed.read_buffer_mut();
        assert!(buffer.is_empty() && !buffer.try_reclaim(crate::READ_BUFFER + 1));
    }

    /// With no write buffer kept, a frame far larger than the read buffer is still written
    /// whole, and so is the small frame after it; closing lets the client read both first.
    #[tokio::test]
    async fn a_large_frame_and_the_next_are_written_whole() {
        let (client, mut transport, version) = connected().await;
        let sent = vec![recv(Bytes::from(vec![7; 512 * 1024])), Packet::Pong];
        let writer = tokio::spawn({
            let sent = sent.clone();
            async move {
                for packet in &sent {
                    transport.write(packet).await.unwrap();
                }
                transport.close().await;
            }
        });
        let mut codec = WukongCodec::new();
        codec.set_version(version);
        let received: Vec<Packet> = FramedRead::new(client, codec)
            .map(Result::unwrap)
            .collect()
            .await;
        writer.await.unwrap();
        let expected: Vec<Packet> = sent
            .into_iter()
            .map(|packet| packet.normalized(version))
            .collect();
        assert_eq!(received, expected);
    }
}
