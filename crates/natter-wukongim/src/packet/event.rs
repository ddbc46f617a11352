//! EVENT (12, server → client): an application event, which `wukongimjssdk` 1.3 and later
//! read. The same in every version.
//!
//! | field | type |
//! |---|---|
//! | ID | string |
//! | type | string |
//! | timestamp | i64 |
//! | data | the rest of the body |

use bytes::{BufMut, Bytes, BytesMut};

use crate::error::{DecodeError, EncodeError};
use crate::header::PacketType;
use crate::wire::{Reader, put_string};

const TYPE: PacketType = PacketType::Event;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPacket {
    pub id: String,
    pub event_type: String,
    pub timestamp: i64,
    pub data: Bytes,
}

impl EventPacket {
    pub(crate) fn read(mut r: Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            id: r.string("ID")?,
            event_type: r.string("type")?,
            timestamp: r.i64("timestamp")?,
            data: r.rest(),
        })
    }

    pub(crate) fn write(&self, dst: &mut BytesMut) -> Result<(), EncodeError> {
        put_string(dst, TYPE, "ID", &self.id)?;
        put_string(dst, TYPE, "type", &self.event_type)?;
        dst.put_i64(self.timestamp);
        dst.put_slice(&self.data);
        Ok(())
    }
}
