//! Starts the `natter` binary as a child process and waits until it listens.
//!
//! The integration tests (`crates/natter/tests`), the load generator (`natter-bench`) and the
//! chaos harness (`natter-chaos`) all run the real binary, each for its own reasons: a crash
//! or a signal only a process can show, a server measured apart from its load, nodes killed
//! and restarted under faults. What they share lives here, once: the `natter serve` command
//! line, the wait for the line the server prints once it listens (`natter listening on
//! http://…`, printed by `crates/natter/src/lib.rs` after the database is open), and an error
//! that carries what the server printed when it did not get that far.
//!
//! Why a crate of its own rather than a part of `natter`: it knows the server only by its
//! command line and its output, so it depends on nothing of Natter. The load generator and the
//! chaos harness are clients of a server, not servers; through `natter`'s library they would
//! build the whole server into themselves to start it as a process.
//!
//! The environment of the child is cleared: a `NATTER_*` variable of the shell that runs the
//! tests or the bench must not change the server they start.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

/// What the server prints, before its URL, once it listens.
const LISTENING: &str = "natter listening on ";

/// The most of the server's output an error quotes: its last lines, where the reason is.
const QUOTED_OUTPUT_BYTES: usize = 16 * 1024;

/// Why a server did not start, or did not stop.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("cannot run {}: {source}", program.display())]
    Spawn {
        program: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the server's log {}: {source}", path.display())]
    Log {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read the server's output: {0}")]
    Output(std::io::Error),
    #[error("the server exited ({status}) before listening; it printed:\n{output}")]
    Exited { status: ExitStatus, output: String },
    #[error("the server did not listen within {within:?}; it printed:\n{output}")]
    NotListening { within: Duration, output: String },
    #[error("the server did not stop within {within:?} of SIGTERM; it was killed")]
    NotStopped { within: Duration },
    #[error("cannot signal the server: {0}")]
    Signal(std::io::Error),
}

/// Where the server's log (its standard error) goes once it listens. Until then it is also
/// kept, for the error if it never listens.
#[derive(Debug, Clone, Default)]
pub enum ServerLog {
    /// Dropped, as a test does whose failures are the server's answers.
    #[default]
    Discard,
    /// To this process's standard error, among its own output.
    Inherit,
    /// Appended to a file, which restarts of the same server share.
    AppendTo(PathBuf),
}

/// A `natter serve` command line, to start once or, unchanged, again and again.
#[derive(Debug, Clone)]
pub struct ServerCommand {
    program: PathBuf,
    listen: String,
    data_dir: Option<PathBuf>,
    manager_token: Option<String>,
    database_url: Option<String>,
    args: Vec<OsString>,
    log_filter: String,
    log: ServerLog,
    startup_timeout: Duration,
}

impl ServerCommand {
    /// `program serve` on a free loopback port, logging warnings, given 30 s to listen.
    pub fn new(program: impl Into<PathBuf>) -> Self {
        Self {
            program: program.into(),
            listen: "127.0.0.1:0".to_owned(),
            data_dir: None,
            manager_token: None,
            database_url: None,
            args: Vec::new(),
            log_filter: "warn".to_owned(),
            log: ServerLog::default(),
            startup_timeout: Duration::from_secs(30),
        }
    }

    /// `--listen`: a fixed port, for a server that clients must find again after a restart.
    pub fn listen(mut self, address: impl Into<String>) -> Self {
        self.listen = address.into();
        self
    }

    /// `--data-dir`.
    pub fn data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.data_dir = Some(dir.into());
        self
    }

    /// `--manager-token`.
    pub fn manager_token(mut self, token: impl Into<String>) -> Self {
        self.manager_token = Some(token.into());
        self
    }

    /// `--database-url`: PostgreSQL instead of the embedded SQLite database.
    pub fn database_url(mut self, url: impl Into<String>) -> Self {
        self.database_url = Some(url.into());
        self
    }

    /// More `natter serve` flags, after those above.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// `NATTER_LOG`: which of the server's log lines it writes (`warn` unless set).
    pub fn log_filter(mut self, filter: impl Into<String>) -> Self {
        self.log_filter = filter.into();
        self
    }

    /// Where the server's log goes (dropped unless set).
    pub fn log(mut self, log: ServerLog) -> Self {
        self.log = log;
        self
    }

    /// How long the server may take to listen before it is killed and the start fails.
    pub fn startup_timeout(mut self, timeout: Duration) -> Self {
        self.startup_timeout = timeout;
        self
    }

    /// Starts the server and waits until it listens. A server that exits first, or does not
    /// listen in time (it is then killed), fails with what it printed.
    pub async fn spawn(&self) -> Result<SpawnedServer, LaunchError> {
        let log = self.open_log().await?;
        let mut command = Command::new(&self.program);
        command.arg("serve").arg("--listen").arg(&self.listen);
        if let Some(dir) = &self.data_dir {
            command.arg("--data-dir").arg(dir);
        }
        if let Some(token) = &self.manager_token {
            command.args(["--manager-token", token]);
        }
        if let Some(url) = &self.database_url {
            command.args(["--database-url", url]);
        }
        command
            .args(&self.args)
            .env_clear()
            .env("NATTER_LOG", &self.log_filter)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let spawned_at = Instant::now();
        let mut child = command.spawn().map_err(|source| LaunchError::Spawn {
            program: self.program.clone(),
            source,
        })?;
        let output = StartupOutput::new();
        let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let stderr = BufReader::new(child.stderr.take().expect("stderr is piped"));
        let log_copy = tokio::spawn(copy_log(stderr, log, output.clone()));
        let startup = tokio::time::timeout(self.startup_timeout, async {
            Ok(match wait_for_listening(stdout, &output).await? {
                Some((url, stdout)) => Startup::Listening { url, stdout },
                None => Startup::Exited(child.wait().await?),
            })
        })
        .await;
        match startup {
            Ok(Ok(Startup::Listening { url, stdout })) => {
                output.stop_keeping();
                // Keep reading stdout so the server never blocks on a full pipe.
                tokio::spawn(drain(stdout));
                Ok(SpawnedServer {
                    child,
                    url,
                    spawned_at,
                })
            }
            Ok(Ok(Startup::Exited(status))) => {
                // Its last lines, which say why, may still be on their way.
                finish_log(log_copy).await;
                Err(LaunchError::Exited {
                    status,
                    output: output.take(),
                })
            }
            Ok(Err(error)) => Err(LaunchError::Output(error)),
            Err(_) => {
                let _ = child.kill().await;
                finish_log(log_copy).await;
                Err(LaunchError::NotListening {
                    within: self.startup_timeout,
                    output: output.take(),
                })
            }
        }
    }

    async fn open_log(&self) -> Result<Option<Box<dyn AsyncWrite + Send + Unpin>>, LaunchError> {
        Ok(match &self.log {
            ServerLog::Discard => None,
            ServerLog::Inherit => Some(Box::new(tokio::io::stderr())),
            ServerLog::AppendTo(path) => Some(Box::new(
                tokio::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .await
                    .map_err(|source| LaunchError::Log {
                        path: path.clone(),
                        source,
                    })?,
            )),
        })
    }
}

