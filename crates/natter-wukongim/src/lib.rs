//! WuKongIM's binary client protocol, so that WuKongIM's own client SDKs (web, iOS, Android,
//! Flutter) can talk to Natter: the packets, a `tokio_util` codec, and the session crypto.
//! Pure: no I/O, no dependency on the rest of Natter.
//!
//! # The protocol
//!
//! MQTT-shaped frames over TCP or WebSocket binary messages. Each frame is a fixed header
//! ([`header`]: packet type and flags in one byte, then a variable-length remaining length,
//! which PING and PONG leave out) and a body of big-endian fields: integers, strings with a
//! 16-bit length prefix, and a payload that runs to the end of the body. A session:
//!
//! ```text
//! client                                   server
//! CONNECT  version, uid, token, client key →
//!          ← CONNACK  reason 1, server key, salt   (both now hold the AES key and IV)
//! SEND     msg key, encrypted payload      →
//!          ← SENDACK  message ID and seq
//!          ← RECV     msg key, encrypted payload
//! RECVACK  message ID and seq              →
//! PING                                     →
//!          ← PONG
//!          ← DISCONNECT  reason 12: logged in on another device
//! ```
//!
//! Also SUB/SUBACK (subscribing to a channel's live messages) and EVENT (server → client).
//! Each packet's module documents its fields, their types and order: [`packet`]. The numbered
//! values (reason codes, the setting bits, device flags, channel types) are in [`enums`], the
//! key exchange, payload encryption and msgKey signature in [`crypto`].
//!
//! # Versions
//!
//! CONNECT's first byte asks for a protocol version; the server answers with
//! [`ProtocolVersion::negotiate`]'s, and both sides then lay SEND and RECV out for it. This
//! crate speaks versions 2 to 5, every version a published SDK sends:
//!
//! - **2**: `wukongimjssdk` 1.0.4 to 1.2.7 (npm). CONNACK is time diff, reason code, server
//!   key and salt only: no server version, no node ID.
//! - **3**: adds `expire` (u32) to SEND, after the channel type, and RECV, after the channel
//!   type.
//! - **4**: the iOS, Android and Flutter SDKs, and `wukongimjssdk` 1.2.8 to 1.3.1. CONNACK sets
//!   HAS_SERVER_VERSION and carries the server's version first and the node ID (u64) last.
//! - **5**: `wukongimjssdk` 1.3.2 on. SEND and RECV no longer carry stream fields (in 2–4 they
//!   follow the setting's STREAM bit).
//!
//! Versions 0 and 1 (`wukongimjssdk` 1.0.3 and before) are refused. WuKongIM's current server
//! has a version 6 (64-bit message sequence numbers) that no published SDK sends; a client
//! asking for it, or anything newer, is answered with 5.
//!
//! # Sources
//!
//! The layouts and numbers were learned from WuKongIM's public protocol documentation
//! ("Binary Protocol" in the WuKongIMDocs repository), its Go protocol package
//! (WuKongIMGoProto, and the `pkg/protocol` packages of the WuKongIM server, which also hold
//! the key exchange and msgKey code), and the published SDKs: `wukongimjssdk` on npm and the
//! WuKongIMJSSDK, WuKongIMiOSSDK, WuKongIMAndroidSDK and WuKongIMFlutterSDK repositories on
//! GitHub, for which version each sends and how it reads what the server writes. Where they
//! disagree, the server's reading wins and the module says so. This crate's own tests decode
//! frames recorded from `wukongimjssdk` 1.0.4 byte for byte, and that SDK accepts this crate's
//! CONNACK and RECV (see `tests/fixtures/README.md` and `js/`).

pub mod codec;
pub mod crypto;
pub mod enums;
pub mod error;
pub mod header;
pub mod packet;
mod wire;

pub use codec::{DEFAULT_MAX_REMAINING, WukongCodec};
pub use crypto::{CryptoError, KeyPair, ServerHello, Session, server_handshake};
pub use enums::{
    ChannelType, DeviceFlag, ProtocolVersion, ReasonCode, Setting, StreamFlag, SubAction,
};
pub use error::{CodecError, DecodeError, EncodeError};
pub use header::{Flags, PacketType};
pub use packet::{
    ConnackPacket, ConnectPacket, DisconnectPacket, EventPacket, Packet, RecvPacket, RecvackPacket,
    SendPacket, SendackPacket, SubPacket, SubackPacket, decode, encode, encode_to_vec,
};
pub use wire::MAX_STRING_LEN;
