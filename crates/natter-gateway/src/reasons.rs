//! Which WuKongIM reason code each outcome is: the one place where Natter's errors, the bus's
//! end reasons and malformed frames become the numbers WuKongIM's SDKs read.
//!
//! The SDKs stop reconnecting after any DISCONNECT, and after a CONNACK that refuses; so a
//! condition that may pass (the database busy, the server full, a rate limit) closes the
//! connection without either, and the SDK reconnects after its own delay.

use natter_core::{Error, ErrorKind};
use natter_service::EndReason;
use natter_wukongim::{DecodeError, ReasonCode};

/// The SENDACK reason code of a failed send.
///
/// | Natter's error | reason code |
/// |---|---|
/// | `not_a_member` (left, removed, dismissed), `permission_denied` (never a member) | 3 `SubscriberNotExist` |
/// | `not_found` (no such user or group) | 5 `ChannelNotExist` |
/// | `invalid_conversation_id` (a bad channel ID, messaging oneself) | 16 `ChannelIdError` |
/// | `invalid_argument`, `payload_too_large` (the payload's shape, its size, the client msg no) | 9 `PayloadDecodeError` |
/// | `in_blacklist` (the group's or the peer's blacklist holds the sender) | 4 `InBlacklist` |
/// | `not_in_whitelist` (the group's whitelist lacks the sender) | 13 `NotInWhitelist` |
/// | `muted` (the sender's mute in the group lasts) | 25 `SendBan` |
/// | `message_rejected` (the app's before-send callback refused it) | 11 `NotAllowSend` |
/// | `conflict` (the client msg no was used for another channel) | 28 `IdempotencyConflict` |
/// | `rate_limited` | 22 `RateLimit` |
/// | `unauthenticated` | 2 `AuthFail` |
/// | anything else (`unavailable`, `internal`) | 15 `SystemError` |
pub fn for_send_error(error: &Error) -> ReasonCode {
    match error.kind {
        ErrorKind::NotAMember | ErrorKind::PermissionDenied => ReasonCode::SubscriberNotExist,
        ErrorKind::NotFound => ReasonCode::ChannelNotExist,
        ErrorKind::InvalidConversationId => ReasonCode::ChannelIdError,
        ErrorKind::InvalidArgument | ErrorKind::PayloadTooLarge => ReasonCode::PayloadDecodeError,
        ErrorKind::InBlacklist => ReasonCode::InBlacklist,
        ErrorKind::NotInWhitelist => ReasonCode::NotInWhitelist,
        ErrorKind::Muted => ReasonCode::SendBan,
        ErrorKind::MessageRejected => ReasonCode::NotAllowSend,
        ErrorKind::Conflict => ReasonCode::IdempotencyConflict,
        ErrorKind::RateLimited => ReasonCode::RateLimit,
        ErrorKind::Unauthenticated => ReasonCode::AuthFail,
        ErrorKind::TooManyConversations
        | ErrorKind::MethodNotAllowed
        | ErrorKind::RecallWindowPassed
        | ErrorKind::AlreadyReacted
        | ErrorKind::NotReacted
        | ErrorKind::TooManyReactions
        | ErrorKind::TooManyReactionUsers
        | ErrorKind::TooManyPinnedMessages
        | ErrorKind::GroupFull
        | ErrorKind::Internal
        | ErrorKind::NotConfigured
        | ErrorKind::Unavailable => ReasonCode::SystemError,
    }
}

/// The DISCONNECT that tells a client why the server ended its session. WuKongIM sends 12
/// ("login in other device") for each of these: a replacement, a new token for the device, and
/// the app signing the device out or kicking the connection; the reason text tells them apart.
/// None for a connection the app removed: WuKongIM closes that socket without a DISCONNECT, so
/// that its client connects again.
pub fn for_end(reason: EndReason) -> Option<(ReasonCode, &'static str)> {
    let text = match reason {
        EndReason::Replaced => "login in other device",
        // A WuKongIM connection outlives a slave's refreshed token; the arm is for completeness.
        EndReason::TokenRevoked | EndReason::TokenRefreshed => {
            "the token was replaced or revoked by the app"
        }
        EndReason::Kicked => "signed out by the app",
        EndReason::Removed => return None,
    };
    Some((ReasonCode::ConnectKick, text))
}

/// The DISCONNECT reason code for bytes that are not a frame this server takes: 20
/// `NotSupportHeader` for an unknown packet type, 2 `AuthFail` for a SEND or RECV before
/// CONNECT (which the codec cannot lay out before the version is settled; every other packet
/// before CONNECT gets 2 too), 27 `ProtocolUpgradeRequired` for a protocol version older than
/// 2, 9 `PayloadDecodeError` for the rest (a bad remaining length, a frame over the limit, a
/// truncated or malformed body).
pub fn for_decode(error: &DecodeError) -> ReasonCode {
    match error {
        DecodeError::UnknownPacketType(_) => ReasonCode::NotSupportHeader,
        DecodeError::VersionNotSet(_) => ReasonCode::AuthFail,
        DecodeError::UnsupportedVersion(_) => ReasonCode::ProtocolUpgradeRequired,
        _ => ReasonCode::PayloadDecodeError,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use natter_wukongim::PacketType;

    #[test]
    fn send_errors_map_to_wukongim_codes() {
        let code = |kind| u8::from(for_send_error(&Error::new(kind, "x")));
        assert_eq!(code(ErrorKind::NotAMember), 3);
        assert_eq!(code(ErrorKind::PermissionDenied), 3);
        assert_eq!(code(ErrorKind::NotFound), 5);
        assert_eq!(code(ErrorKind::InvalidConversationId), 16);
        assert_eq!(code(ErrorKind::InvalidArgument), 9);
        assert_eq!(code(ErrorKind::Conflict), 28);
        assert_eq!(code(ErrorKind::RateLimited), 22);
        assert_eq!(code(ErrorKind::Unavailable), 15);
    }

    #[test]
    fn every_end_but_a_removal_is_a_kick() {
        for reason in [
            EndReason::Replaced,
            EndReason::TokenRevoked,
            EndReason::Kicked,
        ] {
            assert_eq!(u8::from(for_end(reason).unwrap().0), 12);
        }
        assert_eq!(
            for_end(EndReason::Replaced).unwrap().1,
            "login in other device"
        );
        assert_eq!(for_end(EndReason::Removed), None);
        assert_eq!(
            u8::from(for_decode(&DecodeError::UnknownPacketType(13))),
            20
        );
        assert_eq!(u8::from(for_decode(&DecodeError::BadRemainingLength)), 9);
        assert_eq!(
            u8::from(for_decode(&DecodeError::VersionNotSet(PacketType::Send))),
            2
        );
    }
}