/// A server that listens; killed when dropped.
#[derive(Debug)]
pub struct SpawnedServer {
    child: Child,
    url: String,
    spawned_at: Instant,
}

impl SpawnedServer {
    /// Where it listens: `http://host:port`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// When the process was spawned: the start-up time is from then until it listened.
    pub fn spawned_at(&self) -> Instant {
        self.spawned_at
    }

    /// The process ID, while the process has not been reaped.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// SIGSTOP: the process freezes, its connections stay open and unanswered.
    pub fn pause(&self) -> Result<(), LaunchError> {
        self.signal(Signal::STOP)
    }

    /// SIGCONT after [`SpawnedServer::pause`].
    pub fn resume(&self) -> Result<(), LaunchError> {
        self.signal(Signal::CONT)
    }

    /// SIGKILL: no drain, no flush; returns once the process is reaped.
    pub async fn kill(mut self) {
        // Fails only when the process is gone already, which is what was wanted.
        let _ = self.child.kill().await;
    }

    /// SIGTERM (the server drains and flushes), then waits up to `within` for it to exit; one
    /// that does not is killed.
    pub async fn terminate(mut self, within: Duration) -> Result<ExitStatus, LaunchError> {
        self.signal(Signal::TERM)?;
        match tokio::time::timeout(within, self.child.wait()).await {
            Ok(status) => status.map_err(LaunchError::Output),
            Err(_) => {
                let _ = self.child.kill().await;
                Err(LaunchError::NotStopped { within })
            }
        }
    }

