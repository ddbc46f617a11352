//! A WuKongIM device: each user's app on WuKongIM's binary protocol (protocol 4), over TCP as
//! WuKongIM's mobile SDKs or over WebSocket as its web SDK, each connection either, connecting
//! to a node picked at random, acknowledging every RECV, pinging, and now and then dropping its
//! connection and coming back through another node. Before some drops it stops acknowledging
//! (as an app whose connection dies under it), and comes back through the same node, which owes
//! it those RECVs again. It keeps no conversation list (WuKongIM's apps sync theirs from their
//! app backend): what it records is what each connection was sent, which the checker holds to
//! the same promise as the JSON WebSocket's pushes, with a closed connection as the only way
//! out. The workload sends some messages through it ([`Sends`]): a SEND on its connection of
//! the moment, answered by the SENDACK.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::BytesMut;
use futures_util::{SinkExt, StreamExt};
use natter_chaos::history::{Event, Msg, Push, uid_of};
use natter_wukongim::{
    ChannelType, ConnectPacket, DeviceFlag, Flags, KeyPair, Packet, ProtocolVersion, ReasonCode,
    RecvPacket, RecvackPacket, SendPacket, SendackPacket, Session as Keys, Setting, WukongCodec,
};
use serde_json::json;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};
use tokio_util::codec::Framed;

use super::rng::Rng;
use super::world::{Stage, World};

/// The device flag of the WuKongIM devices (WuKongIM's PC; the JSON devices are 0 and 1).
pub const DEVICE_FLAG: u8 = 2;

/// As the JSON devices: a ping this often, and a connection given up when nothing came for
/// `DEAD_AFTER`.
const PING_EVERY: Duration = Duration::from_secs(2);
const DEAD_AFTER: Duration = Duration::from_secs(6);

/// The share (in %) of connections whose last RECVs the device leaves unacknowledged before it
/// drops them, and for how long before the drop.
const WITHHOLDS_ACKS: u64 = 50;
const WITHHOLDING: Duration = Duration::from_secs(5);

/// Where a node serves WuKongIM's protocol.
#[derive(Debug, Clone)]
pub struct Address {
    /// `host:port`.
    pub tcp: String,
    /// `ws://host:port`.
    pub ws: String,
}

/// A connection, over TCP or WebSocket: WuKongIM's frames either way, a WebSocket's binary
/// messages carrying them (the server may put several in one message).
enum Connection {
    Tcp(Framed<TcpStream, WukongCodec>),
    WebSocket {
        socket: Box<WebSocketStream<MaybeTlsStream<TcpStream>>>,
        codec: WukongCodec,
        received: BytesMut,
    },
}

impl Connection {
    /// Connects to `address`, over WebSocket or TCP, within 5 s.
    async fn open(address: &Address, over_websocket: bool) -> Result<Self, String> {
        let within = Duration::from_secs(5);
        let opened = if over_websocket {
            tokio::time::timeout(within, connect_async(address.ws.as_str()))
                .await
                .map(|opened| {
                    opened
                        .map(|(socket, _)| Self::WebSocket {
                            socket: Box::new(socket),
                            codec: WukongCodec::new(),
                            received: BytesMut::new(),
                        })
                        .map_err(|error| error.to_string())
                })
        } else {
            tokio::time::timeout(within, TcpStream::connect(address.tcp.as_str()))
                .await
                .map(|opened| {
                    opened
                        .map(|stream| Self::Tcp(Framed::new(stream, WukongCodec::new())))
                        .map_err(|error| error.to_string())
                })
        };
        match opened {
            Ok(Ok(connection)) => Ok(connection),
            Ok(Err(error)) => Err(format!("cannot connect: {error}")),
            Err(_) => Err("cannot connect: no answer in 5 s".into()),
        }
    }

    fn set_version(&mut self, version: ProtocolVersion) {
        match self {
            Self::Tcp(framed) => framed.codec_mut().set_version(version),
            Self::WebSocket { codec, .. } => codec.set_version(version),
        }
    }

    async fn send(&mut self, packet: Packet) -> Result<(), String> {
        match self {
            Self::Tcp(framed) => framed.send(packet).await.map_err(|error| error.to_string()),
            Self::WebSocket { socket, codec, .. } => {
                let frame = codec.encode_frame(&packet).map_err(|e| e.to_string())?;
                socket
                    .send(Message::Binary(frame.freeze()))
                    .await
                    .map_err(|error| error.to_string())
            }
        }
    }

