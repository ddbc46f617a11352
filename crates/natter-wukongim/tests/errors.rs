//! What the decoder and encoder refuse, and what they say.

use bytes::{Bytes, BytesMut};
use natter_wukongim::header::MAX_REMAINING_LENGTH;
use natter_wukongim::{
    ChannelType, CodecError, ConnackPacket, DecodeError, DisconnectPacket, EncodeError, Flags,
    Packet, PacketType, ProtocolVersion, ReasonCode, SendPacket, Setting, WukongCodec, decode,
    encode_to_vec,
};
use tokio_util::codec::{Decoder, Encoder};

const MAX: usize = natter_wukongim::DEFAULT_MAX_REMAINING;

fn send() -> SendPacket {
    SendPacket {
        flags: Flags::default(),
        setting: Setting::default(),
        client_seq: 1,
        client_msg_no: "m1".into(),
        stream_no: String::new(),
        channel_id: "bob".into(),
        channel_type: ChannelType::Person,
        expire: 0,
        msg_key: "k".into(),
        topic: String::new(),
        payload: Bytes::from_static(b"hi"),
    }
}

#[test]
fn an_oversized_frame_is_refused_from_its_header_alone() {
    let mut codec = WukongCodec::with_max_remaining(100);
    // A SEND header claiming 200 MB, with no body at all.
    let mut buf = BytesMut::from(&[0x30, 0x80, 0x80, 0x80, 0x60][..]);
    match codec.decode(&mut buf) {
        Err(CodecError::Decode(DecodeError::FrameTooLarge { len, max: 100 })) => {
            assert_eq!(len, 0x60 << 21)
        }
        other => panic!("{other:?}"),
    }
    // Nothing was reserved for it.
    assert!(buf.capacity() < 1024);
}

#[test]
fn a_partial_frame_reserves_only_what_is_missing() {
    let mut codec = WukongCodec::new();
    let mut buf = BytesMut::from(&[0x90, 0x05, 0x0c][..]);
    assert!(codec.decode(&mut buf).unwrap().is_none());
    assert_eq!(buf.len(), 3);
    buf.extend_from_slice(&[0x00, 0x02, b'o', b'k']);
    let packet = codec.decode(&mut buf).unwrap().unwrap();
    assert_eq!(
        packet,
        Packet::Disconnect(DisconnectPacket {
            reason_code: ReasonCode::ConnectKick,
            reason: "ok".into()
        })
    );
    assert!(buf.is_empty());
}

#[test]
fn unknown_and_reserved_packet_types_are_refused() {
    assert_eq!(
        decode(&[0x00, 0x00], None, MAX),
        Err(DecodeError::UnknownPacketType(0))
    );
    assert_eq!(
        decode(&[0xf0, 0x00], None, MAX),
        Err(DecodeError::UnknownPacketType(15))
    );
}

#[test]
fn a_fifth_length_byte_is_refused() {
    assert_eq!(
        decode(&[0x30, 0xff, 0xff, 0xff, 0xff, 0x01], None, usize::MAX),
        Err(DecodeError::BadRemainingLength)
    );
}

#[test]
fn truncated_fields_are_named() {
    // DISCONNECT whose reason claims 5 bytes but has 2.
    assert_eq!(
        decode(&[0x90, 0x05, 0x0c, 0x00, 0x05, b'o', b'k'], None, MAX),
        Err(DecodeError::Truncated {
            packet: PacketType::Disconnect,
            field: "reason"
        })
    );
    // SENDACK one byte short of its reason code.
    let mut sendack = vec![0x40, 16];
    sendack.extend([0; 16]);
    assert_eq!(
        decode(&sendack, None, MAX),
        Err(DecodeError::Truncated {
            packet: PacketType::Sendack,
            field: "reason code"
        })
    );
    // A body of nothing.
    assert_eq!(
        decode(&[0x10, 0x00], None, MAX),
        Err(DecodeError::Truncated {
            packet: PacketType::Connect,
            field: "version"
        })
    );
}

#[test]
fn bad_utf8_is_refused() {
    assert_eq!(
        decode(&[0x90, 0x05, 0x0c, 0x00, 0x02, 0xff, 0xfe], None, MAX),
        Err(DecodeError::BadUtf8 {
            packet: PacketType::Disconnect,
            field: "reason"
        })
    );
}

#[test]
fn a_string_length_over_32767_is_refused() {
    // The length 0x8000 is negative as WuKongIM reads it.
    assert_eq!(
        decode(&[0x90, 0x03, 0x0c, 0x80, 0x00], None, MAX),
        Err(DecodeError::StringTooLong {
            packet: PacketType::Disconnect,
            field: "reason"
        })
    );
    let long = Packet::Disconnect(DisconnectPacket {
        reason_code: ReasonCode::SystemError,
        reason: "x".repeat(32_768),
    });
    assert_eq!(
        encode_to_vec(&long, None),
        Err(EncodeError::StringTooLong {
            packet: PacketType::Disconnect,
            field: "reason",
            len: 32_768
        })
    );
}

#[test]
fn trailing_bytes_after_a_fixed_layout_are_refused() {
    assert_eq!(
        decode(&[0x90, 0x04, 0x0c, 0x00, 0x00, 0xaa], None, MAX),
        Err(DecodeError::TrailingBytes {
            packet: PacketType::Disconnect,
            extra: 1
        })
    );
}

