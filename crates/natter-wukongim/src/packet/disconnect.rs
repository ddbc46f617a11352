//! DISCONNECT (9, either way; in practice server → client): the server ends the session, and
//! the SDKs stop reconnecting. The same in every version.
//!
//! | field | type |
//! |---|---|
//! | reason code | u8 ([`ReasonCode`]; 12, `ConnectKick`, when the account logged in elsewhere) |
//! | reason | string |

use bytes::{BufMut, BytesMut};

use crate::enums::ReasonCode;
use crate::error::{DecodeError, EncodeError};
use crate::header::PacketType;
use crate::wire::{Reader, put_string};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisconnectPacket {
    pub reason_code: ReasonCode,
    pub reason: String,
}

impl DisconnectPacket {
    pub(crate) fn read(mut r: Reader<'_>) -> Result<Self, DecodeError> {
        let packet = Self {
            reason_code: r.u8("reason code")?.into(),
            reason: r.string("reason")?,
        };
        r.finish()?;
        Ok(packet)
    }

    pub(crate) fn write(&self, dst: &mut BytesMut) -> Result<(), EncodeError> {
        dst.put_u8(self.reason_code.into());
        put_string(dst, PacketType::Disconnect, "reason", &self.reason)
    }
}
