//! RECV (5, server → client): a message for the client.
//!
//! | field | type | present |
//! |---|---|---|
//! | setting | u8 ([`Setting`]) | always |
//! | msg key | string: the message's signature, see [`crate::crypto`] | always |
//! | from UID | string | always |
//! | channel ID | string | always |
//! | channel type | u8 ([`ChannelType`]) | always |
//! | expire | u32, seconds | version 3 on |
//! | client msg no | string | always |
//! | stream flag | u8 ([`StreamFlag`]) | versions 2–4, when the setting has STREAM |
//! | stream no | string | likewise |
//! | stream ID | u64 | likewise |
//! | message ID | u64 (WuKongIM's server types it i64; the JS SDK reads it unsigned) | always |
//! | message seq | u32 | always |
//! | timestamp | u32, seconds (WuKongIM's server types it i32; the JS SDK reads it unsigned) | always |
//! | topic | string | when the setting has TOPIC |
//! | payload | the rest of the body | always |
//!
//! The stream fields are laid out as WuKongIM's server writes them. The JS SDK before 1.3.0
//! read them in another order (stream no, a u32, the flag) behind another setting bit; no
//! version of it sends or expects them for ordinary messages.
//!
//! The client answers every RECV whose msg key checks out with a RECVACK; one whose msg key
//! does not is dropped without an answer. [`crate::crypto::Session::seal_recv`] encrypts the
//! payload and signs the packet.

use bytes::{BufMut, Bytes, BytesMut};

use crate::enums::{ChannelType, ProtocolVersion, Setting, StreamFlag};
use crate::error::{DecodeError, EncodeError};
use crate::header::{Flags, PacketType};
use crate::wire::{Reader, put_string};

const TYPE: PacketType = PacketType::Recv;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecvPacket {
    pub flags: Flags,
    pub setting: Setting,
    pub msg_key: String,
    pub from_uid: String,
    pub channel_id: String,
    pub channel_type: ChannelType,
    /// Only on the wire from version 3; 0 otherwise.
    pub expire: u32,
    pub client_msg_no: String,
    /// The three stream fields are only on the wire in versions 2–4 with [`Setting::STREAM`].
    pub stream_flag: StreamFlag,
    pub stream_no: String,
    pub stream_id: u64,
    pub message_id: u64,
    pub message_seq: u32,
    /// The server's time of the message, in seconds since the epoch.
    pub timestamp: u32,
    /// Only on the wire with [`Setting::TOPIC`]; empty otherwise.
    pub topic: String,
    pub payload: Bytes,
}

impl RecvPacket {
    fn has_stream_fields(&self, version: ProtocolVersion) -> bool {
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
            msg_key: r.string("msg key")?,
            from_uid: r.string("from UID")?,
            channel_id: r.string("channel ID")?,
            channel_type: r.u8("channel type")?.into(),
            expire: 0,
            client_msg_no: String::new(),
            stream_flag: StreamFlag::Start,
            stream_no: String::new(),
            stream_id: 0,
            message_id: 0,
            message_seq: 0,
            timestamp: 0,
            topic: String::new(),
            payload: Bytes::new(),
        };
        if version.has_expire() {
            packet.expire = r.u32("expire")?;
        }
        packet.client_msg_no = r.string("client msg no")?;
        if packet.has_stream_fields(version) {
            packet.stream_flag = r.u8("stream flag")?.into();
            packet.stream_no = r.string("stream no")?;
            packet.stream_id = r.u64("stream ID")?;
        }
        packet.message_id = r.u64("message ID")?;
        packet.message_seq = r.u32("message seq")?;
        packet.timestamp = r.u32("timestamp")?;
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
        put_string(dst, TYPE, "msg key", &self.msg_key)?;
        put_string(dst, TYPE, "from UID", &self.from_uid)?;
        put_string(dst, TYPE, "channel ID", &self.channel_id)?;
        dst.put_u8(self.channel_type.into());
        if version.has_expire() {
            dst.put_u32(self.expire);
        }
        put_string(dst, TYPE, "client msg no", &self.client_msg_no)?;
        if self.has_stream_fields(version) {
            dst.put_u8(self.stream_flag.into());
            put_string(dst, TYPE, "stream no", &self.stream_no)?;
            dst.put_u64(self.stream_id);
        }
        dst.put_u64(self.message_id);
        dst.put_u32(self.message_seq);
        dst.put_u32(self.timestamp);
        if self.setting.contains(Setting::TOPIC) {
            put_string(dst, TYPE, "topic", &self.topic)?;
        }
        dst.put_slice(&self.payload);
        Ok(())
    }

    pub(crate) fn normalize(&mut self, version: ProtocolVersion) {
        if !version.has_expire() {
            self.expire = 0;
        }
        if !self.has_stream_fields(version) {
            self.stream_flag = StreamFlag::Start;
            self.stream_no.clear();
            self.stream_id = 0;
        }
        if !self.setting.contains(Setting::TOPIC) {
            self.topic.clear();
        }
    }
}
