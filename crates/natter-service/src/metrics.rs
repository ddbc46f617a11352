//! What the service counts, exported at `GET /metrics` in Prometheus' text format (the API
//! layer adds its own series beside these). Plain atomics held per instance rather than a
//! global metrics registry, so that several servers in one process (the tests) each count
//! their own.

use std::fmt::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use natter_core::webhook::EventKind;

#[derive(Debug, Default)]
pub struct Metrics {
    messages_sent: AtomicU64,
    conversations_deleted: AtomicU64,
    delete_calls: AtomicU64,
    files_expired: AtomicU64,
    /// Shown only on a server with webhooks (or a before-send callback).
    webhooks_on: AtomicBool,
    webhooks: [WebhookMetrics; EventKind::ALL.len()],
    /// Before-send answers: allowed, rejected, replaced, failed (no valid answer in time).
    before_send: [AtomicU64; 4],
    /// Calls of the language services, by service and outcome.
    language: [[AtomicU64; 3]; 2],
}

/// One kind of event: counters of this node's deliveries, gauges of the shared queue.
#[derive(Debug, Default)]
struct WebhookMetrics {
    delivered: AtomicU64,
    failed: AtomicU64,
    dead_lettered: AtomicU64,
    depth: AtomicU64,
    oldest_age_ms: AtomicU64,
    dead: AtomicU64,
}

/// What the before-send callback decided about one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BeforeSendOutcome {
    Allowed = 0,
    Rejected = 1,
    Replaced = 2,
    /// No valid answer in time: allowed or refused as `--before-send-fail-open` says.
    Failed = 3,
}

/// The operator's services that calls are passed to (`crate::language`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LanguageService {
    Translation = 0,
    SpeechToText = 1,
}

