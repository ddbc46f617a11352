//! Workload 8: cold start. From spawning the server on an existing database to the answer of
//! its first authenticated request. The big database is built once (users and conversations
//! through the server, message rows written straight into SQLite) and cached under /tmp; the
//! quick mode's small one is built afresh in a temporary dir. Each run starts the server on that
//! database itself (starting and one read change no rows).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::client::Api;
use crate::report::{Report, histogram, quantile_ms};
use crate::server::Options;

const CACHE: &str = "/tmp/natter-bench-cache";

pub async fn run(options: &Options, quick: bool) -> anyhow::Result<Report> {
    anyhow::ensure!(
        options.owns_server(),
        "cold-start starts the server itself; it cannot use --server"
    );
    // ~1 KiB payloads: a million of them make about a gigabyte.
    let (name, messages, starts) = if quick {
        ("cold-small", 2_000, 3)
    } else {
        ("cold-1g", 1_000_000, 5)
    };
    // The quick database is built afresh each time (CI); the big one once, then reused.
    let fresh = tempfile::Builder::new()
        .prefix("natter-bench-cold-")
        .tempdir()?;
    let dir = if quick {
        fresh.path().join(name)
    } else {
        Path::new(CACHE).join(name)
    };
    let token = ensure_database(options, &dir, messages).await?;
    let size = database_bytes(&dir);

    let mut warm = histogram();
    let mut evicted = histogram();
    let mut to_listening = histogram();
    for _ in 0..starts {
        // First with the database's pages dropped from the page cache, then with them cached.
        evict_from_page_cache(&dir.join(crate::seed::DATABASE_FILE));
        let (took, listening) = start_and_ask(options, &dir, &token).await?;
        evicted.record(took)?;
        to_listening.record(listening)?;
        let (took, _) = start_and_ask(options, &dir, &token).await?;
        warm.record(took)?;
    }
    let mut report = Report::new(
        "cold-start",
        format!(
            "spawn → first authenticated GET /v1/unread answered, {starts} starts each with the \
             database evicted from the page cache and cached, {messages} messages ({:.0} MiB)",
            size as f64 / (1 << 20) as f64
        ),
    );
    report.info(
        "spawn → listening p50, evicted",
        quantile_ms(&to_listening, 0.5),
        "ms",
    );
    report.at_most(
        "spawn → first answer p50, evicted",
        quantile_ms(&evicted, 0.5),
        "ms",
        100.0,
    );
    report.info(
        "spawn → first answer max, evicted",
        quantile_ms(&evicted, 1.0),
        "ms",
    );
    report.at_most(
        "spawn → first answer p50, cached",
        quantile_ms(&warm, 0.5),
        "ms",
        100.0,
    );
    Ok(report)
}

/// Starts the server on `dir` and asks for the unread total until it answers. Returns µs from
/// spawning to the answer, and to the listening line; stops the server.
async fn start_and_ask(options: &Options, dir: &Path, token: &str) -> anyhow::Result<(u64, u64)> {
    let (server, spawned) = options.start_timed(dir).await?;
    let listening = spawned.elapsed();
    let api = Api::new(&server)?;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match api.get(token, "/v1/unread").await {
            Ok(_) => break,
            Err(error) if Instant::now() > deadline => return Err(error),
            Err(_) => tokio::time::sleep(Duration::from_millis(1)).await,
        }
    }
    let took = spawned.elapsed();
    server.stop().await?;
    Ok((
        took.as_micros().max(1) as u64,
        listening.as_micros().max(1) as u64,
    ))
}

/// Drops the file's pages from the page cache (GNU dd's `nocache`: posix_fadvise DONTNEED), so
/// the start reads from disk as after a reboot, without dropping anyone else's cache.
fn evict_from_page_cache(file: &Path) {
    let status = std::process::Command::new("dd")
        .arg(format!("if={}", file.display()))
        .args(["iflag=nocache", "count=0", "status=none"])
        .status();
    if !matches!(status, Ok(status) if status.success()) {
        eprintln!(
            "cold-start: could not evict {} from the page cache",
            file.display()
        );
    }
}

/// Builds the database once: 1,000 users in 500 personal channels, then `messages` rows
/// written directly. Returns a user token valid in it.
async fn ensure_database(options: &Options, dir: &Path, messages: u64) -> anyhow::Result<String> {
    let token_file = dir.join("bench-token");
    if let Ok(token) = std::fs::read_to_string(&token_file) {
        return Ok(token);
    }
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir)?;
    eprintln!(
        "cold-start: building the database in {} (once)",
        dir.display()
    );
    let server = options.start_on(dir).await?;
    let api = Api::new(&server)?;
    let users = api.create_users("cold", 1_000).await?;
    for pair in users.chunks(2) {
        let [a, b] = pair else { continue };
        api.send(
            &a.token,
            &format!("C2C{}", b.uid),
            serde_json::json!({"text": "hi"}),
        )
        .await?;
    }
    server.stop().await?;
    let data_dir: PathBuf = dir.to_owned();
    tokio::task::spawn_blocking(move || {
        crate::seed::fill_all_personal_channels(&data_dir, messages, 1_000)
    })
    .await?
    .context("filling the database")?;
    std::fs::write(&token_file, &users[0].token)?;
    Ok(users[0].token.clone())
}

fn database_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| entry.metadata().ok())
                .map(|meta| meta.len())
                .sum()
        })
        .unwrap_or(0)
}
