//! The connection loop over TCP, driven by a Rust client built on `natter-wukongim`: what the
//! JS SDK (protocol 2, always well-formed) cannot show. The later versions' CONNACK, bad
//! frames and bad crypto ending only their own connection, refusals, the RECV retry queue.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use common::{World, fastrand_u64};
use futures_util::{SinkExt, StreamExt};
use natter_core::wire::ChannelRequest;
use natter_gateway::Settings;
use natter_gateway::metrics::Transport;
use natter_service::WuKongImGateway;
use natter_wukongim::{
    ChannelType, ConnackPacket, ConnectPacket, DeviceFlag, Flags, KeyPair, Packet, ProtocolVersion,
    ReasonCode, RecvPacket, RecvackPacket, SendPacket, Session, Setting, SubAction, SubPacket,
    WukongCodec, encode_to_vec,
};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio_util::codec::Framed;

/// How long a test waits for a packet that must come: generous, because it only bounds how long
/// a failing test hangs, and a CONNACK once took over 5 s on a CI machine running two suites.
const WAIT: Duration = Duration::from_secs(30);
/// How long a test waits to be sure a packet does not come.
const QUIET: Duration = Duration::from_millis(300);

/// A connected web client of `uid` on `version`.
async fn client(world: &World, uid: &str, version: u8) -> Client {
    let token = world.token(uid, 1, true).await;
    let (client, connack) = Client::connect(world.address, uid, &token, 1, version, "d1").await;
    assert_eq!(connack.reason_code, ReasonCode::Success, "{connack:?}");
    client
}

/// A WuKongIM client over TCP.
struct Client {
    framed: Framed<TcpStream, WukongCodec>,
    session: Option<Session>,
    client_seq: u32,
}

impl Client {
    async fn open(address: SocketAddr) -> Self {
        let stream = TcpStream::connect(address).await.unwrap();
        Self {
            framed: Framed::new(stream, WukongCodec::new()),
            session: None,
            client_seq: 0,
        }
    }

    fn connect_packet(
        uid: &str,
        token: &str,
        device_flag: u8,
        version: u8,
        keys: &KeyPair,
    ) -> Packet {
        Packet::Connect(ConnectPacket {
            version,
            device_flag: DeviceFlag::from(device_flag),
            device_id: "d1".into(),
            uid: uid.into(),
            token: token.into(),
            client_timestamp: 1_700_000_000_000,
            client_key: keys.public_key(),
        })
    }

    /// Opens a connection and sends CONNECT; on success the session is set up.
    async fn connect(
        address: SocketAddr,
        uid: &str,
        token: &str,
        device_flag: u8,
        version: u8,
        device_id: &str,
    ) -> (Self, ConnackPacket) {
        let mut client = Self::open(address).await;
        let keys = KeyPair::generate().unwrap();
        let mut connect = Self::connect_packet(uid, token, device_flag, version, &keys);
        if let Packet::Connect(packet) = &mut connect {
            packet.device_id = device_id.into();
        }
        client.send(connect).await;
        let Some(Packet::Connack(connack)) = client.next().await else {
            panic!("no CONNACK");
        };
        if connack.reason_code == ReasonCode::Success {
            client.session = Some(keys.session(&connack.server_key, &connack.salt).unwrap());
            let settled = ProtocolVersion::negotiate(version).unwrap();
            client.framed.codec_mut().set_version(settled);
        }
        (client, connack)
    }

    async fn send(&mut self, packet: Packet) {
        self.framed.send(packet).await.unwrap();
    }

    /// Writes raw bytes, as a broken client would.
    async fn send_bytes(&mut self, bytes: &[u8]) {
        self.framed.get_mut().write_all(bytes).await.unwrap();
    }

    /// The next packet; `None` when the server closed.
    async fn next(&mut self) -> Option<Packet> {
        match tokio::time::timeout(WAIT, self.framed.next()).await {
            Ok(Some(Ok(packet))) => Some(packet),
            Ok(Some(Err(error))) => panic!("the server sent a bad frame: {error}"),
            Ok(None) => None,
            Err(_) => panic!("nothing from the server within {WAIT:?}"),
        }
    }

