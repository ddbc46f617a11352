//! Natter nodes as child processes, each on a fixed port so that clients find it again after a
//! restart: started, killed with SIGKILL, paused with SIGSTOP and resumed with SIGCONT.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::services::free_port;

pub struct Node {
    pub index: usize,
    pub port: u16,
    binary: PathBuf,
    args: Vec<String>,
    log: PathBuf,
    child: Option<Child>,
}

impl Node {
    pub fn new(index: usize, binary: &Path, args: Vec<String>, log: PathBuf) -> Result<Self> {
        Ok(Self {
            index,
            port: free_port()?,
            binary: binary.to_owned(),
            args,
            log,
            child: None,
        })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts the node and waits until it listens; a start refused (the database or NATS is
    /// down at that moment) is tried again, as a supervisor would, until `within` runs out.
    pub async fn start(&mut self, within: Duration) -> Result<()> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match self.try_start().await {
                Ok(()) => return Ok(()),
                Err(error) if tokio::time::Instant::now() < deadline => {
                    let _ = error;
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(error) => return Err(error),
            }
        }
    }

    async fn try_start(&mut self) -> Result<()> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)?;
        let mut child = Command::new(&self.binary)
            .arg("serve")
            .args(["--listen", &format!("127.0.0.1:{}", self.port)])
            .args(&self.args)
            .env_clear()
            .env("NATTER_LOG", "warn,natter_cluster=info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot run {}", self.binary.display()))?;
        let stdout = child.stdout.take().context("stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line()).await;
        match line {
            Ok(Ok(Some(line))) if line.starts_with("natter listening on") => {
                tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
                self.child = Some(child);
                Ok(())
            }
            _ => {
                let _ = child.kill().await;
                bail!("node {} did not start", self.index)
            }
        }
    }

    /// SIGKILL: no drain, no flush.
    pub async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.start_kill();
            let _ = child.wait().await;
        }
    }

    /// SIGTERM and wait (a graceful stop at the end of the run).
    pub async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            if let Some(pid) = child.id() {
                signal(pid, "TERM");
            }
            if tokio::time::timeout(Duration::from_secs(20), child.wait())
                .await
                .is_err()
            {
                let _ = child.start_kill();
                let _ = child.wait().await;
            }
        }
    }

    pub fn pause(&self) {
        if let Some(pid) = self.child.as_ref().and_then(Child::id) {
            signal(pid, "STOP");
        }
    }

    pub fn resume(&self) {
        if let Some(pid) = self.child.as_ref().and_then(Child::id) {
            signal(pid, "CONT");
        }
    }
}

fn signal(pid: u32, name: &str) {
    let _ = std::process::Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .status();
}
