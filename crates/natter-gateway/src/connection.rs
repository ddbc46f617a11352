//! The connection loop, written once for both transports: CONNECT, then one `select!` over the
//! client's packets, the bus's frames, the retry queue, the bus's signals, the idle timer and
//! shutdown. Every packet is answered in the order it came; a SEND is stored before the next
//! packet is read (and runs to its end even if the client goes away meanwhile).

use std::collections::{HashSet, VecDeque};
use std::hash::Hash;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use natter_core::wire::SendMessageRequest;
use natter_core::{Device, ErrorKind};
use natter_service::{Delivery, EndReason, Frame, Signals, Subscription};
use natter_wukongim::crypto::server_handshake;
use natter_wukongim::{
    CodecError, ConnackPacket, ConnectPacket, CryptoError, DecodeError, DisconnectPacket, Packet,
    ProtocolVersion, ReasonCode, RecvPacket, RecvackPacket, SendPacket, SendackPacket, Session,
    Setting, SubAction, SubPacket, SubackPacket,
};
use serde_json::Value;
use tokio::sync::{Notify, OwnedSemaphorePermit};
use tokio::time::{Instant, timeout};

use crate::devices::{DeviceKey, Pending};
use crate::listing::{Counters, Listed};
use crate::metrics::Transport as Kind;
use crate::{
    CONNECT_TIMEOUT, DISCONNECT_LINGER, Gateway, NODE_ID, WRITE_TIMEOUT, now_ms, reasons, render,
};

/// RECVs one connection keeps waiting for their RECVACK; past this the oldest is forgotten
/// (a client that never acknowledges gets nothing re-sent).
pub const MAX_UNACKED: usize = 1024;
/// Acknowledged message IDs a connection remembers, so that the retry queue never sends it a
/// message it has.
const ACKED_MEMORY: usize = 1024;
/// Client message numbers of this connection's own SENDs, remembered until the bus brings the
/// message back (it is not sent back as a RECV).
const SENT_MEMORY: usize = 256;
/// Setting bits for features Natter does not have: a SEND with any of them is refused.
const UNSUPPORTED: [(Setting, &str); 3] = [
    (Setting::STREAM, "stream messages"),
    (Setting::TOPIC, "topics"),
    (Setting::SIGNAL, "Signal-encrypted payloads"),
];