    /// Asserts that nothing arrives for a moment.
    async fn expect_quiet(&mut self) {
        if let Ok(next) = tokio::time::timeout(QUIET, self.framed.next()).await {
            panic!("expected nothing, got {next:?}");
        }
    }

    /// The next RECV, opened (its msg key checked, its payload decrypted).
    async fn recv(&mut self) -> RecvPacket {
        match self.next().await {
            Some(Packet::Recv(mut recv)) => {
                self.session.as_ref().unwrap().open_recv(&mut recv).unwrap();
                recv
            }
            other => panic!("expected a RECV, got {other:?}"),
        }
    }

    async fn ack(&mut self, recv: &RecvPacket) {
        self.send(Packet::Recvack(RecvackPacket {
            flags: recv.flags,
            message_id: recv.message_id,
            message_seq: recv.message_seq,
        }))
        .await;
    }

    /// A sealed SEND of a text, with a fresh client seq.
    fn text(&mut self, channel_id: &str, channel_type: ChannelType, text: &str) -> SendPacket {
        self.client_seq += 1;
        let mut send = SendPacket {
            flags: Flags {
                red_dot: true,
                ..Flags::default()
            },
            setting: Setting::default(),
            client_seq: self.client_seq,
            client_msg_no: format!("n{}-{}", self.client_seq, fastrand_u64()),
            stream_no: String::new(),
            channel_id: channel_id.into(),
            channel_type,
            expire: 0,
            msg_key: String::new(),
            topic: String::new(),
            payload: Bytes::from(json!({"type": 1, "content": text}).to_string()),
        };
        self.session.as_ref().unwrap().seal_send(&mut send);
        send
    }

    /// Sends a sealed packet and returns its SENDACK.
    async fn send_and_ack(&mut self, send: SendPacket) -> natter_wukongim::SendackPacket {
        let client_seq = send.client_seq;
        self.send(Packet::Send(send)).await;
        match self.next().await {
            Some(Packet::Sendack(ack)) => {
                assert_eq!(ack.client_seq, client_seq);
                ack
            }
            other => panic!("expected a SENDACK, got {other:?}"),
        }
    }

    /// Sends a text and returns its SENDACK.
    async fn send_text(
        &mut self,
        channel_id: &str,
        channel_type: ChannelType,
        text: &str,
    ) -> natter_wukongim::SendackPacket {
        let send = self.text(channel_id, channel_type, text);
        self.send_and_ack(send).await
    }

    async fn ping(&mut self) {
        self.send(Packet::Ping).await;
        assert_eq!(self.next().await, Some(Packet::Pong));
    }

    /// Expects DISCONNECT with this reason, then the end of the connection.
    async fn expect_disconnect(&mut self, reason: ReasonCode) {
        match self.next().await {
            Some(Packet::Disconnect(disconnect)) => {
                assert_eq!(disconnect.reason_code, reason, "{disconnect:?}")
            }
            other => panic!("expected DISCONNECT {reason:?}, got {other:?}"),
        }
        self.expect_closed().await;
    }

    async fn expect_closed(&mut self) {
        // The server lingers for the client to close first: closing is the client's turn.
        let _ = self.framed.get_mut().shutdown().await;
        match tokio::time::timeout(WAIT, self.framed.next()).await {
            Ok(None | Some(Err(_))) => {}
            Ok(Some(Ok(packet))) => panic!("expected the end, got {packet:?}"),
            Err(_) => panic!("the connection stayed open"),
        }
    }
}

fn content(recv: &RecvPacket) -> Value {
    serde_json::from_slice(&recv.payload).unwrap()
}

#[tokio::test]
async fn connack_has_each_versions_fields() {
    let world = World::start().await;
    for (asked, answered) in [
        (2, None),
        (3, None),
        (4, Some(4)),
        (5, Some(5)),
        (6, Some(5)),
    ] {
        let token = world.token("alice", 1, false).await;
        let (mut client, connack) =
            Client::connect(world.address, "alice", &token, 1, asked, "d1").await;
        assert_eq!(connack.reason_code, ReasonCode::Success);
        assert_eq!(connack.server_version, answered, "asked for {asked}");
        assert_eq!(connack.node_id, if asked >= 4 { 1 } else { 0 });
        assert_eq!(connack.salt.len(), 16);
        assert!(
            connack.time_diff > 0,
            "the server's clock is past the client's"
        );
        client.ping().await;
    }
}

