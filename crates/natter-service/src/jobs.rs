//! Background jobs.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use tokio_util::sync::CancellationToken;

use crate::{Natter, now_ms};

/// Messages deleted per write: small, so sends queued behind a batch wait only briefly.
const PURGE_BATCH: u32 = 500;

/// How often retention looks for expired files: each look reads every file's folder, and a
/// retention counts in days.
const FILE_SWEEP_EVERY: Duration = Duration::from_secs(3600);

impl Natter {
    /// Every `every`, physically deletes messages no one can see any more and, with a
    /// retention, messages older than it; with a retention, also removes the uploaded files no
    /// message linked to within it (at start, then hourly). Runs until `stop`.
    pub async fn run_purge(
        self: Arc<Self>,
        every: Duration,
        retention: Option<Duration>,
        stop: CancellationToken,
    ) {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut files_swept: Option<Instant> = None;
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                () = stop.cancelled() => return,
            }
            if let Some(keep) = retention
                && files_swept.is_none_or(|at| at.elapsed() >= FILE_SWEEP_EVERY)
            {
                files_swept = Some(Instant::now());
                self.remove_unlinked_files(SystemTime::now() - keep).await;
            }
            let older_than_ms = retention.map(|keep| now_ms() - keep.as_millis() as i64);
            match self
                .store
                .purge(PURGE_BATCH, older_than_ms)
                .await
                .map_err(crate::errors::describe)
            {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "purged messages no one can see any more"),
                Err(error) => tracing::warn!(%error, "purge failed; will retry"),
            }
        }
    }
}