/// Why a transport could not read a packet.
#[derive(Debug)]
pub enum ReadError {
    /// The bytes are not a frame this server takes.
    Frame(DecodeError),
    /// A message the protocol does not have (a WebSocket text message).
    NotWukongim(&'static str),
    /// A WebSocket message over the size limit, refused from its header before it was read.
    MessageTooLarge { size: usize, max: usize },
    /// The connection broke.
    Broken(std::io::Error),
}

impl From<CodecError> for ReadError {
    fn from(error: CodecError) -> Self {
        match error {
            CodecError::Decode(error) => Self::Frame(error),
            CodecError::Io(error) => Self::Broken(error),
            other => Self::Broken(std::io::Error::other(other)),
        }
    }
}

/// A byte stream that carries WuKongIM frames: TCP, or a WebSocket's binary messages.
pub trait Transport: Send {
    /// The next packet; `Ok(None)` when the client closed. Must be cancel-safe: the loop
    /// drops it whenever another branch is ready first.
    fn read(&mut self) -> impl Future<Output = Result<Option<Packet>, ReadError>> + Send;
    /// Writes one packet as a whole (over WebSocket: one binary message, as the JS SDK reads
    /// one frame per message) and flushes it.
    fn write(&mut self, packet: &Packet) -> impl Future<Output = std::io::Result<()>> + Send;
    /// Reads and drops whatever the client still sends, until it closes or breaks. Not frames:
    /// after a malformed one the stream is out of step, and what follows it must still be
    /// read, or closing with it unread resets the connection, which may destroy the
    /// DISCONNECT before the client reads it.
    fn discard(&mut self) -> impl Future<Output = ()> + Send;
    /// Settles the protocol version for every later frame.
    fn set_version(&mut self, version: ProtocolVersion);
    /// Closes the connection from this side.
    fn close(&mut self) -> impl Future<Output = ()> + Send;
    /// Which transport, for the metrics.
    fn kind(&self) -> Kind;
}

/// Serves one accepted connection from `peer` to its end. The permit is its place under
/// `--max-connections`, held until it closes.
///
/// The returned future is the connection's task, resident for its whole life, so it is kept to
/// what an idle connection needs: an `async fn` would keep its arguments twice (as arguments
/// and as the locals they are moved into), and what runs only now and then (CONNECT, a SEND,
/// the goodbye) is boxed while it runs instead of sizing every connection's task for it.
pub fn serve<T: Transport>(
    gateway: Arc<Gateway>,
    transport: T,
    peer: SocketAddr,
    permit: OwnedSemaphorePermit,
) -> impl Future<Output = ()> + Send {
    let mut link = Link {
        transport,
        gateway,
        broken: false,
        peer,
        counters: Arc::default(),
    };
    async move {
        let kind = link.transport.kind();
        link.gateway.metrics.opened(kind);
        let ending = match Box::pin(link.handshake()).await {
            Handshake::Accepted(live) => link.run(live).await,
            Handshake::Ended(ending) => ending,
        };
        Box::pin(link.finish(ending)).await;
        drop(permit);
        link.gateway.metrics.closed(kind);
    }
}

/// How a connection ends, and what the client is told.
#[derive(Debug)]
enum Ending {
    /// The client closed, or said DISCONNECT, or the connection broke.
    ClientLeft,
    /// DISCONNECT with this reason, then close. The SDKs do not reconnect after it.
    Disconnect(ReasonCode, String),
    /// CONNACK refusing with this reason, then close. The SDKs do not reconnect after it.
    Refuse(ReasonCode),
    /// Closed without a word: the SDK reconnects after its delay (idle, fell behind, shutdown,
    /// a refusal that may pass).
    Close,
}

impl Ending {
    fn disconnect(reason: ReasonCode, text: impl Into<String>) -> Self {
        Self::Disconnect(reason, text.into())
    }

    /// A frame that cannot be read.
    fn bad_frame(error: &DecodeError) -> Self {
        Self::disconnect(reasons::for_decode(error), error.to_string())
    }
}

enum Handshake {
    Accepted(Box<Live>),
    Ended(Ending),
}

/// What the loop does after a client packet.
enum Step {
    Reply(Vec<Packet>),
    /// Write these, then end so.
    End(Vec<Packet>, Ending),
}

/// The transport and the gateway, for one connection.
struct Link<T> {
    transport: T,
    gateway: Arc<Gateway>,
    /// A write failed or timed out, and may have left part of a frame on the wire: nothing
    /// more is written, since the client would read it as the rest of that frame.
    broken: bool,
    /// The client's address, for `GET /connz`.
    peer: SocketAddr,
    /// What the connection carried, for `GET /connz`.
    counters: Arc<Counters>,
}

/// An authenticated connection's state.
struct Live {
    /// Names the connection in the retry queue's registry; later connections have larger IDs.
    id: u64,
    device: Device,
    key: DeviceKey,
    session: Session,
    subscription: Subscription,
    wake: Arc<Notify>,
    /// Set when the same client connected again.
    superseded: Arc<AtomicBool>,
    /// Sent RECVs (unsealed) waiting for their RECVACK, oldest first.
    unacked: VecDeque<Pending>,
    acked: Recent<u64>,
    /// Client message numbers of this connection's SENDs.
    sent: Recent<String>,
}

impl<T: Transport> Link<T> {
    async fn write(&mut self, packet: &Packet) -> Result<(), ()> {
        if self.broken {
            return Err(());
        }
        match timeout(WRITE_TIMEOUT, self.transport.write(packet)).await {
            Ok(Ok(())) => {
                self.gateway.metrics.frame_out(self.transport.kind());
                self.counters.written(packet);
                return Ok(());
            }
            Ok(Err(error)) => {
                tracing::debug!(%error, "a WuKongIM client's connection failed on write");
            }
            Err(_) => {
                tracing::debug!("a WuKongIM client did not read for {WRITE_TIMEOUT:?}");
            }
        }
        self.broken = true;
        Err(())
    }