/// CONNACK carries the server's clock minus the client's, and the client's is whatever it
/// sends: the oldest an i64 can say is answered like any other, not overflowed.
#[tokio::test]
async fn any_client_clock_is_answered() {
    let world = World::start().await;
    let token = world.token("alice", 1, false).await;
    for client_timestamp in [i64::MIN, -1, 0, i64::MAX] {
        let mut client = Client::open(world.address).await;
        let keys = KeyPair::generate().unwrap();
        let mut connect = Client::connect_packet("alice", &token, 1, 5, &keys);
        if let Packet::Connect(packet) = &mut connect {
            packet.client_timestamp = client_timestamp;
        }
        client.send(connect).await;
        match client.next().await {
            Some(Packet::Connack(connack)) => {
                assert_eq!(
                    connack.reason_code,
                    ReasonCode::Success,
                    "{client_timestamp}"
                );
                assert_eq!(
                    connack.time_diff > 0,
                    client_timestamp <= 0,
                    "{client_timestamp}: {connack:?}"
                );
            }
            other => panic!("{client_timestamp}: expected CONNACK, got {other:?}"),
        }
        client.ping().await;
    }
}

#[tokio::test]
async fn send_and_receive_across_versions_without_an_echo() {
    let world = World::start().await;
    let mut alice = client(&world, "alice", 4).await;
    let mut bob = client(&world, "bob", 5).await;
    let send = alice.text("bob", ChannelType::Person, "hello bob");
    let client_msg_no = send.client_msg_no.clone();
    let ack = alice.send_and_ack(send).await;
    assert_eq!(ack.reason_code, ReasonCode::Success);
    assert_eq!(ack.message_seq, 1);
    assert!(ack.message_id > 0);
    let recv = bob.recv().await;
    assert_eq!(
        (recv.from_uid.as_str(), recv.channel_id.as_str()),
        ("alice", "alice")
    );
    assert_eq!(recv.channel_type, ChannelType::Person);
    assert_eq!((recv.message_id, recv.message_seq), (ack.message_id, 1));
    assert_eq!(recv.client_msg_no, client_msg_no);
    assert!(recv.flags.red_dot && !recv.flags.no_persist);
    assert_eq!(content(&recv), json!({"type": 1, "content": "hello bob"}));
    bob.ack(&recv).await;
    // alice's own message does not come back to the connection that sent it.
    alice.ping().await;
    alice.expect_quiet().await;
    // Bob answers; the same client message number again is the same message.
    let reply = bob.text("alice", ChannelType::Person, "hi alice");
    let again = reply.clone();
    let first = bob.send_and_ack(reply).await;
    let second = bob.send_and_ack(again).await;
    assert_eq!(first.message_id, second.message_id, "de-duplicated");
    assert_eq!(alice.recv().await.message_id, first.message_id);
    alice.expect_quiet().await;
}

#[tokio::test]
async fn a_send_that_asks_for_read_receipts_reaches_the_peer_asking() {
    let world = World::start().await;
    let mut alice = client(&world, "alice", 4).await;
    let mut bob = client(&world, "bob", 5).await;
    let mut asking = alice.text("bob", ChannelType::Person, "read me");
    asking.setting = Setting::RECEIPT;
    // Sealed again from the plain payload, the setting now in it.
    asking.payload = Bytes::from(json!({"type": 1, "content": "read me"}).to_string());
    alice.session.clone().unwrap().seal_send(&mut asking);
    assert_eq!(
        alice.send_and_ack(asking).await.reason_code,
        ReasonCode::Success
    );
    let recv = bob.recv().await;
    assert!(recv.setting.contains(Setting::RECEIPT), "{recv:?}");
    bob.ack(&recv).await;
    alice.send_text("bob", ChannelType::Person, "plain").await;
    let plain = bob.recv().await;
    assert!(!plain.setting.contains(Setting::RECEIPT), "{plain:?}");
}

