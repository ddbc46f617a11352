//! The server under test: either one this process starts (the release binary if built, else
//! debug) on a fresh data dir, or one already running (`--server`), or the nodes of a running
//! cluster (`--server` several times). For a server it started, or those named with
//! `--server-pid`, it reads CPU time and memory from `/proc` (summed over the nodes).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use natter_launch::{ServerCommand, ServerLog, SpawnedServer};

/// How the bench reaches a server; shared by every workload.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Already running servers (the nodes of one cluster); none starts one per workload.
    pub servers: Vec<String>,
    pub manager_token: Option<String>,
    /// The external servers' processes, to read their CPU time and memory.
    pub server_pids: Vec<u32>,
    /// The binary to start; `None` picks `$CARGO_TARGET_DIR/{release,debug}/natter`.
    pub binary: Option<PathBuf>,
}

/// A running server, started here or not.
#[derive(Debug)]
pub struct Server {
    /// The first node's URL: where every workload sets up and, but for `send`, works.
    pub url: String,
    /// Every node's URL, the first one first.
    pub urls: Vec<String>,
    pub manager_token: String,
    pids: Vec<u32>,
    process: Option<SpawnedServer>,
    data_dir: Option<tempfile::TempDir>,
}

/// CPU time and memory of the server process at one moment.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcStats {
    /// utime + stime, seconds.
    pub cpu_secs: f64,
    /// Of it, stime: the kernel's work for the process (its sockets, its syncs).
    pub kernel_cpu_secs: f64,
    /// Of it, the SQLite writer thread's (0 on PostgreSQL, or where it cannot be read): every
    /// write runs there, one at a time, so its share says how much of a workload is the store's
    /// serial part.
    pub writer_cpu_secs: f64,
    /// Bytes the process has caused to be written to storage (`write_bytes` of
    /// `/proc/<pid>/io`: the WAL's pages and the checkpoints' copies of them); `None` where it
    /// cannot be read. A commit waits for its sync behind whatever else is being written, so
    /// the bytes a message costs bear on the latency's tail as well as on the disk.
    pub disk_written_bytes: Option<u64>,
    /// VmRSS, KiB.
    pub rss_kib: u64,
    /// VmHWM (peak RSS), KiB.
    pub hwm_kib: u64,
}

impl Options {
    /// The server for one workload: the external one, or a fresh one on a new data dir.
    pub async fn server(&self) -> anyhow::Result<Server> {
        match self.servers.first() {
            Some(first) => Ok(Server {
                url: first.trim_end_matches('/').to_owned(),
                urls: self
                    .servers
                    .iter()
                    .map(|url| url.trim_end_matches('/').to_owned())
                    .collect(),
                manager_token: self
                    .manager_token
                    .clone()
                    .context("--server needs --manager-token")?,
                pids: self.server_pids.clone(),
                process: None,
                data_dir: None,
            }),
            None => {
                let dir = tempfile::Builder::new().prefix("natter-bench-").tempdir()?;
                let mut server = self.start_on(dir.path()).await?;
                server.data_dir = Some(dir);
                Ok(server)
            }
        }
    }

    /// Whether workloads may start, stop and restart servers themselves.
    pub fn owns_server(&self) -> bool {
        self.servers.is_empty()
    }

    /// The server binary: `--binary`, else the release build if present, else debug.
    pub fn binary(&self) -> anyhow::Result<PathBuf> {
        if let Some(binary) = &self.binary {
            return Ok(binary.clone());
        }
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache/natter-target"))
            })
            .context("set CARGO_TARGET_DIR or pass --binary")?;
        for profile in ["release", "debug"] {
            let binary = target.join(profile).join("natter");
            if binary.is_file() {
                return Ok(binary);
            }
        }
        bail!(
            "no natter binary under {}: run `cargo build --release -p natter`",
            target.display()
        )
    }

    /// Starts the server binary on `data_dir` (kept by the caller) and waits for its address.
    pub async fn start_on(&self, data_dir: &Path) -> anyhow::Result<Server> {
        self.start_with(data_dir, &[]).await
    }

    /// Like [`Options::start_on`], with more `natter serve` flags.
    pub async fn start_with(&self, data_dir: &Path, flags: &[&str]) -> anyhow::Result<Server> {
        let (server, _) = self.spawn(data_dir, flags).await?;
        Ok(server)
    }

    /// Like [`Options::start_on`], also returning when the process was spawned.
    pub async fn start_timed(&self, data_dir: &Path) -> anyhow::Result<(Server, Instant)> {
        self.spawn(data_dir, &[]).await
    }

    async fn spawn(&self, data_dir: &Path, flags: &[&str]) -> anyhow::Result<(Server, Instant)> {
        let manager_token = format!("bench-{:x}", rand_u64());
        let process = ServerCommand::new(self.binary()?)
            .data_dir(data_dir)
            .manager_token(&manager_token)
            .args(["--rate-limit", "0", "--max-connections", "200000"])
            // Idle workloads hold connections longer than the default 90 s without pinging.
            .args(["--ws-idle-timeout-secs", "3600"])
            .args(flags)
            .log(ServerLog::Inherit)
            .startup_timeout(Duration::from_secs(60))
            .spawn()
            .await?;
        let spawned = process.spawned_at();
        Ok((
            Server {
                url: process.url().to_owned(),
                urls: vec![process.url().to_owned()],
                manager_token,
                pids: process.pid().into_iter().collect(),
                process: Some(process),
                data_dir: None,
            },
            spawned,
        ))
    }
}