    async fn write_all(&mut self, packets: &[Packet]) -> Result<(), ()> {
        for packet in packets {
            self.write(packet).await?;
        }
        Ok(())
    }

    /// Reads one packet, counting it; a decode error ends the connection with its reason.
    async fn read(&mut self) -> Result<Option<Packet>, Ending> {
        match self.transport.read().await {
            Ok(Some(packet)) => {
                self.gateway.metrics.frame_in(self.transport.kind());
                self.counters.read(&packet);
                Ok(Some(packet))
            }
            Ok(None) => Ok(None),
            Err(ReadError::Frame(error)) => Err(Ending::bad_frame(&error)),
            Err(ReadError::NotWukongim(what)) => Err(Ending::disconnect(
                ReasonCode::NotSupportHeader,
                format!("{what}: WuKongIM's frames travel in binary messages"),
            )),
            // 9, as for a frame over the limit: nothing the message carried can be read.
            Err(ReadError::MessageTooLarge { size, max }) => Err(Ending::disconnect(
                ReasonCode::PayloadDecodeError,
                format!("a message of {size} bytes is over the limit of {max}"),
            )),
            Err(ReadError::Broken(error)) => {
                tracing::debug!(%error, "a WuKongIM client's connection failed on read");
                Err(Ending::ClientLeft)
            }
        }
    }

    /// Waits for CONNECT and answers it.
    async fn handshake(&mut self) -> Handshake {
        let shutdown = self.gateway.shutdown.clone();
        let first = tokio::select! {
            read = timeout(CONNECT_TIMEOUT, self.read()) => read,
            () = shutdown.cancelled() => return Handshake::Ended(Ending::Close),
        };
        match first {
            Err(_) => Handshake::Ended(Ending::Close),
            Ok(Err(ending)) => Handshake::Ended(ending),
            Ok(Ok(None)) => Handshake::Ended(Ending::ClientLeft),
            Ok(Ok(Some(Packet::Connect(connect)))) => self.connect(connect).await,
            Ok(Ok(Some(other))) => Handshake::Ended(Ending::disconnect(
                ReasonCode::AuthFail,
                format!("{} before CONNECT", other.packet_type()),
            )),
        }
    }

