//! The machine's own limits, measured in the same run as each workload, so that a figure can be
//! read as a fraction of what this machine can do at all: absolute numbers move with the
//! machine and with whatever else runs on it, ratios much less.
//!
//! - **Plain SQLite batched inserts**: rows per second that rusqlite alone writes into a fresh
//!   file with the server's pragmas (WAL, `synchronous = FULL`), in transactions of as many rows
//!   as the server's writer batches at most — the ceiling of any durable message store here.
//! - **fsync latency**: one 4 KiB write and `fdatasync` of a file in the same directory the
//!   server's data dir goes to — the floor of any acknowledged write.
//! - **Bare WebSocket echo**: text frames per second, and the round trip's median, between
//!   tokio-tungstenite clients and an echo server in this process over loopback — the ceiling
//!   of any push to a WebSocket, with nothing of Natter in the way.
//! - **Bare WebSocket fan-out**: frames per second that publishers in this process write to
//!   groups of tokio-tungstenite clients, each frame to every member of its group through the
//!   member connection's bounded queue, written with one flush per batch as the server writes
//!   its pushes; the clients count frames as the `fanout` workload's do. It is the ceiling of
//!   any group delivery on this machine: no storage, no HTTP, one frame per member.
//! - **Bare WebSocket fan-out, one write per delivery**: the same, shaped as the `fanout`
//!   workload's deliveries are: each group message is the three frames a member gets for it
//!   (`messageReceived`, `conversationListUpdated`, `totalUnreadMessageCountUpdated`, of the
//!   sizes the server sends) written with one flush, and a group's next message is published
//!   only once every member has read the last, as a sender waits for its acknowledgement. So
//!   nothing queues up behind a frame to share its write: each delivery costs the kernel one
//!   loopback TCP write and one read, as in the workload. Writers and readers share this
//!   process, as the server and the load generator share the machine's cores, so its rate is a
//!   ceiling for any delivery that writes each member's message on its own. Its CPU per
//!   delivery, and the kernel's part of it, say what that write and read cost both ends here:
//!   the floor under the server's and the load generator's CPU per delivery in `fanout`.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use futures_util::{SinkExt, StreamExt};
use rusqlite::Connection;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, mpsc};
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

use crate::client::websocket_config;
use crate::report::{histogram, quantile_ms};
use crate::server::own_stats;

/// Rows per transaction: the server's writer shares one commit among at most this many writes.
const INSERT_BATCH: usize = 256;
/// Concurrent echo clients: as many as the send workloads' HTTP connections.
const ECHO_CLIENTS: usize = 64;
/// Bare fan-out's shape: groups of members as large as the `fanout` workload's, fewer of them
/// so that connecting them all costs little before every run.
const FANOUT_GROUPS: usize = 10;
const FANOUT_MEMBERS: usize = 100;
/// Frames a member connection queues before its publisher waits (the server queues 256).
const FANOUT_QUEUE: usize = 256;
/// Frames written with one flush at most, as the server writes them.
const FANOUT_FRAMES_PER_FLUSH: usize = 64;

/// One measurement of the machine, taken just before a workload runs.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Plain SQLite batched inserts, rows/s.
    pub sqlite_rows_per_sec: f64,
    /// 4 KiB write + fdatasync, median, ms.
    pub fsync_ms: f64,
    /// Bare WebSocket echo, frames echoed per second.
    pub ws_echo_per_sec: f64,
    /// Bare WebSocket echo round trip, median, ms.
    pub ws_echo_rtt_ms: f64,
    /// Bare WebSocket fan-out, frames delivered per second.
    pub ws_fanout_per_sec: f64,
    /// Bare WebSocket fan-out with one write per delivery, deliveries per second.
    pub ws_fanout_one_write_per_sec: f64,
    /// … its CPU per delivery, writers and readers together, µs.
    pub ws_fanout_one_write_cpu_us: f64,
    /// … of it in the kernel, µs.
    pub ws_fanout_one_write_kernel_us: f64,
}