impl Server {
    /// Which binary the bench starts, for the report header.
    pub fn describe(options: &Options) -> String {
        match options.servers.as_slice() {
            [url] => format!("external server {url}"),
            [_, _, ..] => format!("external cluster {}", options.servers.join(" ")),
            [] => match options.binary() {
                Ok(binary) => format!("server binary {}", binary.display()),
                Err(error) => format!("no server binary: {error}"),
            },
        }
    }

    /// The server's CPU time and memory, summed over its nodes; `None` without processes.
    pub fn stats(&self) -> Option<ProcStats> {
        let each: Vec<ProcStats> = self
            .pids
            .iter()
            .map(|pid| read_stats(*pid).ok())
            .collect::<Option<_>>()?;
        (!each.is_empty()).then(|| ProcStats {
            cpu_secs: each.iter().map(|stats| stats.cpu_secs).sum(),
            kernel_cpu_secs: each.iter().map(|stats| stats.kernel_cpu_secs).sum(),
            writer_cpu_secs: each.iter().map(|stats| stats.writer_cpu_secs).sum(),
            disk_written_bytes: each.iter().map(|stats| stats.disk_written_bytes).sum(),
            rss_kib: each.iter().map(|stats| stats.rss_kib).sum(),
            hwm_kib: each.iter().map(|stats| stats.hwm_kib).sum(),
        })
    }

    /// SIGTERM (drain and exit), then waits up to 30 s; the data dir is kept.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(process) = self.process.take() {
            process.terminate(Duration::from_secs(30)).await?;
        }
        Ok(())
    }
}

/// The server's SQLite writer thread as the kernel names it: its name cut to 15 bytes.
const WRITER_THREAD: &str = "natter-sqlite-w";

fn read_stats(pid: u32) -> anyhow::Result<ProcStats> {
    let (user, kernel) = cpu_ticks(format!("/proc/{pid}/stat"))?;
    let writer_cpu_secs = std::fs::read_dir(format!("/proc/{pid}/task"))?
        .flatten()
        .filter(|task| {
            std::fs::read_to_string(task.path().join("comm"))
                .is_ok_and(|name| name.trim_end() == WRITER_THREAD)
        })
        .filter_map(|task| cpu_ticks(task.path().join("stat")).ok())
        .map(|(user, kernel)| user + kernel)
        .sum::<f64>()
        / clock_ticks_per_sec();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kib = |key: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(key))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|value| value.parse().ok())
            .unwrap_or(0)
    };
    let disk_written_bytes = std::fs::read_to_string(format!("/proc/{pid}/io"))
        .ok()
        .and_then(|io| {
            io.lines()
                .find_map(|line| line.strip_prefix("write_bytes:"))
                .and_then(|value| value.trim().parse().ok())
        });
    Ok(ProcStats {
        cpu_secs: (user + kernel) / clock_ticks_per_sec(),
        kernel_cpu_secs: kernel / clock_ticks_per_sec(),
        writer_cpu_secs,
        disk_written_bytes,
        rss_kib: kib("VmRSS:"),
        hwm_kib: kib("VmHWM:"),
    })
}

/// utime and stime of a process or thread, in clock ticks, from its `stat` file.
fn cpu_ticks(stat_path: impl AsRef<std::path::Path>) -> anyhow::Result<(f64, f64)> {
    let stat = std::fs::read_to_string(stat_path)?;
    // Fields after the command name (which may hold spaces) start at field 3.
    let after = stat.rsplit_once(')').context("bad /proc stat")?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    Ok((fields[11].parse()?, fields[12].parse()?))
}

fn clock_ticks_per_sec() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|out| String::from_utf8(out.stdout).ok())
            .and_then(|text| text.trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// Not cryptographic: unique enough for tokens of a throwaway bench server.
pub fn rand_u64() -> u64 {
    fastrand::u64(..)
}

/// This process's own CPU time and memory (the load generator shares the machine).
pub fn own_stats() -> Option<ProcStats> {
    read_stats(std::process::id()).ok()
}
