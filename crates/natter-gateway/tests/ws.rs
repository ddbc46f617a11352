//! The WebSocket transport, with a raw client: frames may be split over binary messages or
//! joined in one going in, and come out one per message (the JS SDK reads one frame from each);
//! a text message is not WuKongIM's, nor a message over the limit; the WebSocket's own ping and
//! close are answered; a client that stops reading is let go.

mod common;

use common::World;
use futures_util::{SinkExt, StreamExt};
use natter_core::wire::SendMessageRequest;
use natter_gateway::metrics::Transport;
use natter_service::Delivery;
use natter_wukongim::{
    ConnectPacket, DeviceFlag, KeyPair, Packet, ProtocolVersion, ReasonCode, WukongCodec, decode,
    encode_to_vec,
};
use serde_json::json;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use tokio_util::codec::FramedRead;

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The next binary message, which must be exactly one frame, decoded; `None` when the server
/// closes.
async fn next_packet(socket: &mut Socket, version: Option<ProtocolVersion>) -> Option<Packet> {
    loop {
        // Generous: it only bounds how long a failing test hangs on a loaded machine.
        let message = tokio::time::timeout(Duration::from_secs(30), socket.next())
            .await
            .expect("a message within 30 s");
        match message {
            Some(Ok(Message::Binary(bytes))) => {
                let (packet, used) = decode(&bytes, version, 1 << 20)
                    .expect("a valid frame")
                    .expect("a whole frame");
                assert_eq!(used, bytes.len(), "one frame per message: {packet:?}");
                return Some(packet);
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => continue,
        }
    }
}

#[tokio::test]
async fn frames_split_and_joined_going_in_come_out_one_per_message() {
    let world = World::start().await;
    let token = world.token("alice", 1, true).await;
    world.token("bob", 0, true).await;
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{}/", world.ws_address))
        .await
        .unwrap();
    let keys = KeyPair::generate().unwrap();
    let connect = encode_to_vec(
        &Packet::Connect(ConnectPacket {
            version: 2,
            device_flag: DeviceFlag::Web,
            device_id: "tab".into(),
            uid: "alice".into(),
            token,
            client_timestamp: 1_700_000_000_000,
            client_key: keys.public_key(),
        }),
        None,
    )
    .unwrap();
    // CONNECT split over two messages.
    let (head, tail) = connect.split_at(10);
    for part in [head, tail] {
        socket
            .send(Message::Binary(part.to_vec().into()))
            .await
            .unwrap();
    }
    let Some(Packet::Connack(connack)) = next_packet(&mut socket, None).await else {
        panic!("no CONNACK");
    };
    assert_eq!(connack.reason_code, ReasonCode::Success);
    assert_eq!(connack.server_version, None, "version 2 has none");
    let session = keys.session(&connack.server_key, &connack.salt).unwrap();
    let version = Some(ProtocolVersion::V2);

    // Two PINGs in one message: two PONGs, each its own message.
    socket
        .send(Message::Binary(vec![0x70, 0x70].into()))
        .await
        .unwrap();
    assert_eq!(next_packet(&mut socket, version).await, Some(Packet::Pong));
    assert_eq!(next_packet(&mut socket, version).await, Some(Packet::Pong));

    // A message for alice is one RECV in one message, sealed with this session's key.
    let bob = natter_core::Uid::parse("bob", "uid").unwrap();
    let request = SendMessageRequest {
        conversation_id: "C2Calice".into(),
        message_type: Some("TIMTextElem".into()),
        payload: json!({"text": "over the WebSocket"}),
        client_msg_id: None,
        cloud_custom_data: None,
        online_user_only: false,
        need_read_receipt: false,
        offline_push_info: None,
        excluded_from_unread_count: false,
        receiver_list: None,
        excluded_from_last_message: false,
    };
    world
        .natter
        .send_message_as(&bob, request, Delivery::default())
        .await
        .unwrap();
    let Some(Packet::Recv(mut recv)) = next_packet(&mut socket, version).await else {
        panic!("no RECV");
    };
    session.open_recv(&mut recv).unwrap();
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&recv.payload).unwrap(),
        json!({"type": 1, "content": "over the WebSocket"})
    );

    // Text is not WuKongIM's: DISCONNECT 20, then the close.
    socket.send(Message::Text("{}".into())).await.unwrap();
    match next_packet(&mut socket, version).await {
        Some(Packet::Disconnect(disconnect)) => {
            assert_eq!(disconnect.reason_code, ReasonCode::NotSupportHeader)
        }
        other => panic!("expected DISCONNECT, got {other:?}"),
    }
    assert_eq!(next_packet(&mut socket, version).await, None);
}

/// A WebSocket of `uid`'s web device past its CONNACK (protocol 5).
async fn connected(world: &World, uid: &str) -> Socket {
    let token = world.token(uid, 1, true).await;
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{}/", world.ws_address))
        .await
        .unwrap();
    let connect = encode_to_vec(
        &Packet::Connect(ConnectPacket {
            version: 5,
            device_flag: DeviceFlag::Web,
            device_id: "tab".into(),
            uid: uid.into(),
            token,
            client_timestamp: 1_700_000_000_000,
            client_key: KeyPair::generate().unwrap().public_key(),
        }),
        None,
    )
    .unwrap();
    socket.send(Message::Binary(connect.into())).await.unwrap();
    match next_packet(&mut socket, None).await {
        Some(Packet::Connack(connack)) => assert_eq!(connack.reason_code, ReasonCode::Success),
        other => panic!("expected CONNACK, got {other:?}"),
    }
    socket
}

