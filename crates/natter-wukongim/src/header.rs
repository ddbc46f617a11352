//! The fixed header: one byte of packet type and flags, then (except for PING and PONG) the
//! remaining length in MQTT's variable-length encoding.
//!
//! ```text
//! bit     7   6   5   4 | 3     2          1        0
//! byte 1  packet type   | DUP   SYNC_ONCE  RED_DOT  NO_PERSIST      (CONNACK: bit 0 is
//! byte 2… remaining length, 7 bits a byte, low first, high bit = more  HAS_SERVER_VERSION)
//! ```
//!
//! PING and PONG are the single header byte: they have no remaining length at all, not even a
//! zero, in the JS and Android SDKs and in WuKongIM's server.

use std::fmt;

use bytes::BufMut;

use crate::error::{DecodeError, EncodeError};

/// The largest remaining length four bytes can say (`0xFF 0xFF 0xFF 0x7F`).
pub const MAX_REMAINING_LENGTH: usize = 268_435_455;

/// The packet type, the high nibble of the first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PacketType {
    Connect = 1,
    Connack = 2,
    Send = 3,
    Sendack = 4,
    Recv = 5,
    Recvack = 6,
    Ping = 7,
    Pong = 8,
    Disconnect = 9,
    Sub = 10,
    Suback = 11,
    Event = 12,
}

impl PacketType {
    /// The type for a high nibble; `None` for 0 (reserved) and 13–15.
    pub fn from_u8(value: u8) -> Option<Self> {
        Some(match value {
            1 => Self::Connect,
            2 => Self::Connack,
            3 => Self::Send,
            4 => Self::Sendack,
            5 => Self::Recv,
            6 => Self::Recvack,
            7 => Self::Ping,
            8 => Self::Pong,
            9 => Self::Disconnect,
            10 => Self::Sub,
            11 => Self::Suback,
            12 => Self::Event,
            _ => return None,
        })
    }

    /// Whether the frame is the header byte alone, with no remaining length.
    pub fn is_header_only(self) -> bool {
        matches!(self, Self::Ping | Self::Pong)
    }
}

impl fmt::Display for PacketType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Self::Connect => "CONNECT",
            Self::Connack => "CONNACK",
            Self::Send => "SEND",
            Self::Sendack => "SENDACK",
            Self::Recv => "RECV",
            Self::Recvack => "RECVACK",
            Self::Ping => "PING",
            Self::Pong => "PONG",
            Self::Disconnect => "DISCONNECT",
            Self::Sub => "SUB",
            Self::Suback => "SUBACK",
            Self::Event => "EVENT",
        };
        f.write_str(name)
    }
}

/// The low nibble of the first byte, as SEND, RECV and RECVACK use it.
///
/// The JS SDK sets `red_dot` on every SEND and copies a RECV's `no_persist`, `red_dot` and
/// `sync_once` into its RECVACK, so those three packets keep them; the other packets' low
/// nibble is ignored when read and written as zero (CONNACK's bit 0 is its own, see
/// [`crate::packet::ConnackPacket::server_version`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Flags {
    /// Bit 3: the packet is a resend.
    pub dup: bool,
    /// Bit 2: once one device has synced the message, the others do not.
    pub sync_once: bool,
    /// Bit 1: the message should raise the conversation's unread badge.
    pub red_dot: bool,
    /// Bit 0: the message is not stored.
    pub no_persist: bool,
}

impl Flags {
    /// The flags in a first byte.
    pub fn from_bits(byte: u8) -> Self {
        Self {
            dup: byte & 0b1000 != 0,
            sync_once: byte & 0b0100 != 0,
            red_dot: byte & 0b0010 != 0,
            no_persist: byte & 0b0001 != 0,
        }
    }

    /// The low nibble these flags make.
    pub fn bits(self) -> u8 {
        u8::from(self.dup) << 3
            | u8::from(self.sync_once) << 2
            | u8::from(self.red_dot) << 1
            | u8::from(self.no_persist)
    }
}

/// A parsed fixed header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedHeader {
    /// The whole first byte: type and flags.
    pub byte: u8,
    pub packet_type: PacketType,
    /// The length of the header itself: 1 for PING and PONG, else 1 + the length's bytes.
    pub header_len: usize,
    /// The body's length (0 for PING and PONG).
    pub remaining_len: usize,
}

impl FixedHeader {
    /// The whole frame's length, header included.
    pub fn frame_len(&self) -> usize {
        self.header_len + self.remaining_len
    }