    /// The next packet; `None` once the server closed the connection.
    async fn next(&mut self) -> Option<Result<Packet, String>> {
        match self {
            Self::Tcp(framed) => framed
                .next()
                .await
                .map(|packet| packet.map_err(|error| error.to_string())),
            Self::WebSocket {
                socket,
                codec,
                received,
            } => loop {
                match codec.decode_frame(received) {
                    Ok(Some(packet)) => return Some(Ok(packet)),
                    Ok(None) => {}
                    Err(error) => return Some(Err(error.to_string())),
                }
                match socket.next().await? {
                    Ok(Message::Binary(bytes)) => received.extend_from_slice(&bytes),
                    Ok(Message::Close(_)) => return None,
                    Ok(_) => {}
                    Err(error) => return Some(Err(error.to_string())),
                }
            },
        }
    }
}

/// A message for the device to send, and where its SENDACK goes.
pub struct Outgoing {
    /// `C2C<uid>` or `GROUP<id>`.
    pub conversation: String,
    pub client_msg_no: String,
    pub answer: oneshot::Sender<SendackPacket>,
}

/// The workload's way to one WuKongIM device: its queue of sends, and the node of its
/// connection of the moment.
pub struct Sends {
    queue: mpsc::Sender<Outgoing>,
    node: Arc<AtomicUsize>,
}

/// The device's end of [`Sends`], which its [`run`] takes.
pub struct Inbox {
    queue: mpsc::Receiver<Outgoing>,
    node: Arc<AtomicUsize>,
}

impl Sends {
    /// A device's sends, and the device's end of them.
    pub fn new() -> (Self, Inbox) {
        let (queue, receiver) = mpsc::channel(64);
        let node = Arc::new(AtomicUsize::new(0));
        let inbox = Inbox {
            queue: receiver,
            node: node.clone(),
        };
        (Self { queue, node }, inbox)
    }

    /// The node the device is (or was last) connected to.
    pub fn node(&self) -> usize {
        self.node.load(Ordering::Relaxed)
    }

    /// Sends a message through the device: its SENDACK, or why none came (the connection
    /// ended, or `within` ran out; the SEND may have been stored either way).
    pub async fn send(
        &self,
        conversation: &str,
        client_msg_no: &str,
        within: Duration,
    ) -> Result<SendackPacket, String> {
        let (answer, answered) = oneshot::channel();
        let outgoing = Outgoing {
            conversation: conversation.to_owned(),
            client_msg_no: client_msg_no.to_owned(),
            answer,
        };
        if self.queue.send(outgoing).await.is_err() {
            return Err("the device has stopped".into());
        }
        match tokio::time::timeout(within, answered).await {
            Ok(Ok(sendack)) => Ok(sendack),
            Ok(Err(_)) => Err("the connection ended before its SENDACK".into()),
            Err(_) => Err(format!("no SENDACK in {} s", within.as_secs())),
        }
    }
}

/// The device `device` (`uid/wukongim`), with its token, until the run stops, sending what
/// comes to its `inbox` and telling there the node of each connection. `addresses` are the
/// nodes' addresses for WuKongIM's protocol.
pub async fn run(
    world: Arc<World>,
    device: String,
    token: String,
    addresses: Arc<Vec<Address>>,
    mut inbox: Inbox,
    mut rng: Rng,
) {
    // Back to the node that holds RECVs this device left unacknowledged: it sends them again.
    let mut owed_by: Option<usize> = None;
    while world.stage() != Stage::Stopping {
        let node = owed_by
            .take()
            .unwrap_or_else(|| rng.below(addresses.len() as u64) as usize);
        inbox.node.store(node, Ordering::Relaxed);
        let session = world.next_session();
        world.recorder.record(Event::Connect {
            device: device.clone(),
            session,
            node,
        });
        let (reason, unacknowledged) = Device {
            world: &world,
            device: &device,
            token: &token,
            session,
        }
        .run(&addresses[node], &mut inbox.queue, &mut rng)
        .await;
        if !unacknowledged.is_empty() {
            owed_by = Some(node);
            world.recorder.record(Event::Unacknowledged {
                device: device.clone(),
                session,
                messages: unacknowledged,
            });
        }
        world.recorder.record(Event::Closed {
            device: device.clone(),
            session,
            code: None,
            reason,
        });
        if world.stage() == Stage::Stopping {
            break;
        }
        tokio::time::sleep(Duration::from_millis(rng.between(100, 1000))).await;
    }
}

