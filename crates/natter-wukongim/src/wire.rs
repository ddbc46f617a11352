//! The field types every packet is made of: big-endian integers, strings with a 16-bit length
//! prefix, and "the rest of the body" for payloads.
//!
//! WuKongIM reads a string's length as a signed 16-bit integer, so a string is at most 32767
//! bytes; this crate holds both directions to that, so whatever it decodes it can write back.

use bytes::{BufMut, Bytes, BytesMut};

use crate::error::{DecodeError, EncodeError};
use crate::header::PacketType;

/// The longest string a length prefix can say, as WuKongIM reads it.
pub const MAX_STRING_LEN: usize = i16::MAX as usize;

/// Reads one packet's body, field by field, naming the field that runs short.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    packet: PacketType,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8], packet: PacketType) -> Self {
        Self { buf, packet }
    }

    fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], DecodeError> {
        if self.buf.len() < n {
            return Err(DecodeError::Truncated {
                packet: self.packet,
                field,
            });
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], DecodeError> {
        let bytes = self.take(N, field)?;
        let mut out = [0; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8, DecodeError> {
        Ok(self.array::<1>(field)?[0])
    }

    pub(crate) fn u32(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        self.array(field).map(u32::from_be_bytes)
    }

    pub(crate) fn u64(&mut self, field: &'static str) -> Result<u64, DecodeError> {
        self.array(field).map(u64::from_be_bytes)
    }

    pub(crate) fn i64(&mut self, field: &'static str) -> Result<i64, DecodeError> {
        self.array(field).map(i64::from_be_bytes)
    }

    /// A string: a big-endian 16-bit length, then that many bytes of UTF-8. The length is
    /// checked against what is left before anything is copied.
    pub(crate) fn string(&mut self, field: &'static str) -> Result<String, DecodeError> {
        let len = usize::from(u16::from_be_bytes(self.array(field)?));
        if len > MAX_STRING_LEN {
            return Err(DecodeError::StringTooLong {
                packet: self.packet,
                field,
            });
        }
        let bytes = self.take(len, field)?;
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(text.to_owned()),
            Err(_) => Err(DecodeError::BadUtf8 {
                packet: self.packet,
                field,
            }),
        }
    }

    /// Everything left: a payload, which runs to the end of the body.
    pub(crate) fn rest(&mut self) -> Bytes {
        let rest = std::mem::take(&mut self.buf);
        Bytes::copy_from_slice(rest)
    }

    /// Ends a packet of fixed layout: any byte left over is an error.
    pub(crate) fn finish(self) -> Result<(), DecodeError> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::TrailingBytes {
                packet: self.packet,
                extra: self.buf.len(),
            })
        }
    }
}

/// Writes a string with its length prefix.
pub(crate) fn put_string(
    dst: &mut BytesMut,
    packet: PacketType,
    field: &'static str,
    value: &str,
) -> Result<(), EncodeError> {
    let len = value.len();
    if len > MAX_STRING_LEN {
        return Err(EncodeError::StringTooLong { packet, field, len });
    }
    dst.put_u16(len as u16);
    dst.put_slice(value.as_bytes());
    Ok(())
}