    /// CONNECT: checks, authenticates, exchanges keys, subscribes, answers CONNACK and sends
    /// what the device left unacknowledged last time.
    async fn connect(&mut self, connect: ConnectPacket) -> Handshake {
        let gateway = self.gateway.clone();
        let version = match ProtocolVersion::negotiate(connect.version) {
            Ok(version) => version,
            Err(_) => return Handshake::Ended(Ending::Refuse(ReasonCode::ProtocolUpgradeRequired)),
        };
        if connect.client_key.is_empty() {
            return Handshake::Ended(Ending::Refuse(ReasonCode::ClientKeyIsEmpty));
        }
        let device = match gateway.natter.authenticate_device(&connect.token).await {
            Ok(device) => device,
            Err(error)
                if matches!(
                    error.kind,
                    ErrorKind::Unauthenticated | ErrorKind::PermissionDenied
                ) =>
            {
                return Handshake::Ended(Ending::Refuse(ReasonCode::AuthFail));
            }
            Err(error) => {
                // The database may be busy: the SDK reconnects and tries again.
                tracing::warn!(%error, "cannot authenticate a WuKongIM client");
                return Handshake::Ended(Ending::Close);
            }
        };
        // WuKongIM keeps one token per uid and device flag; so does Natter, and CONNECT must
        // name the device the token is for.
        if device.uid.as_str() != connect.uid || device.device_flag != u8::from(connect.device_flag)
        {
            return Handshake::Ended(Ending::Refuse(ReasonCode::AuthFail));
        }
        if let Some(check) = &gateway.rate_check
            && check(&device.uid).is_err()
        {
            return Handshake::Ended(Ending::Close);
        }
        let events = &gateway.natter.events;
        if events.connections_of(&device.uid) >= gateway.settings.max_connections_per_user {
            tracing::info!(uid = %device.uid, "a WuKongIM client is over the per-user connection limit");
            return Handshake::Ended(Ending::Refuse(ReasonCode::RateLimit));
        }
        let (session, hello) = match server_handshake(&connect.client_key) {
            Ok(exchange) => exchange,
            Err(_) => return Handshake::Ended(Ending::Refuse(ReasonCode::AuthFail)),
        };
        // Joined before subscribing: the same client's older connection is marked superseded
        // before the bus tells it to end, so it closes without a DISCONNECT.
        let id = gateway.next_connection_id();
        let key = DeviceKey {
            uid: device.uid.clone(),
            device_flag: device.device_flag,
        };
        let joined = gateway.devices.join(&key, id, &connect.device_id);
        // Subscribed before CONNACK, and CONNACK waits until every node of a cluster routes
        // the user's events here, so nothing published from then on is missed; a master
        // login ends the device's older connections on both gateways here.
        let master = device.device_level == 1;
        let mut subscription = events.subscribe_session(&device.uid, device.device_flag, master);
        subscription.routed().await;
        self.transport.set_version(version);
        let connack = ConnackPacket::accept(
            version,
            // Saturating: the client's timestamp is whatever it sent.
            now_ms().saturating_sub(connect.client_timestamp),
            hello.server_key,
            hello.salt,
            NODE_ID,
        );
        let mut live = Live {
            id,
            device,
            key,
            session,
            subscription,
            wake: joined.wake,
            superseded: joined.superseded,
            unacked: VecDeque::new(),
            acked: Recent::new(ACKED_MEMORY),
            sent: Recent::new(SENT_MEMORY),
        };
        // Listed until it leaves, whichever way that is.
        let listed = Listed {
            device: live.device.clone(),
            device_id: connect.device_id.clone(),
            protocol_version: version as u8,
            peer: self.peer,
            connected_at: SystemTime::now(),
            counters: self.counters.clone(),
        };
        gateway.listing.add(id, listed);
        if self.write(&Packet::Connack(connack)).await.is_err() {
            live.unacked.extend(joined.parked);
            self.leave(&mut live);
            return Handshake::Ended(Ending::ClientLeft);
        }
        tracing::debug!(uid = %live.device.uid, device_flag = live.device.device_flag, %version, "a WuKongIM client connected");
        match self.resend(&mut live, joined.parked).await {
            Ok(()) => Handshake::Accepted(Box::new(live)),
            Err(()) => {
                self.leave(&mut live);
                Handshake::Ended(Ending::ClientLeft)
            }
        }
    }