#[tokio::test]
async fn messages_not_kept_have_no_seq_and_groups_need_membership() {
    let world = World::start().await;
    let mut alice = client(&world, "alice", 5).await;
    let mut bob = client(&world, "bob", 5).await;
    world.token("carol", 0, true).await;
    world
        .natter
        .upsert_group(ChannelRequest {
            channel_id: "team".into(),
            channel_type: 2,
            subscribers: vec!["alice".into(), "bob".into()],
            reset: 0,
            new_members_see_history: None,
            ban: None,
            disband: None,
            temp_subscriber: None,
        })
        .await
        .unwrap();
    let mut transient = alice.text("team", ChannelType::Group, "typing…");
    transient.flags.no_persist = true;
    let ack = alice.send_and_ack(transient).await;
    assert_eq!((ack.reason_code, ack.message_seq), (ReasonCode::Success, 0));
    let recv = bob.recv().await;
    assert_eq!(
        (recv.channel_id.as_str(), recv.channel_type),
        ("team", ChannelType::Group)
    );
    assert!(recv.flags.no_persist);
    let mut carol = client(&world, "carol", 5).await;
    let refused = carol
        .send_text("team", ChannelType::Group, "let me in")
        .await;
    assert_eq!(refused.reason_code, ReasonCode::SubscriberNotExist);
    let nobody = carol.send_text("nobody", ChannelType::Group, "?").await;
    assert_eq!(nobody.reason_code, ReasonCode::ChannelNotExist);
    let to_self = carol.send_text("carol", ChannelType::Person, "me").await;
    assert_eq!(to_self.reason_code, ReasonCode::ChannelIdError);
    carol.ping().await;
}

#[tokio::test]
async fn unsupported_settings_channels_and_subscriptions_are_refused() {
    let world = World::start().await;
    let mut alice = client(&world, "alice", 4).await;
    world.token("bob", 1, true).await;
    let session = alice.session.clone().unwrap();
    for bit in [Setting::STREAM, Setting::TOPIC, Setting::SIGNAL] {
        let mut send = alice.text("bob", ChannelType::Person, "x");
        send.setting = bit;
        send.stream_no = "s1".into();
        send.topic = "t".into();
        send.payload = Bytes::from(json!({"type": 1, "content": "x"}).to_string());
        session.seal_send(&mut send);
        let ack = alice.send_and_ack(send).await;
        assert_eq!(ack.reason_code, ReasonCode::NotSupportHeader, "{bit:?}");
    }
    let data = alice.text("room", ChannelType::Data, "x");
    assert_eq!(
        alice.send_and_ack(data).await.reason_code,
        ReasonCode::NotSupportChannelType
    );
    let mut not_json = alice.text("bob", ChannelType::Person, "x");
    not_json.payload = Bytes::from_static(b"plain text");
    session.seal_send(&mut not_json);
    assert_eq!(
        alice.send_and_ack(not_json).await.reason_code,
        ReasonCode::PayloadDecodeError
    );
    for (action, reason) in [
        (SubAction::Subscribe, ReasonCode::NotSupportChannelType),
        (SubAction::Unsubscribe, ReasonCode::Success),
    ] {
        alice
            .send(Packet::Sub(SubPacket {
                setting: Setting::default(),
                sub_no: "s".into(),
                channel_id: "room".into(),
                channel_type: ChannelType::Live,
                action,
                param: String::new(),
            }))
            .await;
        match alice.next().await {
            Some(Packet::Suback(suback)) => {
                assert_eq!((suback.reason_code, suback.action), (reason, action));
                assert_eq!(suback.channel_id, "room");
            }
            other => panic!("expected a SUBACK, got {other:?}"),
        }
    }
    // A message without encryption is the client's choice, and is taken.
    let mut plain = alice.text("bob", ChannelType::Person, "x");
    plain.setting = Setting::NO_ENCRYPT;
    plain.msg_key.clear();
    plain.payload = Bytes::from(json!({"type": 1, "content": "plain"}).to_string());
    assert_eq!(
        alice.send_and_ack(plain).await.reason_code,
        ReasonCode::Success
    );
    alice.ping().await;
}

