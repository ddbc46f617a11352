//! The protocol's numbered values: protocol versions, reason codes, device flags, channel
//! types, subscription actions, stream flags, and the message setting byte.
//!
//! The numbers are WuKongIM's (its server's `frame` package and the SDKs agree on them). Every
//! one-byte enum keeps a value it does not know in `Other`, so a packet from a newer peer still
//! decodes and writes back byte for byte.

use std::fmt;

use crate::error::DecodeError;

/// The protocol versions this crate speaks; CONNECT's first byte asks for one.
///
/// | version | who sends it | what it adds |
/// |---|---|---|
/// | 2 | `wukongimjssdk` up to 1.2.7 | stream fields in SEND and RECV when the setting's stream bit is set |
/// | 3 | — | `expire` (u32) in SEND and RECV |
/// | 4 | iOS, Android and Flutter SDKs; `wukongimjssdk` 1.2.8–1.3.1 | CONNACK's node ID; the server's version in CONNACK when the client asked for more than 3 |
/// | 5 | `wukongimjssdk` 1.3.2 on | the stream fields leave SEND and RECV |
///
/// WuKongIM's current server also has a version 6 (64-bit message sequence numbers in
/// SENDACK, RECV and RECVACK) that no published SDK sends yet; a client asking for it is
/// answered with 5, which every SDK that reads the server's version accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProtocolVersion {
    V2 = 2,
    V3 = 3,
    V4 = 4,
    V5 = 5,
}

impl ProtocolVersion {
    /// Every supported version, oldest first.
    pub const ALL: [Self; 4] = [Self::V2, Self::V3, Self::V4, Self::V5];
    /// The newest version this crate speaks.
    pub const LATEST: Self = Self::V5;

    /// The version with this number, if this crate speaks it.
    pub fn from_u8(value: u8) -> Option<Self> {
        Some(match value {
            2 => Self::V2,
            3 => Self::V3,
            4 => Self::V4,
            5 => Self::V5,
            _ => return None,
        })
    }

    /// The version a server answers a CONNECT asking for `requested` with: the same, or this
    /// crate's newest when the client asks for more, as WuKongIM's server does.
    ///
    /// WuKongIM also takes 0 to mean "the newest"; no SDK sends 0, so here 0 and 1 are
    /// refused like any version older than 2.
    pub fn negotiate(requested: u8) -> Result<Self, DecodeError> {
        if requested > Self::LATEST as u8 {
            return Ok(Self::LATEST);
        }
        Self::from_u8(requested).ok_or(DecodeError::UnsupportedVersion(requested))
    }

    /// The version's number.
    pub fn as_u8(self) -> u8 {
        self as u8
    }

    /// SEND and RECV carry `expire` (from version 3).
    pub fn has_expire(self) -> bool {
        self >= Self::V3
    }

    /// SEND and RECV carry stream fields when the setting's stream bit is set (versions 2–4).
    pub fn has_stream_fields(self) -> bool {
        self <= Self::V4
    }

    /// CONNACK carries the node ID (from version 4).
    pub fn has_node_id(self) -> bool {
        self >= Self::V4
    }

    /// CONNACK carries the server's version and sets its header flag (from version 4: WuKongIM
    /// sets it when the client asked for more than 3).
    pub fn has_server_version(self) -> bool {
        self >= Self::V4
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_u8())
    }
}

/// Declares a one-byte enum with WuKongIM's numbers and an `Other(u8)` for the rest.
macro_rules! byte_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this crate has no name for, kept as it came.
            Other(u8),
        }

        impl From<u8> for $name {
            fn from(value: u8) -> Self {
                match value {
                    $( $value => Self::$variant, )*
                    other => Self::Other(other),
                }
            }
        }

        impl From<$name> for u8 {
            fn from(value: $name) -> u8 {
                match value {
                    $( $name::$variant => $value, )*
                    $name::Other(other) => other,
                }
            }
        }
    };
}

byte_enum! {
    /// The reason code of CONNACK, SENDACK, SUBACK and DISCONNECT, numbered as WuKongIM's
    /// server numbers them.
    ///
    /// A DISCONNECT with [`ReasonCode::ConnectKick`] (12) is how the server tells a device that
    /// the account logged in on another device of the same kind; the SDKs stop reconnecting
    /// after any DISCONNECT. Note that a successful CONNACK is 1, not 0.
    pub enum ReasonCode {
        Unknown = 0,
        Success = 1,
        AuthFail = 2,
        SubscriberNotExist = 3,
        InBlacklist = 4,
        ChannelNotExist = 5,
        UserNotOnNode = 6,
        SenderOffline = 7,
        MsgKeyError = 8,
        PayloadDecodeError = 9,
        ForwardSendPacketError = 10,
        NotAllowSend = 11,
        /// Kicked: the account logged in on another device ("login in other device").
        ConnectKick = 12,
        NotInWhitelist = 13,
        QueryTokenError = 14,
        SystemError = 15,
        ChannelIdError = 16,
        NodeMatchError = 17,
        NodeNotMatch = 18,
        Ban = 19,
        NotSupportHeader = 20,
        ClientKeyIsEmpty = 21,
        RateLimit = 22,
        NotSupportChannelType = 23,
        Disband = 24,
        SendBan = 25,
        ChannelDeleting = 26,
        ProtocolUpgradeRequired = 27,
        IdempotencyConflict = 28,
        MessageSeqExhausted = 29,
    }
}

