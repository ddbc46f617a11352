//! Counters exported at `GET /metrics` in Prometheus' text format.

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

    /// The Prometheus text exposition of every counter.
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
