//! Workload 1: one-to-one sends, each persisted (fsync'd), acknowledged and pushed to the
//! recipient's open WebSocket, from many concurrent senders (group commit shares fsyncs). On a
//! cluster, sender `i` sends through node `i % n` to a recipient connected to the next node,
//! so every push crosses nodes.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::client::{self, Api};
use crate::limits::Limit;
use crate::report::Report;
use crate::server::{Options, own_stats};

pub async fn run(options: &Options, quick: bool) -> anyhow::Result<Report> {
    let (senders, seconds) = if quick { (8, 1) } else { (200, 10) };
    let server = options.server().await?;
    let apis = Api::each(&server)?;
    let (from, to) = super::pairs(&apis[0], "send", senders).await?;
    let delivered = Arc::new(AtomicU64::new(0));
    let mut nodes = apis
        .iter()
        .map(Api::address)
        .collect::<anyhow::Result<Vec<_>>>()?;
    nodes.rotate_left(1);
    let sockets = client::connect_all(&nodes, &to, 64).await?;
    let readers = client::count_messages(sockets, &delivered);

    let before = server.stats();
    let bench_before = own_stats();
    let sent = super::closed_loop(&apis, &from, &to, Duration::from_secs(seconds)).await;
    let all_delivered = client::wait_until(Duration::from_secs(30), || {
        delivered.load(Ordering::Relaxed) >= sent.acked
    })
    .await;
    let after = server.stats();
    let bench_after = own_stats();
    readers.iter().for_each(|reader| reader.abort());
    anyhow::ensure!(
        all_delivered,
        "only {} of {} acknowledged messages reached their recipients within 30 s",
        delivered.load(Ordering::Relaxed),
        sent.acked
    );

    let across = match apis.len() {
        1 => String::new(),
        nodes => format!(", each on the next of {nodes} nodes"),
    };
    let mut report = Report::new(
        "send",
        format!(
            "{senders} senders → {senders} online recipients{across}, closed loop, {seconds} s"
        ),
    );
    let seconds = sent.elapsed.as_secs_f64();
    report.info("messages acknowledged", sent.acked as f64, "msg");
    report.at_least(
        "throughput (acknowledged)",
        sent.acked as f64 / seconds,
        "msg/s",
        10_000.0,
    );
    report.per(Limit::SqliteInserts);
    report.info(
        "pushed to the recipient",
        delivered.load(Ordering::Relaxed) as f64,
        "msg",
    );
    sent.report_costs(&mut report, [before, after], [bench_before, bench_after]);
    Ok(report)
}
