//! The bench's clients: the SDK's `Admin` for setting up users and groups, raw HTTP (one shared
//! connection pool, no per-user client) for the hot paths, and raw WebSockets that count or
//! time events without decoding more than they need.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use bytes::{Buf, BytesMut};
use futures_util::{SinkExt, StreamExt, stream};
use natter_core::wire::{SendMessageRequest, SendMessageResponse};
use natter_sdk::Admin;
use serde_json::Value;
use tokio::io::AsyncReadExt;
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{WebSocketStream, client_async_with_config};

use crate::server::Server;

/// Setup calls in flight at once.
const SETUP_CONCURRENCY: usize = 64;
/// No single request of the bench waits longer than this.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Every WebSocket of the load generator, either end: a read buffer of 4 KiB, which holds a
/// delivery's three frames (about 1 KiB) in one read. tungstenite zero-fills the free part of
/// its read buffer before every read; at its default of 128 KiB that was most of the load
/// generator's instructions in `send` and a third of its CPU in `fanout` (BENCHMARKS.md, round
/// two, thirteenth pass), on the cores it shares with the server. A larger frame grows the
/// buffer as it arrives.
pub fn websocket_config() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(READ_BUFFER)
}

/// A user with one device token.
#[derive(Debug, Clone)]
pub struct User {
    pub uid: String,
    pub token: String,
}

#[derive(Debug, Clone)]
pub struct Api {
    pub url: String,
    pub admin: Admin,
    http: reqwest::Client,
}

impl Api {
    /// The API of the server's first node.
    pub fn new(server: &Server) -> anyhow::Result<Self> {
        Ok(Self::each(server)?.swap_remove(0))
    }

    /// The API of each node of the server, the first one first; they share one connection pool.
    pub fn each(server: &Server) -> anyhow::Result<Vec<Self>> {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(4096)
            .timeout(REQUEST_TIMEOUT)
            .build()?;
        Ok(server
            .urls
            .iter()
            .map(|url| Self {
                url: url.clone(),
                admin: Admin::new(url, &server.manager_token),
                http: http.clone(),
            })
            .collect())
    }

    /// The server's socket address, for raw connections.
    pub fn address(&self) -> anyhow::Result<SocketAddr> {
        let host = self.url.strip_prefix("http://").context("an http:// URL")?;
        Ok(host.parse()?)
    }

    /// Users `{prefix}{0..count}`, each with a device token, created concurrently.
    pub async fn create_users(&self, prefix: &str, count: usize) -> anyhow::Result<Vec<User>> {
        let users: Vec<User> = (0..count)
            .map(|index| User {
                uid: format!("{prefix}{index}"),
                token: format!("tok-{prefix}{index}-{:x}", crate::server::rand_u64()),
            })
            .collect();
        let results: Vec<anyhow::Result<()>> = stream::iter(users.iter().cloned())
            .map(|user| {
                let admin = self.admin.clone();
                async move {
                    admin
                        .set_user_token(&user.uid, &user.token, 0, false)
                        .await
                        .with_context(|| format!("token for {}", user.uid))
                }
            })
            .buffer_unordered(SETUP_CONCURRENCY)
            .collect()
            .await;
        results.into_iter().collect::<anyhow::Result<()>>()?;
        Ok(users)
    }

    /// `POST /v1/messages` with `payload`; returns the message's seq. The request and the
    /// answer are the contract's own types, as a client built on `natter-core` sends and reads
    /// them: every send of every workload passes here, and with the answer decoded into a
    /// `serde_json::Value` (a map and a string for each field) the load generator took more of
    /// the cores it shares with the server (BENCHMARKS.md, round two, thirteenth pass).
    pub async fn send(
        &self,
        token: &str,
        conversation: &str,
        payload: Value,
    ) -> anyhow::Result<u64> {
        let request = SendMessageRequest {
            conversation_id: conversation.to_owned(),
            message_type: None,
            payload,
            client_msg_id: None,
            cloud_custom_data: None,
            online_user_only: false,
            need_read_receipt: false,
            offline_push_info: None,
            excluded_from_unread_count: false,
            receiver_list: None,
            excluded_from_last_message: false,
        };
        let reply: SendMessageResponse =
            decode(&self.post_body(token, "/v1/messages", &request).await?)?;
        Ok(reply.message.seq)
    }

    pub async fn post(&self, token: &str, path: &str, request: &Value) -> anyhow::Result<Value> {
        Ok(serde_json::from_slice(
            &self.post_body(token, path, request).await?,
        )?)
    }

