//! Property tests: every packet, on every supported version, reads back as written; any bytes
//! either decode or give an error, never a panic; and the codec finds the same packets however
//! the stream is cut.

use bytes::{Bytes, BytesMut};
use natter_wukongim::{
    ConnackPacket, ConnectPacket, DisconnectPacket, EventPacket, Flags, Packet, ProtocolVersion,
    RecvPacket, RecvackPacket, SendPacket, SendackPacket, Setting, SubPacket, SubackPacket,
    WukongCodec, decode, encode_to_vec,
};
use proptest::prelude::*;
use tokio_util::codec::Decoder;

const MAX: usize = natter_wukongim::DEFAULT_MAX_REMAINING;

fn version() -> impl Strategy<Value = ProtocolVersion> {
    prop::sample::select(ProtocolVersion::ALL.to_vec())
}

fn text() -> impl Strategy<Value = String> {
    // Any characters, multi-byte ones included.
    "\\PC{0,24}"
}

fn payload() -> impl Strategy<Value = Bytes> {
    prop::collection::vec(any::<u8>(), 0..96).prop_map(Bytes::from)
}

fn flags() -> impl Strategy<Value = Flags> {
    (0u8..16).prop_map(Flags::from_bits)
}

fn setting() -> impl Strategy<Value = Setting> {
    any::<u8>().prop_map(Setting)
}

fn connect() -> impl Strategy<Value = Packet> {
    (
        any::<u8>(),
        any::<u8>(),
        text(),
        text(),
        text(),
        any::<i64>(),
        text(),
    )
        .prop_map(
            |(version, device_flag, device_id, uid, token, client_timestamp, client_key)| {
                Packet::Connect(ConnectPacket {
                    version,
                    device_flag: device_flag.into(),
                    device_id,
                    uid,
                    token,
                    client_timestamp,
                    client_key,
                })
            },
        )
}

fn connack() -> impl Strategy<Value = Packet> {
    (
        prop::option::of(any::<u8>()),
        any::<i64>(),
        any::<u8>(),
        text(),
        text(),
        any::<u64>(),
    )
        .prop_map(
            |(server_version, time_diff, reason, server_key, salt, node_id)| {
                Packet::Connack(ConnackPacket {
                    server_version,
                    time_diff,
                    reason_code: reason.into(),
                    server_key,
                    salt,
                    node_id,
                })
            },
        )
}

fn send() -> impl Strategy<Value = Packet> {
    (
        (flags(), setting(), any::<u32>(), text(), text(), text()),
        (any::<u8>(), any::<u32>(), text(), text(), payload()),
    )
        .prop_map(
            |(
                (flags, setting, client_seq, client_msg_no, stream_no, channel_id),
                (channel_type, expire, msg_key, topic, payload),
            )| {
                Packet::Send(SendPacket {
                    flags,
                    setting,
                    client_seq,
                    client_msg_no,
                    stream_no,
                    channel_id,
                    channel_type: channel_type.into(),
                    expire,
                    msg_key,
                    topic,
                    payload,
                })
            },
        )
}

fn recv() -> impl Strategy<Value = Packet> {
    (
        (
            flags(),
            setting(),
            text(),
            text(),
            text(),
            any::<u8>(),
            any::<u32>(),
        ),
        (text(), any::<u8>(), text(), any::<u64>()),
        (any::<u64>(), any::<u32>(), any::<u32>(), text(), payload()),
    )
        .prop_map(
            |(
                (flags, setting, msg_key, from_uid, channel_id, channel_type, expire),
                (client_msg_no, stream_flag, stream_no, stream_id),
                (message_id, message_seq, timestamp, topic, payload),
            )| {
                Packet::Recv(RecvPacket {
                    flags,
                    setting,
                    msg_key,
                    from_uid,
                    channel_id,
                    channel_type: channel_type.into(),
                    expire,
                    client_msg_no,
                    stream_flag: stream_flag.into(),
                    stream_no,
                    stream_id,
                    message_id,
                    message_seq,
                    timestamp,
                    topic,
                    payload,
                })
            },
        )
}

