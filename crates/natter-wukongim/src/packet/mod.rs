//! Every packet, one module each with its read and write, and the pure [`decode`] and
//! [`encode`] that the codec, the tests and the fuzzer call.
//!
//! PING (7, client → server) and PONG (8, server → client) are the header byte alone (`0x70`,
//! `0x80`) and have no module: the SDKs' heartbeat is a PING every so often (the JS SDK's
//! default is 60 s), and when a few in a row go unanswered the SDK reconnects.

mod connack;
mod connect;
mod disconnect;
mod event;
mod recv;
mod recvack;
mod send;
mod sendack;
mod sub;
mod suback;

use bytes::{BufMut, BytesMut};

pub use connack::ConnackPacket;
pub use connect::ConnectPacket;
pub use disconnect::DisconnectPacket;
pub use event::EventPacket;
pub use recv::RecvPacket;
pub use recvack::RecvackPacket;
pub use send::SendPacket;
pub use sendack::SendackPacket;
pub use sub::SubPacket;
pub use suback::SubackPacket;

use crate::enums::ProtocolVersion;
use crate::error::{DecodeError, EncodeError};
use crate::header::{FixedHeader, PacketType, put_remaining_length};
use crate::wire::Reader;

/// One WuKongIM packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    Connect(ConnectPacket),
    Connack(ConnackPacket),
    Send(SendPacket),
    Sendack(SendackPacket),
    Recv(RecvPacket),
    Recvack(RecvackPacket),
    Ping,
    Pong,
    Disconnect(DisconnectPacket),
    Sub(SubPacket),
    Suback(SubackPacket),
    Event(EventPacket),
}

impl Packet {
    pub fn packet_type(&self) -> PacketType {
        match self {
            Self::Connect(_) => PacketType::Connect,
            Self::Connack(_) => PacketType::Connack,
            Self::Send(_) => PacketType::Send,
            Self::Sendack(_) => PacketType::Sendack,
            Self::Recv(_) => PacketType::Recv,
            Self::Recvack(_) => PacketType::Recvack,
            Self::Ping => PacketType::Ping,
            Self::Pong => PacketType::Pong,
            Self::Disconnect(_) => PacketType::Disconnect,
            Self::Sub(_) => PacketType::Sub,
            Self::Suback(_) => PacketType::Suback,
            Self::Event(_) => PacketType::Event,
        }
    }

    /// The packet as the peer will read it on `version`: the fields that `version` (or the
    /// packet's own setting and header bits) leave off the wire are cleared. Encoding then
    /// decoding any packet gives back its normalized self.
    pub fn normalized(mut self, version: ProtocolVersion) -> Self {
        match &mut self {
            Self::Connack(p) => p.normalize(),
            Self::Send(p) => p.normalize(version),
            Self::Recv(p) => p.normalize(version),
            _ => {}
        }
        self
    }
}

/// Whether packets of this type are laid out differently from one protocol version to
/// another, so cannot be read or written before CONNECT has settled the version.
pub fn depends_on_version(packet_type: PacketType) -> bool {
    matches!(packet_type, PacketType::Send | PacketType::Recv)
}

/// Reads one frame from the start of `buf`.
///
/// `Ok(None)`: the frame is not all there yet (nothing is consumed; call again with more).
/// `Ok(Some((packet, n)))`: the first `n` bytes were the packet. The header is checked first:
/// a remaining length over `max_remaining` is refused before the body is waited for.
/// `version` is the settled protocol version, `None` before CONNECT; SEND and RECV need it.
pub fn decode(
    buf: &[u8],
    version: Option<ProtocolVersion>,
    max_remaining: usize,
) -> Result<Option<(Packet, usize)>, DecodeError> {
    let Some(header) = FixedHeader::parse(buf, max_remaining)? else {
        return Ok(None);
    };
    let frame_len = header.frame_len();
    if buf.len() < frame_len {
        return Ok(None);
    }
    let packet = decode_body(&header, &buf[header.header_len..frame_len], version)?;
    Ok(Some((packet, frame_len)))
}

/// Reads a body whose fixed header has been read.
pub fn decode_body(
    header: &FixedHeader,
    body: &[u8],
    version: Option<ProtocolVersion>,
) -> Result<Packet, DecodeError> {
    let kind = header.packet_type;
    let r = Reader::new(body, kind);
    let versioned = || version.ok_or(DecodeError::VersionNotSet(kind));
    Ok(match kind {
        PacketType::Connect => Packet::Connect(ConnectPacket::read(r)?),
        PacketType::Connack => Packet::Connack(ConnackPacket::read(header.byte, r)?),
        PacketType::Send => Packet::Send(SendPacket::read(header.byte, r, versioned()?)?),
        PacketType::Sendack => Packet::Sendack(SendackPacket::read(r)?),
        PacketType::Recv => Packet::Recv(RecvPacket::read(header.byte, r, versioned()?)?),
        PacketType::Recvack => Packet::Recvack(RecvackPacket::read(header.byte, r)?),
        PacketType::Ping => Packet::Ping,
        PacketType::Pong => Packet::Pong,
        PacketType::Disconnect => Packet::Disconnect(DisconnectPacket::read(r)?),
        PacketType::Sub => Packet::Sub(SubPacket::read(r)?),
        PacketType::Suback => Packet::Suback(SubackPacket::read(r)?),
        PacketType::Event => Packet::Event(EventPacket::read(r)?),
    })
}

/// Writes one frame, header and body, to the end of `dst`. On an error `dst` is unchanged.
pub fn encode(
    packet: &Packet,
    version: Option<ProtocolVersion>,
    dst: &mut BytesMut,
) -> Result<(), EncodeError> {
    let kind = packet.packet_type();
    let versioned = || version.ok_or(EncodeError::VersionNotSet(kind));
    let mut body = BytesMut::new();
    let flags = match packet {
        Packet::Ping | Packet::Pong => {
            dst.put_u8((kind as u8) << 4);
            return Ok(());
        }
        Packet::Connect(p) => p.write(&mut body).map(|()| 0)?,
        Packet::Connack(p) => p.write(&mut body).map(|()| p.header_flags())?,
        Packet::Send(p) => p.write(&mut body, versioned()?).map(|()| p.flags.bits())?,
        Packet::Sendack(p) => {
            p.write(&mut body);
            0
        }
        Packet::Recv(p) => p.write(&mut body, versioned()?).map(|()| p.flags.bits())?,
        Packet::Recvack(p) => {
            p.write(&mut body);
            p.flags.bits()
        }
        Packet::Disconnect(p) => p.write(&mut body).map(|()| 0)?,
        Packet::Sub(p) => p.write(&mut body).map(|()| 0)?,
        Packet::Suback(p) => p.write(&mut body).map(|()| 0)?,
        Packet::Event(p) => p.write(&mut body).map(|()| 0)?,
    };
    let mut length = [0u8; 4];
    let mut length_buf = &mut length[..];
    put_remaining_length(&mut length_buf, body.len())?;
    let length_len = 4 - length_buf.len();
    dst.reserve(1 + length_len + body.len());
    dst.put_u8((kind as u8) << 4 | flags);
    dst.put_slice(&length[..length_len]);
    dst.put_slice(&body);
    Ok(())
}

/// [`encode`] into a new buffer.
pub fn encode_to_vec(
    packet: &Packet,
    version: Option<ProtocolVersion>,
) -> Result<Vec<u8>, EncodeError> {
    let mut out = BytesMut::new();
    encode(packet, version, &mut out)?;
    Ok(out.to_vec())
}
