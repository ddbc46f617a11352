//! SENDACK (4, server → client): the answer to one SEND. The same in every version.
//!
//! | field | type |
//! |---|---|
//! | message ID | u64 (i64 in WuKongIM's server) |
//! | client seq | u32: the SEND's, echoed |
//! | message seq | u32 |
//! | reason code | u8 ([`ReasonCode`]; 1 is success) |

use bytes::{BufMut, BytesMut};

use crate::enums::ReasonCode;
use crate::error::DecodeError;
use crate::wire::Reader;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendackPacket {
    pub message_id: u64,
    pub client_seq: u32,
    pub message_seq: u32,
    pub reason_code: ReasonCode,
}

impl SendackPacket {
    pub(crate) fn read(mut r: Reader<'_>) -> Result<Self, DecodeError> {
        let packet = Self {
            message_id: r.u64("message ID")?,
            client_seq: r.u32("client seq")?,
            message_seq: r.u32("message seq")?,
            reason_code: r.u8("reason code")?.into(),
        };
        r.finish()?;
        Ok(packet)
    }

    pub(crate) fn write(&self, dst: &mut BytesMut) {
        dst.put_u64(self.message_id);
        dst.put_u32(self.client_seq);
        dst.put_u32(self.message_seq);
        dst.put_u8(self.reason_code.into());
    }
}
