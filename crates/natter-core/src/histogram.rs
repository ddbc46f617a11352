//! A duration histogram in Prometheus' text format, kept in atomics: the HTTP layer times its
//! answers with one and the SQLite store its commits, and `GET /metrics` renders both.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Observations by upper bound. Each is counted once, in its own bucket, since an observation
/// is on a hot path (every HTTP answer, every commit) and a render is rare; the render adds the
/// buckets up into the cumulative counts Prometheus reads.
#[derive(Debug)]
pub struct Histogram {
    /// Upper bounds, in seconds, ascending.
    bounds: &'static [f64],
    /// Observations at most each bound and above the one before it; the last, above them all.
    in_bucket: Box<[AtomicU64]>,
    micros_sum: AtomicU64,
}

impl Histogram {
    pub fn new(bounds: &'static [f64]) -> Self {
        Self {
            bounds,
            in_bucket: (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect(),
            micros_sum: AtomicU64::new(0),
        }
    }

    pub fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let bucket = self.bounds.partition_point(|&bound| bound < seconds);
        self.in_bucket[bucket].fetch_add(1, Ordering::Relaxed);
        self.micros_sum
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }

    /// Appends the series `name` (its help line, buckets, sum and count) to `text`.
    pub fn render_into(&self, text: &mut String, name: &str, help: &str) {
        let _ = writeln!(text, "# HELP {name} {help}\n# TYPE {name} histogram");
        let mut count = 0;
        for (bucket, bound) in self.in_bucket.iter().zip(self.bounds) {
            count += bucket.load(Ordering::Relaxed);
            let _ = writeln!(text, "{name}_bucket{{le=\"{bound}\"}} {count}");
        }
        count += self.in_bucket[self.bounds.len()].load(Ordering::Relaxed);
        let sum = self.micros_sum.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(
            text,
            "{name}_bucket{{le=\"+Inf\"}} {count}\n{name}_sum {sum}\n{name}_count {count}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_cumulative_buckets_a_sum_and_a_count() {
        let histogram = Histogram::new(&[0.001, 0.025, 1.0]);
        histogram.observe(Duration::from_micros(500));
        histogram.observe(Duration::from_millis(20));
        histogram.observe(Duration::from_secs(2));
        let mut text = String::new();
        histogram.render_into(&mut text, "probe_seconds", "A probe.");
        assert_eq!(
            text,
            "# HELP probe_seconds A probe.\n# TYPE probe_seconds histogram\n\
             probe_seconds_bucket{le=\"0.001\"} 1\n\
             probe_seconds_bucket{le=\"0.025\"} 2\n\
             probe_seconds_bucket{le=\"1\"} 2\n\
             probe_seconds_bucket{le=\"+Inf\"} 3\n\
             probe_seconds_sum 2.0205\n\
             probe_seconds_count 3\n"
        );
    }
}
