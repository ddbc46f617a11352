//! Workload 1b: one-to-one sends to recipients with no live connection, from 64 concurrent
//! senders (64 HTTP connections): the durable write path alone, read against plain SQLite's
//! batched insert rate measured in the same run.

use std::time::Duration;

use crate::client::Api;
use crate::limits::Limit;
use crate::report::Report;
use crate::server::{Options, own_stats};

pub async fn run(options: &Options, quick: bool) -> anyhow::Result<Report> {
    let (senders, seconds) = if quick { (8, 1) } else { (64, 10) };
    let server = options.server().await?;
    let api = Api::new(&server)?;
    let (from, to) = super::pairs(&api, "off", senders).await?;

    let before = server.stats();
    let bench_before = own_stats();
    let sent = super::closed_loop(
        std::slice::from_ref(&api),
        &from,
        &to,
        Duration::from_secs(seconds),
    )
    .await;
    let after = server.stats();
    let bench_after = own_stats();

    let mut report = Report::new(
        "send-offline",
        format!(
            "{senders} senders → {senders} recipients with no connection, closed loop, {seconds} s"
        ),
    );
    let seconds = sent.elapsed.as_secs_f64();
    report.info("messages acknowledged", sent.acked as f64, "msg");
    report.ratio_at_least(
        "throughput (acknowledged)",
        sent.acked as f64 / seconds,
        "msg/s",
        Limit::SqliteInserts,
        0.12,
    );
    sent.report_costs(&mut report, [before, after], [bench_before, bench_after]);
    Ok(report)
}
