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

use std::io::Write;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use rusqlite::Connection;
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;

use crate::report::{histogram, quantile_ms};

/// Rows per transaction: the server's writer shares one commit among at most this many writes.
const INSERT_BATCH: usize = 256;
/// Concurrent echo clients: as many as the send workloads' HTTP connections.
const ECHO_CLIENTS: usize = 64;

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
}

/// Which limit a figure is read against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    SqliteInserts,
    Fsync,
    WsEcho,
    WsEchoRtt,
}

impl Limit {
    /// The limit's value in the unit of the figures read against it.
    pub fn of(self, limits: &Limits) -> f64 {
        match self {
            Limit::SqliteInserts => limits.sqlite_rows_per_sec,
            Limit::Fsync => limits.fsync_ms,
            Limit::WsEcho => limits.ws_echo_per_sec,
            Limit::WsEchoRtt => limits.ws_echo_rtt_ms,
        }
    }

    /// How the ratio column names it.
    pub fn name(self) -> &'static str {
        match self {
            Limit::SqliteInserts => "SQLite inserts",
            Limit::Fsync => "fsync",
            Limit::WsEcho => "WS echo",
            Limit::WsEchoRtt => "WS echo RTT",
        }
    }
}

impl Limits {
    /// Measures all three, each for about `budget`.
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
        Ok(Self {
            sqlite_rows_per_sec,
            fsync_ms,
            ws_echo_per_sec,
            ws_echo_rtt_ms,
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
                let (mut socket, _) =
                    tokio_tungstenite::client_async(format!("ws://{address}/"), stream).await?;
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
    let Ok(mut socket) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    while let Some(Ok(message)) = socket.next().await {
        if message.is_text() && socket.send(message).await.is_err() {
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
        ] {
            let value = limit.of(&limits);
            assert!(
                value.is_finite() && value > 0.0,
                "{}: {value}",
                limit.name()
            );
        }
    }
}
