//! SEND (3, client → server): a message from the client.
//!
//! | field | type | present |
//! |---|---|---|
//! | setting | u8 ([`Setting`]) | always |
//! | client seq | u32: the client's own counter, echoed in SENDACK | always |
//! | client msg no | string: the client's unique message number, for deduplication | always |
//! | stream no | string | versions 2–4, when the setting has STREAM |
//! | channel ID | string | always |
//! | channel type | u8 ([`ChannelType`]) | always |
//! | expire | u32, seconds (0: never) | version 3 on |
//! | msg key | string: the message's signature, see [`crate::crypto`] | always |
//! | topic | string | when the setting has TOPIC |
//! | payload | the rest of the body | always |
//!
//! The header's RED_DOT flag is set by the JS SDK on every SEND. Unless the setting has
//! NO_ENCRYPT, the payload on the wire is the AES ciphertext in base64 text, and the msg key
//! signs it: [`crate::crypto::Session::open_send`] checks and decrypts it.

use bytes::{BufMut, Bytes, BytesMut};

use crate::enums::{ChannelType, ProtocolVersion, Setting};
use crate::error::{DecodeError, EncodeError};
use crate::header::{Flags, PacketType};
use crate::wire::{Reader, put_string};

const TYPE: PacketType = PacketType::Send;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendPacket {
    pub flags: Flags,
    pub setting: Setting,
    pub client_seq: u32,
    pub client_msg_no: String,
    /// Only on the wire in versions 2–4 with [`Setting::STREAM`]; empty otherwise.
    pub stream_no: String,
    pub channel_id: String,
    pub channel_type: ChannelType,
    /// Only on the wire from version 3; 0 otherwise.
    pub expire: u32,
    pub msg_key: String,
    /// Only on the wire with [`Setting::TOPIC`]; empty otherwise.
    pub topic: String,
    pub payload: Bytes,
}

impl SendPacket {
    fn has_stream_no(&self, version: ProtocolVersion) -> bool {
        version.has_stream_fields() && self.setting.contains(Setting::STREAM)
    }

    pub(crate) fn read(
        header: u8,
        mut r: Reader<'_>,
        version: ProtocolVersion,
    ) -> Result<Self, DecodeError> {
        let mut packet = Self {
            flags: Flags::from_bits(header),
            setting: Setting(r.u8("setting")?),
            client_seq: r.u32("client seq")?,
            client_msg_no: r.string("client msg no")?,
            stream_no: String::new(),
            channel_id: String::new(),
            channel_type: ChannelType::Other(0),
            expire: 0,
            msg_key: String::new(),
            topic: String::new(),
            payload: Bytes::new(),
        };
        if packet.has_stream_no(version) {
            packet.stream_no = r.string("stream no")?;
        }
        packet.channel_id = r.string("channel ID")?;
        packet.channel_type = r.u8("channel type")?.into();
        if version.has_expire() {
            packet.expire = r.u32("expire")?;
        }
        packet.msg_key = r.string("msg key")?;
        if packet.setting.contains(Setting::TOPIC) {
            packet.topic = r.string("topic")?;
        }
        packet.payload = r.rest();
        Ok(packet)
    }

    pub(crate) fn write(
        &self,
        dst: &mut BytesMut,
        version: ProtocolVersion,
    ) -> Result<(), EncodeError> {
        dst.put_u8(self.setting.bits());
        dst.put_u32(self.client_seq);
        put_string(dst, TYPE, "client msg no", &self.client_msg_no)?;
        if self.has_stream_no(version) {
            put_string(dst, TYPE, "stream no", &self.stream_no)?;
        }
        put_string(dst, TYPE, "channel ID", &self.channel_id)?;
        dst.put_u8(self.channel_type.into());
        if version.has_expire() {
            dst.put_u32(self.expire);
        }
        put_string(dst, TYPE, "msg key", &self.msg_key)?;
        if self.setting.contains(Setting::TOPIC) {
            put_string(dst, TYPE, "topic", &self.topic)?;
        }
        dst.put_slice(&self.payload);
        Ok(())
    }

    pub(crate) fn normalize(&mut self, version: ProtocolVersion) {
        if !self.has_stream_no(version) {
            self.stream_no.clear();
        }
        if !version.has_expire() {
            self.expire = 0;
        }
        if !self.setting.contains(Setting::TOPIC) {
            self.topic.clear();
        }
    }
}
