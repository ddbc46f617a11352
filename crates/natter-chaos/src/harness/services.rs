//! The processes the harness runs and breaks: a throwaway PostgreSQL cluster and a nats-server,
//! each on a free port of its own, restartable on that same port (as `scripts/with-services.sh`
//! starts them, but under the harness's control).

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// A port nothing listens on now.
pub fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Waits until something accepts connections on `port`.
pub fn wait_for_port(port: u16, within: Duration) -> Result<()> {
    let deadline = Instant::now() + within;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            bail!("nothing listens on port {port} after {within:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}

/// A PostgreSQL cluster in a directory of its own.
pub struct Postgres {
    bin: PathBuf,
    dir: PathBuf,
    pub port: u16,
    /// PostgreSQL refuses to run as root: then the package's `postgres` user runs it.
    as_user: Vec<String>,
}

impl Postgres {
    /// Creates the cluster in `dir` (which must exist) and starts it.
    pub fn create(dir: &Path) -> Result<Self> {
        let bin = find_postgres_bin()?;
        let as_user = if running_as_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres"])
                .arg(dir)
                .status()?;
            if !status.success() {
                bail!("cannot give {} to the postgres user", dir.display());
            }
            vec![
                "runuser".into(),
                "-u".into(),
                "postgres".into(),
                "--".into(),
            ]
        } else {
            Vec::new()
        };
        let postgres = Self {
            bin,
            dir: dir.to_owned(),
            port: free_port()?,
            as_user,
        };
        let output = postgres
            .command("initdb")
            .arg("-D")
            .arg(postgres.data())
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
            ])
            .output()?;
        if !output.status.success() {
            bail!("initdb failed: {}", String::from_utf8_lossy(&output.stderr));
        }
        postgres.start()?;
        Ok(postgres)
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        let mut command = match self.as_user.split_first() {
            Some((first, rest)) => {
                let mut command = Command::new(first);
                command.args(rest).arg(program);
                command
            }
            None => Command::new(program),
        };
        command.stdin(Stdio::null());
        command
    }

    pub fn start(&self) -> Result<()> {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -c port={} -c unix_socket_directories={} \
             -c max_connections=300 -c shared_buffers=64MB",
            self.port,
            self.dir.display()
        );
        let output = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.dir.join("postgres.log"))
            .args(["-w", "-t", "60", "-o", &options, "start"])
            .output()?;
        if !output.status.success() {
            let log = std::fs::read_to_string(self.dir.join("postgres.log")).unwrap_or_default();
            bail!(
                "PostgreSQL did not start: {}{log}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(())
    }

    /// Stops it: `fast` ends sessions cleanly, `immediate` as a crash would (recovery at start).
    pub fn stop(&self, mode: &str) -> Result<()> {
        let output = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", mode, "-w", "-t", "60", "stop"])
            .output()?;
        if !output.status.success() {
            bail!(
                "PostgreSQL did not stop: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(())
    }

    /// Sends `signal` (`STOP`, `CONT`) to every process of the cluster, the postmaster and its
    /// children: stopped, it is a database whose host froze, its connections open and silent.
    pub fn signal_all(&self, signal: &str) -> Result<()> {
        let pid_file = std::fs::read_to_string(self.data().join("postmaster.pid"))?;
        let postmaster = pid_file.lines().next().unwrap_or_default().to_owned();
        let kill = Command::new("kill")
            .args([format!("-{signal}"), postmaster.clone()])
            .status()?;
        // The children are signalled after the postmaster, so it forks no new one in between.
        let children = Command::new("pkill")
            .args([format!("-{signal}"), "-P".into(), postmaster])
            .status()?;
        if !kill.success() || !children.success() {
            bail!("cannot send SIG{signal} to PostgreSQL's processes");
        }
        Ok(())
    }

    pub fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Creates a database (on a thread: the blocking client runs its own runtime).
    pub fn create_database(&self, name: &str) -> Result<()> {
        let (url, sql) = (self.admin_url(), format!("CREATE DATABASE {name}"));
        std::thread::spawn(move || -> Result<()> {
            let mut client = postgres::Client::connect(&url, postgres::NoTls)?;
            client.batch_execute(&sql)?;
            Ok(())
        })
        .join()
        .map_err(|_| anyhow::anyhow!("the database thread panicked"))?
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self.signal_all("CONT");
        let _ = self.stop("immediate");
    }
}

fn find_postgres_bin() -> Result<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .context(
            "PostgreSQL is not installed (no /usr/lib/postgresql); scripts/chaos.sh installs it",
        )?
        .filter_map(|entry| entry.ok().map(|entry| entry.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    found.sort_by_key(|bin| {
        bin.parent()
            .and_then(|version| version.file_name())
            .and_then(|name| name.to_str())
            .and_then(|name| name.parse::<u32>().ok())
            .unwrap_or(0)
    });
    found.pop().context("no initdb under /usr/lib/postgresql")
}

/// A nats-server. It pings its clients every second and drops one that misses three, so a
/// paused node loses its link while paused, as it would behind a real NATS.
pub struct Nats {
    pub port: u16,
    config: PathBuf,
    log: PathBuf,
    child: Option<Child>,
}

impl Nats {
    pub fn create(dir: &Path) -> Result<Self> {
        let port = free_port()?;
        let config = dir.join("nats.conf");
        std::fs::write(
            &config,
            format!("listen: 127.0.0.1:{port}\nping_interval: \"1s\"\nping_max: 3\n"),
        )?;
        let mut nats = Self {
            port,
            config,
            log: dir.join("nats.log"),
            child: None,
        };
        nats.start()?;
        Ok(nats)
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    pub fn start(&mut self) -> Result<()> {
        if self.child.is_some() {
            return Ok(());
        }
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)?;
        let child = Command::new("nats-server")
            .arg("-c")
            .arg(&self.config)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("nats-server is not installed; scripts/chaos.sh installs it")?;
        self.child = Some(child);
        wait_for_port(self.port, Duration::from_secs(10))
    }

    /// Sends `signal` (`STOP`, `CONT`) to the running server: stopped, it is a NATS whose host
    /// froze, its connections open and silent.
    pub fn signal(&self, signal: &str) -> Result<()> {
        let Some(child) = &self.child else {
            bail!("nats-server is not running");
        };
        let status = Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()?;
        if !status.success() {
            bail!("cannot send SIG{signal} to nats-server");
        }
        Ok(())
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Nats {
    fn drop(&mut self) {
        self.stop();
    }
}
