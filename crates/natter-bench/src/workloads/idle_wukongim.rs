//! Workload 7b: idle connections of WuKongIM's binary protocol, over TCP and over WebSocket, as
//! WuKongIM's SDKs hold them (CONNECT, CONNACK, then PINGs now and then): how much memory each
//! costs the server. The JSON WebSocket's figure is workload 7 (`idle-ws`).

use std::net::SocketAddr;
use std::time::Duration;

use bytes::BytesMut;
use futures_util::{SinkExt, StreamExt, stream};
use natter_wukongim::{
    ConnectPacket, DeviceFlag, KeyPair, Packet, ProtocolVersion, ReasonCode, WukongCodec,
    encode_to_vec,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

use crate::client::{Api, User};
use crate::report::Report;
use crate::server::{Options, ProcStats};

/// The protocol version of WuKongIM's mobile SDKs.
const VERSION: u8 = 4;
/// Connections opened at once.
const OPENING: usize = 128;

type WsStream = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

pub async fn run(options: &Options, quick: bool) -> anyhow::Result<Report> {
    anyhow::ensure!(
        options.owns_server(),
        "idle-wukongim starts a server with the WuKongIM listeners; it cannot use --server"
    );
    let count = if quick { 100 } else { 5_000 };
    let (tcp, ws) = (free_address()?, free_address()?);
    let dir = tempfile::Builder::new()
        .prefix("natter-bench-wukongim-")
        .tempdir()?;
    let flags = [
        "--wukongim-tcp-listen",
        &tcp.to_string(),
        "--wukongim-ws-listen",
        &ws.to_string(),
    ];
    let server = options.start_with(dir.path(), &flags).await?;
    let api = Api::new(&server)?;
    let tcp_users = api.create_users("wktcp", count).await?;
    let ws_users = api.create_users("wkws", count).await?;
    let settle = Duration::from_secs(if quick { 1 } else { 5 });
    tokio::time::sleep(Duration::from_secs(1)).await;

    let start = server.stats();
    let mut tcp_conns: Vec<TcpStream> = open_all(&tcp_users, |user| connect_tcp(tcp, user)).await;
    tokio::time::sleep(settle).await;
    let with_tcp = server.stats();
    let mut ws_conns: Vec<WsStream> = open_all(&ws_users, |user| connect_ws(ws, user)).await;
    tokio::time::sleep(settle).await;
    let with_ws = server.stats();
    let (tcp_held, ws_held) = (tcp_conns.len(), ws_conns.len());
    let tcp_alive = answering(&mut tcp_conns, 20).await;
    let ws_alive = answering(&mut ws_conns, 20).await;
    server.stop().await?;

    let mut report = Report::new(
        "idle-wukongim",
        format!(
            "{count} WuKongIM TCP connections, then {count} WuKongIM WebSocket connections \
             (protocol version {VERSION}), each connected and idle"
        ),
    );
    report.info("TCP connections held", tcp_held as f64, "");
    report.info("TCP: sampled answering a PING", tcp_alive as f64, "of 20");
    report.info("WebSocket connections held", ws_held as f64, "");
    report.info(
        "WebSocket: sampled answering a PING",
        ws_alive as f64,
        "of 20",
    );
    let per = |before: Option<ProcStats>, after: Option<ProcStats>, held: usize| {
        before.zip(after).map(|(before, after)| {
            after.rss_kib.saturating_sub(before.rss_kib) as f64 / held.max(1) as f64
        })
    };
    if let Some(kib) = per(start, with_tcp, tcp_held) {
        report.at_most("server memory per TCP connection", kib, "KiB", 8.0);
    }
    if let Some(kib) = per(with_tcp, with_ws, ws_held) {
        report.at_most("server memory per WebSocket connection", kib, "KiB", 8.0);
    }
    Ok(report)
}

/// An address nothing listens on now, for the server to bind.
fn free_address() -> anyhow::Result<SocketAddr> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?)
}