    /// `POST path` with `request` as JSON; the answer's body as it arrived, from a successful
    /// status.
    async fn post_body(
        &self,
        token: &str,
        path: &str,
        request: &impl serde::Serialize,
    ) -> anyhow::Result<bytes::Bytes> {
        let response = self
            .http
            .post(format!("{}{path}", self.url))
            .bearer_auth(token)
            .json(request)
            .send()
            .await?;
        body(response).await
    }

    pub async fn get(&self, token: &str, path: &str) -> anyhow::Result<Value> {
        Ok(serde_json::from_slice(&self.get_body(token, path).await?)?)
    }

    /// `GET path`, its answer's body as it arrived: a successful status, the JSON not yet
    /// decoded, so that a latency taken around it is the server's and the transfer's, not the
    /// bench's own decoding.
    pub async fn get_body(&self, token: &str, path: &str) -> anyhow::Result<bytes::Bytes> {
        let response = self
            .http
            .get(format!("{}{path}", self.url))
            .bearer_auth(token)
            .send()
            .await?;
        body(response).await
    }

    /// `GET /metrics`: the server's Prometheus text (no authentication).
    pub async fn metrics(&self) -> anyhow::Result<String> {
        let response = self
            .http
            .get(format!("{}/metrics", self.url))
            .send()
            .await?;
        Ok(String::from_utf8(body(response).await?.to_vec())?)
    }
}

/// An answer decoded into the contract's type `T`, by sonic-rs (the server's own encoder's
/// library), which reads JSON with fewer instructions than serde_json: the load generator's
/// work shares the server's two cores, so the less of them it takes, the more a figure is the
/// server's.
pub fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> anyhow::Result<T> {
    sonic_rs::from_slice(body).context("the answer does not match the contract")
}

/// The body of a successful answer; any other fails with its status and body.
async fn body(response: reqwest::Response) -> anyhow::Result<bytes::Bytes> {
    let status = response.status();
    let bytes = response.bytes().await?;
    if !status.is_success() {
        bail!("HTTP {status}: {}", String::from_utf8_lossy(&bytes));
    }
    Ok(bytes)
}

pub type Socket = WebSocketStream<TcpStream>;

