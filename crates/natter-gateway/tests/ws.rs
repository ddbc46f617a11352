//! The WebSocket transport, with a raw client: frames may be split over binary messages or
//! joined in one going in, and come out one per message (the JS SDK reads one frame from each);
//! a text message is not WuKongIM's.

mod common;

use common::World;
use futures_util::{SinkExt, StreamExt};
use natter_core::wire::SendMessageRequest;
use natter_service::Delivery;
use natter_wukongim::{
    ConnectPacket, DeviceFlag, KeyPair, Packet, ProtocolVersion, ReasonCode, decode, encode_to_vec,
};
use serde_json::json;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

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