fn packet() -> impl Strategy<Value = Packet> {
    prop_oneof![
        connect(),
        connack(),
        send(),
        (any::<u64>(), any::<u32>(), any::<u32>(), any::<u8>()).prop_map(
            |(message_id, client_seq, message_seq, reason)| Packet::Sendack(SendackPacket {
                message_id,
                client_seq,
                message_seq,
                reason_code: reason.into(),
            })
        ),
        recv(),
        (flags(), any::<u64>(), any::<u32>()).prop_map(|(flags, message_id, message_seq)| {
            Packet::Recvack(RecvackPacket {
                flags,
                message_id,
                message_seq,
            })
        }),
        Just(Packet::Ping),
        Just(Packet::Pong),
        (any::<u8>(), text()).prop_map(|(reason, text)| Packet::Disconnect(DisconnectPacket {
            reason_code: reason.into(),
            reason: text,
        })),
        (setting(), text(), text(), any::<u8>(), any::<u8>(), text()).prop_map(
            |(setting, sub_no, channel_id, channel_type, action, param)| {
                Packet::Sub(SubPacket {
                    setting,
                    sub_no,
                    channel_id,
                    channel_type: channel_type.into(),
                    action: action.into(),
                    param,
                })
            }
        ),
        (text(), text(), any::<u8>(), any::<u8>(), any::<u8>()).prop_map(
            |(sub_no, channel_id, channel_type, action, reason)| {
                Packet::Suback(SubackPacket {
                    sub_no,
                    channel_id,
                    channel_type: channel_type.into(),
                    action: action.into(),
                    reason_code: reason.into(),
                })
            }
        ),
        (text(), text(), any::<i64>(), payload()).prop_map(|(id, event_type, timestamp, data)| {
            Packet::Event(EventPacket {
                id,
                event_type,
                timestamp,
                data,
            })
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Every packet type, on every version: decode(encode(p)) is p as that version carries it,
    /// and takes exactly the bytes written.
    #[test]
    fn every_packet_round_trips_on_every_version(packet in packet(), version in version()) {
        let bytes = encode_to_vec(&packet, Some(version)).unwrap();
        let (decoded, used) = decode(&bytes, Some(version), MAX).unwrap().unwrap();
        prop_assert_eq!(used, bytes.len());
        prop_assert_eq!(&decoded, &packet.clone().normalized(version));
        // And the normalized packet writes the same bytes again.
        prop_assert_eq!(encode_to_vec(&decoded, Some(version)).unwrap(), bytes);
    }

    /// A frame in a buffer of its own is the same bytes.
    #[test]
    fn a_frame_encoded_on_its_own_is_the_same_bytes(packet in packet(), version in version()) {
        let mut codec = WukongCodec::new();
        codec.set_version(version);
        prop_assert_eq!(
            codec.encode_frame(&packet).unwrap().to_vec(),
            encode_to_vec(&packet, Some(version)).unwrap()
        );
    }

    /// Every prefix of a frame is "not yet", never an error or a wrong packet.
    #[test]
    fn a_partial_frame_waits(packet in packet(), version in version()) {
        let bytes = encode_to_vec(&packet, Some(version)).unwrap();
        for end in 0..bytes.len() {
            prop_assert_eq!(decode(&bytes[..end], Some(version), MAX), Ok(None));
        }
    }

    /// Arbitrary bytes decode or give an error; never a panic. What decodes is a fixpoint:
    /// written and read again, it is itself.
    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..256),
        version in prop::option::of(version()),
    ) {
        if let Ok(Some((packet, used))) = decode(&bytes, version, MAX) {
            prop_assert!(used <= bytes.len());
            let again = encode_to_vec(&packet, version).unwrap();
            let (reread, _) = decode(&again, version, MAX).unwrap().unwrap();
            prop_assert_eq!(reread, packet);
        }
    }

    /// Bytes that look like a header more often: a known type, then anything.
    #[test]
    fn arbitrary_bodies_never_panic(
        kind in 1u8..=12,
        low in 0u8..16,
        body in prop::collection::vec(any::<u8>(), 0..128),
        version in version(),
    ) {
        let mut bytes = vec![kind << 4 | low, body.len() as u8 & 0x7f];
        bytes.extend_from_slice(&body);
        let _ = decode(&bytes, Some(version), MAX);
    }

    /// The codec yields the same packets whatever sizes the stream arrives in.
    #[test]
    fn the_codec_frames_a_stream_however_it_is_cut(
        packets in prop::collection::vec(packet(), 1..8),
        version in version(),
        cuts in prop::collection::vec(1usize..40, 1..64),
    ) {
        let mut stream = Vec::new();
        for packet in &packets {
            stream.extend(encode_to_vec(packet, Some(version)).unwrap());
        }
        let mut codec = WukongCodec::new();
        codec.set_version(version);
        let mut buf = BytesMut::new();
        let mut got = Vec::new();
        let mut rest = &stream[..];
        let mut cuts = cuts.iter().cycle();
        while !rest.is_empty() {
            let n = (*cuts.next().unwrap()).min(rest.len());
            buf.extend_from_slice(&rest[..n]);
            rest = &rest[n..];
            while let Some(packet) = codec.decode(&mut buf).unwrap() {
                got.push(packet);
            }
        }
        let want: Vec<Packet> = packets.into_iter().map(|p| p.normalized(version)).collect();
        prop_assert_eq!(got, want);
        prop_assert!(buf.is_empty());
    }
}