/// Which limit a figure is read against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    SqliteInserts,
    Fsync,
    WsEcho,
    WsEchoRtt,
    WsFanout,
    WsFanoutOneWrite,
    WsFanoutOneWriteCpu,
    WsFanoutOneWriteKernel,
}

impl Limit {
    /// The limit's value in the unit of the figures read against it.
    pub fn of(self, limits: &Limits) -> f64 {
        match self {
            Limit::SqliteInserts => limits.sqlite_rows_per_sec,
            Limit::Fsync => limits.fsync_ms,
            Limit::WsEcho => limits.ws_echo_per_sec,
            Limit::WsEchoRtt => limits.ws_echo_rtt_ms,
            Limit::WsFanout => limits.ws_fanout_per_sec,
            Limit::WsFanoutOneWrite => limits.ws_fanout_one_write_per_sec,
            Limit::WsFanoutOneWriteCpu => limits.ws_fanout_one_write_cpu_us,
            Limit::WsFanoutOneWriteKernel => limits.ws_fanout_one_write_kernel_us,
        }
    }

    /// How the ratio column names it.
    pub fn name(self) -> &'static str {
        match self {
            Limit::SqliteInserts => "SQLite inserts",
            Limit::Fsync => "fsync",
            Limit::WsEcho => "WS echo",
            Limit::WsEchoRtt => "WS echo RTT",
            Limit::WsFanout => "WS fan-out",
            Limit::WsFanoutOneWrite => "one-write fan-out",
            Limit::WsFanoutOneWriteCpu => "one-write fan-out's CPU",
            Limit::WsFanoutOneWriteKernel => "one-write fan-out's kernel CPU",
        }
    }
}

impl Limits {
    /// Measures them all, each for about `budget`.
    pub async fn measure(budget: Duration) -> anyhow::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("natter-bench-limits-")
            .tempdir()?;
        let path = dir.path().to_owned();
        let (sqlite_rows_per_sec, fsync_ms) = tokio::task::spawn_blocking(move || {
            anyhow::Ok((
                sqlite_inserts(&path.join("plain.sqlite3"), budget)?,
                fsync_latency(&path.join("fsync.bin"), budget)?,
            ))
        })
        .await??;
        let (ws_echo_per_sec, ws_echo_rtt_ms) = ws_echo(budget).await?;
        let ws_fanout_per_sec = ws_fanout(budget).await?;
        let one_write = ws_fanout_one_write(budget).await?;
        Ok(Self {
            sqlite_rows_per_sec,
            fsync_ms,
            ws_echo_per_sec,
            ws_echo_rtt_ms,
            ws_fanout_per_sec,
            ws_fanout_one_write_per_sec: one_write.per_sec,
            ws_fanout_one_write_cpu_us: one_write.cpu_us,
            ws_fanout_one_write_kernel_us: one_write.kernel_us,
        })
    }
}

/// Rows per second of plain batched inserts of message-like rows (the server's pragmas).
fn sqlite_inserts(path: &std::path::Path, budget: Duration) -> anyhow::Result<f64> {
    let mut conn = Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA secure_delete = ON;
         CREATE TABLE messages (
             id INTEGER PRIMARY KEY, channel_id INTEGER NOT NULL, seq INTEGER NOT NULL,
             from_uid TEXT NOT NULL, time_ms INTEGER NOT NULL, payload TEXT NOT NULL,
             UNIQUE (channel_id, seq));",
    )?;
    let payload = r#"{"text":"hello from natter-bench","t":1234567890}"#;
    let started = Instant::now();
    let mut rows = 0u64;
    while started.elapsed() < budget {
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO messages (channel_id, seq, from_uid, time_ms, payload) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for _ in 0..INSERT_BATCH {
                rows += 1;
                let channel = (rows % 200) as i64;
                insert.execute((channel, rows as i64, "sender", rows as i64, payload))?;
            }
        }
        tx.commit()?;
    }
    Ok(rows as f64 / started.elapsed().as_secs_f64())
}