/// Opens an authenticated WebSocket (from `source` when given) and waits for the first pong:
/// from then on the device receives every event of its user.
pub async fn connect_ws(
    server: SocketAddr,
    token: &str,
    source: Option<Ipv4Addr>,
) -> anyhow::Result<Socket> {
    let socket = TcpSocket::new_v4()?;
    if let Some(source) = source {
        socket.bind(SocketAddr::from((source, 0)))?;
    }
    let stream = socket.connect(server).await?;
    stream.set_nodelay(true)?;
    let url = format!("ws://{server}/v1/ws?token={token}");
    let (mut socket, _) = client_async_with_config(url, stream, Some(websocket_config())).await?;
    socket
        .send(Message::Text(r#"{"event":"ping"}"#.into()))
        .await?;
    tokio::time::timeout(REQUEST_TIMEOUT, async {
        while let Some(message) = socket.next().await {
            if let Message::Text(text) = message?
                && text.as_str().starts_with(r#"{"event":"pong""#)
            {
                return Ok(());
            }
        }
        bail!("closed before the first pong")
    })
    .await
    .context("no pong within 60 s")??;
    Ok(socket)
}

/// Connects every user's device, `concurrency` handshakes at a time: user `i` to
/// `servers[i % servers.len()]`.
pub async fn connect_all(
    servers: &[SocketAddr],
    users: &[User],
    concurrency: usize,
) -> anyhow::Result<Vec<Socket>> {
    stream::iter(
        users
            .iter()
            .zip(servers.iter().cycle())
            .map(|(user, server)| connect_ws(*server, &user.token, None)),
    )
    .buffered(concurrency)
    .collect::<Vec<_>>()
    .await
    .into_iter()
    .collect()
}

/// Reads a socket until it closes, calling `on_message` with the payload of each
/// `messageReceived` frame.
///
/// The frames are looked at where they lie, in one buffer the reader keeps: tungstenite's
/// reader copies every payload into an allocation of its own and checks that it is UTF-8, work
/// that a real client does on its own machine but that the load generator would do on the two
/// cores it shares with the server (BENCHMARKS.md, round two, twenty-first pass). Written here
/// rather than taken from a library because the subset is small: a server's frames are never
/// masked, and the readers only need each frame's kind and the start of its payload. The
/// handshake and the first pong stay tungstenite's: the workloads send nothing to a device
/// until every device has had its first pong, so no frame is left in tungstenite's buffer when
/// the reader takes the stream (one that were would show as a missing delivery).
pub fn spawn_reader(
    socket: Socket,
    mut on_message: impl FnMut(&[u8]) + Send + 'static,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut stream = socket.into_inner();
        let mut buffer = BytesMut::with_capacity(READ_BUFFER);
        loop {
            let mut read = 0;
            while let Some(frame) = ServerFrame::at_start_of(&buffer[read..]) {
                let frame = match frame {
                    Ok(frame) => frame,
                    Err(problem) => {
                        eprintln!("bench reader: {problem}; the reader stops");
                        return;
                    }
                };
                read += frame.length;
                match frame.opcode {
                    OPCODE_CLOSE => return,
                    OPCODE_TEXT if frame.payload.starts_with(br#"{"event":"messageReceived""#) => {
                        on_message(frame.payload)
                    }
                    _ => {}
                }
            }
            buffer.advance(read);
            buffer.reserve(READ_BUFFER);
            match stream.read_buf(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
}

/// What a reader reads at a time, as the WebSockets' read buffer ([`websocket_config`]).
const READ_BUFFER: usize = 4 * 1024;
const OPCODE_TEXT: u8 = 0x1;
const OPCODE_CLOSE: u8 = 0x8;

/// One whole WebSocket frame from the server (RFC 6455, section 5.2), in place.
struct ServerFrame<'a> {
    opcode: u8,
    payload: &'a [u8],
    /// The header and the payload.
    length: usize,
}

impl<'a> ServerFrame<'a> {
    /// The frame `bytes` start with; `None` until all of it has arrived.
    fn at_start_of(bytes: &'a [u8]) -> Option<anyhow::Result<Self>> {
        let [first, second, ..] = *bytes else {
            return None;
        };
        if second & 0x80 != 0 {
            return Some(Err(anyhow::anyhow!("the server sent a masked frame")));
        }
        let (header, payload_length): (usize, usize) = match second & 0x7f {
            126 => (
                4,
                u16::from_be_bytes(bytes.get(2..4)?.try_into().ok()?) as usize,
            ),
            127 => (
                10,
                u64::from_be_bytes(bytes.get(2..10)?.try_into().ok()?) as usize,
            ),
            short => (2, short as usize),
        };
        let length = header.saturating_add(payload_length);
        let payload = bytes.get(header..length)?;
        Some(Ok(Self {
            opcode: first & 0x0f,
            payload,
            length,
        }))
    }
}

/// Readers that only count `messageReceived` frames into one shared counter.
pub fn count_messages(
    sockets: Vec<Socket>,
    counter: &Arc<std::sync::atomic::AtomicU64>,
) -> Vec<tokio::task::JoinHandle<()>> {
    sockets
        .into_iter()
        .map(|socket| {
            let counter = counter.clone();
            spawn_reader(socket, move |_| {
                counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            })
        })
        .collect()
}

/// Waits until `done()` or `limit` passes; returns whether `done()` became true.
pub async fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    done()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server's unmasked frame: FIN, the opcode, the length in its shortest form.
    fn frame(opcode: u8, payload: &[u8]) -> Vec<u8> {
        let mut bytes = vec![0x80 | opcode];
        match payload.len() {
            short @ 0..126 => bytes.push(short as u8),
            medium @ 126..65_536 => {
                bytes.push(126);
                bytes.extend((medium as u16).to_be_bytes());
            }
            long => {
                bytes.push(127);
                bytes.extend((long as u64).to_be_bytes());
            }
        }
        bytes.extend(payload);
        bytes
    }

    #[test]
    fn a_frame_is_read_whole_in_each_length_form_and_not_before_it_has_all_arrived() {
        for size in [0, 125, 126, 300, 65_535, 65_536] {
            let payload = vec![b'x'; size];
            let mut bytes = frame(OPCODE_TEXT, &payload);
            bytes.extend(frame(OPCODE_CLOSE, b""));
            let first = ServerFrame::at_start_of(&bytes).unwrap().unwrap();
            assert_eq!((first.opcode, first.payload), (OPCODE_TEXT, &payload[..]));
            let second = ServerFrame::at_start_of(&bytes[first.length..])
                .unwrap()
                .unwrap();
            assert_eq!((second.opcode, second.length), (OPCODE_CLOSE, 2));
            for cut in 0..first.length {
                assert!(
                    ServerFrame::at_start_of(&bytes[..cut]).is_none(),
                    "{size}: {cut}"
                );
            }
        }
    }

    #[test]
    fn a_masked_frame_is_refused() {
        let mut bytes = frame(OPCODE_TEXT, b"hi");
        bytes[1] |= 0x80;
        assert!(ServerFrame::at_start_of(&bytes).unwrap().is_err());
    }
}
