//! A duration histogram in Prometheus' text format, kept in atomics: the HTTP layer times its
//! answers with one and the SQLite store its commits, and `GET /metrics` renders both.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Observations by upper bound, cumulative as Prometheus reads them.
#[derive(Debug)]
pub struct Histogram {
    /// Upper bounds, in seconds, ascending.
    bounds: &'static [f64],
    /// How many observations were at most each bound, then how many there were in all.
    at_most: Box<[AtomicU64]>,
    micros_sum: AtomicU64,
}

impl Histogram {
    pub fn new(bounds: &'static [f64]) -> Self {
        Self {
            bounds,
            at_most: (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect(),
            micros_sum: AtomicU64::new(0),
        }
    }

    pub fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        for (count, &bound) in self.at_most.iter().zip(self.bounds) {
            if seconds <= bound {
                count.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.at_most[self.bounds.len()].fetch_add(1, Ordering::Relaxed);
        self.micros_sum
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }

    /// Appends the series `name` (its help line, buckets, sum and count) to `text`.
    pub fn render_into(&self, text: &mut String, name: &str, help: &str) {
        let _ = writeln!(text, "# HELP {name} {help}\n# TYPE {name} histogram");
        for (count, bound) in self.at_most.iter().zip(self.bounds) {
            let _ = writeln!(
                text,
                "{name}_bucket{{le=\"{bound}\"}} {}",
                count.load(Ordering::Relaxed)
            );
        }
        let count = self.at_most[self.bounds.len()].load(Ordering::Relaxed);
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
