//! One module per workload, and what several share: sender loops and pairs of users.

pub mod batch_delete;
pub mod cold_start;
pub mod delete_clear;
pub mod fanout;
pub mod idle_ws;
pub mod idle_wukongim;
pub mod latency;
pub mod list;
pub mod send;
pub mod send_offline;
pub mod webhooks;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use serde_json::json;

use crate::client::{Api, User};
use crate::report::{Report, histogram};
use crate::server::ProcStats;

/// Microseconds since the first call: the clock every timestamp in a payload uses.
pub fn now_us() -> u64 {
    static EPOCH: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    EPOCH.get_or_init(Instant::now).elapsed().as_micros() as u64
}

/// The `"t"` field of a `messageReceived` frame's payload, without decoding the rest.
pub fn sent_at_us(frame: &[u8]) -> Option<u64> {
    const FIELD: &[u8] = br#""t":"#;
    let start = frame.windows(FIELD.len()).position(|at| at == FIELD)? + FIELD.len();
    let digits = &frame[start..];
    let end = digits
        .iter()
        .position(|byte| !byte.is_ascii_digit())
        .unwrap_or(digits.len());
    std::str::from_utf8(&digits[..end]).ok()?.parse().ok()
}

/// `count` senders and `count` recipients, `C2C` pairs `{prefix}s{i}` → `{prefix}r{i}`.
pub async fn pairs(
    api: &Api,
    prefix: &str,
    count: usize,
) -> anyhow::Result<(Vec<User>, Vec<User>)> {
    let senders = api.create_users(&format!("{prefix}s"), count).await?;
    let recipients = api.create_users(&format!("{prefix}r"), count).await?;
    Ok((senders, recipients))
}

/// What a closed sender loop did.
#[derive(Debug)]
pub struct Sent {
    pub acked: u64,
    pub errors: u64,
    pub elapsed: Duration,
    /// Send → acknowledgement, µs.
    pub ack_latency: Histogram<u64>,
}

impl Sent {
    /// What `send` and `send-offline` report of their loop after its throughput: its errors,
    /// its acknowledgement latencies, and the server's and the bench's CPU per message, each
    /// process's stats as `[before, after]`.
    pub fn report_costs(
        &self,
        report: &mut Report,
        server: [Option<ProcStats>; 2],
        bench: [Option<ProcStats>; 2],
    ) {
        report.info("send errors", self.errors as f64, "");
        report.latencies("ack latency", &self.ack_latency);
        report.shared_machine_cost(server, bench, self.acked, "message", "msg/s");
    }
}

/// Each sender sends to its recipient, one request at a time, as fast as acknowledgements
/// come, for `duration`; sender `i` through `apis[i % apis.len()]`.
/// Every payload carries its send time (`t`).
pub async fn closed_loop(
    apis: &[Api],
    senders: &[User],
    recipients: &[User],
    duration: Duration,
) -> Sent {
    let started = Instant::now();
    let deadline = started + duration;
    let errors = Arc::new(AtomicU64::new(0));
    let tasks: Vec<_> = senders
        .iter()
        .zip(recipients)
        .zip(apis.iter().cycle())
        .map(|((sender, recipient), api)| {
            let api = api.clone();
            let token = sender.token.clone();
            let conversation = format!("C2C{}", recipient.uid);
            let errors = errors.clone();
            tokio::spawn(async move {
                let mut latency = histogram();
                let mut sent = 0;
                while Instant::now() < deadline {
                    let begun = Instant::now();
                    let payload = json!({ "text": "hello from natter-bench", "t": now_us() });
                    match api.send(&token, &conversation, payload).await {
                        Ok(_) => {
                            sent += 1;
                            let _ = latency.record(begun.elapsed().as_micros() as u64);
                        }
                        Err(error) => {
                            if errors.fetch_add(1, Ordering::Relaxed) == 0 {
                                eprintln!("send failed: {error:#}");
                            }
                            tokio::time::sleep(Duration::from_millis(10)).await;
                        }
                    }
                }
                (sent, latency)
            })
        })
        .collect();
    let mut ack_latency = histogram();
    let mut acked = 0;
    for task in tasks {
        if let Ok((sent, latency)) = task.await {
            acked += sent;
            let _ = ack_latency.add(&latency);
        }
    }
    Sent {
        acked,
        errors: errors.load(Ordering::Relaxed),
        elapsed: started.elapsed(),
        ack_latency,
    }
}