/// Median of 4 KiB write + fdatasync, in ms.
fn fsync_latency(path: &std::path::Path, budget: Duration) -> anyhow::Result<f64> {
    let mut file = std::fs::File::create(path)?;
    let block = [0x5a_u8; 4096];
    let mut latencies = histogram();
    let started = Instant::now();
    while started.elapsed() < budget && latencies.len() < 10_000 {
        let begun = Instant::now();
        file.write_all(&block)?;
        file.sync_data()?;
        latencies.record(begun.elapsed().as_micros().max(1) as u64)?;
    }
    Ok(quantile_ms(&latencies, 0.5))
}

/// Frames echoed per second and the median round trip, `ECHO_CLIENTS` clients in a closed loop.
async fn ws_echo(budget: Duration) -> anyhow::Result<(f64, f64)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let server = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(echo(stream));
        }
    });
    let started = Instant::now();
    let deadline = started + budget;
    let clients: Vec<_> = (0..ECHO_CLIENTS)
        .map(|_| {
            tokio::spawn(async move {
                let stream = TcpStream::connect(address).await?;
                stream.set_nodelay(true)?;
                let (mut socket, _) = tokio_tungstenite::client_async_with_config(
                    format!("ws://{address}/"),
                    stream,
                    Some(websocket_config()),
                )
                .await?;
                let mut latencies = histogram();
                let frame = r#"{"event":"messageReceived","data":{"t":1234567890}}"#;
                while Instant::now() < deadline {
                    let begun = Instant::now();
                    socket.send(Message::Text(frame.into())).await?;
                    match socket.next().await {
                        Some(Ok(Message::Text(_))) => {}
                        other => anyhow::bail!("echo: unexpected {other:?}"),
                    }
                    latencies.record(begun.elapsed().as_micros().max(1) as u64)?;
                }
                let _ = socket.close(None).await;
                anyhow::Ok(latencies)
            })
        })
        .collect();
    let mut all = histogram();
    for client in clients {
        all.add(&client.await??)?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    server.abort();
    Ok((all.len() as f64 / elapsed, quantile_ms(&all, 0.5)))
}

async fn echo(stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let Ok(mut socket) =
        tokio_tungstenite::accept_async_with_config(stream, Some(websocket_config())).await
    else {
        return;
    };
    while let Some(Ok(message)) = socket.next().await {
        if message.is_text() && socket.send(message).await.is_err() {
            return;
        }
    }
}

/// Frames delivered per second: one publisher per group, each frame to all its members.
async fn ws_fanout(budget: Duration) -> anyhow::Result<f64> {
    let (server, members, sockets) = connect_members().await?;
    let delivered = Arc::new(AtomicU64::new(0));
    let readers = crate::client::count_messages(sockets, &delivered);

    let started = Instant::now();
    let deadline = started + budget;
    let publishers: Vec<_> = members
        .chunks(FANOUT_MEMBERS)
        .map(|group| {
            let group = group.to_vec();
            tokio::spawn(async move {
                let mut published = 0u64;
                // At least one message, however short the budget.
                loop {
                    published += 1;
                    // Serialised once per message, shared by its members, as the server does.
                    let frames: Arc<[Utf8Bytes]> = Arc::new([fanout_frame(published).into()]);
                    for member in &group {
                        member.send(frames.clone()).await?;
                    }
                    if Instant::now() >= deadline {
                        return anyhow::Ok(published);
                    }
                }
            })
        })
        .collect();
    let mut expected = 0;
    for publisher in publishers {
        expected += publisher.await?? * FANOUT_MEMBERS as u64;
    }
    crate::client::wait_until(Duration::from_secs(60), || {
        delivered.load(Ordering::Relaxed) >= expected
    })
    .await;
    let elapsed = started.elapsed().as_secs_f64();
    readers.iter().for_each(|reader| reader.abort());
    server.abort();
    let got = delivered.load(Ordering::Relaxed);
    anyhow::ensure!(
        got >= expected,
        "fan-out: {got} of {expected} frames arrived"
    );
    Ok(got as f64 / elapsed)
}

/// What bare fan-out with one write per delivery measured.
struct OneWriteFanout {
    per_sec: f64,
    /// This process's CPU per delivery (writers and readers), µs.
    cpu_us: f64,
    /// … of it in the kernel, µs.
    kernel_us: f64,
}

