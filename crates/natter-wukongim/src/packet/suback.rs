//! SUBACK (11, server → client): the answer to SUB. The same in every version.
//!
//! | field | type |
//! |---|---|
//! | sub no | string: the SUB's, echoed |
//! | channel ID | string |
//! | channel type | u8 ([`ChannelType`]) |
//! | action | u8 ([`SubAction`]) |
//! | reason code | u8 ([`ReasonCode`]) |

use bytes::{BufMut, BytesMut};

use crate::enums::{ChannelType, ReasonCode, SubAction};
use crate::error::{DecodeError, EncodeError};
use crate::header::PacketType;
use crate::wire::{Reader, put_string};

const TYPE: PacketType = PacketType::Suback;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubackPacket {
    pub sub_no: String,
    pub channel_id: String,
    pub channel_type: ChannelType,
    pub action: SubAction,
    pub reason_code: ReasonCode,
}

impl SubackPacket {
    pub(crate) fn read(mut r: Reader<'_>) -> Result<Self, DecodeError> {
        let packet = Self {
            sub_no: r.string("sub no")?,
            channel_id: r.string("channel ID")?,
            channel_type: r.u8("channel type")?.into(),
            action: r.u8("action")?.into(),
            reason_code: r.u8("reason code")?.into(),
        };
        r.finish()?;
        Ok(packet)
    }

    pub(crate) fn write(&self, dst: &mut BytesMut) -> Result<(), EncodeError> {
        put_string(dst, TYPE, "sub no", &self.sub_no)?;
        put_string(dst, TYPE, "channel ID", &self.channel_id)?;
        dst.put_u8(self.channel_type.into());
        dst.put_u8(self.action.into());
        dst.put_u8(self.reason_code.into());
        Ok(())
    }
}