/// How a language service's call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LanguageOutcome {
    Answered = 0,
    /// The service refused what the request carried (the user's 400).
    Refused = 1,
    /// The service failed, timed out or refused the server (503).
    Failed = 2,
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

    /// Uploaded files retention removed, counted once a look for them has ended.
    pub(crate) fn files_expired(&self, files: usize) {
        self.files_expired
            .fetch_add(files as u64, Ordering::Relaxed);
    }

    pub(crate) fn webhooks_on(&self) {
        self.webhooks_on.store(true, Ordering::Relaxed);
    }

    /// Events this node delivered (the receiver answered 2xx).
    pub(crate) fn webhook_delivered(&self, kind: EventKind, events: usize) {
        self.webhooks[kind.index()]
            .delivered
            .fetch_add(events as u64, Ordering::Relaxed);
    }

    /// Events whose delivery failed this time, and of those, how many became dead letters.
    pub(crate) fn webhook_failed(&self, kind: EventKind, events: usize, dead: u64) {
        let metrics = &self.webhooks[kind.index()];
        metrics.failed.fetch_add(events as u64, Ordering::Relaxed);
        metrics.dead_lettered.fetch_add(dead, Ordering::Relaxed);
    }

    /// The queue of `kind` as last read from the database.
    pub(crate) fn webhook_queue(&self, kind: EventKind, depth: u64, oldest_age_ms: u64, dead: u64) {
        let metrics = &self.webhooks[kind.index()];
        metrics.depth.store(depth, Ordering::Relaxed);
        metrics
            .oldest_age_ms
            .store(oldest_age_ms, Ordering::Relaxed);
        metrics.dead.store(dead, Ordering::Relaxed);
    }

    pub(crate) fn before_send(&self, outcome: BeforeSendOutcome) {
        self.before_send[outcome as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn language(&self, service: LanguageService, outcome: LanguageOutcome) {
        self.language[service as usize][outcome as usize].fetch_add(1, Ordering::Relaxed);
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
            (
                "natter_files_expired_total",
                "Uploaded files removed by retention: no message linked to them within it.",
                &self.files_expired,
            ),
        ] {
            let _ = writeln!(
                text,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                value.load(Ordering::Relaxed)
            );
        }
        let name = "natter_language_requests_total";
        let _ = writeln!(
            text,
            "# HELP {name} Calls passed to the translation and speech-to-text services, by \
             outcome.\n# TYPE {name} counter"
        );
        for (service, service_label) in ["translation", "speech_to_text"].into_iter().enumerate() {
            for (outcome, label) in ["answered", "refused", "failed"].into_iter().enumerate() {
                let value = self.language[service][outcome].load(Ordering::Relaxed);
                let _ = writeln!(
                    text,
                    "{name}{{service=\"{service_label}\",outcome=\"{label}\"}} {value}"
                );
            }
        }
        if self.webhooks_on.load(Ordering::Relaxed) {
            self.render_webhooks(&mut text);
        }
        text
    }

    fn render_webhooks(&self, text: &mut String) {
        type Read = fn(&WebhookMetrics) -> f64;
        let series: [(&str, &str, &str, Read); 6] = [
            (
                "natter_webhook_queue_depth",
                "gauge",
                "Events waiting for delivery, dead letters not counted (every node's).",
                |m| m.depth.load(Ordering::Relaxed) as f64,
            ),
            (
                "natter_webhook_oldest_pending_seconds",
                "gauge",
                "Age of the oldest event waiting for delivery; 0 when none waits.",
                |m| m.oldest_age_ms.load(Ordering::Relaxed) as f64 / 1000.0,
            ),
            (
                "natter_webhook_deliveries_total",
                "counter",
                "Events this node delivered (the receiver answered 2xx).",
                |m| m.delivered.load(Ordering::Relaxed) as f64,
            ),
            (
                "natter_webhook_failures_total",
                "counter",
                "Failed attempts to deliver an event, by this node (each retry counts).",
                |m| m.failed.load(Ordering::Relaxed) as f64,
            ),
            (
                "natter_webhook_dead_lettered_total",
                "counter",
                "Events this node gave up as dead letters.",
                |m| m.dead_lettered.load(Ordering::Relaxed) as f64,
            ),
            (
                "natter_webhook_dead_letters",
                "gauge",
                "Dead letters waiting for a replay (every node's).",
                |m| m.dead.load(Ordering::Relaxed) as f64,
            ),
        ];
        for (name, kind, help, read) in series {
            let _ = writeln!(text, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for event in EventKind::ALL {
                let value = read(&self.webhooks[event.index()]);
                let _ = writeln!(text, "{name}{{event=\"{event}\"}} {value}");
            }
        }
        let name = "natter_before_send_total";
        let _ = writeln!(
            text,
            "# HELP {name} Messages the before-send callback was asked about, by outcome.\n\
             # TYPE {name} counter"
        );
        for (outcome, label) in ["allowed", "rejected", "replaced", "failed"]
            .into_iter()
            .enumerate()
        {
            let value = self.before_send[outcome].load(Ordering::Relaxed);
            let _ = writeln!(text, "{name}{{outcome=\"{label}\"}} {value}");
        }
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
        metrics.language(LanguageService::SpeechToText, LanguageOutcome::Refused);
        let text = metrics.render();
        assert!(
            text.contains(
                "natter_language_requests_total{service=\"speech_to_text\",outcome=\"refused\"} 1"
            ),
            "{text}"
        );
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
        assert!(
            !text.contains("webhook"),
            "no webhook series without webhooks"
        );
    }

    #[test]
    fn renders_the_webhook_series_per_event_kind() {
        let metrics = Metrics::default();
        metrics.webhooks_on();
        metrics.webhook_delivered(EventKind::MsgNotify, 5);
        metrics.webhook_failed(EventKind::MsgOffline, 2, 1);
        metrics.webhook_queue(EventKind::MsgNotify, 7, 1_500, 0);
        metrics.before_send(BeforeSendOutcome::Rejected);
        let text = metrics.render();
        for line in [
            "natter_webhook_deliveries_total{event=\"msg.notify\"} 5",
            "natter_webhook_failures_total{event=\"msg.offline\"} 2",
            "natter_webhook_dead_lettered_total{event=\"msg.offline\"} 1",
            "natter_webhook_queue_depth{event=\"msg.notify\"} 7",
            "natter_webhook_oldest_pending_seconds{event=\"msg.notify\"} 1.5",
            "natter_webhook_dead_letters{event=\"user.onlinestatus\"} 0",
            "natter_before_send_total{outcome=\"rejected\"} 1",
            "# TYPE natter_webhook_queue_depth gauge",
        ] {
            assert!(text.contains(line), "no {line:?} in\n{text}");
        }
    }
}