/// Deliveries per second when each group message reaches each member in a write of its own:
/// a group's next message is published once all its members have read the last. With this
/// process's CPU per delivery over the same time: nothing else of the load generator runs while
/// the limits are measured.
async fn ws_fanout_one_write(budget: Duration) -> anyhow::Result<OneWriteFanout> {
    let (server, members, sockets) = connect_members().await?;
    // Per group: how many of its deliveries arrived, and a wake-up for its publisher when a
    // message has reached every member.
    let groups: Vec<(Arc<AtomicU64>, Arc<Notify>)> = (0..FANOUT_GROUPS)
        .map(|_| (Arc::default(), Arc::default()))
        .collect();
    let readers: Vec<_> = sockets
        .into_iter()
        .enumerate()
        .map(|(at, socket)| {
            let (arrived, all_arrived) = groups[at / FANOUT_MEMBERS].clone();
            crate::client::spawn_reader(socket, move |_| {
                if (arrived.fetch_add(1, Ordering::Relaxed) + 1) % FANOUT_MEMBERS as u64 == 0 {
                    all_arrived.notify_one();
                }
            })
        })
        .collect();

    let own_cpu = || own_stats().context("one-write fan-out: reading this process's CPU time");
    let cpu_before = own_cpu()?;
    let started = Instant::now();
    let deadline = started + budget;
    let publishers: Vec<_> = members
        .chunks(FANOUT_MEMBERS)
        .zip(groups)
        .map(|(group, (arrived, all_arrived))| {
            let group = group.to_vec();
            tokio::spawn(async move {
                let mut published = 0u64;
                // At least one message, however short the budget.
                loop {
                    published += 1;
                    let frames = delivery_frames(published);
                    for member in &group {
                        member.send(frames.clone()).await?;
                    }
                    let everyone = published * FANOUT_MEMBERS as u64;
                    while arrived.load(Ordering::Relaxed) < everyone {
                        tokio::time::timeout(Duration::from_secs(10), all_arrived.notified())
                            .await
                            .context("one-write fan-out: a member got nothing for 10 s")?;
                    }
                    if Instant::now() >= deadline {
                        return anyhow::Ok(published);
                    }
                }
            })
        })
        .collect();
    let mut delivered = 0;
    for publisher in publishers {
        delivered += publisher.await?? * FANOUT_MEMBERS as u64;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu_after = own_cpu()?;
    readers.iter().for_each(|reader| reader.abort());
    server.abort();
    let per_delivery_us = |secs: f64| secs * 1e6 / delivered as f64;
    Ok(OneWriteFanout {
        per_sec: delivered as f64 / elapsed,
        cpu_us: per_delivery_us(cpu_after.cpu_secs - cpu_before.cpu_secs),
        kernel_us: per_delivery_us(cpu_after.kernel_cpu_secs - cpu_before.kernel_cpu_secs),
    })
}

/// The accepting side of bare fan-out, the queues of its `FANOUT_GROUPS × FANOUT_MEMBERS`
/// member connections in groups of `FANOUT_MEMBERS` (each takes the frames to write with one
/// flush), and the members' client sockets in the same order.
async fn connect_members() -> anyhow::Result<(
    tokio::task::JoinHandle<()>,
    Vec<mpsc::Sender<Arc<[Utf8Bytes]>>>,
    Vec<crate::client::Socket>,
)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let (accepted, mut queues) = mpsc::unbounded_channel();
    let server = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (queue, queued) = mpsc::channel(FANOUT_QUEUE);
            tokio::spawn(write_queued(stream, queued));
            if accepted.send(queue).is_err() {
                return;
            }
        }
    });
    // One at a time, so that the n-th socket is the n-th accepted connection's client.
    let mut sockets = Vec::with_capacity(FANOUT_GROUPS * FANOUT_MEMBERS);
    let mut members = Vec::with_capacity(FANOUT_GROUPS * FANOUT_MEMBERS);
    while members.len() < FANOUT_GROUPS * FANOUT_MEMBERS {
        let stream = TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        let (socket, _) = tokio_tungstenite::client_async_with_config(
            format!("ws://{address}/"),
            stream,
            Some(websocket_config()),
        )
        .await?;
        sockets.push(socket);
        members.push(queues.recv().await.context("fan-out: the server stopped")?);
    }
    Ok((server, members, sockets))
}