struct Device<'a> {
    world: &'a World,
    device: &'a str,
    token: &'a str,
    session: u64,
}

impl Device<'_> {
    /// One connection, from connect to close: why it ended, and the RECVs it left
    /// unacknowledged. The SENDs it made and had no SENDACK for are dropped with it, which
    /// tells their senders.
    async fn run(
        &self,
        address: &Address,
        sends: &mut mpsc::Receiver<Outgoing>,
        rng: &mut Rng,
    ) -> (String, Vec<Msg>) {
        let mut unacknowledged = Vec::new();
        let reason = self.listen(address, sends, rng, &mut unacknowledged).await;
        (reason, unacknowledged)
    }

    /// One connection, from connect to close: why it ended. RECVs it does not acknowledge go
    /// to `unacknowledged`.
    async fn listen(
        &self,
        address: &Address,
        sends: &mut mpsc::Receiver<Outgoing>,
        rng: &mut Rng,
        unacknowledged: &mut Vec<Msg>,
    ) -> String {
        let over_websocket = rng.chance(50);
        let (mut connection, keys) = match self.connect(address, over_websocket).await {
            Ok(connected) => connected,
            Err(why) => return why,
        };
        // From its CONNACK the connection receives the user's messages. Its ID, the harness's
        // own, names the transport.
        let transport = if over_websocket { "ws" } else { "tcp" };
        self.world.recorder.record(Event::Subscribed {
            device: self.device.to_owned(),
            session: self.session,
            connection_id: format!("wukongim-{transport}-{}", self.session),
        });
        // A connection that will withhold acknowledgements is dropped sooner, so that more of
        // them get that far between the faults.
        let withholds = rng.chance(WITHHOLDS_ACKS);
        let lifetime = if withholds {
            rng.between(8, 20)
        } else {
            rng.between(10, 90)
        };
        let dropping = Instant::now() + Duration::from_secs(lifetime);
        let withholding_from = withholds.then(|| dropping - WITHHOLDING);
        let mut last_heard = Instant::now();
        let mut tick = tokio::time::interval(PING_EVERY);
        let mut stage = self.world.stage.subscribe();
        let mut awaiting: HashMap<u32, oneshot::Sender<SendackPacket>> = HashMap::new();
        let mut client_seq = 0u32;
        loop {
            tokio::select! {
                packet = connection.next() => {
                    last_heard = Instant::now();
                    match packet {
                        Some(Ok(Packet::Recv(recv))) => {
                            // Only while the drop is still to come: it is not once the run
                            // settles.
                            let withhold = self.world.stage() == Stage::Running
                                && withholding_from.is_some_and(|from| Instant::now() >= from);
                            match self.received(&mut connection, &keys, recv, !withhold).await {
                                Ok(message) if withhold => unacknowledged.push(message),
                                Ok(_) => {}
                                Err(why) => return why,
                            }
                        }
                        Some(Ok(Packet::Sendack(sendack))) => {
                            if let Some(answer) = awaiting.remove(&sendack.client_seq) {
                                let _ = answer.send(sendack);
                            }
                        }
                        Some(Ok(Packet::Disconnect(disconnect))) => {
                            return format!(
                                "DISCONNECT {:?}: {}",
                                disconnect.reason_code, disconnect.reason
                            );
                        }
                        Some(Ok(_)) => {}
                        Some(Err(error)) => return format!("a bad frame: {error}"),
                        None => return "closed by the server".into(),
                    }
                }
                Some(outgoing) = sends.recv() => {
                    // A sender that gave up waiting has retried, or moved on: not sent again.
                    if outgoing.answer.is_closed() {
                        continue;
                    }
                    client_seq += 1;
                    let send = sealed_send(&keys, client_seq, &outgoing);
                    if connection.send(Packet::Send(send)).await.is_err() {
                        return "cannot send a SEND".into();
                    }
                    awaiting.insert(client_seq, outgoing.answer);
                }
                _ = tick.tick() => {
                    if last_heard.elapsed() > DEAD_AFTER {
                        return format!("nothing heard for {} s", DEAD_AFTER.as_secs());
                    }
                    if connection.send(Packet::Ping).await.is_err() {
                        return "cannot send a ping".into();
                    }
                }
                () = tokio::time::sleep_until(dropping), if self.world.stage() == Stage::Running => {
                    return "dropped by the device".into();
                }
                _ = stage.changed() => {
                    if self.world.stage() == Stage::Stopping {
                        return "the run is over".into();
                    }
                }
            }
        }
    }

    /// The connection, CONNECT, CONNACK, each within 5 s; the connection and its keys.
    async fn connect(
        &self,
        address: &Address,
        over_websocket: bool,
    ) -> Result<(Connection, Keys), String> {
        let within = Duration::from_secs(5);
        let mut connection = Connection::open(address, over_websocket).await?;
        let keys = KeyPair::generate().map_err(|error| format!("no key pair: {error}"))?;
        let connect = Packet::Connect(ConnectPacket {
            version: ProtocolVersion::V4.as_u8(),
            device_flag: DeviceFlag::from(DEVICE_FLAG),
            device_id: format!("chaos-{}", self.device),
            uid: uid_of(self.device).to_owned(),
            token: self.token.to_owned(),
            client_timestamp: 0,
            client_key: keys.public_key(),
        });
        if connection.send(connect).await.is_err() {
            return Err("cannot send CONNECT".into());
        }
        let connack = match tokio::time::timeout(within, connection.next()).await {
            Ok(Some(Ok(Packet::Connack(connack)))) => connack,
            Ok(Some(Ok(other))) => return Err(format!("{} before CONNACK", other.packet_type())),
            Ok(Some(Err(error))) => return Err(format!("a bad CONNACK: {error}")),
            Ok(None) => return Err("closed before CONNACK".into()),
            Err(_) => return Err("no CONNACK in 5 s".into()),
        };
        if connack.reason_code != ReasonCode::Success {
            return Err(format!("refused: {:?}", connack.reason_code));
        }
        connection.set_version(ProtocolVersion::V4);
        let keys = keys
            .session(&connack.server_key, &connack.salt)
            .map_err(|error| format!("no session keys: {error}"))?;
        Ok((connection, keys))
    }

    /// A RECV: checked, recorded as the message it carries, acknowledged if `acknowledge`.
    async fn received(
        &self,
        connection: &mut Connection,
        keys: &Keys,
        mut recv: RecvPacket,
        acknowledge: bool,
    ) -> Result<Msg, String> {
        keys.open_recv(&mut recv)
            .map_err(|error| format!("a RECV that does not open: {error}"))?;
        let conversation = match recv.channel_type {
            ChannelType::Person => format!("C2C{}", recv.channel_id),
            ChannelType::Group => format!("GROUP{}", recv.channel_id),
            _ => recv.channel_id.clone(),
        };
        let message = Msg {
            seq: u64::from(recv.message_seq),
            id: recv.message_id.to_string(),
            from: recv.from_uid.clone(),
        };
        self.world.recorder.record(Event::Push {
            device: self.device.to_owned(),
            session: self.session,
            push: Push::Message {
                conversation,
                message: message.clone(),
            },
        });
        if acknowledge {
            let ack = RecvackPacket {
                flags: recv.flags,
                message_id: recv.message_id,
                message_seq: recv.message_seq,
            };
            connection
                .send(Packet::Recvack(ack))
                .await
                .map_err(|_| "cannot send RECVACK".to_owned())?;
        }
        Ok(message)
    }
}

/// The SEND of a text, encrypted and signed with the connection's keys.
fn sealed_send(keys: &Keys, client_seq: u32, outgoing: &Outgoing) -> SendPacket {
    let (channel_type, channel_id) = match outgoing.conversation.strip_prefix("GROUP") {
        Some(group) => (ChannelType::Group, group),
        None => (
            ChannelType::Person,
            outgoing
                .conversation
                .strip_prefix("C2C")
                .unwrap_or(&outgoing.conversation),
        ),
    };
    let mut send = SendPacket {
        flags: Flags {
            dup: false,
            sync_once: false,
            red_dot: true,
            no_persist: false,
        },
        setting: Setting::default(),
        client_seq,
        client_msg_no: outgoing.client_msg_no.clone(),
        stream_no: String::new(),
        channel_id: channel_id.to_owned(),
        channel_type,
        expire: 0,
        msg_key: String::new(),
        topic: String::new(),
        payload: json!({"type": 1, "content": outgoing.client_msg_no})
            .to_string()
            .into_bytes()
            .into(),
    };
    keys.seal_send(&mut send);
    send
}
