//! Natter nodes as child processes, each on fixed ports (HTTP, and WuKongIM's protocol over
//! TCP and WebSocket) so that clients find it again after a restart: started, killed with
//! SIGKILL, paused with SIGSTOP and resumed with SIGCONT.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use natter_launch::{ServerCommand, ServerLog, SpawnedServer};

use super::services::free_port;
use super::wukongim::Address;

pub struct Node {
    pub index: usize,
    pub port: u16,
    pub wukongim_tcp_port: u16,
    pub wukongim_ws_port: u16,
    /// The same command line for every start, so a restarted node is the node it was.
    command: ServerCommand,
    server: Option<SpawnedServer>,
}

impl Node {
    /// Node `index` as `command` runs it, on a port of its own, its log appended to `log`.
    pub fn new(index: usize, command: ServerCommand, log: PathBuf) -> Result<Self> {
        let port = free_port()?;
        let wukongim_tcp_port = free_port()?;
        let wukongim_ws_port = free_port()?;
        Ok(Self {
            index,
            port,
            wukongim_tcp_port,
            wukongim_ws_port,
            command: command
                .listen(format!("127.0.0.1:{port}"))
                .args([
                    "--wukongim-tcp-listen".to_owned(),
                    format!("127.0.0.1:{wukongim_tcp_port}"),
                    "--wukongim-ws-listen".to_owned(),
                    format!("127.0.0.1:{wukongim_ws_port}"),
                ])
                .log_filter("warn,natter_cluster=info")
                .log(ServerLog::AppendTo(log))
                .startup_timeout(Duration::from_secs(20)),
            server: None,
        })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn wukongim_address(&self) -> Address {
        Address {
            tcp: format!("127.0.0.1:{}", self.wukongim_tcp_port),
            ws: format!("ws://127.0.0.1:{}", self.wukongim_ws_port),
        }
    }

    /// Starts the node and waits until it listens; a start refused (the database or NATS is
    /// down at that moment) is tried again, as a supervisor would, until `within` runs out.
    pub async fn start(&mut self, within: Duration) -> Result<()> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match self.command.spawn().await {
                Ok(server) => {
                    self.server = Some(server);
                    return Ok(());
                }
                Err(_) if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(error) => {
                    return Err(error)
                        .with_context(|| format!("node {} did not start", self.index));
                }
            }
        }
    }

    /// SIGKILL: no drain, no flush.
    pub async fn kill(&mut self) {
        if let Some(server) = self.server.take() {
            server.kill().await;
        }
    }

    /// SIGTERM and wait (a graceful stop at the end of the run); killed after 20 s.
    pub async fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            let _ = server.terminate(Duration::from_secs(20)).await;
        }
    }

    pub fn pause(&self) {
        if let Some(server) = &self.server {
            let _ = server.pause();
        }
    }

    pub fn resume(&self) {
        if let Some(server) = &self.server {
            let _ = server.resume();
        }
    }
}