    /// Reads a fixed header from the start of `buf`.
    ///
    /// `Ok(None)` means the header is not all there yet. A remaining length over
    /// `max_remaining` is refused here, before anyone waits for or allocates the body.
    pub fn parse(buf: &[u8], max_remaining: usize) -> Result<Option<Self>, DecodeError> {
        let Some(&byte) = buf.first() else {
            return Ok(None);
        };
        let packet_type =
            PacketType::from_u8(byte >> 4).ok_or(DecodeError::UnknownPacketType(byte >> 4))?;
        if packet_type.is_header_only() {
            return Ok(Some(Self {
                byte,
                packet_type,
                header_len: 1,
                remaining_len: 0,
            }));
        }
        let mut remaining_len = 0usize;
        for (i, &digit) in buf[1..].iter().take(4).enumerate() {
            remaining_len |= usize::from(digit & 0x7f) << (7 * i);
            if digit & 0x80 == 0 {
                if remaining_len > max_remaining {
                    return Err(DecodeError::FrameTooLarge {
                        len: remaining_len,
                        max: max_remaining,
                    });
                }
                return Ok(Some(Self {
                    byte,
                    packet_type,
                    header_len: i + 2,
                    remaining_len,
                }));
            }
        }
        if buf.len() >= 5 {
            // Four bytes, all saying "more follows".
            return Err(DecodeError::BadRemainingLength);
        }
        Ok(None)
    }
}

/// Writes a remaining length: 7 bits a byte, lowest first, the high bit set on every byte but
/// the last. Zero is one `0x00` byte, as MQTT writes it (WuKongIM's encoders would write no
/// byte at all, but no packet of theirs has an empty body, so the difference never shows).
pub fn put_remaining_length(dst: &mut impl BufMut, len: usize) -> Result<(), EncodeError> {
    if len > MAX_REMAINING_LENGTH {
        return Err(EncodeError::FrameTooLarge(len));
    }
    let mut rest = len;
    loop {
        let digit = (rest & 0x7f) as u8;
        rest >>= 7;
        if rest == 0 {
            dst.put_u8(digit);
            return Ok(());
        }
        dst.put_u8(digit | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(len: usize) -> Vec<u8> {
        let mut out = Vec::new();
        put_remaining_length(&mut out, len).unwrap();
        out
    }

    #[test]
    fn remaining_length_matches_the_documented_table() {
        assert_eq!(encoded(0), [0x00]);
        assert_eq!(encoded(127), [0x7f]);
        assert_eq!(encoded(128), [0x80, 0x01]);
        assert_eq!(encoded(321), [0xc1, 0x02]);
        assert_eq!(encoded(16_383), [0xff, 0x7f]);
        assert_eq!(encoded(16_384), [0x80, 0x80, 0x01]);
        assert_eq!(encoded(2_097_151), [0xff, 0xff, 0x7f]);
        assert_eq!(encoded(2_097_152), [0x80, 0x80, 0x80, 0x01]);
        assert_eq!(encoded(MAX_REMAINING_LENGTH), [0xff, 0xff, 0xff, 0x7f]);
        assert_eq!(
            put_remaining_length(&mut Vec::new(), MAX_REMAINING_LENGTH + 1),
            Err(EncodeError::FrameTooLarge(MAX_REMAINING_LENGTH + 1))
        );
    }

    #[test]
    fn header_waits_for_its_length_and_refuses_a_fifth_byte() {
        let max = MAX_REMAINING_LENGTH;
        assert_eq!(FixedHeader::parse(&[], max), Ok(None));
        assert_eq!(FixedHeader::parse(&[0x30], max), Ok(None));
        assert_eq!(FixedHeader::parse(&[0x30, 0x80, 0x80], max), Ok(None));
        assert_eq!(
            FixedHeader::parse(&[0x30, 0x80, 0x80, 0x80, 0x80], max),
            Err(DecodeError::BadRemainingLength)
        );
        let header = FixedHeader::parse(&[0x32, 0xc1, 0x02], max)
            .unwrap()
            .unwrap();
        assert_eq!(header.packet_type, PacketType::Send);
        assert_eq!((header.header_len, header.remaining_len), (3, 321));
        assert_eq!(
            Flags::from_bits(header.byte),
            Flags {
                red_dot: true,
                ..Flags::default()
            }
        );
    }

    #[test]
    fn ping_and_pong_are_one_byte() {
        let ping = FixedHeader::parse(&[0x70, 0x70], 10).unwrap().unwrap();
        assert_eq!((ping.packet_type, ping.frame_len()), (PacketType::Ping, 1));
        let pong = FixedHeader::parse(&[0x80], 10).unwrap().unwrap();
        assert_eq!((pong.packet_type, pong.frame_len()), (PacketType::Pong, 1));
    }

    #[test]
    fn reserved_and_unknown_types_and_oversized_lengths_are_refused() {
        assert_eq!(
            FixedHeader::parse(&[0x00, 0x01], 10),
            Err(DecodeError::UnknownPacketType(0))
        );
        assert_eq!(
            FixedHeader::parse(&[0xd0, 0x01], 10),
            Err(DecodeError::UnknownPacketType(13))
        );
        assert_eq!(
            FixedHeader::parse(&[0x30, 0x0b], 10),
            Err(DecodeError::FrameTooLarge { len: 11, max: 10 })
        );
    }
}
