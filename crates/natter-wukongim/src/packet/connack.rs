//! CONNACK (2, server → client): the answer to CONNECT, with the server's half of the key
//! exchange.
//!
//! | field | type | present |
//! |---|---|---|
//! | server version | u8 | when the header's bit 0 (HAS_SERVER_VERSION) is set |
//! | time diff | i64, milliseconds: server clock − client timestamp | always |
//! | reason code | u8 ([`ReasonCode`]; 1 is success) | always |
//! | server key | string: the server's X25519 public key, standard base64 | always |
//! | salt | string: 16 characters, the AES IV | always |
//! | node ID | u64 | when the server version is 4 or more |
//!
//! WuKongIM's server sets HAS_SERVER_VERSION when the client asked for a version over 3, and
//! writes the node ID when the version it settled on is 4 or more; every SDK reads the node ID
//! exactly when the server version it read is 4 or more. So a version-2 or -3 CONNACK is
//! time diff, reason code, server key and salt, nothing else: `wukongimjssdk` 1.0.x does not
//! look at the flag at all, and would take a server version byte for the first byte of the
//! time diff. The packet describes itself, and reads the same under every version;
//! [`ConnackPacket::accept`] builds the right one for a settled version.

use bytes::{BufMut, BytesMut};

use crate::enums::{ProtocolVersion, ReasonCode};
use crate::error::{DecodeError, EncodeError};
use crate::header::PacketType;
use crate::wire::{Reader, put_string};

const TYPE: PacketType = PacketType::Connack;

/// The header's bit 0 on a CONNACK.
pub(crate) const HAS_SERVER_VERSION: u8 = 0b0001;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnackPacket {
    /// The server's protocol version; when `Some`, the header's HAS_SERVER_VERSION bit is set
    /// and the byte written.
    pub server_version: Option<u8>,
    /// The server's clock minus the client's timestamp, in milliseconds.
    pub time_diff: i64,
    pub reason_code: ReasonCode,
    /// The server's X25519 public key, standard base64; empty on a refusal.
    pub server_key: String,
    /// The AES IV: 16 characters; empty on a refusal.
    pub salt: String,
    /// The node the client is connected to; written only when `server_version` is 4 or more.
    pub node_id: u64,
}

impl ConnackPacket {
    /// A successful CONNACK for a client on `version`.
    pub fn accept(
        version: ProtocolVersion,
        time_diff: i64,
        server_key: String,
        salt: String,
        node_id: u64,
    ) -> Self {
        Self {
            server_version: version.has_server_version().then_some(version.as_u8()),
            time_diff,
            reason_code: ReasonCode::Success,
            server_key,
            salt,
            node_id: if version.has_node_id() { node_id } else { 0 },
        }
    }

    /// A refusal (`reason_code` other than success): no keys, no server version, no node ID,
    /// which every SDK reads whatever version it asked for.
    pub fn refuse(reason_code: ReasonCode) -> Self {
        Self {
            server_version: None,
            time_diff: 0,
            reason_code,
            server_key: String::new(),
            salt: String::new(),
            node_id: 0,
        }
    }

    /// Whether the node ID is on the wire.
    pub fn has_node_id(&self) -> bool {
        self.server_version.is_some_and(|v| v >= 4)
    }

    pub(crate) fn header_flags(&self) -> u8 {
        if self.server_version.is_some() {
            HAS_SERVER_VERSION
        } else {
            0
        }
    }

    pub(crate) fn read(header: u8, mut r: Reader<'_>) -> Result<Self, DecodeError> {
        let server_version = if header & HAS_SERVER_VERSION != 0 {
            Some(r.u8("server version")?)
        } else {
            None
        };
        let mut packet = Self {
            server_version,
            time_diff: r.i64("time diff")?,
            reason_code: r.u8("reason code")?.into(),
            server_key: r.string("server key")?,
            salt: r.string("salt")?,
            node_id: 0,
        };
        if packet.has_node_id() {
            packet.node_id = r.u64("node ID")?;
        }
        r.finish()?;
        Ok(packet)
    }

    pub(crate) fn write(&self, dst: &mut BytesMut) -> Result<(), EncodeError> {
        if let Some(version) = self.server_version {
            dst.put_u8(version);
        }
        dst.put_i64(self.time_diff);
        dst.put_u8(self.reason_code.into());
        put_string(dst, TYPE, "server key", &self.server_key)?;
        put_string(dst, TYPE, "salt", &self.salt)?;
        if self.has_node_id() {
            dst.put_u64(self.node_id);
        }
        Ok(())
    }

    pub(crate) fn normalize(&mut self) {
        if !self.has_node_id() {
            self.node_id = 0;
        }
    }
}
