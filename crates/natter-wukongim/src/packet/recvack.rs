//! RECVACK (6, client → server): the client has the RECV. The same in every version.
//!
//! | field | type |
//! |---|---|
//! | message ID | u64 |
//! | message seq | u32 |
//!
//! The JS SDK copies the RECV's NO_PERSIST, RED_DOT and SYNC_ONCE header flags into it.

use bytes::{BufMut, BytesMut};

use crate::error::DecodeError;
use crate::header::Flags;
use crate::wire::Reader;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecvackPacket {
    pub flags: Flags,
    pub message_id: u64,
    pub message_seq: u32,
}

impl RecvackPacket {
    pub(crate) fn read(header: u8, mut r: Reader<'_>) -> Result<Self, DecodeError> {
        let packet = Self {
            flags: Flags::from_bits(header),
            message_id: r.u64("message ID")?,
            message_seq: r.u32("message seq")?,
        };
        r.finish()?;
        Ok(packet)
    }

    pub(crate) fn write(&self, dst: &mut BytesMut) {
        dst.put_u64(self.message_id);
        dst.put_u32(self.message_seq);
    }
}