#[tokio::test]
async fn refusals_are_a_connack_with_the_reason() {
    let world = World::start().await;
    let token = world.token("alice", 1, true).await;
    let cases = [
        ("alice", "not-a-token-at-all", 1, 4, ReasonCode::AuthFail),
        ("mallory", token.as_str(), 1, 4, ReasonCode::AuthFail),
        ("alice", token.as_str(), 0, 4, ReasonCode::AuthFail),
        (
            "alice",
            "manager-token-for-tests",
            1,
            4,
            ReasonCode::AuthFail,
        ),
        (
            "alice",
            token.as_str(),
            1,
            1,
            ReasonCode::ProtocolUpgradeRequired,
        ),
    ];
    for (uid, token, device_flag, version, reason) in cases {
        let (mut client, connack) =
            Client::connect(world.address, uid, token, device_flag, version, "d1").await;
        assert_eq!(
            connack.reason_code, reason,
            "{uid} {device_flag} v{version}"
        );
        assert_eq!(connack.server_version, None);
        assert!(connack.server_key.is_empty());
        client.expect_closed().await;
    }
    let mut client = Client::open(world.address).await;
    let keys = KeyPair::generate().unwrap();
    let mut connect = Client::connect_packet("alice", &token, 1, 4, &keys);
    if let Packet::Connect(packet) = &mut connect {
        packet.client_key.clear();
    }
    client.send(connect).await;
    match client.next().await {
        Some(Packet::Connack(connack)) => {
            assert_eq!(connack.reason_code, ReasonCode::ClientKeyIsEmpty)
        }
        other => panic!("expected CONNACK, got {other:?}"),
    }
}

#[tokio::test]
async fn bad_input_closes_only_its_own_connection() {
    let world = World::start().await;
    let mut bob = client(&world, "bob", 5).await;

    // Before CONNECT, nothing but CONNECT.
    let mut early = Client::open(world.address).await;
    early.send(Packet::Ping).await;
    early.expect_disconnect(ReasonCode::AuthFail).await;
    // Not even a SEND, which cannot be read before CONNECT settles the protocol version.
    let mut early = Client::open(world.address).await;
    let send = bob.text("alice", ChannelType::Person, "too soon");
    early
        .send_bytes(&encode_to_vec(&Packet::Send(send), Some(ProtocolVersion::V5)).unwrap())
        .await;
    early.expect_disconnect(ReasonCode::AuthFail).await;

    // An unknown packet type (13), then a remaining length that never ends, then a frame
    // over the 1 MiB limit, then a SEND that stops in the middle of a field.
    for (bytes, reason) in [
        (&[0xd0, 0x00][..], ReasonCode::NotSupportHeader),
        (
            &[0x30, 0xff, 0xff, 0xff, 0xff, 0x01][..],
            ReasonCode::PayloadDecodeError,
        ),
        (
            &[0x30, 0x81, 0x80, 0x40][..],
            ReasonCode::PayloadDecodeError,
        ),
        (
            &[0x30, 0x03, 0x00, 0x00, 0x00][..],
            ReasonCode::PayloadDecodeError,
        ),
    ] {
        let mut alice = client(&world, "alice", 5).await;
        alice.send_bytes(bytes).await;
        alice.expect_disconnect(reason).await;
    }

    // A packet only a server sends.
    let mut alice = client(&world, "alice", 5).await;
    alice.send(Packet::Pong).await;
    alice.expect_disconnect(ReasonCode::NotSupportHeader).await;

    // A msg key that does not sign the SEND, then a payload that is not this session's.
    let mut alice = client(&world, "alice", 5).await;
    let mut forged = alice.text("bob", ChannelType::Person, "x");
    forged.msg_key = "0".repeat(32);
    let ack = alice.send_and_ack(forged).await;
    assert_eq!(ack.reason_code, ReasonCode::MsgKeyError);
    alice.expect_disconnect(ReasonCode::MsgKeyError).await;

    let mut alice = client(&world, "alice", 5).await;
    let mut garbled = alice.text("bob", ChannelType::Person, "x");
    // Ten bytes, not a whole AES block, so that no session key decrypts them. (One block of
    // 16 decrypted under about 1 key in 256 to bytes with valid padding: a SEND that decrypts
    // but holds no JSON is refused without ending the connection, and the test waited.)
    garbled.payload = Bytes::from_static(b"bm90IGNpcGhlcg==");
    garbled.msg_key = alice.session.as_ref().unwrap().send_msg_key(&garbled);
    let ack = alice.send_and_ack(garbled).await;
    assert_eq!(ack.reason_code, ReasonCode::PayloadDecodeError);
    alice
        .expect_disconnect(ReasonCode::PayloadDecodeError)
        .await;

    // A second CONNECT on a connected session.
    let mut alice = client(&world, "alice", 5).await;
    let keys = KeyPair::generate().unwrap();
    alice
        .send(Client::connect_packet(
            "alice",
            "whatever-token",
            1,
            5,
            &keys,
        ))
        .await;
    alice.expect_disconnect(ReasonCode::NotSupportHeader).await;

    // Bob was never disturbed: his connection still answers and still receives.
    bob.ping().await;
    let mut alice = client(&world, "alice", 5).await;
    let ack = alice
        .send_text("bob", ChannelType::Person, "still there?")
        .await;
    assert_eq!(ack.reason_code, ReasonCode::Success);
    assert_eq!(content(&bob.recv().await)["content"], "still there?");
}

