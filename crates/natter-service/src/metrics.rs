//! What the service counts, exported at `GET /metrics` in Prometheus' text format (the API
//! layer adds its own series beside these). Plain atomics held per instance rather than a
//! global metrics registry, so that several servers in one process (the tests) each count
//! their own.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct Metrics {
    messages_sent: AtomicU64,
    conversations_deleted: AtomicU64,
    delete_calls: AtomicU64,
}

impl Metrics {
    pub(crate) fn message_sent(&self) {
        self.messages_sent.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn deleted(&self, conversations: usize) {
        self.delete_calls.fetch_add(1, Ordering::Relaxed);
        self.conversations_deleted
            .fetch_add(conversations as u64, Ordering::Relaxed);
    }

    /// The Prometheus text exposition of every series.
    pub fn render(&self) -> String {
        let mut text = String::new();
        for (name, help, value) in [
            (
                "natter_messages_sent_total",
                "Messages stored (idempotent retries not counted).",
                &self.messages_sent,
            ),
            (
                "natter_conversations_deleted_total",
                "Conversations removed from users' lists.",
                &self.conversations_deleted,
            ),
            (
                "natter_conversation_delete_calls_total",
                "Accepted delete calls, on either surface (each is audited).",
                &self.delete_calls,
            ),
        ] {
            let _ = writeln!(
                text,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                value.load(Ordering::Relaxed)
            );
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_each_counter_with_its_help_and_type() {
        let metrics = Metrics::default();
        metrics.message_sent();
        metrics.deleted(3);
        let text = metrics.render();
        assert!(text.contains("# TYPE natter_messages_sent_total counter"));
        assert!(text.contains("natter_messages_sent_total 1"), "{text}");
        assert!(
            text.contains("natter_conversations_deleted_total 3"),
            "{text}"
        );
        assert!(
            text.contains("natter_conversation_delete_calls_total 1"),
            "{text}"
        );
    }
}
