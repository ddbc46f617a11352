//! The real `natter` binary as a child process, for tests of what only a process can show:
//! crashes, signals, start-up refusals and the admin commands.

use std::path::Path;
use std::time::Duration;

use natter_launch::{ServerCommand, SpawnedServer};

use super::{Endpoint, Storage, TEST_DATABASE_CONNECTIONS};

/// `natter serve` as a child process on a free port.
pub struct Process {
    server: SpawnedServer,
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
        let mut command = ServerCommand::new(env!("CARGO_BIN_EXE_natter"))
            .data_dir(data_dir)
            .manager_token(manager_token)
            .args(["--rate-limit", "0"]);
        if let Some(url) = database_url {
            command = command.database_url(url).args([
                "--database-connections".to_owned(),
                TEST_DATABASE_CONNECTIONS.to_string(),
            ]);
        }
        let server = command
            .args(extra_args)
            .spawn()
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        let endpoint = Endpoint::new(server.url().to_owned(), manager_token.to_owned());
        Self { server, endpoint }
    }

    pub async fn sigkill(self) {
        self.server.kill().await;
    }

    /// SIGTERM and wait for the exit status.
    pub async fn sigterm(self) -> std::process::ExitStatus {
        self.server
            .terminate(Duration::from_secs(20))
            .await
            .unwrap_or_else(|error| panic!("{error}"))
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