/// The three frames a `fanout` member receives for one group message, of the sizes the server
/// sends them: the message (built from the wire types), the conversation (its size, padded:
/// the readers look only at a frame's start) and the unread total.
fn delivery_frames(seq: u64) -> Arc<[Utf8Bytes]> {
    const CONVERSATION_FRAME_BYTES: usize = 604;
    let start = r#"{"event":"conversationListUpdated","data":{"conversationList":[{"pad":""#;
    let end = r#""}]}}"#;
    let conversation = format!(
        "{start}{}{end}",
        "x".repeat(CONVERSATION_FRAME_BYTES - start.len() - end.len())
    );
    let total = natter_core::wire::ServerEvent::TotalUnreadMessageCountUpdated {
        total_unread_count: seq,
        version: seq,
    };
    Arc::new([
        fanout_frame(seq).into(),
        conversation.into(),
        serde_json::to_string(&total)
            .expect("a wire event serialises")
            .into(),
    ])
}

/// The `messageReceived` frame the server pushes for one of the `fanout` workload's group
/// messages, made of the same wire types (the counting clients read only its start).
fn fanout_frame(seq: u64) -> String {
    let message = natter_core::wire::Message {
        message_id: format!("{seq:020}"),
        conversation_id: "GROUPg0".to_owned(),
        seq,
        from: "fan0".to_owned(),
        time: 1_700_000_000_000,
        message_type: "TIMTextElem".to_owned(),
        payload: serde_json::json!({ "text": "to the group", "t": 1_700_000_000_000_000_u64 }),
        client_msg_id: None,
        cloud_custom_data: String::new(),
        is_revoked: false,
        revoker: None,
        nick: String::new(),
        avatar: String::new(),
        is_excluded_from_unread_count: false,
        version: 0,
        need_read_receipt: false,
        read_count: 0,
    };
    let event = natter_core::wire::ServerEvent::MessageReceived {
        message_list: vec![message],
    };
    serde_json::to_string(&event).expect("a wire event serialises")
}

/// A member connection of bare fan-out: writes what is queued behind each message with it, one
/// flush per batch, as the server writes its pushes.
async fn write_queued(stream: TcpStream, mut queued: mpsc::Receiver<Arc<[Utf8Bytes]>>) {
    let _ = stream.set_nodelay(true);
    let Ok(mut socket) =
        tokio_tungstenite::accept_async_with_config(stream, Some(websocket_config())).await
    else {
        return;
    };
    while let Some(first) = queued.recv().await {
        let mut next = Some(first);
        let mut batch = 0;
        while let Some(frames) = next.take() {
            for frame in frames.iter() {
                if socket.feed(Message::Text(frame.clone())).await.is_err() {
                    return;
                }
                batch += 1;
            }
            if batch < FANOUT_FRAMES_PER_FLUSH {
                next = queued.try_recv().ok();
            }
        }
        if socket.flush().await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_limit_is_measured() {
        let limits = Limits::measure(Duration::from_millis(50)).await.unwrap();
        for limit in [
            Limit::SqliteInserts,
            Limit::Fsync,
            Limit::WsEcho,
            Limit::WsEchoRtt,
            Limit::WsFanout,
            Limit::WsFanoutOneWrite,
        ] {
            let value = limit.of(&limits);
            assert!(
                value.is_finite() && value > 0.0,
                "{}: {value}",
                limit.name()
            );
        }
        // CPU time is counted in clock ticks (10 ms), so 50 ms of fan-out may round to none.
        for limit in [Limit::WsFanoutOneWriteCpu, Limit::WsFanoutOneWriteKernel] {
            let value = limit.of(&limits);
            assert!(
                value.is_finite() && value >= 0.0,
                "{}: {value}",
                limit.name()
            );
        }
    }
}
