//! The bench's clients: the SDK's `Admin` for setting up users and groups, raw HTTP (one shared
//! connection pool, no per-user client) for the hot paths, and raw WebSockets that count or
//! time events without decoding more than they need.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use futures_util::{SinkExt, StreamExt, stream};
use natter_core::wire::{SendMessageRequest, SendMessageResponse};
use natter_sdk::Admin;
use serde_json::Value;
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
    WebSocketConfig::default().read_buffer_size(4 * 1024)
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

/// Reads a socket until it closes, calling `on_message` with each `messageReceived` frame.
pub fn spawn_reader(
    mut socket: Socket,
    mut on_message: impl FnMut(&str) + Send + 'static,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        while let Some(Ok(message)) = socket.next().await {
            if let Message::Text(text) = message
                && text.as_str().starts_with(r#"{"event":"messageReceived""#)
            {
                on_message(text.as_str());
            }
        }
    })
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
