//! What the transports count: HTTP answers by status and how long they took, and open
//! connections. `GET /metrics` renders these after the service's own counters. Plain atomics
//! per server instance, as the service's are.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use natter_core::histogram::Histogram;

/// Upper bounds of the request-duration histogram, in seconds.
const DURATION_BUCKETS: &[f64] = &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Debug)]
pub struct HttpMetrics {
    websocket_connections: AtomicI64,
    /// Responses by HTTP status; errors are the 4xx and 5xx rows.
    responses: Mutex<BTreeMap<u16, u64>>,
    durations: Histogram,
}

impl Default for HttpMetrics {
    fn default() -> Self {
        Self {
            websocket_connections: AtomicI64::default(),
            responses: Mutex::default(),
            durations: Histogram::new(DURATION_BUCKETS),
        }
    }
}

impl HttpMetrics {
    /// One HTTP response and how long it took.
    pub fn request(&self, status: u16, elapsed: Duration) {
        *self
            .responses
            .lock()
            .expect("metrics lock")
            .entry(status)
            .or_default() += 1;
        self.durations.observe(elapsed);
    }

    pub fn websocket_opened(&self) {
        self.websocket_connections.fetch_add(1, Ordering::Relaxed);
    }

    pub fn websocket_closed(&self) {
        self.websocket_connections.fetch_sub(1, Ordering::Relaxed);
    }

    /// Appends the Prometheus text exposition of these series to `text`.
    pub fn render_into(&self, text: &mut String) {
        let _ = writeln!(
            text,
            "# HELP natter_websocket_connections Open WebSocket connections.\n\
             # TYPE natter_websocket_connections gauge\nnatter_websocket_connections {}",
            self.websocket_connections.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            text,
            "# HELP natter_http_responses_total HTTP responses by status (4xx and 5xx are errors).\n\
             # TYPE natter_http_responses_total counter"
        );
        for (status, count) in self.responses.lock().expect("metrics lock").iter() {
            let _ = writeln!(
                text,
                "natter_http_responses_total{{status=\"{status}\"}} {count}"
            );
        }
        self.durations.render_into(
            text,
            "natter_http_request_duration_seconds",
            "Time to answer HTTP requests.",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_statuses_and_a_cumulative_histogram() {
        let metrics = HttpMetrics::default();
        metrics.request(200, Duration::from_micros(500));
        metrics.request(404, Duration::from_millis(20));
        let mut text = String::new();
        metrics.render_into(&mut text);
        assert!(
            text.contains("natter_http_responses_total{status=\"404\"} 1"),
            "{text}"
        );
        assert!(text.contains("natter_http_request_duration_seconds_bucket{le=\"0.001\"} 1"));
        assert!(text.contains("natter_http_request_duration_seconds_bucket{le=\"0.025\"} 2"));
        assert!(text.contains("natter_http_request_duration_seconds_count 2"));
    }
}