    /// The loop of an authenticated connection, until it ends. Leaves the device's state
    /// behind (unacknowledged RECVs parked) before returning. `live` stays boxed: moved into
    /// the task's future it would be kept there twice.
    async fn run(&mut self, mut live: Box<Live>) -> Ending {
        let gateway = self.gateway.clone();
        let idle_timeout = gateway.settings.idle_timeout;
        let idle = tokio::time::sleep(idle_timeout);
        tokio::pin!(idle);
        let ending = loop {
            let signals = live.subscription.signals.clone();
            let wake = live.wake.clone();
            let step = tokio::select! {
                read = self.read() => match read {
                    Ok(Some(packet)) => {
                        idle.as_mut().reset(Instant::now() + idle_timeout);
                        // Boxed: a packet's future (a SEND's stores the message) is far
                        // larger than what an idle connection waits on, and takes memory
                        // only while it runs.
                        Box::pin(live.on_packet(&gateway, packet)).await
                    }
                    Ok(None) => break Ending::ClientLeft,
                    Err(ending) => break ending,
                },
                frame = live.subscription.frames.recv() => match frame {
                    Some(frame) => Step::Reply(live.deliver(&frame)),
                    // The bus let go of this connection: it was ended, and the signal says why.
                    None => break live.ended_by_bus(),
                },
                () = wake.notified() => {
                    if live.is_superseded() {
                        break Ending::Close;
                    }
                    let parked = gateway.devices.take(&live.key);
                    if self.resend(&mut live, parked).await.is_err() {
                        break Ending::ClientLeft;
                    }
                    continue;
                }
                () = signalled(&signals) => break live.ended_by_bus(),
                () = &mut idle => break Ending::Close,
                () = gateway.shutdown.cancelled() => break Ending::Close,
            };
            match step {
                Step::Reply(packets) => {
                    if self.write_all(&packets).await.is_err() {
                        break Ending::ClientLeft;
                    }
                }
                Step::End(packets, ending) => {
                    let _ = self.write_all(&packets).await;
                    break ending;
                }
            }
        };
        self.leave(&mut live);
        ending
    }

    /// Sends parked RECVs this connection does not have yet. All are tracked before the
    /// first is written, so a write that fails leaves them all to be parked again.
    async fn resend(&mut self, live: &mut Live, parked: Vec<Pending>) -> Result<(), ()> {
        let packets: Vec<Packet> = parked
            .into_iter()
            .filter_map(|recv| live.track(recv))
            .collect();
        for packet in &packets {
            self.write(packet).await?;
            self.gateway.metrics.resent();
        }
        Ok(())
    }

    /// Parks, for the device's next connection, what this one did not get acknowledged and
    /// what the bus queued for it that it never sent. The queue is closed first, so nothing
    /// slips in between (the bus counts a closed queue as one that fell behind, which no
    /// longer matters); dropping `live` then unsubscribes.
    fn leave(&self, live: &mut Live) {
        live.subscription.frames.close();
        let mut unacked: Vec<Pending> = live.unacked.drain(..).collect();
        while let Ok(frame) = live.subscription.frames.try_recv() {
            unacked.extend(live.deliverable(&frame));
        }
        self.gateway.devices.leave(&live.key, live.id, unacked);
        self.gateway.listing.remove(live.id);
    }

    /// Tells the client why, when there is something to tell, and closes.
    async fn finish(&mut self, ending: Ending) {
        let told = match &ending {
            Ending::ClientLeft | Ending::Close => None,
            Ending::Refuse(reason) => Some(Packet::Connack(ConnackPacket::refuse(*reason))),
            Ending::Disconnect(reason, text) => Some(Packet::Disconnect(DisconnectPacket {
                reason_code: *reason,
                reason: text.clone(),
            })),
        };
        if let Some(packet) = told {
            tracing::debug!(?ending, "a WuKongIM connection ends");
            if self.write(&packet).await.is_ok() {
                self.linger().await;
            }
        }
        // Bounded like a write: closing a WebSocket writes a Close frame after whatever a write
        // that timed out left buffered, which a client that does not read never takes.
        let _ = timeout(WRITE_TIMEOUT, self.transport.close()).await;
    }

    /// After a DISCONNECT or a refusing CONNACK: lets the client read it and close first,
    /// reading (and dropping) what it still sends, for at most [`DISCONNECT_LINGER`].
    async fn linger(&mut self) {
        let shutdown = self.gateway.shutdown.clone();
        let _ = timeout(DISCONNECT_LINGER, async {
            tokio::select! {
                () = self.transport.discard() => {}
                () = shutdown.cancelled() => {}
            }
        })
        .await;
    }
}

impl Live {
    /// One packet from the client.
    async fn on_packet(&mut self, gateway: &Gateway, packet: Packet) -> Step {
        match packet {
            Packet::Send(send) => self.on_send(gateway, send).await,
            Packet::Recvack(ack) => {
                self.on_recvack(&ack);
                Step::Reply(Vec::new())
            }
            Packet::Ping => Step::Reply(vec![Packet::Pong]),
            Packet::Sub(sub) => Step::Reply(vec![Packet::Suback(suback(sub))]),
            Packet::Disconnect(_) => Step::End(Vec::new(), Ending::ClientLeft),
            other => Step::End(
                Vec::new(),
                Ending::disconnect(
                    ReasonCode::NotSupportHeader,
                    format!("a client does not send {}", other.packet_type()),
                ),
            ),
        }
    }