/// After a malformed frame the server still reads what the client sends behind it, dropping
/// it, until the client closes: closing with it unread would reset the connection, and a reset
/// can destroy the DISCONNECT before the client reads it.
#[tokio::test]
async fn a_bad_frame_with_more_behind_it_is_answered_without_a_reset() {
    let world = World::start().await;
    let mut alice = client(&world, "alice", 5).await;
    let mut bytes = vec![0xd0, 0x00];
    bytes.extend(std::iter::repeat_n(0x70, 100_000));
    alice.send_bytes(&bytes).await;
    match alice.next().await {
        Some(Packet::Disconnect(disconnect)) => {
            assert_eq!(disconnect.reason_code, ReasonCode::NotSupportHeader)
        }
        other => panic!("expected DISCONNECT, got {other:?}"),
    }
    // Long enough for a reset to arrive, if the server sent one: then this write fails.
    tokio::time::sleep(QUIET).await;
    alice.send_bytes(&[0x70]).await;
    alice.expect_closed().await;
}

/// A connection that does not finish its CONNECT within [`natter_gateway::CONNECT_TIMEOUT`]
/// is closed without a word and frees its place under `--max-connections`: here, one that
/// announced a CONNECT of nearly 1 MiB and sent none of it.
#[tokio::test]
async fn a_connect_that_never_completes_is_closed_and_frees_its_place() {
    let world = World::start_with(Settings::default(), 1).await;
    let mut slow = Client::open(world.address).await;
    slow.send_bytes(&[0x10, 0xff, 0xff, 0x3f]).await;
    let mut turned_away = Client::open(world.address).await;
    turned_away.expect_closed().await;

    assert_eq!(slow.next().await, None, "closed, without DISCONNECT");
    let waited = std::time::Instant::now();
    while world.gateway.metrics.connections(Transport::Tcp) > 0 {
        assert!(waited.elapsed() < WAIT, "the connection never ended");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let token = world.token("alice", 1, true).await;
    let (mut alice, connack) = Client::connect(world.address, "alice", &token, 1, 5, "d1").await;
    assert_eq!(connack.reason_code, ReasonCode::Success);
    alice.ping().await;
}

#[tokio::test]
async fn unacknowledged_recvs_come_again_on_the_next_connection_only() {
    let world = World::start().await;
    let mut alice = client(&world, "alice", 5).await;
    let bob_token = world.token("bob", 1, true).await;
    let connect = |device_id: &'static str| {
        let token = bob_token.clone();
        let address = world.address;
        async move {
            let (client, connack) = Client::connect(address, "bob", &token, 1, 5, device_id).await;
            assert_eq!(connack.reason_code, ReasonCode::Success);
            client
        }
    };
    let mut bob = connect("d1").await;
    let mut sent = Vec::new();
    for n in 1..=3 {
        let text = format!("m{n}");
        let ack = alice.send_text("bob", ChannelType::Person, &text).await;
        sent.push(ack.message_id);
    }
    // Bob gets all three, acknowledges the first only, and goes away.
    let first = bob.recv().await;
    bob.ack(&first).await;
    bob.recv().await;
    bob.recv().await;
    bob.ping().await;
    drop(bob);

    // His next connection gets the two he did not acknowledge, once, in order.
    let mut bob = connect("d1").await;
    let again = [bob.recv().await, bob.recv().await];
    assert_eq!(
        again.iter().map(|recv| recv.message_id).collect::<Vec<_>>(),
        sent[1..]
    );
    assert_eq!(content(&again[0])["content"], "m2");
    bob.expect_quiet().await;
    for recv in &again {
        bob.ack(recv).await;
    }
    bob.ping().await;
    drop(bob);

    // Acknowledged: never again.
    let mut bob = connect("d1").await;
    bob.expect_quiet().await;
    bob.ping().await;
}

