//! SUB (10, client → server): subscribe to, or leave, a channel's live messages (data and
//! live channels). The same in every version.
//!
//! | field | type |
//! |---|---|
//! | setting | u8 ([`Setting`]) |
//! | sub no | string: the client's number for this request, echoed in SUBACK |
//! | channel ID | string |
//! | channel type | u8 ([`ChannelType`]) |
//! | action | u8 ([`SubAction`]) |
//! | param | string (the JS SDK sends a JSON object of the channel URL's query, or nothing) |
//!
//! The JS SDK 1.0.x leaves setting and sub no unset, which it writes as a zero byte and an
//! empty string.

use bytes::{BufMut, BytesMut};

use crate::enums::{ChannelType, Setting, SubAction};
use crate::error::{DecodeError, EncodeError};
use crate::header::PacketType;
use crate::wire::{Reader, put_string};

const TYPE: PacketType = PacketType::Sub;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubPacket {
    pub setting: Setting,
    pub sub_no: String,
    pub channel_id: String,
    pub channel_type: ChannelType,
    pub action: SubAction,
    pub param: String,
}

impl SubPacket {
    pub(crate) fn read(mut r: Reader<'_>) -> Result<Self, DecodeError> {
        let packet = Self {
            setting: Setting(r.u8("setting")?),
            sub_no: r.string("sub no")?,
            channel_id: r.string("channel ID")?,
            channel_type: r.u8("channel type")?.into(),
            action: r.u8("action")?.into(),
            param: r.string("param")?,
        };
        r.finish()?;
        Ok(packet)
    }

    pub(crate) fn write(&self, dst: &mut BytesMut) -> Result<(), EncodeError> {
        dst.put_u8(self.setting.bits());
        put_string(dst, TYPE, "sub no", &self.sub_no)?;
        put_string(dst, TYPE, "channel ID", &self.channel_id)?;
        dst.put_u8(self.channel_type.into());
        dst.put_u8(self.action.into());
        put_string(dst, TYPE, "param", &self.param)
    }
}