    /// SEND: checks and decrypts, stores and pushes the message, answers SENDACK.
    async fn on_send(&mut self, gateway: &Gateway, mut send: SendPacket) -> Step {
        let client_seq = send.client_seq;
        let refuse = |reason| sendack(client_seq, 0, 0, reason);
        if let Err(error) = self.session.open_send(&mut send) {
            // Not this session's message: the client is broken, or not the one that
            // connected. Its SEND fails, and the connection ends.
            let reason = match error {
                CryptoError::MsgKeyMismatch => ReasonCode::MsgKeyError,
                _ => ReasonCode::PayloadDecodeError,
            };
            return Step::End(
                vec![refuse(reason)],
                Ending::disconnect(reason, format!("SEND: {error}")),
            );
        }
        if let Some((_, what)) = UNSUPPORTED
            .iter()
            .find(|(bit, _)| send.setting.contains(*bit))
        {
            tracing::debug!(uid = %self.device.uid, "refused a SEND: Natter has no {what}");
            return Step::Reply(vec![refuse(ReasonCode::NotSupportHeader)]);
        }
        let Some(conversation_id) = render::conversation_of(&send.channel_id, send.channel_type)
        else {
            return Step::Reply(vec![refuse(ReasonCode::NotSupportChannelType)]);
        };
        let payload = match serde_json::from_slice::<Value>(&send.payload) {
            Ok(payload) if payload.is_object() => payload,
            _ => return Step::Reply(vec![refuse(ReasonCode::PayloadDecodeError)]),
        };
        if let Some(check) = &gateway.rate_check
            && check(&self.device.uid).is_err()
        {
            return Step::Reply(vec![refuse(ReasonCode::RateLimit)]);
        }
        let client_msg_no = Some(send.client_msg_no.clone()).filter(|number| !number.is_empty());
        if let Some(number) = &client_msg_no {
            // Before the send: the bus brings the message back while it is being sent.
            self.sent.insert(number.clone());
        }
        let request = SendMessageRequest {
            conversation_id,
            message_type: Some(natter_core::message::type_of_wukongim_payload(&payload).to_owned()),
            payload,
            client_msg_id: client_msg_no,
            cloud_custom_data: None,
            online_user_only: false,
            need_read_receipt: send.setting.contains(Setting::RECEIPT),
            offline_push_info: None,
            excluded_from_unread_count: !send.flags.red_dot,
            receiver_list: None,
            excluded_from_last_message: false,
        };
        // WuKongIM keeps a sync-once message only until it is delivered: here it is not kept.
        let delivery = Delivery {
            persist: !send.flags.no_persist && !send.flags.sync_once,
            counts_as_unread: send.flags.red_dot,
            // WuKongIM lets a client message a uid that was never issued a token.
            registers_users: true,
        };
        let answer = match gateway
            .natter
            .send_message_as(&self.device.uid, request, delivery)
            .await
        {
            Ok(message) => sendack(
                client_seq,
                message.message_id.parse().unwrap_or_default(),
                message.seq as u32,
                ReasonCode::Success,
            ),
            Err(error) => {
                tracing::debug!(uid = %self.device.uid, %error, "a WuKongIM SEND failed");
                refuse(reasons::for_send_error(&error))
            }
        };
        Step::Reply(vec![answer])
    }

    fn on_recvack(&mut self, ack: &RecvackPacket) {
        if let Some(at) = self
            .unacked
            .iter()
            .position(|recv| recv.message_id == ack.message_id)
        {
            self.unacked.remove(at);
            self.acked.insert(ack.message_id);
        }
    }