#[tokio::test]
async fn a_client_that_reconnects_over_its_half_open_connection_gets_what_it_held() {
    let world = World::start().await;
    let mut alice = client(&world, "alice", 5).await;
    // A master device (the bus replaces its old connection) and a slave one (it does not; the
    // same device ID does).
    for (uid, master) in [("bob", true), ("carol", false)] {
        let token = world.token(uid, 1, master).await;
        let (mut old, _) = Client::connect(world.address, uid, &token, 1, 5, "phone").await;
        let ack = alice
            .send_text(uid, ChannelType::Person, "while you blinked")
            .await;
        let recv = old.recv().await;
        assert_eq!(recv.message_id, ack.message_id);
        // The same client reconnects while the server still holds the old connection (which
        // it never acknowledged on): the old one is closed without a DISCONNECT, and the new
        // one gets the message.
        let (mut new, connack) = Client::connect(world.address, uid, &token, 1, 5, "phone").await;
        assert_eq!(connack.reason_code, ReasonCode::Success);
        assert_eq!(new.recv().await.message_id, ack.message_id, "{uid}");
        old.expect_closed().await;
        new.ping().await;
        new.expect_quiet().await;
    }
}

#[tokio::test]
async fn a_master_login_of_another_client_kicks_with_reason_12() {
    let world = World::start().await;
    let token = world.token("bob", 1, true).await;
    let (mut first, _) = Client::connect(world.address, "bob", &token, 1, 5, "laptop").await;
    let (mut second, _) = Client::connect(world.address, "bob", &token, 1, 5, "desktop").await;
    first.expect_disconnect(ReasonCode::ConnectKick).await;
    second.ping().await;
    // A new token for the device as a slave leaves its connections, as WuKongIM does; as a
    // master, it ends them.
    let _ = world.token("bob", 1, false).await;
    second.ping().await;
    let _ = world.token("bob", 1, true).await;
    second.expect_disconnect(ReasonCode::ConnectKick).await;
}

#[tokio::test]
async fn limits_idle_clients_and_shutdown() {
    let settings = Settings {
        idle_timeout: Duration::from_millis(800),
        max_connections_per_user: 1,
        ..Settings::default()
    };
    let world = World::start_with(settings, 2).await;
    let token = world.token("alice", 1, false).await;
    let (mut first, _) = Client::connect(world.address, "alice", &token, 1, 5, "a").await;
    let (mut second, connack) = Client::connect(world.address, "alice", &token, 1, 5, "b").await;
    assert_eq!(connack.reason_code, ReasonCode::RateLimit, "one per user");
    second.expect_closed().await;
    // The server holds two connections at most: a third is closed before CONNECT.
    let _holder = Client::open(world.address).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut third = Client::open(world.address).await;
    third.expect_closed().await;
    // Idle: closed without a DISCONNECT, so that the SDK reconnects.
    first.send(Packet::Ping).await;
    assert_eq!(first.next().await, Some(Packet::Pong));
    assert_eq!(first.next().await, None, "closed after the idle timeout");
    // Shutdown closes the connections, without a DISCONNECT either.
    let (mut last, _) = Client::connect(world.address, "alice", &token, 1, 5, "c").await;
    world.gateway.shutdown().await;
    assert_eq!(last.next().await, None);
    let metrics = {
        let mut text = String::new();
        world.gateway.render_metrics(&mut text);
        text
    };
    assert!(
        metrics.contains("natter_wukongim_connections{transport=\"tcp\"} 0"),
        "{metrics}"
    );
}
