//! The `tokio_util` codec: frames WuKongIM packets over any byte stream (TCP, or the bytes of a
//! WebSocket's binary messages, which the SDKs may split and join at will).

use bytes::{Buf, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

use crate::enums::ProtocolVersion;
use crate::error::{CodecError, DecodeError, EncodeError};
use crate::header::FixedHeader;
use crate::packet::{self, Packet};

/// The default limit on a frame's remaining length: 1 MiB, WuKongIM's own.
pub const DEFAULT_MAX_REMAINING: usize = 1024 * 1024;

/// Decodes and encodes [`Packet`]s.
///
/// The protocol version is the codec's state: `None` until the server has read CONNECT and
/// settled on one ([`ProtocolVersion::negotiate`]), then set with [`WukongCodec::set_version`].
/// Until then SEND and RECV, the packets laid out differently per version, are refused.
#[derive(Debug, Clone)]
pub struct WukongCodec {
    version: Option<ProtocolVersion>,
    max_remaining: usize,
}

impl Default for WukongCodec {
    fn default() -> Self {
        Self::new()
    }
}

impl WukongCodec {
    /// A codec with no version yet and the default frame limit.
    pub fn new() -> Self {
        Self {
            version: None,
            max_remaining: DEFAULT_MAX_REMAINING,
        }
    }

    /// A codec that refuses frames whose remaining length is over `max_remaining` bytes.
    pub fn with_max_remaining(max_remaining: usize) -> Self {
        Self {
            version: None,
            max_remaining,
        }
    }

    pub fn version(&self) -> Option<ProtocolVersion> {
        self.version
    }

    /// Settles the protocol version for every later frame, both ways.
    pub fn set_version(&mut self, version: ProtocolVersion) {
        self.version = Some(version);
    }

    pub fn max_remaining(&self) -> usize {
        self.max_remaining
    }
}

impl WukongCodec {
    /// Reads one frame from the start of `src` and removes it; `Ok(None)` when the frame is
    /// not all there yet. The same as [`Decoder::decode`], with the narrower error.
    pub fn decode_frame(&mut self, src: &mut BytesMut) -> Result<Option<Packet>, DecodeError> {
        // The header first: it says how long the frame is, and an oversized frame is refused
        // here, before any room is made for it.
        let Some(header) = FixedHeader::parse(src, self.max_remaining)? else {
            return Ok(None);
        };
        let frame_len = header.frame_len();
        if src.len() < frame_len {
            // Bounded by the limit just checked.
            src.reserve(frame_len - src.len());
            return Ok(None);
        }
        let result = packet::decode_body(&header, &src[header.header_len..frame_len], self.version);
        src.advance(frame_len);
        result.map(Some)
    }

    /// One packet as a frame in a buffer of its own, for a writer that lets go of its buffer
    /// once the frame is written (one held per connection is resident for its whole life). The
    /// same bytes as [`Encoder::encode`], with the narrower error.
    pub fn encode_frame(&self, packet: &Packet) -> Result<BytesMut, EncodeError> {
        let mut frame = BytesMut::new();
        packet::encode(packet, self.version, &mut frame)?;
        Ok(frame)
    }
}

impl Decoder for WukongCodec {
    type Item = Packet;
    type Error = CodecError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Packet>, CodecError> {
        Ok(self.decode_frame(src)?)
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Packet>, CodecError> {
        match self.decode(src)? {
            Some(packet) => Ok(Some(packet)),
            None if src.is_empty() => Ok(None),
            None => Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the stream ended inside a frame",
            )
            .into()),
        }
    }
}

impl Encoder<&Packet> for WukongCodec {
    type Error = CodecError;

    fn encode(&mut self, item: &Packet, dst: &mut BytesMut) -> Result<(), CodecError> {
        Ok(packet::encode(item, self.version, dst)?)
    }
}

impl Encoder<Packet> for WukongCodec {
    type Error = CodecError;

    fn encode(&mut self, item: Packet, dst: &mut BytesMut) -> Result<(), CodecError> {
        <Self as Encoder<&Packet>>::encode(self, &item, dst)
    }
}
