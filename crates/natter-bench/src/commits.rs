//! The server's commit times, read from its `GET /metrics`
//! (`natter_sqlite_commit_duration_seconds`, on SQLite). Every acknowledgement waits for its
//! batch's commit, whose time is mostly the disk's sync: counted beside a latency's tail, they
//! say whether the tail was the server's work or the disk's.

use crate::client::Api;

const SERIES: &str = "natter_sqlite_commit_duration_seconds_bucket{le=\"";

/// The histogram at one moment: commits at most each bound (seconds), cumulative, the `+Inf`
/// bucket last.
#[derive(Debug, Clone, PartialEq)]
pub struct CommitTimes {
    at_most: Vec<(f64, u64)>,
}

/// Commits between two readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Commits {
    pub all: u64,
    /// Slower than 10 ms: some fifty times a sync of this disk when it is quiet.
    pub over_10_ms: u64,
    /// Slower than 50 ms: a stall of every write queued behind it.
    pub over_50_ms: u64,
    /// Slower than 250 ms.
    pub over_250_ms: u64,
}

impl CommitTimes {
    /// The server's histogram now; `None` where it has none (PostgreSQL, an older server).
    pub async fn read(api: &Api) -> anyhow::Result<Option<Self>> {
        Ok(Self::parse(&api.metrics().await?))
    }

    fn parse(text: &str) -> Option<Self> {
        let at_most: Vec<(f64, u64)> = text
            .lines()
            .filter_map(|line| {
                let (bound, count) = line.strip_prefix(SERIES)?.split_once("\"} ")?;
                let bound = match bound {
                    "+Inf" => f64::INFINITY,
                    bound => bound.parse().ok()?,
                };
                Some((bound, count.trim().parse().ok()?))
            })
            .collect();
        (!at_most.is_empty()).then_some(Self { at_most })
    }

    /// The commits made since `earlier`.
    pub fn since(&self, earlier: &Self) -> Commits {
        // Saturating: a server restarted between the readings counts from zero again.
        let added = |bound: f64| {
            self.count_at_most(bound)
                .saturating_sub(earlier.count_at_most(bound))
        };
        let all = added(f64::INFINITY);
        Commits {
            all,
            over_10_ms: all - added(0.01),
            over_50_ms: all - added(0.05),
            over_250_ms: all - added(0.25),
        }
    }

    /// Commits at most `bound` seconds long; `bound` must be one of the histogram's bounds.
    fn count_at_most(&self, bound: f64) -> u64 {
        self.at_most
            .iter()
            .find(|(at_most, _)| *at_most == bound)
            .map_or(0, |(_, count)| *count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(counts: [u64; 4]) -> CommitTimes {
        let text = format!(
            "# TYPE natter_sqlite_commit_duration_seconds histogram\n\
             natter_sqlite_commit_duration_seconds_bucket{{le=\"0.01\"}} {}\n\
             natter_sqlite_commit_duration_seconds_bucket{{le=\"0.05\"}} {}\n\
             natter_sqlite_commit_duration_seconds_bucket{{le=\"0.25\"}} {}\n\
             natter_sqlite_commit_duration_seconds_bucket{{le=\"+Inf\"}} {}\n\
             natter_sqlite_commit_duration_seconds_sum 1.5\n\
             natter_sqlite_commit_duration_seconds_count {}\n",
            counts[0], counts[1], counts[2], counts[3], counts[3]
        );
        CommitTimes::parse(&text).unwrap()
    }

    #[test]
    fn counts_the_slow_commits_between_two_readings() {
        let before = reading([90, 98, 99, 100]);
        let after = reading([1080, 1095, 1097, 1100]);
        assert_eq!(
            after.since(&before),
            Commits {
                all: 1000,
                over_10_ms: 10,
                over_50_ms: 3,
                over_250_ms: 2,
            }
        );
    }

    #[test]
    fn a_server_without_the_series_has_no_reading() {
        assert_eq!(CommitTimes::parse("natter_messages_sent_total 3\n"), None);
    }
}
