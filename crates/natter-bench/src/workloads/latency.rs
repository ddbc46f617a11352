//! Workload 3: end-to-end latency, from the moment a send is due to the moment the recipient's
//! WebSocket has the message. First at saturation (closed loop, which also finds the maximum
//! rate), then open loop at half that rate, timed from each send's scheduled moment so a slow
//! server cannot hide its queueing (no coordinated omission).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use serde_json::json;
use tokio::sync::Semaphore;

use crate::client::{self, Api, User};
use crate::commits::{CommitTimes, Commits};
use crate::limits::Limit;
use crate::report::{Report, histogram, quantile_ms};
use crate::server::Options;

/// Sends of the open loop that may be outstanding at once; beyond it the bench stops pacing.
const MAX_IN_FLIGHT: usize = 4096;

pub async fn run(options: &Options, quick: bool) -> anyhow::Result<Report> {
    let (pairs, saturation_secs, paced_secs) = if quick { (4, 1, 1) } else { (100, 8, 10) };
    let server = options.server().await?;
    let api = Api::new(&server)?;
    let (from, to) = super::pairs(&api, "lat", pairs).await?;
    let latencies = Arc::new(Mutex::new(histogram()));
    let sockets = client::connect_all(&[api.address()?], &to, 64).await?;
    let readers: Vec<_> = sockets
        .into_iter()
        .map(|socket| {
            let latencies = latencies.clone();
            client::spawn_reader(socket, move |frame| {
                if let Some(sent) = super::sent_at_us(frame) {
                    let took = super::now_us().saturating_sub(sent);
                    let _ = latencies.lock().expect("latencies").record(took.max(1));
                }
            })
        })
        .collect();

    // Saturation: as fast as the server acknowledges.
    let commits_at_start = CommitTimes::read(&api).await?;
    let saturated = super::closed_loop(
        std::slice::from_ref(&api),
        &from,
        &to,
        Duration::from_secs(saturation_secs),
    )
    .await;
    let max_rate = saturated.acked as f64 / saturated.elapsed.as_secs_f64();
    let at_saturation = settle(&latencies, saturated.acked).await;

    // Half the maximum rate, paced.
    let rate = (max_rate / 2.0).max(1.0);
    let before = server.stats();
    let commits_at_half = CommitTimes::read(&api).await?;
    let paced = paced_loop(&api, &from, &to, rate, Duration::from_secs(paced_secs)).await?;
    let at_half = settle(&latencies, paced.acknowledged.len()).await;
    let after = server.stats();
    let commits_at_end = CommitTimes::read(&api).await?;
    readers.iter().for_each(|reader| reader.abort());

    let mut report = Report::new(
        "latency",
        format!(
            "{pairs} sender→recipient pairs; saturation {saturation_secs} s closed loop, then {paced_secs} s paced at half its rate"
        ),
    );
    report.info("max rate (saturation)", max_rate, "msg/s");
    report.info("paced rate", rate, "msg/s");
    report.at_most("half rate p50", quantile_ms(&at_half, 0.5), "ms", 2.0);
    report.per(Limit::Fsync);
    report.at_most("half rate p99", quantile_ms(&at_half, 0.99), "ms", 20.0);
    report.per(Limit::Fsync);
    report.info("half rate max", quantile_ms(&at_half, 1.0), "ms");
    report.info(
        "half rate, acknowledged p50",
        quantile_ms(&paced.acknowledged, 0.5),
        "ms",
    );
    report.info(
        "half rate, bench's own lateness p50",
        quantile_ms(&paced.lateness, 0.5),
        "ms",
    );
    report.info(
        "half rate, bench's own lateness p99",
        quantile_ms(&paced.lateness, 0.99),
        "ms",
    );
    report.info("saturation p50", quantile_ms(&at_saturation, 0.5), "ms");
    report.at_most(
        "saturation p99",
        quantile_ms(&at_saturation, 0.99),
        "ms",
        100.0,
    );
    report.info("saturation max", quantile_ms(&at_saturation, 1.0), "ms");
    // A stall is either the server's or the disk's: its slow commits say which.
    for (phase, from, to) in [
        ("half rate", &commits_at_half, &commits_at_end),
        ("saturation", &commits_at_start, &commits_at_half),
    ] {
        if let (Some(from), Some(to)) = (from, to) {
            report_commits(&mut report, phase, to.since(from));
        }
    }
    // What the half rate cost the server, its bytes written to disk among it: each commit's
    // sync waits behind them.
    report.server_cost(
        before,
        after,
        paced.acknowledged.len() as u64,
        "message at half rate",
    );
    Ok(report)
}

