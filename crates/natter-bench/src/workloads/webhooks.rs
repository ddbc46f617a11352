//! Workload 9: what webhooks and the before-send callback cost senders. The send workload's
//! closed loop runs three times, each on a fresh server: without either; with webhooks to a
//! receiver (started here) that answers each request after 50 ms; and with a before-send
//! callback that allows each message at once. The recipients are offline, so with webhooks
//! every message writes two events (`msg.notify` and `msg.offline`), the most the outbox adds
//! to a send.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use serde_json::{Value, json};

use crate::client::Api;
use crate::report::Report;
use crate::server::{Options, ProcStats};

/// How long the webhook receiver takes to answer each request.
const RECEIVER_DELAY: Duration = Duration::from_millis(50);

pub async fn run(options: &Options, quick: bool) -> anyhow::Result<Report> {
    anyhow::ensure!(
        options.owns_server(),
        "webhooks starts servers with its own flags; it cannot use --server"
    );
    let (senders, seconds) = if quick { (8, 1) } else { (200, 10) };
    let receiver = Receiver::start().await?;
    let hook = format!("http://{}/hook", receiver.address);
    let check = format!("http://{}/check", receiver.address);
    let plain = measure(options, &[], senders, seconds).await?;
    // Signed, as in production: the HMAC is part of the cost.
    let flags = ["--webhook-url", &hook, "--webhook-secret", "bench-secret"];
    let hooked = measure(options, &flags, senders, seconds).await?;
    let delivered_in_run = receiver.events.load(Ordering::Relaxed);
    let checked = measure(options, &["--before-send-url", &check], senders, seconds).await?;

    let mut report = Report::new(
        "webhooks",
        format!(
            "{senders} senders → {senders} offline recipients, closed loop, {seconds} s; \
             webhook receiver answers in {} ms",
            RECEIVER_DELAY.as_millis()
        ),
    );
    report.info("send rate without webhooks", plain.rate(), "msg/s");
    report.info("send rate with webhooks", hooked.rate(), "msg/s");
    report.at_least(
        "with webhooks ÷ without",
        hooked.rate() / plain.rate(),
        "×",
        0.9,
    );
    report.info("ack p99 without webhooks", plain.p99_ms(), "ms");
    report.info("ack p99 with webhooks", hooked.p99_ms(), "ms");
    report.info("server CPU per message without", plain.cpu_us(), "µs");
    report.info(
        "server CPU per message with webhooks",
        hooked.cpu_us(),
        "µs",
    );
    report.info(
        "webhook events written (2 per message)",
        (hooked.acked * 2) as f64,
        "",
    );
    report.info(
        "webhook events delivered by the end of the run",
        delivered_in_run as f64,
        "",
    );
    report.info(
        "send rate with a before-send callback (answers at once)",
        checked.rate(),
        "msg/s",
    );
    report.info(
        "with before-send ÷ without",
        checked.rate() / plain.rate(),
        "×",
    );
    report.info("ack p50 without", plain.p50_ms(), "ms");
    report.info("ack p50 with before-send", checked.p50_ms(), "ms");
    report.info("ack p99 with before-send", checked.p99_ms(), "ms");
    report.info(
        "before-send calls answered",
        receiver.checks.load(Ordering::Relaxed) as f64,
        "",
    );
    Ok(report)
}

/// One closed-loop run on a fresh server started with `flags`.
struct Run {
    acked: u64,
    seconds: f64,
    latency: hdrhistogram::Histogram<u64>,
    cpu_secs: Option<f64>,
}

impl Run {
    fn rate(&self) -> f64 {
        self.acked as f64 / self.seconds
    }

    fn p50_ms(&self) -> f64 {
        crate::report::quantile_ms(&self.latency, 0.5)
    }

    fn p99_ms(&self) -> f64 {
        crate::report::quantile_ms(&self.latency, 0.99)
    }

    fn cpu_us(&self) -> f64 {
        self.cpu_secs
            .map_or(f64::NAN, |cpu| cpu * 1e6 / self.acked.max(1) as f64)
    }
}

async fn measure(
    options: &Options,
    flags: &[&str],
    senders: usize,
    seconds: u64,
) -> anyhow::Result<Run> {
    let dir = tempfile::Builder::new()
        .prefix("natter-bench-webhooks-")
        .tempdir()?;
    let server = options.start_with(dir.path(), flags).await?;
    let api = Api::new(&server)?;
    let (from, to) = super::pairs(&api, "wh", senders).await?;
    let before = server.stats();
    let sent = super::closed_loop(
        std::slice::from_ref(&api),
        &from,
        &to,
        Duration::from_secs(seconds),
    )
    .await;
    let after = server.stats();
    server.stop().await?;
    anyhow::ensure!(sent.errors == 0, "{} sends failed", sent.errors);
    let cpu = |stats: Option<ProcStats>| stats.map(|stats| stats.cpu_secs);
    Ok(Run {
        acked: sent.acked,
        seconds: sent.elapsed.as_secs_f64(),
        latency: sent.ack_latency,
        cpu_secs: cpu(after)
            .zip(cpu(before))
            .map(|(after, before)| after - before),
    })
}

/// The app backend: `/hook` counts webhook events and answers after [`RECEIVER_DELAY`];
/// `/check` allows every message at once.
struct Receiver {
    address: SocketAddr,
    events: Arc<AtomicU64>,
    checks: Arc<AtomicU64>,
}

#[derive(Clone)]
struct Counters {
    events: Arc<AtomicU64>,
    checks: Arc<AtomicU64>,
}

impl Receiver {
    async fn start() -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let counters = Counters {
            events: Arc::default(),
            checks: Arc::default(),
        };
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(hook))
            .route("/check", axum::routing::post(check))
            .with_state(counters.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(Self {
            address,
            events: counters.events,
            checks: counters.checks,
        })
    }
}

async fn hook(State(counters): State<Counters>, body: Bytes) {
    tokio::time::sleep(RECEIVER_DELAY).await;
    let events = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Array(items)) => items.len() as u64,
        _ => 1,
    };
    counters.events.fetch_add(events, Ordering::Relaxed);
}

async fn check(State(counters): State<Counters>) -> axum::Json<Value> {
    counters.checks.fetch_add(1, Ordering::Relaxed);
    axum::Json(json!({"result": "allow"}))
}
