//! Frames recorded from the real `wukongimjssdk` 1.0.4 (see
//! `tests/fixtures/wukongimjssdk-1.0.4/README.md`), decoded byte for byte: every field is
//! checked, every frame writes back to the same bytes, and the SDK's msg key and ciphertext
//! check out against the session derived from the recorded key exchange.

use bytes::{Bytes, BytesMut};
use natter_wukongim::{
    ChannelType, ConnackPacket, ConnectPacket, CryptoError, DeviceFlag, DisconnectPacket, Flags,
    KeyPair, Packet, ProtocolVersion, ReasonCode, RecvPacket, RecvackPacket, SendPacket,
    SendackPacket, Session, Setting, StreamFlag, SubAction, SubPacket, SubackPacket, WukongCodec,
    encode_to_vec,
};
use tokio_util::codec::Decoder;

/// The recording server's fixed secret and salt.
const SERVER_SECRET: [u8; 32] = [0x5a; 32];
const SALT: &str = "NatterFixtureIV0";

fn frame(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/wukongimjssdk-1.0.4/{name}.hex",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let text = text.trim();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// Decodes a whole recorded frame on version 2, as the gateway's codec would after CONNECT,
/// checks that it was exactly one frame, and that it writes back to the same bytes.
fn decode(name: &str) -> Packet {
    let bytes = frame(name);
    let mut codec = WukongCodec::new();
    codec.set_version(ProtocolVersion::V2);
    let mut buf = BytesMut::from(&bytes[..]);
    let packet = codec.decode(&mut buf).unwrap().unwrap();
    assert!(buf.is_empty(), "{name}: {} bytes left over", buf.len());
    assert_eq!(
        encode_to_vec(&packet, Some(ProtocolVersion::V2)).unwrap(),
        bytes,
        "{name}"
    );
    packet
}

fn connect() -> ConnectPacket {
    match decode("connect") {
        Packet::Connect(p) => p,
        other => panic!("{other:?}"),
    }
}

fn session() -> Session {
    KeyPair::from_secret(SERVER_SECRET)
        .session(&connect().client_key, SALT)
        .unwrap()
}

#[test]
fn connect_from_the_sdk() {
    // CONNECT decodes without a version: it is the packet that settles it.
    let bytes = frame("connect");
    let (packet, used) = natter_wukongim::decode(&bytes, None, 1 << 20)
        .unwrap()
        .unwrap();
    assert_eq!(used, bytes.len());
    assert_eq!(packet, Packet::Connect(connect()));
    assert_eq!(
        connect(),
        ConnectPacket {
            version: 2,
            device_flag: DeviceFlag::Web,
            device_id: "b896c425cf04b00cb4f748e278a0e4caW".into(),
            uid: "alice".into(),
            token: "alice-token".into(),
            client_timestamp: 1_796_173_878_321,
            client_key: "aV4lKTWNjOfbzNcNfYYs0LTb3dxMaWM/dRCk22CspW0=".into(),
        }
    );
    assert_eq!(
        ProtocolVersion::negotiate(connect().version),
        Ok(ProtocolVersion::V2)
    );
}

#[test]
fn connack_the_sdk_accepted() {
    let Packet::Connack(connack) = decode("connack") else {
        panic!()
    };
    let keys = KeyPair::from_secret(SERVER_SECRET);
    assert_eq!(
        connack,
        ConnackPacket {
            server_version: None,
            time_diff: 13,
            reason_code: ReasonCode::Success,
            server_key: keys.public_key(),
            salt: SALT.into(),
            node_id: 0,
        }
    );
    assert_eq!(
        connack.server_key,
        "sNCPNbRoM4FImvsygl5ZFS1H0ZvJ4FDW1alUmEydHiw="
    );
    // Version 2's CONNACK: header 0x20 (no HAS_SERVER_VERSION), and it ends with the salt.
    let bytes = frame("connack");
    assert_eq!(bytes[0], 0x20);
    assert!(bytes.ends_with(SALT.as_bytes()));
    assert_eq!(
        Packet::Connack(ConnackPacket::accept(
            ProtocolVersion::V2,
            13,
            keys.public_key(),
            SALT.into(),
            7
        )),
        Packet::Connack(connack)
    );
}

#[test]
fn send_from_the_sdk_checks_out_and_decrypts() {
    let Packet::Send(send) = decode("send") else {
        panic!()
    };
    assert_eq!(
        send,
        SendPacket {
            flags: Flags {
                red_dot: true,
                ..Flags::default()
            },
            setting: Setting::default(),
            client_seq: 1,
            client_msg_no: "1b0cb9f95ef01f6eec4c0b500446a9883".into(),
            stream_no: String::new(),
            channel_id: "bob".into(),
            channel_type: ChannelType::Person,
            expire: 0,
            msg_key: "250151500f7673f7d06f20957515e815".into(),
            topic: String::new(),
            payload: Bytes::from_static(
                b"wLqe3zcgbTrRbApaukuZaTDl9sgELIOHrLzlhJvasl4u6SRPlTYMvylTPqQ51xf7"
            ),
        }
    );
    // The msg key the SDK computed is the one this crate computes...
    let session = session();
    assert_eq!(session.send_msg_key(&send), send.msg_key);
    // ...and not for a packet changed in any signed field.
    for tamper in [
        |p: &mut SendPacket| p.client_seq += 1,
        |p: &mut SendPacket| p.client_msg_no.push('x'),
        |p: &mut SendPacket| p.channel_id = "mallory".into(),
        |p: &mut SendPacket| p.channel_type = ChannelType::Group,
        |p: &mut SendPacket| p.payload = Bytes::from_static(b"AAAA"),
    ] {
        let mut changed = send.clone();
        tamper(&mut changed);
        assert_eq!(
            session.verify_send(&changed),
            Err(CryptoError::MsgKeyMismatch)
        );
    }
    let mut opened = send.clone();
    session.open_send(&mut opened).unwrap();
    assert_eq!(
        &opened.payload[..],
        br#"{"content":"hello from the SDK","type":1}"#
    );
}

#[test]
fn recv_the_sdk_accepted() {
    let Packet::Recv(recv) = decode("recv") else {
        panic!()
    };
    assert_eq!(
        recv,
        RecvPacket {
            flags: Flags {
                red_dot: true,
                ..Flags::default()
            },
            setting: Setting::default(),
            msg_key: "c3193a9e05815a1c421a56dd2cfcd390".into(),
            from_uid: "bob".into(),
            channel_id: "bob".into(),
            channel_type: ChannelType::Person,
            expire: 0,
            client_msg_no: "natter-1001".into(),
            stream_flag: StreamFlag::Start,
            stream_no: String::new(),
            stream_id: 0,
            message_id: 1001,
            message_seq: 2,
            timestamp: 1_796_173_878,
            topic: String::new(),
            payload: Bytes::from_static(
                b"uZBV5yg8V9TWbhdULfYGIFNy27W2Aa/9RaGAN5MV0UUATe4tvrVw9c4JT+gQtCuL"
            ),
        }
    );
    let session = session();
    assert_eq!(session.recv_msg_key(&recv), recv.msg_key);
    let mut opened = recv.clone();
    session.open_recv(&mut opened).unwrap();
    assert_eq!(
        &opened.payload[..],
        br#"{"type":1,"content":"hello from natter"}"#
    );
}

#[test]
fn the_forged_recv_was_dropped() {
    let Packet::Recv(forged) = decode("recv-forged") else {
        panic!()
    };
    assert_eq!((forged.message_id, forged.message_seq), (1000, 1));
    assert_eq!(forged.msg_key, "0".repeat(32));
    let mut opened = forged.clone();
    assert_eq!(
        session().open_recv(&mut opened),
        Err(CryptoError::MsgKeyMismatch)
    );
    // The one RECVACK acknowledges the genuine RECV, and copies its RED_DOT flag.
    assert_eq!(
        decode("recvack"),
        Packet::Recvack(RecvackPacket {
            flags: Flags {
                red_dot: true,
                ..Flags::default()
            },
            message_id: 1001,
            message_seq: 2,
        })
    );
}

#[test]
fn sub_and_suback() {
    assert_eq!(
        decode("sub"),
        Packet::Sub(SubPacket {
            setting: Setting::default(),
            sub_no: String::new(),
            channel_id: "room".into(),
            channel_type: ChannelType::Data,
            action: SubAction::Subscribe,
            param: "{}".into(),
        })
    );
    assert_eq!(
        decode("suback"),
        Packet::Suback(SubackPacket {
            sub_no: String::new(),
            channel_id: "room".into(),
            channel_type: ChannelType::Data,
            action: SubAction::Subscribe,
            reason_code: ReasonCode::Success,
        })
    );
}

#[test]
fn sendack_ping_pong_and_the_kick() {
    assert_eq!(
        decode("sendack"),
        Packet::Sendack(SendackPacket {
            message_id: 2001,
            client_seq: 1,
            message_seq: 1,
            reason_code: ReasonCode::Success,
        })
    );
    assert_eq!(frame("ping"), [0x70]);
    assert_eq!(decode("ping"), Packet::Ping);
    assert_eq!(frame("pong"), [0x80]);
    assert_eq!(decode("pong"), Packet::Pong);
    assert_eq!(
        decode("disconnect"),
        Packet::Disconnect(DisconnectPacket {
            reason_code: ReasonCode::ConnectKick,
            reason: "login in other device".into(),
        })
    );
}

#[test]
fn the_whole_session_as_one_stream() {
    // The client's frames back to back, cut at every byte, frame the same.
    let names = ["connect", "sub", "recvack", "send", "ping"];
    let stream: Vec<u8> = names.iter().flat_map(|n| frame(n)).collect();
    let mut codec = WukongCodec::new();
    let mut buf = BytesMut::new();
    let mut got = Vec::new();
    for byte in stream {
        buf.extend_from_slice(&[byte]);
        while let Some(packet) = codec.decode(&mut buf).unwrap() {
            if let Packet::Connect(c) = &packet {
                codec.set_version(ProtocolVersion::negotiate(c.version).unwrap());
            }
            got.push(packet.packet_type().to_string());
        }
    }
    assert_eq!(got, ["CONNECT", "SUB", "RECVACK", "SEND", "PING"]);
}
