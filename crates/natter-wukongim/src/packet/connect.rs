//! CONNECT (1, client → server): the first packet, which logs in and offers the client's half
//! of the key exchange. Its layout is the same in every version.
//!
//! | field | type |
//! |---|---|
//! | version | u8: the protocol version the client asks for |
//! | device flag | u8 ([`DeviceFlag`]) |
//! | device ID | string |
//! | UID | string |
//! | token | string |
//! | client timestamp | i64, milliseconds |
//! | client key | string: the client's X25519 public key, standard base64 |

use bytes::{BufMut, BytesMut};

use crate::enums::DeviceFlag;
use crate::error::{DecodeError, EncodeError};
use crate::header::PacketType;
use crate::wire::{Reader, put_string};

const TYPE: PacketType = PacketType::Connect;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectPacket {
    /// The protocol version the client asks for; see
    /// [`ProtocolVersion::negotiate`](crate::ProtocolVersion::negotiate).
    pub version: u8,
    pub device_flag: DeviceFlag,
    pub device_id: String,
    pub uid: String,
    pub token: String,
    /// The client's clock, in milliseconds since the epoch; CONNACK answers with the
    /// difference.
    pub client_timestamp: i64,
    /// The client's X25519 public key, standard base64 (44 characters).
    pub client_key: String,
}

impl ConnectPacket {
    pub(crate) fn read(mut r: Reader<'_>) -> Result<Self, DecodeError> {
        let packet = Self {
            version: r.u8("version")?,
            device_flag: r.u8("device flag")?.into(),
            device_id: r.string("device ID")?,
            uid: r.string("UID")?,
            token: r.string("token")?,
            client_timestamp: r.i64("client timestamp")?,
            client_key: r.string("client key")?,
        };
        r.finish()?;
        Ok(packet)
    }

    pub(crate) fn write(&self, dst: &mut BytesMut) -> Result<(), EncodeError> {
        dst.put_u8(self.version);
        dst.put_u8(self.device_flag.into());
        put_string(dst, TYPE, "device ID", &self.device_id)?;
        put_string(dst, TYPE, "UID", &self.uid)?;
        put_string(dst, TYPE, "token", &self.token)?;
        dst.put_i64(self.client_timestamp);
        put_string(dst, TYPE, "client key", &self.client_key)
    }
}