/// The next message of any kind; `None` once the connection is over, and a panic if it ended
/// without the closing handshake.
async fn next_message(socket: &mut Socket) -> Option<Message> {
    match tokio::time::timeout(Duration::from_secs(30), socket.next())
        .await
        .expect("a message within 30 s")
    {
        Some(Ok(message)) => Some(message),
        None => None,
        Some(Err(error)) => panic!("the connection broke: {error}"),
    }
}

#[tokio::test]
async fn a_ping_and_a_close_are_answered() {
    let world = World::start().await;
    let mut alice = connected(&world, "alice").await;

    // The WebSocket's own ping, beside WuKongIM's.
    alice
        .send(Message::Ping(b"are you there".to_vec().into()))
        .await
        .unwrap();
    assert_eq!(
        next_message(&mut alice).await,
        Some(Message::Pong(b"are you there".to_vec().into()))
    );

    // The client's Close is answered with the server's, then the connection ends cleanly.
    alice.send(Message::Close(None)).await.unwrap();
    assert!(matches!(
        next_message(&mut alice).await,
        Some(Message::Close(_))
    ));
    assert_eq!(next_message(&mut alice).await, None);
}

/// A message over the limit (a frame of 1 MiB, and its header, at most) is refused from its
/// header: DISCONNECT 9 says why, then the server closes, and only that connection.
#[tokio::test]
async fn a_message_over_the_limit_ends_its_connection_with_a_reason() {
    let world = World::start().await;
    let mut bob = connected(&world, "bob").await;
    let mut carol = connected(&world, "carol").await;
    bob.send(Message::Binary(vec![0x70; (1 << 20) + 6].into()))
        .await
        .unwrap();
    match next_packet(&mut bob, Some(ProtocolVersion::V5)).await {
        Some(Packet::Disconnect(disconnect)) => {
            assert_eq!(disconnect.reason_code, ReasonCode::PayloadDecodeError)
        }
        other => panic!("expected DISCONNECT, got {other:?}"),
    }
    assert!(matches!(
        next_message(&mut bob).await,
        Some(Message::Close(_))
    ));

    // Carol's connection was not disturbed.
    carol
        .send(Message::Binary(vec![0x70].into()))
        .await
        .unwrap();
    assert_eq!(
        next_packet(&mut carol, Some(ProtocolVersion::V5)).await,
        Some(Packet::Pong)
    );
}

/// A client that stops reading while RECVs are written to it is let go once a write has
/// waited [`natter_gateway::WRITE_TIMEOUT`], over either transport: the connection ends (its
/// close cannot wait on the client either), and so can the gateway's shutdown.
#[tokio::test]
async fn a_client_that_never_reads_is_let_go() {
    let world = World::start().await;
    let _over_websocket = connected(&world, "bob").await;
    let token = world.token("bob", 0, true).await;
    let mut over_tcp = TcpStream::connect(world.address).await.unwrap();
    let connect = Packet::Connect(ConnectPacket {
        version: 5,
        device_flag: DeviceFlag::App,
        device_id: "phone".into(),
        uid: "bob".into(),
        token,
        client_timestamp: 1_700_000_000_000,
        client_key: KeyPair::generate().unwrap().public_key(),
    });
    over_tcp
        .write_all(&encode_to_vec(&connect, None).unwrap())
        .await
        .unwrap();
    // Its CONNACK is the last thing it reads.
    match FramedRead::new(&mut over_tcp, WukongCodec::new())
        .next()
        .await
    {
        Some(Ok(Packet::Connack(connack))) => assert_eq!(connack.reason_code, ReasonCode::Success),
        other => panic!("expected CONNACK, got {other:?}"),
    }
    world.token("alice", 0, true).await;
    let alice = natter_core::Uid::parse("alice", "uid").unwrap();
    // Far more than the socket's buffers hold.
    let text = "x".repeat(60_000);
    for n in 0..300 {
        let request = SendMessageRequest {
            conversation_id: "C2Cbob".into(),
            message_type: Some("TIMTextElem".into()),
            payload: json!({"text": text}),
            client_msg_id: Some(format!("m{n}")),
            cloud_custom_data: None,
            online_user_only: false,
            need_read_receipt: false,
            offline_push_info: None,
            excluded_from_unread_count: false,
            receiver_list: None,
            excluded_from_last_message: false,
        };
        world
            .natter
            .send_message_as(&alice, request, Delivery::default())
            .await
            .unwrap();
    }
    let waited = std::time::Instant::now();
    while world.gateway.metrics.connections(Transport::Ws) > 0
        || world.gateway.metrics.connections(Transport::Tcp) > 0
    {
        assert!(
            waited.elapsed() < Duration::from_secs(120),
            "the connection was never let go"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::timeout(Duration::from_secs(120), world.gateway.shutdown())
        .await
        .expect("the gateway shuts down");
}