    /// The RECVs a bus frame makes for this connection, not sent yet: not the echo of its own
    /// SENDs, nor a message it already has.
    fn deliverable(&mut self, frame: &Frame) -> Vec<Pending> {
        if !frame.carries_messages() {
            return Vec::new();
        }
        render::recvs_of(&self.device.uid, frame.event())
            .into_iter()
            .filter(|(_, own_number)| match own_number {
                Some(number) => !self.sent.remove(number),
                None => true,
            })
            .map(|(recv, _)| recv)
            .collect()
    }

    /// A bus frame, as the packets to write.
    fn deliver(&mut self, frame: &Frame) -> Vec<Packet> {
        self.deliverable(frame)
            .into_iter()
            .filter_map(|recv| self.track(recv))
            .collect()
    }

    /// Seals a RECV for this connection and waits for its RECVACK; `None` when the
    /// connection has it already.
    fn track(&mut self, recv: Pending) -> Option<Packet> {
        let id = recv.message_id;
        if self.acked.contains(&id) || self.unacked.iter().any(|sent| sent.message_id == id) {
            return None;
        }
        let mut sealed = RecvPacket::clone(&recv);
        self.session.seal_recv(&mut sealed);
        if self.unacked.len() == MAX_UNACKED {
            self.unacked.pop_front();
        }
        self.unacked.push_back(recv);
        Some(Packet::Recv(sealed))
    }

    /// Whether the same client connected again (the same device ID, as WuKongIM compares
    /// them): it has left this connection, so it is closed without a DISCONNECT, which would
    /// only reach a socket the client abandoned (or, worse, one it still reads while closing,
    /// making it give up its new connection).
    fn is_superseded(&self) -> bool {
        self.superseded.load(Ordering::SeqCst)
    }

    /// The bus ended this connection, or it fell behind.
    fn ended_by_bus(&self) -> Ending {
        match self.subscription.signals.ended() {
            Some(EndReason::Replaced) if self.is_superseded() => Ending::Close,
            Some(reason) => match reasons::for_end(reason) {
                Some((code, text)) => Ending::disconnect(code, text),
                None => Ending::Close,
            },
            // Its queue overflowed, so it missed messages: closed without a word, the SDK
            // reconnects and its app syncs what it missed.
            None => Ending::Close,
        }
    }
}

/// SUBACK for a SUB: WuKongIM subscribes to live and data channels, which Natter does not
/// have, so subscribing is refused (23, `NotSupportChannelType`); leaving one succeeds, there
/// being nothing to leave.
fn suback(sub: SubPacket) -> SubackPacket {
    let reason_code = match sub.action {
        SubAction::Unsubscribe => ReasonCode::Success,
        _ => ReasonCode::NotSupportChannelType,
    };
    SubackPacket {
        sub_no: sub.sub_no,
        channel_id: sub.channel_id,
        channel_type: sub.channel_type,
        action: sub.action,
        reason_code,
    }
}

fn sendack(client_seq: u32, message_id: u64, message_seq: u32, reason_code: ReasonCode) -> Packet {
    Packet::Sendack(SendackPacket {
        message_id,
        client_seq,
        message_seq,
        reason_code,
    })
}

/// Resolves once the bus says this connection must end (ended by the server, or fallen
/// behind).
async fn signalled(signals: &Arc<Signals>) {
    loop {
        let woken = signals.wake.notified();
        if signals.fell_behind() || signals.ended().is_some() {
            return;
        }
        woken.await;
    }
}

/// A set that remembers its newest `capacity` entries.
struct Recent<T> {
    order: VecDeque<T>,
    members: HashSet<T>,
    capacity: usize,
}

impl<T: Clone + Eq + Hash> Recent<T> {
    fn new(capacity: usize) -> Self {
        Self {
            order: VecDeque::new(),
            members: HashSet::new(),
            capacity,
        }
    }