byte_enum! {
    /// CONNECT's device flag. One device of each flag per account: a new login with the same
    /// flag replaces the old one (which is sent DISCONNECT [`ReasonCode::ConnectKick`]).
    pub enum DeviceFlag {
        App = 0,
        Web = 1,
        Pc = 2,
        System = 99,
    }
}

byte_enum! {
    /// A channel's type, in SEND, RECV, SUB and SUBACK. A person channel's ID is the other
    /// user's UID.
    pub enum ChannelType {
        Person = 1,
        Group = 2,
        CustomerService = 3,
        Community = 4,
        CommunityTopic = 5,
        Info = 6,
        Data = 7,
        Temp = 8,
        Live = 9,
        Visitors = 10,
        Agent = 11,
        AgentGroup = 12,
    }
}

byte_enum! {
    /// SUB's and SUBACK's action.
    pub enum SubAction {
        Subscribe = 0,
        Unsubscribe = 1,
    }
}

byte_enum! {
    /// RECV's stream flag (versions 2–4, stream messages only).
    pub enum StreamFlag {
        Start = 0,
        Ing = 1,
        End = 2,
    }
}

/// The message setting byte of SEND, RECV and SUB: bit flags, kept whole (reserved bits
/// included) so a packet writes back as it came.
///
/// ```text
/// bit   7        6   5       4           3      2   1       0
///       RECEIPT  -   SIGNAL  NO_ENCRYPT  TOPIC  -   STREAM  -
/// ```
///
/// `TOPIC` decides whether SEND and RECV carry a topic string; `STREAM` whether they carry
/// stream fields (versions 2–4 only). `NO_ENCRYPT` means the payload is plain: the server
/// neither checks the msgKey nor decrypts it. The JS SDK before 1.3.0 put its stream bit at
/// bit 2 instead (and never set it for ordinary messages); WuKongIM's server and every later
/// SDK use bit 1, as here.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Setting(pub u8);

impl Setting {
    /// The message wants read receipts.
    pub const RECEIPT: Self = Self(1 << 7);
    /// The payload is Signal-encrypted end to end (the SDKs define it but do not use it).
    pub const SIGNAL: Self = Self(1 << 5);
    /// The payload is not encrypted, and the msgKey not checked.
    pub const NO_ENCRYPT: Self = Self(1 << 4);
    /// The packet carries a topic.
    pub const TOPIC: Self = Self(1 << 3);
    /// A stream message; in versions 2–4 the packet carries stream fields.
    pub const STREAM: Self = Self(1 << 1);

    /// The raw byte.
    pub fn bits(self) -> u8 {
        self.0
    }

    /// Whether every bit of `other` is set.
    pub fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// These bits and `other`'s.
    pub fn with(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// These bits without `other`'s.
    pub fn without(self, other: Self) -> Self {
        Self(self.0 & !other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_codes_have_wukongims_numbers() {
        assert_eq!(u8::from(ReasonCode::Success), 1);
        assert_eq!(u8::from(ReasonCode::AuthFail), 2);
        assert_eq!(u8::from(ReasonCode::MsgKeyError), 8);
        assert_eq!(u8::from(ReasonCode::ConnectKick), 12);
        assert_eq!(u8::from(ReasonCode::ClientKeyIsEmpty), 21);
        assert_eq!(u8::from(ReasonCode::MessageSeqExhausted), 29);
        assert_eq!(ReasonCode::from(30), ReasonCode::Other(30));
        for value in 0..=u8::MAX {
            assert_eq!(u8::from(ReasonCode::from(value)), value);
            assert_eq!(u8::from(DeviceFlag::from(value)), value);
            assert_eq!(u8::from(ChannelType::from(value)), value);
        }
    }

    #[test]
    fn setting_bits_are_wukongims() {
        assert_eq!(Setting::RECEIPT.bits(), 0x80);
        assert_eq!(Setting::SIGNAL.bits(), 0x20);
        assert_eq!(Setting::NO_ENCRYPT.bits(), 0x10);
        assert_eq!(Setting::TOPIC.bits(), 0x08);
        assert_eq!(Setting::STREAM.bits(), 0x02);
        let s = Setting::default()
            .with(Setting::TOPIC)
            .with(Setting::RECEIPT);
        assert!(s.contains(Setting::TOPIC) && !s.contains(Setting::STREAM));
        assert_eq!(s.without(Setting::TOPIC), Setting::RECEIPT);
    }

    #[test]
    fn negotiation_caps_at_the_latest_and_refuses_the_oldest() {
        assert_eq!(ProtocolVersion::negotiate(2), Ok(ProtocolVersion::V2));
        assert_eq!(ProtocolVersion::negotiate(4), Ok(ProtocolVersion::V4));
        assert_eq!(ProtocolVersion::negotiate(6), Ok(ProtocolVersion::V5));
        assert_eq!(
            ProtocolVersion::negotiate(1),
            Err(DecodeError::UnsupportedVersion(1))
        );
        assert_eq!(
            ProtocolVersion::negotiate(0),
            Err(DecodeError::UnsupportedVersion(0))
        );
    }
}