    fn signal(&self, signal: Signal) -> Result<(), LaunchError> {
        let pid = self
            .pid()
            .and_then(|pid| i32::try_from(pid).ok())
            .and_then(Pid::from_raw)
            .ok_or_else(|| LaunchError::Signal(std::io::ErrorKind::NotFound.into()))?;
        kill_process(pid, signal).map_err(|error| LaunchError::Signal(error.into()))
    }
}

/// How a start ended, short of the timeout.
enum Startup<R> {
    /// With the server's URL, and its stdout to drain from then on.
    Listening {
        url: String,
        stdout: R,
    },
    Exited(ExitStatus),
}

/// What the server printed while starting, on both of its outputs, for the error if it never
/// listens: the last [`QUOTED_OUTPUT_BYTES`] of it. `None` once it listens.
#[derive(Debug, Clone)]
struct StartupOutput(Arc<Mutex<Option<String>>>);

impl StartupOutput {
    fn new() -> Self {
        Self(Arc::new(Mutex::new(Some(String::new()))))
    }

    fn keep(&self, line: &str) {
        let mut kept = self.0.lock().expect("not poisoned");
        let Some(text) = kept.as_mut() else {
            return;
        };
        text.push_str(line);
        let mut cut = text.len().saturating_sub(QUOTED_OUTPUT_BYTES);
        while !text.is_char_boundary(cut) {
            cut += 1;
        }
        text.drain(..cut);
    }

    /// The server listens: nothing more is kept.
    fn stop_keeping(&self) {
        self.0.lock().expect("not poisoned").take();
    }

    fn take(&self) -> String {
        self.0
            .lock()
            .expect("not poisoned")
            .take()
            .unwrap_or_default()
    }
}

/// Reads stdout until the listening line; `None` when the server closed it first.
async fn wait_for_listening<R: AsyncBufRead + Unpin>(
    mut stdout: R,
    output: &StartupOutput,
) -> std::io::Result<Option<(String, R)>> {
    while let Some(line) = next_line(&mut stdout).await? {
        output.keep(&line);
        if let Some(url) = line.strip_prefix(LISTENING) {
            return Ok(Some((url.trim().to_owned(), stdout)));
        }
    }
    Ok(None)
}

/// Copies the server's log to where it goes, keeping it while the server starts. Reads to the
/// end whatever happens, or the server would block on a full pipe.
async fn copy_log<R: AsyncBufRead + Unpin>(
    mut stderr: R,
    mut log: Option<Box<dyn AsyncWrite + Send + Unpin>>,
    output: StartupOutput,
) {
    while let Ok(Some(line)) = next_line(&mut stderr).await {
        output.keep(&line);
        if let Some(writer) = &mut log
            && writer.write_all(line.as_bytes()).await.is_err()
        {
            log = None;
        }
    }
    if let Some(writer) = &mut log {
        let _ = writer.flush().await;
    }
}

/// Waits for the log of a server that has exited to be copied to its end (a moment, unless
/// the server left a child holding the pipe).
async fn finish_log(log_copy: tokio::task::JoinHandle<()>) {
    let _ = tokio::time::timeout(Duration::from_secs(5), log_copy).await;
}

async fn drain<R: AsyncBufRead + Unpin>(mut reader: R) {
    while let Ok(Some(_)) = next_line(&mut reader).await {}
}

/// One line with its newline, as text however it is encoded.
async fn next_line<R: AsyncBufRead + Unpin>(reader: &mut R) -> std::io::Result<Option<String>> {
    let mut bytes = Vec::new();
    if reader.read_until(b'\n', &mut bytes).await? == 0 {
        return Ok(None);
    }
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}
