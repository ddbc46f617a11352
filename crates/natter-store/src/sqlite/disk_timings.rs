//! How long the SQLite writer's batches, commits and checkpoints take: logged when one is slow,
//! counted for `GET /metrics` always. Every acknowledgement waits for its batch's commit, whose
//! time is mostly the disk's sync, so these say whether a slow answer was the disk's.

use std::time::Duration;

use natter_core::histogram::Histogram;

/// A batch that held the writer longer than this is logged, with where its time went: on a
/// healthy disk a batch takes its statements and one sync, a few milliseconds at most, and
/// every write queued behind a slow one waits for all of it (an acknowledgement's latency).
pub const SLOW_BATCH: Duration = Duration::from_millis(50);

/// Upper bounds, in seconds, of the commit and checkpoint histograms: a healthy disk syncs in
/// well under a millisecond to a few, and a stalled one takes hundreds.
const DISK_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// How long the writer's commits and the checkpoints took, for `GET /metrics`. Every
/// acknowledgement waits for its batch's commit, whose time is mostly the disk's sync, so
/// these say whether a slow answer was the disk's before any log line does.
pub(crate) struct DiskTimings {
    commits: Histogram,
    checkpoints: Histogram,
}

impl DiskTimings {
    pub(crate) fn new() -> Self {
        Self {
            commits: Histogram::new(DISK_BUCKETS),
            checkpoints: Histogram::new(DISK_BUCKETS),
        }
    }

    pub(crate) fn commit(&self, took: Duration) {
        self.commits.observe(took);
    }

    pub(crate) fn checkpoint(&self, took: Duration) {
        self.checkpoints.observe(took);
    }

    pub(crate) fn render_into(&self, text: &mut String) {
        self.commits.render_into(
            text,
            "natter_sqlite_commit_duration_seconds",
            "Commits of the SQLite writer's batches: writing their pages to the WAL and syncing it.",
        );
        self.checkpoints.render_into(
            text,
            "natter_sqlite_checkpoint_duration_seconds",
            "Checkpoints of the WAL into the database file, on their own thread.",
        );
    }
}

/// Where one batch's time on the writer went.
#[derive(Debug, Default)]
pub(crate) struct BatchTimes {
    /// Running the writes' statements.
    pub(crate) statements: Duration,
    /// `COMMIT`: writing the batch's pages to the WAL and syncing it.
    pub(crate) commit: Duration,
    /// The writer's own passive checkpoint after the commit ([`restart_log`]), when it ran one;
    /// the next batch waits for it.
    pub(crate) log_restart: Duration,
}

impl BatchTimes {
    fn total(&self) -> Duration {
        self.statements + self.commit + self.log_restart
    }

    pub(crate) fn warn_if_slow(&self, writes: usize) {
        if self.total() >= SLOW_BATCH {
            tracing::warn!(
                writes,
                statements_ms = self.statements.as_millis() as u64,
                commit_ms = self.commit.as_millis() as u64,
                log_restart_ms = self.log_restart.as_millis() as u64,
                "SQLite: a batch of writes held the writer for {} ms; the writes queued behind it \
                 waited (a slow commit is the disk's sync)",
                self.total().as_millis()
            );
        }
    }
}

/// One checkpoint of the checkpoint thread. It never holds the writer, but it writes the
/// pages it copies into the database file and syncs that file, on the disk the writer's
/// commits sync to: a commit that syncs while a long checkpoint writes may wait behind it, so a
/// slow commit is read beside the checkpoints around it.
#[derive(Debug)]
pub(crate) struct CheckpointRun {
    pub(crate) took: Duration,
    /// Frames in the WAL when it ran.
    pub(crate) frames: i64,
    /// Of them, the frames it copied into the database file.
    pub(crate) copied: i64,
}

impl CheckpointRun {
    pub(crate) fn warn_if_slow(&self) {
        if self.took >= SLOW_BATCH {
            tracing::warn!(
                frames = self.frames,
                copied = self.copied,
                "SQLite: a WAL checkpoint took {} ms; it does not hold the writer, but commits \
                 syncing meanwhile share the disk with it",
                self.took.as_millis()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use super::{BatchTimes, CheckpointRun};

    /// What `emit` logs.
    fn logged(emit: impl FnOnce()) -> String {
        let lines = Arc::new(Mutex::new(Vec::<u8>::new()));
        let sink = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || WriteTo(sink.clone()))
            .finish();
        tracing::subscriber::with_default(subscriber, emit);
        let lines = lines.lock().unwrap();
        String::from_utf8(lines.clone()).unwrap()
    }

    struct WriteTo(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for WriteTo {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_batch_that_held_the_writer_long_is_logged_with_where_its_time_went() {
        let slow = logged(|| {
            BatchTimes {
                statements: Duration::from_millis(4),
                commit: Duration::from_millis(61),
                log_restart: Duration::ZERO,
            }
            .warn_if_slow(3)
        });
        assert!(slow.contains("WARN"), "{slow}");
        assert!(slow.contains("held the writer for 65 ms"), "{slow}");
        assert!(
            slow.contains("writes=3 statements_ms=4 commit_ms=61 log_restart_ms=0"),
            "{slow}"
        );

        let usual = logged(|| {
            BatchTimes {
                statements: Duration::from_millis(1),
                commit: Duration::from_millis(2),
                log_restart: Duration::from_millis(3),
            }
            .warn_if_slow(3)
        });
        assert_eq!(usual, "", "a batch of a few milliseconds is not logged");
    }

    #[test]
    fn a_long_checkpoint_is_logged_with_the_frames_it_copied() {
        let slow = logged(|| {
            CheckpointRun {
                took: Duration::from_millis(180),
                frames: 2400,
                copied: 2376,
            }
            .warn_if_slow()
        });
        assert!(slow.contains("WARN"), "{slow}");
        assert!(slow.contains("a WAL checkpoint took 180 ms"), "{slow}");
        assert!(slow.contains("frames=2400 copied=2376"), "{slow}");

        let usual = logged(|| {
            CheckpointRun {
                took: Duration::from_millis(12),
                frames: 300,
                copied: 300,
            }
            .warn_if_slow()
        });
        assert_eq!(
            usual, "",
            "a checkpoint of a few milliseconds is not logged"
        );
    }
}