    fn insert(&mut self, value: T) {
        if !self.members.insert(value.clone()) {
            return;
        }
        self.order.push_back(value);
        if self.order.len() > self.capacity
            && let Some(oldest) = self.order.pop_front()
        {
            self.members.remove(&oldest);
        }
    }

    fn contains(&self, value: &T) -> bool {
        self.members.contains(value)
    }

    /// Forgets `value`; whether it was there.
    fn remove(&mut self, value: &T) -> bool {
        if !self.members.remove(value) {
            return false;
        }
        self.order.retain(|kept| kept != value);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Settings;
    use natter_service::{Natter, Options};
    use tokio::sync::Semaphore;

    /// A transport whose every write fails, counting them.
    #[derive(Default)]
    struct FailingWrites {
        writes: usize,
    }

    impl Transport for FailingWrites {
        async fn read(&mut self) -> Result<Option<Packet>, ReadError> {
            Ok(None)
        }

        async fn write(&mut self, _: &Packet) -> std::io::Result<()> {
            self.writes += 1;
            Err(std::io::ErrorKind::BrokenPipe.into())
        }

        async fn discard(&mut self) {}

        fn set_version(&mut self, _: ProtocolVersion) {}

        async fn close(&mut self) {}

        fn kind(&self) -> Kind {
            Kind::Tcp
        }
    }

    /// A SEND with a forged msg key ends with SENDACK 8 and DISCONNECT 8; when the SENDACK
    /// cannot be written (over TCP, a write that timed out may have sent part of it), the
    /// DISCONNECT is not written after it.
    #[tokio::test]
    async fn nothing_is_written_after_a_write_failed() {
        let data = tempfile::tempdir().unwrap();
        let store = natter_store::Store::open_sqlite(data.path()).unwrap();
        let options = Options {
            manager_token: None,
            sync_conversation_deletion: None,
            friend_status_notification: None,
            recall_window: std::time::Duration::from_secs(120),
            webhooks: None,
            before_send: None,
            translation: None,
            speech_to_text: None,
            exclusive_database: true,
            files: None,
        };
        let natter = Arc::new(Natter::start(store, options).await.unwrap());
        let gateway = Gateway::new(natter, Settings::default(), Arc::new(Semaphore::new(1)));
        let mut link = Link {
            transport: FailingWrites::default(),
            gateway: Arc::new(gateway),
            broken: false,
            peer: ([127, 0, 0, 1], 1).into(),
            counters: Arc::default(),
        };
        let sendack = sendack(1, 0, 0, ReasonCode::MsgKeyError);
        assert!(link.write(&sendack).await.is_err());
        link.finish(Ending::disconnect(ReasonCode::MsgKeyError, "SEND"))
            .await;
        assert_eq!(link.transport.writes, 1);
    }

    #[test]
    fn recent_forgets_the_oldest() {
        let mut recent = Recent::new(2);
        recent.insert(1);
        recent.insert(2);
        recent.insert(2);
        recent.insert(3);
        assert!(!recent.contains(&1) && recent.contains(&2) && recent.contains(&3));
        assert!(recent.remove(&2) && !recent.remove(&2));
        recent.insert(4);
        assert!(recent.contains(&3) && recent.contains(&4));
    }

    #[test]
    fn subscribing_is_refused_and_leaving_is_not() {
        let sub = |action| SubPacket {
            setting: Setting::default(),
            sub_no: "7".into(),
            channel_id: "room".into(),
            channel_type: natter_wukongim::ChannelType::Data,
            action,
            param: String::new(),
        };
        let refused = suback(sub(SubAction::Subscribe));
        assert_eq!(refused.reason_code, ReasonCode::NotSupportChannelType);
        assert_eq!(
            (refused.sub_no.as_str(), refused.channel_id.as_str()),
            ("7", "room")
        );
        assert_eq!(
            suback(sub(SubAction::Unsubscribe)).reason_code,
            ReasonCode::Success
        );
    }
}