/// Opens a connection per user, [`OPENING`] at a time; reports the first failure.
async fn open_all<'a, T, F>(users: &'a [User], open: impl Fn(&'a User) -> F) -> Vec<T>
where
    F: Future<Output = anyhow::Result<T>>,
{
    let opened: Vec<anyhow::Result<T>> = stream::iter(users)
        .map(open)
        .buffer_unordered(OPENING)
        .collect()
        .await;
    let failed = opened.iter().filter(|opened| opened.is_err()).count();
    if let Some(Err(error)) = opened.iter().find(|opened| opened.is_err()) {
        eprintln!("idle-wukongim: {failed} connections failed, the first: {error:#}");
    }
    opened.into_iter().filter_map(Result::ok).collect()
}

/// A CONNECT frame for `user`, as an SDK sends it.
fn connect_frame(user: &User) -> anyhow::Result<Vec<u8>> {
    let key = KeyPair::generate()?;
    let connect = ConnectPacket {
        version: VERSION,
        device_flag: DeviceFlag::App,
        device_id: format!("bench-{}", user.uid),
        uid: user.uid.clone(),
        token: user.token.clone(),
        client_timestamp: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_millis() as i64,
        client_key: key.public_key(),
    };
    Ok(encode_to_vec(&Packet::Connect(connect), None)?)
}

/// One WuKongIM connection, over either transport: frames out, packets in.
trait Link {
    async fn write(&mut self, frame: Vec<u8>) -> anyhow::Result<()>;
    /// Appends what arrives next to `buffer`.
    async fn read(&mut self, buffer: &mut BytesMut) -> anyhow::Result<()>;

    async fn next_packet(&mut self, codec: &mut WukongCodec) -> anyhow::Result<Packet> {
        let mut buffered = BytesMut::new();
        loop {
            if let Some(packet) = codec.decode_frame(&mut buffered)? {
                return Ok(packet);
            }
            self.read(&mut buffered).await?;
        }
    }

    /// CONNECT as `user`; fails unless CONNACK says success.
    async fn log_in(&mut self, user: &User) -> anyhow::Result<()> {
        self.write(connect_frame(user)?).await?;
        match self.next_packet(&mut WukongCodec::new()).await? {
            Packet::Connack(connack) if connack.reason_code == ReasonCode::Success => Ok(()),
            other => anyhow::bail!("expected a CONNACK of success, got {other:?}"),
        }
    }

    /// Whether a PING is answered with PONG within 5 s.
    async fn answers_ping(&mut self) -> bool {
        let version = ProtocolVersion::negotiate(VERSION).expect("a version the crate speaks");
        let exchange = async {
            self.write(encode_to_vec(&Packet::Ping, Some(version))?)
                .await?;
            let mut codec = WukongCodec::new();
            codec.set_version(version);
            loop {
                if let Packet::Pong = self.next_packet(&mut codec).await? {
                    return anyhow::Ok(());
                }
            }
        };
        matches!(
            tokio::time::timeout(Duration::from_secs(5), exchange).await,
            Ok(Ok(()))
        )
    }
}

impl Link for TcpStream {
    async fn write(&mut self, frame: Vec<u8>) -> anyhow::Result<()> {
        Ok(self.write_all(&frame).await?)
    }

    async fn read(&mut self, buffer: &mut BytesMut) -> anyhow::Result<()> {
        anyhow::ensure!(self.read_buf(buffer).await? > 0, "the server closed");
        Ok(())
    }
}

impl Link for WsStream {
    async fn write(&mut self, frame: Vec<u8>) -> anyhow::Result<()> {
        Ok(self.send(Message::Binary(frame.into())).await?)
    }

    async fn read(&mut self, buffer: &mut BytesMut) -> anyhow::Result<()> {
        match self.next().await {
            Some(Ok(Message::Binary(bytes))) => buffer.extend_from_slice(&bytes),
            Some(Ok(_)) => {}
            other => anyhow::bail!("the server closed: {other:?}"),
        }
        Ok(())
    }
}

async fn connect_tcp(address: SocketAddr, user: &User) -> anyhow::Result<TcpStream> {
    let mut socket = TcpStream::connect(address).await?;
    socket.log_in(user).await?;
    Ok(socket)
}

async fn connect_ws(address: SocketAddr, user: &User) -> anyhow::Result<WsStream> {
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{address}")).await?;
    socket.log_in(user).await?;
    Ok(socket)
}

/// PINGs the first `sample` connections; how many answer.
async fn answering(links: &mut [impl Link], sample: usize) -> usize {
    let mut alive = 0;
    for link in links.iter_mut().take(sample) {
        alive += usize::from(link.answers_ping().await);
    }
    alive
}