#[test]
fn send_and_recv_wait_for_the_version() {
    let bytes = encode_to_vec(&Packet::Send(send()), Some(ProtocolVersion::V2)).unwrap();
    assert_eq!(
        decode(&bytes, None, MAX),
        Err(DecodeError::VersionNotSet(PacketType::Send))
    );
    assert_eq!(
        encode_to_vec(&Packet::Send(send()), None),
        Err(EncodeError::VersionNotSet(PacketType::Send))
    );
    let mut codec = WukongCodec::new();
    assert!(matches!(
        codec.encode(Packet::Send(send()), &mut BytesMut::new()),
        Err(CodecError::Encode(EncodeError::VersionNotSet(
            PacketType::Send
        )))
    ));
    codec.set_version(ProtocolVersion::V2);
    let mut buf = BytesMut::from(&bytes[..]);
    assert_eq!(codec.decode(&mut buf).unwrap(), Some(Packet::Send(send())));
}

#[test]
fn the_same_send_is_laid_out_per_version() {
    let mut packet = send();
    packet.setting = Setting::STREAM;
    packet.stream_no = "s".into();
    packet.expire = 0x0102_0304;
    let p = Packet::Send(packet);
    let v2 = encode_to_vec(&p, Some(ProtocolVersion::V2)).unwrap();
    let v3 = encode_to_vec(&p, Some(ProtocolVersion::V3)).unwrap();
    let v5 = encode_to_vec(&p, Some(ProtocolVersion::V5)).unwrap();
    // v2: setting, seq, "m1", stream "s", "bob", type, key "k", payload.
    assert_eq!(
        v2,
        [
            &[0x30, 23, 0x02, 0, 0, 0, 1, 0, 2, b'm', b'1', 0, 1, b's'][..],
            &[0, 3, b'b', b'o', b'b', 1, 0, 1, b'k', b'h', b'i'],
        ]
        .concat()
    );
    // v3 adds the expire after the channel type.
    assert_eq!(v3.len(), v2.len() + 4);
    assert_eq!(&v3[20..24], &[1, 2, 3, 4]);
    // v5 drops the stream number but keeps the expire.
    assert_eq!(v5.len(), v3.len() - 3);
    // Read on the wrong version, the bytes are something else or nothing.
    assert_ne!(
        decode(&v2, Some(ProtocolVersion::V5), MAX)
            .ok()
            .flatten()
            .map(|x| x.0),
        Some(p.clone().normalized(ProtocolVersion::V5))
    );
}

#[test]
fn connack_describes_itself() {
    let v2 = ConnackPacket::accept(ProtocolVersion::V2, -5, "key".into(), "salt".into(), 9);
    assert_eq!(v2.server_version, None);
    assert_eq!(v2.node_id, 0);
    let bytes = encode_to_vec(&Packet::Connack(v2.clone()), None).unwrap();
    // Header without HAS_SERVER_VERSION, then time diff, reason, key, salt: nothing more.
    assert_eq!(bytes[0], 0x20);
    assert_eq!(bytes.len(), 2 + 8 + 1 + 5 + 6);
    assert_eq!(
        decode(&bytes, None, MAX).unwrap().unwrap().0,
        Packet::Connack(v2)
    );

    let v4 = ConnackPacket::accept(ProtocolVersion::V4, -5, "key".into(), "salt".into(), 9);
    assert_eq!(v4.server_version, Some(4));
    let bytes = encode_to_vec(&Packet::Connack(v4.clone()), None).unwrap();
    assert_eq!(bytes[0], 0x21);
    assert_eq!(bytes[2], 4);
    assert_eq!(&bytes[bytes.len() - 8..], &9u64.to_be_bytes());
    assert_eq!(
        decode(&bytes, None, MAX).unwrap().unwrap().0,
        Packet::Connack(v4)
    );

    let refused = encode_to_vec(
        &Packet::Connack(ConnackPacket::refuse(ReasonCode::AuthFail)),
        None,
    );
    assert_eq!(
        refused.unwrap(),
        [0x20, 13, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0]
    );
}

#[test]
fn ping_and_pong_are_one_byte_each() {
    assert_eq!(encode_to_vec(&Packet::Ping, None).unwrap(), [0x70]);
    assert_eq!(encode_to_vec(&Packet::Pong, None).unwrap(), [0x80]);
    let mut codec = WukongCodec::new();
    let mut buf = BytesMut::from(&[0x70, 0x70, 0x80][..]);
    assert_eq!(codec.decode(&mut buf).unwrap(), Some(Packet::Ping));
    assert_eq!(codec.decode(&mut buf).unwrap(), Some(Packet::Ping));
    assert_eq!(codec.decode(&mut buf).unwrap(), Some(Packet::Pong));
    assert_eq!(codec.decode(&mut buf).unwrap(), None);
}

#[test]
fn a_stream_ending_inside_a_frame_is_an_error() {
    let mut codec = WukongCodec::new();
    let mut buf = BytesMut::from(&[0x90, 0x05, 0x0c][..]);
    assert!(matches!(codec.decode_eof(&mut buf), Err(CodecError::Io(_))));
    assert_eq!(codec.decode_eof(&mut BytesMut::new()).unwrap(), None);
}

#[test]
fn a_body_too_long_for_any_remaining_length_is_refused() {
    let mut packet = send();
    packet.payload = Bytes::from(vec![0; MAX_REMAINING_LENGTH]);
    assert!(matches!(
        encode_to_vec(&Packet::Send(packet), Some(ProtocolVersion::V5)),
        Err(EncodeError::FrameTooLarge(_))
    ));
}
