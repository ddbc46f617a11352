//! The real `natter` binary as a child process, for tests of what only a process can show:
//! crashes, signals, start-up refusals and the admin commands.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::{Endpoint, Storage, TEST_DATABASE_CONNECTIONS};

/// `natter serve` as a child process on a free port.
pub struct Process {
    pub child: Child,
    pub endpoint: Endpoint,
}

impl Process {
    /// A server on the embedded SQLite database in `data_dir`.
    pub async fn start(data_dir: &Path, manager_token: &str) -> Self {
        Self::start_with(data_dir, None, &[], manager_token).await
    }

    /// A server on the test's storage: PostgreSQL when the suite runs on it.
    pub async fn start_on(storage: &Storage, manager_token: &str) -> Self {
        Self::start_with(
            storage.data_dir(),
            storage.database_url.as_deref(),
            &[],
            manager_token,
        )
        .await
    }

    /// One node of a cluster: the test's PostgreSQL database, events over NATS at `nats_url`
    /// among the nodes started with the same `cluster`, deletion sync on.
    pub async fn start_node(
        storage: &Storage,
        nats_url: &str,
        cluster: &str,
        manager_token: &str,
    ) -> Self {
        let database_url = storage
            .database_url
            .as_deref()
            .expect("a cluster runs on PostgreSQL");
        let cluster_args = [
            "--nats-url",
            nats_url,
            "--cluster-name",
            cluster,
            "--sync-conversation-deletion",
            "true",
        ];
        Self::start_with(
            storage.data_dir(),
            Some(database_url),
            &cluster_args,
            manager_token,
        )
        .await
    }

    pub async fn start_with(
        data_dir: &Path,
        database_url: Option<&str>,
        extra_args: &[&str],
        manager_token: &str,
    ) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_natter"));
        command
            .arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .arg("--data-dir")
            .arg(data_dir)
            .args(["--manager-token", manager_token, "--rate-limit", "0"]);
        if let Some(url) = database_url {
            command.args([
                "--database-url",
                url,
                "--database-connections",
                &TEST_DATABASE_CONNECTIONS.to_string(),
            ]);
        }
        command.args(extra_args);
        let mut child = command
            .env_clear()
            .env("NATTER_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("the natter binary starts");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("natter prints its address in time")
            .expect("stdout is readable")
            .expect("natter printed a line before exiting");
        let base = line
            .strip_prefix("natter listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .trim()
            .to_owned();
        // Keep reading stdout so the child never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Self {
            child,
            endpoint: Endpoint::new(base, manager_token.to_owned()),
        }
    }

    pub async fn sigkill(mut self) {
        self.child.start_kill().expect("SIGKILL");
        self.child.wait().await.expect("the child is reaped");
    }

    /// SIGTERM and wait for the exit status.
    pub async fn sigterm(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().expect("still running");
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        tokio::time::timeout(Duration::from_secs(20), self.child.wait())
            .await
            .expect("natter exits within 20 s of SIGTERM")
            .expect("the child is reaped")
    }
}

/// Runs `natter <args>` to completion: (success, stdout and stderr together).
pub fn run_command(args: &[&std::ffi::OsStr]) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_natter"))
        .args(args)
        .env_clear()
        .env("NATTER_LOG", "warn")
        .output()
        .expect("the natter binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}