/// The server's commits during one phase, and how many of them stalled on the disk's sync.
fn report_commits(report: &mut Report, phase: &str, commits: Commits) {
    report.info(format!("server commits at {phase}"), commits.all as f64, "");
    report.info("… of them over 10 ms", commits.over_10_ms as f64, "");
    report.info(
        "… of them over 50 ms (the disk's sync)",
        commits.over_50_ms as f64,
        "",
    );
    report.info("… of them over 250 ms", commits.over_250_ms as f64, "");
}

/// Waits (at most 30 s) until `expected` deliveries were recorded, then takes the histogram.
async fn settle(latencies: &Arc<Mutex<Histogram<u64>>>, expected: u64) -> Histogram<u64> {
    client::wait_until(Duration::from_secs(30), || {
        latencies.lock().expect("latencies").len() >= expected
    })
    .await;
    std::mem::replace(&mut *latencies.lock().expect("latencies"), histogram())
}

/// What the paced loop did.
struct Paced {
    /// How late the bench itself was for each scheduled send, µs: part of every sample.
    lateness: Histogram<u64>,
    /// From each acknowledged send's scheduled moment to its acknowledgement, µs: the part of
    /// the latency before the push. One sample per acknowledged send.
    acknowledged: Histogram<u64>,
}

/// Sends at `rate` in all, round-robin over the pairs, for `duration`, each send stamped
/// (into its payload) with its scheduled moment whether or not earlier ones were acknowledged.
///
/// The schedule is kept by a blocking-pool thread, not by tokio's timer: the timer rounds each
/// wake-up up to its next millisecond tick, which added up to a millisecond of the bench's own
/// lateness to every sample. A thread's sleep is late by tens of microseconds; what lateness
/// remains is recorded and reported beside the percentiles.
async fn paced_loop(
    api: &Api,
    from: &[User],
    to: &[User],
    rate: f64,
    duration: Duration,
) -> anyhow::Result<Paced> {
    let pairs: Vec<(String, String)> = from
        .iter()
        .zip(to)
        .map(|(sender, recipient)| (sender.token.clone(), format!("C2C{}", recipient.uid)))
        .collect();
    let api = api.clone();
    let runtime = tokio::runtime::Handle::current();
    let acknowledged = Arc::new(Mutex::new(histogram()));
    let acks = acknowledged.clone();
    let (sends, lateness) = tokio::task::spawn_blocking(move || {
        let in_flight = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
        let gap = Duration::from_secs_f64(1.0 / rate);
        let start = Instant::now();
        let mut lateness = histogram();
        let mut sends = Vec::new();
        for (index, (token, conversation)) in pairs.iter().cycle().enumerate() {
            // Each moment from the start, so rounding does not add up over the run.
            let due = start + gap.mul_f64(index as f64);
            if due >= start + duration {
                break;
            }
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
            // Beyond `MAX_IN_FLIGHT` outstanding sends, the bench stops pacing.
            let Ok(permit) = runtime.block_on(in_flight.clone().acquire_owned()) else {
                break;
            };
            let late = due.elapsed().as_micros() as u64;
            let _ = lateness.record(late.max(1));
            let stamp = super::now_us().saturating_sub(late);
            let (api, token, conversation) = (api.clone(), token.clone(), conversation.clone());
            let acks = acks.clone();
            sends.push(runtime.spawn(async move {
                let payload = json!({ "text": "paced", "t": stamp });
                let sent = api.send(&token, &conversation, payload).await;
                drop(permit);
                if sent.is_ok() {
                    let took = due.elapsed().as_micros() as u64;
                    let _ = acks.lock().expect("acks").record(took.max(1));
                }
            }));
        }
        (sends, lateness)
    })
    .await?;
    for send in sends {
        let _ = send.await;
    }
    let acknowledged = acknowledged.lock().expect("acks").clone();
    Ok(Paced {
        lateness,
        acknowledged,
    })
}
