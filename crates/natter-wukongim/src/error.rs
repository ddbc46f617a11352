//! The codec's errors: one for bytes that are not a valid frame, one for packets that cannot be
//! written, and the codec's own that adds I/O (which `tokio_util::codec` requires).

use crate::header::PacketType;

/// Why bytes from the peer are not a valid WuKongIM frame.
///
/// Every variant is final for the connection: the stream is out of step once a frame is
/// malformed, so the gateway closes it (WuKongIM does the same).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The remaining length runs past its fourth byte, the most the protocol allows.
    #[error("the remaining length is longer than 4 bytes")]
    BadRemainingLength,
    /// The remaining length is over the decoder's limit; nothing was read or allocated for it.
    #[error("a frame of {len} bytes is over the limit of {max}")]
    FrameTooLarge { len: usize, max: usize },
    /// The fixed header names a packet type the protocol does not have (0 is reserved).
    #[error("unknown packet type {0}")]
    UnknownPacketType(u8),
    /// The body ends inside a field.
    #[error("{packet} ends inside its {field}")]
    Truncated {
        packet: PacketType,
        field: &'static str,
    },
    /// A string field is not UTF-8.
    #[error("the {field} of {packet} is not UTF-8")]
    BadUtf8 {
        packet: PacketType,
        field: &'static str,
    },
    /// A string's length prefix is negative when read as WuKongIM reads it (a signed 16-bit
    /// integer).
    #[error("the {field} of {packet} has a length over 32767")]
    StringTooLong {
        packet: PacketType,
        field: &'static str,
    },
    /// A packet of fixed layout has bytes after its last field.
    #[error("{packet} has {extra} bytes after its last field")]
    TrailingBytes { packet: PacketType, extra: usize },
    /// A packet whose layout depends on the protocol version arrived before the version was
    /// settled by CONNECT.
    #[error("{0} arrived before CONNECT settled the protocol version")]
    VersionNotSet(PacketType),
    /// CONNECT asked for a protocol version below the oldest this crate speaks.
    #[error("protocol version {0} is not supported")]
    UnsupportedVersion(u8),
}

/// Why a packet cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// A string is longer than the 32767 bytes its signed 16-bit length prefix can say.
    #[error("the {field} of {packet} is {len} bytes, over 32767")]
    StringTooLong {
        packet: PacketType,
        field: &'static str,
        len: usize,
    },
    /// The body is longer than the 268,435,455 bytes a four-byte remaining length can say.
    #[error("a body of {0} bytes does not fit a remaining length")]
    FrameTooLarge(usize),
    /// A packet whose layout depends on the protocol version, before the version is settled.
    #[error("{0} cannot be written before the protocol version is settled")]
    VersionNotSet(PacketType),
}

/// The codec's error: a decode or encode error, or the transport's I/O error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error(transparent)]
    Encode(#[from] EncodeError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}
